"""Reading levels: the three scorers on hand-counted texts, the bands, and "fit the level"."""

from __future__ import annotations

import math
import typing

import pytest

from core import studio
from core.errors import InputError
from core.offline.writer import OfflineWriter
from core.people.access import as_person
from core.providers.base import Brief
from core.reading.familiar_words import dale_chall_list, familiar, spache_list
from core.reading.fit_level import fit_texts, fit_with_writer
from core.reading.levels import LEVEL_KEYS, LEVELS, level_of, measure_pages
from core.reading.readability import dale_chall_grades, dale_chall_score, flesch_kincaid_grade, names_in, spache_grade
from core.story import ReadingLevel
from tests.doubles import ScriptedWriter, story_of

CAT = "A ginger tabby cat with green eyes lying on a blanket in the living room."
# 11 words in 3 sentences; "tabby" (twice) and "lantern" are on neither familiar list
HAND = "The tabby cat sat. It saw a lantern. The tabby ran."


def test_flesch_kincaid_on_a_hand_counted_text() -> None:
    # 9 words, 2 sentences, 9 syllables: 0.39 * 4.5 + 11.8 * 1 - 15.59
    assert flesch_kincaid_grade("The cat sat on the mat. The dog ran.") == pytest.approx(-2.035)


def test_the_hand_counted_words_are_where_the_count_says() -> None:
    for word in ("the", "cat", "sat", "it", "saw", "a", "ran"):
        assert familiar(word, spache_list()) and familiar(word, dale_chall_list())
    for word in ("tabby", "lantern"):
        assert not familiar(word, spache_list()) and not familiar(word, dale_chall_list())
    assert familiar("jumped", spache_list()) and familiar("kittens", spache_list())  # inflections


def test_spache_on_a_hand_counted_text() -> None:
    # unique unfamiliar words: tabby, lantern = 2 of 11 (18.18 %); 11 / 3 words a sentence
    expected = 0.121 * 11 / 3 + 0.082 * 100 * 2 / 11 + 0.659
    assert spache_grade(HAND) == pytest.approx(expected)
    assert spache_grade(HAND) == pytest.approx(2.594, abs=0.001)


def test_dale_chall_on_a_hand_counted_text() -> None:
    # difficult words, each time: tabby, lantern, tabby = 3 of 11 (27.27 %, over 5 %: + 3.6365)
    expected = 0.1579 * 100 * 3 / 11 + 0.0496 * 11 / 3 + 3.6365
    assert dale_chall_score(HAND) == pytest.approx(expected)
    assert dale_chall_grades(dale_chall_score(HAND)) == "11–12"  # 8.12
    assert dale_chall_score("The cat sat. The dog ran.") == pytest.approx(0.0496 * 3)  # no difficult word
    assert dale_chall_grades(0.1) == "4 and below" and dale_chall_grades(9.5) == "college"


def test_names_are_familiar_words() -> None:
    assert names_in("Then Tabby saw Lantern. Pip ran.") == {"Tabby", "Lantern"}
    assert spache_grade("Pip saw Tabby.", names={"Pip"}) == pytest.approx(0.121 * 3 + 0.659)
    assert spache_grade("Pip saw Tabby.") == pytest.approx(0.121 * 3 + 0.082 * 100 / 3 + 0.659)  # "pip" is rare
    assert spache_grade("Tabby ran.", names={"Tabby"}) == pytest.approx(0.121 * 2 + 0.659)


def test_levels_and_their_bands() -> None:
    assert LEVEL_KEYS == typing.get_args(ReadingLevel)  # the story setting names the same levels
    assert level_of("grade-3-4") is LEVELS["grade-3-4"] and level_of("Grades 3–4") is LEVELS["grade-3-4"]
    with pytest.raises(InputError, match="grade-1-2"):
        level_of("grade 9")
    early, adult = LEVELS["early"], LEVELS["adult"]
    assert early.scorer == "Spache" and early.band() == "Spache below 2.5"
    assert adult.band() == "Flesch-Kincaid 7.0 and above" and adult.high == math.inf
    assert LEVELS["grade-5-6"].holds(5.0) and not LEVELS["grade-5-6"].holds(7.0)
    page = measure_pages([HAND], LEVELS["grade-1-2"])[0]
    assert not page.in_band and "out of band" in page.summary() and "band 1.0–3.0" in page.summary()


