"""The printable book: a PDF with a title page, one page per story page and a QR code to take it home.

The export is plain data in, bytes out (`Book` -> `render_pdf`), with no knowledge of the Story
model, so it can be tested and benchmarked alone; `core.studio` fills a `Book` from a Story.

Layout (A4, US Letter or a 210 mm square page):

- title page: the person's photo, fitted in the upper part, and the title under it, centred; in a
  bilingual book the translated title under the title, smaller and in the translation colour;
- one page per story page: its picture fitted (aspect kept) at the top, its text below. The text
  size is the largest of a few sizes at which the page's text fits; a text that does not fit even
  at the smallest size continues on the following pages (numbered like the page it belongs to),
  so nothing is ever cut off. In a bilingual book the original comes first, then a short rule and
  the translation in a slightly smaller size and another colour;
- a last page with the QR code that downloads this same PDF (the URL is chosen by the caller:
  an unguessable export link), the URL printed small under it, and the credits line naming the
  engines that made the book; without a QR code the credits are a colophon at the foot of the
  title page, and there is no last page.

That is the "above" layout; `Book.layout` chooses another for the story pages: "beside" (the
picture in the left part of the page, the text in a column at its right, on a landscape page for
the screen PDF), "band" (the picture over the whole page, cropped to its shape and drawn into the
bleed, the text on a pale band across its foot or its top, or on a side panel: wherever it covers
least of the picture's subject, see `_Renderer.text_area` and `core.export.subject`) and "large"
(picture above, type about half as big again, for early readers). In every layout a text too long
for its page continues on the next.

With `Book.print` the PDF is for a printer (see `core.export.printing`): the page is the trim with
a 3 mm bleed and optional crop marks, pictures are kept at up to 300 dpi instead of 150, and each
picture that prints under 300 dpi is listed in `Rendered.low_resolution` (with the resolution it
prints at; `core.export.printing.low_resolution_notes` says it in words).

Text is drawn as characters, never parsed as markup: "<b>x</b>" prints as those nine characters
(see `core.export.layout`, which also says what happens to control characters, very long words,
right-to-left text and megabytes). Fonts are TrueType, embedded as subsets (`core.export.fonts`).

Pictures are re-encoded as JPEG (quality 85) at no more than 150 dpi at their printed size, so a
page stays far under half a megabyte whatever the source; the PDF is compressed and written in
"invariant" mode, so the same book gives the same bytes (handy for caching and for tests). The
pictures are fitted on a small thread pool while the pages are laid out, embedded without being
decoded again, and kept for the next export of the same book (`_fitted_picture`).
"""

from __future__ import annotations

import io
import math
import os
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from core.errors import InputError
from core.export import fonts
from core.export.layout import Block, Line, _Measure, layout_block, printable_text
from core.export.printing import (
    BLEED,
    PRINT_DPI,
    SAFE_MARGIN,
    PrintCanvas,
    PrintSpec,
)
from core.export.qr import qr_image
from core.export.subject import subject_mask_of

# JPEG pictures are embedded as they are (DCTDecode); reportlab's default also wraps every stream
# in ASCII85, which makes each picture 25 % larger for no benefit in a binary PDF.
rl_config.useA85 = 0

PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A4": A4,
    "Letter": letter,
    "square": (210 * mm, 210 * mm),
}
DPI = 150  # pictures are downscaled to at most this at their printed size
JPEG_QUALITY = 85
MILD_REDUCTION = 0.8  # a picture reduced to no less than this is interpolated, not filtered
PICTURE_THREADS = min(4, os.cpu_count() or 1)  # pictures fitted and encoded at once

INK = (0.11, 0.11, 0.13)
ACCENT = (0.13, 0.38, 0.55)  # the translation, and the rule before it
MUTED = (0.42, 0.42, 0.45)

BODY_SIZES = (17.0, 15.0, 13.0, 11.5)  # tried in order until the page's text fits
TITLE_SIZES = (32.0, 26.0, 21.0, 17.0)
TRANSLATION_SCALE = 0.9
_QUICK_FIT_CHARS = 3000  # above this, go straight to the smallest size

# how a story page is laid out: picture above its text, picture beside it, the picture over the
# whole page with the text on a band, or picture above and large type for early readers
LAYOUTS: tuple[str, ...] = ("above", "beside", "band", "large")
LARGE_BODY_SIZES = (26.0, 23.0, 20.0, 18.0)
LARGE_LEADING = 1.55
BAND_PAPER = (1.0, 1.0, 1.0)
BAND_ALPHA = 0.86
TEXT_GAP = 7 * mm  # between a picture and the text under it
BESIDE_GUTTER = 9 * mm
BESIDE_PICTURE = 0.56  # of the width the picture and the text share
BAND_PADDING = 7 * mm
BAND_MAX = 0.42  # of the page's height: a longer text continues on the pages that follow
PANEL_WIDTH = 0.4  # of the page's width: a side panel, when a band would cover the subject
PANEL_WHEN = 0.1  # a band covering more of the subject than this makes a side panel worth trying
SUBJECT_MARGIN = 0.04  # of the picture's long side: how far text keeps from the subject's edge
COVER_TIE = 0.02  # places that cover about as little of the subject: the farthest from it wins


