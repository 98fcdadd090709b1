"""The store and the commands that write it, on real SQLite files, a real PostgreSQL
server and real processes. Tests that take ``backend`` run on both stores."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any, cast

import psycopg
import pytest
from click.testing import CliRunner, Result

from backends import Backend, schema_changed_by_hand
from okrdesk.cli import cli
from okrdesk.model import CheckinFigure
from okrdesk.periods import Grain, Period
from okrdesk.store import MIGRATIONS, SCHEMA_VERSION, Store
from okrdesk.store.migrations import (
    HAND_EDITS,
    NO_NUMBER_INDEX,
    OKRDESK_WRITES,
    SCOPED_READ_INDEXES,
    SQLITE_EDIT_TRIGGERS,
)
from okrdesk.store.reader import PlanCollects
from sample_workspace import WriteWorkspace, trusted

THROUGH = "2026-03-15"  # 11 ISO weeks of 2026: W01 to W11


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)], env=env)


def json_report(root: Path, as_of: str, lang: str = "en") -> dict[str, Any]:
    """``okrdesk report --format json`` as of ``as_of``, which must succeed."""
    done = run(root, "report", "--as-of", as_of, "--format", "json", "--lang", lang)
    assert done.exit_code == 0, done.output
    return cast(dict[str, Any], json.loads(done.output))


def okrdesk(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "okrdesk", *args, "-w", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # Only the workspace's test plugin: installed packages must not change results.
        env={**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics", **(env or {})},
        # A group of its own, which the test can stop whole: a collect killed alone
        # leaves its blocked plugin process (and the fork server above it) behind.
        start_new_session=True,
    )  # fmt: skip


def processes_with(setting: str) -> list[int]:
    """The running processes (not zombies) whose environment holds ``setting``."""
    found = []
    for folder in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if not folder.name.isdigit() or (folder / "stat").read_text().split()[2] == "Z":
                continue
            if setting.encode() in (folder / "environ").read_bytes().split(b"\0"):
                found.append(int(folder.name))
    return found


def snapshot(backend: Backend, root: Path) -> list[tuple[object, ...]]:
    with backend.open(root) as store:
        return store.query(
            "SELECT metric, period, subject, value, numerator, denominator FROM observations "
            "ORDER BY 1, 2, 3"
        )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------- collecting


def test_collect_twice_stores_everything_once(backend: Backend) -> None:
    root = backend.workspace()
    first = run(root, "collect", "--through", THROUGH, "--lang", "en")
    assert first.exit_code == 0, first.output
    # 2 metrics x 2 people x 11 weeks
    assert "Run 1: 44 observations of 2 metrics, 11 periods (2026-W01 to 2026-W11)" in first.output
    assert "\n44 new: the first collect of this store.\n" in first.output
    once = snapshot(backend, root)
    for _ in range(3):
        again = run(root, "collect", "--through", THROUGH)
        assert again.exit_code == 0
        # In the workspace's language, Chinese.
        assert again.output.startswith("第 ")
        assert "条数据，2 个指标，11 个周期（2026-W01 至 2026-W11），截至 2026-03-15。" in (
            again.output
        )
        assert "\n与上次采集相比，无新增或变动。\n" in again.output
    assert snapshot(backend, root) == once
    with backend.open(root) as store:
        assert store.count_observations() == 44
        assert [r.status for r in store.runs()] == ["ok"] * 4


def test_a_collect_that_changes_only_the_rows_cited_says_every_figure_is_as_it_was(
    backend: Backend,
) -> None:
    """A plugin upgraded to cite its rows more exactly rewrites them all once: said as
    such, not as 44 figures new or changed, and no figure revised."""
    root = backend.workspace()
    run(root, "collect", "--through", THROUGH)
    cited = run(root, "collect", "--through", THROUGH, "--lang", "en",
                env={"OKRDESK_TEST_CITE": " exactly"})  # fmt: skip
    assert cited.exit_code == 0, cited.output
    assert (
        "\n44 changed since the last collect, only in the source rows they cite: every "
        "figure is as it was.\n"
    ) in cited.output
    assert "Revised" not in cited.output
    both = run(root, "collect", "--through", THROUGH,
               env={"OKRDESK_TEST_CITE": "", "OKRDESK_TEST_BONUS": "1"})  # fmt: skip
    assert "\n新增或变动 44 条（其中 22 条只是所引的来源行有变，数字不变）。\n" in both.output
    with backend.open(root) as store:
        assert store.count_observations() == 44


def test_collect_replaces_changed_values(backend: Backend) -> None:
    root = backend.workspace()
    run(root, "collect", "--through", THROUGH)
    bonus = run(root, "collect", "--through", THROUGH, "--lang", "en",
                env={"OKRDESK_TEST_BONUS": "10"})  # fmt: skip
    assert "\n22 new or changed since the last collect.\n" in bonus.output  # 2 people, 11 weeks
    assert (
        "\nRevised: new_hnw_clients, 22 figures of complete periods (2026-W01, 2026-W02, "
        "2026-W03 and 8 more) changed.\n"
    ) in bonus.output
    again = run(root, "collect", "--through", THROUGH, env={"OKRDESK_TEST_BONUS": "20"})
    assert "\n新增或变动 22 条。\n" in again.output
    assert (
        "\n已修订：new_hnw_clients，已结束周期的 22 个数字有变动（2026-W01、2026-W02、"
        "2026-W03 等另 8 个）。\n"
    ) in again.output
    values = {r[3] for r in snapshot(backend, root) if r[0] == "new_hnw_clients"}
    assert values == {21.0, 22.0}
    assert len(snapshot(backend, root)) == 44


def test_a_restatement_is_kept_with_its_run_and_told_by_report_and_check(
    backend: Backend, plans_over: dt.date
) -> None:
    """A collect run from cron prints its "Revised:" line to no one: the run keeps what
    it restated, and the report and check of the following period name it."""
    root = backend.workspace()
    run(root, "collect", "--through", THROUGH)
    run(root, "collect", "--through", THROUGH, env={"OKRDESK_TEST_BONUS": "10"})
    with backend.open(root) as store:
        first, second = store.runs()
    assert first.revised == {}
    assert second.revised == {"new_hnw_clients": {f"2026-W{w:02d}": 2 for w in range(1, 12)}}
    assert second.finished is not None
    day = dt.datetime.fromisoformat(second.finished).astimezone().date()

    def revised(as_of: dt.date, lang: str) -> list[str]:
        alerts = json_report(root, as_of.isoformat(), lang)["alerts"]
        return [a["message"] for a in alerts if a["kind"] == "revised"]

    assert revised(day, "en") == [
        f"metric new_hnw_clients: 22 figures of complete periods restated by the collect of "
        f"{day} (run 2): 2026-W01, 2026-W02, 2026-W03 and 8 more"
    ]
    assert revised(day + dt.timedelta(days=6), "zh") == [
        f"指标 new_hnw_clients：{day} 的采集（第 2 次）修订了已完结周期的 22 个数字："
        "2026-W01、2026-W02、2026-W03 及另外 8 个周期"
    ]
    assert revised(day + dt.timedelta(days=7), "en") == []  # a week on: told once
    assert revised(day - dt.timedelta(days=1), "en") == []  # a report of before it
    check = run(root, "check", "--as-of", day.isoformat(), "--lang", "zh")
    assert "修订" in check.output and "第 2 次" in check.output, check.output
    exported = json.loads(run(root, "export").output)["runs"]
    assert [r["revised"] for r in exported] == [
        "",
        "new_hnw_clients " + ", ".join(f"2026-W{w:02d} (2)" for w in range(1, 12)),
    ]


def test_a_plugins_warning_is_kept_with_its_run_and_told_by_report_and_check(
    backend: Backend,
) -> None:
    """A collect from cron prints its warnings to no one: the run keeps them, and the
    report and check of that collect's data name them, without failing check."""
    root = backend.workspace()
    said = "crm.csv rows 152 left out: not a date"
    warned = run(root, "collect", "--through", THROUGH, env={"OKRDESK_TEST_WARN": said})
    assert warned.exit_code == 0, warned.output
    line = f"plugin test_metrics metric new_hnw_clients: {said}"
    # Said in the workspace's language (the plugin's own words as it gave them), kept as a
    # run keeps it, and worded again in the reader's language wherever it is shown.
    zh = f"插件 test_metrics 指标 new_hnw_clients：{said}"
    assert f"警告：{zh}" in warned.output
    with backend.open(root) as store:
        (first,) = store.runs()
    assert first.warnings == [line]

    def told(lang: str) -> list[str]:
        alerts = json_report(root, THROUGH, lang)["alerts"]
        return [a["message"] for a in alerts if a["kind"] == "plugin" and a["level"] == "info"]

    day = first.started[:10]
    assert told("en") == [f"collect run {first.id} ({day}) warned: {line}"]
    assert told("zh") == [f"第 {first.id} 次采集（{day}）提示：{zh}"]
    check = run(root, "check", "--as-of", THROUGH)
    assert zh in check.output, check.output
    exported = json.loads(run(root, "export").output)["runs"]
    assert [r["warnings"] for r in exported] == [line]
    # A collect of another metric says nothing of new_hnw_clients: the warning stands.
    other = run(root, "collect", "--through", THROUGH, "--metric", "complaint_rate")
    assert other.exit_code == 0, other.output
    assert told("en") == [f"collect run {first.id} ({day}) warned: {line}"]
    with backend.open(root) as store:
        last = store.runs()[-1]
    assert (last.metrics, last.landed) == (["complaint_rate"], {"complaint_rate": ("week",)})
    assert json.loads(run(root, "export").output)["runs"][-1]["metrics"] == "complaint_rate"
    assert run(root, "collect", "--through", THROUGH).exit_code == 0  # nothing to warn of
    assert told("en") == []


