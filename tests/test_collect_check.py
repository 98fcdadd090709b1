"""A batch of emitted figures is checked with a few comparisons per row; whatever that
quick check does not accept is checked one figure at a time, as before, so every row
is kept or refused exactly as the full check decides, with the same words."""

from __future__ import annotations

import datetime as dt
import math
import sys
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from backends import Backend
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.periods import Grain, periods_between
from okrdesk.plugins import spool as spool_module
from okrdesk.plugins.emit_checks import Checker
from okrdesk.plugins.emit_relay import Unsendable, many_columns
from okrdesk.plugins.spool import SpooledRow
from okrdesk.units import UNITS

START = dt.date(2026, 1, 5)

SPECS = {
    "flow": MetricSpec("flow", "Net flow", "净流入", MetricKind.FLOW, UNITS["元"]),
    "clients": MetricSpec("clients", "Clients", "客户数", MetricKind.STOCK, UNITS["户"]),
    "rate": MetricSpec("rate", "Conversion", "转化率", MetricKind.RATIO, UNITS["%"]),
    "by_tier": MetricSpec(
        "by_tier", "AUM", "资产", MetricKind.STOCK, UNITS["元"], dimensions=("tier",)
    ),
}

BIG = sys.float_info.max


def _rows() -> list[tuple[Any, ...]]:
    """Figures a plugin might emit, sound and not, in every metric's kind."""
    numbers: list[Any] = [0, 1, -1, 2.5, -0.0, 0.0, -2.5, BIG, -BIG, 10**400, -(10**400),
                          math.inf, -math.inf, math.nan, True, False, None, "7",
                          Unsendable("Decimal")]  # fmt: skip
    rows: list[tuple[Any, ...]] = []
    for metric in ("flow", "clients", "by_tier"):
        for value in numbers:
            rows.append((metric, "cm1", "W1", value, None, None, f"v {value!r}", None))
        rows.append((metric, "cm1", "W1", 1, 1, None, "both", None))
        rows.append((metric, "cm1", "W1", 1, None, None, "twice", None))
        rows.append((metric, "cm1", "W1", None, None, 2, "denominator only", None))
    for numerator in numbers:
        for denominator in numbers:
            rows.append(("rate", "cm1", "W1", None, numerator, denominator, "r", None))
    rows += [
        ("rate", "cm1", "W1", 0.5, None, None, "value of a ratio", None),
        ("flow", "nobody", "W1", 1, None, None, "who", None),
        ("flow", "cm1", "Q9", 1, None, None, "when", None),
        ("elsewhere", "cm1", "W1", 1, None, None, "not asked", None),
        ("flow", "cm2", "W1", 1, None, None, "x" * 2500, None),
        ("flow", "cm2", "M2", 1, None, None, 17, None),
        ("flow", "cm1", "M2", 1, None, None, "empty dimensions", {}),
        ("flow", "cm3", "M2", 1, None, None, "undeclared dimension", {"tier": "hnw"}),
        ("by_tier", "cm1", "M2", 1, None, None, "a slice", {"tier": "hnw"}),
        ("by_tier", "cm1", "M2", 2, None, None, "another", {"tier": "mass"}),
        ("by_tier", "cm2", "M2", 2, None, None, "not a mapping", ["tier"]),
        ("by_tier", "cm2", "M2", 2, None, None, "bad value", {"tier": "a;b"}),
        ("by_tier", "cm3", "M2", 2, None, None, "blank value", {"tier": " "}),
        ("by_tier", "cm3", "M2", 2, None, None, "control", {"tier": "a\nb"}),
        ("by_tier", "cm3", "M2", 2, None, None, "a number", {"tier": 3}),
        ("by_tier", "cm3", "M2", 2, None, None, "missing", {"product": "x"}),
        ("by_tier", "cm3", "M2", 2, None, None, "extra", {"tier": "x", "product": "y"}),
        ("by_tier", "cm3", "M2", -2, None, None, "negative", {"tier": "mass"}),
        ("by_tier", "cm3", "M2", math.nan, None, None, "nan", {"tier": "hnw"}),
        ("by_tier", "cm3", "M2", 5, None, None, "one of two", {"tier": "hnw"}),
        ("by_tier", "cm3", "M2", 5, None, None, "twice", {"tier": "hnw"}),
    ]
    # A period of its own for each (but the figures emitted twice), so each is kept or
    # refused on its own merits.
    return [(m, s, f"W{n}" if p == "W1" else p, *rest)
            for n, (m, s, p, *rest) in enumerate(rows)]  # fmt: skip


