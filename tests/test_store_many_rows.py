"""A collect's write gets a page cache large enough for a firm's figures, then the
connection's own again; the figures stored are the same either way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from okrdesk.model import Observation
from okrdesk.periods import Grain, periods_between
from okrdesk.store import Store
from okrdesk.store.sqlite import MANY_ROWS_CACHE, SqliteStore


def _cache(store: SqliteStore) -> int:
    return int(store._connection.execute("PRAGMA cache_size").fetchone()[0])


def test_replacing_figures_uses_the_large_cache_then_gives_it_back(tmp_path: Path) -> None:
    weeks = list(periods_between(dt.date(2026, 1, 5), dt.date(2026, 1, 18), Grain.WEEK))
    seen: list[int] = []
    with Store.open(tmp_path / "okrdesk.db") as store:
        assert isinstance(store, SqliteStore)
        before = _cache(store)
        run = store.start_run("collect", dt.date(2026, 1, 18))

        def observations() -> Iterator[Observation]:
            for k, week in enumerate(weeks):
                seen.append(_cache(store))  # read as the write takes each figure
                yield Observation("m", "cm1", week.id, value=float(k))

        stored = store.replace_observations(run, {"m": "p"}, weeks, observations(), grouped=True)
        assert stored == 2
        assert seen == [-(MANY_ROWS_CACHE // 1024)] * 2
        assert _cache(store) == before
        assert [o.observation.value for o in store.observations(metric="m")] == [0.0, 1.0]
