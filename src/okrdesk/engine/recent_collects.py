"""The collects of a plan a report reads, where its member units collect their own.

A head office's plan over branches that each collect into the firm's server holds every
branch's every weekly collect: a year of 300 branches is some 15,000 runs, each with nine
JSON columns to read. Of a branch's collects the report needs its latest (its failures,
errors, warnings and whether it is still running; how far it collected each metric and as
which kind; the collect a checkpoint's figures were last read by) and the first (the
branches are told in the order they first collected), where its latest answers for all its
earlier ones: it finished, was asked for every metric, stored each the plan needs at each
grain it needs it, warned of nothing, read its sources furthest, and no collect of the
plan that restated figures is told as such on the report's day (its alert looks back at
the collect before it). Otherwise, and
for the plan's own collects (those of its top unit, and of a store older than schema 23),
every one is read, as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping

from okrdesk.engine.plan_calendar import metrics_by_grain, restated_news
from okrdesk.model import MetricSpec, Plan, Run
from okrdesk.store.reader import PlanCollects, StoreReader


def needed_landed(plan: Plan, specs: Mapping[str, MetricSpec]) -> frozenset[tuple[str, str]]:
    """Each (metric, grain) the plan's figures are collected at (``metrics_by_grain``)."""
    by_grain = metrics_by_grain(plan, specs)
    return frozenset((metric, grain.value) for grain, metrics in by_grain.items()
                     for metric in metrics)  # fmt: skip


def collects_a_report_reads(
    plan: Plan,
    store: StoreReader,
    latest_runs: Iterable[Run],
    specs: Mapping[str, MetricSpec],
    owners: Collection[str],
    as_of: dt.date,
) -> list[Run] | None:
    """The plan's collects (``plan_runs``) as a report reads them, oldest first (with
    ``latest_runs``, the store's ``latest_runs`` the report read already): every one
    of its own, and of each member unit's plan the first and the latest, where that one
    answers for the others (above) for the metrics the plan needs (by ``specs``; those of
    them a plugin provides, ``owners``, asked for) in a report as of ``as_of``; None where
    a member unit's does not, or none collects (the plan's own collects are the list)."""
    own = {"", plan.top}
    latest = {run.plan_unit: run for run in latest_runs
              if run.plan_unit in plan.units_by_id and run.plan_unit not in own}  # fmt: skip
    if not latest:
        return None
    by_plan = store.collects_by_plan()
    if any(by_plan[unit].restated for unit in (*latest, *own) if unit in by_plan):
        restating = store.restating_runs([*own, *latest])
        if any(restated_news(when, as_of, plan) for _, when in restating):
            return None
    needed = needed_landed(plan, specs)
    used = {metric for metric, _ in needed}
    for unit, run in latest.items():
        found = by_plan.get(unit)
        if found is None or found.latest != run.id:
            return None
        if found.first != run.id and not _answers_for_the_rest(
            run, found, needed, used, used & set(owners)
        ):
            return None
    firsts = [by_plan[unit].first for unit in latest]
    runs = [*store.runs(plan_units=own), *latest.values(), *store.runs_numbered(firsts)]
    return sorted({run.id: run for run in runs}.values(), key=lambda run: run.id)


def _answers_for_the_rest(
    run: Run,
    found: PlanCollects,
    needed: frozenset[tuple[str, str]],
    used: set[str],
    asked: set[str],
) -> bool:
    """Whether ``run``, the latest of its plan's collects, tells all a report reads of
    them: which failures and errors stand and whether one runs still (``last_asked``:
    it was asked for every metric, and finished), no warning of it looks back at the
    collects before (``_still_news``), how far each needed metric was collected at each
    grain (``landed_by``; none read further), the collect that last read one
    (``read_before``), and the kind each was stored as (``kinds_changed``)."""
    if run.command != "collect" or run.unfinished or run.warnings or run.through is None:
        return False
    if run.through != found.furthest or not all(map(run.asked_for, asked)):
        return False
    landed, kinds = run.landed or {}, run.kinds or {}
    return all(grain in landed.get(metric, ()) for metric, grain in needed) and used <= kinds.keys()
