"""What the budget bought: spend against plan, ROI, cost per result, the breaker.

Revenue and volume. A linked key result is revenue (money earned:
commission, trailing fees, interest) when its metric's spec says so, or,
for one tracked by check-ins, when a line names it under ``revenue``.
Every other linked result in money or in a count that should grow (net new
AUM, sales, new clients) is volume.

Attribution. A revenue key result's achieved revenue (its actual) is shared
among the budget lines linked to it, in proportion to each line's amount
times its link weight; so the lines' attributed revenue adds up to the
revenue achieved, never more. A line's ROI is its attributed revenue over
its spend. Cost per result: for a volume key result, the spend the lines
give it (spend × link weight), summed over lines, over the results achieved.

The circuit breaker (熔断). A line's spend progress is spent / amount. What
its results allow is the progress of its linked key results towards their
targets, (actual − baseline) / (target − baseline), each at most 1 (done),
weighted by the links; a line with no linked results, or none with a figure
yet, is held to its spending schedule instead (a line whose results have no
figure and that has no schedule, to how far its results are due by then).
The line trips when spend progress runs ahead of what is allowed by more
than its threshold (10 points by default), or when it has spent more than
its amount by more than the threshold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

import attrs

from okrdesk.engine.pace import due_fraction
from okrdesk.engine.plan_calendar import of_the_plan
from okrdesk.engine.progress import Engine, KeyResultProgress
from okrdesk.engine.rollup import subjects_under
from okrdesk.engine.tree_targets import owner_of
from okrdesk.messages import alert_text, past_limit
from okrdesk.model import BudgetLine, Direction, KeyResult, MetricSpec, Plan, Run, SpendEntry
from okrdesk.records import shared_methods
from okrdesk.units import Dimension

# Exactly at the threshold does not trip; float arithmetic must not make it.
_TOLERANCE = 1e-9


# A command makes only a few of each class here: declared without __slots__, which attrs
# adds by building the class a second time (as report/document.py explains).
@attrs.frozen(slots=False)
@shared_methods
class Breaker:
    tripped: bool
    reason: str
    """"pace", "overspend" or "" when not tripped."""
    spend_progress: float
    allowed: float | None
    """What the results (or the schedule) allow; None when nothing bounds the pace."""
    threshold: float
    params: Mapping[str, object] = attrs.field(factory=dict)
    """What the alert catalogue needs to say why it tripped (``breaker.<reason>``)."""

    def text(self, lang: str = "en") -> str:
        """Why the breaker tripped, in words; empty when it has not."""
        return alert_text(f"breaker.{self.reason}", lang, self.params) if self.tripped else ""

    @property
    def message(self) -> str:
        return self.text("en")

    def standing(self, lang: str = "en") -> str:
        """Where the line stands against its breaker, tripped or not."""
        if self.tripped:
            return self.text(lang)
        calm = "breaker.calm" if self.allowed is not None else "breaker.calm_unbound"
        return alert_text(calm, lang, self.params)


@attrs.frozen(slots=False)
@shared_methods
class RevenueShare:
    """How a revenue key result's achieved revenue is shared among its lines."""

    key_result: str
    achieved: float
    stakes: Mapping[str, float]
    """Each line linked to it → its stake, amount × link weight, in 元."""

    def share(self, line: str) -> float:
        total = sum(self.stakes.values())
        return self.stakes[line] / total if total else 1.0 / len(self.stakes)


@attrs.frozen(slots=False)
@shared_methods
class CostShare:
    """What the lines spent on a volume key result, and what it achieved."""

    key_result: str
    spent: Mapping[str, float]
    """Each line linked to it → its spend on it, spent × link weight, in 元."""
    achieved: float

    @property
    def per_result(self) -> float:
        """元 per result (per base unit of the key result)."""
        return sum(self.spent.values()) / self.achieved


