"""Files as tables for the SQL metric source, read by DuckDB.

CSV (any delimiter, gzip), Parquet, JSON lines and ``.xlsx`` each become a
table. Text in another encoding than UTF-8 (GBK, GB18030, UTF-16, …) and
``.xlsx`` sheets are first written, a megabyte at a time, to a UTF-8 file in
a scratch folder; DuckDB reads that, and it is dropped once read. Every cell
is read as text first, then each column gets the narrowest type all its
filled cells fit (whole number, number, date, timestamp, else text): a blank
cell is NULL and never makes a column text, and "1,234.5", "12.5%" and "12.5万"
are numbers, "2026年3月5日" a date (``okrdesk.written_numbers``,
``okrdesk.written_dates``). A column given a type in
``types`` that a cell does not fit fails with the file, row and column named,
never the cell. Summary rows (合计) that end a file are left out, and named; one
inside the file (小计, a subtotal) is refused at its row.

A table's ``rowid`` is its row's place among the file's rows: ``TableFile.file_row``
makes it the row a spreadsheet shows (the first line is 1), counting the header, the
lines ``skip`` passes over and the blank lines of a text file of more than one column
(``csv_lines``: DuckDB skips an empty line, and a line of spaces, or of delimiters
alone, is taken out as one); a cell holding a line break stays one row. Blank lines
above the header are passed over. A quote opened and never closed is refused at its row.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import itertools
import json
import math
import os
import re
import threading
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO, cast

import attrs

from okrdesk.errors import OkrdeskError, Said, printable
from okrdesk.files import READ_AS_A_PATTERN, write_text_atomically
from okrdesk.plugins.csv_lines import (
    Lines,
    blank_lines,
    line_ends_mixed,
    lines_found,
    marks_held,
    unclosed_quote,
)
from okrdesk.plugins.csv_lines import opened as _opened
from okrdesk.plugins.sql_scratch import Metered, TooMuchScratch, most_scratch, too_much
from okrdesk.plugins.sql_settings import TABLE_NAME as TABLE_NAME
from okrdesk.plugins.sql_settings import SqlMetricError as SqlMetricError
from okrdesk.plugins.text_encoding import (
    NoByteOrderMark,
    NotEncoded,
    NotWide,
    byte_order_mark,
    text_encoding,
    utf8_copy,
)
from okrdesk.user_cache import mark_used, prune, remove_if_older, user_cache_folder
from okrdesk.written_dates import DATE_ORDERS, date_ready_sql, year_last_sql
from okrdesk.written_numbers import (
    DECIMAL_MARKS,
    ambiguous_sql,
    decimal_comma_sql,
    half_width,
    number_ready_sql,
    scaled,
    ungrouped,
    ungrouped_sql,
    written_number,
    written_sql,
)

if TYPE_CHECKING:
    import duckdb

TABLE_KEYS = {"path", "delimiter", "encoding", "header", "skip", "columns", "types", "null",
              "sheet", "decimal", "dates"}  # fmt: skip
_CHUNK = 1 << 20
_TYPES = {
    "integer": "BIGINT", "int": "BIGINT", "bigint": "BIGINT",
    "number": "DOUBLE", "double": "DOUBLE", "float": "DOUBLE", "real": "DOUBLE",
    "decimal": "DOUBLE", "text": "VARCHAR", "varchar": "VARCHAR", "string": "VARCHAR",
    "date": "DATE", "timestamp": "TIMESTAMP", "datetime": "TIMESTAMP",
}  # fmt: skip
_SNIFFED = ("BIGINT", "DOUBLE", "DATE", "TIMESTAMP")
_LEADING_ZERO = r"[+-]?0[0-9].*"
_SAMPLE = 256
"""The first rows a column's types are tried on before the whole file: a type a row
rules out is not tried on the rest. Trying a date or a timestamp on text costs DuckDB a
failed cast a cell, so a small sample is cheaper, and enough to rule text out; a type it
leaves in is still tried on every row."""


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


@attrs.frozen
class TableFile:
    """One ``[sources.sql.tables]`` entry: a file and how to read it."""

    name: str
    path: Path
    kind: str
    """csv, parquet, json or xlsx."""
    delimiter: str | None = None
    encoding: str | None = None
    header: bool = True
    skip: int = 0
    columns: tuple[str, ...] = ()
    types: tuple[tuple[str, str], ...] = ()
    null: tuple[str, ...] = ()
    sheet: str | None = None
    encoding_written: str | None = None
    """``encoding`` as the table's setting spells it (``"UTF-16LE"``, which Python calls
    ``utf-16-le``): what a message quotes."""
    decimal: str | None = None
    """The file's decimal mark, as the ``decimal`` setting says it (``","``: ``1.234,50``
    is 1234.50 and ``1,234`` is 1.234; ``"."``: ``1,234`` is 1234); None where it is not
    said, and a file of semicolons with ``1,234`` in it is refused (``_ambiguous``)."""
    dates: str | None = None
    """The order of a date written with its year last, as the ``dates`` setting says it
    (``"day-first"``: 05.03.2026 is 5 March; ``"month-first"``: 3 May); None where it is
    not said, and a file with such a date in it is refused (``_year_last``)."""
    blanks: tuple[int, ...] = ()
    renamed: tuple[tuple[int, str, str, str], ...] = ()
    """The columns read under another name than their header's, found as the file is read
    (``_renamed``): each its header's file row, its letter, its header and the name a
    query reads it by (a second ``calls`` is read as ``calls_1``)."""
    """The rowids before which the file has a blank line (one entry a line), found as it
    is read (``blank_lines``): DuckDB skips them, a spreadsheet counts them."""
    notes: tuple[int, ...] = ()
    """The file rows of the notes below the data that ended the file and were left out
    (制表人：…, 导出时间：…, 第 1 页，共 2 页), found as it is read (``FOOTER``)."""

    @property
    def first_row(self) -> int:
        """The file row (the first line is 1) of the table's first row."""
        if self.kind in {"csv", "xlsx"}:
            return self.skip + (2 if self.header else 1)
        return 1

    def file_row(self, rowid: int) -> int:
        """The file row (the first line is 1) of the table's row ``rowid``."""
        return file_row(rowid, self.first_row, self.blanks)

    def fingerprint(self) -> str:
        # How the encoding is spelt reads the file no otherwise: its copy is still good.
        # Blank lines are found reading the file, not set.
        unread = {"path", "encoding_written", "blanks", "renamed", "notes"}
        fields = attrs.asdict(self, recurse=False, filter=lambda a, _: a.name not in unread)
        return json.dumps({**fields, "read": READ}, sort_keys=True, default=str)


def file_row(rowid: int, first_row: int, blanks: tuple[int, ...]) -> int:
    """The file row of a table's row ``rowid``: after ``first_row`` (the header and the
    lines ``skip`` passes over) and the blank lines before it (``TableFile.blanks``)."""
    return rowid + first_row + (bisect_right(blanks, rowid) if blanks else 0)


READ = 15
"""How okrdesk reads a file into a table, counted up each time that changes what a table
holds or which files are refused (2: a decimal-comma file's text columns hold their
numbers plain; 3: a decimal-comma workbook's number cells are their numbers; 4: a column
``types`` makes text is kept as written; 5: numbers written with a decimal comma in a
file that does not say so are refused; 6: 12.5%, 12.5万 and full-width digits are
numbers, 2026年3月5日 a date, a date with its year last is refused unless told, and
summary rows ending a file are left out; 7: a summary row inside a file is refused,
percentages beside plain numbers in a column left text are refused, 1_5 is no number
and 2026 年 3 月 5 日 a date; 8: a table keeps its file's blank lines, for the rows
it cites; 9: a line of spaces is a blank line, blank lines above the header are passed
over, a workbook named as text is read as one, and a table keeps its columns named alike,
for a warning; 10: a row of delimiters alone, or a sheet's row of empty cells, is a blank
line, and a quote left open is refused; 11: two quotes left open, an even count, are
refused too; 12: a number with an underscore in a column of numbers is refused, and
so is a row repeating the header; 13: the tabs around a text cell, \t6222…, are
dropped, and a column with a whole number of 16 digits or more is text; 14: notes below
the data, 制表人：…, are left out; 15: a file whose name holds * ? [ or { is read as
itself, where DuckDB read every file the name matched as a pattern), so that a table kept
by an older okrdesk is read again, and checked, rather than used."""


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


def quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


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
    digest = _Digest(table.path) if cache is not None else None
    raw = f"__okrdesk_raw_{table.name}"
    try:
        path, copy = _source(table, scratch)
        try:
            layout = _layout(connection, table, path, copy)
            connection.execute(
                f"CREATE TEMP TABLE {quoted(raw)} AS SELECT * FROM {_reader(table, layout)}"
            )
            described = connection.execute(f"DESCRIBE {quoted(raw)}").fetchall()
            layout = attrs.evolve(layout, columns=tuple(map(tuple, described)))
            even = layout.lines.quoted and not layout.lines.odd_quotes
            if even and table.kind == "csv" and _quotes_doubtful(connection, raw):
                _no_quote_left_open(table, layout.path, layout.skip)
            table = attrs.evolve(table, blanks=_blanks_read(connection, table, raw, layout))
            _title_row(connection, table, raw, layout)
            _cells_counted(connection, table, raw, layout)
            summaries, notes = _summaries_left_out(connection, table, raw, layout)
            table = attrs.evolve(table, notes=notes)
            _no_header_inside(connection, table, raw, layout)
            _ambiguous(connection, table, raw, layout)
            table = attrs.evolve(table, renamed=_renamed(connection, table, raw, layout))
            _written_with_a_point(connection, table, raw)
        finally:
            # Read into the table: a copy need not take room until the collect ends, beside
            # the copies of the tables after it.
            if copy is not None:
                with contextlib.suppress(OSError):
                    copy.unlink(missing_ok=True)
        _typed(connection, table, raw, layout)
        try:
            _screened(connection, table, raw, layout)
        except SqlMetricError:
            connection.execute(f"DROP TABLE {quoted(table.name)}")
            raise
    except duckdb.Error as error:
        raise SqlMetricError(*_unreadable(table, error)) from None
    finally:
        connection.execute(f"DROP TABLE IF EXISTS {quoted(raw)}")
    if cache is not None and digest is not None:
        cache.store(connection, table, digest.result(), summaries)
    return table, summaries


_UNNAMED = re.compile(r"column[0-9]+")
"""How DuckDB names a column whose header cell is empty."""
_TWIN = re.compile(r".+_[0-9]+")
"""How DuckDB names a column whose header's name an earlier column has (calls_1)."""


def _renamed(
    connection: duckdb.DuckDBPyConnection, table: TableFile, raw: str, layout: _Layout
) -> tuple[tuple[int, str, str, str], ...]:
    """``TableFile.renamed`` of ``table``, read into the text table ``raw``: the columns
    DuckDB names otherwise than their header, which names an earlier column alike (in any
    case: a query's names do not tell capitals apart). The header row is read only where
    a column's name is of the shape DuckDB gives them (calls_1)."""
    if not table.header or table.columns or table.kind not in {"csv", "xlsx"}:
        return ()
    names = [str(c[0]) for c in layout.columns]
    if not any(_TWIN.fullmatch(name) for name in names):
        return ()
    delimiter = layout.delimiter or _sniffed_delimiter(
        connection, layout.path, True, layout.skip, layout.lines.spaces
    )
    with _past_skip(layout.path, layout.skip) as (first, text):
        header = next(csv.reader(itertools.chain([first], text), delimiter=delimiter), [])
    if len(header) != len(names):
        return ()  # not the row DuckDB read as the header: nothing to say of it
    row = layout.skip + 1
    return tuple(
        (row, _letter(n), written.strip(), name)
        for n, (written, name) in enumerate(zip(header, names, strict=True))
        if written.strip() and written.strip() != name
    )


def _letter(n: int) -> str:
    """The letter a spreadsheet gives its column ``n`` (0 is A, 26 is AA)."""
    letters = ""
    n += 1
    while n:
        n, left = divmod(n - 1, 26)
        letters = chr(ord("A") + left) + letters
    return letters


def _title_row(
    connection: duckdb.DuckDBPyConnection, table: TableFile, raw: str, layout: _Layout
) -> None:
    """Refuse ``table`` where the row read as its header names one column and the rows
    under it fill more: a title above the header (``客户资产日报 2026-03``), which ``skip``
    passes over. In a text file the rows under it are read as one column of whole lines;
    DuckDB's sniffer, told to pass over the title, then finds the file's columns. A title
    with a comma in it (``2026年10月客户明细,导出时间 2026-10-31,``) names more than one
    column, and is told where the row under it names every column, as a header does."""
    if not table.header or table.columns or table.kind not in {"csv", "xlsx"}:
        return
    names = [str(c[0]) for c in layout.columns]
    named = len([n for n in names if _UNNAMED.fullmatch(n) is None])
    if 1 < named < len(names):
        _no_title_of_cells(connection, table, raw, layout, named, names)
        return
    if named != 1:
        return
    if len(names) == 1:
        # As set, not as sniffed with the title in the way (_layout).
        delimiter = f", delim = {_literal(table.delimiter)}" if table.delimiter else ""
        found = connection.execute(
            f"SELECT len(Columns) FROM sniff_csv({_literal(str(layout.path))}, "
            f"skip = {_past_blank_lines(layout.path, layout.skip + 1)}, header = true, "
            f"all_varchar = true{delimiter})"
        ).fetchone()
    else:
        filled = " + ".join(f"({quoted(n)} IS NOT NULL)::INTEGER" for n in names)
        found = connection.execute(
            f"SELECT {filled} FROM {quoted(raw)} ORDER BY rowid LIMIT 1"
        ).fetchone()
    if found is None or int(found[0]) < 2:
        return
    skip = layout.skip + 1  # the blank lines above the title are passed over too
    at = f"sources.sql.tables.{table.name}: {table.path.name}:{skip}"
    raise SqlMetricError(
        f"{at}: the row read as the header names one column, and the rows under it fill "
        f"more: a title above the header (as 客户资产日报 2026-03)? pass over it with "
        f"skip = {skip}",
        f"{at}: 读作表头的这一行只写了一列的名字，下面的行却有更多列：是不是表头上面的标题行"
        f"（如“客户资产日报 2026-03”）？请用 skip = {skip} 跳过它",
    )


