"""Classroom safety checks: prompts and texts looked at before they are drawn or printed.

Two layers, both optional through `Settings.safety` (off by default):

1. **An offline word list** (`assets/safety/blocked_words.txt`, short and reviewed by people): works
   with no network and no key, and says exactly which word stopped a text. Matching is whole-word
   and case-insensitive, so "class" never trips "ass". It sees through the simple tricks a pupil
   tries: repeated letters ("shiiiit"), digits and symbols for letters inside a word ("sh1t",
   "5h17", "@ss", "a$$", "sh!t", "shi+"; 1 and | may be i or l; a plain number such as "455" is
   left alone), letters masked by `*` or `_` ("f*ck", "f**k", "a**", "f_ck", "f*u*c*k"), accents,
   full-width and other compatibility letters, Cyrillic and Greek look-alikes (mixed into a Latin
   word, or a whole look-alike word in a text that is mostly Latin, so Russian or Greek text is
   never rewritten), invisible characters inside a word, and a word spelt out letter by letter
   ("f.u.c.k", "s h i t").
2. **A moderation callable** (`moderate(text) -> list[str]`), which the remote engine plugs in where
   the server offers a moderation endpoint. It returns the categories the text was flagged for, as
   the service names them ("violence", "self harm"; "flagged" when it gives none), and [] when the
   text is fine; each becomes the reason "the moderation service flagged it as violence". It catches
   what a short list cannot.

Reasons are short phrases without a final full stop ('the word "xxx" is on the classroom list'); the
caller joins them and shows them to the person, so they know what to change.

If the moderation service fails, `SafetyChecker.check` raises `ProviderError`: a text that could not
be checked is neither waved through nor reported as unsafe. The word-list half never fails.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from pathlib import Path

from core import ASSETS
from core.errors import ProviderError, StudioError
from core.text import clean_text, one_line

WORD_LIST = ASSETS / "safety" / "blocked_words.txt"

# Characters that may sit inside a word: letters, digits, combining marks, leet symbols and the
# invisible format characters used to split a word in two (removed before comparing).
_INVISIBLE = "\u00ad\u034f\u180e\u200b-\u200f\u2060-\u2064\ufeff"
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# Symbols that stand for letters inside a word: leet ("sh!t", "shi+", "a$$") and masks ("f*ck", "f_ck").
_LETTER_SYMBOLS = "@$!|+"
_MASKS = "*_"
_TOKEN = re.compile(f"(?:[^\\W_]|[@$])(?:[^\\W_]|[{re.escape(_LETTER_SYMBOLS + _MASKS)}{_MARKS}{_INVISIBLE}])*")
_TRAILING = re.compile(f"[{re.escape(_LETTER_SYMBOLS + _MASKS)}]+$")
_DROP = re.compile(f"[{_MARKS}{_INVISIBLE}]")
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
_LEET = str.maketrans({"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "+": "t"})
_AMBIGUOUS = {"1": "il", "|": "il"}  # read both ways: "1ick" and "sh1t"
_WILD = "?"  # a masked letter in a normalised word: it stands for any one letter
# Cyrillic and Greek letters that look like Latin ones; applied only to a word that also holds Latin
# letters, so Russian or Greek text is never rewritten.
_LOOKALIKES = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "ѕ": "s",
        "ԁ": "d",
        "ɡ": "g",
        "ƒ": "f",
        "α": "a",
        "ε": "e",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
    }
)
_SPELT_SEPARATORS = re.compile(r"[\s.\-_*]{1,3}")


@dataclass(frozen=True)
class _Token:
    """A word of the text: where it starts, and its forms: (where it ends, its normalised
    readings), the form without trailing symbols first ("Shit!" is "shit"; "shi+" is "shit")."""

    start: int
    forms: tuple[tuple[int, tuple[str, ...]], ...]


@dataclass(frozen=True)
class _Entry:
    words: tuple[str, ...]  # normalised
    prefix: bool  # last word matches as a prefix ("fuck*")
    shown: str  # as written in the list


def check_text(text: str) -> list[str]:
    """Why `text` is blocked by the classroom word list; an empty list means it is fine."""
    return _default_list().check(text)


class WordList:
    """The offline list: whole words and phrases, matched through simple obfuscation."""

    def __init__(self, entries: Iterable[str]):
        self.entries: list[_Entry] = []
        self._by_first: dict[str, list[_Entry]] = {}
        for raw in entries:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            prefix = line.endswith("*")
            words = tuple(_normalise(w) for w in line.rstrip("*").split())
            if not words or not all(words):
                continue
            entry = _Entry(words=words, prefix=prefix, shown=" ".join(line.rstrip("*").lower().split()))
            self.entries.append(entry)
            self._by_first.setdefault(_squeeze(words[0])[:2], []).append(entry)

    @classmethod
    def from_file(cls, path: Path = WORD_LIST) -> WordList:
        return cls(path.read_text(encoding="utf-8").splitlines())

    def check(self, text: str) -> list[str]:
        # compatibility forms first: full-width "ｆ＊ｃｋ" and circled "ⓕⓤⓒⓚ" are letters and masks
        text = unicodedata.normalize("NFKC", clean_text(text))
        tokens = _tokens(text)
        reasons: list[str] = []
        for i in range(len(tokens)):
            for entry in self._candidates(tokens[i]):
                end = self._match_end(entry, tokens, i)
                if end is not None:
                    found = _INVISIBLE_RE.sub("", text[tokens[i].start : end])
                    noun = "words" if len(entry.words) > 1 else "word"
                    verb = "are" if len(entry.words) > 1 else "is"
                    reason = f'the {noun} "{one_line(found, 40)}" {verb} on the classroom list'
                    if reason not in reasons:
                        reasons.append(reason)
                    break
        return reasons

    def _candidates(self, token: _Token) -> list[_Entry]:
        """The entries a token may start: those sharing its first two letters, or every entry when
        a masked letter hides them ("f*ck")."""
        found: list[_Entry] = []
        for _, readings in token.forms:
            for reading in readings:
                head = _squeeze(reading)[:2]
                for entry in self.entries if _WILD in head else self._by_first.get(head, ()):
                    if entry not in found:
                        found.append(entry)
        return found

    @staticmethod
    def _match_end(entry: _Entry, tokens: list[_Token], i: int) -> int | None:
        """Where the entry's match starting at token `i` ends in the text, or None."""
        if i + len(entry.words) > len(tokens):
            return None
        last = len(entry.words) - 1
        end = None
        for k, word in enumerate(entry.words):
            end = next(
                (
                    form_end
                    for form_end, readings in tokens[i + k].forms
                    if any(_same_word(r, word, prefix=entry.prefix and k == last) for r in readings)
                ),
                None,
            )
            if end is None:
                return None
        return end


