"""What models really send back: wrapped, cut off, too long, too short, not JSON at all."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.providers.storyjson import MAX_TEXT, StoryFormatError, parse_story

GOOD = {"title": "The Cat", "pages": [{"text": "One.", "scene": "a cat"}, {"text": "Two.", "scene": "a rug"}]}


@pytest.mark.parametrize(
    "wrap",
    [
        "{}",
        "Sure! Here it is:\n{}\nEnjoy.",
        "```json\n{}\n```",
        "```\n{}\n```",
    ],
)
def test_json_wrapped_in_prose_or_fences_is_found(wrap: str) -> None:
    story = parse_story(wrap.replace("{}", json.dumps(GOOD)), expected_pages=2)
    assert story.title == "The Cat" and [p.scene for p in story.pages] == ["a cat", "a rug"]
    assert not story.incomplete


def test_trailing_commas_are_forgiven() -> None:
    assert parse_story('{"title": "T", "pages": [{"text": "a", "scene": "b"},],}').title == "T"


def test_an_answer_cut_off_keeps_what_arrived_and_says_so() -> None:
    text = json.dumps(GOOD)
    story = parse_story(text[: text.index("Two") + 2], expected_pages=2)
    assert story.incomplete and [p.text for p in story.pages] == ["One.", "Tw"]


def test_extra_pages_are_dropped_and_missing_pages_are_an_error() -> None:
    three = {**GOOD, "pages": GOOD["pages"] + [{"text": "Three.", "scene": "c"}]}
    assert len(parse_story(json.dumps(three), expected_pages=2).pages) == 2
    with pytest.raises(StoryFormatError, match="1 pages, 2 were asked for"):
        parse_story(json.dumps({**GOOD, "pages": GOOD["pages"][:1]}), expected_pages=2)


@pytest.mark.parametrize(
    "answer, reason",
    [
        ("I cannot write that story.", "no JSON object"),
        ('{"title": "T"}', '"pages" must be a list'),
        ('{"title": "T", "pages": []}', "no pages"),
        ('{"title": "", "pages": [{"text": "a"}]}', 'no \\"title\\"'),
        ('{"title": "T", "pages": [{"text": ""}, {"text": "b"}]}', "page 1 has no text"),
        ('{"title": "T", "pages": [42]}', "page 1 is not an object"),
    ],
)
def test_unusable_answers_say_why(answer: str, reason: str) -> None:
    with pytest.raises(StoryFormatError, match=reason):
        parse_story(answer)


def test_empty_scenes_get_the_first_sentence_and_absurd_lengths_are_cut() -> None:
    story = parse_story(
        json.dumps(
            {"title": "T", "pages": [{"text": "First one. Then more.", "scene": ""}, {"text": "x" * (MAX_TEXT * 3)}]}
        )
    )
    assert story.pages[0].scene == "First one."
    assert len(story.pages[1].text) == MAX_TEXT


@given(st.text(max_size=2000))
def test_any_answer_gives_a_story_or_a_format_error(answer: str) -> None:
    try:
        story = parse_story(answer)
    except StoryFormatError:
        return
    assert story.title and story.pages and all(p.text for p in story.pages)


def test_readable_shows_the_story_text_growing_as_json_arrives() -> None:
    from core.providers.storyjson import readable

    answer = json.dumps(
        {
            "title": "Léa",
            "pages": [{"text": "Line one\nand two.", "scene": "s"}, {"text": 'Then é "quoted".', "scene": "t"}],
        }
    )
    shown = ""
    for end in range(len(answer) + 1):
        now = readable(answer[:end])
        assert now.startswith(shown[:-1]) or not shown  # grows, at most re-decoding one character
        shown = now
    assert shown == 'Léa\n\nLine one\nand two.\n\nThen é "quoted".'
    assert "scene" not in shown and "{" not in shown
