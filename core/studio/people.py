"""The steps of who works where: opening the data folder for a person, pupils joining a class, teams.

A page never builds a store, a class register, the spaces or the address book on the data folder
itself: it asks for the step it performs here (join a class, the teams of a person, add someone to
a team) and gets the answer. So the way from the settings to the data folder (`data_dir_of`) is
written once, in core, and a page cannot open the data folder around the person's access checks.

The plain types a page names (`Person`, `Level`, `Seat`, the store a person sees) are re-exported
so pages import them from `core.studio` only.
"""

from __future__ import annotations

from core.people.access import PersonStore, as_person
from core.people.addresses import People
from core.people.classes import Classrooms, Seat
from core.people.limits import Limits
from core.people.spaces import LINK_KEY, Level, Person, Role, Space, Spaces, new_link_key
from core.storage.datadir import data_dir_of
from core.storage.publish import Publisher, public_base_url, publisher_for
from core.storage.store import Store

__all__ = [
    "LINK_KEY",
    "Level",
    "Person",
    "PersonStore",
    "Publisher",
    "Seat",
    "Space",
    "Store",
    "add_to_team",
    "classrooms",
    "editable_teams",
    "join_class",
    "new_link_key",
    "open_store",
    "open_team",
    "person_store",
    "public_base_url",
    "publisher",
    "remember_person",
    "seat_of",
    "set_team_role",
    "teams_of",
]


def open_store(settings) -> Store:
    """The settings' data folder as the operator opens it (its credentials, never a session's):
    the one place a studio process builds its store; each person then gets `person_store`."""
    return Store(data_dir_of(settings))


def person_store(store: Store, who: Person, space_id: str | None, settings) -> PersonStore:
    """The stories as `who` may see them, new ones going to `space_id` (None: their own space),
    within the limits the settings set for a space."""
    return as_person(store, who, space_id, limits=Limits.from_settings(settings))


def publisher(settings, base_url: str) -> Publisher:
    """Where exports are published: the object store of an s3:// data folder, else the static
    folder served at `base_url`."""
    return publisher_for(settings, base_url)


# --- classes ----------------------------------------------------------------------------------


def classrooms(settings) -> Classrooms:
    """The class register of the data folder, for a teacher's Classroom page."""
    return Classrooms(data_dir_of(settings))


def seat_of(settings, key: str) -> Seat | None:
    """The pupil whose private link is `key` (None: no pupil has it); InputError for a link that
    was reset or whose class is closed."""
    return classrooms(settings).seat(key)


def join_class(settings, code: str, name: str, address: str) -> tuple[Seat, str]:
    """A pupil joins with the class code and a first name: their seat and their private link key.
    Wrong codes are counted per client `address` in the data folder (InputError says so)."""
    return classrooms(settings).join(code, name, address=address)


# --- people and teams ---------------------------------------------------------------------------


def remember_person(settings, who: Person, claims: dict) -> bool:
    """Note a signed-in person's e-mail address so others can share with it; False when the
    address already belongs to another sign-in."""
    return People(data_dir_of(settings)).remember(who, claims)


def teams_of(settings, person_id: str) -> list[Space]:
    """Every team the person owns or belongs to."""
    return Spaces(data_dir_of(settings)).teams_of(person_id)


def editable_teams(settings, person_id: str) -> list[Space]:
    """The teams the person may start stories in (owner or editor, not viewer)."""
    return [team for team in teams_of(settings, person_id) if team.role(person_id) != "viewer"]


def open_team(settings, owner: Person, name: str) -> Space:
    return Spaces(data_dir_of(settings)).create("team", owner, name)


def set_team_role(settings, team_id: str, by: Person, member: str, role: Role | None) -> Space:
    """Change a member's role (None takes them out of the team); only the team's owner may."""
    return Spaces(data_dir_of(settings)).set_role(team_id, by, member, role)


def add_to_team(settings, team_id: str, by: Person, typed: str, role: Role) -> Space:
    """Add someone by the e-mail address they signed in with (they must have signed in once) or
    by their person id; an address is kept as the member's label."""
    member = People(data_dir_of(settings)).resolve(typed)
    return Spaces(data_dir_of(settings)).set_role(team_id, by, member, role, label=typed if "@" in typed else None)
