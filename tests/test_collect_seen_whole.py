"""A collect's figures are seen all at once: a report, check or export that reads while a
collect stores sees the store as it was before the collect, or as it is after it, never
this collect's weeks beside the last one's months."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from backends import Backend
from okrdesk.store import Store
from sample_workspace import WriteWorkspace, trusted
from test_store import MONTHLY_SCORING  # new_hnw_clients by month too: two plugin calls

HELD = """\
import os
import pathlib
import time

from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("new_hnw_clients", "New HNW clients", "新增高净值客户",
                        MetricKind.FLOW, UNITS["户"]))


@hookimpl
def okrdesk_collect(request, emit):
    gate = os.environ.get("OKRDESK_TEST_GATE")
    if gate and request.periods[0].grain.value == "month":
        # The weeks were asked first and have been handed over whole: held here until
        # the test has read the store.
        pathlib.Path(gate + ".ready").write_text("ready")
        deadline = time.monotonic() + 60
        while not pathlib.Path(gate).exists():
            if time.monotonic() > deadline:
                raise RuntimeError("the test never opened the gate")
            time.sleep(0.02)
    figure = float(os.environ["OKRDESK_TEST_FIGURE"])
    for period in request.periods:
        for person in request.people:
            emit("new_hnw_clients", person.id, period.id, value=figure, source="hnw.csv")
"""

OKRS = """\
[[objectives]]
id = "O1"
title = "直营 AUM 净增"
owner = "branch"

[[objectives.key_results]]
id = "KR1"
title = "新增高净值客户"
metric = "new_hnw_clients"
target = 360
unit = "户"
"""


THROUGH = "2026-02-28"


def workspace(backend: Backend) -> Path:
    root = backend.workspace({"okrs.toml": OKRS, "scoring.toml": MONTHLY_SCORING,
                              "budget.toml": None})  # fmt: skip
    (root / "plugins" / "test_metrics.py").unlink()
    (root / "plugins" / "held.py").write_text(HELD, encoding="utf-8")
    return trusted(root)


def okrdesk(root: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "okrdesk", *args, "-w", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "OKRDESK_LOAD_PLUGINS": "held", **env},
        start_new_session=True,  # a group of its own, stopped whole if left running
    )  # fmt: skip


def done(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, out + err
    return out


def figures_exported(root: Path) -> dict[str, set[float]]:
    """What ``okrdesk export`` reads of new_hnw_clients: each grain's figures."""
    exported: dict[str, Any] = json.loads(done(okrdesk(root, "export", "--format", "json")))
    found: dict[str, set[float]] = {}
    for row in exported["observations"]:
        found.setdefault(row["grain"], set()).add(row["value"])
    return found


@contextlib.contextmanager
def held_collect(root: Path, gate: Path, figure: str) -> Iterator[subprocess.Popen[str]]:
    """A collect held in its second plugin call (the months), its first (the weeks) over."""
    running = okrdesk(root, "collect", "--through", THROUGH, OKRDESK_TEST_GATE=str(gate),
                      OKRDESK_TEST_FIGURE=figure)  # fmt: skip
    try:
        ready = Path(f"{gate}.ready")
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert running.poll() is None, running.communicate()
            assert time.monotonic() < deadline, "the collect never reached its months"
            time.sleep(0.02)
        yield running
    finally:
        if running.poll() is None:
            gate.write_text("open", encoding="utf-8")
            with contextlib.suppress(subprocess.TimeoutExpired):
                running.communicate(timeout=60)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(running.pid, signal.SIGKILL)


def test_a_reader_amid_a_collect_sees_none_of_its_figures_until_it_has_stored_them_all(
    backend: Backend, tmp_path: Path
) -> None:
    # Each plugin call's figures were stored in a transaction of their own as it ended:
    # an export (a report, a check) read while the months were still being asked had this
    # collect's weeks beside the last collect's months.
    root = workspace(backend)
    assert "第 1 次采集" in done(okrdesk(root, "collect", "--through", THROUGH,
                                         OKRDESK_TEST_FIGURE="1"))  # fmt: skip
    assert figures_exported(root) == {"week": {1.0}, "month": {1.0}}
    gate = tmp_path / "gate"
    with held_collect(root, gate, figure="2") as running:
        assert figures_exported(root) == {"week": {1.0}, "month": {1.0}}
        gate.write_text("open", encoding="utf-8")
        assert "第 2 次采集" in done(running)
    assert figures_exported(root) == {"week": {2.0}, "month": {2.0}}


WAITING = {
    "en": (
        "Waiting for collect run 1 (started ",
        "process {pid} on okrdesk-job-server) to finish, for at most 60 minutes (--wait): ",
    ),
    "zh": (
        "等待第 1 次采集（",
        "开始，okrdesk-job-server 上的进程 {pid}）结束，最多等 60 分钟（--wait）：同一计划",
    ),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_collect_of_the_plan_on_another_machine_sharing_the_store_is_waited_for(
    write_workspace: WriteWorkspace, postgres_url: str, tmp_path: Path, lang: str
) -> None:
    # Only a run of this machine, whose process can be seen, was waited for: one of the
    # collect job's server, sharing the firm's store, was not, and both stored a part.
    root = workspace(Backend("postgresql", postgres_url, write_workspace))
    gate = tmp_path / "gate"
    with held_collect(root, gate, figure="2") as elsewhere:
        with psycopg.connect(postgres_url, autocommit=True) as server:
            # The run as the job's server keeps it: its own machine and process.
            server.execute("UPDATE runs SET host = 'okrdesk-job-server'")
        here = okrdesk(root, "--lang", lang, "collect", "--through", THROUGH,
                       OKRDESK_TEST_FIGURE="3")  # fmt: skip
        assert here.stderr is not None
        waiting = here.stderr.readline()  # its first line, or "" where it never waited
        start, machine = WAITING[lang]
        assert waiting.startswith(start), waiting
        assert machine.format(pid=elsewhere.pid) in waiting
        gate.write_text("open", encoding="utf-8")
        assert "第 1 次采集" in done(elsewhere)
        assert ("Run 2: " if lang == "en" else "第 2 次采集") in done(here)
    with Store.open(postgres_url) as store:
        first, second = store.runs()
        assert first.finished is not None and second.started >= first.finished
    assert figures_exported(root) == {"week": {3.0}, "month": {3.0}}


def test_a_collect_that_died_on_another_machine_is_not_waited_for(
    write_workspace: WriteWorkspace, postgres_url: str, tmp_path: Path
) -> None:
    # Its connection ended with it, and the server let go of its lock: its run, never
    # finished, is no reason to wait for ever.
    root = workspace(Backend("postgresql", postgres_url, write_workspace))
    with held_collect(root, tmp_path / "gate", figure="2") as elsewhere:
        with psycopg.connect(postgres_url, autocommit=True) as server:
            server.execute("UPDATE runs SET host = 'okrdesk-job-server'")
        os.killpg(elsewhere.pid, signal.SIGKILL)
        elsewhere.wait(timeout=60)
    here = okrdesk(root, "--lang", "en", "collect", "--through", THROUGH,
                   OKRDESK_TEST_FIGURE="3")  # fmt: skip
    out, err = here.communicate(timeout=120)
    assert here.returncode == 0, out + err
    assert "Waiting" not in err and "Run 2: " in out
    assert figures_exported(root) == {"week": {3.0}, "month": {3.0}}
