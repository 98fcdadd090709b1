"""Where a key result will end at this pace, and when it reaches its target.

Method: the slope of an ordinary least-squares line through the year-to-date
points (day of the plan, figure to date at the end of each period), carried
forward from today's figure to the day it is made for: the plan's last day, or
the day an open checkpoint closes (engine.progress). Fewer than three points
is "not enough data". On and after that day the forecast is the actual. A
running count (new clients to date) is never forecast below what it has
already reached. The target is reached on the first day the line meets it, if
that is by that day; a figure past its target today whose line falls back below it
by that day (a falling rate, a shrinking stock) reaches it on no day.

A ratio is not a line: its numerator and denominator to date are each
carried forward so, and divided (``ratio_forecast``). A conversion rate that
fell for some weeks then ends between the rates it has been, where a line
through the rate itself ran below nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from okrdesk.records import shared_methods

MIN_POINTS = 3


@attrs.frozen
@shared_methods
class Forecast:
    value: float | None
    """The figure expected on the day it is made for (``end``: the plan's last day, an open
    checkpoint's closing day); None when there is not enough data."""
    reach: dt.date | None = None
    """The day the target is reached on this trend; None if not by that day."""
    note: str = ""


def linear_forecast(
    points: Sequence[tuple[dt.date, float]],
    start: dt.date,
    end: dt.date,
    target: float,
    rising: bool = True,
    as_of: dt.date | None = None,
    *,
    never_below: bool = False,
) -> Forecast:
    """``points`` are (day, figure to date), the last one today's figure."""
    if not points:
        return Forecast(None, note="not enough data")
    today, now = points[-1]
    as_of = as_of or today
    reached = now >= target if rising else now <= target
    if as_of >= end:
        return Forecast(now, today if reached else None)
    slope = _slope(points, start)
    if slope is None:
        return Forecast(None, note="not enough data")
    if never_below:
        slope = max(slope, 0.0)
    value = now + slope * (end - today).days
    if reached:
        # Past the target today, it is reached on the line only where the line still
        # stands at it on ``end``: a rate or a level falling back ends short of it.
        return Forecast(value, today if (value >= target if rising else value <= target) else None)
    reach = None
    if slope != 0 and (slope > 0) == rising:
        days = (target - now) / slope
        # A slope near zero reaches the target centuries on: beyond the plan, never a date.
        if days <= (end - today).days:
            reach = today + dt.timedelta(days=int(days + 0.999999))
    return Forecast(value, reach)


def ratio_forecast(
    parts: Sequence[tuple[dt.date, float, float]],
    start: dt.date,
    end: dt.date,
    target: float,
    rising: bool = True,
    as_of: dt.date | None = None,
    *,
    counts_from: dt.date | None = None,
) -> Forecast:
    """``parts`` are (day, numerator to date, denominator to date), the last one
    today's: the ratio on ``end`` with each part carried forward at its pace,
    and the first day that ratio meets ``target``. ``counts_from``: the first day
    its figure can meet the target, where that is after today's (a rate's checkpoint
    of a phase, read over the plan to date before the phase has a figure): the line
    meets it from that day on, only where it still meets it on ``end``."""
    if not parts or not parts[-1][2]:
        return Forecast(None, note="not enough data")
    today, numerator, denominator = parts[-1]
    as_of = as_of or today

    def meets(ratio: float) -> bool:
        return ratio >= target if rising else ratio <= target

    now = numerator / denominator
    if as_of >= end:
        return Forecast(now, today if meets(now) else None)
    up = _slope([(day, n) for day, n, _ in parts], start)
    across = _slope([(day, d) for day, _, d in parts], start)
    left = (end - today).days
    if up is None or across is None or denominator + across * left <= 0:
        return Forecast(None, note="not enough data")
    value = (numerator + up * left) / (denominator + across * left)
    waits = min(max((counts_from - today).days, 0), left) if counts_from is not None else 0
    if waits:
        # The ratio moves one way only: it meets the target from ``counts_from`` on, by
        # ``end``, only where it meets it on ``end``; already then, or on the day it crosses.
        if not meets(value):
            return Forecast(value, None)
        then = (numerator + up * waits) / (denominator + across * waits)
        if meets(then):
            return Forecast(value, today + dt.timedelta(days=waits))
    elif meets(now):
        return Forecast(value, today if meets(value) else None)
    # (numerator + up·t) / (denominator + across·t) = target, for t days from today.
    gain = up - target * across
    reach = None
    if gain:
        days = (target * denominator - numerator) / gain
        if 0 < days <= left and denominator + across * days > 0:
            reach = today + dt.timedelta(days=int(days + 0.999999))
    return Forecast(value, reach)


def _slope(points: Sequence[tuple[dt.date, float]], start: dt.date) -> float | None:
    """The least-squares slope of ``points`` per day; None with fewer than
    ``MIN_POINTS`` or all on one day."""
    if len(points) < MIN_POINTS:
        return None
    xs = [float((day - start).days) for day, _ in points]
    ys = [value for _, value in points]
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
