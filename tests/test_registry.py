"""The one engine registry: settings, the command line and the Settings page all offer what it holds.

A new backend is its module plus one `Engine` line; these tests add one (an echo writer defined
here) and find it in all three places, and check that the built-in lines point at real factories.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from core import providers, studio
from core.errors import InputError, NotConfigured
from core.providers import Engine, fit_long_side
from core.providers.base import Brief, WrittenPage, WrittenStory
from core.settings import Settings, load_settings
from tests.conftest import ROOT


class EchoWriter:
    """A writer that tells the caption back, page after page (the registry test's new backend)."""

    engine = "echo"
    model = "echo-1"

    def draft(self, brief: Brief) -> Iterator:
        story = WrittenStory(
            title=f"Echo: {brief.caption}",
            pages=tuple(WrittenPage(f"Page {n}: {brief.caption}", brief.caption) for n in range(1, brief.pages + 1)),
        )
        yield story.title
        return story

    revise = extend = None


ECHO = Engine("writer", "echo", "Echo writer (tests)", "tests.test_registry:EchoWriter", "needs nothing at all")


@pytest.fixture
def echo_registered(monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setattr(providers, "REGISTRY", (*providers.REGISTRY, ECHO))
    return ECHO


def test_every_registered_factory_exists() -> None:
    for engine in providers.REGISTRY:
        assert engine.capability in providers.CAPABILITIES
        assert callable(engine.resolve()), engine
    for capability in providers.CAPABILITIES:
        names = providers.engine_names(capability)
        assert names and len(set(names)) == len(names)
        assert getattr(Settings(), capability) in names  # the default is registered


def test_a_new_engine_is_accepted_by_the_settings_and_built(echo_registered, data_dir) -> None:
    settings = load_settings(env={"VISUTALE_WRITER": "echo"})
    assert settings.writer == "echo"
    writer = providers.writer_for(settings)
    assert type(writer).__name__ == "EchoWriter" and writer.engine == "echo"


def test_an_unregistered_engine_is_refused_naming_the_choices() -> None:
    with pytest.raises(InputError) as refused:
        load_settings(env={"VISUTALE_WRITER": "echo"})
    assert str(refused.value) == (
        "The setting 'writer' is not valid: 'echo' is not a writer engine; choose offline, local, remote."
    )
    with pytest.raises(InputError, match="'deepl' is not a upscaler engine|not a upscaler"):
        load_settings(env={}, overrides={"upscaler": "deepl"})


def test_a_new_engine_is_a_command_line_choice(echo_registered, data_dir, capsys) -> None:
    from core.cli import main
    from core.cli.parser import build_parser
    from core.storage.store import Store

    with pytest.raises(SystemExit):
        build_parser().parse_args(["write", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--writer {offline,local,remote,echo}" in help_text
    assert "echo: Echo writer (tests) (needs nothing at all)" in help_text

    store = Store(data_dir)
    story = studio.start_story(store, (ROOT / "assets" / "samples" / "coffee.jpg").read_bytes(), "coffee.jpg")
    studio.update_settings(store, story, pages=2)
    studio.edit_caption(store, story, "A cup of tea.")
    code = main(["write", story.id, "--writer", "echo", "--data-dir", str(data_dir)])
    assert code == 0, capsys.readouterr().err
    draft = store.load(story.id).draft
    assert draft.engine == "echo" and draft.pages[1].text == "Page 2: A cup of tea."


def test_a_new_engine_is_an_option_on_the_settings_page(echo_registered, data_dir) -> None:
    from tests.test_app_flow import _app, _click, _page

    at = _app()
    at.run()
    _page(at, "pages/settings.py")
    box = at.selectbox(key="settings_engine_writer")
    assert box.options == ["Offline engine", "Local model", "Remote server", "Echo writer (tests)"]
    assert "**Echo writer (tests)**: needs nothing at all" in box.help
    for capability in providers.CAPABILITIES:
        labels = [e.label for e in providers.engines(capability).values()]
        assert at.selectbox(key=f"settings_engine_{capability}").options == labels
    box.set_value("echo")
    _click(at, "Apply")
    assert at.session_state["settings_overrides"]["writer"] == "echo"
    assert "Applied for this session." in [s.value for s in at.success]


def test_translators_that_cannot_translate_say_what_to_set_up() -> None:
    with pytest.raises(NotConfigured, match="DEEPL_AUTH_KEY"):
        providers.translator_for(Settings())
    with pytest.raises(NotConfigured, match="offline writer cannot translate"):
        providers.translator_for(Settings(translator="writer"))


def test_building_the_offline_engines_imports_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "from core import providers\n"
        "from core.settings import Settings\n"
        "s = Settings(illustrator_size=512)\n"
        "print(*(type(providers.build(s, c)).__name__ for c in ('vision', 'writer', 'illustrator', 'upscaler')))\n"
        "print('HEAVY', [m for m in ('torch', 'transformers', 'diffusers', 'openai', 'deepl', 'streamlit') "
        "if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=False, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert "OfflineVision OfflineWriter OfflineIllustrator OfflineUpscaler" in out.stdout
    assert "HEAVY []" in out.stdout


def test_fit_long_side() -> None:
    assert fit_long_side((896, 1152), None) == (896, 1152)
    assert fit_long_side((896, 1152), 512) == (384, 512)
    assert fit_long_side((1152, 896), 768) == (768, 576)
    assert fit_long_side((1024, 1024), 100) == (128, 128)  # 100 rounds to 128 on a 64 grid
    assert fit_long_side((576, 768), 512, multiple=8) == (384, 512)
    assert fit_long_side((576, 768), 1, multiple=8) == (8, 8)


def test_the_picture_size_setting_reaches_the_offline_and_local_illustrators() -> None:
    from core.providers.local_illustrator import SDXL_SIZES

    offline = providers.illustrator_for(Settings(illustrator_size=512))
    assert [offline.size_for(a) for a in ("portrait", "square", "landscape")] == [(384, 512), (512, 512), (512, 384)]
    assert providers.illustrator_for(Settings()).size_for("portrait") == (576, 768)  # unset: its own size
    local = providers.illustrator_for(Settings(illustrator="local", illustrator_size=512, illustrator_steps=6))
    assert local.size_for("portrait") == (384, 512) and local.size_for("square") == (512, 512)
    assert local.steps == 6 and local.params()["steps"] == 6
    assert providers.illustrator_for(Settings(illustrator="local")).size_for("portrait") == SDXL_SIZES["portrait"]
