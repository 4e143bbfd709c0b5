"""Where stories live: one folder per story, saved atomically, with its recent versions kept.

Layout under the data folder:

    stories/<id>/story.json            the current version
    stories/<id>/history/<rev>.json    the last KEEP_VERSIONS versions, newest has the highest rev
    stories/<id>/images/<sha256>.<ext> every picture, named by the hash of its bytes
    stories/<id>/audio/<sha256>.wav    every narration, named by the hash of its bytes
    stories/<id>/exports/<token>.<ext> every file exported (PDF, EPUB, web reader...)
    stories/<id>/audit.jsonl           who changed what and when (`core.people.audit`), the last 500 changes
    limits/<space id>.json             what each space used this hour and day (`core.people.limits`)
    deleted/<space id>.jsonl           who deleted which story of the space, and when (`core.people.audit`)

The data folder is a folder on this machine or a prefix of an object store (`s3://bucket/prefix`,
see `core.storage.datadir`); the layout is the same in both.

Every file is written to a temporary name in the same folder, flushed to disk and renamed over the
old one, so a crash at any moment leaves either the old file or the new one, never half of one. A
reader that finds `story.json` unreadable anyway (a disk that lied) falls back to the newest
readable version in `history/`.

Every save names the revision it started from (`Story.revision`, as loaded): the store writes only
on top of that revision, under a lock file, and raises StaleRevision when someone saved meanwhile (a
second tab, a second person, a long illustrate loop racing an edit). On S3 there is no lock: the
save is a compare-and-swap of `story.json` (PutObject with If-Match on the ETag that was read, or
If-None-Match for the first save), decided by the server, so of two studio replicas saving on top of
the same revision exactly one wins and the other gets StaleRevision. `core.studio` catches that,
reloads, re-applies its change and, where two changes collide, keeps both (see `studio.commit`).

Story ids and image names are checked against strict patterns before they touch a path, so
`?story=../../etc` or a forged image name reveals nothing.

Who may do what is asked before any file is touched: every operation names the `Level` it needs
(`core.people.spaces`) and calls `_require`. This `Store` is the operator's view (tests, the data folder's
owner): it allows everything. `as_person(store, person)` (`core.people.access`) is one person's view,
which answers StoryNotFound for a story they may not see, exactly as for one that does not exist.
Each story's owner, space and shares are kept in `stories/<id>/access.json`, written under the
story's lock; a story without one belongs to the personal space.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image
from pydantic import ValidationError

from core.errors import InputError
from core.people import audit
from core.people.addresses import People
from core.people.audit import AuditEntry
from core.people.limits import Limits, Quota
from core.people.spaces import PERSONAL, Level, Person, Share, Spaces, StoryAccess
from core.storage.datadir import Conflict, LocalFolder, ObjectStore, open_data_dir
from core.storage.datadir import write_atomically as write_atomically  # importable here, as it always was
from core.story import AUDIO_NAME, IMAGE_NAME, STORY_ID, Story, new_id, now

KEEP_VERSIONS = 20
LIST_REQUESTS = 16  # stories an object store is asked about at once when the Library is listed


class StoryNotFound(InputError):
    """Raised for a wrong, foreign or malformed story id alike, so the message reveals nothing."""

    def __init__(self) -> None:
        super().__init__("There is no story at this link. It may have been deleted; see the Library.")


class StaleRevision(InputError):
    """A save started from a revision that is no longer the newest: someone saved meanwhile."""

    def __init__(self, story_id: str, started_from: int, newest: int) -> None:
        super().__init__(
            "This story was changed elsewhere while you worked on it (another tab or "
            "person); reload it to see the newest version."
        )
        self.story_id, self.started_from, self.newest = story_id, started_from, newest


@dataclass(frozen=True)
class StorySummary:
    id: str
    title: str
    updated: datetime
    pages: int
    thumbnail: Path | None
    owner: str = PERSONAL
    level: Level = Level.OWN  # what the asker may do with it: a Library marks what is only shared
    kind: str = "story"  # or "campaign" (core.campaign): the Library opens each at its own first page


class Store:
    # Who the audit names for this view's changes: the operator is the personal studio's person.
    person: Person = Person.personal()

    def __init__(self, root: Path | str | LocalFolder | ObjectStore, limits: Limits | None = None) -> None:
        """`root`: a folder, an object store's URL (`s3://bucket/prefix`) or an opened DataDir
        (`core.storage.datadir.data_dir_of(settings)` opens one with the settings' credentials)."""
        self.data = open_data_dir(root)
        self.root = self.data.path("") if self.data.path("") is not None else self.data.url
        if isinstance(self.data, LocalFolder):
            self.data.path("stories").mkdir(parents=True, exist_ok=True)
        self.quota = Quota(self.data, limits)

    # --- limits per space: asked before any work starts ------------------------------------

    def charge(self, story_id: str, pictures: int = 0, remote_calls: int = 0) -> None:
        """Count work about to be done for the story against its space's limits and this store's
        person's (across every space); LimitReached, counting nothing, when it would go past one."""
        if self.quota.limits == Limits():
            return
        access = self._read_access(story_id) or StoryAccess()
        self.quota.take(
            access.space, pictures, remote_calls, person_id=self.person.id, share=self._limit_share(access.space)
        )

    def limits_used(self, space_id: str = PERSONAL) -> list[str]:
        """The limits of a space and what it has used, in words (empty without limits)."""
        if self.quota.limits == Limits():
            return []
        return self.quota.describe(space_id, lambda: self._stories_in(space_id), self._limit_share(space_id))

    def _limit_share(self, space_id: str) -> int:
        """How many times each limit a space may use: a class once for its teacher and each pupil
        (`core.people.limits`), every other space once."""
        if space_id == PERSONAL:
            return 1

        try:
            space = Spaces(self.data).get(space_id)
        except InputError:
            return 1
        return 1 + len(space.members) if space.kind == "class" else 1

    def _new_story_limits(self, space_id: str):
        """The space's and the person's story limits, held while a story is made in `space_id`."""
        return self.quota.new_story(
            space_id,
            lambda: self._stories_in(space_id),
            person_id=self.person.id,
            owned=lambda: self._stories_owned_by(self.person.id),
            share=self._limit_share(space_id),
        )

    def _stories_owned_by(self, person_id: str) -> int:
        """How many stories the person owns, in every space (asked only when a story limit is set)."""
        return sum(
            1
            for name in self.data.names("stories")
            if STORY_ID.match(name) and (self._read_access(name) or StoryAccess()).owner == person_id
        )

    def _stories_in(self, space_id: str) -> int:
        """How many stories live in the space (asked only when a story limit is set)."""
        return sum(
            1
            for name in self.data.names("stories")
            if STORY_ID.match(name) and (self._read_access(name) or StoryAccess()).space == space_id
        )

    # --- access: asked before any file is touched ----------------------------------------

    def level(self, story_id: str) -> Level:
        """What the asker may do with this story; the operator may do everything."""
        return Level.OWN

    def check_access(self, story_id: str, needed: Level) -> None:
        """Raise unless the asker may do `needed` with the story: StoryNotFound when they may not
        even see it (the answer a wrong id gets), a plain InputError when they may see but not do."""
        have = self.level(story_id)
        if have >= needed:
            return
        if have == Level.NONE:
            raise StoryNotFound()
        if needed == Level.EDIT:
            raise InputError(
                "This story was shared with you to read, not to change: duplicate it in the Library "
                "to make a version of your own."
            )
        raise InputError("Only the story's owner can delete or share it.")

    def check_printing(self, story_id: str) -> None:
        """Raise unless the asker may print the story now (a class may review first; see
        `core.people.classes`); the operator prints anything."""

    def class_space(self, story_id: str) -> str | None:
        """The class space the story lives in, or None: in a class the safety check is always on
        (`core.classroom.safety`), whoever asks and whatever the settings say."""
        access = self._read_access(story_id)
        if access is None or access.space == PERSONAL:
            return None
        try:
            return access.space if Spaces(self.data).get(access.space).kind == "class" else None
        except InputError:
            return None

    def access(self, story_id: str) -> StoryAccess:
        """The story's owner, space and shares (for anyone who may see the story)."""
        self.check_access(story_id, Level.VIEW)
        found = self._read_access(story_id)
        if found is None:
            raise StoryNotFound()
        return found

    def _read_access(self, story_id: str) -> StoryAccess | None:
        """The stored access record; the personal space's when there is none (a story from before
        spaces); None when it cannot be read, which grants nothing to anyone but the operator."""
        key = self._path(story_id) + "/access.json"
        try:
            return StoryAccess.model_validate_json(self.data.read(key))
        except FileNotFoundError:
            return StoryAccess()
        except (OSError, ValidationError, ValueError):
            return None

    def _write_access(self, story_id: str, access: StoryAccess) -> None:
        self.data.write(self._path(story_id) + "/access.json", access.model_dump_json(indent=1).encode("utf-8"))

    def _settings_for_new(self, space_id: str) -> dict:
        """Story settings a new story in this space starts with: none here; a person's view
        (`core.people.access`) knows the space (a class's reading level)."""
        return {}

    def _access_for_new(self, source: StoryAccess | None) -> StoryAccess:
        """Who owns a new story (a copy of `source`, when duplicated): the operator's copies keep
        the source's owner and space, without its shares."""
        if source is None:
            return StoryAccess()
        return StoryAccess(owner=source.owner, space=source.space)

    def share(self, story_id: str, with_person: str | None, mode: str) -> StoryAccess:
        """Share the story with one person (`with_person`: their id, or the e-mail address they
        signed in with, see `core.people.addresses`) or, with None, with everyone in its space; `mode` "view"
        (read-only) or "edit". Sharing again changes the mode."""
        if mode not in ("view", "edit"):
            raise InputError("Share a story to read ('view') or to change ('edit').")
        folder = self._path(story_id)
        with self._locked(folder):
            self.check_access(story_id, Level.OWN)
            access = self._read_access(story_id) or StoryAccess()
            if with_person is None:
                share = Share(kind="space", target=access.space, mode=mode)
            else:
                person = People(self.data).resolve(with_person)
                if person == access.owner:
                    raise InputError("That is the story's owner: they have it already.")
                label = with_person.strip() if "@" in with_person and not with_person.startswith("oidc:") else ""
                share = Share(kind="person", target=person, mode=mode, label=label)
            access = access.with_share(share)
            self._write_access(story_id, access)
            self._record(story_id, "share")
        return access

    def revoke(self, story_id: str, with_person: str | None) -> StoryAccess:
        """Stop sharing with one person, or (None) with the whole space."""
        folder = self._path(story_id)
        with self._locked(folder):
            self.check_access(story_id, Level.OWN)
            access = self._read_access(story_id) or StoryAccess()
            if with_person is None:
                access = access.without_share("space", access.space)
            else:
                access = access.without_share("person", People(self.data).resolve(with_person))
            self._write_access(story_id, access)
            self._record(story_id, "revoke")
        return access

    # --- paths, always through validation ----------------------------------------------

    def _path(self, story_id: str) -> str:
        """The story's key in the data folder (`stories/<id>`), for a valid id only."""
        if not isinstance(story_id, str) or not STORY_ID.match(story_id):
            raise StoryNotFound()
        return f"stories/{story_id}"

    def folder(self, story_id: str) -> Path:
        """The story's folder, for someone who may at least see the story (a local data folder
        only: on an object store a story has no folder on this machine; see `location`)."""
        key = self._path(story_id)
        self.check_access(story_id, Level.VIEW)
        path = self.data.path(key)
        if path is None:
            raise InputError(f"Stories in {self.data.url} have no folder on this machine.")
        return path

    def location(self, story_id: str) -> str:
        """Where the story is kept, for people: its folder or its object store address."""
        key = self._path(story_id)
        self.check_access(story_id, Level.VIEW)
        return self.data.where(key)

    def _image_key(self, story_id: str, name: str) -> str:
        if not IMAGE_NAME.match(name):
            raise InputError("That picture name is not valid.")
        key = self._path(story_id)
        self.check_access(story_id, Level.VIEW)
        return f"{key}/images/{name}"

    def image_path(self, story_id: str, name: str) -> Path:
        """The picture as a file (on an object store, a copy kept on this machine: pictures never
        change, they are named by the hash of their bytes)."""
        return self.data.local_copy(self._image_key(story_id, name))

    # --- stories -----------------------------------------------------------------------

    def create(self) -> Story:
        story = Story(id=new_id())
        access = self._access_for_new(None)
        story.settings = story.settings.model_copy(update=self._settings_for_new(access.space))
        with self._new_story_limits(access.space):
            self.data.make_folder(self._path(story.id))
            self._write_access(story.id, access)
        return self.save(story, step="start")

    def save(self, story: Story, step: str = "edit", engine: str | None = None) -> Story:
        """Save a new version on top of the revision the story was loaded at; return it.

        The revision goes up by one, and the story's history (`core.people.audit`) gains an entry naming
        this store's person, the `step` and, when a model made the change, its `engine`.
        Raises StaleRevision, writing nothing, when the stored story is no longer at
        `story.revision`, and StoryNotFound when the story was deleted meanwhile.
        """
        if self.data.swaps:
            return self._save_swapping(story, step, engine)
        folder = self._path(story.id)
        with self._locked(folder):
            self.check_access(story.id, Level.EDIT)  # under the lock: a revoke cannot slip in between
            newest = self._newest_revision(story.id)
            if newest != story.revision:
                raise StaleRevision(story.id, story.revision, newest)
            revision, updated = story.revision + 1, now()
            data = story.model_copy(update={"revision": revision, "updated": updated}).model_dump_json(indent=1)
            self.data.write(f"{folder}/history/{revision:08d}.json", data.encode("utf-8"))
            self.data.write(f"{folder}/story.json", data.encode("utf-8"))
            self._trim_history(folder)
            self._record(story.id, step, engine, revision)
        story.revision, story.updated = revision, updated
        return story

    def _save_swapping(self, story: Story, step: str, engine: str | None) -> Story:
        """`save` on a store with conditional writes: `story.json` is replaced only if it is still
        the object read here (its ETag), so the server, not a lock, decides who saved first."""
        folder = self._path(story.id)
        self.check_access(story.id, Level.EDIT)
        current = self.data.read_tagged(f"{folder}/story.json")
        if current is None and (story.revision or not self.data.exists(f"{folder}/access.json")):
            raise StoryNotFound()
        newest = self._revision_of(current.data, story.id) if current else 0
        if newest != story.revision:
            raise StaleRevision(story.id, story.revision, newest)
        revision, updated = story.revision + 1, now()
        data = story.model_copy(update={"revision": revision, "updated": updated}).model_dump_json(indent=1)
        try:
            self.data.swap(f"{folder}/story.json", data.encode("utf-8"), current.tag if current else None)
        except Conflict:
            raise StaleRevision(story.id, story.revision, self._newest_revision(story.id)) from None
        except FileNotFoundError:  # deleted since it was read
            raise StoryNotFound() from None
        # Only this save won `revision`, so nobody else writes its history entry or drops the
        # version it pushes out (by name: listing the history costs a request more).
        self.data.write(f"{folder}/history/{revision:08d}.json", data.encode("utf-8"))
        if revision > KEEP_VERSIONS:
            self.data.remove(f"{folder}/history/{revision - KEEP_VERSIONS:08d}.json")
        self._record(story.id, step, engine, revision)
        story.revision, story.updated = revision, updated
        return story

    def _revision_of(self, data: bytes, story_id: str) -> int:
        try:
            return Story.model_validate_json(data).revision
        except (ValidationError, ValueError):
            return self._newest_revision(story_id)

    def _trim_history(self, folder: str) -> None:
        for old in sorted(self._history_names(folder))[:-KEEP_VERSIONS]:
            self.data.remove(f"{folder}/history/{old}")

    def _history_names(self, folder: str) -> list[str]:
        return [n for n in self.data.names(f"{folder}/history") if n.endswith(".json") and not n.startswith(".")]

    def _record(self, story_id: str, step: str, engine: str | None = None, revision: int | None = None) -> None:
        """One history entry; the caller holds the story's lock (or won its compare-and-swap)."""
        if revision is None:
            revision = self._newest_revision(story_id)
        entry = AuditEntry(
            time=now(), revision=revision, step=step, person=self.person.id, name=self.person.name, engine=engine
        )
        audit.append(self.data, self._path(story_id), entry)

    def history(self, story_id: str) -> list[AuditEntry]:
        """Who changed the story, what and when, oldest first: for anyone who may see the story
        (the owner of its space sees it for every story there)."""
        key = self._path(story_id)
        self.check_access(story_id, Level.VIEW)
        return audit.read(self.data, key)

    @contextmanager
    def _locked(self, folder: str) -> Iterator[None]:
        """One writer at a time per story, across threads and processes (an advisory flock; on an
        object store, a lock object with a lease)."""
        if not self.data.is_folder(folder):
            raise StoryNotFound()
        with self.data.locked(f"{folder}/.lock"):
            yield

    def _newest_revision(self, story_id: str) -> int:
        """The revision `load` would return; 0 for a story never saved."""
        try:
            return self.load(story_id).revision
        except StoryNotFound:
            return 0

    def load(self, story_id: str) -> Story:
        self._path(story_id)
        self.check_access(story_id, Level.VIEW)
        return self._load(story_id)

    def _load(self, story_id: str) -> Story:
        """`load` for a caller that has checked the asker's access."""
        folder = self._path(story_id)

        def candidates() -> Iterator[str]:  # the history is listed only when story.json fails
            yield f"{folder}/story.json"
            for name in sorted(self._history_names(folder), reverse=True):
                yield f"{folder}/history/{name}"

        for key in candidates():
            try:
                story = Story.model_validate_json(self.data.read(key))
            except (OSError, ValidationError, ValueError):
                continue
            if story.id == story_id:
                return story
        raise StoryNotFound()

    def exists(self, story_id: str) -> bool:
        try:
            folder = self._path(story_id)
            self.check_access(story_id, Level.VIEW)
        except StoryNotFound:
            return False
        return self.data.exists(f"{folder}/story.json")

    def versions(self, story_id: str) -> list[int]:
        folder = self._path(story_id)
        self.check_access(story_id, Level.VIEW)
        return [int(name.removesuffix(".json")) for name in sorted(self._history_names(folder))]

    def load_version(self, story_id: str, revision: int) -> Story:
        folder = self._path(story_id)
        self.check_access(story_id, Level.VIEW)
        try:
            return Story.model_validate_json(self.data.read(f"{folder}/history/{int(revision):08d}.json"))
        except (OSError, ValidationError, ValueError):
            raise StoryNotFound() from None

    def list(self) -> list[StorySummary]:
        """Every story the asker may see, newest change first."""
        names = [name for name in self.data.names("stories") if STORY_ID.match(name)]
        if isinstance(self.data, ObjectStore):  # a few requests per story: ask for all stories at once
            with ThreadPoolExecutor(max_workers=LIST_REQUESTS) as pool:
                found = [*pool.map(self._summary, names)]
        else:
            found = [self._summary(name) for name in names]
        return sorted((s for s in found if s is not None), key=lambda s: s.updated, reverse=True)

    def _summary(self, name: str) -> StorySummary | None:
        """The Library's line for one story; None for one the asker may not see or that is gone."""
        level = self.level(name)  # asked once per story: on an object store each ask is a request
        if level == Level.NONE:
            return None
        try:
            story = self._load(name)
        except StoryNotFound:
            return None
        photo = f"stories/{name}/images/{story.photo.image}" if story.photo else None
        return StorySummary(
            id=story.id,
            title=story.title,
            updated=story.updated,
            pages=len(story.draft.pages) if story.draft else 0,
            thumbnail=self.data.local_copy(photo) if photo and IMAGE_NAME.match(story.photo.image) else None,
            owner=(self._read_access(story.id) or StoryAccess()).owner,
            level=level,
            kind="campaign" if story.campaign is not None else "story",
        )

    def delete(self, story_id: str) -> None:
        """Delete the story; who deleted it, its title and when are kept with its space, for the
        space's owner (`deletions`), since its history goes with it."""
        folder = self._path(story_id)
        self.check_access(story_id, Level.OWN)
        if not self.data.is_folder(folder):
            raise StoryNotFound()
        access = self._read_access(story_id) or StoryAccess()
        try:
            title = self._load(story_id).title
        except StoryNotFound:
            title = ""
        self.data.remove_tree(folder)
        entry = audit.Deletion(
            time=now(), story=story_id, title=title, owner=access.owner, person=self.person.id, name=self.person.name
        )
        audit.record_deletion(self.data, access.space, entry)

    def deletions(self, space_id: str = PERSONAL) -> list[audit.Deletion]:
        """The stories deleted from a space, oldest first: for its owner (the operator sees all)."""
        return audit.deletions(self.data, space_id)

    def note(self, story_id: str, step: str) -> None:
        """A history entry for something done to the story that changes no document (a teacher's
        approval to print it), by someone who may do everything with it."""
        folder = self._path(story_id)
        self.check_access(story_id, Level.OWN)
        with self._locked(folder):
            self._record(story_id, step)

    def duplicate(self, story_id: str) -> Story:
        """A copy with a new id: every image and version-less document, exports left behind."""
        story = self.load(story_id)
        access = self._access_for_new(self._read_access(story_id))
        copy = story.model_copy(deep=True, update={"id": new_id(), "revision": 0, "exports": []})
        source, target = self._path(story_id), self._path(copy.id)
        with self._new_story_limits(access.space):
            self.data.make_folder(f"{target}/images")
            self._write_access(copy.id, access)
        for name in story.image_names():
            if self.data.exists(f"{source}/images/{name}"):
                self.data.copy(f"{source}/images/{name}", f"{target}/images/{name}")
        if story.audio_names():
            self.data.make_folder(f"{target}/audio")
        for name in story.audio_names():
            if self.data.exists(f"{source}/audio/{name}"):
                self.data.copy(f"{source}/audio/{name}", f"{target}/audio/{name}")
        return self.save(copy, step="duplicate")

    # --- images --------------------------------------------------------------------------

    def put_image(self, story_id: str, data: bytes, extension: str) -> str:
        """Store image bytes under the hash of their content; return the name. A story deleted
        meanwhile (a step still drawing for it) gets StoryNotFound: its folder is not made again."""
        self.check_access(story_id, Level.EDIT)
        if not self.data.exists(f"{self._path(story_id)}/story.json"):
            raise StoryNotFound()
        name = f"{hashlib.sha256(data).hexdigest()}.{extension.lower().lstrip('.')}"
        key = self._image_key(story_id, name)
        if not self.data.exists(key):
            self.data.write(key, data)
        return name

    def thumbnail(self, story_id: str, name: str, width: int = 400) -> Path:
        """A JPEG copy at most `width` wide, made once: pages show these, so a rerun with 24
        pictures on screen sends kilobytes, not the megabytes of the lossless originals."""
        source = self.image_path(story_id, name)
        key = f"{self._path(story_id)}/thumbs/{name.split('.')[0]}-{int(width)}.jpg"
        thumb = self.data.local_copy(key)
        if not thumb.exists():
            with Image.open(source) as image:
                image = image.convert("RGB")
                image.thumbnail((width, width * 4), Image.Resampling.LANCZOS)
                buffer = io.BytesIO()
                image.save(buffer, format="JPEG", quality=88)
            self.data.write(key, buffer.getvalue())
            thumb = self.data.local_copy(key, buffer.getvalue())
        return thumb

    def read_image(self, story_id: str, name: str) -> bytes:
        return self.data.read(self._image_key(story_id, name))

    # --- exports -------------------------------------------------------------------------

    def _export_key(self, story_id: str, token: str, extension: str = "pdf") -> str:
        if not token.isalnum() or not extension.isalnum():
            raise InputError("That export link is not valid.")
        key = self._path(story_id)
        self.check_access(story_id, Level.VIEW)
        return f"{key}/exports/{token}.{extension}"

    def export_path(self, story_id: str, token: str, extension: str = "pdf") -> Path:
        """The exported file as a file (on an object store, a copy kept on this machine)."""
        return self.data.local_copy(self._export_key(story_id, token, extension))

    def put_export(self, story_id: str, token: str, data: bytes, extension: str = "pdf") -> Path:
        """Keep an exported file beside the story (for someone who may change and print the story)."""
        self.check_access(story_id, Level.EDIT)
        self.check_printing(story_id)
        key = self._export_key(story_id, token, extension)
        self.data.write(key, data)
        return self.data.local_copy(key, data)

    # --- audio ---------------------------------------------------------------------------

    def _audio_key(self, story_id: str, name: str) -> str:
        if not AUDIO_NAME.match(name):
            raise InputError("That audio name is not valid.")
        key = self._path(story_id)
        self.check_access(story_id, Level.VIEW)
        return f"{key}/audio/{name}"

    def audio_path(self, story_id: str, name: str) -> Path:
        """The recording as a file (on an object store, a copy kept on this machine)."""
        return self.data.local_copy(self._audio_key(story_id, name))

    def put_audio(self, story_id: str, data: bytes, extension: str = "wav") -> str:
        """Store audio bytes under the hash of their content, as pictures are; return the name."""
        self.check_access(story_id, Level.EDIT)
        name = f"{hashlib.sha256(data).hexdigest()}.{extension.lower().lstrip('.')}"
        key = self._audio_key(story_id, name)
        if not self.data.exists(key):
            self.data.write(key, data)
        return name

    def read_audio(self, story_id: str, name: str) -> bytes:
        return self.data.read(self._audio_key(story_id, name))
