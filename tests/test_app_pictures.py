"""The Pictures page: draw, redraw, reuse a seed, edit a prompt, pick a picture; upscale one page."""

from __future__ import annotations

import re

from core import studio
from core.offline.illustrator import OfflineIllustrator
from core.offline.writer import OfflineWriter
from core.storage.store import Store
from tests.test_app_flow import _app, _click, _page


def _drafted(data_dir, cat_bytes, pages: int):
    """A story of `pages` pages with an offline draft and no pictures yet: (store, story)."""
    store = Store(data_dir)
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger cat on a red rug.")
    studio.update_settings(store, story, pages=pages)
    list(studio.write_draft(store, story, OfflineWriter()))
    return store, story


def _picker(at, page_id: str):
    """The "Use picture" radio of a page (its key also names how many pictures and the one in use)."""
    (radio,) = [r for r in at.radio if r.key.startswith(f"pictures_pick_{page_id}_")]
    return radio


def _pictures_page(story):
    at = _app()
    at.query_params["story"] = story.id
    at.run()
    _page(at, "pages/pictures.py")
    return at


def test_pictures_page(data_dir, cat_bytes) -> None:
    store, story = _drafted(data_dir, cat_bytes, 2)
    page = story.draft.pages[0]
    at = _pictures_page(story)
    _click(at, "Draw the 2 missing pictures")
    first = store.load(story.id).scenes[page.id].chosen_variant()

    _click(at, "New picture")
    second = store.load(story.id).scenes[page.id].chosen_variant()
    assert second.seed != first.seed and second.image != first.image

    at.text_area(key=f"pictures_prompt_{story.draft.id}_{page.id}").set_value("a cat in ink on a rooftop")
    at.number_input(key=f"pictures_seed_{page.id}_2").set_value(first.seed)
    _click(at, "Redraw with seed")
    third = store.load(story.id).scenes[page.id].chosen_variant()
    # the person's prompt, with the sheets of the page's characters woven in after it
    assert third.seed == first.seed and third.prompt.startswith("a cat in ink on a rooftop")
    assert store.load(story.id).draft.pages[0].prompt == "a cat in ink on a rooftop"

    pick = _picker(at, page.id)
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


def test_with_more_versions_than_shown_the_picker_numbers_what_the_thumbnails_show(data_dir, cat_bytes) -> None:
    store, story = _drafted(data_dir, cat_bytes, 1)
    page = story.draft.pages[0]
    for _ in range(8):
        list(studio.illustrate(store, story, OfflineIllustrator(), [page.id]))
    variants = store.load(story.id).scenes[page.id].variants
    assert len(variants) == 8

    at = _app()
    at.query_params["story"] = story.id
    at.switch_page("pages/pictures.py").run()
    assert not at.exception, at.exception
    # The small pictures of the versions (the grid of pages shows "Page 1"): "#3", a line break, "seed 123"
    shown = {
        int(number): int(seed)
        for image in at.image
        for caption in image.captions
        if (match := re.fullmatch(r"#(\d+)\s+seed (\d+)", caption))
        for number, seed in [match.groups()]
    }
    assert sorted(shown) == [3, 4, 5, 6, 7, 8]  # the newest six, numbered from the first ever drawn
    assert {number: variants[number - 1].seed for number in shown} == shown
    pick = _picker(at, page.id)
    assert pick.options == [f"#{number}" for number in sorted(shown)]  # the picker counts the same way

    pick.set_value(variants[2].id).run()  # "#3", the oldest one shown
    assert not at.exception, at.exception
    assert store.load(story.id).scenes[page.id].chosen == variants[2].id
    chosen = store.load(story.id).picture(page.id)
    assert chosen.seed == shown[3]

    studio.choose_variant(store, store.load(story.id), page.id, variants[0].id)  # one older than those shown
    at.run()
    pick = _picker(at, page.id)
    assert pick.options == ["#1", "#4", "#5", "#6", "#7", "#8"] and pick.value == variants[0].id
    assert "The one in use and the newest 5 of the 8 versions." in [c.value for c in at.caption]


