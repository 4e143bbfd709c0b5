"""The printed book, read back: pypdf for its text, pictures and fonts, pypdfium2 for its QR code."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader
from reportlab.lib.rl_accel import fp_str

from core.errors import InputError
from core.export import fonts
from core.export.pdf import ACCENT, DPI, Book, BookPage, render_pdf
from core.export.qr import decode_qr, qr_image

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "assets" / "samples").glob("*.jpg"))
URL = "http://studio.example:8501/app/static/exports/4f1c0a9e2b7d4c3e8a6f5b1d0e9c2a7b/story.pdf"


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def page_images(page) -> list:
    xobjects = page["/Resources"].get("/XObject", {})
    return [x.get_object() for x in xobjects.values() if x.get_object()["/Subtype"] == "/Image"]


@pytest.fixture(scope="module")
def pictures(tmp_path_factory) -> list[Path]:
    """Eight 576x768 story pictures made from the bundled sample photos."""
    folder = tmp_path_factory.mktemp("pics")
    out = []
    for i in range(8):
        with Image.open(SAMPLES[i % len(SAMPLES)]) as im:
            path = folder / f"p{i}.jpg"
            im.convert("RGB").resize((576, 768)).save(path, quality=92)
            out.append(path)
    return out


def make_book(pictures, **kw) -> Book:
    pages = [
        BookPage(f"Page {i + 1}. Milo the cat tiptoed past the garden gate and found door number {i + 1}.", pictures[i])
        for i in range(8)
    ]
    kw.setdefault("qr_url", URL)
    kw.setdefault("credits", "Story: offline writer. Pictures: offline illustrator (watercolour).")
    return Book("Milo and the Secret Garden", pages, photo=SAMPLES[0], **kw)


def test_without_a_qr_code_the_credits_are_the_title_pages_foot_not_a_page_of_their_own(pictures) -> None:
    """A last page holding one small line of credits was a sheet wasted in every printed book."""
    reader = read(render_pdf(make_book(pictures, qr_url=None)).data)
    assert len(reader.pages) == 1 + 8  # the title page and the story: nothing after the last page
    assert "Page 8." in reader.pages[-1].extract_text() and "offline illustrator" not in reader.pages[-1].extract_text()
    heights: dict[str, float] = {}

    def where(text, cm, tm, font, size) -> None:  # each run of text's height on the page
        for word in ("Secret", "illustrator"):
            if word in text:
                heights.setdefault(word, tm[5])

    reader.pages[0].extract_text(visitor_text=where)
    bottom = float(reader.pages[0].mediabox.bottom)
    assert heights["illustrator"] < heights["Secret"]  # under the title
    assert heights["illustrator"] - bottom < 30 * 72 / 25.4  # at the foot of the page, in its margin's reach


def read(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def test_book_structure(pictures) -> None:
    book = make_book(pictures)
    reader = read(render_pdf(book).data)
    assert len(reader.pages) == 1 + 8 + 1
    assert reader.metadata.title == "Milo and the Secret Garden"
    assert "Milo and the Secret Garden" in reader.pages[0].extract_text()
    assert len(page_images(reader.pages[0])) == 1  # the photo
    for i, page in enumerate(book.pages, start=1):
        assert squash(page.text) in squash(reader.pages[i].extract_text())
        assert len(page_images(reader.pages[i])) == 1
        assert "/DCTDecode" in str(page_images(reader.pages[i])[0]["/Filter"])  # JPEG, as is
    last = reader.pages[-1].extract_text()
    assert squash(URL) in squash(last)
    assert "offline illustrator" in last
    for page in reader.pages:  # every font embedded, as a TrueType subset
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            assert re.match(r"/[A-Z]{6}\+", str(font["/BaseFont"])), font["/BaseFont"]
            assert "/FontFile2" in font["/FontDescriptor"]


def test_same_book_same_bytes(pictures) -> None:
    book = make_book(pictures)
    assert render_pdf(book).data == render_pdf(book).data


@pytest.mark.parametrize(
    ("size", "expected"), [("A4", (595.3, 841.9)), ("Letter", (612.0, 792.0)), ("square", (595.3, 595.3))]
)
def test_page_sizes(pictures, size, expected) -> None:
    reader = read(render_pdf(make_book(pictures, page_size=size)).data)
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width), 1), round(float(box.height), 1)) == expected


def test_unknown_page_size_is_refused(pictures) -> None:
    with pytest.raises(InputError, match="page size"):
        render_pdf(make_book(pictures, page_size="A5"))


def test_bilingual_pages_carry_both_texts(pictures) -> None:
    book = make_book(pictures, title_translation="Milo und der geheime Garten", translation_language="de")
    for i, page in enumerate(book.pages):
        page.translation = f"Seite {i + 1}. Milo schlich am Gartentor vorbei und fand Tür Nummer {i + 1}."
    pdf = render_pdf(book).data
    reader = read(pdf)
    title = reader.pages[0].extract_text()
    assert title.index("Milo and the Secret Garden") < title.index("Milo und der geheime Garten")
    accent = fp_str(*ACCENT)
    for i, page in enumerate(book.pages, start=1):
        text = squash(reader.pages[i].extract_text())
        original, translation = squash(page.text), squash(page.translation)
        assert original in text and translation in text
        assert text.index(original) < text.index(translation)  # the original first
        content = reader.pages[i].get_contents().get_data().decode("latin-1")
        assert f"{accent} rg" in content  # the translation is printed in the accent colour


def test_markup_prints_literally(pictures) -> None:
    hostile = '<b>x</b> & <font color="red">y</font> &amp; <para> </para> <img src="a.png"/> <br/>'
    book = Book(
        f"<i>{hostile}</i>",
        [BookPage(hostile, pictures[0], translation="&lt;<script>")],
        language="en",
        translation_language="en",
    )
    reader = read(render_pdf(book).data)
    assert squash(hostile) in squash(reader.pages[1].extract_text())
    assert squash("&lt;<script>") in squash(reader.pages[1].extract_text())
    assert squash(f"<i>{hostile}</i>") in squash(reader.pages[0].extract_text())


def test_control_characters_do_not_break_it() -> None:
    nasty = "a\x00b\x01c\x07d\x1be\x7ff\x85g\u202eh\u200bi\ufeffj\ud800k\ue000l\r\nm\tn\u2028o"
    reader = read(
        render_pdf(
            Book(nasty, [BookPage(nasty, None, translation=nasty)], translation_language="fr", title_translation=nasty)
        ).data
    )
    text = reader.pages[1].extract_text()
    assert "\x00" not in text and "\x1b" not in text
    assert squash("abcdefghijkl") in squash(text)
    assert "m n" in text  # the tab became a space


@pytest.mark.timeout(180)  # a hang guard, not a speed test: bench/offline.py measures speed
def test_megabyte_of_text_continues_on_new_pages() -> None:
    words = [f"w{i:07d}" for i in range(125_000)]  # 1 MB of distinct words
    text = " ".join(words)
    assert len(text) >= 1_000_000
    pdf = render_pdf(Book("Long", [BookPage(text, None), BookPage("after", None)])).data
    reader = read(pdf)
    assert len(reader.pages) > 100
    # nothing lost between pages: the words run on from one page to the next
    texts = {
        i: reader.pages[i].extract_text().split() for i in (1, 2, len(reader.pages) // 2, len(reader.pages) // 2 + 1)
    }
    assert texts[1][0] == "w0000000"
    for a in (1, len(reader.pages) // 2):
        last_word = [w for w in texts[a] if w.startswith("w")][-1]
        first_next = [w for w in texts[a + 1] if w.startswith("w")][0]
        assert int(first_next[1:]) == int(last_word[1:]) + 1
    # the last story page holds the last word, and the page after it the next story page
    idx = next(i for i in range(len(reader.pages) - 1, 0, -1) if "w0124999" in reader.pages[i].extract_text())
    assert "after" in reader.pages[idx + 1].extract_text()


def test_very_long_word_is_broken_not_lost() -> None:
    word = "x" * 20_000
    reader = read(render_pdf(Book("W", [BookPage(word, None)])).data)
    total = sum(reader.pages[i].extract_text().count("x") for i in range(1, len(reader.pages)))
    assert total == 20_000
    assert len(reader.pages) > 2


def test_qr_code_on_last_page_gives_back_the_url(pictures) -> None:
    pdf = render_pdf(make_book(pictures)).data
    doc = pdfium.PdfDocument(pdf)
    image = doc[len(doc) - 1].render(scale=2).to_pil()
    assert decode_qr(image) == URL


def test_qr_image_roundtrip_and_errors() -> None:
    image = qr_image(URL)
    assert image.mode == "L" and image.getpixel((0, 0)) == 255  # white quiet zone
    assert decode_qr(image) == URL
    assert decode_qr(Image.new("RGB", (200, 200), "white")) is None
    with pytest.raises(InputError):
        qr_image("x" * 5000)


def test_size_per_page_with_real_photos(tmp_path) -> None:
    # a big photo must be downscaled to at most ~150 dpi at its printed size
    with Image.open(SAMPLES[0]) as im:
        big = tmp_path / "big.jpg"
        im.convert("RGB").resize((3000, 4000)).save(big, quality=95)
    photos = [*SAMPLES, big]
    book = Book("Photos", [BookPage("A photo.", photos[i % len(photos)]) for i in range(8)], photo=big, qr_url=URL)
    pdf = render_pdf(book).data
    reader = read(pdf)
    assert len(pdf) / len(reader.pages) < 500_000
    for page in reader.pages[:-1]:
        for img in page_images(page):
            assert "/DCTDecode" in str(img["/Filter"])
            # A4 is 8.27 in wide: no picture may carry more pixels than 150 dpi of that
            assert img["/Width"] <= 8.27 * DPI and img["/Height"] <= 11.7 * DPI


def test_unreadable_pictures_are_clear_errors(tmp_path, pictures) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not a picture")
    with pytest.raises(InputError, match="page 1"):
        render_pdf(Book("T", [BookPage("x", bad)]))
    with pytest.raises(InputError, match="missing"):
        render_pdf(Book("T", [BookPage("x", tmp_path / "gone.png")]))


def test_transparent_and_odd_pictures(tmp_path) -> None:
    paths = []
    for mode, color in [("RGBA", (200, 20, 20, 0)), ("LA", (100, 128)), ("P", 3), ("L", 90), ("CMYK", (0, 90, 90, 0))]:
        path = tmp_path / f"{mode}.png" if mode != "CMYK" else tmp_path / "cmyk.jpg"
        Image.new(mode, (300, 200), color).save(path)
        paths.append(path)
    reader = read(render_pdf(Book("T", [BookPage(p.name, p) for p in paths])).data)
    assert all(len(page_images(reader.pages[i])) == 1 for i in range(1, len(paths) + 1))


def test_right_to_left_and_complex_scripts_render(pictures) -> None:
    book = Book(
        "الثعلب الصغير",
        [
            BookPage(
                "قفز الثعلب الصغير فوق القمر مع Anna في 2024.", pictures[0], translation="छोटी लोमड़ी चाँद के ऊपर कूद गई।"
            )
        ],
        language="ar",
        title_translation="השועל הקטן",
        translation_language="hi",
    )
    reader = read(render_pdf(book).data)
    names = {
        str(f.get_object()["/BaseFont"]).split("+")[-1]
        for p in reader.pages
        for f in p["/Resources"].get("/Font", {}).values()
    }
    assert {"NotoNaskhArabic-Regular", "NotoSansHebrew-Regular", "NotoSansDevanagari-Regular"} <= names


def test_empty_book_still_prints() -> None:
    reader = read(render_pdf(Book("", [])).data)
    assert len(reader.pages) == 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=st.text(max_size=200),
    text=st.text(max_size=2000),
    translation=st.none() | st.text(max_size=500),
    credits=st.text(max_size=100),
)
def test_any_text_reaches_the_pdf(title, text, translation, credits) -> None:
    book = Book(
        title,
        [BookPage(text, None, translation=translation)],
        credits=credits,
        translation_language="ja" if translation is not None else None,
        title_translation=translation,
    )
    try:
        pdf = render_pdf(book).data
    except fonts.FontMissing:
        # the only refusal allowed: a text mostly in a script this machine has no font for
        texts = [t for t in (title, text, translation, credits) if t]
        assert any(fonts._resolve(fonts.dominant_script(t, "en")) is None for t in texts)
        return
    assert pdf.startswith(b"%PDF-") and len(read(pdf).pages) >= 2


def test_pictures_kept_between_exports_give_the_same_pdf(pictures) -> None:
    import core.export.pdf as pdf

    pdf._fitted.clear()
    cold = render_pdf(make_book(pictures)).data
    assert len(pdf._fitted) == len(pictures) + 1  # each story picture and the photo, kept
    assert render_pdf(make_book(pictures)).data == cold  # from what was kept


def test_a_picture_file_replaced_is_read_again(tmp_path, pictures) -> None:
    path = tmp_path / "page.png"
    Image.new("RGB", (576, 768), (200, 30, 30)).save(path)
    book = Book("A red page", [BookPage("Red.", path)])
    red = page_images(read(render_pdf(book).data).pages[1])[0]
    Image.new("RGB", (576, 768), (30, 30, 200)).save(path)  # same path, same size on disk or not
    blue = page_images(read(render_pdf(book).data).pages[1])[0]
    colour = [Image.open(io.BytesIO(x.get_data())).convert("RGB").getpixel((10, 10)) for x in (red, blue)]
    assert colour[0][0] > 150 > colour[1][0] and colour[1][2] > 150


@pytest.mark.parametrize("factor", [0.97, 0.83, 0.5])
def test_reduced_pictures_keep_their_detail(factor) -> None:
    import numpy as np

    from core.export.pdf import _reduced

    with Image.open(SAMPLES[0]) as im:
        photo = im.convert("RGB").resize((768, 1024))
    size = (round(768 * factor), round(1024 * factor))
    reduced = _reduced(photo, *size)
    lanczos = photo.resize(size, Image.Resampling.LANCZOS)
    assert reduced.size == size and reduced.mode == "RGB"
    error = np.mean((np.asarray(reduced, float) - np.asarray(lanczos, float)) ** 2)
    assert 10 * np.log10(255**2 / max(error, 1e-9)) > 40  # indistinguishable from Lanczos
