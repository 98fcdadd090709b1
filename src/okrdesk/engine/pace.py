"""What should be done by a date, and whether a key result is on track.

The milestones of a key result are cumulative fractions of the way from its
baseline to its target, due at the end of named phases. Between two
milestones the fraction grows linearly by day; the plan starts at 0 and ends
at 1 (the whole target) unless a milestone says otherwise. With no
milestones at all, the target is due evenly over the plan's days.

Status of a goal compares the progress made with the
progress due by the date, both measured from the baseline:

- on track: at least 95% of what is due;
- at risk: at least 80%;
- off track: less than 80%.

Past its whole target a goal is met; a level (a rate, a stock), which can fall back
below it before its close, is ahead until then.

A goal that goes down ("at most" with a baseline above the target: empty
accounts from 27% to 20%) is judged the same way, downwards. Guardrails
(``guardrail = true``, "within", and "at most" without a baseline above the
target) are limits to hold all along: met or breached, with the margin to
the limit; nothing is pro-rated for them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from itertools import pairwise

import attrs

from okrdesk.model import CalendarPoint, Direction, KeyResult, Milestone, Phase, Plan
from okrdesk.periods import home_day, period_holding
from okrdesk.records import shared_methods

ON_TRACK_AT = 0.95
AT_RISK_AT = 0.80


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    MET = "met"
    AHEAD = "ahead"
    """A goal on a level (a rate, a stock) past its target before its close: it can fall
    back below it by then, so it is not met until its figure is final."""
    MISSED = "missed"
    """A checkpoint whose date has passed without reaching its target."""
    SETTLING = "settling"
    """A checkpoint whose date has passed on a cohort metric still converting: judged met
    or missed once its figures settle (``KeyResultProgress.settles_on``)."""
    BREACHED = "breached"
    NO_DATA = "no_data"


def _day_index(plan: Plan, day: dt.date) -> int:
    """Days of the plan elapsed at the end of ``day`` (the plan's first day is 1)."""
    return (day - plan.start).days + 1


def due_fraction(
    plan: Plan,
    milestones: Sequence[Milestone],
    day: dt.date,
    calendar: Sequence[CalendarPoint] = (),
) -> float:
    """The cumulative share of the target due by the end of ``day``.

    ``calendar`` points (fractions due at the end of months or weeks) add to
    the phase milestones; together they are the curve (``DueCurve``).
    """
    return DueCurve(plan, milestones, calendar).due_by(day)


def key_result_due(plan: Plan, kr: KeyResult, day: dt.date, starts: dt.date | None = None) -> float:
    """``due_fraction`` of ``kr``'s milestones and calendar by ``day``, from a curve made
    once for the plan: a report judges a key result at each of its subjects, now, a
    period earlier and at its checkpoints, and draws what was due. ``starts``: the day
    before which nothing is due (``due_starts``), else the plan's first."""
    curves = plan.due_curves
    key = kr.id if starts is None else f"{kr.id} {starts}"
    curve: DueCurve | None = curves.get(key)
    if curve is None:
        curve = curves[key] = DueCurve(plan, kr.milestones, kr.calendar, starts)
    return curve.due_by(day)


def due_starts(plan: Plan, kr: KeyResult, phase: Phase | None) -> dt.date | None:
    """For a rate's checkpoint of ``phase`` (``phase_of_rate``), read over the phase's own
    periods: the first day of the first of them, from which its way to the target is
    due, where its milestones set nothing due before the phase (``{ Q2 = 1.0 }``): a rate
    of the second quarter's accounts owes nothing in the first. None for any other key
    result, and where an earlier milestone or a calendar says otherwise (``{ Q1 = 0.5,
    Q2 = 1.0 }``)."""
    if phase is None or kr.calendar:
        return None
    ends = plan.phase_ends
    if any(m.fraction > 0 and m.phase in ends and ends[m.phase] < phase.end
           for m in kr.milestones):  # fmt: skip
        return None
    first = phase_first_day(plan, phase)
    return first if first > plan.start else None


class DueCurve:
    """The cumulative share of a target due by each day of the plan: the milestones and
    ``calendar`` points, linear between them. Made once for a key result and asked for
    as many days as a report judges it on."""

    __slots__ = ("_plan", "_points", "_total_days")

    def __init__(
        self,
        plan: Plan,
        milestones: Sequence[Milestone],
        calendar: Sequence[CalendarPoint] = (),
        starts: dt.date | None = None,
    ) -> None:
        ends = plan.phase_ends
        dated = {ends[m.phase]: float(m.fraction) for m in milestones if m.phase in ends}
        dated.update((min(c.end, plan.end), float(c.fraction)) for c in calendar)
        points = [(0, 0.0)]
        if starts is not None and starts > plan.start:  # nothing due before it
            points.append((_day_index(plan, starts - dt.timedelta(days=1)), 0.0))
        points += [(_day_index(plan, end), dated[end]) for end in sorted(dated)]
        total_days = _day_index(plan, plan.end)
        if points[-1][0] < total_days:
            points.append((total_days, 1.0))
        self._plan = plan
        self._points = points
        self._total_days = total_days

    def due_by(self, day: dt.date) -> float:
        """The share due by the end of ``day``."""
        points = self._points
        t = min(max(_day_index(self._plan, day), 0), self._total_days)
        for (t0, f0), (t1, f1) in pairwise(points):
            if t <= t1:
                return f0 if t1 == t0 else f0 + (f1 - f0) * (t - t0) / (t1 - t0)
        return points[-1][1]


def expected_value(kr_baseline: float, target: float, fraction: float) -> float:
    return kr_baseline + (target - kr_baseline) * fraction


@attrs.frozen
@shared_methods
class Judgement:
    status: Status
    margin: float | None = None
    """For guardrails and closed checkpoints: how far inside (positive) or outside
    (negative) the limit or target the actual is."""
    pace: float | None = None
    """For goals: progress made over progress due (1.0 is exactly on pace)."""


def judge(
    kr: KeyResult,
    actual: float | None,
    target: float,
    expected: float,
    baseline: float,
    *,
    can_be_met: bool = True,
    falls_back: bool = False,
) -> Judgement:
    """A goal paced against what is due, or a guardrail held to its limit. ``can_be_met``
    False for a figure that is not yet the one its target is for (a rate's checkpoint of a
    phase, read over the plan to date before the phase has a figure): paced, never met.
    ``falls_back`` for a level (a rate, a stock), which can fall back below its target
    before its close: past it, it is ahead (``Status.AHEAD``), not met, until then."""
    if actual is None or kr.guardrail:
        return _limit(kr, actual, target)
    reached = Status.AHEAD if falls_back else Status.MET
    if kr.sense * (target - baseline) <= 0:
        # Nothing to cover (a member's share of 0): reached, met (a level, ahead), as
        # ``attainment`` and a unit's count of its members that met theirs take it; short
        # of it, behind from the first day, as its attainment of 0 is (a team given none of
        # the branch's net new assets that lost 1亿), with no pace, nothing being due.
        if kr.sense * (actual - target) < 0:
            return Judgement(Status.OFF_TRACK)
        return Judgement(reached if can_be_met else Status.ON_TRACK)
    due = kr.sense * (expected - baseline)
    if due <= 0:
        return Judgement(Status.ON_TRACK, pace=None)
    pace = kr.sense * (actual - baseline) / due
    if can_be_met and kr.sense * (actual - target) >= 0:
        status = reached  # the whole target is reached already, as of this day
    elif pace >= ON_TRACK_AT:
        status = Status.ON_TRACK
    elif pace >= AT_RISK_AT:
        status = Status.AT_RISK
    else:
        status = Status.OFF_TRACK
    return Judgement(status, pace=pace)


def judge_on(
    plan: Plan,
    day: dt.date,
    kr: KeyResult,
    actual: float | None,
    target: float,
    expected: float,
    baseline: float,
    *,
    can_be_met: bool = True,
    falls_back: bool = False,
    closes: dt.date | None = None,
) -> Judgement:
    """``judge`` at the end of ``day``. From the plan's last day on, every goal is due in
    full with no time left to pace: it is met or missed, with the margin to its target,
    as a checkpoint after its date (a report after the plan's end is one on that day).
    ``closes``: an earlier last day of the figure the goal is judged on, from which the
    same holds (a growth target's window's: a quarter's for ``qtd``)."""
    if day >= min(plan.end, closes or plan.end):
        return judge_closed(kr, actual, target)
    return judge(kr, actual, target, expected, baseline, can_be_met=can_be_met,
                 falls_back=falls_back)  # fmt: skip


def judge_closed(kr: KeyResult, actual: float | None, target: float) -> Judgement:
    """A checkpoint after its date: met or missed, by how much."""
    if actual is None or kr.guardrail:
        return _limit(kr, actual, target)
    margin = kr.sense * (actual - target)
    return Judgement(Status.MET if margin >= 0 else Status.MISSED, margin)


def _limit(kr: KeyResult, actual: float | None, target: float) -> Judgement:
    """No data, or a guardrail: met or breached, with the margin."""
    if actual is None:
        return Judgement(Status.NO_DATA)
    margin = guardrail_margin(kr, actual, target)
    return Judgement(Status.MET if margin >= 0 else Status.BREACHED, margin)


def guardrail_margin(kr: KeyResult, actual: float, target: float) -> float:
    if kr.direction is Direction.WITHIN:
        return float(kr.band or 0) - abs(actual - target)
    return kr.sense * (actual - target)


def attainment(kr: KeyResult, actual: float | None, target: float, baseline: float) -> float | None:
    """How far the key result has come, as a fraction (1.087 for 108.7%).

    A goal: (actual − baseline) / (target − baseline), never below 0; with a
    baseline of 0 that is actual / target. A guardrail: 1 when held; when
    breached, "at most" target / actual, "at least" actual / target, "within" 0.
    """
    if actual is None:
        return None
    if kr.guardrail:
        if guardrail_margin(kr, actual, target) >= 0:
            return 1.0
        if kr.direction is Direction.AT_MOST:
            return target / actual if actual > 0 and target > 0 else 0.0
        if kr.direction is Direction.AT_LEAST:
            return max(0.0, actual / target) if target > 0 else 0.0
        return 0.0
    span = target - baseline
    if kr.sense * span <= 0:
        # Nothing to cover (a member's share of 0): reached or not.
        return 1.0 if kr.sense * (actual - target) >= 0 else 0.0
    return max(0.0, (actual - baseline) / span)


def runs_from_baseline(
    direction: str, guardrail: bool, baseline: float, attainment: float | None
) -> bool:
    """Whether an attainment was made from a baseline other than 0, as ``attainment``
    makes a goal's (a guardrail's never is): where the report and ``explain`` say so, for
    76.0% beside 3,380万 of 3,500万 reads as a wrong figure otherwise."""
    return (
        bool(baseline)
        and attainment is not None
        and not guardrail
        and direction in (Direction.AT_LEAST, Direction.AT_MOST)
    )


def closes_on(plan: Plan, kr: KeyResult) -> dt.date | None:
    """The day a checkpoint falls due in full, where that is before the plan's end.

    "180 HNW leads by the end of March" (a milestone of 1.0 at Q1) closes on
    31 March: after that day its result is the one it had then. So does a
    guardrail held for one phase ("Q3: equity client attrition ≤ 1.5%", a
    milestone of 1.0 at Q3): held or breached as it stood on 30 September.
    """
    ends = plan.phase_ends
    days = [ends[m.phase] for m in kr.milestones if m.phase in ends and m.fraction >= 1]
    days += [c.end for c in kr.calendar if c.fraction >= 1]
    closing = min(days, default=None)
    return closing if closing is not None and closing < plan.end else None


def phase_of_rate(plan: Plan, kr: KeyResult) -> Phase | None:
    """The phase whose own rate a rate's checkpoint is, for a key result that closes at
    a phase's end by a milestone (``closes_on``): "Q2 深耕：开户→首购转化率提升到 16%"
    is Q2's conversion, not the year's to 30 June. The caller knows the metric is a
    stored ratio; a flow's checkpoint counts from the plan's start, a stock's is its
    level, and a calendar's date closes no phase."""
    closing = closes_on(plan, kr)
    if closing is None:
        return None
    ends = plan.phase_ends
    closing_phases = {m.phase for m in kr.milestones if m.fraction >= 1 and m.phase in ends}
    return next((p for p in plan.phases if p.id in closing_phases and p.end == closing), None)


def phase_first_day(plan: Plan, phase: Phase) -> dt.date:
    """The first day of the phase's first period at the plan's grain: the period holding
    its first day, unless that one belongs to the phase before (a week by its Thursday,
    as a window counts it: 2026-W14, 30 March to 5 April, is the second quarter's)."""
    first = period_holding(phase.start, plan.grain)
    home = home_day(first, plan.grain)
    day = first.start if home >= phase.start else first.end + dt.timedelta(days=1)
    return max(day, plan.start)