@pytest.mark.parametrize("key", ["early", "grade-5-6"])
def test_fit_rewrites_only_the_out_of_band_pages(key: str) -> None:
    level = LEVELS[key]
    brief = Brief(CAT, 5, level.audience, "adventure", "warm", seed=4)
    texts = [p.text for p in OfflineWriter().write(brief).pages]
    before = measure_pages(texts, level)
    fitted = fit_texts(texts, level, brief)
    after = measure_pages(fitted, level)
    assert sum(m.in_band for m in before) < len(texts)  # something to fit
    assert all(m.in_band for m in after)
    for old, new, measured in zip(texts, fitted, before):
        if measured.in_band:
            assert new == old
    sentences = [s for text in fitted for s in text.split(". ")]
    assert len(sentences) == len(set(sentences))  # nothing told twice


def test_a_persons_page_is_reworked_from_its_own_sentences() -> None:
    page = (
        "The extraordinary lighthouse keeper, who had discovered the enormous telescope, travelled "
        "immediately across the magnificent harbour, and nobody understood why."
    )
    fitted = fit_texts([page], LEVELS["grade-3-4"])
    assert fitted != [page] and "lighthouse keeper" in fitted[0]


def test_a_model_is_asked_for_the_level_and_measured_and_asked_once_more() -> None:
    hard = "The extraordinary, magnificent lighthouse keeper contemplated the incomprehensible phenomenon."
    easy = "Pip ran to the big red box. Pip saw a cat. The cat sat on the mat. Pip was glad."
    story = story_of("T", easy, hard)
    writer = ScriptedWriter(story_of("T", easy, hard + " Indeed."), story_of("T", easy, easy.replace("Pip", "Bo")))
    gen = fit_with_writer(writer, Brief(CAT, 2, "young children", "adventure", "warm"), story, LEVELS["early"])
    try:
        while True:
            next(gen)
    except StopIteration as done:
        result = done.value
    assert [p.text for p in result.pages] == [easy, easy.replace("Pip", "Bo")]
    first, second = writer.asked[0][2], writer.asked[1][2]
    assert "page(s) 2" in first and "Early reader" in first and "Spache below 2.5" in first
    assert "still measured outside" in second


def test_the_studio_step_keeps_a_new_draft_and_the_pictures(store, cat_bytes) -> None:
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, CAT)
    studio.update_settings(store, story, seed=4, audience="older children", pages=4)
    list(studio.write_draft(store, story, OfflineWriter()))
    first = story.draft
    events = list(studio.fit_level(store, story, OfflineWriter(), "grade-5-6"))
    fitted = store.load(story.id).draft
    assert fitted.parent == first.id and fitted.instruction == "fit the level: Grades 5–6"
    assert [p.id for p in fitted.pages] == [p.id for p in first.pages]  # pictures stay with their pages
    assert fitted.plan == first.plan and fitted.plan["hero"]
    assert store.load(story.id).settings.reading_level == "grade-5-6"
    assert any("pages read at 'Grades 5–6'" in getattr(e, "label", "") for e in events)
    again = list(studio.fit_level(store, story, OfflineWriter()))
    assert len(store.load(story.id).drafts) == 2 and "nothing to change" in again[-1].text


def test_the_step_needs_a_level(store, cat_bytes) -> None:
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, CAT)
    list(studio.write_draft(store, story, OfflineWriter()))
    with pytest.raises(InputError, match="Pick a reading level"):
        list(studio.fit_level(store, story, OfflineWriter()))


def test_a_class_sets_the_reading_level_its_new_stories_start_at(store, cat_bytes) -> None:
    from core.people.classes import Classrooms
    from core.people.spaces import Person

    teacher = Person(id="oidc:https://id.example:teacher", name="Ms Rossi")
    classes = Classrooms(store.root)
    room = classes.open_class(teacher, "Class 2a")
    assert studio.set_class_reading_level(classes, room.id, teacher, "Grades 1–2").reading_level == "grade-1-2"
    with pytest.raises(InputError):
        studio.set_class_reading_level(classes, room.id, Person(id="oidc:https://id.example:other"), "adult")
    seat, _ = classes.join(room.code, "Mia")
    pupil_store = as_person(store, seat.person, space_id=seat.class_id)
    assert studio.start_story(pupil_store, cat_bytes, "a.jpg").settings.reading_level == "grade-1-2"
    assert studio.start_story(store, cat_bytes, "b.jpg").settings.reading_level is None  # not in the class