@attrs.frozen(slots=False)
@shared_methods
class LineProgress:
    line: BudgetLine
    spent: Decimal
    planned: Decimal | None
    """What the schedule planned to be spent by the date; None for a line with no
    schedule, which planned nothing by any date (not 0 planned)."""
    results_progress: float | None
    breaker: Breaker
    entries: tuple[SpendEntry, ...]
    revenue_shares: tuple[RevenueShare, ...] = ()
    """The revenue key results its attributed revenue comes from, with every line's
    stake in each."""
    costs: tuple[CostShare, ...] = ()
    """The volume key results its cost per result is of, with every line's spend on each."""

    @property
    def left(self) -> Decimal:
        return self.line.amount - self.spent

    @property
    def attributed_revenue(self) -> float | None:
        """Its share of each revenue key result's achieved revenue, summed."""
        if not self.revenue_shares:
            return None
        return sum(s.share(self.line.id) * s.achieved for s in self.revenue_shares)

    @property
    def spent_on(self) -> tuple[CostShare, ...]:
        """Of ``costs``, those of the key results this line has spent something on. The
        cost per result is the key result's, of every line's spending: on the row of a
        line that has spent nothing on it, it would read as that line's own (a branch's
        untouched salon budget beside 1.47万 per 亿元)."""
        return tuple(cost for cost in self.costs if cost.spent.get(self.line.id, 0) > 0)

    @property
    def cost_per_result(self) -> dict[str, float]:
        """Volume key result id → 元 spent per result achieved (per base unit of it), of
        the key results the line has spent something on (``spent_on``)."""
        return {cost.key_result: cost.per_result for cost in self.spent_on}

    @property
    def roi(self) -> float | None:
        if self.attributed_revenue is None or not self.spent:
            return None
        return self.attributed_revenue / float(self.spent)

    @property
    def overrides(self) -> tuple[SpendEntry, ...]:
        """The entries pushed past the breaker that still stand: one reversed by then was
        money given back, and its reason no longer says why the line is over."""
        reversed_ = {e.reverses for e in self.entries if e.reverses is not None}
        return tuple(e for e in self.entries if e.override_reason and e.id not in reversed_)


@attrs.frozen(slots=False)
@shared_methods
class ExpenseRatio:
    spent: Decimal
    revenue: float | None
    limit: float | None

    @property
    def ratio(self) -> float | None:
        return float(self.spent) / self.revenue if self.revenue else None

    @property
    def over(self) -> bool:
        ratio = self.ratio
        return ratio is not None and self.limit is not None and ratio > self.limit


@attrs.frozen(slots=False)
@shared_methods
class BudgetProgress:
    lines: tuple[LineProgress, ...]
    """Tripped lines first, then in the plan's order."""
    amount: Decimal
    total: Decimal
    """The declared total (or the sum of the lines)."""
    spent: Decimal
    expected_revenue: Decimal | None
    by_owner: Mapping[str, tuple[Decimal, Decimal]]
    """Unit or person → (amount, spent) of the lines it owns."""
    by_objective: Mapping[str, tuple[Decimal, Decimal]]
    """Objective → (amount, spent), lines shared by their link weights."""
    expense_ratios: Mapping[str, ExpenseRatio] = attrs.field(factory=dict)
    """Unit → its spend over its revenue, where the plan names a revenue metric."""
    off_plan: Mapping[str, tuple[int, Decimal]] = attrs.field(factory=dict)
    """Spending the ledger holds up to the day on lines the plan does not have (one
    renamed or removed in the target files after it was spent on): line id → (entries,
    net amount in 元), where the net is not 0. It counts towards no line, no total and
    no breaker, so it is told rather than left out unsaid."""
    under_old_unit: Mapping[str, tuple[int, Decimal]] = attrs.field(factory=dict)
    """This plan's own spending up to the day that the ledger keeps under a unit id the
    plan no longer has (its ``unit`` changed in the target files after spending): the
    old id → (entries, net amount in 元). It counts towards no line, total or breaker
    until moved (``okrdesk move-unit``), so it is told (``recorded_here``)."""
    under_old_plan_id: Mapping[str, tuple[str, int, Decimal]] = attrs.field(factory=dict)
    """Spending of the plan's days under a unit id it no longer has, recorded by a plan of
    another id that would be this plan's were that its id before (its ``id`` changed with
    its ``unit``): the old unit id → (that plan id, entries, net). Told only where the
    plan's check-ins are kept under the same old id, or a collect ran there for its
    people (attention's ``old_units_of_the_plan``), which say the old id was ours."""

    @property
    def left(self) -> Decimal:
        return self.total - self.spent

    @property
    def reserve(self) -> Decimal:
        """The part of the declared total in no line (预留); 0 when the lines fill it."""
        return max(self.total - self.amount, Decimal(0))

    @property
    def expected_roi(self) -> float | None:
        if self.expected_revenue is None or not self.total:
            return None
        return float(self.expected_revenue / self.total)

    @property
    def attributed_revenue(self) -> float | None:
        found = [
            line.attributed_revenue for line in self.lines if line.attributed_revenue is not None
        ]
        return sum(found) if found else None

    @property
    def roi(self) -> float | None:
        revenue = self.attributed_revenue
        return None if revenue is None or not self.spent else revenue / float(self.spent)

    @property
    def tripped(self) -> tuple[LineProgress, ...]:
        return tuple(line for line in self.lines if line.breaker.tripped)


