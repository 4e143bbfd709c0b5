"""A page's scene spec drawn: its place, light and weather, its props and companions, and the hero.

The offline writer plans each page as a `core.story.SceneSpec` (setting, time, weather, the hero's
pose and action, companions, props, framing) in the vocabulary of `core.offline.world`; `stage`
draws exactly that, before the book's style is laid over it:

- the setting painted at its time of day and in its weather (`core.offline.scenery`, rooms and
  space in `core.offline.interiors`);
- every companion and prop the page names, from the vendored pictures (`core.offline.sprites`),
  where such a thing belongs: a kite caught in a tree's crown or flying on its string, a balloon
  above the hero, a boat or a duck on the water, a teapot on the counter, a hat on the hero's
  head, a star in the sky, the animals on the ground beside the hero and facing it;
- the hero, the cut-out of the photo's subject (`core.offline.cutout`), whole: inside the frame,
  its outline rounded wherever the photo cut it and set off by a pale sticker edge, sized by the
  framing (a third of the height wide, about half medium, three quarters close), placed left,
  centre or right by the seed, and posed for the action: leaning into a walk or a run, raised
  off its shadow for a jump, lower and nearer for sitting, lying down (on the bed, if the room
  has one) with a "zzz" for sleep, turned and afloat in space, leaning towards what it reaches
  for or looks at, close against the companion it hugs.

`stage` returns the picture and a `Staging` saying where everything was put, so tests and the
bench can check that each thing named is drawn. Every choice comes from a generator seeded by
the job's seed: the same page gives the same picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageDraw

from core.offline.cutout import Cutout
from core.offline.interiors import PAINTERS
from core.offline.scenery import Marks, Setting, paint_stage, stamp
from core.offline.spots import draw_spot
from core.offline.sprites import sprite
from core.offline.world import COMPANIONS, PROPS, SETTINGS

# the spec's words as the scenery and the light grade name them
TIMES = {"morning": "dawn", "day": "day", "dusk": "dusk", "night": "night"}
WEATHERS = {"clear": None, "cloudy": "cloudy", "rain": "rain", "snow": "snow", "wind": "wind"}
# the hero's height as a share of the picture's, by framing
HERO_HEIGHT = {"wide": (0.26, 0.36), "medium": (0.4, 0.56), "close": (0.66, 0.78)}
# a bust (a photo that cut its subject at the bottom: a close-up of a face) is drawn this much
# smaller: at a whole figure's height a cat's face filled the picture and hid the scene it was in
BUST = 0.62
# where the hero's feet are between the horizon (0) and the picture's foot (1), by framing
FOOTING = {"wide": 0.42, "medium": 0.72, "close": 0.96}
# poses: (lean in degrees towards where the hero goes, height factor, lift as a share of height)
POSES = {
    "stand": (0, 1.0, 0.0),
    "walk": (5, 1.0, 0.02),
    "run": (12, 0.96, 0.06),
    "sit": (-4, 0.8, 0.0),
    "sleep": (90, 0.78, 0.0),
    "jump": (8, 0.92, 0.32),
    "look": (9, 1.0, 0.0),
    "reach": (14, 1.0, 0.04),
    "wave": (-7, 1.0, 0.0),
    "hug": (-10, 0.96, 0.0),
    "float": (22, 0.9, 0.0),
}
IN_THE_AIR = ("kite", "balloon", "star", "bird", "owl", "butterfly", "rocket")
ON_THE_WATER = ("boat", "duck")
ON_A_TABLE = ("cup", "teapot", "cake", "book", "apple", "basket", "lantern", "present", "yarn", "map", "key", "compass")
EDGE = (250, 247, 238)  # the pale sticker edge around the hero
WRITTEN_ON = ("classroom", "cafe")  # settings with words on the wall, never painted mirrored
# how far from the middle the hero stands (share of the width: least, most), by framing
SPREAD = {"close": (0.04, 0.12), "medium": (0.1, 0.26), "wide": (0.12, 0.32)}


@dataclass
class Staging:
    """What was drawn and where (x0, y0, x1, y1 in pixels): the hero and each named thing."""

    setting: Setting
    hero: tuple[int, int, int, int] | None = None
    things: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)


def setting_of(spec, time: str | None = None, weather: str | None = None) -> Setting:
    """The scenery's setting for a spec; `time` and `weather` (the scenery's words: "dawn",
    "rain" ...) are the prompt's, when the person's words name them, and win over the spec's."""
    place = spec.setting if spec.setting in SETTINGS else "hills"
    when = time if time in ("dawn", "day", "dusk", "night") else TIMES.get(spec.time, "day")
    if time == "noon":
        when = "day"
    return Setting(place, when, weather if weather is not None else WEATHERS.get(spec.weather))


