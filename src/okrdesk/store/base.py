"""The one interface of okrdesk's store, and every query it runs.

``Store`` holds the queries both backends share; a backend (``SqliteStore``,
``PostgresStore``) supplies the connection, the transaction and the few
pieces of SQL where the dialects differ (``_member``, ``_subject_index``,
``_series_group``, ``_lock``). Queries are written with ``?`` placeholders;
a backend that uses another style rewrites them in ``_rows``.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import math
import operator
import os
import sys
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, TypeVar

from okrdesk.environment import seconds_from_environment
from okrdesk.errors import BadInput, NoStoreYet, OkrdeskError, Said, printable
from okrdesk.model import (
    Checkin,
    CheckinFigure,
    KeptUnreached,
    NoRowsOfLastYear,
    Observation,
    Run,
    SpendEntry,
    StoredObservation,
    slice_matches,
    slice_values,
)
from okrdesk.periods import DaysHeld, Grain, Period, period_holding
from okrdesk.store.hand_changes import (
    added_up_again_said,
    holds_no_number,
    put_back_said,
)
from okrdesk.store.liveness import STOPPED, Liveness, liveness, process_start, this_host
from okrdesk.store.migrations import (
    HAND_EDITS,
    PERIOD_TOTALS_GROUP,
    PERIOD_TOTALS_SELECT,
    RUNNING_TOTALS_INSERT,
    RUNNING_TOTALS_WINDOWS,
    tables_as_made,
)
from okrdesk.store.reader import SUM_COLUMNS, PlanCollects, SeriesOfMetrics, SumPlaces, SumRows
from okrdesk.store.stored_rows import (
    UnreadableValue,
    checkin_figures_of,
    checkin_of,
    run_of,
    spend_of,
    subjects_noted,
)
from okrdesk.store.wholes import FigureRow, rows_with_wholes, wholes_to_add

if TYPE_CHECKING:
    from okrdesk.store.changes import PeriodChanges, StoreChanges, UnheldPeriods
    from okrdesk.store.unit_holdings import UnitHoldings

TABLES = ("runs", "observations", "checkins", "spend")
"""okrdesk's tables, in an order that keeps every reference to an earlier row."""

SUMMED = {
    "runs": ("id",),
    "observations": ("value", "numerator", "denominator"),
    "checkins": ("value",),
    "spend": ("amount_fen",),
}
"""The columns whose sums check a copy of each table."""

POSTGRES_SCHEMES = ("postgresql://", "postgres://")

BUSY_TIMEOUT_ENV = "OKRDESK_BUSY_TIMEOUT"

Row = tuple[Any, ...]
T = TypeVar("T")
R = TypeVar("R")


def laid_out(
    found: Mapping[str, dict[str, Row]], asked: Sequence[dt.date]
) -> dict[dt.date, SumRows]:
    """``sum_rows_at``'s answer from one grouped read of each metric's rows (metric →
    subject → row: metric, subject, then the latest day's four sums and each earlier
    day's in turn)."""
    read = {day: SumPlaces.from_start(6 + 4 * i) for i, day in enumerate(asked[:-1])}
    read[asked[-1]] = SumPlaces.from_start(2)
    return {
        day: {metric: (rows, places) for metric, rows in found.items()}
        for day, places in read.items()
    }


def busy_timeout() -> float:
    """Seconds to wait for another writer before giving up (``$OKRDESK_BUSY_TIMEOUT``, 10)."""
    return seconds_from_environment(BUSY_TIMEOUT_ENV, 10.0, above_zero=False)


def is_postgres_url(location: str | os.PathLike[str]) -> bool:
    return isinstance(location, str) and location.startswith(POSTGRES_SCHEMES)


_written_order: Callable[[FigureRow], tuple[str, str, str, str]] = operator.itemgetter(0, 2, 1, 3)
"""The order ``Store.replace_rows`` takes figures in: metric, period, subject, slice."""

_metric_of_row: Callable[[FigureRow], str] = operator.itemgetter(0)


CARRIED_TOTALS_INSERT = (
    "INSERT INTO running_totals (metric, grain, year, next_period, subject, period, value, "
    "numerator, denominator, observations) SELECT metric, grain, year, "
    "coalesce(lead(period) OVER so_far, '~'), subject, period, sum(value) OVER so_far, "
    "sum(numerator) OVER so_far, sum(denominator) OVER so_far, sum(observations) OVER so_far "
    "FROM (SELECT metric, grain, year, subject, period, value, numerator, denominator, "
    "observations FROM carried_totals UNION ALL SELECT metric, grain, substr(period_end, 1, 4), "
    "subject, period, value, numerator, denominator, 1 FROM observations WHERE metric = ? "
    "AND grain = ? AND substr(period_end, 1, 4) = ? AND period >= ? AND slice = '') AS carried "
    "WINDOW so_far AS (PARTITION BY subject ORDER BY period ROWS UNBOUNDED PRECEDING)"
)
"""A metric's running totals of a year from a period on (``RUNNING_TOTALS_INSERT`` of just
those rows), each subject's carried on from its row that held before that period (in
``carried_totals``): that row comes first in the subject's window, so it is written again
with its own sums and the subject's next period, and every later row's sums start from
it, added in the order a sum from the year's start adds them."""

_RUNNING_ROWS = "SELECT subject, {columns}, observations FROM running_totals {where}"
"""Each subject's running totals of a metric, grain and year: the columns asked for (of
``SUM_COLUMNS``) and the observations. Python's sqlite3 spends on each column of a row
about a fifth of what SQLite and it spend on the row: a flow reads its value alone."""
_RUNNING_COUNT = "SELECT NULL, count(*){nothing} FROM running_totals {where}"
"""A row of ``_RUNNING_ROWS``'s shape with no subject: how many subjects a metric has in
a grain and year (with ``next_period = '~'``: each has one such row, its latest)."""
_RUNNING_WHERE = "WHERE metric = ? AND grain = ? AND year = ?"

_pair_of_figure: Callable[[FigureRow], tuple[str, str]] = operator.itemgetter(0, 2)
"""A collected figure's metric and period."""


def _of_scope(
    sql: str, params: list[Any], scope: frozenset[str] | None, store: Store
) -> tuple[str, list[Any]]:
    """``sql`` narrowed to the subjects of ``scope``, where given."""
    if scope is None:
        return sql, params
    return f"{sql} AND {store._member('subject')}", [*params, store._members(scope)]


def _first_of_year(
    firsts: dict[tuple[str, str, str], str], year: tuple[str, str, str], period: str
) -> None:
    """Note ``period`` in ``firsts``, (metric, grain, year) → the first period changed."""
    firsts[year] = min(firsts.get(year, period), period)


def _day_or_ever(since: dt.date | None) -> str:
    """The lower bound a read's ``period_end >= ?`` takes: every period when None."""
    return since.isoformat() if since is not None else "0000-01-01"


def _landed(text: str | None) -> dict[str, tuple[str, ...]] | None:
    """The metrics a run stored, each with its grains, as it keeps them; None where it
    kept none."""
    if text is None:
        return None
    return {metric: tuple(grains) for metric, grains in json.loads(text).items()}


_RUNS_OF = (
    "SELECT id, started, finished, status, command, through, pid, plugins, errors, revised, "
    "warnings, metrics, landed, lines_zh, host, process_start, plan_unit, moved_from, kinds, "
    "bases, kept, stored_order "
    "FROM runs"
)
_RUNS = f"{_RUNS_OF} ORDER BY id"


def _json_patterns(name: str) -> tuple[str, ...]:
    """LIKE patterns (escaped by a backslash) finding ``name`` as a JSON string in a
    column of runs, written with its non-ASCII letters escaped (as okrdesk writes them) or
    not."""
    written = {json.dumps(name), json.dumps(name, ensure_ascii=False)}
    return tuple(
        "%" + "".join("\\" + c if c in "\\%_" else c for c in text) + "%"
        for text in sorted(written)
    )


_CHECKINS = (
    "SELECT id, key_result, subject, day, value, confidence, note, recorded, withdrawn, "
    "withdrawn_by, withdraw_reason, author, moved_from, moved FROM checkins"
)
LEDGER_UNITS_LOCK = "spend of every unit"
"""Taken first by every guarded ``add_spend`` and by ``move_unit`` of a ledger: a guard
judges what is kept under unit ids its plan no longer has, which a writer under another
unit id (a move, or a process still reading the targets from before the rename) could
change between that look and the insert. A check-in takes ``checkins of KR`` alike."""
_STANDING = "withdrawn IS NULL AND abs(value) <= 1e308"
"""The check-ins that count: not withdrawn, and a finite number."""
_SPEND = (
    "SELECT id, line, day, amount_fen, signed_by, note, override_reason, recorded, reverses, "
    "plan_unit, moved_from, moved, plan_id FROM spend"
)


_OPENED: dict[str, Path | str] = {}
"""Every store this process has opened (``Store.open``), for ``changed_by_hand``."""


_EDITS_TAKEN: list[tuple[str, list[tuple[str, str]]]] = []
"""Each store this process opened (its location) with the (metric, period) pairs it found
written by other software and added up again (``Store.take_hand_edits``), for the
command to say once it has run."""

_PUT_BACK: list[tuple[str, tuple[str, str]]] = []
"""(location, (metric, period)): what a collect of this process brought back to its
source's figures after other software had changed it (``StoreChanges.put_back``)."""

EDITED = "edited "
"""Before a period's fingerprint, once other software changed its rows: a collect that
gives the figures of that fingerprint puts the rows back, which is no restatement."""


def forget_opened() -> None:
    """A new command starts: the stores opened before are not its own."""
    _OPENED.clear()
    _EDITS_TAKEN.clear()
    _PUT_BACK.clear()


def hand_edits_taken() -> list[Said]:
    """What the stores opened since ``forget_opened`` found changed by other software and
    added up again, and what a collect then put back, each said once: emptied."""
    back: dict[str, set[tuple[str, str]]] = {}
    for location, pair in _PUT_BACK:
        back.setdefault(location, set()).add(pair)
    said: list[Said] = []
    for location, pairs in _EDITS_TAKEN:
        left = [pair for pair in pairs if pair not in back.get(location, ())]
        if left:
            said.append(added_up_again_said(location, left))
    said.extend(put_back_said(location, sorted(pairs)) for location, pairs in back.items())
    _EDITS_TAKEN.clear()
    _PUT_BACK.clear()
    return said


def changed_by_hand(error: BaseException, command: str) -> OkrdeskError | None:
    """For an error okrdesk did not expect of ``command`` (a TypeError where it read a
    value of a type it did not store, say): where a store this process opened has tables
    that are not as okrdesk made them, the message that says so; else None, and the
    error is a fault of okrdesk's own."""
    for location in list(_OPENED.values()):
        try:
            with Store.open(location, create=False) as store:
                differs = store.unlike_made()
                where = store.location
                if differs and (odd := store._first_unsummable()) is not None:
                    differs.append(holds_no_number(odd))
        except NoStoreYet:
            continue
        except BadInput as refused:  # changed since the command opened it: the opening says
            return _refused_on_a_second_look(refused, error, command)
        except Exception:  # a second look: the first error is the one to say
            continue
        if differs:
            reason = f"{type(error).__name__}: {error}"
            return OkrdeskError(Said(
                f"{where}: okrdesk {command} could not use what it read from okrdesk's tables "
                f"({reason}): they are not as okrdesk made them: "
                f"{'; '.join(d.en for d in differs)}. Nothing stored is lost: what it was in "
                "the middle of writing was rolled back, and what it had stored before it "
                "stopped stays (see `okrdesk history` or `okrdesk spend list` once the tables "
                "are put back, before running a checkin or spend add again). Someone "
                "changed them by hand: have the tables' owner put back what was changed (the "
                "statement given), or restore the database from a backup; `okrdesk store "
                "upgrade` then says whether they are whole again.",
                f"{where}：okrdesk {command} 无法使用从 okrdesk 数据表读到的内容（{reason}）："
                f"这些表已不是 okrdesk 建的样子：{'；'.join(d.zh for d in differs)}。已存入的内容"
                "没有丢失：它正写到一半的内容已撤销，中断前已存入的保留（表复原后，"
                "再次运行 checkin 或 spend add 之前，请先用 `okrdesk history` 或 "
                "`okrdesk spend list` 查看）。"
                "有人手工改动过它们："
                "请表的所有者把改动的部分改回来（见所给语句），或从备份恢复数据库；然后运行 "
                "`okrdesk store upgrade`，它会说明表是否已复原。",
            ))  # fmt: skip
    return None


def _refused_on_a_second_look(refused: BadInput, error: BaseException, command: str) -> BadInput:
    """What ``changed_by_hand`` says where the store, opened again to look, is refused
    (its tables changed by hand after the command opened it): the refusal, after what the
    command could not use, and what became of what it was writing."""
    reason = f"{type(error).__name__}: {error}"
    return BadInput(Said(
        f"okrdesk {command} could not use what it read from okrdesk's tables ({reason}), "
        f"and opening the store again to look is refused, as every command's will be: "
        f"{refused.said.en} Of this {command}: what it was in the middle of writing was "
        "rolled back, and what it had stored before it stopped stays.",
        f"okrdesk {command} 无法使用从 okrdesk 数据表读到的内容（{reason}），再次打开数据库"
        f"查看时被拒绝，之后每个命令打开时也会如此：{refused.said.zh}至于本次 {command}：它正"
        "写到一半的内容已撤销，中断前已存入的保留。",
    ))  # fmt: skip


