"""The firm report's reads: now and a period earlier summed in one grouped scan, the
firm's trends read along the key, and the figures the same as each date read alone.

The firm here is small and its numbers are not whole (stocks in fen, ratios of
counts), so a change in the order numbers are added in shows in the last digit."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from okrdesk.app.store import copy_store
from okrdesk.engine import progress
from okrdesk.engine.plan_calendar import one_period_before
from okrdesk.engine.progress import Engine
from okrdesk.engine.rollup import Figure, Rollup, SharedReads, subjects_under
from okrdesk.model import (
    Direction,
    KeyResult,
    MetricKind,
    MetricSpec,
    Objective,
    Observation,
    OrgUnit,
    OverTime,
    Person,
    Plan,
)
from okrdesk.periods import Grain, Period, periods_between, week_of
from okrdesk.report.build import build_report
from okrdesk.store import Store
from okrdesk.store.reader import SumPlaces, SumRows
from okrdesk.store.sqlite import SqliteStore
from okrdesk.units import UNITS

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
AS_OF = dt.date(2026, 6, 17)
BRANCH = "b2"

SPECS = {
    s.name: s
    for s in (
        MetricSpec("opened", "Opened", "开户", MetricKind.FLOW, UNITS["户"]),
        MetricSpec("fees", "Fees", "佣金", MetricKind.FLOW, UNITS["元"]),
        MetricSpec("aum", "AUM", "资产", MetricKind.STOCK, UNITS["元"]),
        MetricSpec("win", "Win rate", "成交率", MetricKind.RATIO, UNITS["%"]),
        MetricSpec(
            "churn", "Churn", "流失率", MetricKind.RATIO, UNITS["%"], Direction.AT_MOST,
            denominator_over_time=OverTime.FIRST,
        ),
    )
}  # fmt: skip


def firm_plan(branches: int = 3) -> Plan:
    units = [OrgUnit("firm", "示例证券", "firm")]
    people = []
    for b in range(1, branches + 1):
        units.append(OrgUnit(f"b{b}", f"第{b}营业部", "branch", "firm"))
        for t in (1, 2):
            units.append(OrgUnit(f"b{b}t{t}", f"第{b}营业部{t}组", "team", f"b{b}"))
            people += [Person(f"b{b}t{t}p{p}", f"经理{b}-{t}-{p}", f"b{b}t{t}") for p in (1, 2, 3)]
    branch_ids = [u.id for u in units if u.level == "branch"]
    results = tuple(
        KeyResult(
            id=f"F1.{spec.name}", objective="F1", title=spec.label_zh,
            unit=UNITS["%"] if spec.kind is MetricKind.RATIO else spec.unit,
            target=Decimal("0.3") if spec.kind is MetricKind.RATIO else None,
            metric=spec.name, direction=spec.direction,
            member_targets={b: Decimal("0.3") if spec.kind is MetricKind.RATIO
                            else Decimal(5000) for b in branch_ids},
        )
        for spec in SPECS.values()
    )  # fmt: skip
    return Plan(
        id="firm-2026", name="示例证券 2026", year=2026, start=START, end=END, top="firm",
        units=tuple(units), people=tuple(people),
        objectives=(Objective("F1", "全公司", "firm", key_results=results),),
    )  # fmt: skip


def fill(store: Store, plan: Plan, *, leaver: bool = True) -> None:
    rng = random.Random(15)
    weeks = [w for w in periods_between(START, END, Grain.WEEK) if w.start <= AS_OF][:30]
    observations = []
    for person in plan.people:
        level = rng.uniform(1e5, 1e6)
        for week in weeks:
            for spec in SPECS.values():
                if spec.kind is MetricKind.RATIO:
                    den = float(rng.randint(20, 90))
                    number = (None, float(rng.randint(0, int(den))) / 3, den / 7)
                elif spec.kind is MetricKind.STOCK:
                    level *= rng.uniform(0.97, 1.04)
                    number = (round(level, 2), None, None)
                else:
                    number = (round(rng.uniform(0, 40), 2), None, None)
                observations.append(Observation(spec.name, person.id, week.id, *number))
    # A unit's own row and a subject no longer in the plan: both must be added (or
    # left out) as before.
    observations.append(Observation("fees", "b1", weeks[-1].id, 12.34))
    if leaver:
        observations.append(Observation("fees", "gone", weeks[-1].id, 99.99))
    # Collected through the report's day, as a collect that day leaves its week: in part.
    run = store.start_run("test", AS_OF)
    store.replace_observations(run, dict.fromkeys(SPECS, "test"), weeks, observations, AS_OF)


@pytest.fixture
def firm(tmp_path: Path) -> Iterator[tuple[Store, Plan]]:
    plan = firm_plan()
    with Store.open(tmp_path / "okrdesk.db") as store:
        fill(store, plan)
        yield store, plan


def same(store: Store, found: object, expected: object) -> bool:
    """Equal, to the last digit on SQLite, which adds a group's rows in the order of its
    scan whatever the statement; PostgreSQL adds them in the order its plan reads them,
    which two statements over the same rows need not share."""
    if isinstance(store, SqliteStore) or found == expected:
        return found == expected
    if isinstance(found, Figure) and isinstance(expected, Figure):
        pairs = zip(attrs.astuple(found), attrs.astuple(expected), strict=True)
        return all(same(store, a, b) for a, b in pairs)
    if isinstance(found, float) and isinstance(expected, float):
        return found == pytest.approx(expected, rel=1e-12)
    return False


@pytest.fixture(params=["sqlite", "postgresql"])
def any_firm(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, Plan]]:
    """The firm on each backend: the reads are written once for both."""
    plan = firm_plan()
    where = tmp_path / "okrdesk.db"
    location = request.getfixturevalue("postgres_url") if request.param != "sqlite" else where
    with Store.open(location) as store:
        fill(store, plan)
        yield store, plan


def test_now_and_a_period_earlier_from_one_scan_are_each_days_own_sums(
    firm: tuple[Store, Plan],
) -> None:
    store, plan = firm
    earlier = one_period_before(AS_OF, Grain.WEEK)
    for subjects in (None, subjects_under(plan, BRANCH)):
        together = store.sums_at([AS_OF, earlier], Grain.WEEK, subjects, since=START)
        for day in (AS_OF, earlier):
            alone = store.sums_for_all(day, Grain.WEEK, subjects, since=START)
            assert together[day] == alone, (day, subjects)
        assert together[earlier] != together[AS_OF]
    # A day before any period has nothing, not a row of zeros.
    before = dt.date(2025, 12, 1)
    assert store.sums_at([AS_OF, before], Grain.WEEK)[before] == {}


def a_copy_keeps_its_own(
    store: Store,
    folder: Path,
    agree: Callable[[Store], bool],
    kept: Callable[[Store], list[tuple[object, ...]]],
) -> bool:
    """Whether a copy of ``store`` into a new file adds up totals of its own that
    ``agree`` with its rows, as many as the store keeps."""
    copied = folder / "copy.db"
    copy_store(store.location, copied, replace=False)
    with Store.open(copied) as copy:
        return agree(copy) and len(kept(copy)) == len(kept(store))


def running_rows(store: Store) -> list[tuple[object, ...]]:
    return store.query(
        "SELECT metric, grain, year, next_period, subject, period, value, numerator, "
        "denominator, observations FROM running_totals ORDER BY metric, grain, year, "
        "subject, period"
    )


def running_agree(store: Store) -> bool:
    """The store's ``running_totals`` are its rows added up afresh, subject by subject
    and year by year (the year a period ends in), in the order of their periods."""
    rows = store.query(
        "SELECT metric, grain, substr(period_end, 1, 4), subject, period, value, numerator, "
        "denominator FROM observations WHERE slice = '' ORDER BY 1, 2, 3, 4, 5"
    )
    fresh: list[tuple[object, ...]] = []
    for i, (metric, grain, year, subject, period, *numbers) in enumerate(rows):
        key = (metric, grain, year, subject)
        following = rows[i + 1] if i + 1 < len(rows) else None
        before = fresh[-1] if fresh and (*fresh[-1][:3], fresh[-1][4]) == key else None
        if before is None:
            sums: list[object] = [*numbers, 1]
        else:
            sums = [_plus(a, b) for a, b in zip(before[6:9], numbers, strict=True)]
            sums.append(int(before[9]) + 1)  # type: ignore[call-overload]
        next_period = following[4] if following is not None and following[:4] == key else "~"
        fresh.append((metric, grain, year, next_period, subject, period, *sums))
    kept = running_rows(store)
    return len(kept) == len(fresh) and all(
        a[:6] == b[:6]
        and a[9] == b[9]
        and all(same(store, x, y) for x, y in zip(a[6:9], b[6:9], strict=True))
        for a, b in zip(kept, fresh, strict=True)
    )


def _plus(a: object, b: object) -> object:
    if b is None:
        return a
    return (a or 0.0) + b  # type: ignore[operator]


def test_the_running_totals_are_the_rows_added_up_after_every_write(
    any_firm_store: tuple[Store, Plan], tmp_path: Path
) -> None:
    store, plan = any_firm_store
    fill(store, plan)
    assert running_rows(store) and running_agree(store)
    weeks = [w for w in periods_between(START, END, Grain.WEEK) if w.start <= AS_OF][:30]
    # Three weeks collected again with fewer people: every later running total of fees
    # moves, the other metrics' stay.
    others = [row for row in running_rows(store) if row[0] != "fees"]
    again = [Observation("fees", p.id, w.id, 7.25) for p in plan.people[:4] for w in weeks[3:6]]
    store.replace_observations(store.start_run("test", None), {"fees": "test"}, weeks[3:6],
                               again)  # fmt: skip
    assert running_agree(store)
    assert [row for row in running_rows(store) if row[0] != "fees"] == others
    # A week collected in part, then emptied: the subjects' spans close over it.
    partial = [Observation("fees", p.id, weeks[7].id, 1.0) for p in plan.people[:2]]
    store.replace_observations(store.start_run("test", weeks[7].start), {"fees": "test"},
                               weeks[7:8], partial, through=weeks[7].start)  # fmt: skip
    assert running_agree(store)
    store.replace_observations(store.start_run("test", None), {"fees": "test"}, weeks[7:8], [])
    assert running_agree(store)
    # A copy adds up its own, the same.
    assert a_copy_keeps_its_own(store, tmp_path, running_agree, running_rows)


def test_every_subjects_sums_from_running_totals_are_the_sums_a_scan_reads(
    any_firm_store: tuple[Store, Plan],
) -> None:
    store, plan = any_firm_store
    fill(store, plan)
    weeks = [w for w in periods_between(START, END, Grain.WEEK) if w.start <= AS_OF][:30]
    # A person with fees in two early weeks and the last five alone, and a week no one
    # has fees in.
    kept = [
        o
        for o in store_rows(store, "fees")
        if o.period != weeks[10].id and o.subject != "b3t2p3" and o.period < weeks[20].id
    ]
    sparse = [Observation("fees", "b3t2p3", w.id, 3.5) for w in weeks[2:4]]
    store.replace_observations(store.start_run("test", None), {"fees": "test"}, weeks[:20],
                               kept + sparse)  # fmt: skip
    days = [START, weeks[2].start, weeks[3].end, weeks[10].start, weeks[11].start,
            AS_OF, dt.date(2026, 12, 31)]  # fmt: skip
    # Everyone's, and a branch's alone: the one with the sparse person.
    for subjects, now in itertools.product((None, subjects_under(plan, "b3")), days):
        for earlier in (one_period_before(now, Grain.WEEK), dt.date(2025, 12, 1)):
            asked = sorted({now, earlier})
            running = each_days_sums(
                store._running_sum_rows(asked, Grain.WEEK, START, subjects=subjects)
            )
            scanned = each_days_sums(store._scanned_sum_rows(asked, Grain.WEEK, subjects, START))
            assert running.keys() == scanned.keys() == set(asked)
            for day, by_metric in scanned.items():
                assert running[day].keys() == by_metric.keys(), (now, day)
                for metric, by_subject in by_metric.items():
                    assert running[day][metric].keys() == by_subject.keys(), (day, metric)
                    for subject, sums in by_subject.items():
                        assert all(
                            same(store, a, b)
                            for a, b in zip(running[day][metric][subject], sums, strict=True)
                        ), (day, metric, subject)
    # The report's read takes the running totals of the plan's year, and last year's
    # rows stored beside this year's are in last year's.
    last_year = list(periods_between(dt.date(2025, 12, 1), dt.date(2025, 12, 7), Grain.WEEK))
    earlier_row = Observation("opened", "b1t1p1", last_year[0].id, 1000.0)
    store.replace_observations(store.start_run("test", None), {"opened": "test"}, last_year,
                               [earlier_row])  # fmt: skip
    assert running_agree(store)
    with_last_year = store.sum_rows_at([AS_OF], Grain.WEEK, since=START)
    assert with_last_year == store._running_sum_rows([AS_OF], Grain.WEEK, START)
    assert each_days_sums(with_last_year) == each_days_sums(
        store._scanned_sum_rows([AS_OF], Grain.WEEK, None, START))  # fmt: skip
    # A plan from a day after its year's first rows, or a read through a week that ends
    # in the next year: the running totals of a year are not those sums; a scan is.
    march = dt.date(2026, 3, 1)
    assert not store._running_totals_answer(Grain.WEEK, march, AS_OF)
    assert store.sum_rows_at([AS_OF], Grain.WEEK, since=march) == store._scanned_sum_rows(
        [AS_OF], Grain.WEEK, None, march)  # fmt: skip
    # (okrdesk's weeks are cut at the year's edge: a week across it was stored, before
    # schema 21, by a plan across the years' edge.)
    new_year = Period(dt.date(2026, 12, 28), dt.date(2027, 1, 3), "2026-W53")
    assert store._running_totals_answer(Grain.WEEK, START, dt.date(2026, 12, 31))
    store.replace_observations(store.start_run("test", None), {"opened": "test"}, [new_year],
                               [Observation("opened", "b1t1p1", new_year.id, 7.0)])  # fmt: skip
    assert not store._running_totals_answer(Grain.WEEK, START, dt.date(2026, 12, 31))
    across = store.sum_rows_at([dt.date(2026, 12, 31)], Grain.WEEK, since=START)
    rows, at = across[dt.date(2026, 12, 31)]["opened"]
    assert rows["b1t1p1"][at.observations] == 26  # its 25 weeks, and the one across


def test_a_branchs_sums_in_a_firms_sqlite_store_are_its_peoples_running_totals(
    firm: tuple[Store, Plan],
) -> None:
    """A branch's report in its firm's workspace sought its people's running totals by
    the key, not every row of theirs (the rows of 37 people through the subject index
    cost the benchmark's branch report more than the whole firm's running totals)."""
    store, plan = firm
    branch = subjects_under(plan, "b1")  # it has figures of its own beside its people's
    asked = [one_period_before(AS_OF, Grain.WEEK), AS_OF]
    statements: list[str] = []
    store._connection.set_trace_callback(statements.append)  # type: ignore[attr-defined]
    read = store.sum_rows_at(asked, Grain.WEEK, branch, since=START)
    store._connection.set_trace_callback(None)  # type: ignore[attr-defined]
    summed = [s for s in statements if "FROM observations" in s and "sum(" in s]
    assert [s for s in statements if "FROM running_totals" in s] and not summed
    assert each_days_sums(read) == each_days_sums(
        store._scanned_sum_rows(asked, Grain.WEEK, branch, START)
    )
    # Of the branch's subjects alone (its own row among them), none of another's.
    read_subjects = {s for rows, _ in read[AS_OF].values() for s in rows}
    assert read_subjects == {"b1", *(p.id for p in plan.people if p.id.startswith("b1"))}


def test_a_collect_landing_amid_a_reports_reads_adds_nothing_after_its_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report's statements each read the store as it is then, outside a snapshot: a
    cron collect of this week may commit between the look for a metric's next period
    and the read of its running totals. The sums as of last week must still stop at
    last week."""
    weeks = [week_of(dt.date(2026, 6, day)) for day in (8, 15, 22)]
    last_week_ends = weeks[1].end
    with Store.open(tmp_path / "okrdesk.db") as store:
        store.replace_observations(
            store.start_run("test", None), {"fees": "test"}, weeks[:2],
            [Observation("fees", "a", weeks[0].id, 1.0),
             Observation("fees", "a", weeks[1].id, 2.0)],
        )  # fmt: skip
        read = store._rows
        landed: list[str] = []

        def reads_then_a_collect_lands(sql: str, params: object = ()) -> object:
            found = list(read(sql, params))  # type: ignore[arg-type]
            if "min(period)" in sql and not landed:
                landed.append(sql)
                store.replace_observations(
                    store.start_run("test", dt.date(2026, 6, 23)), {"fees": "test"}, weeks[2:],
                    [Observation("fees", "a", weeks[2].id, 100.0)], through=dt.date(2026, 6, 23),
                )  # fmt: skip
            return found

        monkeypatch.setattr(store, "_rows", reads_then_a_collect_lands)
        # The reads as made within a snapshot (``_running_sum_rows`` takes one), here
        # without one, so that the collect lands between two of them.
        running = each_days_sums(
            store._running_sum_rows_read([last_week_ends], Grain.WEEK, START, None)
        )
        monkeypatch.undo()
        assert landed
        assert running[last_week_ends]["fees"]["a"] == (3.0, None, None, 2)
        scanned = store._scanned_sum_rows([last_week_ends], Grain.WEEK, None, START)
        assert each_days_sums(scanned) == running


