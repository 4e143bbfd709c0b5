"""Every export format, written down once: the command line's `--format` choices, the Export page's
list and `core.studio.export_file` all read this table.

A format is its module plus one line here: a `make(request) -> bytes` function named as
"module:attribute" (imported only when that format is made), the file extension and MIME type.
The PDF keeps its own step (`core.studio.export_pdf`: page size, bilingual pages, QR code); every
other format goes through `export_file`, which checks, names, stores, publishes and records the file.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.storage.store import Store
    from core.story import Story


@dataclass(frozen=True)
class ExportRequest:
    """What a format's `make` gets: the story as its asker may see it, the language to export
    (None: the story's own), the public address the file will have (None: not published) and
    format-specific options."""

    store: Store
    story: Story
    language: str | None = None
    url: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Format:
    name: str  # what `--format` and the story's ExportRecord say
    label: str  # for people
    extension: str
    mime: str
    make: str  # "module:attribute", a function ExportRequest -> bytes; "" for the PDF's own step
    description: str = ""

    def maker(self):
        module, _, attribute = self.make.partition(":")
        return getattr(importlib.import_module(module), attribute)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("pdf", "PDF", "pdf", "application/pdf", "", "to print or share"),
        Format(
            "epub",
            "EPUB 3 read-along",
            "epub",
            "application/epub+zip",
            "core.export.epub:make_epub",
            "for reading apps: fixed pages, the narration plays and each sentence lights up",
        ),
        Format(
            "html",
            "Web reader",
            "html",
            "text/html",
            "core.export.reader:make_reader",
            "one file that opens in any browser, on a phone too: turn pages, listen, follow the words",
        ),
        Format(
            "mp4",
            "Story video",
            "mp4",
            "video/mp4",
            "core.export.video:make_video",
            "to play or share anywhere: each picture as its page is read aloud, with subtitles",
        ),
        Format(
            "zip",
            "Story archive (ZIP)",
            "zip",
            "application/zip",
            "core.export.archive:make_zip",
            "the whole story with its photo, pictures, narration and exports: import it in another studio",
        ),
    )
}
