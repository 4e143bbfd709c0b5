"""The Draft page measures every page against the reading level and fits it; the Export page adds
the classroom pages and offers the answer key."""

from __future__ import annotations

from core import studio
from core.offline.writer import OfflineWriter
from core.storage.store import Store
from tests.test_app_draft import _draft_tab
from tests.test_app_flow import _click, _page


def test_pick_a_level_see_each_page_measured_and_fit_it(data_dir, cat_bytes) -> None:
    store = Store(data_dir)
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger tabby cat with green eyes lying on a blanket in the living room.")
    studio.update_settings(store, story, pages=3, seed=4, audience="older children")
    list(studio.write_draft(store, story, OfflineWriter()))
    at = _draft_tab(story.id)
    assert not any("Flesch-Kincaid" in c.value for c in at.caption)  # no level picked: nothing measured
    at.selectbox(key="draft_level").set_value("adult").run()
    assert store.load(story.id).settings.reading_level == "adult"
    shown = [c.value for c in at.caption] + [w.value for w in at.warning]
    assert sum("Flesch-Kincaid" in text and "band 7.0 and above" in text for text in shown) == 3
    assert any("out of band" in w.value for w in at.warning)
    assert any("pages read outside the band" in c.value for c in at.caption)
    _click(at, "Fit the level")
    fitted = store.load(story.id).draft
    assert fitted.instruction == "fit the level: Adult" and not at.exception
    _page(at, "pages/export.py")
    at.checkbox(key="export_classroom").check().run()
    assert any(e.label == "What the classroom pages will print" for e in at.expander)
    assert any(m.value.startswith("1. Who is the story about?") for m in at.markdown)
    _click(at, "Make the PDF")
    assert store.load(story.id).exports[-1].pages >= 3 + 2
    assert any(b.label == "Download the teacher's answer key" for b in at.get("download_button"))
    assert not at.exception
