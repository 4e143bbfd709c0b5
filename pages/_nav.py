"""The studio's pages, each written down once, and how every page makes sure it runs inside Home.py.

Home.py builds `st.navigation` from `SECTIONS`; links and page switches use the same `PageSpec`s,
so adding a page is one line here (plus its file).
"""

from __future__ import annotations

import json
import runpy
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

HOME = Path(__file__).resolve().parent.parent / "Home.py"
_INSIDE_HOME: ContextVar[bool] = ContextVar("visutale_inside_home", default=False)
_IN_PLACE: ContextVar[bool] = ContextVar("visutale_home_in_place", default=False)


@dataclass(frozen=True)
class PageSpec:
    """One page of the studio: its file, its title (in the navigation and as its heading), its icon.

    A spec is plain data shared by every session; `page()` makes the `st.Page` that a run needs
    (Streamlit ties an `st.Page` to the script run that made it).
    """

    path: str
    title: str
    icon: str
    default: bool = False

    @property
    def url_path(self) -> str:
        """The page's address, as Streamlit infers it from the file name (`/classroom`)."""
        return Path(self.path).stem

    def page(self) -> st.Page:
        return st.Page(self.path, title=self.title, icon=self.icon, default=self.default)


PHOTO = PageSpec("pages/photo.py", "Photo", ":material/photo_camera:", default=True)
CAPTION = PageSpec("pages/caption.py", "Caption", ":material/edit_note:")
STORY_SETTINGS = PageSpec("pages/story_settings.py", "Story settings", ":material/tune:")
DRAFT = PageSpec("pages/draft.py", "Draft", ":material/draw:")
PICTURES = PageSpec("pages/pictures.py", "Pictures", ":material/image:")
CHARACTERS = PageSpec("pages/characters.py", "Characters", ":material/face:")
UPSCALE = PageSpec("pages/upscale.py", "Upscale", ":material/zoom_in:")
TRANSLATE = PageSpec("pages/translate.py", "Translate", ":material/translate:")
EXPORT = PageSpec("pages/export.py", "Export", ":material/picture_as_pdf:")
READ_ALOUD = PageSpec("pages/read_aloud.py", "Read aloud", ":material/record_voice_over:")
LIBRARY = PageSpec("pages/library.py", "Library", ":material/library_books:")
CLASSROOM = PageSpec("pages/classroom.py", "Classroom", ":material/school:")
TEAMS = PageSpec("pages/teams.py", "Teams", ":material/groups:")
SETTINGS = PageSpec("pages/settings.py", "Settings", ":material/settings:")
CAMPAIGN = PageSpec("pages/campaign.py", "Product & brief", ":material/campaign:")
CAMPAIGN_COPY = PageSpec("pages/campaign_copy.py", "Copy variants", ":material/edit_note:")
CAMPAIGN_FORMATS = PageSpec("pages/campaign_formats.py", "Formats", ":material/aspect_ratio:")
CAMPAIGN_EXPORT = PageSpec("pages/campaign_export.py", "Campaign exports", ":material/folder_zip:")
BRAND_KIT = PageSpec("pages/brand_kit.py", "Brand kit", ":material/palette:")
HOW_IT_WORKS = PageSpec("pages/how_it_works.py", "How it works", ":material/lightbulb:")

SECTIONS: dict[str, list[PageSpec]] = {
    "Make a story": [
        PHOTO,
        CAPTION,
        STORY_SETTINGS,
        DRAFT,
        CHARACTERS,
        PICTURES,
        UPSCALE,
        TRANSLATE,
        EXPORT,
        READ_ALOUD,
    ],
    "Make a campaign": [CAMPAIGN, CAMPAIGN_COPY, CAMPAIGN_FORMATS, CAMPAIGN_EXPORT, BRAND_KIT],
    "Studio": [LIBRARY, CLASSROOM, TEAMS, SETTINGS, HOW_IT_WORKS],
}


def navigation(*, hidden: bool = False):
    """Home.py's `st.navigation` over every page (hidden while the password gate is shown)."""
    sections = {name: [spec.page() for spec in specs] for name, specs in SECTIONS.items()}
    return st.navigation(sections, position="hidden" if hidden else "sidebar", expanded=True)


def run(chosen) -> None:
    """Home.py's last line: run the page `st.navigation` chose, marked as running inside Home.py."""
    token = _INSIDE_HOME.set(True)
    try:
        chosen.run()
    finally:
        _INSIDE_HOME.reset(token)


