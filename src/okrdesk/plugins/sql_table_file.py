"""A table file of the SQL metric source as declared, and the words that name its rows
and cells.

``TableFile`` is one ``[sources.sql.tables]`` entry read and checked
(``sql_files.table_file``); ``Layout`` how its file is laid out once looked at
(``sql_file_layout``). The helpers here quote names and text for DuckDB and name the
rows and cells a refusal is about, a few and how many in all, never a cell's content.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from okrdesk.errors import Said, printable
from okrdesk.plugins.csv_lines import Lines
from okrdesk.plugins.sql_settings import TABLE_NAME as TABLE_NAME
from okrdesk.plugins.sql_settings import SqlMetricError as SqlMetricError
from okrdesk.sql_text import quoted

if TYPE_CHECKING:
    import duckdb


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
    said, and a file of semicolons with ``1,234`` in it is refused (``refuse_ambiguous``)."""
    dates: str | None = None
    """The order of a date written with its year last, as the ``dates`` setting says it
    (``"day-first"``: 05.03.2026 is 5 March; ``"month-first"``: 3 May); None where it is
    not said, and a file with such a date in it is refused (``_year_last``)."""
    blanks: tuple[int, ...] = ()
    renamed: tuple[tuple[int, str, str, str], ...] = ()
    """The columns read under another name than their header's, found as the file is read
    (``renamed_columns``): each its header's file row, its letter, its header and the name a
    query reads it by (a second ``calls`` is read as ``calls_1``)."""
    """The rowids before which the file has a blank line (one entry a line), found as it
    is read (``blank_lines``): DuckDB skips them, a spreadsheet counts them."""
    notes: tuple[int, ...] = ()
    """The file rows of the notes below the data that ended the file and were left out
    (制表人：…, 导出时间：…, 第 1 页，共 2 页), found as it is read (``FOOTER``)."""
    rolling: str | None = None
    """The column of each row's day, where the file is a rolling export (the ``rolling``
    setting): it holds only the days from its first row's to its last row's
    (``sql_rolling``)."""

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
        unread = {"path", "encoding_written", "blanks", "renamed", "notes", "rolling"}
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


@attrs.frozen
class Layout:
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
    """Which of ``SCREENED_MARKS`` the text file holds (``marks_held``); None where it
    was not looked at."""
    columns: tuple[tuple[Any, ...], ...] = ()
    """The columns of the table read, as DESCRIBE gives them (name, type, …), once it is
    read: looked up once for every check of it."""


PERCENT_SIGNS = ("%", "％", "‰")


SCREENED_MARKS = (",", *PERCENT_SIGNS, "_", "\t", "'")
"""The marks of cells the checks of a file's cells look further at (``refuse_ambiguous``,
``screened``), and the text cells made a table's are cleaned of (``_create``): a file
that holds none of one is not searched for it cell by cell."""


def year_last_said(table: TableFile) -> Said:
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


def refuse_cells(
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
    cells = cells_found(connection, table, raw, columns, found, gate=gate)
    if cells is None:
        return
    at = f"sources.sql.tables.{table.name}"
    raise SqlMetricError(f"{at}: {cells[0].en}: {why.en}", f"{at}: {cells[0].zh}：{why.zh}")


def cells_found(
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
    return places_listed(named, count, Said("cells", "格")), count


def places_listed(named: list[str], count: int, things: Said) -> Said:
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
