"""What a long step yields while it works: streamed text, progress, and sentences for the person."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Token:
    """A piece of streamed text."""

    text: str


@dataclass(frozen=True)
class Progress:
    """How far a long step is: `done` of `total` (`total` 0 when unknown)."""

    label: str
    done: int
    total: int

    @property
    def fraction(self) -> float:
        """How far, from 0 to 1 (0 while the total is unknown)."""
        return min(max(self.done / self.total, 0.0), 1.0) if self.total else 0.0


@dataclass(frozen=True)
class Notice:
    """Something the person should read (a page skipped by the safety check, say)."""

    text: str


Event = Token | Progress | Notice
