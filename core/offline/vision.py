"""The offline vision: a description built only from what `core.offline.analysis` measured.

It never names an object its detectors did not find. What it can say: the photo's shape, light,
warmth, dominant colours, and how many human faces, cat faces and whole human figures OpenCV's
Haar cascades found, and where. Questions beyond that get a plain "cannot tell offline" answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from PIL.Image import Image

from core.offline.analysis import Detection, PhotoAnalysis, analyse

NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")

LIMITS = (
    "The offline engine recognises only faces, cat faces and whole human figures, "
    "so anything else in the picture is left for you to name in the caption."
)


def _count(n: int, singular: str, plural: str | None = None) -> str:
    word = NUMBERS[n] if n < len(NUMBERS) else str(n)
    return f"{word} {singular if n == 1 else (plural or singular + 's')}"


def _join(words: list[str]) -> str:
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def _places(detections: tuple[Detection, ...]) -> str:
    places = []
    for d in detections:
        if d.where not in places:
            places.append(d.where)
    return _join(places)


def _a(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def colour_sentence(a: PhotoAnalysis) -> str:
    names = list(a.colour_names[:4])
    if len(names) == 1:
        return f"It is mostly {names[0]}."
    return f"Its main colours are {_join(names)}."


def light_sentence(a: PhotoAnalysis) -> str:
    light = {"bright": "brightly lit", "moderate": "in soft, even light", "dim": "dimly lit"}[a.brightness]
    warmth = {"warm": "warm", "neutral": "neutral", "cool": "cool"}[a.warmth]
    return f"The picture is {light}, with {warmth} tones."


def found_sentences(a: PhotoAnalysis) -> list[str]:
    out = []
    if a.faces:
        out.append(f"It shows {_count(len(a.faces), 'human face')}, {_places(a.faces)} of the frame.")
    if a.cat_faces:
        lead = "There is also" if a.faces else "It shows"
        out.append(f"{lead} {_count(len(a.cat_faces), 'cat face')}, {_places(a.cat_faces)}.")
    if a.bodies:
        out.append(f"The detectors find {_count(len(a.bodies), 'standing human figure')}, {_places(a.bodies)}.")
    if not out:
        out.append(
            "No faces, cats or people were found, so the main subject is probably an object, "
            f"an animal or a place; the area of most interest is {a.subject_where}."
        )
    return out


def describe_analysis(a: PhotoAnalysis) -> str:
    first = f"{_a(a.orientation).capitalize()} photo."
    sentences = [first, *found_sentences(a), colour_sentence(a), light_sentence(a), LIMITS]
    return " ".join(sentences)


def _chunks(text: str, words: int = 3) -> Iterator[str]:
    parts = text.split(" ")
    for i in range(0, len(parts), words):
        chunk = " ".join(parts[i : i + words])
        yield chunk if i + words >= len(parts) else chunk + " "


_GENERAL = re.compile(
    r"^(please )?(describe\b|what do you see|what can you see|what('s| is) (in |on )?(this|the|it)\b"
    r"(?!.*\b(called|name|named|doing|made|for|time|year|brand|breed|age|old)\b)"
    r"|what (does|do) (it|this|the \w+) show|what is the (main )?subject|tell me about)"
)
_HOW_MANY = re.compile(r"\b(how many|number of|count|any|is there|are there|do you see|can you see)\b")


class OfflineVision:
    """Vision from classical analysis: honest, instant, no model."""

    engine = "offline"
    model = "photo analysis (colours, light, OpenCV detectors)"

    def analyse(self, image: Image) -> PhotoAnalysis:
        return analyse(image)

    def describe(self, image: Image) -> Iterator[str]:
        yield from _chunks(describe_analysis(analyse(image)))

    def ask(self, image: Image, question: str, caption: str = "") -> Iterator[str]:
        yield from _chunks(self.answer(analyse(image), question))

    # --- answering ------------------------------------------------------------------------

    def answer(self, a: PhotoAnalysis, question: str) -> str:
        q = " ".join(question.lower().split())
        q = q.replace("colour", "color").replace("grey", "gray")
        words = set(re.findall(r"[a-z]+", q))
        parts: list[str] = []
        counting = bool(_HOW_MANY.search(q))

        if words & {"cat", "cats", "kitten", "kittens"}:
            n = len(a.cat_faces)
            parts.append(
                f"The cat-face detector found {_count(n, 'cat face')}" + (f", {_places(a.cat_faces)}." if n else ".")
            )
        if words & {
            "face",
            "faces",
            "people",
            "person",
            "persons",
            "man",
            "woman",
            "men",
            "women",
            "child",
            "children",
            "kid",
            "kids",
            "boy",
            "girl",
            "human",
            "humans",
            "someone",
            "anybody",
            "anyone",
            "who",
        }:
            n = len(a.faces)
            parts.append(
                f"The face detector found {_count(n, 'human face')}" + (f", {_places(a.faces)}." if n else ".")
            )
            if a.bodies or words & {"people", "person", "persons", "body", "bodies", "figure"}:
                m = len(a.bodies)
                parts.append(
                    f"The body detector found {_count(m, 'whole human figure')}"
                    + (f", {_places(a.bodies)}." if m else ".")
                )
            if "who" in words:
                parts.append("It cannot tell who anyone is.")
        elif words & {"body", "bodies", "figure", "figures"}:
            m = len(a.bodies)
            parts.append(
                f"The body detector found {_count(m, 'whole human figure')}" + (f", {_places(a.bodies)}." if m else ".")
            )
        if words & {"color", "colors", "colored", "colorful", "hue", "hues", "shade", "shades"} or (
            words & {"red", "blue", "green", "yellow", "orange", "pink", "purple", "brown", "black", "white", "gray"}
        ):
            shares = ", ".join(f"{c.name} (about {round(c.share * 100)}%)" for c in a.colours[:5])
            parts.append(f"The main colours are {shares}.")
        if words & {
            "light",
            "lit",
            "bright",
            "brightness",
            "dark",
            "dim",
            "sunny",
            "lighting",
            "shadow",
            "shadows",
            "night",
            "day",
            "daytime",
            "exposure",
        }:
            parts.append(light_sentence(a) + f" Its average brightness is {round(a.luminance * 100)}%.")
        elif words & {"warm", "cold", "cool", "warmth", "temperature", "tone", "tones", "mood"}:
            parts.append(light_sentence(a))
        if words & {
            "where",
            "position",
            "located",
            "place",
            "placed",
            "side",
            "corner",
            "centre",
            "center",
            "left",
            "right",
        }:
            if a.subject_detected:
                parts.append(f"The main subject, {_a(a.subject_kind)}, is {a.subject_where} of the frame.")
            else:
                parts.append(
                    f"No face, cat or person was found; the area of most interest is {a.subject_where} of the frame."
                )
        if words & {
            "orientation",
            "portrait",
            "landscape",
            "square",
            "shape",
            "wide",
            "tall",
            "size",
            "format",
            "vertical",
            "horizontal",
            "big",
            "large",
            "resolution",
        }:
            parts.append(f"It is {_a(a.orientation)} photo of {a.width} by {a.height} pixels.")
        if not parts and _GENERAL.search(q):
            parts.append(" ".join(found_sentences(a)))
            parts.append(colour_sentence(a))
        elif not parts and counting:
            parts.append(
                "The offline engine can count only human faces, cat faces and whole "
                "human figures; it cannot tell whether other things are there."
            )
        if not parts:
            return (
                "The offline engine cannot answer that: it knows only the photo's colours, light, "
                "shape and the faces, cats and people its detectors find. Choose a local or "
                "remote vision model in Settings for open questions."
            )
        return " ".join(parts)
