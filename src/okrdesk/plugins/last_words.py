"""Where a plugin was in its own code when its process (``collect``'s) ended without a
word: a crash inside C (SIGSEGV, SIGBUS), ``os.abort()``, or ``os._exit``. The process
leaves a note in its own folder as it ends: Python's ``faulthandler`` writes the stack of
the thread a fatal signal struck, and ``os._exit`` notes the line that called it. The
collect reads the note and names the plugin's line, as ``describe_error`` names the line
of an exception. SIGKILL leaves no note: nothing in a process runs as it is killed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from okrdesk.plugins.failures import called_from, innermost

STACK = "stack"
"""The file in a plugin process's folder ``faulthandler`` writes a fatal signal's stack to."""
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


def last_words(folder: str, how: tuple[str, str] | None, *, signalled: bool) -> str | None:
    """The line of the plugin's code its process ended at, from its note in ``folder``:
    ``signalled``, a fatal signal's stack; otherwise ``os._exit``'s line. None when there
    is no note, or the stack never passed through the plugin's code (a SIGKILL, a crash
    in a thread of a library's own)."""
    try:
        if not signalled:
            return Path(folder, EXITED_AT).read_text(encoding="utf-8").strip() or None
        dump = Path(folder, STACK).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    # faulthandler writes the most recent call first: `  File "x.py", line 12 in collect`.
    frames = [
        (os.path.abspath(file), int(line))
        for file, line in re.findall(r'^\s*File "(.+)", line (\d+) in ', dump, re.MULTILINE)
        if not file.startswith("<")
    ]
    frames.reverse()
    return innermost(frames, None, how)
