"""What a printer needs from the book: a trim size, a 3 mm bleed, crop marks, a safe margin, and
pictures sharp enough at the size they print.

A print-ready page is the trim (the finished page after cutting) with `BLEED` on every side: what
touches the edge of the page (a full-bleed picture, the text band under it) is drawn on past the
trim, so a cut a little off still leaves no white sliver. Every page carries its TrimBox and
BleedBox; its MediaBox is the bleed box, or, with crop marks, the bleed box and a `SLUG` around it
where the marks are drawn (outside the bleed, so they never print on the finished page).

The renderer draws every page in trim coordinates (0, 0 at the trim's lower left): `PrintCanvas`
moves the origin at the start of each page and draws the marks as each page ends, so the layout
code does not know whether it prints for a screen or a printer.

Not PDF/X: there is no output intent or ICC profile, and colours are RGB, not CMYK; most
print-on-demand services accept such a file and convert it themselves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reportlab.lib.units import inch, mm
from reportlab.pdfgen.canvas import Canvas

from core.errors import InputError

BLEED = 3 * mm
SLUG = 9 * mm  # beyond the bleed, where crop marks are drawn
MARK_OFFSET = BLEED  # marks start this far outside the trim: at the bleed's edge
MARK_LENGTH = 6 * mm
MARK_WIDTH = 0.25
SAFE_MARGIN = 10 * mm  # text and page numbers stay at least this far inside the trim
PRINT_DPI = 300  # pictures are embedded at up to this; under it the export warns

# the usual trims, by the names the Export page and the CLI offer (any "WxHmm" or "WxHin" also works)
TRIMS: dict[str, tuple[float, float]] = {
    "A4": (210 * mm, 297 * mm),
    "Letter": (8.5 * inch, 11 * inch),
    "square": (210 * mm, 210 * mm),
    "8.5x8.5in": (8.5 * inch, 8.5 * inch),
    "8x10in": (8 * inch, 10 * inch),
    "10x8in": (10 * inch, 8 * inch),
    "11x8.5in": (11 * inch, 8.5 * inch),
}
_CUSTOM = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)\s*(mm|in)\s*$", re.IGNORECASE)
_SMALLEST, _LARGEST = 80 * mm, 600 * mm


@dataclass(frozen=True)
class Trim:
    """A finished page size in points, and the name it was asked by."""

    name: str
    width: float
    height: float

    @property
    def size(self) -> tuple[float, float]:
        return self.width, self.height


def parse_trim(name: str) -> Trim:
    """A trim by name ("A4", "8.5x8.5in") or as width x height in mm or inches ("148x210mm").

    Raises InputError for anything else, or a size no book is printed at."""
    text = (name or "").strip()
    for known, (w, h) in TRIMS.items():
        if text.lower() == known.lower():
            return Trim(known, w, h)
    m = _CUSTOM.match(text)
    if not m:
        raise InputError(
            f"Unknown trim size {name!r}: choose one of {', '.join(TRIMS)}, or give width x height such as 148x210mm."
        )
    unit = mm if m.group(3).lower() == "mm" else inch
    w, h = float(m.group(1)) * unit, float(m.group(2)) * unit
    if not (_SMALLEST <= w <= _LARGEST and _SMALLEST <= h <= _LARGEST):
        raise InputError(f"A trim of {name} is too small or too large to print: each side 80 to 600 mm.")
    return Trim(text, w, h)


@dataclass(frozen=True)
class PrintSpec:
    """How the book is printed: the trim, and whether crop marks are drawn."""

    trim: Trim
    crop_marks: bool = False

    @property
    def origin(self) -> float:
        """Where the trim's lower-left corner is on the sheet (the MediaBox starts at 0, 0)."""
        return BLEED + (SLUG if self.crop_marks else 0.0)

    @property
    def media(self) -> tuple[float, float]:
        return self.trim.width + 2 * self.origin, self.trim.height + 2 * self.origin


