"""Many people at once (issue 10): N concurrent sessions each make a 4-page book as N people.

Run: .venv/bin/python bench/sessions.py [--sessions 30] [--processes N] [--size 512] [--think 0]

Each session is a Streamlit AppTest of the real app (Home.py and its pages). By default every
session has a worker process of its own, all sharing one data folder (as studio server processes
behind one address would), so 30 sessions compete for the CPUs as 30 live reruns would. AppTest
swaps process-wide Streamlit state around each run (its mock runtime, st.secrets), so sessions
that share a process (`--processes` below `--sessions`) take turns: only their runs are timed,
not the turns they wait. The studio runs as a hosted one with only the
access password set, so each session is a different person: its own private space link
(`?space=`), typed password, then photo -> caption -> 4-page draft -> 4 pictures -> PDF on the
offline engine, then the Library.

It prints how many sessions completed (goal: all), whether anything was mixed (each person's
Library lists exactly their own story, and every entry of its history names that person) or lost
(each story on disk has 4 pages, 4 chosen pictures and a PDF), and the page rerun times: a *page*
rerun is a page switch or a widget change, a *step* rerun is one that runs a studio step (caption,
draft, pictures, PDF); the goal is a p95 page rerun under 300 ms while all sessions are active on a
2-core machine. Beside it, the wait for a book: each step rerun (p50/p95) and a whole book per
session, and the lock waits: how many runs waited for another session of the same process, and for
how long (each rerun's time is printed both without and with that wait, as a person feels it). With
`--think 0` (the default) every session acts again the moment its page is back, the worst case;
`--think S` waits about S seconds between actions, as a person reading the page would. It
measures and prints; it does not pass or fail.

It measures the app's own work under contention, not websocket or browser time. Each worker
imports the studio and runs one warm-up session before all of them start together.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

from core.people.access import as_person

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PHOTO = ROOT / "assets" / "samples" / "chelsea.jpg"
PASSWORD = "bench-password"
PAGES = 4
_ONE_RUN_AT_A_TIME = threading.Lock()  # AppTest's process-wide state allows one run per process


def link_key(index: int) -> str:
    """Session `index`'s private space key: fixed, so the checker knows who each person is."""
    return hashlib.sha256(f"bench session {index}".encode()).hexdigest()[:32]


class Session:
    """One browser session: an AppTest whose every run is timed and labelled page or step."""

    def __init__(self, index: int, think: float = 0.0) -> None:
        from streamlit.testing.v1 import AppTest

        self.index, self.think, self.pause = index, think, random.Random(index)
        self.at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=600)
        self.at.query_params["space"] = link_key(index)
        # (started, seconds, "page" | "step" | "job" | "first", what, seconds waited for the process's lock first)
        self.runs: list[tuple[float, float, str, str, float]] = []

    def _timed(self, kind: str, action, what: str = "") -> None:
        asked = time.perf_counter()
        with _ONE_RUN_AT_A_TIME:
            waited = time.perf_counter() - asked  # another session of this process was running
            started = time.time()
            t0 = time.perf_counter()
            action()
            self.runs.append((started, time.perf_counter() - t0, kind, what, waited))
        time.sleep(self.think * self.pause.uniform(0.5, 1.5))  # reading the page: not timed
        if self.at.exception:
            raise RuntimeError(f"the app raised: {self.at.exception[0].value}")
        if self.at.error:
            raise RuntimeError(f"the page said: {self.at.error[0].value}")

    def page(self, path: str) -> None:
        self._timed("page", lambda: self.at.switch_page(path).run(), f"open {Path(path).stem}")

    def click(self, label: str, kind: str = "step") -> None:
        buttons = [b for b in self.at.button if b.label == label]
        if not buttons:
            raise RuntimeError(f"no button {label!r} (buttons: {[b.label for b in self.at.button]})")
        self._timed(kind, lambda: buttons[0].click().run(), label)
        if kind == "step":
            self._until_jobs_end(label)

    def _until_jobs_end(self, label: str) -> None:
        """A step's click returns at once and its job runs on the process's workers (`core.jobs`):
        wait for the story's jobs to end (timed as a "job", outside the process's lock: the
        other sessions' reruns go on meanwhile), then rerun the page to show what landed."""
        from core import jobs
        from core.jobs.records import ACTIVE
        from core.people.spaces import Person
        from core.settings import load_settings
        from core.storage.datadir import data_dir_of
        from core.storage.store import Store

        story_id = self.at.session_state["story_id"] if "story_id" in self.at.session_state else None
        if story_id is None:
            return
        store = as_person(Store(data_dir_of(load_settings())), Person.from_link(link_key(self.index)))
        started, t0 = time.time(), time.perf_counter()
        while any(r.seen_state() in ACTIVE for r in jobs.of_story(store, story_id)):
            time.sleep(0.05)
        self.runs.append((started, time.perf_counter() - t0, "job", f"{label} (its job)", 0.0))
        self._timed("page", self.at.run, f"{label} landed")

    def make_book(self, photo: bytes) -> str:
        at = self.at
        self._timed("first", at.run, "password box")  # a session's first run: AppTest's own setup too
        self._timed("page", lambda: at.text_input(key="home_password").set_value(PASSWORD).run(), "password typed")
        self._timed(
            "page", lambda: at.file_uploader[0].set_value(("chelsea.jpg", photo, "image/jpeg")).run(), "photo chosen"
        )
        self.click("Start a story with this photo")
        story_id = at.session_state["story_id"]
        self.page("pages/caption.py")
        self.click("Describe the photo")
        self.page("pages/story_settings.py")
        at.slider[0].set_value(PAGES)  # inside the settings form: sent with its button
        self.click("Save settings", kind="page")
        self.page("pages/draft.py")
        self.click("Write the story")
        self.page("pages/pictures.py")
        self.click(f"Draw the {PAGES} missing pictures")
        self.page("pages/export.py")
        self.click("Make the PDF")
        self.page("pages/library.py")
        self.page("pages/draft.py")
        return story_id


