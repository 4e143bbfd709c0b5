"""People, spaces and sharing: every story operation checks who asks before it touches a file."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from core import studio
from core.errors import InputError
from core.people.access import as_person
from core.people.spaces import PERSONAL, Level, Person, Spaces, new_link_key
from core.storage.store import Store, StoryNotFound
from core.story import new_id

ALICE = Person(id="oidc:https://id.example:alice", name="Alice")
BOB = Person(id="oidc:https://id.example:bob", name="Bob")
CAROL = Person(id="oidc:https://id.example:carol", name="Carol")


def not_found_message() -> str:
    return str(StoryNotFound())


def test_someone_elses_story_and_a_wrong_id_get_the_same_answer(store: Store, cat_bytes: bytes) -> None:
    story = studio.start_story(as_person(store, ALICE), cat_bytes, "cat.jpg")
    bob = as_person(store, BOB)
    answers = []
    for story_id in (story.id, new_id(), "../../etc/passwd"):
        with pytest.raises(StoryNotFound) as caught:
            bob.load(story_id)
        answers.append(str(caught.value))
    assert answers == [not_found_message()] * 3
    assert not bob.exists(story.id)
    assert bob.list() == []
    for touch in (
        lambda: bob.delete(story.id),
        lambda: bob.duplicate(story.id),
        lambda: bob.image_path(story.id, story.photo.image),
        lambda: bob.put_image(story.id, b"x", "png"),
        lambda: bob.versions(story.id),
        lambda: bob.share(story.id, BOB.id, "edit"),
        lambda: bob.access(story.id),
        lambda: studio.delete_story(bob, story.id),
    ):
        with pytest.raises(StoryNotFound):
            touch()
    assert as_person(store, ALICE).load(story.id).photo is not None  # nothing was touched


def test_a_forged_save_cannot_overwrite_someone_elses_story(store: Store, cat_bytes: bytes) -> None:
    story = studio.start_story(as_person(store, ALICE), cat_bytes, "cat.jpg")
    forged = as_person(store, ALICE).load(story.id)
    with pytest.raises(StoryNotFound):
        studio.edit_caption(as_person(store, BOB), forged, "Bob was here")
    assert store.load(story.id).caption == ""


def test_each_person_lists_only_their_own_stories(store: Store, cat_bytes: bytes) -> None:
    mine = studio.start_story(as_person(store, ALICE), cat_bytes, "a.jpg")
    theirs = studio.start_story(as_person(store, BOB), cat_bytes, "b.jpg")
    assert [s.id for s in as_person(store, ALICE).list()] == [mine.id]
    assert [s.id for s in as_person(store, BOB).list()] == [theirs.id]
    assert {s.id for s in store.list()} == {mine.id, theirs.id}  # the operator sees the folder


def test_a_read_only_share_lets_read_and_duplicate_but_not_change(store: Store, cat_bytes: bytes) -> None:
    alice = as_person(store, ALICE)
    story = studio.start_story(alice, cat_bytes, "cat.jpg")
    alice.share(story.id, BOB.id, "view")
    bob = as_person(store, BOB)
    [summary] = bob.list()
    assert (summary.id, summary.level, summary.owner) == (story.id, Level.VIEW, ALICE.id)
    seen = bob.load(story.id)
    with pytest.raises(InputError, match="shared with you to read, not to change"):
        studio.edit_caption(bob, seen, "Bob's caption")
    with pytest.raises(InputError, match="Only the story's owner"):
        bob.delete(story.id)
    with pytest.raises(InputError, match="Only the story's owner"):
        bob.share(story.id, CAROL.id, "edit")
    copy = bob.duplicate(story.id)
    assert bob.access(copy.id).owner == BOB.id and bob.level(copy.id) == Level.OWN
    assert copy.id not in {s.id for s in alice.list()}
    assert bob.read_image(copy.id, copy.photo.image) == alice.read_image(story.id, story.photo.image)


def test_an_editable_share_lets_change_and_a_revoke_takes_it_back(store: Store, cat_bytes: bytes) -> None:
    alice = as_person(store, ALICE)
    story = studio.start_story(alice, cat_bytes, "cat.jpg")
    alice.share(story.id, BOB.id, "edit")
    bob = as_person(store, BOB)
    studio.edit_caption(bob, bob.load(story.id), "A cat, says Bob")
    assert alice.load(story.id).caption == "A cat, says Bob"
    alice.revoke(story.id, BOB.id)
    with pytest.raises(StoryNotFound):
        bob.load(story.id)
    assert bob.list() == []


def test_a_long_step_refuses_a_reader_before_any_model_runs(store: Store, cat_bytes: bytes) -> None:
    alice = as_person(store, ALICE)
    story = studio.start_story(alice, cat_bytes, "cat.jpg")
    alice.share(story.id, BOB.id, "view")

    class Vision:
        engine, model = "test", "t"
        asked = 0

        def describe(self, image):
            Vision.asked += 1
            yield "a cat"

    with pytest.raises(InputError, match="not to change"):
        list(studio.caption(as_person(store, BOB), as_person(store, BOB).load(story.id), Vision()))
    assert Vision.asked == 0


def test_old_stories_belong_to_the_personal_space(store: Store, cat_bytes: bytes) -> None:
    story = studio.start_story(store, cat_bytes, "cat.jpg")
    (store.folder(story.id) / "access.json").unlink()  # a story saved before spaces existed
    personal = as_person(store, Person.personal())
    assert [s.id for s in personal.list()] == [story.id]
    studio.edit_caption(personal, personal.load(story.id), "Still mine")
    assert as_person(store, ALICE).list() == []


def test_an_unreadable_access_record_grants_nothing(store: Store, cat_bytes: bytes) -> None:
    personal = as_person(store, Person.personal())
    story = studio.start_story(personal, cat_bytes, "cat.jpg")
    (store.folder(story.id) / "access.json").write_text("{not json")
    with pytest.raises(StoryNotFound):
        personal.load(story.id)


def test_people_ids_are_validated_and_link_ids_hide_their_key() -> None:
    key = new_link_key()
    person = Person.from_link(key)
    assert person.id.startswith("link:") and key not in person.id
    assert Person.from_link(key) == person and Person.from_link(new_link_key()) != person
    with pytest.raises(InputError):
        Person.from_link("../../etc")
    signed = Person.from_claims({"iss": "http://127.0.0.1:9400", "sub": "alice", "email": "a@example.com"})
    assert signed.id == "oidc:http://127.0.0.1:9400:alice" and signed.name == "a@example.com"
    with pytest.raises(InputError, match="did not say who you are"):
        Person.from_claims({"email": "a@example.com"})


def test_sharing_with_a_malformed_id_is_refused(store: Store, cat_bytes: bytes) -> None:
    alice = as_person(store, ALICE)
    story = studio.start_story(alice, cat_bytes, "cat.jpg")
    with pytest.raises(InputError, match="not a person id"):
        alice.share(story.id, "bob; rm -rf /", "view")
    with pytest.raises(InputError, match="owner"):
        alice.share(story.id, ALICE.id, "view")


def test_a_class_teacher_sees_every_pupil_and_pupils_only_their_own(store: Store, cat_bytes: bytes) -> None:
    teacher, pupil_a, pupil_b = ALICE, BOB, CAROL
    spaces = Spaces(store.root)
    klass = spaces.create("class", teacher, "Class 4b")
    spaces.set_role(klass.id, teacher, pupil_a.id, "editor")
    spaces.set_role(klass.id, teacher, pupil_b.id, "editor")
    with pytest.raises(InputError, match="Only the owner"):
        spaces.set_role(klass.id, pupil_a, pupil_a.id, "owner")
    a = studio.start_story(as_person(store, pupil_a, klass.id), cat_bytes, "a.jpg")
    b = studio.start_story(as_person(store, pupil_b, klass.id), cat_bytes, "b.jpg")
    assert {s.id for s in as_person(store, teacher, klass.id).list()} == {a.id, b.id}
    assert [s.id for s in as_person(store, pupil_a, klass.id).list()] == [a.id]
    as_person(store, teacher).share(b.id, None, "view")  # the teacher shares b with the class
    assert {s.id for s in as_person(store, pupil_a, klass.id).list()} == {a.id, b.id}
    assert as_person(store, pupil_a).level(b.id) == Level.VIEW
    assert json.loads((store.folder(b.id) / "access.json").read_text())["owner"] == pupil_b.id


def test_a_viewer_of_a_space_may_start_nothing_there(store: Store) -> None:
    spaces = Spaces(store.root)
    team = spaces.create("team", ALICE, "Marketing")
    spaces.set_role(team.id, ALICE, BOB.id, "viewer")
    with pytest.raises(InputError, match="not start stories there"):
        as_person(store, BOB, team.id).create()
    with pytest.raises(InputError, match="no such space"):
        as_person(store, BOB, "0" * 32)


# --- a property: random operations by random people find no access outside the rules ----------

PEOPLE = [Person.personal(), ALICE, BOB, CAROL]
TEACHER, PUPIL, VIEWER = ALICE, BOB, CAROL


class Rules:
    """The rules of core.people.spaces, written out again as plain data to check the store against."""

    def __init__(self) -> None:
        self.stories: dict[str, dict] = {}  # id -> owner, space, shares {(kind, target): mode}

    def level(self, person: str, story_id: str, class_id: str) -> Level:
        story = self.stories.get(story_id)
        if story is None:
            return Level.NONE
        in_class = story["space"] == class_id
        role = {TEACHER.id: "owner", PUPIL.id: "editor", VIEWER.id: "viewer"}.get(person) if in_class else None
        if person == story["owner"] or role == "owner":
            return Level.OWN
        best = Level.NONE
        for (kind, target), mode in story["shares"].items():
            if kind == "person" and target == person:
                best = max(best, Level.EDIT if mode == "edit" else Level.VIEW)
            if kind == "space" and role is not None:
                best = max(best, Level.EDIT if mode == "edit" and role != "viewer" else Level.VIEW)
        return best


class AccessMachine(RuleBasedStateMachine):
    stories = Bundle("stories")

    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        self.store = Store(Path(self.tmp.name))
        spaces = Spaces(self.store.root)
        self.klass = spaces.create("class", TEACHER, "Class").id
        spaces.set_role(self.klass, TEACHER, PUPIL.id, "editor")
        spaces.set_role(self.klass, TEACHER, VIEWER.id, "viewer")
        self.rules = Rules()

    def teardown(self) -> None:
        self.tmp.cleanup()

    def view(self, person: Person, in_class: bool):
        return as_person(self.store, person, self.klass if in_class else None)

    def expect(self, person: Person, story_id: str, needed: Level, action) -> bool:
        have = self.rules.level(person.id, story_id, self.klass)
        if have >= needed:
            action()
            return True
        with pytest.raises(StoryNotFound if have == Level.NONE else InputError) as caught:
            action()
        if have == Level.NONE:
            assert str(caught.value) == not_found_message()
        return False

    @rule(target=stories, who=st.sampled_from(PEOPLE), in_class=st.booleans())
    def create(self, who: Person, in_class: bool) -> str:
        may = not in_class or who.id in (TEACHER.id, PUPIL.id)
        if not may or (in_class and who.id == PERSONAL):
            with pytest.raises(InputError):
                self.view(who, in_class).create()
            return new_id()  # a story that does not exist: a wrong id, for later rules
        story = self.view(who, in_class).create()
        space = self.klass if in_class else self.view(who, False).space.id
        self.rules.stories[story.id] = {"owner": who.id, "space": space, "shares": {}}
        return story.id

    @rule(who=st.sampled_from(PEOPLE), story_id=stories, in_class=st.booleans())
    def load(self, who: Person, story_id: str, in_class: bool) -> None:
        self.expect(who, story_id, Level.VIEW, lambda: self.view(who, in_class).load(story_id))

    @rule(who=st.sampled_from(PEOPLE), story_id=stories, text=st.sampled_from(["one", "two", "three"]))
    def edit(self, who: Person, story_id: str, text: str) -> None:
        view = self.view(who, False)

        def change() -> None:
            studio.update_settings(view, self.store.load(story_id), tone=text)

        if self.expect(who, story_id, Level.EDIT, change):
            assert self.store.load(story_id).settings.tone == text

    @rule(who=st.sampled_from(PEOPLE), story_id=stories)
    def delete(self, who: Person, story_id: str) -> None:
        if self.expect(who, story_id, Level.OWN, lambda: studio.delete_story(self.view(who, False), story_id)):
            del self.rules.stories[story_id]
        assert self.store.exists(story_id) == (story_id in self.rules.stories)

    @rule(target=stories, who=st.sampled_from(PEOPLE), story_id=stories)
    def duplicate(self, who: Person, story_id: str) -> str:
        made: list[str] = []
        if self.expect(who, story_id, Level.VIEW, lambda: made.append(self.view(who, False).duplicate(story_id).id)):
            space = self.view(who, False).space.id
            self.rules.stories[made[0]] = {"owner": who.id, "space": space, "shares": {}}
            return made[0]
        return new_id()

    @rule(
        who=st.sampled_from(PEOPLE),
        story_id=stories,
        with_whom=st.sampled_from([None, *PEOPLE[1:]]),
        mode=st.sampled_from(["view", "edit"]),
    )
    def share(self, who: Person, story_id: str, with_whom: Person | None, mode: str) -> None:
        target = None if with_whom is None else with_whom.id
        story = self.rules.stories.get(story_id)
        owns = self.rules.level(who.id, story_id, self.klass) == Level.OWN
        if story and owns and story["space"] == self.klass and who.id != TEACHER.id:
            with pytest.raises(InputError, match="teacher decides"):  # in a class, only the teacher shares
                self.view(who, False).share(story_id, target, mode)
            return
        if story and target == story["owner"] and owns:
            with pytest.raises(InputError):
                self.view(who, False).share(story_id, target, mode)
            return
        if self.expect(who, story_id, Level.OWN, lambda: self.view(who, False).share(story_id, target, mode)):
            key = ("space", story["space"]) if target is None else ("person", target)
            story["shares"][key] = mode

    @rule(who=st.sampled_from(PEOPLE), story_id=stories, with_whom=st.sampled_from([None, *PEOPLE[1:]]))
    def revoke(self, who: Person, story_id: str, with_whom: Person | None) -> None:
        target = None if with_whom is None else with_whom.id
        if self.expect(who, story_id, Level.OWN, lambda: self.view(who, False).revoke(story_id, target)):
            story = self.rules.stories[story_id]
            story["shares"].pop(("space", story["space"]) if target is None else ("person", target), None)

    @invariant()
    def everyone_lists_exactly_what_the_rules_allow(self) -> None:
        for person in PEOPLE:
            for in_class in (False, True):
                listed = {(s.id, s.level) for s in self.view(person, in_class).list()}
                expected = {
                    (story_id, self.rules.level(person.id, story_id, self.klass)) for story_id in self.rules.stories
                }
                assert listed == {(i, level) for i, level in expected if level >= Level.VIEW}


AccessMachine.TestCase.settings = settings(
    max_examples=100, stateful_step_count=30, deadline=None, suppress_health_check=list(HealthCheck)
)
TestAccessRules = AccessMachine.TestCase
