"""Words to know, questions and the answer key: from the story plan, checked against the text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader
from wordfreq import zipf_frequency

from core import studio
from core.classroom.book import answer_key_text, back_pages, questions_for, words_for
from core.offline.writer import OfflineWriter, make_plan, plan_facts
from core.providers.base import Brief
from core.reading.levels import LEVELS
from core.reading.questions import Question, in_story, offline_questions
from core.reading.vocabulary import glossary, with_definitions, words_to_know
from tests.doubles import ScriptedWriter, SolidIllustrator, story_of

CAT = "A ginger tabby cat with green eyes lying on a blanket in the living room."


def told(seed: int, audience: str = "young children") -> tuple[list[str], dict]:
    brief = Brief(CAT, 6, audience, "adventure", "warm", seed=seed)
    story = OfflineWriter().write(brief)
    return [p.text for p in story.pages], dict(story.plan)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_answer_is_in_the_story(seed: int) -> None:
    pages, plan = told(seed)
    planned = dict(plan_facts(make_plan(Brief(CAT, 6, "young children", "adventure", "warm", seed=seed))))
    assert {k: v for k, v in plan.items() if k != "style"} == planned  # "style": how it was told
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


def test_words_above_the_level_hardest_first_each_explained() -> None:
    pages = [
        "Pip, a clever hedgehog, had soft fur. Pip saw a lantern by the lighthouse.",
        "The cat sat by the cliffs. The lantern glowed with determination.",
    ]
    words = words_to_know(pages, LEVELS["early"], ["Pip"])
    shown = [w.word for w in words]
    # hardest first by word frequency: never "fur" before the rarer words of the story
    assert shown.index("lighthouse") < shown.index("lantern") < shown.index("fur")
    assert shown[:3] == ["hedgehog", "lighthouse", "lantern"]  # Zipf 3.25, 3.55, 3.61; "fur" is 4.03
    assert zipf_frequency("hedgehog", "en") < zipf_frequency("lighthouse", "en") < zipf_frequency("fur", "en")
    lantern = next(w for w in words if w.word == "lantern")
    assert lantern.sentence == "Pip saw a lantern by the lighthouse." and lantern.page == 1
    assert lantern.definition.startswith("a light in a case with a handle")  # the child's glossary
    # only a companion or prop of the story world names a thing with its own picture
    assert lantern.thing == "lantern" and next(w for w in words if w.word == "hedgehog").thing == "hedgehog"
    assert all(w.thing is None for w in words if w.word in ("lighthouse", "cliff", "clever", "fur"))
    assert "cliff" in shown and "cliffs" not in shown  # defined in its dictionary form
    assert all(w.word not in ("pip", "cat", "sat") for w in words)
    assert words_to_know(pages, LEVELS["adult"]) == []  # nothing rare for an adult
    defined = with_definitions(words, lambda prompt: '{"lantern": "A lamp you can carry."}', LEVELS["early"])
    assert next(w for w in defined if w.word == "lantern").definition == "A lamp you can carry."  # the model's
    assert with_definitions(words, lambda prompt: "no json", LEVELS["early"]) == words


def test_a_word_the_glossary_lacks_shows_its_sentence_and_no_picture_of_something_else() -> None:
    words = words_to_know(["The zeppelin hummed over the lantern."], LEVELS["grade-1-2"])
    zeppelin = next(w for w in words if w.word == "zeppelin")
    assert zeppelin.definition == "" and zeppelin.thing is None
    lantern_file = Path("lantern.png")
    (page, _) = back_pages(words, [Question("who", "Who?", "Pip")], {"lantern": lantern_file})
    entries = {e.first: e for e in page.entries}
    assert entries["zeppelin"].second == "“The zeppelin hummed over the lantern.” (page 1)"
    assert entries["zeppelin"].image is None and entries["lantern"].image == lantern_file
    assert entries["lantern"].second.startswith("a light in a case")


def test_a_verb_with_its_little_word_is_defined_as_the_phrase() -> None:
    """ "Clover nodded off while waiting" was explained as "to move your head up and down to say
    yes": the glossary's phrase ("nod off": falling asleep) is the word to know."""
    words = words_to_know(["But Clover nodded off while waiting."], LEVELS["early"], ["Clover"])
    (nod,) = [w for w in words if w.word.startswith("nod")]
    assert nod.word == "nod off" and "asleep" in nod.definition and nod.page == 1
    assert "off" not in [w.word for w in words]
    (alone,) = [w for w in words_to_know(["Bea nodded and smiled."], LEVELS["early"], ["Bea"]) if w.word == "nod"]
    assert alone.definition.startswith("to move your head up and down")


def test_the_glossary_covers_the_story_worlds_things_and_loads_offline() -> None:
    from core.offline.world import COMPANIONS, PROPS

    assert all(glossary().get(key) for key in (*COMPANIONS, *PROPS))
    assert glossary()["riverbank"] == "the land along the side of a river"


def test_the_pdf_shows_a_things_own_picture_or_none(store, cat_bytes, monkeypatch) -> None:
    """Words to know in the PDF: the page's scene is never a word's picture; a companion or prop
    gets the illustrator's picture of that one thing when the illustrator can draw it alone."""
    import core.classroom.book as classroom_book

    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, CAT)
    text = "Pip found a lantern near the cliffs. The hedgehog was shy and the riverbank was steep."
    list(studio.write_draft(store, story, ScriptedWriter(story_of("Pip", text))))
    list(studio.illustrate(store, story, SolidIllustrator()))

    def word_pictures() -> int:
        list(studio.export_pdf(store, story, classroom=True))
        pdf = PdfReader(store.export_path(story.id, story.exports[-1].token))
        (words_page,) = [p for p in pdf.pages if p.extract_text().startswith("Words to know")]
        return len(words_page["/Resources"].get("/XObject", {}))

    def no_art(key: str) -> np.ndarray:
        raise FileNotFoundError(key)

    monkeypatch.setattr(classroom_book, "sprite", no_art)
    assert word_pictures() == 0  # no art of the thing: no picture at all, not the page's
    drawn = []

    def sprite(key: str) -> np.ndarray:
        drawn.append(key)
        return np.full((40, 40, 4), 100 + 10 * len(drawn), np.uint8)  # each thing its own picture

    monkeypatch.setattr(classroom_book, "sprite", sprite)
    assert word_pictures() == 2 and sorted(drawn) == ["hedgehog", "lantern"]


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
    # the pupils' book asks every question and answers none: its questions page holds no answer
    pdf = PdfReader(store.export_path(story.id, story.exports[-1].token))
    printed = [" ".join(page.extract_text().split()) for page in pdf.pages]
    (talk,) = [text for text in printed if text.startswith("Let's talk about the story")]
    assert all(" ".join(q.question.split()) in talk for q in questions)
    assert "Answer" not in " ".join(printed)
    for q in questions:
        assert " ".join(q.answer.split()) not in talk
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
