"""Build the report model from the engine: every figure, computed once.

Formats receive the result and lay it out; nothing here knows about text,
Markdown or HTML. Alerts come from ``okrdesk.engine.attention``, in the
report's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from okrdesk import __version__
from okrdesk.engine import attention
from okrdesk.engine.budget import BudgetProgress, LineProgress, budget_progress
from okrdesk.engine.pace import due_fraction, expected_value
from okrdesk.engine.plan_calendar import clamp_to_plan
from okrdesk.engine.progress import Engine, KeyResultProgress
from okrdesk.engine.rollup import subjects_under
from okrdesk.engine.scoring import scores
from okrdesk.model import MetricSpec, Plan
from okrdesk.periods import week_of
from okrdesk.report.document import (
    SCHEMA,
    Named,
    Report,
    ReportAlert,
    ReportBreaker,
    ReportBudget,
    ReportBudgetTotal,
    ReportCost,
    ReportKeyResult,
    ReportLine,
    ReportMember,
    ReportObjective,
    ReportOverride,
    ReportPhase,
    ReportReserve,
    ReportScore,
    ReportUnit,
    TrendPoint,
)
from okrdesk.report.numbers import money
from okrdesk.store.reader import StoreReader


def _key_result(
    plan: Plan, p: KeyResultProgress, before: KeyResultProgress | None
) -> ReportKeyResult:
    kr = p.key_result
    change = None
    if before is not None and p.actual.value is not None:
        change = p.actual.value - (before.actual.value or 0.0)
    return ReportKeyResult(
        id=kr.id,
        title=kr.title,
        metric=kr.metric,
        unit=kr.unit.symbol,
        direction=kr.direction.value,
        baseline=float(kr.baseline),
        target=p.target.value,
        target_source=p.target.source,
        actual=p.actual.value,
        numerator=p.actual.numerator,
        denominator=p.actual.denominator,
        attainment=p.attainment,
        due=p.due,
        expected=p.expected,
        status=p.status.value,
        margin=p.margin,
        change=change,
        forecast=p.forecast.value,
        forecast_reach=p.forecast.reach,
        forecast_note=p.forecast.note,
        weight=float(kr.weight),
        trend=tuple(TrendPoint(d, v) for d, v in p.trend),
        milestones=_due_curve(plan, p),
    )


def _due_curve(plan: Plan, p: KeyResultProgress) -> tuple[TrendPoint, ...]:
    kr = p.key_result
    target = p.target.value or 0.0
    ends = {ph.id: ph.end for ph in plan.phases}
    days = {plan.start, plan.end} | {ends[m.phase] for m in kr.milestones if m.phase in ends}
    days |= {c.end for c in kr.calendar if c.end <= plan.end}
    return tuple(
        TrendPoint(day, expected_value(float(kr.baseline), target,
                                       due_fraction(plan, kr.milestones, day, kr.calendar)))
        for day in sorted(days)
    )  # fmt: skip


_EN_PER = {
    "元": "CNY", "万元": "CNY 10k", "亿元": "CNY 100m", "户": "client", "人": "person",
    "单": "deal", "场": "event", "次": "time", "笔": "transaction", "家": "firm", "个": "item",
}  # fmt: skip


def _costs(plan: Plan, lp: LineProgress, lang: str) -> tuple[ReportCost, ...]:
    """Cost per result in money per one unit of the result, as its target is written."""
    found = []
    for kr_id, per_base in lp.cost_per_result.items():
        unit = plan.key_results_by_id[kr_id].unit
        cost = per_base * float(unit.factor)
        shown = money(cost, lang)
        text = (
            f"{shown}/{unit.symbol}"
            if lang == "zh"
            else (f"{shown} per {_EN_PER.get(unit.symbol, unit.symbol)}")
        )
        found.append(ReportCost(kr_id, cost, unit.symbol, text))
    return tuple(found)


def _line(plan: Plan, lp: LineProgress, lang: str) -> ReportLine:
    b = lp.breaker
    signers = tuple(dict.fromkeys(name for e in lp.entries for name in e.signed_by))
    return ReportLine(
        id=lp.line.id,
        name=lp.line.name,
        owner=lp.line.owner,
        amount=float(lp.line.amount),
        spent=float(lp.spent),
        left=float(lp.left),
        planned=float(lp.planned),
        roi=lp.roi,
        attributed_revenue=lp.attributed_revenue,
        cost_per_result=_costs(plan, lp, lang),
        breaker=ReportBreaker(b.tripped, b.reason, b.text(lang), b.spend_progress, b.allowed,
                              b.threshold),
        market_activity=lp.line.market_activity,
        signed_by=signers,
        overrides=tuple(
            ReportOverride(e.day, float(e.amount), e.override_reason or "", e.signed_by)
            for e in lp.overrides
        ),
    )  # fmt: skip


def _budget(plan: Plan, budget: BudgetProgress, unit: str, lang: str) -> ReportBudget:
    inside = set(subjects_under(plan, unit))
    top = unit == plan.top
    lines = tuple(_line(plan, lp, lang) for lp in budget.lines if top or lp.line.owner in inside)
    unallocated = float(budget.reserve) if top else 0.0
    reserve = ReportReserve(unallocated, 0.0, unallocated) if unallocated else None
    # The total row is the sum of the rows above it: lines, then the reserve.
    amount = sum(line.amount for line in lines) + unallocated
    spent = sum(line.spent for line in lines)
    declared = float(budget.total) if top and plan.budget.total is not None else None
    revenue = [line.attributed_revenue for line in lines if line.attributed_revenue is not None]
    attributed = sum(revenue) if revenue else None
    ratio = budget.expense_ratios.get(unit)
    expected = budget.expected_revenue if top else None
    total = ReportBudgetTotal(
        amount=amount,
        declared=declared,
        spent=spent,
        left=amount - spent,
        attributed_revenue=attributed,
        roi=attributed / spent if attributed is not None and spent else None,
        expected_revenue=float(expected) if expected is not None else None,
        expected_roi=budget.expected_roi if top else None,
        expense_ratio=ratio.ratio if ratio else None,
        expense_ratio_max=ratio.limit if ratio else None,
    )
    return ReportBudget(lines, reserve, total)


def _phase(plan: Plan, day: dt.date) -> ReportPhase | None:
    phase = plan.phase_on(day)
    if phase is None:
        return None
    return ReportPhase(phase.id, phase.name, phase.start, phase.end, (phase.end - day).days)


def _latest_scores(
    plan: Plan, store: StoreReader, metrics: dict[str, MetricSpec], day: dt.date, unit: str
) -> tuple[ReportScore, ...]:
    inside = set(subjects_under(plan, unit))
    found = [s for s in scores(plan, store, day, metrics) if s.person in inside]
    if not found:
        return ()
    latest = {}
    for s in found:
        latest[(s.policy, s.person)] = s
    return tuple(
        ReportScore(s.person, plan.people_by_id[s.person].name, s.policy, s.period, s.score, s.raw)
        for s in sorted(latest.values(), key=lambda s: (-s.score, s.person))
    )


def build_report(
    plan: Plan,
    metrics: dict[str, MetricSpec],
    store: StoreReader,
    unit: str,
    as_of: dt.date,
    lang: str = "zh",
    broken_plugins: Iterable[tuple[str, str]] = (),
) -> Report:
    """The report on ``unit`` (a unit or person id) at the end of ``as_of``."""
    day = clamp_to_plan(plan, as_of)
    engine = Engine(plan, store, day, metrics, within=unit)
    progress = engine.progress(unit)
    week_ago = day - dt.timedelta(days=7)
    earlier = Engine(plan, store, week_ago, metrics, trends=False, within=unit)
    objectives = []
    for objective in progress.objectives:
        results = []
        for p in objective.key_results:
            before = earlier.key_result(p.key_result, unit) if week_ago >= plan.start else None
            results.append(_key_result(plan, p, before))
        objectives.append(
            ReportObjective(objective.objective.id, objective.objective.title,
                            objective.objective.owner, float(objective.objective.weight),
                            objective.score, tuple(results))
        )  # fmt: skip
    budget = budget_progress(engine, store.spend())
    found = attention.alerts(engine, budget, unit, broken_plugins=broken_plugins)
    return Report(
        schema=SCHEMA,
        generated_by=f"okrdesk {__version__}",
        lang=lang,
        plan=Named(plan.id, plan.name),
        unit=ReportUnit(unit, progress.name, progress.level),
        as_of=day,
        week=week_of(day).id,
        phase=_phase(plan, day),
        score=progress.score,
        objectives=tuple(objectives),
        members=tuple(
            ReportMember(i, m.id, m.name, m.kind, m.score, m.off_track, m.key_results)
            for i, m in enumerate(progress.members, start=1)
        ),
        scores=_latest_scores(plan, store, metrics, day, unit),
        budget=_budget(plan, budget, unit, lang),
        alerts=tuple(ReportAlert(a.level.value, a.kind, a.text(lang)) for a in found),
    )
