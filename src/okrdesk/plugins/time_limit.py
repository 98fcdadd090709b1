"""A limit on how long a plugin may take in okrdesk's own process, and the budget of
time each plugin has in one command.

``report``, ``check`` and the other commands that read a workspace import its plugins
here, where starting a process for each would cost more than the whole report. A
plugin whose import or ``okrdesk_metrics`` does not return is stopped at the limit,
named, and left out, and the command carries on. In the main thread an alarm signal
stops it, in Python code, a wait or a sleep; elsewhere (another thread, Windows) a
watchdog thread does, in Python code only. Neither can stop a loop inside C that never
returns to Python (a runaway regular expression), nor a plugin that ends the process:
``collect`` runs every installed plugin in a process of its own, which it can kill.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any, Generic, TypeVar, cast

DEFAULT_TIMEOUT = 300.0
TIMEOUT_ENV = "OKRDESK_PLUGIN_TIMEOUT"


def plugin_timeout(configured: float | None) -> float:
    """Seconds one plugin call may take: $OKRDESK_PLUGIN_TIMEOUT, else the workspace's
    ``plugin_timeout``, else 300."""
    raw = os.environ.get(TIMEOUT_ENV)
    if raw:
        try:
            return max(0.01, float(raw))
        except ValueError:
            pass
    return configured if configured is not None else DEFAULT_TIMEOUT


LONGER = (
    " (to allow longer: [workspace] plugin_timeout in okrdesk.toml, or $OKRDESK_PLUGIN_TIMEOUT)",
    "（如需更长：okrdesk.toml 的 [workspace] plugin_timeout，或 $OKRDESK_PLUGIN_TIMEOUT）",
)
"""What a plugin stopped at the limit is told after it: how to give it longer."""


def earlier(spent: float) -> tuple[str, str]:
    """What a plugin stopped at its limit is told of the part of it that its earlier calls
    in the command took (its import, its declarations, its settings check), in English
    and Chinese; nothing when they took next to none."""
    if spent < _WORTH_SAYING:
        return "", ""
    return (
        f" (its time for the whole command, {spent:.3g} s of which went to its earlier calls)",
        f"（这是它在整条命令中的全部时间，其中 {spent:.3g} 秒已用于它之前的调用）",
    )


_WORTH_SAYING = 0.5
"""Seconds of earlier calls below which a plugin stopped at its limit is not told of them."""


AGAIN_AFTER = 0.5
"""Seconds between alarms once the limit is passed: a plugin that catches the first
(``except BaseException``) and carries on is stopped by the next."""


class OutOfTime(BaseException):
    """Raised in a plugin's code when its time is up: a BaseException, so that a plugin's
    own ``except Exception`` does not take it for an error of its own to handle."""


def _alarm_possible() -> bool:
    """Whether an alarm signal can stop a block here: in the main thread, where Python has
    ``setitimer`` (not Windows), and no alarm of someone else's is set (never put off nor
    lost)."""
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )


def time_limit(seconds: float | None) -> contextlib.AbstractContextManager[None]:
    """Raise ``OutOfTime`` in the block once it has run ``seconds``, by an alarm signal,
    which stops Python code, a sleep or a wait; no limit with None, nor where no alarm
    can be set (``_alarm_possible``): ``limited`` holds a call to its limit anywhere."""
    if seconds is None or not _alarm_possible():
        return contextlib.nullcontext()
    return _alarm(max(seconds, _SOONEST))


T = TypeVar("T")


def limited(seconds: float | None, function: Callable[[], T]) -> T:
    """``function()``, stopped with ``OutOfTime`` raised here once it has run ``seconds``;
    no limit with None.

    Where an alarm can be set (``_alarm_possible``) it stops the call, as ``time_limit``
    does. Anywhere else (another thread, Windows, an alarm already set) the call runs in
    a thread of its own, and at the limit ``OutOfTime`` is raised in that thread, again
    every ``AGAIN_AFTER`` while the call goes on, and here once the call has ended or
    ``AGAIN_AFTER`` has passed: that stops Python code at its next line, but a call
    waiting inside C (a sleep, a socket read) only once it returns to Python, and a loop
    inside C never; such a call is left behind, its result unused."""
    if seconds is None:
        return function()
    seconds = max(seconds, _SOONEST)
    if _alarm_possible():
        with _alarm(seconds):
            return function()
    return _Worker(function).result(seconds)


_SOONEST = 0.001
"""The least time a call is given: a plugin whose time is all spent is stopped at once
(an alarm of 0 seconds would be no alarm)."""


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    armed = True

    def expire(signum: int, frame: FrameType | None) -> None:
        if armed:
            raise OutOfTime

    before = signal.signal(signal.SIGALRM, expire)
    try:
        # Set inside the ``try``: an alarm due at once still finds the timer stopped.
        signal.setitimer(signal.ITIMER_REAL, seconds, AGAIN_AFTER)
        yield
    finally:
        # An alarm that comes between here and the timer's stop finds it disarmed.
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        # None: a handler set from C, which Python cannot put back.
        signal.signal(signal.SIGALRM, signal.SIG_DFL if before is None else before)


class _Worker(Generic[T]):
    """One call in a thread of its own, which the caller waits for no longer than its
    limit. Only that thread is ever sent ``OutOfTime``, and only while the call runs: the
    caller's own code never has a stop land in it unasked."""

    def __init__(self, function: Callable[[], T]) -> None:
        self._function = function
        self._outcome: list[tuple[bool, Any]] = []
        self._ended = threading.Event()
        self._guard = threading.Lock()
        self._running = True
        _async_raise()  # looked up here: an import is no place for a stop to land
        self._thread = threading.Thread(target=self._run, name="okrdesk-plugin-call",
                                        daemon=True)  # fmt: skip

    def result(self, seconds: float) -> T:
        self._thread.start()
        if not self._ended.wait(seconds):
            threading.Thread(target=self._stop, name="okrdesk-plugin-stop", daemon=True).start()
            # Python code stops within moments: it has undone what it changed for the whole
            # process (its standard output redirected) before the caller goes on.
            self._ended.wait(AGAIN_AFTER)
            raise OutOfTime
        done, value = self._outcome[0]
        if not done:
            raise value
        return cast(T, value)

    def _run(self) -> None:
        try:
            try:
                self._outcome.append((True, self._function()))
            except BaseException as error:
                self._outcome.append((False, error))
            finally:
                with self._guard:
                    self._running = False
                    _raise_in(self._thread.ident, None)  # one sent as it ended
        except OutOfTime:
            pass  # sent as it ended: the call's outcome stands
        finally:
            self._ended.set()

    def _stop(self) -> None:
        """Raise ``OutOfTime`` in the call's thread now and every ``AGAIN_AFTER`` while the
        call runs: a plugin that catches one (``except BaseException``) gets the next."""
        while True:
            with self._guard:
                if not self._running:
                    return
                _raise_in(self._thread.ident, OutOfTime)
            if self._ended.wait(AGAIN_AFTER):
                return


