"""The bundled samples start stories a newcomer would keep: the sample's own words as the caption
(the offline engine sees only a face and grey in the astronaut photo, and told a street story)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core import studio
from core.errors import InputError
from core.offline.writer import OfflineWriter
from core.samples import SAMPLES
from core.storage.store import Store
from tests.conftest import ROOT


@pytest.mark.parametrize("name", list(SAMPLES))
def test_a_sample_starts_with_its_own_words_as_the_caption(store, name) -> None:
    story = studio.start_sample(store, name)
    saved = store.load(story.id)
    assert saved.photo is not None and saved.photo.filename == SAMPLES[name].path.name
    (caption,) = saved.captions
    assert caption.text == SAMPLES[name].caption and caption.engine == "sample" and caption.author == "person"


def test_the_astronaut_sample_is_a_space_story_not_a_street_one(store) -> None:
    story = studio.start_sample(store, "astronaut")
    list(studio.write_draft(store, story, OfflineWriter()))
    pages = [p.text for p in store.load(story.id).draft.pages]
    assert "Eileen" in pages[0] and "space" in " ".join(pages).lower()
    assert {p.spec.setting for p in store.load(story.id).draft.pages} <= {"space", "moon"}


def test_an_unknown_sample_is_refused_and_nothing_is_made(store) -> None:
    with pytest.raises(InputError, match="no sample called 'dragon'"):
        studio.start_sample(store, "dragon")
    assert not studio.library(store)


def test_the_photo_pages_sample_button_opens_the_caption_with_the_samples_words(data_dir) -> None:
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/photo.py").run()
    next(b for b in at.button if b.label == "Start with the astronaut").click().run()
    assert not at.exception, at.exception
    story = Store(data_dir).load(at.session_state["story_id"])
    assert story.caption == SAMPLES["astronaut"].caption
    assert at.text_area[0].value == SAMPLES["astronaut"].caption
    assert any("the sample's own words" in c.value for c in at.caption)


def test_the_qr_codes_address_is_the_setting_else_the_browsers_origin_else_this_machine() -> None:
    """`studio.public_base_url`: what the Export and Classroom pages and the CLI put in QR codes."""
    assert studio.public_base_url("https://studio.school.example/", "http://10.0.0.5:8501/x") == (
        "https://studio.school.example"
    )
    assert studio.public_base_url(None, "http://192.168.1.20:8501/export?story=abc") == "http://192.168.1.20:8501"
    assert studio.public_base_url("", None) == "http://localhost:8501"
    assert studio.public_base_url(None, "not a url") == "http://localhost:8501"


def test_the_line_under_a_result_names_who_made_it() -> None:
    assert studio.made_by("offline") == "Made by the offline engine"
    assert studio.made_by("local", "llava-1.5") == "Made by a local model · llava-1.5"
    assert studio.made_by("sample") == "Made by the studio: the sample's own words"
    assert studio.made_by("") == "Made by you"
    assert [studio.Progress("x", d, t).fraction for d, t in ((1, 4), (5, 4), (3, 0))] == [0.25, 1.0, 0.0]
