"""The progress of a unit or person at a date: the engine's public API.

``progress(plan, store, subject, as_of, metrics)`` returns a
``SubjectProgress``: plain, immutable data that a report, a plugin or a
script can read without knowing how it was computed. Every figure is in the
base unit of its key result (元, plain counts, fractions for rates).

- Actual: the metric rolled up by its kind (see ``engine.rollup``), or the
  latest check-in for a key result without a metric.
- Target: see ``engine.targets``. Expected: the milestones' due fraction of
  the way from baseline to target (see ``engine.pace``).
- Status: on track / at risk / off track against what is due; guardrails
  (at most, within) are met or breached, with the margin.
- Attainment: (actual − baseline) / (target − baseline), actual / target
  with no baseline (1.087 is 108.7%); see ``engine.pace``. A checkpoint
  past its date is judged as it stood on that date.
- Forecast: see ``engine.forecast``; an open checkpoint's runs to the day it closes
  (``pace.closes_on``), any other's to the plan's end.
- Objective score: the weighted mean of its key results' attainment, each
  counted up to the plan's ``attainment_cap`` (120% unless the plan says),
  one with no figure yet whose way has begun at 0 (``counts_as_nothing``).
  The subject's score: the weighted mean of its objectives' scores.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence

import attrs

from okrdesk.engine.cadence import first_checkin_due, period_of
from okrdesk.engine.forecast import Forecast, linear_forecast, ratio_forecast
from okrdesk.engine.pace import (
    Status,
    attainment,
    closes_on,
    due_starts,
    expected_value,
    judge_closed,
    judge_on,
    key_result_due,
    phase_first_day,
    phase_of_rate,
)
from okrdesk.engine.plan_calendar import (
    collected_for,
    current_from,
    figures_run_through,
    plan_runs,
    unprovided,
)
from okrdesk.engine.restated import counted_past, goes_on_changing, settles_on
from okrdesk.engine.rollup import (
    Figure,
    Rollup,
    SharedReads,
    checkins_over_time,
    subjects_under,
)
from okrdesk.engine.scoring import no_rows_count_0
from okrdesk.engine.tree_targets import TargetAt, baseline_at, target_at
from okrdesk.model import (
    KeyResult,
    MetricKind,
    MetricSpec,
    Objective,
    OverTime,
    Phase,
    Plan,
    Run,
)
from okrdesk.periods import periods_between
from okrdesk.records import shared_methods
from okrdesk.store.reader import SeriesOfMetrics, StoreReader
from okrdesk.units import Dimension

_Series = SeriesOfMetrics
"""``StoreReader.series_of_metrics``'s answer: metric → column → (period end, total)."""


@attrs.frozen
@shared_methods
class KeyResultProgress:
    key_result: KeyResult
    subject: str
    actual: Figure
    target: TargetAt
    due: float
    """The cumulative fraction of the target due by the date."""
    expected: float
    status: Status
    attainment: float | None
    forecast: Forecast
    margin: float | None = None
    pace: float | None = None
    trend: tuple[tuple[dt.date, float], ...] = ()
    """The figure to date at the end of each period so far."""
    baseline: float = 0.0
    """Where the subject started from (see ``engine.tree_targets.baseline_at``)."""
    closed: dt.date | None = None
    """For a checkpoint past its date: that date, at which every figure here is taken."""
    figures_through: dt.date | None = None
    """For a checkpoint judged on stored figures that stop short of its date (its week
    is stored with later days, ``figures_through``): the day they run through."""
    counted_past: dt.date | None = None
    """For a key result on a metric whose figures go on changing after their periods
    end (a cohort), read by a collect after the day its figures run through (a report
    as of a past day, a checkpoint after its day): the last day whose changes they
    count (``engine.restated.counted_past``)."""
    old_figure: dt.date | None = None
    """For a figure out of date, by the rule of the stale alert (a metric's figures end
    before the last complete period, a collect of it failing or not run; the latest
    check-in is older than the last period of its cadence): the day it speaks for, and
    so the day whose due its pace is judged against (``due``, ``expected``), never the
    date's, as though it were today's. None for a figure that is current."""
    due_on: dt.date | None = None
    """The day ``due`` and ``expected`` are taken on where it is not the day the report's
    figures run through: the day the figure speaks for (a check-in's; a stored metric's
    figures ending earlier), current or out of date. A figure is held to what was due on
    its own day, so that no day passing without a new figure moves its status."""
    due_from: dt.date | None = None
    """The day from which the way to the target is due, where not the plan's first day
    (``Engine.due_starts``: a rate's checkpoint of a phase, read over the phase)."""
    phase: str | None = None
    """For a rate's checkpoint of a phase (``pace.phase_of_rate``: "Q2 深耕：转化率提升到
    16%"): the phase whose own figure, trend and forecast these are, from its first
    period (``pace.phase_first_day``); None for any other figure."""
    settles_on: dt.date | None = None
    """For a checkpoint past its date on a metric whose figures go on changing for
    ``settles_after_days`` after their periods end (a cohort still converting): the day
    they settle, before which (or before a collect from it) it is not judged met or
    missed, as later collects would restate it (``Status.SETTLING``)."""
    phase_to_come: str | None = None
    """For such a checkpoint whose phase the figures have not reached yet (a report in
    the first quarter on a Q2 checkpoint): that phase, the figure being the plan's to
    date. Its target is the phase's own figure: it has no attainment of it (None), so no
    score counts it, until the phase has a figure."""
    checkin_not_due: bool = False
    """For a key result tracked by check-ins with none yet: its first check-in is not due
    by the date (a quarterly one in January), so the score leaves it out rather than
    counting it 0 (``counts_as_nothing``): none yet is no shortfall."""
    no_rows_kind: str | None = None
    """For a key result on a stock or a ratio with no figure yet: that kind ("stock",
    "ratio"). No rows is no level or quotient collected yet, not a 0, so the score leaves
    it out (``scoring.no_rows_count_0``); None for any other."""