def test_a_restatement_is_noted_by_the_write_that_makes_it(backend: Backend) -> None:
    """Not at the end of the collect: one killed after storing a restated metric has
    still noted it, and its run, never finished, is dated by its start."""
    root = backend.workspace()
    run(root, "collect", "--through", THROUGH)
    with backend.open(root) as store:
        periods, stored = new_hnw_clients_stored(store, root)
        killed = store.start_run("collect", dt.date.fromisoformat(THROUGH))
        rows = [(*r[:4], r[4] + 1 if r[2] == "2026-W03" else r[4], *r[5:]) for r in stored]
        store.replace_rows(killed, {"new_hnw_clients": "test_metrics"}, periods, rows)
        (last,) = [r for r in store.runs() if r.id == killed]
    assert last.finished is None and last.revised == {"new_hnw_clients": {"2026-W03": 2}}
    day = dt.datetime.fromisoformat(last.started).astimezone().date()
    report = run(root, "report", "--as-of", day.isoformat(), "--format", "json", "--lang", "en")
    kinds = [a["kind"] for a in json.loads(report.output)["alerts"]]
    assert "revised" in kinds, kinds


def test_reads_inside_reading_see_the_store_as_it_stood_at_the_first(backend: Backend) -> None:
    root = backend.workspace()
    run(root, "collect", "--through", THROUGH)
    runs = "SELECT count(*) FROM runs"
    with backend.open(root) as store, backend.open(root) as other:
        with store.reading():
            before = store.query(runs)
            other.start_run("collect", None)  # another process, which commits
            assert store.query(runs) == before
            with store.reading():  # within one already: that one holds
                assert store.query(runs) == before
        assert store.query(runs) != before


def new_hnw_clients_stored(store: Store, root: Path) -> tuple[list[Period], list[Any]]:
    """The plan's periods through THROUGH, and the new HNW client rows ``store`` holds,
    as ``replace_rows`` takes them."""
    from okrdesk.engine.plan_calendar import plan_periods
    from okrdesk.targets.load import load_plan

    plan = load_plan(root, None).plan
    assert plan is not None
    rows = store.query(
        "SELECT metric, subject, period, slice, value, numerator, denominator, source, "
        "no_rows FROM observations WHERE metric = 'new_hnw_clients' "
        "ORDER BY period, subject, slice"
    )
    return list(plan_periods(plan, dt.date.fromisoformat(THROUGH))), list(rows)


def restate_new_hnw_clients(backend: Backend, root: Path) -> None:
    """Another process restates every new HNW client figure (one more each), and
    commits: what a collect from cron does while someone reads."""
    with backend.open(root) as other:
        periods, stored = new_hnw_clients_stored(other, root)
        restated = [(*r[:4], r[4] + 1, *r[5:]) for r in stored]
        run_id = other.start_run("collect", dt.date.fromisoformat(THROUGH))
        other.replace_rows(run_id, {"new_hnw_clients": "test_metrics"}, periods, restated)


def test_a_read_aside_inside_reading_reads_the_same_state(backend: Backend) -> None:
    """A firm's report reads its top's trends on a second connection meanwhile: inside
    ``reading`` that read sees what the report's own connection sees (PostgreSQL: its
    exported snapshot; SQLite, which cannot share one: on the same connection)."""
    from okrdesk.periods import Grain

    root = backend.workspace()
    run(root, "collect", "--through", THROUGH)
    through = dt.date.fromisoformat(THROUGH)
    columns = {"new_hnw_clients": ("value",)}
    with backend.open(root) as store:
        people = [s for (s,) in store.query("SELECT DISTINCT subject FROM observations")]

        def aside() -> object:
            answer = store.series_of_metrics_aside(
                columns, people, through, Grain.WEEK, everyone=True
            )
            return answer()

        with store.reading():
            before = store.series_of_metrics(columns, people, through, Grain.WEEK, everyone=True)
            restate_new_hnw_clients(backend, root)
            assert aside() == before
        after = aside()
    assert after != before  # the restatement did land
    assert after["new_hnw_clients"]["value"][-1][1] > before["new_hnw_clients"]["value"][-1][1]


