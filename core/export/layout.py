"""Text layout for the printed book: clean, cut into lines, order right-to-left text, draw.

Why not reportlab's Paragraph: it parses markup (so a story that says "<b>" would be bold, or
fail), it switches fonts only through that markup, and without the optional ``rlbidi`` it cannot
lay out right-to-left text. Here text is drawn as *characters*, never markup, so whatever a person
types or a model returns is printed literally.

What this module does:

- `printable_text` (stricter than `core.text.clean_text`, which decides what is *kept* in a story:
  this decides what is *drawn*, so it also flattens tabs and blank-line runs): control characters
  (NUL and the C0/C1 sets, except newline; tab becomes a space),
  format characters (bidi overrides, zero-width spaces, BOM; zero-width joiner and non-joiner are
  kept because Arabic and Indic shaping use them), lone surrogates, private-use and unassigned code
  points are removed; unusual spaces become spaces; more than one blank line becomes one. A text
  longer than `MAX_TEXT` characters is cut there and a visible note says how much was not printed.
- `layout`: each paragraph is split into runs by font (see `fonts.segments`), into words at spaces
  (and between Chinese/Japanese characters, which need no spaces), and into lines greedily. A word
  wider than the line (a URL, a line of Thai, a string of 10,000 letters) is cut at character
  boundaries, never inside a letter and its combining marks. Lines never hang: the work is linear
  in the length of the text.
- Right to left: a paragraph whose first strong letter is Hebrew or Arabic is right-aligned and its
  words are placed right to left; runs of left-to-right words inside it (names, numbers) keep their
  order (a simplified Unicode bidi algorithm: levels 0-2, which is what prose needs). Letters are
  joined and marks placed by harfbuzz through reportlab's shaping support, per run of same-font
  words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, shapeStr

from core.export import fonts

MAX_TEXT = 1_500_000  # characters per text; beyond this a note says what was left out

_KEEP_CF = {"\u200c", "\u200d"}


def printable_text(text: object) -> str:
    """`text` made safe to print literally (see the module docstring for what changes)."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    note = ""
    if len(text) > MAX_TEXT:
        note = f"\n\n[… {len(text) - MAX_TEXT:,} more characters not printed]"
        text = text[:MAX_TEXT]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    table: dict[int, str | None] = {}
    for ch in set(text):
        if ch == "\n" or ch == " ":
            continue
        cp = ord(ch)
        if ch == "\t":
            table[cp] = " "
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cs", "Co", "Cn"):
            table[cp] = None
        elif cat == "Cf" and ch not in _KEEP_CF:
            table[cp] = None
        elif cat in ("Zl", "Zp"):
            table[cp] = "\n"
        elif cat == "Zs":
            table[cp] = " "
    if table:
        text = text.translate(table)
    text = re.sub(r"[ ]*\n[ \n]*\n", "\n\n", text)  # at most one blank line
    return text.strip(" \n") + note


# --- words and their widths ---------------------------------------------------------------------

_CJK_CLASS = "\u2e80-\u9fff\uf900-\ufaff\uff01-\uff60\U00020000-\U0003ffff"
_TOKEN_RE = re.compile(rf"( +)|([{_CJK_CLASS}][、。，．！？）」』】〉》：；,.!?)\]]*)|([^ {_CJK_CLASS}]+)")
_CJK_RE = re.compile(f"[{_CJK_CLASS}]")
_SHAPE_RE = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0590-\u08ff\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff"
    "\u1780-\u17ff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ua8e0-\ua8ff\ufb1d-\ufdff\ufe20-\ufe2f"
    "\ufe70-\ufeff]"
)
_RTL_RE = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