@dataclass(frozen=True)
class TextArea:
    """Where the text of a page is laid over its picture: "bottom" or "top" (a band across the
    page) or "left" or "right" (a panel), its rectangle (x0, y0, x1, y1 in points from the trim's
    lower left, reaching into the bleed), and the share of the picture's subject it covers."""

    place: str
    rect: tuple[float, float, float, float]
    covered: float = 0.0


@dataclass
class BookPage:
    """One story page: its text, its picture (a file), and its translation in a bilingual book."""

    text: str
    image: Path | None
    translation: str | None = None


@dataclass
class BackEntry:
    """One entry of a back page: a first line in the ink colour, a muted second one under it, and
    a small picture beside them (the picture of the page a word to know names something in)."""

    first: str
    second: str = ""
    image: Path | None = None


@dataclass
class BackPage:
    """A page printed after the story ("Words to know", "Let's talk about the story"): a heading
    and its entries; entries that do not fit go on to a new page."""

    heading: str
    entries: list[BackEntry] = field(default_factory=list)


@dataclass
class Book:
    """Everything printed, as plain data.

    `language` is the language of the texts (a code such as "en", "ja", "ar"); in a bilingual book
    `translation_language` is that of `BookPage.translation` and `title_translation`. `page_size`
    is "A4", "Letter" or "square" (210 x 210 mm). `qr_url` is where the PDF can be downloaded;
    without it the last page has no QR code. `credits` says which engines made the book.
    """

    title: str
    pages: list[BookPage] = field(default_factory=list)
    photo: Path | None = None
    page_size: str = "A4"
    language: str = "en"
    title_translation: str | None = None
    translation_language: str | None = None
    qr_url: str | None = None
    credits: str = ""
    layout: str = "above"  # one of LAYOUTS
    print: PrintSpec | None = None  # a print-ready PDF: trim, bleed and crop marks (page_size unused)
    back_pages: list[BackPage] = field(default_factory=list)  # after the story, before the QR page


@dataclass(frozen=True)
class Rendered:
    """A rendered PDF: its bytes and how many pages it has (counted while drawing, not re-parsed)."""

    data: bytes
    pages: int
    low_resolution: tuple[tuple[str, float], ...] = ()  # print PDF: (what, dpi) per picture under PRINT_DPI
    text_areas: tuple[tuple[int, TextArea], ...] = ()  # band layout: (page number, where its text went)


_render_lock = threading.Lock()


def render_pdf(book: Book) -> Rendered:
    """The book as a PDF.

    Raises InputError for an unknown page size, a picture that cannot be read or a URL too long
    for a QR code, and fonts.FontMissing when a text's script has no font installed (its message
    says what to install). Rendering holds a process-wide lock: reportlab's font registry and
    shaping caches are shared, and an export takes well under a second.
    """
    if book.layout not in LAYOUTS:
        raise InputError(f"Unknown layout {book.layout!r}: choose one of {', '.join(LAYOUTS)}.")
    if book.print is None and book.page_size not in PAGE_SIZES:
        raise InputError(f"Unknown page size {book.page_size!r}: choose one of {', '.join(PAGE_SIZES)}.")
    with _render_lock:
        return _Renderer(book).render()


