"""``okrdesk collect --jobs N``: plugins (and a warehouse's SQL metrics) collected at
once, the same numbers stored as one at a time, a failing part failing alone."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from okrdesk.app.collect import run_collect
from okrdesk.app.session import open_session
from okrdesk.cli import cli
from okrdesk.cli.progress_bar import BarProgress
from okrdesk.store import Store
from sample_workspace import WriteWorkspace, trusted
from test_sql_warehouse import ENGINE_URLS, closed_port, load_postgres, silent_server

HIRES_PLUGIN = """\
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("hires", "Hires", "招聘", MetricKind.FLOW, UNITS["人"]))


@hookimpl
def okrdesk_collect(request, emit):
    for period in request.periods:
        emit("hires", "cm02", period.id, value=2, source="hr")
"""

BROKEN_PLUGIN = """\
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("visits", "Visits", "拜访", MetricKind.FLOW, UNITS["人"]))


@hookimpl
def okrdesk_collect(request, emit):
    raise RuntimeError("the CRM export is missing")
"""

MORE_OKRS = """\
[[objectives]]
id = "O7"
title = "队伍"
owner = "branch"

[[objectives.key_results]]
id = "KR1"
title = "招聘"
metric = "hires"
target = 10
unit = "人"

[[objectives.key_results]]
id = "KR2"
title = "拜访"
metric = "visits"
target = 10
unit = "人"

[[objectives.key_results]]
id = "KR3"
title = "沙龙参会"
metric = "attendees"
target = 100
unit = "人"

[[objectives.key_results]]
id = "KR4"
title = "沙龙线索"
metric = "leads"
target = 10
unit = "人"

[[objectives.key_results]]
id = "KR5"
title = "客户资产"
metric = "assets"
target = 1000
unit = "元"
"""

SQL_SOURCE = """\
[sources.sql]
connection_env = "WAREHOUSE_URL"

[[sources.sql.metrics]]
name = "attendees"
kind = "flow"
unit = "人"
query = "SELECT cm_id AS subject, date AS day, attendees AS value FROM salons"

[[sources.sql.metrics]]
name = "leads"
kind = "flow"
unit = "人"
query = "SELECT cm_id AS subject, date AS day, leads AS value FROM salons"

[[sources.sql.metrics]]
name = "assets"
kind = "stock"
unit = "元"
query = "SELECT cm_id AS subject, date AS day, assets AS value FROM balances"
"""


def firm_workspace(write_workspace: WriteWorkspace, root: Path) -> Path:
    write_workspace({"more.toml": MORE_OKRS}, root=root)
    (root / "plugins" / "hires.py").write_text(HIRES_PLUGIN, encoding="utf-8")
    (root / "plugins" / "broken.py").write_text(BROKEN_PLUGIN, encoding="utf-8")
    (root / "okrdesk.toml").write_text(SQL_SOURCE, encoding="utf-8")
    trusted(root)
    return root


def stored(root: Path) -> list[tuple[object, ...]]:
    with Store.open(root / "okrdesk.db") as store:
        rows = store.query(
            "SELECT metric, subject, period, grain, value, numerator, denominator, source "
            "FROM observations ORDER BY metric, subject, period"
        )
    return [tuple(row) for row in rows]


def test_jobs_store_what_one_at_a_time_stores(
    write_workspace: WriteWorkspace,
    tmp_path: Path,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    load_postgres(postgres_url)
    monkeypatch.setenv("WAREHOUSE_URL", postgres_url)
    outcomes = {}
    for jobs in ("1", "4"):
        root = firm_workspace(write_workspace, tmp_path / f"jobs{jobs}")
        args = ["collect", "--through", "2026-01-18", "--jobs", jobs, "--lang", "en"]
        ran = CliRunner().invoke(cli, [*args, "-w", str(root)])
        # The broken plugin fails alone, named, the same way both times.
        assert ran.exit_code == 1, ran.output
        assert "plugin broken: okrdesk_collect failed: RuntimeError" in ran.output
        outcomes[jobs] = (stored(root), ran.output.replace(str(root), "ROOT"))
    rows = outcomes["4"][0]
    assert {r[0] for r in rows} == {
        "assets", "attendees", "complaint_rate", "hires", "leads", "new_hnw_clients",
    }  # fmt: skip
    found = {r[:3]: r[3:7] for r in rows}
    assert found["attendees", "cm01", "2026-W02"] == ("week", 50.0, None, None)
    assert outcomes["4"] == outcomes["1"]


MEETING_PLUGIN = """\
import os
import pathlib
import time

from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS

ME, OTHER = "{me}", "{other}"


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec(ME, ME, ME, MetricKind.FLOW, UNITS["人"]))


