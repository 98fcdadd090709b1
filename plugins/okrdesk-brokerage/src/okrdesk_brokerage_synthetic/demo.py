"""Sample data for ``okrdesk demo``: a generated CRM export for the plan's client-facing staff.

Only people who serve clients get a book; managers, operations and compliance
staff carry targets too, but have no clients of their own.

The export is calibrated to the plan, so that the demo tells a branch's
believable year rather than a random one. Each CM gets a ``Quota``: their
own targets from the plan's ``[members]`` tables for net new AUM, new
accounts, new HNW clients and commission, and a book sized to the scoring
policy that covers their role (about as many effective accounts as its
standard asks by the autumn, and ``ASSETS_PER_EFFECTIVE_ACCOUNT`` for each).
Big deposits, each a new client's, bring in the rest of the net new AUM and
most new HNW clients through the year, about three a month for a wealth
team's CM: what the month's new effective accounts hold at its end, the
scoring policy's "new market value", is about 1,500万 in a normal month.

The story on top of the plan, in ``STORY``: every CM is a little above or
below their quota, and each team has one figure it runs ahead or behind on.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from pathlib import Path

from okrdesk.model import Person, Plan

from okrdesk_brokerage_synthetic.generator import generate
from okrdesk_brokerage_synthetic.population import Quota

CLIENT_ROLES = ("cm", "icm", "trainee")
DEMO_FOLDER = "data/crm"
DEMO_SEED = 2026
QUOTA_METRICS = ("net_new_aum", "new_accounts", "new_hnw_clients", "commission_revenue")
NEW_EFFECTIVE_SHARE = 0.4
"""About how many of a year's new accounts are effective by the autumn, for sizing a book."""
OPENINGS_GROWTH = 1.15
"""A CM's new accounts this year over last year's: a branch that pushes openings a
little harder each year. A trainee, new to the branch, opened none last year."""
SMALLEST_BOOK = 20
ASSETS_PER_EFFECTIVE_ACCOUNT = 4e6
"""What a book holds for each effective account its scoring standard asks, in 元: a CM
held to 100 holds about 4亿 (and so reaches the sample plan's 5.5亿 per CM, O3.KR1, with
a year's net new AUM), a trainee held to 30 about 1.2亿."""
DEFAULT_BOOK = Quota(clients=100, assets=5e8)
"""A book for a CM whom neither targets nor a scoring policy describe."""
PERSONAL_SPREAD = 0.06
"""How far a CM's year runs from their quota, as a standard deviation."""
STORY: tuple[Mapping[str, float], ...] = (
    {"new_accounts": 1.15},
    {"new_hnw_clients": 0.75},
    {"net_new_aum": 1.12},
)
"""Per team, in the plan's order of the units under its top unit: what runs ahead
(above 1) or behind (below 1) its targets. The sample plan's first team (财富管理一部)
opens accounts faster than planned, the second (财富管理二部) lags on new HNW
clients, a quarter short of its pace, so that the team and the shares of its people
read off track (with big deposits spread through the year, a lag of 15% read at risk
only), and the third (机构业务部) brings in 12% more net new AUM than its target
over the year."""


def _member_targets(plan: Plan, person: str) -> dict[str, float]:
    """The person's own targets a year, by metric, summed over key results."""
    found = dict.fromkeys(QUOTA_METRICS, 0.0)
    for objective in plan.objectives:
        for kr in objective.key_results:
            if kr.metric in found and person in kr.member_targets:
                found[kr.metric] += float(kr.member_targets[person])
    return found


def _standards(plan: Plan, person: Person) -> dict[str, float]:
    """The monthly standards of the scoring policy that covers the person, by metric."""
    for policy in plan.scoring:
        if person.role in policy.roles or person.id in policy.people:
            return {c.metric: float(c.standard) for c in policy.components}
    return {}


def _team_story(plan: Plan, person: Person) -> Mapping[str, float]:
    teams = [unit.id for unit in plan.child_units(plan.top)]
    unit = person.unit
    while unit not in teams and unit in plan.units_by_id:
        parent = plan.units_by_id[unit].parent
        if parent is None:
            return {}
        unit = parent
    at = teams.index(unit) if unit in teams else -1
    return STORY[at] if 0 <= at < len(STORY) else {}


def quota_for(plan: Plan, person: Person, rng: random.Random) -> Quota:
    """What the person's book and year look like in the demo."""
    targets = _member_targets(plan, person.id)
    standards = _standards(plan, person)
    if not any(targets.values()) and not standards:
        return DEFAULT_BOOK
    story = _team_story(plan, person)
    pace = {m: story.get(m, 1.0) * rng.gauss(1.0, PERSONAL_SPREAD) for m in QUOTA_METRICS}
    effective = standards.get("effective_accounts", 0.0)
    # A book that, with the year's new accounts, holds about the standard's
    # effective accounts by the autumn.
    new_effective = NEW_EFFECTIVE_SHARE * targets["new_accounts"]
    clients = max(SMALLEST_BOOK, round(effective - new_effective)) if effective else 0
    clients = clients or DEFAULT_BOOK.clients
    held = effective * ASSETS_PER_EFFECTIVE_ACCOUNT
    assets = max(held, targets["net_new_aum"]) or DEFAULT_BOOK.assets
    commission = targets["commission_revenue"] or 12 * standards.get("commission_revenue", 0.0)
    last_year = round(targets["new_accounts"] / OPENINGS_GROWTH) if person.role != "trainee" else 0
    return Quota(
        clients=clients,
        assets=assets,
        net_new_aum=targets["net_new_aum"] * pace["net_new_aum"],
        new_accounts=round(targets["new_accounts"] * pace["new_accounts"]),
        new_hnw_clients=round(targets["new_hnw_clients"] * pace["new_hnw_clients"]),
        commission=commission * pace["commission_revenue"],
        last_years_accounts=last_year,
    )


def write_demo_data(plan: Plan, workspace: Path, through: dt.date) -> dict[str, str] | None:
    """Generate the plan's year up to ``through``; return the ``[sources.brokerage]`` table.

    The whole year is drawn whatever ``through`` is, so a demo made on any day
    tells the same story of the months behind it.
    """
    people = [person for person in plan.people if person.role in CLIENT_ROLES]
    if not people or through < plan.start:
        return None
    rng = random.Random(DEMO_SEED)
    quotas = [quota_for(plan, person, rng) for person in people]
    generate(
        workspace / DEMO_FOLDER, [person.id for person in people], start=plan.start,
        end=plan.end, through=min(through, plan.end), seed=DEMO_SEED, quotas=quotas,
        last_year=True,
    )  # fmt: skip
    return {"data": DEMO_FOLDER}
