"""The spend ledger: recording spending against budget lines, and listing it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from okrdesk.app.session import Session
from okrdesk.engine.plan_calendar import clamp_to_plan
from okrdesk.errors import EXIT_FAILED, BadInput, OkrdeskError
from okrdesk.model import BudgetLine, Plan, SpendEntry
from okrdesk.store import Store
from okrdesk.targets.reader import suggest
from okrdesk.units import UNITS, format_in, parse_money

if TYPE_CHECKING:
    from okrdesk.engine.budget import Breaker

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
    override_reason: str | None = None,
) -> str:
    """Record one entry; refuse it when the line's breaker is or would be tripped.

    A refusal raises ``BreakerTripped`` (exit 1) unless ``override_reason``
    is given, which is then kept with the entry.
    """
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
    if override_reason is not None and not override_reason.strip():
        raise BadInput("--override needs a --reason that says why the breaker is overridden")
    day = day or dt.date.today()
    with Store.open(session.workspace.database) as store:
        entries = store.spend()
        if amount > 0:
            breaker = _breaker_after(session, store, line.id, entries, amount, day)
            if breaker.tripped and override_reason is None:
                raise BreakerTripped(
                    f"refused: the breaker (熔断) on {breaker.message}. Nothing was recorded. "
                    "To spend anyway, add --override --reason TEXT; the reason is kept in the "
                    "ledger and shown in reports."
                )
            if not breaker.tripped:
                override_reason = None
        store.add_spend(line.id, day, amount, names, note, override_reason)
        spent = sum((e.amount for e in entries if e.line == line.id), start=amount)
    overridden = f" Breaker overridden: {override_reason}." if override_reason else ""
    return (
        f"Recorded {format_in(WAN, amount, 4)} on {line.id} ({line.name}) on {day}, "
        f"signed by {', '.join(names)}. Spent so far {format_in(WAN, spent, 4)} "
        f"of {format_in(WAN, line.amount, 4)}.{overridden}"
    )


class BreakerTripped(OkrdeskError):
    """Spending refused by the circuit breaker: the run did not do what was asked."""

    exit_code = EXIT_FAILED


def _breaker_after(
    session: Session,
    store: Store,
    line_id: str,
    entries: Sequence[SpendEntry],
    amount: Decimal,
    day: dt.date,
) -> Breaker:
    """The line's breaker as it would stand with this entry recorded."""
    from okrdesk.engine.budget import budget_progress
    from okrdesk.engine.progress import Engine

    pending = SpendEntry(0, line_id, day, amount, (), "", None, "")
    as_of = clamp_to_plan(session.plan, day)
    engine = Engine(session.plan, store, as_of, session.host.metrics)
    budget = budget_progress(engine, [*entries, pending])
    return next(lp.breaker for lp in budget.lines if lp.line.id == line_id)


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
