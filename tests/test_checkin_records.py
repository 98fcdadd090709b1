"""What `okrdesk checkin` stores and says it stored: counted in the insert's own
transaction, an exact repeat refused, what was stored told even when Ctrl-C cuts it
short. Real workspaces, a real SQLite store, real processes and click's CliRunner."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner, Result

from backends import Backend
from okrdesk.cli import cli
from sample_workspace import OKRS, WriteWorkspace

OKRDESK = [sys.executable, "-m", "okrdesk"]


def environment() -> dict[str, str]:
    """The test's environment (its private configuration, where the workspace is trusted)
    for a process of its own."""
    return {**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics"}


CHECKIN_OKRS = (
    OKRS
    + """
[[objectives.key_results]]
id = "NEW"
title = "新开户"
target = 40
unit = "户"
"""
)


@pytest.fixture
def workspace(write_workspace: WriteWorkspace) -> Path:
    return write_workspace({"okrs.toml": CHECKIN_OKRS})


@pytest.fixture
def backend_on_a_server(write_workspace: WriteWorkspace, postgres_url: str) -> Path:
    return Backend("postgresql", postgres_url, write_workspace).workspace(
        {"okrs.toml": CHECKIN_OKRS}
    )


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


def stored(root: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(root / "okrdesk.db") as connection:
        return connection.execute("SELECT id, value, note FROM checkins ORDER BY id").fetchall()


def test_check_ins_made_at_once_are_numbered_in_the_order_they_are_stored(
    backend_on_a_server: Path, postgres_url: str
) -> None:
    # Counted after the insert, in a read of its own, six check-ins let in at once each
    # counted whatever had landed by then: several said 第 7 次, none 第 2 次.
    root = backend_on_a_server
    assert run(root, "checkin", "O1.NEW", "1", "--date", "2026-01-31").exit_code == 0
    command = [*OKRDESK, "checkin", "O1.NEW", "--date", "2026-02-28", "-w", str(root)]
    pipes = {
        "stdout": subprocess.PIPE,
        "stderr": subprocess.PIPE,
        "text": True,
        "env": environment(),
    }
    with psycopg.connect(postgres_url) as holder:
        # No check-in goes in while the table is held; each process waits at its insert
        # (or at the lock the first of them holds while it waits there).
        holder.execute("LOCK TABLE checkins IN EXCLUSIVE MODE")
        processes = [
            subprocess.Popen([*command, str(n + 2)], **pipes)  # type: ignore[call-overload]
            for n in range(6)
        ]
        deadline = time.monotonic() + 120
        with psycopg.connect(postgres_url, autocommit=True) as looking:
            while time.monotonic() < deadline and all(p.poll() is None for p in processes):
                waiting = looking.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                if (waiting.fetchone() or (0,))[0] >= 6:
                    break
                time.sleep(0.1)
    outcomes = [(p.wait(timeout=180), *p.communicate()) for p in processes]
    assert all(code == 0 for code, _, _ in outcomes), outcomes
    told = sorted(
        (int(found[2]), int(found[1]))
        for _, out, _ in outcomes
        for found in [re.search(r"第 (\d+) 次打卡，编号 (\d+)", out)]
        if found is not None
    )
    # Each id (2 to 7, after the first check-in's 1) is told as its place among them.
    assert told == [(n, n) for n in range(2, 8)], outcomes
