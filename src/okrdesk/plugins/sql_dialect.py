"""The SQL of a metric's query: SQLite's ``:name`` parameters in DuckDB's form, and
what to change in a query written for SQLite that DuckDB reads otherwise.

Queries run on DuckDB as they are written; sqlglot only reads them, to name
the SQLite functions DuckDB lacks and to find the row numbers behind a
figure (see ``with_row_numbers``). It is imported only when needed: it takes
a noticeable part of a second, and most commands never need it.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from typing import Any

import attrs

from okrdesk.errors import Said

ROW_FIRST, ROW_LAST, ROW_COUNT = "__okrdesk_first", "__okrdesk_last", "__okrdesk_rows"
PARAMETERS = ("start", "end", "through")


def statement_body(query: str) -> str:
    """``query`` up to the semicolon that ends it and without it, so that it can be put
    inside parentheses: SQLite and DuckDB run ``SELECT …; -- a note`` as written, but not
    in ``( … )``. A semicolon in a string or a comment does not end it."""
    for end, char in enumerate(query):
        if char == ";" and sqlite3.complete_statement(query[: end + 1]):
            return query[:end]
    return query


def to_duckdb(query: str) -> str:
    """``:start`` becomes ``$start``, outside quotes and comments; ``::`` casts stay."""
    out: list[str] = []
    i, size = 0, len(query)
    while i < size:
        char = query[i]
        if char in "'\"":
            end = query.find(char, i + 1)
            while end != -1 and query[end + 1 : end + 2] == char:
                end = query.find(char, end + 2)
            end = size if end == -1 else end + 1
            out.append(query[i:end])
            i = end
        elif query.startswith("--", i):
            end = query.find("\n", i)
            end = size if end == -1 else end
            out.append(query[i:end])
            i = end
        elif query.startswith("/*", i):
            end = query.find("*/", i + 2)
            end = size if end == -1 else end + 2
            out.append(query[i:end])
            i = end
        elif char == ":" and query.startswith("::", i):
            out.append("::")
            i += 2
        elif char == ":" and i + 1 < size and (query[i + 1].isalpha() or query[i + 1] == "_"):
            out.append("$")
            i += 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


_SQLITE_ONLY = {
    "JULIANDAY": Said(
        "julianday(x) is SQLite's: in DuckDB count days with date_diff('day', a, b)",
        "julianday(x) 是 SQLite 的写法：DuckDB 里数天数请用 date_diff('day', a, b)",
    ),
    "UNIXEPOCH": Said(
        "unixepoch(x) is SQLite's: in DuckDB write epoch(x)",
        "unixepoch(x) 是 SQLite 的写法：DuckDB 里请写 epoch(x)",
    ),
}
_MODIFIERS = Said(
    "{name}(x, 'modifier') is SQLite's: in DuckDB write date_trunc('month', x) for "
    "'start of month' and x + INTERVAL 1 DAY for '+1 day'",
    "{name}(x, 'modifier') 是 SQLite 的写法：DuckDB 里 'start of month' 请写 "
    "date_trunc('month', x)，'+1 day' 请写 x + INTERVAL 1 DAY",
)
_STRFTIME = Said(
    "strftime with modifiers is SQLite's: in DuckDB write strftime(x + INTERVAL 1 DAY, "
    "'%Y-%m') (date first, then the format)",
    "带 modifier 的 strftime 是 SQLite 的写法：DuckDB 里请写 strftime(x + INTERVAL 1 DAY, "
    "'%Y-%m')（先日期，后格式）",
)
_NOW = Said(
    "'now' is SQLite's: in DuckDB write current_date or :through",
    "'now' 是 SQLite 的写法：DuckDB 里请写 current_date 或 :through",
)
DIVISION = Said(
    "DuckDB divides whole numbers exactly (7 / 2 = 3.5) where SQLite gave 3; write 7 // 2 "
    "where the query meant SQLite's whole-number division",
    "DuckDB 做整数除法得的是精确值（7 / 2 = 3.5），SQLite 得的是 3；查询要的若是 SQLite "
    "那样的整除，请写 7 // 2",
)
"""The word on ``/`` between whole numbers (``division_note``)."""
_MODIFIED = {"DATE", "DATETIME", "TIME"}
_SUSPECT = re.compile(r"\b(date|datetime|time|julianday|unixepoch|strftime)\s*\(|'now'", re.I)


@functools.lru_cache(maxsize=64)
def _parsed(query: str, dialect: str) -> Any:
    """The query read by sqlglot (None when it cannot be read), once per query: a
    metric's query is read to trace its rows, to name its tables and to look for a
    division. Callers must not change the tree (``copy()`` it first)."""
    import sqlglot

    try:
        return sqlglot.parse_one(query, read=dialect)
    except sqlglot.errors.SqlglotError:
        return None


def sqlite_advice(query: str) -> list[Said]:
    """What to change in a query written for SQLite that DuckDB cannot run; empty when
    nothing is known to need a change (or the query cannot be read at all)."""
    if not _SUSPECT.search(query):
        return []
    from sqlglot import exp

    tree = _parsed(query, "sqlite")
    if tree is None:
        return []
    advice: list[Said] = []
    for node in tree.walk():
        name = _function_name(node)
        if name in _MODIFIED and _argument_count(node) > 1:
            written = name.lower()
            advice.append(
                Said(_MODIFIERS.en.format(name=written), _MODIFIERS.zh.format(name=written))
            )
        elif name == "STRFTIME" and _argument_count(node) > 2:
            advice.append(_STRFTIME)
        elif name in _SQLITE_ONLY:
            advice.append(_SQLITE_ONLY[name])
        if isinstance(node, exp.Literal) and node.is_string and node.this.lower() == "now":
            advice.append(_NOW)
    return list(dict.fromkeys(advice))


def division_note(query: str) -> str:
    """A word on ``/`` between two whole numbers, which SQLite and DuckDB divide
    differently; empty when the query divides nothing or casts to a fraction."""
    if "/" not in query:
        return ""
    from sqlglot import exp

    tree = _parsed(query, "duckdb")
    if tree is None:
        return ""
    for node in tree.find_all(exp.Div):
        if not any(_fractional(side) for side in (node.left, node.right)):
            return DIVISION.en
    return ""


def division_said(note: str) -> Said:
    """``division_note``'s word, as a collect kept it (``QueryFacts.division``), in both
    languages."""
    return DIVISION if note == DIVISION.en else Said(*[note] * 2)


def _fractional(node: Any) -> bool:
    from sqlglot import exp

    if isinstance(node, exp.Literal) and not node.is_string:
        return "." in node.this or "e" in node.this.lower()
    if isinstance(node, exp.Cast):
        return node.to.this in {exp.DataType.Type.DOUBLE, exp.DataType.Type.FLOAT,
                                exp.DataType.Type.DECIMAL}  # fmt: skip
    return isinstance(node, exp.Paren) and _fractional(node.this)


def _function_name(node: Any) -> str:
    from sqlglot import exp

    if isinstance(node, exp.Anonymous):
        return str(node.name).upper()
    if isinstance(node, exp.Func):
        return node.sql_name().upper()
    return ""


def _argument_count(node: Any) -> int:
    from sqlglot import exp

    if isinstance(node, exp.Anonymous):
        return len(node.expressions)
    count = 0
    for value in node.args.values():
        if isinstance(value, list):
            count += len(value)
        elif value is not None:
            count += 1
    return count


@attrs.frozen
class QueryFacts:
    """What sqlglot reads in one query, in one dialect: everything a collect asks of it
    (sql_query_cache.py keeps it between collects, so an unchanged query is not read
    again, and sqlglot is not even imported)."""

    tables: frozenset[str]
    """The names it reads from (``tables_read``)."""
    numbered: tuple[str, str] | None
    """The query with its rows' numbers added, and the table they number, whatever
    tables are loaded (``with_row_numbers`` checks that one is)."""
    division: str
    """``division_note``'s word, for DuckDB's SQL; empty for SQLite's."""

    def row_numbers(self, tables: set[str]) -> tuple[str, str] | None:
        """``with_row_numbers(query, tables, dialect)``."""
        return self.numbered if self.numbered is not None and self.numbered[1] in tables else None


