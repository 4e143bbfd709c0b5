""" "Fit the level": the out-of-band pages of a story rewritten to read at the teacher's level.

Offline, by the story plan: a page the offline writer told from its plan (recognised by its text)
may be told again from the same plan in another style (first-reader clauses, older readers'
sentences, adults' periods, plainest or richest words); any page, the writer's or a person's, may
also have its clauses split, hard words replaced by easier ones of the same form (`EASIER`), or its
neighbouring sentences joined. Every such version is measured, versions that would repeat a
sentence of another page are dropped, and the page becomes the version in band that changes least
(the page's own sentences before another telling), nearest the middle of the band; when none is in
band, the nearest. Pages already in band are never touched.

With a local or remote writer: the writer is asked to rewrite only those pages at the level (its
band in words and figures), the answer is measured, and the pages still out of band are asked
for once more, saying what they measured. Pages the writer left out of band after that keep its
better try.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from core.offline import writer_data as D
from core.offline.writer import (
    ATTEMPT,
    BEGINNING,
    ENDING,
    PROBLEM,
    TURN,
    OfflineWriter,
    Style,
    _Composer,
    join,
    joinable,
    make_plan,
    split_clauses,
    split_sentences,
    stages_for,
    style_for,
    swap_words,
)
from core.prompts import REVISIONS, fit_level_instruction
from core.providers.base import Brief, Writer, WrittenPage, WrittenStory
from core.reading.levels import Level, level_score, measure_page, story_names

# the styles a plan page may be told in again
STYLES = (
    Style(0),
    Style(0, plain=True),
    Style(0, length=-1),
    Style(1),
    Style(1, rich=True),
    Style(1, plain=True),
    Style(1, length=1),
    Style(2),
    Style(2, length=1),
)
# easier words of the same kind for first readers (with the revision table's), inflected on use
EASIER = {
    **D.SIMPLER_LEMMAS,
    "cheerful": "happy",
    "beside": "by",
    "blink": "shine",
    "sparkle": "shine",
    "gentle": "soft",
    "merry": "happy",
    "nearby": "near",
    "narrow": "thin",
    "rush": "run",
    "borrow": "get",
    "snatch": "grab",
    "slippery": "wet",
    "windy": "cold",
    "clever": "smart",
    "patient": "calm",
    "friendly": "kind",
    "noisy": "loud",
    "curious": "keen",
    "suddenly": "then",
    "wobble": "shake",
    "sleepy": "tired",
    "hopeful": "glad",
}


@dataclass(frozen=True)
class Version:
    text: str
    change: int  # how much it changes: 0 the page's own sentences reworked, 1 one of them left out,
    # 2 another telling of the plan, 3 another telling with a sentence left out


def in_band(text: str, level: Level, names: frozenset[str]) -> bool:
    return measure_page(text, level, names).in_band


def _miss(score: float, level: Level) -> float:
    return max(level.low - score, score - level.high, 0.0)


def _middle(level: Level) -> float:
    low = level.low if level.low != -math.inf else level.high - 1.0
    high = level.high if level.high != math.inf else level.low + 2.0
    return (low + high) / 2


@lru_cache(maxsize=20000)
def _clauses(sentence: str, names: frozenset[str]) -> tuple[str, ...]:
    return tuple(split_clauses(sentence, set(names)))


@lru_cache(maxsize=20000)
def _easier(sentence: str) -> str:
    return swap_words(sentence, EASIER)


def _variants(text: str, names: set[str]) -> list[str]:
    """The text as it is, with clauses split, with easier words, both, and with 1, 2, ...
    neighbouring sentences joined."""
    sentences = split_sentences(text)
    frozen = frozenset(names)
    split = [part for s in sentences for part in _clauses(s, frozen)]
    easier = [_easier(s) for s in sentences]
    out = [text, " ".join(split), " ".join(easier), " ".join(_easier(s) for s in split)]
    joined = list(sentences)
    while len(joined) > 1:
        pairs = [(len(joined[i]) + len(joined[i + 1]), i) for i in range(len(joined) - 1)]
        pairs = [(n, i) for n, i in pairs if joinable(joined[i], joined[i + 1], 60)]
        if not pairs:
            break
        _, i = min(pairs)
        joined[i : i + 2] = [join(joined[i], joined[i + 1])]
        out.append(" ".join(joined))
    return list(dict.fromkeys(t for t in out if t.strip()))


def _shortened(text: str) -> list[str]:
    """The text with one or two of its colour lines left out: never its first sentence (the plot
    line), a "But ..." (how a try went wrong) or a friend's introduction, and never below two
    sentences."""
    sentences = split_sentences(text)
    spare = [
        i for i in range(1, len(sentences)) if not sentences[i].startswith("But ") and "friend was" not in sentences[i]
    ]
    drops = [{i} for i in spare] + [{i, j} for i in spare for j in spare if i < j]
    return [
        " ".join(s for k, s in enumerate(sentences) if k not in drop)
        for drop in drops
        if len(sentences) - len(drop) >= 2
    ]


def _versions(text: str, names: set[str], telling: bool, lines: Sequence[str] = ()) -> list[Version]:
    """Versions of a page; `lines` are sentences another telling has on this page, which may be
    added to it (a first reader's page reads easier with one more line of plain words)."""
    base = 2 if telling else 0
    out = [Version(v, base) for v in _variants(text, names)]
    out += [Version(v, base + 1) for short in _shortened(text) for v in _variants(short, names)]
    fresh = [line for line in lines if not _repeats(line, text)]
    out += [Version(v, base + 1) for line in fresh for v in _variants(f"{text} {line}", names)]
    out += [Version(f"{text} {a} {b}", base + 1) for i, a in enumerate(fresh) for b in fresh[i + 1 :]]
    plain = fresh[-6:]  # the plan's own first-reader lines (`PlanTellings.plain_lines`) come last
    out += [
        Version(f"{text} {a} {b} {c}", base + 1)
        for i, a in enumerate(plain)
        for j, b in enumerate(plain[i + 1 :], start=i + 1)
        for c in plain[j + 1 :]
    ]
    return [v for v in out if not _says_twice(v.text)]


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^a-z' ]", " ", text.lower()).split())


def _repeats(line: str, text: str) -> bool:
    """Whether a line says again what the text says ("Ada wanted the kite." beside "Ada wanted the
    kite, more than anything.")."""
    mine = _plain(line)
    return any(
        part and (part in mine or mine in part)
        for part in (_plain(p) for p in _CLAUSE.split(text))
        if len(part.split()) >= 3
    )


def _says_twice(text: str) -> bool:
    """Whether one of the text's clauses says another's again."""
    parts = [_plain(p) for p in _CLAUSE.split(text)]
    parts = [p for p in parts if len(p.split()) >= 3]
    return any(a in b for i, a in enumerate(parts) for j, b in enumerate(parts) if i != j)


class PlanTellings:
    """The pages of one brief's plan told in every style of `STYLES`, and in the presets' styles
    (to recognise a revised page: its new versions come from `STYLES` only, never a mood the
    person did not ask for)."""

    def __init__(self, brief: Brief, pages: int) -> None:
        writer = OfflineWriter()
        self.tellings = [writer.render(brief, style, pages=pages) for style in STYLES]
        presets = [style_for(brief.audience, k) for k in (None, *REVISIONS)]
        self.known = self.tellings + [writer.render(brief, s, pages=pages) for s in presets if s not in STYLES]
        self.plan = make_plan(brief)

    def plain_lines(self, index: int, book: Sequence[str], count: int = 8) -> list[str]:
        """Up to `count` first-reader lines the plan's own pools have for this page's stage (its
        tone's, its stage's, details), none told anywhere in `book`, naming the friend only when
        an earlier page names them."""
        pages = len(book)
        composer = _Composer(
            self.plan,
            random.Random(f"fit|{index}|{pages}|{self.plan.hero}"),
            used={s.lower() for text in book for s in split_sentences(text)},
            style=Style(0, plain=True),
        )
        composer.stage = stages_for(pages)[index][-1]
        composer.introduced = self.plan.friend.lower() in " ".join(book[: index + 1]).lower()
        composer.page_words = {w.lower() for w in re.findall(r"[A-Za-z]+", book[index])}
        pools = {BEGINNING: D.BEGIN, PROBLEM: D.PROBLEM, ATTEMPT: D.ATTEMPT_EXTRA, TURN: D.TURN, ENDING: D.ENDING}
        order = [D.TONE_LINES[composer.tone], pools[composer.stage], D.DETAIL_LINES, D.CALM_LINES]
        lines = []
        for tries in range(3 * count):
            line = composer.fresh(order[tries % len(order)])
            if line:
                lines.append(line)
            if len(lines) == count:
                break
        return lines

    def told(self, index: int, text: str) -> bool:
        return any(t.pages[index].text == text for t in self.known)

    def versions(self, index: int) -> list[str]:
        return list(dict.fromkeys(t.pages[index].text for t in self.tellings))


_CLAUSE = re.compile(r"[;.!?]|,\s+(?:and|but|so)\s+")


def fragments(text: str) -> set[str]:
    """The text's sentences and joined clauses of three words or more, lower case: what must not
    be told twice in a book."""
    parts = (" ".join(re.sub(r"^(?:and|but|so)\s+", "", part.strip().lower()).split()) for part in _CLAUSE.split(text))
    return {part for part in parts if len(part.split()) >= 3}


def fit_texts(texts: Sequence[str], level: Level, brief: Brief | None = None) -> list[str]:
    """The pages with every out-of-band page rewritten offline (see the module docstring).

    `brief` is the story's brief: with it, pages told from its plan may be told again; without
    it (no caption), only the page's own sentences are reworked."""
    texts = list(texts)
    tellings = PlanTellings(brief, len(texts)) if brief else None
    extra = (tellings.plan.hero, tellings.plan.friend) if tellings else ()
    names = story_names(texts, extra)
    plain_names = set(names)
    out = list(texts)
    for index, text in enumerate(texts):
        if in_band(text, level, names):
            continue
        versions = _versions(text, plain_names, telling=False)
        if tellings and tellings.told(index, text):
            told = tellings.versions(index)
            lines = list(dict.fromkeys(line for t in told for line in split_sentences(t)[1:]))
            lines += tellings.plain_lines(index, out)
            versions = _versions(text, plain_names, telling=False, lines=lines)
            versions += [v for t in told for v in _versions(t, plain_names, telling=True)]
        # a version must not tell again what another page tells (what this page told is its own)
        elsewhere = set().union(*(fragments(t) for i, t in enumerate(out) if i != index)) - fragments(text)
        best, best_key = text, None
        for version in versions:
            if fragments(version.text) & elsewhere:
                continue
            score = level_score(version.text, level, names)
            miss = _miss(score, level)
            key = (miss > 0, miss, version.change, abs(score - _middle(level)))
            if best_key is None or key < best_key:
                best, best_key = version.text, key
        out[index] = best
    return out


# --- with a model --------------------------------------------------------------------------


def fit_with_writer(
    writer: Writer, brief: Brief, story: WrittenStory, level: Level
) -> Generator[str, None, WrittenStory]:
    """The story with its out-of-band pages rewritten by a language model (see the module
    docstring): streams the model's text, returns the story with only those pages replaced."""
    texts = [p.text for p in story.pages]
    names = story_names(texts)
    wrong = [i for i, t in enumerate(texts) if not in_band(t, level, names)]
    pages = list(story.pages)
    for attempt in range(2):
        if not wrong:
            break
        scores = {i + 1: measure_page(pages[i].text, level, names).score for i in wrong}
        instruction = fit_level_instruction(level, scores, retry=attempt > 0)
        current = WrittenStory(title=story.title, pages=tuple(pages))
        answer = yield from writer.revise(brief, current, instruction)
        if answer is None or len(answer.pages) != len(pages):
            continue  # pages added or dropped: nothing can be matched; try again (once)
        for i in wrong:
            new = answer.pages[i]
            old_miss = _miss(measure_page(pages[i].text, level, names).score, level)
            if _miss(measure_page(new.text, level, names).score, level) < old_miss:
                pages[i] = WrittenPage(text=new.text, scene=new.scene or pages[i].scene)
        wrong = [i for i in wrong if not in_band(pages[i].text, level, names)]
        yield "\n\n"
    return WrittenStory(title=story.title, pages=tuple(pages))


def fit_offline_stream(story: WrittenStory, level: Level, brief: Brief | None) -> Generator[str, None, WrittenStory]:
    """`fit_texts` as a writer's stream (the new text, then the story), for `core.studio`'s
    draft machinery. Scenes stay: the pages tell the same moments."""
    texts = fit_texts([p.text for p in story.pages], level, brief)
    yield story.title + "\n\n"
    for text in texts:
        yield text + "\n\n"
    pages = tuple(WrittenPage(text=t, scene=p.scene) for t, p in zip(texts, story.pages))
    return WrittenStory(title=story.title, pages=pages, plan=story.plan)