def each_days_sums(
    read: dict[dt.date, SumRows],
) -> dict[dt.date, dict[str, dict[str, tuple[object, ...]]]]:
    """day → metric → subject → (Σ value, Σ numerator, Σ denominator, observations), of
    the subjects with observations by the day."""
    found: dict[dt.date, dict[str, dict[str, tuple[object, ...]]]] = {}
    for day, rows in read.items():
        found[day] = {}
        for metric, (by_subject, at) in rows.items():
            sums = {s: sums_of(row, at) for s, row in by_subject.items() if row[at.observations]}
            if sums:
                found[day][metric] = sums
    return found


def sums_of(row: tuple[object, ...], at: SumPlaces) -> tuple[object, ...]:
    """A row's Σ value, Σ numerator, Σ denominator (None where not read) and observations."""
    read = [None if place is None else row[place] for place in at[:3]]
    return (*read, row[at.observations])


def store_rows(store: Store, metric: str) -> list[Observation]:
    return [stored.observation for stored in store.observations(metric=metric)]


def test_the_firms_trends_read_along_the_key_are_each_metrics_own_series(
    firm: tuple[Store, Plan],
) -> None:
    store, plan = firm
    columns = {"aum": ("value",), "fees": ("value",), "win": ("numerator", "denominator")}
    everyone = subjects_under(plan, plan.top)
    along = store.series_of_metrics(columns, everyone, AS_OF, Grain.WEEK, since=START,
                                    everyone=True)  # fmt: skip
    for metric, wanted in columns.items():
        for column in wanted:
            alone = store.series(metric, everyone, AS_OF, column, Grain.WEEK, since=START)
            assert alone and along[metric][column] == alone, (metric, column)


