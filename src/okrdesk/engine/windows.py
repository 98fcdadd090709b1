"""To-date and trailing windows, and period-over-period comparisons (环比, 同比).

A window is a run of the plan's periods (its grain) that ends with the period
holding the date, as far as it was collected:

- ``wtd``, ``mtd``, ``qtd``, ``ytd``: the periods of the current week, month,
  quarter or year so far;
- ``last_N_weeks``, ``last_N_months``: the current week or month and the
  N − 1 before it.

A week belongs to the month and quarter that hold its Thursday (the rule ISO
8601 uses for years), so a week is never counted twice; weeks are cut at the
year's edge (``periods.week_of``), so each belongs to the year of its days.

Comparisons read the same metric over an earlier run of periods:

- ``last_year`` (同比): the same periods a year before (2025-12 for 2026-12,
  2025-W01 for 2026-W01; a week, the week as far into its year, ``year_before``:
  2026-W01 for 2027-W00);
- ``previous`` (环比): the window one step earlier: the month before for
  ``mtd``, the N weeks before for ``last_N_weeks``; a to-date window takes as
  many of the earlier periods as it has so far, so like is compared with like
  but for the days of a period in progress (below).

A flow's figure adds up days: one over fewer days than the figure it is compared
with (a week in progress; a week cut at the year's edge: 2026-W53 is 28 to 31
December, 2025-W53 29 to 31 December; a plan's first or last week, which a
collect asks for cut at the plan's first and last day) is no like-for-like
comparison, and the comparison carries both counts of days for the report to
say so.

Earlier figures come from the store, else from the plan's ``[[baselines]]``
(last year's figures typed in), period by period. A change is relative for
amounts and counts (+23.6%) and in points for rates (+1.2 百分点); with no
earlier figure, or one that is zero or negative, there is no percentage and
the comparison says why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from enum import StrEnum

import attrs

from okrdesk.engine.rollup import subjects_under
from okrdesk.model import MetricKind, MetricSpec, OverTime, Plan
from okrdesk.periods import (
    Grain,
    Over,
    Period,
    Span,
    Window,
    home_day,
    month_of,
    parse_period,
    periods_between,
    quarter_of,
)
from okrdesk.periods import week_of as iso_week_of
from okrdesk.store.reader import StoreReader

# ------------------------------------------------------------- periods of a window


def _period(grain: Grain, day: dt.date) -> Period:
    return {Grain.WEEK: iso_week_of, Grain.MONTH: month_of, Grain.QUARTER: quarter_of}[grain](day)


def _span_of(span: Span, day: dt.date) -> tuple[dt.date, dt.date]:
    if span is Span.YEAR:
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    if span is Span.WEEK:
        week = iso_week_of(day)
        return week.start, week.end
    chosen = month_of(day) if span is Span.MONTH else quarter_of(day)
    return chosen.start, chosen.end


def _spans_back(span: Span, day: dt.date, count: int) -> tuple[dt.date, dt.date]:
    """The first and last day of ``count`` spans ending with the one holding ``day``.
    Weeks before the current one are counted whole, seven days each: the last 4 weeks
    on 2 January 2026 reach back to 8 December, across 2025-W53 and 2026-W01, the two
    parts of one ISO week."""
    first, last = _span_of(span, day)
    if span is Span.WEEK and count > 1:
        return day - dt.timedelta(days=day.weekday() + 7 * (count - 1)), last
    for _ in range(count - 1):
        first, _end = _span_of(span, first - dt.timedelta(days=1))
    return first, last


def periods_homed(first: dt.date, last: dt.date, grain: Grain) -> list[Period]:
    """The periods of ``grain`` whose home day lies between ``first`` and ``last``."""
    found = periods_between(first - dt.timedelta(days=6), last + dt.timedelta(days=6), grain)
    return [p for p in found if first <= home_day(p, grain) <= last]


@attrs.frozen
class PeriodRun:
    """The periods a window covers, oldest first, and the days of its spans."""

    periods: tuple[Period, ...]
    first: dt.date
    last: dt.date

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.periods)


def window_run(
    window: Window,
    as_of: dt.date,
    grain: Grain,
    through: dt.date | None = None,
    opens: dt.date | None = None,
) -> PeriodRun:
    """The periods of ``window`` at ``as_of``: through the one holding the date, or with
    ``through`` (the day the figures count through, ``figures_through``) through the last
    one started by then; the spans are those ``_anchor`` gives. ``opens``: the plan's
    first day, on which its first period, stored cut there, starts (2026-W01 on 1
    January, not 29 December: figures through 31 December count none of it)."""
    first, last = _spans_back(window.span, _anchor(window.span, as_of, grain), window.count)
    day = as_of if through is None else min(as_of, through)
    periods = [
        p for p in periods_homed(first, last, grain) if max(p.start, opens or p.start) <= day
    ]
    return PeriodRun(tuple(periods), first, last)


def whole_run(window: Window, as_of: dt.date, grain: Grain) -> PeriodRun:
    """Every period of the spans ``window`` is in at ``as_of``, to their end: what a
    growth target is set on (the whole year for ``ytd``); the same spans as
    ``window_run``'s."""
    first, last = _spans_back(window.span, _anchor(window.span, as_of, grain), window.count)
    return PeriodRun(tuple(periods_homed(first, last, grain)), first, last)


