"""Panels that change on their own are `st.fragment`s: a pick, a share or a new audio draws the
panel again, not the whole page (issue 21: the narration panel, the picture grid, the Library).

AppTest always runs the whole page, so what it can show is that a panel's rerun falls back to the
page's there; tests/test_browser_panels.py drives the panels in a real browser, where they rerun alone.
"""

from __future__ import annotations

import ast

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def _fragments(path) -> list[str]:
    """The functions a page module turns into fragments (`@st.fragment`, `st.fragment(...)(f)`, or
    `_nav.panel(f)`, a fragment in every run but the one where Home.py runs in a page's place)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(target, ast.Attribute) and target.attr == "fragment":
                    found.append(node.name)
        elif isinstance(node, ast.Call) and node.args:  # st.fragment(f), st.fragment(...)(f), _nav.panel(f)
            decorating = isinstance(node.func, ast.Call) and not node.func.args  # st.fragment(run_every=...)(f)
            target = node.func.func if decorating else node.func
            if isinstance(target, ast.Attribute) and (
                target.attr == "fragment" or (target.attr == "panel" and ast.unparse(target.value) == "_nav")
            ):
                found.append(ast.unparse(node.args[0]))
    return found


@pytest.mark.parametrize(
    ("page", "panels"),
    [
        ("pages/_narration.py", ["_narration", "_narration"]),
        ("pages/pictures.py", ["_grid"]),
        ("pages/library.py", ["_stories"]),
        ("pages/_jobs.py", ["_jobs", "_jobs", "_jobs", "_library", "_library"]),  # live, streaming text, still
    ],
)
def test_the_panels_that_change_on_their_own_are_fragments(page: str, panels: list[str]) -> None:
    assert sorted(_fragments(ROOT / page)) == sorted(panels)


def _panel_script() -> None:
    import streamlit as st

    from pages import _ui

    st.session_state.setdefault("runs", 0)
    st.session_state["runs"] += 1

    @st.fragment
    def panel() -> None:
        st.write(f"clicks: {st.session_state.get('clicks', 0)}")
        if st.button("Count"):
            st.session_state["clicks"] = st.session_state.get("clicks", 0) + 1
            _ui.rerun_panel()

    panel()


def test_a_panel_rerun_in_a_run_of_the_whole_page_reruns_the_page() -> None:
    at = AppTest.from_function(_panel_script, default_timeout=30)
    at.run()
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert "clicks: 1" in [m.value for m in at.markdown]  # drawn again after the click, not before
    assert at.session_state["runs"] == 3  # the click's run, then the page's again
