"""Choosing pictures: whole-book versions side by side, and redrawing one region of a picture.

Variants and pins live in `core.studio` (`illustrate(..., variants=n, unpinned=True)`, `pin`);
this module builds on them:

- `make_versions` draws `count` picture sets of the whole book in one batch. Version k's picture
  of a page is the k-th variant of that page's batch, so its seed follows the story's seed like
  any other picture, and every picture also sits in its page's Scene with its parameters.
  Pinned pages keep their picture in every version. `make_draft_versions` writes `count` drafts
  from consecutive seeds instead. The story keeps the newest batch in `Story.versions`;
  `choose_version` takes a whole version or, with `page_ids`, only some of its pages (mixing).
- `redraw_region` redraws a rectangle of a page's picture (a mask) through engines that can
  (`inpaint(job, image, mask)`: the local SDXL inpainting pipeline, a remote image edit endpoint);
  outside the rectangle the picture is kept pixel for pixel. The offline engine says it cannot.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

from PIL import Image, ImageDraw

from core import studio
from core.characters import sheets as characters
from core.classroom import safety as class_safety
from core.errors import InputError
from core.providers.base import Illustrator, Writer
from core.safety import SafetyChecker
from core.settings import Settings
from core.storage.store import Store
from core.story import BookVersion, ImageVariant, Story
from core.text import clean_text

MAX_VERSIONS = 4
Box = tuple[float, float, float, float]  # left, top, right, bottom, as fractions of the picture


def reference_image(store: Store, story: Story, settings: Settings) -> Image.Image | None:
    """The picture every new picture should look like, as the settings say: the photo, or None."""
    if settings.illustrator_reference == "photo" and story.photo is not None:
        return studio.photo_image(store, story)
    return None


# --- whole-book versions -----------------------------------------------------------------


def make_versions(
    store: Store,
    story: Story,
    illustrator: Illustrator,
    count: int = 3,
    safety: SafetyChecker | None = None,
    reference: Image.Image | None = None,
) -> Iterator[studio.Event]:
    """`count` picture sets of the whole book, drawn as one batch; version 1 is in use afterwards."""
    if not 2 <= count <= MAX_VERSIONS:
        raise InputError(f"Make between 2 and {MAX_VERSIONS} versions of the book.")
    draft = studio.draft_of(story)
    before = {page_id: {v.id for v in scene.variants} for page_id, scene in story.scenes.items()}
    yield from studio.illustrate(
        store, story, illustrator, safety=safety, variants=count, unpinned=True, reference=reference
    )
    versions = [BookVersion(number=k + 1, kind="pictures", draft=draft.id) for k in range(count)]
    for page in draft.pages:
        scene = story.scenes.get(page.id)
        if scene is None or not scene.variants:
            continue  # not drawn (the safety check stopped it)
        new = [v.id for v in scene.variants if v.id not in before.get(page.id, set())][:count]
        for k, version in enumerate(versions):
            if scene.pinned or k >= len(new):
                version.pictures[page.id] = scene.chosen_variant().id
            else:
                version.pictures[page.id] = new[k]
    studio.commit(store, story, lambda s: setattr(s, "versions", versions), "versions")


def make_draft_versions(store: Store, story: Story, writer: Writer, count: int = 3) -> Iterator[studio.Event]:
    """`count` new drafts written from consecutive seeds (the story's seed, +1, ...); version 1 chosen."""
    if not 2 <= count <= MAX_VERSIONS:
        raise InputError(f"Make between 2 and {MAX_VERSIONS} versions of the book.")
    base = studio.brief(story)
    versions = []
    for k in range(count):
        seed = story.settings.seed + k
        yield studio.Progress(f"Writing version {k + 1} of {count}", k, count)
        yield from studio.draft_from_stream(
            store,
            story,
            writer.draft(replace(base, seed=seed)),
            step="draft",
            instruction=f"version {k + 1} of {count} (seed {seed})",
            writer=writer,
            parent=None,
        )
        versions.append(BookVersion(number=k + 1, kind="draft", seed=seed, draft=story.chosen_draft))

    def keep(s: Story) -> None:
        s.versions = versions
        s.chosen_draft = versions[0].draft

    studio.commit(store, story, keep, "versions")
    yield studio.Progress(f"{count} versions written", count, count)


def version_picture(story: Story, number: int, page_id: str) -> ImageVariant | None:
    """The picture version `number` has for a page (None: that version has none for it)."""
    version = _version(story, number)
    scene = story.scenes.get(page_id)
    wanted = version.pictures.get(page_id)
    return next((v for v in scene.variants if v.id == wanted), None) if scene else None


def choose_version(store: Store, story: Story, number: int, page_ids: Sequence[str] | None = None) -> None:
    """Use version `number`: its draft, or its pictures for every page (or only `page_ids`: mixing
    pages from several versions). The person's explicit choice also overrides a pin."""
    _version(story, number)

    def change(s: Story) -> None:
        version = _version(s, number)
        if version.kind == "draft":
            if s.find_draft(version.draft) is None:
                raise InputError("That version's draft is no longer in this story.")
            s.chosen_draft = version.draft
            return
        for page_id, variant_id in version.pictures.items():
            if page_ids is not None and page_id not in page_ids:
                continue
            scene = s.scenes.get(page_id)
            if scene is not None and any(v.id == variant_id for v in scene.variants):
                scene.chosen = variant_id

    studio.commit(store, story, change, "choose")


def _version(story: Story, number: int) -> BookVersion:
    found = next((v for v in story.versions if v.number == number), None)
    if found is None:
        raise InputError(f"There is no version {number}; make versions of the book first.")
    return found


# --- redraw a region -----------------------------------------------------------------------


def region_mask(size: tuple[int, int], box: Box) -> Image.Image:
    """A black mask of `size` with the box white: white is redrawn, black is kept."""
    left, top, right, bottom = _valid_box(box)
    width, height = size
    mask = Image.new("L", size, 0)
    corners = (round(left * width), round(top * height), round(right * width) - 1, round(bottom * height) - 1)
    ImageDraw.Draw(mask).rectangle(corners, fill=255)
    return mask


def _valid_box(box: Box) -> Box:
    try:
        left, top, right, bottom = (float(v) for v in box)
    except (TypeError, ValueError):
        raise InputError("A region is four numbers: left, top, right, bottom (0 to 1).") from None
    if not (0 <= left < right <= 1 and 0 <= top < bottom <= 1):
        raise InputError(
            "The region must lie inside the picture, with its right side after its left and its bottom below its top."
        )
    if (right - left) * (bottom - top) < 0.0025:
        raise InputError("The region is too small to redraw; make it larger.")
    return left, top, right, bottom


def can_redraw_region(illustrator: Illustrator) -> bool:
    return callable(getattr(illustrator, "inpaint", None))


def redraw_region(
    store: Store,
    story: Story,
    illustrator: Illustrator,
    page_id: str,
    box: Box,
    prompt: str | None = None,
    seed: int | None = None,
    safety: SafetyChecker | None = None,
) -> Iterator[studio.Event]:
    """Redraw the box of the page's chosen picture from `prompt` (default the page's prompt); the
    result is a new picture of the page, chosen, with where it came from in its parameters."""
    if not can_redraw_region(illustrator):
        raise InputError(
            f"The {illustrator.engine} engine cannot redraw part of a picture. Choose the local or "
            "remote engine for pictures in Settings, or draw a new picture of the whole page."
        )
    studio.may_change(store, story)
    draft = studio.draft_of(story)
    page = next((p for p in draft.pages if p.id == page_id), None)
    source = story.picture(page_id)
    if page is None or source is None:
        raise InputError("That page has no picture to redraw a region of yet: draw one first.")
    box = _valid_box(box)
    prompt = clean_text(prompt or "").strip() or page.prompt
    woven = characters.page_prompt(story, page.model_copy(update={"prompt": prompt})).text
    refused = class_safety.picture_refusal(store, story, woven, safety)  # always checked in a class
    if refused:
        raise InputError(f"The region was not redrawn: {refused}")
    studio.may_change(store, story, illustrator.engine, calls=1, pictures=1)
    image = studio.open_image(store, story.id, source.image)
    mask = region_mask(image.size, box)
    job = studio.image_job(
        story,
        page.model_copy(update={"prompt": prompt}),
        studio.next_seed(story, page_id) if seed is None else seed,
        image.size,
        studio.photo_image(store, story),
    )
    yield studio.Progress("Redrawing the region", 0, 1)
    drawn = illustrator.inpaint(job, image, mask)
    if drawn.size != image.size:
        drawn = drawn.resize(image.size, Image.Resampling.LANCZOS)
    kept = Image.composite(drawn.convert("RGB"), image, mask)  # outside the box: the picture as it was
    name = studio.put_picture(store, story.id, kept, lossless=True)
    params = {**illustrator.params(), "inpainted_from": source.id, "region": list(box)}
    variant = studio.drawn_variant(name, kept, job, illustrator, params, prompt=prompt)

    def keep(s: Story) -> None:
        scene = s.scene(page_id)
        scene.variants.append(variant)
        scene.chosen = variant.id  # the person's own edit of the picture in use: a pin moves with it

    studio.commit(store, story, keep, "illustrate", illustrator.engine)
    yield studio.Progress("Region redrawn", 1, 1)
