"""Many people at once, secrets that never leak, a password gate, and documents that survive anything.

The hostile-upload and hostile-text cases live beside their modules (test_photo, test_text,
test_export_*); kills during saves in test_store. This file covers what crosses them.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from core import studio
from core.local.manager import ModelManager
from core.offline.illustrator import OfflineIllustrator
from core.offline.vision import OfflineVision
from core.offline.writer import OfflineWriter
from core.storage.publish import StaticFolder
from core.storage.store import Store
from core.story import CaptionVersion, Draft, Story, StoryPage, Translation
from tests.conftest import ROOT, SAMPLES
from tests.fake_servers import FakeDeepL, FakeOpenAI

PHOTOS = ["astronaut.jpg", "chelsea.jpg", "coffee.jpg"]


def _make_book(store: Store, person: int) -> tuple[str, str, str]:
    """One person's whole story on the offline engine; returns (id, photo name, caption)."""
    photo = PHOTOS[person % len(PHOTOS)]
    story = studio.start_story(store, (SAMPLES / photo).read_bytes(), photo)
    list(studio.caption(store, story, OfflineVision()))
    studio.update_settings(store, story, pages=2, seed=person)
    list(studio.write_draft(store, story, OfflineWriter()))
    list(studio.illustrate(store, story, OfflineIllustrator()))
    list(studio.export_pdf(store, story, publisher=StaticFolder(store.root / "static", "http://studio")))
    return story.id, photo, story.caption


def test_eight_people_at_once_keep_their_own_stories(store: Store) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda person: _make_book(store, person), range(8)))
    assert len({story_id for story_id, _, _ in results}) == 8
    for story_id, photo, caption in results:
        story = store.load(story_id)
        assert story.photo.filename == photo and story.caption == caption  # nobody's work mixed in
        assert len(story.draft.pages) == 2 and all(story.scenes[p.id].variants for p in story.draft.pages)
        assert story.exports and store.export_path(story_id, story.exports[-1].token).exists()
    # Same photo, different seeds: different stories; the captions follow the photos.
    cats = [store.load(i).draft.text() for i, photo, _ in results if photo == "chelsea.jpg"]
    assert len(set(cats)) == len(cats)


def test_the_model_manager_loads_once_for_eight_sessions_at_once() -> None:
    manager = ModelManager()
    started = threading.Barrier(8)
    loads = []

    def session(_: int) -> object:
        started.wait()
        return manager.load("writer", lambda: loads.append(1) or object())

    with ThreadPoolExecutor(max_workers=8) as pool:
        models = list(pool.map(session, range(8)))
    assert len(loads) == 1 and manager.loads["writer"] == 1
    assert all(m is models[0] for m in models)


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "Home.py"), default_timeout=60)


def test_browser_sessions_never_see_each_others_story(data_dir: Path) -> None:
    people = [_app() for _ in range(4)]
    for at in people:
        at.run()
    for number, at in enumerate(people):  # interleaved, as people click at the same time
        photo = PHOTOS[number % len(PHOTOS)]
        at.file_uploader[0].set_value((photo, (SAMPLES / photo).read_bytes(), "image/jpeg")).run()
        next(b for b in at.button if b.label == "Start a story with this photo").click().run()
    ids = [at.session_state["story_id"] for at in people]
    assert len(set(ids)) == 4
    for at, story_id in zip(people, ids):
        at.switch_page("pages/caption.py").run()
        assert not at.exception
        assert at.session_state["story_id"] == story_id
        assert at.query_params["story"] in ([story_id], story_id)


def test_a_password_keeps_a_hosted_studio_closed(data_dir: Path) -> None:
    at = _app()
    at.secrets["access_password"] = "open sesame"
    at.run()
    assert [t.label for t in at.text_input] == ["Password"]
    assert not at.file_uploader  # nothing of the studio is shown
    at.text_input[0].set_value("wrong").run()
    assert at.error[0].value == "That password is not right."
    at.text_input[0].set_value("open sesame").run()
    assert not at.exception
    assert at.file_uploader  # the Photo page


def test_keys_never_reach_logs_stories_or_exports(tmp_path: Path, caplog) -> None:
    openai_key, deepl_key = "sk-test-SECRET-0123456789abcdef", "deepl-SECRET-4242:fx"
    with FakeOpenAI(api_key=openai_key) as openai_server, FakeDeepL(auth_key=deepl_key) as deepl_server:
        env = {
            **os.environ,
            "OPENAI_API_KEY": openai_key,
            "OPENAI_BASE_URL": openai_server.base_url,
            "DEEPL_AUTH_KEY": deepl_key,
            "DEEPL_SERVER_URL": deepl_server.url,
            "VISUTALE_DATA_DIR": str(tmp_path / "data"),
            "VISUTALE_STATIC_DIR": str(tmp_path / "static"),
            "VISUTALE_WRITER": "remote",
            "VISUTALE_VISION": "remote",
            "VISUTALE_TRANSLATOR": "deepl",
        }
        made = subprocess.run(
            [
                sys.executable,
                "-X",
                "dev",
                "-m",
                "core",
                "make",
                str(SAMPLES / "chelsea.jpg"),
                "--out",
                str(tmp_path / "out"),
                "--pages",
                "2",
                "--language",
                "de",
                "--bilingual",
            ],
            cwd=ROOT,
            env={**env, "PYTHONWARNINGS": "always", "OPENAI_LOG": "debug"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert made.returncode == 0, made.stderr
        # A wrong key fails with a message that does not echo what was typed.
        failed = subprocess.run(
            [sys.executable, "-m", "core", "make", str(SAMPLES / "chelsea.jpg"), "--out", str(tmp_path / "x")],
            cwd=ROOT,
            env={**env, "OPENAI_API_KEY": "sk-wrong-SECRET-key"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert failed.returncode == 2
    outputs = [made.stdout, made.stderr, failed.stdout, failed.stderr, caplog.text]
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".pdf" for p in files) and any(p.name == "story.json" for p in files)
    for secret in (openai_key, deepl_key, "sk-wrong-SECRET-key", "SECRET"):
        assert not any(secret in text for text in outputs), secret
        leaked = [p for p in files if secret.encode() in p.read_bytes()]
        assert leaked == [], (secret, leaked)


texts = st.text(max_size=300)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    title=texts,
    page_texts=st.lists(texts, min_size=1, max_size=5),
    caption=texts,
    seed=st.integers(min_value=0, max_value=2**31 - 1),
)
def test_any_story_survives_a_save_and_load(tmp_path_factory, title, page_texts, caption, seed) -> None:
    store = Store(tmp_path_factory.mktemp("roundtrip"))
    story = store.create()
    story.captions.append(CaptionVersion(text=caption, author="person"))
    draft = Draft(
        instruction=caption or "x", title=title, pages=[StoryPage(text=t, scene=t, prompt=t) for t in page_texts]
    )
    story.drafts.append(draft)
    story.chosen_draft = draft.id
    story.settings.seed = seed
    story.translations.append(Translation(language="de", draft=draft.id, engine="deepl", title=title, pages=page_texts))
    store.save(story)
    assert store.load(story.id) == story
    assert Story.model_validate_json(story.model_dump_json()) == story


def test_no_warning_or_error_is_logged_on_the_offline_path(store: Store, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        _make_book(store, 0)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_a_bad_setting_is_named_on_the_page_not_a_traceback(data_dir, monkeypatch) -> None:
    monkeypatch.setenv("VISUTALE_ILLUSTRATOR_STEPS", "lots")
    at = _app()
    at.run()
    assert not at.exception
    assert "illustrator_steps" in at.error[0].value
