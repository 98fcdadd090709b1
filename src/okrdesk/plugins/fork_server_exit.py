"""What the fork server leaves behind when it ends: nothing.

The fork server listens on a Unix socket in a folder multiprocessing makes for the
okrdesk process (``pymp-…`` in the temporary folder), which that process removes as it
exits. An okrdesk process killed outright (SIGKILL, the out-of-memory killer) removes
nothing; its fork server sees it gone and ends, and on the way out it removes the
socket and the folder, named to it in
``FORK_SERVER_FOLDER`` when it was started. Only sockets
named ``listener-…`` are removed, and the folder only if that leaves it empty.

The fork server imports this module first (``fork_server.PRELOADED``), and
``fork_server_ready`` last; okrdesk's own
process imports it only for the variable's name, before it sets the variable, and so
registers nothing. The processes forked for plugins end with ``os._exit`` and never run
what is registered. A fork server stopped with okrdesk's process group (SIGTERM), or by
okrdesk itself as it exits (``fork_server.stop``), ends at once, leaving the
folder to okrdesk, which removes it as it ends: were both to, okrdesk's own removal
would find it gone and fail.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import stat

FORK_SERVER_FOLDER = "OKRDESK_FORK_SERVER_FOLDER"
"""Names to the fork server the folder of its socket; set by ``fork_server.warm_up``."""


def started_the_fork_server() -> bool:
    """Whether this process is okrdesk's fork server (named its folder as it started)."""
    return bool(_folder)


def remove_listening_folder(folder: str) -> None:
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if entry.name.startswith("listener-") and stat.S_ISSOCK(
                entry.stat(follow_symlinks=False).st_mode
            ):
                os.unlink(entry.path)
        os.rmdir(folder)


_folder = os.environ.pop(FORK_SERVER_FOLDER, None)
if _folder:
    atexit.register(remove_listening_folder, _folder)
    # Ctrl-C reaches the fork server with okrdesk's whole process group, and one that
    # came as it started or imported what it preloads ended it in a KeyboardInterrupt's
    # traceback, and its exit took the folder okrdesk was about to remove (a second
    # traceback, the user's own process's). It starts ignoring Ctrl-C
    # (``fork_server.warm_up``), as multiprocessing has it ignore it once it has preloaded;
    # okrdesk, which took the Ctrl-C, stops the server. Python's own handler comes back
    # with the last module preloaded (``fork_server_ready``), for the processes it forks.
    # It starts with Ctrl-C blocked too, as okrdesk held it while starting it: unblocked,
    # or the plugins' processes and what they start would never be told of a Ctrl-C.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
