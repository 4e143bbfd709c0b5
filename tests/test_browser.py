"""The studio as a person uses it: headless Chromium, driven by Playwright, photo to downloaded PDF.

Chromium comes from Debian's packages (/usr/bin/chromium; the README's test command installs it).
Screenshots of every page land in test-output/browser/ for a person to look at.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from core.people.access import as_person
from tests.conftest import ROOT, SAMPLES
from tests.live import live_studio, running_studio  # noqa: F401 - the fixture

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "test-output" / "browser"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (apt-get install chromium)"),
]

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def settle(page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the script (its 'running' widget is gone)."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)
    page.wait_for_timeout(200)


def expect_value(page, label: str, pattern: str, timeout: float = 30_000) -> None:
    """The one field whose label starts with `label` comes to hold text matching `pattern` (a
    regular expression, any case). While a rerun replaces elements Streamlit shows the run before's,
    faded, beside the new ones, so the wait looks at every field of that label, then asks that only
    one is left."""
    page.wait_for_function(
        """([label, pattern]) => [...document.querySelectorAll('textarea, input')].some(
            f => (f.getAttribute('aria-label') || '').startsWith(label) && new RegExp(pattern, 'i').test(f.value))""",
        arg=[label, pattern],
        timeout=timeout,
    )
    expect(page.get_by_label(label)).to_have_count(1)


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def go(page, link: str) -> None:
    page.get_by_role("link", name=link, exact=True).first.click()
    settle(page)


def click(page, label: str, timeout: float = 90_000) -> None:
    page.get_by_role("button", name=label).first.click()
    settle(page, timeout)


def _story_with_draft(data_dir: Path, pages: int = 2, space_key: str | None = None):
    """A story with a draft, in the personal studio or (`space_key`) in that private space link's space."""
    from core import studio
    from core.offline.writer import OfflineWriter
    from core.people.spaces import Person
    from core.storage.store import Store

    store = as_person(Store(data_dir), Person.from_link(space_key) if space_key else Person.personal())
    story = studio.start_story(store, (SAMPLES / "coffee.jpg").read_bytes(), "coffee.jpg")
    studio.edit_caption(store, story, "A cup of coffee on a saucer, on a wooden table.")
    studio.update_settings(store, story, pages=pages)
    list(studio.write_draft(store, story, OfflineWriter()))
    return store.load(story.id)


def test_a_story_link_as_a_fresh_studios_first_request_gets_the_whole_studio(browser, tmp_path: Path) -> None:
    """Streamlit runs a pages/ file alone for a deep link until Home.py has run once; we must not."""
    story = _story_with_draft(tmp_path / "data")
    with running_studio(tmp_path / "data") as fresh:
        page = browser.new_page()
        page.goto(f"{fresh.url}/caption?story={story.id}")  # the very first request this server sees
        settle(page)
        page.get_by_text("Make a story").wait_for()  # Home.py's navigation, not the pages/ folder's
        page.get_by_text("Saved · revision").wait_for()  # Home.py's sidebar
        assert page.get_by_role("link", name="ui").count() == 0
        assert page.get_by_role("link", name="nav").count() == 0
        page.close()


def test_a_story_link_keeps_its_story_through_the_password(browser, tmp_path: Path) -> None:
    """A story link to a locked studio: after the password, that story's Draft, on a fresh server or not."""
    key = "5e" * 16  # a password studio gives each browser a private space link: its stories are there
    story = _story_with_draft(tmp_path / "data", space_key=key)
    with running_studio(tmp_path / "data", VISUTALE_ACCESS_PASSWORD="open sesame") as locked:
        link = f"{locked.url}/draft?story={story.id}&space={key}"
        for attempt in ("first-request", "later-request"):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(link)
            settle(page)
            password = page.get_by_label("Password", exact=True)
            password.wait_for()
            assert page.get_by_role("heading", name="Draft", exact=True).count() == 0  # nothing of the story
            assert page.get_by_label("Title", exact=True).count() == 0
            shoot(page, f"0-password-{attempt}")
            password.fill("wrong")
            password.press("Enter")
            settle(page)
            page.get_by_text("That password is not right.").wait_for()
            password.fill("open sesame")
            password.press("Enter")
            settle(page)
            page.get_by_role("heading", name="Draft", exact=True).wait_for()
            expect(page.get_by_label("Title", exact=True)).to_have_value(story.draft.title)
            assert "/draft?" in page.url and f"story={story.id}" in page.url
            shoot(page, f"0-after-the-password-{attempt}")
            page.close()

        other = browser.new_page()  # a deep link without the password: still locked
        other.goto(f"{locked.url}/library")
        settle(other)
        other.get_by_label("Password", exact=True).wait_for()
        assert other.get_by_role("heading", name="Library").count() == 0
        assert other.get_by_text(story.draft.title).count() == 0
        other.close()


