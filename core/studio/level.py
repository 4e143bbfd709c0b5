""" "Fit the level": rewriting the pages that read above or below the story's reading level."""

from __future__ import annotations

from collections.abc import Iterator

from core.errors import InputError
from core.providers.base import Writer
from core.reading.fit_level import fit_offline_stream, fit_with_writer
from core.reading.levels import level_of, measure_pages
from core.storage.store import Store
from core.story import Story
from core.studio.commit import draft_of, may_change
from core.studio.drafts import brief, draft_from_stream, written
from core.studio.events import Event, Notice, Progress
from core.studio.story_settings import update_settings


def fit_level(store: Store, story: Story, writer: Writer, level: str | None = None) -> Iterator[Event]:
    """ "Fit the level": a new draft whose out-of-band pages are rewritten to read at `level`
    (default: the story's reading level; naming one also makes it the story's). Pages in band are
    kept word for word, and every page keeps its id and so its picture; how is `core.reading.fit_level`'s."""
    chosen = level or story.settings.reading_level
    if not chosen:
        raise InputError("Pick a reading level first (early, grade-1-2, grade-3-4, grade-5-6 or adult).")
    target = level_of(chosen)
    current = draft_of(story)
    may_change(store, story)
    if story.settings.reading_level != target.key:
        update_settings(store, story, reading_level=target.key)
    texts = [p.text for p in current.pages]
    wrong = [m for m in measure_pages(texts, target) if not m.in_band]
    if not wrong:
        yield Notice(f"Every page already reads at the level '{target.label}': nothing to change.")
        return
    instruction = f"fit the level: {target.label}"
    if writer.engine == "offline" and current.engine == "offline" and current.instruction == instruction:
        # the offline fitter is deterministic: fitting its own result again would repeat the same draft
        yield Notice(
            f"The offline writer has already fitted this draft to '{target.label}': nothing to change. "
            f"{len(wrong)} page(s) are still outside the band: edit them by hand, or try a local or remote writer."
        )
        return
    yield Progress(f"Fitting {len(wrong)} of {len(texts)} pages to '{target.label}'", 0, 1)
    if writer.engine == "offline":
        stream = fit_offline_stream(written(current), target, brief(story) if story.caption else None)
    else:
        stream = fit_with_writer(writer, brief(story), written(current), target)
    old_ids = [p.id for p in current.pages]
    yield from draft_from_stream(
        store,
        story,
        stream,
        step="fit-level",
        instruction=instruction,
        writer=writer,
        parent=current,
        ids_for=lambda result: old_ids if len(result.pages) == len(old_ids) else [],
    )
    after = measure_pages([p.text for p in draft_of(story).pages], target)
    held = sum(m.in_band for m in after)
    yield Progress(f"{held} of {len(after)} pages read at '{target.label}'", 1, 1)
    if held < len(after):
        yield Notice(
            f"{len(after) - held} page(s) are still outside the band for '{target.label}': "
            "edit them by hand, or try a local or remote writer."
        )
