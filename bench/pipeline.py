"""Write + illustrate 8 pages, one after the other and pipelined, against the critical path.

A fake writer streams a story JSON, taking `--page-s` seconds per page (and as long for the
title); a fake illustrator takes `--picture-s` seconds per picture, one at a time. Sequentially
(as the original VisuTale does: the whole story, then every picture) the wall time is the
writer's plus every picture's. Pipelined (`core.studio.pipeline.write_and_illustrate`), picture k starts
once page k is complete in the stream and picture k-1 is done, so the best possible finish, the
critical path, is max(page k written, picture k-1 done) + one picture, for the last k: the longer
of the writer and the illustration chain. Prints the three times and pipelined / critical path.

    .venv/bin/python bench/pipeline.py [--pages 8 --page-s 0.3 --picture-s 0.5]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402

from core import studio  # noqa: E402
from core.providers.base import Picture, Step  # noqa: E402
from core.providers.storyjson import parse_story  # noqa: E402
from core.storage.store import Store  # noqa: E402
from core.studio import pipeline  # noqa: E402

PHOTO = Path(__file__).resolve().parent.parent / "assets" / "samples" / "chelsea.jpg"


class SlowWriter:
    engine, model = "bench", "slow-writer"

    def __init__(self, pages: int, page_s: float) -> None:
        self.page_s = page_s
        self.answer = json.dumps(
            {
                "title": "The Long Walk",
                "pages": [
                    {"text": f"Page {n}: the fox walks on.", "scene": f"a fox, moment {n}"} for n in range(pages)
                ],
            }
        )

    def draft(self, brief):
        """The title, then each page, each after `page_s` seconds (in a few chunks)."""
        pieces = self.answer.split('{"text"')
        for number, piece in enumerate(pieces):
            time.sleep(self.page_s)
            yield piece if number == 0 else '{"text"' + piece
        return parse_story(self.answer)


class SlowIllustrator:
    engine, model = "bench", "slow-illustrator"

    def __init__(self, picture_s: float) -> None:
        self.picture_s = picture_s

    def size_for(self, aspect):
        return (32, 32)

    def params(self):
        return {}

    def generate(self, jobs):
        for index, _ in enumerate(jobs):
            yield Step(index, 0, 1)
            time.sleep(self.picture_s)
            yield Picture(index, Image.new("RGB", (32, 32), (index * 20 % 256, 90, 120)))


def story(store: Store, pages: int):
    made = studio.start_story(store, PHOTO.read_bytes(), "chelsea.jpg")
    studio.edit_caption(store, made, "A cat.")
    studio.update_settings(store, made, pages=pages)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--page-s", type=float, default=0.3)
    parser.add_argument("--picture-s", type=float, default=0.5)
    args = parser.parse_args()
    writer, illustrator = SlowWriter(args.pages, args.page_s), SlowIllustrator(args.picture_s)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(folder)
        one = story(store, args.pages)
        start = time.perf_counter()
        list(studio.write_draft(store, one, writer))
        list(studio.illustrate(store, one, illustrator))
        sequential = time.perf_counter() - start

        two = story(store, args.pages)
        start = time.perf_counter()
        list(pipeline.write_and_illustrate(store, two, writer, illustrator))
        pipelined = time.perf_counter() - start
        assert all(two.picture(p.id) for p in two.draft.pages)

    finish = 0.0  # the illustration chain: picture k starts when page k is written and k-1 is drawn
    for k in range(1, args.pages + 1):
        written = (k + 1) * args.page_s  # the title chunk, then k pages
        finish = max(finish, written) + args.picture_s
    writer_s = (args.pages + 1) * args.page_s
    critical = max(finish, writer_s)
    print(f"pages {args.pages}, writer {args.page_s:.2f} s/page, illustrator {args.picture_s:.2f} s/picture")
    print(f"sequential    {sequential:7.2f} s")
    print(f"pipelined     {pipelined:7.2f} s")
    print(f"critical path {critical:7.2f} s  (writer {writer_s:.2f} s, illustration chain ends at {finish:.2f} s)")
    print(
        f"pipelined / critical path = {pipelined / critical:.3f}; sequential / pipelined = {sequential / pipelined:.2f}"
    )


if __name__ == "__main__":
    main()
