"""Pictures while the story is written (core/studio/pipeline.py), with scripted writer and illustrator.

The writer streams a story JSON chunk by chunk and, before it goes on past page k, waits (with a
bound) until the illustrator has begun page k: so a test can tell that the picture of page k
started while the writer was still writing, without timing anything.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence

import pytest
from PIL import Image

from core import studio
from core.offline.illustrator import OfflineIllustrator
from core.providers.base import Brief, ImageJob, Picture, Step, WriterStream, WrittenStory
from core.providers.pagestream import PageScanner
from core.providers.storyjson import parse_story
from core.storage.store import Store
from core.studio import pipeline

pytestmark = pytest.mark.timeout(60)


def story_json(scenes: Sequence[str], title: str = "The Lantern") -> str:
    pages = [{"text": f'Page {n}: the fox walks on {{and on}} "quietly".', "scene": s} for n, s in enumerate(scenes, 1)]
    return json.dumps({"title": title, "pages": pages})


class StreamingWriter:
    """Streams a story JSON in small chunks; after page k's object it may wait for `after_page(k)`."""

    engine, model = "scripted", "json-writer"

    def __init__(self, draft: str, revision: str | None = None, after_page=None) -> None:
        self.answers = {"draft": draft, "revise": revision or draft}
        self.after_page = after_page or (lambda k: None)
        self.finished = threading.Event()

    def _stream(self, answer: str) -> WriterStream:
        scanner = PageScanner()
        for start in range(0, len(answer), 5):
            chunk = answer[start : start + 5]
            yield chunk
            for _ in scanner.feed(chunk):
                self.after_page(len(scanner.pages))
        self.finished.set()
        return parse_story(answer)

    def draft(self, brief: Brief) -> WriterStream:
        return self._stream(self.answers["draft"])

    def revise(self, brief: Brief, story: WrittenStory, instruction: str) -> WriterStream:
        return self._stream(self.answers["revise"])

    def extend(self, brief, story, extra_pages):  # pragma: no cover - not used here
        raise NotImplementedError


class GatedIllustrator:
    """Draws a flat picture per job; records each job as it starts, whether the writer had
    finished then, and jobs stopped before their picture; a job whose prompt contains a word of
    `hold` keeps stepping until `release` is set (or it is closed)."""

    engine, model = "scripted", "gated"

    def __init__(self, writer: StreamingWriter | None = None, hold: tuple[str, ...] = ()) -> None:
        self.writer, self.hold = writer, hold
        self.started: list[tuple[str, bool]] = []  # (prompt, writer finished)
        self.began = {}  # prompt -> threading.Event
        self.stopped: list[str] = []
        self.release = threading.Event()
        self.lock = threading.Lock()

    def size_for(self, aspect: str) -> tuple[int, int]:
        return (16, 16)

    def params(self) -> dict:
        return {"steps": 1}

    def began_with(self, word: str) -> threading.Event:
        with self.lock:
            return self.began.setdefault(word, threading.Event())

    def generate(self, jobs: Sequence[ImageJob]) -> Iterator:
        for index, job in enumerate(jobs):
            self.started.append((job.prompt, self.writer.finished.is_set() if self.writer else False))
            with self.lock:
                for word, event in self.began.items():
                    if word in job.prompt:
                        event.set()
            try:
                while any(word in job.prompt for word in self.hold) and not self.release.is_set():
                    yield Step(index, 0, 1)
                    self.release.wait(0.01)
            except GeneratorExit:
                self.stopped.append(job.prompt)
                raise
            yield Picture(index, Image.new("RGB", (16, 16), (job.seed % 256, 10, 10)))


def _story(data_dir, cat_bytes, pages: int):
    store = Store(data_dir)
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger cat on a red rug.")
    studio.update_settings(store, story, pages=pages, seed=7)
    return store, story


SCENES = ["a fox at the gate", "a fox by the river", "a fox under the moon", "a fox at home"]


def test_the_scanner_returns_each_page_as_its_object_closes_whatever_the_chunks() -> None:
    answer = "Here is the story:\n```json\n" + story_json(SCENES) + "\n```"
    for size in (1, 3, 64, len(answer)):
        scanner = PageScanner()
        completed_at = []
        for start in range(0, len(answer), size):
            for _ in scanner.feed(answer[start : start + size]):
                completed_at.append(start + size)
        assert [p.scene for p in scanner.pages] == SCENES
        assert list(scanner.pages) == list(parse_story(answer).pages)  # read as the final parse reads them
        if size == 1:  # page 1 is known long before the answer ends
            assert completed_at[0] < len(answer) // 2


