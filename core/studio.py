"""The steps of the studio as functions over a Story; the pages and the command line call these.

Each step takes the store, the story and the provider it needs, changes the story and saves it
through `_commit`: a save names the revision it started from, and when someone saved meanwhile (a
second tab, a second person, a long step racing an edit) the change is applied again on top of the
newest revision, so nothing either of them made is lost; where two changes collide, the person's
edit is kept as a draft of its own and they are told.
Long steps are generators of progress events (`Token` for streamed text, `Progress` for "scene 3 of
8", `Notice` for something the person should know) and save after every finished piece, so the
story is consistent whenever the consumer stops iterating: a page that reruns mid-way, a person
pressing stop, a command line interrupted. A step that fails raises a StudioError and leaves the
story as it was before the failed piece.
"""

from __future__ import annotations

import difflib
import io
import random
import secrets
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from PIL import Image
from pydantic import ValidationError

from core import characters, class_safety
from core.errors import InputError, NotConfigured, ProviderError
from core.limits import REMOTE_ENGINES
from core.offline.mood import mood_of
from core.photo import load_photo, photo_to_png
from core.prompts import image_prompt
from core.providers.base import (
    Brief,
    Illustrator,
    ImageJob,
    Narrator,
    Remark,
    Step,
    Translator,
    Upscaler,
    Vision,
    Writer,
    WriterStream,
    WrittenPage,
    WrittenStory,
)
from core.providers.storyjson import readable
from core.publish import Publisher
from core.safety import SafetyChecker
from core.spaces import Level
from core.store import StaleRevision, Store
from core.story import (
    LAYOUTS,
    MAX_PAGES,
    CaptionVersion,
    Draft,
    ExportRecord,
    ExportSettings,
    ImageVariant,
    Narration,
    Photo,
    Question,
    SentenceTiming,
    Story,
    StoryPage,
    StorySettings,
    Translation,
    now,
    text_hash,
)
from core.text import clean_text, one_line, safe_filename


@dataclass(frozen=True)
class Token:
    """A piece of streamed text."""

    text: str


@dataclass(frozen=True)
class Progress:
    """How far a long step is: `done` of `total` (`total` 0 when unknown)."""

    label: str
    done: int
    total: int


@dataclass(frozen=True)
class Notice:
    """Something the person should read (a page skipped by the safety check, say)."""

    text: str


Event = Token | Progress | Notice

T = TypeVar("T")
_COMMIT_TRIES = 8
MAX_VARIANTS = 8  # pictures per page in one batch


def _commit(store: Store, story: Story, change: Callable[[Story], T], step: str, engine: str | None = None) -> T:
    """Apply `change` to the story and save it on top of the revision it was loaded at.

    `step` names the change in the story's history (`core.audit`), with the `engine` of the model
    that made it (None: the person made it); the store adds who asked.

    When someone saved meanwhile, the newest version is loaded into `story` and `change` runs
    again on it, so a change must be written against whatever it finds (append this draft, add
    this picture to page X), never against what the caller saw. Returns what `change` returned.
    """
    for _ in range(_COMMIT_TRIES):
        result = change(story)
        try:
            store.save(story, step=step, engine=engine)
            return result
        except StaleRevision:
            _adopt(story, store.load(story.id))
    raise InputError("The story kept changing while this was saved; nothing was lost, try again.")


def _adopt(story: Story, newest: Story) -> None:
    """Make the caller's Story object the newest version, in place (callers hold on to it)."""
    story.__dict__.update(newest.model_copy(deep=True).__dict__)


def _may_change(store: Store, story: Story, engine: str | None = None, calls: int = 1, pictures: int = 0) -> None:
    """A long step asks before it runs a model, not at its first save: a person who may only read
    the story is told at once, and no model works for nothing. With `engine`, the step's `calls`
    (requests to a remote server, when the engine is one) and `pictures` are counted against the
    limits of the story's space first (`core.limits`), refused with LimitReached past them."""
    store.check_access(story.id, Level.EDIT)
    if engine is not None:
        remote = calls if engine in REMOTE_ENGINES else 0
        store.charge(story.id, pictures=pictures, remote_calls=remote)


# --- photo -------------------------------------------------------------------------------


def start_story(store: Store, data: bytes, filename: str) -> Story:
    """A new story from an upload. A photo that cannot be used raises InputError; nothing is made."""
    loaded = load_photo(data, filename)
    story = store.create()
    original = store.put_image(story.id, loaded.original, loaded.extension)
    working = store.put_image(story.id, photo_to_png(loaded.image), "png")
    story.photo = Photo(
        filename=one_line(filename or "photo", 120),
        original=original,
        image=working,
        width=loaded.width,
        height=loaded.height,
    )
    return store.save(story, step="photo")


def photo_image(store: Store, story: Story) -> Image.Image:
    if story.photo is None:
        raise InputError("This story has no photo yet: start on the Photo page.")
    return open_image(store, story.id, story.photo.image)


def open_image(store: Store, story_id: str, name: str) -> Image.Image:
    with Image.open(store.image_path(story_id, name)) as image:
        return image.convert("RGB")


# --- caption -----------------------------------------------------------------------------


def caption(store: Store, story: Story, vision: Vision, safety: SafetyChecker | None = None) -> Iterator[Event]:
    """Describe the photo, streamed. Stopped or failed half-way, what arrived is kept as incomplete.

    Checked captions (a story in a class, or `safety` given) are shown only once the whole caption
    passed the check; one that does not is neither shown nor kept (`core.class_safety`)."""
    _may_change(store, story, vision.engine)
    image = photo_image(store, story)
    guard = class_safety.checker(store, story.id, safety)
    parts: list[str] = []
    finished = False
    stopped = None
    try:
        for chunk in vision.describe(image):
            parts.append(chunk)
            if guard is None:
                yield Token(chunk)
        finished = True
    finally:
        text = clean_text("".join(parts)).strip()
        if text and guard is not None:
            try:
                class_safety.check_for_class(store, story, [text], what="caption", safety=guard)
            except class_safety.Blocked as blocked:
                stopped = blocked
        if text and stopped is None:
            version = CaptionVersion(
                text=text, author="model", engine=vision.engine, model=vision.model, incomplete=not finished
            )
            _commit(store, story, lambda s: s.captions.append(version), "caption", vision.engine)
    if stopped is not None:
        raise stopped
    if guard is not None and text:
        yield Token(text)


