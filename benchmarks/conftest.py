"""Benchmarks: okrdesk against a baseline measured in the same run, as ratios.

Run with `make bench` (or `pytest benchmarks --benchmark-only --scale firm`).
Each benchmark records its figures with ``record``; at the end the table is
printed and written to benchmarks/results.json.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path

import pytest

from okrdesk.model import Plan

from firm import build_plan
from results_table import table, write_table
from workspace import add_weekly_checkins, fill_store, write_targets

sys._called_from_test = True  # type: ignore[attr-defined]

SCALES = {"small": 12, "medium": 60, "firm": 300}
SWEEP = "sweep"
SWEEP_SIZES = "12,60,300"
RESULTS: dict[str, dict[str, object]] = {}
GROWTH: dict[str, dict[str, object]] = {}
"""The sweep's figures (``--scale sweep``), kept in results.json beside the others."""
HERE = Path(__file__).parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--scale",
        default="small",
        help="small (12 branches), medium (60), firm (300 branches, ~10M observations), "
        "a number of branches, or sweep (the growth benchmark at each --sweep-sizes)",
    )
    parser.addoption(
        "--sweep-sizes",
        default=SWEEP_SIZES,
        help="with --scale sweep: the firm sizes, in branches, comma-separated",
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
    commands: dict[str, list[str]],
    rounds: int,
    env: dict[str, str],
    answers: Collection[str] = (),
    prepare: Mapping[str, Callable[[], None]] | None = None,
) -> dict[str, float]:
    """The median wall time of each command, run turn about for ``rounds`` rounds, so
    every side sees the same machine load; each must exit 0, or 0 or 1 for those named
    in ``answers`` (`okrdesk check` exits 1 when something needs attention: an answer,
    not a failure). ``prepare`` names what puts a command's files as it should find
    them, done before each of its runs, untimed."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            if prepare and name in prepare:
                prepare[name]()
            start = time.perf_counter()
            done = subprocess.run(command, env=env, capture_output=True, check=False)
            times[name].append(time.perf_counter() - start)
            allowed = (0, 1) if name in answers else (0,)
            assert done.returncode in allowed, (command, done.stderr.decode()[-2000:])
    return {name: statistics.median(found) for name, found in times.items()}


def is_sweep(config: pytest.Config) -> bool:
    return str(config.getoption("--scale")) == SWEEP


def sweep_sizes(config: pytest.Config) -> list[int]:
    return sorted({int(size) for size in str(config.getoption("--sweep-sizes")).split(",")})


def branches_for(config: pytest.Config) -> int:
    scale = str(config.getoption("--scale"))
    if scale == SWEEP:
        return sweep_sizes(config)[0]
    return SCALES[scale] if scale in SCALES else int(scale)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``--scale sweep`` runs the growth benchmark alone; any other scale all but it."""
    sweep = is_sweep(config)
    kept = [item for item in items if (item.get_closest_marker("sweep") is not None) == sweep]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sweep: the growth benchmark, run by --scale sweep")


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


@pytest.fixture(scope="session")
def sliced_firm_store(firm_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same firm, three of its metrics stored by slice as well as whole."""
    root = write_targets(tmp_path_factory.mktemp("sliced"), firm_plan, sliced=True)
    return fill_store(root / "okrdesk.db", firm_plan, sliced=True)


@pytest.fixture(scope="session")
def checkin_firm_store(
    firm_store: Path, firm_plan: Plan, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The same firm, with a key result every person checks in weekly (``workspace.
    add_weekly_checkins``)."""
    root = tmp_path_factory.mktemp("checkins") / "firm"
    shutil.copytree(firm_store.parent, root)
    add_weekly_checkins(root, firm_plan)
    return root / "okrdesk.db"


def record(name: str, goal: str, ratio: float, met: bool, **figures: object) -> None:
    RESULTS[name] = {"ratio": round(ratio, 3), "goal": goal, "met": met, **figures}


def record_growth(name: str, goal: str, ratio: float, met: bool, **figures: object) -> None:
    GROWTH[name] = {"ratio": round(ratio, 3), "goal": goal, "met": met, **figures}


def _machine() -> dict[str, object]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def _payload(config: pytest.Config, target: Path) -> dict[str, object]:
    """This run's figures. A run of the other kind (the sweep, or the rest) leaves its
    own part of the file as it was, each part with its own scale and machine."""
    try:
        previous = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    if is_sweep(config):
        if "results" not in previous:
            return {"growth": _growth(config)}
        return {**previous, "growth": _growth(config)}
    payload: dict[str, object] = {
        "scale": {"branches": branches_for(config)},
        "machine": _machine(),
        "results": RESULTS,
    }
    if "growth" in previous:
        payload["growth"] = previous["growth"]
    return payload


def _growth(config: pytest.Config) -> dict[str, object]:
    return {"sizes": sweep_sizes(config), "machine": _machine(), "results": GROWTH}


def _left_out(terminalreporter, config: pytest.Config) -> list[str]:  # type: ignore[no-untyped-def]
    """The benchmarks of this run's kind (the sweep, or the rest) that ``-k``, ``-m`` or
    named tests left out: a run without them is not a whole run."""
    sweep = is_sweep(config)
    return [item.nodeid for item in terminalreporter.stats.get("deselected", [])
            if (item.get_closest_marker("sweep") is not None) == sweep]  # fmt: skip


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    if not (GROWTH if is_sweep(config) else RESULTS):
        return
    target = Path(str(config.getoption("--results")))
    left_out = _left_out(terminalreporter, config)
    if left_out and target.resolve() == (HERE / "results.json").resolve():
        # results.json holds one whole run: a part of one would drop the rest's figures.
        terminalreporter.section("okrdesk against its baselines (part of a run)")
        for line in table(_payload(config, target)).splitlines():
            terminalreporter.write_line(line)
        terminalreporter.write_line(
            f"not written: {len(left_out)} benchmark(s) of this run left out, and "
            f"{target.name} keeps one whole run; give --results FILE to keep these figures"
        )
        return
    payload = _payload(config, target)
    target.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if target.resolve() == (HERE / "results.json").resolve() and "results" in payload:
        write_table(HERE.parent / "BENCHMARKS.md", payload)
    terminalreporter.section("okrdesk against its baselines")
    for line in table(payload).splitlines():
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"written to {target}")
