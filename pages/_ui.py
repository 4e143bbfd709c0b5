"""What every page shares: the current story, the settings, and turning studio events into widgets.

Pages stay thin: they draw widgets and call `core.studio`; everything here is glue between
Streamlit and core. Per-user state lives in `st.session_state` (the story id, settings typed in
this browser session); what all users share (the store, the model manager) lives in
`st.cache_resource`.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

import streamlit as st
from streamlit.errors import StreamlitAPIException

from core import studio
from core.background import in_background
from core.errors import ModelUnavailable, StudioError
from core.settings import Settings, load_settings
from core.story import Story
from pages import _identity, _nav

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def literal(text: str) -> str:
    """Text for st.markdown that shows exactly these characters: nothing is interpreted.

    Escaping is per character, so it is safe on streamed chunks too.
    """
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def _secrets() -> dict:
    try:
        return dict(st.secrets)
    except FileNotFoundError:  # no secrets.toml (or an unreadable one): environment and UI only
        return {}


def settings() -> Settings:
    """Settings from secrets.toml, the environment and what this browser session typed in."""
    secrets = _secrets()
    configured = load_settings(env=os.environ, secrets=secrets)
    return load_settings(
        env=os.environ,
        secrets=secrets,
        overrides=st.session_state.get("settings_overrides", {}),
        own_endpoints_need_own_keys=_identity.shared(configured),
    )


@st.cache_resource(show_spinner=False)
def _store(root: str) -> studio.Store:
    """The data folder at `root`, opened with the operator's credentials (never a session's)."""
    return studio.open_store(load_settings(env=os.environ, secrets=_secrets(), overrides={"data_dir": root}))


@st.cache_resource(show_spinner=False)
def model_manager():
    """The process's one model manager, shared by every browser session: a model loads once."""
    from core.local.manager import get_manager  # imports no torch until a model is loaded

    return get_manager()


def person() -> studio.Person:
    """Who this session works as (Home.py has already stopped a run that has nobody signed in)."""
    who = _identity.person(settings())
    if who is None:
        st.stop()
    return who


def store() -> studio.PersonStore:
    """The stories as this session's person may see them (a pupil's new stories go to their class),
    within their space's limits: every page and step gets only this."""
    current = settings()
    try:
        opened = _store(str(current.data_dir))
    except StudioError as error:  # an object store out of reach, or one that ignores conditional writes
        st.error(str(error))
        st.stop()
    return studio.person_store(opened, person(), _identity.space_id(), current)


def current_story() -> Story | None:
    """The story this browser session works on: `?story=ID` wins, and the URL always shows it."""
    wanted = st.query_params.get("story")
    if wanted and wanted != st.session_state.get("story_id"):
        if store().exists(wanted):  # someone else's story does not exist for this person
            st.session_state["story_id"] = wanted
        else:
            st.error("There is no story at this link. It may have been deleted; see the Library.")
            del st.query_params["story"]
    story_id = st.session_state.get("story_id")
    if not story_id:
        return None
    try:
        story = store().load(story_id)
    except StudioError as error:
        st.session_state.pop("story_id", None)
        st.error(str(error))
        return None
    if st.query_params.get("story") != story.id:
        st.query_params["story"] = story.id
    return story


def open_story(story_id: str, page: _nav.PageSpec = _nav.DRAFT) -> None:
    st.session_state["story_id"] = story_id
    _nav.switch(page, query_params={"story": story_id})


def require_story(needs: str = "photo") -> Story:
    """The current story, or a pointer to where to start and st.stop()."""
    story = current_story()
    if story is None:
        st.info("Start with a photo: every story begins there.")
        _nav.link(_nav.PHOTO, "Go to Photo")
        st.stop()
    if needs in ("caption", "draft") and not story.caption:
        st.info("This story needs a caption first.")
        _nav.link(_nav.CAPTION, "Go to Caption")
        st.stop()
    if needs == "draft" and story.draft is None:
        st.info("This story has no draft yet.")
        _nav.link(_nav.DRAFT, "Go to Draft")
        st.stop()
    return story