def _results_progress(result: KeyResultProgress) -> float | None:
    """How far a linked key result has come, 0 to 1: one past its target allows its line
    no more than one at it, so that it cannot hide another at 0 (a complaint rate at 0‰
    against 0.15‰ is 350% of the way, which would let its line spend everything). None
    for one with no figure yet, or none of its own: a rate's checkpoint of a phase read
    over the plan to date before the phase has a figure (``phase_to_come``)."""
    kr, actual = result.key_result, result.actual.value
    if actual is None or result.target.value is None or result.phase_to_come is not None:
        return None
    if kr.direction is not Direction.AT_LEAST:
        attained = result.attainment
        return None if attained is None else min(1.0, attained)
    span = result.target.value - float(kr.baseline)
    if span <= 0:
        return 1.0
    return min(1.0, max(0.0, (actual - float(kr.baseline)) / span))


def judge_line(
    line: BudgetLine,
    spent: Decimal,
    results: Mapping[str, KeyResultProgress],
    planned_fraction: float,
    default_threshold: Decimal,
) -> tuple[Breaker, float | None]:
    threshold = float(line.threshold if line.threshold is not None else default_threshold)
    amount = float(line.amount)
    spend_progress = float(spent) / amount if amount else (1.0 if spent > 0 else 0.0)
    progress = [
        (float(w), p) for kr, w in line.key_results.items()
        if kr in results and (p := _results_progress(results[kr])) is not None
    ]  # fmt: skip
    weight = sum(w for w, _ in progress)
    results_progress = sum(w * p for w, p in progress) / weight if weight else None
    if line.key_results and results_progress is not None:
        allowed, bound = results_progress, "results"
    elif line.schedule:
        # No linked result has a figure yet (the year's first weeks, before a check-in):
        # the line is held to its own schedule ...
        allowed, bound = planned_fraction, "schedule"
    elif line.key_results:
        # ... or, without one, to how far its results are due by now: as though they were
        # on pace, never more, so that withholding their figures buys no spending.
        due = [(float(w), results[kr].due) for kr, w in line.key_results.items() if kr in results]
        due_weight = sum(w for w, _ in due)
        allowed = sum(w * d for w, d in due) / due_weight if due_weight else 0.0
        bound = "due"
    else:
        allowed, bound = None, ""
    over = spend_progress - 1.0
    params = {"line": line.id, "name": line.name, "spent": spend_progress,
              "threshold": threshold}  # fmt: skip
    if over > threshold + _TOLERANCE:
        params["spent"], _, params["over"] = past_limit(spend_progress, 1.0, threshold)
        breaker = Breaker(True, "overspend", spend_progress, allowed, threshold, params)
        return breaker, results_progress
    if allowed is not None:
        params.update(bound=bound, allowed=allowed)
    if allowed is not None and spend_progress - allowed > threshold + _TOLERANCE:
        params["spent"], params["allowed"], params["ahead"] = past_limit(
            spend_progress, allowed, threshold
        )
        return Breaker(True, "pace", spend_progress, allowed, threshold, params), results_progress
    return Breaker(False, "", spend_progress, allowed, threshold, params), results_progress


def apart_by_plan(plan: Plan, ledger: Sequence[SpendEntry]) -> tuple[list[SpendEntry], ...]:
    """The whole ledger as ``plan``'s own entries (and those of a store older than schema
    22) and the entries recorded under any other unit id."""
    mine = [e for e in ledger if e.plan_unit in ("", plan.top)]
    return mine, [e for e in ledger if e.plan_unit not in ("", plan.top)]


