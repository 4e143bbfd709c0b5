"""Classes with pupils who have no account: a code to join, a private link to come back, a teacher
who sees and reviews everything.

A signed-in teacher opens a class: a class space (`core.people.spaces`) they own, plus a roster kept
here. The studio shows the class's code (six characters from an alphabet without look-alikes:
no 0/O, 1/I/L) and a QR code of the join link. A pupil types the code and a first name, nothing
else, and becomes an editor of the class space with a person id of their own (`link:<random>`):
they start stories there, own what they start, and see nothing else unless the teacher shares it
(the rules are `core.people.spaces.level`). Their key is a private link, `?space=<128-bit key>`, the
same kind of address as a password-only studio's private space; only its hash is kept.

The teacher can reset a pupil's link (the old key stops working, the pupil keeps their stories
under the new one), ask to review stories before they are printed (a pupil's export is refused
until the teacher approves that story), and close the class: every pupil link stops working and
the teacher downloads all its stories (PDF and story JSON) as one ZIP.

Guessing a code: 31**6 (about 900 million) codes, one per open class, and a wrong code answers
exactly as a closed one's would. Joining by a guessed code reveals nothing either: it only adds a
new, empty pupil, whom the teacher sees on the roster. `JoinThrottle` slows a browser session
that keeps guessing (the page keeps one per session).

Layout under the data folder:

    classes/<class id>.json     the roster: name, teacher, code, review, approvals, pupils
    classes/codes/<CODE>        the class id a code opens (made with O_EXCL: codes never collide)
    classes/keys/<hash>.json    what a pupil key opens, or that it was reset or its class closed
    classes/blocked/<class id>.jsonl  what the class's safety check stopped, for the teacher
                                (`core.classroom.safety`): kept with the class, never in a story
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from core.errors import InputError
from core.people.spaces import LINK_KEY, PERSONAL, SPACE_ID, Person, Spaces, new_link_key
from core.storage.datadir import DataDir, open_data_dir, write_atomically
from core.story import now

if TYPE_CHECKING:
    from core.people.access import PersonStore
    from core.storage.store import StorySummary

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud or off a board
CODE_LENGTH = 6
_NAME = re.compile(r"^[^\W\d_](?:[^\W_]|[ '\-.])*$")  # letters first, then letters, digits, ' - .

NO_SUCH_CODE = "There is no open class with that code: check it with your teacher."


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Pupil(_Model):
    id: str  # link:<32 hex>, random: not derived from the key, so a reset keeps the pupil's stories
    name: str
    key: str  # hash of the current key
    joined: datetime


class Classroom(_Model):
    id: str  # the class space's id
    name: str
    teacher: str
    code: str
    open: bool = True
    review: bool = False  # pupils' exports wait for the teacher's approval
    approved: dict[str, datetime] = {}  # story id -> when the teacher approved printing it
    pupils: list[Pupil] = []
    former: list[Pupil] = []  # pupils the teacher took out: their stories stay with the teacher
    reading_level: str | None = None  # the level new stories of the class start at (core.reading.levels)

    def owner_of(self, person_id: str) -> Pupil | None:
        """The pupil (present or former) with this id, to name whose a story is."""
        return next((p for p in [*self.pupils, *self.former] if p.id == person_id), None)

    def pupil(self, pupil_id: str) -> Pupil:
        for pupil in self.pupils:
            if pupil.id == pupil_id:
                return pupil
        raise InputError("There is no such pupil in this class.")


class BlockedAttempt(_Model):
    """One text the class's safety check stopped: who, when, in which story, what it was for
    ("caption", "picture", "print", "narration"), the text and every reason, in full."""

    at: datetime
    person: str
    story: str
    title: str = ""
    what: str
    text: str
    reasons: list[str]


BLOCKED_KEPT = 1000  # per class: the newest attempts are kept, the oldest dropped


class KeyRecord(_Model):
    class_id: str
    pupil: str
    state: Literal["active", "reset", "closed", "removed"] = "active"


@dataclass(frozen=True)
class Seat:
    """A pupil's place in a class: who they are and which space their stories go to."""

    person: Person
    class_id: str
    class_name: str


def _key_hash(key: str) -> str:
    return hashlib.sha256(f"pupil:{key}".encode()).hexdigest()[:32]