class PrintCanvas(Canvas):
    """A canvas whose pages are drawn in trim coordinates, with TrimBox and BleedBox on every page
    and, when asked, crop marks in the slug."""

    def __init__(self, buf, spec: PrintSpec, **kw) -> None:
        self.spec = spec
        super().__init__(buf, pagesize=spec.media, **kw)
        o, t = spec.origin, spec.trim
        self.setTrimBox((o, o, o + t.width, o + t.height))
        self.setBleedBox((o - BLEED, o - BLEED, o + t.width + BLEED, o + t.height + BLEED))
        self.translate(o, o)

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        if self.spec.crop_marks:
            self.crop_marks()
        super().showPage()
        self.translate(self.spec.origin, self.spec.origin)  # the next page starts fresh
        self._unused = list(self._code)

    def save(self) -> None:
        if self._code == getattr(self, "_unused", None):
            del self._code[:]  # only the next page's origin: no page was started, none is added
        super().save()

    def crop_marks(self) -> None:
        """Eight short lines, two at each corner, in line with the trim and outside the bleed."""
        w, h = self.spec.trim.width, self.spec.trim.height
        near, far = MARK_OFFSET, MARK_OFFSET + MARK_LENGTH
        self.saveState()
        self.setStrokeColorRGB(0, 0, 0)
        self.setLineWidth(MARK_WIDTH)
        marks = []
        for x, sx in ((0.0, -1), (w, 1)):
            for y, sy in ((0.0, -1), (h, 1)):
                marks.append((x + sx * near, y, x + sx * far, y))  # horizontal, in line with the edge y
                marks.append((x, y + sy * near, x, y + sy * far))  # vertical, in line with the edge x
        self.lines(marks)
        self.restoreState()


MAX_UPSCALE = 4  # the largest factor the studio's upscale step offers (`core.studio.upscale`)


def low_resolution_notes(pictures: Sequence[tuple[str, float]], upscaled: Mapping[int, int] | None = None) -> list[str]:
    """What to tell the person about the pictures that print under PRINT_DPI, and what to do: one
    note for the photo, one for each group of story pages ("pages 1-8 print at 113 dpi").

    `upscaled` maps a page number to the factor its printed picture was already upscaled by. Advice
    never asks for what was already done: pages not upscaled are told to upscale, pages upscaled
    2x to upscale 4x, and pages upscaled `MAX_UPSCALE` times hear that this is the most the studio
    can do, and what would still print them sharper."""
    upscaled = upscaled or {}
    notes = []
    groups: dict[int, list[tuple[int, float]]] = {}  # factor already applied -> (page, dpi)
    for what, dpi in pictures:
        page = re.fullmatch(r"page (\d+)", what)
        if page:
            number = int(page.group(1))
            groups.setdefault(min(upscaled.get(number, 1), MAX_UPSCALE), []).append((number, dpi))
        else:
            notes.append(
                f"The {what.removeprefix('the ')} prints at {dpi:.0f} dpi, under the {PRINT_DPI} dpi a printer wants: "
                "it may look soft on paper. A larger photo would print sharper."
            )
    for factor, pages in sorted(groups.items()):
        low, high = min(d for _, d in pages), max(d for _, d in pages)
        at = f"{low:.0f} dpi" if round(low) == round(high) else f"{low:.0f} to {high:.0f} dpi"
        if len(pages) == 1:
            which, they, them = f"picture for page {pages[0][0]} prints", "it", "it"
        else:
            which, they, them = f"pictures for pages {_ranges([n for n, _ in pages])} print", "they", "them"
        if factor >= MAX_UPSCALE:
            notes.append(
                f"The {which} at {at} after a {MAX_UPSCALE}x upscale, the most the studio can upscale, under the "
                f"{PRINT_DPI} dpi a printer wants: {they} may look soft on paper. A smaller trim prints {them} sharper."
            )
            continue
        done = f" after a {factor}x upscale" if factor > 1 else ""
        again = f" {MAX_UPSCALE}x" if factor > 1 else ""
        notes.append(
            f"The {which} at {at}{done}, under the {PRINT_DPI} dpi a printer wants: {they} may look soft on paper. "
            f"Upscale {them}{again} (the Upscale page, or python -m core upscale ID"
            f"{f' --factor {MAX_UPSCALE}' if factor > 1 else ''}) and export again."
        )
    return notes


def _ranges(numbers: list[int]) -> str:
    """1, 2, 3, 5 -> "1-3, 5"."""
    out: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(out)
