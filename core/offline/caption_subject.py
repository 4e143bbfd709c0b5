"""What a caption is about: its subject noun and kind, the words before it, a colour feature and
the place it names, from whatever a person or a model wrote (`read_caption`).

Names are read apart (`core.offline.caption_names`); this reads the kinds and looks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.offline import writer_data as D
from core.offline.sentences import split_sentences

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


# things people photograph whose name is two words, the first of which is not the thing
COMPOUND_OBJECTS = (
    "teddy bear",
    "fire engine",
    "space shuttle",
    "racing car",
    "steam train",
    "hot air balloon",
    "police car",
)


@dataclass(frozen=True)
class Subject:
    noun: str  # "cat"
    kind: str  # "animal" | "person" | "object"
    adjectives: tuple[str, ...]  # words before the noun in the caption ("little", "tabby")
    feature: str  # "green eyes", "white suit" or "" (a colour + noun pair from the caption)
    colours: tuple[str, ...]  # colour words of the caption, first first
    at_setting: str  # "in the kitchen" or ""


def _colours_in(text: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    taken: list[range] = []
    for colour in sorted(D.COLOURS, key=len, reverse=True):
        for m in re.finditer(rf"\b{re.escape(colour)}\b", text):
            if not any(m.start() in r for r in taken):
                found.append((m.start(), colour if colour != "gray" else "grey"))
                taken.append(range(m.start(), m.end()))
    found.sort()
    return found


def read_caption(caption: str) -> Subject:
    """The hero, its colours and the setting, from whatever a person or a model wrote.

    Sentences about the engine itself (the offline vision says what it can and cannot see) and
    sentences saying what is absent are not about the photo's subject: "recognises only faces,
    cat faces ..." or "No faces, cats or people were found" must not make the hero a cat.
    """
    text = " ".join(_CONTROL.sub(" ", caption or "").split())[:1500]
    text = " ".join(
        s
        for s in split_sentences(text)
        if "offline engine" not in s.lower() and not re.match(r"\s*no\b", s, re.IGNORECASE)
    ).lower()
    colours_at = _colours_in(text)
    colours = tuple(dict.fromkeys(c for _, c in colours_at))
    tokens = [(m.start(), m.group(0)) for m in re.finditer(r"[a-zé][a-zé'-]*", text)]
    plain = [t for _, t in tokens]

    def singular(word: str) -> str:
        for table in (D.ANIMALS, D.PEOPLE, D.OBJECTS):
            if word in table:
                return word
            if word.endswith("s") and word[:-1] in table:
                return word[:-1]
            if word.endswith("es") and word[:-2] in table:
                return word[:-2]
        return word

    noun, kind, index = "", "", -1
    # the offline vision's own phrases
    if re.search(r"\bcat faces?\b", text):
        noun, kind = "cat", "animal"
    elif re.search(r"\bhuman (face|faces|figure|figures)\b", text):
        noun, kind = "person", "person"
    # things named by two words ("a red fire engine", "a teddy bear"): never "fire", "launch" or
    # "bear"; a person or an animal the caption names ("an astronaut beside the space shuttle")
    # is still its subject
    compounds = {}
    for m in re.finditer(r"\b(" + "|".join(COMPOUND_OBJECTS) + r")\b", text):
        at = len(re.findall(r"[a-zé][a-zé'-]*", text[: m.start()]))
        compounds.setdefault(m.group(1), at)
    inside = {at + k for name, at in compounds.items() for k in range(len(name.split()))}
    if not noun:
        for wanted, table in (("animal", D.ANIMALS), ("person", D.PEOPLE), ("compound", None), ("object", D.OBJECTS)):
            if table is None:
                if compounds:
                    noun, index = min(compounds.items(), key=lambda c: c[1])
                    kind = "object"
                    break
                continue
            for i, word in enumerate(plain):
                if i in inside:
                    continue
                if singular(word) in table and not (
                    i > 0
                    and plain[i - 1] == "of"
                    and wanted == "object"
                    and i > 1
                    and singular(plain[i - 2]) in D.OBJECTS
                ):
                    noun, kind, index = singular(word), wanted, i
                    break
            if noun:
                break
    if not noun:  # the first "a/an/the <noun>" that is neither a photo word nor a setting
        for i, word in enumerate(plain[:-1]):
            if word in ("a", "an", "the", "one", "two", "some"):
                j = i + 1
                while j < len(plain) - 1 and (plain[j] in D.ADJECTIVES or plain[j] in colours):
                    j += 1
                candidate = plain[j]
                if (
                    candidate not in D.NOT_SUBJECTS
                    and candidate not in D.SETTINGS
                    and len(candidate) > 2
                    and candidate not in D.COLOURS
                    and candidate.isalpha()
                    and candidate not in {"very", "few", "little", "bit", "lot", "and", "with", "of", "in", "on"}
                ):
                    noun, kind, index = singular(candidate), "object", j
                    break

    adjectives: tuple[str, ...] = ()
    if index > 0:
        before = []
        j = index - 1
        while j >= 0 and (plain[j] in D.ADJECTIVES or plain[j] in D.COLOURS) and len(before) < 3:
            before.insert(0, plain[j])
            j -= 1
        adjectives = tuple(before)

    feature = ""
    for m in re.finditer(
        r"\b(" + "|".join(re.escape(c) for c in sorted(D.COLOURS, key=len, reverse=True)) + r")\s+([a-z]+)\b", text
    ):
        following = m.group(2)
        if (
            following not in D.COLOURS
            and following not in D.ADJECTIVES
            and following != noun
            and following not in noun.split()
            and following.rstrip("s") != noun
            and following not in D.SETTINGS
            and following not in D.NOT_SUBJECTS
            and len(following) > 2
            and following
            not in {
                "and",
                "with",
                "the",
                "tones",
                "tone",
                "light",
                "colour",
                "colours",
                "color",
                "colors",
                "shade",
                "shades",
                "hue",
            }
        ):
            feature = f"{'grey' if m.group(1) == 'gray' else m.group(1)} {following}"
            break

    at_setting = ""
    setting_words = sorted(D.SETTINGS, key=len, reverse=True)
    pattern = re.compile(
        r"\b(in|on|at|by|near|under|beside|inside|outside|across|along|over)\s+"
        r"(?:(a|an|the|some|his|her|their|its|my|our)\s+)?((?:[a-z]+\s+){0,2}?)("
        + "|".join(re.escape(s) for s in setting_words)
        + r")\b"
    )
    matches = [m for m in pattern.finditer(text) if m.group(4) != "front of"]
    matches.sort(key=lambda m: m.group(4) in D.SMALL_SETTINGS)  # stable: big places first
    if matches:
        m = matches[0]
        middle = " ".join(w for w in m.group(3).split() if w in D.ADJECTIVES or w in D.COLOURS)
        at_setting = " ".join(p for p in (m.group(1), "the", middle, m.group(4)) if p)
    else:
        for word in plain:
            if word in D.SETTINGS and word not in D.SMALL_SETTINGS and word not in ("sky", "of"):
                prep = (
                    "on"
                    if word
                    in (
                        "beach",
                        "farm",
                        "island",
                        "hill",
                        "road",
                        "street",
                        "field",
                        "shore",
                        "roof",
                        "balcony",
                        "porch",
                    )
                    else "in"
                )
                at_setting = "in space" if word == "space" else f"{prep} the {word}"
                break
    return Subject(noun, kind, adjectives, feature, colours, at_setting)
