"""Reading levels a teacher picks, and where each page of a story stands against its level.

Five levels, each with the formula that suits it and the band of scores a page should fall in:

| level            | decided by              | band                    |
|------------------|-------------------------|-------------------------|
| early reader     | Spache grade            | below 2.5               |
| grades 1–2       | Flesch-Kincaid grade    | 1.0 up to 3.0           |
| grades 3–4       | Flesch-Kincaid grade    | 3.0 up to 5.0           |
| grades 5–6       | Flesch-Kincaid grade    | 5.0 up to 7.0           |
| adult            | Flesch-Kincaid grade    | 7.0 and above           |

Spache is made for first readers (it counts words off a first grader's list), Flesch-Kincaid for
everything above; every page also shows its Dale-Chall score with the grades it stands for, as a
second opinion on the words (it does not decide the band: its table cannot tell grade 1 from grade
4). The formulas live in `core.reading.readability`. Names count as familiar words: the names of a story are
the capitalised words inside its sentences, on any of its pages.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from core.errors import InputError
from core.reading.readability import dale_chall_grades, dale_chall_score, flesch_kincaid_grade, names_in, spache_grade

SPACHE, FLESCH_KINCAID = "Spache", "Flesch-Kincaid"


@dataclass(frozen=True)
class Level:
    key: str  # as the CLI and the story settings name it
    label: str
    scorer: str  # SPACHE or FLESCH_KINCAID
    low: float  # the band: low <= score < high
    high: float
    audience: str  # the writer's audience nearest to it (the words and sentence lengths it starts from)

    def band(self) -> str:
        """The band in words: "Spache below 2.5", "Flesch-Kincaid 3.0–5.0", "Flesch-Kincaid 7.0 and above"."""
        if self.low == -math.inf:
            return f"{self.scorer} below {self.high:.1f}"
        if self.high == math.inf:
            return f"{self.scorer} {self.low:.1f} and above"
        return f"{self.scorer} {self.low:.1f}–{self.high:.1f}"

    def holds(self, score: float) -> bool:
        return self.low <= score < self.high


LEVELS: dict[str, Level] = {
    level.key: level
    for level in (
        Level("early", "Early reader", SPACHE, -math.inf, 2.5, "young children"),
        Level("grade-1-2", "Grades 1–2", FLESCH_KINCAID, 1.0, 3.0, "young children"),
        Level("grade-3-4", "Grades 3–4", FLESCH_KINCAID, 3.0, 5.0, "older children"),
        Level("grade-5-6", "Grades 5–6", FLESCH_KINCAID, 5.0, 7.0, "older children"),
        Level("adult", "Adult", FLESCH_KINCAID, 7.0, math.inf, "adults"),
    )
}
LEVEL_KEYS: tuple[str, ...] = tuple(LEVELS)


def level_of(key: str) -> Level:
    """The level a key names ("grade-1-2", also "Grades 1–2" or "grades 1-2"); InputError otherwise."""
    wanted = str(key or "").strip().lower().replace("–", "-").replace(" ", "-")
    for level in LEVELS.values():
        if wanted in (level.key, level.label.lower().replace("–", "-").replace(" ", "-")):
            return level
    raise InputError(f"Unknown reading level {key!r}: choose one of {', '.join(LEVEL_KEYS)}.")


@dataclass(frozen=True)
class PageLevel:
    """One page measured against a level."""

    level: Level
    score: float  # by the level's own formula
    flesch_kincaid: float
    spache: float
    dale_chall: float

    @property
    def in_band(self) -> bool:
        return self.level.holds(self.score)

    def summary(self) -> str:
        """One line for the page: "Flesch-Kincaid 4.1 (band 3.0–5.0) · Dale-Chall 5.2 (grades 5–6)"."""
        band = self.level.band().removeprefix(self.level.scorer + " ")
        mark = "" if self.in_band else " · out of band"
        return (
            f"{self.level.scorer} {self.score:.1f} (band {band}) · Dale-Chall {self.dale_chall:.1f} "
            f"(grades {dale_chall_grades(self.dale_chall)}){mark}"
        )


def story_names(texts: Sequence[str], extra: Sequence[str] = ()) -> frozenset[str]:
    """The names of a story: capitalised words inside sentences of any page, and `extra`."""
    found: set[str] = set(extra)
    for text in texts:
        found |= names_in(text)
    return frozenset(found)


def level_score(text: str, level: Level, names: frozenset[str] = frozenset()) -> float:
    """The page's score by the level's own formula only (what deciding the band needs)."""
    return spache_grade(text, names) if level.scorer == SPACHE else flesch_kincaid_grade(text)


def measure_page(text: str, level: Level, names: frozenset[str] = frozenset()) -> PageLevel:
    fk = flesch_kincaid_grade(text)
    spache = spache_grade(text, names)
    score = spache if level.scorer == SPACHE else fk
    return PageLevel(level, score, fk, spache, dale_chall_score(text, names))


def measure_pages(texts: Sequence[str], level: Level, extra_names: Sequence[str] = ()) -> list[PageLevel]:
    """Every page of a story measured against `level`, with the story's names familiar."""
    names = story_names(texts, extra_names)
    return [measure_page(text, level, names) for text in texts]


def page_levels(story) -> list[PageLevel] | None:
    """The chosen draft's pages measured against the story's reading level (None: no level picked
    or no draft), with the plan's names familiar: what the Draft page shows beside each page."""
    if not story.settings.reading_level or story.draft is None:
        return None
    plan = story.draft.plan
    names = [plan[k] for k in ("hero", "friend") if plan.get(k)]
    return measure_pages([p.text for p in story.draft.pages], level_of(story.settings.reading_level), names)
