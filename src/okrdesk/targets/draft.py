"""The plan as its target files are read, before references across files are checked.

Each value keeps where it was written (``Located``), and so does each id a value refers
to (``Reference``), so that once every file is read ``checks`` can say of each at its
file, line and key what is wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Generic, TypeVar

import attrs

from okrdesk import model
from okrdesk.periods import Grain
from okrdesk.records import shared_methods
from okrdesk.targets.reader import (
    Where,
)
from okrdesk.targets.window_keys import WindowUse
from okrdesk.units import UnitOfMeasure

T = TypeVar("T")


@attrs.frozen
@shared_methods
class Located(Generic[T]):
    where: Where
    value: T


@attrs.frozen
@shared_methods
class Reference:
    """An id written somewhere, which must name something of one of ``kinds``."""

    where: Where
    id: str
    kinds: tuple[str, ...]


@attrs.frozen
@shared_methods
class MemberTarget:
    """A ``members`` entry: the member must sit below the key result's owner."""

    where: Where
    member: str
    owner: str


@attrs.frozen
@shared_methods
class MetricUse:
    where: Where
    unit_where: Where
    metric: str
    unit: UnitOfMeasure | None
    direction_given: bool


@attrs.frozen
@shared_methods
class SliceUse:
    """A key result's ``where`` (each dimension named, where) and ``breakdown``,
    checked against its metric's dimensions once the plugins are known."""

    metric: str
    named: tuple[tuple[str, Where], ...]
    """Each dimension ``where`` names, or ``breakdown`` names, with its place."""


@attrs.frozen
@shared_methods
class PlanHeader:
    id: str
    name: str
    year: int
    start: dt.date
    end: dt.date
    unit: str
    grain: Grain
    attainment_cap: float = model.DEFAULT_ATTAINMENT_CAP


@attrs.define
class Draft:
    """Everything read from all target files, before cross-file checks."""

    metrics: Mapping[str, model.MetricSpec] | None = None
    """The plugins' metrics, where known: advice on a figure below zero heeds them."""

    plans: list[Located[PlanHeader]] = attrs.Factory(list)
    plan_tables: list[Where] = attrs.Factory(list)
    """Every ``[plan]`` written, read or not: a second one with problems of its own is
    still a second one."""
    people_left: list[tuple[Where, str]] = attrs.Factory(list)
    """``[plan] people_left``: each id of a person who left, where it is written."""
    phases: list[Located[model.Phase]] = attrs.Factory(list)
    units: list[Located[model.OrgUnit]] = attrs.Factory(list)
    people: list[Located[model.Person]] = attrs.Factory(list)
    objectives: list[Located[model.Objective]] = attrs.Factory(list)
    key_results: list[Located[model.KeyResult]] = attrs.Factory(list)
    milestone_sets: list[Located[tuple[model.Milestone, ...]]] = attrs.Factory(list)
    budget_settings: list[Located[dict[str, Decimal]]] = attrs.Factory(list)
    budget_lines: list[Located[model.BudgetLine]] = attrs.Factory(list)
    budget_texts: list[Located[dict[str, str]]] = attrs.Factory(list)
    budget_signers: list[Located[tuple[str, ...]]] = attrs.Factory(list)
    """``signers`` of a ``[budget]``: people outside the org who may sign off spend."""
    revenue_links: list[Located[str]] = attrs.Factory(list)
    """Each key result a budget line names under ``revenue``, where it is named."""
    scoring: list[Located[model.ScoringPolicy]] = attrs.Factory(list)
    references: list[Reference] = attrs.Factory(list)
    member_targets: list[MemberTarget] = attrs.Factory(list)
    metric_uses: list[MetricUse] = attrs.Factory(list)
    slice_uses: list[SliceUse] = attrs.Factory(list)
    calendars: list[Located[tuple[model.CalendarPoint, ...]]] = attrs.Factory(list)
    written_people: list[tuple[str, str]] = attrs.Factory(list)
    """(person, unit) as written, even for people whose entry has problems."""
    broken_ids: set[str] = attrs.Factory(set)
    """Units and people whose own entry has problems: what is below them is unknown."""
    written_parents: list[tuple[str, str | None]] = attrs.Factory(list)
    """(unit, parent) as written, even for units whose entry has problems."""
    written_ids: list[tuple[str, str, Where]] = attrs.Factory(list)
    """(kind, id, where its table is) of everything written, even where it had problems:
    a duplicate is found whatever else is wrong with either copy, and a reference to a
    broken key result is not also reported as a reference to a missing one."""
    incomplete: set[str] = attrs.Factory(set)
    """Sections where something could not be read, so totals over them mean nothing."""
    maybe_ids: set[str] = attrs.Factory(set)
    """Ids a file that did not read seems to define (``id = "..."`` in its text): what
    refers to one is not reported as naming nothing until that file reads."""
    maybe_roles: set[str] = attrs.Factory(set)
    """People's roles a file that did not read seems to give (``role = "..."``): a
    scoring policy's role among them is not reported as nobody's until that file reads."""
    unread: set[str] = attrs.Factory(set)
    """Kinds of id (unit, key_result ...) that a misspelt section may define: what names
    one of them is not reported as naming nothing until the header is fixed."""
    window_uses: list[WindowUse] = attrs.Factory(list)
    """Key results' windows, comparisons and growth targets, and [[baselines]] entries."""
    baselines: dict[tuple[str, str], dict[str, Decimal]] = attrs.Factory(dict)
    """[[baselines]]: (metric, subject) → period → value in base units."""
    baseline_places: dict[tuple[str, str, str], Where] = attrs.Factory(dict)
    unstated_baselines: set[str] = attrs.Factory(set)
    stated_levels: set[str] = attrs.Factory(set)
    """Key results whose file says ``level`` either way: no hint from their titles."""
    """Key results (full ids) whose ``baseline`` is not written: 0 by default."""
