"""The alarm that stops a plugin loading in okrdesk's own process (plugins/time_limit.py),
on this process's real SIGALRM and timer."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType

import pytest

from okrdesk.plugins.time_limit import OutOfTime, interrupted, time_limit


@pytest.fixture(autouse=True)
def no_alarm_left() -> Iterator[None]:
    handler = signal.getsignal(signal.SIGALRM)
    yield
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is handler


def test_a_block_that_runs_too_long_is_stopped() -> None:
    start = time.monotonic()
    with pytest.raises(OutOfTime), time_limit(0.05):
        time.sleep(10)
    assert time.monotonic() - start < 5


def test_a_block_that_catches_the_stop_is_stopped_again() -> None:
    caught = 0
    with pytest.raises(OutOfTime), time_limit(0.05):
        try:
            time.sleep(10)
        except BaseException:
            caught += 1
            time.sleep(10)
    assert caught == 1


def test_a_block_done_in_time_leaves_no_alarm_behind() -> None:
    with time_limit(0.05):
        pass
    time.sleep(0.15)  # past the limit, and past the first repeat had it been left set


def test_no_limit_is_set_where_none_is_asked_for() -> None:
    with time_limit(None):
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_someone_elses_alarm_is_neither_put_off_nor_lost() -> None:
    rang: list[int] = []

    def ring(signum: int, frame: FrameType | None) -> None:
        rang.append(signum)

    before = signal.signal(signal.SIGALRM, ring)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with time_limit(0.01):
            time.sleep(0.05)  # no stop: the other alarm stands, and the limit yields to it
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 0
        time.sleep(0.5)
        assert rang == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


def test_off_the_main_thread_there_is_no_limit() -> None:
    finished: list[bool] = []

    def work() -> None:
        with time_limit(0.01):
            time.sleep(0.1)
        finished.append(True)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert finished == [True]


def test_a_stop_during_a_ctrl_c_gives_the_ctrl_c_back() -> None:
    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise OutOfTime from None  # ``from None`` hides it from a traceback, not __context__
    except OutOfTime as error:
        assert isinstance(interrupted(error), KeyboardInterrupt)
    assert interrupted(OutOfTime()) is None
