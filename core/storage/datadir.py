"""Where the data folder lives: a folder on this machine (the default) or an object store.

The store and what keeps files beside it (`core.people.audit`, `core.people.spaces`, `core.people.classes`,
`core.people.limits`) name what they keep by keys, paths relative to the data folder such as
`stories/<id>/story.json`, and read and write them through a DataDir:

- `LocalFolder`: files under a folder. A write goes to a temporary name, is flushed and renamed
  over the old file, so a crash leaves the old file or the new one; `locked` is an advisory flock,
  which orders every thread and process of this machine.
- `ObjectStore`: any fsspec filesystem (`memory://`, `gcs://` ...). A PUT replaces an object whole,
  so every write is atomic; `locked` is a lock object created only if absent, with a lease, so a
  process killed while holding it stops blocking the others once the lease runs out.
- `S3Store`: `s3://bucket/prefix` through s3fs, for AWS S3 and every S3-compatible store (MinIO,
  Ceph, R2 ...). Creating is PutObject with `If-None-Match: *`, and `swap` is PutObject with
  `If-Match` on the ETag that was read: a compare-and-swap the server decides, so of two replicas
  writing on top of the same version exactly one wins, whatever their clocks or pauses. The store
  is probed once when opened and refused, with a message that says why, when it ignores these
  conditions: silently lost edits are worse than a studio that does not start.

Pictures, thumbnails and exports never change once written (they are named by the hash of their
bytes or by a fresh token), so an object store keeps a copy of those it is asked for in a cache
folder on this machine (`local_copy`): the PDF renderer and the pages read them as files, as they
do from a local data folder.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from core.errors import InputError

LEASE_S = 30.0  # how long an object-store lock holds without its holder releasing it
WAIT_S = 60.0  # how long a writer waits for someone else's lock before saying the store is busy


class Conflict(Exception):
    """A conditional write lost: the object changed, appeared or went since it was read."""


@dataclass(frozen=True)
class Tagged:
    """An object's bytes and the version tag (the ETag) that a `swap` names."""

    data: bytes
    tag: str


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


class LocalFolder:
    """The data folder on this machine."""

    swaps = False  # writers take `locked` instead of swapping

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.url = str(self.root)

    def path(self, key: str) -> Path:
        return self.root / key

    def where(self, key: str) -> str:
        return str(self.path(key))

    def local_copy(self, key: str, data: bytes | None = None) -> Path:
        return self.path(key)

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def write(self, key: str, data: bytes) -> None:
        write_atomically(self.path(key), data)

    def create(self, key: str, data: bytes) -> bool:
        """Write `data` unless `key` exists (O_EXCL); False when it does."""
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return True

    def exists(self, key: str) -> bool:
        return self.path(key).exists()

    def is_folder(self, key: str) -> bool:
        return self.path(key).is_dir()

    def make_folder(self, key: str) -> None:
        self.path(key).mkdir(parents=True)

    def names(self, key: str) -> list[str]:
        """What a folder holds (files and folders), unsorted; nothing for a missing folder."""
        try:
            return [entry.name for entry in self.path(key).iterdir()]
        except (FileNotFoundError, NotADirectoryError):
            return []

    def copy(self, source: str, target: str) -> None:
        shutil.copy2(self.path(source), self.path(target))

    def remove(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def remove_tree(self, key: str) -> None:
        """Rename first, then delete: a crash half-way leaves nothing half-deleted in its place."""
        trash = self.root / "trash" / f"{Path(key).name}-{secrets.token_hex(2)}"
        trash.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.path(key), trash)
        shutil.rmtree(trash, ignore_errors=True)

    @contextmanager
    def locked(self, key: str) -> Iterator[None]:
        """One holder at a time across threads and processes (an advisory flock on `key`)."""
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