class _Renderer:
    def __init__(self, book: Book) -> None:
        self.book = book
        self.width, self.height = PAGE_SIZES[book.page_size] if book.print is None else book.print.trim.size
        if book.print is None and book.layout == "beside" and self.height > self.width:
            self.width, self.height = self.height, self.width  # side by side wants a landscape page
        small = book.page_size == "square" if book.print is None else min(self.width, self.height) < 230 * mm
        self.margin = 15 * mm if small else 18 * mm
        self.footer = 16.0
        self.buf = io.BytesIO()
        self.latin = fonts.font_for_script("latin").name
        # the initial font is ours, so no unembedded Helvetica is referenced by any page
        options = dict(invariant=1, pageCompression=1, initialFontName=self.latin)
        if book.print is None:
            self.c = Canvas(self.buf, pagesize=(self.width, self.height), **options)
        else:
            self.c = PrintCanvas(self.buf, book.print, **options)
        self.bleed = BLEED if book.print else 0.0  # how far past the page's edge edge-touching art goes
        self.dpi = PRINT_DPI if book.print else DPI
        self.low_resolution: dict[str, float] = {}  # "page 3": the dpi its picture prints at
        self.text_x = self.margin  # the text column: the content width unless a layout narrows it
        self.text_w = self.content_w
        self.measure = _Measure()
        self.images: dict[tuple, Future] = {}  # (path, box) -> (reader, width, height), see `picture`
        self.page_label: str | None = None  # printed at the foot of story pages
        self.subjects: dict[Path, Future] = {}  # band layout: picture -> its subject's mask
        self.text_areas: list[tuple[int, TextArea]] = []

    # --- geometry -----------------------------------------------------------------------------

    @property
    def content_w(self) -> float:
        return self.width - 2 * self.margin

    @property
    def top(self) -> float:
        return self.height - self.margin

    @property
    def bottom(self) -> float:
        return self.margin + self.footer

    # --- the book -----------------------------------------------------------------------------

    def render(self) -> Rendered:
        book = self.book
        c = self.c
        title = printable_text(book.title)[:500]
        c.setTitle(title.replace("\n", " "))
        c.setCreator("VisuTale Studio")
        c.setSubject(printable_text(book.credits)[:500].replace("\n", " "))
        with ThreadPoolExecutor(max_workers=PICTURE_THREADS, thread_name_prefix="pdf-pictures") as pool:
            self.prepare_pictures(pool)
            try:
                self.title_page()
                for n, page in enumerate(book.pages, start=1):
                    self.story_page(n, page)
                for back in book.back_pages:
                    self.back_page(back)
            finally:
                for future in [*self.images.values(), *self.subjects.values()]:
                    future.cancel()  # a picture failed: those not started are not needed
        if book.qr_url:
            self.last_page()
        c.save()  # shows the last page; the page number then points past it
        return Rendered(
            self.buf.getvalue(),
            c.getPageNumber() - 1,
            tuple(self.low_resolution.items()),
            tuple(self.text_areas),
        )

    def prepare_pictures(self, pool: ThreadPoolExecutor) -> None:
        """Start fitting and encoding every picture of the book, in page order, on `pool`.

        Decoding, resampling and JPEG encoding release the GIL, so on a machine with several
        cores the pictures are prepared side by side while the pages are laid out; each one is
        an exact function of its file and box, so the PDF's bytes do not depend on the timing.
        `picture` then waits for the one a page draws (and raises its error, in page order).
        """
        if self.book.photo is not None:
            self.submit_picture(pool, Path(self.book.photo), self.title_box_h(), "the photo")
        for n, page in enumerate(self.book.pages, start=1):
            if page.image is not None:
                box_w, box_h, cover = self.story_picture_box(page)
                self.submit_picture(pool, Path(page.image), box_h, f"page {n}", box_w, cover)
                if self.book.layout == "band" and Path(page.image) not in self.subjects:
                    self.subjects[Path(page.image)] = pool.submit(subject_mask_of, Path(page.image))

    def submit_picture(
        self, pool: ThreadPoolExecutor, path: Path, box_h: float, what: str, box_w: float | None = None, cover=False
    ) -> None:
        box_w = self.content_w if box_w is None else box_w
        key = (path, round(box_w, 1), round(box_h, 1), cover)
        if key not in self.images:
            self.images[key] = pool.submit(_fitted_picture, path, box_w, box_h, what, self.dpi, cover)

    def title_box_h(self) -> float:
        return (self.top - self.margin) * (0.55 if self.book.page_size == "square" else 0.6)

    def story_box_h(self, page: BookPage) -> float:
        """The height of a story page's picture box: a short text leaves room, and the picture
        grows into it (a picture book's usual page)."""
        content_h = self.top - self.bottom
        short = len(page.text) + len(page.translation or "") < 450
        if self.book.layout == "large":  # the picture takes what the big letters leave
            blocks, scales = self.page_blocks(page)
            for block, scale in zip(blocks, scales):
                block.size = LARGE_BODY_SIZES[0] * scale
            text_h = sum(line.height for b in blocks for line in layout_block(b, self.content_w, self.measure))
            return min(content_h * 0.66, max(content_h * 0.4, content_h - text_h - TEXT_GAP - 6 * mm))
        if self.width / self.height > 0.85:  # a square or landscape page
            return content_h * (0.56 if short else 0.5)
        return content_h * (0.66 if short else 0.56)

    def bilingual(self) -> bool:
        return bool(self.book.translation_language)

    def title_page(self) -> None:
        book = self.book
        content_h = self.top - self.margin
        y = self.top
        if book.photo is not None:
            y = self.draw_picture(book.photo, self.top, self.title_box_h(), "the photo") - 10 * mm
        else:
            y = self.top - content_h * 0.28
        blocks = [Block(book.title, book.language, 0, INK, align="center", leading=1.25)]
        if self.bilingual() and printable_text(book.title_translation):
            blocks.append(
                Block(book.title_translation or "", book.translation_language, 0, ACCENT, align="center", leading=1.3)
            )
        scales = (1.0, 0.62)
        # without a QR code page the credits are the title page's colophon, at its foot: a last
        # page with one small line on it was a sheet of paper wasted in every printed book
        colophon = [] if book.qr_url else self.credit_lines()
        reserved = sum(line.height for line in colophon) + (6 * mm if colophon else 0)
        lines = self.fit(blocks, TITLE_SIZES, y - self.margin - reserved, scales)
        self.page_label = None
        self.flow(lines, y, self.margin + reserved)
        self.flow(colophon, self.margin + reserved - 6 * mm, self.margin)
        self.c.showPage()

    def credit_lines(self, space_before: float = 0) -> list[Line]:
        """The credits (which engines made the book), small, muted and centred; none if empty."""
        if not printable_text(self.book.credits):
            return []
        block = Block(
            self.book.credits, self.book.language, 9.5, MUTED, align="center", leading=1.35, space_before=space_before
        )
        return layout_block(block, self.content_w, self.measure)

    def story_page(self, number: int, page: BookPage) -> None:
        self.page_label = str(number)
        if page.image is not None and self.book.layout in ("beside", "band"):
            draw = self.beside_page if self.book.layout == "beside" else self.band_page
            try:
                draw(number, page)
            finally:
                self.text_x, self.text_w = self.margin, self.content_w
            return
        y = self.top
        if page.image is not None:
            y = self.draw_picture(page.image, self.top, self.story_box_h(page), f"page {number}") - TEXT_GAP
        blocks, scales = self.page_blocks(page)
        lines = self.fit(blocks, self.body_sizes(), y - self.bottom, scales)
        self.flow(lines, y, self.bottom)
        self.footer_label()
        self.c.showPage()

    def page_blocks(self, page: BookPage) -> tuple[list[Block], list[float]]:
        """A story page's text (and translation) as blocks, with the scale of each one's size."""
        leading = LARGE_LEADING if self.book.layout == "large" else 1.4
        blocks = [Block(page.text, self.book.language, 0, INK, leading=leading)]
        scales = [1.0]
        if self.bilingual() and page.translation is not None and printable_text(page.translation):
            blocks.append(Block(page.translation, self.book.translation_language, 0, ACCENT, leading=leading))
            scales.append(TRANSLATION_SCALE)
        return blocks, scales

    def body_sizes(self) -> tuple[float, ...]:
        return LARGE_BODY_SIZES if self.book.layout == "large" else BODY_SIZES

    def back_page(self, back: BackPage) -> None:
        """The heading, then each entry: its text beside its picture, if any, kept together on a
        page (an entry that does not fit starts the next one)."""
        self.page_label = None
        y = self.top
        heading = Block(back.heading, self.book.language, 26.0, INK, align="center", leading=1.3)
        for line in layout_block(heading, self.content_w, self.measure):
            self.draw_line(line, y)
            y -= line.height
        thumb = 24 * mm
        for entry in back.entries:
            indent = thumb + 5 * mm if entry.image is not None else 0.0
            width = self.content_w - indent
            first = Block(entry.first, self.book.language, 15.0, INK, leading=1.3, space_before=6 * mm)
            lines = layout_block(first, width, self.measure)
            if printable_text(entry.second):
                second = Block(entry.second, self.book.language, 12.5, MUTED, leading=1.35)
                lines += layout_block(second, width, self.measure)
            height = max(sum(line.height for line in lines), thumb + 6 * mm if entry.image is not None else 0.0)
            if y - height < self.margin and y < self.top:
                self.c.showPage()
                y = self.top
            top = y
            if entry.image is not None:
                reader, w, h = self.picture(Path(entry.image), thumb, thumb, back.heading, noted=False)
                self.c.drawImage(reader, self.margin + (thumb - w) / 2, top - 6 * mm - h, w, h)
            for line in lines:
                self.draw_line(line, y, self.margin + indent)
                y -= line.height
            y = top - height
        self.c.showPage()

    def last_page(self) -> None:
        """The QR code that downloads this PDF, its address under it, and the credits."""
        book = self.book
        self.page_label = None
        y = self.top - (self.top - self.margin) * 0.08
        img = qr_image(book.qr_url)
        side = min(62 * mm, self.content_w * 0.6, (self.top - self.margin) * 0.5)
        self.c.drawImage(ImageReader(img), (self.width - side) / 2, y - side, side, side)
        y -= side + 4 * mm
        address = Block(book.qr_url, "en", 8.0, MUTED, align="center", leading=1.3)
        lines = layout_block(address, self.content_w, self.measure) + self.credit_lines(space_before=8 * mm)
        self.flow(lines, y, self.margin)
        self.c.showPage()

    # --- text ---------------------------------------------------------------------------------

    def fit(self, blocks: list[Block], sizes, avail: float, scales) -> list[Line]:
        """The lines of `blocks` at the largest size whose lines fit in `avail` points (the
        smallest size otherwise: the flow continues on new pages)."""
        total = sum(len(b.text or "") for b in blocks)
        tries = sizes if total <= _QUICK_FIT_CHARS else sizes[-1:]
        lines: list[Line] = []
        for size in tries:
            lines = []
            for i, (block, scale) in enumerate(zip(blocks, scales)):
                block.size = size * scale
                laid = layout_block(block, self.text_w, self.measure)
                if i and lines and laid:
                    # a short rule before the translation, on the side its text starts
                    lines.append(Line([], 40, block.size, block.size * 1.6, laid[0].align, ACCENT, rule=True))
                lines += laid
            if sum(line.height for line in lines) <= avail:
                break
        return lines

    def flow(self, lines: list[Line], y: float, bottom: float) -> None:
        """Draw lines from `y` down; a line that does not fit goes on a new, full page."""
        c = self.c
        first_on_page = True
        for line in lines:
            if y - line.height < bottom - 0.01 and not first_on_page:
                self.footer_label()
                c.showPage()
                y = self.top
                first_on_page = True
            if first_on_page and not line.items and not line.rule:
                continue  # no gap at the top of a page
            self.draw_line(line, y)
            y -= line.height
            first_on_page = False

    def draw_line(self, line: Line, y: float, left: float | None = None) -> None:
        c = self.c
        left = self.text_x if left is None else left
        if line.rule:
            c.setStrokeColorRGB(*line.color)
            c.setLineWidth(0.8)
            mid = y - line.height / 2
            if line.align == "center":
                c.line(left + self.text_w / 2 - line.width / 2, mid, left + self.text_w / 2 + line.width / 2, mid)
            elif line.align == "right":
                c.line(left + self.text_w - line.width, mid, left + self.text_w, mid)
            else:
                c.line(left, mid, left + line.width, mid)
            return
        if not line.items:
            return
        if line.align == "right":
            x0 = left + self.text_w - line.width
        elif line.align == "center":
            x0 = left + (self.text_w - line.width) / 2
        else:
            x0 = left
        baseline = y - line.size * 1.05
        c.setFillColorRGB(*line.color)
        t = c.beginText()
        for x, font, text in line.items:
            t.setTextOrigin(x0 + x, baseline)
            t.setFont(font, line.size)
            t.textLine(text)  # a str or a harfbuzz-shaped ShapedStr, never markup
        c.drawText(t)

    def footer_label(self, x: float | None = None, y: float | None = None) -> None:
        """The page number, centred at the foot of the page (or at x, y: inside a text band)."""
        if self.page_label:
            c = self.c
            c.setFillColorRGB(*MUTED)
            c.setFont(self.latin, 9)
            if y is None:
                y = self.margin * 0.6 if self.book.print is None else max(self.margin * 0.6, SAFE_MARGIN)
            c.drawCentredString(self.width / 2 if x is None else x, y, self.page_label)

    # --- pictures -------------------------------------------------------------------------------

    def draw_picture(self, path: Path, top: float, box_h: float, what: str) -> float:
        """Draw a picture fitted in the content width x `box_h`, centred, from `top` down;
        returns its bottom edge."""
        reader, w, h = self.picture(Path(path), self.content_w, box_h, what)
        self.c.drawImage(reader, (self.width - w) / 2, top - h, w, h)
        return top - h

    def picture(self, path: Path, box_w: float, box_h: float, what: str, cover: bool = False, noted: bool = True):
        """A picture fitted in a box: (reader, width, height). With `noted`, one that prints under
        the printer's resolution is listed in `Rendered.low_resolution` (a word's small picture on
        a back page is not: upscaling the story cannot help it)."""
        key = (path, round(box_w, 1), round(box_h, 1), cover)
        if key not in self.images:  # not foreseen by `prepare_pictures`: made here and now
            done: Future = Future()
            done.set_result(_fitted_picture(path, box_w, box_h, what, self.dpi, cover))
            self.images[key] = done
        reader, w, h, dpi = self.images[key].result()
        if noted and self.book.print is not None and dpi < PRINT_DPI - 0.5:
            self.low_resolution[what] = dpi
        return reader, w, h

    # --- layouts other than picture above text ------------------------------------------------

    def story_picture_box(self, page: BookPage) -> tuple[float, float, bool]:
        """The box a story page's picture is fitted in (width, height), and whether it covers the
        box (cropped to it) rather than fitting inside it."""
        if self.book.layout == "band":
            return self.width + 2 * self.bleed, self.height + 2 * self.bleed, True
        if self.book.layout == "beside":
            return (self.content_w - BESIDE_GUTTER) * BESIDE_PICTURE, self.top - self.bottom, False
        return self.content_w, self.story_box_h(page), False

    def beside_page(self, number: int, page: BookPage) -> None:
        """The picture in the larger part of the page, centred in its height; the text in a column
        beside it, centred too when it fits (it continues on the next pages, in the same column,
        when it does not). The picture comes first in reading order: at the left, or at the right
        of a right-to-left text."""
        box_w, box_h, _ = self.story_picture_box(page)
        reader, w, h = self.picture(Path(page.image), box_w, box_h, f"page {number}")
        self.text_w = self.content_w - box_w - BESIDE_GUTTER
        blocks, scales = self.page_blocks(page)
        lines = self.fit(blocks, self.body_sizes(), self.top - self.bottom, scales)
        right_to_left = next((line.align == "right" for line in lines if line.items), False)
        picture_x = self.margin + (self.text_w + BESIDE_GUTTER if right_to_left else 0.0)
        self.text_x = self.margin if right_to_left else self.margin + box_w + BESIDE_GUTTER
        middle = (self.top + self.bottom) / 2
        self.c.drawImage(reader, picture_x + (box_w - w) / 2, middle - h / 2, w, h)
        height = sum(line.height for line in lines)
        self.flow(lines, min(self.top, middle + height / 2), self.bottom)
        self.footer_label()
        self.c.showPage()

    def band_page(self, number: int, page: BookPage) -> None:
        """The picture over the whole page and into the bleed (cropped to the page's shape), the text
        on a pale band or panel where the picture's subject is not (`text_area`); a text too long
        for it continues on the pages that follow."""
        box_w, box_h, _ = self.story_picture_box(page)
        reader, w, h = self.picture(Path(page.image), box_w, box_h, f"page {number}", cover=True)
        c = self.c
        c.drawImage(reader, -self.bleed, -self.bleed, w, h)
        blocks, scales = self.page_blocks(page)
        area, lines, text_h = self.text_area(Path(page.image), blocks, scales)
        x0, y0, x1, y1 = area.rect
        c.saveState()
        c.setFillColorRGB(*BAND_PAPER)
        c.setFillAlpha(BAND_ALPHA)
        c.rect(x0, y0, x1 - x0, y1 - y0, stroke=0, fill=1)
        c.restoreState()
        if area.place == "bottom":
            self.flow(lines, y1 - BAND_PADDING * 0.6, self.bottom)
        elif area.place == "top":
            self.flow(lines, self.top, self.top - text_h - 0.5)
        else:
            middle = (self.top + self.bottom) / 2
            self.flow(lines, min(self.top, middle + text_h / 2), self.bottom)
        self.text_areas.append((number, area))
        if area.place == "top":  # the number in the band too, under the text: off the picture
            self.footer_label(y=y0 + BAND_PADDING * 0.25)
        elif area.place in ("left", "right"):
            self.footer_label(x=self.text_x + self.text_w / 2)
        else:
            self.footer_label()
        c.showPage()

    def text_area(self, image: Path, blocks: list[Block], scales) -> tuple[TextArea, list[Line], float]:
        """Where the text goes over a full-page picture, its lines, and their height there.

        A band across the foot or the top of the page (as tall as its text, at most `BAND_MAX` of
        the page), or, when both bands would cover much of the subject (a close-up that fills the
        page's height), a panel at the side that covers least. Each is measured against the
        subject's mask (`core.export.subject`), grown by `SUBJECT_MARGIN` so the text keeps clear
        of the subject's edge; among places that cover about as little, the one farthest from the
        subject's centre wins, the foot first when nothing was found."""
        mask = self.page_subject(image)
        self.text_x, self.text_w = self.margin, self.content_w
        most = self.height * BAND_MAX - BAND_PADDING - self.bottom
        lines = self.fit(blocks, self.body_sizes(), most, scales)
        text_h = min(most, sum(line.height for line in lines))
        b = self.bleed
        bands = [
            TextArea("bottom", (-b, -b, self.width + b, self.bottom + text_h + BAND_PADDING)),
            TextArea("top", (-b, self.top - text_h - BAND_PADDING * 0.8, self.width + b, self.height + b)),
        ]
        best = self.least_covering(bands, mask)
        if best.covered <= PANEL_WHEN:
            return best, lines, text_h
        panel_w = self.width * PANEL_WIDTH
        panels = [
            TextArea("left", (-b, -b, panel_w, self.height + b)),
            TextArea("right", (self.width - panel_w, -b, self.width + b, self.height + b)),
        ]
        panel = self.least_covering(panels, mask)
        if panel.covered >= best.covered - PANEL_WHEN / 2:
            return best, lines, text_h
        pad = BAND_PADDING * 0.6
        if panel.place == "left":
            self.text_x, self.text_w = self.margin, panel_w - self.margin - pad
        else:
            self.text_x = self.width - panel_w + pad
            self.text_w = self.width - self.margin - self.text_x
        lines = self.fit(blocks, self.body_sizes(), self.top - self.bottom, scales)
        return panel, lines, min(self.top - self.bottom, sum(line.height for line in lines))

    def page_subject(self, image: Path):
        """The subject's mask of a full-page picture, cropped as the page crops the picture and
        grown by `SUBJECT_MARGIN`: its pixels span the page and its bleed, the first row at the top."""
        import cv2
        import numpy as np

        future = self.subjects.get(image)
        mask = future.result() if future is not None else subject_mask_of(image)
        if mask.size <= 1 or not mask.any():
            return None
        x0, y0, x1, y1 = _crop_box(
            mask.shape[1], mask.shape[0], (self.width + 2 * self.bleed) / (self.height + 2 * self.bleed)
        )
        mask = np.ascontiguousarray(mask[y0:y1, x0:x1])
        grow = max(1, round(SUBJECT_MARGIN * max(mask.shape)))
        return cv2.dilate(mask, np.ones((2 * grow + 1, 2 * grow + 1), np.uint8))

    def least_covering(self, areas: list[TextArea], mask) -> TextArea:
        """The area that covers the least of the subject (see `text_area`), with its share filled in."""
        if mask is None:
            return replace(areas[0], covered=0.0)
        import numpy as np

        full_w, full_h = self.width + 2 * self.bleed, self.height + 2 * self.bleed
        rows, cols = mask.shape
        total = float(mask.sum())
        ys, xs = np.nonzero(mask)
        centre = (
            (xs.mean() + 0.5) / cols * full_w - self.bleed,
            self.height + self.bleed - (ys.mean() + 0.5) / rows * full_h,
        )
        measured = []
        for area in areas:
            x0, y0, x1, y1 = area.rect
            c0, c1 = (round((x + self.bleed) / full_w * cols) for x in (x0, x1))
            r0, r1 = (round((self.height + self.bleed - y) / full_h * rows) for y in (y1, y0))
            covered = float(mask[max(0, r0) : max(0, r1), max(0, c0) : max(0, c1)].sum()) / total
            far = math.hypot((x0 + x1) / 2 - centre[0], (y0 + y1) / 2 - centre[1])
            measured.append((replace(area, covered=covered), far))
        least = min(a.covered for a, _ in measured)
        near_least = [(a, far) for a, far in measured if a.covered <= least + COVER_TIE]
        return max(near_least, key=lambda pair: pair[1])[0]