@attrs.frozen
@shared_methods
class ObjectiveProgress:
    objective: Objective
    score: float | None
    key_results: tuple[KeyResultProgress, ...]
    unmeasured: tuple[KeyResult, ...] = ()
    """Its key results on a metric no loaded plugin provides: no figure, and not in
    ``score`` (a plugin that did not load, or a workspace's own that was not run)."""
    capped: tuple[str, ...] = ()
    """The ids of its key results attained beyond the plan's ``attainment_cap``, which
    ``score`` counts at the cap (``counted_attainment``)."""


BEHIND = (Status.OFF_TRACK, Status.MISSED, Status.BREACHED)
"""What a ranking counts against a member: off track, closed short, a limit breached."""


@attrs.frozen
@shared_methods
class MemberProgress:
    id: str
    name: str
    kind: str
    """"unit" or "person"."""
    score: float | None
    off_track: int
    key_results: int
    unmeasured: tuple[str, ...] = ()
    """The metrics no loaded plugin provides that its key results left out need (for a
    derived metric, the input it lacks), sorted: why a member with targets has no score."""
    capped: tuple[str, ...] = ()
    """Its key results its score counts at the plan's ``attainment_cap``, not at the
    attainment they reached (``ObjectiveProgress.capped``)."""
    phases_to_come: tuple[str, ...] = ()
    """The phases, sorted, of its key results its score leaves out until their phase has
    a figure (``KeyResultProgress.phase_to_come``): why a member whose only key results
    are such has no score yet, though they have figures."""
    without_data: tuple[str, ...] = ()
    """The ids, sorted, of its key results with no figure yet (nothing collected or
    checked in): beside ``phases_to_come``, why a member has no score, each its own."""


# A report makes only a few of these two: declared without __slots__, which attrs adds by
# building the class a second time (as report/document.py explains).
@attrs.frozen(slots=False)
@shared_methods
class MembersMet:
    """How many of the members a key result is shared out to have reached their own
    target, how many are on pace for it, how many are off track (the shares its
    ``member_off_track`` alert counts behind), and how many of a checkpoint's are still
    settling (``Status.SETTLING``: neither met nor missed until their figures settle)."""

    met: int
    on_pace: int
    total: int
    behind: int = 0
    settling: int = 0


@attrs.frozen(slots=False)
@shared_methods
class Unshared:
    """Of a key result's figure at a unit, what no member with a share of its target
    brings, and the people with a figure in it (``Engine.unshared``)."""

    amount: float
    people: tuple[str, ...]


@attrs.frozen
@shared_methods
class SubjectProgress:
    subject: str
    name: str
    level: str
    as_of: dt.date
    objectives: tuple[ObjectiveProgress, ...]
    score: float | None
    members: tuple[MemberProgress, ...] = ()


def key_results_for(plan: Plan, subject: str) -> list[tuple[Objective, tuple[KeyResult, ...]]]:
    """The subject's own objectives, and its shares of key results set above it."""
    found: list[tuple[Objective, tuple[KeyResult, ...]]] = []
    for objective in plan.objectives:
        if objective.owner == subject:
            found.append((objective, objective.key_results))
        else:
            shares = tuple(kr for kr in objective.key_results if subject in kr.member_targets)
            if shares:
                found.append((objective, shares))
    return found


def _holding_key_results(plan: Plan) -> set[str]:
    """Every subject ``key_results_for`` finds any for: each objective's owner, and each
    member with a share of a key result (looked up once, not per person of a firm)."""
    holding = {objective.owner for objective in plan.objectives}
    for objective in plan.objectives:
        for kr in objective.key_results:
            holding.update(kr.member_targets)
    return holding


FIRM_WIDE_FROM = 200
"""The fewest units and people under the plan's top for which the top's trends are read
as a firm's: every metric in one read along the primary key, on a second connection
while the figures are summed. Below it, each metric's read through the subject index on
the report's own connection takes less than opening one (and a small plan's store may
hold far more rows than its own)."""


