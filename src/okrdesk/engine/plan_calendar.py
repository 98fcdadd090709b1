"""The plan's calendar: which periods it has by a date, and which metrics it
needs at each grain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

from okrdesk.errors import Said
from okrdesk.formula import is_fact, parse
from okrdesk.model import MetricSpec, Plan, Run
from okrdesk.periods import Grain, Period, month_of, period_holding, periods_within

if TYPE_CHECKING:
    from okrdesk.store.reader import StoreReader


def plan_periods(plan: Plan, through: dt.date, grain: Grain | None = None) -> tuple[Period, ...]:
    """The plan's periods of ``grain`` up to ``through``, clipped to the plan's own days."""
    return periods_within(plan.start, plan.end, through, grain or plan.grain)


class _Dated(Protocol):
    @property
    def day(self) -> dt.date: ...


Dated = TypeVar("Dated", bound=_Dated)


def of_the_plan(plan: Plan, records: Iterable[Dated]) -> list[Dated]:
    """The check-ins or ledger entries of ``plan``: those dated within its days. A store
    kept from year to year holds last year's too, under the same key result and line ids
    (``O1.KR1``, ``training``), which are last year's plan's, not this one's: a check-in
    of last December is no figure of this January, nor its spending this budget's."""
    first, last = plan.start, plan.end
    return [r for r in records if first <= r.day <= last]


def runs_of(plan: Plan, runs: Iterable[Run]) -> list[Run]:
    """The collect runs of ``plan``: those a plan of one of its units ran (``Run.plan_unit``),
    and those of a store older than schema 23. Branches sharing a firm's server each read
    their own: one branch's failed or unfinished collect is not another's to be told of."""
    units = {unit.id for unit in plan.units}
    return [run for run in runs if not run.plan_unit or run.plan_unit in units]


def plan_runs(plan: Plan, store: StoreReader) -> list[Run]:
    """``runs_of(plan, store.runs())``, read as such: a firm's store shared by its branches
    holds every branch's collect of every week, none of them this branch's to read."""
    return store.runs(plan_units=plan_run_units(plan))


def plan_run_units(plan: Plan) -> set[str]:
    """The ``Run.plan_unit`` of the runs ``runs_of`` keeps: ``plan``'s units, and '' (a
    store older than schema 23)."""
    return {"", *plan.units_by_id}


def collects_apart(plan: Plan, runs: Sequence[Run]) -> list[list[Run]]:
    """``runs`` (``runs_of(plan, ...)``) by the plan that ran them, oldest first in each:
    a firm's plan reads every branch's collects, and one branch's later collect neither
    settles another's failure or warning nor hides its unfinished one. A run of a store
    older than schema 23 is taken as ``plan``'s own."""
    apart: dict[str, list[Run]] = {}
    for run in runs:
        apart.setdefault(run.plan_unit or plan.top, []).append(run)
    return list(apart.values())


def member_unit(plan: Plan, run: Run) -> str | None:
    """The name of the unit below the plan's top whose plan ran ``run`` (a branch's, in
    its firm's report): a head office reads which branch to call. None for the plan's
    own, and a run of a store older than schema 23."""
    if not run.plan_unit or run.plan_unit == plan.top or run.plan_unit not in plan.units_by_id:
        return None
    return plan.units_by_id[run.plan_unit].name


def settling_runs(plan: Plan, group: Sequence[Run], apart: Sequence[Sequence[Run]]) -> list[Run]:
    """``group`` (one of ``collects_apart``) with the collects of every plan that collects
    its unit's figures too, in the order they ran: the plan's own (and a store's older than
    schema 23), and a plan of a unit above it (the firm's, collecting for every branch). A
    failure or warning of a branch's collect is settled by a later collect of its metric by
    the branch, or by the head office's for every branch, never by another branch's."""
    if member_unit(plan, group[-1]) is None:
        return list(group)
    above: set[str] = set()
    unit: str | None = group[-1].plan_unit
    while unit is not None:
        above.add(unit)
        unit = plan.units_by_id[unit].parent
    return sorted((run for each in apart
                   if each[-1].plan_unit in above or member_unit(plan, each[-1]) is None
                   for run in each), key=lambda run: run.id)  # fmt: skip


