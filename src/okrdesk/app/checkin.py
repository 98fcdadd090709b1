"""Manual values for key results that no plugin measures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from okrdesk.app.session import Session, find_key_result, find_subject
from okrdesk.errors import BadInput
from okrdesk.store import Store
from okrdesk.units import format_in


def record_checkin(
    session: Session,
    key_result: str,
    value: str,
    person: str | None,
    unit: str | None,
    confidence: float | None,
    note: str,
    day: dt.date | None,
) -> str:
    """Store one check-in; return what to tell the user."""
    plan = session.plan
    kr = find_key_result(plan, key_result)
    if kr.metric is not None:
        raise BadInput(
            f"{kr.id} is measured by the metric {kr.metric}; check-ins are for key results "
            "without a metric. Run `okrdesk collect` instead."
        )
    subject = find_subject(plan, kr, person, unit)
    try:
        amount = Decimal(value.replace(",", ""))
    except InvalidOperation:
        raise BadInput(f"{value!r} is not a number (write it in {kr.unit.symbol})") from None
    if not amount.is_finite():
        raise BadInput(f"{value!r} is not a finite number")
    day = day or dt.date.today()
    if not plan.start <= day <= plan.end:
        raise BadInput(f"{day} is outside the plan ({plan.start} to {plan.end})")
    base = kr.unit.to_base(amount)
    with Store.open(session.workspace.database) as store:
        store.add_checkin(kr.id, subject, day, float(base), confidence, note)
        count = len(store.checkins(kr.id, subject))
    return (
        f"{kr.id} {kr.title}: {format_in(kr.unit, base)} for {subject} as of {day} "
        f"(check-in {count} for it)."
    )
