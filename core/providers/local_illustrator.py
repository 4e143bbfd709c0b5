"""The illustrator on a local GPU: Stable Diffusion XL base + refiner, an ensemble of experts.

As in diffusers' SDXL documentation: the base denoises the first `high_noise_frac` (80 %) of the
schedule and hands its latents to the refiner, which denoises the rest:

    base(prompt=..., denoising_end=0.8, output_type="latent")  ->  latents
    refiner(prompt=..., denoising_start=0.8, image=latents)    ->  pictures

The refiner is loaded with the base's second text encoder and VAE (`text_encoder_2=base.
text_encoder_2, vae=base.vae`), so they are held once. An empty refiner id gives base-only mode
(the base runs every step and decodes itself). fp16 on CUDA, fp32 on the CPU.

Seeds: every job gets its own `torch.Generator` seeded with `job.seed`, and every random draw
of a picture comes from it: its initial latents are drawn here, one picture at a time (not left
to the pipeline), and the list of generators reaches both the base and the refiner (whose
scheduler draws from it at each step). So a seed redraws its picture whatever else is in the
batch. Bitwise equality across batch sizes also needs the same arithmetic: batched kernels may
round differently in the last bits, so on the CPU (where batching buys no speed) pictures are
drawn one at a time by default and a stored seed redraws its picture bit for bit; on CUDA they
are batched 4 at a time (`batch_size`), which gives the same noise but not always identical
floating point.

Jobs of the same size are batched (`batch_size` per pipeline call, one generator per job); on
CUDA out of memory the batch is halved, then model CPU offload and VAE tiling are switched on,
then a ProviderError says what to do.

Events: the pipelines run on a worker thread that holds the model's lock; each denoising step
(`callback_on_step_end`; base and refiner together count `steps`) is put on a queue as a `Step`
the moment it ends, and each finished picture as a `Picture`, so `generate` yields them on the
consumer's own thread while the work goes on. Closing the generator sets `pipe._interrupt` at
the next step and ends the thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from core.errors import ProviderError, StudioError
from core.local import footprint, runtime
from core.local.loaders import load_bytes_per_float
from core.local.manager import ModelManager, get_manager
from core.providers import fit_long_side
from core.providers.base import IllustratorEvent, ImageJob, Picture, Step

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


_DONE = object()  # the worker's last word on the queue


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
        batch_size: int | None = None,
        sizes: dict[str, tuple[int, int]] | None = None,
        manager: ModelManager | None = None,
        ip_adapter: str | None = None,
        ip_adapter_weight: str = "sdxl_models/ip-adapter_sdxl.safetensors",
        reference_strength: float = 0.5,
    ) -> None:
        self.model = model
        self.ip_adapter = ip_adapter or ""  # with one, a job's reference picture guides its picture
        self.ip_adapter_weight = ip_adapter_weight
        self.reference_strength = reference_strength
        self.refiner_id = refiner or ""
        self.steps = steps
        self.guidance = guidance
        self.high_noise_frac = high_noise_frac
        self.batch_size = batch_size  # None: 4 on CUDA, 1 on the CPU (see the module doc)
        self.sizes = dict(sizes or SDXL_SIZES)
        self.manager = manager or get_manager()

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> LocalIllustrator:
        manager = overrides.pop("manager", None) or get_manager()
        manager.set_budget_gb(settings.gpu_memory_budget_gb)
        overrides.setdefault(
            "sizes", {aspect: fit_long_side(size, settings.illustrator_size) for aspect, size in SDXL_SIZES.items()}
        )
        if settings.illustrator_reference == "photo":
            overrides.setdefault("ip_adapter", settings.model_ip_adapter)
            overrides.setdefault("ip_adapter_weight", settings.ip_adapter_weight)
            overrides.setdefault("reference_strength", settings.reference_strength)
        return cls(
            settings.model_illustrator,
            settings.model_refiner,
            steps=settings.illustrator_steps,
            manager=manager,
            **overrides,
        )

    @property
    def key(self) -> str:
        adapter = f"+ip:{self.ip_adapter}/{self.ip_adapter_weight}" if self.ip_adapter else ""
        return f"illustrator:{self.model}+{self.refiner_id or 'no-refiner'}{adapter}"

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
            **(
                {"ip_adapter": self.ip_adapter, "reference_strength": self.reference_strength}
                if self.ip_adapter
                else {}
            ),
        }

    # loading --------------------------------------------------------------------------------
    def _load(self) -> _SDXL:
        from diffusers import (
            StableDiffusionXLImg2ImgPipeline,
            StableDiffusionXLPipeline,
        )

        device = runtime.device()
        dtype = runtime.dtype_for(device)
        with runtime.loading(self.model):
            base = StableDiffusionXLPipeline.from_pretrained(self.model, dtype=dtype, use_safetensors=True)
        refiner = None
        if self.refiner_id:
            with runtime.loading(self.refiner_id):
                refiner = StableDiffusionXLImg2ImgPipeline.from_pretrained(
                    self.refiner_id,
                    text_encoder_2=base.text_encoder_2,
                    vae=base.vae,
                    dtype=dtype,
                    use_safetensors=True,
                )
        if self.ip_adapter:
            load_reference_adapter(base, self.ip_adapter, self.ip_adapter_weight)
        with runtime.loading(self.model):
            base.to(device)
            if refiner is not None:
                refiner.to(device)
        for pipe in (base, refiner):
            if pipe is not None:
                pipe.set_progress_bar_config(disable=True)
        return _SDXL(base, refiner)

    def estimated_bytes(self) -> int | None:
        """Base + refiner as they will load (the refiner's own UNet only: it borrows the rest)."""
        per_float = load_bytes_per_float()
        base = footprint.estimate_bytes(self.model, load_bytes=per_float)
        if base is None or not self.refiner_id:
            return base
        refiner = footprint.estimate_bytes(self.refiner_id, load_bytes=per_float, skip=("text_encoder_2", "vae"))
        return None if refiner is None else base + refiner

    def loaded(self) -> _SDXL:
        return self.manager.load(self.key, self._load, estimated_bytes=self.estimated_bytes())

    def _batch_size(self) -> int:
        if self.batch_size is not None:
            return max(1, self.batch_size)
        return 4 if runtime.device() == "cuda" else 1

    # generation -----------------------------------------------------------------------------
    def generate(self, jobs: Sequence[ImageJob]) -> Iterator[IllustratorEvent]:
        """`Step`s as denoising advances, and each job's `Picture` as soon as its batch is done."""
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
                event = events.get()
                if event is _DONE:
                    break
                if isinstance(event, BaseException):
                    raise event
                yield event
        finally:
            stop.set()  # the consumer closed us, or an error: interrupt at the next step
            worker.join(timeout=120)

    def _work(self, bundle: _SDXL, jobs: list[ImageJob], events: queue.Queue, stop: threading.Event) -> None:
        try:
            with self.manager.lock(self.key):
                index = 0
                batch = self._batch_size()
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
                        if not runtime.is_oom(error):
                            raise
                        runtime.empty_cuda_cache()
                        if len(group) > 1:
                            batch = max(1, len(group) // 2)
                            continue
                        if not bundle.offloaded:
                            self._offload(bundle)
                            continue
                        raise ProviderError(runtime.oom_message("drawing the pictures")) from None
                    for offset, image in enumerate(images):
                        events.put(Picture(index + offset, image))
                    index += len(group)
        except StudioError as error:
            events.put(error)
        except Exception as error:  # noqa: BLE001
            events.put(ProviderError(f"The local illustrator failed: {error}"))
        finally:
            events.put(_DONE)

    def _offload(self, bundle: _SDXL) -> None:
        """Memory is short: keep only the running sub-model on the GPU, decode in tiles."""
        for pipe in (bundle.base, bundle.refiner):
            if pipe is None:
                continue
            if runtime.device() == "cuda":
                pipe.enable_model_cpu_offload()
        bundle.base.vae.enable_tiling()
        bundle.offloaded = True

    def _run(
        self, bundle: _SDXL, group: list[ImageJob], first: int, events: queue.Queue, stop: threading.Event
    ) -> list[Image]:
        import torch

        base, refiner = bundle.base, bundle.refiner
        gen_device = "cpu" if bundle.offloaded or base.device.type != "cuda" else base.device
        generators = [torch.Generator(device=gen_device).manual_seed(int(job.seed)) for job in group]
        prompts = [job.prompt for job in group]
        negatives = [job.negative_prompt or "" for job in group]
        width, height = group[0].width, group[0].height
        latents = _initial_latents(base, generators, width, height)
        total = self.steps
        counter = {"step": 0}

        def progress(pipe, step, timestep, callback_kwargs):
            if stop.is_set():
                pipe._interrupt = True
                return callback_kwargs
            counter["step"] = min(total, counter["step"] + 1)
            for offset in range(len(group)):
                events.put(Step(first + offset, counter["step"], total))
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
            guided = self._reference(base, group[0].reference, len(group)) if self.ip_adapter else {}
            if refiner is None:
                images = base(width=width, height=height, latents=latents, **common, **guided).images
            else:
                handed_over = base(
                    width=width,
                    height=height,
                    latents=latents,
                    denoising_end=self.high_noise_frac,
                    output_type="latent",
                    **common,
                    **guided,
                ).images
                if stop.is_set():
                    raise _Stopped
                images = refiner(denoising_start=self.high_noise_frac, image=handed_over, **common).images
        if stop.is_set():
            raise _Stopped
        if counter["step"] < total:  # schedulers that skip a step still end the bar at 100 %
            for offset in range(len(group)):
                events.put(Step(first + offset, total, total))
        return list(images)

    def _reference(self, base: Any, reference: Image | None, count: int) -> dict:
        """The base's IP-Adapter inputs for a batch of `count` pictures guided by `reference` (none:
        strength 0 on a blank picture, so the loaded adapter changes nothing)."""
        from PIL import Image as PILImage

        base.set_ip_adapter_scale(self.reference_strength if reference is not None else 0.0)
        picture = reference if reference is not None else PILImage.new("RGB", (224, 224), (127, 127, 127))
        embeds = base.prepare_ip_adapter_image_embeds(
            ip_adapter_image=[picture],
            ip_adapter_image_embeds=None,
            device=base._execution_device,
            num_images_per_prompt=count,
            do_classifier_free_guidance=self.guidance > 1,
        )
        return {"ip_adapter_image_embeds": embeds}

    # inpainting -----------------------------------------------------------------------------
    def inpaint(self, job: ImageJob, image: Image, mask: Image) -> Image:
        """`image` with the white of `mask` redrawn from the job's prompt and seed, through
        diffusers' SDXL inpainting pipeline sharing the loaded base's components (its UNet blends
        the kept part back in at every step). The caller keeps the unmasked part pixel for pixel."""
        import torch
        from diffusers import StableDiffusionXLInpaintPipeline

        bundle = self.loaded()
        width, height = (max(64, side // 64 * 64) for side in image.size)
        try:
            with self.manager.lock(self.key), torch.inference_mode():
                pipe = StableDiffusionXLInpaintPipeline.from_pipe(bundle.base)
                pipe.set_progress_bar_config(disable=True)
                gen_device = "cpu" if bundle.offloaded or bundle.base.device.type != "cuda" else bundle.base.device
                guided = self._reference(pipe, job.reference, 1) if self.ip_adapter else {}
                drawn = pipe(
                    prompt=job.prompt,
                    negative_prompt=job.negative_prompt or "",
                    image=image.convert("RGB").resize((width, height)),
                    mask_image=mask.convert("L").resize((width, height)),
                    width=width,
                    height=height,
                    strength=0.99,
                    num_inference_steps=self.steps,
                    guidance_scale=self.guidance,
                    generator=torch.Generator(device=gen_device).manual_seed(int(job.seed)),
                    **guided,
                ).images[0]
        except Exception as error:  # noqa: BLE001 - OOM and the rest, as one readable sentence
            if runtime.is_oom(error):
                runtime.empty_cuda_cache()
                raise ProviderError(runtime.oom_message("redrawing the region")) from None
            raise ProviderError(f"The local illustrator could not redraw the region: {error}") from None
        return drawn.resize(image.size)


def load_reference_adapter(base: Any, source: str, weight: str) -> None:
    """Load the SDXL IP-Adapter (`weight` is "subfolder/file" inside `source`, with its CLIP image
    encoder in "subfolder/image_encoder") into the base pipeline, through diffusers' own loader."""
    subfolder, _, weight_name = weight.rpartition("/")
    with runtime.loading(source):
        base.load_ip_adapter(source, subfolder=subfolder or None, weight_name=weight_name)


def _initial_latents(base: Any, generators: list, width: int, height: int):
    """The starting noise of each picture, drawn from its own generator, one picture at a time.

    The same draw diffusers makes for a list of generators (so stored seeds keep their pictures),
    done here so that no pipeline version can draw it once for the whole batch.
    """
    import torch
    from diffusers.utils.torch_utils import randn_tensor

    scale = base.vae_scale_factor
    shape = (1, base.unet.config.in_channels, height // scale, width // scale)
    device = base._execution_device
    dtype = base.unet.dtype
    return torch.cat([randn_tensor(shape, generator=g, device=device, dtype=dtype) for g in generators])


def _same_shape(a: ImageJob, b: ImageJob) -> bool:
    """Jobs that can share one pipeline call: the same size and the same reference picture."""
    return (a.width, a.height) == (b.width, b.height) and a.reference is b.reference
