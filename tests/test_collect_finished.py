"""``emit.finished``: a metric the plugin has finished is checked and set aside while it
computes the next, and stored with the collect's other figures whatever the plugin does
afterwards."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from backends import Backend
from okrdesk.model import Person
from okrdesk.plugins import hookimpl
from okrdesk.plugins.testing import check_plugin
from sample_workspace import WriteWorkspace, trusted

STEPWISE = """\
import os
import pathlib
import time

from okrdesk.model import Direction, MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("new_hnw_clients", "New HNW clients", "新增高净值客户",
                        MetricKind.FLOW, UNITS["户"]))
    register(MetricSpec("complaint_rate", "Complaint rate", "投诉率", MetricKind.RATIO,
                        UNITS["‰"], direction=Direction.AT_MOST))


def wait_for(gate):
    deadline = time.monotonic() + 60
    while not gate.exists():
        if time.monotonic() > deadline:
            raise RuntimeError("the test never opened the gate")
        time.sleep(0.02)


@hookimpl
def okrdesk_collect(request, emit):
    mode = os.environ.get("OKRDESK_TEST_MODE", "")
    figure = float(os.environ.get("OKRDESK_TEST_FIGURE", "1"))
    pairs = [(p.id, w.id) for w in request.periods for p in request.people]
    for subject, week in pairs:
        emit("new_hnw_clients", subject, week, value=figure, source="hnw.csv")
    if mode == "slow_store":
        # Finished once the test holds the store's write lock; then a second of its own.
        pathlib.Path(os.environ["OKRDESK_TEST_GATE"] + ".ready").write_text("ready")
        wait_for(pathlib.Path(os.environ["OKRDESK_TEST_GATE"]))
    emit.finished("new_hnw_clients")
    if mode == "slow_store":
        time.sleep(1.0)
    if mode == "gate":
        pathlib.Path(os.environ["OKRDESK_TEST_GATE"] + ".ready").write_text("ready")
        wait_for(pathlib.Path(os.environ["OKRDESK_TEST_GATE"]))
    if mode == "late":
        emit("new_hnw_clients", pairs[0][0], pairs[0][1], value=99.0)
        emit.error("new_hnw_clients", "changed my mind")
    for subject, week in pairs[:3]:
        emit("complaint_rate", subject, week, numerator=figure, denominator=1000.0)
        if mode == "raises":
            raise RuntimeError("the complaints export went away")
        if mode == "exits":
            os._exit(3)
    emit.finished("complaint_rate")
    if mode == "after":
        raise RuntimeError("the log could not be written")
