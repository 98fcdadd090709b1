"""What the SQL metric source's settings say, read without its engines: the error it
raises, a table or view name, and whether (and how) it names a warehouse.

The declaring side of the source (sql_metrics.py) needs only this; DuckDB, sqlglot,
the file reader and the warehouse code load when a collect or a validation runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from okrdesk.errors import Said, printable
from okrdesk.model import InvalidValue
from okrdesk.plugins.failures import SettingsMistake
from okrdesk.plugins.settings_checks import number_setting

TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
DIALECTS = {
    "postgresql": "postgres",
    "postgres": "postgres",
    "duckdb": "duckdb",
    "trino": "trino",
    "starrocks": "starrocks",
    "doris": "doris",
    "clickhouse": "clickhouse",
}
"""URL scheme → sqlglot dialect of the SQL sent."""
DEFAULT_TIMEOUT = 300.0


ALLOW_OUTSIDE = "allow_outside_workspace"
"""The key of ``[sources.sql]`` naming folders outside the workspace tables may be in."""


class SqlMetricError(InvalidValue, SettingsMistake):
    """A mistake in a SQL metric's definition, query or files, worded in English (its
    ``str``, what a plugin's error always was) and in Chinese: ``said`` holds both, and
    the command that shows it picks one. The user's to mend in okrdesk.toml: a collect
    stopped by one tells it at its key's line, as validate does (``SettingsMistake``)."""


def keyed(key: str, said: Said) -> Said:
    """``said`` about ``key``: ``sources.sql.x: …``, the key as written in either
    language (validate finds the key in both)."""
    return Said(f"{key}: {said.en}", f"{key}: {said.zh}")


def listed(found: Iterable[Said]) -> Said:
    """Several messages on one line."""
    items = list(found)
    return Said("; ".join(s.en for s in items), "；".join(s.zh for s in items))


def has_connection(settings: Mapping[str, Any]) -> bool:
    return settings.get("connection") is not None or settings.get("connection_env") is not None


def _password_in(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.password) or any(
        f"{secret}=" in parts.query for secret in ("password", "access_token")
    )


def check_settings(settings: Mapping[str, Any]) -> None:
    """Refuse a connection setting that cannot work, before anything connects."""
    written, env = settings.get("connection"), settings.get("connection_env")
    if written is not None and env is not None:
        raise SqlMetricError(
            "sources.sql: give either connection or connection_env, not both",
            "sources.sql: connection 和 connection_env 只能写一个",
        )
    if settings.get("database") is not None or settings.get("tables"):
        raise SqlMetricError(
            "sources.sql: give either a connection or database and tables, not both",
            "sources.sql: 连接数据仓库（connection）和读文件（database、tables）只能二选一",
        )
    if env is not None and (not isinstance(env, str) or not env.isidentifier()):
        raise SqlMetricError(
            "sources.sql.connection_env: expected the NAME of an environment variable "
            "(such as WAREHOUSE_URL), not the URL itself",
            "sources.sql.connection_env: 应写环境变量的名字（如 WAREHOUSE_URL），不是 URL 本身",
        )
    if written is not None:
        if not isinstance(written, str) or not written:
            raise SqlMetricError(
                "sources.sql.connection: expected a URL", "sources.sql.connection: 应为 URL"
            )
        if _password_in(written):
            raise SqlMetricError(
                "sources.sql.connection: must not hold a password (this file is shared); "
                "set PGPASSWORD, use ~/.pgpass, or put the URL in the variable "
                "connection_env names",
                "sources.sql.connection: 不能含密码（这个文件是大家共用的）；请设置 "
                "PGPASSWORD、使用 ~/.pgpass，或把 URL 放进 connection_env 指名的环境变量",
            )
        dialect_of(written, "sources.sql.connection")
    if seconds(settings.get("timeout", DEFAULT_TIMEOUT)) is None:
        raise SqlMetricError(
            f"sources.sql.timeout: expected seconds, a number above 0 and at most {MOST_SECONDS}",
            f"sources.sql.timeout: 应为秒数，大于 0，最多 {MOST_SECONDS}",
        )


MOST_SECONDS = 86_400
"""The longest a query may be given: a day (a wait longer than a thread can be told fails)."""


def seconds(timeout: object) -> float | None:
    """A query's time limit as ``timeout`` gives it, None unless it is a number of seconds
    above 0 and at most ``MOST_SECONDS``."""
    found = number_setting(timeout)
    return found if found is not None and 0 < found <= MOST_SECONDS else None


