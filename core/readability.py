"""Reading level of printed text: the Flesch-Kincaid grade, offline.

Syllables come from `pyphen`'s English hyphenation dictionary (shipped inside its wheel), so the
measure needs no network (recent `textstat` releases download a pronunciation dictionary at run
time). A word counts one syllable more than its hyphenation points; hyphenation never splits very
short words ("idea" is one part), so the figures run a little below textstat's for the same text.
The offline writer aims its audiences at these grades; the classroom can reuse the same measure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pyphen

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
_SENTENCE_END = re.compile(r"[.!?]+[\"”’)]*(?=\s|$)")
_HYPHENATOR = pyphen.Pyphen(lang="en_US")


@lru_cache(maxsize=20000)
def syllables(word: str) -> int:
    """Syllables of one word, from its hyphenation points (at least one)."""
    plain = re.sub(r"['’].*$", "", word.lower())
    if not plain:
        return 1
    return max(1, len(_HYPHENATOR.positions(plain)) + 1)


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


def measure(text: str) -> Readability:
    """Sentence, word and syllable counts of a text (a line without end mark is one sentence)."""
    sentences = 0
    for line in text.splitlines():
        line = line.strip()
        if not _WORD.search(line):
            continue
        ends = len(_SENTENCE_END.findall(line))
        tail = _SENTENCE_END.split(line)[-1]
        sentences += ends + (1 if _WORD.search(tail) else 0)
    found = _WORD.findall(text)
    return Readability(sentences, len(found), sum(syllables(w) for w in found))


def flesch_kincaid_grade(text: str) -> float:
    """The Flesch-Kincaid grade of a text (see `measure`)."""
    return measure(text).grade
