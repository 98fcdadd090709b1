"""`okrdesk collect` over generated CRM exports, timed as whole processes.

One branch and the benchmark's firm, both generated with the brokerage
plugin's generator (monthly snapshots, January to June), each a workspace
whose plan has a key result on each metric, collected by `okrdesk collect`
exactly as a user runs it: each week, into the store as the last week's collect
left it (every week stored but the latest two, which the collect changes), put
back before each timed run. Three figures:

- the time per client-month of the firm's collect against one branch's
  (goal: flat, within 1.2x); one branch's time includes the fixed cost of
  starting the command, which the firm's spreads over more client-months;
- the firm's collect of five metrics against a DuckDB script computing the
  same five figures per CM and week from the same files (goal: within 2x);
  the script's figures are checked against what okrdesk stored; beside it, the
  first collect of the five into an empty store (every row written) against the
  same script, with no goal: it is once a workspace, not every week;
- the peak memory of the firm's collect, every process it starts included
  (goal: under 500 MB).
"""

from __future__ import annotations

import json
import math
import sqlite3
import subprocess
import sys
from pathlib import Path

from okrdesk.engine.plan_calendar import plan_periods
from okrdesk.periods import Period
from okrdesk.targets.load import load_plan

from conftest import interleaved, record
from workspace import (
    CRM_THROUGH,
    ENV,
    OKRDESK,
    collected_a_week_before,
    emptied,
    peak_megabytes,
    write_crm_workspace,
)

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
SAME = ["aum", "net_new_aum", "new_accounts", "commission_revenue", "nps"]
"""The figures the DuckDB script computes too."""
ZEROS = {"aum", "net_new_aum", "new_accounts", "commission_revenue"}
"""The metrics of ``SAME`` okrdesk has a 0 of where the script has no row: a CM with
clients and none of their assets, or no row of a flow in a week."""

DUCKDB_SCRIPT = """\
import json, sys, duckdb
crm, windows, out = sys.argv[1:4]
weeks = json.load(open(windows))
c = duckdb.connect()
c.execute("CREATE TABLE w AS SELECT unnest(?::VARCHAR[]) AS id, unnest(?::DATE[]) AS first, "
          "unnest(?::DATE[]) AS last", [[w[0] for w in weeks], [w[1] for w in weeks],
          [w[2] for w in weeks]])
for name in ("clients", "assets", "trades", "funding", "surveys"):
    c.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{crm}/{name}.csv')")
flows = "JOIN clients USING (client_id) JOIN w ON date BETWEEN first AND last GROUP BY ALL"
queries = {
    "net_new_aum": f"SELECT cm_id, id, sum(amount) FROM funding {flows}",
    "commission_revenue": f"SELECT cm_id, id, sum(commission) FROM trades {flows}",
    "new_accounts": "SELECT cm_id, id, count(*) FROM clients "
                    "JOIN w ON open_date BETWEEN first AND last GROUP BY ALL",
    "nps": "SELECT cm_id, id, sum(CASE WHEN score >= 9 THEN 100 WHEN score <= 6 THEN -100 "
           f"ELSE 0 END), count(*) FROM surveys {flows}",
    "aum": "WITH s AS (SELECT cm_id, date, total_assets, close_date, lead(date) OVER "
           "(PARTITION BY client_id ORDER BY date) AS next FROM assets JOIN clients "
           "USING (client_id) WHERE date >= open_date AND (close_date IS NULL "
           "OR date <= close_date)) SELECT cm_id, id, sum(total_assets) FROM s JOIN w "
           "ON date <= last AND (next IS NULL OR next > last) AND (close_date IS NULL "
           "OR close_date > last) GROUP BY ALL",
}
found = {m: [list(map(str, r[:2])) + [float(x) for x in r[2:]] for r in c.execute(q).fetchall()]
         for m, q in queries.items()}
json.dump(found, open(out, "w"))
"""


def weeks(root: Path) -> list[list[str]]:
    """The windows okrdesk collects: the plan's weeks, clipped to the collect's day."""
    import datetime as dt

    plan = load_plan(root, None).plan
    assert plan is not None
    through = dt.date.fromisoformat(CRM_THROUGH)
    found: list[Period] = list(plan_periods(plan, through))
    return [[p.id, p.start.isoformat(), min(p.end, through).isoformat()] for p in found]


