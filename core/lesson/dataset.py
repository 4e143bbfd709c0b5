"""Picture/caption pairs drawn on the spot: shapes and animal silhouettes in a colour, at a place,
at a time of day, each with the caption that says so ("a red cat on the left at night").

Every combination of the four choices is a different caption; a data set is a seeded sample of
them without repeats, split into pairs to learn from and held-out pairs whose captions were never
seen while learning (so a good W has to put together what it learnt about "red" and "cat").
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

SIZE = 64  # pixels a side: big enough to see, small enough to draw hundreds in a blink

THINGS = ("circle", "square", "triangle", "star", "cat", "fish", "bird", "house")
COLOURS = {
    "red": (220, 40, 40),
    "green": (40, 170, 60),
    "blue": (40, 80, 220),
    "yellow": (240, 210, 40),
    "purple": (140, 60, 180),
    "white": (245, 245, 245),
}
PLACES = {"on the left": 0.27, "in the middle": 0.5, "on the right": 0.73}
TIMES = ("by day", "at sunset", "at night")


@dataclass(frozen=True)
class Scene:
    """What a picture shows; its caption says exactly that."""

    thing: str
    colour: str
    place: str
    time: str

    @property
    def caption(self) -> str:
        return f"a {self.colour} {self.thing} {self.place} {self.time}"


@dataclass(frozen=True)
class Pair:
    image: Image.Image
    caption: str
    scene: Scene


@dataclass(frozen=True)
class Dataset:
    train: list[Pair]
    test: list[Pair]


def every_scene() -> list[Scene]:
    """All the scenes the lesson can draw (and so every caption it can choose from)."""
    return [Scene(*combo) for combo in itertools.product(THINGS, COLOURS, PLACES, TIMES)]


def make_dataset(pairs: int = 300, held_out: float = 0.2, seed: int = 0) -> Dataset:
    """`pairs` different scenes, drawn with seeded jitter; `held_out` of them kept for testing."""
    scenes = every_scene()
    if not 10 <= pairs <= len(scenes):
        raise ValueError(f"pairs must be between 10 and {len(scenes)}")
    rng = random.Random(seed)
    chosen = rng.sample(scenes, pairs)
    drawn = [Pair(draw(scene, rng), scene.caption, scene) for scene in chosen]
    cut = max(5, round(pairs * held_out))
    return Dataset(train=drawn[cut:], test=drawn[:cut])


def draw(scene: Scene, rng: random.Random) -> Image.Image:
    """One picture of `scene`: a sky for the time of day, the thing in its colour at its place."""
    image = Image.new("RGB", (SIZE, SIZE))
    paint = ImageDraw.Draw(image)
    _sky(paint, scene.time, rng)
    colour = tuple(max(0, min(255, c + rng.randint(-25, 25))) for c in COLOURS[scene.colour])
    size = SIZE * rng.uniform(0.32, 0.42)
    cx = SIZE * PLACES[scene.place] + rng.uniform(-3, 3)
    cy = SIZE * rng.uniform(0.55, 0.68)
    _THINGS[scene.thing](paint, cx, cy, size, colour)
    return image.filter(ImageFilter.GaussianBlur(rng.uniform(0, 0.6)))


def _sky(paint: ImageDraw.ImageDraw, time: str, rng: random.Random) -> None:
    top, bottom = {
        "by day": ((120, 190, 250), (200, 230, 255)),
        "at sunset": ((250, 120, 70), (255, 200, 120)),
        "at night": ((10, 15, 50), (30, 40, 90)),
    }[time]
    for y in range(SIZE):
        t = y / (SIZE - 1)
        paint.line([(0, y), (SIZE, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))
    x = rng.uniform(6, SIZE - 14)
    if time == "at night":
        paint.ellipse([x, 4, x + 8, 12], fill=(235, 235, 210))  # the moon
        for _ in range(6):
            sx, sy = rng.uniform(0, SIZE), rng.uniform(0, SIZE * 0.4)
            paint.point((sx, sy), fill=(255, 255, 255))
    else:
        paint.ellipse([x, 3, x + 10, 13], fill=(255, 230, 90) if time == "by day" else (255, 120, 40))


def _box(cx: float, cy: float, size: float) -> list[float]:
    h = size / 2
    return [cx - h, cy - h, cx + h, cy + h]


def _circle(paint, cx, cy, size, colour) -> None:
    paint.ellipse(_box(cx, cy, size), fill=colour)


def _square(paint, cx, cy, size, colour) -> None:
    paint.rectangle(_box(cx, cy, size * 0.9), fill=colour)


def _triangle(paint, cx, cy, size, colour) -> None:
    h = size / 2
    paint.polygon([(cx, cy - h), (cx + h, cy + h), (cx - h, cy + h)], fill=colour)


def _star(paint, cx, cy, size, colour) -> None:
    import math

    points = []
    for i in range(10):
        r = size / 2 if i % 2 == 0 else size / 5
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    paint.polygon(points, fill=colour)


def _cat(paint, cx, cy, size, colour) -> None:
    s = size / 2
    paint.ellipse([cx - s, cy - s * 0.3, cx + s * 0.6, cy + s], fill=colour)  # body
    paint.ellipse([cx + s * 0.2, cy - s * 0.9, cx + s, cy - s * 0.1], fill=colour)  # head
    paint.polygon(
        [(cx + s * 0.25, cy - s * 0.6), (cx + s * 0.35, cy - s * 1.2), (cx + s * 0.55, cy - s * 0.8)], fill=colour
    )
    paint.polygon(
        [(cx + s * 0.65, cy - s * 0.8), (cx + s * 0.85, cy - s * 1.2), (cx + s * 0.95, cy - s * 0.6)], fill=colour
    )
    paint.line([(cx - s, cy + s * 0.5), (cx - s * 1.2, cy - s * 0.4)], fill=colour, width=max(2, round(s / 5)))  # tail


def _fish(paint, cx, cy, size, colour) -> None:
    s = size / 2
    paint.ellipse([cx - s * 0.6, cy - s * 0.45, cx + s, cy + s * 0.45], fill=colour)
    paint.polygon([(cx - s * 0.5, cy), (cx - s, cy - s * 0.5), (cx - s, cy + s * 0.5)], fill=colour)


def _bird(paint, cx, cy, size, colour) -> None:
    s = size / 2
    paint.ellipse([cx - s * 0.7, cy - s * 0.3, cx + s * 0.5, cy + s * 0.4], fill=colour)  # body
    paint.ellipse([cx + s * 0.3, cy - s * 0.6, cx + s * 0.8, cy - s * 0.1], fill=colour)  # head
    paint.polygon([(cx + s * 0.8, cy - s * 0.4), (cx + s, cy - s * 0.3), (cx + s * 0.8, cy - s * 0.2)], fill=colour)
    paint.polygon([(cx - s * 0.3, cy - s * 0.1), (cx + s * 0.1, cy - s), (cx + s * 0.2, cy - s * 0.1)], fill=colour)


def _house(paint, cx, cy, size, colour) -> None:
    s = size / 2
    paint.rectangle([cx - s * 0.7, cy - s * 0.1, cx + s * 0.7, cy + s], fill=colour)
    paint.polygon([(cx - s, cy - s * 0.1), (cx, cy - s), (cx + s, cy - s * 0.1)], fill=colour)


_THINGS = {
    "circle": _circle,
    "square": _square,
    "triangle": _triangle,
    "star": _star,
    "cat": _cat,
    "fish": _fish,
    "bird": _bird,
    "house": _house,
}
