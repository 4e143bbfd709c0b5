"""Where a page's try happens ("under the table", "behind the bench", "near a comet"), drawn.

The offline writer's attempts name a place to look or to try (`core.offline.plots`, a plot's
`places`); the page's `SceneSpec.spot` keeps the phrase and the illustrator draws the thing it names
beside the hero, on the side the hero faces, before the hero (who stands in front of it): flat
shapes in the rooms' and scenery's manner, or a vendored picture where one fits (a sofa, a basket,
a tree, a planet). A place the setting already shows (by the window, along the shore, on the path)
or that cannot be drawn (in a coat pocket, in the quiet dark) draws nothing more.

No random draws: a spot is placed from the hero's box alone, so drawing it changes nothing else.
"""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image, ImageDraw

from core.offline.scenery import shade, stamp
from core.offline.world import SETTINGS

# (a word of the place, the thing drawn): the first word found wins ("table legs" is a table,
# "doormat" a door, "stepping stones" rocks)
SPOT_THINGS: tuple[tuple[str, str], ...] = (
    ("laundry", "basket"),
    ("toy box", "toy box"),
    ("table", "table"),
    ("chair", "chair"),
    ("sofa", "sofa"),
    ("cushion", "sofa"),
    ("pillow", "sofa"),
    ("curtain", "curtains"),
    ("doormat", "door"),
    ("airlock", "door"),
    ("door", "door"),
    ("drawer", "cupboard"),
    ("cupboard", "cupboard"),
    ("shelf", "shelf"),
    ("oven", "oven"),
    ("fridge", "fridge"),
    ("stairs", "stairs"),
    ("lamp", "lamp"),
    ("bench", "bench"),
    ("gate", "gate"),
    ("fence", "fence"),
    ("wall", "wall"),
    ("bush", "bush"),
    ("hedge", "bush"),
    ("pond", "pond"),
    ("reeds", "reeds"),
    ("rock", "rocks"),
    ("stones", "rocks"),
    ("branch", "tree"),
    ("tree", "tree"),
    ("grass", "grass"),
    ("comet", "comet"),
    ("planet", "planet"),
    ("moon", "moon"),
    ("stars", "stars"),
    ("porthole", "porthole"),
)
ON_THE_WALL = ("curtains", "door", "shelf", "porthole")
IN_THE_SKY = ("comet", "planet", "moon", "stars")
INK = (70, 52, 40)


def spot_thing(place: str) -> str | None:
    """The thing a place names that the illustrator draws (None: nothing to add)."""
    low = place.lower()
    return next((thing for word, thing in SPOT_THINGS if word in low), None)


def drawn_thing(place: str, setting: str) -> str | None:
    """The thing drawn for `place` in `setting` (a key of world.SETTINGS): a door, curtains or a
    shelf only where there are walls (a room, a spaceship's porthole and airlock)."""
    thing = spot_thing(place)
    walls = setting == "space" or (setting in SETTINGS and SETTINGS[setting].kind == "indoor")
    return None if thing is None or (thing in ON_THE_WALL and not walls) else thing


def draw_spot(image: Image.Image, place: str, setting: str, hero, facing: int, floor: float, horizon: int):
    """Draw the thing `place` names (`drawn_thing`) beside the hero's box `hero` (x0, y0, x1, y1),
    on the side it faces, standing on `floor` (y); returns (thing, box), or None when there is
    nothing to draw."""
    thing = drawn_thing(place, setting)
    if thing is None:
        return None
    w, h = image.size
    cx, bottom, sw, sh = _placed(thing, hero, facing, floor, horizon, w, h)
    box = _DRAW[thing](image, ImageDraw.Draw(image, "RGBA"), cx, bottom, sw, sh)
    return thing, tuple(int(round(v)) for v in box)