class _Measure:
    """Widths (in thousandths of an em) and shaped strings, cached per font and text."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, str], tuple[float, str]] = {}

    def __call__(self, font: str, text: str) -> tuple[float, str]:
        key = (font, text)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        drawn: str = text
        if _SHAPE_RE.search(text) and pdfmetrics.getFont(font).shapable:
            try:
                drawn = shapeStr(text, font, 1000)
            except Exception:  # noqa: BLE001 - an unshapable string still prints, unjoined
                drawn = text
        if isinstance(drawn, ShapedStr):
            width = float(sum(sd.x_advance for sd in drawn.__shapeData__))
        else:
            width = pdfmetrics.stringWidth(text, font, 1000)
        if len(self.cache) > 200_000:
            self.cache.clear()
        self.cache[key] = (width, drawn)
        return width, drawn


@dataclass
class _Token:
    pieces: list[tuple[str, str]]  # (font name, text)
    space_before: bool
    w: float = -1.0  # width in thousandths of an em

    def width(self, measure: _Measure) -> float:
        if self.w < 0:
            self.w = sum(measure(f, s)[0] for f, s in self.pieces)
        return self.w

    @property
    def text(self) -> str:
        return "".join(s for _f, s in self.pieces)


def _tokens(segs: list[tuple[fonts.FontChoice, str]]) -> list[_Token]:
    out: list[_Token] = []
    cur: _Token | None = None
    pending = False
    for font, s in segs:
        for m in _TOKEN_RE.finditer(s):
            if m.group(1):
                pending, cur = True, None
            elif m.group(2):
                out.append(_Token([(font.name, m.group(2))], pending))
                pending, cur = False, None
            elif cur is not None and not pending:
                cur.pieces.append((font.name, m.group(3)))
                cur.w = -1.0
            else:
                cur = _Token([(font.name, m.group(3))], pending)
                out.append(cur)
                pending = False
    return out


def _cut(text: str, font: str, size: float, avail: float) -> int:
    """How many characters of `text` fit in `avail` points (at least one cluster)."""
    hi = min(len(text), int(avail / (size * 0.05)) + 2)
    lo = 1
    if pdfmetrics.stringWidth(text[:hi], font, size) <= avail:
        n = hi
    else:
        while lo < hi - 1:
            mid = (lo + hi) // 2
            if pdfmetrics.stringWidth(text[:mid], font, size) <= avail:
                lo = mid
            else:
                hi = mid
        n = lo
    # never split a letter from its combining marks or a joiner
    while 1 < n < len(text) and (
        unicodedata.category(text[n])[0] == "M" or text[n] in _KEEP_CF or text[n - 1] in _KEEP_CF
    ):
        n -= 1
    return max(1, n)


def _split_long(tok: _Token, size: float, maxw: float, measure: _Measure) -> list[_Token]:
    out: list[_Token] = []
    first = True
    for font, s in tok.pieces:
        while s:
            n = _cut(s, font, size, maxw * 0.98)  # looks at most a line's worth of s
            out.append(_Token([(font, s[:n])], tok.space_before if first else False))
            first = False
            s = s[n:]
    return out


# --- lines ------------------------------------------------------------------------------------------


@dataclass
class Line:
    """One laid-out line: items (x offset from the line's start, font name, string) in visual
    order, its width, and how to place it."""

    items: list[tuple[float, str, str]]
    width: float
    size: float
    height: float
    align: str  # "left" | "right" | "center"
    color: tuple[float, float, float]
    rule: bool = False  # a short separator line instead of text


@dataclass
class Block:
    """A paragraph group to lay out: a page's text, a translation, a title."""

    text: str
    language: str | None
    size: float
    color: tuple[float, float, float] = (0.1, 0.1, 0.1)
    align: str = "start"  # "start" (left, or right for right-to-left text) | "center"
    leading: float = 1.4
    space_before: float = 0.0
    paragraph_gap: float = 0.45  # in lines


_SPACES: dict[str, float] = {}


def _space(font: str, size: float) -> float:
    w = _SPACES.get(font)
    if w is None:
        w = _SPACES[font] = pdfmetrics.stringWidth(" ", font, 1000)
    return w * size / 1000


def _dir(tok: _Token) -> str:
    t = tok.text
    if _RTL_RE.search(t):
        return "R"
    digits = False
    for ch in t:
        cat = unicodedata.category(ch)
        if cat[0] == "L":
            return "L"
        digits = digits or cat == "Nd"
    return "EN" if digits else "N"


def layout_block(block: Block, width: float, measure: _Measure | None = None) -> list[Line]:
    """The lines of a block at its size, at most `width` points wide."""
    measure = measure or _Measure()
    text = printable_text(block.text)
    if not text:
        return []
    primary = fonts.font_for(text, block.language)
    size = block.size
    lead = size * block.leading
    lines: list[Line] = []
    if block.space_before:
        lines.append(Line([], 0, size, block.space_before, "left", block.color))
    for para in text.split("\n"):  # a newline starts a line; a blank line adds a gap
        if not para.strip():
            if lines and lines[-1].items:
                lines.append(Line([], 0, size, lead * block.paragraph_gap, "left", block.color))
            continue
        segs = fonts.segments(para, primary, block.language)
        rtl_para = bool(_RTL_RE.search(para))
        if len(segs) == 1 and not rtl_para and not _CJK_RE.search(para):
            align = "center" if block.align == "center" else "left"
            lines += _simple_lines(segs[0][0].name, segs[0][1], size, lead, width, align, block.color, measure)
            continue
        toks = _tokens(segs)
        base_rtl = False
        if rtl_para:
            for ch in para:
                if _RTL_RE.match(ch):
                    base_rtl = True
                    break
                if unicodedata.category(ch)[0] == "L":
                    break
        align = "center" if block.align == "center" else ("right" if base_rtl else "left")
        for line_toks in _break(toks, size, width, measure):
            lines.append(_make_line(line_toks, size, lead, align, block.color, rtl_para, base_rtl, measure))
    return lines


def _simple_lines(font, para, size, lead, maxw, align, color, measure) -> list[Line]:
    """The common case, kept fast for long texts: one font, left to right, words at spaces."""
    k = size / 1000
    sp = _space(font, size)
    out: list[Line] = []
    words: list[str] = []
    x = 0.0

    def flush() -> None:
        text = " ".join(words)
        w, drawn = (x / k, text) if not _SHAPE_RE.search(text) else measure(font, text)
        out.append(Line([(0.0, font, drawn)], w * k, size, lead, align, color))

    for word in para.split():
        ww = measure(font, word)[0] * k
        if ww > maxw:
            if words:
                flush()
            parts = _split_long(_Token([(font, word)], False), size, maxw, measure)
            for part in parts[:-1]:
                words, x = [part.text], part.width(measure) * k
                flush()
            words, x = [parts[-1].text], parts[-1].width(measure) * k
        elif words and x + sp + ww > maxw:
            flush()
            words, x = [word], ww
        else:
            x += (sp if words else 0.0) + ww
            words.append(word)
    if words:
        flush()
    return out


def _break(toks: list[_Token], size: float, maxw: float, measure: _Measure) -> list[list[_Token]]:
    out: list[list[_Token]] = []
    line: list[_Token] = []
    x = 0.0
    k = size / 1000
    for tok in toks:
        w = tok.width(measure) * k
        sp = _space(tok.pieces[0][0], size) if (tok.space_before and line) else 0.0
        if w > maxw:
            parts = _split_long(tok, size, maxw, measure)
        else:
            parts = [tok]
        for part in parts:
            w = part.width(measure) * k
            sp = _space(part.pieces[0][0], size) if (part.space_before and line) else 0.0
            if line and x + sp + w > maxw:
                out.append(line)
                line, x, sp = [], 0.0, 0.0
            line.append(part)
            x += sp + w
    if line:
        out.append(line)
    return out


def _make_line(toks, size, lead, align, color, rtl_para, base_rtl, measure) -> Line:
    k = size / 1000
    # groups: (tokens in logical order, direction) in visual order
    if not rtl_para:
        runs = [(toks, "L")]
    else:
        dirs = [_dir(t) for t in toks]
        base = "R" if base_rtl else "L"
        resolved = []
        strong = ("L", "R")
        for i, d in enumerate(dirs):
            prev = next((dirs[j] for j in range(i - 1, -1, -1) if dirs[j] in strong), base)
            if d == "EN":  # a number after left-to-right words belongs to them
                d = "L" if prev == "L" else "N"
            if d == "N":
                nxt = next((dirs[j] for j in range(i + 1, len(dirs)) if dirs[j] in strong), base)
                d = prev if prev == nxt else base
            resolved.append(d)
        runs = []
        for tok, d in zip(toks, resolved):
            if runs and runs[-1][1] == d:
                runs[-1][0].append(tok)
            else:
                runs.append(([tok], d))
        if base_rtl:
            runs.reverse()
    items: list[tuple[float, str, str]] = []
    x = 0.0
    prev_run_sb = False
    for run_toks, d in runs:
        # neighbouring words of one font and direction are merged into one string, so harfbuzz
        # shapes them together and text extraction sees whole lines
        groups: list[list] = []  # [font, text, strong_rtl, space_before]
        for tok in run_toks:
            strong_r = d == "R" and bool(_RTL_RE.search(tok.text))
            single = len(tok.pieces) == 1
            for i, (f, s) in enumerate(tok.pieces):
                sb = tok.space_before and i == 0
                g = groups[-1] if groups else None
                if g is not None and g[0] == f and (single or i > 0) and (d == "L" or (strong_r and g[2])):
                    g[1] += (" " if sb else "") + s
                else:
                    groups.append([f, s, strong_r, sb])
        run_sb = bool(groups and groups[0][3])  # the space between this run and the one before
        visual = list(reversed(groups)) if d == "R" else groups
        for j, (f, s, _r, sb) in enumerate(visual):
            if j == 0:
                # between runs: the space belongs to whichever run comes later in reading order
                gap = (prev_run_sb if base_rtl else run_sb) and bool(items)
            elif d == "R":
                gap = visual[j - 1][3]  # the word to the right comes later: its space
            else:
                gap = sb
            if gap:
                x += _space(f, size)
            w, drawn = measure(f, s)
            items.append((x, f, drawn))
            x += w * k
        prev_run_sb = run_sb
    return Line(items, x, size, lead, align, color)
