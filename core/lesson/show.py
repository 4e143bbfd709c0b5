"""Pictures of the lesson's numbers: W as a heat map (blue below zero, red above), so a pupil sees
that W is nothing but a big table of numbers."""

from __future__ import annotations

import numpy as np
from PIL import Image


def heatmap(matrix: np.ndarray, width: int = 576) -> Image.Image:
    """The matrix as colours: white at 0, red for the largest positive, blue for the most negative."""
    scale = float(np.percentile(np.abs(matrix), 99)) or 1.0
    t = np.clip(matrix / scale, -1, 1)[..., None]
    white, red, blue = np.array([255, 255, 255]), np.array([200, 30, 30]), np.array([30, 70, 200])
    rgb = np.where(t >= 0, white + (red - white) * t, white + (blue - white) * -t)
    image = Image.fromarray(rgb.astype(np.uint8), "RGB")
    height = max(1, round(width * matrix.shape[0] / matrix.shape[1]))
    return image.resize((width, height), Image.NEAREST)