def edit_caption(store: Store, story: Story, text: str, safety: SafetyChecker | None = None) -> bool:
    """Keep the person's version of the caption. Returns False when nothing changed. In a class
    (or with `safety`) a caption the safety check stops is not kept (`class_safety.Blocked`)."""
    text = clean_text(text).strip()
    if not text:
        raise InputError("The caption is empty: write a few words about the photo.")
    if text == story.caption:
        return False
    class_safety.check_for_class(store, story, [text], what="caption", safety=safety)
    version = CaptionVersion(text=text, author="person")
    _commit(store, story, lambda s: s.captions.append(version), "caption")
    return True


def restore_caption(store: Store, story: Story, index: int) -> None:
    """Make an older caption current again (as a new version: history is never rewritten)."""
    again = story.captions[index].model_copy(update={"created": now()})
    _commit(store, story, lambda s: s.captions.append(again), "caption")


def ask(store: Store, story: Story, vision: Vision, question: str) -> Iterator[Event]:
    question = one_line(question, 500)
    if not question:
        raise InputError("Type a question about the photo first.")
    _may_change(store, story, vision.engine)
    parts: list[str] = []
    for chunk in vision.ask(photo_image(store, story), question, story.caption):
        parts.append(chunk)
        yield Token(chunk)
    asked = Question(
        question=question, answer=clean_text("".join(parts)).strip(), engine=vision.engine, model=vision.model
    )
    _commit(store, story, lambda s: s.questions.append(asked), "ask", vision.engine)


# --- drafts ------------------------------------------------------------------------------


def brief(story: Story) -> Brief:
    if not story.caption:
        raise InputError("The story needs a caption first: describe the photo on the Caption page.")
    s = story.settings
    return Brief(
        caption=story.caption,
        pages=s.pages,
        audience=s.audience,
        genre=s.genre,
        tone=s.tone,
        language=s.language,
        seed=s.seed,
    )


def written(draft: Draft) -> WrittenStory:
    # the plan and page specs travel too: the offline writer revises from the newest draft's plan
    pages = tuple(WrittenPage(p.text, p.scene, p.spec) for p in draft.pages)
    return WrittenStory(title=draft.title, pages=pages, plan=tuple(draft.plan.items()))


def _shown(stream: WriterStream) -> Generator[Token, None, WrittenStory | None]:
    """The writer's text as Tokens, and (returned) the story it ends with.

    Writers that answer in JSON stream braces and keys: the person sees the story text instead.
    """
    raw, shown, json_mode = "", "", None
    result = None

    def chunks() -> Iterator[str]:
        nonlocal result
        result = yield from stream  # closing this closes the writer's stream too

    for chunk in chunks():
        raw += chunk
        if json_mode is None and raw.strip():
            json_mode = raw.lstrip().startswith(("{", "```"))
        if not json_mode:
            yield Token(chunk)
            continue
        text = readable(raw)
        if len(text) > len(shown) and text.startswith(shown):
            yield Token(text[len(shown) :])
            shown = text
    return result


def _write(
    store: Store,
    story: Story,
    stream: WriterStream,
    *,
    step: str,
    instruction: str,
    writer: Writer,
    parent: Draft | None,
    ids_for: Callable[[WrittenStory], list[str | None]] = lambda _: [],
) -> Iterator[Event]:
    """Stream a writer's answer and keep the story it ends with as a new chosen draft.

    `ids_for` says which of the new pages are old pages (their ids, so they keep their pictures);
    None, or a list shorter than the story, means new pages.
    """
    _may_change(store, story, writer.engine)
    result = yield from _shown(stream)
    if result is None or not result.pages:
        raise InputError("The writer returned no story; your previous draft is kept.")
    ids = list(ids_for(result)) + [None] * len(result.pages)
    pages = []
    for page, page_id in zip(result.pages, ids):
        prompt, _ = image_prompt(page.scene, story.settings.style)
        fields = {"text": clean_text(page.text).strip(), "scene": clean_text(page.scene).strip(), "prompt": prompt}
        fields["spec"] = getattr(page, "spec", None)  # the offline writer's planned picture
        pages.append(StoryPage(id=page_id, **fields) if page_id else StoryPage(**fields))
    draft = Draft(
        parent=parent.id if parent else None,
        instruction=instruction,
        engine=writer.engine,
        model=writer.model,
        seed=story.settings.seed,
        title=one_line(result.title, 200) or "Untitled story",
        pages=pages,
        incomplete=result.incomplete,
        plan=dict(result.plan) or (parent.plan if parent else {}),
    )

    def keep(s: Story) -> bool:
        """Append the new draft and choose it; True when the chosen draft moved meanwhile."""
        moved = s.chosen_draft != (parent.id if parent else story_chosen)
        s.drafts.append(draft)
        s.chosen_draft = draft.id
        return moved

    story_chosen = story.chosen_draft
    if _commit(store, story, keep, step, writer.engine) and parent is not None:
        yield Notice(
            "The story was changed elsewhere while the writer worked: this new draft is made "
            "from the draft before that change, which stays in the draft history."
        )
    if result.incomplete:
        yield Notice("The writer stopped before the end: the draft keeps what arrived and is marked incomplete.")


def write_draft(store: Store, story: Story, writer: Writer) -> Iterator[Event]:
    """A new draft from the caption and the settings (a regeneration is just another one)."""
    instruction = "first draft" if not story.drafts else f"new draft (seed {story.settings.seed})"
    yield from _write(
        store, story, writer.draft(brief(story)), step="draft", instruction=instruction, writer=writer, parent=None
    )
    if not story.characters:
        yield from propose_characters(store, story, writer)


def revise(store: Store, story: Story, writer: Writer, instruction: str) -> Iterator[Event]:
    instruction = one_line(instruction, 1000)
    if not instruction:
        raise InputError("Say how to change the story first.")
    current = _chosen(story)
    old_ids = [p.id for p in current.pages]

    def same_pages(result: WrittenStory) -> list[str | None]:
        """As many pages as before: the same pages rewritten, so they keep their pictures."""
        return list(old_ids) if len(result.pages) == len(old_ids) else []

    yield from _write(
        store,
        story,
        writer.revise(brief(story), written(current), instruction),
        step="revise",
        instruction=instruction,
        writer=writer,
        parent=current,
        ids_for=same_pages,
    )