def _anchor(span: Span, as_of: dt.date, grain: Grain) -> dt.date:
    """The day whose spans a window covers: that of the period holding ``as_of`` (its
    home day), unless that period belongs to a later span than the date's own. On
    Tuesday 31 March the week holding it belongs to April (by its Thursday) and counts
    not at all, whether stored whole or through the day: the quarter to date is the
    first quarter, whole, not the second's first two days; on 15 April, March counted
    last, it is the second quarter's, empty so far; on Sunday 3 May, a week of April's,
    April's."""
    home = home_day(_period(grain, as_of), grain)
    if home > as_of and _span_of(span, home) != _span_of(span, as_of):
        return as_of
    return home


def span_named(window: Window, run: PeriodRun, as_of: dt.date) -> str | None:
    """The span a to-date window covers, named (2026-Q1, 2026-03, 2026-W13, 2026), when
    it is not the one holding ``as_of``: "本季至今" on 1 April is the first quarter's."""
    if not window.to_date or run.first <= as_of <= run.last:
        return None
    if window.span is Span.YEAR:
        return str(run.first.year)
    if window.span is Span.QUARTER:
        return quarter_of(run.first).id
    return month_of(run.first).id if window.span is Span.MONTH else iso_week_of(run.first).id


def year_before(period_id: str) -> str | None:
    """The period a year before ``period_id`` (None where that year has none): the same
    month or quarter; for a week, the week as far into its year. A year's weeks start
    with its week 00 where 1 January is in the last year's ISO week (2027-W00, 1 to 3
    January), else with its week 01, so 2027-W00 is to 2026 its first week, 2026-W01
    (1 to 4 January), and 2027-W52 its last, 2026-W53: each of the year's weeks against
    one of the last year's, none left out of a year to date."""
    year, rest = int(period_id[:4]), period_id[4:]
    if rest.startswith("-W"):
        number = int(rest[2:]) - _first_week(year) + _first_week(year - 1)
        rest = f"-W{number:02d}"
    earlier = f"{year - 1:04d}{rest}"
    try:
        parse_period(earlier)
    except ValueError:
        return None  # a week 00 or 53 a year before that had none
    return earlier


def _first_week(year: int) -> int:
    """0 where the year's weeks start with a week 00, else 1."""
    return 0 if iso_week_of(dt.date(year, 1, 1)).id.endswith("W00") else 1


def earlier_run(window: Window, run: PeriodRun, over: Over, grain: Grain) -> PeriodRun:
    """The periods ``run`` is compared with."""
    if over is Over.LAST_YEAR:
        ids = [i for p in run.periods if (i := year_before(p.id)) is not None]
        return PeriodRun(
            tuple(parse_period(i) for i in ids), _years_back(run.first), _years_back(run.last)
        )
    first, last = _spans_back(window.span, run.first - dt.timedelta(days=1), window.count)
    periods = periods_homed(first, last, grain)
    if window.to_date:
        periods = periods[: len(run.periods)]
    return PeriodRun(tuple(periods), first, last)


