"""Budgets: ROI, cost per result, the circuit breaker, and okrdesk check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner, Result

from okrdesk.app.session import open_session
from okrdesk.cli import cli
from okrdesk.engine.budget import budget_progress, judge_line
from okrdesk.engine.progress import Engine
from okrdesk.model import BudgetLine
from okrdesk.store import Store
from okrdesk.targets import load_plan
from sample_workspace import WriteWorkspace

ROOT = Path(__file__).resolve().parents[1]
THROUGH = "2026-03-15"


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


def test_the_sample_plan_expects_an_roi_of_11_1(tmp_path: Path) -> None:
    plan = load_plan(ROOT, targets=ROOT / "targets").plan
    assert plan is not None
    with Store.open(tmp_path / "okrdesk.db") as store:
        budget = budget_progress(Engine(plan, store, dt.date(2026, 6, 30), {}), [])
    # 1亿 of incremental revenue for 899万.
    assert budget.total == Decimal(8_990_000)
    assert budget.expected_revenue == Decimal(100_000_000)
    assert round(budget.expected_roi or 0, 1) == 11.1
    assert budget.amount == Decimal(8_950_000)  # the lines: 4万 unallocated


def line(**more: object) -> BudgetLine:
    return BudgetLine(id="x", name="沙龙", owner="b", amount=Decimal(1_000_000), **more)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("spent", "tripped", "reason"),
    [
        # Results are 20% of the way: spend may reach 30% before it trips.
        (Decimal(350_000), True, "pace"),
        (Decimal(299_000), False, ""),
        (Decimal(300_000), False, ""),
    ],
)
def test_the_breaker_trips_when_spend_runs_ahead_of_results(
    write_workspace: WriteWorkspace, spent: Decimal, tripped: bool, reason: str
) -> None:
    from okrdesk.engine.progress import KeyResultProgress

    progress = _result_at(0.20)
    breaker, results = judge_line(
        line(key_results={"O1.KR1": Decimal(1)}), spent, {"O1.KR1": progress}, 0.0, Decimal("0.10")
    )
    assert isinstance(progress, KeyResultProgress)
    assert results == pytest.approx(0.20)
    assert (breaker.tripped, breaker.reason) == (tripped, reason)


@pytest.mark.parametrize(
    ("spent", "tripped"), [(Decimal(1_110_000), True), (Decimal(1_100_000), False)]
)
def test_the_breaker_trips_on_overspending_the_amount(spent: Decimal, tripped: bool) -> None:
    breaker, _ = judge_line(line(), spent, {}, 0.0, Decimal("0.10"))
    assert breaker.tripped is tripped
    assert breaker.reason == ("overspend" if tripped else "")


def test_a_line_without_results_is_held_to_its_schedule() -> None:
    breaker, _ = judge_line(
        line(threshold=Decimal("0.05")), Decimal(400_000), {}, 0.30, Decimal("0.1")
    )
    assert not breaker.tripped  # no schedule: nothing bounds the pace
    from okrdesk.model import Milestone

    scheduled = line(threshold=Decimal("0.05"), schedule=(Milestone("Q4", Decimal(1)),))
    breaker, _ = judge_line(scheduled, Decimal(400_000), {}, 0.30, Decimal("0.1"))
    assert (breaker.tripped, breaker.reason, breaker.allowed) == (True, "pace", 0.30)


def _result_at(fraction: float):  # type: ignore[no-untyped-def]
    from okrdesk.engine.forecast import Forecast
    from okrdesk.engine.pace import Status
    from okrdesk.engine.progress import KeyResultProgress
    from okrdesk.engine.rollup import Figure
    from okrdesk.engine.tree_targets import TargetAt
    from okrdesk.model import KeyResult
    from okrdesk.units import UNITS

    kr = KeyResult("O1.KR1", "O1", "t", UNITS["户"], Decimal(100))
    return KeyResultProgress(
        kr, "b", Figure(100 * fraction), TargetAt(100.0, "declared"), 0.5, 50.0,
        Status.ON_TRACK, fraction, Forecast(None),
    )  # fmt: skip


def test_the_worked_example_in_docs_budgets(tmp_path: Path) -> None:
    from okrdesk.engine.progress import KeyResultProgress

    plan = load_plan(ROOT, targets=ROOT / "targets").plan
    assert plan is not None
    events = next(line for line in plan.budget.lines if line.id == "events")
    assert events.amount == Decimal(3_800_000)

    def at(kr_id: str, actual: float) -> KeyResultProgress:
        kr = plan.key_results_by_id[kr_id]
        progress = _result_at(0)
        return attrs.evolve(
            progress, key_result=kr, actual=attrs.evolve(progress.actual, value=actual),
            target=attrs.evolve(progress.target, value=float(kr.target or 0)),
        )  # fmt: skip

    results = {"O1.KR1": at("O1.KR1", 150), "O1.KR2": at("O1.KR2", 6e8),
               "C1.KR1": at("C1.KR1", 18e8)}  # fmt: skip
    fine, progress = judge_line(events, Decimal(1_850_000), results, 0.0, plan.budget.threshold)
    assert progress == pytest.approx((2 * 150 / 360 + 0.4 + 0.4) / 4)  # 40.8%
    assert not fine.tripped
    refused, _ = judge_line(events, Decimal(2_000_000), results, 0.0, plan.budget.threshold)
    assert refused.tripped
    assert refused.message == (
        "events (客户沙龙、高峰论坛、路演) has spent 52.6% of its amount while its results allow "
        "40.8%: 11.8 pp ahead, more than the 10 pp allowed"
    )
    overspent, _ = judge_line(events, Decimal(4_200_000), results, 0.0, plan.budget.threshold)
    assert overspent.reason == "overspend"


# ------------------------------------------------ through the command line


def test_spend_that_would_trip_the_breaker_is_refused(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    signed = ["--signed-by", "王芳", "--signed-by", "李强", "--date", THROUGH]
    # 33 of 360 clients by 15 March: results allow 9.2%; spend may run to 19.2% of 380万.
    ok = run(root, "spend", "add", "salons", "70万", *signed)
    assert ok.exit_code == 0, ok.output
    refused = run(root, "spend", "add", "salons", "5万", *signed)
    assert refused.exit_code == 1
    assert "refused: the breaker (熔断) on salons" in refused.output
    assert "has spent 19.7% of its amount while its results allow 9.17%: 10.6 pp ahead" in (
        refused.output
    )
    with Store.open(root / "okrdesk.db") as store:
        assert [e.amount for e in store.spend()] == [Decimal(700_000)]


def test_an_override_is_recorded_with_its_reason(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    run(root, "collect", "--through", THROUGH)
    signed = ["--signed-by", "王芳", "--signed-by", "李强", "--date", THROUGH]
    assert run(root, "spend", "add", "salons", "75万", *signed, "--override").exit_code == 2
    done = run(root, "spend", "add", "salons", "75万", *signed, "--override",
               "--reason", "春季峰会已签约,违约金更高")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "Breaker overridden: 春季峰会已签约,违约金更高." in done.output
    listed = run(root, "spend", "list")
    assert "[override: 春季峰会已签约,违约金更高]" in listed.output
    with Store.open(root / "okrdesk.db") as store:
        (entry,) = store.spend()
    assert entry.override_reason == "春季峰会已签约,违约金更高"


def test_roi_and_cost_per_result_from_the_ledger(write_workspace: WriteWorkspace) -> None:
    revenue = """\