_fitted: OrderedDict[tuple, tuple[bytes, float, float]] = OrderedDict()
_fitted_lock = threading.Lock()
_FITTED_KEPT_BYTES = 48 * 2**20


def _fitted_picture(
    path: Path, box_w: float, box_h: float, what: str, dpi: int = DPI, cover: bool = False
) -> tuple[ImageReader, float, float, float]:
    """`_jpeg_fitted` as a reader for the canvas, kept for the next export of the same book.

    Exporting a book again (another language, a fixed typo) fits the same picture files in the
    same boxes; decoding, resampling and encoding them is most of an export's time. A file is known
    by its path, inode, size and modification time (the store writes each picture once, under a
    new name), and the kept bytes are exactly what fitting it again gives, so the PDF is the same
    either way. At most `_FITTED_KEPT_BYTES` of JPEG are kept, the least recently used dropped.
    """
    try:
        stat = Path(path).stat()
    except OSError:
        return _reader(_jpeg_fitted(path, box_w, box_h, what, dpi, cover))  # which says what is wrong
    key = (str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns, box_w, box_h, dpi, cover)
    with _fitted_lock:
        fitted = _fitted.get(key)
        if fitted is not None:
            _fitted.move_to_end(key)
    if fitted is None:
        fitted = _jpeg_fitted(path, box_w, box_h, what, dpi, cover)
        with _fitted_lock:
            _fitted[key] = fitted
            while sum(len(kept[0]) for kept in _fitted.values()) > _FITTED_KEPT_BYTES:
                _fitted.popitem(last=False)
    return _reader(fitted)


