"""The machine's today, read through one name: the last day a collect may run through
and a check-in be of. The test suite sets it to a day of its own, to play out a plan's
end on a day before it."""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    return dt.date.today()
