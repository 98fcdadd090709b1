"""The weekly report as plain data, and how it is built from a workspace.

Everything a renderer shows is here, already computed; renderers only lay
it out. Figures are in base units (元, plain counts, fractions for rates),
as in the JSON schema ``okrdesk.report/1`` (see docs/report.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from okrdesk import __version__
from okrdesk.checking import source_findings
from okrdesk.engine.budget import BudgetProgress, LineProgress, budget_progress
from okrdesk.engine.pace import Status
from okrdesk.engine.progress import Engine, KeyResultProgress, SubjectProgress
from okrdesk.engine.rollup import subjects_under
from okrdesk.engine.scoring import scores
from okrdesk.model import Plan
from okrdesk.periods import week_of
from okrdesk.session import Session
from okrdesk.store import Store

SCHEMA = "okrdesk.report/1"


@attrs.frozen
class TrendPoint:
    date: dt.date
    value: float


@attrs.frozen
class ReportKeyResult:
    id: str
    title: str
    metric: str | None
    unit: str
    direction: str
    baseline: float
    target: float | None
    target_source: str
    actual: float | None
    numerator: float | None
    denominator: float | None
    attainment: float | None
    due: float
    expected: float
    status: str
    margin: float | None
    change: float | None
    """Since the same day a week earlier."""
    forecast: float | None
    forecast_reach: dt.date | None
    forecast_note: str
    weight: float
    trend: tuple[TrendPoint, ...]
    milestones: tuple[TrendPoint, ...]
    """The due curve's corners: (date, value expected by then)."""


@attrs.frozen
class ReportObjective:
    id: str
    title: str
    owner: str
    weight: float
    score: float | None
    key_results: tuple[ReportKeyResult, ...]


@attrs.frozen
class ReportMember:
    rank: int
    id: str
    name: str
    kind: str
    score: float | None
    off_track: int
    key_results: int


@attrs.frozen
class ReportScore:
    person: str
    name: str
    policy: str
    period: str
    score: float
    raw: float


@attrs.frozen
class ReportBreaker:
    tripped: bool
    reason: str
    message: str
    spend_progress: float
    allowed: float | None
    threshold: float


@attrs.frozen
class ReportOverride:
    date: dt.date
    amount: float
    reason: str
    signed_by: tuple[str, ...]


@attrs.frozen
class ReportLine:
    id: str
    name: str
    owner: str
    amount: float
    spent: float
    left: float
    planned: float
    roi: float | None
    attributed_revenue: float | None
    cost_per_result: dict[str, float]
    breaker: ReportBreaker
    market_activity: bool
    signed_by: tuple[str, ...]
    overrides: tuple[ReportOverride, ...]


@attrs.frozen
class ReportBudgetTotal:
    amount: float
    declared: float | None
    spent: float
    left: float
    attributed_revenue: float | None
    roi: float | None
    expected_revenue: float | None
    expected_roi: float | None
    expense_ratio: float | None
    expense_ratio_max: float | None


@attrs.frozen
class ReportBudget:
    lines: tuple[ReportLine, ...]
    total: ReportBudgetTotal


@attrs.frozen
class ReportAlert:
    level: str
    kind: str
    message: str


@attrs.frozen
class ReportPhase:
    id: str
    name: str
    start: dt.date
    end: dt.date
    days_left: int


@attrs.frozen
class Named:
    id: str
    name: str


@attrs.frozen
class ReportUnit:
    id: str
    name: str
    level: str


@attrs.frozen
class Report:
    schema: str
    generated_by: str
    lang: str
    plan: Named
    unit: ReportUnit
    as_of: dt.date
    week: str
    phase: ReportPhase | None
    score: float | None
    objectives: tuple[ReportObjective, ...]
    members: tuple[ReportMember, ...]
    scores: tuple[ReportScore, ...]
    budget: ReportBudget
    alerts: tuple[ReportAlert, ...]


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
    from okrdesk.engine.pace import due_fraction, expected_value

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


def _line(lp: LineProgress) -> ReportLine:
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
        cost_per_result=dict(lp.cost_per_result),
        breaker=ReportBreaker(b.tripped, b.reason, b.message, b.spend_progress, b.allowed,
                              b.threshold),
        market_activity=lp.line.market_activity,
        signed_by=signers,
        overrides=tuple(
            ReportOverride(e.day, float(e.amount), e.override_reason or "", e.signed_by)
            for e in lp.overrides
        ),
    )  # fmt: skip


