"""Manual values for key results that no plugin measures: recording one,
withdrawing a wrong one, and listing them with their ids."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from decimal import Decimal

from okrdesk.app.session import Session, find_key_result, find_subject, open_store
from okrdesk.engine.pace import closes_on
from okrdesk.errors import BadInput, printable
from okrdesk.model import KeyResult
from okrdesk.units import UNITS, format_in, parse_quantity


def record_checkin(
    session: Session,
    key_result: str,
    value: str,
    person: str | None,
    unit: str | None,
    confidence: str | None,
    note: str,
    day: dt.date | None,
    by: str | None = None,
) -> str:
    """Store one check-in, by ``by`` (else ``author_default``); return what to tell the user."""
    plan = session.plan
    kr = find_key_result(plan, key_result)
    if kr.metric is not None:
        raise BadInput(
            f"{kr.id} is measured by the metric {kr.metric}; check-ins are for key results "
            "without a metric. Run `okrdesk collect` instead."
        )
    subject = find_subject(plan, kr, person, unit)
    base = _value(kr, value)
    sure = None if confidence is None else _confidence(confidence)
    day = day or dt.date.today()
    if not plan.start <= day <= plan.end:
        raise BadInput(f"{day} is outside the plan ({plan.start} to {plan.end})")
    author = author_default(session.workspace.checkin_by) if by is None else by.strip()
    if not author:
        raise BadInput("--by: give a name (who is checking in). Nothing was stored.")
    with open_store(session.workspace) as store:
        checkin_id = store.add_checkin(kr.id, subject, day, float(base), sure, note, author)
        count = len(store.checkins(kr.id, subject))
    said = (
        f"{kr.id} {kr.title}: {format_in(kr.unit, base)} for {subject} as of {day} by "
        f"{printable(author)} (check-in {count} for it, id {checkin_id})."
    )
    closing = closes_on(plan, kr)
    if closing is not None and closing < day:
        said += (
            f" It does not count: {kr.id} is a checkpoint that closed on {closing}, and the "
            f"report keeps the figure it had then (record one with --date {closing} to "
            "correct that figure)."
        )
    return said


AUTHOR_ENV = "OKRDESK_USER"


def author_default(setting: str) -> str:
    """Who a check-in is from when ``--by`` is not given: okrdesk.toml's ``[checkin] by``,
    else $OKRDESK_USER, else the user logged in to the machine ("" when none is known)."""
    return setting or os.environ.get(AUTHOR_ENV, "").strip() or _who()


def _value(kr: KeyResult, value: str) -> Decimal:
    try:
        return parse_quantity(kr.unit, value)
    except ValueError as error:
        raise BadInput(f"{kr.id}: {error}. Nothing was stored.") from None


def _confidence(text: str) -> float:
    """--confidence as 0 to 1, or as a percentage: 0.8 and 80% are the same."""
    try:
        sure = parse_quantity(UNITS["ratio"], text)
    except ValueError:
        sure = None
    if sure is None or not 0 <= sure <= 1:
        raise BadInput(
            f"--confidence {printable(text)}: not a number from 0 to 1 (or 0% to 100%). "
            "Nothing was stored."
        )
    return float(sure)


def withdraw_checkin(session: Session, checkin_id: int, reason: str) -> str:
    """Mark one check-in withdrawn; its row stays in the history."""
    if not reason.strip():
        raise BadInput("--withdraw needs a --reason that says what was wrong. Nothing was changed.")
    with open_store(session.workspace, create=False) as store:
        withdrawn = store.withdraw_checkin(checkin_id, _who(), reason.strip())
    kr = session.plan.key_results_by_id.get(withdrawn.key_result)
    shown = format_in(kr.unit, withdrawn.value) if kr else f"{withdrawn.value:g}"
    return (
        f"Withdrew check-in {checkin_id}: {withdrawn.key_result} {shown} for "
        f"{withdrawn.subject} as of {withdrawn.day}. It stays in the history and counts for "
        "nothing; the latest check-in before it counts again."
    )


def _who() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def checkin_lines(session: Session, key_result: str) -> list[str]:
    """Every check-in of a key result, withdrawn ones too, with the ids to withdraw by."""
    kr = find_key_result(session.plan, key_result)
    with open_store(session.workspace, create=False) as store:
        history = store.checkins(kr.id, withdrawn=True)
    if not history:
        return [f"No check-ins for {kr.id}."]
    rows = [f"{'id':>5}  {'date':<10}  {'for':<12}  {'value':>16}  note"]
    for entry in history:
        shown = format_in(kr.unit, entry.value) if abs(entry.value) <= 1e308 else "not a number"
        extra = f"  {printable(entry.note)}" if entry.note else ""
        if entry.withdrawn is not None:
            by = f" by {entry.withdrawn_by}" if entry.withdrawn_by else ""
            extra += f"  [withdrawn {entry.withdrawn}{by}: {printable(entry.withdraw_reason)}]"
        rows.append(
            f"{entry.id:>5}  {entry.day.isoformat():<10}  {entry.subject:<12}  {shown:>16}{extra}"
        )
    return rows