def warm_up(ready: Path, workers: int) -> None:
    """Import the studio and run one throwaway session (no story), then wait until every worker
    is ready, so the timed runs start together and none of them pays for imports."""
    import core.export.pdf  # noqa: F401
    import core.studio  # noqa: F401
    import pages._ui  # noqa: F401

    Session(-1).at.run()
    (ready / str(os.getpid())).touch()
    while len(list(ready.iterdir())) < workers:
        time.sleep(0.05)


def worker(indices: list[int], ready: Path, workers: int, think: float) -> list[dict]:
    """Run the sessions `indices` in threads, all starting together; one result each."""
    photo = PHOTO.read_bytes()
    results: list[dict] = [{} for _ in indices]
    warm_up(ready, workers)

    def run(slot: int, index: int) -> None:
        result = results[slot]
        result["index"] = index
        session = None
        try:
            session = Session(index, think)
            result["began"] = time.time()
            result["story"] = session.make_book(photo)
        except Exception as error:  # a failed session is a figure, not a crash of the bench
            result["error"] = f"{type(error).__name__}: {error}"
            result["trace"] = traceback.format_exc(limit=3)
        result["ended"] = time.time()
        result["runs"] = session.runs if session else []

    threads = [threading.Thread(target=run, args=(slot, index)) for slot, index in enumerate(indices)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def check(data_dir: Path, results: list[dict]) -> tuple[list[str], list[str]]:
    """(mixed, lost): what any person sees that is not theirs, and what is missing from a story."""
    from core.people.spaces import Person
    from core.storage.store import Store

    mixed, lost = [], []
    store = Store(data_dir)
    for result in results:
        if "story" not in result:
            continue
        person = Person.from_link(link_key(result["index"]))
        mine = as_person(store, person)
        listed = [s.id for s in mine.list()]
        if listed != [result["story"]]:
            mixed.append(f"session {result['index']} lists {listed}, made {result['story']}")
            continue
        story = mine.load(result["story"])
        pictures = len(list(story.pictured_pages()))
        pages = len(story.draft.pages) if story.draft else 0
        if pages != PAGES or pictures != PAGES or not story.exports:
            lost.append(f"session {result['index']}: {pages} pages, {pictures} pictures, {len(story.exports)} PDFs")
        strangers = {e.person for e in mine.history(story.id)} - {person.id}
        if strangers:
            mixed.append(f"session {result['index']}: history names {sorted(strangers)}")
    made = {r["story"] for r in results if "story" in r}
    on_disk = {s.id for s in store.list()}
    if on_disk != made:
        lost.append(f"stories on disk {len(on_disk)}, made {len(made)}")
    return mixed, lost


def p95(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=20, method="inclusive")[18]
        if len(values) >= 2
        else (values[0] if values else 0.0)
    )


