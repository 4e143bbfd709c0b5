"""Where everything goes on a picture: formats, safe zones, the product's area, text fitting, and
contrast measured on pixels.

Every format keeps its platform's safe zone clear of anything that must be read or seen (9:16
stories and reels cover the top 14 % with the account bar and the bottom 20 % with replies and the
call-to-action sticker). Inside it, the picture is split into the product's area and the text's
column, so text can never land on the product: landscape and square formats put the text on the
left and the product on the right, portrait formats the product above and the text below. The
logo sits at the top of the text side, the mandatory line at the bottom.

Text is fitted by size and line breaks: the headline starts large and shrinks (to a floor that
stays readable on a phone) until headline, body and button fit the column; words are never split.

Contrast is *measured*: for each text run, the pixels it will sit on (rendered, before the text is
drawn) are compared with the text colour, and the worst pixel decides (WCAG 2 ratio, 4.5:1 needed).
`render.py` then changes the text colour, and failing that lays a panel under the text.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageFont

from core.campaign.colour import RGB, luminance

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 (x1, y1 exclusive)


@dataclass(frozen=True)
class Format:
    key: str  # in file names: "4x5"
    label: str  # for people: "4:5"
    width: int
    height: int
    safe: tuple[float, float, float, float]  # left, top, right, bottom: the share kept clear
    channels: str

    @property
    def landscape(self) -> bool:
        return self.width >= self.height

    def safe_box(self) -> Box:
        left, top, right, bottom = self.safe
        return (
            round(self.width * left),
            round(self.height * top),
            self.width - round(self.width * right),
            self.height - round(self.height * bottom),
        )


FORMATS: tuple[Format, ...] = (
    Format("1x1", "1:1", 1080, 1080, (0.06, 0.06, 0.06, 0.06), "feed posts"),
    Format("4x5", "4:5", 1080, 1350, (0.06, 0.05, 0.06, 0.05), "portrait feed posts"),
    Format("9x16", "9:16", 1080, 1920, (0.06, 0.14, 0.06, 0.20), "stories and reels"),
    Format("16x9", "16:9", 1920, 1080, (0.05, 0.07, 0.05, 0.07), "video, banners, presentations"),
)
FORMAT_KEYS = tuple(f.key for f in FORMATS)


def format_of(key: str) -> Format:
    return next(f for f in FORMATS if f.key == key)


@dataclass(frozen=True)
class Regions:
    safe: Box
    product: Box  # where the product may be placed (it is fitted inside, never larger)
    logo: Box  # the logo's row
    text: Box  # headline, body and button
    mandatory: Box  # the mandatory line's row


def regions(fmt: Format, has_logo: bool, has_mandatory: bool, mirror: bool = False) -> Regions:
    """The areas of a picture; `mirror` swaps the product's and the text's sides (landscape and
    square: the product on the left; portrait: the text above the product), so variants differ in
    layout, not only in words."""
    x0, y0, x1, y1 = fmt.safe_box()
    unit = min(fmt.width, fmt.height)
    gap = round(unit * 0.035)
    logo_h = round(unit * 0.065) if has_logo else 0
    mand_h = round(unit * 0.06) if has_mandatory else 0
    if fmt.landscape:
        split = x0 + round((x1 - x0) * (0.47 if fmt.width > fmt.height else 0.5))
        product = (split + gap, y0, x1, y1)
        column = (x0, y0, split - gap // 2, y1)
        if mirror:
            cut = x1 - (split - x0)
            product, column = (x0, y0, cut - gap, y1), (cut + gap // 2, y0, x1, y1)
        logo = (column[0], y0, column[2], y0 + logo_h)
        mandatory = (column[0], y1 - mand_h, column[2], y1)
        text = (column[0], logo[3] + (gap if has_logo else 0), column[2], mandatory[1] - (gap if has_mandatory else 0))
    else:
        logo = (x0, y0, x1, y0 + logo_h)
        mandatory = (x0, y1 - mand_h, x1, y1)
        top = logo[3] + (gap if has_logo else 0)
        bottom = mandatory[1] - (gap // 2 if has_mandatory else 0)
        share = 0.5 if fmt.height / fmt.width > 1.5 else 0.46
        cut = top + round((bottom - top) * share)
        product = (x0, top, x1, cut)
        text = (x0, cut + gap, x1, bottom)
        if mirror:
            cut = bottom - round((bottom - top) * share)
            text, product = (x0, top, x1, cut - gap), (x0, cut, x1, bottom)
    return Regions(safe=(x0, y0, x1, y1), product=product, logo=logo, text=text, mandatory=mandatory)


# --- fonts and fitting -------------------------------------------------------------------------


@lru_cache(maxsize=128)
def _font(path: str, size: int, thread: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def font(path: str, size: int) -> ImageFont.FreeTypeFont:
    """A loaded face, one per thread: FreeType faces must not be used by two threads at once, and
    the pictures of a campaign are rendered in parallel."""
    return _font(path, size, threading.get_ident())


@lru_cache(maxsize=8192)
def _length(path: str, size: int, text: str) -> float:
    return font(path, size).getlength(text)


def length(face: ImageFont.FreeTypeFont, text: str) -> float:
    """The advance width of `text` (cached: fitting measures the same words many times)."""
    return _length(face.path, face.size, text)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str] | None:
    """Greedy line breaks at spaces; None when a single word is wider than `width`."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if length(face, trial) <= width:
            current = trial
            continue
        if length(face, word) > width:
            return None
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    return lines


