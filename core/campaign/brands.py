"""Brand kits kept with a space, versioned like stories.

    brands/<space id>/<kit id>/<revision>.json   every version of a kit (the last KEEP kept)
    brands/<space id>/files/<sha256>.<ext>       logos and fonts, named by their bytes

Everyone in the space may use its kits; its owner and editors may save them (a viewer may not),
the same rule as for starting stories there (`core.people.spaces`). Who is asking and which space come
from core.people.access import as_person
from the store the page or command line was handed (`as_person(store, ...)`), so a kit of another
space is never reachable: its id answers "no such kit" exactly like a wrong one. A save names the
revision it started from and is refused when someone saved meanwhile, under the data folder's lock
(a lock file locally, a lock object with a lease on an object store), so no one's version is lost
silently. Each version is kept as `{"saved": <when>, "kit": <the kit>}`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError

from core.campaign.brand import BrandKit, KitFile
from core.errors import InputError
from core.people.spaces import PERSONAL_SPACE, may_start_stories
from core.storage.store import Store
from core.story import new_id

KIT_ID = re.compile(r"^[0-9a-f]{16}$")
KEEP = 20


class KitNotFound(InputError):
    def __init__(self) -> None:
        super().__init__("There is no such brand kit in this space.")


@dataclass(frozen=True)
class StoredKit:
    id: str
    name: str
    revision: int
    updated: datetime


class BrandKits:
    def __init__(self, store: Store) -> None:
        self.person = store.person
        self.space = getattr(store, "space", PERSONAL_SPACE)
        self.operator = not hasattr(store, "space")
        self.data = store.data  # the store's own data folder: a local folder or an object store
        self.folder = f"brands/{self.space.id}"
        self.files = f"{self.folder}/files"

    def _may_read(self) -> None:
        if not self.operator and self.space.role(self.person.id) is None:
            raise KitNotFound()

    def _may_write(self) -> None:
        self._may_read()
        if not self.operator and not may_start_stories(self.space, self.person.id):
            raise InputError(f"You can use the brand kits of '{self.space.name}', but not change them.")

    def _kit_folder(self, kit_id: str) -> str:
        if not isinstance(kit_id, str) or not KIT_ID.match(kit_id):
            raise KitNotFound()
        return f"{self.folder}/{kit_id}"

    def _revisions(self, kit_id: str) -> list[int]:
        names = self.data.names(self._kit_folder(kit_id))
        return sorted(int(n[:-5]) for n in names if n.endswith(".json") and n[:-5].isdigit())

    def list(self) -> list[StoredKit]:
        self._may_read()
        found = []
        for name in sorted(self.data.names(self.folder)):
            revisions = self._revisions(name) if KIT_ID.match(name) else []
            if revisions:
                kit, saved = self._read(name, revisions[-1])
                found.append(StoredKit(name, kit.name, revisions[-1], saved))
        return sorted(found, key=lambda k: k.updated, reverse=True)

    def load(self, kit_id: str, revision: int | None = None) -> tuple[KitFile, int]:
        """The kit (newest version, or `revision`) with its files, and its revision."""
        self._may_read()
        revisions = self._revisions(kit_id)
        if not revisions:
            raise KitNotFound()
        revision = revisions[-1] if revision is None else int(revision)
        kit, _ = self._read(kit_id, revision)
        files = {}
        for name in (kit.logo, kit.font):
            if name and self.data.exists(f"{self.files}/{name}"):
                files[name] = self.data.read(f"{self.files}/{name}")
        return KitFile(kit, files), revision

    def _read(self, kit_id: str, revision: int) -> tuple[BrandKit, datetime]:
        """One version of a kit and when it was saved."""
        try:
            document = json.loads(self.data.read(f"{self._kit_folder(kit_id)}/{revision:08d}.json"))
            return BrandKit.model_validate(document["kit"]), datetime.fromisoformat(document["saved"])
        except (OSError, ValidationError, ValueError, KeyError, TypeError):
            raise KitNotFound() from None

    def versions(self, kit_id: str) -> list[int]:
        self._may_read()
        return self._revisions(kit_id)

    def save(self, kit: KitFile, kit_id: str | None = None, started_from: int = 0) -> tuple[str, int]:
        """Save a new version on top of `started_from` (0 for a new kit); returns (id, revision)."""
        self._may_write()
        kit_id = kit_id or new_id(8)
        folder = self._kit_folder(kit_id)
        for name, data in kit.files.items():
            if not self.data.exists(f"{self.files}/{name}"):
                self.data.write(f"{self.files}/{name}", data)
        with self.data.locked(f"{folder}/.lock"):
            revisions = self._revisions(kit_id)
            newest = revisions[-1] if revisions else 0
            if newest != started_from:
                raise InputError(
                    "This brand kit was changed elsewhere while you edited it; reload it to see the newest version."
                )
            revision = newest + 1
            document = {"saved": datetime.now(UTC).isoformat(), "kit": kit.kit.model_dump(mode="json")}
            self.data.write(f"{folder}/{revision:08d}.json", json.dumps(document, indent=1).encode("utf-8"))
            for old in revisions[:-KEEP]:
                self.data.remove(f"{folder}/{old:08d}.json")
        return kit_id, revision
