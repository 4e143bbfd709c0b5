"""Saving a change to a story without losing anyone else's: the commit API every step uses.

Campaign steps, the pipelined runner and picture choosing change stories too; they use these
functions, not copies of them, so every change goes through the same compare-and-swap and the same
access and limit checks.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TypeVar

from PIL import Image

from core.errors import InputError
from core.people.limits import REMOTE_ENGINES
from core.people.spaces import Level
from core.providers import metering
from core.storage.store import StaleRevision, Store
from core.story import Draft, Story

T = TypeVar("T")
_COMMIT_TRIES = 8


def commit(store: Store, story: Story, change: Callable[[Story], T], step: str, engine: str | None = None) -> T:
    """Apply `change` to the story and save it on top of the revision it was loaded at.

    `step` names the change in the story's history (`core.people.audit`), with the `engine` of the model
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


def may_change(store: Store, story: Story, engine: str | None = None, calls: int = 1, pictures: int = 0) -> None:
    """A long step asks before it runs a model, not at its first save: a person who may only read
    the story is told at once, and no model works for nothing. With `engine`, the step's `calls`
    (requests to a remote server, when the engine is one) and `pictures` are counted against the
    limits of the story's space first (`core.people.limits`), refused with LimitReached past them.
    Every remote request the step then sends is counted where it is sent (`core.providers.metering`):
    the reserved `calls` first, each one beyond them against the story's space."""
    store.check_access(story.id, Level.EDIT)
    remote = calls if engine in REMOTE_ENGINES else 0
    if engine is not None:
        store.charge(story.id, pictures=pictures, remote_calls=remote)
    story_id = story.id

    def take(requests: int) -> None:
        store.charge(story_id, remote_calls=requests)

    metering.bind(metering.Meter(take, prepaid=remote, key=(id(store), story_id)))


def draft_of(story: Story) -> Draft:
    """The story's chosen draft; a step that needs one says where to write it when there is none
    (unlike `story.draft`, which is None then)."""
    if story.draft is None:
        raise InputError("There is no draft yet: write one on the Draft page.")
    return story.draft


PICTURE_QUALITY = 95  # JPEG quality of a drawn picture, full colour resolution (4:4:4)


def put_picture(store: Store, story_id: str, image: Image.Image, lossless: bool = False) -> str:
    """Keep a picture an engine drew (or upscaled, or redrew in part) in the store; its file name.

    Drawn pictures are stored as JPEG at quality 95 without colour subsampling: encoding one
    768x1024 picture takes about 4 ms of CPU against about 55 ms for PNG (a 24-page book spent
    a second of its time on PNG), the file is about a fifth the size, and it is all but the same
    picture (PSNR about 46 dB, SSIM 0.98 against the lossless one: bench/offline.py prints both).
    What a person uploads (the photo) stays lossless: core.studio.photo keeps it as it came.
    `lossless`: PNG instead, for a picture that promises to keep pixels bit for bit (a region
    redraw keeps everything outside its region as it was; encoding it again would not)."""
    buffer = io.BytesIO()
    if lossless:
        image.convert("RGB").save(buffer, format="PNG", compress_level=1)
        return store.put_image(story_id, buffer.getvalue(), "png")
    image.convert("RGB").save(buffer, format="JPEG", quality=PICTURE_QUALITY, subsampling=0)
    return store.put_image(story_id, buffer.getvalue(), "jpg")
