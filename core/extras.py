"""The optional parts of the studio (pyproject's extras) and the message when one is not installed.

`requirements.txt` installs the offline and remote engines only. An object-store data folder, the
local models and the Ray Serve model service each need an extra; without it a person must read which
one and how to install it ("pip install ".[s3]""), never "No module named 'fsspec'". Each place
that starts such a part calls `require(extra)` first; the command line also turns any ImportError of
an extra's module that slips past into the same message (`missing_extra`).
"""

from __future__ import annotations

import importlib.util
import sys

from core.errors import NotConfigured

# extra -> (what it is for, the modules it brings that the studio imports)
EXTRAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "s3": ("A data folder on an object store (s3://...)", ("fsspec", "s3fs")),
    "local": ("The local model engines", ("torch", "transformers", "diffusers", "accelerate")),
    "serve": ("The model service (python -m core serve)", ("ray",)),
}


class MissingExtra(NotConfigured):
    """A part of the studio whose extra is not installed: says which extra and the command."""

    def __init__(self, extra: str, module: str) -> None:
        purpose, _ = EXTRAS[extra]
        super().__init__(
            f'{purpose} needs the [{extra}] extra, which is not installed here: pip install ".[{extra}]" '
            f"(in the studio's folder; it brings the missing {module} package)."
        )
        self.extra, self.module = extra, module


def installed(module: str) -> bool:
    """Whether `module` can be imported, without importing it (torch alone takes seconds)."""
    if module in sys.modules:
        return sys.modules[module] is not None  # None: import blocked on purpose
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require(extra: str, modules: tuple[str, ...] | None = None) -> None:
    """Raise MissingExtra unless the extra's modules (or the given few of them) are installed."""
    for module in modules or EXTRAS[extra][1]:
        if not installed(module):
            raise MissingExtra(extra, module)


def missing_extra(error: ImportError) -> MissingExtra | None:
    """The MissingExtra behind an ImportError of one of the extras' modules; None for any other."""
    name = (error.name or "").split(".")[0]
    for extra, (_, modules) in EXTRAS.items():
        if name in modules:
            return MissingExtra(extra, name)
    if "s3fs" in str(error):  # fsspec's own "Install s3fs to access S3"
        return MissingExtra("s3", "s3fs")
    return None