def test_an_edited_prompt_is_drawn_by_new_picture_and_what_cannot_be_drawn_is_said(data_dir, cat_bytes) -> None:
    store, story = _drafted(data_dir, cat_bytes, 1)
    page = story.draft.pages[0]
    at = _pictures_page(story)
    at.text_area(key=f"pictures_prompt_{story.draft.id}_{page.id}").set_value(
        "a close-up of the cat and a dragon at night"
    )
    at.run()
    assert any("cannot draw: dragon" in c.value for c in at.caption)
    _click(at, "New picture")
    drawn = store.load(story.id).picture(page.id)
    assert drawn.prompt.startswith("a close-up of the cat and a dragon at night")  # and the page's characters
    assert not at.exception


def test_variants_grid_pins_survive_reruns_and_redraw_unpinned_skips_them(data_dir, cat_bytes, monkeypatch) -> None:
    monkeypatch.setenv("VISUTALE_ILLUSTRATOR_SIZE", "160")  # small pictures: the choosing is tested here
    store, story = _drafted(data_dir, cat_bytes, 2)
    first, second = story.draft.pages
    at = _pictures_page(story)
    at.number_input(key="pictures_variants").set_value(3).run()
    _click(at, "Draw the 2 missing pictures")
    saved = store.load(story.id)
    for page in (first, second):  # three per page in one batch, each with its own seed, the first in use
        variants = saved.scenes[page.id].variants
        assert len(variants) == 3 and len({v.seed for v in variants}) == 3
        assert saved.picture(page.id).id == variants[0].id and variants[0].params == variants[2].params

    # Page 1 is open: pick its third picture side by side with the others, then pin it.
    pick = _picker(at, first.id)
    assert len(pick.options) == 3
    pick.set_value(saved.scenes[first.id].variants[2].id).run()
    at.checkbox(key=f"pictures_pin_{first.id}_False").check().run()
    assert not at.exception, at.exception
    pinned = store.load(story.id).scenes[first.id]
    assert pinned.pinned and pinned.chosen == pinned.variants[2].id
    at.run()  # a rerun keeps the pin: the box is checked, the grid says so
    assert at.checkbox(key=f"pictures_pin_{first.id}_True").value
    assert "Page 1 · pinned" in [c for image in at.image for c in image.captions]

    at.number_input(key="pictures_variants").set_value(1).run()
    _click(at, "Redraw the 1 unpinned pages")
    after = store.load(story.id)
    assert len(after.scenes[first.id].variants) == 3 and after.scenes[first.id].chosen == pinned.chosen
    assert (
        len(after.scenes[second.id].variants) == 4
        and after.picture(second.id).id == after.scenes[second.id].variants[3].id
    )


def test_whole_book_versions_side_by_side_use_one_or_mix_pages(data_dir, cat_bytes, monkeypatch) -> None:
    monkeypatch.setenv("VISUTALE_ILLUSTRATOR_SIZE", "160")
    store, story = _drafted(data_dir, cat_bytes, 2)
    first, second = story.draft.pages
    at = _pictures_page(story)
    at.number_input(key="pictures_versions_count").set_value(2).run()
    _click(at, "Make 2 versions of the book")
    saved = store.load(story.id)
    one, two = saved.versions
    assert [v.number for v in saved.versions] == [1, 2] and one.pictures.keys() == {first.id, second.id}
    assert one.pictures[first.id] != two.pictures[first.id]
    assert saved.picture(first.id).id == one.pictures[first.id]  # version 1 in use at first
    assert [c for image in at.image for c in image.captions].count("in use") == 2  # nothing pinned here

    _click(at, "Use version 2")
    assert {p: store.load(story.id).picture(p).id for p in (first.id, second.id)} == two.pictures
    mix = [b for b in at.button if b.label == "Use for this page" and b.key.endswith(first.id)]
    mix[0].click().run()  # page 1 from version 1, page 2 stays from version 2
    assert not at.exception, at.exception
    mixed = store.load(story.id)
    assert (
        mixed.picture(first.id).id == one.pictures[first.id] and mixed.picture(second.id).id == two.pictures[second.id]
    )


def test_offline_engine_says_plainly_it_cannot_redraw_a_region(data_dir, cat_bytes) -> None:
    store, story = _drafted(data_dir, cat_bytes, 1)
    list(studio.illustrate(store, story, OfflineIllustrator(long_side=128)))
    at = _pictures_page(story)
    assert any("cannot redraw part of a picture" in i.value for i in at.info)
