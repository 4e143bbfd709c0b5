"""The stories a person may see (the Library), and copying and deleting them."""

from __future__ import annotations

from core.people.spaces import Level
from core.storage.publish import Publisher
from core.storage.store import Store
from core.story import Story


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
