"""Budgets: ROI, cost per result, the circuit breaker, and okrdesk check."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner, Result

from okrdesk.app.session import open_session
from okrdesk.cli import cli
from okrdesk.engine.budget import BudgetProgress, budget_progress, judge_line
from okrdesk.engine.progress import Engine
from okrdesk.messages import alert_text, past_limit
from okrdesk.model import BudgetLine, Milestone
from okrdesk.plugins.hookspecs import RenderContext
from okrdesk.report.build import build_report
from okrdesk.report.document import Report, ReportReserve
from okrdesk.store import Store
from okrdesk.targets import load_plan
from okrdesk.units import parse_money
from sample_workspace import WriteWorkspace, trusted

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


def test_the_breakers_shares_are_written_as_computed() -> None:
    # Spent, allowed and over are computed shares: a decimal even when they come out
    # whole (125.0%, as 80.0% of a key result's attainment); the threshold, typed, is not.
    over, _ = judge_line(line(), Decimal(1_250_000), {}, 0.0, Decimal("0.10"))
    assert over.text("zh") == "x（沙龙）已用预算 125.0%，超支 25.0%；超支超过 10% 即熔断"
    assert over.text("en") == (
        "x (沙龙) has spent 125.0% of its amount, 25.0% over; the breaker trips above 10% over"
    )
    scheduled = line(schedule=(Milestone("Q4", Decimal(1)),))
    ahead, _ = judge_line(scheduled, Decimal(400_000), {}, 0.25, Decimal("0.1"))
    assert ahead.text("zh") == (
        "x（沙龙）已用预算 40.0%，而支出计划只允许 25.0%：超前 15.0百分点，超过允许的 10百分点"
    )
    calm, _ = judge_line(scheduled, Decimal(300_000), {}, 0.25, Decimal("0.1"))
    assert calm.standing("zh").startswith("未触发：x 已用预算 30.0%，支出计划允许 25.0%；")


def test_a_line_without_results_is_held_to_its_schedule() -> None:
    breaker, _ = judge_line(
        line(threshold=Decimal("0.05")), Decimal(400_000), {}, 0.30, Decimal("0.1")
    )
    assert not breaker.tripped  # no schedule: nothing bounds the pace
    from okrdesk.model import Milestone

    scheduled = line(threshold=Decimal("0.05"), schedule=(Milestone("Q4", Decimal(1)),))
    breaker, _ = judge_line(scheduled, Decimal(400_000), {}, 0.30, Decimal("0.1"))
    assert (breaker.tripped, breaker.reason, breaker.allowed) == (True, "pace", 0.30)


def test_a_result_past_its_target_cannot_hide_another_at_nothing() -> None:
    """Results at 350% and 0% of their way allow half the line (each counted at most
    done), not 175% of it."""
    links = {"O1.KR1": Decimal(1), "O1.KR2": Decimal(1)}
    results = {"O1.KR1": _result_at(3.5), "O1.KR2": _result_at(0.0)}
    breaker, progress = judge_line(
        line(key_results=links), Decimal(610_000), results, 0.0, Decimal("0.10")
    )
    assert progress == pytest.approx(0.5)
    assert (breaker.tripped, breaker.reason, breaker.allowed) == (True, "pace", 0.5)


def test_results_with_no_figure_yet_leave_the_line_to_its_schedule() -> None:
    """Before the first collect or check-in nothing is known of the results: a line
    spending in January is held to its schedule, not to 0%."""
    from okrdesk.model import Milestone

    nothing_yet = attrs.evolve(_result_at(0), actual=attrs.evolve(_result_at(0).actual, value=None))
    links = {"O1.KR1": Decimal(1)}
    scheduled = line(key_results=links, schedule=(Milestone("Q4", Decimal(1)),))
    breaker, progress = judge_line(
        scheduled, Decimal(80_000), {"O1.KR1": nothing_yet}, 0.05, Decimal("0.1")
    )
    assert progress is None
    assert (breaker.tripped, breaker.allowed) == (False, 0.05)
    # Without a schedule, to how far the results are due (here half their way): as if on
    # pace, so that withholding their figures buys no spending.
    unscheduled = line(key_results=links)
    breaker, _ = judge_line(
        unscheduled, Decimal(300_000), {"O1.KR1": nothing_yet}, 0.0, Decimal("0.1")
    )
    assert (breaker.tripped, breaker.allowed) == (False, 0.5)
    breaker, _ = judge_line(
        unscheduled, Decimal(610_000), {"O1.KR1": nothing_yet}, 0.0, Decimal("0.1")
    )
    assert (breaker.tripped, breaker.reason, breaker.allowed) == (True, "pace", 0.5)
    assert breaker.params["bound"] == "due"


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
               "C1.KR1": at("C1.KR1", 18e8), "C2.KR1": at("C2.KR1", 0.45e8)}  # fmt: skip
    fine, progress = judge_line(events, Decimal(1_850_000), results, 0.0, plan.budget.threshold)
    assert progress == pytest.approx((2 * 150 / 360 + 0.4 + 0.4 + 2 * 0.45) / 6)  # 42.2%
    assert 3_800_000 * (progress + 0.10) == pytest.approx(1_984_444, abs=1)  # 198.4万
    assert not fine.tripped
    refused, _ = judge_line(events, Decimal(2_100_000), results, 0.0, plan.budget.threshold)
    assert refused.tripped
    assert refused.message == (
        "events (客户沙龙、高峰论坛、路演) has spent 55.3% of its amount while its results allow "
        "42.2%: 13.1 pp ahead, more than the 10 pp allowed"
    )
    overspent, _ = judge_line(events, Decimal(4_200_000), results, 0.0, plan.budget.threshold)
    assert overspent.reason == "overspend"


# ------------------------------------------------ through the command line


def test_spend_that_would_trip_the_breaker_is_refused(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    signed = ["--signed-by", "王芳", "--signed-by", "李强", "--date", THROUGH]
    # 33 of 360 clients by 15 March: results allow 9.2%; spend may run to 19.2% of 380万.
    ok = run(root, "spend", "add", "salons", "69.9667", *signed)
    assert ok.exit_code == 0, ok.output
    # Said back to the yuan as kept; spent and amount as the budget table writes them.
    assert "已记录支出 699,667元：salons" in ok.output
    assert "本项已支出 69.97万，预算 380万。" in ok.output
    assert run(root, "spend", "add", "salons", "333元", *signed).exit_code == 0
    refused = run(root, "spend", "add", "salons", "5万", *signed)
    assert refused.exit_code == 1
    assert "已拒绝（熔断）：计入这笔支出后，salons（沙龙、峰会、路演）" in refused.output
    # The shares with the same decimals, so that 19.74% less 9.17% is the 10.57 ahead: the
    # report wrote 19.7% less 9.17% as "10.6", which no reader's subtraction gives.
    assert "已用预算 19.74%，而关联关键结果的进度只允许 9.17%：超前 10.57百分点" in refused.output
    english = run(root, "spend", "add", "salons", "5万", *signed, "--lang", "en")
    assert english.exit_code == 1
    assert "has spent 19.74% of its amount while its results allow 9.17%: 10.57 pp ahead" in (
        english.output
    )
    with Store.open(root / "okrdesk.db") as store:
        assert [e.amount for e in store.spend()] == [Decimal(699_667), Decimal(333)]


def test_spend_and_its_reversal_take_the_day_as_checkin_does(
    write_workspace: WriteWorkspace,
) -> None:
    # `checkin --as-of` is what a manager types first; spend takes the same words.
    root = write_workspace()
    signed = ["--signed-by", "王芳", "--signed-by", "李强"]
    assert (
        run(root, "spend", "add", "salons", "5万", *signed, "--as-of", "2026-02-10").exit_code == 0
    )
    reversed_ = run(
        root, "spend", "reverse", "1", "--reason", "记错了", *signed, "--as-of", "2026-02-12"
    )
    assert reversed_.exit_code == 0, reversed_.output
    with Store.open(root / "okrdesk.db") as store:
        assert [e.day for e in store.spend()] == [dt.date(2026, 2, 10), dt.date(2026, 2, 12)]


def test_an_override_is_recorded_with_its_reason(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    run(root, "collect", "--through", THROUGH)
    signed = ["--signed-by", "王芳", "--signed-by", "李强", "--date", THROUGH]
    assert run(root, "spend", "add", "salons", "75万", *signed, "--override").exit_code == 2
    done = run(root, "spend", "add", "salons", "75万", *signed, "--override",
               "--reason", "春季峰会已签约,违约金更高", "--lang", "en")  # fmt: skip
    assert done.exit_code == 0, done.output
    said = "Recorded CNY 750k on salons (沙龙、峰会、路演) on 2026-03-15, signed by 王芳, 李强."
    assert said in done.output
    assert "Breaker overridden: 春季峰会已签约,违约金更高." in done.output
    listed = run(root, "spend", "list")
    assert "（熔断后特批支出：春季峰会已签约,违约金更高）" in listed.output
    # In English in the word the report's budget table gives it, not another.
    english = run(root, "spend", "list", "--lang", "en").output
    assert "(Overridden: 春季峰会已签约,违约金更高)" in english
    report = run(root, "report", "--as-of", THROUGH, "--lang", "en", "--format", "md").output
    assert "(Overridden: 春季峰会已签约,违约金更高)" in report
    with Store.open(root / "okrdesk.db") as store:
        (entry,) = store.spend()
    assert entry.override_reason == "春季峰会已签约,违约金更高"
    # Past the line's amount, what it says back says by how much.
    beyond = run(root, "spend", "add", "salons", "320万", *signed, "--override",
                 "--reason", "峰会尾款")  # fmt: skip
    assert beyond.exit_code == 0, beyond.output
    assert "本项已支出 395万，预算 380万，已超支 15万。" in beyond.output

    # check, whose line is all a cron mail says of the breaker, says it was overridden,
    # by which entries and why: it read as a breaker no one had seen.
    checked = run(root, "check", "--as-of", THROUGH).output
    (line,) = [line for line in checked.splitlines() if line.startswith("熔断")]
    assert line.endswith(
        "；熔断后已特批支出 2 笔（台账第 1、2 笔）：春季峰会已签约,违约金更高；峰会尾款"
    )
    english = run(root, "check", "--as-of", THROUGH, "--lang", "en").output
    assert "; overridden by ledger entries 1, 2: 春季峰会已签约,违约金更高; 峰会尾款" in english
    # Given back, an entry no longer says why the line is over.
    reason = ["--reason", "峰会尾款退回", *signed]
    assert run(root, "spend", "reverse", "2", *reason).exit_code == 0
    checked = run(root, "check", "--as-of", THROUGH, "--lang", "en").output
    assert "; overridden by ledger entry 1: 春季峰会已签约,违约金更高\n" in checked, checked


def test_check_json_carries_the_entries_spent_past_a_breaker_with_their_reasons(
    write_workspace: WriteWorkspace,
) -> None:
    """The terminal's check says a tripped line was overridden, by which entries and why;
    its JSON, what a monitoring system reads, said only that the breaker had tripped.
    Each alert now has ``overrides``, after every field it had: the entries, empty for
    any other alert."""
    root = write_workspace()
    run(root, "collect", "--through", THROUGH)
    signed = ["--signed-by", "王芳", "--signed-by", "李强", "--date", THROUGH]
    for amount, reason in (("75万", "春季峰会已签约,违约金更高"), ("320万", "峰会尾款")):
        done = run(root, "spend", "add", "salons", amount, *signed, "--override",
                   "--reason", reason)  # fmt: skip
        assert done.exit_code == 0, done.output

    def alerts() -> list[dict[str, object]]:
        done = run(root, "check", "--as-of", THROUGH, "--format", "json", "--lang", "en")
        assert done.exit_code == 1, done.output
        return list(json.loads(done.stdout)["alerts"])

    found = alerts()
    assert all(list(a)[:-1] == ["level", "kind", "message", "title", "subject", "subjects",
                                "hint"] for a in found)  # fmt: skip
    (breaker,) = [a for a in found if a["kind"] == "breaker"]
    assert breaker["subject"] == "salons" and breaker["overrides"] == [
        {"id": 1, "date": THROUGH, "amount": 750_000.0, "reason": "春季峰会已签约,违约金更高",
         "signed_by": ["王芳", "李强"]},
        {"id": 2, "date": THROUGH, "amount": 3_200_000.0, "reason": "峰会尾款",
         "signed_by": ["王芳", "李强"]},
    ]  # fmt: skip
    assert all(a["overrides"] == [] for a in found if a is not breaker)
    # Given back, an entry no longer stands, in the JSON as on the terminal.
    assert run(root, "spend", "reverse", "2", "--reason", "峰会尾款退回", *signed).exit_code == 0
    (breaker,) = [a for a in alerts() if a["kind"] == "breaker"]
    assert [entry["id"] for entry in breaker["overrides"]] == [1]  # type: ignore[attr-defined]


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
revenue = ["O2.REV"]

[[budget.lines]]
id = "b"
name = "B"
owner = "branch"
amount = 40
key_results = ["O2.REV"]
revenue = ["O2.REV"]
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


def test_a_line_that_has_spent_nothing_has_no_cost_per_result(
    write_workspace: WriteWorkspace,
) -> None:
    # In the first days of the plan the clients came in before any salon was paid for:
    # 0元 a client would say they came free of the line's doing.
    root = write_workspace()
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    done = run(root, "report", "--as-of", THROUGH, "--format", "json")
    salons = next(line for line in json.loads(done.stdout)["budget"]["lines"]
                  if line["id"] == "salons")  # fmt: skip
    assert (salons["spent"], salons["cost_per_result"]) == (0, [])
    assert "O1.KR1: 0元/户" not in run(root, "report", "--as-of", THROUGH).output


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
    # The unit by its name, as every other alert names a member: not team-a.
    assert "EXPENSES   财富管理一部: expense ratio 24.2%, above the 23% limit" in result.output
    # The report's line under the budget table, in each language's own brackets.
    report = run(root, "report", "--unit", "team-a", "--as-of", THROUGH).output
    assert "费用率 24.2%（上限 23%）" in report, report
    english = run(root, "report", "--unit", "team-a", "--as-of", THROUGH, "--lang", "en").output
    assert "Expense ratio 24.2% (at most 23%)" in english, english


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
    assert (result.exit_code, result.output) == (0, "")
    result = run(root, "check", "--as-of", THROUGH, "--lang", "en", "--verbose")
    assert (result.exit_code, result.output) == (0, "All clear.\n")
    assert run(root, "check", "-p", "2026-W11", "--lang", "en").output == ""


def test_check_lists_what_needs_attention_and_exits_1(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    assert run(root, "check", "--as-of", THROUGH).exit_code == 1
    run(root, "collect", "--through", "2026-02-01")
    result = run(root, "check", "--as-of", THROUGH, "--lang", "en")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    # A guardrail breached says by how much: 0.5‰ of complaints against at most 0.15‰,
    # on figures collected through 1 February, weeks before the day checked.
    assert ("BREACHED   O1.KR2 投诉率: 0.5‰, above its limit of 0.15‰ "
            "(on figures as of 2026-02-01)") in lines, lines  # fmt: skip
    zh = run(root, "check", "--as-of", THROUGH).output
    assert "超限       O1.KR2 投诉率：0.5‰，超过上限 0.15‰（按截至 2026-02-01 的数字）" in zh, zh
    # One line for the metrics the collect of 1 February left behind.
    assert ("STALE      2 metrics: latest numbers end 2026-02-01 (weekly): complaint_rate, "
            "new_hnw_clients") in lines  # fmt: skip
    assert any(line.startswith("OFF TRACK  O1.KR1") for line in lines)
    assert lines[-1].endswith("need attention.")


# ------------------------------------------------ the rows add up: lines, reserve, total


def _sample_report(
    tmp_path: Path, spent: dict[str, str], checkins: dict[str, float], lang: str = "zh"
) -> Report:
    """The sample plan's report at the top on 20 November, with this spend and these check-ins."""
    plan = load_plan(ROOT, targets=ROOT / "targets").plan
    assert plan is not None
    day = dt.date(2026, 11, 20)
    with Store.open(tmp_path / "okrdesk.db") as store:
        for line_id, amount in spent.items():
            store.add_spend(line_id, dt.date(2026, 10, 31), parse_money(amount), ["陈建国", "梁晨"])
        for kr_id, value in checkins.items():
            store.add_checkin(kr_id, plan.top, dt.date(2026, 10, 31), value)
        return build_report(plan, {}, store, plan.top, day, lang)


