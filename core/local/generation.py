"""`generate` running on its own thread, streaming decoded text, stoppable at the next token."""

from __future__ import annotations

import contextlib
import queue
import threading
from dataclasses import dataclass, field
from typing import Any

from core.errors import ProviderError
from core.local import runtime


def stopping_flag(event: threading.Event):
    """A transformers StoppingCriteria that stops generation once `event` is set."""
    import torch
    from transformers import StoppingCriteria

    class _StopOnEvent(StoppingCriteria):
        def __call__(self, input_ids, scores, **kwargs):
            return torch.full((input_ids.shape[0],), event.is_set(), dtype=torch.bool, device=input_ids.device)

    return _StopOnEvent()


@dataclass
class GenerationRun:
    """A `generate` running on its own thread; iterate `chunks()`, `stop()` to end it early."""

    thread: threading.Thread
    stop_event: threading.Event
    streamer: Any
    errors: list = field(default_factory=list)

    def chunks(self):
        try:
            while True:
                try:
                    chunk = self.streamer.text_queue.get(timeout=0.1)
                except queue.Empty:
                    if not self.thread.is_alive() and self.streamer.text_queue.empty():
                        break
                    continue
                if chunk is self.streamer.stop_signal:
                    break
                if chunk:
                    yield chunk
        finally:
            self.stop()
        if self.errors:
            raise self.errors[0]

    def stop(self, wait: float = 30.0) -> None:
        self.stop_event.set()
        if self.thread is not threading.current_thread():
            self.thread.join(timeout=wait)


def start_generation(
    model: Any,
    tokenizer: Any,
    inputs: dict,
    *,
    lock: contextlib.AbstractContextManager | None = None,
    seed: int | None = None,
    what: str = "generating text",
    **generate_kwargs: Any,
) -> GenerationRun:
    """Run `model.generate(**inputs)` on a thread, streaming decoded text chunks.

    The thread holds `lock` (the manager's lock of this model) while it generates and seeds
    torch's generators with `seed` first, so the same seed gives the same text. A stop event
    ends generation at the next token (StoppingCriteria); errors reach the consumer as
    ProviderError when it has read every chunk.
    """
    import torch
    from transformers import StoppingCriteriaList, TextIteratorStreamer

    stop_event = threading.Event()
    streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
    criteria = StoppingCriteriaList([stopping_flag(stop_event)])
    run = GenerationRun(thread=None, stop_event=stop_event, streamer=streamer)  # type: ignore[arg-type]

    def work() -> None:
        try:
            with lock if lock is not None else contextlib.nullcontext():
                if stop_event.is_set():
                    return
                if seed is not None:
                    torch.manual_seed(seed)
                with torch.inference_mode():
                    model.generate(**inputs, streamer=streamer, stopping_criteria=criteria, **generate_kwargs)
        except BaseException as error:  # noqa: BLE001 - handed to the consumer
            if runtime.is_oom(error):
                runtime.empty_cuda_cache()
                run.errors.append(ProviderError(runtime.oom_message(what)))
            else:
                run.errors.append(ProviderError(f"The local model failed while {what}: {error}"))
        finally:
            streamer.text_queue.put(streamer.stop_signal)

    run.thread = threading.Thread(target=work, name=f"visutale-{what}", daemon=True)
    run.thread.start()
    return run
