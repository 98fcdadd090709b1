"""``okrdesk demo`` data: a generated export for the plan's client-facing staff."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
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


def test_a_quota_comes_from_the_persons_own_targets_and_scoring_standards() -> None:
    import random
    from decimal import Decimal

    from okrdesk.model import KeyResult, Objective
    from okrdesk.units import UNITS

    from okrdesk_brokerage_synthetic.demo import DEFAULT_BOOK, quota_for

    nna = KeyResult(
        "O1.KR1", "O1", "净新增", UNITS["亿元"], None, metric="net_new_aum",
        member_targets={"li": Decimal(400_000_000)},
    )  # fmt: skip
    plan = attrs.evolve(PLAN, objectives=(Objective("O1", "AUM", "branch", key_results=(nna,)),))
    quota = quota_for(plan, PEOPLE[1], random.Random(1))
    # Li's 4亿 a year, a little above or below, and a book that holds at least as much.
    assert 3.4e8 <= quota.net_new_aum <= 4.6e8
    assert quota.assets >= 4e8
    assert quota_for(PLAN, PEOPLE[1], random.Random(1)) == DEFAULT_BOOK


def test_declaring_the_metrics_loads_none_of_the_computation() -> None:
    import subprocess
    import sys

    script = (
        "import sys\n"
        "import okrdesk_brokerage.plugin as plugin\n"
        "found = []\n"
        "plugin.okrdesk_metrics(found.append)\n"
        "assert len(found) == 17, found\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('okrdesk_brokerage'))\n"
        "print(loaded)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)  # fmt: skip
    assert done.stdout.strip() == str(
        ["okrdesk_brokerage", "okrdesk_brokerage.metrics", "okrdesk_brokerage.plugin"]
    )
