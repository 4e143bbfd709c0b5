"""The deck a marketer presents: a 16:9 PDF made with reportlab.

Slides: a cover in the brand's colours (logo, the campaign's name, the product cut out of its
photo, palette); one slide per
variant with its four formats side by side at the same height and its copy with character counts;
a last slide with the brief, the brand's rules and, when the deck is published, the QR code that
downloads it on a phone (as a book's last page does).

Pictures go in as JPEG reduced to what the slide shows (150 dpi at that size): the PNGs
are in the ZIP at full size, the deck stays small enough to mail. Text is set in the brand's font
when it has one (embedded as a subset: only the glyphs used travel), else the bundled Noto Sans.
"""

from __future__ import annotations

import io
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image
from reportlab import rl_config

from core.campaign.brand import BUNDLED_BOLD, BUNDLED_REGULAR, BrandKit, font_covers
from core.campaign.colour import WHITE, best_text_on, rgb
from core.campaign.copy import LIMITS, Copy
from core.campaign.layout import FORMATS
from core.export.fonts import font_for
from core.export.qr import qr_image

rl_config.useA85 = 0  # binary streams: ASCII85 makes pictures 25 % larger and is slow (as core.export.pdf)

PAGE = (960.0, 540.0)  # points: 13.33 x 7.5 in, a presentation's 16:9
MARGIN = 40.0
DPI = 150  # a 960-pt slide on a 1920-px screen shows a picture at 2 px per point: 150 dpi is enough


@dataclass(frozen=True)
class Slide:
    letter: str
    copy: Copy
    pictures: dict[str, Path]  # format key -> PNG


@dataclass(frozen=True)
class Deck:
    campaign: str
    kit: BrandKit
    logo: Image.Image | None
    font: Path | None
    slides: list[Slide]
    brief: list[tuple[str, str]]  # (label, value) for the last slide
    language: str = "en"
    url: str | None = None  # where the deck will be downloadable (the QR code)
    product: Image.Image | None = None  # the product cut out of its photo (RGBA), for the cover
    product_name: str = ""


def _colour(hex_colour: str):
    from reportlab.lib.colors import Color

    r, g, b = rgb(hex_colour)
    return Color(r / 255, g / 255, b / 255)


