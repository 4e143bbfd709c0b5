"""Local models: loaded once per process, shared by every session, locked while driven.

One `ModelManager` per process (`get_manager()`); the page layer wraps it in `st.cache_resource`,
core never imports Streamlit. The manager

- loads a model on first use and never again (`load(key, loader)`), counting loads per key in
  `loads` (a `collections.Counter`), so a test can show that a second story loads nothing;
- hands out one `threading.Lock` per model (`with manager.lock(key): ...`), so two browser sessions
  never drive one pipeline at the same time;
- keeps a memory budget (`Settings.gpu_memory_budget_gb`, else what the CUDA card has, else no
  limit on a CPU-only machine) and unloads the least recently used model that is not in use
  before loading one that would not fit. A model's size is the bytes of its parameters and
  buffers (for pipelines: of every `torch.nn.Module` component), and on CUDA at least the growth
  of `torch.cuda.memory_allocated()` while it loaded;
- reports what it holds (`report()`: key, bytes, device, loads, in use) for the sidebar.

It also holds what every local backend shares: the 4-bit quantisation config, the device and dtype
choice, the translation of library errors into messages a person can act on (`loading(model_id)`),
recognising CUDA out-of-memory, streaming `generate` on a thread with a stop flag, and censoring
stop words from streamed text.

Nothing here imports torch, transformers or diffusers at import time: the sidebar may ask the
manager for its report while the studio runs on the offline engine.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import queue
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from core.errors import ModelUnavailable, ProviderError, StudioError

if TYPE_CHECKING:
    from core.settings import Settings

T = TypeVar("T")

CENSOR = "▇▇▇"


# --- the manager ---------------------------------------------------------------------------


@dataclass
class _Entry:
    value: Any
    bytes: int
    device: str
    loaded_at: float
    last_used: float = field(default_factory=time.monotonic)


class ModelManager:
    """Process-wide cache of loaded models, with per-model locks and an LRU memory budget."""

    def __init__(self, budget_bytes: int | None = None) -> None:
        self._budget_bytes = budget_bytes
        self._entries: collections.OrderedDict[str, _Entry] = collections.OrderedDict()
        self._locks: dict[str, threading.Lock] = {}
        self._loading: dict[str, threading.Lock] = {}
        self._guard = threading.RLock()
        self.loads: collections.Counter[str] = collections.Counter()

    # budget ------------------------------------------------------------------------------
    def set_budget_gb(self, gigabytes: float | None) -> None:
        """The memory budget in GB (10**9 bytes); None: what the card has (no limit on CPU)."""
        self._budget_bytes = None if gigabytes is None else int(gigabytes * 1e9)

    @property
    def budget_bytes(self) -> int | None:
        if self._budget_bytes is not None:
            return self._budget_bytes
        return _cuda_total_bytes()

    def held_bytes(self) -> int:
        with self._guard:
            return sum(e.bytes for e in self._entries.values())

    # locks -------------------------------------------------------------------------------
    def _lock_for(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    @contextlib.contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """Hold the model `key` for one session while it is driven (generate, denoise...)."""
        lock = self._lock_for(key)
        with lock:
            with self._guard:
                if key in self._entries:
                    self._entries[key].last_used = time.monotonic()
                    self._entries.move_to_end(key)
            yield

    # loading -----------------------------------------------------------------------------
    def loaded(self, key: str) -> bool:
        with self._guard:
            return key in self._entries

    def get(self, key: str) -> Any | None:
        with self._guard:
            entry = self._entries.get(key)
            return entry.value if entry else None

    def load(self, key: str, loader: Callable[[], T], size_bytes_hint: int | None = None) -> T:
        """The model `key`, loaded by `loader()` on first use only.

        Before loading, least recently used models that are not in use are unloaded until
        `size_bytes_hint` fits the budget; after loading, again until the measured size fits.
        Errors from `loader` propagate unchanged (backends translate them with `loading()`).
        """
        with self._guard:
            entry = self._entries.get(key)
            if entry is not None:
                entry.last_used = time.monotonic()
                self._entries.move_to_end(key)
                return entry.value
            load_lock = self._loading.setdefault(key, threading.Lock())
        with load_lock:  # two sessions asking at once: the second waits for the first's load
            with self._guard:
                entry = self._entries.get(key)
                if entry is not None:
                    entry.last_used = time.monotonic()
                    self._entries.move_to_end(key)
                    return entry.value
            if size_bytes_hint:
                self._make_room(size_bytes_hint, keep=key)
            before = _cuda_allocated()
            start = time.monotonic()
            value = loader()
            measured = module_bytes(value)
            grown = _cuda_allocated() - before
            size = max(measured, grown, 0)
            with self._guard:
                self._entries[key] = _Entry(value, size, device_of(value), loaded_at=time.monotonic() - start)
                self._entries.move_to_end(key)
                self.loads[key] += 1
            self._make_room(0, keep=key)
            return value

    def _make_room(self, needed: int, keep: str) -> None:
        budget = self.budget_bytes
        if budget is None:
            return
        while True:
            with self._guard:
                if self.held_bytes() + needed <= budget:
                    return
                victims = [
                    k for k in self._entries if k != keep and not self._lock_for(k).locked()
                ]  # oldest first: the OrderedDict is kept in order of use
                if not victims:
                    return  # nothing more can go; the load is tried anyway (OOM is handled there)
                victim = victims[0]
            self.unload(victim)

    def unload(self, key: str) -> bool:
        """Forget the model `key` (waiting for whoever drives it) and free its memory."""
        lock = self._lock_for(key)
        with lock:
            with self._guard:
                entry = self._entries.pop(key, None)
        if entry is None:
            return False
        del entry
        gc.collect()
        _cuda_empty_cache()
        return True

    def clear(self) -> None:
        for key in list(self._entries):
            self.unload(key)

    def report(self) -> list[dict]:
        """What is loaded, most recently used first: key, bytes, gb, device, loads, in_use."""
        with self._guard:
            rows = [
                {
                    "key": key,
                    "bytes": e.bytes,
                    "gb": round(e.bytes / 1e9, 3),
                    "device": e.device,
                    "loads": self.loads[key],
                    "load_seconds": round(e.loaded_at, 2),
                    "in_use": self._lock_for(key).locked(),
                }
                for key, e in self._entries.items()
            ]
        return list(reversed(rows))


_MANAGER: ModelManager | None = None
_MANAGER_GUARD = threading.Lock()


def get_manager() -> ModelManager:
    """The process's model manager (the page layer wraps this in st.cache_resource)."""
    global _MANAGER
    with _MANAGER_GUARD:
        if _MANAGER is None:
            _MANAGER = ModelManager()
        return _MANAGER


