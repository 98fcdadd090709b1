"""BENCHMARKS.md shows exactly the figures of the last `make bench` (benchmarks/results.json)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from results_table import shown_table, table  # noqa: E402


def test_the_benchmarks_page_shows_the_last_runs_figures() -> None:
    payload = json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf-8"))
    assert shown_table(ROOT / "BENCHMARKS.md") == table(payload)


def test_every_recorded_figure_has_a_goal_and_says_whether_it_is_met() -> None:
    payload = json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf-8"))
    for name, result in payload["results"].items():
        assert {"ratio", "goal", "met"} <= result.keys(), name
        assert isinstance(result["met"], bool), name
