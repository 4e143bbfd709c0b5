"""The headless command line: every subcommand end to end on the offline engine, in a private data folder.

Most runs call `core.cli.main` in this process (fast); a few run the real `python -m core` in a
subprocess, because that is what a person types. Results go to stdout, progress to stderr, a
problem a person can fix exits 2 with one line, a bug exits 1 with one line, never a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from core import studio
from core.cli import main
from core.offline.writer import OfflineWriter
from core.people.access import as_person
from core.storage.store import Store
from core.story import Story
from tests.conftest import ROOT, SAMPLES


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(data_dir: Path, capsys: pytest.CaptureFixture):
    """Run `python -m core ARGS` in this process against the test's data folder."""

    def run(*args: str) -> Result:
        capsys.readouterr()
        code = main([*args[:1], "--data-dir", str(data_dir), *args[1:]] if args else [])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def static_dir(data_dir: Path) -> Path:
    return Path(os.environ["VISUTALE_STATIC_DIR"])


@pytest.fixture
def story_id(store: Store, cat_bytes: bytes) -> str:
    """A stored story with a caption and a two-page offline draft, no pictures yet."""
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.update_settings(store, story, pages=2, seed=3)
    studio.edit_caption(store, story, "A small grey cat named Pim sits on a red rug.")
    list(studio.write_draft(store, story, OfflineWriter()))
    return story.id


def published(static_dir: Path) -> list[Path]:
    return sorted(p for p in static_dir.rglob("*") if p.is_file()) if static_dir.exists() else []


def one_line_error(result: Result, code: int = 2) -> str:
    assert result.code == code, (result.out, result.err)
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    return lines[0]


