"""Loading a transformers model 4-bit NF4 or unquantised: written once for vision and writer.

`weights_plan(load_in_4bit)` says what a load will really give ("4bit" only where bitsandbytes
imports, else "fp16" on CUDA / "fp32" on the CPU), so a cache key never claims 4-bit for a model
that loaded in full precision. `estimated_bytes(...)` sizes the same plan from the weights files
(core.local.footprint) before loading, and `load_pretrained(model_cls, source, ...)` loads it.
"""

from __future__ import annotations

from typing import Any

from core.local import footprint, runtime


def weights_plan(load_in_4bit: bool) -> str:
    """ "4bit" when 4-bit NF4 is asked for and possible, else the dtype the weights load in."""
    if load_in_4bit and runtime.bitsandbytes_available():
        return "4bit"
    return runtime.DTYPE_NAMES[str(runtime.dtype_for()).removeprefix("torch.")]


def load_bytes_per_float() -> int:
    """Bytes per floating-point weight as loaded here: 2 (fp16 on CUDA) or 4 (fp32 on the CPU)."""
    return 2 if runtime.device() == "cuda" else 4


def estimated_bytes(source: str, *, load_in_4bit: bool, gguf_file: str | None = None) -> int | None:
    """The memory `load_pretrained(..., load_in_4bit=...)` will take, from the files (None: unknown)."""
    return footprint.estimate_bytes(
        source,
        load_bytes=load_bytes_per_float(),
        load_in_4bit=gguf_file is None and weights_plan(load_in_4bit) == "4bit",
        gguf_file=gguf_file,
    )


def load_pretrained(model_cls: Any, source: str, *, load_in_4bit: bool, **kwargs: Any) -> Any:
    """`model_cls.from_pretrained(source)` on this machine's device, in eval mode.

    4-bit NF4 (bitsandbytes, placed by `device_map`) when `load_in_4bit` and bitsandbytes
    imports; otherwise fp16 on CUDA / fp32 on the CPU, moved to the device. `kwargs` go to
    from_pretrained (e.g. `gguf_file`). Callers wrap this in `runtime.loading(model_id)`.
    """
    device = runtime.device()
    options: dict[str, Any] = {"dtype": runtime.dtype_for(device), **kwargs}
    quant = runtime.quantization_config(load_in_4bit=load_in_4bit)
    if quant is not None:
        options["quantization_config"] = quant
        options["device_map"] = {"": 0} if device == "cuda" else {"": "cpu"}
    model = model_cls.from_pretrained(source, **options)
    if quant is None:
        model.to(device)
    model.eval()
    return model
