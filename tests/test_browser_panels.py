"""A panel's own rerun in a real browser: `_ui.rerun_panel` from a click inside an `st.fragment`
draws the panel again and leaves the rest of the page as it was (AppTest cannot show this: it
always runs the whole page)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.live import free_port, wait_until_up
from tests.test_browser import CHROMIUM, settle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (apt-get install chromium)"),
]

PROBE = """
import streamlit as st

from pages import _ui

st.session_state["page_runs"] = st.session_state.get("page_runs", 0) + 1
st.write(f"page runs: {st.session_state['page_runs']}")


@st.fragment
def panel() -> None:
    st.session_state["panel_runs"] = st.session_state.get("panel_runs", 0) + 1
    st.write(f"panel runs: {st.session_state['panel_runs']}")
    if st.button("Count"):
        _ui.rerun_panel()


panel()
"""


def test_a_click_in_a_panel_reruns_the_panel_not_the_page(browser, tmp_path: Path) -> None:
    script = tmp_path / "probe.py"
    script.write_text(PROBE, encoding="utf-8")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)]
        + ["--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(port, server)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}")
        settle(page)
        page.get_by_text("panel runs: 1").wait_for()
        page.get_by_role("button", name="Count").click()
        settle(page)
        page.get_by_text("panel runs: 3").wait_for()  # the click's panel run, then the panel's own rerun
        assert page.get_by_text("page runs: 1").count() == 1  # the rest of the page was not run again
        page.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_pictures_panel_opens_another_page_on_its_own(browser, tmp_path: Path) -> None:
    from tests.live import running_studio
    from tests.test_browser import _story_with_draft

    story = _story_with_draft(tmp_path / "data", pages=2)
    pages = story.draft.pages
    with running_studio(tmp_path / "data") as live:
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.goto(f"{live.url}/pictures?story={story.id}")
        settle(page)
        page.get_by_text("Page 2: no picture yet").wait_for()
        # The first request of a fresh server runs the page file alone (pages/_nav.py): its panels are
        # drawn as part of the page, so this choice reruns the page; the next one reruns the panel.
        for number, wanted in [(2, pages[1]), (1, pages[0]), (2, pages[1])]:
            expect(page.get_by_label("Work on page")).to_have_count(1, timeout=60_000)  # the run has ended
            page.get_by_label("Work on page").click()
            page.get_by_role("option", name=f"Page {number}").click()
            settle(page)
            page.get_by_text(wanted.text.split(".")[0]).first.wait_for(timeout=60_000)  # open for work
        assert page.locator("[data-testid=stException]").count() == 0
        page.close()


def test_an_interrupted_job_is_dismissed_from_a_fresh_servers_first_page(browser, tmp_path: Path) -> None:
    """A tab that reconnects after a restart: the jobs panel's buttons work in that first run too."""
    from datetime import timedelta

    from core.jobs.records import JobBook, JobRecord
    from core.storage.store import Store
    from core.story import now
    from tests.live import running_studio
    from tests.test_browser import _story_with_draft

    story = _story_with_draft(tmp_path / "data", pages=2)
    dead = JobRecord(
        id="0123456789abcdef", story=story.id, kind="pictures", label="Drawing pictures",
        params={"page_ids": None}, state="running", done=0, total=2,
        created=now() - timedelta(minutes=5), heartbeat=now() - timedelta(minutes=4),
    )  # fmt: skip
    book = JobBook(Store(tmp_path / "data"))
    book.write(dead)
    book.mark_active(story.id, dead.id)
    with running_studio(tmp_path / "data") as live:
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.goto(f"{live.url}/pictures?story={story.id}")
        settle(page)
        stopped = page.get_by_text("Drawing pictures stopped at")
        stopped.wait_for()
        page.get_by_role("button", name="Dismiss").click()
        settle(page)
        expect(stopped).to_have_count(0, timeout=60_000)
        page.close()
