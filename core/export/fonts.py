"""Which font prints which text: script coverage for every language the studio offers.

Why this module exists: reportlab prints a character it has no glyph for as an empty box, and its
built-in fonts (Helvetica & co.) cover Western European Latin only. A book in Greek, Russian,
Japanese, Arabic, Hindi or Thai needs a TrueType font for that script, embedded in the PDF (as a
subset, so the file stays small), and Arabic, Hebrew, Devanagari and Thai also need *shaping*
(letters joined, marks placed, vowel signs reordered): reportlab does that through uharfbuzz when
the font is registered as shapable, which is what we do for those scripts.

Where the fonts come from:

- Bundled in ``assets/fonts/`` (SIL OFL 1.1, see its LICENSE; about 2 MB in all): Noto Sans (Latin
  with every European and Vietnamese diacritic, Greek, Cyrillic), Noto Naskh Arabic, Noto Sans
  Hebrew, Devanagari, Thai, and the scripts of every other language DeepL translates into:
  Armenian, Bengali (and Assamese), Georgian, Gujarati, Gurmukhi (Punjabi), Malayalam, Myanmar
  (Burmese), Tamil and Telugu.
- Chinese (simplified and traditional), Japanese and Korean need a font of several MB, too big to
  bundle. They are found on the system; the one we ask for is WenQuanYi Micro Hei, which covers
  all four (Han, kana and all 11,172 Hangul syllables) in TrueType outlines:
  ``apt-get install -y fonts-wqy-microhei``. Noto Sans CJK, the obvious choice, cannot be used:
  it has PostScript (CFF) outlines and reportlab embeds TrueType outlines only. Better-looking
  per-language fonts are preferred when installed (IPAGothic/Takao for Japanese, Nanum Gothic for
  Korean, WenQuanYi Zen Hei for Chinese).
- Scripts a model may add later (Kannada, Sinhala, Lao, Khmer, Ethiopic ...) print when Debian's
  ``fonts-noto-core`` is installed; ``printable()`` says so when it is not.
- More places can be searched with ``VISUTALE_FONT_DIRS`` (folders separated by ``os.pathsep``).

Mixed scripts: each character is printed with the first font that has it: the font of the text's
own language for letters, otherwise the font of the character's script, otherwise a fallback
(DejaVu Sans, Noto Sans Symbols 2, Symbola, when installed). A character that no available font
has (most emoji: colour emoji fonts are bitmaps reportlab cannot embed, so emoji print only where a
monochrome symbol font has them) is *dropped* rather than printed as an empty box. The text of the
language itself is never dropped: if its script's font is missing, ``font_for`` raises
``FontMissing`` with the command that installs it.
"""

from __future__ import annotations

import bisect
import os
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import StudioError
from core.language import script_for_language  # the table lives with every other fact of a language

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
SYSTEM_FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local" / "share" / "fonts",
    Path.home() / ".fonts",
)

CJK_INSTALL = "apt-get install -y fonts-wqy-microhei"
NOTO_INSTALL = "apt-get install -y fonts-noto-core"
BUNDLED = "reinstall the studio: assets/fonts/ is missing"


class FontMissing(StudioError):
    """The font a language needs is not installed here; the message says how to install it."""


@dataclass(frozen=True)
class Script:
    """A writing system, the font files that can print it (best first) and how it behaves."""

    key: str
    name: str  # for messages: "the Thai font is not installed"
    files: tuple[tuple[str, int], ...]  # (file name, subfont index in a .ttc), searched in order
    install: str  # what a person runs when none is found
    rtl: bool = False
    shaping: bool = False  # needs harfbuzz: joining, reordering, mark placement


@dataclass(frozen=True)
class FontChoice:
    """A registered reportlab font and the script it was chosen for. Two choices are equal when
    they are the same registered font, whichever script they were chosen for."""

    name: str  # the name registered with reportlab's pdfmetrics
    path: Path = field(compare=False)
    subfont: int = field(compare=False)
    script: str = field(compare=False)  # Script.key
    rtl: bool = field(compare=False)
    shaping: bool = field(compare=False)

    @property
    def face_name(self) -> str:
        """The font name the PDF embeds after the subset prefix (``NotoSans-Regular``; reportlab
        appends ``-N`` for subfont N of a collection)."""
        face = _load(self.path, self.subfont).face
        return (face.name + face.subfontNameX).decode("latin-1")


