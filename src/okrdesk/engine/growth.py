"""A growth target: "revenue +18% 同比" as a key result.

The target is the window's figure a year before (the whole of last year for
``ytd``, the default) × (1 + growth). What is due by the date is last
year's figure over the same periods so far × (1 + growth): the target
pro-rated the way the flow ran last year, so a season that is always slow is
not judged behind. Attainment is actual / target, as for any goal from 0. Past its target before
its window's last day, a rate, a level or a net flow is ahead, not met, as any
key result on such a figure is (``pace.Status.AHEAD``). On that day
(``growth_closes``) the target closes, met or missed, though the plan runs on.
Where last year has no figure (or a zero or negative one) there is no target,
and the key result says so instead of inventing a percentage.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from okrdesk.engine.forecast import Forecast, linear_forecast
from okrdesk.engine.pace import Status, attainment, judge_on
from okrdesk.engine.rollup import Figure
from okrdesk.engine.tree_targets import TargetAt, owner_of
from okrdesk.engine.windows import (
    PeriodRun,
    WindowFigure,
    earlier_run,
    whole_run,
    window_figure,
    window_run,
    year_before,
)
from okrdesk.model import KeyResult, MetricKind
from okrdesk.periods import Over, parse_period, parse_window

if TYPE_CHECKING:
    from okrdesk.engine.progress import Engine, KeyResultProgress

GROWTH_WINDOW = "ytd"


@attrs.frozen
class GrowthBasis:
    """What a growth target stands on at a date: the window's figure so far, the
    same periods a year before, and the whole window a year before."""

    window: str
    factor: float
    """1 + growth."""
    whole: PeriodRun
    now: WindowFigure
    then: WindowFigure
    """Last year's figure over the periods so far: × factor is what is due."""
    year: WindowFigure
    """Last year's figure over the whole window: × factor is the target."""
    part: tuple[str, int, int] | None = None
    """Where this year's figures reach only part of their last period: last year's id of
    it, and the days this year's holds of the days it will hold; ``then`` counts that
    much of last year's."""


def growth_basis(engine: Engine, kr: KeyResult, subject: str) -> GrowthBasis | None:
    """The figures ``kr``'s growth target is set and paced on at its owner; None
    elsewhere, or without its metric or a growth."""
    plan, store = engine.plan, engine.store
    spec = engine.metrics.get(kr.metric or "")
    if spec is None or kr.growth is None or subject != owner_of(plan, kr):
        return None
    window_name = kr.window or GROWTH_WINDOW
    window = parse_window(window_name)
    # Figures are paced on the periods they reach, not on last year's since: out of date,
    # or current but ending before the report's day (read on 27 November, figures through
    # the 20th were paced on last year's week to the 29th, then on the 20th's once old).
    through = engine.figure_day(kr, spec, subject)
    run = window_run(window, engine.as_of, plan.grain, through, plan.start)
    whole = whole_run(window, engine.as_of, plan.grain)
    before = earlier_run(window, run, Over.LAST_YEAR, plan.grain)
    then = window_figure(plan, store, spec, subject, before, baselines=True)
    part = _in_part(run, before, plan.start, plan.end, through)
    if part is not None and then.value is not None:
        # This year's last period so far against as many of its days last year, not the
        # whole of it: on 2 September a monthly plan held 2 days of September to all 30.
        last = dict(then.values).get(part[0], 0.0)
        then = attrs.evolve(then, value=then.value - last + last * part[1] / part[2])
    return GrowthBasis(
        window=window_name,
        factor=1.0 + float(kr.growth),
        whole=whole,
        now=window_figure(plan, store, spec, subject, run),
        then=then,
        year=window_figure(plan, store, spec, subject, base_run(engine, kr), baselines=True),
        part=part,
    )


def base_run(engine: Engine, kr: KeyResult) -> PeriodRun:
    """The periods ``kr``'s growth target is set on at the engine's date: its whole
    window a year before (all of last year for ``ytd``)."""
    window = parse_window(kr.window or GROWTH_WINDOW)
    whole = whole_run(window, engine.as_of, engine.plan.grain)
    return earlier_run(window, whole, Over.LAST_YEAR, engine.plan.grain)


