"""The hero of the photo placed in a scene painted for the page: the offline illustrator's picture.

`compose(photo, analysis, reading, setting, distance, seed, size)`:

1. cuts the subject out of the photo (`core.offline.cutout`): the subject the prompt names when
   the photo has it (the cat, the woman on the left), else the photo analysis' subject;
2. paints the page's scene (`core.offline.scenery`): its setting, the place its words name at
   the time of day and in the weather the prompt asks for;
3. stands the subject in it at a size and place chosen by the framing: a close-up fills most of
   the picture's height near the middle, a medium shot about half of it, a wide view a third or
   less, anywhere along the ground; a whole figure stands on the ground with a soft shadow, a
   bust (a subject cut at the photo's lower edge) rises from the picture's lower edge, so its cut
   is never seen;
4. tints the subject a little towards the scene's light, so it belongs there.

The art style, the mood grade, the light and the weather are laid over the whole picture
afterwards by the illustrator, as over a crop of the photo before. Every draw comes from a
generator seeded by the job's seed: the same page gives the same picture, the hero is the same
cut-out on every page, and the pages differ in place, light, size and position.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from core.offline.analysis import PhotoAnalysis
from core.offline.cutout import Cutout, cut_out
from core.offline.prompt_words import PromptReading
from core.offline.scenery import Setting, paint

# (share of the picture's height the subject takes: low, high) by framing, for a bust and a
# whole figure; and how far from the middle it may stand (share of the width)
HEIGHTS = {
    "bust": {"close": (0.78, 0.9), "medium": (0.58, 0.7), "wide": (0.38, 0.48)},
    "figure": {"close": (0.7, 0.82), "medium": (0.48, 0.6), "wide": (0.24, 0.34)},
    "thing": {"close": (0.5, 0.6), "medium": (0.34, 0.42), "wide": (0.2, 0.26)},  # nothing detected: a cup
}
SPREAD = {"close": 0.08, "medium": 0.2, "wide": 0.3}


@dataclass(frozen=True)
class Composition:
    """What was drawn: the scene's setting and where the subject stands (x0, y0, x1, y1)."""

    setting: Setting
    subject_box: tuple[int, int, int, int]


def subject_of(analysis: PhotoAnalysis, reading: PromptReading) -> tuple[tuple[int, int, int, int], str]:
    """The box and kind of the subject to cut out: the prompt's, else the photo's."""
    if reading.subjects:
        kinds = {d.kind for d in reading.subjects}
        kind = reading.subjects[0].kind if len(kinds) == 1 else "body"
        return reading.subject_box, kind  # type: ignore[return-value]
    return analysis.subject_box, analysis.subject_kind


def compose(
    photo: Image.Image,
    analysis: PhotoAnalysis,
    reading: PromptReading,
    setting: Setting,
    distance: str,
    seed: int,
    size: tuple[int, int],
) -> tuple[np.ndarray, Composition]:
    """The page's picture before style, grade, light and weather (uint8 RGB at `size`)."""
    width, height = size
    rng = np.random.default_rng([seed, 7])
    box, kind = subject_of(analysis, reading)
    cutout = cut_out(photo, box, kind)
    scene, horizon = paint(setting, size, rng)
    placed = _place(cutout, distance, horizon, width, height, rng, thing=kind == "centre of interest")
    picture = _paste(scene, cutout, placed, setting)
    return picture, Composition(setting, placed)


def _place(
    cutout: Cutout, distance: str, horizon: int, width: int, height: int, rng: np.random.Generator, thing: bool
) -> tuple[int, int, int, int]:
    ch, cw = cutout.rgba.shape[:2]
    shape = "bust" if cutout.cut_at_bottom else "thing" if thing else "figure"
    low, high = HEIGHTS[shape].get(distance, HEIGHTS[shape]["medium"])
    target_h = height * rng.uniform(low, high)
    scale = min(target_h / ch, (0.92 if shape != "thing" else 0.7) * width / cw)
    w, h = max(2, round(cw * scale)), max(2, round(ch * scale))
    spread = SPREAD.get(distance, 0.2)
    cx = width * (0.5 + rng.uniform(-spread, spread))
    x0 = int(round(min(max(cx - w / 2, -0.1 * w), width - 0.9 * w)))
    if shape == "bust":
        y1 = height + int(h * 0.02)  # the cut edge just below the picture
    else:
        ground = horizon + (height - horizon) * {"close": 0.92, "medium": 0.7, "wide": 0.45}.get(distance, 0.7)
        y1 = int(min(height - 2, ground + rng.uniform(-0.05, 0.08) * (height - horizon)))
    return x0, y1 - h, x0 + w, y1


def _paste(scene: np.ndarray, cutout: Cutout, box: tuple[int, int, int, int], setting: Setting) -> np.ndarray:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    height, width = scene.shape[:2]
    sprite = cv2.resize(
        cutout.rgba, (w, h), interpolation=cv2.INTER_AREA if w < cutout.rgba.shape[1] else cv2.INTER_LINEAR
    )
    out = scene.copy()
    # the visible part of the sprite
    sx0, sy0 = max(0, -x0), max(0, -y0)
    sx1, sy1 = min(w, width - x0), min(h, height - y0)
    if sx1 <= sx0 or sy1 <= sy0:
        return scene
    if not cutout.cut_at_bottom:  # a soft shadow on the ground at the subject's feet
        rx, ry = max(2, int(w * 0.42)), max(2, int(h * 0.05))
        blur = max(2.0, w * 0.04)
        pad = int(3 * blur)
        bx0, by0 = max(0, (x0 + x1) // 2 - rx - pad), max(0, y1 - 2 - ry - pad)
        bx1, by1 = min(width, (x0 + x1) // 2 + rx + pad), min(height, y1 - 2 + ry + pad)
        if bx1 > bx0 and by1 > by0:
            shadow = np.zeros((by1 - by0, bx1 - bx0), np.float32)
            cv2.ellipse(shadow, ((x0 + x1) // 2 - bx0, y1 - 2 - by0), (rx, ry), 0, 0, 360, 1.0, -1)
            shadow = cv2.GaussianBlur(shadow, (0, 0), blur)[..., None]
            out[by0:by1, bx0:bx1] = (out[by0:by1, bx0:bx1] * (1 - 0.35 * shadow)).astype(np.uint8)
    region = (slice(y0 + sy0, y0 + sy1), slice(x0 + sx0, x0 + sx1))
    part = sprite[sy0:sy1, sx0:sx1].astype(np.float32)
    alpha = part[..., 3:4] / 255
    # the scene's light on the subject: part of the way towards the scene's mean colour
    ambient = scene[::8, ::8].reshape(-1, 3).mean(axis=0) / 255
    tint = 0.85 + 0.3 * ambient / max(1e-6, float(ambient.mean()))
    strength = 0.45 if setting.time == "night" else 0.25
    rgb = part[..., :3] * (1 - strength + strength * tint)
    blended = out[region].astype(np.float32) * (1 - alpha) + rgb * alpha
    out[region] = np.clip(blended, 0, 255).astype(np.uint8)
    return out
