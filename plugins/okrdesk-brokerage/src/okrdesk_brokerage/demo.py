"""Sample data for ``okrdesk demo``: a generated CRM export for the plan's client-facing staff.

Only people who serve clients get a book; managers, operations and compliance
staff carry targets too, but have no clients of their own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from okrdesk.model import Plan

CLIENT_ROLES = ("cm", "trainee")
DEMO_FOLDER = "data/crm"


def write_demo_data(plan: Plan, workspace: Path, through: dt.date) -> dict[str, str] | None:
    """Generate the plan's year up to ``through``; return the ``[sources.brokerage]`` table."""
    from okrdesk_brokerage.generator import generate

    cms = [person.id for person in plan.people if person.role in CLIENT_ROLES]
    if not cms or through < plan.start:
        return None
    generate(workspace / DEMO_FOLDER, cms, start=plan.start, end=min(through, plan.end))
    return {"data": DEMO_FOLDER}
