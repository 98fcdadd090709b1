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

A call the watchdog could not stop in time is left behind in its thread: the command
goes on without waiting for it, and does not wait for it at its end either (the thread
ends with the process, mid-way through whatever it was doing). Until then nothing it
writes to standard output or error is shown (``guard_streams``), and the standard
streams it put back as it ended, which were the caller's capture of the moment it
began, are put right (``_Worker``).
"""

from __future__ import annotations

import contextlib
import functools
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any, Generic, TypeVar, cast

from okrdesk.environment import seconds_from_environment

DEFAULT_TIMEOUT = 300.0
TIMEOUT_ENV = "OKRDESK_PLUGIN_TIMEOUT"


def plugin_timeout(configured: float | None) -> float:
    """Seconds one plugin call may take: $OKRDESK_PLUGIN_TIMEOUT, else the workspace's
    ``plugin_timeout``, else 300."""
    configured = configured if configured is not None else DEFAULT_TIMEOUT
    return seconds_from_environment(TIMEOUT_ENV, configured, above_zero=True)


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


WAIT_AT_ONCE = 0.25
"""The longest the caller waits for a call in one go. A Ctrl-C that comes just as a wait
begins is handled (its flag set) before the wait starts, so it does not cut the wait
short: it is seen only when the wait ends, which a wait of the whole limit (minutes) put
off until the limit, with the call still running."""


def _wait_for(ended: threading.Event, seconds: float) -> bool:
    """``ended.wait(seconds)``, in slices of ``WAIT_AT_ONCE``, between which a Ctrl-C
    that came is raised."""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if ended.wait(max(0.0, min(left, WAIT_AT_ONCE))) or left <= WAIT_AT_ONCE:
            return ended.is_set()


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


T = TypeVar("T")


def limited(seconds: float | None, function: Callable[[], T]) -> T:
    """``function()``, stopped with ``OutOfTime`` raised here once it has run ``seconds``;
    no limit with None.

    Where an alarm can be set (``_alarm_possible``) it stops the call by that alarm,
    which stops Python code, a sleep or a wait. Anywhere else (another thread, Windows,
    an alarm already set) the call runs in a thread of its own, and at the limit
    ``OutOfTime`` is raised in that thread, again every ``AGAIN_AFTER`` while the call
    goes on, and here once the call has ended or
    ``AGAIN_AFTER`` has passed: that stops Python code at its next line, but a call
    waiting inside C (a sleep, a socket read) only once it returns to Python, and a loop
    inside C never; such a call is left behind, its result unused, and what it writes to
    standard output or error from then on unshown (``guard_streams``). A Ctrl-C while the
    caller waits is raised here, and the call is sent the stop as at its limit.

    A Ctrl-C (or SIGTERM) the process is sent meanwhile is marked as the user's
    (``interrupted``): a ``KeyboardInterrupt`` the call raises of itself is its failure."""
    with marking_signals():
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
        self._stopper: threading.Thread | None = None
        self._abandoned = False
        _async_raise()  # looked up here: an import is no place for a stop to land
        self._thread = threading.Thread(target=self._run, name="okrdesk-plugin-call",
                                        daemon=True)  # fmt: skip

    def result(self, seconds: float) -> T:
        try:
            self._thread.start()  # which waits for the thread to start: Ctrl-C may come
            ended = _wait_for(self._ended, seconds)
        except BaseException:
            # Ctrl-C (or SIGTERM) while waiting: the call is stopped as at its limit, not
            # left running for ever in a program that carries on after the interruption,
            # and what it writes meanwhile is not shown.
            self._stopping()
            self._leave_behind()
            raise
        if not ended:
            self._stopping()
            # Python code stops within moments, and undoes what it changed for the whole
            # process (its standard output redirected) before the caller goes on; a call
            # waiting inside C does not, and is left behind.
            if not self._ended.wait(AGAIN_AFTER):
                self._leave_behind()
            raise OutOfTime
        done, value = self._outcome[0]
        if not done:
            raise value
        return cast(T, value)

    def _stopping(self) -> None:
        """Send the call the stop, again and again while it runs (``_stop``), once."""
        with self._guard:
            if self._stopper is not None or not self._running:
                return
            self._stopper = threading.Thread(target=self._stop, name="okrdesk-plugin-stop",
                                             daemon=True)  # fmt: skip
        self._stopper.start()

    def _leave_behind(self) -> None:
        """The caller goes on without the call: from now on what its thread writes to
        standard output or error is dropped, wherever the caller's streams go next."""
        with self._guard:
            if not self._running:
                return
            _left_behind.add(self._thread.ident)
            self._abandoned = True
        guard_streams()

    def _run(self) -> None:
        began = (sys.stdout, sys.stderr)
        try:
            try:
                self._outcome.append((True, self._function()))
            except BaseException as error:
                self._outcome.append((False, error))
        except OutOfTime:
            pass  # sent as it ended: the call's outcome stands
        finally:
            self._finish(began)

    def _finish(self, began: tuple[Any, Any]) -> None:
        """The call has ended: no stop is sent after this, one sent as it ended is taken
        back or let pass, and a call left behind has its streams put right."""
        while True:
            try:
                with self._guard:
                    self._running = False
                    _raise_in(self._thread.ident, None)  # one sent and not yet raised
                    abandoned = self._abandoned
                break
            except OutOfTime:
                continue  # raised before it was taken back: none is sent after it
        if abandoned:
            _put_right(began)
            _left_behind.discard(self._thread.ident)
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


