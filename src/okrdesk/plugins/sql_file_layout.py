"""How a table file is laid out: its delimiter, header, title rows, blank lines and
summary rows, each found before its figures are read.

Blank lines above the header are passed over, and so are the title rows a spreadsheet
export puts above it; summary rows (合计) that end a file are left out and named, one
inside it (小计) refused at its row; a row with more cells than the header, a quote
opened and never closed and a second header inside the file are refused at their rows.
What DuckDB could not read is told with its row, never the content.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import re
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from okrdesk.errors import Said
from okrdesk.plugins.csv_lines import (
    blank_lines,
    line_ends_mixed,
    lines_found,
    marks_held,
    unclosed_quote,
)
from okrdesk.plugins.csv_lines import opened as _opened
from okrdesk.plugins.sql_file_copies import bom_encoding, not_readable
from okrdesk.plugins.sql_scratch import too_much
from okrdesk.plugins.sql_settings import TABLE_NAME as TABLE_NAME
from okrdesk.plugins.sql_settings import SqlMetricError as SqlMetricError
from okrdesk.plugins.sql_table_file import (
    AMBIGUOUS_SHOWN,
    SCREENED_MARKS,
    Layout,
    TableFile,
    places_listed,
)
from okrdesk.sql_text import literal, quoted

if TYPE_CHECKING:
    import duckdb


_UNNAMED = re.compile(r"column[0-9]+")
"""How DuckDB names a column whose header cell is empty."""


_TWIN = re.compile(r".+_[0-9]+")
"""How DuckDB names a column whose header's name an earlier column has (calls_1)."""


