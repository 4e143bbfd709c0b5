"""What the command line prints: progress on stderr, stories, drafts and pictures on stdout."""

from __future__ import annotations

import sys
from collections.abc import Iterator

from core import studio
from core.storage.store import Store
from core.story import Story


def run(events: Iterator[studio.Event], label: str) -> None:
    """Show a step's progress on stderr.

    Streamed text is counted, not echoed. On a terminal each progress line replaces the one before
    (a line that moves, not 40 lines per picture); in a log or a pipe every event has its own line.
    Notices always stand on a line of their own, and an error that stops the step starts a new one.
    """
    live = sys.stderr.isatty()
    written = 0
    open_line = False  # the terminal's cursor is at the end of a line we may overwrite

    def show(text: str, *, replace: bool) -> None:
        nonlocal open_line
        if replace:
            print(f"\r\033[K{text}" if live else f"\r{text}", end="", file=sys.stderr, flush=True)
        else:
            print(("\n" if open_line else "") + text, file=sys.stderr, flush=True)
        open_line = replace

    try:
        for event in events:
            if isinstance(event, studio.Token):
                written += len(event.text)
                show(f"{label}: {written} characters", replace=True)
            elif isinstance(event, studio.Progress):
                show(f"{label}: {event.label}", replace=live)
            elif isinstance(event, studio.Notice):
                show(f"note: {event.text}", replace=False)
    finally:
        if open_line:
            print(file=sys.stderr, flush=True)


def print_draft(story: Story) -> None:
    draft = story.draft
    print(draft.title)
    for number, page in enumerate(draft.pages, start=1):
        print(f"\n[{number}] {page.text}")


def print_pictures(story: Story, store: Store, page_ids: set[str] | None = None, upscaled: bool = False) -> None:
    for number, page, picture in story.pictured_pages():
        if page_ids is None or page.id in page_ids:
            name = picture.upscaled if upscaled and picture.upscaled else picture.image
            print(f"page {number}: {store.image_path(story.id, name)} (seed {picture.seed})")


def print_story(story: Story) -> None:
    """A stored story for a person to read (`show` without --json)."""
    print(f"{story.title}  ({story.id}, revision {story.revision})")
    print(f"photo: {story.photo.filename if story.photo else 'none'}")
    print(f"caption: {story.caption or 'none yet'}")
    s = story.settings
    print(f"settings: {s.pages} pages, {s.audience}, {s.genre}, {s.tone}, {s.style}, {s.aspect}, seed {s.seed}")
    if story.draft:
        print(f"draft: {story.draft.instruction} ({len(story.drafts)} drafts in all)")
        pictured = {page.id: picture for _, page, picture in story.pictured_pages()}
        for number, page in enumerate(story.draft.pages, start=1):
            picture = pictured.get(page.id)
            seen = f"picture seed {picture.seed}{', upscaled' if picture.upscaled else ''}" if picture else "no picture"
            print(f"\n[{number}] ({seen}) {page.text}")
    for translation in story.translations:
        edited = " (edited)" if translation.edited else ""
        print(f"\ntranslation: {translation.language} by {translation.engine}{edited}")
    for language in dict.fromkeys(n.language for n in story.narrations):
        pages = story.draft.pages if story.draft else []
        current = [n for page in pages if (n := story.narration(page.id, language)) is not None]
        voices = ", ".join(sorted({n.voice for n in current})) or "none current"
        print(f"narration ({language}): {len(current)} of {len(pages)} pages read aloud ({voices})")
    for record in story.exports:
        print(
            f"export: {record.filename}, {record.pages} pages, {record.language or 'own language'}"
            f"{', bilingual' if record.bilingual else ''}{', ' + record.url if record.url else ''}"
        )


def print_levels(story: Story) -> None:
    """The chosen draft, each page with its measured reading level and band (`fit-level`)."""
    from core.classroom.book import reading_level
    from core.reading.levels import measure_pages

    draft = story.draft
    level = reading_level(story)
    print(f"{draft.title}  (reading level: {level.label}, {level.band()})")
    for number, (page, measured) in enumerate(zip(draft.pages, measure_pages([p.text for p in draft.pages], level)), 1):
        print(f"\n[{number}] {measured.summary()}\n{page.text}")
