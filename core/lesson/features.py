"""Turning pictures into x and captions into y: the two "languages" W has to translate between.

- Pictures (`ImageEncoder`): the classical encoder reads a colour layout (the mean colour of each
  cell of a 4x4 grid, and a histogram of hues) and the shapes of edges (HOG: histograms of
  oriented gradients, OpenCV's `HOGDescriptor`). When LLaVA is loaded, `TowerEncoder` uses its
  own vision tower instead: the very x that LLaVA's projection reads.
- Captions (`TextEncoder`): every word and pair of words hashed into a fixed number of slots,
  weighted by TF-IDF (a word in every caption, like "a", says little), scaled to length 1.

Both are plain numpy, fitted on the training pairs only, and deterministic (the hash is CRC32, not
Python's salted `hash`).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Protocol

import cv2
import numpy as np
from PIL import Image

from core.lesson.dataset import SIZE


class ImageEncoder(Protocol):
    name: str

    def encode(self, images: Sequence[Image.Image]) -> np.ndarray: ...


class ClassicalEncoder:
    """Colour layout + hue histogram + HOG, standardised with the training pictures' statistics."""

    name = "colour histogram + HOG"

    def __init__(self) -> None:
        self._hog = cv2.HOGDescriptor((32, 32), (16, 16), (8, 8), (8, 8), 9)
        self.mean: np.ndarray | None = None
        self.scale: np.ndarray | None = None

    def raw(self, image: Image.Image) -> np.ndarray:
        small = np.asarray(image.convert("RGB").resize((SIZE, SIZE), Image.BILINEAR), dtype=np.float32) / 255.0
        grid = small.reshape(4, SIZE // 4, 4, SIZE // 4, 3).mean(axis=(1, 3)).ravel()
        hsv = cv2.cvtColor((small * 255).astype(np.uint8), cv2.COLOR_RGB2HSV)
        hues = np.histogram(hsv[..., 0], bins=12, range=(0, 180), weights=hsv[..., 1] / 255.0)[0]
        hues = hues / max(1.0, float(hues.sum()))
        gray = cv2.cvtColor((small * 255).astype(np.uint8), cv2.COLOR_RGB2GRAY)
        hog = self._hog.compute(cv2.resize(gray, (32, 32), interpolation=cv2.INTER_AREA)).ravel()
        return np.concatenate([grid * 2, hues * 4, hog]).astype(np.float64)

    def fit(self, images: Sequence[Image.Image]) -> ClassicalEncoder:
        raw = np.stack([self.raw(i) for i in images])
        self.mean, self.scale = raw.mean(axis=0), raw.std(axis=0) + 1e-3
        return self

    def encode(self, images: Sequence[Image.Image]) -> np.ndarray:
        if self.mean is None:
            raise RuntimeError("fit the encoder on the training pictures first")
        return (np.stack([self.raw(i) for i in images]) - self.mean) / self.scale


class TowerEncoder:
    """LLaVA's own vision tower as the encoder (only when a LLaVA model is loaded): the mean of its
    last hidden layer's patch features, standardised like the classical one. `guard` is the model
    manager's lock, so a lesson never drives the model while a caption is being written."""

    name = "LLaVA's vision tower"

    def __init__(self, model, processor, guard: Callable[[], AbstractContextManager] = nullcontext) -> None:
        self.model, self.processor, self.guard = model, processor, guard
        self.mean: np.ndarray | None = None
        self.scale: np.ndarray | None = None

    def _raw(self, images: Sequence[Image.Image]) -> np.ndarray:
        import torch

        tower = getattr(self.model, "vision_tower", None) or self.model.model.vision_tower
        pixels = self.processor.image_processor([i.convert("RGB") for i in images], return_tensors="pt")
        with self.guard(), torch.no_grad():
            out = tower(pixels["pixel_values"].to(tower.device, tower.dtype), output_hidden_states=True)
        return out.hidden_states[-1].mean(dim=1).float().cpu().numpy().astype(np.float64)

    def fit(self, images: Sequence[Image.Image]) -> TowerEncoder:
        raw = self._raw(images)
        self.mean, self.scale = raw.mean(axis=0), raw.std(axis=0) + 1e-3
        return self

    def encode(self, images: Sequence[Image.Image]) -> np.ndarray:
        if self.mean is None:
            raise RuntimeError("fit the encoder on the training pictures first")
        return (self._raw(images) - self.mean) / self.scale


def loaded_tower(manager, settings) -> TowerEncoder | None:
    """LLaVA's vision tower when the local vision model is loaded already, else None: the lesson
    never loads a model (gigabytes for a lesson that works without one)."""
    if settings.vision != "local":
        return None
    from core.providers.local_vision import LocalVision  # torch and transformers: only for a local model

    key = LocalVision(settings.model_vision, load_in_4bit=settings.load_in_4bit, manager=manager).key
    bundle = manager.get(key)
    if bundle is None:
        return None
    return TowerEncoder(bundle.model, bundle.processor, guard=lambda: manager.lock(key))


class TextEncoder:
    """Hashed TF-IDF of words and word pairs, in `slots` dimensions, each caption of length 1."""

    name = "hashed TF-IDF of words"

    def __init__(self, slots: int = 128) -> None:
        self.slots = slots
        self.idf: dict[str, float] = {}

    @staticmethod
    def terms(caption: str) -> list[str]:
        words = caption.lower().split()
        return words + [f"{a} {b}" for a, b in zip(words, words[1:])]

    def fit(self, captions: Sequence[str]) -> TextEncoder:
        counts: dict[str, int] = {}
        for caption in captions:
            for term in set(self.terms(caption)):
                counts[term] = counts.get(term, 0) + 1
        n = len(captions)
        self.idf = {term: math.log((1 + n) / (1 + c)) + 1 for term, c in counts.items()}
        return self

    def encode(self, captions: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(captions), self.slots))
        unseen = math.log(1 + len(self.idf)) + 1  # a word never seen in training: rare, so weighty
        for row, caption in enumerate(captions):
            for term in self.terms(caption):
                slot = zlib.crc32(term.encode("utf-8"))
                sign = 1.0 if slot & 1 else -1.0
                out[row, (slot >> 1) % self.slots] += sign * self.idf.get(term, unseen)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)
