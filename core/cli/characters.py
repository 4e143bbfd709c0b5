"""The `characters` command's reading and printing: `--set NAME.FIELD=VALUE` into changes, a JSON
file of sheets in, the sheets and the space's library out (text or JSON)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from core.characters.library import LibraryCharacter
from core.errors import InputError
from core.story import Character

FIELDS = ("name", "kind", "look", "outfit", "colours")


def changes_of(sets: list[str], removals: list[str]) -> dict[str, dict]:
    """`["Pip.outfit=a red scarf"]` and `["Mo"]` as `core.characters.sheets.edit` changes."""
    changes: dict[str, dict] = {}
    for item in sets:
        target, equals, value = item.partition("=")
        name, dot, field = target.rpartition(".")
        if not equals or not dot or not name.strip() or field not in FIELDS:
            raise InputError(f"--set takes NAME.FIELD=VALUE with FIELD one of {', '.join(FIELDS)}; not '{item}'.")
        changes.setdefault(name.strip(), {})[field] = value.strip()
    for name in removals:
        changes.setdefault(name.strip(), {})["remove"] = True
    return changes


def sheets_from_file(path: Path) -> list[Character]:
    """The sheets of a JSON file: a list of sheets, as `characters ID --json` prints them."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return TypeAdapter(list[Character]).validate_python(data)
    except OSError as error:
        raise InputError(f"Cannot read {path}: {error.strerror or error}.") from None
    except (ValueError, ValidationError):
        raise InputError(f"{path} is not a JSON list of character sheets (as --json prints them).") from None


def sheet_line(c: Character) -> str:
    parts = [c.kind, c.look, f"wearing {c.outfit}" if c.outfit else "", ", ".join(c.colours)]
    return f"{c.name}: " + "; ".join(p for p in parts if p)


def print_sheets(characters: list[Character], as_json: bool) -> None:
    if as_json:
        print(json.dumps([json.loads(c.model_dump_json()) for c in characters], indent=1, ensure_ascii=False))
        return
    if not characters:
        print("No characters yet: write a draft, or add one with --set 'Name.kind=...'.")
    for c in characters:
        print(sheet_line(c))


def print_library(entries: list[LibraryCharacter], as_json: bool) -> None:
    if as_json:
        print(json.dumps([json.loads(e.model_dump_json()) for e in entries], indent=1, ensure_ascii=False))
        return
    if not entries:
        print("The library is empty: save a story's character with characters ID --save NAME.")
    for e in entries:
        print(f"{e.id}  {sheet_line(e.sheet)}")
