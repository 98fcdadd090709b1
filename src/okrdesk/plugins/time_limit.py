"""A limit on how long a plugin may take to load in okrdesk's own process.

``report``, ``check`` and the other commands that read a workspace import its plugins
here, where starting a process for each would cost more than the whole report. A
plugin whose import or ``okrdesk_metrics`` does not return is stopped by an alarm
signal at the limit, named, and left out, and the command carries on. The alarm stops
Python code, waits and sleeps; it cannot stop a loop inside C that never returns to
Python (a runaway regular expression), nor a plugin that ends the process: ``collect``
loads every plugin in a process of its own, which it can kill.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType

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


AGAIN_AFTER = 0.5
"""Seconds between alarms once the limit is passed: a plugin that catches the first
(``except BaseException``) and carries on is stopped by the next."""


class OutOfTime(BaseException):
    """Raised in a plugin's code when its time is up: a BaseException, so that a plugin's
    own ``except Exception`` does not take it for an error of its own to handle."""


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``OutOfTime`` in the block once it has run ``seconds``; no limit with None,
    or where no alarm can be set: off the main thread, where Python has no ``setitimer``
    (Windows), or while an alarm of someone else's is set (never put off nor lost)."""
    if (
        seconds is None
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
        or signal.getitimer(signal.ITIMER_REAL) != (0.0, 0.0)
    ):
        yield
        return
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


def interrupted(error: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C that ``error`` came while handling, if any: a stop that lands in a
    plugin's clean-up after the user pressed Ctrl-C must not swallow it."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return seen
        seen = seen.__context__
    return None
