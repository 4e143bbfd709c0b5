"""What the data folder keeps of a job: one small JSON record per job, beside the story it works on.

Layout under the data folder (the same on a local folder and on S3):

    stories/<id>/jobs/<job>.json     the record: kind, state, progress, who, when, heartbeat
    stories/<id>/jobs/<job>.cancel   present once someone asked to cancel the job
    jobs/<story id>.<job>            a marker while the job is queued, running or interrupted, so
                                     the Library finds every story's running jobs in one listing

A record is written only by the process that runs the job (its heartbeat and progress), and by
whoever closes a job nobody runs any more (an interrupted one, cancelled or resumed). Cancelling a
running job writes the `.cancel` object instead, which the running process reads at its next
heartbeat: two writers never race on one record, on a folder or on an object store. Every replica
and every process reading the data folder sees the same jobs: the record is the truth, not memory.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import Field, ValidationError

from core.errors import InputError
from core.people.spaces import Level
from core.storage.store import Store, StoryNotFound
from core.story import STORY_ID, Model, now

JOB_ID = re.compile(r"^[0-9a-f]{16}$")
HEARTBEAT_S = 5.0  # how often a running (or queued) job says it is alive
STALE_S = 30.0  # a job silent for this long lost its process (a restart, a crash): interrupted
KEEP_ENDED = 8  # finished jobs kept per story (the newest), for their messages and resumes: few, as pages read them all

State = Literal["queued", "running", "done", "failed", "cancelled", "interrupted"]
ACTIVE = ("queued", "running")


class JobRecord(Model):
    """One long step of one story, as the data folder keeps it."""

    id: str
    story: str
    kind: str  # a key of `core.jobs.kinds.KINDS`
    label: str  # what the person sees ("Drawing 8 pictures")
    params: dict[str, Any] = Field(default_factory=dict)  # what to do, in JSON: ids, numbers, never keys
    state: State = "queued"
    done: int = 0
    total: int = 0
    step: str = ""  # the newest progress line ("Scene 3 of 8 drawn")
    partial: str = ""  # the text streamed so far (a caption, a draft), while the job runs; the result is the story's
    notices: list[str] = Field(default_factory=list)
    error: str | None = None
    error_kind: str | None = None  # the error's class name: a page offers the offline engine for ModelUnavailable
    who: str = ""  # the person who started it
    worker: str = ""  # host:pid of the process that runs it
    created: datetime = Field(default_factory=now)
    started: datetime | None = None
    finished: datetime | None = None
    heartbeat: datetime = Field(default_factory=now)
    resumes: str | None = None  # the interrupted job this one finishes
    resumed_by: str | None = None
    dismissed: bool = False  # the person read how it ended

    def seen_state(self, at: datetime | None = None) -> State:
        """The state as it is: a queued or running job whose heartbeat stopped is interrupted."""
        if self.state in ACTIVE and (at or now()) - self.heartbeat > timedelta(seconds=STALE_S):
            return "interrupted"
        return self.state

    def can_resume(self) -> bool:
        return self.seen_state() in ("interrupted", "cancelled", "failed") and self.resumed_by is None


class JobBook:
    """The job records of the stories a store's person may see."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.data = store.data

    # --- keys -----------------------------------------------------------------------------

    @staticmethod
    def _checked(story_id: str, job_id: str | None = None) -> None:
        if not isinstance(story_id, str) or not STORY_ID.match(story_id):
            raise StoryNotFound()
        if job_id is not None and (not isinstance(job_id, str) or not JOB_ID.match(job_id)):
            raise InputError("There is no such job for this story.")

    def _key(self, story_id: str, job_id: str, ending: str = "json") -> str:
        self._checked(story_id, job_id)
        return f"stories/{story_id}/jobs/{job_id}.{ending}"

    @staticmethod
    def _marker(story_id: str, job_id: str) -> str:
        return f"jobs/{story_id}.{job_id}"

    # --- records --------------------------------------------------------------------------

    def story_exists(self, story_id: str) -> bool:
        self._checked(story_id)
        return self.data.exists(f"stories/{story_id}/story.json")

    def write(self, record: JobRecord) -> None:
        """Save the record (access was asked when the job was started or closed)."""
        self.data.write(self._key(record.story, record.id), record.model_dump_json().encode())

    def read(self, story_id: str, job_id: str) -> JobRecord:
        self.store.check_access(story_id, Level.VIEW)
        key = self._key(story_id, job_id)
        try:
            return JobRecord.model_validate_json(self.data.read(key))
        except (FileNotFoundError, ValidationError, ValueError):
            raise InputError("There is no such job for this story.") from None

    def of_story(self, story_id: str) -> list[JobRecord]:
        """The story's jobs, newest first (unreadable records are skipped)."""
        self._checked(story_id)
        self.store.check_access(story_id, Level.VIEW)
        folder = f"stories/{story_id}/jobs"
        if not self.data.is_folder(folder):
            return []
        records = []
        for name in self.data.names(folder):
            if name.endswith(".json") and JOB_ID.match(name[:-5]):
                try:
                    records.append(JobRecord.model_validate_json(self.data.read(f"{folder}/{name}")))
                except (FileNotFoundError, ValidationError, ValueError):
                    continue
        return sorted(records, key=lambda r: r.created, reverse=True)

    def prune(self, story_id: str) -> None:
        """Forget the oldest ended jobs beyond KEEP_ENDED (an interrupted one stays until closed)."""
        ended = [r for r in self.of_story(story_id) if r.seen_state() not in (*ACTIVE, "interrupted")]
        for old in ended[KEEP_ENDED:]:
            self.data.remove(self._key(story_id, old.id))
            if self.data.exists(self._key(story_id, old.id, "cancel")):
                self.data.remove(self._key(story_id, old.id, "cancel"))

    # --- cancel requests and the index of active jobs --------------------------------------

    def ask_cancel(self, story_id: str, job_id: str) -> None:
        self.data.write(self._key(story_id, job_id, "cancel"), b"cancel")

    def cancel_asked(self, story_id: str, job_id: str) -> bool:
        return self.data.exists(self._key(story_id, job_id, "cancel"))

    def mark_active(self, story_id: str, job_id: str) -> None:
        self.data.write(self._marker(story_id, job_id), b"")

    def mark_closed(self, story_id: str, job_id: str) -> None:
        marker = self._marker(story_id, job_id)
        if self.data.exists(marker):
            self.data.remove(marker)

    def stories_with_jobs(self) -> set[str]:
        """Stories that have a job queued, running or interrupted (one listing of `jobs/`)."""
        if not self.data.is_folder("jobs"):
            return set()
        found = set()
        for name in self.data.names("jobs"):
            story_id, _, job_id = name.partition(".")
            if STORY_ID.match(story_id) and JOB_ID.match(job_id):
                found.add(story_id)
        return found
