"""One story as one ZIP, and back: to move a book to another studio or space, or keep a copy.

The ZIP holds `visutale.json` (what this is), `story.json` (the whole story document: captions,
every draft, pictures' prompts and seeds, translations, narrations), `images/` (the photo and every
picture, each named by the SHA-256 of its bytes, as the store keeps them), `audio/` (the pages
read aloud, named the same way) and `exports/` (the PDFs, EPUBs, web readers and videos made so
far, for whoever opens the ZIP).

Importing reads the archive whole, in memory, and checks everything before it writes anything:
an archive from a stranger is hostile until proved otherwise. Refused, with a message and nothing
written: entries with absolute paths, `..`, backslashes or drive letters; symbolic links;
encrypted entries; more entries than a story can have; a declared size over the limits, a
compression ratio of a zip bomb, or an entry that inflates past what it declared; any file that is
not one of the above (by name and by its first bytes); an image whose bytes do not hash to its
name; a story that refers to an image or a sound the archive lacks; a story document that does not
validate.

The imported story is the same story under a new id, owned by the importer, in the space their
store starts stories in, with the same exports: every file the archive holds is kept beside the
new story under a new token, unpublished (a link or QR code printed in it belonged to the other
studio; publishing again here makes new ones). A record whose file the archive lacks (an earlier
ZIP, a file that was gone) is left out, and a class that reviews before printing keeps none until
the teacher approves.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import secrets
import stat
import zipfile
import zlib
from dataclasses import dataclass

from pydantic import ValidationError

from core.errors import InputError
from core.export.formats import FORMATS
from core.storage.store import Store
from core.story import AUDIO_NAME, IMAGE_NAME, ExportRecord, Story

FORMAT = 1
MAX_ENTRIES = 4000  # a 24-page book with every version of every picture is far below this
MAX_TOTAL_BYTES = 1024**3  # everything, uncompressed
MAX_ENTRY_BYTES = 256 * 1024**2
MAX_RATIO = 200  # uncompressed / compressed, for entries large enough to matter
EXPORT_NAME = re.compile(r"^exports/[0-9A-Za-z]{8,64}\.(pdf|epub|html|mp4|zip)$")
# What each kind of file starts with. MP4 and M4A (ISO base media files) open with a box whose
# size comes first, so their signature is the box type at byte 4: see `_looks_like`.
ISO_MEDIA = ("mp4", "m4a")
MAGIC = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "webp": (b"RIFF",),
    "gif": (b"GIF87a", b"GIF89a"),
    "bmp": (b"BM",),
    "tiff": (b"II*\x00", b"MM\x00*"),
    "wav": (b"RIFF",),
    "mp3": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"),
    "pdf": (b"%PDF-",),
    "epub": (b"PK\x03\x04",),
    "zip": (b"PK\x03\x04",),
    "html": (b"<!DOCTYPE", b"<!doctype", b"<html"),
}


def _looks_like(extension: str, content: bytes) -> bool:
    """Whether the file's first bytes are those of its kind (an unknown kind never is)."""
    if extension in ISO_MEDIA:
        return content[4:8] == b"ftyp"
    return extension in MAGIC and content.startswith(MAGIC[extension])