def _reader(fitted: tuple[bytes, float, float, float]) -> tuple[ImageReader, float, float, float]:
    data, w_pt, h_pt, source_dpi = fitted
    return _JpegReader(data), w_pt, h_pt, source_dpi


def _jpeg_fitted(
    path: Path, box_w: float, box_h: float, what: str, dpi: int = DPI, cover: bool = False
) -> tuple[bytes, float, float, float]:
    """The picture fitted in box_w x box_h points (aspect kept), as JPEG bytes of at most `dpi` at
    that printed size, its printed width and height, and the resolution the source file has at
    that size (its pixels per inch of paper: a printer wants 300). With `cover` it fills the whole
    box instead, its overflow cut off evenly on both sides (a full-bleed picture)."""
    from PIL import Image, ImageOps

    try:
        with Image.open(path) as im:
            iw, ih = im.size
            orientation = im.getexif().get(0x0112, 1) if hasattr(im, "getexif") else 1
            if orientation in (5, 6, 7, 8):
                iw, ih = ih, iw
            if iw <= 0 or ih <= 0:
                raise ValueError("empty picture")
            scale = max(box_w / iw, box_h / ih) if cover else min(box_w / iw, box_h / ih)
            w_pt, h_pt = (box_w, box_h) if cover else (iw * scale, ih * scale)
            tw = max(1, math.ceil(w_pt / 72 * dpi))
            th = max(1, math.ceil(h_pt / 72 * dpi))
            if im.format == "JPEG" and (iw > tw * 2 or ih > th * 2):
                side = max(tw, th)
                im.draft("RGB", (side, side))  # decode at a reduced scale: much faster
            im = ImageOps.exif_transpose(im)
            im = _rgb(im)
            if cover:
                im = _cropped(im, w_pt / h_pt)
            if im.width > tw * 1.02 or im.height > th * 1.02:
                im = _reduced(im, tw, th)
            out = io.BytesIO()
            im.save(out, "JPEG", quality=JPEG_QUALITY)
    except FileNotFoundError as e:
        raise InputError(f"The picture for {what} is missing ({Path(path).name}).") from e
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as e:
        raise InputError(f"The picture for {what} could not be read ({Path(path).name}).") from e
    return out.getvalue(), w_pt, h_pt, 72.0 / scale