def dialect_of(url: str, key: str, *, secret: bool = False) -> str:
    """The dialect of a warehouse ``url``; ``secret``: the URL came from the environment
    (it may hold a password, or be some other variable's secret altogether), so the
    message says nothing of it."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    scheme = scheme.split("+", 1)[0]  # postgresql+psycopg:// as SQLAlchemy writes it
    if scheme not in DIALECTS:
        shown = printable(scheme or url)[:40]
        found = (
            Said("the variable it names does not hold a URL of a warehouse okrdesk knows",
                 "它指名的环境变量里不是 okrdesk 认识的数据仓库的 URL")
            if secret
            else Said(f"{shown!r} is not a warehouse okrdesk knows",
                      f"{shown!r} 不是 okrdesk 认识的数据仓库")
        )  # fmt: skip
        schemes = ", ".join(f"{s}:" for s in DIALECTS)
        raise SqlMetricError(
            f"{key}: {found.en}; expected a URL starting with {schemes}",
            f"{key}: {found.zh}；应为以 {schemes} 之一开头的 URL",
        )
    return DIALECTS[scheme]


def tables_of(settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """``sources.sql.tables``, refused unless a table of name = file."""
    tables = settings.get("tables", {})
    if not isinstance(tables, Mapping):
        raise SqlMetricError("sources.sql.tables: expected a table of name = file",
                             "sources.sql.tables: 应为“名字 = 文件”的表")  # fmt: skip
    return tables


def kind_problems(settings: Mapping[str, Any]) -> list[Said]:
    """The settings of ``[sources.sql]`` of the wrong type, or that do nothing for what
    the source reads (files, an SQLite database, a warehouse), which ``check_settings``
    and the tables' own check leave unsaid; each keyed. A collect over files went on
    as if ``timeout`` bounded its queries."""
    found: list[Said] = []
    if has_connection(settings):
        written = settings.get("connection")
        scheme = (
            written.split(":", 1)[0].split("+", 1)[0].lower() if isinstance(written, str) else ""
        )
        if ALLOW_OUTSIDE not in settings:
            return found
        if DIALECTS.get(scheme, "duckdb") != "duckdb":
            found.append(Said(
                f"sources.sql.{ALLOW_OUTSIDE}: does nothing with a server's connection: "
                "the queries run on the server, which reads no file of this machine; "
                "leave it out",
                f"sources.sql.{ALLOW_OUTSIDE}: 连接数据库服务器时不起作用：查询在服务器上"
                "运行，不读取本机的文件；请删去",
            ))  # fmt: skip
            return found
        try:  # a duckdb: file may lie in a folder it allows (connection_env's too)
            allowed_folders(settings, Path())
        except SqlMetricError as error:
            found.append(error.said)
        return found
    if "timeout" in settings:
        found.append(Said(
            "sources.sql.timeout: does nothing over files or an SQLite database: it bounds "
            "each query on a warehouse (connection or connection_env); a collect over files "
            "is bounded by [workspace] plugin_timeout; leave it out",
            "sources.sql.timeout: 读文件或 SQLite 数据库时不起作用：它限制的是数据仓库"
            "（connection 或 connection_env）上每条查询的时间；读文件的采集由 [workspace] "
            "plugin_timeout 限时；请删去",
        ))  # fmt: skip
    database = settings.get("database")
    if database is not None and (not isinstance(database, str) or not database):
        found.append(Said("sources.sql.database: expected the path of an SQLite file",
                          "sources.sql.database: 应为 SQLite 文件的路径"))  # fmt: skip
    try:
        tables_of(settings)
    except SqlMetricError as error:
        found.append(error.said)
    return found


def allowed_folders(settings: Mapping[str, Any], workspace: Path) -> list[Path]:
    """The folders outside the workspace its settings allow tables to be read from."""
    raw = settings.get(ALLOW_OUTSIDE, [])
    if not isinstance(raw, list) or not all(isinstance(f, str) and f for f in raw):
        raise SqlMetricError(
            f"sources.sql.{ALLOW_OUTSIDE}: expected an array of folder paths",
            f"sources.sql.{ALLOW_OUTSIDE}: 应为文件夹路径的数组",
        )
    return [(workspace / f).expanduser().resolve() for f in raw]
