"""`make bench` at the smallest scale, so the benchmarks cannot rot between real runs.

The figures go to a temporary file: results.json and BENCHMARKS.md keep the
last real run's. The `--help` benchmark is left out here: it installs twenty
dummy plugins into the environment, which other tests running at the same
time would see.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_benchmarks_run_at_the_smallest_scale(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "benchmarks", "-p", "no:cacheprovider", "-q",
         "--scale", "1", "--rounds", "1", "--results", str(results), "-k", "not help",
         "--basetemp", str(tmp_path / "base")],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    failures = done.stdout.find("= FAILURES =")
    shown = done.stdout[failures : failures + 6000] if failures >= 0 else done.stdout[-4000:]
    assert done.returncode == 0, shown + done.stderr[-2000:]
    recorded = json.loads(results.read_text(encoding="utf-8"))["results"]
    assert {
        "firm report vs SQLite GROUP BY",
        "branch report: in the firm's workspace vs the branch alone",
        "demo report vs python -c pass",
        "firm report peak memory (MB)",
        "ingest rate vs raw executemany",
        "collect: µs per client-month, firm vs one branch",
        "firm report on PostgreSQL vs PostgreSQL GROUP BY",
        "branch report on PostgreSQL vs on SQLite",
        "check-ins per second, 20 writers: PostgreSQL vs SQLite",
        "firm report with slices stored vs without",
    } <= recorded.keys()


def test_the_growth_sweep_runs_at_two_tiny_sizes(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "benchmarks", "-p", "no:cacheprovider", "-q",
         "--scale", "sweep", "--sweep-sizes", "1,2", "--rounds", "1", "--results", str(results),
         "--basetemp", str(tmp_path / "base")],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    failures = done.stdout.find("= FAILURES =")
    shown = done.stdout[failures : failures + 6000] if failures >= 0 else done.stdout[-4000:]
    assert done.returncode == 0, shown + done.stderr[-2000:]
    growth = json.loads(results.read_text(encoding="utf-8"))["growth"]
    assert growth["sizes"] == [1, 2]
    for start in ("firm report: µs per observation", "collect: µs per client-month",
                  "firm collect peak memory"):  # fmt: skip
        assert any(name.startswith(start) for name in growth["results"]), start
