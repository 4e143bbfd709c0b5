"""The people and animals a caption names: "Our old tabby cat Chelsea" is Chelsea, a cat.

The person's words win over anything the writer would choose: a name the caption gives is the
hero's (or the companion's) name, a relation ("Grandma Eileen", "Uncle Raj") stays part of how the
story calls them, and the kind of creature said next to the name ("cat Chelsea", "Rex the dog",
"Eileen, my grandma") is its kind. Names are the capitalised words that are not ordinary words of
the caption (kinds, places, colours, words that open a sentence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.offline import writer_data as D
from core.offline.world import COMPANIONS

# relations and titles said before a name, and the kind of person each makes
RELATIONS = {
    "grandma": "grandma",
    "granny": "grandma",
    "nana": "grandma",
    "nan": "grandma",
    "grandmother": "grandma",
    "grandpa": "grandpa",
    "grandad": "grandpa",
    "granddad": "grandpa",
    "grandfather": "grandpa",
    "mum": "mum",
    "mom": "mum",
    "mummy": "mum",
    "mother": "mum",
    "dad": "dad",
    "daddy": "dad",
    "father": "dad",
    "auntie": "aunt",
    "aunt": "aunt",
    "aunty": "aunt",
    "uncle": "uncle",
    "sister": "sister",
    "brother": "brother",
    "cousin": "cousin",
    "son": "boy",
    "daughter": "girl",
    "grandson": "boy",
    "granddaughter": "girl",
    "friend": "friend",
    "baby": "baby",
    "teacher": "teacher",
    "mr": "man",
    "mrs": "woman",
    "ms": "woman",
    "miss": "teacher",
    "captain": "captain",
    "doctor": "doctor",
    "dr": "doctor",
}
# words that open a sentence or say whose something is: capitalised, but never a name
_NOT_NAMES = {
    "a",
    "an",
    "the",
    "our",
    "my",
    "his",
    "her",
    "their",
    "its",
    "this",
    "that",
    "these",
    "those",
    "here",
    "there",
    "it",
    "i",
    "we",
    "they",
    "he",
    "she",
    "you",
    "on",
    "in",
    "at",
    "by",
    "with",
    "and",
    "but",
    "or",
    "of",
    "to",
    "from",
    "after",
    "before",
    "when",
    "while",
    "one",
    "two",
    "some",
    "sleeping",
    "playing",
    "sitting",
    "standing",
    "running",
    "walking",
    "looking",
    "landscape",
    "square",
    "portrait",
    "photo",
    "picture",
    "image",
    "no",
    "yes",
    "today",
    "yesterday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "christmas",
    "easter",
    "summer",
    "winter",
    "spring",
    "autumn",
    "fall",
    "morning",
    "evening",
    "night",
    "afternoon",
    "happy",
    "little",
    "big",
    "old",
    "young",
    "best",
    "dear",
    "lovely",
}
_KIND_WORDS = set(D.ANIMALS) | set(D.PEOPLE) | set(D.OBJECTS) | set(COMPANIONS) | {"teddy", "bear", "puppy", "kitten"}
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


@dataclass(frozen=True)
class Named:
    """One character the caption names."""

    name: str  # "Chelsea", "Grandma Eileen"
    kind: str  # "cat", "grandma", "" when the caption does not say


def _singular(word: str) -> str:
    w = word.lower()
    for cut in ("es", "s"):
        if w.endswith(cut) and w[: -len(cut)] in _KIND_WORDS:
            return w[: -len(cut)]
    return w


def _is_name(word: str, first_in_sentence: bool, after_title: bool = False) -> bool | None:
    low = word.lower().removesuffix("'s")
    if not word[:1].isupper() or low in _NOT_NAMES or low in RELATIONS:
        return False
    if after_title:  # "Mr Brown", "Aunt Rose": whatever follows a title is a name
        return True
    if low in _KIND_WORDS or low in D.SETTINGS or low in D.COLOURS or low in D.ADJECTIVES:
        return False
    if first_in_sentence:  # a capital that may only open the sentence: the caller decides
        return None
    return len(low) > 1


# capitalised words that name where a thing is, never who: "above the Earth", "to Mars"
_PLACE_NAMES = {"earth", "moon", "mars", "sun", "venus", "jupiter", "saturn", "space", "christmas", "easter"}
# words after which a capital is a place ("in Paris", "the Thames"), never a character
_PLACE_WORDS = {"the", "in", "at", "on", "above", "over", "to", "across", "around", "into", "from", "under"}


def _names_a_place(word: str, before: str) -> bool:
    """Whether a capitalised word is a place or a heavenly body ("above the Earth", "in London"),
    which the story must not take for its hero's name."""
    return word.lower().removesuffix("'s") in _PLACE_NAMES or before.lower() in _PLACE_WORDS


