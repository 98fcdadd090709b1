"""The store as one report reads it: its plan's check-ins in one query, and what the engine
asks of each metric's latest period, and of the collects, asked once.

The engine asks for a key result's check-ins wherever it needs them (its
figure, its members', who owes one, the latest shown beside it, its trend): some 160
queries for the demo's report. It asks for them as figures (``checkin_figures``:
whose, of what, the day and the value): a firm's year of check-ins read so takes about
a third of the time whole records take. The few it shows are read whole, by id.
It asks how far a metric's figures reach (``latest_period_end``,
``collected_through``, ``landed_through``) for each key result on it and again for its alerts,
and reads the list of collects for the figures, their change and the alerts: on a firm's
server its branches collect into, of each branch's collects the first and the latest where
that one answers for the others (``recent_collects``), not a year of each one's weeks.
A report reads one state of the store (``Store.reading``), whatever a collect
commits meanwhile, so the check-ins of the plan's subjects are read once, oldest
first, and each question about them is answered from them, in the order the store
would give (a question about other subjects, an old unit id's, goes to the store:
a firm's store shared by its branches holds every branch's); each of the other
answers is kept from the first time it is asked. Everything else goes to the store
as it is.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Collection, Iterable, Mapping
from operator import attrgetter
from typing import Any, cast

from okrdesk.engine.plan_calendar import landed_by
from okrdesk.engine.recent_collects import collects_a_report_reads, needed_landed
from okrdesk.model import Checkin, CheckinFigure, MetricSpec, Plan, Run
from okrdesk.periods import Grain
from okrdesk.store.reader import StoreReader


class _Figures:
    """The plan's check-ins as figures read them, each key result's apart."""

    def __init__(self, every: list[CheckinFigure]) -> None:
        self.every = every
        # Sorted by key result alone, which keeps each one's oldest first.
        whose = attrgetter("key_result")
        self.by_key_result: dict[str, list[CheckinFigure]] = {
            key_result: list(figures)
            for key_result, figures in itertools.groupby(sorted(every, key=whose), whose)
        }
        self._subjects: dict[str | None, set[str]] = {}

    def subjects_of(self, key_result: str | None) -> set[str]:
        """Whose check-ins of ``key_result`` there are (of any, for None)."""
        if key_result not in self._subjects:
            mine = self.every if key_result is None else self.by_key_result.get(key_result, [])
            self._subjects[key_result] = {figure.subject for figure in mine}
        return self._subjects[key_result]


class _ReadOnce:
    def __init__(
        self, store: StoreReader, own: Collection[str], plan: _PlanRead | None = None
    ) -> None:
        self._store = store
        self._plan = plan
        self._asked_as = own
        self._own = frozenset(own)
        self._by_key_result: dict[str, list[Checkin]] | None = None
        self._every: list[Checkin] = []
        self._figures: dict[tuple[dt.date, dt.date], _Figures] = {}
        self._latest: dict[tuple[str, Grain], dt.date | None] = {}
        self._collected: dict[tuple[str, Grain], dt.date | None] = {}
        self._landed: dict[tuple[str, str], dt.date] | None = None
        self._runs: dict[frozenset[str] | None, list[Run]] = {}
        self._latest_runs: list[Run] | None = None
        self._own_runs = self._own | {""}  # a collect's plan unit: one of the plan's, or ''
        self._collects_of: frozenset[str] | None = None
        self._recent: list[Run] | None = None
        self._recent_read = False
        self._landed_recent: dict[tuple[str, str], dt.date] | None = None

    def checkins(
        self,
        key_result: str | None = None,
        subject: str | None = None,
        *,
        subjects: Iterable[str] | None = None,
    ) -> list[Checkin]:
        if not self._holds(subject, subjects):
            return self._store.checkins(key_result, subject, subjects=subjects)
        if self._by_key_result is None:
            found: dict[str, list[Checkin]] = {}
            self._every = self._store.checkins(subjects=self._own)
            for checkin in self._every:
                found.setdefault(checkin.key_result, []).append(checkin)
            self._by_key_result = found
        mine = self._every if key_result is None else self._by_key_result.get(key_result, [])
        among = None if subjects is None or subjects is self._asked_as else set(subjects)
        if subject is None and among is None:
            return list(mine)
        return [
            c
            for c in mine
            if (subject is None or c.subject == subject) and (among is None or c.subject in among)
        ]

    def checkin_figures(
        self, key_result: str | None, subjects: Iterable[str], since: dt.date, through: dt.date
    ) -> list[CheckinFigure]:
        if not self._holds(None, subjects):
            return self._store.checkin_figures(key_result, subjects, since, through)
        read = self._figures.get((since, through))
        if read is None:
            every = self._store.checkin_figures(None, self._own, since, through)
            read = self._figures[(since, through)] = _Figures(every)
        mine = read.every if key_result is None else read.by_key_result.get(key_result, [])
        if subjects is self._asked_as:
            return list(mine)
        among = set(subjects)
        if among.issuperset(read.subjects_of(key_result)):
            return list(mine)
        return [figure for figure in mine if figure.subject in among]

    def _holds(self, subject: str | None, subjects: Iterable[str] | None) -> bool:
        """Whether the check-ins asked for are all of the plan's subjects."""
        if subjects is None:
            return subject is not None and subject in self._own
        return subjects is self._asked_as or self._own.issuperset(subjects)

    def latest_period_end(self, metric: str, grain: Grain) -> dt.date | None:
        key = (metric, grain)
        if key not in self._latest:
            self._latest[key] = self._store.latest_period_end(metric, grain)
        return self._latest[key]

    def collected_through(self, metric: str, grain: Grain) -> dt.date | None:
        key = (metric, grain)
        if key not in self._collected:
            self._collected[key] = self._store.collected_through(metric, grain)
        return self._collected[key]

    def landed_through(self, metric: str, grain: Grain) -> dt.date | None:
        """``Store.landed_through``, from the list of collects the report reads anyway:
        the latest day a run that noted storing the metric at the grain read through."""
        units = self._collects_of
        plan = self._plan
        recent = self._recent_collects()
        if (
            recent is not None
            and plan is not None
            and (metric, grain.value) in plan.landed
            and self._own_collects(units)
        ):
            if self._landed_recent is None:
                self._landed_recent = landed_by(
                    run for run in recent if units is None or run.plan_unit in units
                )
            return self._landed_recent.get((metric, grain.value))
        if self._landed is None:
            self._landed = landed_by(self.runs() if units is None else self.runs(units))
        return self._landed.get((metric, grain.value))

    def _own_collects(self, units: frozenset[str] | None) -> bool:
        """Whether the collects ``landed_through`` reads (those of ``units``' plans, or
        every one) are all the plan's own."""
        if units is not None:
            return units <= self._own_runs
        return all(run.plan_unit in self._own_runs for run in self.latest_runs())

    def _recent_collects(self) -> list[Run] | None:
        """``collects_a_report_reads``, asked once; None where the whole list is read."""
        if not self._recent_read and self._plan is not None:
            self._recent_read = True
            plan = self._plan
            self._recent = collects_a_report_reads(plan.plan, self._store, self.latest_runs(),
                                                   plan.specs, plan.owners,
                                                   plan.as_of)  # fmt: skip
        return self._recent

    def read_collects_of(self, units: frozenset[str] | None) -> None:
        if units != self._collects_of:
            self._collects_of = units
            self._latest.clear()
            self._collected.clear()
            self._landed = None
            self._landed_recent = None
        self._store.read_collects_of(units)

    def runs(self, plan_units: Iterable[str] | None = None) -> list[Run]:
        own = self._own_runs
        key = None if plan_units is None else frozenset(plan_units)
        if self._plan is not None and key == self._plan.units:
            # The plan's collects (``plan_runs``), as a report reads them.
            recent = self._recent_collects()
            if recent is not None:
                return list(recent)
        if key is None and all(run.plan_unit in own for run in self.latest_runs()):
            key = own  # every collect in the store is one of the plan's
        if key is not None and key <= own:
            # The plan's own collects (``plan_runs``, and those ``landed_through`` reads):
            # read once, each asked for from them.
            if own not in self._runs:
                self._runs[own] = self._store.runs(own)
            return [run for run in self._runs[own] if run.plan_unit in key]
        if key not in self._runs:
            self._runs[key] = self._store.runs(key)
        return list(self._runs[key])

    def latest_runs(self) -> list[Run]:
        if self._latest_runs is None:
            self._latest_runs = self._store.latest_runs()
        return list(self._latest_runs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


class _PlanRead:
    """The plan a report is of, with the metrics' specs and the plugin of each: what tells
    which of its collects it reads (``collects_a_report_reads``)."""

    def __init__(
        self,
        plan: Plan,
        specs: Mapping[str, MetricSpec],
        owners: Collection[str],
        as_of: dt.date,
    ):
        self.plan, self.specs, self.owners, self.as_of = plan, specs, owners, as_of
        self.units = frozenset({"", *plan.units_by_id})  # as ``plan_runs`` asks
        self.landed = needed_landed(plan, specs)


def read_for_one_report(
    store: StoreReader,
    subjects: Collection[str],
    plan: Plan | None = None,
    specs: Mapping[str, MetricSpec] | None = None,
    owners: Collection[str] = (),
    as_of: dt.date | None = None,
) -> StoreReader:
    """``store``, with the check-ins of ``subjects`` (the plan's) read in one query when
    first asked for, and each
    metric's latest period end, the day its latest collect read through and the list
    of collects read when first asked for; with ``plan`` and ``as_of`` (the report's plan
    and day, ``specs``, the metrics' specs, and ``owners``, the metrics a plugin
    provides), the plan's collects (``plan_runs``) as ``collects_a_report_reads`` finds
    them."""
    read = None
    if plan is not None and as_of is not None:
        read = _PlanRead(plan, specs or {}, owners, as_of)
    return cast(StoreReader, _ReadOnce(store, subjects, read))
