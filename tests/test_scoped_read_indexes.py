"""The reads scoped to a plan's own ids (its subjects' check-ins, the ledger under its unit
ids, the ids its plan recorded under, its collects) are index reads, on SQLite and on
PostgreSQL: a firm's store holds every branch's rows, and `checkin`, `spend add`, `due`
and `history` went through all of them (schema 28)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from backends import Backend
from okrdesk.store import Store

_TABLES = ("checkins", "spend", "runs")


def _scoped_reads(store: Store) -> list[Callable[[], object]]:
    """Each read a plan makes of its own rows, as `checkin`, `spend add`, `due`, `history`
    and `move-unit`'s messages make them."""
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    return [
        lambda: store.checkins(subjects={"futian", "wm1", "liming"}),
        lambda: store.checkins("C1.KR2", withdrawn=True, subjects={"futian", "wm1"}),
        lambda: store.checkin_authors({"szft"}, {"C1.KR2", "O1.KR1"}, start, end),
        lambda: store.spend(units={"szft"}),
        lambda: store.spend(plan_unit="futian"),
        lambda: store.spend("events", plan_unit="futian"),
        lambda: store.ledger_units("futian-2026"),
        lambda: store.runs(plan_units={"futian", "szft"}),
        lambda: store.plan_units(),
        lambda: store.spend_counts("events"),
    ]


def _ran(store: Store) -> list[tuple[str, Sequence[Any]]]:
    """The statements the scoped reads send to the database, with their values."""
    sent: list[tuple[str, Sequence[Any]]] = []
    rows = store._rows  # type: ignore[attr-defined]

    def recorded(sql: str, params: Sequence[Any] = ()) -> Iterable[Any]:
        sent.append((sql, params))
        return rows(sql, params)

    store._rows = recorded  # type: ignore[method-assign]
    try:
        for read in _scoped_reads(store):
            read()
    finally:
        del store._rows  # type: ignore[attr-defined]
    return [(sql, params) for sql, params in sent if any(t in sql for t in _TABLES)]


def _whole_table_reads(plan: str, backend: str) -> list[str]:
    """The tables a query plan reads row by row, every row of them."""
    if backend == "sqlite":
        # SCAN spend reads every row; SCAN spend USING COVERING INDEX only the index's.
        found = re.findall(r"SCAN (\w+)(?! USING (?:COVERING )?INDEX)", plan)
    else:
        found = re.findall(r"Seq Scan on (\w+)", plan)
    return [table for table in found if table in _TABLES]


def test_a_plans_own_rows_are_read_through_an_index(backend: Backend) -> None:
    root = backend.workspace()
    with backend.open(root) as store:
        if backend.name == "postgresql":
            # An empty table is read fastest whole: asked not to, the server takes an
            # index where there is one, and reads the table whole only where there is none.
            store._rows("SET enable_seqscan = off")  # type: ignore[attr-defined]
        explain = "EXPLAIN QUERY PLAN " if backend.name == "sqlite" else "EXPLAIN "
        planned = {}
        for sql, params in _ran(store):
            rows = store._rows(explain + sql, params)  # type: ignore[attr-defined]
            planned[sql] = " | ".join(str(row[-1]) for row in rows)
    assert len(planned) >= 9, planned
    whole = {sql: plan for sql, plan in planned.items() if _whole_table_reads(plan, backend.name)}
    assert whole == {}, whole
