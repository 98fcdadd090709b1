"""A stock's figure at a date is its level in the last period by then (a ratio's carried
denominator, in the first): found by seeking to the periods holding the date and the
plan's first day, so a report as of last month does not walk every subject's later rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from okrdesk.model import Observation
from okrdesk.periods import Grain, periods_between, week_of
from okrdesk.store import Store

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
SUBJECTS = ("a", "b", "c")


def _store(path: Path, last: dt.date, first: dt.date = dt.date(2025, 1, 1)) -> Path:
    """Every week from ``first`` to ``last``: each subject's level names the week."""
    weeks = list(periods_between(first, last, Grain.WEEK))
    with Store.open(path) as store:
        run = store.start_run("test", None)
        rows = [
            Observation("aum", subject, week.id, float(week.start.toordinal() * 10 + i))
            for week in weeks for i, subject in enumerate(SUBJECTS)
        ]  # fmt: skip
        store.replace_observations(run, {"aum": "test"}, weeks, rows)
        store.finish_run(run, "ok", {}, [])
    return path


def _levels(path: Path, day: dt.date, over_time: str) -> dict[str, tuple[float | None, int]]:
    with Store.open(path, create=False) as store:
        return store.totals_by_subject(
            "aum", day, "value", over_time, Grain.WEEK, SUBJECTS[:2], since=START
        )


def test_the_levels_at_a_date_are_those_of_a_store_that_ends_there(tmp_path: Path) -> None:
    whole = _store(tmp_path / "whole.db", END)
    for day in (dt.date(2026, 1, 1), dt.date(2026, 3, 4), dt.date(2026, 11, 20), END):
        ends_there = _store(tmp_path / f"{day}.db", day, first=START)
        for over_time in ("last", "first"):
            assert _levels(whole, day, over_time) == _levels(ends_there, day, over_time)
    level = week_of(dt.date(2026, 11, 20)).start.toordinal() * 10.0
    assert _levels(whole, dt.date(2026, 11, 20), "last") == {"a": (level, 1), "b": (level + 1, 1)}


def test_the_last_period_by_a_date_is_a_seek_along_the_key(tmp_path: Path) -> None:
    path = _store(tmp_path / "okrdesk.db", END)
    with Store.open(path, create=False) as store:
        connection = store._connection  # type: ignore[attr-defined]
        ran: list[str] = []
        connection.set_trace_callback(ran.append)
        for over_time in ("last", "first"):
            store.totals_by_subject("aum", dt.date(2026, 6, 3), "value", over_time, Grain.WEEK,
                                    SUBJECTS, since=START)  # fmt: skip
        connection.set_trace_callback(None)
        for sql in ran:
            plan = " | ".join(r[3] for r in connection.execute(f"EXPLAIN QUERY PLAN {sql}"))
            assert "USING PRIMARY KEY (metric=? AND period>? AND period<?)" in plan, plan
