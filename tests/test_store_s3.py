"""Stories on object storage: the store against a real S3 server on 127.0.0.1 (moto's server mode).

Issue 11: studio replicas share one bucket. A story made through one is listed, opened and edited
through another; a save on top of a revision someone else already replaced is refused by the
server (a conditional write) and the studio recovers; a replica killed while saving leaves a
readable story; the PDF is served from the bucket; the S3 secret key reaches no log, story or
message. Tests of tests/test_store.py and tests/test_revisions.py run here again, on S3.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import boto3
import pytest
import s3fs

from core import studio
from core.errors import InputError
from core.people.access import as_person
from core.people.spaces import Person
from core.settings import load_settings
from core.storage.datadir import LEASE_S, Conflict, ObjectStore, S3Store, open_data_dir
from core.storage.publish import ObjectStorePublisher
from core.storage.store import StaleRevision, Store
from tests.conftest import ROOT, SAMPLES
from tests.test_revisions import (  # noqa: F401
    story,
    test_a_deleted_story_is_not_brought_back_by_a_late_save,
    test_a_revision_racing_a_hand_edit_keeps_both_and_says_so,
    test_a_save_from_an_old_revision_is_refused_and_writes_nothing,
    test_an_edit_made_while_pictures_are_drawn_survives_and_so_do_the_pictures,
)
from tests.test_store import (  # noqa: F401  (run again here, with the S3 `store` below)
    test_every_save_is_a_new_version_and_old_ones_are_pruned,
    test_round_trip_keeps_every_field,
)

KEY_ID, SECRET = "studio-key-id", "s3cr3t-that-must-never-show-9f8e7d"
BUCKET = "studio"


@pytest.fixture(scope="module")
def endpoint():
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    client = boto3.client(
        "s3", endpoint_url=url, aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET, region_name="us-east-1"
    )
    client.create_bucket(Bucket=BUCKET)
    yield url
    server.stop()


def options(endpoint: str) -> dict:
    return {"endpoint_url": endpoint, "key": KEY_ID, "secret": SECRET}


def env_for(endpoint: str) -> dict:
    """A studio replica's environment: the usual AWS variables, as an operator sets them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VISUTALE_")}
    env.update(AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY=SECRET, AWS_ENDPOINT_URL=endpoint)
    return env


@pytest.fixture
def url() -> str:
    return f"s3://{BUCKET}/{uuid.uuid4().hex[:12]}"


@pytest.fixture
def store(endpoint: str, url: str) -> Store:
    return Store(open_data_dir(url, options(endpoint)))


def keys_under(endpoint: str, prefix: str) -> list[str]:
    client = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET, region_name="us-east-1"
    )
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


def test_a_story_lives_in_the_bucket_laid_out_as_in_a_folder(store: Store, endpoint: str, url: str) -> None:
    made = studio.start_story(store, (SAMPLES / "chelsea.jpg").read_bytes(), "chelsea.jpg")
    studio.edit_caption(store, made, "A ginger cat.")
    prefix = url.split("/", 3)[3] + f"/stories/{made.id}/"
    stored = keys_under(endpoint, prefix)
    for name in ("story.json", "access.json", "audit.jsonl", "history/00000003.json", f"images/{made.photo.image}"):
        assert prefix + name in stored
    assert not [key for key in stored if key.endswith(".lock")]  # saves take no lock on S3
    assert [s.id for s in store.list()] == [made.id] and store.versions(made.id) == [1, 2, 3]
    assert [entry.step for entry in store.history(made.id)] == ["start", "photo", "caption"]
    assert store.location(made.id) == f"{url}/stories/{made.id}"
    with pytest.raises(InputError, match="no folder on this machine"):
        store.folder(made.id)
    thumb = store.thumbnail(made.id, made.photo.image, 120)  # a file the page can show
    assert thumb.read_bytes()[:2] == b"\xff\xd8" and prefix + f"thumbs/{thumb.name}" in keys_under(endpoint, prefix)

    copy = store.duplicate(made.id)
    assert store.read_image(copy.id, made.photo.image) == store.read_image(made.id, made.photo.image)
    bob = Person(id="oidc:https://id.example:bob", name="Bob")
    assert not as_person(store, bob).list()
    store.share(made.id, bob.id, "view")  # takes the story's lock object and gives it back
    assert [s.id for s in as_person(store, bob).list()] == [made.id]
    store.delete(made.id)
    assert keys_under(endpoint, prefix) == [] and [s.id for s in store.list()] == [copy.id]


