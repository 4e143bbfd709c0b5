"""A small part-of-speech check for the offline writer's English.

It flags the three ways string surgery used to break sentences: a verb form after "had" that is
not a past participle ("had went"), an article followed by a verb ("A fluttered past."), and an
adverb stacked on an adverb ("watched very boldly"). Word classes come from `lemminflect`'s
tables (shipped inside its wheel), so no tagger model is downloaded. The rules are deliberately
narrow: they must never flag good English the writer uses ("had found", "a painted door",
"had lunch"), and the bench and tests expect the writer's every revision to pass them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lemminflect import getAllLemmas, getInflection

_TOKEN = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|[.,;:!?\"“”]")
ARTICLES = {"a", "an", "the"}
_FUNCTION_WORDS = ARTICLES | {"to", "at", "in", "on", "by", "with", "for", "from", "of", "and", "but"}
# adverbs of degree that modify another adverb ("very boldly", "so quickly")
DEGREE = {"very", "so", "too", "really", "quite", "rather", "extremely", "terribly", "awfully"}
# -ly words that are adjectives or nouns in everyday use, never stacked adverbs
_NOT_ADVERBS = {
    "only",
    "early",
    "family",
    "holy",
    "ugly",
    "silly",
    "jelly",
    "belly",
    "lily",
    "friendly",
    "lonely",
    "lovely",
    "curly",
    "chilly",
    "jolly",
    "fly",
    "reply",
    "supply",
    "butterfly",
    "likely",
    "daily",
    "bully",
    "wobbly",
    "prickly",
    "sly",
    "cuddly",
    "smelly",
    "bubbly",
    "sparkly",
    "crinkly",
    "wriggly",
    "giggly",
    "tummy",
}


@lru_cache(maxsize=20000)
def _lemmas(word: str) -> dict[str, tuple[str, ...]]:
    return getAllLemmas(word.lower())


@lru_cache(maxsize=20000)
def _is_past_participle(word: str) -> bool:
    for lemma in _lemmas(word).get("VERB", ()) + _lemmas(word).get("AUX", ()):
        if word.lower() in getInflection(lemma, "VBN"):
            return True
    return False


def _only_verb(word: str) -> bool:
    """A verb form with no noun or adjective reading ("fluttered", "went", "swims")."""
    found = _lemmas(word)
    return bool(found) and set(found) <= {"VERB", "AUX"}


def _adverb(word: str) -> bool:
    w = word.lower()
    if w in DEGREE:
        return True
    return w.endswith("ly") and w not in _NOT_ADVERBS and "ADV" in _lemmas(w) and "ADJ" not in _lemmas(w)


def problems(sentence: str) -> list[str]:
    """What is broken in one sentence, as short notes ([] when nothing is)."""
    tokens = _TOKEN.findall(sentence)
    found = []
    for i, (word, nxt) in enumerate(zip(tokens, tokens[1:])):
        w, n = word.lower(), nxt.lower()
        if not n.isalpha():
            continue
        after = tokens[i + 2].lower() if i + 2 < len(tokens) else ""
        # "had dazzling doors": an -ing word used as an adjective is fine after "had"
        adjectival = n.endswith("ing") and after.isalpha() and after not in _FUNCTION_WORDS
        if w == "had" and _only_verb(n) and not _is_past_participle(n) and not adjectival:
            found.append(f'"had {nxt}": not a past participle')
        # "the waiting": a gerund is a noun; "a thank you" is one too
        if w in ARTICLES and _only_verb(n) and not n.endswith("ing") and (n, after) != ("thank", "you"):
            # "a painted door", "the lost falling star": a participle used as an adjective
            modifies = (
                after.isalpha()
                and "ADV" not in _lemmas(after)
                and ({"NOUN", "ADJ"} & set(_lemmas(after)) or after.endswith("ing") or _is_past_participle(after))
            )
            participle_before_noun = _is_past_participle(n) and modifies
            if not participle_before_noun:
                found.append(f'"{word} {nxt}": an article before a verb')
        if _adverb(w) and _adverb(n) and n not in DEGREE:
            found.append(f'"{word} {nxt}": an adverb stacked on an adverb')
    return found


def broken(sentences) -> list[tuple[str, list[str]]]:
    """The sentences that have problems, each with its notes."""
    out = []
    for sentence in sentences:
        notes = problems(sentence)
        if notes:
            out.append((sentence, notes))
    return out
