"""Every language the studio offers prints with real glyphs: checked on the PDF itself.

For each script a book is rendered with the script's sample sentence; the fonts the PDF embeds
on that page are looked up by their PostScript name among the font files on this machine, and
every character of the sample must have a glyph in one of them (and every letter in the one font
chosen for the script). Where PDF text extraction is reliable (Latin, Greek, Cyrillic, Chinese,
Japanese, Korean) the sentence must also extract back.

Chinese, Japanese and Korean need a system font (`apt-get install -y fonts-wqy-microhei`); their
tests are skipped, saying so, where it is not installed.
"""

from __future__ import annotations

import functools
import io
import re

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.ttfonts import TTFontFace

from core.export import fonts
from core.export.pdf import Book, BookPage, render_pdf

LANGUAGES = {
    "en": "latin",
    "de": "latin",
    "fr": "latin",
    "es": "latin",
    "tr": "latin",
    "pl": "latin",
    "cs": "latin",
    "vi": "latin",
    "id": "latin",
    "pt-BR": "latin",
    "en-GB": "latin",
    "el": "greek",
    "ru": "cyrillic",
    "uk": "cyrillic",
    "bg": "cyrillic",
    "zh": "chinese-simplified",
    "zh-hans": "chinese-simplified",
    "zh-hant": "chinese-traditional",
    "ja": "japanese",
    "ko": "korean",
    "ar": "arabic",
    "he": "hebrew",
    "hi": "devanagari",
    "th": "thai",
}
EXTRACTABLE = {"latin", "greek", "cyrillic", "chinese-simplified", "chinese-traditional", "japanese", "korean"}
CJK = {"chinese-simplified", "chinese-traditional", "japanese", "korean"}


def _need(script: str) -> None:
    if script in CJK and fonts._resolve(script) is None:
        pytest.skip(f"no CJK font here: {fonts.CJK_INSTALL}")


def _embedded_fonts(page) -> dict[str, object]:
    """PostScript name (subset prefix removed) -> font dictionary, for a page's fonts."""
    out = {}
    for ref in page["/Resources"]["/Font"].values():
        f = ref.get_object()
        name = str(f["/BaseFont"]).lstrip("/")
        out[name.split("+", 1)[1] if "+" in name else name] = f
    return out


@functools.cache
def _face_by_name(ps_name: str) -> TTFontFace:
    # the likely files first (a name's stem usually is the PostScript name), then all of them
    paths = sorted(
        fonts._file_index().values(),
        key=lambda p: p.stem.lower().replace("-", "") not in ps_name.lower().replace("-", ""),
    )
    for path in paths:
        for sub in range(4 if path.suffix.lower() == ".ttc" else 1):
            try:
                face = TTFontFace(str(path), subfontIndex=sub)
            except Exception:  # noqa: BLE001 - other files, other subfonts
                continue
            if (face.name + face.subfontNameX).decode("latin-1") == ps_name:
                return face
    raise AssertionError(f"embedded font {ps_name} is not a font file on this machine")


def _render(text: str, language: str) -> PdfReader:
    pdf = render_pdf(Book("T", [BookPage(text, None)], language=language)).data
    return PdfReader(io.BytesIO(pdf))


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_language_prints_with_real_glyphs(language: str) -> None:
    script = LANGUAGES[language]
    _need(script)
    assert fonts.script_for_language(language) == script
    assert fonts.printable(language) == (True, "")
    sample = fonts.SAMPLE_TEXT[script]
    page = _render(sample, language).pages[1]
    embedded = _embedded_fonts(page)
    for f in embedded.values():  # embedded, as a subset, TrueType
        assert "+" in str(f["/BaseFont"])
        assert "/FontFile2" in f["/FontDescriptor"]
    chosen = fonts.font_for(sample, language)
    assert chosen.face_name in embedded, (chosen.face_name, list(embedded))
    faces = [_face_by_name(n) for n in embedded]
    for ch in sample:
        if ch.isspace():
            continue
        assert any(ord(ch) in face.charToGlyph for face in faces), f"{ch!r} has no glyph"
    letters = [ch for ch in sample if fonts.script_of(ch) is not None]
    main = _face_by_name(chosen.face_name)
    assert [ch for ch in letters if ord(ch) not in main.charToGlyph] == []
    assert fonts.covers(chosen, "".join(letters)) == []


@pytest.mark.parametrize("script", sorted(EXTRACTABLE))
def test_text_extracts_back(script: str) -> None:
    _need(script)
    language = next(code for code, s in LANGUAGES.items() if s == script)
    sample = fonts.SAMPLE_TEXT[script]
    text = _render(sample, language).pages[1].extract_text()
    squash = lambda s: re.sub(r"\s+", "", s)  # noqa: E731 - line breaks may differ
    assert squash(sample) in squash(text)


def test_every_script_sample_is_covered_by_its_font() -> None:
    for key, sample in fonts.SAMPLE_TEXT.items():
        choice = fonts._resolve(key)
        if choice is None:
            assert key not in {"latin", "greek", "cyrillic", "arabic", "hebrew", "devanagari", "thai"}
            continue
        letters = "".join(ch for ch in sample if fonts.script_of(ch) is not None or key == "symbols")
        assert fonts.covers(choice, letters) == [], key


