"""Words to know: the words of a story above its reading level, hardest first, each explained.

A word is above the level when it is rarer than the level's readers know (`ABOVE`): off the
Spache substitute list for early readers and grades 1–2, off the Dale-Chall substitute list for
grades 3–4 (`core.reading.familiar_words`), and rarer than a Zipf frequency of 3.5 or 3.0 for grades 5–6 and
adults. Names are never words to know. One entry per lemma, at most `MAX_WORDS`, the hardest first:
the rarest by wordfreq's Zipf frequency (of the word or its lemma, whichever is more common), so a
page never opens on "fur" while "lighthouse" and "determination" wait below it.

Each word has the first sentence it appears in, and a child's definition from the studio's own
glossary (`assets/glossary/children.tsv`, CC0, offline), under the dictionary form the glossary
defines ("borrow" for "borrowed"); a word the glossary lacks keeps the story's form and shows its
sentence instead. With a writer model that can answer (`answer(prompt) -> str`, as the local and
remote writers can), the model's definitions are asked for and win where it gives one.

A word that names one of the story world's companions or props (`core.offline.world`: "kite",
"tortoises") carries that `thing`, whose own picture the book may show beside it
(`core.classroom.book`); no other word gets a picture, so a word never stands beside a picture of
something else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache

from lemminflect import getAllLemmas
from wordfreq import zipf_frequency

from core import ASSETS
from core.offline.world import COMPANIONS, PROPS
from core.offline.writer import split_sentences
from core.prompts import definitions_prompt
from core.reading.familiar_words import dale_chall_list, familiar, spache_list
from core.reading.levels import Level, story_names
from core.text import one_line

MAX_WORDS = 10  # the hardest ten: one page of an A4 book, pictures and all
GLOSSARY = ASSETS / "glossary" / "children.tsv"
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")


@dataclass(frozen=True)
class WordToKnow:
    word: str
    sentence: str  # the first sentence of the story it appears in
    page: int  # that sentence's page, from 1
    thing: str | None = None  # the story world's companion or prop it names (a key of core.offline.world)
    definition: str = ""  # a child's definition: the glossary's, or a writer model's


@cache
def glossary() -> dict[str, str]:
    """The studio's child's glossary: word (dictionary form, lower case) -> definition."""
    entries = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, _, definition = line.partition("\t")
            entries[word.strip().lower()] = definition.strip()
    return entries


def definition_of(word: str) -> str:
    """The glossary's definition of a word or of its lemma ("" when it has none)."""
    found = glossary()
    return found.get(word.lower()) or found.get(_lemma(word), "")


@cache
def _things() -> dict[str, str]:
    """Every one-word name of a companion or prop, singular and plural -> its key in the world."""
    names = {}
    for key, thing in {**COMPANIONS, **PROPS}.items():
        for name in (key, thing.noun, thing.plural):
            if " " not in name:
                names[name] = key
    return names


def thing_named(word: str) -> str | None:
    """The companion or prop a word names ("tortoises" -> "tortoise"), or None."""
    low = word.lower()
    return _things().get(low) or _things().get(_lemma(low))


def _above(word: str, level: Level) -> bool:
    if level.key in ("early", "grade-1-2"):
        return not familiar(word, spache_list())
    if level.key == "grade-3-4":
        return not familiar(word, dale_chall_list())
    limit = 3.5 if level.key == "grade-5-6" else 3.0
    return _rarity(word) < limit


def _lemma(word: str) -> str:
    found = [lemma for lemmas in getAllLemmas(word.lower()).values() for lemma in lemmas]
    return min(found, key=len) if found else word.lower()


def _rarity(word: str) -> float:
    """How common a word or, if more common, its lemma is (Zipf)."""
    return max(zipf_frequency(word.lower(), "en"), zipf_frequency(_lemma(word), "en"))


def words_to_know(texts: Sequence[str], level: Level, extra_names: Sequence[str] = ()) -> list[WordToKnow]:
    """The words above `level` in the pages' texts, hardest first (see the module docstring)."""
    names = {n.lower() for n in story_names(list(texts), extra_names)}
    found: dict[str, WordToKnow] = {}
    for number, text in enumerate(texts, start=1):
        for sentence in split_sentences(text):
            words = _WORD.findall(sentence)
            for index, word in enumerate(words):
                plain = re.sub(r"['’].*$", "", word)
                lemma = _lemma(plain)
                # a verb with its little word means something else ("nodded off" is falling asleep,
                # not a nod): the glossary's phrase, when it has one, is the word to know
                phrase = f"{lemma} {words[index + 1].lower()}" if index + 1 < len(words) else ""
                if phrase in glossary():
                    if phrase not in found and _above(plain, level):
                        found[phrase] = WordToKnow(phrase, sentence, number, None, glossary()[phrase])
                    continue
                if lemma in found or plain.lower() in names or len(plain) < 3 or not _above(plain, level):
                    continue
                shown = plain.lower() if not plain.isupper() else plain
                definition = definition_of(plain)
                if definition and shown not in glossary():
                    shown = lemma  # defined in its dictionary form: "borrow", not "borrowed"
                found[lemma] = WordToKnow(shown, sentence, number, thing_named(plain), definition)
    return sorted(found.values(), key=lambda w: (_rarity(w.word), w.page, w.word))[:MAX_WORDS]


def with_definitions(words: list[WordToKnow], answer: Callable[[str], str], level: Level) -> list[WordToKnow]:
    """The words with the definitions a writer model gives (asked once, as JSON); a word the model
    left out, or an answer that is not JSON, keeps the definition it had (the glossary's, or none)."""
    if not words:
        return words
    reply = answer(definitions_prompt([(w.word, w.sentence) for w in words], level.label))
    match = re.search(r"\{.*\}", reply, re.DOTALL)
    try:
        given = json.loads(match.group(0)) if match else {}
    except ValueError:
        given = {}
    if not isinstance(given, dict):
        given = {}
    lowered = {str(k).lower(): v for k, v in given.items()}
    return [
        replace(w, definition=one_line(str(lowered[w.word.lower()]), 240))
        if isinstance(lowered.get(w.word.lower()), str)
        else w
        for w in words
    ]