def read_query(query: str, dialect: str) -> QueryFacts:
    """Everything sqlglot says of ``query`` that a collect needs."""
    return QueryFacts(
        tables=frozenset(_tables(query, dialect)),
        numbered=_numbered(query, dialect),
        division=division_note(query) if dialect == "duckdb" else "",
    )


def with_row_numbers(
    query: str, tables: set[str], dialect: str = "duckdb"
) -> tuple[str, str] | None:
    """The query with the row numbers behind each result row added as extra columns,
    and the table they come from; None when the query is not one SELECT from one
    loaded table (a join, a view, a CTE, DISTINCT), whose rows okrdesk cannot trace."""
    numbered = _numbered(query, dialect)
    return numbered if numbered is not None and numbered[1] in tables else None


def _numbered(query: str, dialect: str) -> tuple[str, str] | None:
    """``with_row_numbers`` of whichever table the query reads, loaded or not."""
    from sqlglot import exp

    tree = _parsed(query, dialect)
    if tree is None:
        return None
    # sqlglot names the FROM clause "from_" from version 28 on, "from" before.
    source = tree.args.get("from_", tree.args.get("from")) if isinstance(tree, exp.Select) else None
    if (
        not isinstance(tree, exp.Select)
        or not isinstance(source, exp.From)
        or not isinstance(source.this, exp.Table)
        or tree.args.get("joins")
        or tree.args.get("distinct")
        or tree.args.get("with")
    ):
        return None
    table = source.this.name
    reference = source.this.alias_or_name
    row = exp.column("rowid", table=reference)
    grouped = tree.args.get("group") is not None or any(
        e.find(exp.AggFunc) for e in tree.expressions
    )
    if grouped:
        extra = [
            exp.alias_(exp.Min(this=row), ROW_FIRST),
            exp.alias_(exp.Max(this=row.copy()), ROW_LAST),
            exp.alias_(exp.Count(this=exp.Star()), ROW_COUNT),
        ]
    else:
        extra = [exp.alias_(row, ROW_FIRST)]
    rewritten = tree.copy()
    for column in extra:
        rewritten = rewritten.select(column, copy=False)
    return rewritten.sql(dialect=dialect), table


def tables_read(query: str) -> set[str]:
    """The names the query reads from (tables, views and its own CTEs)."""
    return _tables(query, "duckdb")


def _tables(query: str, dialect: str) -> set[str]:
    from sqlglot import exp

    tree = _parsed(query, dialect)
    if tree is None:
        return set()
    return {table.name for table in tree.find_all(exp.Table)}