def _rendered(report: Report, fmt: str) -> str:
    from okrdesk.report.formats import html, json, markdown, text

    module = {"text": text, "md": markdown, "html": html, "json": json}[fmt]
    out = io.StringIO()
    module.render(report, out, RenderContext(ROOT, None, dt.date(2026, 1, 1),
                                             dt.date(2026, 12, 31), 200))  # fmt: skip
    return out.getvalue()


def test_the_reserve_is_a_row_and_the_total_is_the_sum_of_the_rows(tmp_path: Path) -> None:
    # 750.9万 spent: every line in full but events (100万 left) and experts (44.1万 left).
    amounts = {"dataops": "64万", "experts": "75.9万", "ai-signal": "90万", "rpa": "24万",
               "events": "280万", "content": "60万", "training": "48万", "tutors": "36万",
               "inspections": "30万", "compliance-system": "43万"}  # fmt: skip
    budget = _sample_report(tmp_path, amounts, {}).budget
    assert sum(line.amount for line in budget.lines) == 8_950_000
    assert sum(line.left for line in budget.lines) == pytest.approx(1_441_000)
    assert budget.reserve == ReportReserve(amount=40_000, spent=0, left=40_000)
    rows = [*budget.lines, budget.reserve]
    for figure in ("amount", "spent", "left"):
        assert getattr(budget.total, figure) == pytest.approx(sum(getattr(r, figure) for r in rows))
    assert (budget.total.amount, budget.total.declared) == (8_990_000, 8_990_000)
    assert budget.total.left == pytest.approx(1_481_000)  # 144.1万 + the reserve's 4万


