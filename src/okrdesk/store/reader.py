"""What the engine may ask of a store: reads only, in bulk.

The engine is typed against this protocol, not against a backend, so it
cannot write and does not care which database answers. Every method returns
values from ``okrdesk.model`` or plain tuples.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, NamedTuple, Protocol

from okrdesk.model import Checkin, CheckinFigure, Run, SpendEntry, StoredObservation
from okrdesk.periods import Grain

SeriesOfMetrics = dict[str, dict[str, list[tuple[dt.date, float]]]]
"""metric → column → [(period end, total)], oldest first."""


SUM_COLUMNS = ("value", "numerator", "denominator")
"""The columns a metric's figures are added up over time in."""


class SumPlaces(NamedTuple):
    """Where one day's sums of a metric are in its rows (``StoreReader.sum_rows_at``):
    each column's place, None for a column not read (only those a caller asked for
    are), and the observations'."""

    value: int | None
    numerator: int | None
    denominator: int | None
    observations: int

    @classmethod
    def from_start(cls, start: int) -> SumPlaces:
        """Every column read, in the order of ``SUM_COLUMNS``, from ``start``, observations
        after them."""
        return cls(start, start + 1, start + 2, start + 3)

    def of(self, column: str) -> int:
        """The place of ``column`` (value, numerator or denominator), which was read."""
        place: int | None = getattr(self, column)
        if place is None:
            raise ValueError(f"{column} was not read")
        return place


SumRows = dict[str, tuple[dict[str, tuple[Any, ...]], SumPlaces]]
"""One day's sums as ``StoreReader.sum_rows_at`` reads them: metric → (subject → row, and
where that day's sums are in its rows)."""


class PlanCollects(NamedTuple):
    """What the runs table says of one plan's collects (``Store.collects_by_plan``) without
    reading them: a firm's server holds a year of each branch's weekly ones."""

    first: int
    """Its first run's id."""
    latest: int
    """Its latest run's id."""
    furthest: str | None
    """The latest day any of its runs read its sources through (``Run.through``)."""
    restated: int
    """How many of its runs restated figures of complete periods (``Run.revised``)."""