def _in_part(
    run: PeriodRun, before: PeriodRun, start: dt.date, end: dt.date, through: dt.date
) -> tuple[str, int, int] | None:
    """Last year's id of the last period of ``run``, and the days this year's figures
    hold of it (through ``through``) of the days it holds in the plan, where fewer."""
    if (
        not run.periods
        or not before.periods
        or before.periods[-1].id != year_before(run.periods[-1].id)
    ):
        return None
    last = run.periods[-1]
    first, final = max(last.start, start), min(last.end, end)
    if through >= final:
        return None
    return before.periods[-1].id, (through - first).days + 1, (final - first).days + 1


def growth_progress(engine: Engine, kr: KeyResult, subject: str) -> KeyResultProgress | None:
    """``kr`` (with ``growth``) at its owner; None elsewhere or without its metric."""
    from okrdesk.engine.progress import KeyResultProgress, falls_back

    basis = growth_basis(engine, kr, subject)
    spec = engine.metrics.get(kr.metric or "")
    if basis is None or spec is None:
        return None
    now, then, year, whole, factor = basis.now, basis.then, basis.year, basis.whole, basis.factor
    actual = Figure(now.value, now.numerator, now.denominator, now.found)
    if year.value is None or year.value <= 0 or year.unknown:
        # Part of last year never collected: its rest grown 18% is no target of the year.
        return KeyResultProgress(
            key_result=kr, subject=subject, actual=actual, target=TargetAt(None, "growth"),
            due=0.0, expected=0.0, status=Status.NO_DATA, attainment=None,
            forecast=Forecast(None, note="no figure a year before"),
        )  # fmt: skip
    goal = year.value * factor
    expected = (then.value or 0.0) * factor
    # Its window's figure is final on the window's last day: from then on it is met or
    # missed, not paced (nor ahead), though the plan runs on (a quarter's for qtd).
    closes = growth_closes(engine, kr)
    judgement = judge_on(engine.plan, engine.as_of, kr, actual.value, goal, expected, 0.0,
                         falls_back=falls_back(kr, spec), closes=closes)  # fmt: skip
    day = engine.figure_day(kr, spec, subject)  # what its figures speak for, as its due
    trend = _trend(now, day) if spec.kind is MetricKind.FLOW else ()
    # Forecast to the day the target closes, not the span's last day: a quarter whose
    # last week runs past it (2027-W39, to 3 October) counts that week's days too.
    forecast = (
        linear_forecast(list(trend), whole.first, closes, goal, True, day)
        if engine.trends
        else Forecast(None, note="not computed")
    )
    return KeyResultProgress(
        key_result=kr,
        subject=subject,
        actual=actual,
        target=TargetAt(goal, "growth"),
        due=expected / goal,
        expected=expected,
        status=judgement.status,
        attainment=attainment(kr, actual.value, goal, 0.0),
        forecast=forecast,
        margin=judgement.margin,
        pace=judgement.pace,
        trend=trend,
        old_figure=engine.old_figure(kr, spec, subject) if actual.value is not None else None,
        due_on=day if day != engine.through else None,
        closed=closes if engine.as_of >= closes and closes < engine.plan.end else None,
    )


def growth_closes(engine: Engine, kr: KeyResult) -> dt.date:
    """The last day of the window ``kr``'s growth target is set on at the engine's date,
    when its figure is final: the quarter's for ``qtd``, the year's for ``ytd``, or where
    later, that of the window's last period (2027-W39, to 3 October, is the third
    quarter's by its Thursday, the 30th)."""
    whole = whole_run(parse_window(kr.window or GROWTH_WINDOW), engine.as_of, engine.plan.grain)
    return max([whole.last, *(p.end for p in whole.periods[-1:])])


def _trend(now: WindowFigure, as_of: dt.date) -> tuple[tuple[dt.date, float], ...]:
    """The window's figure to date at the end of each of its periods so far."""
    total, points = 0.0, []
    for period, value in now.values:
        total += value
        points.append((min(parse_period(period).end, as_of), total))
    return tuple(points)