def stage(spec, setting: Setting, framing: str, cutout: Cutout | None, size: tuple[int, int], seed: int):
    """The page's picture before its style (uint8 RGB at `size`) and its `Staging`."""
    width, height = size
    rng = np.random.default_rng([seed, 11])
    painted = paint_stage(setting, size, rng, PAINTERS.get(setting.place))
    marks, horizon = painted.marks, painted.horizon
    image = Image.fromarray(painted.image)
    if setting.place not in WRITTEN_ON and rng.random() < 0.5:  # seen the other way round
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        marks = _mirrored(marks, width)
    staging = Staging(setting)
    pose = spec.pose if spec.pose in POSES else "stand"
    if setting.place == "space" and pose in ("stand", "walk", "run", "sit", "jump"):
        pose = "float"
    # the things it names, once each; a word outside the world's vocabulary (an older or hand-made
    # spec) is left out rather than failing the picture
    names = [n for n in dict.fromkeys([*spec.companions, *spec.props]) if n in COMPANIONS or n in PROPS]
    # the hero stands left, centre or right; the things named go mostly on the other side
    side = -1 if rng.random() < 0.5 else 1
    hero_cx = width * (0.5 + side * rng.uniform(*SPREAD.get(framing, SPREAD["medium"])))
    hero_h = height * rng.uniform(*HERO_HEIGHT.get(framing, HERO_HEIGHT["medium"]))
    if cutout is not None and cutout.cut_at_bottom:
        hero_h *= BUST
    ground = horizon + (height - horizon) * FOOTING.get(framing, 0.72) + rng.uniform(-0.06, 0.04) * height
    if not marks.ground:
        ground = height * rng.uniform(0.62, 0.8)
    facing = -side  # towards the middle, where the things are
    # the hero's box first (things are placed around it), drawn after what stands behind it
    hero = _posed(cutout, pose, hero_h, facing, rng) if cutout is not None else None
    if hero is not None:  # whole: never larger than the picture
        fit = min(1.0, width * 0.92 / hero.width, height * 0.94 / hero.height)
        if fit < 1.0:
            hero = hero.resize((max(4, round(hero.width * fit)), max(4, round(hero.height * fit))), Image.LANCZOS)
    if hero is not None:
        box = _hero_box(hero, pose, hero_cx, ground, hero_h, width, height, marks, setting)
        staging.hero = box
    else:
        box = (int(hero_cx - hero_h * 0.3), int(ground - hero_h), int(hero_cx + hero_h * 0.3), int(ground))
    nest = "hat" in names and "bird" in names  # "the hat, upside down, with a little bird inside"
    behind = [
        n for n in names if (n in IN_THE_AIR and not (nest and n == "bird")) or (n in ON_THE_WATER and marks.water)
    ]
    beside = [n for n in names if n not in behind]
    taken: dict[str, list[tuple[float, float]]] = {}  # the rows (sky, water) and what is in them
    floor: list[tuple[float, float]] = []  # what stands on the ground beside the hero
    spot = draw_spot(image, spec.spot, setting.place, box, facing, ground if marks.ground else box[3], horizon)
    if spot is not None:  # where the try happens ("under the table"), behind what is drawn next
        staging.things[spot[0]] = spot[1]
        floor.append((spot[1][0], spot[1][2]))
    for name in behind:
        staging.things[name] = _behind(
            image, name, box, marks, spec, setting, width, height, horizon, rng, facing, taken
        )
    if hero is not None:
        if marks.ground and pose not in ("float",) and not (pose == "sleep" and marks.bed):
            _shadow(image, _solid(hero, box), ground, pose)
        _paste_hero(image, hero, box, setting)
        if pose == "sleep":
            stamp(image, "zzz", box[2] if facing > 0 else box[0], box[1] + (box[3] - box[1]) * 0.2, hero_h * 0.28)
        if pose in ("walk", "run", "jump", "wave"):
            _motion_lines(image, box, facing, pose)
    staging.things.update(
        _beside(image, beside, box, ground, marks, pose, facing, width, height, horizon, rng, _colours(spec), floor)
    )
    hugged = [staging.things[n] for n in spec.companions if n in staging.things and n not in IN_THE_AIR]
    if hero is not None and pose == "hug" and hugged:  # a heart over the friend it hugs
        cx0, cy0, cx1, _ = hugged[0]
        _heart(image, (cx0 + cx1) / 2, max(height * 0.05, cy0 - height * 0.05), height * 0.035)
    return np.asarray(image.convert("RGB"), dtype=np.uint8), staging


