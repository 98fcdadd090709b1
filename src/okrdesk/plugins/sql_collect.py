"""The collecting side of the SQL metric source (sql_metrics.py declares the metrics):
each metric's query run over the files (DuckDB), an SQLite database or a warehouse,
its rows added up into the periods asked for and emitted with the rows behind them.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import decimal
import functools
import itertools
import math
import operator
import os
import re
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from okrdesk.errors import Said, printable
from okrdesk.model import SLICE_SEPARATOR, MetricKind, MetricSpec
from okrdesk.plugins import sql_warehouse
from okrdesk.plugins.citations import source_text
from okrdesk.plugins.hookspecs import CollectRequest, Emit
from okrdesk.plugins.sql_cell_screens import text_among_numbers
from okrdesk.plugins.sql_dialect import (
    PARAMETERS,
    ROW_COUNT,
    ROW_FIRST,
    ROW_LAST,
    division_said,
    tables_read,
    to_duckdb,
)  # fmt: skip
from okrdesk.plugins.sql_errors import engine_said
from okrdesk.plugins.sql_files import confined, load_table, table_file
from okrdesk.plugins.sql_metric_rules import Ruled
from okrdesk.plugins.sql_metrics import _views, query_key, ruled_definitions
from okrdesk.plugins.sql_query_cache import QueryCache
from okrdesk.plugins.sql_rolling import (
    Days,
    days_held,
    declared_days,
    first_and_last_sql,
    held_by_query,
)
from okrdesk.plugins.sql_scratch import most_scratch, too_much
from okrdesk.plugins.sql_settings import (
    SqlMetricError,
    allowed_folders,
    has_connection,
    keyed,
    listed,
    tables_of,
)  # fmt: skip
from okrdesk.plugins.sql_table_cache import TableCache
from okrdesk.plugins.sql_table_file import TableFile, file_row
from okrdesk.sql_text import literal, quoted
from okrdesk.written_dates import written_day
from okrdesk.written_numbers import decimal_comma, written_number

if TYPE_CHECKING:
    import duckdb

_ALLOWED_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION}
_ALLOWED_ACTIONS.add(getattr(sqlite3, "SQLITE_RECURSIVE", 33))


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


# ------------------------------------------------------------------- sources


@attrs.frozen
class _Result:
    """What one query returned, and how to find the file rows behind each result row."""

    columns: list[str]
    rows: Iterator[tuple[Any, ...]]
    reads: str
    """The tables the query read, for messages."""
    files: str
    """The files behind the tables it read, for an observation's source."""
    traced: _Traced | None = None
    """The table whose row numbers the rows carry (ROW_FIRST…), when they can be traced."""


@attrs.frozen
class _Traced:
    """How to name the rows of one table: a file's rows, or an SQLite table's rowids."""

    label: str
    offset: int
    file: bool = True
    blanks: tuple[int, ...] = ()
    """The rowids before which the file has a blank line (``TableFile.blanks``)."""

    def row(self, rowid: int) -> int:
        """The row cited for ``rowid``: its file row, or the rowid itself."""
        return file_row(rowid, self.offset, self.blanks)

    def many(self, spans: list[Span]) -> str:
        # Without blank lines a file row is the rowid moved on by the offset: one C call
        # for each of the thousands of rows a collect names.
        shifted = functools.partial(operator.add, self.offset)
        rows = _spans_text(spans, self.row if self.blanks else shifted)
        return f"{self.label} {rows if self.file else rows.replace('row', 'rowid', 1)}"

    def each(self, rows: list[int]) -> str:
        """``many`` for rows each a span of its own (``[row, row, 1]``), said alike."""
        text = _rows_text(rows, self.row)
        return f"{self.label} {text if self.file else text.replace('row', 'rowid', 1)}"


def _traced_file(table: TableFile) -> _Traced:
    return _Traced(table.path.name, table.first_row, blanks=table.blanks)


class _SqliteSource:
    """An SQLite file, opened read-only and immutable, with an authorizer that only reads."""

    errors: tuple[type[Exception], ...] = (sqlite3.Error, sqlite3.Warning)

    def __init__(self, path: Path, queries: QueryCache) -> None:
        self.queries = queries
        # immutable: SQLite then takes no lock and writes no -wal or -shm file beside it.
        self.connection = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
        self.connection.execute("PRAGMA query_only = ON")
        self.authorizer = _Authorizer()
        self.connection.set_authorizer(self.authorizer)
        self.described = path.name
        self.broken_tables: dict[str, Said] = {}

    def run(self, query: str, params: Mapping[str, str]) -> _Result:
        tables = {r[0] for r in self.connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}  # fmt: skip
        self.authorizer.tables.clear()
        traced = self.queries.facts(query, "sqlite").row_numbers(tables)
        if traced is not None:
            try:
                cursor = self.connection.execute(traced[0], dict(params))
                columns = [c[0].lower() for c in cursor.description or ()]
                table = _Traced(f"{self.described} table {traced[1]}", 0, file=False)
                read = _Lazy(self.authorizer.read)
                return _Result(columns, iter(cursor), read, self.described, table)
            except sqlite3.Error:
                self.authorizer.tables.clear()  # the plain query says what is wrong
        cursor = self.connection.execute(query, dict(params))
        columns = [c[0].lower() for c in cursor.description or ()]
        return _Result(columns, iter(cursor), _Lazy(self.authorizer.read), self.described)

    def failed(self, spec: MetricSpec, query: str, error: Exception) -> Said:
        return _query_failed(self.why(query, error))

    def failures(self, spec: MetricSpec, query: str, error: Exception) -> tuple[Said, ...]:
        return (self.failed(spec, query, error),)

    def why(self, query: str, error: Exception) -> Said:
        return engine_said(error)

    def close(self) -> None:
        self.connection.close()


class _Lazy(str):
    """The tables an SQLite query read are known only once its rows are read."""

    def __new__(cls, read: Callable[[], str]) -> _Lazy:
        made = super().__new__(cls, "")
        made._read = read  # type: ignore[attr-defined]
        return made

    def __str__(self) -> str:
        return str(self._read())  # type: ignore[attr-defined]

    def __format__(self, spec: str) -> str:
        return str(self)