class Engine:
    """Progress of any subject of one plan at one date, sharing one rollup."""

    def __init__(
        self,
        plan: Plan,
        store: StoreReader,
        as_of: dt.date,
        metrics: Mapping[str, MetricSpec],
        *,
        trends: bool = True,
        within: str | None = None,
        shared: SharedReads | None = None,
        checkpoints: bool = False,
    ) -> None:
        """``trends=False`` skips each key result's trend and forecast: for scoring a
        whole firm at once, where only the figures at the date matter. ``within``
        names the unit a caller is about (a branch's report), so figures for it
        are read from its own rows. ``shared``: reads shared with other engines of
        the same plan and store (a report's now and a period earlier: one scan).
        ``checkpoints``: the engine judges only the checkpoints that close on ``as_of``
        (``_closed``'s), so the trends of no other key result are read."""
        if plan.cut_to is not None and (
            within is None or within not in subjects_under(plan, plan.cut_to)
        ):
            raise ValueError(
                f"the plan was cut to {plan.cut_to} and answers for nothing outside it "
                f"(asked about {within or 'the whole plan'})"
            )
        self.plan = plan
        self.store = store
        self.as_of = as_of
        self.metrics = metrics
        self.trends = trends
        self.within = within
        self.checkpoints = checkpoints
        self.rollup = (
            Rollup(plan, store, as_of, metrics, within)
            if shared is None
            else shared.rollup(store, as_of, metrics, within)
        )
        self.through = self.rollup.through
        """The day stored figures count through (``figures_through``): ``as_of`` but
        on a past day whose period is stored past it."""
        self._judged: dict[tuple[str, str], KeyResultProgress | None] = {}
        self._unprovided: dict[str, str | None] = {}
        self._earlier: dict[dt.date, Engine] = {}
        self._judge_only: Engine | None = None
        self._collects: list[Run] | None = None
        self._series: dict[str, _Series] = {}
        self._series_coming: dict[str, Callable[[], _Series]] = {}
        self._under: dict[str, list[str]] = {}
        self._below: dict[str, frozenset[str]] = {}
        self._apart: dict[tuple[str, tuple[str, ...]], tuple[list[str], tuple[str, ...]]] = {}
        self._stale: dict[str, dt.date | None] = {}
        self._owns: dict[str, dt.date] = {}
        self._stored_days: dict[str, tuple[dt.date | None, dt.date]] = {}
        self._phase_rollups: dict[dt.date, Rollup] = {}

    def under(self, subject: str) -> list[str]:
        """``subjects_under`` the subject, listed once per engine (a firm's top is asked
        for by each of its key results)."""
        if subject not in self._under:
            self._under[subject] = subjects_under(self.plan, subject)
        return self._under[subject]

    def name_of(self, subject: str) -> tuple[str, str]:
        if subject in self.plan.units_by_id:
            unit = self.plan.units_by_id[subject]
            return unit.name, unit.level
        person = self.plan.people_by_id[subject]
        return person.name, person.role

    def key_result(self, kr: KeyResult, subject: str) -> KeyResultProgress | None:
        """The key result at ``subject``, judged once per engine: the report, the
        budget and attention all ask for the same ones."""
        key = (kr.id, subject)
        if key not in self._judged:
            self._judged[key] = self._key_result(kr, subject)
        return self._judged[key]

    def judged(self, kr: KeyResult, subject: str) -> KeyResultProgress | None:
        """The key result at ``subject`` for what needs only its judgement (its status,
        figure and target; no trend or forecast, as alerts): as this engine judged it
        already, else judged without trends, which cost a read of each metric's series."""
        key = (kr.id, subject)
        if key in self._judged:
            return self._judged[key]
        return self._without_trends().key_result(kr, subject)

    def unprovided(self, metric: str) -> str | None:
        """``plan_calendar.unprovided``, found once a metric: it is asked at every subject."""
        if metric not in self._unprovided:
            self._unprovided[metric] = unprovided(metric, self.metrics)
        return self._unprovided[metric]

    def _key_result(self, kr: KeyResult, subject: str) -> KeyResultProgress | None:
        if kr.growth is not None:
            from okrdesk.engine.growth import growth_progress

            return growth_progress(self, kr, subject)
        closing = closes_on(self.plan, kr)
        # On its own last day a checkpoint's figure is final: met or missed, not paced.
        if closing is not None and (
            closing < self.as_of or (closing == self.as_of and not self.checkpoints)
        ):
            return self._closed(kr, subject, closing)
        spec = self.metrics.get(kr.metric) if kr.metric else None
        if kr.metric and self.unprovided(kr.metric) is not None:
            return None  # no figure can be given: ObjectiveProgress.unmeasured
        kind = spec.kind if spec else None
        phase = self.phase_of(kr)
        rollup = self.phase_rollup(kr)
        target = target_at(self.plan, kr, subject, kind, self._denominator(kr, rollup))
        if target is None:
            return None
        actual = self._actual(kr, spec, subject, rollup)
        goal = target.value if target.value is not None else 0.0
        baseline = baseline_at(self.plan, kr, subject, kind)
        # Every figure is held to what was due on the day it speaks for (``figure_day``),
        # current or old: no day passing without a new figure moves its status, either way
        # (a check-in judged against the report's day while current, then against its own
        # once old, read better the day it aged out). An old one (``old_figure``) is said so.
        day = self.through if spec is not None else self.as_of
        old = self.old_figure(kr, spec, subject) if actual.value is not None else None
        judged_on = self.figure_day(kr, spec, subject) if actual.value is not None else day
        due_on = None
        due_from = self.due_starts(kr)
        if kr.guardrail:
            due, expected = 1.0, goal
        else:
            due = key_result_due(self.plan, kr, judged_on, due_from)
            due_on = judged_on if judged_on != day else None
            expected = expected_value(baseline, goal, due)
        # Before its phase has a figure, a rate's checkpoint reads the plan's to date: not
        # the figure its target is for, so it is paced against its earlier milestones and
        # never met, nor counted in a score (``KeyResultProgress.phase_to_come``).
        to_come = phase is not None and rollup is self.rollup
        judgement = judge_on(self.plan, self.as_of, kr, actual.value, goal, expected, baseline,
                             can_be_met=not to_come, falls_back=falls_back(kr, spec))  # fmt: skip
        # A figure's trend ends on its own day, current or old (its week's point was dated at
        # the week's end, days after the figures stop), and its forecast runs from that day,
        # as the report of that day made it: the days since are days without figures, not
        # days of the trend (a forecast re-made as of the report's day moved with each day
        # passed, on 27 November from figures of the 20th dated the 22nd, and after the
        # plan's end took the old figure for the final one).
        seen = judged_on
        # An open checkpoint is forecast to the day it closes, the plan's end otherwise: where
        # a Q2 checkpoint will stand on 30 June, not where its line runs on to in December.
        until = closing or self.plan.end
        if self.trends and spec is not None and spec.kind is MetricKind.RATIO and not spec.formula:
            # A rate's trend, and its forecast from its parts (engine.forecast).
            since = rollup.since
            parts = [(min(at, seen), n, d)
                     for at, n, d in self._ratio_parts(kr, spec, subject, since)]  # fmt: skip
            trend = tuple((at, n / d) for at, n, d in parts if d)
            # Before its phase has a figure, the plan's to date past its target reaches
            # nothing yet: the line can reach it from the phase's first day on.
            counts_from = phase_first_day(self.plan, phase) if to_come and phase else None
            forecast = ratio_forecast(parts, since, until, goal, kr.sense >= 0, seen,
                                      counts_from=counts_from)  # fmt: skip
        elif self.trends:
            trend = tuple((min(at, seen), v) for at, v in self._trend(kr, spec, subject))
            if trend and spec is not None and spec.kind is MetricKind.FLOW:
                trend = _with_quiet_periods(trend, self.plan, seen)
            forecast = linear_forecast(
                trend, self.plan.start, until, goal, kr.sense >= 0,
                seen, never_below=_only_grows(kr, spec),
            )  # fmt: skip
        else:
            trend, forecast = (), Forecast(None, note="not computed")
        past = None
        if spec is not None and goes_on_changing(spec):
            past = counted_past(self._runs(), spec, self.through, self.plan.grain.value)
        return KeyResultProgress(
            key_result=kr,
            subject=subject,
            actual=actual,
            target=target,
            baseline=baseline,
            due=due,
            expected=expected,
            status=judgement.status,
            attainment=(
                attainment(kr, actual.value, goal, baseline)
                if target.value is not None and not to_come
                else None
            ),
            forecast=forecast,
            margin=judgement.margin,
            pace=judgement.pace,
            trend=trend,
            counted_past=past,
            old_figure=old,
            due_on=due_on,
            due_from=due_from,
            phase=phase.id if phase is not None and rollup is not self.rollup else None,
            phase_to_come=phase.id if phase is not None and rollup is self.rollup else None,
            checkin_not_due=(
                kr.metric is None and actual.value is None
                and self.as_of <= first_checkin_due(self.plan, kr)
            ),
            no_rows_kind=(
                spec.kind.value
                if spec is not None and actual.value is None and not no_rows_count_0(spec)
                else None
            ),
        )  # fmt: skip

    def due_starts(self, kr: KeyResult) -> dt.date | None:
        """The day from which ``kr``'s way to its target is due, where not the plan's
        first: a rate's checkpoint of a phase, read over its phase (``pace.due_starts``)."""
        return due_starts(self.plan, kr, self.phase_of(kr))

    def phase_of(self, kr: KeyResult) -> Phase | None:
        """The phase whose own figure ``kr`` is, for a checkpoint of a phase on a stored
        rate (``pace.phase_of_rate``); None for any other key result, and for one of a
        phase whose first period is the plan's (Q1), whose own figure is the plan's to
        date: nothing to read apart, nor to say."""
        spec = self.metrics.get(kr.metric or "")
        if spec is None or spec.kind is not MetricKind.RATIO or spec.formula is not None:
            return None
        phase = phase_of_rate(self.plan, kr)
        if phase is None or phase_first_day(self.plan, phase) <= self.plan.start:
            return None
        return phase

    def _phase_rollup(self, phase: Phase) -> Rollup:
        """The figures of the periods of ``phase`` to the date, one rollup a phase."""
        since = phase_first_day(self.plan, phase)
        if since not in self._phase_rollups:
            self._phase_rollups[since] = Rollup(
                self.plan, self.store, self.as_of, self.metrics, self.within,
                self.rollup.shared, since=since,
            )  # fmt: skip
        return self._phase_rollups[since]

    def phase_rollup(self, kr: KeyResult) -> Rollup:
        """The rollup ``kr``'s figure is read from: for a rate's checkpoint of a phase
        whose first period the figures have reached, the phase's own, at every subject
        alike (one with nothing in it yet has no figure: none of its accounts are the
        phase's); else the engine's (``KeyResultProgress.phase``). ``explain`` explains
        the figure from the same one."""
        phase = self.phase_of(kr)
        if phase is None:
            return self.rollup
        over = self._phase_rollup(phase)
        return over if self.through >= over.since else self.rollup

    def old_figure(self, kr: KeyResult, spec: MetricSpec | None, subject: str) -> dt.date | None:
        """The day an out-of-date figure of ``kr`` at ``subject`` speaks for; None when it
        is current (``KeyResultProgress.old_figure``)."""
        if spec is None:
            last = self.rollup.checkin_day(kr, subject)
            if last is None:
                return None
            now = period_of(self.as_of, kr.cadence)
            before = period_of(now.start - dt.timedelta(days=1), kr.cadence)
            return last if last < before.start else None
        return self._stored_figure_days(spec.name)[0]

    def figure_day(self, kr: KeyResult, spec: MetricSpec | None, subject: str) -> dt.date:
        """The day the figure of ``kr`` at ``subject`` speaks for, current or old, which it
        is judged on: a check-in's day (for a sum of check-ins, the latest of them); the
        day a stored figure's metrics run through, the earliest of them, and no later
        than the report's figures do (``through``)."""
        if spec is None:
            return min(self.rollup.checkin_day(kr, subject) or self.as_of, self.as_of)
        return self._stored_figure_days(spec.name)[1]

    def _stored_figure_days(self, metric: str) -> tuple[dt.date | None, dt.date]:
        """``old_figure`` and ``figure_day`` of a stored metric, the same for every
        subject: worked out once a metric (a firm's report asks at each member)."""
        if metric not in self._stored_days:
            collected = collected_for(metric, self.metrics)
            old = min((day for m in collected if (day := self._old(m))), default=None)
            own = min((self._own(m) for m in collected), default=self.through)
            self._stored_days[metric] = (old, own)
        return self._stored_days[metric]

    @functools.cached_property
    def _current_from(self) -> dt.date | None:
        """The day figures at the plan's grain must reach to be current (``current_from``),
        worked out once an engine."""
        return current_from(self.plan, self.as_of, self.plan.grain)

    def _old(self, metric: str) -> dt.date | None:
        """The day a stored ``metric``'s figures at the plan's grain run through when they
        are stale (the stale alert's rule), else None; read once an engine, as every
        subject of a firm asks."""
        if metric not in self._stale:
            current = self._current_from
            latest = self._latest(metric)
            stale = current is not None and latest is not None and latest < current
            self._stale[metric] = self._own(metric) if stale else None
        return self._stale[metric]

    def _latest(self, metric: str) -> dt.date | None:
        return self.rollup.shared.latest_end(metric, self.plan.grain, self.metrics.get(metric))

    def _own(self, metric: str) -> dt.date:
        """The day a stored ``metric``'s figures at the plan's grain run through, no later
        than the report's (``through``)."""
        if metric not in self._owns:
            latest = self._latest(metric)
            own = self.through
            if latest is not None:
                own = figures_run_through(self.store, metric, self.plan.grain, latest)
            self._owns[metric] = min(own, self.through)
        return self._owns[metric]

    def _closed(self, kr: KeyResult, subject: str, closing: dt.date) -> KeyResultProgress | None:
        """A checkpoint after its date: everything as it stood then, judged met or missed."""
        if closing not in self._earlier:
            self._earlier[closing] = Engine(
                self.plan, self.store, closing, self.metrics, trends=self.trends,
                within=self.within, shared=self.rollup.shared, checkpoints=True,
            )  # fmt: skip
        earlier = self._earlier[closing]
        then = earlier.key_result(kr, subject)
        if then is None:
            return None
        cut = earlier.through if kr.metric and earlier.through < closing else None
        goal = then.target.value if then.target.value is not None else 0.0
        judgement = judge_closed(kr, then.actual.value, goal)
        spec = self.metrics.get(kr.metric or "")
        settles = None
        if spec is not None and then.actual.value is not None:
            settles = settles_on(self._runs(), spec, cut or closing, self.as_of,
                                 self.plan.grain.value)  # fmt: skip
        if settles is not None:
            # Its cohorts still converting, the figure is not yet the one to judge it on:
            # a missed Q2 read on 1 July was met on 15 July, with no account opened since.
            judgement = attrs.evolve(judgement, status=Status.SETTLING)
        forecast = Forecast(then.actual.value, note="closed") if self.trends else then.forecast
        # Judged against what was due on its date, whatever day its figures run through.
        due = 1.0 if kr.guardrail else key_result_due(self.plan, kr, closing, self.due_starts(kr))
        return attrs.evolve(
            then, status=judgement.status, margin=judgement.margin, pace=None,
            forecast=forecast, closed=closing, figures_through=cut, due=due, due_on=None,
            settles_on=settles,
            expected=goal if kr.guardrail else expected_value(then.baseline, goal, due),
        )  # fmt: skip

    def _runs(self) -> list[Run]:
        """The store's collect runs, read once an engine and only when a checkpoint asks."""
        if self._collects is None:
            self._collects = plan_runs(self.plan, self.store)
        return self._collects

    def _denominator(self, kr: KeyResult, rollup: Rollup):  # type: ignore[no-untyped-def]
        def denominator(member: str) -> float | None:
            if not kr.metric or kr.metric not in self.metrics:
                return None
            return rollup.sliced(kr.metric, member, kr.where).denominator

        return denominator

    def _actual(
        self, kr: KeyResult, spec: MetricSpec | None, subject: str, rollup: Rollup
    ) -> Figure:
        if spec is None:
            return self.rollup.checkin(kr, subject)
        return rollup.sliced(spec.name, subject, kr.where)

    def _trend(
        self, kr: KeyResult, spec: MetricSpec | None, subject: str
    ) -> list[tuple[dt.date, float]]:
        """The figure to date at each period's end, of a key result tracked by check-ins,
        a stock or a flow (a ratio's comes from its parts: ``_ratio_parts``)."""
        if spec is not None and spec.formula is not None:
            return []  # a derived figure has no stored series of its own
        if spec is None:
            # The figure the rollup reads on each day: a unit's own check-in, else its
            # members' sum. A day's figure is its last check-in, as the rollup reads it:
            # one made again the same day (a slip typed over) is no point of the trend.
            under = self.under(subject) if kr.adds_up else [subject]
            made = self.store.checkin_figures(kr.id, under, self.plan.start, self.plan.end)
            counted = [c for c in made if c.day <= self.as_of]
            return checkins_over_time(self.plan, counted, subject, kr.adds_up)
        subjects = self.under(subject)
        stored = None if kr.where else self._series_at(subject).get(spec.name)
        if stored is not None:
            series = stored["value"]
        else:
            series = self.store.series(
                spec.name, subjects, self.through, "value", self.plan.grain, kr.where,
                since=self.plan.start,
            )  # fmt: skip
        if spec.kind is MetricKind.STOCK:
            return self._dated(series)
        total, points = 0.0, []
        for day, value in series:
            total += value
            points.append((day, total))
        return self._dated(points)

    def _ratio_parts(
        self, kr: KeyResult, spec: MetricSpec, subject: str, since: dt.date
    ) -> list[tuple[dt.date, float, float]]:
        """A ratio's numerator and denominator to date at the end of each period, from
        the period ending on ``since`` or later (the plan's first, or a phase's)."""
        shared = not kr.where and since == self.plan.start
        stored = self._series_at(subject).get(spec.name) if shared else None
        if stored is not None:
            numerators = stored["numerator"]
            denominators = dict(stored["denominator"])
        else:
            grain, subjects = self.plan.grain, self.under(subject)
            numerators = self.store.series(
                spec.name, subjects, self.through, "numerator", grain, kr.where, since=since
            )
            denominators = dict(
                self.store.series(
                    spec.name, subjects, self.through, "denominator", grain, kr.where, since=since
                )
            )
        parts = _ratio_parts(spec, numerators, denominators)
        return [(min(day, self.as_of), n, d) for day, n, d in parts]

    def read_trends_aside(self, subject: str) -> None:
        """Start reading the trends the subject's key results draw while the figures
        are read, where they are a scan of their own (the firm's top, whose trends add
        up every row): the store reads them on another connection meanwhile."""
        if not self.trends or not self._firm_wide(subject) or subject in self._series:
            return
        columns = self._trend_columns(subject)
        if columns and subject not in self._series_coming:
            self._series_coming[subject] = self.store.series_of_metrics_aside(
                columns, self.under(subject), self.through, self.plan.grain,
                since=self.plan.start, everyone=True,
            )  # fmt: skip

    def _series_at(self, subject: str) -> _Series:
        """The whole-figure series of every stored metric whose trend the subject's
        open key results draw, read together the first time one is asked (one
        statement, where the store answers several metrics at once)."""
        if subject in self._series_coming:
            self._series[subject] = self._series_coming.pop(subject)()
        if subject not in self._series:
            columns = self._trend_columns(subject)
            self._series[subject] = self.store.series_of_metrics(
                columns, self.under(subject), self.through, self.plan.grain,
                since=self.plan.start, everyone=self._firm_wide(subject),
                top=subject == self.plan.top,
            ) if columns else {}  # fmt: skip
        return self._series[subject]

    def _firm_wide(self, subject: str) -> bool:
        """Whether the subject's trends add up most of the store: the top of a large plan."""
        return subject == self.plan.top and len(self.under(subject)) >= FIRM_WIDE_FROM

    def _trend_columns(self, subject: str) -> dict[str, tuple[str, ...]]:
        """metric → the stored columns its trend needs, for every open key result of the
        subject's on a stored metric's whole figure (for a checkpoints' engine, every one
        closing on its date)."""
        columns: dict[str, tuple[str, ...]] = {}
        for _, krs in key_results_for(self.plan, subject):
            for kr in krs:
                spec = self.metrics.get(kr.metric) if kr.metric else None
                closing = closes_on(self.plan, kr)
                if spec is None or spec.formula is not None or kr.where or kr.growth:
                    continue
                if self.phase_of(kr) is not None:
                    continue  # read from its phase's first period (``_ratio_parts``)
                if self.checkpoints:
                    drawn = closing == self.as_of
                else:
                    drawn = closing is None or closing > self.as_of
                if drawn:
                    ratio = spec.kind is MetricKind.RATIO
                    columns[spec.name] = ("numerator", "denominator") if ratio else ("value",)
        return columns

    def _dated(self, points: list[tuple[dt.date, float]]) -> list[tuple[dt.date, float]]:
        """The current period's point is the figure so far: dated today, not at its end."""
        return [(min(day, self.as_of), value) for day, value in points]

    def objective(
        self, objective: Objective, key_results: Sequence[KeyResult], subject: str
    ) -> ObjectiveProgress:
        results = tuple(p for kr in key_results if (p := self.key_result(kr, subject)) is not None)
        unmeasured = tuple(kr for kr in key_results if kr.metric and self.unprovided(kr.metric))
        cap = self.plan.attainment_cap
        score = _weighted(results, cap)
        capped = tuple(
            p.key_result.id for p in results
            if p.attainment is not None and counted_attainment(p.attainment, cap) < p.attainment
        )  # fmt: skip
        return ObjectiveProgress(objective, score, results, unmeasured, capped)

    def progress(self, subject: str, *, members: bool = True) -> SubjectProgress:
        if subject not in self.plan.units_by_id and subject not in self.plan.people_by_id:
            raise KeyError(subject)
        objectives = tuple(
            self.objective(o, krs, subject) for o, krs in key_results_for(self.plan, subject)
        )
        score = _weighted_objectives(objectives)
        name, level = self.name_of(subject)
        ranked = tuple(self._members(subject)) if members else ()
        return SubjectProgress(subject, name, level, self.as_of, objectives, score, ranked)

    def _without_trends(self) -> Engine:
        if not self.trends:
            return self
        if self._judge_only is None:
            twin = copy.copy(self)
            twin.trends = False
            twin._judged = {}
            twin._earlier = {}
            twin._judge_only = twin
            self._judge_only = twin
        return self._judge_only

    def shares_below(self, kr: KeyResult, subject: str) -> list[KeyResultProgress]:
        """Each share of ``kr`` that a member below ``subject`` holds (a member target),
        judged as of the engine's date without trends, which no judgement needs."""
        below = self._below_of(subject)
        return [
            p for member in kr.member_targets
            if member in below and (p := self._without_trends().key_result(kr, member)) is not None
        ]  # fmt: skip

    def members_met(self, kr: KeyResult, subject: str) -> MembersMet | None:
        """Of the members below ``subject`` that ``kr`` sets a target for, how many
        met it; None when it is not shared out below ``subject``."""
        judged = self.shares_below(kr, subject)
        if not judged:
            return None
        # A share settling past its target has met nothing yet: later collects restate it;
        # nor has a level ahead of it, which can fall back before its close.
        settling = sum(p.status is Status.SETTLING for p in judged)
        met = sum(p.status is Status.MET or (p.status not in (Status.SETTLING, Status.AHEAD)
                                             and (p.attainment or 0.0) >= 1)
                  for p in judged)  # fmt: skip
        on_pace = sum(p.status in (Status.MET, Status.AHEAD, Status.ON_TRACK) for p in judged)
        behind = sum(p.status is Status.OFF_TRACK for p in judged)
        return MembersMet(met, on_pace, len(judged), behind, settling)

    def unshared(self, kr: KeyResult, subject: str) -> Unshared | None:
        """The part of ``kr``'s figure at ``subject`` that no member with a share of its
        target brings (a trainee's clients, a leaver's, a unit's own rows), and the people
        below with a figure in it; None when every part is a member's, when it is not
        shared out below ``subject``, or for a rate, which is no sum of its parts."""
        spec = self.metrics.get(kr.metric or "")
        if spec is None or spec.formula is not None or spec.kind is MetricKind.RATIO:
            return None
        below = self._below_of(subject)
        members = tuple(m for m in kr.member_targets if m in below)
        if not members or kr.growth is not None:
            return None
        top, uncovered = self._shares_apart(subject, members)
        whole = self.rollup.sliced(spec.name, subject, kr.where).value
        shared = [self.rollup.sliced(spec.name, m, kr.where).value for m in top]
        if whole is None:
            return None
        rest = whole - sum(v for v in shared if v is not None)
        if abs(rest) < 1e-9 * max(1.0, abs(whole)):
            return None
        people = tuple(p for p in uncovered if self.rollup.sliced(spec.name, p, kr.where).value)
        return Unshared(rest, people)

    def _below_of(self, subject: str) -> frozenset[str]:
        """Everyone and every unit under ``subject``, not itself, listed once."""
        if subject not in self._below:
            self._below[subject] = frozenset(self.under(subject)) - {subject}
        return self._below[subject]

    def _shares_apart(
        self, subject: str, members: tuple[str, ...]
    ) -> tuple[list[str], tuple[str, ...]]:
        """Of ``members`` (below ``subject``, each holding a share of a key result's
        target), those no other of them is above; and the people under ``subject`` that
        none of them is above. Worked out once for each set of members: a firm's key
        results are each shared out to the same branches."""
        key = (subject, members)
        if key not in self._apart:
            shares, covered, nested = set(members), set(), set()
            for member in members:
                for below_it in self.under(member):
                    covered.add(below_it)
                    if below_it != member and below_it in shares:
                        nested.add(below_it)  # counted in the member above it
            uncovered = tuple(
                person for person in self.under(subject)
                if person in self.plan.people_by_id and person not in covered
            )  # fmt: skip
            self._apart[key] = ([m for m in members if m not in nested], uncovered)
        return self._apart[key]

    def _members(self, subject: str) -> list[MemberProgress]:
        """The child units ranked among themselves, then every person under the unit
        at any depth with key results of their own, ranked among themselves."""
        if subject not in self.plan.units_by_id:
            return []
        units = [u.id for u in self.plan.child_units(subject)]
        holding = _holding_key_results(self.plan)
        people = [
            s for s in subjects_under(self.plan, subject)
            if s in self.plan.people_by_id and s in holding
        ]  # fmt: skip
        return self._ranked(units) + self._ranked(people)

    def _ranked(self, ids: Sequence[str]) -> list[MemberProgress]:
        # A ranking shows scores only: judge the members without trends or forecasts,
        # which cost a query per key result and member, on the same rollup.
        judge_only = self._without_trends()
        found = []
        for member in ids:
            member_progress = judge_only.progress(member, members=False)
            results = [kr for o in member_progress.objectives for kr in o.key_results]
            off = sum(kr.status in BEHIND for kr in results)
            kind = "unit" if member in self.plan.units_by_id else "person"
            lacking = sorted({self.unprovided(kr.metric or "") or kr.metric or ""
                              for o in member_progress.objectives
                              for kr in o.unmeasured})  # fmt: skip
            capped = tuple(kr for o in member_progress.objectives for kr in o.capped)
            to_come = tuple(sorted({kr.phase_to_come for kr in results if kr.phase_to_come}))
            empty = tuple(sorted(kr.key_result.id for kr in results if kr.actual.value is None))
            found.append(
                MemberProgress(member, member_progress.name, kind, member_progress.score, off,
                               len(results), tuple(lacking), capped, to_come, empty)
            )  # fmt: skip
        return sorted(found, key=lambda m: (m.score is None, -(m.score or 0.0), m.id))


