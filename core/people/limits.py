"""Limits per space: how many stories a space holds, pictures it makes per hour and requests it
sends to remote servers per day, so one pupil cannot use up a whole class's key.

The operator sets them (`limit_stories_per_space`, `limit_pictures_per_hour`,
`limit_remote_calls_per_day` in secrets.toml or `VISUTALE_LIMIT_...`; None, the default, is no
limit); a browser session cannot lift them (`core.settings` ignores them in its own choices).

They are counted per space, where the story lives (a pupil's own space, a class's, a team's), in
`limits/<space id>.json` under the data folder, read and written under a lock file, so two studio
processes sharing the folder count together. Windows are fixed and in UTC: pictures from the top
of each hour, remote requests from midnight; the refusal says when the count starts again. A step
takes what it needs before it starts any work and a request that fails still counts (the server
was asked). Stories are not counted but looked at: deleting one makes room for another.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.errors import InputError
from core.people.spaces import SPACE_ID
from core.storage.datadir import DataDir, open_data_dir

# Engines whose every use is a request to someone else's server, paid for with a configured key.
REMOTE_ENGINES = frozenset({"remote", "deepl"})


class LimitReached(InputError):
    """A space has used what its limit allows; the message names the limit and when it resets."""


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

    def take(self, space_id: str, pictures: int = 0, remote_calls: int = 0) -> None:
        """Count `pictures` and `remote_calls` against the space, or raise LimitReached and count
        nothing when either would go past its limit."""
        hourly, daily = self.limits.pictures_per_hour, self.limits.remote_calls_per_day
        if (hourly is None or not pictures) and (daily is None or not remote_calls):
            return
        at = self.clock()
        hour, day = at.strftime("%Y-%m-%dT%H"), at.strftime("%Y-%m-%d")
        with self._locked(space_id) as key:
            counts = _read(self.data, key)
            made = counts.get("pictures", 0) if counts.get("hour") == hour else 0
            sent = counts.get("remote_calls", 0) if counts.get("day") == day else 0
            if hourly is not None and pictures and made + pictures > hourly:
                resets = at.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
                raise LimitReached(
                    f"This space may make {hourly} pictures an hour (limit_pictures_per_hour) and has "
                    f"{max(hourly - made, 0)} left; this asks for {pictures}. The count starts again at "
                    f"{resets:%H:%M} UTC."
                )
            if daily is not None and remote_calls and sent + remote_calls > daily:
                resets = at.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
                raise LimitReached(
                    f"This space may send {daily} requests a day to remote model servers "
                    f"(limit_remote_calls_per_day) and has {max(daily - sent, 0)} left; this needs "
                    f"{remote_calls}. The count starts again at midnight UTC ({resets:%Y-%m-%d %H:%M}); "
                    "the offline engine has no limit."
                )
            counts = {"hour": hour, "pictures": made + pictures, "day": day, "remote_calls": sent + remote_calls}
            self.data.write(key, json.dumps(counts).encode("utf-8"))

    def usage(self, space_id: str) -> tuple[int, int]:
        """What the space has used in the current windows: (pictures this hour, remote requests today)."""
        if not isinstance(space_id, str) or not SPACE_ID.match(space_id):
            raise InputError("There is no such space.")
        at = self.clock()
        counts = _read(self.data, f"limits/{space_id}.json")
        made = counts.get("pictures", 0) if counts.get("hour") == at.strftime("%Y-%m-%dT%H") else 0
        sent = counts.get("remote_calls", 0) if counts.get("day") == at.strftime("%Y-%m-%d") else 0
        return int(made), int(sent)

    def describe(self, space_id: str, stories: Callable[[], int]) -> list[str]:
        """The space's limits and what it has used, in words; empty when no limit is set (and then
        nothing is read: the sidebar asks on every rerun)."""
        if self.limits == Limits():
            return []
        made, sent = self.usage(space_id)
        lines = []
        if self.limits.stories_per_space is not None:
            lines.append(f"{stories()} of {self.limits.stories_per_space} stories")
        if self.limits.pictures_per_hour is not None:
            lines.append(f"{made} of {self.limits.pictures_per_hour} pictures this hour")
        if self.limits.remote_calls_per_day is not None:
            lines.append(f"{sent} of {self.limits.remote_calls_per_day} remote requests today")
        return lines

    @contextmanager
    def new_story(self, space_id: str, count: Callable[[], int]) -> Iterator[None]:
        """Hold the space's lock while a story is made in it, refusing when it already holds
        `stories_per_space` (`count` says how many it holds; asked under the lock, so two
        processes cannot both make the last one)."""
        most = self.limits.stories_per_space
        if most is None:
            yield
            return
        with self._locked(space_id):
            if count() >= most:
                raise LimitReached(
                    f"This space holds {most} stories, its limit (limit_stories_per_space): delete one "
                    "in the Library to start another."
                )
            yield


def _read(data: DataDir, key: str) -> dict:
    """The stored counts; an unreadable file counts as nothing used (the lock still orders writers)."""
    try:
        found = json.loads(data.read(key))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}
