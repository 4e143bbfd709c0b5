"""What an engine can do is asked of the engine: pages draw what the chosen writer and illustrator
say (`core.studio.capabilities`), never decide it by the engine's name."""

from __future__ import annotations

import subprocess
import sys

import pytest

from core import providers, studio
from core.campaign import steps
from core.language import offline_copy_languages
from core.providers import Engine
from core.settings import Settings
from core.storage.store import Store
from tests.conftest import ROOT, SAMPLES
from tests.test_app_flow import _app, _page


class BilingualWriter:
    """A writer that is not called "offline" yet writes stories in English only and copy in two
    languages: the pages must go by what it says."""

    engine = "bilingual"
    model = "test"
    story_languages = ("en",)
    copy_languages = ("en", "de")
    free_text_revisions = False


@pytest.fixture
def bilingual(monkeypatch: pytest.MonkeyPatch, data_dir) -> Store:
    """The studio with the bilingual writer chosen; its store."""
    engine = Engine("writer", "bilingual", "Bilingual writer (tests)", "tests.test_engine_capabilities:BilingualWriter")
    monkeypatch.setattr(providers, "REGISTRY", (*providers.REGISTRY, engine))
    monkeypatch.setenv("VISUTALE_WRITER", "bilingual")
    return Store(data_dir)


def test_each_engine_says_what_it_can_do() -> None:
    offline = studio.capabilities(Settings())
    assert (
        offline.story_languages == ("en",) and offline.writes_stories_in("en") and not offline.writes_stories_in("fr")
    )
    assert offline.copy_languages == offline_copy_languages()
    assert not offline.free_text_revisions and not offline.answers_questions and not offline.redraws_region
    for engine in ("local", "remote"):
        model = studio.capabilities(Settings(writer=engine, illustrator=engine))
        assert model.story_languages is None and model.writes_stories_in("ko") and model.copy_languages is None
        assert model.free_text_revisions and model.answers_questions and model.redraws_region


def test_asking_what_a_local_engine_can_do_loads_no_model_library() -> None:
    code = (
        "import sys\n"
        "from core import studio\n"
        "from core.settings import Settings\n"
        "print(studio.capabilities(Settings(writer='local', illustrator='remote')).redraws_region)\n"
        "print('HEAVY', [m for m in ('torch', 'transformers', 'diffusers', 'openai') if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=False, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["True", "HEAVY []"]


def _texts(at) -> list[str]:
    return [i.value for i in at.info]


def test_story_settings_says_which_languages_the_writer_writes_whatever_its_name(bilingual, cat_bytes) -> None:
    store = bilingual
    story = studio.start_story(store, cat_bytes, "cat.jpg")
    studio.edit_caption(store, story, "A cat on a sofa.")
    studio.update_settings(store, store.load(story.id), language="fr")
    at = _app()
    at.query_params["story"] = story.id
    at.run()
    _page(at, "pages/story_settings.py")
    assert any("The bilingual writer writes in English." in text for text in _texts(at)), _texts(at)


def test_the_campaign_brief_offers_the_copy_languages_the_writer_names(bilingual) -> None:
    store = bilingual
    story = steps.start_campaign(store, (SAMPLES / "coffee.jpg").read_bytes(), "coffee.jpg")
    at = _app()
    at.query_params["story"] = story.id
    at.run()
    _page(at, "pages/campaign.py")
    assert not [t for t in at.text_input if t.label == "Language code"]
    box = next(s for s in at.selectbox if s.label == "Language")
    assert box.options == ["English", "Deutsch"]