class StoreReader(Protocol):
    def observations(
        self,
        *,
        metric: str | None = None,
        subjects: Iterable[str] | None = None,
        through: dt.date | None = None,
        grain: Grain | None = None,
        since: dt.date | None = None,
    ) -> list[StoredObservation]:
        """Stored observations, filtered; ``through`` keeps periods that started by then,
        ``since`` those that end on or after it."""
        ...

    def edge_period(
        self, metric: str, over_time: str, through: dt.date, grain: Grain, since: dt.date | None
    ) -> str | None:
        """The one period a ``last`` or ``first`` read of ``metric`` takes up to ``through``
        (``totals_by_subject``); None when none."""
        ...

    def totals_by_subject(
        self,
        metric: str,
        through: dt.date,
        column: str,
        over_time: str,
        grain: Grain,
        subjects: Iterable[str] | None = None,
        *,
        since: dt.date | None = None,
    ) -> dict[str, tuple[float | None, int]]:
        """One column of one metric carried over time (sum, last, first) per subject,
        over the periods ending on or after ``since``."""
        ...

    def sums_for_all(
        self,
        through: dt.date,
        grain: Grain,
        subjects: Iterable[str] | None = None,
        *,
        since: dt.date | None = None,
    ) -> dict[str, dict[str, tuple[float | None, float | None, float | None, int]]]:
        """metric → subject → (Σ value, Σ numerator, Σ denominator, observations)."""
        ...

    def sums_at(
        self,
        days: Iterable[dt.date],
        grain: Grain,
        subjects: Iterable[str] | None = None,
        *,
        since: dt.date | None = None,
    ) -> dict[dt.date, dict[str, dict[str, tuple[float | None, float | None, float | None, int]]]]:
        """``sums_for_all`` through each of ``days``, read together: day → metric →
        subject → (Σ value, Σ numerator, Σ denominator, observations)."""
        ...

    def sum_rows_at(
        self,
        days: Iterable[dt.date],
        grain: Grain,
        subjects: Iterable[str] | None = None,
        *,
        since: dt.date | None = None,
        metrics: Mapping[str, Collection[str]] | None = None,
    ) -> dict[dt.date, SumRows]:
        """``sums_at`` as the rows come: day → metric → (subject → row, and where the
        day's Σ value, Σ numerator, Σ denominator and observations are in its rows).
        ``metrics``: the metrics whose sums are wanted (a stock's are not), each with the
        columns wanted of it (``SUM_COLUMNS``); the others may be left out, and so may the
        columns not asked for."""
        ...

    def series(
        self,
        metric: str,
        subjects: Iterable[str],
        through: dt.date,
        column: str,
        grain: Grain,
        where: Mapping[str, str] | None = None,
        *,
        since: dt.date | None = None,
    ) -> list[tuple[dt.date, float]]:
        """Per period, the column summed over ``subjects``: (period end, total), in order;
        of the slice ``where`` when given."""
        ...

    def series_of_metrics(
        self,
        columns: Mapping[str, Sequence[str]],
        subjects: Iterable[str],
        through: dt.date,
        grain: Grain,
        *,
        since: dt.date | None = None,
        everyone: bool = False,
        top: bool = False,
    ) -> SeriesOfMetrics:
        """``series`` of several metrics at once (whole figures): ``columns`` says each
        metric's columns; metric → column → [(period end, total)], in order.
        ``everyone``: the subjects are most of those stored (a firm's top); ``top``:
        they are all of a plan's (its top's)."""
        ...

    def series_of_metrics_aside(
        self,
        columns: Mapping[str, Sequence[str]],
        subjects: Iterable[str],
        through: dt.date,
        grain: Grain,
        *,
        since: dt.date | None = None,
        everyone: bool = False,
    ) -> Callable[[], SeriesOfMetrics]:
        """``series_of_metrics`` read meanwhile, where the store can (a second
        connection, in another thread); call the answer to wait for it."""
        ...

    def period_totals(
        self, metric: str, subjects: Iterable[str], periods: Iterable[str]
    ) -> dict[str, tuple[float | None, float | None, float | None, int]]:
        """period id → (Σ value, Σ numerator, Σ denominator, rows) over ``subjects``."""
        ...

    def period_spans(
        self, metric: str, periods: Iterable[str]
    ) -> dict[str, tuple[dt.date, dt.date]]:
        """period id → (first day, last day) it was stored over, for those stored."""
        ...

    def first_period_start(self, metric: str, grain: Grain) -> dt.date | None:
        """The first day of the earliest period of ``metric`` stored at ``grain``."""
        ...

    def read_collects_of(self, units: frozenset[str] | None) -> None:
        """From now on, read how far a metric was collected from the figures of
        ``units``' units and people alone (``latest_period_end``, ``collected_through``:
        whichever collect stored them) and the collects of those units' plans
        (``landed_through``; not those of a store older than schema 23, whose plan is not
        known); None: from every figure and collect."""
        ...

    def latest_period_end(self, metric: str, grain: Grain) -> dt.date | None:
        """The end of the latest period with data for ``metric``."""
        ...

    def collected_through(self, metric: str, grain: Grain) -> dt.date | None:
        """The day the latest collect that stored ``metric`` read its sources through."""
        ...

    def landed_through(self, metric: str, grain: Grain) -> dt.date | None:
        """The day the latest collect that noted storing ``metric`` at ``grain`` (its
        figures changed or not) read its sources through."""
        ...

    def figures_end(
        self, period: str, grain: Grain, metrics: Collection[str]
    ) -> dict[str, dt.date]:
        """Each of ``metrics`` stored for ``period`` → the last day its figures there count
        (the period's end, or the day it was collected through when stored in part)."""
        ...

    def values_in_period(
        self, metric: str, period: str, subjects: Iterable[str] | None = None
    ) -> dict[str, tuple[Any, Any, Any]]:
        """Each subject's (value, numerator, denominator) for one metric and period; only
        ``subjects``' when given."""
        ...

    def values_in_periods(
        self, metric: str, periods: Collection[str], subjects: Iterable[str] | None = None
    ) -> dict[str, dict[str, tuple[Any, Any, Any]]]:
        """``values_in_period`` of each of ``periods`` in one read: period → subject →
        (value, numerator, denominator); a period with no figure is left out."""
        ...

    def slice_sums(
        self,
        metric: str,
        through: dt.date,
        over_time: str,
        grain: Grain,
        subjects: Iterable[str] | None = None,
        *,
        since: dt.date | None = None,
    ) -> list[tuple[str, str, float | None, float | None, float | None, int]]:
        """Each subject's slices of one metric: (subject, slice, Σ value, Σ numerator,
        Σ denominator, observations), over time as ``over_time`` says."""
        ...

    def none_counted(
        self,
        metric: str,
        through: dt.date,
        grain: Grain,
        subjects: Iterable[str] | None = None,
        *,
        since: dt.date | None = None,
    ) -> set[str]:
        """The subjects every whole figure of whose in the periods from ``since`` that
        start by ``through`` is a zero for no rows (``Observation.no_rows``)."""
        ...

    def checkins(
        self,
        key_result: str | None = None,
        subject: str | None = None,
        *,
        subjects: Iterable[str] | None = None,
    ) -> list[Checkin]:
        """Check-ins oldest first; the last one for a key result and subject counts; with
        ``subjects``, those made for one of them alone."""
        ...

    def checkin(self, checkin_id: int) -> Checkin | None:
        """One check-in by id, withdrawn or not."""
        ...

    def checkin_figures(
        self, key_result: str | None, subjects: Iterable[str], since: dt.date, through: dt.date
    ) -> list[CheckinFigure]:
        """The standing check-ins of ``subjects`` (of ``key_result`` alone when given) dated
        ``since`` to ``through``, oldest first, as a figure reads them."""
        ...

    def checkin_authors(
        self, subjects: Iterable[str], key_results: Iterable[str], start: dt.date, end: dt.date
    ) -> dict[str, set[str]]:
        """Who made the standing check-ins of ``key_results`` dated ``start`` to ``end``
        under each of ``subjects`` that has any."""
        ...

    def spend(self, line: str | None = None, *, plan_unit: str | None = None) -> list[SpendEntry]:
        """The spend ledger, oldest first; with ``plan_unit``, that plan's entries."""
        ...

    def runs(self, plan_units: Iterable[str] | None = None) -> list[Run]:
        """Every collect run, oldest first; with ``plan_units``, those the plans of those
        units ran ('' for those of a store older than schema 23)."""
        ...

    def latest_runs(self) -> list[Run]:
        """The latest run (a collect) of each plan that ran one in the store, oldest
        first."""
        ...

    def collects_by_plan(self) -> dict[str, PlanCollects]:
        """Each plan that ran a collect in the store (its ``Run.plan_unit``) → what the
        runs table says of its collects, none of them read."""
        ...

    def restating_runs(self, plan_units: Iterable[str]) -> list[tuple[int, str]]:
        """Each run of the plans of ``plan_units`` that restated figures: its id, and when
        it finished (or started), oldest first."""
        ...

    def runs_numbered(self, ids: Iterable[int]) -> list[Run]:
        """The runs ``ids`` (those the store holds), oldest first."""
        ...

    def subjects_of_runs(
        self, ids: Iterable[int], *, changed: bool = False
    ) -> dict[int, frozenset[str]]:
        """Of the runs ``ids``, each that noted them → the units and people whose figures
        it replaced; with ``changed``, the first and each noting others than the one
        before it."""
        ...
