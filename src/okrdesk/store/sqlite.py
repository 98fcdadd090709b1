"""The SQLite file okrdesk keeps its numbers in. The only module that talks SQL.

Tables: ``runs`` (every collect, with its plugin versions and errors),
``observations`` (one row per metric, subject and period, with the run and
plugin that produced it), ``checkins`` (manual values, history kept) and
``spend`` (the budget ledger, money as integer fen). The schema version is
SQLite's ``user_version``; older files are upgraded in place, newer ones are
refused without being touched.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlite_utils

from okrdesk.errors import BadInput, OkrdeskError
from okrdesk.model import Checkin, Observation, Run, SpendEntry, StoredObservation
from okrdesk.periods import Grain, Period
from okrdesk.store.migrations import MIGRATIONS, SCHEMA_VERSION

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_ENV = "OKRDESK_BUSY_TIMEOUT"


def busy_timeout() -> float:
    """Seconds to wait for another writer before giving up (``$OKRDESK_BUSY_TIMEOUT``, 10)."""
    try:
        return max(0.0, float(os.environ.get(BUSY_TIMEOUT_ENV, "10")))
    except ValueError:
        return 10.0


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store:
    """An open okrdesk database. Use ``Store.open`` and close it, or use ``with``."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.path = path
        self._connection = connection
        self.db = sqlite_utils.Database(connection)

    # -------------------------------------------------------------- opening

    @classmethod
    def open(cls, path: Path, *, create: bool = True, timeout: float | None = None) -> Store:
        """Open (or create) the database at ``path``, upgrading an older schema.

        A file that is not an okrdesk database, or comes from a newer okrdesk,
        is refused before anything in it is changed.
        """
        exists = path.exists()
        if not exists and not create:
            raise BadInput(f"{path}: no database yet; run `okrdesk collect` first")
        if exists:
            _check_header(path)
        try:
            connection = sqlite3.connect(
                path, timeout=busy_timeout() if timeout is None else timeout, isolation_level=None
            )
        except sqlite3.Error as error:
            raise BadInput(f"{path}: cannot open the database: {error}") from None
        store = cls(connection, path)
        try:
            store._prepare()
        except BaseException:
            connection.close()
            raise
        return store

    def _prepare(self) -> None:
        try:
            version = self._connection.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise BadInput(
                    f"{self.path} was written by a newer okrdesk (schema {version}; this one "
                    f"knows up to {SCHEMA_VERSION}); upgrade okrdesk. Nothing was changed."
                )
            if version == 0 and self._has_foreign_tables():
                raise BadInput(
                    f"{self.path} is an SQLite database, but not okrdesk's; "
                    "choose another file. Nothing was changed."
                )
            self._connection.execute("PRAGMA journal_mode = WAL")
            self._connection.execute("PRAGMA foreign_keys = ON")
            if version < SCHEMA_VERSION:
                self._migrate(version)
        except sqlite3.OperationalError as error:
            raise _operational(self.path, error) from None
        except sqlite3.DatabaseError as error:
            raise BadInput(f"{self.path} is not a usable SQLite database: {error}") from None

    def _has_foreign_tables(self) -> bool:
        return bool(
            self._connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1"
            ).fetchone()
        )

    def _migrate(self, version: int) -> None:
        with self.transaction():
            # Read again inside the write lock: another process may have migrated.
            version = self._connection.execute("PRAGMA user_version").fetchone()[0]
            for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
                migration(self.db)
                self._connection.execute(f"PRAGMA user_version = {number:d}")

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self._connection.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once so concurrent writers queue, not fail."""
        try:
            self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise _operational(self.path, error) from None
        try:
            yield self._connection
        except sqlite3.OperationalError as error:
            self._rollback()
            raise _operational(self.path, error) from None
        except BaseException:
            self._rollback()
            raise
        else:
            try:
                self._connection.execute("COMMIT")
            except sqlite3.OperationalError as error:
                self._rollback()
                raise _operational(self.path, error) from None

    def _rollback(self) -> None:
        # SQLite rolls back by itself on some errors (a full disk): then there is
        # nothing left to roll back, and trying would hide the real error.
        if self._connection.in_transaction:
            self._connection.execute("ROLLBACK")

    # ----------------------------------------------------------------- runs

    def start_run(self, command: str, through: dt.date | None) -> int:
        with self.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO runs (started, status, command, through, pid) VALUES (?, ?, ?, ?, ?)",
                (_now(), "running", command, through.isoformat() if through else None, os.getpid()),
            )
            return int(cursor.lastrowid or 0)

    def finish_run(
        self, run_id: int, status: str, plugins: Mapping[str, str], errors: Sequence[str]
    ) -> None:
        with self.transaction() as connection:
            connection.execute(
                "UPDATE runs SET finished = ?, status = ?, plugins = ?, errors = ? WHERE id = ?",
                (_now(), status, json.dumps(dict(plugins)), json.dumps(list(errors)), run_id),
            )

    def runs(self) -> list[Run]:
        rows = self._connection.execute(
            "SELECT id, started, finished, status, command, through, pid, plugins, errors "
            "FROM runs ORDER BY id"
        )
        return [
            Run(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7]), json.loads(r[8]))
            for r in rows
        ]

    # --------------------------------------------------------- observations

    def replace_observations(
        self,
        run_id: int,
        collected: Mapping[str, str],
        periods: Sequence[Period],
        observations: Iterable[Observation],
        through: dt.date | None = None,
    ) -> int:
        """Replace, in one transaction, every value of the ``collected`` metrics
        (metric → plugin) in ``periods`` with ``observations``.

        Metrics not in ``collected`` keep what they had, so a failed plugin
        never erases earlier numbers. A period that ends after ``through`` was
        collected in part: it is stored as partial, and never replaces what is
        stored for that period through a later day or complete.
        """
        by_id = {p.id: p for p in periods}
        partial = {p.id for p in periods if through is not None and through < p.end}
        day = through.isoformat() if through is not None else None
        with self.transaction() as connection:
            kept = self._fuller_periods(connection, collected, partial, day)
            replaced = [
                (metric, period.id)
                for metric in collected
                for period in periods
                if (metric, period.id) not in kept
            ]
            rows = (
                (o.metric, o.period, o.subject, by_id[o.period].start.isoformat(),
                 by_id[o.period].end.isoformat(), by_id[o.period].grain.value, o.value,
                 o.numerator, o.denominator, o.source, collected[o.metric], run_id,
                 day if o.period in partial else None)
                for o in observations
                if o.metric in collected and (o.metric, o.period) not in kept
            )  # fmt: skip
            connection.executemany(
                "DELETE FROM observations WHERE metric = ? AND period = ?", replaced
            )
            cursor = connection.executemany(
                "INSERT INTO observations (metric, period, subject, period_start, period_end, "
                "grain, value, numerator, denominator, source, plugin, run_id, partial_through) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            return cursor.rowcount

    @staticmethod
    def _fuller_periods(
        connection: sqlite3.Connection,
        collected: Mapping[str, str],
        partial: set[str],
        through: str | None,
    ) -> set[tuple[str, str]]:
        """(metric, period) pairs among the ``partial`` periods whose stored rows
        cover more days than a collect through ``through``: complete, or partial
        through a later day."""
        if not partial or through is None:
            return set()
        found = connection.execute(
            "SELECT DISTINCT metric, period FROM observations "
            "WHERE metric IN (SELECT value FROM json_each(?)) "
            "AND period IN (SELECT value FROM json_each(?)) "
            "AND (partial_through IS NULL OR partial_through > ?)",
            (json.dumps(sorted(collected)), json.dumps(sorted(partial)), through),
        )
        return {(metric, period) for metric, period in found}

    def count_observations(self) -> int:
        return int(self._connection.execute("SELECT count(*) FROM observations").fetchone()[0])

    def observations(
        self,
        *,
        metric: str | None = None,
        subjects: Iterable[str] | None = None,
        through: dt.date | None = None,
        grain: Grain | None = None,
    ) -> list[StoredObservation]:
        """Stored observations, filtered; ``through`` keeps periods that started by then."""
        where, params = [], []
        if grain is not None:
            where.append("grain = ?")
            params.append(grain.value)
        if metric is not None:
            where.append("metric = ?")
            params.append(metric)
        if subjects is not None:
            chosen = sorted(set(subjects))
            where.append("subject IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(chosen))
        if through is not None:
            where.append("period_start <= ?")
            params.append(through.isoformat())
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._connection.execute(
            "SELECT metric, subject, period, value, numerator, denominator, source, "
            f"period_start, period_end, plugin, run_id, partial_through FROM observations {clause} "
            "ORDER BY metric, period_start, subject",
            params,
        )
        return [
            StoredObservation(
                Observation(r[0], r[1], r[2], r[3], r[4], r[5], r[6]),
                dt.date.fromisoformat(r[7]),
                dt.date.fromisoformat(r[8]),
                r[9],
                r[10],
                dt.date.fromisoformat(r[11]) if r[11] is not None else None,
            )
            for r in rows
        ]

    def _edge_period(
        self, metric: str, through: dt.date, over_time: str, grain: Grain
    ) -> str | None:
        if over_time == "sum":
            return None
        order = "DESC" if over_time == "last" else "ASC"
        # Period ids sort by date within a grain, and lead the primary key after
        # the metric: this reads one index entry, not the metric's every row.
        row = self._connection.execute(
            "SELECT period FROM observations WHERE metric = ? AND grain = ? "
            f"AND period_start <= ? ORDER BY period {order} LIMIT 1",
            (metric, grain.value, through.isoformat()),
        ).fetchone()
        return None if row is None else str(row[0])

    def totals_by_subject(
        self,
        metric: str,
        through: dt.date,
        column: str,
        over_time: str,
        grain: Grain,
        subjects: Iterable[str] | None = None,
    ) -> dict[str, tuple[float | None, int]]:
        """One column of one metric added up over time for each subject, in one query.

        With ``subjects`` only those are read, through the subject index, so one
        branch's figures cost the same in a firm's database as in its own.
        """
        if column not in ("value", "numerator", "denominator"):
            raise ValueError(f"not an observation column: {column}")
        params: list[Any] = []
        if subjects is None:
            sql = f"SELECT subject, sum({column}), count(*) FROM observations WHERE 1"
        else:
            sql = (
                f"SELECT subject, sum({column}), count(*) FROM observations "
                "INDEXED BY observations_by_subject "
                "WHERE subject IN (SELECT value FROM json_each(?))"
            )
            params.append(json.dumps(sorted(set(subjects))))
        sql += " AND metric = ? AND grain = ? AND period_start <= ?"
        params += [metric, grain.value, through.isoformat()]
        if over_time != "sum":
            edge = self._edge_period(metric, through, over_time, grain)
            if edge is None:
                return {}
            sql += " AND period = ?"
            params.append(edge)
        rows = self._connection.execute(sql + " GROUP BY subject", params)
        return {str(r[0]): (r[1], int(r[2])) for r in rows}

    def sums_for_all(
        self, through: dt.date, grain: Grain
    ) -> dict[str, dict[str, tuple[float | None, float | None, float | None, int]]]:
        """Every metric's value, numerator and denominator summed over time for every
        subject, in one grouped scan: metric → subject → (value, numerator,
        denominator, observations)."""
        rows = self._connection.execute(
            "SELECT metric, subject, sum(value), sum(numerator), sum(denominator), count(*) "
            "FROM observations WHERE grain = ? AND period_start <= ? GROUP BY subject, metric",
            (grain.value, through.isoformat()),
        )
        found: dict[str, dict[str, tuple[float | None, float | None, float | None, int]]] = {}
        for metric, subject, value, numerator, denominator, count in rows:
            found.setdefault(metric, {})[subject] = (value, numerator, denominator, int(count))
        return found

    def series(
        self, metric: str, subjects: Iterable[str], through: dt.date, column: str, grain: Grain
    ) -> list[tuple[dt.date, float]]:
        """Per period, the column summed over ``subjects``: (period end, total), in order."""
        if column not in ("value", "numerator", "denominator"):
            raise ValueError(f"not an observation column: {column}")
        rows = self._connection.execute(
            f"SELECT period_end, sum({column}) FROM observations "
            "INDEXED BY observations_by_subject WHERE metric = ? "
            "AND grain = ? AND period_start <= ? AND subject IN (SELECT value FROM json_each(?)) "
            "GROUP BY period ORDER BY period_start",
            (metric, grain.value, through.isoformat(), json.dumps(sorted(set(subjects)))),
        )
        return [(dt.date.fromisoformat(r[0]), float(r[1] or 0.0)) for r in rows]

    def latest_period_end(self, metric: str, grain: Grain) -> dt.date | None:
        """The end of the latest period with data for ``metric``."""
        row = self._connection.execute(
            "SELECT period_end FROM observations WHERE metric = ? AND grain = ? "
            "ORDER BY period DESC LIMIT 1",
            (metric, grain.value),
        ).fetchone()
        return None if row is None else dt.date.fromisoformat(row[0])

    def values_in_period(self, metric: str, period: str) -> dict[str, tuple[Any, Any, Any]]:
        """Each subject's (value, numerator, denominator) for one metric and period."""
        rows = self._connection.execute(
            "SELECT subject, value, numerator, denominator FROM observations "
            "WHERE metric = ? AND period = ?",
            (metric, period),
        )
        return {str(r[0]): (r[1], r[2], r[3]) for r in rows}

    # ------------------------------------------------------------- check-ins

    def add_checkin(
        self,
        key_result: str,
        subject: str,
        day: dt.date,
        value: float,
        confidence: float | None = None,
        note: str = "",
        author: str = "",
    ) -> int:
        if not math.isfinite(value):
            raise BadInput(f"{value} is not a finite number; nothing was stored")
        with self.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO checkins (key_result, subject, day, value, confidence, note, recorded,"
                " author) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (key_result, subject, day.isoformat(), value, confidence, note, _now(), author),
            )
            return int(cursor.lastrowid or 0)

    def checkins(
        self,
        key_result: str | None = None,
        subject: str | None = None,
        *,
        withdrawn: bool = False,
    ) -> list[Checkin]:
        """Check-ins oldest first; the last one for a key result and subject counts.

        Withdrawn check-ins, and any value that is not a finite number, are
        left out unless ``withdrawn`` asks for the whole history.
        """
        where, params = [], []
        if key_result is not None:
            where.append("key_result = ?")
            params.append(key_result)
        if subject is not None:
            where.append("subject = ?")
            params.append(subject)
        if not withdrawn:
            where.append("withdrawn IS NULL AND abs(value) <= 1e308")
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._connection.execute(
            "SELECT id, key_result, subject, day, value, confidence, note, recorded, withdrawn, "
            f"withdrawn_by, withdraw_reason, author FROM checkins {clause} ORDER BY day, id",
            params,
        )
        return [
            Checkin(r[0], r[1], r[2], dt.date.fromisoformat(r[3]), r[4], r[5], r[6], r[7], r[8],
                    r[9], r[10], r[11])
            for r in rows
        ]  # fmt: skip

    def checkin(self, checkin_id: int) -> Checkin | None:
        """One check-in by id, withdrawn or not."""
        found = [c for c in self.checkins(withdrawn=True) if c.id == checkin_id]
        return found[0] if found else None

    def withdraw_checkin(self, checkin_id: int, by: str, reason: str) -> Checkin:
        """Mark a check-in withdrawn, keeping its row; refuse one already withdrawn."""
        with self.transaction() as connection:
            row = connection.execute(
                "SELECT withdrawn FROM checkins WHERE id = ?", (checkin_id,)
            ).fetchone()
            if row is None:
                raise BadInput(f"no check-in {checkin_id}; `okrdesk checkin --list KR` shows ids")
            if row[0] is not None:
                raise BadInput(f"check-in {checkin_id} was already withdrawn on {row[0]}")
            connection.execute(
                "UPDATE checkins SET withdrawn = ?, withdrawn_by = ?, withdraw_reason = ? "
                "WHERE id = ?",
                (_now(), by, reason, checkin_id),
            )
        found = self.checkin(checkin_id)
        assert found is not None
        return found

    # ----------------------------------------------------------------- spend

    def add_spend(
        self,
        line: str,
        day: dt.date,
        amount: Decimal,
        signed_by: Sequence[str],
        note: str = "",
        override_reason: str | None = None,
        *,
        reverses: int | None = None,
        guard: Callable[[list[SpendEntry]], str | None] | None = None,
    ) -> int:
        """Add one ledger entry and return its id.

        ``guard`` is called with the whole ledger as committed, inside the same
        write transaction as the insert (``BEGIN IMMEDIATE``): a check it makes
        (the breaker) sees every entry before this one, and no other writer can
        slip an entry in between. It refuses the entry by raising, and returns
        the override reason to keep with it (None when no override was needed),
        which replaces ``override_reason``.
        """
        fen = amount * 100
        if fen != fen.to_integral_value():
            raise BadInput(f"{amount}元 is not a whole number of fen (0.01元)")
        with self.transaction() as connection:
            if guard is not None:
                override_reason = guard(self.spend())
            cursor = connection.execute(
                "INSERT INTO spend (line, day, amount_fen, signed_by, note, override_reason, "
                "recorded, reverses) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (line, day.isoformat(), int(fen), json.dumps(list(signed_by), ensure_ascii=False),
                 note, override_reason, _now(), reverses),
            )  # fmt: skip
            return int(cursor.lastrowid or 0)

    def spend(self, line: str | None = None) -> list[SpendEntry]:
        clause, params = ("WHERE line = ?", [line]) if line is not None else ("", [])
        rows = self._connection.execute(
            "SELECT id, line, day, amount_fen, signed_by, note, override_reason, recorded, "
            f"reverses FROM spend {clause} ORDER BY day, id",
            params,
        )
        return [
            SpendEntry(r[0], r[1], dt.date.fromisoformat(r[2]), Decimal(r[3]) / 100,
                       tuple(json.loads(r[4])), r[5], r[6], r[7], r[8])
            for r in rows
        ]  # fmt: skip

    # ------------------------------------------------------------- checks

    def integrity_ok(self) -> bool:
        return bool(self._connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a read query; for the engine's bulk rollups and for tests."""
        return list(self._connection.execute(sql, params))


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise BadInput(f"{path}: cannot read the database: {error.strerror}") from None
    if header and header != SQLITE_HEADER:
        raise BadInput(f"{path} is not an SQLite database; nothing was changed")


def _operational(path: Path, error: sqlite3.OperationalError) -> OkrdeskError:
    text = str(error)
    if "locked" in text or "busy" in text:
        return BadInput(
            f"{path} is locked by another okrdesk or SQLite program and stayed locked for "
            f"{busy_timeout():g} s ({BUSY_TIMEOUT_ENV}); try again when it has finished"
        )
    if "readonly" in text or "read-only" in text:
        return BadInput(f"{path} is read-only; okrdesk needs to write to it")
    if "disk I/O error" in text:
        return OkrdeskError(
            f"{path}: the disk refused a write (disk I/O error: full, or failing); what this "
            "command was writing was not stored, and everything stored before is intact"
        )
    if "disk is full" in text or "full" in text:
        return OkrdeskError(
            f"{path}: the disk is full; what this command was writing was not stored, "
            "and everything stored before is intact"
        )
    return BadInput(f"{path}: {text}")
