"""Who owes a check-in: the key results no plugin measures, each on its cadence.

A key result without a metric is owed one check-in every calendar week,
month or quarter (``KeyResult.cadence``, weekly unless its target file says
otherwise), until it closes (a checkpoint past its date is judged as it stood
then, so nothing more is owed for it). It is owed by whoever the check-in is for: the owner of the
objective, or each member a ``members`` table shares it out to. A person
owes their own; a unit's is owed by its lead.

The report's first screen, ``okrdesk due``, the stale check-in alert and
``okrdesk send --due`` all ask ``owed`` and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

import attrs

from okrdesk.engine.pace import closes_on
from okrdesk.engine.rollup import checkin_counts, subjects_under
from okrdesk.engine.tree_targets import owner_of
from okrdesk.model import CheckinFigure, KeyResult, Plan, Scope
from okrdesk.periods import Grain, Period, month_of, quarter_of, week_of
from okrdesk.records import shared_methods


class CheckinReader(Protocol):
    """The one read ``owed`` needs; every ``StoreReader`` is one."""

    def checkin_figures(
        self, key_result: str | None, subjects: Iterable[str], since: dt.date, through: dt.date
    ) -> list[CheckinFigure]:
        """The standing check-ins of ``subjects`` (of ``key_result`` alone when given) dated
        ``since`` to ``through``, oldest first."""
        ...


_PERIOD_OF = {Grain.WEEK: week_of, Grain.MONTH: month_of, Grain.QUARTER: quarter_of}


@attrs.frozen
@shared_methods
class Owed:
    """One check-in owed: for which key result and subject, by whom, since when."""

    key_result: str
    title: str
    subject: str
    """The unit or person the check-in is for."""
    person: str | None
    """Who owes it: the subject when a person, else the unit's lead (None: no lead)."""
    name: str
    """The person's name from the plan; the unit's name when it has no lead."""
    cadence: Grain
    since: dt.date
    """The first day of the first period with no check-in (the plan's start if none ever)."""
    last: dt.date | None
    """The day of the latest check-in on or before the date; None when there is none."""
    periods: int
    """Periods of the cadence with no check-in, the one holding the date included."""
    due: dt.date
    """The last day of the period holding the date, or the plan's last day (a checkpoint's
    date) when that comes first: this period's check-in is late after it."""

    @property
    def missed(self) -> int:
        """Whole periods of the cadence gone by with no check-in: the one holding the date
        is not over, so it is not missed yet."""
        return self.periods - 1

    @property
    def overdue(self) -> bool:
        """A whole period went by with no check-in: the latest is older than the last one."""
        return self.last is not None and self.periods >= 2

    @property
    def late(self) -> bool:
        """A whole period of the cadence went by with no check-in, ever or since the last."""
        return self.periods >= 2


def period_of(day: dt.date, cadence: Grain) -> Period:
    """The calendar week, month or quarter holding ``day``."""
    return _PERIOD_OF[cadence](day)


def checked_in_by(plan: Plan, kr: KeyResult) -> list[str]:
    """The subjects a key result's check-ins are owed for: each member of a shared-out
    key result, else the objective's owner; the owner too for a rate or a score shared
    out, whose members' figures do not add up to its own."""
    owner = owner_of(plan, kr)
    if kr.scope is Scope.MEMBERS and kr.member_targets:
        members = sorted(kr.member_targets)
        return members if kr.adds_up else [*members, owner]
    return [owner]


