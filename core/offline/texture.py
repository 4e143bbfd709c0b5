"""Texture helpers the offline filters share: smooth noise, paper grain, radial masks, line kernels.

Every random draw comes from the generator passed in, so a picture's texture follows its seed. The
full-size paper textures (`paper_grain`, `paper_fibres`, `ragged_margin`) are drawn once per picture
size from a fixed seed, a little larger than the picture, and each picture takes a window of them at
an offset its generator picks: the same paper, never the same place on it, for two draws instead of
a million (drawing them afresh was a fifth of the offline illustrator's time).
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np


def noise(rng: np.random.Generator, h: int, w: int, cell: int) -> np.ndarray:
    """Smooth noise in -1..1 with features about `cell` pixels wide."""
    small = rng.standard_normal((max(2, h // cell + 2), max(2, w // cell + 2))).astype(np.float32)
    big = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    return np.clip(big / 2.0, -1, 1)


def grain(rng: np.random.Generator, h: int, w: int, sigma: float = 0.8) -> np.ndarray:
    g = (rng.random((h, w), dtype=np.float32) - 0.5) * 3.4  # about unit variance
    return cv2.GaussianBlur(g, (0, 0), sigma) if sigma else g


_PAPER_SEED = 1007  # the paper's own seed: any fixed number (a picture picks where on it it lies)
_SPARE = 64  # how much larger than the picture the paper is, in pixels each way


def window(texture: np.ndarray, rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """An (h, w) window of `texture` at an offset `rng` picks (a view: nothing is copied)."""
    oy = int(rng.integers(0, texture.shape[0] - h + 1))
    ox = int(rng.integers(0, texture.shape[1] - w + 1))
    return texture[oy : oy + h, ox : ox + w]


@lru_cache(maxsize=4)
def paper_grain(h: int, w: int) -> np.ndarray:
    """Paper under paint (scenery's grain), on three channels, float32, with spare all round:
    blotches 4 pixels wide (sd 3) and a fine grain (sd 2), less half a level, because OpenCV
    rounds to nearest when the painting and the grain are added."""
    rng = np.random.default_rng(_PAPER_SEED)
    big_h, big_w = h + _SPARE, w + _SPARE
    coarse = rng.normal(0, 3.0, (big_h // 4 + 1, big_w // 4 + 1)).astype(np.float32)
    plane = rng.normal(0, 2.0, (big_h, big_w)).astype(np.float32)
    plane += cv2.resize(coarse, (coarse.shape[1] * 4, coarse.shape[0] * 4), interpolation=cv2.INTER_NEAREST)[
        :big_h, :big_w
    ]
    plane -= 0.5
    plane = cv2.merge([plane] * 3)
    plane.setflags(write=False)  # shared by every picture of this size, in every thread
    return plane


@lru_cache(maxsize=4)
def paper_fibres(h: int, w: int) -> np.ndarray:
    """Watercolour paper's tooth, about 1 +- 0.1: a fine grain and a granulation 10 pixels wide."""
    rng = np.random.default_rng(_PAPER_SEED + 1)
    big_h, big_w = h + _SPARE, w + _SPARE
    plane = 1 + 0.05 * grain(rng, big_h, big_w, 0.9) + 0.04 * noise(rng, big_h, big_w, 10)
    plane.setflags(write=False)
    return plane


@lru_cache(maxsize=4)
def ragged_margin(h: int, w: int) -> np.ndarray:
    """Smooth noise 40 pixels wide, -0.35..0.35: the ragged edge of the unpainted margin."""
    rng = np.random.default_rng(_PAPER_SEED + 2)
    plane = 0.35 * noise(rng, h + _SPARE, w + _SPARE, 40)
    plane.setflags(write=False)
    return plane


@lru_cache(maxsize=8)
def radial(h: int, w: int) -> np.ndarray:
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    r = ((xs - w / 2) / (w / 2)) ** 2 + ((ys - h / 2) / (h / 2)) ** 2
    return np.clip(r / 2.0, 0, 1)


def line_kernel(length: int, angle: float) -> np.ndarray:
    k = np.zeros((length, length), dtype=np.float32)
    c = (length - 1) / 2
    dx, dy = np.cos(angle), np.sin(angle)
    for t in np.linspace(-c, c, length * 2):
        k[round(c + t * dy), round(c + t * dx)] = 1
    return k / k.sum()


def luma(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


@lru_cache(maxsize=8)
def grid(h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    ys, xs = np.mgrid[0:h, 0:w]
    return ys.astype(np.float32), xs.astype(np.float32)