_LATIN = (("NotoSans-Regular.ttf", 0), ("DejaVuSans.ttf", 0))
_CJK_ANY = (("wqy-microhei.ttc", 0), ("wqy-zenhei.ttc", 0))


def _noto(script_file: str) -> tuple[tuple[str, int], ...]:
    return ((f"NotoSans{script_file}-Regular.ttf", 0), (f"NotoSerif{script_file}-Regular.ttf", 0))


SCRIPTS: dict[str, Script] = {
    s.key: s
    for s in (
        Script("latin", "Latin", _LATIN, "reinstall the studio: assets/fonts/ is missing"),
        Script("greek", "Greek", _LATIN, "reinstall the studio: assets/fonts/ is missing"),
        Script("cyrillic", "Cyrillic", _LATIN, "reinstall the studio: assets/fonts/ is missing"),
        Script(
            "hebrew",
            "Hebrew",
            (("NotoSansHebrew-Regular.ttf", 0), ("DejaVuSans.ttf", 0)),
            BUNDLED,
            rtl=True,
            shaping=True,
        ),
        Script(
            "arabic",
            "Arabic",
            (("NotoNaskhArabic-Regular.ttf", 0), ("NotoSansArabic-Regular.ttf", 0), ("DejaVuSans.ttf", 0)),
            BUNDLED,
            rtl=True,
            shaping=True,
        ),
        Script(
            "devanagari",
            "Devanagari",
            _noto("Devanagari"),
            BUNDLED,
            shaping=True,
        ),
        Script(
            "thai",
            "Thai",
            (("NotoSansThai-Regular.ttf", 0), ("NotoSerifThai-Regular.ttf", 0)),
            BUNDLED,
            shaping=True,
        ),
        Script("chinese-simplified", "Chinese", (*_CJK_ANY, ("DroidSansFallbackFull.ttf", 0)), CJK_INSTALL),
        Script(
            "chinese-traditional", "Chinese (traditional)", (*_CJK_ANY, ("DroidSansFallbackFull.ttf", 0)), CJK_INSTALL
        ),
        Script(
            "japanese",
            "Japanese",
            (("ipag.ttf", 0), ("TakaoGothic.ttf", 0), *_CJK_ANY, ("DroidSansFallbackFull.ttf", 0)),
            CJK_INSTALL,
        ),
        Script("korean", "Korean", (("NanumGothic.ttf", 0), *_CJK_ANY), CJK_INSTALL),
        Script("armenian", "Armenian", _noto("Armenian"), BUNDLED),
        Script("georgian", "Georgian", _noto("Georgian"), BUNDLED),
        Script("bengali", "Bengali", _noto("Bengali"), BUNDLED, shaping=True),
        Script("gurmukhi", "Gurmukhi", _noto("Gurmukhi"), BUNDLED, shaping=True),
        Script("gujarati", "Gujarati", _noto("Gujarati"), BUNDLED, shaping=True),
        Script("tamil", "Tamil", _noto("Tamil"), BUNDLED, shaping=True),
        Script("telugu", "Telugu", _noto("Telugu"), BUNDLED, shaping=True),
        Script("kannada", "Kannada", _noto("Kannada"), NOTO_INSTALL, shaping=True),
        Script("malayalam", "Malayalam", _noto("Malayalam"), BUNDLED, shaping=True),
        Script("sinhala", "Sinhala", _noto("Sinhala"), NOTO_INSTALL, shaping=True),
        Script("lao", "Lao", _noto("Lao"), NOTO_INSTALL, shaping=True),
        Script("khmer", "Khmer", _noto("Khmer"), NOTO_INSTALL, shaping=True),
        Script("myanmar", "Myanmar", _noto("Myanmar"), BUNDLED, shaping=True),
        Script("ethiopic", "Ethiopic", _noto("Ethiopic"), NOTO_INSTALL),
        Script(
            "symbols",
            "symbol",
            (
                ("DejaVuSans.ttf", 0),
                ("NotoSansSymbols2-Regular.ttf", 0),
                ("NotoSansSymbols-Regular.ttf", 0),
                ("NotoSansMath-Regular.ttf", 0),
                ("Symbola.ttf", 0),
                ("Symbola_hint.ttf", 0),
            ),
            "apt-get install -y fonts-dejavu-core fonts-symbola",
        ),
    )
}

