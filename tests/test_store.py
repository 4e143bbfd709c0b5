"""The store: atomic, versioned, strict about names, and nothing lost when a save is interrupted."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.storage.store import KEEP_VERSIONS, Store, StoryNotFound
from core.story import Draft, Story, StoryPage

ROOT = Path(__file__).resolve().parent.parent


def _with_draft(story: Story, title: str) -> Story:
    draft = Draft(instruction="first draft", title=title, pages=[StoryPage(text="Once.", scene="a cat")])
    story.drafts.append(draft)
    story.chosen_draft = draft.id
    return story


def test_round_trip_keeps_every_field(store: Store) -> None:
    story = _with_draft(store.create(), "The Cat")
    story.settings.pages = 5
    store.save(story)
    again = store.load(story.id)
    assert again == story
    assert again.title == "The Cat" and again.settings.pages == 5


def test_every_save_is_a_new_version_and_old_ones_are_pruned(store: Store) -> None:
    story = store.create()
    for number in range(KEEP_VERSIONS + 5):
        _with_draft(story, f"Title {number}")
        store.save(story)
    versions = store.versions(story.id)
    assert len(versions) == KEEP_VERSIONS
    assert versions[-1] == story.revision
    assert store.load_version(story.id, versions[0]).revision == versions[0]


@pytest.mark.parametrize("bad", ["../../etc/passwd", "", "ABC", "0" * 31, "0" * 32 + "/x", None, "g" * 32])
def test_bad_ids_reveal_nothing(store: Store, bad) -> None:
    with pytest.raises(StoryNotFound) as caught:
        store.load(bad)
    assert "no story at this link" in str(caught.value)


def test_unknown_id_is_the_same_message_as_a_malformed_one(store: Store) -> None:
    with pytest.raises(StoryNotFound):
        store.load("0" * 32)


def test_image_names_are_content_hashes_and_validated(store: Store) -> None:
    story = store.create()
    name = store.put_image(story.id, b"fake png bytes", "png")
    assert store.put_image(story.id, b"fake png bytes", "png") == name
    assert store.read_image(story.id, name) == b"fake png bytes"
    with pytest.raises(Exception, match="not valid"):
        store.image_path(story.id, "../story.json")


def test_a_crash_between_temp_write_and_rename_keeps_the_last_good_version(store: Store, monkeypatch) -> None:
    story = _with_draft(store.create(), "Good")
    store.save(story)

    def crash(*args, **kwargs):
        raise OSError("power cut")

    monkeypatch.setattr(os, "replace", crash)
    _with_draft(story, "Never saved")
    with pytest.raises(OSError):
        store.save(story)
    monkeypatch.undo()
    assert store.load(story.id).title == "Good"
    leftovers = [p for p in store.folder(story.id).rglob("*.tmp")]
    assert leftovers == []


def test_a_corrupt_current_file_falls_back_to_the_newest_readable_version(store: Store) -> None:
    story = _with_draft(store.create(), "Kept")
    store.save(story)
    (store.folder(story.id) / "story.json").write_text('{"id": "trunc')
    assert store.load(story.id).title == "Kept"


def test_duplicate_and_delete(store: Store) -> None:
    story = _with_draft(store.create(), "Original")
    name = store.put_image(story.id, b"x", "png")
    story.scene(story.draft.pages[0].id)  # a scene with no pictures yet
    store.save(story)
    copy = store.duplicate(story.id)
    assert copy.id != story.id and copy.title == "Original"
    assert {s.id for s in store.list()} == {story.id, copy.id}
    store.delete(story.id)
    assert [s.id for s in store.list()] == [copy.id]
    with pytest.raises(StoryNotFound):
        store.load(story.id)
    assert name  # the copy's images are its own
    assert store.exists(copy.id)


SAVER = """
import sys
from core.storage.store import Store
from core.story import Draft, StoryPage
store = Store(sys.argv[1])
story = store.load(sys.argv[2])
n = 0
while True:
    n += 1
    story.drafts.append(Draft(instruction=str(n), title=f"T{n}", pages=[StoryPage(text="x" * 5000)]))
    story.chosen_draft = story.drafts[-1].id
    store.save(story)
    print(n, flush=True)
"""


def test_killed_at_random_moments_while_saving_nothing_is_lost(store: Store) -> None:
    """Kill a process that saves in a loop, many times, at random points: every reopen works."""
    story = store.create()
    rng = random.Random(7)
    last_seen = 0
    for _ in range(12):
        proc = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(store.root), story.id], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        proc.stdout.readline()  # it has saved at least once
        time.sleep(rng.uniform(0.0, 0.15))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        reopened = store.load(story.id)  # never raises: the last good version is always there
        assert len(reopened.drafts) >= last_seen
        assert reopened.draft is not None
        last_seen = len(reopened.drafts)
        story = reopened


def test_every_test_has_its_own_data_folder(tmp_path) -> None:
    """The autouse fixture isolates tests that never ask for a data folder."""
    from core.settings import load_settings

    settings = load_settings()
    assert settings.data_dir == tmp_path / "data" and settings.static_dir == tmp_path / "static"


def test_a_picture_for_a_story_deleted_meanwhile_is_refused_and_leaves_no_folder(tmp_path) -> None:
    """A step still drawing for a story that was just deleted must not bring its folder back."""
    from core import studio
    from tests.conftest import SAMPLES

    store = Store(tmp_path)
    story = studio.start_story(store, (SAMPLES / "chelsea.jpg").read_bytes(), "chelsea.jpg")
    studio.delete_story(store, story.id)
    with pytest.raises(StoryNotFound):
        store.put_image(story.id, b"\x89PNG fake", "png")
    assert not (tmp_path / "stories" / story.id).exists()