def test_a_branchs_trends_read_each_metric_once_and_are_each_columns_own_series(
    firm: tuple[Store, Plan],
) -> None:
    """A branch's trends on SQLite are a statement per metric: a ratio's numerator and
    denominator in one, which read its rows twice, one statement each, before."""
    store, plan = firm
    columns = {"aum": ("value",), "fees": ("value",), "win": ("numerator", "denominator"),
               "churn": ("numerator", "denominator")}  # fmt: skip
    branch = subjects_under(plan, BRANCH)
    statements: list[str] = []
    store._connection.set_trace_callback(statements.append)  # type: ignore[attr-defined]
    read = store.series_of_metrics(columns, branch, AS_OF, Grain.WEEK, since=START)
    store._connection.set_trace_callback(None)  # type: ignore[attr-defined]
    assert len([s for s in statements if "FROM observations" in s and "sum(" in s]) == 4
    for metric, wanted in columns.items():
        for column in wanted:
            alone = store.series(metric, branch, AS_OF, column, Grain.WEEK, since=START)
            assert alone and read[metric][column] == alone, (metric, column)
            fresh = store.query(
                f"SELECT period_end, sum({column}) FROM observations WHERE metric = ? "
                "AND slice = '' AND subject IN (SELECT value FROM json_each(?)) "
                "GROUP BY period ORDER BY period_start",
                (metric, json.dumps(sorted(branch))),
            )
            assert alone == [(dt.date.fromisoformat(e), float(v or 0.0)) for e, v in fresh]