def test_a_report_reads_one_state_of_the_store_though_a_collect_commits_amid_its_reads(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A collect from cron may commit while a report is reading the store: every figure
    of the report is still of the store as it stood at the report's first read."""
    import okrdesk.app.report as app_report

    root = backend.workspace()
    run(root, "collect", "--through", THROUGH)

    class CollectAfterFirstRead:
        """The report's reader: after the first thing it reads, the collect commits."""

        def __init__(self, reader: object) -> None:
            self._reader = reader

        def __getattr__(self, name: str) -> object:
            found = getattr(self._reader, name)
            if not callable(found) or landed:
                return found

            def read(*args: object, **kwargs: object) -> object:
                result = found(*args, **kwargs)
                if not landed:
                    landed.append(name)
                    restate_new_hnw_clients(backend, root)
                return result

            return read

    before = json_report(root, THROUGH)
    landed: list[str] = []
    real = app_report.read_for_one_report
    monkeypatch.setattr(
        app_report,
        "read_for_one_report",
        lambda store, subjects, *plan: CollectAfterFirstRead(real(store, subjects, *plan)),
    )
    amid = json_report(root, THROUGH)
    monkeypatch.setattr(app_report, "read_for_one_report", real)
    assert landed
    assert amid == before
    assert json_report(root, THROUGH) != before  # the collect landed: the next report shows it


def test_collect_one_metric_leaves_the_others(backend: Backend) -> None:
    root = backend.workspace()
    run(root, "collect", "--through", THROUGH)
    result = run(root, "collect", "--through", THROUGH, "--metric", "complaint_rate",
                 env={"OKRDESK_TEST_BONUS": "10"})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert {r[3] for r in snapshot(backend, root) if r[0] == "new_hnw_clients"} == {1.0, 2.0}


def test_collect_of_an_unknown_metric_is_bad_input(write_workspace: WriteWorkspace) -> None:
    result = run(write_workspace(), "collect", "--metric", "aum", "--lang", "en")
    assert result.exit_code == 2
    assert result.output.startswith('no metric "aum"; no key result or scoring policy uses it')


def test_a_failing_plugin_keeps_its_earlier_numbers(backend: Backend) -> None:
    root = backend.workspace()
    run(root, "collect", "--through", THROUGH)
    before = snapshot(backend, root)
    plugin = root / "plugins" / "test_metrics.py"
    plugin.write_text(plugin.read_text().replace("    bonus =", "    1 / 0\n    bonus ="))
    trusted(root)
    result = run(root, "collect", "--through", THROUGH)
    assert result.exit_code == 1
    assert "错误：插件 test_metrics：okrdesk_collect 出错：ZeroDivisionError" in result.output
    assert snapshot(backend, root) == before
    with backend.open(root) as store:
        last = store.runs()[-1]
    assert last.status == "failed"
    # The plugin's line that raised, as the workspace spells the file; okrdesk's words
    # kept in English, the plugin named as a run keeps it, and in Chinese beside them.
    kept = ("plugin test_metrics: okrdesk_collect failed: ZeroDivisionError: division by zero "
            "(at plugins/test_metrics.py:28)")  # fmt: skip
    assert last.errors == [kept]
    assert last.lines_zh == {kept: "okrdesk_collect 出错：ZeroDivisionError: division by zero"
                                   "（位于 plugins/test_metrics.py:28）"}  # fmt: skip
    # `check` (and the report) in either language tells it in its own words, whichever
    # language the collect ran in.
    english = run(root, "check", "--lang", "en").output
    assert "plugin test_metrics: okrdesk_collect failed: ZeroDivisionError" in english
    assert "出错" not in english
    chinese = run(root, "check", "--lang", "zh").output
    assert "插件 test_metrics：okrdesk_collect 出错：ZeroDivisionError" in chinese


def test_two_collects_at_once_both_finish(backend: Backend) -> None:
    root = backend.workspace()
    slow = {"OKRDESK_TEST_SLOW": "0.5"}
    first, second = (
        okrdesk(root, "collect", "--through", THROUGH, env=slow),
        okrdesk(root, "collect", "--through", THROUGH, env=slow),
    )
    for process in (first, second):
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
    with backend.open(root) as store:
        assert store.count_observations() == 44
        assert [r.status for r in store.runs()] == ["ok", "ok"]
        assert store.integrity_ok()


MONTHLY_SCORING = """\
[[scoring]]
id = "cm-monthly"
name = "客户经理月度考核"
roles = ["cm"]

  [[scoring.components]]
  metric = "new_hnw_clients"
  weight = 1
  standard = 5
  unit = "户"
"""
"""A policy that has new_hnw_clients collected by month too, beside the plan's weeks."""


def test_a_collect_started_while_another_runs_waits_so_each_ones_figures_land_together(
    write_workspace: WriteWorkspace,
) -> None:
    # Each grain was stored in a transaction of its own: two at once left one's weeks and
    # the other's months, both runs saying they stored both.
    root = write_workspace({"scoring.toml": MONTHLY_SCORING})
    database = root / "okrdesk.db"
    first = okrdesk(root, "collect", "--through", THROUGH,
                    env={"OKRDESK_TEST_SLOW": "2", "OKRDESK_TEST_BONUS": "100"})  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # until its run is noted, its plugin still asked
        with contextlib.suppress(sqlite3.Error), closing(sqlite3.connect(database)) as file:
            if file.execute("SELECT count(*) FROM runs").fetchone()[0]:
                break
        time.sleep(0.05)
    second = okrdesk(root, "--lang", "en", "collect", "--through", THROUGH,
                     env={"OKRDESK_TEST_SLOW": "0.2"})  # fmt: skip
    _, first_err = first.communicate(timeout=60)
    second_out, second_err = second.communicate(timeout=60)
    assert (first.returncode, second.returncode) == (0, 0), (first_err, second_err)
    assert "Waiting for collect run 1 (started " in second_err
    # Told against the collect it waited for, which it read once that had finished.
    assert "since the last collect" in second_out and "first collect" not in second_out
    assert (
        "to finish, for at most 60 minutes (--wait): two collects of one plan at once would "
        "store some figures from each." in second_err
    )
    with Store.open(database) as store:
        before, after = store.runs()
        assert before.finished is not None and after.started >= before.finished
        figures = store.observations(metric="new_hnw_clients")
    assert {o.observation.period[4:6] for o in figures} == {"-W", "-0"}  # weeks and months
    assert all(o.observation.value is not None and o.observation.value < 100 for o in figures)


def test_a_new_file_being_written_is_waited_for_not_refused(tmp_path: Path) -> None:
    # Two collects started together on a new workspace: while one switches the new
    # file to WAL it holds the write lock, and SQLite refuses the other's switch at
    # once instead of waiting out its busy timeout ("locked" now and then in CI).
    path = tmp_path / "okrdesk.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    released = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    released.start()
    try:
        with Store.open(path) as store:
            assert store.schema_version == SCHEMA_VERSION
    finally:
        released.join()
        other.close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@contextlib.contextmanager
def blocked_collect(
    root: Path, tmp_path: Path, **env: str
) -> Iterator[tuple[subprocess.Popen[str], Path, str]]:
    """A collect whose plugin blocks in its work, once it is there: the process, its
    temporary folder (one of its own, short enough for the fork server's socket) and the
    setting its plugin processes are found by. Stopped whole and tidied afterwards."""
    ready = tmp_path / "ready"
    scratch = Path(tempfile.mkdtemp(prefix="okrdesk-test-"))
    blocking = {"OKRDESK_TEST_BLOCK": str(ready), "OKRDESK_TEST_BONUS": "5",
                "TMPDIR": str(scratch), **env}  # fmt: skip
    process = okrdesk(root, "collect", "--through", THROUGH, env=blocking)
    try:
        deadline = time.monotonic() + 30
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ready.exists(), process.stderr.read() if process.stderr else ""
        yield process, scratch, f"OKRDESK_TEST_BLOCK={ready}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(scratch, ignore_errors=True)


def all_gone(setting: str, scratch: Path) -> None:
    """The plugin processes found by ``setting`` end, and nothing of theirs or of the fork
    server is left in ``scratch``, within 30 seconds."""
    deadline = time.monotonic() + 30
    while (processes_with(setting) or list(scratch.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not processes_with(setting)
    assert list(scratch.iterdir()) == []


def test_a_killed_collect_leaves_the_store_as_it_was(backend: Backend, tmp_path: Path) -> None:
    root = backend.workspace()
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    before = snapshot(backend, root)
    with blocked_collect(root, tmp_path, OKRDESK_TEST_SCRATCH="1") as (process, scratch, setting):
        left = sorted(path.name.split("-")[0] for path in scratch.iterdir())
        assert left == ["okrdesk", "pymp"]  # the plugin's folder, the fork server's socket's
        made = list(scratch.glob("okrdesk-*/t/*"))
        assert [path.name for path in made] == ["made-by-the-plugin"]
        # While it runs, check and the report say so, as information.
        checked = run(root, "check", "--lang", "en", "--as-of", THROUGH)
        told = [line for line in checked.output.splitlines() if "is still running" in line]
        assert len(told) == 1 and f"process {process.pid} on this machine" in told[0], told
        assert "(started " in told[0] and "1 more for information only" in checked.output
        # Its figures land all at once as it finishes: none is in the store meanwhile.
        assert "is still running: its figures are stored all at once as it finishes; until " \
               "then every metric keeps its earlier numbers" in told[0], told  # fmt: skip
        report = run(root, "report", "--as-of", THROUGH).output
        unwrapped = "".join(report.split())  # the Chinese lines are wrapped at 80 columns
        assert f"本机进程{process.pid}）仍在运行：它的数字在完成时一并入库" in unwrapped, report
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        # Its plugin process, blocked in its work, sees its host gone and ends; it and
        # the fork server leave no folder behind.
        all_gone(setting, scratch)
    assert snapshot(backend, root) == before
    with backend.open(root) as store:
        runs = store.runs()
        assert store.integrity_ok()
    assert (runs[-1].status, runs[-1].unfinished) == ("running", True)
    assert (runs[-1].pid, runs[-1].host) == (process.pid, socket.gethostname())
    # Killed, it could not say so: check and the report do, until a collect finishes.
    checked = run(root, "check", "--lang", "en", "--as-of", THROUGH)
    told = [line for line in checked.output.splitlines() if "died before it finished" in line]
    assert len(told) == 1 and f"collect run {runs[-1].id} (started " in told[0], checked.output
    assert f"process {process.pid} on this machine) died before it finished" in told[0]
    assert "nothing stored is lost: it stored none of its figures, and every metric keeps " \
           "its earlier numbers; run `okrdesk collect` again" in told[0], told  # fmt: skip
    assert "3 things need attention." in checked.output  # this one a warning now
    chinese = run(root, "report", "--as-of", THROUGH).output
    assert f"第 {runs[-1].id} 次采集（" in chinese and "未完成就中断了" in chinese, chinese
    assert "已存入的内容没有丢失：它的数字一个也没有入库，各指标保留此前的数字；" \
           "请重新运行`okrdeskcollect`" in "".join(chinese.split())  # fmt: skip
    # The next collect runs normally, and the unfinished one is no longer told.
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    assert "died before" not in run(root, "check", "--lang", "en", "--as-of", THROUGH).output


def test_how_far_a_metric_was_read_is_the_latest_collect_that_noted_storing_it(
    backend: Backend,
) -> None:
    """``landed_through``: the day the latest collect that noted storing a metric at a
    grain (``Run.landed``, its figures changed or not) read its sources through, which
    the engine takes for how far a flow was read (tests/test_quiet_weeks.py). Only a
    run that names that metric at that grain counts: not one that names another metric
    whose name the first's would match as a pattern (``_`` is any one character to
    LIKE), nor one whose record was changed by hand into something else."""
    root = backend.workspace()
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    only_complaints = run(root, "collect", "--through", "2026-03-20", "--metric", "complaint_rate")
    assert only_complaints.exit_code == 0, only_complaints.output
    with backend.open(root) as store:
        _, second = store.runs()
        assert store.landed_through("new_hnw_clients", Grain.WEEK) == dt.date(2026, 3, 15)
        assert store.landed_through("complaint_rate", Grain.WEEK) == dt.date(2026, 3, 20)
        assert store.landed_through("complaint_rate", Grain.MONTH) is None
        assert store.landed_through("no_such_metric", Grain.WEEK) is None
        # A later run naming newXhnwXclients, and one whose record does not read.
        store.query("UPDATE runs SET landed = ? WHERE id = ?",
                    ('{"newXhnwXclients": ["week"]}', second.id))  # fmt: skip
        assert store.landed_through("new_hnw_clients", Grain.WEEK) == dt.date(2026, 3, 15)
        store.query("UPDATE runs SET landed = ?, through = ? WHERE id = ?",
                    ('{"new_hnw_clients": ["week"', "2026-03-27", second.id))  # fmt: skip
        assert store.landed_through("new_hnw_clients", Grain.WEEK) == dt.date(2026, 3, 15)


def test_a_collect_never_finished_is_told_as_its_machine_and_process_say(
    backend: Backend,
) -> None:
    """A run keeps its host, process id and process start: a process of that id started
    later (the id used again) is not the collect; a run of another machine names it; a
    run kept before okrdesk noted its host is told as it was."""
    root = backend.workspace()
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    with backend.open(root) as store:
        run_id = store.start_run("collect", None)  # this process's: running
    told = run(root, "check", "--lang", "en", "--as-of", THROUGH).output
    assert f"collect run {run_id} (started " in told, told
    assert f"process {os.getpid()} on this machine) is still running" in told

    def kept(sql: str) -> str:
        with backend.open(root) as store:
            store.query(sql + " WHERE id = ?", (run_id,))
        return run(root, "check", "--lang", "en", "--as-of", THROUGH).output

    told = kept("UPDATE runs SET process_start = 'another boot:1'")
    assert f"process {os.getpid()} on this machine) died before it finished" in told, told
    told = kept("UPDATE runs SET host = 'collect-7.firm.internal'")
    assert f"collect run {run_id} (started " in told, told
    assert "on collect-7.firm.internal, process " in told
    assert "look on collect-7.firm.internal; if it is not running there" in told
    chinese = run(root, "check", "--lang", "zh", "--as-of", THROUGH).output
    assert "在 collect-7.firm.internal 上开始" in chinese and "从本机无法看出" in chinese
    told = kept("UPDATE runs SET host = NULL, process_start = NULL")
    assert "has not finished: it is still running, or it was stopped" in told, told
    assert "; it stored none of its figures, and every metric keeps" in told, told
    # A run of an okrdesk that stored each plugin call's figures as they came: its own stand.
    told = kept('UPDATE runs SET landed = \'{"new_hnw_clients": ["week"]}\'')
    assert "; the figures it stored stand, the others keep their earlier numbers; " in told


@pytest.mark.parametrize(
    ("sent", "to", "status"),
    [
        (signal.SIGTERM, "group", 143),
        (signal.SIGTERM, "alone", 143),
        (signal.SIGINT, "group", 130),
        (signal.SIGINT, "alone", 130),
    ],
    ids=["sigterm-group", "sigterm-alone", "ctrl-c", "sigint-alone"],
)
def test_a_collect_stopped_with_a_signal_ends_cleanly(
    backend: Backend, tmp_path: Path, sent: signal.Signals, to: str, status: int
) -> None:
    """As a scheduler, `timeout`, `kill` or systemd stops a job (SIGTERM to its process
    group, or to okrdesk alone), and as Ctrl-C does (SIGINT to the terminal's foreground
    process group): the status is 128 + the signal, as shells give."""
    root = backend.workspace()
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    before = snapshot(backend, root)
    with blocked_collect(root, tmp_path) as (process, scratch, setting):
        if to == "group":
            os.killpg(process.pid, sent)
        else:
            os.kill(process.pid, sent)
        _, stderr = process.communicate(timeout=30)
        assert process.returncode == status, stderr
        # Said in the workspace's language (Chinese): nothing of it stored, its run noted.
        stopped = "已中断（Ctrl-C）：" if sent == signal.SIGINT else "已中断（SIGTERM）："
        last = stderr.strip().splitlines()[-1]
        assert last.startswith(
            stopped + "采集在完成时才一并存入数字，完成前被中断的采集一个也没有入库"
        )
        assert "Traceback" not in stderr
        # Its plugin process and the fork server are gone, and nothing of theirs is left.
        all_gone(setting, scratch)
    assert snapshot(backend, root) == before
    with backend.open(root) as store:
        assert store.integrity_ok()
        stopped = store.runs()[-1]
    # Stopped, not dead: check and the report say who stopped it, until a collect finishes.
    by_ctrl_c = sent == signal.SIGINT
    assert (stopped.status, stopped.unfinished) == (
        "interrupted" if by_ctrl_c else "terminated", True)  # fmt: skip
    checked = run(root, "check", "--lang", "en", "--as-of", THROUGH).output
    how = "was stopped with Ctrl-C" if by_ctrl_c else "was stopped by SIGTERM (a scheduler"
    told = [line for line in checked.splitlines() if how in line]
    assert len(told) == 1 and f"collect run {stopped.id} (started " in told[0], checked
    assert "before it finished; nothing stored is lost" in told[0]
    assert "run `okrdesk collect` again" in told[0]
    assert "died" not in checked and "still running" not in checked
    chinese = run(root, "check", "--as-of", THROUGH).output
    said = "未完成即被 Ctrl-C 中止" if by_ctrl_c else "未完成即被 SIGTERM 终止"
    assert f"第 {stopped.id} 次采集（" in chinese and said in chinese, chinese
    assert "未完成就中断了" not in chinese
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    checked = run(root, "check", "--lang", "en", "--as-of", THROUGH).output
    assert "was stopped" not in checked, checked


# --------------------------------------------------------------- schema


def test_a_file_of_an_earlier_schema_is_upgraded_in_place(tmp_path: Path) -> None:
    """Schema 10: before running totals (11), before runs kept what they restated (12),
    before periods were fingerprinted (13) and before runs kept their plugins'
    warnings (14)."""
    path = tmp_path / "okrdesk.db"
    import sqlite_utils

    with sqlite3.connect(path) as connection:
        for migration in MIGRATIONS[:10]:
            migration(sqlite_utils.Database(connection))
        connection.execute("PRAGMA user_version = 10")
        connection.execute(
            "INSERT INTO runs (id, started, status, command) VALUES (1, 't', 'ok', 'collect')"
        )
        connection.execute(
            "INSERT INTO observations (metric, period, subject, period_start, period_end, value,"
            " plugin, run_id) VALUES ('aum', '2026-W01', 'cm01', '2026-01-01', '2026-01-04',"
            " 5e7, 'brokerage', 1)"
        )
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.count_observations() == 1
        assert store.query("SELECT grain FROM observations") == [("week",)]
        indexes = {r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {"observations_by_subject", "observation_slices_by_subject"} <= indexes
        # Each subject's running totals, added up from the rows already stored.
        assert store.query(
            "SELECT metric, grain, next_period, subject, period, value, observations "
            "FROM running_totals"
        ) == [("aum", "week", "~", "cm01", "2026-W01", 5e7, 1)]
        (run,) = store.runs()
        assert run.id == 1 and run.revised == {} and run.warnings == []
        # No period fingerprinted: the next collect compares what is stored.
        assert store.query("SELECT * FROM collected_fingerprints") == []
        assert store.integrity_ok()


def test_schema_17_is_upgraded_and_its_unfinished_run_told_as_before(backend: Backend) -> None:
    """Before runs kept their host and process start (18): a run that never finished is
    told as running or stopped, as okrdesk told it then; the next runs keep both."""
    root = backend.workspace()
    unfinished = "INSERT INTO runs (started, status, command, pid) VALUES ('t', 'running', ?, ?)"
    backend.of_schema(root, 17, [(unfinished, ("collect", os.getpid()))])
    with backend.open(root) as store:
        assert store.schema_version == SCHEMA_VERSION == 32
        (kept,) = store.runs()
    assert (kept.pid, kept.host, kept.process_start) == (os.getpid(), None, None)
    told = run(root, "check", "--lang", "en", "--as-of", THROUGH).output
    assert "collect run 1 (started t) has not finished: it is still running, or it was" in told
    with backend.open(root) as store:
        run_id = store.start_run("collect", None)
        (_, new) = store.runs()
    assert (new.id, new.host) == (run_id, socket.gethostname())
    assert new.process_start is not None and new.process_start.endswith(
        ":" + Path(f"/proc/{os.getpid()}/stat").read_text().rsplit(")", 1)[1].split()[19]
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is a text file, not a database\n", "is not an SQLite database"),
        ("newer", "was written by a newer okrdesk (schema 99"),
        ("foreign", "is an SQLite database, but not okrdesk's"),
    ],
)
def test_a_database_okrdesk_cannot_use_is_refused_untouched(
    write_workspace: WriteWorkspace, content: object, message: str
) -> None:
    root = write_workspace()
    path = root / "okrdesk.db"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE ledger (x)")
            if content == "newer":
                connection.execute("PRAGMA user_version = 99")
    before = digest(path)
    result = run(root, "collect", "--through", THROUGH, "--lang", "en")
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert digest(path) == before
    assert not (root / "okrdesk.db-wal").exists()


@pytest.mark.parametrize("version", [-1, -3, -(2**31)])
def test_a_store_whose_schema_version_is_below_zero_is_refused_untouched(
    write_workspace: WriteWorkspace, version: int
) -> None:
    # Read as an older store's, -1 ran okrdesk's last migration again over what it had
    # made: SQLite's words ("table hand_edits already exists") or, had it passed, a store
    # left at version 0 that every later command called someone else's.
    root = write_workspace()
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    path = root / "okrdesk.db"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute(f"PRAGMA user_version = {version}")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = digest(path)
    commands = [
        ["collect", "--through", THROUGH, "-w", str(root)],
        ["report", "-w", str(root)],
        ["store", "upgrade", str(path)],
    ]
    for args in commands:
        result = CliRunner().invoke(cli, ["--lang", "en", *args])
        assert result.exit_code == 2, (args, result.output)
        assert f"says its schema is {version}, which no okrdesk writes" in result.output, args
        assert "Traceback" not in result.output
        assert digest(path) == before


@pytest.mark.parametrize(
    ("database", "what"),
    [
        ("targets/notes.toml", "a target file (targets/*.toml)"),
        ("targets/store.toml", "a target file (targets/*.toml)"),  # not there yet
        ("okrdesk.toml", "the workspace's settings (okrdesk.toml)"),
        ("plugins/store.py", "a plugin of the workspace (plugins/*.py)"),
        ("templates/../targets/plan.toml", "a target file (targets/*.toml)"),
    ],
)
def test_a_store_named_as_a_file_of_the_workspace_is_refused(
    write_workspace: WriteWorkspace, database: str, what: str
) -> None:
    # An empty target file is only a warning; a store made in it was a binary file the
    # plan could no longer be read past, in a workspace someone sent as in one's own.
    root = write_workspace()
    (root / "targets" / "notes.toml").write_text("", encoding="utf-8")
    settings = root / "okrdesk.toml"
    settings.write_text(f'[workspace]\ndatabase = "{database}"\n', encoding="utf-8")
    before = {path: digest(path) for path in root.rglob("*") if path.is_file()}
    for command in (["collect", "--through", THROUGH], ["validate"]):
        result = run(root, *command, "--lang", "en")
        assert result.exit_code == 2, result.output
        said = f"okrdesk.toml:2: workspace.database: {database} is {what}: the store would be"
        assert said in result.output
        assert "Traceback" not in result.output
    assert {path: digest(path) for path in root.rglob("*") if path.is_file()} == before
    assert not (root / "targets" / "store.toml").exists()


@pytest.mark.parametrize(
    ("leads", "what"),
    [
        ("targets/store.toml", "a target file (targets/*.toml)"),  # not there yet
        ("plugins/store.py", "a plugin of the workspace (plugins/*.py)"),
        ("templates/report.md.j2", "in the workspace's templates/"),
    ],
)
def test_a_default_store_linked_to_a_file_of_the_workspace_is_refused(
    write_workspace: WriteWorkspace, leads: str, what: str
) -> None:
    # okrdesk.db -> targets/store.toml, in a workspace someone sent: no setting names
    # the store, so nothing refused it, and collect made it there, a binary target file
    # the plan could no longer be read past.
    root = write_workspace()
    (root / "okrdesk.db").symlink_to(Path(leads))
    (root / "templates").mkdir()
    before = {path: digest(path) for path in root.rglob("*") if path.is_file()}
    for command in (["collect", "--through", THROUGH], ["report"], ["validate"]):
        result = run(root, *command, "--lang", "en")
        assert result.exit_code == 2, result.output
        said = f"okrdesk.db: links to {leads}, {what}: the store would be written over it"
        assert said in result.output
        assert "Traceback" not in result.output
    assert {path: digest(path) for path in root.rglob("*") if path.is_file()} == before
    assert not (root / leads).exists()


SHOWN_ONLY = ("UPDATE checkins SET confidence", "UPDATE checkins SET author")
"""A check-in's columns no figure reads: named where a check-in is shown or exported, not
by ``check``, which reads a key result's year of check-ins as figures alone."""


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("UPDATE spend SET amount_fen = 'abc'", "spend row 1: amount_fen holds 'abc'"),
        ("UPDATE spend SET amount_fen = 1.5", "spend row 1: amount_fen holds 1.5"),
        ("UPDATE spend SET day = 'yesterday'", "spend row 1: day holds 'yesterday'"),
        ("UPDATE spend SET signed_by = '王芳'", "spend row 1: signed_by holds '王芳'"),
        # Money given back with no entry it reverses (a store of schema 4 may hold one):
        # counted, it lowered the line's spend and kept its breaker from tripping.
        (
            "INSERT INTO spend (line, day, amount_fen, signed_by, note, recorded) VALUES "
            "('training', '2026-03-03', -400, '[\"王芳\"]', '', '2026-03-03T10:00:00+08:00')",
            "spend row 2: amount_fen holds -400, which okrdesk never writes (a negative amount "
            "that reverses no entry",
        ),
        (
            "INSERT INTO spend (line, day, amount_fen, signed_by, note, recorded, reverses) "
            "VALUES ('training', '2026-03-03', 500, '[\"王芳\"]', '', '2026-03-03', 1)",
            "spend row 2: amount_fen holds 500, which okrdesk never writes (a reversal whose "
            "amount is not negative",
        ),
        ("UPDATE checkins SET value = 'abc'", "checkins row 1: value holds 'abc'"),
        ("UPDATE checkins SET day = '2026-13-45'", "checkins row 1: day holds '2026-13-45'"),
        ("UPDATE checkins SET confidence = 'high'", "checkins row 1: confidence holds 'high'"),
        ("UPDATE checkins SET author = x'07'", "checkins row 1: author holds b'\\x07'"),
        ("UPDATE runs SET errors = 'xx'", "runs row 1: errors holds 'xx'"),
        ("UPDATE runs SET plugins = '[]'", "runs row 1: plugins holds '[]'"),
    ],
)
def test_a_value_okrdesk_never_writes_is_named_by_its_row(
    write_workspace: WriteWorkspace, change: str, said: str
) -> None:
    # SQLite keeps text in an INTEGER column: such a row ended every report in a
    # traceback, and half a fen went into the line's total as if spent.
    root = write_workspace({"okrs.toml": CHECKIN_OKRS})
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    checked_in = run(root, "checkin", "O1.REV", "3", "--date", "2026-02-20", "--by", "王芳")
    assert checked_in.exit_code == 0, checked_in.output
    spent = run(
        root, "spend", "add", "training", "5", "--signed-by", "王芳", "--date", "2026-03-02"
    )
    assert spent.exit_code == 0, spent.output
    with closing(sqlite3.connect(root / "okrdesk.db")) as connection, connection:
        connection.execute(change)
    before = digest(root / "okrdesk.db")
    commands = [["report", "--as-of", THROUGH], ["export"]]
    if not change.startswith(SHOWN_ONLY):
        commands.append(["check", "--as-of", THROUGH])
    if "spend" in change:
        commands += [["spend", "list"], ["spend", "add", "training", "5", "--signed-by", "王芳"]]
    for command in commands:
        result = run(root, *command, "--lang", "en")
        assert result.exit_code == 2, (command, result.output)
        shown = " ".join(result.output.split())
        told = said if "never" in said else f"{said}, which okrdesk never writes"
        assert f"okrdesk.db: {told}" in shown
        assert "Traceback" not in result.output
    chinese = run(root, "report", "--as-of", THROUGH, "--lang", "zh")
    assert chinese.exit_code == 2 and "okrdesk 从不写入这样的值" in chinese.output
    assert digest(root / "okrdesk.db") == before


@pytest.mark.parametrize("column", ["value", "numerator"])
def test_a_figure_that_is_no_number_is_named_not_added_up_as_0(
    backend: Backend, column: str
) -> None:
    """SQLite keeps text in a REAL column, and sum() adds it up as 0: a figure typed over
    by hand (``1.2万``) lowered a person's total in every report without a word. On a
    server the column holds numbers only until its type is changed by hand to text; the
    store is then refused when opened, naming the changed type and the row too."""
    root = backend.workspace()
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    # Read once while whole: nothing seen then hides a later edit.
    assert run(root, "report", "--as-of", THROUGH).exit_code == 0
    with backend.open(root) as store:
        ((metric, period, subject),) = store.query(
            "SELECT metric, period, subject FROM observations WHERE slice = '' "
            "AND value IS NOT NULL ORDER BY metric, period, subject LIMIT 1"
        )
    change = (
        f"UPDATE observations SET {column} = '1.2万' "
        "WHERE metric = ? AND period = ? AND subject = ? AND slice = ''"
    )
    if backend.url is None:
        with closing(sqlite3.connect(root / "okrdesk.db")) as connection, connection:
            connection.execute(change, (metric, period, subject))
    else:
        with psycopg.connect(backend.url, autocommit=True) as connection:
            connection.execute(f"ALTER TABLE observations ALTER COLUMN {column} TYPE text")
            connection.execute(change.replace("?", "%s"), (metric, period, subject))
    every_row = "SELECT * FROM observations ORDER BY metric, period, subject, slice"
    if backend.url is None:
        with backend.open(root) as store:
            before = store.query(every_row)
    else:
        with psycopg.connect(backend.url) as connection:
            before = connection.execute(every_row.encode()).fetchall()
    said = (
        f"observations row (metric {metric}, period {period}, subject {subject}): {column} "
        "holds '1.2万', which okrdesk never writes: a figure that is no number would be "
        "added up as 0"
    )
    key_result = {"complaint_rate": "O1.KR2", "new_hnw_clients": "O1.KR1"}[metric]
    commands = [["explain", key_result, "--as-of", THROUGH, "--person", subject]]
    if backend.url is None:
        commands += [["report", "--as-of", THROUGH], ["check", "--as-of", THROUGH],
                     ["report", "--as-of", THROUGH, "--unit", subject]]  # fmt: skip
    for command in commands:
        result = run(root, *command, "--lang", "en")
        shown = " ".join(result.output.split())
        assert result.exit_code == 2, (command, result.output)
        if backend.url is None:
            assert said in shown, result.output
        else:
            # Refused when opened: the type named with its way back, and the row that
            # way back would refuse.
            assert f"observations.{column} is of type text, not double precision (`ALTER " \
                   f"TABLE observations ALTER COLUMN {column} TYPE double precision USING " \
                   f"{column}::double precision`); {said.split(': a figure')[0]}" in shown, \
                   result.output  # fmt: skip
        assert "Traceback" not in result.output
    chinese = run(root, *commands[0], "--lang", "zh")
    assert chinese.exit_code == 2
    assert f"{column} 的值是 '1.2万'，okrdesk 从不写入这样的值" in chinese.output
    if backend.url is None:
        with backend.open(root) as store:
            after = store.query(every_row)
    else:
        with psycopg.connect(backend.url) as connection:
            after = connection.execute(every_row.encode()).fetchall()
    assert after == before


def test_binary_data_in_a_figure_is_named_for_what_it_is(write_workspace: WriteWorkspace) -> None:
    """A blob written by hand is said as binary data of its size, not as Python's
    b'\\x00\\xff', which no manager reads."""
    root = write_workspace({"okrs.toml": CHECKIN_OKRS})
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    with closing(sqlite3.connect(root / "okrdesk.db")) as connection, connection:
        connection.execute(FIRST_VALUE_MADE_TEXT.replace("'n/a'", "X'00FF'"))
    result = run(root, "report", "--as-of", THROUGH, "--lang", "en")
    shown = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert "value holds binary data (2 bytes), which okrdesk never writes" in shown
    assert "\\x" not in result.output
    chinese = run(root, "report", "--as-of", THROUGH, "--lang", "zh")
    assert "value 的值是二进制数据（2 字节），okrdesk 从不写入这样的值" in chinese.output
    with closing(sqlite3.connect(root / "okrdesk.db")) as connection, connection:
        connection.execute("UPDATE observations SET value = X'00' WHERE typeof(value) = 'blob'")
    one = run(root, "report", "--as-of", THROUGH, "--lang", "en")
    assert "value holds binary data (1 byte), which" in " ".join(one.output.split())


FIRST_VALUE_MADE_TEXT = (
    "UPDATE observations SET value = 'n/a' WHERE (metric, period, subject, slice) IN "
    "(SELECT metric, period, subject, slice FROM observations WHERE slice = '' AND value IS "
    "NOT NULL ORDER BY metric, period, subject LIMIT 1)"
)
"""A hand edit: the first whole figure stored made text."""


@pytest.mark.parametrize("upgraded", [False, True], ids=["index dropped", "schema 18 upgraded"])
def test_a_figure_that_is_no_number_is_found_without_the_index_made_for_it(
    write_workspace: WriteWorkspace, upgraded: bool
) -> None:
    """The look for such a figure reads an index of those rows alone (schema 19): a store
    whose index was dropped by hand is looked through row by row, and one written before
    the index existed has it made, over the rows it already holds, as it is upgraded."""
    root = write_workspace()
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    with closing(sqlite3.connect(root / "okrdesk.db")) as connection, connection:
        connection.execute(f"DROP INDEX {NO_NUMBER_INDEX}")
        if upgraded:
            for trigger in SQLITE_EDIT_TRIGGERS:
                connection.execute(f"DROP TRIGGER {trigger}")
            connection.execute(f"DROP TABLE {HAND_EDITS}")
            connection.execute(f"DROP TABLE {OKRDESK_WRITES}")
            for index in re.findall(r"INDEX (\w+)", SCOPED_READ_INDEXES):  # schema 28's
                connection.execute(f"DROP INDEX {index}")
            connection.execute("ALTER TABLE observations DROP COLUMN no_rows")  # schema 26's
            for column in ("moved_from", "moved"):  # schema 27's
                connection.execute(f"ALTER TABLE checkins DROP COLUMN {column}")
            connection.execute("ALTER TABLE runs DROP COLUMN moved_from")
            connection.execute("ALTER TABLE runs DROP COLUMN kinds")  # schema 29's
            connection.execute("ALTER TABLE runs DROP COLUMN bases")  # schema 30's
            connection.execute("ALTER TABLE runs DROP COLUMN kept")  # schema 31\'s
            connection.execute("ALTER TABLE runs DROP COLUMN stored_order")  # schema 32\'s
            connection.execute("ALTER TABLE spend DROP COLUMN moved_from")  # schema 24's
            connection.execute("ALTER TABLE spend DROP COLUMN moved")
            connection.execute("ALTER TABLE spend DROP COLUMN plan_id")
            connection.execute("ALTER TABLE spend DROP COLUMN plan_unit")  # schema 22's
            connection.execute("ALTER TABLE runs DROP COLUMN plan_unit")  # schema 23's
            connection.execute("ALTER TABLE runs DROP COLUMN subjects")  # schema 25's
            connection.execute("PRAGMA user_version = 18")
        connection.execute(FIRST_VALUE_MADE_TEXT)
    result = run(root, "report", "--as-of", THROUGH, "--lang", "en")
    assert result.exit_code == 2, result.output
    assert "holds 'n/a', which okrdesk never writes" in " ".join(result.output.split())
    with closing(sqlite3.connect(root / "okrdesk.db")) as connection:
        made = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?",
            (NO_NUMBER_INDEX,),
        ).fetchone()[0]
        (version,) = connection.execute("PRAGMA user_version").fetchone()
    assert (made, version) == ((1, SCHEMA_VERSION) if upgraded else (0, SCHEMA_VERSION))


