"""``okrdesk due``: which check-ins are owed on a date, by whom, since when."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from okrdesk.app.session import Session, stored
from okrdesk.engine.cadence import Owed, owed
from okrdesk.engine.plan_calendar import clamp_to_plan
from okrdesk.errors import BadInput
from okrdesk.model import Checkin
from okrdesk.targets.reader import suggest


class _NoCheckins:
    """A workspace with no database yet: nothing was ever checked in."""

    def checkins(self, key_result: str | None = None, subject: str | None = None) -> list[Checkin]:
        return []


def owed_on(
    session: Session, as_of: dt.date | None, unit: str | None
) -> tuple[dt.date, list[Owed]]:
    """The date read (inside the plan) and every check-in owed on it, inside ``unit``."""
    plan = session.plan
    if unit is not None and unit not in plan.units_by_id and unit not in plan.people_by_id:
        known = [*plan.units_by_id, *plan.people_by_id]
        raise BadInput(f'--unit: no unit or person "{unit}"{suggest(unit, known)}')
    day = clamp_to_plan(plan, as_of or dt.date.today())
    store = stored(session.workspace)
    if store is None:
        return day, owed(plan, _NoCheckins(), day, unit)
    with store, store.reading():
        return day, owed(plan, store, day, unit)


def due_lines(session: Session, as_of: dt.date | None, unit: str | None) -> list[str]:
    """What is owed, grouped by who owes it, the longest owed first within each."""
    day, found = owed_on(session, as_of, unit)
    if not found:
        return [f"No check-ins owed on {day}."]
    people = len({(o.person, o.name) for o in found})
    lines = [f"Check-ins owed on {day}: {len(found)}, by {people} "
             f"{'person' if people == 1 else 'people'}."]  # fmt: skip
    by_who = sorted(found, key=lambda o: (o.name, o.person or "", o.since, o.key_result))
    for (person, name), entries in groupby(by_who, key=lambda o: (o.person, o.name)):
        items = list(entries)
        who = f"{name} ({person})" if person else f"{name} (no lead in the plan)"
        lines.append(f"{who}: {len(items)}")
        for o in items:
            last = f"last {o.last}" if o.last else "none yet"
            late = f", {o.periods} {o.cadence.value}s without one" if o.periods > 1 else ""
            when = f"owed since {o.since}" if o.late else f"due by {o.due}"
            lines.append(f"  {o.key_result} for {o.subject}: every {o.cadence.value}, {when} "
                         f"({last}{late})  {o.title}")  # fmt: skip
    return lines