def _checker() -> Checker:
    periods = frozenset(f"W{n}" for n in range(len(_rows()))) | {"M2"}
    return Checker("p", SPECS, frozenset({"cm1", "cm2", "cm3"}), periods)


def _outcome(checker: Checker) -> tuple[Any, ...]:
    errors = checker.results()
    return (
        [tuple(map(repr, row)) for row in checker.spool.rows()],
        checker.problems,
        checker.refused,
        [str(e) for e in errors],
    )


def test_a_batch_keeps_and_refuses_what_the_full_check_of_each_figure_does() -> None:
    rows = _rows()
    batch, one_by_one = _checker(), _checker()
    batch.take(rows)
    for metric, subject, period, value, numerator, denominator, source, cut in rows:
        one_by_one._check_one(metric, subject, period, value, numerator, denominator, source,
                              cut)  # fmt: skip
    assert _outcome(batch) == _outcome(one_by_one)
    kept = {(row[0], row[7]) for row in batch.spool.rows()}
    assert {
        ("flow", "v 0"),
        ("flow", "v 2.5"),
        ("clients", "v -0.0"),
        ("flow", "v -1"),
        ("flow", "empty dimensions"),
        ("by_tier", "a slice"),
        ("rate", "r"),
    } <= kept
    assert ("clients", "v -1") not in kept
    assert batch.refused["rate"] > 0 and batch.refused["elsewhere"] == 1


def test_a_figure_emitted_one_call_at_a_time_is_checked_the_same_way() -> None:
    rows = _rows()
    batch, called = _checker(), _checker()
    batch.take(rows)
    for metric, subject, period, value, numerator, denominator, source, cut in rows:
        called(metric, subject, period, value=value, numerator=numerator,
               denominator=denominator, source=source, dimensions=cut)  # fmt: skip
    assert _outcome(batch) == _outcome(called)


def _runs_of_one_metric(rows: list[tuple[Any, ...]]) -> list[list[tuple[Any, ...]]]:
    """The rows cut where the metric changes: each run one ``emit.many`` call, so that
    the figures arrive in the order they would one at a time."""
    runs: list[list[tuple[Any, ...]]] = []
    for row in rows:
        if runs and runs[-1][0][0] == row[0]:
            runs[-1].append(row)
        else:
            runs.append([row])
    return runs


def _many(checker: Checker, run: list[tuple[Any, ...]], *, cuts: bool = True) -> None:
    metric = run[0][0]
    _, subjects, periods, values, numerators, denominators, sources, dimensions = zip(
        *run, strict=True
    )
    checker.many(
        metric, subjects, periods, values=values, numerators=numerators,
        denominators=denominators, sources=sources, dimensions=dimensions if cuts else None,
    )  # fmt: skip


def test_emit_many_keeps_and_refuses_what_one_emit_per_figure_does() -> None:
    rows = _rows()
    many, called = _checker(), _checker()
    for run in _runs_of_one_metric(rows):
        _many(many, run)
    for metric, subject, period, value, numerator, denominator, source, cut in rows:
        called(metric, subject, period, value=value, numerator=numerator,
               denominator=denominator, source=source, dimensions=cut)  # fmt: skip
    assert _outcome(many) == _outcome(called)
    assert many.refused["rate"] > 0 and many.refused["elsewhere"] == 1


