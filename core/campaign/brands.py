"""Brand kits kept with a space, versioned like stories.

    brands/<space id>/<kit id>/<revision>.json   every version of a kit (the last KEEP kept)
    brands/<space id>/files/<sha256>.<ext>       logos and fonts, named by their bytes

Everyone in the space may use its kits; its owner and editors may save them (a viewer may not),
the same rule as for starting stories there (`core.spaces`). Who is asking and which space come
from the store the page or command line was handed (`store.as_person(...)`), so a kit of another
space is never reachable: its id answers "no such kit" exactly like a wrong one. A save names the
revision it started from and is refused when someone saved meanwhile, under the same kind of lock
file the store uses, so no one's version is lost silently.
"""

from __future__ import annotations

import fcntl
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from core.campaign.brand import BrandKit, KitFile
from core.errors import InputError
from core.spaces import PERSONAL_SPACE, may_start_stories
from core.store import Store, write_atomically
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
        self.folder = Path(store.root) / "brands" / self.space.id
        self.files = self.folder / "files"

    def _may_read(self) -> None:
        if not self.operator and self.space.role(self.person.id) is None:
            raise KitNotFound()

    def _may_write(self) -> None:
        self._may_read()
        if not self.operator and not may_start_stories(self.space, self.person.id):
            raise InputError(f"You can use the brand kits of '{self.space.name}', but not change them.")

    def _kit_folder(self, kit_id: str) -> Path:
        if not isinstance(kit_id, str) or not KIT_ID.match(kit_id):
            raise KitNotFound()
        return self.folder / kit_id

    def _revisions(self, kit_id: str) -> list[int]:
        return sorted(int(p.stem) for p in self._kit_folder(kit_id).glob("*.json") if p.stem.isdigit())

    def list(self) -> list[StoredKit]:
        self._may_read()
        found = []
        for folder in sorted(self.folder.iterdir()) if self.folder.is_dir() else []:
            if KIT_ID.match(folder.name) and self._revisions(folder.name):
                kit, revision = self.load(folder.name)
                path = folder / f"{revision:08d}.json"
                found.append(
                    StoredKit(folder.name, kit.kit.name, revision, datetime.fromtimestamp(path.stat().st_mtime))
                )
        return sorted(found, key=lambda k: k.updated, reverse=True)

    def load(self, kit_id: str, revision: int | None = None) -> tuple[KitFile, int]:
        """The kit (newest version, or `revision`) with its files, and its revision."""
        self._may_read()
        revisions = self._revisions(kit_id)
        if not revisions:
            raise KitNotFound()
        revision = revisions[-1] if revision is None else int(revision)
        try:
            kit = BrandKit.model_validate_json((self._kit_folder(kit_id) / f"{revision:08d}.json").read_bytes())
        except (OSError, ValidationError, ValueError):
            raise KitNotFound() from None
        files = {}
        for name in (kit.logo, kit.font):
            if name and (self.files / name).is_file():
                files[name] = (self.files / name).read_bytes()
        return KitFile(kit, files), revision

    def versions(self, kit_id: str) -> list[int]:
        self._may_read()
        return self._revisions(kit_id)

    def save(self, kit: KitFile, kit_id: str | None = None, started_from: int = 0) -> tuple[str, int]:
        """Save a new version on top of `started_from` (0 for a new kit); returns (id, revision)."""
        self._may_write()
        kit_id = kit_id or new_id(8)
        folder = self._kit_folder(kit_id)
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in kit.files.items():
            if not (self.files / name).exists():
                write_atomically(self.files / name, data)
        with open(folder / ".lock", "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                revisions = self._revisions(kit_id)
                newest = revisions[-1] if revisions else 0
                if newest != started_from:
                    raise InputError(
                        "This brand kit was changed elsewhere while you edited it; reload it to see the newest version."
                    )
                revision = newest + 1
                write_atomically(folder / f"{revision:08d}.json", kit.kit.model_dump_json(indent=1).encode("utf-8"))
                for old in revisions[:-KEEP]:
                    (folder / f"{old:08d}.json").unlink(missing_ok=True)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return kit_id, revision
