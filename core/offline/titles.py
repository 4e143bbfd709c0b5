"""A book's title, made from its plan: its hero, problem, goal, friend, colour or place."""

from __future__ import annotations

import random

from lemminflect import getInflection

from core.offline.story_plan import Plan, _a

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
    hero, goal = plan.hero, plan.problem["goal"].format(Friend=plan.friend, thing_colour=plan.thing_colour)
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