def test_the_picture_picker_numbers_the_versions_its_thumbnails_show(browser, tmp_path: Path) -> None:
    from core import studio
    from core.offline.illustrator import OfflineIllustrator
    from core.storage.store import Store

    story = _story_with_draft(tmp_path / "data", pages=1)
    store, page_id = Store(tmp_path / "data"), story.draft.pages[0].id
    for _ in range(8):
        list(studio.illustrate(store, store.load(story.id), OfflineIllustrator(), [page_id]))
    with running_studio(tmp_path / "data") as live:
        page = browser.new_page(viewport={"width": 1280, "height": 1700})
        page.goto(f"{live.url}/pictures?story={story.id}")
        settle(page)
        page.get_by_text("The newest 6 of the 8 versions.").wait_for()
        expect(page.locator("[data-testid=stImageCaption]")).to_have_count(7)  # "Page 1" and six versions
        captions = page.locator("[data-testid=stImageCaption]").all_inner_texts()
        shown = [int(m.group(1)) for c in captions if (m := re.fullmatch(r"#(\d+)\s+seed \d+", c.strip()))]
        picker = page.get_by_role("radiogroup")
        expect(picker.get_by_role("radio")).to_have_count(6)
        labels = [text.strip() for text in picker.locator("label").all_inner_texts()]
        assert shown == [3, 4, 5, 6, 7, 8] and labels == [f"#{n}" for n in shown]
        shoot(page, "0-pictures-with-8-versions")
        page.close()


def test_a_person_makes_a_book_and_reopens_it_by_its_link(browser, live_studio, tmp_path: Path) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(live_studio.url)
    settle(page)
    page.get_by_text("Every story starts from a photo").wait_for()
    shoot(page, "1-photo")

    page.locator("input[type=file]").set_input_files(str(SAMPLES / "chelsea.jpg"))
    page.get_by_role("button", name="Start a story with this photo").wait_for()
    click(page, "Start a story with this photo")
    page.wait_for_url(re.compile(r"story=[0-9a-f]{32}"))
    story_id = re.search(r"story=([0-9a-f]{32})", page.url).group(1)

    click(page, "Describe the photo")  # a job of the story: the caption lands when the panel sees it done
    expect_value(page, "The caption", "cat")
    shoot(page, "2-caption")

    go(page, "Story settings")
    shoot(page, "3-settings")
    click(page, "Save settings")

    go(page, "Draft")
    click(page, "Write the story")
    page.get_by_text("Made by the offline engine").first.wait_for()
    shoot(page, "4-draft")
    # Whatever a person types is shown as typed: no markup, no script.
    hostile = "Nell said <b>hi</b> **loudly** <img src=x onerror=window.pwned=1> [link](javascript:alert(1))"
    page.get_by_label("Page 1", exact=True).fill(hostile)
    click(page, "Save my edits")

    go(page, "Pictures")
    click(page, "Draw the 8 missing pictures", timeout=120_000)
    shoot(page, "5-pictures")
    page.locator("[data-testid=stImage]").nth(7).wait_for(timeout=60_000)
    page.get_by_text(hostile).wait_for()
    assert page.evaluate("window.pwned") is None
    assert page.locator("main a[href^=javascript]").count() == 0
    shoot(page, "5-pictures")

    go(page, "Upscale")
    shoot(page, "6-upscale")

    go(page, "Export")
    click(page, "Make the PDF")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the PDF").click()
    saved = tmp_path / "book.pdf"
    download_info.value.save_as(saved)
    shoot(page, "7-export")
    pdf = PdfReader(saved)
    assert len(pdf.pages) >= 10  # title, 8 story pages, the QR page
    assert sum(len(p.images) for p in pdf.pages) >= 8

    # The link alone, in a new tab, restores the story where it was.
    other = context.new_page()
    other.goto(f"{live_studio.url}/draft?story={story_id}")
    settle(other)
    other.get_by_text("Made by you").first.wait_for()  # the hand-edited draft is the chosen one
    expect(other.get_by_label("Page 1", exact=True)).to_have_value(hostile)  # waits for the page to fill
    expect(other.get_by_label("Title", exact=True)).to_have_value(re.compile(r"\S"))
    title = other.get_by_label("Title", exact=True).input_value()
    assert title in " ".join(pdf.pages[0].extract_text().split())
    shoot(other, "8-reopened")
    context.close()


def test_two_tabs_of_one_story_keep_both_edits_and_say_when_they_collide(browser, tmp_path: Path) -> None:
    """One person, one story's Draft open in two tabs (two Streamlit sessions of one browser)."""
    from core.storage.store import Store

    story = _story_with_draft(tmp_path / "data", pages=3)
    first = story.draft
    with running_studio(tmp_path / "data") as studio:
        context = browser.new_context(viewport={"width": 1280, "height": 1400})
        one, two = context.new_page(), context.new_page()
        for tab in (one, two):
            tab.goto(f"{studio.url}/draft?story={story.id}")
            settle(tab)
            tab.get_by_label("Page 1", exact=True).wait_for()

        def save(tab, page_label: str, text: str) -> None:
            box = tab.get_by_label(page_label, exact=True)
            box.fill(text)
            box.press("Tab")
            click(tab, "Save my edits")

        save(one, "Page 1", "Tab one wrote page one.")
        save(two, "Page 2", "Tab two wrote page two.")
        expect(two.get_by_text("Merged with a change made meanwhile")).to_be_visible()
        newest = Store(studio.data_dir).load(story.id).draft
        assert [p.text for p in newest.pages[:2]] == ["Tab one wrote page one.", "Tab two wrote page two."]
        assert newest.pages[2].text == first.pages[2].text

        save(one, "Page 3", "Tab one's ending.")  # tab one still shows the draft before the merge
        save(two, "Page 3", "Tab two's ending.")
        expect(two.get_by_text("kept as its own draft")).to_be_visible()
        shoot(two, "two-tabs-collide")
        drafts = Store(studio.data_dir).load(story.id).drafts
        assert {"Tab one's ending.", "Tab two's ending."} <= {d.pages[2].text for d in drafts}
        context.close()
