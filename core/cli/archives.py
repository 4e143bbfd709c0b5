"""`python -m core import FILE.zip`: a story ZIP (the Library's 'Download as ZIP', or `export
--format zip`) becomes a new story of the person `--as` names, checked whole before anything is
written (`core.export.archive`)."""

from __future__ import annotations

import argparse

from core.errors import InputError
from core.export.archive import import_zip
from core.settings import Settings
from core.storage.store import Store


def run_import(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    try:
        data = args.file.read_bytes()
    except OSError as error:
        raise InputError(f"Cannot read {args.file}: {error.strerror or error}.") from None
    story = import_zip(store, data)
    print(f"{story.id}  {story.title}")


COMMANDS = {"import": run_import}
