"""What the offline illustrator can honour of a picture prompt, and what it cannot.

The offline engine restyles the person's photo; it cannot add things to it. So a prompt is read
for what a photo can still follow:

- subject: a person, a face or a cat that the photo analysis found ("close-up of the cat" frames
  the cat face the detector found; "two people" needs two faces; "the girl on the left" picks the
  leftmost of several faces);
- framing: close-up, medium or wide; and the camera's height (from above, from below);
- time of day: night, dusk, dawn or noon (a colour grade);
- weather: mist, rain or snow (drawn over the picture);
- mood: the words of `core.offline.mood` (the prompt's mood wins over the page's);
- style: watercolour, ink, pastel, comic or photo (the first style word named wins; the words of
  the style preset the prompt was built from count only when no other style is named).

Everything else a prompt names that is a thing, a creature or a place ("a dragon", "the forest",
"three cats" when the photo has one) is reported back as not honoured, so the page can say so
instead of drawing as if the words were followed. `read_prompt` is a pure function of the prompt
and the photo analysis: the Pictures page shows `read_prompt(...).message()` for the offline engine,
and the illustrator draws from the same reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from core.offline import prompt_lexicon as lex
from core.offline.analysis import Box, Detection, PhotoAnalysis
from core.offline.mood import MOODS, mood_words
from core.prompts import styles

_TOKEN = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")


@dataclass(frozen=True)
class PromptReading:
    """What the offline illustrator makes of one prompt for one photo.

    `honoured` and `ignored` are the prompt's own words (lower case, in the order they come,
    each once); the other fields say what the picture follows (None: the prompt does not say, and
    the illustrator uses the job's style and mood, and chooses the framing itself).
    """

    honoured: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    style: str | None = None
    distance: str | None = None  # "close" | "medium" | "wide"
    angle: str | None = None  # "above" | "below"
    time: str | None = None  # "night" | "dusk" | "dawn" | "noon"
    weather: str | None = None  # "mist" | "rain" | "snow"
    mood: str | None = None  # one of core.offline.mood.MOODS
    subjects: tuple[Detection, ...] = field(default=())  # the detections the picture frames
    distance_hint: str | None = None  # from words about faces or places, when no framing is named

    @property
    def subject_box(self) -> Box | None:
        """The box around every subject the prompt named and the photo has (None: none)."""
        if not self.subjects:
            return None
        x0 = min(d.box[0] for d in self.subjects)
        y0 = min(d.box[1] for d in self.subjects)
        x1 = max(d.box[0] + d.box[2] for d in self.subjects)
        y1 = max(d.box[1] + d.box[3] for d in self.subjects)
        return x0, y0, x1 - x0, y1 - y0

    def message(self) -> str | None:
        """A sentence for the person when some words cannot be drawn offline (None: all honoured)."""
        if not self.ignored:
            return None
        return (
            "The offline engine cannot draw: "
            + ", ".join(self.ignored)
            + ". It restyles your photo and cannot add to it."
        )


@dataclass(frozen=True)
class _Match:
    category: str  # style | preset | clause | other style | distance | angle | time | weather |
    #                 number | subject | thing
    value: str | int
    text: str  # the words as written
    start: int
    end: int
    plural: bool = False


def read_prompt(prompt: str, analysis: PhotoAnalysis | None, caption: str = "") -> PromptReading:
    """Read a picture prompt against what the photo analysis found (None: there is no photo).

    `caption` is optional text the person confirmed about the photo: a thing it names ("a cup of
    coffee") is in the picture already, so the prompt naming it is honoured, not reported.
    """
    tokens = _tokens(prompt)
    matches, rest = _scan(tokens)
    in_caption = {m.value for m in _scan(_tokens(caption))[0] if m.category == "thing"}
    honoured: list[tuple[int, str]] = []  # (where in the prompt, the words)
    ignored: list[tuple[int, str]] = []

    style = _first(matches, "style")
    preset = _first(matches, "preset")
    chosen_style = style.value if style else preset.value if preset else None
    if style:
        honoured.append((style.start, style.text))
    elif preset:
        honoured.append((preset.start, str(preset.value)))
    for m in matches:
        if m.category == "style" and m.value != chosen_style or m.category == "other style":
            ignored.append((m.start, m.text))

    picked: dict[str, str] = {}
    for category in ("distance", "angle", "time", "weather"):
        first = _first(matches, category)
        if first is None:
            continue
        picked[category] = str(first.value)
        for m in matches:
            if m.category == category:
                (honoured if m.value == first.value else ignored).append((m.start, m.text))

    subjects: list[Detection] = []
    counts = _counts(matches, tokens)
    position = _first(matches, "position")
    placed = False  # whether the position word chose or matched a subject
    for m in matches:
        if m.category not in ("subject", "thing"):
            continue
        count = counts.get(m.start)
        phrase = (m.start, f"{count[1]} {m.text}" if count else m.text)
        if m.category == "thing":
            (honoured if m.value in in_caption else ignored).append(phrase)
            continue
        plural = m.plural and m.value != "face part" or m.text in lex.MANY_WORDS
        needed = count[0] if count else 2 if plural else 1
        found = _candidates(str(m.value), analysis)
        if not found:
            ignored.append(phrase)
            continue
        if position and needed == 1:
            found = _by_position(found, str(position.value))
            placed = placed or len(found) > 1 or found[0].horizontal == position.value
        subjects.extend(d for d in found[:needed] if d not in subjects)
        (honoured if len(found) >= needed else ignored).append(phrase)
    if position and not subjects and analysis is not None and len(analysis.detections) > 1:
        subjects.append(_by_position(list(analysis.detections), str(position.value))[0])
        placed = True
    if position:
        (honoured if placed else ignored).append((position.start, position.text))

    mood = None
    words = mood_words(" ".join(word for _, word in rest))
    best = max(MOODS, key=lambda name: (len(words[name]), -MOODS.index(name)))
    if words[best]:
        mood = best
        honoured.extend((at, word) for at, word in rest if word in words[best])

    return PromptReading(
        honoured=_once(honoured),
        ignored=_once(ignored, leaving=_once(honoured)),
        style=chosen_style,
        distance=picked.get("distance"),
        angle=picked.get("angle"),
        time=picked.get("time"),
        weather=picked.get("weather"),
        mood=mood,
        subjects=tuple(subjects),
        distance_hint=_distance_hint(" ".join(tokens)),
    )


# --- reading ---------------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    text = (text or "").lower().replace("\u2019", "'").replace("colors", "colours").replace("color", "colour")
    return _TOKEN.findall(text)


@lru_cache(maxsize=1)
def _phrases() -> dict[tuple[str, ...], tuple[str, str | int, bool]]:
    """Every phrase the reader knows: words -> (category, value, plural). Later tables win."""
    table: dict[tuple[str, ...], tuple[str, str | int, bool]] = {}

    def add(phrase: str, category: str, value: str | int, plural: bool = False) -> None:
        table[tuple(_tokens(phrase))] = (category, value, plural)

    def nouns(words, category: str, value_of) -> None:
        for word in words:
            add(word, category, value_of(word))
            many = lex.plural(word)
            if tuple(_tokens(many)) not in table:
                add(many, category, value_of(word), plural=True)

    nouns(lex.THING_WORDS, "thing", lambda w: w)
    nouns(lex.PERSON_WORDS, "subject", lambda w: "person")
    nouns(lex.FIGURE_WORDS, "subject", lambda w: "figure")
    nouns(lex.FACE_WORDS, "subject", lambda w: "face")
    nouns(lex.FACE_PARTS, "subject", lambda w: "face part")
    nouns(lex.CAT_WORDS, "subject", lambda w: "cat")
    for word, number in lex.NUMBER_WORDS.items():
        add(word, "number", number)
    for phrase in lex.OTHER_STYLES:
        add(phrase, "other style", phrase)
    for category, words in (
        ("weather", lex.WEATHER_WORDS),
        ("time", lex.TIME_WORDS),
        ("angle", lex.ANGLE_WORDS),
        ("distance", lex.DISTANCE_WORDS),
        ("style", lex.STYLE_WORDS),
        ("position", lex.POSITION_WORDS),
    ):
        for phrase, value in words.items():
            add(phrase, category, value)
    for name, preset in sorted(styles().items()):
        before, _, after = preset.get("prompt", "").partition("{scene}")
        before = re.sub(r"\s+of\s*$", "", before.strip())
        if before:
            add(before, "preset", name)
        for clause in after.split(","):
            if clause.strip():
                add(clause.strip(), "clause", name)
    return table


def _scan(tokens: list[str]) -> tuple[list[_Match], list[tuple[int, str]]]:
    """The known phrases, longest first at each word, and the words no phrase took."""
    table = _phrases()
    longest = max(len(k) for k in table)
    matches: list[_Match] = []
    rest: list[tuple[int, str]] = []
    i = 0
    while i < len(tokens):
        for n in range(min(longest, len(tokens) - i), 0, -1):
            words = tuple(tokens[i : i + n])
            if n == 1 and words not in table and words[0].endswith("'s"):
                words = (words[0][:-2],)  # "the cat's face": cat
            if words in table:
                category, value, plural = table[words]
                matches.append(_Match(category, value, " ".join(words), i, i + n, plural))
                i += n
                break
        else:
            rest.append((i, tokens[i]))
            i += 1
    return matches, rest


def _counts(matches: list[_Match], tokens: list[str]) -> dict[int, tuple[int, str]]:
    """Noun start -> (how many, the number words) for "three cats", "a pair of little owls"."""
    counts: dict[int, tuple[int, str]] = {}
    for number, noun in pairwise(matches):
        between = tokens[number.end : noun.start]
        if (
            number.category == "number"
            and noun.category in ("subject", "thing")
            and all(t in lex.NOUN_MODIFIERS for t in between)
        ):
            counts[noun.start] = (int(number.value), " ".join([number.text, *between]))
    return counts


def _candidates(kind: str, analysis: PhotoAnalysis | None) -> list[Detection]:
    """The detections a subject word can mean, largest first."""
    if analysis is None:
        return []
    groups = {
        "cat": [analysis.cat_faces],
        "person": [analysis.faces, analysis.bodies],
        "face": [analysis.faces + analysis.cat_faces],
        "face part": [analysis.faces + analysis.cat_faces],
        "figure": [analysis.bodies, analysis.faces],
    }[kind]
    for group in groups:
        if group:
            return sorted(group, key=lambda d: (-d.box[2] * d.box[3], d.box[0], d.box[1]))
    return []


def _by_position(found: list[Detection], where: str) -> list[Detection]:
    """The detections, the one nearest the named side (or the middle) first."""

    def centre(d: Detection) -> float:
        return d.box[0] + d.box[2] / 2

    if where == "left":
        return sorted(found, key=centre)
    if where == "right":
        return sorted(found, key=lambda d: -centre(d))
    middle = (min(centre(d) for d in found) + max(centre(d) for d in found)) / 2
    return sorted(found, key=lambda d: abs(centre(d) - middle))


def _distance_hint(text: str) -> str | None:
    """ "close" or "wide" from words about faces and feelings or about places (ties: None)."""

    def count(words) -> int:
        return sum(1 for w in words if re.search(rf"\b{re.escape(w)}\b", text))

    close, wide = count(lex.CLOSE_HINTS), count(lex.WIDE_HINTS)
    return "close" if close > wide else "wide" if wide > close else None


def _first(matches: list[_Match], category: str) -> _Match | None:
    return next((m for m in matches if m.category == category), None)


def _once(found: list[tuple[int, str]], leaving: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The words in prompt order, each once, less those in `leaving`."""
    return tuple(w for w in dict.fromkeys(w for _, w in sorted(found)) if w not in leaving)
