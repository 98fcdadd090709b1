"""Scores of people under the plan's scoring policies, period by period.

A policy's score for one person and one period (a calendar month, usually)
is Σ weight × actual / standard over its components, then held between the
policy's floor and cap. The branch policy in the sample plan: effective
accounts 0.4, new market value 0.4, net fee income 0.2, capped at 120% and
floored at 50%. A component with no data for the person counts as 0.

A period still running on the date (1 December, one day into December) is
scored to date: each flow component's standard is pro-rated by the share of
the period's days gone (1/31), so a day's work is held to a day's standard,
and the score says it is to date; so is a week cut at the year's edge (four
days of 2026-W01) held to its days' share of a week's standard. Stocks and
rates are held to their full standard: they are levels, not amounts that
build up over the period.

``no_rows_count_0`` is the same rule for a key result's score: a flow with no rows
yet is 0, a stock or a ratio with none is not collected yet and left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from okrdesk.engine.plan_calendar import figures_run_through, figures_through, latest_end
from okrdesk.model import MetricKind, MetricSpec, Person, Plan, ScoringPolicy
from okrdesk.periods import Grain, Period, period_holding, periods_between
from okrdesk.records import shared_methods
from okrdesk.store.reader import StoreReader


@attrs.frozen
@shared_methods
class ComponentScore:
    metric: str
    weight: float
    standard: float
    """What a full score needs in this period; pro-rated for a flow in a period to date."""
    actual: float | None

    @property
    def ratio(self) -> float:
        return (self.actual or 0.0) / self.standard


@attrs.frozen
@shared_methods
class PersonScore:
    person: str
    policy: str
    period: str
    raw: float
    """Before cap and floor."""
    score: float
    components: tuple[ComponentScore, ...]
    elapsed: float = 1.0
    """The share of the period's days gone by the date: 1 for a complete period."""

    @property
    def complete(self) -> bool:
        return self.elapsed >= 1.0

    @property
    def capped(self) -> bool:
        return self.score < self.raw

    @property
    def floored(self) -> bool:
        return self.score > self.raw


def policy_people(plan: Plan, policy: ScoringPolicy) -> list[Person]:
    return [p for p in plan.people if p.role in policy.roles or p.id in policy.people]


def hold(raw: float, policy: ScoringPolicy) -> float:
    score = raw
    if policy.cap is not None:
        score = min(score, float(policy.cap))
    if policy.floor is not None:
        score = max(score, float(policy.floor))
    return score


def score_period(
    store: StoreReader,
    policy: ScoringPolicy,
    people: Sequence[Person],
    period: Period,
    metrics: Mapping[str, MetricSpec],
    elapsed: float = 1.0,
    *,
    only_these: bool = False,
) -> list[PersonScore]:
    """Scores for one period; ``elapsed`` < 1 scores a period to date. ``only_these``:
    read only the ``people``'s figures (a branch's, in a firm's store), not everyone's."""
    subjects = [p.id for p in people] if only_these else None
    values = {
        c.metric: store.values_in_period(c.metric, period.id, subjects) for c in policy.components
    }
    return _scored(policy, people, period, metrics, elapsed, values)


PeriodFigures = Mapping[str, Mapping[str, tuple[Any, Any, Any]]]
"""One period's figures: metric → subject → (value, numerator, denominator)."""


def _scored(
    policy: ScoringPolicy,
    people: Sequence[Person],
    period: Period,
    metrics: Mapping[str, MetricSpec],
    elapsed: float,
    values: PeriodFigures,
) -> list[PersonScore]:
    held = elapsed * _share_of_a_whole(period)
    standards = {
        c.metric: float(c.standard) * (held if _builds_up(metrics.get(c.metric)) else 1.0)
        for c in policy.components
    }
    scores = []
    for person in people:
        components = []
        for c in policy.components:
            stored = values[c.metric].get(person.id)
            components.append(
                ComponentScore(c.metric, float(c.weight), standards[c.metric],
                               _actual(metrics.get(c.metric), stored))
            )  # fmt: skip
        raw = sum(c.weight * c.ratio for c in components)
        scores.append(
            PersonScore(person.id, policy.id, period.id, raw, hold(raw, policy),
                        tuple(components), elapsed)
        )  # fmt: skip
    return scores


def no_rows_count_0(spec: MetricSpec | None) -> bool:
    """Whether a key result on ``spec`` with no rows yet for its subject counts 0 in its
    objective's score once its way has begun, as a policy's component with no data does.
    A flow adds up what happened, and nothing is 0: no new account this quarter. A stock
    is a level at a date and a ratio a quotient, and no rows is no level and no quotient
    yet: AUM or clients held not collected (a branch holds more than 0), a conversion
    with nothing to divide by; counted 0, their first figure jumped the score from a 0
    nobody had. A key result tracked by check-ins (``spec`` None) counts 0 once due:
    what builds up from nothing (``_builds_up``) is 0 before its first row."""
    return _builds_up(spec)


def _builds_up(spec: MetricSpec | None) -> bool:
    """Whether ``spec``'s figures add up from nothing over time: a flow's, or check-ins'."""
    return spec is None or spec.kind is MetricKind.FLOW