def test_bundled_fonts_cover_required_scripts_without_system_fonts(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(fonts, "SYSTEM_FONT_DIRS", (tmp_path,))
    monkeypatch.setenv("VISUTALE_FONT_DIRS", "")
    fonts.refresh()
    try:
        for code in ("en", "vi", "el", "ru", "ar", "he", "hi", "th"):
            assert fonts.printable(code) == (True, ""), code
            assert (
                fonts.font_for(fonts.SAMPLE_TEXT[fonts.script_for_language(code)], code).path.parent == fonts.FONT_DIR
            )
        ok, why = fonts.printable("ja")
        assert not ok and "apt-get install -y fonts-wqy-microhei" in why and "Japanese" in why
        with pytest.raises(fonts.FontMissing, match="fonts-wqy-microhei"):
            render_pdf(Book("T", [BookPage("日本語のテキストです", None)], language="ja"))
        ok, why = fonts.printable("km")  # Khmer: no DeepL target, not bundled
        assert not ok and "fonts-noto-core" in why
    finally:
        monkeypatch.undo()
        fonts.refresh()


# The ten target languages of DeepL that no bundled font printed before (issue 15).
DEEPL_SCRIPTS_BUNDLED = ("as", "bn", "gu", "hy", "ka", "ml", "my", "pa", "ta", "te")


@pytest.mark.parametrize("code", DEEPL_SCRIPTS_BUNDLED)
def test_every_deepl_language_prints_with_the_bundled_fonts_alone(code: str, monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(fonts, "SYSTEM_FONT_DIRS", (tmp_path,))
    monkeypatch.setenv("VISUTALE_FONT_DIRS", "")
    fonts.refresh()
    try:
        assert fonts.printable(code) == (True, ""), code
        sample = fonts.SAMPLE_TEXT[fonts.script_for_language(code)]
        choice = fonts.font_for(sample, code)
        assert choice.path.parent == fonts.FONT_DIR
        letters = "".join(ch for ch in sample if fonts.script_of(ch) is not None)
        assert fonts.covers(choice, letters) == []
        rendered = render_pdf(Book("T", [BookPage(sample, None)], language=code))
        assert rendered.pages >= 2
    finally:
        monkeypatch.undo()
        fonts.refresh()


def test_missing_bundled_font_is_reported(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(fonts, "FONT_DIR", tmp_path)
    monkeypatch.setattr(fonts, "SYSTEM_FONT_DIRS", (tmp_path,))
    fonts.refresh()
    try:
        ok, why = fonts.printable("th")
        assert not ok and why.startswith("the Thai font is not installed")
    finally:
        monkeypatch.undo()
        fonts.refresh()


@pytest.mark.parametrize(
    ("code", "script"),
    [
        ("EN-US", "latin"),
        ("xx", "latin"),
        ("", "latin"),
        ("sr-Latn", "latin"),
        ("sr", "cyrillic"),
        ("zh-TW", "chinese-traditional"),
        ("zh_Hant", "chinese-traditional"),
        ("zh-CN", "chinese-simplified"),
        ("pt-BR", "latin"),
        ("fa", "arabic"),
        ("yi", "hebrew"),
        ("ne", "devanagari"),
        ("KO", "korean"),
    ],
)
def test_script_for_language(code: str, script: str) -> None:
    assert fonts.script_for_language(code) == script


def test_register_fonts_is_idempotent() -> None:
    first = fonts.register_fonts()
    assert first == fonts.register_fonts()
    assert {c.script for c in first} >= {"latin", "greek", "cyrillic", "arabic", "hebrew", "devanagari", "thai"}


def test_mixed_scripts_fall_back_per_character() -> None:
    _need("japanese")
    text = "Mila met 山田さん and Γιάννης, said مرحبا and שלום ★"
    primary = fonts.font_for(text, "en")
    assert primary.script == "latin"
    segs = fonts.segments(text, primary, "en")
    assert "".join(s for _f, s in segs) == text  # nothing dropped: every character has a font
    for font, s in segs:
        assert fonts.covers(font, s) == [], (font.name, s)
    names = {f.name for f, _s in segs}
    assert len(names) >= 4  # Latin, CJK, Arabic, Hebrew (+ a symbol font)

    # an English name inside Japanese text: Japanese font chosen, the name printed too
    ja = "小さなキツネのTomは月を飛び越えました。"
    choice = fonts.font_for(ja, "ja")
    assert choice.script == "japanese"
    assert "".join(s for _f, s in fonts.segments(ja, choice, "ja")) == ja


def test_characters_no_font_has_are_dropped_not_boxed() -> None:
    primary = fonts.font_for_script("latin")
    odd = "\U0001fae8"  # an emoji newer than any font here
    if any(fonts.covers(c, odd) == [] for c in fonts.register_fonts()):
        pytest.skip("a font here has this emoji")
    segs = fonts.segments(f"a{odd}b", primary, "en")
    assert "".join(s for _f, s in segs) == "ab"


def test_font_for_uses_dominant_script() -> None:
    assert fonts.font_for("Η αλεπού", None).script in ("greek", "latin")
    assert fonts.font_for("مرحبا بالعالم Anna", "en").script == "arabic"
    assert fonts.font_for("12345 !!", "he").script == "hebrew"