def test_emit_many_of_plainly_sound_figures_keeps_each_as_one_emit_would() -> None:
    whole = [
        ("flow", "cm1", "W1", 2.5, None, None, "f 1", None),
        ("flow", "cm2", "W1", -1, None, None, "f 2", None),
        ("flow", "cm3", "W2", 0, None, None, "", None),
    ]
    ratios = [
        ("rate", "cm1", "W1", None, 3, 4, "r 1", None),
        ("rate", "cm2", "W2", None, 0, 0, "r 2", None),
    ]
    hnw = {"tier": "hnw"}  # one object for many figures, as a plugin keeps a slice's
    sliced = [
        ("by_tier", "cm1", "W1", 7.5, None, None, "t 1", hnw),
        ("by_tier", "cm1", "W1", 9.0, None, None, "t 2", None),
        ("by_tier", "cm2", "W1", 1.0, None, None, "t 3", hnw),
        ("by_tier", "cm2", "W2", 2.0, None, None, "t 4", {"tier": "mass"}),
    ]
    for rows in (whole, ratios, sliced):
        many, called = _checker(), _checker()
        columns = many_columns(*zip(*(row[1:] for row in rows), strict=True))
        assert many._took_plainly(rows[0][0], columns)  # not figure by figure
        for metric, subject, period, value, numerator, denominator, source, cut in rows:
            called(metric, subject, period, value=value, numerator=numerator,
                   denominator=denominator, source=source, dimensions=cut)  # fmt: skip
        assert _outcome(many) == _outcome(called)
        assert len(list(many.spool.rows())) == len(rows) and not many.refused
    # One slice that is not plain: the whole call is checked figure by figure.
    odd = [*sliced, ("by_tier", "cm3", "W1", 1.0, None, None, "t 5", {"tier": " "})]
    many, called = _checker(), _checker()
    assert not many._took_plainly("by_tier", many_columns(*zip(*(r[1:] for r in odd), strict=True)))
    _many(many, odd)
    for metric, subject, period, value, numerator, denominator, source, cut in odd:
        called(metric, subject, period, value=value, numerator=numerator,
               denominator=denominator, source=source, dimensions=cut)  # fmt: skip
    assert _outcome(many) == _outcome(called) and many.refused == {"by_tier": 1}


def test_zeros_worded_as_before_no_rows_are_marked_without_checking_each_figure() -> None:
    """A plugin written before ``no_rows`` words its zeros ``no row of FILE counts, so 0``:
    its ``emit.many`` of a firm's figures is taken at once, each such zero of a flow's
    whole figure marked as one for no rows, as one emit per figure marks it; it was
    checked a figure at a time, all of it, for the words of one zero."""
    worded = "no row of salons.csv counts, so 0; roster.csv rows 2-4"
    sql = "SQL metric flow: no rows, so none (no_rows_means_zero)"
    calls = [
        [("flow", "cm1", "W1", 0, None, None, worded, None),
         ("flow", "cm2", "W1", 3, None, None, "salons.csv row 2", None),
         ("flow", "cm3", "W1", 0, None, None, sql, None),
         ("flow", "cm1", "W2", 0, None, None, "SQL metric other: no rows, so none "
          "(no_rows_means_zero)", None),
         ("flow", "cm2", "W2", 0, None, None, "salons.csv row 5", None)],
        [("clients", "cm1", "W1", 0, None, None, worded, None)],  # a stock's 0 is a count
        [("by_tier", "cm1", "W1", 0, None, None, worded, {"tier": "hnw"})],  # a slice's
    ]  # fmt: skip
    for rows in calls:
        many, called = _checker(), _checker()
        columns = many_columns(*zip(*(row[1:] for row in rows), strict=True))
        assert many._took_plainly(rows[0][0], columns)  # not figure by figure
        for metric, subject, period, value, numerator, denominator, source, cut in rows:
            called(metric, subject, period, value=value, numerator=numerator,
                   denominator=denominator, source=source, dimensions=cut)  # fmt: skip
        assert _outcome(many) == _outcome(called) and not many.refused
    marked = {(row[1], row[2]) for row in called_rows(calls[0]) if row[8]}
    assert marked == {("cm1", "W1"), ("cm3", "W1")}


def called_rows(rows: list[tuple[Any, ...]]) -> list[SpooledRow]:
    """What one emit per figure of ``rows`` spools."""
    called = _checker()
    for metric, subject, period, value, numerator, denominator, source, cut in rows:
        called(metric, subject, period, value=value, numerator=numerator,
               denominator=denominator, source=source, dimensions=cut)  # fmt: skip
    return list(called.spool.rows())


