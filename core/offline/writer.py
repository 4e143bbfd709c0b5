"""The offline writer: a seeded story grammar.

A story is planned from the caption and the Brief: a hero (the caption's subject, given a name), its
colour, the setting, and one problem of the genre with the places its attempts happen in; the pages
are spread over five stages (beginning, problem, attempts, turn, ending; one page holds all five in
small). Sentences come from template pools (`core.offline.writer_data`) with elaborations that only
older readers get and `<a|b>` wordings graded by `core.offline.wordlist`. Everything is drawn from
`random.Random` seeded by the brief: the same brief gives the same story, another seed another one.

The plan is told in a `Style`: the reader's level (clauses split for first readers, neighbours
joined for older ones and adults, words of their grade) and what a revision asked for. Each book is
measured (`core.reading.readability`) and told again with longer or shorter sentences when it falls outside
its audience's Flesch-Kincaid band. Revisions re-tell the plan in the preset's style rather than
patching words; a page a person wrote gets only changes that cannot break its grammar.

It writes English only (`languages = ("en",)`): for another language it still writes English and
the studio says so. It follows only the preset revisions of `core.prompts.REVISIONS`; free text
raises `UnsupportedInstruction`.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from lemminflect import getAllLemmas, getInflection

from core.errors import UnsupportedInstruction
from core.offline import writer_data as D
from core.offline.wordlist import fill_choices
from core.prompts import REVISIONS, revision_key
from core.providers.base import Brief, WriterStream, WrittenPage, WrittenStory
from core.reading.readability import flesch_kincaid_grade
from core.reading.syllables import syllables

BEGINNING, PROBLEM, ATTEMPT, TURN, ENDING = "beginning", "problem", "attempt", "turn", "ending"

# sentences per page: (min, max)
SENTENCES = {"young children": (2, 3), "older children": (4, 5), "adults": (5, 7)}
LEVELS = {"young children": 0, "older children": 1, "adults": 2}
KEEP_ELABORATION = (0.0, 0.8, 1.0)  # by reading level
# the Flesch-Kincaid grades a book of each reading level is steered into (inside the targets:
# young children <= 2, older children 3-5, adults >= 6)
GRADE_BANDS = {0: (-math.inf, 1.8), 1: (3.3, 4.7), 2: (6.3, math.inf)}
MOODS = {"funnier": "funny", "exciting": "exciting", "calmer": "calm"}

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
    text = " ".join(
        s
        for s in split_sentences(text)
        if "offline engine" not in s.lower() and not re.match(r"\s*no\b", s, re.IGNORECASE)
    ).lower()
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
                if singular(word) in table and not (
                    i > 0
                    and plain[i - 1] == "of"
                    and wanted == "object"
                    and i > 1
                    and singular(plain[i - 2]) in D.OBJECTS
                ):
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
                if (
                    candidate not in D.NOT_SUBJECTS
                    and candidate not in D.SETTINGS
                    and len(candidate) > 2
                    and candidate not in D.COLOURS
                    and candidate.isalpha()
                    and candidate not in {"very", "few", "little", "bit", "lot", "and", "with", "of", "in", "on"}
                ):
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
    for m in re.finditer(
        r"\b(" + "|".join(re.escape(c) for c in sorted(D.COLOURS, key=len, reverse=True)) + r")\s+([a-z]+)\b", text
    ):
        following = m.group(2)
        if (
            following not in D.COLOURS
            and following not in D.ADJECTIVES
            and following != noun
            and following.rstrip("s") != noun
            and following not in D.SETTINGS
            and following not in D.NOT_SUBJECTS
            and len(following) > 2
            and following
            not in {
                "and",
                "with",
                "the",
                "tones",
                "tone",
                "light",
                "colour",
                "colours",
                "color",
                "colors",
                "shade",
                "shades",
                "hue",
            }
        ):
            feature = f"{'grey' if m.group(1) == 'gray' else m.group(1)} {following}"
            break

    at_setting = ""
    setting_words = sorted(D.SETTINGS, key=len, reverse=True)
    pattern = re.compile(
        r"\b(in|on|at|by|near|under|beside|inside|outside|across|along|over)\s+"
        r"(?:(a|an|the|some|his|her|their|its|my|our)\s+)?((?:[a-z]+\s+){0,2}?)("
        + "|".join(re.escape(s) for s in setting_words)
        + r")\b"
    )
    matches = [m for m in pattern.finditer(text) if m.group(4) != "front of"]
    matches.sort(key=lambda m: m.group(4) in D.SMALL_SETTINGS)  # stable: big places first
    if matches:
        m = matches[0]
        middle = " ".join(w for w in m.group(3).split() if w in D.ADJECTIVES or w in D.COLOURS)
        at_setting = " ".join(p for p in (m.group(1), "the", middle, m.group(4)) if p)
    else:
        for word in plain:
            if word in D.SETTINGS and word not in D.SMALL_SETTINGS and word not in ("sky", "of"):
                prep = (
                    "on"
                    if word
                    in (
                        "beach",
                        "farm",
                        "island",
                        "hill",
                        "road",
                        "street",
                        "field",
                        "shore",
                        "roof",
                        "balcony",
                        "porch",
                    )
                    else "in"
                )
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


def plan_facts(plan: Plan) -> tuple[tuple[str, str], ...]:
    """What a story was planned on, kept with its draft (`Draft.plan`): who, where, what went
    wrong and how it was solved, as the classroom's questions ask (`core.reading.questions`). The problem's
    sentences are templates: `template_regex` finds their telling in the text."""
    return (
        ("hero", plan.hero),
        ("hero_desc", plan.hero_desc),
        ("friend", plan.friend),
        ("friend_desc", plan.friend_desc),
        ("at_setting", plan.at_setting),
        ("thing", plan.problem["thing"]),
        ("goal", plan.problem["goal"].format(Friend=plan.friend)),
        ("trouble", plan.problem["trouble"]),
        ("turn", plan.problem["turn"]),
        ("end", plan.problem["end"]),
    )


def _a(phrase: str) -> str:
    return ("an " if phrase[:1].lower() in "aeiou" else "a ") + phrase


def make_plan(brief: Brief) -> Plan:
    rng = random.Random(f"plan|{brief.seed}|{brief.caption}|{brief.genre}|{brief.tone}")
    genre, tone, audience = genre_key(brief.genre), tone_key(brief.tone), audience_key(brief.audience)
    subject = read_caption(brief.caption)
    # first readers meet one-syllable names: the name is the word they read most often
    short = audience == "young children"
    hero = rng.choice([n for n in D.NAMES if not short or syllables(n) == 1])
    friend = rng.choice([f for f in D.FRIENDS if f != hero and (not short or syllables(f) == 1)])
    noun, kind = subject.noun, subject.kind
    if not noun or noun == "person":
        noun, kind = rng.choice(D.ROLES[genre]), "person"
    colour = (
        subject.colours[0] if subject.colours else rng.choice(("golden", "blue", "red", "green", "silver", "orange"))
    )
    if kind == "animal":
        part = D.ANIMALS.get(noun, "fur")
    elif kind == "person":
        part = "coat" if not subject.feature else subject.feature.split(" ", 1)[1]
    else:
        part = "paint"
    if subject.feature:
        colour = subject.feature.split(" ", 1)[0]
    adjectives = list(subject.adjectives) or [rng.choice(("little", "curious", "brave", "small", "cheerful"))]
    with_colour = (
        f"with {_a(subject.feature)}"
        if subject.feature and not subject.feature.endswith("s")
        else f"with {subject.feature}"
        if subject.feature
        else (f"with {colour} {part}" if kind != "object" and colour not in adjectives else "")
    )
    if kind == "object" and not subject.feature:
        adjectives.append(colour)
    if kind == "person" and not subject.feature and colour not in adjectives:
        with_colour = f"in a {colour} {part}"
    hero_desc = " ".join([_a(" ".join(adjectives + [noun]))] + ([with_colour] if with_colour else []))
    if subject.at_setting:
        at_setting = subject.at_setting
    else:
        prep, place = rng.choice(D.DEFAULT_SETTINGS[genre])
        at_setting = f"{prep} {place}"
    setting = at_setting.split(" ", 1)[1] if " " in at_setting else at_setting
    problem = rng.choice(D.PROBLEMS[genre])
    thing = problem["thing"]
    places = list(D.PROBLEM_PLACES[thing])  # the attempts search where the problem points
    kinds = [
        k for k in D.FRIEND_KINDS if k.split()[-1] not in {noun, thing.split()[-1]} | D.FRIEND_NOT.get(thing, set())
    ]
    friend_desc = D.FRIEND_DESC.get(thing) or rng.choice(kinds)
    return Plan(
        hero,
        noun,
        hero_desc,
        part,
        colour,
        friend,
        at_setting,
        setting,
        genre,
        tone,
        audience,
        problem,
        tuple(places),
        friend_desc=friend_desc,
        kind=D.PROBLEM_KINDS.get(thing, "search"),
        friend_apart=thing in D.FRIEND_APART,
        friend_by_trouble=thing in D.FRIEND_INTRODUCED_BY_TROUBLE,
    )


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


def clashes(sentence: str, page_words: set[str]) -> bool:
    """Whether a sentence contradicts words already on its page ("loudly" beside "quietly")."""
    mine = _word_set(sentence)
    return any((mine & a and page_words & b) or (mine & b and page_words & a) for a, b in D.CLASHES)


def echoes(sentence: str, page_words: set[str]) -> bool:
    """Whether a filler line would only repeat what its page already says."""
    mine = _word_set(sentence)
    return any(mine & group and page_words & group for group in D.ECHOES)


# words that open a clause of their own after ", and" / ", but" / ", so"
_CLAUSE_START = {
    "he",
    "she",
    "it",
    "they",
    "we",
    "nobody",
    "no",
    "everyone",
    "everybody",
    "there",
    "the",
    "a",
    "an",
    "its",
    "their",
    "his",
    "her",
    "then",
    "only",
    "neither",
    "soon",
    "one",
    "all",
}
_JOINER = re.compile(r",\s+(and|but|so)\s+([A-Za-z']+)")


def split_clauses(sentence: str, names: set[str]) -> list[str]:
    """A compound sentence as one sentence per clause: "The kite flew away, and nobody saw it."
    becomes "The kite flew away. And nobody saw it." Only joins followed by a new subject are
    split, so no part is ever a fragment; quoted speech is left whole."""
    if '"' in sentence or "“" in sentence:
        return [sentence]
    parts, start = [], 0
    for m in _JOINER.finditer(sentence):
        clause = sentence[m.end(1) :].split(",")[0]
        if (m.group(2).lower() in _CLAUSE_START or m.group(2) in names) and _has_finite_verb(clause):
            parts.append(sentence[start : m.start()].strip() + ".")
            start = m.start(1)
    rest = sentence[start:].strip()
    parts.append(rest)
    return [p[:1].upper() + p[1:] for p in parts if p]


_FINITE = {"was", "were", "is", "are", "had", "has", "did", "does", "could", "would", "will", "can", "should"}


def _has_finite_verb(clause: str) -> bool:
    """Whether a clause has a verb in the past or present tense ("nobody knew why"), unlike a
    phrase ("a very good one"), which must not stand as a sentence."""
    for word in re.findall(r"[a-z]+", clause.lower()):
        if word in _FINITE:
            return True
        lemmas = getAllLemmas(word).get("VERB", ())
        if any(word in getInflection(lemma, tag) for lemma in lemmas for tag in ("VBD", "VBZ")):
            return True
    return False


def joinable(first: str, second: str, limit: int) -> bool:
    """Whether two neighbouring sentences read well as one: plain statements, short enough
    together, no introduction, and at most one semicolon in the result."""
    plain = (
        first.endswith(".")
        and second.endswith((".", "!"))
        and all(
            '"' not in x and "“" not in x and ":" not in x and ";" not in x and "best friend was" not in x
            for x in (first, second)
        )
    )
    return (
        plain
        and len(words(first)) + len(words(second)) <= limit
        and not second.startswith(("And ", "So ", "Then ", "At last", "That night"))
    )


def join(first: str, second: str) -> str:
    """Two sentences as one: "..., but ..." for a contrast, "..., and ..." otherwise, and a
    semicolon where either already joins clauses (no "and ..., and ..." chains)."""
    head = first[:-1]
    word = re.sub(r"'s$", "", second.split(" ", 1)[0])
    rest = second if word in D.NAMES or word in D.FRIENDS or word == "I" else second[:1].lower() + second[1:]
    if ", and " in first or ", and " in second or ", but " in second:
        return f"{head}; {rest}"
    if second.startswith("But "):
        return f"{head}, but {second[4:]}"
    return f"{head}, and {rest}"


_AN_EXCEPTIONS = ("one", "uni", "use", "usu", "eu")


def fix_articles(text: str) -> str:
    """ "a" or "an" as the next word sounds, after a choice of wording changed that word."""

    def article(m: re.Match) -> str:
        word = m.group(2)
        vowel = (
            word[:1].lower() in "aeiou"
            and not word.lower().startswith(_AN_EXCEPTIONS)
            or word.lower().startswith(("hour", "honest"))
        )
        a = "an" if vowel else "a"
        return (a.capitalize() if m.group(1)[0].isupper() else a) + " " + word

    return re.sub(r"\b([Aa]n?) ([A-Za-z]+)", article, text)


def introduces(sentence: str, name: str) -> bool:
    """Whether a sentence introduces a character by name (names them as who they are)."""
    return (
        f"friend was {name}," in sentence
        or f"called {name}" in sentence
        or f"{name} was a" in sentence
        or f"{name} was an" in sentence
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
        # no helper of the same kind as the friend (the friend is "a wise old owl" already)
        friend_kind = plan.friend_desc.split()[-1] if plan.friend_desc else ""
        helpers = [h for h in D.HELPERS if h.split()[-1] != friend_kind]
        self.helpers = rng.sample(helpers, len(helpers))
        methods = D.METHODS.get(plan.kind, D.METHODS["search"])
        self.methods = rng.sample(list(methods), len(methods))
        places = [x for x in plan.places if plan.kind != "reach" or x not in D.INDOOR_PLACES] or list(plan.places)
        self.places = rng.sample(places, len(places))
        if all(x in D.INDOOR_PLACES for x in places):  # nowhere to dig or climb: other kinds of try
            self.methods = [m for m in self.methods if m[0] not in D.OUTDOOR_METHODS]
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
            "goal": p.problem["goal"].format(Friend=p.friend),
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
        again when the hero's description already did ("a grey dog ... its fur was grey")."""
        if "{colour}" in template and "{part}" in template and self.plan.colour in self.plan.hero_desc:
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
                and not clashes(sentence, self.page_words)
                and not echoes(sentence, self.page_words)
                and _start(sentence) not in self.page_starts
            ):
                self.used.add(key)
                self.templates_used.add(template)
                return sentence
        return None

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

    def attempt_core(self) -> tuple[list[str], str]:
        """Two sentences for one try: what the hero did where, and how it went wrong; and the
        scene of it."""
        p, i = self.plan, self.attempt_no
        self.attempt_no += 1
        helper = self.helpers[i % len(self.helpers)]
        did, doing, failures = self.methods[i % len(self.methods)]
        place = self.places[i % len(self.places)]
        if did in D.OUTDOOR_METHODS and place in D.INDOOR_PLACES:
            place = next(x for x in self.places[i % len(self.places) :] + self.places if x not in D.INDOOR_PLACES)
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
        if self.style.length < 0:  # "shorter": the try and how it went wrong, nothing more
            core = [self.take(f"{opener}, {p.hero} {did} {place}.")]
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
                    if not self.allowed(t) or ("{goal}" in t and "{goal}" in avoid):
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
            outcome = self.fill(outcome_t, slots)
            self.page_words |= _word_set(outcome)
            with_friend = "{Friend}" in hope_t
            first = f"{opener}, {p.hero} {did} {place}, {hope}."
            core = [self.take(first)]
            second = f"But {failure}, {outcome}."
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
        mood_line = self.fresh(D.MOOD_LINES[self.style.mood]) if self.style.mood else None
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
            out[i : i + 2] = [join(out[i], out[i + 1])]
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


