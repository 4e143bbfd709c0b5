"""core.studio's bookkeeping: what each step keeps, what it leaves alone when it fails."""

from __future__ import annotations

import pytest

from core import studio
from core.errors import InputError, ProviderError
from core.safety import SafetyChecker
from tests.doubles import ScriptedVision, ScriptedWriter, SolidIllustrator, UpperTranslator, story_of


@pytest.fixture
def story(store, cat_bytes):
    return studio.start_story(store, cat_bytes, "chelsea.jpg")


def drain(events) -> list:
    return list(events)


def with_caption(store, story, text="A ginger cat on a red rug."):
    studio.edit_caption(store, story, text)
    return story


def test_a_new_story_keeps_the_original_and_a_working_copy(store, story, cat_bytes) -> None:
    assert store.read_image(story.id, story.photo.original) == cat_bytes
    assert story.photo.image.endswith(".png") and story.photo.width == 451
    assert store.load(story.id).photo == story.photo


def test_a_bad_upload_makes_no_story(store) -> None:
    with pytest.raises(InputError):
        studio.start_story(store, b"<html>not a photo</html>", "photo.jpg")
    assert store.list() == []


def test_caption_streams_and_is_kept_with_its_engine(store, story) -> None:
    events = drain(studio.caption(store, story, ScriptedVision(["A cat ", "on a rug."])))
    assert [e.text for e in events] == ["A cat ", "on a rug."]
    saved = store.load(story.id)
    assert saved.caption == "A cat on a rug."
    assert saved.captions[-1].author == "model" and saved.captions[-1].engine == "scripted"
    assert not saved.captions[-1].incomplete


def test_a_caption_stopped_half_way_keeps_what_arrived(store, story) -> None:
    stream = studio.caption(store, story, ScriptedVision(["A cat ", "on a rug ", "by a door."]))
    next(stream)
    stream.close()  # the person pressed stop, or the page reran
    saved = store.load(story.id)
    assert saved.caption == "A cat" and saved.captions[-1].incomplete


def test_a_failing_vision_server_keeps_the_partial_caption_and_says_so(store, story) -> None:
    with pytest.raises(ProviderError):
        drain(studio.caption(store, story, ScriptedVision(["A cat ", "on", "x"], fail_after=2)))
    assert store.load(story.id).captions[-1].incomplete


def test_person_edits_and_restores_captions(store, story) -> None:
    drain(studio.caption(store, story, ScriptedVision(["Model words."])))
    assert studio.edit_caption(store, story, "My words.")
    assert not studio.edit_caption(store, story, "My words.")  # unchanged: no new version
    with pytest.raises(InputError):
        studio.edit_caption(store, story, "   ")
    studio.restore_caption(store, story, 0)
    saved = store.load(story.id)
    assert [c.author for c in saved.captions] == ["model", "person", "model"]
    assert saved.caption == "Model words."


def test_draft_revise_extend_keep_history_and_pictures(store, story) -> None:
    with_caption(store, story)
    writer = ScriptedWriter(
        story_of("Cat", "One.", "Two."),
        story_of("Funny Cat", "Ha one.", "Ha two."),
        story_of("Funny Cat", "Ha one.", "Middle.", "Ha two."),
    )
    drain(studio.write_draft(store, story, writer))
    first = story.draft
    assert first.title == "Cat" and [p.text for p in first.pages] == ["One.", "Two."]
    assert "watercolour" in first.pages[0].prompt and "scene of One," in first.pages[0].prompt
    drain(studio.illustrate(store, story, SolidIllustrator()))
    drain(studio.revise(store, story, writer, "Make it funnier"))
    second = story.draft
    assert second.parent == first.id and second.instruction == "Make it funnier"
    assert [p.id for p in second.pages] == [p.id for p in first.pages]  # same pages keep their pictures
    drain(studio.extend(store, story, writer, 1))
    third = story.draft
    assert len(third.pages) == 3 and third.pages[0].id == second.pages[0].id
    assert third.pages[1].id not in story.scenes  # the new page has no picture yet
    assert writer.asked[2][2] == 1
    saved = store.load(story.id)
    assert [d.id for d in saved.drafts] == [first.id, second.id, third.id]
    studio.choose_draft(store, saved, first.id)
    assert store.load(story.id).draft.title == "Cat"


