"""A key result's target at any level of the org tree.

The owner's target is the one written in its file; when none is written it
is the sum of the members' targets. For a ratio, the members' targets are
combined weighted by their denominators (so a big team's 10% counts more
than a small team's 20%), which is the rate the members' targets imply; for
a rate or a score checked in by hand, their mean.
Where a file gives both and they differ, attention says by how much. A member
named in the ``members`` table has its own share as its target.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from okrdesk.model import KeyResult, MetricKind, Plan
from okrdesk.records import shared_methods


@attrs.frozen
@shared_methods
class TargetAt:
    value: float | None
    source: str
    """"declared", "members" (summed or implied from the members' targets) or "share"."""
    members: float | None = None
    """What the members' targets come to (``members_add_up``: their sum; else the rate
    they imply), where the owner also declares one."""

    @property
    def mismatch(self) -> float | None:
        """How far the members' targets are above (+) or below (−) the declared one."""
        if self.members is None or self.value is None:
            return None
        gap = self.members - self.value
        return gap if abs(gap) > 1e-9 * max(1.0, abs(self.value)) else None


def owner_of(plan: Plan, kr: KeyResult) -> str:
    return plan.objectives_by_id[kr.objective].owner


def target_at(
    plan: Plan,
    kr: KeyResult,
    subject: str,
    kind: MetricKind | None,
    denominator: Callable[[str], float | None],
) -> TargetAt | None:
    """The target of ``kr`` for ``subject``; None where the key result sets none."""
    if subject != owner_of(plan, kr):
        share = kr.member_targets.get(subject)
        return None if share is None else TargetAt(float(share), "share")
    declared = None if kr.target is None else float(kr.target)
    implied = _members_target(kr, kind, denominator)
    if declared is None:
        return TargetAt(implied, "members")
    return TargetAt(declared, "declared", implied)


def members_add_up(kr: KeyResult, kind: MetricKind | None) -> bool:
    """Whether the members' targets of ``kr`` add up to its owner's: an amount's or a
    count's do; a ratio's, or a rate's or a score's checked in by hand, do not (each
    member's 62分 of NPS is the branch's 62分, not 124分)."""
    return kind is not MetricKind.RATIO and kr.adds_up


def _members_target(
    kr: KeyResult, kind: MetricKind | None, denominator: Callable[[str], float | None]
) -> float | None:
    if not kr.member_targets:
        return None
    if members_add_up(kr, kind):
        return float(sum(kr.member_targets.values()))
    weights = {m: denominator(m) for m in kr.member_targets}
    total = sum(w for w in weights.values() if w)
    if not total:
        # No denominators yet: every member counts the same.
        return float(sum(kr.member_targets.values())) / len(kr.member_targets)
    return sum(float(t) * (weights[m] or 0.0) for m, t in kr.member_targets.items()) / total


def baseline_at(plan: Plan, kr: KeyResult, subject: str, kind: MetricKind | None) -> float:
    """Where ``subject`` starts from on ``kr``.

    The owner starts from the key result's baseline. A member starts from its own
    where the plan gives one (``member_baselines``: a team that started the year
    lower than another is judged on its own way); else from the same baseline
    when the figure is a level that does not add up (a rate, a score); for
    amounts and counts, from its share of the baseline, in proportion to its
    share of the target.
    """
    baseline = float(kr.baseline)
    if subject == owner_of(plan, kr):
        return baseline
    own = kr.member_baselines.get(subject)
    if own is not None:
        return float(own)
    if baseline == 0:
        return baseline
    if not members_add_up(kr, kind):
        return baseline
    share = kr.member_targets.get(subject)
    whole = float(kr.effective_target)
    return baseline * float(share) / whole if share is not None and whole else 0.0
