"""How different the pages of an offline book are, and whether the hero is on every one.

    .venv/bin/python bench/composition.py [--photo chelsea] [--pages 8] [--baseline DIR] [--hand-specs]

Makes a book on the offline engine the way the studio does (caption, draft, pictures through
`core.studio`, in a temporary data folder) in two styles, watercolour and photo, and prints:

- pairwise difference: the mean absolute difference (0-255, RGB at 192x256) over every pair of
  the book's pages; near-identical pages score low;
- consecutive difference and SSIM: the same difference between each page and the next (mean and
  the smallest: the two most alike neighbours), and their structural similarity (grey, 192x256,
  Gaussian window; mean and the largest), as a reader turning pages sees them;
- palette overlap: the mean histogram intersection (0-1) of the pages' colours over every pair;
  pages cut from one photo share its colours (near 1), pages in other places and light do not;
- subject presence: on how many pages of the photo-style book the photo's subject (its detected
  face, cat face or figure, else its centre of interest) is found again by multi-scale template
  matching (normalised cross-correlation at least MATCH);
- seconds per page, wall clock (on a busy machine this is the machine, not the code) and CPU
  (every thread of the process, storing the PNGs included).

`--hand-specs varied|one-place` gives every page a hand-made scene spec (bench/contact_sheet.py's
PLANS: eight places, or one place all through as the offline writer plans a book) where the
writer left none, so the illustrator's planned pictures can be measured before the writer plans
every page. `--baseline DIR` measures another checkout the same way first (for example the main
branch: `git archive main | tar -x -C /tmp/visutale-main`), in a subprocess with that folder's
`core`, so the figures are before and after on one machine.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MATCH = 0.5
CAPTIONS = {
    "chelsea": "A photo of a tabby cat with green eyes.",
    "astronaut": "A smiling woman in an orange space suit.",
    "coffee": "A cup of coffee on a wooden table.",
}


def measure(photo_name: str, pages: int, hand_specs: str | None = None) -> dict:
    import numpy as np
    from PIL import Image

    from core import studio
    from core.offline.analysis import analyse
    from core.offline.illustrator import OfflineIllustrator
    from core.offline.writer import OfflineWriter
    from core.storage.store import Store

    photo_path = ROOT / "assets" / "samples" / f"{photo_name}.jpg"
    photo = Image.open(photo_path).convert("RGB")
    found = analyse(photo)
    out: dict = {"subject": found.subject_kind}
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder))
        for style in ("watercolour", "photo"):
            story = studio.start_story(store, photo_path.read_bytes(), photo_path.name)
            studio.edit_caption(store, story, CAPTIONS.get(photo_name, "A photo."))
            studio.update_settings(store, story, pages=pages, style=style, seed=1)
            list(studio.write_draft(store, story, OfflineWriter()))
            story = store.load(story.id)
            planned = sum(p.spec is not None for p in story.draft.pages)
            if hand_specs:
                planned = _plan_by_hand(store, story, hand_specs)
            started, cpu = time.perf_counter(), time.process_time()
            list(studio.illustrate(store, story, OfflineIllustrator()))
            seconds = (time.perf_counter() - started) / pages
            cpu_seconds = (time.process_time() - cpu) / pages
            missing = _missing_things(store, story)
            images = [
                Image.open(store.image_path(story.id, picture.image)).convert("RGB")
                for _, _, picture in store.load(story.id).pictured_pages()
            ]
            small = [np.asarray(i.resize((192, 256)), dtype=np.float32) for i in images]
            pairs = [float(np.abs(a - b).mean()) for a, b in itertools.combinations(small, 2)]
            turns = [float(np.abs(a - b).mean()) for a, b in itertools.pairwise(small)]
            alike = [_ssim(a, b) for a, b in itertools.pairwise(small)]
            colours = [_palette(i) for i in images]
            palettes = [float(np.minimum(a, b).sum()) for a, b in itertools.combinations(colours, 2)]
            out[style] = {
                "pages with a scene spec": f"{planned} of {len(images)}",
                "things a spec names that are not drawn": missing,
                "pairwise difference": round(sum(pairs) / len(pairs), 1),
                "consecutive difference (mean, min)": [round(sum(turns) / len(turns), 1), round(min(turns), 1)],
                "consecutive SSIM (mean, max)": [round(sum(alike) / len(alike), 3), round(max(alike), 3)],
                "palette overlap": round(sum(palettes) / len(palettes), 2),
                "seconds per page": round(seconds, 2),
                "cpu seconds per page": round(cpu_seconds, 2),
            }
            if style == "photo":
                seen = sum(_present(i, photo, found) for i in images)
                out[style]["subject found on pages"] = f"{seen} of {len(images)}"
    return out


def _plan_by_hand(store, story, plan: str) -> int:
    """Give each page without a scene spec one from bench/contact_sheet.py's `plan`, in turn."""
    sys.path.insert(0, str(ROOT / "bench"))
    from contact_sheet import PLANS

    book = PLANS[plan]

    from core.story import SceneSpec

    for i, page in enumerate(story.draft.pages):
        if page.spec is None:
            page.spec = SceneSpec(**book[i % len(book)])
    store.save(story)
    return len(story.draft.pages)