def test_a_revision_with_a_new_structure_gets_new_pages(store, story) -> None:
    with_caption(store, story)
    writer = ScriptedWriter(story_of("Cat", "One.", "Two."), story_of("Short", "All in one."))
    drain(studio.write_draft(store, story, writer))
    old_ids = {p.id for p in story.draft.pages}
    drain(studio.revise(store, story, writer, "shorter"))
    assert not old_ids & {p.id for p in story.draft.pages}


def test_a_writer_error_keeps_the_previous_draft(store, story) -> None:
    with_caption(store, story)

    class Broken(ScriptedWriter):
        def revise(self, brief, story, instruction):
            yield "Once"
            raise ProviderError("The server went away; your previous draft is kept.")

    drain(studio.write_draft(store, story, ScriptedWriter(story_of("Cat", "One."))))
    before = store.load(story.id)
    with pytest.raises(ProviderError):
        drain(studio.revise(store, story, Broken(), "anything"))
    assert store.load(story.id).drafts == before.drafts


def test_hand_edits_make_a_person_draft_and_word_diff_shows_them(store, story) -> None:
    with_caption(store, story)
    drain(studio.write_draft(store, story, ScriptedWriter(story_of("Cat", "The cat sat."))))
    page = story.draft.pages[0]
    assert studio.edit_draft(store, story, "Cat", [(page.text, page.scene)]).draft is None
    edited = studio.edit_draft(store, story, "Cat", [("The big cat sat down.", page.scene)]).draft
    assert edited.author == "person" and edited.pages[0].id == page.id
    assert edited.pages[0].prompt == page.prompt  # same scene, same prompt
    rescened = studio.edit_draft(store, story, "Cat", [("The big cat sat down.", "A dog in the snow")]).draft
    assert "a dog in the snow" in rescened.pages[0].prompt
    runs = studio.word_diff(story.drafts[0], story.drafts[1])
    assert runs == [(" ", "Cat The"), ("+", "big"), (" ", "cat"), ("-", "sat."), ("+", "sat down.")]


def test_pictures_record_seeds_regenerate_and_pick(store, story) -> None:
    with_caption(store, story)
    drain(studio.write_draft(store, story, ScriptedWriter(story_of("Cat", "One.", "Two."))))
    illustrator = SolidIllustrator()
    events = drain(studio.illustrate(store, story, illustrator))
    assert [e.done for e in events if isinstance(e, studio.Progress)][-1] == 2
    page = story.draft.pages[0]
    first = story.scenes[page.id].chosen_variant()
    assert (first.width, first.height) == (48, 64) and first.params == {"kind": "solid"}
    drain(studio.illustrate(store, story, illustrator, [page.id]))
    second = story.scenes[page.id].chosen_variant()
    assert second.seed != first.seed and second.image != first.image
    drain(studio.illustrate(store, story, illustrator, [page.id], seed=first.seed))
    assert story.scenes[page.id].chosen_variant().image == first.image  # same seed, same picture
    studio.choose_variant(store, story, page.id, first.id)
    assert store.load(story.id).scenes[page.id].chosen == first.id
    with pytest.raises(InputError):
        studio.choose_variant(store, story, page.id, "nope")


