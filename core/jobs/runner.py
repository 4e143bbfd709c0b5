"""The studio process's job workers: a few threads, at the lowest CPU priority, that run every
person's queued jobs, and one heartbeat thread that keeps their records alive.

JOBS_AT_ONCE jobs run at once in one studio process (two: the machine this studio is made for has
two cores, and a local model is driven by one job at a time anyway, behind the model manager's
lock); every other job waits in one first-in, first-out queue shared by all people and stories of
the process. A job belongs to the process, not to the page run that started it: leaving the page,
switching pages, closing the tab or opening a second one changes nothing for it. The workers run
at `nice` 19 as `core.background` does for in-page steps, so quick page reruns are served first.

The same execution also runs on the caller's thread (`run_here`), for the command line: it
records the job the same way and hands the step's events to the caller as they come.

A worker is a process-wide thing like the model manager: one per process, made on first use,
shared by every session; it holds no person's data beyond the jobs it runs.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from core import studio
from core.background import lower_this_thread
from core.errors import StudioError
from core.jobs.records import HEARTBEAT_S, JobBook, JobRecord
from core.story import now

JOBS_AT_ONCE = 2
SAVE_EVERY_S = 1.0  # progress is written at most this often (and at every finished piece)
TEXT_EVERY_S = 0.5  # streamed text (`JobRecord.partial`) is written at most this often
WORKER = f"{socket.gethostname()}:{os.getpid()}"

log = logging.getLogger("visutale.jobs")


@dataclass
class Job:
    """A job this process runs: its record, the step it runs, and its cancel flag."""

    book: JobBook
    record: JobRecord
    make: Callable[[], Iterator[studio.Event]]
    cancel: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)  # one writer of the record at a time
    saved_at: float = 0.0
    raises: bool = False  # run here (the command line): its error is raised to the caller once recorded


class Runner:
    def __init__(self, at_once: int = JOBS_AT_ONCE) -> None:
        self.at_once = at_once
        self._queue: queue.Queue[Job] = queue.Queue()
        self._jobs: dict[str, Job] = {}  # queued and running here, by id
        self._lock = threading.Condition()
        self._threads: list[threading.Thread] = []
        self.submitted = 0  # jobs handed to the workers since the process started

    # --- what callers use -----------------------------------------------------------------

    def submit(self, job: Job) -> None:
        """Queue the job for a worker; returns at once."""
        with self._lock:
            self._jobs[job.record.id] = job
            self.submitted += 1
            self._start_threads()
        self._queue.put(job)

    def run_here(self, job: Job) -> Iterator[studio.Event]:
        """Run the job on the calling thread (the command line), yielding its events."""
        job.raises = True
        with self._lock:
            self._jobs[job.record.id] = job
            self._start_threads()
        yield from self._execute(job)

    def cancel_here(self, job_id: str) -> bool:
        """Stop a job this process runs at its next event (a queued one never starts). False
        when the job is not this process's."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            return False
        job.cancel.set()
        if job.record.state == "queued":  # it will never start: say so now, not when a worker is free
            self._close(job, "cancelled", None, None)
        return True

    def runs(self, job_id: str) -> bool:
        with self._lock:
            return job_id in self._jobs

    def wait_idle(self, timeout: float) -> bool:
        """Wait until this process runs no job (tests, benches); False when time ran out."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._jobs:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(min(left, 0.1))
        return True

    # --- the threads ----------------------------------------------------------------------

    def _start_threads(self) -> None:
        """Called under the lock: the workers and the heartbeat, on first use."""
        if self._threads:
            return
        for number in range(self.at_once):
            self._threads.append(threading.Thread(target=self._work, name=f"visutale-job-{number}", daemon=True))
        self._threads.append(threading.Thread(target=self._pulse, name="visutale-job-heartbeat", daemon=True))
        for thread in self._threads:
            thread.start()

    def _work(self) -> None:
        lower_this_thread()
        while True:
            job = self._queue.get()
            try:
                for _ in self._execute(job):
                    pass
            except BaseException:  # never lose a worker; _execute has recorded how the job ended
                log.exception("job %s ended badly", job.record.id)

    def _pulse(self) -> None:
        """Every HEARTBEAT_S: each job of this process says it is alive, and learns whether
        someone (another replica, the command line) asked to cancel it."""
        while True:
            time.sleep(HEARTBEAT_S)
            with self._lock:
                jobs = list(self._jobs.values())
            for job in jobs:
                try:
                    if job.book.cancel_asked(job.record.story, job.record.id):
                        job.cancel.set()
                    self._save(job, force=True)
                except Exception:  # a store out of reach for a moment: the next beat tries again
                    log.exception("heartbeat of job %s failed", job.record.id)

    # --- one job --------------------------------------------------------------------------

    def _save(self, job: Job, force: bool = False, every: float = SAVE_EVERY_S) -> None:
        with job.lock:
            if not force and time.monotonic() - job.saved_at < every:
                return
            if not job.book.story_exists(job.record.story):
                job.cancel.set()  # deleted while the job ran: stop, and write no record that would
                return  # bring its folder back
            job.record.heartbeat = now()
            job.book.write(job.record)
            job.saved_at = time.monotonic()

    def _execute(self, job: Job) -> Iterator[studio.Event]:
        record = job.record
        state, error, error_kind = "cancelled", None, None
        try:
            if job.cancel.is_set():
                return
            with job.lock:
                record.state, record.started, record.worker = "running", now(), WORKER
            self._save(job, force=True)
            events = job.make()
            try:
                for event in events:
                    finished_piece = self._note(record, event)
                    every = TEXT_EVERY_S if isinstance(event, studio.Token) else SAVE_EVERY_S
                    self._save(job, force=finished_piece, every=every)
                    yield event
                    if job.cancel.is_set():
                        break  # between two events: what was finished is saved already
            finally:
                events.close()
            state = "cancelled" if job.cancel.is_set() else "done"
        except StudioError as problem:
            state, error, error_kind = "failed", str(problem), type(problem).__name__
            if job.raises:
                raise
        except Exception as problem:  # a bug: said plainly, details in the log
            if not job.raises:  # the command line says it its own way
                log.exception("job %s (%s) failed", record.id, record.kind)
            state, error = "failed", f"{record.label} failed because of an error in the studio itself "
            error += f"({type(problem).__name__}); what was finished is kept. The details are in the studio's log."
            error_kind = type(problem).__name__
            if job.raises:
                raise
        except BaseException:  # the command line was interrupted (Ctrl-C): the job stops here
            state = "cancelled"
            raise
        finally:
            self._close(job, state, error, error_kind)

    @staticmethod
    def _note(record: JobRecord, event: studio.Event) -> bool:
        """Keep what the event says on the record; True when a piece was finished."""
        if isinstance(event, studio.Token):  # shown growing by the pages' jobs panel
            first = not record.partial
            record.partial += event.text
            return first  # the first words are written at once, the rest every TEXT_EVERY_S
        if isinstance(event, studio.Progress):
            finished = event.done != record.done
            record.done, record.total, record.step = event.done, event.total, event.label
            return finished
        if isinstance(event, studio.Notice):
            record.notices.append(event.text)
            return True
        return False

    def _close(self, job: Job, state: str, error: str | None, error_kind: str | None) -> None:
        record = job.record
        with job.lock:
            record.state, record.error, record.error_kind, record.finished = state, error, error_kind, now()
            record.partial = ""  # what was kept of the text is in the story now (a draft, a caption)
        try:
            self._save(job, force=True)
            job.book.mark_closed(record.story, record.id)
        except Exception:
            log.exception("the end of job %s could not be recorded", record.id)
        with self._lock:
            self._jobs.pop(record.id, None)
            self._lock.notify_all()


_runner: Runner | None = None
_runner_lock = threading.Lock()


def runner() -> Runner:
    """This process's one runner (made on first use)."""
    global _runner
    with _runner_lock:
        if _runner is None:
            _runner = Runner()
        return _runner
