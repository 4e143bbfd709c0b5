"""A graded word list for the offline writer, built from word frequencies and syllables.

Templates offer choices of wording as `<quiet|hushed|*silent>` groups. Which one a story uses
depends on its reader: young readers and the "simpler" revision get the most common, shortest
words (a word's grade comes from its `wordfreq` Zipf frequency in English and its `pyphen`
syllables, both shipped inside their wheels); adults get the richer ones. An alternative starting
with `*` is vivid: the "more exciting" revision prefers it, the "calmer" one never uses it.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

from wordfreq import zipf_frequency

from core.reading.syllables import syllables

_CHOICE = re.compile(r"<([^<>]*)>")
_WORD = re.compile(r"[A-Za-z]+")
_SLOT = re.compile(r"\{[^}]*\}")


@lru_cache(maxsize=20000)
def word_grade(word: str) -> int:
    """0: a first reader's word (very common, one or two short syllables), 1: everyday, 2: rich."""
    w = word.lower()
    zipf, syl = zipf_frequency(w, "en"), syllables(w)
    if zipf >= 4.6 and syl <= 1 or zipf >= 5.2 and syl <= 2:
        return 0
    if zipf >= 3.6 and syl <= 2:
        return 1
    return 2


def phrase_grade(phrase: str) -> float:
    """How hard a phrase reads: its hardest word, plus a little for every syllable beyond one."""
    found = _WORD.findall(_SLOT.sub("", phrase))
    if not found:
        return 0.0
    return max(word_grade(w) for w in found) + 0.1 * sum(syllables(w) - 1 for w in found) / len(found)


def choose(options: list[str], rng: random.Random, level: int, plain: bool, mood: str | None) -> str:
    """One wording for a reader of this level (0 young, 1 older, 2 adults).

    plain: the simplest wording (the "simpler" revision). mood "exciting" prefers vivid wordings,
    "calm" leaves them out."""
    vivid = [o[1:] for o in options if o.startswith("*")]
    calm = [o for o in options if not o.startswith("*")]
    if mood == "exciting" and vivid:
        pool = vivid
    elif mood == "calm" and calm:
        pool = calm
    else:
        pool = calm + vivid
    graded = sorted(pool, key=phrase_grade)
    if plain or level == 0:
        easiest = phrase_grade(graded[0])
        pool = [o for o in graded if phrase_grade(o) <= easiest + (0.05 if plain else 0.5)]
    elif level >= 2 and len(graded) > 1:
        pool = graded[len(graded) // 2 :]
    else:  # older children: all but the rarest
        pool = graded[: max(1, (2 * len(graded) + 2) // 3)]
    return rng.choice(pool)


def fill_choices(template: str, rng: random.Random, level: int, plain: bool, mood: str | None) -> str:
    """The template with every `<a|b|c>` group replaced by one wording."""
    return _CHOICE.sub(lambda m: choose(m.group(1).split("|"), rng, level, plain, mood), template)