TOTALS = (
    "SELECT metric, period, grain, period_start, period_end, sum(value), sum(numerator), "
    "sum(denominator), count(*) FROM observations WHERE slice = '' "
    "GROUP BY metric, period, grain, period_start, period_end ORDER BY metric, period"
)


def kept_totals(store: Store) -> list[tuple[object, ...]]:
    return store.query("SELECT * FROM period_totals ORDER BY metric, period")


def totals_agree(store: Store) -> bool:
    """The store's ``period_totals`` are its rows added up afresh."""
    kept, fresh = kept_totals(store), store.query(TOTALS)
    return len(kept) == len(fresh) and all(
        a[:5] == b[:5]
        and a[8] == b[8]
        and all(same(store, x, y) for x, y in zip(a[5:8], b[5:8], strict=True))
        for a, b in zip(kept, fresh, strict=True)
    )


@pytest.mark.parametrize("leaver", [False, True])
@pytest.mark.parametrize("asked", ["everyone", "top"])
def test_the_firms_trends_are_its_period_totals_while_every_stored_subject_is_in_the_plan(
    leaver: bool, asked: str, any_firm_store: tuple[Store, Plan]
) -> None:
    """A firm's top (``everyone``), or the top of any plan, however small (``top``)."""
    store, plan = any_firm_store
    fill(store, plan, leaver=leaver)
    columns = {"aum": ("value",), "fees": ("value",), "win": ("numerator", "denominator")}
    everyone = subjects_under(plan, plan.top)
    statements: list[str] = []
    if isinstance(store, SqliteStore):
        store._connection.set_trace_callback(statements.append)  # type: ignore[attr-defined]
    along = store.series_of_metrics(columns, everyone, AS_OF, Grain.WEEK, since=START,
                                    **{asked: True})  # type: ignore[arg-type]  # fmt: skip
    if isinstance(store, SqliteStore):
        store._connection.set_trace_callback(None)  # type: ignore[attr-defined]
        kept = [s for s in statements if "FROM period_totals" in s]
        scans = [s for s in statements if "GROUP BY metric" in s]
        # A subject no longer in the plan ("gone") is in no total of the plan's: then
        # the rows are read and added up without it, along the key for a firm, subject
        # by subject for a plan that may be small in a large store.
        assert len(kept) == (0 if leaver else 1)
        assert len(scans) == (1 if leaver and asked == "everyone" else 0)
        # The totals are read in the key's order, the periods' own: nothing is sorted.
        for statement in kept:
            planned = store._connection.execute(f"EXPLAIN QUERY PLAN {statement}")  # type: ignore[attr-defined]
            assert not [row for row in planned if "TEMP B-TREE" in row[3]], statement
    for metric, wanted in columns.items():
        for column in wanted:
            alone = store.series(metric, everyone, AS_OF, column, Grain.WEEK, since=START)
            assert alone, (metric, column)
            assert all(same(store, a[1], b[1]) and a[0] == b[0]
                       for a, b in zip(along[metric][column], alone, strict=True))  # fmt: skip


