"""The offline illustrator: the person's photo as the hero of scenes painted for each page.

A page the offline writer planned carries a scene spec (`ImageJob.spec`, a `core.story.SceneSpec`):
then the picture is that scene, drawn by `core.offline.staging`: its setting at its time and in
its weather, every companion and prop it names (vendored Twemoji pictures, `core.offline.sprites`),
and the photo's subject whole, posed for the action and sized by the framing. The prompt's own
words on style, framing, time and weather still win (the person may have edited it). A page
without a spec (another engine's prompt, an older story) is drawn from its prompt as follows.

The picture prompt drives each picture (`plan_picture`), read by `core.offline.prompt_words`: the
subject it names among what the photo analysis found (a face, a cat face, a figure; otherwise the
photo's own subject or centre of interest) is cut out of the photo and stood in a scene painted
for the page (`core.offline.composition`): the place its words name (park, forest, river, street,
room, beach, snow, night sky, hills), close, medium or wide as the prompt says (or as its words
about faces or places hint, or as the seed draws), seen from above or below when asked. The
picture is then drawn in the style the prompt names (else the story's) as a real filter:

- watercolour: edge-preserving smoothing, colour bleeding (a noise-driven warp), pigment pooling at
  edges, paper grain and soft unpainted paper at the margins;
- ink: black line work from an adaptive threshold plus hatching by tone, on cream paper;
- pastel: soft, light, muted colour smeared along a stroke direction, with chalk grain;
- comic: posterised flat colours, bold outlines and halftone dots in the shadows;
- photo: a light grade only.

Then it is graded by mood (the prompt's mood words, else the page's: warmth, saturation, contrast,
vignette), lit for the time of day the prompt names and given its weather
(`core.offline.atmosphere`). For the ink style the mood grade touches only light and contrast, so
ink stays black on paper; for comic it is applied before posterising, so the colours stay flat.
What the prompt asks that a photo cannot give (a dragon, three cats for one) is in the reading's
`ignored` words, for the page to show. Every random choice comes from numpy generators seeded
by the job (no hash(), no set order, no clock): the scene and the subject's place from the seed,
the texture from the seed and the style. The same job gives the same pixels in any process,
another seed another scene and texture; the cut-out is the same on every page. Without a photo it
draws an abstract composition seeded by the prompt.

Speed: the cut-out is made once per photo (cached); a page is painted, composed and filtered at
the half size the smoothing styles work at. `generate` draws the next pictures on a small thread
pool while the caller stores the last one, which does not change a job's pixels.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import islice

import cv2
import numpy as np
from PIL import Image, ImageDraw

from core.offline.analysis import Box, PhotoAnalysis, analyse
from core.offline.atmosphere import light, tilt, weather
from core.offline.composition import compose, subject_of
from core.offline.cutout import cut_out
from core.offline.prompt_words import PromptReading, read_prompt
from core.offline.scenery import Setting, setting_for
from core.offline.staging import Staging, setting_of, stage
from core.offline.texture import grain, grid, line_kernel, luma, noise, paper_fibres, radial, ragged_margin, window
from core.providers import fit_long_side
from core.providers.base import IllustratorEvent, ImageJob, Picture, Step
from core.story import SceneSpec

FILTER_VERSION = "offline-filters-5"  # 5: a page's scene spec drawn, props and companions, the hero posed
STYLES = ("watercolour", "ink", "pastel", "comic", "photo")
SIZES = {"portrait": (576, 768), "square": (640, 640), "landscape": (768, 576)}
STEPS = 4  # frame, style, grade (mood, time of day, weather), done
# pictures drawn at once by `generate`: one per core (up to 4); storing a drawn picture costs the
# caller a few milliseconds (core.studio.put_picture: JPEG), so it needs no core of its own
RENDER_THREADS = max(1, min(4, os.cpu_count() or 1))

PAPER = np.array([247, 243, 232], dtype=np.float32)
INK = np.array([24, 24, 28], dtype=np.float32)

# mood: (warm shift, saturation, contrast, brightness, vignette, blue-purple tint)
GRADES = {
    "calm": (-0.015, 0.92, 0.94, 0.02, 0.14, 0.0),
    "joyful": (0.045, 1.15, 1.05, 0.035, 0.08, 0.0),
    "tense": (-0.03, 0.88, 1.22, -0.04, 0.34, 0.0),
    "sad": (-0.045, 0.62, 0.9, -0.05, 0.24, 0.0),
    "mysterious": (-0.03, 0.8, 1.1, -0.07, 0.38, 0.04),
}


def _stable(text: str) -> int:
    return zlib.crc32(text.encode("utf-8", "replace"))


# --- styles ----------------------------------------------------------------------------------


def _smooth_watercolour(img: np.ndarray) -> np.ndarray:
    return cv2.bilateralFilter(cv2.bilateralFilter(img, 7, 50, 5), 7, 50, 5)


def _smooth_pastel(img: np.ndarray) -> np.ndarray:
    return cv2.bilateralFilter(img, 7, 40, 5)


def _smooth_comic(img: np.ndarray) -> np.ndarray:
    return cv2.bilateralFilter(cv2.bilateralFilter(img, 9, 80, 7), 9, 80, 7)


def watercolour(small: np.ndarray, rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    w, h = size
    # colour bleeding: warp the washes along a smooth random field
    sh, sw = small.shape[:2]
    amp = rng.uniform(2.0, 4.0)
    dx = noise(rng, sh, sw, 24) * amp
    dy = noise(rng, sh, sw, 24) * amp
    gy, gx = grid(sh, sw)
    small = cv2.remap(small, gx + dx, gy + dy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    wash = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    # pigment pools at the edges of washes
    # (in place, one plane at a time: these few lines were a tenth of the picture's time)
    pooled = cv2.GaussianBlur(cv2.Canny(cv2.resize(luma(small), (w, h)), 30, 90).astype(np.float32), (0, 0), 1.6)
    pooled *= 2.5 / 255
    np.minimum(pooled, 1, out=pooled)  # the blurred edges, 0..1
    pooled *= -0.35
    pooled += 1  # 1 - 0.35 * edges
    # unpainted paper at the margins, with a ragged edge
    blank = radial(h, w) * 1.6
    blank += window(ragged_margin(h, w), rng, h, w)
    blank -= 0.95
    blank *= 4
    np.clip(blank, 0, 1, out=blank)
    # pale, transparent pigment (255 - (255 - wash) * 0.82), pooled, on paper (granulation and
    # fibres), then the margin: the per-pixel factors are multiplied once on one channel and
    # applied to all three
    gain = pooled
    gain *= window(paper_fibres(h, w), rng, h, w)
    gain *= 1 - blank
    return _shade(wash, gain * 0.82, gain * (255 * 0.18), blank)


def _shade(img: np.ndarray, gain: np.ndarray, offset: np.ndarray, blank: np.ndarray) -> np.ndarray:
    """uint8 `img * gain + offset + PAPER * blank` (gain, offset and blank per pixel, one channel
    each), in float32, clipped and truncated to uint8; channel by channel, which keeps every
    array small enough for the cache and is twice as fast as broadcasting over three channels."""
    planes = []
    for plane, paper in zip(cv2.split(img), PAPER.tolist(), strict=True):
        out = plane.astype(np.float32)
        out *= gain
        out += offset
        out += blank * paper
        planes.append(np.clip(out, 0, 255, out=out).astype(np.uint8))
    return cv2.merge(planes)


def ink(img: np.ndarray, rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    w, h = size
    gray = cv2.medianBlur(luma(img), 5)
    lines = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 9, 6)
    tone = cv2.GaussianBlur(gray, (0, 0), 2.0).astype(np.float32) / 255
    ys, xs = (a.astype(np.int32) for a in grid(h, w))
    period = int(rng.integers(5, 8))
    o1, o2, o3 = (int(v) for v in rng.integers(0, period, 3))
    slope = int(rng.integers(1, 3))
    hatch1 = ((xs + slope * ys + o1) % period) == 0
    hatch2 = ((xs - slope * ys + o2) % period) == 0
    hatch3 = ((ys + o3) % max(3, period - 2)) == 0
    wobble = noise(rng, h, w, 30) * 0.06
    dark = np.zeros((h, w), dtype=bool)
    dark |= hatch1 & (tone + wobble < 0.55)
    dark |= hatch2 & (tone + wobble < 0.34)
    dark |= hatch3 & (tone + wobble < 0.16)
    dark |= lines == 0
    mask = cv2.GaussianBlur(dark.astype(np.float32), (0, 0), 0.6)[..., None]
    paper = PAPER * (1 + 0.025 * grain(rng, h, w, 1.0))[..., None]
    out = paper * (1 - mask) + INK * mask
    return np.clip(out, 0, 255).astype(np.uint8)


def pastel(small: np.ndarray, rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    w, h = size
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV).astype(np.float32)
    hsv[..., 1] *= 0.62 * np.clip(hsv[..., 2] / 90, 0.15, 1)  # the hue of dark pixels is noise
    hsv[..., 2] = 90 + hsv[..., 2] * 0.68
    soft = cv2.cvtColor(np.clip(hsv, 0, 255).astype(np.uint8), cv2.COLOR_HSV2RGB)
    soft = cv2.resize(soft, (w, h), interpolation=cv2.INTER_LINEAR)
    angle = rng.uniform(0.35, 1.2) * (1 if rng.random() < 0.5 else -1)
    kernel = line_kernel(int(rng.integers(9, 15)) | 1, angle)
    smeared = cv2.filter2D(soft, -1, kernel).astype(np.float32)
    strokes = cv2.filter2D(grain(rng, h, w, 0), -1, line_kernel(15, angle))
    strokes = strokes / (strokes.std() + 1e-6)
    out = smeared * (1 + 0.07 * strokes)[..., None]
    tooth = grain(rng, h, w, 0.7)
    bare = np.clip((tooth - 0.9) * 1.2, 0, 0.55)[..., None]  # paper showing between the chalk
    out = out * (1 - bare) + PAPER * bare
    out = 255 - (255 - out) * 0.9
    return np.clip(out, 0, 255).astype(np.uint8)


def comic(small: np.ndarray, rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    w, h = size
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV).astype(np.float32)
    hsv[..., 1] = np.clip(hsv[..., 1] * 1.45, 0, 255)
    vivid = cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2RGB)
    smooth = cv2.resize(vivid, (w, h), interpolation=cv2.INTER_NEAREST)
    # flat colours: hue, saturation and value each in a few steps, so a brown stays brown (steps
    # of R, G and B apart turned fur pink and green)
    hsv = cv2.cvtColor(smooth, cv2.COLOR_RGB2HSV).astype(np.float32)
    hsv[..., 0] = (np.round(hsv[..., 0] / 15) * 15) % 180
    hsv[..., 1] = np.round(hsv[..., 1] / 85) * 85
    hsv[..., 2] = np.clip(np.round((hsv[..., 2] - 20) / 58) * 58 + 30, 0, 255)
    flat = cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2RGB).astype(np.float32)
    # halftone dots in the darker half
    tone = cv2.resize(luma(small), (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32) / 255
    period = int(rng.integers(6, 9))
    ys, xs = grid(h, w)
    theta = rng.uniform(0.2, 0.8)
    u = xs * np.cos(theta) + ys * np.sin(theta) + rng.uniform(0, period)
    v = -xs * np.sin(theta) + ys * np.cos(theta) + rng.uniform(0, period)
    du = (u % period) - period / 2
    dv = (v % period) - period / 2
    radius = period * 0.55 * np.sqrt(np.clip((0.62 - tone) / 0.62, 0, 1))
    dots = (du * du + dv * dv) < radius * radius
    flat[dots] *= 0.55
    # bold outlines
    edges = cv2.Canny(cv2.GaussianBlur(luma(smooth), (5, 5), 0), 50, 130)
    edges = cv2.dilate(edges, np.ones((2, 2), np.uint8))
    flat[edges > 0] = INK
    return np.clip(flat, 0, 255).astype(np.uint8)


def photo(img: np.ndarray, rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    f = img.astype(np.float32) / 255
    f = f + 0.12 * (f - 0.5) * (1 - np.abs(2 * f - 1))  # a gentle S-curve
    gray = f.mean(axis=2, keepdims=True)
    f = gray + (f - gray) * 1.06
    return np.clip(f * 255, 0, 255).astype(np.uint8)


FILTERS = {"watercolour": watercolour, "ink": ink, "pastel": pastel, "comic": comic, "photo": photo}
# These filters start from a half-size copy smoothed by an edge-preserving filter (`SMOOTHERS`),
# before the filter itself (which gets the smoothed copy and the full size).
SMOOTHERS = {"watercolour": _smooth_watercolour, "pastel": _smooth_pastel, "comic": _smooth_comic}


def grade(img: np.ndarray, mood: str, colour: bool = True, vignette: bool = True) -> np.ndarray:
    """Grade a picture by mood; `colour=False` changes only light and contrast."""
    warm, sat, contrast, bright, vig, tint = GRADES.get(mood, GRADES["calm"])
    out = img
    if colour and sat != 1.0:
        gray = cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
        out = cv2.addWeighted(img, sat, gray, 1.0 - sat, 0.0)
    shifts = (warm + tint * 0.3, 0.0, -warm + tint) if colour else (0.0, 0.0, 0.0)
    v = np.arange(256, dtype=np.float32) / 255
    lut = np.stack([((v + sh - 0.5) * contrast + 0.5 + bright) for sh in shifts], axis=1)
    lut = np.clip(lut * 255 + 0.5, 0, 255).astype(np.uint8).reshape(256, 1, 3)
    out = cv2.LUT(np.ascontiguousarray(out), lut)
    if vignette and vig:
        out = cv2.multiply(out, _vignette(img.shape[0], img.shape[1], round(vig, 3)), dtype=cv2.CV_8U)
    return out


@lru_cache(maxsize=16)
def _vignette(h: int, w: int, strength: float) -> np.ndarray:
    return cv2.merge([1 - strength * radial(h, w)] * 3)


# --- without a photo -------------------------------------------------------------------------


def abstract(prompt: str, width: int, height: int, seed: int) -> Image.Image:
    """A calm abstract composition, its colours and shapes seeded by the prompt and the seed."""
    digest = hashlib.sha256(f"{prompt}|{seed}".encode("utf-8", "replace")).digest()
    rng = np.random.default_rng(list(digest[:16]))
    hue = rng.uniform(0, 180)
    top = cv2.cvtColor(np.uint8([[[hue, 90, 235]]]), cv2.COLOR_HSV2RGB)[0, 0].astype(np.float32)
    bottom = cv2.cvtColor(np.uint8([[[(hue + 25) % 180, 140, 150]]]), cv2.COLOR_HSV2RGB)[0, 0].astype(np.float32)
    t = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    base = (top * (1 - t) + bottom * t) * np.ones((1, width, 1), np.float32)
    image = Image.fromarray(base.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(5, 10))):
        h = (hue + rng.uniform(-40, 60)) % 180
        rgb = cv2.cvtColor(np.uint8([[[h, rng.uniform(80, 200), rng.uniform(120, 250)]]]), cv2.COLOR_HSV2RGB)[0, 0]
        cx, cy = rng.uniform(0, width), rng.uniform(height * 0.2, height)
        r = rng.uniform(0.08, 0.35) * min(width, height)
        draw.ellipse([cx - r, cy - r * rng.uniform(0.5, 1.0), cx + r, cy + r], fill=tuple(int(c) for c in rgb))
    for i in range(3):  # rolling hills
        level = height * (0.6 + 0.12 * i)
        xs = np.linspace(0, width, 24)
        ys = level + np.sin(xs / width * np.pi * rng.uniform(1, 3) + rng.uniform(0, 6)) * height * 0.05
        colour = cv2.cvtColor(np.uint8([[[(hue + 60 + 10 * i) % 180, 120, 170 - 30 * i]]]), cv2.COLOR_HSV2RGB)[0, 0]
        draw.polygon(
            [(0, height)] + list(zip(xs.tolist(), ys.tolist())) + [(width, height)], fill=tuple(int(c) for c in colour)
        )
    return image


# --- the illustrator -------------------------------------------------------------------------


class OfflineIllustrator:
    """Pictures from the person's photo: its subject in a scene painted for the page, drawn,
    graded and lit as the prompt asks."""

    engine = "offline"
    model = "your photo's subject in scenes painted for each page"

    def __init__(self, long_side: int | None = None) -> None:
        self.long_side = long_side  # the setting `illustrator_size`; None: SIZES as they are

    @classmethod
    def from_settings(cls, settings) -> OfflineIllustrator:
        return cls(settings.illustrator_size)

    def size_for(self, aspect: str) -> tuple[int, int]:
        return fit_long_side(SIZES.get(aspect, SIZES["portrait"]), self.long_side, multiple=8)

    def cannot_draw(self, prompt: str, photo: Image.Image | None, caption: str = "") -> str | None:
        """A sentence naming the prompt's words this engine cannot honour (None: it can honour
        them all): it restyles the photo and cannot add what the photo does not show."""
        return read_prompt(prompt, analyse(photo) if photo is not None else None, caption=caption).message()

    def params(self) -> dict:
        return {
            "filters": FILTER_VERSION,
            "styles": list(STYLES),
            "steps": STEPS,
            "framing": "by the prompt's words around the subject it names (core.offline.prompt_words)",
        }

    def generate(self, jobs: Sequence[ImageJob]) -> Iterator[IllustratorEvent]:
        """Each job's filter `Step`s, then its `Picture`, in job order.

        A picture takes a fraction of a second, and its filters (OpenCV, numpy, Pillow) release
        the GIL, so a small pool renders the next pictures while the caller stores this one: a
        24-page book keeps every core busy (a single job is drawn in the caller's thread). Each
        job draws from its own seeded generator, so the pixels do not depend on which thread drew
        them or in what order. At most a few pictures are drawn ahead; closing the iterator
        cancels those not yet started.
        """
        jobs = list(jobs)
        if len(jobs) <= 1:
            for index, job in enumerate(jobs):
                yield from _events(index, *self._render_steps(job))
            return
        workers = min(RENDER_THREADS, len(jobs))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="offline-illustrator") as pool:
            ahead: deque[Future] = deque()
            upcoming = iter(jobs)
            try:
                for job in islice(upcoming, workers + 1):
                    ahead.append(pool.submit(self._render_steps, job))
                for index in range(len(jobs)):
                    steps, image = ahead.popleft().result()
                    for job in islice(upcoming, 1):
                        ahead.append(pool.submit(self._render_steps, job))
                    yield from _events(index, steps, image)
            finally:
                for future in ahead:
                    future.cancel()

    def _render_steps(self, job: ImageJob) -> tuple[list[int], Image.Image]:
        steps: list[int] = []
        image = self.render(job, steps.append)
        return steps, image

    def render(self, job: ImageJob, step=lambda s: None) -> Image.Image:
        """One picture: composed and drawn as `plan_picture` reads the job's prompt."""
        size = width, height = int(job.width), int(job.height)
        plan = plan_picture(job)
        rng = plan.rng()
        drawn = tilt(scene_picture(job, plan, size), plan.reading.angle)
        smooth = SMOOTHERS.get(plan.style)
        if smooth is None:
            step(1)
            pixels = FILTERS[plan.style](drawn, rng, size)
        else:
            small = cv2.resize(drawn, (max(1, width // 2), max(1, height // 2)), interpolation=cv2.INTER_AREA)
            if plan.style == "comic":  # graded first, so the posterised colours stay flat
                small = grade(small, plan.mood, vignette=False)
            small = smooth(small)
            step(1)
            pixels = FILTERS[plan.style](small, rng, size)
        step(2)
        if plan.style != "comic":
            pixels = grade(pixels, plan.mood, colour=plan.style != "ink")
        pixels = weather(light(pixels, plan.light), plan.weather, rng)
        step(3)
        image = Image.fromarray(pixels, "RGB")
        step(4)
        return image


def _staged(job: ImageJob, plan: Plan, size: tuple[int, int]) -> tuple[np.ndarray, Staging]:
    cutout = None
    if plan.analysis is not None:
        photo = job.photo if job.photo.mode == "RGB" else job.photo.convert("RGB")
        cutout = cut_out(photo, *subject_of(plan.analysis, plan.reading))
    return stage(plan.spec, plan.setting, plan.distance or plan.spec.framing, cutout, size, plan.seed)


def staging_of(job: ImageJob) -> Staging | None:
    """Where a planned page's picture puts its hero and each companion and prop it names (None:
    the job has no scene spec): for checks that what a page names is drawn (bench/quality.py)."""
    if job.spec is None:
        return None
    return _staged(job, plan_picture(job), (int(job.width), int(job.height)))[1]


def scene_picture(job: ImageJob, plan: Plan, size: tuple[int, int]) -> np.ndarray:
    """The job's picture before its style: the page's scene spec drawn (`core.offline.staging`),
    else the photo's subject in the scene its prompt names (`core.offline.composition`), or,
    without a photo or a spec, the abstract picture, at `size`."""
    if plan.spec is not None:
        return _staged(job, plan, size)[0]
    if plan.analysis is None:
        drawn = np.asarray(abstract(job.prompt, int(job.width), int(job.height), int(job.seed)), dtype=np.uint8)
        if drawn.shape[1::-1] == size:
            return drawn
        return cv2.resize(drawn, size, interpolation=cv2.INTER_AREA)
    photo = job.photo if job.photo.mode == "RGB" else job.photo.convert("RGB")
    picture, _ = compose(photo, plan.analysis, plan.reading, plan.setting, plan.distance, plan.seed, size)
    return picture


def _events(index: int, steps: list[int], image: Image.Image) -> Iterator[IllustratorEvent]:
    for step in steps:
        yield Step(index, step, STEPS)
    yield Picture(index, image)


# when the prompt says nothing of framing: mostly medium shots, as a picture book has them
_FRAMINGS = ("close", "medium", "wide")
_FRAMING_ODDS = (0.3, 0.45, 0.25)


@dataclass(frozen=True)
class Plan:
    """How one job will be drawn: what its prompt asks (`reading`) and what was decided from it."""

    reading: PromptReading
    style: str
    mood: str
    distance: str | None  # "close" | "medium" | "wide"; None without a photo
    analysis: PhotoAnalysis | None  # the photo's; None without a photo
    seed: int
    setting: Setting  # the page's place, time of day and weather (`core.offline.scenery`)
    spec: SceneSpec | None = None  # the page's planned scene (offline writer); None: the prompt alone

    @property
    def weather(self) -> str | None:
        """The weather laid over the picture (`core.offline.atmosphere.weather`); a planned
        room shows its weather through the window instead."""
        return None if self.spec is not None and self.setting.indoor else self.setting.weather

    @property
    def light(self) -> str | None:
        """The time of day the picture is graded for (`core.offline.atmosphere.light`): the
        prompt's; for a spec, its time (a room by night is lamplit: its painting says so)."""
        if self.spec is None:
            return self.reading.time
        if (self.setting.indoor and self.setting.time == "night") or self.setting.place in ("space", "moon"):
            return None  # a lamplit room, and space, are painted in their own light
        return None if self.setting.time == "day" else self.setting.time

    def rng(self) -> np.random.Generator:
        """The generator the filters draw their texture from: the seed's, in this style."""
        return np.random.default_rng([self.seed, _stable(self.style), 1])

    @property
    def subject(self) -> tuple[Box, str] | None:
        """The box and kind of the photo's subject the picture shows (None without a photo)."""
        return None if self.analysis is None else subject_of(self.analysis, self.reading)


def plan_picture(job: ImageJob) -> Plan:
    """Read the job's prompt against its photo and decide style, mood, framing and subject.

    The prompt is what the person sees and edits, so it decides: a style word in it beats the
    story's style, its mood words beat the page's mood, its framing words beat the hints, the
    subject it names (the cat, the woman on the left) is the one placed in the scene. Only what
    the prompt leaves open comes from the job (style, mood) or from the seed (the framing).
    """
    prompt = job.prompt or job.scene
    analysis = None
    if job.photo is not None:
        analysis = analyse(job.photo if job.photo.mode == "RGB" else job.photo.convert("RGB"))
    reading = read_prompt(prompt, analysis)
    style = reading.style or (job.style if job.style in FILTERS else "watercolour")
    mood = reading.mood or job.mood or "calm"
    seed = int(job.seed) & 0xFFFFFFFF
    if job.spec is not None:  # the planned scene; the prompt's own words on light and framing win
        setting = setting_of(job.spec, reading.time, reading.weather)
        distance = reading.distance or (
            job.spec.framing if job.spec.framing in ("wide", "medium", "close") else "medium"
        )
        return Plan(reading, style, mood, distance, analysis, seed, setting, job.spec)
    setting = setting_for(prompt, job.scene, reading.time, reading.weather, seed)
    if analysis is None:
        return Plan(reading, style, mood, None, None, seed, replace(setting, weather=reading.weather))
    rng = np.random.default_rng([seed, 0])
    distance = reading.distance or reading.distance_hint or _FRAMINGS[int(rng.choice(3, p=_FRAMING_ODDS))]
    return Plan(reading, style, mood, distance, analysis, seed, setting)