def _no_title_of_cells(
    connection: duckdb.DuckDBPyConnection,
    table: TableFile,
    raw: str,
    layout: _Layout,
    named: int,
    names: Sequence[str],
) -> None:
    """Refuse ``table`` where the row read as its header names ``named`` of its columns
    (``names``) and the row under it names them all, as a header does: each cell filled
    with a name (a word, not a figure or a date), where the row after that does not. A
    title with a comma in it, padded to the header's width as Excel saves a row."""
    cells = ", ".join(quoted(n) for n in names)
    first_two = f"SELECT {cells} FROM {quoted(raw)} ORDER BY rowid LIMIT 2"
    rows = connection.execute(first_two).fetchall()
    if len(rows) < 2 or not all(_a_name(cell) for cell in rows[0]):
        return
    if all(_a_name(cell) for cell in rows[1]):
        return  # rows of words alike: the header leaves a column unnamed over a table of names
    skip, count = layout.skip + 1, len(names)
    at = f"sources.sql.tables.{table.name}: {table.path.name}:{skip}"
    raise SqlMetricError(
        f"{at}: the row read as the header names {named} of its {count} columns, and the "
        f"row under it names all {count}, as a header does: a title above the header (as "
        f"2026年10月客户明细,导出时间 2026-10-31)? pass over it with skip = {skip}",
        f"{at}: 读作表头的这一行只写了 {count} 列中 {named} 列的名字，下面一行却像表头一样"
        f"写全了 {count} 列：是不是表头上面的标题行（如“2026年10月客户明细,导出时间 "
        f"2026-10-31”）？请用 skip = {skip} 跳过它",
    )


def _a_name(cell: object) -> bool:
    """Whether ``cell`` reads as a column's name: a word, where a row of data holds ids,
    figures and dates, which begin with a digit."""
    text = str(cell or "").strip()
    return bool(text) and not text[0].isdigit() and any(c.isalpha() for c in text)


_DELIMITERS = (",", ";", "\t", "|")


@contextlib.contextmanager
def _past_skip(path: Path, skip: int, encoding: str = "utf-8-sig") -> Iterator[tuple[str, TextIO]]:
    """The first line of the text file ``path`` (in ``encoding``) after its ``skip``
    lines, and the text left after it."""
    with _opened(path) as file, io.TextIOWrapper(file, encoding, newline="") as text:
        for _ in range(skip):
            text.readline()
        yield text.readline(), text


def _first_line(path: Path, skip: int, encoding: str = "utf-8-sig") -> str:
    """The first line of the text file ``path`` (in ``encoding``) after its ``skip``
    lines."""
    with _past_skip(path, skip, encoding) as (first, _):
        return first


def _most_held(line: str) -> str:
    """The delimiter ``line`` holds most of."""
    return max(_DELIMITERS, key=line.count)


def _cells_counted(
    connection: duckdb.DuckDBPyConnection, table: TableFile, raw: str, layout: _Layout
) -> None:
    """Refuse ``table``, a text file DuckDB read as one column though its first row has
    a delimiter in it, at its first row with more or fewer cells than the first: DuckDB's
    sniffer finds one column in a file with such a row, and every query then fails on a
    column it names. The file is read again only then: for quotes left open first, which
    also make the sniffer give up, and hide such rows in the cells they swallow."""
    if table.kind != "csv" or table.columns:
        return
    if len(layout.columns) != 1:
        return
    with _past_skip(layout.path, layout.skip) as (first, text):
        delimiter = table.delimiter or _most_held(first)
        if delimiter not in first:
            return  # a file of one column
    if layout.lines.quoted:
        _no_quote_left_open(table, layout.path, layout.skip)
    with _past_skip(layout.path, layout.skip) as (first, text):
        records = csv.reader(itertools.chain([first], text), delimiter=delimiter)
        width = len(next(records, []))
        misfit = _misfit(records, width)
    if misfit is not None:
        raise _misfit_refused(table, layout.skip + 2 + misfit[0], misfit[1], width)


def _misfit(records: Iterator[list[str]], width: int) -> tuple[int, int] | None:
    """The place among ``records`` (0 is the first) of the first that is no blank line
    and has more or fewer cells than ``width``, and its cells. A row of delimiters alone
    wider than ``width`` is one too: DuckDB's sniffer finds one column for it as well."""
    for number, record in enumerate(records):
        filled = "".join(record).strip()
        if record and (filled or len(record) > width) and len(record) != width:
            return number, len(record)
    return None


def _misfit_refused(table: TableFile, row: int, cells: int, width: int) -> SqlMetricError:
    """The error of ``table`` whose file's ``row`` has ``cells`` cells, where its header (or
    first row) has ``width``."""
    at, first = f"sources.sql.tables.{table.name}: {table.path.name}:{row}", table.header
    return SqlMetricError(
        f"{at}: this row has {cells} cell{'' if cells == 1 else 's'} and the "
        f"{'header' if first else 'first row'} "
        f"{width}: a delimiter missing, or one too many (a number such as 1,234 not in "
        "quotes)? correct the row in the export",
        f"{at}: 这一行有 {cells} 格，{'表头' if first else '第一行'}却有 {width} 格："
        "是不是少了分隔符，或多了一个（如没加引号的 1,234）？请改正导出文件里的这一行",
    )


def _past_blank_lines(path: Path, skip: int) -> int:
    """``skip``, and the blank lines of the text file ``path`` right after as many."""
    return skip + lines_found(path, skip).leading


SUMMARY = re.compile(r"(合计|总计|小计|总合计|共计|total|grandtotal|subtotal)([:：(（].*)?")
"""The first filled cell of a summary row, its spaces taken out and lower-cased: 合计,
总 计, 合计：, Total, Grand Total."""
FOOTER = re.compile(
    r"(制表人?|制单人?|编制人?|填报人|审核人?|复核人?|经办人?|负责人|导出(时间|日期|人)|"
    r"打印(时间|日期|人)|报表日期|统计(日期|时间)|数据来源|数据截[止至]|截[止至](日期|时间)|"
    r"备注|说明|注)[:：].*|第\d+页[,，]?共\d+页"
)
"""The first filled cell of a note an export writes below its data, its spaces taken out:
制表人：张三, 导出时间：2026-03-31 18:00, 备注：…, 第1页，共2页."""
_LAST_ROWS = 16
"""Rows at a file's end looked at a time for summary rows, until a row that is none: the
block a pivot table's export ends in (each level's subtotals, then the total) can be ten
rows or more, and all of it is left out."""


def _summaries_left_out(
    connection: duckdb.DuckDBPyConnection, table: TableFile, raw: str, layout: _Layout
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Take out of the text table ``raw`` the rows that end ``table``'s file and are no
    client's: summary rows, whose first filled cell says 合计, 总计 or Total (an export's
    sum of the rows above, which a query's ``sum`` would count twice), notes below the
    data (``FOOTER``: 制表人：张三, 导出时间：…, in any order with them; a row only where
    every filled cell of it is one, so that a client's last row whose first cell says
    注：… is no note), and rows with no cell filled. The file rows of the summary rows
    and of the notes are returned, for a warning; the rows before keep their place, so
    their rowids, and the file rows a figure cites, stay."""
    if table.kind not in {"csv", "xlsx"}:
        return (), ()
    described = layout.columns
    texts = [quoted(str(name)) for name, kind, *_ in described if kind == "VARCHAR"]
    if not texts:
        return (), ()
    first = "coalesce(" + ", ".join(f"nullif(trim({c}), '')" for c in texts) + ")"
    summaries: list[int] = []
    notes: list[int] = []
    cut = None
    for rowid, cells in _rows_from_the_end(connection, raw, texts):
        squeezed = [re.sub(r"[\s\u3000]", "", cell).lower() for cell in cells]
        squeezed = [cell for cell in squeezed if cell]  # a cell of spaces is no cell
        if squeezed and SUMMARY.fullmatch(squeezed[0]) is not None:
            summaries.append(table.file_row(rowid))
        elif squeezed and all(FOOTER.fullmatch(cell) is not None for cell in squeezed):
            notes.append(table.file_row(rowid))
        elif squeezed:
            break
        cut = rowid
    _no_summary_inside(connection, table, raw, texts[0], first, cut)
    if cut is None:
        return (), ()
    connection.execute(f"DELETE FROM {quoted(raw)} WHERE rowid >= {cut}")
    return tuple(sorted(summaries)), tuple(sorted(notes))


def _rows_from_the_end(
    connection: duckdb.DuckDBPyConnection, raw: str, texts: Sequence[str]
) -> Iterator[tuple[int, list[str]]]:
    """The rowid and filled cells of the text columns ``texts`` (quoted) of each row of
    the text table ``raw``, in order, last row first, read ``_LAST_ROWS`` rowids at a time
    as they are asked for.
    By a range of rowids, not ORDER BY … LIMIT, under which DuckDB works out the cells
    for every row of the file before it keeps the last few (2 ms of a 41k-row load)."""

    def last_at_most(rowid: int) -> int | None:
        """The last rowid of ``raw`` up to ``rowid``: rows taken out leave gaps."""
        found = connection.execute(
            f"SELECT max(rowid) FROM {quoted(raw)} WHERE rowid <= ?", [rowid]
        ).fetchone()
        return None if found is None or found[0] is None else int(found[0])

    top = last_at_most(2**62)
    while top is not None:
        rows = connection.execute(
            f"SELECT rowid, {', '.join(texts)} FROM {quoted(raw)} WHERE rowid BETWEEN ? AND ? "
            "ORDER BY rowid DESC",
            [top - _LAST_ROWS + 1, top],
        ).fetchall()
        for rowid, *cells in rows:
            yield int(rowid), [str(cell) for cell in cells if cell is not None]
        top = last_at_most(top - _LAST_ROWS)


def _no_summary_inside(
    connection: duckdb.DuckDBPyConnection,
    table: TableFile,
    raw: str,
    leftmost: str,
    first: str,
    cut: int | None,
) -> None:
    """Refuse ``table`` where a row of the text table ``raw`` above the summary rows that
    end its file (the rows from ``cut``) is one: a subtotal (小计) or a total inside the
    file, the sum of rows above it, which a query would count again. It cannot be left out
    as the rows at the end are: a row's rowid is its place in the file, which the rows
    after it would lose. ``first``: SQL of a row's first filled cell; ``leftmost``: the
    first text column, whose cell is that one in most rows."""
    squeezed = "lower(regexp_replace(okrdesk_first, '[\\s\u3000]', '', 'g'))"
    # Only a row whose leftmost cell may say so, or is empty or begins with a space (it may
    # be only spaces), is looked at closely: finding the first filled cell of every row
    # would cost a big file a second or more. Total cased any way has al, aL, Al or AL.
    words = ("计", "al", "aL", "Al", "AL")
    gate = " OR ".join(
        [f"contains({leftmost}, {_literal(word)})" for word in words]
        + [f"{leftmost} IS NULL", f"{leftmost} < '!'", f"starts_with({leftmost}, '\u3000')"]
    )
    below = "" if cut is None else f"AND rowid < {cut}"
    rows = connection.execute(
        f"SELECT okrdesk_row, count(*) OVER () FROM (SELECT rowid AS okrdesk_row, {first} AS "
        f"okrdesk_first FROM {quoted(raw)} WHERE ({gate}) {below}) "
        f"WHERE regexp_full_match({squeezed}, {_literal(SUMMARY.pattern)}) "
        f"ORDER BY okrdesk_row LIMIT {AMBIGUOUS_SHOWN}"
    ).fetchall()
    if not rows:
        return
    listed, count = _rows_named(table, rows)
    at = f"sources.sql.tables.{table.name}"
    raise SqlMetricError(
        f"{at}: {listed.en}: {'summary rows' if count > 1 else 'a summary row'} (a subtotal or "
        "total) inside the file, the sum of rows above, which a query would count again; "
        "take such rows out of the export (summary rows that end a file are left out by "
        "themselves)",
        f"{at}: {listed.zh}：是文件中间的小计或合计行（小计、合计、Total），是上面各行的和，"
        "查询会把它们再算一遍；请从导出文件里去掉这些行（文件末尾的合计行会自动略去）",
    )


def _rows_named(table: TableFile, rows: list[Any]) -> tuple[Said, int]:
    """The rows a check found, (rowid, how many in all) each as its query gives them the
    first ``AMBIGUOUS_SHOWN``, named by file and row, and how many there are."""
    count = int(rows[0][1])
    named = [f"{table.path.name}:{table.file_row(int(row))}" for row, _ in rows]
    return _listed(named, count, Said("rows", "行")), count


def _no_header_inside(
    connection: duckdb.DuckDBPyConnection, table: TableFile, raw: str, layout: _Layout
) -> None:
    """Refuse ``table`` where a row of the text table ``raw`` read from its file repeats
    its header, as an export printed in pages repeats it below each page break: read as a
    client's row, its words would make every column text (a query's ``sum`` of one
    fails) and its id no one's. Rows are named as ``_no_summary_inside`` names them."""
    if not table.header or table.columns or table.kind not in {"csv", "xlsx"}:
        return
    names = [str(c[0]) for c in layout.columns]
    named = [name for name in names if _UNNAMED.fullmatch(name) is None]
    if len(named) < 2:
        return

    def written(name: str) -> str:
        """SQL true of a cell that is ``name`` as the header writes it (a second
        ``calls``, which DuckDB names ``calls_1``, too): the same export writes it alike
        on every page."""
        spellings = {name}
        if _TWIN.fullmatch(name):
            spellings.add(name.rsplit("_", 1)[0])
        listed = ", ".join(_literal(spelt) for spelt in sorted(spellings))
        return f"trim({quoted(name)}) IN ({listed})"

    rows = connection.execute(
        f"SELECT rowid, count(*) OVER () FROM {quoted(raw)} "
        f"WHERE contains({quoted(named[0])}, {_literal(named[0][:1])}) "
        f"AND {' AND '.join(written(name) for name in named)} "
        f"ORDER BY rowid LIMIT {AMBIGUOUS_SHOWN}"
    ).fetchall()
    if not rows:
        return
    listed, count = _rows_named(table, rows)
    at = f"sources.sql.tables.{table.name}"
    raise SqlMetricError(
        f"{at}: {listed.en}: {'these rows repeat' if count > 1 else 'this row repeats'} the "
        "header, as an export printed in pages repeats it after each page break; read as a "
        "client's row, it would make its columns text; take such rows out of the export",
        f"{at}: {listed.zh}：重复了表头（按页导出的文件每个分页后都会重复表头）；当作客户的"
        "行读，会让各列都成为文本；请从导出文件里去掉这些行",
    )