def test_the_lines_most_past_their_breakers_come_first(tmp_path: Path) -> None:
    """With three lines overspent, the first screen shows two: they were the first two in
    the plan's order, dataops 12.8万 over and rpa 6万 over, while training, 48万 over, was
    one of "另有 1 项熔断"."""
    spent = {"dataops": "76.8万", "rpa": "30万", "training": "96万"}
    report = _sample_report(tmp_path, spent, {})
    tripped = [line.id for line in report.budget.lines if line.breaker.tripped]
    assert tripped == ["training", "dataops", "rpa"]
    assert [line.id for line in report.budget.lines][3:6] == ["experts", "ai-signal", "events"]
    screen = _rendered(report, "text").split("需要关注")[0]
    assert screen.index("training") < screen.index("dataops") and "rpa" not in screen
    assert "另有 1 项熔断" in screen


@pytest.mark.parametrize(
    ("fmt", "row"),
    [
        ("text", re.compile(r"预留\s*│\s*4万\s*│\s*0元\s*│\s*4万")),
        ("md", re.compile(r"\| 预留 \| 4万 \| 0元 \| 4万 \|")),
        ("html", re.compile(r'<tr class="reserve"><td>预留</td>\s*<td class="n">4万</td>')),
        (
            "json",
            re.compile(r'"reserve": \{\s*"amount": 40000,\s*"spent": 0,\s*"left": 40000'),
        ),
    ],
)
def test_every_format_shows_the_reserve_row(tmp_path: Path, fmt: str, row: re.Pattern[str]) -> None:
    report = _sample_report(tmp_path, {"events": "280万"}, {})
    written = _rendered(report, fmt)
    assert row.search(written), written
    if fmt != "json":
        assert "899万" in written and "619万" in written  # the total and what is left of it


