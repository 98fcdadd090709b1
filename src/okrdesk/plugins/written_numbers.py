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

_AMOUNT = r"([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]*)?"
_YUAN = "[¥￥]"
WRITTEN = (
    rf"{GROUPED}"  # 1,234.50, -12,345
    rf"|[+-]?{_YUAN}{_AMOUNT}|{_YUAN}[+-]{_AMOUNT}"  # ¥1,234.50, -¥1,234.50, ¥-1,234.50
    rf"|{_YUAN}?\({_YUAN}?{_AMOUNT}\)"  # (1,234.50), (¥1,234.50), ¥(1,234.50): negative
)
"""A number Excel writes with thousands separators (``GROUPED``), in a currency format
(``¥1,234.50``, ``¥-1,234.50`` as Chinese Excel writes a negative one, ``-¥1,234.50``,
``￥500``) or an accounting one, whose negatives are in brackets (``(1,234.50)``,
``(¥1,234.50)``)."""

_WRITTEN = re.compile(WRITTEN)
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]{1,3}(\.[0-9]{3})*,[0-9]+|[+-]?[0-9]+,[0-9]+")
_MARKS = re.compile(r"[,()¥￥]")


def ungrouped(text: str) -> str | None:
    """``text``, a number written as ``WRITTEN`` says, as a plain number (``"1,234.50"`` is
    ``"1234.50"``, ``"¥-1,234.50"`` and ``"(¥1,234.50)"`` are ``"-1234.50"``); None for any
    other text."""
    if not any(mark in text for mark in ",(¥￥") or _WRITTEN.fullmatch(text) is None:
        return None
    plain = _MARKS.sub("", text)
    return f"-{plain}" if text.startswith(("(", "¥(", "￥(")) else plain


def ungrouped_sql(cell: str) -> str:
    """SQL for the text ``cell`` (an SQL expression) ready to cast to a number: as a plain
    number where it is one written as ``WRITTEN`` says, as it is otherwise."""
    pattern = WRITTEN.replace("'", "''")
    return (
        f"CASE WHEN (contains({cell}, ',') OR contains({cell}, '(') OR contains({cell}, '¥') "
        f"OR contains({cell}, '￥')) AND regexp_full_match({cell}, '{pattern}') "
        f"THEN (CASE WHEN regexp_matches({cell}, '^[¥￥]?\\(') THEN '-' ELSE '' END) "
        f"|| regexp_replace({cell}, '[,()¥￥]', '', 'g') ELSE {cell} END"
    )


def decimal_comma(text: str) -> str | None:
    """``text`` written with its comma as a decimal point where it may be one, and is no
    number with thousands separators: ``"1,5"`` and ``"1234,5"`` give ``"1.5"`` and
    ``"1234.5"``, ``"1.234,50"`` gives ``"1234.50"`` (its points taken for thousands
    separators); None for any other text."""
    if _DECIMAL_COMMA.fullmatch(text) is None or _WRITTEN.fullmatch(text) is not None:
        return None
    whole, _, fraction = text.partition(",")
    return f"{whole.replace('.', '')}.{fraction}"