class _DuckSource:
    """Files read into an in-memory DuckDB database, which can open no file afterwards."""

    def __init__(
        self, tables: Mapping[str, object], views: Mapping[str, str],
        broken_views: Mapping[str, Said], workspace: Path, allowed: Sequence[Path], scratch: Path,
        stop: Stop, queries: QueryCache,
    ) -> None:  # fmt: skip
        # here, not at the top: declaring metrics must not pay for it
        from okrdesk.plugins.sql_engine import NO_PROGRESS_BAR, duckdb

        self.queries = queries
        self.errors: tuple[type[Exception], ...] = (duckdb.Error,)
        self.tables: dict[str, TableFile] = {}
        self.broken_tables: dict[str, Said] = {}
        self.options_broken: dict[str, tuple[Said, ...]] = {}
        """Each problem with a table's options, for a collect to count as it lists them."""
        found: dict[str, TableFile] = {}
        for name, raw in tables.items():
            try:
                found[str(name)] = table_file(str(name), raw, workspace, allowed)
            except SqlMetricError as error:
                self.broken_tables[str(name)] = error.said
                self.options_broken[str(name)] = getattr(error, "each", (error.said,))
        # What does not fit in MEMORY_LIMIT spills to the scratch folder, but not without
        # end (sql_scratch).
        self.most_spilled = most_scratch(table.path for table in found.values())
        self.connection = duckdb.connect(
            ":memory:",
            config={
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
                "preserve_insertion_order": True,  # a table's rowid is its row in the file
                "memory_limit": MEMORY_LIMIT,
                "threads": min(2, os.cpu_count() or 1),
                "temp_directory": str(scratch / "spill"),
                "max_temp_directory_size": f"{self.most_spilled >> 20}MiB",
            },
        )
        self.connection.execute(NO_PROGRESS_BAR)
        stop.watch(self.connection.interrupt)
        self.rows_said: RowsSaid = {}
        self.summaries: dict[str, tuple[int, ...]] = {}
        """The file rows of the summary rows (合计) left out of each table's file's end."""
        self.cursors: list[duckdb.DuckDBPyConnection] = []
        self.days_held: dict[str, Days] = {}
        """The days each rolling table holds (``sql_rolling``), where it has a row."""
        cache = TableCache(workspace)
        for name, table in found.items():
            if stop.asked:
                break
            try:
                table, summaries = load_table(self.connection, table, scratch, cache)
                if table.rolling is not None:
                    try:
                        if (held := days_held(self.connection, table)) is not None:
                            self.days_held[table.name] = held
                    except SqlMetricError:
                        # Not read as rolling: not read at all, as any table refused.
                        self.connection.execute(f"DROP TABLE {quoted(table.name)}")
                        raise
                self.tables[table.name] = table
                if summaries:
                    self.summaries[table.name] = summaries
            except SqlMetricError as error:
                self.broken_tables[name] = error.said
        self.cached = tuple(cache.hits)
        # From here on no query, view or table function can open a file.
        self.connection.execute("SET enable_external_access = false")
        self.connection.execute("SET lock_configuration = true")
        self.views: dict[str, str] = {}
        self.blocked: set[str] = set()
        """Views not made because a table or view they read could not be."""
        self.broken_tables.update(
            {name: keyed(f"sources.sql.views.{name}", why) for name, why in broken_views.items()}
        )
        self._create_views(views)

    def _create_views(self, views: Mapping[str, str]) -> None:
        """Create each view; one that reads another is retried once that one exists."""
        from okrdesk.plugins.sql_engine import duckdb

        waiting = dict(views)
        while waiting:
            failed: dict[str, Said] = {}
            for name, query in waiting.items():
                try:
                    statements = self.connection.extract_statements(query)
                    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
                        # Appended to CREATE VIEW, a second statement would run on its own.
                        failed[name] = Said("a view is one SELECT, and only one",
                                            "视图只能是一条 SELECT")  # fmt: skip
                        continue
                    self.connection.execute(f'CREATE VIEW "{name}" AS {query}')
                    self.views[name] = query
                except duckdb.Error as error:
                    failed[name] = engine_said(error)
            if len(failed) == len(waiting):
                self._give_up(waiting, failed)
                return
            waiting = {n: q for n, q in waiting.items() if n in failed}

    def _give_up(self, waiting: Mapping[str, str], failed: Mapping[str, Said]) -> None:
        """Say why each view left could not be made, a view before those that read it, so
        that one reading a broken view says so rather than DuckDB's "does not exist" of
        it; views that read each other are said in DuckDB's words."""
        reads = {name: self._reads(query) for name, query in waiting.items()}
        left = dict(waiting)
        while left:
            ready = [n for n in left if not reads[n] & (left.keys() - {n})] or list(left)
            said = {n: self._why_not(n, left[n], failed[n]) for n in ready}
            self.broken_tables.update(
                {n: keyed(f"sources.sql.views.{n}", why) for n, why in said.items()}
            )
            left = {n: q for n, q in left.items() if n not in said}

    def _reads(self, query: str) -> set[str]:
        try:
            return set(self.queries.facts(query, "duckdb").tables)
        except SqlMetricError:
            return set()

    def _why_not(self, view: str, query: str, error: Said) -> Said:
        """Why ``view`` could not be made: a table or view it reads that could not be (a
        file that could not be read, a view of its own mistake) rather than DuckDB's
        "does not exist" of it (the view is then kept in ``blocked``); else DuckDB's own
        words."""
        for name in sorted(self._reads(query) & self.broken_tables.keys()):
            broken = self.broken_tables[name]
            self.blocked.add(view)
            return Said(f"reads {name}, which could not be read: {broken.en}",
                        f"它读的 {name} 读不出来：{broken.zh}")  # fmt: skip
        return error

    def run(self, query: str, params: Mapping[str, str]) -> _Result:
        from okrdesk.plugins.sql_engine import duckdb

        text, values, reads, described, traced = self._prepare(query, params)
        if traced is not None:
            try:
                cursor = self.connection.execute(traced[0], values)
                table = _traced_file(self.tables[traced[1]])
                return _Result(_columns(cursor), _fetched(cursor), reads, described, table)
            except duckdb.Error:
                pass  # the plain query says what is wrong, in the user's own words
        cursor = self.connection.execute(text, values)
        return _Result(_columns(cursor), _fetched(cursor), reads, described)

    def statement(
        self, text: str, connection: duckdb.DuckDBPyConnection | None = None
    ) -> duckdb.Statement:
        """The one SELECT of ``text``, a query in DuckDB's SQL; a second statement, or a
        parameter other than :start, :end and :through, is refused."""
        from okrdesk.plugins.sql_engine import duckdb

        statements = (connection or self.connection).extract_statements(text)
        if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
            raise SqlMetricError(*_query_failed(Said("only one SELECT may run",
                                                     "只能运行一条 SELECT")))  # fmt: skip
        unknown = set(statements[0].named_parameters) - set(PARAMETERS)
        if unknown:
            raise SqlMetricError(*sql_warehouse.unknown_parameters(sorted(unknown)))
        return statements[0]

    def _prepare(
        self,
        query: str,
        params: Mapping[str, str],
        connection: duckdb.DuckDBPyConnection | None = None,
    ) -> tuple[str, dict[str, str], str, str, tuple[str, str] | None]:
        """The query in DuckDB's SQL, its parameters, the tables and files it reads, and
        the query with its rows' numbers added (and the table they number), if it can."""
        text = to_duckdb(query)
        named = set(self.statement(text, connection).named_parameters)
        values = {name: params[name] for name in named}
        facts = self.queries.facts(text, "duckdb")
        read = sorted(facts.tables & {*self.tables, *self.views})
        reads = ", ".join(read) or "no table"
        described = ", ".join(self._files_behind(read)) or "no file"
        return text, values, reads, described, facts.row_numbers(set(self.tables))

    def held_by(self, query: str) -> Days | None:
        """The days ``query`` reads its rows from, where it reads a rolling table."""
        if not self.days_held:
            return None
        facts = self.queries.facts(to_duckdb(query), "duckdb")
        behind = self._tables_behind(sorted(facts.tables & {*self.tables, *self.views}))
        return held_by_query(behind, self.days_held)

    def _files_behind(self, names: list[str]) -> list[str]:
        """The files the tables ``names`` come from, a view's tables' files for a view."""
        return list(dict.fromkeys(self.tables[n].path.name for n in self._tables_behind(names)))

    def summaries_said(self, query: str) -> list[Said]:
        """A warning for each table ``query`` reads (through views too) whose file ended
        in summary rows that were left out."""
        if not self.summaries and not any(t.notes for t in self.tables.values()):
            return []
        facts = self.queries.facts(to_duckdb(query), "duckdb")
        read = sorted(facts.tables & {*self.tables, *self.views})
        found = []
        for name in self._tables_behind(read):
            rows = self.summaries.get(name)
            file = self.tables[name].path.name
            if rows:
                shown, many = _rows_text(list(rows), int), len(rows) > 1
                found.append(Said(
                    f"table {name}: {file} {shown} "
                    f"{'are summary rows' if many else 'is a summary row'}"
                    " (a total) at the end of the file, no client's; not counted",
                    f"表 {name}：{file} 第 {_rows_text_zh(rows)} 行是文件末尾的合计行（合计、"
                    "总计、Total），不是客户的；不计入",
                ))  # fmt: skip
            notes = self.tables[name].notes
            if notes:
                shown, many = _rows_text(list(notes), int), len(notes) > 1
                found.append(Said(
                    f"table {name}: {file} {shown} {'are notes' if many else 'is a note'} "
                    "below the data (who made it, when it was exported), no client's; not counted",
                    f"表 {name}：{file} 第 {_rows_text_zh(notes)} 行是数据下面的说明（制表人：…、"
                    "导出时间：…），不是客户的；不计入",
                ))  # fmt: skip
        return found

    def renamed_said(self, query: str) -> list[Said]:
        """A warning for each table ``query`` reads (through views too) whose header names
        two columns alike, so that a query reads one of them, or a column after them,
        under another name than its header's (calls_1)."""
        if not any(table.renamed for table in self.tables.values()):
            return []
        facts = self.queries.facts(to_duckdb(query), "duckdb")
        read = sorted(facts.tables & {*self.tables, *self.views})
        found = []
        for name in self._tables_behind(read):
            table = self.tables[name]
            if not table.renamed:
                continue
            at = f"{table.path.name}:{table.renamed[0][0]}"
            en = ", ".join(f"{letter} ({header}) is {read}"
                           for _, letter, header, read in table.renamed)  # fmt: skip
            zh = "，".join(f"{letter} 列（{header}）是 {read}"
                          for _, letter, header, read in table.renamed)  # fmt: skip
            found.append(Said(
                f"table {name}: {at}: the header names columns alike (capitals aside), and a "
                f"query reads them by other names: column {en}; if a query reads another "
                "column than it means, name the file's columns with columns = [...]",
                f"表 {name}：{at}：表头里有同名的列（不分大小写），查询要用别的名字读它们："
                f"{zh}；查询读到的若不是想要的列，请用 columns = [...] 给文件的各列命名",
            ))  # fmt: skip
        return found

    def _tables_behind(self, names: list[str]) -> list[str]:
        """The tables ``names`` are, a view's tables for a view."""
        tables: list[str] = []
        seen: set[str] = set()
        waiting = list(names)
        while waiting:
            name = waiting.pop(0)
            if name in seen:
                continue
            seen.add(name)
            if name in self.tables:
                tables.append(name)
            elif name in self.views:
                reads = self.queries.facts(self.views[name], "duckdb").tables
                waiting += sorted(reads & {*self.tables, *self.views})
        return tables

    def grouped(
        self, spec: MetricSpec, query: str, request: CollectRequest, parts: list[str],
        connection: duckdb.DuckDBPyConnection | None = None,
    ) -> _Grouped | None:  # fmt: skip
        """The query's day rows added up into the request's periods by DuckDB itself,
        with the file rows behind each figure; None when a row needs a word said about it
        (dated outside the plan, an empty or text value, a subject or slice that is not
        one) or the query's columns are not plainly typed: the row-by-row tally then
        reads it, and says the same words as ever. ``connection``: a cursor of this
        source's to run it on, else its own connection."""
        from okrdesk.plugins.sql_engine import duckdb

        db = connection or self.connection
        text, values, _, described, traced = self._prepare(query, _params(request), db)
        if not request.periods:
            return None
        candidates: list[tuple[str, str | None]] = [traced] if traced is not None else []
        typed = next(
            (
                (sql, table, found)
                for sql, table in [*candidates, (text, None)]
                if (found := _column_types(db, sql, values)) is not None
            ),
            None,
        )
        if typed is None:
            return None
        sql, table, types = typed
        dims = list(spec.dimensions)
        if "period" in types or not _plainly_typed(types, parts, dims):
            return None
        try:
            rows = db.execute(
                _grouping_sql(
                    sql, spec, parts, dims, types if table is not None else None, request
                ),
                values,
            ).fetchall()
        except duckdb.Error:
            return None
        # Taken as columns, checked a column at a time: a figure whose rows all counted
        # as they are, and whose sums are finite numbers.
        columns = list(zip(*rows, strict=True)) or [()] * (4 + len(dims) + len(parts))
        cut_at, numbers_at = 2, 2 + len(dims)
        numbers = [list(c) for c in columns[numbers_at : numbers_at + len(parts)]]
        if not all(columns[-2]) or not all(
            None not in column and all(map(math.isfinite, column)) for column in numbers
        ):
            return None
        traced_file = _traced_file(self.tables[table]) if table is not None else None
        return _Grouped(
            subjects=list(columns[0]), periods=list(columns[1]),
            cuts=list(zip(*columns[cut_at:numbers_at], strict=True)) if dims else [],
            numbers=numbers, spans=list(columns[-1]), files=described, traced=traced_file,
            single=table is not None and _single_rows(types),
        )  # fmt: skip

    def failed(self, spec: MetricSpec, query: str, error: Exception) -> Said:
        return self.unread(error) or _query_failed(self.why(query, error))

    def failures(self, spec: MetricSpec, query: str, error: Exception) -> tuple[Said, ...]:
        """``failed``'s words, each problem with the options of the table it reads one of
        its own: two are not told as "(1 problem)"."""
        return self.options_broken.get(_missing(error), ()) or (self.failed(spec, query, error),)

    def unread(self, error: Exception) -> Said | None:
        """What is wrong with a table or view a query that failed with ``error`` reads,
        when that is why it failed."""
        return self.broken_tables.get(_missing(error))

    def why(self, query: str, error: Exception) -> Said:
        """Why ``query`` failed with ``error``: in okrdesk's own words, in English as in
        Chinese, for the mistakes it knows (``engine_said``), else in DuckDB's."""
        from okrdesk.plugins.sql_engine import duckdb

        if "max_temp_directory_size" in str(error):
            # DuckDB's words would say to raise a setting no workspace can reach.
            return too_much("the query", self.most_spilled)

        if isinstance(error, duckdb.ConversionException | duckdb.InvalidInputException
                      | duckdb.OutOfRangeException):  # fmt: skip
            # DuckDB's words would quote the cell.
            kind = type(error).__name__
            said = Said(
                f"a value in the data does not fit the query ({kind}); use TRY_CAST, or give "
                "the column a type in the table's types",
                f"数据里有值与查询对不上（{kind}）；请用 TRY_CAST，或在这张表的 types 里给"
                "这一列定类型",
            )
        else:
            said = engine_said(error)
            said = self._rowless(query, said) if "Binder Error" in str(error) else said
            said = self._text_named(query, str(error), said)
            said = self._tables_named(str(error), said)
        return said

    def _tables_named(self, error: str, said: Said) -> Said:
        """``said`` of a query that reads a table there is not, with the workspace's tables
        and views named where DuckDB's guess is none of them: it guesses from its own
        catalog too (``Did you mean "pg_sequences"?``), which no query here can read."""
        missing = _missing(error)
        guess = re.search(r'Did you mean "(.+?)"\?', error)
        ours = sorted({*self.tables, *self.views, *self.broken_tables})
        if not missing or (guess is not None and guess.group(1) in ours):
            return said
        names = ", ".join(ours)
        return Said(
            f'no table named "{missing}" (the tables here are {names})' if ours
            else f'no table named "{missing}" (sources.sql.tables declares none)',
            f'没有名为 "{missing}" 的表（这里的表有 {"、".join(ours)}）' if ours
            else f'没有名为 "{missing}" 的表（sources.sql.tables 中没有声明任何表）',
        )  # fmt: skip

    def _text_named(self, query: str, error: str, said: Said) -> Said:
        """``said`` of ``query``, which failed with ``error``, and, where that is a text
        column given to a function of numbers (``sum``), the cells of the tables it reads
        that made a column of numbers text (``text_among_numbers``)."""
        from okrdesk.plugins.sql_engine import duckdb

        if not _TEXT_COLUMN.search(error):
            return said
        words = set(re.findall(r"\w+", query.lower()))
        for table in self.tables.values():
            if table.name.lower() not in words:
                continue
            try:
                cells = text_among_numbers(self.connection, table)
            except duckdb.Error:
                continue
            if cells is not None:
                return Said(f"{said.en}; {cells.en}", f"{said.zh}；{cells.zh}")
        return said

    def _rowless(self, query: str, said: Said) -> Said:
        """``said`` of ``query`` that could not be bound, and why, where a table it reads
        has no rows: a file of a header alone (an export of a day with nothing in it)
        has no cell to type its columns by, so they are number columns."""
        try:
            read = sorted(self.queries.facts(to_duckdb(query), "duckdb").tables)
        except SqlMetricError:
            return said
        for name in self._tables_behind([n for n in read if n in {*self.tables, *self.views}]):
            found = self.connection.execute(f"SELECT count(*) FROM {quoted(name)}").fetchone()
            if found is None or found[0]:
                continue
            file = self.tables[name].path.name
            return Said(
                f"{said.en.rstrip('.')}; table {name} has no rows ({file} holds no row below "
                "its header), so its columns have no cell to tell their types by and are read as "
                "numbers: "
                'give them their types in the table\'s types (as types = { day = "date" })',
                f"{said.zh}；表 {name} 没有数据行（{file} 表头下面没有行），各列没有格可定类型，"
                '都按数读：请在这张表的 types 里写明各列的类型（如 types = { day = "date" }）',
            )
        return said

    def cursor(self, stop: Stop) -> duckdb.DuckDBPyConnection:
        """A connection of its own to the same tables, with the same settings (no file
        can be opened), stopped with the others, and closed with this source."""
        cursor = self.connection.cursor()
        stop.watch(cursor.interrupt)
        self.cursors.append(cursor)
        return cursor

    def close(self) -> None:
        for cursor in self.cursors:
            cursor.close()
        self.connection.close()


