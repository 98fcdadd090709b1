"""Whether stored figures are the ones of the day they are read for.

A metric whose figure of a period goes on changing after the period ends (a cohort
followed to the day collected: the accounts opened in a week, counted funded by the
day of the collect; ``MetricSpec.settles_after_days``) is stored as the latest
collect read it. A checkpoint judged on it after its date, or a report as of a past
day, reads that figure, later conversions included: the store keeps no figure as it
stood on the day, so the report says which day the figure counts through rather than
call it that day's.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence

from okrdesk.model import MetricSpec, Run, read_before


def goes_on_changing(spec: MetricSpec) -> bool:
    """Whether a stored figure of ``spec`` may have changed after its period ended:
    a collected metric that does not settle when its period ends."""
    return spec.formula is None and spec.settles_after_days != 0


def counted_past(runs: Sequence[Run], spec: MetricSpec, day: dt.date, grain: str) -> dt.date | None:
    """The last day whose changes the stored figures of ``spec`` up to ``day`` count,
    when it is after ``day``: the day the latest collect that stored the metric (under
    ``grain``) read through, but no later than the periods up to ``day`` settle
    (``day`` + ``settles_after_days``). None when they stand as they stood on ``day``:
    a metric final when its period ends, a derived one (its inputs are judged), or
    none read after ``day``."""
    settles = spec.settles_after_days
    if not goes_on_changing(spec):
        return None
    read = read_before(runs, sys.maxsize, spec.name, {}, grain)
    if read is None or read <= day:
        return None
    return read if settles is None else min(read, day + dt.timedelta(days=settles))


def settles_on(runs: Sequence[Run], spec: MetricSpec, day: dt.date, as_of: dt.date,
               grain: str) -> dt.date | None:  # fmt: skip
    """For figures of ``spec`` up to ``day`` (a checkpoint's), the day they settle
    (``day`` + ``settles_after_days``), where a report of ``as_of`` cannot yet hold them
    final: ``as_of`` before it, or no collect since that read through it. None where they
    are final: a metric final when its period ends, a derived one, and one that never
    settles (``settles_after_days`` None: no day would ever judge it)."""
    settles = spec.settles_after_days
    if not goes_on_changing(spec) or settles is None:
        return None
    settled = day + dt.timedelta(days=settles)
    read = read_before(runs, sys.maxsize, spec.name, {}, grain)
    if as_of >= settled and read is not None and read >= settled:
        return None
    return settled
