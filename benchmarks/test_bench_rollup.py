"""Firm-wide rollup and scoring against one hand-written SQL GROUP BY (goal ≤ 1.5×),
and the rollup's peak memory (goal ≤ 500 MB)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from okrdesk.engine.progress import Engine, scores_by_subject
from okrdesk.model import Plan
from okrdesk.store import Store

from conftest import record
from firm import metric_specs

AS_OF = dt.date(2026, 11, 20)
ROUNDS = 3


def best_of(rounds: int, function) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def okrdesk_rollup(path: Path, plan: Plan) -> dict[str, float | None]:
    metrics = {spec.name: spec for spec in metric_specs()}
    with Store.open(path) as store:
        engine = Engine(plan, store, AS_OF, metrics, trends=False)
        ranked = [u.id for u in plan.units if u.level in ("firm", "branch")]
        return scores_by_subject(engine, ranked)


def sql_group_by(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT metric, subject, sum(value), sum(numerator), sum(denominator), count(*) "
            "FROM observations WHERE grain = 'week' AND period_start <= ? "
            "GROUP BY metric, subject",
            (AS_OF.isoformat(),),
        ).fetchall()


def test_firm_rollup_and_scoring_against_sql(benchmark, firm_store: Path, firm_plan: Plan) -> None:  # type: ignore[no-untyped-def]
    scores = benchmark.pedantic(okrdesk_rollup, args=(firm_store, firm_plan), rounds=ROUNDS)
    assert scores["firm"] is not None
    ours = benchmark.stats.stats.min
    baseline = best_of(ROUNDS, lambda: sql_group_by(firm_store))
    ratio = ours / baseline
    record(
        "rollup+scoring vs SQL GROUP BY",
        "<= 1.5x",
        ratio,
        ratio <= 1.5,
        okrdesk_s=round(ours, 3),
        sql_s=round(baseline, 3),
        observations=_count(firm_store),
    )


def test_firm_rollup_peak_memory(firm_store: Path, branches: int) -> None:
    # VmHWM, not ru_maxrss: the latter survives exec and would report pytest's own peak.
    script = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from pathlib import Path\n"
        "def peak():\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmHWM:'):\n"
        "            return int(line.split()[1])\n"
        "from firm import build_plan\n"
        "from test_bench_rollup import okrdesk_rollup\n"
        f"plan = build_plan({branches})\n"
        "before = peak()\n"
        f"okrdesk_rollup(Path({str(firm_store)!r}), plan)\n"
        "print(json.dumps({'before': before, 'after': peak()}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    usage = json.loads(done.stdout.strip().splitlines()[-1])
    peak_mb = usage["after"] / 1024
    record(
        "rollup peak memory (MB)",
        "<= 500 MB",
        peak_mb,
        peak_mb <= 500,
        peak_mb=round(peak_mb, 1),
        before_rollup_mb=round(usage["before"] / 1024, 1),
    )


def _count(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("SELECT count(*) FROM observations").fetchone()[0])