@pytest.mark.parametrize("on", ["(metric) WHERE value > 0", "(period) WHERE slice = ''"])
def test_an_index_made_again_by_hand_under_the_same_name_is_refused_when_opened(
    write_workspace: WriteWorkspace, on: str
) -> None:
    """An index named as the store's own for figures that are no number, made by hand on
    another condition, cannot answer the look for them: every command that read the
    store was refused with SQLite's words alone (okrdesk.db: no query solution). It is
    no index okrdesk makes, named as the store is opened."""
    root = write_workspace()
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    with closing(sqlite3.connect(root / "okrdesk.db")) as connection, connection:
        connection.execute(f"DROP INDEX {NO_NUMBER_INDEX}")
        connection.execute(f"CREATE INDEX {NO_NUMBER_INDEX} ON observations {on}")
    result = run(root, "report", "--as-of", THROUGH, "--lang", "en")
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert f"holds what okrdesk never makes (index {NO_NUMBER_INDEX})" in said, said


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_in_place_of_the_database_is_refused_at_once(
    write_workspace: WriteWorkspace,
) -> None:
    # A workspace someone sent (a tar archive keeps named pipes) with a pipe where the
    # store should be: opening it to read its header would wait forever for a writer.
    root = write_workspace()
    os.mkfifo(root / "okrdesk.db")
    env = {**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics"}
    for command in (["report"], ["check"], ["spend", "list"], ["collect", "--through", THROUGH]):
        for lang, said in (
            ("en", "okrdesk.db is not a regular file"),
            ("zh", "okrdesk.db 不是普通文件（而是文件夹、命名管道或设备）"),
        ):
            done = subprocess.run(
                [sys.executable, "-m", "okrdesk", *command, "--lang", lang, "-w", str(root)],
                capture_output=True,
                text=True,
                timeout=20,
                env=env,
            )
            assert done.returncode == 2, (command, done.stderr)
            assert said in done.stderr
            assert "Traceback" not in done.stderr


@pytest.mark.parametrize("beside", ["wal", "shm", "journal"])
def test_a_link_where_sqlite_keeps_its_log_is_named(
    write_workspace: WriteWorkspace, tmp_path: Path, beside: str
) -> None:
    # A workspace someone sent with okrdesk.db-wal linked to a file of yours: SQLite
    # writes nothing through it, and okrdesk says why rather than "unable to open".
    root = write_workspace()
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    yours = tmp_path / "yours.txt"
    yours.write_text("precious\n", encoding="utf-8")
    for name in ("okrdesk.db-wal", "okrdesk.db-shm"):
        (root / name).unlink(missing_ok=True)
    (root / f"okrdesk.db-{beside}").symlink_to(yours)
    result = run(root, "spend", "add", "training", "1", "--signed-by", "王芳", "--date",
                 "2026-03-02", "--lang", "en")  # fmt: skip
    assert result.exit_code == 2, result.output
    assert f"okrdesk.db-{beside} is a link (to {yours})" in result.output, result.output
    assert yours.read_text(encoding="utf-8") == "precious\n"


def damage_table(path: Path, table: str) -> None:
    """Overwrite the first page of ``table`` (a disk or a copy gone wrong): the file's
    header, and so its opening, stay sound; reading the table finds it malformed."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = connection.execute("PRAGMA page_size").fetchone()[0]
        (page,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()
    with path.open("r+b") as file:
        file.seek((page - 1) * size)
        file.write(b"\xff" * size)


@pytest.mark.parametrize("table", ["observations", "spend"])
def test_a_damaged_database_is_a_message_not_a_traceback(
    write_workspace: WriteWorkspace, table: str
) -> None:
    root = write_workspace()
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    spent = run(root, "spend", "add", "training", "1", "--signed-by", "王芳", "--date",
                "2026-03-02")  # fmt: skip
    assert spent.exit_code == 0, spent.output
    path = root / "okrdesk.db"
    damage_table(path, table)
    before = digest(path)
    for command in (
        ["report", "--as-of", THROUGH],
        ["check", "--as-of", THROUGH],
        ["spend", "add", "training", "2", "--signed-by", "王芳", "--date", "2026-03-02"],
        ["export", "--format", "csv", "--table", table],  # read as it is written out
        ["export", "--format", "xlsx", "--out", str(root / "all.xlsx")],
    ):
        result = run(root, *command)
        assert result.exit_code == 2, (command, result.output, result.exception)
        assert isinstance(result.exception, SystemExit), (command, result.exception)
        assert "Traceback" not in result.output
        assert "okrdesk.db 已损坏" in result.output, (command, result.output)
        assert "PRAGMA integrity_check" in result.output
    assert digest(path) == before
    assert not (root / "all.xlsx").exists()
    # The tables a damaged page is not in still export: what can be saved of the store.
    others = ["observations", "spend"]
    others.remove(table)
    assert run(root, "export", "--format", "csv", "--table", others[0]).exit_code == 0


@pytest.mark.parametrize(
    ("change", "named"),
    [
        # A database browser's "modify table": spend's line tied to a table of lines.
        ("CREATE TABLE budget_lines (name TEXT PRIMARY KEY); "
         "UPDATE sqlite_master SET sql = replace(sql, 'line TEXT NOT NULL', "
         "'line TEXT NOT NULL REFERENCES budget_lines (name)') WHERE name = 'spend'",
         "foreign key spend.line → budget_lines.name"),
        # A table of one's own tied to okrdesk's: okrdesk could no longer replace a row.
        ("CREATE TABLE notes (metric TEXT, period TEXT, subject TEXT, slice TEXT, "
         "FOREIGN KEY (metric, period, subject, slice) REFERENCES observations)",
         "foreign key notes.metric → observations"),
        # okrdesk's own, tied to another column.
        ("UPDATE sqlite_master SET sql = replace(sql, 'REFERENCES runs(id)', "
         "'REFERENCES runs(pid)') WHERE name = 'observations'",
         "foreign key observations.run_id → runs.pid"),
    ],
    ids=["spend-line", "own-table", "run-id-moved"],
)  # fmt: skip
def test_a_foreign_key_okrdesk_never_makes_is_refused_before_anything_is_written(
    write_workspace: WriteWorkspace, change: str, named: str
) -> None:
    # Every spend entry's write ended in SQLite's "FOREIGN KEY constraint failed", a
    # traceback, as a trigger or a CHECK okrdesk never makes is refused at the opening.
    root = write_workspace()
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    path = root / "okrdesk.db"
    schema_changed_by_hand(path, change)
    before = digest(path)
    for command in (
        ["spend", "add", "training", "2", "--signed-by", "王芳", "--date", "2026-03-02"],
        ["collect", "--through", THROUGH],
        ["report", "--as-of", THROUGH],
    ):
        result = run(root, *command, "--lang", "en")
        assert result.exit_code == 2, (command, result.output, result.exception)
        assert "Traceback" not in result.output
        assert f"holds what okrdesk never makes ({named}" in result.output, result.output
        assert "refusing" in result.output
    chinese = run(root, "report", "--as-of", THROUGH, "--lang", "zh")
    assert chinese.exit_code == 2 and "含有 okrdesk 从不创建的对象" in chinese.output
    assert digest(path) == before


@pytest.mark.parametrize(
    ("table", "changes", "command"),
    [
        # The key made the key result: one check-in each.
        ("checkins", [("id INTEGER PRIMARY KEY", "id INTEGER"),
                      ("key_result TEXT NOT NULL", "key_result TEXT NOT NULL PRIMARY KEY")],
         ["checkin", "O1.REV", "3", "--date", "2026-02-20"]),
    ],
    ids=["key"],
)  # fmt: skip
def test_a_constraint_changed_by_hand_that_refuses_a_write_is_said_and_rolled_back(
    write_workspace: WriteWorkspace,
    table: str,
    changes: list[tuple[str, str]],
    command: list[str],
) -> None:
    # Not a clause refused at the opening (as a CHECK or a NOT NULL okrdesk never makes
    # is): the write ended in SQLite's IntegrityError, a traceback.
    root = write_workspace({"okrs.toml": CHECKIN_OKRS})
    assert run(root, "checkin", "O1.REV", "1", "--date", "2026-02-19").exit_code == 0
    path = root / "okrdesk.db"
    with closing(sqlite3.connect(path)) as connection:  # a database browser's "modify table"
        made = connection.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,))
        rebuilt = made.fetchone()[0].replace(f"CREATE TABLE {table}", f"CREATE TABLE {table}_new")
        for was, now in changes:
            rebuilt = rebuilt.replace(was, now)
        connection.executescript(
            f"{rebuilt}; INSERT INTO {table}_new SELECT * FROM {table}; DROP TABLE {table}; "
            f"ALTER TABLE {table}_new RENAME TO {table};"
        )
    before = digest(path)
    result = run(root, *command, "--lang", "en")
    assert result.exit_code == 1, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    assert f"{path}: SQLite refused what okrdesk was writing (" in result.output
    assert "constraint failed" in result.output and "rolled back" in result.output
    chinese = run(root, *command, "--lang", "zh")
    assert chinese.exit_code == 1 and "SQLite 拒绝了 okrdesk 正在写入的内容" in chinese.output
    assert digest(path) == before


def test_the_tables_foreign_keys_and_defaults_okrdesk_makes_are_those_it_takes_for_its_own(
    tmp_path: Path,
) -> None:
    from okrdesk.store.migrations import (
        DEFAULTS_MADE,
        FOREIGN_KEYS_MADE,
        TABLES_MADE,
        tables_as_made,
    )

    path = tmp_path / "okrdesk.db"
    Store.open(path).close()
    with closing(sqlite3.connect(path)) as connection:
        made = connection.execute(
            'SELECT m.name, f."from", f."table", f."to" FROM sqlite_master m, '
            "pragma_foreign_key_list(m.name) f WHERE m.type = 'table'"
        ).fetchall()
        defaults = connection.execute(
            "SELECT m.name, p.name, p.dflt_value FROM sqlite_master m, "
            "pragma_table_info(m.name) p WHERE m.type = 'table' AND p.dflt_value IS NOT NULL"
        ).fetchall()
    assert set(made) == FOREIGN_KEYS_MADE
    assert set(tables_as_made()) == TABLES_MADE
    assert set(defaults) == DEFAULTS_MADE


def test_the_indexes_and_column_types_a_store_is_checked_against_are_those_made() -> None:
    """Every index okrdesk's migrations make in some version (a store of any version is
    opened before it is upgraded), the type of each column, and which may hold NULL (in
    every version alike: one NOT NULL in some version and not in another would have a
    store of one of them refused)."""
    import sqlite_utils

    from okrdesk.store.migrations import (
        COLUMN_TYPES_MADE,
        INDEXES_MADE,
        MIGRATIONS,
        NULLABLE_MADE,
        ROW_IDS_MADE,
        tables_as_made,
    )

    made, nullable, not_null, row_ids = set(), set(), set(), set()
    with closing(sqlite3.connect(":memory:")) as connection:
        for migration in MIGRATIONS:
            migration(sqlite_utils.Database(connection))
            indexes = connection.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            )
            made |= {" ".join(sql.split()) for (sql,) in indexes}
            for table, column, required, key in connection.execute(
                'SELECT m.name, p.name, p."notnull", p.pk FROM sqlite_master m, '
                "pragma_table_info(m.name) p WHERE m.type = 'table'"
            ):
                (not_null if required else nullable if not key else row_ids).add((table, column))
    assert made == INDEXES_MADE
    assert tables_as_made() == COLUMN_TYPES_MADE
    assert nullable == NULLABLE_MADE and not nullable & not_null
    # The rest NOT NULL, in every version: one found without is refused.
    assert row_ids == ROW_IDS_MADE and not row_ids & not_null


def test_a_database_locked_past_the_timeout_is_reported(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    holder = sqlite3.connect(root / "okrdesk.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        waited = {"OKRDESK_BUSY_TIMEOUT": "0.2"}
        result = run(root, "collect", "--through", THROUGH, "--lang", "en", env=waited)
        chinese = run(root, "collect", "--through", THROUGH, "--lang", "zh", env=waited)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == chinese.exit_code == 2
    assert "is locked by another okrdesk or SQLite program" in result.output
    assert "被另一个 okrdesk 或 SQLite 程序锁定，0.2 秒内未解锁" in chinese.output


# ----------------------------------------------------------- check-ins


CHECKIN_OKRS = """\
[[objectives]]
id = "O1"
title = "收入"
owner = "branch"

