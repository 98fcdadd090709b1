"""Reporting periods: ISO weeks, months and quarters as closed date ranges."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from enum import StrEnum

import attrs

from okrdesk.records import shared_methods


def local_time(stamp: str, *, zoned: bool = False) -> str:
    """A moment the store keeps (ISO 8601, in UTC) as a reader writes it: in this
    machine's time zone, to the minute (``2026-12-04 18:36``), with ``zoned`` that zone's
    offset after it (``2026-12-04 18:36 UTC+08:00``: beside cells that say UTC); as kept
    when unreadable."""
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    local = moment.astimezone()
    if not zoned:
        return local.strftime("%Y-%m-%d %H:%M")
    offset = local.strftime("%z")
    return f"{local.strftime('%Y-%m-%d %H:%M')} UTC{offset[:3]}:{offset[3:]}"


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


@attrs.frozen
@shared_methods
class DaysHeld:
    """The days a metric's source holds for one collect (``emit.covers``): a rolling
    export's last 30 days, say. A period it does not hold whole keeps what is stored."""

    first: dt.date
    last: dt.date
    summed: bool = True
    """Whether a figure adds up over its period (a flow, a ratio of flows): it needs every
    day of the period; else it is read at a day (a stock), and needs only that day."""

    def reach(self, period: Period, through: dt.date | None = None) -> dt.date | None:
        """The day ``period``'s figure reads through, as the source holds it: the period's
        end, or a day before it (a partial figure, as one collected through ``through``);
        None where the source does not hold enough of the period for a figure of it (a
        flow's days before ``first``, or a stock whose day lies outside the span)."""
        day = min(period.end, self.last, period.end if through is None else through)
        if day < period.start or day < self.first:
            return None
        if self.summed and period.start < self.first:
            return None
        return day


def week_of(day: dt.date) -> Period:
    """The week holding ``day``: its ISO week, cut at the year's edge, so that no week
    holds days of two years (as no month or quarter does) and two years' plans never
    store their days under one id. The days of December in the next year's ISO week 1
    are their year's week 53 (2025-W53: 29 to 31 December 2025, of ISO 2026-W01), the
    days of January in the last year's final ISO week its week 00 (2027-W00: 1 to 3
    January 2027, of ISO 2026-W53); every other week keeps its ISO number."""
    iso_year, week, weekday = day.isocalendar()
    if iso_year != day.year:
        week = 53 if iso_year > day.year else 0
    monday = day - dt.timedelta(days=weekday - 1)
    start = max(monday, dt.date(day.year, 1, 1))
    end = min(monday + dt.timedelta(days=6), dt.date(day.year, 12, 31))
    return Period(start, end, f"{day.year}-W{week:02d}")


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


def home_day(period: Period, grain: Grain) -> dt.date:
    """The day that decides which month, quarter or year a period belongs to: a week's
    Thursday, or its day nearest to it in a week cut at the year's edge (2025-W53, 29 to
    31 December, is December's; 2027-W00, 1 to 3 January, January's)."""
    if grain is not Grain.WEEK:
        return period.start
    thursday = period.start + dt.timedelta(days=3 - period.start.weekday())
    return min(max(thursday, period.start), period.end)


def period_holding(day: dt.date, grain: Grain) -> Period:
    """The week, month or quarter ``day`` falls in."""
    return _OF[grain](day)


def periods_between(first: dt.date, last: dt.date, grain: Grain) -> Iterator[Period]:
    """Every period of ``grain`` that overlaps the days from ``first`` to ``last``."""
    day = first
    while day <= last:
        period = _OF[grain](day)
        yield period
        day = period.end + dt.timedelta(days=1)


@functools.lru_cache(maxsize=64)
def periods_within(
    start: dt.date, end: dt.date, through: dt.date, grain: Grain
) -> tuple[Period, ...]:
    """The periods of ``grain`` from ``start`` up to ``through``, each clipped to the
    days from ``start`` to ``end``: a year's periods as a collect asks for them (its
    first week starting on the year's first day). Listed once a process for the same
    days: each engine of a report asks for the plan's."""
    return tuple(
        Period(max(p.start, start), min(p.end, end), p.id)
        for p in periods_between(start, min(through, end), grain)
    )


def grain_of(period_id: str) -> Grain:
    """The grain a period id names: 2026-W03 a week, 2026-Q1 a quarter, 2026-03 a month."""
    if "-W" in period_id:
        return Grain.WEEK
    if "-Q" in period_id:
        return Grain.QUARTER
    return Grain.MONTH


def in_grain_order(period_id: str) -> tuple[int, str]:
    """What sorts period ids as a reader lists them: weeks, then months, then quarters,
    each grain's in its order (``2026-02`` sorts before ``2026-W07`` as text)."""
    return list(Grain).index(grain_of(period_id)), period_id


_PERIOD_ID = r"^(\d{4})-(?:W(\d{2})|Q([1-4])|(\d{2}))$"  # compiled at its first use


def parse_period(text: str) -> Period:
    """Read a period id (``2026-W47``, ``2026-11``, ``2026-Q4``) back into a Period;
    ValueError saying why not (``why_no_period``)."""
    match = re.match(_PERIOD_ID, text.strip())
    found = None if match is None else _period_matched(match)
    if found is None:
        why = why_no_period(text)
        raise ValueError(why[0] if why else text)
    return found