@pytest.mark.parametrize(
    ("lang", "expected", "actual"),
    [
        ("zh", "预期 ROI = 预期收入 1亿 ÷ 预算 899万 = 11.12",
         "实际 ROI = 归因收入 8,000万 ÷ 已用 320万 = 25"),
        ("en", "Expected ROI = expected revenue CNY 100m ÷ budget CNY 8,990k = 11.12",
         "Actual ROI = attributed revenue CNY 80m ÷ spent CNY 3,200k = 25"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_the_expected_roi_and_the_actual_one_each_say_what_they_divide(
    tmp_path: Path, fmt: str, lang: str, expected: str, actual: str
) -> None:
    """The expected ROI is the plan's (its expected 1亿 over its 899万), the actual one
    the total row's (the revenue attributed so far over what was spent): side by side as
    bare figures, 11.12 under a table whose total reads 25 was taken for the same ROI."""
    report = _sample_report(tmp_path, {"events": "280万", "experts": "40万"},
                            {"C2.KR1": 80_000_000}, lang)  # fmt: skip
    assert report.budget.total.roi == pytest.approx(25)
    written = " ".join(_rendered(report, fmt).split())
    if fmt == "text":  # the English text report writes the yuan as ¥
        expected, actual = expected.replace("CNY ", "¥"), actual.replace("CNY ", "¥")
    assert expected in written and actual in written, written


def test_a_unit_below_the_top_has_no_reserve(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"budget.toml": BUDGET_OF_A_TEAM})
    session = open_session(root)
    with Store.open(session.workspace.database) as store:
        report = build_report(session.plan, {}, store, "team-a", dt.date(2026, 3, 15), "en")
    assert report.budget.reserve is None
    assert report.budget.total.amount == 500_000


BUDGET_OF_A_TEAM = """\
[budget]
total = 100

[[budget.lines]]
id = "team"
name = "团队活动"
owner = "team-a"
amount = 50
"""


def test_a_budget_without_a_declared_total_has_no_reserve(tmp_path: Path) -> None:
    plan = load_plan(ROOT, targets=ROOT / "targets").plan
    assert plan is not None
    plan = attrs.evolve(plan, budget=attrs.evolve(plan.budget, total=None))
    with Store.open(tmp_path / "okrdesk.db") as store:
        report = build_report(plan, {}, store, plan.top, dt.date(2026, 6, 30), "zh")
    assert report.budget.reserve is None
    assert report.budget.total.amount == 8_950_000


# ------------------------------------------------ ROI from revenue, volume as cost per result

VOLUME_PLUGIN = """\
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("net_new_aum", "Net new AUM", "净新增资产", MetricKind.FLOW, UNITS["元"]))


@hookimpl
def okrdesk_collect(request, emit):
    for period in request.periods:
        for number, person in enumerate(request.people, start=1):
            emit("net_new_aum", person.id, period.id, value=1_000_000 * number, source="t")
"""

MONEY_RESULTS = """\
[[objectives]]
id = "O2"
title = "收入与规模"
owner = "branch"

[[objectives.key_results]]
id = "NNA"
title = "净新增资产"
metric = "net_new_aum"
target = 10
unit = "亿元"

[[objectives.key_results]]
id = "FEES"
title = "佣金收入"
metric = "fee_revenue"
target = 200
unit = "万元"

[[objectives.key_results]]
id = "NEW"
title = "新增收入(财务口径)"
target = 100
unit = "万元"
"""


def _money_workspace(write_workspace: WriteWorkspace, line: str) -> Path:
    budget = f"""\
[budget]
total = 100

[[budget.lines]]
id = "mkt"
name = "市场活动"
owner = "branch"
amount = 60
{line}
"""
    root = write_workspace({"money.toml": MONEY_RESULTS, "budget.toml": budget})
    (root / "plugins" / "volume.py").write_text(VOLUME_PLUGIN, encoding="utf-8")
    trusted(root)
    return root


def _budget_at(root: Path) -> tuple[BudgetProgress, Report]:
    session = open_session(root)
    day = dt.date(2026, 3, 15)
    with Store.open(session.workspace.database) as store:
        engine = Engine(session.plan, store, day, session.host.metrics)
        report = build_report(session.plan, session.host.metrics, store, "branch", day, "zh")
        return budget_progress(engine, store.spend()), report


def test_roi_counts_revenue_only_and_volume_shows_as_cost_per_result(
    write_workspace: WriteWorkspace,
) -> None:
    # No `revenue` key: the plugin's spec says fee_revenue is revenue and net_new_aum is not.
    root = _money_workspace(
        write_workspace, 'key_results = { "O1.KR1" = 2, "O2.NNA" = 1, "O2.FEES" = 1 }'
    )
    assert run(root, "collect", "--through", THROUGH).exit_code == 0
    assert run(root, "spend", "add", "mkt", "10万", "--signed-by", "王芳",
               "--date", THROUGH).exit_code == 0  # fmt: skip
    budget, report = _budget_at(root)
    (mkt,) = budget.lines
    # 11 weeks: fees 3万 a week = 33万; net new AUM 300万 a week = 0.33亿; 3 clients a week = 33.
    assert mkt.attributed_revenue == pytest.approx(330_000)  # the fees, never the 0.33亿 of AUM
    assert mkt.roi == pytest.approx(3.3)
    # Half of 10万 for 33 clients; a quarter of it for 0.33亿 of net new AUM.
    assert mkt.cost_per_result == pytest.approx({"O1.KR1": 50_000 / 33, "O2.NNA": 25_000 / 33e6})
    (line,) = report.budget.lines
    assert [(c.key_result, c.per, c.text) for c in line.cost_per_result] == [
        ("O1.KR1", "户", "1,515元/户"),
        ("O2.NNA", "亿元", "7.58万/亿元"),
    ]
    assert line.cost_per_result[1].cost == pytest.approx(25_000 / 0.33)  # 元 per 亿元


def test_a_result_tracked_by_check_ins_is_revenue_when_the_line_says_so(
    write_workspace: WriteWorkspace,
) -> None:
    root = _money_workspace(
        write_workspace, 'key_results = ["O2.NEW", "O2.NNA"]\nrevenue = ["O2.NEW"]'
    )
    run(root, "collect", "--through", THROUGH)
    assert run(root, "checkin", "O2.NEW", "45", "--date", THROUGH).exit_code == 0
    run(root, "spend", "add", "mkt", "15万", "--signed-by", "王芳", "--date", THROUGH)
    budget, _ = _budget_at(root)
    (mkt,) = budget.lines
    assert mkt.attributed_revenue == pytest.approx(450_000)
    assert mkt.roi == pytest.approx(3.0)
    assert set(mkt.cost_per_result) == {"O2.NNA"}


def test_the_roi_worked_example_in_docs_budgets(tmp_path: Path) -> None:
    """The issue's demo counted 21.09亿 of sales and asset growth against 4.61亿 of revenue."""
    spent = {"events": "451万", "experts": "59.6万", "ai-signal": "51.4万"}
    checkins = {"C2.KR1": 0.94e8, "C1.KR2": 4.61e8, "O1.KR2": 12.5e8, "O1.KR2b": 2.0e7,
                "O1.KR3": 60}  # fmt: skip
    budget = _sample_report(tmp_path, spent, checkins).budget
    lines = {line.id: line for line in budget.lines}
    # Only C2.KR1 (新增收入) is revenue. Its 9,400万 is shared by the two lines that name it,
    # by stake: events 380万 × 2/6 = 126.7万, experts 120万 × 1/4 = 30万.
    assert budget.total.attributed_revenue == pytest.approx(0.94e8)
    assert lines["events"].attributed_revenue == pytest.approx(76_000_000)
    assert lines["experts"].attributed_revenue == pytest.approx(18_000_000)
    assert round(lines["events"].roi or 0, 1) == 16.9
    assert round(lines["experts"].roi or 0, 1) == 30.2
    assert lines["ai-signal"].roi is None  # it buys sales and retention, earns nothing itself
    assert round(budget.total.roi or 0, 1) == 16.7  # 9,400万 / 562万
    # Volume: equity sales get a sixth of events, a quarter of experts and half of ai-signal,
    # 115.8万 for 12.5亿; family-trust deals half of experts, 29.8万 for 60 deals.
    costs = {c.key_result: c for c in lines["experts"].cost_per_result}
    assert (costs["O1.KR2"].per, costs["O1.KR2"].text) == ("亿元", "9.26万/亿元")
    assert costs["O1.KR2"].cost == pytest.approx((4_510_000 / 6 + 596_000 / 4 + 514_000 / 2) / 12.5)
    assert (costs["O1.KR3"].per, costs["O1.KR3"].text) == ("单", "4,967元/单")
    assert costs["O1.KR3"].cost == pytest.approx(298_000 / 60)


def test_the_brokerage_plugin_declares_commission_its_only_revenue() -> None:
    from okrdesk_brokerage.metrics import METRICS

    assert [spec.name for spec in METRICS if spec.revenue] == ["commission_revenue"]


def test_revenue_named_by_one_line_is_revenue_for_every_line(
    write_workspace: WriteWorkspace,
) -> None:
    second = """
[[budget.lines]]
id = "salons"
name = "沙龙"
owner = "branch"
amount = 40
key_results = ["O2.NEW"]
"""
    root = _money_workspace(write_workspace, 'key_results = ["O2.NEW"]\nrevenue = ["O2.NEW"]')
    with (root / "targets" / "budget.toml").open("a", encoding="utf-8") as budget_file:
        budget_file.write(second)
    run(root, "collect", "--through", THROUGH)
    assert run(root, "checkin", "O2.NEW", "50", "--date", THROUGH).exit_code == 0
    budget, _ = _budget_at(root)
    lines = {lp.line.id: lp for lp in budget.lines}
    # 50万 shared by stake, 60 : 40; a key result is revenue or volume, never both.
    assert lines["mkt"].attributed_revenue == pytest.approx(300_000)
    assert lines["salons"].attributed_revenue == pytest.approx(200_000)
    assert lines["salons"].cost_per_result == {}


def test_the_plan_summary_states_the_budget_as_the_report_totals_it() -> None:
    from okrdesk.app.validate import plan_summary

    plan = load_plan(ROOT, targets=ROOT / "targets").plan
    assert plan_summary(plan)[-1] == "  预算 899万元，共 10 项（已分配 895万，预留 4万）。"
    # An English workspace's, in CNY thousands as its report's budget table writes them.
    assert plan_summary(plan, "en")[-1] == (
        "  budget CNY 8,990k in 10 lines (CNY 8,950k allocated, CNY 40k reserve)."
    )
    # A plan without a budget says so, not "budget 0万元 in 0 lines".
    unbudgeted = attrs.evolve(plan, budget=attrs.evolve(plan.budget, lines=(), total=None))
    assert plan_summary(unbudgeted, "en")[-1] == "  no budget."
    assert plan_summary(unbudgeted)[-1] == "  无预算。"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_plan_summary_fits_a_terminal_of_80_columns(lang: str) -> None:
    from okrdesk.app.validate import plan_summary
    from okrdesk.messages import display_width

    plan = load_plan(ROOT, targets=ROOT / "targets").plan
    lines = plan_summary(plan, lang)
    assert lines[0] in ("计划 szft-2026（深圳福田营业部 2026 年度经营计划）：",
                        "Plan szft-2026 (深圳福田营业部 2026 年度经营计划):")  # fmt: skip
    assert max(display_width(line) for line in lines) <= 80


def test_the_plan_summary_writes_each_level_in_english_plural_or_as_named() -> None:
    from okrdesk.app.validate import plan_summary

    plan = load_plan(ROOT, targets=ROOT / "targets").plan
    top = plan.units[0]
    units = [top] + [
        attrs.evolve(top, id=f"{level}{n}", level=level, parent=top.id)
        for level, count in (("branch", 12), ("team", 36), ("company", 2), ("营业部", 3))
        for n in range(count)
    ]
    summary = plan_summary(attrs.evolve(plan, units=tuple(units), people=()), "en")
    assert summary[1] == "  1 firm, 12 branches, 36 teams, 2 companies, 3 营业部; 0 people;"
    summary = plan_summary(attrs.evolve(plan, units=tuple(units), people=()))
    assert (
        summary[1] == "  1 个 firm、12 个 branch、36 个 team、2 个 company、3 个营业部，共 0 人；"
    )


@pytest.mark.parametrize(
    ("spent", "allowed", "written"),
    [
        # Rounded alike, 60.0% less 50.0% read 10.0 points ahead of the 10 allowed.
        (0.600167, 0.500067, ("60.02%", "50.01%", "10.01百分点")),
        (0.60012, 0.500067, ("60.012%", "50.007%", "10.005百分点")),
        (0.6004, 0.5, ("60.04%", "50.00%", "10.04百分点")),
        (0.553, 0.42222, ("55.3%", "42.2%", "13.1百分点")),
        (0.40, 0.25, ("40.0%", "25.0%", "15.0百分点")),
    ],
)
def test_a_breakers_shares_are_written_so_that_they_subtract_and_read_past_the_limit(
    spent: float, allowed: float, written: tuple[str, str, str]
) -> None:
    shown = past_limit(spent, allowed, 0.10)
    said = alert_text("breaker.pace", "zh", {"line": "x", "name": "y", "bound": "results",
                                              "spent": shown[0], "allowed": shown[1],
                                              "ahead": shown[2], "threshold": 0.10})  # fmt: skip
    assert (
        f"已用预算 {written[0]}，而关联关键结果的进度只允许 {written[1]}：超前 {written[2]}" in said
    )
    spent_shown, allowed_shown, ahead_shown = (Decimal(w.rstrip("%百分点")) for w in written)
    assert spent_shown - allowed_shown == ahead_shown


def test_a_line_with_no_schedule_planned_nothing_rather_than_0(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """The workbook's 计划已用 column and the JSON's planned read 0 for a line with no
    schedule, as if the plan had it spend nothing by December; it has no plan by date."""
    import openpyxl

    budget = BUDGET_WITH_SCHEDULE
    root = write_workspace({"budget.toml": budget})
    assert run(root, "collect", "--through", "2026-06-30").exit_code == 0
    done = run(root, "report", "--as-of", "2026-06-30", "--format", "json")
    assert done.exit_code == 0, done.output
    planned = {line["id"]: line["planned"] for line in json.loads(done.output)["budget"]["lines"]}
    assert planned == {"salons": None, "training": 2_595_000}  # 519万 × 50% by 30 June
    book = tmp_path / "report.xlsx"
    assert run(root, "report", "--as-of", "2026-06-30", "-o", str(book)).exit_code == 0
    rows = {r[0]: r for r in openpyxl.load_workbook(book)["预算"].iter_rows(values_only=True)}
    assert rows["编号"][6] == "计划已用（万元）"
    assert (rows["salons"][6], rows["training"][6]) == (None, 259.5)


BUDGET_WITH_SCHEDULE = """\
[budget]
unit = "万元"
total = 899

[[budget.lines]]
id = "salons"
name = "沙龙、峰会、路演"
owner = "branch"
amount = 380
key_results = ["O1.KR1"]

[[budget.lines]]
id = "training"
name = "培训课程"
owner = "branch"
amount = 519
schedule = { Q2 = 0.5, Q4 = 1.0 }
"""


@pytest.mark.parametrize(
    ("lang", "told"),
    [
        ("en", "Not listed: 1 entry of this plan's days (CNY 1,000k net) under unit branch, "
               "signed by this plan's people: most likely its unit id before it was changed "
               "to futian. They count in no budget until moved: `okrdesk move-unit "
               "branch`."),
        ("zh", "未列出：另有本计划期内的 1 笔支出（净额 100万）记在单位 branch 名下，签字人都"
               "是本计划的人：很可能是计划的单位 id 改为 futian 之前的 id。移过来之前它们不计入"
               "任何预算：`okrdesk move-unit branch`。"),
    ],
)  # fmt: skip
def test_spend_list_says_what_another_plans_unit_recorded(
    write_workspace: WriteWorkspace, lang: str, told: str
) -> None:
    """A branch's plan whose unit id was changed (branch to futian) reads a ledger of its
    own, empty: spend list said 'No spending recorded.' over the 100万 spent under the old
    id, and nothing of where it went; then took it for another plan's, with no word of
    how to bring it back."""
    root = write_workspace()
    spent = CliRunner().invoke(cli, ["spend", "add", "training", "100", "--date", "2026-03-02",
                                     "--signed-by", "cm01", "-w", str(root)])  # fmt: skip
    assert spent.exit_code == 0, spent.output
    for path in (root / "targets").glob("*.toml"):
        text = path.read_text(encoding="utf-8").replace('"branch"', '"futian"')
        path.write_text(text.replace('level = "futian"', 'level = "branch"'), encoding="utf-8")

    listed = CliRunner().invoke(cli, ["spend", "list", "--lang", lang, "-w", str(root)])
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines() == [
        "No spending recorded." if lang == "en" else "尚无支出记录。",
        told,
    ]