_SMALL_WORDS = {"of", "the", "on", "to", "about", "a", "an", "in", "from", "and", "with", "for", "at", "by"}


def _title_case(phrase: str, first: bool = True) -> str:
    """Title capitals, small words lower case except at the start (when `first`)."""
    out = []
    for i, w in enumerate(phrase.split()):
        out.append(w if (w in _SMALL_WORDS and (i or not first)) or w[:1].isupper() else w[:1].upper() + w[1:])
    return " ".join(out)


def _goal_as(goal: str, tag: str) -> str:
    """The goal with its verb in another form: "find the key" -> "Found the Key" (tag VBD)."""
    verb, _, rest = goal.partition(" ")
    form = getInflection(verb, tag)
    return _title_case(f"{form[0] if form else verb} {rest}".strip())


def title_for(plan: Plan, rng: random.Random) -> str:
    """A title made from the plan: its hero, problem, goal, friend, colour or place."""
    thing = _title_case(plan.problem["thing"])
    noun = _title_case(plan.noun)
    hero, goal = plan.hero, plan.problem["goal"].format(Friend=plan.friend)
    options = [
        f"{hero} and the {thing}",
        f"The {thing}",
        f"{hero}, the {noun}, and the {thing}",
        f"The {plan.colour.title()} {noun} and the {thing}",
        f"The Day {hero} {_goal_as(goal, 'VBD')}",
        f"{hero} {_goal_as(goal, 'VBZ')}",
        f"{_a(noun)[0].upper()}{_a(noun)[1:]} Called {hero}",
        f"{hero} and {plan.friend}",
        f"How {hero} Tried to {_title_case(goal)}",
        f"{hero} and the Search for the {thing}" if plan.kind == "search" else f"{hero} on the Way to the {thing}",
        f"{plan.friend}, {hero} and the {thing}",
        f"The {noun} Who Would Not Give Up",
        f"{hero} {_title_case(plan.at_setting, first=False)}",
        f"Once, {_title_case(plan.at_setting, first=False)}",
        f"{hero} Finds a Way",
    ]
    if plan.kind == "search":  # "A Silver Compass for Ada"; a hill or a kite to bring home does not read so
        options.append(f"{_a(thing)[0].upper()}{_a(thing)[1:]} for {hero}")
    return rng.choice(options)


