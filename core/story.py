"""The Story document: everything a person made, as one pydantic model saved as JSON.

Images never live inside the document: they are files in the story's folder, named by the
SHA-256 of their bytes (see `core.storage.store`), and the document refers to them by that name. This
keeps the JSON small, lets two variants that happen to be identical share one file, and keeps
bytes out of `st.session_state`.

Pictures belong to pages by a page `id` that survives revisions which keep the page, so a person
who asks for "funnier" text does not lose the pictures they picked.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.campaign_document import Campaign

STORY_ID = re.compile(r"^[0-9a-f]{32}$")
IMAGE_NAME = re.compile(r"^[0-9a-f]{64}\.(png|jpg|jpeg|webp|gif|bmp|tiff|heic|bin)$")
AUDIO_NAME = re.compile(r"^[0-9a-f]{64}\.(wav|mp3|m4a)$")

Audience = Literal["young children", "older children", "adults"]
Aspect = Literal["portrait", "square", "landscape"]
PageSize = Literal["A4", "Letter", "square"]
Author = Literal["model", "person"]
ReadingLevel = Literal["early", "grade-1-2", "grade-3-4", "grade-5-6", "adult"]  # core.reading.levels.LEVELS

AUDIENCES: tuple[str, ...] = ("young children", "older children", "adults")
ASPECTS: tuple[str, ...] = ("portrait", "square", "landscape")
PAGE_SIZES: tuple[str, ...] = ("A4", "Letter", "square")
MAX_PAGES = 24


def now() -> datetime:
    return datetime.now(UTC)


def new_id(nbytes: int = 16) -> str:
    """An unguessable hex id: story ids are also the only key to a story in a URL."""
    return secrets.token_hex(nbytes)


def short_id() -> str:
    return secrets.token_hex(6)


class Model(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)


class Photo(Model):
    """The uploaded photo: the original bytes as uploaded and the normalised RGB copy we work on."""

    filename: str
    original: str  # image name in the store: the bytes exactly as uploaded
    image: str  # image name in the store: upright, RGB, downscaled once if huge (PNG)
    width: int
    height: int


class CaptionVersion(Model):
    text: str
    author: Author
    engine: str = ""  # which engine wrote it ("offline", "local", "remote"); empty for a person
    model: str = ""
    created: datetime = Field(default_factory=now)
    incomplete: bool = False  # a stream that stopped half-way keeps what arrived


class Question(Model):
    question: str
    answer: str
    engine: str
    model: str = ""
    created: datetime = Field(default_factory=now)


class StorySettings(Model):
    pages: int = Field(default=8, ge=1, le=MAX_PAGES)
    audience: Audience = "young children"
    genre: str = "adventure"
    tone: str = "warm"
    style: str = "watercolour"  # a preset name from assets/styles.json
    aspect: Aspect = "portrait"
    language: str = "en"  # the language the story is written in
    seed: int = 1
    reading_level: ReadingLevel | None = None  # picked by a teacher: every page is measured against it


class SceneSpec(Model):
    """What a page's picture shows, planned once and shared by the writer and the illustrator.

    The offline writer tells the page from it and the offline illustrator draws it, so a prop named
    on the page is a prop drawn in its picture. Every word here comes from `core.offline.world`:
    the writer uses only settings, companions and props that the illustrator can draw. Other
    engines may leave a page without one (their prompt alone describes the picture)."""

    setting: str  # a key of world.SETTINGS ("kitchen", "garden", "forest", "space" ...)
    time: str = "day"  # a key of world.TIMES
    weather: str = "clear"  # a key of world.WEATHERS
    hero: str = ""  # the hero's kind as the caption says it ("cat", "girl", "astronaut", "teddy bear")
    pose: str = "stand"  # a key of world.POSES: how the hero is drawn
    action: str = ""  # what the hero does on this page, in a few words ("climbs the old oak")
    companions: list[str] = Field(default_factory=list)  # keys of world.COMPANIONS on this page
    props: list[str] = Field(default_factory=list)  # keys of world.PROPS seen on this page
    framing: str = "medium"  # a key of world.FRAMINGS: how large the hero stands in the picture
    # the colour the text gives a prop ({"ball": "red"}): the picture draws it in that colour
    colours: dict[str, str] = Field(default_factory=dict)
    # where the page's try happens, as its text says it ("under the table"): drawn beside the hero
    spot: str = ""


class StoryPage(Model):
    """One page of a draft: its text, its key scene and the image prompt built from that scene."""

    id: str = Field(default_factory=short_id)
    text: str
    scene: str = ""
    prompt: str = ""
    spec: SceneSpec | None = None  # the planned picture (offline writer); None: the prompt alone


class Draft(Model):
    id: str = Field(default_factory=short_id)
    parent: str | None = None  # the draft this one was made from
    instruction: str  # what made it: "first draft", "make it funnier", "enlarge by 2 pages", "edited by hand"
    author: Author = "model"
    engine: str = ""
    model: str = ""
    seed: int | None = None
    title: str
    pages: list[StoryPage]
    created: datetime = Field(default_factory=now)
    incomplete: bool = False
    plan: dict[str, str] = Field(default_factory=dict)  # what the offline writer planned it on (hero, place...)

    def text(self) -> str:
        return "\n\n".join([self.title, *(p.text for p in self.pages)])


class ImageVariant(Model):
    """One picture made for a page, with everything needed to make it again bit for bit."""

    id: str = Field(default_factory=short_id)
    image: str  # image name in the store
    engine: str
    model: str = ""
    seed: int
    width: int
    height: int
    prompt: str
    negative_prompt: str = ""
    params: dict[str, Any] = Field(default_factory=dict)
    created: datetime = Field(default_factory=now)
    upscaled: str | None = None  # image name of the upscaled copy, if any
    upscale: dict[str, Any] = Field(default_factory=dict)  # engine, model, factor of that copy


class Scene(Model):
    """The pictures of one page (keyed by the page id in `Story.scenes`)."""

    variants: list[ImageVariant] = Field(default_factory=list)
    chosen: str | None = None  # variant id
    pinned: bool = False  # the person keeps the chosen picture: redraws leave it in use

    def chosen_variant(self) -> ImageVariant | None:
        for v in self.variants:
            if v.id == self.chosen:
                return v
        return self.variants[-1] if self.variants else None


class BookVersion(Model):
    """One of several whole-book versions made side by side: a picture set drawn from its own
    seeds (`pictures`: page id -> variant id, each also kept in its page's Scene) or a draft of
    its own (`draft`), so the person can pick a version or mix pages from several."""

    number: int  # 1, 2, 3 ... within the batch of versions it was made in
    kind: Literal["pictures", "draft"] = "pictures"
    seed: int | None = None  # the story seed a draft version was written from (pictures keep their own)
    draft: str  # the draft it illustrates (kind "pictures") or is (kind "draft")
    pictures: dict[str, str] = Field(default_factory=dict)
    created: datetime = Field(default_factory=now)


class Translation(Model):
    """A translation of one draft, kept beside it page by page; the person may edit it."""

    language: str
    draft: str  # draft id it translates
    engine: str
    model: str = ""
    title: str
    pages: list[str]
    created: datetime = Field(default_factory=now)
    edited: bool = False


Layout = Literal["above", "beside", "band", "large"]  # see core.export.pdf.LAYOUTS
LAYOUTS: tuple[str, ...] = ("above", "beside", "band", "large")


class ExportSettings(Model):
    page_size: PageSize = "A4"
    language: str | None = None  # None: the story's own language; else a translation's code
    bilingual: bool = False
    layout: Layout = "above"  # the screen PDF's and the print PDF's
    trim: str = "A4"  # the print PDF's trim, a name core.export.printing.parse_trim reads
    crop_marks: bool = False  # the print PDF's


class ExportRecord(Model):
    token: str  # unguessable; a publisher serves the file under it (see core.storage.publish)
    filename: str
    page_size: PageSize
    language: str | None = None
    bilingual: bool = False
    size: int
    pages: int
    url: str | None = None  # None: kept in the store only, not published
    created: datetime = Field(default_factory=now)
    format: str = "pdf"  # a name in `core.export.formats.FORMATS`; the file is `<token>.<its extension>`
    trim: str | None = None  # a print-ready PDF's trim; None for the screen PDF
    layout: Layout = "above"
    notes: list[str] = Field(default_factory=list)  # what a printer would notice (pictures under 300 dpi)


class SentenceTiming(Model):
    """One spoken sentence of a page: its text exactly as printed (a slice of the page's text) and
    when it is heard, in seconds from the start of the page's audio."""

    text: str
    start: float = Field(ge=0)
    end: float = Field(ge=0)


def text_hash(text: str) -> str:
    """What a narration was made from: a narration is current only while its page says exactly this."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class Narration(Model):
    """A page read aloud: one audio file (in the store, named by the hash of its bytes, like a
    picture) and when each sentence is heard in it.

    It belongs to a page by the page id and to a text by `text_hash`: when the page's text changes,
    the narration stays in the document (a draft chosen again later finds it) but is no longer
    current (`Story.narration`).
    """

    page_id: str
    text_hash: str
    language: str  # the language spoken: the story's own or a translation's code
    engine: str  # "offline", "remote", ...
    voice: str  # the voice that speaks, as the page names it ("Piper joe (en_US)", "espeak-ng de")
    model: str = ""
    audio: str  # audio name in the store: "<sha256>.wav"
    duration: float = Field(ge=0)  # seconds
    sentences: list[SentenceTiming] = Field(default_factory=list)
    created: datetime = Field(default_factory=now)


class Character(Model):
    """One character's sheet: what every picture of a page they are on says about them.

    Proposed after a draft is written (`core.characters.sheets`), edited by the person, woven into each
    picture prompt in a fixed order and wording (`core.prompts.character_phrase`). `references`
    are image names in the story's store (the photo, a cut-out, pictures the person chose) that an
    engine which can take a reference picture may use; `library` is the id of the entry in the
    space's character library it came from or was saved as.
    """

    id: str = Field(default_factory=short_id)
    name: str
    kind: str = ""  # "cat", "girl", "mouse"
    look: str = ""  # "little tabby cat with golden fur"
    outfit: str = ""  # "a red scarf"
    colours: list[str] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)
    library: str | None = None
    author: Author = "model"


class Story(Model):
    id: str = Field(default_factory=new_id)
    created: datetime = Field(default_factory=now)
    updated: datetime = Field(default_factory=now)
    revision: int = 0  # bumped by every save
    photo: Photo | None = None
    captions: list[CaptionVersion] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    settings: StorySettings = Field(default_factory=StorySettings)
    drafts: list[Draft] = Field(default_factory=list)
    chosen_draft: str | None = None
    scenes: dict[str, Scene] = Field(default_factory=dict)  # page id -> pictures
    translations: list[Translation] = Field(default_factory=list)
    export: ExportSettings = Field(default_factory=ExportSettings)
    exports: list[ExportRecord] = Field(default_factory=list)
    narrations: list[Narration] = Field(default_factory=list)
    versions: list[BookVersion] = Field(default_factory=list)  # the newest batch of whole-book versions
    characters: list[Character] = Field(default_factory=list)  # the sheets, in the order prompts name them
    campaign: Campaign | None = None  # set when this is a marketer's campaign (core.campaign)

    @field_validator("id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        if not STORY_ID.match(value):
            raise ValueError("a story id is 32 lowercase hex characters")
        return value

    # --- derived views: computed, never stored twice -------------------------------------

    @property
    def caption(self) -> str:
        return self.captions[-1].text if self.captions else ""

    @property
    def draft(self) -> Draft | None:
        """The chosen draft: the one that gets illustrated and exported."""
        return self.find_draft(self.chosen_draft) if self.chosen_draft else None

    @property
    def title(self) -> str:
        if self.campaign is not None:
            return self.campaign.name
        return self.draft.title if self.draft else "Untitled story"

    def find_draft(self, draft_id: str) -> Draft | None:
        return next((d for d in self.drafts if d.id == draft_id), None)

    def scene(self, page_id: str) -> Scene:
        """The pictures of a page, created empty on first use."""
        if page_id not in self.scenes:
            self.scenes[page_id] = Scene()
        return self.scenes[page_id]

    def picture(self, page_id: str) -> ImageVariant | None:
        """The picture a page shows: its scene's chosen variant, or None when it has none."""
        scene = self.scenes.get(page_id)
        return scene.chosen_variant() if scene else None

    def pictured_pages(self) -> list[tuple[int, StoryPage, ImageVariant]]:
        """(page number from 1, page, picture) for each page of the chosen draft that has one."""
        pages = self.draft.pages if self.draft else []
        return [
            (n, page, picture)
            for n, page in enumerate(pages, start=1)
            if (picture := self.picture(page.id)) is not None
        ]

    def pages_without_picture(self) -> list[StoryPage]:
        """The pages of the chosen draft that have no picture yet, in order."""
        pages = self.draft.pages if self.draft else []
        return [page for page in pages if self.picture(page.id) is None]

    def translation(self, language: str) -> Translation | None:
        """The newest translation of the chosen draft into `language`."""
        draft = self.draft
        if draft is None:
            return None
        matches = [t for t in self.translations if t.language == language and t.draft == draft.id]
        return matches[-1] if matches else None

    def image_names(self) -> set[str]:
        """Every image file the document refers to (the store keeps these, and only these)."""
        names: set[str] = set()
        if self.photo:
            names |= {self.photo.original, self.photo.image}
        for scene in self.scenes.values():
            for v in scene.variants:
                names.add(v.image)
                if v.upscaled:
                    names.add(v.upscaled)
        for character in self.characters:
            names.update(character.references)
        if self.campaign is not None:
            names |= self.campaign.image_names()
        return names

    # --- narration -----------------------------------------------------------------------

    def spoken_text(self, page_id: str, language: str | None = None) -> str | None:
        """What a page says in `language` (None: the story's own): the chosen draft's text, or its
        translation's; None when the page is not in the chosen draft or there is no such translation."""
        draft = self.draft
        pages = [p.id for p in draft.pages] if draft else []
        if page_id not in pages:
            return None
        index = pages.index(page_id)
        if language is None or language == self.settings.language:
            return draft.pages[index].text
        translation = self.translation(language)
        return translation.pages[index] if translation and index < len(translation.pages) else None

    def narration(self, page_id: str, language: str | None = None) -> Narration | None:
        """The newest narration of the page in `language` (None: the story's own) that reads the
        page's current text; None when there is none or the text changed since."""
        language = language or self.settings.language
        text = self.spoken_text(page_id, language)
        if text is None:
            return None
        wanted = text_hash(text)
        matches = [
            n for n in self.narrations if n.page_id == page_id and n.language == language and n.text_hash == wanted
        ]
        return matches[-1] if matches else None

    def latest_export(self, format: str = "pdf") -> ExportRecord | None:
        """The newest export in this format."""
        return next((r for r in reversed(self.exports) if r.format == format), None)

    def audio_names(self) -> set[str]:
        """Every audio file the document refers to."""
        return {n.audio for n in self.narrations}