def test_page_k_is_drawn_while_the_writer_writes_and_the_book_is_the_sequential_one(data_dir, cat_bytes) -> None:
    store, story = _story(data_dir, cat_bytes, 4)
    waits: list[bool] = []
    illustrator = GatedIllustrator()

    def after_page(k: int) -> None:  # the writer goes on only once page k's picture has begun
        if k < len(SCENES):
            waits.append(illustrator.began_with(SCENES[k - 1]).wait(10))

    writer = StreamingWriter(story_json(SCENES), after_page=after_page)
    for word in SCENES:
        illustrator.began_with(word)
    illustrator.writer = writer
    events = list(pipeline.write_and_illustrate(store, story, writer, illustrator))
    assert waits == [True, True, True]
    assert [finished for _, finished in illustrator.started[:3]] == [False, False, False]
    assert [scene in prompt for (prompt, _), scene in zip(illustrator.started, SCENES)] == [True] * 4
    saved = store.load(story.id)
    assert [saved.picture(p.id).prompt for p in saved.draft.pages] == [p.prompt for p in saved.draft.pages]
    assert any(isinstance(e, studio.Token) for e in events)

    # The same story, written first and drawn afterwards, is the same book, picture for picture.
    offline = OfflineIllustrator(long_side=160)
    store2, one = _story(data_dir / "one", cat_bytes, 2)
    list(pipeline.write_and_illustrate(store2, one, StreamingWriter(story_json(SCENES[:2])), offline))
    store3, two = _story(data_dir / "two", cat_bytes, 2)
    list(studio.write_draft(store3, two, StreamingWriter(story_json(SCENES[:2]))))
    list(studio.illustrate(store3, two, offline))
    one, two = store2.load(one.id), store3.load(two.id)
    assert [one.picture(p.id).image for p in one.draft.pages] == [two.picture(p.id).image for p in two.draft.pages]
    assert [one.picture(p.id).seed for p in one.draft.pages] == [two.picture(p.id).seed for p in two.draft.pages]


def test_a_revision_cancels_the_pictures_of_the_pages_it_changes_and_keeps_the_others(
    data_dir, cat_bytes, monkeypatch
) -> None:
    monkeypatch.setattr(pipeline, "BATCH", 1)  # one job at a time, so a cancelled one is stopped
    store, story = _story(data_dir, cat_bytes, 4)
    list(studio.write_draft(store, story, StreamingWriter(story_json(SCENES))))
    pages = story.draft.pages
    list(studio.illustrate(store, story, GatedIllustrator(), [pages[0].id, pages[2].id]))  # 2 and 4 missing
    kept_first = story.picture(pages[0].id)

    revised = ["a fox at the gate", "a fox on a boat", "a fox in the snow", "a fox at home"]  # 2 and 3 change
    writer = StreamingWriter(story_json(SCENES), revision=story_json(revised, "The Lantern, Again"))
    illustrator = GatedIllustrator(writer, hold=("river",))  # old page 2 keeps drawing until cancelled
    illustrator.began_with("river")
    writer.after_page = lambda k: illustrator.began_with("river").wait(10) if k == 1 else None
    events = list(pipeline.revise_and_illustrate(store, story, writer, illustrator, "Put the fox on a boat"))

    assert illustrator.stopped == [pages[1].prompt]  # old page 2 was being drawn: stopped, not finished
    saved = store.load(story.id)
    new_pages = saved.draft.pages
    assert [p.id for p in new_pages] == [p.id for p in pages]  # the same pages rewritten
    assert saved.scenes[pages[0].id].variants == [kept_first]  # unchanged page, picture kept, nothing drawn
    assert [saved.picture(p.id).prompt for p in new_pages] == [p.prompt for p in new_pages]
    assert all(v.prompt != pages[1].prompt for v in saved.scenes[pages[1].id].variants)  # nothing of old page 2
    drawn = [prompt for prompt, _ in illustrator.started]
    assert drawn.count(pages[3].prompt) == 1  # page 4 queued before the revision, unchanged: drawn once
    assert not any(isinstance(e, studio.Notice) for e in events)
