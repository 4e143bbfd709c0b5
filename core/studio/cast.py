"""The story's characters: sheets proposed by a writer or the offline plan, edited by the person."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from core.characters import library
from core.characters import sheets as characters
from core.errors import InputError, ProviderError
from core.providers.base import Writer
from core.storage.store import Store
from core.story import Character, Story
from core.studio.commit import commit, draft_of, may_change
from core.studio.events import Event, Notice


def propose_characters(store: Store, story: Story, writer: Writer | None = None) -> Iterator[Event]:
    """Propose a sheet per character of the chosen draft and keep them as the story's sheets
    (replacing any): a writer that can answer JSON (`ask_json`) is asked and its answer validated;
    otherwise, or when its answer cannot be used, they come from the offline plan or the draft."""
    draft_of(story)
    ask = getattr(writer, "ask_json", None)
    sheets = None
    if ask is not None:
        may_change(store, story, writer.engine)
        draft = draft_of(story)
        try:
            answer = ask(characters.characters_prompt(draft.title, draft.text()), characters.CHARACTER_SCHEMA)
            sheets = characters.propose(story, answer)
        except (InputError, ProviderError) as error:
            yield Notice(f"{error} The characters were proposed from the story instead.")
    if sheets is None:
        may_change(store, story)
        sheets = characters.propose(story)

    def keep(s: Story) -> None:
        s.characters = [c.model_copy(deep=True) for c in sheets]

    commit(store, story, keep, "characters", writer.engine if writer else None)
    yield Notice("Characters: " + ", ".join(c.name for c in sheets) + ". Edit them on the Characters page.")


def edit_characters(store: Store, story: Story, changes: dict[str, dict]) -> None:
    """Apply a person's changes to the sheets (see `core.characters.sheets.edit`) and save them."""
    may_change(store, story)

    def change(s: Story) -> None:
        s.characters = characters.edit(s.characters, changes)

    commit(store, story, change, "characters")


def replace_characters(store: Store, story: Story, sheets: Sequence) -> None:
    """Replace the sheets with the person's (a JSON file of them, say), each checked as an edit is."""
    may_change(store, story)
    checked = characters.checked([c.model_copy(update={"author": "person"}) for c in sheets])

    def change(s: Story) -> None:
        s.characters = [c.model_copy(deep=True) for c in checked]

    commit(store, story, change, "characters")


def add_character(store: Store, story: Story, character) -> None:
    """Add a character (from the space's library, `core.characters.library`) after the story's
    own; a story keeps one character of each name."""
    may_change(store, story)

    def add(s: Story) -> None:
        if any(c.name.lower() == character.name.lower() for c in s.characters):
            raise InputError(f"The story has a character called {character.name} already.")
        s.characters = characters.checked([*s.characters, character.model_copy(deep=True)])

    commit(store, story, add, "characters")


def use_library_character(store: Store, story: Story, entry_id: str) -> Character:
    """Add a character from the space's library to the story (its pictures copied in), after the
    story's own characters; a story keeps one character of each name."""
    added = library.copy_into(store, story, entry_id)
    add_character(store, story, added)
    return added