def run_cli(*args: str, env_dir: Path, **env: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "VISUTALE_DATA_DIR": str(env_dir / "data"),
        "VISUTALE_STATIC_DIR": str(env_dir / "static"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "core", *args],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- make --------------------------------------------------------------------------------


def test_make_writes_a_pdf_and_the_story_and_publishes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "book"
    result = run_cli(
        "make", str(SAMPLES / "astronaut.jpg"), "--out", str(out), "--pages", "4", "--style", "comic",
        "--audience", "older children", "--seed", "5", env_dir=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out / "story.pdf")  # the result on stdout ...
    assert "pictures: Scene 4 of 4 drawn" in result.stderr  # ... the progress on stderr
    story = json.loads((out / "story.json").read_text())
    assert story["settings"]["style"] == "comic" and story["settings"]["seed"] == 5
    draft = next(d for d in story["drafts"] if d["id"] == story["chosen_draft"])
    assert len(draft["pages"]) == 4
    text = "\n".join(page.extract_text() for page in PdfReader(out / "story.pdf").pages)
    assert draft["title"].split()[0] in text
    assert "face" in story["captions"][-1]["text"].lower()  # the vision step ran on the astronaut
    assert published(tmp_path / "static") == []  # headless runs publish only when asked
    assert (tmp_path / "data" / "stories" / story["id"] / "story.json").exists()


def test_make_with_publish_serves_the_pdf(cli, data_dir: Path, static_dir: Path, tmp_path: Path) -> None:
    result = cli(
        "make", str(SAMPLES / "coffee.jpg"), "--out", str(tmp_path / "o"), "--pages", "1", "--caption",
        "A cup of coffee on a wooden table.", "--publish", "--size", "256",
    )  # fmt: skip
    assert result.code == 0, result.err
    story = Story.model_validate_json((tmp_path / "o" / "story.json").read_text())
    record = story.exports[-1]
    served = static_dir / "exports" / record.token / record.filename
    assert published(static_dir) == [served]
    assert served.read_bytes() == (tmp_path / "o" / "story.pdf").read_bytes()
    assert record.url == f"http://localhost:8501/app/static/exports/{record.token}/{record.filename}"
    assert result.out.splitlines() == [str(tmp_path / "o" / "story.pdf"), record.url]
    assert "published at http://localhost:8501/" in result.err


def test_caption_option_replaces_the_vision_step(cli, tmp_path: Path) -> None:
    result = cli(
        "make", str(SAMPLES / "coffee.jpg"), "--out", str(tmp_path / "o"), "--pages", "1", "--caption",
        "A dragon named Pim sleeps in a teacup.",
    )  # fmt: skip
    assert result.code == 0, result.err
    story = json.loads((tmp_path / "o" / "story.json").read_text())
    assert [c["author"] for c in story["captions"]] == ["person"]
    assert story["captions"][0]["text"] == "A dragon named Pim sleeps in a teacup."


@pytest.mark.parametrize(
    "args, message",
    [
        (["make", "missing.jpg", "--out", "x"], "There is no photo at missing.jpg"),
        (["make", str(ROOT / "README.md"), "--out", "x"], "not a picture"),
        (["make", str(SAMPLES / "coffee.jpg"), "--out", "x", "--pages", "40"], "between 1 and 24"),
        (["make", str(SAMPLES / "coffee.jpg"), "--out", "x", "--style", "oil"], "invalid choice"),
        (["make", str(SAMPLES / "coffee.jpg")], "--out"),
        (["make", str(SAMPLES / "coffee.jpg"), "--out", "x", "--language", "de"], "translat"),
        (["make", str(SAMPLES / "coffee.jpg"), "--out", "x", "--size", "64"], "between 128 and 2048"),
        (["make", str(SAMPLES / "coffee.jpg"), "--out", "x", "--writer", "gpt"], "invalid choice"),
        (["make", str(SAMPLES / "coffee.jpg"), "--out", "x", "--bilingual"], "name the translation with --language"),
        (["show"], "the following arguments are required: id"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_line(cli, store: Store, args: list[str], message: str) -> None:
    assert message in one_line_error(cli(*args))
    assert studio.library(store) == []  # nothing half-made was left behind


def test_engine_model_and_picture_flags_reach_the_settings(monkeypatch, tmp_path: Path, data_dir: Path) -> None:
    from core.cli.common import settings_of
    from core.cli.parser import build_parser

    monkeypatch.delenv("VISUTALE_WRITER", raising=False)
    flags = (
        "make p.jpg --out o --vision local --writer remote --illustrator local --upscaler local --translator deepl "
        "--model-vision /m/llava --model-writer /m/w.gguf --model-illustrator /m/base --model-refiner /m/refiner "
        "--model-upscaler /m/x4 --steps 6 --size 512"
    ).split()
    args = build_parser().parse_args([*flags, "--data-dir", str(tmp_path / "elsewhere")])
    settings = settings_of(args)
    engines = ("vision", "writer", "illustrator", "upscaler", "translator")
    assert [getattr(settings, name) for name in engines] == ["local", "remote", "local", "local", "deepl"]
    models = [getattr(settings, f"model_{name}") for name in ("vision", "writer", "illustrator", "refiner", "upscaler")]
    assert models == ["/m/llava", "/m/w.gguf", "/m/base", "/m/refiner", "/m/x4"]
    assert (settings.illustrator_steps, settings.illustrator_size) == (6, 512)
    assert settings.data_dir == tmp_path / "elsewhere"
    defaults = settings_of(build_parser().parse_args(["make", "p.jpg", "--out", "o"]))
    assert defaults.writer == "offline"  # flags left out fall back to the environment and defaults
    assert defaults.data_dir == data_dir


def test_a_missing_local_model_exits_2_naming_it(tmp_path: Path) -> None:
    result = run_cli(
        "make", str(SAMPLES / "coffee.jpg"), "--out", str(tmp_path / "o"), "--pages", "1", "--caption", "A cup.",
        "--writer", "local", "--model-writer", str(tmp_path / "no-such-model"), env_dir=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "no-such-model" in result.stderr.strip().splitlines()[-1]
    assert "Traceback" not in result.stderr


def test_a_step_that_fails_mid_stream_ends_its_counter_line(capsys) -> None:
    """The error printed after a half-streamed step starts on a line of its own."""
    from core.cli.output import run
    from core.errors import ProviderError

    def events():
        yield studio.Token("Once upon")
        raise ProviderError("The story stopped half-way.")

    with pytest.raises(ProviderError):
        run(events(), "story")
    assert capsys.readouterr().err == "story: 9 characters\n"  # a log gets plain lines: no carriage return


def test_translated_bilingual_book_with_a_glossary(cli, tmp_path: Path, monkeypatch) -> None:
    from tests.fake_servers import FakeDeepL

    with FakeDeepL(auth_key="k:fx") as deepl:
        monkeypatch.setenv("DEEPL_AUTH_KEY", "k:fx")
        monkeypatch.setenv("DEEPL_SERVER_URL", deepl.url)
        result = cli(
            "make", str(SAMPLES / "chelsea.jpg"), "--out", str(tmp_path / "o"), "--pages", "2", "--caption",
            "A small cat on a red rug.", "--translator", "deepl", "--language", "de", "--bilingual", "--glossary",
            "cat=Katze",
        )  # fmt: skip
    assert result.code == 0, result.err
    story = json.loads((tmp_path / "o" / "story.json").read_text())
    translation = story["translations"][-1]
    assert translation["language"] == "de" and all(p.startswith("[DE] ") for p in translation["pages"])
    assert "Katze" in " ".join(translation["pages"]) and "CAT " not in " ".join(translation["pages"])
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(tmp_path / "o" / "story.pdf").pages)
    assert "[DE]" in text and "translation (de): deepl" in text


# --- stored stories ----------------------------------------------------------------------


def test_list_and_show_print_text_and_json(cli, story_id: str, store: Store) -> None:
    story = store.load(story_id)
    listed = cli("list")
    assert listed.code == 0 and listed.out.startswith(story_id) and story.title in listed.out
    rows = json.loads(cli("list", "--json").out)
    assert [(r["id"], r["title"], r["pages"]) for r in rows] == [(story_id, story.title, 2)]

    shown = cli("show", story_id)
    assert shown.code == 0 and story.title in shown.out and story.caption in shown.out
    assert story.draft.pages[1].text in shown.out
    document = Story.model_validate_json(cli("show", story_id, "--json").out)
    assert document == store.load(story_id)  # `show --json` is the story document, round trip
    assert cli("show", story_id[:6], "--json").out == cli("show", story_id, "--json").out  # a unique prefix
    history = json.loads(cli("show", story_id, "--json").out)["history"]  # who changed it, beside it
    assert [e["step"] for e in history] == [e.step for e in store.history(story_id)] and history[0]["step"] == "start"
    assert {e["person"] for e in history} == {"personal"}


def test_data_dir_chooses_the_stories(cli, story_id: str, tmp_path: Path, capsys) -> None:
    assert json.loads(cli("list", "--json").out)[0]["id"] == story_id
    assert main(["list", "--json", "--data-dir", str(tmp_path / "other")]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["show", story_id, "--data-dir", str(tmp_path / "other")]) == 2
    assert "There is no story" in capsys.readouterr().err


def test_caption_with_text_then_from_the_vision(cli, story_id: str, store: Store) -> None:
    mine = cli("caption", story_id, "--text", "A sleepy tabby cat on a rug.")
    assert mine.code == 0 and mine.out.strip() == "A sleepy tabby cat on a rug."
    assert store.load(story_id).captions[-1].author == "person"
    seen = cli("caption", story_id)
    assert seen.code == 0, seen.err
    caption = store.load(story_id).captions[-1]
    assert caption.author == "model" and caption.engine == "offline"
    assert seen.out.strip() == caption.text and "caption:" in seen.err

    asked = cli("caption", story_id, "--ask", "How many cats are there?")
    assert asked.code == 0, asked.err
    story = store.load(story_id)
    assert story.questions[-1].question == "How many cats are there?" and story.captions[-1] == caption  # kept
    assert asked.out.strip() == story.questions[-1].answer and "cat" in asked.out.lower()
    both = cli("caption", story_id, "--ask", "Why?", "--text", "Mine.")
    assert both.code == 2 and "not both" in both.err and len(store.load(story_id).questions) == 1


def test_write_revise_and_enlarge_make_new_drafts(cli, story_id: str, store: Store) -> None:
    written = cli("write", story_id, "--pages", "3", "--seed", "8", "--tone", "funny")
    assert written.code == 0, written.err
    story = store.load(story_id)
    assert (story.settings.pages, story.settings.seed, story.settings.tone) == (3, 8, "funny")
    assert len(story.draft.pages) == 3 and written.out.startswith(story.draft.title)
    assert "story:" in written.err  # the streamed text is counted on stderr

    revised = cli("revise", story_id, "funnier")
    assert revised.code == 0, revised.err
    story = store.load(story_id)
    assert story.draft.instruction == "funnier" and story.draft.parent == story.drafts[-2].id
    assert story.draft.pages[0].text in revised.out

    enlarged = cli("enlarge", story_id, "2")
    assert enlarged.code == 0, enlarged.err
    assert len(store.load(story_id).draft.pages) == 5
    assert len(store.load(story_id).drafts) == 4


def test_draft_lists_edits_by_hand_and_uses_an_earlier_draft(cli, story_id: str, store: Store) -> None:
    """What the Draft page does with drafts, from the command line: the list, a hand edit of one
    page and of the title (a new draft, the person's), going back to an earlier draft, and a
    revision that leaves the person's words out saying so."""
    listed = cli("draft", story_id)
    assert listed.code == 0 and listed.out.startswith("#1 first draft · offline") and "(chosen)" in listed.out
    mine = "Pim found a blue button under the rug. It was shiny and round. Pim kept it. Then Pim slept."
    edited = cli("draft", story_id, "--page", "2", "--text", mine, "--title", "Pim's Button")
    assert edited.code == 0, edited.err
    story = store.load(story_id)
    assert story.draft.author == "person" and story.draft.pages[1].text == mine and story.draft.title == "Pim's Button"
    assert story.draft.pages[0].text == story.drafts[0].pages[0].text  # the other page untouched
    assert "#2 edited by hand from #1 · you" in edited.out and edited.out.rstrip().endswith("(chosen)")

    shorter = cli("revise", story_id, "Make it shorter")
    assert shorter.code == 0 and "sentences you wrote on page 2" in shorter.err and "draft #2" in shorter.err

    used = cli("draft", story_id, "--use", "2")
    assert used.code == 0 and store.load(story_id).draft.pages[1].text == mine
    assert [line.endswith("(chosen)") for line in used.out.splitlines()] == [False, True, False]

    for bad, says in (
        (["--use", "9"], "there is no draft 9"),
        (["--page", "1"], "--page and --text go together"),
        (["--use", "1", "--title", "X"], "not both"),
        (["--page", "7", "--text", "x"], "page"),
    ):
        refused = cli("draft", story_id, *bad)
        assert refused.code == 2 and says in refused.err, (bad, refused.err)
    assert len(store.load(story_id).drafts) == 3  # nothing refused made a draft


def test_illustrate_every_page_then_one_with_its_own_seed_and_prompt(cli, story_id: str, store: Store) -> None:
    drawn = cli("illustrate", story_id, "--size", "256")
    assert drawn.code == 0, drawn.err
    story = store.load(story_id)
    assert not story.pages_without_picture()
    for number, _, picture in story.pictured_pages():
        assert max(picture.width, picture.height) == 256  # --size reached the offline illustrator
        assert f"page {number}: {store.image_path(story_id, picture.image)}" in drawn.out
        with Image.open(store.image_path(story_id, picture.image)) as image:
            assert max(image.size) == 256

    again = cli("illustrate", story_id, "--page", "2", "--seed", "77", "--prompt", "a grey cat flying a red kite")
    assert again.code == 0, again.err
    story = store.load(story_id)
    page = story.draft.pages[1]
    assert page.prompt == "a grey cat flying a red kite"
    assert len(story.scenes[page.id].variants) == 2 and story.picture(page.id).seed == 77
    assert story.picture(page.id).prompt.startswith("a grey cat flying a red kite")  # and the page's characters
    assert len(story.scenes[story.draft.pages[0].id].variants) == 1  # the other page is untouched
    assert again.out.startswith("page 2: ") and len(again.out.splitlines()) == 1


def test_upscale_one_page_or_all(cli, story_id: str, store: Store) -> None:
    assert cli("illustrate", story_id, "--size", "256").code == 0
    one = cli("upscale", story_id, "--page", "1", "--factor", "4")
    assert one.code == 0, one.err
    story = store.load(story_id)
    first, second = (story.picture(p.id) for p in story.draft.pages)
    assert first.upscale["factor"] == 4 and first.upscale["width"] == first.width * 4
    assert second.upscaled is None
    assert str(store.image_path(story_id, first.upscaled)) in one.out
    every = cli("upscale", story_id)
    assert every.code == 0, every.err
    assert all(p.upscale["factor"] == 2 for _, _, p in store.load(story_id).pictured_pages())


def test_translate_then_export_bilingual(
    cli, story_id: str, store: Store, monkeypatch, tmp_path: Path, static_dir: Path
) -> None:
    from tests.fake_servers import FakeDeepL

    with FakeDeepL(auth_key="k:fx") as deepl:
        monkeypatch.setenv("DEEPL_AUTH_KEY", "k:fx")
        monkeypatch.setenv("DEEPL_SERVER_URL", deepl.url)
        translated = cli("translate", story_id, "de", "--translator", "deepl", "--glossary", "cat=Katze")
    assert translated.code == 0, translated.err
    translation = store.load(story_id).translation("de")
    assert translation is not None and translated.out.startswith(translation.title)
    assert all(page.startswith("[DE] ") for page in translation.pages)

    out = tmp_path / "books" / "pim.pdf"
    exported = cli("export", story_id, "--language", "de", "--bilingual", "--out", str(out), "--page-size", "square")
    assert exported.code == 0, exported.err
    assert exported.out.strip() == str(out)
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "[DE]" in text and store.load(story_id).draft.pages[0].text.split()[0] in text
    record = store.load(story_id).exports[-1]
    assert (record.language, record.bilingual, record.page_size) == ("de", True, "square")
    assert published(static_dir) == []  # not asked to publish

    own = cli("export", story_id)  # no --language: the story's own language, not the last one
    assert own.code == 0, own.err
    assert store.load(story_id).exports[-1].language is None
    assert "[DE]" not in " ".join(page.extract_text() for page in PdfReader(own.out.strip()).pages)


def test_a_translation_page_by_hand_or_again_and_a_duplicate(cli, story_id: str, store: Store, monkeypatch) -> None:
    """The Translate page's form (your own words for a page and the title), its "Retranslate this
    page", and the Library's "Duplicate", from the command line."""
    from tests.fake_servers import FakeDeepL

    early = cli("translate", story_id, "de", "--page", "1")
    assert early.code == 2 and "no translation into de yet" in early.err
    with FakeDeepL(auth_key="k:fx") as deepl:
        monkeypatch.setenv("DEEPL_AUTH_KEY", "k:fx")
        monkeypatch.setenv("DEEPL_SERVER_URL", deepl.url)
        assert cli("translate", story_id, "de", "--translator", "deepl").code == 0
        mine = cli("translate", story_id, "de", "--page", "2", "--text", "Pim schläft.", "--title", "Pims Tag")
        assert mine.code == 0, mine.err
        translation = store.load(story_id).translation("de")
        assert translation.edited and translation.title == "Pims Tag" and translation.pages[1] == "Pim schläft."
        assert translation.pages[0].startswith("[DE] ") and "[2] Pim schläft." in mine.out
        again = cli("translate", story_id, "de", "--page", "2", "--translator", "deepl")
        assert again.code == 0, again.err
    translation = store.load(story_id).translation("de")
    assert translation.pages[1].startswith("[DE] ") and translation.title == "Pims Tag"  # that page only
    alone = cli("translate", story_id, "de", "--text", "Hallo.")
    assert alone.code == 2 and "--page" in alone.err

    copied = cli("duplicate", story_id)
    assert copied.code == 0, copied.err
    copy_id = copied.out.split()[0]
    assert copy_id != story_id and store.load(copy_id).draft.text() == store.load(story_id).draft.text()
    assert {s.id for s in studio.library(store)} >= {story_id, copy_id}


def test_export_with_publish_serves_the_pdf_and_delete_unpublishes_it(
    cli, story_id: str, store: Store, static_dir: Path
) -> None:
    exported = cli("export", story_id, "--publish")
    assert exported.code == 0, exported.err
    record = store.load(story_id).exports[-1]
    served = static_dir / "exports" / record.token / record.filename
    assert served.is_file() and exported.out.splitlines()[1] == record.url
    assert served.read_bytes() == Path(exported.out.splitlines()[0]).read_bytes()

    deleted = cli("delete", story_id, "--yes")
    assert deleted.code == 0, deleted.err
    assert deleted.out.strip() == f"deleted {story_id} and unpublished its 1 PDF(s)"
    assert not store.exists(story_id) and not served.exists()
    assert one_line_error(cli("show", story_id)).startswith("error: There is no story")


def test_delete_asks_on_a_terminal_and_refuses_without_one(cli, story_id: str, store: Store, monkeypatch) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    assert "--yes" in one_line_error(cli("delete", story_id))
    assert store.exists(story_id)

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    answers = iter(["n", "yes"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert "Nothing was deleted" in one_line_error(cli("delete", story_id))
    assert store.exists(story_id)
    assert cli("delete", story_id).code == 0
    assert not store.exists(story_id)


@pytest.mark.parametrize(
    "args, message",
    [
        (["show", "0123456789abcdef0123456789abcdef"], "There is no story"),
        (["show", "../../etc/passwd"], "There is no story"),
        (["illustrate", "{id}", "--page", "3"], "choose --page between 1 and 2"),
        (["illustrate", "{id}", "--prompt", "a kite"], "--page"),
        (["revise", "{id}", "make it about pirates"], "offline writer"),
        (["enlarge", "{id}", "23"], "at most 24 pages"),
        (["translate", "{id}", "de"], "Translation needs a translator"),
        (["export", "{id}", "--language", "fr"], "no translation into 'fr'"),
        (["translate", "{id}", "de", "--glossary", "cat"], "NAME=WANTED"),
        (["caption", "{id}", "--text", "   "], "caption is empty"),
        (["export", "{id}", "--bilingual"], "name the translation with --language"),
        (["upscale", "{id}", "--factor", "3"], "invalid choice"),
    ],
)
def test_bad_input_on_a_stored_story_exits_2_and_changes_nothing(
    cli, story_id: str, store: Store, args: list[str], message: str
) -> None:
    before = store.load(story_id)
    line = one_line_error(cli(*[a.format(id=story_id) for a in args]))
    assert message in line
    assert store.load(story_id).revision == before.revision


def test_a_refused_photo_exits_2_and_stores_nothing(cli, tmp_path: Path, store: Store) -> None:
    fake = tmp_path / "photo.jpg"
    fake.write_bytes(b"not a picture at all")
    assert "not a picture" in one_line_error(cli("make", str(fake), "--out", str(tmp_path / "o")))
    assert studio.library(store) == []


def test_a_bug_exits_1_with_one_line(cli, story_id: str, monkeypatch) -> None:
    def broken(store):
        raise RuntimeError("the library shelf fell over")

    monkeypatch.setattr(studio, "library", broken)
    line = one_line_error(cli("list"), code=1)
    assert "failed unexpectedly (RuntimeError: the library shelf fell over)" in line


def test_stored_story_commands_in_a_real_process(tmp_path: Path) -> None:
    """What a person types: make, then work on the stored story by id in later processes."""
    made = run_cli(
        "make", str(SAMPLES / "chelsea.jpg"), "--out", str(tmp_path / "o"), "--pages", "2", "--caption",
        "A cat on a rug.", "--size", "256", env_dir=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    story_id = json.loads(run_cli("list", "--json", env_dir=tmp_path).stdout)[0]["id"]
    revised = run_cli("revise", story_id, "shorter", env_dir=tmp_path)
    assert revised.returncode == 0, revised.stderr
    shown = Story.model_validate_json(run_cli("show", story_id, "--json", env_dir=tmp_path).stdout)
    assert shown.draft.instruction == "shorter" and len(shown.drafts) == 2
    refused = run_cli("delete", story_id, env_dir=tmp_path)  # no terminal here, and no --yes
    assert refused.returncode == 2 and "--yes" in refused.stderr and "Traceback" not in refused.stderr


def test_progress_lines_in_a_log_and_on_a_terminal(capsys, monkeypatch) -> None:
    """In a log every event has its plain line (never a `\\r`: a log file keeps every byte, and an editor
    or `grep` shows `^M`-joined lines); streamed text is one line with its count. On a terminal progress
    overwrites itself, notices stay."""
    from core.cli.output import run

    def events():
        yield studio.Token("Once ")
        yield studio.Token("upon")
        yield studio.Progress("Scene 1 of 2, step 1 of 40", 0, 2)
        yield studio.Notice("Page 2 was not drawn.")
        yield studio.Progress("Scene 1 of 2 drawn", 1, 2)

    run(events(), "pictures")
    assert capsys.readouterr().err == (
        "pictures: 9 characters\n"
        "pictures: Scene 1 of 2, step 1 of 40\nnote: Page 2 was not drawn.\n"
        "pictures: Scene 1 of 2 drawn\n"
    )
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    run(events(), "pictures")
    assert capsys.readouterr().err == (
        "\r\033[Kpictures: 5 characters\r\033[Kpictures: 9 characters"
        "\r\033[Kpictures: Scene 1 of 2, step 1 of 40\nnote: Page 2 was not drawn.\n"
        "\r\033[Kpictures: Scene 1 of 2 drawn\n"
    )


def test_steps_and_size_reach_the_local_illustrator(cli, story_id: str, store: Store, tiny, monkeypatch):
    """`--steps` and `--size` drive a real (tiny, random-weight) SDXL base and refiner on the CPU."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    base, refiner = tiny["illustrator"], tiny["refiner"]
    try:
        drawn = cli(
            "illustrate", story_id, "--page", "1", "--illustrator", "local", "--model-illustrator", str(base),
            "--model-refiner", str(refiner), "--steps", "3", "--size", "256",
        )  # fmt: skip
    finally:  # the process-wide model manager holds what this command loaded: let it go
        from core.providers.local_illustrator import LocalIllustrator
        from core.settings import Settings

        loaded = LocalIllustrator.from_settings(Settings(model_illustrator=str(base), model_refiner=str(refiner)))
        loaded.manager.unload(loaded.key)
    assert drawn.code == 0, drawn.err
    picture = store.load(story_id).picture(store.load(story_id).draft.pages[0].id)
    assert (picture.engine, picture.params["steps"]) == ("local", 3)
    assert (picture.width, picture.height) == (192, 256)  # portrait, long side 256, on SDXL's 64-px grid
    with Image.open(store.image_path(story_id, picture.image)) as image:
        assert image.size == (192, 256)
    assert "step 3 of 3" in drawn.err


def test_make_runs_where_torch_cannot_be_imported(tmp_path: Path) -> None:
    """The base install has no torch: the offline book must not need it (nor openai, deepl, streamlit)."""
    blocked = ("torch", "transformers", "diffusers", "bitsandbytes", "openai", "deepl", "streamlit")
    code = (
        "import sys\n"
        f"for name in {blocked!r}:\n"
        "    sys.modules[name] = None  # `import name` now raises ImportError\n"
        "from core.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    env = {**os.environ, "VISUTALE_DATA_DIR": str(tmp_path / "data"), "VISUTALE_STATIC_DIR": str(tmp_path / "s")}
    args = ["make", str(SAMPLES / "coffee.jpg"), "--out", str(tmp_path / "o"), "--pages", "2", "--publish"]
    result = subprocess.run(
        [sys.executable, "-c", code, *args], check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "o" / "story.pdf").is_file() and published(tmp_path / "s")


def test_as_works_in_that_persons_own_space(cli, story_id: str, store: Store) -> None:
    alice = "oidc:https://id.example:alice"
    made = cli("make", str(SAMPLES / "chelsea.jpg"), "--as", alice, "--pages", "1", "--out", str(store.root / "out"))
    assert made.code == 0, made.err
    theirs = [row["id"] for row in json.loads(cli("list", "--json", "--as", alice).out)]
    assert len(theirs) == 1 and theirs[0] != story_id
    assert [row["id"] for row in json.loads(cli("list", "--json").out)] == [story_id]  # the personal studio
    assert "There is no story" in one_line_error(cli("show", story_id, "--as", alice))
    assert "not a person id" in one_line_error(cli("list", "--as", "alice"))


def test_teams_and_sharing_by_address_from_the_command_line(cli, data_dir: Path, cat_bytes: bytes) -> None:
    from core.people.addresses import People
    from core.people.spaces import Level, Person

    alice, bob = "oidc:https://id.example:alice", "oidc:https://id.example:bob"
    People(data_dir).remember(Person(id=bob, name="Bob"), {"email": "bob@example.com", "email_verified": True})

    made = cli("team", "create", "Spring campaign", "--as", alice)
    assert made.code == 0
    team_id = made.out.split()[0]
    assert cli("team", "add", team_id, "--member", "bob@example.com", "--as", alice).code == 0
    assert team_id in cli("team", "list", "--as", bob).out
    refused = cli("team", "add", team_id, "--member", "nobody@example.com", "--as", alice)
    assert refused.code == 2 and "Ask them to sign in once" in refused.err

    story = studio.start_story(as_person(Store(data_dir), Person(id=bob), team_id), cat_bytes, "cat.jpg")
    assert as_person(Store(data_dir), Person(id=alice)).level(story.id) == Level.OWN  # the team's owner

    carol = "oidc:https://id.example:carol"
    shared = cli("share", story.id, "--with", carol, "--mode", "edit", "--as", bob)
    assert shared.code == 0 and f"shared with {carol}: can edit" in shared.out
    assert as_person(Store(data_dir), Person(id=carol)).level(story.id) == Level.EDIT
    assert cli("unshare", story.id, "--with", carol, "--as", bob).out.strip() == "shared with nobody"
    assert as_person(Store(data_dir), Person(id=carol)).level(story.id) == Level.NONE

    in_team = cli("list", "--as", bob, "--in-space", "0" * 32)
    assert in_team.code == 2 and "no such space" in in_team.err


def test_a_teacher_runs_a_class_from_the_command_line(cli, data_dir: Path, cat_bytes: bytes, tmp_path: Path) -> None:
    from core.people.classes import Classrooms

    teacher = "oidc:https://id.example:teacher"
    opened = cli("class", "open", "Class 4b", "--as", teacher)
    assert opened.code == 0
    class_id, code = opened.out.split()[0], opened.out.split()[-1]
    classes = Classrooms(data_dir)
    mia, mia_key = classes.join(code, "Mia")
    story = studio.start_story(as_person(Store(data_dir), mia.person, mia.class_id), cat_bytes, "m.jpg")

    shown = cli("class", "show", class_id, "--as", teacher).out
    assert "- Mia" in shown and story.id in shown
    assert cli("class", "review", class_id, "on", "--as", teacher).code == 0
    assert cli("class", "approve", class_id, story.id, "--as", teacher).code == 0
    assert "approved" in cli("class", "show", class_id, "--as", teacher).out
    new_key = cli("class", "reset-link", class_id, "--pupil", "mia", "--as", teacher).out.strip()
    assert classes.seat(new_key).person.id == mia.person.id
    wrong = cli("class", "remove", class_id, "--pupil", "Zoe", "--as", teacher)
    assert wrong.code == 2 and "No pupil called Zoe" in wrong.err
    assert cli("class", "remove", class_id, "--pupil", "Mia", "--as", teacher).code == 0
    assert "Mia (no longer in the class)" in cli("class", "show", class_id, "--as", teacher).out
    assert cli("class", "close", class_id, "--as", teacher).code == 0
    assert "closed" in cli("class", "list", "--as", teacher).out
    assert "open again, code" in cli("class", "reopen", class_id, "--as", teacher).out
    out = tmp_path / "class.zip"
    assert cli("class", "archive", class_id, "--out", str(out), "--as", teacher).code == 0
    assert out.read_bytes()[:2] == b"PK"
    stranger = cli("class", "show", class_id, "--as", "oidc:https://id.example:stranger")
    assert stranger.code == 2 and "no such class" in stranger.err


def test_import_a_story_zip_and_refuse_what_is_not_one(cli, story_id: str, store: Store, tmp_path: Path) -> None:
    archive = tmp_path / "story.zip"
    assert cli("export", story_id, "--format", "zip", "--out", str(archive)).code == 0
    assert archive.read_bytes()[:4] == b"PK\x03\x04"
    done = cli("import", str(archive))
    assert done.code == 0
    new_id = done.out.split()[0]
    assert new_id != story_id and store.load(new_id).draft.pages == store.load(story_id).draft.pages
    (tmp_path / "photo.zip").write_bytes(b"\xff\xd8\xff not a zip")
    refused = cli("import", str(tmp_path / "photo.zip"))
    assert refused.code == 2 and "not a ZIP archive" in refused.err and len(store.list()) == 2
    assert cli("import", str(tmp_path / "missing.zip")).code == 2


def test_the_installed_command_works_from_any_folder(tmp_path: Path) -> None:
    """`pip install -e .` (the README's install) puts `visutale` beside the interpreter: the same
    command line as `python -m core`, from a folder that is not the checkout."""
    visutale = Path(sys.executable).parent / "visutale"
    done = subprocess.run(
        [str(visutale), "list", "--data-dir", str(tmp_path / "data")], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "No stories" in done.stdout + done.stderr
    helped = subprocess.run([str(visutale), "--help"], cwd=tmp_path, capture_output=True, text=True)
    assert helped.returncode == 0 and helped.stdout.startswith("usage: visutale")


def _every_option():
    """(command, action, its help as --help prints it) for every option and argument of every subcommand."""
    import argparse

    from core.cli.parser import build_parser

    def walk(parser, name):
        formatter = parser._get_formatter()
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            if isinstance(action, argparse._SubParsersAction):
                for sub_name, sub in action.choices.items():
                    yield from walk(sub, f"{name} {sub_name}".strip())
                continue
            yield name, action, formatter._expand_help(action) if action.help else ""

    yield from walk(build_parser(), "")


def test_every_option_has_help_and_every_default_is_shown() -> None:
    """`--help` of every subcommand: no option without a word of help, no default left unsaid."""
    import argparse

    silent = [f"{name} {action.option_strings or action.dest}" for name, action, shown in _every_option() if not shown]
    assert silent == []
    switches = (argparse._StoreTrueAction, argparse._StoreFalseAction, argparse._AppendAction)
    unsaid = [
        f"{name} {action.option_strings}"
        for name, action, shown in _every_option()
        if action.option_strings
        and action.default not in (None, False, [], "", argparse.SUPPRESS)
        and not isinstance(action, switches)
        and "default" not in shown
    ]
    assert unsaid == []


def test_make_help_describes_the_photo_and_the_books_settings_with_their_defaults(cli) -> None:
    result = cli("make", "--help")
    assert result.code == 0
    text = " ".join(result.out.split())  # argparse wraps lines where it likes
    for said in (
        "photo the photo the story starts from",
        "--pages N how many pages the story has, 1 to 24 (default: 8)",
        "--page-size {A4,Letter,square} the PDF's page size (default: A4)",
        "the pictures' style: comic, ink, pastel, photo, watercolour (default: watercolour)",
        "who the story is for (default: young children)",
        "--seed SEED the same seed gives the same book (default: 1)",
    ):
        assert said in text
    assert "(default: None)" not in text and "(default: False)" not in text


def test_write_help_says_the_story_keeps_its_own_settings(cli) -> None:
    text = " ".join(cli("write", "--help").out.split())
    assert "how many pages the story has, 1 to 24 (default: the story's own)" in text


def _without(monkeypatch, *modules: str) -> None:
    """Make `modules` impossible to import in this process, as on a machine without their extra."""
    for module in modules:
        monkeypatch.setitem(sys.modules, module, None)


def test_a_data_folder_on_s3_without_the_extra_names_the_extra_and_its_install_command(monkeypatch, capsys) -> None:
    from core.storage import datadir

    _without(monkeypatch, "fsspec", "s3fs")
    monkeypatch.setattr(datadir, "_opened", {})
    code = main(["list", "--data-dir", "s3://visutale/studio"])
    err = capsys.readouterr().err
    assert code == 2
    assert 'pip install ".[s3]"' in err and "[s3] extra" in err
    assert "ModuleNotFoundError" not in err and "unexpectedly" not in err


def test_the_local_engines_without_the_extra_name_it(cli, monkeypatch) -> None:
    _without(monkeypatch, "torch")
    result = cli("make", str(SAMPLES / "chelsea.jpg"), "--out", "book", "--writer", "local", "--pages", "1")
    assert result.code == 2
    assert 'pip install ".[local]"' in result.err and "ModuleNotFoundError" not in result.err


def test_serve_without_the_extra_names_it(monkeypatch, capsys) -> None:
    _without(monkeypatch, "ray")
    code = main(["serve"])
    err = capsys.readouterr().err
    assert code == 2
    assert 'pip install ".[serve]"' in err and "ModuleNotFoundError" not in err


def test_an_import_of_an_extras_module_that_slips_past_is_named_too(cli, monkeypatch) -> None:
    """Wherever an extra's module is imported without `require`, the command line still names the extra."""
    from core.cli import commands

    def needs_torch(*_):
        import torch  # noqa: F401 - blocked below

    _without(monkeypatch, "torch")
    monkeypatch.setitem(commands.COMMANDS, "list", needs_torch)
    result = cli("list")
    assert result.code == 2 and 'pip install ".[local]"' in result.err
