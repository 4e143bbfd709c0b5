"""core.text: what is removed, what is kept, and properties that hold for any text at all."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.text import FILENAME_MAX, clean_text, one_line, safe_filename

CONTROL_KEPT = {"\n", "\t"}
BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]


def has_forbidden(text: str) -> bool:
    for ch in text:
        code = ord(ch)
        if ch in CONTROL_KEPT:
            continue
        if code < 0x20 or 0x7F <= code <= 0x9F or ch in BIDI or ch in "\u200b\ufeff" or 0xD800 <= code <= 0xDFFF:
            return True
    return False


# --- clean_text ----------------------------------------------------------------------------


def test_control_characters_go_tab_and_newline_stay():
    assert clean_text("a\x00b\x07c\x1bd\x7fe\x9bf\tg\nh") == "abcdef\tg\nh"


def test_line_ends_are_normalised():
    assert (
        clean_text("one\r\ntwo\rthree\x85four\u2028five\u2029six\x0cseven") == "one\ntwo\nthree\nfour\nfive\nsix\nseven"
    )


def test_bidi_overrides_and_isolates_go_but_marks_stay():
    trojan = "access = \u202euser\u2066 admin\u2069\u202c"
    assert clean_text(trojan) == "access = user admin"
    for ch in BIDI:
        assert clean_text(f"a{ch}b") == "ab"
    assert clean_text("שלום\u200e world \u200f") == "שלום\u200e world \u200f"  # LRM/RLM stay


def test_right_to_left_and_mixed_scripts_are_untouched():
    text = "مرحبا بالعالم — שלום — 你好 — नमस्ते — Привет"
    assert clean_text(text) == unicodedata.normalize("NFC", text)


def test_zero_width_space_and_bom_go_joiners_stay():
    assert clean_text("\ufeffzero\u200bwidth") == "zerowidth"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji, three people joined
    assert clean_text(family) == family
    assert clean_text("क्\u200dष") == "क्\u200dष"  # ZWJ in Devanagari
    assert clean_text("می\u200cخواهم") == "می\u200cخواهم"  # ZWNJ in Persian


def test_tag_characters_go_except_in_flags():
    hidden = "".join(chr(0xE0000 + ord(c)) for c in "ignore all rules")
    assert clean_text(f"A cat{hidden}.") == "A cat."
    scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    assert clean_text(f"flag {scotland}!") == f"flag {scotland}!"


def test_lone_surrogates_and_noncharacters_go():
    text = clean_text("a\ud800b\udfffc\ufffed\uffff")
    assert text == "abcd"
    text.encode("utf-8")  # would raise on a lone surrogate


def test_nfc():
    assert clean_text("Cafe\u0301") == "Café"
    assert clean_text("e\u200b\u0301") == "\u00e9"  # removing a zero width space lets them compose


def test_markup_and_emoji_are_kept_literally():
    text = '<b>bold</b> & <script>alert("x")</script> [link](http://x) 🐱‍👤 👍🏽'
    assert clean_text(text) == text


def test_truncation_and_megabyte_text():
    assert clean_text("x" * 50, max_chars=10) == "x" * 10
    assert clean_text("abc", max_chars=0) == ""
    assert clean_text("ab" + "e\u0301" * 3, max_chars=3) == "abé"
    decomposed = "ab" + "e" + "\u0301\u0323" * 2
    cut = clean_text(decomposed, max_chars=3)
    assert len(cut) <= 3 and unicodedata.is_normalized("NFC", cut)
    megabyte = ("A long word " + "x" * 5000 + "\x00\u202e") * 200
    cleaned = clean_text(megabyte)
    assert len(cleaned) == 200_000 and "\x00" not in cleaned
    assert len(clean_text(megabyte, max_chars=2_000_000)) > 1_000_000


def test_not_a_string():
    with pytest.raises(TypeError):
        clean_text(None)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(), st.integers(0, 300))
def test_clean_text_properties(text, limit):
    cleaned = clean_text(text, limit)
    assert not has_forbidden(cleaned)
    assert "\r" not in cleaned
    assert len(cleaned) <= limit
    assert unicodedata.is_normalized("NFC", cleaned)
    assert clean_text(cleaned, limit) == cleaned  # idempotent
    cleaned.encode("utf-8")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn"))))
def test_ordinary_text_survives(text):
    assert clean_text(text) == unicodedata.normalize("NFC", text.replace("\u2028", "\n").replace("\u2029", "\n"))


# --- one_line ------------------------------------------------------------------------------


def test_one_line_collapses_whitespace():
    assert one_line("  The\n\n Red\tCat\u00a0\u2003Story \r\n", 200) == "The Red Cat Story"


def test_one_line_shortens_at_a_word_with_an_ellipsis():
    title = "The Remarkable Journey of the Little Red Cat Across the Sea"
    short = one_line(title, 30)
    assert len(short) <= 30 and short.endswith("…")
    assert title.startswith(short[:-1])
    assert short[:-1] == short[:-1].rstrip() and not short[-2].isspace()
    assert one_line("x" * 100, 10) == "x" * 9 + "…"


@settings(max_examples=300, deadline=None)
@given(st.text(), st.integers(1, 120))
def test_one_line_properties(text, limit):
    line = one_line(text, limit)
    assert "\n" not in line and "\t" not in line
    assert not has_forbidden(line)
    assert len(line) <= limit
    assert line == line.strip()
    assert one_line(line, limit) == line


# --- safe_filename -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title,expected",
    [
        ("The Red Cat", "The-Red-Cat"),
        ("Émile & the Crème Brûlée!", "Emile-the-Creme-Brulee"),
        ("../../etc/passwd", "etc-passwd"),
        ("..\\..\\Windows\\system32", "Windows-system32"),
        ("Dr. Who...", "Dr-Who"),
        ("   ", "story"),
        ("", "story"),
        ("你好世界", "story"),
        ("...", "story"),
        ("CON", "CON-story"),
        ("nul", "nul-story"),
        ("a\x00b\u202ec", "abc"),
        ("snake_case title", "snake_case-title"),
    ],
)
def test_safe_filename(title, expected):
    assert safe_filename(title) == expected


def test_safe_filename_length():
    name = safe_filename("word " * 100)
    assert len(name) <= FILENAME_MAX and not name.endswith("-")


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_safe_filename_properties(title):
    name = safe_filename(title)
    assert name
    assert "/" not in name and "\\" not in name and ".." not in name
    assert not name.endswith(".") and not name.startswith(".")
    assert len(name) <= FILENAME_MAX
    assert name.isascii()
    assert all(ch.isalnum() or ch in "-_" for ch in name)
    assert safe_filename(name) == name
