"""Strict safety in a class: always on for a class's stories, whatever the settings; kind words for
the pupil, the full story of each stopped attempt for the teacher, kept with the class."""

from __future__ import annotations

import pytest

from core import providers, studio
from core.classroom import safety as class_safety
from core.classroom.safety import Blocked, check_for_class
from core.errors import InputError
from core.people.access import as_person
from core.people.classes import Classrooms
from core.people.spaces import Person
from core.settings import Settings
from core.storage.store import Store
from tests.doubles import ScriptedVision, ScriptedWriter, SolidIllustrator, story_of

TEACHER = Person(id="oidc:https://id.example:teacher", name="Ms Rossi")


@pytest.fixture
def room(store: Store):
    classes = Classrooms(store.root)
    room = classes.open_class(TEACHER, "Class 4b")
    seat, _ = classes.join(room.code, "Mia")
    return classes, room, as_person(store, seat.person, seat.class_id), seat.person


def drafted(store: Store, cat_bytes: bytes, *texts: str):
    story = studio.start_story(store, cat_bytes, "cat.jpg")
    studio.edit_caption(store, story, "A ginger cat on a red rug.")
    list(studio.write_draft(store, story, ScriptedWriter(story_of("Cat", *texts))))
    return story


def test_a_pupils_picture_prompt_is_checked_though_nobody_turned_safety_on(room, cat_bytes) -> None:
    classes, room, pupil, mia = room
    story = drafted(pupil, cat_bytes, "One cat.", "Two cats.")
    studio.set_prompt(pupil, story, story.draft.pages[1].id, "a cat saying sh!t")
    events = list(studio.illustrate(pupil, story, SolidIllustrator(), safety=None))
    notices = [e.text for e in events if isinstance(e, studio.Notice)]
    assert notices == ["Page 2 was not drawn: “sh!t” is not a word we use in class books. "
                       "Try different words and have another go; your teacher can help."]  # fmt: skip
    assert story.draft.pages[1].id not in story.scenes and story.draft.pages[0].id in story.scenes

    (attempt,) = classes.blocked(room.id, TEACHER)
    assert (attempt.person, attempt.story, attempt.what) == (mia.id, story.id, "picture")
    assert "a cat saying sh!t" in attempt.text
    assert attempt.reasons == ['the word "sh!t" is on the classroom list']
    assert "classroom list" not in pupil.load(story.id).model_dump_json()  # kept with the class, not the story
    with pytest.raises(InputError, match="no such class"):
        classes.blocked(room.id, mia)  # the pupil does not read the teacher's list


def test_printing_a_class_story_is_checked_and_the_pupil_is_told_kindly(room, cat_bytes) -> None:
    classes, room, pupil, _ = room
    story = drafted(pupil, cat_bytes, "The cat was 5h17 at hiding.", "Two cats.")
    with pytest.raises(Blocked) as stopped:
        list(studio.export_pdf(pupil, story))  # no safety passed, as from a page with the setting off
    assert "“5h17” is not a word we use in class books" in str(stopped.value)
    assert stopped.value.reasons == ['the word "5h17" is on the classroom list']
    assert pupil.load(story.id).exports == []
    assert [a.what for a in classes.blocked(room.id, TEACHER)] == ["print"]


def test_a_class_caption_is_checked_whether_typed_or_described(room, cat_bytes) -> None:
    classes, room, pupil, _ = room
    story = studio.start_story(pupil, cat_bytes, "cat.jpg")
    with pytest.raises(Blocked, match="your teacher can help"):
        studio.edit_caption(pupil, story, "A f*ck cat")
    vision = ScriptedVision(["A cat ", "on a ", "ѕех rug."])
    events = []
    with pytest.raises(Blocked):
        for event in studio.caption(pupil, story, vision):
            events.append(event)
    assert events == []  # nothing of it was shown while it streamed
    assert pupil.load(story.id).captions == []  # nor kept
    list(studio.caption(pupil, story, ScriptedVision(["A ginger ", "cat."])))
    assert pupil.load(story.id).caption == "A ginger cat."
    assert [a.what for a in classes.blocked(room.id, TEACHER)] == ["caption", "caption"]


def test_outside_a_class_nothing_is_checked_unless_asked(store, cat_bytes) -> None:
    story = drafted(store, cat_bytes, "The cat said sh!t.")
    list(studio.export_pdf(store, story))  # a personal studio with the setting off prints it
    with pytest.raises(InputError, match="safety check stopped this export"):
        list(studio.export_pdf(store, story, safety=providers.safety_for(Settings(safety=True))))


def test_the_settings_cannot_switch_it_off_for_a_class_story(room, store, cat_bytes) -> None:
    _, _, pupil, _ = room
    in_class = drafted(pupil, cat_bytes, "One.")
    mine = drafted(store, cat_bytes, "One.")
    off = Settings(safety=False)
    assert providers.story_safety(off, pupil, in_class.id) is not None
    assert providers.story_safety(off, store, mine.id) is None
    assert store.class_space(in_class.id) == pupil.space.id and store.class_space(mine.id) is None


