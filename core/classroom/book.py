"""A story's classroom pages: the words to know and the questions, for the book and the teacher.

The studio prints them as the last pages of the book when asked (`studio.export_pdf(...,
classroom=True)`, the Export page's switch, `--classroom` on the command line); the answers go in a
separate teacher's answer key (`answer_key_text`), never in the pupils' book.
The reading level is the story's (a teacher's pick), else the one its audience is written for.
A word to know has a picture only when it names a companion or prop of the story world that the
offline illustrator can draw on its own (`thing_pictures`); never the page's picture.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from core.errors import InputError
from core.export.pdf import BackEntry, BackPage
from core.offline.sprites import sprite
from core.offline.writer import make_plan, plan_facts
from core.providers.base import Brief
from core.reading.levels import LEVELS, Level, level_of
from core.reading.questions import Question, answer_key, model_questions, offline_questions
from core.reading.vocabulary import WordToKnow, with_definitions, words_to_know
from core.story import Draft, Story

AUDIENCE_LEVELS = {"young children": "grade-1-2", "older children": "grade-3-4", "adults": "adult"}


def reading_level(story: Story) -> Level:
    return (
        level_of(story.settings.reading_level)
        if story.settings.reading_level
        else LEVELS[AUDIENCE_LEVELS.get(story.settings.audience, "grade-1-2")]
    )


def _draft(story: Story) -> Draft:
    if story.draft is None:
        raise InputError("There is no draft yet: write the story first.")
    return story.draft


def plan_of(story: Story, draft: Draft) -> dict[str, str]:
    """The plan the draft was told from: its own, else the nearest ancestor's (a draft edited by
    hand keeps its parent's plan), else the plan the offline writer makes of the caption now."""
    seen: set[str] = set()
    current: Draft | None = draft
    while current is not None and current.id not in seen:
        if current.plan:
            return dict(current.plan)
        seen.add(current.id)
        current = story.find_draft(current.parent) if current.parent else None
    if story.caption:
        return dict(plan_facts(make_plan(Brief.of(story))))
    return {}


def words_for(story: Story, writer=None) -> list[WordToKnow]:
    """The words to know of the chosen draft, hardest first, with the glossary's definitions (and
    a writer model's, when `writer` can answer)."""
    draft = _draft(story)
    plan = plan_of(story, draft)
    level = reading_level(story)
    names = [plan[k] for k in ("hero", "friend") if plan.get(k)]
    words = words_to_know([p.text for p in draft.pages], level, names)
    ask = getattr(writer, "answer", None)
    return with_definitions(words, ask, level) if ask else words


def questions_for(story: Story, writer=None) -> list[Question]:
    draft = _draft(story)
    pages = [p.text for p in draft.pages]
    plan = plan_of(story, draft)
    ask = getattr(writer, "answer", None)
    return model_questions(pages, ask, reading_level(story).label, plan) if ask else offline_questions(pages, plan)


def back_pages(
    words: list[WordToKnow], questions: list[Question], pictures: dict[str, Path] | None = None
) -> list[BackPage]:
    """The "Words to know" and "Let's talk about the story" pages, as the book prints them (no
    answers). Each word with its definition, or the story's sentence where it has none;
    `pictures`: a companion's or prop's key -> the file of its picture, shown beside the word that
    names it (`thing_pictures`); every other word stands alone."""
    entries = []
    for w in words:
        second = w.definition or f"“{w.sentence}” (page {w.page})"
        image = (pictures or {}).get(w.thing) if w.thing else None
        entries.append(BackEntry(w.word, second, image))
    pages = [BackPage("Words to know", entries)] if entries else []
    talk = [BackEntry(f"{n}. {q.question}") for n, q in enumerate(questions, start=1)]
    return pages + ([BackPage("Let's talk about the story", talk)] if talk else [])


def thing_pictures(store, story: Story, words: list[WordToKnow]) -> dict[str, Path]:
    """A companion's or prop's key -> its picture's file, for the words that name one (kept with
    the story's images, by content, so exporting again adds nothing). The picture is the offline
    illustrator's own art of that thing (`core.offline.sprites`); a thing it has no art for gets no
    picture: a picture of something else (the page's scene) is never shown instead."""
    files: dict[str, Path] = {}
    for key in dict.fromkeys(w.thing for w in words if w.thing):
        try:
            picture = Image.fromarray(np.asarray(sprite(key), dtype=np.uint8))
        except (KeyError, OSError, ValueError):
            continue  # no art of this one: no picture rather than a wrong one
        data = io.BytesIO()
        picture.save(data, "PNG")
        files[key] = store.image_path(story.id, store.put_image(story.id, data.getvalue(), "png"))
    return files


def answer_key_text(story: Story, writer=None) -> str:
    """The teacher's answer key of the chosen draft, as plain text."""
    return answer_key(_draft(story).title, questions_for(story, writer))
