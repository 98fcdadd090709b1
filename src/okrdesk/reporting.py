"""``okrdesk report``: pick the date and unit, build the report, render it."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from okrdesk.errors import BadInput
from okrdesk.periods import Grain, parse_period
from okrdesk.report.model import Report, build_report
from okrdesk.report.render import render
from okrdesk.session import Session
from okrdesk.store import Store
from okrdesk.targets.reader import suggest


def report_date(session: Session, as_of: dt.date | None, week: str | None) -> dt.date:
    plan = session.plan
    if as_of is not None and week is not None:
        raise BadInput("give --as-of or --week, not both")
    if week is not None:
        try:
            period = parse_period(week)
        except ValueError as error:
            raise BadInput(f"--week {week}: {error}") from None
        if period.grain is not Grain.WEEK:
            raise BadInput(f"--week {week}: give an ISO week such as 2026-W47")
        as_of = period.end
    day = as_of or dt.date.today()
    if day < plan.start:
        raise BadInput(f"{day} is before the plan starts ({plan.start})")
    return min(day, plan.end)


def make_report(
    session: Session, unit: str | None, as_of: dt.date | None, week: str | None, lang: str
) -> Report:
    plan = session.plan
    subject = unit or plan.top
    if subject not in plan.units_by_id and subject not in plan.people_by_id:
        known = [*plan.units_by_id, *plan.people_by_id]
        raise BadInput(f'no unit or person "{subject}"{suggest(subject, known)}')
    day = report_date(session, as_of, week)
    if not session.workspace.database.exists():
        raise BadInput("no numbers yet: run `okrdesk collect` first")
    with Store.open(session.workspace.database, create=False) as store:
        return build_report(session, store, subject, day, lang)


def write_report(
    session: Session,
    report: Report,
    fmt: str,
    out: Path | None,
    templates: Path | None,
) -> None:
    plan = session.plan
    args = (session.workspace.root, templates, plan.start, plan.end)
    if out is None:
        render(report, fmt, sys.stdout, *args)
        return
    with out.open("w", encoding="utf-8") as file:
        render(report, fmt, file, *args, width=100)
