"""A head office's collect and a branch's, of plans sharing units, run at once: the one
started first may store a metric after the other. "The collect before" a restating run,
whose day read through says whether the figures it restated had settled, is the one that
stored before it, not the one started before it; on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import psycopg

from okrdesk.engine.attention import revision_alerts
from okrdesk.model import (
    MetricKind,
    MetricSpec,
    Observation,
    restatements_read,
    settled_restatements,
)
from okrdesk.periods import parse_period
from okrdesk.store import Store
from okrdesk.targets.load import load_plan
from okrdesk.units import UNITS
from sample_workspace import WriteWorkspace
from test_postgres import _wait_for_lock_waiters
from test_runs_read_by_need import location  # noqa: F401  (both stores, as a fixture)

METRIC = "new_hnw_clients"
WEEK = parse_period("2026-W02")  # ends 11 January: settled once read through the 25th
SPECS = {METRIC: MetricSpec(METRIC, METRIC, METRIC, MetricKind.FLOW, UNITS["人"],
                            settles_after_days=14)}  # fmt: skip
OWNERS = {METRIC: "crm"}
UNITS_OF_PLANS = {"", "hq", "b1"}


def _store(store: Store, run: int, value: float, through: dt.date) -> None:
    rows = [Observation(METRIC, "cm01", WEEK.id, value)]
    store.replace_observations(run, {METRIC: "crm"}, [WEEK], rows, through)


def test_the_collect_before_a_restating_one_is_the_one_that_stored_before_it(
    location: str,  # noqa: F811
    write_workspace: WriteWorkspace,
) -> None:
    """Run 1 read week 2 through 12 January (not settled). The head office's collect
    (run 2) starts, then the branch's (run 3), which stores week 2 read through 1 February
    (settled) first; the head office's stores after it, restating the branch's settled
    figure. It was compared against run 1, the run started before it: its restatement,
    news, went untold (collect's summary and the report's revised alert alike), and the
    branch's, compared against the head office's figures stored after it, was told."""
    early, late = dt.date(2026, 1, 12), dt.date(2026, 2, 1)
    with Store.open(location) as first:
        before = first.start_run("collect", early, plan_unit="hq")
        _store(first, before, 3, early)
        first.finish_run(before, "ok", {"crm": "1"}, [])
    with Store.open(location) as head_office, Store.open(location) as branch:
        started_first = head_office.start_run("collect", late, plan_unit="hq")
        started_last = branch.start_run("collect", late, plan_unit="b1")
        _store(branch, started_last, 5, late)
        branch.finish_run(started_last, "ok", {"crm": "1"}, [])
        _store(head_office, started_first, 7, late)
        head_office.finish_run(started_first, "ok", {"crm": "1"}, [])
    with Store.open(location) as store:
        runs = store.runs()
        ran = {run.id: run for run in runs}
        stored_first, stored_last = ran[started_last], ran[started_first]
        assert stored_first.revised == stored_last.revised == {METRIC: {WEEK.id: 1}}
        assert ran[before].stored_order is not None and stored_first.stored_order is not None
        assert ran[before].stored_order < stored_first.stored_order < stored_last.stored_order

        def read(run_id: int) -> list[int]:
            order = ran[run_id].stored_order
            return [run.id for run in restatements_read(
                lambda metric: store.runs_newest_first(UNITS_OF_PLANS, naming=metric,
                                                       stored_before=order),
                ran[run_id].revised, run_id, OWNERS, order=order,
            )]  # fmt: skip

        assert read(started_first) == [started_last]
        assert read(started_last) == [before]
    end = dt.date(2026, 12, 31)
    for run, told in ((stored_last, {METRIC: {WEEK.id: 1}}), (stored_first, {})):
        found = settled_restatements(run.revised, run.id, runs, SPECS, OWNERS, end,
                                     order=run.stored_order)  # fmt: skip
        assert found == told, run.id
    plan = load_plan(write_workspace(), None).plan
    assert plan is not None
    as_of = dt.datetime.fromisoformat(stored_last.finished or "").astimezone().date()
    alerts = revision_alerts(runs, as_of, plan, SPECS, OWNERS)
    assert [(a.kind, a.params["run"]) for a in alerts] == [("revised", started_first)]


def test_a_collect_waiting_for_the_lock_is_numbered_after_the_one_holding_it(
    postgres_url: str,
) -> None:
    """Two collects on a shared server store, one storing while the other holds the lock
    figures are stored under (its transaction open, its run's end not yet written): the
    waiting one is numbered once it has the lock, after the holder's commit, and takes
    the holder for the collect before it. Numbered before the lock, both were one."""
    late = dt.date(2026, 2, 1)
    with Store.open(postgres_url) as holding, Store.open(postgres_url) as waiting:
        held = holding.start_run("collect", late, plan_unit="hq")
        waits = waiting.start_run("collect", late, plan_unit="b1")

        def store_after() -> None:
            _store(waiting, waits, 5, late)
            waiting.finish_run(waits, "ok", {"crm": "1"}, [])

        other = threading.Thread(target=store_after)
        with holding.all_at_once():
            _store(holding, held, 7, late)
            other.start()
            with psycopg.connect(postgres_url, autocommit=True) as look:
                _wait_for_lock_waiters(look, 1)
            holding.finish_run(held, "ok", {"crm": "1"}, [])
        other.join(timeout=120)
        assert not other.is_alive()
    with Store.open(postgres_url) as store:
        ran = {run.id: run for run in store.runs()}
        first, last = ran[held].stored_order, ran[waits].stored_order
        assert first is not None and last is not None and first < last
        assert ran[waits].revised == {METRIC: {WEEK.id: 1}}
        newest = store.runs_newest_first(UNITS_OF_PLANS, naming=METRIC, stored_before=last)
        assert [run.id for run in newest] == [held]