def normal_code(typed: str) -> str:
    """The code as typed, made canonical: case, spaces and dashes do not matter."""
    return re.sub(r"[\s\-]", "", str(typed or "")).upper()


def first_name(typed: str) -> str:
    """A pupil's first name, checked: one short name, no e-mail, nothing else."""
    name = " ".join(str(typed or "").split())
    if not name:
        raise InputError("Type your first name.")
    if len(name) > 30 or not _NAME.match(name):
        raise InputError("Type just your first name (letters only, up to 30), no e-mail or surname needed.")
    return name


@dataclass
class JoinThrottle:
    """Wrong codes one browser session may try: `allowed` in a row, then one more per `wait` seconds."""

    allowed: int = 5
    wait: float = 60.0
    failures: list[float] = field(default_factory=list)

    def check(self, at: float) -> None:
        if len(self.failures) >= self.allowed and at - self.failures[-1] < self.wait:
            seconds = math.ceil(self.wait - (at - self.failures[-1]))
            raise InputError(f"Too many wrong codes: wait {seconds} seconds, then check the code with your teacher.")

    def failed(self, at: float) -> None:
        self.failures = [*self.failures[-(self.allowed - 1) :], at] if self.allowed > 1 else [at]

    def succeeded(self) -> None:
        self.failures = []