def extend(store: Store, story: Story, writer: Writer, extra_pages: int) -> Iterator[Event]:
    """Enlarge the chosen draft by `extra_pages`; old pages keep their ids (and pictures)."""
    current = _chosen(story)
    if extra_pages < 1 or len(current.pages) + extra_pages > MAX_PAGES:
        raise InputError(f"A story has at most {MAX_PAGES} pages; this one has {len(current.pages)}.")

    def old_pages(result: WrittenStory) -> list[str | None]:
        """A page whose text is unchanged is the old page; each old id is used once."""
        unused = {p.text: p.id for p in reversed(current.pages)}
        return [unused.pop(page.text, None) for page in result.pages]

    yield from _write(
        store,
        story,
        writer.extend(brief(story), written(current), extra_pages),
        step="extend",
        instruction=f"enlarge by {extra_pages} pages",
        writer=writer,
        parent=current,
        ids_for=old_pages,
    )


@dataclass(frozen=True)
class Edited:
    """What became of a person's edit: the draft that holds it (None: nothing changed), and a
    sentence to show when it was merged with, or kept apart from, a change made meanwhile."""

    draft: Draft | None
    notice: str | None = None


def edit_draft(
    store: Store, story: Story, title: str, pages: Sequence[tuple[str, str]], based_on: str | None = None
) -> Edited:
    """Keep the person's edits (title; text and key scene per page) as a new draft by hand.

    `pages` are the edited pages of the draft `based_on` (the draft the form showed; default the
    chosen one), in its order. When the chosen draft has moved on since (another tab, another
    person, a revision), the edit is merged into the newest draft where the two touch different
    pages, and otherwise kept as a draft of its own beside the other change; both stay in the
    history and the notice says which happened. A page whose scene changed gets its picture prompt
    rebuilt from the new scene; prompts are otherwise edited on the Pictures page (`set_prompt`).
    """
    base = story.find_draft(based_on) if based_on else _chosen(story)
    if base is None:
        raise InputError(
            "The draft you edited is no longer in this story; your text was not saved. "
            "Copy it before reloading the page."
        )
    title = one_line(title, 200) or base.title
    mine = []
    for old, (text, scene) in zip(base.pages, pages):
        text, scene = clean_text(text).strip(), clean_text(scene).strip()
        prompt = old.prompt if scene == old.scene else image_prompt(scene, story.settings.style)[0]
        mine.append(StoryPage(id=old.id, text=text, scene=scene, prompt=prompt, spec=old.spec))
    if any(not p.text for p in mine):
        raise InputError("A page cannot be empty; write something on it.")
    changed = {p.id: p for p, old in zip(mine, base.pages) if (p.text, p.scene) != (old.text, old.scene)}
    if title == base.title and not changed:
        return Edited(None)

    def keep(s: Story) -> Edited:
        newest = s.draft
        if newest is None or newest.id == base.id:
            return _add_draft(
                s,
                Draft(
                    parent=base.id,
                    instruction="edited by hand",
                    author="person",
                    title=title,
                    pages=[changed.get(p.id) or p.model_copy() for p in base.pages],
                    plan=dict(base.plan),  # a later revision starts from this draft's plan
                ),
            )
        merged = _merge_edit(base, newest, title, changed)
        if merged is not None:
            return _add_draft(
                s,
                merged,
                "Merged with a change made meanwhile (another tab or person): both edits are in the new draft.",
            )
        apart = Draft(
            parent=base.id,
            instruction="edited by hand (kept apart from a change made meanwhile)",
            author="person",
            title=title,
            pages=mine,
        )
        return _add_draft(
            s,
            apart,
            "This story was changed meanwhile on the same pages (another tab or "
            "person). Your edit is kept as its own draft and shown now; the other "
            f"version is '{newest.instruction}' in the draft history.",
        )

    return _commit(store, story, keep, "edit")


def _add_draft(story: Story, draft: Draft, notice: str | None = None) -> Edited:
    story.drafts.append(draft)
    story.chosen_draft = draft.id
    return Edited(draft, notice)


def _merge_edit(base: Draft, newest: Draft, title: str, changed: dict[str, StoryPage]) -> Draft | None:
    """The newest draft with the person's changed pages and title applied, or None when the newest
    draft changed any of the same things (or dropped a page the person changed)."""
    before = {p.id: p for p in base.pages}
    now_pages = {p.id: p for p in newest.pages}
    for page_id, page in changed.items():
        theirs = now_pages.get(page_id)
        if theirs is None:
            return None
        untouched = (theirs.text, theirs.scene) == (before[page_id].text, before[page_id].scene)
        if not untouched and (theirs.text, theirs.scene) != (page.text, page.scene):
            return None
    if title != base.title and newest.title not in (base.title, title):
        return None
    return Draft(
        parent=newest.id,
        instruction="edited by hand (merged)",
        author="person",
        title=title if title != base.title else newest.title,
        pages=[changed.get(p.id) or p.model_copy() for p in newest.pages],
    )


def choose_draft(store: Store, story: Story, draft_id: str) -> None:
    if story.find_draft(draft_id) is None:
        raise InputError("That draft does not exist in this story.")
    _commit(store, story, lambda s: setattr(s, "chosen_draft", draft_id), "choose")


