"""Metrics defined in okrdesk.toml as one SQL SELECT over CSV files or an SQLite file.

For managers who do not write Python::

    [sources.sql]
    tables = { salons = "data/salons.csv" }   # each CSV file becomes a table
    # database = "data/crm.sqlite"            # or query an SQLite file, read-only

    [[sources.sql.metrics]]
    name = "salon_attendees"
    label_en = "Salon attendees"
    label_zh = "沙龙参会人数"
    kind = "flow"
    unit = "人"
    query = "SELECT cm_id AS subject, date AS day, attendees AS value FROM salons"

A query returns ``subject`` and either ``period`` (an id such as 2026-W03)
or ``day`` (YYYY-MM-DD, which okrdesk puts into periods), and ``value`` or
``numerator`` and ``denominator``. It may use the parameters ``:start``,
``:end`` and ``:through``. Anything but one SELECT is refused, and the
connection can only read.

Every file named (the database, each table) must lie inside the workspace,
after following symbolic links, unless it lies inside a folder listed in
``allow_outside_workspace``. An SQLite file is opened read-only and immutable,
so nothing, not even a ``-wal`` or ``-shm`` file, is written beside it. One
broken metric fails alone, named with its table, row and column; messages
never quote the files' contents.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import math
import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from okrdesk.errors import printable
from okrdesk.model import Direction, MetricKind, MetricSpec, OverTime
from okrdesk.plugins.hookspecs import CollectRequest, Emit, hookimpl
from okrdesk.units import UNITS

_METRIC_KEYS = {
    "name", "label_en", "label_zh", "kind", "unit", "direction", "description", "query",
    "numerator_over_time", "denominator_over_time", "revenue",
}  # fmt: skip
ALLOW_OUTSIDE = "allow_outside_workspace"
_SETTINGS_KEYS = {"tables", "database", "metrics", ALLOW_OUTSIDE}
_LEADING_COMMENTS = re.compile(r"^(\s+|--[^\n]*\n?|/\*.*?\*/)*", re.DOTALL)
_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

_ALLOWED_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION}
_ALLOWED_ACTIONS.add(getattr(sqlite3, "SQLITE_RECURSIVE", 33))


class SqlMetricError(ValueError):
    """A mistake in a SQL metric's definition or query."""


def check_query(query: str) -> None:
    """Refuse anything that is not a single SELECT (or WITH ... SELECT)."""
    body = _LEADING_COMMENTS.sub("", query, count=1)
    first = body.split(None, 1)[0].upper() if body.strip() else ""
    if first not in {"SELECT", "WITH"}:
        raise SqlMetricError(f"only a SELECT query is allowed, not {first or 'an empty query'}")
    if not sqlite3.complete_statement(body.rstrip().rstrip(";") + ";"):
        raise SqlMetricError("the query is not a complete SQL statement")


class _Authorizer:
    """Lets a query read and nothing else, and notes which tables it read."""

    def __init__(self) -> None:
        self.tables: set[str] = set()

    def __call__(self, action: int, table: object, *args: object) -> int:
        if action not in _ALLOWED_ACTIONS:
            return sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_READ and isinstance(table, str):
            self.tables.add(table)
        return sqlite3.SQLITE_OK

    def read(self) -> str:
        return ", ".join(sorted(self.tables)) or "no table"