class _JpegReader(ImageReader):
    """A JPEG that reportlab embeds as it is (DCTDecode), named by its own bytes.

    reportlab names an image by a digest of `getRGBData()`, which for an ImageReader decodes the
    JPEG again; the encoded bytes identify the picture just as well (same picture, same bytes),
    so the export decodes each picture once. reportlab reads JPEG data through `jpeg_fh` only.
    """

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self._jpeg = data
        self._dataA = None  # no transparency mask

    def getRGBData(self) -> bytes:  # noqa: N802 - reportlab's name
        return self._jpeg


def _reduced(im, width: int, height: int):
    """An RGB picture reduced to width x height: a mild reduction (the usual one: a 1024-px
    picture printed a little smaller than 150 dpi) by OpenCV's bicubic interpolation, a larger one
    by Pillow's Lanczos filter, which averages away what the smaller picture cannot hold.

    Within `MILD_REDUCTION` the two differ by under 1/500 of the signal (PSNR about 55 dB on the
    offline pictures, equally sharp), and OpenCV's is fifteen times faster."""
    from PIL import Image

    if width >= im.width * MILD_REDUCTION and height >= im.height * MILD_REDUCTION:
        import cv2
        import numpy as np

        return Image.fromarray(cv2.resize(np.asarray(im), (width, height), interpolation=cv2.INTER_CUBIC))
    return im.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=2.0)