# --- the hero --------------------------------------------------------------------------------


def _mirrored(marks: Marks, width: int) -> Marks:
    """The marks of a scene painted mirrored."""

    def row(span):
        return None if span is None else (width - span[1], width - span[0], span[2])

    water = None if marks.water is None else (width - marks.water[0], marks.water[1], marks.water[2])
    trees = [(width - x, y, r) for x, y, r in marks.trees]
    sky = [(width - b, width - a) for a, b in marks.sky]
    return Marks(trees, water, row(marks.surface), row(marks.bed), marks.ground, sky)


def _posed(cutout: Cutout, pose: str, hero_h: float, facing: int, rng) -> Image.Image:
    """The cut-out at its size, mirrored to face `facing` (-1 left, 1 right), turned for the pose,
    with its pale sticker edge (RGBA)."""
    lean, factor, _ = POSES[pose]
    rgba = cutout.rgba
    scale = hero_h * factor / rgba.shape[0]
    size = (max(4, round(rgba.shape[1] * scale)), max(4, round(rgba.shape[0] * scale)))
    art = Image.fromarray(rgba).resize(size, Image.Resampling.LANCZOS)
    if (facing > 0) == bool(rng.random() < 0.5):
        art = art.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    pad = max(3, round(max(size) / 60))
    art = _edged(art, pad)
    angle = lean + rng.uniform(-3, 3)
    if pose == "float":
        angle = lean * (1 if rng.random() < 0.5 else -1)
    elif pose != "sleep":
        angle = angle * facing  # lean towards where it goes
    else:
        angle = 90 * facing  # lying down, head towards where it faced
    return _turned(art, -angle)


def _edged(art: Image.Image, pad: int) -> Image.Image:
    """The cut-out with a pale edge `pad` pixels wide around its outline, like a sticker.

    Blended in uint8 (`cv2.blendLinear`, one weight plane) rather than in float32 over four
    channels: the same picture (within one level of rounding), in a third of the time."""
    rgba = np.asarray(art)
    margin = pad + 2
    alpha = np.pad(rgba[..., 3], margin)
    ring = cv2.dilate(alpha, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * pad + 1, 2 * pad + 1)))
    ring = cv2.GaussianBlur(ring, (0, 0), max(0.8, pad / 3))
    inner = np.pad(rgba[..., :3], ((margin, margin), (margin, margin), (0, 0)))
    weight = alpha.astype(np.float32) * (1 / 255)
    rgb = cv2.blendLinear(inner, np.full_like(inner, EDGE), weight, 1 - weight)
    return Image.fromarray(np.dstack([rgb, np.maximum(ring, alpha)]), "RGBA")


