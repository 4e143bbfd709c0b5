"""A character library per space: save a story's character (sheet and reference pictures) and use
it in another story.

Layout under the data folder, one folder per space:

    characters/<space id>/<entry id>.json      the sheet, who saved it, from which story
    characters/<space id>/images/<sha256>.png  its reference pictures, named by their bytes

The space is the one the store was opened for (`PersonStore.space`; the operator's `Store` and a
personal studio use the personal space). Members of the space (any role) see its library; owners
and editors (who may start stories there) save to it and delete from it. Saving asks to read the
story, using a character asks to change the story, both through the store (`core.people.access`), so a
person never reaches another's story or space through the library. A story's photo is the first
reference picture of its main character (the offline engine cuts the hero out of it; an engine
that takes reference pictures may use the others).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.errors import InputError
from core.people.spaces import PERSONAL_SPACE, Level, Space, may_start_stories
from core.storage.store import Store, write_atomically
from core.story import IMAGE_NAME, Character, Story, now

ENTRY_ID = re.compile(r"^[0-9a-f]{16}$")


class LibraryCharacter(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str = Field(default_factory=lambda: secrets.token_hex(8))
    sheet: Character  # references are names in the library's images folder
    saved_by: str
    story: str  # the story it was saved from
    created: datetime = Field(default_factory=now)


def space_of(store: Store) -> Space:
    return getattr(store, "space", PERSONAL_SPACE)


def _person(store: Store) -> str:
    return store.person.id


def _folder(store: Store) -> Path:
    return Path(store.root) / "characters" / space_of(store).id


def _check(store: Store, change: bool) -> None:
    space, person = space_of(store), _person(store)
    if type(store) is Store:  # the operator's view
        return
    if change and not may_start_stories(space, person):
        raise InputError(f"You can use the characters of '{space.name}', but not save or delete them there.")
    if space.role(person) is None:
        raise InputError("There is no such space.")


def list_characters(store: Store) -> list[LibraryCharacter]:
    """The space's characters, newest first (unreadable entries are skipped, never shown half)."""
    _check(store, change=False)
    found = []
    folder = _folder(store)
    for path in folder.glob("*.json") if folder.exists() else ():
        try:
            found.append(LibraryCharacter.model_validate_json(path.read_bytes()))
        except (OSError, ValidationError, ValueError):
            continue
    return sorted(found, key=lambda e: (e.created, e.id), reverse=True)


def get(store: Store, entry_id: str) -> LibraryCharacter:
    _check(store, change=False)
    path = _folder(store) / f"{entry_id}.json" if isinstance(entry_id, str) and ENTRY_ID.match(entry_id) else None
    try:
        return LibraryCharacter.model_validate_json(path.read_bytes())  # type: ignore[union-attr]
    except (AttributeError, OSError, ValidationError, ValueError):
        raise InputError("There is no such character in this space's library.") from None


def image_bytes(store: Store, entry: LibraryCharacter, name: str) -> bytes:
    """A reference picture of a library character (for a page to show)."""
    _check(store, change=False)
    if name not in entry.sheet.references or not IMAGE_NAME.match(name):
        raise InputError("That picture is not one of this character's.")
    return (_folder(store) / "images" / name).read_bytes()


def save_character(store: Store, story: Story, who: str) -> LibraryCharacter:
    """Save one of the story's characters (by name or id) with its reference pictures."""
    _check(store, change=True)
    store.check_access(story.id, Level.VIEW)
    character = next((c for c in story.characters if who in (c.id, c.name) or c.name.lower() == who.lower()), None)
    if character is None:
        raise InputError(f"The story has no character '{who}'.")
    references = list(character.references)
    if story.photo and story.characters and story.characters[0].id == character.id:
        references.insert(0, story.photo.image)
    folder = _folder(store)
    kept = []
    for name in dict.fromkeys(references):
        try:
            data = store.read_image(story.id, name)
        except (OSError, InputError):
            continue
        stored = f"{hashlib.sha256(data).hexdigest()}.{name.rsplit('.', 1)[-1]}"
        target = folder / "images" / stored
        if not target.exists():
            write_atomically(target, data)
        kept.append(stored)
    sheet = character.model_copy(update={"references": kept, "library": None})
    entry = LibraryCharacter(sheet=sheet, saved_by=_person(store), story=story.id)
    write_atomically(folder / f"{entry.id}.json", entry.model_dump_json(indent=1).encode("utf-8"))
    return entry


def copy_into(store: Store, story: Story, entry_id: str) -> Character:
    """A library character's sheet for this story, its pictures copied into the story's images
    (`core.studio.use_library_character` adds it to the story)."""
    entry = get(store, entry_id)
    store.check_access(story.id, Level.EDIT)
    names = []
    for name in entry.sheet.references:
        path = _folder(store) / "images" / name
        if IMAGE_NAME.match(name) and path.exists():
            names.append(store.put_image(story.id, path.read_bytes(), name.rsplit(".", 1)[-1]))
    return entry.sheet.model_copy(update={"references": names, "library": entry.id, "id": secrets.token_hex(6)})


def delete_character(store: Store, entry_id: str) -> None:
    _check(store, change=True)
    entry = get(store, entry_id)
    (_folder(store) / f"{entry.id}.json").unlink(missing_ok=True)
