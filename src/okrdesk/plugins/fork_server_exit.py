"""What the fork server leaves behind when it ends: nothing.

The fork server listens on a Unix socket in a folder multiprocessing makes for the
okrdesk process (``pymp-…`` in the temporary folder), which that process removes as it
exits. An okrdesk process killed outright (SIGKILL, the out-of-memory killer) removes
nothing; its fork server sees it gone and ends, and on the way out it removes the socket
and the folder, named to it in ``FOLDER_VARIABLE`` when it was started. Only sockets
named ``listener-…`` are removed, and the folder only if that leaves it empty.

The fork server imports this module first (``runner._PRELOADED``). okrdesk's own
process imports it for the variable's name, before it sets the variable, and so
registers nothing (unless the variable came with its own environment, when it would
remove that folder's listening sockets as it ends, all the variable can ask). The
processes forked for plugins end with ``os._exit`` and never run what is registered.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import stat

FOLDER_VARIABLE = "OKRDESK_FORK_SERVER_FOLDER"


def remove_listening_folder(folder: str) -> None:
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if entry.name.startswith("listener-") and stat.S_ISSOCK(
                entry.stat(follow_symlinks=False).st_mode
            ):
                os.unlink(entry.path)
        os.rmdir(folder)


_folder = os.environ.pop(FOLDER_VARIABLE, None)
if _folder:
    atexit.register(remove_listening_folder, _folder)