MEMORY_LIMIT = "320MB"
"""DuckDB's own limit; beyond it, it spills to the scratch folder."""


@attrs.frozen
class _Grouped:
    """A query's figures, added up into periods by DuckDB, as columns: the subject, the
    period, each dimension's value (none without dimensions), each part's sum, the file
    rows behind it."""

    subjects: list[str]
    periods: list[str]
    cuts: list[tuple[str, ...]]
    numbers: list[list[float]]
    """A column of sums for each of the metric's parts (value, or numerator and
    denominator)."""
    spans: list[Any]
    """Each figure's file rows: its rows' numbers (``single``), else a flat list of
    numbers, first, last and how many rows of each span behind it in turn."""
    files: str
    traced: _Traced | None
    single: bool = False
    """Whether each figure's rows come as row numbers, each one row of the file (the
    query groups none: ``_single_rows``), rather than as spans."""

    def sources(self, metric: str, said: RowsSaid) -> list[str]:
        """Each figure's source; ``said`` keeps the words for each set of file rows, which
        metrics grouping a table alike share, so each set is worded once a collect."""
        if self.traced is None:
            return [self.source(metric, None)] * len(self.spans)
        known = said.setdefault((self.traced, self.single), {})
        found = []
        for spans in self.spans:
            if not spans:
                found.append(self.source(metric, spans))
                continue
            key = tuple(spans)
            rows = known.get(key)
            if rows is None:
                rows = known[key] = self._rows(spans)
            found.append(f"SQL metric {metric}: {rows}")
        return found

    def source(self, metric: str, spans: list[Any] | None) -> str:
        if self.traced is None or not spans:
            return f"SQL metric {metric} on {self.files}"
        return f"SQL metric {metric}: {self._rows(spans)}"

    def _rows(self, spans: list[Any]) -> str:
        assert self.traced is not None
        if self.single:
            return self.traced.each(spans)
        numbers = iter(spans)  # first, last, rows of each span, one after another
        triples = list(map(list, zip(numbers, numbers, numbers, strict=False)))
        return self.traced.many(triples)


RowsSaid = dict[tuple[Any, ...], dict[tuple[Any, ...], str]]
"""A table's file rows (its ``_Traced`` and whether they come single) → each set of its
rows, as ``_Grouped.spans`` gives them → their words."""


def _single_rows(types: Mapping[str, str]) -> bool:
    """Whether a query's rows, as ``_grouping_sql`` reads them with these columns, each
    stand for one file row: its figures' rows are then fetched as bare row numbers, far
    lighter to bring into Python than a span apiece."""
    return ROW_FIRST in types and ROW_LAST not in types


_DAY_TYPES = ("DATE", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS")
_NUMBER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                 "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE")  # fmt: skip


def _column_types(
    connection: duckdb.DuckDBPyConnection, sql: str, values: Mapping[str, str]
) -> dict[str, str] | None:
    """Each column's type (None when the query does not run)."""
    from okrdesk.plugins.sql_engine import duckdb

    try:
        cursor = connection.execute(f"SELECT * FROM ({sql}) LIMIT 0", values)
    except duckdb.Error:
        return None
    return {str(c[0]).lower(): str(c[1]) for c in cursor.description or ()}


def _plainly_typed(types: Mapping[str, str], parts: list[str], dims: list[str]) -> bool:
    """Whether the tally would take each row of these column types as it is: a date,
    text subjects and slices, numbers that are floats or fit in 64 bits."""
    number = all(
        types.get(p, "") in _NUMBER_TYPES or types.get(p, "").startswith("DECIMAL") for p in parts
    )
    text = all(types.get(c) == "VARCHAR" for c in ("subject", *dims))
    return number and text and types.get("day") in _DAY_TYPES


