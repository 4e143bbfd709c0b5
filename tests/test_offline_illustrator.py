"""The offline illustrator and upscaler: real filters, deterministic, varied by seed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.errors import InputError
from core.offline.analysis import analyse
from core.offline.composition import compose
from core.offline.illustrator import OfflineIllustrator
from core.offline.prompt_words import read_prompt
from core.offline.scenery import Setting
from core.offline.upscaler import OfflineUpscaler
from core.providers.base import Illustrator, ImageJob, Step, Upscaler, pictures

SAMPLES = Path(__file__).resolve().parent.parent / "assets" / "samples"
STYLES = ("watercolour", "ink", "pastel", "comic", "photo")


@pytest.fixture(scope="module")
def photos() -> dict[str, Image.Image]:
    return {name: Image.open(SAMPLES / f"{name}.jpg").convert("RGB") for name in ("astronaut", "chelsea", "coffee")}


@pytest.fixture(scope="module")
def illustrator() -> OfflineIllustrator:
    return OfflineIllustrator()


def job(
    photo, style="watercolour", seed=1, scene="A cat sits in the kitchen.", mood="calm", size=(576, 768)
) -> ImageJob:
    return ImageJob(
        prompt=f"{style} picture of {scene}",
        seed=seed,
        width=size[0],
        height=size[1],
        style=style,
        scene=scene,
        mood=mood,
        photo=photo,
    )


def first_picture(events) -> Image.Image:
    return pictures(events)[0]


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image).astype(np.int16)


def test_protocol_sizes_and_params(illustrator):
    assert isinstance(illustrator, Illustrator) and illustrator.engine == "offline"
    assert illustrator.size_for("portrait") == (576, 768)
    assert illustrator.size_for("square") == (640, 640)
    assert illustrator.size_for("landscape") == (768, 576)
    assert "filters" in illustrator.params()


def test_exact_size_steps_and_order(illustrator, photos):
    jobs = [
        job(photos["chelsea"], style=s, size=size)
        for s, size in zip(STYLES, [(576, 768), (640, 640), (768, 576), (576, 768), (640, 640)])
    ]
    events = list(illustrator.generate(jobs))
    images = pictures(events)
    steps = [(e.index, e.step, e.steps) for e in events if isinstance(e, Step)]
    assert [im.size for im in images] == [(j.width, j.height) for j in jobs]
    assert all(im.mode == "RGB" for im in images)
    assert {i for i, _, _ in steps} == set(range(5))
    assert all(t == 4 for _, _, t in steps) and steps[-1] == (4, 4, 4)


def test_same_job_same_pixels_other_seed_other_picture(illustrator, photos):
    for style in STYLES:
        a = first_picture(illustrator.generate([job(photos["astronaut"], style=style, seed=5)]))
        b = first_picture(illustrator.generate([job(photos["astronaut"], style=style, seed=5)]))
        c = first_picture(illustrator.generate([job(photos["astronaut"], style=style, seed=6)]))
        assert np.array_equal(pixels(a), pixels(b)), style
        assert np.abs(pixels(a) - pixels(c)).mean() > 6, style  # another crop and texture


def test_styles_are_real_filters(illustrator, photos):
    made = {s: pixels(first_picture(illustrator.generate([job(photos["coffee"], style=s, seed=2)]))) for s in STYLES}
    spread = {s: float(a.std(axis=2).mean()) for s, a in made.items()}
    colours = {
        s: len(np.unique((a[..., 0].astype(np.int32) << 16) | (a[..., 1].astype(np.int32) << 8) | a[..., 2]))
        for s, a in made.items()
    }
    assert spread["ink"] < 8 < spread["photo"]  # ink: black lines on paper, near grayscale
    ink_values = made["ink"].mean(axis=2)
    assert (ink_values > 190).mean() > 0.3 and (ink_values < 100).mean() > 0.05  # paper and ink
    assert colours["comic"] < 300 < 10_000 < colours["photo"]  # comic: a few flat colours
    assert made["pastel"].mean() > made["photo"].mean() + 10  # pastel: lightened
    assert spread["pastel"] < spread["photo"]  # and muted
    for a in STYLES:  # every pair measurably different
        for b in STYLES:
            if a < b:
                assert np.abs(made[a] - made[b]).mean() > 8, (a, b)
    # watercolour washes away the photo's fine detail: fewer sharp steps between neighbours
    detail = lambda a: float((np.abs(np.diff(a.mean(axis=2), axis=1)) > 12).mean())  # noqa: E731
    assert detail(made["watercolour"]) < detail(made["photo"])


def test_framing_follows_the_prompt_and_subject(photos):
    astronaut = analyse(photos["astronaut"])
    assert read_prompt("A close-up of the face of a cat, looking worried.", astronaut).distance == "close"
    assert read_prompt("A wide view of the village at sunset.", astronaut).distance == "wide"
    assert read_prompt("A cat and a helper by the bridge.", astronaut).distance is None
    assert read_prompt("The cat in the village, by the sea.", astronaut).distance_hint == "wide"
    reading = read_prompt("the astronaut", astronaut)
    park = Setting("park", "day", None)
    for seed in range(1, 4):
        _, close = compose(photos["astronaut"], astronaut, reading, park, "close", seed, (384, 512))
        _, wide = compose(photos["astronaut"], astronaut, reading, park, "wide", seed, (384, 512))
        height = lambda box: box[3] - box[1]  # noqa: E731
        assert height(close.subject_box) > 1.5 * height(wide.subject_box)  # a close-up stands the hero larger
        assert close.subject_box[3] >= 500 and 0 < wide.subject_box[2] and wide.subject_box[0] < 384


def test_mood_grades_the_picture(illustrator, photos):
    joyful = pixels(first_picture(illustrator.generate([job(photos["chelsea"], style="photo", mood="joyful")])))
    sad = pixels(first_picture(illustrator.generate([job(photos["chelsea"], style="photo", mood="sad")])))
    assert joyful.mean() > sad.mean() + 5
    assert joyful.std(axis=2).mean() > sad.std(axis=2).mean() + 3  # sad is desaturated


def test_without_a_photo_draws_an_abstract_picture(illustrator):
    a = first_picture(illustrator.generate([job(None, style="pastel")]))
    b = first_picture(illustrator.generate([job(None, style="pastel")]))
    assert a.size == (576, 768) and np.array_equal(pixels(a), pixels(b))
    assert pixels(a).std() > 10


def test_upscaler_sizes_and_sharpness(photos):
    up = OfflineUpscaler()
    assert isinstance(up, Upscaler) and up.engine == "offline"
    small = photos["chelsea"].resize((200, 150))
    two = up.upscale(small, 2)
    four = up.upscale(small, 4, prompt="ignored")
    assert two.size == (400, 300) and four.size == (800, 600)
    plain = small.resize((400, 300), Image.Resampling.LANCZOS)
    edge = lambda im: float(np.abs(np.diff(pixels(im).mean(axis=2), axis=1)).mean())  # noqa: E731
    assert edge(two) > edge(plain)  # the unsharp mask sharpens
    with pytest.raises(InputError):
        up.upscale(small, 3)
    with pytest.raises(InputError, match="megapixels"):
        up.upscale(Image.new("RGB", (2000, 1500)), 4)
    assert up.upscale(Image.new("RGBA", (10, 10)), 2).mode == "RGB"


# --- the prompt drives the picture (issue 9, defect 7) ----------------------------------------


def prompted(photo, prompt, style="watercolour", seed=4, mood="calm", size=(576, 768)) -> ImageJob:
    """A job whose scene and mood stay put while its prompt is edited, as on the Pictures page."""
    return ImageJob(
        prompt=prompt,
        seed=seed,
        width=size[0],
        height=size[1],
        style=style,
        scene="A cat sits in the kitchen.",
        mood=mood,
        photo=photo,
    )


def draw(illustrator, *jobs) -> list[np.ndarray]:
    return [pixels(illustrator.render(j)) for j in jobs]


@pytest.fixture(scope="module")
def cat_and_person() -> Image.Image:
    """One photo where the detectors find a cat face (top) and a human face (bottom left)."""
    cat = Image.open(SAMPLES / "chelsea.jpg").convert("RGB")
    person = Image.open(SAMPLES / "astronaut.jpg").convert("RGB").resize((260, 260))
    image = Image.new("RGB", (451, 560), (128, 128, 128))
    image.paste(cat, (0, 0))
    image.paste(person, (0, 300))
    return image


def test_night_is_darker_and_cooler_than_noon(illustrator, photos):
    for name in ("chelsea", "coffee"):
        night, noon = draw(
            illustrator, prompted(photos[name], "the cat at night"), prompted(photos[name], "the cat at noon")
        )
        assert night.mean() < noon.mean() - 50, name
        assert night[..., 2].mean() > night[..., 0].mean() + 5, name  # moonlight blue
    # the two prompts of the issue: visibly different pictures of one photo and seed
    a, b = draw(
        illustrator,
        prompted(photos["chelsea"], "at night, close-up of the cat"),
        prompted(photos["chelsea"], "at noon, wide view"),
    )
    assert np.abs(a - b).mean() > 40 and a.mean() < b.mean() - 50


def test_dusk_is_warm_above_and_dawn_is_soft(illustrator, photos):
    plain, dusk, dawn = draw(
        illustrator,
        *(prompted(photos["astronaut"], f"the astronaut{t}", style="photo") for t in ("", " at sunset", " at dawn")),
    )
    top = slice(0, 200)
    assert dusk[top, :, 0].mean() - dusk[top, :, 2].mean() > plain[top, :, 0].mean() - plain[top, :, 2].mean() + 10
    assert dusk.mean() < plain.mean()
    shadows = lambda a: np.percentile(a.mean(axis=2), 5)  # noqa: E731
    assert shadows(dawn) > shadows(plain) + 10  # lifted shadows
    assert dawn.std() < plain.std() - 5  # softer light


def test_close_up_is_framed_closer_than_wide(photos):
    from core.offline.illustrator import plan_picture

    for name in ("astronaut", "coffee"):
        for seed in range(1, 9):
            assert plan_picture(prompted(photos[name], "a close-up of the astronaut", seed=seed)).distance == "close"
            assert plan_picture(prompted(photos[name], "a wide view of the astronaut", seed=seed)).distance == "wide"


def test_the_subject_the_prompt_names_is_framed(illustrator, cat_and_person):
    from core.offline.illustrator import plan_picture

    found = analyse(cat_and_person)
    assert found.faces and found.cat_faces, "the detectors should find both in the test photo"
    for seed in range(1, 6):
        cat = plan_picture(prompted(cat_and_person, "a close-up of the cat", seed=seed)).subject
        person = plan_picture(prompted(cat_and_person, "a close-up of the woman", seed=seed)).subject
        assert cat == (found.cat_faces[0].box, "cat face") and person == (found.faces[0].box, "face")
    a, b = draw(
        illustrator,
        prompted(cat_and_person, "a close-up of the cat"),
        prompted(cat_and_person, "a close-up of the woman"),
    )
    assert np.abs(a - b).mean() > 20


def test_a_style_word_in_the_prompt_overrides_the_style(illustrator, photos):
    ink, comic, plain = draw(
        illustrator,
        prompted(photos["coffee"], "an ink drawing of a cup", style="watercolour"),
        prompted(photos["coffee"], "a cup, in comic style", style="watercolour"),
        prompted(photos["coffee"], "a cup", style="watercolour"),
    )
    assert ink.std(axis=2).mean() < 8 < plain.std(axis=2).mean()  # ink: near grayscale
    assert (ink.mean(axis=2) > 190).mean() > 0.3  # on paper
    flat = lambda a: len(np.unique(a.reshape(-1, 3), axis=0))  # noqa: E731
    assert flat(comic) < 300 < flat(plain)  # comic: a few flat colours


def test_prompt_mood_weather_and_angle_change_the_picture(illustrator, photos):
    happy, sad = draw(
        illustrator,
        prompted(photos["chelsea"], "a happy cat, laughing", style="photo"),
        prompted(photos["chelsea"], "a sad, lonely cat crying", style="photo"),
    )
    assert happy.mean() > sad.mean() + 5 and happy.std(axis=2).mean() > sad.std(axis=2).mean() + 3
    base, rain, snow, mist, above = draw(
        illustrator,
        *(
            prompted(photos["astronaut"], f"the astronaut{w}")
            for w in ("", " in the rain", " in the snow", " in the mist", ", seen from above")
        ),
    )
    for name, other in (("rain", rain), ("snow", snow), ("mist", mist), ("above", above)):
        assert np.abs(other - base).mean() > 6, name
    assert mist.std() < base.std() - 5  # a veil lowers contrast
    assert (snow.min(axis=2) > 235).mean() > (base.min(axis=2) > 235).mean() + 0.01  # white flakes


def test_words_the_photo_cannot_honour_are_reported(photos, cat_and_person):
    chelsea = analyse(photos["chelsea"])
    reading = read_prompt("At night, a close-up of the cat and a dragon", chelsea)
    assert reading.time == "night" and reading.distance == "close"
    assert {"at night", "close-up", "cat"} <= set(reading.honoured)
    assert reading.ignored == ("dragon",) and "dragon" in reading.message()
    assert [d.kind for d in reading.subjects] == ["cat face"]
    three = read_prompt("three cats in the forest, oil painting", chelsea)
    assert three.ignored == ("three cats", "forest", "oil painting")
    assert read_prompt("the cat", analyse(photos["astronaut"])).ignored == ("cat",)
    assert read_prompt("the cat", None).ignored == ("cat",)  # no photo: nothing to frame
    both = read_prompt("two friends: a person and a cat", analyse(cat_and_person))
    assert "two friends" in both.ignored and {"person", "cat"} <= set(both.honoured)
    assert len(both.subjects) == 2
    # a thing the person confirmed in the caption is in the picture already
    assert read_prompt("a cup of coffee", None, caption="A cup of coffee on a saucer.").ignored == ()
    assert read_prompt("a cup of coffee", None).ignored == ("cup", "coffee")
    clear = read_prompt("a close-up of the cat at dusk, in pastel, misty", chelsea)
    assert clear.ignored == () and clear.message() is None
    assert (clear.style, clear.time, clear.weather) == ("pastel", "dusk", "mist")


def test_the_studio_prompts_read_as_their_style(photos):
    from core.prompts import image_prompt

    astronaut = analyse(photos["astronaut"])
    for style in STYLES:
        prompt, _ = image_prompt("A close-up of the astronaut, looking worried", style)
        reading = read_prompt(prompt, astronaut)
        assert reading.style == style and reading.distance == "close"
        assert reading.ignored == (), (style, reading.ignored)  # the preset's own words are style
        assert reading.mood == "tense" and [d.kind for d in reading.subjects] == ["face"]
    edited = read_prompt(image_prompt("a cat at night", "watercolour")[0] + ", in comic style", astronaut)
    assert edited.style == "comic" and "comic" in edited.honoured


def test_without_a_photo_the_prompt_still_lights_the_picture(illustrator):
    night, noon = draw(illustrator, prompted(None, "a dragon at night"), prompted(None, "a dragon at noon"))
    assert night.mean() < noon.mean() - 40


DETERMINISM = """
import hashlib, io, json, sys
from PIL import Image
from core.offline.illustrator import OfflineIllustrator
from core.providers.base import ImageJob

