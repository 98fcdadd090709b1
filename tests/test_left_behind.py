"""A plugin registered in okrdesk's process (``registered_plugin``) whose collect does not
return in time is left behind in its thread, still running: a wait inside C (here an
Event) cannot be stopped from Python. Nothing it does once its time is up may reach the
store, the run's record or what the command prints."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sample_workspace import WriteWorkspace
from test_emit_mistakes import SALON_KR

HANG_GUARD = 300
"""Seconds after which the script is taken to hang: not a bound on its speed."""

WAKES_LATE = """\
import json
import sys
import threading
import types

from okrdesk.cli import cli
from okrdesk.model import MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.plugins.testing import registered_plugin

gate, done = threading.Event(), threading.Event()
late = []


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("salon_leads", "Salon leads", "沙龙线索", "flow", "户"))


@hookimpl
def okrdesk_collect(request, emit):
    emit("salon_leads", "cm01", request.periods[0].id, value=1)
    gate.wait()  # inside C: never stopped, so left behind at the timeout
    try:
        print("LATE-OUT")
        print("LATE-ERR", file=sys.stderr)
        for period in request.periods:
            emit("salon_leads", "cm02", period.id, value=99)
        emit.many("salon_leads", ["cm02"], [request.periods[0].id], values=[98])
        emit.finished("salon_leads")
        emit.error("salon_leads", "LATE-ERROR")
        emit.warning("salon_leads", "LATE-WARNING")
    except BaseException as error:
        late.append(repr(error))
    finally:
        done.set()


def command(*args):
    try:
        cli.main([*args, "--lang", "en", "-w", sys.argv[1]], prog_name="okrdesk")
    except SystemExit as status:
        return status.code


plugin = types.SimpleNamespace(okrdesk_metrics=okrdesk_metrics, okrdesk_collect=okrdesk_collect)
with registered_plugin(plugin, "late"):
    collected = command("collect", "--through", "2026-01-11")
    gate.set()
    woke = done.wait(300)
    reported = command("report", "--format", "json", "--as-of", "2026-01-11")
print(json.dumps({"collected": collected, "woke": woke, "late": late, "reported": reported}))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="the script's timeout is POSIX's alarm")
def test_a_collect_left_behind_reaches_neither_the_store_nor_the_output(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace({"salons.toml": SALON_KR})
    script = tmp_path / "wakes_late.py"
    script.write_text(WAKES_LATE, encoding="utf-8")
    env = {**os.environ, "OKRDESK_PLUGIN_TIMEOUT": "1", "OKRDESK_LOAD_PLUGINS": "test_metrics"}
    done = subprocess.run([sys.executable, str(script), str(root)], capture_output=True,
                          text=True, env=env, timeout=HANG_GUARD)  # fmt: skip
    assert done.returncode == 0, done.stderr
    *shown, last = done.stdout.splitlines()
    outcome = json.loads(last)
    assert outcome["woke"], "the plugin's thread never woke"
    assert outcome["collected"] == 1
    assert "okrdesk_collect did not finish within 1 s" in done.stderr
    # What it printed once left behind is shown nowhere.
    assert "LATE-OUT" not in done.stdout and "LATE-ERR" not in done.stderr
    # None of its figures, early or late, is stored; its late words are in no run.
    with sqlite3.connect(root / "okrdesk.db") as store:
        assert store.execute(
            "SELECT count(*) FROM observations WHERE metric = 'salon_leads'"
        ).fetchone() == (0,)
        runs = json.dumps(store.execute("SELECT * FROM runs").fetchall(), ensure_ascii=False)
    assert "LATE-" not in runs
    report = "\n".join(shown)
    assert "LATE-" not in report and '"salon_leads"' in report
