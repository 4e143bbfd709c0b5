"""People, spaces, roles and sharing: who may do what with a story, decided here and nowhere else.

A *person* is whoever asks: the one person of a personal studio (`personal`), someone signed in
through OpenID Connect (`oidc:<issuer>:<subject>`, stable across sessions and devices), or a
browser that holds a private space link (`link:<hash of the link's key>`: the id is public and can
be shared with, the key never leaves that browser's address). Ids are validated before use and
never become file names.

A *space* holds stories: a person's own, a class's or a team's. Its members have a role: the owner
(the person, the teacher) may read, change, delete and share every story in it; an editor (a
pupil, a colleague) may start stories there and owns what they start; a viewer may start nothing.
Beyond their own stories, members see only what was shared with them.

A story has one owner and one space (`StoryAccess`, kept beside the story by `core.storage.store`). Its
owner may share it read-only (`view`) or editable (`edit`) with a person, or with everyone in its
space, and revoke that again. `level()` turns all of this into one `Level` for one person; the
store asks for the level each operation needs before it touches a file, and answers "there is no
story" when the person has no level at all, whether the story exists or not.

Stories saved before spaces existed have no access record: they belong to the personal space, so
a personal studio's data keeps working and a shared studio shows them to no one.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from enum import IntEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.errors import InputError
from core.storage.datadir import DataDir, open_data_dir

PERSONAL = "personal"  # the person of a personal studio, and the id of their one space

PERSON_ID = re.compile(r"^(personal|link:[0-9a-f]{32}|oidc:[!-~]{3,400})$")
SPACE_ID = re.compile(r"^(personal|[0-9a-f]{32})$")
LINK_KEY = re.compile(r"^[0-9a-f]{32}$")

Role = Literal["owner", "editor", "viewer"]
Mode = Literal["view", "edit"]
SpaceKind = Literal["person", "class", "team"]


class Level(IntEnum):
    """What a person may do with one story; each level includes the ones below it."""

    NONE = 0  # the story does not exist for them
    VIEW = 1  # open, read, look at its pictures, duplicate it into their own space
    EDIT = 2  # change it (every studio step)
    OWN = 3  # delete it, share it, revoke shares


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


def valid_person_id(value: str) -> str:
    """The person id, checked; an InputError that names what a person id looks like otherwise."""
    if not isinstance(value, str) or not PERSON_ID.match(value.strip()):
        raise InputError(
            "That is not a person id: it looks like 'oidc:<issuer>:<id>' or 'link:<32 hex characters>' "
            "(each person sees theirs in the sidebar)."
        )
    return value.strip()


class Person(_Model):
    """Whoever is asking, with the name the studio shows for them."""

    id: str
    name: str = ""

    @field_validator("id")
    @classmethod
    def _valid(cls, value: str) -> str:
        if not PERSON_ID.match(value):
            raise ValueError("not a person id")
        return value

    @classmethod
    def personal(cls) -> Person:
        return cls(id=PERSONAL, name="You")

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> Person:
        """A person signed in through OpenID Connect: the issuer and subject make the id (e-mail
        addresses change hands; `sub` is the provider's stable id for the account)."""
        issuer, subject = str(claims.get("iss") or ""), str(claims.get("sub") or "")
        person_id = f"oidc:{issuer}:{subject}"
        if not issuer or not subject or not PERSON_ID.match(person_id):
            raise InputError("The sign-in did not say who you are (no issuer or subject); sign in again.")
        name = str(claims.get("name") or claims.get("email") or subject)[:120]
        return cls(id=person_id, name=name)

    @classmethod
    def from_link(cls, key: str) -> Person:
        """The person behind a private space link. The id is a hash of the key, so sharing with
        this person never reveals the key that is their only credential."""
        if not isinstance(key, str) or not LINK_KEY.match(key):
            raise InputError("That private space link is not valid.")
        person_id = f"link:{_hash('link:' + key)}"
        return cls(id=person_id, name=f"Guest {person_id[5:9]}")


def new_link_key() -> str:
    """A fresh private space link: 128 random bits, the browser's only key to its space."""
    return secrets.token_hex(16)


class Space(_Model):
    id: str
    kind: SpaceKind
    name: str
    owner: str
    members: dict[str, Role] = Field(default_factory=dict)
    labels: dict[str, str] = Field(default_factory=dict)  # how the owner named each member (an e-mail)

    def role(self, person_id: str) -> Role | None:
        return "owner" if person_id == self.owner else self.members.get(person_id)


PERSONAL_SPACE = Space(id=PERSONAL, kind="person", name="Personal studio", owner=PERSONAL)


def own_space_id(person_id: str) -> str:
    return PERSONAL if person_id == PERSONAL else _hash("space:" + person_id)


class Share(_Model):
    """A story shared with one person (`target` their id) or with its whole space (`target` the space id)."""

    kind: Literal["person", "space"]
    target: str
    mode: Mode
    label: str = ""  # how the owner named the person (the e-mail address they shared with)


class StoryAccess(_Model):
    """Who a story belongs to and who it is shared with."""

    owner: str = PERSONAL
    space: str = PERSONAL
    shares: tuple[Share, ...] = ()

    def with_share(self, share: Share) -> StoryAccess:
        kept = tuple(s for s in self.shares if (s.kind, s.target) != (share.kind, share.target))
        return self.model_copy(update={"shares": (*kept, share)})

    def without_share(self, kind: str, target: str) -> StoryAccess:
        return self.model_copy(update={"shares": tuple(s for s in self.shares if (s.kind, s.target) != (kind, target))})


def level(access: StoryAccess, space: Space, person_id: str) -> Level:
    """What `person_id` may do with a story of `access` that lives in `space`."""
    role = space.role(person_id) if space.id == access.space else None
    if person_id == access.owner or role == "owner":
        return Level.OWN
    best = Level.NONE
    for share in access.shares:
        if share.kind == "person" and share.target == person_id:
            granted = Level.EDIT if share.mode == "edit" else Level.VIEW
        elif share.kind == "space" and share.target == access.space and role is not None:
            granted = Level.EDIT if share.mode == "edit" and role != "viewer" else Level.VIEW
        else:
            continue
        best = max(best, granted)
    return best


def may_start_stories(space: Space, person_id: str) -> bool:
    return space.role(person_id) in ("owner", "editor")


def may_share_own_story(space: Space, person_id: str) -> bool:
    """Whether a story's owner may share it from this space: anywhere but a class, where only the
    teacher decides what pupils see of each other's work."""
    return space.kind != "class" or space.role(person_id) == "owner"


class Spaces:
    """The spaces of one data folder: `spaces/<id>.json`, one file each.

    A person's own space is made the first time it is asked for; the personal space is built in.
    """

    def __init__(self, root: Path | str | DataDir) -> None:
        self.data = open_data_dir(root)

    def _path(self, space_id: str) -> str:
        if not isinstance(space_id, str) or not SPACE_ID.match(space_id) or space_id == PERSONAL:
            raise InputError("There is no such space.")
        return f"spaces/{space_id}.json"

    def get(self, space_id: str) -> Space:
        if space_id == PERSONAL:
            return PERSONAL_SPACE
        try:
            return Space.model_validate_json(self.data.read(self._path(space_id)))
        except (OSError, ValidationError, ValueError):
            raise InputError("There is no such space.") from None

    def own(self, person: Person) -> Space:
        """The person's own space (made on first use)."""
        space_id = own_space_id(person.id)
        if space_id == PERSONAL:
            return PERSONAL_SPACE
        if not self.data.exists(self._path(space_id)):
            self._write(Space(id=space_id, kind="person", name=f"{person.name or 'My'} studio", owner=person.id))
        return self.get(space_id)

    def create(self, kind: Literal["class", "team"], owner: Person, name: str) -> Space:
        """A new class or team space, owned by `owner` (the teacher, the team lead)."""
        name = " ".join(str(name).split())[:80]
        if not name:
            raise InputError("Give the space a name.")
        space = Space(id=secrets.token_hex(16), kind=kind, name=name, owner=owner.id)
        self._write(space)
        if kind == "team":
            self.data.write(self._team_mark(owner.id, space.id), b"")
        return space

    def _team_mark(self, person_id: str, space_id: str) -> str:
        """`spaces/teams-of/<hash of the person>/<space id>`: the teams a person is in, found
        without reading every space (the sidebar asks on every rerun)."""
        return f"spaces/teams-of/{_hash(person_id)}/{space_id}"

    def teams_of(self, person_id: str) -> list[Space]:
        """The team spaces `person_id` owns or is a member of, by name (for choosing where to work).
        The marks only say where to look; each space's own members decide."""
        found = []
        for space_id in self.data.names(f"spaces/teams-of/{_hash(person_id)}"):
            try:
                space = self.get(space_id)
            except InputError:
                continue
            if space.kind == "team" and space.role(person_id) is not None:
                found.append(space)
        return sorted(found, key=lambda space: space.name.lower())

    def set_role(self, space_id: str, by: Person, member: str, role: Role | None, label: str | None = None) -> Space:
        """Add, change (`role`) or remove (`None`) a member; only the space's owner may. `label` is
        how the owner knows them (the e-mail address they were added by)."""
        space = self.get(space_id)
        if space.role(by.id) != "owner":
            raise InputError("Only the owner of this space can change who is in it.")
        member = valid_person_id(member)
        if member == space.owner:
            raise InputError("The owner of a space stays its owner.")
        members = {k: v for k, v in space.members.items() if k != member}
        labels = {k: v for k, v in space.labels.items() if k != member}
        if role is not None:
            members[member] = role
            if label or space.labels.get(member):
                labels[member] = " ".join(str(label or space.labels[member]).split())[:120]
        space = space.model_copy(update={"members": members, "labels": labels})
        self._write(space)
        if space.kind == "team":
            mark = self._team_mark(member, space.id)
            if role is None:
                self.data.remove(mark)
            else:
                self.data.write(mark, b"")
        return space

    def _write(self, space: Space) -> None:
        self.data.write(self._path(space.id), json.dumps(space.model_dump(), indent=1).encode("utf-8"))
