"""The story world the offline writer tells and the offline illustrator draws: one vocabulary.

A page's `SceneSpec` (core.story) names a setting, a time, the weather, the hero's pose and the
companions and props on that page, each a key of a table below. The writer plans only with these
keys and the illustrator must be able to draw every one of them, so a kite named on a page is a
kite in its picture. Adding an entry here is a promise kept on both sides: the writer may use it
and the illustrator draws it (tests check that every key renders).

`where` says which kind of place a thing belongs to: "indoor", "outdoor", "space" or "any". A
setting's `kind` is one of those three; the writer keeps a story in its photo's kind of place
unless a page goes out through a door (indoor -> outdoor) and says so.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str  # how the text says it: "the kitchen"
    kind: str  # "indoor" | "outdoor" | "space"
    words: tuple[str, ...]  # caption words that name it


@dataclass(frozen=True)
class Thing:
    """A companion or a prop: how the text names it and where it can be."""

    noun: str  # "kite"
    plural: str  # "kites"
    article: str  # "a" | "an"
    where: str  # "indoor" | "outdoor" | "space" | "any"


SETTINGS: dict[str, Setting] = {
    "kitchen": Setting("the kitchen", "indoor", ("kitchen", "windowsill", "stove", "oven", "sink")),
    "living room": Setting(
        "the living room",
        "indoor",
        ("living room", "sofa", "couch", "lounge", "fireplace", "by the fire", "armchair", "hearth"),
    ),
    "bedroom": Setting("the bedroom", "indoor", ("bedroom", "bed", "pillow", "blanket", "cot")),
    "classroom": Setting("the classroom", "indoor", ("classroom", "school", "desk", "blackboard", "lesson")),
    "cafe": Setting("the cafe", "indoor", ("cafe", "café", "coffee shop", "counter", "bakery")),
    "garden": Setting("the garden", "outdoor", ("garden", "lawn", "backyard", "yard", "flowerbed", "hedge")),
    "park": Setting("the park", "outdoor", ("park", "playground", "swing", "bench")),
    "forest": Setting("the forest", "outdoor", ("forest", "woods", "woodland", "trees", "jungle")),
    "river": Setting("the riverbank", "outdoor", ("river", "stream", "pond", "lake", "brook", "bridge")),
    "beach": Setting(
        "the beach", "outdoor", ("beach", "sea", "ocean", "shore", "sand", "waves", "harbour", "island", "lighthouse")
    ),
    "snow": Setting("the snowy hill", "outdoor", ("snow", "snowy", "winter", "ice", "frozen", "sledge")),
    "hills": Setting("the hills", "outdoor", ("hill", "hills", "mountain", "mountains", "valley", "meadow", "field")),
    "street": Setting("the street", "outdoor", ("street", "city", "town", "road", "village", "market", "square")),
    "space": Setting("space", "space", ("space", "shuttle", "rocket", "astronaut", "orbit", "planet", "launch")),
    "moon": Setting("the moon", "space", ("moon", "crater", "lunar")),
}

TIMES = ("morning", "day", "dusk", "night")
WEATHERS = ("clear", "cloudy", "rain", "snow", "wind")
POSES = ("stand", "walk", "run", "sit", "sleep", "jump", "look", "reach", "wave", "hug", "float")
FRAMINGS = ("wide", "medium", "close")

COMPANIONS: dict[str, Thing] = {
    "fox": Thing("fox", "foxes", "a", "outdoor"),
    "squirrel": Thing("squirrel", "squirrels", "a", "outdoor"),
    "tortoise": Thing("tortoise", "tortoises", "a", "any"),
    "rabbit": Thing("rabbit", "rabbits", "a", "outdoor"),
    "owl": Thing("owl", "owls", "an", "outdoor"),
    "hedgehog": Thing("hedgehog", "hedgehogs", "a", "outdoor"),
    "mouse": Thing("mouse", "mice", "a", "any"),
    "duck": Thing("duck", "ducks", "a", "outdoor"),
    "frog": Thing("frog", "frogs", "a", "outdoor"),
    "bird": Thing("bird", "birds", "a", "any"),
    "snail": Thing("snail", "snails", "a", "outdoor"),
    "butterfly": Thing("butterfly", "butterflies", "a", "outdoor"),
    "dog": Thing("dog", "dogs", "a", "any"),
    "cat": Thing("cat", "cats", "a", "any"),
    "robot": Thing("robot", "robots", "a", "any"),
}

PROPS: dict[str, Thing] = {
    "kite": Thing("kite", "kites", "a", "outdoor"),
    "ball": Thing("ball", "balls", "a", "any"),
    "balloon": Thing("balloon", "balloons", "a", "any"),
    "lantern": Thing("lantern", "lanterns", "a", "any"),
    "map": Thing("map", "maps", "a", "any"),
    "key": Thing("key", "keys", "a", "any"),
    "hat": Thing("hat", "hats", "a", "any"),
    "book": Thing("book", "books", "a", "any"),
    "umbrella": Thing("umbrella", "umbrellas", "an", "any"),
    "boat": Thing("boat", "boats", "a", "outdoor"),
    "basket": Thing("basket", "baskets", "a", "any"),
    "apple": Thing("apple", "apples", "an", "any"),
    "cake": Thing("cake", "cakes", "a", "indoor"),
    "teapot": Thing("teapot", "teapots", "a", "indoor"),
    "cup": Thing("cup", "cups", "a", "indoor"),
    "yarn": Thing("ball of yarn", "balls of yarn", "a", "indoor"),
    "flower": Thing("flower", "flowers", "a", "any"),
    "shell": Thing("shell", "shells", "a", "outdoor"),
    "star": Thing("star", "stars", "a", "any"),
    "rocket": Thing("rocket", "rockets", "a", "space"),
    "telescope": Thing("telescope", "telescopes", "a", "any"),
    "present": Thing("present", "presents", "a", "any"),
    "scarf": Thing("scarf", "scarves", "a", "any"),
    "bucket": Thing("bucket", "buckets", "a", "outdoor"),
    "compass": Thing("compass", "compasses", "a", "any"),
}


def fits(thing: Thing, setting: str) -> bool:
    """Whether a companion or prop belongs in this setting (a boat stays out of the kitchen)."""
    return thing.where == "any" or thing.where == SETTINGS[setting].kind


def setting_of(text: str) -> str | None:
    """The setting a caption or a page names, by its words (longest names first), or None."""
    low = f" {text.lower()} "
    hits = [(len(w), key) for key, s in SETTINGS.items() for w in s.words if f" {w} " in low or f" {w}s " in low]
    return max(hits)[1] if hits else None