def _join_pages(story: WrittenStory) -> Iterator[str]:
    yield story.title + "\n\n"
    for page in story.pages:
        yield page.text + "\n\n"


# --- revisions -----------------------------------------------------------------------------


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


def swap_words(sentence: str, table: dict[str, str]) -> str:
    """Replace words by their table entry, inflected like the word they replace (lemminflect):
    "discovered" -> "found", "enormous" -> "huge"; a word the table's entry cannot take the form
    of is kept."""
    tokens = re.split(r"([A-Za-z]+)", sentence)
    for i in range(1, len(tokens), 2):
        word = tokens[i]
        new = _inflected_swap(word.lower(), table, tokens[i - 2].lower() if i >= 2 else "")
        if new:
            tokens[i] = new[:1].upper() + new[1:] if word[:1].isupper() else new
    return "".join(tokens)


def _inflected_swap(word: str, table: dict[str, str], before: str) -> str | None:
    if word in table:
        return table[word]
    for pos, lemmas in getAllLemmas(word).items():
        for lemma in lemmas:
            if lemma not in table or lemma == word:
                continue
            new = table[lemma]
            if " " in new:
                return None
            if pos in ("VERB", "AUX"):
                participle = before in ("had", "has", "have", "was", "were", "been", "being", "is", "are")
                for tag in (("VBN",) if participle else ()) + ("VBD", "VBG", "VBZ", "VB"):
                    if word in getInflection(lemma, tag):
                        form = getInflection(new, tag)
                        return form[0] if form else None
            if pos == "NOUN":
                for tag in ("NN", "NNS"):
                    if word in getInflection(lemma, tag):
                        form = getInflection(new, tag)
                        return form[0] if form else None
            return None
    return None


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
    return best


