"""Scenes painted for the offline illustrator: a place at a time of day, from a page's words.

`setting_for(prompt, scene, time, weather, seed)` reads where a page happens (`PLACES`: park, forest,
river, city street, room, beach, snow, night sky, and rolling hills when the words name none of
them, or one drawn from the seed) and `paint(setting, size, rng)` paints it procedurally with
numpy, Pillow and OpenCV: a sky graded for the time of day (blue day, pink-gold dawn,
orange-violet dusk, a starry night with a moon) with its sun and clouds, the ground of the place
and its shapes (trees in rows that pale with distance, water with glints, houses with windows
lit at night, a room's wall, window and floor, the sea and sand, snowy pines), a little paint
texture. It returns the picture and the ground line, where the illustrator stands the hero.

A page with a scene spec (core.story.SceneSpec) names its place as a key of
`core.offline.world.SETTINGS`: besides the places above, a garden, the rooms of a house (kitchen,
living room, bedroom), a classroom, a cafe, space and the moon (`core.offline.interiors` paints the
rooms and the sky above the earth). `paint_stage` returns, with the picture, the `Marks` where
things can go: the trees' crowns (a kite caught in a tree), the water (a boat, a duck), a counter
or table top (a teapot), the bed (a sleeping hero), and whether there is ground at all (space).
Weather drawn into the scene itself: clouds (many and grey for "cloudy"), wind (leaves and gusts
across the sky); rain, snow and mist are laid over outdoor pictures by the illustrator, and seen
through the window indoors.

Every shape's size, place and colour is drawn from the generator passed in, so a page's scene
follows its seed: the same page is painted the same, other pages otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageDraw

from core.offline.sprites import sprite
from core.offline.texture import paper_grain, window

PLACES = ("park", "forest", "river", "street", "room", "beach", "snow", "night sky", "hills")
INDOORS = ("room", "kitchen", "living room", "bedroom", "classroom", "cafe")

PLACE_WORDS: dict[str, tuple[str, ...]] = {
    "forest": ("forest", "forests", "woods", "wood", "woodland", "jungle", "pine", "pines", "trees", "tree"),
    "park": ("park", "garden", "meadow", "lawn", "playground", "field", "fields", "grass", "hedge", "gate", "orchard"),
    "river": ("river", "stream", "pond", "lake", "brook", "bridge", "waterfall", "canal", "puddle"),
    "street": ("street", "city", "town", "village", "road", "market", "shop", "shops", "square", "station", "alley"),
    "room": (
        "room",
        "kitchen",
        "house",
        "home",
        "bedroom",
        "inside",
        "indoors",
        "library",
        "school",
        "classroom",
        "attic",
        "cellar",
        "table",
        "bed",
        "sofa",
        "cupboard",
        "shelf",
        "hall",
        "workshop",
    ),  # fmt: skip
    "beach": ("beach", "sea", "ocean", "shore", "sand", "waves", "island", "jetty", "harbour", "boats", "lighthouse"),
    "snow": ("snow", "snowy", "ice", "icy", "winter", "frozen", "snowman", "sledge", "igloo"),
    "night sky": ("stars", "starry", "moon", "space", "planet", "planets", "rocket", "comet", "sky"),
    "hills": ("hill", "hills", "hillside", "mountain", "mountains", "valley", "slope", "cliff", "path", "rocks"),
}

# sky colours (top, horizon) by time of day
SKIES = {
    "day": ((96, 160, 226), (206, 228, 246)),
    "dawn": ((136, 146, 206), (252, 204, 170)),
    "dusk": ((64, 56, 124), (250, 150, 86)),
    "night": ((58, 74, 140), (132, 146, 200)),  # the illustrator's night light darkens it further
}


@dataclass(frozen=True)
class Setting:
    place: str  # one of PLACES, or a key of core.offline.world.SETTINGS
    time: str  # "day" | "dawn" | "dusk" | "night"
    weather: str | None  # "mist" | "rain" | "snow" | "cloudy" | "wind" | None

    @property
    def indoor(self) -> bool:
        return self.place in INDOORS


@dataclass
class Marks:
    """Where a painted scene has room for things (pixels of the picture)."""

    trees: list[tuple[float, float, float]] = field(default_factory=list)  # crown centre x, y, radius
    water: tuple[float, float, float] | None = None  # a point on the water near the front (x, y), its half width
    surface: tuple[float, float, float] | None = None  # a counter or table top: x0, x1, y
    bed: tuple[float, float, float] | None = None  # the mattress: x0, x1, y
    ground: bool = True  # False in space: everything floats
    sky: list[tuple[float, float]] = field(default_factory=list)  # x spans of the sky taken (a planet)


@dataclass
class Stage:
    """A painted scene: the picture (uint8 RGB), its ground line and its `Marks`."""

    image: np.ndarray
    horizon: int
    marks: Marks


def place_of(text: str) -> str | None:
    """The place a text names most (the first named wins a tie); None when it names none."""
    words = re.findall(r"[a-z]+", text.lower())
    scores: dict[str, tuple[int, int]] = {}
    for place, names in PLACE_WORDS.items():
        hits = [i for i, w in enumerate(words) if w in names]
        if hits:
            scores[place] = (len(hits), -hits[0])
    return max(scores, key=lambda p: scores[p]) if scores else None


def setting_for(prompt: str, scene: str, time: str | None, weather: str | None, seed: int) -> Setting:
    """Where and when a page happens: the place its prompt names (the person's words win), else
    its scene's, else hills, a park or a meadow river by the seed; its time of day (noon and no
    time are day); its weather (rain or snow take a room's page outdoors)."""
    place = place_of(prompt) or place_of(scene) or ("hills", "park", "river")[seed % 3]
    if place == "room" and weather in ("rain", "snow"):
        place = "snow" if weather == "snow" else "street"
    when = time if time in ("dawn", "dusk", "night") else "day"
    if place == "night sky":
        when = "night" if when == "day" else when
    if place == "snow" and weather is None:
        weather = "snow"
    return Setting(place, when, weather)


def mix(a, b, t: float) -> tuple[int, int, int]:
    return tuple(int(round(x * (1 - t) + y * t)) for x, y in zip(a, b, strict=True))


def shade(colour, factor: float) -> tuple[int, int, int]:
    return tuple(int(max(0, min(255, c * factor))) for c in colour)


def _gradient(h: int, w: int, top, bottom) -> np.ndarray:
    t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    column = np.asarray(top, np.float32) * (1 - t) + np.asarray(bottom, np.float32) * t
    return np.repeat(column, w, axis=1)


def paint(setting: Setting, size: tuple[int, int], rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """The scene at `size` (uint8 RGB) and its ground line (y of the horizon, in pixels)."""
    stage = paint_stage(setting, size, rng)
    return stage.image, stage.horizon


def paint_stage(setting: Setting, size: tuple[int, int], rng: np.random.Generator, painter=None) -> Stage:
    """The scene at `size` with the marks of where things can go in it. `painter` paints a place
    this module does not know (`core.offline.interiors.PAINTERS`: the rooms, space, the moon),
    with the signature of the painters here; it draws its own sky."""
    w, h = size
    indoor = setting.indoor
    horizon = int(h * rng.uniform(0.6, 0.68)) if indoor else int(h * rng.uniform(0.5, 0.62))
    if setting.place == "space":
        horizon = h
    top, low = SKIES[setting.time]
    if setting.place in ("space", "moon"):
        top, low = (8, 10, 30), (36, 30, 72)
    elif setting.weather in ("cloudy", "rain") and not indoor:
        top, low = mix(top, (150, 156, 170), 0.55), mix(low, (200, 202, 210), 0.5)
    canvas = _gradient(h, w, top, low)
    image = Image.fromarray(canvas.astype(np.uint8))
    draw = ImageDraw.Draw(image, "RGBA")
    night = setting.time == "night"
    marks = Marks()
    if painter is None:
        painter = PAINTERS[setting.place]
        if not indoor:
            _sky(draw, setting, w, horizon, rng)
    painter(image, draw, w, h, horizon, rng, night, setting, marks)
    if setting.weather == "wind" and not indoor:
        _gusts(image, draw, w, h, horizon, rng)
    if setting.place == "space":
        marks.ground = False
    return Stage(cv2.GaussianBlur(_grained(np.asarray(image), rng), (0, 0), 0.8), horizon, marks)


def _grained(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The painting on paper: the grain (`texture.paper_grain`, the same on all three channels)
    at an offset of the picture's own, added by OpenCV, which saturates."""
    h, w = image.shape[:2]
    return cv2.add(image, window(paper_grain(h, w), rng, h, w), dtype=cv2.CV_8U)


# the colours a story gives its props (story_plan's thing_colour), as painted
PAINT = {
    "red": (205, 45, 45),
    "blue": (50, 95, 200),
    "yellow": (240, 200, 40),
    "green": (60, 160, 70),
    "orange": (240, 130, 30),
    "purple": (135, 70, 175),
}


def tinted(rgba: np.ndarray, colour: str) -> np.ndarray:
    """The picture repainted in one of PAINT's colours, its light and shade kept (a black and
    white football becomes a red ball, a yellow sun hat an orange one)."""
    paint = np.asarray(PAINT[colour], dtype=np.float32)
    rgb = rgba[..., :3].astype(np.float32)
    light = (rgb @ np.asarray([0.299, 0.587, 0.114], dtype=np.float32)) / 255.0
    shade = 0.35 + 0.75 * light[..., None]
    out = rgba.copy()
    out[..., :3] = np.clip(paint * shade, 0, 255).astype(np.uint8)
    return out


def stamp(
    image: Image.Image,
    name: str,
    cx: float,
    bottom: float,
    height: float,
    flip: bool = False,
    angle: float = 0.0,
    colour: str | None = None,
) -> tuple[int, int, int, int]:
    """Paste the vendored picture `name` (core.offline.sprites) `height` pixels tall, centred on
    `cx` with its foot at `bottom`, mirrored or turned (degrees) and painted in `colour` (a key of
    PAINT) if asked; returns its box."""
    art = Image.fromarray(tinted(sprite(name), colour) if colour in PAINT else sprite(name))
    scale = max(2.0, height) / art.height
    art = art.resize((max(2, round(art.width * scale)), max(2, round(art.height * scale))), Image.Resampling.LANCZOS)
    if flip:
        art = art.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if angle:
        art = art.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
    x0, y0 = round(cx - art.width / 2), round(bottom - art.height)
    image.paste(art, (x0, y0), art)
    return x0, y0, x0 + art.width, y0 + art.height


def _gusts(image, draw, w, h, horizon, rng) -> None:
    """Wind: curling gust lines across the sky and leaves blown along them."""
    for _ in range(int(rng.integers(4, 7))):
        x, y = rng.uniform(-0.1, 0.7) * w, rng.uniform(0.1, 0.9) * horizon
        length, amp = w * rng.uniform(0.25, 0.45), h * 0.015
        xs = np.linspace(x, x + length, 20)
        ys = y + np.sin(np.linspace(0, 2.5 * np.pi, 20)) * amp
        draw.line(list(zip(xs.tolist(), ys.tolist(), strict=True)), fill=(255, 255, 255, 170), width=max(2, w // 160))
        ex, ey = xs[-1], ys[-1]
        draw.arc([ex - amp * 2, ey - amp * 3, ex + amp * 2, ey + amp], 180, 450, fill=(255, 255, 255, 170), width=2)
    for _ in range(int(rng.integers(5, 9))):
        stamp(image, "leaf", rng.uniform(0, w), rng.uniform(0.1, 1.0) * h, h * rng.uniform(0.03, 0.05),
              angle=float(rng.uniform(-80, 80)))  # fmt: skip


# --- the sky ---------------------------------------------------------------------------------


def _sky(draw: ImageDraw.ImageDraw, setting: Setting, w: int, horizon: int, rng: np.random.Generator) -> None:
    if setting.time == "night":
        for _ in range(int(w * horizon / 2500)):
            x, y = rng.uniform(0, w), rng.uniform(0, horizon * 0.9)
            r = rng.choice((1.2, 1.8, 2.6), p=(0.6, 0.3, 0.1)) * w / 576
            draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 250, 225, int(rng.uniform(140, 255))))
        mx, my, mr = rng.uniform(0.15, 0.85) * w, rng.uniform(0.1, 0.3) * horizon, w * rng.uniform(0.05, 0.08)
        draw.ellipse([mx - mr * 3, my - mr * 3, mx + mr * 3, my + mr * 3], fill=(250, 245, 210, 30))
        draw.ellipse([mx - mr * 1.8, my - mr * 1.8, mx + mr * 1.8, my + mr * 1.8], fill=(250, 245, 210, 50))
        draw.ellipse([mx - mr, my - mr, mx + mr, my + mr], fill=(250, 246, 222, 255))
        return
    if setting.weather == "cloudy":  # no sun: a sky full of grey clouds
        _clouds(draw, setting, w, horizon, rng, 12, (176, 180, 192), 240)
        return
    if setting.time == "day":
        sx, sy, sr, colour = rng.uniform(0.1, 0.9) * w, rng.uniform(0.08, 0.25) * horizon, w * 0.06, (255, 240, 170)
    else:  # a low sun near the horizon
        sx, sy, sr = rng.uniform(0.2, 0.8) * w, horizon * rng.uniform(0.72, 0.88), w * 0.09
        colour = (255, 214, 140) if setting.time == "dawn" else (255, 170, 90)
    draw.ellipse([sx - sr * 2.2, sy - sr * 2.2, sx + sr * 2.2, sy + sr * 2.2], fill=(*colour, 40))
    draw.ellipse([sx - sr, sy - sr, sx + sr, sy + sr], fill=(*colour, 255))
    if setting.weather in ("rain", "mist", "snow"):
        clouds, tone, alpha = 7, (196, 200, 210), 230
    else:
        clouds, tone, alpha = int(rng.integers(2, 5)), (255, 255, 255), 200
    _clouds(draw, setting, w, horizon, rng, clouds, tone, alpha)


def _clouds(draw, setting: Setting, w: int, horizon: int, rng, clouds: int, tone, alpha: int) -> None:
    stretch = 1.8 if setting.weather == "wind" else 1.0  # wind draws them out
    if setting.time == "dusk":
        tone = mix(tone, (250, 170, 150), 0.5)
    elif setting.time == "dawn":
        tone = mix(tone, (255, 214, 210), 0.4)
    for _ in range(clouds):
        cx, cy = rng.uniform(0, w), rng.uniform(0.08, 0.5) * horizon
        cw = w * rng.uniform(0.12, 0.24)
        for _ in range(5):
            dx, dy, r = rng.uniform(-cw, cw), rng.uniform(-cw * 0.15, cw * 0.1), cw * rng.uniform(0.25, 0.45)
            rx = r * stretch
            draw.ellipse([cx + dx - rx, cy + dy - r * 0.6, cx + dx + rx, cy + dy + r * 0.6], fill=(*tone, alpha))


# --- the places ------------------------------------------------------------------------------


def _ground(draw, w, h, horizon, colour, far) -> None:
    """The ground from the horizon down, paler (`far`) at the horizon."""
    steps = 24
    for i in range(steps):
        t = i / (steps - 1)
        y0 = horizon + (h - horizon) * (t**1.6) - 1
        y1 = horizon + (h - horizon) * (min(1.0, (i + 1) / (steps - 1)) ** 1.6) + 1
        draw.rectangle([0, y0, w, y1], fill=mix(far, colour, t))


def _dark(night: bool, colour) -> tuple[int, int, int]:
    """A colour by night: bluer and a little darker (the night light grade does the rest)."""
    return mix(shade(colour, 0.55), (30, 40, 80), 0.4) if night else colour  # silhouettes against the sky


def _round_tree(draw, x, base, size, leaf, night, marks: Marks | None = None) -> None:
    if marks is not None:
        marks.trees.append((float(x), float(base - size * 1.1), float(size * 0.6)))
    trunk = _dark(night, (104, 72, 44))
    draw.rectangle([x - size * 0.08, base - size * 0.9, x + size * 0.08, base], fill=trunk)
    for dx, dy, r in ((0, -1.25, 0.55), (-0.35, -1.0, 0.42), (0.35, -1.0, 0.42), (0, -0.85, 0.45)):
        cx, cy, rr = x + dx * size, base + dy * size, r * size
        draw.ellipse([cx - rr, cy - rr, cx + rr, cy + rr], fill=_dark(night, leaf))
    hx, hy, hr = x - size * 0.15, base - size * 1.4, size * 0.22
    draw.ellipse([hx - hr, hy - hr, hx + hr, hy + hr], fill=_dark(night, shade(leaf, 1.18)))


def _pine(draw, x, base, size, leaf, night, snow=False) -> None:
    draw.rectangle([x - size * 0.05, base - size * 0.25, x + size * 0.05, base], fill=_dark(night, (92, 62, 40)))
    for i in range(3):
        top = base - size * (0.55 + 0.32 * i) - size * 0.3
        half = size * (0.34 - 0.08 * i)
        y0 = base - size * (0.2 + 0.3 * i)
        draw.polygon([(x, top), (x - half, y0), (x + half, y0)], fill=_dark(night, leaf))
        if snow:
            cap = top + (y0 - top) * 0.45
            draw.polygon([(x, top), (x - half * 0.45, cap), (x + half * 0.45, cap)], fill=(246, 248, 252))


def _far_hills(draw, w, horizon, colour, rng, height=0.12) -> None:
    xs = np.linspace(0, w, 40)
    phase, freq = rng.uniform(0, 6), rng.uniform(1.5, 3.5)
    ys = horizon - (0.5 + 0.5 * np.sin(xs / w * np.pi * freq + phase)) * height * horizon - 2
    draw.polygon([(0, horizon + 2), *zip(xs.tolist(), ys.tolist(), strict=True), (w, horizon + 2)], fill=colour)


def _park(image, draw, w, h, horizon, rng, night, setting, marks: Marks) -> None:
    _far_hills(draw, w, horizon, _dark(night, (150, 190, 140)), rng)
    _ground(draw, w, h, horizon, _dark(night, (86, 158, 72)), _dark(night, (150, 196, 120)))
    # a path winding to the horizon
    cx = w * rng.uniform(0.3, 0.7)
    pts_l, pts_r = [], []
    for i in range(12):
        t = i / 11
        y = horizon + (h - horizon) * t
        x = cx + np.sin(t * 3 + rng.uniform(0, 0.1)) * w * 0.12 * t
        half = w * (0.01 + 0.16 * t)
        pts_l.append((x - half, y))
        pts_r.append((x + half, y))
    draw.polygon([*pts_l, *reversed(pts_r)], fill=_dark(night, (226, 206, 160)))
    for _ in range(int(rng.integers(5, 9))):
        x, depth = rng.uniform(0, w), rng.uniform(0, 1)
        base = horizon + (h - horizon) * depth * 0.35
        _round_tree(draw, x, base, h * (0.1 + 0.16 * depth), (58 + int(30 * depth), 128, 60), night, marks)
    for _ in range(int(rng.integers(8, 16))):  # flowers
        x, y = rng.uniform(0, w), rng.uniform(horizon + (h - horizon) * 0.3, h)
        r = 2 + (y - horizon) / h * 6
        colour = [(240, 90, 90), (250, 220, 80), (250, 250, 250), (200, 120, 220)][int(rng.integers(0, 4))]
        draw.ellipse([x - r, y - r, x + r, y + r], fill=_dark(night, colour))


def _forest(image, draw, w, h, horizon, rng, night, setting, marks: Marks) -> None:
    _ground(draw, w, h, horizon, _dark(night, (70, 118, 58)), _dark(night, (120, 150, 110)))
    for layer, (leaf, scale) in enumerate((((126, 160, 132), 0.22), ((72, 124, 80), 0.32), ((36, 88, 52), 0.5))):
        count = int(rng.integers(7, 11)) - layer * 2
        for _ in range(count):
            x = rng.uniform(-0.05, 1.05) * w
            base = horizon + (h - horizon) * (0.02 + 0.12 * layer) + rng.uniform(0, 10)
            size = h * scale * rng.uniform(0.8, 1.2)
            if rng.random() < 0.65:
                _pine(draw, x, base, size, leaf, night)
            else:
                _round_tree(draw, x, base, size * 0.55, leaf, night, marks)


def _river(image, draw, w, h, horizon, rng, night, setting, marks: Marks) -> None:
    """A river winding down from a waterfall that falls over a rocky cliff on the horizon."""
    _far_hills(draw, w, horizon, _dark(night, (140, 180, 150)), rng)
    _ground(draw, w, h, horizon, _dark(night, (92, 160, 80)), _dark(night, (156, 196, 130)))
    water = _dark(night, (74, 140, 200))
    left, right = [], []
    cx = w * rng.uniform(0.35, 0.65)
    # the cliff and the fall behind the river's far end
    cliff_w, cliff_h = w * rng.uniform(0.34, 0.46), h * rng.uniform(0.16, 0.22)
    rock = _dark(night, (128, 116, 104))
    rim = [(cx - cliff_w / 2 + cliff_w * k / 8, horizon - cliff_h * rng.uniform(0.85, 1.1)) for k in range(9)]
    draw.polygon(
        [(cx - cliff_w / 2 - w * 0.04, horizon + 4), *rim, (cx + cliff_w / 2 + w * 0.04, horizon + 4)], fill=rock
    )
    for _ in range(6):  # the rocks' facets
        rx, ry = cx + rng.uniform(-0.45, 0.45) * cliff_w, horizon - rng.uniform(0.1, 0.8) * cliff_h
        draw.polygon([(rx, ry), (rx + w * 0.04, ry + h * 0.02), (rx - w * 0.02, ry + h * 0.04)], fill=shade(rock, 0.8))
    fall_w = cliff_w * 0.4
    top = min(y for _, y in rim[3:6])
    draw.rectangle([cx - fall_w / 2, top, cx + fall_w / 2, horizon + 2], fill=(176, 216, 244))
    for k in range(9):  # the falling water's white streaks
        x = cx - fall_w / 2 + fall_w * (k + 0.5) / 9
        draw.line([x, top + rng.uniform(0, 10), x, horizon], fill=(246, 250, 255, 220), width=max(2, w // 220))
    for _ in range(int(rng.integers(6, 10))):  # spray at its foot
        sx, sr = cx + rng.uniform(-0.7, 0.7) * fall_w, w * rng.uniform(0.015, 0.03)
        draw.ellipse([sx - sr * 1.6, horizon - sr, sx + sr * 1.6, horizon + sr], fill=(250, 252, 255, 210))
    for i in range(14):
        t = i / 13
        y = horizon + (h - horizon) * t
        x = cx + np.sin(t * 2.5 + rng.uniform(0, 0.2)) * w * 0.15 * t
        half = w * (0.05 + 0.3 * t)
        left.append((x - half, y))
        right.append((x + half, y))
    draw.polygon([*left, *reversed(right)], fill=water)
    for _ in range(int(rng.integers(20, 34))):  # glints
        t = rng.uniform(0.05, 1)
        i = min(12, int(t * 13))
        (lx, y), (rx, _) = left[i], right[i]
        x = rng.uniform(lx, rx)
        length = 4 + 22 * t
        draw.line([x - length, y, x + length, y], fill=(230, 242, 255, 190), width=max(1, int(2 * t + 1)))
    (lx, y), (rx, _) = left[7], right[7]
    marks.water = ((lx + rx) / 2, y, (rx - lx) / 2)
    for _ in range(int(rng.integers(3, 6))):
        x = rng.choice((rng.uniform(0, 0.2), rng.uniform(0.8, 1.0))) * w
        _round_tree(draw, x, horizon + rng.uniform(0, 0.1) * h, h * rng.uniform(0.12, 0.2), (60, 130, 66), night, marks)


def _garden(image, draw, w, h, horizon, rng, night, setting, marks: Marks) -> None:
    """A lawn behind a house: a hedge, a white picket fence, flower beds and an apple tree."""
    _ground(draw, w, h, horizon, _dark(night, (100, 172, 84)), _dark(night, (150, 200, 120)))
    hedge = _dark(night, (52, 110, 60))
    for k in range(int(w / (h * 0.05)) + 2):  # the hedge's bumps along the horizon
        x, r = k * h * 0.05, h * rng.uniform(0.04, 0.06)
        draw.ellipse([x - r, horizon - r * 1.6, x + r, horizon + r * 0.4], fill=hedge)
    draw.rectangle([0, horizon - h * 0.04, w, horizon + 2], fill=hedge)
    fence_y, post = horizon + (h - horizon) * 0.12, _dark(night, (250, 248, 240))
    draw.rectangle([0, fence_y - h * 0.07, w, fence_y - h * 0.06], fill=post)
    draw.rectangle([0, fence_y - h * 0.035, w, fence_y - h * 0.025], fill=post)
    for x in np.arange(rng.uniform(0, 12), w, max(10.0, w / 26)):
        pw = max(4.0, w / 70)
        tip, shoulder = fence_y - h * 0.1, fence_y - h * 0.09
        draw.polygon([(x, fence_y), (x, shoulder), (x + pw / 2, tip), (x + pw, shoulder), (x + pw, fence_y)], fill=post)
    side = rng.choice((0.14, 0.86)) * w
    _round_tree(draw, side, fence_y + h * 0.02, h * 0.26, (60, 136, 62), night, marks)
    for _ in range(5):  # apples on the tree
        ax, ay = side + rng.uniform(-0.5, 0.5) * h * 0.26, fence_y - h * 0.26 * rng.uniform(0.9, 1.4)
        draw.ellipse([ax - 5, ay - 5, ax + 5, ay + 5], fill=_dark(night, (214, 52, 48)))
    for row in range(2):  # flower beds
        by = fence_y + (h - fence_y) * (0.15 + 0.55 * row)
        for _ in range(int(rng.integers(10, 16))):
            x, y = rng.uniform(0, w), by + rng.uniform(-0.04, 0.04) * h
            r = 3 + (y - horizon) / h * 9
            colour = [(240, 90, 110), (250, 220, 80), (250, 250, 250), (190, 120, 230), (250, 150, 60)][
                int(rng.integers(0, 5))
            ]
            draw.line([x, y, x, y + r * 2], fill=_dark(night, (60, 130, 60)), width=2)
            draw.ellipse([x - r, y - r, x + r, y + r], fill=_dark(night, colour))


def _street(image, draw, w, h, horizon, rng, night, setting, marks: Marks) -> None:
    _ground(draw, w, h, horizon, _dark(night, (150, 150, 156)), _dark(night, (176, 176, 182)))
    x = -rng.uniform(0, 40)
    palette = [(196, 110, 88), (226, 206, 168), (170, 176, 190), (208, 160, 120), (236, 226, 206), (150, 120, 110)]
    while x < w:
        bw = w * rng.uniform(0.14, 0.24)
        bh = horizon * rng.uniform(0.35, 0.75)
        colour = _dark(night, palette[int(rng.integers(0, len(palette)))])
        draw.rectangle([x, horizon - bh, x + bw - 3, horizon + 4], fill=colour)
        roof = [(x - 4, horizon - bh), (x + bw / 2, horizon - bh - bw * 0.3), (x + bw + 1, horizon - bh)]
        draw.polygon(roof, fill=shade(colour, 0.7))
        win = (255, 214, 120) if night else (120, 160, 200)
        cols, rows = max(2, int(bw // 28)), max(2, int(bh // 34))
        for r in range(rows):
            for c in range(cols):
                wx = x + (c + 0.5) * bw / cols - 6
                wy = horizon - bh + 14 + r * (bh - 24) / rows
                lit = not night or rng.random() < 0.6
                draw.rectangle([wx, wy, wx + 10, wy + 14], fill=win if lit else (40, 44, 60))
        x += bw
    # the pavement and the road's lines
    draw.rectangle([0, horizon, w, horizon + (h - horizon) * 0.12], fill=_dark(night, (200, 196, 190)))
    for i in range(6):
        y = horizon + (h - horizon) * (0.3 + 0.12 * i)
        dash = w * (0.03 + 0.02 * i)
        for k in range(0, w, int(dash * 3)):
            draw.rectangle([k, y, k + dash, y + 2 + i], fill=_dark(night, (240, 236, 220)))
    for _ in range(2):  # street lamps
        lx = rng.uniform(0.1, 0.9) * w
        draw.rectangle([lx - 2, horizon - h * 0.28, lx + 2, horizon + (h - horizon) * 0.1], fill=(50, 52, 60))
        glow = (255, 224, 140, 255) if night else (240, 240, 220, 255)
        draw.ellipse([lx - 8, horizon - h * 0.3 - 8, lx + 8, horizon - h * 0.3 + 8], fill=glow)


def _room(image, draw, w, h, horizon, rng, night, setting, marks: Marks) -> None:
    wall = [(238, 214, 176), (196, 220, 206), (214, 200, 230), (244, 226, 196)][int(rng.integers(0, 4))]
    draw.rectangle([0, 0, w, horizon], fill=_dark(night, wall) if night else wall)
    # the window shows the time of day
    wx, ww, wy, wh = rng.uniform(0.1, 0.55) * w, w * 0.3, horizon * 0.16, horizon * 0.5
    top, low = SKIES[setting.time]
    for i in range(10):
        draw.rectangle([wx, wy + wh * i / 10, wx + ww, wy + wh * (i + 1) / 10], fill=mix(top, low, i / 9))
    frame = (250, 250, 246)
    draw.rectangle([wx - 6, wy - 6, wx + ww + 6, wy + wh + 6], outline=frame, width=8)
    draw.line([wx + ww / 2, wy, wx + ww / 2, wy + wh], fill=frame, width=5)
    draw.line([wx, wy + wh / 2, wx + ww, wy + wh / 2], fill=frame, width=5)
    # a picture on the wall
    px = wx + ww + w * rng.uniform(0.08, 0.2)
    if px + w * 0.14 < w:
        draw.rectangle([px, horizon * 0.25, px + w * 0.14, horizon * 0.48], fill=(150, 110, 70))
        draw.rectangle([px + 5, horizon * 0.25 + 5, px + w * 0.14 - 5, horizon * 0.48 - 5], fill=(150, 196, 220))
    # the floor: wooden boards, and a rug
    floor = (170, 120, 78)
    draw.rectangle([0, horizon, w, h], fill=_dark(night, floor) if night else floor)
    for i in range(1, 9):
        y = horizon + (h - horizon) * (i / 9) ** 1.4
        draw.line([0, y, w, y], fill=shade(floor, 0.8), width=2)
    rx, ry = rng.uniform(0.3, 0.7) * w, horizon + (h - horizon) * 0.6
    rug = [(196, 70, 60), (70, 110, 170), (220, 170, 70)][int(rng.integers(0, 3))]
    draw.ellipse([rx - w * 0.32, ry - (h - horizon) * 0.22, rx + w * 0.32, ry + (h - horizon) * 0.22], fill=rug)
    draw.rectangle([0, horizon - 6, w, horizon + 2], fill=(250, 246, 236))
    if night:  # lamplight
        draw.ellipse([w * 0.7, horizon * 0.4, w * 0.95, horizon * 0.7], fill=(255, 220, 150, 60))


def _beach(image, draw, w, h, horizon, rng, night, setting, marks: Marks) -> None:
    sea_y = horizon + (h - horizon) * rng.uniform(0.25, 0.4)
    sea = _dark(night, (58, 132, 196))
    draw.rectangle([0, horizon, w, sea_y], fill=sea)
    marks.water = (w * 0.5, horizon + (sea_y - horizon) * 0.75, w * 0.5)
    _ground(draw, w, h, int(sea_y), _dark(night, (236, 212, 160)), _dark(night, (244, 226, 186)))
    for i in range(3):  # foam along the water's edge
        y = sea_y - 2 + i * 5
        xs = np.linspace(0, w, 30)
        ys = y + np.sin(xs / w * 12 + rng.uniform(0, 6)) * 3
        draw.line(list(zip(xs.tolist(), ys.tolist(), strict=True)), fill=(250, 252, 255, 200 - 50 * i), width=3)
    for _ in range(int(rng.integers(10, 20))):  # waves out at sea
        x, y = rng.uniform(0, w), rng.uniform(horizon + 3, sea_y - 6)
        draw.arc([x - 14, y - 4, x + 14, y + 4], 200, 340, fill=(220, 236, 250), width=2)
    if rng.random() < 0.6:  # a sailing boat
        bx, by = rng.uniform(0.1, 0.9) * w, horizon + (sea_y - horizon) * 0.4
        draw.polygon([(bx - 18, by), (bx + 18, by), (bx + 12, by + 7), (bx - 12, by + 7)], fill=(150, 80, 60))
        draw.polygon([(bx, by - 34), (bx, by - 2), (bx + 16, by - 2)], fill=(250, 250, 246))
    for _ in range(int(rng.integers(4, 9))):  # shells and pebbles
        x, y = rng.uniform(0, w), rng.uniform(sea_y + 20, h)
        r = 2 + (y - sea_y) / h * 7
        draw.ellipse([x - r, y - r * 0.7, x + r, y + r * 0.7], fill=_dark(night, (250, 236, 226)))


def _snow(image, draw, w, h, horizon, rng, night, setting, marks: Marks) -> None:
    _far_hills(draw, w, horizon, (226, 232, 244), rng, height=0.2)
    _ground(draw, w, h, horizon, _dark(night, (244, 247, 252)), _dark(night, (214, 224, 240)))
    for _ in range(int(rng.integers(5, 9))):
        x, depth = rng.uniform(0, w), rng.uniform(0, 1)
        base = horizon + (h - horizon) * depth * 0.3
        _pine(draw, x, base, h * (0.14 + 0.2 * depth), (46, 100, 76), night, snow=True)
    for _ in range(int(rng.integers(3, 7))):  # drifts' shadows
        x, y = rng.uniform(0, w), rng.uniform(horizon + 20, h)
        draw.ellipse([x - w * 0.15, y - 6, x + w * 0.15, y + 6], fill=(206, 218, 238, 160))


def _hills(image, draw, w, h, horizon, rng, night, setting, marks: Marks) -> None:
    greens = [(150, 196, 150), (112, 170, 96), (80, 146, 70)]
    if setting.place == "night sky":
        greens = [(44, 54, 86), (32, 40, 66), (22, 28, 48)]
    _ground(draw, w, h, horizon, _dark(night, greens[2]), _dark(night, greens[0]))
    for i, colour in enumerate(greens):
        level = horizon + (h - horizon) * (0.02 + 0.22 * i) - h * 0.04
        xs = np.linspace(0, w, 40)
        ys = level - np.abs(np.sin(xs / w * np.pi * rng.uniform(0.8, 2.2) + rng.uniform(0, 6))) * h * 0.08
        draw.polygon([(0, h), *zip(xs.tolist(), ys.tolist(), strict=True), (w, h)], fill=_dark(night, colour))
    if setting.place != "night sky":
        for _ in range(int(rng.integers(2, 5))):
            x = rng.uniform(0, w)
            _round_tree(
                draw, x, horizon + rng.uniform(0, 0.12) * h, h * rng.uniform(0.08, 0.16), (58, 124, 58), night, marks
            )


# the places painted here, by name (the rooms, space and the moon: core.offline.interiors)
PAINTERS = {
    "park": _park,
    "garden": _garden,
    "forest": _forest,
    "river": _river,
    "street": _street,
    "room": _room,
    "beach": _beach,
    "snow": _snow,
    "night sky": _hills,
    "hills": _hills,
}
