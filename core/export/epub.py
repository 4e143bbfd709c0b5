"""EPUB 3, fixed layout, with media overlays: a picture book that reads itself aloud.

Each page of the story is one fixed page (`rendition:layout pre-paginated`, 1200 x 1600 CSS pixels):
its picture above, its text below in type sized to fit. A narrated page has a media overlay (SMIL):
one `<par>` per sentence pairing the sentence's `<span>` with its clip of the page's MP3, so reading
apps (Apple Books, Thorium, Readium-based apps) play the narration and mark the sentence being read
with the `-epub-media-overlay-active` class, which the style sheet highlights. The book opens on a
cover page (the first picture, the title, the author); the navigation document lists every page;
the metadata holds the title, language, author, the engines that made it and the narration's
length. Silent pages (never narrated, or edited since) simply have no overlay.

Written with zipfile and small templates rather than ebooklib: ebooklib writes reflowable books and
has no notion of media overlays or per-item `media-overlay` attributes, which this format is about.
Validated by epubcheck in tests/test_epub.py (0 errors, 0 warnings).
"""

from __future__ import annotations

import math
import re
import uuid
import zipfile
from html import escape
from io import BytesIO

from core.export.audio import mp3
from core.export.formats import ExportRequest
from core.export.readalong import ReadAlongBook, ReadAlongPage, jpeg, readalong_book

WIDTH, HEIGHT = 1200, 1600
ACTIVE_CLASS = "-epub-media-overlay-active"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

STYLE = f"""@charset "utf-8";
html, body {{ margin: 0; padding: 0; width: {WIDTH}px; height: {HEIGHT}px; overflow: hidden; }}
body {{ background: #fffdf7; color: #222; font-family: "Noto Serif", Georgia, serif; }}
.page {{ width: {WIDTH}px; height: {HEIGHT}px; display: flex; flex-direction: column; box-sizing: border-box;
  padding: 48px 64px 40px; }}
.picture {{ flex: 1 1 auto; min-height: 0; display: flex; align-items: center; justify-content: center; }}
.picture img {{ width: 100%; height: 100%; object-fit: contain; }}
.text {{ flex: 0 0 auto; margin: 36px 0 0; line-height: 1.45; }}
.folio {{ flex: 0 0 auto; text-align: center; font-size: 26px; color: #888; margin-top: 16px; }}
.cover h1 {{ font-size: 72px; text-align: center; margin: 40px 0 8px; line-height: 1.15; }}
.cover .byline {{ font-size: 34px; text-align: center; color: #555; margin: 0; }}
.{ACTIVE_CLASS} {{ background-color: #ffe58a; border-radius: 6px; }}
"""


def make_epub(request: ExportRequest) -> bytes:
    """The EPUB of the story in the request's language (`core.export.formats`)."""
    return render_epub(readalong_book(request.store, request.story, request.language))


