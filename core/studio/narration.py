"""Reading the pages aloud: audio and sentence timings kept per page and language."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from core.classroom import safety as class_safety
from core.errors import InputError
from core.narration import sentences
from core.providers.base import Narrator
from core.safety import SafetyChecker
from core.storage.store import Store
from core.story import Narration, SentenceTiming, Story, StoryPage, text_hash
from core.studio.commit import commit, draft_of, may_change
from core.studio.events import Event, Notice, Progress


def narrate(
    store: Store,
    story: Story,
    narrator: Narrator,
    page_ids: Sequence[str] | None = None,
    language: str | None = None,
    safety: SafetyChecker | None = None,
    again: bool = False,
) -> Iterator[Event]:
    """Read the pages asked (all by default) aloud in `language` (None: the story's own; else a
    translation's), keeping each page's audio in the store and its `Narration` on the story.

    A page that already has a current narration in the same voice is skipped unless `again` (a
    page named in `page_ids` is always read again). With `safety`, each page's text is checked
    first and a page that fails is not spoken. The story is saved after every page.
    """
    may_change(store, story)
    draft = draft_of(story)
    language = language or story.settings.language
    if language != story.settings.language and story.translation(language) is None:
        raise InputError(f"There is no translation into '{language}': translate the story first.")
    voice = narrator.voice_for(language)  # before any work: a language nobody speaks is said at once
    todo: list[tuple[int, StoryPage, list[str]]] = []
    for number, page in enumerate(draft.pages, start=1):
        if page_ids is not None and page.id not in page_ids:
            continue
        text = story.spoken_text(page.id, language) or ""
        current = story.narration(page.id, language)
        if current is not None and current.voice == voice and not again and page_ids is None:
            continue
        refusal = class_safety.screen(store, story, [text], what="narration", safety=safety)  # always in class
        if refusal:
            yield Notice(f"Page {number} was not read aloud. {refusal}")
            continue
        said = sentences(text)
        if said:
            todo.append((number, page, said))
    total = len(todo)
    may_change(store, story, narrator.engine, calls=sum(len(said) for _, _, said in todo))
    yield Progress(f"Reading {total} page{'s' if total != 1 else ''} aloud ({voice})", 0, total)
    for done, (number, page, said) in enumerate(todo, start=1):
        speech = narrator.speak(said, language)
        made = Narration(
            page_id=page.id,
            text_hash=text_hash(story.spoken_text(page.id, language) or ""),
            language=language,
            engine=narrator.engine,
            voice=speech.voice,
            model=narrator.model,
            audio=store.put_audio(story.id, speech.audio, "wav"),
            duration=round(speech.duration, 3),
            sentences=[SentenceTiming(text=s.text, start=s.start, end=s.end) for s in speech.sentences],
        )
        commit(store, story, lambda s, made=made: _add_narration(s, made), "narrate", narrator.engine)
        yield Progress(f"Page {number} read aloud ({speech.duration:.1f} s)", done, total)


def _add_narration(story: Story, made: Narration) -> None:
    """Keep the narration, replacing one of the same page, language and text (a reading of an
    older text stays: choosing that draft again finds it)."""
    key = (made.page_id, made.language, made.text_hash)
    story.narrations = [n for n in story.narrations if (n.page_id, n.language, n.text_hash) != key] + [made]