def _fonts(deck: Deck) -> tuple[str, str]:
    """(bold, regular) reportlab font names for the deck's text."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    everything = " ".join([deck.campaign, *(s.copy.headline + s.copy.body + s.copy.cta for s in deck.slides)])
    if deck.font is not None and not font_covers(deck.font, everything):
        name = f"Brand-{deck.font.stem[:12]}"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(deck.font)))
        return name, name
    if font_covers(BUNDLED_REGULAR, everything):
        choice = font_for(everything, deck.language)
        return choice.name, choice.name
    for name, path in (("Campaign-Bold", BUNDLED_BOLD), ("Campaign-Regular", BUNDLED_REGULAR)):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(path)))
    return "Campaign-Bold", "Campaign-Regular"


def _jpeg(path: Path, width_pt: float, height_pt: float):
    """The picture reduced to the deck's resolution at that size, as JPEG that reportlab embeds as
    it is (DCTDecode), named by its own bytes rather than by decoding it again."""
    from reportlab.lib.utils import ImageReader

    with Image.open(path) as image:
        image = image.convert("RGB")
        size = (max(1, round(width_pt * DPI / 72)), max(1, round(height_pt * DPI / 72)))
        if image.width > size[0] or image.height > size[1]:
            image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=86)
    data = buffer.getvalue()

    class Jpeg(ImageReader):
        def getRGBData(self) -> bytes:  # noqa: N802 - reportlab's name; the bytes identify the picture
            return data

    reader = Jpeg(io.BytesIO(data))
    reader._dataA = None  # no transparency mask
    return reader


def _lines(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if stringWidth(trial, font, size) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else lines


def render_deck(deck: Deck) -> tuple[bytes, int]:
    """The deck's PDF bytes and its number of pages."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    bold, regular = _fonts(deck)
    palette = deck.kit.palette
    buffer = io.BytesIO()
    # the initial font is the deck's own: reportlab's default (Helvetica) would be named, unembedded, on every page
    pdf = Canvas(buffer, pagesize=PAGE, pageCompression=1, initialFontName=regular, initialFontSize=12)
    pdf.setTitle(f"{deck.kit.name}: {deck.campaign}")
    pdf.setAuthor(deck.kit.name)
    pdf.setCreator("VisuTale Studio")
    width, height = PAGE
    on_primary = "#{:02X}{:02X}{:02X}".format(*best_text_on(rgb(palette.primary), WHITE))

    def footer(number: int) -> None:
        pdf.setFont(regular, 9)
        pdf.setFillColor(_colour(palette.text))
        pdf.drawString(MARGIN, 20, f"{deck.kit.name} · {deck.campaign}")
        pdf.drawRightString(width - MARGIN, 20, str(number))

    # cover ----------------------------------------------------------------------------------
    pdf.setFillColor(_colour(palette.primary))
    pdf.rect(0, 0, width, height, stroke=0, fill=1)
    if deck.logo is not None:
        logo_h = 56.0
        logo_w = min(360.0, deck.logo.width * logo_h / deck.logo.height)
        logo_h = logo_w * deck.logo.height / deck.logo.width
        pdf.setFillColor(_colour(palette.background))
        pdf.roundRect(MARGIN, height - MARGIN - logo_h - 24, logo_w + 32, logo_h + 24, 12, stroke=0, fill=1)
        buffer_logo = io.BytesIO()
        deck.logo.save(buffer_logo, format="PNG")
        buffer_logo.seek(0)
        pdf.drawImage(ImageReader(buffer_logo), MARGIN + 16, height - MARGIN - logo_h - 12, logo_w, logo_h, mask="auto")
    text_w = width - 2 * MARGIN
    if deck.product is not None:  # the product on a disc of the background colour, right of the title
        side = 380.0
        cx, cy = width - MARGIN - side / 2 + 10, height / 2 + 10
        pdf.setFillColor(_colour(palette.background))
        pdf.circle(cx, cy, side / 2, stroke=0, fill=1)
        pdf.setFillColor(_colour(palette.accent))
        pdf.circle(cx + side * 0.36, cy + side * 0.36, side * 0.07, stroke=0, fill=1)
        shown = deck.product.copy()
        shown.thumbnail((round(side * 0.78 * DPI / 72),) * 2, Image.Resampling.LANCZOS)
        pw = side * 0.78 * min(1.0, shown.width / shown.height)
        ph = side * 0.78 * min(1.0, shown.height / shown.width)
        buffer_product = io.BytesIO()
        shown.save(buffer_product, format="PNG")
        buffer_product.seek(0)
        pdf.drawImage(ImageReader(buffer_product), cx - pw / 2, cy - ph / 2, pw, ph, mask="auto")
        text_w = width - 2 * MARGIN - side - 20
    pdf.setFillColor(_colour(on_primary))
    size = 44 if len(_lines(deck.campaign, bold, 44, text_w)) <= 2 else 34
    pdf.setFont(bold, size)
    y = height * 0.52
    for line in _lines(deck.campaign, bold, size, text_w)[:3]:
        pdf.drawString(MARGIN, y, line)
        y -= size * 1.18
    pdf.setFont(regular, 16)
    if deck.product_name and deck.product_name.lower() not in deck.campaign.lower():
        pdf.drawString(MARGIN, y - 6, deck.product_name)
        y -= 24
    pdf.drawString(MARGIN, y - 6, f"{deck.kit.name} · {len(deck.slides)} variants · {datetime.now():%d %B %Y}")
    for n, name in enumerate(("primary", "accent", "background", "text")):
        x = MARGIN + n * 140
        pdf.setFillColor(_colour(getattr(palette, name)))
        pdf.setStrokeColor(_colour(on_primary))
        pdf.roundRect(x, 56, 120, 40, 6, stroke=1, fill=1)
        pdf.setFillColor(_colour(on_primary))
        pdf.setFont(regular, 9)
        pdf.drawString(x, 42, f"{name} {getattr(palette, name)}")
    pdf.showPage()

    # one slide per variant -------------------------------------------------------------------
    row_h = 230.0
    gap = 14.0
    ratios = [f.width / f.height for f in FORMATS]
    row_h = min(row_h, (width - 2 * MARGIN - gap * (len(FORMATS) - 1)) / sum(ratios))
    wanted = [
        (path, row_h * ratio, row_h)
        for slide in deck.slides
        for fmt, ratio in zip(FORMATS, ratios)
        if (path := slide.pictures.get(fmt.key)) is not None and path.exists()
    ]
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:  # decoding releases the GIL
        readers = dict(zip([w[0] for w in wanted], pool.map(lambda w: _jpeg(*w), wanted)))
    for number, slide in enumerate(deck.slides, start=2):
        pdf.setFillColor(_colour(palette.background))
        pdf.rect(0, 0, width, height, stroke=0, fill=1)
        pdf.setFillColor(_colour(palette.primary))
        pdf.rect(0, height - 8, width, 8, stroke=0, fill=1)
        pdf.setFont(bold, 22)
        pdf.drawString(MARGIN, height - 52, f"Variant {slide.letter}")
        x, top = MARGIN, height - 72
        for fmt, ratio in zip(FORMATS, ratios):
            w = row_h * ratio
            path = slide.pictures.get(fmt.key)
            if path in readers:
                pdf.drawImage(readers[path], x, top - row_h, w, row_h)
                pdf.setStrokeColor(_colour("#9A9A9A"))
                pdf.setLineWidth(0.6)
                pdf.rect(x, top - row_h, w, row_h, stroke=1, fill=0)
            pdf.setFillColor(_colour(palette.text))
            pdf.setFont(regular, 9)
            pdf.drawString(x, top - row_h - 13, f"{fmt.label} · {fmt.width}×{fmt.height}")
            x += w + gap
        y = top - row_h - 58
        text_w = width - 2 * MARGIN
        pdf.setFillColor(_colour(palette.primary))
        pdf.setFont(bold, 26)
        pdf.drawString(MARGIN, y, slide.copy.headline)
        y -= 30
        pdf.setFillColor(_colour(palette.text))
        pdf.setFont(regular, 16)
        for line in _lines(slide.copy.body, regular, 16, text_w):
            pdf.drawString(MARGIN, y, line)
            y -= 21
        pdf.setFont(bold, 16)
        pdf.drawString(MARGIN, y - 6, f"Call to action: {slide.copy.cta}")
        y -= 8
        pdf.setFont(regular, 10)
        counts = " · ".join(f"{field} {len(getattr(slide.copy, field))}/{limit}" for field, limit in LIMITS.items())
        pdf.drawString(MARGIN, y - 22, f"Characters: {counts}")
        footer(number)
        pdf.showPage()

    # the brief ---------------------------------------------------------------------------------
    pdf.setFillColor(_colour(palette.background))
    pdf.rect(0, 0, width, height, stroke=0, fill=1)
    pdf.setFillColor(_colour(palette.primary))
    pdf.rect(0, height - 8, width, 8, stroke=0, fill=1)
    pdf.setFont(bold, 22)
    pdf.drawString(MARGIN, height - 52, "The brief")
    y = height - 90
    column = width - 2 * MARGIN - (220 if deck.url else 0)
    for label, value in deck.brief:
        if not value:
            continue
        pdf.setFillColor(_colour(palette.primary))
        pdf.setFont(bold, 12)
        pdf.drawString(MARGIN, y, label)
        pdf.setFillColor(_colour(palette.text))
        pdf.setFont(regular, 12)
        lines = _lines(value, regular, 12, column - 150)
        if len(lines) > 5:  # a long caption: five lines, and say that it goes on
            lines = [*lines[:4], lines[4].rstrip(".,;:") + " …"]
        for line in lines:
            pdf.drawString(MARGIN + 150, y, line)
            y -= 16
        y -= 8
    if deck.url:
        qr = qr_image(deck.url)
        side = 180.0
        buffer_qr = io.BytesIO()
        qr.save(buffer_qr, format="PNG")
        buffer_qr.seek(0)
        pdf.drawImage(ImageReader(buffer_qr), width - MARGIN - side, height - 90 - side, side, side)
        pdf.setFont(regular, 10)
        pdf.setFillColor(_colour(palette.text))
        pdf.drawCentredString(width - MARGIN - side / 2, height - 104 - side, "Scan to download this deck")
    footer(len(deck.slides) + 2)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue(), len(deck.slides) + 2
