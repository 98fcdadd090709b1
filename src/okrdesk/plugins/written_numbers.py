"""Numbers in a text cell as Excel and Chinese CRM systems write them.

One piece for every reader of a user's export: the SQL source's tables and the
reference brokerage plugin's files read a cell's number the same way, in Python
(``ungrouped``) and in DuckDB (``ungrouped_sql``). A number Excel formats with
thousands separators is saved as ``1,234.50`` (quoted in a comma-separated file, bare
in a tab- or semicolon-separated one): a comma before every group of three digits, a
decimal point after them, never the other way round, so it is read as 1234.50. A comma
that may be a decimal mark (``1,5``, ``1.234,50``, as Excel writes where the decimal
mark is a comma; ``1,2345``) says no one number and is read as none: ``decimal_comma``
gives what the user may have meant, for a message that names the cell.
"""

from __future__ import annotations

import re

GROUPED = r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?"
"""A number written with thousands separators, as Excel writes it: ``1,234.5``,
``-12,345``, ``1,234,567.00``."""

_GROUPED = re.compile(GROUPED)
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]{1,3}(\.[0-9]{3})*,[0-9]+|[+-]?[0-9]+,[0-9]+")


def ungrouped(text: str) -> str | None:
    """``text``, a number written with thousands separators (``GROUPED``), without them
    (``"1,234.50"`` is ``"1234.50"``); None for any other text."""
    if "," not in text or _GROUPED.fullmatch(text) is None:
        return None
    return text.replace(",", "")


def ungrouped_sql(cell: str) -> str:
    """SQL for the text ``cell`` (an SQL expression) ready to cast to a number: without
    its thousands separators where it is a number written with them (``GROUPED``), as it
    is otherwise."""
    pattern = GROUPED.replace("'", "''")
    return (
        f"CASE WHEN contains({cell}, ',') AND regexp_full_match({cell}, '{pattern}') "
        f"THEN replace({cell}, ',', '') ELSE {cell} END"
    )


def decimal_comma(text: str) -> str | None:
    """``text`` written with its comma as a decimal point where it may be one, and is no
    number with thousands separators: ``"1,5"`` and ``"1234,5"`` give ``"1.5"`` and
    ``"1234.5"``, ``"1.234,50"`` gives ``"1234.50"`` (its points taken for thousands
    separators); None for any other text."""
    if _DECIMAL_COMMA.fullmatch(text) is None or _GROUPED.fullmatch(text) is not None:
        return None
    whole, _, fraction = text.partition(",")
    return f"{whole.replace('.', '')}.{fraction}"
