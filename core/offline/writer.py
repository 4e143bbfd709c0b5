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
    """The hero, its colours and the setting, from whatever a person or a model wrote."""
    text = " ".join(_CONTROL.sub(" ", caption or "").split())[:1500].lower()
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
    return Plan(hero, noun, hero_desc, part, colour, friend, at_setting, setting, genre, tone,
                audience, problem, tuple(places))


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


class _Composer:
    """Fills templates for one plan, never repeating a sentence within a story."""

    def __init__(self, plan: Plan, rng: random.Random, used: set[str] | None = None):
        self.plan, self.rng = plan, rng
        self.used: set[str] = set(used or ())
        self.keep = KEEP_ELABORATION[plan.audience]
        self.attempt_no = 0
        self.helpers = rng.sample(D.HELPERS, len(D.HELPERS))
        self.methods = rng.sample(D.METHODS, len(D.METHODS))
        self.failures = rng.sample(D.FAILURES, len(D.FAILURES))
        self.places = rng.sample(plan.places, len(plan.places))
        self.openers = list(D.ATTEMPT_OPENERS)
        self.hopes = rng.sample(D.ATTEMPT_HOPES, len(D.ATTEMPT_HOPES))
        self.outcomes = rng.sample(D.ATTEMPT_OUTCOMES, len(D.ATTEMPT_OUTCOMES))

    def slots(self, **extra: str) -> dict[str, str]:
        p = self.plan
        values = {
            "Hero": p.hero, "hero_desc": p.hero_desc, "noun": p.noun, "part": p.part,
            "colour": p.colour, "Friend": p.friend, "at_setting": p.at_setting, "setting": p.setting,
            "thing": p.problem["thing"], "goal": p.problem["goal"].format(Friend=p.friend),
            "light": D.LIGHT_WORDS[p.tone], "simile": D.SIMILES.get(p.colour.split()[-1], "a painted door"),
            "habit": self.rng.choice(D.HABITS).format(Friend=p.friend), "helper": self.helpers[0],
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

    def fresh(self, pool, **extra: str) -> str | None:
        """A sentence from the pool not used yet in this story (None if the pool is spent)."""
        for template in self.rng.sample(list(pool), len(pool)):
            sentence = self.render(template, **extra)
            key = sentence.lower()
            if key not in self.used:
                self.used.add(key)
                return sentence
        return None

    def take(self, sentence: str) -> str:
        self.used.add(sentence.lower())
        return sentence

    def attempt_core(self) -> tuple[list[str], str]:
        i = self.attempt_no
        self.attempt_no += 1
        helper = self.helpers[i % len(self.helpers)]
        method = self.methods[i % len(self.methods)].format(helper=helper)
        place = self.places[i % len(self.places)]
        failure = self.failures[i % len(self.failures)].format(helper=helper, Hero=self.plan.hero)
        opener = self.openers[i % len(self.openers)]
        if self.plan.audience == "young children":
            first = f"{opener}, {self.plan.hero} {method} {place}."
            second = f"But {failure}."
        else:
            slots = self.slots()
            hope = self.hopes[i % len(self.hopes)].format_map(slots)
            outcome = self.outcomes[i % len(self.outcomes)].format_map(slots)
            first = f"{opener}, {self.plan.hero} {method} {place}, {hope}."
            second = f"But {failure}, {outcome}."
        return [self.take(first), self.take(second)], place

    def page(self, stages: list[str], target: int) -> tuple[str, str]:
        """(text, scene) for a page carrying these stages."""
        p, sentences, place = self.plan, [], ""
        single = len(stages) > 1
        for stage in stages:
            if stage == BEGINNING:
                intro = "{Hero} was {hero_desc}[ who lived {at_setting}]." if self.keep or single else \
                    "{Hero} was {hero_desc}."
                if f"{p.hero} was".lower() not in " ".join(self.used):
                    sentences.append(self.take(self.render(intro)))
                    if not single and self.keep == 0:
                        sentences.append(self.take(self.render("{Hero} lived {at_setting}.")))
                else:
                    s = self.fresh(D.BEGIN)
                    if s:
                        sentences.append(s)
            elif stage == PROBLEM:
                trouble = self.render(p.problem["trouble"], Friend=p.friend)
                if trouble.lower() not in self.used:
                    sentences.append(self.take(trouble))
                    if single or self.keep:
                        sentences.append(self.take(self.render("{Hero} wanted to {goal}[, more than anything].")))
                else:
                    s = self.fresh(D.PROBLEM)
                    if s:
                        sentences.append(s)
            elif stage == ATTEMPT:
                core, place = self.attempt_core()
                sentences.extend(core)
            elif stage == TURN:
                turn = self.render(p.problem["turn"])
                if turn.lower() not in self.used:
                    sentences.append(self.take(turn))
                else:
                    s = self.fresh(D.TURN)
                    if s:
                        sentences.append(s)
            elif stage == ENDING:
                end = self.render(p.problem["end"])
                if end.lower() not in self.used:
                    sentences.append(self.take(end))
                else:
                    s = self.fresh(D.ENDING)
                    if s:
                        sentences.append(s)
        # fill up to the target with stage lines, tone lines and (adults) reflective lines
        main = stages[-1]
        pools = {BEGINNING: D.BEGIN, PROBLEM: D.PROBLEM, ATTEMPT: D.ATTEMPT_EXTRA, TURN: D.TURN,
                 ENDING: D.ENDING}
        order = [D.TONE_LINES[p.tone], pools[main]]
        if p.audience == "adults":
            order = [D.ADULT_LINES, D.TONE_LINES[p.tone], pools[main]]
        tries = 0
        while len(sentences) < target and tries < 6:
            pool = order[tries % len(order)]
            s = self.fresh(pool)
            if s:
                sentences.append(s)
            tries += 1
        if main == ENDING and not single:  # the ending's last line closes the story
            closing = self.render(p.problem["end"]).lower()
            for s in list(sentences):
                if s.lower() == closing:
                    sentences.remove(s)
                    sentences.append(s)
        return " ".join(sentences), self.scene(stages, place)

    def scene(self, stages: list[str], place: str) -> str:
        p = self.plan
        stage = stages[-1] if len(stages) == 1 else "single"
        who = p.hero_desc
        options = {
            BEGINNING: [f"A wide view of {p.setting}, with {who} small in the landscape",
                        f"{who.capitalize()} at home {p.at_setting}, seen from afar in the morning light"],
            PROBLEM: [f"A close-up of {who}, looking worried about the {p.problem['thing']}",
                      f"{who.capitalize()} {p.at_setting}, face full of worry, thinking hard"],
            ATTEMPT: [f"{who.capitalize()} searching {place or 'far and wide'}, the whole place in view",
                      f"{who.capitalize()} and a helper {place or 'on the way'}, trying a new idea"],
            TURN: [f"A close-up of the face of {who}, eyes wide as the answer appears",
                   f"{who.capitalize()} discovering the answer, close-up, full of surprise"],
            ENDING: [f"{who.capitalize()} and {p.friend} celebrating {p.at_setting} at sunset, a wide view",
                     f"A wide view of {p.setting} at dusk, {who} happy and at home"],
            "single": [f"{who.capitalize()} {p.at_setting}, with the {p.problem['thing']} close by"],
        }
        text = self.rng.choice(options[stage])
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
        for index, page in enumerate(story.pages):
            sentences = split_sentences(page.text)
            if key == "shorter":
                sentences = _shorter(sentences)
            elif key == "simpler":
                sentences = [part for s in sentences for part in _simplify_sentence(s)]
            elif key == "funnier":
                line = composer.fresh(D.FUNNY_LINES)
                if line:
                    sentences.insert(min(len(sentences), max(1, len(sentences) - 1)), line)
            elif key == "longer":
                for _ in range(2 if len(sentences) < 4 else 1):
                    line = composer.fresh(D.DETAIL_LINES) or composer.fresh(D.TONE_LINES[plan.tone])
                    if line:
                        sentences.insert(rng.randint(1, max(1, len(sentences))), line)
            elif key == "exciting":
                sentences = [_replace_words(s, D.EXCITING_WORDS) for s in sentences]
                line = composer.fresh(D.EXCITING_LINES)
                if line:
                    sentences.insert(min(len(sentences), 1), line)
            elif key == "calmer":
                sentences = [_replace_words(s, D.CALM_WORDS).replace("!", ".") for s in sentences]
                sentences = [re.sub(r"\.{2,}", ".", s) for s in sentences]
                line = composer.fresh(D.CALM_LINES)
                if line:
                    sentences.append(line)
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
        for name in ("helpers", "methods", "places", "failures"):
            pool = getattr(composer, name)
            unused = [x for x in pool if x.split("{")[0].strip().lower() not in lowered]
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
            line = (composer.fresh(D.DETAIL_LINES) or composer.fresh(D.TONE_LINES[composer.plan.tone])
                    or f"And so page {len(out) + 1} of the story went on.")
            text = f"{text} {line}".strip()
        seen.add(text.lower())
        out.append(WrittenPage(text=text, scene=page.scene))
    return out
