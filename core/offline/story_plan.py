"""The plan of an offline story: who (the caption's names, kinds and looks first), where (the
photo's kind of place, `core.offline.world`), what goes wrong and how it is put right
(`core.offline.plots`); the writer's seeded choices only where the caption is silent.

`plan_facts` is what a draft keeps of it (`Draft.plan`): the classroom's questions and the
character sheets are made from those keys.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace

from core.offline import plots
from core.offline import writer_data as D
from core.offline.caption_names import RELATIONS, characters_in, companion_kinds
from core.offline.caption_subject import read_caption
from core.offline.scene_check import named_props
from core.offline.sentences import split_sentences
from core.offline.world import COMPANIONS, SETTINGS, fits, setting_of
from core.providers.base import Brief
from core.reading.syllables import syllables

AUDIENCES = ("young children", "older children", "adults")


def genre_key(genre: str) -> str:
    g = genre.strip().lower()
    if g in D.ROLES:
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
    if a in AUDIENCES:
        return a
    if "adult" in a or "grown" in a:
        return "adults"
    if "older" in a or "teen" in a:
        return "older children"
    return "young children"


@dataclass
class Plan:
    hero: str
    noun: str
    hero_desc: str  # "a little tabby cat with golden fur"
    part: str  # "fur", "coat"...
    colour: str
    friend: str
    at_setting: str  # "in the kitchen"
    setting: str  # "the kitchen": how the text names the place
    genre: str
    tone: str
    audience: str
    problem: dict  # one of `core.offline.plots.PLOTS`
    places: tuple[str, ...]
    friend_desc: str = ""  # "a small grey mouse": how the friend is introduced
    kind: str = "search"  # the kind of attempts that fit the problem: search, reach, mend
    friend_apart: bool = False  # the problem is about the friend, who does not help with it
    friend_by_trouble: bool = False  # the trouble sentence itself introduces the friend
    place: str = "garden"  # the setting's key in `core.offline.world.SETTINGS`
    hero_kind: str = "animal"  # "animal" | "person" | "object"
    friend_kind: str = ""  # the friend's key in world.COMPANIONS, "" when a person or none
    helpers: tuple[str, ...] = ()  # keys of world.COMPANIONS the hero may ask for help
    named: bool = False  # the caption gave the hero's name
    pose: str = "stand"  # the hero's pose in the photo ("sleep" for "sleeping on the windowsill")
    thing_colour: str = "red"  # the colour of the plot's prop (never the hero's coat: no "tabby kite")


def plan_facts(plan: Plan) -> tuple[tuple[str, str], ...]:
    """What a story was planned on, kept with its draft (`Draft.plan`): who, where, what went
    wrong and how it was solved, as the classroom's questions ask (`core.reading.questions`) and the
    character sheets are made from (`core.characters.sheets`). The problem's sentences are templates:
    `template_regex` finds their telling in the text."""
    return (
        ("hero", plan.hero),
        ("hero_kind", plan.noun),
        ("hero_desc", plan.hero_desc),
        ("friend", plan.friend),
        ("friend_desc", plan.friend_desc),
        ("at_setting", plan.at_setting),
        ("setting", plan.place),
        ("thing", plan.problem["thing"]),
        ("goal", plan.problem["goal"].format(Friend=plan.friend, thing_colour=plan.thing_colour)),
        ("trouble", plan.problem["trouble"]),
        ("turn", plan.problem["turn"]),
        ("end", plan.problem["end"]),
    )


def _a(phrase: str) -> str:
    return ("an " if phrase[:1].lower() in "aeiou" else "a ") + phrase


_ON = {"beach", "river", "snow", "hills", "street", "moon"}
# where a hero is at home when the caption names no place
_HOME_OF = {
    "animal": ("kitchen", "living room", "garden", "garden", "park"),
    "person": ("garden", "park", "street", "living room", "beach"),
    "object": ("living room", "kitchen", "bedroom"),
}
_NOUN_PLACES = {
    "astronaut": "space",
    "rocket": "space",
    "shuttle": "space",
    "space shuttle": "space",
    "teddy bear": "bedroom",
    "fire engine": "street",
    "lighthouse": "beach",
    "spaceship": "space",
    "alien": "space",
    "cup": "cafe",
    "mug": "cafe",
    "coffee": "cafe",
    "teacup": "kitchen",
    "teapot": "kitchen",
    "teddy": "bedroom",
    "doll": "bedroom",
    "toy": "bedroom",
    "duck": "river",
    "fish": "river",
    "boat": "river",
    "sheep": "hills",
    "cow": "hills",
    "horse": "hills",
    "student": "classroom",
    "teacher": "classroom",
    "chef": "kitchen",
    "cook": "kitchen",
    "baker": "cafe",
    "surfer": "beach",
    "skier": "snow",
    "gardener": "garden",
}
_POSES = {
    "sleeping": "sleep",
    "asleep": "sleep",
    "napping": "sleep",
    "sitting": "sit",
    "lying": "sit",
    "running": "run",
    "jumping": "jump",
    "waving": "wave",
    "floating": "float",
    "walking": "walk",
}


def _unnamed_text(caption: str) -> str:
    """The caption without the offline engine's sentences about itself."""
    return " ".join(s for s in split_sentences(caption or "") if "offline engine" not in s.lower())