def test_two_replicas_saving_on_one_revision_the_server_lets_one_win(endpoint: str, url: str) -> None:
    # Two studios with their own connections: only the bucket is shared.
    one = Store(open_data_dir(url, options(endpoint)))
    two = Store(S3Store(s3fs.S3FileSystem(**options(endpoint), skip_instance_cache=True), url))
    made = studio.start_story(one, (SAMPLES / "chelsea.jpg").read_bytes(), "chelsea.jpg")
    here, there = one.load(made.id), two.load(made.id)
    here.settings.genre, there.settings.tone = "mystery", "funny"
    one.save(here)
    with pytest.raises(StaleRevision):
        two.save(there)
    # The race decided by the server alone: story.json changed after `two` read it.
    current = two.data.read_tagged(f"stories/{made.id}/story.json")
    one.save(one.load(made.id))
    with pytest.raises(Conflict):
        two.data.swap(f"stories/{made.id}/story.json", b"{}", current.tag)
    studio.update_settings(two, there, tone="funny")  # the studio's own recovery: reload, re-apply
    newest = one.load(made.id)
    assert (newest.settings.genre, newest.settings.tone) == ("mystery", "funny")


REPLICA = """
import sys
from core import studio
from core.storage.datadir import data_dir_of
from core.settings import load_settings
from core.storage.store import StaleRevision, Store

store = Store(data_dir_of(load_settings(overrides={"data_dir": sys.argv[1]})))
held = None
for line in sys.stdin:
    command, _, text = line.strip().partition(" ")
    if command == "load":
        held = store.load(sys.argv[2])
        print("loaded", held.revision, flush=True)
    elif command == "save":
        try:
            store.save(held)
            print("saved", held.revision, flush=True)
        except StaleRevision as error:
            print("stale", error.newest, flush=True)
    elif command == "caption":
        studio.edit_caption(store, held, text)
        print("captioned", held.revision, flush=True)
    elif command == "hammer":
        while True:
            story = store.load(sys.argv[2])
            story.settings.seed += 1
            store.save(story)
            print("saved", story.revision, flush=True)
"""


