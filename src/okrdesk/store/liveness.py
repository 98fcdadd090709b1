"""Whether the process of a run that never finished is still running.

A run keeps the host it ran on, its process id and its process's start as the kernel
counts it (on Linux the boot's id and the clock ticks from boot to the process's start,
from ``/proc``), so a process id used again by another process, or after a reboot, is
not taken for the collect. Elsewhere a run keeps no start, and a process of its id
still there is taken for it. A run on another machine (a firm's PostgreSQL store
shared by the collect job's server and the laptops) cannot be looked at from here.
"""

from __future__ import annotations

import os
import platform
from enum import StrEnum
from pathlib import Path

from okrdesk.model import Run

_PROC = Path("/proc")


class Liveness(StrEnum):
    RUNNING = "running"
    """Its process runs on this machine."""
    DIED = "died"
    """Its process, on this machine, is gone (killed, or it lost its store and could not
    say so)."""
    ELSEWHERE = "elsewhere"
    """It ran on another machine, whose processes cannot be seen from here."""
    UNKNOWN = "unknown"
    """A run kept before okrdesk noted its host."""
    INTERRUPTED = "interrupted"
    """Stopped with Ctrl-C (SIGINT) before it finished: it said so as it stopped."""
    TERMINATED = "terminated"
    """Stopped with SIGTERM (a scheduler, ``timeout``, systemd) before it finished: it
    said so as it stopped."""


STOPPED = frozenset({Liveness.INTERRUPTED.value, Liveness.TERMINATED.value})
"""The statuses a run that was stopped keeps (``Store.stop_run``); it stays unfinished."""


def this_host() -> str:
    # The name socket.gethostname gives, without importing socket into every report.
    return platform.node()


def process_start(pid: int) -> str | None:
    """The start of process ``pid`` as the kernel counts it, None where it is gone (or a
    zombie), or where the system does not say (no ``/proc``)."""
    try:
        boot = (_PROC / "sys" / "kernel" / "random" / "boot_id").read_text().strip()
        stat = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command's name, in parentheses, may hold spaces and parentheses itself.
    fields = stat.rsplit(")", 1)[-1].split()
    if len(fields) < 20 or fields[0] in ("Z", "X"):
        return None
    return f"{boot}:{fields[19]}"


def liveness(run: Run) -> Liveness:
    """Whether the process of ``run``, which never finished, still runs, or how it was
    stopped where it said so."""
    if run.status in STOPPED:
        return Liveness(run.status)
    if run.host is None or run.pid is None:
        return Liveness.UNKNOWN
    if run.host != this_host():
        return Liveness.ELSEWHERE
    gone = process_gone(run.pid, run.process_start)
    if gone is None:
        # Say what a run kept before okrdesk noted its host says (still running, or
        # stopped).
        return Liveness.UNKNOWN
    return Liveness.DIED if gone else Liveness.RUNNING


def process_gone(pid: int, start: str | None) -> bool | None:
    """Whether process ``pid`` of this machine, which started at ``start``
    (``process_start``'s, None where not known), is gone for certain: a process of that
    id that started otherwise is another. None where this system cannot tell."""
    if start is not None and _PROC.is_dir():
        return process_start(pid) != start
    if os.name == "nt":
        # There os.kill with 0 does not ask: 0 is CTRL_C_EVENT, sent to the process if it
        # shares the console.
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # a process of another user's, of that id
    return False
