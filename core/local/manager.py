"""The process-wide model manager: load once, lock per model, memory budget, report.

One `ModelManager` per process (`get_manager()`); the page layer wraps it in `st.cache_resource`,
core never imports Streamlit. The manager

- loads a model on first use and never again (`load(key, loader, estimated_bytes=...)`), counting
  loads per key in `loads` (a `collections.Counter`), so a test can show that a second story
  loads nothing;
- hands out one `threading.Lock` per model (`with manager.lock(key): ...`), so two browser sessions
  never drive one pipeline at the same time;
- keeps a memory budget (`Settings.gpu_memory_budget_gb`, else what the CUDA card has, else no
  limit on a CPU-only machine): BEFORE a loader runs it unloads the least recently used models
  that are not in use until the new model's estimated size (core.local.footprint) fits, so the
  peak is never old + new; after loading it checks again with the measured size (parameters and
  buffers of every module, and on CUDA at least the growth of `torch.cuda.memory_allocated()`);
- reports what it holds (`report()`: key, precision, GB and device measured from the loaded
  modules, loads, in use) for the sidebar.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from core.local import runtime

T = TypeVar("T")


@dataclass
class _Entry:
    value: Any
    bytes: int
    device: str
    precision: str
    load_seconds: float
    estimated_bytes: int | None = None
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
        return runtime.cuda_total_bytes()

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
            self._touch(key)
            yield

    # loading -----------------------------------------------------------------------------
    def loaded(self, key: str) -> bool:
        with self._guard:
            return key in self._entries

    def get(self, key: str) -> Any | None:
        with self._guard:
            entry = self._entries.get(key)
            return entry.value if entry else None

    def _touch(self, key: str) -> _Entry | None:
        with self._guard:
            entry = self._entries.get(key)
            if entry is not None:
                entry.last_used = time.monotonic()
                self._entries.move_to_end(key)
            return entry

    def load(self, key: str, loader: Callable[[], T], estimated_bytes: int | None = None) -> T:
        """The model `key`, loaded by `loader()` on first use only.

        Before `loader` runs, least recently used models that are not in use are unloaded until
        `estimated_bytes` fits the budget (the backends estimate it from the weights files);
        after loading, again until the measured size fits. Errors from `loader` propagate
        unchanged (backends translate them with `runtime.loading()`).
        """
        entry = self._touch(key)
        if entry is not None:
            return entry.value
        with self._guard:
            load_lock = self._loading.setdefault(key, threading.Lock())
        with load_lock:  # two sessions asking at once: the second waits for the first's load
            entry = self._touch(key)
            if entry is not None:
                return entry.value
            if estimated_bytes:
                self._make_room(estimated_bytes, keep=key)
            before = runtime.cuda_allocated()
            start = time.monotonic()
            value = loader()
            size = max(runtime.module_bytes(value), runtime.cuda_allocated() - before, 0)
            with self._guard:
                self._entries[key] = _Entry(
                    value,
                    size,
                    runtime.device_of(value),
                    runtime.precision_of(value),
                    load_seconds=time.monotonic() - start,
                    estimated_bytes=estimated_bytes,
                )
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
        runtime.empty_cuda_cache()
        return True

    def clear(self) -> None:
        for key in list(self._entries):
            self.unload(key)

    def report(self) -> list[dict]:
        """What is loaded, most recently used first.

        Each row: key, precision ("4-bit NF4 + fp32", "fp16"...), bytes and gb and device as
        measured from the loaded modules, estimated_gb (what was made room for), loads,
        load_seconds, in_use.
        """
        with self._guard:
            rows = [
                {
                    "key": key,
                    "precision": e.precision,
                    "bytes": e.bytes,
                    "gb": round(e.bytes / 1e9, 3),
                    "estimated_gb": None if e.estimated_bytes is None else round(e.estimated_bytes / 1e9, 3),
                    "device": e.device,
                    "loads": self.loads[key],
                    "load_seconds": round(e.load_seconds, 2),
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
