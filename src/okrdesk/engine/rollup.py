"""Add numbers up the org tree by the rules of each metric's kind.

- stock: the value in the latest period with data, summed across people;
- flow: summed over time and people;
- ratio: Σ numerator / Σ denominator, each part carried over time as the
  metric says (sum, last or first); 0 / 0 is no data, never zero.

The adding is done in SQL by the store, never in a Python loop per
observation.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Collection, Container, Iterable, Mapping, Sequence
from operator import attrgetter
from typing import Any

import attrs

from okrdesk.engine.plan_calendar import (
    collects_of,
    figures_through,
    latest_end,
    metrics_by_grain,
)
from okrdesk.engine.tree_targets import owner_of
from okrdesk.formula import is_fact, parse
from okrdesk.model import (
    CheckinFigure,
    KeyResult,
    MetricKind,
    MetricSpec,
    OrgUnit,
    OverTime,
    Plan,
    slice_matches,
    slice_of,
    slice_values,
)
from okrdesk.periods import Grain
from okrdesk.records import shared_methods
from okrdesk.store.reader import StoreReader, SumPlaces, SumRows


@attrs.frozen
@shared_methods
class Figure:
    """A rolled-up number, with the parts it came from."""

    value: float | None
    """None means no data."""
    numerator: float | None = None
    denominator: float | None = None
    observations: int = 0


def subjects_under(plan: Plan, owner: str) -> list[str]:
    """The ids whose observations count towards ``owner``: itself and everything below."""
    if owner in plan.people_by_id:
        return [owner]
    units = [u.id for u in plan.subtree(owner)]
    # ``Plan.people_under``'s order, without walking the tree again.
    return units + [p.id for unit in units for p in plan.people_in(unit)]


def checked_in_for(plan: Plan, kr: KeyResult) -> set[str]:
    """The subjects whose check-ins of ``kr`` make a figure of it: anyone under its owner
    for an amount or a count, which add up; for a rate or a score, its owner and the
    members it sets a target of (a team's NPS checked in where the branch's is owed is in
    no figure, and leaves the branch's owed)."""
    owner = owner_of(plan, kr)
    if kr.adds_up:
        return set(subjects_under(plan, owner))
    return {owner, *kr.member_targets}


def checkin_counts(
    plan: Plan, kr: KeyResult, subject: str, top: str, latest: Container[str]
) -> bool:
    """Whether a subject's own check-in of ``kr`` counts towards ``top``'s figure: it does
    unless a unit between them, or ``top`` itself, has a check-in of its own in ``latest``
    (the subjects that have one), which already stands for it; a rate's or a score's
    only towards its own subject's (``_checkins_up_the_tree``)."""
    if not kr.adds_up:
        return subject == top
    unit = (
        plan.people_by_id[subject].unit
        if subject in plan.people_by_id
        else (plan.units_by_id[subject].parent)
    )
    while subject != top and unit is not None:
        if unit in latest and unit != subject:
            return False
        if unit == top:
            return True
        unit = plan.units_by_id[unit].parent if unit in plan.units_by_id else None
    return True


Summed = frozenset[tuple[str, tuple[str, ...]]]
"""The metrics whose sums over time are read, each with the parts (value, numerator,
denominator) read of it."""

NOTHING_SUMMED: tuple[dict[str, tuple[Any, ...]], SumPlaces] = ({}, SumPlaces.from_start(1))
"""A metric with no sums stored: no rows."""

OnePeriod = dict[str, tuple[float | None, int]]
"""Each subject's figure of one part of a metric at one period, and its observations
(``StoreReader.totals_by_subject`` of a first or last period)."""

Part = tuple[Mapping[str, Sequence[Any]], int, int]
"""One stored part of a metric (its value, numerator or denominator) as the adding up
reads it: subject → row, and where in the row the number and the observations are."""

Totals = dict[str, tuple[tuple[float | None, ...], int]]
"""Each subject's numbers (one per part) added up the tree, and its observations."""


class SharedReads:
    """What several rollups of one plan and store read alike, read once: the sums over
    time of every metric and subject at a few dates known in advance (a report's date
    and a period earlier: one read of the store answers both), and the org
    tree as the adding up walks it."""

    def __init__(
        self,
        store: StoreReader,
        plan: Plan,
        days: Iterable[dt.date] = (),
        specs: Mapping[str, MetricSpec] | None = None,
    ) -> None:
        """``days``: the dates the report asks about, as asked (each is read through
        the day its figures count through, ``through``). ``specs``: the metrics'
        declarations, so a derived metric's inputs are among the plan's metrics."""
        self.store = store
        self.plan = plan
        # On a store other plans collect too, how far a metric was collected is this
        # plan's collects' word alone: a branch behind another reads its own day.
        store.read_collects_of(collects_of(plan, store))
        self._metrics = metrics_by_grain(plan, specs)[plan.grain]
        self._through: dict[dt.date, dt.date] = {}
        self._sums: dict[tuple[dt.date, str | None, Summed | None], SumRows] = {}
        self._trees: dict[str | None, _Tree] = {}
        self._latest: dict[tuple[Grain, str], dt.date | None] = {}
        self._firsts: dict[tuple[str, str, str | None, str | None, dt.date], OnePeriod] = {}
        self._rollups: dict[tuple[dt.date, str | None], Rollup] = {}
        self.read_together(days)

    def rollup(
        self,
        store: StoreReader,
        as_of: dt.date,
        specs: Mapping[str, MetricSpec],
        within: str | None,
    ) -> Rollup:
        """The rollup at ``as_of`` for ``within`` (``Rollup``), made once for the engines
        that read the same store with the same metrics: the report's engines judge a
        checkpoint as it stood on its date, now and a period earlier alike, and add up its
        figures and check-ins once."""
        key = (as_of, within)
        found = self._rollups.get(key)
        if found is None or found.store is not store or found.specs is not specs:
            found = self._rollups[key] = Rollup(self.plan, store, as_of, specs, within, self)
        return found

    def latest_end(self, metric: str, grain: Grain, spec: MetricSpec | None) -> dt.date | None:
        """The end of ``metric``'s latest period of ``grain`` with data (``latest_end``):
        read once for a report's engines and its alerts alike."""
        key = (grain, metric)
        if key not in self._latest:
            self._latest[key] = latest_end(self.store, metric, grain, spec)
        return self._latest[key]

    def first_period(
        self,
        metric: str,
        part: str,
        through: dt.date,
        scope: str | None,
        subjects: Collection[str] | None,
        since: dt.date,
    ) -> OnePeriod:
        """``totals_by_subject`` of ``metric``'s ``part`` carried from its first period
        from ``since`` that starts by ``through`` (an attrition rate's headcount at the
        start of the year), for every subject or those of ``subjects`` (the subtree of
        ``scope``): read once for the dates of a report whose first period is the same,
        now and a period earlier alike."""
        first = OverTime.FIRST.value
        period = self.store.edge_period(metric, first, through, self.plan.grain, since)
        key = (metric, part, period, scope, since)
        if key not in self._firsts:
            self._firsts[key] = self.store.totals_by_subject(
                metric, through, part, first, self.plan.grain, subjects, since=since
            )
        return self._firsts[key]

    def read_together(self, days: Iterable[dt.date]) -> None:
        """Sum through each of ``days`` (as asked, each read through its ``through``
        day) in one read, the first time the sums through one of them are asked for."""
        self.days = frozenset(self.through(day) for day in days)

    def through(self, day: dt.date) -> dt.date:
        """The day the plan's figures as of ``day`` count through (``figures_through``
        at the plan's grain), found once per day."""
        if day not in self._through:
            through = figures_through(self.store, day, self.plan.grain, self._metrics)
            # The plan's first period starts on its first day (a year's first week is cut
            # to it): the day before that is the earliest the figures can run through.
            before = self.plan.start - dt.timedelta(days=1)
            self._through[day] = max(through, min(day, before))
        return self._through[day]

    def sums(
        self,
        day: dt.date,
        scope: str | None,
        subjects: Collection[str] | None,
        metrics: Summed | None = None,
    ) -> SumRows:
        """The sums over time through ``day`` (a ``through`` day) for each subject of
        every metric (of ``metrics`` when given, the columns each names: others may be
        missing): every subject
        when ``scope`` is None, else those of ``subjects`` (the subtree of the unit
        ``scope``). The first date of ``days`` asked for reads them all."""
        key = (day, scope, metrics)
        if key not in self._sums:
            days = (
                [d for d in self.days if (d, scope, metrics) not in self._sums]
                if day in self.days
                else [day]
            )
            read = self.store.sum_rows_at(
                days, self.plan.grain, subjects, since=self.plan.start,
                metrics=None if metrics is None else dict(metrics),
            )  # fmt: skip
            for through, rows in read.items():
                self._sums[(through, scope, metrics)] = rows
        return self._sums[key]

    def tree(self, root: str | None) -> _Tree:
        """The tree under ``root`` (the whole plan when None), listed once."""
        if root not in self._trees:
            self._trees[root] = _Tree(self.plan, root)
        return self._trees[root]


def _parts(spec: MetricSpec) -> list[tuple[str, str]]:
    if spec.kind is MetricKind.RATIO:
        return [
            ("numerator", spec.numerator_over_time.value),
            ("denominator", spec.denominator_over_time.value),
        ]
    return [("value", "last" if spec.kind is MetricKind.STOCK else "sum")]


class Rollup:
    """Every metric's figure for every unit and person of a plan at one date.

    Each metric costs one grouped query per stored part; the adding up the
    tree is one pass over units and people, whatever the number of
    observations.
    """

    def __init__(
        self,
        plan: Plan,
        store: StoreReader,
        as_of: dt.date,
        specs: Mapping[str, MetricSpec],
        within: str | None = None,
        shared: SharedReads | None = None,
        since: dt.date | None = None,
    ) -> None:
        """``within``: a unit whose subtree is all that is usually asked about (one
        branch's report); figures for it are read from its own rows only. ``shared``:
        what this rollup reads alike with others of the same plan and store (a report's
        rollup now and a period earlier). ``since``: the first day of the periods its
        figures count (a rate's phase checkpoint reads its phase's own), the plan's first
        day unless given."""
        self.plan = plan
        self.since = since if since is not None else plan.start
        self.store = store
        self.as_of = as_of
        self.specs = specs
        self.shared = shared if shared is not None else SharedReads(store, plan, specs=specs)
        self.through = self.shared.through(as_of)
        """The day stored figures count through: ``as_of``, or the end of the last
        period before it when the period holding it is stored past it."""
        everything = within is None or within == plan.top
        self._scope = None if everything else set(subjects_under(plan, within or plan.top))
        self._figures: dict[tuple[str, bool], _Figures] = {}
        self._within = within
        self._checkins: dict[str, dict[str, Figure]] = {}
        self._checkin_days: dict[str, dict[str, dt.date]] = {}
        self._slices: dict[tuple[str, bool, str], _Figures] = {}
        self._slice_rows: dict[tuple[str, bool], list[list[SliceRow]]] = {}
        self._summed: dict[bool, SumRows] = {}
        self._summed_metrics: Summed = frozenset(
            (name, summed)
            for name, spec in specs.items()
            if spec.formula is None
            and (summed := tuple(part for part, over in _parts(spec) if over == "sum"))
        )
        """The metrics with a part added up over time, each with those parts: the only
        sums read."""

    def figure(self, metric: str, subject: str) -> Figure:
        spec = self.specs[metric]
        if spec.formula is not None:
            return self._derived(spec.formula, subject)
        scoped = self._scope is not None and subject in self._scope
        key = (metric, scoped)
        if key not in self._figures:
            self._figures[key] = self._compute(self.specs[metric], scoped)
        return self._figures[key].of(subject)

    def sliced(self, metric: str, subject: str, where: Mapping[str, str]) -> Figure:
        """One slice of a metric at ``subject`` (``where``: dimension → value; a slice
        naming fewer dimensions than the metric has is the sum of the rows it
        matches), added up the tree by the metric's kind like the whole figure."""
        if not where:
            return self.figure(metric, subject)
        return self._sliced_figures(metric, subject, where).of(subject)

    def own(self, metric: str, subject: str, where: Mapping[str, str]) -> Figure:
        """The figure of what is stored on a unit itself, not below it (a branch's own
        forum, booked to the branch rather than to a team or a person), by the metric's
        kind as the whole figure; none for a metric computed from others."""
        spec = self.specs[metric]
        if spec.formula is not None:
            return Figure(None)
        if where:
            return self._sliced_figures(metric, subject, where).own_of(subject)
        self.figure(metric, subject)
        scoped = self._scope is not None and subject in self._scope
        return self._figures[(metric, scoped)].own_of(subject)

    def _sliced_figures(self, metric: str, subject: str, where: Mapping[str, str]) -> _Figures:
        spec = self.specs[metric]
        scoped = self._scope is not None and subject in self._scope
        key = (metric, scoped, slice_of(where))
        if key not in self._slices:
            own: list[Part] = []
            parts = self._rows_of(spec, scoped)
            none_of_it = self._counted_in_full(spec, scoped, parts)
            for rows in parts:
                found: dict[str, tuple[float | None, int]] = dict.fromkeys(none_of_it, (0.0, 0))
                for row in rows:
                    if slice_matches(row.slice, where):
                        number, count = found.get(row.subject, (None, 0))
                        found[row.subject] = (_plus(number, row.number), count + row.count)
                own.append((found, 0, 1))
            self._slices[key] = self._figures_from(spec, own, scoped)
        return self._slices[key]

    def _counted_in_full(
        self, spec: MetricSpec, scoped: bool, parts: list[list[SliceRow]]
    ) -> list[str]:
        """The subjects whose every slice is known, so that a slice with no row of theirs
        is 0, not no data: those whose figures were given in slices (a CM's new clients,
        men and women, and no woman among them; a stock's latest level, the only period
        read, split into tiers, none of them the top one), those whose every figure of a
        flow is a zero for no rows (a CM with no sale at all), and those whose whole
        figure is 0 where it cannot be below it (each slice is 0 too). A subject with no
        figure at all, or with whole figures alone that say nothing of their slices, has
        none; nor has any subject of a ratio, whose missing slice is 0 / 0."""
        if spec.kind is MetricKind.RATIO:
            return []
        counted = {row.subject for rows in parts for row in rows}
        if spec.kind is MetricKind.FLOW:
            counted |= self.store.none_counted(
                spec.name, self.through, self.plan.grain, self._scope if scoped else None,
                since=self.plan.start,
            )  # fmt: skip
        if spec.never_below_zero:
            wholes = (spec.name, scoped)
            if wholes not in self._figures:
                self._figures[wholes] = self._compute(spec, scoped)
            ((rows, at, counted_at),) = self._figures[wholes].own
            counted.update(s for s, row in rows.items() if row[at] == 0 and row[counted_at])
        return sorted(counted)

    def breakdown(
        self, metric: str, subject: str, dimension: str, where: Mapping[str, str] | None = None
    ) -> list[tuple[str, Figure]]:
        """The figure at ``subject`` (of the slice ``where``, if given) split by the
        values of one dimension, the largest first: each part is the slice's rows at or
        under ``subject`` added up by the metric's kind, so the parts add up to the
        whole (Σ num / Σ den for a ratio)."""
        spec = self.specs[metric]
        under = set(subjects_under(self.plan, subject))
        scoped = self._scope is not None and subject in self._scope
        totals: dict[str, list[float | None]] = {}
        counts: dict[str, int] = {}
        for i, rows in enumerate(self._rows_of(spec, scoped)):
            for row in rows:
                value = slice_values(row.slice).get(dimension)
                if value is None or row.subject not in under or not slice_matches(row.slice, where):
                    continue
                numbers = totals.setdefault(value, [None] * len(_parts(spec)))
                numbers[i] = _plus(numbers[i], row.number)
                if i == 0:
                    counts[value] = counts.get(value, 0) + row.count
        parts = []
        for value, numbers in totals.items():
            if spec.kind is MetricKind.RATIO:
                numerator, denominator = numbers
                ratio = None if not denominator else (numerator or 0.0) / denominator
                parts.append((value, Figure(ratio, numerator, denominator, counts[value])))
            else:
                parts.append((value, Figure(numbers[0], observations=counts[value])))
        ratio = spec.kind is MetricKind.RATIO
        return sorted(parts, key=lambda p: (-((p[1].denominator if ratio else p[1].value) or 0.0),
                                            p[0]))  # fmt: skip

    def _rows_of(self, spec: MetricSpec, scoped: bool) -> list[list[SliceRow]]:
        """Each stored part's slice rows (one list per ``_parts``), read once: one
        indexed read per way of carrying a part over time."""
        key = (spec.name, scoped)
        if key not in self._slice_rows:
            subjects = self._scope if scoped else None
            read: dict[str, list[SliceSums]] = {}
            found = []
            for column, over_time in _parts(spec):
                if over_time not in read:
                    read[over_time] = self.store.slice_sums(
                        spec.name,
                        self.through,
                        over_time,
                        self.plan.grain,
                        subjects,
                        since=self.since,
                    )
                found.append([SliceRow(r[0], r[1], _pick(r, column), r[5])
                              for r in read[over_time]])  # fmt: skip
            self._slice_rows[key] = found
        return self._slice_rows[key]

    def _derived(self, text: str, subject: str) -> Figure:
        """A derived metric at ``subject``: its formula over the inputs rolled up to the
        subject (a ratio of sums). A formula that is one input over another keeps them
        as numerator and denominator, for explain."""
        formula = parse(text)

        def value_of(name: str) -> float | None:
            if is_fact(name):
                return float(self.headcount(subject, name.removeprefix("headcount").lstrip("_")))
            if name not in self.specs:
                return None
            return self.figure(name, subject).value

        parts = formula.parts
        numerator = value_of(parts[0]) if parts else None
        denominator = value_of(parts[1]) if parts else None
        return Figure(formula.evaluate(value_of), numerator, denominator)

    def headcount(self, subject: str, role: str = "") -> int:
        """The people at or under ``subject`` (of ``role`` when given)."""
        people = [self.plan.people_by_id[s] for s in subjects_under(self.plan, subject)
                  if s in self.plan.people_by_id]  # fmt: skip
        return sum(1 for p in people if not role or p.role == role)

    def compute_all(self) -> None:
        """Every metric for every subject of the plan, as cheaply as SQLite allows.

        All sums come from one read of the store (``sum_rows_at``); only the parts
        read at one period (stocks, ratios carried from the first or last period)
        are queried per metric, along the primary key.
        """
        for name, spec in self.specs.items():
            if spec.formula is not None:
                continue
            self._figures[(name, False)] = self._compute(spec, False)

    def _compute(self, spec: MetricSpec, scoped: bool) -> _Figures:
        """One metric's figures. Parts summed over time come from one grouped read of
        every metric (per scope, shared by all metrics); parts taken at one period
        (stocks, ratios carried from the first or last period) are read per metric."""
        subjects = self._scope if scoped else None
        own: list[Part] = []
        for part, over_time in _parts(spec):
            # The plan's sums are read once for every metric; a phase's, for its rate alone.
            if over_time == "sum" and self.since == self.plan.start:
                rows, places = self._sums(scoped).get(spec.name, NOTHING_SUMMED)
                own.append((rows, places.of(part), places.observations))
            elif over_time == OverTime.FIRST.value:
                scope = self._within if scoped else None
                own.append((self.shared.first_period(spec.name, part, self.through, scope,
                                                     subjects, self.since), 0, 1))  # fmt: skip
            else:
                own.append((self.store.totals_by_subject(
                    spec.name, self.through, part, over_time, self.plan.grain, subjects,
                    since=self.since,
                ), 0, 1))  # fmt: skip
        return self._figures_from(spec, own, scoped)

    def _sums(self, scoped: bool) -> SumRows:
        if scoped not in self._summed:
            scope = self._within if scoped else None
            self._summed[scoped] = self.shared.sums(
                self.through, scope, self._scope if scoped else None, self._summed_metrics
            )
        return self._summed[scoped]

    def _figures_from(self, spec: MetricSpec, own: list[Part], scoped: bool) -> _Figures:
        tree = self.shared.tree(self._within if scoped else None)
        return _Figures(spec.kind is MetricKind.RATIO, tree, own)

    def checkin(self, kr: KeyResult, subject: str) -> Figure:
        """The latest check-in: the subject's own, else the sum of its members'."""
        self._read_checkins(kr)
        return self._checkins[kr.id].get(subject, Figure(None))

    def checkin_day(self, kr: KeyResult, subject: str) -> dt.date | None:
        """The day the subject's figure from check-ins (``checkin``) speaks for: its own
        latest check-in's, else the latest of the latest ones its sum adds up; None
        without one."""
        self._read_checkins(kr)
        return self._checkin_days[kr.id].get(subject)

    def _read_checkins(self, kr: KeyResult) -> None:
        if kr.id in self._checkins:
            return
        plan = self.plan
        read = self.store.checkin_figures(kr.id, plan.subject_ids, plan.start, plan.end)
        as_of = self.as_of  # read oldest first: each subject's last is its latest
        latest = {subject: (value, day) for _, _, subject, day, value in read if day <= as_of}
        additive = kr.adds_up
        self._checkins[kr.id], self._checkin_days[kr.id] = _checkins_up_the_tree(
            self.plan, latest, additive
        )


@attrs.frozen
@shared_methods
class SliceRow:
    subject: str
    slice: str
    number: float | None
    count: int


SliceSums = tuple[str, str, float | None, float | None, float | None, int]
"""A row of ``StoreReader.slice_sums``: subject, slice, Σ value, Σ numerator, Σ denominator,
observations."""


def _pick(row: SliceSums, column: str) -> float | None:
    """One part of a row of ``StoreReader.slice_sums``."""
    _, _, value, numerator, denominator, _ = row
    return {"value": value, "numerator": numerator, "denominator": denominator}[column]


def _plus(a: float | None, b: float | None) -> float | None:
    if b is None:
        return a
    return (a or 0.0) + b


class _Tree:
    """The org tree as the adding up walks it, listed once: every person, and each unit
    bottom-up with the units directly below it, then the people in it (the order their
    numbers are added in); only the subtree of ``root`` when given (a branch's report
    adds up its own branch, not the firm)."""

    def __init__(self, plan: Plan, root: str | None = None) -> None:
        if root is None:
            people = [p.id for p in plan.people]
            units = _bottom_up(plan)
        elif root in plan.people_by_id:
            people, units = [root], []
        else:
            people = [p.id for p in plan.people_under(root)]
            units = list(reversed(list(plan.subtree(root))))
        self.people = frozenset(people)
        self.units = [
            (u.id, [c.id for c in plan.child_units(u.id)], [p.id for p in plan.people_in(u.id)])
            for u in units
        ]


class _Figures:
    """One metric's figures for every subject: each unit's totals added up the tree,
    each person's own row read as it is; each Figure made when first asked for (a firm
    has ten thousand people, and a report asks about a few dozen ids)."""

    def __init__(self, ratio: bool, tree: _Tree, own: list[Part]) -> None:
        self.ratio = ratio
        self.tree = tree
        self.own = own
        self.totals = _up_the_tree(tree, own)
        self.made: dict[str, Figure] = {}

    def of(self, subject: str) -> Figure:
        if subject not in self.made:
            self.made[subject] = self._make(subject)
        return self.made[subject]

    def own_of(self, subject: str) -> Figure:
        """The subject's own rows alone, not what is below it."""
        return self._figure(*_own(subject, self.own))

    def _make(self, subject: str) -> Figure:
        if subject in self.totals:
            numbers, count = self.totals[subject]
        elif subject in self.tree.people:
            numbers, count = _own(subject, self.own)
        else:
            return Figure(None)
        return self._figure(numbers, count)

    def _figure(self, numbers: tuple[float | None, ...], count: int) -> Figure:
        if self.ratio:
            numerator, denominator = numbers
            value = None if not denominator else (numerator or 0.0) / denominator
            return Figure(value, numerator, denominator, count)
        return Figure(numbers[0], observations=count)


def _up_the_tree(tree: _Tree, own: list[Part]) -> Totals:
    """Each unit's own numbers plus those of everything below it: the units directly
    below, then the people in it, added one by one. A metric has one part (a stock or
    a flow) or two (a ratio); each has a loop of its own, the hot path of a firm's
    report."""
    if len(own) == 1:
        return _one_part_up_the_tree(tree, *own[0])
    first, second = own
    return _two_parts_up_the_tree(tree, first, second)


def _one_part_up_the_tree(
    tree: _Tree, rows: Mapping[str, Sequence[Any]], at: int, counted: int
) -> Totals:
    get = rows.get
    totals: Totals = {}
    for unit, below, people in tree.units:
        row = get(unit)
        number, count = (None, 0) if row is None else (row[at], row[counted])
        for child in below:
            (more,), more_count = totals[child]
            if more is not None:
                number = (number or 0.0) + more
            count += more_count
        for person in people:
            row = get(person)
            if row is not None:
                more = row[at]
                if more is not None:
                    number = (number or 0.0) + more
                count += row[counted]
        totals[unit] = ((number,), count)
    return totals


def _two_parts_up_the_tree(tree: _Tree, first: Part, second: Part) -> Totals:
    rows_x, at_x, counted_x = first
    rows_y, at_y, counted_y = second
    get_x, get_y = rows_x.get, rows_y.get
    totals: Totals = {}
    for unit, below, people in tree.units:
        (x, y), count = _own(unit, [first, second])
        for child in below:
            (more_x, more_y), more_count = totals[child]
            if more_x is not None:
                x = (x or 0.0) + more_x
            if more_y is not None:
                y = (y or 0.0) + more_y
            count += more_count
        for person in people:
            row_x, row_y = get_x(person), get_y(person)
            counts = 0
            if row_x is not None:
                more_x, counts = row_x[at_x], row_x[counted_x]
                if more_x is not None:
                    x = (x or 0.0) + more_x
            if row_y is not None:
                more_y, counts = row_y[at_y], max(counts, row_y[counted_y])
                if more_y is not None:
                    y = (y or 0.0) + more_y
            count += counts
        totals[unit] = ((x, y), count)
    return totals


def _own(subject: str, own: list[Part]) -> tuple[tuple[float | None, ...], int]:
    """A subject's own numbers, one per part, and the most observations any part had."""
    numbers: list[float | None] = []
    count = 0
    for rows, at, counted in own:
        row = rows.get(subject)
        if row is None:
            numbers.append(None)
        else:
            numbers.append(row[at])
            count = max(count, row[counted])
    return tuple(numbers), count


def _members(plan: Plan, unit_id: str) -> list[str]:
    """Ids directly below a unit: its child units and the people in it."""
    return [u.id for u in plan.child_units(unit_id)] + [p.id for p in plan.people_in(unit_id)]


def _units_above(plan: Plan, subjects: Iterable[str]) -> list[OrgUnit]:
    """The units above any of ``subjects`` (each unit among them too), the deepest first:
    the only ones a figure of theirs is added up into, in an order that has every unit's
    members before it. A firm's tree is not walked for the few who checked in."""
    depth: dict[str, int] = {}
    for subject in subjects:
        person = plan.people_by_id.get(subject)
        chain: list[str] = []
        unit = plan.units_by_id.get(person.unit if person is not None else subject)
        while unit is not None and unit.id not in depth and unit.id not in chain:
            chain.append(unit.id)
            unit = plan.units_by_id.get(unit.parent) if unit.parent is not None else None
        below = depth[unit.id] if unit is not None and unit.id in depth else -1
        for distance, found in enumerate(reversed(chain), start=1):
            depth[found] = below + distance
    deepest_first = sorted(depth, key=lambda unit_id: -depth[unit_id])
    return [plan.units_by_id[unit_id] for unit_id in deepest_first]


def _bottom_up(plan: Plan) -> list[OrgUnit]:
    order: list[OrgUnit] = []
    roots = [u for u in plan.units if u.parent is None or u.parent not in plan.units_by_id]
    for root in roots:
        order.extend(plan.subtree(root.id))
    return list(reversed(order))


def checkins_over_time(
    plan: Plan, checkins: Iterable[CheckinFigure], subject: str, additive: bool = True
) -> list[tuple[dt.date, float]]:
    """``subject``'s figure from check-ins (``Rollup.checkin``) at the end of each day one
    counted in it was made, from ``checkins`` (oldest first, of ``subject`` and those
    under it): its own latest, else the sum of its members' latest, worked out as
    ``_checkins_up_the_tree`` does. A unit's trend is the figure it reads, not its own
    check-ins alone: the sum of its members' before it has one (a team's sparkline and
    forecast were drawn from its own check-ins while its figure was its members' sum).
    Each day only the units above that day's check-ins are added up again."""
    own: dict[str, float] = {}
    figures: dict[str, float] = {}
    points: list[tuple[dt.date, float]] = []
    above_of: dict[str, frozenset[str]] = {}  # the units above each, up to the subject
    reaches: dict[str, bool] = {}  # whether it is the subject or under it
    depths: dict[str, int] = {}
    # Each unit's members with a figure, in the order the rollup adds them (a sum in
    # another order can differ in its last digit), and how many figures there were when
    # they were listed: figures are only ever added, so as many means the same ones.
    counted: dict[str, tuple[list[str], int]] = {}
    for day, made in itertools.groupby(checkins, key=attrgetter("day")):
        today = {c.subject: c.value for c in made}  # a day's figure is its last check-in's
        own.update(today)
        figures.update(today)
        for new in [s for s in today if s not in above_of]:
            chain = _up_to(plan, new, subject) if additive else [new]
            above_of[new], reaches[new] = frozenset(chain[1:]), chain[-1] == subject
            for node in chain:
                if node not in depths:
                    depths[node] = _depth(plan, node)
        # The units above, deepest first; one with a check-in of its own reads that.
        above = set().union(*map(above_of.__getitem__, today)).difference(own)
        for unit in sorted(above, key=depths.__getitem__, reverse=True):
            listed = counted.get(unit)
            if listed is None or listed[1] != len(figures):
                found = [m for m in _members(plan, unit) if m in figures]
                listed = counted[unit] = (found, len(figures))
            if listed[0]:
                figures[unit] = sum(map(figures.__getitem__, listed[0]))
        # A point where a check-in of the day counts in the figure: not a member's under
        # a unit (the subject, or one between) reading its own check-in instead.
        if subject in figures and any(
            reaches[s] and own.keys().isdisjoint(above_of[s]) for s in today
        ):
            points.append((day, figures[subject]))
    return points


def _up_to(plan: Plan, below: str, top: str) -> list[str]:
    """``below`` and the units above it, up to ``top``."""
    chain = [below]
    node: str | None = below
    while node != top and node is not None:
        person = plan.people_by_id.get(node)
        node = person.unit if person is not None else plan.units_by_id[node].parent
        if node is not None and node in plan.units_by_id:
            chain.append(node)
        else:
            node = None
    return chain


def _depth(plan: Plan, node: str) -> int:
    """How many units are above ``node``: the deepest are added up first."""
    return len(_up_to(plan, node, "")) - 1


def _checkins_up_the_tree(
    plan: Plan, latest: Mapping[str, tuple[float, dt.date]], additive: bool = True
) -> tuple[dict[str, Figure], dict[str, dt.date]]:
    """Each subject's latest check-in (value, day) as its figure and the day that speaks
    for; a unit without one of its own adds up its members' figures, and speaks for the
    latest of their days: a sum holding a current check-in is current (held to the
    earliest day, the current ones in it were paced on a day long gone, and a unit
    behind read on track); its members' late check-ins are owed, and said so. A rate's or
    a score's (not ``additive``) do not add up: two teams' NPS of 60 and 58 is no branch's
    118, so a unit has only its own."""
    figures = {s: Figure(value, observations=1) for s, (value, _) in latest.items()}
    days = {s: day for s, (_, day) in latest.items()}
    if not additive:
        return figures, days
    for unit in _units_above(plan, latest):
        if unit.id in days:
            continue
        members = [m for m in _members(plan, unit.id) if m in days]
        found = [figures[m] for m in members if m in figures and figures[m].value is not None]
        if found:
            figures[unit.id] = Figure(
                sum(f.value or 0.0 for f in found), observations=sum(f.observations for f in found)
            )
        if members:
            days[unit.id] = max(days[m] for m in members)
    return figures, days
