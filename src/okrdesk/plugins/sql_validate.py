"""``okrdesk validate`` runs each SQL metric's query against the tables as a collect reads them.

A misspelt column, table or function, a column left out of GROUP BY, a date compared
with a number, a file that cannot be read, or a query that does not return the columns
its metric needs, used to be found by the next collect, often a night's cron job. Here
the tables are loaded as a collect loads them (from the table cache when a file is
unchanged; a file read here is kept there, so the next collect does not read it again),
and the engine binds each query without running it (DuckDB's ``DESCRIBE``; SQLite
prepares it under ``LIMIT 0``). Each mistake is said at the query's key, in the words a
collect would use.

Only what the workspace holds is opened: no folder of ``allow_outside_workspace`` and no
warehouse, which a workspace someone sent may name but validate never reaches. A table
whose file is not on this machine, and every query that reads it, is left to the
warning validate gives for the file; so is one whose options cannot be read, at its
option, while every other query is run.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from okrdesk.errors import Said
from okrdesk.model import MetricSpec
from okrdesk.plugins.sql_collect import (
    Stop,
    _DuckSource,
    _SqliteSource,
    missing_output,
)  # fmt: skip
from okrdesk.plugins.sql_dialect import statement_body, to_duckdb
from okrdesk.plugins.sql_files import confined, table_file
from okrdesk.plugins.sql_metrics import _views
from okrdesk.plugins.sql_query_cache import QueryCache
from okrdesk.plugins.sql_settings import SqlMetricError, has_connection, keyed

PARAMETER_VALUES = {"start": "2026-01-01", "end": "2026-12-31", "through": "2026-12-31"}
"""What ``:start``, ``:end`` and ``:through`` are bound to: any day does, as only the
query's shape is looked at."""


def query_problems(
    settings: Mapping[str, Any], workspace: Path, found: list[tuple[MetricSpec, str]]
) -> list[Said]:
    """Every sound metric definition's query (``found``: each one's spec and query), and
    every view, that cannot run on the workspace's own tables, and every table file
    inside it that cannot be read; each keyed as validate shows it."""
    if has_connection(settings):
        return []
    keys = dict(_query_keys(settings))
    metrics = [(spec, query, keys[spec.name]) for spec, query in found if spec.name in keys]
    if settings.get("database") is not None:
        return _sqlite_problems(settings, workspace, metrics)
    tables = settings.get("tables", {})
    if not isinstance(tables, Mapping) or not tables:
        return []
    return _duckdb_problems(settings, tables, workspace, metrics)


def _query_keys(settings: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Each named definition's key for its query: ``sources.sql.metrics[2].query
    (name)``, or its ``funnel`` table's, whose two queries okrdesk joins into one."""
    for index, item in enumerate(settings.get("metrics", [])):
        if isinstance(item, Mapping) and isinstance(name := item.get("name"), str):
            part = "funnel" if "funnel" in item else "query"
            yield name, f"sources.sql.metrics[{index}].{part} ({name})"


def _duckdb_problems(
    settings: Mapping[str, Any],
    tables: Mapping[str, object],
    workspace: Path,
    metrics: list[tuple[MetricSpec, str, str]],
) -> list[Said]:
    from okrdesk.plugins.sql_engine import duckdb

    here = {str(name) for name, raw in tables.items() if _in_workspace(str(name), raw, workspace)}
    views, unsound = _views(settings)
    with tempfile.TemporaryDirectory(prefix="okrdesk-sql-") as folder:
        # No folder outside the workspace is allowed: those tables stay unread.
        source = _DuckSource(
            tables, views, unsound, workspace, [], Path(folder), Stop(), QueryCache()
        )
        try:
            said = [
                source.broken_tables[name] for name in sorted(here & source.broken_tables.keys())
            ]
            said += [
                why
                for name, why in source.broken_tables.items()
                if name in views and name not in source.blocked and _parses(source, views[name])
            ]
            for spec, query, key in metrics:
                text = to_duckdb(query)
                try:
                    statement = source.statement(text)
                except SqlMetricError as refused:
                    said.append(keyed(key, refused.said))
                    continue
                except duckdb.Error:
                    continue  # DuckDB cannot read it: said by the definitions' check
                try:
                    values = {p: PARAMETER_VALUES[p] for p in statement.named_parameters}
                    described = source.connection.execute(f"DESCRIBE {text}", values).fetchall()
                except duckdb.Error as error:
                    if source.unread(error) is None:
                        said.append(keyed(key, _cannot_run(source.why(query, error), "DuckDB")))
                    continue
                if missing := missing_output(spec, [str(row[0]).lower() for row in described]):
                    said.append(keyed(key, missing.said))
            return said
        finally:
            source.close()


def _sqlite_problems(
    settings: Mapping[str, Any], workspace: Path, metrics: list[tuple[MetricSpec, str, str]]
) -> list[Said]:
    try:
        path = confined(workspace, str(settings["database"]), "sources.sql.database", [])
    except SqlMetricError:
        return []  # outside the workspace, or not there: said by the settings' check
    if not path.is_file():
        return []
    source = _SqliteSource(path, QueryCache())
    said = []
    try:
        try:
            source.connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except source.errors as error:
            # Not a database at all: one mistake, the file's, not one at every query.
            return [keyed("sources.sql.database", _not_sqlite(path.name, error))]
        for spec, query, key in metrics:
            body = statement_body(query)
            try:
                # A query under LIMIT 0 is prepared and its columns known, no row read.
                cursor = source.connection.execute(
                    f"SELECT * FROM (\n{body}\n) LIMIT 0", PARAMETER_VALUES
                )
            except source.errors as error:
                said.append(keyed(key, _cannot_run(source.why(query, error), "SQLite", path.name)))
                continue
            columns = [c[0].lower() for c in cursor.description or ()]
            if missing := missing_output(spec, columns):
                said.append(keyed(key, missing.said))
    finally:
        source.close()
    return said


def _in_workspace(name: str, raw: object, workspace: Path) -> bool:
    """Whether table ``name``'s file is one validate reads: written soundly, inside the
    workspace and on this machine."""
    try:
        return table_file(name, raw, workspace, []).path.is_file()
    except SqlMetricError:
        return False


def _parses(source: _DuckSource, query: str) -> bool:
    from okrdesk.plugins.sql_engine import duckdb

    try:
        source.connection.extract_statements(query)
    except duckdb.Error:
        return False
    return True


def _not_sqlite(name: str, error: Exception) -> Said:
    return Said(f"{name} is not an SQLite database (SQLite: {error})",
                f"{name} 不是 SQLite 数据库（SQLite：{error}）")  # fmt: skip


def _cannot_run(why: Said, engine: str, on: str | None = None) -> Said:
    """``why`` the engine cannot run a query on the tables (of the database ``on``)."""
    where = f" {on} " if on else "现有的表"
    return Said(f"{engine} cannot run it on {on or 'the tables as they are'}: {why.en}",
                f"{engine} 在{where}上运行不了这条查询：{why.zh}")  # fmt: skip


__all__ = ["query_problems"]