def test_narration_asks_check_for_class_before_it_speaks(room, cat_bytes) -> None:
    classes, room, pupil, _ = room
    story = drafted(pupil, cat_bytes, "One cat.")
    check_for_class(pupil, story, ["One cat.", "Two cats."], what="narration")  # all fine: no error
    with pytest.raises(Blocked, match="is not a word"):
        check_for_class(pupil, story, ["One cat.", "a b1tch"], what="narration")
    moderated = class_safety.SafetyChecker(moderate=lambda text: ["violence"] if "sword" in text else [])
    with pytest.raises(Blocked, match="might not be right for class"):
        check_for_class(pupil, story, ["a sword fight"], what="narration", safety=moderated)
    (latest, earlier) = classes.blocked(room.id, TEACHER)
    assert latest.reasons == ["the moderation service flagged it as violence"] and earlier.text == "a b1tch"


def test_pictures_drawn_while_the_story_is_written_are_checked_in_a_class_too(room, cat_bytes) -> None:
    from core.studio import pipeline
    from tests.test_pipeline import StreamingWriter, story_json

    classes, room, pupil, _ = room
    story = studio.start_story(pupil, cat_bytes, "cat.jpg")
    studio.edit_caption(pupil, story, "A ginger cat.")
    writer = StreamingWriter(story_json(["a fox by a lantern", "a fox saying f*ck"]))
    events = list(pipeline.write_and_illustrate(pupil, story, writer, SolidIllustrator()))
    notices = [e.text for e in events if isinstance(e, studio.Notice)]
    assert any(n.startswith("Page 2 was not drawn: “f*ck” is not a word") for n in notices), notices
    saved = pupil.load(story.id)
    assert saved.picture(saved.draft.pages[0].id) and not saved.picture(saved.draft.pages[1].id)
    assert [a.what for a in classes.blocked(room.id, TEACHER)] == ["picture"]


def test_a_storys_zip_leaves_out_its_pdfs_until_the_teacher_approves(room, cat_bytes) -> None:
    import io
    import zipfile

    from core.export.archive import export_zip

    classes, room, pupil, _ = room
    story = drafted(pupil, cat_bytes, "One cat.")
    list(studio.export_pdf(pupil, story))

    def pdfs() -> list[str]:
        names = zipfile.ZipFile(io.BytesIO(export_zip(pupil, pupil.load(story.id)))).namelist()
        return [n for n in names if n.startswith("exports/")]

    assert len(pdfs()) == 1
    classes.set_review(room.id, TEACHER, True)
    assert pdfs() == []
    classes.approve(room.id, TEACHER, story.id)
    assert len(pdfs()) == 1


def test_the_teacher_reads_the_stopped_attempts_on_the_command_line_too(room, cat_bytes, capsys) -> None:
    from core.cli import main

    classes, room, pupil, mia = room
    story = studio.start_story(pupil, cat_bytes, "cat.jpg")
    with pytest.raises(Blocked):
        studio.edit_caption(pupil, story, "A sh!t cat")
    assert main(["class", "show", room.id, "--as", TEACHER.id]) == 0
    out = capsys.readouterr().out
    assert f"caption in {story.id}: 'A sh!t cat': the word \"sh!t\" is on the classroom list" in out


def test_a_word_hidden_in_a_character_sheet_is_stopped_before_it_reaches_the_picture_model(store, cat_bytes) -> None:
    """The sheets are woven into every prompt (core.characters.sheets): what a pupil types there is checked too."""
    from core.people.classes import Classrooms
    from core.people.spaces import Person
    from tests.doubles import ScriptedWriter, SolidIllustrator, story_of

    teacher = Person(id="oidc:https://id.example:teacher", name="Ms Rossi")
    room = Classrooms(store.root).open_class(teacher, "Class 4b")
    seat, _ = Classrooms(store.root).join(room.code, "Mia")
    pupil = as_person(store, seat.person, seat.class_id)
    story = studio.start_story(pupil, cat_bytes, "m.jpg")
    studio.edit_caption(pupil, story, "A ginger cat on a red rug.")
    list(studio.write_draft(pupil, story, ScriptedWriter(story_of("Pim", "Pim naps.", "Pim wakes."))))
    from core.story import Character

    studio.replace_characters(
        pupil, story, [Character(name="Pim", kind="cat", look="a ginger cat", outfit="a sh1t hat")]
    )
    drawn = SolidIllustrator()
    events = list(studio.illustrate(pupil, store.load(story.id), drawn))
    assert not pupil.load(story.id).pictured_pages()
    assert any("not drawn" in getattr(e, "text", "") for e in events)