def recorded_here(
    plan: Plan,
    entries: Sequence[SpendEntry],
    runs: Callable[[], Sequence[Run]],
    own: Sequence[SpendEntry] = (),
    plan_id: str | None = None,
) -> bool:
    """Whether ``entries``, recorded under a unit id that is not ``plan``'s, are this
    plan's own: each recorded by a plan of its id (``plan.id``, or ``plan_id``, the id it
    had before, where its user says so: an id changed before its unit leaves entries of
    both under the old unit; kept since schema 24, or none before), and
    signed by its people: every signer a person of its ``[[people]]`` or one of its
    ``[budget] signers``, at least one of them a person. A branch sharing the firm's
    server records under its own plan's id, signed by its own staff; this plan's entries
    kept under its old unit id after its ``unit`` was changed carry its id and the names
    of the people it still has. And a unit id changed falls silent as the new one
    starts: none of them recorded after this plan's first entry under its unit
    (``own``, moved ones aside), and the old id's plan collecting nothing since this
    plan's first collect under its unit (``runs``, the store's, read only then). A branch
    sharing the store under the same plan id (two made by ``okrdesk init`` keep
    ``plan-2026``), with namesakes of ours signing, goes on recording and collecting."""
    if any(entry.plan_id not in ("", plan.id, plan_id or plan.id) for entry in entries):
        return False
    people = {person.name for person in plan.people}
    known = people | set(plan.budget.signers)
    names = {name for entry in entries for name in entry.signed_by}
    if not names or not names <= known or names.isdisjoint(people):
        return False
    started = min((entry.recorded for entry in own if not entry.moved_from), default=None)
    if started is not None and any(entry.recorded > started for entry in entries):
        return False
    unit = entries[0].plan_unit
    collected = runs()
    first = min((run.id for run in collected if run.plan_unit == plan.top), default=None)
    return first is None or not any(r.plan_unit == unit and r.id > first for r in collected)


def under_old_units(
    plan: Plan,
    others: Sequence[SpendEntry],
    as_of: dt.date,
    runs: Callable[[], Sequence[Run]],
    own: Sequence[SpendEntry] = (),
) -> dict[str, tuple[int, Decimal]]:
    """``others`` (``apart_by_plan``'s second part) that are this plan's own, recorded
    under a unit id it no longer has: by that id, how many up to ``as_of`` within the
    plan's days, and their net; an id whose entries cancel out is left out. An id that
    is one of the plan's units (a branch in its firm's plan) is that unit's plan's."""
    by_unit: dict[str, list[SpendEntry]] = {}
    for entry in of_the_plan(plan, others):
        if entry.plan_unit not in plan.units_by_id and entry.day <= as_of:
            by_unit.setdefault(entry.plan_unit, []).append(entry)
    found = {}
    for unit, entries in sorted(by_unit.items()):
        net = sum((e.amount for e in entries), Decimal(0))
        if net != 0 and recorded_here(plan, entries, runs, own):
            found[unit] = (len(entries), net)
    return found


def budget_progress(
    engine: Engine, entries: Sequence[SpendEntry], others: Sequence[SpendEntry] = ()
) -> BudgetProgress:
    """The budget as ``entries`` (the plan's own) spend it; ``others``, the ledger's
    entries under other unit ids, only to tell those of the plan's own kept under an
    old id."""
    plan = engine.plan
    budget = plan.budget
    spent_entries = [e for e in of_the_plan(plan, entries) if e.day <= engine.as_of]
    results: dict[str, KeyResultProgress] = {}
    for kr_id in {kr for line in budget.lines for kr in line.key_results}:
        kr = plan.key_results_by_id.get(kr_id)
        if kr is not None and (p := engine.key_result(kr, owner_of(plan, kr))) is not None:
            results[kr_id] = p
    revenue = revenue_key_results(budget.lines, plan.key_results_by_id, engine.metrics)
    stakes = _stakes(budget.lines, revenue)
    lines = []
    for line in budget.lines:
        mine = tuple(e for e in spent_entries if e.line == line.id)
        spent = sum((e.amount for e in mine), Decimal(0))
        fraction = due_fraction(plan, line.schedule, engine.as_of) if line.schedule else 0.0
        breaker, results_progress = judge_line(line, spent, results, fraction, budget.threshold)
        lines.append(
            LineProgress(
                line=line,
                spent=spent,
                planned=line.amount * Decimal(str(round(fraction, 6))) if line.schedule else None,
                results_progress=results_progress,
                breaker=breaker,
                entries=mine,
            )
        )
    lines = [_with_revenue(lp, stakes, results) for lp in lines]
    lines = _with_costs(lines, plan.key_results_by_id, results, revenue)
    ordered = sorted(lines, key=_severity)
    spent_total = sum((lp.spent for lp in lines), Decimal(0))
    return BudgetProgress(
        lines=tuple(ordered),
        amount=budget.amount,
        total=budget.total if budget.total is not None else budget.amount,
        spent=spent_total,
        expected_revenue=budget.expected_revenue,
        by_owner=_by_owner(lines),
        by_objective=_by_objective(lines, plan.key_results_by_id),
        expense_ratios=_expense_ratios(engine, lines),
        off_plan=off_plan_spending(budget.lines, spent_entries),
        under_old_unit=under_old_units(plan, others, engine.as_of, engine.store.runs, entries),
        under_old_plan_id=under_old_plan_ids(
            plan, others, engine.as_of, engine.store.runs, entries
        ),
    )


