"""Ctrl-C and SIGTERM held off for the few steps that must not be cut in two: a file or
folder made and handed to what removes it (``export``), a plugin's process, or the fork
server, started and handed what it runs (``plugins.runner``), a check-in stored and its id
in hand (``app.checkin``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM put off until the block ends, and taken then as they would have
    been: for the few steps that make a file or folder and hand it to what removes it,
    or remove it, or start a process and hand it what it runs. A Ctrl-C between the two
    (a folder made, its removal not yet in hand) left it behind. Outside the main thread,
    which no signal interrupts, nothing is put off."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[tuple[Any, Any]] = []
    before: dict[signal.Signals, Any] = {}
    try:
        for held in (signal.SIGINT, signal.SIGTERM):
            if signal.getsignal(held) is not None:  # None: set outside Python, not put back
                before[held] = signal.signal(held, lambda *arrived: came.append(arrived))
        yield
    finally:
        for held, handler in before.items():
            signal.signal(held, handler)
        if came:
            number, frame = came[0]
            handler = before[number]
            if callable(handler):  # Python's own for Ctrl-C raises KeyboardInterrupt
                handler(number, frame)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(number)
