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
_SPACES_SQL = "' \u3000'"
"""The spaces, full-width too, between a number and its suffix, as an SQL string."""
_SCALED = re.compile("(.*?)[ \u3000]*(万元|亿元|万|亿|元|%|‰)")
_WIDTH = str.maketrans(FULL_WIDTH, HALF_WIDTH)

DATE_ORDERS = ("day-first", "month-first")
"""What a table's ``dates`` setting may say of a date written with its year last."""
_YEAR_FIRST = (
    ("^([0-9]{4})(?:\\.|年)([0-9]{1,2})(?:\\.|月)([0-9]{1,2})日?", r"\1-\2-\3"),
    ("^([0-9]{4})([0-9]{2})([0-9]{2})( |$)", r"\1-\2-\3\4"),
)
"""Dates DuckDB does not read by itself (it reads 2026-3-5 and 2026/3/5), as patterns and
what makes them ISO: 2026.03.05, 2026年3月5日 and 20260305, with a time after or not."""
_YEAR_LAST_PARTS = "^([0-9]{1,2})[./-]([0-9]{1,2})[./-]([0-9]{4})"
_YEAR_LAST_ISO = {"day-first": r"\3-\2-\1", "month-first": r"\3-\1-\2"}
YEAR_LAST = r"[0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{4}([ T].*)?"
"""A date written with its year last (``05.03.2026``, ``3/5/2026``): 5 March where the
day comes first, 3 May where the month does."""


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def number_ready_sql(cell: str, decimal: str = ".") -> str:
    """SQL for the text ``cell`` ready to cast to a number: ``ungrouped_sql``'s reading,
    after full-width characters are made plain and a suffix of ``SCALES`` an exponent. A
    cell DuckDB reads as a number already (most cells, where ``decimal`` is ``"."``) is as
    it is. The rest is read in lambdas, so that each step's SQL is written once: DuckDB
    plans an expression written out again at each use far more slowly than it reads the
    cells."""
    half = f"translate({cell}, {_literal(FULL_WIDTH)}, {_literal(HALF_WIDTH)})"
    plain = f"rtrim({half}, {_SPACES_SQL})"
    split = f"{{'whole': p, 'number': {_without_suffix('p')}}}"
    read = f"({ungrouped_sql('q.number', decimal)}) || ({_exponent('q.whole')})"
    lambdas = f"list_transform(list_transform([{plain}], lambda p: {split}), lambda q: {read})[1]"
    if decimal == ",":
        return lambdas  # 12.345 is 12345 there, where DuckDB reads 12.345
    return f"CASE WHEN TRY_CAST({cell} AS DOUBLE) IS NOT NULL THEN {cell} ELSE {lambdas} END"


def _without_suffix(text: str) -> str:
    """SQL for the text ``text`` without a suffix of ``SCALES`` and the spaces before it."""
    by_length: dict[int, list[str]] = {}
    for suffix in SCALES:
        by_length.setdefault(len(suffix), []).append(suffix)
    cut = " ".join(
        f"WHEN {' OR '.join(f'ends_with({text}, {_literal(s)})' for s in suffixes)} THEN {n}"
        for n, suffixes in sorted(by_length.items(), reverse=True)
    )
    return f"rtrim(substr({text}, 1, length({text}) - (CASE {cut} ELSE 0 END)), {_SPACES_SQL})"


def _exponent(text: str) -> str:
    """SQL for the exponent the suffix of ``text`` (``SCALES``) stands for, else ''."""
    cases = " ".join(
        f"WHEN ends_with({text}, {_literal(s)}) THEN {_literal(e)}" for s, e in SCALES.items() if e
    )
    return f"CASE {cases} ELSE '' END"


def written_number(text: str) -> float | None:
    """``text`` read as ``number_ready_sql`` reads it (with a decimal point); None where it
    is no number so written."""
    plain = text.translate(_WIDTH).strip()
    exponent = ""
    scaled = _SCALED.fullmatch(plain)
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
    DuckDB reads it, else made ISO where it is written as a Chinese system writes dates
    (``_YEAR_FIRST``, full-width digits too), or with its year last in the order
    ``dates`` (a table's setting) says (a date that is none, 2026.13.45, is then none
    still)."""
    readied = f"translate({cell}, {_literal(FULL_WIDTH[:10])}, '0123456789')"
    for pattern, iso in _YEAR_FIRST:
        readied = f"regexp_replace({readied}, {_literal(pattern)}, {_literal(iso)})"
    if dates is not None:
        iso = _YEAR_LAST_ISO[dates]
        readied = f"regexp_replace({readied}, {_literal(_YEAR_LAST_PARTS)}, {_literal(iso)})"
    return f"CASE WHEN TRY_CAST({cell} AS TIMESTAMP) IS NULL THEN {readied} ELSE {cell} END"


def year_last_sql(cell: str) -> str:
    """SQL true for the text ``cell`` where it is a date written with its year last."""
    return f"regexp_full_match({cell}, {_literal(YEAR_LAST)})"


def written_day(text: str) -> dt.date | None:
    """The day of ``text`` as ``date_ready_sql`` reads a date without ``dates`` (the year
    first); None where it is none."""
    readied = text.strip().translate(_WIDTH)
    for pattern, iso in _YEAR_FIRST:
        readied = re.sub(pattern, iso, readied, count=1)
    found = _DAY.match(readied)
    if found is None:
        return None
    try:
        return dt.date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


_DAY = re.compile(r"([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})(?:[ T]|$)")
"""A day as DuckDB reads one (2026-03-05, 2026-3-5, 2026/3/5), with a time after or not."""