def under_old_plan_ids(
    plan: Plan,
    others: Sequence[SpendEntry],
    as_of: dt.date,
    runs: Callable[[], Sequence[Run]],
    own: Sequence[SpendEntry] = (),
) -> dict[str, tuple[str, int, Decimal]]:
    """``under_old_units`` of entries recorded by a plan of one other id, judged as if
    that were this plan's id before (``recorded_here``'s ``plan_id``): by unit id, that
    plan id, how many and their net."""
    by_unit: dict[str, list[SpendEntry]] = {}
    for entry in of_the_plan(plan, others):
        if entry.plan_unit not in plan.units_by_id and entry.day <= as_of:
            by_unit.setdefault(entry.plan_unit, []).append(entry)
    found = {}
    for unit, entries in sorted(by_unit.items()):
        ids = {e.plan_id for e in entries} - {"", plan.id}
        net = sum((e.amount for e in entries), Decimal(0))
        if len(ids) == 1 and net != 0:
            (old_id,) = ids
            if recorded_here(plan, entries, runs, own, plan_id=old_id):
                found[unit] = (old_id, len(entries), net)
    return found


def _severity(lp: LineProgress) -> tuple[bool, bool, float]:
    """Where a line goes in the budget's order: the tripped lines first, those spent past
    their amount before those only ahead of their results, each by the money past its
    bound, most first (the first screen shows the first two); then the others, in the
    plan's order (``sorted`` keeps it)."""
    breaker = lp.breaker
    if not breaker.tripped:
        return (True, True, 0.0)
    bound = 1.0 if breaker.reason == "overspend" else (breaker.allowed or 0.0)
    past = float(lp.spent) - bound * float(lp.line.amount)
    return (False, breaker.reason != "overspend", -past)


def off_plan_spending(
    lines: Sequence[BudgetLine], entries: Sequence[SpendEntry]
) -> dict[str, tuple[int, Decimal]]:
    """The ledger's entries on lines not among ``lines``, by line: how many, and their
    net amount; a line whose entries cancel out (an entry and its reversal) is left out."""
    planned = {line.id for line in lines}
    found: dict[str, tuple[int, Decimal]] = {}
    for entry in entries:
        if entry.line not in planned:
            count, net = found.get(entry.line, (0, Decimal(0)))
            found[entry.line] = (count + 1, net + entry.amount)
    return {line: counted for line, counted in sorted(found.items()) if counted[1] != 0}


def _expense_ratios(engine: Engine, lines: Sequence[LineProgress]) -> dict[str, ExpenseRatio]:
    """Spend on lines owned in a unit (or below it) over the unit's revenue."""
    budget = engine.plan.budget
    metric = budget.revenue_metric
    if metric is None or metric not in engine.metrics:
        return {}
    limit = None if budget.expense_ratio_max is None else float(budget.expense_ratio_max)
    ratios = {}
    for unit in engine.plan.units:
        inside = set(subjects_under(engine.plan, unit.id))
        spent = sum((lp.spent for lp in lines if lp.line.owner in inside), Decimal(0))
        revenue = engine.rollup.figure(metric, unit.id).value
        if spent or revenue:
            ratios[unit.id] = ExpenseRatio(spent, revenue, limit)
    return ratios