def engine_line(engine: str, model: str = "") -> None:
    """The one line that says which engine made a result."""
    st.caption(studio.made_by(engine, model))


def run_step(
    label: str, events: Callable[[], Iterator[studio.Event]], *, stream: bool = False, capability: str | None = None
) -> bool:
    """Run a long studio step with visible progress. Returns True when it finished.

    The step runs behind the page at the lowest CPU priority (`core.background`), so that on a
    shared studio everyone's quick reruns go first.

    Streamed text appears as it arrives (escaped: model output is shown, never interpreted);
    progress events drive a progress bar. A StudioError becomes one clear message; the story is
    already saved as far as the step got. A missing local model offers to switch `capability` to
    the offline engine for this browser session.
    """
    try:
        with st.status(label, expanded=True) as status:
            _consume(in_background(events), stream)
            status.update(label=f"{label}: done", state="complete", expanded=False)
        return True
    except ModelUnavailable as error:
        st.error(str(error))
        if capability:
            st.button(
                f"Use the offline engine for the {capability} instead",
                on_click=use_engine,
                args=(capability, "offline"),
                key=f"fallback-{capability}",
            )
    except StudioError as error:
        st.error(str(error))
    except Exception:  # a bug, not the person's doing: say so plainly, keep the details in the log
        logging.getLogger("visutale").exception("%s failed", label)
        st.error(
            f"{label} failed because of an error in the studio itself; your story is saved as it "
            "was before this step. The details are in the studio's log."
        )
    return False


def use_engine(capability: str, engine: str) -> None:
    """Choose an engine for one capability, for this browser session only."""
    st.session_state.setdefault("settings_overrides", {})[capability] = engine


def _consume(events: Iterator[studio.Event], stream: bool) -> None:
    bar = st.progress(0.0, text="Starting…")
    notices: list[str] = []

    def tokens() -> Iterator[str]:
        for event in events:
            if isinstance(event, studio.Token):
                yield literal(event.text)
            elif isinstance(event, studio.Progress):
                bar.progress(event.fraction, text=event.label)
            else:
                notices.append(event.text)

    if stream:
        st.write_stream(tokens())
    else:
        for _ in tokens():
            pass
    bar.progress(1.0, text="Done")
    for notice in notices:
        st.warning(notice)


def rerun_panel() -> NoReturn:
    """Draw the panel (an `st.fragment`) this is called from again, not the whole page: a change
    only the panel shows. When this run is the whole page's (its first draw, a change outside the
    panel, AppTest, which always runs the whole page) a panel-only rerun is not allowed, and the
    page reruns instead."""
    try:
        st.rerun(scope="fragment")
    except StreamlitAPIException:
        st.rerun()


def refilled(key: str, value: str, version: object) -> str:
    """The key of a text box that shows `value`, filled again when `version` changes (a new caption
    landed, another story opened) and kept as typed on every other rerun. The key stays the same for
    the box's whole life: a key that changed with each version made Streamlit show the old box, faded,
    beside the new one while the page reran."""
    marker = f"{key}__version"
    if key not in st.session_state or st.session_state.get(marker) != version:
        st.session_state[key] = value
        st.session_state[marker] = version
    return key


@contextmanager
def shows_errors() -> Iterator[None]:
    """For quick actions (save, choose, delete): a StudioError becomes a message, not a traceback."""
    try:
        yield
    except StudioError as error:
        st.error(str(error))


def publisher() -> studio.Publisher:
    """Where this studio publishes exported PDFs: Streamlit's static folder, at the address a phone
    uses, or the object store of an s3:// data folder."""
    current = settings()
    return studio.publisher(current, base_url(current))


def base_url(current: Settings) -> str:
    """Where a phone reaches this studio: the setting, else the address this browser used."""
    return studio.public_base_url(current.public_base_url, st.context.url)