@pytest.fixture(params=["sqlite", "postgresql"])
def any_firm_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, Plan]]:
    """An empty store on each backend, and the firm's plan."""
    where = tmp_path / "okrdesk.db"
    location = request.getfixturevalue("postgres_url") if request.param != "sqlite" else where
    with Store.open(location) as store:
        yield store, firm_plan()


def test_the_period_totals_are_the_rows_added_up_after_every_write(
    any_firm_store: tuple[Store, Plan], tmp_path: Path
) -> None:
    store, plan = any_firm_store
    fill(store, plan)
    assert kept_totals(store) and totals_agree(store)
    weeks = [w for w in periods_between(START, END, Grain.WEEK) if w.start <= AS_OF][:30]
    # A second collect of fees over three weeks, with fewer people and other numbers:
    # only those weeks change.
    before = {row[1]: row for row in kept_totals(store) if row[0] == "fees"}
    again = [Observation("fees", p.id, w.id, 7.25) for p in plan.people[:4] for w in weeks[3:6]]
    store.replace_observations(store.start_run("test", None), {"fees": "test"}, weeks[3:6],
                               again)  # fmt: skip
    assert totals_agree(store)
    after = {row[1]: row for row in kept_totals(store) if row[0] == "fees"}
    assert after[weeks[4].id][5:] == (29.0, None, None, 4)
    assert {k: v for k, v in after.items() if k not in {w.id for w in weeks[3:6]}} == {
        k: v for k, v in before.items() if k not in {w.id for w in weeks[3:6]}}  # fmt: skip
    # A collect through a day inside a week stored complete keeps that week and its totals.
    partial = [Observation("fees", p.id, weeks[5].id, 1.0) for p in plan.people]
    store.replace_observations(store.start_run("test", weeks[5].start), {"fees": "test"},
                               weeks[5:6], partial, through=weeks[5].start)  # fmt: skip
    assert totals_agree(store)
    assert {row[1]: row for row in kept_totals(store) if row[0] == "fees"} == after
    # A copy adds up its own totals, the same.
    assert a_copy_keeps_its_own(store, tmp_path, totals_agree, kept_totals)