def collects_of(plan: Plan, store: StoreReader) -> frozenset[str] | None:
    """The ids of ``plan``'s units and people, whose figures (whichever collect stored
    them: its own, or a firm's for every branch) and whose plans' collects say how far its
    metrics were collected, where the store holds other plans' collects too (branches
    sharing a firm's server, each collecting its own); None (every figure and collect)
    where all are its own, or none is (a store another plan collects for)."""
    latest = store.latest_runs()
    mine = runs_of(plan, latest)
    if not mine or len(mine) == len(latest):
        return None
    return frozenset(plan.subject_ids)


def landed_by(runs: Iterable[Run]) -> dict[tuple[str, str], dt.date]:
    """(metric, grain) → the latest day one of ``runs`` read its sources through and noted
    storing figures of the metric at the grain (``Run.landed``)."""
    found: dict[tuple[str, str], dt.date] = {}
    for run in runs:
        if not run.through or not run.landed:
            continue
        through = dt.date.fromisoformat(run.through)
        for metric, grains in run.landed.items():
            for grain in grains:
                found[metric, grain] = max(found.get((metric, grain), through), through)
    return found


def metrics_by_grain(
    plan: Plan, specs: Mapping[str, MetricSpec] | None = None
) -> dict[Grain, set[str]]:
    """The metrics the plan needs at each grain: key results' and the budget's
    revenue metric at the plan's, scoring components at their policy's
    (calendar months, usually). With ``specs``, a derived metric stands for the
    metrics its formula uses: those are what is collected and kept current."""
    needed: dict[Grain, set[str]] = {plan.grain: set()}
    for objective in plan.objectives:
        needed[plan.grain].update(kr.metric for kr in objective.key_results if kr.metric)
    if plan.budget.revenue_metric:
        needed[plan.grain].add(plan.budget.revenue_metric)
    for policy in plan.scoring:
        needed.setdefault(policy.grain, set()).update(c.metric for c in policy.components)
    if specs is not None:
        needed = {grain: _stored(names, specs) for grain, names in needed.items()}
    return needed


def _stored(names: set[str], specs: Mapping[str, MetricSpec]) -> set[str]:
    """``names`` with each derived metric replaced by its inputs, to any depth."""
    found: set[str] = set()
    waiting, seen = list(names), set()
    while waiting:
        name = waiting.pop()
        if name in seen:
            continue
        seen.add(name)
        spec = specs.get(name)
        if spec is None or spec.formula is None:
            found.add(name)
        else:
            waiting += [i for i in parse(spec.formula).inputs if not is_fact(i)]
    return found


def unprovided(metric: str, specs: Mapping[str, MetricSpec]) -> str | None:
    """The metric no loaded plugin provides that ``metric``'s figures would rest on:
    itself, or for a derived metric the first such input at any depth; None when every
    one is provided."""
    if metric in specs and specs[metric].formula is None:
        return None
    return next((name for name in sorted(_stored({metric}, specs)) if name not in specs), None)


def collected_for(metric: str, specs: Mapping[str, MetricSpec]) -> list[str]:
    """The collected metrics ``metric``'s figures rest on: itself, or for a derived
    metric the metrics its formula uses, to any depth."""
    return sorted(_stored({metric}, specs))


def metrics_needed(plan: Plan, specs: Mapping[str, MetricSpec] | None = None) -> list[str]:
    """Every metric a key result or scoring policy of the plan names (with ``specs``,
    derived metrics replaced by their inputs)."""
    return sorted(set().union(*metrics_by_grain(plan, specs).values()))


def clamp_to_plan(plan: Plan, day: dt.date) -> dt.date:
    """``day`` moved inside the plan's year: reports before it start, after it end."""
    return min(max(day, plan.start), plan.end)


_NOTHING_AFTER = Said("", "")


def before_the_plan(plan: Plan, day: dt.date, after: Said = _NOTHING_AFTER) -> Said | None:
    """Why ``day`` is refused where it is before the plan starts (``report``, ``check``,
    ``collect``), with ``after`` after it; None for a day of the plan or later."""
    if day >= plan.start:
        return None
    return Said(f"{day} is before the plan starts ({plan.start}){after.en}",
                f"{day} 早于计划开始日（{plan.start}）{after.zh}")  # fmt: skip


def one_period_before(day: dt.date, grain: Grain) -> dt.date:
    """The same day one week, month or quarter earlier (the month's last day when the
    earlier month is shorter: 31 May → 30 April)."""
    if grain is Grain.WEEK:
        return day - dt.timedelta(days=7)
    months = 1 if grain is Grain.MONTH else 3
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = month_of(dt.date(year, month + 1, 1)).end
    return last.replace(day=min(day.day, last.day))


