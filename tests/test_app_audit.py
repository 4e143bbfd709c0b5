"""The Library shows each story's history: who changed what and when, newest first."""

from __future__ import annotations

from core import studio
from core.people.access import as_person
from core.people.spaces import Person
from core.storage.store import Store
from tests.test_app_flow import _page
from tests.test_app_spaces import signed_in, start_story


def test_the_library_shows_who_changed_each_story(data_dir, cat_bytes) -> None:
    alice = signed_in("alice", "Alice")
    story_id = start_story(alice, cat_bytes)
    mine = as_person(Store(data_dir), Person(id="oidc:http://127.0.0.1:9400:alice", name="Alice"))
    studio.edit_caption(mine, mine.load(story_id), "A cat on a rug.")

    _page(alice, "pages/library.py")
    assert not alice.exception, alice.exception
    (table,) = alice.dataframe  # one story, one history
    rows = table.value.to_dict("records")
    assert [(r["Step"], r["Who"], r["Rev."]) for r in rows] == [
        ("caption", "Alice", 3),
        ("photo", "Alice", 2),
        ("start", "Alice", 1),
    ]
