"""Colours as a designer writes them (#RRGGBB) and the WCAG 2 contrast ratio between two of them.

Contrast is what the campaign checks for every text run: 4.5:1 is WCAG's AA level for body text,
and it is measured on the rendered pixels (`core.campaign.layout.measured_contrast`), not assumed
from the palette.
"""

from __future__ import annotations

import numpy as np

# the document checks colours as it stores them; this module's readers find them here too
from core.campaign_document import HEX as HEX
from core.campaign_document import RGB as RGB
from core.campaign_document import rgb as rgb

MIN_CONTRAST = 4.5
WHITE: RGB = (255, 255, 255)
INK: RGB = (17, 17, 17)


def to_hex(colour: RGB) -> str:
    return "#{:02X}{:02X}{:02X}".format(*colour)


_C = np.arange(256, dtype=np.float64) / 255.0
_LINEAR = np.where(_C <= 0.04045, _C / 12.92, ((_C + 0.055) / 1.055) ** 2.4)  # sRGB 0-255 -> linear


def luminance(pixels: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of sRGB pixels (..., 3) in 0-255."""
    c = np.asarray(pixels)
    if c.dtype != np.uint8:
        c = np.clip(c, 0, 255).astype(np.uint8)
    return 0.2126 * _LINEAR[c[..., 0]] + 0.7152 * _LINEAR[c[..., 1]] + 0.0722 * _LINEAR[c[..., 2]]


def contrast(a: RGB, b: RGB) -> float:
    la, lb = float(luminance(np.array(a, dtype=np.uint8))), float(luminance(np.array(b, dtype=np.uint8)))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def best_text_on(background: RGB, preferred: RGB = INK) -> RGB:
    """The text colour to use on `background`: the brand's own text colour when it reaches 4.5:1,
    else white or near-black, whichever contrasts more."""
    if contrast(preferred, background) >= MIN_CONTRAST:
        return preferred
    return WHITE if contrast(WHITE, background) >= contrast(INK, background) else INK


def shade_for_text(colour: RGB, text: RGB) -> RGB:
    """`colour` darkened or lightened just enough that `text` on it reaches 4.5:1 (a brand accent
    kept as close to itself as the button's label allows)."""
    target = np.array(WHITE if luminance(np.array(text)) < 0.5 else (0, 0, 0), dtype=np.float64)
    base = np.array(colour, dtype=np.float64)
    for step in range(0, 101, 2):
        mixed = tuple(int(round(v)) for v in base + (target - base) * step / 100)
        if contrast(mixed, text) >= MIN_CONTRAST + 0.05:
            return mixed
    return tuple(int(v) for v in target)  # type: ignore[return-value]