def restated_news(when: str, as_of: dt.date, plan: Plan) -> bool:
    """Whether a collect that restated figures of complete periods, finished (or, never
    finished, started) at ``when`` (as the store keeps it), is told in a report as of
    ``as_of``: within one period (the plan's grain) up to it, or any time after the
    plan's last day where ``as_of`` is on or after it (``attention.revision_alerts``)."""
    since = one_period_before(as_of, plan.grain)
    until = dt.date.max if as_of >= plan.end else as_of
    return since < dt.datetime.fromisoformat(when).astimezone().date() <= until


def figures_through(
    store: StoreReader, day: dt.date, grain: Grain, metrics: Collection[str]
) -> dt.date:
    """The last day a report as of ``day`` counts stored figures of ``grain`` through.

    A period's figure cannot be cut at a day. So where the period holding ``day`` is
    stored with figures of ``metrics`` that run past it (a past day, read after a
    later collect filled the period in), none of that period counts, and the figures
    run through the day before it started. Otherwise, and on a live day (the period
    collected through that day, or earlier), they run through ``day`` itself.
    """
    period = period_holding(day, grain)
    if period.end <= day:
        return day
    if any(end > day for end in store.figures_end(period.id, grain, metrics).values()):
        return period.start - dt.timedelta(days=1)
    return day


def change_base(through: dt.date, grain: Grain) -> dt.date:
    """The day a report's change is measured from, for figures that run through
    ``through``: the end of the period before the one holding it. A week's change is
    the week's figures so far, whichever of its days the report is on; a day a week
    back would fall inside a period stored whole, which counts all or nothing."""
    return period_holding(through, grain).start - dt.timedelta(days=1)


def current_from(plan: Plan, day: dt.date, grain: Grain) -> dt.date | None:
    """The day figures of ``grain`` must reach to be current on ``day``: the end of the
    period before the one holding it (None in the plan's first period, when none is due
    yet). Figures ending before it are stale: the stale alert tells them, and a key
    result's pace is judged on the day they run through (``engine.progress``)."""
    last = min(day, plan.end)
    if last < plan.start:
        return None
    # The plan's periods up to ``day`` need not be listed: the one before the last ends the
    # day before the last starts, and there is one only where the last is not the first.
    holding = period_holding(last, grain)
    return holding.start - dt.timedelta(days=1) if holding.start > plan.start else None


def latest_end(
    store: StoreReader, metric: str, grain: Grain, spec: MetricSpec | None
) -> dt.date | None:
    """The end of ``metric``'s latest period of ``grain`` with data; for a metric that
    ``adds_up_over_time`` (a flow, a conversion rate), as far as the collect that stored it
    read its sources, when that is later (``latest_ends``)."""
    end = store.latest_period_end(metric, grain)
    if end is not None and spec is not None and spec.adds_up_over_time:
        through = collected_through(store, metric, grain)
        end = max(end, through) if through is not None else end
    return end


def collected_through(store: StoreReader, metric: str, grain: Grain) -> dt.date | None:
    """The day the latest collect that stored ``metric`` at ``grain`` read its sources
    through. A collect keeps a figure it finds unchanged in the name of the run that first
    stored it, so the run behind the latest period's figure may be long past: new HNW
    clients last counted in the week of 31 May, collected again through 6 July with none
    since, reach 6 July, not 31 May (which read as a collect not run, and judged the key
    result against what was due in May). Each run notes what it stored (``Run.landed``);
    a run kept before it did counts by its figures (``StoreReader.collected_through``)."""
    found = (store.collected_through(metric, grain), store.landed_through(metric, grain))
    return max((day for day in found if day is not None), default=None)


def figures_run_through(store: StoreReader, metric: str, grain: Grain, latest: dt.date) -> dt.date:
    """The last day ``metric``'s figures at ``grain`` count, as a stale alert says it:
    ``latest`` (``latest_end``), or the day the collect that stored its latest period read
    its sources through when that is earlier. A collect through Friday 20 November stores
    the week ending the 22nd in part: its figures end on the 20th, not the 22nd. Whether
    they are stale is judged on the periods they reach, as before."""
    through = collected_through(store, metric, grain)
    return latest if through is None else min(latest, through)
