"""Where one plugin call's checked observations wait until the call has ended.

A plugin's figures are kept only when the whole call succeeded, and a
metric only when none of its figures was refused, so nothing can be stored
while the plugin is still emitting, except a metric it said it has finished
(``emit.finished``): that one is stored at once and dropped from here.
Holding them in memory made a firm's collect grow with the firm; they wait
instead in a temporary SQLite database, written in batches, whose key also
finds a figure emitted twice and keeps the rows in the order the store reads
them (a table without rowid: a 300-branch collect spent a third less time
here than with a rowid table and its key's index beside it). SQLite
holds it in memory up to a bound and on disk beyond it, so a firm's millions
do not fill the memory. A call's first ``_IN_MEMORY`` figures are kept in a
list and a set of keys instead, and only go to SQLite when there are more:
most calls never open it (its index cost more than the rest of the spool).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator

from okrdesk.model import Observation, slice_values

_BATCH = 2000
_IN_MEMORY = 50_000
"""Figures a spool holds as Python rows before it moves them to SQLite."""
_CACHE = 16 << 20
"""Bytes of figures a spool holds in memory before SQLite writes them to a file."""

SpooledRow = tuple[str, str, str, str, float | None, float | None, float | None, str]
"""One checked figure: metric, subject, period, slice, value, numerator, denominator, source."""
_Row = SpooledRow


class Spool:
    """Checked observations of one plugin call, on disk, as plain rows; ``twice`` hears
    of each row whose metric, subject, period and slice were already kept (the first
    stays)."""

    def __init__(self, twice: Callable[[SpooledRow], None]) -> None:
        self._twice = twice
        self._batch: list[_Row] = []
        self._db: sqlite3.Connection | None = None
        self._held: list[_Row] | None = []
        """What was kept, while it is few enough to hold here (None once in SQLite)."""
        self._keys: set[tuple[str, str, str, str]] = set()
        self._closed = False
        self.count = 0

    def add(self, row: SpooledRow) -> None:
        if self._closed:  # a plugin left behind after its time ran out: nothing lands
            return
        self._batch.append(row)
        if len(self._batch) >= _BATCH:
            self.flush()

    def extend(self, rows: list[SpooledRow]) -> None:
        """``add`` each of ``rows``, in order."""
        if self._closed:
            return
        self._batch.extend(rows)
        if len(self._batch) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        held = self._held
        if held is not None and len(held) + len(batch) <= _IN_MEMORY:
            keys = self._keys
            for row in batch:
                key = (row[0], row[1], row[2], row[3])
                if key in keys:
                    self._twice(row)
                else:
                    keys.add(key)
                    held.append(row)
            self.count += len(batch)
            return
        db = self._connection()
        if held is not None:  # too many to hold: what is held moves to SQLite
            db.execute("SAVEPOINT held")
            db.executemany(_INSERT, _numbered(held, 0))
            db.execute("RELEASE held")
            self._held = None
            self._keys = set()
        db.execute("SAVEPOINT batch")
        try:
            db.executemany(_INSERT, _numbered(batch, self.count))
        except sqlite3.IntegrityError:
            # Rare (a plugin's bug): find which rows were emitted twice, one at a time.
            db.execute("ROLLBACK TO batch")
            for numbered in _numbered(batch, self.count):
                if db.execute(_INSERT.replace("INSERT", "INSERT OR IGNORE"), numbered).rowcount:
                    continue
                self._twice(numbered[:-1])
        db.execute("RELEASE batch")
        self.count += len(batch)

    def observations(
        self, metrics: Iterable[str] | None = None, *, grouped: bool = False
    ) -> Iterator[Observation]:
        """What was kept (of ``metrics`` only, when given): in the order emitted, or
        ``grouped`` as the store takes them, by metric, period and subject (each group in
        the order emitted)."""
        for row in self.rows(metrics, grouped=grouped):
            yield _observation(row)

    def rows(
        self, metrics: Iterable[str] | None = None, *, grouped: bool = False
    ) -> Iterator[SpooledRow]:
        """``observations`` as the rows they were spooled as."""
        self.flush()
        if self._held is not None:
            wanted = set(metrics) if metrics is not None else None
            found = [r for r in self._held if wanted is None or r[0] in wanted]
            # Sorting is stable: each group stays in the order emitted.
            yield from sorted(found, key=_store_order) if grouped else found
            return
        if self._db is None:
            return
        chosen = sorted(set(metrics)) if metrics is not None else None
        where = ""
        if chosen is not None:
            where = f"WHERE metric IN ({', '.join('?' * len(chosen))})"
        # The key's order, each group's few rows then put back in the order emitted.
        order = "metric, period, subject, seq" if grouped else "seq"
        cursor = self._db.execute(
            f"SELECT metric, subject, period, slice, value, numerator, denominator, source "
            f"FROM kept {where} ORDER BY {order}",
            chosen or (),
        )
        while rows := cursor.fetchmany(_BATCH):
            yield from rows

    def drop(self, metric: str) -> None:
        """Forget what was kept of ``metric`` (stored already): it holds no memory or
        disk while the rest of the call goes on."""
        self.flush()
        if self._held is not None:
            self._held = [row for row in self._held if row[0] != metric]
            self._keys = {key for key in self._keys if key[0] != metric}
        elif self._db is not None:
            self._db.execute("DELETE FROM kept WHERE metric = ?", (metric,))

    def close(self) -> None:
        self._closed = True
        self._held = []
        self._keys = set()
        if self._db is not None:
            self._db.close()
            self._db = None
        self._batch = []

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            # SQLite's own temporary database (no file name): held in its page cache up
            # to _CACHE, beyond that in a file SQLite deletes itself; a call's few
            # thousand figures never touch the disk. Used by the thread that receives
            # the plugin's figures, then read by the one that stores them: never both
            # at once.
            self._db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
            self._db.execute(f"PRAGMA cache_size = -{_CACHE // 1024}")
            self._db.execute("PRAGMA journal_mode = MEMORY")
            self._db.execute("PRAGMA synchronous = OFF")
            # Without a rowid the rows lie in the key's order, which the store reads them
            # in: no index beside the table to keep, look up by rowid or delete from.
            self._db.execute(
                "CREATE TABLE kept (metric TEXT, subject TEXT, period TEXT, slice TEXT, "
                "value REAL, numerator REAL, denominator REAL, source TEXT, seq INTEGER, "
                "PRIMARY KEY (metric, period, subject, slice)) WITHOUT ROWID"
            )
        return self._db


_INSERT = "INSERT INTO kept VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"


_NumberedRow = tuple[str, str, str, str, float | None, float | None, float | None, str, int]


def _numbered(rows: list[_Row], first: int) -> Iterator[_NumberedRow]:
    """``rows`` each with its place in the order emitted (``seq``), from ``first``."""
    for seq, row in enumerate(rows, first):
        yield (*row, seq)


def _store_order(row: _Row) -> tuple[str, str, str]:
    """Metric, period and subject: the order ``Store.replace_rows`` takes figures in."""
    return (row[0], row[2], row[1])


def _observation(row: _Row) -> Observation:
    metric, subject, period, cut, value, numerator, denominator, source = row
    return Observation(
        metric, subject, period, value, numerator, denominator, source,
        slice_values(cut) if cut else {},
    )  # fmt: skip