def _raise_in(thread: int | None, error: type[BaseException] | None) -> None:
    """Raise ``error`` in ``thread`` at its next line of Python; None withdraws one not yet
    raised. Where ctypes cannot reach Python's own API (not CPython), nothing."""
    call = _async_raise()
    if call is not None and thread is not None:
        call(thread, error)


@functools.cache
def _async_raise() -> Callable[[int, type[BaseException] | None], object] | None:
    """CPython's ``PyThreadState_SetAsyncExc``, looked up once; None where there is none."""
    try:
        import ctypes

        found = ctypes.pythonapi.PyThreadState_SetAsyncExc
    except (ImportError, AttributeError):
        return None
    found.argtypes = (ctypes.c_ulong, ctypes.py_object)
    found.restype = ctypes.c_int

    def call(thread: int, error: type[BaseException] | None) -> object:
        # A NULL exception (None here) withdraws one set and not yet raised.
        return found(thread, ctypes.py_object() if error is None else ctypes.py_object(error))

    return call


class TimeBudget:
    """The time each plugin has left in one command: its import, its declarations, its
    settings check and its collect share ``limit`` seconds, however many calls they are,
    rather than each having the whole limit."""

    def __init__(self, limit: float | None, spent: dict[str, float] | None = None) -> None:
        self.limit = limit
        self._spent = spent if spent is not None else {}
        self._lock = threading.Lock()

    def left(self, plugin: str) -> float | None:
        """Seconds ``plugin`` has left; None: no limit."""
        if self.limit is None:
            return None
        with self._lock:
            return max(0.0, self.limit - self._spent.get(plugin, 0.0))

    def spent(self, plugin: str) -> float:
        with self._lock:
            return self._spent.get(plugin, 0.0)

    def charge(self, plugin: str, seconds: float) -> None:
        with self._lock:
            self._spent[plugin] = self._spent.get(plugin, 0.0) + max(0.0, seconds)

    @contextlib.contextmanager
    def spending(self, plugin: str) -> Iterator[float | None]:
        """The seconds ``plugin`` has left, charged with the time the block takes."""
        start = time.monotonic()
        try:
            yield self.left(plugin)
        finally:
            self.charge(plugin, time.monotonic() - start)

    def limited(self, limit: float | None) -> TimeBudget:
        """A budget of ``limit`` seconds a plugin that counts what each has spent so far."""
        if limit == self.limit:
            return self
        other = TimeBudget(limit, self._spent)
        other._lock = self._lock
        return other


def interrupted(error: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C that ``error`` came while handling, if any: a stop that lands in a
    plugin's clean-up after the user pressed Ctrl-C must not swallow it."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return seen
        seen = seen.__context__
    return None
