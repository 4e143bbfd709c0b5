"""Stop words taken out of text, whole or streamed chunk by chunk (no torch needed)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

CENSOR = "▇▇▇"


class Censor:
    """Replaces stop words (whole words or phrases, any case) in text, streamed or whole.

    Streaming: `feed(chunk)` returns what is safe to show now; text that might still become a
    stop word (the word being written, and as many words before it as the longest phrase has)
    is held back until the next chunk or `flush()`.
    """

    def __init__(self, words: Iterable[str], mark: str = CENSOR) -> None:
        cleaned = sorted({" ".join(w.split()) for w in words if w and w.strip()}, key=len, reverse=True)
        self.mark = mark
        self.span = max((len(w.split()) for w in cleaned), default=1)
        self.pattern = (
            re.compile(
                r"(?<!\w)(?:" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in cleaned) + r")(?!\w)",
                re.IGNORECASE,
            )
            if cleaned
            else None
        )
        self._buffer = ""

    def __call__(self, text: str) -> str:
        return self.pattern.sub(self.mark, text) if self.pattern else text

    def feed(self, chunk: str) -> str:
        if self.pattern is None:
            return chunk
        self._buffer += chunk
        words = list(re.finditer(r"\w+", self._buffer))
        if not words:
            out, self._buffer = self._buffer, ""
            return out
        # Hold back the last `span` words (the last may still grow) and what follows them.
        held = words[-self.span] if len(words) >= self.span else words[0]
        cut = held.start()
        # A complete stop word or phrase ending past the cut is emitted whole, never split.
        complete_until = (
            words[-1].start() if self._buffer[-1:].isalnum() or self._buffer.endswith("_") else len(self._buffer)
        )
        for match in self.pattern.finditer(self._buffer[:complete_until]):
            if match.start() < cut < match.end():
                cut = match.end()
        out, self._buffer = self._buffer[:cut], self._buffer[cut:]
        return self(out)

    def flush(self) -> str:
        out, self._buffer = self._buffer, ""
        return self(out)

    def stream(self, chunks: Iterable[str]) -> Iterator[str]:
        for chunk in chunks:
            out = self.feed(chunk)
            if out:
                yield out
        rest = self.flush()
        if rest:
            yield rest
