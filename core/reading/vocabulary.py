"""Words to know: the words of a story above its reading level, each with the sentence it is in.

A word is above the level when it is rarer than the level's readers know (`ABOVE`): off the
Spache substitute list for early readers and grades 1–2, off the Dale-Chall substitute list for
grades 3–4 (`core.reading.familiar_words`), and rarer than a Zipf frequency of 3.5 or 3.0 for grades 5–6 and
adults. Names are never words to know. The rarest come first, one entry per lemma, at most
`MAX_WORDS`.

Offline, each word has the first sentence it appears in and, when the word names something the
page's picture shows (a noun of the page's key scene, and the page has a picture), that page:
the book prints the picture beside it. With a writer model that can answer (`answer(prompt) -> str`, as the
local and remote writers can), each word also gets a child-friendly definition.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from lemminflect import getAllLemmas
from wordfreq import zipf_frequency

from core.offline.writer import split_sentences
from core.prompts import definitions_prompt
from core.reading.familiar_words import dale_chall_list, familiar, spache_list
from core.reading.levels import Level, story_names
from core.text import one_line

MAX_WORDS = 12
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")


@dataclass(frozen=True)
class WordToKnow:
    word: str
    sentence: str  # the first sentence of the story it appears in
    page: int  # that sentence's page, from 1
    pictured: bool = False  # the word names something the page's picture shows
    definition: str = ""  # a child-friendly definition, when a writer model gave one


def _above(word: str, level: Level) -> bool:
    if level.key in ("early", "grade-1-2"):
        return not familiar(word, spache_list())
    if level.key == "grade-3-4":
        return not familiar(word, dale_chall_list())
    limit = 3.5 if level.key == "grade-5-6" else 3.0
    return _rarity(word) < limit


def _thing(word: str) -> bool:
    """Whether a word can name something a picture shows: a noun, not an adjective, adverb or -ing
    form ("fence", "string", "cocoa", which the tables do not know; not "clever", "loudly", "dangling")."""
    kinds = getAllLemmas(word.lower())
    return (not kinds or "NOUN" in kinds) and "ADJ" not in kinds and not word.lower().endswith(("ly", "ing"))


def _lemma(word: str) -> str:
    found = [lemma for lemmas in getAllLemmas(word.lower()).values() for lemma in lemmas]
    return min(found, key=len) if found else word.lower()


def _rarity(word: str) -> float:
    """How common a word or, if more common, its lemma is (Zipf)."""
    return max(zipf_frequency(word.lower(), "en"), zipf_frequency(_lemma(word), "en"))


def words_to_know(
    pages: Sequence[tuple[str, str, bool]], level: Level, extra_names: Sequence[str] = ()
) -> list[WordToKnow]:
    """The words above `level` in pages given as (text, key scene, has a picture)."""
    names = {n.lower() for n in story_names([text for text, _, _ in pages], extra_names)}
    found: dict[str, WordToKnow] = {}
    for number, (text, scene, has_picture) in enumerate(pages, start=1):
        scene_lemmas = {_lemma(w) for w in _WORD.findall(scene)}
        for sentence in split_sentences(text):
            for word in _WORD.findall(sentence):
                plain = re.sub(r"['’].*$", "", word)
                lemma = _lemma(plain)
                if lemma in found or plain.lower() in names or len(plain) < 3 or not _above(plain, level):
                    continue
                found[lemma] = WordToKnow(
                    plain.lower() if not plain.isupper() else plain,
                    sentence,
                    number,
                    pictured=has_picture and lemma in scene_lemmas and _thing(plain),
                )
    ranked = sorted(found.values(), key=lambda w: (_rarity(w.word), w.page))
    return sorted(ranked[:MAX_WORDS], key=lambda w: (w.page, w.word))


def with_definitions(words: list[WordToKnow], answer: Callable[[str], str], level: Level) -> list[WordToKnow]:
    """The words with the definitions a writer model gives (asked once, as JSON); a word the model
    left out, or an answer that is not JSON, keeps no definition."""
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
