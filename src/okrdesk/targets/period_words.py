"""``-p/--period`` as hledger takes it: the period a report, check or explanation is about.

A period is an ISO week (``2026-W14``), a month (``2026-03``), a quarter
(``2026Q2`` or ``2026-Q2``), one of the plan's phases by id or name (``Q1``,
``抢春播``), or ``this``/``last`` followed by ``week``, ``month``, ``quarter`` or
``phase``, counted from the ``--as-of`` day or else today. The command then
runs as of the period's last day, or as of the ``--as-of`` day (else today)
when the period has not ended by then.
"""

from __future__ import annotations

import datetime as dt
import re

from okrdesk.errors import BadInput
from okrdesk.model import Plan
from okrdesk.periods import Period, month_of, parse_period, quarter_of, week_of
from okrdesk.targets.reader import suggest

# Compiled by re when first used: most commands are given no period.
_QUARTER = r"^(\d{4})[-_ ]?[Qq]([1-4])$"
_RELATIVE = r"^(this|last)[-_ ]+(week|month|quarter|phase)$"
_OF = {"week": week_of, "month": month_of, "quarter": quarter_of}

EXAMPLES = "2026-W14, 2026-03, 2026Q2, a phase (Q1 or its name), this week or last month"


def period_named(plan: Plan, text: str, today: dt.date) -> Period:
    """The period ``text`` names; relative ones counted from ``today``."""
    written = text.strip()
    relative = re.match(_RELATIVE, written, re.IGNORECASE)
    if relative:
        which, grain = relative.group(1).lower(), relative.group(2).lower()
        current = _phase_of(plan, today) if grain == "phase" else _OF[grain](today)
        if which == "this":
            return current
        before = current.start - dt.timedelta(days=1)
        return _phase_of(plan, before) if grain == "phase" else _OF[grain](before)
    quarter = re.match(_QUARTER, written)
    if quarter:
        written = f"{quarter.group(1)}-Q{quarter.group(2)}"
    for phase in plan.phases:
        if written in (phase.id, phase.name):
            return Period(phase.start, phase.end, phase.id)
    try:
        return parse_period(written)
    except ValueError:
        names = [p.id for p in plan.phases] + [p.name for p in plan.phases]
        raise BadInput(
            f"--period {text!r} is no period{suggest(text, names)}; write {EXAMPLES}"
        ) from None


def _phase_of(plan: Plan, day: dt.date) -> Period:
    for phase in plan.phases:
        if phase.start <= day <= phase.end:
            return Period(phase.start, phase.end, phase.id)
    raise BadInput(f"{day} is in no phase of the plan ({plan.start} to {plan.end})")


def as_of_period(plan: Plan, text: str | None, as_of: dt.date | None) -> dt.date | None:
    """The day a command runs as of for ``--period text`` (and ``--as-of``): the period's
    last day, or the as-of day (else today) when that comes first. None without a period."""
    if text is None:
        return as_of
    today = as_of or dt.date.today()
    period = period_named(plan, text, today)
    if period.start > today:
        raise BadInput(
            f"--period {text}: {period.id} starts on {period.start}, after "
            f"{'--as-of ' if as_of else 'today, '}{today}; there is nothing to show yet"
        )
    return min(period.end, today)
