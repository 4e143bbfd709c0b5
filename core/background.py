"""Long steps run behind the pages: on a thread of their own, at the lowest CPU priority.

A shared studio has many people at once on a few cores. Most of what they do is quick (open a
page, type, pick a picture), and a few things are long (draw a book's pictures, render its PDF).
If both kinds compete for the CPU as equals, every click waits behind somebody else's book. So a
long step runs on its own thread, lowered to the weakest priority the system has (`nice` 19,
which Linux applies per thread), and the page's own thread only passes its events on: a quick
rerun of anyone's page is served first, and the long steps share whatever is left, which on an
idle studio is everything.

The step is still the same `core.studio` generator; only where it runs changes. Its events arrive
in order, its errors are raised in the caller's thread as if it had run there, and when the
caller stops listening (the person left the page, a new rerun began) the step stops at its next
event, having saved what it finished, as a step stopped in place would.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")

LOWEST_PRIORITY = 19  # the niceness a long step runs at (0 is normal, 19 the weakest)
_DONE = object()  # marks the end of the events


def lower_this_thread() -> None:
    """Give the calling thread the weakest CPU priority. Linux sets niceness per thread (a
    thread's id is a task id); elsewhere this would lower the whole process, so it does nothing."""
    if not hasattr(os, "setpriority") or not os.uname().sysname == "Linux":
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOWEST_PRIORITY)
    except OSError:  # a sandbox that forbids it: the step still runs, only at normal priority
        pass


def in_background(make_events: Callable[[], Iterator[T]]) -> Iterator[T]:
    """The events of `make_events()`, made on a low-priority thread and yielded here, in order.

    The generator is created and advanced only on that thread. At most one event waits in
    between, so the step never runs far ahead of a caller that stopped listening.
    """
    handoff: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def work() -> None:
        lower_this_thread()
        try:
            events = make_events()
            try:
                for event in events:
                    if not _hand(handoff, stop, ("event", event)):
                        return  # the caller left: stop here (the finally closes the step)
            finally:
                close = getattr(events, "close", None)
                if close is not None:
                    close()
        except BaseException as error:  # raised again in the caller's thread, unchanged
            _hand(handoff, stop, ("error", error))
            return
        _hand(handoff, stop, ("done", _DONE))

    worker = threading.Thread(target=work, name="visutale-step", daemon=True)
    worker.start()
    try:
        while True:
            kind, value = handoff.get()
            if kind == "event":
                yield value
            elif kind == "error":
                raise value
            else:
                return
    finally:
        stop.set()
        _drain(handoff)


def _hand(handoff: queue.Queue, stop: threading.Event, item: tuple) -> bool:
    """Put `item` for the caller, waiting while it is busy; False once the caller has left."""
    while not stop.is_set():
        try:
            handoff.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def _drain(handoff: queue.Queue) -> None:
    try:
        while True:
            handoff.get_nowait()
    except queue.Empty:
        pass
