"""The whole flow in the real app, driven by Streamlit's AppTest: photo to PDF download button."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.jobs.runner import runner
from core.storage.store import Store
from tests.conftest import ROOT

TIMEOUT = 60


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "Home.py"), default_timeout=TIMEOUT)


def _click(at: AppTest, label: str) -> AppTest:
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    before = runner().submitted
    matches[0].click().run()
    assert not at.exception, at.exception
    return settled(at, before)


def settled(at: AppTest, submitted_before: int) -> AppTest:
    """The page once the jobs a click started (pictures, upscale, exports: `core.jobs`) ended: the
    click itself returns at once, the job goes on on the studio's workers."""
    if runner().submitted != submitted_before:
        assert runner().wait_idle(TIMEOUT), "a job did not end"
        at.run()
        assert not at.exception, at.exception
    return at


def _page(at: AppTest, path: str) -> AppTest:
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title]
    parts += [s.value for s in at.success] + [w.value for w in at.warning] + [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


def walk_to_pdf(at: AppTest, photo: bytes) -> str:
    """Upload, caption, settings, draft, pictures, upscale, export. Returns the story id."""
    at.run()
    assert not at.exception, at.exception
    at.file_uploader[0].set_value(("chelsea.jpg", photo, "image/jpeg")).run()
    _click(at, "Start a story with this photo")
    story_id = at.session_state["story_id"]
    assert at.query_params["story"] == [story_id] or at.query_params["story"] == story_id

    _page(at, "pages/caption.py")
    _click(at, "Describe the photo")
    caption = at.text_area[0].value
    assert "cat" in caption.lower()
    at.text_area[0].set_value(caption + " The cat is called Chelsea.").run()
    _click(at, "Save my caption")

    _page(at, "pages/story_settings.py")
    at.slider[0].set_value(3)
    _click(at, "Save settings")
    assert "Saved" in _texts(at)

    _page(at, "pages/draft.py")
    _click(at, "Write the story")
    assert len([t for t in at.text_area if t.label.startswith("Page ")]) == 3
    _click(at, "Make it shorter")
    assert "Made by the offline engine" in _texts(at)

    _page(at, "pages/pictures.py")
    _click(at, "Draw the 3 missing pictures")
    assert "Made by the offline engine" in _texts(at)

    _page(at, "pages/upscale.py")
    _click(at, "Upscale all 3 pictures 2×")
    assert _texts(at).count("Made by the offline engine · Lanczos") == 3

    _page(at, "pages/export.py")
    _click(at, "Make the PDF")
    assert [b.label for b in at.download_button] == ["Download the PDF"]
    return story_id


def test_photo_to_pdf_then_reopen_by_link(data_dir, cat_bytes) -> None:
    at = _app()
    story_id = walk_to_pdf(at, cat_bytes)
    story = Store(data_dir).load(story_id)
    assert len(story.draft.pages) == 3 and story.draft.instruction == "Make it shorter"
    assert all(story.scenes[p.id].chosen_variant().upscaled for p in story.draft.pages)
    export = story.exports[-1]
    pdf = Store(data_dir).export_path(story_id, export.token).read_bytes()
    assert pdf.startswith(b"%PDF") and export.pages >= 5

    fresh = _app()
    fresh.query_params["story"] = story_id
    fresh.run()
    _page(fresh, "pages/draft.py")
    assert fresh.text_input[0].value == story.draft.title
    assert fresh.session_state["story_id"] == story_id


def test_the_caption_box_keeps_typing_and_is_refilled_by_a_new_version(data_dir, cat_bytes) -> None:
    """One widget key for the box's life (`_ui.refilled`): typing survives a rerun, a page switch
    (Streamlit forgets a widget's value off its page) shows the caption again, and a new version
    (restored) replaces the box's text."""
    at = _app()
    at.run()
    at.file_uploader[0].set_value(("chelsea.jpg", cat_bytes, "image/jpeg")).run()
    _click(at, "Start a story with this photo")
    _page(at, "pages/caption.py")
    _click(at, "Describe the photo")
    described = at.text_area[0].value
    at.text_area[0].set_value("Our cat Chelsea on the windowsill.").run()
    at.run()
    assert at.text_area[0].value == "Our cat Chelsea on the windowsill."  # typed, not saved: kept
    _click(at, "Save my caption")

    _page(at, "pages/story_settings.py")
    _page(at, "pages/caption.py")
    assert at.text_area[0].value == "Our cat Chelsea on the windowsill."

    _click(at, "Restore this version")  # the newest earlier version: the described one
    assert at.text_area[0].value == described


def test_a_wrong_link_says_so_and_reveals_nothing(data_dir) -> None:
    at = _app()
    at.query_params["story"] = "../../etc/passwd"
    at.run()
    assert not at.exception
    assert "There is no story at this link" in _texts(at)


@pytest.mark.parametrize(
    "page",
    [
        "pages/caption.py",
        "pages/draft.py",
        "pages/pictures.py",
        "pages/upscale.py",
        "pages/translate.py",
        "pages/export.py",
    ],
)
def test_every_step_without_a_story_points_to_the_photo_page(data_dir, page) -> None:
    at = _app()
    at.run()
    _page(at, page)
    assert "Start with a photo" in "\n".join(i.value for i in at.info)


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_made(data_dir) -> None:
    at = _app()
    at.run()
    at.file_uploader[0].set_value(("evil.jpg", b"<script>alert(1)</script>", "image/jpeg")).run()
    _click(at, "Start a story with this photo")
    assert at.error and "not a picture" in at.error[0].value
    assert Store(data_dir).list() == []


def test_a_bug_in_a_step_is_one_message_and_the_story_is_kept(data_dir, cat_bytes, monkeypatch) -> None:
    from core.offline.vision import OfflineVision

    def broken(self, image):
        yield "A cat"
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(OfflineVision, "describe", broken)
    at = _app()
    at.run()
    at.file_uploader[0].set_value(("chelsea.jpg", cat_bytes, "image/jpeg")).run()
    _click(at, "Start a story with this photo")
    _page(at, "pages/caption.py")
    _click(at, "Describe the photo")
    assert "failed because of an error in the studio itself" in at.error[0].value
    story = Store(data_dir).load(at.session_state["story_id"])
    assert story.captions[-1].text == "A cat" and story.captions[-1].incomplete


def test_export_prints_the_language_chosen_and_publishes_for_the_qr_code(data_dir, cat_bytes, tmp_path) -> None:
    """After a translation is printed, "the story's language" prints the story's language again."""
    from pypdf import PdfReader

    from core import studio
    from core.offline.writer import OfflineWriter
    from tests.doubles import UpperTranslator

    store = Store(data_dir)
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger cat on a red rug.")
    studio.update_settings(store, story, pages=1)
    list(studio.write_draft(store, story, OfflineWriter()))
    list(studio.translate(store, store.load(story.id), UpperTranslator(), "de"))

    at = _app()
    at.query_params["story"] = story.id
    at.switch_page("pages/export.py").run()
    assert not at.exception, at.exception

    def printed() -> tuple[str | None, str]:
        record = store.load(story.id).exports[-1]
        reader = PdfReader(store.export_path(story.id, record.token))
        return record.language, " ".join(" ".join(p.extract_text().split()) for p in reader.pages)

    at.selectbox(key="export_language").set_value("de").run()
    _click(at, "Make the PDF")
    language, text = printed()
    assert language == "de" and "[de]" in text

    at.selectbox(key="export_language").set_value("original").run()
    _click(at, "Make the PDF")
    language, text = printed()
    assert language in (None, "en") and "[de]" not in text
    record = store.load(story.id).exports[-1]
    assert record.url and record.url.endswith(f"/app/static/exports/{record.token}/{record.filename}")
    assert (tmp_path / "static" / "exports" / record.token / record.filename).is_file()  # what the QR code opens
    assert f"Link for this PDF: `{record.url}`" in _texts(at)