# --- sizes and devices ---------------------------------------------------------------------


def _modules(value: Any, seen: set[int] | None = None) -> Iterator[Any]:
    """Every torch.nn.Module reachable from a model, a pipeline, a tuple, a dict or an object."""
    import sys

    torch = sys.modules.get("torch")
    if torch is None:
        return
    seen = set() if seen is None else seen
    if id(value) in seen or value is None or isinstance(value, (str, bytes, int, float, bool)):
        return
    seen.add(id(value))
    if isinstance(value, torch.nn.Module):
        yield value
        return
    components = getattr(value, "components", None)  # a diffusers pipeline
    if isinstance(components, dict):
        for item in components.values():
            yield from _modules(item, seen)
        return
    if isinstance(value, dict):
        for item in value.values():
            yield from _modules(item, seen)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _modules(item, seen)
    elif hasattr(value, "__dict__") and type(value).__module__.startswith("core."):
        for item in vars(value).values():  # our own bundles (e.g. model + processor)
            yield from _modules(item, seen)


def module_bytes(value: Any) -> int:
    """Bytes held by the parameters and buffers of every module in `value` (shared ones once)."""
    seen: set[int] = set()
    total = 0
    for module in _modules(value):
        for tensor in [*module.parameters(), *module.buffers()]:
            key = tensor.data_ptr() if tensor.device.type != "meta" else id(tensor)
            if key in seen:
                continue
            seen.add(key)
            total += tensor.numel() * tensor.element_size()
    return total


