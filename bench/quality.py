"""Story quality of the offline writer (issue 20): does the book keep the person's words and world?

Run: .venv/bin/python bench/quality.py [--quick]   It measures and prints; it does not pass or fail.

Over 30 captions written for tuning and 10 held back (never looked at while tuning; printed
apart), each x 3 seeds, an 8-page first draft for the caption's audience, then "shorter" and then
"funnier" on top of it, through the writer's own revise (as core.studio calls it). Per caption set:

- names kept: the caption's name is the hero's (or the friend's) and is in the text
- subject kept: the caption's kind of hero is the plan's (cat, grandma, teddy bear ...)
- place kept: every page's scene spec has the caption's setting (when the caption names one)
- from nowhere: props or companions used as "the X" before anything introduced them (goal 0)
- repeated lines: sentences told twice, or nearly (most words the same), in one book (goal 0)
- spec vs text: props a page's spec names that its text does not, and props named in the text
  that its spec leaves out (the illustrator draws the spec; goal 0)
- props not drawn: pictures whose scene spec names a prop or companion that the offline
  illustrator does not draw, found with its own `staging_of(job)` on the job the studio would
  send for each page of the first draft (the sample photo that fits the caption; goal 0)
- shorter-then-funnier: its length in words over the first draft's (goal < 1.0)
- reading level: the Flesch-Kincaid grade by audience, counted with the project's syllable
  counter (hyphenation points, core.reading.syllables) and with an independent vowel-group counter
  (runs of vowels, a silent final e dropped), side by side.
And over the sample photos (core.samples) x 20 seeds: plot sentences (trouble, turn, end, each
attempt and how it went wrong) told in books of two different photos (goal 0). And over the
campaign briefs below x 3 seeds, each with its 3 offline copy variants: headlines that two briefs
share (goal 0).
"""

from __future__ import annotations