class Classrooms:
    """The classes of one data folder."""

    def __init__(self, root: Path | str | DataDir) -> None:
        self.data = open_data_dir(root)
        self.folder = self.data.path("classes")  # None on an object store
        self.spaces = Spaces(self.data)

    # --- files (keys under classes/ in the data folder) -------------------------------------

    def _roster_path(self, class_id: str) -> str:
        if not isinstance(class_id, str) or not SPACE_ID.match(class_id) or class_id == PERSONAL:
            raise InputError("There is no such class.")
        return f"classes/{class_id}.json"

    def _key_path(self, key: str) -> str:
        return f"classes/keys/{_key_hash(key)}.json"

    def _read(self, class_id: str) -> Classroom:
        try:
            return Classroom.model_validate_json(self.data.read(self._roster_path(class_id)))
        except (OSError, ValidationError, ValueError):
            raise InputError("There is no such class.") from None

    def _write(self, room: Classroom) -> None:
        self.data.write(self._roster_path(room.id), room.model_dump_json(indent=1).encode("utf-8"))

    def _write_key(self, key: str, record: KeyRecord) -> None:
        self.data.write(self._key_path(key), record.model_dump_json().encode("utf-8"))

    @contextmanager
    def _locked(self, class_id: str) -> Iterator[None]:
        """One change to a class at a time (two pupils joining at once both end up on the roster)."""
        with self.data.locked(f"classes/locks/{class_id}.lock"):
            yield

    def _teachers(self, class_id: str, by: Person) -> Classroom:
        """The class, for its teacher; anyone else is told there is no such class."""
        room = self._read(class_id)
        if room.teacher != by.id:
            raise InputError("There is no such class.")
        return room

    # --- the teacher -----------------------------------------------------------------------

    def open_class(self, teacher: Person, name: str) -> Classroom:
        """A new class, its space owned by `teacher`, with a fresh code nobody else holds."""
        if teacher.id == PERSONAL:
            raise InputError("Classes need a shared studio (sign-in): pupils join from their own devices.")
        if self.is_pupil(teacher.id):
            raise InputError("A pupil cannot open a class.")
        space = self.spaces.create("class", teacher, name)
        room = Classroom(id=space.id, name=space.name, teacher=teacher.id, code=self._new_code(space.id))
        self._write(room)
        return room

    def _new_code(self, class_id: str) -> str:
        """A fresh code that opens `class_id`, made only if absent: two classes never share one."""
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if self.data.create(f"classes/codes/{code}", class_id.encode("utf-8")):
                return code

    def classes_of(self, teacher: Person) -> list[Classroom]:
        """The teacher's classes, open ones first, then by name."""
        found = []
        for name in self.data.names("classes"):
            if not name.endswith(".json"):
                continue
            try:
                room = Classroom.model_validate_json(self.data.read(f"classes/{name}"))
            except (OSError, ValidationError, ValueError):
                continue
            if room.teacher == teacher.id:
                found.append(room)
        return sorted(found, key=lambda r: (not r.open, r.name.lower()))

    def get(self, class_id: str, by: Person) -> Classroom:
        return self._teachers(class_id, by)

    def reset_link(self, class_id: str, by: Person, pupil_id: str) -> str:
        """A new key for one pupil; the old link stops working at once. Returns the new key."""
        with self._locked(class_id):
            room = self._teachers(class_id, by)
            if not room.open:
                raise InputError("This class is closed.")
            pupil = room.pupil(pupil_id)
            old = f"classes/keys/{pupil.key}.json"
            key = new_link_key()
            self._write_key(key, KeyRecord(class_id=room.id, pupil=pupil.id))
            pupil.key = _key_hash(key)
            self._write(room)
            self._retire(old, "reset")
        return key

    def set_review(self, class_id: str, by: Person, review: bool) -> Classroom:
        """Ask (True) or stop asking (False) that the teacher approves each story before it is printed."""
        with self._locked(class_id):
            room = self._teachers(class_id, by)
            room.review = bool(review)
            self._write(room)
        return room

    def set_reading_level(self, class_id: str, by: Person, level: str | None) -> Classroom:
        """The reading level new stories in the class start at (a key of `core.reading.levels.LEVELS`,
        checked by the studio step that calls this; None: none); each story can still pick its own."""
        with self._locked(class_id):
            room = self._teachers(class_id, by)
            room.reading_level = level
            self._write(room)
        return room

    def reading_level_of(self, space_id: str) -> str | None:
        """The class's default reading level; None for a space that is not a class, or has none."""
        try:
            return self._read(space_id).reading_level
        except InputError:
            return None

    def approve(self, class_id: str, by: Person, story_id: str, approved: bool = True) -> Classroom:
        """Let pupils print this story (or, with False, take that back). The approval is for the
        story, not one version of it: it holds until the teacher withdraws it."""
        with self._locked(class_id):
            room = self._teachers(class_id, by)
            if approved:
                room.approved[story_id] = now()
            else:
                room.approved.pop(story_id, None)
            self._write(room)
        return room

    def close(self, class_id: str, by: Person) -> Classroom:
        """Close the class: its code and every pupil link stop working; the teacher keeps every story."""
        with self._locked(class_id):
            room = self._teachers(class_id, by)
            room.open = False
            self._write(room)
            self.data.remove(f"classes/codes/{room.code}")
            for pupil in room.pupils:
                self._retire(f"classes/keys/{pupil.key}.json", "closed")
        return room

    def reopen(self, class_id: str, by: Person) -> Classroom:
        """Open a closed class again, with a new code; pupils' links work again (a link the teacher
        reset, or of a pupil taken out, stays dead)."""
        with self._locked(class_id):
            room = self._teachers(class_id, by)
            if room.open:
                return room
            room.code = self._new_code(room.id)
            room.open = True
            self._write(room)
            for pupil in room.pupils:
                self._retire(f"classes/keys/{pupil.key}.json", "active", only_from="closed")
        return room

    def remove_pupil(self, class_id: str, by: Person, pupil_id: str) -> Classroom:
        """Take one pupil out of the class: their link stops working and they may start nothing
        more here; their stories stay in the class, with the teacher."""
        with self._locked(class_id):
            room = self._teachers(class_id, by)
            pupil = room.pupil(pupil_id)
            room.pupils = [p for p in room.pupils if p.id != pupil.id]
            room.former.append(pupil)
            self._write(room)
            self._retire(f"classes/keys/{pupil.key}.json", "removed")
            self.spaces.set_role(room.id, Person(id=room.teacher), pupil.id, None)
        return room

    def _retire(self, path: str, state: str, only_from: str | None = None) -> None:
        try:
            record = KeyRecord.model_validate_json(self.data.read(path))
        except (OSError, ValidationError, ValueError):
            return
        if only_from is not None and record.state != only_from:
            return
        self.data.write(path, record.model_copy(update={"state": state}).model_dump_json().encode("utf-8"))

    # --- the pupil -------------------------------------------------------------------------

    def join(self, code: str, name: str) -> tuple[Seat, str]:
        """A pupil joins with the class code and their first name; returns their seat and their
        private key (the `?space=` of their link: shown to them once, kept here only as a hash)."""
        name = first_name(name)
        code = normal_code(code)
        if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
            raise InputError(f"A class code has {CODE_LENGTH} letters and digits, like K7PX3M.")
        try:
            class_id = self.data.read(f"classes/codes/{code}").decode("utf-8").strip()
        except OSError:
            raise InputError(NO_SUCH_CODE) from None
        with self._locked(class_id):
            try:
                room = self._read(class_id)
            except InputError:
                raise InputError(NO_SUCH_CODE) from None
            if not room.open:
                raise InputError(NO_SUCH_CODE)
            key = new_link_key()
            pupil = Pupil(id=f"link:{secrets.token_hex(16)}", name=name, key=_key_hash(key), joined=now())
            self._write_key(key, KeyRecord(class_id=room.id, pupil=pupil.id))
            room.pupils.append(pupil)
            self._write(room)
            self.spaces.set_role(room.id, Person(id=room.teacher), pupil.id, "editor")
        return Seat(Person(id=pupil.id, name=name), room.id, room.name), key

    def seat(self, key: str) -> Seat | None:
        """The pupil a private link belongs to; None when it is no pupil's link (a password-only
        studio's own private space, say). A reset or closed link raises an InputError that says so."""
        if not isinstance(key, str) or not LINK_KEY.match(key):
            return None
        try:
            record = KeyRecord.model_validate_json(self.data.read(self._key_path(key)))
        except (OSError, ValidationError, ValueError):
            return None
        if record.state == "reset":
            raise InputError("This pupil link was replaced by your teacher: ask them for your new link.")
        if record.state == "closed":
            raise InputError("This class is closed, so its pupil links no longer open it. Ask your teacher.")
        if record.state == "removed":
            raise InputError("Your teacher has taken this link out of the class. Ask them if that is a mistake.")
        room = self._read(record.class_id)
        pupil = room.pupil(record.pupil)
        return Seat(Person(id=pupil.id, name=pupil.name), room.id, room.name)

    def is_pupil(self, person_id: str) -> bool:
        """Whether `person_id` is a pupil of some class (pupils do not open classes)."""
        if not person_id.startswith("link:"):
            return False
        keys = [name for name in self.data.names("classes/keys") if name.endswith(".json")]
        return any(person_id in self.data.read(f"classes/keys/{name}").decode("utf-8") for name in keys)

    # --- printing --------------------------------------------------------------------------

    def check_printing(self, space_id: str, story_id: str, person_id: str) -> None:
        """Refuse a pupil's export of a story the teacher has not approved, when the class asks for
        review; everyone else, and every story outside a class, prints freely."""
        try:
            path = self._roster_path(space_id)
        except InputError:
            return
        if not self.data.exists(path):
            return
        room = self._read(space_id)
        if room.review and person_id != room.teacher and story_id not in room.approved:
            raise InputError(
                "Your teacher looks at each story before it is printed: ask them to approve this one, "
                "then make the PDF again."
            )

    # --- closing -----------------------------------------------------------------------------

    def stories(self, class_id: str, store: PersonStore) -> list[tuple[Pupil | None, StorySummary]]:
        """Every story in the class, with the pupil who owns it (None: the teacher's own), for the
        teacher's store."""
        room = self._teachers(class_id, store.person)
        found = []
        for summary in store.list():
            access = store.access(summary.id)
            if access.space == room.id:
                found.append((room.owner_of(access.owner), summary))
        return found

    # --- what the safety check stopped ---------------------------------------------------------

    def _blocked_path(self, class_id: str) -> Path:
        self._roster_path(class_id)  # a valid class id, never a path of someone's choosing
        return self.folder / "blocked" / f"{class_id}.jsonl"

    def record_blocked(self, class_id: str, attempt: BlockedAttempt) -> None:
        """Keep a stopped attempt for the teacher (the newest BLOCKED_KEPT of the class)."""
        path = self._blocked_path(class_id)
        with self._locked(class_id):
            lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
            lines = [*lines[-(BLOCKED_KEPT - 1) :], attempt.model_dump_json()]
            write_atomically(path, ("\n".join(lines) + "\n").encode("utf-8"))

    def blocked(self, class_id: str, by: Person) -> list[BlockedAttempt]:
        """Every stopped attempt in the class, newest first; for its teacher only."""
        self._teachers(class_id, by)
        path = self._blocked_path(class_id)
        found = []
        for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
            try:
                found.append(BlockedAttempt.model_validate_json(line))
            except (ValidationError, ValueError):
                continue
        return found[::-1]