def run_days(
    run: PeriodRun,
    plan: Plan,
    through: dt.date | None = None,
    stored: Mapping[str, tuple[dt.date, dt.date]] | None = None,
) -> int:
    """The days the periods of ``run`` hold as stored: each one that overlaps the plan
    cut to the plan's days (a collect asks for the plan's first and last weeks so),
    one of an earlier year over the days ``stored`` says it was (last year's plan cut
    its first week so too: 2025-W01 from 1 January, 5 days, not 7), and none after
    ``through``, the day the figures run through (a period in progress holds its days
    so far)."""
    days = 0
    for period in run.periods:
        first, last = period.start, period.end
        if last >= plan.start and first <= plan.end:
            first, last = max(first, plan.start), min(last, plan.end)
        elif stored is not None and period.id in stored:
            first, last = stored[period.id]
        if through is not None:
            last = min(last, through)
        days += max(0, (last - first).days + 1)
    return days


def _years_back(day: dt.date) -> dt.date:
    return day.replace(year=day.year - 1, day=min(day.day, 28 if day.month == 2 else day.day))


# ---------------------------------------------------------------- figures


@attrs.frozen
class WindowFigure:
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    periods: tuple[str, ...] = ()
    """The periods asked for, oldest first."""
    found: int = 0
    """How many of them had a figure."""
    from_baselines: int = 0
    """How many of those came from the plan's [[baselines]], not the store."""
    values: tuple[tuple[str, float], ...] = ()
    """Each period's own value (for amounts and counts), oldest first: a flow's trend."""
    unknown: int = 0
    """How many of the earlier periods asked for no collect of the metric reached (they
    end before the first period of it the store holds at the plan's grain) and no
    baseline types in: a figure of the rest alone is no figure of them all (a store
    started in July, against a year)."""


Totals = Mapping[str, tuple[float | None, float | None, float | None, int]]


def _combine(spec: MetricSpec, ids: Sequence[str], totals: Totals) -> WindowFigure:
    """The figure of the periods ``ids`` by the metric's kind: a flow summed, a stock's
    latest level, a ratio's parts carried as the metric says, then divided."""
    present = [i for i in ids if i in totals]
    if not present:
        return WindowFigure(None, periods=tuple(ids))

    def carried(column: int, over: OverTime) -> float | None:
        numbers = [totals[i][column] for i in present if totals[i][column] is not None]
        if not numbers:
            return None
        if over is OverTime.LAST:
            return numbers[-1]
        if over is OverTime.FIRST:
            return numbers[0]
        return float(sum(n or 0.0 for n in numbers))

    found = len(present)
    if spec.kind is MetricKind.RATIO:
        numerator = carried(1, spec.numerator_over_time)
        denominator = carried(2, spec.denominator_over_time)
        value = (numerator or 0.0) / denominator if denominator else None
        return WindowFigure(value, numerator, denominator, tuple(ids), found)
    over = OverTime.LAST if spec.kind is MetricKind.STOCK else OverTime.SUM
    values = tuple((i, v) for i in present if (v := totals[i][0]) is not None)
    return WindowFigure(carried(0, over), periods=tuple(ids), found=found, values=values)


def window_figure(
    plan: Plan,
    store: StoreReader,
    spec: MetricSpec,
    subject: str,
    run: PeriodRun,
    *,
    baselines: bool = False,
    read_through: dt.date | None = None,
) -> WindowFigure:
    """``spec`` at ``subject`` (and everyone under it) over the periods of ``run``,
    in one read. With ``baselines``, a period the store has nothing for takes the
    subject's figure from the plan's [[baselines]], when it has one. ``read_through``:
    the day a flow's collects read its sources through (``latest_end``); a period of
    the plan they read with no row in it is a 0, as the key result's own figure counts
    it (a week without a new HNW client), not a figure missing."""
    ids = run.ids
    totals: dict[str, tuple[float | None, float | None, float | None, int]] = dict(
        store.period_totals(spec.name, subjects_under(plan, subject), ids) if ids else {}
    )
    typed = plan.baselines.get((spec.name, subject), {}) if baselines else {}
    filled = 0
    for period in ids:
        if period not in totals and period in typed:
            totals[period] = (float(typed[period]), None, None, 1)
            filled += 1
    if read_through is not None and spec.kind is MetricKind.FLOW:
        for p in run.periods:
            if p.id not in totals and p.end >= plan.start and p.start <= read_through:
                totals[p.id] = (0.0, None, None, 0)
    unknown = 0
    if baselines and len(totals) < len(ids):
        # A period typed in stands for itself alone: one before the metric's collects
        # reached and typed in nowhere is unknown, whatever else is typed.
        reached = store.first_period_start(spec.name, plan.grain)
        unknown = sum(p.id not in totals and (reached is None or p.end < reached)
                      for p in run.periods)  # fmt: skip
    return attrs.evolve(_combine(spec, ids, totals), from_baselines=filled, unknown=unknown)


