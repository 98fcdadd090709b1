"""The days a rolling export holds, for the SQL metric source.

A CRM that exports only its last 30 days gives no row of the weeks before; a collect
would take those weeks as emptied and delete them. A table declared ``rolling =
"trade_day"`` holds the days from its first row's ``trade_day`` to its last row's, and
each metric whose query reads it says so (``emit.covers``): the periods outside them keep
what is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from okrdesk.errors import Said, printable
from okrdesk.plugins.sql_settings import SqlMetricError
from okrdesk.plugins.sql_table_file import TableFile
from okrdesk.sql_text import quoted

if TYPE_CHECKING:
    import duckdb

_DAYS = ("DATE", "TIMESTAMP")
"""The types (their beginning: ``TIMESTAMP WITH TIME ZONE`` too) of a column of days."""

Days = tuple[dt.date, dt.date]


def days_held(connection: duckdb.DuckDBPyConnection, table: TableFile) -> Days | None:
    """The first and last day of ``table``'s ``rolling`` column, as loaded; None for a file
    with no row (an export that came out empty, which a collect keeps from replacing
    what is stored as it keeps any). A column it lacks, or one not of days, is refused
    at the key."""
    assert table.rolling is not None
    key = f"sources.sql.tables.{table.name}.rolling"
    file, wanted = printable(table.path.name)[:80], table.rolling
    described = connection.execute(f"DESCRIBE {quoted(table.name)}").fetchall()
    columns = {str(row[0]).casefold(): (str(row[0]), str(row[1])) for row in described}
    found = columns.get(wanted.casefold())
    if found is None:
        listed = ", ".join(name for name, _ in columns.values())
        shown = printable(wanted)[:80]
        raise SqlMetricError(
            f'{key}: {file} has no column "{shown}" (its columns: {listed}); name the column '
            "holding each row's day",
            f'{key}: {file} 没有 "{shown}" 列（它的列：{listed}）；请写出记录每行日期的列',
        )
    name, kind = found
    if not kind.upper().startswith(_DAYS):
        raise SqlMetricError(
            f"{key}: column {name} of {file} is not read as days (its cells read as {kind}); "
            "name the column of each row's day, or say it is one with "
            f'types = {{ {name} = "date" }}',
            f"{key}: {file} 的 {name} 列读出来不是日期（读作 {kind}）；请写出记录每行日期的列，"
            f'或用 types = {{ {name} = "date" }} 指明',
        )
    first, last = connection.execute(
        f"SELECT min({quoted(name)}), max({quoted(name)}) FROM {quoted(table.name)}"
    ).fetchone() or (None, None)
    if first is None or last is None:
        return None
    return _day(first), _day(last)


def _day(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def held_by_query(behind: Iterable[str], held: Mapping[str, Days]) -> Days | None:
    """The days a query reading the tables ``behind`` holds: those every rolling table of
    them holds; None where it reads none. Tables holding no day in common are refused."""
    spans = {name: held[name] for name in behind if name in held}
    if not spans:
        return None
    first, last = max(s[0] for s in spans.values()), min(s[1] for s in spans.values())
    if first > last:
        listed = Said(
            "; ".join(f"{name} {a} to {b}" for name, (a, b) in sorted(spans.items())),
            "；".join(f"{name} {a} 至 {b}" for name, (a, b) in sorted(spans.items())),
        )
        raise SqlMetricError(
            f"the rolling tables it reads hold no day in common ({listed.en}): no period "
            "of it can be collected",
            f"它读的滚动导出表没有共同的日期（{listed.zh}）：无法采集它的任何周期",
        )
    return first, last


def first_and_last_sql(declared: str) -> str:
    """The query of a declared ``"table.column"``'s first and last day (``rolling``), in
    DuckDB's SQL: both are plain names, checked where the key is read."""
    table, column = declared.split(".")
    return f"SELECT MIN({column}) AS first_day, MAX({column}) AS last_day FROM {table}"


def declared_days(rows: list[tuple[Any, ...]], declared: str, where: str) -> Days | None:
    """The days from ``declared``'s first to its last, as ``first_and_last_sql`` read
    them; None where the table has no day. Cells that are no days are refused at
    ``where`` (the metric's ``rolling`` key)."""
    first, last = rows[0] if rows else (None, None)
    if first is None or last is None:
        return None
    found = _as_day(first), _as_day(last)
    if found[0] is None or found[1] is None:
        raise SqlMetricError(
            f"{where}: {declared} is not a column of days (YYYY-MM-DD): name the column "
            "holding each row's day",
            f"{where}: {declared} 不是日期列（YYYY-MM-DD）：请写出记录每行日期的列",
        )
    return found[0], found[1]


def _as_day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