[[objectives.key_results]]
id = "KR1"
title = "新增高净值客户"
metric = "new_hnw_clients"
target = 360
unit = "户"

[[objectives.key_results]]
id = "REV"
title = "营业收入"
target = 5.5
unit = "亿元"
"""


def test_checkins_keep_history_and_the_latest_counts(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # explain's rows whole: what it says, not how it folds
    root = backend.workspace({"okrs.toml": CHECKIN_OKRS})
    first = run(root, "checkin", "O1.REV", "1.1", "--date", "2026-03-31", "--note", "Q1 报表",
                "--by", "王芳")  # fmt: skip
    assert first.exit_code == 0, first.output
    # In the workspace's language, Chinese: the value in the key result's unit.
    said = "O1.REV 营业收入：已记录 1.1亿（branch，截至 2026-03-31，填报人 王芳；branch 第 1 次"
    assert said in first.output
    assert run(root, "checkin", "O1.REV", "2.35", "--date", "2026-06-30",
               "--confidence", "0.8").exit_code == 0  # fmt: skip
    with backend.open(root) as store:
        history = store.checkins("O1.REV")
    assert [(c.value, c.confidence) for c in history] == [
        (110_000_000.0, None),
        (235_000_000.0, 0.8),
    ]
    explained = run(root, "explain", "O1.REV", "--as-of", "2026-07-15")
    assert explained.exit_code == 0, explained.output
    assert "= 2.35亿" in explained.output
    (counted,) = [line for line in explained.output.splitlines() if line.endswith("← 计入")]
    assert "2026-06-30" in counted and counted.endswith("· 信心 80%  ← 计入"), counted
    english = run(root, "explain", "O1.REV", "--as-of", "2026-07-15", "--lang", "en")
    assert any(line.endswith(", confidence 80%  <- counts") for line in english.output.splitlines())
    in_may = run(root, "explain", "O1.REV", "--as-of", "2026-05-01")
    assert "= 1.1亿" in in_may.output


def test_checkin_figures_are_the_standing_check_ins_of_the_days_asked(backend: Backend) -> None:
    """``checkin_figures`` (what a report adds up) reads the check-ins ``checkins`` reads,
    of the subjects and days asked, withdrawn ones and last year's left out."""
    root = backend.workspace({"okrs.toml": CHECKIN_OKRS})
    with backend.open(root) as store:
        made = [
            store.add_checkin("O1.REV", subject, dt.date.fromisoformat(day), value)
            for subject, day, value in [
                ("branch", "2025-12-31", 9.0), ("p01", "2026-01-05", 1.0),
                ("p02", "2026-01-05", 2.0), ("p01", "2026-01-05", 1.5),
                ("branch", "2026-02-01", 3.25), ("p01", "2026-03-01", 4.0),
            ]
        ]  # fmt: skip
        store.add_checkin("O1.OTHER", "p01", dt.date(2026, 1, 9), 7.0)
        store.withdraw_checkin(made[5], "王芳", "typed twice")
        year = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
        figures = store.checkin_figures("O1.REV", ["p01", "branch"], *year)
        assert [(f.subject, f.day.isoformat(), f.value) for f in figures] == [
            ("p01", "2026-01-05", 1.0), ("p01", "2026-01-05", 1.5), ("branch", "2026-02-01", 3.25)
        ]  # fmt: skip
        assert [f.id for f in figures] == [made[1], made[3], made[4]]
        every = store.checkin_figures(None, ["p01", "p02", "branch"], *year)
        assert every == [
            CheckinFigure(c.id, c.key_result, c.subject, c.day, c.value)
            for c in store.checkins(subjects=["p01", "p02", "branch"])
            if year[0] <= c.day <= year[1]
        ]
        assert {f.key_result for f in every} == {"O1.REV", "O1.OTHER"}
        assert store.checkin(made[0]) == store.checkins("O1.REV", "branch")[0]
        assert store.checkin(10_000) is None


