"""What the Campaign pages share: the open campaign."""

from __future__ import annotations

import streamlit as st

from core.story import Story
from pages import _nav, _ui


def require_campaign() -> Story:
    """The open campaign, or a pointer to where campaigns start and st.stop()."""
    story = _ui.current_story()
    if story is None or story.campaign is None:
        st.info("Open a campaign first: every campaign starts from a product photo.")
        _nav.link(_nav.CAMPAIGN, "Go to Product & brief")
        st.stop()
    return story
