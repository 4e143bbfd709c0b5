"""WCAG 2.2 AA and a studio that stays on the machine, in a real Chromium over every page.

axe-core (through axe-playwright-python) checks each page: no serious or critical violation may come
from the studio's own markup. What Streamlit itself draws and the studio cannot change is listed in
`STREAMLIT_OWN`, by rule id AND by the element it is found on, so the same rule still counts
everywhere else. The walk also checks what axe cannot: headings in order, alt text on every picture,
the focus on the new page's heading after a switch, a visible focus ring on links, and that not one
request leaves the machine (the offline engine needs no network).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pages import _nav
from tests.live import running_studio
from tests.test_browser import _story_with_draft, click, pytestmark, settle, shoot  # noqa: F401 - browser mark

# (axe rule id, CSS selector of Streamlit's element the violation is on, why it is Streamlit's)
STREAMLIT_OWN: list[tuple[str, str, str]] = [
    (
        "list",
        '[data-testid="stSidebarNavItems"]',
        "st.navigation's sidebar: a <ul> whose section wrappers are <div>s (Streamlit 1.67's markup)",
    ),
    (
        "listitem",
        '[data-testid="stSidebarNav"] li',
        "the same sidebar: its <li> items sit in those <div>s, not directly in the <ul>",
    ),
    (
        "svg-img-alt",
        '[data-testid="stVegaLiteChart"] g[role="graphics-symbol"]',
        "st.line_chart's hover-point layer (Vega): an empty mark group Streamlit adds to every line chart",
    ),
]
SERIOUS = {"serious", "critical"}


def serious_violations(page, allowed: list[tuple[str, str, str]] = STREAMLIT_OWN) -> list[str]:
    """axe-core's serious and critical violations on the page, less the `allowed` (rule, element) pairs."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
    left = []
    for violation in found:
        if violation["impact"] not in SERIOUS:
            continue
        scopes = [scope for rule, scope, _ in allowed if rule == violation["id"]]
        for node in violation["nodes"]:
            target = node["target"][-1] if isinstance(node["target"][-1], str) else node["target"][-1][-1]
            if scopes and page.evaluate(
                "([target, scopes]) => { const e = document.querySelector(target);"
                " return !!e && scopes.some((s) => e.closest(s)); }",
                [target, scopes],
            ):
                continue
            left.append(f"{violation['impact']} {violation['id']}: {node['html'][:160]}")
    return left


def headings_out_of_order(page) -> list[str]:
    """The main area's headings must start at h1 and never skip a level going down (h1 -> h3)."""
    levels = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stMain] :is(h1,h2,h3,h4,h5,h6)')]"
        ".map((h) => [Number(h.tagName[1]), h.textContent.trim().slice(0, 40)])"
    )
    wrong, previous = [], 0
    for level, text in levels:
        if level > previous + 1:
            wrong.append(f"h{level} '{text}' after h{previous}")
        previous = level
    return wrong


def pictures_without_alt(page) -> list[str]:
    return page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stMain] img')]"
        ".filter((i) => !(i.getAttribute('alt') || '').trim()).map((i) => i.src.slice(-40))"
    )


def focused_heading(page) -> str | None:
    return page.evaluate("() => document.activeElement.tagName === 'H1' ? document.activeElement.textContent : null")


