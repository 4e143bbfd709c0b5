"""What a prompt asks of the light, the weather and the camera's height, drawn over a picture.

`light(img, time)` grades a picture to a time of day: night (dark, cool, desaturated, with a deep
vignette), dusk (warm orange sky fading to violet below, a little darker), dawn (soft pink-gold
light, lifted shadows) or noon (bright, clear, a touch warm). `weather(img, kind, rng)` lays mist,
rain or snow over it, its texture drawn from the picture's seed. `tilt(img, angle)` warps the
framed photo as if seen from above (verticals converge downwards) or from below (upwards).

All three take and return uint8 RGB arrays and are exact functions of their inputs (and of the
random generator), so the same job gives the same pixels. The light is a lookup table per channel
and one cached mask per size, so it costs a few milliseconds even on a 1024-px picture.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

from core.offline.texture import line_kernel, noise, radial

WEATHERS = ("mist", "rain", "snow")
ANGLES = ("above", "below")
TILT = 0.16  # how far the far edge is pulled in, as a share of the width

# time of day: (saturation, gamma, gain, per-channel tint, per-channel lift, vignette,
#               top colour factors, bottom colour factors)
LIGHTS = {
    "night": (0.45, 1.35, 0.5, (0.68, 0.84, 1.22), (0.01, 0.02, 0.06), 0.55, None, None),
    "dusk": (0.9, 1.08, 0.86, (1.0, 1.0, 1.0), (0.03, 0.0, 0.02), 0.25, (1.2, 0.84, 0.68), (0.9, 0.76, 1.0)),
    "dawn": (0.85, 1.0, 0.8, (1.0, 1.0, 1.0), (0.14, 0.14, 0.14), 0.0, (1.08, 0.96, 1.02), (1.06, 1.0, 0.88)),
    "noon": (1.12, 1.0, 1.08, (1.03, 1.01, 0.95), (0.03, 0.03, 0.03), 0.0, None, None),
}


def _saturate(img: np.ndarray, amount: float) -> np.ndarray:
    """Colour pushed away from (amount > 1) or towards (< 1) its own grey."""
    if amount == 1.0:
        return img
    gray = cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    return cv2.addWeighted(img, amount, gray, 1.0 - amount, 0.0)


@lru_cache(maxsize=16)
def _light_lut(time: str) -> np.ndarray:
    _, gamma, gain, tint, lift, *_ = LIGHTS[time]
    v = np.arange(256, dtype=np.float64) / 255
    if time == "noon":  # a touch more contrast around the middle
        v = np.clip((v - 0.5) * 1.08 + 0.5, 0, 1)
    channels = [np.clip(v**gamma * gain * t + lf, 0, 1) for t, lf in zip(tint, lift, strict=True)]
    return np.round(np.stack(channels, axis=1) * 255).astype(np.uint8).reshape(256, 1, 3)


@lru_cache(maxsize=16)
def _light_mask(h: int, w: int, time: str) -> np.ndarray | None:
    """The light's spatial part: a sky colour from top to bottom and a vignette (None: none)."""
    *_, vignette, top, bottom = LIGHTS[time]
    if not vignette and top is None:
        return None
    mask = np.ones((h, w, 3), np.float32)
    if top is not None:
        t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
        mask *= np.asarray(top, np.float32) * (1 - t) + np.asarray(bottom, np.float32) * t
    if vignette:
        mask *= (1 - vignette * radial(h, w))[..., None]
    return mask


def light(img: np.ndarray, time: str | None) -> np.ndarray:
    """The picture as seen at a time of day (None: unchanged)."""
    if time not in LIGHTS:
        return img
    out = cv2.LUT(_saturate(img, LIGHTS[time][0]), _light_lut(time))
    mask = _light_mask(img.shape[0], img.shape[1], time)
    return out if mask is None else cv2.multiply(out, mask, dtype=cv2.CV_8U)


def _over(img: np.ndarray, colour, alpha: np.ndarray) -> np.ndarray:
    """`colour` laid over the picture with a per-pixel opacity (0..1)."""
    top = np.empty_like(img)
    top[:] = np.clip(np.round(np.asarray(colour, np.float32)), 0, 255).astype(np.uint8)
    alpha = np.ascontiguousarray(alpha, np.float32)
    return cv2.blendLinear(img, top, 1 - alpha, alpha)


def weather(img: np.ndarray, kind: str | None, rng: np.random.Generator) -> np.ndarray:
    """Mist, rain or snow over the picture (None: unchanged)."""
    if kind not in WEATHERS:
        return img
    h, w = img.shape[:2]
    if kind == "mist":  # a pale veil, thicker towards the top, in drifts
        t = np.linspace(0, 1, h, dtype=np.float32)[:, None]
        veil = np.clip(0.3 + 0.22 * noise(rng, h, w, 70) + 0.22 * (1 - t), 0.05, 0.7)
        tone = 0.55 * np.array(cv2.mean(img)[:3]) + 0.45 * 235
        return _over(img, tone, veil)
    if kind == "rain":  # a darker, greyer day, with slanting streaks
        out = cv2.convertScaleAbs(_saturate(img, 0.8), alpha=0.84)
        sh, sw = max(1, h // 2), max(1, w // 2)  # streaks drawn at half size: they are blurred anyway
        drops = (rng.random((sh, sw), dtype=np.float32) < 0.006).astype(np.float32)
        length = max(5, sh // 22) | 1
        angle = np.pi / 2 + rng.uniform(-0.22, 0.22)
        streaks = cv2.filter2D(drops, -1, line_kernel(length, angle)) * length
        streaks = cv2.resize(np.clip(streaks, 0, 1), (w, h), interpolation=cv2.INTER_LINEAR)
        return _over(out, (230, 230, 230), streaks * 0.55)
    flakes = np.zeros((h, w), np.float32)  # snow: flakes of three sizes
    for density, size, blur in ((0.002, 2, 0.7), (0.0007, 4, 1.0), (0.00016, 7, 1.8)):
        dots = (rng.random((h, w), dtype=np.float32) < density).astype(np.uint8)
        if size > 1:
            dots = cv2.dilate(dots, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
        flakes = np.maximum(flakes, cv2.GaussianBlur(dots.astype(np.float32), (0, 0), blur))
    out = cv2.convertScaleAbs(img, alpha=0.94, beta=15)  # a paler, snow-lit day
    return _over(out, (247, 247, 250), np.clip(flakes * 1.6, 0, 1))


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
