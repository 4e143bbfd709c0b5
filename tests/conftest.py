"""Shared fixtures: a private data folder for every test, and the bundled sample photos."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "assets" / "samples"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the studio's data and static folders at a temporary folder (settings read the env)."""
    data = tmp_path / "data"
    monkeypatch.setenv("VISUTALE_DATA_DIR", str(data))
    monkeypatch.setenv("VISUTALE_STATIC_DIR", str(tmp_path / "static"))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DEEPL_AUTH_KEY", "DEEPL_SERVER_URL"):
        monkeypatch.delenv(name, raising=False)
    return data


@pytest.fixture
def store(data_dir: Path):
    from core.store import Store

    return Store(data_dir)


@pytest.fixture
def cat_bytes() -> bytes:
    return (SAMPLES / "chelsea.jpg").read_bytes()
