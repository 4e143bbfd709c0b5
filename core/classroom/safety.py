"""Strict safety in a class: the check is always on there, for everything that leaves the story.

In a class space (`core.people.classes`) every text that is printed, spoken or sent to a picture model,
and every caption, is checked by `core.safety` (the word list, plus the moderation endpoint of a
remote writer or illustrator when the caller passes `providers.story_safety(...)`), whatever the
`safety` setting says: a pupil cannot switch it off, because the studio steps ask the story where
it lives (`Store.class_space`), not the settings. Outside a class nothing changes: the check runs
only when the person turned it on.

What was stopped is said twice:

- to the pupil in kind words (`kind_words`): which word to change, or that the safety helper
  thought the text might not be right for class, and that their teacher can help;
- to the teacher in full: the attempt (who, when, which story, what for, the text, every reason) is
  kept with the class, never in the pupil's story (`Classrooms.record_blocked`), and listed per
  pupil on the Classroom page (`Classrooms.blocked`).

`check_for_class(store, story, texts, what=...)` is the one call for any new way out of a story
(narration, another export format): it raises `Blocked` (an InputError whose message is the kind
one in a class) when a text may not go out, and does nothing when all is well.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.errors import InputError
from core.people.classes import BlockedAttempt, Classrooms
from core.safety import SafetyChecker
from core.storage.store import Store
from core.story import Story, now

# What each kind of check is for, as the pupil reads it ("... in this caption").
PURPOSES = {
    "caption": "this caption",
    "picture": "this picture idea",
    "print": "this book",
    "narration": "what is read aloud",
}
_QUOTED = re.compile(r'^the words? "(.*)" (?:is|are) on the classroom list$')
TEXT_KEPT = 2000  # characters of a stopped text kept for the teacher


class Blocked(InputError):
    """A text the safety check stopped; the message is for the person, `reasons` in full."""

    def __init__(self, message: str, reasons: list[str]) -> None:
        super().__init__(message)
        self.reasons = reasons


def checker(store: Store, story_id: str, safety: SafetyChecker | None) -> SafetyChecker | None:
    """The check to use for this story: the one given (the settings' own, moderation included),
    else, in a class, the word list anyway; None outside a class when nobody asked for one."""
    if safety is not None:
        return safety
    return SafetyChecker() if store.class_space(story_id) else None


def kind_words(what: str, reasons: list[str]) -> str:
    """What a pupil reads when something was stopped: what to change, gently, and who can help."""
    words = [m.group(1) for m in map(_QUOTED.match, reasons) if m]
    thing = PURPOSES.get(what, "this")
    parts = []
    if words:
        listed = ", ".join(f"“{w}”" for w in dict.fromkeys(words))
        parts.append(f"{listed} {'is not a word' if len(words) == 1 else 'are not words'} we use in class books.")
    if len(words) < len(reasons):
        parts.append(f"The safety helper thinks {thing} might not be right for class.")
    parts.append("Try different words and have another go; your teacher can help.")
    return " ".join(parts)


def screen(
    store: Store, story: Story, texts: Iterable[str], *, what: str, safety: SafetyChecker | None = None
) -> str | None:
    """Check `texts` before they go out: None when they may, else the sentence to show the person
    (kind words in a class, where the attempt is also kept for the teacher; the reasons elsewhere)."""
    return _verdict(store, story, texts, what, safety)[0]


def picture_refusal(store: Store, story: Story, prompt: str, safety: SafetyChecker | None) -> str | None:
    """Why `prompt` may not go to a picture model, as a sentence ("Page 3 was not drawn: ..."), or
    None. Every way to draw (a page, versions of the book, a region, pictures while the story is
    written) asks this, so a class's check holds on all of them."""
    if store.class_space(story.id) is not None:
        return screen(store, story, [prompt], what="picture", safety=safety)
    reasons = safety.check(prompt) if safety else []
    return "; ".join(reasons) + "." if reasons else None


def check_for_class(
    store: Store, story: Story, texts: Iterable[str], *, what: str, safety: SafetyChecker | None = None
) -> None:
    """Raise `Blocked` unless every text may be printed, spoken, drawn or kept (`what`: "print",
    "narration", "picture", "caption"). Always checks in a class; elsewhere only with `safety`."""
    message, reasons = _verdict(store, story, texts, what, safety)
    if message is not None:
        raise Blocked(message, reasons)


def _verdict(
    store: Store, story: Story, texts: Iterable[str], what: str, safety: SafetyChecker | None
) -> tuple[str | None, list[str]]:
    guard = checker(store, story.id, safety)
    if guard is None:
        return None, []
    reasons: list[str] = []
    stopped: list[str] = []
    for text in texts:
        found = guard.check(text) if text and text.strip() else []
        if found:
            stopped.append(text)
            reasons.extend(r for r in found if r not in reasons)
    if not reasons:
        return None, []
    class_id = store.class_space(story.id)
    if class_id is None:
        return f"The safety check stopped {PURPOSES.get(what, 'this')}: {'; '.join(reasons)}.", reasons
    Classrooms(store.data).record_blocked(
        class_id,
        BlockedAttempt(
            at=now(),
            person=store.person.id,
            story=story.id,
            title=story.title,
            what=what,
            text="\n\n".join(stopped)[:TEXT_KEPT],
            reasons=reasons,
        ),
    )
    return kind_words(what, reasons), reasons
