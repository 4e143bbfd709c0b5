"""Limits per space and per person: how many stories a space holds, pictures it makes per hour and
requests it sends to remote servers per day, so one pupil cannot use up a whole class's key and
one person cannot multiply their share by opening spaces.

The operator sets them (`limit_stories_per_space`, `limit_pictures_per_hour`,
`limit_remote_calls_per_day` in secrets.toml or `VISUTALE_LIMIT_...`; None, the default, is no
limit); a browser session cannot lift them (`core.settings` ignores them in its own choices).

Each limit holds twice:
- per space, where the story lives (a person's own, a team's, a class's); a class is shared by its
  teacher and pupils, so it may use the limit once for each of them (`share`: its people count);
- per person, for whoever asks, across every space they work in together: a person who opens three
  teams still has one share of pictures and requests, and owns at most `limit_stories_per_space`
  stories wherever they started them; a pupil who used their share leaves the rest of the class's.

They are counted in `limits/<space id>.json` and `limits/people/<hash of the person>.json` under
the data folder, read and written under lock files (the person's first, then the space's), so two
studio processes sharing the folder count together. Windows are fixed and in UTC: pictures from
the top of each hour, remote requests from midnight; the refusal says when the count starts again.
A step takes what it needs before it starts any work, and every remote request beyond that is
counted where it is sent (`core.providers.metering`); a request that fails still counts (the
server was asked). Stories are not counted but looked at: deleting one makes room for another.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.errors import InputError, LimitReached
from core.people.spaces import PERSON_ID, SPACE_ID
from core.storage.datadir import DataDir, open_data_dir

# Engines whose every use is a request to someone else's server, paid for with a configured key.
REMOTE_ENGINES = frozenset({"remote", "deepl"})


@dataclass(frozen=True)
class Limits:
    stories_per_space: int | None = None
    pictures_per_hour: int | None = None
    remote_calls_per_day: int | None = None

    @classmethod
    def from_settings(cls, settings) -> Limits:
        return cls(
            stories_per_space=settings.limit_stories_per_space,
            pictures_per_hour=settings.limit_pictures_per_hour,
            remote_calls_per_day=settings.limit_remote_calls_per_day,
        )


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Quota:
    """The counters of one data folder, checked against `limits`."""

    def __init__(
        self, root: Path | str | DataDir, limits: Limits | None = None, clock: Callable[[], datetime] = _utcnow
    ) -> None:
        self.data = open_data_dir(root)
        self.limits = limits or Limits()
        self.clock = clock

    @contextmanager
    def _locked(self, space_id: str) -> Iterator[str]:
        """One counter update at a time per space, across threads, processes and replicas."""
        if not isinstance(space_id, str) or not SPACE_ID.match(space_id):
            raise InputError("There is no such space.")
        with self.data.locked(f"limits/{space_id}.lock"):
            yield f"limits/{space_id}.json"

    @contextmanager
    def _locked_person(self, person_id: str | None) -> Iterator[str | None]:
        """The person's counter, locked (None: nobody named, nothing to lock). Taken before the
        space's, always in that order, so two steps never wait on each other."""
        if person_id is None:
            yield None
            return
        if not isinstance(person_id, str) or not PERSON_ID.match(person_id):
            raise InputError("That is not a person id.")
        name = hashlib.sha256(f"person:{person_id}".encode()).hexdigest()[:32]
        with self.data.locked(f"limits/people/{name}.lock"):
            yield f"limits/people/{name}.json"

    def take(
        self, space_id: str, pictures: int = 0, remote_calls: int = 0, person_id: str | None = None, share: int = 1
    ) -> None:
        """Count `pictures` and `remote_calls` against the space (which may use `share` times each
        limit: a class, once for each of its people) and against `person_id` across every space,
        or raise LimitReached and count nothing when either would go past a limit."""
        hourly, daily = self.limits.pictures_per_hour, self.limits.remote_calls_per_day
        if (hourly is None or not pictures) and (daily is None or not remote_calls):
            return
        at = self.clock()
        hour, day = at.strftime("%Y-%m-%dT%H"), at.strftime("%Y-%m-%d")
        with self._locked_person(person_id) as mine, self._locked(space_id) as key:
            counters = [(key, max(share, 1), "This space"), *([(mine, 1, "You")] if mine else [])]
            updated = []
            for path, times, who in counters:
                counts = _read(self.data, path)
                made = counts.get("pictures", 0) if counts.get("hour") == hour else 0
                sent = counts.get("remote_calls", 0) if counts.get("day") == day else 0
                _check(at, who, made, sent, pictures, remote_calls, hourly and hourly * times, daily and daily * times)
                updated.append(
                    (path, {"hour": hour, "pictures": made + pictures, "day": day, "remote_calls": sent + remote_calls})
                )
            for path, counts in updated:
                self.data.write(path, json.dumps(counts).encode("utf-8"))

    def usage(self, space_id: str) -> tuple[int, int]:
        """What the space has used in the current windows: (pictures this hour, remote requests today)."""
        if not isinstance(space_id, str) or not SPACE_ID.match(space_id):
            raise InputError("There is no such space.")
        at = self.clock()
        counts = _read(self.data, f"limits/{space_id}.json")
        made = counts.get("pictures", 0) if counts.get("hour") == at.strftime("%Y-%m-%dT%H") else 0
        sent = counts.get("remote_calls", 0) if counts.get("day") == at.strftime("%Y-%m-%d") else 0
        return int(made), int(sent)

    def describe(self, space_id: str, stories: Callable[[], int], share: int = 1) -> list[str]:
        """The space's limits and what it has used, in words; empty when no limit is set (and then
        nothing is read: the sidebar asks on every rerun)."""
        if self.limits == Limits():
            return []
        made, sent = self.usage(space_id)
        share = max(share, 1)
        each = "" if share == 1 else ", {} each"  # a class: what one of its people may use
        lines = []
        if self.limits.stories_per_space is not None:
            most = self.limits.stories_per_space
            lines.append(f"{stories()} of {most * share} stories" + each.format(most))
        if self.limits.pictures_per_hour is not None:
            most = self.limits.pictures_per_hour
            lines.append(f"{made} of {most * share} pictures this hour" + each.format(most))
        if self.limits.remote_calls_per_day is not None:
            most = self.limits.remote_calls_per_day
            lines.append(f"{sent} of {most * share} remote requests today" + each.format(most))
        return lines

    @contextmanager
    def new_story(
        self,
        space_id: str,
        count: Callable[[], int],
        person_id: str | None = None,
        owned: Callable[[], int] | None = None,
        share: int = 1,
    ) -> Iterator[None]:
        """Hold the person's and the space's locks while a story is made, refusing when the space
        already holds `stories_per_space` (`share` times that for a class; `count` says how many it
        holds) or the person already owns that many in every space together (`owned`). Both are
        asked under the locks, so two processes cannot both make the last one."""
        most = self.limits.stories_per_space
        if most is None:
            yield
            return
        with self._locked_person(person_id), self._locked(space_id):
            if count() >= most * max(share, 1):
                raise LimitReached(
                    f"This space holds {most * max(share, 1)} stories, its limit (limit_stories_per_space): "
                    "delete one in the Library to start another."
                )
            if person_id is not None and owned is not None and owned() >= most:
                raise LimitReached(
                    f"You have {most} stories, the most one person may keep in all their spaces together "
                    "(limit_stories_per_space): delete one in the Library to start another."
                )
            yield


