"""What steps as jobs cost and what they give back (`core.jobs`).

1. The Pictures page's rerun (AppTest, a 24-page story with pictures): with no job, while a job
   runs (blocked inside the illustrator, so the page really runs beside it), and with the most
   ended jobs a story keeps. The page reads the story's job records on every run; this shows what
   that costs.
2. Drawing 8 offline pictures: the step run in place, and the same step as a job (record,
   queue, heartbeat, progress writes) until its last picture is saved.

Prints medians in milliseconds. It measures and prints; it does not pass or fail.

    .venv/bin/python bench/jobs.py [--reruns 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from core import jobs, providers, studio  # noqa: E402
from core.jobs.records import KEEP_ENDED, JobBook, JobRecord  # noqa: E402
from core.offline.illustrator import OfflineIllustrator  # noqa: E402
from core.offline.writer import OfflineWriter  # noqa: E402
from core.providers.base import Picture, Step  # noqa: E402
from core.settings import load_settings  # noqa: E402
from core.storage.store import Store  # noqa: E402
from core.story import now  # noqa: E402

PHOTO = ROOT / "assets" / "samples" / "chelsea.jpg"


class Gate:
    """An illustrator that waits for `go` before each picture: a job that stays running."""

    engine, model = "bench", "gate"

    def __init__(self) -> None:
        self.go = threading.Event()

    def size_for(self, aspect: str) -> tuple[int, int]:
        return (48, 64)

    def params(self) -> dict:
        return {}

    def generate(self, image_jobs):
        for index, job in enumerate(image_jobs):
            self.go.wait()
            yield Step(index, 1, 1)
            yield Picture(index, Image.new("RGB", (job.width, job.height)))


def drafted(store: Store, pages: int):
    story = studio.start_story(store, PHOTO.read_bytes(), PHOTO.name)
    studio.edit_caption(store, story, "A ginger cat on a red rug.")
    studio.update_settings(store, story, pages=pages)
    list(studio.write_draft(store, story, OfflineWriter()))
    return story


def reruns(story_id: str, count: int) -> float:
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=120)
    at.query_params["story"] = story_id
    at.run()
    at.switch_page("pages/pictures.py").run()
    times = []
    for _ in range(count):
        started = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - started)
    assert not at.exception, at.exception
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=15)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="visutale-bench-jobs-"))
    os.environ["VISUTALE_DATA_DIR"] = str(data)
    store = Store(data)
    tools = jobs.Tools(load_settings())

    story = drafted(store, 24)
    list(studio.illustrate(store, story, OfflineIllustrator(256)))
    quiet = reruns(story.id, args.reruns)

    gate = Gate()
    providers.illustrator_for = lambda settings: gate  # the bench's own process: no test to disturb
    jobs.start(store, story, "pictures", {"page_ids": None}, tools)
    during = reruns(story.id, args.reruns)
    gate.go.set()
    jobs.wait(600)

    book = JobBook(store)
    for n in range(KEEP_ENDED):
        book.write(
            JobRecord(id=f"{n:016x}", story=story.id, kind="upscale", label="Upscaling", state="done", finished=now())
        )
    ended = reruns(story.id, args.reruns)
    print(f"Pictures page rerun, 24 pages (median of {args.reruns}):")
    print(f"  no job                 {quiet:7.1f} ms")
    print(f"  while a job runs       {during:7.1f} ms")
    print(f"  {KEEP_ENDED} ended jobs kept     {ended:7.1f} ms")

    providers.illustrator_for = lambda settings: OfflineIllustrator(256)
    inline, as_job = [], []
    for _ in range(3):
        one = drafted(store, 8)
        started = time.perf_counter()
        list(studio.illustrate(store, one, OfflineIllustrator(256)))
        inline.append(time.perf_counter() - started)
        two = drafted(store, 8)
        started = time.perf_counter()
        jobs.start(store, two, "pictures", {"page_ids": None}, tools)
        jobs.wait(600)
        as_job.append(time.perf_counter() - started)
    print("8 offline pictures at 256 px (median of 3):")
    print(f"  in place               {statistics.median(inline) * 1000:7.0f} ms")
    print(f"  as a job               {statistics.median(as_job) * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
