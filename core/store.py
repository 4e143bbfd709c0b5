"""Where stories live: one folder per story, saved atomically, with its recent versions kept.

Layout under the data folder:

    stories/<id>/story.json            the current version
    stories/<id>/history/<rev>.json    the last KEEP_VERSIONS versions, newest has the highest rev
    stories/<id>/images/<sha256>.<ext> every picture, named by the hash of its bytes
    stories/<id>/exports/<token>.pdf   every PDF exported

Every file is written to a temporary name in the same folder, flushed to disk and renamed over the
old one, so a crash at any moment leaves either the old file or the new one, never half of one. A
reader that finds `story.json` unreadable anyway (a disk that lied) falls back to the newest
readable version in `history/`.

Every save names the revision it started from (`Story.revision`, as loaded): the store writes only
on top of that revision, under a lock file, and raises StaleRevision when someone saved meanwhile (a
second tab, a second person, a long illustrate loop racing an edit). `core.studio` catches that,
reloads, re-applies its change and, where two changes collide, keeps both (see `studio._commit`).

Story ids and image names are checked against strict patterns before they touch a path, so
`?story=../../etc` or a forged image name reveals nothing.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image
from pydantic import ValidationError

from core.errors import InputError
from core.story import IMAGE_NAME, STORY_ID, Story, new_id, now

KEEP_VERSIONS = 20


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


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a reader sees the old bytes or the new, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class Store:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.stories = self.root / "stories"
        self.stories.mkdir(parents=True, exist_ok=True)

    # --- paths, always through validation ----------------------------------------------

    def folder(self, story_id: str) -> Path:
        if not isinstance(story_id, str) or not STORY_ID.match(story_id):
            raise StoryNotFound()
        return self.stories / story_id

    def image_path(self, story_id: str, name: str) -> Path:
        if not IMAGE_NAME.match(name):
            raise InputError("That picture name is not valid.")
        return self.folder(story_id) / "images" / name

    # --- stories -----------------------------------------------------------------------

    def create(self) -> Story:
        story = Story(id=new_id())
        self.folder(story.id).mkdir(parents=True)
        return self.save(story)

    def save(self, story: Story) -> Story:
        """Save a new version on top of the revision the story was loaded at; return it.

        The revision goes up by one. Raises StaleRevision, writing nothing, when the stored story
        is no longer at `story.revision`, and StoryNotFound when the story was deleted meanwhile.
        """
        folder = self.folder(story.id)
        with self._locked(folder):
            newest = self._newest_revision(story.id)
            if newest != story.revision:
                raise StaleRevision(story.id, story.revision, newest)
            revision, updated = story.revision + 1, now()
            data = story.model_copy(update={"revision": revision, "updated": updated}).model_dump_json(indent=1)
            history = folder / "history"
            write_atomically(history / f"{revision:08d}.json", data.encode("utf-8"))
            write_atomically(folder / "story.json", data.encode("utf-8"))
            for old in sorted(history.glob("*.json"))[:-KEEP_VERSIONS]:
                old.unlink(missing_ok=True)
        story.revision, story.updated = revision, updated
        return story

    @contextmanager
    def _locked(self, folder: Path) -> Iterator[None]:
        """One writer at a time per story, across threads and processes (an advisory flock)."""
        if not folder.is_dir():
            raise StoryNotFound()
        with open(folder / ".lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _newest_revision(self, story_id: str) -> int:
        """The revision `load` would return; 0 for a story never saved."""
        try:
            return self.load(story_id).revision
        except StoryNotFound:
            return 0

    def load(self, story_id: str) -> Story:
        folder = self.folder(story_id)
        candidates = [folder / "story.json", *sorted((folder / "history").glob("*.json"), reverse=True)]
        for path in candidates:
            try:
                story = Story.model_validate_json(path.read_bytes())
            except (OSError, ValidationError, ValueError):
                continue
            if story.id == story_id:
                return story
        raise StoryNotFound()

    def exists(self, story_id: str) -> bool:
        try:
            return (self.folder(story_id) / "story.json").exists()
        except StoryNotFound:
            return False

    def versions(self, story_id: str) -> list[int]:
        return [int(p.stem) for p in sorted((self.folder(story_id) / "history").glob("*.json"))]

    def load_version(self, story_id: str, revision: int) -> Story:
        path = self.folder(story_id) / "history" / f"{int(revision):08d}.json"
        try:
            return Story.model_validate_json(path.read_bytes())
        except (OSError, ValidationError, ValueError):
            raise StoryNotFound() from None

    def list(self) -> list[StorySummary]:
        """Every story, newest change first."""
        summaries = []
        for folder in self.stories.iterdir():
            if not STORY_ID.match(folder.name):
                continue
            try:
                story = self.load(folder.name)
            except StoryNotFound:
                continue
            summaries.append(
                StorySummary(
                    id=story.id,
                    title=story.title,
                    updated=story.updated,
                    pages=len(story.draft.pages) if story.draft else 0,
                    thumbnail=self.image_path(story.id, story.photo.image) if story.photo else None,
                )
            )
        return sorted(summaries, key=lambda s: s.updated, reverse=True)

    def delete(self, story_id: str) -> None:
        folder = self.folder(story_id)
        if not folder.exists():
            raise StoryNotFound()
        # Rename first: a crash half-way through rmtree leaves no half-deleted story listed.
        trash = self.root / "trash" / f"{story_id}-{new_id(4)}"
        trash.parent.mkdir(parents=True, exist_ok=True)
        os.replace(folder, trash)
        shutil.rmtree(trash, ignore_errors=True)

    def duplicate(self, story_id: str) -> Story:
        """A copy with a new id: every image and version-less document, exports left behind."""
        story = self.load(story_id)
        copy = story.model_copy(deep=True, update={"id": new_id(), "revision": 0, "exports": []})
        source, target = self.folder(story_id), self.folder(copy.id)
        (target / "images").mkdir(parents=True)
        for name in story.image_names():
            src = source / "images" / name
            if src.exists():
                shutil.copy2(src, target / "images" / name)
        return self.save(copy)

    # --- images --------------------------------------------------------------------------

    def put_image(self, story_id: str, data: bytes, extension: str) -> str:
        """Store image bytes under the hash of their content; return the name."""
        name = f"{hashlib.sha256(data).hexdigest()}.{extension.lower().lstrip('.')}"
        path = self.image_path(story_id, name)
        if not path.exists():
            write_atomically(path, data)
        return name

    def thumbnail(self, story_id: str, name: str, width: int = 400) -> Path:
        """A JPEG copy at most `width` wide, made once: pages show these, so a rerun with 24
        pictures on screen sends kilobytes, not the megabytes of the lossless originals."""
        source = self.image_path(story_id, name)
        thumb = self.folder(story_id) / "thumbs" / f"{name.split('.')[0]}-{int(width)}.jpg"
        if not thumb.exists():
            with Image.open(source) as image:
                image = image.convert("RGB")
                image.thumbnail((width, width * 4), Image.Resampling.LANCZOS)
                buffer = io.BytesIO()
                image.save(buffer, format="JPEG", quality=88)
            write_atomically(thumb, buffer.getvalue())
        return thumb

    def read_image(self, story_id: str, name: str) -> bytes:
        return self.image_path(story_id, name).read_bytes()

    # --- exports -------------------------------------------------------------------------

    def export_path(self, story_id: str, token: str) -> Path:
        if not token.isalnum():
            raise InputError("That export link is not valid.")
        return self.folder(story_id) / "exports" / f"{token}.pdf"
