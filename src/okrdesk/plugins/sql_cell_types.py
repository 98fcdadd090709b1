"""The types of a table file's columns, each the narrowest all its filled cells fit.

Every cell is read as text first; a column is a whole number, a number, a date, a
timestamp or else text, tried on a sample of rows before the whole file. Numbers and
dates are read as a branch writes them ("1,234.5", "12.5%", "12.5万", "2026年3月5日":
``okrdesk.written_numbers``, ``okrdesk.written_dates``). A column given a type in
``types`` that a cell does not fit fails with the file, row and column named, never the
cell; an id that only looks like a number (a leading zero, eighteen digits) stays text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from okrdesk.errors import Said, printable
from okrdesk.plugins.sql_settings import TABLE_NAME as TABLE_NAME
from okrdesk.plugins.sql_settings import SqlMetricError as SqlMetricError
from okrdesk.plugins.sql_table_file import Layout, TableFile, year_last_said
from okrdesk.sql_text import literal, quoted
from okrdesk.written_dates import date_ready_sql, year_last_sql
from okrdesk.written_numbers import (
    half_width,
    number_ready_sql,
    scaled,
    ungrouped,
    ungrouped_sql,
    written_number,
)

if TYPE_CHECKING:
    import duckdb


_SNIFFED = ("BIGINT", "DOUBLE", "DATE", "TIMESTAMP")


_LEADING_ZERO = r"[+-]?0[0-9].*"


_SAMPLE = 256
"""The first rows a column's types are tried on before the whole file: a type a row
rules out is not tried on the rest. Trying a date or a timestamp on text costs DuckDB a
failed cast a cell, so a small sample is cheaper, and enough to rule text out; a type it
leaves in is still tried on every row."""


def create_typed(
    connection: duckdb.DuckDBPyConnection, table: TableFile, raw: str, layout: Layout
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
    nulls = ", ".join(literal(n) for n in ("", *table.null))
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
    marks the file holds (``Layout.held``): a text cell is looked at for a tab or an
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
            readied = cast_ready_sql(cleaned, str(wanted), table.decimal, table.dates)
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
            # as 1234.50, 1,234 as 1.234 (written_with_a_point refused the others).
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
    """SQL for the text ``cell`` as ``cast_ready_sql`` readies it (the decimal mark a point)
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


def cast_ready_sql(
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
    ``1.2345万`` 12345; ``1.23456万`` is not whole). ``ready``: the cell as ``cast_ready_sql``
    gives it for a number, where a subquery has it already, and ``dated`` for a date or
    a timestamp; ``decimal`` and ``dates``: the table's settings."""
    if dated is not None and sql_type in {"DATE", "TIMESTAMP"}:
        ready = dated
    elif ready is None or sql_type not in {"BIGINT", "DOUBLE"}:
        ready = cast_ready_sql(cell, sql_type, decimal, dates)
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
    ``cast_ready_sql`` readies it, ``12e4``) that is a whole number. ``1e5`` is not taken:
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
    ``decimal``: the file's decimal mark (``cast_ready_sql``)."""
    clean = ", ".join(f"{cells[name]} AS {_cleaned(n)}" for n, name in enumerate(texts))
    readied = ", ".join(
        f"{_cleaned(n)}, {cast_ready_sql(_cleaned(n), 'DOUBLE', decimal)} AS {_ready(n)}"
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
    ready = cast_ready_sql("okrdesk_cell", "DOUBLE", decimal)
    dated = cast_ready_sql("okrdesk_cell", "DATE", dates=dates)
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
    return f"(strlen({cell}) >= 16 AND regexp_full_match({cell}, {literal(_LONG_DIGITS)}))"


_LONG_DIGITS = r"\s*[+-]?[0-9]{16,}\s*"


def _leading_zero(cell: str) -> str:
    """True for a number written with a leading zero (an id, not a number)."""
    # Tried only on cells that begin as the pattern does: a regular expression a cell is
    # DuckDB's dearest check of a number column.
    return (
        f"((starts_with({cell}, '0') OR starts_with({cell}, '+0') "
        f"OR starts_with({cell}, '-0')) "
        f"AND regexp_full_match({cell}, {literal(_LEADING_ZERO)}))"
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
        why = year_last_said(table)
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