def _with_quiet_periods(
    trend: Sequence[tuple[dt.date, float]], plan: Plan, last: dt.date
) -> tuple[tuple[dt.date, float], ...]:
    """A flow's figure to date at the end of every period of the plan through ``last``
    (its day): a period its collects read with no row added 0 (a week without a new HNW
    client), a point of the line as any other, not a gap it skips. Without them the line
    was fitted to the weeks with clients alone and ran on from the last of them (21 June,
    on 30 June), not from today's figure."""
    points, total, at = sorted(trend), 0.0, 0
    filled = []
    for period in periods_between(plan.start, last, plan.grain):
        end = min(period.end, last)
        while at < len(points) and points[at][0] <= end:
            total, at = points[at][1], at + 1
        filled.append((end, total))
    return (*filled, *points[at:])


def falls_back(kr: KeyResult, spec: MetricSpec | None) -> bool:
    """A level (a rate, a stock; checked in, a rate, a score or a multiple) can fall back
    below its target before its close, and so can a net flow (a flow its plugin does not
    declare ``never_negative``: net new assets, whose outflows can undo a month's inflows),
    where a running total that only grows, reached, stays reached: past its target it
    reads ahead, not met, until its figure is final (``Status.AHEAD``). A conversion rate
    at 17% in August against 16% is December's 15% as easily."""
    if spec is not None:
        return spec.kind is not MetricKind.FLOW or not spec.never_negative
    return not kr.adds_up


