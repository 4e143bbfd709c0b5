"""Words to know, questions and the answer key: from the story plan, checked against the text."""

from __future__ import annotations

import json
import re

import pytest

from core import studio
from core.classroom.book import answer_key_text, questions_for, words_for
from core.offline.writer import OfflineWriter, make_plan, plan_facts
from core.providers.base import Brief
from core.reading.levels import LEVELS
from core.reading.questions import in_story, offline_questions
from core.reading.vocabulary import with_definitions, words_to_know

CAT = "A ginger tabby cat with green eyes lying on a blanket in the living room."


def told(seed: int, audience: str = "young children") -> tuple[list[str], dict]:
    brief = Brief(CAT, 6, audience, "adventure", "warm", seed=seed)
    story = OfflineWriter().write(brief)
    return [p.text for p in story.pages], dict(story.plan)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_answer_is_in_the_story(seed: int) -> None:
    pages, plan = told(seed)
    assert plan == dict(plan_facts(make_plan(Brief(CAT, 6, "young children", "adventure", "warm", seed=seed))))
    questions = offline_questions(pages, plan)
    assert [q.kind for q in questions] == ["who", "where", "problem", "solution", "you"]
    text = "\n".join(pages)
    for q in questions:
        if not q.open:  # a phrase of the story, or sentences of it
            assert q.answer and all(part in text for part in re.split(r"(?<=\.) ", q.answer))
    assert plan["hero"] in questions[1].question and questions[1].answer == plan["at_setting"]


def test_no_question_about_what_the_story_does_not_have() -> None:
    pages, plan = told(1)
    renamed = [p.replace(plan["hero"], "Someone").replace(plan["at_setting"], "somewhere") for p in pages]
    questions = offline_questions(renamed, plan)
    asked = " ".join(q.question + " " + q.answer for q in questions)
    assert plan["hero"] not in asked and plan["at_setting"] not in asked
    assert {q.kind for q in questions} >= {"you"} and "who" not in {q.kind for q in questions}


def test_a_models_questions_are_kept_only_when_the_story_answers_them() -> None:
    from core.reading.questions import model_questions

    pages, plan = told(2)
    reply = (
        '[{"kind": "who", "question": "Who is it about?", "answer": "a purple dragon"},'
        f' {{"kind": "where", "question": "Where?", "answer": "{plan["at_setting"]}"}}]'
    )
    questions = model_questions(pages, lambda prompt: reply, "Grades 1–2", plan)
    by_kind = {q.kind: q for q in questions}
    assert by_kind["where"].question == "Where?"  # the model's, answered by the story
    assert by_kind["who"].question == "Who is the story about?"  # the dragon is not in it: offline's
    assert not in_story("a purple dragon", "\n".join(pages))


def test_words_above_the_level_with_their_sentence_and_picture() -> None:
    pages = [
        ("Pip, a clever fox, saw a lantern by the gate.", "Pip, a clever fox, holding a lantern by the gate", True),
        ("The cat sat. The lantern glowed.", "A cat", False),
    ]
    words = words_to_know(pages, LEVELS["early"], ["Pip"])
    lantern = next(w for w in words if w.word == "lantern")
    assert lantern.sentence == "Pip, a clever fox, saw a lantern by the gate." and lantern.page == 1
    assert lantern.pictured and not next(w for w in words if w.word == "clever").pictured  # things, not qualities
    assert all(w.word not in ("pip", "cat", "sat") for w in words)
    assert words_to_know(pages, LEVELS["adult"]) == []  # nothing rare for an adult
    defined = with_definitions(words, lambda prompt: '{"lantern": "A lamp you can carry."}', LEVELS["early"])
    assert next(w for w in defined if w.word == "lantern").definition == "A lamp you can carry."
    assert with_definitions(words, lambda prompt: "no json", LEVELS["early"]) == words


def test_the_book_ends_with_the_classroom_pages_and_the_key_stays_apart(store, cat_bytes) -> None:
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, CAT)
    studio.update_settings(store, story, pages=2, reading_level="early")
    list(studio.write_draft(store, story, OfflineWriter()))
    list(studio.export_pdf(store, story))
    plain = story.exports[-1].pages
    list(studio.export_pdf(store, story, classroom=True))
    assert story.exports[-1].pages == plain + 2
    key = answer_key_text(story)
    questions = questions_for(story)
    assert key.startswith("Teacher's answer key: ") and all(q.answer in key for q in questions)
    assert words_for(story) and all(w.sentence in story.draft.text() for w in words_for(story))


def test_the_command_line_fits_the_level_and_prints_the_classroom_pages(data_dir, tmp_path, capsys) -> None:
    from core.cli import main
    from tests.conftest import SAMPLES

    out, key = tmp_path / "out", tmp_path / "key.txt"
    args = ["--data-dir", str(data_dir), "--pages", "2", "--size", "128", "--caption", CAT]
    assert (
        main(["make", str(SAMPLES / "chelsea.jpg"), "--out", str(out), *args, "--classroom", "--answer-key", str(key)])
        == 0
    )
    assert key.read_text().startswith("Teacher's answer key: ") and "Answer: " in key.read_text()
    story_id = json.loads((out / "story.json").read_text())["id"]
    capsys.readouterr()
    assert main(["fit-level", story_id, "--level", "grade-5-6", "--data-dir", str(data_dir)]) == 0
    printed = capsys.readouterr().out
    assert "reading level: Grades 5–6, Flesch-Kincaid 5.0–7.0" in printed and printed.count("(band 5.0–7.0)") == 2
    assert main(["fit-level", story_id, "--level", "grade-9", "--data-dir", str(data_dir)]) == 2