def _turned(art: Image.Image, angle: float) -> Image.Image:
    """`art` (RGBA) turned `angle` degrees anticlockwise on a canvas grown to hold it all, as
    Pillow's `rotate(angle, BICUBIC, expand=True)` turns it (the same size and place), in OpenCV
    and bilinear: ten times faster, and on a cut-out just enlarged by Lanczos no one can tell
    (50 dB PSNR against Pillow's). Its clear pixels are `EDGE`-coloured (`_edged`), so
    interpolating straight (not premultiplied) alpha gives the same rim."""
    if angle % 90 == 0:  # Pillow transposes these: exact, and as fast
        return art.rotate(angle, expand=True)
    w, h = art.size
    turn = math.radians(angle)
    cos, sin = abs(math.cos(turn)), abs(math.sin(turn))
    reach_x, reach_y = (w * cos + h * sin) / 2, (w * sin + h * cos) / 2
    nw = math.ceil(w / 2 + reach_x) - math.floor(w / 2 - reach_x)
    nh = math.ceil(h / 2 + reach_y) - math.floor(h / 2 - reach_y)
    matrix = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), angle, 1.0)
    matrix[:, 2] += ((nw - w) / 2, (nh - h) / 2)
    turned = cv2.warpAffine(
        np.asarray(art),
        matrix,
        (nw, nh),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(*EDGE, 0),
    )
    return Image.fromarray(turned, "RGBA")


def _hero_box(hero: Image.Image, pose, cx, ground, hero_h, width, height, marks: Marks, setting):
    """Where the posed hero goes (x0, y0, x1, y1): feet on the ground (raised for a jump, on the
    bed for sleep, anywhere afloat), always wholly inside the picture."""
    w, h = hero.size
    _, _, lift = POSES[pose]
    bottom = ground - lift * hero_h
    if pose == "sleep" and marks.bed:
        x0, x1, y = marks.bed
        cx, bottom = (x0 + x1) / 2, y + h * 0.25
    if pose == "float" or not marks.ground:
        bottom = ground + h * 0.1
    margin = max(4, round(min(width, height) * 0.02))
    x0 = round(min(max(cx - w / 2, margin), width - margin - w))
    y0 = round(min(max(bottom - h, margin), height - margin - h))
    if w > width - 2 * margin or h > height - 2 * margin:  # larger than the picture: centred
        x0, y0 = (width - w) // 2, (height - h) // 2
    return x0, y0, x0 + w, y0 + h


def _solid(hero: Image.Image, box) -> tuple[int, int, int, int]:
    """The hero's box down to its lowest solid row: the posed cut-out has a pale edge and, turned,
    empty corners below it, and a shadow under those looked like a head floating above the floor."""
    rows = np.flatnonzero(np.asarray(hero.getchannel("A")).max(axis=1) > 128)
    if rows.size == 0:
        return box
    x0, y0, x1, _ = box
    return x0, y0, x1, y0 + int(rows[-1]) + 1


