"""What a person wrote survives a later revision, or the revision says so (issue 20, item 4).

A preset revision of the offline writer keeps a person's sentences and adds to them, but "shorter"
leaves half a page out and "simpler" cuts sentences; a model writer may rewrite every sentence.
The studio compares the person's sentences before and after, and names the pages it changed.
"""

from __future__ import annotations

from core import studio
from core.offline.writer import OfflineWriter
from tests.doubles import ScriptedWriter, story_of

MINE = "Bea baked a tiny cake. It was pink and soft. Chelsea licked the icing. They laughed until dark."


def _notices(events) -> list[str]:
    return [e.text for e in events if isinstance(e, studio.Notice)]


def _offline_story(store, cat_bytes):
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, "Our old tabby cat Chelsea in the kitchen.")
    studio.update_settings(store, story, pages=4)
    list(studio.write_draft(store, story, OfflineWriter()))
    pages = [(p.text, p.scene) for p in story.draft.pages]
    pages[1] = (MINE, pages[1][1])
    studio.edit_draft(store, story, story.draft.title, pages)
    return store.load(story.id)


def test_shorter_leaves_out_what_a_person_wrote_and_says_which_page_and_where_it_is_kept(store, cat_bytes) -> None:
    story = _offline_story(store, cat_bytes)
    notices = _notices(studio.revise(store, story, OfflineWriter(), "Make it shorter"))
    story = store.load(story.id)
    assert MINE not in story.draft.pages[1].text  # half of it was left out
    (notice,) = [n for n in notices if "you wrote" in n]
    assert "on page 2." in notice and "draft #2 (edited by hand)" in notice
    assert story.drafts[1].pages[1].text == MINE  # kept where the notice says


def test_a_revision_that_keeps_what_a_person_wrote_says_nothing_of_it(store, cat_bytes) -> None:
    story = _offline_story(store, cat_bytes)
    notices = _notices(studio.revise(store, story, OfflineWriter(), "Make it funnier"))
    story = store.load(story.id)
    assert all(s in story.draft.pages[1].text for s in MINE.split(". "))  # kept, a line added
    assert not [n for n in notices if "you wrote" in n]
    # the next revision still knows those sentences are the person's, two drafts up
    notices = _notices(studio.revise(store, story, OfflineWriter(), "Make it shorter"))
    assert [n for n in notices if "you wrote" in n and "page 2." in n]


def test_a_model_rewriting_every_page_names_only_the_pages_a_person_wrote(store, cat_bytes) -> None:
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger cat.")
    first = story_of("Cat", "The cat sat.", "The cat ran.", "The cat slept.")
    list(studio.write_draft(store, story, ScriptedWriter(first)))
    studio.edit_draft(
        store, story, "Cat", [("The cat sat.", ""), ("The cat ran. Then she hid in a box!", ""), ("The cat slept.", "")]
    )
    story = store.load(story.id)
    rewritten = story_of("Cat", "A cat sat down.", "A cat ran off.", "The cat slept.")
    notices = _notices(studio.revise(store, story, ScriptedWriter(rewritten), "make it calmer"))
    (notice,) = [n for n in notices if "you wrote" in n]
    assert notice.startswith('"make it calmer" changed or left out sentences you wrote on page 2.')
    # what the model wrote is the model's to rewrite: a second rewrite has nothing of the person's left
    story = store.load(story.id)
    again = story_of("Cat", "Cats sit.", "Cats run.", "Cats sleep.")
    assert not [n for n in _notices(studio.revise(store, story, ScriptedWriter(again), "simpler")) if "you wrote" in n]