class ObjectStore:
    """The data folder as a prefix of an fsspec filesystem (`url` like `memory://studio`)."""

    swaps = False

    def __init__(self, fs, url: str) -> None:
        self.fs = fs
        self.url = url.rstrip("/")
        self.base = fs._strip_protocol(self.url).rstrip("/")
        cache_name = hashlib.sha256(self.url.encode()).hexdigest()[:16]
        self.cache = Path(tempfile.gettempdir()) / "visutale-objects" / cache_name

    def path(self, key: str) -> None:
        """No file on this machine holds an object (see `local_copy`)."""
        return None

    def where(self, key: str) -> str:
        return f"{self.url}/{key}"

    def _full(self, key: str) -> str:
        return f"{self.base}/{key}"

    def local_copy(self, key: str, data: bytes | None = None) -> Path:
        """A file holding the object at `key`, which never changes once written: fetched once (or
        seeded with the `data` just written); a missing object gives a path that does not exist."""
        copy = self.cache / key
        if data is not None:
            write_atomically(copy, data)
        elif not copy.exists():
            try:
                write_atomically(copy, self.read(key))
            except FileNotFoundError:
                pass
        return copy

    def read(self, key: str) -> bytes:
        return self.fs.cat_file(self._full(key))

    def write(self, key: str, data: bytes) -> None:
        self.fs.pipe_file(self._full(key), data)

    def create(self, key: str, data: bytes) -> bool:
        try:
            with self.fs.open(self._full(key), "xb") as handle:
                handle.write(data)
        except FileExistsError:
            return False
        return True

    def update(self, key: str, change: Callable[[bytes | None], bytes]) -> None:
        """Write `change(current bytes or None)` with no other writer of `key` in between."""
        with self.locked(f"{key}.lock"):
            try:
                old = self.read(key)
            except FileNotFoundError:
                old = None
            self.write(key, change(old))

    def exists(self, key: str) -> bool:
        return self.fs.exists(self._full(key))

    def is_folder(self, key: str) -> bool:
        return bool(self.names(key))

    def make_folder(self, key: str) -> None:
        """Nothing to do: a prefix exists as soon as an object is written under it."""

    def names(self, key: str) -> list[str]:
        try:
            found = self.fs.ls(self._full(key), detail=False)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return [name.rstrip("/").rsplit("/", 1)[-1] for name in found]

    def copy(self, source: str, target: str) -> None:
        self.fs.copy(self._full(source), self._full(target))

    def remove(self, key: str) -> None:
        try:
            self.fs.rm_file(self._full(key))
        except FileNotFoundError:
            pass

    def remove_tree(self, key: str) -> None:
        try:
            self.fs.rm(self._full(key), recursive=True)
        except FileNotFoundError:
            pass
        shutil.rmtree(self.cache / key, ignore_errors=True)

    @contextmanager
    def locked(self, key: str) -> Iterator[None]:
        """One holder at a time across replicas: a lock object made only if absent, holding a
        lease. A lock whose lease ran out (its holder died) is taken over; waiting longer than
        WAIT_S says the store is busy."""
        mine = secrets.token_hex(8)
        deadline = time.monotonic() + WAIT_S
        while not self._take(key, mine):
            if time.monotonic() > deadline:
                raise InputError("The data store is busy (someone else holds a lock); try again in a moment.")
            time.sleep(0.02 + secrets.randbelow(60) / 1000)
        try:
            yield
        finally:
            try:
                if json.loads(self.read(key)).get("holder") == mine:
                    self.remove(key)
            except (OSError, ValueError):
                pass

    def _lease(self, holder: str) -> bytes:
        return json.dumps({"holder": holder, "until": time.time() + LEASE_S}).encode("utf-8")

    def _take(self, key: str, mine: str) -> bool:
        if self.create(key, self._lease(mine)):
            return True
        held = self.read_tagged(key)
        if held is None:
            return False  # released meanwhile: try again
        try:
            expired = float(json.loads(held.data)["until"]) < time.time()
        except (ValueError, KeyError, TypeError):
            expired = True  # unreadable: no holder can prove it is alive
        if not expired:
            return False
        return self._take_over(key, held, mine)

    def read_tagged(self, key: str) -> Tagged | None:
        """The object and its version tag (none here: a plain fsspec filesystem has no ETags)."""
        try:
            return Tagged(self.read(key), "")
        except FileNotFoundError:
            return None

    def _take_over(self, key: str, held: Tagged, mine: str) -> bool:
        """Without conditional writes a dead holder's lock is removed and raced for again."""
        self.remove(key)
        return False