def revenue_key_results(
    lines: Sequence[BudgetLine],
    key_results: Mapping[str, KeyResult],
    metrics: Mapping[str, MetricSpec],
) -> frozenset[str]:
    """The linked key results that are money earned: by their metric's spec, or, for one
    tracked by check-ins, because a line names it under ``revenue`` (then for every line)."""
    named = {kr for line in lines for kr in line.revenue}
    found = set()
    for kr_id in {kr for line in lines for kr in line.key_results}:
        kr = key_results.get(kr_id)
        if kr is None or kr.unit.dimension is not Dimension.MONEY:
            continue
        spec = metrics.get(kr.metric) if kr.metric is not None else None
        if spec.revenue if spec is not None else kr_id in named:
            found.add(kr_id)
    return frozenset(found)


def _is_volume(kr: KeyResult, revenue: frozenset[str]) -> bool:
    """A count or an amount of money the lines should make grow, and not revenue."""
    grows = kr.direction is Direction.AT_LEAST
    measured = kr.unit.dimension in (Dimension.COUNT, Dimension.MONEY)
    return grows and measured and kr.id not in revenue


def _stakes(lines: Sequence[BudgetLine], revenue: frozenset[str]) -> dict[str, dict[str, float]]:
    """Revenue key result → each line linked to it → the line's stake in its revenue."""
    stakes: dict[str, dict[str, float]] = {}
    for line in lines:
        for kr, weight in line.key_results.items():
            if kr in revenue:
                stakes.setdefault(kr, {})[line.id] = float(line.amount * weight)
    return stakes


def _with_revenue(
    lp: LineProgress,
    stakes: Mapping[str, Mapping[str, float]],
    results: Mapping[str, KeyResultProgress],
) -> LineProgress:
    """The line with its share of each revenue key result it is linked to that has a
    figure."""
    shares = tuple(
        RevenueShare(kr, achieved, dict(stakes[kr]))
        for kr in lp.line.key_results
        if kr in stakes and kr in results
        and (achieved := results[kr].actual.value) is not None
    )  # fmt: skip
    return attrs.evolve(lp, revenue_shares=shares)


def _with_costs(
    lines: list[LineProgress],
    key_results: Mapping[str, KeyResult],
    results: Mapping[str, KeyResultProgress],
    revenue: frozenset[str],
) -> list[LineProgress]:
    """Give each line the cost per result of the volume key results it is linked to,
    once something is spent on them and they achieved something: before, a result that
    came in free of any spending would read as costing 0元."""
    spend_on: dict[str, dict[str, float]] = {}
    for lp in lines:
        for kr, weight in lp.line.key_results.items():
            if kr in key_results and _is_volume(key_results[kr], revenue):
                spend_on.setdefault(kr, {})[lp.line.id] = float(lp.spent * weight)
    costs = {
        kr: CostShare(kr, spent, achieved)
        for kr, spent in spend_on.items()
        if kr in results
        and (achieved := results[kr].actual.value) is not None
        and achieved > 0
        and any(spent.values())
    }
    return [
        attrs.evolve(lp, costs=tuple(costs[k] for k in lp.line.key_results if k in costs))
        for lp in lines
    ]


def _by_owner(lines: Sequence[LineProgress]) -> dict[str, tuple[Decimal, Decimal]]:
    found: dict[str, tuple[Decimal, Decimal]] = {}
    for lp in lines:
        amount, spent = found.get(lp.line.owner, (Decimal(0), Decimal(0)))
        found[lp.line.owner] = (amount + lp.line.amount, spent + lp.spent)
    return found


def _by_objective(
    lines: Sequence[LineProgress], key_results: Mapping[str, KeyResult]
) -> dict[str, tuple[Decimal, Decimal]]:
    found: dict[str, tuple[Decimal, Decimal]] = {}
    for lp in lines:
        for kr, weight in lp.line.key_results.items():
            if kr not in key_results:
                continue
            objective = key_results[kr].objective
            amount, spent = found.get(objective, (Decimal(0), Decimal(0)))
            found[objective] = (amount + lp.line.amount * weight, spent + lp.spent * weight)
    return found
