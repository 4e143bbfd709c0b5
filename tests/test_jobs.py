"""Long steps as jobs of the story (issue 22): they outlive the page that started them.

The illustrator here draws a picture only when the test lets it (`GatedIllustrator`), so a test
knows exactly where a job is without sleeping: "the page returned while the job was waiting for
its first picture" is a fact, not a timing.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from PIL import Image

from core import jobs, providers, studio
from core.errors import InputError
from core.jobs.records import JobBook, JobRecord
from core.jobs.runner import runner
from core.offline.writer import OfflineWriter
from core.people.access import as_person
from core.providers.base import Picture, Step
from core.settings import load_settings
from core.storage.store import Store
from core.story import now
from tests.test_app_flow import _app, _page
from tests.test_cli import cli  # noqa: F401  (the command line, in this process)
from tests.test_store_s3 import BUCKET, endpoint  # noqa: F401  (an S3 server on 127.0.0.1)
from tests.test_store_s3 import options as s3_options

WAIT = 60  # the most a test waits for a job it released (it ends long before)


class GatedIllustrator:
    """Draws one picture per permit the test gives (`allow`); records every job it was asked."""

    engine, model = "scripted", "gated"

    def __init__(self) -> None:
        self.permits = threading.Semaphore(0)
        self.asked: list[str] = []
        self.waiting = threading.Event()  # set while it waits for a permit

    def allow(self, pictures: int = 1) -> None:
        for _ in range(pictures):
            self.permits.release()

    def size_for(self, aspect: str) -> tuple[int, int]:
        return (48, 64)

    def params(self) -> dict:
        return {"kind": "gated"}

    def generate(self, image_jobs):
        for index, job in enumerate(image_jobs):
            self.waiting.set()
            if not self.permits.acquire(timeout=WAIT):
                raise TimeoutError("the test never let this picture be drawn")
            self.waiting.clear()
            self.asked.append(job.prompt)
            yield Step(index, 1, 1)  # as real engines do while they draw: the job may stop here
            yield Picture(index, Image.new("RGB", (job.width, job.height), (job.seed % 256, 40, 99)))


@pytest.fixture
def gate(monkeypatch) -> GatedIllustrator:
    illustrator = GatedIllustrator()
    monkeypatch.setattr(providers, "illustrator_for", lambda settings: illustrator)
    yield illustrator
    illustrator.allow(100)  # nothing stays blocked after the test
    runner().wait_idle(WAIT)


def _drafted(store: Store, cat_bytes: bytes, pages: int):
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger cat on a red rug.")
    studio.update_settings(store, story, pages=pages)
    list(studio.write_draft(store, story, OfflineWriter()))
    return story


def _tools() -> jobs.Tools:
    return jobs.Tools(load_settings())


def _pictured(store: Store, story_id: str) -> int:
    return len(store.load(story_id).pictured_pages())


def _until(check, what: str) -> None:
    """Wait for something a job does after the test released it (not a timing assertion)."""
    deadline = time.monotonic() + WAIT
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def test_a_job_keeps_drawing_after_the_page_session_that_started_it_is_gone(store, cat_bytes, gate) -> None:
    story = _drafted(store, cat_bytes, 3)
    at = _app()
    at.query_params["story"] = story.id
    at.run()
    _page(at, "pages/pictures.py")
    at.button(key="pictures_missing").click().run()  # returns although not one picture may be drawn yet
    assert not at.exception, at.exception
    (record,) = jobs.of_story(store, story.id)
    assert record.kind == "pictures" and record.seen_state() in ("queued", "running")
    assert _pictured(store, story.id) == 0
    assert any("Drawing pictures" in (p.proto.text or "") for p in at.get("progress")) or any(
        "Drawing pictures" in c.value for c in at.caption
    )

    del at  # the person closed the tab: the session and its page run are gone
    gate.allow(1)
    _until(lambda: _pictured(store, story.id) == 1, "the first picture landed")  # kept at once
    gate.allow(2)
    assert runner().wait_idle(WAIT)
    assert _pictured(store, story.id) == 3
    (record,) = jobs.of_story(store, story.id)
    assert record.state == "done" and (record.done, record.total) == (3, 3)


def test_a_page_rerun_and_a_page_switch_do_not_wait_for_a_running_job(store, cat_bytes, gate) -> None:
    story = _drafted(store, cat_bytes, 2)
    at = _app()
    at.query_params["story"] = story.id
    at.run()
    _page(at, "pages/pictures.py")
    at.button(key="pictures_missing").click().run()
    gate.waiting.wait(WAIT)  # the job is now blocked inside the illustrator, on its first picture
    at.run()  # a rerun of the page: it would never return if it waited for the blocked job
    assert not at.exception, at.exception
    assert at.button(key="pictures_missing").disabled  # no second job while this one draws
    _page(at, "pages/upscale.py")  # the sidebar answers: another page runs while the job waits
    assert [t.value for t in at.title] == ["Upscale"]
    assert jobs.of_story(store, story.id)[0].seen_state() == "running"
    assert _pictured(store, story.id) == 0
    gate.allow(2)
    assert runner().wait_idle(WAIT)
    assert _pictured(store, story.id) == 2


def test_cancel_stops_the_job_between_pictures_and_keeps_what_was_drawn(store, cat_bytes, gate) -> None:
    story = _drafted(store, cat_bytes, 4)
    record = jobs.start(store, story, "pictures", {"page_ids": None}, _tools())
    gate.allow(2)
    _until(lambda: _pictured(store, story.id) == 2, "two pictures landed")
    gate.waiting.wait(WAIT)  # blocked before the third
    jobs.cancel(store, story.id, record.id)
    gate.allow(2)
    assert runner().wait_idle(WAIT)
    assert _pictured(store, story.id) == 2
    (ended,) = jobs.of_story(store, story.id)
    assert ended.state == "cancelled" and ended.done == 2 and ended.can_resume()
    assert len(gate.asked) == 3  # the third was being drawn when it stopped; the fourth never started


def test_a_stale_job_is_interrupted_and_resume_draws_only_the_missing_pages(store, cat_bytes, gate) -> None:
    story = _drafted(store, cat_bytes, 4)
    pages = story.draft.pages
    # A studio drew pages 1 and 2 of a job for every page, then its process died (no more heartbeats).
    dead = JobRecord(
        id="0123456789abcdef", story=story.id, kind="pictures", label="Drawing pictures",
        params={"page_ids": None}, state="running", done=2, total=4,
        created=now() - timedelta(minutes=5), heartbeat=now() - timedelta(minutes=4),
    )  # fmt: skip
    book = JobBook(store)
    book.write(dead)
    book.mark_active(story.id, dead.id)
    gate.allow(2)
    list(studio.illustrate(store, story, gate, [pages[0].id, pages[1].id]))
    drawn_before = {p.id: store.load(story.id).picture(p.id).image for p in pages[:2]}

    restarted = Store(store.root)  # a studio started again on the same data folder
    (seen,) = jobs.shown(restarted, story.id)
    assert seen.seen_state() == "interrupted" and seen.can_resume()
    assert jobs.running_in(restarted, [story.id])[story.id][0].id == dead.id

    gate.asked.clear()
    gate.allow(2)
    new = jobs.resume(restarted, restarted.load(story.id), dead.id, _tools())
    assert new.resumes == dead.id and new.params["page_ids"] == [pages[2].id, pages[3].id]
    assert runner().wait_idle(WAIT)
    saved = restarted.load(story.id)
    assert len(gate.asked) == 2 and _pictured(restarted, story.id) == 4
    assert {p.id: saved.picture(p.id).image for p in pages[:2]} == drawn_before  # pages 1-2 not redrawn
    assert all(len(saved.scenes[p.id].variants) == 1 for p in pages)
    old = JobBook(restarted).read(story.id, dead.id)
    assert old.resumed_by == new.id and not old.can_resume()
    with pytest.raises(InputError):
        jobs.resume(restarted, saved, dead.id, _tools())
    assert jobs.running_in(restarted, [story.id]) == {}


def test_two_stores_on_one_data_folder_see_the_same_job(store, cat_bytes, gate) -> None:
    """Two studio replicas on one bucket, stood in for by two Store instances on one folder."""
    story = _drafted(store, cat_bytes, 3)
    other = Store(store.root)
    record = jobs.start(store, story, "pictures", {"page_ids": None}, _tools())
    gate.allow(1)
    _until(lambda: jobs.of_story(other, story.id)[0].done == 1, "the other store saw the first picture")
    (seen,) = jobs.of_story(other, story.id)
    assert seen.id == record.id and seen.seen_state() == "running" and seen.total == 3
    assert jobs.running_in(other, [story.id])[story.id][0].id == record.id
    gate.waiting.wait(WAIT)
    jobs.cancel(other, story.id, record.id)
    gate.allow(2)
    assert runner().wait_idle(WAIT)
    assert jobs.of_story(store, story.id)[0].state == "cancelled"
    assert jobs.running_in(other, [story.id]) == {}


def test_the_same_job_asked_twice_runs_once_and_a_reader_cannot_start_one(store, cat_bytes, gate) -> None:
    from core.people.spaces import Person

    story = _drafted(store, cat_bytes, 2)
    first = jobs.start(store, story, "pictures", {"page_ids": None}, _tools())
    again = jobs.start(store, story, "pictures", {"page_ids": None}, _tools())  # a double click, a second tab
    assert again.id == first.id and len(jobs.of_story(store, story.id)) == 1
    stranger = as_person(store, Person(id="oidc:https://issuer.example:stranger"))
    with pytest.raises(InputError):
        jobs.start(stranger, story, "pictures", {"page_ids": None}, _tools())
    with pytest.raises(InputError):
        jobs.of_story(stranger, story.id)
    gate.allow(2)
    assert runner().wait_idle(WAIT)


def test_a_job_id_that_is_not_one_is_refused(store, cat_bytes) -> None:
    story = _drafted(store, cat_bytes, 1)
    with pytest.raises(InputError):
        jobs.cancel(store, story.id, "../../limits/personal")


def test_two_studios_on_one_bucket_see_the_same_job(endpoint, cat_bytes, gate) -> None:  # noqa: F811
    """The same on S3 (moto's server on 127.0.0.1): records, progress and the index are objects."""
    from core.storage.datadir import open_data_dir

    url = f"s3://{BUCKET}/jobs-{time.monotonic_ns()}"
    one, two = (Store(open_data_dir(url, s3_options(endpoint))) for _ in range(2))
    story = _drafted(one, cat_bytes, 2)
    record = jobs.start(one, story, "pictures", {"page_ids": None}, _tools())
    gate.allow(1)
    _until(lambda: jobs.of_story(two, story.id)[0].done == 1, "the other studio saw the first picture")
    assert jobs.running_in(two, [story.id])[story.id][0].id == record.id
    gate.allow(1)
    assert runner().wait_idle(WAIT)
    assert jobs.of_story(two, story.id)[0].state == "done" and _pictured(two, story.id) == 2
    assert jobs.running_in(two, [story.id]) == {}


def test_the_command_line_records_its_steps_as_jobs_and_resumes_an_interrupted_one(
    cli,  # noqa: F811
    store,
    cat_bytes,
) -> None:
    """`illustrate` is a recorded job; a job whose process died (here: drew page 1, then stopped
    beating) is listed as interrupted by `jobs ID` and `jobs ID --resume JOB` draws pages 2-3 only."""
    story = _drafted(store, cat_bytes, 3)
    page_one = story.draft.pages[0].id
    assert cli("illustrate", story.id, "--page", "1").code == 0
    (drawn,) = jobs.of_story(store, story.id)
    assert (drawn.kind, drawn.state, drawn.done, drawn.params["page_ids"]) == ("pictures", "done", 1, [page_one])

    dead = JobRecord(
        id="fedcba9876543210", story=story.id, kind="pictures", label="Drawing pictures", params={"page_ids": None},
        state="running", created=now() - timedelta(minutes=5), heartbeat=now() - timedelta(minutes=4),
    )  # fmt: skip
    JobBook(store).write(dead)
    listed = cli("jobs", story.id)
    assert listed.code == 0 and f"{dead.id}  interrupted" in listed.out and f"{drawn.id}  done" in listed.out
    assert cli("jobs", story.id, "--resume", dead.id).code == 0
    saved = store.load(story.id)
    assert len(saved.pictured_pages()) == 3 and len(saved.scenes[story.draft.pages[0].id].variants) == 1
    assert "nothing to resume" in cli("jobs", story.id, "--resume", dead.id).err


def test_the_pictures_page_and_the_library_offer_resume_for_an_interrupted_job(store, cat_bytes, gate) -> None:
    from tests.test_app_flow import settled

    story = _drafted(store, cat_bytes, 2)
    dead = JobRecord(
        id="00112233aabbccdd", story=story.id, kind="pictures", label="Drawing pictures", params={"page_ids": None},
        state="running", done=0, total=2, created=now() - timedelta(minutes=5), heartbeat=now() - timedelta(minutes=4),
    )  # fmt: skip
    JobBook(store).write(dead)
    JobBook(store).mark_active(story.id, dead.id)
    at = _app()
    at.query_params["story"] = story.id
    at.run()
    _page(at, "pages/library.py")
    assert "Running now" in [s.value for s in at.header]
    assert any("Drawing pictures stopped at 0 of 2" in w.value for w in at.warning)
    _page(at, "pages/pictures.py")
    assert any("the studio was restarted" in w.value for w in at.warning)
    gate.allow(2)
    before = runner().submitted
    settled(at.button(key=f"pictures_job_resume_{dead.id}").click().run(), before)
    assert _pictured(store, story.id) == 2 and len(gate.asked) == 2
    assert not any("the studio was restarted" in w.value for w in at.warning)
    assert any("Drawing pictures: done (2 of 2)" in s.value for s in at.success)


def test_a_story_deleted_while_its_job_runs_stays_deleted(store, cat_bytes, gate) -> None:
    from core.people.spaces import Person

    store = as_person(store, Person.personal())  # as the pages and the command line open it
    story = _drafted(store, cat_bytes, 3)
    record = jobs.start(store, story, "pictures", {"page_ids": None}, _tools())
    gate.allow(1)
    _until(lambda: _pictured(store, story.id) == 1, "the first picture landed")
    gate.waiting.wait(WAIT)
    studio.delete_story(store, story.id)
    gate.allow(2)
    assert runner().wait_idle(WAIT)
    assert not (store.root / "stories" / story.id / "jobs").exists()  # no job record brought it back
    assert story.id not in JobBook(store).stories_with_jobs() and record.id
    assert not store.exists(story.id) and studio.library(store) == []


def test_a_job_that_ended_well_shows_on_its_own_pages_only() -> None:
    """Seen on the Draft page: "Describing the photo: done" and, on Export, "Drawing pictures:
    done" from other pages filled the top of every page. An ended job shows where its step is;
    one that runs, stopped or failed shows everywhere."""
    from pages._jobs import _worth_showing

    def record(kind: str, state: str) -> JobRecord:
        finished = now() if state == "done" else None
        return JobRecord(
            id="00112233aabbccdd", story="0" * 32, kind=kind, label=kind, params={}, state=state, done=1, total=1,
            created=now(), heartbeat=now(), finished=finished,
        )  # fmt: skip

    assert _worth_showing(record("pictures", "done"), ("pictures",))
    assert not _worth_showing(record("caption", "done"), ("pictures",))
    assert _worth_showing(record("caption", "running"), ("pictures",))
    assert _worth_showing(record("caption", "failed"), ("pictures",))
    assert _worth_showing(record("caption", "done"), None)  # the Library and Characters show them all
