"""What a sentence names, and whether it belongs in a story's scene.

The offline writer's filler lines (moods, details, jokes) are told only where what they name is
in the story's world: no robin or rain cloud in the kitchen, no kettle on the hillside, no teapot
or hedgehog that the story has not met, no hair on a cat. The same checks measure a finished book
(`bench/quality.py`): a thing of `world.PROPS` or `world.COMPANIONS` used as "the kite" before
any page introduced it ("a kite", "{Hero}'s kite") is a thing from nowhere.
"""

from __future__ import annotations

import re

from core.offline.world import COMPANIONS, PROPS, SETTINGS

# things seen only under the open sky, and things only inside a house
OUTDOOR_WORDS = {
    "sky",
    "sun",
    "sunshine",
    "sunlight",
    "cloud",
    "clouds",
    "wind",
    "breeze",
    "rain",
    "rainbow",
    "grass",
    "flowers",
    "tree",
    "trees",
    "leaves",
    "leaf",
    "river",
    "sea",
    "shore",
    "waves",
    "wave",
    "hill",
    "hills",
    "road",
    "fence",
    "hedge",
    "stones",
    "puddle",
    "puddles",
    "mist",
    "fog",
    "thunder",
    "lightning",
    "hooves",
    "bushes",
    "mud",
    "path",
    "chimney",
    "church",
    "houses",
    "roof",
    "shade",
    "ivy",
    "field",
    "ground",
    "water",
    "walked",
    "far",
    "rained",
    "walk",
    "meadow",
    "sand",
    "storm",
    "crickets",
    "lavender",
    "rooftops",
}
INDOOR_WORDS = {
    "kettle",
    "floorboard",
    "room",
    "candle",
    "lamps",
    "blanket",
    "sofa",
    "cocoa",
    "cupboard",
    "ceiling",
    "stairs",
    "window",
    "windows",
    "radiator",
    "carpet",
    "fire",
}
# earth things a space story never has (the stars and the moon are space's own)
EARTH_WORDS = (
    OUTDOOR_WORDS | INDOOR_WORDS | {"ground", "bird", "birds", "bee", "garden", "cinnamon", "smell", "smelled"}
)
EARTH_WORDS |= {"waved", "bread", "neighbour", "sunrise", "noon", "breakfast"}
# the sea's own things, heard and smelled only by the water
SEA_WORDS = {"sea", "waves", "wave", "shore", "sand", "boat", "harbour"}
# creatures and things of the filler pools that are not in the world: never told
FOREIGN = {
    "goose",
    "sheep",
    "bumblebee",
    "bee",
    "cow",
    "worm",
    "worms",
    "pigeon",
    "pigeons",
    "goat",
    "crab",
    "robin",
    "bat",
    "magpie",
    "sock",
    "carrot",
    "jelly",
    "shoelace",
    "trombone",
    "pebble",
    "button",
    "donkey",
    "parrot",
    "crow",
    "duckling",
    "giraffe",
    "mole",
    "sailor",
    "postman",
    "baker",
    "neighbour",
    "wizard",
    "queen",
    "giant",
    "goldfish",
    "mayor",
    "cheese",
    "pocket",
    "notebook",
    "drink",
    "slice",
}
PERSON_ONLY = {"hair", "shoelace", "cheeks", "hands", "chin"}
ANIMAL_ONLY = {"paw", "paws", "tail", "whiskers", "fur"}

_WORD = re.compile(r"[a-z]+")
_NOUNS = {t.noun: key for key, t in PROPS.items()} | {t.plural: key for key, t in PROPS.items()}
_CREATURES = {t.noun: key for key, t in COMPANIONS.items()} | {t.plural: key for key, t in COMPANIONS.items()}


def words_of(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def named_props(text: str) -> list[str]:
    """Keys of world.PROPS the text names ("ball of yarn" is the yarn, not a ball)."""
    low = text.lower()
    found = []
    if "yarn" in low:
        found.append("yarn")
        low = low.replace("ball of yarn", " ").replace("balls of yarn", " ")
    ws = _WORD.findall(low)
    for w in ws:
        key = _NOUNS.get(w)
        if key and key not in found:
            found.append(key)
    return found


def named_companions(text: str, hero_noun: str = "") -> list[str]:
    """Keys of world.COMPANIONS the text names, besides the hero's own kind."""
    found = []
    for w in _WORD.findall(text.lower()):
        key = _CREATURES.get(w)
        if key and key != hero_noun and key not in found:
            found.append(key)
    return found


def fits_scene(sentence: str, *, setting: str, hero_kind: str, known: set[str]) -> bool:
    """Whether a filler line may be told in this story: it names no foreign thing, no creature or
    prop the story has not got (`known`: the keys it has met or will meet), nothing of the wrong
    kind of place, and no body part the hero has not got."""
    ws = words_of(sentence)
    if ws & FOREIGN:
        return False
    kind = SETTINGS[setting].kind if setting in SETTINGS else "outdoor"
    if kind == "indoor" and (ws & OUTDOOR_WORDS or "at home" in sentence.lower()):
        return False  # nor "A cup of cocoa waited at home" to a hero who never left it
    if kind == "outdoor" and ws & INDOOR_WORDS:
        return False
    if kind == "space" and ws & EARTH_WORDS:
        return False
    if setting not in ("beach", "river") and ws & SEA_WORDS:
        return False
    if hero_kind == "animal" and ws & PERSON_ONLY or hero_kind != "animal" and ws & ANIMAL_ONLY:
        return False
    things = set(named_props(sentence)) | set(named_companions(sentence))
    return things <= known


def from_nowhere(pages: list[str], allowed: set[str] = frozenset()) -> list[str]:
    """Props and companions a book uses as "the X" before any sentence introduced it ("a X",
    "an X", "someone's X", "X" in a list): what a reader would ask "which X?" about."""
    met: set[str] = set(allowed)
    missing = []
    for text in pages:
        low = text.lower().replace("ball of yarn", "yarn")
        tokens = _WORD.findall(low.replace("'s ", " s "))
        for i, w in enumerate(tokens):
            key = _NOUNS.get(w) or _CREATURES.get(w)
            if not key or key in met:
                continue
            before = tokens[max(0, i - 3) : i]
            if "the" in before[-1:] or (len(before) >= 2 and before[-2] == "the" and before[-1] not in ("s",)):
                if not any(b in ("a", "an", "s", "his", "her", "their", "some", "one", "every") for b in before):
                    missing.append(key)
            met.add(key)
    return missing
