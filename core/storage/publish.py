"""Where exported files are published so that a QR code (a phone) can download them.

`core.studio` never knows how a file becomes public: the page or the command line passes a
Publisher in. The URL must be known before the PDF is rendered, because the PDF prints it as its
QR code; so a publisher first names the URL of a token, then receives the bytes.

`StaticFolder` is Streamlit's own static serving (`[server] enableStaticServing = true`): files in
`static/` beside Home.py are served at `/app/static/NAME`. Each export lives in its own folder named
by an unguessable 128-bit token, and Streamlit's static handler does not list folders, so only the
holder of the link can download it. Unpublishing removes the token's folder: the link then answers
404. An object store (S3 with presigned URLs) is another Publisher with the same three methods.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from core.storage.datadir import S3Store, data_dir_of
from core.storage.store import write_atomically

TOKEN = re.compile(r"^[0-9a-f]{32}$")
DEFAULT_BASE_URL = "http://localhost:8501"  # where `streamlit run Home.py` answers on this machine


def public_base_url(configured: str | None, seen: str | None = None) -> str:
    """Where a phone can reach this studio (the QR code's address): the setting, else the origin
    of the address a browser used (`seen`, a whole URL), else this machine's default."""
    if configured:
        return configured.rstrip("/")
    match = re.match(r"^(https?://[^/]+)", seen or "")
    return match.group(1) if match else DEFAULT_BASE_URL


class Publisher(Protocol):
    def url(self, token: str, filename: str) -> str:
        """The public address the file will have once published."""
        ...

    def publish(self, token: str, filename: str, data: bytes) -> None:
        """Make `data` downloadable at `url(token, filename)`."""
        ...

    def unpublish(self, token: str) -> None:
        """Stop serving everything published under `token` (a missing token is not an error)."""
        ...


class StaticFolder:
    """Publish into Streamlit's static folder: `<static_dir>/exports/<token>/<filename>`."""

    def __init__(self, static_dir: Path, base_url: str) -> None:
        self.exports = Path(static_dir) / "exports"
        self.base_url = base_url.rstrip("/")

    def _folder(self, token: str) -> Path:
        if not TOKEN.match(token):
            raise ValueError("an export token is 32 lowercase hex characters")
        return self.exports / token

    def url(self, token: str, filename: str) -> str:
        self._folder(token)
        return f"{self.base_url}/app/static/exports/{token}/{quote(filename)}"

    def publish(self, token: str, filename: str, data: bytes) -> None:
        write_atomically(self._folder(token) / filename, data)

    def unpublish(self, token: str) -> None:
        shutil.rmtree(self._folder(token), ignore_errors=True)


class ObjectStorePublisher:
    """Publish into the object store that holds the stories: `<data>/published/<token>/<filename>`,
    downloaded through a presigned URL, so a QR code works whichever studio replica made the PDF
    and whichever serves the page (nothing is kept on the replica's disk).

    A presigned URL carries a signature, not the secret key, and stops working after `expires`
    seconds: seven days, the longest that S3's Signature Version 4 allows. A book printed for longer
    than that needs its QR code made again (export again) or a public prefix in front of
    `published/`. Unpublishing deletes the token's objects: the link then answers an error.
    """

    EXPIRES_S = 7 * 24 * 3600

    def __init__(self, data) -> None:
        self.data = data  # a core.storage.datadir.S3Store
        self.base_url = re.match(r"^(https?://[^/?]+)", self.data.fs.url(self.data._full("published"))).group(1)

    def _key(self, token: str, filename: str = "") -> str:
        if not TOKEN.match(token):
            raise ValueError("an export token is 32 lowercase hex characters")
        return f"published/{token}/{filename}".rstrip("/")

    def url(self, token: str, filename: str) -> str:
        return self.data.fs.url(self.data._full(self._key(token, filename)), expires=self.EXPIRES_S)

    def publish(self, token: str, filename: str, data: bytes) -> None:
        self.data.write(self._key(token, filename), data)

    def unpublish(self, token: str) -> None:
        self.data.remove_tree(self._key(token))


def publisher_for(settings, base_url: str) -> Publisher:
    """Where exports are published: the object store of an `s3://` data folder, else Streamlit's
    static folder served at `base_url` (how a phone reaches this studio)."""
    data = data_dir_of(settings)
    if isinstance(data, S3Store):
        return ObjectStorePublisher(data)
    return StaticFolder(settings.static_dir, base_url)
