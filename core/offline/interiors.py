"""Rooms and the sky above the earth, painted for the offline illustrator (`core.offline.scenery`).

The indoor settings of `core.offline.world` (kitchen, living room, bedroom, classroom, cafe) each
get what makes them read as that room at a glance: a kitchen's tiles, cupboards and counter with
a stove; a living room's sofa, lamp and rug; a bedroom's bed under a window; a classroom's
blackboard and desks; a cafe's counter with cakes, its menu board and hanging lamps. Every room
has a window that shows the page's time of day and weather (rain streaks, snowflakes, grey
clouds, a moon at night), since the weather is not laid over a room's picture. Space is a starry
sky with planets and the earth; the moon a grey cratered ground under a black sky with the earth.

Each painter has scenery's signature: it draws on the picture (`image`, `draw`), sizes and places
everything from the page's generator and fills in the `Marks` where props can stand (the counter
or table top, the bed).
"""

from __future__ import annotations

import numpy as np
from PIL import ImageDraw

from core.offline.scenery import SKIES, Marks, mix, shade, stamp

WALLS = [(238, 214, 176), (196, 220, 206), (214, 200, 230), (244, 226, 196), (206, 222, 238)]


def _rect(draw, xy, **style) -> None:
    """A rectangle, also where a small picture turns its corners round (PIL refuses those)."""
    x0, y0, x1, y1 = xy
    draw.rectangle([min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)], **style)


def _wall(draw, w, horizon, colour, night) -> None:
    _rect(draw, [0, 0, w, horizon], fill=shade(colour, 0.72) if night else colour)


def _floor(draw, w, h, horizon, colour, night, tiles=False) -> None:
    colour = shade(colour, 0.7) if night else colour
    _rect(draw, [0, horizon, w, h], fill=colour)
    for i in range(1, 9):  # boards (or tile rows) closer together towards the wall
        y = horizon + (h - horizon) * (i / 9) ** 1.4
        draw.line([0, y, w, y], fill=shade(colour, 0.8), width=2)
    if tiles:
        for k in range(-8, 9):
            draw.line([w / 2 + k * w * 0.04, horizon, w / 2 + k * w * 0.16, h], fill=shade(colour, 0.8), width=2)
    _rect(draw, [0, horizon - 6, w, horizon + 2], fill=(250, 246, 236))  # the skirting board