# A sentence per script, used by printable() to decide that a font really covers a language, and by
# the tests. Each uses the letters a reader of that script would notice missing.
SAMPLE_TEXT: dict[str, str] = {
    "latin": "Ça? Žluťoučký kůň, Tiếng Việt, Łódź, Größe, niño, ağaç, şahin, Ørsted, Þór.",
    "greek": "Η αλεπού πήδηξε πάνω από το φεγγάρι.",
    "cyrillic": "Съешь же ещё этих мягких булок. Їжак і ґава. Щастие.",
    "hebrew": "השועל הקטן קפץ מעל הירח.",
    "arabic": "قفز الثعلب الصغير فوق القمر.",
    "devanagari": "छोटी लोमड़ी चाँद के ऊपर कूद गई।",
    "thai": "สุนัขจิ้งจอกตัวน้อยกระโดดข้ามดวงจันทร์",
    "chinese-simplified": "小狐狸跳过了月亮，它很开心。",
    "chinese-traditional": "小狐狸跳過了月亮，牠很開心。",
    "japanese": "小さなキツネは月を飛び越えました。ひらがなとカタカナ。",
    "korean": "작은 여우가 달을 뛰어넘었어요. 한글 똠방각하 펲시콜라.",
    "armenian": "Փոքրիկ աղվեսը ցատկեց լուսնի վրայով։",
    "georgian": "პატარა მელამ მთვარეზე გადახტა.",
    "bengali": "ছোট্ট শিয়ালটি চাঁদের উপর দিয়ে লাফ দিল।",
    "gurmukhi": "ਛੋਟੀ ਲੂੰਬੜੀ ਚੰਦ ਉੱਤੋਂ ਛਾਲ ਮਾਰ ਗਈ।",
    "gujarati": "નાનું શિયાળ ચંદ્ર પર કૂદી ગયું.",
    "tamil": "சிறிய நரி நிலவின் மேல் குதித்தது.",
    "telugu": "చిన్న నక్క చంద్రుని మీదుగా దూకింది.",
    "kannada": "ಪುಟ್ಟ ನರಿ ಚಂದ್ರನ ಮೇಲೆ ಹಾರಿತು.",
    "malayalam": "ചെറിയ കുറുക്കൻ ചന്ദ്രനു മുകളിലൂടെ ചാടി.",
    "sinhala": "කුඩා නරියා සඳ උඩින් පැන්නේය.",
    "lao": "ໝາຈອກນ້ອຍໂດດຂ້າມດວງເດືອນ",
    "khmer": "កញ្ជ្រោងតូចបានលោតរំលងព្រះច័ន្ទ។",
    "myanmar": "မြေခွေးလေး လကို ခုန်ကျော်သွားတယ်။",
    "ethiopic": "ትንሿ ቀበሮ ጨረቃን ዘለለች።",
    "symbols": "★ ☀ ☂ ♥ ♫ ✓",
}


# --- which script a character belongs to -------------------------------------------------------