def _grouping_sql(
    sql: str, spec: MetricSpec, parts: list[str], dims: list[str],
    traced: Mapping[str, str] | None, request: CollectRequest,
) -> str:  # fmt: skip
    """The query's rows joined to the request's periods (each cut at ``through``) and
    added up by subject, period and slice; a stock takes each group's last day only.
    Each group says whether every row of it was one the tally counts as it is."""
    periods = ", ".join(
        f"({literal(p.id)}, DATE '{p.start}', DATE '{min(p.end, request.through)}')"
        for p in request.periods
        if p.start <= request.through
    )
    subjects = ", ".join(
        literal(s) for s in sorted({p.id for p in request.people} | {u.id for u in request.units})
    )
    spans_of_days = [(p.start, min(p.end, request.through)) for p in request.periods
                     if p.start <= request.through]  # fmt: skip
    apart = all(a[1] < b[0] for a, b in itertools.pairwise(spans_of_days))
    # Periods one after another (one grain's): each day meets the period starting last on
    # or before it, an ASOF join, far quicker than a range join; a day after its end (past
    # ``through``) lies outside.
    period, joined = (
        ("CASE WHEN CAST(q.day AS DATE) <= p.last THEN p.id END",
         "q ASOF LEFT JOIN p ON CAST(q.day AS DATE) >= p.first")
        if apart
        else ("p.id", "q LEFT JOIN p ON CAST(q.day AS DATE) BETWEEN p.first AND p.last")
    )  # fmt: skip
    by = ["q.subject", period, *(f"q.{quoted(d)}" for d in dims)]
    clean = [
        f"{period} IS NOT NULL",
        # Not IN (…): DuckDB spends milliseconds planning a long IN list, a list none.
        f"list_contains([{subjects}], q.subject)" if subjects else "false",
        *(f"isfinite(CAST(q.{quoted(c)} AS DOUBLE))" for c in parts),
        *(f"q.{quoted(d)} IS NOT NULL AND NOT regexp_full_match(q.{quoted(d)}, '\\s*') "
          f"AND NOT contains(q.{quoted(d)}, {literal(SLICE_SEPARATOR)})" for d in dims),
    ]  # fmt: skip
    latest = (
        f"max(CAST(q.day AS DATE)) OVER (PARTITION BY {', '.join(by)})"
        if spec.kind is MetricKind.STOCK
        else "CAST(q.day AS DATE)"
    )
    counted = "okrdesk_day = okrdesk_latest"
    sums = [f"sum(CAST({quoted(c)} AS DOUBLE)) FILTER (WHERE {counted})" for c in parts]
    # A query that groups no rows numbers each by its first row alone.
    last = f"coalesce({ROW_LAST}, {ROW_FIRST})" if traced and ROW_LAST in traced else ROW_FIRST
    count = f"coalesce({ROW_COUNT}, 1)" if traced and ROW_COUNT in traced else "1"
    # In no order: the text that names them sorts them (_spans_text); DuckDB's sort per
    # figure cost a third of the query. One flat list of numbers, three a span: far
    # quicker to bring into Python than a list of lists.
    spans = (
        f"flatten(list([{ROW_FIRST}, {last}, {count}]) "
        f"FILTER (WHERE {counted} AND {ROW_FIRST} IS NOT NULL))"
        if traced and ROW_FIRST in traced
        else "NULL"
    )
    if traced and _single_rows(traced):
        spans = f"list({ROW_FIRST}) FILTER (WHERE {counted} AND {ROW_FIRST} IS NOT NULL)"
    names = ["okrdesk_subject", "okrdesk_period", *(f"okrdesk_dim{i}" for i in range(len(dims)))]
    return (
        f"WITH q AS ({sql}), p(id, first, last) AS (VALUES {periods}), "
        f"j AS (SELECT q.*, {', '.join(f'{b} AS {n}' for b, n in zip(by, names, strict=True))}, "
        f"CAST(q.day AS DATE) AS okrdesk_day, {latest} AS okrdesk_latest, "
        f"coalesce({' AND '.join(clean)}, false) AS okrdesk_clean "
        f"FROM {joined}) "
        f"SELECT {', '.join(names)}, {', '.join(sums)}, bool_and(okrdesk_clean), {spans} "
        f"FROM j GROUP BY {', '.join(names)}"
    )


_EMPTY_SUBJECT = Said(
    "column subject is empty: the row is no one's (a client no manager holds yet, or a row "
    "below a cell merged over rows in Excel, which is saved in the first row alone); fill "
    "in each row's id in the export, or leave such rows out in the query",
    "subject 列是空的：这一行不属于任何人（还没有客户经理的客户，或 Excel 里跨行合并的格"
    "下面的行：合并的格保存时只留在第一行）；请在导出文件里给每一行都填上 id，或在查询里"
    "去掉这样的行",
)
_SERIAL_DAY = Said(
    "column day holds a number, not a date: Excel's serial number of a day (46086 is "
    "2026-03-05), as it saves a column of dates not formatted as dates; format the column "
    "as dates (yyyy-mm-dd) in Excel before saving the export (a workbook read as it is: "
    'give the column "date" in the table\'s types)',
    "day 列是数，不是日期：是 Excel 给日期的序号（46086 即 2026-03-05），没设成日期格式的"
    "日期列会这样保存；请先在 Excel 里把这一列设成日期格式（yyyy-mm-dd），再导出（直接读"
    '工作簿时，可在这张表的 types 里把这一列设为 "date"）',
)


def _serial_day(value: object) -> bool:
    """Whether ``value``, a row's day, is a whole number in the range of Excel's serial
    numbers of the days a plan may hold (1982 to 2173)."""
    text = str(value).strip().removesuffix(".0")
    return text.isascii() and text.isdigit() and 30_000 <= int(text) <= 100_000


_TEXT_COLUMN = re.compile(r"No function matches the given name and argument types .*VARCHAR")


def _query_failed(why: Said) -> Said:
    return Said(f"the query failed: {why.en}", f"查询出错：{why.zh}")


def _columns(cursor: duckdb.DuckDBPyConnection) -> list[str]:
    return [str(c[0]).lower() for c in cursor.description or ()]


def _fetched(cursor: duckdb.DuckDBPyConnection) -> Iterator[tuple[Any, ...]]:
    while batch := cursor.fetchmany(10_000):
        yield from batch


_Source = _SqliteSource | _DuckSource


def _connect(
    settings: Mapping[str, Any], workspace: Path, scratch: Path, stop: Stop, queries: QueryCache
) -> _Source:
    database, tables = settings.get("database"), tables_of(settings)
    if database is not None and tables:
        raise SqlMetricError("sources.sql: give either database or tables, not both",
                             "sources.sql: database 和 tables 只能写一个")  # fmt: skip
    allowed = allowed_folders(settings, workspace)
    if database is not None:
        source = _SqliteSource(
            confined(workspace, str(database), "sources.sql.database", allowed), queries
        )
        stop.watch(source.connection.interrupt)
        return source
    views, broken = _views(settings)
    return _DuckSource(tables, views, broken, workspace, allowed, scratch, stop, queries)


# ---------------------------------------------------------------- collecting


class Stop:
    """Stops a collect that runs in okrdesk's own process when its time is up: the
    query running is interrupted (DuckDB and SQLite both can be) and no other starts."""

    def __init__(self) -> None:
        self.asked = False
        self._interrupts: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    def watch(self, interrupt: Callable[[], None]) -> None:
        with self._lock:
            self._interrupts.append(interrupt)
            if self.asked:
                interrupt()

    def __call__(self) -> None:
        with self._lock:
            self.asked = True
            for interrupt in self._interrupts:
                interrupt()

    def forget(self) -> None:
        """Before the connections close: interrupting a closed one is an error."""
        with self._lock:
            self._interrupts.clear()


def collect(request: CollectRequest, emit: Emit, stop: Stop | None = None) -> None:
    """Collect the request's SQL metrics (the plugin's ``okrdesk_collect``); ``stop``,
    when given, can end it early."""
    stop = stop or Stop()
    wanted = {spec.name for spec in request.metrics}
    found, _, all_rules = ruled_definitions(request.settings)
    definitions = [(s, q) for s, q in found if s.name in wanted]
    if not definitions:
        return
    rules = {name: rule for name, rule in all_rules.items() if name in wanted}
    emit = ruled = Ruled(emit, rules)
    people = frozenset(person.id for person in request.people)
    periods = [period.id for period in request.periods]
    keys = {spec.name: query_key(request.settings, spec.name) for spec, _ in definitions}
    rolling = {name: rule.rolling for name, rule in rules.items() if rule.rolling}
    if has_connection(request.settings):
        _collect_from_warehouse(definitions, request, emit,
                                lambda name: ruled.zeros(name, people, periods),
                                keys, rolling)  # fmt: skip
        return
    queries = QueryCache()
    if request.settings.get("database") is None and not all(
        queries.known(to_duckdb(query), "duckdb") for _, query in definitions
    ):
        # sqlglot, which reads the queries, takes a good part of a second to import:
        # import it while DuckDB, which lets go of the GIL, reads the files.
        threading.Thread(target=_import_sqlglot, name="okrdesk-sqlglot", daemon=True).start()
    with tempfile.TemporaryDirectory(prefix="okrdesk-sql-") as folder:
        source = _connect(request.settings, request.workspace, Path(folder), stop, queries)
        ahead = None
        if isinstance(source, _DuckSource) and len(definitions) > 1 and not stop.asked:
            ahead = _Ahead(source, definitions, request, stop)
        try:
            for index, (spec, query) in enumerate(definitions):
                if stop.asked:
                    return
                try:
                    grouped = functools.partial(ahead.grouped, index) if ahead else None
                    _collect_one(source, spec, query, request, emit, grouped,
                                 keys[spec.name], rolling.get(spec.name, False))  # fmt: skip
                    ruled.zeros(spec.name, people, periods)
                except SqlMetricError as error:
                    _fail(emit, spec.name, error.said)
                except source.errors as error:
                    for said in source.failures(spec, query, error):
                        _fail(emit, spec.name, _at_query(keys[spec.name], said))
        finally:
            if ahead is not None:
                ahead.finish()
            stop.forget()
            source.close()
            queries.save()


