"""What should be done by a date, and whether a key result is on track.

The milestones of a key result are cumulative fractions of the way from its
baseline to its target, due at the end of named phases. Between two
milestones the fraction grows linearly by day; the plan starts at 0 and ends
at 1 (the whole target) unless a milestone says otherwise. With no
milestones at all, the target is due evenly over the plan's days.

Status of an "at least" key result compares the progress made with the
progress due by the date, both measured from the baseline:

- on track: at least 95% of what is due;
- at risk: at least 80%;
- off track: less than 80%.

"At most" and "within" key results are guardrails: met or breached, with the
margin to the limit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from itertools import pairwise

import attrs

from okrdesk.model import CalendarPoint, Direction, KeyResult, Milestone, Plan

ON_TRACK_AT = 0.95
AT_RISK_AT = 0.80


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    MET = "met"
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
    the phase milestones; together they are the curve.
    """
    ends = {p.id: p.end for p in plan.phases}
    dated = {ends[m.phase]: float(m.fraction) for m in milestones if m.phase in ends}
    dated.update((min(c.end, plan.end), float(c.fraction)) for c in calendar)
    points = [(0, 0.0)]
    points += [(_day_index(plan, end), dated[end]) for end in sorted(dated)]
    total_days = _day_index(plan, plan.end)
    if points[-1][0] < total_days:
        points.append((total_days, 1.0))
    t = min(max(_day_index(plan, day), 0), total_days)
    for (t0, f0), (t1, f1) in pairwise(points):
        if t <= t1:
            return f0 if t1 == t0 else f0 + (f1 - f0) * (t - t0) / (t1 - t0)
    return points[-1][1]


def expected_value(kr_baseline: float, target: float, fraction: float) -> float:
    return kr_baseline + (target - kr_baseline) * fraction


@attrs.frozen
class Judgement:
    status: Status
    margin: float | None = None
    """For guardrails: how far inside (positive) or outside (negative) the limit."""
    pace: float | None = None
    """For "at least": progress made over progress due (1.0 is exactly on pace)."""


def judge(kr: KeyResult, actual: float | None, target: float, expected: float) -> Judgement:
    if actual is None:
        return Judgement(Status.NO_DATA)
    if kr.direction is Direction.AT_MOST:
        margin = target - actual
        return Judgement(Status.MET if margin >= 0 else Status.BREACHED, margin)
    if kr.direction is Direction.WITHIN:
        band = float(kr.band or 0)
        margin = band - abs(actual - target)
        return Judgement(Status.MET if margin >= 0 else Status.BREACHED, margin)
    baseline = float(kr.baseline)
    due = expected - baseline
    if due <= 0:
        return Judgement(Status.ON_TRACK, pace=None)
    pace = (actual - baseline) / due
    if pace >= ON_TRACK_AT:
        status = Status.ON_TRACK
    elif pace >= AT_RISK_AT:
        status = Status.AT_RISK
    else:
        status = Status.OFF_TRACK
    return Judgement(status, pace=pace)


def attainment(kr: KeyResult, actual: float | None, target: float) -> float | None:
    """How much of the target is achieved, as a fraction (1.087 for 108.7%).

    At least: actual / target. Guardrails: 1 when met; when breached, at
    most: target / actual, within: 0.
    """
    if actual is None:
        return None
    if kr.direction is Direction.AT_MOST:
        if actual <= target:
            return 1.0
        return target / actual if actual else 0.0
    if kr.direction is Direction.WITHIN:
        return 1.0 if abs(actual - target) <= float(kr.band or 0) else 0.0
    if target == 0:
        return 1.0 if actual >= 0 else 0.0
    return actual / target