import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (caption, audience, name or "", kind of hero, setting key or "")
TUNING = (
    (
        "Our old tabby cat Chelsea sleeping on the windowsill in the kitchen",
        "young children",
        "Chelsea",
        "cat",
        "kitchen",
    ),
    (
        "Grandma Eileen knitting a scarf in the living room",
        "older children",
        "Grandma Eileen",
        "grandma",
        "living room",
    ),
    ("Tom and his dog Rex playing in the park", "young children", "Tom", "child", "park"),
    ("A little brown dog running on the beach", "young children", "", "dog", "beach"),
    ("An astronaut floating beside the space shuttle", "older children", "", "astronaut", "space"),
    ("A teddy bear called Bruno sitting on a bed", "young children", "Bruno", "teddy bear", "bedroom"),
    ("My son Leo on his red bike in the street", "older children", "Leo", "boy", "street"),
    ("Maya, my little sister, building a sandcastle on the beach", "young children", "Maya", "sister", "beach"),
    ("A white rabbit in the garden", "young children", "", "rabbit", "garden"),
    ("Two ducks on the pond", "older children", "", "duck", "river"),
    ("A girl flying a kite on the hills", "older children", "", "girl", "hills"),
    ("Our puppy Biscuit asleep on the sofa", "young children", "Biscuit", "puppy", "living room"),
    ("Grandpa Joe reading in the garden", "adults", "Grandpa Joe", "grandpa", "garden"),
    ("A ginger cat watching the snow from the window", "older children", "", "cat", ""),
    ("Mr Brown the baker at his counter in the cafe", "adults", "Mr Brown", "man", "cafe"),
    ("A cup of coffee on an old wooden cafe counter", "adults", "", "cup", "cafe"),
    ("A toy robot on the classroom desk", "young children", "", "robot", "classroom"),
    ("A boy in the forest", "older children", "", "boy", "forest"),
    ("A small owl in the woods at night", "young children", "", "owl", "forest"),
    ("Our hamster Nibbles in the kitchen", "young children", "Nibbles", "hamster", "kitchen"),
    ("A family walking by the river", "adults", "", "", "river"),
    ("Aunt Rose with her dog in the garden", "older children", "Aunt Rose", "aunt", "garden"),
    ("A snowman on a snowy hill", "young children", "", "snowman", "snow"),
    ("A fox in the field at dusk", "older children", "", "fox", "hills"),
    ("The old town square in the rain", "adults", "", "", "street"),
    ("A teapot on the kitchen table", "young children", "", "teapot", "kitchen"),
    ("Lily the tortoise in the garden", "young children", "Lily", "tortoise", "garden"),
    ("A rocket on the launch pad", "older children", "", "rocket", "space"),
    ("A baby laughing in the bedroom", "young children", "", "baby", "bedroom"),
    ("A lighthouse by the sea", "adults", "", "lighthouse", "beach"),
)
HELD_BACK = (
    ("Our black cat Luna on the garden wall", "young children", "Luna", "cat", "garden"),
    ("Granny Pat baking a cake in the kitchen", "older children", "Granny Pat", "grandma", "kitchen"),
    ("My daughter Ella with her rabbit in the park", "young children", "Ella", "girl", "park"),
    ("A brown horse in a meadow", "older children", "", "horse", "hills"),
    ("An old armchair in the living room", "adults", "", "armchair", "living room"),
    ("Sam the dog chasing a ball on the beach", "young children", "Sam", "dog", "beach"),
    ("A teacher reading to the class in the classroom", "older children", "", "teacher", "classroom"),
    ("The moon over the lake", "adults", "", "", ""),
    ("A little girl asleep on the sofa", "young children", "", "girl", "living room"),
    ("Uncle Raj on his boat on the river", "adults", "Uncle Raj", "uncle", "river"),
)
SEEDS = (1, 2, 3)
# (product, audience, offer, caption): campaign briefs, several for one product
CAMPAIGNS = (
    ("Ridge Roast", "busy commuters", "20% off the first bag", "A cup of coffee on an old wooden cafe counter"),
    ("Ridge Roast", "office teams", "Subscribe and save 15%", "A cup of coffee on a desk"),
    ("Ridge Roast", "home baristas", "Free grinder with every order", ""),
    ("Morning Bloom tea", "students studying late", "Buy one, get one free", "A cup of tea on a desk"),
    ("Cosy Cup hot chocolate", "families", "Free marshmallows with every tin", "A mug by the fire"),
    ("Starward space camp", "curious kids aged 8-12", "Early-bird price until May", "An astronaut"),
    ("PurrFect Senior cat food", "owners of older cats", "Try a free sample", "A tabby cat on a windowsill"),
    ("TrailLite running shoes", "weekend runners", "Free returns", "Running shoes on a forest path"),
)
# the sample photo each kind of caption is drawn from (the studio draws the page from the photo)
PHOTO_FOR = {"animal": "chelsea", "person": "astronaut", "object": "coffee"}