[[objectives]]
id = "O2"
title = "收入"
owner = "branch"

[[objectives.key_results]]
id = "REV"
title = "新增收入"
target = 1
unit = "亿元"
"""
    root = write_workspace({"revenue.toml": revenue, "budget.toml": """\
[budget]
total = 100
expected_revenue = 1000

[[budget.lines]]
id = "a"
name = "A"
owner = "branch"
amount = 60
key_results = { "O2.REV" = 1, "O1.KR1" = 1 }

[[budget.lines]]
id = "b"
name = "B"
owner = "branch"
amount = 40
key_results = ["O2.REV"]
"""})  # fmt: skip
    run(root, "collect", "--through", THROUGH)
    assert run(root, "checkin", "O2.REV", "0.2", "--date", THROUGH).exit_code == 0
    for line_id, amount in (("a", "10万"), ("b", "5万")):
        assert run(root, "spend", "add", line_id, amount, "--signed-by", "王芳",
                   "--date", THROUGH).exit_code == 0  # fmt: skip
    session = open_session(root)
    with Store.open(session.workspace.database) as store:
        engine = Engine(session.plan, store, dt.date(2026, 3, 15), session.host.metrics)
        budget = budget_progress(engine, store.spend())
    by_id = {lp.line.id: lp for lp in budget.lines}
    # 2,000万 of revenue is shared by stake: a has 60万 × 0.5 = 30, b 40 × 1 = 40 of 70.
    assert by_id["a"].attributed_revenue == pytest.approx(20_000_000 * 30 / 70)
    assert by_id["b"].attributed_revenue == pytest.approx(20_000_000 * 40 / 70)
    assert budget.attributed_revenue == pytest.approx(20_000_000)
    assert budget.roi == pytest.approx(20_000_000 / 150_000)
    # Line a gives half of its 10万 to the clients: 5万 for 33 clients.
    assert by_id["a"].cost_per_result["O1.KR1"] == pytest.approx(50_000 / 33)
    assert budget.expected_roi == pytest.approx(10.0)


def test_expense_ratio_per_unit_against_its_limit(write_workspace: WriteWorkspace) -> None:
    budget = """\