def _placed(thing: str, hero, facing: int, floor: float, horizon: int, w: int, h: int):
    """Where the thing goes (centre x, foot y, width, height): beside the hero on the side it faces,
    or the other if it has more room, smaller (down to 0.6) to fit there and at worst partly out of
    the picture. A hero nearly as wide as the picture (a coffee cup drawn medium) leaves no room:
    the thing then stands partly behind it."""
    width, height = _SIZES[thing]
    x0, y0, x1, y1 = hero
    gap = h * 0.02
    room = {1: w - x1 - gap, -1: x0 - gap}
    side = facing if room[facing] >= min(room[-facing], width * h) else -facing
    scale = min(1.0, max(0.6, room[side] / (width * h)))
    sw, sh = width * h * scale, height * h * scale
    cx = x1 + gap + sw / 2 if side > 0 else x0 - gap - sw / 2
    cx = min(max(cx, sw * 0.2), w - sw * 0.2)  # at least seven tenths of it inside the picture
    if thing in IN_THE_SKY:
        return cx, max(sh + 4, min(y0, horizon) - h * 0.04), sw, sh
    if thing in ON_THE_WALL:
        return cx, horizon if thing == "door" else horizon * (0.96 if thing == "curtains" else 0.62), sw, sh
    return cx, floor, sw, sh


def _box(cx, bottom, sw, sh):
    return cx - sw / 2, bottom - sh, cx + sw / 2, bottom


def _table(image, draw, cx, bottom, sw, sh):
    x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
    top = sh * 0.14
    draw.rectangle([x0, y0, x1, y0 + top], fill=(150, 98, 58), outline=INK, width=2)
    for lx in (x0 + sw * 0.06, x1 - sw * 0.12):
        draw.rectangle([lx, y0 + top, lx + sw * 0.06, y1], fill=(122, 80, 48), outline=INK, width=2)
    return x0, y0, x1, y1


def _chair(image, draw, cx, bottom, sw, sh):
    x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
    seat = y0 + sh * 0.5
    draw.rectangle([x0, y0, x0 + sw * 0.14, y1], fill=(170, 110, 64), outline=INK, width=2)
    draw.rectangle([x0, seat, x1, seat + sh * 0.1], fill=(190, 124, 72), outline=INK, width=2)
    draw.rectangle([x1 - sw * 0.14, seat, x1, y1], fill=(170, 110, 64), outline=INK, width=2)
    return x0, y0, x1, y1


def _sprite(name: str) -> Callable:
    def draw_sprite(image, draw, cx, bottom, sw, sh):
        return stamp(image, name, cx, bottom, sh)

    return draw_sprite


def _toy_box(image, draw, cx, bottom, sw, sh):
    x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
    draw.rectangle([x0, y0 + sh * 0.18, x1, y1], fill=(220, 80, 70), outline=INK, width=2)
    draw.rectangle([x0 - sw * 0.03, y0, x1 + sw * 0.03, y0 + sh * 0.2], fill=(60, 120, 200), outline=INK, width=2)
    r = sh * 0.12
    draw.ellipse([cx - r, y0 + sh * 0.5 - r, cx + r, y0 + sh * 0.5 + r], fill=(250, 210, 60), outline=INK, width=2)
    return x0, y0, x1, y1


def _curtains(image, draw, cx, bottom, sw, sh):
    x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
    draw.rectangle([x0 - sw * 0.05, y0, x1 + sw * 0.05, y0 + sh * 0.03], fill=(120, 90, 60))
    for left, right in ((x0, x0 + sw * 0.42), (x1 - sw * 0.42, x1)):
        draw.polygon([(left, y0), (right, y0), (right - sw * 0.04, y1), (left + sw * 0.04, y1)], fill=(196, 70, 90))
        for k in (0.25, 0.5, 0.75):  # folds
            fx = left + (right - left) * k
            draw.line([fx, y0 + sh * 0.04, fx, y1], fill=shade((196, 70, 90), 0.75), width=2)
    return x0, y0, x1, y1