def vowel_syllables(word: str) -> int:
    """Syllables as runs of vowels (y counts), a silent final e dropped: a counter independent of
    the hyphenation the project's readability uses."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 1
    groups = len(re.findall(r"[aeiouy]+", w))
    if w.endswith("e") and not w.endswith(("le", "ee")) and groups > 1:
        groups -= 1
    return max(1, groups)


def grade_with(text: str, count) -> float:
    from core.offline.writer import split_sentences, words

    sentences = [s for line in text.splitlines() for s in split_sentences(line)]
    ws = words(text)
    if not ws or not sentences:
        return 0.0
    return 0.39 * len(ws) / len(sentences) + 11.8 * sum(count(w) for w in ws) / len(ws) - 15.59


def repeated_lines(pages: list[str]) -> int:
    from core.offline.writer import near_repeat, split_sentences

    seen: set[str] = set()
    count = 0
    for text in pages:
        for s in split_sentences(text):
            key = s.lower()
            if key in seen or near_repeat(s, seen):
                count += 1
            seen.add(key)
    return count


def not_drawn(page, photo, seed: int) -> list[str]:
    """The props and companions a page's scene spec names that its picture does not draw, by the
    offline illustrator's own staging of the job the studio sends for the page (a small size:
    where things go does not depend on it)."""
    from core.offline.illustrator import staging_of
    from core.providers.base import ImageJob

    if page.spec is None:
        return []
    job = ImageJob(
        prompt=page.scene,
        seed=seed,
        width=320,
        height=400,
        style="watercolour",
        scene=page.scene,
        photo=photo,
        spec=page.spec,
    )
    staging = staging_of(job)
    drawn = set(staging.things) if staging else set()
    return [t for t in (*page.spec.props, *page.spec.companions) if t not in drawn]


def shared_headlines(seeds) -> tuple[int, int]:
    """Headlines that two different campaign briefs share, and all headlines (3 variants a brief)."""
    from core.campaign.copy import CopyBrief, offline_variants

    by_brief: dict[int, set[str]] = {}
    for i, (product, audience, offer, caption) in enumerate(CAMPAIGNS):
        brief = CopyBrief(product=product, audience=audience, offer=offer, caption=caption)
        by_brief[i] = {c.headline for seed in seeds for c in offline_variants(brief, 3, seed)}
    shared = set()
    for i in by_brief:
        for j in by_brief:
            if i < j:
                shared |= by_brief[i] & by_brief[j]
    return len(shared), sum(len(h) for h in by_brief.values())


def measure(captions, seeds) -> dict:
    from PIL import Image

    from core.offline.caption_subject import read_caption
    from core.offline.scene_check import from_nowhere, named_props
    from core.offline.writer import OfflineWriter
    from core.providers.base import Brief
    from core.reading.syllables import syllables
    from core.samples import SAMPLES

    w = OfflineWriter()
    photos = {name: Image.open(sample.path).convert("RGB") for name, sample in SAMPLES.items()}
    out = {
        "books": 0,
        "named": 0,
        "names kept": 0,
        "subject kept": 0,
        "placed": 0,
        "place kept": 0,
        "from nowhere": 0,
        "repeated lines": 0,
        "spec not text": 0,
        "text not spec": 0,
        "pictures": 0,
        "not drawn": 0,
        "missing": {},
        "ratios": [],
        "grades": {},
    }
    for caption, audience, name, kind, place in captions:
        for seed in seeds:
            b = Brief(caption, 8, audience, "adventure", "warm", seed=seed)
            story = w.write(b)
            plan = dict(story.plan)
            texts = [p.text for p in story.pages]
            whole = " ".join(texts)
            out["books"] += 1
            if name:
                out["named"] += 1
                out["names kept"] += name in (plan["hero"], plan["friend"]) and name in whole
            out["subject kept"] += not kind or kind in plan["hero_kind"] or kind in plan["hero_desc"]
            if place:
                out["placed"] += 1
                out["place kept"] += all(p.spec and p.spec.setting == place for p in story.pages)
            out["from nowhere"] += len(from_nowhere(texts))
            photo = photos[PHOTO_FOR.get(read_caption(caption).kind, "coffee")]
            for page in story.pages:
                missing = not_drawn(page, photo, seed)
                out["pictures"] += 1
                out["not drawn"] += bool(missing)
                for thing in missing:
                    out["missing"][thing] = out["missing"].get(thing, 0) + 1
            shorter = w.revised(b, story, "shorter")
            funnier = w.revised(b, shorter, "funnier")
            for book in (story, shorter, funnier):
                out["repeated lines"] += repeated_lines([p.text for p in book.pages])
                for page in book.pages:
                    said, drawn = set(named_props(page.text)), set(page.spec.props if page.spec else ())
                    out["spec not text"] += len(drawn - said)
                    out["text not spec"] += len(said - drawn)
            out["ratios"].append(len(" ".join(p.text for p in funnier.pages).split()) / len(whole.split()))
            text = "\n".join(texts)
            out["grades"].setdefault(audience, []).append(
                (grade_with(text, syllables), grade_with(text, vowel_syllables))
            )
    return out


def shared_plot_sentences(seeds: range) -> tuple[int, int]:
    """Plot sentences told in books of two different sample photos, and all plot sentences."""
    from PIL import Image

    from core.offline.vision import OfflineVision
    from core.offline.writer import OfflineWriter, make_plan, plot_sentences
    from core.providers.base import Brief
    from core.samples import SAMPLES

    w, vision = OfflineWriter(), OfflineVision()
    plot: dict[str, set[str]] = {}
    for name, sample in SAMPLES.items():
        caption = "".join(vision.describe(Image.open(sample.path)))
        lines: set[str] = set()
        for seed in seeds:
            b = Brief(caption, 8, "older children", "adventure", "warm", seed=seed)
            lines |= plot_sentences(make_plan(b), [p.text for p in w.write(b).pages])
        plot[name] = lines
    names = list(plot)
    shared = set()
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            shared |= plot[a] & plot[b]
    return len(shared), sum(len(v) for v in plot.values())


def report(label: str, m: dict) -> None:
    ratios = m["ratios"]
    print(f"\n{label}: {m['books']} books (8 pages; first draft, shorter, shorter then funnier)")
    rows = [
        ("names kept", f"{m['names kept']}/{m['named']}", "all"),
        ("subject kept", f"{m['subject kept']}/{m['books']}", "all"),
        ("place kept (every page's spec)", f"{m['place kept']}/{m['placed']}", "all"),
        ("used before introduced", str(m["from nowhere"]), "0"),
        ("repeated or near-repeated lines", str(m["repeated lines"]), "0"),
        ("props in spec, not in text", str(m["spec not text"]), "0"),
        ("props in text, not in spec", str(m["text not spec"]), "0"),
        ("pictures with a spec'd thing not drawn", f"{m['not drawn']}/{m['pictures']}", "0"),
        (
            "shorter-then-funnier / original words",
            f"mean {statistics.mean(ratios):.2f}, max {max(ratios):.2f}",
            "< 1.00",
        ),
    ]
    for name, value, goal in rows:
        print(f"  {name:40} {value:>24}   goal {goal}")
    if m["missing"]:
        print(f"    not drawn: {', '.join(f'{k} x{v}' for k, v in sorted(m['missing'].items()))}")
    print(f"  {'reading level (FK grade), two syllable counters':40}")
    print(f"    {'audience':38} {'hyphenation':>12} {'vowel groups':>12}")
    for audience, pairs in sorted(m["grades"].items()):
        a = statistics.mean(p[0] for p in pairs)
        b = statistics.mean(p[1] for p in pairs)
        print(f"    {audience:38} {a:12.1f} {b:12.1f}")


def main(quick: bool) -> None:
    seeds = SEEDS[:1] if quick else SEEDS
    report(f"tuning captions ({len(TUNING)})", measure(TUNING, seeds))
    report(f"held-back captions ({len(HELD_BACK)}, not used while tuning)", measure(HELD_BACK, seeds))
    photo_seeds = range(1, 6 if quick else 21)
    shared, total = shared_plot_sentences(photo_seeds)
    print(
        f"\nsample photos (offline vision captions) x seeds {photo_seeds.start}-{photo_seeds.stop - 1}: "
        f"{shared} of {total} distinct plot sentences shared between photos (goal 0)"
    )
    shared, total = shared_headlines(SEEDS)
    print(
        f"campaign briefs ({len(CAMPAIGNS)}, 3 variants x seeds {SEEDS[0]}-{SEEDS[-1]}): "
        f"{shared} of {total} distinct headlines shared between briefs (goal 0)"
    )


if __name__ == "__main__":
    main("--quick" in sys.argv)
