"""Alt text for every picture the studio shows or exports (WCAG 2.2, 1.1.1 Non-text content).

A story page's picture was drawn from the page's key scene, so the scene is what the picture shows:
"Page 3: the cat climbs the old oak". A page without a scene (an old story, a hand-added page) falls
back on its text's first sentence. The uploaded photo is described by its caption, the words the
person checked on the Caption page. Pages and the web reader take their alt text from here, so a
screen reader hears the same words in the studio and in the exported book.
"""

from __future__ import annotations

import re

from core.story import Story

LONGEST = 200  # screen readers read alt text in one go: a sentence or two, not a page


def _short(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= LONGEST:
        return text
    return text[: LONGEST - 1].rsplit(" ", 1)[0] + "…"


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]


def scene_of(story: Story, page_id: str) -> str:
    """What the picture of a page shows: its key scene, else its text's first sentence ('' if neither)."""
    draft = story.draft
    page = next((p for p in draft.pages if p.id == page_id), None) if draft else None
    if page is None:
        return ""
    return _short(page.scene.strip() or _first_sentence(page.text))


def page_alt(story: Story, page_id: str, number: int, lead: str = "") -> str:
    """The alt text of a page's picture: "Page 3: <scene>" (`lead` names a version: "Version #2 of ")."""
    scene = scene_of(story, page_id)
    where = f"{lead}page {number}" if lead else f"Page {number}"
    return f"{where}: {scene}" if scene else f"The picture of {where[0].lower()}{where[1:]}"


def photo_alt(story: Story) -> str:
    """The alt text of the uploaded photo: its caption, else its file name."""
    if story.caption:
        return f"The photo: {_short(story.caption)}"
    return f"The photo {story.photo.filename}" if story.photo else "The photo"