def export_zip(store: Store, story: Story) -> bytes:
    """The story, its images and its PDFs as one ZIP (for someone who may read the story)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("visutale.json", json.dumps({"format": FORMAT, "story": story.id}))
        archive.writestr("story.json", story.model_dump_json(indent=1))
        for name in sorted(story.image_names()):
            # pictures are compressed already: stored as they are, so the ZIP is quick to make
            archive.writestr(f"images/{name}", store.read_image(story.id, name), zipfile.ZIP_STORED)
        for name in sorted(story.audio_names()):
            archive.writestr(f"audio/{name}", store.read_audio(story.id, name))
        for record in story.exports if _may_print(store, story) else ():
            extension = _extension(record.format)
            if extension == "zip":
                continue  # an archive made earlier: this one holds everything it did
            try:
                data = store.export_path(story.id, record.token, extension).read_bytes()
            except (OSError, InputError):
                continue  # an export whose file is gone: the story itself is complete without it
            archive.writestr(f"exports/{record.token}.{extension}", data, zipfile.ZIP_STORED)
    return buffer.getvalue()


def make_zip(request) -> bytes:
    """The ZIP as an export format (`core.export.formats`): the whole story, whatever the language."""
    return export_zip(request.store, request.story)


def _extension(format_name: str) -> str:
    chosen = FORMATS.get(format_name)
    return chosen.extension if chosen else "pdf"


def _may_print(store: Store, story: Story) -> bool:
    """Whether the story's PDFs go into its ZIP: not while a class waits for the teacher to approve
    printing it (`core.people.classes`), or the ZIP would hand out what the Export page holds back."""
    try:
        store.check_printing(story.id)
    except InputError:
        return False
    return True


@dataclass(frozen=True)
class _Checked:
    story: Story
    images: dict[str, bytes]
    sounds: dict[str, bytes]
    exports: dict[str, bytes]  # "<token>.<extension>" -> the file


def import_zip(store: Store, data: bytes) -> Story:
    """A new story from a ZIP made by `export_zip`, owned by the store's person; InputError, with
    nothing written, for anything else."""
    checked = _read(data)
    made = store.create()
    for name, content in checked.images.items():
        store.put_image(made.id, content, name.rsplit(".", 1)[1])
    for name, content in checked.sounds.items():
        store.put_audio(made.id, content, name.rsplit(".", 1)[1])
    exports = _carried_exports(store, made.id, checked)
    story = checked.story.model_copy(
        deep=True, update={"id": made.id, "revision": made.revision, "created": made.created, "exports": exports}
    )
    return store.save(story, step="import")


def _carried_exports(store: Store, story_id: str, checked: _Checked) -> list[ExportRecord]:
    """The archive's exports kept beside the new story, each under a new token and unpublished;
    none where the importer may not print yet (a class that reviews first)."""
    try:
        store.check_printing(story_id)
    except InputError:
        return []
    carried = []
    for record in checked.story.exports:
        extension = _extension(record.format)
        content = checked.exports.get(f"{record.token}.{extension}")
        if content is None:
            continue
        token = secrets.token_hex(16)
        store.put_export(story_id, token, content, extension)
        carried.append(record.model_copy(update={"token": token, "url": None}))
    return carried


def _read(data: bytes) -> _Checked:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise InputError("That file is not a ZIP archive.") from None
    with archive:
        infos = archive.infolist()
        _check_entries(infos)
        names = {info.filename for info in infos}
        if "story.json" not in names or "visutale.json" not in names:
            raise InputError("That ZIP is not a VisuTale story: it has no story.json and visutale.json.")
        files = {info.filename: _inflate(archive, info) for info in infos if not info.is_dir()}
    try:
        marker = json.loads(files["visutale.json"])
        version = marker.get("format") if isinstance(marker, dict) else None
    except ValueError:
        version = None
    if version != FORMAT:
        raise InputError("That ZIP is not a VisuTale story this studio can read (unknown format).")
    try:
        story = Story.model_validate_json(files["story.json"])
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the document"
        raise InputError(f"The story in that ZIP is not valid ({where}: {first['msg']}).") from None
    images = _hashed(files, "images/", "picture")
    sounds = _hashed(files, "audio/", "recording")
    missing = story.image_names() - set(images)
    if missing:
        raise InputError(f"That ZIP lacks {len(missing)} picture(s) the story needs, such as {sorted(missing)[0]}.")
    missing = story.audio_names() - set(sounds)
    if missing:
        raise InputError(f"That ZIP lacks {len(missing)} recording(s) the story needs, such as {sorted(missing)[0]}.")
    exports = {name[len("exports/") :]: content for name, content in files.items() if name.startswith("exports/")}
    for name, content in exports.items():
        if not _looks_like(name.rsplit(".", 1)[1], content):
            raise InputError(f"exports/{name} in that ZIP is not the kind of file its name says.")
    return _Checked(
        story,
        {name: images[name] for name in sorted(story.image_names())},
        {name: sounds[name] for name in sorted(story.audio_names())},
        exports,
    )


def _hashed(files: dict[str, bytes], folder: str, kind: str) -> dict[str, bytes]:
    """The files of one folder by name, each checked against the hash that names it and its type."""
    found = {name[len(folder) :]: content for name, content in files.items() if name.startswith(folder)}
    for name, content in found.items():
        if hashlib.sha256(content).hexdigest() != name.split(".", 1)[0]:
            raise InputError(f"The {kind} {name} in that ZIP is damaged (its bytes do not match its name).")
        extension = name.rsplit(".", 1)[1]
        if (extension in MAGIC or extension in ISO_MEDIA) and not _looks_like(extension, content):
            raise InputError(f"{name} in that ZIP is not the kind of {kind} its name says.")
    return found


def _check_entries(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ENTRIES:
        raise InputError(f"That ZIP has {len(infos)} entries; a story has at most {MAX_ENTRIES}.")
    total = 0
    for info in infos:
        name = info.filename
        if _unsafe_path(name):
            raise InputError(f"That ZIP holds an entry with an unsafe path ({name[:80]!r}); nothing was imported.")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise InputError(f"That ZIP holds a symbolic link ({name[:80]!r}); nothing was imported.")
        if info.flag_bits & 0x1:
            raise InputError("That ZIP is encrypted; export the story again without a password.")
        if info.is_dir():
            continue
        if not _expected(name):
            raise InputError(f"That ZIP holds a file a story does not have ({name[:80]!r}); nothing was imported.")
        if info.file_size > MAX_ENTRY_BYTES:
            raise InputError(f"{name} in that ZIP is too large ({info.file_size // 1024**2} MB).")
        if info.file_size > 1024**2 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError("That ZIP inflates to far more than its size (a zip bomb?); nothing was imported.")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise InputError("That ZIP is larger than any story could be; nothing was imported.")


def _unsafe_path(name: str) -> bool:
    parts = name.split("/")
    return (
        name.startswith("/")
        or "\\" in name
        or re.match(r"^[A-Za-z]:", name) is not None
        or any(part in ("..", ".") for part in parts)
        or "\x00" in name
    )


def _expected(name: str) -> bool:
    if name in ("story.json", "visutale.json"):
        return True
    if name.startswith("images/"):
        return IMAGE_NAME.match(name[len("images/") :]) is not None
    if name.startswith("audio/"):
        return AUDIO_NAME.match(name[len("audio/") :]) is not None
    return EXPORT_NAME.match(name) is not None


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The entry's bytes, never more than it declared (a forged size cannot inflate past it)."""
    try:
        with archive.open(info) as entry:
            content = entry.read(info.file_size + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
        raise InputError(f"{info.filename} in that ZIP is damaged or forged; nothing was imported.") from None
    if len(content) > info.file_size:
        raise InputError("That ZIP inflates to more than it declares (a zip bomb?); nothing was imported.")
    return content
