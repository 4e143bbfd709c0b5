"""What classical image analysis can honestly say about a photo.

`analyse(image)` measures the photo's dominant colours (named from a palette of about thirty
readable names), its light (bright, moderate or dim; warm, neutral or cool), its orientation, and
runs OpenCV's bundled Haar cascades for frontal human faces, cat faces and full human bodies. It
also picks a `subject_box`: the largest detection, or, when nothing was detected, a
centre-of-interest box from a spectral-residual saliency map with a centre prior.

Everything runs on a downscaled copy (at most 512 px on the long side) and the result is cached by
the image's content, because the illustrator asks again for every picture it makes. All boxes are
(x, y, width, height) in the pixel coordinates of the image that was passed in.

The analysis only reports what these detectors find: a dog, a car or a tree is not detected, and the
offline vision never claims it is.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

DETECT_MAX_SIDE = 512
COLOUR_SIDE = 96
_CACHE_SIZE = 32

Box = tuple[int, int, int, int]  # x, y, width, height

# A readable palette: names a child knows, spread over the colour space.
PALETTE: tuple[tuple[str, tuple[int, int, int]], ...] = (
    ("black", (18, 18, 18)),
    ("dark grey", (64, 64, 64)),
    ("grey", (128, 128, 128)),
    ("light grey", (192, 192, 192)),
    ("white", (246, 246, 246)),
    ("cream", (243, 232, 200)),
    ("beige", (214, 194, 160)),
    ("tan", (196, 158, 112)),
    ("brown", (128, 84, 48)),
    ("dark brown", (74, 46, 28)),
    ("rust", (170, 82, 40)),
    ("red", (204, 34, 34)),
    ("dark red", (118, 20, 30)),
    ("pink", (240, 150, 175)),
    ("magenta", (210, 50, 150)),
    ("coral", (245, 125, 100)),
    ("peach", (250, 200, 160)),
    ("orange", (240, 140, 30)),
    ("golden yellow", (220, 170, 40)),
    ("yellow", (245, 222, 50)),
    ("khaki", (190, 180, 120)),
    ("olive green", (118, 120, 42)),
    ("lime green", (150, 210, 60)),
    ("green", (50, 150, 60)),
    ("dark green", (24, 78, 40)),
    ("teal", (0, 125, 125)),
    ("turquoise", (64, 200, 200)),
    ("sky blue", (125, 180, 230)),
    ("blue", (40, 80, 200)),
    ("navy blue", (22, 32, 90)),
    ("slate blue", (100, 116, 140)),
    ("purple", (118, 50, 150)),
    ("lavender", (182, 162, 222)),
)


@dataclass(frozen=True)
class NamedColour:
    name: str
    rgb: tuple[int, int, int]
    share: float  # fraction of the photo, 0..1


@dataclass(frozen=True)
class Detection:
    kind: str  # "face" | "cat face" | "body"
    box: Box
    horizontal: str  # "left" | "centre" | "right"
    vertical: str  # "top" | "middle" | "bottom"

    @property
    def where(self) -> str:
        """Where it is in the frame, as words: "in the centre", "at the top left"..."""
        return place_phrase(self.horizontal, self.vertical)


@dataclass(frozen=True)
class PhotoAnalysis:
    width: int
    height: int
    orientation: str  # "portrait" | "landscape" | "square"
    colours: tuple[NamedColour, ...]  # dominant first
    luminance: float  # mean luma, 0..1
    brightness: str  # "bright" | "moderate" | "dim"
    warmth_score: float  # mean red minus mean blue, -1..1
    warmth: str  # "warm" | "neutral" | "cool"
    contrast: float  # luma standard deviation, 0..1
    faces: tuple[Detection, ...]
    cat_faces: tuple[Detection, ...]
    bodies: tuple[Detection, ...]
    subject_box: Box
    subject_kind: str  # "face" | "cat face" | "body" | "centre of interest"

    @property
    def colour_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.colours)

    @property
    def detections(self) -> tuple[Detection, ...]:
        return self.faces + self.cat_faces + self.bodies

    @property
    def subject_detected(self) -> bool:
        return self.subject_kind != "centre of interest"

    @property
    def subject_where(self) -> str:
        x, y, w, h = self.subject_box
        horizontal, vertical = _place(x + w / 2, y + h / 2, self.width, self.height)
        return place_phrase(horizontal, vertical)


def place_phrase(horizontal: str, vertical: str) -> str:
    if vertical == "middle":
        return "in the centre" if horizontal == "centre" else f"on the {horizontal}"
    if horizontal == "centre":
        return f"at the {vertical}"
    return f"at the {vertical} {horizontal}"


def _place(cx: float, cy: float, width: int, height: int) -> tuple[str, str]:
    fx, fy = cx / max(width, 1), cy / max(height, 1)
    horizontal = "left" if fx < 1 / 3 else "right" if fx > 2 / 3 else "centre"
    vertical = "top" if fy < 1 / 3 else "bottom" if fy > 2 / 3 else "middle"
    return horizontal, vertical


# --- colours -------------------------------------------------------------------------------


def _to_lab(rgb: np.ndarray) -> np.ndarray:
    """(N, 3) uint8 RGB -> (N, 3) CIE Lab (L 0..100)."""
    lab = cv2.cvtColor(rgb.reshape(1, -1, 3).astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)
    return lab.reshape(-1, 3)


_PALETTE_LAB = _to_lab(np.array([rgb for _, rgb in PALETTE], dtype=np.uint8))


def colour_name(rgb: tuple[int, int, int]) -> str:
    """The palette name nearest to an RGB colour (in Lab space)."""
    lab = _to_lab(np.array([rgb], dtype=np.uint8))[0]
    return PALETTE[int(np.argmin(((_PALETTE_LAB - lab) ** 2).sum(axis=1)))][0]


def _dominant_colours(small: Image.Image, limit: int = 5, min_share: float = 0.05) -> tuple[NamedColour, ...]:
    quantised = small.quantize(colors=10, method=Image.Quantize.MEDIANCUT)
    palette = quantised.getpalette() or []
    counts = quantised.getcolors() or []
    total = sum(n for n, _ in counts) or 1
    merged: dict[str, list] = {}
    for n, index in counts:
        rgb = tuple(palette[index * 3 : index * 3 + 3])
        name = colour_name(rgb)  # type: ignore[arg-type]
        entry = merged.setdefault(name, [0, np.zeros(3)])
        entry[0] += n
        entry[1] += np.array(rgb, dtype=np.float64) * n
    colours = [
        NamedColour(name, tuple(int(v) for v in (acc / n).round()), round(n / total, 3))  # type: ignore[arg-type]
        for name, (n, acc) in merged.items()
    ]
    colours.sort(key=lambda c: (-c.share, c.name))
    kept = [c for c in colours if c.share >= min_share][:limit]
    return tuple(kept or colours[:1])


# --- detectors -----------------------------------------------------------------------------

_CASCADES = {
    "face": "haarcascade_frontalface_default.xml",
    "cat face": "haarcascade_frontalcatface_extended.xml",
    "body": "haarcascade_fullbody.xml",
}
_local = threading.local()  # a CascadeClassifier is not safe to share between threads


def _cascade(kind: str) -> cv2.CascadeClassifier:
    cache = getattr(_local, "cascades", None)
    if cache is None:
        cache = _local.cascades = {}
    if kind not in cache:
        classifier = cv2.CascadeClassifier(cv2.data.haarcascades + _CASCADES[kind])
        if classifier.empty():  # pragma: no cover - a broken OpenCV install
            raise RuntimeError(f"OpenCV's {kind} detector could not be loaded")
        cache[kind] = classifier
    return cache[kind]


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0, x1 - x0) * max(0, y1 - y0)
    return inter / max(1, min(a[2] * a[3], b[2] * b[3]))


def _suppress(boxes: np.ndarray) -> list[np.ndarray]:
    """Keep the largest of boxes that overlap (Haar cascades report one object several times)."""
    kept: list[np.ndarray] = []
    for box in sorted(boxes, key=lambda b: -int(b[2]) * int(b[3])):
        if all(_overlap(box, k) < 0.4 for k in kept):
            kept.append(box)
    return kept


def _detect(gray: np.ndarray, kind: str) -> list[np.ndarray]:
    short = min(gray.shape[:2])
    if kind == "face":
        side = max(24, short // 14)
        boxes = _cascade(kind).detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5, minSize=(side, side))
    elif kind == "cat face":
        side = max(24, short // 14)
        boxes = _cascade(kind).detectMultiScale(gray, scaleFactor=1.1, minNeighbors=3, minSize=(side, side))
    else:
        side = max(32, short // 6)
        boxes = _cascade(kind).detectMultiScale(gray, scaleFactor=1.08, minNeighbors=4, minSize=(side // 2, side))
    return _suppress(np.asarray(boxes).reshape(-1, 4)) if len(boxes) else []


# --- centre of interest --------------------------------------------------------------------


def saliency(rgb: np.ndarray, rarity_weight: float = 1.0) -> np.ndarray:
    """Where a photo catches the eye, at 64 x 64 (unnormalised, >= 0): its spectral residual (what
    stands out from the photo's usual texture) plus its colours' rarity (how far each is from the
    photo's median colour), each scaled to 0..1, the rarity weighted by `rarity_weight`. The one
    saliency of the offline engine: the analysis' centre of interest and the cut-out of a subject
    nothing detected both read it."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255.0
    tiny = cv2.resize(gray, (64, 64), interpolation=cv2.INTER_AREA)
    spectrum = np.fft.fft2(tiny)
    log_amp = np.log(np.abs(spectrum) + 1e-6)
    residual = log_amp - cv2.blur(log_amp, (3, 3))
    spectral = np.abs(np.fft.ifft2(np.exp(residual + 1j * np.angle(spectrum)))) ** 2
    spectral = cv2.GaussianBlur(spectral.astype(np.float32), (9, 9), 2.5)
    small = cv2.resize(rgb, (64, 64), interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).astype(np.float32)
    rarity = np.sqrt(((lab - np.median(lab.reshape(-1, 3), axis=0)) ** 2).sum(axis=2))
    return spectral / (spectral.max() + 1e-9) + rarity_weight * rarity / (rarity.max() + 1e-9)


def _interest_box(rgb_small: np.ndarray, scale: float, width: int, height: int) -> Box:
    """A box around the most salient part (`saliency` with a centre prior)."""
    ys, xs = np.mgrid[0:64, 0:64].astype(np.float32)
    prior = np.exp(-(((xs - 31.5) / 24) ** 2 + ((ys - 31.5) / 24) ** 2))
    s = saliency(rgb_small, rarity_weight=0.6) * prior
    s = np.where(s >= np.quantile(s, 0.8), s, 0)
    total = float(s.sum()) or 1.0
    cx, cy = float((s * xs).sum() / total), float((s * ys).sum() / total)
    sx = float(np.sqrt((s * (xs - cx) ** 2).sum() / total))
    sy = float(np.sqrt((s * (ys - cy) ** 2).sum() / total))
    bw, bh = max(2.2 * sx, 16.0), max(2.2 * sy, 16.0)  # at least a quarter of each side
    fx, fy = width / 64, height / 64
    x0 = int(np.clip((cx - bw / 2) * fx, 0, width - 1))
    y0 = int(np.clip((cy - bh / 2) * fy, 0, height - 1))
    w = int(min(bw * fx, width - x0))
    h = int(min(bh * fy, height - y0))
    return x0, y0, max(w, 1), max(h, 1)


# --- the analysis --------------------------------------------------------------------------

_cache: OrderedDict[str, PhotoAnalysis] = OrderedDict()
_cache_lock = threading.Lock()


def image_key(image: Image.Image) -> str:
    """A hash of the image content (mode, size and pixels)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{image.mode}{image.size}".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


def analyse(image: Image.Image) -> PhotoAnalysis:
    """Analyse a photo (cached by its content; a frozen result is safe to share)."""
    key = image_key(image)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    result = _analyse(image)
    with _cache_lock:
        _cache[key] = result
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def _analyse(image: Image.Image) -> PhotoAnalysis:
    rgb_image = image.convert("RGB") if image.mode != "RGB" else image
    width, height = rgb_image.size
    ratio = width / max(height, 1)
    orientation = "square" if 0.9 <= ratio <= 1.1 else "landscape" if ratio > 1 else "portrait"

    scale = min(1.0, DETECT_MAX_SIDE / max(width, height))
    work = (
        rgb_image
        if scale == 1.0
        else rgb_image.resize((max(1, round(width * scale)), max(1, round(height * scale))), Image.Resampling.BILINEAR)
    )
    rgb = np.asarray(work)

    small = work.copy()
    small.thumbnail((COLOUR_SIDE, COLOUR_SIDE), Image.Resampling.BILINEAR)
    colours = _dominant_colours(small)
    arr = np.asarray(small).astype(np.float32) / 255.0
    luma = arr @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    luminance = float(luma.mean())
    contrast = float(luma.std())
    brightness = "bright" if luminance >= 0.58 else "dim" if luminance < 0.33 else "moderate"
    warmth_score = float(arr[..., 0].mean() - arr[..., 2].mean())
    warmth = "warm" if warmth_score > 0.04 else "cool" if warmth_score < -0.04 else "neutral"

    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    found: dict[str, tuple[Detection, ...]] = {}
    for kind in ("face", "cat face", "body"):
        if min(gray.shape) < 24:
            found[kind] = ()
            continue
        detections = []
        for x, y, w, h in _detect(gray, kind):
            box = (int(x / scale), int(y / scale), int(w / scale), int(h / scale))
            horizontal, vertical = _place(box[0] + box[2] / 2, box[1] + box[3] / 2, width, height)
            detections.append(Detection(kind, box, horizontal, vertical))
        detections.sort(key=lambda d: (d.box[0], d.box[1]))
        found[kind] = tuple(detections)

    # a cat face inside a human face (or the reverse) is one of them mistaken: keep the human face
    cats = tuple(
        c for c in found["cat face"] if all(_overlap(np.array(c.box), np.array(f.box)) < 0.3 for f in found["face"])
    )

    subject_kind, subject_box = "centre of interest", None
    for kind, group in (("face", found["face"]), ("cat face", cats), ("body", found["body"])):
        if group:
            largest = max(group, key=lambda d: d.box[2] * d.box[3])
            subject_kind, subject_box = kind, largest.box
            break
    if subject_box is None:
        subject_box = _interest_box(rgb, scale, width, height)

    return PhotoAnalysis(
        width=width,
        height=height,
        orientation=orientation,
        colours=colours,
        luminance=round(luminance, 4),
        brightness=brightness,
        warmth_score=round(warmth_score, 4),
        warmth=warmth,
        contrast=round(contrast, 4),
        faces=found["face"],
        cat_faces=cats,
        bodies=found["body"],
        subject_box=subject_box,
        subject_kind=subject_kind,
    )
