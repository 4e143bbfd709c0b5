"""The upscaler on a local GPU: a diffusers upscaler (default Stable Diffusion x4), tiled.

The x4 upscaler's memory grows with the square of its input, so a picture is cut into
overlapping tiles (`tile` input pixels, `overlap` shared with each neighbour), each tile is
upscaled 4x with the scene's prompt and its own generator (seeded from `seed` and the tile's
place, so the same picture upscales the same way again), and the results are blended with
feathered weights so no seam shows. A 1024 px picture is 25 tiles of 256 px: it fits any card
that fits SDXL. Factor 4 is the model's own; factor 2 is x4 followed by Lanczos down by half
(sharper than a 2x interpolation, and the model's detail stays).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.errors import InputError, ProviderError
from core.local import footprint, runtime
from core.local.loaders import load_bytes_per_float
from core.local.manager import ModelManager, get_manager

if TYPE_CHECKING:
    from PIL.Image import Image

    from core.settings import Settings

NATIVE = 4


def tile_starts(length: int, tile: int, overlap: int) -> list[int]:
    """Start offsets of tiles of `tile` pixels covering `length`, neighbours sharing `overlap`."""
    if length <= tile:
        return [0]
    step = max(1, tile - overlap)
    starts = list(range(0, length - tile, step))
    starts.append(length - tile)
    return sorted(set(starts))


def _ramp(size: int, feather: int):
    import numpy as np

    ramp = np.ones(size, dtype=np.float32)
    if feather > 0:
        edge = np.linspace(1.0 / (feather + 1), 1.0, feather, dtype=np.float32)
        n = min(feather, size // 2)
        ramp[:n] = edge[:n]
        ramp[size - n :] = edge[:n][::-1]
    return ramp


class LocalUpscaler:
    engine = "local"

    def __init__(
        self,
        model: str = "stabilityai/stable-diffusion-x4-upscaler",
        *,
        steps: int = 20,
        guidance: float = 7.5,
        noise_level: int = 20,
        tile: int = 256,
        overlap: int = 32,
        seed: int = 0,
        manager: ModelManager | None = None,
    ) -> None:
        if overlap >= tile:
            raise ValueError("overlap must be smaller than tile")
        self.model = model
        self.steps = steps
        self.guidance = guidance
        self.noise_level = noise_level
        self.tile = tile
        self.overlap = overlap
        self.seed = seed
        self.manager = manager or get_manager()

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> LocalUpscaler:
        manager = overrides.pop("manager", None) or get_manager()
        manager.set_budget_gb(settings.gpu_memory_budget_gb)
        return cls(settings.model_upscaler, manager=manager, **overrides)

    @property
    def key(self) -> str:
        return f"upscaler:{self.model}"

    def _load(self) -> Any:
        with runtime.loading(self.model):
            from diffusers import StableDiffusionUpscalePipeline

            device = runtime.device()
            pipe = StableDiffusionUpscalePipeline.from_pretrained(
                self.model, dtype=runtime.dtype_for(device), use_safetensors=True
            )
            pipe.to(device)
            pipe.set_progress_bar_config(disable=True)
            return pipe

    def loaded(self) -> Any:
        estimate = footprint.estimate_bytes(self.model, load_bytes=load_bytes_per_float())
        return self.manager.load(self.key, self._load, estimated_bytes=estimate)

    def upscale(self, image: Image, factor: int, prompt: str = "") -> Image:
        if factor not in (2, 4):
            raise InputError("Pictures can be upscaled 2x or 4x.")
        from PIL import Image as PILImage

        source = image.convert("RGB")
        big = self._x4(source, prompt)
        if factor == NATIVE:
            return big
        return big.resize((source.width * factor, source.height * factor), PILImage.Resampling.LANCZOS)

    def _x4(self, image: Image, prompt: str) -> Image:
        import numpy as np
        import torch
        from PIL import Image as PILImage

        pipe = self.loaded()
        width, height = image.size
        out = np.zeros((height * NATIVE, width * NATIVE, 3), dtype=np.float32)
        weight = np.zeros((height * NATIVE, width * NATIVE, 1), dtype=np.float32)
        feather = self.overlap * NATIVE
        gen_device = pipe.device if pipe.device.type == "cuda" else "cpu"
        with self.manager.lock(self.key), torch.inference_mode():
            for y in tile_starts(height, self.tile, self.overlap):
                for x in tile_starts(width, self.tile, self.overlap):
                    box = (x, y, min(width, x + self.tile), min(height, y + self.tile))
                    piece = image.crop(box)
                    generator = torch.Generator(device=gen_device).manual_seed(self.seed * 1_000_003 + y * 10_007 + x)
                    try:
                        result = pipe(
                            prompt=prompt or "",
                            image=piece,
                            num_inference_steps=self.steps,
                            guidance_scale=self.guidance,
                            noise_level=self.noise_level,
                            generator=generator,
                        ).images[0]
                    except Exception as error:  # noqa: BLE001
                        if runtime.is_oom(error):
                            runtime.empty_cuda_cache()
                            raise ProviderError(runtime.oom_message("upscaling a picture")) from None
                        raise ProviderError(f"The local upscaler failed: {error}") from error
                    w, h = (box[2] - box[0]) * NATIVE, (box[3] - box[1]) * NATIVE
                    if result.size != (w, h):
                        result = result.resize((w, h), PILImage.Resampling.LANCZOS)
                    mask = np.outer(_ramp(h, feather), _ramp(w, feather))[..., None]
                    oy, ox = y * NATIVE, x * NATIVE
                    out[oy : oy + h, ox : ox + w] += np.asarray(result, dtype=np.float32) * mask
                    weight[oy : oy + h, ox : ox + w] += mask
        pixels = np.clip(out / np.maximum(weight, 1e-6), 0, 255).round().astype(np.uint8)
        return PILImage.fromarray(pixels)