def balance(lines: list[str], text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """The same number of lines with the shortest width that still holds them: no lonely last word."""
    if len(lines) < 2:
        return lines
    low, high = int(width * 0.5), width
    best = lines
    while high - low > 4:
        mid = (low + high) // 2
        trial = wrap(text, face, mid)
        if trial is not None and len(trial) <= len(lines):
            best, high = trial, mid
        else:
            low = mid
    return best


@dataclass(frozen=True)
class Block:
    """A run of text set in one face: its lines and the line height."""

    lines: tuple[str, ...]
    face: ImageFont.FreeTypeFont
    size: int
    line_height: int

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)

    def width(self) -> int:
        return int(max((length(self.face, line) for line in self.lines), default=0))


def set_text(text: str, path: Path, size: int, width: int, leading: float, max_lines: int) -> Block | None:
    face = font(str(path), size)
    lines = wrap(text, face, width)
    if lines is None or len(lines) > max_lines:
        return None
    return Block(tuple(balance(lines, text, face, width)), face, size, round(size * leading))


@dataclass(frozen=True)
class Fitted:
    headline: Block
    body: Block
    cta: Block
    button: tuple[int, int]  # width, height
    gap: int

    @property
    def height(self) -> int:
        return self.headline.height + self.gap + self.body.height + round(self.gap * 1.3) + self.button[1]


def fit_copy(
    headline: str, body: str, cta: str, box: Box, unit: int, bold: Path, regular: Path, boost: float = 1.0
) -> Fitted:
    """The largest headline size (and the body size that goes with it) at which headline, body and
    button fit `box`; the smallest sizes, lines permitting, otherwise. `boost` lets a tall format
    (9:16, seen full screen on a phone) set its type larger."""
    width, height = box[2] - box[0], box[3] - box[1]
    largest, smallest = round(unit * 0.085 * boost), round(unit * 0.042)
    fallback: Fitted | None = None
    for size in range(largest, smallest - 1, -2):
        head = set_text(headline, bold, size, width, 1.12, 4)
        body_size = max(round(unit * 0.026), min(round(size * 0.46), round(unit * 0.036 * boost)))
        text = set_text(body, regular, body_size, width, 1.38, 6)
        cta_size = max(round(unit * 0.026), round(body_size * 1.02))
        label = set_text(cta, bold, cta_size, int(width * 0.9), 1.0, 1)
        if head is None or text is None or label is None:
            continue
        button = (label.width() + 2 * round(cta_size * 1.3), round(cta_size * 2.4))
        fitted = Fitted(head, text, label, button, round(size * 0.45))
        fallback = fitted
        if fitted.height <= height:
            return fitted
    if fallback is None:  # a word wider than the column even at the smallest size: set it smaller
        size = smallest
        while True:
            size = max(8, size - 4)
            head = set_text(headline, bold, size, width, 1.12, 8)
            text = set_text(body, regular, max(8, round(size * 0.6)), width, 1.38, 10)
            label = set_text(cta, bold, max(8, round(size * 0.6)), width, 1.0, 2)
            if (head and text and label) or size == 8:
                break
        if not (head and text and label):
            raise ValueError("the copy cannot be set in this column")
        fallback = Fitted(head, text, label, (label.width() + size, round(label.size * 2.4)), size // 2)
    return fallback


# --- measured contrast -------------------------------------------------------------------------


def measured_contrast(canvas: Image.Image, box: Box, colour: RGB) -> float:
    """The WCAG contrast of `colour` against the worst pixel of `canvas` under `box`."""
    region = np.asarray(canvas.crop(box).convert("RGB")).reshape(-1, 3)
    if region.size == 0:
        return 21.0
    lum = luminance(region)
    text = float(luminance(np.array(colour, dtype=np.uint8)))
    nearest = float(lum[np.argmin(np.abs(lum - text))])  # the pixel closest in luminance is the worst
    return (max(nearest, text) + 0.05) / (min(nearest, text) + 0.05)


def intersects(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
