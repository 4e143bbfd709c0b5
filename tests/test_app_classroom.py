"""A class in the app: a signed-in teacher opens it, two pupils join by code in two browser sessions
without accounts, each sees only their own stories, the teacher sees both, reviews before printing,
resets a link and closes the class."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from core import studio
from core.offline.writer import OfflineWriter
from core.people.access import as_person
from core.people.classes import Classrooms
from core.storage.store import Store
from tests.test_app_flow import _app, _click, _page, _texts
from tests.test_app_spaces import AUTH, library_ids, person, signed_in, start_story


def _value(param) -> str:
    return param[0] if isinstance(param, list) else param


def open_class(at: AppTest, name: str) -> str:
    at.run()
    _page(at, "pages/classroom.py")
    at.text_input(key="classroom_name").set_value(name)
    _click(at, "Open the class")
    codes = [m.group(1) for m in (re.search(r"Class code: `(\w+)`", m.value) for m in at.markdown) if m]
    assert len(codes) == 1, _texts(at)
    assert at.image, "the join QR code is shown"
    return codes[0]


def pupil(code: str, name: str) -> AppTest:
    """A browser with nobody signed in: the sign-in page offers to join a class by code."""
    at = _app()
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception, at.exception
    at.text_input(key="identity_code").set_value(code.lower())
    at.text_input(key="identity_first_name").set_value(name)
    _click(at, "Join the class")
    assert f"**{name}** · pupil in" in "\n".join(m.value for m in at.sidebar.markdown), _texts(at)
    return at


def test_a_teacher_opens_a_class_two_pupils_join_and_each_sees_only_their_own(data_dir, cat_bytes) -> None:
    teacher = signed_in("teacher", "Ms Rossi")
    code = open_class(teacher, "Class 4b")
    mia, tom = pupil(code, "Mia"), pupil(code, "Tom")
    mias, toms = start_story(mia, cat_bytes), start_story(tom, cat_bytes)
    assert library_ids(mia) == {mias} and library_ids(tom) == {toms}
    assert f"library_delete_{mias}" in [b.key for b in mia.button]  # her own: she may delete it
    assert not [b for b in mia.button if b.key and b.key.startswith("library_share")]  # the teacher shares

    tom.query_params["story"] = mias  # Tom tries Mia's story by its link
    tom.switch_page("pages/draft.py").run()
    assert "There is no story at this link" in tom.error[0].value

    assert library_ids(teacher) == {mias, toms}
    _page(teacher, "pages/classroom.py")
    assert "Pupils (2)" in [s.value for s in teacher.subheader]
    assert {e.label for e in teacher.expander} >= {"Mia · 1 story", "Tom · 1 story"}
    assert teacher.get("download_button")  # every story as one ZIP

    # Mia's link in a new browser session brings her back to her stories, no sign-in asked.
    again = _app()
    again.secrets["auth"] = AUTH
    again.user = {"is_logged_in": False}
    again.query_params["space"] = _value(mia.query_params["space"])
    assert library_ids(again) == {mias}


def test_review_before_printing_reset_link_and_close(data_dir, cat_bytes) -> None:
    teacher = signed_in("teacher", "Ms Rossi")
    code = open_class(teacher, "Class 4b")
    mia = pupil(code, "Mia")
    key = _value(mia.query_params["space"])
    room = Classrooms(data_dir).classes_of(person("teacher"))[0]
    seat = Classrooms(data_dir).seat(key)
    store = as_person(Store(data_dir), seat.person, seat.class_id)
    story = studio.start_story(store, cat_bytes, "m.jpg")
    studio.edit_caption(store, story, "A ginger cat.")
    list(studio.write_draft(store, story, OfflineWriter()))

    teacher.toggle(key=f"classroom_review_{room.id}").set_value(True).run()
    assert not teacher.exception and Classrooms(data_dir).get(room.id, person("teacher")).review
    mia.query_params["story"] = story.id
    mia.switch_page("pages/export.py").run()
    assert any("ask them to approve this one" in i.value for i in mia.info), _texts(mia)  # said up front
    _click(mia, "Make the PDF")
    assert any("ask them to approve this one" in e.value for e in mia.error), _texts(mia)

    teacher.button(key=f"classroom_approve_{story.id}").click().run()
    assert not teacher.exception
    _click(mia, "Make the PDF")
    assert any("Download the PDF" == b.label for b in mia.get("download_button")), _texts(mia)

    teacher.button(key=f"classroom_reset_{seat.person.id}").click().run()
    new_link = [c.value for c in teacher.code if "?space=" in c.value]
    assert len(new_link) == 1 and key not in new_link[0]
    mia.run()
    assert any("replaced by your teacher" in e.value for e in mia.error)
    assert not [m for m in mia.sidebar.markdown if "pupil in" in m.value]  # back at the sign-in page

    teacher.checkbox(key=f"classroom_confirm_{room.id}").check().run()
    teacher.button(key=f"classroom_close_{room.id}").click().run()
    assert not teacher.exception and any("This class is closed" in i.value for i in teacher.info)
    back = _app()
    back.secrets["auth"] = AUTH
    back.user = {"is_logged_in": False}
    back.query_params["space"] = new_link[0].split("?space=")[1]
    back.run()
    assert any("class is closed" in e.value for e in back.error)


def test_in_a_password_studio_the_join_link_lets_a_pupil_in_without_the_password(data_dir, cat_bytes) -> None:
    room = Classrooms(data_dir).open_class(person("teacher"), "Class 4b")
    at = _app()
    at.secrets["access_password"] = "open sesame"
    at.query_params["join"] = room.code  # the QR code's link
    at.switch_page("pages/classroom.py").run()
    assert not at.exception, at.exception
    assert at.text_input(key="identity_code").value == room.code
    at.text_input(key="identity_first_name").set_value("Mia")
    _click(at, "Join the class")
    assert [t.value for t in at.title] == ["Classroom"]
    assert any("as **Mia**" in m.value for m in at.markdown), _texts(at)
    _page(at, "pages/photo.py")
    at.file_uploader[0].set_value(("chelsea.jpg", cat_bytes, "image/jpeg")).run()
    _click(at, "Start a story with this photo")
    mine = at.session_state["story_id"]
    seat = Classrooms(data_dir).seat(_value(at.query_params["space"]))
    assert Store(data_dir).access(mine).space == room.id and seat.person.name == "Mia"

    plain = _app()  # the studio's address without the join link: only the password
    plain.secrets["access_password"] = "open sesame"
    plain.run()
    assert [t.label for t in plain.text_input] == ["Password"]


def test_the_teacher_sees_what_each_pupil_did_takes_one_out_and_reopens_the_class(data_dir, cat_bytes) -> None:
    teacher = signed_in("teacher", "Ms Rossi")
    code = open_class(teacher, "Class 4b")
    mia, tom = pupil(code, "Mia"), pupil(code, "Tom")
    room = Classrooms(data_dir).classes_of(person("teacher"))[0]
    seat = Classrooms(data_dir).seat(_value(mia.query_params["space"]))
    store = as_person(Store(data_dir), seat.person, seat.class_id)
    story = studio.start_story(store, cat_bytes, "m.jpg")
    studio.edit_caption(store, story, "A ginger cat.")
    list(studio.write_draft(store, story, OfflineWriter()))

    teacher.run()
    tables = [d.value for d in teacher.dataframe if "Story" in d.value.columns]
    assert len(tables) == 1  # Mia's: Tom did nothing yet
    history = tables[0]
    assert list(history["Story"].unique()) == [story.draft.title]
    assert {"photo", "caption", "draft"} <= set(history["Step"]) and "Mia" in set(history["Who"])

    teacher.checkbox(key=f"classroom_remove_sure_{seat.person.id}").check().run()
    teacher.button(key=f"classroom_remove_{seat.person.id}").click().run()
    assert not teacher.exception
    assert any("Mia (no longer in the class)" in e.label for e in teacher.expander), _texts(teacher)
    mia.run()
    assert any("taken this link out of the class" in e.value for e in mia.error), _texts(mia)
    tom.run()
    assert any("pupil in Class 4b" in m.value for m in tom.sidebar.markdown)

    teacher.checkbox(key=f"classroom_confirm_{room.id}").check().run()
    teacher.button(key=f"classroom_close_{room.id}").click().run()
    _click(teacher, "Reopen the class (with a new code; pupils' links work again)")
    reopened = Classrooms(data_dir).get(room.id, person("teacher"))
    assert reopened.open and reopened.code != code
    assert any(f"Class code: `{reopened.code}`" in m.value for m in teacher.markdown)
    tom.run()
    assert not tom.error and any("pupil in Class 4b" in m.value for m in tom.sidebar.markdown)
