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
    assert [(e.step, e.revision) for e in store.history(story.id)][-2:] == [("caption", 3), ("caption", 4)]


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
