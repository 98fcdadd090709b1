"""Names and text written into SQL: the one way okrdesk quotes them, in every dialect
it writes (DuckDB, SQLite, PostgreSQL and the warehouses sqlglot writes for)."""

from __future__ import annotations


def quoted(identifier: str) -> str:
    """``identifier`` as a quoted SQL name, a double quote in it doubled."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    """``text`` as an SQL string literal, a single quote in it doubled."""
    return "'" + text.replace("'", "''") + "'"
