"""A contact sheet of offline pictures drawn from hand-made scene specs, to look at with your eyes.

    .venv/bin/python bench/contact_sheet.py [--photo astronaut] [--style watercolour] [--out sheet.png]
    .venv/bin/python bench/contact_sheet.py --every-key --out keys.png   # every setting, companion, prop

Draws an 8-page book's worth of `SceneSpec`s (or, with --every-key, one picture per setting,
companion and prop of `core.offline.world`) through the offline illustrator and saves them side by
side with their spec under each, so a person can check that each page shows what it says.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BOOK = [
    dict(setting="kitchen", time="morning", pose="sit", companions=["cat"], props=["teapot"], framing="medium"),
    dict(setting="garden", time="day", weather="wind", pose="reach", action="finds the kite in the old tree",
         props=["kite"], framing="wide"),
    dict(setting="forest", time="day", weather="cloudy", pose="walk", companions=["squirrel", "fox"], framing="medium"),
    dict(setting="river", time="dusk", pose="look", companions=["tortoise", "duck"], props=["boat"], framing="wide"),
    dict(setting="park", time="day", weather="rain", pose="run", props=["umbrella", "ball"], framing="close"),
    dict(setting="space", time="night", pose="float", props=["rocket", "star"], framing="medium"),
    dict(setting="moon", time="night", pose="jump", companions=["robot"], props=["telescope"], framing="wide"),
    dict(setting="bedroom", time="night", pose="sleep", companions=["owl"], props=["book", "lantern"]),
]  # fmt: skip
# a book as the offline writer plans one: one place all through, the light following the day,
# the framing following the story's stages, a kite and a squirrel once they are introduced
ONE_PLACE = [
    dict(setting="garden", time="morning", pose="stand", framing="wide"),
    dict(setting="garden", time="day", pose="look", props=["kite"], framing="close"),
    dict(setting="garden", time="day", pose="walk", companions=["squirrel"], props=["kite"], framing="medium"),
    dict(setting="garden", time="day", weather="wind", pose="reach", action="the kite is stuck in the tree",
         props=["kite"], framing="medium"),
    dict(setting="garden", time="day", pose="jump", companions=["squirrel"], framing="close"),
    dict(setting="garden", time="day", pose="run", props=["ball"], framing="medium"),
    dict(setting="garden", time="day", pose="hug", companions=["squirrel"], framing="close"),
    dict(setting="garden", time="dusk", pose="wave", companions=["squirrel"], props=["kite"], framing="wide"),
]  # fmt: skip
PLANS = {"varied": BOOK, "one-place": ONE_PLACE}


def specs(every_key: bool, plan: str = "varied"):
    from core.offline.world import COMPANIONS, PROPS, SETTINGS
    from core.story import SceneSpec

    if not every_key:
        return [SceneSpec(**b) for b in PLANS[plan]]
    out = [SceneSpec(setting=k, framing="medium") for k in SETTINGS]
    out += [SceneSpec(setting="hills", companions=[k], framing="wide") for k in COMPANIONS]
    out += [SceneSpec(setting="living room" if PROPS[k].where == "indoor" else "hills", props=[k]) for k in PROPS]
    return out


def main() -> None:
    from PIL import Image, ImageDraw

    from core.offline.illustrator import OfflineIllustrator
    from core.providers.base import ImageJob, pictures

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photo", default="astronaut")
    parser.add_argument("--style", default="watercolour")
    parser.add_argument("--every-key", action="store_true")
    parser.add_argument("--plan", choices=sorted(PLANS), default="varied", help="which hand-made book")
    parser.add_argument("--columns", type=int, default=4)
    parser.add_argument("--out", default="/tmp/contact_sheet.png")
    args = parser.parse_args()
    photo = Image.open(ROOT / "assets" / "samples" / f"{args.photo}.jpg").convert("RGB")
    page_specs = specs(args.every_key, args.plan)
    jobs = [
        ImageJob(
            prompt=f"{args.style} picture",
            seed=100 + i,
            width=384,
            height=512,
            style=args.style,
            scene="",
            photo=photo,
            spec=spec,
        )  # fmt: skip
        for i, spec in enumerate(page_specs)
    ]
    images = pictures(OfflineIllustrator().generate(jobs))
    cols = args.columns
    rows = (len(images) + cols - 1) // cols
    sheet = Image.new("RGB", (cols * 392, rows * 560), "white")
    draw = ImageDraw.Draw(sheet)
    for i, (image, spec) in enumerate(zip(images, page_specs, strict=True)):
        x, y = (i % cols) * 392 + 4, (i // cols) * 560 + 4
        sheet.paste(image, (x, y))
        label = f"{spec.setting} {spec.time} {spec.weather} {spec.pose} {spec.framing}"
        draw.text((x, y + 514), label, fill="black", font_size=13)
        draw.text((x, y + 532), " ".join(spec.companions + spec.props), fill="black", font_size=13)
    sheet.save(args.out)
    print(args.out)


if __name__ == "__main__":
    main()
