"""Let's talk about the story: comprehension questions and the teacher's answer key.

Five kinds of question, in this order: who the story is about, where it happens, what went wrong,
how it was solved, and one "what would you do" question. Offline they come from the story plan
the offline writer kept with the draft (`Draft.plan`: hero, friend, place, problem and turn; see
`core.offline.writer.plan_facts`), checked against the text itself: every answer is a phrase or
sentence of the story (the place as the story says it, the sentence that tells the problem or the
turn), and a question whose character, place or sentence the story does not have (a person rewrote
it) is left out rather than asked wrong. With a writer model that can answer (`answer(prompt)`),
the model is asked for the five; answers it gives that the story does not hold are left out the
same way, and the offline questions fill the gaps.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from core.offline.writer import split_sentences, template_regex
from core.prompts import questions_prompt
from core.text import one_line

KINDS = ("who", "where", "problem", "solution", "you")


@dataclass(frozen=True)
class Question:
    kind: str  # one of KINDS
    question: str
    answer: str  # a phrase or sentences of the story; for "you", what a teacher listens for
    open: bool = False  # "what would you do": any answer the child can explain


def _find(pattern: str, sentences: Sequence[str]) -> str:
    regex = re.compile(pattern, re.IGNORECASE)
    return next((s for s in sentences if regex.search(s)), "")


def _named(name: str, text: str) -> bool:
    return bool(name) and re.search(rf"\b{re.escape(name)}\b", text) is not None


def offline_questions(pages: Sequence[str], plan: Mapping[str, str]) -> list[Question]:
    """The questions the plan and the text allow (see the module docstring)."""
    text = "\n".join(pages)
    sentences = [s for page in pages for s in split_sentences(page)]
    hero, friend = plan.get("hero", ""), plan.get("friend", "")
    out: list[Question] = []
    if _named(hero, text):
        intro = _find(rf"\b{re.escape(hero)} was\b", sentences) or _find(rf"\b{re.escape(hero)}\b", sentences)
        friend_line = _find(rf"\bfriend was {re.escape(friend)}\b", sentences) if _named(friend, text) else ""
        answer = " ".join(dict.fromkeys(s for s in (intro, friend_line) if s))
        out.append(Question("who", "Who is the story about?", answer.strip()))
    place = plan.get("at_setting", "")
    if place and place.lower() in text.lower():
        at = text[text.lower().index(place.lower()) :][: len(place)]
        subject = hero if _named(hero, text) else "the story"
        out.append(
            Question(
                "where", f"Where does {subject} live?" if subject != "the story" else "Where does the story happen?", at
            )
        )
    who = hero if _named(hero, text) else "everyone"
    trouble = _find(template_regex(plan["trouble"]), sentences) if plan.get("trouble") else ""
    goal = _find(rf"wanted to {re.escape(plan['goal'])}", sentences) if plan.get("goal") else ""
    if trouble or goal:
        out.append(Question("problem", f"What went wrong for {who}?", " ".join(s for s in (trouble, goal) if s)))
    turn = _find(template_regex(plan["turn"]), sentences) if plan.get("turn") else ""
    end = _find(template_regex(plan["end"]), sentences) if plan.get("end") else ""
    if turn or end:
        out.append(Question("solution", "How was the problem solved?", " ".join(s for s in (turn, end) if s)))
    wish = f"wanted to {plan['goal']}" if goal else "had a problem like this"
    out.append(
        Question(
            "you",
            f"What would you do if you were {who} and {wish}?" if who != "everyone" else "What would you have done?",
            "Any answer the child can explain: listen for a plan, who they would ask for help, and why.",
            open=True,
        )
    )
    return out


def model_questions(
    pages: Sequence[str], answer: Callable[[str], str], level: str, plan: Mapping[str, str]
) -> list[Question]:
    """A writer model's questions, the ones whose answers the story holds (an open question
    always), completed by the offline ones for the kinds it missed."""
    text = "\n".join(pages)
    reply = answer(questions_prompt(text, level))
    match = re.search(r"\[.*\]", reply, re.DOTALL)
    try:
        items = json.loads(match.group(0)) if match else []
    except ValueError:
        items = []
    found: dict[str, Question] = {}
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        kind = str(item.get("kind", "")).lower()
        question, reply_answer = (
            one_line(str(item.get("question", "")), 300),
            one_line(str(item.get("answer", "")), 600),
        )
        if kind not in KINDS or kind in found or not question or not reply_answer:
            continue
        if kind != "you" and not in_story(reply_answer, text):
            continue
        found[kind] = Question(kind, question, reply_answer, open=kind == "you")
    for q in offline_questions(pages, plan):
        found.setdefault(q.kind, q)
    return [found[k] for k in KINDS if k in found]


def in_story(answer: str, text: str) -> bool:
    """Whether an answer is told by the story: every word of three letters or more in it is."""
    story_words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
    wanted = [w.lower() for w in re.findall(r"[A-Za-z]+", answer) if len(w) >= 3]
    return bool(wanted) and all(w in story_words for w in wanted)


def answer_key(title: str, questions: Sequence[Question]) -> str:
    """The teacher's answer key, as plain text (kept out of the pupils' book)."""
    lines = [f"Teacher's answer key: {title}", ""]
    for number, q in enumerate(questions, start=1):
        lines += [f"{number}. {q.question}", f"   Answer: {q.answer}", ""]
    return "\n".join(lines).rstrip() + "\n"
