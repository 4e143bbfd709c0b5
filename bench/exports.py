"""Export figures (issue 15): seconds and bytes of each export format for an 8-page book made on
the offline engine, and Piper's real-time factor (seconds of audio per second of compute).

Run: .venv/bin/python bench/exports.py [--pages 8] [--audience "young children"]
It builds one book (offline caption, story and pictures), reads it aloud with the offline narrator
(Piper's joe voice), then makes every format in `core.export.formats.FORMATS` from the same story
and prints seconds and bytes per format: a format added to that table is measured with no change
here (a format needing options gets them in OPTIONS). Each format is made twice; the second run
shows the warm cost (the MP3s of the narration are encoded once and kept). It measures and prints;
it does not pass or fail.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PHOTO = ROOT / "assets" / "samples" / "chelsea.jpg"
OPTIONS: dict[str, dict] = {}  # per-format options for export_file, for formats that need some


def build_book(store, pages: int, audience: str):
    """The offline engine's book from the sample photo: caption, story, one picture a page."""
    from core import studio
    from core.offline.illustrator import OfflineIllustrator
    from core.offline.vision import OfflineVision
    from core.offline.writer import OfflineWriter

    story = studio.start_story(store, PHOTO.read_bytes(), PHOTO.name)
    studio.update_settings(store, story, pages=pages, audience=audience)
    list(studio.caption(store, story, OfflineVision()))
    list(studio.write_draft(store, story, OfflineWriter()))
    list(studio.illustrate(store, story, OfflineIllustrator()))
    return story


def narrate(store, story) -> None:
    """Read every page aloud with Piper, timing the synthesis alone (the voice is loaded first)."""
    import time as clock

    from core import studio
    from core.offline import narrator as offline

    offline._piper()  # load once, as a running studio has
    voice = offline.OfflineNarrator()
    spent = cpu = 0.0
    original = voice.speak

    def timed(sentences, language):
        nonlocal spent, cpu
        started, started_cpu = clock.perf_counter(), clock.process_time()
        try:
            return original(sentences, language)
        finally:
            spent += clock.perf_counter() - started
            cpu += clock.process_time() - started_cpu

    voice.speak = timed
    list(studio.narrate(store, story, voice))
    narrations = [story.narration(page.id) for page in story.draft.pages]
    audio = sum(n.duration for n in narrations)
    sentences = [s for n in narrations for s in n.sentences]
    lengths = [s.end - s.start for s in sentences]
    words = sum(len(s.text.split()) for s in sentences)
    print(f"narration: {len(narrations)} pages, {len(sentences)} sentences, {words} words, {audio:.1f} s of audio")
    print(
        f"  sentence length {min(lengths):.2f}-{max(lengths):.2f} s (mean {sum(lengths) / len(lengths):.2f} s), "
        f"{words / audio * 60:.0f} words a minute with pauses"
    )
    print(f"  Piper synthesis {spent:.2f} s: real-time factor {audio / spent:.1f} (seconds of audio per second)")
    print(f"  Piper CPU time {cpu:.2f} s (all threads): {audio / cpu:.1f} seconds of audio per CPU second")


def export_figures(store, story) -> None:
    from core import studio
    from core.export.formats import FORMATS

    print(f"{'format':<10} {'cold s':>8} {'warm s':>8} {'bytes':>12}  file")
    for name, fmt in FORMATS.items():
        timings = []
        for _ in range(2):
            started = time.perf_counter()
            if fmt.make:
                list(studio.export_file(store, story, name, options=OPTIONS.get(name)))
            else:
                list(studio.export_pdf(store, story))
            timings.append(time.perf_counter() - started)
        record = story.exports[-1]
        path = store.export_path(story.id, record.token, fmt.extension)
        print(f"{name:<10} {timings[0]:8.2f} {timings[1]:8.2f} {path.stat().st_size:12,d}  {record.filename}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--audience", default="young children")
    args = parser.parse_args()
    from core.storage.store import Store

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall-clock figures stretch with it)")
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder))
        started = time.perf_counter()
        story = build_book(store, args.pages, args.audience)
        print(f"book: {args.pages} pages for {args.audience}, made offline in {time.perf_counter() - started:.1f} s")
        narrate(store, story)
        export_figures(store, story)


if __name__ == "__main__":
    main()
