"""``okrdesk``, the command, and ``python -m okrdesk``.

The command starts here rather than in ``okrdesk.cli``: importing click and the
command line makes some twenty thousand objects, and the cyclic garbage
collector would walk them about twenty times while they are made. So no
collection runs until they are imported; from there on ``cli/start_up.py``
holds the collector back while the command runs.

It ends here too. Once a command has said how it ends (``sys.exit``), Python
waits for its threads and runs every exit handler as usual; then, instead of
taking every module apart object by object, a sixth of a report's time, the
process flushes its output and leaves with the command's status. Where an
error escapes the command (a traceback, a bug), or the output cannot be
flushed, Python ends the process its own way; where the output's reader has
closed the pipe, with 141, as a command that meets it while printing does.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys

_status: list[int] = []
"""The status the command ended with, once it has said so."""


def main() -> None:
    """The ``okrdesk`` command."""
    # Registered before anything else is: exit handlers run last-registered first,
    # so this one runs after every handler the command's modules add.
    atexit.register(_leave_without_teardown)
    _without_the_current_folder()
    enabled = gc.isenabled()
    gc.disable()
    try:
        from okrdesk.cli import main as command
        from okrdesk.cli.start_up import starting

        starting()  # what was imported is frozen before the collector runs again
    except KeyboardInterrupt:
        _stopped_while_starting()
    finally:
        if enabled:
            gc.enable()
    try:
        command()
    except SystemExit as ending:
        _status.append(exit_status(ending.code))
        raise
    _status.append(0)


def _stopped_while_starting() -> None:
    """Ctrl-C while Python still loads the command line, before it can take one: said as
    the command line says it (Python printed a traceback of the import it was in). The
    workspace's language is not known yet: English where the command asks for it."""
    from okrdesk.interrupted import said_when_stopped

    asked = sys.argv[1:]
    english = "--lang=en" in asked or any(
        asked[i : i + 2] == ["--lang", "en"] for i in range(len(asked) - 1)
    )
    sys.stderr.write(f"\n{said_when_stopped(2, 'en' if english else 'zh')}\n")  # 2: SIGINT
    _status.append(130)
    sys.exit(130)


def _without_the_current_folder() -> None:
    """Take the current folder off Python's path, where ``python -m okrdesk`` put it: a
    workspace is often the current folder, and a ``click.py`` someone put in one they
    sent must not be what okrdesk imports. (Python itself has already imported ``runpy``
    and this package by then; ``python -P -m okrdesk`` keeps even those from it.)"""
    here = os.getcwd()
    sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != here]


def exit_status(code: object) -> int:
    """The process's status for ``sys.exit(code)``, as Python gives it: none is 0, a
    number is itself, anything else (a message, printed by Python) is 1."""
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


def _leave_without_teardown() -> None:
    if not _status:
        return
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except BrokenPipeError:
        # What was left to print found its reader gone (`| head`): ended as a command
        # that meets a closed pipe while it prints is (okrdesk.cli.PIPE_CLOSED), not 120.
        from okrdesk.cli import PIPE_CLOSED, reader_gone

        reader_gone()
        os._exit(PIPE_CLOSED)
    except (OSError, ValueError):  # the output cannot be written: Python says so, exits 120
        return
    os._exit(_status[0] & 0xFF)


if __name__ == "__main__":
    main()
