"""The product, cut out of its photo, for the offline composition.

OpenCV's GrabCut separates the subject from its background, started from a rectangle a little
inside the photo's edges (product shots are framed around the product). The
largest connected region is kept and its holes filled (a cup's handle keeps its inside when the
background shows through, and a glint does not punch a hole in the product). When GrabCut finds
nothing plausible (under 4 % or over 90 % of the picture), the salient region is cut as a soft
oval instead: a picture that says "here is the product" rather than a broken silhouette.

The work runs on a copy at most 360 pixels long; the mask is scaled back up and feathered by a
pixel or two, so edges are soft, not jagged. Results are cached by the photo's content (a campaign
asks for the same cut-out for every variant and format). `without_product` paints the product out
of its photo, for the `photo` style's backdrop.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from core.offline.analysis import analyse, image_key

WORK_SIDE = 360
_cache: OrderedDict[str, Cutout] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class Cutout:
    image: Image.Image  # RGBA, cropped to the subject; alpha is the mask
    method: str  # "grabcut" or "oval"
    box: tuple[int, int, int, int] = (0, 0, 0, 0)  # where the crop sits in the photo (x0, y0, x1, y1)


def cut_out(photo: Image.Image) -> Cutout:
    key = image_key(photo)
    with _lock:
        if key in _cache:
            return _cache[key]
    result = _cut_out(photo.convert("RGB"))
    with _lock:
        _cache[key] = result
        while len(_cache) > 8:
            _cache.popitem(last=False)
    return result


def _start_rect(w: int, h: int) -> tuple[int, int, int, int]:
    inset_x, inset_y = max(2, int(w * 0.04)), max(2, int(h * 0.04))
    return inset_x, inset_y, w - 2 * inset_x, h - 2 * inset_y


def _largest_region(mask: np.ndarray) -> np.ndarray:
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 1:
        return mask
    biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    region = (labels == biggest).astype(np.uint8) * 255
    contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros_like(region)
    cv2.drawContours(filled, contours, -1, 255, thickness=cv2.FILLED)
    return filled


def _oval(photo: Image.Image, scale: float, w: int, h: int) -> np.ndarray:
    x, y, bw, bh = (int(v * scale) for v in analyse(photo).subject_box)
    cx, cy = x + bw // 2, y + bh // 2
    rx, ry = max(int(bw * 0.6), w // 5), max(int(bh * 0.6), h // 5)
    mask = np.zeros((h, w), np.uint8)
    cv2.ellipse(mask, (cx, cy), (min(rx, w // 2), min(ry, h // 2)), 0, 0, 360, 255, thickness=-1)
    return cv2.GaussianBlur(mask, (0, 0), max(2.0, min(w, h) / 40))


def _cut_out(photo: Image.Image) -> Cutout:
    width, height = photo.size
    scale = min(1.0, WORK_SIDE / max(width, height))
    w, h = max(8, int(width * scale)), max(8, int(height * scale))
    small = np.asarray(photo.resize((w, h), Image.Resampling.LANCZOS))
    bgr = cv2.cvtColor(small, cv2.COLOR_RGB2BGR)
    mask = np.zeros((h, w), np.uint8)
    background, foreground = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(1)
    method = "grabcut"
    try:
        cv2.grabCut(bgr, mask, _start_rect(w, h), background, foreground, 3, cv2.GC_INIT_WITH_RECT)
        binary = np.where((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD), 255, 0).astype(np.uint8)
        binary = cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
        binary = _largest_region(binary)
    except cv2.error:
        binary = np.zeros((h, w), np.uint8)
    share = float((binary > 0).mean())
    if not 0.04 <= share <= 0.9:
        binary, method = _oval(photo, scale, w, h), "oval"
    alpha = cv2.resize(binary, (width, height), interpolation=cv2.INTER_LINEAR)
    alpha = cv2.GaussianBlur(alpha, (0, 0), max(0.8, 1.2 / scale))
    ys, xs = np.nonzero(alpha > 8)
    x0, x1, y0, y1 = int(xs.min()), int(xs.max()) + 1, int(ys.min()), int(ys.max()) + 1
    rgba = photo.convert("RGBA")
    rgba.putalpha(Image.fromarray(alpha))
    return Cutout(image=rgba.crop((x0, y0, x1, y1)), method=method, box=(x0, y0, x1, y1))


def without_product(photo: Image.Image, long_side: int = 320) -> Image.Image:
    """The photo's own setting with the product painted out (OpenCV's inpainting, on a copy at
    most `long_side` pixels long): what the `photo` style blurs behind the product, so the product
    is shown once, not a second time as a blurred half copy behind itself."""
    photo = photo.convert("RGB")
    cut = cut_out(photo)
    mask = Image.new("L", photo.size, 0)
    mask.paste(cut.image.getchannel("A"), cut.box[:2])
    scale = min(1.0, long_side / max(photo.size))
    size = (max(8, round(photo.width * scale)), max(8, round(photo.height * scale)))
    small = cv2.cvtColor(np.asarray(photo.resize(size, Image.Resampling.BILINEAR)), cv2.COLOR_RGB2BGR)
    hole = (np.asarray(mask.resize(size, Image.Resampling.BILINEAR)) > 8).astype(np.uint8) * 255
    hole = cv2.dilate(hole, np.ones((7, 7), np.uint8))
    filled = cv2.inpaint(small, hole, 9, cv2.INPAINT_TELEA)
    return Image.fromarray(cv2.cvtColor(filled, cv2.COLOR_BGR2RGB))