@hookimpl
def okrdesk_collect(request, emit):
    folder = pathlib.Path(os.environ["OKRDESK_TEST_MEET"])
    (folder / ME).write_text("here")
    deadline = time.monotonic() + float(os.environ["OKRDESK_TEST_MEET_WAIT"])
    while not (folder / OTHER).exists():
        if time.monotonic() > deadline:
            raise RuntimeError("alone: the other plugin was not running at the same time")
        time.sleep(0.05)
    for period in request.periods:
        emit(ME, "cm01", period.id, value=1, source="met")
"""


@pytest.mark.parametrize(("jobs", "met"), [("2", True), ("1", False)])
def test_jobs_run_plugins_at_the_same_time(
    write_workspace: WriteWorkspace, tmp_path: Path, jobs: str, met: bool
) -> None:
    okrs = "".join(
        f'\n[[objectives.key_results]]\nid = "K{m}"\ntitle = "{m}"\nmetric = "{m}"\n'
        f'target = 1\nunit = "人"\n'
        for m in ("left", "right")
    )
    root = write_workspace(
        {"meet.toml": '[[objectives]]\nid = "O8"\ntitle = "见面"\nowner = "branch"\n' + okrs}
    )
    for me, other in (("left", "right"), ("right", "left")):
        (root / "plugins" / f"{me}.py").write_text(
            MEETING_PLUGIN.replace("{me}", me).replace("{other}", other), encoding="utf-8"
        )
    trusted(root)
    (tmp_path / "meet").mkdir()
    env = {
        "OKRDESK_TEST_MEET": str(tmp_path / "meet"),
        # Long enough for a loaded machine to start both; serial, the first gives up.
        "OKRDESK_TEST_MEET_WAIT": "60" if met else "1",
        "OKRDESK_LOAD_PLUGINS": "test_metrics,left,right",
    }
    ran = CliRunner().invoke(
        cli,
        ["collect", "--metric", "left", "--metric", "right", "--through", "2026-01-18",
         "--jobs", jobs, "-w", str(root)],
        env={**os.environ, **env},
    )  # fmt: skip
    if met:
        assert ran.exit_code == 0, ran.output
        assert {r[0] for r in stored(root)} == {"left", "right"}
    else:
        assert ran.exit_code == 1
        assert "alone: the other plugin was not running at the same time" in ran.output


def test_jobs_must_be_a_positive_number(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    ran = CliRunner().invoke(cli, ["collect", "--jobs", "0", "-w", str(root)])
    assert ran.exit_code == 2
    assert "--jobs" in ran.output


def test_a_lost_warehouse_fails_its_metrics_and_no_other_source(
    write_workspace: WriteWorkspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = firm_workspace(write_workspace, tmp_path / "ws")
    monkeypatch.setenv("WAREHOUSE_URL", f"postgresql://okrdesk@/crm?host={tmp_path}/no-server")
    ran = CliRunner().invoke(
        cli, ["collect", "--through", "2026-01-18", "--jobs", "2", "--lang", "en", "-w", str(root)]
    )
    assert ran.exit_code == 1
    # One failure of the source, said once for the metrics it failed.
    assert failed_together(ran.output, "cannot connect to postgresql://") == {
        "assets",
        "attendees",
        "leads",
    }
    # And so by check and the report's alerts, which read it from the run.
    checked = CliRunner().invoke(
        cli, ["check", "--as-of", "2026-01-18", "--lang", "en", "-w", str(root)]
    )
    told = [line for line in checked.output.splitlines() if "cannot connect" in line]
    assert len(told) == 1, checked.output
    assert "plugin sql metrics " in told[0]
    assert all(metric in told[0] for metric in ("assets", "attendees", "leads"))
    assert {r[0] for r in stored(root)} == {"complaint_rate", "hires", "new_hnw_clients"}


@pytest.mark.parametrize(
    ("dialect", "answers"),
    [("trino", "refused"), ("doris", "silent"), ("clickhouse", "refused"), ("starrocks", "silent")],
)
def test_an_unreachable_engine_fails_its_metrics_and_the_other_sources_store(
    write_workspace: WriteWorkspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    dialect: str,
    answers: str,
) -> None:
    root = firm_workspace(write_workspace, tmp_path / "ws")
    text = (root / "okrdesk.toml").read_text(encoding="utf-8")
    (root / "okrdesk.toml").write_text(
        text.replace(
            'connection_env = "WAREHOUSE_URL"', 'connection_env = "WAREHOUSE_URL"\ntimeout = 1'
        ),
        encoding="utf-8",
    )
    with silent_server() as silent:
        url = ENGINE_URLS[dialect].format(port=silent if answers == "silent" else closed_port())
        monkeypatch.setenv("WAREHOUSE_URL", url)
        ran = CliRunner().invoke(
            cli, ["collect", "--through", "2026-01-18", "--lang", "en", "-w", str(root)]
        )
    assert ran.exit_code == 1
    why = "connection refused" if answers == "refused" else "no answer within 1 s"
    said = f"cannot connect to {url.replace('okr@', '')}: {why}"
    assert failed_together(ran.output, said) == {"assets", "attendees", "leads"}, ran.output
    assert {r[0] for r in stored(root)} == {"complaint_rate", "hires", "new_hnw_clients"}


def failed_together(output: str, message: str) -> set[str]:
    """The metrics of the sql plugin named on the one error line that says ``message``."""
    (line,) = [line for line in output.splitlines() if message in line]
    named, _, rest = line.removeprefix("error: plugin sql metrics ").partition(": ")
    assert rest.startswith(message), line
    return set(named.split(", "))


SLEEPY_PLUGIN = """\
import time