# ---------------------------------------------------------------- comparisons


class NoChange(StrEnum):
    """Why a comparison has no percentage."""

    NO_DATA = "no_data"
    """No figure now."""
    NO_EARLIER = "no_earlier"
    """No stored history and no baseline for the earlier periods."""
    EARLIER_ZERO = "earlier_zero"
    EARLIER_NEGATIVE = "earlier_negative"
    EARLIER_PART = "earlier_part"
    """Some earlier periods were never collected and have no baseline (``unknown``)."""


@attrs.frozen
class Comparison:
    over: Over
    earlier: WindowFigure
    change: float | None
    """Relative (0.236 for +23.6%) for amounts and counts; the difference in the
    fraction (0.012 for +1.2 百分点) for rates; None with ``why``."""
    points: bool
    why: NoChange | None = None
    difference: float | None = None
    """Now minus then, in base units, wherever both exist."""
    days: tuple[int, int] | None = None
    """A flow's days now and then, where they differ: no like-for-like comparison."""


def compare(spec: MetricSpec, now: WindowFigure, earlier: WindowFigure, over: Over) -> Comparison:
    points = spec.kind is MetricKind.RATIO
    if now.value is None:
        return Comparison(over, earlier, None, points, NoChange.NO_DATA)
    if earlier.value is None:
        return Comparison(over, earlier, None, points, NoChange.NO_EARLIER)
    if earlier.unknown:
        return Comparison(over, earlier, None, points, NoChange.EARLIER_PART)
    difference = now.value - earlier.value
    if points:
        return Comparison(over, earlier, difference, True, difference=difference)
    if earlier.value == 0:
        return Comparison(over, earlier, None, False, NoChange.EARLIER_ZERO, difference)
    if earlier.value < 0:
        return Comparison(over, earlier, None, False, NoChange.EARLIER_NEGATIVE, difference)
    return Comparison(over, earlier, difference / earlier.value, False, difference=difference)


@attrs.frozen
class WindowView:
    """A key result's window and its comparisons, for the report."""

    window: Window
    now: WindowFigure
    comparisons: tuple[Comparison, ...]
    span: str | None = None
    """The span a to-date window covers when not the date's own (``span_named``)."""


def window_view(
    plan: Plan,
    store: StoreReader,
    spec: MetricSpec,
    subject: str,
    as_of: dt.date,
    window: Window,
    overs: Sequence[Over],
    through: dt.date | None = None,
    read_through: dt.date | None = None,
) -> WindowView:
    """The figure of ``window`` at ``as_of`` and each comparison asked for; ``through``:
    the day the figures count through, where it is before ``as_of``; ``read_through``:
    as far as a flow's collects read its sources (``window_figure``)."""
    run = window_run(window, as_of, plan.grain, through, plan.start)
    now = window_figure(plan, store, spec, subject, run, read_through=read_through)
    days = run_days(run, plan, as_of if through is None else min(as_of, through))
    comparisons = []
    for over in overs:
        before = earlier_run(window, run, over, plan.grain)
        earlier = window_figure(plan, store, spec, subject, before, baselines=True,
                                read_through=read_through)  # fmt: skip
        comparison = compare(spec, now, earlier, over)
        then = run_days(before, plan, stored=store.period_spans(spec.name, before.ids))
        if spec.kind is MetricKind.FLOW and comparison.difference is not None and then != days:
            comparison = attrs.evolve(comparison, days=(days, then))
        comparisons.append(comparison)
    return WindowView(window, now, tuple(comparisons), span_named(window, run, as_of))
