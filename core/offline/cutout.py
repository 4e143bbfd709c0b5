"""The photo's subject cut out of its background, for the offline illustrator to place in scenes.

`cut_out(photo, subject, kind)` runs OpenCV's GrabCut on a copy of at most `WORK_SIDE` pixels:

- seeded by a detection (`kind` "face", "cat face" or "body"): the rectangle where the rest of
  that subject usually is (a face's head, shoulders and body below it; a cat face's ears and body;
  a figure's box, a little larger) is "probably subject", the detection itself (shrunk a little)
  is "surely subject", everything outside the rectangle "surely background";
- without a detection (`kind` "centre of interest"): a spectral-residual saliency map inside the
  box the photo analysis chose says which pixels are probably subject, the rest probably not.

The mask is cleaned (the connected part that holds the seed, holes filled, a soft edge), faded
out in a soft rounded vignette where the photo's edges cut the subject (never their straight
line), and, when GrabCut finds nearly nothing or nearly everything, replaced by a soft ellipse
in the rectangle, so
a picture always has its hero. The result is the subject's crop of the photo with its mask as an
alpha channel, cached by photo and subject (each page of a book places the same cut-out: the hero
looks the same on every page).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from core.offline.analysis import Box, image_key, saliency

WORK_SIDE = 220  # GrabCut's working size: a few tenths of a second per photo, once per book
ITERATIONS = 3
MAX_CUT_SIDE = 900  # the cut-out is kept at most this large (pages are at most about 1024 px)
_KEPT = 8
FADE = 0.22  # where the photo cut the subject, it fades out over this share of the way from its middle


@dataclass(frozen=True)
class Cutout:
    """The subject: `rgba` (its crop of the photo, alpha = mask, uint8 H x W x 4), where that crop
    was in the photo (`box`, x y w h in photo pixels), the seed box inside the crop (`seed_box`),
    and whether the subject reaches the photo's bottom edge (`cut_at_bottom`: a bust, not a whole
    figure, so a picture keeps its lower edge out of sight)."""

    rgba: np.ndarray
    box: Box
    seed_box: Box
    cut_at_bottom: bool


def _clip(x0: float, y0: float, x1: float, y1: float, w: int, h: int) -> tuple[int, int, int, int]:
    x0, y0 = int(max(0, round(x0))), int(max(0, round(y0)))
    x1, y1 = int(min(w, round(x1))), int(min(h, round(y1)))
    return x0, y0, max(x0 + 2, x1), max(y0 + 2, y1)


def seed_rectangle(subject: Box, kind: str, width: int, height: int) -> tuple[int, int, int, int]:
    """Where the whole subject probably is (x0, y0, x1, y1), from the box a detector found."""
    x, y, w, h = subject
    if kind == "face":  # the head above and around the face, shoulders and body below
        return _clip(x - 1.1 * w, y - 0.55 * h, x + 2.1 * w, y + 4.5 * h, width, height)
    if kind == "cat face":  # ears above, body below and to the sides
        # the detector finds the middle of a cat's face: the ears and eyes are well above it
        return _clip(x - 1.3 * w, y - 2.2 * h, x + 2.25 * w, y + 3.2 * h, width, height)
    if kind == "body":
        return _clip(x - 0.1 * w, y - 0.05 * h, x + 1.1 * w, y + 1.05 * h, width, height)
    return _clip(x - 0.5 * w, y - 0.5 * h, x + 1.5 * w, y + 1.5 * h, width, height)


def _ellipse(h: int, w: int, rect: tuple[int, int, int, int]) -> np.ndarray:
    mask = np.zeros((h, w), np.uint8)
    x0, y0, x1, y1 = rect
    cv2.ellipse(
        mask, ((x0 + x1) // 2, (y0 + y1) // 2), (max(1, (x1 - x0) // 2), max(1, (y1 - y0) // 2)), 0, 0, 360, 1, -1
    )
    return mask


def subject_mask(rgb: np.ndarray, subject: Box, kind: str) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """The subject's mask (uint8 0/1, the size of `rgb`) and the rectangle it was sought in."""
    h, w = rgb.shape[:2]
    rect = seed_rectangle(subject, kind, w, h)
    x0, y0, x1, y1 = rect
    sx, sy, sw, sh = subject
    mask = np.full((h, w), cv2.GC_BGD, np.uint8)
    if kind == "centre of interest":
        whole = saliency(rgb)
        inside = cv2.resize(whole / (whole.max() + 1e-9), (w, h), interpolation=cv2.INTER_LINEAR)[y0:y1, x0:x1]
        mask[y0:y1, x0:x1] = np.where(inside > np.quantile(inside, 0.35), cv2.GC_PR_FGD, cv2.GC_PR_BGD)
        core_w, core_h = sw * 0.25, sh * 0.25
    else:
        mask[y0:y1, x0:x1] = cv2.GC_PR_FGD
        core_w, core_h = sw * 0.3, sh * 0.3
    cx0, cy0 = int(sx + core_w), int(sy + core_h)
    cx1, cy1 = int(sx + sw - core_w), int(sy + sh - core_h)
    if cx1 > cx0 and cy1 > cy0:
        mask[cy0:cy1, cx0:cx1] = cv2.GC_FGD
    if kind == "cat face":  # the forehead and eyes above the detected muzzle are the cat too
        mask[max(0, int(sy - 0.8 * sh)) : int(sy + 0.2 * sh), int(sx - 0.1 * sw) : int(sx + 1.1 * sw)] = cv2.GC_FGD
    if kind == "face":  # the neck joins head and body (a dark collar would cut them apart)
        mask[int(sy + sh) : min(h, int(sy + 1.7 * sh)), int(sx + 0.3 * sw) : int(sx + 0.7 * sw)] = cv2.GC_FGD
    if (mask == cv2.GC_BGD).all() or not ((mask == cv2.GC_BGD) | (mask == cv2.GC_PR_BGD)).any():
        return _ellipse(h, w, rect), rect
    background, foreground = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    try:
        cv2.setRNGSeed(0)  # GrabCut starts its colour models with k-means on this thread's generator
        cv2.grabCut(rgb, mask, None, background, foreground, ITERATIONS, cv2.GC_INIT_WITH_MASK)
    except cv2.error:
        return _ellipse(h, w, rect), rect
    found = np.isin(mask, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.uint8)
    found = _keep_seeded(found, (int(sx + sw / 2), int(sy + sh / 2)))
    area = found.sum() / max(1, (x1 - x0) * (y1 - y0))
    if area < 0.08 or area > 0.97:
        return _ellipse(h, w, rect), rect
    return found, rect


