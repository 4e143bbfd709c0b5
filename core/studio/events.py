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


@dataclass(frozen=True)
class Notice:
    """Something the person should read (a page skipped by the safety check, say)."""

    text: str


Event = Token | Progress | Notice