def _period_matched(match: re.Match[str]) -> Period | None:
    """The period an id matched by ``_PERIOD_ID`` names, if its year has it."""
    year, week, quarter, month = match.groups()
    if week:
        return _week_numbered(int(year), int(week))
    if quarter:
        return quarter_of(dt.date(int(year), 3 * int(quarter), 1))
    return month_of(dt.date(int(year), int(month), 1)) if 1 <= int(month) <= 12 else None


def why_no_period(text: str) -> tuple[str, str] | None:
    """Why ``text`` is no period id, in English and in Chinese, to follow where it was
    written (``values.2025-13: there is no month 13``); None when it is one."""
    if re.match(_PERIOD_ID, text.strip()) is None:
        return (f"not a period: {text!r} (expected 2026-W47, 2026-11 or 2026-Q4)",
                f"不是期间：{text!r}（应写作 2026-W47、2026-11 或 2026-Q4）")  # fmt: skip
    return why_not_in_its_year(text)


def why_not_in_its_year(text: str) -> tuple[str, str] | None:
    """For an id written as a period's (``2026-W54``, ``2025-13``) whose year has no such
    week or month, why not, in English and in Chinese; None for any other text."""
    match = re.match(_PERIOD_ID, text.strip())
    if match is None or _period_matched(match) is not None:
        return None
    year, week, _quarter, month = match.groups()
    if week:
        if int(week) == 0:
            en, zh = f"1 January {year} is in {year}-W01", f"{year} 年 1 月 1 日属于 {year}-W01"
        else:
            last = week_of(dt.date(int(year), 12, 31)).id
            en, zh = f"its last week is {last}", f"该年最后一周是 {last}"
        return f"year {year} has no week {week} ({en})", f"{year} 年没有第 {int(week)} 周（{zh}）"
    return f"there is no month {month}", f"没有 {month} 月"


def _week_numbered(year: int, number: int) -> Period | None:
    """Week ``number`` of ``year`` as ``week_of`` numbers them, if the year has one."""
    if number == 0:
        day = dt.date(year, 1, 1)  # in week 00 when the last year's ISO week holds it
    else:
        try:
            day = dt.date.fromisocalendar(year, number, 4)  # an ISO week's Thursday: its year's
        except ValueError:
            day = dt.date(year, 12, 31)  # in week 53 when the next year's ISO week 1 holds it
    week = week_of(day)
    return week if week.id == f"{year}-W{number:02d}" else None


# ---------------------------------------------------- windows (engine/windows.py)


class Span(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class Over(StrEnum):
    LAST_YEAR = "last_year"
    """同比: the same periods a year before."""
    PREVIOUS = "previous"
    """环比: the window one step earlier."""


_TO_DATE = {"wtd": Span.WEEK, "mtd": Span.MONTH, "qtd": Span.QUARTER, "ytd": Span.YEAR}
_TRAILING = r"^last_([1-9][0-9]?)_(weeks|months)$"  # compiled at its first use
_FINENESS = {Grain.WEEK: 0, Grain.MONTH: 1, Grain.QUARTER: 2}
_SPAN_FINENESS = {Span.WEEK: 0, Span.MONTH: 1, Span.QUARTER: 2, Span.YEAR: 3}
WINDOW_WORDS = (*_TO_DATE, "last_N_weeks", "last_N_months")
COMPARISONS = tuple(o.value for o in Over)


# A command makes a window or two: declared without __slots__, which attrs adds by building
# the class a second time (as report/document.py explains).
@attrs.frozen(slots=False)
@shared_methods
class Window:
    """``count`` spans ending with the one holding the date; ``to_date`` for wtd…ytd."""

    name: str
    span: Span
    count: int = 1
    to_date: bool = True


def parse_window(text: str) -> Window:
    """``ytd`` or ``last_4_weeks`` into a Window; ValueError naming the choices."""
    if text in _TO_DATE:
        return Window(text, _TO_DATE[text])
    match = re.match(_TRAILING, text)
    if match:
        span = Span.WEEK if match.group(2) == "weeks" else Span.MONTH
        return Window(text, span, int(match.group(1)), to_date=False)
    raise ValueError(
        f'unknown window "{text}"; expected one of wtd, mtd, qtd, ytd, last_N_weeks, '
        "last_N_months (N from 1 to 99: last_4_weeks, last_3_months)"
    )


def readable_at(window: Window, grain: Grain) -> str:
    """Why ``window`` cannot be read from periods of ``grain``; empty when it can."""
    if _SPAN_FINENESS[window.span] < _FINENESS[grain]:
        return (f"a plan measured by {grain.value} cannot give a {window.span.value} window "
                f"({window.name}); its periods are longer")  # fmt: skip
    return ""


def default_window(grain: Grain) -> Window:
    """The current period of the plan's grain, to date: the plain 环比 / 同比."""
    return {Grain.WEEK: Window("wtd", Span.WEEK), Grain.MONTH: Window("mtd", Span.MONTH),
            Grain.QUARTER: Window("qtd", Span.QUARTER)}[grain]  # fmt: skip


def window_problem(text: str, grain: Grain | None = None) -> str:
    """Why ``text`` is no window (for a plan of ``grain``); empty when it is one."""
    try:
        window = parse_window(text)
    except ValueError as error:
        return str(error)
    return readable_at(window, grain) if grain is not None else ""