class S3Store(ObjectStore):
    """An S3-compatible bucket through s3fs, with conditional writes decided by the server."""

    swaps = True

    def __init__(self, fs, url: str) -> None:
        super().__init__(fs, url)
        self.bucket = self.base.split("/", 1)[0]

    def _key(self, key: str) -> str:
        return self._full(key).split("/", 1)[1]

    def _call(self, method: str, **kwargs):
        """One S3 request; PreconditionFailed (and a concurrent conditional write, 409) is Conflict."""
        try:
            return self.fs.call_s3(method, Bucket=self.bucket, **kwargs)
        except OSError as error:
            code = getattr(error.__cause__, "response", {}).get("Error", {}).get("Code")
            if code in ("PreconditionFailed", "ConditionalRequestConflict"):
                raise Conflict(code) from None
            raise

    def create(self, key: str, data: bytes) -> bool:
        try:
            self._call("put_object", Key=self._key(key), Body=data, IfNoneMatch="*")
        except Conflict:
            return False
        return True

    def read_tagged(self, key: str) -> Tagged | None:
        """The object and its ETag, read in one request (so the tag is the tag of these bytes)."""
        from fsspec.asyn import sync

        async def get() -> Tagged:
            answer = await self.fs._call_s3("get_object", Bucket=self.bucket, Key=self._key(key))
            try:
                return Tagged(await answer["Body"].read(), answer["ETag"])
            finally:
                answer["Body"].close()

        try:
            return sync(self.fs.loop, get)
        except FileNotFoundError:
            return None

    def swap(self, key: str, data: bytes, tag: str | None) -> None:
        """Write `data` only if the object is still the one tagged `tag` (None: only if there is
        none); Conflict, writing nothing, otherwise."""
        condition = {"IfMatch": tag} if tag else {"IfNoneMatch": "*"}
        self._call("put_object", Key=self._key(key), Body=data, **condition)

    def update(self, key: str, change: Callable[[bytes | None], bytes]) -> None:
        """Read, change, swap; again from the start when someone else wrote meanwhile."""
        while True:
            held = self.read_tagged(key)
            try:
                self.swap(key, change(held.data if held else None), held.tag if held else None)
                return
            except Conflict:
                time.sleep(secrets.randbelow(20) / 1000)

    def _take_over(self, key: str, held: Tagged, mine: str) -> bool:
        try:
            self.swap(key, self._lease(mine), held.tag)
        except Conflict:
            return False
        return True

    def check(self) -> None:
        """Refuse a store that is out of reach or ignores conditional writes, saying which."""
        from botocore.exceptions import BotoCoreError

        probe = f".visutale/probe-{secrets.token_hex(8)}"
        try:
            first = self.create(probe, b"1")
            second = self.create(probe, b"2")
            self.remove(probe)
        except PermissionError:
            raise InputError(f"The data store {self.url} refused these credentials (check the S3 key pair).") from None
        except FileNotFoundError:
            raise InputError(f"There is no bucket '{self.bucket}' at the data store {self.url}.") from None
        except (OSError, BotoCoreError) as error:
            raise InputError(
                f"The data store {self.url} cannot be used ({type(error).__name__}): check the bucket, the "
                "endpoint (AWS_ENDPOINT_URL or s3_endpoint_url) and the credentials."
            ) from None
        if not (first and not second):
            raise InputError(
                f"The data store {self.url} does not honour conditional writes (If-None-Match), so two "
                "studios could overwrite each other's edits. Use AWS S3, MinIO, Ceph RGW or Cloudflare R2."
            )


DataDir = LocalFolder | ObjectStore

_opened: dict[tuple, DataDir] = {}


def open_data_dir(root, options: dict | None = None) -> DataDir:
    """The data folder at `root`: a DataDir as it is, a URL (`s3://bucket/prefix`, `memory://x`)
    opened through fsspec with `options` (credentials, endpoint), anything else a local folder.
    An object store is opened (and, on S3, checked) once per process."""
    if isinstance(root, LocalFolder | ObjectStore):
        return root
    if not is_url(root):
        return LocalFolder(Path(root))
    url = str(root).rstrip("/")
    handle = (url, json.dumps(options or {}, sort_keys=True))
    if handle not in _opened:
        import fsspec

        protocol = url.split("://", 1)[0]
        if protocol in ("s3", "s3a"):
            # No listing cache: another replica may have written a moment ago.
            fs = fsspec.filesystem("s3", use_listings_cache=False, **(options or {}))
            store = S3Store(fs, url)
            store.check()
        else:
            store = ObjectStore(fsspec.filesystem(protocol, **(options or {})), url)
        _opened[handle] = store
    return _opened[handle]


def is_url(root) -> bool:
    return isinstance(root, str) and "://" in root


def s3_options(settings) -> dict:
    """s3fs's options from the settings; what is left unset, botocore finds as every AWS tool does
    (AWS_* variables, ~/.aws)."""
    options: dict = {}
    if settings.s3_endpoint_url:
        options["endpoint_url"] = settings.s3_endpoint_url
    if settings.s3_access_key_id:
        options["key"] = settings.s3_access_key_id
    if settings.s3_secret_access_key:
        options["secret"] = settings.s3_secret_access_key.get_secret_value()
    if settings.s3_region:
        options["client_kwargs"] = {"region_name": settings.s3_region}
    return options


def data_dir_of(settings) -> DataDir:
    """The settings' data folder, opened with the settings' credentials."""
    root = settings.data_dir
    return open_data_dir(root, s3_options(settings) if is_url(root) and str(root).startswith("s3") else None)
