"""Where a picture's subject is, so text laid over the picture never covers it.

The band layout prints the text on a pale band over the picture. The band goes where the subject
is not: this module finds the subject on the chosen picture itself (any engine's: the offline
illustrator's scene, a model's drawing, an upscaled copy) with the offline engine's own tools,
called, not copied: `core.offline.analysis.analyse` finds a face, a cat's face, a figure or else
the centre of interest, and `core.offline.cutout.subject_mask` grows it into the subject's mask
with GrabCut, on a copy of `WORK_SIDE` pixels. `core.export.pdf` then measures how much of that
mask each place for the text (a band at the foot or the top, a panel at either side) would cover.

A mask is a function of the picture's pixels only; it is kept per file (path, size, mtime), so
exporting the same book again costs nothing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from core.offline.analysis import analyse
from core.offline.cutout import WORK_SIDE, subject_mask

_KEPT = 64
DETECT_SIDE = 512  # the picture is searched at most this large (as the offline analysis does)
_cache: OrderedDict[tuple, np.ndarray] = OrderedDict()
_lock = threading.Lock()


def subject_mask_of(path: Path) -> np.ndarray:
    """The subject's mask of the picture in `path`: float32 0/1, at most `WORK_SIDE` pixels on its
    long side, with the picture's aspect (EXIF orientation applied). A picture that cannot be read
    has an empty mask: the caller's own reading of it says what is wrong."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return np.zeros((1, 1), np.float32)
    key = (str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    mask = _find(path)
    with _lock:
        _cache[key] = mask
        while len(_cache) > _KEPT:
            _cache.popitem(last=False)
    return mask


def _find(path: Path) -> np.ndarray:
    from PIL import Image, ImageOps

    try:
        with Image.open(path) as im:
            im.draft("RGB", (WORK_SIDE * 2, WORK_SIDE * 2))  # a large JPEG decodes at a reduced scale
            picture = ImageOps.exif_transpose(im).convert("RGB")
            picture.thumbnail((DETECT_SIDE, DETECT_SIDE))  # an upscaled copy is found as its original
    except Exception:  # noqa: BLE001 - unreadable: no subject found here; the renderer says why
        return np.zeros((1, 1), np.float32)
    found = analyse(picture)
    scale = min(1.0, WORK_SIDE / max(picture.size))
    small = picture.resize((max(8, round(picture.width * scale)), max(8, round(picture.height * scale))))
    fx, fy = small.width / picture.width, small.height / picture.height
    x, y, w, h = found.subject_box
    box = (round(x * fx), round(y * fy), max(2, round(w * fx)), max(2, round(h * fy)))
    mask, _ = subject_mask(np.asarray(small), box, found.subject_kind)
    return mask.astype(np.float32)
