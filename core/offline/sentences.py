"""Cutting and joining the offline writer's sentences: one sentence per clause for first readers,
neighbours joined for older ones, "a" or "an" as the next word sounds.

Only joins followed by a new subject are split ("The kite flew away, and nobody saw it." -> two
sentences), so no part is ever a fragment; names keep their capitals when sentences are joined.
"""

from __future__ import annotations

import re

from lemminflect import getAllLemmas, getInflection

from core.offline import writer_data as D

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_SENTENCE_END = re.compile(r'(?<=[.!?])\s+|(?<=[.!?]["”])\s+')


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


# words that open a clause of their own after ", and" / ", but" / ", so"
_CLAUSE_START = {
    "he",
    "she",
    "it",
    "they",
    "we",
    "nobody",
    "no",
    "everyone",
    "everybody",
    "there",
    "the",
    "a",
    "an",
    "its",
    "their",
    "his",
    "her",
    "then",
    "only",
    "neither",
    "soon",
    "one",
    "all",
}
_JOINER = re.compile(r",\s+(and|but|so)\s+([A-Za-z']+)")


def split_clauses(sentence: str, names: set[str]) -> list[str]:
    """A compound sentence as one sentence per clause: "The kite flew away, and nobody saw it."
    becomes "The kite flew away. And nobody saw it." Only joins followed by a new subject are
    split, so no part is ever a fragment; quoted speech is left whole."""
    if '"' in sentence or "“" in sentence:
        return [sentence]
    parts, start = [], 0
    for m in _JOINER.finditer(sentence):
        clause = sentence[m.end(1) :].split(",")[0]
        if (m.group(2).lower() in _CLAUSE_START or m.group(2) in names) and _has_finite_verb(clause):
            parts.append(sentence[start : m.start()].strip() + ".")
            start = m.start(1)
    rest = sentence[start:].strip()
    parts.append(rest)
    return [p[:1].upper() + p[1:] for p in parts if p]


_FINITE = {"was", "were", "is", "are", "had", "has", "did", "does", "could", "would", "will", "can", "should"}


def _has_finite_verb(clause: str) -> bool:
    """Whether a clause has a verb in the past or present tense ("nobody knew why"), unlike a
    phrase ("a very good one"), which must not stand as a sentence."""
    for word in re.findall(r"[a-z]+", clause.lower()):
        if word in _FINITE:
            return True
        lemmas = getAllLemmas(word).get("VERB", ())
        if any(word in getInflection(lemma, tag) for lemma in lemmas for tag in ("VBD", "VBZ")):
            return True
    return False


def joinable(first: str, second: str, limit: int) -> bool:
    """Whether two neighbouring sentences read well as one: plain statements, short enough
    together, no introduction, and at most one semicolon in the result."""
    plain = (
        first.endswith(".")
        and second.endswith((".", "!"))
        and all(
            '"' not in x and "“" not in x and ":" not in x and ";" not in x and "best friend was" not in x
            for x in (first, second)
        )
    )
    return (
        plain
        and len(words(first)) + len(words(second)) <= limit
        and not second.startswith(("And ", "So ", "Then ", "At last", "That night"))
    )


def join(first: str, second: str, names: frozenset[str] = frozenset()) -> str:
    """Two sentences as one: "..., but ..." for a contrast, "..., and ..." otherwise, and a
    semicolon where either already joins clauses (no "and ..., and ..." chains)."""
    head = first[:-1]
    word = re.sub(r"'s$", "", second.split(" ", 1)[0])
    keep = word in D.NAMES or word in D.FRIENDS or word == "I" or word in names
    rest = second if keep else second[:1].lower() + second[1:]
    if ", and " in first or ", and " in second or ", but " in second:
        return f"{head}; {rest}"
    if second.startswith("But "):
        return f"{head}, but {second[4:]}"
    return f"{head}, and {rest}"


_AN_EXCEPTIONS = ("one", "uni", "use", "usu", "eu")


def fix_articles(text: str) -> str:
    """ "a" or "an" as the next word sounds, after a choice of wording changed that word."""

    def article(m: re.Match) -> str:
        word = m.group(2)
        vowel = (
            word[:1].lower() in "aeiou"
            and not word.lower().startswith(_AN_EXCEPTIONS)
            or word.lower().startswith(("hour", "honest"))
        )
        a = "an" if vowel else "a"
        return (a.capitalize() if m.group(1)[0].isupper() else a) + " " + word

    return re.sub(r"\b([Aa]n?) ([A-Za-z]+)", article, text)
