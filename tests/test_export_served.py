"""The QR code printed in the PDF, decoded from a rendered page, downloads that same PDF."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pypdfium2
import pytest

from core import studio
from core.export.qr import decode_qr
from core.storage.publish import StaticFolder
from core.storage.store import Store
from tests.conftest import ROOT, SAMPLES
from tests.live import live_studio  # noqa: F401 - the fixture


def test_qr_on_the_last_page_downloads_the_same_pdf(live_studio, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "book"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "core",
            "make",
            str(SAMPLES / "chelsea.jpg"),
            "--out",
            str(out),
            "--pages",
            "2",
            "--publish",
        ],
        cwd=ROOT,
        env=live_studio.env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf_bytes = (out / "story.pdf").read_bytes()
    document = pypdfium2.PdfDocument(pdf_bytes)
    rendered = document[len(document) - 1].render(scale=2).to_pil()
    url = decode_qr(rendered)
    assert url and url.startswith(live_studio.url + "/app/static/exports/")
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.read() == pdf_bytes
    # The folder of exports is not listable: only a full token finds a file.
    filename = url.rsplit("/", 1)[1]
    token_folder = url.rsplit("/", 1)[0]
    for guess in (token_folder + "/", live_studio.url + "/app/static/exports/"):
        try:
            with urllib.request.urlopen(guess, timeout=10) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            assert error.code in (403, 404)
            continue
        assert filename.encode() not in body and b".pdf" not in body

    # Deleting the story unpublishes it: the QR code's link then answers "not found".
    story_id = json.loads((out / "story.json").read_text())["id"]
    studio.delete_story(Store(live_studio.data_dir), story_id, publisher=StaticFolder(ROOT / "static", live_studio.url))
    with pytest.raises(urllib.error.HTTPError) as gone:
        urllib.request.urlopen(url, timeout=10)
    assert gone.value.code == 404