from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("{me}", "{me}", "{me}", MetricKind.FLOW, UNITS["人"]))


@hookimpl
def okrdesk_collect(request, emit):
    time.sleep({seconds})
    for period in request.periods:
        emit("{me}", "cm01", period.id, value=1, source="slept")
"""


class Recorded:
    """What collect tells a progress bar, in order, with a real BarProgress beside it."""

    def __init__(self) -> None:
        self.bar = BarProgress(Console(file=io.StringIO()))
        self.events: list[tuple[str, ...]] = []
        self.shown: list[str] = []

    def start(self, steps: int) -> None:
        self.bar.start(steps)
        self.events.append(("start", str(steps)))

    def running(self, plugin: str, metrics: int) -> None:
        self.bar.running(plugin, metrics)
        self.events.append(("running", plugin))
        self.shown.append(self.bar.text)

    def finished(self, plugin: str, metrics: int, failed: bool) -> None:
        self.bar.finished(plugin, metrics, failed)
        self.events.append(("finished", plugin, "failed" if failed else "ok"))
        self.shown.append(self.bar.text)


@pytest.mark.parametrize("jobs", [1, 3])
def test_the_progress_bar_shows_what_runs_and_counts_what_is_done(
    write_workspace: WriteWorkspace, jobs: int
) -> None:
    okrs = "".join(
        f'\n[[objectives.key_results]]\nid = "K{m}"\ntitle = "{m}"\nmetric = "{m}"\n'
        f'target = 1\nunit = "人"\n'
        for m in ("quick", "slow", "visits")
    )
    root = write_workspace(
        {"timed.toml": '[[objectives]]\nid = "O8"\ntitle = "计时"\nowner = "branch"\n' + okrs}
    )
    for me, seconds in (("quick", "0"), ("slow", "2")):
        (root / "plugins" / f"{me}.py").write_text(
            SLEEPY_PLUGIN.replace("{me}", me).replace("{seconds}", seconds), encoding="utf-8"
        )
    (root / "plugins" / "broken.py").write_text(BROKEN_PLUGIN, encoding="utf-8")
    trusted(root)
    recorded = Recorded()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OKRDESK_LOAD_PLUGINS", "test_metrics,quick,slow,broken")
        session = open_session(str(root), isolated=True)
        summary = run_collect(
            session, dt.date(2026, 1, 18), ["slow", "quick", "visits"], recorded, jobs
        )
    assert [str(e) for e in summary.errors] == [
        "plugin broken: okrdesk_collect failed: RuntimeError: the CRM export is missing "
        "(at plugins/broken.py:13)"
    ]
    assert recorded.events[0] == ("start", "3")
    done = [e for e in recorded.events if e[0] == "finished"]
    assert sorted(done) == [
        ("finished", "broken", "failed"), ("finished", "quick", "ok"), ("finished", "slow", "ok")
    ]  # fmt: skip
    assert recorded.shown[-1] == "collected; 1 failed 3/3"
    if jobs == 1:  # one at a time: each shown running, then counted done, in turn
        assert recorded.events[1:] == [
            event
            for plugin in ("quick", "slow", "broken")
            for event in (("running", plugin), next(e for e in done if e[1] == plugin))
        ]
        assert recorded.shown[2].startswith("collecting from slow (1 metric) 1/3")
    else:  # all three at once: the bar names them all, the slow one is done last
        assert {e[0] for e in recorded.events[1:4]} == {"running"}
        assert "quick" in recorded.shown[2] and "slow" in recorded.shown[2]
        assert done[-1][1] == "slow"
        assert recorded.shown[-2].startswith("collecting from slow (1 metric); 1 failed 2/3")


def test_the_progress_bar_speaks_collect_s_language() -> None:
    bars = {lang: BarProgress(Console(file=io.StringIO()), lang) for lang in ("en", "zh")}
    for bar in bars.values():
        bar.start(3)
        bar.running("slow", 1)
        bar.running("crm", 4)
        bar.finished("crm", 4, failed=True)
    assert bars["en"].text == "collecting from slow (1 metric); 1 failed 1/3"
    assert bars["zh"].text == "正在采集：slow（1 个指标）；1 个失败 1/3"
    for bar in bars.values():
        bar.finished("slow", 1, failed=False)
    assert bars["en"].text == "collected; 1 failed 2/3"
    assert bars["zh"].text == "采集完毕；1 个失败 2/3"
