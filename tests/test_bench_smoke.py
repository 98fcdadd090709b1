"""`make bench` at the smallest scale, so the benchmarks cannot rot between real runs.

The figures go to a temporary file: results.json and BENCHMARKS.md keep the
last real run's. The `--help` benchmark is left out here: it installs twenty
dummy plugins into the environment, which other tests running at the same
time would see.
"""

from __future__ import annotations

import json
import shutil
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
        "firm report: a year of each branch's collects vs one each",
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


def test_a_part_of_a_run_leaves_results_json_as_it_was(tmp_path: Path) -> None:
    """results.json holds one whole run: a run that -k narrows prints its figures and
    says it did not write them, rather than drop the other benchmarks' rows."""
    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "benchmarks", copy / "benchmarks",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    shutil.copy(ROOT / "BENCHMARKS.md", copy / "BENCHMARKS.md")
    (copy / "tests").mkdir()
    shutil.copy(ROOT / "tests" / "postgres_server.py", copy / "tests")  # a benchmark's import
    kept = (copy / "benchmarks" / "results.json").read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "benchmarks", "-p", "no:cacheprovider", "-q",
         "--scale", "1", "--rounds", "1", "-k", "ingest", "--basetemp", str(tmp_path / "base")],
        cwd=copy, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "ingest rate vs raw executemany" in done.stdout
    assert "not written: " in done.stdout and "left out" in done.stdout
    assert (copy / "benchmarks" / "results.json").read_bytes() == kept
    assert (copy / "BENCHMARKS.md").read_bytes() == (ROOT / "BENCHMARKS.md").read_bytes()