def _missing_things(store, story) -> int | str:
    """How many companions, props and places of a try (a spec's `spot` that the illustrator can
    draw: "under the table") the pages' scene specs name that their pictures do not draw ("unknown"
    for a checkout whose illustrator cannot say: one from before scene specs)."""
    from core import studio

    try:
        from core.offline.illustrator import staging_of
    except ImportError:
        return "unknown"

    story = store.load(story.id)
    photo = studio.photo_image(store, story)
    missing = 0
    for _, page, picture in story.pictured_pages():
        if page.spec is None:
            continue
        job = studio.image_job(story, page, picture.seed, (picture.width, picture.height), photo)
        staging = staging_of(job)
        named = set(page.spec.companions + page.spec.props)
        try:  # a checkout from before places were drawn has no spots
            from core.offline.spots import drawn_thing

            spot = drawn_thing(getattr(page.spec, "spot", "") or "", page.spec.setting)
            if spot:
                named.add(spot)
        except ImportError:
            pass
        missing += len(named - set(staging.things if staging else ()))
    return missing


def _ssim(a, b) -> float:
    """The structural similarity of two RGB pages (float arrays), on grey, Gaussian window."""
    import cv2
    import numpy as np

    x, y = (cv2.cvtColor(i.astype(np.uint8), cv2.COLOR_RGB2GRAY).astype(np.float64) for i in (a, b))
    blur = lambda i: cv2.GaussianBlur(i, (11, 11), 1.5)  # noqa: E731
    mx, my = blur(x), blur(y)
    vx, vy, cov = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    ssim = ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return float(ssim.mean())


def _palette(image):
    """The page's colours: a normalised hue-saturation-value histogram (8 x 4 x 4 bins)."""
    import cv2
    import numpy as np

    hsv = cv2.cvtColor(np.asarray(image.resize((96, 128))), cv2.COLOR_RGB2HSV)
    hist = cv2.calcHist([hsv], [0, 1, 2], None, [8, 4, 4], [0, 180, 0, 256, 0, 256]).ravel()
    return hist / max(1.0, float(hist.sum()))


def _present(image, photo, found) -> bool:
    """Whether the photo's subject is on the page: the subject's box of the photo (its detected face,
    cat face or figure, else its centre of interest), matched at any scale from a fifth to four
    times its size (normalised cross-correlation of the grey pictures at least `MATCH`)."""
    import cv2
    import numpy as np

    x, y, w, h = found.subject_box
    patch = cv2.cvtColor(np.asarray(photo.crop((x, y, x + w, y + h))), cv2.COLOR_RGB2GRAY)
    page = cv2.cvtColor(np.asarray(image.resize((288, 384))), cv2.COLOR_RGB2GRAY)
    best = -1.0
    for scale in np.geomspace(0.2, 4.0, 16) * page.shape[0] / image.height:
        size = (max(8, round(w * scale)), max(8, round(h * scale)))
        if size[0] >= page.shape[1] or size[1] >= page.shape[0]:
            continue
        score = cv2.matchTemplate(page, cv2.resize(patch, size, interpolation=cv2.INTER_AREA), cv2.TM_CCOEFF_NORMED)
        best = max(best, float(score.max()))
    return best >= MATCH


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photo", default="chelsea", choices=sorted(CAPTIONS))
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--baseline", type=Path, metavar="DIR", help="a checkout to measure first, as 'before'")
    parser.add_argument(
        "--hand-specs", choices=("varied", "one-place"), help="hand-made specs where the writer gave none"
    )
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # one measurement, for --baseline
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure(args.photo, args.pages, args.hand_specs)))
        return
    if args.baseline:
        before = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--json",
                "--photo",
                args.photo,
                "--pages",
                str(args.pages),
                *(["--hand-specs", args.hand_specs] if args.hand_specs else []),
            ],
            cwd=args.baseline,
            env={**os.environ, "PYTHONPATH": str(args.baseline.resolve())},
            capture_output=True,
            text=True,
            check=True,
        )
        print(f"before ({args.baseline}):", json.dumps(json.loads(before.stdout.strip().splitlines()[-1]), indent=1))
    print("now:", json.dumps(measure(args.photo, args.pages, args.hand_specs), indent=1))


if __name__ == "__main__":
    if "--json" not in sys.argv:  # a baseline's measurement imports the baseline's core (PYTHONPATH)
        sys.path.insert(0, str(ROOT))
    main()
