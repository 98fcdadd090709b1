"""Ingest through the store against raw executemany in one transaction (goal ≥ 0.5× its rate)."""

from __future__ import annotations

import itertools
import sqlite3
import time
from pathlib import Path

from okrdesk.model import Plan
from okrdesk.store import Store

from conftest import record
from firm import metric_specs, observations, weeks

ROUNDS = 3
SAMPLE = 1_000_000


def test_ingest_against_raw_executemany(benchmark, firm_plan: Plan, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # A rate needs no more than a million rows; the firm's ten million would
    # mostly measure building Python objects.
    rows = list(itertools.islice(observations(firm_plan), SAMPLE))
    names = {spec.name: "bench" for spec in metric_specs()}
    periods = weeks()
    counter = iter(range(10_000))

    def fresh_store() -> tuple[tuple[Store, int], dict[str, object]]:
        store = Store.open(tmp_path / f"ours-{next(counter)}.db")
        return (store, store.start_run("bench", None)), {}

    def ingest(store: Store, run: int) -> None:
        store.replace_observations(run, names, periods, rows)
        store.close()

    benchmark.pedantic(ingest, setup=fresh_store, rounds=ROUNDS)
    ours = benchmark.stats.stats.min

    by_id = {p.id: p for p in periods}
    raw_rows = [
        (
            o.metric,
            o.period,
            o.subject,
            by_id[o.period].start.isoformat(),
            by_id[o.period].end.isoformat(),
            "week",
            o.value,
            o.numerator,
            o.denominator,
            "",
            "bench",
            1,
        )
        for o in rows
    ]
    times = []
    for round_ in range(ROUNDS):
        path = tmp_path / f"raw-{round_}.db"
        with Store.open(path):
            pass  # the same schema and pragmas
        connection = sqlite3.connect(path, isolation_level=None)
        start = time.perf_counter()
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO observations (metric, period, subject, period_start, "
            "period_end, grain, value, numerator, denominator, source, plugin, "
            "run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            raw_rows,
        )
        connection.execute("COMMIT")
        times.append(time.perf_counter() - start)
        connection.close()
    raw = min(times)
    rate = raw / ours  # our rows per second over raw rows per second
    record(
        "ingest rate vs raw executemany",
        ">= 0.5x",
        rate,
        rate >= 0.5,
        rows=len(rows),
        okrdesk_rows_per_s=round(len(rows) / ours),
        raw_rows_per_s=round(len(rows) / raw),
    )
