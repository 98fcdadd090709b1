"""Sample data for ``okrdesk demo``: a generated CRM export for the plan's client-facing staff.

Only people who serve clients get a book; managers, operations and compliance
staff carry targets too, but have no clients of their own.

The book is sized to the plan, so that the demo shows a branch roughly on
its plan rather than hopelessly behind it: a branch aiming at a year's net
new AUM of X holds a book of about 11 × X (the sample plan's branch brought
in 41.3亿 in 2025), spread over 600 clients a customer manager. Without a
net new AUM target the book is the generator's default branch (7.2亿).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from okrdesk.model import Plan

from okrdesk_brokerage_synthetic.generator import generate

CLIENT_ROLES = ("cm", "trainee")
DEMO_FOLDER = "data/crm"
BOOK_PER_YEARLY_TARGET = 11
CLIENTS_PER_CM_AT_SCALE = 600


def _book_size(plan: Plan, cms: int) -> dict[str, float | int]:
    """Generator settings that fit the plan's own ambition."""
    targets = [
        float(kr.target)
        for objective in plan.objectives
        for kr in objective.key_results
        if kr.metric == "net_new_aum" and kr.target is not None and kr.target > 0
    ]
    if not targets:
        return {}
    book = BOOK_PER_YEARLY_TARGET * max(targets)
    # Keep the average client's assets where the default branch has them or above.
    clients = max(107, min(CLIENTS_PER_CM_AT_SCALE, int(book / 5.6e5 / max(cms, 1))))
    return {"total_assets": book, "clients_per_cm": clients}


def write_demo_data(plan: Plan, workspace: Path, through: dt.date) -> dict[str, str] | None:
    """Generate the plan's year up to ``through``; return the ``[sources.brokerage]`` table."""
    cms = [person.id for person in plan.people if person.role in CLIENT_ROLES]
    if not cms or through < plan.start:
        return None
    generate(
        workspace / DEMO_FOLDER, cms, start=plan.start, end=min(through, plan.end),
        **_book_size(plan, len(cms)),  # type: ignore[arg-type]
    )  # fmt: skip
    return {"data": DEMO_FOLDER}