def owed(plan: Plan, store: CheckinReader, as_of: dt.date, within: str | None = None) -> list[Owed]:
    """Every check-in owed on ``as_of`` (the end of that day), oldest first.

    ``within`` keeps the subjects inside that unit; for a person, what that person owes
    too (a unit's check-ins fall to its lead); None, the whole plan. A check-in counts
    for a subject when it is for the subject, for
    anyone under it (of an amount or a count, which adds up), or for the key
    result's owner as a whole; withdrawn ones
    count for nothing. A subject owes nothing when a check-in falls in the
    period of its cadence holding ``as_of``. Dates after the plan ends are read
    as its last day.
    """
    day = min(max(as_of, plan.start), plan.end)
    inside = set(subjects_under(plan, within)) if within is not None else None

    def owes(subject: str) -> bool:
        # A plan cut to one unit knows the subjects inside its cut alone.
        known = subject in plan.people_by_id or subject in plan.units_by_id
        return known and within in plan.people_by_id and who_owes(plan, subject)[0] == within

    found = []
    under: dict[str, list[str]] = {}  # each subject's, listed once: most key results share them
    known = set(plan.subject_ids)
    for kr in plan.key_results_by_id.values():
        closing = closes_on(plan, kr)
        if kr.metric is not None or (closing is not None and closing < day):
            continue
        owner = owner_of(plan, kr)
        # A firm's store shared by its branches holds theirs of the same key result id too,
        # which are none of this plan's: one spoilt by hand there must not stop this.
        among = known if owner in known else {*known, owner}
        latest = _latest_days(store.checkin_figures(kr.id, among, plan.start, plan.end), day)
        additive = kr.adds_up
        for subject in checked_in_by(plan, kr):
            if inside is not None and subject not in inside and not owes(subject):
                continue
            if subject not in under:
                under[subject] = subjects_under(plan, subject)
            # A rate's or a score's check-ins below the subject make no figure of its own
            # (they do not add up): only its own, or the owner's as a whole, settle it. An
            # amount's below it settle it as they count in its figure: not under a check-in
            # of its own (or of a unit between), which stands for them.
            if additive:
                below = set(latest).intersection(under[subject])
                counted = {
                    owner,
                    *(s for s in below if checkin_counts(plan, kr, s, subject, below)),
                }
            else:
                counted = {subject, owner}
            last = max((latest[s] for s in counted if s in latest), default=None)
            entry = _owed(plan, kr, subject, last, day)
            if entry is not None:
                found.append(entry)
    return sorted(found, key=lambda o: (o.since, o.key_result, o.subject))


def first_checkin_due(plan: Plan, kr: KeyResult) -> dt.date:
    """The day a key result's first check-in is due: the end of the first period of its
    cadence, as ``okrdesk due`` counts it, or its own closing day when that comes first.
    Before it, none yet is no mistake: a quarterly figure owes nothing in January."""
    first = period_of(plan.start, kr.cadence).end
    closing = closes_on(plan, kr)
    return first if closing is None else min(first, closing)


def _latest_days(checkins: Iterable[CheckinFigure], day: dt.date) -> dict[str, dt.date]:
    """Each subject's latest check-in day by ``day``, of ``checkins`` (oldest first)."""
    return {subject: made for _, _, subject, made, _ in checkins if made <= day}


def _owed(
    plan: Plan, kr: KeyResult, subject: str, last: dt.date | None, day: dt.date
) -> Owed | None:
    now = period_of(day, kr.cadence)
    if last is not None and last >= now.start:
        return None
    since = plan.start if last is None else period_of(last, kr.cadence).end + dt.timedelta(days=1)
    periods, start = 0, since
    while start <= day:
        periods += 1
        start = period_of(start, kr.cadence).end + dt.timedelta(days=1)
    person, name = who_owes(plan, subject)
    # A check-in after the plan's end is refused, and one after a checkpoint's date counts
    # for nothing: the last week of a plan ending on a Tuesday is due by that Tuesday.
    due = min(now.end, closes_on(plan, kr) or plan.end)
    return Owed(kr.id, kr.title, subject, person, name, kr.cadence, since, last, periods, due)


def who_owes(plan: Plan, subject: str) -> tuple[str | None, str]:
    """The person who owes a subject's check-ins, and the name to show for them."""
    if subject in plan.people_by_id:
        return subject, plan.people_by_id[subject].name
    unit = plan.units_by_id[subject]
    lead = plan.people_by_id.get(unit.lead or "")
    return (lead.id, lead.name) if lead is not None else (None, unit.name)
