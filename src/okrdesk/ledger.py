"""The spend ledger: recording spending against budget lines, and listing it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from okrdesk.errors import BadInput
from okrdesk.model import BudgetLine, Plan
from okrdesk.session import Session
from okrdesk.store import Store
from okrdesk.targets.reader import suggest
from okrdesk.units import UNITS, format_in, parse_money

WAN = UNITS["万元"]


def find_line(plan: Plan, line_id: str) -> BudgetLine:
    for line in plan.budget.lines:
        if line.id == line_id:
            return line
    known = [line.id for line in plan.budget.lines]
    raise BadInput(f'no budget line "{line_id}"{suggest(line_id, known)}')


def distinct_signers(signers: Sequence[str]) -> list[str]:
    """Names as given, without blanks and repeats (case and spacing ignored)."""
    seen: dict[str, str] = {}
    for name in signers:
        key = " ".join(name.split()).casefold()
        if key and key not in seen:
            seen[key] = " ".join(name.split())
    return list(seen.values())


def record_spend(
    session: Session,
    line_id: str,
    amount_text: str,
    signers: Sequence[str],
    note: str,
    day: dt.date | None,
) -> str:
    plan = session.plan
    line = find_line(plan, line_id)
    try:
        amount = parse_money(amount_text)
    except ValueError as error:
        raise BadInput(str(error)) from None
    if amount == 0:
        raise BadInput("the amount is 0; nothing to record")
    if amount < 0 and not note.strip():
        raise BadInput("a negative amount is a correction; say why with --note")
    names = distinct_signers(signers)
    if line.dual_signoff and len(names) < 2:
        raise BadInput(
            f"{line.id} ({line.name}) needs two different people to sign off every entry "
            f"(双签字); got {len(names)}: {', '.join(names) or 'none'}. Nothing was recorded."
        )
    day = day or dt.date.today()
    with Store.open(session.workspace.database) as store:
        store.add_spend(line.id, day, amount, names, note)
        spent = sum((e.amount for e in store.spend(line.id)), start=amount * 0)
    return (
        f"Recorded {format_in(WAN, amount, 4)} on {line.id} ({line.name}) on {day}, "
        f"signed by {', '.join(names)}. Spent so far {format_in(WAN, spent, 4)} "
        f"of {format_in(WAN, line.amount, 4)}."
    )


def spend_lines(session: Session, line_id: str | None) -> list[str]:
    plan = session.plan
    if line_id is not None:
        find_line(plan, line_id)
    with Store.open(session.workspace.database, create=False) as store:
        entries = store.spend(line_id)
    if not entries:
        return ["No spending recorded."]
    rows = [f"{'date':<10}  {'line':<16}  {'amount':>14}  signed by / note"]
    for entry in entries:
        extra = f"  {entry.note}" if entry.note else ""
        if entry.override_reason:
            extra += f"  [override: {entry.override_reason}]"
        rows.append(
            f"{entry.day.isoformat():<10}  {entry.line:<16}  {format_in(WAN, entry.amount, 4):>14}"
            f"  {', '.join(entry.signed_by)}{extra}"
        )
    return rows
