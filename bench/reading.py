"""Reading level figures (issue 12): the share of pages in band after one "fit the level", offline.

Run: .venv/bin/python bench/reading.py [--quick]   It measures and prints; it does not pass or fail.
For each bundled sample (core/samples.py), seed 1-20 and reading level: the sample photo captioned
by the offline vision, an 8-page first draft by the offline writer for the level's audience
(adventure, warm), then one `studio.fit_level` step, all through the studio steps on a store in a
temporary folder. It prints, per level, the share of pages in band before and after, and how long
a fit took. Goal: >= 95 % of pages in band after one fit, for every level. --quick: seeds 1-5.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(seeds: range) -> None:
    from core import studio
    from core.offline.vision import OfflineVision
    from core.offline.writer import OfflineWriter
    from core.reading.levels import LEVELS, measure_pages
    from core.samples import SAMPLES, sample_bytes
    from core.storage.store import Store

    writer, vision = OfflineWriter(), OfflineVision()
    print(f"fit the level over {len(SAMPLES)} samples x seeds {seeds.start}-{seeds.stop - 1}, 8 pages, offline")
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder))
        stories = {}
        for name in SAMPLES:
            story = studio.start_story(store, sample_bytes(name), f"{name}.jpg")
            list(studio.caption(store, story, vision))
            stories[name] = story
        overall = []
        for level in LEVELS.values():
            before, after, times = [], [], []
            for story in stories.values():
                for seed in seeds:
                    studio.update_settings(store, story, seed=seed, audience=level.audience, pages=8)
                    list(studio.write_draft(store, story, writer))
                    texts = [p.text for p in story.draft.pages]
                    before += [m.in_band for m in measure_pages(texts, level)]
                    start = time.perf_counter()
                    list(studio.fit_level(store, story, writer, level.key))
                    times.append(time.perf_counter() - start)
                    after += [m.in_band for m in measure_pages([p.text for p in story.draft.pages], level)]
            overall += after
            print(
                f"  {level.label:13} ({level.band()}): in band {100 * sum(before) / len(before):5.1f} % of "
                f"{len(before)} pages before, {100 * sum(after) / len(after):5.1f} % after one fit "
                f"(goal >= 95 %); a fit takes {statistics.median(times) * 1000:.0f} ms median",
                flush=True,
            )
        print(f"  all levels: {100 * sum(overall) / len(overall):.1f} % of {len(overall)} pages in band after one fit")


if __name__ == "__main__":
    main(range(1, 6) if "--quick" in sys.argv else range(1, 21))
