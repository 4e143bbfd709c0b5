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
    limits of the story's space first (`core.people.limits`), refused with LimitReached past them."""
    store.check_access(story.id, Level.EDIT)
    if engine is not None:
        remote = calls if engine in REMOTE_ENGINES else 0
        store.charge(story.id, pictures=pictures, remote_calls=remote)


def draft_of(story: Story) -> Draft:
    """The story's chosen draft; a step that needs one says where to write it when there is none
    (unlike `story.draft`, which is None then)."""
    if story.draft is None:
        raise InputError("There is no draft yet: write one on the Draft page.")
    return story.draft


def png_bytes(image: Image.Image) -> bytes:
    """A drawn picture as the PNG bytes the store keeps: lossless, compressed lightly because
    pictures are saved one by one while a step runs and a fast save matters more than a few bytes."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
