"""A SQL metric source on the firm's warehouse: the query runs where the data lives.

``[sources.sql]`` names a connection instead of files: ``connection`` (a URL
without a password, kept in the shared okrdesk.toml) or ``connection_env``
(the name of an environment variable holding the URL). okrdesk connects to
PostgreSQL (psycopg 3), to a DuckDB database file (``duckdb:path``), and to
Trino, StarRocks, Doris and ClickHouse through their SQLAlchemy dialects
(warehouse_dialects.py, the ``warehouses`` extra).

The query is written once, in the DuckDB SQL the file source uses, and sqlglot
transpiles it to the server's dialect inside a wrapper that groups by subject
and period on the server: per-subject, per-period sums (and a row count)
come back over the wire, never the rows. Days are placed into okrdesk's
periods on the server too, through a small table of the periods asked for;
rows dated outside them come back as one counted group per subject and side.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs

from okrdesk.errors import Said, printable
from okrdesk.model import MetricKind
from okrdesk.periods import Period
from okrdesk.plugins.sql_files import confined
from okrdesk.plugins.sql_settings import (
    DEFAULT_TIMEOUT,
    SqlMetricError,
    check_settings,
    dialect_of,
)
from okrdesk.sql_text import literal

THROUGH_SQLALCHEMY = ("trino", "starrocks", "doris", "clickhouse")
"""The dialects okrdesk reaches through SQLAlchemy (warehouse_dialects.py)."""

CONNECT_TIMEOUT = 10
BEFORE, AFTER, NO_DAY = "~before", "~after", "~no day"
"""Period keys of the rows that lie outside the periods asked for."""
ROWS, FIRST_DAY, LAST_DAY = "__okrdesk_rows", "__okrdesk_first_day", "__okrdesk_last_day"


class WarehouseError(SqlMetricError):
    """The warehouse could not be used: every metric of the source fails, named."""


class WarehouseUnreachable(WarehouseError):
    """No connection to the warehouse."""


class WarehouseRefused(SqlMetricError):
    """The warehouse refused a statement; ``answer``: its words, for a message of the
    caller's own where the statement was okrdesk's rather than the user's query."""

    def __init__(self, en: str, zh: str, answer: str = "") -> None:
        super().__init__(en, zh)
        self.answer = answer


class WarehouseTimeout(SqlMetricError):
    """One metric's query ran longer than ``timeout``: that metric fails alone."""


def connection_url(settings: Mapping[str, Any], environ: Mapping[str, str]) -> str:
    env = settings.get("connection_env")
    if env is None:
        return str(settings["connection"])
    url = environ.get(str(env), "")
    if not url:
        raise WarehouseUnreachable(
            f"sources.sql.connection_env: the environment variable {env} is not set",
            f"sources.sql.connection_env: 没有设置环境变量 {env}",
        )
    return url


def described(url: str) -> str:
    """The URL for messages and sources: no user, no password, no query."""
    parts = urlsplit(url)
    if parts.scheme.lower().startswith("duckdb"):
        return Path(_duckdb_path(url)).name
    host = parts.hostname or "localhost"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme.split('+')[0]}://{host}{port}{parts.path}"


# ---------------------------------------------------------------- the SQL


def _parameters_as_literals(query: str, params: Mapping[str, str]) -> Any:
    """The user's query, read as DuckDB SQL, with :start, :end and :through as text."""
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(query, read="duckdb")
    except sqlglot.errors.SqlglotError as error:
        why = _first(error)
        raise SqlMetricError(f"the query cannot be read as SQL: {why}",
                             f"查询读不成 SQL：{why}") from None  # fmt: skip
    for node in list(tree.find_all(exp.Placeholder)):
        name = str(node.name)
        if name not in params:
            raise SqlMetricError(*unknown_parameters([name]))
        node.replace(exp.Literal.string(params[name]))
    return tree


def unknown_parameters(names: list[str]) -> Said:
    """A query naming parameters okrdesk does not give."""
    used = ":" + ", :".join(names)
    return Said(f"the query uses {used}; the parameters are :start, :end and :through",
                f"查询用了 {used}；可用的参数只有 :start、:end 和 :through")  # fmt: skip


def cannot_connect(described: str, why: str) -> Said:
    return Said(f"cannot connect to {described}: {why}", f"连不上 {described}：{why}")


def lost(described: str, why: str) -> Said:
    return Said(f"lost {described}: {why}", f"与 {described} 的连接断了：{why}")


def failed_on(described: str, why: str) -> Said:
    return Said(f"the query failed on {described}: {why}", f"查询在 {described} 上出错：{why}")


def too_long(timeout: float, described: str, *, cancelled: bool) -> Said:
    """A query that ran past ``timeout``: cancelled on the server, or given up by okrdesk."""
    fate = Said("was cancelled", "已被取消") if cancelled else Said("was given up", "已放弃等待")
    return Said(
        f"the query ran longer than {timeout:g} s on {described} (sources.sql.timeout) and "
        f"{fate.en}",
        f"查询在 {described} 上运行超过 {timeout:g} 秒（sources.sql.timeout），{fate.zh}",
    )