def test_the_safety_check_skips_a_page_and_says_why(store, story) -> None:
    with_caption(store, story)
    drain(studio.write_draft(store, story, ScriptedWriter(story_of("Cat", "One.", "Two."))))
    studio.set_prompt(store, story, story.draft.pages[1].id, "a bloody gore scene")
    events = drain(studio.illustrate(store, story, SolidIllustrator(), safety=SafetyChecker()))
    notices = [e.text for e in events if isinstance(e, studio.Notice)]
    assert len(notices) == 1 and "Page 2" in notices[0]
    assert story.draft.pages[1].id not in story.scenes


def test_translation_is_kept_beside_the_original_and_a_bad_one_changes_nothing(store, story) -> None:
    with_caption(store, story)
    drain(studio.write_draft(store, story, ScriptedWriter(story_of("Cat", "One.", "Two."))))
    with pytest.raises(InputError):
        drain(studio.translate(store, story, UpperTranslator(drop_one=True), "de"))
    assert store.load(story.id).translations == []
    drain(studio.translate(store, story, UpperTranslator(), "de"))
    translation = story.translation("de")
    assert translation.title == "[de] CAT" and translation.pages == ["[de] ONE.", "[de] TWO."]
    studio.edit_translation(store, story, "de", "Katze", ["Eins.", "Zwei."])
    studio.retranslate_page(store, story, UpperTranslator(), "de", 1)
    saved = store.load(story.id).translation("de")
    assert saved.pages == ["Eins.", "[de] TWO."] and saved.edited
    assert story.draft.pages[0].text == "One."


def test_settings_out_of_range_change_nothing(store, story) -> None:
    with pytest.raises(InputError, match="pages"):
        studio.update_settings(store, story, pages=99)
    assert store.load(story.id).settings.pages == 8


def test_a_json_answer_streams_to_the_person_as_story_text(store, story) -> None:
    with_caption(store, story)

    class JsonWriter(ScriptedWriter):
        def draft(self, brief):
            answer = '{"title": "The Cat", "pages": [{"text": "Once a cat sat.", "scene": "a cat"}]}'
            for i in range(0, len(answer), 7):
                yield answer[i : i + 7]
            return story_of("The Cat", "Once a cat sat.")

    shown = "".join(e.text for e in studio.write_draft(store, story, JsonWriter()) if isinstance(e, studio.Token))
    assert shown == "The Cat\n\nOnce a cat sat."
    assert story.draft.pages[0].text == "Once a cat sat."


def test_enlarging_a_story_with_repeated_pages_never_repeats_an_id(store, story) -> None:
    with_caption(store, story)
    writer = ScriptedWriter(story_of("Echo", "Same.", "Same."), story_of("Echo", "Same.", "New.", "Same."))
    drain(studio.write_draft(store, story, writer))
    old = [p.id for p in story.draft.pages]
    drain(studio.extend(store, story, writer, 1))
    ids = [p.id for p in story.draft.pages]
    assert len(set(ids)) == 3 and ids[0] == old[0]


def test_a_new_style_rewrites_the_preset_prompts_and_keeps_edited_ones(store, story) -> None:
    with_caption(store, story)
    drain(studio.write_draft(store, story, ScriptedWriter(story_of("Cat", "One.", "Two."))))
    studio.set_prompt(store, story, story.draft.pages[1].id, "my own prompt, in ink")
    studio.update_settings(store, story, style="comic")
    pages = store.load(story.id).draft.pages
    assert "comic" in pages[0].prompt and "watercolour" not in pages[0].prompt
    assert pages[1].prompt == "my own prompt, in ink"


def test_the_offline_illustrator_names_what_it_cannot_draw(store, story) -> None:
    from core.offline.illustrator import OfflineIllustrator

    with_caption(store, story)
    note = studio.prompt_note(store, story, OfflineIllustrator(), "a close-up of the cat and a dragon, at night")
    assert note and "dragon" in note and "cat" not in note.split(":", 1)[1]
    assert studio.prompt_note(store, story, OfflineIllustrator(), "a close-up of the cat at night") is None
    assert studio.prompt_note(store, story, SolidIllustrator(), "a dragon") is None