@attrs.frozen
class _Layout:
    """How DuckDB reads a table's file: which file, past how many lines, and what blank
    lines it has (``csv_lines``)."""

    path: Path
    """The file DuckDB reads: the table's, or ``copy``."""
    copy: Path | None
    """The UTF-8 copy of a sheet, or of text in another encoding, if any."""
    skip: int
    """The lines passed over: the table's ``skip``, then the blank lines after them."""
    lines: Lines = attrs.field(factory=Lines)
    delimiter: str | None = None
    """The delimiter, where it is set or had to be sniffed before reading (a file with
    blank lines); None where DuckDB sniffs it as it reads."""
    held: frozenset[str] | None = None
    """Which of ``_SCREENED_MARKS`` the text file holds (``marks_held``); None where it
    was not looked at."""
    columns: tuple[tuple[Any, ...], ...] = ()
    """The columns of the table read, as DESCRIBE gives them (name, type, …), once it is
    read: looked up once for every check of it."""


def _layout(
    connection: duckdb.DuckDBPyConnection, table: TableFile, path: Path, copy: Path | None
) -> _Layout:
    """The layout of ``table``'s file, read from ``path`` (``copy``, if any). A text file
    is looked at for blank lines first (one pass over its bytes); only one that has them
    has its delimiter sniffed before it is read."""
    if table.kind not in {"csv", "xlsx"}:
        return _Layout(path, copy, table.skip)
    try:
        lines = lines_found(path, table.skip)
    except (OSError, EOFError, zlib.error) as error:  # a damaged .gz
        raise SqlMetricError(*_not_readable(table, error)) from None
    if not lines.filled:
        key, file = f"sources.sql.tables.{table.name}", table.path.name
        passed = (Said("", "") if not table.skip else
                  Said(f" past the {table.skip} lines skip passes over",
                       f"（skip 跳过的 {table.skip} 行之后）"))  # fmt: skip
        raise SqlMetricError(
            f"{key}: {file} holds nothing but blank lines{passed.en}, without even a header "
            "row; was the export cut short?",
            f"{key}: {file}{passed.zh}只有空行，连表头都没有；是不是导出时中断了？",
        )
    skip = table.skip + lines.leading
    if lines.odd_quotes and table.kind == "csv":
        _no_quote_left_open(table, path, skip)
    delimiter = "," if table.kind == "xlsx" else table.delimiter
    if delimiter is None and lines.blank:
        # A line of spaces makes DuckDB's sniffer find one column, unless rows short of
        # cells are read (null_padding), as the file is then.
        delimiter = _sniffed_delimiter(connection, path, table.header, skip, lines.spaces)
    try:
        held = marks_held(path, _SCREENED_MARKS)
    except (OSError, EOFError, zlib.error) as error:
        raise SqlMetricError(*_not_readable(table, error)) from None
    return _Layout(path, copy, skip, lines, delimiter, held)


def _no_quote_left_open(
    table: TableFile, path: Path, skip: int, encoding: str = "utf-8-sig"
) -> None:
    """Refuse ``table`` where a quote in its text file ``path`` (past ``skip`` lines, in
    ``encoding``) is opened and never closed: DuckDB reads every line after it into one
    cell, or, where it finds it among the lines it sniffs, reads every quote of the file
    as a character of its cell (a quoted "cm01" is no id, a quoted "1,234" two cells)."""
    delimiter = table.delimiter or _most_held(_first_line(path, skip, encoding))
    found = unclosed_quote(path, delimiter, skip, encoding)
    if found is None:
        return
    at = f"sources.sql.tables.{table.name}: {table.path.name}:{skip + 1 + found.row}"
    read = Said("every line after it was read into one cell", "它后面的每一行都被读进了这一格")
    if not found.swallowed:
        read = Said("the rest of the row was read as one cell", "这一行余下的部分被读成了一格")
    raise SqlMetricError(
        f"{at}: a quote opened in this row is never closed: {read.en}; close it, or take it "
        "out, in the export",
        f"{at}: 这一行里开始的引号一直没有结束：{read.zh}；请在导出文件里补上结束的引号，或去掉它",
    )


def _quotes_doubtful(connection: duckdb.DuckDBPyConnection, raw: str) -> bool:
    """Whether a cell of the text table ``raw`` is a sign of two quotes left open in its
    file, an even count of them: a cell holding a line break (the lines one read into a
    cell until the next closed it; a note's, as well), or beginning with a quote (DuckDB
    then reads no quote as one). A file with neither is not read again for them: reading
    every row in Python costs a second a 20 MB, ten times DuckDB's look."""
    columns = connection.execute(f"DESCRIBE {quoted(raw)}").fetchall()
    signs = " OR ".join(
        f"contains({quoted(str(n))}, chr(10)) OR contains({quoted(str(n))}, chr(13)) "
        f"OR starts_with({quoted(str(n))}, '\"')"
        for n, kind, *_ in columns
        if kind == "VARCHAR"
    )
    if not signs:
        return False
    found = connection.execute(f"SELECT bool_or({signs}) FROM {quoted(raw)}").fetchone()
    return bool(found and found[0])


def _sniffed_delimiter(
    connection: duckdb.DuckDBPyConnection, path: Path, header: bool, skip: int, padded: bool
) -> str:
    """The delimiter of the text file ``path`` as DuckDB's sniffer finds it."""
    # As DuckDB finds it: a quote is one only at a cell's start, so a wrong delimiter
    # could take a quoted cell's empty line for a blank line.
    found = connection.execute(
        f"SELECT Delimiter FROM sniff_csv({_literal(str(path))}, "
        f"header = {'true' if header else 'false'}, skip = {skip}, all_varchar = true"
        f"{', null_padding = true' if padded else ''})"
    ).fetchone()
    return "," if found is None else str(found[0])


def _blanks_read(
    connection: duckdb.DuckDBPyConnection, table: TableFile, raw: str, layout: _Layout
) -> tuple[int, ...]:
    """``TableFile.blanks`` of ``table``, read into the text table ``raw`` as ``layout``
    says: the blank lines above its header (each before its first row), and those among
    its rows. DuckDB keeps a blank line of a file of one column, as a row of NULL: only a
    file of more columns has its blank lines skipped. A line of spaces, or of delimiters
    alone, DuckDB read as a row, which is taken out of ``raw`` here."""
    if table.kind not in {"csv", "xlsx"}:
        return ()
    above = (0,) * layout.lines.leading
    if not layout.lines.blank:
        return above
    columns = layout.columns
    if len(columns) < 2 or layout.delimiter is None:
        return above
    delimiter = layout.delimiter
    if table.kind == "csv" and layout.lines.spaces:
        # A row of more cells makes DuckDB's sniffer take for the delimiter one the file
        # never writes (|, its lines read whole): its rows are counted by the first line's.
        delimiter = _first_lines_delimiter(layout.path, layout.skip, delimiter)
    found = blank_lines(layout.path, delimiter, layout.skip, table.header, len(columns))
    if table.kind == "csv" and layout.lines.spaces and found.misfit is not None:
        # Read with rows short of cells (null_padding), as a sheet's rows are, where DuckDB
        # would have found one column (_cells_counted).
        number, cells = found.misfit
        row = table.first_row + layout.lines.leading + number
        raise _misfit_refused(table, row, cells, len(columns))
    if found.spaced and layout.lines.spaces:
        _rows_taken_out(connection, raw, found.spaced)
    return above + found.before


def _first_lines_delimiter(path: Path, skip: int, sniffed: str) -> str:
    """``sniffed``, the delimiter DuckDB found for the text file ``path``, where its
    first line past ``skip`` holds it or holds none of the delimiters; else the one that
    line holds most of."""
    first = _first_line(path, skip)
    if sniffed in first or not any(d in first for d in _DELIMITERS):
        return sniffed
    return _most_held(first)


def _rows_taken_out(connection: duckdb.DuckDBPyConnection, raw: str, rowids: Sequence[int]) -> None:
    """Take the rows ``rowids`` out of the text table ``raw``, the rows after them
    renumbered: a table's rowids are its rows' places, without them."""
    kept = f"{raw}__kept"
    connection.execute(
        f"CREATE TEMP TABLE {quoted(kept)} AS SELECT * FROM {quoted(raw)} "
        "WHERE rowid NOT IN (SELECT unnest($rowids::BIGINT[])) ORDER BY rowid",
        {"rowids": list(rowids)},
    )
    connection.execute(f"DROP TABLE {quoted(raw)}")
    connection.execute(f"ALTER TABLE {quoted(kept)} RENAME TO {quoted(raw)}")


def _source(table: TableFile, scratch: Path) -> tuple[Path, Path | None]:
    """The file DuckDB reads for ``table``, and whether it is a UTF-8 copy in ``scratch``
    (of a sheet, or of text in another encoding)."""
    if table.kind in {"parquet", "json"}:
        return _unpatterned(table, scratch)
    if table.kind == "xlsx":
        copy = _sheet_as_csv(table, scratch)
        return copy, copy
    # A byte-order mark says what the file is, whatever the setting (as the brokerage
    # plugin reads one): Excel's "CSV UTF-8" beside a GBK export, read as GBK, would
    # begin its first column's name with "锘".
    try:
        encoding = _bom_encoding(table.path) or table.encoding
    except OSError as error:  # a .gz that is no gzip file: this table fails, not all
        raise SqlMetricError(*_not_readable(table, error)) from None
    if encoding not in {None, "utf-8", "utf-8-sig"}:
        copy = _transcoded(table, encoding, scratch)
        return copy, copy
    return _unpatterned(table, scratch)


def _unpatterned(table: TableFile, scratch: Path) -> tuple[Path, Path | None]:
    """``table``'s file, or where its path holds a character DuckDB reads as a pattern, a
    link to it in ``scratch`` with a plain name, removed as a copy is. DuckDB reads every
    file the pattern matches: ``data/*/s.csv``, a folder of the workspace named ``*``
    beside a link to your exports, read your ``s.csv`` through the link, unasked."""
    if not READ_AS_A_PATTERN.search(str(table.path)):
        return table.path, None
    suffixes = "".join(s for s in table.path.suffixes[-2:] if not READ_AS_A_PATTERN.search(s))
    link = scratch / f"{table.name}{suffixes}"
    try:
        link.unlink(missing_ok=True)
        link.symlink_to(table.path)
    except OSError as error:
        why = error.strerror or type(error).__name__
        at = f"sources.sql.tables.{table.name}: {table.path.name}"
        raise SqlMetricError(
            f"{at}: its name holds * ? [ or {{, which DuckDB reads as a pattern, and the "
            f"link to it by a plain name could not be made in the temporary folder ({why}); "
            "rename the file, or its folder",
            f"{at}: 名字里有 * ? [ 或 {{，DuckDB 会把它当作文件名的模式；在临时文件夹里给它建"
            f"一个普通名字的链接也失败了（{why}）；请给文件或它的文件夹改名",
        ) from None
    return link, link


