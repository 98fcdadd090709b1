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

One number says nothing of the kind: ``1,234`` is 1234 where the decimal mark is a point,
and 1.234 where it is a comma, as in a file of semicolons, which is how Excel saves CSV
there (``ambiguous``). A reader that does not know how a file writes numbers refuses it
in such a file; told (a table's ``decimal`` setting, ``","`` or ``"."``), it reads every
number as the file writes them: ``ungrouped(text, ",")`` reads ``1.234,50`` as 1234.50 and
``1,234`` as 1.234.
"""

from __future__ import annotations

import re

_LEAD = "[1-9][0-9]{0,2}"
"""The digits before a number's first thousands separator: never a leading zero, which
Excel writes for no number (``0,125`` is 0.125 written with a decimal comma, ``0.125`` is
0.125 with a decimal point, never 125)."""

GROUPED = rf"[+-]?{_LEAD}(,[0-9]{{3}})+(\.[0-9]*)?"
"""A number written with thousands separators, as Excel writes it: ``1,234.5``,
``-12,345``, ``1,234,567.00``."""

_AMOUNT = rf"({_LEAD}(,[0-9]{{3}})+|[0-9]+)(\.[0-9]*)?"
_YUAN = "[¥￥]"


def _formats(amount: str, plain: str) -> str:
    """A pattern of ``plain`` (an amount, signed) and of ``amount`` in Excel's currency and
    accounting formats."""
    return (
        rf"{plain}"  # 1,234.50, -12,345
        rf"|[+-]?{_YUAN}{amount}|{_YUAN}[+-]{amount}"  # ¥1,234.50, -¥1,234.50, ¥-1,234.50
        rf"|{_YUAN}?\({_YUAN}?{amount}\)"  # (1,234.50), (¥1,234.50), ¥(1,234.50): negative
    )


WRITTEN = _formats(_AMOUNT, GROUPED)
"""A number Excel writes with thousands separators (``GROUPED``), in a currency format
(``¥1,234.50``, ``¥-1,234.50`` as Chinese Excel writes a negative one, ``-¥1,234.50``,
``￥500``) or an accounting one, whose negatives are in brackets (``(1,234.50)``,
``(¥1,234.50)``)."""

_COMMA_AMOUNT = rf"({_LEAD}(\.[0-9]{{3}})+|[0-9]+)(,[0-9]*)?"
WRITTEN_COMMA = _formats(_COMMA_AMOUNT, rf"[+-]?{_COMMA_AMOUNT}")
"""A number as Excel writes it where the decimal mark is a comma: ``1.234,50``, ``1,5``,
``-12.345``, ``1,234`` (1.234), in the formats of ``WRITTEN`` too (``¥1.234,50``,
``(1.234,50)``)."""

_ONE_GROUP = rf"{_LEAD},[0-9]{{3}}"
AMBIGUOUS = _formats(_ONE_GROUP, rf"[+-]?{_ONE_GROUP}")
"""A number whose one separator is a comma before three digits (``1,234``, ``-12,345``,
``¥1,234``, ``(1,234)``): 1234 where the decimal mark is a point, 1.234 where it is a
comma."""

DECIMAL_MARKS = (".", ",")
"""What a table's ``decimal`` setting may say a file's decimal mark is."""

_WRITTEN = re.compile(WRITTEN)
_WRITTEN_COMMA = re.compile(WRITTEN_COMMA)
_AMBIGUOUS = re.compile(AMBIGUOUS)
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]{1,3}(\.[0-9]{3})*,[0-9]+|[+-]?[0-9]+,[0-9]+")
_MARKS = re.compile(r"[,()¥￥]")
_COMMA_MARKS = re.compile(r"[.()¥￥]")


def ungrouped(text: str, decimal: str = ".") -> str | None:
    """``text``, a number written as ``WRITTEN`` says, as a plain number (``"1,234.50"`` is
    ``"1234.50"``, ``"¥-1,234.50"`` and ``"(¥1,234.50)"`` are ``"-1234.50"``); None for any
    other text. ``decimal`` ``","``: a number written as ``WRITTEN_COMMA`` says (``"1.234,50"``
    is ``"1234.50"``, ``"1,234"`` is ``"1.234"``, ``"12.345"`` is ``"12345"``), which a
    reader must try before reading the text as a plain number."""
    if decimal == ",":
        if not any(mark in text for mark in ",.(¥￥") or _WRITTEN_COMMA.fullmatch(text) is None:
            return None
        plain = _COMMA_MARKS.sub("", text).replace(",", ".")
    else:
        if not any(mark in text for mark in ",(¥￥") or _WRITTEN.fullmatch(text) is None:
            return None
        plain = _MARKS.sub("", text)
    return f"-{plain}" if text.startswith(("(", "¥(", "￥(")) else plain


def ungrouped_sql(cell: str, decimal: str = ".") -> str:
    """SQL for the text ``cell`` (an SQL expression) ready to cast to a number: as a plain
    number where it is one written as ``WRITTEN`` (``decimal`` ``","``: ``WRITTEN_COMMA``)
    says, as it is otherwise."""
    plain = (
        f"replace(regexp_replace({cell}, '[.()¥￥]', '', 'g'), ',', '.')"
        if decimal == ","
        else f"regexp_replace({cell}, '[,()¥￥]', '', 'g')"
    )
    return (
        f"CASE WHEN {written_sql(cell, decimal)} "
        f"THEN (CASE WHEN regexp_matches({cell}, '^[¥￥]?\\(') THEN '-' ELSE '' END) "
        f"|| {plain} ELSE {cell} END"
    )


def written_sql(cell: str, decimal: str = ".") -> str:
    """SQL true for the text ``cell`` (an SQL expression) where ``ungrouped(cell, decimal)``
    reads a number: one written as ``WRITTEN`` says (``decimal`` ``","``:
    ``WRITTEN_COMMA``)."""
    pattern = (WRITTEN_COMMA if decimal == "," else WRITTEN).replace("'", "''")
    marks = ",.(¥￥" if decimal == "," else ",(¥￥"
    found = " OR ".join(f"contains({cell}, '{mark}')" for mark in marks)
    return f"(({found}) AND regexp_full_match({cell}, '{pattern}'))"


def ambiguous(text: str) -> bool:
    """Whether ``text`` is a number whose one separator is a comma before three digits
    (``AMBIGUOUS``: ``1,234``), which says a different number for each decimal mark."""
    return "," in text and _AMBIGUOUS.fullmatch(text) is not None


def ambiguous_sql(cell: str) -> str:
    """SQL true for the text ``cell`` (an SQL expression) where ``ambiguous`` is."""
    pattern = AMBIGUOUS.replace("'", "''")
    return f"(contains({cell}, ',') AND regexp_full_match({cell}, '{pattern}'))"


def decimal_comma_sql(cell: str) -> str:
    """SQL true for the text ``cell`` (an SQL expression) where ``decimal_comma`` reads it:
    a number whose comma may be a decimal mark and is no thousands separator."""
    pattern, written = (p.replace("'", "''") for p in (_DECIMAL_COMMA.pattern, WRITTEN))
    return (
        f"(contains({cell}, ',') AND regexp_full_match({cell}, '{pattern}') "
        f"AND NOT regexp_full_match({cell}, '{written}'))"
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
