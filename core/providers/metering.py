"""Every request to a remote model server is counted here, where it is sent, so no path can skip
the operator's `limit_remote_calls_per_day` (`core.people.limits`).

The request code of each remote backend (`remote_openai._Service.call` for every OpenAI-compatible
request, retries included; the DeepL client's `request_with_backoff`) calls `count()` just before
it sends. `count()` asks the meter of the work in hand, which the studio binds when a step starts
on a story (`core.studio._may_change`): a step that reserved what it expects to send (`prepaid`)
spends that first, and every request beyond it (a retry, a classroom export's words, questions
and answer key, a repair) is taken from the story's space one at a time. With the limit used up
the meter raises `LimitReached` and the request is never sent.

The meter lives in a context variable: each thread (a page run, a background step, the pipeline's
painter) has its own, and a step binds it before its first request. Requests made outside any
step have no meter: where the operator limits remote requests they are refused, never sent
uncounted (`count(required=True)`). Only listings (a server's models for the Settings page's
"test connection", DeepL's languages, glossaries and usage) are not counted, inside `free()`:
they run no model.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from core.errors import LimitReached


class Meter:
    """What one step may still send without asking again (`prepaid`), and how to ask for more."""

    def __init__(self, take: Callable[[int], None], prepaid: int = 0, key: object = None) -> None:
        self.take = take
        self.prepaid = prepaid
        self.key = key  # what it counts for (a store and a story), so a step keeps its own reservation
        self._lock = threading.Lock()

    def count(self) -> None:
        with self._lock:
            if self.prepaid > 0:
                self.prepaid -= 1
                return
        self.take(1)


_meter: ContextVar[Meter | None] = ContextVar("visutale_remote_meter", default=None)
_free: ContextVar[bool] = ContextVar("visutale_free_request", default=False)


@contextmanager
def free() -> Iterator[None]:
    """Requests that list what a server offers (its models, its languages, the account's usage):
    they run no model and are not counted, so the Settings and Translate pages can ask them."""
    token = _free.set(True)
    try:
        yield
    finally:
        _free.reset(token)


def bind(meter: Meter | None) -> None:
    """Count this context's requests with `meter` from now on (until another step binds its own).
    A meter for the same work that has nothing reserved keeps the one already bound."""
    current = _meter.get()
    if meter is not None and current is not None and current.key == meter.key and not meter.prepaid:
        return
    _meter.set(meter)


def current() -> Meter | None:
    return _meter.get()


def count(required: bool = False) -> None:
    """One request is about to be sent: count it, or raise LimitReached so that it is not.

    `required`: the operator limits remote requests (the backend was built from such settings),
    so a request with no meter bound (a path that is no studio step) is refused, not sent
    uncounted: a path added later cannot slip past the limit unnoticed."""
    if _free.get():
        return
    meter = _meter.get()
    if meter is not None:
        meter.count()
    elif required:
        raise LimitReached(
            "This studio limits requests to remote model servers (limit_remote_calls_per_day), and this "
            "request belongs to no story's step, so it was not sent."
        )