def word_diff(old: Draft, new: Draft) -> list[tuple[str, str]]:
    """The two drafts' words as (op, text) runs: op is ' ' kept, '-' removed, '+' added."""
    a, b = old.text().split(), new.text().split()
    runs: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag in ("equal",):
            runs.append((" ", " ".join(a[i1:i2])))
        if tag in ("delete", "replace"):
            runs.append(("-", " ".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            runs.append(("+", " ".join(b[j1:j2])))
    return runs


def _chosen(story: Story) -> Draft:
    if story.draft is None:
        raise InputError("There is no draft yet: write one on the Draft page.")
    return story.draft


# --- pictures ----------------------------------------------------------------------------


def next_seed(story: Story, page_id: str) -> int:
    """A new seed for a page's next picture, derived from the story's seed, the page's place in the
    chosen draft and how many pictures it has, never from the page's random id: the same photo,
    settings and seed give the same book, pictures included."""
    return page_seed_after(story, page_id, 0)


def page_seed(story_seed: int, number: int, made: int) -> int:
    """The seed of picture `made` (0 for the first) of page `number` of a story with this seed."""
    return random.Random(f"{story_seed}:page {number}:{made}").randrange(2**31)


def illustrate(
    store: Store,
    story: Story,
    illustrator: Illustrator,
    page_ids: Sequence[str] | None = None,
    seed: int | None = None,
    safety: SafetyChecker | None = None,
    *,
    variants: int = 1,
    unpinned: bool = False,
    reference: Image.Image | None = None,
) -> Iterator[Event]:
    """New pictures for each page asked (all pages by default; with `unpinned`, only the pages
    whose picture is not pinned): `variants` of them per page, drawn as one batch, the first
    becoming the page's chosen picture unless the page is pinned. `reference` is a picture the
    results should look like (engines that cannot take one draw from the prompt alone)."""
    _may_change(store, story)
    if not 1 <= variants <= MAX_VARIANTS:
        raise InputError(f"Draw between 1 and {MAX_VARIANTS} pictures per page at a time.")
    draft = _chosen(story)
    pages = [p for p in draft.pages if page_ids is None or p.id in page_ids]
    if unpinned:
        pages = [p for p in pages if not is_pinned(story, p.id)]
    photo = photo_image(store, story)
    width, height = illustrator.size_for(story.settings.aspect)
    jobs: list[tuple[StoryPage, ImageJob]] = []
    for page in pages:
        # always checked in a class: the pupil reads kind words, the teacher all of it
        drawn_as = characters.page_prompt(story, page).text  # the prompt with the characters' sheets woven in
        refused = class_safety.picture_refusal(store, story, drawn_as, safety)
        if refused:
            yield Notice(f"Page {draft.pages.index(page) + 1} was not drawn: {refused}")
            continue
        if page_ids is not None and is_pinned(story, page.id):
            yield Notice(
                f"Page {draft.pages.index(page) + 1} is pinned: its new pictures are added beside the "
                "pinned one, which stays in use until you pick another."
            )
        for k in range(variants):
            job_seed = seed + k if seed is not None else page_seed_after(story, page.id, k)
            jobs.append((page, image_job(story, page, job_seed, (width, height), photo, reference)))
    total = len(jobs)
    _may_change(store, story, illustrator.engine, calls=total, pictures=total)
    yield Progress(f"Drawing {total} picture{'s' if total != 1 else ''}", 0, total)
    params = illustrator.params()
    done = 0
    for event in illustrator.generate([job for _, job in jobs]):
        if isinstance(event, Step):  # live, while the picture is being made
            yield Progress(f"Scene {event.index + 1} of {total}, step {event.step} of {event.steps}", done, total)
            continue
        if isinstance(event, Remark):
            yield Notice(event.text)
            continue
        page, job = jobs[event.index]
        image = event.image
        variant = drawn_variant(store.put_image(story.id, _png(image), "png"), image, job, illustrator, params)
        first_of_page = all(p.id != page.id for p, _ in jobs[: event.index])
        _commit(
            store,
            story,
            lambda s, page_id=page.id, variant=variant, choose=first_of_page: _add_variant(s, page_id, variant, choose),
            "illustrate",
            illustrator.engine,
        )
        done += 1
        yield Progress(f"Scene {done} of {total} drawn", done, total)


def drawn_variant(
    name: str, image: Image.Image, job: ImageJob, illustrator: Illustrator, params: dict, prompt: str | None = None
) -> ImageVariant:
    """The record of a picture an illustrator drew for `job` and the store keeps as `name`: every
    way to draw (a page, versions, a region, pictures while writing) records it this one way."""
    return ImageVariant(
        image=name,
        engine=illustrator.engine,
        model=illustrator.model,
        seed=job.seed,
        width=image.width,
        height=image.height,
        prompt=job.prompt if prompt is None else prompt,
        negative_prompt=job.negative_prompt,
        params=params,
    )


def _add_variant(story: Story, page_id: str, variant: ImageVariant, choose: bool = True) -> None:
    """Keep a new picture with its page; it becomes the chosen one (when `choose`) unless the page is pinned."""
    scene = story.scene(page_id)
    scene.variants.append(variant)
    if choose and not scene.pinned:
        scene.chosen = variant.id


def choose_variant(store: Store, story: Story, page_id: str, variant_id: str) -> None:
    def choose(s: Story) -> None:
        scene = s.scenes.get(page_id)
        if scene is None or all(v.id != variant_id for v in scene.variants):
            raise InputError("That picture does not belong to this page.")
        scene.chosen = variant_id

    _commit(store, story, choose, "choose")


def set_prompt(store: Store, story: Story, page_id: str, prompt: str) -> None:
    """Change a page's image prompt in place (the prompt is not story text: no new draft)."""
    prompt = clean_text(prompt).strip()
    if not prompt:
        raise InputError("The picture prompt is empty.")

    def change(s: Story) -> None:
        page = next((p for p in _chosen(s).pages if p.id == page_id), None)
        if page is None:
            raise InputError(
                "That page is not in the chosen draft (it may have changed meanwhile); the prompt was not saved."
            )
        page.prompt = prompt

    _commit(store, story, change, "edit")


def prompt_note(store: Store, story: Story, illustrator: Illustrator, prompt: str) -> str | None:
    """What the illustrator says it cannot draw of `prompt` for this story's photo, or None.

    Only engines that know their limits answer (the offline one restyles the photo and cannot add
    a dragon to it); the Pictures page shows the sentence beside the prompt, so an edit is never a
    silent no-op."""
    cannot_draw = getattr(illustrator, "cannot_draw", None)
    if cannot_draw is None or not prompt.strip():
        return None
    return cannot_draw(prompt, photo_image(store, story) if story.photo else None, story.caption)


def upscale(
    store: Store, story: Story, upscaler: Upscaler, factor: int, page_ids: Sequence[str] | None = None
) -> Iterator[Event]:
    """Upscale the chosen picture of each page asked; the copy is kept beside the original."""
    _may_change(store, story)
    if factor not in (2, 4):
        raise InputError("Pictures can be upscaled 2x or 4x.")
    _chosen(story)
    targets = [
        (page, picture) for _, page, picture in story.pictured_pages() if page_ids is None or page.id in page_ids
    ]
    _may_change(store, story, upscaler.engine, calls=len(targets))
    yield Progress(f"Upscaling {len(targets)} pictures {factor}x", 0, len(targets))
    for done, (page, variant) in enumerate(targets, start=1):
        image = open_image(store, story.id, variant.image)
        bigger = upscaler.upscale(image, factor, variant.prompt)
        name = store.put_image(story.id, _png(bigger), "png")
        made = {
            "engine": upscaler.engine,
            "model": upscaler.model,
            "factor": factor,
            "width": bigger.width,
            "height": bigger.height,
        }
        _commit(
            store,
            story,
            lambda s, page_id=page.id, variant_id=variant.id, name=name, made=made: _set_upscaled(
                s, page_id, variant_id, name, made
            ),
            "upscale",
            upscaler.engine,
        )
        yield Progress(f"Picture {done} of {len(targets)} upscaled", done, len(targets))


def _set_upscaled(story: Story, page_id: str, variant_id: str, name: str, made: dict) -> None:
    """Attach the upscaled copy to its picture (kept even if another picture was chosen meanwhile)."""
    scene = story.scenes.get(page_id)
    for variant in scene.variants if scene else []:
        if variant.id == variant_id:
            variant.upscaled, variant.upscale = name, made


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


# --- translation -------------------------------------------------------------------------


def translate(
    store: Store,
    story: Story,
    translator: Translator | None,
    language: str,
    formality: str | None = None,
    glossary: dict[str, str] | None = None,
) -> Iterator[Event]:
    """Translate the chosen draft's title and pages into `language`, kept beside the original."""
    _may_change(store, story)
    if translator is None:
        raise NotConfigured("No translator is configured: set one up in Settings.")
    draft = _chosen(story)
    _may_change(store, story, translator.engine)
    texts = [draft.title, *(p.text for p in draft.pages)]
    yield Progress(f"Translating {len(texts)} texts into {language}", 0, len(texts))
    out = translator.translate(texts, language, source=story.settings.language, formality=formality, glossary=glossary)
    if len(out) != len(texts):
        raise InputError("The translator returned a different number of texts; nothing was changed.")
    made = Translation(
        language=language,
        draft=draft.id,
        engine=translator.engine,
        model=translator.model,
        title=one_line(out[0], 200),
        pages=[clean_text(t).strip() for t in out[1:]],
    )
    _commit(store, story, lambda s: s.translations.append(made), "translate", translator.engine)
    yield Progress("Translated", len(texts), len(texts))


def _translation_of(story: Story, language: str) -> Translation:
    current = story.translation(language)
    if current is None:
        raise InputError("There is no translation into that language yet.")
    return current


def edit_translation(store: Store, story: Story, language: str, title: str, pages: Sequence[str]) -> None:
    _translation_of(story, language)
    title, pages = one_line(title, 200), [clean_text(t).strip() for t in pages]

    def change(s: Story) -> None:
        current = _translation_of(s, language)
        current.title, current.pages, current.edited = title, pages, True

    _commit(store, story, change, "edit")


def retranslate_page(
    store: Store,
    story: Story,
    translator: Translator,
    language: str,
    index: int,
    formality: str | None = None,
    glossary: dict[str, str] | None = None,
) -> None:
    _translation_of(story, language)
    _may_change(store, story, translator.engine)
    text = _chosen(story).pages[index].text
    (new,) = translator.translate(
        [text], language, source=story.settings.language, formality=formality, glossary=glossary
    )

    def change(s: Story) -> None:
        _translation_of(s, language).pages[index] = clean_text(new).strip()

    _commit(store, story, change, "translate", translator.engine)


# --- export ------------------------------------------------------------------------------


def printed_texts(story: Story, settings: ExportSettings) -> list[str]:
    """Exactly the texts a PDF with these settings prints: the story's, the translation's, or both."""
    draft = _chosen(story)
    translation = story.translation(settings.language) if settings.language else None
    original = [draft.title, *(p.text for p in draft.pages)]
    if translation is None:
        return original
    translated = [translation.title, *translation.pages]
    return original + translated if settings.bilingual else translated


def export_pdf(
    store: Store,
    story: Story,
    *,
    publisher: Publisher | None = None,
    page_size: str | None = None,
    language: str | None = None,
    bilingual: bool = False,
    safety: SafetyChecker | None = None,
    layout: str | None = None,
    trim: str | None = None,
    crop_marks: bool = False,
    classroom: bool = False,
    writer: Writer | None = None,
) -> Iterator[Event]:
    """Print the chosen draft as a PDF, keep it beside the story and, with a publisher, publish it.

    `language` None is the story's own language; a code prints that translation (both texts with
    `bilingual`). A published PDF carries a QR code pointing at its public URL, so a phone that can
    reach the publisher downloads the very same file; an unpublished one has no QR code. With
    `safety`, exactly the texts that will be printed are checked first. `layout` None keeps the
    story's (see `core.export.pdf.LAYOUTS`).

    With a `trim` ("A4", "8.5x8.5in", "148x210mm"...) it is a print-ready PDF instead: that trim
    and a 3 mm bleed, crop marks with `crop_marks`, and a Notice for each picture that prints
    under 300 dpi (the PDF is made all the same). The trim and crop marks are kept as the story's
    printing choice.
    `safety`, exactly the texts that will be printed are checked first. With `classroom`, the book
    ends with "Words to know" and "Let's talk about the story" (`core.classroom_book`; definitions
    and the model's questions when `writer` can answer).
    """
    from core.export.pdf import render_pdf
    from core.export.printing import low_resolution_notes, parse_trim

    _may_change(store, story)
    store.check_printing(story.id)  # a class that reviews before printing: refused before any work
    _chosen(story)  # a story without a draft has nothing to print
    if layout is not None and layout not in LAYOUTS:
        raise InputError(f"Unknown layout {layout!r}: choose one of {', '.join(LAYOUTS)}.")
    chosen_trim = parse_trim(trim).name if trim is not None else None
    try:
        settings = ExportSettings(
            page_size=page_size or story.export.page_size,
            language=language or None,
            bilingual=bool(bilingual and language),
            layout=layout or story.export.layout,
            trim=chosen_trim or story.export.trim,
            crop_marks=crop_marks if chosen_trim else story.export.crop_marks,
        )
    except ValidationError:
        raise InputError(f"Unknown page size {page_size!r}: choose A4, Letter or square.") from None
    translation = story.translation(settings.language) if settings.language else None
    if settings.language and translation is None:
        raise InputError(f"There is no translation into '{settings.language}': translate the story first.")
    if store.class_space(story.id):  # always checked in a class, whatever `safety` says
        class_safety.check_for_class(store, story, printed_texts(story, settings), what="print", safety=safety)
    elif safety:
        reasons = [r for text in printed_texts(story, settings) for r in safety.check(text)]
        if reasons:
            raise InputError("The safety check stopped this export: " + "; ".join(sorted(set(reasons))) + ".")
    story.export = settings
    token = secrets.token_hex(16)
    filename = f"{safe_filename(story.title)}{'-print' if chosen_trim else ''}.pdf"
    url = publisher.url(token, filename) if publisher else None
    yield Progress("Laying out the pages", 0, 2)
    book = _book(store, story, settings, url, for_print=chosen_trim is not None)
    if classroom:
        from core.classroom_book import back_pages, picture_files, questions_for, words_for

        words, questions = words_for(story, writer), questions_for(story, writer)
        book.back_pages = back_pages(words, questions, picture_files(store, story))
        printed = [text for page in book.back_pages for e in page.entries for text in (e.first, e.second)]
        reasons = [r for text in printed for r in safety.check(text)] if safety else []
        if reasons:
            raise InputError("The safety check stopped this export: " + "; ".join(sorted(set(reasons))) + ".")
    rendered = render_pdf(book)
    notes = low_resolution_notes(rendered.low_resolution)
    for note in notes:
        yield Notice(note)
    yield Progress("Saving the PDF", 1, 2)
    store.put_export(story.id, token, rendered.data)
    if publisher:
        publisher.publish(token, filename, rendered.data)
    record = ExportRecord(
        token=token,
        filename=filename,
        page_size=settings.page_size,
        language=settings.language,
        bilingual=settings.bilingual,
        size=len(rendered.data),
        pages=rendered.pages,
        url=url,
        trim=chosen_trim,
        layout=settings.layout,
        notes=notes,
    )

    def keep(s: Story) -> None:
        s.export = settings
        s.exports.append(record)

    _commit(store, story, keep, "export")
    yield Progress("PDF ready", 2, 2)


def _book(store: Store, story: Story, settings: ExportSettings, url: str | None, for_print: bool = False):
    """The book to print: the chosen draft's pages with their pictures, in `settings`' language
    and layout; `for_print`: on `settings`' trim, with bleed (and crop marks if they are asked)."""
    from core.export.pdf import Book, BookPage
    from core.export.printing import PrintSpec, parse_trim

    draft = _chosen(story)
    translation = story.translation(settings.language) if settings.language else None
    pages = []
    for i, page in enumerate(draft.pages):
        variant = story.picture(page.id)
        image = store.image_path(story.id, variant.upscaled or variant.image) if variant else None
        text = translation.pages[i] if translation and not settings.bilingual else page.text
        second = translation.pages[i] if translation and settings.bilingual else None
        pages.append(BookPage(text=text, image=image, translation=second))
    return Book(
        title=translation.title if translation and not settings.bilingual else draft.title,
        pages=pages,
        photo=store.image_path(story.id, story.photo.image) if story.photo else None,
        page_size=settings.page_size,
        language=settings.language if translation and not settings.bilingual else story.settings.language,
        title_translation=translation.title if translation and settings.bilingual else None,
        translation_language=settings.language if settings.bilingual else None,
        qr_url=url,
        credits=credits(story),
        layout=settings.layout,
        print=PrintSpec(parse_trim(settings.trim), settings.crop_marks) if for_print else None,
    )


def book_pdf(store: Store, story: Story) -> bytes:
    """The story printed with its own export settings, without a QR code, kept nowhere: a copy for
    whoever may read it (a teacher's class archive)."""
    from core.export.pdf import render_pdf

    settings = story.export
    if settings.language and story.translation(settings.language) is None:
        settings = ExportSettings(page_size=settings.page_size, layout=settings.layout)
    return render_pdf(_book(store, story, settings, None)).data


def credits(story: Story) -> str:
    """One line saying which engines made this book (the PDF prints it; so does the page)."""
    draft = story.draft
    parts = []
    if story.captions:
        c = story.captions[-1]
        parts.append(f"caption: {'you' if c.author == 'person' else c.engine}")
    if draft:
        parts.append(f"story: {draft.engine or 'you'}")
        engines = {picture.engine for _, _, picture in story.pictured_pages()}
        if engines:
            parts.append(f"pictures: {', '.join(sorted(engines))}")
    translation = story.translation(story.export.language) if story.export.language else None
    if translation:
        parts.append(
            f"translation ({translation.language}): {translation.engine}{' and you' if translation.edited else ''}"
        )
    return "Made with VisuTale Studio (" + "; ".join(parts) + ")"


# --- settings ----------------------------------------------------------------------------


def update_settings(store: Store, story: Story, **values: object) -> None:
    """Change the story's settings; a value out of range raises InputError and changes nothing.

    Only the settings named are written, so two people changing different settings both win. A
    new style rewrites the picture prompts that are still the old style's own text (a prompt the
    person edited is theirs and stays)."""
    try:
        StorySettings.model_validate({**story.settings.model_dump(), **values})
    except ValidationError as error:
        first = error.errors()[0]
        raise InputError(f"The setting '{first['loc'][0]}' is not valid: {first['msg']}.") from None

    def change(s: Story) -> None:
        old_style = s.settings.style
        s.settings = StorySettings.model_validate({**s.settings.model_dump(), **values})
        if s.settings.style != old_style and s.draft:
            for page in s.draft.pages:
                if page.prompt == image_prompt(page.scene, old_style)[0]:
                    page.prompt = image_prompt(page.scene, s.settings.style)[0]

    _commit(store, story, change, "settings")


# --- library -----------------------------------------------------------------------------


def library(store: Store):
    """Every story the store's person may see, newest change first (id, title, date, pages, thumbnail, level)."""
    return store.list()


def duplicate_story(store: Store, story_id: str) -> Story:
    return store.duplicate(story_id)


def delete_story(store: Store, story_id: str, publisher: Publisher | None = None) -> int:
    """Delete the story and unpublish every PDF it exported (their links and QR codes then answer
    "not found"). Returns how many exports were unpublished."""
    store.check_access(story_id, Level.OWN)  # before unpublishing anything
    story = store.load(story_id)
    if publisher:
        for record in story.exports:
            publisher.unpublish(record.token)
    store.delete(story_id)
    return len(story.exports)


# --- characters --------------------------------------------------------------------------


def propose_characters(store: Store, story: Story, writer: Writer | None = None) -> Iterator[Event]:
    """Propose a sheet per character of the chosen draft and keep them as the story's sheets
    (replacing any): a writer that can answer JSON (`ask_json`) is asked and its answer validated;
    otherwise, or when its answer cannot be used, they come from the offline plan or the draft."""
    _chosen(story)
    ask = getattr(writer, "ask_json", None)
    sheets = None
    if ask is not None:
        _may_change(store, story, writer.engine)
        draft = _chosen(story)
        try:
            answer = ask(characters.characters_prompt(draft.title, draft.text()), characters.CHARACTER_SCHEMA)
            sheets = characters.propose(story, answer)
        except (InputError, ProviderError) as error:
            yield Notice(f"{error} The characters were proposed from the story instead.")
    if sheets is None:
        _may_change(store, story)
        sheets = characters.propose(story)

    def keep(s: Story) -> None:
        s.characters = [c.model_copy(deep=True) for c in sheets]

    _commit(store, story, keep, "characters", writer.engine if writer else None)
    yield Notice("Characters: " + ", ".join(c.name for c in sheets) + ". Edit them on the Characters page.")


def edit_characters(store: Store, story: Story, changes: dict[str, dict]) -> None:
    """Apply a person's changes to the sheets (see `core.characters.edit`) and save them."""
    _may_change(store, story)

    def change(s: Story) -> None:
        s.characters = characters.edit(s.characters, changes)

    _commit(store, story, change, "characters")


def replace_characters(store: Store, story: Story, sheets: Sequence) -> None:
    """Replace the sheets with the person's (a JSON file of them, say), each checked as an edit is."""
    _may_change(store, story)
    checked = characters.checked([c.model_copy(update={"author": "person"}) for c in sheets])

    def change(s: Story) -> None:
        s.characters = [c.model_copy(deep=True) for c in checked]

    _commit(store, story, change, "characters")


def add_character(store: Store, story: Story, character) -> None:
    """Add a character (from the space's library, `core.character_library`) after the story's
    own; a story keeps one character of each name."""
    _may_change(store, story)

    def add(s: Story) -> None:
        if any(c.name.lower() == character.name.lower() for c in s.characters):
            raise InputError(f"The story has a character called {character.name} already.")
        s.characters = characters.checked([*s.characters, character.model_copy(deep=True)])

    _commit(store, story, add, "characters")


# --- narration ---------------------------------------------------------------------------


def narrate(
    store: Store,
    story: Story,
    narrator: Narrator,
    page_ids: Sequence[str] | None = None,
    language: str | None = None,
    safety: SafetyChecker | None = None,
    again: bool = False,
) -> Iterator[Event]:
    """Read the pages asked (all by default) aloud in `language` (None: the story's own; else a
    translation's), keeping each page's audio in the store and its `Narration` on the story.

    A page that already has a current narration in the same voice is skipped unless `again` (a
    page named in `page_ids` is always read again). With `safety`, each page's text is checked
    first and a page that fails is not spoken. The story is saved after every page.
    """
    from core.narration import sentences

    _may_change(store, story)
    draft = _chosen(story)
    language = language or story.settings.language
    if language != story.settings.language and story.translation(language) is None:
        raise InputError(f"There is no translation into '{language}': translate the story first.")
    voice = narrator.voice_for(language)  # before any work: a language nobody speaks is said at once
    todo: list[tuple[int, StoryPage, list[str]]] = []
    for number, page in enumerate(draft.pages, start=1):
        if page_ids is not None and page.id not in page_ids:
            continue
        text = story.spoken_text(page.id, language) or ""
        current = story.narration(page.id, language)
        if current is not None and current.voice == voice and not again and page_ids is None:
            continue
        refusal = class_safety.screen(store, story, [text], what="narration", safety=safety)  # always in class
        if refusal:
            yield Notice(f"Page {number} was not read aloud. {refusal}")
            continue
        said = sentences(text)
        if said:
            todo.append((number, page, said))
    total = len(todo)
    _may_change(store, story, narrator.engine, calls=sum(len(said) for _, _, said in todo))
    yield Progress(f"Reading {total} page{'s' if total != 1 else ''} aloud ({voice})", 0, total)
    for done, (number, page, said) in enumerate(todo, start=1):
        speech = narrator.speak(said, language)
        made = Narration(
            page_id=page.id,
            text_hash=text_hash(story.spoken_text(page.id, language) or ""),
            language=language,
            engine=narrator.engine,
            voice=speech.voice,
            model=narrator.model,
            audio=store.put_audio(story.id, speech.audio, "wav"),
            duration=round(speech.duration, 3),
            sentences=[SentenceTiming(text=s.text, start=s.start, end=s.end) for s in speech.sentences],
        )
        _commit(store, story, lambda s, made=made: _add_narration(s, made), "narrate", narrator.engine)
        yield Progress(f"Page {number} read aloud ({speech.duration:.1f} s)", done, total)


def _add_narration(story: Story, made: Narration) -> None:
    """Keep the narration, replacing one of the same page, language and text (a reading of an
    older text stays: choosing that draft again finds it)."""
    key = (made.page_id, made.language, made.text_hash)
    story.narrations = [n for n in story.narrations if (n.page_id, n.language, n.text_hash) != key] + [made]


# --- the other export formats --------------------------------------------------------------


def export_file(
    store: Store,
    story: Story,
    format: str,
    *,
    language: str | None = None,
    publisher: Publisher | None = None,
    safety: SafetyChecker | None = None,
    options: dict | None = None,
) -> Iterator[Event]:
    """Make the story in one of `core.export.formats.FORMATS` (other than the PDF, which has
    `export_pdf`), keep the file beside the story and, with a publisher, publish it.

    `language` None is the story's own; a code exports that translation. With `safety`, every text
    the file holds (title and pages) is checked first. Classes that review before printing refuse
    every format until the teacher approves, as for the PDF.
    """
    from core.export.formats import FORMATS, ExportRequest

    chosen = FORMATS.get(format)
    if chosen is None or not chosen.make:
        raise InputError(f"Unknown export format '{format}': choose {', '.join(FORMATS)}.")
    _may_change(store, story)
    store.check_printing(story.id)
    draft = _chosen(story)
    language = None if language in (None, "", story.settings.language) else language
    translation = story.translation(language) if language else None
    if language and translation is None:
        raise InputError(f"There is no translation into '{language}': translate the story first.")
    texts = [translation.title, *translation.pages] if translation else [draft.title, *(p.text for p in draft.pages)]
    class_safety.check_for_class(store, story, texts, what="print", safety=safety)  # always in a class
    token = secrets.token_hex(16)
    filename = f"{safe_filename(story.title)}.{chosen.extension}"
    url = publisher.url(token, filename) if publisher else None
    yield Progress(f"Making the {chosen.label}", 0, 2)
    data = chosen.maker()(ExportRequest(store, story, language, url, dict(options or {})))
    yield Progress(f"Saving the {chosen.label}", 1, 2)
    store.put_export(story.id, token, data, chosen.extension)
    if publisher:
        publisher.publish(token, filename, data)
    record = ExportRecord(
        token=token,
        filename=filename,
        page_size=story.export.page_size,
        language=language,
        size=len(data),
        pages=len(draft.pages),
        url=url,
        format=chosen.name,
    )
    _commit(store, story, lambda s: s.exports.append(record), "export")
    yield Progress(f"{chosen.label} ready", 2, 2)


# --- reading level -----------------------------------------------------------------------


def fit_level(store: Store, story: Story, writer: Writer, level: str | None = None) -> Iterator[Event]:
    """ "Fit the level": a new draft whose out-of-band pages are rewritten to read at `level`
    (default: the story's reading level; naming one also makes it the story's). Pages in band are
    kept word for word, and every page keeps its id and so its picture; how is `core.fit_level`'s."""
    from core.fit_level import fit_offline_stream, fit_with_writer
    from core.reading_level import level_of, measure_pages

    chosen = level or story.settings.reading_level
    if not chosen:
        raise InputError("Pick a reading level first (early, grade-1-2, grade-3-4, grade-5-6 or adult).")
    target = level_of(chosen)
    current = _chosen(story)
    _may_change(store, story)
    if story.settings.reading_level != target.key:
        update_settings(store, story, reading_level=target.key)
    texts = [p.text for p in current.pages]
    wrong = [m for m in measure_pages(texts, target) if not m.in_band]
    if not wrong:
        yield Notice(f"Every page already reads at the level '{target.label}': nothing to change.")
        return
    yield Progress(f"Fitting {len(wrong)} of {len(texts)} pages to '{target.label}'", 0, 1)
    if writer.engine == "offline":
        stream = fit_offline_stream(written(current), target, brief(story) if story.caption else None)
    else:
        stream = fit_with_writer(writer, brief(story), written(current), target)
    old_ids = [p.id for p in current.pages]
    yield from _write(
        store,
        story,
        stream,
        step="fit-level",
        instruction=f"fit the level: {target.label}",
        writer=writer,
        parent=current,
        ids_for=lambda result: old_ids if len(result.pages) == len(old_ids) else [],
    )
    after = measure_pages([p.text for p in _chosen(story).pages], target)
    held = sum(m.in_band for m in after)
    yield Progress(f"{held} of {len(after)} pages read at '{target.label}'", 1, 1)
    if held < len(after):
        yield Notice(
            f"{len(after) - held} page(s) are still outside the band for '{target.label}': "
            "edit them by hand, or try a local or remote writer."
        )


# --- choosing pictures (variants, pins) ---------------------------------------------------


def page_seed_after(story: Story, page_id: str, k: int) -> int:
    """The seed of the picture `k` places after the page's next one (the k-th variant of a batch;
    k = 0 is `next_seed`)."""
    made = len(story.scenes[page_id].variants) if page_id in story.scenes else 0
    number = next((n for n, p in enumerate(_chosen(story).pages, start=1) if p.id == page_id), 0)
    return page_seed(story.settings.seed, number, made + k)


def image_job(
    story: Story,
    page: StoryPage,
    seed: int,
    size: tuple[int, int],
    photo: Image.Image | None,
    reference: Image.Image | None = None,
) -> ImageJob:
    """The job that draws a page's picture with this seed: its prompt, its style, its mood."""
    _, negative = image_prompt(page.scene, story.settings.style)
    return ImageJob(
        prompt=characters.page_prompt(story, page).text,  # with the page's characters, within CLIP's 77 tokens
        seed=seed,
        width=size[0],
        height=size[1],
        negative_prompt=negative,
        style=story.settings.style,
        scene=page.scene,
        mood=mood_of(page.text),
        photo=photo,
        reference=reference,
        spec=page.spec,
    )


def is_pinned(story: Story, page_id: str) -> bool:
    scene = story.scenes.get(page_id)
    return scene is not None and scene.pinned


def pin(store: Store, story: Story, page_id: str, pinned: bool = True, variant_id: str | None = None) -> None:
    """Pin a page's picture (with `variant_id`, choose that one first) or unpin it. A pinned page
    keeps its picture in use through "redraw unpinned" and whole-book versions."""

    def change(s: Story) -> None:
        scene = s.scenes.get(page_id)
        if scene is None or not scene.variants:
            raise InputError("That page has no picture to pin yet: draw one first.")
        if variant_id is not None:
            if all(v.id != variant_id for v in scene.variants):
                raise InputError("That picture does not belong to this page.")
            scene.chosen = variant_id
        elif scene.chosen is None:
            scene.chosen = scene.chosen_variant().id
        scene.pinned = pinned

    _commit(store, story, change, "pin")