def test_explain_and_the_report_agree_on_a_unit_with_its_own_checkin(
    backend: Backend,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # explain's rows whole: what it says, not how it folds
    root = backend.workspace({"okrs.toml": CHECKIN_OKRS})
    # team-a reports 10 for itself; cm01, inside it, 3. The branch's figure is
    # team-a's own 10, not 13: cm01 is already in team-a's.
    for args in (["--unit", "team-a", "10"], ["--person", "cm01", "3"]):
        value = args.pop()
        done = run(root, "checkin", "O1.REV", value, *args, "--date", "2026-03-31")
        assert done.exit_code == 0, done.output
    explained = run(root, "explain", "O1.REV", "--as-of", "2026-04-01", "--lang", "en")
    assert "= CNY 1,000m" in explained.output
    marked = {line.split()[1] for line in explained.output.splitlines() if "<- counts" in line}
    assert marked == {"财富管理一部"}
    report = json.loads(run(root, "report", "--as-of", "2026-04-01", "--format", "json").output)
    rev = next(kr for o in report["objectives"] for kr in o["key_results"] if kr["id"] == "O1.REV")
    assert rev["actual"] == 1_000_000_000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["O1.KR1", "10"], "O1.KR1 由指标 new_hnw_clients 度量；打卡只用于没有指标的关键结果"),
        (["O1.KR1", "10", "--lang", "en"], "is measured by the metric new_hnw_clients"),
        (["O1.KR9", "10"], '没有关键结果 "O1.KR9"'),
        (["O1.KR9", "10", "--lang", "en"], 'no key result "O1.KR9"'),
        (["O1.REV", "lots"], "O1.REV：'lots' 不是数字。未记录任何打卡。"),
        (["O1.REV", "lots", "--lang", "en"], "'lots' is not a number"),
        (["O1.REV", "1", "--person", "nobody"], '没有人员 "nobody"'),
        (
            ["O1.REV", "1", "--date", "2027-01-05"],
            "--date 2027-01-05 不在计划期内（2026-01-01 至 2026-12-31）：打卡须记在计划期内的日期。"
            "未记录任何打卡。",
        ),
        (
            ["O1.REV", "1", "--date", "2027-01-05", "--lang", "en"],
            "--date 2027-01-05 is outside the plan (2026-01-01 to 2026-12-31): a check-in is "
            "as of a day of the plan. Nothing was stored.",
        ),
        (
            ["O1.REV", "1", "--confidence", "1.5", "--lang", "en"],
            "--confidence 1.5: not a number from 0 to 1 (or 0% to 100%)",
        ),
    ],
)
def test_bad_checkins_are_refused(backend: Backend, args: list[str], message: str) -> None:
    root = backend.workspace({"okrs.toml": CHECKIN_OKRS})
    result = run(root, "checkin", *args)
    assert result.exit_code == 2
    assert message in result.output
    if backend.exists(root):
        with backend.open(root) as store:
            assert store.checkins() == []


