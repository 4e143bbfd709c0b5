"""What the offline copy says, read from the brief and the caption the marketer typed (English).

A headline or body is only as good as what it is about: what the product is ("coffee", "running
shoes"), what it does for *this* audience ("a proper cup before the train" for busy commuters),
what the caption says about it (taste notes, roast, materials) and the offer. This module reads
those facts with small word tables; `copy.py` sets them in the grammar of `copy_data.py`.

Sharing lines ("made to share", "enjoy it together") are only for audiences that are groups
(families, friends, couples, teams): a busy commuter drinks alone. Nothing here is filler: a
brief without an audience gets no audience line, a caption without taste or material words gets
no feature line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# what the product is: (kind, words that name it in the product or caption, the unit one enjoys)
KINDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("coffee", ("espresso", "coffee", "roast", "latte", "cappuccino", "brew", "beans", "arabica", "cold brew"), "cup"),
    ("tea", ("tea", "matcha", "chai", "infusion", "earl grey", "oolong"), "cup"),
    ("chocolate", ("chocolate", "cocoa", "truffle", "truffles", "praline"), "bite"),
    ("bakery", ("bread", "loaf", "croissant", "cake", "cookie", "biscuit", "pastry", "bagel", "muffin"), "bite"),
    ("drink", ("juice", "smoothie", "soda", "lemonade", "kombucha", "sparkling", "cider", "beer", "wine"), "sip"),
    ("shoes", ("shoe", "shoes", "sneaker", "sneakers", "trainer", "trainers", "boot", "boots", "sandals"), "step"),
    ("bag", ("bag", "backpack", "rucksack", "tote", "wallet", "satchel"), "day"),
    ("clothing", ("jacket", "coat", "shirt", "hoodie", "dress", "jumper", "sweater", "scarf", "socks"), "wear"),
    ("skincare", ("cream", "serum", "lotion", "balm", "soap", "shampoo", "moisturiser", "cleanser"), "day"),
    ("audio", ("headphones", "earbuds", "speaker", "headset"), "listen"),
    ("watch", ("watch", "smartwatch"), "day"),
    ("plant", ("plant", "succulent", "bouquet", "flowers", "fern", "orchid"), "day"),
    ("bike", ("bike", "bicycle", "e-bike", "scooter"), "ride"),
    ("toy", ("toy", "puzzle", "blocks", "plush", "teddy", "board game"), "game"),
    ("home", ("lamp", "candle", "mug", "vase", "chair", "blanket", "cushion"), "evening"),
)  # fmt: skip

# who the audience is -> (a short benefit for a headline, a sentence for the body), per kind ("*": any)
AUDIENCES: tuple[tuple[tuple[str, ...], dict[str, tuple[str, str]]], ...] = (
    (("commuter", "commuters", "on the go", "travellers", "travelers"), {
        "coffee": ("a proper cup before the train", "A proper cup in minutes, before the train leaves."),
        "tea": ("a calm cup before the train", "A calm cup in minutes, before the train leaves."),
        "shoes": ("comfort from platform to desk", "Cushioned for every step from platform to desk."),
        "bag": ("the whole commute in one bag", "Laptop, lunch and keys in one bag, on every train."),
        "audio": ("your own quiet on the train", "Shut out the carriage noise and keep your own pace."),
        "*": ("made for the morning rush", "Made to keep up with the morning rush."),
    }),
    (("home barista", "home baristas", "coffee lover", "coffee lovers", "coffee geeks"), {
        "coffee": ("café quality in your kitchen", "Pull a café-quality shot in your own kitchen."),
        "*": ("café quality at home", "Café quality, at home."),
    }),
    (("parent", "parents", "mums", "dads", "new mums"), {
        "coffee": ("a good cup before the school run", "A good cup in minutes, before the school run."),
        "skincare": ("two calm minutes to yourself", "Two calm minutes for yourself, once the house is quiet."),
        "*": ("one less thing to think about", "One less thing to think about on a busy family day."),
    }),
    (("student", "students"), {
        "coffee": ("fuel for the long library day", "Strong enough for the long library day."),
        "*": ("made for student days", "Made for lectures, late nights and tight budgets."),
    }),
    (("runner", "runners", "athlete", "athletes", "cyclists", "hikers", "climbers"), {
        "shoes": ("grip and bounce, mile after mile", "Grip and bounce that last mile after mile."),
        "drink": ("refuel after the last mile", "Refuel after the last mile."),
        "*": ("made to keep up with you", "Made to keep up with every training day."),
    }),
    (("office", "professionals", "remote workers", "freelancers", "teams"), {
        "coffee": ("focus for the working day", "Steady focus from the first email to the last."),
        "*": ("made for the working day", "Made for the working day, from first email to last."),
    }),
    (("gift", "gifts", "gifting", "gift buyers", "gift shoppers"), {
        "*": ("a gift they will use every day", "A gift they will reach for every day."),
    }),
    (("famil", "friends", "couples", "guests", "party", "parties", "hosts"), {
        "coffee": ("made for sharing", "Made for sharing around the table."),
        "tea": ("made for sharing", "Made for sharing around the table."),
        "chocolate": ("made for sharing", "Made for sharing around the table."),
        "bakery": ("made for sharing", "Made for sharing around the table."),
        "drink": ("made for sharing", "Made for sharing around the table."),
        "*": ("made for the whole family", "Made for the whole family, every day."),
    }),
    (("kids", "children", "toddlers", "little ones"), {
        # "sturdy and safe for little hands" only where the product is held (a toy), never for
        # a space camp, a cereal or a class
        "toy": ("made for little hands", "Sturdy and safe for little hands."),
        "*": ("made for curious kids", "Made for curious minds and busy days."),
    }),
    (("pet owners", "dog owners", "cat owners", "dogs", "cats"), {
        "*": ("a happy pet, a calm home", "Happy pets and a calm home."),
    }),
    (("gardeners", "plant lovers", "plant parents"), {
        "*": ("green, with almost no effort", "Green all year, with almost no effort."),
    }),
    (("retirees", "seniors", "older"), {
        "*": ("simple, and made to last", "Simple to use and made to last."),
    }),
)  # fmt: skip

GROUP_WORDS = ("famil", "friends", "couples", "guests", "party", "parties", "hosts", "teams", "everyone")

TASTES = (
    "chocolate", "cocoa", "cherry", "caramel", "toffee", "hazelnut", "almond", "nutty", "citrus", "orange",
    "lemon", "berry", "berries", "blueberry", "raspberry", "strawberry", "vanilla", "honey", "floral",
    "jasmine", "spice", "cinnamon", "plum", "apricot", "peach", "malt", "molasses", "fudge", "stone fruit",
)  # fmt: skip
TASTE_MODIFIERS = ("dark", "milk", "sweet", "ripe", "red", "black", "wild", "toasted", "roasted", "bright", "brown")
QUALITIES = (
    # claims about the product itself; plain materials (glass, oak, canvas) are left out, since a
    # caption names them as often for the setting ("an old wooden counter") as for the product
    "dark roast", "medium roast", "light roast", "single origin", "single-origin", "fair trade", "organic",
    "freshly roasted", "small batch", "small-batch", "handmade", "hand-stitched", "handcrafted", "recycled",
    "recycled cotton", "organic cotton", "full-grain leather", "merino", "waterproof", "lightweight", "vegan",
    "plastic-free", "refillable",
    "rechargeable", "wireless", "noise-cancelling", "cushioned", "breathable", "loose-leaf", "fragrance-free",
)  # fmt: skip


@dataclass(frozen=True)
class Facts:
    kind: str  # "coffee" ... or "" when the words name no kind we know
    what: str  # the word the marketer used for it: "espresso", "running shoes" ("" when none)
    noun: str  # what to call it in a sentence when the product's name already says `what`: "coffee"
    unit: str  # "cup", "step" ...
    benefit: str  # short, lower case: "a proper cup before the train" ("" without an audience)
    benefit_line: str  # a sentence for the body
    generic: bool  # the benefit is the audience's line for any product (never a headline alone)
    tastes: tuple[str, ...]  # "dark chocolate", "cherry"
    qualities: tuple[str, ...]  # "dark roast", "fair trade"
    group: bool  # the audience is several people together: sharing lines fit


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"[\w-]+", text.lower())) + " "


def _found(word: str, text: str) -> int:
    """Where `word` stands as a whole word (or plural) in normalised `text`, -1 when it does not."""
    match = re.search(rf" {re.escape(word)}(?:s|es)? ", text)
    return match.start() if match else -1


def kind_of(product: str, caption: str) -> tuple[str, str, str]:
    """(kind, the word naming it, unit): the product's own name first, then the caption."""
    for text in (_words(product), _words(caption)):
        hits = [
            (at, -len(word), kind, word, unit)
            for kind, words, unit in KINDS
            for word in words
            if (at := _found(word, text)) >= 0
        ]
        if hits:
            _, _, kind, word, unit = min(hits)
            before = text[: text.find(f" {word}")].split()[-1:]  # "running" shoes, "cold" brew
            if before and before[0] in ("running", "trail", "walking", "hiking", "cold", "green", "herbal"):
                word = f"{before[0]} {word}"
            return kind, word, unit
    return "", "", ""