def _definition(index: int, raw: object) -> MetricSpec:
    where = f"sources.sql.metrics[{index}]"
    if not isinstance(raw, Mapping):
        raise SqlMetricError(f"{where}: expected a table")
    unknown = set(raw) - _METRIC_KEYS
    if unknown:
        raise SqlMetricError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    for key in ("name", "kind", "unit", "query"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise SqlMetricError(f"{where}.{key}: missing; expected a string")
    name = raw["name"]
    try:
        kind = MetricKind(raw["kind"])
        direction = Direction(raw.get("direction", "at_least"))
        over = [OverTime(raw.get(f"{p}_over_time", "sum")) for p in ("numerator", "denominator")]
    except ValueError as error:
        raise SqlMetricError(f"{where} ({name}): {error}") from None
    if raw["unit"] not in UNITS:
        raise SqlMetricError(f"{where}.unit: unknown unit {raw['unit']!r}")
    revenue = raw.get("revenue", False)
    if not isinstance(revenue, bool):
        raise SqlMetricError(f"{where}.revenue: expected true or false, got {revenue!r}")
    check_query(raw["query"])
    return MetricSpec(
        name=name,
        label_en=str(raw.get("label_en", name)),
        label_zh=str(raw.get("label_zh", name)),
        kind=kind,
        unit=UNITS[raw["unit"]],
        direction=direction,
        description=str(raw.get("description", "")) or f"SQL: {' '.join(raw['query'].split())}",
        numerator_over_time=over[0],
        denominator_over_time=over[1],
        revenue=revenue,
    )


def _definitions(settings: Mapping[str, Any]) -> tuple[list[tuple[MetricSpec, str]], list[str]]:
    """The sound metric definitions, and a message for each broken one: one broken
    definition never takes the others with it."""
    unknown = set(settings) - _SETTINGS_KEYS
    if unknown:
        raise SqlMetricError(f"sources.sql: unknown keys {', '.join(sorted(unknown))}")
    raw = settings.get("metrics", [])
    if not isinstance(raw, list):
        raise SqlMetricError(
            "sources.sql.metrics: expected an array of tables [[sources.sql.metrics]]"
        )
    found: list[tuple[MetricSpec, str]] = []
    broken: list[str] = []
    for index, item in enumerate(raw):
        try:
            found.append((_definition(index, item), item["query"]))
        except SqlMetricError as error:
            broken.append(str(error))
    return found, broken


@hookimpl
def okrdesk_metrics(register: Callable[[MetricSpec], None], settings: Mapping[str, Any]) -> None:
    found, broken = _definitions(settings)
    for spec, _ in found:
        register(spec)
    if broken:
        raise SqlMetricError("; ".join(broken))


def _allowed_folders(settings: Mapping[str, Any], workspace: Path) -> list[Path]:
    raw = settings.get(ALLOW_OUTSIDE, [])
    if not isinstance(raw, list) or not all(isinstance(f, str) and f for f in raw):
        raise SqlMetricError(f"sources.sql.{ALLOW_OUTSIDE}: expected an array of folder paths")
    return [(workspace / f).expanduser().resolve() for f in raw]


def confined(workspace: Path, written: str, key: str, allowed: Sequence[Path]) -> Path:
    """The file ``written`` in setting ``key``, resolved (symbolic links too), refused
    unless it lies inside the workspace or a folder of ``allow_outside_workspace``."""
    path = (workspace / written).expanduser().resolve()
    inside = [workspace.resolve(), *allowed]
    if not any(path.is_relative_to(folder) for folder in inside):
        raise SqlMetricError(
            f"{key}: {printable(written)[:200]} lies outside the workspace; okrdesk reads "
            f"files elsewhere only from folders listed in sources.sql.{ALLOW_OUTSIDE}"
        )
    if not path.is_file():
        raise SqlMetricError(f"{key}: no file {printable(written)[:200]}")
    return path


@attrs.define
class _Source:
    """The read-only connection the queries run on, and the tables that failed to load."""

    connection: sqlite3.Connection
    described: str
    authorizer: _Authorizer
    broken_tables: dict[str, str] = attrs.Factory(dict)


def _connect(settings: Mapping[str, Any], workspace: Path) -> _Source:
    database, tables = settings.get("database"), settings.get("tables", {})
    if database is not None and tables:
        raise SqlMetricError("sources.sql: give either database or tables, not both")
    if not isinstance(tables, Mapping):
        raise SqlMetricError("sources.sql.tables: expected a table of name = file")
    allowed = _allowed_folders(settings, workspace)
    broken: dict[str, str] = {}
    if database is not None:
        path = confined(workspace, str(database), "sources.sql.database", allowed)
        # immutable: SQLite then takes no lock and writes no -wal or -shm file beside it.
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
        described = path.name
    else:
        connection = sqlite3.connect(":memory:")
        for name, file in tables.items():
            try:
                _load_csv(connection, name, workspace, str(file), allowed)
            except SqlMetricError as error:
                broken[str(name)] = str(error)
        described = ", ".join(Path(str(f)).name for f in tables.values()) or "no tables"
    connection.execute("PRAGMA query_only = ON")
    authorizer = _Authorizer()
    connection.set_authorizer(authorizer)
    return _Source(connection, described, authorizer, broken)


def _load_csv(
    connection: sqlite3.Connection, name: str, workspace: Path, file: str, allowed: list[Path]
) -> None:
    import sqlite_utils
    from sqlite_utils.utils import Format, TypeTracker, rows_from_file

    if not _TABLE_NAME.match(name):
        raise SqlMetricError(
            f"sources.sql.tables: {printable(name)[:80]!r} is not a usable table name"
        )
    path = confined(workspace, file, f"sources.sql.tables.{name}", allowed)
    tracker = TypeTracker()
    try:
        with path.open("rb") as handle:
            rows, _ = rows_from_file(handle, Format.CSV)
            database = sqlite_utils.Database(connection)
            database[name].insert_all(tracker.wrap(rows))  # type: ignore[union-attr]
        database[name].transform(types=tracker.types)  # type: ignore[union-attr]
    except (OSError, ValueError, UnicodeError, csv.Error, sqlite3.Error) as error:
        # The error's text could quote the file: name only what went wrong.
        raise SqlMetricError(
            f"sources.sql.tables.{name}: {path.name} is not a readable CSV file "
            f"({type(error).__name__})"
        ) from None


@hookimpl
def okrdesk_collect(request: CollectRequest, emit: Emit) -> None:
    wanted = {spec.name for spec in request.metrics}
    found, _ = _definitions(request.settings)
    definitions = [(s, q) for s, q in found if s.name in wanted]
    if not definitions:
        return
    source = _connect(request.settings, request.workspace)
    try:
        for spec, query in definitions:
            source.authorizer.tables.clear()
            try:
                _collect_one(source, spec, query, request, emit)
            except SqlMetricError as error:
                emit.error(spec.name, str(error))
            except (sqlite3.Error, sqlite3.Warning) as error:
                emit.error(spec.name, _query_failed(source, spec, error))
    finally:
        source.connection.close()


def _query_failed(source: _Source, spec: MetricSpec, error: Exception) -> str:
    text = str(error)
    missing = re.fullmatch(r"no such table: (?:main\.)?(\w+)", text)
    if missing and missing.group(1) in source.broken_tables:
        return f"{spec.name}: {source.broken_tables[missing.group(1)]}"
    return f"{spec.name}: the query failed: {printable(text)[:300]}"


def _collect_one(
    source: _Source, spec: MetricSpec, query: str, request: CollectRequest, emit: Emit
) -> None:
    params = {
        "start": request.periods[0].start.isoformat() if request.periods else "",
        "end": request.periods[-1].end.isoformat() if request.periods else "",
        "through": request.through.isoformat(),
    }
    cursor = source.connection.execute(query, params)
    columns = [c[0].lower() for c in cursor.description or ()]
    parts = ["numerator", "denominator"] if spec.kind is MetricKind.RATIO else ["value"]
    time = "period" if "period" in columns else "day"
    missing = [c for c in ("subject", time, *parts) if c not in columns]
    if missing:
        raise SqlMetricError(
            f"{spec.name}: the query must return columns subject, period or day, "
            f"and {' and '.join(parts)}; missing {', '.join(missing)}"
        )
    rows = (dict(zip(columns, row, strict=True)) for row in cursor)
    totals = _bucket(rows, time, parts, spec, request, source.authorizer)
    where = f"SQL metric {spec.name} on {source.described}"
    for (subject, period), numbers in totals.items():
        emit(spec.name, subject, period, source=where, **dict(zip(parts, numbers, strict=True)))


def _bucket(
    rows: Iterator[dict[str, Any]],
    time: str,
    parts: list[str],
    spec: MetricSpec,
    request: CollectRequest,
    reads: _Authorizer,
) -> dict[tuple[str, str], list[float]]:
    """Sum the rows into (subject, period); for stocks keep only each period's last day.

    A row that cannot count is named by its number in the query's result and the
    tables the query read, never by its content: the file may not be a CRM export.
    """
    starts = [p.start for p in request.periods]
    subjects = {p.id for p in request.people} | {u.id for u in request.units}
    asked = {p.id for p in request.periods}
    totals: dict[tuple[str, str], list[float]] = {}
    latest: dict[tuple[str, str], dt.date] = {}

    def fail(number: int, message: str) -> SqlMetricError:
        return SqlMetricError(f"{spec.name}: table {reads.read()}, result row {number}: {message}")

    for number, row in enumerate(rows, start=1):
        subject = str(row["subject"])
        if subject not in subjects:
            raise fail(number, "column subject is not the id of a person or unit in the plan")
        if time == "period":
            period, day = str(row["period"]), None
            if period not in asked:
                raise fail(number, "column period is not a period id okrdesk asked for")
        else:
            try:
                day = dt.date.fromisoformat(str(row["day"])[:10])
            except ValueError:
                raise fail(number, "column day is not a date (YYYY-MM-DD)") from None
            index = bisect.bisect_right(starts, day) - 1
            if index < 0 or day > request.periods[index].end or day > request.through:
                continue
            period = request.periods[index].id
        key = (subject, period)
        if spec.kind is MetricKind.STOCK and day is not None:
            if key in latest and day < latest[key]:
                continue
            if key in latest and day > latest[key]:
                del totals[key]
            latest[key] = day
        numbers = totals.setdefault(key, [0.0] * len(parts))
        for i, part in enumerate(parts):
            try:
                numbers[i] += _number(row[part])
            except _NotANumber as why:
                raise fail(number, f"column {part} {why}") from None
            if not math.isfinite(numbers[i]):
                raise fail(number, f"column {part} adds up beyond any finite number")
    return totals


class _NotANumber(ValueError):
    """Why a cell is not a number, in words that do not quote it."""


def _number(value: object) -> float:
    if value is None:
        raise _NotANumber("is empty (NULL)")
    if isinstance(value, bytes):
        raise _NotANumber("holds binary data, not a number")
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            raise _NotANumber("is not a finite number") from None
    else:
        try:
            number = float(str(value).strip())
        except ValueError:
            raise _NotANumber("holds text, not a number") from None
    if not math.isfinite(number):
        raise _NotANumber("is not a finite number")
    return number
