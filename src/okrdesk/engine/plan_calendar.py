"""The plan's calendar: which periods it has by a date, and which metrics it
needs at each grain."""

from __future__ import annotations

import datetime as dt

from okrdesk.model import Plan
from okrdesk.periods import Grain, Period, periods_between


def plan_periods(plan: Plan, through: dt.date, grain: Grain | None = None) -> tuple[Period, ...]:
    """The plan's periods of ``grain`` up to ``through``, clipped to the plan's own days."""
    last = min(through, plan.end)
    return tuple(
        Period(max(p.start, plan.start), min(p.end, plan.end), p.id)
        for p in periods_between(plan.start, last, grain or plan.grain)
    )


def metrics_by_grain(plan: Plan) -> dict[Grain, set[str]]:
    """The metrics the plan needs at each grain: key results' and the budget's
    revenue metric at the plan's, scoring components at their policy's
    (calendar months, usually)."""
    needed: dict[Grain, set[str]] = {plan.grain: set()}
    for objective in plan.objectives:
        needed[plan.grain].update(kr.metric for kr in objective.key_results if kr.metric)
    if plan.budget.revenue_metric:
        needed[plan.grain].add(plan.budget.revenue_metric)
    for policy in plan.scoring:
        needed.setdefault(policy.grain, set()).update(c.metric for c in policy.components)
    return needed


def metrics_needed(plan: Plan) -> list[str]:
    """Every metric a key result or scoring policy of the plan names."""
    return sorted(set().union(*metrics_by_grain(plan).values()))


def clamp_to_plan(plan: Plan, day: dt.date) -> dt.date:
    """``day`` moved inside the plan's year: reports before it start, after it end."""
    return min(max(day, plan.start), plan.end)
