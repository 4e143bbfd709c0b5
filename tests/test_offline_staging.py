"""The offline illustrator draws a page's scene spec: its place, light, weather, things and hero."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.offline.analysis import analyse
from core.offline.cutout import cut_out
from core.offline.illustrator import OfflineIllustrator
from core.offline.sprites import sprite
from core.offline.staging import stage
from core.offline.world import COMPANIONS, FRAMINGS, POSES, PROPS, SETTINGS, TIMES, WEATHERS, fits
from core.providers.base import ImageJob, pictures
from core.story import SceneSpec

SAMPLES = Path(__file__).resolve().parent.parent / "assets" / "samples"
SIZE = (192, 256)


@pytest.fixture(scope="module")
def photos() -> dict[str, Image.Image]:
    return {name: Image.open(SAMPLES / f"{name}.jpg").convert("RGB") for name in ("astronaut", "chelsea", "coffee")}


@pytest.fixture(scope="module")
def cutouts(photos):
    found = {name: analyse(photo) for name, photo in photos.items()}
    return {name: cut_out(photos[name], a.subject_box, a.subject_kind) for name, a in found.items()}


def staged(spec: SceneSpec, cutout=None, seed: int = 3, size=SIZE):
    from core.offline.staging import setting_of

    return stage(spec, setting_of(spec), spec.framing, cutout, size, seed)


def drawn(photo, *specs: SceneSpec, seed: int = 5, style: str = "photo", size=SIZE) -> list[np.ndarray]:
    jobs = [
        ImageJob(prompt="a picture", seed=seed, width=size[0], height=size[1], style=style, photo=photo, spec=spec)
        for spec in specs
    ]
    return [np.asarray(p, dtype=np.float32) for p in pictures(OfflineIllustrator().generate(jobs))]


def diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.float32) - b.astype(np.float32)).mean())


def test_every_setting_is_painted_and_each_looks_like_no_other():
    pictures_ = {key: staged(SceneSpec(setting=key))[0] for key in SETTINGS}
    for (a, pa), (b, pb) in itertools.combinations(pictures_.items(), 2):
        assert diff(pa, pb) > 12, (a, b)  # a kitchen is not a classroom, the moon is not space
    for key, picture in pictures_.items():
        assert picture.std() > 20, key  # something painted, not a flat wash


def test_every_companion_and_prop_is_drawn_where_it_is_named_and_each_is_its_own_picture(cutouts):
    names = [*COMPANIONS, *PROPS]
    for name in names:
        thing = COMPANIONS.get(name) or PROPS[name]
        setting = next(key for key in ("park", "living room", "space") if fits(thing, key))
        spec = SceneSpec(setting=setting, framing="medium", **{"companions" if name in COMPANIONS else "props": [name]})
        picture, staging = staged(spec, cutouts["astronaut"])
        bare, _ = staged(SceneSpec(setting=setting, framing="medium"), cutouts["astronaut"])
        assert name in staging.things, name
        x0, y0, x1, y1 = staging.things[name]
        w, h = SIZE
        inside = (min(x1, w) - max(x0, 0)) * (min(y1, h) - max(y0, 0)) / ((x1 - x0) * (y1 - y0))
        assert inside > 0.8 and (x1 - x0) * (y1 - y0) > 0.004 * w * h, name  # in the picture, not a speck
        box = (slice(max(0, y0), min(h, y1)), slice(max(0, x0), min(w, x1)))
        assert diff(picture[box], bare[box]) > 10, name  # and it shows there
    arts = {n: np.asarray(Image.fromarray(sprite(n)).resize((32, 32)), np.float32) for n in names}
    for a, b in itertools.combinations(names, 2):
        assert diff(arts[a], arts[b]) > 10, (a, b)


def test_every_time_weather_pose_and_framing_changes_the_picture(photos, cutouts):
    base = SceneSpec(setting="park", time="day", weather="clear", pose="stand", framing="medium")
    variants = (
        [base.model_copy(update={"time": t}) for t in TIMES if t != base.time]
        + [base.model_copy(update={"weather": w}) for w in WEATHERS if w != base.weather]
        + [base.model_copy(update={"framing": f}) for f in FRAMINGS if f != base.framing]
    )
    plain, *others = drawn(photos["chelsea"], base, *variants)
    for spec, other in zip(variants, others, strict=True):
        changed = {k: v for k, v in spec.model_dump().items() if v != base.model_dump()[k]}
        assert diff(other, plain) > 4, changed
    # a pose changes the hero: measured where the hero is (in either picture), so that a small
    # hero (a bust is drawn smaller) must change as visibly as a large one
    for name in ("chelsea", "coffee"):
        standing, before = staged(base, cutouts[name])
        for pose in POSES:
            if pose != base.pose:
                posed, after = staged(base.model_copy(update={"pose": pose}), cutouts[name])
                x0, y0 = min(before.hero[0], after.hero[0]), min(before.hero[1], after.hero[1])
                x1, y1 = max(before.hero[2], after.hero[2]), max(before.hero[3], after.hero[3])
                assert diff(np.asarray(posed)[y0:y1, x0:x1], np.asarray(standing)[y0:y1, x0:x1]) > 10, (name, pose)
    indoors = [SceneSpec(setting="kitchen", weather=w) for w in WEATHERS]
    through_the_window = drawn(photos["chelsea"], *indoors)
    for (a, pa), (b, pb) in itertools.combinations(zip(WEATHERS, through_the_window, strict=True), 2):
        assert diff(pa, pb) > 0.3, (a, b)  # seen through the kitchen's window


def test_the_hero_is_whole_inside_the_picture_in_every_pose_and_framing(cutouts):
    w, h = SIZE
    for (name, cutout), pose, framing in itertools.product(cutouts.items(), POSES, FRAMINGS):
        spec = SceneSpec(setting="bedroom" if pose == "sleep" else "hills", pose=pose, framing=framing,
                         companions=["dog"], props=["ball"])  # fmt: skip
        _, staging = staged(spec, cutout)
        x0, y0, x1, y1 = staging.hero
        assert 0 <= x0 and 0 <= y0 and x1 <= w and y1 <= h, (name, pose, framing)


def test_a_bust_is_drawn_smaller_than_a_whole_figure_so_the_scene_shows(cutouts):
    """A close-up photo (cut at the bottom: Chelsea's face) drawn at a whole figure's height filled
    the picture and hid the room it stood in."""
    from core.offline.staging import HERO_HEIGHT

    assert cutouts["chelsea"].cut_at_bottom and not cutouts["coffee"].cut_at_bottom
    w, h = SIZE
    for framing in FRAMINGS:
        spec = SceneSpec(setting="kitchen", framing=framing)
        for name in ("chelsea", "coffee"):
            x0, y0, x1, y1 = staged(spec, cutouts[name])[1].hero
            most = HERO_HEIGHT[framing][1] * h
            if cutouts[name].cut_at_bottom:
                assert (y1 - y0) <= 0.7 * most and (x1 - x0) * (y1 - y0) < w * h / 3, (name, framing)
            else:
                assert (y1 - y0) > 0.7 * most or x1 - x0 > 0.85 * w, (name, framing)  # as tall, or as wide as fits


def test_the_hero_is_larger_the_closer_the_framing(cutouts):
    for cutout in cutouts.values():
        heights = []
        for framing in ("wide", "medium", "close"):
            _, staging = staged(SceneSpec(setting="hills", framing=framing), cutout)
            heights.append(staging.hero[3] - staging.hero[1])
        assert heights[0] < heights[1] < heights[2]


def test_a_cut_out_never_ends_in_a_hard_straight_line(cutouts):
    """Where the photo (or the rectangle around a face) cut the subject, the cut-out fades out
    softly along a curve: a side where many columns end on one line is soft there (a vignette),
    never the hard straight cut that showed in the scenes (the astronaut's arm sheared along one
    line, the close-up cat's head along the photo's top)."""
    for name, cutout in cutouts.items():
        alpha = cutout.rgba[..., 3]
        ys, xs = np.nonzero(alpha > 128)
        alpha = alpha[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
        for k in range(4):  # bottom, left, top, right
            side = np.rot90(alpha, k)
            opaque = side > 128
            ends = side.shape[0] - 1 - np.argmax(opaque[::-1], axis=0)
            on_the_line = opaque.any(axis=0) & (ends >= side.shape[0] - 3)
            if on_the_line.mean() < 0.15:
                continue
            soft = [
                int(((side[max(0, end - 40) :, c] > 25) & (side[max(0, end - 40) :, c] < 230)).sum())
                for c, end in enumerate(ends)
                if on_the_line[c]
            ]
            assert np.mean(soft) > 0.025 * side.shape[0], (name, k)


def test_consecutive_pages_of_a_book_differ():
    from bench.contact_sheet import BOOK

    pages = [staged(SceneSpec(**page), seed=100 + i)[0] for i, page in enumerate(BOOK)]
    for i, (a, b) in enumerate(itertools.pairwise(pages)):
        assert diff(a, b) > 20, i


def test_a_planned_page_is_drawn_from_its_spec_the_same_every_time(photos):
    spec = SceneSpec(setting="river", companions=["tortoise"], props=["boat"], pose="look", framing="wide")
    first, again, unplanned = drawn(photos["astronaut"], spec, spec, None, style="watercolour")
    assert np.array_equal(first, again)
    assert diff(first, unplanned) > 10  # without a spec the prompt alone is drawn, as before


def test_a_planned_page_without_a_photo_still_shows_its_scene():
    spec = SceneSpec(setting="beach", props=["bucket", "shell"], framing="medium")
    picture, staging = staged(spec)
    assert staging.hero is None and {"bucket", "shell"} <= set(staging.things)
    (image,) = drawn(None, spec)
    assert image.std() > 20


def test_a_kite_caught_in_a_tree_is_in_a_tree():
    spec = SceneSpec(setting="garden", action="finds the kite stuck in the old tree", props=["kite"], framing="wide")
    for seed in range(4):
        picture, staging = staged(spec, seed=seed)
        x0, y0, x1, y1 = staging.things["kite"]
        below = picture[min(SIZE[1] - 1, y1 + 2) : min(SIZE[1], y1 + 20), max(0, x0) : min(SIZE[0], x1)]
        green = (below[..., 1] > below[..., 0] + 15) & (below[..., 1] > below[..., 2] + 15)
        assert green.mean() > 0.3, seed  # leaves around it, not sky


def test_every_vendored_picture_is_listed_with_its_code_point_and_the_licence_is_beside_them():
    from core.offline.sprites import ART, CODEPOINTS

    assert {p.stem for p in ART.glob("*.png")} == set(CODEPOINTS)
    assert set(COMPANIONS) | set(PROPS) <= set(CODEPOINTS)
    assert "CC-BY 4.0" in (ART / "LICENSE").read_text() and "Twemoji" in (ART / "README.md").read_text()
    assert sum(p.stat().st_size for p in ART.iterdir()) < 3_000_000


def test_staging_of_says_where_each_named_thing_was_drawn(photos):
    from core.offline.illustrator import staging_of

    spec = SceneSpec(setting="cafe", companions=["mouse"], props=["cake", "cup", "hat"], framing="medium")
    job = ImageJob(prompt="a picture", seed=2, width=SIZE[0], height=SIZE[1], photo=photos["coffee"], spec=spec)
    staging = staging_of(job)
    assert set(staging.things) == {"mouse", "cake", "cup", "hat"} and staging.hero is not None
    assert staging_of(ImageJob(prompt="a picture", seed=2, width=SIZE[0], height=SIZE[1])) is None


def test_words_outside_the_world_do_not_break_a_picture(photos):
    spec = SceneSpec(setting="volcano", time="noonish", weather="hail", pose="cartwheel", framing="huge",
                     companions=["dragon", "fox"], props=["sword"])  # fmt: skip
    (image,) = drawn(photos["chelsea"], spec)
    assert image.std() > 20
    _, staging = staged(spec, None)
    assert set(staging.things) == {"fox"}


def test_a_busts_shadow_is_under_its_solid_part_not_its_faded_edge(cutouts) -> None:
    """A bust fades out softly where the photo cut it: a shadow under the box's foot sat below
    the fade, and the cat's face looked like it floated above the floor."""
    from core.offline.staging import _solid

    art = np.zeros((100, 40, 4), dtype=np.uint8)
    art[:70, :, 3] = 255
    art[70:, :, 3] = 60  # the fade
    assert _solid(Image.fromarray(art, "RGBA"), (10, 20, 50, 120)) == (10, 20, 50, 90)
    assert _solid(Image.fromarray(np.zeros((8, 8, 4), dtype=np.uint8), "RGBA"), (0, 0, 8, 8)) == (0, 0, 8, 8)
    from core.offline.staging import _posed

    leaning = _posed(cutouts["chelsea"], "look", 200, 1, np.random.default_rng(1))  # its pale edge, turned
    assert _solid(leaning, (0, 0, *leaning.size))[3] < 0.95 * leaning.height  # the shadow moves up to it
