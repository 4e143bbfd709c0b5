"""Classroom safety checks: prompts and texts looked at before they are drawn or printed.

Two layers, both optional through `Settings.safety` (off by default):

1. **An offline word list** (`assets/safety/blocked_words.txt`, short and reviewed by people): works
   with no network and no key, and says exactly which word stopped a text. Matching is whole-word
   and case-insensitive, so "class" never trips "ass". It sees through the simple tricks a pupil
   tries: repeated letters ("shiiiit"), digits and symbols for letters inside a word ("sh1t",
   "@ss"; a plain number such as "455" is left alone), accents and full-width letters, Cyrillic
   look-alikes mixed into a Latin word, invisible characters inside a word, and a word spelt out
   letter by letter ("f.u.c.k", "s h i t").
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

from core.errors import ProviderError, StudioError
from core.text import clean_text, one_line

WORD_LIST = Path(__file__).resolve().parent.parent / "assets" / "safety" / "blocked_words.txt"

# Characters that may sit inside a word: letters, digits, combining marks, leet symbols and the
# invisible format characters used to split a word in two (removed before comparing).
_INVISIBLE = "\u00ad\u034f\u180e\u200b-\u200f\u2060-\u2064\ufeff"
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_TOKEN = re.compile(f"(?:[^\\W_]|[@$])(?:[^\\W_]|[@${_MARKS}{_INVISIBLE}])*")
_DROP = re.compile(f"[{_MARKS}{_INVISIBLE}]")
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "@": "a", "$": "s"})
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
        text = clean_text(text)
        tokens = _tokens(text)
        reasons: list[str] = []
        for i in range(len(tokens)):
            for entry in self._by_first.get(_squeeze(tokens[i][2])[:2], ()):
                if self._matches(entry, tokens, i):
                    end = i + len(entry.words) - 1
                    found = _INVISIBLE_RE.sub("", text[tokens[i][0] : tokens[end][1]])
                    noun = "words" if len(entry.words) > 1 else "word"
                    verb = "are" if len(entry.words) > 1 else "is"
                    reason = f'the {noun} "{one_line(found, 40)}" {verb} on the classroom list'
                    if reason not in reasons:
                        reasons.append(reason)
                    break
        return reasons

    @staticmethod
    def _matches(entry: _Entry, tokens: list[tuple[int, int, str]], i: int) -> bool:
        if i + len(entry.words) > len(tokens):
            return False
        last = len(entry.words) - 1
        return all(
            _same_word(tokens[i + k][2], word, prefix=entry.prefix and k == last) for k, word in enumerate(entry.words)
        )


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
    """Lower case, no accents, no invisible characters, look-alikes and leet digits read as letters."""
    word = _DROP.sub("", unicodedata.normalize("NFKD", word)).casefold()
    if re.search("[a-z]", word):
        word = word.translate(_LOOKALIKES)
        word = word.translate(_LEET)
    return word


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, normalised) for each word, with letter-by-letter spellings joined into one word."""
    found = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    tokens: list[tuple[int, int, str]] = []
    i = 0
    while i < len(found):
        j = i
        # "f.u.c.k", "s h i t": three or more single letters with short separators between them.
        while (
            j + 1 < len(found)
            and len(found[j][0]) == 1
            and len(found[j + 1][0]) == 1
            and _SPELT_SEPARATORS.fullmatch(text[found[j][2] : found[j + 1][1]])
        ):
            j += 1
        if j - i >= 2:
            tokens.append((found[i][1], found[j][2], _normalise("".join(f[0] for f in found[i : j + 1]))))
            i = j + 1
        else:
            tokens.append((found[i][1], found[i][2], _normalise(found[i][0])))
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
    not "ass"); with `prefix`, whether it starts that way ("fuuucking" for "fuck*")."""
    if token == word or (prefix and token.startswith(word)):
        return True
    t_runs, w_runs = _runs(token), _runs(word)
    if prefix:
        if len(t_runs) < len(w_runs):
            return False
        head = t_runs[: len(w_runs)]
        # the last run of the word may continue into the rest of the token ("ss" in "asss...")
        return all(tc == wc and tn >= wn for (tc, tn), (wc, wn) in zip(head, w_runs))
    return len(t_runs) == len(w_runs) and all(tc == wc and tn >= wn for (tc, tn), (wc, wn) in zip(t_runs, w_runs))
