"""Files as tables for the SQL metric source, read by DuckDB.

CSV (any delimiter, gzip), Parquet, JSON lines and ``.xlsx`` each become a table:
``table_file`` reads a ``[sources.sql.tables]`` entry, ``load_table`` loads its file.
Text in another encoding than UTF-8 and ``.xlsx`` sheets are read from a UTF-8 copy
(``sql_file_copies``); the file's delimiter, header, title rows, blank lines and summary
rows are found first (``sql_file_layout``); every cell is read as text, cells that could
be read two ways are refused at their rows (``sql_cell_screens``), then each column gets
the narrowest type all its filled cells fit (``sql_cell_types``). A table read before,
from the same file declared the same way, comes from the user's cache
(``sql_table_cache``).

A table's ``rowid`` is its row's place among the file's rows: ``TableFile.file_row``
makes it the row a spreadsheet shows (the first line is 1), counting the header, the
lines ``skip`` passes over and the blank lines of a text file of more than one column
(``csv_lines``: DuckDB skips an empty line, and a line of spaces, or of delimiters
alone, is taken out as one); a cell holding a line break stays one row.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from okrdesk.errors import Said, printable
from okrdesk.plugins.sql_cell_screens import refuse_ambiguous, screened, written_with_a_point
from okrdesk.plugins.sql_cell_types import create_typed
from okrdesk.plugins.sql_file_copies import file_to_read
from okrdesk.plugins.sql_file_layout import (
    blanks_read,
    cells_counted,
    layout_of,
    no_header_inside,
    no_quote_left_open,
    quotes_doubtful,
    renamed_columns,
    summaries_left_out,
    table_function,
    title_row,
    unreadable_said,
)
from okrdesk.plugins.sql_settings import TABLE_NAME as TABLE_NAME
from okrdesk.plugins.sql_settings import SqlMetricError as SqlMetricError
from okrdesk.plugins.sql_table_cache import Digest, TableCache
from okrdesk.plugins.sql_table_file import TableFile
from okrdesk.plugins.text_encoding import text_encoding
from okrdesk.sql_text import quoted
from okrdesk.written_dates import DATE_ORDERS
from okrdesk.written_numbers import DECIMAL_MARKS

if TYPE_CHECKING:
    import duckdb

TABLE_KEYS = {"path", "delimiter", "encoding", "header", "skip", "columns", "types", "null",
              "sheet", "decimal", "dates", "rolling"}  # fmt: skip
_TYPES = {
    "integer": "BIGINT", "int": "BIGINT", "bigint": "BIGINT",
    "number": "DOUBLE", "double": "DOUBLE", "float": "DOUBLE", "real": "DOUBLE",
    "decimal": "DOUBLE", "text": "VARCHAR", "varchar": "VARCHAR", "string": "VARCHAR",
    "date": "DATE", "timestamp": "TIMESTAMP", "datetime": "TIMESTAMP",
}  # fmt: skip


def confined(workspace: Path, written: str, key: str, allowed: Sequence[Path]) -> Path:
    """The file ``written`` in setting ``key``, resolved (symbolic links too), refused
    unless it lies inside the workspace or a folder of ``allow_outside_workspace``."""
    path = (workspace / written).expanduser().resolve()
    inside = [workspace.resolve(), *allowed]
    shown = printable(written)[:200]
    if not any(path.is_relative_to(folder) for folder in inside):
        raise SqlMetricError(
            f"{key}: {shown} lies outside the workspace; okrdesk reads files elsewhere only "
            "from folders listed in sources.sql.allow_outside_workspace",
            f"{key}: {shown} 在工作区之外；工作区以外的文件，okrdesk 只从 "
            "sources.sql.allow_outside_workspace 列出的文件夹里读",
        )
    if path.is_dir():
        raise SqlMetricError(
            f"{key}: {shown} is a folder, not a file: name the file in it that this table "
            "reads (each file is a table of its own)",
            f"{key}: {shown} 是文件夹，不是文件：请写出这张表要读的、文件夹里的那个文件"
            "（每个文件是一张表）",
        )
    if not path.is_file():
        raise NoSuchFile(f"{key}: no file {shown}", f"{key}: 没有文件 {shown}")
    return path


class NoSuchFile(SqlMetricError):
    """A table's file is not there (on this machine, at least)."""


