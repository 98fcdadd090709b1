"""One-line and short descriptions of a plan, for validate and demo."""

from __future__ import annotations

from collections import Counter

from okrdesk.model import Plan


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def plan_summary(plan: Plan) -> str:
    levels = Counter(unit.level for unit in plan.units)
    org = ", ".join(_count(n, level) for level, n in levels.items())
    results = sum(len(o.key_results) for o in plan.objectives)
    budget = plan.budget.amount / 10_000
    return (
        f"Plan {plan.id} ({plan.name}): {org}, {_count(len(plan.people), 'person', 'people')}; "
        f"{_count(len(plan.phases), 'phase')}; {_count(len(plan.objectives), 'objective')} "
        f"with {_count(results, 'key result')}; budget {budget.normalize():f}万元 in "
        f"{_count(len(plan.budget.lines), 'line')}."
    )
