"""The offline writer: a seeded story grammar that tells the person's photo in one story world.

A story is planned from the caption and the Brief (`core.offline.story_plan`): the caption's names,
kinds, looks and place win (`caption_names`, `caption_subject`, `world.setting_of`), and one plot
of the photo's kind of place (`plots`: indoors, outdoors or in space) with the places its attempts
happen in. The pages are spread over five stages (beginning, problem, attempts, turn, ending; one
page holds all five in small); every page gets the scene spec its picture draws (`page_spec`),
made from its own text, so a prop named is a prop drawn. Sentences come from the plot and from
template pools (`writer_data`, wordings graded by `wordlist`); a filler line is told only where
what it names belongs (`scene_check`: no kettle on a hill, no hedgehog the story has not met).
Everything is drawn from `random.Random` seeded by the brief: the same brief gives the same story.

The plan is told in a `Style`: the reader's level (clauses split for first readers, neighbours
joined for older ones and adults: `sentences`) and what the revisions asked for. Each book is
measured (`core.reading.readability`) and told again with longer or shorter sentences when it
falls outside its audience's Flesch-Kincaid band. Revisions compose: the draft's style is kept in
its plan (`Draft.plan["style"]`) and each preset changes only its part of it, so "shorter" then
"funnier" stays short; a page a person wrote gets only changes that cannot break its grammar
(`swap_words`). The title comes from the plan (`titles`).

It writes stories in English only (`story_languages = ("en",)`): for another language it still
writes English and the studio says so; its campaign copy grammar writes the languages of
`core.language.offline_copy_languages` (`copy_languages`). It follows only the preset revisions of
`core.prompts.REVISIONS` (`free_text_revisions = False`); free text raises `UnsupportedInstruction`.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from core.errors import UnsupportedInstruction
from core.language import offline_copy_languages
from core.offline import plots
from core.offline import writer_data as D
from core.offline.caption_subject import Subject, read_caption
from core.offline.page_spec import spec_for
from core.offline.scene_check import fits_scene
from core.offline.sentences import (
    fix_articles,
    join,
    joinable,
    split_clauses,
    split_sentences,
    words,
)
from core.offline.story_plan import (
    Plan,
    audience_key,
    genre_key,
    make_plan,
    plan_facts,
    tone_key,
)
from core.offline.swap_words import swap_words
from core.offline.titles import title_for
from core.offline.wordlist import fill_choices
from core.offline.world import SETTINGS
from core.prompts import REVISIONS, revision_key
from core.providers.base import Brief, WriterStream, WrittenPage, WrittenStory
from core.reading.readability import flesch_kincaid_grade

# what other modules import from here (the level fitter, the questions, the character sheets)
__all__ = [
    "Plan",
    "Subject",
    "audience_key",
    "fix_articles",
    "genre_key",
    "join",
    "joinable",
    "make_plan",
    "plan_facts",
    "read_caption",
    "split_clauses",
    "split_sentences",
    "swap_words",
    "title_for",
    "tone_key",
    "words",
]

BEGINNING, PROBLEM, ATTEMPT, TURN, ENDING = "beginning", "problem", "attempt", "turn", "ending"

# sentences per page: (min, max)
SENTENCES = {"young children": (2, 3), "older children": (4, 5), "adults": (5, 7)}
LEVELS = {"young children": 0, "older children": 1, "adults": 2}
KEEP_ELABORATION = (0.0, 0.8, 1.0)  # by reading level
# the Flesch-Kincaid grades a book of each reading level is steered into (inside the targets:
# young children <= 2, older children 3-5, adults >= 6)
GRADE_BANDS = {0: (-math.inf, 1.8), 1: (3.3, 4.7), 2: (6.3, math.inf)}
MOODS = {"funnier": "funny", "exciting": "exciting", "calmer": "calm"}


@dataclass(frozen=True)
class Style:
    """How a plan is told: the reader's level and what a revision asked for.

    level: 0 young children, 1 older children, 2 adults (sentence length, elaborations and the
    grade of the words chosen). plain: the simplest wording of every choice and short sentences
    (the "simpler" revision, one level down). length: -1 fewer sentences, +1 more. mood: "funny",
    "exciting" or "calm" replaces the tone's lines, picks vivid or calm wordings and adds one line
    of that mood to every page. Revisions re-tell the same plan in another style.
    """

    level: int
    plain: bool = False
    length: int = 0
    mood: str | None = None
    rich: bool = False  # adults' wordings (a book for older children that read below its band)


def style_for(audience: str, revision: str | None = None) -> Style:
    """The style of a first draft for this audience, or of one preset revision of it."""
    level = LEVELS[audience_key(audience)]
    if revision == "simpler":
        return Style(max(0, level - 1), plain=True)
    if revision in ("shorter", "longer"):
        return Style(level, length=-1 if revision == "shorter" else 1)
    if revision in MOODS:
        return Style(level, mood=MOODS[revision])
    return Style(level)


def compose_style(style: Style, revision: str) -> Style:
    """A draft's style with one more preset revision on top: each revision changes only its own
    part ("shorter" the length, "funnier" the mood, "simpler" the level and wording)."""
    if revision == "simpler":
        return replace(style, level=max(0, style.level - 1), plain=True, rich=False)
    if revision == "shorter":
        return replace(style, length=max(-1, style.length - 1))
    if revision == "longer":
        return replace(style, length=min(1, style.length + 1))
    if revision in MOODS:
        return replace(style, mood=MOODS[revision])
    return style


def style_key(style: Style) -> str:
    """The style as kept in a draft's plan ("1|plain|-1|funny"): the next revision starts there."""
    return f"{style.level}|{'plain' if style.plain else ''}|{style.length}|{style.mood or ''}"