def _reader(table: TableFile, layout: _Layout) -> str:
    """The DuckDB table function that reads ``table``'s file as ``layout`` says."""
    path = _literal(str(layout.path))
    if table.kind == "parquet":
        return f"read_parquet({path})"
    if table.kind == "json":
        return f"read_json({path}, format = 'newline_delimited')"
    options = [f"header = {'true' if table.header else 'false'}", f"skip = {layout.skip}",
               "all_varchar = true"]  # fmt: skip
    # DuckDB's parallel reader refuses rows short of cells (null_padding) in a file with
    # a line break in a quoted cell: read one such file a line after another.
    padded = ["null_padding = true", "parallel = false"]
    if table.kind == "xlsx":
        options += ["delim = ','", "quote = '\"'", *padded]
    elif layout.lines.spaces:
        # Its lines of spaces read as rows short of cells, then taken out (_blanks_read).
        options += [f"delim = {_literal(layout.delimiter or ',')}", *padded]
    elif table.delimiter is not None:
        options.append(f"delim = {_literal(table.delimiter)}")
    if table.kind == "csv" and not layout.lines.quote_marks:
        # What DuckDB's sniffer would find, told: trying every quote and escape on a file
        # that holds none was a third of reading it.
        options += ["quote = ''", "escape = ''"]
    if table.columns:
        options.append(f"names = [{', '.join(_literal(c) for c in table.columns)}]")
    return f"read_csv({path}, {', '.join(options)})"


_SNIFFED_BYTES = 64 << 10
"""Bytes of a text file's start in which a semicolon sends it to DuckDB's sniffer, for its
delimiter: a file with none there is read as ever."""


def _delimiter(table: TableFile, layout: _Layout, connection: duckdb.DuckDBPyConnection) -> str:
    """The delimiter of ``table``'s text file (read as ``layout`` says) as set or found
    already, else as DuckDB sniffs it reading the file; "," where the file's first
    ``_SNIFFED_BYTES`` hold no semicolon (a file of commas or tabs: no need to ask)."""
    if layout.delimiter is not None:
        return layout.delimiter
    with _opened(layout.path) as file:
        if b";" not in file.read(_SNIFFED_BYTES):
            return ","  # no semicolon to sniff: DuckDB's sniffing again would cost a tenth
    return _sniffed_delimiter(connection, layout.path, table.header, layout.skip, False)


def _scratch_writer(path: Path) -> TextIO:
    """A UTF-8 copy of a file, in the scratch folder that goes when the collect ends."""
    return path.open("w", encoding="utf-8", newline="")  # scratch: a temporary folder


def _bom_encoding(path: Path) -> str | None:
    with _opened(path) as file:
        return byte_order_mark(file.read(4))


def _transcoded(table: TableFile, encoding: str, scratch: Path) -> Path:
    """The file as UTF-8, written a megabyte at a time; a byte that is not ``encoding``
    text fails with its row named."""
    target = scratch / f"{table.name}.csv"
    at = f"sources.sql.tables.{table.name}: {table.path.name}"
    # The setting as the user wrote it, unless a byte-order mark chose the encoding.
    shown = table.encoding_written if encoding == table.encoding else None
    shown = shown or encoding
    most = most_scratch([table.path])
    try:
        with _opened(table.path) as source:
            metered = cast(BinaryIO, Metered(source, most))
            utf8_copy(cast(BinaryIO, _Read(metered)), encoding, target, _CHUNK)
    except TooMuchScratch:
        raise SqlMetricError(*too_much(at, most)) from None
    except _ReadFailed as failed:  # the file's fault (a damaged .gz), not the copy's
        raise SqlMetricError(*_not_readable(table, failed.error)) from None
    except NotEncoded as error:
        raise SqlMetricError(
            f"{at}:{error.line}: not {shown} text; set encoding for this table to the "
            "file's encoding",
            f"{at}:{error.line}: 不是 {shown} 文本；请把这张表的 encoding 设为文件实际的编码",
        ) from None
    except NoByteOrderMark as error:
        family, (little, big) = error.family, error.choices
        usual, usual_zh = ((" (as Windows and Excel write it)", "（Windows 和 Excel 的写法）")
                           if family == "UTF-16" else ("", " "))  # fmt: skip
        raise SqlMetricError(
            f'{at}: no byte-order mark says which {family} it is; set encoding to "{little}"'
            f'{usual} or "{big}"',
            f"{at}: 文件开头没有字节顺序标记，看不出是哪种 {family}；请把 encoding 设为 "
            f'"{little}"{usual_zh}或 "{big}"',
        ) from None
    except NotWide as error:
        raise SqlMetricError(*_not_wide(at, error, shown)) from None
    except OSError as error:  # no room for the copy: this table's metrics fail, not all
        raise _no_room(at, error) from None
    return target


class _ReadFailed(Exception):
    """An ``OSError`` reading a table's file, told apart from one writing its copy."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


class _Read:
    """A table's file read for its copy, whose read errors are ``_ReadFailed``: gzip's
    error of a damaged file is an ``OSError``, as no room for the copy is."""

    def __init__(self, file: BinaryIO) -> None:
        self._file = file

    def read(self, size: int = -1) -> bytes:
        try:
            return self._file.read(size)
        except OSError as error:
            raise _ReadFailed(error) from error


def _not_readable(table: TableFile, error: Exception) -> Said:
    """What a table's file that could not be read is told (a .gz file that is no gzip,
    or damaged), as DuckDB's failures to read one are (``_unreadable``)."""
    at, kind = f"sources.sql.tables.{table.name}: {table.path.name}", type(error).__name__
    return Said(f"{at}: not a readable {table.kind} file ({kind})",
                f"{at}: 不是能读的 {table.kind} 文件（{kind}）")  # fmt: skip


def _no_room(at: str, error: OSError) -> SqlMetricError:
    """The error of a table whose UTF-8 copy (of text in another encoding, or of a sheet)
    could not be written; ``at``: its key and file."""
    why = error.strerror or type(error).__name__
    return SqlMetricError(
        f"{at}: its UTF-8 copy could not be written in the temporary folder ({why}); it "
        "needs room for the file's text",
        f"{at}: 无法在临时文件夹里写出它的 UTF-8 副本（{why}）；需要能放下这个文件文本的空间",
    )


def _not_wide(at: str, error: NotWide, written: str = "") -> tuple[str, str]:
    """What a table's file set to UTF-16 or UTF-32 that is neither is told, in both
    languages; ``at``: its key and file; ``written``: the setting as the user wrote it."""
    en, zh = error.told("this table's encoding", "这张表的 encoding", written=written)
    return f"{at}: {en}", f"{at}: {zh}"


def _sheet_as_csv(table: TableFile, scratch: Path) -> Path:
    """One sheet of an .xlsx workbook as a UTF-8 CSV file, row by row."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    given: BinaryIO | None = None
    try:
        if not table.path.name.lower().endswith((".xlsx", ".xlsm")):
            given = table.path.open("rb")  # openpyxl refuses a name such as crm.csv
        book = load_workbook(given or table.path, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, InvalidFileException) as error:
        if given is not None:
            given.close()
        at, kind = f"sources.sql.tables.{table.name}: {table.path.name}", type(error).__name__
        raise SqlMetricError(f"{at} is not a readable .xlsx file ({kind})",
                             f"{at} 不是能读的 .xlsx 文件（{kind}）") from None  # fmt: skip
    try:
        if table.sheet is not None and table.sheet not in book.sheetnames:
            at = f"sources.sql.tables.{table.name}.sheet: {table.path.name}"
            sheet, sheets = (printable(table.sheet)[:80],
                             ", ".join(printable(s)[:40] for s in book.sheetnames))  # fmt: skip
            raise SqlMetricError(f"{at} has no sheet {sheet!r}; its sheets: {sheets}",
                                 f"{at} 里没有工作表 {sheet!r}；它的工作表：{sheets}")  # fmt: skip
        sheet = book[table.sheet] if table.sheet is not None else book.worksheets[0]
        target = scratch / f"{table.name}.csv"
        at, most = f"sources.sql.tables.{table.name}: {table.path.name}", most_scratch([table.path])
        try:
            with _scratch_writer(target) as out:
                writer = csv.writer(Metered(out, most))
                serials = _SerialDates(table, book.epoch)
                for cells in sheet.iter_rows():
                    values = serials.read([cell.value for cell in cells])
                    shown = [_as_percentage(c) for c in cells]
                    writer.writerow(
                        [_cell(v, table.decimal, p) for v, p in zip(values, shown, strict=True)]
                    )
        except TooMuchScratch:
            with contextlib.suppress(OSError):
                target.unlink(missing_ok=True)  # the part of it written
            raise SqlMetricError(*too_much(at, most)) from None
        except (SyntaxError, zipfile.BadZipFile) as error:
            # A sheet's XML that is damaged, or hostile (entities that expand a
            # thousandfold, one naming a file of yours): this table fails, not every one.
            with contextlib.suppress(OSError):
                target.unlink(missing_ok=True)  # the part of it written
            kind = type(error).__name__
            raise SqlMetricError(f"{at} is not a readable .xlsx file ({kind})",
                                 f"{at} 不是能读的 .xlsx 文件（{kind}）") from None  # fmt: skip
        except OSError as error:
            with contextlib.suppress(OSError):
                target.unlink(missing_ok=True)  # the part of it written
            raise _no_room(f"sources.sql.tables.{table.name}: {table.path.name}", error) from None
        return target
    finally:
        book.close()
        if given is not None:
            given.close()


class _SerialDates:
    """Excel's serial numbers (46086 is 2026-03-05) in the columns ``types`` makes dates
    or timestamps, read as the days they are. A cell with a date format is a date already
    (openpyxl reads it so); one formatted as a plain number, as some exports write their
    dates, is a serial only where the table says the column holds dates."""

    def __init__(self, table: TableFile, epoch: dt.datetime) -> None:
        self.epoch = epoch
        self.dated = {name for name, kind in table.types if kind in {"DATE", "TIMESTAMP"}}
        self.columns: set[int] = set()
        self.header_at = table.skip if table.header else None
        if not table.header:
            self.columns = {n for n, name in enumerate(table.columns) if name in self.dated}
        self.row = 0

    def read(self, values: Sequence[object]) -> Sequence[object]:
        """The row ``values`` with each serial of a dated column made its day."""
        row, self.row = self.row, self.row + 1
        if row == self.header_at:
            names = [
                str(v).strip().lstrip("\ufeff").strip() if v is not None else "" for v in values
            ]
            self.columns = {n for n, name in enumerate(names) if name in self.dated}
            return values
        if not self.columns or (self.header_at is not None and row < self.header_at):
            return values
        return [
            _day_of_serial(v, self.epoch) if n in self.columns else v for n, v in enumerate(values)
        ]


def _day_of_serial(value: object, epoch: dt.datetime) -> object:
    """``value``, an Excel serial number, as the date and time it stands for; any other
    value as it is."""
    from openpyxl.utils.datetime import from_excel

    if type(value) not in {int, float} or not 0 < cast(float, value) < 2958466:
        return value  # 2958466 is the day after 9999-12-31, Excel's last
    return from_excel(value, epoch)


_LITERALS = re.compile(r'"[^"]*"|\\.')
"""What a number format writes as it is (``"%"``, ``\\%``), not a part of the number."""


def _as_percentage(cell: object) -> bool:
    """Whether ``cell``, a sheet's, is a number cell Excel shows as a percentage (0.125
    formatted ``0.0%``, shown 12.5%)."""
    value, number_format = getattr(cell, "value", None), getattr(cell, "number_format", None)
    if type(value) not in (int, float) or not isinstance(number_format, str):
        return False
    return "%" in _LITERALS.sub("", number_format)


def _cell(value: object, decimal: str | None = None, percentage: bool = False) -> str:
    """A sheet's cell as text, a number cell written as ``decimal`` (the table's setting)
    says the file's text writes numbers: with ``","``, 12.345 is ``12,345``, which the
    table reads as 12.345 (written ``12.345`` it would be read as 12345). A number cell
    Excel shows as a percentage (``percentage``) is written as one, its digits moved, not
    multiplied (0.125 as ``12.5%``, read back as 0.125 exactly), so that a column is
    judged as it is shown (``_percentages_mixed``)."""
    if value is None:
        return ""
    if percentage and isinstance(value, (int, float)) and math.isfinite(value):
        digits = format(Decimal(repr(value)).scaleb(2).normalize(), "f")
        return (digits.replace(".", ",") if decimal == "," else digits) + "%"
    if decimal == "," and type(value) is float:
        if not math.isfinite(value):
            return str(value)
        # No exponent: 1e-05 as 0,00001, the float's own shortest digits.
        return format(Decimal(repr(value)), "f").replace(".", ",")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _typed(
    connection: duckdb.DuckDBPyConnection, table: TableFile, raw: str, layout: _Layout
) -> None:
    """Create ``table`` from the text table ``raw``, its file read as ``layout`` says:
    blanks NULL, each column typed."""
    described, held = list(layout.columns), layout.held
    declared = dict(table.types)
    unknown = set(declared) - {str(c[0]) for c in described}
    if unknown:
        key, file = f"sources.sql.tables.{table.name}.types", table.path.name
        names = ", ".join(printable(c)[:40] for c in sorted(unknown))
        raise SqlMetricError(f"{key}: no column {names} in {file}",
                             f"{key}: {file} 里没有列 {names}")  # fmt: skip
    nulls = ", ".join(_literal(n) for n in ("", *table.null))
    cells, plain = {}, {}
    for name, kind, *_ in described:
        column = quoted(str(name))
        text = column if kind == "VARCHAR" else f"CAST({column} AS VARCHAR)"
        cells[name] = f"CASE WHEN trim({text}) IN ({nulls}) THEN NULL ELSE trim({text}) END"
        plain[name] = cells[name] if kind == "VARCHAR" else column
    texts = [str(n) for n, k, *_ in described if k == "VARCHAR" and n not in declared]
    decimal = table.decimal or "."
    for column, sql_type in declared.items():
        _check_cells(connection, table, raw, column, cells[column], sql_type)
    # The types the first rows leave are tried on the whole file while the table is
    # made: a cell that does not fit stops it, and the file's every row then decides
    # as it always does, a pass at a time. Most files are typed by their first rows.
    from okrdesk.plugins.sql_engine import duckdb

    sniffed, guessed = _sniffed(
        connection, raw, texts, cells, decimal, table.dates, sample_only=True
    )
    if guessed:
        # First with the guessed columns' cells taken as DuckDB reads them (most files'
        # are), then readied in full (1,234, 12万), which DuckDB takes longer to plan.
        for as_is in (True, False) if decimal == "." else (False,):
            try:
                _create(connection, table, raw, described, {**sniffed, **declared}, cells,
                        plain, guessed, as_is, held)  # fmt: skip
                return
            except duckdb.Error:
                continue
        sniffed, _ = _sniffed(connection, raw, texts, cells, decimal, table.dates)
    _create(connection, table, raw, described, {**sniffed, **declared}, cells, plain, (),
            held=held)  # fmt: skip


def _create(
    connection: duckdb.DuckDBPyConnection,
    table: TableFile,
    raw: str,
    described: list[Any],
    chosen: Mapping[str, str],
    cells: Mapping[str, str],
    plain: Mapping[str, str],
    guessed: Sequence[str],
    as_is: bool = False,
    held: frozenset[str] | None = None,
) -> None:
    """Create ``table`` from ``raw`` with the columns typed as ``chosen`` says; a column
    ``guessed`` stops it with an error at the first cell that does not fit its type, or,
    ``as_is``, that DuckDB does not read as it is (``_read_as_it_is``). ``held``: the
    marks the file holds (``_Layout.held``): a text cell is looked at for a tab or an
    apostrophe only where it holds one."""
    # Each cell is cleaned once, in a subquery, readied for a number once, in another,
    # cast once (a guessed column's, tried), in a third, and read by the name it has
    # there: DuckDB plans that far faster than the cleaning written out again inside
    # every cast and check.
    inner, middle, tried, parts = [], [], [], []
    for number, (name, kind, *_) in enumerate(described):
        wanted = chosen.get(str(name))
        cleaned = _cleaned(number)
        inner.append(f"{plain[name] if wanted is None else cells[name]} AS {cleaned}")
        ready = cleaned
        if wanted in {"BIGINT", "DOUBLE", "DATE", "TIMESTAMP"}:
            ready = _ready(number)
            readied = _as_typed(cleaned, str(wanted), table.decimal, table.dates)
            if as_is and str(name) in guessed:
                readied = _read_as_it_is(cleaned, str(wanted))
            middle.append(f"{readied} AS {ready}")
            tried.append(ready)
        middle.append(cleaned)
        tried.append(cleaned)
        cell = cleaned if wanted is None else f"CAST({ready} AS {wanted})"
        if table.decimal == "," and kind == "VARCHAR" and wanted is None:
            # A column of the file's text left text (one N/A in it) holds its numbers as
            # every reader reads text, a query's cast and a value's tally alike: 1.234,50
            # as 1234.50, 1,234 as 1.234 (_written_with_a_point refused the others).
            cell = ungrouped_sql(cleaned, ",")
        if kind == "VARCHAR" and wanted in {None, "VARCHAR"}:
            if held is None or "\t" in held:
                cell = _tabs_dropped(cell)
            if held is None or "'" in held:
                cell = _apostrophe_dropped(cell)
        if wanted is not None and str(name) in guessed:
            cell = _typed_name(number)
            tried.append(f"TRY_CAST({ready} AS {wanted}) AS {cell}")
            unfit = _unfit_guessed(cleaned, wanted, ready, cell)
            cell = (
                f"CASE WHEN {cleaned} IS NOT NULL AND ({unfit}) "
                f"THEN error('okrdesk: a cell does not fit') ELSE {cell} END"
            )
        parts.append(f"{cell} AS {quoted(str(name))}")
    connection.execute(
        f"CREATE TABLE {quoted(table.name)} AS SELECT {', '.join(parts)} "
        f"FROM (SELECT {', '.join(tried)} FROM (SELECT {', '.join(middle)} "
        f"FROM (SELECT {', '.join(inner)} FROM {quoted(raw)})))"
        # in the file's order: DuckDB keeps it (preserve_insertion_order)
    )


def _read_as_it_is(cell: str, sql_type: str) -> str:
    """SQL for the text ``cell`` as ``_as_typed`` readies it (the decimal mark a point)
    where that leaves it as it is, DuckDB reading it already (a number without an
    underscore, a date or a timestamp written as DuckDB writes one); else NULL."""
    if sql_type in {"BIGINT", "DOUBLE"}:
        read = f"NOT contains({cell}, '_') AND TRY_CAST({cell} AS DOUBLE) IS NOT NULL"
    else:
        read = f"TRY_CAST({cell} AS TIMESTAMP) IS NOT NULL"
    return f"CASE WHEN {read} THEN {cell} END"


def _tabs_dropped(cell: str) -> str:
    """SQL for the text ``cell`` without the tabs around it: a CRM writes a tab before a
    long account number (``\t6222…``) so that Excel keeps it as text, as an apostrophe
    does; it made the column text (its digits are kept whole), and is no part of the id,
    nor of a client manager's (``\tcm01``)."""
    return f"CASE WHEN contains({cell}, chr(9)) THEN trim({cell}, chr(9) || ' ') ELSE {cell} END"


