"""The limit that stops a plugin in okrdesk's own process (plugins/time_limit.py): on this
process's real SIGALRM and timer in the main thread, by a real thread of its own for the
call elsewhere; and the time each plugin has for a command (``TimeBudget``)."""

from __future__ import annotations

import _thread
import contextlib
import io
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from types import FrameType

import pytest

from okrdesk.plugins.manager import quiet
from okrdesk.plugins.time_limit import OutOfTime, TimeBudget, interrupted, limited


@pytest.fixture(autouse=True)
def no_alarm_left() -> Iterator[None]:
    handler = signal.getsignal(signal.SIGALRM)
    yield
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is handler


def test_a_block_that_runs_too_long_is_stopped() -> None:
    # Not stopped, the sleep ends and nothing is raised: no clock needs reading.
    with pytest.raises(OutOfTime):
        limited(0.05, lambda: time.sleep(10))


def test_a_block_that_catches_the_stop_is_stopped_again() -> None:
    caught = 0

    def catches_once() -> None:
        nonlocal caught
        try:
            time.sleep(10)
        except BaseException:
            caught += 1
            time.sleep(10)

    with pytest.raises(OutOfTime):
        limited(0.05, catches_once)
    assert caught == 1


def test_a_block_done_in_time_leaves_no_alarm_behind() -> None:
    limited(0.05, lambda: None)
    time.sleep(0.15)  # past the limit, and past the first repeat had it been left set


def test_no_limit_is_set_where_none_is_asked_for() -> None:
    assert limited(None, lambda: signal.getitimer(signal.ITIMER_REAL)) == (0.0, 0.0)


def _spin(count: int) -> int:
    return count + 1


def _forever() -> None:
    """Python code that never returns: a loop of calls, as a plugin's work is."""
    count = 0
    while True:
        count = _spin(count)


def _for_long() -> None:
    """Python code that runs for half a minute, as ``_forever`` but with an end: a limit
    that does not hold fails the test rather than hangs it (the end is no bound on the
    test, which a busy machine could pass: a call stopped in time never reaches it)."""
    end = time.monotonic() + 30
    count = 0
    while time.monotonic() < end:
        count = _spin(count)


def _in_a_thread(work: Callable[[], object]) -> list[object]:
    """What ``work`` returned or raised, run in a thread of its own."""
    found: list[object] = []

    def run() -> None:
        try:
            found.append(work())
        except BaseException as error:
            found.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(10)
    assert not worker.is_alive()
    return found


def test_a_limited_call_is_stopped_by_the_alarm_in_the_main_thread() -> None:
    with pytest.raises(OutOfTime):
        limited(0.05, lambda: time.sleep(10))
    assert limited(1, lambda: "answer") == "answer"
    with pytest.raises(ZeroDivisionError):
        limited(1, lambda: 1 / 0)


def test_off_the_main_thread_a_call_that_runs_too_long_is_stopped() -> None:
    """Off the main thread (a program running okrdesk's commands in a thread of its own)
    there was no limit at all: a plugin that never returned held the command for ever."""
    # Not stopped, the spin never ends (``_in_a_thread`` fails at its join) and the sleep
    # returns None: what the call did tells, not how long a busy machine took.
    (stopped,) = _in_a_thread(lambda: limited(0.1, _for_long))
    assert isinstance(stopped, OutOfTime), stopped
    # A call that sleeps is given up at the limit, as one that spins.
    (stopped,) = _in_a_thread(lambda: limited(0.1, lambda: time.sleep(3)))
    assert isinstance(stopped, OutOfTime), stopped


def test_a_call_given_up_is_stopped_in_its_own_thread_again_and_again() -> None:
    """The call's own thread is sent the stop too, and again when it catches it, so a
    plugin's loop left behind does not spin for ever; the caller has none of it."""
    caught: list[str] = []
    ended = threading.Event()

    def catches_once() -> None:
        try:
            try:
                _forever()
            except BaseException:
                caught.append("first")
                _forever()
        except OutOfTime:
            caught.append("second")
        finally:
            ended.set()

    def caller() -> str:
        with contextlib.suppress(OutOfTime):
            limited(0.05, catches_once)
        time.sleep(1.5)  # past every stop sent: none lands here
        return "caller carried on"

    assert _in_a_thread(caller) == ["caller carried on"]
    assert ended.wait(5) and caught == ["first", "second"]


def test_a_call_done_in_time_leaves_no_stop_behind() -> None:
    def in_time() -> str:
        for _ in range(200):
            # Ends about when the limit comes: a stop of the call is its due.
            with contextlib.suppress(OutOfTime):
                limited(0.002, lambda: time.sleep(0.002))
        time.sleep(0.7)  # past the limit, and past the first repeat had one been left
        return "done"

    assert _in_a_thread(in_time) == ["done"]


def test_in_the_main_thread_someone_else_s_alarm_stands_and_the_limit_holds() -> None:
    """With an alarm of someone else's set, the block had no limit at all."""
    rang: list[int] = []

    def ring(signum: int, frame: FrameType | None) -> None:
        rang.append(signum)

    before = signal.signal(signal.SIGALRM, ring)
    try:
        signal.setitimer(signal.ITIMER_REAL, 1.0)
        # The other alarm's handler raises nothing: OutOfTime is the limit's alone.
        with pytest.raises(OutOfTime):
            limited(0.05, _for_long)
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 0
        assert signal.getsignal(signal.SIGALRM) is ring
        time.sleep(1.2)
        assert rang == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


