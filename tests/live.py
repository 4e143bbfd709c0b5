"""The studio running for real (`streamlit run Home.py`, as the README starts it) on a free port.

Used by the tests that need a real server: the QR code's link fetched over HTTP, and the browser.
Exports land in the repository's static/ folder, because that is the only folder Streamlit serves;
the fixture removes what the tests published there.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT


@dataclass
class LiveStudio:
    url: str
    data_dir: Path
    env: dict[str, str]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def live_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStudio]:
    with running_studio(tmp_path_factory.mktemp("live") / "data") as studio:
        yield studio


def wait_until_up(port: int, server: subprocess.Popen, within: float = 60) -> None:
    """Return once the Streamlit server on `port` answers its health check; RuntimeError when it
    exits first or does not answer `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
            return
        except OSError as error:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"the studio did not start within {within:.0f} s") from error
            time.sleep(0.3)


@contextmanager
def running_studio(
    data_dir: Path, *, port: int | None = None, host: str = "127.0.0.1", args: Sequence[str] = (), **extra_env: str
) -> Iterator[LiveStudio]:
    """`streamlit run Home.py` on a free port (or `port`) with its own data folder, stopped afterwards.

    `host` is the name the URL uses (the server listens on 127.0.0.1 either way): a sign-in test
    opens the studio at the host of its redirect_uri, "localhost". `args` go to `streamlit run`.
    """
    port = port or free_port()
    url = f"http://{host}:{port}"
    env = {**os.environ, "VISUTALE_DATA_DIR": str(data_dir), "VISUTALE_PUBLIC_BASE_URL": url, **extra_env}
    for name in ("OPENAI_API_KEY", "DEEPL_AUTH_KEY", "VISUTALE_STATIC_DIR"):
        env.pop(name, None)
    exports = ROOT / "static" / "exports"
    before = set(exports.iterdir()) if exports.exists() else set()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "Home.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            *args,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(port, server)
        yield LiveStudio(url=url, data_dir=data_dir, env=env)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        for published in (set(exports.iterdir()) if exports.exists() else set()) - before:
            shutil.rmtree(published, ignore_errors=True)
