"""Text hygiene shared by the studio, the pages and every export.

Whatever a person types or a model returns goes through `clean_text` before it is stored, so what
is kept, shown and printed is plain text that cannot hide anything or break a file format:

- **Control characters go**: NUL and the other C0 controls except tab and newline, DEL, and the C1
  controls. Line ends are normalised to "\\n" (CRLF, lone CR, NEL, U+2028, U+2029, vertical tab and
  form feed all become "\\n"), so a page's text has one kind of line break.
- **Bidi overrides and isolates go** (U+202A-U+202E, U+2066-U+2069): they make printed text read in
  an order other than the one stored (the "Trojan Source" trick), and right-to-left scripts such as
  Arabic and Hebrew are laid out correctly without them. The plain marks LRM, RLM and ALM stay: they
  only nudge neutral characters, cannot reorder words, and real right-to-left text uses them.
- **Invisible characters that hide text go**: zero width space U+200B and the byte order mark
  U+FEFF (which split or disguise words, for example to slip past the classroom word list), and the
  Unicode tag characters U+E0000-U+E007F, which render as nothing yet a language model reads them as
  ASCII (hidden instructions). Tag characters inside a valid flag emoji sequence (the flags of
  England, Scotland, Wales) are kept.
- **Joiners stay**: ZERO WIDTH JOINER U+200D builds emoji sequences (family, profession and skin tone
  emoji) and conjuncts in Indic scripts, and ZERO WIDTH NON-JOINER U+200C is part of correct Persian
  and Indic spelling.
- **Lone surrogates and noncharacters go**: they cannot be written as UTF-8 and would break the
  JSON file or the PDF later, far from where they came in.
- **NFC normalisation**, so the same word is always the same characters (composed accents), which
  makes comparison, search, diffs and the word list reliable.
- **A length cap** (`max_chars`, 200,000 by default: a long book, and far more than a page), so a
  megabyte pasted by accident or an absurdly long model answer cannot fill a page or a store file.

`clean_text` is idempotent: cleaning clean text changes nothing. Markup characters (<, &, [ ...) are
*kept*: they are text, and each output escapes them for itself (the PDF and the HTML page).
"""

from __future__ import annotations

import re
import unicodedata

_FLAG_TAGS = "\U0001f3f4[\U000e0030-\U000e0039\U000e0061-\U000e007a]{1,6}\U000e007f"
_TAGS = re.compile(f"({_FLAG_TAGS})|[\U000e0000-\U000e007f]")
_NEWLINES = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_REMOVED = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f"  # C0 except \t \n (and those mapped to \n), DEL, C1 except NEL
    "\u202a-\u202e\u2066-\u2069"  # bidi embeddings, overrides and isolates
    "\u200b\ufeff"  # zero width space, byte order mark
    "\ud800-\udfff"  # lone surrogates
    "\ufdd0-\ufdef\ufffe\uffff"  # noncharacters
    "]"
)
_SPACES = re.compile(r"\s+")
_ELLIPSIS = "\u2026"

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
FILENAME_MAX = 80


def clean_text(text: str, max_chars: int = 200_000) -> str:
    """Plain text that is safe to keep, show and print (see the module docstring for each rule)."""
    if not isinstance(text, str):
        raise TypeError(f"clean_text expects a str, not {type(text).__name__}")
    max_chars = max(0, int(max_chars))
    # Work on a generous prefix only: text far past the cap cannot survive, and a hostile 100 MB
    # paste should cost milliseconds. (Only a text made mostly of removed characters notices.)
    text = text[: max_chars * 4 + 64]
    text = _NEWLINES.sub("\n", text)
    text = _REMOVED.sub("", text)
    text = _TAGS.sub(lambda m: m.group(1) or "", text)
    text = unicodedata.normalize("NFC", text)
    return _cut(text, max_chars)


def one_line(text: str, max_chars: int = 200) -> str:
    """A title, name or label: `clean_text`, all whitespace runs made one space, trimmed, and at most
    `max_chars` long; a shortened text ends with "…", cut at a word boundary when one is near."""
    max_chars = max(1, int(max_chars))
    text = _SPACES.sub(" ", clean_text(text, max_chars * 4 + 64)).strip()
    if len(text) <= max_chars:
        return text
    cut = _cut(text, max_chars - 1).rstrip()
    space = cut.rfind(" ")
    if space >= max(1, len(cut) - 20):
        cut = cut[:space].rstrip()
    return cut + _ELLIPSIS


def safe_filename(title: str) -> str:
    """A file name stem from a title: ASCII letters, digits, "-" and "_" only (accents dropped, other
    scripts and punctuation become "-"), never empty ("story"), never a path, never starting or ending
    with a dot or dash, never a reserved Windows device name, at most 80 characters. The caller adds
    the extension."""
    text = one_line(title if isinstance(title, str) else "", 400)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^A-Za-z0-9_]+", "-", ascii_text).strip("-_")
    slug = slug[:FILENAME_MAX].strip("-_")
    if not slug:
        return "story"
    if slug.lower() in _WINDOWS_RESERVED:
        slug = f"{slug}-story"
    return slug


def _cut(text: str, max_chars: int) -> str:
    """The first `max_chars` characters, without splitting an accent from its letter, and still NFC."""
    for _ in range(8):
        if len(text) <= max_chars:
            return text
        end = max_chars
        # Do not leave a letter without its combining marks, or a joiner/variation selector dangling.
        while end > 0 and (unicodedata.combining(text[end]) or text[end] in "\u200d\ufe0e\ufe0f"):
            end -= 1
        if end == 0:
            end = max_chars
        text = unicodedata.normalize("NFC", text[:end])
    return text[:max_chars]
