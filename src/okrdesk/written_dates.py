"""Dates as people write them, read one way for every reader: ``2026年3月5日``,
``2026.3.5``, ``2026 年 3 月 5 日``, ``20260305``, full-width digits too (``２０２６年３月５日``).

The SQL source reads a cell so, in DuckDB (``date_ready_sql``) and in Python
(``written_day``) alike; a target file's date written so is told the date to write
(``targets.spoken_dates``, from ``year_month_day``). DuckDB reads ``2026-3-5`` and
``2026/3/5`` by itself, and a time after a date.

Where the readers differ, on purpose:

- A cell may have a time after its date (``2026年3月5日 14:30``); a target file's date is
  a whole TOML value, so the advice is given for a date alone.
- Only a target file's advice takes a month and day without a year (``3/31``) or Excel's
  serial number of a day (46112): there the key (``end``) says the value is a date,
  where a cell's ``3/31`` may be anything, and a number cell is a number.
- A date written with its year last (``05.03.2026``) is 5 March or 3 May by who wrote it:
  a table reads it only in the order its ``dates`` setting says (``YEAR_LAST``).
"""

from __future__ import annotations

import datetime as dt
import re

from okrdesk.sql_text import literal
from okrdesk.written_numbers import FULL_WIDTH

DATE_ORDERS = ("day-first", "month-first")
"""What a table's ``dates`` setting may say of a date written with its year last."""

_SPACE = "[ \u3000]*"
YEAR_MONTH_DAY = (
    f"([0-9]{{4}}){_SPACE}(?:[-/.]|年){_SPACE}([0-9]{{1,2}}){_SPACE}(?:[-/.]|月){_SPACE}"
    f"([0-9]{{1,2}})(?:{_SPACE}日)?"
)
"""A day written year first, with ``-``, ``/`` or ``.`` between its parts or with 年, 月
and 日, spaces around them or not (the year, month and day are its groups)."""
RUN_TOGETHER = "([0-9]{4})([0-9]{2})([0-9]{2})"
"""A day written as eight digits, year first: ``20260305``."""
_YEAR_FIRST = (
    (f"^{YEAR_MONTH_DAY}", r"\1-\2-\3"),
    (f"^{RUN_TOGETHER}( |$)", r"\1-\2-\3\4"),
)
"""The days of ``YEAR_MONTH_DAY`` and ``RUN_TOGETHER`` at a text's start (a time may
follow), as patterns and what makes them ISO, which DuckDB reads."""
_YEAR_MONTH_DAY = re.compile(YEAR_MONTH_DAY)
_RUN_TOGETHER = re.compile(RUN_TOGETHER)
_DIGITS = str.maketrans(FULL_WIDTH[:10], "0123456789")

_YEAR_LAST_PARTS = "^([0-9]{1,2})[./-]([0-9]{1,2})[./-]([0-9]{4})"
_YEAR_LAST_ISO = {"day-first": r"\3-\2-\1", "month-first": r"\3-\1-\2"}
YEAR_LAST = r"[0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{4}([ T].*)?"
"""A date written with its year last (``05.03.2026``, ``3/5/2026``): 5 March where the
day comes first, 3 May where the month does."""


def half_width_digits(text: str) -> str:
    """``text`` with its full-width digits (``２０２６``) written plain."""
    return text.translate(_DIGITS)


def calendar_day(year: str, month: str, day: str) -> dt.date | None:
    """The day of the parts written, None where the calendar has none (2026-02-30)."""
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def year_month_day(text: str) -> tuple[str, str, str] | None:
    """The year, month and day written in ``text`` when all of it is a day written year
    first as people write one (``YEAR_MONTH_DAY``, ``RUN_TOGETHER``), whether or not the
    calendar has it; None for anything else."""
    plain = half_width_digits(text.strip())
    found = _YEAR_MONTH_DAY.fullmatch(plain) or _RUN_TOGETHER.fullmatch(plain)
    return None if found is None else (found[1], found[2], found[3])


def date_ready_sql(cell: str, dates: str | None = None) -> str:
    """SQL for the text ``cell`` ready to cast to a date or timestamp: as it is where
    DuckDB reads it, else made ISO where it is written as people write dates
    (``_YEAR_FIRST``, full-width digits too), or with its year last in the order
    ``dates`` (a table's setting) says (a date that is none, 2026.13.45, is then none
    still)."""
    readied = f"translate({cell}, {literal(FULL_WIDTH[:10])}, '0123456789')"
    for pattern, iso in _YEAR_FIRST:
        readied = f"regexp_replace({readied}, {literal(pattern)}, {literal(iso)})"
    if dates is not None:
        iso = _YEAR_LAST_ISO[dates]
        readied = f"regexp_replace({readied}, {literal(_YEAR_LAST_PARTS)}, {literal(iso)})"
    return f"CASE WHEN TRY_CAST({cell} AS TIMESTAMP) IS NULL THEN {readied} ELSE {cell} END"


def year_last_sql(cell: str) -> str:
    """SQL true for the text ``cell`` where it is a date written with its year last."""
    return f"regexp_full_match({cell}, {literal(YEAR_LAST)})"


def written_day(text: str) -> dt.date | None:
    """The day of ``text`` as ``date_ready_sql`` reads a date without ``dates`` (the year
    first); None where it is none."""
    readied = half_width_digits(text.strip())
    for pattern, iso in _YEAR_FIRST:
        readied = re.sub(pattern, iso, readied, count=1)
    found = _DAY.match(readied)
    return None if found is None else calendar_day(*found.groups())


_DAY = re.compile(r"([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})(?:[ T]|$)")
"""A day as DuckDB reads one (2026-03-05, 2026-3-5, 2026/3/5), with a time after or not."""
