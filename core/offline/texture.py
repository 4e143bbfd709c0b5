"""Texture helpers the offline filters share: smooth noise, paper grain, radial masks, line kernels.

Every random draw comes from the generator passed in, so a picture's texture follows its seed.
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