def begin(spec: PageSpec) -> None:
    """Every page's first line: make sure the page runs inside Home.py, then draw its heading."""
    if not _INSIDE_HOME.get():
        _run_home_in_place_of_this_page()
    st.title(spec.title)
    _focus_heading_after_a_switch(spec)


# WCAG 2.4.3 Focus order: after a page switch Streamlit leaves the focus on <body> (or on the link
# that was clicked, now gone), so a keyboard or screen-reader user starts over at the top of the
# sidebar. Streamlit has no focus API; st.html(unsafe_allow_javascript=True) runs a script in the
# page, once per distinct body. This one moves the focus to the new page's <h1> once per page
# switch (the page's name kept on `window`), never on a rerun of the same page, so typing in a widget
# is never interrupted. It reads nothing but the heading's text.
_FOCUS_SCRIPT = """<script>
(function () {
  var page = %s, title = %s, tries = 0;
  if (window.visutaleFocusedPage === page) { return; }
  window.visutaleFocusedPage = page;
  (function focusHeading() {
    var heading = Array.prototype.find.call(
      document.querySelectorAll('[data-testid="stMain"] h1'),
      function (h) { return h.textContent.trim() === title; });
    if (!heading) { if (++tries < 60) { setTimeout(focusHeading, 50); } return; }
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  })();
})();
</script>"""


def _focus_heading_after_a_switch(spec: PageSpec) -> None:
    """The script above, in the sidebar's end (a script-only element still takes a row's gap)."""
    script = _FOCUS_SCRIPT % (json.dumps(spec.url_path), json.dumps(spec.title))
    st.sidebar.html(script, unsafe_allow_javascript=True)


def link(spec: PageSpec, label: str | None = None, *, where=st) -> None:
    """A link to another page of the studio (`where`: a column or container, the page by default)."""
    where.page_link(spec.page(), label=label or f"Continue to {spec.title}", icon=spec.icon)


def switch(spec: PageSpec, query_params: dict[str, str] | None = None) -> None:
    """Go to another page of the studio now (with `?story=...` when given; a private space link
    is kept)."""
    from pages._identity import kept_params  # imports nothing of this module's users

    st.switch_page(spec.page(), query_params={**kept_params(), **(query_params or {})} or None)


def _run_home_in_place_of_this_page() -> None:
    """Streamlit ran this page file by itself: run Home.py in its place, in this same run.

    Streamlit behaviour worked around: an app whose main script has a `pages/` folder beside it is
    an old-style multipage app (decided from the folder when the first session starts, kept in the
    private `PagesManager.uses_pages_directory`) until some script calls `st.navigation`. In that
    mode a URL such as `/draft?story=...` runs pages/draft.py alone: no password gate, no sidebar, a
    page list made from the folder. That happens to the first requests of a fresh server (every tab
    that reconnects after a restart) and to every `AppTest` run. Streamlit has no public switch for
    it (no config option; in pages/ it skips only dot-files and `__init__.py`; a page it cannot find
    shows a "Page not found" dialog). So the page runs the entry point instead: Home.py's
    `st.navigation` leaves the old mode and runs this page again, inside Home.py, in this same run,
    so the clicks and typed values of this run are kept (a rerun would drop a click). Whether a page
    runs inside Home.py is known per run (`run()` marks it), never from the process-wide flag, so
    two sessions starting at once cannot slip past the gate.
    tests/test_navigation.py says when an upgrade makes this unnecessary.
    """
    token = _IN_PLACE.set(True)
    try:
        runpy.run_path(str(HOME), run_name="__main__")
    finally:
        _IN_PLACE.reset(token)
    st.stop()  # Home.py has drawn the whole page, this one included


def panel(function: Callable[..., None], *, run_every: float | None = None) -> Callable[..., None]:
    """`function` drawn as a panel of the page: an `st.fragment`, which reruns on its own (every
    `run_every` seconds, or when one of its widgets changes) without the rest of the page.

    Except in a run where Streamlit ran the page file alone and Home.py runs in its place (above):
    there a widget of a fragment registered in that run sends nothing to the server (Streamlit
    1.67: a choice made in it is lost), so the panel is drawn as part of the page, as before
    fragments, and the next run, a proper one, makes it a fragment again."""

    def draw(*args, **kwargs) -> None:
        if _IN_PLACE.get():
            function(*args, **kwargs)
        else:
            st.fragment(function, run_every=run_every)(*args, **kwargs)

    return draw