def _door(image, draw, cx, bottom, sw, sh):
    x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
    draw.rectangle([x0, y0, x1, y1], fill=(150, 104, 70), outline=INK, width=3)
    draw.rectangle([x0 + sw * 0.15, y0 + sh * 0.08, x1 - sw * 0.15, y0 + sh * 0.42], outline=INK, width=2)
    draw.rectangle([x0 + sw * 0.15, y0 + sh * 0.52, x1 - sw * 0.15, y1 - sh * 0.06], outline=INK, width=2)
    r = sw * 0.06
    draw.ellipse([x1 - sw * 0.2 - r, y0 + sh * 0.5 - r, x1 - sw * 0.2 + r, y0 + sh * 0.5 + r], fill=(236, 200, 80))
    draw.rectangle([x0 - sw * 0.08, y1, x1 + sw * 0.08, y1 + sh * 0.05], fill=(150, 60, 50))  # a mat before it
    return x0, y0, x1, y1 + sh * 0.05


def _cupboard(image, draw, cx, bottom, sw, sh):
    x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
    draw.rectangle([x0, y0, x1, y1], fill=(176, 128, 84), outline=INK, width=2)
    for k in range(1, 4):
        y = y0 + sh * k / 4
        draw.line([x0, y, x1, y], fill=INK, width=2)
    for k in range(4):
        y = y0 + sh * (k + 0.5) / 4
        draw.ellipse([cx - 4, y - 4, cx + 4, y + 4], fill=(236, 200, 80))
    return x0, y0, x1, y1


def _shelf(image, draw, cx, bottom, sw, sh):
    x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
    draw.rectangle([x0, y1 - sh * 0.12, x1, y1], fill=(140, 92, 56), outline=INK, width=2)
    stamp(image, "books", cx, y1 - sh * 0.12, sh * 0.85)
    return x0, y0, x1, y1


def _box_with(fill, details) -> Callable:
    def draw_box(image, draw, cx, bottom, sw, sh):
        x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
        draw.rectangle([x0, y0, x1, y1], fill=fill, outline=INK, width=2)
        details(draw, x0, y0, x1, y1)
        return x0, y0, x1, y1

    return draw_box


def _fridge_details(draw, x0, y0, x1, y1):
    split = y0 + (y1 - y0) * 0.38
    draw.line([x0, split, x1, split], fill=INK, width=2)
    for a, b in ((y0 + 8, split - 8), (split + 8, split + (y1 - split) * 0.4)):
        draw.rectangle([x1 - (x1 - x0) * 0.16, a, x1 - (x1 - x0) * 0.1, b], fill=(150, 150, 160))


def _oven_details(draw, x0, y0, x1, y1):
    draw.rectangle([x0 + (x1 - x0) * 0.15, y0 + (y1 - y0) * 0.35, x1 - (x1 - x0) * 0.15, y1 - (y1 - y0) * 0.12],
                   fill=(50, 40, 40), outline=INK, width=2)  # fmt: skip
    for k in (0.25, 0.5, 0.75):
        x = x0 + (x1 - x0) * k
        draw.ellipse([x - 4, y0 + (y1 - y0) * 0.12, x + 4, y0 + (y1 - y0) * 0.12 + 8], fill=INK)


def _stairs(image, draw, cx, bottom, sw, sh):
    x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
    steps = 5
    for k in range(steps):
        top = y1 - sh * (k + 1) / steps
        draw.rectangle([x0 + sw * k / steps, top, x1, top + sh / steps], fill=(186, 140, 96), outline=INK, width=2)
    return x0, y0, x1, y1


def _lamp(image, draw, cx, bottom, sw, sh):
    x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
    draw.rectangle([cx - 2, y0 + sh * 0.25, cx + 2, y1], fill=INK)
    draw.polygon([(x0 + sw * 0.15, y0 + sh * 0.28), (x1 - sw * 0.15, y0 + sh * 0.28), (x1, y0), (x0, y0)][::-1],
                 fill=(250, 206, 110), outline=INK)  # fmt: skip
    draw.ellipse([cx - sw * 0.3, y1 - 6, cx + sw * 0.3, y1 + 2], fill=INK)
    return x0, y0, x1, y1