def benefit_of(audience: str, kind: str) -> tuple[str, str, bool]:
    """(short benefit, sentence, whether it is the audience's generic line rather than one for
    this kind of product: a generic one never stands alone as a headline, since another product
    briefed for the same audience would get it too)."""
    text = _words(audience)
    if not text.strip():
        return "", "", True
    for words, lines in AUDIENCES:
        if any(f" {w}" in text for w in words):
            return (*lines[kind], False) if kind in lines else (*lines["*"], True)
    return f"made for {' '.join(audience.split())}", f"Made for {' '.join(audience.split())}.", True


def tastes_of(caption: str) -> tuple[str, ...]:
    """Taste words of the caption in its order, each with the modifier before it ("dark chocolate")."""
    text = _words(caption)
    found = []
    for taste in TASTES:
        at = _found(taste, text)
        if at < 0:
            continue
        before = text[:at].split()[-1:]
        phrase = f"{before[0]} {taste}" if before and before[0] in TASTE_MODIFIERS else taste
        found.append((at, phrase))
    return tuple(p for _, p in sorted(found))[:3]


def qualities_of(caption: str, product: str) -> tuple[str, ...]:
    text = _words(f"{caption} . {product}")
    found: list[tuple[int, str]] = []
    for quality in sorted(QUALITIES, key=len, reverse=True):
        at = _found(quality, text)
        if at >= 0 and not any(quality in q for _, q in found):
            found.append((at, quality))
    return tuple(q for _, q in sorted(found))[:3]


def facts_of(product: str, audience: str, caption: str) -> Facts:
    kind, what, unit = kind_of(product, caption)
    benefit, line, generic = benefit_of(audience, kind)
    noun = kind if kind in ("coffee", "tea", "chocolate", "shoes", "skincare", "bag") else what
    tastes = tuple(t for t in tastes_of(caption) if not noun or noun not in t)  # not "chocolate with ... chocolate"
    group = any(f" {w}" in _words(audience) for w in GROUP_WORDS)
    return Facts(kind, what, noun, unit, benefit, line, generic, tastes, qualities_of(caption, product), group)


def join(words: tuple[str, ...] | list[str]) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1] if words else ""