class _Ahead:
    """Each metric's figures added up by DuckDB (``_DuckSource.grouped``) one metric
    ahead of the one emitted, on a cursor of their own in a thread: DuckDB works outside
    the GIL while Python words and checks the figures before. At most the next metric's
    figures wait beside the ones emitted. (Plain threads: concurrent.futures would
    import logging, 15 ms.)"""

    def __init__(
        self, source: _DuckSource, definitions: list[tuple[MetricSpec, str]],
        request: CollectRequest, stop: Stop,
    ) -> None:  # fmt: skip
        self.source, self.definitions, self.request = source, definitions, request
        self.cursor = source.cursor(stop)
        self.found: dict[int, tuple[_Grouped | None, BaseException | None]] = {}
        self.worker: tuple[int, threading.Thread] | None = None

    def grouped(self, index: int) -> _Grouped | None:
        """Metric ``index``'s figures, or what adding them up raised; the next metric's
        are started before they are returned."""
        if index not in self.found and (self.worker is None or self.worker[0] != index):
            self._start(index)
        self.finish()
        if index + 1 < len(self.definitions):
            self._start(index + 1)
        grouped, error = self.found.pop(index)
        if error is not None:
            raise error
        return grouped

    def _start(self, index: int) -> None:
        spec, query = self.definitions[index]

        def work() -> None:
            try:
                grouped = self.source.grouped(
                    spec, query, self.request, _parts_of(spec), self.cursor
                )
                self.found[index] = (grouped, None)
            except BaseException as error:  # raised where the metric is collected
                self.found[index] = (None, error)

        thread = threading.Thread(target=work, name="okrdesk-sql-ahead", daemon=True)
        self.worker = (index, thread)
        thread.start()

    def finish(self) -> None:
        """Wait for the metric being added up (stopped, when the collect is)."""
        if self.worker is not None:
            self.worker[1].join()
            self.worker = None


def _import_sqlglot() -> None:
    with contextlib.suppress(ImportError):
        import sqlglot.dialects.duckdb  # noqa: F401


def _parts_of(spec: MetricSpec) -> list[str]:
    return ["numerator", "denominator"] if spec.kind is MetricKind.RATIO else ["value"]


def _collect_one(
    source: _Source, spec: MetricSpec, query: str, request: CollectRequest, emit: Emit,
    ahead: Callable[[], _Grouped | None] | None = None, key: str = "",
    rolling: bool | str = False,
) -> None:  # fmt: skip
    """One metric; ``ahead``: its figures as DuckDB added them up (``_Ahead``); ``key``:
    where its query is written, which a mistake of the query names; ``rolling``: its
    source holds only the days of the rows its query gives (``rolling = true``) or of a
    table's column (``"table.column"``)."""
    declared = (
        _sqlite_declared_days(source, rolling, key)
        if isinstance(rolling, str) and isinstance(source, _SqliteSource)
        else None
    )
    if declared is not None:
        emit.covers(*declared, spec.name)
    params = {
        "start": request.periods[0].start.isoformat() if request.periods else "",
        "end": request.periods[-1].end.isoformat() if request.periods else "",
        "through": request.through.isoformat(),
    }
    parts = _parts_of(spec)
    with _at_its_query(key):
        if isinstance(source, _DuckSource):
            if (held := source.held_by(query)) is not None:
                emit.covers(*held, spec.name)
            for said in [*source.summaries_said(query), *source.renamed_said(query)]:
                _warn(emit, spec.name, said)
            grouped = ahead() if ahead is not None else source.grouped(spec, query, request, parts)
            if grouped is not None:
                note = division_said(source.queries.facts(to_duckdb(query), "duckdb").division)
                _emit_grouped(grouped, spec, note, parts, emit, source.rows_said)
                return
        result = source.run(query, params)
        if (missing := missing_output(spec, result.columns)) is not None:
            raise missing
    time = "period" if "period" in result.columns else "day"
    if rolling is True and time == "period":
        raise _no_days_to_hold(key)
    tally = _Tally(spec, request, result, time, parts)
    pick = tally.picker(result.columns)
    add = tally.add
    for number, row in enumerate(result.rows, start=1):
        add(number, pick(row))
    if rolling is True and (held := tally.days_given()) is not None:
        emit.covers(*held, spec.name)
    division = (
        division_said(source.queries.facts(to_duckdb(query), "duckdb").division)
        if isinstance(source, _DuckSource)
        else None
    )
    tally.emit_all(emit, division)


def _rolling_key(key: str) -> str:
    """The ``rolling`` key of the metric whose query is at ``key``."""
    return f"{key.rpartition('.')[0] or key}.rolling"


def _sqlite_declared_days(source: _SqliteSource, declared: str, key: str) -> Days | None:
    """The days of the SQLite table's column ``declared`` (``rolling = "table.column"``);
    a table or column the file lacks is told at the metric's ``rolling`` key."""
    where = _rolling_key(key)
    try:
        rows = source.connection.execute(first_and_last_sql(declared)).fetchall()
    except source.errors as error:
        said = engine_said(error)
        raise SqlMetricError(
            f"{where}: {declared} cannot be read in {source.described}: {said.en}",
            f"{where}: 无法在 {source.described} 中读取 {declared}：{said.zh}",
        ) from None
    return declared_days(rows, declared, where)


def _no_days_to_hold(key: str) -> SqlMetricError:
    """``rolling = true`` on a query returning periods, whose rows give no day."""
    where = _rolling_key(key)
    return SqlMetricError(
        f"{where}: the query returns period, not day: its rows give no day to say which "
        "days its source holds; return each row's day",
        f"{where}: 查询返回的是 period 而不是 day：各行没有日期，无法说明数据源有哪些日期；"
        "请返回每行的 day",
    )


def missing_output(spec: MetricSpec, columns: Sequence[str]) -> SqlMetricError | None:
    """The error of a query for ``spec`` returning ``columns`` (lower-case, as a collect
    reads them) without a column the metric needs; None when it has them all. The one
    rule for the collect and for ``okrdesk validate``."""
    parts = _parts_of(spec)
    time = "period" if "period" in columns else "day"
    missing = [c for c in ("subject", time, *parts, *spec.dimensions) if c not in columns]
    return _missing_columns(parts, missing) if missing else None


def _missing_columns(parts: list[str], missing: list[str]) -> SqlMetricError:
    wanted, absent = " and ".join(parts), ", ".join(missing)
    return SqlMetricError(
        f"the query must return columns subject, period or day, and {wanted}; missing {absent}",
        f"查询须返回 subject、period 或 day 列，以及 {' 和 '.join(parts)} 列；缺少 {absent}",
    )


def _emit_grouped(
    grouped: _Grouped, spec: MetricSpec, note: Said, parts: list[str], emit: Emit,
    said: RowsSaid | None = None,
) -> None:  # fmt: skip
    if note.en and grouped.subjects:
        _warn(emit, spec.name, note)
    sources = grouped.sources(spec.name, said if said is not None else {})
    ratio = len(parts) == 2
    if not spec.dimensions:
        # One call for the metric: a plainly sound batch is checked in a few passes.
        emit.many(
            spec.name, grouped.subjects, grouped.periods,
            values=None if ratio else grouped.numbers[0],
            numerators=grouped.numbers[0] if ratio else None,
            denominators=grouped.numbers[1] if ratio else None,
            sources=sources,
        )  # fmt: skip
        return
    for i, (subject, period, cut, source) in enumerate(
        zip(grouped.subjects, grouped.periods, grouped.cuts, sources, strict=True)
    ):
        emit(spec.name, subject, period, source=source,
             **_parts(parts, [column[i] for column in grouped.numbers]),
             dimensions=dict(zip(spec.dimensions, cut, strict=True)))  # fmt: skip


def _collect_from_warehouse(
    definitions: list[tuple[MetricSpec, str]], request: CollectRequest, emit: Emit,
    collected: Callable[[str], None], keys: Mapping[str, str],
    rolling: Mapping[str, bool | str] | None = None,
) -> None:  # fmt: skip
    """Each metric's query, grouped by subject and period on the warehouse; ``collected``
    is told each metric's name once its figures are all emitted. A connection that fails
    fails every metric of this source; a query that fails or times out fails its metric
    alone, at its key (``keys``: metric → the key of its query). The metrics ``rolling``
    hold only some days (``_collect_aggregates``)."""
    rolling = rolling or {}
    allowed = allowed_folders(request.settings, request.workspace)
    try:
        warehouse = sql_warehouse.connect(request.settings, request.workspace, allowed)
    except SqlMetricError as error:
        for spec, _ in definitions:
            _fail(emit, spec.name, error.said)
        return
    try:
        for spec, query in definitions:
            try:
                _collect_aggregates(warehouse, spec, query, request, emit, keys[spec.name],
                                    rolling.get(spec.name, False))  # fmt: skip
                collected(spec.name)
            except sql_warehouse.WarehouseUnreachable as error:
                for other, _ in definitions[definitions.index((spec, query)) :]:
                    _fail(emit, other.name, error.said)
                return
            except SqlMetricError as error:
                _fail(emit, spec.name, error.said)
    finally:
        warehouse.close()


