"""One branch's weekly report from the firm's store against the same report from a
store holding only that branch (goal ≤ 1.2×)."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
import time
from pathlib import Path

from okrdesk.app.session import Session
from okrdesk.model import Plan
from okrdesk.plugins.hookspecs import RenderContext
from okrdesk.plugins.manager import PluginHost
from okrdesk.report.build import build_report
from okrdesk.report.render import render
from okrdesk.store import Store
from okrdesk.targets.load import LoadResult
from okrdesk.targets.reader import Findings
from okrdesk.targets.settings import Workspace

from conftest import record
from firm import metrics_plugin

AS_OF = dt.date(2026, 11, 20)
BRANCH = "b001"
ROUNDS = 3


def session_for(plan: Plan, database: Path) -> Session:
    host = PluginHost(entry_points=False, registered=False).load()
    host.register(metrics_plugin(), "bench")
    workspace = Workspace(database.parent, database=database)
    return Session(workspace, host, LoadResult(plan, (), (), ()), Findings())


def weekly_report(session: Session) -> int:
    with Store.open(session.workspace.database) as store:
        report = build_report(session.plan, session.host.metrics, store, BRANCH, AS_OF, "zh")
    plan = session.plan
    context = RenderContext(session.workspace.root, None, plan.start, plan.end, width=120)
    size = 0
    for fmt in ("text", "json"):
        out = io.StringIO()
        render(report, session.host.formats[fmt], out, context)
        size += len(out.getvalue())
    return size


def branch_only(firm_store: Path, plan: Plan, target: Path) -> None:
    subjects = {BRANCH} | {u.id for u in plan.subtree(BRANCH)}
    subjects |= {p.id for p in plan.people_under(BRANCH)}
    with Store.open(target):
        pass
    with sqlite3.connect(target) as connection:
        connection.execute("ATTACH DATABASE ? AS firm", (str(firm_store),))
        connection.execute("INSERT INTO runs SELECT * FROM firm.runs")
        marks = ",".join("?" * len(subjects))
        connection.execute(
            f"INSERT INTO observations SELECT * FROM firm.observations WHERE subject IN ({marks})",
            sorted(subjects),
        )


def test_branch_report_from_the_firm_store(
    benchmark, firm_store: Path, firm_plan: Plan, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    firm_session = session_for(firm_plan, firm_store)
    size = benchmark.pedantic(weekly_report, args=(firm_session,), rounds=ROUNDS)
    ours = benchmark.stats.stats.min
    alone = tmp_path / "okrdesk.db"
    branch_only(firm_store, firm_plan, alone)
    alone_session = session_for(firm_plan, alone)
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        assert weekly_report(alone_session) == size  # the same report
        times.append(time.perf_counter() - start)
    baseline = min(times)
    ratio = ours / baseline
    record(
        "branch report: firm store vs branch-only store",
        "<= 1.2x",
        ratio,
        ratio <= 1.2,
        firm_store_s=round(ours, 3),
        branch_store_s=round(baseline, 3),
    )
