"""Saves are checked against the revision they started from; nothing anyone made is lost.

Defect 4 of issue 9: `Store.save` never checked the revision a save was based on, so a long step
(illustrate) overwrote an edit made meanwhile, and a second tab's edit vanished.
"""

from __future__ import annotations

import pytest

from core import studio
from core.storage.store import StaleRevision, StoryNotFound
from tests.doubles import ScriptedWriter, SolidIllustrator, story_of


@pytest.fixture
def story(store, cat_bytes):
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger cat on a red rug.")
    list(studio.write_draft(store, story, ScriptedWriter(story_of("Cat", "The cat sat.", "The cat ran."))))
    return story


def test_a_save_from_an_old_revision_is_refused_and_writes_nothing(store, story) -> None:
    here, there = store.load(story.id), store.load(story.id)
    here.settings.genre = "mystery"
    store.save(here)
    there.settings.tone = "funny"
    with pytest.raises(StaleRevision):
        store.save(there)
    newest = store.load(story.id)
    assert newest.settings.genre == "mystery" and newest.settings.tone != "funny"
    assert newest.revision == here.revision and there.revision == here.revision - 1


def test_a_deleted_story_is_not_brought_back_by_a_late_save(store, story) -> None:
    store.delete(story.id)
    with pytest.raises(StoryNotFound):
        store.save(story)
    assert not store.exists(story.id)


def test_an_edit_made_while_pictures_are_drawn_survives_and_so_do_the_pictures(store, story) -> None:
    class EditsMeanwhile(SolidIllustrator):
        """Another tab edits page 2 after the first picture is drawn."""

        def generate(self, *args, **kwargs):
            for n, item in enumerate(super().generate(*args, **kwargs)):
                if n == 1:
                    other = store.load(story.id)
                    pages = [(p.text, p.scene) for p in other.draft.pages]
                    pages[1] = ("The cat ran home, a new sentence.", pages[1][1])
                    studio.edit_draft(store, other, other.draft.title, pages)
                yield item

    list(studio.illustrate(store, story, EditsMeanwhile()))
    newest = store.load(story.id)
    assert newest.draft.pages[1].text == "The cat ran home, a new sentence."
    assert not newest.pages_without_picture()  # both pictures kept, on the edited draft's pages
    assert story.revision == newest.revision  # the caller's object is the newest version


def test_settings_changed_in_two_tabs_both_stick(store, story) -> None:
    here, there = store.load(story.id), store.load(story.id)
    studio.update_settings(store, here, genre="mystery")
    studio.update_settings(store, there, tone="funny")
    newest = store.load(story.id)
    assert (newest.settings.genre, newest.settings.tone) == ("mystery", "funny")


def test_a_revision_racing_a_hand_edit_keeps_both_and_says_so(store, story) -> None:
    class EditsWhileWriting(ScriptedWriter):
        def revise(self, brief, written, instruction):
            other = store.load(story.id)
            studio.edit_draft(store, other, "Hand title", [(p.text, p.scene) for p in other.draft.pages])
            return (yield from super().revise(brief, written, instruction))

    events = list(studio.revise(store, story, EditsWhileWriting(story_of("Cat 2", "A.", "B.")), "shorter"))
    newest = store.load(story.id)
    assert newest.draft.title == "Cat 2"
    assert any(d.title == "Hand title" for d in newest.drafts)
    assert any(isinstance(e, studio.Notice) and "changed elsewhere" in e.text for e in events)


def test_an_edit_of_a_draft_that_moved_on_merges_when_the_pages_differ(store, story) -> None:
    base = story.draft
    studio.edit_draft(
        store,
        store.load(story.id),
        base.title,
        [("One.", base.pages[0].scene), (base.pages[1].text, base.pages[1].scene)],
    )
    result = studio.edit_draft(
        store,
        store.load(story.id),
        base.title,
        [(base.pages[0].text, base.pages[0].scene), ("Two.", base.pages[1].scene)],
        based_on=base.id,
    )
    assert [p.text for p in store.load(story.id).draft.pages] == ["One.", "Two."]
    assert result.notice and "Merged" in result.notice