def test_emit_many_refuses_a_figure_given_twice_across_calls() -> None:
    checker = _checker()
    checker.many("flow", ["cm1", "cm2"], ["W1", "W1"], values=[1.0, 2.0])
    checker.many("flow", ["cm2"], ["W1"], values=[3.0])
    errors = [str(e) for e in checker.results()]
    assert errors == [
        "plugin p metric flow: cm2 W1: emitted twice (1 problem; none of its figures stored)"
    ]


def test_emit_many_with_columns_of_different_lengths_is_the_plugins_error() -> None:
    checker = _checker()
    try:
        checker.many("flow", ["cm1", "cm2"], ["W1", "W1"], values=[1.0])
    except ValueError as error:
        assert str(error) == "emit.many: values holds 1 items, subjects 2"
    else:
        raise AssertionError("columns of different lengths were taken")
    assert not list(checker.spool.rows())


def test_a_finished_metric_with_a_figure_emitted_twice_keeps_nothing_of_it(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its figures already in the spool's file (each bucket read once, found twice as it
    is stored): refused, and the store's transaction keeps none of it; a sound metric
    finished beside it is stored."""
    monkeypatch.setattr(spool_module, "_IN_MEMORY", 0)
    monkeypatch.setattr(spool_module, "_CHUNK", 2)
    periods = list(periods_between(START, START + dt.timedelta(27), Grain.WEEK))
    weeks = [period.id for period in periods]
    with backend.open(backend.workspace()) as store:
        run = store.start_run("collect", None)

        def keep(sound: Mapping[str, str], rows: Iterator[SpooledRow]) -> int:
            return store.replace_rows(run, sound, periods, rows)

        checker = Checker("p", SPECS, frozenset({"cm1", "cm2", "cm3"}), frozenset(weeks),
                           keep=keep, home=threading.get_ident())  # fmt: skip
        for metric in ("flow", "clients"):
            for week in weeks:
                for person in ("cm1", "cm2", "cm3"):
                    checker(metric, person, week, value=1.0, source="crm.csv")
        checker("flow", "cm2", weeks[2], value=5.0, source="again")
        checker.finished("flow")
        checker.finished("clients")
        errors = [str(e) for e in checker.results()]
        stored = store.query("SELECT metric, count(*) FROM observations GROUP BY metric")
    assert stored == [("clients", 12)]
    assert checker.kept == {"clients": "p"} and checker.stored == 12
    assert errors == [
        f"plugin p metric flow: cm2 {weeks[2]}: emitted twice "
        "(1 problem; none of its figures stored)"
    ]


def test_a_refused_figure_is_told_in_the_readers_language() -> None:
    """A figure for someone the plan does not know (a new hire missing from the target
    files, say) is refused in both languages; the source it came from is cited as given."""
    checker = _checker()
    checker("flow", "cm99", "W0", value=5.0, source="crm.csv row 7")
    checker("flow", "cm99", "W1", value=6.0)
    (error,) = checker.results()
    assert error.said("en") == (
        "cm99 W0: no person or unit 'cm99' in the plan (from crm.csv row 7) (and 1 more like "
        "it: W1) (2 problems; none of its figures stored)"
    )
    assert error.said("zh") == (
        "cm99 W0：计划里没有人员或单位 'cm99'（来自 crm.csv 第 7 行）（另有 1 个同样的问题：W1）"
        "（共 2 个问题，均未入库）"
    )


def test_a_negative_count_is_refused_in_the_readers_language() -> None:
    checker = _checker()
    checker("clients", "cm1", "W0", value=-3.0, source="crm.csv row 9")
    (error,) = checker.results()
    assert error.said("en") == (
        "cm1 W0: a count cannot be negative (-3) (from crm.csv row 9) "
        "(1 problem; none of its figures stored)"
    )
    assert (
        error.said("zh")
        == "cm1 W0：计数不能为负（-3）（来自 crm.csv 第 9 行）（共 1 个问题，均未入库）"
    )
