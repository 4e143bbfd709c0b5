"""The Draft page: hand edits, presets, free text on the offline engine, enlarge, compare, restore."""

from __future__ import annotations

from core import studio
from core.store import Store
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

    at.text_input(key=f"draft_scene_{first.id}_{first.pages[0].id}")  # every page's scene is editable
    at.text_area(key=f"draft_text_{first.id}_{first.pages[0].id}").set_value("My own first page.")
    _click(at, "Save my edits")
    edited = store.load(story_id).draft
    assert edited.author == "person" and edited.pages[0].text == "My own first page."
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
