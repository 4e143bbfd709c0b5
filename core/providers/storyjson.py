"""Read a story (or a list of translations) out of a language model's answer, leniently, and check
it strictly.

Models wrap JSON in prose or code fences, leave trailing commas, stop half-way or return too many
pages. `parse_story` takes what can be trusted and says precisely what cannot, so the writer can
ask once for a repair with that reason (`core.prompts.repair_prompt`) and otherwise keep the
person's previous draft.
"""

from __future__ import annotations

import json
import re
from typing import Any

from core.providers.base import WrittenPage, WrittenStory

MAX_TEXT = 20_000  # characters per page: an absurdly long answer is cut, not printed


class StoryFormatError(ValueError):
    """The answer is not a usable story; the message says why (it is sent back to the model)."""


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def _candidates(answer: str) -> list[tuple[str, bool]]:
    """Places the JSON may be, each with whether it is a cut-off answer closed by us."""
    text = answer.strip()
    found = [(m.group(1), False) for m in _FENCE.finditer(text)]
    start, end = text.find("{"), text.rfind("}")
    if start != -1 and end > start:
        found.append((text[start : end + 1], False))
    if start != -1:
        found.append((_close_truncated(text[start:]), True))
    return found


def _close_truncated(text: str) -> str:
    """Close the strings, arrays and objects a cut-off answer left open."""
    stack: list[str] = []
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            stack.append("}" if ch == "{" else "]")
        elif ch in "}]" and stack:
            stack.pop()
    closed = text + ('"' if in_string else "")
    closed = re.sub(r",\s*$", "", closed)
    return closed + "".join(reversed(stack))


def load_json_object(answer: str) -> tuple[dict, bool]:
    """The first JSON object in the answer, and whether it was cut off (and closed by us)."""
    for candidate, truncated in _candidates(answer):
        for attempt in (candidate, _TRAILING_COMMA.sub(r"\1", candidate)):
            try:
                value = json.loads(attempt)
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                return value, truncated
    raise StoryFormatError("the answer holds no JSON object")


def _clean(value: object) -> str:
    return " ".join(str(value).split())[:MAX_TEXT] if value is not None else ""


def parse_story(answer: str, expected_pages: int | None = None) -> WrittenStory:
    """A WrittenStory from a model's answer, or StoryFormatError saying what is wrong.

    Extra pages beyond `expected_pages` are dropped; too few pages, no title or an empty page
    are errors. A page without a scene gets its first sentence as its scene.
    """
    data, truncated = load_json_object(answer)
    title = _clean(data.get("title"))
    pages_raw = data.get("pages")
    if not isinstance(pages_raw, list):
        raise StoryFormatError('"pages" must be a list of {"text", "scene"} objects')
    pages: list[WrittenPage] = []
    for number, raw in enumerate(pages_raw, start=1):
        if isinstance(raw, str):
            raw = {"text": raw}
        if not isinstance(raw, dict):
            raise StoryFormatError(f"page {number} is not an object")
        text = _clean(raw.get("text"))
        if not text:
            if truncated and number == len(pages_raw):
                break  # the page being written when the stream stopped
            raise StoryFormatError(f"page {number} has no text")
        scene = _clean(raw.get("scene")) or re.split(r"(?<=[.!?])\s", text)[0]
        pages.append(WrittenPage(text=text, scene=scene))
    if not title:
        if truncated and pages:
            title = "Untitled story"
        else:
            raise StoryFormatError('the story has no "title"')
    if not pages:
        raise StoryFormatError("the story has no pages")
    if expected_pages is not None and not truncated:
        if len(pages) < expected_pages:
            raise StoryFormatError(f"the story has {len(pages)} pages, {expected_pages} were asked for")
        pages = pages[:expected_pages]
    return WrittenStory(title=title, pages=tuple(pages), incomplete=truncated)


def parse_translations(answer: str, count: int) -> list[str]:
    """The JSON array of `count` strings in a model's answer, or ValueError saying what is wrong."""
    candidates = [m.group(1) for m in _FENCE.finditer(answer)]
    start, end = answer.find("["), answer.rfind("]")
    if start != -1 and end > start:
        candidates.append(answer[start : end + 1])
    candidates.append(answer.strip())
    value: Any = None
    for candidate in candidates:
        for attempt in (candidate, re.sub(r",\s*([}\]])", r"\1", candidate)):
            try:
                value = json.loads(attempt)
                break
            except json.JSONDecodeError:
                continue
        if value is not None:
            break
    if isinstance(value, dict):  # {"translations": [...]} and similar
        value = next((v for v in value.values() if isinstance(v, list)), None)
    if not isinstance(value, list):
        raise ValueError("the answer holds no JSON array")
    if len(value) != count:
        raise ValueError(f"the array has {len(value)} strings, {count} were sent")
    if not all(isinstance(v, str) for v in value):
        raise ValueError("every item of the array must be a string")
    return [v.strip() for v in value]


_FIELD = re.compile(r'"(title|text)"\s*:\s*"((?:[^"\\]|\\.)*)("?)', re.DOTALL)


def readable(partial: str) -> str:
    """The story so far as a person reads it, from a JSON answer still arriving.

    Writers that answer in JSON stream braces and keys; the page shows this instead: the title,
    then each page's text, the last one growing as it arrives. It only ever grows while the answer
    grows, so the page can show the difference.
    """
    parts = []
    for match in _FIELD.finditer(partial):
        raw = match.group(2)
        if not match.group(3):  # still arriving: drop a half-received escape
            raw = re.sub(r"\\(u[0-9a-fA-F]{0,3})?$", "", raw)
        try:
            parts.append(json.loads(f'"{raw}"'))
        except json.JSONDecodeError:
            parts.append(raw)
    return "\n\n".join(parts)
