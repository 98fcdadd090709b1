"""Cut a key result's target onto the members of its owner, and over time.

Members are the owner's child units, or its people when it has no child
units; a weights file names them explicitly instead. Shares are:

- ``equal``: the same for everyone;
- ``weight``: proportional to the weights given;
- ``last-period``: proportional to what each member achieved in the last
  complete period, or over a longer one the user names (``app.split``).

Counts are whole numbers (of clients, also in 万户) and money is rounded
to 0.01 of the key result's unit, or as finely as its target is written;
either way the shares add up to the target exactly (largest remainders).
A member whose share comes to nothing is left out. For a rate, a score or
a multiple (3.5 products per client), each member's target is the owner's.

Over time (``--over months|weeks``) the split writes a calendar: the
cumulative fraction due at the end of each period, read off the milestone
curve, which a manager can then adjust.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal

import attrs

from okrdesk.engine.pace import due_fraction
from okrdesk.engine.tree_targets import members_add_up
from okrdesk.errors import BadInput, Said
from okrdesk.model import KeyResult, MetricKind, Plan
from okrdesk.periods import Period
from okrdesk.units import Dimension

FRACTION_PLACES = Decimal("0.0001")


@attrs.frozen
class Split:
    key_result: KeyResult
    owner: str
    target: Decimal
    """The owner's target, in the key result's unit as written."""
    members: Mapping[str, Decimal]
    """Each member's target, in the key result's unit as written."""
    calendar: Mapping[str, Decimal]
    """Period id → cumulative fraction due; empty unless split over time."""
    kind: MetricKind | None = None
    """Its metric's kind; None for a key result tracked by check-ins."""


def default_members(plan: Plan, owner: str) -> list[str]:
    units = [u.id for u in plan.child_units(owner)]
    return units or [p.id for p in plan.people_in(owner)]


def shares(target: Decimal, weights: Mapping[str, float], step: Decimal) -> dict[str, Decimal]:
    """``target`` cut in proportion to ``weights`` into multiples of ``step``, summing exactly."""
    total_weight = sum(weights.values())
    if total_weight <= 0:
        raise BadInput(Said("the weights add up to 0; nothing to split by",
                            "权重合计为 0；无从分解"))  # fmt: skip
    exact = {m: target * Decimal(str(w)) / Decimal(str(total_weight)) for m, w in weights.items()}
    floored = {m: (v / step).to_integral_value(ROUND_FLOOR) * step for m, v in exact.items()}
    left = int(((target - sum(floored.values())) / step).to_integral_value())
    by_remainder = sorted(exact, key=lambda m: (-(exact[m] - floored[m]), m))
    for member in by_remainder[: max(left, 0)]:
        floored[member] += step
    return floored


def share_step(kr: KeyResult, target: Decimal) -> Decimal:
    """The finest a share is cut to, in the key result's unit: one client of a count (1 in
    户, 0.0001 in 万户: 2万户 over three teams is 6,667, 6,667 and 6,666, never 1, 1 and 0),
    0.01 of money; finer where the target is written finer (100.005 万元), so that the
    shares add up to it exactly."""
    step = 1 / kr.unit.factor if kr.unit.dimension is Dimension.COUNT else Decimal("0.01")
    places = target.as_tuple().exponent
    written = Decimal(1).scaleb(places) if isinstance(places, int) and places < 0 else step
    return min(step, written)


def splittable(kr: KeyResult, kind: MetricKind | None) -> bool:
    """Whether ``kr`` has a target to share out: its own, or, for an amount or a count,
    the sum of its members' (which is its target when it writes none). A growth target
    has neither, and a rate's members' targets do not add up to one."""
    if kr.target is not None:
        return True
    return members_add_up(kr, kind) and bool(kr.member_targets)


def split_target(
    plan: Plan,
    kr: KeyResult,
    owner: str,
    weights: Mapping[str, float],
    kind: MetricKind | None,
    periods: Sequence[Period] = (),
) -> Split:
    if not splittable(kr, kind):
        raise BadInput(Said(f"{kr.id} has no target of its own to split; give it one first",
                            f"{kr.id} 没有自己的目标值可分解；请先给它目标值"))  # fmt: skip
    target = kr.unit.from_base(kr.effective_target).normalize()
    if not members_add_up(kr, kind):
        # A rate, a score or a multiple (products per client) is each member's whole.
        members = {m: target for m in weights}
    else:
        # A member whose share comes to nothing has none: a target of 0 in the file would
        # rank them, met at 100% by anything, among those who carry the target.
        cut = shares(target, weights, share_step(kr, target))
        members = {m: share for m, share in cut.items() if share != 0}
    calendar = {
        p.id: Decimal(str(due_fraction(plan, kr.milestones, p.end))).quantize(FRACTION_PLACES)
        for p in periods
    }
    return Split(kr, owner, target, members, calendar, kind)
