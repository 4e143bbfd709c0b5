"""The illustrator on a local GPU: Stable Diffusion XL base + refiner, an ensemble of experts.

As in diffusers' SDXL documentation: the base denoises the first `high_noise_frac` (80 %) of the
schedule and hands its latents to the refiner, which denoises the rest:

    base(prompt=..., denoising_end=0.8, output_type="latent")  ->  latents
    refiner(prompt=..., denoising_start=0.8, image=latents)    ->  pictures

The refiner is loaded with the base's second text encoder and VAE (`text_encoder_2=base.
text_encoder_2, vae=base.vae`), so they are held once. An empty refiner id gives base-only mode
(the base runs every step and decodes itself). fp16 on CUDA, fp32 on the CPU.

Every job gets its own `torch.Generator` seeded with `job.seed`, so a seed makes the same picture
again. Jobs of the same size are batched (`batch_size` per pipeline call, one generator per job);
on CUDA out of memory the batch is halved, then model CPU offload and VAE tiling are switched on,
then a ProviderError says what to do. Progress reaches `on_step(job_index, step, total)` once per
denoising step (base and refiner together count `steps`) through `callback_on_step_end`.

The pipelines run on a worker thread that holds the model's lock; progress and pictures come back
through a queue, so `on_step` is called on the consumer's own thread (a Streamlit page may call
`st.*` in it). Closing the generator sets `pipe._interrupt` at the next step and ends the thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from core import models
from core.errors import ProviderError, StudioError
from core.providers import fit_long_side
from core.providers.base import ImageJob, StepCallback

if TYPE_CHECKING:
    from PIL.Image import Image

    from core.settings import Settings

# SDXL's trained resolutions (width, height) nearest to the page aspects.
SDXL_SIZES: dict[str, tuple[int, int]] = {
    "portrait": (896, 1152),
    "square": (1024, 1024),
    "landscape": (1152, 896),
}


class _SDXL:
    """The loaded base (and refiner) pipelines, one entry in the model manager."""

    def __init__(self, base: Any, refiner: Any | None) -> None:
        self.base = base
        self.refiner = refiner
        self.offloaded = False


class _Stopped(Exception):
    pass


class LocalIllustrator:
    engine = "local"

    def __init__(
        self,
        model: str,
        refiner: str | None = "stabilityai/stable-diffusion-xl-refiner-1.0",
        *,
        steps: int = 40,
        guidance: float = 7.5,
        high_noise_frac: float = 0.8,
        batch_size: int = 4,
        sizes: dict[str, tuple[int, int]] | None = None,
        manager: models.ModelManager | None = None,
    ) -> None:
        self.model = model
        self.refiner_id = refiner or ""
        self.steps = steps
        self.guidance = guidance
        self.high_noise_frac = high_noise_frac
        self.batch_size = max(1, batch_size)
        self.sizes = dict(sizes or SDXL_SIZES)
        self.manager = manager or models.get_manager()

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> LocalIllustrator:
        manager = overrides.pop("manager", None) or models.get_manager()
        manager.set_budget_gb(settings.gpu_memory_budget_gb)
        overrides.setdefault("sizes", {aspect: fit_long_side(size, settings.illustrator_size)
                                       for aspect, size in SDXL_SIZES.items()})
        return cls(
            settings.model_illustrator,
            settings.model_refiner,
            steps=settings.illustrator_steps,
            manager=manager,
            **overrides,
        )

    @property
    def key(self) -> str:
        return f"illustrator:{self.model}+{self.refiner_id or 'no-refiner'}"

    # Illustrator ----------------------------------------------------------------------------
    def size_for(self, aspect: str) -> tuple[int, int]:
        return self.sizes.get(aspect, self.sizes.get("square", (1024, 1024)))

    def params(self) -> dict:
        bundle = self.manager.get(self.key)
        scheduler = type(bundle.base.scheduler).__name__ if bundle else "EulerDiscreteScheduler"
        return {
            "steps": self.steps,
            "guidance": self.guidance,
            "high_noise_frac": self.high_noise_frac if self.refiner_id else 1.0,
            "scheduler": scheduler,
            "refiner": self.refiner_id,
        }

    # loading --------------------------------------------------------------------------------
    def _load(self) -> _SDXL:
        from diffusers import StableDiffusionXLImg2ImgPipeline, StableDiffusionXLPipeline

        device = models.device()
        dtype = models.dtype_for(device)
        with models.loading(self.model):
            base = StableDiffusionXLPipeline.from_pretrained(self.model, dtype=dtype, use_safetensors=True)
        refiner = None
        if self.refiner_id:
            with models.loading(self.refiner_id):
                refiner = StableDiffusionXLImg2ImgPipeline.from_pretrained(
                    self.refiner_id,
                    text_encoder_2=base.text_encoder_2,
                    vae=base.vae,
                    dtype=dtype,
                    use_safetensors=True,
                )
        with models.loading(self.model):
            base.to(device)
            if refiner is not None:
                refiner.to(device)
        for pipe in (base, refiner):
            if pipe is not None:
                pipe.set_progress_bar_config(disable=True)
        return _SDXL(base, refiner)

    def loaded(self) -> _SDXL:
        return self.manager.load(self.key, self._load)

    # generation -----------------------------------------------------------------------------
    def generate(self, jobs: Sequence[ImageJob], on_step: StepCallback | None = None) -> Iterator[Image]:
        """One picture per job, in order, each as soon as its batch is done."""
        jobs = list(jobs)
        if not jobs:
            return
        bundle = self.loaded()
        events: queue.Queue = queue.Queue()
        stop = threading.Event()
        worker = threading.Thread(
            target=self._work, args=(bundle, jobs, events, stop), name="visutale-illustrate", daemon=True
        )
        worker.start()
        try:
            while True:
                kind, *payload = events.get()
                if kind == "step":
                    if on_step is not None:
                        on_step(*payload)
                elif kind == "image":
                    yield payload[0]
                elif kind == "error":
                    raise payload[0]
                else:  # "done"
                    break
        finally:
            stop.set()  # the consumer closed us, or an error: interrupt at the next step
            worker.join(timeout=120)

    def _work(self, bundle: _SDXL, jobs: list[ImageJob], events: queue.Queue, stop: threading.Event) -> None:
        try:
            with self.manager.lock(self.key):
                index = 0
                batch = self.batch_size
                while index < len(jobs) and not stop.is_set():
                    group = [jobs[index]]
                    while (
                        len(group) < batch
                        and index + len(group) < len(jobs)
                        and _same_shape(jobs[index + len(group)], jobs[index])
                    ):
                        group.append(jobs[index + len(group)])
                    try:
                        images = self._run(bundle, group, index, events, stop)
                    except _Stopped:
                        break
                    except Exception as error:  # noqa: BLE001 - OOM handled, the rest translated
                        if not models.is_oom(error):
                            raise
                        models._cuda_empty_cache()
                        if len(group) > 1:
                            batch = max(1, len(group) // 2)
                            continue
                        if not bundle.offloaded:
                            self._offload(bundle)
                            continue
                        raise ProviderError(models.oom_message("drawing the pictures")) from None
                    for image in images:
                        events.put(("image", image))
                    index += len(group)
        except StudioError as error:
            events.put(("error", error))
        except Exception as error:  # noqa: BLE001
            events.put(("error", ProviderError(f"The local illustrator failed: {error}")))
        finally:
            events.put(("done",))

    def _offload(self, bundle: _SDXL) -> None:
        """Memory is short: keep only the running sub-model on the GPU, decode in tiles."""
        for pipe in (bundle.base, bundle.refiner):
            if pipe is None:
                continue
            if models.device() == "cuda":
                pipe.enable_model_cpu_offload()
        bundle.base.vae.enable_tiling()
        bundle.offloaded = True

    def _run(self, bundle: _SDXL, group: list[ImageJob], first: int, events: queue.Queue,
             stop: threading.Event) -> list[Image]:
        import torch

        base, refiner = bundle.base, bundle.refiner
        gen_device = "cpu" if bundle.offloaded or base.device.type != "cuda" else base.device
        generators = [torch.Generator(device=gen_device).manual_seed(int(job.seed)) for job in group]
        prompts = [job.prompt for job in group]
        negatives = [job.negative_prompt or "" for job in group]
        width, height = group[0].width, group[0].height
        total = self.steps
        counter = {"step": 0}

        def progress(pipe, step, timestep, callback_kwargs):
            if stop.is_set():
                pipe._interrupt = True
                return callback_kwargs
            counter["step"] = min(total, counter["step"] + 1)
            for offset in range(len(group)):
                events.put(("step", first + offset, counter["step"], total))
            return callback_kwargs

        common = dict(
            prompt=prompts,
            negative_prompt=negatives,
            num_inference_steps=self.steps,
            guidance_scale=self.guidance,
            generator=generators,
            callback_on_step_end=progress,
        )
        with torch.inference_mode():
            if refiner is None:
                images = base(width=width, height=height, **common).images
            else:
                latents = base(
                    width=width, height=height, denoising_end=self.high_noise_frac, output_type="latent", **common
                ).images
                if stop.is_set():
                    raise _Stopped
                images = refiner(denoising_start=self.high_noise_frac, image=latents, **common).images
        if stop.is_set():
            raise _Stopped
        if counter["step"] < total:  # schedulers that skip a step still end the bar at 100 %
            for offset in range(len(group)):
                events.put(("step", first + offset, total, total))
        return list(images)


def _same_shape(a: ImageJob, b: ImageJob) -> bool:
    return (a.width, a.height) == (b.width, b.height)