def _date(day: Any) -> str:
    return f"CAST({literal(day.isoformat())} AS DATE)"


def _first(error: Exception) -> str:
    return printable(str(error).strip().split("\n", 1)[0])[:300]


def output_columns(query: str) -> list[str]:
    """The columns the query names, lower case; empty when it selects ``*``."""
    tree = _parameters_as_literals(query, {"start": "", "end": "", "through": ""})
    names = [str(n).lower() for n in getattr(tree, "named_selects", [])]
    return [] if "*" in names or not names else names


def columns_probe(query: str, dialect: str, params: Mapping[str, str]) -> str:
    """SQL that returns no row, only the columns of the query (which selects ``*``)."""
    import sqlglot

    inner = _parameters_as_literals(query, params).sql(dialect="duckdb")
    return sqlglot.transpile(f"SELECT * FROM ({inner}) AS q LIMIT 0", "duckdb", dialect)[0]


def pushed_down(
    query: str,
    dialect: str,
    kind: MetricKind,
    by_day: bool,
    periods: Sequence[Period],
    params: Mapping[str, str],
    through: Any,
) -> str:
    """The SQL sent to the warehouse: the user's query inside a GROUP BY subject and
    period, in ``dialect``."""
    import sqlglot

    inner = _parameters_as_literals(query, params).sql(dialect="duckdb")
    parts = ["numerator", "denominator"] if kind is MetricKind.RATIO else ["value"]
    if not by_day:
        sums = ", ".join(f"SUM(q.{p}) AS {p}" for p in parts)
        text = (
            f"SELECT q.subject AS subject, q.period AS period, {sums}, COUNT(*) AS {ROWS} "
            f"FROM ({inner}) AS q GROUP BY q.subject, q.period"
        )
    else:
        text = _by_day(inner, kind, parts, periods, through)
    try:
        return sqlglot.transpile(text, read="duckdb", write=dialect)[0]
    except sqlglot.errors.SqlglotError as error:
        why = _first(error)
        raise SqlMetricError(f"the query cannot be written for {dialect}: {why}",
                             f"查询无法写成 {dialect} 的 SQL：{why}") from None  # fmt: skip


def _by_day(
    inner: str, kind: MetricKind, parts: list[str], periods: Sequence[Period], through: Any
) -> str:
    day = "CAST(q.day AS DATE)"
    # A CASE, not a join to a table of periods: every engine runs it the same way.
    whens = " ".join(
        f"WHEN {day} >= {_date(p.start)} AND {day} <= {_date(min(p.end, through))} "
        f"THEN {literal(p.id)}"
        for p in periods
        if p.start <= through
    )
    first = _date(periods[0].start if periods else through)
    placed = (
        f"SELECT q.subject AS subject, CASE WHEN q.day IS NULL THEN '{NO_DAY}' "
        f"WHEN {day} < {first} THEN '{BEFORE}' {whens} ELSE '{AFTER}' END AS period, "
        f"{day} AS day, " + ", ".join(f"q.{p} AS {p}" for p in parts) + f" FROM ({inner}) AS q"
    )
    counts = f"MIN(r.day) AS {FIRST_DAY}, MAX(r.day) AS {LAST_DAY}"
    if kind is not MetricKind.STOCK:
        sums = ", ".join(f"SUM(r.{p}) AS {p}" for p in parts)
        return (
            f"SELECT r.subject AS subject, r.period AS period, {sums}, COUNT(*) AS {ROWS}, "
            f"{counts} FROM ({placed}) AS r GROUP BY r.subject, r.period"
        )
    # A stock is its period's last day: sum each day, keep the latest day's sum.
    daily_sums = ", ".join(f"SUM(r.{p}) AS {p}" for p in parts)
    daily = (
        f"SELECT r.subject AS subject, r.period AS period, r.day AS day, {daily_sums}, "
        f"COUNT(*) AS n, MAX(r.day) OVER (PARTITION BY r.subject, r.period) AS latest "
        f"FROM ({placed}) AS r GROUP BY r.subject, r.period, r.day"
    )
    latest = ", ".join(f"SUM(CASE WHEN r.day = r.latest THEN r.{p} END) AS {p}" for p in parts)
    return (
        f"SELECT r.subject AS subject, r.period AS period, {latest}, SUM(r.n) AS {ROWS}, "
        f"{counts} FROM ({daily}) AS r GROUP BY r.subject, r.period"
    )


# ------------------------------------------------------------ connections


@attrs.frozen
class Answer:
    columns: list[str]
    rows: list[tuple[Any, ...]]


