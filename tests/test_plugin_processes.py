"""Plugin processes forked from the fork server see the caller as it is when they start."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from okrdesk.model import OrgUnit, Person, Plan
from okrdesk.periods import Grain, periods_between
from okrdesk.plugins.manager import PluginHost
from okrdesk.plugins.runner import collect, prober

FROM_THE_CALLER = """\
import os
from pathlib import Path

from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("env_value", "From the environment", "环境", MetricKind.FLOW,
                        UNITS["人"]))
    register(MetricSpec("folder_value", "From the folder", "目录", MetricKind.FLOW,
                        UNITS["人"]))


@hookimpl
def okrdesk_collect(request, emit):
    week = request.periods[0].id
    emit("env_value", "cm01", week, value=float(os.environ["OKRDESK_TEST_FIGURE"]))
    emit("folder_value", "cm01", week, value=float(Path("figure.txt").read_text()))
"""

START, THROUGH = dt.date(2026, 1, 5), dt.date(2026, 1, 11)
PLAN = Plan(
    id="p", name="p", year=2026, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31),
    top="branch", units=(OrgUnit("branch", "B", "branch"),),
    people=(Person("cm01", "王芳", "branch"),),
)  # fmt: skip


def _collected(folder: Path) -> dict[str, float | None]:
    host = PluginHost(
        folder / "plugins", entry_points=False, builtins={}, registered=False,
        workspace_code=True, prober=prober(60),
    )  # fmt: skip
    weeks = list(periods_between(START, THROUGH, Grain.WEEK))
    found = collect(host, PLAN, ["env_value", "folder_value"], weeks, THROUGH, folder, timeout=60)
    assert found.errors == []
    return {o.metric: o.value for o in found.observations}


def test_each_plugin_process_takes_the_environment_and_folder_of_its_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "from_the_caller.py").write_text(FROM_THE_CALLER, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, figure in ((first, "3"), (second, "4")):
        folder.mkdir()
        (folder / "figure.txt").write_text(figure, encoding="utf-8")
    monkeypatch.setenv("OKRDESK_TEST_FIGURE", "1")
    monkeypatch.chdir(first)
    assert _collected(tmp_path) == {"env_value": 1.0, "folder_value": 3.0}
    # The fork server started above lives on; what it forks next must not see its past.
    monkeypatch.setenv("OKRDESK_TEST_FIGURE", "2")
    monkeypatch.chdir(second)
    assert _collected(tmp_path) == {"env_value": 2.0, "folder_value": 4.0}
    assert os.environ["OKRDESK_TEST_FIGURE"] == "2"


def test_without_a_fork_server_each_plugin_process_is_spawned(tmp_path: Path) -> None:
    # A Unix socket's path has room for about 100 characters: a temporary folder
    # deeper than that leaves the fork server unable to listen.
    deep = tmp_path / ("t" * 110)
    deep.mkdir()
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "from_the_caller.py").write_text(FROM_THE_CALLER, encoding="utf-8")
    (tmp_path / "figure.txt").write_text("5", encoding="utf-8")
    script = (
        "import sys; from pathlib import Path\n"
        "sys.path.insert(0, sys.argv[2])\n"
        "import test_plugin_processes as t\n"
        "from okrdesk.plugins import fork_server\n"
        "print(t._collected(Path(sys.argv[1])), fork_server.NO_FORK_SERVER)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path), str(Path(__file__).parent)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "TMPDIR": str(deep), "OKRDESK_TEST_FIGURE": "6"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == (
        "{'env_value': 6.0, 'folder_value': 5.0} ['OSError: AF_UNIX path too long']"
    )
