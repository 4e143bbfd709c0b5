"""Shared fixtures: a private data folder for every test, and the bundled sample photos."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "assets" / "samples"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data and static folders and no service keys (settings read the
    environment), whether it asks for them or not: no test can touch the repository's data/ or
    static/, or another test's stories."""
    data = tmp_path / "data"
    monkeypatch.setenv("VISUTALE_DATA_DIR", str(data))
    monkeypatch.setenv("VISUTALE_STATIC_DIR", str(tmp_path / "static"))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DEEPL_AUTH_KEY", "DEEPL_SERVER_URL"):
        monkeypatch.delenv(name, raising=False)
    return data


@pytest.fixture
def store(data_dir: Path):
    from core.storage.store import Store

    return Store(data_dir)


@pytest.fixture
def cat_bytes() -> bytes:
    return (SAMPLES / "chelsea.jpg").read_bytes()


@pytest.fixture(scope="session")
def tiny(tmp_path_factory) -> dict[str, Path]:
    """Every tiny random-weight local model (tests/tiny_models.py) by capability, built once per
    test session: several modules load them, and building takes seconds each time."""
    pytest.importorskip("torch")
    pytest.importorskip("diffusers")
    from tests import tiny_models

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        return tiny_models.build_all(tmp_path_factory.mktemp("tiny-models"))


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium from Debian's packages, one per test module (tests/test_browser*.py)."""
    from playwright.sync_api import expect, sync_playwright

    from tests.test_browser import CHROMIUM, FLAGS

    # expect() waits 5 s by default: a step that runs as a job (caption, pictures) can take longer
    # than that on a busy machine, and the page shows it when it is done; a third of 60 s is ample
    expect.set_options(timeout=60_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()
