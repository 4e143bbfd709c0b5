"""The story's jobs, on every page that starts them and in the Library: progress that refreshes
on its own, Cancel, Resume, and how each job ended. The work is `core.jobs`.

A page that starts a job returns at once (`start`): the job runs on the studio's workers, so the
sidebar answers while pictures are drawn or a story is written, and the person may leave and come
back. The panel is a fragment: while a job of the story is queued or running it reruns every
REFRESH_S on its own (TEXT_REFRESH_S while a writer streams, so its text is seen growing), and it
reruns the whole page when a job finished a piece, so the page shows what landed.
"""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from core import jobs
from core.story import now
from pages import _nav, _ui

REFRESH_S = 1.0
TEXT_REFRESH_S = 0.5  # as often as a job saves its streamed text (`core.jobs.runner.TEXT_EVERY_S`)
DONE_SHOWN = timedelta(minutes=2)  # a job that ended well, with nothing to say, is shown this long


def tools() -> jobs.Tools:
    """The engines and publisher of this browser session, for a job it starts or resumes."""
    return jobs.Tools(_ui.settings(), _ui.publisher())


def start(story, kind: str, params: dict, *, label: str | None = None, rerun: bool = True) -> None:
    """Start a job and show it (the page does not wait for the job); without `rerun` the caller
    goes on (to open another page, say)."""
    with _ui.shows_errors():
        jobs.start(_ui.store(), story, kind, params, tools(), label=label)
        if rerun:
            st.rerun()


def panel(story, *, key: str, kinds: tuple[str, ...] | None = None) -> bool:
    """The story's jobs; True while one is queued or running, of `kinds` when given (a page may
    hold back the buttons of the steps that job is doing)."""
    records = jobs.shown(_ui.store(), story.id)
    live = [r for r in records if r.seen_state() in ("queued", "running")]
    if any(jobs.KINDS[r.kind].streams for r in live if r.kind in jobs.KINDS):
        _streaming(story.id, key, kinds)
    else:
        (_live if live else _still)(story.id, key, kinds)
    return any(kinds is None or r.kind in kinds for r in live)


def running(story_id: str, kind: str) -> bool:
    """Whether a job of this kind is queued or running for the story (a panel refreshes meanwhile)."""
    return any(r.kind == kind and r.seen_state() in ("queued", "running") for r in jobs.shown(_ui.store(), story_id))


def _jobs(story_id: str, key: str, kinds: tuple[str, ...] | None = None) -> None:
    store = _ui.store()
    records = [r for r in jobs.shown(store, story_id) if _worth_showing(r, kinds)]
    seen = tuple((r.id, r.seen_state(), r.done) for r in records)
    before = st.session_state.get(f"{key}_jobs_seen")
    st.session_state[f"{key}_jobs_seen"] = seen
    if before is not None and before != seen:
        st.rerun(scope="app")  # a piece landed or a job ended: the whole page shows it
    for record in records:
        _one(store, story_id, record, key)


_live = _nav.panel(_jobs, run_every=REFRESH_S)
_streaming = _nav.panel(_jobs, run_every=TEXT_REFRESH_S)
_still = _nav.panel(_jobs)


def _worth_showing(record: jobs.JobRecord, kinds: tuple[str, ...] | None = None) -> bool:
    """Running, stopped or failed jobs show on every page; one that ended well shows, for a while,
    on the page whose step it was (`kinds`; every page when None), so pages do not fill with
    "done" from elsewhere."""
    if record.seen_state() != "done":
        return True
    if kinds is not None and record.kind not in kinds:
        return False
    return bool(record.notices) or (record.finished is not None and now() - record.finished < DONE_SHOWN)


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
            if record.partial:  # the writer's words so far, escaped: shown, never interpreted
                st.markdown(_ui.literal(record.partial))
            st.caption("This goes on if you leave the page; what it finishes is kept at once.")
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
                    on_click=_fall_back,
                    args=(store, story_id, record.id, capability),
                    key=f"{key}_job_fallback_{record.id}",
                )
        else:
            st.success(f"{record.label}: done{' (' + counted + ')' if counted else ''}.")
        for notice in record.notices:
            st.warning(notice)
        resumable = record.can_resume()
        first, second, _ = st.columns([1, 1, 3])
        resume, dismiss = (first, second) if resumable else (None, first)  # no gap where Resume is not
        if resumable and resume.button("Resume", key=f"{key}_job_resume_{record.id}", type="primary"):
            with _ui.shows_errors():
                if jobs.resume(store, store.load(story_id), record.id, tools()) is None:
                    st.toast("Nothing was left to do.")
                st.rerun(scope="app")
        if dismiss.button("Dismiss", key=f"{key}_job_dismiss_{record.id}"):
            with _ui.shows_errors():
                jobs.dismiss(store, story_id, record.id)
                st.rerun(scope="app")


def _fall_back(store, story_id: str, job_id: str, capability: str) -> None:
    """The button's callback: the offline engine for this browser session, and the failure read."""
    _ui.use_engine(capability, "offline")
    with _ui.shows_errors():
        jobs.dismiss(store, story_id, job_id)


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