def _collect_aggregates(
    warehouse: sql_warehouse.Warehouse, spec: MetricSpec, query: str, request: CollectRequest,
    emit: Emit, key: str, rolling: bool | str = False,
) -> None:  # fmt: skip
    """One metric's figures, grouped on the warehouse; a mistake of its query (one the
    warehouse or sqlglot cannot read, a column missing, a time limit) told at ``key``;
    ``rolling``: its source holds the days from its rows' first day to their last (true)
    or from a table's column's (``"table.column"``), read on the warehouse."""
    if isinstance(rolling, str) and (held := _warehouse_declared_days(warehouse, rolling, key)):
        emit.covers(*held, spec.name)
    try:
        answer = _aggregated(warehouse, spec, query, request)
    except sql_warehouse.WarehouseUnreachable:
        raise
    except SqlMetricError as error:
        raise SqlMetricError(*_at_query(key, error.said)) from None
    read = ", ".join(sorted(tables_read(query))) or "no table"
    parts = _parts_of(spec)
    result = _Result(answer.columns, iter(()), read, warehouse.described)
    tally = _Tally(spec, request, result, "period", parts)
    if rolling is True and sql_warehouse.FIRST_DAY not in answer.columns:
        raise _no_days_to_hold(key)
    days: list[dt.date] = []
    for number, found in enumerate(sql_warehouse.aggregates(answer), start=1):
        row = tally.layout(found)
        period, count = found["period"], int(found[sql_warehouse.ROWS])
        if rolling is True and found[sql_warehouse.FIRST_DAY] is not None:
            days += (dt.date.fromisoformat(str(found[sql_warehouse.FIRST_DAY])[:10]),
                     dt.date.fromisoformat(str(found[sql_warehouse.LAST_DAY])[:10]))  # fmt: skip
        if period == sql_warehouse.NO_DAY:
            subject = printable(str(found["subject"]))[:40]
            raise SqlMetricError(
                f"table {read}: {_rows(count)} of subject {subject} have an empty (NULL) day",
                f"表 {read}：subject 为 {subject} 的 {_rows_zh(count)}，day 为空（NULL）",
            )
        if period in (sql_warehouse.BEFORE, sql_warehouse.AFTER):
            side = "before" if period == sql_warehouse.BEFORE else "after"
            first = dt.date.fromisoformat(str(found[sql_warehouse.FIRST_DAY])[:10])
            last = dt.date.fromisoformat(str(found[sql_warehouse.LAST_DAY])[:10])
            tally.outside_rows(side, first, last, count)
            continue
        tally.add(number, row)
    if days:
        emit.covers(min(days), max(days), spec.name)
    tally.emit_all(emit)


def _warehouse_declared_days(
    warehouse: sql_warehouse.Warehouse, declared: str, key: str
) -> Days | None:
    """The days of the warehouse table's column ``declared``; a table or column it lacks
    is told at the metric's ``rolling`` key."""
    import sqlglot

    where = _rolling_key(key)
    sql = sqlglot.transpile(first_and_last_sql(declared), "duckdb", warehouse.dialect)[0]
    try:
        answer = warehouse.run(sql)
    except sql_warehouse.WarehouseUnreachable:
        raise
    except sql_warehouse.WarehouseRefused as error:
        table, column = declared.split(".")
        raise SqlMetricError(
            f"{where}: the first and last day of column {column} of table {table} cannot be "
            f"read on {warehouse.described}; it answered: {error.answer}",
            f"{where}: 无法在 {warehouse.described} 上读取表 {table} 的 {column} 列的首末日期；"
            f"它的回答：{error.answer}",
        ) from None
    except SqlMetricError as error:
        raise SqlMetricError(*keyed(where, error.said)) from None
    return declared_days(answer.rows, declared, where)


def _aggregated(
    warehouse: sql_warehouse.Warehouse, spec: MetricSpec, query: str, request: CollectRequest
) -> sql_warehouse.Answer:
    """The answer of ``query`` grouped by subject and period on the warehouse."""
    if spec.dimensions:
        raise SqlMetricError("dimensions are read from files and SQLite/DuckDB databases; "
                             "a warehouse connection does not split by them yet",
                             "维度只能从文件和 SQLite、DuckDB 数据库读；连接数据仓库时"
                             "还不能按维度拆分")  # fmt: skip
    parts = _parts_of(spec)
    columns = sql_warehouse.output_columns(query)
    if not columns:
        probe = sql_warehouse.columns_probe(query, warehouse.dialect, _params(request))
        columns = warehouse.run(probe).columns
    time = "period" if "period" in columns else "day"
    missing = [c for c in ("subject", time, *parts) if c not in columns]
    if missing:
        raise _missing_columns(parts, missing)
    sql = sql_warehouse.pushed_down(
        query, warehouse.dialect, spec.kind, time == "day", request.periods, _params(request),
        request.through,
    )  # fmt: skip
    return warehouse.run(sql)


def _parts(parts: list[str], numbers: list[float]) -> dict[str, Any]:
    """Figures by the keywords ``emit`` takes them by (``value``, or ``numerator`` and
    ``denominator``)."""
    return dict(zip(parts, numbers, strict=True))


def _params(request: CollectRequest) -> dict[str, str]:
    return {
        "start": request.periods[0].start.isoformat() if request.periods else "",
        "end": request.periods[-1].end.isoformat() if request.periods else "",
        "through": request.through.isoformat(),
    }


def _missing(error: Exception | str) -> str:
    """The table DuckDB's ``error`` says does not exist; "" for any other error."""
    missing = re.search(r"Table with name (\w+) does not exist", str(error))
    return missing.group(1) if missing else ""


def _fail(emit: Emit, metric: str, said: Said) -> None:
    emit.error(metric, said.en, zh=said.zh)


@contextlib.contextmanager
def _at_its_query(key: str) -> Iterator[None]:
    """A mistake of a metric's query raised inside (one the engine or sqlglot cannot
    read, a column it must return missing), begun with ``key`` (``_at_query``)."""
    try:
        yield
    except SqlMetricError as error:
        said = _at_query(key, error.said)
        if said == error.said:
            raise
        raise SqlMetricError(*said) from None


def _at_query(key: str, said: Said) -> Said:
    """A mistake of a metric's query, begun with ``key``, where the query is written in
    okrdesk.toml (a collect tells it at that key's line, as validate does); one begun with
    the key of what it is about already (a table's, a view's, which the query reads) as
    it is."""
    if not key or said.en.startswith("sources.sql."):
        return said
    return keyed(key, said)


def _warn(emit: Emit, metric: str, said: Said) -> None:
    warning = getattr(emit, "warning", None)
    if warning is not None:
        warning(metric, said.en, zh=said.zh)  # the warning names its plugin and metric


_INT64 = 2**63

Span = list[int]
"""[first rowid, last rowid, rows]: file rows behind a figure."""