"""

OKRDESK = [sys.executable, "-m", "okrdesk"]
THROUGH = "2026-01-20"


def workspace(backend: Backend) -> Path:
    root = backend.workspace({"budget.toml": None})
    (root / "plugins" / "test_metrics.py").unlink()
    (root / "plugins" / "stepwise.py").write_text(STEPWISE, encoding="utf-8")
    trusted(root)
    return root


def collect(root: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*OKRDESK, "collect", "--through", THROUGH, "-w", str(root), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "OKRDESK_LOAD_PLUGINS": "stepwise", **env},
        start_new_session=True,  # a group of its own, stopped whole if left running
    )  # fmt: skip


@contextlib.contextmanager
def collecting(root: Path, **env: str) -> Iterator[subprocess.Popen[str]]:
    """``collect`` running in a process of its own, killed if the test leaves it running."""
    running = collect(root, **env)
    try:
        yield running
    finally:
        if running.poll() is None:
            running.kill()
            running.communicate()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(running.pid, signal.SIGKILL)


def finish(running: subprocess.Popen[str]) -> tuple[int, str, str]:
    stdout, stderr = running.communicate(timeout=120)
    return running.returncode, stdout, stderr


def figures(backend: Backend, root: Path, metric: str) -> set[tuple[str, str, object]]:
    if not backend.exists(root):
        return set()
    with backend.open(root) as store:
        found = [stored.observation for stored in store.observations(metric=metric)]
    return {(o.subject, o.period, o.value if o.value is not None else o.numerator) for o in found}


def test_a_finished_metric_is_set_aside_while_the_plugin_computes_the_next(
    backend: Backend, tmp_path: Path
) -> None:
    # It was stored at once, in a transaction of its own: a report read while the plugin
    # computed the next metric had this collect's new clients beside the last one's
    # complaints. Now it waits, checked, and lands with the rest.
    root = workspace(backend)
    assert finish(collect(root))[0] == 0
    gate = tmp_path / "gate"
    with collecting(root, OKRDESK_TEST_MODE="gate", OKRDESK_TEST_GATE=str(gate),
                    OKRDESK_TEST_FIGURE="2") as running:  # fmt: skip
        ready = Path(f"{gate}.ready")
        deadline = time.monotonic() + 60
        while not ready.exists():  # new_hnw_clients finished: the plugin waits for the gate
            assert running.poll() is None, running.communicate()
            assert time.monotonic() < deadline, "the plugin never finished new_hnw_clients"
            time.sleep(0.05)
        assert {v for _, _, v in figures(backend, root, "new_hnw_clients")} == {1.0}
        gate.write_text("open", encoding="utf-8")
        code, stdout, stderr = finish(running)
    assert code == 0, stdout + stderr
    # 2 people over the 4 weeks to 20 January (2026-W01 holds 1 January).
    hnw = figures(backend, root, "new_hnw_clients")
    assert {(s, v) for s, _, v in hnw} == {("cm01", 2.0), ("cm02", 2.0)}
    assert len(hnw) == 8
    assert {v for _, _, v in figures(backend, root, "complaint_rate")} == {2.0}
    assert "第 2 次采集：11 条数据" in stdout


@pytest.mark.parametrize(
    ("mode", "named"),
    [
        ("raises", "okrdesk_collect 出错：RuntimeError: the complaints export went away"),
        ("exits", "其进程在 okrdesk_collect 期间退出（退出码 3"),
    ],
)
def test_a_plugin_that_fails_after_finishing_a_metric_keeps_that_metric_stored(
    backend: Backend, mode: str, named: str
) -> None:
    root = workspace(backend)
    assert finish(collect(root))[0] == 0
    before = figures(backend, root, "complaint_rate")
    assert {v for _, _, v in before} == {1.0}
    code, stdout, stderr = finish(collect(root, OKRDESK_TEST_MODE=mode, OKRDESK_TEST_FIGURE="2"))
    assert code == 1, stdout + stderr
    assert f"错误：插件 stepwise：{named}" in stderr
    assert "（结束前已入库：new_hnw_clients）" in stderr
    assert "入库 8 条数据，1 个指标，" in stdout
    # The plugin failed as a whole: its error names no metric, so this line names them.
    assert "未入库的指标保留原有数字：complaint_rate。" in stderr
    assert "Traceback" not in stderr
    assert {v for _, _, v in figures(backend, root, "new_hnw_clients")} == {2.0}
    assert figures(backend, root, "complaint_rate") == before
    assert stdout.startswith("第 2 次采集失败（1 个错误，见下）：入库 8 条数据"), stdout


def test_emitting_for_a_finished_metric_is_its_problem_and_keeps_what_was_stored(
    backend: Backend,
) -> None:
    root = workspace(backend)
    code, stdout, stderr = finish(collect(root, OKRDESK_TEST_MODE="late", OKRDESK_TEST_FIGURE="4"))
    assert code == 1, stdout + stderr
    # okrdesk's refusals in the workspace's language, the plugin's own words as it gave them.
    assert (
        "插件 stepwise 指标 new_hnw_clients：cm01 2026-W01：在此指标的 emit.finished 之后"
        "（插件不得如此）给出；在此指标的 emit.finished 之后（插件不得如此）调用 emit.error："
        "changed my mind（共 2 个问题，emit.finished 之前给出的已入库并保留）"
    ) in stderr
    assert {v for s, _, v in figures(backend, root, "new_hnw_clients")} == {4.0}
    assert len(figures(backend, root, "complaint_rate")) == 3
    assert " 条数据，2 个指标，" in stdout  # both were stored


class _LatePlugin:
    """A plugin registered in the test's process: what it emits after finishing is refused
    by ``check_plugin`` exactly as by a collect."""

    @hookimpl
    def okrdesk_metrics(self, register):  # type: ignore[no-untyped-def]
        from okrdesk.model import MetricKind, MetricSpec
        from okrdesk.units import UNITS

        register(MetricSpec("salon_visits", "Salon visits", "沙龙到访", MetricKind.FLOW,
                            UNITS["人"]))  # fmt: skip

    @hookimpl
    def okrdesk_collect(self, request, emit):  # type: ignore[no-untyped-def]
        week = request.periods[0].id
        emit("salon_visits", "cm01", week, value=3)
        emit.finished("salon_visits")
        emit.many("salon_visits", ["cm02"], [week], values=[5])


def test_check_plugin_names_figures_emitted_after_finished() -> None:
    check = check_plugin(
        _LatePlugin(),
        people=[Person("cm01", "王芳", "branch"), Person("cm02", "李强", "branch")],
        start=dt.date(2026, 1, 5),
        through=dt.date(2026, 1, 11),
    )
    assert check.problems == [
        "plugin plugin-under-test metric salon_visits: cm02 2026-W02: emitted after "
        "emit.finished for this metric, which a plugin must not do "
        "(1 problem; none of its figures stored)"
    ]


def test_time_spent_storing_is_not_counted_against_the_plugin(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    # The plugin takes about a second of its 3 s; storing its first metric waits 4 s
    # for another writer (the test), which must not make the plugin time out.
    root = workspace(Backend("sqlite", None, write_workspace))
    gate = tmp_path / "gate"
    ready = tmp_path / "gate.ready"
    with collecting(
        root, OKRDESK_TEST_MODE="slow_store", OKRDESK_TEST_GATE=str(gate),
        OKRDESK_PLUGIN_TIMEOUT="3",
    ) as running:  # fmt: skip
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert running.poll() is None, running.communicate()
            assert time.monotonic() < deadline, "the plugin never got ready"
            time.sleep(0.02)
        with contextlib.closing(sqlite3.connect(root / "okrdesk.db", isolation_level=None)) as db:
            db.execute("BEGIN IMMEDIATE")
            gate.write_text("open", encoding="utf-8")
            time.sleep(4.0)
            db.execute("COMMIT")
        code, stdout, stderr = finish(running)
    assert code == 0, stdout + stderr
    assert len(figures(Backend("sqlite", None, write_workspace), root, "complaint_rate")) == 3


class _DatedRows:
    """The documented way to place a row: in the period of ``request.periods`` holding its
    day, if any. Rows of 30 December and 2 January, for a plan starting on 1 January."""

    @hookimpl
    def okrdesk_metrics(self, register):  # type: ignore[no-untyped-def]
        from okrdesk.model import MetricKind, MetricSpec
        from okrdesk.units import UNITS

        register(MetricSpec("referrals", "Referrals", "转介绍", MetricKind.FLOW, UNITS["户"]))

    @hookimpl
    def okrdesk_collect(self, request, emit):  # type: ignore[no-untyped-def]
        counts: dict[str, int] = {}
        for day in (dt.date(2025, 12, 30), dt.date(2026, 1, 2)):
            period = next((p for p in request.periods if p.start <= day <= p.end), None)
            if period is not None:
                counts[period.id] = counts.get(period.id, 0) + 1
        for period, count in counts.items():
            emit("referrals", "cm01", period, value=count)


def test_check_plugin_asks_for_the_periods_a_collect_asks_for() -> None:
    """Clipped to the plan's days, as ``plan_periods`` clips them: 2026-W01 from Thursday 1
    January, so a row of 30 December is in no period."""
    check = check_plugin(_DatedRows(), people=[Person("cm01", "王芳", "branch")],
                         start=dt.date(2026, 1, 1), through=dt.date(2026, 1, 11))  # fmt: skip
    assert check.problems == []
    assert [(o.period, o.value) for o in check.observations] == [("2026-W01", 1.0)]


def test_a_collect_that_stored_every_metric_does_not_say_some_kept_their_numbers(
    backend: Backend,
) -> None:
    """A plugin that failed after finishing every metric: each was stored, and the collect
    still ended "The metrics not stored kept their earlier numbers."."""
    root = workspace(backend)
    code, stdout, stderr = finish(collect(root, OKRDESK_TEST_MODE="after"))
    assert code == 1, stdout + stderr
    assert "the log could not be written" in stderr
    assert "（结束前已入库：complaint_rate、new_hnw_clients）" in stderr, stderr
    assert "kept their earlier numbers" not in stderr
    assert "保留原有数字" not in stderr


def test_a_first_collect_that_failed_says_its_metrics_have_no_numbers_yet(
    backend: Backend,
) -> None:
    """The first collect of a store, its plugin failing before it finished complaint_rate:
    it said "未入库的指标保留原有数字" of a metric that had none, and "与上次采集相比，无新增
    或变动" with no collect before it. A later failure keeps what the first stored."""
    root = workspace(backend)
    code, stdout, stderr = finish(collect(root, OKRDESK_TEST_MODE="raises"))
    assert code == 1, stdout + stderr
    assert "未入库的指标尚无数字：complaint_rate。" in stderr, stderr
    assert "保留原有数字" not in stderr
    assert "条：这是此数据库的第一次采集。" in stdout, stdout
    assert finish(collect(root))[0] == 0
    code, stdout, stderr = finish(collect(root, OKRDESK_TEST_MODE="raises"))
    assert code == 1, stdout + stderr
    assert "未入库的指标保留原有数字：complaint_rate。" in stderr, stderr
    assert "这是此数据库的第一次采集" not in stdout, stdout