[budget]
revenue_metric = "fee_revenue"
expense_ratio_max = 0.23

[[budget.lines]]
id = "team"
name = "团队活动"
owner = "team-a"
amount = 50
"""
    root = write_workspace({"budget.toml": budget})
    run(root, "collect", "--through", THROUGH)
    # 11 weeks of fees: cm01 1万 and cm02 2万 a week, 33万 in all.
    run(root, "spend", "add", "team", "8万", "--signed-by", "王芳", "--date", THROUGH)
    session = open_session(root)
    with Store.open(session.workspace.database) as store:
        engine = Engine(session.plan, store, dt.date(2026, 3, 15), session.host.metrics)
        ratios = budget_progress(engine, store.spend()).expense_ratios
    assert ratios["team-a"].ratio == pytest.approx(80_000 / 330_000)
    assert ratios["team-a"].over  # 24.2% > 23%
    assert ratios["branch"].revenue == pytest.approx(330_000)
    result = run(root, "check", "--as-of", THROUGH, "--lang", "en")
    assert "EXPENSES   team-a: expense ratio 24.2%, above the 23% limit" in result.output


# ------------------------------------------------------------------ check


HEALTHY = """\
[[objectives]]
id = "O1"
title = "t"
owner = "branch"

[[objectives.key_results]]
id = "KR1"
title = "新增高净值客户"
metric = "new_hnw_clients"
target = 60
unit = "户"

[[objectives.key_results]]
id = "KR2"
title = "投诉率"
metric = "complaint_rate"
direction = "at_most"
target = 5
unit = "‰"
"""


def test_check_is_quiet_and_exits_0_when_all_is_well(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"okrs.toml": HEALTHY})
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    result = run(root, "check", "--as-of", THROUGH, "--lang", "en")
    assert (result.exit_code, result.output) == (0, "All clear.\n")


def test_check_lists_what_needs_attention_and_exits_1(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    assert run(root, "check", "--as-of", THROUGH).exit_code == 1
    run(root, "collect", "--through", "2026-02-01")
    result = run(root, "check", "--as-of", THROUGH, "--lang", "en")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith("STALE      metric new_hnw_clients") for line in lines)
    assert any(line.startswith("OFF TRACK  O1.KR1") for line in lines)
    assert lines[-1].endswith("need attention.")
