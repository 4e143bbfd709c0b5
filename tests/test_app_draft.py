"""The Draft page: hand edits, presets, free text on the offline engine, enlarge, compare, restore."""

from __future__ import annotations

from core import studio
from core.storage.store import Store
from tests.test_app_flow import _app, _click, _page


def _story_with_caption(data_dir, cat_bytes) -> str:
    store = Store(data_dir)
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger cat with green eyes on a red rug.")
    studio.update_settings(store, story, pages=3)
    return story.id


def test_draft_page_end_to_end(data_dir, cat_bytes) -> None:
    story_id = _story_with_caption(data_dir, cat_bytes)
    store = Store(data_dir)
    at = _app()
    at.query_params["story"] = story_id
    at.run()
    _page(at, "pages/draft.py")
    _click(at, "Write the story")
    first = store.load(story_id).draft

    scenes = [at.text_input(key=f"draft_scene_{first.id}_{page.id}") for page in first.pages]  # each editable
    assert [s.value for s in scenes] == [page.scene for page in first.pages]
    scenes[2].set_value("Chelsea asleep on the red rug.")
    at.text_area(key=f"draft_text_{first.id}_{first.pages[0].id}").set_value("My own first page.")
    _click(at, "Save my edits")
    edited = store.load(story_id).draft
    assert edited.author == "person" and edited.pages[0].text == "My own first page."
    assert edited.pages[2].scene == "Chelsea asleep on the red rug."
    assert "Made by you" in [c.value for c in at.caption]

    at.text_input(key="draft_instruction").set_value("Give the cat a top hat")
    _click(at, "Revise")
    assert "only follow the preset revisions" in at.error[0].value
    assert store.load(story_id).draft.id == edited.id  # nothing changed

    _click(at, "Make it shorter")
    shorter = store.load(story_id).draft
    assert shorter.parent == edited.id
    assert len(shorter.text().split()) < len(edited.text().split())

    at.number_input(key="draft_extra").set_value(2)
    _click(at, "Enlarge the story")
    enlarged = store.load(story_id).draft
    assert len(enlarged.pages) == 5

    compare = at.expander[0]
    assert compare.label == "Compare two drafts"
    assert any("<ins" in m.value or "<del" in m.value for m in at.markdown)

    at.selectbox(key="draft_pick").set_value(first.id).run()
    _click(at, "Use this draft")
    assert store.load(story_id).draft.id == first.id
    assert len(store.load(story_id).drafts) == 4  # nothing lost by going back


def _draft_tab(story_id: str):
    at = _app()
    at.query_params["story"] = story_id
    at.run()
    _page(at, "pages/draft.py")
    return at


def test_two_tabs_editing_different_pages_both_keep_their_edit(data_dir, cat_bytes) -> None:
    story_id = _story_with_caption(data_dir, cat_bytes)
    store = Store(data_dir)
    story = store.load(story_id)
    from core.offline.writer import OfflineWriter

    list(studio.write_draft(store, story, OfflineWriter()))
    first = store.load(story_id).draft
    one, two = _draft_tab(story_id), _draft_tab(story_id)

    one.text_area(key=f"draft_text_{first.id}_{first.pages[0].id}").set_value("Tab one wrote page one.")
    _click(one, "Save my edits")
    two.text_area(key=f"draft_text_{first.id}_{first.pages[1].id}").set_value("Tab two wrote page two.")
    _click(two, "Save my edits")

    final = store.load(story_id).draft
    assert [final.pages[0].text, final.pages[1].text] == ["Tab one wrote page one.", "Tab two wrote page two."]
    assert any("Merged" in w.value for w in two.warning)
    assert not one.exception and not two.exception


def test_two_tabs_editing_the_same_page_keep_both_versions_and_say_so(data_dir, cat_bytes) -> None:
    story_id = _story_with_caption(data_dir, cat_bytes)
    store = Store(data_dir)
    from core.offline.writer import OfflineWriter

    list(studio.write_draft(store, store.load(story_id), OfflineWriter()))
    first = store.load(story_id).draft
    one, two = _draft_tab(story_id), _draft_tab(story_id)
    key = f"draft_text_{first.id}_{first.pages[0].id}"
    one.text_area(key=key).set_value("Tab one's page one.")
    _click(one, "Save my edits")
    two.text_area(key=key).set_value("Tab two's page one.")
    _click(two, "Save my edits")

    story = store.load(story_id)
    texts = {d.pages[0].text for d in story.drafts}
    assert {"Tab one's page one.", "Tab two's page one."} <= texts
    assert story.draft.pages[0].text == "Tab two's page one."
    assert any("kept as its own draft" in w.value for w in two.warning)
    assert not two.exception
