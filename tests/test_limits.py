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
