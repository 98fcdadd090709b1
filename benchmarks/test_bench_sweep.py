"""Growth: the commands' cost per unit of work as the firm grows (goal: flat within 1.2×).

`make bench BENCH_ARGS="--scale sweep"` builds the synthetic firm at each of
`--sweep-sizes` (12, 60 and 300 branches by default), keeps every size on disk,
and then times every command at every size turn about, round after round, so
that the sizes compare under the same machine load (timed one size after the
other, minutes apart, they drifted with it):

- the firm's `okrdesk report` and `okrdesk check`, per observation stored, and
  the SQLite GROUP BY over the same observations;
- one branch's report in the firm's workspace, whose work (one branch) is the
  same at every size.

Each figure is recorded as its cost at the largest size over its cost at the
smallest: above 1.2, the command grows faster than the work it does.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from test_bench_report import BRANCH, GROUP_BY, covered, report_command

from conftest import interleaved, record_growth, sweep_sizes
from firm import build_plan
from workspace import ENV, OKRDESK, fill_store, write_targets

GOAL = 1.2


def _commands(root: Path) -> dict[str, list[str]]:
    """What is timed at one size of firm."""
    return {
        "report": report_command(root),
        "branch": report_command(root, "--unit", BRANCH, "--format", "json"),
        "check": [OKRDESK, "check", "-w", str(root), "--as-of", "2026-11-20", "--lang", "en"],
        "group_by": [sys.executable, "-c", GROUP_BY, str(root / "okrdesk.db")],
    }


def _observations(root: Path) -> float:
    with sqlite3.connect(root / "okrdesk.db") as connection:
        return float(connection.execute("SELECT count(*) FROM observations").fetchone()[0])


@pytest.mark.sweep
def test_cost_per_unit_of_work_as_the_firm_grows(
    benchmark, pytestconfig: pytest.Config, rounds: int, tmp_path_factory: pytest.TempPathFactory
) -> None:  # type: ignore[no-untyped-def]
    sizes = sweep_sizes(pytestconfig)
    roots: dict[int, Path] = {}
    for branches in sizes:
        root = write_targets(tmp_path_factory.mktemp(f"firm{branches}"), build_plan(branches))
        fill_store(root / "okrdesk.db", build_plan(branches))
        assert covered(root / "okrdesk.db"), "the baseline must be the covered GROUP BY"
        roots[branches] = root
    commands = {
        f"{name} {branches}": command
        for branches, root in roots.items()
        for name, command in _commands(root).items()
    }
    for root in roots.values():  # the plan cache written, the file read once
        subprocess.run(_commands(root)["report"], env=ENV, capture_output=True, check=True)
    times = interleaved(commands, rounds, ENV, answers=[f"check {n}" for n in sizes])
    found = {
        branches: {
            **{name: times[f"{name} {branches}"] for name in _commands(root)},
            "observations": _observations(root),
        }
        for branches, root in roots.items()
    }
    for root in roots.values():
        shutil.rmtree(root)  # 1.3 GB at 300 branches
    benchmark.pedantic(lambda: None, rounds=1)
    small, large = sizes[0], sizes[-1]

    def per_observation(name: str) -> dict[str, float]:
        return {
            f"b{n}_us": round(found[n][name] / found[n]["observations"] * 1e6, 3) for n in sizes
        }

    for name, title in (("report", "firm report"), ("check", "firm check"),
                        ("group_by", "SQLite GROUP BY (the baseline)")):  # fmt: skip
        figures = per_observation(name)
        ratio = figures[f"b{large}_us"] / figures[f"b{small}_us"]
        vs_group_by = {
            f"b{n}_vs_group_by": round(found[n][name] / found[n]["group_by"], 2) for n in sizes
        }
        more = {} if name == "group_by" else vs_group_by
        if name == "report":
            more |= {f"b{n}_observations": int(found[n]["observations"]) for n in sizes}
        record_growth(f"{title}: µs per observation, {large} vs {small} branches",
                      f"<= {GOAL}x", ratio, ratio <= GOAL, **figures, **more)  # fmt: skip
    branch = {f"b{n}_s": round(found[n]["branch"], 3) for n in sizes}
    ratio = found[large]["branch"] / found[small]["branch"]
    record_growth(f"one branch's report in the firm: seconds, {large} vs {small} branches",
                  f"<= {GOAL}x", ratio, ratio <= GOAL, **branch)  # fmt: skip
