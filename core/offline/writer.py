"""The offline writer: a seeded story grammar.

A story is planned from the caption and the Brief: a hero (the caption's subject, given a name), its
colour, the setting, and one problem of the genre; the pages are spread over five stages
(beginning, problem, attempts, turn, ending; one page holds all five in small). Sentences come from
template pools (`core.offline.writer_data`) with elaborations that only older readers get, so
sentence length follows the audience. Everything is drawn from `random.Random` seeded by the
brief: the same brief gives the same story, another seed another one.

It writes English only (`languages = ("en",)`): for another language it still writes English and
the studio says so. It follows only the preset revisions of `core.prompts.REVISIONS`; free text
raises `UnsupportedInstruction`.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

from core.errors import UnsupportedInstruction
from core.offline import writer_data as D
from core.prompts import REVISIONS, revision_key
from core.providers.base import Brief, WrittenPage, WrittenStory, WriterChunk

BEGINNING, PROBLEM, ATTEMPT, TURN, ENDING = "beginning", "problem", "attempt", "turn", "ending"

# sentences per page: (min, max)
SENTENCES = {"young children": (2, 3), "older children": (4, 5), "adults": (5, 7)}
KEEP_ELABORATION = {"young children": 0.0, "older children": 0.6, "adults": 1.0}

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_SENTENCE_END = re.compile(r'(?<=[.!?])\s+|(?<=[.!?]["”])\s+')
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def genre_key(genre: str) -> str:
    g = genre.strip().lower()
    if g in D.PROBLEMS:
        return g
    for token in re.findall(r"[a-z-]+", g):
        if token in D.GENRE_ALIASES:
            return D.GENRE_ALIASES[token]
    return "adventure"


def tone_key(tone: str) -> str:
    t = tone.strip().lower()
    for token in re.findall(r"[a-z-]+", t):
        if token in D.TONE_ALIASES:
            return D.TONE_ALIASES[token]
    return "warm"


def audience_key(audience: str) -> str:
    a = audience.strip().lower()
    if a in SENTENCES:
        return a
    if "adult" in a or "grown" in a:
        return "adults"
    if "older" in a or "teen" in a:
        return "older children"
    return "young children"


# --- reading the caption -------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    noun: str  # "cat"
    kind: str  # "animal" | "person" | "object"
    adjectives: tuple[str, ...]  # words before the noun in the caption ("little", "tabby")
    feature: str  # "green eyes", "white suit" or "" (a colour + noun pair from the caption)
    colours: tuple[str, ...]  # colour words of the caption, first first
    at_setting: str  # "in the kitchen" or ""


def _colours_in(text: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    taken: list[range] = []
    for colour in sorted(D.COLOURS, key=len, reverse=True):
        for m in re.finditer(rf"\b{re.escape(colour)}\b", text):
            if not any(m.start() in r for r in taken):
                found.append((m.start(), colour if colour != "gray" else "grey"))
                taken.append(range(m.start(), m.end()))
    found.sort()
    return found


def read_caption(caption: str) -> Subject:
    """The hero, its colours and the setting, from whatever a person or a model wrote.

    Sentences about the engine itself (the offline vision says what it can and cannot see) and
    sentences saying what is absent are not about the photo's subject: "recognises only faces,
    cat faces ..." or "No faces, cats or people were found" must not make the hero a cat.
    """
    text = " ".join(_CONTROL.sub(" ", caption or "").split())[:1500]
    text = " ".join(s for s in split_sentences(text)
                    if "offline engine" not in s.lower() and not re.match(r"\s*no\b", s, re.IGNORECASE)).lower()
    colours_at = _colours_in(text)
    colours = tuple(dict.fromkeys(c for _, c in colours_at))
    tokens = [(m.start(), m.group(0)) for m in re.finditer(r"[a-zé][a-zé'-]*", text)]
    plain = [t for _, t in tokens]

    def singular(word: str) -> str:
        for table in (D.ANIMALS, D.PEOPLE, D.OBJECTS):
            if word in table:
                return word
            if word.endswith("s") and word[:-1] in table:
                return word[:-1]
            if word.endswith("es") and word[:-2] in table:
                return word[:-2]
        return word

    noun, kind, index = "", "", -1
    # the offline vision's own phrases
    if re.search(r"\bcat faces?\b", text):
        noun, kind = "cat", "animal"
    elif re.search(r"\bhuman (face|faces|figure|figures)\b", text):
        noun, kind = "person", "person"
    if not noun:
        for wanted, table in (("animal", D.ANIMALS), ("person", D.PEOPLE), ("object", D.OBJECTS)):
            for i, word in enumerate(plain):
                if singular(word) in table and not (i > 0 and plain[i - 1] == "of" and wanted == "object"
                                                    and i > 1 and singular(plain[i - 2]) in D.OBJECTS):
                    noun, kind, index = singular(word), wanted, i
                    break
            if noun:
                break
    if not noun:  # the first "a/an/the <noun>" that is neither a photo word nor a setting
        for i, word in enumerate(plain[:-1]):
            if word in ("a", "an", "the", "one", "two", "some"):
                j = i + 1
                while j < len(plain) - 1 and (plain[j] in D.ADJECTIVES or plain[j] in colours):
                    j += 1
                candidate = plain[j]
                if (candidate not in D.NOT_SUBJECTS and candidate not in D.SETTINGS and len(candidate) > 2
                        and candidate not in D.COLOURS and candidate.isalpha() and candidate not in
                        {"very", "few", "little", "bit", "lot", "and", "with", "of", "in", "on"}):
                    noun, kind, index = singular(candidate), "object", j
                    break

    adjectives: tuple[str, ...] = ()
    if index > 0:
        before = []
        j = index - 1
        while j >= 0 and (plain[j] in D.ADJECTIVES or plain[j] in D.COLOURS) and len(before) < 3:
            before.insert(0, plain[j])
            j -= 1
        adjectives = tuple(before)

    feature = ""
    for m in re.finditer(r"\b(" + "|".join(re.escape(c) for c in sorted(D.COLOURS, key=len, reverse=True))
                         + r")\s+([a-z]+)\b", text):
        following = m.group(2)
        if (following not in D.COLOURS and following not in D.ADJECTIVES and following != noun
                and following.rstrip("s") != noun and following not in D.SETTINGS
                and following not in D.NOT_SUBJECTS and len(following) > 2
                and following not in {"and", "with", "the", "tones", "tone", "light", "colour",
                                      "colours", "color", "colors", "shade", "shades", "hue"}):
            feature = f"{'grey' if m.group(1) == 'gray' else m.group(1)} {following}"
            break

    at_setting = ""
    setting_words = sorted(D.SETTINGS, key=len, reverse=True)
    pattern = re.compile(
        r"\b(in|on|at|by|near|under|beside|inside|outside|across|along|over)\s+"
        r"(?:(a|an|the|some|his|her|their|its|my|our)\s+)?((?:[a-z]+\s+){0,2}?)("
        + "|".join(re.escape(s) for s in setting_words) + r")\b")
    matches = [m for m in pattern.finditer(text) if m.group(4) != "front of"]
    matches.sort(key=lambda m: m.group(4) in D.SMALL_SETTINGS)  # stable: big places first
    if matches:
        m = matches[0]
        middle = " ".join(w for w in m.group(3).split() if w in D.ADJECTIVES or w in D.COLOURS)
        at_setting = " ".join(p for p in (m.group(1), "the", middle, m.group(4)) if p)
    else:
        for word in plain:
            if word in D.SETTINGS and word not in D.SMALL_SETTINGS and word not in ("sky", "of"):
                prep = "on" if word in ("beach", "farm", "island", "hill", "road", "street", "field",
                                        "shore", "roof", "balcony", "porch") else "in"
                at_setting = "in space" if word == "space" else f"{prep} the {word}"
                break
    return Subject(noun, kind, adjectives, feature, colours, at_setting)


# --- the plan ------------------------------------------------------------------------------


@dataclass
class Plan:
    hero: str
    noun: str
    hero_desc: str  # "a little tabby cat with golden fur"
    part: str  # "fur", "coat"...
    colour: str
    friend: str
    at_setting: str
    setting: str
    genre: str
    tone: str
    audience: str
    problem: dict
    places: tuple[str, ...]
    friend_desc: str = ""  # "a small grey mouse": how the friend is introduced
    kind: str = "search"  # the kind of attempts that fit the problem: search, reach, mend
    friend_apart: bool = False  # the problem is about the friend, who does not help with it
    friend_by_trouble: bool = False  # the trouble sentence itself introduces the friend


def _a(phrase: str) -> str:
    return ("an " if phrase[:1] in "aeiou" else "a ") + phrase


def make_plan(brief: Brief) -> Plan:
    rng = random.Random(f"plan|{brief.seed}|{brief.caption}|{brief.genre}|{brief.tone}")
    genre, tone, audience = genre_key(brief.genre), tone_key(brief.tone), audience_key(brief.audience)
    subject = read_caption(brief.caption)
    hero = rng.choice(D.NAMES)
    friend = rng.choice([f for f in D.FRIENDS if f != hero])
    noun, kind = subject.noun, subject.kind
    if not noun or noun == "person":
        noun, kind = rng.choice(D.ROLES[genre]), "person"
    colour = subject.colours[0] if subject.colours else rng.choice(
        ("golden", "blue", "red", "green", "silver", "orange"))
    if kind == "animal":
        part = D.ANIMALS.get(noun, "fur")
    elif kind == "person":
        part = "coat" if not subject.feature else subject.feature.split(" ", 1)[1]
    else:
        part = "paint"
    if subject.feature:
        colour = subject.feature.split(" ", 1)[0]
    adjectives = list(subject.adjectives) or [rng.choice(("little", "curious", "brave", "small", "cheerful"))]
    with_colour = f"with {_a(subject.feature)}" if subject.feature and not subject.feature.endswith("s") \
        else f"with {subject.feature}" if subject.feature else (
        f"with {colour} {part}" if kind != "object" else "")
    if kind == "object" and not subject.feature:
        adjectives.append(colour)
    if kind == "person" and not subject.feature:
        with_colour = f"in a {colour} {part}"
    hero_desc = " ".join([_a(" ".join(adjectives + [noun]))] + ([with_colour] if with_colour else []))
    if subject.at_setting:
        at_setting = subject.at_setting
    else:
        prep, place = rng.choice(D.DEFAULT_SETTINGS[genre])
        at_setting = f"{prep} {place}"
    setting = at_setting.split(" ", 1)[1] if " " in at_setting else at_setting
    places = list(D.PLACES)
    if genre == "science fiction":
        places = list(D.SF_PLACES) + places
    elif genre == "fairy tale":
        places = list(D.FAIRY_PLACES) + places
    problem = rng.choice(D.PROBLEMS[genre])
    thing = problem["thing"]
    kinds = [k for k in D.FRIEND_KINDS if k.split()[-1] not in
             {noun, thing.split()[-1]} | D.FRIEND_NOT.get(thing, set())]
    friend_desc = D.FRIEND_DESC.get(thing) or rng.choice(kinds)
    return Plan(hero, noun, hero_desc, part, colour, friend, at_setting, setting, genre, tone,
                audience, problem, tuple(places), friend_desc=friend_desc,
                kind=D.PROBLEM_KINDS.get(thing, "search"), friend_apart=thing in D.FRIEND_APART,
                friend_by_trouble=thing in D.FRIEND_INTRODUCED_BY_TROUBLE)


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
    return ([[BEGINNING]] * begin + [[PROBLEM]] * problem + [[ATTEMPT]] * attempts
            + [[TURN]] * turn + [[ENDING]] * end)


_STAGE_LETTER = {BEGINNING: "b", PROBLEM: "p", ATTEMPT: "a", TURN: "t", ENDING: "e"}
_LOWER_WORD = re.compile(r"[a-z]+")


def _word_set(text: str) -> set[str]:
    return set(_LOWER_WORD.findall(text.lower()))


def _start(sentence: str) -> str:
    return " ".join(sentence.lower().split()[:2])


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
    return (f"friend was {name}," in sentence or f"called {name}" in sentence
            or f"{name} was a" in sentence or f"{name} was an" in sentence)


class _Composer:
    """Fills templates for one plan, never repeating a sentence within a story.

    It keeps the story coherent: the friend is introduced before any other line names them,
    filler lines come only from pools tagged for the page's stage, and no line contradicts
    another on the same page (see `writer_data.CLASHES`).
    """

    def __init__(self, plan: Plan, rng: random.Random, used: set[str] | None = None):
        self.plan, self.rng = plan, rng
        self.used: set[str] = set(used or ())
        self.keep = KEEP_ELABORATION[plan.audience]
        self.attempt_no = 0
        # no helper of the same kind as the friend (the friend is "a wise old owl" already)
        friend_kind = plan.friend_desc.split()[-1] if plan.friend_desc else ""
        helpers = [h for h in D.HELPERS if h.split()[-1] != friend_kind]
        self.helpers = rng.sample(helpers, len(helpers))
        methods = D.METHODS.get(plan.kind, D.METHODS["search"])
        self.methods = rng.sample(list(methods), len(methods))
        places = [x for x in plan.places if plan.kind != "reach" or x not in D.INDOOR_PLACES]
        self.places = rng.sample(places, len(places))
        self.openers = list(D.ATTEMPT_OPENERS)
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
            "Hero": p.hero, "hero_desc": p.hero_desc, "noun": p.noun, "part": p.part,
            "colour": p.colour, "Friend": p.friend, "friend_desc": p.friend_desc,
            "at_setting": p.at_setting, "setting": p.setting,
            "Setting_cap": p.setting[:1].upper() + p.setting[1:],
            "thing": p.problem["thing"], "goal": p.problem["goal"].format(Friend=p.friend),
            "light": D.LIGHT_WORDS[p.tone], "simile": D.SIMILES.get(p.colour.split()[-1], "a painted door"),
            "habit": self.rng.choice(habits).format(Friend=p.friend), "helper": self.helpers[0],
        }
        values.update(extra)
        return values

    def render(self, template: str, **extra: str) -> str:
        def elaboration(m: re.Match) -> str:
            return m.group(1) if self.rng.random() < self.keep else ""

        text = re.sub(r"\[([^\]]*)\]", elaboration, template)
        text = text.format_map(self.slots(**extra))
        text = " ".join(text.split())
        return text[:1].upper() + text[1:]

    def friend_ok(self, stage: str | None = None) -> bool:
        """May a line name the friend here? Only once introduced, and not while the problem is
        about the friend (then the friend does not help with the attempts)."""
        stage = stage if stage is not None else self.stage
        return self.introduced and not (self.plan.friend_apart and stage in (PROBLEM, ATTEMPT))

    def allowed(self, template: str) -> bool:
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
            if (key not in self.used and not clashes(sentence, self.page_words)
                    and not echoes(sentence, self.page_words)
                    and _start(sentence) not in self.page_starts):
                self.used.add(key)
                self.templates_used.add(template)
                return sentence
        return None

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

    def attempt_core(self) -> tuple[list[str], str]:
        """Two sentences for one try: what the hero did where, and how it went wrong; and the
        scene of it."""
        p, i = self.plan, self.attempt_no
        self.attempt_no += 1
        helper = self.helpers[i % len(self.helpers)]
        did, doing, failures = self.methods[i % len(self.methods)]
        place = self.places[i % len(self.places)]
        if did in D.OUTDOOR_METHODS and place in D.INDOOR_PLACES:
            place = next((self.places[(i + k) % len(self.places)] for k in range(len(self.places))
                          if self.places[(i + k) % len(self.places)] not in D.INDOOR_PLACES), place)
        slots = self.slots(helper=helper, the_helper=re.sub(r"^an? ", "the ", helper))
        did, doing = did.format_map(slots), doing.format_map(slots)
        failure = failures[(i // len(self.methods)) % len(failures)].format_map(slots)
        base = f"{did} {place} {failure}"
        opener = next((o for k in range(len(self.openers))
                       for o in [self.openers[(i + k) % len(self.openers)]]
                       if not clashes(o, _word_set(base))), self.openers[i % len(self.openers)])
        self.page_words |= _word_set(f"{opener} {base}")
        with_friend = False
        if p.audience == "young children":
            first = f"{opener}, {p.hero} {did} {place}."
            second = f"But {failure}."
        else:
            def pick(options: list[str], avoid: str) -> str:
                for k in range(len(options)):
                    t = options[(i + k) % len(options)]
                    if not self.allowed(t) or ("{goal}" in t and "{goal}" in avoid):
                        continue
                    text = t.format_map(slots)
                    if not clashes(text, self.page_words) and text.split()[-1] not in base.split():
                        return t
                return options[i % len(options)] if self.allowed(options[i % len(options)]) else \
                    "full of hope"

            hope_t = pick(self.hopes, "")
            hope = hope_t.format_map(slots)
            self.page_words |= _word_set(hope)
            outcome_t = pick(self.outcomes, hope_t)
            if outcome_t == "full of hope":
                outcome_t = "so {Hero} had to think again"
            outcome = outcome_t.format_map(slots)
            self.page_words |= _word_set(outcome)
            with_friend = "{Friend}" in hope_t
            first = f"{opener}, {p.hero} {did} {place}, {hope}."
            second = f"But {failure}, {outcome}."
        who = p.hero_desc[:1].upper() + p.hero_desc[1:]
        scene = (f"{who}, with {p.friend}, {doing} {place}" if with_friend
                 else f"{who} {doing} {place}")
        return [self.take(first), self.take(second)], scene

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
                intro = "{Hero} was {hero_desc}[ who lived {at_setting}]." if self.keep or single else \
                    "{Hero} was {hero_desc}."
                if f"{p.hero} was".lower() not in " ".join(self.used):
                    self.add(self.take(self.render(intro)), sentences)
                    if not single and self.keep == 0:
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
                    self.add(self.take(self.render("{Hero} wanted to {goal}[, more than anything].")),
                             sentences)
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
        pools = {BEGINNING: D.BEGIN, PROBLEM: D.PROBLEM, ATTEMPT: D.ATTEMPT_EXTRA, TURN: D.TURN,
                 ENDING: D.ENDING}
        order = [D.TONE_LINES[p.tone], pools[main]]
        if p.audience == "adults":
            order = [D.ADULT_LINES, D.TONE_LINES[p.tone], pools[main]]
        tries = 0
        while len(sentences) < target and tries < 3 * len(order):
            s = self.fresh(order[tries % len(order)])
            if s:
                self.add(s, sentences)
            tries += 1
        if len(sentences) < target and main in (BEGINNING, ATTEMPT):
            s = self.fresh(D.DETAIL_LINES)
            if s:
                self.add(s, sentences)
        # falling asleep closes the ending; hurrying off with the answer closes the turn
        last = {ENDING: f"That night, {p.hero} fell asleep", TURN: f"{p.hero} hurried to tell"}.get(main)
        for s in list(sentences[1:]) if last else ():
            if s.startswith(last):
                sentences.remove(s)
                sentences.append(s)
        text = " ".join(sentences)
        return text, self.scene(stages, told, attempt_scene, friend_before, text)

    def scene(self, stages: list[str], told: dict[str, str], attempt_scene: str,
              friend_before: bool, text: str) -> str:
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
                options = [f"{Who} with {p.friend}, {p.friend_desc}, {p.at_setting}, a wide view "
                           "in the morning light"]
            else:
                options = [f"A wide view of {p.setting}, with {who} small in the landscape",
                           f"{Who} at home {p.at_setting}, seen from afar in the morning light"]
        elif stage == PROBLEM:
            options = [f"A close-up of {who}, looking worried about the {p.problem['thing']}",
                       f"{Who} {p.at_setting}, face full of worry, thinking hard"]
        elif stage == ATTEMPT:
            options = [attempt_scene or f"{Who} searching far and wide"]
        elif stage == TURN:
            options = ([f"A close-up of {who}, eyes wide with surprise: {clause(told[TURN])}"]
                       if TURN in told else
                       [f"{Who} hurrying off, full of hope, to put the new idea to work"])
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


def title_for(plan: Plan, rng: random.Random) -> str:
    thing = plan.problem["thing"]
    thing_title = " ".join(w if w in ("of", "the", "on", "to", "who", "how", "about", "a", "in", "from", "and", "was") else
                           w[:1].upper() + w[1:] for w in thing.split())
    noun_title = plan.noun[:1].upper() + plan.noun[1:]
    options = [
        f"{plan.hero} and the {thing_title}",
        f"The {thing_title}",
        f"{plan.hero}, the {noun_title}, and the {thing_title}",
        f"How {plan.hero} Saved the Day",
        f"{plan.hero}'s Big {'Adventure' if plan.genre != 'mystery' else 'Mystery'}",
        f"The {plan.colour.title()} {noun_title} and the {thing_title}",
    ]
    return rng.choice(options)


def _join_pages(story: WrittenStory) -> Iterator[str]:
    yield story.title + "\n\n"
    for page in story.pages:
        yield page.text + "\n\n"


# --- revisions -----------------------------------------------------------------------------


def _replace_words(text: str, table: dict[str, str]) -> str:
    phrases = sorted((k for k in table if " " in k or "," in k), key=len, reverse=True)
    for phrase in phrases:
        text = re.sub(re.escape(phrase), table[phrase], text, flags=re.IGNORECASE)

    def swap(m: re.Match) -> str:
        word = m.group(0)
        new = table.get(word.lower())
        if new is None:
            return word
        return new[:1].upper() + new[1:] if word[:1].isupper() else new

    return re.sub(r"[A-Za-z][A-Za-z-]*", swap, text)


def _simplify_sentence(sentence: str) -> list[str]:
    s = _replace_words(sentence, D.SIMPLER_WORDS)
    # drop long -ly adverbs (not "only", "family"...)
    s = re.sub(r"\b(?!(?:only|family|holy|ugly|silly|jelly|belly|lily|early|friendly|lonely|"
               r"lovely|curly|chilly|jolly|sully|bully|fly|reply|supply|apply))[A-Za-z]{5,}ly\b ?", "", s)
    s = re.sub(r"\s+([,.!?])", r"\1", s)
    s = re.sub(r",\s*,", ",", s)
    parts = re.split(r",\s+(?:and|but|so|because|though|as|while|where|which|who)\s+|;\s+|:\s+", s)
    out = []
    for part in parts:
        part = part.strip().strip(",").strip()
        if not part:
            continue
        if part[-1] not in ".!?\"”":
            part += "."
        out.append(part[:1].upper() + part[1:])
    return out or [sentence]


class OfflineWriter:
    """Stories from a seeded grammar: instant, English, deterministic."""

    engine = "offline"
    model = "story grammar"
    languages = ("en",)

    # --- drafting ---------------------------------------------------------------------------

    def write(self, brief: Brief) -> WrittenStory:
        plan = make_plan(brief)
        rng = random.Random(f"story|{brief.seed}|{brief.caption}|{brief.pages}|{brief.audience}|"
                            f"{brief.genre}|{brief.tone}")
        composer = _Composer(plan, rng)
        low, high = SENTENCES[plan.audience]
        pages = []
        layout = stages_for(max(1, min(int(brief.pages), 24)))
        for stages in layout:
            target = max(low, len(stages) + (1 if plan.audience != "young children" else 0)) \
                if len(stages) > 1 else rng.randint(low, high)
            text, scene = composer.page(stages, target)
            pages.append(WrittenPage(text=text, scene=scene))
        pages = _ensure_unique(pages, composer)
        return WrittenStory(title=title_for(plan, rng), pages=tuple(pages))

    def draft(self, brief: Brief) -> Iterator[WriterChunk]:
        story = self.write(brief)
        yield from _join_pages(story)
        yield story

    # --- revising ---------------------------------------------------------------------------

    def revise(self, brief: Brief, story: WrittenStory, instruction: str) -> Iterator[WriterChunk]:
        key = revision_key(instruction)
        if key is None:
            presets = ", ".join(f'"{label}"' for label in REVISIONS.values())
            raise UnsupportedInstruction(
                f"The offline writer can only follow the preset revisions ({presets}); free-text "
                "instructions need a language model: choose a local or remote writer in Settings.")
        revised = self.revised(brief, story, key)
        yield from _join_pages(revised)
        yield revised

    def revised(self, brief: Brief, story: WrittenStory, key: str) -> WrittenStory:
        plan = make_plan(brief)
        rng = random.Random(f"revise|{key}|{brief.seed}|{len(story.pages)}|"
                            + "|".join(p.text for p in story.pages))
        composer = _Composer(plan, rng, used={s.lower() for p in story.pages for s in split_sentences(p.text)})
        pages = []
        friend = plan.friend.lower()
        for index, page in enumerate(story.pages):
            sentences = split_sentences(page.text)
            before = " ".join(p.text for p in story.pages[:index])

            def insert(at: int, *pools) -> None:
                """Insert a fresh line at `at`, naming the friend only if introduced above it
                and contradicting nothing on the page."""
                composer.introduced = friend in _word_set(" ".join([before] + sentences[:at]))
                composer.page_words = _word_set(" ".join(sentences))
                composer.page_starts = {_start(s) for s in sentences}
                for pool in pools:
                    line = composer.fresh(pool)
                    if line:
                        sentences.insert(at, line)
                        return

            if key == "shorter":
                sentences = _shorter(sentences)
            elif key == "simpler":
                sentences = [part for s in sentences for part in _simplify_sentence(s)]
            elif key == "funnier":
                insert(min(len(sentences), max(1, len(sentences) - 1)), D.FUNNY_LINES)
            elif key == "longer":
                for _ in range(2 if len(sentences) < 4 else 1):
                    insert(rng.randint(1, max(1, len(sentences))), D.DETAIL_LINES, D.CALM_LINES)
            elif key == "exciting":
                sentences = [_replace_words(s, D.EXCITING_WORDS) for s in sentences]
                insert(min(len(sentences), 1), D.EXCITING_LINES)
            elif key == "calmer":
                sentences = [_replace_words(s, D.CALM_WORDS).replace("!", ".") for s in sentences]
                sentences = [re.sub(r"\.{2,}", ".", s) for s in sentences]
                insert(len(sentences), D.CALM_LINES)
            text = " ".join(sentences).strip() or page.text
            pages.append(WrittenPage(text=text, scene=page.scene))
        return WrittenStory(title=story.title, pages=tuple(pages))

    # --- extending --------------------------------------------------------------------------

    def extend(self, brief: Brief, story: WrittenStory, extra_pages: int) -> Iterator[WriterChunk]:
        extended, new_pages = self.extended(brief, story, extra_pages)
        yield story.title + "\n\n"
        for page in new_pages:
            yield page.text + "\n\n"
        yield extended

    def extended(self, brief: Brief, story: WrittenStory,
                 extra_pages: int) -> tuple[WrittenStory, list[WrittenPage]]:
        extra = max(0, min(int(extra_pages), 24 - len(story.pages)))
        if extra == 0:
            return story, []
        plan = make_plan(brief)
        rng = random.Random(f"extend|{brief.seed}|{extra}|" + "|".join(p.text for p in story.pages))
        used = {s.lower() for p in story.pages for s in split_sentences(p.text)}
        composer = _Composer(plan, rng, used=used)
        # attempts already told: continue after them with new helpers, places and openers
        old_text = " ".join(p.text for p in story.pages)
        composer.attempt_no = sum(1 for o in D.ATTEMPT_OPENERS if f"{o}, {plan.hero} " in old_text)
        lowered = old_text.lower()
        for name in ("helpers", "methods", "places"):
            pool = getattr(composer, name)
            unused = [x for x in pool
                      if (x[0] if isinstance(x, tuple) else x).split("{")[0].strip().lower() not in lowered]
            # unused ones first, at the positions the next attempts will read
            rest = [x for x in pool if x not in unused]
            ordered = unused + rest
            shift = composer.attempt_no % len(ordered)
            setattr(composer, name, ordered[-shift:] + ordered[:-shift] if shift else ordered)
        n = len(story.pages)
        if n == 1:
            at = 1  # a one-page story is complete: new pages follow it as more tries, told after
        else:
            tail = sum(1 for stages in stages_for(n) if stages[-1] in (TURN, ENDING))
            at = max(1, n - tail)
        low, high = SENTENCES[plan.audience]
        new_pages = []
        for _ in range(extra):
            text, scene = composer.page([ATTEMPT], rng.randint(low, high))
            new_pages.append(WrittenPage(text=text, scene=scene))
        new_pages = _ensure_unique(new_pages, composer, existing={p.text for p in story.pages})
        pages = list(story.pages[:at]) + new_pages + list(story.pages[at:])
        return WrittenStory(title=story.title, pages=tuple(pages)), new_pages


def _shorter(sentences: list[str]) -> list[str]:
    if len(sentences) >= 2:
        return sentences[: max(1, math.ceil(len(sentences) / 2))]
    if sentences:
        s = sentences[0]
        cut = max(s.rfind(", "), s.rfind("; "))
        if cut > 10:
            return [s[:cut].rstrip() + "."]
        ws = s.split()
        if len(ws) > 6:
            return [" ".join(ws[: max(4, len(ws) * 2 // 3)]).rstrip(",;:") + "."]
    return sentences


def _ensure_unique(pages: list[WrittenPage], composer: _Composer,
                   existing: set[str] | None = None) -> list[WrittenPage]:
    """No blank page and no page repeating another: add a fresh detail line where needed."""
    seen = {t.strip().lower() for t in (existing or set())}
    out = []
    for page in pages:
        text = page.text.strip()
        while not text or text.lower() in seen:
            composer.page_words = _word_set(text)
            composer.page_starts = {_start(s) for s in split_sentences(text)}
            line = (composer.fresh(D.DETAIL_LINES) or composer.fresh(D.CALM_LINES)
                    or f"And so page {len(out) + 1} of the story went on.")
            text = f"{text} {line}".strip()
        seen.add(text.lower())
        out.append(WrittenPage(text=text, scene=page.scene))
    return out
