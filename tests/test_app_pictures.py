"""The Pictures page: draw, redraw, reuse a seed, edit a prompt, pick a picture; upscale one page."""

from __future__ import annotations

from core import studio
from core.offline.writer import OfflineWriter
from core.store import Store
from tests.test_app_flow import _app, _click, _page


def test_pictures_page(data_dir, cat_bytes) -> None:
    store = Store(data_dir)
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger cat on a red rug.")
    studio.update_settings(store, story, pages=2)
    list(studio.write_draft(store, story, OfflineWriter()))
    page = story.draft.pages[0]

    at = _app()
    at.query_params["story"] = story.id
    at.run()
    _page(at, "pages/pictures.py")
    _click(at, "Draw the 2 missing pictures")
    first = store.load(story.id).scenes[page.id].chosen_variant()

    _click(at, "New picture")
    second = store.load(story.id).scenes[page.id].chosen_variant()
    assert second.seed != first.seed and second.image != first.image

    at.text_area(key=f"pictures_prompt_{story.draft.id}_{page.id}").set_value("a cat in ink on a rooftop")
    at.number_input(key=f"pictures_seed_{page.id}_2").set_value(first.seed)
    _click(at, "Redraw with this seed")
    third = store.load(story.id).scenes[page.id].chosen_variant()
    assert third.seed == first.seed and third.prompt == "a cat in ink on a rooftop"
    assert store.load(story.id).draft.pages[0].prompt == "a cat in ink on a rooftop"

    pick = at.radio(key=f"pictures_pick_{page.id}_3")
    pick.set_value(first.id).run()
    assert not at.exception
    assert store.load(story.id).scenes[page.id].chosen == first.id

    _page(at, "pages/upscale.py")
    at.radio(key="upscale_factor").set_value(4).run()
    _click(at, "Upscale page 1")
    upscaled = store.load(story.id).scenes[page.id].chosen_variant()
    assert upscaled.upscale["factor"] == 4 and upscaled.upscale["width"] == first.width * 4
    other = store.load(story.id).scenes[story.draft.pages[1].id].chosen_variant()
    assert other.upscaled is None  # one by one means one