class Warehouse:
    """One connection to the warehouse, read-only, each statement within ``timeout``."""

    dialect: str
    described: str

    def run(self, sql: str) -> Answer:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class _Postgres(Warehouse):
    def __init__(self, url: str, timeout: float) -> None:
        import psycopg

        self.dialect, self.described, self.timeout = "postgres", described(url), timeout
        try:
            self.connection = psycopg.connect(
                url.replace("postgresql+psycopg://", "postgresql://", 1),
                connect_timeout=CONNECT_TIMEOUT, application_name="okrdesk-metrics",
            )  # fmt: skip
        except psycopg.Error as error:
            raise WarehouseUnreachable(*cannot_connect(self.described, _first(error))) from None
        self.connection.read_only = True
        millis = max(1, round(timeout * 1000))
        self.connection.execute(f"SET statement_timeout = {millis:d}".encode())
        self.connection.commit()

    def run(self, sql: str) -> Answer:
        import psycopg
        import psycopg.errors

        try:
            with self.connection.cursor() as cursor:
                cursor.execute(sql.encode())
                columns = [str(c.name).lower() for c in cursor.description or ()]
                rows = cursor.fetchall()
            self.connection.rollback()
        except psycopg.errors.QueryCanceled:
            self.connection.rollback()
            raise WarehouseTimeout(
                *too_long(self.timeout, self.described, cancelled=True)
            ) from None
        except psycopg.OperationalError as error:
            raise WarehouseUnreachable(*lost(self.described, _first(error))) from None
        except psycopg.Error as error:
            self.connection.rollback()
            why = _first(error)
            raise WarehouseRefused(*failed_on(self.described, why), answer=why) from None
        return Answer(columns, rows)

    def close(self) -> None:
        self.connection.close()


def _duckdb_path(url: str) -> str:
    """duckdb:data/x.duckdb (in the workspace) or duckdb:///srv/x.duckdb (absolute)."""
    rest = url.split(":", 1)[1]
    return rest[2:] if rest.startswith("//") else rest


class _DuckFile(Warehouse):
    def __init__(self, path: Path, timeout: float) -> None:
        import tempfile

        from okrdesk.plugins.sql_collect import MEMORY_LIMIT
        from okrdesk.plugins.sql_engine import NO_PROGRESS_BAR, duckdb
        from okrdesk.plugins.sql_scratch import most_scratch

        self.dialect, self.described, self.timeout = "duckdb", path.name, timeout
        # What a query does not fit in the memory the SQL source over files has spills to
        # a folder of its own, gone when the source closes, not beside the warehouse's
        # file, and no more of it than that source may write (sql_scratch): a query
        # someone sent that sorts billions of rows does not fill the disk.
        self._spill = tempfile.TemporaryDirectory(prefix="okrdesk-warehouse-")
        self.most_spilled = most_scratch([path])
        try:
            self.connection = duckdb.connect(
                str(path), read_only=True,
                config={"autoinstall_known_extensions": False,
                        "autoload_known_extensions": False,
                        "memory_limit": MEMORY_LIMIT,
                        "temp_directory": self._spill.name,
                        "max_temp_directory_size": f"{self.most_spilled >> 20}MiB"},
            )  # fmt: skip
            self.connection.execute("SET enable_external_access = false")
            self.connection.execute(NO_PROGRESS_BAR)
            self.connection.execute("SET lock_configuration = true")
        except duckdb.Error as error:
            self._spill.cleanup()
            why = _first(error)
            raise WarehouseUnreachable(f"cannot open {path.name}: {why}",
                                       f"打不开 {path.name}：{why}") from None  # fmt: skip

    def run(self, sql: str) -> Answer:
        from okrdesk.plugins.sql_engine import duckdb

        timer = threading.Timer(self.timeout, self.connection.interrupt)
        timer.start()
        try:
            cursor = self.connection.execute(sql)
            columns = [str(c[0]).lower() for c in cursor.description or ()]
            rows = cursor.fetchall()
        except duckdb.InterruptException:
            raise WarehouseTimeout(
                *too_long(self.timeout, self.described, cancelled=True)
            ) from None
        except duckdb.Error as error:
            if "max_temp_directory_size" in str(error):
                from okrdesk.plugins.sql_scratch import too_much

                # DuckDB's words would say to raise a setting no workspace can reach.
                raise SqlMetricError(*too_much(self.described, self.most_spilled)) from None
            why = _first(error)
            raise WarehouseRefused(*failed_on(self.described, why), answer=why) from None
        finally:
            timer.cancel()
        return Answer(columns, rows)

    def close(self) -> None:
        self.connection.close()
        self._spill.cleanup()


def connect(
    settings: Mapping[str, Any], workspace: Path, allowed: Sequence[Path],
    environ: Mapping[str, str] | None = None,
) -> Warehouse:  # fmt: skip
    check_settings(settings)
    url = connection_url(settings, os.environ if environ is None else environ)
    from_environment = bool(settings.get("connection_env"))
    key = "sources.sql.connection" + ("_env" if from_environment else "")
    dialect = dialect_of(url, key, secret=from_environment)
    timeout = float(settings.get("timeout", DEFAULT_TIMEOUT))
    if dialect == "postgres":
        return _Postgres(url, timeout)
    if dialect == "duckdb":
        return _DuckFile(confined(workspace, _duckdb_path(url), key, allowed), timeout)
    from okrdesk.plugins.warehouse_dialects import DialectWarehouse

    return DialectWarehouse(url, dialect, timeout, key)


def aggregates(answer: Answer) -> Iterator[dict[str, Any]]:
    for row in answer.rows:
        yield dict(zip(answer.columns, row, strict=True))