def _budget(plan: Plan, budget: BudgetProgress, unit: str) -> ReportBudget:
    inside = set(subjects_under(plan, unit))
    top = unit == plan.top
    lines = tuple(_line(lp) for lp in budget.lines if top or lp.line.owner in inside)
    amount = sum(line.amount for line in lines)
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
        left=(declared if declared is not None else amount) - spent,
        attributed_revenue=attributed,
        roi=attributed / spent if attributed is not None and spent else None,
        expected_revenue=float(expected) if expected is not None else None,
        expected_roi=budget.expected_roi if top else None,
        expense_ratio=ratio.ratio if ratio else None,
        expense_ratio_max=ratio.limit if ratio else None,
    )
    return ReportBudget(lines, total)


def _alerts(
    session: Session,
    store: Store,
    progress: SubjectProgress,
    budget: ReportBudget,
    day: dt.date,
) -> tuple[ReportAlert, ...]:
    alerts = [
        ReportAlert("error", "breaker", line.breaker.message)
        for line in budget.lines
        if line.breaker.tripped
    ]
    total = budget.total
    if (
        total.expense_ratio is not None
        and total.expense_ratio_max is not None
        and (total.expense_ratio > total.expense_ratio_max)
    ):
        alerts.append(ReportAlert("warning", "expense_ratio",
                                  f"expense ratio {total.expense_ratio:.1%} is above "
                                  f"{total.expense_ratio_max:.0%}"))  # fmt: skip
    alerts += [ReportAlert(a.level, a.kind, a.message) for a in progress.alerts]
    alerts += [
        ReportAlert("warning", f.kind, f.message) for f in source_findings(session.plan, store, day)
    ]
    runs = store.runs()
    if runs and runs[-1].errors:
        alerts += [ReportAlert("error", "plugin", e) for e in runs[-1].errors]
    for record in session.host.broken:
        alerts += [
            ReportAlert("error", "plugin", f"plugin {record.name}: {e}") for e in record.errors
        ]
    order = {"error": 0, "warning": 1, "info": 2}
    return tuple(sorted(alerts, key=lambda a: order.get(a.level, 3)))


def _phase(plan: Plan, day: dt.date) -> ReportPhase | None:
    phase = plan.phase_on(day)
    if phase is None:
        return None
    return ReportPhase(phase.id, phase.name, phase.start, phase.end, (phase.end - day).days)


def _latest_scores(
    plan: Plan, store: Store, session: Session, day: dt.date, unit: str
) -> tuple[ReportScore, ...]:
    inside = set(subjects_under(plan, unit))
    found = [s for s in scores(plan, store, day, session.host.metrics) if s.person in inside]
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
    session: Session, store: Store, unit: str, as_of: dt.date, lang: str = "zh"
) -> Report:
    plan = session.plan
    day = min(max(as_of, plan.start), plan.end)
    engine = Engine(plan, store, day, session.host.metrics, within=unit)
    progress = engine.progress(unit)
    week_ago = day - dt.timedelta(days=7)
    earlier = Engine(plan, store, week_ago, session.host.metrics, trends=False, within=unit)
    objectives = []
    for objective in progress.objectives:
        results = []
        for p in objective.key_results:
            before = (
                earlier.key_result(p.key_result, unit)
                if day - dt.timedelta(days=7) >= plan.start
                else None
            )
            results.append(_key_result(plan, p, before))
        objectives.append(
            ReportObjective(objective.objective.id, objective.objective.title,
                            objective.objective.owner, float(objective.objective.weight),
                            objective.score, tuple(results))
        )  # fmt: skip
    budget = _budget(plan, budget_progress(engine, store.spend()), unit)
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
        scores=_latest_scores(plan, store, session, day, unit),
        budget=budget,
        alerts=_alerts(session, store, progress, budget, day),
    )


def off_track(result: ReportKeyResult) -> bool:
    return result.status in (Status.OFF_TRACK.value, Status.BREACHED.value)


def all_results(report: Report) -> Sequence[ReportKeyResult]:
    return [kr for o in report.objectives for kr in o.key_results]
