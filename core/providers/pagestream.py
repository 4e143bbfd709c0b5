"""The pages of a story JSON answer that are already complete while the answer still streams.

A writer answering `{"title": ..., "pages": [{"text": ..., "scene": ...}, ...]}` finishes page k
long before the end of its answer; `PageScanner.feed(chunk)` returns each page whose object has
just closed, read exactly as `storyjson.parse_story` reads a page, so a pipelined runner can start
drawing page k's picture while the writer is still on page k + 1. It scans each character once
(strings, escapes and nesting tracked), whatever the chunking; text around the JSON (prose, code
fences) is skipped. A page the scanner cannot read is left to the final parse.
"""

from __future__ import annotations

import json
import re

from core.providers.base import WrittenPage
from core.providers.storyjson import _clean  # one reading of a page's text, here and in parse_story

_TRAILING_COMMA = re.compile(r",\s*([}\]])")


class PageScanner:
    def __init__(self) -> None:
        self._text: list[str] = []
        self._length = 0
        self._stack: list[str] = []
        self._in_string = self._escaped = False
        self._string_start = 0
        self._last_string = ""  # the last complete string at the top object's level: a key
        self._in_pages = False  # inside the top object's "pages" array
        self._page_start: int | None = None
        self.pages: list[WrittenPage] = []

    def feed(self, chunk: str) -> list[WrittenPage]:
        """The pages completed by this chunk, in order (also appended to `self.pages`)."""
        found: list[WrittenPage] = []
        for ch in chunk:
            position = self._length
            self._text.append(ch)
            self._length += 1
            if self._in_string:
                if self._escaped:
                    self._escaped = False
                elif ch == "\\":
                    self._escaped = True
                elif ch == '"':
                    self._in_string = False
                    if len(self._stack) == 1:
                        self._last_string = "".join(self._text[self._string_start + 1 : position])
                continue
            if ch == '"' and self._stack:
                self._in_string, self._string_start = True, position
            elif ch in "{[":
                if ch == "[" and self._stack == ["{"] and self._last_string == "pages":
                    self._in_pages = True
                if ch == "{" and self._in_pages and len(self._stack) == 2:
                    self._page_start = position
                self._stack.append(ch)
            elif ch in "}]" and self._stack:
                self._stack.pop()
                if ch == "}" and self._in_pages and len(self._stack) == 2 and self._page_start is not None:
                    page = _page("".join(self._text[self._page_start : position + 1]))
                    self._page_start = None
                    if page is not None:
                        found.append(page)
                elif ch == "]" and len(self._stack) == 1:
                    self._in_pages = False
        self.pages.extend(found)
        return found


def _page(raw: str) -> WrittenPage | None:
    """A page object as `parse_story` reads it (None when it is not a readable page)."""
    for attempt in (raw, _TRAILING_COMMA.sub(r"\1", raw)):
        try:
            value = json.loads(attempt)
        except json.JSONDecodeError:
            continue
        if not isinstance(value, dict):
            return None
        text = _clean(value.get("text"))
        if not text:
            return None
        scene = _clean(value.get("scene")) or re.split(r"(?<=[.!?])\s", text)[0]
        return WrittenPage(text=text, scene=scene)
    return None