def _apostrophe_dropped(cell: str) -> str:
    """SQL for the text ``cell`` without the apostrophe before a number (``'0012345``) that
    an export writes to keep Excel from reading an account id as a number: it made the
    column text (no number is written so), and is no part of the id."""
    return (
        f"CASE WHEN starts_with({cell}, '''') AND regexp_matches({cell}, '^''[0-9+-]') "
        f"THEN substr({cell}, 2) ELSE {cell} END"
    )


def _unfit_guessed(cell: str, sql_type: str, ready: str, typed: str) -> str:
    """True for a filled cell of a guessed column that may not fit ``sql_type`` as the
    whole file's check (``_unfit_sniffed``) would judge it; ``typed``: the cell tried as
    that type. Exact for every type but a whole number, for which it is stricter, and
    cheaper than the check's patterns: the number written as DuckDB writes it (no sign
    but minus, no leading zero). A cell it rules out sends the file to the whole check,
    which decides as it always has."""
    if sql_type == "BIGINT":
        return f"{typed} IS NULL OR CAST({typed} AS VARCHAR) <> {ready} OR {_long_digits(cell)}"
    if sql_type == "DOUBLE":
        return f"{typed} IS NULL OR {_leading_zero(cell)} OR {_long_digits(cell)}"
    return f"{typed} IS NULL"


def _cleaned(number: int) -> str:
    """The name of a column's cleaned cells in the subqueries that type the columns."""
    return f"__okrdesk_cell_{number}"


def _typed_name(number: int) -> str:
    """The name of a guessed column's cells cast to its type, beside ``_cleaned``."""
    return f"__okrdesk_typed_{number}"


def _ready(number: int) -> str:
    """The name of a column's cells ready to cast to a number, beside ``_cleaned``."""
    return f"__okrdesk_ready_{number}"


def _as_typed(
    cell: str, sql_type: str, decimal: str | None = None, dates: str | None = None
) -> str:
    """The cell ready to cast: a number's thousands separators taken out, a decimal comma
    made a point where ``decimal`` (the table's setting) is ``","``, and its full-width
    digits and suffix (``万``, ``%``) read (``number_ready_sql``); a date written as Chinese
    systems write one, or with its year last in the order ``dates`` says, made ISO."""
    if sql_type in {"BIGINT", "DOUBLE"}:
        return number_ready_sql(cell, decimal or ".")
    if sql_type in {"DATE", "TIMESTAMP"}:
        return date_ready_sql(cell, dates)
    return cell


def _unfit(
    cell: str,
    sql_type: str,
    ready: str | None = None,
    decimal: str | None = None,
    dates: str | None = None,
    dated: str | None = None,
) -> str:
    """True for a cell that is not of ``sql_type``; DuckDB would round "1.5" to a whole
    number, so a whole number must be written as one: in digits (``1,234`` too), or in 万
    or 亿 where that is a whole number (a count of clients written ``12万`` is 120000, and
    ``1.2345万`` 12345; ``1.23456万`` is not whole). ``ready``: the cell as ``_as_typed``
    gives it for a number, where a subquery has it already, and ``dated`` for a date or
    a timestamp; ``decimal`` and ``dates``: the table's settings."""
    if dated is not None and sql_type in {"DATE", "TIMESTAMP"}:
        ready = dated
    elif ready is None or sql_type not in {"BIGINT", "DOUBLE"}:
        ready = _as_typed(cell, sql_type, decimal, dates)
    unfit = f"TRY_CAST({ready} AS {sql_type}) IS NULL"
    if sql_type == "BIGINT":
        unfit += (
            f" OR NOT (regexp_full_match({ready}, '[+-]?[0-9]+') OR {_whole_in_wan(cell, ready)})"
        )
    return unfit


_EXACT_WHOLE = 2**53
"""Past this every double is a whole number, so that being one says nothing of the cell."""


def _whole_in_wan(cell: str, ready: str) -> str:
    """SQL true for a cell written in 万 or 亿 (``12万``, ``1.2亿元``; ``ready``: as
    ``_as_typed`` readies it, ``12e4``) that is a whole number. ``1e5`` is not taken:
    Excel writes a number it has no room to show so (``1.23457E+11``), its digits lost."""
    number = f"TRY_CAST({ready} AS DOUBLE)"
    return (
        f"((contains({cell}, '万') OR contains({cell}, '亿')) AND {number} = trunc({number}) "
        f"AND abs({number}) < {_EXACT_WHOLE})"
    )


def _sniffed(
    connection: duckdb.DuckDBPyConnection,
    raw: str,
    texts: list[str],
    cells: Mapping[str, str],
    decimal: str,
    dates: str | None = None,
    sample_only: bool = False,
) -> tuple[dict[str, str], list[str]]:
    """For each text column, the first of whole number, number, date and timestamp that
    every filled cell fits; a column with no filled cell is a number column. With
    ``sample_only``, a column the first rows leave a type for gets the first type they
    leave, unchecked on the rest, and is named among the columns guessed (the second
    item; empty otherwise).

    The types a column's first rows rule out are not tried on the rest, so a text
    column costs one look at a sample and a number column one scan. Each cell is
    cleaned, and readied for a number, once in subqueries that the checks read.
    ``decimal``: the file's decimal mark (``_as_typed``)."""
    clean = ", ".join(f"{cells[name]} AS {_cleaned(n)}" for n, name in enumerate(texts))
    readied = ", ".join(
        f"{_cleaned(n)}, {_as_typed(_cleaned(n), 'DOUBLE', decimal)} AS {_ready(n)}"
        for n in range(len(texts))
    )

    def cleaned(rows: str) -> str:
        return f"(SELECT {readied} FROM (SELECT {clean} FROM {rows}))"

    left = {name: list(_SNIFFED) for name in texts}
    number = {name: n for n, name in enumerate(texts)}
    filled = dict.fromkeys(texts, 0)
    chosen: dict[str, str] = {}
    first = True
    while left:
        if sample_only and not first:
            guessed = {name: candidates[0] for name, candidates in left.items()}
            return {**chosen, **guessed}, list(guessed)
        if first:  # every type tried on every column: ``left`` is ``texts``, in order
            found: tuple[Any, ...] | None = _sample_counts(
                connection, raw, texts, cells, decimal, dates
            )
        else:
            counts = []
            for name, candidates in left.items():
                counts.append(f"count({_cleaned(number[name])})")
                n = number[name]
                counts.append(_unfit_count(_cleaned(n), candidates[0], _ready(n), dates))
            query = f"SELECT {', '.join(counts)} FROM {cleaned(quoted(raw))}"
            found = connection.execute(query).fetchone()
        assert found is not None
        values = iter(found)
        still: dict[str, list[str]] = {}
        for name, candidates in left.items():
            filled[name] = max(filled[name], next(values))
            tried = candidates if first else candidates[:1]
            fits = [t for t in tried if not next(values)]
            remaining = fits if first else fits + candidates[1:]
            if not remaining:
                continue  # text
            if first or not fits:
                still[name] = remaining
            else:
                chosen[name] = fits[0]
        left, first = still, False
    for name in texts:
        if not filled[name] and name not in chosen:
            chosen[name] = "DOUBLE"
    return chosen, []


def _sample_counts(
    connection: duckdb.DuckDBPyConnection,
    raw: str,
    texts: list[str],
    cells: Mapping[str, str],
    decimal: str,
    dates: str | None = None,
) -> tuple[int, ...]:
    """For each text column in turn, on the first rows: its filled cells, then the cells
    that rule out each of ``_SNIFFED``. The cells of every column are stacked into one
    column first: DuckDB plans a few checks of one column in a fraction of the time it
    takes to plan each check of every column (planning, not reading, was the cost)."""
    stacked = " UNION ALL ".join(
        f"SELECT {n} AS okrdesk_column, {cells[name]} AS okrdesk_cell FROM okrdesk_sample"
        for n, name in enumerate(texts)
    )
    # Each cell readied for a number, for a date, and its marks of an id, once: the
    # checks of two types each read them.
    ready = _as_typed("okrdesk_cell", "DOUBLE", decimal)
    dated = _as_typed("okrdesk_cell", "DATE", dates=dates)
    marks = _marks_of_an_id("okrdesk_cell")
    checks = ", ".join(
        _unfit_count("okrdesk_cell", t, "okrdesk_ready", dates, "okrdesk_dated", "okrdesk_marked")
        for t in _SNIFFED
    )
    found = connection.execute(
        f"WITH okrdesk_sample AS (SELECT * FROM {quoted(raw)} LIMIT {_SAMPLE}) "
        f"SELECT okrdesk_column, count(okrdesk_cell), {checks} FROM "
        f"(SELECT *, {ready} AS okrdesk_ready, {dated} AS okrdesk_dated, "
        f"{marks} AS okrdesk_marked FROM ({stacked})) GROUP BY okrdesk_column"
    ).fetchall()
    by_column = {row[0]: row[1:] for row in found}
    empty = (0,) * (1 + len(_SNIFFED))
    return tuple(v for n in range(len(texts)) for v in by_column.get(n, empty))


