"""With a remote writer (the real `openai` client against a fake server on 127.0.0.1): "fit the
level" asks for the level, measures the answer and asks once more; definitions and questions are
asked for too."""

from __future__ import annotations

import json

from core import studio
from core.classroom.book import questions_for, words_for
from core.providers.remote_openai import RemoteWriter
from core.settings import Settings
from tests.doubles import ScriptedWriter, story_of
from tests.fake_servers import FakeOpenAI

EASY = "Pip ran to the big red box. Pip saw a cat. The cat sat on the mat. Pip was glad."
HARD = "The extraordinary, magnificent lighthouse keeper contemplated the incomprehensible phenomenon."
STILL_HARD = "The magnificent lighthouse keeper contemplated an incomprehensible, extraordinary phenomenon."
NOW_EASY = "The old man had a lamp. Pip saw the lamp. It was a big lamp. Pip was glad."


def story_json(*texts: str) -> str:
    return json.dumps({"title": "Pip", "pages": [{"text": t, "scene": "Pip by the sea"} for t in texts]})


def remote(server: FakeOpenAI) -> RemoteWriter:
    settings = Settings(writer="remote", openai_base_url=server.base_url, openai_api_key="sk-test")
    return RemoteWriter.from_settings(settings, backoff_s=0.01, retries=1)


def drafted(store, cat_bytes):
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, "A cat on a mat.")
    studio.update_settings(store, story, pages=2, reading_level="early")
    list(studio.write_draft(store, story, ScriptedWriter(story_of("Pip", EASY, HARD))))
    return story


def test_fit_the_level_asks_measures_and_asks_once_more(store, cat_bytes) -> None:
    story = drafted(store, cat_bytes)
    with FakeOpenAI(answers=[story_json(EASY, STILL_HARD), story_json("Changed!", NOW_EASY)]) as server:
        list(studio.fit_level(store, story, remote(server)))
        asked = [r.body["messages"][-1]["content"] for r in server.chat_requests()]
    assert len(asked) == 2
    assert "page(s) 2" in asked[0] and "'Early reader' (Spache below 2.5)" in asked[0]
    assert "still measured outside" in asked[1]
    fitted = store.load(story.id).draft
    assert [p.text for p in fitted.pages] == [EASY, NOW_EASY]  # page 1 was in band: never replaced
    assert fitted.engine == "remote" and fitted.instruction == "fit the level: Early reader"


def test_definitions_and_questions_come_from_the_writer(store, cat_bytes) -> None:
    story = drafted(store, cat_bytes)
    questions = json.dumps(
        [
            {"kind": "who", "question": "Who is Pip?", "answer": "Pip"},
            {"kind": "where", "question": "Where is the box?", "answer": "on the moon"},  # not in the story
            {"kind": "you", "question": "What would you put in the box?", "answer": "anything"},
        ]
    )
    answers = ['{"lighthouse": "A tall tower with a light that shows ships the way."}', questions]
    with FakeOpenAI(answers=answers) as server:
        words = words_for(story, remote(server))
        asked = questions_for(story, remote(server))
    assert next(w for w in words if w.word == "lighthouse").definition.startswith("A tall tower")
    assert [q.question for q in asked][:1] == ["Who is Pip?"] and "Where is the box?" not in [q.question for q in asked]
    assert asked[-1].question == "What would you put in the box?" and asked[-1].open