def test_a_shared_rollup_has_every_figure_a_rollup_of_its_own_has(
    any_firm: tuple[Store, Plan],
) -> None:
    store, plan = any_firm
    earlier = one_period_before(AS_OF, Grain.WEEK)
    subjects = [u.id for u in plan.units] + [p.id for p in plan.people] + ["gone"]
    for within in (None, BRANCH):
        shared = SharedReads(store, plan, (AS_OF, earlier))
        for day in (AS_OF, earlier):
            together = Rollup(plan, store, day, SPECS, within, shared)
            alone = Rollup(plan, store, day, SPECS, within)
            for metric in SPECS:
                for subject in subjects:
                    found = together.figure(metric, subject)
                    expected = alone.figure(metric, subject)
                    assert same(store, found, expected), (within, day, metric, subject)
    # The sums read are only those of metrics added up over time (none of the stock's), of
    # the columns asked for; the firm's running totals are read of those columns alone.
    summed = {
        name: ("numerator", "denominator") if spec.kind is MetricKind.RATIO else ("value",)
        for name, spec in SPECS.items()
        if spec.kind is not MetricKind.STOCK
    }
    for subjects in (None, subjects_under(plan, BRANCH)):
        read = store.sum_rows_at([AS_OF], Grain.WEEK, subjects, since=START, metrics=summed)
        everything = store.sum_rows_at([AS_OF], Grain.WEEK, subjects, since=START)
        rows, all_rows = read[AS_OF], everything[AS_OF]
        assert subjects is not None or "aum" not in rows
        for metric, columns in summed.items():
            (by_subject, at), (all_by_subject, all_at) = rows[metric], all_rows[metric]
            for column in columns:
                assert {s: r[at.of(column)] for s, r in by_subject.items()} == {
                    s: r[all_at.of(column)] for s, r in all_by_subject.items()
                }, (subjects, metric, column)
            assert {s: r[at.observations] for s, r in by_subject.items()} == {
                s: r[all_at.observations] for s, r in all_by_subject.items()
            }, (subjects, metric)
            if subjects is None:
                assert {len(r) for r in by_subject.values()} == {len(columns) + 2}, metric
    # The unit's own row counts towards it and up; the subject outside the plan does not.
    own = Rollup(plan, store, AS_OF, SPECS)
    assert own.figure("fees", "gone").value is None
    firm_fees = own.figure("fees", "firm")
    members = [own.figure("fees", b).value or 0.0 for b in ("b1", "b2", "b3")]
    assert firm_fees.value == pytest.approx(sum(members))


