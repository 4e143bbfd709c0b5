"""Which language: the one table of the languages the studio names, writes, prints and reads aloud.

Every place that needs to know something about a language asks here: the story settings' list, the
writers' translation targets, the offline campaign copy's languages, the reader's text direction and
the PDF's script (which font to embed). A language a translator lists that is not in the table
still works: it is taken as written left to right in Latin script, so a new one prints rather than
being refused.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str  # BCP-47 as the studio stores it ("en", "pt-BR", "zh-Hans")
    name: str  # in English, as the pages list it
    native: str  # in the language itself, as a reader of it would look for it
    formality: bool = False  # it has formal and informal address (a translator may be asked for one)
    story: bool = False  # offered as the language a story is written in (Story settings)
    translation: bool = False  # a model writer (local or remote) translates into it
    offline_copy: bool = False  # the offline engine writes campaign copy in it


# fmt: off
LANGUAGES: dict[str, Language] = {lang.code: lang for lang in (
    Language("ar", "Arabic", "العربية", translation=True),
    Language("bg", "Bulgarian", "Български", translation=True),
    Language("cs", "Czech", "Čeština", True, translation=True),
    Language("da", "Danish", "Dansk", translation=True),
    Language("de", "German", "Deutsch", True, story=True, translation=True, offline_copy=True),
    Language("el", "Greek", "Ελληνικά", True, translation=True),
    Language("en", "English", "English", story=True, translation=True, offline_copy=True),
    Language("es", "Spanish", "Español", True, story=True, translation=True, offline_copy=True),
    Language("fi", "Finnish", "Suomi", translation=True),
    Language("fr", "French", "Français", True, story=True, translation=True, offline_copy=True),
    Language("he", "Hebrew", "עברית", translation=True),
    Language("hi", "Hindi", "हिन्दी", True, translation=True),
    Language("hu", "Hungarian", "Magyar", True, translation=True),
    Language("id", "Indonesian", "Bahasa Indonesia", translation=True),
    Language("it", "Italian", "Italiano", True, story=True, translation=True),
    Language("ja", "Japanese", "日本語", True, story=True, translation=True),
    Language("ko", "Korean", "한국어", True, story=True, translation=True),
    Language("nb", "Norwegian (Bokmål)", "Norsk bokmål", translation=True),
    Language("nl", "Dutch", "Nederlands", True, story=True, translation=True),
    Language("pl", "Polish", "Polski", True, translation=True),
    Language("pt", "Portuguese", "Português", True, story=True),
    Language("pt-BR", "Portuguese (Brazil)", "Português (Brasil)", True, translation=True),
    Language("pt-PT", "Portuguese (Portugal)", "Português (Portugal)", True, translation=True),
    Language("ro", "Romanian", "Română", translation=True),
    Language("ru", "Russian", "Русский", True, translation=True),
    Language("sv", "Swedish", "Svenska", translation=True),
    Language("th", "Thai", "ไทย", translation=True),
    Language("tr", "Turkish", "Türkçe", True, translation=True),
    Language("uk", "Ukrainian", "Українська", True, translation=True),
    Language("vi", "Vietnamese", "Tiếng Việt", translation=True),
    Language("zh", "Chinese", "中文", story=True),
    Language("zh-Hans", "Chinese (simplified)", "简体中文", translation=True),
)}
# fmt: on

RIGHT_TO_LEFT = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ckb"})

# language (primary subtag) -> the script key the PDF's fonts are chosen by (core.export.fonts.SCRIPTS)
SCRIPTS: dict[str, str] = {
    "el": "greek",
    "grc": "greek",
    **dict.fromkeys(
        ("ru", "uk", "bg", "be", "mk", "sr", "kk", "ky", "mn", "tg", "tt", "ba", "cv", "ce", "os", "sah", "rue"),
        "cyrillic",
    ),
    **dict.fromkeys(("he", "iw", "yi"), "hebrew"),
    **dict.fromkeys(("ar", "fa", "ur", "ps", "ug", "sd", "ckb", "prs"), "arabic"),
    **dict.fromkeys(("hi", "mr", "ne", "sa", "mai", "bho", "kok", "doi", "new"), "devanagari"),
    **dict.fromkeys(("bn", "as"), "bengali"),
    "pa": "gurmukhi",
    "gu": "gujarati",
    "ta": "tamil",
    "te": "telugu",
    "kn": "kannada",
    "ml": "malayalam",
    "si": "sinhala",
    "th": "thai",
    "lo": "lao",
    "km": "khmer",
    "my": "myanmar",
    **dict.fromkeys(("am", "ti"), "ethiopic"),
    "hy": "armenian",
    "ka": "georgian",
    "zh": "chinese-simplified",
    "ja": "japanese",
    "ko": "korean",
    **dict.fromkeys(("yue", "lzh"), "chinese-traditional"),
}
_TRADITIONAL_REGIONS = {"hant", "tw", "hk", "mo"}
# a script subtag in the code decides over the language's usual script ("sr-Latn", "zh-Hant")
_SCRIPT_SUBTAGS = {
    "latn": "latin",
    "cyrl": "cyrillic",
    "grek": "greek",
    "arab": "arabic",
    "hebr": "hebrew",
    "deva": "devanagari",
    "thai": "thai",
    "hans": "chinese-simplified",
    "hant": "chinese-traditional",
    "jpan": "japanese",
    "kore": "korean",
    "hang": "korean",
}


def _subtags(code: str | None) -> list[str]:
    return [p for p in (code or "").strip().lower().replace("_", "-").split("-") if p]


def primary(code: str | None) -> str:
    """The language without its region or script: "pt-BR" -> "pt"; "" for nothing."""
    parts = _subtags(code)
    return parts[0] if parts else ""


def name_of(code: str) -> str:
    """The language's English name ("de" -> "German"); an unknown code is shown as it is."""
    found = LANGUAGES.get(code) or LANGUAGES.get(primary(code))
    return found.name if found else code


def direction_of(code: str | None) -> str:
    """ "rtl" for a language written right to left, "ltr" otherwise (HTML's dir attribute)."""
    return "rtl" if primary(code) in RIGHT_TO_LEFT else "ltr"


def script_for_language(code: str | None) -> str:
    """The script a language code is written in ("en", "pt-BR", "zh-Hant", "sr-Latn" ...).

    Unknown codes are taken as Latin script: DeepL and most models list many Latin-script languages
    and a new one should print rather than be refused.
    """
    parts = _subtags(code)
    if not parts:
        return "latin"
    for sub in parts[1:]:
        if sub in _SCRIPT_SUBTAGS:
            if parts[0] == "zh" or _SCRIPT_SUBTAGS[sub] not in ("chinese-simplified", "chinese-traditional"):
                return _SCRIPT_SUBTAGS[sub]
    script = SCRIPTS.get(parts[0], "latin")
    if script == "chinese-simplified" and any(p in _TRADITIONAL_REGIONS for p in parts[1:]):
        return "chinese-traditional"
    return script


def story_languages() -> dict[str, str]:
    """code -> name of the languages a story may be written in (the Story settings list)."""
    return {lang.code: lang.name for lang in LANGUAGES.values() if lang.story}


def translation_targets() -> list[Language]:
    """The languages a model writer translates into (a model can write many more; these are listed)."""
    return [lang for lang in LANGUAGES.values() if lang.translation]


def offline_copy_languages() -> dict[str, str]:
    """code -> native name of the languages the offline engine writes campaign copy in."""
    return {lang.code: lang.native for lang in LANGUAGES.values() if lang.offline_copy}
