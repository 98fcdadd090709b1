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
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from okrdesk.model import Direction, MetricKind, MetricSpec, OverTime
from okrdesk.plugins.hookspecs import CollectRequest, Emit, hookimpl
from okrdesk.units import UNITS

_METRIC_KEYS = {
    "name", "label_en", "label_zh", "kind", "unit", "direction", "description", "query",
    "numerator_over_time", "denominator_over_time", "revenue",
}  # fmt: skip
_SETTINGS_KEYS = {"tables", "database", "metrics"}
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


def _authorize(action: int, *args: object) -> int:
    return sqlite3.SQLITE_OK if action in _ALLOWED_ACTIONS else sqlite3.SQLITE_DENY


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


def _definitions(settings: Mapping[str, Any]) -> list[tuple[MetricSpec, str]]:
    unknown = set(settings) - _SETTINGS_KEYS
    if unknown:
        raise SqlMetricError(f"sources.sql: unknown keys {', '.join(sorted(unknown))}")
    raw = settings.get("metrics", [])
    if not isinstance(raw, list):
        raise SqlMetricError(
            "sources.sql.metrics: expected an array of tables [[sources.sql.metrics]]"
        )
    return [(_definition(i, item), item["query"]) for i, item in enumerate(raw)]


@hookimpl
def okrdesk_metrics(register: Callable[[MetricSpec], None], settings: Mapping[str, Any]) -> None:
    for spec, _ in _definitions(settings):
        register(spec)


def _connect(settings: Mapping[str, Any], workspace: Path) -> tuple[sqlite3.Connection, str]:
    database, tables = settings.get("database"), settings.get("tables", {})
    if database is not None and tables:
        raise SqlMetricError("sources.sql: give either database or tables, not both")
    if database is not None:
        path = workspace / str(database)
        if not path.is_file():
            raise SqlMetricError(f"sources.sql.database: no file {path}")
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        described = path.name
    else:
        connection = sqlite3.connect(":memory:")
        for name, file in dict(tables).items():
            _load_csv(connection, name, workspace / str(file))
        described = ", ".join(Path(str(f)).name for f in dict(tables).values()) or "no tables"
    connection.execute("PRAGMA query_only = ON")
    connection.set_authorizer(_authorize)
    return connection, described


def _load_csv(connection: sqlite3.Connection, name: str, path: Path) -> None:
    import sqlite_utils
    from sqlite_utils.utils import Format, TypeTracker, rows_from_file

    if not _TABLE_NAME.match(name):
        raise SqlMetricError(f"sources.sql.tables: {name!r} is not a usable table name")
    if not path.is_file():
        raise SqlMetricError(f"sources.sql.tables.{name}: no file {path}")
    tracker = TypeTracker()
    with path.open("rb") as file:
        rows, _ = rows_from_file(file, Format.CSV)
        database = sqlite_utils.Database(connection)
        database[name].insert_all(tracker.wrap(rows))  # type: ignore[union-attr]
    database[name].transform(types=tracker.types)  # type: ignore[union-attr]


@hookimpl
def okrdesk_collect(request: CollectRequest, emit: Emit) -> None:
    wanted = {spec.name for spec in request.metrics}
    definitions = [(s, q) for s, q in _definitions(request.settings) if s.name in wanted]
    if not definitions:
        return
    connection, described = _connect(request.settings, request.workspace)
    try:
        for spec, query in definitions:
            try:
                _collect_one(connection, spec, query, request, emit, described)
            except SqlMetricError as error:
                emit.error(spec.name, str(error))
    finally:
        connection.close()


def _collect_one(
    connection: sqlite3.Connection,
    spec: MetricSpec,
    query: str,
    request: CollectRequest,
    emit: Emit,
    described: str,
) -> None:
    params = {
        "start": request.periods[0].start.isoformat() if request.periods else "",
        "end": request.periods[-1].end.isoformat() if request.periods else "",
        "through": request.through.isoformat(),
    }
    try:
        cursor = connection.execute(query, params)
    except (sqlite3.Error, sqlite3.Warning) as error:
        raise SqlMetricError(f"{spec.name}: the query failed: {error}") from None
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
    totals = _bucket(rows, time, parts, spec, request)
    source = f"SQL metric {spec.name} on {described}"
    for (subject, period), numbers in totals.items():
        emit(spec.name, subject, period, source=source, **dict(zip(parts, numbers, strict=True)))


def _bucket(
    rows: Iterator[dict[str, Any]],
    time: str,
    parts: list[str],
    spec: MetricSpec,
    request: CollectRequest,
) -> dict[tuple[str, str], list[float]]:
    """Sum the rows into (subject, period); for stocks keep only each period's last day."""
    starts = [p.start for p in request.periods]
    totals: dict[tuple[str, str], list[float]] = {}
    latest: dict[tuple[str, str], dt.date] = {}
    for row in rows:
        subject = str(row["subject"])
        if time == "period":
            period, day = str(row["period"]), None
        else:
            try:
                day = dt.date.fromisoformat(str(row["day"])[:10])
            except ValueError:
                raise SqlMetricError(f"{spec.name}: day {row['day']!r} is not a date") from None
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
            value = row[part]
            if value is None or isinstance(value, bytes):
                raise SqlMetricError(f"{spec.name}: {part} is {value!r} for {subject} {period}")
            numbers[i] += float(value)
    return totals