def window(draw, x0, y0, x1, y1, setting, rng) -> None:
    """A window showing the sky at the page's time and in its weather."""
    top, low = SKIES[setting.time]
    if setting.weather in ("cloudy", "rain"):
        top, low = mix(top, (150, 156, 170), 0.55), mix(low, (200, 202, 210), 0.5)
    for i in range(10):
        _rect(draw, [x0, y0 + (y1 - y0) * i / 10, x1, y0 + (y1 - y0) * (i + 1) / 10], fill=mix(top, low, i / 9))
    ww, wh = x1 - x0, y1 - y0
    if setting.time == "night":
        mx, my, mr = x0 + ww * 0.7, y0 + wh * 0.28, ww * 0.1
        draw.ellipse([mx - mr, my - mr, mx + mr, my + mr], fill=(250, 246, 222))
        for _ in range(8):
            sx, sy = rng.uniform(x0, x1), rng.uniform(y0, y1)
            draw.ellipse([sx - 1.5, sy - 1.5, sx + 1.5, sy + 1.5], fill=(255, 250, 225))
    elif setting.weather not in ("cloudy", "rain", "snow"):
        sx, sy, sr = x0 + ww * rng.uniform(0.2, 0.8), y0 + wh * 0.3, ww * 0.1
        draw.ellipse([sx - sr, sy - sr, sx + sr, sy + sr], fill=(255, 236, 160))
    if setting.weather in ("cloudy", "rain", "snow", "wind"):
        tone = (246, 248, 252) if setting.weather == "wind" else (190, 194, 206)
        for _ in range(4):
            cx, cy, r = rng.uniform(x0, x1), y0 + wh * rng.uniform(0.1, 0.45), ww * rng.uniform(0.12, 0.2)
            stretch = 1.8 if setting.weather == "wind" else 1.0
            draw.ellipse([max(x0, cx - r * stretch), cy - r * 0.5, min(x1, cx + r * stretch), cy + r * 0.5], fill=tone)
    if setting.weather == "rain":
        for _ in range(30):
            rx, ry = rng.uniform(x0, x1), rng.uniform(y0, y1 - wh * 0.12)
            draw.line([rx, ry, rx - ww * 0.02, ry + wh * 0.12], fill=(220, 230, 246), width=2)
    elif setting.weather == "snow":
        for _ in range(36):
            fx, fy = rng.uniform(x0, x1), rng.uniform(y0, y1)
            draw.ellipse([fx - 3, fy - 3, fx + 3, fy + 3], fill=(252, 252, 255))
        _rect(draw, [x0, y1 - wh * 0.1, x1, y1], fill=(246, 248, 252))  # snow on the sill
    elif setting.weather == "wind":  # a branch blown across the window
        draw.line([x0, y0 + wh * 0.7, x0 + ww * 0.5, y0 + wh * 0.5], fill=(96, 70, 44), width=4)
        for k in range(4):
            lx, ly = x0 + ww * (0.15 + 0.1 * k), y0 + wh * (0.64 - 0.04 * k)
            draw.ellipse([lx, ly - 5, lx + 14, ly + 3], fill=(214, 130, 50))
    frame = (250, 250, 246)
    _rect(draw, [x0 - 6, y0 - 6, x1 + 6, y1 + 6], outline=frame, width=8)
    draw.line([(x0 + x1) / 2, y0, (x0 + x1) / 2, y1], fill=frame, width=5)
    draw.line([x0, (y0 + y1) / 2, x1, (y0 + y1) / 2], fill=frame, width=5)


def _lamp_glow(draw, x, y, r) -> None:
    for k, alpha in ((1.0, 40), (0.6, 60), (0.3, 90)):
        draw.ellipse([x - r * k, y - r * k, x + r * k, y + r * k], fill=(255, 220, 150, alpha))


