"""Weeks at the year's edge. A plan cuts its weeks at its first and last day, and an ISO
week holding 31 December and 1 January was stored by both years' plans under one id
(2026-W01: 29 to 31 December 2025 for the 2025 plan, 1 to 4 January 2026 for the
2026 plan): the new year's first collect overwrote last year's final days, and on 31
December the year's report read its year to date as "2026", three days long. okrdesk's
weeks are now ISO weeks cut at the year's edge (2025-W53, 2027-W00), stores written
before are renumbered as they are upgraded, and a year to date is its year's days."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from backends import Backend
from okrdesk.cli import cli
from okrdesk.engine.windows import window_run, year_before
from okrdesk.periods import Grain, parse_period, parse_window, periods_between, week_of
from okrdesk.store import SCHEMA_VERSION
from okrdesk.store.migrations import RUNNING_TOTALS_INSERT, RUNNING_TOTALS_WINDOWS
from sample_workspace import OKRS as SAMPLE_OKRS
from sample_workspace import PLAN, WriteWorkspace

D = dt.date

OKRS = SAMPLE_OKRS.replace(
    "milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }", 'window = "ytd"\ncompare = ["last_year"]'
)
"""New HNW clients (the test plugin's 1 and 2 a week), with their year to date and 同比."""


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


def files(year: int) -> dict[str, str]:
    return {"plan.toml": PLAN.replace("2026", str(year)), "okrs.toml": OKRS, "budget.toml": ""}


def stored_weeks(backend: Backend, root: Path, since: str) -> list[tuple[str, str, str, float]]:
    with backend.open(root) as store:
        rows = store.query(
            "SELECT period, period_start, period_end, sum(value) FROM observations "
            "WHERE metric = 'new_hnw_clients' AND period_end >= ? "
            "GROUP BY period, period_start, period_end ORDER BY period_start",
            (since,),
        )
    return [(p, s, e, v) for p, s, e, v in rows]


def report(root: Path, as_of: str) -> dict[str, Any]:
    done = run(root, "report", "--as-of", as_of, "--format", "json", "--lang", "en")
    assert done.exit_code == 0, done.output
    return dict(json.loads(done.output))


# ------------------------------------------------------------------- the weeks


@pytest.mark.parametrize(
    ("day", "week", "start", "end"),
    [
        (D(2025, 12, 28), "2025-W52", D(2025, 12, 22), D(2025, 12, 28)),
        (D(2025, 12, 29), "2025-W53", D(2025, 12, 29), D(2025, 12, 31)),  # ISO 2026-W01
        (D(2026, 1, 1), "2026-W01", D(2026, 1, 1), D(2026, 1, 4)),
        (D(2026, 12, 31), "2026-W53", D(2026, 12, 28), D(2026, 12, 31)),  # an ISO week 53
        (D(2027, 1, 2), "2027-W00", D(2027, 1, 1), D(2027, 1, 3)),  # ISO 2026-W53
        (D(2027, 1, 4), "2027-W01", D(2027, 1, 4), D(2027, 1, 10)),
    ],
)
def test_a_week_is_cut_at_the_years_edge(day: dt.date, week: str, start: dt.date,
                                         end: dt.date) -> None:  # fmt: skip
    found = week_of(day)
    assert (found.id, found.start, found.end) == (week, start, end)
    assert parse_period(week) == found


def test_the_weeks_hold_every_day_once_under_ids_of_their_own() -> None:
    weeks = list(periods_between(D(2000, 1, 1), D(2040, 12, 31), Grain.WEEK))
    assert sum(w.days for w in weeks) == (D(2041, 1, 1) - D(2000, 1, 1)).days
    assert len({w.id for w in weeks}) == len(weeks)
    assert all(w.start.year == w.end.year == int(w.id[:4]) for w in weeks)


@pytest.mark.parametrize("written", ["2026-W00", "2027-W53", "2026-W54"])
def test_a_week_its_year_has_not_is_refused(written: str) -> None:
    with pytest.raises(ValueError, match=f"year {written[:4]} has no week {written[-2:]}"):
        parse_period(written)


def test_the_last_weeks_across_the_years_edge_count_whole_weeks_of_days() -> None:
    """Four weeks back from 2 January 2026 are 28 days, the split ISO week once."""
    run_ = window_run(parse_window("last_4_weeks"), D(2026, 1, 4), Grain.WEEK)
    assert run_.ids == ("2025-W50", "2025-W51", "2025-W52", "2025-W53", "2026-W01")
    assert sum(p.days for p in run_.periods) == 28


def test_the_last_day_of_a_year_counts_its_year_to_date() -> None:
    run_ = window_run(parse_window("ytd"), D(2025, 12, 31), Grain.WEEK)
    assert (run_.ids[0], run_.ids[-1], run_.first, run_.last) == (
        "2025-W01", "2025-W53", D(2025, 1, 1), D(2025, 12, 31))  # fmt: skip


# ------------------------------------------------------------ a year and the next


def test_the_new_years_first_collect_keeps_last_years_final_days(backend: Backend) -> None:
    root = backend.workspace(files(2025))
    assert run(root, "collect", "--through", "2025-12-31").exit_code == 0
    last_days = ("2025-W53", "2025-12-29", "2025-12-31", 3.0)  # cm01 1 and cm02 2
    assert stored_weeks(backend, root, "2025-12-22")[-1] == last_days
    year_end = report(root, "2025-12-31")
    assert year_end["week"] == "2025-W53"
    kr = year_end["objectives"][0]["key_results"][0]
    assert kr["window"]["value"] == kr["actual"] == 159  # the year, to its last day

    (root / "targets" / "plan.toml").write_text(PLAN, encoding="utf-8")  # the next year
    assert run(root, "collect", "--through", "2026-01-04").exit_code == 0
    assert stored_weeks(backend, root, "2025-12-22")[-2:] == [
        last_days,
        ("2026-W01", "2026-01-01", "2026-01-04", 3.0),
    ]
    (root / "targets" / "plan.toml").write_text(files(2025)["plan.toml"], encoding="utf-8")
    again = report(root, "2025-12-31")["objectives"][0]["key_results"][0]
    assert again["window"]["value"] == again["actual"] == 159


# ------------------------------------------------------------- stores written before

OLD_ROWS = [
    # 2025's plan cut ISO 2026-W01 at 31 December, and stored it under that id.
    ("2026-W01", "cm01", "2025-12-29", "2025-12-31", 1.0),
    ("2025-W52", "cm01", "2025-12-22", "2025-12-28", 7.0),
    ("2026-W52", "cm01", "2026-12-21", "2026-12-27", 2.0),
    ("2026-W53", "cm01", "2026-12-28", "2026-12-31", 3.0),
    # 2027's plan cut ISO 2026-W53 at 1 January (another subject's: one id held one row).
    ("2026-W53", "cm02", "2027-01-01", "2027-01-03", 6.0),
    ("2027-W01", "cm02", "2027-01-04", "2027-01-10", 5.0),
    # A plan across the years' edge stored a whole week.
    ("2020-W53", "cm01", "2020-12-28", "2021-01-03", 4.0),
]


def _old_store(backend: Backend, root: Path) -> None:
    """A store of schema 20, before weeks were cut at the year's edge, as okrdesk wrote
    it: one run, its rows and their running totals."""
    insert = (
        "INSERT INTO observations (metric, period, subject, period_start, period_end, value,"
        " plugin, run_id, grain) VALUES ('new_hnw_clients', ?, ?, ?, ?, ?, 'test', 1, 'week')"
    )
    backend.of_schema(root, 20, [
        ("INSERT INTO runs (id, started, status, command) VALUES (1, 't', 'ok', 'collect')", ()),
        *((insert, row) for row in OLD_ROWS),
        (f"{RUNNING_TOTALS_INSERT} WHERE slice = '' {RUNNING_TOTALS_WINDOWS}", ()),
    ])  # fmt: skip


def test_a_store_written_before_has_its_weeks_at_the_years_edge_renumbered(
    backend: Backend,
) -> None:
    root = backend.workspace()
    _old_store(backend, root)
    with backend.open(root) as store:
        assert store.schema_version == SCHEMA_VERSION
        kept = store.query(
            "SELECT period, subject, period_start, period_end, value FROM observations "
            "ORDER BY period_start"
        )
        totals = store.query(
            "SELECT year, subject, period, next_period, value FROM running_totals "
            "ORDER BY year, subject, period"
        )
        noted = store.query("SELECT count(*) FROM hand_edits")
    assert (
        [tuple(r) for r in kept]
        == [
            OLD_ROWS[6],  # no week of one year: left for the next collect to store anew
            OLD_ROWS[1],
            ("2025-W53", "cm01", "2025-12-29", "2025-12-31", 1.0),
            *OLD_ROWS[2:4],
            ("2027-W00", "cm02", "2027-01-01", "2027-01-03", 6.0),
            OLD_ROWS[5],
        ]
    )
    # Each year's running totals, in the order of its weeks, as the store adds them up.
    assert [tuple(r) for r in totals] == [
        ("2021", "cm01", "2020-W53", "~", 4.0),
        ("2025", "cm01", "2025-W52", "2025-W53", 7.0),
        ("2025", "cm01", "2025-W53", "~", 8.0),
        ("2026", "cm01", "2026-W52", "2026-W53", 2.0),
        ("2026", "cm01", "2026-W53", "~", 5.0),
        ("2027", "cm02", "2027-W00", "2027-W01", 6.0),
        ("2027", "cm02", "2027-W01", "~", 11.0),
    ]
    assert [tuple(r) for r in noted] == [(0,)]  # okrdesk's own change, no hand edit


# ------------------------------------------------- a year starting with a week 00


@pytest.mark.parametrize(
    ("week", "a_year_before"),
    [
        ("2026-W01", "2025-W01"),  # both years start with a week 01
        ("2026-W53", "2025-W53"),
        ("2027-W00", "2026-W01"),  # 2027's first week, 1 to 3 January, against 2026's
        ("2027-W01", "2026-W02"),
        ("2027-W52", "2026-W53"),  # and its last, 27 to 31 December, against 2026's
        ("2028-W00", "2027-W00"),  # both start with a week 00
        ("2029-W01", "2028-W00"),
        ("2013-W01", "2012-W00"),  # 2012 had 54 weeks: its last, 31 December, has none after
        ("2026-03", "2025-03"),
        ("2026-Q1", "2025-Q1"),
    ],
)
def test_a_week_a_year_before_is_the_week_as_far_into_its_year(
    week: str, a_year_before: str
) -> None:
    assert year_before(week) == a_year_before


def test_a_year_with_a_week_00_is_compared_with_the_whole_of_the_last(
    write_workspace: WriteWorkspace, plans_over: object
) -> None:
    """2027 starts with 2027-W00 (1 to 3 January) and 2026 ends with 2026-W53 (28 to 31
    December): 2027's year to date on 31 December was compared with 2026's weeks 01 to
    52, 361 days and 156 new HNW clients of 159 (同比 +1.92%, not like for like), and a
    growth target set on them, where the two years had the same 159 (同比 0.0%)."""
    root = write_workspace(files(2026))
    assert run(root, "collect", "--through", "2026-12-31").exit_code == 0
    (root / "targets" / "plan.toml").write_text(files(2027)["plan.toml"], encoding="utf-8")
    assert run(root, "collect", "--through", "2027-12-31").exit_code == 0
    kr = report(root, "2027-12-31")["objectives"][0]["key_results"][0]
    (year_to_date,) = kr["window"]["comparisons"]
    assert (kr["window"]["value"], year_to_date["earlier"]) == (159, 159)
    assert (year_to_date["change"], year_to_date["days"]) == (0, None)
    assert year_to_date["earlier_periods"][0] == "2026-W01"
    assert year_to_date["earlier_periods"][-1] == "2026-W53"
    # 1 to 3 January against 2026's first week, 1 to 4 January, where there was none.
    first = report(root, "2027-01-03")["objectives"][0]["key_results"][0]["window"]
    assert first["comparisons"][0]["earlier_periods"] == ["2026-W01"]
    assert first["comparisons"][0]["days"] == [3, 4]
    growth = files(2027)["okrs.toml"].replace("target = 360\n", 'growth = "18%"\n')
    (root / "targets" / "okrs.toml").write_text(growth, encoding="utf-8")
    kr = report(root, "2027-12-31")["objectives"][0]["key_results"][0]
    assert kr["target"] == pytest.approx(159 * 1.18)