def test_a_budget_is_shared_by_a_plugin_s_calls_and_by_no_other_plugin() -> None:
    # A minute: a busy machine's 0.2 s sleep may take a second, and none of it all.
    budget = TimeBudget(60.0)
    with budget.spending("salons") as left:
        assert left == 60.0
        time.sleep(0.2)
    left_after = budget.left("salons")
    # At least the 0.2 s slept is spent (more on a busy machine: no upper bound on it).
    assert left_after is not None and 0 < left_after <= 59.8
    assert budget.left("brokerage") == 60.0
    # Another limit for the same command counts what each plugin spent.
    longer = budget.limited(61.0).left("salons")
    assert longer == pytest.approx(left_after + 1.0)
    budget.charge("salons", 60)
    assert budget.left("salons") == 0.0
    assert TimeBudget(None).left("salons") is None


def test_a_call_given_no_time_is_stopped_at_once() -> None:
    # An alarm of 0 s is no alarm: the spin would run its half minute and return.
    with pytest.raises(OutOfTime):
        limited(0.0, _for_long)


def test_a_stop_during_a_ctrl_c_gives_the_ctrl_c_back() -> None:
    def pressed_then_stopped() -> None:
        try:
            signal.raise_signal(signal.SIGINT)  # the user's Ctrl-C, as a signal
        except KeyboardInterrupt:
            raise OutOfTime from None  # ``from None`` hides it from a traceback, not __context__

    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(OutOfTime) as caught:
            limited(600, pressed_then_stopped)
    finally:
        signal.signal(signal.SIGINT, before)
    assert isinstance(interrupted(caught.value), KeyboardInterrupt)
    assert interrupted(OutOfTime()) is None
    # Python's handler for Ctrl-C is put back as it was.
    assert signal.getsignal(signal.SIGINT) is before


def test_a_keyboard_interrupt_no_signal_raised_is_the_plugin_s_failure() -> None:
    """``raise KeyboardInterrupt`` in a plugin's import made the command exit 130, as if
    the user had pressed Ctrl-C, and took the whole report down with one plugin."""

    def raises() -> None:
        raise KeyboardInterrupt

    for seconds in (600, None):
        with pytest.raises(KeyboardInterrupt) as caught:
            limited(seconds, raises)
        assert interrupted(caught.value) is None
    with pytest.raises(RuntimeError) as cleaning:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise RuntimeError("cleaning up") from None
    assert interrupted(cleaning.value) is None


def _send_sigint() -> None:
    signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)


@pytest.mark.parametrize(
    "ctrl_c",
    [
        pytest.param(_send_sigint, id="a-signal"),
        # The handler made due with no signal to wake a wait: as a Ctrl-C handled just
        # before the caller's wait began, which then waited out the whole limit.
        pytest.param(_thread.interrupt_main, id="handled-as-the-wait-began"),
    ],
)
def test_a_ctrl_c_while_a_call_runs_in_its_own_thread_stops_the_call_too(
    ctrl_c: Callable[[], None],
) -> None:
    """Where the call runs in a thread of its own (here, in the main thread, because an
    alarm of someone else's is set; on Windows always), Ctrl-C ended the wait and left the
    call running for ever in a program that carries on after it."""
    started, ended = threading.Event(), threading.Event()
    stopped: list[str] = []

    def plugin() -> None:
        started.set()
        try:
            _forever()
        except OutOfTime:
            stopped.append("stopped")
        finally:
            ended.set()

    def press_ctrl_c() -> None:
        if started.wait(60):
            time.sleep(0.5)  # mostly, the caller is waiting by then
            ctrl_c()

    before_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    before = signal.signal(signal.SIGALRM, lambda signum, frame: None)
    try:
        signal.setitimer(signal.ITIMER_REAL, 600)
        threading.Thread(target=press_ctrl_c, daemon=True).start()
        began = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            limited(600, plugin)
        # Not a measure of speed: the stop comes a second or so after the Ctrl-C, or
        # only at the call's limit, ten minutes on.
        assert time.monotonic() - began < 300, "the Ctrl-C waited for the call's limit"
        assert ended.wait(60), "the call was left running"
        assert stopped == ["stopped"]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)
        signal.signal(signal.SIGINT, before_int)


@pytest.mark.parametrize("redirects", [False, True])
def test_a_call_left_behind_shows_nothing_it_writes_and_takes_no_output_with_it(
    capsys: pytest.CaptureFixture[str], redirects: bool
) -> None:
    """A call waiting inside C (a socket read, here an Event) is left behind off the main
    thread. What it wrote once the caller had gone on reached the terminal, in the middle
    of a report or of JSON meant for another program; and a plugin that redirected
    standard output itself put back, as it ended, the capture okrdesk had around it then,
    so all the command printed after that (the report) went into it and was lost."""
    gate = threading.Event()
    threads: list[threading.Thread] = []

    def plugin() -> None:
        threads.append(threading.current_thread())
        try:
            with (
                contextlib.redirect_stdout(io.StringIO()) if redirects else contextlib.nullcontext()
            ):
                gate.wait()  # inside C: the stop lands once it returns
        finally:
            print("plugin: late words")
            print("plugin: late words", file=sys.stderr)

    def caller() -> str:
        said: list[str] = []
        with contextlib.suppress(OutOfTime), quiet(said):
            limited(0.05, plugin)
        assert threads and threads[0].is_alive()  # left behind, not stopped
        gate.set()
        threads[0].join(60)
        assert not threads[0].is_alive()
        print("the report")
        return "carried on"

    assert _in_a_thread(caller) == ["carried on"]
    out, err = capsys.readouterr()
    assert out == "the report\n"
    assert "late words" not in err
    # The streams are whole again for whoever writes next.
    print("after")
    assert capsys.readouterr().out == "after\n"
