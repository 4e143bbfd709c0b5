"""The Library page: every story listed, opened, duplicated, deleted only after a confirm."""

from __future__ import annotations

from core import studio
from core.store import Store
from tests.test_app_flow import _app, _page


def test_list_open_duplicate_and_delete(data_dir, cat_bytes) -> None:
    store = Store(data_dir)
    first = studio.start_story(store, cat_bytes, "first.jpg")
    studio.start_story(store, cat_bytes, "second.jpg")
    at = _app()
    at.run()
    _page(at, "pages/library.py")
    assert "2 stories" in at.caption[0].value
    assert len([b for b in at.button if b.label == "Open"]) == 2

    at.button(key=f"library_duplicate_{first.id}").click().run()
    assert not at.exception and len(store.list()) == 3

    delete = at.button(key=f"library_delete_{first.id}")
    assert delete.disabled  # nothing is deleted without the confirm
    at.checkbox(key=f"library_confirm_{first.id}").check().run()
    at.button(key=f"library_delete_{first.id}").click().run()
    assert not at.exception
    assert first.id not in {s.id for s in store.list()} and len(store.list()) == 2

    survivor = store.list()[0].id
    at.button(key=f"library_open_{survivor}").click().run()
    assert not at.exception
    assert at.session_state["story_id"] == survivor
    assert "Caption" in [t.value for t in at.title]  # a story without a draft opens at its caption


def test_an_empty_library_points_to_the_photo_page(data_dir) -> None:
    at = _app()
    at.run()
    _page(at, "pages/library.py")
    assert at.info[0].value == "No stories yet."
