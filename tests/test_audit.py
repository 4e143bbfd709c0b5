"""Every story keeps who changed what and when: the person, the step, the model's engine, the revision.

Recorded by core where saves happen (the studio step names itself, the store names its person), so
the history is right whichever page or command made the change.
"""

from __future__ import annotations

import json

import pytest

from core import studio
from core.people import audit
from core.people.access import as_person
from core.people.spaces import Person, Spaces
from core.storage.store import Store, StoryNotFound
from tests.doubles import ScriptedVision, ScriptedWriter, SolidIllustrator, story_of

ADA = Person(id="oidc:https://id.example:ada", name="Ada")
BEN = Person(id="oidc:https://id.example:ben", name="Ben")


def steps(store: Store, story_id: str) -> list[tuple]:
    return [(e.step, e.person, e.engine, e.revision) for e in store.history(story_id)]


def test_each_step_is_recorded_with_its_person_engine_and_revision(data_dir, cat_bytes) -> None:
    ada = as_person(Store(data_dir), ADA)
    story = studio.start_story(ada, cat_bytes, "cat.jpg")
    list(studio.caption(ada, story, ScriptedVision(["A ginger cat."])))
    studio.edit_caption(ada, story, "A ginger cat on a rug.")
    list(studio.write_draft(ada, story, ScriptedWriter(story_of("Cat", "One.", "Two."))))
    list(studio.illustrate(ada, story, SolidIllustrator()))
    ada.share(story.id, BEN.id, "edit")
    ben = as_person(Store(data_dir), BEN)
    studio.update_settings(ben, ben.load(story.id), style="watercolor")

    assert steps(ada, story.id) == [
        ("start", ADA.id, None, 1),
        ("photo", ADA.id, None, 2),
        ("caption", ADA.id, "scripted", 3),
        ("caption", ADA.id, None, 4),
        ("draft", ADA.id, "scripted", 5),
        ("characters", ADA.id, "scripted", 6),  # the sheets the studio proposes after a draft
        ("illustrate", ADA.id, "scripted", 7),
        ("illustrate", ADA.id, "scripted", 8),
        ("share", ADA.id, None, 8),
        ("settings", BEN.id, None, 9),
    ]
    entries = ada.history(story.id)
    assert entries[2].by == "Ada (scripted engine)" and entries[-1].by == "Ben"
    assert all(a.time <= b.time for a, b in zip(entries, entries[1:]))


def test_a_step_that_lost_the_race_is_recorded_once_at_the_revision_it_made(store, cat_bytes) -> None:
    story = studio.start_story(store, cat_bytes, "cat.jpg")
    other_tab = store.load(story.id)
    studio.edit_caption(store, story, "First tab.")
    studio.edit_caption(store, other_tab, "Second tab.")  # stale: reloaded and saved on top
    entries = [(e.step, e.revision) for e in store.history(story.id)]
    assert entries == [("start", 1), ("photo", 2), ("caption", 3), ("caption", 4)]  # every entry, none twice


def test_the_history_holds_no_story_text_prompt_or_key(store, cat_bytes) -> None:
    story = studio.start_story(store, cat_bytes, "cat.jpg")
    studio.edit_caption(store, story, "A secret caption sk-live-123")
    list(studio.write_draft(store, story, ScriptedWriter(story_of("Hidden title", "Hidden page."))))
    raw = (store.folder(story.id) / audit.FILE_NAME).read_text()
    for leak in ("secret caption", "sk-live", "Hidden", "scene of"):
        assert leak not in raw
    assert set(json.loads(raw.splitlines()[0])) == {"time", "revision", "step", "person", "name", "engine"}


def test_the_history_keeps_the_newest_entries_only(store, cat_bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "KEEP_ENTRIES", 10)
    story = studio.start_story(store, cat_bytes, "cat.jpg")
    for n in range(30):
        studio.edit_caption(store, story, f"Caption {n}.")
    history = store.history(story.id)
    assert len(history) == 10 and history[-1].revision == story.revision == 32
    assert [e.revision for e in history] == list(range(23, 33))
    assert len((store.folder(story.id) / audit.FILE_NAME).read_text().splitlines()) <= 11