def render_epub(book: ReadAlongBook) -> bytes:
    files: list[tuple[str, bytes | str]] = []
    manifest: list[str] = []
    metadata_extra: list[str] = []
    spine = ['<itemref idref="cover"/>']
    nav_items = [f'<li><a href="cover.xhtml">{_x(book.title)}</a></li>']

    pictures: dict[int, str] = {}
    for page in book.pages:
        if page.picture is not None:
            data, _ = jpeg(page.picture)
            name = f"images/page-{page.number:02d}.jpg"
            files.append((f"EPUB/{name}", data))
            manifest.append(f'<item id="img-{page.number:02d}" href="{name}" media-type="image/jpeg"/>')
            pictures[page.number] = name

    cover_source = next((p.picture for p in book.pages if p.picture), None) or book.cover
    if cover_source is not None:
        data, _ = jpeg(cover_source)
        files.append(("EPUB/images/cover.jpg", data))
        manifest.append(
            '<item id="cover-image" href="images/cover.jpg" media-type="image/jpeg" properties="cover-image"/>'
        )
    files.append(("EPUB/cover.xhtml", _cover(book, "images/cover.jpg" if cover_source else None)))
    manifest.append('<item id="cover" href="cover.xhtml" media-type="application/xhtml+xml"/>')

    for page in book.pages:
        stem = f"page-{page.number:02d}"
        overlay = ""
        if page.audio is not None:
            audio = f"audio/{stem}.mp3"
            files.append((f"EPUB/{audio}", mp3(page.audio)))
            manifest.append(f'<item id="audio-{page.number:02d}" href="{audio}" media-type="audio/mpeg"/>')
            files.append((f"EPUB/{stem}.smil", _smil(page, f"{stem}.xhtml", audio)))
            manifest.append(f'<item id="smil-{page.number:02d}" href="{stem}.smil" media-type="application/smil+xml"/>')
            metadata_extra.append(
                f'<meta property="media:duration" refines="#smil-{page.number:02d}">{_clock(page.duration)}</meta>'
            )
            overlay = f' media-overlay="smil-{page.number:02d}"'
        files.append((f"EPUB/{stem}.xhtml", _page(book, page, pictures.get(page.number))))
        manifest.append(f'<item id="{stem}" href="{stem}.xhtml" media-type="application/xhtml+xml"{overlay}/>')
        spine.append(f'<itemref idref="{stem}"/>')
        first = page.sentences[0].text if page.sentences else ""
        label = f"{page.number}. {first[:60]}{'…' if len(first) > 60 else ''}"
        nav_items.append(f'<li><a href="{stem}.xhtml">{_x(label)}</a></li>')

    if book.narrated:
        metadata_extra.append(f'<meta property="media:duration">{_clock(book.duration)}</meta>')
        metadata_extra.append(f'<meta property="media:active-class">{ACTIVE_CLASS}</meta>')
        for voice in book.voices:
            metadata_extra.append(f'<meta property="media:narrator">{_x(voice)}</meta>')

    files.append(("EPUB/nav.xhtml", _nav(book, nav_items)))
    manifest.append('<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>')
    files.append(("EPUB/style.css", STYLE))
    manifest.append('<item id="style" href="style.css" media-type="text/css"/>')
    files.append(("EPUB/package.opf", _package(book, manifest, spine, metadata_extra)))
    return _zip(book, files)


# --- documents ---------------------------------------------------------------------------


def _x(text: str) -> str:
    """Text for XML: escaped, quotes too, without the control characters XML forbids."""
    return escape(_NOT_XML.sub("", text), quote=True)


def _head(book: ReadAlongBook, title: str, fixed: bool = True) -> str:
    viewport = f'<meta name="viewport" content="width={WIDTH}, height={HEIGHT}"/>' if fixed else ""
    lang = _x(book.language)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        f'xml:lang="{lang}" lang="{lang}" dir="{book.direction}">\n'
        f'<head><meta charset="utf-8"/><title>{_x(title)}</title>{viewport}'
        '<link rel="stylesheet" type="text/css" href="style.css"/></head>\n'
    )


def font_px(text: str, has_picture: bool) -> int:
    """Type as large as the page allows: the text box's area shared by the characters (a character
    is about half an em wide, a line 1.45 em high), between 26 and 52 pixels."""
    box_height = 560 if has_picture else 1300
    area = (WIDTH - 128) * box_height
    size = math.sqrt(area / (max(len(text), 1) * 0.55 * 1.45))
    return int(max(26, min(52, size)))


def _page(book: ReadAlongBook, page: ReadAlongPage, picture: str | None) -> str:
    spans = "".join(
        _x(piece).replace("\n", "<br/>") if index is None else f'<span id="s{index + 1}">{_x(piece)}</span>'
        for piece, index in page.spans()
    )
    figure = f'<div class="picture"><img src="{picture}" alt="{_x(page.alt)}"/></div>' if picture else ""
    size = font_px(page.text, picture is not None)
    return (
        _head(book, f"{book.title} – {page.number}")
        + f'<body><div class="page">{figure}<p class="text" style="font-size: {size}px">{spans}</p>'
        f'<div class="folio">{page.number}</div></div></body>\n</html>\n'
    )


