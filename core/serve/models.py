"""One Ray Serve deployment per model, each wrapping the project's own local backend.

Every replica is its own process with its own `ModelManager`: it loads its model in `__init__`
(so Serve counts it ready only once the weights are in memory) through the same loaders the
studio uses locally (`core.providers.local_*`), and drives it on a worker thread so the replica's
event loop keeps answering (health checks, `stats`, other requests queueing for a batch).

Pictures are batched: `IllustratorModel.picture` puts each request into `@serve.batch`, and one
batch is one pipeline call of up to `batch_size` pictures (the SDXL backend batches jobs of the
same size, one seeded generator each, so a picture is the same whatever shares its batch). The
batch size and wait come from the deployment's `user_config`, so a running service can change
them (`serve deploy` or a RayService edit) without reloading the model.
"""

from __future__ import annotations

import asyncio
import io
import os
from collections import deque
from collections.abc import AsyncIterator, Iterator
from typing import Any

import ray
from ray import serve

from core.providers import fit_long_side
from core.providers.base import ImageJob, pictures


def _settings(values: dict[str, Any]):
    from core.settings import Settings

    return Settings(**values)


def _png(image: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _image(data: bytes) -> Any:
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


async def _in_thread(chunks: Iterator[str]) -> AsyncIterator[str]:
    """A blocking iterator's items, each `next` on a worker thread; closing it closes the iterator
    (the local backends then stop generating at the next token)."""
    done = object()
    try:
        while True:
            chunk = await asyncio.to_thread(next, chunks, done)
            if chunk is done:
                return
            yield chunk
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            await asyncio.to_thread(close)


def _whoami() -> dict[str, Any]:
    """This replica's actor name (what `ray.get_actor(name, namespace="serve")` finds) and pid."""
    return {"actor": ray.get_runtime_context().get_actor_name(), "pid": os.getpid()}


@serve.deployment
class VisionModel:
    """LLaVA: answers a prompt about one photo, streamed."""

    def __init__(self, settings: dict[str, Any]) -> None:
        from core.providers.local_vision import LocalVision  # torch and transformers: in the replica only

        self.vision = LocalVision.from_settings(_settings(settings))
        self.vision.loaded()

    async def answer(self, photo: bytes, prompt: str) -> AsyncIterator[str]:
        async for chunk in _in_thread(self.vision.answer(_image(photo), prompt)):
            yield chunk

    def whoami(self) -> dict[str, Any]:
        return _whoami()


@serve.deployment
class WriterModel:
    """The language model: answers a chat, streamed."""

    def __init__(self, settings: dict[str, Any]) -> None:
        from core.providers.local_writer import LocalWriter  # torch and transformers: in the replica only

        self.writer = LocalWriter.from_settings(_settings(settings))
        self.writer.loaded()

    async def chat(self, messages: list[dict], seed: int, max_tokens: int | None) -> AsyncIterator[str]:
        async for chunk in _in_thread(self.writer.chat(messages, seed=seed, max_new_tokens=max_tokens)):
            yield chunk

    def whoami(self) -> dict[str, Any]:
        return _whoami()


@serve.deployment
class IllustratorModel:
    """SDXL base + refiner: one picture per request, requests drawn together in batches."""

    def __init__(self, settings: dict[str, Any]) -> None:
        from core.providers.local_illustrator import LocalIllustrator  # torch and diffusers: in the replica only

        values = _settings(settings)
        self.long_side = values.illustrator_size  # None: the size each request asks for
        self.illustrator = LocalIllustrator.from_settings(values)
        self.illustrator.loaded()
        self.batches: deque[int] = deque(maxlen=1000)  # the size of each batch drawn, oldest first
        self.in_flight = 0  # pictures asked for and not answered yet (waiting for a batch or drawing)

    def reconfigure(self, config: dict[str, Any]) -> None:
        """`user_config`: {"batch_size": N, "batch_wait_s": S}."""
        size = int(config.get("batch_size", 4))
        self.illustrator.batch_size = size
        self.draw.set_max_batch_size(size)
        self.draw.set_batch_wait_timeout_s(float(config.get("batch_wait_s", 0.05)))

    async def picture(self, job: dict[str, Any]) -> dict[str, Any]:
        """{"prompt", "seed", "width", "height", "negative_prompt"} -> {"png", "width", "height"}.

        The picture is drawn at the size asked for, or with its long side at the service's
        `illustrator_size` when that is set (same shape), in multiples of 64 as SDXL needs.
        """
        width, height = int(job["width"]), int(job["height"])
        width, height = fit_long_side((width, height), self.long_side or max(width, height))
        self.in_flight += 1
        try:
            png = await self.draw({**job, "width": width, "height": height})
        finally:
            self.in_flight -= 1
        return {"png": png, "width": width, "height": height}

    @serve.batch(max_batch_size=4, batch_wait_timeout_s=0.05)
    async def draw(self, jobs: list[dict[str, Any]]) -> list[bytes]:
        self.batches.append(len(jobs))
        batch = [
            ImageJob(
                prompt=str(job["prompt"]),
                seed=int(job["seed"]),
                width=int(job["width"]),
                height=int(job["height"]),
                negative_prompt=str(job.get("negative_prompt") or ""),
            )
            for job in jobs
        ]
        return await asyncio.to_thread(lambda: [_png(image) for image in pictures(self.illustrator.generate(batch))])

    def stats(self) -> dict[str, Any]:
        """What this replica has done: the size of each batch, pictures in flight, who it is."""
        return {"batches": list(self.batches), "in_flight": self.in_flight, **_whoami()}


@serve.deployment
class UpscalerModel:
    """The diffusion upscaler: one picture 2x or 4x larger."""

    def __init__(self, settings: dict[str, Any]) -> None:
        from core.providers.local_upscaler import LocalUpscaler  # torch and diffusers: in the replica only

        self.upscaler = LocalUpscaler.from_settings(_settings(settings))
        self.upscaler.loaded()

    async def upscale(self, picture: bytes, factor: int, prompt: str) -> bytes:
        image = _image(picture)
        big = await asyncio.to_thread(self.upscaler.upscale, image, factor, prompt)
        return _png(big)

    def whoami(self) -> dict[str, Any]:
        return _whoami()


DEPLOYMENTS = {
    "vision": VisionModel,
    "writer": WriterModel,
    "illustrator": IllustratorModel,
    "upscaler": UpscalerModel,
}