# ---------------------------------------------------------------- spend


def test_spend_on_a_market_activity_needs_two_different_names(
    backend: Backend,
) -> None:
    root = backend.workspace()
    refused = run(root, "spend", "add", "salons", "12万", "--signed-by", "王芳",
                  "--signed-by", " 王芳 ")  # fmt: skip
    assert refused.exit_code == 2
    assert "salons（沙龙、峰会、路演）的每笔支出都需要两位不同的人签字（双签字）" in refused.output
    assert "未记录任何支出" in refused.output
    done = run(root, "spend", "add", "salons", "12万", "--signed-by", "王芳", "--signed-by",
               "李强", "--note", "春季沙龙", "--date", "2026-03-02")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "已记录支出 12万：salons（沙龙、峰会、路演），支出日期 2026-03-02" in done.output
    assert "本项已支出 12万，预算 380万" in done.output
    listed = run(root, "spend", "list")
    assert "2026-03-02  salons" in listed.output and "王芳、李强  春季沙龙" in listed.output


@pytest.mark.parametrize(
    ("amount", "message"),
    [("12户", "'12户'：户 与 万元 不是同一类单位；请以 万元 写"),
     ("abc万", "'abc万'：'abc' 不是数字。未记录任何支出。")],
)  # fmt: skip
def test_spend_amounts_are_money(
    write_workspace: WriteWorkspace, amount: str, message: str
) -> None:
    root = write_workspace()
    result = run(root, "spend", "add", "training", amount, "--signed-by", "王芳")
    assert result.exit_code == 2
    assert message in result.output
    english = run(root, "spend", "add", "training", amount, "--signed-by", "王芳", "--lang", "en")
    assert english.exit_code == 2
    assert {"12户": "户 does not go with 万元", "abc万": "'abc万': 'abc' is not a number"}[
        amount
    ] in english.output


