"""Dates written the way a person writes them, which TOML does not read as dates:
2026/3/31, 2026.3.31, 2026-3-31, 2026年3月31日, 3/31, 20260331, the serial number Excel
shows for a date (46112), or a date in quotes. Each is named with the date to write.

A day written year first is recognised by the rule the SQL source reads a cell's date by
(``okrdesk.written_dates.year_month_day``); a month and day alone and Excel's serial
number are recognised here only, where the key says the value is a date."""

from __future__ import annotations

import datetime as dt
import re

from okrdesk.errors import Said
from okrdesk.written_dates import calendar_day, half_width_digits, year_month_day

_MONTH_DAY = re.compile(r"([0-9]{1,2})[ \u3000]*[-/.月][ \u3000]*([0-9]{1,2})(?:[ \u3000]*日)?")
# Excel counts days from 1899-12-30 (its 1900 leap-day bug folded in); only serials of
# 2000 to 2099 are taken for dates, so a stray number is not read as one.
_EXCEL_DAY_ZERO = dt.date(1899, 12, 30)
_EXCEL_SERIALS = range(36526, 73051)
# Where a value ends on its line: a space, a comma, a closing bracket or a comment.
_VALUE_ENDS = " \t\r,]}#"
_VALUE_STARTS = " \t=[{,"
_KEY_BEFORE = re.compile(r"([A-Za-z_]+)\s*=\s*$")
_DATES = ("start", "end")
_VALUE_SPACED = re.compile(r"\s*([A-Za-z_]+\s*=\s*)([^#\"'\[{]*?)\s*(?:#.*)?$")
"""A key and its whole value up to a comment, spaces and all."""


def toml_date_for(written: object) -> Said | None:
    """How to write the date ``written`` stands for (text or a number), in English and
    Chinese: ``write 2026-03-31``; None when it is not a date written some other way.
    Text is taken for a TOML string (its advice says: without quotes)."""
    if isinstance(written, bool) or not isinstance(written, str | int):
        return None
    if isinstance(written, int) and written in _EXCEL_SERIALS:
        day = _EXCEL_DAY_ZERO + dt.timedelta(days=written)
        return Said(f"if {written} is a date copied from Excel (its serial number for "
                    f"{day}), write {day}",
                    f"如果 {written} 是从 Excel 复制来的日期（Excel 用它表示 {day}），"
                    f"请写作 {day}")  # fmt: skip
    return _advice(str(written).strip(), quoted=isinstance(written, str))


def _advice(text: str, *, quoted: bool, year: int | None = None, where: str = "") -> Said | None:
    unquoted = Said(" without quotes", "，不加引号") if quoted else Said("", "")
    parts = year_month_day(text)
    if parts is not None:
        day = calendar_day(*parts)
        if day is None:
            year, month, day_of_month = (int(part) for part in parts)
            named = f"{year}-{month:02d}-{day_of_month:02d}"
            return Said(f"there is no {named} in the calendar; write a real day as "
                        "year-month-day",
                        f"日历上没有 {named} 这一天；"
                        "请写一个真实的日期，格式为 年-月-日")  # fmt: skip
        return Said(f"write {day} (year-month-day, with two digits for the month and the "
                    f"day){unquoted.en}",
                    f"请写作 {day}（年-月-日，月和日都写两位）{unquoted.zh}")  # fmt: skip
    found = _MONTH_DAY.fullmatch(half_width_digits(text))
    if found is None or calendar_day("2024", *found.groups()) is None:  # 2024 has a 29 February
        return None
    shown = f"YYYY-{int(found.group(1)):02d}-{int(found.group(2)):02d}"
    if year is not None and calendar_day(str(year), *found.groups()) is not None:
        shown = shown.replace("YYYY", str(year))
        at, at_zh = (f" at {where}", f"{where} 的 ") if where else ("", "")
        return Said(f"write the year too, as year-month-day{unquoted.en}: {shown} if it is in "
                    f"the plan's year (year = {year}{at})",
                    f"请连同年份写成 年-月-日{unquoted.zh}：若在计划年度（{at_zh}year = {year}）"
                    f"内，写作 {shown}")  # fmt: skip
    return Said(f"write the year too, as year-month-day{unquoted.en}: {shown}",
                f"请连同年份写成 年-月-日{unquoted.zh}：{shown}")  # fmt: skip


def date_as_spoken(line: str, column: int, year: int | None = None, where: str = "") -> Said | None:
    """Where TOML stopped at ``column`` (from 1) inside a date written some other way
    (``end = 2026/3/31``): what it is and what to write; None for anything else. A day
    without its year (``3月31日``) is given ``year``, the plan's, where it is known, and
    ``where`` it is written when that is another file (targets/plan.toml:4)."""
    at = column - 1
    if not 0 <= at < len(line):
        return None
    start = at
    while start > 0 and line[start - 1] not in _VALUE_STARTS:
        start -= 1
    end = at
    while end < len(line) and line[end] not in _VALUE_ENDS:
        end += 1
    written = line[start:end]
    said = _advice(written, quoted=False, year=year, where=where) if written[:1].isdigit() else None
    key = _KEY_BEFORE.search(line[:start])
    if said is None:
        # Spaces inside the date (2026 年 10 月 1 日): TOML stops after the year.
        whole = _VALUE_SPACED.match(line)
        if whole is not None and whole.start(2) < column <= whole.end(2):
            written, key = whole.group(2), _KEY_BEFORE.search(line[: whole.start(2)])
            said = _advice(written, quoted=False) if written[:1].isdigit() else None
    if (
        said is not None
        and _MONTH_DAY.fullmatch(half_width_digits(written))
        and not (key and key[1] in _DATES)
    ):
        return None  # 1/2 for a milestone is no date
    if said is None:
        return None
    return Said(f"{written} is not a TOML date: {said.en} (column {column})",
                f"{written} 不是 TOML 的日期；{said.zh}（第 {column} 列）")  # fmt: skip