def _tell_once(brief: Brief, style: Style, count: int, aim_shift: float) -> WrittenStory:
    plan = make_plan(brief)
    rng = random.Random(f"story|{brief.seed}|{brief.caption}|{count}|{brief.audience}|{brief.genre}|{brief.tone}")
    composer = _Composer(plan, rng, style=style)
    composer.aim_shift = aim_shift
    low, high = _sentences_per_page(plan.audience, style)
    written = []
    for stages in stages_for(count):
        target = max(low, len(stages) + (1 if style.level else 0)) if len(stages) > 1 else rng.randint(low, high)
        text, scene = composer.page(stages, target)
        written.append(WrittenPage(text=text, scene=scene))
    written = _ensure_unique(written, composer)
    return WrittenStory(title=title_for(plan, rng), pages=tuple(written), plan=plan_facts(plan))


class OfflineWriter:
    """Stories from a seeded grammar: instant, English, deterministic."""

    engine = "offline"
    model = "story grammar"
    languages = ("en",)

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
        """The story re-told from its plan in the revision's style.

        A page the writer wrote (in the draft's style or after any preset) is replaced by the
        same page of the plan told in the new style: shorter sentences and easier words for
        "simpler", vivid wordings and lines for "more exciting", and so on; nothing is patched
        word by word. A page a person wrote or that was added by enlarging keeps its sentences and
        gets what can be done to it safely: clauses split and hard words replaced by easier words
        of the same form, a line added, or its second half left out."""
        n = len(story.pages)
        renders = [self.render(brief, style_for(brief.audience, k), pages=n) for k in (None, *REVISIONS)]
        target = self.render(brief, style_for(brief.audience, key), pages=n)
        plan = make_plan(brief)
        names = {plan.hero, plan.friend}
        rng = random.Random(f"revise|{key}|{brief.seed}|{n}|" + "|".join(p.text for p in story.pages))
        composer = _Composer(
            plan,
            rng,
            style=style_for(brief.audience, key),
            used={s.lower() for p in target.pages for s in split_sentences(p.text)},
        )
        friend = plan.friend.lower()
        pages = []
        for index, page in enumerate(story.pages):
            if any(r.pages[index].text == page.text for r in renders):
                pages.append(WrittenPage(text=target.pages[index].text, scene=page.scene))
                continue
            sentences = split_sentences(page.text)
            before = " ".join(p.text for p in pages)

            def insert(at: int, pool, sentences=sentences, before=before) -> None:
                """A fresh line at `at`, naming the friend only if introduced above it."""
                composer.introduced = friend in _word_set(" ".join([before] + sentences[:at]))
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
            pages.append(WrittenPage(text=text, scene=page.scene))
        pages = _ensure_unique(pages, composer)
        return WrittenStory(title=story.title, pages=tuple(pages), plan=plan_facts(plan))

    def style_of(self, brief: Brief, story: WrittenStory) -> Style:
        """The style most of the story's pages were told in (the draft's or a preset's), so new
        pages read like the old ones; the draft's style when none match."""
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
        for _ in range(extra):
            text, scene = composer.page([ATTEMPT], rng.randint(low, high))
            new_pages.append(WrittenPage(text=text, scene=scene))
        new_pages = _ensure_unique(new_pages, composer, existing={p.text for p in story.pages})
        pages = list(story.pages[:at]) + new_pages + list(story.pages[at:])
        return WrittenStory(title=story.title, pages=tuple(pages), plan=plan_facts(plan)), new_pages


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
        out.append(WrittenPage(text=text, scene=page.scene))
    return out