@pytest.mark.parametrize(("typed", "recorded"), [("12", "120000"), ("0.0035亿", "350000"),
                                                 ("3,500元", "3500")])  # fmt: skip
def test_a_bare_amount_is_in_the_lines_unit(backend: Backend, typed: str, recorded: str) -> None:
    # The sample budget is written in 万元: 12 on its lines is 12万.
    root = backend.workspace()
    result = run(root, "spend", "add", "training", typed, "--signed-by", "王芳")
    assert result.exit_code == 0, result.output
    with backend.open(root) as store:
        (entry,) = store.spend()
    assert str(entry.amount) == recorded


def test_single_signature_is_enough_elsewhere(backend: Backend) -> None:
    root = backend.workspace()
    result = run(root, "spend", "add", "training", "3500元", "--signed-by", "王芳")
    assert result.exit_code == 0, result.output
    with backend.open(root) as store:
        (entry,) = store.spend()
    assert (str(entry.amount), entry.signed_by) == ("3500", ("王芳",))


# -------------------------------------------------- explain and export


def test_explain_shows_plugin_run_and_source(backend: Backend) -> None:
    root = backend.workspace()
    run(root, "collect", "--through", THROUGH)
    result = run(root, "explain", "O1.KR1", "--as-of", "2026-01-25")
    assert result.exit_code == 0, result.output
    # Weeks 1-4 (through Sunday 25 January), cm01 gives 1 and cm02 gives 2 each week: 12.
    assert "= 12户" in result.output
    # A Chinese workspace is told in Chinese, an English reader in English.
    assert "指标 new_hnw_clients（流量：各周期、各人相加），来自插件 test_metrics" in result.output
    assert "8 条观测值，来自第 1 次采集：" in result.output
    # The test plugin cites its rows in the form okrdesk reads: said in the reader's language.
    assert "  2026-W03  李强" in result.output and "test 第 2 行" in result.output
    english = run(root, "explain", "O1.KR1", "--as-of", "2026-01-25", "--lang", "en")
    assert (
        "metric new_hnw_clients (flow: summed over time and people), plugin test_metrics"
        in english.output
    )
    assert "8 observations, from run 1:" in english.output
    assert "  2026-W03  李强" in english.output and "2 accts     1  test rows 2-2" in english.output
    assert "2户     1  test 第 2 行" in result.output
    ratio = run(root, "explain", "O1.KR2", "--as-of", "2026-01-25", "--person", "cm02")
    # cm02 has 1 complaint per 1000 clients each week: 4 / 4000 = 1‰.
    assert "= 1‰" in ratio.output
    assert "分子 4（逐期相加）/ 分母 4,000（逐期相加）" in ratio.output
    ratio = run(root, "explain", "O1.KR2", "--as-of", "2026-01-25", "--person", "cm02",
                "--lang", "en")  # fmt: skip
    assert "numerator 4 (sum) / denominator 4,000 (sum)" in ratio.output


def test_export_json_and_csv(backend: Backend, tmp_path: Path) -> None:
    root = backend.workspace()
    run(root, "collect", "--through", THROUGH)
    payload = json.loads(run(root, "export").output)
    assert payload["schema"] == "okrdesk.export/1"
    assert len(payload["observations"]) == 44
    assert payload["runs"][0]["plugins"] == "test_metrics"
    out = tmp_path / "obs.csv"
    assert run(root, "export", "--format", "csv", "--out", str(out)).exit_code == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("metric,subject,period,period_start")
    assert lines[0].endswith(",slice,grain,ratio,no_rows")  # added after every column a CSV had
    assert len(lines) == 45
    assert run(root, "export", "--format", "csv", "--table", "spend").output == (
        "\ufeffid,line,day,amount_yuan,unit,signed_by,note,override_reason,recorded,plan_unit,"
        "plan_id,moved_from,moved\n"
    )
    # A target file with a problem leaves the stored numbers to export, with their units.
    okrs = root / "targets" / "okrs.toml"
    okrs.write_text(okrs.read_text(encoding="utf-8") + "\n[oops\n", encoding="utf-8")
    broken = run(root, "export", "--format", "csv")
    assert broken.exit_code == 0, broken.output
    rows = list(csv.DictReader(io.StringIO(broken.output.lstrip("\ufeff"))))
    assert {row["metric"]: row["unit"] for row in rows} == {
        "new_hnw_clients": "户",
        "complaint_rate": "ratio",
    }


def test_the_query_planners_figures_of_analyze_are_let_be(write_workspace: WriteWorkspace) -> None:
    """``ANALYZE`` (a DBA tuning the file) keeps the planner's figures in sqlite_stat1: they
    change how fast a query runs, never what it reads, so the store opens and reads as
    before."""
    root = write_workspace()
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    before = json_report(root, THROUGH)
    with closing(sqlite3.connect(root / "okrdesk.db")) as connection, connection:
        connection.execute("ANALYZE")
        assert connection.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0] > 0
    assert json_report(root, THROUGH) == before
    assert run(root, "collect", "--through", THROUGH).exit_code == 0


def test_the_latest_run_of_each_plan_is_read_without_the_others(backend: Backend) -> None:
    """``latest_runs``: what a branch needs of the other plans sharing a firm's store,
    one run of each, oldest first; a run of a store older than schema 23 ('') is one."""
    root = backend.workspace()
    with backend.open(root) as store:
        made = [store.start_run("collect", None, plan_unit=unit)
                for unit in ("b1", "b2", "b1", "", "b3", "b2", "")]  # fmt: skip
        for run_id in made:
            store.finish_run(run_id, "ok", {}, [])
        latest = store.latest_runs()
    assert [(run.id, run.plan_unit) for run in latest] == [
        (made[2], "b1"),
        (made[4], "b3"),
        (made[5], "b2"),
        (made[6], ""),
    ]


def test_each_plans_collects_are_summed_up_without_reading_them(backend: Backend) -> None:
    """``collects_by_plan``: a firm's report tells from it whether a branch's latest
    collect answers for its earlier ones, and reads those it needs by id
    (``runs_numbered``), not a year of every branch's weeks; ``restating_runs``, when
    those that restated figures did so."""
    root = backend.workspace()
    day = dt.date(2026, 3, 1)
    with backend.open(root) as store:
        made = [store.start_run("collect", day + dt.timedelta(days=n), plan_unit=unit)
                for n, unit in enumerate(("b1", "b2", "b1", "", "b1"))]  # fmt: skip
        for run_id in made:
            store.finish_run(run_id, "ok", {}, [])
        store.query("UPDATE runs SET through = '2026-02-01' WHERE id = ?", (made[4],))
        store.query("UPDATE runs SET revised = '{\"x\": {\"2026-W01\": 1}}' WHERE id = ?",
                    (made[2],))  # fmt: skip
        found = store.collects_by_plan()
        numbered = store.runs_numbered([made[4], made[0], 99999])
        restating = store.restating_runs(["b1", "b2"])
        finished = store.runs_numbered([made[2]])[0].finished
    assert restating == [(made[2], finished)]
    assert found == {
        "b1": PlanCollects(made[0], made[4], "2026-03-03", 1),
        "b2": PlanCollects(made[1], made[1], "2026-03-02", 0),
        "": PlanCollects(made[3], made[3], "2026-03-04", 0),
    }
    assert [run.id for run in numbered] == [made[0], made[4]]