def _bench(image, draw, cx, bottom, sw, sh):
    x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
    wood = (166, 112, 64)
    for k in (0.0, 0.2):  # the backrest's two slats
        draw.rectangle([x0, y0 + sh * k, x1, y0 + sh * (k + 0.12)], fill=wood, outline=INK, width=2)
    draw.rectangle([x0 - sw * 0.03, y0 + sh * 0.5, x1 + sw * 0.03, y0 + sh * 0.64], fill=wood, outline=INK, width=2)
    for lx in (x0 + sw * 0.06, x1 - sw * 0.1):
        draw.rectangle([lx, y0, lx + sw * 0.04, y1], fill=(60, 60, 66))
    return x0, y0, x1, y1


def _fence(gate: bool) -> Callable:
    def draw_fence(image, draw, cx, bottom, sw, sh):
        x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
        white = (246, 242, 232)
        for rail in (0.3, 0.7):
            draw.rectangle([x0, y0 + sh * rail, x1, y0 + sh * rail + sh * 0.08], fill=white, outline=INK)
        pickets = 6
        for k in range(pickets):
            px = x0 + (sw - sw / 10) * k / (pickets - 1)
            draw.polygon([(px, y1), (px, y0 + sh * 0.1), (px + sw / 20, y0), (px + sw / 10, y0 + sh * 0.1),
                          (px + sw / 10, y1)], fill=white, outline=INK)  # fmt: skip
        if gate:  # a gate: its frame and a brace across it
            draw.line([x0 + sw * 0.05, y1 - sh * 0.1, x1 - sw * 0.05, y0 + sh * 0.2], fill=INK, width=3)
        return x0, y0, x1, y1

    return draw_fence


def _wall(image, draw, cx, bottom, sw, sh):
    x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
    draw.rectangle([x0, y0, x1, y1], fill=(178, 92, 70), outline=INK, width=2)
    rows = 5
    for r in range(rows):
        y = y0 + sh * r / rows
        draw.line([x0, y, x1, y], fill=(236, 222, 200), width=2)
        offset = (sw / 8) * (r % 2) / 2
        for k in range(9):
            x = x0 + offset + sw * k / 8
            if x0 < x < x1:
                draw.line([x, y, x, y + sh / rows], fill=(236, 222, 200), width=2)
    return x0, y0, x1, y1


def _bush(image, draw, cx, bottom, sw, sh):
    x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
    green = (70, 140, 70)
    for fx, fy, fr in ((0.3, 0.55, 0.3), (0.7, 0.55, 0.3), (0.5, 0.35, 0.33)):
        r = fr * sw
        draw.ellipse(
            [x0 + sw * fx - r, y0 + sh * fy - r * 0.9, x0 + sw * fx + r, y1], fill=green, outline=shade(green, 0.7)
        )
    return x0, y0, x1, y1


def _pond(image, draw, cx, bottom, sw, sh):
    x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
    draw.ellipse([x0, y0, x1, y1], fill=(90, 150, 210), outline=(60, 110, 160), width=3)
    draw.arc([x0 + sw * 0.2, y0 + sh * 0.3, x1 - sw * 0.3, y1 - sh * 0.3], 200, 320, fill=(230, 240, 250), width=2)
    return x0, y0, x1, y1


def _reeds(image, draw, cx, bottom, sw, sh):
    x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
    for k in range(7):
        x = x0 + sw * (k + 0.5) / 7
        top = y0 + sh * (0.05 + 0.15 * (k % 3))
        draw.line([x, y1, x + (k - 3) * 2, top], fill=(90, 130, 60), width=3)
        draw.ellipse([x + (k - 3) * 2 - 3, top, x + (k - 3) * 2 + 3, top + sh * 0.18], fill=(120, 76, 40))
    return x0, y0, x1, y1


def _rocks(image, draw, cx, bottom, sw, sh):
    x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
    grey = (150, 150, 156)
    for fx0, fy0, fx1 in ((0.0, 0.2, 0.6), (0.45, 0.45, 1.0), (0.25, 0.6, 0.7)):
        draw.ellipse([x0 + sw * fx0, y0 + sh * fy0, x0 + sw * fx1, y1], fill=grey, outline=shade(grey, 0.6), width=2)
    return x0, y0, x1, y1


