"""The offline upscaler: Lanczos resampling plus an unsharp mask. No model, no GPU."""

from __future__ import annotations

from PIL import Image, ImageFilter

from core.errors import InputError

MAX_PIXELS = 40_000_000
FACTORS = (2, 4)


class OfflineUpscaler:
    engine = "offline"
    model = "Lanczos + unsharp mask"

    def upscale(self, image: Image.Image, factor: int, prompt: str = "") -> Image.Image:
        """`image` `factor` times larger (2 or 4), sharpened; `prompt` is not used offline."""
        if factor not in FACTORS:
            raise InputError(f"The upscale factor must be 2 or 4, not {factor}.")
        width, height = image.size
        new = (width * factor, height * factor)
        if new[0] * new[1] > MAX_PIXELS:
            raise InputError(
                f"Upscaling this {width}x{height} picture {factor}x would make {new[0]}x{new[1]} "
                f"pixels, more than the {MAX_PIXELS // 1_000_000} megapixels the studio allows; "
                "choose 2x or a smaller picture."
            )
        source = image if image.mode in ("RGB", "L") else image.convert("RGB")
        larger = source.resize(new, Image.Resampling.LANCZOS)
        radius = 1.0 if factor == 2 else 2.0
        return larger.filter(ImageFilter.UnsharpMask(radius=radius, percent=80, threshold=2))