def report(results: list[dict], data_dir: Path, wall: float) -> None:
    total = len(results)
    done = [r for r in results if "story" in r]
    print(f"completed: {len(done)} of {total} sessions in {wall:.1f} s")
    for r in results:
        if "error" in r:
            print(f"  session {r['index']} failed: {r['error']}")
    mixed, lost = check(data_dir, results)
    print(f"mixed: {len(mixed)}  {'; '.join(mixed[:5])}")
    print(f"lost: {len(lost)}  {'; '.join(lost[:5])}")
    spans = [(r["began"], r["ended"]) for r in results if "began" in r]
    runs = [run for r in results for run in r["runs"]]

    def active(at: float) -> int:
        return sum(1 for began, ended in spans if began <= at <= ended)

    for kind in ("page", "step", "job"):  # "first" (AppTest's setup) is only in the table below
        times = [seconds * 1000 for started, seconds, k, *_ in runs if k == kind]
        felt = [(seconds + waited) * 1000 for _, seconds, k, _, waited in runs if k == kind]
        busy = [seconds * 1000 for started, seconds, k, *_ in runs if k == kind and active(started) == total]
        if times:
            print(
                f"{kind} reruns: {len(times)}, median {statistics.median(times):.0f} ms, p95 {p95(times):.0f} ms, "
                f"max {max(times):.0f} ms; as the person waits (the process's lock too): "
                f"median {statistics.median(felt):.0f} ms, p95 {p95(felt):.0f} ms"
            )
        if busy:
            print(
                f"{kind} reruns with all {total} sessions active: {len(busy)}, "
                f"median {statistics.median(busy):.0f} ms, p95 {p95(busy):.0f} ms"
                + (" (goal < 300 ms)" if kind == "page" else "")
            )
    waits = [waited for *_, waited in runs]
    waited = [w for w in waits if w > 0.001]
    per_session = [sum(run[4] for run in r["runs"]) for r in results if r["runs"]]
    print(
        f"lock waits (a session waiting for another of its process): {len(waited)} of {len(waits)} runs, "
        f"{sum(waited):.1f} s in all, p95 {p95(waited) * 1000 if waited else 0:.0f} ms, "
        f"per session median {statistics.median(per_session) if per_session else 0:.1f} s"
        + ("" if waited else " (one session a process: nobody waits)")
    )
    steps = []  # each step as the person waits for it: its click's rerun, then its job
    for r in results:
        for _, seconds, k, _, waited in r["runs"]:
            if k == "step":
                steps.append(seconds + waited)
            elif k == "job" and steps:
                steps[-1] += seconds
    books = [r["ended"] - r["began"] for r in done]
    if steps:
        print(
            f"the wait for a book, step by step (caption, draft, pictures, PDF; lock waits included): "
            f"p50 {statistics.median(steps):.1f} s, p95 {p95(steps):.1f} s"
        )
    if books:
        print(f"the wait for a whole book (a session's first run to its last): p50 {statistics.median(books):.1f} s, "
              f"p95 {p95(books):.1f} s")  # fmt: skip
    print("each rerun, all sessions together: median / p95 ms (run only), p95 ms with the lock wait")
    for what in dict.fromkeys(w for _, _, _, w, _ in runs):
        times = [seconds * 1000 for _, seconds, _, w, _ in runs if w == what]
        felt = [(seconds + waited) * 1000 for _, seconds, _, w, waited in runs if w == what]
        print(f"  {what:32} {statistics.median(times):6.0f} {p95(times):6.0f} {p95(felt):8.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--processes", type=int, help="worker processes sharing the data folder (one per session)")
    parser.add_argument("--size", type=int, default=512, help="the long side of each picture (offline engine)")
    parser.add_argument("--think", type=float, default=0.0, help="seconds a person reads between actions")
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # "index,index,...:ready folder:workers"
    args = parser.parse_args()
    if args.worker:
        indices, ready, workers = args.worker.split(":")
        print(json.dumps(worker([int(i) for i in indices.split(",")], Path(ready), int(workers), args.think)))
        return

    data = Path(tempfile.mkdtemp(prefix="visutale-sessions-"))
    env = {
        **os.environ,
        "VISUTALE_DATA_DIR": str(data / "data"),
        "VISUTALE_STATIC_DIR": str(data / "static"),
        "VISUTALE_ACCESS_PASSWORD": PASSWORD,
        "VISUTALE_ILLUSTRATOR_SIZE": str(args.size),
    }
    print(
        f"{args.sessions} sessions over {args.processes or args.sessions} processes sharing {data / 'data'}; "
        f"{PAGES}-page books, {args.size}-px pictures, offline engine, {os.cpu_count()} CPUs, "
        f"{args.think:g} s between actions"
    )
    processes = max(1, min(args.processes or args.sessions, args.sessions))
    groups = [list(range(args.sessions))[k::processes] for k in range(processes)]
    ready = data / "ready"
    ready.mkdir()
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                f"--think={args.think}",
                "--worker",
                f"{','.join(map(str, group))}:{ready}:{processes}",
            ],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for group in groups
    ]
    results = []
    for process in workers:
        out, _ = process.communicate()
        results += json.loads(out.strip().splitlines()[-1]) if process.returncode == 0 else []
    if len(results) < args.sessions:
        print(f"a worker process failed: {args.sessions - len(results)} sessions gave no result")
    began = [r["began"] for r in results if "began" in r]
    wall = max(r["ended"] for r in results) - min(began) if began else 0.0
    try:
        report(sorted(results, key=lambda r: r["index"]), data / "data", wall)
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
