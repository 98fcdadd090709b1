"""Where a plugin was in its own code when its process (``collect``'s) ended without a
word: a crash inside C (SIGSEGV, SIGBUS), ``os.abort()``, or ``os._exit``, or when it was
stopped at its time limit. The process leaves a note in its own folder: Python's
``faulthandler`` writes the stack of the thread a fatal signal struck, and of its threads
when okrdesk asks before it stops it (``ask_where``), and ``os._exit`` notes the line that
called it. The collect reads the note and names the plugin's line, as ``describe_error``
names the line of an exception. SIGKILL leaves no note: nothing in a process runs as it
is killed.
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from okrdesk.plugins.failures import called_from, innermost

STACK = "stack"
"""The file in a plugin process's folder ``faulthandler`` writes a fatal signal's stack to."""
_ASKED = getattr(signal, "SIGUSR2", None)
"""The signal that has a plugin's process write its threads' stacks (none on Windows)."""
EXITED_AT = "exited-at"
"""The file in a plugin process's folder naming the line of the plugin's code that called
``os._exit``."""


def leave_last_words(
    folder: str, plugin: Callable[[], object | None], how: tuple[str, str] | None
) -> None:
    """In the plugin's process (its own ``folder``): have a fatal signal's stack written to
    ``STACK``, and ``os._exit`` note the line of the plugin's code that called it
    (``plugin``: the plugin object once loaded; ``how``: how it was loaded)."""
    import faulthandler

    stack = os.open(os.path.join(folder, STACK), os.O_WRONLY | os.O_CREAT, 0o600)  # scratch: a note
    faulthandler.enable(stack, all_threads=False)
    if _ASKED is not None:
        faulthandler.register(_ASKED, file=stack, all_threads=True)
    exit_now, process = os._exit, os.getpid()

    def noted(status: int) -> NoReturn:
        # Not in a process the plugin forked (a worker of its own), which shares the folder.
        if os.getpid() == process:
            try:
                place = called_from(plugin(), how)
                if place:
                    Path(folder, EXITED_AT).write_text(place, encoding="utf-8")  # scratch: a note
            except Exception:  # the place is a help; the process ends all the same
                pass
        exit_now(status)

    os._exit = noted


def ask_where(pid: int, folder: str, wait: float = 1.0) -> None:
    """Have the plugin's process ``pid``, about to be stopped, write its threads' stacks to
    its note in ``folder``, waiting for them at most ``wait`` seconds: even in a loop that
    holds the GIL, ``faulthandler`` writes them from its signal handler."""
    if _ASKED is None:
        return
    note = Path(folder, STACK)
    try:
        os.kill(pid, _ASKED)
    except OSError:  # gone meanwhile
        return
    until, size = time.monotonic() + wait, -1
    while time.monotonic() < until:
        time.sleep(0.02)
        try:
            now = note.stat().st_size
        except OSError:
            return
        if now and now == size:  # written, and no longer growing
            return
        size = now


def last_words(folder: str, how: tuple[str, str] | None, *, stack: bool) -> str | None:
    """The line of the plugin's code its process was at, from its note in ``folder``:
    with ``stack``, the stacks ``faulthandler`` wrote (of a fatal signal, or ``ask_where``);
    otherwise ``os._exit``'s line. None when there is no note, or no stack passed through
    the plugin's code (a SIGKILL, a crash in a thread of a library's own)."""
    try:
        if not stack:
            return Path(folder, EXITED_AT).read_text(encoding="utf-8").strip() or None
        dump = Path(folder, STACK).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    # A thread's stack begins with a line of its own ("Current thread 0x… (most recent call
    # first):"), then its calls, the most recent first: `  File "x.py", line 12 in collect`.
    threads: list[list[tuple[str, int]]] = []
    for line in dump.splitlines():
        frame = re.match(r'\s+File "(.+)", line (\d+) in ', line)
        if frame is None:
            if line.strip():
                threads.append([])
            continue
        if threads and not frame[1].startswith("<"):
            threads[-1].append((os.path.abspath(frame[1]), int(frame[2])))
    for calls in threads:
        if (place := innermost(calls[::-1], None, how)) is not None:
            return place
    return None