PERIODS_READ_AT_ONCE = 6
"""Periods whose figures ``scores`` reads in one statement per metric: half a year of
months, a firm's people's figures for them held at once."""

DAYS_BEFORE_TO_DATE = 7
"""A period is scored to date from its 7th day: a day or two of flows held to a day or
two's share of a month's standard swing between the floor and the cap, which says
nothing about anyone."""


def elapsed_share(period: Period, day: dt.date) -> float:
    """The share of ``period``'s days gone by the end of ``day``."""
    days = (period.end - period.start).days + 1
    gone = (min(day, period.end) - period.start).days + 1
    return max(0, min(gone, days)) / days


def _share_of_a_whole(period: Period) -> float:
    """The share of a whole period of its grain that ``period`` is: a week cut at the
    year's edge (2026-W01, 1 to 4 January) is 4/7 of one, and its flows are held to
    four days' standard, not seven; a month or quarter, always whole, is 1."""
    return period.days / 7 if period.grain is Grain.WEEK else 1.0


def _actual(spec: MetricSpec | None, stored: tuple[float | None, ...] | None) -> float | None:
    if stored is None:
        return None
    value, numerator, denominator = stored
    if spec is not None and spec.kind is MetricKind.RATIO:
        return None if not denominator else (numerator or 0.0) / denominator
    return value


def cut_short(plan: Plan, store: StoreReader, as_of: dt.date) -> str | None:
    """The scoring period ``scores`` would score to date at ``as_of`` but leaves out,
    since it is stored with figures of later days (``figures_through``); None if none."""
    for policy in plan.scoring:
        period = period_holding(min(as_of, plan.end), policy.grain)
        if period.end <= as_of or (as_of - period.start).days + 1 < DAYS_BEFORE_TO_DATE:
            continue
        components = [c.metric for c in policy.components]
        if figures_through(store, as_of, policy.grain, components) < as_of:
            return period.id
    return None


def stored_through(
    store: StoreReader, components: Sequence[str], grain: Grain, metrics: Mapping[str, MetricSpec]
) -> dt.date | None:
    """The last day the stored figures of ``components`` at ``grain`` count, the latest of
    them, as a stale alert says it (``latest_end``, then ``figures_run_through``): a
    metric's latest period with figures, cut to the day its collect read through when that
    is earlier (the period stored in part), or reaching that day when the metric adds up
    over time (days with no events since are zeros). None when none is stored."""
    found = []
    for metric in components:
        latest = latest_end(store, metric, grain, metrics.get(metric))
        if latest is not None:
            found.append(figures_run_through(store, metric, grain, latest))
    return max(found, default=None)


def scores(
    plan: Plan, store: StoreReader, as_of: dt.date, metrics: Mapping[str, MetricSpec]
) -> list[PersonScore]:
    """Every policy's score for every person it covers, for each period up to ``as_of``;
    the period holding ``as_of`` to date, unless it ends that day, once a week of it
    has gone (``DAYS_BEFORE_TO_DATE``). On a past day whose period is stored whole
    (``figures_through``), the periods before it only: its figures run past the day."""
    asked = []
    for policy in plan.scoring:
        people = policy_people(plan, policy)
        components = [c.metric for c in policy.components]
        day = figures_through(store, as_of, policy.grain, components)
        reach = stored_through(store, components, policy.grain, metrics)
        if reach is not None and reach < day:
            # Figures collected through 20 November, read on 4 December: November is
            # scored to its 20th, as a month to date, not as a whole month of 20 days'
            # work, and December, of which nothing is stored, not at all.
            day = reach
        for period in periods_between(plan.start, min(day, plan.end), policy.grain):
            elapsed = elapsed_share(period, day)
            if elapsed < 1 and (day - period.start).days + 1 < DAYS_BEFORE_TO_DATE:
                continue
            asked.append((policy, people, period, elapsed))
    # A plan cut to one unit scores that unit's people: read theirs alone.
    subjects = None
    if plan.cut_to is not None:
        subjects = sorted({person.id for _, people, _, _ in asked for person in people})
    # Each metric's figures read for several periods at once: not a read for each period
    # and policy (two policies on three metrics over a year made 55), nor a firm's year
    # of figures held at once.
    periods = sorted({period.id for _, _, period, _ in asked})
    scored: dict[int, list[PersonScore]] = {}
    for start in range(0, len(periods), PERIODS_READ_AT_ONCE):
        some = set(periods[start : start + PERIODS_READ_AT_ONCE])
        now = [(k, entry) for k, entry in enumerate(asked) if entry[2].id in some]
        wanted: dict[str, set[str]] = {}
        for _, (policy, _, period, _) in now:
            for c in policy.components:
                wanted.setdefault(c.metric, set()).add(period.id)
        read = {metric: store.values_in_periods(metric, sorted(ids), subjects)
                for metric, ids in wanted.items()}  # fmt: skip
        for k, (policy, people, period, elapsed) in now:
            values = {c.metric: read[c.metric].get(period.id, {}) for c in policy.components}
            scored[k] = _scored(policy, people, period, metrics, elapsed, values)
    return [score for k in range(len(asked)) for score in scored[k]]
