"""The photo a story starts from."""

from __future__ import annotations

from PIL import Image

from core.errors import InputError
from core.photo import load_photo, photo_to_png
from core.samples import SAMPLES, sample_bytes
from core.storage.store import Store
from core.story import CaptionVersion, Photo, Story
from core.studio.commit import commit
from core.text import one_line


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


def start_sample(store: Store, name: str) -> Story:
    """A new story from a bundled sample photo, its caption the sample's own words (a caption
    version by the studio, engine "sample": the person edits it, or has the photo described)."""
    if name not in SAMPLES:
        raise InputError(f"There is no sample called {name!r}; the samples are {', '.join(SAMPLES)}.")
    story = start_story(store, sample_bytes(name), SAMPLES[name].path.name)
    sample_caption(store, story, name)
    return story


def sample_caption(store: Store, story: Story, name: str) -> None:
    """The sample `name`'s own words as the story's caption (a campaign from the sample too)."""
    words = CaptionVersion(text=SAMPLES[name].caption, author="person", engine="sample", model="the sample's own words")
    commit(store, story, lambda s: s.captions.append(words), "caption")


def photo_image(store: Store, story: Story) -> Image.Image:
    if story.photo is None:
        raise InputError("This story has no photo yet: start on the Photo page.")
    return open_image(store, story.id, story.photo.image)


def open_image(store: Store, story_id: str, name: str) -> Image.Image:
    with Image.open(store.image_path(story_id, name)) as image:
        return image.convert("RGB")
