"""The caption of the photo: described by a model, corrected by the person, asked about."""

from __future__ import annotations

from collections.abc import Iterator

from core.classroom import safety as class_safety
from core.errors import InputError
from core.providers.base import Vision
from core.safety import SafetyChecker
from core.storage.store import Store
from core.story import CaptionVersion, Question, Story, now
from core.studio.commit import commit, may_change
from core.studio.events import Event, Token
from core.studio.photo import photo_image
from core.text import clean_text, one_line


def caption(store: Store, story: Story, vision: Vision, safety: SafetyChecker | None = None) -> Iterator[Event]:
    """Describe the photo, streamed. Stopped or failed half-way, what arrived is kept as incomplete.

    Checked captions (a story in a class, or `safety` given) are shown only once the whole caption
    passed the check; one that does not is neither shown nor kept (`core.classroom.safety`)."""
    may_change(store, story, vision.engine)
    image = photo_image(store, story)
    guard = class_safety.checker(store, story.id, safety)
    parts: list[str] = []
    finished = False
    stopped = None
    try:
        for chunk in vision.describe(image):
            parts.append(chunk)
            if guard is None:
                yield Token(chunk)
        finished = True
    finally:
        text = clean_text("".join(parts)).strip()
        if text and guard is not None:
            try:
                class_safety.check_for_class(store, story, [text], what="caption", safety=guard)
            except class_safety.Blocked as blocked:
                stopped = blocked
        if text and stopped is None:
            version = CaptionVersion(
                text=text, author="model", engine=vision.engine, model=vision.model, incomplete=not finished
            )
            commit(store, story, lambda s: s.captions.append(version), "caption", vision.engine)
    if stopped is not None:
        raise stopped
    if guard is not None and text:
        yield Token(text)


def edit_caption(store: Store, story: Story, text: str, safety: SafetyChecker | None = None) -> bool:
    """Keep the person's version of the caption. Returns False when nothing changed. In a class
    (or with `safety`) a caption the safety check stops is not kept (`class_safety.Blocked`)."""
    text = clean_text(text).strip()
    if not text:
        raise InputError("The caption is empty: write a few words about the photo.")
    if text == story.caption:
        return False
    class_safety.check_for_class(store, story, [text], what="caption", safety=safety)
    version = CaptionVersion(text=text, author="person")
    commit(store, story, lambda s: s.captions.append(version), "caption")
    return True


def restore_caption(store: Store, story: Story, index: int) -> None:
    """Make an older caption current again (as a new version: history is never rewritten)."""
    again = story.captions[index].model_copy(update={"created": now()})
    commit(store, story, lambda s: s.captions.append(again), "caption")


def ask(store: Store, story: Story, vision: Vision, question: str) -> Iterator[Event]:
    question = one_line(question, 500)
    if not question:
        raise InputError("Type a question about the photo first.")
    may_change(store, story, vision.engine)
    parts: list[str] = []
    for chunk in vision.ask(photo_image(store, story), question, story.caption):
        parts.append(chunk)
        yield Token(chunk)
    asked = Question(
        question=question, answer=clean_text("".join(parts)).strip(), engine=vision.engine, model=vision.model
    )
    commit(store, story, lambda s: s.questions.append(asked), "ask", vision.engine)