def test_only_who_may_see_the_story_reads_its_history_and_a_space_owner_reads_every_one(data_dir, cat_bytes) -> None:
    root = Store(data_dir)
    teacher = Person(id="oidc:https://id.example:teacher", name="Teacher")
    team = Spaces(data_dir).create("class", teacher, "Class 4B")
    Spaces(data_dir).set_role(team.id, teacher, ADA.id, "editor")
    Spaces(data_dir).set_role(team.id, teacher, BEN.id, "editor")
    ada = as_person(root, ADA, team.id)
    story = studio.start_story(ada, cat_bytes, "cat.jpg")
    studio.edit_caption(ada, story, "Ada's caption.")

    assert [e.step for e in as_person(root, teacher, team.id).history(story.id)] == ["start", "photo", "caption"]
    with pytest.raises(StoryNotFound):
        as_person(root, BEN, team.id).history(story.id)


def test_a_duplicate_starts_its_own_history(store, cat_bytes) -> None:
    story = studio.start_story(store, cat_bytes, "cat.jpg")
    studio.edit_caption(store, story, "A cat.")
    copy = studio.duplicate_story(store, story.id)
    assert [e.step for e in store.history(copy.id)] == ["duplicate"]


def test_a_deleted_story_leaves_a_record_its_spaces_owner_sees(data_dir, cat_bytes, capsys) -> None:
    """A pupil's deleted story took its history with it and the teacher's `class show` no longer
    listed it. The deletion is kept with the space: who, which story, its title, when."""
    from core.cli import main
    from core.errors import InputError
    from core.people.classes import Classrooms

    classes = Classrooms(data_dir)
    room = classes.open_class(ADA, "Class 4b")
    mia, _ = classes.join(room.code, "Mia")
    pupil = as_person(Store(data_dir), mia.person, mia.class_id)
    story = studio.start_story(pupil, cat_bytes, "cat.jpg")
    studio.edit_caption(pupil, story, "A cat.")
    list(studio.write_draft(pupil, story, ScriptedWriter(story_of("Pim's secret", "One."))))
    studio.delete_story(pupil, story.id)

    teacher = as_person(Store(data_dir), ADA, room.id)
    [gone] = teacher.deletions(room.id)
    assert (gone.story, gone.title, gone.owner, gone.person, gone.name) == (
        story.id,
        "Pim's secret",
        mia.person.id,
        mia.person.id,
        "Mia",
    )
    assert gone.time.tzinfo is not None
    with pytest.raises(InputError, match="no such space"):
        pupil.deletions(room.id)  # a pupil does not read the class's record
    assert main(["class", "show", room.id, "--as", ADA.id, "--data-dir", str(data_dir)]) == 0
    shown = capsys.readouterr().out
    assert f"deleted {gone.time:%Y-%m-%d %H:%M} UTC by Mia: {story.id}  Pim's secret" in shown

    # in a team, and in a person's own space, the same: the owner sees what was deleted
    team = Spaces(data_dir).create("team", ADA, "Spring")
    Spaces(data_dir).set_role(team.id, ADA, BEN.id, "editor")
    ben = as_person(Store(data_dir), BEN, team.id)
    studio.delete_story(ben, studio.start_story(ben, cat_bytes, "b.jpg").id)
    assert [d.name for d in as_person(Store(data_dir), ADA, team.id).deletions(team.id)] == ["Ben"]
    with pytest.raises(InputError):
        ben.deletions(team.id)
    own = as_person(Store(data_dir), BEN)
    studio.delete_story(own, studio.start_story(own, cat_bytes, "c.jpg").id)
    assert [d.person for d in own.deletions()] == [BEN.id]


def test_a_teachers_approval_is_in_the_storys_history(data_dir, cat_bytes) -> None:
    from core.people.classes import Classrooms

    classes = Classrooms(data_dir)
    room = classes.open_class(ADA, "Class 4b")
    classes.set_review(room.id, ADA, True)
    mia, _ = classes.join(room.code, "Mia")
    pupil = as_person(Store(data_dir), mia.person, mia.class_id)
    story = studio.start_story(pupil, cat_bytes, "cat.jpg")
    studio.approve_story(classes, room.id, ADA, story.id)
    studio.approve_story(classes, room.id, ADA, story.id, approved=False)
    entries = pupil.history(story.id)
    assert [(e.step, e.person, e.name) for e in entries[-2:]] == [
        ("approve", ADA.id, "Ada"),
        ("withdraw", ADA.id, "Ada"),
    ]
    assert [e.step for e in entries] == ["start", "photo", "approve", "withdraw"]  # each once
