"""The setting behind the product for the `scene` style, drawn here without a model.

The product is shown once: it stands *on* the setting's surface (a cafe counter, a kitchen
worktop, a garden table, the sand), cut out of its photo, and nothing of the photo is drawn into
the setting itself. The setting is the one the caption names ("an old wooden cafe counter" ->
the cafe; a product's name is not read for it, "Meadow Serum" is no meadow), read with the story
world's words (`core.offline.world.setting_of`) plus a few a product shot needs (a bathroom
shelf, an office desk); with none named, a photo studio's paper sweep in the brand's colours.

Every setting is drawn for the picture's own size with its surface where the layout puts the
product's feet (`floor`), so a portrait picture and a banner show the same place. The wall or sky
behind is softened a little (a photographer's depth of field) and the surface is kept sharp.
"""

from __future__ import annotations

import random

from PIL import Image, ImageDraw, ImageFilter

from core.campaign.colour import RGB
from core.offline.world import setting_of

# campaign words the story world does not know, and how story-world settings are drawn here
EXTRA_WORDS = {
    "bathroom": ("bathroom", "bath", "shower", "vanity", "basin"),
    "office": ("office", "desk", "workspace", "laptop", "meeting room"),
    "studio": ("studio", "white background", "plain background", "backdrop"),
}
DRAWN_AS = {"classroom": "office", "river": "park", "moon": "space"}
SETTINGS = (
    "cafe", "kitchen", "living room", "bedroom", "bathroom", "office", "garden", "park", "forest",
    "beach", "snow", "hills", "street", "space", "studio",
)  # fmt: skip


def setting_for(*texts: str) -> str:
    """The setting the caption or the brief names (the first text that names one wins)."""
    for text in texts:
        if not text:
            continue
        low = f" {' '.join(text.lower().split())} "
        hits = [(len(w), key) for key, words in EXTRA_WORDS.items() for w in words if f" {w}" in low]
        world = setting_of(text)
        if world is not None:
            return DRAWN_AS.get(world, world)
        if hits:
            return max(hits)[1]
    return "studio"


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def _gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    column = Image.new("RGB", (1, 256))
    column.putdata([_mix(top, bottom, i / 255) for i in range(256)])
    return column.resize(size, Image.Resampling.BILINEAR)


WOOD = {"light": ((196, 150, 104), (168, 121, 80)), "dark": ((122, 78, 48), (92, 58, 36))}