def _check(
    at: datetime,
    who: str,
    made: int,
    sent: int,
    pictures: int,
    remote_calls: int,
    hourly: int | None,
    daily: int | None,
) -> None:
    """Raise LimitReached when `pictures` or `remote_calls` would take one counter past its limit."""
    whose = "in every space together " if who == "You" else ""
    have = "have" if who == "You" else "has"
    if hourly is not None and pictures and made + pictures > hourly:
        resets = at.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        raise LimitReached(
            f"{who} may make {hourly} pictures an hour {whose}(limit_pictures_per_hour) and {have} "
            f"{max(hourly - made, 0)} left; this asks for {pictures}. The count starts again at {resets:%H:%M} UTC."
        )
    if daily is not None and remote_calls and sent + remote_calls > daily:
        resets = at.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        raise LimitReached(
            f"{who} may send {daily} requests a day to remote model servers {whose}(limit_remote_calls_per_day) "
            f"and {have} {max(daily - sent, 0)} left; this needs {remote_calls}. The count starts again at "
            f"midnight UTC ({resets:%Y-%m-%d %H:%M}); the offline engine has no limit."
        )


def _read(data: DataDir, key: str) -> dict:
    """The stored counts; an unreadable file counts as nothing used (the lock still orders writers)."""
    try:
        found = json.loads(data.read(key))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}
