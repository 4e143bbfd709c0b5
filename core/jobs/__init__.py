"""Long steps as jobs of the story: they outlive the page that started them.

A page (or the command line) that starts a long step (caption, draft, revise, enlarge, fit the
level, translate, pictures, upscale, narration, an export, a campaign's caption, copy, pictures and
exports: `kinds.KINDS`) starts a job: a small JSON record kept with the story in the data folder
(`core.jobs.records`), run by the studio process's workers (`core.jobs.runner`), not by the page's
run. The page returns at once; the person may leave, switch pages, close the tab or open a second
one, and the pictures keep landing, each saved the moment it is drawn (the steps save piece by
piece); a writer's words so far ride on the record (`JobRecord.partial`), so every page shows the
draft growing. Every page that runs steps, and the Library, read the story's jobs back from the
data folder and show their progress, so a second tab, a second person or a second studio replica
on the same bucket sees the same job.

A job whose process stopped (a restart, a crash) stops sending heartbeats; after STALE_S it is
shown as interrupted and offers Resume, which starts a new job for what is left (`kinds.Kind.left`:
the missing pictures only; a caption or draft is made again). A job's state is read, never
guessed from memory: "interrupted" is what a stale heartbeat reads as, so nothing has to run at
start-up to find them.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

from core import studio
from core.errors import InputError
from core.jobs.kinds import KINDS, Tools
from core.jobs.records import ACTIVE, HEARTBEAT_S, STALE_S, JobBook, JobRecord
from core.jobs.runner import JOBS_AT_ONCE, WORKER, Job, runner
from core.people.spaces import Level
from core.storage.store import Store
from core.story import Story, now

__all__ = [
    "HEARTBEAT_S",
    "JOBS_AT_ONCE",
    "KINDS",
    "STALE_S",
    "JobRecord",
    "Tools",
    "cancel",
    "dismiss",
    "follow",
    "of_story",
    "resume",
    "running_in",
    "shown",
    "start",
    "wait",
]

SHOWN = 4  # jobs a page shows at most: the newest


def _new(store: Store, story: Story, kind: str, params: dict, label: str | None, resumes: str | None, make) -> Job:
    """Record a new job (queued) and return it, to be run by `make` on a worker or here."""
    if kind not in KINDS:
        raise InputError(f"Unknown kind of job '{kind}'.")
    store.check_access(story.id, Level.EDIT)  # a reader is told at once, before anything is queued
    book = JobBook(store)
    record = JobRecord(
        id=secrets.token_hex(8),
        story=story.id,
        kind=kind,
        label=label or KINDS[kind].label,
        params=params,
        who=store.person.id,
        worker=WORKER,
        resumes=resumes,
    )
    book.write(record)
    book.mark_active(story.id, record.id)
    book.prune(story.id)
    return Job(book, record, make=make)


def start(
    store: Store,
    story: Story,
    kind: str,
    params: dict,
    tools: Tools,
    *,
    label: str | None = None,
    resumes: str | None = None,
) -> JobRecord:
    """Queue a job on this process's workers and return its record at once.

    The same job asked again while it is queued or running (a double click, a second tab) is not
    started twice: its record is returned."""
    for record in of_story(store, story.id):
        if record.kind == kind and record.params == params and record.seen_state() in ACTIVE:
            return record
    story_id, step = story.id, KINDS[kind].events
    job = _new(
        store, story, kind, params, label, resumes, lambda: step(store, store.load(story_id), tools, params)
    )  # the newest story, loaded on the worker
    runner().submit(job)
    return job.record


def follow(
    store: Store, story: Story, kind: str, params: dict, tools: Tools, *, label: str | None = None
) -> Iterator[studio.Event]:
    """Run a job on the calling thread (the command line): recorded like any job, so the Library
    and other replicas see it and a killed process leaves it interrupted, resumable. `story` is
    changed in place, as by the step itself."""
    job = _new(store, story, kind, params, label, None, lambda: KINDS[kind].events(store, story, tools, params))
    return runner().run_here(job)


def of_story(store: Store, story_id: str) -> list[JobRecord]:
    """Every job kept for the story, newest first."""
    return JobBook(store).of_story(story_id)


def shown(store: Store, story_id: str) -> list[JobRecord]:
    """The jobs a page shows: running, queued, interrupted, and ended ones nobody dismissed."""
    return [r for r in of_story(store, story_id) if not r.dismissed and r.resumed_by is None][:SHOWN]


def running_in(store: Store, story_ids: list[str]) -> dict[str, list[JobRecord]]:
    """For the Library: the queued, running and interrupted jobs of these stories (one listing of
    the data folder's job index, then only the stories that have one)."""
    book = JobBook(store)
    found = {}
    for story_id in book.stories_with_jobs() & set(story_ids):
        live = [r for r in book.of_story(story_id) if r.seen_state() in (*ACTIVE, "interrupted") and not r.resumed_by]
        if live:
            found[story_id] = live
    return found


def cancel(store: Store, story_id: str, job_id: str) -> JobRecord:
    """Stop the job at its next event (what it finished is kept). A job this process runs stops
    at once; one another process runs stops at that process's next heartbeat; an interrupted one
    (nobody runs it) is closed here."""
    store.check_access(story_id, Level.EDIT)
    book = JobBook(store)
    record = book.read(story_id, job_id)
    state = record.seen_state()
    if state == "interrupted":
        _close(book, record, "cancelled")
    elif state in ACTIVE and not runner().cancel_here(job_id):
        book.ask_cancel(story_id, job_id)
    return record


def resume(
    store: Store, story: Story, job_id: str, tools: Tools, *, here: bool = False
) -> JobRecord | Iterator[studio.Event] | None:
    """Finish an interrupted, cancelled or failed job: a new job for what is left (None when
    nothing is). With `here`, run it on the calling thread and return its events."""
    store.check_access(story.id, Level.EDIT)
    book = JobBook(store)
    old = book.read(story.id, job_id)
    if not old.can_resume():
        raise InputError("This job is still running or was finished: there is nothing to resume.")
    params = KINDS[old.kind].left(store.load(story.id), old)
    if params is None:
        _close(book, old, "done" if old.seen_state() == "interrupted" else old.state, resumed_by="")
        return None
    if here:
        job = _new(
            store,
            story,
            old.kind,
            params,
            old.label,
            old.id,
            lambda: KINDS[old.kind].events(store, story, tools, params),
        )
        _close(book, old, None, resumed_by=job.record.id)
        return runner().run_here(job)
    new = start(store, story, old.kind, params, tools, label=old.label, resumes=old.id)
    _close(book, old, None, resumed_by=new.id)
    return new


def dismiss(store: Store, story_id: str, job_id: str) -> None:
    """The person read how the job ended: pages stop showing it."""
    store.check_access(story_id, Level.EDIT)
    book = JobBook(store)
    record = book.read(story_id, job_id)
    if record.seen_state() in ACTIVE:
        raise InputError("The job is still running: cancel it first.")
    if record.seen_state() == "interrupted":
        _close(book, record, "cancelled")
        record = book.read(story_id, job_id)
    record.dismissed = True
    book.write(record)


def _close(book: JobBook, record: JobRecord, state: str | None, resumed_by: str | None = None) -> None:
    """Close a job nobody runs any more (interrupted or ended): only then is its record written here."""
    record.state = state or record.seen_state()
    if record.finished is None:
        record.finished = now()
    if resumed_by is not None:
        record.resumed_by = resumed_by or "nothing left"
    book.write(record)
    book.mark_closed(record.story, record.id)


def wait(timeout: float = 60.0) -> bool:
    """Wait until this process runs no job (tests, benches and the command line's `--wait`)."""
    return runner().wait_idle(timeout)
