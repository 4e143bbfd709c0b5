"""A class in Chromium: a teacher signs in through a real OIDC provider and opens a class; two pupils,
each in a browser context of their own and with no account, join with the code (one types it, one
follows the join link of the QR code); each sees only their own story, the teacher sees both."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.test_browser import CHROMIUM, settle, shoot
from tests.test_browser_signin import library_open_buttons, sign_in, signed_in_studio, start_story

pytest.importorskip("oidc_provider_mock", reason="pip install oidc-provider-mock")
pytest.importorskip("authlib", reason="Streamlit's sign-in needs Authlib (pip install Authlib)")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (apt-get install chromium)"),
]


def key(page) -> str:
    """The pupil's private key, from the address their page shows (a new page load needs it)."""
    return re.search(r"space=([0-9a-f]{32})", page.url).group(1)


def join(browser, url: str, name: str, code: str | None):
    """A fresh browser with nobody signed in: the code typed (or filled in by the join link)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url)
    settle(page)
    if code is not None:
        page.get_by_label("Class code").fill(code.lower())
    page.get_by_label("Your first name").fill(name)
    page.get_by_role("button", name="Join the class").click()
    settle(page)
    page.get_by_text(f"{name} · pupil in Class 4b").wait_for(timeout=30_000)
    assert re.search(r"space=[0-9a-f]{32}", page.url), page.url
    return context, page


def test_a_teacher_opens_a_class_and_two_pupils_join_by_code(browser, tmp_path: Path) -> None:
    from core.storage.store import Store

    with signed_in_studio(tmp_path) as (studio, _issuer):
        teacher_context, teacher = sign_in(browser, studio.url, "alice")
        teacher.goto(f"{studio.url}/classroom")
        settle(teacher)
        teacher.get_by_label("Class name").fill("Class 4b")
        teacher.get_by_role("button", name="Open the class").click()
        settle(teacher)
        heading = teacher.get_by_text(re.compile(r"Class code: [A-Z2-9]{6}"))
        heading.wait_for(timeout=30_000)
        code = re.search(r"[A-Z2-9]{6}$", heading.inner_text().strip()).group(0)
        teacher.get_by_text("Scan to join", exact=True).wait_for()  # the QR code's caption
        shoot(teacher, "class-1-teacher-opens-a-class")

        mia_context, mia = join(browser, studio.url, "Mia", code)
        tom_context, tom = join(browser, f"{studio.url}/classroom?join={code}", "Tom", None)  # the QR link
        shoot(tom, "class-2-pupil-joined")
        mias = start_story(mia, "Start with the cat")
        toms = start_story(tom, "Start with the cat")

        expect(library_open_buttons(mia, studio.url, key(mia))).to_have_count(1)
        expect(library_open_buttons(tom, studio.url, key(tom))).to_have_count(1)
        tom.goto(f"{studio.url}/draft?story={mias}&space={key(tom)}")  # Tom tries Mia's story by its link
        settle(tom)
        tom.get_by_text("There is no story at this link").wait_for()

        expect(library_open_buttons(teacher, studio.url)).to_have_count(2)
        teacher.goto(f"{studio.url}/classroom")
        settle(teacher)
        teacher.get_by_text("Mia · 1 story").wait_for()
        teacher.get_by_text("Tom · 1 story").wait_for()
        shoot(teacher, "class-3-teacher-sees-both")

        store = Store(studio.data_dir)
        assert store.access(mias).space == store.access(toms).space  # both in the class
        assert store.access(mias).owner != store.access(toms).owner
        for context in (teacher_context, mia_context, tom_context):
            context.close()