def _rgb(im):
    """Any PIL mode as RGB; transparency flattened onto white paper."""
    from PIL import Image

    if im.mode == "P" and "transparency" in im.info:
        im = im.convert("RGBA")
    if im.mode in ("RGBA", "LA", "RGBa", "La", "PA"):
        im = im.convert("RGBA")
        paper = Image.new("RGB", im.size, (255, 255, 255))
        paper.paste(im, mask=im.getchannel("A"))
        return paper
    if im.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        im = im.convert("F").point(lambda v: v / 256.0 if v > 255 else v).convert("L")
    return im.convert("RGB") if im.mode != "RGB" else im


def _cropped(im, aspect: float):
    """The largest centred part of `im` with this width/height ratio."""
    return im.crop(_crop_box(im.width, im.height, aspect))


def _crop_box(w: int, h: int, aspect: float) -> tuple[int, int, int, int]:
    """The largest centred box (x0, y0, x1, y1) of a w x h picture with this width/height ratio:
    what a full-bleed page keeps of its picture (and of the picture's subject mask)."""
    if w / h > aspect:
        keep = max(1, round(h * aspect))
        return (w - keep) // 2, 0, (w - keep) // 2 + keep, h
    keep = max(1, round(w / aspect))
    return 0, (h - keep) // 2, w, (h - keep) // 2 + keep
