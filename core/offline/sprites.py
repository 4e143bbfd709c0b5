"""The vendored pictures the offline illustrator draws props, companions and furniture with.

`assets/art/` holds Twemoji graphics (CC-BY 4.0, see its LICENSE and README), rendered once to
256 px PNGs at vendoring time, one file per `core.offline.world` key (kite, tortoise ...) and a few
pieces of scenery (sofa, bed, tree, earth ...). `sprite(name)` gives one as an RGBA array trimmed
to what it shows; the illustrator pastes them into the painted scene before the book's style is
applied, so a kite is painted in watercolour like the hills behind it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image

ART = Path(__file__).resolve().parent.parent.parent / "assets" / "art"

# the name of each picture and the Unicode code point of the Twemoji it was rendered from
CODEPOINTS = {
    "fox": "1f98a", "squirrel": "1f43f", "tortoise": "1f422", "rabbit": "1f407", "owl": "1f989",
    "hedgehog": "1f994", "mouse": "1f401", "duck": "1f986", "frog": "1f438", "bird": "1f426",
    "snail": "1f40c", "butterfly": "1f98b", "dog": "1f415", "cat": "1f408", "robot": "1f916",
    "kite": "1fa81", "ball": "26bd", "balloon": "1f388", "lantern": "1f3ee", "map": "1f5fa",
    "key": "1f511", "hat": "1f452", "book": "1f4d6", "umbrella": "2602", "boat": "26f5",
    "basket": "1f9fa", "apple": "1f34e", "cake": "1f382", "teapot": "1fad6", "cup": "2615",
    "yarn": "1f9f6", "flower": "1f33c", "shell": "1f41a", "star": "2b50", "rocket": "1f680",
    "telescope": "1f52d", "present": "1f381", "scarf": "1f9e3", "bucket": "1faa3", "compass": "1f9ed",
    "tree": "1f333", "earth": "1f30d", "planet": "1fa90", "sofa": "1f6cb",
    "bed": "1f6cf", "plant": "1fab4", "clock": "1f570", "picture": "1f5bc",
    "croissant": "1f950", "cupcake": "1f9c1", "books": "1f4da", "zzz": "1f4a4",
    "leaf": "1f342",
}  # fmt: skip


@cache
def sprite(name: str) -> np.ndarray:
    """The picture called `name` (uint8 RGBA, trimmed to its visible part); read once."""
    rgba = np.asarray(Image.open(ART / f"{name}.png").convert("RGBA"), dtype=np.uint8)
    ys, xs = np.nonzero(rgba[..., 3] > 8)
    trimmed = rgba[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    trimmed.setflags(write=False)
    return trimmed
