"""The SQL source adds a file's day rows up into periods in DuckDB where every row is
plain, and its figures, row provenance and warnings are the row-by-row tally's."""

from __future__ import annotations

import datetime as dt
import math
import random
from pathlib import Path
from typing import Any

import pytest

from okrdesk.model import Observation, Person
from okrdesk.plugins import sql_collect, sql_metrics
from okrdesk.plugins.testing import PluginCheck, check_plugin

PEOPLE = (Person("cm01", "王芳", "team-a"), Person("cm02", "李强", "team-a"))
START, THROUGH = dt.date(2026, 1, 5), dt.date(2026, 3, 1)

METRICS = [
    {"name": "calls_made", "kind": "flow", "unit": "人",
     "query": "SELECT cm AS subject, day, count(*) AS value FROM calls GROUP BY 1, 2"},
    {"name": "conversion", "kind": "ratio", "unit": "%",
     "query": "SELECT cm AS subject, day, sum(won) AS numerator, sum(minutes) AS denominator "
              "FROM calls GROUP BY 1, 2"},
    {"name": "balance", "kind": "stock", "unit": "元",
     "query": "SELECT cm AS subject, day, balance AS value FROM calls"},
    {"name": "minutes", "kind": "flow", "unit": "分", "dimensions": ["channel"],
     "query": "SELECT cm AS subject, day, channel, minutes / 7.0 AS value FROM calls"},
]  # fmt: skip


def write_calls(root: Path, rows: int, extra: list[str] = ()) -> None:  # type: ignore[assignment]
    draw = random.Random(rows)
    lines = ["day;cm;won;minutes;balance;channel"]
    for _ in range(rows):
        day = START + dt.timedelta(days=draw.randrange((THROUGH - START).days + 1))
        lines.append(
            f"{day};cm0{draw.randrange(1, 3)};{int(draw.random() < 0.2)};"
            f"{draw.uniform(0, 30):.3f};{draw.uniform(0, 1e6):.2f};{draw.choice(['app', 'outlet'])}"
        )
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "calls.csv").write_text("\n".join([*lines, *extra]) + "\n", encoding="utf-8")


def collect(root: Path) -> PluginCheck:
    settings: dict[str, Any] = {"tables": {"calls": "data/calls.csv"}, "metrics": METRICS}
    return check_plugin(
        sql_metrics, people=PEOPLE, start=START, through=THROUGH, settings=settings,
        workspace=root,
    )  # fmt: skip


def by_figure(check: PluginCheck) -> dict[tuple[str, ...], Observation]:
    return {(o.metric, o.subject, o.period, o.slice): o for o in check.observations}


@pytest.fixture
def grouped_in_sql(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The metrics DuckDB added up (each time it did)."""
    seen: list[str] = []
    original = sql_collect._emit_grouped

    def spy(grouped: Any, spec: Any, *args: Any) -> None:
        seen.append(spec.name)
        original(grouped, spec, *args)

    monkeypatch.setattr(sql_collect, "_emit_grouped", spy)
    return seen


def row_by_row(root: Path, monkeypatch: pytest.MonkeyPatch) -> PluginCheck:
    with monkeypatch.context() as patched:
        patched.setattr(sql_collect._DuckSource, "grouped", lambda *a, **k: None)
        return collect(root)


def test_grouped_in_duckdb_the_figures_and_rows_are_the_tallys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, grouped_in_sql: list[str]
) -> None:
    write_calls(tmp_path, 3000)
    fast = collect(tmp_path)
    fast.assert_valid()
    assert sorted(grouped_in_sql) == sorted(m["name"] for m in METRICS)
    slow = row_by_row(tmp_path, monkeypatch)
    assert fast.warnings == slow.warnings
    assert_same_figures(fast, slow)
    assert len(fast.observations) > 40
    # A stock is its last day's figure, and its rows are that day's only.
    assert "row" in by_figure(fast)[("balance", "cm01", "2026-W02", "")].source


def assert_same_figures(fast: PluginCheck, slow: PluginCheck) -> None:
    """The same figures (added up in another order: equal to the last few bits) from the
    same file rows."""
    mine, theirs = by_figure(fast), by_figure(slow)
    assert mine.keys() == theirs.keys()
    for key, o in theirs.items():
        assert mine[key].source == o.source, key
        for field in ("value", "numerator", "denominator"):
            ours, expected = getattr(mine[key], field), getattr(o, field)
            assert (ours is None) == (expected is None), key
            assert expected is None or math.isclose(ours, expected, rel_tol=1e-12), key


@pytest.mark.parametrize(
    "extra",
    [
        ["2025-12-30;cm01;1;3.5;10;app"],  # before the plan
        ["2026-01-08;cm01;1;;10;app"],  # a blank value
        ["2026-01-08;cm09;1;3.5;10;app"],  # nobody in the plan
        ["2026-01-08;cm01;1;3.5;10;"],  # an empty slice
    ],
)
def test_a_row_that_needs_a_word_is_tallied_row_by_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, grouped_in_sql: list[str],
    extra: list[str],
) -> None:  # fmt: skip
    write_calls(tmp_path, 300, extra)
    fast = collect(tmp_path)
    slow = row_by_row(tmp_path, monkeypatch)
    assert (fast.problems, fast.warnings) == (slow.problems, slow.warnings)
    assert fast.problems or fast.warnings
    assert_same_figures(fast, slow)


def test_rows_fetched_bare_are_named_as_their_spans_would_be() -> None:
    """A query that groups no rows brings each figure's rows as bare numbers; they are
    named exactly as the same rows given as one-row spans."""
    draw = random.Random(7)
    for _ in range(3000):
        rows = [draw.randrange(60) for _ in range(draw.randint(1, 25))]
        blanks = tuple(sorted(draw.randrange(60) for _ in range(draw.randrange(3))))
        row = sql_collect._Traced("f.csv", draw.randrange(3), blanks=blanks).row
        spans = [[rowid, rowid, 1] for rowid in rows]
        assert sql_collect._rows_text(rows, row) == sql_collect._spans_text(spans, row)