def living_room(image, draw, w, h, horizon, rng, night, setting, marks: Marks) -> None:
    """A sofa under a window, a lamp, a plant, a picture on the wall and a round rug."""
    _wall(draw, w, horizon, WALLS[int(rng.integers(0, len(WALLS)))], night)
    for k in range(0, w, max(8, w // 24)):  # striped wallpaper
        draw.line([k, 0, k, horizon], fill=(255, 255, 255, 40), width=max(2, w // 96))
    _floor(draw, w, h, horizon, (170, 120, 78), night)
    left = rng.random() < 0.5
    wx = (0.08 if left else 0.56) * w
    window(draw, wx, horizon * 0.16, wx + w * 0.34, horizon * 0.62, setting, rng)
    stamp(image, "picture", (0.8 if left else 0.2) * w, horizon * 0.45, horizon * 0.24)
    rx, ry = w * rng.uniform(0.4, 0.6), horizon + (h - horizon) * 0.6
    rug = [(196, 70, 60), (70, 110, 170), (220, 170, 70)][int(rng.integers(0, 3))]
    draw.ellipse([rx - w * 0.34, ry - (h - horizon) * 0.24, rx + w * 0.34, ry + (h - horizon) * 0.24], fill=rug)
    draw.ellipse(
        [rx - w * 0.26, ry - (h - horizon) * 0.17, rx + w * 0.26, ry + (h - horizon) * 0.17],
        outline=(250, 240, 210),
        width=3,
    )
    stamp(image, "sofa", (0.25 if left else 0.75) * w, horizon + (h - horizon) * 0.15, h * 0.26, flip=not left)
    stamp(image, "plant", (0.93 if left else 0.07) * w, horizon + (h - horizon) * 0.1, h * 0.2)
    tx = (0.62 if left else 0.38) * w  # a low table by the sofa
    table_y = horizon + (h - horizon) * 0.2
    _rect(draw, [tx - w * 0.09, table_y, tx + w * 0.09, table_y + h * 0.015], fill=(120, 80, 50))
    for lx in (tx - w * 0.08, tx + w * 0.075):
        _rect(draw, [lx, table_y, lx + w * 0.008, table_y + h * 0.07], fill=(100, 66, 40))
    marks.surface = (tx - w * 0.08, tx + w * 0.08, table_y)
    if night:
        _lamp_glow(draw, (0.93 if left else 0.07) * w, horizon * 0.5, w * 0.2)


def kitchen(image, draw, w, h, horizon, rng, night, setting, marks: Marks) -> None:
    """Tiled walls, wall cupboards, a counter with a stove and a sink, a window over the sink."""
    _wall(draw, w, horizon, (236, 240, 236), night)
    tile = max(12, w // 22)
    for x in range(0, w, tile):
        draw.line([x, 0, x, horizon], fill=(200, 212, 216), width=1)
    for y in range(0, horizon, tile):
        draw.line([0, y, w, y], fill=(200, 212, 216), width=1)
    _floor(draw, w, h, horizon, (196, 170, 140), night, tiles=True)
    counter_y = horizon - h * 0.16  # the worktop, standing on the floor line
    wood = [(176, 120, 74), (120, 160, 190), (220, 200, 160)][int(rng.integers(0, 3))]
    _rect(draw, [0, counter_y, w, horizon], fill=shade(wood, 0.92))
    for k in range(6):  # cupboard doors and their knobs
        x0 = k * w / 6
        _rect(draw, [x0 + 5, counter_y + 10, x0 + w / 6 - 5, horizon - 8], outline=shade(wood, 0.7), width=2)
        draw.ellipse([x0 + w / 12 - 4, counter_y + 22, x0 + w / 12 + 4, counter_y + 30], fill=(90, 90, 96))
    _rect(draw, [0, counter_y - h * 0.02, w, counter_y], fill=(226, 222, 214))  # the worktop
    for k in range(4):  # wall cupboards
        x0 = k * w / 4 + (w / 8 if k % 2 else 0)
        if k % 2:
            continue
        _rect(
            draw, [x0 + 8, horizon * 0.04, x0 + w / 4 - 8, horizon * 0.3], fill=wood, outline=shade(wood, 0.7), width=3
        )
    wx = w * rng.uniform(0.3, 0.45)
    window(draw, wx, horizon * 0.36, wx + w * 0.26, counter_y - h * 0.08, setting, rng)
    sx = (0.1 if wx > w * 0.38 else 0.78) * w  # the stove: a hob, its rings and an oven door
    _rect(draw, [sx, counter_y - h * 0.025, sx + w * 0.16, counter_y - h * 0.018], fill=(60, 60, 66))
    for rx in (sx + w * 0.04, sx + w * 0.12):
        draw.ellipse(
            [rx - w * 0.025, counter_y - h * 0.03, rx + w * 0.025, counter_y - h * 0.014], outline=(40, 40, 44), width=3
        )
    _rect(draw, [sx, counter_y + h * 0.03, sx + w * 0.16, horizon - h * 0.02], fill=(70, 70, 78))
    _rect(draw, [sx + w * 0.02, counter_y + h * 0.05, sx + w * 0.14, horizon - h * 0.04], fill=(40, 40, 48))
    for k in range(4):  # the wall cupboards' doors and handles
        x0 = k * w / 4
        if k % 2 == 0:
            draw.line([x0 + w / 8, horizon * 0.06, x0 + w / 8, horizon * 0.28], fill=shade(wood, 0.7), width=2)
            _rect(draw, [x0 + w / 8 - 9, horizon * 0.24, x0 + w / 8 - 5, horizon * 0.28], fill=(90, 90, 96))
    if rng.random() < 0.6:  # a clock over the window, a plant at the end of the worktop
        stamp(image, "clock", wx + w * 0.13, horizon * 0.34, h * 0.07)
    if rng.random() < 0.7:
        stamp(image, "plant", (0.93 if sx < w / 2 else 0.07) * w, counter_y - h * 0.02, h * 0.1)
    marks.surface = (w * 0.05, w * 0.95, counter_y - h * 0.02)
    if night:
        _lamp_glow(draw, w * 0.5, horizon * 0.05, w * 0.3)


def bedroom(image, draw, w, h, horizon, rng, night, setting, marks: Marks) -> None:
    """A bed under a window, a bedside table, stars on the wallpaper."""
    _wall(draw, w, horizon, [(190, 206, 236), (236, 206, 214), (214, 230, 200)][int(rng.integers(0, 3))], night)
    for _ in range(18):  # little stars on the wallpaper
        x, y = rng.uniform(0, w), rng.uniform(0, horizon * 0.95)
        draw.regular_polygon((x, y, max(3, w // 110)), 5, fill=(255, 255, 255, 120))
    _floor(draw, w, h, horizon, (184, 140, 100), night)
    left = rng.random() < 0.5
    wx = (0.12 if left else 0.52) * w
    window(draw, wx, horizon * 0.12, wx + w * 0.32, horizon * 0.52, setting, rng)
    bed_cx, bed_h = (0.62 if left else 0.38) * w, h * 0.3
    box = stamp(image, "bed", bed_cx, horizon + (h - horizon) * 0.35, bed_h, flip=not left)
    marks.bed = (
        box[0] + (box[2] - box[0]) * 0.12,
        box[2] - (box[2] - box[0]) * 0.12,
        box[1] + (box[3] - box[1]) * 0.55,
    )
    nx = (0.86 if left else 0.14) * w  # the bedside table and its lamp
    ny = horizon + (h - horizon) * 0.1
    _rect(draw, [nx - w * 0.06, ny - h * 0.1, nx + w * 0.06, ny], fill=(150, 104, 66))
    _rect(draw, [nx - w * 0.005, ny - h * 0.16, nx + w * 0.005, ny - h * 0.1], fill=(90, 90, 96))
    draw.polygon([(nx - w * 0.04, ny - h * 0.16), (nx + w * 0.04, ny - h * 0.16), (nx + w * 0.025, ny - h * 0.21),
                  (nx - w * 0.025, ny - h * 0.21)], fill=(250, 220, 150))  # fmt: skip
    marks.surface = (nx - w * 0.05, nx + w * 0.05, ny - h * 0.1)
    if night:
        _lamp_glow(draw, nx, ny - h * 0.18, w * 0.22)


def classroom(image, draw, w, h, horizon, rng, night, setting, marks: Marks) -> None:
    """A blackboard with chalk letters and sums, desks in rows, a shelf of books, a clock."""
    _wall(draw, w, horizon, (240, 226, 190), night)
    _floor(draw, w, h, horizon, (190, 150, 110), night)
    bx0, bx1 = w * rng.uniform(0.06, 0.2), w * rng.uniform(0.62, 0.74)
    by0, by1 = horizon * 0.14, horizon * 0.58
    _rect(draw, [bx0 - 8, by0 - 8, bx1 + 8, by1 + 8], fill=(150, 104, 60))
    _rect(draw, [bx0, by0, bx1, by1], fill=(46, 84, 62))
    chalk = (236, 240, 232)
    words = ["A B C", "1 + 2 = 3", "cat  sun", "2 + 2 = 4", "a b c d"]
    for k in range(3):
        text = words[int(rng.integers(0, len(words)))]
        y = by0 + (by1 - by0) * (0.15 + 0.27 * k)
        draw.text((bx0 + (bx1 - bx0) * 0.1, y), text, fill=chalk, font_size=max(12, int((by1 - by0) * 0.17)))
    window(draw, w * 0.8, horizon * 0.16, w * 0.96, horizon * 0.62, setting, rng)
    stamp(image, "clock", (bx0 + bx1) / 2, by0 - 10, horizon * 0.1)
    for row in range(2):  # desks and chairs
        y = horizon + (h - horizon) * (0.1 + 0.45 * row)
        size = h * (0.1 + 0.05 * row)
        for k in range(3 + row):
            x = w * (0.12 + 0.76 * k / (2 + row)) + rng.uniform(-8, 8)
            _rect(draw, [x - size * 0.7, y - size * 0.6, x + size * 0.7, y - size * 0.5], fill=(200, 150, 90))
            _rect(draw, [x - size * 0.65, y - size * 0.5, x - size * 0.58, y], fill=(110, 110, 120))
            _rect(draw, [x + size * 0.58, y - size * 0.5, x + size * 0.65, y], fill=(110, 110, 120))
    stamp(image, "books", w * 0.88, horizon - 4, h * 0.1)
    marks.surface = (w * 0.05, w * 0.3, horizon + (h - horizon) * 0.1 - h * 0.06)


def cafe(image, draw, w, h, horizon, rng, night, setting, marks: Marks) -> None:
    """A wooden counter with cakes under hanging lamps, a menu board, a big window."""
    _wall(draw, w, horizon, (150, 96, 64), night)
    for y in np.arange(0, horizon, max(10, h // 40)):  # wood panelling
        draw.line([0, y, w, y], fill=(130, 82, 54), width=2)
    _floor(draw, w, h, horizon, (120, 86, 60), night, tiles=True)
    left = rng.random() < 0.5
    wx = (0.06 if left else 0.6) * w
    window(draw, wx, horizon * 0.12, wx + w * 0.34, horizon * 0.55, setting, rng)
    mx = (0.62 if left else 0.08) * w  # the menu board
    _rect(draw, [mx, horizon * 0.1, mx + w * 0.28, horizon * 0.42], fill=(36, 40, 38), outline=(200, 160, 110), width=5)
    for k, text in enumerate(("MENU", "tea  2", "cake  3")):
        draw.text((mx + w * 0.03, horizon * (0.13 + 0.09 * k)), text, fill=(240, 236, 220), font_size=max(11, h // 36))
    counter_y = horizon - h * 0.12
    _rect(draw, [0, counter_y, w, horizon + 2], fill=(110, 66, 40))
    for k in range(8):
        x = k * w / 8
        _rect(draw, [x + 4, counter_y + 12, x + w / 8 - 4, horizon - 6], outline=(86, 50, 30), width=2)
    _rect(draw, [0, counter_y - h * 0.02, w, counter_y], fill=(196, 140, 90))
    for k, name in enumerate(("croissant", "cupcake", "croissant")):
        stamp(image, name, w * (0.25 + 0.25 * k) + rng.uniform(-10, 10), counter_y - h * 0.02, h * 0.05)
    for k in range(3):  # hanging lamps
        lx = w * (0.2 + 0.3 * k)
        draw.line([lx, 0, lx, horizon * 0.12], fill=(40, 40, 40), width=2)
        draw.pieslice([lx - w * 0.05, horizon * 0.08, lx + w * 0.05, horizon * 0.2], 180, 360, fill=(220, 160, 60))
        _lamp_glow(draw, lx, horizon * 0.18, w * (0.12 if not night else 0.2))
    marks.surface = (w * 0.05, w * 0.95, counter_y - h * 0.02)


def space_sky(image, draw: ImageDraw.ImageDraw, w, h, horizon, rng) -> None:
    """Deep space: a violet haze, many stars, some twinkling."""
    for _ in range(int(rng.integers(2, 4))):  # nebula haze
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h * 0.7), w * rng.uniform(0.2, 0.4)
        colour = [(120, 60, 160), (60, 90, 170), (170, 70, 120)][int(rng.integers(0, 3))]
        for k in range(5):
            rr = r * (1 - k * 0.18)
            draw.ellipse([cx - rr, cy - rr * 0.6, cx + rr, cy + rr * 0.6], fill=(*colour, 22))
    for _ in range(int(w * min(h, horizon) / 1400)):
        x, y = rng.uniform(0, w), rng.uniform(0, min(h, horizon))
        r = rng.choice((0.8, 1.4, 2.2), p=(0.6, 0.3, 0.1)) * w / 576
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 250, 230, int(rng.uniform(150, 255))))
    for _ in range(4):  # twinkles
        x, y, r = rng.uniform(0, w), rng.uniform(0, min(h, horizon) * 0.8), w * 0.012
        draw.line([x - r * 2, y, x + r * 2, y], fill=(255, 255, 240, 220), width=2)
        draw.line([x, y - r * 2, x, y + r * 2], fill=(255, 255, 240, 220), width=2)


def space(image, draw, w, h, horizon, rng, night, setting, marks: Marks) -> None:
    """Floating among the planets: the earth, a ringed planet, a far-off moon."""
    space_sky(image, draw, w, h, horizon, rng)
    ex, ey = rng.choice((0.2, 0.8)) * w, rng.uniform(0.6, 0.85) * h
    stamp(image, "earth", ex, ey + h * 0.2, h * 0.4)
    planet = stamp(image, "planet", w - ex + rng.uniform(-0.1, 0.1) * w, h * rng.uniform(0.18, 0.3), h * 0.14)
    marks.sky.append((planet[0], planet[2]))
    mx, my, mr = rng.uniform(0.3, 0.7) * w, rng.uniform(0.06, 0.15) * h, w * 0.03
    draw.ellipse([mx - mr, my - mr, mx + mr, my + mr], fill=(214, 214, 206))


def moon(image, draw, w, h, horizon, rng, night, setting, marks: Marks) -> None:
    """The moon's grey, cratered ground under a black sky with the earth rising."""
    space_sky(image, draw, w, h, horizon, rng)
    earth = stamp(image, "earth", rng.uniform(0.2, 0.8) * w, horizon * rng.uniform(0.35, 0.55), h * 0.16)
    marks.sky.append((earth[0], earth[2]))
    xs = np.linspace(0, w, 40)
    ys = horizon - np.abs(np.sin(xs / w * np.pi * rng.uniform(1, 2.5) + rng.uniform(0, 6))) * h * 0.03
    draw.polygon([(0, h), *zip(xs.tolist(), ys.tolist(), strict=True), (w, h)], fill=(150, 150, 156))
    for i in range(12):
        t = i / 11
        y0 = horizon + (h - horizon) * t
        _rect(draw, [0, y0, w, h], fill=mix((156, 156, 162), (196, 196, 200), t))
    for _ in range(int(rng.integers(9, 15))):  # craters, flatter far away
        y = rng.uniform(horizon + 6, h)
        depth = (y - horizon) / max(1, h - horizon)
        rx = w * (0.02 + 0.08 * depth) * rng.uniform(0.6, 1.3)
        ry = rx * (0.2 + 0.2 * depth)
        x = rng.uniform(0, w)
        draw.ellipse([x - rx, y - ry, x + rx, y + ry], fill=(120, 120, 128))
        draw.ellipse([x - rx * 0.85, y - ry * 0.6, x + rx * 0.9, y + ry], fill=(176, 176, 182))


# the places painted here, by `core.offline.world` setting
PAINTERS = {
    "kitchen": kitchen,
    "living room": living_room,
    "bedroom": bedroom,
    "classroom": classroom,
    "cafe": cafe,
    "space": space,
    "moon": moon,
}
