"""The offline illustrator and upscaler: real filters, deterministic, varied by seed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.errors import InputError
from core.offline.illustrator import OfflineIllustrator, choose_crop, framing_for
from core.offline.upscaler import OfflineUpscaler
from core.providers.base import Illustrator, ImageJob, Step, Upscaler, pictures

SAMPLES = Path(__file__).resolve().parent.parent / "assets" / "samples"
STYLES = ("watercolour", "ink", "pastel", "comic", "photo")


@pytest.fixture(scope="module")
def photos() -> dict[str, Image.Image]:
    return {name: Image.open(SAMPLES / f"{name}.jpg").convert("RGB")
            for name in ("astronaut", "chelsea", "coffee")}


@pytest.fixture(scope="module")
def illustrator() -> OfflineIllustrator:
    return OfflineIllustrator()


def job(photo, style="watercolour", seed=1, scene="A cat sits in the kitchen.", mood="calm",
        size=(576, 768)) -> ImageJob:
    return ImageJob(prompt=f"{style} picture of {scene}", seed=seed, width=size[0], height=size[1],
                    style=style, scene=scene, mood=mood, photo=photo)


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
    jobs = [job(photos["chelsea"], style=s, size=size)
            for s, size in zip(STYLES, [(576, 768), (640, 640), (768, 576), (576, 768), (640, 640)])]
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
    made = {s: pixels(first_picture(illustrator.generate([job(photos["coffee"], style=s, seed=2)])))
            for s in STYLES}
    spread = {s: float(a.std(axis=2).mean()) for s, a in made.items()}
    colours = {s: len(np.unique((a[..., 0].astype(np.int32) << 16) | (a[..., 1].astype(np.int32) << 8)
                                | a[..., 2])) for s, a in made.items()}
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
    # watercolour is smoother than the photo (edge-preserving washes)
    lap = lambda a: float(np.abs(np.diff(a.mean(axis=2), axis=1)).mean())  # noqa: E731
    assert lap(made["watercolour"][200:600, 150:450]) < lap(made["photo"][200:600, 150:450])


def test_framing_follows_the_scene_and_subject():
    assert framing_for("A close-up of the face of a cat, looking worried.") == "close"
    assert framing_for("A wide view of the village at sunset.") == "wide"
    assert framing_for("A cat and a helper by the bridge.") == "medium"
    rng = np.random.default_rng(1)
    subject = (177, 66, 95, 95)  # the astronaut's face
    close = choose_crop((512, 512), subject, 0.75, "close", rng)
    wide = choose_crop((512, 512), subject, 0.75, "wide", rng)
    assert (close[2] - close[0]) < (wide[2] - wide[0])
    assert close[0] <= 177 + 47 <= close[2] and close[1] <= 66 + 47 <= close[3]
    assert 0 <= wide[0] and wide[2] <= 512.01 and wide[3] <= 512.01


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
