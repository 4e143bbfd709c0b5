"""VisuTale Studio: the entry point. Owns navigation, the sidebar and the session defaults.

Run with `streamlit run Home.py`. Every step of the flow is a page in pages/; the work itself is
done by core.studio, so the command line (`python -m core make ...`) does exactly the same.
"""

from __future__ import annotations

import hmac

import streamlit as st

from core.errors import StudioError
from pages import _ui

st.set_page_config(page_title="VisuTale Studio", page_icon=":material/menu_book:", layout="wide")
st.session_state.setdefault("settings_overrides", {})

try:
    settings = _ui.settings()
except StudioError as error:  # a bad value in the environment or secrets.toml, named
    st.error(str(error))
    st.stop()


def _gate() -> None:
    """An optional access password for a hosted studio (off unless `access_password` is set)."""
    password = settings.access_password.get_secret_value() if settings.access_password else ""
    if not password or st.session_state.get("access_granted"):
        return
    st.title("VisuTale Studio")
    typed = st.text_input("Password", type="password", key="home_password")
    if typed and hmac.compare_digest(typed.encode(), password.encode()):
        st.session_state["access_granted"] = True
        st.rerun()
    if typed:
        st.error("That password is not right.")
    st.stop()


_gate()

flow = [
    st.Page("pages/photo.py", title="Photo", icon=":material/photo_camera:", default=True),
    st.Page("pages/caption.py", title="Caption", icon=":material/edit_note:"),
    st.Page("pages/story_settings.py", title="Story settings", icon=":material/tune:"),
    st.Page("pages/draft.py", title="Draft", icon=":material/draw:"),
    st.Page("pages/pictures.py", title="Pictures", icon=":material/image:"),
    st.Page("pages/upscale.py", title="Upscale", icon=":material/zoom_in:"),
    st.Page("pages/translate.py", title="Translate", icon=":material/translate:"),
    st.Page("pages/export.py", title="Export", icon=":material/picture_as_pdf:"),
]
more = [
    st.Page("pages/library.py", title="Library", icon=":material/library_books:"),
    st.Page("pages/settings.py", title="Settings", icon=":material/settings:"),
    st.Page("pages/how_it_works.py", title="How it works", icon=":material/lightbulb:"),
]
navigation = st.navigation({"Make a story": flow, "Studio": more}, expanded=True)

with st.sidebar:
    story = _ui.current_story()
    if story is not None:
        st.markdown(f"**{_ui.literal(story.title)}**")
        st.caption(f"Saved · revision {story.revision}")
    st.caption(
        "Engines: "
        f"vision {settings.vision} · writer {settings.writer} · pictures {settings.illustrator} · "
        f"upscale {settings.upscaler} · translate {settings.translator}"
    )
    if "local" in (settings.vision, settings.writer, settings.illustrator, settings.upscaler):
        loaded = _ui.model_manager().report()
        for entry in loaded:
            st.caption(f"Loaded: {entry['key']} · {entry['gb']:.1f} GB on {entry['device']} · "
                       f"{entry['load_seconds']:.0f} s to load")
        if not loaded:
            st.caption("No local model loaded yet: each loads on first use, once for everyone.")

navigation.run()