def focus_ring(page, locator) -> tuple[str, float]:
    """The outline a keyboard user sees on `locator` (Tab first, so :focus-visible applies)."""
    page.keyboard.press("Tab")
    locator.focus()
    return locator.evaluate(
        "(e) => { const s = getComputedStyle(e); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )


def outside(url: str) -> bool:
    """A request that would leave the machine (anything but loopback, data: and blob:)."""
    if url.startswith(("data:", "blob:", "about:")):
        return False
    return not re.match(r"^(http|ws)s?://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?/", url)


@pytest.fixture(scope="module")
def studio_with_pictures(tmp_path_factory):
    """A running studio holding a two-page story with its pictures drawn (the offline engine)."""
    from core import studio
    from core.offline.illustrator import OfflineIllustrator
    from core.storage.store import Store

    data = tmp_path_factory.mktemp("a11y") / "data"
    story = _story_with_draft(data, pages=2)
    store = Store(data)
    list(studio.illustrate(store, store.load(story.id), OfflineIllustrator(), [p.id for p in story.draft.pages]))
    with running_studio(data) as live:
        yield live, story.id


def _wait_for_the_studios_stylesheet(page) -> None:
    """It arrives with the script run, a moment after the heading; axe must see the page with it."""
    from playwright.sync_api import TimeoutError as Timeout

    try:
        page.wait_for_function(
            "() => [...document.querySelectorAll('style')].some((s) => s.textContent.includes('WCAG 2.2 AA'))",
            timeout=10_000,
        )
    except Timeout:  # no such stylesheet (a studio without it): axe judges the page as it is
        pass


def _every_page() -> list[_nav.PageSpec]:
    return [spec for specs in _nav.SECTIONS.values() for spec in specs]


def test_every_page_passes_axe_and_nothing_leaves_the_machine(browser, studio_with_pictures) -> None:
    live, story_id = studio_with_pictures
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    problems: dict[str, list[str]] = {}
    for spec in _every_page():
        address = "" if spec.default else spec.url_path  # the default page lives at "/"
        page.goto(f"{live.url}/{address}?story={story_id}")
        settle(page)
        page.get_by_role("heading", name=spec.title, exact=True).wait_for()
        _wait_for_the_studios_stylesheet(page)
        found = [
            *serious_violations(page),
            *headings_out_of_order(page),
            *(f"picture without alt text: {src}" for src in pictures_without_alt(page)),
        ]
        if found:
            problems[spec.title] = found
        if spec in (_nav.PICTURES, _nav.LIBRARY, _nav.EXPORT):
            shoot(page, f"a11y-{spec.url_path}")
    assert problems == {}
    assert page.locator("[data-testid=stMain] img").count() > 0  # pictures were there to check
    assert len(requests) > 50 and [url for url in requests if outside(url)] == []
    context.close()


def test_after_a_page_switch_the_focus_is_on_the_new_pages_heading_and_links_show_a_ring(
    browser, studio_with_pictures
) -> None:
    live, story_id = studio_with_pictures
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live.url}/pictures?story={story_id}")
    settle(page)
    page.get_by_role("heading", name="Pictures", exact=True).wait_for()
    page.wait_for_function("() => document.activeElement.tagName === 'H1'")
    assert focused_heading(page) == "Pictures"

    sidebar_link = page.locator("[data-testid=stSidebarNav] a", has_text="Draft").first
    style, width = focus_ring(page, sidebar_link)
    assert style == "solid" and width >= 2
    sidebar_link.press("Enter")  # a keyboard user switches page
    settle(page)
    page.wait_for_function("() => document.activeElement.tagName === 'H1'")
    assert focused_heading(page) == "Draft"

    onward = page.get_by_role("link", name=re.compile(r"^Continue to ")).first
    style, width = focus_ring(page, onward)
    assert style == "solid" and width >= 2
    shoot(page, "a11y-focus-ring-continue")
    target = re.search(r"Continue to (.+)", onward.inner_text()).group(1).strip()  # past the icon's name
    onward.press("Enter")
    settle(page)
    page.wait_for_function("(t) => document.activeElement.textContent === t", arg=target)
    page.close()


def test_typing_on_a_page_keeps_the_focus_where_it_is(browser, studio_with_pictures) -> None:
    """The heading takes the focus once per switch, never on a rerun: a widget keeps it."""
    live, story_id = studio_with_pictures
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live.url}/draft?story={story_id}")
    settle(page)
    title = page.get_by_label("Title", exact=True)
    title.fill("A new title")
    title.press("Tab")  # a rerun
    settle(page)
    assert page.evaluate("() => document.activeElement.tagName") != "H1"
    page.close()


def test_a_personal_studio_answers_on_loopback_only_and_asks_nobody_its_address(tmp_path: Path) -> None:
    """Started as the README starts it (no `--server.address`): .streamlit/config.toml decides."""
    import os
    import socket
    import subprocess
    import sys

    from tests.conftest import ROOT
    from tests.live import free_port, wait_until_up

    outward = _an_address_of_this_machine_that_is_not_loopback()
    if outward is None:
        pytest.skip("this machine has no network address besides loopback")
    port = free_port()
    env = {**os.environ, "VISUTALE_DATA_DIR": str(tmp_path / "data")}
    command = [sys.executable, "-m", "streamlit", "run", "Home.py", "--server.port", str(port)]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until_up(port, server)
        with pytest.raises(OSError), socket.create_connection((outward, port), timeout=3):
            pass
    finally:
        server.terminate()
        said, _ = server.communicate(timeout=20)
    assert f"URL: http://127.0.0.1:{port}" in said
    assert "External URL" not in said and "Network URL" not in said  # no checkip.amazonaws.com at start


def _an_address_of_this_machine_that_is_not_loopback() -> str | None:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: nothing is sent, the kernel picks a route
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_the_password_gate_passes_axe_too(browser, tmp_path: Path) -> None:
    """The one page drawn outside the navigation: a hosted studio's password box."""
    with running_studio(tmp_path / "data", VISUTALE_ACCESS_PASSWORD="open sesame") as locked:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(locked.url)
        settle(page)
        page.get_by_label("Password", exact=True).wait_for()
        _wait_for_the_studios_stylesheet(page)
        assert serious_violations(page) == [] and headings_out_of_order(page) == []
        page.close()