def _wood(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], tone: str, rng: random.Random, planks: bool):
    """A wooden surface: its top edge lighter, grain lines, vertical planks on a counter's front."""
    x0, y0, x1, y1 = box
    face, grain = WOOD[tone]
    draw.rectangle(box, fill=face)
    h = y1 - y0
    for _ in range(max(6, h // 9)):
        y = rng.randint(y0, y1)
        draw.line((x0, y, x1, y + rng.randint(-3, 3)), fill=grain, width=max(1, h // 160))
    if planks:
        step = max(40, (x1 - x0) // 9)
        for x in range(x0 + rng.randint(0, step), x1, step):
            draw.line((x, y0, x, y1), fill=_mix(grain, (40, 25, 15), 0.35), width=max(2, step // 30))


def _indoor(size, floor: int, colours: dict[str, RGB], setting: str, rng: random.Random) -> Image.Image:
    w, h = size
    unit = min(w, h)
    walls = {
        "cafe": (236, 222, 200),
        "kitchen": (238, 238, 232),
        "living room": (226, 214, 196),
        "bedroom": (222, 226, 236),
        "bathroom": (228, 238, 238),
        "office": (232, 232, 228),
    }
    wall = _mix(walls[setting], colours["background"], 0.25)
    back = _gradient((w, h), _mix(wall, (255, 255, 255), 0.15), _mix(wall, (60, 50, 40), 0.18))
    draw = ImageDraw.Draw(back)
    if setting in ("kitchen", "bathroom"):  # tiles
        tile = max(24, unit // 18)
        line = _mix(wall, (120, 120, 120), 0.35)
        for y in range(floor % tile, floor, tile):
            draw.line((0, y, w, y), fill=line, width=2)
            offset = tile if (y // tile) % 2 else 0
            for x in range(-offset, w, tile * 2):
                draw.line((x, y, x, y + tile), fill=line, width=2)
    if setting in ("cafe", "kitchen", "living room", "office"):  # a window with sky
        wx, wy = round(w * rng.uniform(0.08, 0.2)), round(h * 0.08)
        ww, wh = round(unit * 0.42), round(min(unit * 0.38, floor * 0.55))
        draw.rectangle((wx, wy, wx + ww, wy + wh), fill=(250, 250, 245))
        draw.rectangle((wx + 10, wy + 10, wx + ww - 10, wy + wh - 10), fill=(176, 212, 236))
        draw.line((wx + ww // 2, wy, wx + ww // 2, wy + wh), fill=(250, 250, 245), width=10)
        draw.line((wx, wy + wh // 2, wx + ww, wy + wh // 2), fill=(250, 250, 245), width=10)
    if setting == "cafe":  # a blank chalkboard, shelves with cups and jars, pendant lamps
        bx = round(w * 0.62)
        draw.rounded_rectangle((bx, round(h * 0.07), bx + round(unit * 0.3), round(h * 0.07) + round(unit * 0.22)),
                               radius=8, fill=(46, 52, 50), outline=(122, 84, 52), width=8)  # fmt: skip
        for shelf in (0.34, 0.5):
            y = round(floor * shelf + h * 0.1)
            if y > floor - unit * 0.08:
                continue
            draw.rectangle((0, y, w, y + max(6, unit // 90)), fill=(122, 84, 52))
            x = rng.randint(0, 40)
            while x < w:
                jar_w, jar_h = rng.randint(unit // 30, unit // 18), rng.randint(unit // 22, unit // 12)
                tone = rng.choice([(250, 248, 240), (190, 120, 70), (96, 70, 50), colours["accent"]])
                draw.rounded_rectangle((x, y - jar_h, x + jar_w, y), radius=4, fill=tone)
                x += jar_w + rng.randint(unit // 40, unit // 10)
        for n in range(3):
            lx = round(w * (0.3 + 0.25 * n))
            draw.line((lx, 0, lx, round(h * 0.12)), fill=(50, 40, 30), width=3)
            r = unit // 28
            draw.pieslice((lx - r, round(h * 0.12) - r // 2, lx + r, round(h * 0.12) + r), 180, 360, fill=(40, 40, 40))
            draw.ellipse((lx - r // 3, round(h * 0.12), lx + r // 3, round(h * 0.12) + r // 2), fill=(255, 226, 150))
    if setting == "living room":  # a sofa and a floor lamp
        sy = round(floor - unit * 0.16)
        draw.rounded_rectangle((round(w * 0.45), sy, round(w * 1.05), floor), radius=unit // 30,
                               fill=_mix(colours["primary"], (200, 200, 200), 0.45))  # fmt: skip
        lx = round(w * 0.3)
        draw.line((lx, round(h * 0.2), lx, floor), fill=(60, 60, 60), width=4)
        draw.polygon([(lx - unit // 14, round(h * 0.2)), (lx + unit // 14, round(h * 0.2)), (lx, round(h * 0.12))],
                     fill=(250, 230, 190))  # fmt: skip
    if setting == "bedroom":  # a headboard and a framed picture
        draw.rounded_rectangle((round(w * 0.4), round(floor - unit * 0.3), round(w * 0.98), floor), radius=unit // 20,
                               fill=_mix(colours["primary"], (230, 230, 230), 0.55))  # fmt: skip
        draw.rectangle((round(w * 0.1), round(h * 0.1), round(w * 0.1 + unit * 0.2), round(h * 0.1 + unit * 0.15)),
                       fill=_mix(colours["accent"], (255, 255, 255), 0.5), outline=(90, 70, 50), width=6)  # fmt: skip
    if setting == "office":  # a bookshelf
        sx = round(w * 0.64)
        for y in range(round(h * 0.12), floor - unit // 10, unit // 7):
            draw.rectangle((sx, y + unit // 8, sx + round(unit * 0.3), y + unit // 8 + 6), fill=(110, 80, 55))
            x = sx
            while x < sx + unit * 0.28:
                bw = rng.randint(unit // 70, unit // 40)
                draw.rectangle(
                    (x, y + unit // 8 - rng.randint(unit // 18, unit // 10), x + bw, y + unit // 8),
                    fill=rng.choice([colours["primary"], colours["accent"], (200, 190, 170), (80, 90, 110)]),
                )
                x += bw + 2
    if setting == "bathroom":  # a mirror
        mx, my = round(w * 0.55), round(h * 0.08)
        draw.rounded_rectangle((mx, my, mx + round(unit * 0.3), my + round(unit * 0.36)),
                               radius=unit // 12, fill=(214, 230, 236), outline=(190, 190, 190), width=6)  # fmt: skip
    back = back.filter(ImageFilter.GaussianBlur(max(2, unit // 260)))  # the wall a little out of focus
    draw = ImageDraw.Draw(back)
    surface = {"cafe": "dark", "kitchen": "light", "living room": "dark", "bedroom": "light", "office": "light"}
    if setting == "bathroom":  # a white stone shelf
        draw.rectangle((0, floor, w, h), fill=(236, 236, 232))
        draw.rectangle((0, floor, w, floor + max(8, unit // 60)), fill=(250, 250, 248))
    else:
        top = max(10, unit // 28)
        _wood(draw, (0, floor + top, w, h), surface[setting], rng, planks=setting == "cafe")
        light, _ = WOOD[surface[setting]]
        draw.rectangle((0, floor, w, floor + top), fill=_mix(light, (255, 255, 255), 0.18))
        draw.line((0, floor + top, w, floor + top), fill=_mix(light, (0, 0, 0), 0.45), width=3)
    return back


def _outdoor(size, floor: int, colours: dict[str, RGB], setting: str, rng: random.Random) -> Image.Image:
    w, h = size
    unit = min(w, h)
    skies = {"snow": ((200, 214, 228), (240, 244, 248)), "space": ((6, 8, 24), (24, 26, 60))}
    top, bottom = skies.get(setting, ((120, 176, 226), (214, 232, 244)))
    back = _gradient((w, h), top, bottom)
    draw = ImageDraw.Draw(back)
    horizon = round(floor - unit * 0.22)
    if setting == "space":
        for _ in range(160):
            x, y, r = rng.randrange(w), rng.randrange(h), rng.choice((1, 1, 2, 3))
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(240, 240, 255))
        pr = round(unit * 0.16)
        px, py = round(w * 0.8), round(h * 0.2)
        draw.ellipse((px - pr, py - pr, px + pr, py + pr), fill=_mix(colours["accent"], (120, 140, 220), 0.5))
        ground = (120, 120, 128)
    elif setting == "beach":
        draw.rectangle((0, horizon, w, floor), fill=(64, 140, 190))
        for y in range(horizon + 12, floor, max(14, unit // 40)):
            draw.line((0, y, w, y), fill=(120, 180, 215), width=2)
        ground = (232, 212, 168)
    elif setting == "street":
        x = 0
        while x < w:
            bw, bh = rng.randint(unit // 6, unit // 3), rng.randint(round(unit * 0.3), round(unit * 0.7))
            tone = rng.choice(
                [(190, 160, 140), (170, 150, 130), (210, 196, 176), _mix(colours["primary"], (200,) * 3, 0.5)]
            )
            draw.rectangle((x, floor - bh, x + bw, floor), fill=tone)
            for wy in range(floor - bh + 20, floor - 40, 60):
                for wx in range(x + 16, x + bw - 30, 48):
                    draw.rectangle((wx, wy, wx + 24, wy + 32), fill=(240, 232, 200))
            x += bw + rng.randint(0, 12)
        ground = (170, 168, 160)
    else:
        hills = {"snow": (236, 240, 246), "forest": (70, 110, 70), "hills": (120, 170, 90)}.get(setting, (110, 170, 90))
        for n, shade in enumerate((0.25, 0.0)):
            points = [(0, h)]
            for x in range(0, w + 80, 80):
                points.append((x, horizon - round(unit * (0.1 - 0.05 * n)) + round(rng.uniform(-1, 1) * unit * 0.04)))
            points.append((w, h))
            draw.polygon(points, fill=_mix(hills, (255, 255, 255), shade))
        if setting in ("forest", "park", "garden"):
            for _ in range(9 if setting == "forest" else 4):
                tx = rng.randrange(w)
                tr = rng.randint(unit // 16, unit // 9)
                ty = horizon - rng.randint(0, unit // 10)
                draw.rectangle((tx - tr // 6, ty, tx + tr // 6, ty + tr * 2), fill=(100, 72, 50))
                draw.ellipse(
                    (tx - tr, ty - tr * 2, tx + tr, ty + tr // 2),
                    fill=_mix((60, 120, 60), (0, 0, 0), rng.random() * 0.3),
                )
        if setting == "garden":
            for _ in range(30):
                fx, fy = rng.randrange(w), rng.randint(horizon, floor)
                draw.ellipse(
                    (fx - 6, fy - 6, fx + 6, fy + 6),
                    fill=rng.choice([(240, 120, 140), (250, 220, 90), (255, 255, 255)]),
                )
        ground = {"snow": (244, 246, 250)}.get(setting)
    back = back.filter(ImageFilter.GaussianBlur(max(2, unit // 240)))
    draw = ImageDraw.Draw(back)
    if ground is not None:  # sand, snow, pavement or the moon's dust: the product stands on it
        draw.rectangle((0, floor, w, h), fill=ground)
        for _ in range(60):
            x, y = rng.randrange(w), rng.randint(floor, h)
            draw.line((x, y, x + rng.randint(6, 20), y), fill=_mix(ground, (0, 0, 0), 0.08), width=2)
    else:  # a garden or picnic table in front
        top = max(10, unit // 28)
        _wood(draw, (0, floor + top, w, h), "light", rng, planks=True)
        draw.rectangle((0, floor, w, floor + top), fill=_mix(WOOD["light"][0], (255, 255, 255), 0.2))
    return back


def _studio(size, floor: int, colours: dict[str, RGB]) -> Image.Image:
    """A paper sweep: the brand's background colour, a soft fall-off to the floor and a tint of primary."""
    w, h = size
    paper = _mix(colours["background"], colours["primary"], 0.08)
    back = _gradient((w, h), _mix(paper, (255, 255, 255), 0.3), _mix(paper, colours["primary"], 0.1))
    glow = Image.new("L", (w, h), 0)
    ImageDraw.Draw(glow).ellipse((w * 0.2, floor - h * 0.45, w * 1.05, floor + h * 0.2), fill=90)
    glow = glow.filter(ImageFilter.GaussianBlur(min(w, h) // 8))
    return Image.composite(Image.new("RGB", (w, h), (255, 255, 255)), back, glow)


def draw_setting(setting: str, size: tuple[int, int], floor: int, colours: dict[str, RGB], seed: int) -> Image.Image:
    """The setting at `size`, its surface's top edge at `floor` pixels from the top."""
    rng = random.Random(f"{seed}:{setting}:{size}")
    if setting in ("cafe", "kitchen", "living room", "bedroom", "bathroom", "office"):
        return _indoor(size, floor, colours, setting, rng)
    if setting == "studio":
        return _studio(size, floor, colours)
    return _outdoor(size, floor, colours, setting, rng)
