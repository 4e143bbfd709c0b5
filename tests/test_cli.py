"""The headless command line: a photo to story.pdf and story.json, and exit 2 with one line on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import ROOT, SAMPLES


def run_cli(*args: str, env_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "VISUTALE_DATA_DIR": str(env_dir / "data"), "VISUTALE_STATIC_DIR": str(env_dir / "static")}
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_make_writes_a_pdf_and_the_story(tmp_path: Path) -> None:
    out = tmp_path / "book"
    result = run_cli("make", str(SAMPLES / "astronaut.jpg"), "--out", str(out), "--pages", "4",
                     "--style", "comic", "--audience", "older children", "--seed", "5", env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "pictures: Scene 4 of 4 drawn" in result.stderr  # progress went to stderr
    story = json.loads((out / "story.json").read_text())
    assert story["settings"]["style"] == "comic" and story["settings"]["seed"] == 5
    draft = next(d for d in story["drafts"] if d["id"] == story["chosen_draft"])
    assert len(draft["pages"]) == 4
    pdf = PdfReader(out / "story.pdf")
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert draft["title"].split()[0] in text
    assert "face" in story["captions"][-1]["text"].lower()  # the vision step ran on the astronaut


def test_caption_option_replaces_the_vision_step(tmp_path: Path) -> None:
    result = run_cli("make", str(SAMPLES / "coffee.jpg"), "--out", str(tmp_path / "o"), "--pages", "1",
                     "--caption", "A dragon named Pim sleeps in a teacup.", env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    story = json.loads((tmp_path / "o" / "story.json").read_text())
    assert [c["author"] for c in story["captions"]] == ["person"]
    assert story["captions"][0]["text"] == "A dragon named Pim sleeps in a teacup."


@pytest.mark.parametrize("args, message", [
    (["make", "missing.jpg", "--out", "x"], "There is no photo at missing.jpg"),
    (["make", str(ROOT / "README.md"), "--out", "x"], "not a picture"),
    (["make", str(SAMPLES / "coffee.jpg"), "--out", "x", "--pages", "40"], "between 1 and 24"),
    (["make", str(SAMPLES / "coffee.jpg"), "--out", "x", "--style", "oil"], "invalid choice"),
    (["make", str(SAMPLES / "coffee.jpg")], "--out"),
    (["make", str(SAMPLES / "coffee.jpg"), "--out", "x", "--language", "de"], "translat"),
])
def test_bad_input_exits_2_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cli(*args, env_dir=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert message in lines[-1]
    assert "Traceback" not in result.stderr


def test_engine_and_model_flags_reach_the_settings(monkeypatch) -> None:
    from core.__main__ import _settings, build_parser

    monkeypatch.delenv("VISUTALE_WRITER", raising=False)
    args = build_parser().parse_args([
        "make", "p.jpg", "--out", "o", "--vision", "local", "--writer", "remote", "--illustrator", "local",
        "--upscaler", "local", "--translator", "deepl", "--model-vision", "/m/llava", "--model-writer", "/m/w.gguf",
        "--model-illustrator", "/m/base", "--model-refiner", "/m/refiner", "--model-upscaler", "/m/x4"])
    settings = _settings(args)
    assert (settings.vision, settings.writer, settings.illustrator, settings.upscaler, settings.translator) == \
        ("local", "remote", "local", "local", "deepl")
    assert (settings.model_vision, settings.model_writer, settings.model_illustrator, settings.model_refiner,
            settings.model_upscaler) == ("/m/llava", "/m/w.gguf", "/m/base", "/m/refiner", "/m/x4")
    defaults = _settings(build_parser().parse_args(["make", "p.jpg", "--out", "o"]))
    assert defaults.writer == "offline"  # flags left out fall back to the environment and defaults


def test_a_missing_local_model_exits_2_naming_it(tmp_path: Path) -> None:
    result = run_cli("make", str(SAMPLES / "coffee.jpg"), "--out", str(tmp_path / "o"), "--pages", "1",
                     "--caption", "A cup.", "--writer", "local", "--model-writer", str(tmp_path / "no-such-model"),
                     env_dir=tmp_path)
    assert result.returncode == 2
    assert "no-such-model" in result.stderr.strip().splitlines()[-1]
    assert "Traceback" not in result.stderr


def test_a_step_that_fails_mid_stream_ends_its_counter_line(capsys) -> None:
    """The error printed after a half-streamed step starts on a line of its own."""
    from core import studio
    from core.__main__ import _run
    from core.errors import ProviderError

    def events():
        yield studio.Token("Once upon")
        raise ProviderError("The story stopped half-way.")

    with pytest.raises(ProviderError):
        _run(events(), "story")
    assert capsys.readouterr().err == "\rstory: 9 characters\n"


def test_translated_bilingual_book_with_a_glossary(tmp_path: Path) -> None:
    from tests.fake_servers import FakeDeepL

    with FakeDeepL(auth_key="k:fx") as deepl:
        env = {**os.environ, "VISUTALE_DATA_DIR": str(tmp_path / "data"), "VISUTALE_STATIC_DIR": str(tmp_path / "s"),
               "DEEPL_AUTH_KEY": "k:fx", "DEEPL_SERVER_URL": deepl.url}
        result = subprocess.run(
            [sys.executable, "-m", "core", "make", str(SAMPLES / "chelsea.jpg"), "--out", str(tmp_path / "o"),
             "--pages", "2", "--caption", "A small cat on a red rug.", "--translator", "deepl",
             "--language", "de", "--bilingual", "--glossary", "cat=Katze"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    story = json.loads((tmp_path / "o" / "story.json").read_text())
    translation = story["translations"][-1]
    assert translation["language"] == "de" and all(p.startswith("[DE] ") for p in translation["pages"])
    assert "Katze" in " ".join(translation["pages"]) and "CAT " not in " ".join(translation["pages"])
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(tmp_path / "o" / "story.pdf").pages)
    assert "[DE]" in text and "translation (de): deepl" in text
