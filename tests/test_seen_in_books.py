"""What a reader saw in real offline books (issue 20, "read and look"), each kept as a rule.

Every rule here was found by reading or looking at books the CLI made, and failed before its fix.
"""

from __future__ import annotations

import re

import pytest

from core.offline.writer import OfflineWriter
from core.offline.wordings import with_wordings
from core.providers.base import Brief

AUDIENCES = ("young children", "older children", "adults")


def book(caption: str, audience: str = "older children", seed: int = 1) -> str:
    story = OfflineWriter().write(Brief(caption, 8, audience, "adventure", "warm", seed=seed))
    return " ".join(p.text for p in story.pages)


@pytest.mark.parametrize(
    "phrase", ["{Friend} had a cold, and", "was nowhere to be found.", "{Friend} gave {Hero} a big hug."]
)
def test_set_phrases_keep_their_words(phrase):
    """ "had a cold" became "had a chilly" / "had an icy", "nowhere to be found" became "nowhere
    to be discovered", "a big hug" became "a large hug": a wording swap never enters an idiom."""
    assert with_wordings(phrase) == phrase


def test_books_never_break_an_idiom():
    broken = re.compile(r"had an? (chilly|icy)\b|nowhere to be (discovered)|\b(large|enormous) hugs?\b")
    captions = ("A tabby cat in the kitchen", "A cup of coffee in the cafe", "A boy in his bedroom")
    for caption in captions:
        for audience in AUDIENCES:
            for seed in range(1, 7):
                text = book(caption, audience, seed)
                assert not broken.search(text), (caption, audience, seed, broken.search(text).group(0))


@pytest.mark.parametrize(
    "caption",
    [
        "An astronaut floating beside the space shuttle above the Earth",
        "A rocket flying to Mars",
        "A boy on a boat on the Thames",
    ],
)
def test_a_place_in_the_caption_is_never_the_heros_name(caption):
    """ "... above the Earth" made a book whose astronaut was called Earth ("Earth's feet were sore")."""
    from core.offline.caption_names import characters_in

    assert characters_in(caption) == []
    plan = OfflineWriter().write(Brief(caption, 8, "older children", "adventure", "warm", seed=1)).plan
    assert dict(plan)["hero"] not in ("Earth", "Mars", "Thames")


@pytest.mark.parametrize(
    ("caption", "thing"),
    [
        ("A red fire engine parked at the fire station", "fire engine"),
        ("A space shuttle standing on the launch pad", "space shuttle"),
    ],
)
def test_a_two_word_thing_is_the_hero_whole(caption, thing):
    """ "A red fire engine" made "Milo was a red red fire", "A space shuttle ... launch pad" made
    "Iris was a brave golden launch": the hero is the whole thing, its colour said once."""
    story = OfflineWriter().write(Brief(caption, 8, "young children", "adventure", "warm", seed=1))
    first = story.pages[0].text
    assert dict(story.plan)["hero_kind"] == thing
    assert thing in first
    assert not re.search(r"\b(\w+) \1\b", first)
    assert first.count("red") <= 1
