"""``okrdesk demo`` data: a generated export for the plan's client-facing staff."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from okrdesk.model import Person, Plan

from brokerage_helpers import collect
from okrdesk_brokerage import plugin

PEOPLE = (
    Person("boss", "Chen", "branch", role="manager"),
    Person("li", "Li", "team1"),
    Person("wang", "Wang", "team1", role="trainee"),
    Person("zhou", "Zhou", "branch", role="compliance"),
)
PLAN = Plan("p", "Plan", 2026, dt.date(2026, 1, 1), dt.date(2026, 12, 31), "branch", people=PEOPLE)


def test_demo_data_covers_cms_and_trainees_and_says_how_to_read_it(tmp_path: Path) -> None:
    through = dt.date(2026, 3, 31)
    settings = plugin.okrdesk_demo_data(plan=PLAN, workspace=tmp_path, through=through)
    assert settings == {"data": "data/crm"}
    clients = (tmp_path / "data" / "crm" / "clients.csv").read_text(encoding="utf-8")
    assert {line.split(",")[1] for line in clients.splitlines()[1:]} == {"li", "wang"}
    found = collect(["aum"], workspace=tmp_path, settings=settings, people=PEOPLE, through=through)
    assert {subject for (_, subject, _) in found.observations} == {"li", "wang"}


def test_no_demo_data_without_anyone_serving_clients(tmp_path: Path) -> None:
    plan = Plan("p", "Plan", 2026, dt.date(2026, 1, 1), dt.date(2026, 12, 31), "b")
    assert plugin.okrdesk_demo_data(plan=plan, workspace=tmp_path, through=plan.end) is None
    assert not any(tmp_path.iterdir())
