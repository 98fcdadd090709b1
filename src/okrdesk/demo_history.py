"""A plausible history for the demo: check-ins and a spend ledger.

Key results that no plugin measures get a check-in at each of the last two
month ends, near what their milestones ask for; every budget line gets
monthly spending along its schedule, signed by two people. The first market
activity runs ahead of its results, so the demo shows a tripped breaker and
an override with its reason. Deterministic: the same plan and date give the
same history.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from decimal import Decimal

from okrdesk.engine.pace import due_fraction
from okrdesk.engine.targets import owner_of
from okrdesk.model import BudgetLine, Direction, KeyResult, Plan
from okrdesk.periods import Grain, periods_between
from okrdesk.store import Store

RUNS_AHEAD = Decimal("1.25")


def _rng(*parts: str) -> random.Random:
    return random.Random(zlib.crc32("/".join(parts).encode("utf-8")))


def _month_ends(plan: Plan, through: dt.date) -> list[dt.date]:
    return [p.end for p in periods_between(plan.start, through, Grain.MONTH) if p.end <= through]


def _checkin_value(plan: Plan, kr: KeyResult, day: dt.date) -> float:
    rng = _rng(kr.id, day.isoformat())
    target = float(kr.effective_target)
    baseline = float(kr.baseline)
    if kr.direction is Direction.AT_MOST:
        return target * rng.uniform(0.7, 1.1)
    if kr.direction is Direction.WITHIN:
        return target + float(kr.band or 0) * rng.uniform(-1.2, 1.0)
    due = due_fraction(plan, kr.milestones, day, kr.calendar)
    return baseline + (target - baseline) * due * rng.uniform(0.8, 1.08)


def _signers(plan: Plan, line: BudgetLine) -> tuple[str, ...]:
    names = []
    owner = plan.units_by_id.get(line.owner)
    for lead in (owner.lead if owner else None, plan.units_by_id[plan.top].lead):
        if lead and lead in plan.people_by_id:
            names.append(plan.people_by_id[lead].name)
    if line.owner in plan.people_by_id:
        names.insert(0, plan.people_by_id[line.owner].name)
    names += [p.name for p in plan.people]
    return tuple(dict.fromkeys(names))[:2]


def write_history(plan: Plan, store: Store, through: dt.date) -> tuple[int, int]:
    """Record the demo's check-ins and spending; return how many of each."""
    month_ends = _month_ends(plan, through)
    checkins = 0
    for kr in plan.key_results_by_id.values():
        if kr.metric is not None:
            continue
        for day in month_ends[-2:]:
            store.add_checkin(kr.id, owner_of(plan, kr), day, _checkin_value(plan, kr, day),
                              note="demo")  # fmt: skip
            checkins += 1
    entries = 0
    hurried = next((line.id for line in plan.budget.lines if line.market_activity), None)
    for line in plan.budget.lines:
        spent = Decimal(0)
        rng = _rng(line.id)
        for day in month_ends:
            due = (
                Decimal(str(due_fraction(plan, line.schedule, day)))
                if line.schedule
                else (
                    Decimal((day - plan.start).days + 1) / Decimal((plan.end - plan.start).days + 1)
                )
            )
            pace = RUNS_AHEAD if line.id == hurried else Decimal(str(rng.uniform(0.5, 0.75)))
            goal = (line.amount * due * pace).quantize(Decimal(100))
            if goal <= spent:
                continue
            reason = (
                "demo: 峰会场地合同已签,违约成本更高"
                if line.id == hurried and day == month_ends[-1]
                else None
            )
            store.add_spend(line.id, day, goal - spent, _signers(plan, line), "demo", reason)
            spent = goal
            entries += 1
    return checkins, entries
