"""The studio's pages, each written down once, and how every page makes sure it runs inside Home.py.

Home.py builds `st.navigation` from `SECTIONS`; links and page switches use the same `PageSpec`s,
so adding a page is one line here (plus its file).
"""

from __future__ import annotations

import runpy
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

HOME = Path(__file__).resolve().parent.parent / "Home.py"


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

    def page(self) -> st.Page:
        return st.Page(self.path, title=self.title, icon=self.icon, default=self.default)


PHOTO = PageSpec("pages/photo.py", "Photo", ":material/photo_camera:", default=True)
CAPTION = PageSpec("pages/caption.py", "Caption", ":material/edit_note:")
STORY_SETTINGS = PageSpec("pages/story_settings.py", "Story settings", ":material/tune:")
DRAFT = PageSpec("pages/draft.py", "Draft", ":material/draw:")
PICTURES = PageSpec("pages/pictures.py", "Pictures", ":material/image:")
UPSCALE = PageSpec("pages/upscale.py", "Upscale", ":material/zoom_in:")
TRANSLATE = PageSpec("pages/translate.py", "Translate", ":material/translate:")
EXPORT = PageSpec("pages/export.py", "Export", ":material/picture_as_pdf:")
LIBRARY = PageSpec("pages/library.py", "Library", ":material/library_books:")
SETTINGS = PageSpec("pages/settings.py", "Settings", ":material/settings:")
HOW_IT_WORKS = PageSpec("pages/how_it_works.py", "How it works", ":material/lightbulb:")

SECTIONS: dict[str, list[PageSpec]] = {
    "Make a story": [PHOTO, CAPTION, STORY_SETTINGS, DRAFT, PICTURES, UPSCALE, TRANSLATE, EXPORT],
    "Studio": [LIBRARY, SETTINGS, HOW_IT_WORKS],
}


def navigation(*, hidden: bool = False):
    """Home.py's `st.navigation` over every page (hidden while the password gate is shown)."""
    sections = {name: [spec.page() for spec in specs] for name, specs in SECTIONS.items()}
    return st.navigation(sections, position="hidden" if hidden else "sidebar", expanded=True)


def begin(spec: PageSpec) -> None:
    """Every page's first line: run inside Home.py's navigation, then draw the page's heading."""
    _run_home_if_run_alone()
    st.title(spec.title)


def link(spec: PageSpec, label: str | None = None, *, where=st) -> None:
    """A link to another page of the studio (`where`: a column or container, the page by default)."""
    where.page_link(spec.page(), label=label or f"Continue to {spec.title}", icon=spec.icon)


def switch(spec: PageSpec, query_params: dict[str, str] | None = None) -> None:
    st.switch_page(spec.page(), query_params=query_params)


def _run_home_if_run_alone() -> None:
    """When Streamlit ran this page file by itself, run Home.py in its place, in this same run.

    Streamlit behaviour worked around: an app whose main script has a `pages/` folder beside it is an
    old-style multipage app (`PagesManager.uses_pages_directory`, decided from the folder when the
    first session starts) until some script calls `st.navigation`. In that mode a URL such as
    `/draft?story=...` runs pages/draft.py alone: no password gate, no sidebar, a page list made from
    the folder. That happens for the first request of a fresh server and on every `AppTest` run
    (which resets the flag). Streamlit has no public switch for it (no config option; it ignores
    only dot-files and `__init__.py` in pages/, and a page it cannot find shows "Page not found"),
    so leave the mode here and run the entry point, whose `st.navigation` then runs this page again
    in the same run: clicks and typed values of this run are kept (a rerun would drop clicks).
    tests/test_navigation.py fails when an upgrade changes this.
    """
    if not PagesManager.uses_pages_directory:
        return
    PagesManager.uses_pages_directory = False
    runpy.run_path(str(HOME), run_name="__main__")
    st.stop()  # Home.py has drawn the whole page, this one included