@pytest.mark.parametrize(
    ("lang", "failed", "unchanged"),
    [
        ("en", "Run 3 failed (1 error below): 8 observations of 1 metric stored, 4 periods "
               "(2026-W01 to 2026-W04), through 2026-01-20; 1 metric not stored.",
         "Of what was stored, none new or changed since the last collect."),
        ("zh", "第 3 次采集失败（1 个错误，见下）：入库 8 条数据，1 个指标，4 个周期（2026-W01 至 "
               "2026-W04），截至 2026-01-20；1 个指标未入库。",
         "已入库的数据与上次采集相比，无新增或变动。"),
    ],
    ids=["en", "zh"],
)  # fmt: skip
def test_a_failed_collect_says_it_failed_before_it_says_nothing_changed(
    backend: Backend, lang: str, failed: str, unchanged: str
) -> None:
    """A collect whose plugin failed on a metric, its other metric's figures as they were:
    its summary began "Run 3: …" and "None new or changed since the last collect.", and
    only the errors after said complaint_rate was not stored."""
    root = workspace(backend)
    for _ in range(2):
        assert finish(collect(root))[0] == 0
    code, stdout, stderr = finish(collect(root, "--lang", lang, OKRDESK_TEST_MODE="raises"))
    assert code == 1, stdout + stderr
    assert stdout.splitlines() == [failed, unchanged], stdout
    assert "Traceback" not in stderr
