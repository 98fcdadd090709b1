"""Growth of `okrdesk collect`: the brokerage plugin's cost per client-month as the firm grows.

`make bench BENCH_ARGS="--scale sweep"` generates the CRM exports of one branch
and of a firm at each of `--sweep-sizes`, then collects them all turn about,
round after round, with the DuckDB script of test_bench_collect beside each
firm's collect (about two minutes to generate 300 branches' exports, 330 MB).
Each collect is a weekly one, into the store as the collect a week earlier left
it (put back before each run, as in test_bench_collect):

- microseconds per client-month of the ten metrics' collect at each size; the
  ratio is the largest firm's over the smallest's (goal: flat within 1.2×).
  One branch's figure is given too: it carries the fixed cost of starting the
  command over few client-months, so it is the highest by design;
- the collect of the five metrics the DuckDB script computes, against it, at
  each size (the script's figures checked against what okrdesk stored);
- the peak memory of each firm's collect, every process included (goal:
  under 500 MB at the largest size).
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from test_bench_collect import DUCKDB_SCRIPT, METRICS, SAME, check_same_figures, stored, weeks

from conftest import interleaved, record_growth, sweep_sizes
from workspace import (
    CRM_THROUGH,
    ENV,
    OKRDESK,
    collected_a_week_before,
    peak_megabytes,
    write_crm_workspace,
)

GOAL = 1.2
MEMORY_GOAL_MB = 500
FILED_US, FILED_AT = 33.7, 300
"""µs per client-month of a 300-branch collect when issue 16 was filed (the code then)."""


def _collect(root: Path, metrics: list[str] = METRICS) -> list[str]:
    chosen = [] if metrics == METRICS else [f"--metric={m}" for m in metrics]
    return [OKRDESK, "collect", "--through", CRM_THROUGH, "-w", str(root), *chosen]


@pytest.mark.sweep
def test_collect_cost_per_client_month_as_the_firm_grows(
    benchmark, pytestconfig: pytest.Config, rounds: int, tmp_path_factory: pytest.TempPathFactory
) -> None:  # type: ignore[no-untyped-def]
    sizes = sweep_sizes(pytestconfig)
    roots: dict[int, Path] = {}
    client_months: dict[int, int] = {}
    commands: dict[str, list[str]] = {}
    prepare: dict[str, Callable[[], None]] = {}
    for branches in sorted({1, *sizes}):
        root = tmp_path_factory.mktemp(f"crm{branches}")
        crm, client_months[branches] = write_crm_workspace(root, branches, METRICS)
        roots[branches] = root
        commands[f"all {branches}"] = _collect(root)
        prepare[f"all {branches}"] = prepare[f"same {branches}"] = collected_a_week_before(
            root, METRICS
        )
        if branches not in sizes:
            continue
        (root / "weeks.json").write_text(json.dumps(weeks(root)), encoding="utf-8")
        commands[f"same {branches}"] = _collect(root, SAME)
        script = [str(crm), str(root / "weeks.json"), str(root / "duckdb.json")]
        commands[f"duckdb {branches}"] = [sys.executable, "-c", DUCKDB_SCRIPT, *script]
    times = interleaved(commands, rounds, ENV, prepare=prepare)
    checked = {
        n: check_same_figures(stored(roots[n] / "okrdesk.db", SAME), roots[n] / "duckdb.json")
        for n in sizes
    }
    peaks = {}
    for branches in sizes:
        prepare[f"all {branches}"]()
        code, peaks[branches], _ = peak_megabytes(_collect(roots[branches]), ENV)
        assert code == 0
    for root in roots.values():
        shutil.rmtree(root)  # 330 MB of CSV and a store at 300 branches
    benchmark.pedantic(lambda: None, rounds=1)
    small, large = sizes[0], sizes[-1]

    per_client_month = {n: times[f"all {n}"] / client_months[n] * 1e6 for n in roots}
    ratio = per_client_month[large] / per_client_month[small]
    record_growth(
        f"collect: µs per client-month, {large} vs {small} branches",
        f"<= {GOAL}x",
        ratio,
        ratio <= GOAL,
        **{f"b{n}_us": round(per_client_month[n], 2) for n in roots},
        **{f"b{n}_client_months": client_months[n] for n in sizes},
        **{f"b{n}_vs_duckdb": round(times[f"same {n}"] / times[f"duckdb {n}"], 2) for n in sizes},
        # The bare script's own cost, computing five of the ten figures and checking and
        # citing no row: the floor against which "times faster than filed" is read.
        **{
            f"b{n}_duckdb_us": round(times[f"duckdb {n}"] / client_months[n] * 1e6, 2)
            for n in sizes
        },
        **{f"b{n}_figures_checked": checked[n] for n in sizes},
        **(
            {"times_faster_than_filed": round(FILED_US / per_client_month[large], 1)}
            if large == FILED_AT
            else {}
        ),
        metrics=len(METRICS),
    )
    record_growth(
        f"firm collect peak memory (MB), {large} branches",
        f"<= {MEMORY_GOAL_MB} MB",
        peaks[large],
        peaks[large] <= MEMORY_GOAL_MB,
        **{f"b{n}_peak_mb": round(peaks[n], 1) for n in sizes},
        metrics=len(METRICS),
    )
