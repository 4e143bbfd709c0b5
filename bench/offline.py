"""Offline engine figures (issue 3): photo to 8-page PDF, PDF size per page, page rerun time.

Run: .venv/bin/python bench/offline.py   It measures and prints; it does not pass or fail.
Goals: photo to 8-page PDF headless under 3 s on a 2-core machine; under 0.5 MB per PDF page;
a page rerun with a 24-page story open under 100 ms.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PHOTO = ROOT / "assets" / "samples" / "chelsea.jpg"


def in_process_book(store, pages: int, seed: int):
    from core import studio
    from core.publish import StaticFolder
    from core.offline.illustrator import OfflineIllustrator
    from core.offline.vision import OfflineVision
    from core.offline.writer import OfflineWriter

    story = studio.start_story(store, PHOTO.read_bytes(), PHOTO.name)
    list(studio.caption(store, story, OfflineVision()))
    studio.update_settings(store, story, pages=pages, seed=seed)
    list(studio.write_draft(store, story, OfflineWriter()))
    list(studio.illustrate(store, story, OfflineIllustrator()))
    list(studio.export_pdf(store, story, publisher=StaticFolder(store.root / "static", "http://localhost:8501")))
    return story


def main() -> None:
    from core.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "data")
        in_process_book(store, 8, 0)  # warm: detectors, fonts
        times = []
        for seed in range(1, 6):
            start = time.perf_counter()
            story = in_process_book(store, 8, seed)
            times.append(time.perf_counter() - start)
        export = story.exports[-1]
        print(f"photo -> 8-page PDF, in process (warm), median of 5: {statistics.median(times):.2f} s  (goal < 3 s)")
        print(f"PDF: {export.pages} pages, {export.size / 1e6:.2f} MB, {export.size / export.pages / 1e6:.3f} MB per page"
              "  (goal < 0.5 MB per page)")

        env = {**os.environ, "VISUTALE_DATA_DIR": str(Path(tmp) / "cli"), "VISUTALE_STATIC_DIR": str(Path(tmp) / "s")}
        cli = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "core", "make", str(PHOTO), "--out", str(Path(tmp) / "out"),
                            "--pages", "8"], cwd=ROOT, env=env, check=True, capture_output=True)
            cli.append(time.perf_counter() - start)
        print(f"photo -> 8-page PDF, `python -m core make` (cold process), median of 3: {statistics.median(cli):.2f} s")

        big = in_process_book(store, 24, 99)
        rerun_times(store, big.id, Path(tmp) / "data")


def rerun_times(store, story_id: str, data_dir: Path) -> None:
    from streamlit.testing.v1 import AppTest

    os.environ["VISUTALE_DATA_DIR"] = str(data_dir)
    for page in ("pages/draft.py", "pages/pictures.py", "pages/export.py"):
        at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=60)
        at.query_params["story"] = story_id
        at.run()
        at.switch_page(page).run()
        samples = []
        for _ in range(10):
            start = time.perf_counter()
            at.run()
            samples.append(time.perf_counter() - start)
        assert not at.exception, at.exception
        print(f"rerun of {page} with a 24-page story open, median of 10 (AppTest, script time): "
              f"{statistics.median(samples) * 1000:.0f} ms  (goal < 100 ms)")


if __name__ == "__main__":
    main()
