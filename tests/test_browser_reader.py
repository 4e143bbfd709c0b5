"""The web reader in a real Chromium: pages turn by keys and swipes, the sentence heard is
highlighted as the narration plays, it reads on a phone, and nothing in the story ever runs."""

from __future__ import annotations

import pytest

from core import studio
from core.export.readalong import readalong_book
from core.export.reader import render_reader
from core.storage.store import Store
from tests.conftest import SAMPLES
from tests.doubles import ScriptedWriter, SolidIllustrator, ToneNarrator, story_of
from tests.live import live_studio  # noqa: F401 - the fixture
from tests.test_browser import pytestmark, settle  # noqa: F401 - browser mark, skipped without Chromium

PAGES = (
    "Kit saw a red kite in the sky. It flew over the hill and far away!",
    "Dot ran after it. They found it in a tree.",
    "Nobody read this page aloud yet.",
)
HOSTILE = (
    '<script>window.pwned = "script"; alert(1)</script> Kit <img src=x onerror="window.pwned=\'img\'"> ran. '
    "</p><svg onload=\"window.pwned='svg'\"></svg> Dot laughed."
)


def _story(store: Store, title: str, pages: tuple[str, ...], narrated: int):
    story = studio.start_story(store, (SAMPLES / "chelsea.jpg").read_bytes(), "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger cat.")
    list(studio.write_draft(store, story, ScriptedWriter(story_of(title, *pages))))
    list(studio.illustrate(store, story, SolidIllustrator()))
    ids = [page.id for page in story.draft.pages[:narrated]]
    list(studio.narrate(store, story, ToneNarrator(), page_ids=ids))
    return story


def _book(tmp_path_factory, title: str, pages: tuple[str, ...], narrated: int) -> str:
    store = Store(tmp_path_factory.mktemp("reader") / "data")
    story = _story(store, title, pages, narrated)
    path = tmp_path_factory.mktemp("html") / "book.html"
    path.write_text(render_reader(readalong_book(store, story)), encoding="utf-8")
    return path.as_uri()


@pytest.fixture(scope="module")
def reader_url(tmp_path_factory) -> str:
    return _book(tmp_path_factory, "The Kite", PAGES, narrated=2)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def shown(page) -> int:
    return int(page.evaluate("document.body.dataset.page"))


def active(page) -> str | None:
    return page.evaluate("(document.querySelector('.page:not([hidden]) .s.active') || {}).textContent || null")


def seek(page, seconds: float) -> None:
    """Move the shown page's narration to `seconds` and wait until it has got there (`page` may be
    a frame)."""
    page.evaluate(
        """(t) => new Promise((done) => {
            const audio = document.querySelector('.page:not([hidden]) audio');
            const go = () => { audio.addEventListener('seeked', () => setTimeout(done, 50), {once: true});
                               audio.currentTime = t; };
            if (audio.readyState >= 1) { go(); } else { audio.addEventListener('loadedmetadata', go, {once: true}); }
        })""",
        seconds,
    )


def test_the_keyboard_turns_the_pages(page, reader_url) -> None:
    page.goto(reader_url)
    assert shown(page) == 0 and page.locator(".cover h1").inner_text() == "The Kite"
    page.keyboard.press("ArrowRight")
    assert shown(page) == 1 and page.locator("#folio").inner_text() == "1 / 3"
    page.keyboard.press("Space")
    page.keyboard.press("PageDown")
    assert shown(page) == 3 and page.locator(".page:not([hidden]) .text").inner_text() == PAGES[2]
    page.keyboard.press("ArrowRight")  # the last page stays
    assert shown(page) == 3 and page.locator("#play").is_disabled()  # a silent page has nothing to play
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("PageUp")
    assert shown(page) == 1
    page.keyboard.press("End")
    page.keyboard.press("Home")
    assert shown(page) == 0


def test_the_sentence_heard_is_highlighted(page, reader_url) -> None:
    page.goto(reader_url)
    page.keyboard.press("ArrowRight")
    first, second = (s.strip() for s in PAGES[0].split(". ", 1))
    seconds = 0.05 * len(first + ".")  # ToneNarrator: 0.05 s a character, then a 0.4 s pause
    seek(page, seconds + 0.5)
    assert active(page) == second
    seek(page, 0.2)
    assert active(page) == first + "."
    page.keyboard.press("p")  # plays from there: the highlight moves on by itself
    page.wait_for_function(
        "(text) => (document.querySelector('.page:not([hidden]) .s.active') || {}).textContent === text",
        arg=second,
        timeout=20_000,
    )
    page.keyboard.press("p")
    page.keyboard.press("ArrowRight")  # turning the page stops the old page's narration
    assert page.evaluate("document.querySelector('[data-number=\"1\"] audio').paused")
    assert active(page) is None


def test_reads_on_a_phone_and_turns_by_swipes(browser, reader_url) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(reader_url)

    def swipe(dx: int) -> None:
        page.evaluate(
            """(dx) => {
                const at = (x) => [new Touch({identifier: 1, target: document.body, clientX: x, clientY: 400})];
                document.dispatchEvent(new TouchEvent('touchstart', {changedTouches: at(300), bubbles: true}));
                document.dispatchEvent(new TouchEvent('touchend', {changedTouches: at(300 + dx), bubbles: true}));
            }""",
            dx,
        )

    swipe(-200)
    assert shown(page) == 1
    swipe(-200)
    swipe(150)
    assert shown(page) == 1
    text = page.locator(".page:not([hidden]) .text")
    box, picture = text.bounding_box(), page.locator(".page:not([hidden]) img").bounding_box()
    assert picture["y"] + picture["height"] <= box["y"]  # the picture above the text
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing sticks out sideways
    assert float(text.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 18
    context.close()


def test_nothing_in_the_story_runs(browser, tmp_path_factory) -> None:
    url = _book(tmp_path_factory, '"><script>alert("title")</script>', (HOSTILE,), narrated=1)
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    assert dialogs == [] and page.evaluate("window.pwned") is None
    assert page.title() == '"><script>alert("title")</script>'
    shown_text = page.locator(".page:not([hidden]) .text").inner_text()
    assert "<script>window.pwned" in shown_text and "onerror=" in shown_text and "<svg onload" in shown_text
    assert page.locator("script").count() == 1 and page.locator("img[onerror], svg").count() == 0
    context.close()


def test_the_read_aloud_view_turns_pages_by_keys_and_follows_the_narration(browser, live_studio) -> None:  # noqa: F811
    """The studio's Read aloud page: the same reader inside the page, driven by the keyboard."""
    story = _story(Store(live_studio.data_dir), "The Kite", PAGES, narrated=2)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{live_studio.url}/read_aloud?story={story.id}")
    settle(page)
    frame = page.frame_locator("iframe").first
    frame.locator(".cover h1").wait_for()
    frame.locator("#book").click()  # the book has the keyboard once clicked, as the page says
    page.keyboard.press("ArrowRight")
    inner = next(f for f in page.frames if f != page.main_frame)
    assert shown(inner) == 1
    first, second = (s.strip() for s in PAGES[0].split(". ", 1))
    seek(inner, 0.05 * len(first + ".") + 0.5)
    assert active(inner) == second
    page.keyboard.press("Space")
    assert shown(inner) == 2 and active(inner) is None
    assert (
        float(inner.locator(".page:not([hidden]) .text").evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
        >= 24
    )
    context.close()
