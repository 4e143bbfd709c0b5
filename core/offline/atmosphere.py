"""What a prompt asks of the light, the weather and the camera's height, drawn over a picture.

`light(img, time)` grades a picture to a time of day: night (dark, cool, desaturated, with a deep
vignette), dusk (warm orange sky fading to violet below, a little darker), dawn (soft pink-gold
light, lifted shadows) or noon (bright, clear, a touch warm). `weather(img, kind, rng)` lays mist,
rain or snow over it, its texture drawn from the picture's seed. `tilt(img, angle)` warps the
framed photo as if seen from above (verticals converge downwards) or from below (upwards).

All three take and return uint8 RGB arrays and are exact functions of their inputs (and of the
random generator), so the same job gives the same pixels.
"""

from __future__ import annotations

import cv2
import numpy as np

from core.offline.texture import grain, line_kernel, noise, radial

TIMES = ("night", "dusk", "dawn", "noon")
WEATHERS = ("mist", "rain", "snow")
ANGLES = ("above", "below")
TILT = 0.16  # how far the far edge is pulled in, as a share of the width

_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def _saturate(f: np.ndarray, amount: float) -> np.ndarray:
    gray = (f @ _LUMA)[..., None]
    return gray + (f - gray) * amount


def _vertical(h: int, top, bottom) -> np.ndarray:
    """A (h, 1, 3) blend from the `top` colour factors to the `bottom` ones."""
    t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    return np.asarray(top, np.float32) * (1 - t) + np.asarray(bottom, np.float32) * t


def light(img: np.ndarray, time: str | None) -> np.ndarray:
    """The picture as seen at a time of day (None: unchanged)."""
    if time not in TIMES:
        return img
    h, w = img.shape[:2]
    f = img.astype(np.float32) / 255
    if time == "night":
        f = _saturate(f, 0.45) ** 1.35 * 0.5
        f = f * np.array([0.68, 0.84, 1.22], np.float32) + np.array([0.01, 0.02, 0.06], np.float32)
        f = f * (1 - 0.55 * radial(h, w))[..., None]
    elif time == "dusk":
        f = _saturate(f, 0.9) ** 1.08 * 0.86
        f = f * _vertical(h, (1.2, 0.84, 0.68), (0.9, 0.76, 1.0)) + np.array([0.03, 0.0, 0.02], np.float32)
        f = f * (1 - 0.25 * radial(h, w))[..., None]
    elif time == "dawn":
        f = 0.14 + 0.8 * _saturate(f, 0.85)
        f = f * _vertical(h, (1.08, 0.96, 1.02), (1.06, 1.0, 0.88))
    else:  # noon
        f = _saturate((f - 0.5) * 1.08 + 0.5 + 0.07, 1.12)
        f = f * np.array([1.03, 1.01, 0.95], np.float32)
    return np.clip(f * 255 + 0.5, 0, 255).astype(np.uint8)


def weather(img: np.ndarray, kind: str | None, rng: np.random.Generator) -> np.ndarray:
    """Mist, rain or snow over the picture (None: unchanged)."""
    if kind not in WEATHERS:
        return img
    h, w = img.shape[:2]
    f = img.astype(np.float32) / 255
    t = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    if kind == "mist":
        veil = np.clip(0.3 + 0.22 * noise(rng, h, w, 70) + 0.22 * (1 - t), 0.05, 0.7)[..., None]
        tone = 0.55 * f.reshape(-1, 3).mean(axis=0) + 0.45 * np.float32(0.92)
        f = f * (1 - veil) + tone * veil
    elif kind == "rain":
        f = _saturate(f, 0.8) * 0.84
        drops = (rng.random((h, w), dtype=np.float32) < 0.006).astype(np.float32)
        length = max(9, h // 22) | 1
        angle = np.pi / 2 + rng.uniform(-0.22, 0.22)
        streaks = cv2.filter2D(drops, -1, line_kernel(length, angle)) * length
        streaks = np.clip(cv2.GaussianBlur(streaks, (0, 0), 0.6), 0, 1)[..., None] * 0.55
        f = f * (1 - streaks) + np.float32(0.9) * streaks
    else:  # snow
        flakes = np.zeros((h, w), np.float32)
        for density, size, blur in ((0.002, 2, 0.7), (0.0007, 4, 1.0), (0.00016, 7, 1.8)):
            dots = (rng.random((h, w), dtype=np.float32) < density).astype(np.uint8)
            if size > 1:
                dots = cv2.dilate(dots, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
            flakes = np.maximum(flakes, cv2.GaussianBlur(dots.astype(np.float32), (0, 0), blur))
        flakes = np.clip(flakes * 1.6 + 0.03 * grain(rng, h, w, 2.0), 0, 1)[..., None]
        f = (0.06 + 0.94 * f) * (1 - flakes) + np.float32(0.97) * flakes
    return np.clip(f * 255 + 0.5, 0, 255).astype(np.uint8)


def tilt(img: np.ndarray, angle: str | None) -> np.ndarray:
    """The picture as if the camera looked down ("above") or up ("below") at it (None: unchanged)."""
    if angle not in ANGLES:
        return img
    h, w = img.shape[:2]
    k = TILT * w
    if angle == "above":  # the top is nearer: magnified; verticals meet below the picture
        source = [[k, 0], [w - k, 0], [w, h], [0, h]]
    else:
        source = [[0, 0], [w, 0], [w - k, h], [k, h]]
    target = [[0, 0], [w, 0], [w, h], [0, h]]
    matrix = cv2.getPerspectiveTransform(np.float32(source), np.float32(target))
    return cv2.warpPerspective(img, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