def _only_grows(kr: KeyResult, spec: MetricSpec | None) -> bool:
    """A running count (new clients to date) never falls: its forecast is never
    below the count already reached. A net count (``never_negative`` false) can."""
    if kr.unit.dimension is not Dimension.COUNT or spec is None:
        return False
    return spec.kind is MetricKind.FLOW and spec.never_negative


def _ratio_parts(
    spec: MetricSpec,
    numerators: Sequence[tuple[dt.date, float]],
    denominators: Mapping[dt.date, float],
) -> list[tuple[dt.date, float, float]]:
    """(day, numerator, denominator) to date at each period's end, each part over
    time as the spec says (summed, its latest, or its first)."""
    parts = []
    numerator = denominator = 0.0
    first_denominator: float | None = None
    latest_numerator = spec.numerator_over_time is OverTime.LAST
    denominator_over_time = spec.denominator_over_time
    for day, value in numerators:
        den = denominators.get(day, 0.0)
        numerator = value if latest_numerator else numerator + value
        if denominator_over_time is OverTime.FIRST:
            first_denominator = den if first_denominator is None else first_denominator
            denominator = first_denominator
        elif denominator_over_time is OverTime.LAST:
            denominator = den
        else:
            denominator += den
        parts.append((day, numerator, denominator))
    return parts