def table_file(name: str, raw: object, workspace: Path, allowed: Sequence[Path]) -> TableFile:
    """Read one entry of ``sources.sql.tables``: ``name = "path"`` or a table of options.
    Every option that cannot be read is told at once (``TableProblems``), as validate
    tells a target file's keys, not the first alone; a file not there only then."""
    key = f"sources.sql.tables.{name}"
    if not TABLE_NAME.match(name):
        shown = printable(name)[:80]
        raise SqlMetricError(f"sources.sql.tables: {shown!r} is not a usable table name",
                             f"sources.sql.tables: {shown!r} 不能用作表名")  # fmt: skip
    options: Mapping[str, Any] = {"path": raw} if isinstance(raw, str) else _mapping(raw, key)
    problems: list[Said] = []

    def read(option: Callable[[], Any], default: Any = None) -> Any:
        try:
            return option()
        except SqlMetricError as error:
            problems.append(error.said)
            return default

    unknown = set(options) - TABLE_KEYS
    if unknown:
        keys = ", ".join(sorted(unknown))
        problems.append(Said(f"{key}: unknown keys {keys}", f"{key}: 未知的键 {keys}"))
    written = read(lambda: _text(options, "path", key))
    if "path" not in options:
        problems.append(Said(f"{key}.path: missing; expected the file's path",
                             f"{key}.path: 缺少；应为文件的路径"))  # fmt: skip
    encoding = written_encoding = read(lambda: _text(options, "encoding", key))
    if encoding is not None:
        encoding = text_encoding(encoding)
        if encoding is None:
            shown = repr(written_encoding[:40])
            problems.append(Said(f"{key}.encoding: unknown encoding {shown}",
                                 f"{key}.encoding: 未知的编码 {shown}"))  # fmt: skip
    delimiter = read(lambda: _text(options, "delimiter", key))
    if delimiter is not None and len(delimiter) != 1:
        # ";;" read the header of a file of ";" as one column, named "opened;cm;client".
        shown = repr(delimiter[:10])
        problems.append(Said(
            f"{key}.delimiter: expected the one character between a row's cells "
            f'(",", ";", "|", or "\\t" for a tab); {shown} is {len(delimiter)} characters',
            f"{key}.delimiter: 应为分隔一行各格的那一个字符"
            f'（",", ";", "|"，制表符写 "\\t"）；{shown} 是 {len(delimiter)} 个字符',
        ))  # fmt: skip
    header, skip = options.get("header", True), options.get("skip", 0)
    if not isinstance(header, bool):
        problems.append(Said(f"{key}.header: expected true or false",
                             f"{key}.header: 应为 true 或 false"))  # fmt: skip
    if isinstance(skip, bool) or not isinstance(skip, int) or skip < 0:
        problems.append(Said(f"{key}.skip: expected a count of rows, 0 or more",
                             f"{key}.skip: 应为行数，0 或更多"))  # fmt: skip
    columns = read(lambda: _texts(options, "columns", key), ())
    raw_types = options.get("types", {})
    if not isinstance(raw_types, Mapping):
        problems.append(Said(f"{key}.types: expected a table of column = type",
                             f"{key}.types: 应为“列 = 类型”的表"))  # fmt: skip
        raw_types = {}
    decimal = read(lambda: _text(options, "decimal", key))
    if decimal is not None and decimal not in DECIMAL_MARKS:
        problems.append(Said(
            f'{key}.decimal: expected "," (1.234,50 is 1234.50) or "." (1,234.50 is 1234.50), '
            f"the file's decimal mark",
            f'{key}.decimal: 应为文件的小数点："," （1.234,50 即 1234.50）或 "." '
            "（1,234.50 即 1234.50）",
        ))  # fmt: skip
    dates = read(lambda: _text(options, "dates", key))
    if dates is not None and dates not in DATE_ORDERS:
        problems.append(Said(
            f'{key}.dates: expected "day-first" (05.03.2026 is 5 March) or "month-first" '
            "(03/05/2026 is 5 March), the order of the file's dates written with the year last",
            f'{key}.dates: 应为 "day-first"（05.03.2026 即 3 月 5 日）或 "month-first"'
            "（03/05/2026 即 3 月 5 日），即文件里年份写在最后的日期的顺序",
        ))  # fmt: skip
    types = []
    for column, written_type in raw_types.items():
        sql = _TYPES.get(str(written_type).lower())
        if sql is None:
            shown, known = str(written_type)[:40], ", ".join(sorted(set(_TYPES)))
            problems.append(Said(
                f"{key}.types.{column}: unknown type {shown!r}; use one of {known}",
                f"{key}.types.{column}: 未知的类型 {shown!r}；可用的类型：{known}",
            ))  # fmt: skip
        types.append((str(column), sql or ""))
    null = read(lambda: _texts(options, "null", key), ())
    sheet = read(lambda: _text(options, "sheet", key))
    rolling = options.get("rolling")
    if rolling is not None and (not isinstance(rolling, str) or not rolling.strip()):
        shown = printable(repr(rolling))[:40]
        problems.append(Said(
            f"{key}.rolling: expected the name of the column holding each row's day "
            f'(rolling = "trade_day"), not {shown}: the file holds the days from its first '
            "row's to its last row's",
            f'{key}.rolling: 应为记录每行日期的列名（rolling = "trade_day"），不能是 {shown}：'
            "文件所含的日期即从最早一行到最晚一行的日期",
        ))  # fmt: skip
        rolling = None
    if problems:
        raise TableProblems(*problems)
    path = confined(workspace, written, key, allowed)
    kind = _kind(path, key)
    if delimiter is None and path.name.lower().removesuffix(".gz").endswith(".tsv"):
        delimiter = "\t"
    return TableFile(
        name=name, path=path, kind=kind, delimiter=delimiter, encoding=encoding,
        header=header, skip=skip, columns=columns, types=tuple(types),
        null=null, sheet=sheet, encoding_written=written_encoding, decimal=decimal, dates=dates,
        rolling=rolling,
    )  # fmt: skip