def _shadow(image: Image.Image, box, ground: float, pose: str) -> None:
    """A soft shadow on the ground under the hero, smaller the higher it jumps."""
    x0, y0, x1, y1 = box
    w = x1 - x0
    small = 0.6 if pose == "jump" else 1.0
    rx, ry = w * 0.38 * small, max(3, w * 0.05 * small)
    y = min(image.height - ry - 1, ground if pose == "jump" else y1 - ry * 0.4)
    shadow = Image.new("L", image.size, 0)
    ellipse = [(x0 + x1) / 2 - rx, y - ry, (x0 + x1) / 2 + rx, y + ry]
    ImageDraw.Draw(shadow).ellipse(ellipse, fill=95)
    # blurred where it can reach, not over the whole picture (the same pixels, several times
    # faster): a margin of twice the kernel's reach keeps the blur's mirrored border all zeros
    sigma = max(2.0, w * 0.03)
    margin = int(8 * sigma) + 4
    left, top = max(0, int(ellipse[0]) - margin), max(0, int(ellipse[1]) - margin)
    right, bottom = min(image.width, int(ellipse[2]) + 2 + margin), min(image.height, int(ellipse[3]) + 2 + margin)
    if right <= left or bottom <= top:
        return
    area = np.asarray(shadow)[top:bottom, left:right]
    # a wide blur is done smaller (sigma about 3 there) and enlarged: on a soft ellipse nobody can
    # tell, and the blur of a large hero's shadow took a twentieth of the picture's time
    shrink = max(1, int(sigma // 3))
    if shrink > 1:
        full = (right - left, bottom - top)
        small = cv2.resize(area, (-(-full[0] // shrink), -(-full[1] // shrink)), interpolation=cv2.INTER_AREA)
        blurred = cv2.resize(cv2.GaussianBlur(small, (0, 0), sigma / shrink), full, interpolation=cv2.INTER_LINEAR)
    else:
        blurred = cv2.GaussianBlur(area, (0, 0), sigma)
    image.paste((20, 24, 30), (left, top, right, bottom), Image.fromarray(blurred))


def _paste_hero(image: Image.Image, hero: Image.Image, box, setting: Setting) -> None:
    """The hero pasted, tinted a little towards the scene's light so it belongs there (the light
    sampled on every 8th pixel, the tint one saturating OpenCV multiply: a float copy of the
    whole scene and of the hero cost more than the rest of the paste)."""
    scene = np.asarray(image if image.mode == "RGB" else image.convert("RGB"))[::8, ::8]
    ambient = scene.reshape(-1, 3).astype(np.float32).mean(axis=0) / 255
    tint = 0.85 + 0.3 * ambient / max(1e-6, float(ambient.mean()))
    strength = 0.4 if setting.time == "night" else 0.2
    gain = (*(1 - strength + strength * tint).tolist(), 1.0)
    art = Image.fromarray(cv2.multiply(np.asarray(hero), gain, dtype=cv2.CV_8U), "RGBA")
    image.paste(art, (box[0], box[1]), art)


def _motion_lines(image: Image.Image, box, facing: int, pose: str) -> None:
    """Speed lines behind a runner (two short ones behind a walker: a lean alone did not show on a
    small hero), little arcs under a jump, and by a waving hero's shoulder."""
    draw = ImageDraw.Draw(image, "RGBA")
    x0, y0, x1, y1 = box
    h = y1 - y0
    colour, width = (255, 255, 255, 200), max(2, h // 70)
    if pose in ("run", "walk"):
        back = x0 if facing > 0 else x1
        rows, length = ((0.3, 0.45, 0.6, 0.75), 0.25) if pose == "run" else ((0.6, 0.78), 0.16)
        for k, row in enumerate(rows):
            y = y0 + h * row
            draw.line(
                [back - facing * h * 0.05, y, back - facing * h * (length + 0.05 * k), y], fill=colour, width=width
            )
    elif pose == "wave":  # a waving hand's little arcs by the hero's shoulder
        x = x1 + h * 0.02 if facing > 0 else x0 - h * 0.02
        for k in range(3):
            r = h * (0.06 + 0.05 * k)
            start = 300 if facing > 0 else 150
            draw.arc([x - r, y0 + h * 0.3 - r, x + r, y0 + h * 0.3 + r], start, start + 90, fill=colour, width=width)
    else:
        cx = (x0 + x1) / 2
        for k in range(3):
            r = (x1 - x0) * (0.2 + 0.1 * k)
            draw.arc([cx - r, y1 + h * 0.02 + k * 6, cx + r, y1 + h * 0.12 + k * 6], 20, 160, fill=colour, width=width)


def _heart(image: Image.Image, x: float, y: float, r: float) -> None:
    """A small red heart (a hug)."""
    draw = ImageDraw.Draw(image, "RGBA")
    red = (226, 60, 80, 235)
    draw.ellipse([x - r, y - r * 0.5, x, y + r * 0.5], fill=red)
    draw.ellipse([x, y - r * 0.5, x + r, y + r * 0.5], fill=red)
    draw.polygon([(x - r * 0.97, y + r * 0.1), (x + r * 0.97, y + r * 0.1), (x, y + r * 1.2)], fill=red)


# --- props and companions ----------------------------------------------------------------------


def _clear_of(trees, hero_box, width):
    """The largest tree crown not behind the hero and not at the picture's edge (None: none)."""
    x0, y0, x1, y1 = hero_box
    clear = [
        t for t in trees if (t[0] + t[2] < x0 or t[0] - t[2] > x1 or t[1] + t[2] < y0) and 0.1 < t[0] / width < 0.9
    ]
    return max(clear, key=lambda t: t[2]) if clear else None


def _colours(spec) -> dict[str, str]:
    """The colours the page's text gives its props ({"ball": "red"}); none for an older spec."""
    return getattr(spec, "colours", None) or {}


def _behind(image, name, hero_box, marks: Marks, spec, setting, width, height, horizon, rng, facing, taken):
    """Things in the air (a kite in a tree or on its string, a balloon, a bird, a star) or on the
    water (a boat, a duck), drawn before the hero; returns the box drawn."""
    x0, y0, x1, y1 = hero_box
    hero_h = y1 - y0
    hand = ((x0 + x1) / 2 + facing * (x1 - x0) * 0.3, y0 + hero_h * 0.45)
    away = (x1 + (width - x1) * 0.5) if facing > 0 else x0 * 0.5
    if name in ON_THE_WATER:
        wx, wy, half = marks.water  # type: ignore[misc]
        size = height * (0.12 if name == "boat" else 0.08) * (0.7 + 0.6 * (wy - horizon) / max(1, height - horizon))
        row = taken.setdefault("water", [])
        span = (max(width * 0.1, wx - half * 0.8), min(width * 0.9, wx + half * 0.8))
        x = _free_x(_half_width(name, size), row, wx + rng.uniform(-0.5, 0.5) * half, (x0, x1), span)
        return stamp(image, name, x, wy + size * 0.3, size, flip=name == "duck" and x < (x0 + x1) / 2)
    if name == "kite":
        tree = _tree_for(image, marks, spec, setting, width, height, horizon, facing, hero_box, rng)
        draw = ImageDraw.Draw(image, "RGBA")
        if tree is not None:  # caught in the crown, its tail hanging down
            tx, ty, tr = tree
            box = stamp(
                image,
                "kite",
                tx + rng.uniform(-0.3, 0.3) * tr,
                ty + tr * 0.3,
                height * 0.12,
                angle=25,
                colour=_colours(spec).get("kite"),
            )
            draw.line([box[0] + 4, box[3] - 4, box[0] - tr * 0.2, box[3] + tr * 0.9], fill=(70, 60, 60, 230), width=2)
            return box
        kx, ky = min(width * 0.88, max(width * 0.12, away)), height * rng.uniform(0.1, 0.22)
        box = stamp(
            image,
            "kite",
            kx,
            ky + height * 0.12,
            height * 0.13,
            angle=float(rng.uniform(-20, 20)),
            colour=_colours(spec).get("kite"),
        )
        sag = [(hand[0] + (kx - hand[0]) * t, hand[1] + (box[3] - hand[1]) * t + np.sin(t * np.pi) * height * 0.05)
               for t in np.linspace(0, 1, 12)]  # fmt: skip
        draw.line(sag, fill=(60, 60, 70, 220), width=2)
        return box
    if name == "balloon":
        bx, by = hand[0] + facing * hero_h * 0.15, max(height * 0.06, y0 - hero_h * 0.45)
        box = stamp(image, "balloon", bx, by + height * 0.14, height * 0.14, colour=_colours(spec).get("balloon"))
        draw = ImageDraw.Draw(image, "RGBA")
        draw.line([(box[0] + box[2]) / 2, box[3] - 2, hand[0], hand[1]], fill=(80, 70, 70, 220), width=2)
        return box
    perch = _clear_of(marks.trees, hero_box, width)
    if name in ("owl", "bird") and perch is not None:
        tx, ty, tr = perch
        return stamp(image, name, tx, ty + tr * 0.2, max(height * 0.07, tr * 0.7), flip=tx < (x0 + x1) / 2)
    if name == "rocket" and setting.indoor:
        return _on_the_floor(image, name, hero_box, height * 0.16, facing, width, rng)
    # flying or shining in the sky (a star indoors is high on the wall), each further along
    sky_bottom = horizon if marks.ground else height
    size = height * {"star": 0.1, "rocket": 0.2, "owl": 0.1}.get(name, 0.08)
    row = taken.setdefault("sky", list(marks.sky))
    half = _half_width(name, size) * (1.5 if name == "rocket" else 1.0)  # turned, it is wider
    x = _free_x(half, row, away + rng.uniform(-0.1, 0.1) * width, (x0, x1), (width * 0.1, width * 0.9))
    y = max(sky_bottom * rng.uniform(0.15, 0.45), size * (0.8 if name == "rocket" else 0.5) + height * 0.03)
    if name in ("bird", "butterfly"):  # near the hero's head
        x, y = hand[0] + facing * hero_h * 0.3, max(height * 0.1, y0 - height * 0.02)
    if name == "star":
        _glow(image, x, y, size * 0.9)
    return stamp(image, name, x, y + size / 2, size, flip=x > (x0 + x1) / 2 and name in ("bird", "owl"),
                 angle=-35 if name == "rocket" else 0.0)  # fmt: skip


def _tree_for(image, marks: Marks, spec, setting, width, height, horizon, facing, hero_box, rng):
    """A tree's crown for a kite caught in a tree: one the scene painted, else a tree drawn for
    it when the page's action speaks of one (None: the kite flies)."""
    says_tree = "tree" in (spec.action or "").lower() or "branch" in (spec.action or "").lower()
    if setting.indoor or setting.place in ("space", "moon", "beach"):
        return None
    perch = _clear_of([t for t in marks.trees if t[2] > height * 0.05], hero_box, width)
    if perch is not None and (says_tree or rng.random() < 0.4):
        return perch
    if not says_tree:
        return None
    x0, _, x1, _ = hero_box
    tx = (x1 + (width - x1) * 0.55) if facing > 0 else x0 * 0.45
    tx = min(width * 0.85, max(width * 0.15, tx))
    base = horizon + (height - horizon) * 0.3
    box = stamp(image, "tree", tx, base, height * 0.42)
    return (tx, box[1] + (box[3] - box[1]) * 0.3, (box[2] - box[0]) * 0.4)


def _glow(image: Image.Image, x: float, y: float, r: float) -> None:
    draw = ImageDraw.Draw(image, "RGBA")
    for k, alpha in ((1.0, 40), (0.7, 60)):
        draw.ellipse([x - r * k, y - r * k, x + r * k, y + r * k], fill=(255, 240, 170, alpha))


def _on_the_floor(image, name, hero_box, size, facing, width, rng):
    x0, _, x1, y1 = hero_box
    x = x1 + size * 0.6 if facing > 0 else x0 - size * 0.6
    x = min(width - size * 0.6, max(size * 0.6, x))
    return stamp(image, name, x, y1, size)


def _half_width(name: str, size: float) -> float:
    art = sprite(name)
    return size * art.shape[1] / art.shape[0] / 2


def _free_x(half: float, taken: list[tuple[float, float]], prefer: float, hero: tuple[float, float], span) -> float:
    """Where along a row (a stretch of ground, a counter, the sky) a thing `2 * half` wide goes:
    near `prefer`, clear of the things already in that row (`taken`, which it joins) and, if it
    can be, of the hero."""
    lo, hi = span
    lo, hi = lo + half, max(lo + half, hi - half)

    def cost(x: float) -> float:
        crowd = sum(max(0.0, min(b, x + half) - max(a, x - half)) for a, b in taken)
        over_hero = max(0.0, min(hero[1], x + half) - max(hero[0], x - half))
        return 6 * crowd + over_hero + 0.2 * abs(x - prefer)

    x = min(np.linspace(lo, hi, 48).tolist(), key=cost)
    taken.append((x - half, x + half))
    return x


def _surface_clear(surface, hero_box) -> bool:
    """Whether a counter or table top is there and not hidden behind the hero."""
    if surface is None:
        return False
    sx0, sx1, sy = surface
    x0, y0, x1, y1 = hero_box
    hidden = max(0.0, min(sx1, x1) - max(sx0, x0)) if y0 < sy < y1 else 0.0
    return hidden < 0.5 * (sx1 - sx0)


def _beside(image, names, hero_box, ground, marks: Marks, pose, facing, width, height, horizon, rng, colours, floor):
    """Companions and props on the ground beside the hero (on the counter or table indoors for
    cups and teapots, on the hero's head for a hat, upside down on the ground for a hat a bird
    sits in), facing the hero; drawn after it."""
    x0, y0, x1, y1 = hero_box
    hero_h, hero_w = y1 - y0, x1 - x0
    drawn: dict[str, tuple[int, int, int, int]] = {}
    feet = min(height * 0.97, max(y1, horizon + (height - horizon) * 0.35)) if marks.ground else y1
    table: list[tuple[float, float]] = []
    hugged = False
    for name in names:
        companion = name in COMPANIONS
        size = float(np.clip(hero_h * (0.42 if companion else 0.3), height * 0.1, height * 0.26))
        if name == "bird" and "bird" in drawn:  # already sitting in the hat
            continue
        if name == "hat" and "bird" in names:  # a nest: upside down on the ground, the bird in it
            half = _half_width("hat", size)
            x = _free_x(half, floor, x1 + half if facing > 0 else x0 - half, (x0, x1), (width * 0.1, width * 0.9))
            bottom = feet if marks.ground else y1
            hat = stamp(image, "hat", x, bottom, size, angle=180.0, colour=colours.get(name))
            drawn[name] = hat
            drawn["bird"] = stamp(image, "bird", x, hat[1] + (hat[3] - hat[1]) * 0.35, size * 0.7, flip=x > x0)
            continue
        if name == "hat" and pose != "sleep":
            hx, hy = (x0 + x1) / 2, y0 + hero_h * 0.12
            drawn[name] = stamp(
                image, "hat", hx, hy, max(height * 0.06, hero_w * 0.4), angle=-8 * facing, colour=colours.get(name)
            )
            continue
        if name in ON_A_TABLE and _surface_clear(marks.surface, hero_box) and rng.random() < 0.8:
            sx0, sx1, sy = marks.surface  # type: ignore[misc]
            small = min(size, height * 0.11)
            x = _free_x(_half_width(name, small), table, (sx0 + sx1) / 2, (x0, x1), (sx0, sx1))
            drawn[name] = stamp(image, name, x, sy + 2, small, colour=colours.get(name))
            continue
        if pose == "hug" and companion and not hugged:  # close against the hero, in front
            x = x1 - hero_w * 0.15 if facing > 0 else x0 + hero_w * 0.15
            drawn[name] = stamp(image, name, x, y1, size, flip=facing < 0, colour=colours.get(name))
            hugged = True
            continue
        half = _half_width(name, size)
        prefer = x1 + half if facing > 0 else x0 - half
        x = _free_x(half, floor, prefer, (x0, x1), (width * 0.1, width * 0.9))
        bottom = feet if marks.ground else y1 - rng.uniform(0, 0.3) * hero_h
        # the animals drawn face left: those left of the hero are mirrored to face it
        drawn[name] = stamp(
            image, name, x, bottom, size, flip=companion and x < (x0 + x1) / 2, colour=colours.get(name)
        )
    return drawn
