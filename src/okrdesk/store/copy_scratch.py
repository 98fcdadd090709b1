"""The temporary folder ``store copy`` upgrades an older SQLite store in, named for the
process that made it: one left by a copy killed outright (SIGKILL, the out-of-memory
killer), which removes nothing, held a whole copy of the store in the temporary folder
for good. The next copy removes it once its process is gone for certain, never one of a
process still running, nor one made on another machine sharing the folder."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from okrdesk.signals_held import signals_held
from okrdesk.store.liveness import process_gone, process_start, this_host

_NAMED = re.compile(r"okrdesk-copy-([0-9a-f]{8})-(\d+)-(\d+|x)-")
"""okrdesk-copy-<this machine's mark>-<process id>-<its start, in clock ticks>-…"""


def _machine() -> str:
    return hashlib.sha256(this_host().encode("utf-8", "surrogateescape")).hexdigest()[:8]


@contextlib.contextmanager
def copy_folder() -> Iterator[Path]:
    """A new folder in the temporary folder, removed as the block ends, however it ends
    but by a kill that leaves nothing running."""
    pid = os.getpid()
    start = process_start(pid)
    ticks = start.rsplit(":", 1)[1] if start else "x"
    # Made and handed to what removes it in one step: a Ctrl-C between left it behind.
    with signals_held():
        made = tempfile.TemporaryDirectory(prefix=f"okrdesk-copy-{_machine()}-{pid}-{ticks}-")
    with made as folder:
        yield Path(folder)


def clear_left_copies() -> None:
    """Remove the folders of earlier copies whose process is gone for certain: of this
    machine, and either no longer running or its process id now another's (a process
    started at another moment, or since the machine started again)."""
    start = process_start(os.getpid())
    boot = start.rsplit(":", 1)[0] if start else None
    machine = _machine()
    try:
        entries = list(os.scandir(tempfile.gettempdir()))
    except OSError:
        return
    for entry in entries:
        named = _NAMED.match(entry.name)
        if named is None or named[1] != machine or not entry.is_dir(follow_symlinks=False):
            continue
        pid, ticks = int(named[2]), named[3]
        if pid == os.getpid():
            continue
        started = f"{boot}:{ticks}" if boot is not None and ticks != "x" else None
        if process_gone(pid, started):
            shutil.rmtree(entry.path, ignore_errors=True)
