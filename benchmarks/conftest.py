"""Benchmarks: okrdesk against a baseline measured in the same run, as ratios.

Run with `make bench` (or `pytest benchmarks --benchmark-only --scale firm`).
Each benchmark records its figures with ``record``; at the end the table is
printed and written to benchmarks/results.json.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from okrdesk.model import Plan

from firm import build_plan
from results_table import table, write_table
from workspace import fill_store, write_targets

sys._called_from_test = True  # type: ignore[attr-defined]

SCALES = {"small": 12, "medium": 60, "firm": 300}
RESULTS: dict[str, dict[str, object]] = {}
HERE = Path(__file__).parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--scale",
        default="small",
        help="small (12 branches), medium (60), firm (300 branches, ~10M observations), "
        "or a number of branches",
    )
    parser.addoption(
        "--results",
        default=str(HERE / "results.json"),
        help="where to write the figures; BENCHMARKS.md's table is regenerated only when "
        "this is benchmarks/results.json",
    )
    parser.addoption("--rounds", default="5", help="rounds of each interleaved comparison")


@pytest.fixture(scope="session")
def rounds(pytestconfig: pytest.Config) -> int:
    return int(pytestconfig.getoption("--rounds"))


def interleaved(
    commands: dict[str, list[str]], rounds: int, env: dict[str, str]
) -> dict[str, float]:
    """The median wall time of each command, run turn about for ``rounds`` rounds, so
    every side sees the same machine load; each must exit 0."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            start = time.perf_counter()
            done = subprocess.run(command, env=env, capture_output=True, check=False)
            times[name].append(time.perf_counter() - start)
            assert done.returncode == 0, (command, done.stderr.decode()[-2000:])
    return {name: statistics.median(found) for name, found in times.items()}


def branches_for(config: pytest.Config) -> int:
    scale = str(config.getoption("--scale"))
    return SCALES[scale] if scale in SCALES else int(scale)


@pytest.fixture(scope="session")
def branches(pytestconfig: pytest.Config) -> int:
    return branches_for(pytestconfig)


@pytest.fixture(scope="session")
def firm_plan(branches: int) -> Plan:
    return build_plan(branches)


@pytest.fixture(scope="session")
def firm_store(firm_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The firm's workspace (target files, metrics plugin) and its okrdesk.db, holding
    every observation of the synthetic firm; the store's path."""
    root = write_targets(tmp_path_factory.mktemp("firm"), firm_plan)
    yield fill_store(root / "okrdesk.db", firm_plan)


def record(name: str, goal: str, ratio: float, met: bool, **figures: object) -> None:
    RESULTS[name] = {"ratio": round(ratio, 3), "goal": goal, "met": met, **figures}


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    if not RESULTS:
        return
    payload = {
        "scale": {"branches": branches_for(config)},
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "results": RESULTS,
    }
    target = Path(str(config.getoption("--results")))
    target.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if target.resolve() == (HERE / "results.json").resolve():
        write_table(HERE.parent / "BENCHMARKS.md", payload)
    terminalreporter.section("okrdesk against its baselines")
    for line in table(payload).splitlines():
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"written to {target}")