def counted_attainment(attainment: float, cap: float) -> float:
    """What a key result's attainment counts for in its objective's score: at most
    ``cap`` (the plan's ``attainment_cap``), so that one far beyond its target cannot
    hide another that is missed."""
    return min(attainment, cap)


def counts_as_nothing(p: KeyResultProgress) -> bool:
    """A key result with no figure yet whose way to its target has begun (something is
    due by the date, or it is a limit, held from the start): its score counts it as 0,
    as a branch's own policy counts a component with no data, not as absent. Left out,
    its first figure, weeks into a quarter, moved the score by points with nothing moved.
    One whose phase has not begun, that no loaded plugin measures, whose first check-in
    is not due yet, or on a stock or a ratio (``no_rows_kind``), stays out."""
    return without_a_figure_counts_0(p.actual.value, p.target.value, p.due,
                                     guardrail=p.key_result.guardrail,
                                     phase_to_come=p.phase_to_come,
                                     checkin_not_due=p.checkin_not_due,
                                     no_rows_kind=p.no_rows_kind)  # fmt: skip


def without_a_figure_counts_0(
    actual: float | None,
    target: float | None,
    due: float,
    *,
    guardrail: bool,
    phase_to_come: str | None,
    checkin_not_due: bool = False,
    no_rows_kind: str | None = None,
) -> bool:
    """``counts_as_nothing`` from a key result's figures, as a report keeps them."""
    if actual is not None or phase_to_come is not None or target is None or checkin_not_due:
        return False
    if no_rows_kind is not None:
        return False
    return guardrail or due > 0