class _Tally:
    """Sums the rows into (subject, period); for stocks keeps only each period's last day.

    Counts what it leaves out: rows dated outside the plan or after ``through``,
    and rows whose value is empty or text. A row that cannot count at all is an
    error, named by its number in the query's result (or its file row) and the
    tables the query read, never by its content: the file may not be a CRM export.
    """

    def __init__(
        self, spec: MetricSpec, request: CollectRequest, result: _Result, time: str,
        parts: list[str],
    ) -> None:  # fmt: skip
        self.spec, self.request, self.result, self.time, self.parts = (
            spec, request, result, time, parts,
        )  # fmt: skip
        self.starts = [p.start for p in request.periods]
        self.subjects = {p.id for p in request.people} | {u.id for u in request.units}
        self.asked = {p.id for p in request.periods}
        self.totals: dict[tuple[str, ...], list[float]] = {}
        """(subject, period, each dimension's value) → the parts' sums."""
        self.spans: dict[tuple[str, ...], list[Span]] = {}
        self.latest: dict[tuple[str, ...], dt.date] = {}
        self.days: dict[object, tuple[str, dt.date, str]] = {}
        """Each ``day`` value seen, placed: many rows share a day."""
        self.outside: dict[str, list[Any]] = {}
        """'before' or 'after' → [rows, first day, last day]."""
        self.left_out: dict[Said, list[Any]] = {}
        """why → [rows, the number and file rows (``_span``) of the first few]."""
        self.unread: set[tuple[str, str]] = set()
        """Each (subject, period) with a row left out for its figure (empty, or text)."""

    def picker(self, columns: Sequence[str]) -> Callable[[Sequence[Any]], Sequence[Any]]:
        """Takes a result row to the tally's layout: subject, day or period, the parts,
        then the first, last and count of the file rows behind it (None when untraced)."""
        at = {name: k for k, name in enumerate(columns)}
        wanted = ["subject", self.time, *self.parts, ROW_FIRST, ROW_LAST, ROW_COUNT,
                  *self.spec.dimensions]  # fmt: skip
        found = [at.get(name) for name in wanted]
        present = [k for k in found if k is not None]
        if found[: len(present)] != present:  # a column the query must return is missing
            return lambda row: tuple(None if k is None else row[k] for k in found)
        get = operator.itemgetter(*present)
        if len(present) == len(found):
            return get
        missing = (None,) * (len(found) - len(present))
        return lambda row: get(row) + missing

    def layout(self, row: Mapping[str, Any]) -> Sequence[Any]:
        """A result row given by column name, in the tally's layout."""
        wanted = ["subject", self.time, *self.parts, ROW_FIRST, ROW_LAST, ROW_COUNT,
                  *self.spec.dimensions]  # fmt: skip
        return tuple(row.get(name) for name in wanted)

    def _span(self, row: Sequence[Any]) -> Span | None:
        """The file rows behind a result row (first, last, how many); None untraced."""
        at = 2 + len(self.parts)
        first, last, count = row[at], row[at + 1], row[at + 2]
        if self.result.traced is None or first is None:
            return None
        if (1 if count is None else count) == 1:
            return [int(first), int(first), 1]
        return [int(first), int(last), int(count)]

    def _where(self, found: Sequence[tuple[int, Span | None]]) -> Said:
        """Where result rows (each its number and file rows) came from: their file rows
        cited as a figure's source cites them (docs/plugins.md, "Citing the rows behind a
        figure"), "salons.csv rows 5, 9" (第 5、9 行), "rows 2-40 (12 rows)" (第 2–40 行中的
        12 行): rows of a spreadsheet, not an editor's "salons.csv:5". Untraced, the
        query's result rows by number."""
        traced = self.result.traced
        spans = [span for _, span in found if span is not None]
        if traced is None or len(spans) < len(found):
            return Said(", ".join(f"result row {number}" for number, _ in found),
                        "、".join(f"结果第 {number} 行" for number, _ in found))  # fmt: skip
        rows = traced.many(spans)
        zh = source_text(rows, "zh")
        return Said(rows, zh)

    def _no_id(self, subject: str) -> Said:
        """Why ``subject`` is none of the plan's ids. A CRM writes its managers' names, or
        ids in its own capitals: such a subject is told by the plan's id and name, the
        plan's words; anything else is not quoted (the file may hold anything)."""
        from okrdesk.model import person_key

        key = person_key(subject)
        plan = [(p.id, p.name) for p in self.request.people]
        plan += [(u.id, u.name) for u in self.request.units]
        named = [(id_, name) for id_, name in plan if person_key(name) == key]
        if named:
            whose = ", ".join(f"{id_} ({name})" for id_, name in named)
            whose_zh = "、".join(f"{id_}（{name}）" for id_, name in named)
            return Said(
                f"column subject holds the name of {whose} in the plan, not an id: return "
                "the id (a table of names and ids, joined in the query, gives it)",
                f"subject 列写的是计划里 {whose_zh}的名字，不是 id：请返回 id"
                "（可在查询里联接一张名字与 id 的对照表）",
            )
        alike = sorted(i for i in self.subjects if i.casefold() == key.casefold())
        if alike:
            return Said(
                f"column subject is not an id in the plan, but for its capitals "
                f"{', '.join(alike)} is: ids are matched exactly (lower(cm) in the query "
                "gives lower-case ones)",
                f"subject 列不是计划里的 id，只是大小写与 {'、'.join(alike)} 不同："
                "id 须完全一致（查询里写 lower(cm) 可统一为小写）",
            )
        return Said("column subject is not the id of a person or unit in the plan",
                    "subject 列不是计划里人员或单位的 id")  # fmt: skip

    def _fail(self, number: int, row: Sequence[Any], message: Said) -> SqlMetricError:
        where, reads = self._where([(number, self._span(row))]), self.result.reads
        return SqlMetricError(f"table {reads}, {where.en}: {message.en}",
                              f"表 {reads}，{where.zh}：{message.zh}")  # fmt: skip

    def add(self, number: int, row: Sequence[Any]) -> None:
        """One result row, in the layout ``picker`` gives."""
        subject = row[0]
        if subject not in self.subjects:
            subject = str(subject)
            if subject not in self.subjects:
                empty = row[0] is None or not subject.strip()
                raise self._fail(number, row, _EMPTY_SUBJECT if empty else self._no_id(subject))
        day: dt.date | None = None
        if self.time == "period":
            period = str(row[1])
            if period not in self.asked:
                self.outside_rows(*self._period_outside(number, row, period), 1)
                return
        else:
            raw = row[1]
            placed = self.days.get(raw)
            if placed is None:
                placed = self.days[raw] = self._place(number, row)
            side, day, period = placed
            if side:
                self._outside(side, day)
                return
        width = len(self.parts)
        numbers: list[float] = []
        for i in range(width):
            value = row[2 + i]
            kind = type(value)
            if kind is float and math.isfinite(value):
                numbers.append(value)
                continue
            if kind is int and -_INT64 <= value < _INT64:
                numbers.append(float(value))
                continue
            try:
                numbers.append(_number(value))
            except _NotANumber as why:
                part = self.parts[i]
                self._leave_out(Said(f"column {part} {why.said.en}", f"{part} 列{why.said.zh}"),
                                number, row)  # fmt: skip
                self.unread.add((subject, period))
                return
        key = (subject, period, *self._slice(number, row))
        if self.spec.kind is MetricKind.STOCK and day is not None:
            if key in self.latest and day < self.latest[key]:
                return
            if key in self.latest and day > self.latest[key]:
                del self.totals[key]
                self.spans.pop(key, None)
            self.latest[key] = day
        totals = self.totals.get(key)
        if totals is None:
            totals = self.totals[key] = [0.0] * width
        for i in range(width):
            total = totals[i] + numbers[i]
            if not math.isfinite(total):
                part = self.parts[i]
                raise self._fail(number, row, Said(
                    f"column {part} adds up beyond any finite number",
                    f"{part} 列加起来超出了有限的数",
                ))  # fmt: skip
            totals[i] = total
        first = row[2 + width]
        if first is not None and self.result.traced is not None:
            first = int(first)
            last, count = row[3 + width], row[4 + width]
            last = first if last is None else int(last)
            count = 1 if count is None else int(count)
            spans = self.spans.get(key)
            if spans is None:
                self.spans[key] = [[first, last, count]]
                return
            end = spans[-1]
            if count == 1 and end[1] + 1 == first and end[2] == end[1] - end[0] + 1:
                end[1] = first
                end[2] += 1
            else:
                spans.append([first, last, count])

    def _slice(self, number: int, row: Sequence[Any]) -> list[str]:
        """The row's value of each dimension the metric declares (its columns, which the
        layout puts after the file rows' first, last and count)."""
        values = []
        at = 5 + len(self.parts)
        for i, name in enumerate(self.spec.dimensions):
            value = row[at + i]
            if value is None or not str(value).strip() or SLICE_SEPARATOR in str(value):
                why = Said(
                    f"column {name} is empty or holds '{SLICE_SEPARATOR}'; a dimension needs text",
                    f"{name} 列为空或含有 '{SLICE_SEPARATOR}'；维度须是文本",
                )
                raise self._fail(number, row, why)
            values.append(str(value))
        return values

    def _place(self, number: int, row: Sequence[Any]) -> tuple[str, dt.date, str]:
        """The day of a row, and its period or the side of the plan it lies outside."""
        try:
            day = dt.date.fromisoformat(str(row[1])[:10])
        except ValueError:
            # A column of days left text (one cell in it no date) still holds days written
            # as the tables read them: 2026年3月5日, 2026.03.05.
            written = written_day(str(row[1]))
            if written is None:
                not_a_day = Said(
                    "column day is not a date (YYYY-MM-DD)", "day 列不是日期（YYYY-MM-DD）"
                )
                if _serial_day(row[1]):
                    not_a_day = _SERIAL_DAY
                raise self._fail(number, row, not_a_day) from None
            day = written
        index = bisect.bisect_right(self.starts, day) - 1
        if index < 0:
            return "before", day, ""
        if day > self.request.periods[index].end or day > self.request.through:
            return "after", day, ""
        return "", day, self.request.periods[index].id

    def _period_outside(
        self, number: int, row: Sequence[Any], written: str
    ) -> tuple[str, dt.date, dt.date]:
        """The side of the plan a period the collect did not ask for lies on, and its
        days (last year's weeks in the export, or this week's, in progress, after
        ``--through``), as a row dated outside is counted; a period of another grain than
        the plan's (a month in a plan by week), or no period id, fails its metric."""
        from okrdesk.periods import grain_of, parse_period, why_not_in_its_year

        grain = grain_of(self.request.periods[0].id) if self.request.periods else None
        try:
            period = parse_period(written)
        except ValueError:
            if (missing := why_not_in_its_year(written)) is not None:  # 2026-W54
                raise self._fail(number, row, Said(
                    f"column period is no period: {missing[0]}", f"period 列不是周期：{missing[1]}"
                )) from None  # fmt: skip
            raise self._fail(number, row, Said(
                "column period is not a period id: a week is written 2026-W03, a month "
                "2026-03, a quarter 2026-Q1; or return a date as day, put into its period",
                "period 列不是周期 id：周写作 2026-W03，月写作 2026-03，季度写作 2026-Q1；"
                "也可返回日期（day 列），由 okrdesk 归入所在周期",
            )) from None  # fmt: skip
        if grain is not None and period.grain is not grain:
            words = {"week": ("a week", "周"), "month": ("a month", "月份"),
                     "quarter": ("a quarter", "季度")}  # fmt: skip
            (held, held_zh), (asked, asked_zh) = words[period.grain], words[grain]
            raise self._fail(number, row, Said(
                f"column period holds {held}, and this plan collects by {asked[2:]} "
                f"(grain = \"{grain}\"): return a date as day, put into its {asked[2:]}, or "
                f"the {asked[2:]}'s id ({self.request.periods[0].id})",
                f"period 列写的是{held_zh}，而本计划按{asked_zh}采集（grain = \"{grain}\"）："
                f"请返回日期（day 列），由 okrdesk 归入所在的{asked_zh}，或返回{asked_zh}的 id"
                f"（如 {self.request.periods[0].id}）",
            ))  # fmt: skip
        side = "before" if not self.starts or period.end < self.starts[0] else "after"
        return side, period.start, period.end

    def _outside(self, side: str, day: dt.date) -> None:
        self.outside_rows(side, day, day, 1)

    def outside_rows(self, side: str, first: dt.date, last: dt.date, count: int) -> None:
        """``count`` rows dated ``first`` to ``last``, before or after the plan: counted."""
        seen = self.outside.setdefault(side, [0, first, last])
        seen[0] += count
        seen[1], seen[2] = min(seen[1], first), max(seen[2], last)

    def days_given(self) -> tuple[dt.date, dt.date] | None:
        """The first and last day of the rows counted or placed outside the plan; None
        where the query gave none."""
        days = [day for _, day, _ in self.days.values()]
        return (min(days), max(days)) if days else None

    def emit_all(self, emit: Emit, note: Said | None = None) -> None:
        """Every figure totalled, after the warnings (and ``note`` when there are
        figures); a metric whose rows all lie outside the plan, or were all left out
        (a column of ``¥1,234.50`` that holds no number), is an error instead."""
        name = self.spec.name
        if not self.totals and self.left_out:
            why = listed(self.warnings())
            raise SqlMetricError(f"no row could be counted: {why.en}", f"没有一行能计入：{why.zh}")
        for warning in self.warnings():
            _warn(emit, name, warning)
        if not self.totals and self.outside:
            why, through = listed(self.outside_text()), self.request.through
            raise SqlMetricError(f"no row lies inside the plan up to {through}: {why.en}",
                                 f"截至 {through}，没有一行在计划之内：{why.zh}")  # fmt: skip
        if note is not None and note.en and self.totals:
            _warn(emit, name, note)
        for key, numbers in self.totals.items():
            subject, period, *values = key
            sliced = dict(zip(self.spec.dimensions, values, strict=True))
            emit(name, subject, period, source=self.source(key), **_parts(self.parts, numbers),
                 dimensions=sliced or None)  # fmt: skip
        if isinstance(emit, Ruled):  # a row with no figure is no row with none: no zero
            emit.unread(name, self.unread)

    def _leave_out(self, why: Said, number: int, row: Sequence[Any]) -> None:
        seen = self.left_out.setdefault(why, [0, []])
        seen[0] += 1
        if len(seen[1]) < 3:
            seen[1].append((number, self._span(row)))

    def outside_text(self) -> list[Said]:
        texts = []
        plan_start = self.starts[0] if self.starts else self.request.through
        for side, (count, first, last) in sorted(self.outside.items(), reverse=True):
            dates = (
                Said(f"dated {first}", f"日期为 {first}")
                if first == last
                else Said(f"dated {first} to {last}", f"日期为 {first} 至 {last}")
            )
            edge = (
                Said(f"before the plan's first period ({plan_start})",
                     f"早于计划的第一个周期（{plan_start}）")
                if side == "before"
                else Said(f"after {self.request.through}", f"晚于 {self.request.through}")
            )  # fmt: skip
            lie = "lies" if count == 1 else "lie"
            texts.append(Said(f"{_rows(count)} {dates.en} {lie} {edge.en}",
                              f"{_rows_zh(count)}{dates.zh}，{edge.zh}"))  # fmt: skip
        return texts

    def warnings(self) -> list[Said]:
        found = [Said(f"{text.en}; not counted", f"{text.zh}；不计入")
                 for text in self.outside_text()]  # fmt: skip
        reads = self.result.reads
        for why, (count, where) in self.left_out.items():
            more = count > len(where)
            cited = self._where(where)
            shown = Said(cited.en + (", …" if more else ""), cited.zh + ("等" if more else ""))
            found.append(
                Said(
                    f"{_rows(count)} left out: {why.en} (table {reads}: {shown.en})",
                    f"{_rows_zh(count)}未计入：{why.zh}（表 {reads}：{shown.zh}）",
                )
            )
        return found

    def source(self, key: tuple[str, ...]) -> str:
        traced = self.result.traced
        spans = self.spans.get(key)
        if traced is None or not spans:
            return f"SQL metric {self.spec.name} on {self.result.files}"
        return f"SQL metric {self.spec.name}: {traced.many(spans)}"


