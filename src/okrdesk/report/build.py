"""Build the report model from the engine: every figure, computed once.

Formats receive the result and lay it out; nothing here knows about text,
Markdown or HTML. Alerts come from ``okrdesk.engine.attention``, in the
report's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

import attrs

from okrdesk import __version__
from okrdesk.engine import attention
from okrdesk.engine.budget import BudgetProgress, LineProgress, apart_by_plan, budget_progress
from okrdesk.engine.cadence import owed
from okrdesk.engine.pace import closes_on, expected_value, key_result_due, phase_first_day
from okrdesk.engine.plan_calendar import (
    change_base,
    clamp_to_plan,
    collected_for,
    collects_apart,
    member_unit,
    plan_runs,
    settling_runs,
)
from okrdesk.engine.progress import (
    BEHIND,
    Engine,
    KeyResultProgress,
    MemberProgress,
    SubjectProgress,
    counts_as_nothing,
)
from okrdesk.engine.rollup import SharedReads, checkin_counts, subjects_under
from okrdesk.engine.scoring import PersonScore, cut_short, scores
from okrdesk.engine.tree_targets import owner_of
from okrdesk.messages import role as role_in_words
from okrdesk.model import (
    CheckinFigure,
    MetricKind,
    MetricSpec,
    Plan,
    Run,
    splits_credit,
    standing_failures,
)
from okrdesk.periods import Grain, Over, default_window, parse_window, period_holding, week_of
from okrdesk.records import shared_methods
from okrdesk.report.breakdown import breakdown_of
from okrdesk.report.document import (
    SCHEMA,
    Named,
    Report,
    ReportAlert,
    ReportBreaker,
    ReportBudget,
    ReportBudgetTotal,
    ReportCheckin,
    ReportComparison,
    ReportCost,
    ReportKeyResult,
    ReportLine,
    ReportMember,
    ReportNotCollected,
    ReportObjective,
    ReportOverride,
    ReportOwed,
    ReportPhase,
    ReportReserve,
    ReportScore,
    ReportStages,
    ReportUnit,
    ReportUnmeasured,
    ReportWindow,
    ScorePoint,
    TrendPoint,
)
from okrdesk.report.numbers import score_text
from okrdesk.store.reader import StoreReader
from okrdesk.units import cost_written


def _latest_checkin(engine: Engine, p: KeyResultProgress) -> ReportCheckin | None:
    """The latest check-in that counts in the subject's figure, on or before the date: its
    own, else the latest of those its members' figures add up (a member's below a unit
    with one of its own counts for nothing, as ``okrdesk explain`` marks it)."""
    if p.key_result.metric is not None:
        return None
    under = set(engine.under(p.subject))
    day = p.closed or engine.as_of
    plan = engine.plan
    latest: dict[str, CheckinFigure] = {}  # each subject's: an earlier one counts for nothing
    for f in engine.store.checkin_figures(p.key_result.id, under, plan.start, plan.end):
        if f.day <= day:
            latest[f.subject] = f
    found = [
        f
        for f in latest.values()
        if checkin_counts(plan, p.key_result, f.subject, p.subject, latest.keys())
    ]
    if not found:
        return None
    c = engine.store.checkin(max(found, key=lambda f: (f.day, f.id)).id)
    if c is None:
        return None
    of = "" if c.subject == p.subject else engine.plan.name_of(c.subject)
    return ReportCheckin(c.day, c.value, c.author, c.confidence, c.note, of)


# A command makes only a few of each class here: declared without __slots__, which attrs
# adds by building the class a second time (as report/document.py explains).
@attrs.frozen(slots=False)
@shared_methods
class WindowAsked:
    """``report --window NAME --compare last_year,previous``: the window line for every key
    result on a collected flow metric whose target file asks for none of its own."""

    window: str | None = None
    compare: tuple[str, ...] = ()


def _not_collected(
    failed: Sequence[_Failures], metric: str | None, specs: dict[str, MetricSpec], owner: set[str]
) -> ReportNotCollected | None:
    """What the latest collect asked for ``metric`` (or a metric a derived one is made
    of) could not get of it (``standing_failures``), of the collects whose figures count
    towards ``owner`` (the ids under the key result's owner): in a firm's report, a
    branch's failure is of the key results that add up its figures, and another branch's
    later collect settles nothing of it."""
    if metric is None or not failed:
        return None
    found = [
        (run, error, each.unit)
        for each in failed
        if each.under is None or not owner.isdisjoint(each.under)
        for name in collected_for(metric, specs)
        if name in each.failures
        for run, error in (each.failures[name],)
    ]
    if not found:
        return None
    run, error, unit = max(found, key=lambda failure: failure[0].id)
    return ReportNotCollected(run.id, run.started[:10], error, unit)


@attrs.frozen(slots=False)
@shared_methods
class _Failures:
    """``standing_failures`` of one plan's collects (``collects_apart``), with the ids
    whose figures those collects store (None: the report's plan's own, every id) and the
    name of its unit (``member_unit``)."""

    failures: Mapping[str, tuple[Run, str]]
    under: frozenset[str] | None
    unit: str | None


def _failures_apart(
    plan: Plan, runs: Sequence[Run], owners: Mapping[str, str], store: StoreReader
) -> list[_Failures]:
    """Each group of ``collects_apart`` with its ``standing_failures``; of the plan's own
    collects, not those another plan's later collect read again for all of it (a head
    office's, for every branch: ``ReadAgain``)."""
    found = []
    apart = collects_apart(plan, runs)
    for group in apart:
        own = {run.id for run in group}
        failures = {metric: failure for metric, failure
                    in standing_failures(settling_runs(plan, group, apart), owners).items()
                    if failure[0].id in own}  # fmt: skip
        unit = member_unit(plan, group[-1])
        if failures and unit is None:
            from okrdesk.engine.superseded import ReadAgain  # only for a failure standing

            again = ReadAgain(plan, store, store.runs)
            failures = {metric: (run, error) for metric, (run, error) in failures.items()
                        if not again.superseded(run, metric)}  # fmt: skip
        if not failures:
            continue
        under = None if unit is None else frozenset(subjects_under(plan, group[-1].plan_unit))
        found.append(_Failures(failures, under, unit))
    return found


def _no_news(
    metric: str | None,
    specs: dict[str, MetricSpec],
    latest: Mapping[tuple[Grain, str], dt.date | None],
    grain: Grain,
    base: dt.date,
) -> bool:
    """Whether the figures of ``metric`` (of each metric a derived one is made of) at
    the plan's ``grain`` end on or before ``base``, the day the change column counts
    from: nothing is known of the period the change is about (``latest``:
    ``attention.latest_ends``)."""
    if metric is None:
        return False
    ends = [latest.get((grain, name)) for name in collected_for(metric, specs)]
    return bool(ends) and all(end is not None and end <= base for end in ends)


def _pooled(plan: Plan, unit: str, results: Sequence[ReportKeyResult]) -> tuple[str, ...]:
    """The key results on rates shared out to members in a unit's report, whose members'
    rates the reader sees beside the unit's (``ReportObjective.pooled``): a rate no member
    has a share of is said once, in docs, not under every objective every week."""
    if unit not in plan.units_by_id:
        return ()
    return tuple(
        r.id for r in results
        if r.numerator is not None and r.denominator is not None and r.members_total
    )  # fmt: skip


def _window_as_begun(
    engine: Engine, earlier: Engine, p: KeyResultProgress, before: KeyResultProgress
) -> KeyResultProgress:
    """A growth target's figure a period ago, for its change: 0 of its window where the
    window began since (a quarter's first month against the whole quarter before it, a
    change of -51.91万 that led what moved most), else as it was."""
    from okrdesk.engine.growth import GROWTH_WINDOW
    from okrdesk.engine.windows import whole_run

    kr, grain = p.key_result, engine.plan.grain
    window = parse_window(kr.window or GROWTH_WINDOW)
    spans = [whole_run(window, e.as_of, grain).first for e in (engine, earlier)]
    if spans[0] == spans[1] or before.actual.value is None:
        return before
    return attrs.evolve(before, actual=attrs.evolve(before.actual, value=0.0))


def _role(plan: Plan, subject: str, lang: str) -> str:
    """The role of the person ``subject`` in the report's words; "" for a unit."""
    person = plan.people_by_id.get(subject)
    return "" if person is None else role_in_words(lang, person.role)


def _began_counting(progress: SubjectProgress, earlier: SubjectProgress) -> tuple[str, ...]:
    """The key results the unit's score counts that its score a period earlier did not:
    with an attainment now and none then (Q2's rate with its first figure), so the
    score's change is partly theirs (+5.7百分点 on 6 April). One counted at 0 then, due
    with no figure yet (``counts_as_nothing``: a metric's first collect, a first
    check-in), was counted, and moves the score only as far as its figure does."""
    uncounted = {
        p.key_result.id for objective in earlier.objectives for p in objective.key_results
        if p.attainment is None and not counts_as_nothing(p)
    }  # fmt: skip
    return tuple(
        p.key_result.id for objective in progress.objectives for p in objective.key_results
        if p.attainment is not None and p.key_result.id in uncounted
    )  # fmt: skip


def _forecast_to(engine: Engine, p: KeyResultProgress) -> dt.date | None:
    """The day a forecast is for where it is not the plan's last day: an open checkpoint's
    closing day (``pace.closes_on``), the day a growth target closes (``growth_closes``:
    its window's end, or its last week's, 3 October for 2027's third quarter). A Q2
    checkpoint's or a quarter's 94.95万 is no year-end figure."""
    kr = p.key_result
    if kr.growth is None:
        return closes_on(engine.plan, kr) if p.closed is None else None
    from okrdesk.engine.growth import growth_closes

    end = growth_closes(engine, kr)
    return end if end < engine.plan.end else None


def _key_result(
    engine: Engine,
    p: KeyResultProgress,
    before: KeyResultProgress | None,
    breakdown: str | None = None,
    windows: WindowAsked | None = None,
    lang: str = "zh",
    not_collected: ReportNotCollected | None = None,
    no_news: bool = False,
) -> ReportKeyResult:
    """The key result as the report shows it; ``no_news``: its metric has no figures
    since the change column's base, so its change is not known (never ±0)."""
    plan = engine.plan
    kr = p.key_result
    members = engine.members_met(kr, p.subject)
    outside = engine.unshared(kr, p.subject) if members and p.closed is None else None
    # A rate's checkpoint read over its phase from this period, on the plan to date a
    # period ago: the two are no like for like, and no change is given.
    begun = before is not None and p.phase is not None and before.phase != p.phase
    earlier = before.actual.value if before is not None and not no_news and not begun else None
    now = p.actual.value
    change = now - earlier if now is not None and earlier is not None else None
    return ReportKeyResult(
        id=kr.id,
        title=kr.title,
        metric=kr.metric,
        unit=kr.unit.symbol,
        direction=kr.direction.value,
        band=None if kr.band is None else float(kr.band),
        baseline=p.baseline,
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
        new=now is not None and earlier is None and not no_news and not begun,
        no_new_figures=no_news,
        forecast=p.forecast.value,
        forecast_reach=p.forecast.reach,
        forecast_note=p.forecast.note,
        weight=float(kr.weight),
        trend=tuple(TrendPoint(d, v) for d, v in p.trend),
        milestones=_due_curve(plan, p),
        guardrail=kr.guardrail,
        closed=p.closed,
        closed_through=p.figures_through,
        counted_through=p.counted_past,
        settles_on=p.settles_on,
        settles_after_days=(
            engine.metrics[kr.metric].settles_after_days if p.settles_on and kr.metric else None
        ),
        phase=next((ph.id for ph in plan.phases if ph.end == p.closed), None),
        over_phase=p.phase,
        over_phase_from=(first := _phase_from(plan, p.phase)),
        over_phase_period=None if first is None else period_holding(first, plan.grain).id,
        phase_to_come=p.phase_to_come,
        checkin_not_due=p.checkin_not_due,
        no_rows_kind=p.no_rows_kind,
        members_met=members.met if members else None,
        members_on_pace=members.on_pace if members else None,
        members_total=members.total if members else None,
        members_behind=members.behind if members else None,
        members_settling=members.settling if members else None,
        split_credit=splits_credit(engine.metrics, kr),
        unshared=outside.amount if outside else None,
        unshared_people=tuple(plan.name_of(s) for s in outside.people) if outside else (),
        latest_checkin=_latest_checkin(engine, p),
        window=_window(engine, p, windows),
        stages=_stages(engine, p, lang),
        where=dict(kr.where),
        breakdown=breakdown_of(engine, p, breakdown, lang) if breakdown else None,
        not_collected=not_collected,
        old_figure=p.old_figure,
        due_on=p.due_on,
        forecast_to=_forecast_to(engine, p) if p.forecast.value is not None else None,
    )


def _phase_from(plan: Plan, phase: str | None) -> dt.date | None:
    """The first day of the first period a rate's checkpoint is read over: its phase's."""
    found = next((ph for ph in plan.phases if ph.id == phase), None)
    return phase_first_day(plan, found) if found is not None else None


def _stages(engine: Engine, p: KeyResultProgress, lang: str) -> ReportStages | None:
    spec = engine.metrics.get(p.key_result.metric or "")
    if spec is None or spec.stages is None:
        return None
    entered, converted = spec.stages.names(lang)
    return ReportStages(entered, converted, p.actual.denominator, p.actual.numerator)


def _window(
    engine: Engine, p: KeyResultProgress, asked: WindowAsked | None = None
) -> ReportWindow | None:
    """The key result's window and comparisons, when its target file or the report asks
    for them (the target file's own keys first)."""
    kr = p.key_result
    spec = engine.metrics.get(kr.metric or "")
    if spec is None:
        return None
    if kr.window or kr.compare or kr.growth is not None:
        name, compare, by_report = kr.window, kr.compare, False
    elif asked is not None and spec.kind is MetricKind.FLOW and spec.formula is None:
        name, compare, by_report = asked.window, asked.compare, True
    else:
        return None
    # Windows and growth (five classes, their enums) load for a report that shows one.
    from okrdesk.engine.growth import GROWTH_WINDOW
    from okrdesk.engine.windows import window_view

    if name:
        window = parse_window(name)
    else:
        window = parse_window(GROWTH_WINDOW) if kr.growth is not None else default_window(
            engine.plan.grain)  # fmt: skip
    overs = [Over(c) for c in compare] or ([Over.LAST_YEAR] if kr.growth is not None else [])
    day = p.closed or engine.as_of
    through = engine.rollup.shared.through(day)
    # A flow's weeks its collects read without a row are zeros, as in its own figure;
    # a subject with no figure at all (a branch missing from the export) has none.
    read = None
    if spec.kind is MetricKind.FLOW and p.actual.value is not None:
        read = engine.rollup.shared.latest_end(spec.name, engine.plan.grain, spec)
    seen = window_view(engine.plan, engine.store, spec, p.subject, day, window, overs, through,
                       read)  # fmt: skip
    growth = float(kr.growth) if kr.growth is not None else None
    base = p.target.value / (1 + growth) if growth is not None and p.target.value else None
    unknown = 0
    if growth is not None and base is None:
        from okrdesk.engine.growth import growth_basis

        basis = growth_basis(engine, kr, p.subject)
        unknown = basis.year.unknown if basis is not None else 0
    return ReportWindow(
        seen.window.name, seen.now.value, seen.now.periods,
        tuple(ReportComparison(c.over.value, c.earlier.value, c.earlier.periods, c.change,
                               c.points, c.why.value if c.why else None, c.difference,
                               c.earlier.from_baselines, c.days, c.earlier.unknown)
              for c in seen.comparisons),
        growth, base, seen.span, unknown, by_report,
    )  # fmt: skip


def ranks_as_shown(members: Iterable[tuple[str, float | None]]) -> list[int | None]:
    """Ranks for members already in order, given as (kind, score): each ranked among its
    kind, none for one with no score. Members whose scores read the same as written share
    a rank, and the next rank counts them all (1, 2, 2, 4): branches at 106.1% each are
    not 2nd and 15th by decimals the report does not show."""
    counted: dict[str, int] = {}
    last: dict[str, tuple[str, int]] = {}
    ranks: list[int | None] = []
    for kind, score in members:
        rank = None
        if score is not None:
            counted[kind] = counted.get(kind, 0) + 1
            shown = score_text(score)
            before = last.get(kind)
            rank = before[1] if before is not None and before[0] == shown else counted[kind]
            last[kind] = (shown, rank)
        ranks.append(rank)
    return ranks


def _ranked(
    members: Iterable[MemberProgress], shares: Mapping[str, int] | None = None
) -> tuple[ReportMember, ...]:
    """Members with a score ranked among their kind (``ranks_as_shown``); those without
    one (no targets, or none with figures yet) are listed last with no rank, never placed
    as if scored. A unit's off-track count takes in its members' shares that are behind
    (``shares``, by unit), so that it does not read 0 above an alert of 3 of them."""
    members = list(members)
    ranks = ranks_as_shown((m.kind, m.score) for m in members)
    found = []
    for m, rank in zip(members, ranks, strict=True):
        behind = (shares or {}).get(m.id, 0) if m.kind == "unit" else 0
        found.append(ReportMember(rank, m.id, m.name, m.kind, m.score, m.off_track + behind,
                                  m.key_results, m.unmeasured, behind, m.capped,
                                  m.phases_to_come, m.without_data))  # fmt: skip
    return tuple(found)


def _shares_behind(engine: Engine, scope: str) -> dict[str, int]:
    """For each unit directly below ``scope``: the shares of the key results owned in it
    (by it or a unit inside it) that members below their owner hold and that are off
    track, missed or breached; as many as its alert says (财富管理一部：3 个分解目标需要
    关注)."""
    plan = engine.plan
    inside = set(subjects_under(plan, scope))
    found: dict[str, int] = {}
    for kr in plan.key_results_by_id.values():
        owner = owner_of(plan, kr)
        if not kr.member_targets or owner not in plan.units_by_id or owner == scope:
            continue
        if owner in inside:  # the alert's walk (attention._member_alerts), counted
            member = attention.member_towards(plan, scope, owner)
            behind = sum(p.status in BEHIND for p in engine.shares_below(kr, owner))
            found[member] = found.get(member, 0) + behind
    return found


def _due_curve(plan: Plan, p: KeyResultProgress) -> tuple[TrendPoint, ...]:
    kr = p.key_result
    target = p.target.value or 0.0
    ends = {ph.id: ph.end for ph in plan.phases}
    days = {plan.start, plan.end} | {ends[m.phase] for m in kr.milestones if m.phase in ends}
    days |= {c.end for c in kr.calendar if c.end <= plan.end}
    if p.due_from is not None:  # nothing due before it: the curve bends there
        days.add(p.due_from - dt.timedelta(days=1))
    if kr.guardrail:
        return (TrendPoint(plan.start, target), TrendPoint(plan.end, target))
    return tuple(
        TrendPoint(
            day, expected_value(p.baseline, target, key_result_due(plan, kr, day, p.due_from))
        )
        for day in sorted(days)
    )


def cost_per_unit(plan: Plan, kr_id: str, per_base: float) -> float:
    """元 per one unit of the key result as its target is written (per 亿元, per 户)."""
    return per_base * float(plan.key_results_by_id[kr_id].unit.factor)


def cost_text(plan: Plan, kr_id: str, per_base: float, lang: str) -> str:
    """A cost per result as the budget table writes it: ``9.26万/亿元``, ``CNY 5.07k per
    acct``."""
    unit = plan.key_results_by_id[kr_id].unit
    return cost_written(cost_per_unit(plan, kr_id, per_base), unit, lang)


def _costs(plan: Plan, lp: LineProgress, lang: str) -> tuple[ReportCost, ...]:
    """Cost per result in money per one unit of the result, as its target is written."""
    return tuple(
        ReportCost(kr_id, cost_per_unit(plan, kr_id, per_base),
                   plan.key_results_by_id[kr_id].unit.symbol,
                   cost_text(plan, kr_id, per_base, lang))
        for kr_id, per_base in lp.cost_per_result.items()
    )  # fmt: skip


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
        planned=None if lp.planned is None else float(lp.planned),
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
    """Each person's score in the last complete period, and in the current one to date."""
    inside = set(subjects_under(plan, unit))
    complete: dict[tuple[str, str], PersonScore] = {}
    current: dict[tuple[str, str], PersonScore] = {}
    history: dict[tuple[str, str], list[ScorePoint]] = {}
    for s in scores(plan, store, day, metrics):
        if s.person in inside:
            (complete if s.complete else current)[(s.policy, s.person)] = s
            if s.complete:
                history.setdefault((s.policy, s.person), []).append(
                    ScorePoint(s.period, s.score, s.raw)
                )
    rows = []
    for key in sorted(complete.keys() | current.keys()):
        last, now = complete.get(key), current.get(key)
        policy, person = key
        rows.append(
            ReportScore(
                person, plan.people_by_id[person].name, policy,
                last.period if last else None, last.score if last else None,
                last.raw if last else None,
                now.period if now else None, now.score if now else None,
                now.raw if now else None, now.elapsed if now else None,
                tuple(history.get(key, ())),
            )
        )  # fmt: skip
    return tuple(sorted(rows, key=_score_order))


def _score_order(row: ReportScore) -> tuple[bool, float, str]:
    shown = row.score if row.score is not None else row.current_score
    return (shown is None, -(shown or 0.0), row.person)


def build_report(
    plan: Plan,
    metrics: dict[str, MetricSpec],
    store: StoreReader,
    unit: str,
    as_of: dt.date,
    lang: str = "zh",
    broken_plugins: Iterable[tuple[str, object]] = (),
    breakdowns: Mapping[str, str] | None = None,
    windows: WindowAsked | None = None,
    owners: Mapping[str, str] | None = None,
    clashes: Mapping[str, Sequence[str]] | None = None,
) -> Report:
    """The report on ``unit`` (a unit or person id) at the end of ``as_of``;
    ``breakdowns`` (key result id → dimension) adds to or overrides the target
    files' ``breakdown``; ``windows`` gives the key results on flows that ask for no
    window a window line; ``owners`` (metric → plugin) marks the key results whose
    metric the latest collect asked for it could not get; ``clashes`` (metric → the
    plugins that all declare it, so none's is used) says why a key result on one has no
    figure."""
    asked = {**{kr.id: kr.breakdown for kr in plan.key_results_by_id.values() if kr.breakdown},
             **(breakdowns or {})}  # fmt: skip
    day = clamp_to_plan(plan, as_of)
    shared = SharedReads(store, plan, specs=metrics)
    period_ago = change_base(shared.through(day), plan.grain)
    # Now and a period earlier (the change column) are summed in the same scan.
    shared.read_together((day, period_ago) if period_ago >= plan.start else (day,))
    engine = Engine(plan, store, day, metrics, within=unit, shared=shared)
    engine.read_trends_aside(unit)
    progress = engine.progress(unit)
    earlier = Engine(plan, store, period_ago, metrics, trends=False, within=unit, shared=shared)
    runs = plan_runs(plan, store)
    failed = _failures_apart(plan, runs, owners or {}, store)
    objectives = []
    latest = attention.latest_ends(plan, store, metrics, shared)  # the alerts' too
    for objective in progress.objectives:
        results = []
        for p in objective.key_results:
            before = earlier.key_result(p.key_result, unit) if period_ago >= plan.start else None
            if before is not None and p.key_result.growth is not None:
                before = _window_as_begun(engine, earlier, p, before)
            missed = _not_collected(
                failed,
                p.key_result.metric,
                metrics,
                set(subjects_under(plan, p.subject)) if failed else set(),
            )
            no_news = p.closed is None and _no_news(p.key_result.metric, metrics, latest,
                                                    plan.grain, period_ago)  # fmt: skip
            results.append(_key_result(engine, p, before, asked.get(p.key_result.id), windows,
                                       lang, missed, no_news))  # fmt: skip
        unmeasured = []
        for kr in objective.unmeasured:
            missing = engine.unprovided(kr.metric or "") or kr.metric or ""
            declared_by = tuple((clashes or {}).get(missing, ()))
            unmeasured.append(
                ReportUnmeasured(kr.id, kr.title, kr.unit.symbol, missing, declared_by)
            )
        objectives.append(
            ReportObjective(objective.objective.id, objective.objective.title,
                            objective.objective.owner, float(objective.objective.weight),
                            objective.score, tuple(results), tuple(unmeasured),
                            objective.capped, _pooled(plan, unit, results))
        )  # fmt: skip
    budget = budget_progress(engine, *apart_by_plan(engine.plan, store.spend()))
    owing = owed(plan, store, day, unit)  # the alerts' too
    found = attention.alerts(engine, budget, unit, broken_plugins=broken_plugins, runs=runs,
                             owners=owners, latest=latest, clashes=clashes,
                             owing=owing)  # fmt: skip
    then = earlier.progress(unit, members=False) if period_ago >= plan.start else None
    previous = None if then is None else then.score
    began = () if then is None else _began_counting(progress, then)
    return Report(
        schema=SCHEMA,
        generated_by=f"okrdesk {__version__}",
        lang=lang,
        plan=Named(plan.id, plan.name),
        unit=ReportUnit(unit, progress.name, progress.level, _role(plan, unit, lang)),
        as_of=day,
        week=week_of(day).id,
        grain=plan.grain.value,
        phase=_phase(plan, day),
        score=progress.score,
        objectives=tuple(objectives),
        members=_ranked(progress.members, _shares_behind(engine, unit)),
        scores=_latest_scores(plan, store, metrics, day, unit),
        budget=_budget(plan, budget, unit, lang),
        alerts=tuple(ReportAlert.of(a, lang, short=True) for a in found),
        previous_score=previous,
        began_counting=began,
        owed=tuple(
            ReportOwed(o.key_result, o.title, o.subject, o.person, o.name, o.cadence.value,
                       o.since, o.last, o.periods, o.due,
                       plan.name_of(o.subject) if o.subject in plan.units_by_id
                       and o.subject != unit else "")
            for o in owing
        ),
        figures_through=engine.through if engine.through != day else None,
        change_from=period_ago if period_ago >= plan.start else None,
        scores_cut=cut_short(plan, store, day),
        cut_period=period_holding(day, plan.grain).id if engine.through != day else None,
        attainment_cap=plan.attainment_cap,
    )  # fmt: skip