def _weighted(results: Sequence[KeyResultProgress], cap: float) -> float | None:
    """The weighted mean attainment, each key result ``counted_attainment``, those with
    no figure yet ``counts_as_nothing`` at 0; None where none has a figure."""
    if all(p.attainment is None for p in results):
        return None
    scored = [
        (float(p.key_result.weight), counted_attainment(p.attainment, cap))
        for p in results
        if p.attainment is not None
    ]
    scored += [(float(p.key_result.weight), 0.0) for p in results if counts_as_nothing(p)]
    total = sum(w for w, _ in scored)
    return sum(w * a for w, a in scored) / total if total else None


def _weighted_objectives(objectives: Sequence[ObjectiveProgress]) -> float | None:
    """The weighted mean of the objectives' scores; one with no figure yet in any key
    result, whose way has begun in one (``counts_as_nothing``), at 0, as its key results
    are; None where no objective has a score."""
    scored = [(float(o.objective.weight), o.score) for o in objectives if o.score is not None]
    if not scored:
        return None
    scored += [
        (float(o.objective.weight), 0.0)
        for o in objectives
        if o.score is None and any(counts_as_nothing(p) for p in o.key_results)
    ]
    total = sum(w for w, _ in scored)
    return sum(w * (s or 0.0) for w, s in scored) / total if total else None


def scores_by_subject(engine: Engine, subjects: Sequence[str]) -> dict[str, float | None]:
    """Each subject's score at the engine's date, sharing one rollup."""
    engine.rollup.compute_all()
    return {s: engine.progress(s, members=False).score for s in subjects}


def progress(
    plan: Plan,
    store: StoreReader,
    subject: str,
    as_of: dt.date,
    metrics: Mapping[str, MetricSpec],
) -> SubjectProgress:
    """The progress of ``subject`` (a unit or person id) at the end of ``as_of``."""
    return Engine(plan, store, as_of, metrics).progress(subject)
