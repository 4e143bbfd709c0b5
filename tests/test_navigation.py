"""Navigation: every page is listed once, runs inside Home.py, and a story link survives the password.

AppTest runs every script in Streamlit's old-style pages/-folder mode (it resets
`PagesManager.uses_pages_directory` before each run), exactly as a fresh server runs its first
request: so opening a page here first is the deep-link case the workaround in pages/_nav.py is for.
"""

from __future__ import annotations

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from core import studio
from core.offline.writer import OfflineWriter
from core.people.access import as_person
from core.people.spaces import Person
from core.storage.store import Store
from pages import _nav
from tests.conftest import ROOT
from tests.test_app_flow import _app

SPECS = [spec for specs in _nav.SECTIONS.values() for spec in specs]
PASSWORD = "open sesame"
SPACE_KEY = "5e" * 16  # a password studio gives each browser a private space link (?space=)


def test_streamlit_still_runs_a_page_alone_in_an_app_with_a_pages_folder() -> None:
    """Fails loudly when a Streamlit upgrade changes the behaviour pages/_nav.py works around.

    Then look again: if `test_a_page_opened_first_runs_inside_home` passes without
    `_run_home_in_place_of_this_page`, delete it; if not, find how this Streamlit decides it.
    """
    assert "uses_pages_directory" in vars(PagesManager), (
        "Streamlit no longer has PagesManager.uses_pages_directory: check whether the workaround in "
        "pages/_nav.py (_run_home_in_place_of_this_page) is still needed"
    )
    saved = PagesManager.uses_pages_directory
    try:
        PagesManager.uses_pages_directory = None
        PagesManager(str(ROOT / "Home.py"), setup_watcher=False)
        assert PagesManager.uses_pages_directory is True, (
            "Streamlit no longer treats an app with a pages/ folder as old-style multipage: "
            "the workaround in pages/_nav.py may be deleted"
        )
    finally:
        PagesManager.uses_pages_directory = saved


def test_every_page_file_is_listed_once_and_every_listed_page_exists() -> None:
    files = {f"pages/{path.name}" for path in (ROOT / "pages").glob("*.py") if not path.name.startswith("_")}
    listed = [spec.path for spec in SPECS]
    assert sorted(listed) == sorted(set(listed)), "a page is listed twice"
    assert set(listed) == files
    assert [spec for spec in SPECS if spec.default] == [_nav.PHOTO]


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.title)
def test_a_page_opened_first_runs_inside_home(data_dir, spec: _nav.PageSpec) -> None:
    at = _app()
    at.switch_page(spec.path).run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [spec.title]  # drawn once, not once alone and once in Home
    assert any(c.value.startswith("Engines:") for c in at.sidebar.caption)  # Home.py's sidebar


def _story_with_draft(data_dir, cat_bytes, person: Person | None = None):
    store = as_person(Store(data_dir), person or Person.personal())
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger cat on a red rug.")
    studio.update_settings(store, story, pages=2)
    list(studio.write_draft(store, story, OfflineWriter()))
    return store.load(story.id)


def _locked_link(page: str, story_id: str) -> AppTest:
    at = _app()
    at.secrets["access_password"] = PASSWORD
    at.query_params["story"] = story_id
    at.query_params["space"] = SPACE_KEY
    at.switch_page(page)
    return at


def test_a_story_link_keeps_its_page_and_story_through_the_password(data_dir, cat_bytes) -> None:
    story = _story_with_draft(data_dir, cat_bytes, Person.from_link(SPACE_KEY))
    at = _locked_link("pages/draft.py", story.id).run()
    assert not at.exception, at.exception
    assert [t.label for t in at.text_input] == ["Password"]  # the gate, and nothing of the story
    assert [t.value for t in at.title] == ["VisuTale Studio"]
    assert not at.text_area and "story_id" not in at.session_state

    at.text_input(key="home_password").set_value("wrong").run()
    assert at.error[0].value == "That password is not right."
    assert not at.text_area

    at.text_input(key="home_password").set_value(PASSWORD).run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Draft"]
    assert at.text_input[0].label == "Title" and at.text_input[0].value == story.draft.title
    assert at.session_state["story_id"] == story.id
    assert at.query_params["story"] in ([story.id], story.id)


def test_the_environment_password_guards_a_deep_link_too(data_dir, cat_bytes, monkeypatch) -> None:
    story = _story_with_draft(data_dir, cat_bytes, Person.from_link(SPACE_KEY))
    monkeypatch.setenv("VISUTALE_ACCESS_PASSWORD", PASSWORD)
    at = _app()
    at.query_params["story"] = story.id
    at.query_params["space"] = SPACE_KEY
    at.switch_page("pages/pictures.py").run()
    assert [t.label for t in at.text_input] == ["Password"] and not at.button
    at.text_input(key="home_password").set_value(PASSWORD).run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Pictures"]
    assert "Draw the 2 missing pictures" in [b.label for b in at.button]


def test_a_page_run_alone_after_another_session_left_the_old_mode_still_gets_the_gate(
    data_dir, cat_bytes, monkeypatch
) -> None:
    """Tabs reconnecting to a restarted server start together: one session's Home.py may leave the
    old-style mode while another's page is already running alone. That page must still go through
    Home.py (its password gate), so a page never decides from the process-wide flag."""
    from streamlit.runtime.scriptrunner import script_runner

    run_pages_folder = script_runner._mpa_v1

    def another_session_runs_home_meanwhile(main_script_path: str) -> None:
        PagesManager.uses_pages_directory = False  # what that session's st.navigation does
        run_pages_folder(main_script_path)

    monkeypatch.setattr(script_runner, "_mpa_v1", another_session_runs_home_meanwhile)
    story = _story_with_draft(data_dir, cat_bytes)
    at = _locked_link("pages/draft.py", story.id).run()
    assert not at.exception, at.exception
    assert [t.label for t in at.text_input] == ["Password"] and not at.text_area