class TableProblems(SqlMetricError):
    """Everything wrong with a table's options: ``each`` at its key, for validate to tell
    at its line; the error's own words all of them on one line, as a collect says it."""

    def __init__(self, *each: Said) -> None:
        said = Said("; ".join(s.en for s in each), "；".join(s.zh for s in each))
        super().__init__(said.en, said.zh)
        self.each = tuple(each)

    def __reduce__(self) -> tuple[type[TableProblems], tuple[Said, ...]]:  # type: ignore[override]
        # Each problem across a process boundary (a collect's plugin runs in its own).
        return type(self), self.each


def _mapping(raw: object, key: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise SqlMetricError(f"{key}: expected a file path or a table with path = …",
                             f"{key}: 应为文件路径，或写有 path = … 的表")  # fmt: skip
    return raw


def _text(options: Mapping[str, Any], name: str, key: str) -> str | None:
    value = options.get(name)
    if value is not None and (not isinstance(value, str) or not value):
        raise SqlMetricError(f"{key}.{name}: expected a string", f"{key}.{name}: 应为文本")
    return value


def _texts(options: Mapping[str, Any], name: str, key: str) -> tuple[str, ...]:
    value = options.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SqlMetricError(f"{key}.{name}: expected an array of strings",
                             f"{key}.{name}: 应为文本的数组")  # fmt: skip
    return tuple(value)


_WORKBOOK, _PARQUET, _OLD_WORKBOOK = b"PK\x03\x04", b"PAR1", b"\xd0\xcf\x11\xe0"
"""How an .xlsx workbook (a zip archive), a Parquet file and an .xls workbook begin."""


def _kind(path: Path, key: str) -> str:
    """csv, parquet, json or xlsx: as the file's name says, but for a file named as
    text that is a workbook or Parquet (a workbook saved as crm.csv, or renamed so):
    what its first bytes say it is. An .xls workbook is refused."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "json"
    if name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    start = b""
    if not path.name.lower().endswith(".gz"):
        # An unreadable file is said so when it is read.
        with contextlib.suppress(OSError), path.open("rb") as opened:
            start = opened.read(4)
    if start == _OLD_WORKBOOK or name.endswith(".xls"):
        file = printable(path.name)[:80]
        raise SqlMetricError(
            f"{key}: {file} is an Excel 97-2003 workbook (.xls), which okrdesk does not read; "
            "save it from Excel as .xlsx, or as CSV",
            f"{key}: {file} 是 Excel 97-2003 工作簿（.xls），okrdesk 读不了；请在 Excel 里"
            "另存为 .xlsx 或 CSV",
        )
    if start == _WORKBOOK:
        return "xlsx"
    if start == _PARQUET:
        return "parquet"
    return "csv"


# ------------------------------------------------------------------ loading


def load_table(
    connection: duckdb.DuckDBPyConnection, table: TableFile, scratch: Path, cache: TableCache | None
) -> tuple[TableFile, tuple[int, ...]]:
    """Make ``table`` a table of ``connection``, from the cache when the file is unchanged:
    ``table`` with its file's blank lines (``TableFile.blanks``), and the file rows of the
    summary rows (合计, 总计) that ended the file and were left out."""
    from okrdesk.plugins.sql_engine import duckdb

    if cache is not None and cache.read_into(connection, table):
        kept = attrs.evolve(
            table,
            blanks=cache.blanks(table),
            renamed=cache.renamed(table),
            notes=cache.rows(table, "notes"),
        )
        return kept, cache.rows(table, "summaries")
    if table.path.stat().st_size == 0:
        # DuckDB reads it as a table of no columns, which every query then fails on
        # naming a column: say what is wrong with the file instead.
        key, file = f"sources.sql.tables.{table.name}", table.path.name
        raise SqlMetricError(
            f"{key}: {file} is empty (0 bytes), without even a header row; was the export "
            "cut short?",
            f"{key}: {file} 是空的（0 字节），连表头都没有；是不是导出时中断了？",
        )
    digest = Digest(table.path) if cache is not None else None
    raw = f"__okrdesk_raw_{table.name}"
    try:
        path, copy = file_to_read(table, scratch)
        try:
            layout = layout_of(connection, table, path, copy)
            connection.execute(
                f"CREATE TEMP TABLE {quoted(raw)} AS SELECT * FROM {table_function(table, layout)}"
            )
            described = connection.execute(f"DESCRIBE {quoted(raw)}").fetchall()
            layout = attrs.evolve(layout, columns=tuple(map(tuple, described)))
            even = layout.lines.quoted and not layout.lines.odd_quotes
            if even and table.kind == "csv" and quotes_doubtful(connection, raw):
                no_quote_left_open(table, layout.path, layout.skip)
            table = attrs.evolve(table, blanks=blanks_read(connection, table, raw, layout))
            title_row(connection, table, raw, layout)
            cells_counted(connection, table, raw, layout)
            summaries, notes = summaries_left_out(connection, table, raw, layout)
            table = attrs.evolve(table, notes=notes)
            no_header_inside(connection, table, raw, layout)
            refuse_ambiguous(connection, table, raw, layout)
            table = attrs.evolve(table, renamed=renamed_columns(connection, table, raw, layout))
            written_with_a_point(connection, table, raw)
        finally:
            # Read into the table: a copy need not take room until the collect ends, beside
            # the copies of the tables after it.
            if copy is not None:
                with contextlib.suppress(OSError):
                    copy.unlink(missing_ok=True)
        create_typed(connection, table, raw, layout)
        try:
            screened(connection, table, raw, layout)
        except SqlMetricError:
            connection.execute(f"DROP TABLE {quoted(table.name)}")
            raise
    except duckdb.Error as error:
        raise SqlMetricError(*unreadable_said(table, error)) from None
    finally:
        connection.execute(f"DROP TABLE IF EXISTS {quoted(raw)}")
    if cache is not None and digest is not None:
        cache.store(connection, table, digest.result(), summaries)
    return table, summaries


# -------------------------------------------------------------------- cache
