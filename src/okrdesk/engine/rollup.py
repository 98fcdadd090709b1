"""Add numbers up the org tree by the rules of each metric's kind.

- stock: the value in the latest period with data, summed across people;
- flow: summed over time and people;
- ratio: Σ numerator / Σ denominator, each part carried over time as the
  metric says (sum, last or first); 0 / 0 is no data, never zero.

The adding is done in SQL by the store, never in a Python loop per
observation.
"""

from __future__ import annotations

import datetime as dt

import attrs

from okrdesk.model import KeyResult, MetricKind, MetricSpec, Plan
from okrdesk.store import Store


@attrs.frozen
class Figure:
    """A rolled-up number, with the parts it came from."""

    value: float | None
    """None means no data."""
    numerator: float | None = None
    denominator: float | None = None
    observations: int = 0


def subjects_under(plan: Plan, owner: str) -> list[str]:
    """The ids whose observations count towards ``owner``: itself and everything below."""
    if owner in plan.people_by_id:
        return [owner]
    units = [u.id for u in plan.subtree(owner)]
    return units + [p.id for p in plan.people_under(owner)]


def metric_figure(store: Store, spec: MetricSpec, subjects: list[str], as_of: dt.date) -> Figure:
    if spec.kind is MetricKind.RATIO:
        parts = [
            ("numerator", spec.numerator_over_time.value),
            ("denominator", spec.denominator_over_time.value),
        ]
        (numerator, denominator), count = store.aggregate(spec.name, subjects, as_of, parts)
        if not denominator:
            return Figure(None, numerator, denominator, count)
        return Figure((numerator or 0.0) / denominator, numerator, denominator, count)
    over_time = "last" if spec.kind is MetricKind.STOCK else "sum"
    (value,), count = store.aggregate(spec.name, subjects, as_of, [("value", over_time)])
    return Figure(value, observations=count)


def checkin_figure(store: Store, kr: KeyResult, subjects: list[str], as_of: dt.date) -> Figure:
    """The latest check-in on or before ``as_of``: the owner's own, else the sum of members'."""
    latest: dict[str, float] = {}
    for checkin in store.checkins(kr.id):
        if checkin.day <= as_of and checkin.subject in subjects:
            latest[checkin.subject] = checkin.value
    if not latest:
        return Figure(None)
    owner = subjects[0]
    if owner in latest:
        return Figure(latest[owner], observations=1)
    return Figure(sum(latest.values()), observations=len(latest))