def device_of(value: Any) -> str:
    devices = set()
    for module in _modules(value):
        for tensor in module.parameters():
            devices.add(str(tensor.device))
            break
    if not devices:
        return "none"
    return ", ".join(sorted(devices))


def _cuda_available() -> bool:
    import sys

    torch = sys.modules.get("torch")
    return bool(torch is not None and torch.cuda.is_available())


def _cuda_allocated() -> int:
    if not _cuda_available():
        return 0
    import torch

    return int(torch.cuda.memory_allocated())


def _cuda_total_bytes() -> int | None:
    if not _cuda_available():
        return None
    import torch

    return int(torch.cuda.get_device_properties(0).total_memory)


def _cuda_empty_cache() -> None:
    if _cuda_available():
        import torch

        torch.cuda.empty_cache()


def device() -> str:
    """"cuda" where a CUDA card is present, else "cpu"."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def dtype_for(device_name: str | None = None):
    """float16 on CUDA, float32 on the CPU (half precision on a CPU is slow and lossy)."""
    import torch

    return torch.float16 if (device_name or device()) == "cuda" else torch.float32


def bitsandbytes_available() -> bool:
    try:
        import bitsandbytes  # noqa: F401
    except Exception:  # ImportError, or a broken CUDA setup raising at import
        return False
    return True


def quantization_config(settings: Settings | None = None, *, load_in_4bit: bool | None = None):
    """BitsAndBytesConfig for 4-bit NF4 when asked for and bitsandbytes imports, else None.

    The compute dtype is float16 on CUDA and float32 on the CPU (bitsandbytes quantises on the
    CPU too, which is how the tests check the 4-bit path).
    """
    wanted = load_in_4bit if load_in_4bit is not None else (settings.load_in_4bit if settings else True)
    if not wanted or not bitsandbytes_available():
        return None
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_compute_dtype=dtype_for(),
    )


# --- errors --------------------------------------------------------------------------------


def unavailable_message(model_id: str) -> str:
    return (
        f"The model '{model_id}' is not on this machine and cannot be downloaded here. Fetch it "
        f"once with `hf download {model_id}` on a machine with network, or pick a "
        "local folder in Settings."
    )


def is_oom(error: BaseException) -> bool:
    """Whether an exception is the GPU running out of memory."""
    import sys

    torch = sys.modules.get("torch")
    if torch is not None and isinstance(error, getattr(torch.cuda, "OutOfMemoryError", ())):
        return True
    return isinstance(error, (RuntimeError, MemoryError)) and "out of memory" in str(error).lower()


def oom_message(what: str) -> str:
    return (
        f"The GPU ran out of memory while {what}, even with CPU offload and one item at a time. "
        "Close other GPU programs, lower the memory budget or pick smaller models in Settings, "
        "or use the offline engine."
    )


_MISSING_TEXT = re.compile(
    r"valid local path|valid repo id|repo id must|does not appear to have|couldn't connect|"
    r"cannot find the requested files|not found in the local cache|offline mode",
    re.IGNORECASE,
)


def _missing_weights(error: BaseException) -> bool:
    if isinstance(error, (OSError, EnvironmentError, FileNotFoundError, ConnectionError)):
        return True
    if isinstance(error, ValueError) and _MISSING_TEXT.search(str(error)):
        return True  # diffusers: "... is neither a valid local path nor a valid repo id"
    try:
        from huggingface_hub.errors import (
            EntryNotFoundError,
            HFValidationError,
            LocalEntryNotFoundError,
            OfflineModeIsEnabled,
            RepositoryNotFoundError,
        )
    except ImportError:  # pragma: no cover - huggingface_hub comes with transformers
        return False
    return isinstance(
        error,
        (RepositoryNotFoundError, LocalEntryNotFoundError, EntryNotFoundError, OfflineModeIsEnabled, HFValidationError),
    )


@contextlib.contextmanager
def loading(model_id: str, what: str = "loading a model") -> Iterator[None]:
    """Translate what loading `model_id` raises into ModelUnavailable / ProviderError."""
    try:
        yield
    except StudioError:
        raise
    except BaseException as error:  # noqa: BLE001 - translated below, or re-raised
        if isinstance(error, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        if is_oom(error):
            _cuda_empty_cache()
            raise ProviderError(oom_message(f"loading '{model_id}'")) from error
        if _missing_weights(error):
            raise ModelUnavailable(unavailable_message(model_id)) from error
        if isinstance(error, ImportError):
            raise ProviderError(
                f"Loading '{model_id}' needs a Python package that is not installed ({error}). "
                "Install the local-model requirements (see the README)."
            ) from error
        raise ProviderError(f"The model '{model_id}' could not be loaded: {error}") from error


# --- streaming generate on a thread ----------------------------------------------------------


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

    def chunks(self) -> Iterator[str]:
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
            if is_oom(error):
                _cuda_empty_cache()
                run.errors.append(ProviderError(oom_message(what)))
            else:
                run.errors.append(ProviderError(f"The local model failed while {what}: {error}"))
        finally:
            streamer.text_queue.put(streamer.stop_signal)

    run.thread = threading.Thread(target=work, name=f"visutale-{what}", daemon=True)
    run.thread.start()
    return run


# --- stop words ------------------------------------------------------------------------------


class Censor:
    """Replaces stop words (whole words or phrases, any case) in text, streamed or whole.

    Streaming: `feed(chunk)` returns what is safe to show now; text that might still become a
    stop word (the word being written, and as many words before it as the longest phrase has)
    is held back until the next chunk or `flush()`.
    """

    def __init__(self, words: Iterable[str], mark: str = CENSOR) -> None:
        cleaned = sorted({" ".join(w.split()) for w in words if w and w.strip()}, key=len, reverse=True)
        self.mark = mark
        self.span = max((len(w.split()) for w in cleaned), default=1)
        self.pattern = (
            re.compile(
                r"(?<!\w)(?:" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in cleaned) + r")(?!\w)",
                re.IGNORECASE,
            )
            if cleaned
            else None
        )
        self._buffer = ""

    def __call__(self, text: str) -> str:
        return self.pattern.sub(self.mark, text) if self.pattern else text

    def feed(self, chunk: str) -> str:
        if self.pattern is None:
            return chunk
        self._buffer += chunk
        words = list(re.finditer(r"\w+", self._buffer))
        if not words:
            out, self._buffer = self._buffer, ""
            return out
        # Hold back the last `span` words (the last may still grow) and what follows them.
        held = words[-self.span] if len(words) >= self.span else words[0]
        cut = held.start()
        # A complete stop word or phrase ending past the cut is emitted whole, never split.
        complete_until = words[-1].start() if self._buffer[-1:].isalnum() or self._buffer.endswith("_") else len(self._buffer)
        for match in self.pattern.finditer(self._buffer[:complete_until]):
            if match.start() < cut < match.end():
                cut = match.end()
        out, self._buffer = self._buffer[:cut], self._buffer[cut:]
        return self(out)

    def flush(self) -> str:
        out, self._buffer = self._buffer, ""
        return self(out)

    def stream(self, chunks: Iterable[str]) -> Iterator[str]:
        for chunk in chunks:
            out = self.feed(chunk)
            if out:
                yield out
        rest = self.flush()
        if rest:
            yield rest