def _cover(book: ReadAlongBook, image: str | None) -> str:
    figure = f'<div class="picture"><img src="{image}" alt="{_x(book.title)}"/></div>' if image else ""
    return (
        _head(book, book.title) + f'<body><div class="page cover">{figure}<h1>{_x(book.title)}</h1>'
        f'<p class="byline">{_x(book.author)}</p></div></body>\n</html>\n'
    )


def _nav(book: ReadAlongBook, items: list[str]) -> str:
    return (
        _head(book, book.title, fixed=False)
        + f'<body><nav epub:type="toc" id="toc"><h1>{_x(book.title)}</h1><ol>'
        + "".join(items)
        + "</ol></nav></body>\n</html>\n"
    )


def _smil(page: ReadAlongPage, document: str, audio: str) -> str:
    """One `<par>` per sentence: its span and its clip, which runs to where the next sentence starts
    (the pause after a sentence belongs to it, so nothing of the audio is skipped)."""
    pars = []
    for index, sentence in enumerate(page.sentences):
        following = page.sentences[index + 1].start if index + 1 < len(page.sentences) else page.duration
        begin, end = sentence.start or 0.0, max(following or 0.0, sentence.end or 0.0)
        pars.append(
            f'<par id="par{index + 1}"><text src="{document}#s{index + 1}"/>'
            f'<audio src="{audio}" clipBegin="{begin:.3f}s" clipEnd="{end:.3f}s"/></par>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<smil xmlns="http://www.w3.org/ns/SMIL" xmlns:epub="http://www.idpf.org/2007/ops" version="3.0">\n'
        f'<body><seq id="seq{page.number}" epub:textref="{document}">' + "".join(pars) + "</seq></body>\n</smil>\n"
    )


def _clock(seconds: float) -> str:
    """A SMIL clock value, h:mm:ss.fff."""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def _package(book: ReadAlongBook, manifest: list[str], spine: list[str], extra: list[str]) -> str:
    metadata = [
        f'<dc:identifier id="book-id">urn:uuid:{uuid.UUID(book.id)}</dc:identifier>',
        f"<dc:title>{_x(book.title)}</dc:title>",
        f"<dc:language>{_x(book.language)}</dc:language>",
        f"<dc:creator>{_x(book.author)}</dc:creator>",
        *(f"<dc:contributor>{_x(c)}</dc:contributor>" for c in book.engines),
        f"<dc:description>{_x(book.credits)}</dc:description>",
        "<dc:publisher>VisuTale Studio</dc:publisher>",
        f'<meta property="dcterms:modified">{book.modified:%Y-%m-%dT%H:%M:%SZ}</meta>',
        '<meta property="rendition:layout">pre-paginated</meta>',
        '<meta property="rendition:orientation">portrait</meta>',
        '<meta property="rendition:spread">none</meta>',
        *extra,
    ]
    direction = ' page-progression-direction="rtl"' if book.direction == "rtl" else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" '
        f'xml:lang="{_x(book.language)}">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        + "\n".join(metadata)
        + "\n</metadata>\n<manifest>\n"
        + "\n".join(manifest)
        + f"\n</manifest>\n<spine{direction}>\n"
        + "\n".join(spine)
        + "\n</spine>\n</package>\n"
    )


def _zip(book: ReadAlongBook, files: list[tuple[str, bytes | str]]) -> bytes:
    """The OCF container: `mimetype` first and stored, then everything else compressed (pictures and
    audio are compressed already: stored, to save the time)."""
    stamp = book.modified.timetuple()[:6]
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype", stamp), "application/epub+zip", zipfile.ZIP_STORED)
        container = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
            '<rootfiles><rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>\n"
        )
        files = [("META-INF/container.xml", container), *files]
        for name, data in files:
            packed = zipfile.ZIP_STORED if name.endswith((".jpg", ".mp3")) else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name, stamp), data, packed)
    return buffer.getvalue()