# (first code point, last code point, script key or None for "common": punctuation, digits, space)
_RANGES: list[tuple[int, int, str | None]] = sorted(
    [
        (0x0000, 0x0040, None),
        (0x0041, 0x005A, "latin"),
        (0x005B, 0x0060, None),
        (0x0061, 0x007A, "latin"),
        (0x007B, 0x00BF, None),
        (0x00C0, 0x024F, "latin"),
        (0x0250, 0x02AF, "latin"),
        (0x02B0, 0x036F, None),
        (0x0370, 0x03FF, "greek"),
        (0x0400, 0x052F, "cyrillic"),
        (0x0530, 0x058F, "armenian"),
        (0x0590, 0x05FF, "hebrew"),
        (0x0600, 0x06FF, "arabic"),
        (0x0750, 0x077F, "arabic"),
        (0x0870, 0x08FF, "arabic"),
        (0x0900, 0x097F, "devanagari"),
        (0x0980, 0x09FF, "bengali"),
        (0x0A00, 0x0A7F, "gurmukhi"),
        (0x0A80, 0x0AFF, "gujarati"),
        (0x0B80, 0x0BFF, "tamil"),
        (0x0C00, 0x0C7F, "telugu"),
        (0x0C80, 0x0CFF, "kannada"),
        (0x0D00, 0x0D7F, "malayalam"),
        (0x0D80, 0x0DFF, "sinhala"),
        (0x0E00, 0x0E7F, "thai"),
        (0x0E80, 0x0EFF, "lao"),
        (0x1000, 0x109F, "myanmar"),
        (0x10A0, 0x10FF, "georgian"),
        (0x1100, 0x11FF, "korean"),
        (0x1200, 0x139F, "ethiopic"),
        (0x1780, 0x17FF, "khmer"),
        (0x19E0, 0x19FF, "khmer"),
        (0x1C80, 0x1C8F, "cyrillic"),
        (0x1C90, 0x1CBF, "georgian"),
        (0x1D00, 0x1DBF, "latin"),
        (0x1DC0, 0x1DFF, None),
        (0x1E00, 0x1EFF, "latin"),
        (0x1F00, 0x1FFF, "greek"),
        (0x2000, 0x2BFF, None),
        (0x2C60, 0x2C7F, "latin"),
        (0x2D00, 0x2D2F, "georgian"),
        (0x2DE0, 0x2DFF, "cyrillic"),
        (0x2E80, 0x2FDF, "chinese-simplified"),
        (0x3000, 0x303F, None),
        (0x3040, 0x30FF, "japanese"),
        (0x3130, 0x318F, "korean"),
        (0x3190, 0x31EF, "chinese-simplified"),
        (0x31F0, 0x31FF, "japanese"),
        (0x3200, 0x33FF, "chinese-simplified"),
        (0x3400, 0x4DBF, "chinese-simplified"),
        (0x4E00, 0x9FFF, "chinese-simplified"),
        (0xA640, 0xA69F, "cyrillic"),
        (0xA720, 0xA7FF, "latin"),
        (0xA8E0, 0xA8FF, "devanagari"),
        (0xA960, 0xA97F, "korean"),
        (0xAB30, 0xAB6F, "latin"),
        (0xAC00, 0xD7FF, "korean"),
        (0xF900, 0xFAFF, "chinese-simplified"),
        (0xFB00, 0xFB06, "latin"),
        (0xFB1D, 0xFB4F, "hebrew"),
        (0xFB50, 0xFDFF, "arabic"),
        (0xFE70, 0xFEFF, "arabic"),
        (0xFF00, 0xFF20, None),
        (0xFF21, 0xFF3A, "latin"),
        (0xFF41, 0xFF5A, "latin"),
        (0xFF61, 0xFF9F, "japanese"),
        (0xFFA0, 0xFFDC, "korean"),
        (0x20000, 0x3FFFF, "chinese-simplified"),
    ]
)
_RANGE_STARTS = [r[0] for r in _RANGES]
_CJK = {"chinese-simplified", "chinese-traditional", "japanese", "korean"}


def script_of(ch: str) -> str | None:
    """The script of one character, or None for characters every script shares (digits, spaces,
    punctuation, symbols, combining marks)."""
    cp = ord(ch)
    i = bisect.bisect_right(_RANGE_STARTS, cp) - 1
    if i >= 0:
        lo, hi, key = _RANGES[i]
        if cp <= hi:
            return key
    return None


def _script_in_context(script: str | None, language_script: str) -> str | None:
    """Han characters are shared by Chinese, Japanese and Korean: print them with the language's
    CJK font (so a Japanese book does not switch fonts between kanji and kana)."""
    if script == "chinese-simplified" and language_script in _CJK:
        return language_script
    return script


# --- finding and loading font files -------------------------------------------------------------

_lock = threading.RLock()
_index: dict[str, Path] | None = None
_faces: dict[tuple[Path, int], object] = {}  # (path, subfont) -> reportlab TTFont, or None if unusable
_choices: dict[str, FontChoice | None] = {}  # script key -> resolved choice (None: not installed)


def _search_dirs() -> list[Path]:
    extra = [Path(p) for p in os.environ.get("VISUTALE_FONT_DIRS", "").split(os.pathsep) if p]
    return [FONT_DIR, *extra, *SYSTEM_FONT_DIRS]


