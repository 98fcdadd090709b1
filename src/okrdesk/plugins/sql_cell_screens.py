"""Cells a table file's reader could take two ways, refused at their rows before a figure
is read from them.

A number written with a point where the file's decimal mark is a comma, percentages
written with and without the sign in one column, digits grouped with underscores, a
date whose order (day, month, year) is not the one set, text among a column of
numbers, a cell DuckDB would split at a delimiter: each is named by file, row and
column, with what to write instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from okrdesk.errors import Said, printable
from okrdesk.plugins.sql_cell_types import cast_ready_sql
from okrdesk.plugins.sql_file_layout import delimiter_of
from okrdesk.plugins.sql_settings import TABLE_NAME as TABLE_NAME
from okrdesk.plugins.sql_settings import SqlMetricError as SqlMetricError
from okrdesk.plugins.sql_table_file import (
    PERCENT_SIGNS,
    Layout,
    TableFile,
    cells_found,
    refuse_cells,
    year_last_said,
)
from okrdesk.sql_text import literal, quoted
from okrdesk.written_dates import year_last_sql
from okrdesk.written_numbers import ambiguous_sql, decimal_comma_sql, written_sql

if TYPE_CHECKING:
    import duckdb


def written_with_a_point(connection: duckdb.DuckDBPyConnection, table: TableFile, raw: str) -> None:
    """Refuse ``table``, whose ``decimal`` is ``","``, where a cell of the text table
    ``raw`` read from its file is a number only a decimal point reads: ``1.5``, ``0.125``,
    ``5228.1`` (no thousands separator is followed by fewer or more than three digits, or
    comes after a lone zero), ``1,234.50``, ``12,345,678``, ``¥1.5``. Read, it would be in
    a convention the file does not use: a file of semicolons with points for decimals (the
    bank's telemarketing export) told ``","`` would hold 93.2 beside 93994 for 93.994, in
    one column. A column ``types`` gives ``text``, ``date`` or ``timestamp`` is not looked
    at: its cells are no numbers (a column of times such as 12.30). Its cells are named as
    ``refuse_ambiguous`` names them."""
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
    nulls = ", ".join(literal(n) for n in ("", *table.null))
    refuse_cells(
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


def screened(
    connection: duckdb.DuckDBPyConnection, table: TableFile, raw: str, layout: Layout
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
        signed = signed if set(PERCENT_SIGNS) & layout.held else []
        underscored = underscored if "_" in layout.held else []
    looks = [
        " OR ".join(f"contains({quoted(name)}, {literal(s)})" for s in PERCENT_SIGNS)
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


def _year_last(
    connection: duckdb.DuckDBPyConnection, table: TableFile, described: Sequence[Any]
) -> None:
    """Refuse ``table``, made and typed (its columns ``described``), whose ``dates`` is
    not set, where a cell of a text column is a date written with its year last
    (``05.03.2026``, ``03/05/2026``): 5 March in Germany and Britain, 3 May in America,
    and nothing in the file says which. Such a cell is read as no date, so only a column
    left text can hold one; a column ``types`` gives ``text`` is not looked at. Its cells
    are named as ``refuse_ambiguous`` names them."""
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
    refuse_cells(connection, table, raw, columns, "true", year_last_sql, year_last_said(table))


def _percentages_mixed(
    connection: duckdb.DuckDBPyConnection,
    table: TableFile,
    raw: str,
    described: Sequence[Any],
    columns: list[str],
) -> None:
    """Refuse ``table``, made and typed from the text table ``raw`` (its columns
    ``described``), where a column of ``columns``, those ``screened`` found a sign in, holds
    percentages (``12.5%``, read as 0.125) beside numbers written without a sign other
    than 0 (``8``): 8% or 8? Read as written, a rate of 8 beside 0.125 would make every
    sum and average of the column a figure no one meant. A number column is looked at,
    and a column left text (one cell such as ``N/A`` in it), whose numbers a query's
    value still reads as the tables do, where most of its filled cells are numbers (not a
    column of remarks); not one ``types`` makes text, whose reading the query owns. The
    plain cells are named as ``refuse_ambiguous`` names cells. A workbook's
    cells are judged as Excel shows them: a number cell formatted as a percentage is one
    (``_cell``), a number cell formatted otherwise a plain number, beside text cells."""
    if not columns:
        return
    nulls = ", ".join(literal(n) for n in ("", *table.null))

    def number(cell: str) -> str:
        return f"TRY_CAST({cast_ready_sql(cell, 'DOUBLE', table.decimal)} AS DOUBLE)"

    def signed(cell: str) -> str:
        return " OR ".join(f"ends_with(trim({cell}), {literal(s)})" for s in PERCENT_SIGNS)

    found = connection.execute(
        "SELECT "
        + ", ".join(
            f"bool_or(({signed(quoted(name))}) AND {number(quoted(name))} IS NOT NULL)"
            for name in columns
        )
        + f" FROM {quoted(raw)} WHERE "
        + " OR ".join(
            " OR ".join(f"contains({quoted(name)}, {literal(s)})" for s in PERCENT_SIGNS)
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

    refuse_cells(
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
    ``columns``, those left text that ``screened`` found an underscore in, holds
    numbers and a cell that is one but for an underscore (``1_5``, which
    DuckDB and Python read as 15, where a person may have meant 1.5): read as no number,
    it made the column text, and a query's ``sum`` of it fails, or a value leaves its
    row out with no word of why. A column ``types`` makes text is not looked at, nor one
    with no plain number in it, or mostly other text (ids such as ``2026_001``). The
    cells are named as ``refuse_ambiguous`` names cells, told what a check-in of 1_5 is told.
    (Reading every cell as a number is the cost: only a column with an underscore in it
    is read so.)"""
    if not columns:
        return

    def number(cell: str) -> str:
        return f"TRY_CAST({cast_ready_sql(cell, 'DOUBLE', table.decimal)} AS DOUBLE)"

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
    refuse_cells(
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
        return f"TRY_CAST({cast_ready_sql(cell, 'DOUBLE', table.decimal)} AS DOUBLE)"

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
    unread = cells_found(
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


def refuse_ambiguous(
    connection: duckdb.DuckDBPyConnection, table: TableFile, raw: str, layout: Layout
) -> None:
    """Refuse ``table``, a text file whose ``decimal`` is not set, where a cell of the text
    table ``raw`` read from it (from ``copy``, its UTF-8 copy, if any) is a number written
    with a decimal comma (``1,5``, ``356,84``, ``1.234,50``: ``decimal_comma``), which
    would leave its column text (a query's ``sum`` of it fails, each value left out); or,
    in a file of semicolons, a number with one comma before three digits (``1,234``):
    Excel saves CSV with semicolons where the decimal mark is a comma, and there it is
    1.234, not 1234. The first ``AMBIGUOUS_SHOWN`` such cells are named (file:row:column,
    never the cell) and all of them counted. The delimiter is asked (``delimiter_of``) only
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
    if table.delimiter in {None, ";"} and delimiter_of(table, layout, connection) == ";":
        refuse_cells(
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
    refuse_cells(
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
