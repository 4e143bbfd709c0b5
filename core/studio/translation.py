"""Translations of the chosen draft, kept beside the original and editable page by page."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from core.errors import InputError, NotConfigured
from core.providers.base import Translator
from core.storage.store import Store
from core.story import Story, Translation
from core.studio.commit import commit, draft_of, may_change
from core.studio.events import Event, Progress
from core.text import clean_text, one_line


def translate(
    store: Store,
    story: Story,
    translator: Translator | None,
    language: str,
    formality: str | None = None,
    glossary: dict[str, str] | None = None,
) -> Iterator[Event]:
    """Translate the chosen draft's title and pages into `language`, kept beside the original."""
    may_change(store, story)
    if translator is None:
        raise NotConfigured("No translator is configured: set one up in Settings.")
    draft = draft_of(story)
    may_change(store, story, translator.engine)
    texts = [draft.title, *(p.text for p in draft.pages)]
    yield Progress(f"Translating {len(texts)} texts into {language}", 0, len(texts))
    out = translator.translate(texts, language, source=story.settings.language, formality=formality, glossary=glossary)
    if len(out) != len(texts):
        raise InputError("The translator returned a different number of texts; nothing was changed.")
    made = Translation(
        language=language,
        draft=draft.id,
        engine=translator.engine,
        model=translator.model,
        title=one_line(out[0], 200),
        pages=[clean_text(t).strip() for t in out[1:]],
    )
    commit(store, story, lambda s: s.translations.append(made), "translate", translator.engine)
    yield Progress("Translated", len(texts), len(texts))


def _translation_of(story: Story, language: str) -> Translation:
    current = story.translation(language)
    if current is None:
        raise InputError("There is no translation into that language yet.")
    return current


def edit_translation(store: Store, story: Story, language: str, title: str, pages: Sequence[str]) -> None:
    _translation_of(story, language)
    title, pages = one_line(title, 200), [clean_text(t).strip() for t in pages]

    def change(s: Story) -> None:
        current = _translation_of(s, language)
        current.title, current.pages, current.edited = title, pages, True

    commit(store, story, change, "edit")


def retranslate_page(
    store: Store,
    story: Story,
    translator: Translator,
    language: str,
    index: int,
    formality: str | None = None,
    glossary: dict[str, str] | None = None,
) -> None:
    _translation_of(story, language)
    may_change(store, story, translator.engine)
    text = draft_of(story).pages[index].text
    (new,) = translator.translate(
        [text], language, source=story.settings.language, formality=formality, glossary=glossary
    )

    def change(s: Story) -> None:
        _translation_of(s, language).pages[index] = clean_text(new).strip()

    commit(store, story, change, "translate", translator.engine)
