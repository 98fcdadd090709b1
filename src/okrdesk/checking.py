"""``okrdesk check``: everything that needs attention now, for a person or for cron.

Reported: every tripped budget breaker; every unit whose expense ratio is
above the plan's limit; every key result off track or
breached at its owner; every metric the plan uses with no numbers, or whose
latest numbers are more than one period behind the date; every key result
tracked by check-ins with none, or none in the last 31 days; and the plugin
errors of the latest collect.
"""

from __future__ import annotations

import datetime as dt

import attrs

from okrdesk.collecting import metrics_by_grain, plan_periods
from okrdesk.engine.budget import budget_progress
from okrdesk.engine.pace import Status
from okrdesk.engine.progress import Engine
from okrdesk.engine.targets import owner_of
from okrdesk.model import Plan
from okrdesk.periods import Grain
from okrdesk.session import Session
from okrdesk.store import Store

STALE_CHECKIN_DAYS = 31


@attrs.frozen
class Finding:
    kind: str
    """"breaker", "expenses", "off_track", "breached", "missing", "stale" or "plugin"."""
    message: str


def findings(session: Session, as_of: dt.date | None) -> list[Finding]:
    plan = session.plan
    day = min(max(as_of or dt.date.today(), plan.start), plan.end)
    if not session.workspace.database.exists():
        return [Finding("missing", "no numbers collected yet: run `okrdesk collect`")]
    found: list[Finding] = []
    with Store.open(session.workspace.database, create=False) as store:
        engine = Engine(plan, store, day, session.host.metrics)
        budget = budget_progress(engine, store.spend())
        found += [Finding("breaker", lp.breaker.message) for lp in budget.tripped]
        found += [
            Finding(
                "expenses", f"{unit}: expense ratio {r.ratio:.1%}, above the {r.limit:.0%} limit"
            )
            for unit, r in budget.expense_ratios.items()
            if r.over and r.ratio is not None and r.limit is not None
        ]
        for kr in plan.key_results_by_id.values():
            result = engine.key_result(kr, owner_of(plan, kr))
            if result is None:
                continue
            if result.status is Status.OFF_TRACK:
                found.append(Finding("off_track", f"{kr.id} {kr.title}: {_behind(result.pace)}"))
            elif result.status is Status.BREACHED:
                found.append(Finding("breached", f"{kr.id} {kr.title}: the limit is breached"))
        found += source_findings(plan, store, day)
        runs = store.runs()
    if runs and runs[-1].errors:
        found += [
            Finding("plugin", f"last collect (run {runs[-1].id}): {e}") for e in runs[-1].errors
        ]
    return found


def _behind(pace: float | None) -> str:
    return "off track" if pace is None else f"off track, at {pace:.0%} of the pace due"


def source_findings(plan: Plan, store: Store, day: dt.date) -> list[Finding]:
    """Metrics with no numbers or stale ones, and check-ins missing or old."""
    found = []
    for grain, metrics in metrics_by_grain(plan).items():
        periods = plan_periods(plan, day, grain)
        # Data is current when it reaches the period before the one holding `day`.
        due = periods[-2].end if len(periods) > 1 else None
        for metric in sorted(metrics):
            latest = store.latest_period_end(metric, grain)
            if latest is None:
                found.append(Finding("missing", f"metric {metric}: no numbers collected"))
            elif due is not None and latest < due:
                found.append(
                    Finding(
                        "stale", f"metric {metric}: latest numbers end {latest} ({_name(grain)})"
                    )
                )
    for kr in plan.key_results_by_id.values():
        if kr.metric is not None:
            continue
        days = [c.day for c in store.checkins(kr.id) if c.day <= day]
        if not days:
            found.append(Finding("missing", f"{kr.id} {kr.title}: no check-in yet"))
        elif (day - max(days)).days > STALE_CHECKIN_DAYS:
            found.append(Finding("stale", f"{kr.id} {kr.title}: last check-in {max(days)}"))
    return found


def _name(grain: Grain) -> str:
    return {Grain.WEEK: "weekly", Grain.MONTH: "monthly", Grain.QUARTER: "quarterly"}[grain]
