"""Trino, StarRocks, Doris and ClickHouse as SQL sources, through SQLAlchemy dialects.

okrdesk writes the SQL (sqlglot, in sql_warehouse.py) and hands it to the
engine's own SQLAlchemy dialect as it is (SQLAlchemy Core, ``exec_driver_sql``):

- ``trino://user@host:8080/catalog/schema``: the ``trino`` package's dialect
  (Trino's HTTP protocol); a URL with a password connects over HTTPS.
- ``starrocks://user@host:9030/database``: the ``starrocks`` package's
  dialect (the MySQL protocol, PyMySQL).
- ``doris://user@host:9030/database``: Doris speaks the MySQL protocol:
  SQLAlchemy's ``mysql+pymysql`` dialect.
- ``clickhouse://user@host:8123/database``: ``clickhouse-connect``'s dialect
  (ClickHouse's HTTP interface).

They install with ``pip install 'okrdesk[warehouses]'``. ``sources.sql.timeout``
bounds the wait on the client (read timeouts) and, where the engine has one, on
the server (Trino's ``query_max_execution_time``, StarRocks' and Doris'
``query_timeout``, ClickHouse's ``max_execution_time``). A connection is proved
with ``SELECT 1`` before any metric's query, so a server that refuses or never
answers is one named error for the source, not one per metric.
"""

from __future__ import annotations

import json
import logging
import math
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import attrs

from okrdesk.errors import printable
from okrdesk.plugins.sql_warehouse import (
    CONNECT_TIMEOUT,
    Answer,
    Warehouse,
    WarehouseRefused,
    WarehouseTimeout,
    WarehouseUnreachable,
    cannot_connect,
    described,
    failed_on,
    lost,
    too_long,
)

EXTRA = "pip install 'okrdesk[warehouses]'"


@attrs.frozen
class Access:
    """How okrdesk reaches one kind of warehouse through SQLAlchemy."""

    name: str
    scheme: str
    """The scheme of the URL SQLAlchemy is given: it picks the dialect."""
    package: str
    connect_args: Callable[[float, bool], dict[str, Any]]
    """Driver arguments for a timeout in seconds (and whether the URL holds a password)."""


def _trino_args(timeout: float, secret: bool) -> dict[str, Any]:
    found: dict[str, Any] = {"request_timeout": timeout, "max_attempts": 1}
    if secret:  # Trino accepts a password only over TLS
        found["http_scheme"] = "https"
    return found


def _mysql_protocol_args(timeout: float, secret: bool) -> dict[str, Any]:
    return {
        "connect_timeout": min(CONNECT_TIMEOUT, timeout),
        "read_timeout": timeout,
        "write_timeout": timeout,
        "init_command": f"SET query_timeout = {math.ceil(timeout):d}",
    }


def _clickhouse_args(timeout: float, secret: bool) -> dict[str, Any]:
    seconds = math.ceil(timeout)  # the driver keeps whole seconds only
    return {
        "connect_timeout": min(CONNECT_TIMEOUT, seconds),
        "send_receive_timeout": seconds,
        "query_retries": 0,
        "max_execution_time": seconds,
    }


ENGINES = {
    "trino": Access("Trino", "trino", "trino", _trino_args),
    "starrocks": Access("StarRocks", "starrocks", "starrocks", _mysql_protocol_args),
    "doris": Access("Doris", "mysql+pymysql", "pymysql", _mysql_protocol_args),
    "clickhouse": Access("ClickHouse", "clickhousedb", "clickhouse-connect", _clickhouse_args),
}
"""sqlglot dialect → the engine okrdesk connects to through SQLAlchemy."""


def sqlalchemy_url(url: str, dialect: str) -> str:
    """The URL as the engine's SQLAlchemy dialect is given it: okrdesk's scheme
    (``doris://``, ``clickhouse+http://``) replaced by the dialect's."""
    return ENGINES[dialect].scheme + ":" + url.split(":", 1)[1]


def dialect_class(url: str, dialect: str) -> type[Any]:
    """The SQLAlchemy dialect class ``url`` resolves to (its package must be installed)."""
    from sqlalchemy.engine import make_url

    return make_url(sqlalchemy_url(url, dialect)).get_dialect()


def _trino_session(url: Any, timeout: float) -> dict[str, Any]:
    written = url.query.get("session_properties")
    chosen = dict(json.loads(written)) if isinstance(written, str) else {}
    chosen.setdefault("query_max_execution_time", f"{math.ceil(timeout):d}s")
    return chosen