_left_behind: set[int | None] = set()
"""The threads of calls the caller went on without, while they run (``_Worker``)."""

_abandoned: set[threading.Thread] = set()
"""Threads of a plugin's own that the caller went on without (``abandon``): kept as
threads, not numbers, as a thread's number is given again once it ends."""


def abandon(thread: threading.Thread) -> None:
    """The caller goes on without ``thread``, a plugin's call it could not stop: from now
    on what it writes to standard output or error is dropped, as for a call ``limited``
    leaves behind."""
    _abandoned.add(thread)
    guard_streams()


def _silenced() -> bool:
    """Whether the thread writing is one the caller went on without."""
    return threading.get_ident() in _left_behind or (
        bool(_abandoned) and threading.current_thread() in _abandoned
    )


_guarded: dict[str, _Gagged] = {}
"""The standard streams the process has had since a call was first left behind, each
wrapped so as to drop what such a call writes: what a call that ends put back of its
caller's capture is replaced by."""


class _Gagged:
    """A standard stream that drops what a call left behind writes to it (a report meant
    for another program must not have a plugin's words in it, nor the stream's lock be
    held at the process's end by a thread that never lets go), and passes on the rest."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if _silenced():
            return len(text)
        return int(self._stream.write(text))

    def writelines(self, lines: Any) -> None:
        if not _silenced():
            self._stream.writelines(lines)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def guard_streams() -> None:
    """Once a call has been left behind, make sure standard output and error drop what
    it writes: called when it is left behind, and by whoever puts back the streams it
    redirected around a plugin's call (``manager.quiet``, a collect's settings check)."""
    if not _left_behind and not _abandoned and not _guarded:
        return
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            continue
        if not isinstance(stream, _Gagged):
            stream = _Gagged(stream)
            setattr(sys, name, stream)
        _guarded[name] = stream


def _put_right(began: tuple[Any, Any]) -> None:
    """A call left behind has ended: a standard stream it left as it was when it began
    (a plugin's own redirection undone, putting back its caller's capture of that
    moment, long since ended) is put back to the one the process has had since."""
    for name, stream in zip(("stdout", "stderr"), began, strict=True):
        now = _guarded.get(name)
        if now is not None and getattr(sys, name) is stream and stream is not now:
            setattr(sys, name, now)


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
    """The Ctrl-C (or SIGTERM) that ``error`` is or came while handling, if the process
    was sent one while a plugin's call ran (``limited``): a stop that lands in a plugin's
    clean-up after the user pressed Ctrl-C must not swallow it. A ``KeyboardInterrupt``
    no signal raised (``raise KeyboardInterrupt`` in a plugin's import) is not the user
    stopping the command but the plugin failing, and None here; so is one raised in a
    thread of the plugin's own, where Python never delivers a signal."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt) and getattr(seen, _SIGNALLED, False):
            return seen
        seen = seen.__context__
    return None


_SIGNALLED = "_okrdesk_signalled"
"""Set on the exception a signal's handler raised while a plugin's call ran."""

_STOPPING_SIGNALS = ("SIGINT", "SIGTERM")


@contextlib.contextmanager
def marking_signals() -> Iterator[None]:
    """While the block runs, the exception each stopping signal's handler raises (Python's
    own ``KeyboardInterrupt`` for Ctrl-C, okrdesk's for SIGTERM) is marked as raised by
    a signal. Only the main thread can set handlers, and only there are signals
    delivered; a handler set from C, or none, is left alone."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before: dict[int, Callable[[int, FrameType | None], Any]] = {}
    for name in _STOPPING_SIGNALS:
        signum = getattr(signal, name, None)
        handler = None if signum is None else signal.getsignal(signum)
        if signum is not None and callable(handler) and not getattr(handler, _SIGNALLED, False):
            before[signum] = handler
            signal.signal(signum, _marked(handler))
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def _marked(
    handler: Callable[[int, FrameType | None], Any],
) -> Callable[[int, FrameType | None], Any]:
    def marking(signum: int, frame: FrameType | None) -> Any:
        try:
            return handler(signum, frame)
        except BaseException as error:
            with contextlib.suppress(AttributeError, TypeError):
                setattr(error, _SIGNALLED, True)
            raise

    setattr(marking, _SIGNALLED, True)
    return marking