def _rows(count: int) -> str:
    return "1 row" if count == 1 else f"{count:,} rows"


def _rows_zh(count: int) -> str:
    return f"{count:,} 行"


def _rows_text_zh(rows: Sequence[int]) -> str:
    """File rows as the Chinese messages write them: "12", "12–13", "5、12"."""
    return "、".join(
        str(first) if first == last else f"{first}–{last}" for first, last in _runs(sorted(rows))
    )


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] + 1 == row:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


_SHOWN_SPANS = 8


def _range(first: int, last: int, count: int, whole: bool, row: Callable[[int], int]) -> str:
    """Rowids ``first`` to ``last`` (``count`` of them; ``whole``: every one between) as
    file rows: "5", "5-9", or "5-10 (5 rows)" when rows or blank lines lie between."""
    start, end = row(first), row(last)
    text = f"{start}" if first == last else f"{start}-{end}"
    return text if whole and end - start == last - first else f"{text} ({_rows(count)})"


def _spans_text(spans: list[Span], row: Callable[[int], int]) -> str:
    """File rows as ranges: "rows 2-5, 9", or "rows 2-40 (12 rows)" when a group's rows
    are spread over that range; ``row``: a rowid's file row."""
    if len(spans) == 1:
        first, last, count = spans[0]
        text = _range(first, last, count, count == last - first + 1, row)
        return f"{'row' if count == 1 else 'rows'} {text}"
    # Runs of spans, each [first, last, rows, whole]: a whole span (every row between its
    # first and last) right after a whole run joins it. Beyond the runs shown, only the
    # total is kept. Written for speed: a collect names the rows of every figure.
    runs: list[list[Any]] = []
    joinable = False  # whether the last run may take the next span
    total = 0
    for first, last, count in sorted(spans):
        total += count
        whole = count == last - first + 1
        if joinable and whole and first == runs[-1][1] + 1:
            run = runs[-1]
            run[1] = last
            run[2] += count
        elif len(runs) <= _SHOWN_SPANS:
            runs.append([first, last, count, whole])
            joinable = whole
        else:
            joinable = False
    parts = [_range(a, b, n, whole, row) for a, b, n, whole in runs[:_SHOWN_SPANS]]
    if len(runs) > _SHOWN_SPANS:
        parts.append(f"… ({_rows(total)} in all)")
    return f"{'row' if total == 1 else 'rows'} {', '.join(parts)}"


def _rows_text(rows: list[int], row: Callable[[int], int]) -> str:
    """``_spans_text`` of ``[[row, row, 1] for row in rows]``, without making the spans:
    runs of consecutive rows as ranges, the first ``_SHOWN_SPANS`` of them."""
    if len(rows) == 1:
        return f"row {row(rows[0])}"
    ordered = sorted(rows)
    parts: list[str] = []
    first = last = ordered[0]
    for rowid in ordered[1:]:
        if rowid == last + 1:
            last = rowid
            continue
        parts.append(_range(first, last, last - first + 1, True, row))
        if len(parts) > _SHOWN_SPANS:
            break
        first = last = rowid
    else:
        parts.append(_range(first, last, last - first + 1, True, row))
    if len(parts) > _SHOWN_SPANS:
        parts[_SHOWN_SPANS:] = [f"… ({_rows(len(rows))} in all)"]
    return f"rows {', '.join(parts)}"


class _NotANumber(ValueError):
    """Why a cell is not a number, in words that do not quote it (``said``: in English
    and in Chinese, each to follow "column value")."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.said = Said(en, zh)


_NOT_FINITE = ("is not a finite number", "不是有限的数")


def _number(value: object) -> float:
    if type(value) is float and math.isfinite(value):  # most cells: the quick way
        return value
    if type(value) is int and -(2**63) <= value < 2**63:
        return float(value)
    if value is None:
        raise _NotANumber("is empty (NULL)", "为空（NULL）")
    if isinstance(value, bytes):
        raise _NotANumber("holds binary data, not a number", "是二进制数据，不是数")
    if isinstance(value, bool):
        raise _NotANumber("holds true or false, not a number", "是 true 或 false，不是数")
    if isinstance(value, int | float | decimal.Decimal):
        try:
            number = float(value)
        except OverflowError:
            raise _NotANumber(*_NOT_FINITE) from None
    else:
        text = str(value).strip()
        # A column the files made text (a cell such as "N/A" beside the figures) still holds
        # figures written as the tables read them: 1,234.5, 12.5万, 12.5%, full-width digits.
        read = written_number(text)
        if read is None:
            if decimal_comma(text) is not None:
                raise _NotANumber(
                    "holds a number written with a decimal comma (1,5 for 1.5), read as a "
                    'number only in a file whose table says decimal = ","',
                    '是用小数逗号写的数（1,5 即 1.5），只有表设置里写了 decimal = "," 的文件'
                    "才按数读",
                )
            raise _NotANumber("holds text, not a number", "是文本，不是数")
        number = read
    if not math.isfinite(number):
        raise _NotANumber(*_NOT_FINITE)
    return number