def stored(database: Path, metrics: list[str]) -> dict[tuple[str, str, str], tuple[float, ...]]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT metric, subject, period, value, numerator, denominator FROM observations "
            f"WHERE metric IN ({', '.join('?' * len(metrics))}) AND slice = ''",
            metrics,
        ).fetchall()
    return {
        (m, s, p): (v,) if v is not None else (n, d) for m, s, p, v, n, d in rows
    }  # fmt: skip


def check_same_figures(okrdesk: dict[tuple[str, str, str], tuple[float, ...]], out: Path) -> int:
    """Every figure of the script is okrdesk's; okrdesk has no other figure but a 0 of
    ``ZEROS``."""
    script = json.loads(out.read_text(encoding="utf-8"))
    seen = set()
    for metric, rows in script.items():
        for subject, period, *numbers in rows:
            key = (metric, subject, period)
            seen.add(key)
            assert key in okrdesk, key
            for theirs, ours in zip(numbers, okrdesk[key], strict=True):
                assert math.isclose(theirs, ours, rel_tol=1e-9, abs_tol=0.01), (key, theirs, ours)
    extra = [k for k in okrdesk if k not in seen and not (k[0] in ZEROS and okrdesk[k] == (0,))]
    assert not extra, extra[:5]
    return len(seen)


def test_collect_of_crm_exports(benchmark, branches: int, rounds: int, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    one, firm = tmp_path / "one", tmp_path / "firm"
    _, one_client_months = write_crm_workspace(one, 1, METRICS)
    crm, firm_client_months = write_crm_workspace(firm, branches, METRICS)
    (tmp_path / "weeks.json").write_text(json.dumps(weeks(firm)), encoding="utf-8")
    out = tmp_path / "duckdb.json"

    def collect(root: Path, metrics: list[str] = METRICS) -> list[str]:
        chosen = [] if metrics == METRICS else [f"--metric={m}" for m in metrics]
        return [OKRDESK, "collect", "--through", CRM_THROUGH, "-w", str(root), *chosen]

    duckdb = [sys.executable, "-c", DUCKDB_SCRIPT, str(crm), str(tmp_path / "weeks.json"),
              str(out)]  # fmt: skip
    benchmark.pedantic(subprocess.run, args=(duckdb,), kwargs={"env": ENV}, rounds=1)
    commands = {
        "one": collect(one),
        "firm_first": collect(firm, SAME),
        "firm": collect(firm),
        "firm_same": collect(firm, SAME),
        "duckdb": duckdb,
    }
    a_week_before = collected_a_week_before(firm, METRICS)
    prepare = {
        "one": collected_a_week_before(one, METRICS),
        "firm_first": emptied(firm),
        "firm": a_week_before,
        "firm_same": a_week_before,
    }
    times = interleaved(commands, rounds, ENV, prepare=prepare)
    checked = check_same_figures(stored(firm / "okrdesk.db", SAME), out)

    per_one = times["one"] / one_client_months * 1e6
    per_firm = times["firm"] / firm_client_months * 1e6
    flat = per_firm / per_one
    record(
        "collect: µs per client-month, firm vs one branch",
        "<= 1.2x",
        flat,
        flat <= 1.2,
        one_branch_s=round(times["one"], 3),
        firm_s=round(times["firm"], 3),
        one_branch_us=round(per_one, 1),
        firm_us=round(per_firm, 1),
        firm_branches=branches,
        firm_client_months=firm_client_months,
        metrics=len(METRICS),
    )
    ratio = times["firm_same"] / times["duckdb"]
    record(
        "firm collect vs DuckDB script, same figures",
        "<= 2x",
        ratio,
        ratio <= 2,
        okrdesk_s=round(times["firm_same"], 3),
        duckdb_s=round(times["duckdb"], 3),
        first_collect_s=round(times["firm_first"], 3),
        first_collect_vs_duckdb=round(times["firm_first"] / times["duckdb"], 2),
        metrics=len(SAME),
        figures_checked=checked,
        firm_branches=branches,
    )
    a_week_before()
    code, peak_mb, seconds = peak_megabytes(collect(firm), ENV)
    assert code == 0
    record(
        "firm collect peak memory (MB)",
        "<= 500 MB",
        peak_mb,
        peak_mb <= 500,
        peak_mb=round(peak_mb, 1),
        seconds=round(seconds, 1),
        firm_branches=branches,
        metrics=len(METRICS),
    )
