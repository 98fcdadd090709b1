"""``product_sales`` is declared ``never_negative`` (amounts bought; a redemption is no
sale): a share of it past its target before the plan's close is met (达标), not ahead as a
net flow would be, and is counted among the members that met theirs. Its windows cannot go
below zero: the export's products.csv refuses a negative amount at its line and column, and
okrdesk refuses a negative figure of it from any plugin. The tiny export's product sales,
collected by the plugin's own hook into a real SQLite store, judged by the real engine."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

from okrdesk.engine.pace import Status
from okrdesk.engine.progress import Engine
from okrdesk.model import KeyResult, Objective, Observation, OrgUnit, Plan
from okrdesk.periods import Grain
from okrdesk.store import Store
from okrdesk.units import UNITS

from brokerage_helpers import FIXTURES, MONTHS, PEOPLE, THROUGH, collect, declared

SALES = KeyResult(
    "S.PS", "S", "产品销售 40万", UNITS["元"], None, "product_sales",
    member_targets={"cm1": Decimal(300_000), "cm2": Decimal(100_000)},
)  # fmt: skip
"""Li Na's share (30万) she has passed with 52万 by 20 March; Wang Wei has sold 5,000 of
his 10万; the team 52.5万 of 40万."""


def test_product_sales_past_a_share_before_the_close_is_met_and_counted_met(
    tmp_path: Path,
) -> None:
    specs = declared()
    found = collect(["product_sales"])
    assert found.errors == []
    plan = Plan(
        "p", "Plan", 2026, dt.date(2026, 1, 1), dt.date(2026, 12, 31), "team1", Grain.MONTH,
        units=(OrgUnit("team1", "Team", "team"),), people=PEOPLE,
        objectives=(Objective("S", "Sales", "team1", key_results=(SALES,)),),
    )  # fmt: skip
    with Store.open(tmp_path / "okrdesk.db") as store:
        run = store.start_run("collect", THROUGH)
        store.replace_observations(run, {"product_sales": "brokerage"}, MONTHS,
                                   list(found.of("product_sales").values()), THROUGH)  # fmt: skip
        engine = Engine(plan, store, THROUGH, specs)
        li_na = engine.key_result(SALES, "cm1")
        assert li_na is not None
        assert (li_na.actual.value, li_na.status) == (520_000.0, Status.MET)
        team = engine.key_result(SALES, "team1")
        assert team is not None and team.status is Status.MET
        members = engine.members_met(SALES, "team1")
        assert members is not None and (members.met, members.total) == (1, 2)


def test_a_window_of_product_sales_below_zero_is_refused(tmp_path: Path) -> None:
    # A "correction" typed as a negative purchase on line 6 of products.csv.
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    path = tmp_path / "tiny" / "products.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[5] = "2026-01-15,A1,P03,buy,-200000.00,-1200.00"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = collect(["product_sales"], workspace=tmp_path)
    assert found.errors == [
        ("product_sales", "products.csv:6: column 'amount': '-200000.00' is negative")
    ]
    assert found.errors_zh == [("product_sales", "products.csv:6：amount 列：'-200000.00' 是负数")]
    assert found.of("product_sales") == {}
    # Nor would okrdesk store one from any plugin: the declaration refuses it.
    below = Observation("product_sales", "cm1", "2026-01", -200_000.0)
    assert below.problems(declared()["product_sales"]) != []