def _grass(image, draw, cx, bottom, sw, sh):
    x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
    for k in range(14):
        x = x0 + sw * k / 13
        draw.line([x, y1, x + (k % 3 - 1) * sw * 0.04, y0 + sh * (0.1 + 0.3 * (k % 2))], fill=(150, 186, 70), width=3)
    return x0, y0, x1, y1


def _comet(image, draw, cx, bottom, sw, sh):
    x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
    draw.polygon([(x1 - sh * 0.4, y1 - sh * 0.6), (x0, y0), (x1 - sh * 0.2, y1 - sh * 0.3)], fill=(200, 220, 255, 150))
    stamp(image, "star", x1 - sh * 0.3, y1, sh * 0.5)
    return x0, y0, x1, y1


def _moon(image, draw, cx, bottom, sw, sh):
    x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
    draw.ellipse([x0, y0, x1, y1], fill=(226, 226, 216), outline=(170, 170, 160), width=2)
    for fx, fy, fr in ((0.35, 0.35, 0.1), (0.62, 0.55, 0.14), (0.4, 0.7, 0.07)):
        r = fr * sw
        draw.ellipse([x0 + sw * fx - r, y0 + sh * fy - r, x0 + sw * fx + r, y0 + sh * fy + r], fill=(196, 196, 186))
    return x0, y0, x1, y1


def _stars(image, draw, cx, bottom, sw, sh):
    x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
    for fx, fy, size in ((0.2, 0.5, 0.4), (0.55, 0.9, 0.5), (0.85, 0.45, 0.35)):
        stamp(image, "star", x0 + sw * fx, y0 + sh * fy, sh * size)
    return x0, y0, x1, y1


def _porthole(image, draw, cx, bottom, sw, sh):
    x0, y0, x1, y1 = _box(cx, bottom, sw, sh)
    draw.ellipse([x0, y0, x1, y1], fill=(170, 176, 190), outline=INK, width=3)
    m = sw * 0.14
    draw.ellipse([x0 + m, y0 + m, x1 - m, y1 - m], fill=(14, 18, 44))
    stamp(image, "star", cx, y0 + sh * 0.55, sh * 0.22)
    return x0, y0, x1, y1


# each thing's width and height as shares of the picture's height
_SIZES = {
    "basket": (0.16, 0.13), "toy box": (0.24, 0.15), "table": (0.3, 0.17), "chair": (0.14, 0.22),
    "sofa": (0.34, 0.2), "curtains": (0.26, 0.44), "door": (0.2, 0.42), "cupboard": (0.2, 0.28),
    "shelf": (0.26, 0.14), "oven": (0.2, 0.2), "fridge": (0.18, 0.4), "stairs": (0.28, 0.3),
    "lamp": (0.12, 0.36), "bench": (0.32, 0.16), "gate": (0.26, 0.16), "fence": (0.3, 0.15),
    "wall": (0.32, 0.14), "bush": (0.26, 0.16), "pond": (0.34, 0.08), "reeds": (0.18, 0.2),
    "rocks": (0.26, 0.12), "tree": (0.4, 0.5), "grass": (0.26, 0.12), "comet": (0.3, 0.16),
    "planet": (0.16, 0.16), "moon": (0.16, 0.16), "stars": (0.3, 0.14), "porthole": (0.2, 0.2),
}  # fmt: skip
_DRAW: dict[str, Callable] = {
    "basket": _sprite("basket"), "toy box": _toy_box, "table": _table, "chair": _chair, "sofa": _sprite("sofa"),
    "curtains": _curtains, "door": _door, "cupboard": _cupboard, "shelf": _shelf,
    "oven": _box_with((236, 236, 240), _oven_details), "fridge": _box_with((240, 244, 248), _fridge_details),
    "stairs": _stairs, "lamp": _lamp, "bench": _bench, "gate": _fence(gate=True), "fence": _fence(gate=False),
    "wall": _wall, "bush": _bush, "pond": _pond, "reeds": _reeds, "rocks": _rocks, "tree": _sprite("tree"),
    "grass": _grass, "comet": _comet, "planet": _sprite("planet"), "moon": _moon, "stars": _stars,
    "porthole": _porthole,
}  # fmt: skip
