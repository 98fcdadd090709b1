"""Numbers and dates in a cell as Chinese brokerage systems and Excel write them for a
reader, not for a program: ``12.5%``, ``12.5万``, ``3,500元``, full-width digits
(``１２３４．５``), ``2026年3月5日``, ``2026.03.05``, ``20260305``; and a day-first date
(``05.03.2026``), which is read only once a table says its order (``dates``).

Each reading is given twice, as SQL for DuckDB, which types a table's columns, and in
Python, for a value a query takes from a column left text; the two read a cell alike.
A scaled number is readied as a number with an exponent (``12.5万`` as ``12.5e4``, ``12.5%``
as ``12.5e-2``): DuckDB's cast of that text is the correctly rounded double, where
multiplying would not always be.
"""

from __future__ import annotations

import datetime as dt
import re

from okrdesk.plugins.written_numbers import ungrouped, ungrouped_sql

FULL_WIDTH = "０１２３４５６７８９．，－＋％（）￥"
"""Characters a Chinese input method writes at full width, in the order of ``HALF_WIDTH``."""
HALF_WIDTH = "0123456789.,-+%()¥"

SCALES = {"万元": "e4", "亿元": "e8", "万": "e4", "亿": "e8", "元": "", "%": "e-2", "‰": "e-3"}
"""What a number cell may end in, and the exponent it stands for: ``12.5万`` is 125000,
``12.5%`` is 0.125, as Excel holds a percentage."""
_SUFFIX = "万元|亿元|万|亿|元|%|‰"
_SCALED = f"(.*?)[ \u3000]*({_SUFFIX})"
_SCALED_PYTHON = re.compile(_SCALED)
_WIDTH = str.maketrans(FULL_WIDTH, HALF_WIDTH)

DATE_ORDERS = ("day-first", "month-first")
"""What a table's ``dates`` setting may say of a date written with its year last."""
_YEAR_FIRST = ("%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
"""Dates DuckDB does not read by itself (it reads 2026-3-5 and 2026/3/5): 2026.03.05,
2026年3月5日, 20260305."""
_YEAR_LAST = {
    "day-first": ("%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y"),
    "month-first": ("%m/%d/%Y", "%m.%d.%Y", "%m-%d-%Y"),
}
_TIMES = ("", " %H:%M:%S", " %H:%M")
YEAR_LAST = r"[0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{4}([ T].*)?"
"""A date written with its year last (``05.03.2026``, ``3/5/2026``): 5 March where the
day comes first, 3 May where the month does."""
_YEAR_LAST_PYTHON = re.compile(YEAR_LAST)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def number_ready_sql(cell: str, decimal: str = ".") -> str:
    """SQL for the text ``cell`` ready to cast to a number: ``ungrouped_sql``'s reading,
    after full-width characters are made plain and a suffix of ``SCALES`` an exponent.
    A cell of ASCII alone that does not end in ``%`` (most cells) takes the short way."""
    plain = f"rtrim(translate({cell}, {_literal(FULL_WIDTH)}, {_literal(HALF_WIDTH)}))"
    pattern = _literal(_SCALED)
    exponent = " ".join(f"WHEN {_literal(s)} THEN {_literal(e)}" for s, e in SCALES.items())
    number = f"regexp_extract({plain}, {pattern}, 1)"
    scaled = (
        f"CASE WHEN regexp_full_match({plain}, {pattern}) "
        f"THEN ({ungrouped_sql(number, decimal)}) || "
        f"(CASE regexp_extract({plain}, {pattern}, 2) {exponent} END) "
        f"ELSE {ungrouped_sql(plain, decimal)} END"
    )
    return (
        f"CASE WHEN strlen({cell}) = length({cell}) AND NOT ends_with({cell}, '%') "
        f"THEN {ungrouped_sql(cell, decimal)} ELSE {scaled} END"
    )


def written_number(text: str) -> float | None:
    """``text`` read as ``number_ready_sql`` reads it (with a decimal point); None where it
    is no number so written."""
    plain = text.translate(_WIDTH).strip()
    exponent = ""
    scaled = _SCALED_PYTHON.fullmatch(plain)
    if scaled is not None:
        plain, exponent = scaled.group(1), SCALES[scaled.group(2)]
    if not plain or plain[-1] in "eE":
        return None
    number = ungrouped(plain) or plain
    try:
        return float(number + exponent)
    except ValueError:
        return None


def date_ready_sql(cell: str, dates: str | None = None) -> str:
    """SQL for the text ``cell`` ready to cast to a date or timestamp: as it is where
    DuckDB reads it, else as ISO text where it is written as a Chinese system writes dates
    (``_YEAR_FIRST``), or with its year last in the order ``dates`` (a table's setting)
    says; as it is otherwise (and then no date)."""
    formats = [*_YEAR_FIRST, *(_YEAR_LAST.get(dates or "", ()))]
    listed = ", ".join(_literal(f + t) for t in _TIMES for f in formats)
    return (
        f"CASE WHEN TRY_CAST({cell} AS TIMESTAMP) IS NULL "
        f"THEN coalesce(strftime(try_strptime({cell}, [{listed}]), '%Y-%m-%d %H:%M:%S'), "
        f"{cell}) ELSE {cell} END"
    )


def year_last_sql(cell: str) -> str:
    """SQL true for the text ``cell`` where it is a date written with its year last."""
    return (
        f"((substr({cell}, 2, 1) IN ('.', '/', '-') OR substr({cell}, 3, 1) IN ('.', '/', '-')) "
        f"AND regexp_full_match({cell}, {_literal(YEAR_LAST)}))"
    )


def written_day(text: str) -> dt.date | None:
    """The day of ``text`` written as ``date_ready_sql`` reads a date without ``dates``
    (the year first); None where it is none."""
    plain = text.strip()
    for form in _YEAR_FIRST:
        for time in _TIMES:
            try:
                return dt.datetime.strptime(plain, form + time).date()
            except ValueError:
                continue
    return None


def year_last(text: str) -> bool:
    """Whether ``text`` is a date written with its year last (``YEAR_LAST``)."""
    return _YEAR_LAST_PYTHON.fullmatch(text.strip()) is not None
