"""Caption, draft, translation and the campaign's steps as jobs of the story (issue 22, part 1).

As in `test_jobs.py`, the engines here work only when the test lets them (a writer and a vision
engine that stop after their first words until released, the gated illustrator), so "the page
returned while the writer was still writing" is a fact, not a timing.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from core import jobs, providers, studio
from core.campaign import steps
from core.jobs.records import JobBook, JobRecord
from core.jobs.runner import runner
from core.offline.vision import OfflineVision
from core.offline.writer import OfflineWriter
from core.settings import load_settings
from core.storage.store import Store
from core.story import now
from tests.conftest import SAMPLES
from tests.doubles import UpperTranslator
from tests.test_app_flow import _app, _page
from tests.test_cli import cli  # noqa: F401  (the command line, in this process)
from tests.test_jobs import WAIT, _tools, _until, gate  # noqa: F401  (the gated illustrator)


class Gated:
    """Holds a stream after its first chunk until the test releases it."""

    def __init__(self) -> None:
        self.released = threading.Event()
        self.holding = threading.Event()  # set once the first chunk is out and the stream waits

    def hold(self, chunks):
        """The chunks of `chunks` (a generator), the first at once, the rest once released; its
        return value is passed on."""
        first = True
        try:
            while True:
                chunk = next(chunks)
                yield chunk
                if first:
                    first = False
                    self.holding.set()
                    if not self.released.wait(WAIT):
                        raise TimeoutError("the test never released the stream")
        except StopIteration as done:
            return done.value


class GatedWriter(Gated):
    """The offline writer, held after its first words."""

    engine, model = "offline", "story grammar"

    def __init__(self) -> None:
        super().__init__()
        self.offline = OfflineWriter()

    def draft(self, brief):
        return (yield from self.hold(self.offline.draft(brief)))

    def revise(self, brief, story, instruction):
        return (yield from self.hold(self.offline.revise(brief, story, instruction)))

    def extend(self, brief, story, extra_pages):
        return (yield from self.hold(self.offline.extend(brief, story, extra_pages)))


class GatedVision(Gated):
    """The offline vision engine, held after its first words."""

    engine, model = "offline", "photo analysis"

    def __init__(self) -> None:
        super().__init__()
        self.offline = OfflineVision()

    def describe(self, image):
        return self.hold(iter(list(self.offline.describe(image))))

    def ask(self, image, question, caption=""):
        return self.offline.ask(image, question, caption)


@pytest.fixture
def writer(monkeypatch) -> GatedWriter:
    gated = GatedWriter()
    monkeypatch.setattr(providers, "writer_for", lambda settings: gated)
    yield gated
    gated.released.set()
    runner().wait_idle(WAIT)


@pytest.fixture
def vision(monkeypatch) -> GatedVision:
    gated = GatedVision()
    monkeypatch.setattr(providers, "vision_for", lambda settings: gated)
    yield gated
    gated.released.set()
    runner().wait_idle(WAIT)


def _captioned(store: Store, cat_bytes: bytes, pages: int = 3):
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger cat on a red rug.")
    studio.update_settings(store, story, pages=pages, seed=5)
    return story


def _open(story_id: str, page: str):
    at = _app()
    at.query_params["story"] = story_id
    at.run()
    return _page(at, page)


def test_a_draft_keeps_being_written_after_the_page_session_that_started_it_is_gone(store, cat_bytes, writer) -> None:
    story = _captioned(store, cat_bytes)
    at = _open(story.id, "pages/draft.py")
    at.button(key="draft_write").click().run()  # returns although the writer holds after its first words
    assert not at.exception, at.exception
    writer.holding.wait(WAIT)
    (record,) = jobs.of_story(store, story.id)
    assert record.kind == "draft" and record.seen_state() == "running"
    assert store.load(story.id).draft is None

    _until(lambda: jobs.of_story(store, story.id)[0].partial, "the first words were kept on the job's record")
    first_words = jobs.of_story(store, story.id)[0].partial
    at.run()  # the jobs panel shows the words written so far
    assert not at.exception, at.exception
    assert any(first_words.split()[0] in m.value for m in at.markdown)
    assert at.button(key="draft_write").disabled  # no second writer while this one writes

    del at  # the person closed the tab: the session and its page run are gone
    writer.released.set()
    assert runner().wait_idle(WAIT)
    (ended,) = jobs.of_story(store, story.id)
    assert ended.state == "done" and ended.partial == ""  # the text is the story's now
    drafted = store.load(story.id).draft
    assert drafted is not None and not drafted.incomplete

    # the same draft as the writer makes in one go: the job changes where it runs, not what it writes
    same = _captioned(store, cat_bytes)
    list(studio.write_draft(store, same, OfflineWriter()))
    assert drafted.title == same.draft.title
    assert [p.text for p in drafted.pages] == [p.text for p in same.draft.pages]
    assert [p.scene for p in drafted.pages] == [p.scene for p in same.draft.pages]


def test_an_interrupted_draft_is_written_again_and_a_kept_one_is_not(store, cat_bytes) -> None:
    story = _captioned(store, cat_bytes)
    dead = JobRecord(
        id="0a1b2c3d4e5f6a7b", story=story.id, kind="draft", label="Writing the story", params={"pipelined": False},
        state="running", partial="Once upon", created=now() - timedelta(minutes=5),
        heartbeat=now() - timedelta(minutes=4),
    )  # fmt: skip
    JobBook(store).write(dead)
    tools = _tools()
    new = jobs.resume(store, store.load(story.id), dead.id, tools)
    assert new is not None and new.kind == "draft" and new.params == {"pipelined": False}
    assert runner().wait_idle(WAIT)
    assert len(store.load(story.id).drafts) == 1

    again = dead.model_copy(update={"id": "7b6a5f4e3d2c1b0a"})  # interrupted after its draft was kept
    JobBook(store).write(again)
    assert jobs.resume(store, store.load(story.id), again.id, tools) is None
    assert len(store.load(story.id).drafts) == 1


def test_versions_of_the_book_are_a_job_made_again_when_interrupted_before_they_were_kept(store, cat_bytes) -> None:
    """Versions draw every unpinned page several times: a job (the Pictures page returns at once),
    and one interrupted before its versions were kept makes them again on Resume."""
    story = _captioned(store, cat_bytes, pages=2)
    list(studio.write_draft(store, story, OfflineWriter()))
    tools = jobs.Tools(load_settings(overrides={"illustrator_size": 128}))
    jobs.start(store, story, "versions", {"count": 2}, tools)
    assert runner().wait_idle(WAIT)
    made = store.load(story.id)
    assert [v.number for v in made.versions] == [1, 2] and all(len(v.pictures) == 2 for v in made.versions)
    (record,) = jobs.of_story(store, story.id)
    assert (record.kind, record.state) == ("versions", "done")

    dead = JobRecord(
        id="0c1d2e3f4a5b6c7d", story=story.id, kind="versions", label="Making versions of the book",
        params={"count": 3}, state="running", created=now() + timedelta(seconds=1),
        heartbeat=now() - timedelta(minutes=4),
    )  # fmt: skip
    JobBook(store).write(dead)  # began after those versions were kept, and died before keeping its own
    new = jobs.resume(store, store.load(story.id), dead.id, tools)
    assert new is not None and new.params == {"count": 3}
    assert runner().wait_idle(WAIT)
    assert [v.number for v in store.load(story.id).versions] == [1, 2, 3]
    kept = dead.model_copy(update={"id": "7d6c5b4a3f2e1d0c", "created": now() - timedelta(minutes=5)})
    JobBook(store).write(kept)  # interrupted after its versions were kept: nothing left
    assert jobs.resume(store, store.load(story.id), kept.id, tools) is None


def test_a_caption_job_survives_leaving_the_page(store, cat_bytes, vision) -> None:
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    at = _open(story.id, "pages/caption.py")
    at.button(key="caption_describe").click().run()
    assert not at.exception, at.exception
    vision.holding.wait(WAIT)
    (record,) = jobs.of_story(store, story.id)
    assert record.kind == "caption" and record.seen_state() == "running"

    _page(at, "pages/library.py")  # the person leaves the page while the photo is described
    assert "Running now" in [h.value for h in at.header]
    vision.released.set()
    assert runner().wait_idle(WAIT)
    caption = store.load(story.id).captions
    assert len(caption) == 1 and caption[0].author == "model" and not caption[0].incomplete
    assert caption[0].text == "".join(OfflineVision().describe(studio.photo_image(store, story))).strip()
    _page(at, "pages/caption.py")
    assert at.text_area[0].value == caption[0].text
    assert any("Describing the photo: done" in s.value for s in at.success)


def _campaign(store: Store, style: str = "clean"):
    story = steps.start_campaign(store, (SAMPLES / "coffee.jpg").read_bytes(), "coffee.jpg")
    steps.update_campaign(store, story, product="Harbour Morning Blend", audience="early risers", style=style)
    list(steps.write_copy(store, story, OfflineWriter(), 2))
    return store.load(story.id)


def test_a_campaigns_pictures_job_lands_after_the_page_is_gone(store, gate) -> None:  # noqa: F811
    story = _campaign(store, style="scene")  # a model draws the backdrop: the gated illustrator
    at = _open(story.id, "pages/campaign_formats.py")
    at.button(key="campaign_make").click().run()  # returns while the backdrop waits to be drawn
    assert not at.exception, at.exception
    gate.waiting.wait(WAIT)
    (record,) = jobs.of_story(store, story.id)
    assert record.kind == "campaign-pictures" and record.seen_state() == "running"
    assert store.load(story.id).campaign.pictures == []
    at.run()
    assert at.button(key="campaign_make").disabled

    del at
    gate.allow(1)
    assert runner().wait_idle(WAIT)
    landed = store.load(story.id)
    assert steps.missing_pictures(landed) == [] and len(landed.campaign.pictures) == 2 * 4
    assert landed.campaign.backdrop is not None and len(gate.asked) == 1
    (ended,) = jobs.of_story(store, story.id)
    assert ended.state == "done" and (ended.done, ended.total) == (8, 8)


def test_an_interrupted_campaign_pictures_job_resumes_with_the_missing_variants_only(store) -> None:
    story = _campaign(store)
    first, second = story.campaign.variants
    list(steps.make_pictures(store, story, variant_ids=[first.id]))
    before = {p.image for p in store.load(story.id).campaign.pictures}
    dead = JobRecord(
        id="1234abcd5678ef90", story=story.id, kind="campaign-pictures", label="Laying out pictures",
        params={"language": None, "variant_ids": None}, state="running", done=4, total=8,
        created=now() - timedelta(minutes=5), heartbeat=now() - timedelta(minutes=4),
    )  # fmt: skip
    JobBook(store).write(dead)
    new = jobs.resume(store, store.load(story.id), dead.id, _tools())
    assert new.params["variant_ids"] == [second.id]
    assert runner().wait_idle(WAIT)
    landed = store.load(story.id).campaign
    assert steps.missing_pictures(store.load(story.id)) == []
    assert before <= {p.image for p in landed.pictures} and len(landed.pictures) == 8  # the first kept as it was


def test_the_campaign_pages_start_copy_and_export_as_jobs(store, data_dir) -> None:
    from tests.test_app_flow import _click

    story = _campaign(store)
    at = _open(story.id, "pages/campaign_copy.py")
    _click(at, "Write the unlocked variants again")
    _page(at, "pages/campaign_export.py")
    _click(at, "Make the exports")
    kinds = [r.kind for r in jobs.of_story(store, story.id)]
    assert kinds == ["campaign-export", "campaign-copy"]
    assert all(r.state == "done" for r in jobs.of_story(store, story.id))
    landed = store.load(story.id)
    assert len(landed.campaign.exports) == 1 and steps.missing_pictures(landed) == []
    assert any("files:" in s.value for s in at.success)


def test_the_command_line_records_write_caption_and_translate_as_jobs(
    cli,  # noqa: F811
    store,
    cat_bytes,
    monkeypatch,
) -> None:
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    assert cli("caption", story.id).code == 0
    assert cli("write", story.id, "--pages", "2").code == 0
    monkeypatch.setattr(providers, "translator_for", lambda settings: UpperTranslator())
    translated = cli("translate", story.id, "de", "--glossary", "cat=Katze")
    assert translated.code == 0, translated.err
    records = jobs.of_story(store, story.id)
    assert [(r.kind, r.state) for r in records] == [("translate", "done"), ("draft", "done"), ("caption", "done")]
    assert records[0].params == {"language": "de", "formality": None, "glossary": {"cat": "Katze"}}
    saved = store.load(story.id)
    assert saved.caption and len(saved.draft.pages) == 2 and saved.translation("de").pages[0].startswith("[de] ")
    listed = cli("jobs", story.id)
    assert listed.code == 0 and "translate" in listed.out and "draft" in listed.out and "caption" in listed.out


def test_a_new_campaign_is_described_by_a_job_and_the_pipelined_draft_draws_as_it_writes(store, cat_bytes) -> None:
    from tests.test_app_flow import _click

    at = _app()
    at.run()
    _page(at, "pages/campaign.py")
    at.file_uploader[0].set_value(("cup.jpg", cat_bytes, "image/jpeg")).run()
    _click(at, "Start with this photo")  # the caption of an uploaded photo is a job of the new campaign
    campaign = store.load(at.session_state["story_id"])
    (record,) = jobs.of_story(store, campaign.id)
    assert (record.kind, record.state) == ("caption", "done") and campaign.caption
    assert campaign.campaign is not None

    _click(at, "Start with the sample coffee cup")  # the sample comes with its own words: no job
    sample = store.load(at.session_state["story_id"])
    assert sample.id != campaign.id and not jobs.of_story(store, sample.id)
    assert sample.caption.startswith("A red cup of espresso") and sample.campaign is not None

    story = _captioned(store, cat_bytes, pages=2)
    jobs.start(store, story, "draft", {"pipelined": True}, _tools())  # the Draft page's switch
    assert runner().wait_idle(WAIT)
    drawn = store.load(story.id)
    assert len(drawn.draft.pages) == 2 and len(drawn.pictured_pages()) == 2
