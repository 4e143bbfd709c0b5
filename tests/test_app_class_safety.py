"""Strict safety in a class, in the app: a pupil's switch is off limits, a stopped caption is explained
kindly on the pupil's page, and the teacher's Classroom page lists what was stopped, in full."""

from __future__ import annotations

from core import studio
from core.people.access import as_person
from core.people.classes import Classrooms
from core.people.spaces import Person
from core.storage.store import Store
from tests.doubles import ScriptedWriter, story_of
from tests.test_app_classroom import open_class, pupil
from tests.test_app_flow import _click, _page, _texts
from tests.test_app_spaces import person, signed_in, start_story


def test_a_pupil_is_told_kindly_and_the_teacher_sees_it_all(data_dir, cat_bytes) -> None:
    teacher = signed_in("teacher", "Ms Rossi")
    code = open_class(teacher, "Class 4b")
    mia = pupil(code, "Mia")

    _page(mia, "pages/settings.py")
    switch = mia.toggle(key="settings_safety")
    assert switch.value is True and switch.disabled  # always on in her class
    assert "always on in your class" in _texts(mia)

    _page(mia, "pages/photo.py")
    start_story(mia, cat_bytes)
    _page(mia, "pages/caption.py")
    _click(mia, "Describe the photo")  # the offline vision's caption passes
    mia.text_area[0].set_value("A cat and a f**k dog").run()
    _click(mia, "Save my caption")
    assert [e.value for e in mia.error] == [
        "“f**k” is not a word we use in class books. Try different words and have another go; your teacher can help."
    ]

    _page(teacher, "pages/classroom.py")
    assert "Mia · 1 story · 1 stopped by the safety check" in {e.label for e in teacher.expander}
    (table,) = [d for d in teacher.dataframe if "Why" in d.value.columns]  # beside the pupils' history
    row = table.value.iloc[0]
    assert (row["For"], row["Text"]) == ("caption", "A cat and a f**k dog")
    assert row["Why"] == 'the word "f**k" is on the classroom list'


def test_an_earlier_pdf_waits_for_the_teachers_approval_too(data_dir, cat_bytes) -> None:
    """Printing locked until the teacher approves holds for every way out: a PDF made before the
    class asked for review is not handed out on the Export page either."""
    teacher = signed_in("teacher", "Ms Rossi")
    code = open_class(teacher, "Class 4b")
    mia = pupil(code, "Mia")
    classes = Classrooms(data_dir)
    room = classes.classes_of(person("teacher"))[0]
    seat_store = as_person(Store(data_dir), Person(id=room.pupils[0].id), room.id)
    story = studio.start_story(seat_store, cat_bytes, "cat.jpg")
    studio.edit_caption(seat_store, story, "A ginger cat.")
    list(studio.write_draft(seat_store, story, ScriptedWriter(story_of("Cat", "One cat."))))
    list(studio.export_pdf(seat_store, story))  # before review was asked for

    mia.query_params["story"] = story.id
    _page(mia, "pages/export.py")
    assert [b.label for b in mia.get("download_button")] == ["Download the PDF"]
    classes.set_review(room.id, person("teacher"), True)
    _page(mia, "pages/export.py")
    assert not mia.get("download_button") and "ask them to approve this one" in mia.info[0].value
    classes.approve(room.id, person("teacher"), story.id)
    _page(mia, "pages/export.py")
    assert [b.label for b in mia.get("download_button")] == ["Download the PDF"]
