"""The print-ready PDF of an 8-page offline book: seconds and bytes, per layout (issue 15).

Run: .venv/bin/python bench/print_pdf.py [--keep DIR]   It prints the figures; it does not pass or
fail. The book is made once (offline caption, story and pictures), then printed as the screen PDF
and as the print PDF (8.5x8.5 in trim, 3 mm bleed, crop marks) in each layout, three times each,
the median kept: the first print of a picture box fits the pictures, the next ones reuse them, so
the first time is shown too. --keep DIR also writes each PDF there, to look at.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PHOTO = ROOT / "assets" / "samples" / "chelsea.jpg"
LAYOUTS = ("above", "beside", "band", "large")


def offline_book(store):
    """An 8-page story with its offline pictures, through the studio steps."""
    from core import studio
    from core.offline.illustrator import OfflineIllustrator
    from core.offline.vision import OfflineVision
    from core.offline.writer import OfflineWriter

    story = studio.start_story(store, PHOTO.read_bytes(), PHOTO.name)
    list(studio.caption(store, story, OfflineVision()))
    studio.update_settings(store, story, pages=8, seed=1)
    list(studio.write_draft(store, story, OfflineWriter()))
    list(studio.illustrate(store, story, OfflineIllustrator()))
    return story


def timed_export(store, story, **kw) -> tuple[float, float, int, int, int]:
    """First seconds, median seconds of three, bytes, pages and notes of the export `kw` asks for."""
    from core import studio

    times, notes = [], 0
    for _ in range(3):
        start = time.perf_counter()
        events = list(studio.export_pdf(store, story, **kw))
        times.append(time.perf_counter() - start)
        notes = sum(isinstance(e, studio.Notice) for e in events)
    record = story.exports[-1]
    return times[0], statistics.median(times), record.size, record.pages, notes


def main() -> None:
    from PIL import Image

    from core.storage.store import Store

    keep = Path(sys.argv[sys.argv.index("--keep") + 1]) if "--keep" in sys.argv else None
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "data")
        story = offline_book(store)
        with Image.open(store.image_path(story.id, story.pictured_pages()[0][2].image)) as first:
            print(f"8-page offline book from chelsea.jpg, {first.width}x{first.height} pictures", flush=True)
        runs = [("screen PDF, A4, above", {}, "above")]
        runs += [
            (f"print PDF, 8.5x8.5in + bleed + crop marks, {layout}", {"trim": "8.5x8.5in", "crop_marks": True}, layout)
            for layout in LAYOUTS
        ]
        for label, kw, layout in runs:
            first, median, size, pages, notes = timed_export(store, story, layout=layout, **kw)
            print(
                f"{label}: {median:.2f} s (first {first:.2f} s), {size / 1024:.0f} KB, {pages} pages, "
                f"{notes} notes of pictures under 300 dpi (the photo; the pages)",
                flush=True,
            )
            if keep:
                keep.mkdir(parents=True, exist_ok=True)
                record = story.exports[-1]
                name = f"{'print' if kw.get('trim') else 'screen'}-{layout}.pdf"
                (keep / name).write_bytes(store.export_path(story.id, record.token).read_bytes())


if __name__ == "__main__":
    main()
