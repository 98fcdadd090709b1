"""Where a key result will end at this pace, and when it reaches its target.

Method: an ordinary least-squares line through the year-to-date points
(day of the plan, figure to date at the end of each period), extended to
the plan's last day. Fewer than three points is "not enough data". The
target is reached on the first day the line meets it, if that is within the
plan.
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
) -> Forecast:
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
    intercept = mean_y - slope * mean_x
    last = float((end - start).days)
    value = intercept + slope * last
    reach = None
    reached_already = ys[-1] >= target if rising else ys[-1] <= target
    if reached_already:
        reach = points[-1][0]
    elif slope != 0 and (slope > 0) == rising:
        day = (target - intercept) / slope
        if xs[-1] <= day <= last:
            reach = start + dt.timedelta(days=int(day + 0.999999))
    return Forecast(value, reach)
