"""Reporting periods: ISO weeks, months and quarters as closed date ranges."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from enum import StrEnum

import attrs


class Grain(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"


@attrs.frozen(order=True)
class Period:
    """A closed range of days with a stable id such as ``2026-W03`` or ``2026-03``."""

    start: dt.date
    end: dt.date
    id: str = attrs.field(order=False)

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period {self.id} ends before it starts")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def grain(self) -> Grain:
        return grain_of(self.id)


def week_of(day: dt.date) -> Period:
    year, week, weekday = day.isocalendar()
    start = day - dt.timedelta(days=weekday - 1)
    return Period(start, start + dt.timedelta(days=6), f"{year}-W{week:02d}")


def month_of(day: dt.date) -> Period:
    start = day.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return Period(start, following - dt.timedelta(days=1), f"{day.year}-{day.month:02d}")


def quarter_of(day: dt.date) -> Period:
    quarter = (day.month - 1) // 3 + 1
    start = dt.date(day.year, 3 * quarter - 2, 1)
    end = month_of(dt.date(day.year, 3 * quarter, 1)).end
    return Period(start, end, f"{day.year}-Q{quarter}")


_OF = {Grain.WEEK: week_of, Grain.MONTH: month_of, Grain.QUARTER: quarter_of}


def periods_between(first: dt.date, last: dt.date, grain: Grain) -> Iterator[Period]:
    """Every period of ``grain`` that overlaps the days from ``first`` to ``last``."""
    day = first
    while day <= last:
        period = _OF[grain](day)
        yield period
        day = period.end + dt.timedelta(days=1)


def grain_of(period_id: str) -> Grain:
    """The grain a period id names: 2026-W03 a week, 2026-Q1 a quarter, 2026-03 a month."""
    if "-W" in period_id:
        return Grain.WEEK
    if "-Q" in period_id:
        return Grain.QUARTER
    return Grain.MONTH


_PERIOD_ID = re.compile(r"^(\d{4})-(?:W(\d{2})|Q([1-4])|(\d{2}))$")


def parse_period(text: str) -> Period:
    """Read a period id (``2026-W47``, ``2026-11``, ``2026-Q4``) back into a Period."""
    match = _PERIOD_ID.match(text.strip())
    if not match:
        raise ValueError(f"not a period: {text!r} (expected 2026-W47, 2026-11 or 2026-Q4)")
    year, week, quarter, month = match.groups()
    if week:
        try:
            return week_of(dt.date.fromisocalendar(int(year), int(week), 1))
        except ValueError:
            raise ValueError(f"{text!r}: year {year} has no week {week}") from None
    if quarter:
        return quarter_of(dt.date(int(year), 3 * int(quarter), 1))
    if not 1 <= int(month) <= 12:
        raise ValueError(f"{text!r}: there is no month {month}")
    return month_of(dt.date(int(year), int(month), 1))
