"""Limits per space: stories held, pictures per hour, remote requests per day; refused before any
work starts, with a message naming the limit and when it resets; counted per space, across
threads and processes; never lifted by a browser session's own settings."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from core import studio
from core.people.access import as_person
from core.people.limits import LimitReached, Limits, Quota
from core.people.spaces import Person
from core.settings import load_settings
from core.storage.store import Store
from tests.doubles import ScriptedVision, ScriptedWriter, SolidIllustrator, story_of

ADA = Person(id="oidc:https://id.example:ada", name="Ada")
BEN = Person(id="oidc:https://id.example:ben", name="Ben")


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 30, 11, 40, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at


def test_pictures_past_the_hourly_limit_are_refused_whole_and_counted_again_next_hour(data_dir) -> None:
    clock = Clock()
    quota = Quota(data_dir, Limits(pictures_per_hour=5), clock)
    space = "a" * 32
    quota.take(space, pictures=3)
    with pytest.raises(LimitReached) as refused:
        quota.take(space, pictures=3)
    message = str(refused.value)
    assert "limit_pictures_per_hour" in message and "2 left" in message and "12:00 UTC" in message
    quota.take(space, pictures=2)  # the refusal counted nothing
    with pytest.raises(LimitReached):
        quota.take(space, pictures=1)
    quota.take("b" * 32, pictures=5)  # another space has its own count
    clock.at += timedelta(minutes=20)  # 12:00: a new hour
    quota.take(space, pictures=5)


def test_remote_requests_reset_at_midnight_and_the_message_says_so(data_dir) -> None:
    clock = Clock()
    quota = Quota(data_dir, Limits(remote_calls_per_day=2), clock)
    quota.take("personal", remote_calls=2)
    with pytest.raises(LimitReached, match="limit_remote_calls_per_day.*midnight UTC"):
        quota.take("personal", remote_calls=1)
    quota.take("personal", pictures=100)  # no picture limit set: pictures are not refused
    clock.at += timedelta(hours=13)
    quota.take("personal", remote_calls=2)


def test_threads_with_their_own_quota_objects_never_count_past_the_limit(data_dir) -> None:
    granted, refused = [], []

    def worker() -> None:
        quota = Quota(data_dir, Limits(pictures_per_hour=20))  # as another process would: its own files
        for _ in range(5):
            try:
                quota.take("c" * 32, pictures=1)
                granted.append(1)
            except LimitReached:
                refused.append(1)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (len(granted), len(refused)) == (20, 20)


def test_a_space_holds_at_most_its_limit_of_stories_and_deleting_makes_room(data_dir, cat_bytes) -> None:
    ada = as_person(Store(data_dir), ADA, limits=Limits(stories_per_space=2))
    first = studio.start_story(ada, cat_bytes, "one.jpg")
    studio.start_story(ada, cat_bytes, "two.jpg")
    with pytest.raises(LimitReached, match="holds 2 stories.*limit_stories_per_space"):
        studio.start_story(ada, cat_bytes, "three.jpg")
    with pytest.raises(LimitReached):
        studio.duplicate_story(ada, first.id)
    assert len(ada.list()) == 2  # nothing half-made
    ben = as_person(Store(data_dir), BEN, limits=Limits(stories_per_space=2))
    studio.start_story(ben, cat_bytes, "bens.jpg")  # Ben's space is his own
    studio.delete_story(ada, first.id)
    studio.start_story(ada, cat_bytes, "three.jpg")


def test_illustrating_past_the_hourly_limit_draws_nothing(data_dir, cat_bytes) -> None:
    ada = as_person(Store(data_dir), ADA, limits=Limits(pictures_per_hour=3))
    story = studio.start_story(ada, cat_bytes, "cat.jpg")
    studio.edit_caption(ada, story, "A cat.")
    list(studio.write_draft(ada, story, ScriptedWriter(story_of("Cat", "One.", "Two."))))
    illustrator = SolidIllustrator()
    list(studio.illustrate(ada, story, illustrator))
    revision = story.revision
    with pytest.raises(LimitReached, match="1 left; this asks for 2"):
        list(studio.illustrate(ada, story, illustrator))
    assert len(illustrator.jobs) == 2 and ada.load(story.id).revision == revision
    list(studio.illustrate(ada, story, illustrator, page_ids=[story.draft.pages[0].id]))  # one still fits


def test_only_remote_engines_count_as_remote_requests(data_dir, cat_bytes) -> None:
    ada = as_person(Store(data_dir), ADA, limits=Limits(remote_calls_per_day=1))
    story = studio.start_story(ada, cat_bytes, "cat.jpg")
    for _ in range(3):
        list(studio.caption(ada, story, ScriptedVision(["A cat."])))  # not a remote engine
    remote = ScriptedVision(["A cat."])
    remote.engine = "remote"
    list(studio.caption(ada, story, remote))
    with pytest.raises(LimitReached):
        list(studio.caption(ada, story, remote))
    assert remote.asked == [("describe", remote.asked[0][1])]  # the server was asked once


def test_limits_come_from_the_operator_and_a_session_cannot_lift_them() -> None:
    env = {"VISUTALE_LIMIT_PICTURES_PER_HOUR": "30"}
    settings = load_settings(
        env=env, secrets={"limit_stories_per_space": 5}, overrides={"limit_pictures_per_hour": 1000}
    )
    limits = Limits.from_settings(settings)
    assert (limits.stories_per_space, limits.pictures_per_hour, limits.remote_calls_per_day) == (5, 30, None)


def test_what_a_space_has_used_is_said_against_each_limit_and_windows_roll_over(data_dir) -> None:
    clock = Clock()
    quota = Quota(data_dir, Limits(stories_per_space=20, pictures_per_hour=50, remote_calls_per_day=100), clock)
    space = "a" * 32
    assert quota.describe(space, lambda: 3) == [
        "3 of 20 stories",
        "0 of 50 pictures this hour",
        "0 of 100 remote requests today",
    ]
    quota.take(space, pictures=12, remote_calls=4)
    assert quota.usage(space) == (12, 4)
    assert quota.usage("b" * 32) == (0, 0)
    clock.at += timedelta(minutes=20)  # a new hour, the same day
    assert quota.usage(space) == (0, 4)
    assert Quota(data_dir, Limits(), clock).describe(space, lambda: 3) == []  # no limits: nothing to say


def test_with_the_remote_limit_used_up_a_classroom_export_sends_no_request(data_dir, tmp_path, monkeypatch) -> None:
    """Words to know, questions and the answer key were asked of the remote writer without being
    counted: three exports sent nine requests past the limit. Counted where they are sent, none goes."""
    from core.cli import main
    from core.people.spaces import PERSONAL
    from tests.conftest import SAMPLES
    from tests.fake_servers import FakeOpenAI

    common = ["--data-dir", str(data_dir)]
    out = tmp_path / "book"
    photo = str(SAMPLES / "chelsea.jpg")
    assert (
        main(["make", photo, "--out", str(out), "--pages", "2", "--size", "128", "--caption", "A cat.", *common]) == 0
    )
    story_id = next(iter(Store(data_dir).list())).id
    with FakeOpenAI() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-limits")
        monkeypatch.setenv("VISUTALE_LIMIT_REMOTE_CALLS_PER_DAY", "3")
        export = ["export", story_id, "--classroom", "--writer", "remote", "--answer-key", str(tmp_path / "key.txt")]
        assert main([*export, *common]) == 0  # within the limit: asked, and every request counted
        asked = len(server.requests)
        assert asked >= 2 and Quota(data_dir, Limits(remote_calls_per_day=3)).usage(PERSONAL)[1] == min(asked, 3)
        Quota(data_dir, Limits(remote_calls_per_day=3)).take(PERSONAL, remote_calls=3 - min(asked, 3))  # used up
        for _ in range(3):
            main([*export, *common])
        assert len(server.requests) == asked  # not one more request with the operator's key
        assert Quota(data_dir, Limits(remote_calls_per_day=3)).usage(PERSONAL)[1] == 3


def test_a_request_outside_any_step_is_refused_where_the_operator_limits_them(monkeypatch) -> None:
    """A path that binds no meter cannot slip a request past the limit: it is refused, not sent."""
    from core.providers import metering
    from core.providers.remote_openai import RemoteWriter
    from tests.fake_servers import FakeOpenAI

    with FakeOpenAI() as server:
        settings = load_settings(
            env={"OPENAI_BASE_URL": server.base_url, "VISUTALE_LIMIT_REMOTE_CALLS_PER_DAY": "5"}, secrets={}
        )
        writer = RemoteWriter.from_settings(settings)
        metering.bind(None)
        with pytest.raises(LimitReached, match="belongs to no story's step"):
            writer.service.chat([{"role": "user", "content": "Hello"}])
        assert server.requests == []


def test_a_person_who_opens_teams_gets_no_more_than_one_share(data_dir, cat_bytes) -> None:
    """With two stories a space, one person made three teams and eight stories: every team was a
    fresh quota. Now the limit holds per person across every space they start, as well as per space."""
    from core.people.spaces import Spaces

    limits = Limits(stories_per_space=2, pictures_per_hour=2)
    teams = [Spaces(data_dir).create("team", ADA, f"Team {n}") for n in range(3)]
    made, refused = [], []
    for space_id in [None, *(t.id for t in teams)]:
        ada = as_person(Store(data_dir), ADA, space_id, limits=limits)
        for _ in range(2):
            try:
                made.append(studio.start_story(ada, cat_bytes, "cat.jpg"))
            except LimitReached as error:
                refused.append(str(error))
    assert len(made) == 2 and len(refused) == 6
    assert "the most one person may keep in all their spaces together" in refused[-1]

    # pictures too: two an hour for Ada, whichever team her stories are in
    studio.delete_story(as_person(Store(data_dir), ADA), made[1].id)
    ada_in_team = as_person(Store(data_dir), ADA, teams[0].id, limits=limits)
    in_team = studio.start_story(ada_in_team, cat_bytes, "cat.jpg")
    illustrator = SolidIllustrator()
    for store, story in ((as_person(Store(data_dir), ADA, limits=limits), made[0]), (ada_in_team, in_team)):
        studio.edit_caption(store, story, "A cat.")
        list(studio.write_draft(store, story, ScriptedWriter(story_of("Cat", "One."))))
    list(studio.illustrate(as_person(Store(data_dir), ADA, limits=limits), made[0], illustrator))
    list(studio.illustrate(ada_in_team, in_team, illustrator))
    with pytest.raises(LimitReached, match="You may make 2 pictures an hour in every space together"):
        list(studio.illustrate(ada_in_team, in_team, illustrator))
    assert len(illustrator.jobs) == 2
    ben = as_person(Store(data_dir), BEN, limits=limits)  # somebody else has a share of their own
    studio.start_story(ben, cat_bytes, "cat.jpg")


def test_in_a_class_one_pupil_cannot_use_up_the_class(data_dir, cat_bytes) -> None:
    """limit_pictures_per_hour=2: Mia drew 2 and Tom was refused. Each pupil has their share within
    the class, and the class one for each of its people."""
    from core.people.classes import Classrooms

    limits = Limits(pictures_per_hour=2, stories_per_space=1)
    classes = Classrooms(data_dir)
    room = classes.open_class(ADA, "Class 3B")
    drawn = {}
    for name in ("Mia", "Tom"):
        seat, _ = classes.join(room.code, name)
        pupil = as_person(Store(data_dir), seat.person, seat.class_id, limits=limits)
        story = studio.start_story(pupil, cat_bytes, "cat.jpg")  # one story each, not one for the class
        studio.edit_caption(pupil, story, "A cat.")
        list(studio.write_draft(pupil, story, ScriptedWriter(story_of("Cat", "One.", "Two."))))
        illustrator = SolidIllustrator()
        list(studio.illustrate(pupil, story, illustrator))
        with pytest.raises(LimitReached, match="You may make 2 pictures an hour"):
            list(studio.illustrate(pupil, story, illustrator, page_ids=[story.draft.pages[0].id]))
        with pytest.raises(LimitReached, match="You have 1 stories"):
            studio.start_story(pupil, cat_bytes, "another.jpg")
        drawn[name] = len(illustrator.jobs)
    assert drawn == {"Mia": 2, "Tom": 2}
    teacher = as_person(Store(data_dir), ADA, room.id, limits=limits)
    assert teacher.limits_used(room.id) == ["2 of 3 stories, 1 each", "4 of 6 pictures this hour, 2 each"]


def test_deepl_translations_are_counted_where_sent_and_its_listings_are_free(data_dir, cat_bytes) -> None:
    from core.providers.remote_deepl import DeepLTranslator
    from tests.fake_servers import FakeDeepL

    limits = Limits(remote_calls_per_day=1)
    ada = as_person(Store(data_dir), ADA, limits=limits)
    story = studio.start_story(ada, cat_bytes, "cat.jpg")
    studio.edit_caption(ada, story, "A cat.")
    list(studio.write_draft(ada, story, ScriptedWriter(story_of("Cat", "One cat.", "Two cats."))))
    with FakeDeepL() as server:
        settings = load_settings(
            env={
                "DEEPL_AUTH_KEY": server.auth_key,
                "DEEPL_SERVER_URL": server.server_url,
                "VISUTALE_LIMIT_REMOTE_CALLS_PER_DAY": "1",
            },
            secrets={},
        )
        translator = DeepLTranslator.from_settings(settings, retries=0)
        assert translator.languages()  # a page lists them, outside any step: not counted, not refused
        list(studio.translate(ada, story, translator, "de"))
        sent = len(server.requests_to("/translate"))
        assert sent >= 1 and Quota(data_dir, limits).usage(ada.space.id)[1] == sent
        with pytest.raises(LimitReached):
            list(studio.translate(ada, story, translator, "fr"))
        assert len(server.requests_to("/translate")) == sent  # none more


def test_a_retried_request_counts_beyond_what_the_step_reserved(data_dir, cat_bytes) -> None:
    """A step reserves what it expects to send; a retry after a server error is another request
    to the server, counted where it is sent, and refused once the limit is used up."""
    from core.providers.remote_openai import RemoteIllustrator
    from tests.fake_servers import FakeOpenAI, Fault

    limits = Limits(remote_calls_per_day=3)
    ada = as_person(Store(data_dir), ADA, limits=limits)
    story = studio.start_story(ada, cat_bytes, "cat.jpg")
    studio.edit_caption(ada, story, "A cat.")
    list(studio.write_draft(ada, story, ScriptedWriter(story_of("Cat", "One cat.", "Two cats."))))
    with FakeOpenAI() as server:
        settings = load_settings(
            env={"OPENAI_BASE_URL": server.base_url, "VISUTALE_LIMIT_REMOTE_CALLS_PER_DAY": "3"}, secrets={}
        )
        illustrator = RemoteIllustrator.from_settings(settings)
        illustrator.service.backoff_s = 0.0
        server.inject(Fault(status=500, path="/images"))  # the first picture is asked twice
        list(studio.illustrate(ada, story, illustrator))  # reserves 2, sends 3
        pictures = server.requests_to("/images")
        assert len(pictures) == 3 and Quota(data_dir, limits).usage(ada.space.id)[1] == 3
        with pytest.raises(LimitReached):
            list(studio.illustrate(ada, story, illustrator, page_ids=[story.draft.pages[0].id]))
        assert len(server.requests_to("/images")) == 3