class StillRunning(Exception):
    """A run was not started: ``run``, of the same command and plan, still runs."""

    def __init__(self, run: Run) -> None:
        super().__init__(run.id)
        self.run = run


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store(ABC):
    """An open okrdesk database. Use ``Store.open`` and close it, or use ``with``."""

    location: str
    """Where the database is, for messages: a file path or a URL without password."""

    # ------------------------------------------------------------ opening

    @staticmethod
    def open(
        location: Path | str,
        *,
        create: bool = True,
        timeout: float | None = None,
        rows_only: bool = False,
    ) -> Store:
        """Open (or create) the database at ``location``, upgrading an older schema.

        ``location`` is an SQLite file's path, or a ``postgresql://`` URL. A
        database that is not okrdesk's, or comes from a newer okrdesk, is
        refused before anything in it is changed. ``rows_only``: what is read of it
        is its rows alone, which another store adds up afresh (``store copy``): hand
        edits it cannot add up here (read-only) are left waiting, in
        ``edits_not_taken``, not refused.
        """
        _OPENED[str(location)] = location
        if is_postgres_url(str(location)) and isinstance(location, str):
            from okrdesk.store.postgres import PostgresStore

            return PostgresStore.connect(
                location, create=create, timeout=timeout, rows_only=rows_only
            )
        from okrdesk.store.sqlite import SqliteStore

        return SqliteStore.connect(Path(location), create=create, timeout=timeout,
                                   rows_only=rows_only)  # fmt: skip

    @staticmethod
    def exists(location: Path | str) -> bool:
        """Whether there is an okrdesk database at ``location`` yet."""
        if isinstance(location, str) and is_postgres_url(location):
            from okrdesk.store.postgres import PostgresStore

            return PostgresStore.has_schema(location)
        return Path(location).exists()

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    @abstractmethod
    def schema_version(self) -> int: ...

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """One write transaction, taken at once so concurrent writers queue, not fail."""

    @abstractmethod
    def reading(self) -> AbstractContextManager[None]:
        """One read of the store as a whole, for a command that only reads: every
        statement inside sees the store as it stood at the first, whatever another
        process commits meanwhile (a collect from cron, amid a report's reads). Only
        reads belong inside (PostgreSQL refuses a write there). Within a transaction
        already, that one holds."""

    # ------------------------------------------------------ the dialect

    @abstractmethod
    def _rows(self, sql: str, params: Sequence[Any] = ()) -> Iterable[Row]:
        """Run one statement; its rows (none for a write)."""

    @abstractmethod
    def _write_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        """Run one statement once per row; how many rows it changed."""

    @abstractmethod
    def _insert(self, sql: str, params: Sequence[Any]) -> int:
        """Run one INSERT into a table with an ``id``; the new row's id."""

    @abstractmethod
    def _member(self, column: str) -> str:
        """SQL saying ``column`` is one of a list given as one parameter."""

    @abstractmethod
    def _members(self, values: Iterable[str]) -> Any:
        """The parameter for ``_member``."""

    edits_not_taken: tuple[list[tuple[str, str]], Said] | None = None
    """Where an opening that reads rows alone (``open(rows_only=True)``) found hand edits
    it could not add up here: their (metric, period) pairs, and why, in a few words."""

    migrated_from: int | None = None
    """The schema this opening found under the schema lock and upgraded from, 0 where it
    created the tables; None where it found them at this okrdesk's (another okrdesk,
    opening it at the same moment, may have done it)."""

    _edits_taken_here: frozenset[tuple[str, str]] = frozenset()
    """The (metric, period) pairs this opening of the store found changed by other
    software and added up again (``take_hand_edits``)."""

    _not_made_here: frozenset[str] = frozenset()
    """Tables of SQLite's schema this backend does without."""

    _subject_index = ""
    """A hint to read whole figures (slice = '') through the subject index, which holds
    them alone, where the dialect takes one."""

    _slices_index = ""
    """A hint to read slices (slice > '') through their own subject index, where the
    dialect takes one."""

    _series_group = "GROUP BY period"
    """How ``series`` groups its rows by period."""

    _key_order = ""
    """A hint to read along the primary key (metric, period, subject, slice), where the
    dialect takes one: for a read of most of the table, cheaper than a seek per subject."""

    def _sum_when(self, condition: str, column: str) -> str:
        """An aggregate: the sum of ``column`` over the group's rows where ``condition``
        holds (NULL when none does), adding them in the order the group's sum would."""
        return f"sum(CASE WHEN {condition} THEN {column} END)"

    def _count_when(self, condition: str) -> str:
        """An aggregate: how many of the group's rows ``condition`` holds for."""
        return f"count(CASE WHEN {condition} THEN 1 END)"

    @functools.cached_property
    def changes(self) -> StoreChanges:
        """What the collects through this store changed (``replace_rows``, committed),
        since it was opened."""
        # Imported by what writes (a command that only reads makes none of its classes).
        from okrdesk.store.changes import StoreChanges

        return StoreChanges()

    _plain_sums: bool | None = None
    """Whether ``sum()`` adds floats plainly (``_sums_plainly``), once asked."""

    _subjects_summed_by_scan = False
    """Whether ``sum_rows_at`` adds up the rows of ``subjects`` (a branch) where running
    totals would answer: where that scan also reads what a branch's report asks next."""

    _many_metrics_at_once = False
    """Whether ``series_of_metrics`` asks for every metric in one statement (where a
    round trip costs more than sorting them together) or each as ``series`` does."""

    @abstractmethod
    def _lock(self, name: str) -> None:
        """Inside a transaction: wait for other writers of ``name`` (no-op where a
        transaction already excludes every other writer)."""

    def _many_rows(self) -> AbstractContextManager[None]:
        """Around a write of many rows (a collect's figures): whatever makes one cheaper
        on this backend (nothing, unless overridden)."""
        return nullcontext()

    @contextmanager
    def all_at_once(self) -> Iterator[None]:
        """One write transaction for many writes (a collect's every figure, and its run's
        end): a reader sees the store as it was before them or as it is after them all,
        never part of them. The writes within it are each a ``transaction`` joined to it."""
        with self._many_rows(), self.transaction():
            yield None

    def _one_statement(self) -> AbstractContextManager[None]:
        """A write of one statement, which needs no other writer's lock: a transaction
        of its own (a backend whose every statement is one may skip BEGIN and COMMIT)."""
        return self.transaction()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        return next(iter(self._rows(sql, params)), None)

    # ----------------------------------------------------------------- runs

    def start_run(
        self,
        command: str,
        through: dt.date | None,
        metrics: Sequence[str] | None = None,
        *,
        plan_unit: str = "",
        alone: bool = False,
        subjects: Iterable[str] | None = None,
    ) -> int:
        """A new run, running, of the plan of ``plan_unit``; ``metrics``: those it is asked
        to collect (None: every one); ``subjects``: the units and people whose figures it
        replaces (``subjects_of_runs``).
        The metrics it stores are noted as it stores them (``replace_rows``); its host,
        process id and process start, so that a run never finished is told as running or
        dead (``okrdesk.store.liveness``). ``alone``: not started (``StillRunning``) while a
        run of the same command and plan runs on this machine (or, on a store several
        machines share, anywhere: ``_hold_alone``), looked for under the lock the new run is
        noted under, so that of two started together one is told of the other."""
        pid = os.getpid()
        whose = None if subjects is None else json.dumps(sorted(set(subjects)), ensure_ascii=False)
        with self.transaction():
            if alone:
                self._lock("runs")
                self._running_beside(command, plan_unit)
                self._hold_alone(command, plan_unit)
            return self._insert(
                "INSERT INTO runs (started, status, command, through, pid, metrics, landed, "
                "host, process_start, plan_unit, subjects) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (now(), "running", command, through.isoformat() if through else None,
                 pid, None if metrics is None else json.dumps(list(metrics)), "{}",
                 this_host(), process_start(pid), plan_unit, whose),
            )  # fmt: skip

    def _running_beside(self, command: str, plan_unit: str) -> None:
        """Raise ``StillRunning`` while a run of ``command`` of the same plan runs on this
        machine. A run on another machine cannot be looked at here (a store several
        machines share waits for it in ``_hold_alone``), and one that died or was stopped
        stores no more: it is not waited for."""
        unfinished = (
            f"{_RUNS_OF} WHERE finished IS NULL AND command = ? AND plan_unit = ? ORDER BY id"
        )
        for run in [self._stored(run_of, r) for r in self._rows(unfinished, (command, plan_unit))]:
            # One of this process's own that never finished was left by an error it raised.
            if run.pid != os.getpid() and liveness(run) == Liveness.RUNNING:
                raise StillRunning(run)

    def _running_of(self, command: str, plan_unit: str) -> Run | None:
        """The newest run of ``command`` of the plan of ``plan_unit`` that neither finished
        nor was stopped, read alone: a firm's store holds every branch's every week."""
        stopped = sorted(STOPPED)
        found = self._one(
            f"{_RUNS_OF} WHERE finished IS NULL AND command = ? AND plan_unit = ? AND status "
            f"NOT IN ({', '.join('?' * len(stopped))}) ORDER BY id DESC LIMIT 1",
            (command, plan_unit, *stopped),
        )
        return None if found is None else self._stored(run_of, found)

    @abstractmethod
    def _hold_alone(self, command: str, plan_unit: str) -> None:
        """Inside ``start_run``'s transaction: where runs of other machines share the store,
        raise ``StillRunning`` while one of ``command`` of the same plan holds it, else hold
        it until the new run has ended (nothing to do for a file one machine writes)."""

    def subjects_of_runs(
        self, ids: Iterable[int], *, changed: bool = False
    ) -> dict[int, frozenset[str]]:
        """The ids of the units and people whose figures each of the runs ``ids`` replaced
        (its plan's, noted as it started), of those that noted them: not a run kept before
        okrdesk did (schema 25). Read apart from ``runs``: a firm's collect names thousands.
        With ``changed``, only the first of them and each that noted other ids than the
        one before it among them: a plan's collects mostly note the same, compared here as
        the text they are kept as (sorted), not read."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        marks = ", ".join("?" * len(wanted))
        noted = f"SELECT id, subjects FROM runs WHERE id IN ({marks}) AND subjects IS NOT NULL"
        if changed:
            noted = (
                "SELECT id, subjects FROM (SELECT id, subjects, LAG(subjects) OVER (ORDER BY "
                f"id) AS before FROM ({noted}) AS kept) AS noted WHERE before IS NULL OR "
                "subjects <> before"
            )
        rows = self._rows(noted, wanted)
        return dict(map(functools.partial(self._stored, subjects_noted), rows))

    def finish_run(
        self,
        run_id: int,
        status: str,
        plugins: Mapping[str, str],
        errors: Sequence[str],
        warnings: Sequence[str] = (),
        lines_zh: Mapping[str, str] | None = None,
        kinds: Mapping[str, str] | None = None,
        bases: Mapping[str, NoRowsOfLastYear] | None = None,
        kept: Mapping[str, KeptUnreached] | None = None,
    ) -> None:
        """Note the run finished, with what its plugins' versions were, its errors and
        warnings as kept (English, ``plugin_error_text``), ``lines_zh``: each of those
        lines → its message in Chinese, where it was said in both, ``kinds``: the kind
        (stock, flow, ratio) each metric it stored was declared as, which its figures are
        to be read as (``Run.kinds``), ``bases``: last year's periods its sources had
        no rows of (``Run.bases``), and ``kept``: the periods it kept as stored, as their
        sources no longer reached them (``Run.kept``)."""
        asked = None if not bases else json.dumps(
            {metric: {"periods": list(none.periods)}
             for metric, none in bases.items()}, sort_keys=True)  # fmt: skip
        unreached = None if not kept else json.dumps(
            {metric: {"first": held.first.isoformat(), "last": held.last.isoformat(),
                      "periods": list(held.periods)}
             for metric, held in kept.items()}, sort_keys=True)  # fmt: skip
        with self.transaction():
            self._rows(
                "UPDATE runs SET finished = ?, status = ?, plugins = ?, errors = ?, "
                "warnings = ?, lines_zh = ?, kinds = ?, bases = ?, kept = ? WHERE id = ?",
                (now(), status, json.dumps(dict(plugins)), json.dumps(list(errors)),
                 json.dumps(list(warnings)),
                 json.dumps(dict(lines_zh or {}), ensure_ascii=False, sort_keys=True),
                 None if kinds is None else json.dumps(dict(kinds), sort_keys=True), asked,
                 unreached, run_id),
            )  # fmt: skip

    def stop_run(self, run_id: int, status: str) -> None:
        """Note the run stopped before it finished, as ``status`` says (Ctrl-C, SIGTERM):
        still unfinished, which every reader of its figures takes it for, but not told as
        a death no one saw (``okrdesk.store.liveness``)."""
        with self.transaction():
            self._rows("UPDATE runs SET status = ? WHERE id = ? AND finished IS NULL",
                       (status, run_id))  # fmt: skip

    def _note_revised(self, run_id: int, found: StoreChanges) -> None:
        """Inside the transaction that wrote them: add the figures of complete periods
        ``found`` restated to the run's ``revised`` (metric → period → figures), committed
        with them."""
        row = self._one("SELECT revised FROM runs WHERE id = ?", (run_id,))
        noted: dict[str, dict[str, int]] = json.loads(row[0]) if row else {}
        for metric, periods in found.revised_by_metric().items():
            noted.setdefault(metric, {}).update(periods)
        self._rows("UPDATE runs SET revised = ? WHERE id = ?",
                   (json.dumps(noted, sort_keys=True), run_id))  # fmt: skip

    def _note_landed(self, run_id: int, metrics: Iterable[str], periods: Sequence[Period]) -> None:
        """Inside the transaction that stored them: add ``metrics``, each with the grain of
        ``periods``, to the run's ``landed`` (metric → grains), so a run killed later still
        says what it stored, and a metric failed under one grain is told apart from one
        stored under every grain asked."""
        grains = sorted({period.grain.value for period in periods})
        row = self._one("SELECT landed FROM runs WHERE id = ?", (run_id,))
        noted = _landed(row[0] if row else None) or {}
        merged = {metric: sorted({*noted.get(metric, ()), *grains}) for metric in metrics}
        if any(tuple(merged[m]) != tuple(noted.get(m, ())) for m in merged):
            self._rows("UPDATE runs SET landed = ? WHERE id = ?",
                       (json.dumps({**noted, **merged}, sort_keys=True), run_id))  # fmt: skip

    def _note_stored_order(self, run_id: int) -> None:
        """Inside the transaction that stored them, under the lock figures are stored
        under (``_lock("observations")``; an SQLite file's one writer): number the run's
        figures after every run's committed before (``Run.stored_order``)."""
        self._rows(
            "UPDATE runs SET stored_order = (SELECT coalesce(max(stored_order), 0) + 1 "
            "FROM runs) WHERE id = ?",
            (run_id,),
        )

    def runs(self, plan_units: Iterable[str] | None = None) -> list[Run]:
        """Every collect run, oldest first; with ``plan_units``, those the plans of those
        units ran."""
        if plan_units is None:
            return [self._stored(run_of, r) for r in self._rows(_RUNS)]
        sql = f"{_RUNS_OF} WHERE {self._member('plan_unit')} ORDER BY id"
        return [self._stored(run_of, r) for r in self._rows(sql, (self._members(plan_units),))]

    def runs_newest_first(
        self,
        plan_units: Iterable[str],
        *,
        naming: str | None = None,
        kind_of: str | None = None,
        stored_before: int | None = None,
        batch: int = 64,
    ) -> Iterator[Run]:
        """The runs of the plans of ``plan_units``, newest first, read as they are taken,
        one first, then twice as many each time up to ``batch``: a reader after the latest
        run of some kind stops at it, most often the first, where a firm's store holds
        every branch's every week. With ``naming``, only the runs that
        may be asked for, or have stored, that metric (every one asked for every metric);
        with ``kind_of``, those that may have noted its kind (``Run.kinds``): the caller
        judges each run it takes. With ``stored_before`` (a run's ``Run.stored_order``),
        those that stored before it, newest stored first, then those kept before okrdesk
        numbered them (or that stored nothing), newest first: two collects run at once
        store in another order than they started in (``stored_before`` in okrdesk.model)."""
        units = self._members(plan_units)
        named = ""
        params: tuple[Any, ...] = ()
        if naming is not None:
            patterns = _json_patterns(naming)
            named = " AND (metrics IS NULL" + " OR metrics LIKE ? ESCAPE '\\'" * len(patterns)
            named += " OR landed LIKE ? ESCAPE '\\'" * len(patterns) + ")"
            params = (*patterns, *patterns)
        if kind_of is not None:
            patterns = _json_patterns(kind_of)
            named += " AND (" + " OR ".join(["kinds LIKE ? ESCAPE '\\'"] * len(patterns)) + ")"
            params = (*params, *patterns)
        of_plans = f"{self._member('plan_unit')}{named}"
        if stored_before is not None:
            numbered = f"stored_order < ? AND {of_plans} ORDER BY stored_order DESC"
            yield from self._runs_paged(numbered, "stored_order", stored_before, units, params,
                                        batch)  # fmt: skip
            of_plans = f"stored_order IS NULL AND {of_plans}"
        yield from self._runs_paged(f"id < ? AND {of_plans} ORDER BY id DESC", "id",
                                    sys.maxsize, units, params, batch)  # fmt: skip

    def _runs_paged(
        self,
        where: str,
        column: str,
        below: int,
        units: Any,
        params: tuple[Any, ...],
        batch: int,
    ) -> Iterator[Run]:
        """``runs_newest_first``'s runs ``where`` says (``column < ?``, the plans' units,
        then ``params``; ordered by ``column``, descending), one, then twice as many each
        time up to ``batch``."""
        sql = f"{_RUNS_OF} WHERE {where} LIMIT ?"
        size = 1
        while True:
            taken = [
                self._stored(run_of, r) for r in self._rows(sql, (below, units, *params, size))
            ]
            yield from taken
            if len(taken) < size:
                return
            last = getattr(taken[-1], column)
            below, size = last, min(size * 2, batch)

    def runs_with_bases(self, plan_units: Iterable[str]) -> list[Run]:
        """``runs(plan_units)`` that found no rows of some of last year's periods of a
        metric (``Run.bases``), oldest first: few of a year's collects."""
        return self._runs_noting("bases", plan_units)

    def runs_that_kept(self, plan_units: Iterable[str]) -> list[Run]:
        """``runs(plan_units)`` that kept stored figures in periods their sources no longer
        reached (``Run.kept``), oldest first."""
        return self._runs_noting("kept", plan_units)

    def _runs_noting(self, column: str, plan_units: Iterable[str]) -> list[Run]:
        """``runs(plan_units)`` whose record holds ``column`` (a note few runs make),
        oldest first: those alone read, not every run of a firm's store."""
        sql = f"{_RUNS_OF} WHERE {column} IS NOT NULL AND {self._member('plan_unit')} ORDER BY id"
        return [self._stored(run_of, r) for r in self._rows(sql, (self._members(plan_units),))]

    def holds_runs_besides(self, run_id: int) -> bool:
        """Whether any run but ``run_id`` is kept, whatever plan ran it."""
        return self._one("SELECT 1 FROM runs WHERE id <> ? LIMIT 1", (run_id,)) is not None

    def latest_runs(self) -> list[Run]:
        """The latest run (a collect) of each plan that ran one in this store (one for each
        ``plan_unit``, '' for those of a store older than schema 23), oldest first: what a
        plan needs to know of the others sharing the store, read through the runs' index
        by plan unit, not every branch's every week."""
        latest = "SELECT max(id) FROM runs GROUP BY plan_unit"
        rows = self._rows(f"{_RUNS_OF} WHERE id IN ({latest}) ORDER BY id")
        return [self._stored(run_of, r) for r in rows]

    def collects_by_plan(self) -> dict[str, PlanCollects]:
        """Each plan that ran a collect in this store (its ``plan_unit``, '' for those of a
        store older than schema 23) → its first and latest run, the furthest day any of
        them read through and how many restated figures: one pass over the table, no run
        read (nine JSON columns each), where a firm's server holds every branch's every
        week."""
        rows = self._rows(
            "SELECT plan_unit, min(id), max(id), max(through), "
            "count(CASE WHEN revised <> '{}' THEN 1 END) FROM runs GROUP BY plan_unit"
        )
        return {
            str(unit): PlanCollects(int(first), int(latest),
                                    None if furthest is None else str(furthest), int(restated))
            for unit, first, latest, furthest, restated in rows
        }  # fmt: skip

    def restating_runs(self, plan_units: Iterable[str]) -> list[tuple[int, str]]:
        """Each run of the plans of ``plan_units`` that restated figures of complete
        periods (``Run.revised``): its id, and when it finished (or, never finished,
        started), oldest first, none of it read."""
        rows = self._rows(
            "SELECT id, coalesce(finished, started) FROM runs WHERE revised <> '{}' AND "
            f"{self._member('plan_unit')} ORDER BY id",
            (self._members(plan_units),),
        )
        return [(int(run), str(when)) for run, when in rows]

    def runs_numbered(self, ids: Iterable[int]) -> list[Run]:
        """The runs ``ids`` (those the store holds), oldest first."""
        wanted = sorted(set(ids))
        if not wanted:
            return []
        marks = ", ".join("?" * len(wanted))
        rows = self._rows(f"{_RUNS_OF} WHERE id IN ({marks}) ORDER BY id", wanted)
        return [self._stored(run_of, r) for r in rows]

    def plan_units(self) -> set[str]:
        """The unit ids of the plans that collected (a run's ``plan_unit``) or recorded
        spending (a ledger entry's) in this store: '' for those older than schema 22."""
        rows = self._rows("SELECT plan_unit FROM runs UNION SELECT plan_unit FROM spend")
        return {str(row[0]) for row in rows}

    def each_run(self) -> Iterator[Run]:
        """``runs``, read a few at a time as they are taken (``streamed``)."""
        return map(functools.partial(self._stored, run_of), self.streamed(_RUNS))

    # --------------------------------------------------------- observations

    def replace_observations(
        self,
        run_id: int,
        collected: Mapping[str, str],
        periods: Sequence[Period],
        observations: Iterable[Observation],
        through: dt.date | None = None,
        *,
        grouped: bool = False,
    ) -> int:
        """``replace_rows`` for observations (``grouped``: in the order it takes them,
        by metric and period, then each subject's together; else in any order, which is
        then made the collect's: by metric, period, subject and slice)."""
        rows: Iterable[FigureRow] = (
            (o.metric, o.subject, o.period, o.slice, o.value, o.numerator, o.denominator,
             o.source, int(o.no_rows))
            for o in observations
        )  # fmt: skip
        if not grouped:
            rows = sorted(rows, key=_written_order)
        return self.replace_rows(run_id, collected, periods, rows, through)

    def replace_rows(
        self,
        run_id: int,
        collected: Mapping[str, str],
        periods: Sequence[Period],
        rows: Iterable[FigureRow],
        through: dt.date | None = None,
        *,
        emptied: Collection[str] = (),
        stands_in: Callable[[FigureRow], bool] | None = None,
        subjects: Collection[str] | None = None,
        groups: Mapping[str, frozenset[str]] | None = None,
        answered: Mapping[str, Collection[str]] | None = None,
        covered: Mapping[str, DaysHeld] | None = None,
    ) -> int:
        """Replace, in one transaction, every value of the ``collected`` metrics
        (metric → plugin) in ``periods`` with ``rows`` (metric, subject, period,
        slice, value, numerator, denominator, source, no_rows), grouped by metric and period
        and, within those, each subject's together; the whole of each figure emitted
        in slices is added as ``with_wholes`` adds it. Returns how many rows now
        stand for the collect. A period given in the same order as before is left
        unread when it comes back the same (``store.changes.fingerprint``): the
        collect gives each period's rows by subject and slice.

        Metrics not in ``collected`` keep what they had, so a failed plugin
        never erases earlier numbers; nor does a metric given not one row where rows
        are stored for it in ``periods`` (an export that came out empty, not a year
        without a figure): it keeps them too, counted in ``changes.kept_unanswered``
        for the collect to fail the metric, unless it is among ``emptied`` (the user
        said its source now has none: what is stored goes). So is a metric whose every
        row ``stands_in`` for none (a zero its plugin gives where its source has no row:
        ``emit(..., no_rows=True)``) where figures other than zero are stored for it: its
        zeros are not stored, unless it is among ``emptied``. A period that ends
        after ``through`` was collected in part: it is stored as partial, and never
        replaces what is stored for that period through a later day or complete. A row collected
        again as it is stored is left as it is (``store.changes``).

        ``subjects``, where given, are those the collect speaks for (its plan's units and
        people): the rows of any other subject are left as they are, so one branch's
        collect into a firm's shared store never deletes another branch's figures.

        ``groups`` (a unit → itself and everyone under it: a firm's branches, a branch's
        teams) and ``answered`` (a metric → the subjects ``rows`` give a figure of it, a
        zero for no rows being none) guard a unit a source left out: a metric given
        figures of others but not one of such a unit, where figures other than zero are
        stored for it in ``periods``, keeps that unit's rows as they were stored
        (counted in ``changes.kept_left_out`` for the collect to say), unless it is
        among ``emptied``. A firm's export that came out without one branch deleted
        that branch's year.

        ``covered`` (a metric → the days its source holds, ``emit.covers``) guards the
        periods a rolling export no longer reaches: a period whose figure needs days the
        source does not hold (``DaysHeld.reach``) keeps what is stored for it, and the rows
        given for it are not stored (a week summed over its last two days is no week);
        where nothing is stored it stays without a figure. They are counted in
        ``changes.kept_unheld`` for the collect to say. A period the source holds only up
        to a day before its end is stored as partial through that day, as one that ends
        after ``through`` is. A CRM that exports its last 30 days deleted the weeks before.
        """
        from okrdesk.store.changes import (
            STORED_SELECT,
            PeriodChanges,
            StoreChanges,
            fingerprint,
            period_changes,
        )

        partial = {p.id for p in periods if through is not None and through < p.end}
        day = through.isoformat() if through is not None else None
        # Each period's columns written once, not once per observation.
        spans = {
            p.id: (p.start.isoformat(), p.end.isoformat(), p.grain.value,
                   day if p.id in partial else None)
            for p in periods
        }  # fmt: skip
        held = {m: days for m, days in (covered or {}).items() if m in collected}
        reach = {m: {p.id: days.reach(p, through) for p in periods} for m, days in held.items()}
        unheld = {(m, p) for m, days in reach.items() for p, end in days.items() if end is None}
        # metric → its own partial periods and day, and their columns, where its source
        # ends before ``through``.
        own_spans: dict[str, dict[str, tuple[Any, ...]]] = {}
        own_partial: dict[str, tuple[set[str], str | None]] = {}
        for metric, days in reach.items():
            ends = {p.id: end for p in periods if (end := days[p.id]) is not None and end < p.end}
            cut = set(ends)
            last = max(ends.values()).isoformat() if ends else day
            if cut != partial or last != day:
                own_partial[metric] = (cut, last)
                own_spans[metric] = {
                    period: (*span[:3], last if period in cut else None)
                    for period, span in spans.items()
                }
        scope = None if subjects is None else frozenset(subjects)
        with self._many_rows(), self.transaction():
            self._lock("observations")
            alike = {m: plugin for m, plugin in collected.items() if m not in own_partial}
            kept = (self._fuller_periods(alike, partial, day, scope) if alike else set()) | unheld
            for metric, (cut, last) in own_partial.items():
                kept |= self._fuller_periods({metric: collected[metric]}, cut, last, scope)
            asked = [
                (metric, period.id)
                for metric in collected
                for period in periods
                if (metric, period.id) not in kept
            ]
            left_out = self._left_out(collected, asked, emptied, scope, groups, answered)
            kept_apart = {m: frozenset().union(*units.values()) for m, units in left_out.items()}
            if kept_apart:
                rows = (r for r in rows if r[1] not in kept_apart.get(r[0], ()))
            answered_metrics: set[str] = set()
            if stands_in is not None:
                rows = self._without_lone_stand_ins(rows, stands_in, asked, emptied, scope)

            def noted(rows: Iterable[FigureRow]) -> Iterator[FigureRow]:
                for row in rows:  # a metric answered in a kept, fuller period too
                    answered_metrics.add(row[0])
                    yield row

            given = (
                row
                for row in noted(rows)
                if row[0] in collected and (not kept or (row[0], row[2]) not in kept)
            )
            count = written = 0
            seen: set[tuple[str, str]] = set()
            found = StoreChanges()
            for metric, units in left_out.items():
                periods_asked = [p for m, p in asked if m == metric]
                found.kept_left_out[metric] = {
                    unit: self._rows_in_periods(metric, periods_asked, under)
                    for unit, under in sorted(units.items())
                }
            for metric in sorted(held):
                gaps = [p for p in periods if (metric, p.id) in unheld]
                if gaps:
                    found.kept_unheld[metric] = self._unheld(metric, held[metric], gaps, scope)
            changed: list[tuple[str, str]] = []
            prints = self._fingerprints(collected)
            taken: dict[tuple[str, str], str | None] = {}

            def bring(pair: tuple[str, str], figures: list[FigureRow]) -> int:
                """Bring ``pair``'s stored rows to ``figures``; how many rows stand for
                them (their wholes added)."""
                nonlocal written
                metric, period = pair
                span, plugin = own_spans.get(metric, spans)[period], collected[metric]
                made = fingerprint(figures, (*span, plugin))
                if made is not None and prints.get(pair) == made:
                    # Stored as they were brought to these very figures.
                    return len(figures) + wholes_to_add(figures)
                put_back = made is not None and prints.get(pair) == EDITED + made
                rows_now = [
                    (metric, period, subject, cut, *span, value, numerator, denominator,
                     source, no_rows, plugin, run_id)
                    for _, subject, _, cut, value, numerator, denominator, source, no_rows
                    in rows_with_wholes(figures)
                ]  # fmt: skip
                stored = self._rows(STORED_SELECT, pair)
                apart = kept_apart.get(metric, frozenset())
                if scope is not None or apart:
                    stored = [
                        row for row in stored
                        if (scope is None or row[0] in scope) and row[0] not in apart
                    ]  # fmt: skip
                changes = period_changes(stored, rows_now)
                if (scope is not None or apart) and changes.whole:  # never rows not its own
                    changes = PeriodChanges(
                        changes.write, sorted({(row[0], row[1]) for row in stored}),
                        changed=changes.changed, gone=changes.gone,
                        cited_anew=changes.cited_anew, revised=changes.revised,
                    )  # fmt: skip
                if changes.any:
                    written += self._write_changes(pair, changes)
                    found.add(pair, changes, put_back=put_back)
                    changed.append(pair)
                if prints.get(pair) != made:
                    taken[pair] = made
                return len(rows_now)

            for pair, group in itertools.groupby(given, _pair_of_figure):
                if pair in seen:
                    raise ValueError(f"{pair}: rows must come grouped by metric and period")
                seen.add(pair)
                count += bring(pair, list(group))
            for metric in collected.keys() - answered_metrics - set(emptied):
                held_rows = self._rows_in_periods(
                    metric, [p for m, p in asked if m == metric], scope
                )
                if held_rows:
                    found.kept_unanswered[metric] = held_rows
            for pair in asked:
                if pair not in seen and pair[0] not in found.kept_unanswered:
                    bring(pair, [])  # nothing collected: whatever is stored is gone
            self._total_periods(changed)
            self._carry_totals(changed, spans)
            self._keep_fingerprints(taken)
            if found.revised:
                self._note_revised(run_id, found)
            landed = [metric for metric in collected if metric not in found.kept_unanswered]
            self._note_landed(run_id, landed, periods)
            if landed:
                self._note_stored_order(run_id)
        self.changes.include(found)
        # Put back: what this collect found as its source gave it before the edit, and
        # what it changed of the periods this opening found edited.
        back = found.put_back | (set(changed) & self._edits_taken_here)
        _PUT_BACK.extend((self.location, pair) for pair in sorted(back))
        self._wrote(written)
        return count

    def _unheld(
        self, metric: str, days: DaysHeld, gaps: Sequence[Period], scope: frozenset[str] | None
    ) -> UnheldPeriods:
        """The periods ``gaps`` of ``metric`` its source does not hold whole (``days``),
        told apart: before its first day or after, with figures stored or none."""
        from okrdesk.store.changes import UnheldPeriods

        marks = ", ".join("?" for _ in gaps)
        sql, params = _of_scope(
            "SELECT period, count(*) FROM observations WHERE metric = ? AND slice = '' "
            f"AND period IN ({marks})",
            [metric, *(p.id for p in gaps)], scope, self,
        )  # fmt: skip
        stored = {str(period): int(count) for period, count in self._rows(
            f"{sql} GROUP BY period", params)}  # fmt: skip
        before = [p.id for p in gaps if p.start < days.first]
        after = [p.id for p in gaps if p.start >= days.first]
        return UnheldPeriods(
            days.first, days.last,
            kept_before=tuple(p for p in before if p in stored),
            empty_before=tuple(p for p in before if p not in stored),
            kept_after=tuple(p for p in after if p in stored),
            empty_after=tuple(p for p in after if p not in stored),
            figures=sum(stored.values()),
        )  # fmt: skip

    def _left_out(
        self,
        collected: Mapping[str, str],
        asked: Sequence[tuple[str, str]],
        emptied: Collection[str],
        scope: frozenset[str] | None,
        groups: Mapping[str, frozenset[str]] | None,
        answered: Mapping[str, Collection[str]] | None,
    ) -> dict[str, dict[str, frozenset[str]]]:
        """Metric → each unit of ``groups`` (→ itself and everyone under it) given not one
        figure of the metric where others were, while figures other than zero are stored
        for it in the periods ``asked``: rows a source left out, kept (``replace_rows``)."""
        if not groups or answered is None:
            return {}
        found: dict[str, dict[str, frozenset[str]]] = {}
        for metric in sorted(collected.keys() - set(emptied)):
            given = answered.get(metric)
            if not given:  # none at all: the whole metric is unanswered, told as such
                continue
            periods = [p for m, p in asked if m == metric]
            for unit, under in groups.items():
                mine = under if scope is None else under & scope
                if (
                    mine
                    and mine.isdisjoint(given)
                    and self._figures_in_periods(metric, periods, mine)
                ):
                    found.setdefault(metric, {})[unit] = mine
        return found

    def _without_lone_stand_ins(
        self, rows: Iterable[FigureRow], stands_in: Callable[[FigureRow], bool],
        asked: Sequence[tuple[str, str]], emptied: Collection[str],
        scope: frozenset[str] | None = None,
    ) -> Iterator[FigureRow]:  # fmt: skip
        """``rows`` (a metric's together), less those of a metric not in ``emptied`` whose
        every row ``stands_in`` for none, where a figure other than zero is stored for it
        in the periods ``asked``: a source with no row at all where it had rows may be an
        export that came out empty, and the metric is left unanswered, as one given no
        row is. A metric's rows wait only until one of them is a figure."""
        for metric, run in itertools.groupby(rows, _metric_of_row):
            waiting: list[FigureRow] | None = []
            for row in run:
                if waiting is not None and stands_in(row):
                    waiting.append(row)
                    continue
                if waiting:
                    yield from waiting
                waiting = None
                yield row
            if waiting and (
                metric in emptied
                or not self._figures_in_periods(metric, [p for m, p in asked if m == metric], scope)
            ):
                yield from waiting

    def _figures_in_periods(
        self, metric: str, periods: Sequence[str], scope: frozenset[str] | None = None
    ) -> bool:
        """Whether a figure other than zero is stored for ``metric`` in ``periods``, of
        the subjects in ``scope`` where given: a ratio's, which stores its parts and no
        value, where either part is."""
        if not periods:
            return False
        marks = ", ".join("?" for _ in periods)
        sql, params = _of_scope(
            "SELECT 1 FROM observations WHERE metric = ? AND slice = '' AND (value <> 0 "
            f"OR numerator <> 0 OR denominator <> 0) AND period IN ({marks})",
            [metric, *periods], scope, self,
        )  # fmt: skip
        return self._one(f"{sql} LIMIT 1", params) is not None

    def _rows_in_periods(
        self, metric: str, periods: Sequence[str], scope: frozenset[str] | None = None
    ) -> int:
        """How many figures are stored for ``metric`` in ``periods`` (ids), wholes only,
        of the subjects in ``scope`` where given."""
        if not periods:
            return 0
        marks = ", ".join("?" for _ in periods)
        found = self._one(
            *_of_scope(
                "SELECT count(*) FROM observations WHERE metric = ? AND slice = '' "
                f"AND period IN ({marks})",
                [metric, *periods], scope, self,
            )
        )  # fmt: skip
        return int(found[0]) if found else 0

    @abstractmethod
    def _wrote(self, rows: int) -> None:
        """After a collect's write has committed: it wrote or deleted ``rows`` rows (for
        a backend that tidies up after many)."""

    def _fingerprints(self, collected: Mapping[str, str]) -> dict[tuple[str, str], str]:
        """(metric, period) → the fingerprint of its rows as the store last brought them
        to a collect, for the ``collected`` metrics."""
        return {
            (metric, period): kept
            for metric, period, kept in self._rows(
                "SELECT metric, period, fingerprint FROM collected_fingerprints "
                f"WHERE {self._member('metric')}",
                (self._members(collected),),
            )
        }

    def _keep_fingerprints(self, taken: Mapping[tuple[str, str], str | None]) -> None:
        """Inside the transaction that brought them to it: each (metric, period)'s new
        fingerprint, or none where its rows could not be fingerprinted."""
        self._write_many(
            "DELETE FROM collected_fingerprints WHERE metric = ? AND period = ?", list(taken)
        )
        self._write_many(
            "INSERT INTO collected_fingerprints (metric, period, fingerprint) VALUES (?, ?, ?)",
            [(*pair, now) for pair, now in taken.items() if now is not None],
        )

    def _carry_totals(
        self, changed: Sequence[tuple[str, str]], spans: Mapping[str, tuple[Any, ...]]
    ) -> None:
        """Inside the transaction that wrote them: the ``running_totals`` of each metric
        with a ``changed`` period, added up again from the first period it changed in
        each year (a weekly collect: its last two weeks, not the year) (``_total_years``)."""
        firsts: dict[tuple[str, str, str], str] = {}
        for metric, period in changed:
            _, end, grain, _ = spans[period]
            _first_of_year(firsts, (metric, grain, end[:4]), period)
        self._total_years(firsts)

    def _total_years(self, firsts: Mapping[tuple[str, str, str], str]) -> None:
        """Inside the transaction that wrote them: the ``running_totals`` of each (metric,
        grain, year) of ``firsts`` added up again from its first period given on, each
        subject's carried on from its row before that period; no other year's. Where the
        database adds up with a compensated sum, carrying on from a total would not give
        the last bit a sum from the year's start gives: the year is added up again whole."""
        if not self._sums_plainly():
            years = sorted(firsts)
            self._write_many(
                "DELETE FROM running_totals WHERE metric = ? AND grain = ? AND year = ?", years
            )
            self._write_many(
                f"{RUNNING_TOTALS_INSERT} WHERE metric = ? AND grain = ? "
                f"AND substr(period_end, 1, 4) = ? AND slice = '' {RUNNING_TOTALS_WINDOWS}",
                years,
            )
            return
        self._rows(
            "CREATE TEMP TABLE IF NOT EXISTS carried_totals AS "
            "SELECT * FROM running_totals WHERE FALSE"
        )
        for (metric, grain, year), first in sorted(firsts.items()):
            self._rows("DELETE FROM carried_totals")
            held = (metric, grain, year, first)
            self._rows(
                "INSERT INTO carried_totals SELECT * FROM running_totals WHERE metric = ? "
                "AND grain = ? AND year = ? AND next_period >= ? AND period < ?",
                (*held, first),
            )
            self._rows(
                "DELETE FROM running_totals WHERE metric = ? AND grain = ? AND year = ? "
                "AND next_period >= ?",
                held,
            )
            self._rows(CARRIED_TOTALS_INSERT, held)

    def _sums_plainly(self) -> bool:
        """Whether ``sum()`` adds floats one after another as they come (SQLite before
        3.43, PostgreSQL), so a total carried on from an earlier one is, to the last bit,
        the sum from the start; not where it compensates for rounding (SQLite 3.43 on)."""
        if self._plain_sums is None:
            found = self._one(
                "SELECT sum(x) FROM (SELECT CAST(1e100 AS DOUBLE PRECISION) AS x UNION ALL "
                "SELECT CAST(1 AS DOUBLE PRECISION) UNION ALL "
                "SELECT CAST(-1e100 AS DOUBLE PRECISION)) AS probe"
            )
            self._plain_sums = found is not None and found[0] == 0
        return self._plain_sums

    def _write_changes(self, pair: tuple[str, str], changes: PeriodChanges) -> int:
        """Inside the transaction: one period of a metric brought to what was collected;
        how many rows were deleted or written."""
        deleted = 0
        if changes.whole:
            deleted = self._write_many(
                "DELETE FROM observations WHERE metric = ? AND period = ?", [pair]
            )
        elif changes.drop:
            deleted = self._write_many(
                "DELETE FROM observations WHERE metric = ? AND period = ? AND subject = ? "
                "AND slice = ?",
                [(*pair, subject, cut) for subject, cut in changes.drop],
            )
        from okrdesk.store.changes import COLUMNS

        inserted = self._write_many(
            f"INSERT INTO observations ({COLUMNS}) VALUES ({', '.join('?' * 15)})",
            changes.write,
        )
        return deleted + inserted

    def _total_periods(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Inside the transaction that wrote them: ``period_totals`` of each (metric,
        period) of ``pairs`` added up again from the rows now stored, read along the
        primary key (the rows just written, in the order a scan of them adds them)."""
        self._write_many("DELETE FROM period_totals WHERE metric = ? AND period = ?", pairs)
        self._write_many(
            f"INSERT INTO period_totals {PERIOD_TOTALS_SELECT} WHERE metric = ? AND period = ? "
            f"AND slice = '' GROUP BY {PERIOD_TOTALS_GROUP}",
            pairs,
        )

    def total_every_period(self) -> None:
        """Inside a ``transaction``: ``period_totals`` and ``running_totals`` added up
        again from every stored row, after rows were loaded as they are
        (``load_rows``: a store copy)."""
        self._rows("DELETE FROM period_totals")
        self._rows(
            f"INSERT INTO period_totals {PERIOD_TOTALS_SELECT} WHERE slice = '' "
            f"GROUP BY {PERIOD_TOTALS_GROUP}"
        )
        self._rows("DELETE FROM running_totals")
        self._rows(f"{RUNNING_TOTALS_INSERT} WHERE slice = '' {RUNNING_TOTALS_WINDOWS}")
        # Loaded rows were never brought to a collect here: the next compares them.
        self._rows("DELETE FROM collected_fingerprints")
        self._rows(f"DELETE FROM {HAND_EDITS}")

    def _fuller_periods(
        self, collected: Mapping[str, str], partial: set[str], through: str | None,
        scope: frozenset[str] | None = None,
    ) -> set[tuple[str, str]]:  # fmt: skip
        """(metric, period) pairs among the ``partial`` periods whose stored rows (of
        the subjects in ``scope`` where given) cover more days than a collect through
        ``through``: complete, or partial through a later day."""
        if not partial or through is None:
            return set()
        found = self._rows(
            *_of_scope(
                "SELECT DISTINCT metric, period FROM observations WHERE "
                f"{self._member('metric')} AND {self._member('period')} "
                "AND (partial_through IS NULL OR partial_through > ?)",
                [self._members(collected), self._members(partial), through], scope, self,
            )
        )  # fmt: skip
        return {(metric, period) for metric, period in found}

    def count_observations(self) -> int:
        row = self._one("SELECT count(*) FROM observations")
        return int(row[0]) if row else 0

    def observations(
        self,
        *,
        metric: str | None = None,
        subjects: Iterable[str] | None = None,
        through: dt.date | None = None,
        grain: Grain | None = None,
        sliced: bool = False,
        since: dt.date | None = None,
    ) -> list[StoredObservation]:
        """Stored observations, filtered; ``through`` keeps periods that started by then,
        ``since`` those that end on or after it (a plan's own, not last year's kept for
        同比). Whole figures only, unless ``sliced`` asks for the slices beside them."""
        self._numbers_only()
        where: list[str] = [] if sliced else ["slice = ''"]
        params: list[Any] = []
        if grain is not None:
            where.append("grain = ?")
            params.append(grain.value)
        if metric is not None:
            where.append("metric = ?")
            params.append(metric)
        if subjects is not None:
            where.append(self._member("subject"))
            params.append(self._members(subjects))
        if through is not None:
            where.append("period_start <= ?")
            params.append(through.isoformat())
        if since is not None:
            where.append("period_end >= ?")
            params.append(since.isoformat())
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._rows(
            "SELECT metric, subject, period, value, numerator, denominator, source, "
            "period_start, period_end, plugin, run_id, partial_through, slice, no_rows "
            "FROM observations "
            # The key's period last: a week and a month that start on one day (2026-W01
            # and 2026-01) come in one order on both stores.
            f"{clause} ORDER BY metric, period_start, subject, slice, period",
            params,
        )
        return [
            StoredObservation(
                Observation(
                    r[0], r[1], r[2], r[3], r[4], r[5], r[6], slice_values(r[12]), bool(r[13])
                ),
                dt.date.fromisoformat(r[7]),
                dt.date.fromisoformat(r[8]),
                r[9],
                r[10],
                dt.date.fromisoformat(r[11]) if r[11] is not None else None,
            )
            for r in rows
        ]

    def observation_rows(self, *, sliced: bool = False) -> Iterator[Row]:
        """Every stored observation as its row (metric, subject, period, period_start,
        period_end, value, numerator, denominator, source, plugin, run_id, partial_through,
        slice, no_rows: 1 for a zero for no rows, else 0), in ``observations``' order, read
        a few at a time as they are taken (``streamed``): a firm's ten million are never all
        in memory at once. Whole figures only, unless ``sliced`` asks for the slices beside
        them."""
        clause = "" if sliced else "WHERE slice = '' "
        return self.streamed(
            "SELECT metric, subject, period, period_start, period_end, value, numerator, "
            "denominator, source, plugin, run_id, partial_through, slice, no_rows "
            f"FROM observations {clause}ORDER BY metric, period_start, subject, slice"
        )

    def _edge_period(self, over_time: str) -> str:
        """A subquery for the one period a ``last`` or ``first`` read takes, with four
        parameters (metric, grain, through, since); answered once, in the same statement.
        No period at all leaves ``period = NULL``, which matches no row."""
        order = "DESC" if over_time == "last" else "ASC"
        # Period ids sort by date within a grain, and lead the primary key after
        # the metric: this reads one index entry, not the metric's every row. The ids
        # of the periods holding the two days bound it (a later period starts after
        # the day, an earlier one ends before it): without them, a report as of last
        # month walked every subject's rows of the weeks since (_edge_params).
        return (
            "(SELECT period FROM observations WHERE metric = ? AND grain = ? "
            "AND period_start <= ? AND period_end >= ? AND period <= ? AND period >= ? "
            f"ORDER BY period {order} LIMIT 1)"
        )

    @staticmethod
    def _edge_params(
        metric: str, through: dt.date, grain: Grain, since: dt.date | None
    ) -> list[Any]:
        """``_edge_period``'s parameters: the span's, then the ids of the periods of
        ``grain`` holding ``through`` and ``since``."""
        first = "" if since is None else period_holding(since, grain).id
        return [metric, grain.value, through.isoformat(), _day_or_ever(since),
                period_holding(through, grain).id, first]  # fmt: skip

    @staticmethod
    def _span_params(
        metric: str, through: dt.date, grain: Grain, since: dt.date | None
    ) -> list[Any]:
        """(metric, grain, through, since): the parameters of a read's span of periods,
        and of its first or last period (``_edge_period``), in that order."""
        return [metric, grain.value, through.isoformat(), _day_or_ever(since)]

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
        """One column of one metric added up over time for each subject, in one query,
        over the periods that end on or after ``since`` (a plan's first day: an earlier
        year's periods kept in the same store stay out) and start by ``through``.

        With ``subjects`` only those are read, through the subject index, so one
        branch's figures cost the same in a firm's database as in its own.
        """
        if column not in ("value", "numerator", "denominator"):
            raise ValueError(f"not an observation column: {column}")
        if over_time == "sum":
            rows = self._over_time((column,), True, metric, through, over_time, grain,
                                   subjects, since)  # fmt: skip
            return {str(r[0]): (r[1], int(r[2])) for r in rows}
        # One period's rows: one observation each, so only the column is read (a firm's
        # stocks: a column costs Python's sqlite3 a fifth of what a row costs).
        rows = self._over_time((column,), True, metric, through, over_time, grain, subjects,
                               since, counted=False)  # fmt: skip
        return {subject: (number, 1) for subject, number in rows}

    def _over_time(
        self,
        columns: Sequence[str],
        whole: bool,
        metric: str,
        through: dt.date,
        over_time: str,
        grain: Grain,
        subjects: Iterable[str] | None,
        since: dt.date | None,
        *,
        counted: bool = True,
    ) -> Iterable[Row]:
        """``SELECT subject[, slice], Σ column..., observations`` of one metric's whole
        figure (``whole``) or of its slices, over the periods from ``since`` that start
        by ``through`` (or the first or last of them alone), by subject (and slice);
        without the observations where not ``counted`` and a first or last period is
        read (one each)."""
        keys = "subject" if whole else "subject, slice"
        summed = over_time == "sum"
        # One period holds one row per subject and slice (the primary key): a first or
        # last period is read as it is, with nothing to group (a firm's stocks: a
        # seventh of its report went on grouping single rows).
        wanted = (
            ", ".join([*(f"sum({c})" for c in columns), "count(*)"])
            if summed
            else ", ".join([*columns, "1"] if counted else columns)
        )
        params: list[Any] = []
        if subjects is None:
            sql = f"SELECT {keys}, {wanted} FROM observations WHERE 1 = 1"
        else:
            index = self._subject_index if whole else self._slices_index
            sql = (
                f"SELECT {keys}, {wanted} FROM observations {index}WHERE {self._member('subject')}"
            )
            params.append(self._members(subjects))
        sql += (f" AND metric = ? AND slice {'=' if whole else '>'} '' AND grain = ? "
                "AND period_start <= ? AND period_end >= ?")  # fmt: skip
        params += self._span_params(metric, through, grain, since)
        if summed:
            return self._rows(f"{sql} GROUP BY {keys}", params)
        sql += f" AND period = {self._edge_period(over_time)}"
        params += self._edge_params(metric, through, grain, since)
        # In the key's order, as a GROUP BY gave them: several slices of a subject are
        # added up in the order read (on SQLite the key's order costs no sort).
        return self._rows(f"{sql} ORDER BY {keys}", params)

    def sums_for_all(
        self,
        through: dt.date,
        grain: Grain,
        subjects: Iterable[str] | None = None,
        *,
        since: dt.date | None = None,
    ) -> dict[str, dict[str, tuple[float | None, float | None, float | None, int]]]:
        """Every metric's value, numerator and denominator summed over time for every
        subject (``sum_rows_at``): metric → subject → (value, numerator,
        denominator, observations). With ``subjects`` only those are read, through
        the subject index."""
        return self.sums_at((through,), grain, subjects, since=since)[through]

    def sums_at(
        self,
        days: Iterable[dt.date],
        grain: Grain,
        subjects: Iterable[str] | None = None,
        *,
        since: dt.date | None = None,
    ) -> dict[dt.date, dict[str, dict[str, tuple[float | None, float | None, float | None, int]]]]:
        """``sums_for_all`` through each of ``days`` (a report's date and a period earlier),
        read together (``sum_rows_at``): day → metric → subject → (value, numerator,
        denominator, observations)."""
        return {
            day: {
                metric: {
                    subject: (row[at.of("value")], row[at.of("numerator")],
                              row[at.of("denominator")], int(row[at.observations]))
                    for subject, row in by_subject.items()
                    if row[at.observations]
                }
                for metric, (by_subject, at) in rows.items()
                if any(row[at.observations] for row in by_subject.values())
            }
            for day, rows in self.sum_rows_at(days, grain, subjects, since=since).items()
        }  # fmt: skip

    def sum_rows_at(
        self,
        days: Iterable[dt.date],
        grain: Grain,
        subjects: Iterable[str] | None = None,
        *,
        since: dt.date | None = None,
        metrics: Mapping[str, Collection[str]] | None = None,
    ) -> dict[dt.date, SumRows]:
        """Every metric's value, numerator and denominator summed over time for every
        subject through each of ``days``: day → metric → (subject → row, and where the
        day's four columns are in its rows: Σ value, Σ numerator, Σ denominator,
        observations; a subject with no observations by a day has 0 there, and no sums,
        or no row). Each day has the very sums a read through it alone has.
        ``metrics``: those whose sums are wanted, each with the columns wanted of it
        (``SUM_COLUMNS``); the running totals of no other are read (a firm's stocks would
        be a third of them), nor other columns (their place is None); a scan may still
        add them up.

        The sums from ``since`` are read from ``running_totals``, two rows or so a
        subject and metric a day, where the running totals of ``since``'s year are those
        sums (``_running_totals_answer``): every subject's, or those of ``subjects`` alone,
        sought by the key (a branch in a firm's store: its 37 people's running totals, not
        their 35,000 rows). Else, and for ``subjects`` where the backend's scan of their
        rows answers more (``_subjects_summed_by_scan``), the rows are added up; those of
        ``subjects`` read through the subject index, their rows alone."""
        self._numbers_only()
        asked = sorted(set(days))
        if (
            (subjects is None or not self._subjects_summed_by_scan)
            and since is not None
            and self._running_totals_answer(grain, since, asked[-1])
        ):
            return self._running_sum_rows(asked, grain, since, metrics, subjects)
        return self._scanned_sum_rows(asked, grain, subjects, since)

    def _running_totals_answer(self, grain: Grain, since: dt.date, latest: dt.date) -> bool:
        """Whether the running totals of ``since``'s year hold the rows a read from
        ``since`` through ``latest`` adds up: none of the year's rows ends before
        ``since`` (a plan starting on the first day of the year), and none that starts
        by ``latest`` ends in a later year (a week across the new year)."""
        year = since.year
        found = self._one(
            "SELECT 1 FROM period_totals WHERE grain = ? AND ((period_end >= ? AND "
            "period_end < ?) OR (period_start <= ? AND period_end > ?)) LIMIT 1",
            (grain.value, dt.date(year, 1, 1).isoformat(), since.isoformat(),
             latest.isoformat(), dt.date(year, 12, 31).isoformat()),
        )  # fmt: skip
        return found is None

    def _running_sum_rows(
        self,
        asked: Sequence[dt.date],
        grain: Grain,
        since: dt.date,
        metrics: Mapping[str, Collection[str]] | None = None,
        subjects: Iterable[str] | None = None,
    ) -> dict[dt.date, SumRows]:
        """``sum_rows_at`` for every subject (of ``subjects``, where given) from the
        running totals of ``since``'s year: through a day, a metric's sums are each
        subject's running totals as of the metric's last period from ``since`` to start
        by that day, the row whose span holds that period (subject, the sums of the
        columns asked for, observations). Read as one snapshot of the store, so a
        metric's subjects are counted once for every day."""
        with self.reading():
            return self._running_sum_rows_read(asked, grain, since, metrics, subjects)

    def _running_sum_rows_read(
        self,
        asked: Sequence[dt.date],
        grain: Grain,
        since: dt.date,
        metrics: Mapping[str, Collection[str]] | None,
        subjects: Iterable[str] | None = None,
    ) -> dict[dt.date, SumRows]:
        members = None if subjects is None else self._members(subjects)
        year = f"{since.year:04d}"
        read: dict[dt.date, SumRows] = {}
        counted: dict[tuple[str, str, str], int] = {}
        for day in asked:
            rows: SumRows = {}
            following: dict[str, str] = dict(self._rows(
                "SELECT metric, min(period) FROM period_totals WHERE grain = ? "
                "AND period_start > ? AND period_end <= ? GROUP BY metric",
                (grain.value, day.isoformat(), f"{year}-12-31"),
            ))  # fmt: skip
            for metric, period in self._rows(
                "SELECT metric, max(period) FROM period_totals WHERE grain = ? "
                "AND period_start <= ? AND period_end >= ? GROUP BY metric",
                (grain.value, day.isoformat(), since.isoformat()),
            ):
                if metrics is None or metric in metrics:
                    held = (metric, grain.value, year)
                    columns = SUM_COLUMNS if metrics is None else metrics[metric]
                    rows[metric] = self._running_rows(held, period, following.get(metric),
                                                      columns, counted, members)  # fmt: skip
            read[day] = rows
        return read

    def _running_rows(
        self,
        held: tuple[str, str, str],
        period: str,
        following: str | None,
        columns: Collection[str] = SUM_COLUMNS,
        counted: dict[tuple[str, str, str], int] | None = None,
        members: Any = None,
    ) -> tuple[dict[str, Row], SumPlaces]:
        """Each subject's running totals of a metric, grain and year (``held``) as of
        ``period``: the row whose span holds it (subject, Σ of each of ``columns`` in
        the order of ``SUM_COLUMNS``, observations), and where each is in it.

        First the rows that end where the metric's next period (``following``) begins,
        or its latest rows where it has none: one range of the key, and each subject's
        answer where the subject has a row in that next period, which is everyone in
        the year where everyone reports every period (a firm's people, weekly). The
        same statement counts the subjects of the year; where some are missing (one
        who reported nothing in the next period, or who started later, or a collect
        that wrote a later period after ``following`` was read), every later row is
        looked through, as one statement: a report as of a week in spring read the
        rows of every week since, six weeks' rows to keep one's. ``counted``: the
        subjects of each metric, grain and year counted so far, in the same snapshot of
        the store; ``held``'s count is added where it is not among them. ``members``
        (``_members``): those subjects' rows alone, and only they counted."""
        read = [column for column in SUM_COLUMNS if column in columns]
        value, numerator, denominator = (
            read.index(c) + 1 if c in read else None for c in SUM_COLUMNS
        )
        places = SumPlaces(value, numerator, denominator, len(read) + 1)
        where = _RUNNING_WHERE
        held_params: tuple[Any, ...] = held
        if members is not None:
            where = f"{where} AND {self._member('subject')}"
            held_params = (*held, members)
        rows = _RUNNING_ROWS.format(columns=", ".join(read), where=where)
        count = _RUNNING_COUNT.format(nothing=", NULL" * len(read), where=where)
        counted = {} if counted is None else counted
        if held in counted:
            found = {row[0]: row for row in self._rows(
                f"{rows} AND next_period = ? AND period <= ?",
                (*held_params, following or "~", period),
            )}  # fmt: skip
        else:
            # A subject is never NULL: the one row keyed None is the count of subjects.
            found = {row[0]: row for row in self._rows(
                f"{rows} AND next_period = ? AND period <= ? UNION ALL {count} "
                "AND next_period = '~'",
                (*held_params, following or "~", period, *held_params),
            )}  # fmt: skip
            counted[held] = int(found.pop(None)[1])
        if len(found) < counted[held]:
            later = f"{rows} AND next_period > ? AND period <= ?"
            found = {row[0]: row for row in self._rows(later, (*held_params, period, period))}
        return found, places

    def _scanned_sum_rows(
        self,
        asked: Sequence[dt.date],
        grain: Grain,
        subjects: Iterable[str] | None,
        since: dt.date | None,
    ) -> dict[dt.date, SumRows]:
        """``sum_rows_at`` in one grouped scan of the rows through the latest day; each
        earlier day's sums add up the rows that started by it, one after another in the
        order of the scan, so each day has the very sums a scan through it alone reads."""
        latest = asked[-1]
        summed = ["sum(value), sum(numerator), sum(denominator), count(*)"]
        params: list[Any] = []
        for day in asked[:-1]:
            started = "period_start <= ?"
            summed.append(
                f"{self._sum_when(started, 'value')}, {self._sum_when(started, 'numerator')}, "
                f"{self._sum_when(started, 'denominator')}, {self._count_when(started)}"
            )
            params += [day.isoformat()] * 4
        where = "slice = '' AND grain = ? AND period_start <= ? AND period_end >= ?"
        index = ""
        if subjects is not None:
            index = self._subject_index
            where = f"{self._member('subject')} AND {where}"
            params.append(self._members(subjects))
        params += [grain.value, latest.isoformat(), _day_or_ever(since)]
        found: dict[str, dict[str, Row]] = {}
        for row in self._rows(
            f"SELECT metric, subject, {', '.join(summed)} "
            f"FROM observations {index}WHERE {where} GROUP BY subject, metric",
            params,
        ):
            if row[0] not in found:
                found[row[0]] = {}
            found[row[0]][row[1]] = row
        return laid_out(found, asked)

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
        """Per period ending on or after ``since``, the column summed over ``subjects``:
        (period end, total), in order; of the slice ``where`` (dimension → value) when
        given."""
        self._numbers_only()
        if column not in ("value", "numerator", "denominator"):
            raise ValueError(f"not an observation column: {column}")
        if where:
            return self._slice_series(metric, subjects, through, column, grain, where, since)
        return self._series_of_one_metric(metric, (column,), subjects, through, grain, since)[
            column
        ]

    def _series_of_one_metric(
        self,
        metric: str,
        columns: Sequence[str],
        subjects: Iterable[str],
        through: dt.date,
        grain: Grain,
        since: dt.date | None,
    ) -> dict[str, list[tuple[dt.date, float]]]:
        """``series`` of each of ``columns`` of one metric's whole figure, in one
        statement: a ratio's numerator and denominator are one read of its rows, not
        two."""
        if not set(columns) <= {"value", "numerator", "denominator"}:
            raise ValueError(f"not observation columns: {columns}")
        rows = self._rows(
            f"SELECT period_end, {', '.join(f'sum({c})' for c in columns)} FROM observations "
            f"{self._subject_index}WHERE metric = ? AND slice = '' "
            f"AND grain = ? AND period_start <= ? AND period_end >= ? "
            f"AND {self._member('subject')} {self._series_group} ORDER BY period_start",
            (
                metric,
                grain.value,
                through.isoformat(),
                _day_or_ever(since),
                self._members(subjects),
            ),
        )
        found: dict[str, list[tuple[dt.date, float]]] = {column: [] for column in columns}
        points = [found[column] for column in columns]
        for row in rows:
            end = dt.date.fromisoformat(row[0])
            for place, column_points in enumerate(points, start=1):
                column_points.append((end, float(row[place] or 0.0)))
        return found

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
        """``series`` of several metrics (whole figures) at once: ``columns`` names
        each metric's columns wanted; metric → column → [(period end, total)], in
        order. Where a statement costs a round trip, one statement answers them all;
        so it does where ``everyone`` says the subjects are most of those stored (a
        firm's top): the metrics' rows are read along the primary key, not sought
        subject by subject. ``top`` (implied by ``everyone``): the subjects are all
        of a plan's; where they are every subject stored, the totals the store keeps
        of each period answer, a few rows a metric."""
        self._numbers_only()
        subjects = list(subjects)
        if (top or everyone) and self._every_stored_subject_among(subjects):
            return self._series_of_period_totals(columns, through, grain, since)
        if not (self._many_metrics_at_once or everyone):
            return {
                metric: self._series_of_one_metric(metric, wanted, subjects, through, grain, since)
                for metric, wanted in columns.items()
            }
        rows = self._rows(
            "SELECT metric, period_end, sum(value), sum(numerator), sum(denominator) "
            f"FROM observations {self._key_order if everyone else self._subject_index}"
            f"WHERE {self._member('subject')} "
            f"AND {self._member('metric')} AND slice = '' AND grain = ? AND period_start <= ? "
            f"AND period_end >= ? GROUP BY metric, {self._series_group.removeprefix('GROUP BY ')} "
            "ORDER BY metric, period_start",
            (
                self._members(subjects),
                self._members(columns),
                grain.value,
                through.isoformat(),
                _day_or_ever(since),
            ),
        )
        return self._series_found(columns, rows)

    @staticmethod
    def _series_found(columns: Mapping[str, Sequence[str]], rows: Iterable[Row]) -> SeriesOfMetrics:
        """``series_of_metrics``'s answer from rows of (metric, period end, value,
        numerator, denominator), each metric's in period order."""
        found: SeriesOfMetrics = {
            metric: {column: [] for column in wanted} for metric, wanted in columns.items()
        }
        place = {"value": 2, "numerator": 3, "denominator": 4}
        days: dict[str, dt.date] = {}  # each metric has the same few dozen period ends
        for row in rows:
            end = days.get(row[1])
            if end is None:
                end = days[row[1]] = dt.date.fromisoformat(row[1])
            for column, points in found[row[0]].items():
                points.append((end, float(row[place[column]] or 0.0)))
        return found

    def _every_stored_subject_among(self, subjects: Iterable[str]) -> bool:
        """Whether every subject with a whole figure stored is one of ``subjects``: then
        each period's total over ``subjects`` is its total over everyone (``period_totals``).
        The stored subjects are found one seek of the subject index each, not by reading
        their rows, and no more of them than one past ``subjects``' count (both engines
        work out a recursive expression only as far as it is read)."""
        wanted = set(subjects)
        stored = self._skip_scan("stored", "subject", self._subject_index, "slice = ''")
        found = self._rows(
            f"WITH RECURSIVE {stored} SELECT subject FROM stored WHERE subject IS NOT NULL "
            f"LIMIT {len(wanted) + 1}"
        )
        return {str(row[0]) for row in found} <= wanted

    @staticmethod
    def _skip_scan(name: str, column: str, index: str = "", where: str = "TRUE") -> str:
        """A recursive common table expression ``name(column)`` of the distinct values of
        ``column`` among the rows ``where`` holds, in order and then one NULL, found one
        seek of an index led by ``column`` each: a skip scan, which neither SQLite's
        planner nor PostgreSQL's makes of ``SELECT DISTINCT``."""
        rows = f"FROM observations {index}WHERE {where}"
        first = f"SELECT {column} {rows} ORDER BY {column} LIMIT 1"
        step = f"SELECT {column} {rows} AND {column} > {name}.{column} ORDER BY {column} LIMIT 1"
        return (
            f"{name} ({column}) AS (SELECT ({first}) UNION ALL SELECT ({step}) FROM {name} "
            f"WHERE {name}.{column} IS NOT NULL)"
        )

    def _series_of_period_totals(
        self,
        columns: Mapping[str, Sequence[str]],
        through: dt.date,
        grain: Grain,
        since: dt.date | None,
    ) -> SeriesOfMetrics:
        """``series_of_metrics`` over everyone, from the totals the store keeps of each
        period (``period_totals``): a few rows per metric, not a scan of every row. In the
        key's order, which is the periods' within a grain: nothing to sort."""
        rows = self._rows(
            "SELECT metric, period_end, value, numerator, denominator FROM period_totals "
            f"WHERE {self._member('metric')} AND grain = ? AND period_start <= ? "
            "AND period_end >= ? ORDER BY metric, period",
            (self._members(columns), grain.value, through.isoformat(), _day_or_ever(since)),
        )
        return self._series_found(columns, rows)

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
        """``series_of_metrics``, read on a connection of its own in another thread while
        this one goes on (a firm report sums its figures meanwhile: two scans of the
        table at once, not one after the other); call the answer to wait for it. Its
        errors are raised there. Where no second connection can read what this one reads
        (none to open, or one that cannot share this one's ``reading``), it is read
        here, when asked."""
        self._numbers_only()
        subjects = list(subjects)

        def read(store: Store) -> SeriesOfMetrics:
            return store.series_of_metrics(
                columns, subjects, through, grain, since=since, everyone=everyone
            )

        opener = self._another()
        if opener is None:
            return lambda: read(self)
        found: list[SeriesOfMetrics] = []
        failed: list[BaseException] = []

        def aside() -> None:
            try:
                with opener() as other:
                    found.append(read(other))
            except BaseException as error:  # handed to the thread that asks for it
                failed.append(error)

        worker = threading.Thread(target=aside, name="okrdesk-trends", daemon=True)
        worker.start()

        def answer() -> SeriesOfMetrics:
            worker.join()
            if failed:
                raise failed[0]
            return found[0]

        return answer

    def _another(self) -> Callable[[], AbstractContextManager[Store]] | None:
        """How to open a second connection to the same database, for a read in another
        thread that sees what this one sees (inside ``reading``, the same state of the
        store); None where there is none to open."""
        return None

    def period_totals(
        self, metric: str, subjects: Iterable[str], periods: Iterable[str]
    ) -> dict[str, tuple[float | None, float | None, float | None, int]]:
        """For each of ``periods`` (ids) with data, the value, numerator and denominator
        summed over ``subjects``, and the rows added: what a window or a comparison
        reads (see engine/windows.py)."""
        rows = self._rows(
            "SELECT period, sum(value), sum(numerator), sum(denominator), count(*) "
            f"FROM observations {self._subject_index}WHERE metric = ? AND slice = '' "
            f"AND {self._member('period')} AND {self._member('subject')} GROUP BY period",
            (metric, self._members(periods), self._members(subjects)),
        )
        return {str(r[0]): (r[1], r[2], r[3], int(r[4])) for r in rows}

    def period_spans(
        self, metric: str, periods: Iterable[str]
    ) -> dict[str, tuple[dt.date, dt.date]]:
        """For each of ``periods`` (ids) stored for ``metric``, the first and last day it
        was stored over (a plan's first week cut at its first day): the days a
        comparison with it counts."""
        rows = self._rows(
            "SELECT period, period_start, period_end FROM period_totals WHERE metric = ? "
            f"AND {self._member('period')}",
            (metric, self._members(periods)),
        )
        return {str(r[0]): (dt.date.fromisoformat(r[1]), dt.date.fromisoformat(r[2]))
                for r in rows}  # fmt: skip

    def first_period_start(self, metric: str, grain: Grain) -> dt.date | None:
        """The first day of the earliest period of ``metric`` stored at ``grain``: how far
        back its collects have reached (a workspace started in July holds nothing of the
        first half of the year before it; a metric whose plugin came in July, nothing of
        the first half of that year, however far back the others reach)."""
        found = self._one(
            "SELECT min(period_start) FROM period_totals WHERE metric = ? AND grain = ?",
            (metric, grain.value),
        )
        return None if found is None or found[0] is None else dt.date.fromisoformat(found[0])

    def _slice_series(
        self,
        metric: str,
        subjects: Iterable[str],
        through: dt.date,
        column: str,
        grain: Grain,
        where: Mapping[str, str],
        since: dt.date | None,
    ) -> list[tuple[dt.date, float]]:
        rows = self._rows(
            f"SELECT period_start, period_end, slice, sum({column}) FROM observations "
            f"{self._slices_index}WHERE {self._member('subject')} AND metric = ? "
            "AND slice > '' AND grain = ? AND period_start <= ? AND period_end >= ? "
            "GROUP BY period_start, period_end, slice ORDER BY period_start",
            (
                self._members(subjects),
                metric,
                grain.value,
                through.isoformat(),
                _day_or_ever(since),
            ),
        )
        # A period split into slices, none of them this one, holds 0 of it, as the
        # figure reads it (Rollup.sliced): a stock's top tier left empty is a point at 0.
        totals: dict[str, float] = {}
        for _, end, text, total in rows:
            totals.setdefault(end, 0.0)
            if slice_matches(text, where):
                totals[end] += float(total or 0.0)
        return [(dt.date.fromisoformat(end), total) for end, total in totals.items()]

    collects_of: frozenset[str] | None = None
    """The ids of the units and people of the plan whose own figures and collects say how
    far a metric was collected (``read_collects_of``); None: every figure and collect, as
    in a store one plan collects."""

    def read_collects_of(self, units: frozenset[str] | None) -> None:
        self.collects_of = units

    def _of_the_collects(self, runs_id: str) -> tuple[str, tuple[Any, ...]]:
        """SQL (and its parameters) keeping the runs (``runs_id``: the runs table's id)
        of the plans of ``collects_of``; nothing where it is None. A run of a store older
        than schema 23 is left out there: its plan is not known, and another branch's
        collect through a later day read as this plan's (a branch behind read as having
        had no new clients since)."""
        if self.collects_of is None:
            return "", ()
        return (
            f" AND {runs_id} IN (SELECT id FROM runs WHERE {self._member('plan_unit')})",
            (self._members(self.collects_of),),
        )

    def _of_the_subjects(self, subject: str) -> tuple[str, tuple[Any, ...]]:
        """SQL (and its parameters) keeping the figures of ``collects_of``'s units and
        people, whichever collect stored them (a firm's, collecting for every branch);
        nothing where it is None."""
        if self.collects_of is None:
            return "", ()
        return f" AND {self._member(subject)}", (self._members(self.collects_of),)

    def edge_period(
        self, metric: str, over_time: str, through: dt.date, grain: Grain, since: dt.date | None
    ) -> str | None:
        """The one period a ``last`` or ``first`` read of ``metric`` takes up to
        ``through`` (a stock's latest level is that period's alone); None when none."""
        row = self._one(
            f"SELECT {self._edge_period(over_time)}",
            self._edge_params(metric, through, grain, since),
        )
        return None if row is None or row[0] is None else str(row[0])

    def latest_period_end(self, metric: str, grain: Grain) -> dt.date | None:
        """The end of the latest period with data for ``metric``."""
        mine, params = self._of_the_subjects("subject")
        row = self._one(
            f"SELECT period_end FROM observations WHERE metric = ? AND grain = ?{mine} "
            "ORDER BY period DESC LIMIT 1",
            (metric, grain.value, *params),
        )
        return None if row is None else dt.date.fromisoformat(row[0])

    def collected_through(self, metric: str, grain: Grain) -> dt.date | None:
        """The day the collect that stored ``metric``'s latest period read its sources
        through (a collect replaces every period it asks for, so that is its latest
        collect with any figure of it); None when unknown."""
        mine, params = self._of_the_subjects("observations.subject")
        row = self._one(
            "SELECT runs.through FROM observations JOIN runs ON runs.id = observations.run_id "
            f"WHERE observations.metric = ? AND observations.grain = ?{mine} "
            "ORDER BY observations.period DESC LIMIT 1",
            (metric, grain.value, *params),
        )
        return None if row is None or row[0] is None else dt.date.fromisoformat(str(row[0]))

    def landed_through(self, metric: str, grain: Grain) -> dt.date | None:
        """The day the latest collect that stored ``metric`` at ``grain`` read its sources
        through, by the runs' own record of what each stored (``Run.landed``), changed or
        not; None where no run noted it. Only the runs that name the metric are read, the
        latest first, and a record that does not read (a hand edit) is passed by."""
        written = json.dumps(metric)  # as _note_landed writes it
        pattern = "%" + "".join("\\" + c if c in "\\%_" else c for c in written) + "%"
        mine, params = self._of_the_collects("id")
        rows = self._rows(
            "SELECT through, landed FROM runs WHERE through IS NOT NULL AND landed LIKE ? "
            f"ESCAPE '\\'{mine} ORDER BY through DESC",
            (pattern, *params),
        )
        for through, landed in rows:
            try:
                grains = _landed(str(landed)) or {}
            except (ValueError, TypeError, AttributeError):
                continue
            if grain.value in grains.get(metric, ()):
                return dt.date.fromisoformat(str(through))
        return None

    def plugins_that_stored(self, metric: str) -> list[str]:
        """The plugins whose figures of ``metric`` are stored, by name."""
        rows = self._rows(
            "SELECT DISTINCT plugin FROM observations WHERE metric = ? ORDER BY plugin", (metric,)
        )
        return [str(row[0]) for row in rows]

    def figures_end(
        self, period: str, grain: Grain, metrics: Collection[str]
    ) -> dict[str, dt.date]:
        """Each of ``metrics`` stored for ``period`` → the last day its figures there
        count: the period's end, or the day a collect read it through when it was stored
        in part. A collect writes a metric's whole period from one run (``replace_rows``),
        so one row says it for all of them: a seek per metric, whatever the subjects."""
        rows = self._rows(
            "SELECT t.metric, (SELECT coalesce(o.partial_through, o.period_end) "
            "FROM observations o WHERE o.metric = t.metric AND o.period = t.period LIMIT 1) "
            f"FROM period_totals t WHERE {self._member('t.metric')} AND t.period = ? "
            "AND t.grain = ?",
            (self._members(metrics), period, grain.value),
        )
        return {str(m): dt.date.fromisoformat(str(end)) for m, end in rows if end is not None}

    def values_in_period(
        self, metric: str, period: str, subjects: Iterable[str] | None = None
    ) -> dict[str, tuple[Any, Any, Any]]:
        """Each subject's (value, numerator, denominator) for one metric and period; only
        ``subjects``' when given (a seek along the primary key for each: a branch's
        people read in a firm's store)."""
        return self.values_in_periods(metric, [period], subjects).get(period, {})

    def values_in_periods(
        self, metric: str, periods: Collection[str], subjects: Iterable[str] | None = None
    ) -> dict[str, dict[str, tuple[Any, Any, Any]]]:
        """``values_in_period`` of each of ``periods`` in one statement: period → subject
        → (value, numerator, denominator)."""
        sql = (
            "SELECT period, subject, value, numerator, denominator FROM observations "
            f"WHERE metric = ? AND {self._member('period')} AND slice = ''"
        )
        params: list[Any] = [metric, self._members(periods)]
        if subjects is not None:
            sql += f" AND {self._member('subject')}"
            params.append(self._members(subjects))
        found: dict[str, dict[str, tuple[Any, Any, Any]]] = {}
        for row in self._rows(sql, params):
            found.setdefault(str(row[0]), {})[str(row[1])] = (row[2], row[3], row[4])
        return found

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
        """Every slice of one metric, its value, numerator and denominator added up
        over time (``over_time``: ``sum``, or the ``last``/``first`` period alone) for
        each subject: (subject, slice, value, numerator, denominator, observations).

        With ``subjects`` it is one range read of the subject index per subject:
        one branch's breakdown for a year costs the same in a firm's database.
        """
        self._numbers_only()
        columns = ("value", "numerator", "denominator")
        rows = self._over_time(columns, False, metric, through, over_time, grain, subjects, since)
        return [(str(r[0]), str(r[1]), r[2], r[3], r[4], int(r[5])) for r in rows]

    def none_counted(
        self,
        metric: str,
        through: dt.date,
        grain: Grain,
        subjects: Iterable[str] | None = None,
        *,
        since: dt.date | None = None,
    ) -> set[str]:
        """The subjects every whole figure of whose of ``metric`` in the periods from
        ``since`` that start by ``through`` is a zero for no rows (``Observation.no_rows``):
        none of any slice of theirs was counted either."""
        rows = self._over_time(("no_rows",), True, metric, through, "sum", grain, subjects, since)
        return {str(r[0]) for r in rows if r[1] == r[2]}

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
        *,
        guard: Callable[[list[Checkin]], None] | None = None,
    ) -> int:
        """Add one check-in and return its id.

        ``guard`` is called with the standing check-ins of ``key_result`` for ``subject``
        as committed, inside the same write transaction as the insert, after every other
        writer of them, every ``move_unit`` of that key result's and every other guarded
        check-in of it under any subject has finished (as ``add_spend``'s is): what it
        counts or compares them with, and what it reads of that key result's check-ins
        under other unit ids, holds for the row it lets in. It refuses the check-in by
        raising."""
        if not math.isfinite(value):
            raise BadInput(
                Said(f"{value} is not a finite number; nothing was stored",
                     f"{value} 不是有限的数值；未保存任何内容")
            )  # fmt: skip
        with self._one_statement() if guard is None else self.transaction():
            if guard is not None:
                self._lock(f"checkins of {key_result}")
                self._lock(f"checkin {key_result} {subject}")
                guard(self.checkins(key_result, subject))
            return self._insert(
                "INSERT INTO checkins (key_result, subject, day, value, confidence, note, recorded,"
                " author) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (key_result, subject, day.isoformat(), value, confidence, note, now(), author),
            )

    def checkins(
        self,
        key_result: str | None = None,
        subject: str | None = None,
        *,
        withdrawn: bool = False,
        subjects: Iterable[str] | None = None,
    ) -> list[Checkin]:
        """Check-ins oldest first; the last one for a key result and subject counts.

        Withdrawn check-ins, and any value that is not a finite number, are
        left out unless ``withdrawn`` asks for the whole history. With
        ``subjects``, those made for one of them alone.
        """
        where: list[str] = []
        params: list[Any] = []
        if subjects is not None:
            where.append(self._member("subject"))
            params.append(self._members(subjects))
        if key_result is not None:
            where.append("key_result = ?")
            params.append(key_result)
        if subject is not None:
            where.append("subject = ?")
            params.append(subject)
        if not withdrawn:
            where.append(_STANDING)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._rows(f"{_CHECKINS} {clause} ORDER BY day, id", params)
        return [self._stored(checkin_of, r) for r in rows]

    def checkin_figures(
        self, key_result: str | None, subjects: Iterable[str], since: dt.date, through: dt.date
    ) -> list[CheckinFigure]:
        """The standing check-ins of ``subjects`` (of ``key_result`` alone when given) dated
        ``since`` to ``through``, oldest first, as a figure reads them. Their days are
        compared once read, not in SQL: a day okrdesk never writes is named, not passed by."""
        where, params = [self._member("subject"), _STANDING], [self._members(subjects)]
        if key_result is not None:
            where.append("key_result = ?")
            params.append(key_result)
        rows = self._rows(
            "SELECT id, key_result, subject, day, value FROM checkins WHERE "
            f"{' AND '.join(where)} ORDER BY day, id",
            params,
        )
        every = self._stored(checkin_figures_of, rows)
        return [figure for figure in every if since <= figure.day <= through]

    def checkin_authors(
        self, subjects: Iterable[str], key_results: Iterable[str], start: dt.date, end: dt.date
    ) -> dict[str, set[str]]:
        """Who made the standing check-ins of ``key_results`` dated ``start`` to ``end``
        (a plan's days) under each of ``subjects`` that has any."""
        rows = self._rows(
            "SELECT DISTINCT subject, author FROM checkins WHERE "
            f"{self._member('subject')} AND {self._member('key_result')} AND day >= ? AND "
            f"day <= ? AND {_STANDING}",
            (self._members(subjects), self._members(key_results), start.isoformat(),
             end.isoformat()),
        )  # fmt: skip
        found: dict[str, set[str]] = {}
        for subject, author in rows:
            found.setdefault(str(subject), set()).add(str(author or ""))
        return found

    def each_checkin(self) -> Iterator[Checkin]:
        """``checkins()``, read a few at a time as they are taken (``streamed``)."""
        rows = self.streamed(f"{_CHECKINS} WHERE {_STANDING} ORDER BY day, id")
        return map(functools.partial(self._stored, checkin_of), rows)

    def checkin(self, checkin_id: int) -> Checkin | None:
        """One check-in by id, withdrawn or not."""
        rows = self._rows(f"{_CHECKINS} WHERE id = ?", (checkin_id,))
        found = [self._stored(checkin_of, r) for r in rows]
        return found[0] if found else None

    def withdraw_checkin(self, checkin_id: int, by: str, reason: str) -> Checkin:
        """Mark a check-in withdrawn, keeping its row; refuse one already withdrawn."""
        with self.transaction():
            self._lock(f"checkin {checkin_id}")
            row = self._one("SELECT withdrawn FROM checkins WHERE id = ?", (checkin_id,))
            if row is None:
                raise BadInput(Said(
                    f"no check-in {checkin_id}; `okrdesk checkin --list KR` shows ids",
                    f"没有编号为 {checkin_id} 的打卡；`okrdesk checkin --list 关键结果` 可查看编号",
                ))  # fmt: skip
            if row[0] is not None:
                raise BadInput(Said(f"check-in {checkin_id} was already withdrawn on {row[0]}",
                                    f"编号 {checkin_id} 的打卡已于 {row[0]} 撤回"))  # fmt: skip
            self._rows(
                "UPDATE checkins SET withdrawn = ?, withdrawn_by = ?, withdraw_reason = ? "
                "WHERE id = ?",
                (now(), by, reason, checkin_id),
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
        plan_unit: str = "",
        plan_id: str = "",
    ) -> int:
        """Add one ledger entry, of the plan ``plan_id`` of ``plan_unit``, and return its id.

        ``guard`` is called with that plan's ledger as committed, inside the same
        write transaction as the insert, after every other writer of this line
        has finished, and every ``move_unit`` and other guarded check-in or
        entry (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: advisory locks on the
        line and on the ledger's unit ids): a check it makes (the breaker, what is kept under
        an old unit id) sees every entry before this one, and no other writer
        can slip an entry in between. It
        refuses the entry by raising, and returns the override reason to keep
        with it (None when no override was needed), which replaces
        ``override_reason``.
        """
        fen = amount * 100
        if fen != fen.to_integral_value():
            raise BadInput(Said(f"{amount}元 is not a whole number of fen (0.01元)",
                                f"金额须精确到分（0.01元），{amount}元 不符合"))  # fmt: skip
        with self.transaction():
            if guard is not None:
                self._lock(LEDGER_UNITS_LOCK)
            self._lock(f"spend {plan_unit} {line}")
            if guard is not None:
                override_reason = guard(self.spend(plan_unit=plan_unit))
            return self._insert(
                "INSERT INTO spend (line, day, amount_fen, signed_by, note, override_reason, "
                "recorded, reverses, plan_unit, plan_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (line, day.isoformat(), int(fen), json.dumps(list(signed_by), ensure_ascii=False),
                 note, override_reason, now(), reverses, plan_unit, plan_id),
            )  # fmt: skip

    def spend(
        self,
        line: str | None = None,
        *,
        plan_unit: str | None = None,
        units: Iterable[str] | None = None,
    ) -> list[SpendEntry]:
        """The ledger, oldest first: ``line``'s, and with ``plan_unit`` the entries of the
        plan of that unit alone (with those of a store older than schema 22, whose plan
        is not known); with ``units``, those recorded under one of them alone."""
        where: list[str] = []
        params: list[Any] = []
        if units is not None:
            where.append(self._member("plan_unit"))
            params.append(self._members(units))
        if line is not None:
            where.append("line = ?")
            params.append(line)
        if plan_unit is not None:
            where.append("plan_unit IN ('', ?)")
            params.append(plan_unit)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._rows(f"{_SPEND} {clause} ORDER BY day, id", params)
        return [self._stored(spend_of, r) for r in rows]

    def spend_counts(self, line: str | None = None) -> dict[str, int]:
        """How many entries (``line``'s) the ledger keeps under each unit id, counted
        without reading them: another plan's, in a store the firm shares, are its own."""
        clause, params = ("WHERE line = ?", (line,)) if line is not None else ("", ())
        rows = self._rows(f"SELECT plan_unit, count(*) FROM spend {clause} GROUP BY plan_unit",
                          params)  # fmt: skip
        return {str(unit): int(count) for unit, count in rows}

    def spend_unit_of(self, entry_id: int) -> str | None:
        """The unit id entry ``entry_id`` is kept under, read without reading the entry;
        None where the ledger has no such entry."""
        row = self._one("SELECT plan_unit FROM spend WHERE id = ?", (entry_id,))
        return None if row is None else str(row[0])

    def ledger_units(self, plan_id: str) -> set[str]:
        """The unit ids the ledger keeps entries under that the plan ``plan_id`` recorded
        (or a store older than schema 24, which kept no plan's id)."""
        rows = self._rows("SELECT DISTINCT plan_unit FROM spend WHERE plan_id IN ('', ?)",
                          (plan_id,))  # fmt: skip
        return {str(row[0]) for row in rows}

    def move_unit(
        self,
        old: str,
        new: str,
        *,
        top: str,
        lines: Iterable[str] | None,
        guard: Callable[[UnitHoldings], None],
    ) -> UnitHoldings:
        """Move what is kept under the unit id ``old`` to ``new``, in one write
        transaction: every check-in (withdrawn ones too), every figure but those ``new``
        holds for the same metric, period and slice (they stay under ``old``), and with
        ``lines`` (the plan's unit ``top`` renamed) the ledger's entries, each keeping the
        id it was first recorded under (``moved_from``) and when it was moved, and the
        collects that plan ran, which the report reads as its own by their unit. A figure
        keeps its collect (run, plugin, source). ``guard`` is called
        inside the transaction with what both ids hold, as committed, after every writer
        of those check-ins and ledger lines has finished, and refuses the move by raising;
        what it was shown is returned."""
        from okrdesk.store.unit_holdings import FigureClash, UnitHoldings

        moved_at = now()
        pair = (old, new)
        with self.transaction():
            held = self._rows(
                "SELECT DISTINCT key_result, subject FROM checkins WHERE subject IN (?, ?)", pair
            )
            held_pairs = sorted((str(k), str(s)) for k, s in held)
            for key_result in sorted({key_result for key_result, _ in held_pairs}):
                self._lock(f"checkins of {key_result}")
            for key_result, subject in held_pairs:
                self._lock(f"checkin {key_result} {subject}")
            if lines is not None:
                self._lock(LEDGER_UNITS_LOCK)
            for line in sorted(set(lines or ())):
                for unit in sorted(pair):
                    self._lock(f"spend {unit} {line}")
            every = self.checkins(withdrawn=True)
            ledger = self.spend() if lines is not None else []
            counted = self._one(
                "SELECT count(*), " + self._count_when("runs.plan_unit NOT IN ('', ?, ?)")
                + " FROM observations JOIN runs ON runs.id = observations.run_id "
                "WHERE observations.subject = ?",
                (old, top, old),
            )  # fmt: skip
            clashes = self._rows(
                "SELECT metric, period, slice FROM observations AS o WHERE subject = ? AND "
                "EXISTS (SELECT 1 FROM observations AS n WHERE n.subject = ? AND "
                "n.metric = o.metric AND n.period = o.period AND n.slice = o.slice) "
                "ORDER BY metric, period, slice",
                pair,
            )
            holdings = UnitHoldings(
                old, new,
                checkins_old=tuple(c for c in every if c.subject == old),
                checkins_new=tuple(c for c in every if c.subject == new),
                spend_old=tuple(e for e in ledger if e.plan_unit == old),
                spend_new=tuple(e for e in ledger if e.plan_unit == new),
                figures_old=int(counted[0]) if counted else 0,
                figures_of_others=int(counted[1] or 0) if counted else 0,
                figure_clashes=tuple(FigureClash(str(m), str(p), str(s)) for m, p, s in clashes),
                collects_old=sum(run.plan_unit == old for run in self.runs()) if lines is not None
                else 0,
            )  # fmt: skip
            guard(holdings)
            self._rows(
                "UPDATE checkins SET moved_from = CASE WHEN moved_from = '' THEN subject "
                "ELSE moved_from END, moved = ?, subject = ? WHERE subject = ?",
                (moved_at, new, old),
            )
            self._subjects_of_runs_renamed(old, new)
            if holdings.figures_old > len(holdings.figure_clashes):
                self._rows(
                    "UPDATE observations SET subject = ? WHERE subject = ? AND NOT EXISTS "
                    "(SELECT 1 FROM observations AS n WHERE n.subject = ? AND "
                    "n.metric = observations.metric AND n.period = observations.period AND "
                    "n.slice = observations.slice)",
                    (new, old, new),
                )
                # Each subject's running totals, as they are filled from its rows.
                self._rows("DELETE FROM running_totals WHERE subject IN (?, ?)", pair)
                self._rows(
                    f"{RUNNING_TOTALS_INSERT} WHERE slice = '' AND subject IN (?, ?) "
                    f"{RUNNING_TOTALS_WINDOWS}",
                    pair,
                )
            if holdings.spend_old:
                self._rows(
                    "UPDATE spend SET moved_from = CASE WHEN moved_from = '' THEN plan_unit "
                    "ELSE moved_from END, moved = ?, plan_unit = ? WHERE plan_unit = ?",
                    (moved_at, new, old),
                )
            if holdings.collects_old:
                self._rows(
                    "UPDATE runs SET moved_from = CASE WHEN moved_from = '' THEN plan_unit "
                    "ELSE moved_from END, plan_unit = ? WHERE plan_unit = ?",
                    (new, old),
                )
        return holdings

    def _subjects_of_runs_renamed(self, old: str, new: str) -> None:
        """Each collect's ``subjects`` (whose figures it replaced) naming ``old`` names
        ``new`` instead: the same unit, whose figures it still speaks for."""
        # Those whose JSON text holds the id as start_run wrote it (a firm's name thousands).
        quoted = json.dumps(old, ensure_ascii=False)
        like = "%" + quoted.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"
        rows = self._rows("SELECT id, subjects FROM runs WHERE subjects LIKE ? ESCAPE '!'", (like,))
        changed = []
        for run_id, ids in map(functools.partial(self._stored, subjects_noted), list(rows)):
            if old in ids:
                ids = (ids - {old}) | {new}
                changed.append((json.dumps(sorted(ids), ensure_ascii=False), run_id))
        if changed:
            self._write_many("UPDATE runs SET subjects = ? WHERE id = ?", changed)

    def each_spend(self) -> Iterator[SpendEntry]:
        """``spend()``, read a few at a time as they are taken (``streamed``)."""
        return map(
            functools.partial(self._stored, spend_of), self.streamed(f"{_SPEND} ORDER BY day, id")
        )

    def _stored(self, read: Callable[[R], T], row: R) -> T:
        """``read(row)``, or where the row holds a value okrdesk never writes, a message
        naming the store, the table, the row and the column."""
        try:
            return read(row)
        except UnreadableValue as odd:
            shown = printable(repr(odd.value))[:80]
            if self.unlike_made():
                # A column's type changed by hand: ``changed_by_hand`` says which, and
                # how to change it back, for the error this is.
                raise TypeError(f"{odd.table}.{odd.column} holds {shown}") from None
            why = odd.why or Said("", "")
            raise BadInput(Said(
                f"{self.location}: {odd.table} row {odd.row}: {odd.column} holds {shown}, "
                f"which okrdesk never writes{why.en}: the database was changed by hand, by "
                "other software or by an older okrdesk. Correct or delete that row, or "
                "restore the database from a backup; nothing was changed.",
                f"{self.location}：{odd.table} 表第 {odd.row} 行：{odd.column} 的值是 {shown}，"
                f"okrdesk 从不写入这样的值{why.zh}：数据库被手工、其他软件或旧版 okrdesk "
                "改动过。请更正或删除这一行，或从备份恢复数据库；未改动任何内容。",
            )) from None  # fmt: skip

    # ------------------------------------------------------------- checks

    def _numbers_only(self) -> None:
        """Refuse to read figures from a store whose observations hold a value that is no
        number (text put in by hand: SQLite keeps it, and adds it up as 0), naming its
        row; asked once a store, before the first figure is read."""
        if getattr(self, "_only_numbers", False):
            return
        found = self._first_unsummable()
        if found is not None:
            odd = holds_no_number(found)
            raise BadInput(Said(
                f"{self.location}: {odd.en}: a figure that is no number would be added up as "
                "0. The database was changed by hand or by other software. Correct or delete "
                "that row, or restore the database from a backup; nothing was changed.",
                f"{self.location}：{odd.zh}：不是数字的数会被当作 0 相加。数据库被手工或其他"
                "软件改动过。请更正或删除这一行，或从备份恢复数据库；未改动任何内容。",
            ))  # fmt: skip
        self._only_numbers = True

    def take_hand_edits(self) -> None:
        """Where observations were written by other software since okrdesk last wrote
        them (a row corrected or deleted in a database browser, noted by the store's
        triggers in ``hand_edits``): the totals of their periods added up again from the
        rows as they now are (the running totals of the years those periods were in and
        are in, from the first of them on, as a collect's are), and the fingerprints of
        those periods marked ``EDITED``, so that the report's figures are the sums of the
        rows explain lists and the next collect compares those rows with what it
        collected (figures that come back as they were before are put back, not revised).
        Said once the command has run (``hand_edits_taken``). Left for later while a
        figure is no number: reading one refuses it, naming its row, and its correction
        is a hand edit too."""
        if self._one(f"SELECT 1 FROM {HAND_EDITS} LIMIT 1") is None:
            return
        if self._first_unsummable() is not None:
            return
        self._refuse_periods_told_apart()
        with self.transaction():
            pairs = self._noted_edits_taken()
            # The years of each period as its totals held it before the edit and as its
            # rows hold it now (its dates may have been changed by hand): no other's.
            firsts: dict[tuple[str, str, str], str] = {}
            held = self._years_of_periods(pairs)
            self._total_periods(pairs)
            for metric, grain, year, period in held | self._years_of_periods(pairs):
                _first_of_year(firsts, (metric, grain, year), period)
            self._total_years(firsts)
            # The next collect reads these periods' rows again; one that gives the figures
            # they were brought to before puts them back, which is no restatement.
            self._write_many(
                "UPDATE collected_fingerprints SET fingerprint = ? || fingerprint "
                "WHERE metric = ? AND period = ? AND fingerprint NOT LIKE ?",
                [(EDITED, metric, period, f"{EDITED}%") for metric, period in pairs],
            )
        if pairs:
            _EDITS_TAKEN.append((self.location, pairs))
            self._edits_taken_here = frozenset(pairs)

    def _years_of_periods(self, pairs: Sequence[tuple[str, str]]) -> set[tuple[str, str, str, str]]:
        """(metric, grain, year, period) of each (metric, period) of ``pairs`` that
        ``period_totals`` holds, the year its period ends in."""
        if not pairs:
            return set()
        asked = set(pairs)
        found = self._rows(
            "SELECT metric, grain, period_end, period FROM period_totals "
            f"WHERE {self._member('metric')} AND {self._member('period')}",
            (self._members(m for m, _ in pairs), self._members(p for _, p in pairs)),
        )
        return {
            (str(metric), str(grain), str(end)[:4], str(period))
            for metric, grain, end, period in found
            if (metric, period) in asked
        }

    def _refuse_periods_told_apart(self) -> None:
        """A period's whole figures edited by hand into two spans (its id changed, not its
        dates, or the other way round) cannot be added up as one period: refused, naming
        the rows, until one is corrected or deleted, before anything is written."""
        found = self._periods_told_apart(noted_only=True)
        if found is None:
            return
        named, shown = found
        raise BadInput(Said(
            f"{self.location}: the rows of {named} were changed outside okrdesk into periods "
            f"of different dates ({shown}), which cannot be added up as one: correct the "
            "period, or the dates, of that row of observations, or delete it. Nothing was "
            "changed.",
            f"{self.location}：{named} 的行在 okrdesk 之外被改成了日期不同的周期（{shown}），"
            "无法作为同一周期合计：请更正 observations 中那一行的周期或日期，或删除该行。"
            "未改动任何内容。",
        ))  # fmt: skip

    def periods_told_apart(self) -> Said | None:
        """Where two whole figures of one metric and period are of different spans (a row
        moved by hand to another period but not its dates, or the other way round, before
        okrdesk noted hand edits, or with its note deleted), which a copy cannot add up as
        one period: what to correct, naming the rows; None where there is none. A scan of
        every whole figure: asked once a copy has failed, to say why."""
        found = self._periods_told_apart(noted_only=False)
        if found is None:
            return None
        named, shown = found
        return Said(
            f"{self.location}: the rows of {named} are of periods of different dates "
            f"({shown}), which cannot be added up as one period: a row was moved outside "
            "okrdesk to another period but not to its dates, or the other way round. "
            f"In {self.location}, correct the period, or the dates, of that row of "
            "observations, or delete it, and copy again. Nothing was copied.",
            f"{self.location}：{named} 的行属于日期不同的周期（{shown}），无法作为同一周期"
            "合计：有一行在 okrdesk 之外被移到了另一个周期而日期未改，或者反过来。"
            f"请在 {self.location} 中更正 observations 中那一行的周期或日期，或删除该行，"
            "然后再复制。未复制任何内容。",
        )

    def _periods_told_apart(self, *, noted_only: bool) -> tuple[str, str] | None:
        """The first metric and period whose whole figures are of different spans, among
        those noted as edited by hand (``noted_only``) or all: (its name, each span with a
        subject of it), printable; None where every period is of one span."""
        noted = (
            f"JOIN {HAND_EDITS} h ON h.metric = o.metric AND h.period = o.period "
            if noted_only
            else ""
        )
        apart = self._one(
            f"SELECT o.metric, o.period FROM observations o {noted}WHERE o.slice = '' "
            "GROUP BY o.metric, o.period HAVING count(DISTINCT o.grain || ' ' || "
            "o.period_start || ' ' || o.period_end) > 1 LIMIT 1"
        )
        if apart is None:
            return None
        metric, period = str(apart[0]), str(apart[1])
        spans = [
            f"{printable(str(subject))}: {grain} {start} – {end}"
            for subject, grain, start, end in self._rows(
                "SELECT min(subject), grain, period_start, period_end FROM observations "
                "WHERE metric = ? AND period = ? AND slice = '' "
                "GROUP BY grain, period_start, period_end ORDER BY 3, 4, 2",
                (metric, period),
            )
        ]
        return f"{printable(metric)} {printable(period)}", "; ".join(spans)

    def _noted_edits_taken(self) -> list[tuple[str, str]]:
        """Inside the transaction that adds them up: the (metric, period) pairs noted in
        ``hand_edits``, their notes deleted (where no other writer can note one between
        the read and the delete: SQLite's write transaction excludes every other)."""
        pairs = self._hand_edits_waiting()
        self._rows(f"DELETE FROM {HAND_EDITS}")
        return pairs

    def _hand_edits_waiting(self) -> list[tuple[str, str]]:
        """The (metric, period) pairs other software changed that were not added up
        again yet (a read-only store cannot)."""
        return sorted(
            (str(metric), str(period))
            for metric, period in self._rows(f"SELECT metric, period FROM {HAND_EDITS}")
        )

    @abstractmethod
    def _first_unsummable(self) -> tuple[str, str, str, str, str, object] | None:
        """The first observation with a value, numerator or denominator that is no number:
        (metric, period, subject, slice, column, value); None when there is none."""

    @abstractmethod
    def integrity_ok(self) -> bool: ...

    def streamed(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Row]:
        """The rows of one read, taken from the database a batch at a time as the caller
        takes them, not all at once (SQLite's cursor steps through them; a backend that
        reads whole results overrides this). Nothing else may run on the store until
        the last row has been taken."""
        # The cursor itself, not a generator over it: a generator left unfinished (a reader
        # that stopped, a closed pipe) closes the cursor when it is collected, after the
        # store itself, and fails there.
        return iter(self._rows(sql, params))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run a read query in the backend's own SQL; for checks and tests."""
        return [tuple(r) for r in self._rows(sql, params)]

    # ------------------------------------------------------ whole tables

    @abstractmethod
    def columns(self, table: str) -> list[str]:
        """The columns of one of okrdesk's tables, in order."""

    def unlike_made(self) -> list[Said]:
        """What okrdesk's tables lack of what this okrdesk's migrations made them with (a
        table or column dropped or renamed by hand), and what the opening's look finds
        changed by hand since (``_changed_by_hand``: a column's type or NOT NULL, a column
        added, row security turned on), each said with its way back; empty where they are
        as made. Asked where a command failed on a store it opened whole, and by `store
        upgrade` once it has upgraded a store."""
        found: list[Said] = []
        for table, made in tables_as_made().items():
            if table in self._not_made_here:
                continue
            there = self._column_types(table)
            if not there:
                found.append(Said(f"no table {table}", f"没有 {table} 表"))
                continue
            found.extend(
                Said(f"no column {table}.{column}", f"{table} 表没有 {column} 列")
                for column in made
                if column not in there
            )
        return [*found, *self._changed_by_hand()]

    @abstractmethod
    def _changed_by_hand(self) -> list[Said]:
        """What the look the opening refuses a store for finds changed by hand in okrdesk's
        tables now (``ChangedByHand.told``): the one rule of both."""

    @abstractmethod
    def _type_unlike(self, table: str, column: str, found: str) -> Said | None:
        """``table.column``, one of okrdesk's, found of type ``found`` (as ``_column_types``
        gives it): None where that is the type okrdesk makes it, else said with its way
        back. The one rule of the opening's look and of ``unlike_made``."""

    def _column_types(self, table: str) -> dict[str, str]:
        """The columns of ``table`` → their types as the database names them; empty where
        there is no such table."""
        return dict.fromkeys(self.columns(table), "")

    def table_rows(self, table: str, columns: Sequence[str]) -> Iterator[Row]:
        """Every row of ``table``, in primary-key order (for copying a store)."""
        if table not in TABLES:
            raise ValueError(f"not an okrdesk table: {table}")
        order = "metric, period, subject, slice" if table == "observations" else "id"
        for row in self._rows(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}"):
            yield tuple(row)

    def load_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Insert rows as they are, ids included; inside a ``transaction``."""
        if table not in TABLES:
            raise ValueError(f"not an okrdesk table: {table}")
        marks = ", ".join("?" for _ in columns)
        return self._write_many(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
        )

    def empty_tables(self) -> None:
        """Delete every row of every table; inside a ``transaction``."""
        self._rows("DELETE FROM period_totals")
        self._rows("DELETE FROM running_totals")
        self._rows("DELETE FROM collected_fingerprints")
        self._rows(f"DELETE FROM {HAND_EDITS}")
        for table in reversed(TABLES):
            self._rows(f"DELETE FROM {table}")

    @abstractmethod
    def after_load(self) -> None:
        """Inside the loading transaction: let new ids follow the loaded ones."""

    def refuses_load(self) -> Said | None:
        """Why this store's connection cannot take a copy (``load_rows`` … ``after_load``),
        asked before anything is read or written; None when it can."""
        return None

    def table_check(self, table: str) -> tuple[int, tuple[float, ...]]:
        """(rows, sums of the table's ``SUMMED`` columns) of one table."""
        sums = ", ".join(f"sum({column})" for column in SUMMED[table])
        row = self._one(f"SELECT count(*), {sums} FROM {table}")
        assert row is not None
        return int(row[0]), tuple(float(value or 0) for value in row[1:])
