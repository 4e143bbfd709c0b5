"""VisuTale Studio: the entry point. Owns navigation, the sidebar, the session defaults, the access
password and who is asking (pages/_identity.py: personal, signed in, or a private space link).

Run with `streamlit run Home.py`. Every step of the flow is a page in pages/; the work itself is
done by core.studio, so the command line (`python -m core make ...`) does exactly the same.
"""

from __future__ import annotations

import hmac
from pathlib import Path

import streamlit as st

from core.errors import StudioError
from core.studio import Level
from pages import _identity, _nav, _ui

# The tab's icon is an emoji (drawn by the browser as an inline SVG): a ":material/...:" icon makes
# the browser fetch an SVG from fonts.gstatic.com on every page, and a personal studio sends nothing
# off the machine (tests/test_browser_a11y.py records every request of a walk).
st.set_page_config(page_title="VisuTale Studio", page_icon="📖", layout="wide")
st.html(Path(__file__).parent / "assets" / "ui" / "studio.css")  # contrast and focus rings (WCAG 2.2 AA)
st.session_state.setdefault("settings_overrides", {})

try:
    settings = _ui.settings()
except StudioError as error:  # a bad value in the environment or secrets.toml, named
    _nav.navigation(hidden=True)  # the address keeps its page and story for a reload once fixed
    st.error(str(error))
    st.stop()


password = settings.access_password.get_secret_value() if settings.access_password else ""


def _locked() -> bool:
    """An optional access password for a hosted studio (off unless `access_password` is set)."""
    return bool(password) and not st.session_state.get("access_granted")


def _gate(pupils_welcome: bool) -> None:
    """The password box, drawn in place of the page that was asked for.

    The navigation is already set up (hidden) for the page and query parameters in the address, so
    the right password reruns that very page: a story link survives the gate. A class's join link
    (`/classroom`, `?join=CODE` from its QR code) also offers pupils the class code instead.
    """
    st.title("VisuTale Studio")
    box, _ = st.columns([2, 3])
    typed = box.text_input(
        "Password", type="password", key="home_password", help="This studio is private: ask the person who runs it."
    )
    if typed and hmac.compare_digest(typed.encode(), password.encode()):
        st.session_state["access_granted"] = True
        st.rerun()
    if typed:
        box.error("That password is not right.")
    if pupils_welcome:
        with box:
            _identity.join_form(settings)  # a pupil's class code is their way in
    st.stop()


# A pupil's link (a class's pupil, no account) opens their class past the password and the sign-in.
seat = _identity.resolve_seat(settings)
navigation = _nav.navigation(hidden=seat is None and (_locked() or _identity.waiting_for_signin(settings)))
if seat is None and _locked():
    _gate(pupils_welcome="join" in st.query_params or navigation.url_path == _nav.CLASSROOM.url_path)

# Who is asking: the personal studio's one person, a signed-in person, a pupil or a private space link.
person = _identity.person(settings)
if person is None:
    _identity.signin_page(settings)

with st.sidebar:
    _identity.sidebar(settings, person)
    story = _ui.current_story()
    if story is not None:
        st.markdown(f"**{_ui.literal(story.title)}**")
        st.caption(f"Saved · revision {story.revision}")
        if _ui.store().level(story.id) < Level.EDIT:
            st.caption("Read-only: shared with you to read. Duplicate it in the Library to change it.")
    here = _ui.store()
    limits = here.limits_used(here.space.id)
    if limits:
        st.caption("This space's limits: " + " · ".join(limits))
    st.caption(
        "Engines: "
        f"vision {settings.vision} · writer {settings.writer} · pictures {settings.illustrator} · "
        f"upscale {settings.upscaler} · translate {settings.translator}"
    )
    if "local" in (settings.vision, settings.writer, settings.illustrator, settings.upscaler):
        loaded = _ui.model_manager().report()
        for entry in loaded:  # what was actually loaded: a 4-bit request may have fallen back
            precision = f"{entry['precision']} · " if entry.get("precision") else ""
            st.caption(
                f"Loaded: {entry['key']} · {precision}{entry['gb']:.1f} GB on {entry['device']} · "
                f"{entry['load_seconds']:.0f} s to load"
            )
        if not loaded:
            st.caption("No local model loaded yet: each loads on first use, once for everyone.")

_nav.run(navigation)
