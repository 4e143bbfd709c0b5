"""Classes with pupils who have no account: join by code, a private link per pupil, a teacher who
resets links, reviews before printing and closes the class with one ZIP of everything."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from pypdf import PdfReader

from core import studio
from core.errors import InputError
from core.people.access import as_person
from core.people.classes import CODE_ALPHABET, CODE_LENGTH, NO_SUCH_CODE, Classrooms, JoinThrottle
from core.people.spaces import Level, Person
from core.storage.store import Store, StoryNotFound
from core.story import Story
from tests.doubles import ScriptedWriter, SolidIllustrator, story_of

TEACHER = Person(id="oidc:https://id.example:teacher", name="Ms Rossi")
OTHER_TEACHER = Person(id="oidc:https://id.example:other", name="Mr Obi")


@pytest.fixture
def classes(store: Store) -> Classrooms:
    return Classrooms(store.root)


def drafted(store, seat_store, cat_bytes, title: str):
    story = studio.start_story(seat_store, cat_bytes, f"{title}.jpg")
    studio.edit_caption(seat_store, story, "A ginger cat on a red rug.")
    list(studio.write_draft(seat_store, story, ScriptedWriter(story_of(title, "One cat.", "Two cats."))))
    list(studio.illustrate(seat_store, story, SolidIllustrator()))
    return story


def test_a_class_code_is_short_unambiguous_and_opens_only_its_class(classes: Classrooms) -> None:
    room = classes.open_class(TEACHER, "Class 4b")
    other = classes.open_class(OTHER_TEACHER, "Class 5a")
    assert len(room.code) == CODE_LENGTH and set(room.code) <= set(CODE_ALPHABET)
    assert not set("0O1IL") & set(CODE_ALPHABET) and room.code != other.code
    seat, key = classes.join(f" {room.code[:3].lower()}-{room.code[3:]} ", "  Mia ")  # as typed on a tablet
    assert (seat.class_id, seat.class_name, seat.person.name) == (room.id, "Class 4b", "Mia")
    assert len(key) == 32 and int(key, 16) >= 0  # 128 bits, hex: the `?space=` of the pupil's link
    assert classes.seat(key) == seat
    assert key not in (classes.folder / f"{room.id}.json").read_text()  # only its hash is kept
    with pytest.raises(InputError, match="There is no open class"):
        classes.join("ABCDEF" if room.code != "ABCDEF" else "ABCDEG", "Tom")
    with pytest.raises(InputError, match="6 letters"):
        classes.join("K7PX", "Tom")
    for bad in ("", "mia@school.org", "Mia Rossi Bianchi Verdi Neri Gialli", "<b>x</b>"):
        with pytest.raises(InputError):
            classes.join(room.code, bad)
    assert classes.seat("0" * 32) is None  # not a pupil's link: a password-only studio's own space


def test_pupils_edit_their_own_see_nothing_else_and_the_teacher_sees_all(store, classes, cat_bytes) -> None:
    room = classes.open_class(TEACHER, "Class 4b")
    mia, _ = classes.join(room.code, "Mia")
    tom, _ = classes.join(room.code, "Tom")
    mias = studio.start_story(as_person(store, mia.person, mia.class_id), cat_bytes, "m.jpg")
    toms = studio.start_story(as_person(store, tom.person, tom.class_id), cat_bytes, "t.jpg")
    assert [s.id for s in as_person(store, mia.person, mia.class_id).list()] == [mias.id]
    assert [s.id for s in as_person(store, tom.person, tom.class_id).list()] == [toms.id]
    with pytest.raises(StoryNotFound):
        as_person(store, mia.person, mia.class_id).load(toms.id)
    with pytest.raises(InputError, match="your teacher decides"):
        as_person(store, mia.person, mia.class_id).share(mias.id, tom.person.id, "view")
    with pytest.raises(StoryNotFound):  # someone else's story: not even told that rule
        as_person(store, mia.person, mia.class_id).share(toms.id, None, "view")
    teacher = as_person(store, TEACHER)
    teacher.share(toms.id, None, "view")  # the teacher shares Tom's story with the class
    assert {s.id for s in as_person(store, mia.person, mia.class_id).list()} == {mias.id, toms.id}
    assert as_person(store, mia.person, mia.class_id).level(toms.id) == Level.VIEW
    teacher.revoke(toms.id, None)
    assert {s.id for s in teacher.list()} == {mias.id, toms.id}
    assert teacher.level(mias.id) >= Level.VIEW
    owners = {pupil.name if pupil else None for pupil, _ in classes.stories(room.id, teacher)}
    assert owners == {"Mia", "Tom"}
    with pytest.raises(InputError, match="no such class"):
        classes.get(room.id, OTHER_TEACHER)


def test_a_reset_link_stops_the_old_key_and_keeps_the_pupils_stories(store, classes, cat_bytes) -> None:
    room = classes.open_class(TEACHER, "Class 4b")
    mia, old = classes.join(room.code, "Mia")
    story = studio.start_story(as_person(store, mia.person, mia.class_id), cat_bytes, "m.jpg")
    with pytest.raises(InputError, match="no such class"):
        classes.reset_link(room.id, OTHER_TEACHER, mia.person.id)
    new = classes.reset_link(room.id, TEACHER, mia.person.id)
    assert new != old
    with pytest.raises(InputError, match="replaced by your teacher"):
        classes.seat(old)
    again = classes.seat(new)
    assert again.person.id == mia.person.id
    assert [s.id for s in as_person(store, again.person, again.class_id).list()] == [story.id]


def test_printing_waits_for_the_teachers_approval_when_the_class_reviews(store, classes, cat_bytes) -> None:
    room = classes.open_class(TEACHER, "Class 4b")
    mia, _ = classes.join(room.code, "Mia")
    pupil = as_person(store, mia.person, mia.class_id)
    story = drafted(store, pupil, cat_bytes, "Cat")
    list(studio.export_pdf(pupil, story))  # no review asked: prints at once
    classes.set_review(room.id, TEACHER, True)
    story = pupil.load(story.id)
    with pytest.raises(InputError, match="ask them to approve this one"):
        list(studio.export_pdf(pupil, story))
    with pytest.raises(InputError, match="approve"):
        pupil.put_export(story.id, "abc123", b"%PDF")  # the store itself refuses, not just the step
    assert len(pupil.load(story.id).exports) == 1
    list(studio.export_pdf(as_person(store, TEACHER), as_person(store, TEACHER).load(story.id)))  # teacher prints
    with pytest.raises(InputError, match="no such class"):
        classes.approve(room.id, OTHER_TEACHER, story.id)
    classes.approve(room.id, TEACHER, story.id)
    story = pupil.load(story.id)
    list(studio.export_pdf(pupil, story))
    assert len(pupil.load(story.id).exports) == 3
    classes.approve(room.id, TEACHER, story.id, approved=False)
    with pytest.raises(InputError, match="approve"):
        list(studio.export_pdf(pupil, pupil.load(story.id)))


def test_closing_stops_code_and_links_and_the_zip_holds_every_story(store, classes, cat_bytes) -> None:
    room = classes.open_class(TEACHER, "Class 4b")
    mia, mia_key = classes.join(room.code, "Mia")
    tom, tom_key = classes.join(room.code, "Tom")
    drafted(store, as_person(store, mia.person, mia.class_id), cat_bytes, "Mia's cat")
    exported = drafted(store, as_person(store, tom.person, tom.class_id), cat_bytes, "Tom's cat")
    list(studio.export_pdf(as_person(store, tom.person, tom.class_id), exported))
    studio.start_story(as_person(store, tom.person, tom.class_id), cat_bytes, "photo-only.jpg")  # no draft
    studio.start_story(as_person(store, TEACHER), cat_bytes, "not-in-the-class.jpg")
    with pytest.raises(InputError, match="no such class"):
        classes.close(room.id, OTHER_TEACHER)
    classes.close(room.id, TEACHER)
    for key in (mia_key, tom_key):
        with pytest.raises(InputError, match="class is closed"):
            classes.seat(key)
    with pytest.raises(InputError, match=NO_SUCH_CODE):
        classes.join(room.code, "Eve")
    assert not classes.get(room.id, TEACHER).open

    data = studio.class_archive(classes, room.id, as_person(store, TEACHER))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        index = json.loads(archive.read("class.json"))
        assert index["class"] == "Class 4b" and len(index["stories"]) == 3
        pdfs = sorted(n for n in names if n.endswith(".pdf"))
        jsons = sorted(n for n in names if n.endswith(".json") and n != "class.json")
        assert len(jsons) == 3 and len(pdfs) == 2  # the photo-only story has no draft to print
        assert {n.split("/")[0].split("-")[0] for n in jsons} == {"Mia", "Tom"}
        for name in pdfs:
            assert (
                len(PdfReader(io.BytesIO(archive.read(name))).pages) == 3
            )  # the title (credits at its foot) and 2 pages
        tom_pdf = next(n for n in pdfs if n.startswith("Tom"))
        assert archive.read(tom_pdf) == store.export_path(exported.id, exported.exports[-1].token).read_bytes()
        titles = {Story.model_validate_json(archive.read(n)).title for n in jsons}
        assert {"Mia's cat", "Tom's cat"} <= titles
    with pytest.raises(InputError, match="no such class"):
        studio.class_archive(classes, room.id, as_person(store, OTHER_TEACHER))


def test_only_a_shared_studios_person_opens_a_class(classes: Classrooms) -> None:
    with pytest.raises(InputError, match="shared studio"):
        classes.open_class(Person.personal(), "Class 4b")
    room = classes.open_class(TEACHER, "Class 4b")
    mia, _ = classes.join(room.code, "Mia")
    with pytest.raises(InputError, match="pupil cannot"):
        classes.open_class(mia.person, "My own class")
    with pytest.raises(InputError, match="name"):
        classes.open_class(TEACHER, "   ")


def test_two_pupils_joining_at_once_are_both_on_the_roster(store, classes) -> None:
    from concurrent.futures import ThreadPoolExecutor

    room = classes.open_class(TEACHER, "Class 4b")
    names = ["Ada", "Ben", "Cy", "Dee", "Eli", "Fay", "Gus", "Hal"]
    with ThreadPoolExecutor(8) as pool:
        seats = list(pool.map(lambda n: classes.join(room.code, n)[0], names))
    roster = classes.get(room.id, TEACHER)
    assert sorted(p.name for p in roster.pupils) == names
    space = classes.spaces.get(room.id)
    assert all(space.role(seat.person.id) == "editor" for seat in seats)


def test_a_session_that_keeps_guessing_codes_is_refused_by_the_join_page(data_dir) -> None:
    """Through the join page itself (AppTest): after a few wrong codes it refuses every code,
    the right one too, until the wait is over; the pupil is never let in meanwhile."""
    from tests.test_app_flow import _click, _texts

    room = Classrooms(data_dir).open_class(TEACHER, "Class 4b")
    at = None
    wrong = "".join(reversed(room.code))
    if wrong == room.code:
        wrong = room.code[1:] + room.code[0]
    tries = 0
    while tries < 20:
        tries += 1
        at = at or _signin_page(data_dir)
        at.text_input(key="identity_code").set_value(wrong)
        at.text_input(key="identity_first_name").set_value("Mallory")
        _click(at, "Join the class")
        errors = [e.value for e in at.error]
        assert errors and not at.exception, _texts(at)
        if errors[0].startswith("Too many wrong codes"):
            break
    assert errors[0].startswith("Too many wrong codes") and tries <= 10, (tries, errors)
    at.text_input(key="identity_code").set_value(room.code)  # the right code now: still refused
    _click(at, "Join the class")
    assert [e.value for e in at.error][0].startswith("Too many wrong codes")
    assert "pupil in" not in "\n".join(m.value for m in at.sidebar.markdown)
    assert Classrooms(data_dir).get(room.id, TEACHER).pupils == []


def _signin_page(data_dir):
    from tests.test_app_flow import _app
    from tests.test_app_spaces import AUTH

    at = _app()
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    return at


class Clock:
    def __init__(self) -> None:
        self.at = 1000.0

    def __call__(self) -> float:
        return self.at


def test_an_address_that_keeps_guessing_codes_is_slowed_down_whatever_session_it_uses(data_dir) -> None:
    """The throttle is kept in the data folder per client address: a new session (a reload), another
    process or replica, counts on from where the last one stopped; another address is not slowed."""
    clock = Clock()

    def replica() -> JoinThrottle:  # each ask as a fresh session or another studio process would
        return JoinThrottle(data_dir, allowed=3, wait=60, clock=clock)

    for _ in range(3):
        replica().check("203.0.113.7")
        replica().failed("203.0.113.7")
        clock.at += 1
    with pytest.raises(InputError, match="Too many wrong codes: wait 59 seconds"):
        replica().check("203.0.113.7")
    replica().check("198.51.100.2")  # somebody else's address
    clock.at += 60  # a minute later: one more try
    replica().check("203.0.113.7")
    replica().failed("203.0.113.7")
    with pytest.raises(InputError, match="Too many"):
        replica().check("203.0.113.7")
    replica().succeeded("203.0.113.7")
    replica().check("203.0.113.7")
    assert not any("203.0.113.7" in p.read_text() for p in (data_dir / "classes" / "throttle").glob("*"))


def test_wrong_codes_to_join_are_counted_per_address_and_a_right_one_clears_them(classes: Classrooms) -> None:
    room = classes.open_class(TEACHER, "Class 4b")
    wrong = next(c * CODE_LENGTH for c in CODE_ALPHABET if c * CODE_LENGTH != room.code)
    for _ in range(5):
        with pytest.raises(InputError, match=NO_SUCH_CODE):
            classes.join(wrong, "Mia", address="203.0.113.7")
    with pytest.raises(InputError, match="Too many wrong codes"):
        classes.join(room.code, "Mia", address="203.0.113.7")  # even the right code waits
    seat, _ = classes.join(room.code, "Tom", address="198.51.100.2")
    assert seat.class_name == "Class 4b"


def test_a_class_takes_a_lessons_worth_of_joins_an_hour(classes: Classrooms, monkeypatch) -> None:
    import core.people.classes as classes_module

    monkeypatch.setattr(classes_module, "CLASS_JOINS_PER_HOUR", 3)
    room = classes.open_class(TEACHER, "Class 4b")
    for n in range(3):
        classes.join(room.code, "Mia", address=f"203.0.113.{n}")
    with pytest.raises(InputError, match="Many pupils joined this class in the last hour"):
        classes.join(room.code, "Tom", address="203.0.113.99")
    assert len(classes.get(room.id, TEACHER).pupils) == 3


def test_a_removed_pupils_link_stops_and_their_stories_stay_with_the_teacher(store, classes, cat_bytes) -> None:
    room = classes.open_class(TEACHER, "Class 4b")
    mia, mia_key = classes.join(room.code, "Mia")
    tom, tom_key = classes.join(room.code, "Tom")
    story = studio.start_story(as_person(store, mia.person, mia.class_id), cat_bytes, "m.jpg")
    with pytest.raises(InputError, match="no such class"):
        classes.remove_pupil(room.id, OTHER_TEACHER, mia.person.id)

    room = classes.remove_pupil(room.id, TEACHER, mia.person.id)
    assert [p.name for p in room.pupils] == ["Tom"] and [p.name for p in room.former] == ["Mia"]
    with pytest.raises(InputError, match="taken this link out of the class"):
        classes.seat(mia_key)
    assert classes.seat(tom_key).person.id == tom.person.id
    with pytest.raises(InputError):  # no longer an editor of the class space
        as_person(store, mia.person, mia.class_id).create()
    teacher = as_person(store, TEACHER)
    assert teacher.level(story.id) == Level.OWN
    assert [(p.name if p else None, s.id) for p, s in classes.stories(room.id, teacher)] == [("Mia", story.id)]
    with pytest.raises(InputError, match="no such pupil"):
        classes.remove_pupil(room.id, TEACHER, mia.person.id)


def test_a_reopened_class_has_a_new_code_and_its_pupils_links_work_again(store, classes) -> None:
    room = classes.open_class(TEACHER, "Class 4b")
    mia, mia_key = classes.join(room.code, "Mia")
    tom, old_tom_key = classes.join(room.code, "Tom")
    tom_key = classes.reset_link(room.id, TEACHER, tom.person.id)
    classes.close(room.id, TEACHER)
    with pytest.raises(InputError, match="class is closed"):
        classes.seat(mia_key)

    reopened = classes.reopen(room.id, TEACHER)
    assert reopened.open and reopened.code != room.code
    assert classes.seat(mia_key).person.id == mia.person.id
    assert classes.seat(tom_key).person.id == tom.person.id
    with pytest.raises(InputError, match="replaced by your teacher"):  # a reset link stays dead
        classes.seat(old_tom_key)
    with pytest.raises(InputError, match=NO_SUCH_CODE):
        classes.join(room.code, "Eve")
    eve, _ = classes.join(reopened.code, "Eve")
    assert eve.class_id == room.id