def _setting_key(caption: str, noun: str, kind: str, rng: random.Random) -> str:
    """The world setting the caption names, else the one its subject lives in, else a home for
    its kind of hero (a pet at home, a child out of doors)."""
    text = " ".join(s for s in split_sentences(caption or "") if "offline engine" not in s.lower())
    text = re.sub(r"\b(cat|human) faces?\b|\bfaces?\b", " ", text, flags=re.IGNORECASE)
    named = setting_of(re.sub(r"[^A-Za-zé' ]+", " ", text))
    if named:
        return named
    if noun in _NOUN_PLACES:
        return _NOUN_PLACES[noun]
    if "coffee" in text.lower():
        return "cafe"
    return rng.choice(_HOME_OF.get(kind, _HOME_OF["object"]))


# a hero's parts that are one thing, said with an article: "with a brown shell" (never "with brown
# shell"), against "with brown fur", "with grey feathers"
ONE_PART = ("shell", "mane", "coat")
# things with fur that are not animals: coloured as an animal is, never a "silver teddy bear"
FURRY_THINGS = ("teddy bear", "teddy")


def make_plan(brief: Brief) -> Plan:
    """The story's plan from the caption and the brief: the caption's names, kinds, looks and
    place first (`core.offline.caption_names`, `world.setting_of`), the writer's choices (seeded)
    only where the caption is silent; a plot of that kind of place (`core.offline.plots`)."""
    rng = random.Random(f"plan|{brief.seed}|{brief.caption}|{brief.genre}|{brief.tone}")
    genre, tone, audience = genre_key(brief.genre), tone_key(brief.tone), audience_key(brief.audience)
    characters = characters_in(brief.caption)
    # the caption without its names: "Mr Brown" is not a brown coat, "Biscuit" not a biscuit
    unnamed = brief.caption
    for c in characters:
        unnamed = re.sub(rf"\b{re.escape(c.name.split()[-1])}\b", " ", unnamed)
    subject = read_caption(unnamed)
    noun, kind = subject.noun, subject.kind
    lead = characters[0] if characters else None
    if lead and lead.kind:  # "Grandma Eileen": a grandma, whatever the photo's detector said
        lead_kind = lead.kind
        if lead_kind in D.ANIMALS or lead_kind in COMPANIONS:
            noun, kind = lead_kind, "animal"
        elif lead_kind in RELATIONS.values() or lead_kind in D.PEOPLE:
            noun, kind = lead_kind, "person"
        else:
            noun, kind = lead_kind, kind or "object"
        if noun != subject.noun:  # the looks the caption gives belong to another thing ("his red bike")
            subject = replace(subject, adjectives=(), feature="")
    if lead and not lead.kind and any(c.kind == noun for c in characters[1:]):
        noun, kind = "", ""  # "Tom and his dog Rex": the dog is Rex, Tom is a child
    invented = not noun and not lead  # nobody in the photo or the caption: the writer's own hero
    if not noun or noun == "person":
        noun, kind = (rng.choice(D.ROLES[genre]) if not lead else "child"), "person"
    short = audience == "young children"
    if lead:
        hero = lead.name
    else:
        pool = plots.HERO_NAMES["invented" if invented else kind if kind in plots.HERO_NAMES else "object"]
        if kind == "person" and (noun in plots.GIRLS or noun in plots.BOYS):  # a girl is never Theo
            pool = tuple(n for n in pool if n in (plots.GIRL_NAMES if noun in plots.GIRLS else plots.BOY_NAMES))
        hero = rng.choice([n for n in pool if not short or syllables(n) == 1] or list(pool))
    place = _setting_key(brief.caption, noun, kind, rng)
    where = SETTINGS[place].kind
    natural = ("brown", "grey", "white", "black", "ginger", "golden")  # an animal's own colours
    colour = (
        subject.colours[0]
        if subject.colours
        else rng.choice(
            natural
            if kind == "animal" or noun in FURRY_THINGS
            else ("golden", "blue", "red", "green", "silver", "orange")
        )
    )
    if kind == "animal":
        part = D.ANIMALS.get(noun, "fur")
    elif kind == "person":
        part = "coat" if not subject.feature else subject.feature.split(" ", 1)[1]
    else:
        part = "paint"
    if subject.feature:
        colour = subject.feature.split(" ", 1)[0]
    adjectives = [a for a in subject.adjectives if a != noun] or [
        rng.choice(("little", "curious", "brave", "small", "cheerful"))
    ]
    with_colour = (
        f"with {_a(subject.feature)}"
        if subject.feature and not subject.feature.endswith("s")
        else f"with {subject.feature}"
        if subject.feature
        else (
            f"with {_a(colour) if part in ONE_PART else colour} {part}"
            if kind != "object" and colour not in adjectives
            else ""
        )
    )
    if kind == "object" and not subject.feature and colour not in adjectives:
        adjectives.append(colour)
    if kind == "person" and not subject.feature and colour not in adjectives:
        # a person's clothes only in the colour the caption gives: an invented "green coat" would
        # contradict the photo on every page (an astronaut in her orange suit)
        with_colour = f"in a {colour} {part}" if subject.colours else ""
    hero_desc = " ".join([_a(" ".join(adjectives + [noun]))] + ([with_colour] if with_colour else []))
    at_setting = ("on " if place in _ON else "in ") + SETTINGS[place].name
    setting = SETTINGS[place].name
    # the plot: one of this kind of place (and of this setting, where a plot needs one)
    fitting = [p for p in plots.PLOTS if p["where"] == where and place in p.get("settings", (place,))] or [
        p for p in plots.PLOTS if p["where"] == where
    ]
    # a plot about what the caption shows first: "baking a cake" gets the cake, "a kite" the kite
    shown = set(named_props(_unnamed_text(brief.caption)))
    problem = rng.choice([p for p in fitting if shown & set(p["props"])] or fitting)
    # the companion: the caption's own (named or only said), else one of this place
    others = characters[1:]
    said = [k for k in companion_kinds(brief.caption, noun) if fits(COMPANIONS[k], place)]
    if others:
        friend = others[0].name
        friend_kind = others[0].kind if others[0].kind in COMPANIONS else ""
        friend_desc = plots.FRIEND_LOOKS.get(friend_kind) or _a(others[0].kind or "good friend")
    else:
        same = {noun, {"puppy": "dog", "kitten": "cat"}.get(noun, noun)}  # no dog friend for a puppy
        kinds = [k for k in plots.FRIEND_LOOKS if k not in same and fits(COMPANIONS[k], place)]
        friend_kind = said[0] if said else rng.choice(kinds)
        friend_desc = plots.FRIEND_LOOKS.get(friend_kind, _a(friend_kind))
        friend = rng.choice([f for f in D.FRIENDS if f != hero and (not short or syllables(f) == 1)])
    helpers = tuple(k for k in plots.HELPER_LOOKS if k not in (noun, friend_kind) and fits(COMPANIONS[k], place))
    if where == "space" or not helpers:  # in space, only a robot comes by to help
        helpers = ("robot",) if friend_kind != "robot" else ("mouse",)
    pose = next((v for w, v in _POSES.items() if re.search(rf"\b{w}\b", brief.caption.lower())), "stand")
    if where == "space":
        pose = "float"
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
        tuple(problem["places"]),
        friend_desc=friend_desc,
        kind=problem["kind"],
        friend_apart=bool(problem.get("friend_apart")),
        friend_by_trouble=False,
        place=place,
        hero_kind=kind,
        friend_kind=friend_kind,
        helpers=helpers,
        named=bool(lead),
        pose=pose,
        thing_colour=rng.choice(("red", "blue", "yellow", "green", "orange", "purple")),
    )