def test_the_reports_change_is_now_less_a_period_earlier_read_alone(
    any_firm: tuple[Store, Plan],
) -> None:
    store, plan = any_firm
    # A week's change is from the end of the week before: Sunday 14 June.
    earlier = dt.date(2026, 6, 14)
    for unit in (plan.top, BRANCH):
        report = build_report(plan, SPECS, store, unit, AS_OF, "en")
        assert report.change_from == earlier
        then = Engine(plan, store, earlier, SPECS, trends=False, within=unit)
        now = Engine(plan, store, AS_OF, SPECS, within=unit)
        changes = [kr.change for o in report.objectives for kr in o.key_results]
        assert len(changes) == len(SPECS) and all(c is not None for c in changes)
        for kr in (kr for o in report.objectives for kr in o.key_results):
            key_result = plan.key_results_by_id[kr.id]
            before, current = then.key_result(key_result, unit), now.key_result(key_result, unit)
            assert before is not None and current is not None
            assert current.actual.value is not None and before.actual.value is not None
            assert kr.actual == current.actual.value
            change = current.actual.value - before.actual.value
            assert same(store, kr.change, change), kr.id
            assert [attrs.astuple(p) for p in kr.trend] == [tuple(p) for p in current.trend]
        assert same(store, report.previous_score, then.progress(unit, members=False).score)
        again = Engine(plan, store, AS_OF, SPECS, within=unit)
        assert [(m.id, m.score) for m in report.members] == [
            (m.id, m.score) for m in again.progress(unit).members
        ]


