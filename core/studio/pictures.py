"""Pictures of the pages: drawn in batches, chosen, pinned, prompted, upscaled.

Each picture is saved the moment it is drawn, so a step stopped half-way keeps what it made.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

from PIL import Image

from core.characters import sheets as characters
from core.classroom import safety as class_safety
from core.errors import InputError
from core.offline.mood import mood_of
from core.prompts import image_prompt
from core.providers.base import Illustrator, ImageJob, Remark, Step, Upscaler
from core.safety import SafetyChecker
from core.storage.store import Store
from core.story import ImageVariant, Story, StoryPage
from core.studio.commit import commit, draft_of, may_change, put_picture
from core.studio.events import Event, Notice, Progress
from core.studio.photo import open_image, photo_image
from core.text import clean_text

MAX_VARIANTS = 8  # pictures per page in one batch


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
    may_change(store, story)
    if not 1 <= variants <= MAX_VARIANTS:
        raise InputError(f"Draw between 1 and {MAX_VARIANTS} pictures per page at a time.")
    draft = draft_of(story)
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
    may_change(store, story, illustrator.engine, calls=total, pictures=total)
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
        variant = drawn_variant(put_picture(store, story.id, image), image, job, illustrator, params)
        first_of_page = all(p.id != page.id for p, _ in jobs[: event.index])
        commit(
            store,
            story,
            lambda s, page_id=page.id, variant=variant, choose=first_of_page: add_variant(s, page_id, variant, choose),
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


def add_variant(story: Story, page_id: str, variant: ImageVariant, choose: bool = True) -> None:
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

    commit(store, story, choose, "choose")


def set_prompt(store: Store, story: Story, page_id: str, prompt: str) -> None:
    """Change a page's image prompt in place (the prompt is not story text: no new draft)."""
    prompt = clean_text(prompt).strip()
    if not prompt:
        raise InputError("The picture prompt is empty.")

    def change(s: Story) -> None:
        page = next((p for p in draft_of(s).pages if p.id == page_id), None)
        if page is None:
            raise InputError(
                "That page is not in the chosen draft (it may have changed meanwhile); the prompt was not saved."
            )
        page.prompt = prompt

    commit(store, story, change, "edit")


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
    may_change(store, story)
    if factor not in (2, 4):
        raise InputError("Pictures can be upscaled 2x or 4x.")
    draft_of(story)
    targets = [
        (page, picture) for _, page, picture in story.pictured_pages() if page_ids is None or page.id in page_ids
    ]
    may_change(store, story, upscaler.engine, calls=len(targets))
    yield Progress(f"Upscaling {len(targets)} pictures {factor}x", 0, len(targets))
    for done, (page, variant) in enumerate(targets, start=1):
        image = open_image(store, story.id, variant.image)
        bigger = upscaler.upscale(image, factor, variant.prompt)
        name = put_picture(store, story.id, bigger)
        made = {
            "engine": upscaler.engine,
            "model": upscaler.model,
            "factor": factor,
            "width": bigger.width,
            "height": bigger.height,
        }
        commit(
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


def page_seed_after(story: Story, page_id: str, k: int) -> int:
    """The seed of the picture `k` places after the page's next one (the k-th variant of a batch;
    k = 0 is `next_seed`)."""
    made = len(story.scenes[page_id].variants) if page_id in story.scenes else 0
    number = next((n for n, p in enumerate(draft_of(story).pages, start=1) if p.id == page_id), 0)
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

    commit(store, story, change, "pin")
