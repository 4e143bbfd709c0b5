"""Long steps behind the pages (core.background): same events, same errors, lowest priority,
and a step that nobody listens to any more stops."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from core.background import LOWEST_PRIORITY, in_background
from core.errors import StudioError


def test_events_arrive_in_order_and_the_step_runs_on_another_thread():
    caller = threading.get_native_id()
    seen_on: list[int] = []

    def steps():
        for number in range(5):
            seen_on.append(threading.get_native_id())
            yield number

    assert list(in_background(steps)) == [0, 1, 2, 3, 4]
    assert seen_on and all(tid != caller for tid in seen_on)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="niceness per thread is Linux's")
def test_the_step_runs_at_the_lowest_priority_and_the_caller_keeps_its_own():
    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def steps():
        yield os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    assert list(in_background(steps)) == [LOWEST_PRIORITY]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before


def test_an_error_in_the_step_is_raised_in_the_caller_after_the_events_before_it():
    def steps():
        yield "saved the first page"
        raise StudioError("the service said no")

    events = in_background(steps)
    assert next(events) == "saved the first page"
    with pytest.raises(StudioError, match="the service said no"):
        next(events)


def test_an_error_making_the_step_is_raised_too():
    def broken():
        raise StudioError("no story at this link")

    with pytest.raises(StudioError, match="no story at this link"):
        list(in_background(broken))


def test_a_step_nobody_listens_to_stops_at_its_next_event_and_closes():
    closed = threading.Event()
    produced: list[int] = []

    def endless():
        try:
            number = 0
            while True:
                produced.append(number)
                yield number
                number += 1
        finally:
            closed.set()

    events = in_background(endless)
    assert next(events) == 0
    events.close()  # the page's run ended (a rerun, the person left)
    assert closed.wait(timeout=10), "the abandoned step kept running"
    assert len(produced) <= 3  # it never ran far ahead of the caller