def test_the_firm_report_sums_now_and_earlier_in_one_scan_and_its_trends_in_another(
    firm: tuple[Store, Plan], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, plan = firm
    statements: list[str] = []
    store._connection.set_trace_callback(statements.append)  # type: ignore[attr-defined]
    report = build_report(plan, SPECS, store, plan.top, AS_OF, "en")
    store._connection.set_trace_callback(None)  # type: ignore[attr-defined]
    # Now and a period earlier: each metric's running totals as of two periods, no scan;
    # not a stock's, which takes its last period alone. Each is read along the key: the
    # rows of the period's last, or those that end in the next period. Only the fees
    # a period earlier look further: the unit's own and the leaver's start in the last.
    running = [s for s in statements if "observations FROM running_totals" in s]
    assert not [s for s in running if "metric = 'aum'" in s]
    along_the_key = [s for s in running if "next_period = " in s]
    assert len(along_the_key) == 2 * (len(SPECS) - 1)
    further = [s for s in running if s not in along_the_key]
    assert len(further) == 1 and "metric = 'fees'" in further[0]
    # Each metric's subjects of the year are counted once, for both dates: the two are
    # read in one snapshot of the store.
    counts = [s for s in running if "count(*)" in s]
    counted = sorted(s.split("metric = '")[1].split("'")[0] for s in counts)
    assert counted == sorted(name for name in SPECS if name != "aum")
    assert not [s for s in statements if "GROUP BY subject, metric" in s]
    # The stock's last period and the churn's first (its denominator) are one
    # observation a subject: each row is read as the subject and the column alone. The
    # stock's last period now and a period earlier are two; the churn's first is the
    # same period for both, read once.
    edges = [s for s in statements if "ORDER BY period " in s and "AND period = (" in s]
    assert sorted(s.split(" FROM ")[0] for s in edges) == [
        "SELECT subject, denominator",
        "SELECT subject, value",
        "SELECT subject, value",
    ]
    # A small firm's trends: each metric's own read through the subject index, a ratio's
    # two parts in one.
    trends = [s for s in statements if "period_end, sum(" in s]
    assert len(trends) == len(SPECS) and not [s for s in trends if "NOT INDEXED" in s]
    assert report.previous_score is not None
    # A large one's are read on a connection of their own, meanwhile: none on this one.
    monkeypatch.setattr(progress, "FIRM_WIDE_FROM", len(subjects_under(plan, plan.top)))
    statements.clear()
    store._connection.set_trace_callback(statements.append)  # type: ignore[attr-defined]
    aside = build_report(plan, SPECS, store, plan.top, AS_OF, "en")
    store._connection.set_trace_callback(None)  # type: ignore[attr-defined]
    assert not [s for s in statements if "period_end, sum(" in s]
    assert aside == report
    # A branch's trends are its own few rows, read on the report's connection.
    statements.clear()
    store._connection.set_trace_callback(statements.append)  # type: ignore[attr-defined]
    build_report(plan, SPECS, store, BRANCH, AS_OF, "en")
    store._connection.set_trace_callback(None)  # type: ignore[attr-defined]
    assert [s for s in statements if "period_end, sum(" in s]
    assert not [s for s in statements if "NOT INDEXED" in s]
    # A report in the plan's first week has no period earlier: one day. Rows before the
    # plan's first day are stored, which the running totals count in: one scan.
    first = attrs.evolve(plan, start=dt.date(2026, 6, 15))
    statements.clear()
    store._connection.set_trace_callback(statements.append)  # type: ignore[attr-defined]
    assert build_report(first, SPECS, store, plan.top, AS_OF, "en").previous_score is None
    store._connection.set_trace_callback(None)  # type: ignore[attr-defined]
    grouped = [s for s in statements if "GROUP BY subject, metric" in s]
    assert len(grouped) == 1 and "CASE WHEN" not in grouped[0]


def test_a_firms_report_works_out_each_metrics_figure_days_once_not_at_each_member(
    firm: tuple[Store, Plan], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The day a stored metric's figures speak for, and whether they are old, is the same
    at every subject: a firm's report asked it again at each member it ranked, and asked
    each person of the firm for key results of their own (none: the shares are the
    branches')."""
    store, plan = firm
    expected = build_report(plan, SPECS, store, plan.top, AS_OF, "en")
    asked: list[str] = []
    looked: list[str] = []
    collected_for, key_results_for = progress.collected_for, progress.key_results_for
    monkeypatch.setattr(
        progress,
        "collected_for",
        lambda metric, specs: asked.append(metric) or collected_for(metric, specs),
    )
    monkeypatch.setattr(
        progress,
        "key_results_for",
        lambda plan, subject: looked.append(subject) or key_results_for(plan, subject),
    )
    report = build_report(plan, SPECS, store, plan.top, AS_OF, "en")
    assert report == expected
    assert sorted(m.id for m in report.members) == ["b1", "b2", "b3"]
    # Once an engine: the report's, and the one a period earlier.
    assert asked and max(asked.count(metric) for metric in asked) <= 2, sorted(asked)
    assert not [subject for subject in looked if subject in plan.people_by_id]


def test_trends_read_aside_are_the_trends_read_in_turn_and_bring_their_errors(
    any_firm: tuple[Store, Plan],
) -> None:
    store, plan = any_firm
    columns = {"aum": ("value",), "win": ("numerator", "denominator")}
    everyone = subjects_under(plan, plan.top)
    answer = store.series_of_metrics_aside(columns, everyone, AS_OF, Grain.WEEK, since=START,
                                           everyone=True)  # fmt: skip
    # This connection goes on reading meanwhile.
    assert store.sums_for_all(AS_OF, Grain.WEEK, since=START)
    in_turn = store.series_of_metrics(columns, everyone, AS_OF, Grain.WEEK, since=START)
    assert answer() == in_turn and in_turn["aum"]["value"]
    broken = store.series_of_metrics_aside({"aum": ("no such column",)}, everyone, AS_OF,
                                           Grain.WEEK, everyone=True)  # fmt: skip
    with pytest.raises(KeyError):
        broken()


def test_the_ids_under_a_unit_are_its_units_then_their_people_in_one_walk_of_the_tree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan = firm_plan()
    branch_people = [p.id for p in plan.people_under(BRANCH)]
    walks: list[str] = []
    subtree = Plan.subtree

    def walked(self: Plan, unit_id: str) -> Iterator[OrgUnit]:
        walks.append(unit_id)
        return subtree(self, unit_id)

    monkeypatch.setattr(Plan, "subtree", walked)
    under = subjects_under(plan, BRANCH)
    # The branch, its teams, then each team's people, as Plan.people_under lists them;
    # the tree walked once from the branch (a firm's report lists everyone under its top
    # for each of its engines and alerts).
    teams = [f"{BRANCH}t1", f"{BRANCH}t2"]
    assert under == [BRANCH, *teams, *branch_people]
    assert walks == [BRANCH, *teams]  # each unit visited once
    assert subjects_under(plan, "b1t1p1") == ["b1t1p1"]
