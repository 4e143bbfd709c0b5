"""Reading level of printed text: Flesch-Kincaid, Spache and Dale-Chall, offline.

Syllables come from `pyphen`'s English hyphenation dictionary (shipped inside its wheel), so the
measure needs no network (recent `textstat` releases download a pronunciation dictionary at run
time). A word counts one syllable more than its hyphenation points; hyphenation never splits very
short words ("idea" is one part), so the figures run a little below textstat's for the same text.
The offline writer aims its audiences at these grades; the classroom can reuse the same measure.

Spache (revised, 1974) and Dale-Chall (the formula with its 1995 score table) count the words that
are not on a familiar-word list; `core.reading.familiar_words` builds substitutes for those lists (the
published ones are not free to ship) and says how. Names count as familiar in both, as the
formulas' rules say: a capitalised word that is not the first of its sentence is a name, and a
caller may pass more (the story's hero and friend, who often open a sentence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from core.reading.familiar_words import dale_chall_list, familiar, spache_list
from core.reading.syllables import syllables

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
_SENTENCE_END = re.compile(r"[.!?]+[\"”’)]*(?=\s|$)")


_VOWEL_GROUP = re.compile(r"[aeiouy]+")


@lru_cache(maxsize=20000)
def vowel_syllables(word: str) -> int:
    """Syllables of one word by the ordinary classroom rule, independent of any dictionary: each
    group of vowels (y counts) is one, a silent final "e" is none ("cake", but not "little" or
    "tree"), "-es"/"-ed" after most letters add none ("boxes" and "wanted" keep theirs); at least one.

    A second opinion on `syllables`: pyphen never splits short words ("idea", "every", "over" are
    one part), so its grades run lower. A text whose grade is in band by both counts is in band
    by any reasonable count; the fitter (`core.reading.fit_level`) asks for both.
    """
    plain = re.sub(r"['’].*$", "", word.lower())
    if not plain:
        return 1
    count = len(_VOWEL_GROUP.findall(plain))
    if plain.endswith("e") and not plain.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    elif re.search(r"[^aeiouy]e[sd]$", plain) and count > 1 and not re.search(r"(?:[cszgx]|ch|sh)es$|[td]ed$", plain):
        count -= 1
    return max(1, count)


@dataclass(frozen=True)
class Readability:
    sentences: int
    words: int
    syllables: int

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def syllables_per_word(self) -> float:
        return self.syllables / self.words if self.words else 0.0

    @property
    def grade(self) -> float:
        """The Flesch-Kincaid grade level (0.39 ASL + 11.8 ASW - 15.59); 0.0 for no words."""
        if not self.words:
            return 0.0
        return 0.39 * self.words_per_sentence + 11.8 * self.syllables_per_word - 15.59


def measure(text: str, count=None) -> Readability:
    """Sentence, word and syllable counts of a text (a line without end mark is one sentence);
    syllables by `count` (a function of one word: `syllables`, pyphen's, unless another is given)."""
    count = count or syllables
    sentences = 0
    for line in text.splitlines():
        line = line.strip()
        if not _WORD.search(line):
            continue
        ends = len(_SENTENCE_END.findall(line))
        tail = _SENTENCE_END.split(line)[-1]
        sentences += ends + (1 if _WORD.search(tail) else 0)
    found = _WORD.findall(text)
    return Readability(sentences, len(found), sum(count(w) for w in found))


def flesch_kincaid_grade(text: str, count=None) -> float:
    """The Flesch-Kincaid grade of a text (see `measure`; `count` counts one word's syllables)."""
    return measure(text, count).grade


# --- familiar-word formulas ----------------------------------------------------------------------

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"”’)]*\s+")


@dataclass(frozen=True)
class Unfamiliar:
    """Counts for the word-list formulas: sentences, words, and the words not on the list."""

    sentences: int
    words: int
    unfamiliar: int  # every occurrence (Dale-Chall counts each one)
    unique_unfamiliar: int  # each word once (Spache counts each unfamiliar word once)

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    def percent(self, unique: bool) -> float:
        return 100.0 * (self.unique_unfamiliar if unique else self.unfamiliar) / self.words if self.words else 0.0


def names_in(text: str) -> set[str]:
    """Capitalised words that are not the first word of their sentence: names ("I" aside)."""
    found = set()
    for line in text.splitlines():
        for sentence in _SENTENCE_SPLIT.split(line.strip()):
            for word in _WORD.findall(sentence)[1:]:
                if word[:1].isupper() and word != "I":
                    found.add(re.sub(r"['’].*$", "", word))
    return found


def count_unfamiliar(
    text: str, familiar_words: frozenset[str], names: set[str] | frozenset[str] = frozenset()
) -> Unfamiliar:
    """Sentences and words as `measure` counts them, and how many words are not familiar."""
    known = {n.lower() for n in names_in(text) | set(names)}
    found = _WORD.findall(text)
    hard = [
        w.lower() for w in found if re.sub(r"['’].*$", "", w.lower()) not in known and not familiar(w, familiar_words)
    ]
    return Unfamiliar(measure(text).sentences, len(found), len(hard), len(set(hard)))


def spache_grade(text: str, names: set[str] | frozenset[str] = frozenset()) -> float:
    """The revised Spache grade (0.121 ASL + 0.082 x % unique unfamiliar words + 0.659), for
    texts up to grade 3; 0.0 for no words."""
    counts = count_unfamiliar(text, spache_list(), names)
    if not counts.words:
        return 0.0
    return 0.121 * counts.words_per_sentence + 0.082 * counts.percent(unique=True) + 0.659


def dale_chall_score(text: str, names: set[str] | frozenset[str] = frozenset()) -> float:
    """The Dale-Chall score (0.1579 x % difficult words + 0.0496 ASL, + 3.6365 when more than 5 %
    of the words are difficult); 0.0 for no words. `dale_chall_grades` reads it as grades."""
    counts = count_unfamiliar(text, dale_chall_list(), names)
    if not counts.words:
        return 0.0
    difficult = counts.percent(unique=False)
    return 0.1579 * difficult + 0.0496 * counts.words_per_sentence + (3.6365 if difficult > 5 else 0.0)


# the Dale-Chall score table: score below -> the grades a reader must have reached
_DALE_CHALL_TABLE = ((5.0, "4 and below"), (6.0, "5–6"), (7.0, "7–8"), (8.0, "9–10"), (9.0, "11–12"))


def dale_chall_grades(score: float) -> str:
    """The grades a Dale-Chall score stands for ("5–6"; "college" from 9.0)."""
    return next((grades for below, grades in _DALE_CHALL_TABLE if score < below), "college")
