"""The pages that read aloud: the Draft page's narration, the Export page's read-along formats and
the read-aloud view, on the offline engine (Piper reads; short pages keep it quick)."""

from __future__ import annotations

from core import studio
from core.storage.store import Store
from tests.doubles import ScriptedWriter, SolidIllustrator, ToneNarrator, story_of
from tests.test_app_flow import _app, _click, _page, _texts

PAGES = ("Kit saw a kite.", "It flew away!")


def _story(data_dir, cat_bytes, narrated: bool = False) -> tuple[Store, str]:
    store = Store(data_dir)
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger cat.")
    list(studio.write_draft(store, story, ScriptedWriter(story_of("The Kite", *PAGES))))
    list(studio.illustrate(store, story, SolidIllustrator()))
    if narrated:
        list(studio.narrate(store, story, ToneNarrator()))
    return store, story.id


def _opened(story_id: str, path: str):
    at = _app()
    at.query_params["story"] = story_id
    at.run()
    return _page(at, path)


def test_the_draft_page_reads_every_page_then_one_again(data_dir, cat_bytes) -> None:
    store, story_id = _story(data_dir, cat_bytes)
    at = _opened(story_id, "pages/draft.py")
    assert "Voice: Piper joe (en_US) · 0 of 2 pages read aloud" in _texts(at)
    _click(at, "Read every page aloud")
    story = store.load(story_id)
    assert all(story.narration(page.id) for page in story.draft.pages)
    assert len(at.get("audio")) == 2 and "2 of 2 pages read aloud" in _texts(at)
    first = story.narration(story.draft.pages[0].id)
    at.button(key=f"draft_narrate_{story.draft.pages[1].id}").click().run()
    again = store.load(story_id)
    assert again.narration(again.draft.pages[0].id) == first  # only page 2 was read again
    assert again.narration(again.draft.pages[1].id).created > first.created


def test_the_export_page_makes_the_epub_and_the_web_reader(data_dir, cat_bytes) -> None:
    store, story_id = _story(data_dir, cat_bytes, narrated=True)
    at = _opened(story_id, "pages/export.py")
    assert not at.exception
    for name, label in (("epub", "EPUB 3 read-along"), ("html", "Web reader")):
        at.radio(key="export_format").set_value(name).run()
        _click(at, f"Make the {label}")
        record = store.load(story_id).latest_export(name)
        assert record is not None and record.filename == f"The-Kite.{name}"
        assert [b.label for b in at.get("download_button")][-1] == f"Download the {label}"
    assert store.load(story_id).latest_export("pdf") is None  # no PDF was made: none is offered


def test_the_read_aloud_view_embeds_the_reader(data_dir, cat_bytes) -> None:
    store, story_id = _story(data_dir, cat_bytes)
    at = _opened(story_id, "pages/read_aloud.py")
    assert "has not been read aloud yet" in at.info[0].value
    frames = at.get("iframe")
    assert len(frames) == 1 and "Kit saw a kite." in frames[0].proto.srcdoc
    assert '<body class="big">' in frames[0].proto.srcdoc

    store, story_id = _story(data_dir, cat_bytes, narrated=True)
    at = _opened(story_id, "pages/read_aloud.py")
    assert not at.info
    assert at.get("iframe")[0].proto.srcdoc.count("<audio") == 2
