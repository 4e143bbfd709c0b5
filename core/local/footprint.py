"""A model's memory, estimated from its files before it loads, so room is made first.

The manager needs the size of a model before `from_pretrained` runs, or the peak is the old
models plus the new one. Every safetensors file starts with a JSON header naming each tensor's
dtype and shape, so the parameter count is known without reading the weights; a `.bin` or
`.gguf` file only gives its size on disk. The estimate is then the bytes those parameters take as
they will be loaded:

- floating-point tensors at the load dtype (2 bytes for fp16, 4 for fp32), whatever they are
  stored as;
- with 4-bit NF4, the weights of Linear layers (2-D `*.weight` tensors that are not embeddings,
  norms or the output head, which bitsandbytes leaves alone) at half a byte per parameter plus
  the quantisation constants (one fp32 absmax per 64 weights: 1/16 byte), the rest unquantised;
- integer tensors (position ids and the like) as stored.

A model id that is not a folder is looked up in the local Hugging Face cache (never downloaded);
when no file is found the estimate is None and the manager measures after loading instead.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterable
from pathlib import Path

DTYPE_BYTES = {
    "F64": 8,
    "F32": 4,
    "F16": 2,
    "BF16": 2,
    "F8_E4M3": 1,
    "F8_E5M2": 1,
    "I64": 8,
    "I32": 4,
    "I16": 2,
    "I8": 1,
    "U8": 1,
    "BOOL": 1,
}
FLOATS = {"F64", "F32", "F16", "BF16", "F8_E4M3", "F8_E5M2"}
NF4_BYTES_PER_PARAM = 0.5 + 4 / 64  # packed 4-bit weights + one fp32 absmax per block of 64
NOT_QUANTISED = ("embed", "lm_head", "norm", "wte", "wpe", "shared", "position")


def local_folder(model_id: str) -> Path | None:
    """The folder holding `model_id`'s files: the path itself, or its snapshot in the HF cache."""
    path = Path(model_id).expanduser()
    if path.is_file():
        return path.parent
    if path.is_dir():
        return path
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(model_id, local_files_only=True))
    except Exception:  # noqa: BLE001 - not cached, not a valid id, no huggingface_hub: no estimate
        return None


def safetensors_header(path: Path) -> dict[str, dict]:
    """Tensor name -> {"dtype", "shape"} from a safetensors file's header (the weights unread)."""
    with path.open("rb") as handle:
        (length,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(length))
    header.pop("__metadata__", None)
    return header


def _quantisable(name: str, shape: list[int]) -> bool:
    lowered = name.lower()
    return len(shape) == 2 and lowered.endswith(".weight") and not any(w in lowered for w in NOT_QUANTISED)


def tensor_bytes(name: str, dtype: str, shape: list[int], *, load_bytes: int, load_in_4bit: bool) -> float:
    count = 1
    for dim in shape:
        count *= int(dim)
    if dtype not in FLOATS:
        return count * DTYPE_BYTES.get(dtype, 4)
    if load_in_4bit and _quantisable(name, shape):
        return count * NF4_BYTES_PER_PARAM
    return count * load_bytes


def _components(folder: Path) -> set[str] | None:
    """The sub-folders a diffusers pipeline loads (from model_index.json), else None."""
    index = folder / "model_index.json"
    if not index.is_file():
        return None
    try:
        names = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return {name for name, value in names.items() if not name.startswith("_") and isinstance(value, list)}


def weight_files(folder: Path, skip: Iterable[str] = ()) -> list[Path]:
    """The files a load reads weights from: per directory the safetensors files (the plain ones
    where a `.fp16.` variant sits beside them), else the `.bin` files. A diffusers pipeline reads
    only its components' sub-folders (a repository's single-file checkpoints at the top are not
    loaded); `skip` names sub-folders taken from elsewhere."""
    components = _components(folder)
    skipped = set(skip)
    by_dir: dict[Path, list[Path]] = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix not in (".safetensors", ".bin") or not path.is_file():
            continue
        parts = path.relative_to(folder).parts
        top = parts[0] if len(parts) > 1 else None
        if top in skipped or (components is not None and top not in components):
            continue
        by_dir.setdefault(path.parent, []).append(path)
    chosen: list[Path] = []
    for paths in by_dir.values():
        safetensors = [p for p in paths if p.suffix == ".safetensors"]
        plain = [p for p in safetensors if ".fp16." not in p.name]
        chosen += plain or safetensors or paths
    return chosen


def estimate_bytes(
    model_id: str,
    *,
    load_bytes: int,
    load_in_4bit: bool = False,
    skip: Iterable[str] = (),
    gguf_file: str | None = None,
) -> int | None:
    """Bytes `model_id` will take once loaded with floats at `load_bytes` each (see the module doc).

    `skip`: sub-folders not loaded from this model (a refiner's text encoder and VAE, taken from
    the base). `gguf_file`: only that file counts (de-quantised to the load dtype: estimated from
    its size at ~4.5 bits per stored parameter). None when no weights file is found.
    """
    folder = local_folder(model_id)
    if folder is None:
        return None
    if gguf_file is not None:
        path = folder / gguf_file
        if not path.is_file():
            return None
        return int(path.stat().st_size * 8 / 4.5 * load_bytes)
    total = 0.0
    for path in weight_files(folder, skip):
        if path.suffix == ".bin":  # pickled weights: only the size on disk is known (fp32, as a rule)
            total += path.stat().st_size * (NF4_BYTES_PER_PARAM if load_in_4bit else load_bytes) / 4
            continue
        try:
            header = safetensors_header(path)
        except (OSError, ValueError, struct.error):
            continue
        for name, info in header.items():
            total += tensor_bytes(
                name, info.get("dtype", "F32"), info.get("shape", []), load_bytes=load_bytes, load_in_4bit=load_in_4bit
            )
    return int(total) if total else None
