"""Where a date falls among the requested periods, found by bisection.

Flows are placed in *windows*: a period clipped to the request's ``through``
day. Stocks are evaluated at *checkpoints*: the last day of each window and the
day before each window starts (for figures "at the start"). A date is placed
with one bisection over sorted boundaries and a memo per distinct date, so a
row costs the same however many periods or rows there are.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

import attrs
from okrdesk.periods import Period

_DAY = dt.timedelta(days=1)


@attrs.frozen
class Window:
    period: str
    start: dt.date
    end: dt.date
    """The period's end or the request's ``through`` day, whichever is earlier."""


def month_key(day: dt.date) -> int:
    """A number per calendar month, for "the month containing this day" lookups."""
    return day.year * 12 + day.month - 1


def next_month_start(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


class Windows:
    """The request's periods as windows and checkpoints, with fast date placement."""

    def __init__(self, periods: Iterable[Period], through: dt.date) -> None:
        self.through = through
        self.windows: tuple[Window, ...] = tuple(
            Window(p.id, p.start, min(p.end, through)) for p in periods if p.start <= through
        )
        days = {w.end for w in self.windows} | {w.start - _DAY for w in self.windows}
        self.checkpoints: tuple[dt.date, ...] = tuple(sorted(days))
        slot = {day: k for k, day in enumerate(self.checkpoints)}
        self.end_slot = tuple(slot[w.end] for w in self.windows)
        self.start_slot = tuple(slot[w.start - _DAY] for w in self.windows)
        self.slot_month = tuple(month_key(day) for day in self.checkpoints)
        bounds = sorted({w.start for w in self.windows} | {w.end + _DAY for w in self.windows})
        self._bounds = bounds
        self._covering = [
            tuple(
                i
                for i, w in enumerate(self.windows)
                if w.start <= bounds[j] and bounds[j + 1] - _DAY <= w.end
            )
            for j in range(len(bounds) - 1)
        ]
        self._containing: dict[dt.date, tuple[int, ...]] = {}
        self._slot_from: dict[dt.date, int] = {}

    def __len__(self) -> int:
        return len(self.windows)

    @property
    def slots(self) -> int:
        return len(self.checkpoints)

    def containing(self, day: dt.date) -> tuple[int, ...]:
        """The indices of the windows ``day`` falls in; usually one, none outside them all."""
        found = self._containing.get(day)
        if found is None:
            j = bisect_right(self._bounds, day) - 1
            found = self._covering[j] if 0 <= j < len(self._covering) else ()
            self._containing[day] = found
        return found

    def slot_from(self, day: dt.date | None) -> int:
        """The first checkpoint on or after ``day``; ``slots`` when none is (or no day)."""
        if day is None:
            return len(self.checkpoints)
        found = self._slot_from.get(day)
        if found is None:
            found = bisect_left(self.checkpoints, day)
            self._slot_from[day] = found
        return found
