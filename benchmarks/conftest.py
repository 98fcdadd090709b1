"""Benchmarks: okrdesk against a baseline measured in the same run, as ratios.

Run with `make bench` (or `pytest benchmarks --benchmark-only --scale firm`).
Each benchmark records its figures with ``record``; at the end the table is
printed and written to benchmarks/results.json.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from okrdesk.model import Plan
from okrdesk.store import Store

from firm import build_plan, metrics_plugin, observations, weeks

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
    """An okrdesk.db holding every observation of the synthetic firm."""
    path = tmp_path_factory.mktemp("firm") / "okrdesk.db"
    plugin = metrics_plugin()
    names = {spec_name: "bench" for spec_name in _metric_names(plugin)}
    with Store.open(path) as store:
        run = store.start_run("bench", None)
        store.replace_observations(run, names, weeks(), observations(firm_plan))
        store.finish_run(run, "ok", {"bench": "1"}, [])
    yield path


def _metric_names(plugin: object) -> list[str]:
    found: list[str] = []
    plugin.okrdesk_metrics(found.append)  # type: ignore[attr-defined]
    return [spec.name for spec in found]  # type: ignore[attr-defined]


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
    (HERE / "results.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    width = max(len(name) for name in RESULTS)
    lines = [f"{'benchmark':<{width}}  {'ratio':>8}  {'goal':<14}  met"]
    for name, result in RESULTS.items():
        lines.append(
            f"{name:<{width}}  {result['ratio']:>8}  {result['goal']:<14}  "
            f"{'yes' if result['met'] else 'NO'}"
        )
    terminalreporter.section("okrdesk against its baselines")
    for line in lines:
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"written to {HERE / 'results.json'}")