def _unfit_count(
    cell: str,
    sql_type: str,
    ready: str | None = None,
    dates: str | None = None,
    dated: str | None = None,
    marked: str | None = None,
) -> str:
    unfit = _unfit_sniffed(cell, sql_type, ready, dates, dated, marked)
    return f"count(*) FILTER (WHERE {cell} IS NOT NULL AND ({unfit}))"


def _unfit_sniffed(
    cell: str,
    sql_type: str,
    ready: str | None = None,
    dates: str | None = None,
    dated: str | None = None,
    marked: str | None = None,
) -> str:
    """True for a filled cell that rules ``sql_type`` out of a column being sniffed:
    one that is not of the type, or a number written with a leading zero (an id).
    ``dated`` and ``marked``: the cell readied for a date (``_unfit``), and its
    ``_marks_of_an_id``, where a subquery has them already."""
    unfit = _unfit(cell, sql_type, ready, dates=dates, dated=dated)
    if sql_type in {"BIGINT", "DOUBLE"}:
        unfit += f" OR {marked or _marks_of_an_id(cell)}"
    return unfit


def _marks_of_an_id(cell: str) -> str:
    """True for a number written as an id is, never a figure: with a leading zero, or of
    16 digits or more."""
    return f"({_leading_zero(cell)} OR {_long_digits(cell)})"


def _long_digits(cell: str) -> str:
    """True for a whole number of 16 digits or more: an account or card number (Excel
    shows no more than 15 digits of a number, and a CRM writes a tab before one so that
    Excel keeps it as text), never a figure; read as a number, its last digits would be
    lost."""
    return f"(strlen({cell}) >= 16 AND regexp_full_match({cell}, {_literal(_LONG_DIGITS)}))"


_LONG_DIGITS = r"\s*[+-]?[0-9]{16,}\s*"


def _leading_zero(cell: str) -> str:
    """True for a number written with a leading zero (an id, not a number)."""
    # Tried only on cells that begin as the pattern does: a regular expression a cell is
    # DuckDB's dearest check of a number column.
    return (
        f"((starts_with({cell}, '0') OR starts_with({cell}, '+0') "
        f"OR starts_with({cell}, '-0')) "
        f"AND regexp_full_match({cell}, {_literal(_LEADING_ZERO)}))"
    )


def _check_cells(
    connection: duckdb.DuckDBPyConnection,
    table: TableFile,
    raw: str,
    column: str,
    cell: str,
    sql_type: str,
) -> None:
    bad = connection.execute(
        f"SELECT rowid, {year_last_sql(cell)}, {cell} FROM {quoted(raw)} WHERE {cell} IS NOT NULL "
        f"AND ({_unfit(cell, sql_type, decimal=table.decimal, dates=table.dates)}) "
        "ORDER BY rowid LIMIT 1"
    ).fetchone()
    if bad is None:
        return
    at = f"sources.sql.tables.{table.name}: {table.path.name}:{table.file_row(int(bad[0]))}"
    name = printable(column)[:80]
    if bad[1] and sql_type in {"DATE", "TIMESTAMP"} and table.dates is None:
        why = _year_last_said(table)
        raise SqlMetricError(f"{at}:{name}: {why.en}", f"{at}:{name}：{why.zh}")
    kind, found = _DECLARED[sql_type], _found_instead(str(bad[2]), sql_type, table.decimal)
    raise SqlMetricError(
        f"{at}:{name}: types says column {name} holds {kind.en}, and this cell holds "
        f"{found.en}; correct the cell in the export, or give the column another type in "
        "types",
        f"{at}:{name}：types 说 {name} 列是{kind.zh}，这一格却是{found.zh}；请改正导出文件里"
        "的这一格，或在 types 里给这一列换一个类型",
    )


_DECLARED = {
    "BIGINT": Said("whole numbers (1234)", "整数（1234、12万）"),
    "DOUBLE": Said("numbers (1234.5, 1,234.5, 12.5%)",
                   "数（1234.5、1,234.5、12.5万、12.5%）"),
    "DATE": Said("dates (2026-03-05, 2026/3/5)",
                 "日期（2026-03-05、2026/3/5、2026年3月5日）"),
    "TIMESTAMP": Said("dates with a time or not (2026-03-05 14:30)",
                      "日期，带或不带时刻（2026-03-05 14:30）"),
}  # fmt: skip
"""What a column ``types`` gives each type holds, in a manager's words."""


def _found_instead(cell: str, sql_type: str, decimal: str | None) -> Said:
    """What ``cell``, which does not fit ``sql_type``, holds instead, in words that do not
    quote it."""
    number = written_number(cell) if decimal != "," else _comma_number(cell)
    if number is None and "_" in cell and sql_type in {"BIGINT", "DOUBLE"}:
        plain = cell.replace("_", "")
        if (written_number(plain) if decimal != "," else _comma_number(plain)) is not None:
            return Said(
                "a number with an underscore, which no reader takes the same way (1_5 could "
                "be 15 or 1.5)",
                "带下划线的数，各人读法不同（1_5 可读作 15，也可读作 1.5）",
            )
    if sql_type in {"DATE", "TIMESTAMP"}:
        if number is not None:
            return Said("a number, not a date", "数，不是日期")
        return Said("text that is no date", "文本，不是日期")
    if sql_type == "BIGINT" and number is not None:
        if not number.is_integer():
            return Said("a number with a fraction", "带小数的数")
        return Said("a whole number not written as one (as 12.0 or 1e5 are)",
                    "没有按整数写的整数（如 12.0、1e5）")  # fmt: skip
    return Said("text, not a number", "文本，不是数")


def _comma_number(cell: str) -> float | None:
    """``cell`` read as a number of a file whose decimal mark is a comma (12,5 is 12.5,
    1.234 is 1234), as ``written_number`` reads one written with a point."""
    plain, exponent = scaled(half_width(cell).strip())
    return written_number((ungrouped(plain, ",") or plain) + exponent)


def _written_with_a_point(
    connection: duckdb.DuckDBPyConnection, table: TableFile, raw: str
) -> None:
    """Refuse ``table``, whose ``decimal`` is ``","``, where a cell of the text table
    ``raw`` read from its file is a number only a decimal point reads: ``1.5``, ``0.125``,
    ``5228.1`` (no thousands separator is followed by fewer or more than three digits, or
    comes after a lone zero), ``1,234.50``, ``12,345,678``, ``¥1.5``. Read, it would be in
    a convention the file does not use: a file of semicolons with points for decimals (the
    bank's telemarketing export) told ``","`` would hold 93.2 beside 93994 for 93.994, in
    one column. A column ``types`` gives ``text``, ``date`` or ``timestamp`` is not looked
    at: its cells are no numbers (a column of times such as 12.30). Its cells are named as
    ``_ambiguous`` names them."""
    if table.decimal != ",":
        return
    described = connection.execute(f"DESCRIBE {quoted(raw)}").fetchall()
    declared = dict(table.types)
    columns = [
        str(name)
        for name, kind, *_ in described
        if kind == "VARCHAR" and declared.get(str(name), "DOUBLE") in {"BIGINT", "DOUBLE"}
    ]
    if not columns:
        return
    nulls = ", ".join(_literal(n) for n in ("", *table.null))
    _refuse_cells(
        connection,
        table,
        raw,
        columns,
        # A cell only a point reads has a point, or two commas (12,345,678).
        "contains(okrdesk_cell, '.') OR "
        "contains(substr(okrdesk_cell, strpos(okrdesk_cell, ',') + 1), ',')",
        lambda cell: (
            f"{cell} NOT IN ({nulls}) AND (TRY_CAST({cell} AS DOUBLE) IS NOT NULL "
            f"OR {written_sql(cell)}) AND NOT {written_sql(cell, ',')}"
        ),
        Said(
            'decimal = "," says this file writes 1,5 for 1.5 and 1.234,50 for 1234.50, and '
            "these cells are numbers written with a decimal point (1.5, 1,234.50), which it "
            'does not read; if the file writes its numbers so, set decimal = "." (a file of '
            "semicolons with no number such as 1,234 needs no decimal at all); a column of "
            'cells that are no numbers (times such as 12.30) can be given "text" in types',
            'decimal = "," 说这个文件把 1.5 写成 1,5、把 1234.50 写成 1.234,50，而这些格是用'
            "小数点写的数（1.5、1,234.50），按这种写法不读；文件若这样写数，请设 "
            'decimal = "."（分号分隔、又没有 1,234 这类数的文件不必设 decimal）；'
            '某列的格不是数（如 12.30 这样的时刻）时，可在 types 里把这一列设为 "text"',
        ),
    )


def _screened(
    connection: duckdb.DuckDBPyConnection, table: TableFile, raw: str, layout: _Layout
) -> None:
    """The checks of ``table``, made and typed from the text table ``raw`` (its file read
    as ``layout`` says), in turn: dates with the year last, percentages beside plain
    numbers, numbers but for an underscore. One look at the cells finds the columns
    holding a sign (%, _) that the last two read every cell of; a sign the file holds
    nowhere is not looked for."""
    typed = connection.execute(f"DESCRIBE {quoted(table.name)}").fetchall()
    _year_last(connection, table, typed)
    if table.kind not in {"csv", "xlsx"}:
        return
    raws = {str(c[0]): c[1] for c in layout.columns}
    declared = dict(table.types)
    # A column of numbers, or one left text: a percentage may stand in it. Not one types
    # makes text: the query owns its reading.
    signed = [
        str(name)
        for name, kind, *_ in typed
        if (kind == "DOUBLE" or (kind == "VARCHAR" and str(name) not in declared))
        and raws.get(str(name)) == "VARCHAR"
    ]
    underscored = [str(n) for n, kind, *_ in typed if kind == "VARCHAR" and str(n) not in declared]
    if layout.held is not None:
        signed = signed if set(_PERCENT_SIGNS) & layout.held else []
        underscored = underscored if "_" in layout.held else []
    looks = [
        " OR ".join(f"contains({quoted(name)}, {_literal(s)})" for s in _PERCENT_SIGNS)
        for name in signed
    ] + [f"contains({quoted(name)}, '_')" for name in underscored]
    found: Sequence[Any] = ()
    if looks:
        held = ", ".join(f"bool_or({look})" for look in looks)
        found = connection.execute(f"SELECT {held} FROM {quoted(raw)}").fetchone() or ()
    with_sign = [n for n, has in zip(signed, found, strict=False) if has]
    with_underscore = [n for n, has in zip(underscored, found[len(signed) :], strict=False) if has]
    _percentages_mixed(connection, table, raw, typed, with_sign)
    _underscored(connection, table, raw, with_underscore)


_PERCENT_SIGNS = ("%", "％", "‰")
_SCREENED_MARKS = (",", *_PERCENT_SIGNS, "_", "\t", "'")
"""The marks of cells the checks of a file's cells look further at (``_ambiguous``,
``_screened``), and the text cells made a table's are cleaned of (``_create``): a file
that holds none of one is not searched for it cell by cell."""


def _year_last(
    connection: duckdb.DuckDBPyConnection, table: TableFile, described: Sequence[Any]
) -> None:
    """Refuse ``table``, made and typed (its columns ``described``), whose ``dates`` is
    not set, where a cell of a text column is a date written with its year last
    (``05.03.2026``, ``03/05/2026``): 5 March in Germany and Britain, 3 May in America,
    and nothing in the file says which. Such a cell is read as no date, so only a column
    left text can hold one; a column ``types`` gives ``text`` is not looked at. Its cells
    are named as ``_ambiguous`` names them."""
    if table.dates is not None:
        return
    raw = table.name
    declared = dict(table.types)
    columns = [
        str(name)
        for name, kind, *_ in described
        if kind == "VARCHAR" and declared.get(str(name)) != "VARCHAR"
    ]
    if not columns:
        return
    # Such a date begins with a digit: the pattern is tried on no other cell (a third of
    # the look at a column of names).
    any_date = " OR ".join(
        f"({quoted(name)} >= '0' AND {quoted(name)} < ':' AND {year_last_sql(quoted(name))})"
        for name in columns
    )
    found = connection.execute(f"SELECT bool_or({any_date}) FROM {quoted(raw)}").fetchone()
    if found is None or not found[0]:
        return
    _refuse_cells(connection, table, raw, columns, "true", year_last_sql, _year_last_said(table))


