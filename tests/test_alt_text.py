"""Alt text (WCAG 2.2, 1.1.1) without a browser: every picture a page draws passes one, and it says
what the picture shows (the page's key scene, the photo's caption); the web reader and the EPUB too."""

from __future__ import annotations

import ast

from core import alt_text, studio
from core.export.readalong import readalong_book
from core.export.reader import render_reader
from core.storage.store import Store
from tests.conftest import ROOT, SAMPLES
from tests.doubles import ScriptedWriter, SolidIllustrator, story_of


def test_every_picture_a_page_draws_has_alt_text() -> None:
    """Each `.image(...)` call in pages/ (st.image, column.image ...) names `alt=`."""
    missing = []
    for path in sorted((ROOT / "pages").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "image":
                if not any(keyword.arg == "alt" for keyword in node.keywords):
                    missing.append(f"{path.name}:{node.lineno}")
    assert missing == []


def _story(tmp_path, *texts: str):
    store = Store(tmp_path / "data")
    story = studio.start_story(store, (SAMPLES / "chelsea.jpg").read_bytes(), "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger cat on a rug.")
    list(studio.write_draft(store, story, ScriptedWriter(story_of("Kit", *texts))))
    list(studio.illustrate(store, story, SolidIllustrator()))
    return store, store.load(story.id)


def test_a_pictures_alt_text_is_its_key_scene_and_the_photos_is_its_caption(tmp_path) -> None:
    store, story = _story(tmp_path, "Kit climbs the oak. Then she naps.", "Dot waves.")
    first, second = story.draft.pages
    assert alt_text.page_alt(story, first.id, 1) == "Page 1: scene of Kit climbs the oak. Then she naps."
    assert alt_text.page_alt(story, second.id, 2, lead="Version #3 of ") == "Version #3 of page 2: scene of Dot waves."
    assert alt_text.photo_alt(story) == "The photo: A ginger cat on a rug."
    first.scene = ""  # an old story without key scenes: the text's first sentence
    assert alt_text.page_alt(story, first.id, 1) == "Page 1: Kit climbs the oak."


def test_the_web_readers_pictures_say_their_scene_and_a_live_region_says_the_page(tmp_path) -> None:
    store, story = _story(tmp_path, "Kit climbs the oak.", "Dot waves.")
    html = render_reader(readalong_book(store, story))
    assert 'alt="Page 1: scene of Kit climbs the oak."' in html and 'alt="Page 2: scene of Dot waves."' in html
    assert "Picture of page" not in html
    assert 'role="status" aria-live="polite"' in html
