"""One collect run: ask the plugins, keep what is sound, record the run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import attrs

from okrdesk.errors import BadInput
from okrdesk.model import Plan
from okrdesk.periods import Period, periods_between
from okrdesk.plugins.collect import PluginError, collect
from okrdesk.session import Session
from okrdesk.store import Store


@attrs.frozen
class CollectSummary:
    run_id: int
    through: dt.date
    periods: tuple[Period, ...]
    metrics: tuple[str, ...]
    stored: int
    errors: tuple[PluginError, ...]


def plan_periods(plan: Plan, through: dt.date) -> tuple[Period, ...]:
    """The plan's periods up to ``through``, clipped to the plan's own days."""
    last = min(through, plan.end)
    return tuple(
        Period(max(p.start, plan.start), min(p.end, plan.end), p.id)
        for p in periods_between(plan.start, last, plan.grain)
    )


def metrics_needed(plan: Plan) -> list[str]:
    """Every metric a key result or scoring policy of the plan names."""
    named = {kr.metric for o in plan.objectives for kr in o.key_results if kr.metric}
    named |= {c.metric for policy in plan.scoring for c in policy.components}
    return sorted(named)


def clamp_through(plan: Plan, through: dt.date | None) -> dt.date:
    day = through or dt.date.today()
    if day < plan.start:
        raise BadInput(f"{day} is before the plan starts ({plan.start}); nothing to collect")
    return min(day, plan.end)


def run_collect(
    session: Session,
    through: dt.date | None = None,
    only: Iterable[str] = (),
    progress: Callable[[str, int], None] | None = None,
) -> CollectSummary:
    plan = session.plan
    day = clamp_through(plan, through)
    wanted = metrics_needed(plan)
    chosen = list(only)
    if chosen:
        unknown = sorted(set(chosen) - set(wanted))
        if unknown:
            raise BadInput(
                f"no key result or scoring policy uses {', '.join(unknown)}; "
                f"the plan's metrics are: {', '.join(wanted) or 'none'}"
            )
        wanted = sorted(set(chosen))
    periods = plan_periods(plan, day)
    with Store.open(session.workspace.database) as store:
        run_id = store.start_run("collect", day)
        result = collect(session.host, plan, wanted, periods, day, session.workspace.root, progress)
        stored = store.replace_observations(run_id, result.plugin_of, periods, result.observations)
        versions = {
            r.name: r.version
            for r in session.host.records.values()
            if r.name in result.plugin_of.values()
        }
        status = "failed" if result.errors else "ok"
        store.finish_run(run_id, status, versions, [str(e) for e in result.errors])
    return CollectSummary(run_id, day, periods, tuple(wanted), stored, tuple(result.errors))