def renamed_columns(
    connection: duckdb.DuckDBPyConnection, table: TableFile, raw: str, layout: Layout
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


def title_row(
    connection: duckdb.DuckDBPyConnection, table: TableFile, raw: str, layout: Layout
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
        # As set, not as sniffed with the title in the way (layout_of).
        delimiter = f", delim = {literal(table.delimiter)}" if table.delimiter else ""
        found = connection.execute(
            f"SELECT len(Columns) FROM sniff_csv({literal(str(layout.path))}, "
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
    layout: Layout,
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


def cells_counted(
    connection: duckdb.DuckDBPyConnection, table: TableFile, raw: str, layout: Layout
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
        no_quote_left_open(table, layout.path, layout.skip)
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


def summaries_left_out(
    connection: duckdb.DuckDBPyConnection, table: TableFile, raw: str, layout: Layout
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
        [f"contains({leftmost}, {literal(word)})" for word in words]
        + [f"{leftmost} IS NULL", f"{leftmost} < '!'", f"starts_with({leftmost}, '\u3000')"]
    )
    below = "" if cut is None else f"AND rowid < {cut}"
    rows = connection.execute(
        f"SELECT okrdesk_row, count(*) OVER () FROM (SELECT rowid AS okrdesk_row, {first} AS "
        f"okrdesk_first FROM {quoted(raw)} WHERE ({gate}) {below}) "
        f"WHERE regexp_full_match({squeezed}, {literal(SUMMARY.pattern)}) "
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
    return places_listed(named, count, Said("rows", "行")), count


def no_header_inside(
    connection: duckdb.DuckDBPyConnection, table: TableFile, raw: str, layout: Layout
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
        listed = ", ".join(literal(spelt) for spelt in sorted(spellings))
        return f"trim({quoted(name)}) IN ({listed})"

    rows = connection.execute(
        f"SELECT rowid, count(*) OVER () FROM {quoted(raw)} "
        f"WHERE contains({quoted(named[0])}, {literal(named[0][:1])}) "
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


def layout_of(
    connection: duckdb.DuckDBPyConnection, table: TableFile, path: Path, copy: Path | None
) -> Layout:
    """The layout of ``table``'s file, read from ``path`` (``copy``, if any). A text file
    is looked at for blank lines first (one pass over its bytes); only one that has them
    has its delimiter sniffed before it is read."""
    if table.kind not in {"csv", "xlsx"}:
        return Layout(path, copy, table.skip)
    try:
        lines = lines_found(path, table.skip)
    except (OSError, EOFError, zlib.error) as error:  # a damaged .gz
        raise SqlMetricError(*not_readable(table, error)) from None
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
        no_quote_left_open(table, path, skip)
    delimiter = "," if table.kind == "xlsx" else table.delimiter
    if delimiter is None and lines.blank:
        # A line of spaces makes DuckDB's sniffer find one column, unless rows short of
        # cells are read (null_padding), as the file is then.
        delimiter = _sniffed_delimiter(connection, path, table.header, skip, lines.spaces)
    try:
        held = marks_held(path, SCREENED_MARKS)
    except (OSError, EOFError, zlib.error) as error:
        raise SqlMetricError(*not_readable(table, error)) from None
    return Layout(path, copy, skip, lines, delimiter, held)


def no_quote_left_open(
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


def quotes_doubtful(connection: duckdb.DuckDBPyConnection, raw: str) -> bool:
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
        f"SELECT Delimiter FROM sniff_csv({literal(str(path))}, "
        f"header = {'true' if header else 'false'}, skip = {skip}, all_varchar = true"
        f"{', null_padding = true' if padded else ''})"
    ).fetchone()
    return "," if found is None else str(found[0])


def blanks_read(
    connection: duckdb.DuckDBPyConnection, table: TableFile, raw: str, layout: Layout
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
        # would have found one column (cells_counted).
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


def table_function(table: TableFile, layout: Layout) -> str:
    """The DuckDB table function that reads ``table``'s file as ``layout`` says."""
    path = literal(str(layout.path))
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
        # Its lines of spaces read as rows short of cells, then taken out (blanks_read).
        options += [f"delim = {literal(layout.delimiter or ',')}", *padded]
    elif table.delimiter is not None:
        options.append(f"delim = {literal(table.delimiter)}")
    if table.kind == "csv" and not layout.lines.quote_marks:
        # What DuckDB's sniffer would find, told: trying every quote and escape on a file
        # that holds none was a third of reading it.
        options += ["quote = ''", "escape = ''"]
    if table.columns:
        options.append(f"names = [{', '.join(literal(c) for c in table.columns)}]")
    return f"read_csv({path}, {', '.join(options)})"


_SNIFFED_BYTES = 64 << 10
"""Bytes of a text file's start in which a semicolon sends it to DuckDB's sniffer, for its
delimiter: a file with none there is read as ever."""


def delimiter_of(table: TableFile, layout: Layout, connection: duckdb.DuckDBPyConnection) -> str:
    """The delimiter of ``table``'s text file (read as ``layout`` says) as set or found
    already, else as DuckDB sniffs it reading the file; "," where the file's first
    ``_SNIFFED_BYTES`` hold no semicolon (a file of commas or tabs: no need to ask)."""
    if layout.delimiter is not None:
        return layout.delimiter
    with _opened(layout.path) as file:
        if b";" not in file.read(_SNIFFED_BYTES):
            return ","  # no semicolon to sniff: DuckDB's sniffing again would cost a tenth
    return _sniffed_delimiter(connection, layout.path, table.header, layout.skip, False)


def _misfit_of_named(table: TableFile) -> tuple[int, int, int] | None:
    """The line, cells and columns of the first row of ``table``'s text file with more or
    fewer cells than its ``columns`` name, where it names them: DuckDB's sniffer then
    gives up on the file rather than read it as one column (cells_counted). The file is
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
    encoding = bom_encoding(table.path) or table.encoding
    return "utf-8-sig" if encoding in {None, "utf-8"} else encoding


def unreadable_said(table: TableFile, error: duckdb.Error) -> Said:
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
                no_quote_left_open(table, table.path, table.skip, _file_encoding(table))
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
