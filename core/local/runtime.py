"""The torch side every local backend shares: device, dtype, 4-bit, sizes, precision, errors.

Torch is imported inside the functions (or read from `sys.modules` where asking must not import
it), so importing this module costs nothing on a machine without torch.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from typing import Any

from core.errors import ModelUnavailable, ProviderError, StudioError

# --- device, dtype and 4-bit -------------------------------------------------------------------


def _torch() -> Any | None:
    """torch if something already imported it, else None (never imports it)."""
    return sys.modules.get("torch")


def cuda_available() -> bool:
    torch = _torch()
    return bool(torch is not None and torch.cuda.is_available())


def cuda_allocated() -> int:
    return int(_torch().cuda.memory_allocated()) if cuda_available() else 0


def cuda_total_bytes() -> int | None:
    return int(_torch().cuda.get_device_properties(0).total_memory) if cuda_available() else None


def empty_cuda_cache() -> None:
    if cuda_available():
        _torch().cuda.empty_cache()


def device() -> str:
    """ "cuda" where a CUDA card is present, else "cpu"."""
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


def quantization_config(*, load_in_4bit: bool = True):
    """BitsAndBytesConfig for 4-bit NF4 when asked for and bitsandbytes imports, else None.

    None means the model loads unquantised (fp16 on CUDA, fp32 on the CPU): callers name it so
    in their cache key and the manager reports the precision it finds in the loaded modules.
    The compute dtype is float16 on CUDA and float32 on the CPU (bitsandbytes quantises on the
    CPU too, which is how the tests check the 4-bit path).
    """
    if not load_in_4bit or not bitsandbytes_available():
        return None
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_compute_dtype=dtype_for(),
    )


# --- what a loaded model holds -------------------------------------------------------------


def modules(value: Any, seen: set[int] | None = None) -> Iterator[Any]:
    """Every torch.nn.Module reachable from a model, a pipeline, a tuple, a dict or an object."""
    torch = _torch()
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
            yield from modules(item, seen)
        return
    if isinstance(value, dict):
        for item in value.values():
            yield from modules(item, seen)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from modules(item, seen)
    elif hasattr(value, "__dict__") and type(value).__module__.startswith("core."):
        for item in vars(value).values():  # our own bundles (e.g. model + processor)
            yield from modules(item, seen)


def _tensors(value: Any) -> Iterator[Any]:
    """Every parameter and buffer of `value`, shared ones once."""
    seen: set[int] = set()
    for module in modules(value):
        for tensor in [*module.parameters(), *module.buffers()]:
            key = tensor.data_ptr() if tensor.device.type != "meta" else id(tensor)
            if key not in seen:
                seen.add(key)
                yield tensor


def module_bytes(value: Any) -> int:
    """Bytes held by the parameters and buffers of every module in `value` (shared ones once)."""
    return sum(t.numel() * t.element_size() for t in _tensors(value))


def device_of(value: Any) -> str:
    devices = {str(t.device) for t in _tensors(value)}
    return ", ".join(sorted(devices)) if devices else "none"


DTYPE_NAMES = {"float16": "fp16", "bfloat16": "bf16", "float32": "fp32", "float64": "fp64"}


def precision_of(value: Any) -> str:
    """What the loaded weights really are: "4-bit NF4", "fp16", "fp32", or a mix ("4-bit NF4 + fp32").

    Read from the modules themselves (bitsandbytes' Linear4bit weights carry their quant type),
    not from what was asked for: without bitsandbytes a 4-bit request loads unquantised.
    """
    found: list[str] = []

    def note(name: str) -> None:
        if name not in found:
            found.append(name)

    for module in modules(value):
        for sub in module.modules():
            weight = getattr(sub, "weight", None)
            quant = getattr(weight, "quant_type", None)
            if quant is not None and type(sub).__name__ == "Linear4bit":
                note(f"4-bit {str(quant).upper()}")
            elif type(sub).__name__ == "Linear8bitLt":
                note("8-bit")
    floats: dict[str, int] = {}
    for tensor in _tensors(value):
        if tensor.is_floating_point():
            name = DTYPE_NAMES.get(str(tensor.dtype).removeprefix("torch."), str(tensor.dtype))
            floats[name] = floats.get(name, 0) + tensor.numel()
    if found:  # quantised: the unquantised rest (norms, embeddings) is named after it
        rest = max(floats, key=floats.get) if floats else None
        return " + ".join(found + ([rest] if rest else []))
    if not floats:
        return "none"
    return " + ".join(sorted(floats, key=floats.get, reverse=True))


# --- errors ----------------------------------------------------------------------------------


def unavailable_message(model_id: str) -> str:
    return (
        f"The model '{model_id}' is not on this machine and cannot be downloaded here. Fetch it "
        f"once with `hf download {model_id}` on a machine with network, or pick a "
        "local folder in Settings."
    )


def is_oom(error: BaseException) -> bool:
    """Whether an exception is the GPU running out of memory."""
    torch = _torch()
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
    if isinstance(error, (OSError, FileNotFoundError, ConnectionError)):
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
def loading(model_id: str) -> Iterator[None]:
    """Translate what loading `model_id` raises into ModelUnavailable / ProviderError."""
    try:
        yield
    except StudioError:
        raise
    except BaseException as error:  # noqa: BLE001 - translated below, or re-raised
        if isinstance(error, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        if is_oom(error):
            empty_cuda_cache()
            raise ProviderError(oom_message(f"loading '{model_id}'")) from error
        if _missing_weights(error):
            raise ModelUnavailable(unavailable_message(model_id)) from error
        if isinstance(error, ImportError):
            raise ProviderError(
                f"Loading '{model_id}' needs a Python package that is not installed ({error}). "
                "Install the local-model requirements (see the README)."
            ) from error
        raise ProviderError(f"The model '{model_id}' could not be loaded: {error}") from error