class SafetyChecker:
    """The word list and, when given, a moderation service, asked together.

    `moderate(text)` returns the categories a text is flagged for (empty when fine) and may raise;
    the remote engine plugs in an OpenAI-compatible moderation endpoint here
    (`core.providers.remote_openai.moderate(settings)`).
    """

    def __init__(self, moderate: Callable[[str], list[str]] | None = None, *, words: Iterable[str] | None = None):
        self.moderate = moderate
        self.words = WordList(words) if words is not None else _default_list()

    def check(self, text: str) -> list[str]:
        """Every reason `text` is blocked, word list first; empty when it may be drawn or printed."""
        text = clean_text(text)
        reasons = self.words.check(text)
        if self.moderate is not None and text.strip():
            try:
                extra = self.moderate(text)
            except StudioError:
                raise
            except Exception as error:  # noqa: BLE001 - any failure of the service, said plainly
                raise ProviderError(
                    "The moderation service could not check this text "
                    f"({type(error).__name__}); try again, or turn the safety check's "
                    "moderation off."
                ) from None
            for label in extra or []:
                label = one_line(str(label), 100).rstrip(".")
                if not label:
                    continue
                reason = (
                    "the moderation service flagged it"
                    if label.lower() == "flagged"
                    else f"the moderation service flagged it as {label}"
                )
                if reason not in reasons:
                    reasons.append(reason)
        return reasons


@lru_cache(maxsize=1)
def _default_list() -> WordList:
    """The bundled list, read once per process (it is read-only, so sharing it is safe)."""
    return WordList.from_file(WORD_LIST)


# --- matching ------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _normalise(word: str) -> str:
    """Lower case, no accents, no invisible characters, look-alikes and leet digits read as letters
    (1 read as i); a word list's entries are normalised this way."""
    return _readings(word, latin_text=False)[0]