def _file_index() -> dict[str, Path]:
    """File name -> first path found, searching the bundled folder first. Built once."""
    global _index
    with _lock:
        if _index is None:
            index: dict[str, Path] = {}
            for root in _search_dirs():
                if not root.is_dir():
                    continue
                for dirpath, _dirs, files in os.walk(root):
                    for f in files:
                        if f.lower().endswith((".ttf", ".ttc")):
                            index.setdefault(f, Path(dirpath) / f)
            _index = index
        return _index


def refresh() -> None:
    """Forget what was found, so fonts installed (or search folders changed) since are seen."""
    global _index
    with _lock:
        _index = None
        _choices.clear()


def _load(path: Path, subfont: int):
    """The reportlab TTFont for a file, registered under a stable name; None if reportlab cannot use
    it (PostScript outlines, a broken file)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    key = (path, subfont)
    with _lock:
        if key not in _faces:
            name = f"VT-{path.stem}-{subfont}"
            try:
                font = TTFont(name, str(path), subfontIndex=subfont)
            except Exception:  # noqa: BLE001 - any unreadable font is simply not a candidate
                font = None
            if font is not None:
                pdfmetrics.registerFont(font)
            _faces[key] = font
        return _faces[key]


def _missing(font, text: str) -> list[str]:
    cmap = font.face.charToGlyph
    seen: list[str] = []
    for ch in dict.fromkeys(text):
        if ord(ch) not in cmap and not _invisible(ch) and ch not in seen:
            seen.append(ch)
    return seen


def _invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf")


def _resolve(script_key: str) -> FontChoice | None:
    """The first installed font of a script that covers its sample text."""
    with _lock:
        if script_key in _choices:
            return _choices[script_key]
        script = SCRIPTS[script_key]
        index = _file_index()
        # the script's own letters decide; punctuation may come from another font
        sample = "".join(
            ch for ch in SAMPLE_TEXT.get(script_key, "") if script_key == "symbols" or script_of(ch) is not None
        )
        choice = None
        for filename, sub in script.files:
            path = index.get(filename)
            if path is None:
                continue
            font = _load(path, sub)
            if font is None or _missing(font, sample):
                continue
            choice = FontChoice(font.fontName, path, sub, script_key, script.rtl, script.shaping)
            break
        _choices[script_key] = choice
        return choice


def _ttfont(font):
    """A reportlab TTFont from a FontChoice, a registered font name or a TTFont."""
    from reportlab.pdfbase import pdfmetrics

    if isinstance(font, FontChoice):
        return _load(font.path, font.subfont)
    if isinstance(font, str):
        return pdfmetrics.getFont(font)
    return font


# --- the public API ------------------------------------------------------------------------------


def register_fonts() -> list[FontChoice]:
    """Register every font found for every script with reportlab (idempotent); returns them."""
    return [c for key in SCRIPTS if (c := _resolve(key)) is not None]


def covers(font: FontChoice | str | object, text: str) -> list[str]:
    """The characters of `text` that `font` has no glyph for (each once, in order; characters that
    print nothing, such as spaces and control or format characters, are never reported)."""
    return _missing(_ttfont(font), text)


def printable(language_code: str) -> tuple[bool, str]:
    """Whether a book in this language can be printed here, and if not, why (with the fix)."""
    key = script_for_language(language_code)
    if _resolve(key) is not None:
        return True, ""
    script = SCRIPTS[key]
    return False, f"the {script.name} font is not installed: run `{script.install}`"


def font_for_script(script_key: str) -> FontChoice:
    """The font for a script; raises FontMissing (with the install command) if there is none."""
    choice = _resolve(script_key)
    if choice is None:
        script = SCRIPTS[script_key]
        raise FontMissing(f"This text needs a {script.name} font, which is not installed: run `{script.install}`.")
    return choice


def dominant_script(text: str, language: str | None = None) -> str:
    """The script most letters of `text` are in (the language's script when it has no letters)."""
    lang_script = script_for_language(language)
    counts: dict[str, int] = {}
    for ch, n in _char_counts(text).items():
        s = script_of(ch)
        if s is not None:
            s = _script_in_context(s, lang_script)
            counts[s] = counts.get(s, 0) + n
    if not counts:
        return lang_script
    if language and lang_script in counts and counts[lang_script] * 2 >= max(counts.values()):
        return lang_script  # a few foreign words do not change the language's font
    best = max(counts, key=counts.get)
    # Han characters in a Japanese or Korean context: the kana/hangul decide
    if best == "chinese-simplified" and lang_script not in _CJK:
        if counts.get("japanese"):
            return "japanese"
        if counts.get("korean"):
            return "korean"
    return best


def _char_counts(text: str) -> dict[str, int]:
    if len(text) > 200_000:  # a sample is enough to know the script of a megabyte
        text = text[:100_000] + text[-100_000:]
    counts: dict[str, int] = {}
    for ch in text:
        counts[ch] = counts.get(ch, 0) + 1
    return counts


def font_for(text: str, language: str | None = None) -> FontChoice:
    """The registered font that prints most of `text` (its dominant script, or the language's).

    Raises FontMissing if that script's font is not installed. Characters of other scripts are
    handled by `segments`, which falls back per character.
    """
    return font_for_script(dominant_script(text, language))


def fallback_fonts() -> list[FontChoice]:
    """Fonts tried, in order, for a character neither the text's font nor its script's font has."""
    out: list[FontChoice] = []
    for key in (
        "latin",
        "symbols",
        "chinese-simplified",
        "korean",
        "japanese",
        "arabic",
        "hebrew",
        "devanagari",
        "thai",
    ):
        c = _resolve(key)
        if c is not None and c not in out:
            out.append(c)
    return out


_MARK_CATS = ("Mn", "Mc", "Me")


def segments(text: str, primary: FontChoice, language: str | None = None) -> list[tuple[FontChoice, str]]:
    """`text` cut into runs, each with the font that has its glyphs.

    Letters go to `primary` when it has them, else to their script's font, else to a fallback;
    spaces, digits and punctuation stay with the run they are in; combining marks stay with their
    base letter. Characters no available font has are dropped (see the module docstring).
    """
    prim = _ttfont(primary)
    cmap = prim.face.charToGlyph
    uncovered = [ch for ch in set(text) if ord(ch) not in cmap and ch != "\n"]
    if not uncovered:
        return [(primary, text)] if text else []
    lang_script = script_for_language(language)
    decided: dict[tuple[str, str], FontChoice | None] = {}
    out: list[tuple[FontChoice, str]] = []
    cur: FontChoice | None = None
    buf: list[str] = []
    cmaps: dict[str, dict] = {}

    def has(choice: FontChoice, ch: str) -> bool:
        m = cmaps.get(choice.name)
        if m is None:
            m = cmaps[choice.name] = _ttfont(choice).face.charToGlyph
        return ord(ch) in m

    def pick(ch: str) -> FontChoice | None:
        key = (ch, cur.name if cur else "")
        if key in decided:
            return decided[key]
        cat = unicodedata.category(ch)
        choice = None
        candidates: list[FontChoice] = []
        if ch == "\n" or ch == " ":
            choice = cur or primary
        elif cat in _MARK_CATS or ch in "\u200c\u200d" or cat == "Cf":
            candidates = [c for c in (cur, primary) if c is not None]
        elif cat[0] == "L":
            s = _script_in_context(script_of(ch), lang_script)
            candidates = [primary]
            if s is not None and s in SCRIPTS and (sc := _resolve(s)) is not None:
                candidates.append(sc)
            if cur is not None:
                candidates.append(cur)
            candidates += fallback_fonts()
        else:
            candidates = [c for c in (cur, primary) if c is not None]
            s = script_of(ch)
            if s is not None and s in SCRIPTS and (sc := _resolve(s)) is not None:
                candidates.append(sc)
            candidates += fallback_fonts()
        if choice is None:
            choice = next((c for c in candidates if has(c, ch)), None)
        decided[key] = choice
        return choice

    for ch in text:
        if ch == " " or ch == "\n":
            choice = cur or primary
        elif ord(ch) in cmap:
            # neutrals (digits, punctuation, marks) stay in the run they are in
            if cur is not None and cur != primary and not _is_letter(ch) and has(cur, ch):
                choice = cur
            else:
                choice = primary
        else:
            choice = pick(ch)
        if choice is None:
            continue  # no font has it: dropped, never an empty box
        if choice != cur:
            if buf:
                out.append((cur, "".join(buf)))
            buf = []
            cur = choice
        buf.append(ch)
    if buf:
        out.append((cur, "".join(buf)))
    return out


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "L"