def test_a_stale_write_from_another_replica_is_refused_recovered_and_a_kill_mid_save_loses_nothing(
    store: Store, endpoint: str, url: str
) -> None:
    made = studio.start_story(store, (SAMPLES / "chelsea.jpg").read_bytes(), "chelsea.jpg")
    replica = subprocess.Popen(
        [sys.executable, "-c", REPLICA, url, made.id],
        cwd=ROOT, env=env_for(endpoint), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip

    def ask(command: str) -> str:
        replica.stdin.write(command + "\n")
        replica.stdin.flush()
        return replica.stdout.readline().strip()

    try:
        assert ask("load") == f"loaded {made.revision}"
        studio.edit_caption(store, made, "Written here.")  # this replica saves first
        assert ask("save") == f"stale {made.revision}"  # the other's save is refused, writing nothing
        assert ask("caption Written there.").startswith("captioned")  # and recovered by the studio
        assert [c.text for c in store.load(made.id).captions] == ["Written here.", "Written there."]

        replica.stdin.write("hammer\n")
        replica.stdin.flush()
        for _ in range(4):  # it is saving, again and again
            assert replica.stdout.readline().startswith("saved")
        replica.send_signal(signal.SIGKILL)
        replica.wait(timeout=10)
    finally:
        replica.kill()
    newest = store.load(made.id)  # readable, and every version kept is too
    assert newest.captions[-1].text == "Written there." and newest.revision >= made.revision + 4
    assert all(store.load_version(made.id, r).revision == r for r in store.versions(made.id))
    studio.edit_caption(store, newest, "After the crash.")  # nothing left locked
    assert store.load(made.id).revision == newest.revision


def cli(endpoint: str, url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "core", *args, "--data-dir", url],
        cwd=ROOT, env=env_for(endpoint), capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_two_command_line_replicas_share_a_story_and_its_pdf_is_served_from_the_bucket(
    store: Store, endpoint: str, url: str, tmp_path
) -> None:
    made = cli(
        endpoint, url, "make", str(SAMPLES / "chelsea.jpg"), "--caption", "A ginger cat on a rug.",
        "--pages", "1", "--size", "128", "--out", str(tmp_path / "book"), "--publish",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    story_id = made.stderr.split("story ", 1)[1].split()[0]
    assert f"saved in {url}/stories/{story_id}" in made.stderr

    # Another process, another connection: it finds the story by listing (a short id), opens and edits it.
    edited = cli(endpoint, url, "caption", story_id[:6], "--text", "A cat, edited on the second replica.")
    assert edited.returncode == 0, edited.stderr
    assert [s.id for s in store.list()] == [story_id]
    assert store.load(story_id).caption == "A cat, edited on the second replica."

    record = store.load(story_id).exports[-1]  # the QR code's link, made by the first replica
    assert record.url == made.stdout.split()[-1] and record.url.startswith(endpoint)
    with urllib.request.urlopen(record.url) as answer:
        assert (
            answer.read()
            == (tmp_path / "book" / "story.pdf").read_bytes()
            == store.export_path(story_id, record.token).read_bytes()
        )
    studio.delete_story(store, story_id, publisher=ObjectStorePublisher(store.data))  # a third replica deletes
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(record.url)
    for output in (made, edited):
        assert SECRET not in output.stdout + output.stderr


def test_the_secret_key_reaches_no_log_story_or_message(endpoint: str, url: str, caplog) -> None:
    settings = load_settings(
        env={"VISUTALE_DATA_DIR": url, "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": KEY_ID},
        secrets={"AWS_SECRET_ACCESS_KEY": SECRET},  # secrets.toml
    )
    assert SECRET in settings.secrets() and SECRET not in repr(settings)
    with caplog.at_level(logging.DEBUG):
        from core.storage.datadir import data_dir_of

        store = Store(data_dir_of(settings))
        made = studio.start_story(store, (SAMPLES / "chelsea.jpg").read_bytes(), "chelsea.jpg")
        studio.edit_caption(store, made, "A cat.")
        with pytest.raises(InputError) as missing:
            open_data_dir(f"s3://no-such-bucket/{uuid.uuid4().hex}", options(endpoint))
        nowhere = s3fs.S3FileSystem(  # nothing listens on port 9; asked once, not retried for seconds
            **options("http://127.0.0.1:9"), skip_instance_cache=True, config_kwargs={"retries": {"max_attempts": 1}}
        )
        nowhere.retries = 1
        with pytest.raises(InputError) as unreachable:
            S3Store(nowhere, url).check()
    assert "no bucket 'no-such-bucket'" in str(missing.value) and SECRET not in str(missing.value)
    assert "cannot be used (EndpointConnectionError)" in str(unreachable.value)
    assert SECRET not in str(unreachable.value)
    assert caplog.records  # botocore and s3fs did log, at DEBUG
    for record in caplog.records:
        assert SECRET not in record.getMessage()
    stored = b"".join(store.data.fs.cat_file(f"{BUCKET}/{key}") for key in keys_under(endpoint, url.split("/", 3)[3]))
    assert SECRET.encode() not in stored and KEY_ID.encode() not in stored


def test_a_store_that_ignores_conditional_writes_is_refused(endpoint: str, url: str, monkeypatch) -> None:
    monkeypatch.setattr(S3Store, "create", lambda self, key, data: True)  # as a server that ignores If-None-Match
    with pytest.raises(InputError, match="does not honour conditional writes"):
        open_data_dir(url + "-ignoring", options(endpoint))


def test_a_lock_left_by_a_dead_replica_is_taken_over_when_its_lease_ran_out(store: Store) -> None:
    made = store.create()
    dead = json.dumps({"holder": "killed", "until": time.time() - 1}).encode()
    store.data.write(f"stories/{made.id}/.lock", dead)
    store.share(made.id, None, "view")  # does not wait for a holder that is gone
    alive = json.dumps({"holder": "busy", "until": time.time() + LEASE_S}).encode()
    store.data.write(f"stories/{made.id}/.lock", alive)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("core.storage.datadir.WAIT_S", 0.2)
        with pytest.raises(InputError, match="busy"):
            store.revoke(made.id, None)
    assert store.access(made.id).shares  # the refused revoke changed nothing


def test_any_fsspec_filesystem_holds_stories_with_lock_objects(cat_bytes) -> None:
    memory = Store(f"memory://studio-{uuid.uuid4().hex[:8]}")
    assert isinstance(memory.data, ObjectStore) and not memory.data.swaps
    made = studio.start_story(memory, cat_bytes, "chelsea.jpg")
    here, there = memory.load(made.id), memory.load(made.id)
    memory.save(here)
    with pytest.raises(StaleRevision):
        memory.save(there)
    assert [s.id for s in memory.list()] == [made.id] and memory.image_path(made.id, made.photo.image).exists()
    memory.delete(made.id)
    assert memory.list() == []


def test_the_studio_pages_work_on_the_bucket(endpoint: str, url: str, monkeypatch, cat_bytes) -> None:
    from tests.test_app_flow import _app, _page

    for name, value in env_for(endpoint).items():
        if name.startswith("AWS_"):
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("VISUTALE_DATA_DIR", url)
    store = Store(open_data_dir(url, options(endpoint)))
    made = studio.start_story(store, cat_bytes, "first.jpg")
    at = _app()
    at.run()
    _page(at, "pages/library.py")
    assert not at.exception and at.caption[0].value.startswith("1 story,")
    at.button(key=f"library_duplicate_{made.id}").click().run()
    assert not at.exception and len(store.list()) == 2
    at.button(key=f"library_open_{made.id}").click().run()
    assert not at.exception and at.session_state["story_id"] == made.id  # its photo shown from the bucket
    assert "Caption" in [t.value for t in at.title]


def test_classes_and_limits_are_kept_in_the_bucket_too(store: Store, cat_bytes) -> None:
    from core.people.classes import Classrooms
    from core.people.limits import LimitReached, Limits, Quota
    from tests.test_classroom import TEACHER

    classes = Classrooms(store.data)
    room = classes.open_class(TEACHER, "Class 4b")  # its code made with If-None-Match: never shared
    seat, key = classes.join(room.code, "Mia")
    assert classes.seat(key) == seat and classes.is_pupil(seat.person.id)
    assert [r.id for r in classes.classes_of(TEACHER)] == [room.id]
    pupil = as_person(store, seat.person, seat.class_id)
    made = studio.start_story(pupil, cat_bytes, "mia.jpg")
    assert [s.id for s in as_person(store, TEACHER).list()] == [made.id]  # the teacher sees the class's story
    classes.close(room.id, TEACHER)
    with pytest.raises(InputError, match="closed"):
        classes.seat(key)

    quota = Quota(store.data, Limits(pictures_per_hour=3))  # counted under a lock object, across replicas
    quota.take(seat.class_id, pictures=2)
    with pytest.raises(LimitReached):
        Quota(store.data, Limits(pictures_per_hour=3)).take(seat.class_id, pictures=2)