photo = Image.open(sys.argv[1]).convert("RGB")
out = []
for prompt, style in json.loads(sys.argv[2]):
    job = ImageJob(prompt=prompt, seed=9, width=320, height=400, style=style, scene="A cat.",
                   mood="calm", photo=photo)
    buffer = io.BytesIO()
    OfflineIllustrator().render(job).save(buffer, "PNG")
    out.append(hashlib.sha256(buffer.getvalue()).hexdigest())
print(json.dumps(out))
"""


def test_same_job_same_png_bytes_across_processes(illustrator, photos):
    import hashlib
    import io
    import json
    import os
    import subprocess
    import sys

    jobs = [
        ("at night, a close-up of the cat in the snow, from above", "watercolour"),
        ("at noon, a wide view, in comic style, rain", "watercolour"),
        ("a misty dawn, pastel", "watercolour"),
    ]
    runs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(SAMPLES.parent.parent)}
        done = subprocess.run(
            [sys.executable, "-c", DETERMINISM, str(SAMPLES / "chelsea.jpg"), json.dumps(jobs)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=120,
        )
        runs.append(json.loads(done.stdout))
    here = []
    for prompt, style in jobs:
        job = ImageJob(
            prompt=prompt,
            seed=9,
            width=320,
            height=400,
            style=style,
            scene="A cat.",
            mood="calm",
            photo=Image.open(SAMPLES / "chelsea.jpg").convert("RGB"),
        )
        buffer = io.BytesIO()
        illustrator.render(job).save(buffer, "PNG")
        here.append(hashlib.sha256(buffer.getvalue()).hexdigest())
    assert runs[0] == runs[1] == here
    assert len(set(here)) == 3  # and each prompt its own picture (one scene, one style, one seed)


def test_a_position_word_picks_one_of_several_faces(photos):
    from core.offline.illustrator import plan_picture

    astronaut = photos["astronaut"]
    pair = Image.new("RGB", (1024, 512))
    pair.paste(astronaut, (0, 0))
    pair.paste(astronaut.transpose(Image.Transpose.FLIP_LEFT_RIGHT), (512, 0))
    left, right = sorted(analyse(pair).faces, key=lambda d: d.box[0])
    for side, face, other in (("left", left, right), ("right", right, left)):
        box, _ = plan_picture(prompted(pair, f"a close-up of the woman on the {side}", size=(512, 512))).subject
        assert box == face.box != other.box, side
    one = read_prompt("the woman on the left", analyse(astronaut))  # her face is in the middle
    assert one.ignored == ("on the left",) and one.honoured == ("woman",)


def _book_jobs(photo) -> list[ImageJob]:
    """A book's worth of jobs on one photo at 1024 px: close-ups in the three smoothed styles and
    two comic moods, a wide view and a tilted view."""
    shared = [
        replace(
            job(photo, style=style, seed=seed, mood=mood, size=(768, 1024)), prompt=f"a close-up of the cat, {style}"
        )
        for seed, (style, mood) in enumerate(
            [
                ("watercolour", "calm"),
                ("pastel", "calm"),
                ("comic", "joyful"),
                ("comic", "sad"),
                ("watercolour", "tense"),
            ]
        )
    ]
    wide = replace(shared[0], seed=8, prompt="a wide view of the kitchen, watercolour")
    tilted = replace(shared[0], seed=7, prompt="watercolour picture of the cat seen from above")
    return [*shared, wide, tilted]


def test_a_book_drawn_together_gives_each_picture_as_drawn_alone(photos):
    from core.offline import cutout

    illustrator = OfflineIllustrator(long_side=1024)
    jobs = _book_jobs(photos["chelsea"])
    alone = []
    for j in jobs:
        cutout._cache.clear()  # nothing kept from another job
        alone.append(pixels(first_picture(illustrator.generate([j]))))
    cutout._cache.clear()
    together = [pixels(p) for p in pictures(illustrator.generate(jobs))]  # on the thread pool
    again = [pixels(p) for p in pictures(illustrator.generate(list(reversed(jobs))))][::-1]  # all kept
    for a, b, c in zip(alone, together, again, strict=True):
        assert np.array_equal(a, b) and np.array_equal(a, c)


def test_closing_the_pictures_stops_the_work(photos, monkeypatch):
    import core.offline.illustrator as offline

    drawn = []
    render = OfflineIllustrator.render
    monkeypatch.setattr(OfflineIllustrator, "render", lambda self, j, step=None: drawn.append(j) or render(self, j))
    events = OfflineIllustrator().generate([job(photos["coffee"], seed=s, size=(96, 128)) for s in range(30)])
    first = next(e for e in events if not isinstance(e, Step))
    events.close()
    assert first.index == 0
    assert len(drawn) <= offline.RENDER_THREADS + 2  # the pictures drawn ahead, not the whole book


def test_the_paper_is_drawn_once_and_each_picture_lies_elsewhere_on_it() -> None:
    """`texture.paper_grain` is made once per size and shared by every render thread (read-only);
    a picture takes a window of it at an offset its own generator picks, so two seeds do not
    share their grain, and the same seed always gets the same."""
    from core.offline.texture import paper_grain, window

    sheet = paper_grain(96, 64)
    assert sheet is paper_grain(96, 64) and not sheet.flags.writeable
    first, again, other = (window(sheet, np.random.default_rng(s), 96, 64) for s in (1, 1, 2))
    assert first.shape == (96, 64, 3) and np.array_equal(first, again)
    assert not np.array_equal(first, other)
    assert 1.5 < float(sheet.std()) < 5.0  # a grain of a few levels, not flat, not a wash of noise
