"""The fork server plugin processes are forked from, started once per command.

A fresh interpreter that has imported okrdesk's own modules and nothing of the
plugins, holds no thread and no database, and takes the caller's environment and
folder with each request: a plugin process starts in milliseconds instead of paying
for a new interpreter each time (``spawn``, used where the fork server cannot start).
What it does as it ends is ``fork_server_exit``; what it does once it has preloaded,
``fork_server_ready``.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

from okrdesk.plugins.failures import describe_error
from okrdesk.signals_held import signals_held

PRELOADED = [
    "okrdesk.plugins.fork_server_exit",
    "__main__",
    "okrdesk.plugins.runner",
    "okrdesk.cli",
    "okrdesk.plugins.fork_server_ready",
]
"""What the fork server imports once: what it does when it ends, okrdesk's own modules
(the runner and what it imports) and what the ``okrdesk`` script imports, which each
process runs again."""


NO_FORK_SERVER: list[str] = []
"""Why the fork server could not start, once it failed: then each process is spawned."""


_SAFE_PATH = "PYTHONSAFEPATH"


_STARTING = threading.Lock()


@contextlib.contextmanager
def safe_path(variables: Mapping[str, str] | None = None) -> Iterator[None]:
    """While multiprocessing starts a Python process (the fork server, its resource
    tracker, a spawned plugin process), start it without the current folder on its path.
    They are ``python -c`` commands, which put the current folder first, and a workspace
    is often the current folder: a ``multiprocessing.py`` or ``attrs.py`` someone put in a
    workspace they sent would run before any plugin, with no ``okrdesk trust``. Only for
    that moment, one start at a time: this process's other children, and a program that
    uses okrdesk as a library, keep their environment as it was. ``variables`` are set
    for that moment too."""
    with _STARTING:
        ours = _SAFE_PATH not in os.environ
        added = {**({_SAFE_PATH: "1"} if ours else {}), **(variables or {})}
        kept = {name: os.environ.get(name) for name in added}
        os.environ.update(added)
        try:
            yield
        finally:
            for name, value in kept.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def process_context() -> Any:
    """How plugin processes start: forked from the fork server where there is one."""
    # Imported here: a collect whose plugins all run in this process needs none of it.
    import multiprocessing

    if NO_FORK_SERVER or "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOADED)
    if not _STOP_REGISTERED:
        import atexit
        import multiprocessing.util  # registers its exit function as it is imported

        # Registered after multiprocessing's own exit function, so run before it: the
        # server is gone before that removes the folder of its socket.
        atexit.register(stop)
        _STOP_REGISTERED.append(True)
    return context


_STOP_REGISTERED: list[bool] = []


def stop() -> None:
    """As okrdesk ends: the fork server ended too. It notices okrdesk gone only once it
    waits for work, after importing what it preloads: okrdesk stopped (Ctrl-C, SIGTERM)
    as the server started left it running a second or so after okrdesk had exited. A
    SIGTERM ends it at once, wherever it is, leaving the folder of its socket to this
    process's exit (``fork_server_exit``); waited for, so it is gone before okrdesk."""
    import signal
    from multiprocessing import forkserver

    # multiprocessing keeps the server's process id alone, and says it nowhere else.
    pid = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)
    if not isinstance(pid, int):
        return
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 2
        while os.waitpid(pid, os.WNOHANG) == (0, 0) and time.monotonic() < deadline:
            time.sleep(0.005)


def warm_up() -> None:
    """Start the fork server now, so it imports okrdesk's modules while this process
    reads the workspace, rather than when the first plugin process is needed; where it
    cannot start (no Unix sockets, a temporary folder whose path is too long for one),
    plugin processes are spawned instead."""
    if process_context().get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver, resource_tracker, util

    from okrdesk.plugins.fork_server_exit import FORK_SERVER_FOLDER

    try:
        # The folder of its socket: the fork server removes it if this process cannot.
        # Ctrl-C or SIGTERM taken once it has started: one that cut the start in two left
        # the server started, and this process without its process id or its pipe.
        # Ctrl-C ignored, too, for the moment the server's process is made: it starts
        # ignoring it (a disposition a new program keeps), so a Ctrl-C to okrdesk's process
        # group as it starts and preloads okrdesk's modules, which ended it in a
        # KeyboardInterrupt's traceback, passes it by (``fork_server_ready``).
        with safe_path({FORK_SERVER_FOLDER: util.get_temp_dir()}), signals_held():
            # Its resource tracker first: starting it unblocks Ctrl-C, however it was.
            resource_tracker.ensure_running()
            with _ctrl_c_ignored():
                forkserver.ensure_running()
    except OSError as error:
        NO_FORK_SERVER.append(describe_error(error))


@contextlib.contextmanager
def _ctrl_c_ignored() -> Iterator[None]:
    """SIGINT ignored while the block runs, in the main thread (elsewhere, as it is), so
    that a program started in it starts ignoring it; blocked meanwhile, so that one sent
    to this process then is kept (Linux keeps a blocked signal, ignored or not) and taken
    by the handler put back, not lost. A program started in it starts with it blocked
    too, and must unblock it (``fork_server_exit``)."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    blocks = hasattr(signal, "pthread_sigmask")
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if blocks else None
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)
        if mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
