"""Whether an unfinished collect's process still runs, asked without harming it."""

from __future__ import annotations

import os
import types

import pytest

from okrdesk.model import Run
from okrdesk.store import liveness
from okrdesk.store.liveness import Liveness


def _run(pid: int, host: str, start: str | None) -> Run:
    return Run(1, "2026-12-04T18:36:00", None, "running", "collect", None, pid, {}, (),
               host=host, process_start=start)  # fmt: skip


def test_this_process_runs_and_a_gone_one_died() -> None:
    me = _run(os.getpid(), liveness.this_host(), liveness.process_start(os.getpid()))
    assert liveness.liveness(me) is Liveness.RUNNING
    # The same pid with another start is another process: the collect's is gone.
    assert liveness.liveness(_run(os.getpid(), liveness.this_host(), "x:1")) is Liveness.DIED
    assert liveness.liveness(_run(os.getpid(), "elsewhere.example", None)) is (Liveness.ELSEWHERE)


def test_on_windows_no_process_is_signalled(monkeypatch: pytest.MonkeyPatch) -> None:
    # There os.kill(pid, 0) sends CTRL_C_EVENT: checking a running collect's liveness
    # would have interrupted it. (Windows cannot run here; its os module is stood in.)
    def kill(pid: int, signal: int) -> None:
        raise AssertionError(f"os.kill({pid}, {signal}) on Windows sends Ctrl-C")

    monkeypatch.setattr(liveness, "os", types.SimpleNamespace(name="nt", kill=kill))
    monkeypatch.setattr(liveness, "_PROC", liveness._PROC / "not-on-windows")
    running = _run(os.getpid(), liveness.this_host(), None)
    assert liveness.liveness(running) is Liveness.UNKNOWN