def _percentages_mixed(
    connection: duckdb.DuckDBPyConnection,
    table: TableFile,
    raw: str,
    described: Sequence[Any],
    columns: list[str],
) -> None:
    """Refuse ``table``, made and typed from the text table ``raw`` (its columns
    ``described``), where a column of ``columns``, those ``_screened`` found a sign in, holds
    percentages (``12.5%``, read as 0.125) beside numbers written without a sign other
    than 0 (``8``): 8% or 8? Read as written, a rate of 8 beside 0.125 would make every
    sum and average of the column a figure no one meant. A number column is looked at,
    and a column left text (one cell such as ``N/A`` in it), whose numbers a query's
    value still reads as the tables do, where most of its filled cells are numbers (not a
    column of remarks); not one ``types`` makes text, whose reading the query owns. The
    plain cells are named as ``_ambiguous`` names cells. A workbook's
    cells are judged as Excel shows them: a number cell formatted as a percentage is one
    (``_cell``), a number cell formatted otherwise a plain number, beside text cells."""
    if not columns:
        return
    nulls = ", ".join(_literal(n) for n in ("", *table.null))

    def number(cell: str) -> str:
        return f"TRY_CAST({_as_typed(cell, 'DOUBLE', table.decimal)} AS DOUBLE)"

    def signed(cell: str) -> str:
        return " OR ".join(f"ends_with(trim({cell}), {_literal(s)})" for s in _PERCENT_SIGNS)

    found = connection.execute(
        "SELECT "
        + ", ".join(
            f"bool_or(({signed(quoted(name))}) AND {number(quoted(name))} IS NOT NULL)"
            for name in columns
        )
        + f" FROM {quoted(raw)} WHERE "
        + " OR ".join(
            " OR ".join(f"contains({quoted(name)}, {_literal(s)})" for s in _PERCENT_SIGNS)
            for name in columns
        )
    ).fetchone()
    mixed = [name for name, any_sign in zip(columns, found or (), strict=False) if any_sign]
    texts = [str(name) for name, kind, *_ in described if kind == "VARCHAR" and name in mixed]
    if texts:
        # A column left text is one of numbers (an N/A among them) where most of its
        # filled cells are numbers; a column of remarks, words with a 5% or a 3 among
        # them, is no column of figures, and no query reads it as one. (Counted only
        # where a percentage was found: reading every cell as a number is the cost.)
        shares = connection.execute(
            "SELECT "
            + ", ".join(
                f"count(*) FILTER (WHERE {number(quoted(n))} IS NOT NULL) * 2 "
                f">= count(*) FILTER (WHERE {quoted(n)} NOT IN ({nulls}))"
                for n in texts
            )
            + f" FROM {quoted(raw)}"
        ).fetchone()
        words = {n for n, mostly in zip(texts, shares or (), strict=False) if not mostly}
        mixed = [name for name in mixed if name not in words]
    if not mixed:
        return

    def plain(cell: str) -> str:
        return f"{cell} NOT IN ({nulls}) AND {number(cell)} <> 0 AND NOT ({signed(cell)})"

    _refuse_cells(
        connection,
        table,
        raw,
        mixed,
        "true",
        plain,
        Said(
            "in a column of percentages (12.5% is 0.125), these cells are numbers written "
            "without %, which may be 8% as well as 8; write them with % in the export, or give "
            'the column "text" in types and read it in the query',
            "在百分数的列里（12.5% 即 0.125），这些格是没写 % 的数，可能是 8%，也可能是 8；"
            '请在导出文件里给它们写上 %，或在 types 里把这一列设为 "text"，在查询里自己读',
        ),
    )


def _underscored(
    connection: duckdb.DuckDBPyConnection, table: TableFile, raw: str, columns: list[str]
) -> None:
    """Refuse ``table``, made and typed from the text table ``raw``, where a column of
    ``columns``, those left text that ``_screened`` found an underscore in, holds
    numbers and a cell that is one but for an underscore (``1_5``, which
    DuckDB and Python read as 15, where a person may have meant 1.5): read as no number,
    it made the column text, and a query's ``sum`` of it fails, or a value leaves its
    row out with no word of why. A column ``types`` makes text is not looked at, nor one
    with no plain number in it, or mostly other text (ids such as ``2026_001``). The
    cells are named as ``_ambiguous`` names cells, told what a check-in of 1_5 is told.
    (Reading every cell as a number is the cost: only a column with an underscore in it
    is read so.)"""
    if not columns:
        return

    def number(cell: str) -> str:
        return f"TRY_CAST({_as_typed(cell, 'DOUBLE', table.decimal)} AS DOUBLE)"

    def underscored(cell: str) -> str:
        plain = number(f"replace({cell}, '_', '')")
        return f"(contains({cell}, '_') AND {plain} IS NOT NULL)"

    cells = {name: f"trim({quoted(name)})" for name in columns}
    found = connection.execute(
        "SELECT "
        + ", ".join(
            f"count(*) FILTER (WHERE {underscored(cell)}), "
            f"count(*) FILTER (WHERE {number(cell)} IS NOT NULL), count({cell})"
            for cell in cells.values()
        )
        + f" FROM {quoted(raw)}"
    ).fetchone()
    counts = list(found or ())
    mixed = []
    for n, name in enumerate(columns):
        under, numbers, filled = counts[3 * n : 3 * n + 3]
        if under and numbers and numbers * 2 >= filled - under:
            mixed.append(name)
    if not mixed:
        return
    _refuse_cells(
        connection,
        table,
        raw,
        mixed,
        "contains(okrdesk_cell, '_')",
        underscored,
        Said(
            "these cells are numbers but for an underscore, which no reader takes the same "
            "way (1_5 could be 15 or 1.5), and okrdesk reads as no number, as it does a "
            "check-in's; write each number without it in the export (or, if the column "
            'holds no figures, give it "text" in types)',
            "这些格除了下划线都是数；带下划线的数各人读法不同（1_5 可读作 15，也可读作 1.5），"
            "okrdesk 和读打卡时一样不把它当作数；请在导出文件里去掉下划线再写（这一列若不是"
            '数字，可在 types 里把它设为 "text"）',
        ),
    )


