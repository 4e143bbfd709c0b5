"""What the chosen engines can do, as the engines say it: pages ask here, never by an engine's name.

Each engine class states its abilities (a writer's `story_languages` and `copy_languages`, whether
it follows `free_text_revisions`, whether it can `answer` questions about a story; an
illustrator's `inpaint`), and `capabilities` reads them off the class the settings choose without
building it: no model is loaded, no key asked for, to draw a page.
"""

from __future__ import annotations

from dataclasses import dataclass

from core import providers
from core.language import LANGUAGES


@dataclass(frozen=True)
class Capabilities:
    """What the settings' writer and illustrator can do, for a page to draw what is possible."""

    story_languages: tuple[str, ...] | None  # the languages the writer writes stories in; None: any
    copy_languages: dict[str, str] | None  # code -> native name of campaign copy it writes; None: any
    free_text_revisions: bool  # it follows "say what to change", not only the preset revisions
    answers_questions: bool  # it can be asked (a classroom book's words and questions)
    redraws_region: bool  # the illustrator can redraw part of a picture

    def writes_stories_in(self, language: str) -> bool:
        return self.story_languages is None or language in self.story_languages


MADE_BY = {
    "offline": "the offline engine",
    "local": "a local model",
    "remote": "a remote server",
    "deepl": "DeepL",
    "sample": "the studio: the sample's own words",
    "": "you",
}


def made_by(engine: str, model: str = "") -> str:
    """The line under a result that says which engine (and model) made it ("" engine: the person)."""
    return f"Made by {MADE_BY.get(engine, engine)}" + (f" · {model}" if model else "")


def capabilities(settings) -> Capabilities:
    """The abilities of the engines the settings choose (their classes are imported, not built)."""
    writer = providers.engine_for(settings, "writer").resolve()
    illustrator = providers.engine_for(settings, "illustrator").resolve()
    story = getattr(writer, "story_languages", None)
    copy = getattr(writer, "copy_languages", None)
    return Capabilities(
        story_languages=tuple(story) if story is not None else None,
        copy_languages={code: LANGUAGES[code].native for code in copy} if copy is not None else None,
        free_text_revisions=bool(getattr(writer, "free_text_revisions", True)),
        answers_questions=callable(getattr(writer, "answer", None)),
        redraws_region=callable(getattr(illustrator, "inpaint", None)),
    )


# --- testing the connections (the Settings page's buttons) --------------------------------------


@dataclass(frozen=True)
class DeepLCheck:
    usage: str  # what the key has used of its allowance, as DeepL says it
    languages: list[str]  # the codes it translates into


def remote_models(settings) -> list[str]:
    """The model ids the OpenAI-compatible server offers: a StudioError says why it cannot be reached."""
    # The remote backends are imported when a person tests one, never to draw a page (as the registry does).
    from core.providers.remote_openai import list_models

    return list_models(settings)


def check_deepl(settings) -> DeepLCheck:
    """Ask DeepL for the key's usage and its languages: a StudioError says why it cannot be reached."""
    # The remote backends are imported when a person tests one, never to draw a page (as the registry does).
    from core.providers.remote_deepl import DeepLTranslator

    deepl = DeepLTranslator.from_settings(settings)
    return DeepLCheck(usage=deepl.usage(), languages=[language.code for language in deepl.languages()])
