"""A limit per space, set by the operator, is refused on the page with the sentence that names it."""

from __future__ import annotations

import pytest

from core.storage.store import Store
from tests.test_app_flow import _app, _click, _page


def test_a_second_story_past_the_space_limit_is_refused_on_the_photo_page(
    data_dir, cat_bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VISUTALE_LIMIT_STORIES_PER_SPACE", "1")
    at = _app()
    at.run()
    at.file_uploader[0].set_value(("cat.jpg", cat_bytes, "image/jpeg")).run()
    _click(at, "Start a story with this photo")
    first = at.session_state["story_id"]

    _page(at, "pages/photo.py")
    at.file_uploader[0].set_value(("again.jpg", cat_bytes, "image/jpeg")).run()
    _click(at, "Start a story with this photo")
    assert not at.exception, at.exception
    assert any("limit_stories_per_space" in e.value for e in at.error), [e.value for e in at.error]
    assert at.session_state["story_id"] == first
    assert [s.id for s in Store(data_dir).list()] == [first]


def test_the_sidebar_says_what_the_space_has_used_of_its_limits(data_dir, cat_bytes, monkeypatch) -> None:
    monkeypatch.setenv("VISUTALE_LIMIT_STORIES_PER_SPACE", "5")
    monkeypatch.setenv("VISUTALE_LIMIT_PICTURES_PER_HOUR", "40")
    at = _app()
    at.run()
    assert "This space's limits: 0 of 5 stories · 0 of 40 pictures this hour" in [c.value for c in at.sidebar.caption]
    at.file_uploader[0].set_value(("cat.jpg", cat_bytes, "image/jpeg")).run()
    _click(at, "Start a story with this photo")
    assert any("1 of 5 stories" in c.value for c in at.sidebar.caption)