def _keep_seeded(mask: np.ndarray, seed: tuple[int, int]) -> np.ndarray:
    """The connected part of the mask that holds the seed point (else the largest) and the parts
    near its size (a head and a body a dark collar keeps apart), holes filled; specks dropped."""
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 1:
        return mask
    x, y = min(max(seed[0], 0), mask.shape[1] - 1), min(max(seed[1], 0), mask.shape[0] - 1)
    label = labels[y, x] or 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    areas = stats[:, cv2.CC_STAT_AREA]
    big = [i for i in range(1, count) if areas[i] >= 0.25 * areas[label]]
    kept = np.isin(labels, [label, *big]).astype(np.uint8)
    contours, _ = cv2.findContours(kept, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros_like(kept)
    cv2.drawContours(filled, contours, -1, 1, -1)
    filled = cv2.morphologyEx(filled, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    # a smooth outline: GrabCut's ragged tufts along fur and hair read as cut paper
    sigma = max(1.0, 0.012 * max(mask.shape))
    return (cv2.GaussianBlur(filled.astype(np.float32), (0, 0), sigma) > 0.5).astype(np.uint8)


_cache: OrderedDict[tuple, Cutout] = OrderedDict()
_lock = threading.Lock()


def cut_out(photo: Image.Image, subject: Box, kind: str) -> Cutout:
    """The subject of the photo with its mask (cached by photo, subject and kind)."""
    key = (image_key(photo), tuple(subject), kind)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    made = _cut_out(photo, subject, kind)
    with _lock:
        _cache[key] = made
        while len(_cache) > _KEPT:
            _cache.popitem(last=False)
    return made


def _cut_out(photo: Image.Image, subject: Box, kind: str) -> Cutout:
    rgb_photo = photo if photo.mode == "RGB" else photo.convert("RGB")
    width, height = rgb_photo.size
    scale = min(1.0, WORK_SIDE / max(width, height))
    small_size = (max(8, round(width * scale)), max(8, round(height * scale)))
    small = np.asarray(rgb_photo.resize(small_size, Image.Resampling.BILINEAR), dtype=np.uint8)
    fx, fy = small_size[0] / width, small_size[1] / height
    sx, sy, sw, sh = subject
    small_subject = (round(sx * fx), round(sy * fy), max(2, round(sw * fx)), max(2, round(sh * fy)))
    mask, rect = subject_mask(small, small_subject, kind)
    if kind == "face":
        mask = _with_shoulders(mask, small_subject, rect)
    sides = _cut_sides(mask, rect)
    ys, xs = np.nonzero(mask)
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    # the crop in photo pixels, at most MAX_CUT_SIDE on its long side
    box = (int(x0 / fx), int(y0 / fy), max(1, int((x1 - x0) / fx)), max(1, int((y1 - y0) / fy)))
    bx, by, bw, bh = box
    cut_scale = min(1.0, MAX_CUT_SIDE / max(bw, bh))
    size = (max(2, round(bw * cut_scale)), max(2, round(bh * cut_scale)))
    rgb = np.asarray(rgb_photo.resize(size, Image.Resampling.LANCZOS, box=(bx, by, bx + bw, by + bh)), dtype=np.uint8)
    alpha = cv2.resize(mask[y0:y1, x0:x1].astype(np.float32), size, interpolation=cv2.INTER_LINEAR)
    soft = max(1.0, max(size) / 300)
    alpha = cv2.GaussianBlur(np.clip((alpha - 0.5) * 2.2 + 0.5, 0, 1), (0, 0), soft)
    if any(sides):
        alpha *= _rounded_fade(alpha.shape, sides)
    rgba = np.dstack([rgb, np.clip(alpha * 255 + 0.5, 0, 255).astype(np.uint8)])
    seed = (
        int((sx - bx) * cut_scale),
        int((sy - by) * cut_scale),
        max(1, int(sw * cut_scale)),
        max(1, int(sh * cut_scale)),
    )
    return Cutout(rgba, box, seed, _is_bust(mask, small_subject, kind))


def _with_shoulders(mask: np.ndarray, face: Box, rect: tuple[int, int, int, int]) -> np.ndarray:
    """A person's mask with the shoulders and arms an ellipse below the face reaches: GrabCut
    drops an arm in shadow (an astronaut's dark sleeve beside a dark flag) and leaves the body
    sheared along the line where the light changes; the ellipse gives it a rounded side."""
    x, y, w, h = face
    body = np.zeros_like(mask)
    cv2.ellipse(body, (int(x + w / 2), int(y + 3.3 * h)), (int(1.45 * w), int(1.9 * h)), 0, 0, 360, 1, -1)
    x0, y0, x1, y1 = rect
    inside = np.zeros_like(mask)
    inside[y0:y1, x0:x1] = 1
    return mask | (body & inside)


def _cut_sides(mask: np.ndarray, rect: tuple[int, int, int, int]) -> tuple[bool, bool, bool, bool]:
    """Which sides of the subject (left, top, right, bottom) were cut by a straight edge: the
    photo's, or the rectangle's it was sought in (an astronaut's arm reaches past the rectangle
    around her face)."""
    ys, xs = np.nonzero(mask)
    if not len(ys):
        return (False, False, False, False)
    h, w = mask.shape
    near = 1  # the cleaning's smoothing may round off a pixel
    left, top = max(near, rect[0] + near), max(near, rect[1] + near)
    right, bottom = min(w - 1 - near, rect[2] - 1 - near), min(h - 1 - near, rect[3] - 1 - near)
    return (bool(xs.min() <= left), bool(ys.min() <= top), bool(xs.max() >= right), bool(ys.max() >= bottom))


def _rounded_fade(shape: tuple[int, int], sides: tuple[bool, bool, bool, bool]) -> np.ndarray:
    """A soft rounded vignette (0..1, `shape`) that fades the cut sides out along an ellipse, so
    where the photo cut the subject it ends in a soft curve, never the cut's straight line; the
    ellipse reaches past the sides that were not cut, which keep their own outline."""
    h, w = shape
    left, top, right, bottom = sides
    x0, x1 = (0.0 if left else -0.25 * w), (w if right else 1.25 * w)
    y0, y1 = (0.0 if top else -0.25 * h), (h if bottom else 1.25 * h)
    gy, gx = np.mgrid[0:h, 0:w].astype(np.float32)
    u = (gx - (x0 + x1) / 2) / ((x1 - x0) / 2)
    v = (gy - (y0 + y1) / 2) / ((y1 - y0) / 2)
    t = np.clip((1 - np.sqrt(u * u + v * v)) / FADE, 0, 1)
    return t * t * (3 - 2 * t)  # smoothstep


def _is_bust(mask: np.ndarray, subject: Box, kind: str) -> bool:
    """Whether the cut-out ends where the photo ends (a head and shoulders, a cat's head), rather
    than at the subject's feet: it reaches the photo's lower edge, or, around a face, it stops
    before a whole figure's length (six faces below a person's, four below a cat's)."""
    ys = np.nonzero(mask.any(axis=1))[0]
    if ys[-1] >= mask.shape[0] - 3:
        return True
    reach = {"face": 6.0, "cat face": 4.0}.get(kind)
    return reach is not None and ys[-1] < subject[1] + reach * subject[3]
