"""The story's jobs, on every page that starts them and in the Library: progress that refreshes
on its own, Cancel, Resume, and how each job ended. The work is `core.jobs`.

A page that starts a job returns at once (`start`): the job runs on the studio's workers, so the
sidebar answers while pictures are drawn, and the person may leave and come back. The panel is a
fragment: while a job of the story is queued or running it reruns every REFRESH_S on its own, and
it reruns the whole page when a job finished a piece, so the page shows what landed.
"""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from core import jobs
from core.story import now
from pages import _nav, _ui

REFRESH_S = 1.0
DONE_SHOWN = timedelta(minutes=2)  # a job that ended well, with nothing to say, is shown this long


def tools() -> jobs.Tools:
    """The engines and publisher of this browser session, for a job it starts or resumes."""
    return jobs.Tools(_ui.settings(), _ui.publisher())


def start(story, kind: str, params: dict, *, label: str | None = None) -> None:
    """Start a job and show it (the page does not wait for the job)."""
    with _ui.shows_errors():
        jobs.start(_ui.store(), story, kind, params, tools(), label=label)
        st.rerun()


def panel(story, *, key: str) -> bool:
    """The story's jobs; True while one is queued or running (a page may hold back its buttons)."""
    records = jobs.shown(_ui.store(), story.id)
    live = any(r.seen_state() in ("queued", "running") for r in records)
    (_live if live else _still)(story.id, key)
    return live


def running(story_id: str, kind: str) -> bool:
    """Whether a job of this kind is queued or running for the story (a panel refreshes meanwhile)."""
    return any(r.kind == kind and r.seen_state() in ("queued", "running") for r in jobs.shown(_ui.store(), story_id))


def _jobs(story_id: str, key: str) -> None:
    store = _ui.store()
    records = [r for r in jobs.shown(store, story_id) if _worth_showing(r)]
    seen = tuple((r.id, r.seen_state(), r.done) for r in records)
    before = st.session_state.get(f"{key}_jobs_seen")
    st.session_state[f"{key}_jobs_seen"] = seen
    if before is not None and before != seen:
        st.rerun(scope="app")  # a piece landed or a job ended: the whole page shows it
    for record in records:
        _one(store, story_id, record, key)


_live = _nav.panel(_jobs, run_every=REFRESH_S)
_still = _nav.panel(_jobs)


def _worth_showing(record: jobs.JobRecord) -> bool:
    if record.seen_state() != "done" or record.notices:
        return True
    return record.finished is not None and now() - record.finished < DONE_SHOWN


def _one(store, story_id: str, record: jobs.JobRecord, key: str) -> None:
    state = record.seen_state()
    counted = f"{record.done} of {record.total}" if record.total else ""
    with st.container(border=True):
        if state in ("queued", "running"):
            if state == "queued":
                st.caption(f"{record.label}: waiting for a free worker ({jobs.JOBS_AT_ONCE} jobs run at once).")
            else:
                fraction = record.done / record.total if record.total else 0.0
                st.progress(min(max(fraction, 0.0), 1.0), text=f"{record.label}: {record.step or 'starting…'}")
            st.caption("This goes on if you leave the page; pictures are kept as they are drawn.")
            if st.button("Cancel", key=f"{key}_job_cancel_{record.id}"):
                with _ui.shows_errors():
                    jobs.cancel(store, story_id, record.id)
                    st.rerun(scope="app")
            return
        if state == "interrupted":
            st.warning(
                f"{record.label} stopped at {counted or 'its start'}: the studio was restarted while it "
                "ran. What was finished is kept; Resume does only what is left."
            )
        elif state == "cancelled":
            st.info(f"{record.label} was cancelled{' at ' + counted if counted else ''}; what was finished is kept.")
        elif state == "failed":
            st.error(record.error or f"{record.label} failed.")
            capability = jobs.KINDS[record.kind].capability
            if record.error_kind == "ModelUnavailable" and capability:
                st.button(
                    f"Use the offline engine for the {capability} instead",
                    on_click=_ui.use_engine,
                    args=(capability, "offline"),
                    key=f"{key}_job_fallback_{record.id}",
                )
        else:
            st.success(f"{record.label}: done{' (' + counted + ')' if counted else ''}.")
        for notice in record.notices:
            st.warning(notice)
        resume, dismiss, _ = st.columns([1, 1, 3])
        if record.can_resume() and resume.button("Resume", key=f"{key}_job_resume_{record.id}", type="primary"):
            with _ui.shows_errors():
                if jobs.resume(store, store.load(story_id), record.id, tools()) is None:
                    st.toast("Nothing was left to do.")
                st.rerun(scope="app")
        if dismiss.button("Dismiss", key=f"{key}_job_dismiss_{record.id}"):
            with _ui.shows_errors():
                jobs.dismiss(store, story_id, record.id)
                st.rerun(scope="app")


def library_panel(titles: dict[str, str]) -> None:
    """The Library's "Running now": every job queued, running or interrupted of the stories listed
    (`titles`: id -> title), refreshing on its own while one runs."""
    found = jobs.running_in(_ui.store(), list(titles))
    if not found:
        return
    live = any(r.seen_state() in ("queued", "running") for records in found.values() for r in records)
    (_library_live if live else _library_still)(titles)


def _library(titles: dict[str, str]) -> None:
    store = _ui.store()
    found = jobs.running_in(store, list(titles))
    seen = tuple(sorted((r.id, r.seen_state()) for records in found.values() for r in records))
    before = st.session_state.get("library_jobs_seen")
    st.session_state["library_jobs_seen"] = seen
    if before is not None and before != seen:
        st.rerun(scope="app")  # a job ended: the list shows the story as it is now
    st.header("Running now")
    for story_id, records in found.items():
        st.markdown(f"**{_ui.literal(titles[story_id])}**")
        for record in records:
            _one(store, story_id, record, f"library_{story_id}")


_library_live = _nav.panel(_library, run_every=REFRESH_S)
_library_still = _nav.panel(_library)
