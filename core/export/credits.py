"""The book's credits line: which engines made it (the PDF, the reader and the EPUB print it)."""

from __future__ import annotations

from core.story import Story


def credits(story: Story) -> str:
    """One line saying which engines made this book (the PDF prints it; so does the page)."""
    draft = story.draft
    parts = []
    if story.captions:
        c = story.captions[-1]
        parts.append(f"caption: {'you' if c.author == 'person' else c.engine}")
    if draft:
        parts.append(f"story: {draft.engine or 'you'}")
        engines = {picture.engine for _, _, picture in story.pictured_pages()}
        if engines:
            parts.append(f"pictures: {', '.join(sorted(engines))}")
    translation = story.translation(story.export.language) if story.export.language else None
    if translation:
        parts.append(
            f"translation ({translation.language}): {translation.engine}{' and you' if translation.edited else ''}"
        )
    return "Made with VisuTale Studio (" + "; ".join(parts) + ")"
