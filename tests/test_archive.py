"""A story as one ZIP and back (core.export.archive): the round trip gives the same story under a
new id, owned by the importer; a hostile archive is refused with a message and nothing written."""

from __future__ import annotations

import io
import json
import stat
import zipfile

import pytest

from core import studio
from core.errors import InputError
from core.export.archive import export_zip, import_zip
from core.people.access import as_person
from core.people.spaces import Level, Person
from core.storage.store import Store
from tests.doubles import ScriptedWriter, SolidIllustrator, ToneNarrator, story_of

ALICE = Person(id="oidc:https://id.example:alice", name="Alice")
BOB = Person(id="oidc:https://id.example:bob", name="Bob")


@pytest.fixture
def made(store: Store, cat_bytes: bytes):
    """A two-page story with a caption, a draft, pictures and a PDF."""
    story = studio.start_story(store, cat_bytes, "cat.jpg")
    studio.edit_caption(store, story, "A ginger cat on a red rug.")
    list(studio.write_draft(store, story, ScriptedWriter(story_of("Pim's day", "One cat.", "Two cats."))))
    list(studio.illustrate(store, story, SolidIllustrator()))
    list(studio.narrate(store, story, ToneNarrator()))
    list(studio.export_pdf(store, story))
    return store.load(story.id)


def content(story) -> dict:
    """What makes two stories the same story: everything but who, where and when it was saved."""
    return story.model_dump(exclude={"id", "revision", "created", "updated", "exports"})


def test_a_story_round_trips_through_a_zip_into_another_studio(made, store: Store, tmp_path) -> None:
    data = export_zip(store, made)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
    assert "story.json" in names and any(n.startswith("exports/") and n.endswith(".pdf") for n in names)
    assert {n.split("/", 1)[1] for n in names if n.startswith("images/")} == made.image_names()

    elsewhere = as_person(Store(tmp_path / "other"), BOB)
    imported = import_zip(elsewhere, data)
    assert imported.id != made.id
    assert content(imported) == content(made)
    assert elsewhere.level(imported.id) == Level.OWN and elsewhere.access(imported.id).owner == BOB.id
    for name in made.image_names():
        assert elsewhere.read_image(imported.id, name) == store.read_image(made.id, name)
    assert made.audio_names() and len(made.narrations) == 2  # both pages read aloud, and they still are
    for name in made.audio_names():
        assert elsewhere.read_audio(imported.id, name) == store.read_audio(made.id, name)
    for page in imported.draft.pages:
        assert imported.narration(page.id) is not None
    assert [e.step for e in elsewhere.history(imported.id)][-1] == "import"
    assert elsewhere.load(imported.id).draft.title == "Pim's day"


def zip_of(entries: dict[str, bytes], *, symlink: str | None = None, ratio_bomb: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
        if ratio_bomb:
            archive.writestr("images/" + "0" * 64 + ".png", b"\0" * (20 * 1024**2))
    return buffer.getvalue()


def forged_size(data: bytes, name: str, declared: int) -> bytes:
    """The same ZIP with the declared size of `name` lowered in both headers (a lying archive)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
        real = info.file_size
    raw = bytearray(data)
    old, new = real.to_bytes(4, "little"), declared.to_bytes(4, "little")
    at = raw.find(name.encode())
    while at != -1:
        window = raw[max(0, at - 30) : at]  # sizes sit just before the name in each header
        spot = window.rfind(old)
        if spot != -1:
            start = max(0, at - 30) + spot
            raw[start : start + 4] = new
        at = raw.find(name.encode(), at + 1)
    return bytes(raw)


@pytest.mark.parametrize(
    ("hostile", "says"),
    [
        ("not a zip", "not a ZIP"),
        ("traversal", "unsafe path"),
        ("absolute", "unsafe path"),
        ("backslash", "unsafe path"),
        ("symlink", "symbolic link"),
        ("bomb", "zip bomb"),
        ("stranger file", "a file a story does not have"),
        ("wrong type", "not the kind of picture"),
        ("damaged picture", "damaged"),
        ("missing picture", "lacks 1 picture"),
        ("missing recording", "lacks 1 recording"),
        ("invalid story", "not valid"),
        ("no marker", "not a VisuTale story"),
        ("lying size", "damaged or forged"),
    ],
)
def test_a_hostile_archive_is_refused_and_nothing_is_written(made, store, tmp_path, hostile, says) -> None:
    good = export_zip(store, made)
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    picture = next(n for n in files if n.startswith("images/"))
    bad: bytes
    if hostile == "not a zip":
        bad = b"PK\x03\x04 nothing else"
    elif hostile == "traversal":
        bad = zip_of({**files, "images/../../evil.png": b"x"})
    elif hostile == "absolute":
        bad = zip_of({**files, "/etc/cron.d/evil": b"x"})
    elif hostile == "backslash":
        bad = zip_of({**files, "images\\..\\evil.png": b"x"})
    elif hostile == "symlink":
        bad = zip_of(files, symlink="images/" + "1" * 64 + ".png")
    elif hostile == "bomb":
        bad = zip_of(files, ratio_bomb=True)
    elif hostile == "stranger file":
        bad = zip_of({**files, "run.sh": b"#!/bin/sh\nrm -rf /"})
    elif hostile == "wrong type":
        html = b"<script>alert(1)</script>"
        import hashlib

        bad = zip_of({**files, f"images/{hashlib.sha256(html).hexdigest()}.png": html})
    elif hostile == "damaged picture":
        bad = zip_of({**files, picture: files[picture][:-10] + b"0123456789"})
    elif hostile == "missing picture":
        bad = zip_of({n: d for n, d in files.items() if n != picture})
    elif hostile == "missing recording":
        bad = zip_of({n: d for n, d in files.items() if n != next(n for n in files if n.startswith("audio/"))})
    elif hostile == "invalid story":
        document = json.loads(files["story.json"])
        document["settings"]["pages"] = -3
        bad = zip_of({**files, "story.json": json.dumps(document).encode()})
    elif hostile == "no marker":
        bad = zip_of({n: d for n, d in files.items() if n != "visutale.json"})
    else:  # an entry that declares 10 bytes and inflates to its real size
        bad = forged_size(zip_of(files), "story.json", 10)
    target = as_person(Store(tmp_path / "other"), BOB)
    with pytest.raises(InputError, match=says):
        import_zip(target, bad)
    assert target.list() == []
    assert not any((tmp_path / "other" / "stories").iterdir())