def _chain(error: BaseException) -> list[BaseException]:
    """The error and what it wraps (SQLAlchemy's ``orig``, causes, contexts)."""
    found: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in found and len(found) < 12:
        found.append(current)
        inner = getattr(current, "orig", None)
        current = inner if isinstance(inner, BaseException) else None
        current = current or found[-1].__cause__ or found[-1].__context__
    return found


def _timed_out(error: BaseException) -> bool:
    return any(isinstance(e, TimeoutError) or "Timeout" in type(e).__name__ for e in _chain(error))


MYSQL_CONNECTION_GONE = (2006, 2013)
"""MySQL client errors: the server has gone away; the connection was lost."""


def _connection_lost(error: BaseException) -> bool:
    return any(
        isinstance(e, ConnectionError | socket.gaierror)
        or type(e).__name__ == "ConnectionError"
        or (
            type(e).__module__.startswith("pymysql")
            and e.args[:1] in [(c,) for c in MYSQL_CONNECTION_GONE]
        )
        for e in _chain(error)
    )


class DialectWarehouse(Warehouse):
    """One SQLAlchemy connection to a Trino, StarRocks, Doris or ClickHouse server."""

    def __init__(self, url: str, dialect: str, timeout: float, key: str) -> None:
        engine = ENGINES[dialect]
        self.dialect, self.timeout = dialect, timeout
        self.described = described(url)
        self._secret = urlsplit(url).password
        try:
            import sqlalchemy
            from sqlalchemy.exc import NoSuchModuleError
            from sqlalchemy.pool import NullPool
        except ImportError as error:
            raise self._not_installed(engine, key, error) from None
        try:
            target = sqlalchemy.engine.make_url(sqlalchemy_url(url, dialect))
            target.get_dialect()
            arguments = engine.connect_args(timeout, bool(target.password))
            if dialect == "trino":
                arguments["session_properties"] = _trino_session(target, timeout)
        except (ImportError, NoSuchModuleError) as error:
            raise self._not_installed(engine, key, error) from None
        except Exception as error:  # the dialect refused the URL's form
            why = self._reason(error)
            raise WarehouseUnreachable(
                f"{key}: not a usable {engine.name} URL: {why}",
                f"{key}: 不是能用的 {engine.name} URL：{why}",
            ) from None
        # The drivers log each failure they also raise; okrdesk names it once.
        logging.getLogger("clickhouse_connect").setLevel(logging.CRITICAL)
        try:
            self.engine = sqlalchemy.create_engine(
                target, connect_args=arguments, poolclass=NullPool
            )
            self.connection = self.engine.connect()
            self.connection.exec_driver_sql("SELECT 1").fetchall()
        except Exception as error:
            raise WarehouseUnreachable(
                *cannot_connect(self.described, self._reason(error))
            ) from None

    def run(self, sql: str) -> Answer:
        try:
            result = self.connection.exec_driver_sql(sql)
            names = result.keys()  # a row's column names, not a dict's
            columns = [str(c).lower() for c in names]
            rows = [tuple(row) for row in result.fetchall()]
        except Exception as error:
            if _timed_out(error):
                raise WarehouseTimeout(
                    *too_long(self.timeout, self.described, cancelled=False)
                ) from None
            why = self._reason(error)
            if _connection_lost(error):
                raise WarehouseUnreachable(*lost(self.described, why)) from None
            raise WarehouseRefused(*failed_on(self.described, why), answer=why) from None
        return Answer(columns, rows)

    @staticmethod
    def _not_installed(engine: Access, key: str, error: BaseException) -> WarehouseUnreachable:
        why = _first_line(error)
        return WarehouseUnreachable(
            f"{key}: okrdesk reaches {engine.name} through the {engine.package} package, "
            f"which is not installed ({EXTRA}): {why}",
            f"{key}: okrdesk 要通过 {engine.package} 包连接 {engine.name}，这个包没有安装"
            f"（{EXTRA}）：{why}",
        )

    def _reason(self, error: BaseException) -> str:
        """What went wrong, in a line that never holds the password."""
        chain = _chain(error)
        if _timed_out(error):
            return f"no answer within {self.timeout:g} s (sources.sql.timeout)"
        if any(isinstance(e, ConnectionRefusedError) for e in chain):
            return "connection refused"
        if any(isinstance(e, socket.gaierror) for e in chain):
            return "no such host"
        inner = next((e for e in chain if not type(e).__module__.startswith("sqlalchemy")), error)
        text = _first_line(inner)
        return text.replace(self._secret, "***") if self._secret else text

    def close(self) -> None:
        try:
            self.connection.close()
        finally:
            self.engine.dispose()


def _first_line(error: BaseException) -> str:
    return printable(str(error).strip().split("\n", 1)[0])[:300]
