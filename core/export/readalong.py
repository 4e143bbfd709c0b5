"""The book as the read-along formats see it: pages with their picture, their text cut into
sentences, and, where the page has been read aloud, its audio and when each sentence is heard.

The EPUB (`core.export.epub`), the web reader (`core.export.reader`) and the read-aloud view all
start from `readalong_book`, so a page says and shows the same thing in each of them. A page
without a current narration (never read aloud, or its text changed since) is silent: it still has
its sentences, without timings.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image

from core.errors import InputError
from core.export.credits import credits
from core.language import direction_of
from core.narration import sentences as split_sentences
from core.storage.store import Store
from core.story import Story, now

CREDITS_START = "Made with VisuTale Studio ("
PICTURE_LONG_SIDE = 1600  # pixels: sharp on a tablet, a few hundred kilobytes as JPEG


@dataclass(frozen=True)
class Sentence:
    text: str
    start: float | None = None  # seconds into the page's audio; None on a silent page
    end: float | None = None


@dataclass(frozen=True)
class ReadAlongPage:
    number: int  # from 1
    text: str
    sentences: tuple[Sentence, ...]
    picture: Path | None  # the chosen picture (its upscaled copy where there is one)
    audio: Path | None  # the narration's WAV file; None: a silent page
    duration: float = 0.0
    voice: str = ""

    def spans(self) -> list[tuple[str, int | None]]:
        """The page's text as consecutive (slice, sentence index or None) pieces that join back into
        exactly the text: what a renderer wraps, sentence by sentence, so it can light each up."""
        pieces: list[tuple[str, int | None]] = []
        cursor = 0
        for index, sentence in enumerate(self.sentences):
            found = self.text.find(sentence.text, cursor)
            if found < 0:  # a narration of other words (cannot happen for a current one)
                return [(self.text, None)]
            if found > cursor:
                pieces.append((self.text[cursor:found], None))
            pieces.append((sentence.text, index))
            cursor = found + len(sentence.text)
        if cursor < len(self.text):
            pieces.append((self.text[cursor:], None))
        return pieces


@dataclass(frozen=True)
class ReadAlongBook:
    id: str
    title: str
    language: str
    author: str
    credits: str  # one line naming every engine that made the book
    engines: tuple[str, ...]  # the same, one "step: engine" each
    cover: Path | None  # the photo
    pages: tuple[ReadAlongPage, ...]
    modified: datetime

    @property
    def direction(self) -> str:
        return direction_of(self.language)

    @property
    def narrated(self) -> bool:
        return any(page.audio for page in self.pages)

    @property
    def duration(self) -> float:
        return sum(page.duration for page in self.pages)

    @property
    def voices(self) -> list[str]:
        return sorted({page.voice for page in self.pages if page.voice})


def readalong_book(store: Store, story: Story, language: str | None = None) -> ReadAlongBook:
    """The chosen draft (or its translation into `language`) with pictures and current narrations."""
    draft = story.draft
    if draft is None:
        raise InputError("There is no draft yet: write one on the Draft page.")
    language = language or story.settings.language
    translation = story.translation(language) if language != story.settings.language else None
    if language != story.settings.language and translation is None:
        raise InputError(f"There is no translation into '{language}': translate the story first.")
    pages = []
    for number, page in enumerate(draft.pages, start=1):
        text = story.spoken_text(page.id, language) or ""
        variant = story.picture(page.id)
        picture = store.image_path(story.id, variant.upscaled or variant.image) if variant else None
        narration = story.narration(page.id, language)
        if narration is not None and not store.audio_path(story.id, narration.audio).exists():
            narration = None  # its audio did not come along (a story moved without it): silent
        if narration is not None:
            said = tuple(Sentence(s.text, s.start, s.end) for s in narration.sentences)
            audio = store.audio_path(story.id, narration.audio)
            pages.append(ReadAlongPage(number, text, said, picture, audio, narration.duration, narration.voice))
        else:
            pages.append(ReadAlongPage(number, text, tuple(Sentence(s) for s in split_sentences(text)), picture, None))
    voices = sorted({p.voice for p in pages if p.voice})
    made = credits(story).removeprefix(CREDITS_START).removesuffix(")")
    engines = tuple(part for part in made.split("; ") if part) + (
        (f"narration: {', '.join(voices)}",) if voices else ()
    )
    person = getattr(store, "person", None)
    name = person.name if person is not None and person.name not in ("", "You") else ""
    return ReadAlongBook(
        id=story.id,
        title=translation.title if translation else draft.title,
        language=language,
        author=name or "VisuTale Studio",
        credits=f"{CREDITS_START}{'; '.join(engines)})",
        engines=engines,
        cover=store.image_path(story.id, story.photo.image) if story.photo else None,
        pages=tuple(pages),
        modified=story.updated or now(),
    )


def jpeg(path: Path, long_side: int = PICTURE_LONG_SIDE) -> tuple[bytes, tuple[int, int]]:
    """A picture as JPEG no larger than `long_side`, and its size: what the read-along formats carry
    (the lossless PNG originals are several megabytes each)."""
    with Image.open(path) as image:
        image = image.convert("RGB")
        image.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=85, optimize=True)
        return buffer.getvalue(), image.size
