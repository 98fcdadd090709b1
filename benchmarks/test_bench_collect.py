"""Collecting CRM exports: the time per client-month must stay flat as the firm grows.

One branch, then the benchmark's whole firm, both generated with the
brokerage plugin's generator (monthly asset snapshots) and collected through
the plugin host exactly as `okrdesk collect` does.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import okrdesk_brokerage.plugin
from okrdesk_brokerage_synthetic.generator import firm_cm_ids, generate

from okrdesk.engine.plan_calendar import plan_periods
from okrdesk.model import OrgUnit, Person, Plan
from okrdesk.plugins.manager import PluginHost
from okrdesk.plugins.runner import collect

from conftest import record

START, THROUGH = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
METRICS = [
    "aum",
    "net_new_aum",
    "new_accounts",
    "effective_accounts",
    "new_hnw_clients",
    "open_to_purchase_rate",
    "asset_attrition",
    "commission_revenue",
    "nps",
    "complaint_rate",
]


def plan_for(cms: list[str]) -> Plan:
    people = tuple(Person(cm, cm, "firm") for cm in cms)
    return Plan(
        "p",
        "p",
        2026,
        START,
        dt.date(2026, 12, 31),
        "firm",
        units=(OrgUnit("firm", "firm", "firm"),),
        people=people,
    )


def collect_seconds(folder: Path, branches: int) -> tuple[float, int]:
    cms = firm_cm_ids(branches)
    summary = generate(folder / "crm", cms, start=START, end=THROUGH, snapshot="month")
    plan = plan_for(cms)
    host = PluginHost(
        entry_points=False, builtins={}, registered=False, sources={"brokerage": {"data": "crm"}}
    )
    host.register(okrdesk_brokerage.plugin, "brokerage")
    periods = plan_periods(plan, THROUGH)
    start = time.perf_counter()
    result = collect(host, plan, METRICS, periods, THROUGH, folder)
    seconds = time.perf_counter() - start
    assert result.errors == [], result.errors
    client_months = summary.clients * 6
    return seconds, client_months


def test_collect_time_per_client_month_stays_flat(benchmark, branches: int, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # One branch collects in a fraction of a second: take the best of several.
    runs = [collect_seconds(tmp_path / f"one-{n}", 1) for n in range(5)]
    small_s, small_cm = min(runs)

    benchmark.pedantic(lambda: None, rounds=1)
    large_s, large_cm = collect_seconds(tmp_path / "firm", branches)
    per_small = small_s / small_cm * 1e6
    per_large = large_s / large_cm * 1e6
    ratio = per_large / per_small
    record(
        "collect: µs per client-month, firm vs one branch",
        "<= 1.2x",
        ratio,
        ratio <= 1.2,
        one_branch_us=round(per_small, 1),
        firm_us=round(per_large, 1),
        firm_branches=branches,
        firm_client_months=large_cm,
    )