def parse_style(key: str) -> Style:
    try:
        level, plain, length, mood = key.split("|")
        return Style(int(level), plain=plain == "plain", length=int(length), mood=mood or None)
    except ValueError:
        return Style(1)


def stages_for(pages: int) -> list[list[str]]:
    """Which arc stages each page carries."""
    if pages <= 1:
        return [[BEGINNING, PROBLEM, TURN, ENDING]]
    if pages == 2:
        return [[BEGINNING, PROBLEM], [TURN, ENDING]]
    if pages == 3:
        return [[BEGINNING], [PROBLEM, ATTEMPT], [TURN, ENDING]]
    begin = max(1, round(pages * 0.15))
    problem = max(1, round(pages * 0.12))
    turn = max(1, round(pages * 0.1))
    end = max(1, round(pages * 0.12))
    attempts = pages - begin - problem - turn - end
    return [[BEGINNING]] * begin + [[PROBLEM]] * problem + [[ATTEMPT]] * attempts + [[TURN]] * turn + [[ENDING]] * end


_STAGE_LETTER = {BEGINNING: "b", PROBLEM: "p", ATTEMPT: "a", TURN: "t", ENDING: "e"}
_LOWER_WORD = re.compile(r"[a-z]+")


def _word_set(text: str) -> set[str]:
    return set(_LOWER_WORD.findall(text.lower()))


def _word_set_cased(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]+", text))


def _start(sentence: str) -> str:
    return " ".join(sentence.lower().split()[:2])


_SMALL = {"a", "an", "the", "and", "but", "so", "to", "of", "in", "on", "at", "was", "were", "it", "its", "his", "her"}


def near_repeat(sentence: str, used: set[str]) -> bool:
    """Whether a sentence says nearly what one already told says ("A worm did a little dance."
    after "A worm did a little victory dance."): most of its words are that sentence's words."""
    mine = _word_set(sentence) - _SMALL
    if len(mine) < 3:
        return False
    for other in used:
        theirs = _word_set(other) - _SMALL
        if theirs and len(mine & theirs) / min(len(mine), len(theirs)) >= 0.8 and len(mine ^ theirs) <= 3:
            return True
    return False


def clashes(sentence: str, page_words: set[str]) -> bool:
    """Whether a sentence contradicts words already on its page ("loudly" beside "quietly")."""
    mine = _word_set(sentence)
    return any((mine & a and page_words & b) or (mine & b and page_words & a) for a, b in D.CLASHES)


def echoes(sentence: str, page_words: set[str]) -> bool:
    """Whether a filler line would only repeat what its page already says."""
    mine = _word_set(sentence)
    return any(mine & group and page_words & group for group in D.ECHOES)


def introduces(sentence: str, name: str) -> bool:
    """Whether a sentence introduces a character by name (names them as who they are)."""
    return (
        f"friend was {name}," in sentence
        or f"called {name}" in sentence
        or f"{name} was a" in sentence
        or f"{name} was an" in sentence
    )


# how a try that went wrong ends when its failure does not name the hero, each told once a book;
# never "as {Hero} saw" ("But the tortoise had not seen a thing, as Eileen saw" reads as nonsense)
_TAILS = (
    "as {Hero} found out",
    "much to {Hero}'s surprise",
    "which left {Hero} puzzled",
    "to {Hero}'s dismay",
    "which {Hero} had not expected",
    "so {Hero} tried again",
)

_PLAIN_TAILS = (
    "as {Hero} found out",
    "and {Hero} sighed",
    "so {Hero} tried again",
    "so {Hero} thought again",
    "which {Hero} did not like",
    "and that was that for {Hero}",
)