def text_among_numbers(connection: duckdb.DuckDBPyConnection, table: TableFile) -> Said | None:
    """Where ``table``, made and typed, has a column left text that holds numbers (most
    of its filled cells read as one, as a value reads them), its first cells that do not
    (file:row:column, never the cell), counted: why a query's ``sum`` of it fails. A
    column whose every cell is a number kept as text (written ``'100``, as Excel keeps
    text, or ``0100``) has its first cell named, and said so. A column ``types`` makes
    text is not looked at: the query owns its reading. None where there is no such
    column."""
    described = connection.execute(f"DESCRIBE {quoted(table.name)}").fetchall()
    declared = dict(table.types)
    columns = [str(n) for n, kind, *_ in described if kind == "VARCHAR" and str(n) not in declared]
    if not columns:
        return None

    def number(cell: str) -> str:
        return f"TRY_CAST({_as_typed(cell, 'DOUBLE', table.decimal)} AS DOUBLE)"

    counted = connection.execute(
        "SELECT "
        + ", ".join(
            f"count(*) FILTER (WHERE {number(quoted(n))} IS NOT NULL), count({quoted(n)})"
            for n in columns
        )
        + f" FROM {quoted(table.name)}"
    ).fetchone()
    found = list(counted or ())
    numbers = [
        n for i, n in enumerate(columns) if found[2 * i] and found[2 * i] * 2 >= found[2 * i + 1]
    ]
    if not numbers:
        return None
    unread = _cells_found(
        connection, table, table.name, numbers,
        lambda cell: f"{cell} IS NOT NULL AND {number(cell)} IS NULL", trimmed=False,
    )  # fmt: skip
    if unread is not None:
        cells, count = unread
        many = count > 1
        return Said(
            f"{cells.en} {'are' if many else 'is'} no number, and left "
            f"{'their columns' if many else 'its column'} text; correct the export, or list "
            "such cells in the table's null",
            f"{cells.zh} 不是数，让所在的列成了文本；请改正导出文件，或把这类格写进这张表的 null",
        )
    row = connection.execute(
        f"SELECT rowid FROM {quoted(table.name)} WHERE {quoted(numbers[0])} IS NOT NULL "
        "ORDER BY rowid LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    at = f"{table.path.name}:{table.file_row(int(row[0]))}:{printable(numbers[0])[:80]}"
    return Said(
        f"{at}: the column's numbers are written as text ('100, as Excel keeps text, or "
        "0100); write them as numbers in the export, or TRY_CAST the column AS DOUBLE",
        f"{at}：这一列的数是按文本写的（如 Excel 保留文本的 '100，或 0100）；请在导出文件里"
        "按数写，或用 TRY_CAST(列 AS DOUBLE)",
    )


def _year_last_said(table: TableFile) -> Said:
    """What a cell that is a date written with its year last, in ``table``, is told."""
    setting = f"[sources.sql.tables.{table.name}]"
    return Said(
        "a date written with the year last is 5 March (05.03.2026) where the day comes first "
        f"and 3 May where the month does; say which this file writes under {setting}: "
        'dates = "day-first" or dates = "month-first" (a column of cells that are no dates '
        'can be given "text" in types)',
        "年份写在最后的日期，日在前时 05.03.2026 是 3 月 5 日，月在前时是 5 月 3 日；"
        f'请在 {setting} 里写明这个文件的写法：dates = "day-first" 或 dates = '
        '"month-first"（某列的格不是日期时，可在 types 里把这一列设为 "text"）',
    )


def _refuse_cells(
    connection: duckdb.DuckDBPyConnection,
    table: TableFile,
    raw: str,
    columns: list[str],
    gate: str,
    found: Callable[[str], str],
    why: Said,
) -> None:
    """Refuse ``table`` where a cell of ``columns`` of the text table ``raw`` (trimmed) is
    one ``found`` says (SQL true of such a cell, given the cell's SQL), looked at only
    where ``gate`` (SQL of ``okrdesk_cell``, cheap) is true: the first ``AMBIGUOUS_SHOWN``
    are named (file:row:column, never the cell) and all of them counted, then ``why`` is
    said."""
    cells = _cells_found(connection, table, raw, columns, found, gate=gate)
    if cells is None:
        return
    at = f"sources.sql.tables.{table.name}"
    raise SqlMetricError(f"{at}: {cells[0].en}: {why.en}", f"{at}: {cells[0].zh}：{why.zh}")


def _cells_found(
    connection: duckdb.DuckDBPyConnection,
    table: TableFile,
    source: str,
    columns: list[str],
    found: Callable[[str], str],
    *,
    gate: str = "true",
    trimmed: bool = True,
) -> tuple[Said, int] | None:
    """The cells of ``columns`` of the table ``source`` read from ``table``'s file
    (``trimmed`` of spaces) that ``found`` says are (SQL true of such a cell, given the
    cell's SQL), looked at only where ``gate`` (SQL of ``okrdesk_cell``, cheap) is true:
    the first ``AMBIGUOUS_SHOWN`` named (file:row:column, never the cell) and how many
    there are; None where there is none. The cells of every column are stacked into one,
    so that DuckDB plans the look once, not once a column (planning, not reading, was
    most of its cost)."""
    stacked = " UNION ALL ".join(
        f"SELECT {n} AS okrdesk_column, rowid AS okrdesk_row, "
        f"{f'trim({quoted(name)})' if trimmed else quoted(name)} AS okrdesk_cell "
        f"FROM {quoted(source)}"
        for n, name in enumerate(columns)
    )
    first = connection.execute(
        f"SELECT okrdesk_row, okrdesk_column, count(*) OVER () FROM "
        f"(SELECT * FROM ({stacked}) WHERE ({gate})) WHERE ({found('okrdesk_cell')}) "
        f"ORDER BY okrdesk_row, okrdesk_column LIMIT {AMBIGUOUS_SHOWN}"
    ).fetchall()
    if not first:
        return None
    count = int(first[0][2])
    named = [
        f"{table.path.name}:{table.file_row(int(row))}:{printable(columns[column])[:80]}"
        for row, column, _ in first
    ]
    return _listed(named, count, Said("cells", "格")), count


def _listed(named: list[str], count: int, things: Said) -> Said:
    """The places ``named``, the first of ``count``, and how many there are in all when
    that is more (``things``: what they are, in each language)."""
    if count <= len(named):
        return Said(", ".join(named), "、".join(named))
    return Said(
        ", ".join(named) + f", … ({count:,} {things.en} in all)",
        "、".join(named) + f" 等，共 {count:,} {things.zh}",
    )


AMBIGUOUS_SHOWN = 3
"""Cells of a file a message of numbers that may be read two ways names, past which it
counts them."""


def _ambiguous(
    connection: duckdb.DuckDBPyConnection, table: TableFile, raw: str, layout: _Layout
) -> None:
    """Refuse ``table``, a text file whose ``decimal`` is not set, where a cell of the text
    table ``raw`` read from it (from ``copy``, its UTF-8 copy, if any) is a number written
    with a decimal comma (``1,5``, ``356,84``, ``1.234,50``: ``decimal_comma``), which
    would leave its column text (a query's ``sum`` of it fails, each value left out); or,
    in a file of semicolons, a number with one comma before three digits (``1,234``):
    Excel saves CSV with semicolons where the decimal mark is a comma, and there it is
    1.234, not 1234. The first ``AMBIGUOUS_SHOWN`` such cells are named (file:row:column,
    never the cell) and all of them counted. The delimiter is asked (``_delimiter``) only
    of a file with a comma in a cell: most files cost one look for a comma."""
    if table.kind != "csv" or table.decimal is not None:
        return
    if layout.held is not None and "," not in layout.held:
        return
    columns = [str(c[0]) for c in layout.columns]
    comma = " OR ".join(f"contains({quoted(name)}, ',')" for name in columns)
    any_comma = connection.execute(f"SELECT bool_or({comma}) FROM {quoted(raw)}").fetchone()
    if not columns or any_comma is None or not any_comma[0]:
        return
    setting = f"[sources.sql.tables.{table.name}]"
    if table.delimiter in {None, ";"} and _delimiter(table, layout, connection) == ";":
        _refuse_cells(
            connection,
            table,
            raw,
            columns,
            "contains(okrdesk_cell, ',')",
            ambiguous_sql,
            Said(
                "in a file of semicolons, as Excel saves CSV where the decimal mark is a comma, a "
                "number with one comma before three digits (1,234) may be 1.234 as well as 1234; "
                f'say which this file writes under {setting}: decimal = "," (1,234 is 1.234, '
                '1.234,50 is 1234.50) or decimal = "." (1,234 is 1234)',
                "分号分隔的文件（小数点是逗号的地区，Excel 这样保存 CSV）里，逗号后恰有三位数字的数"
                f"（如 1,234）可能是 1.234，也可能是 1234；请在 {setting} 里写明这个文件的写法："
                'decimal = ","（1,234 即 1.234，1.234,50 即 1234.50）或 decimal = "."（1,234 即 '
                "1234）",
            ),
        )
    _refuse_cells(
        connection,
        table,
        raw,
        columns,
        "contains(okrdesk_cell, ',')",
        decimal_comma_sql,
        Said(
            "these cells are numbers written with a decimal comma (1,5 for 1.5, 1.234,50 for "
            "1234.50), as Excel writes them where the decimal mark is a comma, and would be "
            f'read as text; say so under {setting}: decimal = "," (1,5 is 1.5, 1,234 is '
            '1.234), or decimal = "." if they are no numbers, to keep them as text',
            "这些格是用小数逗号写的数（1,5 即 1.5，1.234,50 即 1234.50；小数点是逗号的地区，"
            f'Excel 这样写数），会被当作文本；请在 {setting} 里写明：decimal = ","（1,5 即 '
            '1.5，1,234 即 1.234）；它们若不是数，请设 decimal = "."，作为文本保留',
        ),
    )


def _misfit_of_named(table: TableFile) -> tuple[int, int, int] | None:
    """The line, cells and columns of the first row of ``table``'s text file with more or
    fewer cells than its ``columns`` name, where it names them: DuckDB's sniffer then
    gives up on the file rather than read it as one column (_cells_counted). The file is
    read in its own encoding (its copy is gone by now)."""
    if not table.columns:
        return None
    with _past_skip(table.path, table.skip, _file_encoding(table)) as (first, text):
        delimiter = table.delimiter or _most_held(first)
        records = csv.reader(itertools.chain([first], text), delimiter=delimiter)
        if table.header:
            next(records, None)
        misfit = _misfit(records, len(table.columns))
    if misfit is None:
        return None
    return table.skip + 1 + table.header + misfit[0], misfit[1], len(table.columns)


def _file_encoding(table: TableFile) -> str:
    """The encoding Python reads ``table``'s own text file in: as its byte-order mark
    says, else as the table says, else UTF-8."""
    encoding = _bom_encoding(table.path) or table.encoding
    return "utf-8-sig" if encoding in {None, "utf-8"} else encoding


def _unreadable(table: TableFile, error: duckdb.Error) -> Said:
    """What went wrong reading a file, with its row when DuckDB says it, never the content."""
    text = str(error)
    line = re.search(r"\bline:? (\d+)", text, re.IGNORECASE)
    where = f"{table.path.name}:{line.group(1)}" if line else table.path.name
    at = f"sources.sql.tables.{table.name}: {where}"
    if "invalid unicode" in text.lower():  # DuckDB's sniffer names the encoding it tried
        return Said(
            f'{at}: not UTF-8 text; set encoding (for example encoding = "gbk", "gb18030" or '
            '"utf-16") for this table',
            f'{at}: 不是 UTF-8 文本；请给这张表设 encoding（例如 encoding = "gbk"、"gb18030" '
            '或 "utf-16"）',
        )
    if "max_temp_directory_size" in text:
        return too_much(at)  # DuckDB's words would say to raise a setting out of reach
    mixed = None
    if "error when sniffing" in text.lower() and table.kind == "csv":
        # Quotes left open are read for first: they throw the rows' ends out too.
        with contextlib.suppress(OSError, EOFError, zlib.error, UnicodeDecodeError, csv.Error):
            try:
                _no_quote_left_open(table, table.path, table.skip, _file_encoding(table))
            except SqlMetricError as left_open:
                return left_open.said
        with contextlib.suppress(OSError, EOFError, zlib.error, UnicodeDecodeError):
            encoding = _file_encoding(table)
            delimiter = table.delimiter or _most_held(_first_line(table.path, 0, encoding))
            mixed = line_ends_mixed(table.path, delimiter, encoding)
    if mixed is None and "error when sniffing" in text.lower() and table.kind == "csv":
        with contextlib.suppress(OSError, EOFError, zlib.error, UnicodeDecodeError, csv.Error):
            misfit = _misfit_of_named(table)
            if misfit is not None:
                return _misfit_refused(table, *misfit).said
    if mixed is not None:
        at = f"sources.sql.tables.{table.name}: {table.path.name}:{mixed.line}"
        return Said(
            f"{at}: this line ends in {mixed.ends} and the first line in {mixed.first}: a "
            "file whose lines end in two ways is read by no delimiter; save it again with "
            "every line ended alike (as Excel saves a CSV file)",
            f"{at}: 这一行以 {mixed.ends} 结尾，第一行却以 {mixed.first} 结尾：行尾两种写法"
            "混用的文件，哪种分隔符都读不了；请重新保存，让每一行的结尾都一样（如用 Excel "
            "另存为 CSV）",
        )
    kind = type(error).__name__
    return Said(f"{at}: not a readable {table.kind} file ({kind})",
                f"{at}: 不是能读的 {table.kind} 文件（{kind}）")  # fmt: skip


# -------------------------------------------------------------------- cache


_KEPT_TABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*-[0-9a-f]{16}\.parquet")
"""The name a table's Parquet file is kept under: the table's, and its file's digest."""

_LEFT_BEHIND = re.compile(
    r"\.(?:[A-Za-z_][A-Za-z0-9_]*-[0-9a-f]{16}\.parquet\.\d+|tables\.json\..+)\.tmp"
)
"""The files a table is kept through (``.<parquet>.<pid>.tmp``, and
``.tables.json.<random>.tmp``), left behind by a collect stopped while writing them."""

_LEFT_FOR = 24 * 60 * 60
"""How old a file left behind must be before it is removed: a newer one may be another
collect's, still being written."""


class TableCache:
    """Tables read before, as Parquet files in the user's cache folder (one folder per
    workspace, never inside it: a workspace someone sends you cannot bring a table its
    files do not hold), each kept while its file's path, size, modification time (or,
    when only the time changed, its SHA-256) and its table options are the same."""

    def __init__(self, workspace: Path) -> None:
        place = hashlib.sha256(str(workspace.resolve()).encode()).hexdigest()[:32]
        self.entries: dict[str, Any] = {}
        self.hits: list[str] = []
        self.tidied = False
        """Whether this collect has looked through the folder for what others left."""
        try:
            self.folder = user_cache_folder("sql", place)
        except RuntimeError:  # no home folder to keep tables in: each is read from its file
            self.kept = False
            return
        self.kept = True
        self.manifest = self.folder / "tables.json"
        try:
            found = json.loads(self.manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            found = {}
        self.entries = found if isinstance(found, dict) else {}
        if self.entries:
            mark_used(self.folder)

    def lookup(self, table: TableFile) -> Path | None:
        entry = self.entries.get(table.name)
        if not isinstance(entry, dict):
            return None
        stat = table.path.stat()
        parquet = self.folder / str(entry.get("parquet", ""))
        if (
            entry.get("path") != str(table.path)
            or entry.get("options") != table.fingerprint()
            or entry.get("size") != stat.st_size
            or not parquet.is_file()
        ):
            return None
        if entry.get("mtime_ns") != stat.st_mtime_ns:
            if entry.get("sha256") != _sha256(table.path):
                return None
            entry["mtime_ns"] = stat.st_mtime_ns
            self._save()
        self.hits.append(table.name)
        return parquet

    def read_into(self, connection: duckdb.DuckDBPyConnection, table: TableFile) -> bool:
        """Make ``table`` a table of ``connection`` from the Parquet file kept for it; False
        where none is kept for its file as it is now, or the one kept cannot be read
        (removed by another command's pruning since, or damaged): its file is read then."""
        from okrdesk.plugins.sql_engine import duckdb

        kept = self.lookup(table)
        if kept is None:
            return False
        try:
            connection.execute(
                f"CREATE TABLE {quoted(table.name)} AS "
                f"SELECT * FROM read_parquet({_literal(str(kept))})"
            )
        except duckdb.InterruptException:
            raise  # the collect was stopped: not a reason to read the file instead
        except duckdb.Error:
            self.hits.remove(table.name)
            connection.execute(f"DROP TABLE IF EXISTS {quoted(table.name)}")
            return False
        return True

    def rows(self, table: TableFile, kind: str) -> tuple[int, ...]:
        """The file rows of the ``kind`` rows (``summaries``, ``notes``) left out of
        ``table`` when it was kept."""
        entry = self.entries.get(table.name)
        rows = entry.get(kind, []) if isinstance(entry, dict) else []
        return tuple(int(r) for r in rows) if isinstance(rows, list) else ()

    def blanks(self, table: TableFile) -> tuple[int, ...]:
        """``TableFile.blanks`` of ``table``'s file when it was kept."""
        entry = self.entries.get(table.name)
        rows = entry.get("blanks", []) if isinstance(entry, dict) else []
        return tuple(int(r) for r in rows) if isinstance(rows, list) else ()

    def renamed(self, table: TableFile) -> tuple[tuple[int, str, str, str], ...]:
        """``TableFile.renamed`` of ``table``'s file when it was kept."""
        entry = self.entries.get(table.name)
        columns = entry.get("renamed", []) if isinstance(entry, dict) else []
        if not isinstance(columns, list):
            return ()
        return tuple(
            (int(c[0]), str(c[1]), str(c[2]), str(c[3]))
            for c in columns
            if isinstance(c, list) and len(c) == 4
        )

    def store(
        self,
        connection: duckdb.DuckDBPyConnection,
        table: TableFile,
        digest: str | None = None,
        summaries: Sequence[int] = (),
    ) -> None:
        """Keep ``table`` as read from its file; ``digest``: the file's SHA-256, when it
        was made already (else it is made here); ``summaries``: the file rows of its
        summary rows left out."""
        from okrdesk.plugins.sql_engine import duckdb

        if not self.kept:
            return
        try:
            stat = table.path.stat()
            digest = digest or _sha256(table.path)
            self.folder.mkdir(parents=True, exist_ok=True)
            name = f"{table.name}-{digest[:16]}.parquet"
            scratch = self.folder / f".{name}.{os.getpid()}.tmp"
            connection.execute(
                f"COPY {quoted(table.name)} TO {_literal(str(scratch))} (FORMAT parquet)"
            )
            os.replace(scratch, self.folder / name)
            old = self.entries.get(table.name)
            self.entries[table.name] = {
                "path": str(table.path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                "sha256": digest, "options": table.fingerprint(), "parquet": name,
                "summaries": list(summaries), "notes": list(table.notes),
                "blanks": list(table.blanks),
                "renamed": [list(column) for column in table.renamed],
            }  # fmt: skip
            self._save()
            if isinstance(old, dict) and old.get("parquet") not in {None, name}:
                (self.folder / str(old["parquet"])).unlink(missing_ok=True)
            self._tidy()
            prune(self.folder.parent)
        except (OSError, duckdb.Error):
            pass  # a cache that cannot be written only costs the next collect a read

    def _tidy(self) -> None:
        """Remove what stopped collects left in the folder (a Parquet file half written,
        a list of tables not yet in place) and the Parquet files no table names any more:
        a workspace collected every day is never pruned whole, and would keep them for
        ever. Only names this class gives, a day after they were written; once a collect,
        however many tables it keeps."""
        if self.tidied:
            return
        self.tidied = True
        import time

        named = {str(e.get("parquet")) for e in self.entries.values() if isinstance(e, dict)}
        now = time.time()
        with contextlib.suppress(OSError):
            for name in os.listdir(self.folder):
                unnamed = _KEPT_TABLE.fullmatch(name) and name not in named
                if unnamed or _LEFT_BEHIND.fullmatch(name):
                    remove_if_older(self.folder / name, _LEFT_FOR, now)

    def _save(self) -> None:
        # OkrdeskError: what write_text_atomically says of a full disk or a folder it
        # cannot write in; a list of tables not kept only costs the next collect a read.
        with contextlib.suppress(OSError, OkrdeskError):
            write_text_atomically(self.manifest, json.dumps(self.entries, indent=1))


class _Digest:
    """A file's SHA-256, made in a thread while DuckDB reads the file (hashlib lets go of
    the GIL on large blocks): the table cache keeps it."""

    def __init__(self, path: Path) -> None:
        self._found: str | None = None
        self._thread = threading.Thread(
            target=self._make, args=(path,), name="okrdesk-sql-digest", daemon=True
        )
        self._thread.start()

    def _make(self, path: Path) -> None:
        with contextlib.suppress(OSError):
            self._found = _sha256(path)

    def result(self) -> str | None:
        self._thread.join()
        return self._found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()
