"""Who changed a story, what and when: one line per change, beside the story, the newest last.

The store writes an entry at every save (under the story's lock, so two processes never interleave
half lines) and at every share or revoke; the studio step that saved names itself (start, photo,
caption, ask, draft, revise, extend, edit, choose, illustrate, upscale, translate, export,
settings, duplicate, share, revoke) and, when a model made the change, its engine. The person is
whoever the store was opened for, so pages decide nothing here.

An entry holds only the person's id and display name, the step, the engine, the revision and the
time: never a key, a prompt or story text, so the history can be shown to anyone who may see the
story without revealing more than the story itself. The file keeps the newest `KEEP_ENTRIES`.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, ValidationError

from core.storage.datadir import DataDir

KEEP_ENTRIES = 500
FILE_NAME = "audit.jsonl"


class AuditEntry(BaseModel):
    """One change: `person` asked for it; `engine` is set when a model (not the person) made it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    time: datetime
    revision: int
    step: str
    person: str
    name: str = ""
    engine: str | None = None

    @property
    def by(self) -> str:
        """Who made the change, in words: "Ada (offline engine)" when a model did it for Ada, or "Ada"."""
        who = self.name or self.person
        return f"{who} ({self.engine} engine)" if self.engine else who


def append(data: DataDir, folder: str, entry: AuditEntry) -> None:
    """Add one entry to the story at `folder` (its key in the data folder); the caller holds the
    story's lock or won its save. Past the limit, the oldest are dropped (rewritten whole, so a
    crash leaves the old file or the trimmed one)."""
    key = f"{folder}/{FILE_NAME}"
    line = entry.model_dump_json() + "\n"
    path = data.path(key)
    if path is None:  # an object store: read, add and trim, written whole in one go
        data.update(key, lambda old: _trimmed((old or b"").decode("utf-8") + line, KEEP_ENTRIES).encode("utf-8"))
        return
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line)
    text = path.read_text(encoding="utf-8")
    if text.count("\n") > KEEP_ENTRIES + KEEP_ENTRIES // 10:  # trim now and then, not at every save
        data.write(key, _trimmed(text, KEEP_ENTRIES).encode("utf-8"))


def _trimmed(text: str, keep: int) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(lines[-keep:]) if len(lines) > keep + keep // 10 else text


def read(data: DataDir, folder: str) -> list[AuditEntry]:
    """The story's history, oldest first (at most `KEEP_ENTRIES`); an unreadable line is skipped."""
    try:
        lines = data.read(f"{folder}/{FILE_NAME}").decode("utf-8").splitlines()
    except FileNotFoundError:
        return []
    entries = []
    for line in lines:
        try:
            entries.append(AuditEntry.model_validate_json(line))
        except (ValidationError, ValueError):
            continue
    return entries[-KEEP_ENTRIES:]
