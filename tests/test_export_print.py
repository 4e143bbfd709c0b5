"""The print-ready PDF and the layouts, read back: pypdf for its boxes and text, pypdfium2 for its
pixels (the bleed, the crop marks) and for where every character landed (inside the safe margin)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.lib.units import inch, mm

from core import studio
from core.cli import main
from core.errors import InputError
from core.export.pdf import LAYOUTS, Book, BookPage, render_pdf
from core.export.printing import BLEED, SAFE_MARGIN, SLUG, PrintSpec, low_resolution_notes, parse_trim
from core.jobs.runner import runner
from core.story import LAYOUTS as STORY_LAYOUTS
from core.story import ExportSettings, Story
from tests.conftest import SAMPLES
from tests.doubles import ScriptedWriter, SolidIllustrator, story_of
from tests.test_app_flow import settled

RED = (200, 30, 40)
LONG = " ".join(f"Sentence {n} of a long page that must flow on and never be cut off." for n in range(60))


def picture(folder: Path, name: str, size: tuple[int, int], colour=RED) -> Path:
    path = folder / name
    Image.new("RGB", size, colour).save(path, quality=90)
    return path


@pytest.fixture(scope="module")
def pics(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("print-pics")
    return {
        "small": picture(folder, "small.jpg", (200, 260)),
        "large": picture(folder, "large.jpg", (2700, 2700)),
        "page": picture(folder, "page.jpg", (768, 1024)),
    }


def book(pages: list[BookPage], trim: str | None = "8.5x8.5in", crop_marks=False, layout="above") -> Book:
    spec = PrintSpec(parse_trim(trim), crop_marks) if trim else None
    return Book("A Walk in the Rain", pages, layout=layout, print=spec, credits="Made with VisuTale Studio")


def boxes(pdf: bytes) -> list[dict[str, list[float]]]:
    reader = PdfReader(io.BytesIO(pdf))
    return [
        {name: [float(v) for v in page[f"/{name}"]] for name in ("MediaBox", "TrimBox", "BleedBox")}
        for page in reader.pages
    ]


def size(box: list[float]) -> tuple[float, float]:
    return box[2] - box[0], box[3] - box[1]


def rendered(pdf: bytes, index: int, scale: float = 2.0) -> Image.Image:
    doc = pdfium.PdfDocument(pdf)
    return doc[index].render(scale=scale).to_pil().convert("RGB")


@pytest.mark.parametrize(
    "trim,expected",
    [("A4", (210 * mm, 297 * mm)), ("8.5x8.5in", (8.5 * inch, 8.5 * inch)), ("8x10in", (8 * inch, 10 * inch))],
)
def test_every_page_is_the_trim_with_3mm_bleed(pics, trim, expected) -> None:
    pdf = render_pdf(book([BookPage("Rain.", pics["page"])], trim)).data
    pages = boxes(pdf)
    assert len(pages) == 2  # the title (the credits at its foot) and one page: no page after them
    for page in pages:
        assert size(page["TrimBox"]) == pytest.approx(expected, abs=0.01)
        assert size(page["BleedBox"]) == pytest.approx((expected[0] + 6 * mm, expected[1] + 6 * mm), abs=0.01)
        assert page["MediaBox"] == pytest.approx(page["BleedBox"], abs=0.01)  # no crop marks: no slug
        assert page["TrimBox"][:2] == pytest.approx([3 * mm, 3 * mm], abs=0.01)


def test_crop_marks_sit_in_a_slug_outside_the_bleed_and_only_when_asked(pics) -> None:
    pages = [BookPage("Rain on the roof.", None)]
    plain = render_pdf(book(pages)).data
    marked = render_pdf(book(pages, crop_marks=True)).data
    page = boxes(marked)[1]
    trim = 8.5 * inch
    assert size(page["MediaBox"]) == pytest.approx((trim + 24 * mm, trim + 24 * mm), abs=0.01)
    assert size(page["BleedBox"]) == pytest.approx((trim + 6 * mm, trim + 6 * mm), abs=0.01)
    assert page["TrimBox"][0] == pytest.approx(BLEED + SLUG, abs=0.01)

    scale = 4.0  # 288 dpi: the 0.25 pt marks are a pixel wide
    image = rendered(marked, 1, scale)
    origin = BLEED + SLUG

    def darkest(x_pt: float, y_pt: float) -> int:  # around a point, y measured from the bottom
        x, y = round(x_pt * scale), round(image.height - y_pt * scale)
        return min(min(image.getpixel((i, j))) for i in range(x - 2, x + 3) for j in range(y - 2, y + 3))

    for x, y in ((origin - BLEED - 3 * mm, origin), (origin, origin - BLEED - 3 * mm)):  # lower-left corner
        assert darkest(x, y) < 120
    assert darkest(origin - 1.5 * mm, origin) > 240  # nothing inside the bleed
    # without crop marks the sheet is only trim and bleed, and the bleed around a text page is blank
    image = rendered(plain, 1, 1.0)
    band = [image.getpixel((x, y)) for x in range(image.width) for y in (1, image.height - 2)]
    assert min(min(p) for p in band) > 240


def test_a_full_bleed_picture_is_drawn_into_the_bleed(pics) -> None:
    result = render_pdf(book([BookPage("Rain.", pics["page"])], layout="band"))
    image = rendered(result.data, 1, 1.0)
    away = image.height - 2 if result.text_areas[0][1].place == "top" else 1  # the edge the band leaves
    for x, y in ((1, image.height // 2), (image.width - 2, image.height // 2), (image.width // 2, away)):
        r, g, b = image.getpixel((x, y))  # on the sheet's very edge: 3 mm outside the trim
        assert r > 150 and g < 80 and b < 80
    # the same picture above the text stays inside the margins: nothing in the bleed to cut
    image = rendered(render_pdf(book([BookPage("Rain.", pics["page"])])).data, 1, 1.0)
    assert min(image.getpixel((1, image.height // 4))) > 240


def test_a_picture_under_300_dpi_is_named_and_the_pdf_still_made(pics) -> None:
    pages = [BookPage("Small.", pics["small"]), BookPage("Large.", pics["large"])]
    result = render_pdf(book(pages, "square"))
    assert result.data.startswith(b"%PDF-") and result.pages == 3
    ((what, dpi),) = result.low_resolution
    assert what == "page 1" and 60 < dpi < 75  # 260 px over a picture about 97 mm (3.8 in) high
    (note,) = low_resolution_notes(result.low_resolution)
    assert note.startswith(f"The picture for page 1 prints at {dpi:.0f} dpi") and "Upscale it" in note
    screen = render_pdf(Book("A Walk in the Rain", pages, page_size="square"))
    assert screen.low_resolution == ()  # the screen PDF does not warn
    # the large picture is embedded at 300 dpi for the printer (3.8 in: 1150 px), 150 for the screen

    def width(pdf: bytes) -> int:
        (image,) = PdfReader(io.BytesIO(pdf)).pages[2]["/Resources"]["/XObject"].values()
        return image.get_object()["/Width"]

    assert 1100 < width(result.data) < 1200 and width(result.data) == pytest.approx(2 * width(screen.data), abs=2)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_each_layout_prints_every_word_inside_the_safe_margin(pics, layout) -> None:
    texts = ["A short page about rain.", LONG, "The end."]
    pages = [BookPage(t, pics["page"]) for t in texts]
    pdf = render_pdf(book(pages, "8.5x8.5in", layout=layout)).data
    reader = PdfReader(io.BytesIO(pdf))
    lines = [line for page in reader.pages for line in page.extract_text().splitlines()]
    printed = re.sub(r"\s+", "", "".join(line for line in lines if not line.strip().isdigit()))  # no page numbers
    for text in texts:
        assert re.sub(r"\s+", "", text) in printed
    assert len(reader.pages) > 4  # the long page flowed on (title, short page, long page, the end)
    doc = pdfium.PdfDocument(pdf)
    heights = []
    for index, page in enumerate(doc):
        trim = boxes(pdf)[index]["TrimBox"]
        textpage = page.get_textpage()
        for i in range(textpage.count_chars()):
            left, bottom, right, top = textpage.get_charbox(i)
            if right - left <= 0:
                continue  # spaces and line ends
            assert trim[0] + SAFE_MARGIN - 0.5 <= left and right <= trim[2] - SAFE_MARGIN + 0.5, (index, i)
            assert trim[1] + SAFE_MARGIN - 0.5 <= bottom and top <= trim[3] - SAFE_MARGIN + 0.5, (index, i)
            if index == 1:
                heights.append(top - bottom)
    if layout == "large":  # an early reader's letters are much bigger than the usual 17 pt ones
        assert max(heights) > 14


def scene_with_the_cat(folder: Path, where: str) -> tuple[Path, tuple[float, float, float, float]]:
    """A 700 x 700 picture: sky, grass and the sample cat photo pasted at its top or its bottom;
    and where the cat is, as fractions of the picture (x0, y0, x1, y1 from its top left)."""
    rng = np.random.default_rng(0)
    ground = np.zeros((700, 700, 3), np.uint8)
    ground[:] = (150, 190, 230)
    ground[350:] = (110, 170, 90)
    scene = Image.fromarray(np.clip(ground + rng.normal(0, 6, ground.shape), 0, 255).astype(np.uint8))
    cat = Image.open(SAMPLES / "chelsea.jpg").convert("RGB")
    x, y = {"top": (160, 30), "bottom": (160, 417)}[where]
    scene.paste(cat.resize((380, 253)), (x, y))
    path = folder / f"cat-{where}.png"
    scene.save(path)
    return path, (x / 700, y / 700, (x + 380) / 700, (y + 253) / 700)


@pytest.mark.parametrize(("where", "text_at"), [("bottom", "top"), ("top", "bottom")])
def test_the_band_goes_where_the_subject_is_not(tmp_path, where, text_at) -> None:
    path, (fx0, fy0, fx1, fy1) = scene_with_the_cat(tmp_path, where)
    words = "Ravi the cat sat in the long grass and looked up at the sky for a while."
    result = render_pdf(book([BookPage(words, path)], "8.5x8.5in", layout="band"))
    ((number, area),) = result.text_areas
    assert (number, area.place) == (1, text_at)
    # the subject's box on the page (the square picture fills the trim and its bleed, y from the foot)
    side = 8.5 * inch + 2 * BLEED
    cat = (fx0 * side - BLEED, (1 - fy1) * side - BLEED, fx1 * side - BLEED, (1 - fy0) * side - BLEED)
    # read back from the PDF: the pale rectangle drawn over the picture, and every printed letter
    doc = pdfium.PdfDocument(result.data)
    page, origin = doc[1], BLEED  # no crop marks: the trim starts 3 mm into the sheet
    (band,) = [o.get_bounds() for o in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_PATH])]
    band = tuple(v - origin for v in band)
    assert band == pytest.approx(area.rect, abs=0.5)

    def overlap(a, b) -> float:
        return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))

    cat_area = (cat[2] - cat[0]) * (cat[3] - cat[1])
    assert overlap(band, cat) < 0.1 * cat_area  # at most a sliver of the photo's edge, never the cat
    textpage = page.get_textpage()
    letters = [textpage.get_charbox(i) for i in range(textpage.count_chars())]
    letters = [tuple(v - origin for v in box) for box in letters if box[2] > box[0]]
    assert len(letters) > 40 and not any(overlap(box, cat) > 0 for box in letters)  # the page number too


def test_a_subject_as_tall_as_the_page_leaves_the_text_a_side_panel(pics, monkeypatch) -> None:
    """The choice itself, on a subject mask given: a close-up filling the right part of the picture
    from top to bottom gets its text in a panel at the left; nothing found keeps the band at the foot."""
    import core.export.pdf as pdf_module

    mask = np.zeros((100, 100), np.float32)
    mask[:, 45:] = 1.0
    monkeypatch.setattr(pdf_module, "subject_mask_of", lambda path: mask)
    result = render_pdf(book([BookPage("A cat as tall as the page.", pics["page"])], "8.5x8.5in", layout="band"))
    ((_, area),) = result.text_areas
    assert area.place == "left" and area.rect[2] < 0.45 * 8.5 * inch and area.covered < 0.05
    monkeypatch.setattr(pdf_module, "subject_mask_of", lambda path: np.zeros((1, 1), np.float32))
    result = render_pdf(book([BookPage("A plain page.", pics["small"])], "8.5x8.5in", layout="band"))
    assert result.text_areas[0][1].place == "bottom"


def test_beside_puts_the_picture_first_in_reading_order(pics) -> None:
    def picture_left(text: str, language: str) -> float:
        pdf = render_pdf(Book("Rain", [BookPage(text, pics["page"])], language=language, layout="beside")).data
        page = pdfium.PdfDocument(pdf)[1]
        (image,) = list(page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE]))
        return image.get_bounds()[0] / page.get_width()

    assert picture_left("Rain on the roof.", "en") < 0.2
    assert picture_left("المطر على السطح.", "ar") > 0.4


def test_layouts_are_the_story_models_own() -> None:
    assert LAYOUTS == STORY_LAYOUTS
    assert ExportSettings.model_validate({"page_size": "Letter"}).layout == "above"  # an old story


def test_the_notes_name_the_pages_in_ranges() -> None:
    pictures = [("the photo", 64.4), *((f"page {n}", 113.0 + n % 2) for n in (1, 2, 3, 5, 7, 8))]
    photo, pages = low_resolution_notes(pictures)
    assert photo.startswith("The photo prints at 64 dpi")
    assert pages.startswith("The pictures for pages 1-3, 5, 7-8 print at 113 to 114 dpi, under the 300 dpi")
    assert "they may look soft on paper. Upscale them" in pages


def test_the_notes_never_ask_for_an_upscale_already_done() -> None:
    pictures = [(f"page {n}", 150.0) for n in (1, 2, 3, 4)]
    never, twice, most = low_resolution_notes(pictures, {2: 2, 3: 4, 4: 4})
    assert never.startswith("The picture for page 1 prints at 150 dpi, under") and "Upscale it (" in never
    assert "page 2 prints at 150 dpi after a 2x upscale" in twice and "Upscale it 4x" in twice
    assert "--factor 4" in twice
    assert most.startswith("The pictures for pages 3-4 print at 150 dpi after a 4x upscale, the most the studio")
    assert "Upscale" not in most.replace("upscale", "") and "export again" not in most
    assert "A smaller trim prints them sharper." in most


def test_trims_by_name_or_size_and_clear_refusals() -> None:
    assert parse_trim("a4").name == "A4"
    assert parse_trim("8.5X8.5in").width == pytest.approx(8.5 * inch)
    custom = parse_trim("148x210mm")
    assert (custom.width, custom.height) == pytest.approx((148 * mm, 210 * mm))
    for bad, says in (("B5-ish", "Unknown trim size"), ("10x10mm", "too small"), ("", "Unknown trim size")):
        with pytest.raises(InputError, match=says):
            parse_trim(bad)


@pytest.fixture
def story(store, cat_bytes) -> Story:
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger cat on a red rug.")
    list(studio.write_draft(store, story, ScriptedWriter(story_of("Cat", "One cat.", "Two cats."))))
    list(studio.illustrate(store, story, SolidIllustrator()))  # 64-pixel pictures: far under 300 dpi
    return story


def test_the_studio_prints_for_a_printer_and_says_which_pictures_are_soft(store, story) -> None:
    events = list(studio.export_pdf(store, story, trim="8x10in", crop_marks=True, layout="beside"))
    notes = [e.text for e in events if isinstance(e, studio.Notice)]
    assert len(notes) == 2 and "The photo prints" in notes[0] and "The pictures for pages 1-2 print at" in notes[1]
    assert "Upscale them" in notes[1] and "Upscale" not in notes[0]  # a larger photo, not an upscaled one
    saved = store.load(story.id)
    record = saved.exports[-1]
    assert (record.trim, record.layout, record.notes, record.filename) == ("8x10in", "beside", notes, "Cat-print.pdf")
    assert (saved.export.trim, saved.export.crop_marks, saved.export.layout) == ("8x10in", True, "beside")
    pdf = store.export_path(story.id, record.token).read_bytes()
    assert size(boxes(pdf)[0]["TrimBox"]) == pytest.approx((8 * inch, 10 * inch), abs=0.01)
    # the screen PDF keeps the layout, has no boxes of a printer's and no notes
    list(studio.export_pdf(store, saved))
    record = store.load(story.id).exports[-1]
    assert record.trim is None and record.layout == "beside" and record.notes == []
    page = PdfReader(store.export_path(story.id, record.token)).pages[0]
    assert "/TrimBox" not in page
    assert size([float(v) for v in page.mediabox]) == pytest.approx((297 * mm, 210 * mm), abs=0.01)  # A4, turned
    with pytest.raises(InputError, match="Unknown layout"):
        list(studio.export_pdf(store, saved, layout="sideways"))
    with pytest.raises(InputError, match="Unknown trim size"):
        list(studio.export_pdf(store, saved, trim="huge"))


def test_after_the_largest_upscale_the_note_says_the_limit(store, story) -> None:
    from core.offline.upscaler import OfflineUpscaler

    list(studio.upscale(store, story, OfflineUpscaler(), 4))  # 64 px -> 256 px: still soft on an 8x10in page
    events = list(studio.export_pdf(store, store.load(story.id), trim="8x10in"))
    (pages,) = [e.text for e in events if isinstance(e, studio.Notice) and "pages" in e.text]
    assert "after a 4x upscale, the most the studio can upscale" in pages
    assert "Upscale them" not in pages and "export again" not in pages


def test_the_command_line_makes_a_print_pdf(store, story, data_dir, tmp_path, capsys) -> None:
    def cli(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main([args[0], "--data-dir", str(data_dir), *args[1:]])
        out, err = capsys.readouterr()
        return code, out, err

    out = tmp_path / "book.pdf"
    code, printed, err = cli("export", story.id, "--format", "print-pdf", "--trim", "8.5x8.5in", "--out", str(out))
    assert code == 0, err
    assert printed.strip() == str(out) and "note: The pictures for pages 1-2 print at" in err
    assert size(boxes(out.read_bytes())[1]["BleedBox"]) == pytest.approx((8.5 * inch + 6 * mm,) * 2, abs=0.01)
    code, _, err = cli("export", story.id, "--trim", "A4")
    assert code == 2 and "--format print-pdf" in err
    code, _, err = cli("export", story.id, "--format", "print-pdf", "--trim", "7 by 7")
    assert code == 2 and "Unknown trim size" in err


def test_the_export_page_makes_a_print_pdf_and_shows_the_notes(store, story) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=60)
    at.query_params["story"] = story.id
    at.switch_page("pages/export.py").run()
    assert not at.exception, at.exception
    at.selectbox(key="export_layout").set_value("band").run()
    at.toggle(key="export_print").set_value(True).run()
    assert at.radio(key="export_size").disabled  # a printer's PDF has a trim instead
    at.selectbox(key="export_trim").set_value("8.5x8.5in").run()
    at.checkbox(key="export_crop_marks").check().run()
    (button,) = [b for b in at.button if b.key == "export_go"]
    assert button.label == "Make the print PDF"
    before = runner().submitted
    settled(button.click().run(), before)  # the PDF is made by a job: the page shows it once it ended
    record = store.load(story.id).exports[-1]
    assert (record.trim, record.layout, record.filename) == ("8.5x8.5in", "band", "Cat-print.pdf")
    assert any("for a printer, trim 8.5x8.5in" in s.value for s in at.success)
    shown = [w.value for w in at.warning]
    assert all(note in shown for note in record.notes) and len(record.notes) == 2
    page = boxes(store.export_path(story.id, record.token).read_bytes())[1]
    assert size(page["MediaBox"]) == pytest.approx((8.5 * inch + 24 * mm,) * 2, abs=0.01)  # crop marks' slug
