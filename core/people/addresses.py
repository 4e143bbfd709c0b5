"""Who is behind an e-mail address, so people can share with each other the way they know them.

A signed-in person's id is `oidc:<issuer>:<subject>`, stable but unreadable; people know each
other by e-mail. When someone signs in and their provider says their address is verified
(`email_verified`), the studio notes address -> id here; sharing a story or adding a team member
by address then finds that person. An address nobody has signed in with (or only unverified)
finds no one, and the person sharing is told to ask them to sign in once: the studio never
guesses, and an unverified claim cannot capture someone else's address.

An address is kept only as the hash of its normalised form, with the id and display name, one
small file per address under `people/` (the newest verified sign-in wins).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from core.errors import InputError
from core.people.spaces import PERSON_ID, Person, valid_person_id
from core.storage.datadir import DataDir, open_data_dir

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")


def normal_email(typed: str) -> str:
    """The address as it is compared: trimmed and lower-case (providers treat addresses so)."""
    address = str(typed or "").strip().lower()
    if not EMAIL.match(address):
        raise InputError("That is not an e-mail address.")
    return address


class People:
    """The verified addresses of one data folder."""

    def __init__(self, root: Path | str | DataDir) -> None:
        self.data = open_data_dir(root)

    def _path(self, address: str) -> str:
        return f"people/{hashlib.sha256(normal_email(address).encode()).hexdigest()[:32]}.json"

    def remember(self, person: Person, claims: dict) -> None:
        """Note who signed in with a verified address (called once per session at sign-in)."""
        address, verified = claims.get("email"), claims.get("email_verified")
        if not address or verified not in (True, "true", "True") or not person.id.startswith("oidc:"):
            return
        try:
            path = self._path(address)
        except InputError:
            return
        record = {"id": person.id, "name": person.name}
        try:
            if json.loads(self.data.read(path)) == record:
                return
        except (OSError, ValueError):
            pass
        self.data.write(path, json.dumps(record).encode("utf-8"))

    def find(self, address: str) -> str | None:
        """The person id that signed in with this verified address, or None."""
        try:
            record = json.loads(self.data.read(self._path(address)))
        except (OSError, ValueError):
            return None
        person_id = record.get("id") if isinstance(record, dict) else None
        return person_id if isinstance(person_id, str) and PERSON_ID.match(person_id) else None

    def resolve(self, typed: str) -> str:
        """A person id from what someone typed to name a person: an e-mail address or a person id."""
        typed = str(typed or "").strip()
        if "@" in typed and not typed.startswith("oidc:"):
            person_id = self.find(typed)
            if person_id is None:
                raise InputError(
                    f"Nobody has signed in to this studio as {normal_email(typed)} yet (with an address their "
                    "provider has verified). Ask them to sign in once, then try again."
                )
            return person_id
        return valid_person_id(typed)