def characters_in(caption: str) -> list[Named]:
    """The characters the caption names, in its order ("Grandma Eileen and her dog Rex" ->
    Grandma Eileen (grandma), Rex (dog)). Sentences about the offline engine are left out."""
    text = " ".join(s for s in re.split(r"(?<=[.!?])\s+", caption or "") if "offline engine" not in s.lower())
    tokens = [(m.start(), m.group(0)) for m in _WORD.finditer(text)]
    found: list[Named] = []
    taken: set[int] = set()
    for i, (at, word) in enumerate(tokens):
        if i in taken:
            continue
        first = i == 0 or text[:at].rstrip().endswith((".", "!", "?"))
        titled = i > 0 and tokens[i - 1][1].lower() in RELATIONS and tokens[i - 1][1][:1].isupper()
        # a capital right after a kind is that one's name, even a word like "Biscuit": "puppy Biscuit"
        after_kind = i > 0 and not first and _singular(tokens[i - 1][1]) in _KIND_WORDS and word[:1].isupper()
        verdict = _is_name(word, first, titled or after_kind)
        if verdict and not (titled or after_kind) and _names_a_place(word, tokens[i - 1][1] if i else ""):
            continue
        nxt = [w.lower() for _, w in tokens[i + 1 : i + 4]]
        if verdict is None:  # sentence start: a name only when the next words say what it is
            verdict = bool(nxt) and (
                (nxt[0] == "the" and len(nxt) > 1 and _singular(nxt[1]) in _KIND_WORDS)
                or (
                    nxt[0] in ("and", "is", "was", "with", "sleeping", "sitting", "playing", "loves")
                    or text[at + len(word) : at + len(word) + 1] == ","
                )
                and word.lower() not in _KIND_WORDS
                and word.lower() not in _NOT_NAMES
            )
        if not verdict:
            continue
        name = word.removesuffix("'s")
        kind = ""
        # a relation or title just before: "Grandma Eileen", "Mr Brown"
        prev = tokens[i - 1][1].lower() if i else ""
        if titled:
            name, kind = f"{tokens[i - 1][1]} {name}", RELATIONS[prev]
        elif prev in RELATIONS:  # "my son Leo"
            kind = RELATIONS[prev]
        elif prev in ("called", "named") and i > 1 and _singular(tokens[i - 2][1]) in _KIND_WORDS:
            kind = _singular(tokens[i - 2][1])
        elif i and _singular(prev) in _KIND_WORDS:  # "cat Chelsea", "dog Rex"
            kind = _singular(prev)
            if kind == "bear" and i > 1 and tokens[i - 2][1].lower() == "teddy":
                kind = "teddy bear"
        # a surname after the name: "Eileen Brown" stays one name
        if i + 1 < len(tokens) and _is_name(tokens[i + 1][1], False) and text[at + len(word) : tokens[i + 1][0]] == " ":
            name = f"{name} {tokens[i + 1][1].removesuffix(chr(39) + 's')}"
            taken.add(i + 1)
        # or what it is just after: "Chelsea the cat", "Chelsea, our old cat", "Rex, a puppy"
        if not kind:
            for j, w in enumerate(nxt):
                if _singular(w) in _KIND_WORDS or w in RELATIONS:
                    between = nxt[:j]
                    if all(
                        b
                        in (
                            "the",
                            "a",
                            "an",
                            "our",
                            "my",
                            "his",
                            "her",
                            "their",
                            "old",
                            "little",
                            "young",
                            "big",
                            "small",
                            "tabby",
                            "ginger",
                            "fluffy",
                            "pet",
                            "beloved",
                        )
                        or b in D.COLOURS
                        for b in between
                    ):
                        kind = RELATIONS.get(w) or _singular(w)
                    break
        if kind == "bear" and "teddy" in text.lower():
            kind = "teddy bear"
        found.append(Named(name, kind))
    # the same character twice ("Chelsea ... Chelsea's bowl") counts once
    out: dict[str, Named] = {}
    for n in found:
        if n.name not in out or (n.kind and not out[n.name].kind):
            out[n.name] = n
    return list(out.values())


def companion_kinds(caption: str, hero_noun: str) -> list[str]:
    """Companions (keys of world.COMPANIONS) the caption mentions besides its hero: "a girl and
    her dog" -> ["dog"]."""
    low = " ".join(s for s in re.split(r"(?<=[.!?])\s+", caption or "") if "offline engine" not in s.lower()).lower()
    low = re.sub(r"\bcat faces?\b|\bhuman faces?\b", " ", low)
    kinds = []
    for m in _WORD.finditer(low):
        w = _singular(m.group(0))
        if w == "puppy":
            w = "dog"
        if w == "kitten":
            w = "cat"
        if w in COMPANIONS and w != hero_noun and w not in kinds:
            kinds.append(w)
    return kinds
