"""Where a key result will end at this pace, and when it reaches its target.

Method: the slope of an ordinary least-squares line through the year-to-date
points (day of the plan, figure to date at the end of each period), carried
forward from today's figure to the plan's last day. Fewer than three points
is "not enough data". On and after the plan's last day the forecast is the
actual. A running count (new clients to date) is never forecast below what
it has already reached. The target is reached on the first day the line
meets it, if that is within the plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

MIN_POINTS = 3


@attrs.frozen
class Forecast:
    value: float | None
    """The figure expected at the plan's end; None when there is not enough data."""
    reach: dt.date | None = None
    """The day the target is reached on this trend; None if not within the plan."""
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
    if len(points) < MIN_POINTS:
        return Forecast(None, note="not enough data")
    xs = [float((day - start).days) for day, _ in points]
    ys = [value for _, value in points]
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return Forecast(None, note="not enough data")
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    if never_below:
        slope = max(slope, 0.0)
    value = now + slope * (end - today).days
    if reached:
        return Forecast(value, today)
    reach = None
    if slope != 0 and (slope > 0) == rising:
        days = (target - now) / slope
        # A slope near zero reaches the target centuries on: beyond the plan, never a date.
        if days <= (end - today).days:
            reach = today + dt.timedelta(days=int(days + 0.999999))
    return Forecast(value, reach)
