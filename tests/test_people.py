"""Sharing and teams by e-mail address (core.people.addresses): only a verified sign-in makes an address
findable, and an address nobody signed in with finds no one."""

from __future__ import annotations

import pytest

from core.errors import InputError
from core.people.access import as_person
from core.people.addresses import People
from core.people.spaces import Level, Person, Spaces
from core.storage.store import Store

ALICE = Person(id="oidc:https://id.example:alice", name="Alice")
BOB = Person(id="oidc:https://id.example:bob", name="Bob")
MALLORY = Person(id="oidc:https://id.example:mallory", name="Mallory")


def test_a_verified_sign_in_makes_the_address_findable_in_any_case(tmp_path):
    people = People(tmp_path)
    people.remember(BOB, {"email": "Bob@Example.com", "email_verified": True})
    assert people.find("  bob@example.COM ") == BOB.id
    assert people.resolve("bob@example.com") == BOB.id


def test_an_unverified_address_is_not_kept_so_nobody_can_capture_another_persons(tmp_path):
    people = People(tmp_path)
    # before anyone has the address: an unverified claim of it is not kept either
    for claim in ({}, {"email_verified": False}, {"email_verified": "false"}, {"email_verified": None}):
        people.remember(MALLORY, {"email": "bob@example.com", **claim})
        assert people.find("bob@example.com") is None, claim
    with pytest.raises(InputError, match="Nobody has signed in to this studio as bob@example.com"):
        people.resolve("bob@example.com")
    people.remember(MALLORY, {"email": "bob@example.com"})  # nobody has it yet: still not kept
    people.remember(MALLORY, {"email": "bob@example.com", "email_verified": False})
    assert people.find("bob@example.com") is None
    people.remember(BOB, {"email": "bob@example.com", "email_verified": True})
    people.remember(MALLORY, {"email": "bob@example.com"})  # no verification claim
    people.remember(MALLORY, {"email": "bob@example.com", "email_verified": False})
    assert people.find("bob@example.com") == BOB.id


def test_a_second_account_claiming_a_bound_address_is_refused_the_shares_and_logged(tmp_path, cat_bytes, caplog):
    """The newest verified sign-in took the address: another issuer's account (or another subject
    at the same issuer) whose token said bob@example.com, verified, got what was shared with Bob."""
    from core import studio

    people = People(tmp_path)
    people.remember(BOB, {"email": "bob@example.com", "email_verified": True})
    other_issuer = Person(id="oidc:https://evil.example:bob", name="Not Bob")
    other_subject = Person(id="oidc:https://id.example:bob2", name="Bob too")
    with caplog.at_level("WARNING", logger="visutale.people"):
        answers = [
            people.remember(c, {"email": "BOB@example.com", "email_verified": True})
            for c in (other_issuer, other_subject)
        ]
    assert people.find("bob@example.com") == BOB.id
    assert answers == [False, False]  # the page tells them their address is bound elsewhere
    conflicts = [r.getMessage() for r in caplog.records if "conflict" in r.getMessage()]
    assert len(conflicts) == 2 and other_issuer.id in conflicts[0] and BOB.id in conflicts[0]
    assert "bob@example.com" not in " ".join(conflicts).lower()  # the address itself stays out of the log

    alice = as_person(Store(tmp_path), ALICE)
    story = studio.start_story(alice, cat_bytes, "cat.jpg")
    alice.share(story.id, "bob@example.com", "view")
    assert as_person(Store(tmp_path), BOB).level(story.id) == Level.VIEW
    for claimant in (other_issuer, other_subject):
        assert as_person(Store(tmp_path), claimant).level(story.id) == Level.NONE
    assert people.remember(Person(id=BOB.id, name="Robert"), {"email": "bob@example.com", "email_verified": True})
    assert people.find("bob@example.com") == BOB.id  # Bob himself signs in again: still his


def test_an_address_nobody_signed_in_with_is_refused_with_what_to_do(tmp_path):
    with pytest.raises(InputError, match="Ask them to sign in once"):
        People(tmp_path).resolve("nobody@example.com")
    with pytest.raises(InputError, match="not a person id"):
        People(tmp_path).resolve("just a name")


def test_sharing_by_address_reaches_that_person_and_shows_the_address(tmp_path, cat_bytes):
    from core import studio

    People(tmp_path).remember(BOB, {"email": "bob@example.com", "email_verified": "true"})
    alice = as_person(Store(tmp_path), ALICE)
    story = studio.start_story(alice, cat_bytes, "cat.jpg")
    bob = as_person(Store(tmp_path), BOB)
    assert bob.level(story.id) == Level.NONE

    access = alice.share(story.id, "Bob@example.com", "view")
    assert [(s.target, s.label) for s in access.shares] == [(BOB.id, "Bob@example.com")]
    assert bob.level(story.id) == Level.VIEW
    assert [s.id for s in bob.list()] == [story.id]

    alice.revoke(story.id, "bob@example.com")
    assert bob.level(story.id) == Level.NONE


def test_a_team_lists_its_people_and_whoever_is_in_it_may_start_stories_there(tmp_path):
    spaces = Spaces(tmp_path)
    team = spaces.create("team", ALICE, "Spring campaign")
    spaces.set_role(team.id, ALICE, BOB.id, "editor", label="bob@example.com")
    assert [t.id for t in spaces.teams_of(BOB.id)] == [team.id]
    assert [t.id for t in spaces.teams_of(ALICE.id)] == [team.id]
    assert spaces.teams_of(MALLORY.id) == []
    assert spaces.get(team.id).labels == {BOB.id: "bob@example.com"}

    story = as_person(Store(tmp_path), BOB, team.id).create()
    assert as_person(Store(tmp_path), ALICE).level(story.id) == Level.OWN  # the team's owner sees it all
    assert as_person(Store(tmp_path), MALLORY).level(story.id) == Level.NONE

    spaces.set_role(team.id, ALICE, BOB.id, None)
    assert spaces.teams_of(BOB.id) == []
    assert spaces.get(team.id).labels == {}
    with pytest.raises(InputError):
        as_person(Store(tmp_path), BOB, team.id).create()


def test_the_team_steps_pages_call_go_through_the_settings_data_folder(tmp_path) -> None:
    """core.studio.people: what the Teams page and the sidebar's team picker do, from the settings."""
    from core import studio
    from core.settings import Settings

    settings = Settings(data_dir=tmp_path)
    assert studio.remember_person(settings, BOB, {"email": "bob@example.com", "email_verified": True})
    team = studio.open_team(settings, ALICE, "Spring campaign")
    team = studio.add_to_team(settings, team.id, ALICE, "Bob@example.com", "viewer")
    assert team.members == {BOB.id: "viewer"} and team.labels[BOB.id] == "Bob@example.com"
    studio.add_to_team(settings, team.id, ALICE, MALLORY.id, "editor")
    assert [t.id for t in studio.teams_of(settings, BOB.id)] == [team.id]
    assert studio.editable_teams(settings, BOB.id) == []  # a viewer starts no stories there
    assert [t.id for t in studio.editable_teams(settings, MALLORY.id)] == [team.id]
    assert MALLORY.id not in studio.add_to_team(settings, team.id, ALICE, MALLORY.id, "viewer").labels
    assert BOB.id not in studio.set_team_role(settings, team.id, ALICE, BOB.id, None).members
    with pytest.raises(InputError):
        studio.add_to_team(settings, team.id, ALICE, "nobody@example.com", "editor")
