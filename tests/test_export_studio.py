"""The export step: what is printed, what is checked, what is published and unpublished."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from core import studio
from core.errors import InputError
from core.safety import SafetyChecker
from core.storage.publish import StaticFolder
from tests.doubles import ScriptedWriter, SolidIllustrator, UpperTranslator, story_of


@pytest.fixture
def story(store, cat_bytes):
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger cat on a red rug.")
    list(studio.write_draft(store, story, ScriptedWriter(story_of("Cat", "One cat.", "Two cats."))))
    list(studio.illustrate(store, story, SolidIllustrator()))
    list(studio.translate(store, story, UpperTranslator(), "de"))
    return story


def _text(store, story) -> str:
    record = story.exports[-1]
    reader = PdfReader(io.BytesIO(store.export_path(story.id, record.token).read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_story_language_after_a_translation_prints_the_original(store, story) -> None:
    list(studio.export_pdf(store, story, language="de"))
    assert "[de] ONE CAT." in _text(store, story)
    list(studio.export_pdf(store, story, language=None))
    assert "One cat." in _text(store, story) and "[de]" not in _text(store, story)
    assert store.load(story.id).export.language is None


def test_the_safety_check_reads_the_translation_that_is_printed(store, story) -> None:
    studio.edit_translation(store, story, "de", "Katze", ["Eine verdammte Katze, fuck.", "Zwei."])
    list(studio.export_pdf(store, story, safety=SafetyChecker()))  # the original is clean
    for bilingual in (False, True):
        with pytest.raises(InputError, match="fuck"):
            list(studio.export_pdf(store, story, language="de", bilingual=bilingual, safety=SafetyChecker()))


def test_the_page_count_is_the_renderers_own(store, story) -> None:
    list(studio.export_pdf(store, story))
    record = story.exports[-1]
    pdf = store.export_path(story.id, record.token).read_bytes()
    assert record.pages == len(PdfReader(io.BytesIO(pdf)).pages) == 3  # title (credits at its foot), 2 pages


def test_unpublished_by_default_published_with_a_publisher(store, story, tmp_path) -> None:
    list(studio.export_pdf(store, story))
    assert story.exports[-1].url is None and not (tmp_path / "static").exists()
    publisher = StaticFolder(tmp_path / "static", "http://studio.test")
    list(studio.export_pdf(store, story, publisher=publisher))
    record = story.exports[-1]
    assert record.url == f"http://studio.test/app/static/exports/{record.token}/Cat.pdf"
    served = tmp_path / "static" / "exports" / record.token / "Cat.pdf"
    assert served.read_bytes() == store.export_path(story.id, record.token).read_bytes()


def test_deleting_a_story_unpublishes_every_export(store, story, tmp_path) -> None:
    publisher = StaticFolder(tmp_path / "static", "http://studio.test")
    list(studio.export_pdf(store, story, publisher=publisher))
    list(studio.export_pdf(store, story, publisher=publisher, language="de"))
    folders = [tmp_path / "static" / "exports" / r.token for r in story.exports]
    assert all(f.is_dir() for f in folders)
    assert studio.delete_story(store, story.id, publisher=publisher) == 2
    assert not any(f.exists() for f in folders) and not store.exists(story.id)


def test_the_same_photo_and_seed_give_the_same_pictures(store, cat_bytes) -> None:
    """Picture seeds derive from the page's place, not its random id (defect 13)."""
    from core.offline.illustrator import OfflineIllustrator
    from core.offline.writer import OfflineWriter

    made = []
    for _ in range(2):
        story = studio.start_story(store, cat_bytes, "chelsea.jpg")
        studio.edit_caption(store, story, "A ginger cat on a red rug.")
        studio.update_settings(store, story, pages=3, seed=9)
        list(studio.write_draft(store, story, OfflineWriter()))
        list(studio.illustrate(store, story, OfflineIllustrator()))
        made.append([(p.seed, p.image) for _, _, p in story.pictured_pages()])
    assert made[0] == made[1] and len(made[0]) == 3