class _Composer:
    """Fills templates for one plan, never repeating a sentence within a story.

    It keeps the story coherent: the friend is introduced before any other line names them,
    filler lines come only from pools tagged for the page's stage, and no line contradicts
    another on the same page (see `writer_data.CLASHES`).
    """

    def __init__(self, plan: Plan, rng: random.Random, used: set[str] | None = None, style: Style | None = None):
        self.plan, self.rng = plan, rng
        self.style = style or Style(LEVELS[plan.audience])
        self.used: set[str] = set(used or ())
        self.keep = 0.0 if self.style.plain or self.style.length < 0 else KEEP_ELABORATION[self.style.level]
        self.tone = self.style.mood or plan.tone
        self.choice_seed = f"{plan.hero}|{plan.problem['thing']}|{rng.random()}"
        self.choice_count: dict[str, int] = {}
        self.aim_shift = 0.0  # words per sentence more (or fewer) than the level's usual
        self.failure_shift = int(rng.random() * 2)  # which of each method's failures comes first
        self.attempt_no = 0
        # helpers are companions of the story's place, never of the hero's or the friend's kind
        helpers = [plots.HELPER_LOOKS[k] for k in plan.helpers]
        self.helpers = rng.sample(helpers, len(helpers))
        methods = [
            m
            for m in plots.METHODS[plan.kind]
            if SETTINGS[plan.place].kind == "outdoor" or m[0] not in plots.OUTDOOR_ONLY
        ]
        self.methods = rng.sample(methods, len(methods))
        if len(self.methods) > 1 and "once more" in self.methods[0][0]:  # never "First, Luna tried once more"
            self.methods.append(self.methods.pop(0))
        self.places = rng.sample(list(plan.places), len(plan.places))
        # what filler lines may name: the plot's props, the friend's kind
        self.known = set(plan.problem["props"]) | set(plan.problem.get("props_late", ())) | {plan.friend_kind}
        self.openers = list(D.ATTEMPT_OPENERS)
        self.named_outcomes: set[str] = set()
        self.pages_told = 0
        self.tails_told = 0  # how many tries ended with one of `_TAILS`
        self.hopes = rng.sample(D.ATTEMPT_HOPES, len(D.ATTEMPT_HOPES))
        self.outcomes = rng.sample(D.ATTEMPT_OUTCOMES, len(D.ATTEMPT_OUTCOMES))
        # the friend counts as introduced when text already written names them
        self.introduced = any(plan.friend.lower() in _word_set(u) for u in self.used)
        self.stage: str | None = None
        self.page_words: set[str] = set()
        self.plot_told: set[str] = set()
        self.templates_used: set[str] = set()  # a filler line is told once, with or without [...]
        self.page_starts: set[str] = set()  # no two sentences of a page start alike

    # --- filling templates -----------------------------------------------------------------

    def slots(self, **extra: str) -> dict[str, str]:
        p = self.plan
        habits = [h for h in D.HABITS if "{Friend}" not in h or self.friend_ok()]
        values = {
            "Hero": p.hero,
            "hero_desc": p.hero_desc,
            "noun": p.noun,
            "part": p.part,
            "colour": p.colour,
            "Friend": p.friend,
            "friend_desc": p.friend_desc,
            "at_setting": p.at_setting,
            "setting": p.setting,
            "Setting_cap": p.setting[:1].upper() + p.setting[1:],
            "thing": p.problem["thing"],
            "goal": p.problem["goal"].format(Friend=p.friend, thing_colour=p.thing_colour),
            "thing_colour": p.thing_colour,
            "light": D.LIGHT_WORDS[p.tone],
            "simile": D.SIMILES.get(p.colour.split()[-1], "a painted door"),
            "habit": self.rng.choice(habits).format(Friend=p.friend),
            "helper": self.helpers[0],
        }
        values.update(extra)
        return values

    def render(self, template: str, **extra: str) -> str:
        def elaboration(m: re.Match) -> str:
            return m.group(1) if self.rng.random() < self.keep else ""

        text = re.sub(r"\[([^\]]*)\]", elaboration, template)
        text = self.choices(text).format_map(self.slots(**extra))
        text = fix_articles(" ".join(text.split()))
        return text[:1].upper() + text[1:]

    def fill(self, template: str, slots: dict[str, str]) -> str:
        """A template part inside a sentence: choices made, slots filled, no capital."""
        return self.choices(template).format_map(slots)

    def choices(self, template: str) -> str:
        """Its wordings chosen for this reader. The draw depends on the story and the template,
        not on what came before, so a revision re-tells a sentence with the same words unless
        its style grades them differently."""
        self.choice_count[template] = self.choice_count.get(template, 0) + 1
        rng = random.Random(f"{self.choice_seed}|{template}|{self.choice_count[template]}")
        level = 2 if self.style.rich else self.style.level
        return fill_choices(template, rng, level, self.style.plain, self.style.mood)

    def friend_ok(self, stage: str | None = None) -> bool:
        """May a line name the friend here? Only once introduced, and not while the problem is
        about the friend (then the friend does not help with the attempts)."""
        stage = stage if stage is not None else self.stage
        return self.introduced and not (self.plan.friend_apart and stage in (PROBLEM, ATTEMPT))

    def allowed(self, template: str) -> bool:
        """Friend lines only where the friend may appear; no line telling the hero's colour
        again when the hero's description already did ("a grey dog ... its fur was grey"), and none
        at all of a person's clothes the caption gave no colour for (the photo shows them)."""
        if "{colour}" in template and "{part}" in template:
            told = self.plan.colour in self.plan.hero_desc
            if told or (self.plan.hero_kind == "person" and " in a " not in self.plan.hero_desc):
                return False
        return "{Friend}" not in template or self.friend_ok()

    def fresh(self, pool, **extra: str) -> str | None:
        """A sentence from the pool not used yet in this story (None if the pool is spent).

        Pools of (stages, line) pairs give only the lines tagged for the current stage; lines
        naming a friend not introduced yet, or contradicting the page so far, are passed over."""
        letter = _STAGE_LETTER.get(self.stage or "")
        templates = []
        for item in pool:
            if isinstance(item, tuple):
                tags, item = item
                if letter and letter not in tags:
                    continue
            templates.append(item)
        for template in self.rng.sample(templates, len(templates)):
            if not self.allowed(template) or template in self.templates_used:
                continue
            sentence = self.render(template, **extra)
            key = sentence.lower()
            if (
                key not in self.used
                and self.fits(sentence)
                and not near_repeat(sentence, self.used)
                and not clashes(sentence, self.page_words)
                and not echoes(sentence, self.page_words)
                and _start(sentence) not in self.page_starts
            ):
                self.used.add(key)
                self.templates_used.add(template)
                return sentence
        return None

    def fits(self, sentence: str) -> bool:
        """Whether a filler line belongs in this story's scene (`core.offline.scene_check`)."""
        p = self.plan
        return fits_scene(sentence, setting=p.place, hero_kind=p.hero_kind, known=self.known)

    def spare_line(self) -> str:
        """A plain line of what the hero saw, for a page that needs one more line when every
        pool is spent: built from parts, so there are always more than a story can use."""
        for sight in self.rng.sample(D.SPARE_SIGHTS, len(D.SPARE_SIGHTS)):
            for where in D.SPARE_WHERE:
                line = f"{self.plan.hero} saw {sight} {where}."
                if line.lower() not in self.used:
                    return self.take(line)
        raise RuntimeError("the offline writer ran out of lines")  # 150 lines: more than 24 pages need

    def take(self, sentence: str) -> str:
        self.used.add(sentence.lower())
        return sentence

    # --- one page --------------------------------------------------------------------------

    def friend_intro(self) -> str:
        self.introduced = True
        return self.take(self.render(D.FRIEND_INTRO))

    def must(self, template: str, out: list[str]) -> str | None:
        """Add a sentence the plot needs (once per story), introducing the friend first if it
        names them; None when it was told already."""
        if template in self.plot_told:
            return None
        self.plot_told.add(template)
        sentence = self.render(template, Friend=self.plan.friend)
        if sentence.lower() in self.used:
            return None
        if "{Friend}" in template and not self.introduced:
            if not (self.plan.friend_by_trouble and template == self.plan.problem["trouble"]):
                self.add(self.friend_intro(), out)
            self.introduced = True
        self.add(self.take(sentence), out)
        return sentence

    def add(self, sentence: str, out: list[str]) -> None:
        out.append(sentence)
        self.page_words |= _word_set(sentence)
        self.page_starts.add(_start(sentence))

    def where_did(self, did: str, place: str) -> str:
        """What the hero did where: "looked under the table and listened hard" for a search (a
        place is where the hero looked), "tried a clever trick at the table" otherwise."""
        if self.plan.kind == "search" and not did.startswith(("looked", "searched")):
            return f"looked {place} and {did}"
        return f"{did} {place}"

    def attempt_core(self) -> tuple[list[str], str]:
        """Two sentences for one try: what the hero did where, and how it went wrong; and the
        scene of it."""
        p, i = self.plan, self.attempt_no
        self.attempt_no += 1
        helper = self.helpers[i % len(self.helpers)]
        did, doing, failures = self.methods[i % len(self.methods)]
        place = self.places[i % len(self.places)]
        slots = self.slots(helper=helper, the_helper=re.sub(r"^an? ", "the ", helper))
        did, doing = did.format_map(slots), doing.format_map(slots)
        failure = failures[(i // len(self.methods) + self.failure_shift) % len(failures)].format_map(slots)
        base = f"{did} {place} {failure}"
        opener = next(
            (
                o
                for k in range(len(self.openers))
                for o in [self.openers[(i + k) % len(self.openers)]]
                if not clashes(o, _word_set(base))
            ),
            self.openers[i % len(self.openers)],
        )
        self.page_words |= _word_set(f"{opener} {base}")
        with_friend = False
        outcome_t_named = None
        if self.style.length < 0:  # "shorter": the try and how it went wrong, nothing more
            core = [self.take(f"{opener}, {p.hero} {self.where_did(did, place)}.")]
            second = f"But {failure}."
        elif self.style.level == 0 or self.style.plain:
            # three short sentences for a first reader: where, what, and how it went wrong
            first = f"{opener}, {p.hero} {'looked' if p.kind == 'search' else 'was'} {place}."
            core = [self.take(first), self.take(f"{p.hero} {did}.")]
            second = f"But {failure}."
        else:

            def pick(options: list[str], avoid: str) -> str:
                for k in range(len(options)):
                    t = options[(i + k) % len(options)]
                    if not self.allowed(t) or ("{goal}" in t and "{goal}" in avoid) or t in self.named_outcomes:
                        continue
                    text = re.sub(r"<[^<>]*>", "", t).format_map(slots)
                    if not clashes(text, self.page_words) and text.split()[-1] not in base.split():
                        return t
                return options[i % len(options)] if self.allowed(options[i % len(options)]) else "full of hope"

            hope_t = pick(self.hopes, "")
            hope = self.fill(hope_t, slots)
            self.page_words |= _word_set(hope)
            outcome_t = pick(self.outcomes, hope_t)
            if outcome_t == "full of hope":
                outcome_t = "so {Hero} had to think again"
            self.named_outcomes.add(outcome_t)  # how each try ended is told once
            outcome = self.fill(outcome_t, slots)
            self.page_words |= _word_set(outcome)
            with_friend = "{Friend}" in hope_t
            named = [
                t
                for t in self.outcomes
                if "{Hero}" in t and "{Friend}" not in t and "{goal}" not in t and t not in self.named_outcomes
            ]
            outcome_t_named = named[0] if "{Hero}" not in outcome_t and named else None
            if outcome_t_named:
                self.named_outcomes.add(outcome_t_named)  # each told once: no line said twice
            first = f"{opener}, {p.hero} {self.where_did(did, place)}, {hope}."
            core = [self.take(first)]
            second = f"But {failure}, {outcome}."
        if p.hero not in second and outcome_t_named is not None:  # name the hero in how it went on
            second = f"But {failure}, {self.fill(outcome_t_named, slots)}."
        if p.hero not in second:  # how it went wrong is the hero's own: no stock line shared between books
            tails = _PLAIN_TAILS if self.style.plain or self.style.level == 0 else _TAILS
            tail = tails[self.tails_told % len(tails)].format(Hero=p.hero)
            self.tails_told += 1
            second = f"{second[:-1]}, {tail}."
        who = p.hero_desc[:1].upper() + p.hero_desc[1:]
        scene = f"{who}, with {p.friend}, {doing} {place}" if with_friend else f"{who} {doing} {place}"
        return core + [self.take(second)], scene

    def page(self, stages: list[str], target: int) -> tuple[str, str]:
        """(text, scene) for a page carrying these stages."""
        p, sentences = self.plan, []
        self.page_words, self.page_starts = set(), set()
        single = len(stages) > 1
        told: dict[str, str] = {}  # stage -> the plot sentence told on this page
        attempt_scene = ""
        friend_before = self.introduced
        for stage in stages:
            self.stage = stage
            if stage == BEGINNING:
                intro = (
                    "{Hero} was {hero_desc}[ who lived {at_setting}]."
                    if self.keep or single
                    else "{Hero} was {hero_desc}."
                )
                if f"{p.hero} was".lower() not in " ".join(self.used):
                    self.add(self.take(self.render(intro)), sentences)
                    if not single and self.keep == 0 and self.style.length >= 0:
                        self.add(self.take(self.render("{Hero} lived {at_setting}.")), sentences)
                    if not single and not self.introduced and not p.friend_by_trouble:
                        self.add(self.friend_intro(), sentences)
                else:
                    s = self.fresh(D.BEGIN)
                    if s:
                        self.add(s, sentences)
            elif stage == PROBLEM:
                trouble = self.must(p.problem["trouble"], sentences)
                if trouble:
                    told[PROBLEM] = trouble
                    if self.style.length >= 0:  # "shorter": the trouble says what is wanted
                        self.add(self.take(self.render("{Hero} wanted to {goal}[, more than anything].")), sentences)
                else:
                    s = self.fresh(D.PROBLEM)
                    if s:
                        self.add(s, sentences)
            elif stage == ATTEMPT:
                core, attempt_scene = self.attempt_core()
                for sentence in core:
                    self.add(sentence, sentences)
            elif stage == TURN:
                turn = self.must(p.problem["turn"], sentences)
                if turn:
                    told[TURN] = turn
                else:
                    s = self.fresh(D.TURN)
                    if s:
                        self.add(s, sentences)
            elif stage == ENDING:
                end = self.must(p.problem["end"], sentences)
                if end:
                    told[ENDING] = end
                else:
                    s = self.fresh(D.ENDING)
                    if s:
                        self.add(s, sentences)
        # fill up to the target with lines tagged for this stage: the story's tone, the stage's
        # own pool and (adults) longer lines about the plot; the plot sentence stays first
        main = stages[-1]
        self.stage = main
        pools = {BEGINNING: D.BEGIN, PROBLEM: D.PROBLEM, ATTEMPT: D.ATTEMPT_EXTRA, TURN: D.TURN, ENDING: D.ENDING}
        order = [D.TONE_LINES[self.tone], pools[main]]
        if self.style.level == 2 and not self.style.plain:
            order = [D.ADULT_LINES, D.TONE_LINES[self.tone], pools[main]]
        tries = 0
        while len(sentences) < target and tries < 3 * len(order):
            s = self.fresh(order[tries % len(order)])
            if s:
                self.add(s, sentences)
            tries += 1
        if (len(sentences) < target or self.style.length > 0) and main in (BEGINNING, ATTEMPT):
            s = self.fresh(D.DETAIL_LINES)
            if s:
                self.add(s, sentences)
        self.pages_told += 1
        mood_line = None
        if self.style.mood and self.style.length < 0:  # short and funny: a short line, every other page
            short = [t for t in D.MOOD_LINES[self.style.mood] if len(words(t[1] if isinstance(t, tuple) else t)) <= 6]
            mood_line = self.fresh(short) if self.pages_told % 2 == 0 else None
        elif self.style.mood:
            mood_line = self.fresh(D.MOOD_LINES[self.style.mood])
        if mood_line:
            at = {"exciting": 1, "funny": max(1, len(sentences) - 1)}.get(self.style.mood, len(sentences))
            while 0 < at < len(sentences) and sentences[at].startswith("But "):
                at += 1  # never between an attempt and how it went wrong
            if p.friend in _word_set_cased(mood_line):  # after the friend's introduction, if on this page
                at = len(sentences)
            sentences.insert(at, mood_line)
        # falling asleep closes the ending; hurrying off with the answer closes the turn
        last = {ENDING: f"That night, {p.hero} fell asleep", TURN: f"{p.hero} hurried to tell"}.get(main)
        for s in list(sentences[1:]) if last else ():
            if s.startswith(last):
                sentences.remove(s)
                sentences.append(s)
        text = " ".join(self.shape(sentences))
        return text, self.scene(stages, told, attempt_scene, friend_before, text)

    def shape(self, sentences: list[str]) -> list[str]:
        """Sentence length for the reader: young readers (and "simpler") get each clause as a
        sentence of its own; older readers get short neighbours joined, adults longer periods.
        The page's first sentence (its plot line) still opens the page."""
        if self.style.mood == "calm":
            sentences = [s.replace("!", ".") for s in sentences]
        if self.style.level == 0 or self.style.plain:
            names = {self.plan.hero, self.plan.friend}
            return [part for s in sentences for part in split_clauses(s, names)]
        # join the shortest neighbours until the page's sentences reach the level's mean length
        limit, aim = (40, 21 + self.aim_shift) if self.style.level == 2 else (26, 13.3 + self.aim_shift)
        first = 0 if self.style.level == 2 else 1  # older readers meet the plot line on its own
        out = list(sentences)
        while len(out) > 2 and sum(len(words(s)) for s in out) / len(out) < aim:
            pairs = [
                (len(words(out[i])) + len(words(out[i + 1])), i)
                for i in range(first, len(out) - 1)
                if joinable(out[i], out[i + 1], limit)
            ]
            if not pairs:
                break
            _, i = min(pairs)
            names = frozenset(w for n in (self.plan.hero, self.plan.friend) for w in n.split())
            out[i : i + 2] = [join(out[i], out[i + 1], names)]
        return out

    def scene(self, stages: list[str], told: dict[str, str], attempt_scene: str, friend_before: bool, text: str) -> str:
        """The page's key scene, made from what its text tells."""
        p = self.plan
        stage = stages[-1] if len(stages) == 1 else "single"
        who = p.hero_desc
        Who = who[:1].upper() + who[1:]
        names_friend = p.friend.lower() in _word_set(text)

        def clause(sentence: str) -> str:
            s = re.sub(r"^(Then|Suddenly|At last),?\s+", "", sentence.rstrip(".!"))
            return s[:1].upper() + s[1:]

        if stage == BEGINNING:
            if names_friend and not friend_before:
                options = [f"{Who} with {p.friend}, {p.friend_desc}, {p.at_setting}, a wide view in the morning light"]
            else:
                options = [
                    f"A wide view of {p.setting}, with {who} small in the landscape",
                    f"{Who} at home {p.at_setting}, seen from afar in the morning light",
                ]
        elif stage == PROBLEM:
            options = [
                f"A close-up of {who}, looking worried about the {p.problem['thing']}",
                f"{Who} {p.at_setting}, face full of worry, thinking hard",
            ]
        elif stage == ATTEMPT:
            options = [attempt_scene or f"{Who} searching far and wide"]
        elif stage == TURN:
            options = (
                [f"A close-up of {who}, eyes wide with surprise: {clause(told[TURN])}"]
                if TURN in told
                else [f"{Who} hurrying off, full of hope, to put the new idea to work"]
            )
        elif stage == ENDING:
            if ENDING in told:
                options = [f"A wide view at sunset: {clause(told[ENDING])}"]
            elif names_friend:
                options = [f"{Who} and {p.friend} celebrating {p.at_setting} at sunset, a wide view"]
            else:
                options = [f"A wide view of {p.setting} at dusk, {who} happy and at home"]
        else:
            options = [f"{Who} {p.at_setting}, with the {p.problem['thing']} close by"]
        text = self.rng.choice(options)
        return text[:1].upper() + text[1:] + "."


def _join_pages(story: WrittenStory) -> Iterator[str]:
    yield story.title + "\n\n"
    for page in story.pages:
        yield page.text + "\n\n"


# --- revisions -----------------------------------------------------------------------------


def plot_sentences(plan: Plan, pages: Sequence[str]) -> set[str]:
    """The sentences of a book that tell its plot: the trouble, the turn and the ending as the plan
    says them, each attempt, and the "But ..." that answers it. A plot is the photo's own when no
    other photo's book shares one of these (`bench/quality.py`, `tests/test_writer_world.py`)."""
    told = re.compile("|".join(template_regex(plan.problem[k]) for k in ("trouble", "turn", "end")))
    openers = tuple(f"{o}, " for o in D.ATTEMPT_OPENERS)
    sentences = [s for text in pages for s in split_sentences(text)]
    found = set()
    for i, sentence in enumerate(sentences):
        if told.search(sentence) or sentence.startswith(openers):
            found.add(sentence)
            if i + 1 < len(sentences) and sentences[i + 1].startswith("But "):
                found.add(sentences[i + 1])
    return found


def template_regex(template: str) -> str:
    """A regex matching every rendering of a template: slots match words, [..] is optional and
    <a|b> is one of its wordings."""
    out = []
    for part in re.split(r"(\{[^}]*\}|\[[^\]]*\]|<[^<>]*>)", template):
        if part.startswith("{"):
            out.append(r"[\w'-]+(?: [\w'-]+){0,8}?")
        elif part.startswith("["):
            out.append(f"(?:{template_regex(part[1:-1])})?")
        elif part.startswith("<"):
            out.append("(?:" + "|".join(template_regex(o.lstrip("*")) for o in part[1:-1].split("|")) + ")")
        else:
            out.append(re.escape(part))
    return "".join(out)


def _person_simpler(sentence: str, names: set[str]) -> list[str]:
    """A person's own sentence made simpler without breaking it: each clause on its own and
    hard words replaced by easier ones of the same kind and form ("discovered" -> "found",
    never a word deleted)."""
    return [fix_articles(swap_words(part, D.SIMPLER_LEMMAS)) for part in split_clauses(sentence, names)]


def _person_shorter(sentences: list[str], names: set[str]) -> list[str]:
    if len(sentences) >= 2:
        return sentences[: max(1, math.ceil(len(sentences) / 2))]
    if sentences:
        return split_clauses(sentences[0], names)[:1]
    return sentences


@lru_cache(maxsize=256)
def _told(brief: Brief, style: Style, pages: int) -> WrittenStory:
    """See `OfflineWriter.render`. Kept, since briefs and styles are immutable and a revision
    re-tells the draft in every style to recognise its pages."""
    low, high = GRADE_BANDS[style.level]
    best, best_miss, step, told = None, math.inf, 0.0, style
    for tries in range(5):
        story = _tell_once(brief, told, pages, step * tries)
        grade = flesch_kincaid_grade("\n".join(p.text for p in story.pages))
        miss = max(low - grade, grade - high, 0.0)
        if miss < best_miss:
            best, best_miss = story, miss
        if miss == 0.0 or (style.level == 0 and tries):
            break
        step = step or (1.5 if grade < low else -1.5)
        if style.level == 0:  # a first reader's book over its band: plainest words, more short lines
            told = replace(style, plain=True, length=style.length or 1)  # "shorter" stays shorter
        elif style.level == 1 and grade < low and tries >= 1:  # older children's, under: richer words
            told = replace(style, rich=True)
    # the plan keeps the style asked for (the next revision starts from it), not the retelling's
    return replace(best, plan=tuple((k, style_key(style) if k == "style" else v) for k, v in best.plan))


def _tell_once(brief: Brief, style: Style, count: int, aim_shift: float) -> WrittenStory:
    plan = make_plan(brief)
    rng = random.Random(f"story|{brief.seed}|{brief.caption}|{count}|{brief.audience}|{brief.genre}|{brief.tone}")
    composer = _Composer(plan, rng, style=style)
    composer.aim_shift = aim_shift
    low, high = _sentences_per_page(plan.audience, style)
    written = []
    for index, stages in enumerate(stages_for(count)):
        target = max(low, len(stages) + (1 if style.level else 0)) if len(stages) > 1 else rng.randint(low, high)
        text, scene = composer.page(stages, target)
        written.append(WrittenPage(text=text, scene=scene, spec=spec_for(plan, stages, text, scene, index)))
    written = _ensure_unique(written, composer)
    return WrittenStory(
        title=title_for(plan, rng), pages=tuple(written), plan=plan_facts(plan) + (("style", style_key(style)),)
    )


class OfflineWriter:
    """Stories from a seeded grammar: instant, English, deterministic."""

    engine = "offline"
    model = "story grammar"
    story_languages = ("en",)  # what it says it can do (core.studio.engines): pages ask, never by name
    copy_languages = tuple(offline_copy_languages())
    free_text_revisions = False

    # --- drafting ---------------------------------------------------------------------------

    def write(self, brief: Brief) -> WrittenStory:
        return self.render(brief, style_for(brief.audience))

    def render(self, brief: Brief, style: Style, pages: int | None = None) -> WrittenStory:
        """The brief's plan told in one style over this many pages (the brief's by default),
        steered into its reading level's grade band: when the book measures outside it, it is
        told again with longer or shorter sentences (the closest try wins)."""
        return _told(brief, style, max(1, min(int(brief.pages if pages is None else pages), 24)))

    def draft(self, brief: Brief) -> WriterStream:
        story = self.write(brief)
        yield from _join_pages(story)
        return story

    # --- revising ---------------------------------------------------------------------------

    def revise(self, brief: Brief, story: WrittenStory, instruction: str) -> WriterStream:
        key = revision_key(instruction)
        if key is None:
            presets = ", ".join(f'"{label}"' for label in REVISIONS.values())
            raise UnsupportedInstruction(
                f"The offline writer can only follow the preset revisions ({presets}); free-text "
                "instructions need a language model: choose a local or remote writer in Settings."
            )
        revised = self.revised(brief, story, key)
        yield from _join_pages(revised)
        return revised

    def revised(self, brief: Brief, story: WrittenStory, key: str) -> WrittenStory:
        """The newest draft re-told from its plan in its own style with this revision added.

        Revisions compose: the draft's style (kept in its plan, `Draft.plan["style"]`) is the
        starting point, so "shorter" then "funnier" is told short and funny, never the original
        length again. A page the writer told (in the draft's style, the first draft's or any
        preset's) is replaced by the same page told in the new style; nothing is patched word by
        word. A page a person wrote keeps its sentences and its picture plan and gets what can be
        done to it safely: clauses split and hard words replaced by easier words of the same form,
        a line of the story's own world added, or its second half left out."""
        n = len(story.pages)
        before = self.style_of(brief, story)
        style = compose_style(before, key)
        candidates = dict.fromkeys(
            [before, style_for(brief.audience), *(style_for(brief.audience, k) for k in REVISIONS)]
        )
        renders = [self.render(brief, s, pages=n) for s in candidates]
        target = self.render(brief, style, pages=n)
        plan = make_plan(brief)
        names = {plan.hero, plan.friend}
        rng = random.Random(f"revise|{key}|{brief.seed}|{n}|" + "|".join(p.text for p in story.pages))
        composer = _Composer(
            plan,
            rng,
            style=style,
            used={s.lower() for p in target.pages for s in split_sentences(p.text)},
        )
        friend = plan.friend.lower()
        pages = []
        for index, page in enumerate(story.pages):
            if any(r.pages[index].text == page.text for r in renders):
                pages.append(target.pages[index])
                continue
            sentences = split_sentences(page.text)
            told_before = " ".join(p.text for p in pages)

            def insert(at: int, pool, sentences=sentences, told_before=told_before) -> None:
                """A fresh line at `at`, naming the friend only if introduced above it, never
                between a try and how it went wrong (a "But ..." sentence)."""
                while 0 < at < len(sentences) and sentences[at].startswith("But "):
                    at += 1
                composer.introduced = friend in _word_set(" ".join([told_before] + sentences[:at]))
                composer.page_words = _word_set(" ".join(sentences))
                composer.page_starts = {_start(s) for s in sentences}
                line = composer.fresh(pool)
                if line:
                    sentences.insert(at, line)

            if key == "shorter":
                sentences = _person_shorter(sentences, names)
            elif key == "simpler":
                sentences = [part for s in sentences for part in _person_simpler(s, names)]
            elif key == "longer":
                insert(len(sentences), D.DETAIL_LINES)
            elif key in MOODS:
                if key == "calmer":
                    sentences[:] = [s.replace("!", ".") for s in sentences]  # insert() holds this list
                mood = MOODS[key]
                insert(
                    {"exciting": min(1, len(sentences)), "funny": max(1, len(sentences) - 1)}.get(mood, len(sentences)),
                    D.MOOD_LINES[mood],
                )
            text = " ".join(sentences).strip() or page.text
            pages.append(WrittenPage(text=text, scene=page.scene, spec=page.spec))
        pages = _ensure_unique(pages, composer)
        return WrittenStory(
            title=story.title, pages=tuple(pages), plan=plan_facts(plan) + (("style", style_key(style)),)
        )

    def style_of(self, brief: Brief, story: WrittenStory) -> Style:
        """The style the story was told in: the one its plan keeps (`style_key`), else the one
        most of its pages match (the draft's or a preset's), else the draft's."""
        kept = dict(story.plan).get("style")
        if kept:
            return parse_style(kept)
        n = len(story.pages)
        best, best_count = style_for(brief.audience), 0
        for key in (None, *REVISIONS):
            style = style_for(brief.audience, key)
            rendered = self.render(brief, style, pages=n)
            count = sum(a.text == b.text for a, b in zip(rendered.pages, story.pages))
            if count > best_count:
                best, best_count = style, count
        return best

    # --- extending --------------------------------------------------------------------------

    def extend(self, brief: Brief, story: WrittenStory, extra_pages: int) -> WriterStream:
        extended, new_pages = self.extended(brief, story, extra_pages)
        yield story.title + "\n\n"
        for page in new_pages:
            yield page.text + "\n\n"
        return extended

    def extended(self, brief: Brief, story: WrittenStory, extra_pages: int) -> tuple[WrittenStory, list[WrittenPage]]:
        """More attempts added to the plan, told before the turn: the ending stays last.

        A one-page story holds its whole plan, ending included, on its page: it is told again
        over the new number of pages."""
        extra = max(0, min(int(extra_pages), 24 - len(story.pages)))
        if extra == 0:
            return story, []
        n = len(story.pages)
        style = self.style_of(brief, story)
        if n == 1:
            whole = self.render(brief, style, pages=1 + extra)
            return WrittenStory(title=story.title, pages=whole.pages, plan=whole.plan), list(whole.pages)
        plan = make_plan(brief)
        rng = random.Random(f"extend|{brief.seed}|{extra}|" + "|".join(p.text for p in story.pages))
        used = {s.lower() for p in story.pages for s in split_sentences(p.text)}
        composer = _Composer(plan, rng, used=used, style=style)
        # attempts already told: continue after them with new helpers, places and openers
        old_text = " ".join(p.text for p in story.pages)
        composer.attempt_no = sum(1 for o in D.ATTEMPT_OPENERS if f"{o}, {plan.hero} " in old_text)
        lowered = old_text.lower()
        for name in ("helpers", "methods", "places"):
            pool = getattr(composer, name)
            unused = [
                x for x in pool if (x[0] if isinstance(x, tuple) else x).split("{")[0].strip().lower() not in lowered
            ]
            # unused ones first, at the positions the next attempts will read
            rest = [x for x in pool if x not in unused]
            ordered = unused + rest
            shift = composer.attempt_no % len(ordered)
            setattr(composer, name, ordered[-shift:] + ordered[:-shift] if shift else ordered)
        at = _turn_index(plan, story)
        low, high = _sentences_per_page(plan.audience, style)
        new_pages = []
        for k in range(extra):
            text, scene = composer.page([ATTEMPT], rng.randint(low, high))
            new_pages.append(WrittenPage(text=text, scene=scene, spec=spec_for(plan, [ATTEMPT], text, scene, at + k)))
        new_pages = _ensure_unique(new_pages, composer, existing={p.text for p in story.pages})
        pages = list(story.pages[:at]) + new_pages + list(story.pages[at:])
        kept = plan_facts(plan) + (("style", style_key(style)),)
        return WrittenStory(title=story.title, pages=tuple(pages), plan=kept), new_pages


def _sentences_per_page(audience: str, style: Style) -> tuple[int, int]:
    low, high = SENTENCES[audience]
    if style.length < 0:
        return max(1, low - 2), max(1, low - 1)
    if style.length > 0:
        return high + 1, high + 2
    return low, high


def _turn_index(plan: Plan, story: WrittenStory) -> int:
    """Where new attempts go: before the first page that tells the turn or the ending (found by
    its plot sentence, so hand edits and earlier enlargements do not matter); by the layout when
    a person rewrote those sentences."""
    plot = re.compile("|".join(template_regex(plan.problem[k]) for k in ("turn", "end")), re.IGNORECASE)
    for index, page in enumerate(story.pages[1:], start=1):
        if plot.search(page.text):
            return index
    n = len(story.pages)
    tail = sum(1 for stages in stages_for(n) if stages[-1] in (TURN, ENDING))
    return max(1, n - tail)


def _ensure_unique(
    pages: list[WrittenPage], composer: _Composer, existing: set[str] | None = None
) -> list[WrittenPage]:
    """No blank page and no page repeating another: add a fresh detail line where needed."""
    seen = {t.strip().lower() for t in (existing or set())}
    out = []
    for page in pages:
        text = page.text.strip()
        while not text or text.lower() in seen:
            composer.page_words = _word_set(text)
            composer.page_starts = {_start(s) for s in split_sentences(text)}
            line = composer.fresh(D.DETAIL_LINES) or composer.fresh(D.CALM_LINES) or composer.spare_line()
            text = f"{text} {line}".strip()
        seen.add(text.lower())
        out.append(WrittenPage(text=text, scene=page.scene, spec=page.spec))
    return out