@lru_cache(maxsize=8192)
def _readings(word: str, latin_text: bool) -> tuple[str, ...]:
    """Every way to read a word of a text: as `_normalise`, with 1 and | read both as i and l, and
    with masks ("*", "_") both as a hidden letter (`_WILD`) and as nothing ("f*u*c*k")."""
    word = _DROP.sub("", unicodedata.normalize("NFKD", word)).casefold()
    letters = [c for c in word if c.isalpha()]
    if not re.search("[a-z]", word):
        # a whole word of look-alikes ("ѕех") is read as Latin only inside a mostly Latin text
        if not (latin_text and letters and all(c.translate(_LOOKALIKES) != c for c in letters)):
            return (word,)
    word = word.translate(_LOOKALIKES).translate(_LEET)
    spellings = [""]
    for ch in word:
        options = _AMBIGUOUS.get(ch, ch)
        spellings = [s + o for s in spellings for o in options][:16]
    readings = []
    for spelling in spellings:
        masked = spelling.translate(_MASK_AS_WILD)
        if _WILD in masked and not any(c.isalpha() for c in masked):
            continue  # only masks and digits: nothing to read
        for reading in (masked, spelling.translate(_MASK_AS_NOTHING)):
            if reading and reading not in readings:
                readings.append(reading)
    return tuple(readings) or (word,)


_MASK_AS_WILD = str.maketrans({m: _WILD for m in _MASKS})
_MASK_AS_NOTHING = str.maketrans({m: None for m in _MASKS})


def _is_latin_text(text: str) -> bool:
    """Whether a text is mostly Latin letters (then a word of Cyrillic look-alikes is a disguise)."""
    latin = sum(1 for c in text if "a" <= c.lower() <= "z")
    other = sum(1 for c in text if c.isalpha() and not ("a" <= c.lower() <= "z") and c.translate(_LOOKALIKES) != c)
    return latin > 2 * other


def _tokens(text: str) -> list[_Token]:
    """The words of the text, with letter-by-letter spellings joined into one word."""
    latin = _is_latin_text(text)
    found = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    bare = [_TRAILING.sub("", word) or word for word, _, _ in found]  # "k" of "f.u.c.k!"
    tokens: list[_Token] = []
    i = 0
    while i < len(found):
        j = i
        # "f.u.c.k", "s h i t": three or more single letters with short separators between them.
        while (
            j + 1 < len(found)
            and len(bare[j]) == 1
            and len(bare[j + 1]) == 1
            and _SPELT_SEPARATORS.fullmatch(text[found[j][1] + 1 : found[j + 1][1]])
        ):
            j += 1
        if j - i >= 2:
            spelt = "".join(bare[i : j + 1])
            tokens.append(_Token(found[i][1], ((found[j][1] + 1, _readings(spelt, latin)),)))
            i = j + 1
            continue
        word, start, end = found[i]
        forms = [(start + len(bare[i]), _readings(bare[i], latin))]
        if bare[i] != word:
            forms.append((end, _readings(word, latin)))
        tokens.append(_Token(start, tuple(forms)))
        i += 1
    return tokens


def _runs(word: str) -> list[tuple[str, int]]:
    return [(ch, len(list(run))) for ch, run in groupby(word)]


@lru_cache(maxsize=8192)
def _squeeze(word: str) -> str:
    """The word with each run of a repeated letter made one letter ("shiiit" -> "shit")."""
    return "".join(ch for ch, _ in groupby(word))


def _same_word(token: str, word: str, *, prefix: bool) -> bool:
    """Whether `token` is `word` with some of its letters repeated ("shiiit" is "shit", but "as" is
    not "ass") and some masked (`_WILD` stands for any one letter, and may repeat too: "f**k");
    with `prefix`, whether it starts that way ("fuuucking" for "fuck*")."""
    if token == word or (prefix and token.startswith(word)):
        return True
    if _WILD not in token and _squeeze(token)[:1] != word[:1]:
        return False
    return _spells(token, word, prefix)


@lru_cache(maxsize=8192)
def _spells(token: str, word: str, prefix: bool) -> bool:
    # (letters of the token read, letters of the word matched) that can be reached
    states = {(0, 0)}
    seen = set()
    while states:
        i, j = states.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if j == len(word) and (i == len(token) or prefix):
            return True
        if i == len(token):
            continue
        ch = token[i]
        if j < len(word) and ch in (word[j], _WILD):
            states.add((i + 1, j + 1))  # the next letter of the word
        if j > 0 and (ch == word[j - 1] or (ch == _WILD and token[i - 1] == _WILD)):
            states.add((i + 1, j))  # the last letter again ("shiiit", "f***")
    return False
