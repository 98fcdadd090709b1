"""Windows (MTD, QTD, YTD, trailing), 同比 and 环比, and growth targets, against
figures worked out by hand from a real SQLite store."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from backends import Backend
from okrdesk.cli import cli
from okrdesk.engine.pace import Status
from okrdesk.engine.progress import Engine
from okrdesk.engine.rollup import Rollup
from okrdesk.engine.windows import NoChange, window_view
from okrdesk.model import (
    KeyResult,
    MetricKind,
    MetricSpec,
    Objective,
    Observation,
    OrgUnit,
    Person,
    Plan,
)
from okrdesk.periods import (
    Grain,
    Over,
    Period,
    month_of,
    parse_period,
    parse_window,
    periods_between,
)
from okrdesk.report.document import ReportComparison, ReportKeyResult, ReportWindow
from okrdesk.report.notes import window_story
from okrdesk.store import Store
from okrdesk.units import UNITS
from sample_workspace import OKRS, PLAN, WriteWorkspace

FEES = MetricSpec("fees", "Fees", "手续费", MetricKind.FLOW, UNITS["元"])
AUM = MetricSpec("aum", "AUM", "客户资产", MetricKind.STOCK, UNITS["元"])
CONVERSION = MetricSpec("conversion", "Conversion", "转化率", MetricKind.RATIO, UNITS["%"])
SPECS = {s.name: s for s in (FEES, AUM, CONVERSION)}


def plan_of(grain: Grain, *krs: KeyResult, baselines: object = None) -> Plan:
    objective = Objective("O1", "Grow", "br", key_results=krs)
    return Plan(
        "p", "Plan", 2026, dt.date(2026, 1, 1), dt.date(2026, 12, 31), "br", grain,
        units=(OrgUnit("br", "Branch", "branch"),),
        people=(Person("p1", "王芳", "br"), Person("p2", "李强", "br")),
        objectives=(objective,) if krs else (),
        baselines=baselines or {},  # type: ignore[arg-type]
    )  # fmt: skip


NOV_20 = dt.date(2026, 11, 20)


def monthly_store(path: Path, *, last_year: bool = True, from_month: int = 1) -> Store:
    """fees: 王芳 100 × month in 2026 and 80 × month in 2025; 李强 10 every month.
    aum: 王芳's level 1,000 × month. conversion: 李强 converts m of 10 × m. Collected
    through 20 November 2026, as a collect that day leaves them (November in part),
    and December 2026 collected on its own at the year's end. ``from_month``: the first
    month of 2025 stored (a workspace started that July holds none before it)."""
    store = Store.open(path / "okrdesk.db")
    months = list(periods_between(dt.date(2026, 1, 1), NOV_20, Grain.MONTH))
    if last_year:
        months = list(periods_between(dt.date(2025, from_month, 1), dt.date(2025, 12, 31),
                                      Grain.MONTH))  # fmt: skip
        months += list(periods_between(dt.date(2026, 1, 1), NOV_20, Grain.MONTH))
    december = [month_of(dt.date(2026, 12, 1))]
    for periods, through in ((months, NOV_20), (december, dt.date(2026, 12, 31))):
        observations = []
        for p in periods:
            m = p.start.month
            observations.append(Observation("fees", "p1", p.id, float((100 if p.start.year == 2026
                                                                      else 80) * m)))  # fmt: skip
            observations.append(Observation("fees", "p2", p.id, 10.0))
            observations.append(Observation("aum", "p1", p.id, 1000.0 * m))
            observations.append(Observation("conversion", "p2", p.id, None, float(m), 10.0 * m))
        run = store.start_run("collect", through)
        store.replace_observations(run, {"fees": "t", "aum": "t", "conversion": "t"}, periods,
                                   observations, through)  # fmt: skip
    return store


def view(store: Store, plan: Plan, metric: str, window: str, day: dt.date = NOV_20,
         overs: tuple[Over, ...] = ()):  # type: ignore[no-untyped-def]  # fmt: skip
    return window_view(plan, store, SPECS[metric], "br", day, parse_window(window), overs)


def test_to_date_and_trailing_windows_sum_the_stored_periods(tmp_path: Path) -> None:
    plan = plan_of(Grain.MONTH)
    with monthly_store(tmp_path) as store:
        # November: 1,100 + 10; October and November: 1,000 + 1,100 + 20;
        # January to November: 100 × 66 + 10 × 11; September to November: 3,000 + 30.
        assert view(store, plan, "fees", "mtd").now.value == 1110
        assert view(store, plan, "fees", "qtd").now.value == 2120
        assert view(store, plan, "fees", "ytd").now.value == 6710
        assert view(store, plan, "fees", "last_3_months").now.value == 3030
        assert view(store, plan, "fees", "last_3_months").now.periods == (
            "2026-09", "2026-10", "2026-11")  # fmt: skip
        # A stock's window is its latest level; a ratio is Σ numerators / Σ denominators.
        assert view(store, plan, "aum", "qtd").now.value == 11000
        ratio = view(store, plan, "conversion", "qtd").now
        assert (ratio.numerator, ratio.denominator) == (21, 210)
        assert ratio.value == pytest.approx(0.1)


def test_year_on_year_and_period_on_period(tmp_path: Path) -> None:
    plan = plan_of(Grain.MONTH)
    both = (Over.LAST_YEAR, Over.PREVIOUS)
    with monthly_store(tmp_path) as store:
        mtd = view(store, plan, "fees", "mtd", overs=both)
        last_year, previous = mtd.comparisons
        # 同比: November 2025 was 80 × 11 + 10 = 890; 环比: October 2026 was 1,010.
        assert last_year.earlier.value == 890
        assert last_year.change == pytest.approx(1110 / 890 - 1)  # +24.7%
        assert previous.earlier.value == 1010
        assert previous.change == pytest.approx(1110 / 1010 - 1)
        # Across the year boundary: December against the December before, and
        # January's 环比 is the December before it.
        december = view(store, plan, "fees", "mtd", dt.date(2026, 12, 31), both)
        assert december.now.value == 1210
        assert december.comparisons[0].earlier.periods == ("2025-12",)
        assert december.comparisons[0].earlier.value == 970
        january = view(store, plan, "fees", "mtd", dt.date(2026, 1, 15), both)
        assert january.comparisons[1].earlier.periods == ("2025-12",)
        assert january.comparisons[1].change == pytest.approx(110 / 970 - 1)
        # YTD 同比: January to November 2025, 80 × 66 + 110 = 5,390.
        ytd = view(store, plan, "fees", "ytd", overs=(Over.LAST_YEAR,))
        assert ytd.comparisons[0].earlier.value == 5390
        # A rate's change is in points: 10% then and now is +0 百分点, not a percentage.
        rate = view(store, plan, "conversion", "mtd", overs=(Over.LAST_YEAR,)).comparisons[0]
        assert rate.points and rate.change == pytest.approx(0.0)


def test_week_one_against_week_one(tmp_path: Path) -> None:
    plan = plan_of(Grain.WEEK)
    ids = ("2025-W01", "2025-W02", "2025-W52", "2025-W53", "2026-W01")
    weeks = [parse_period(w) for w in ids]
    with Store.open(tmp_path / "okrdesk.db") as store:
        run = store.start_run("collect", None)
        values = dict(zip(ids, (40.0, 7.0, 9.0, 6.0, 50.0), strict=True))
        store.replace_observations(
            run, {"fees": "t"}, weeks, [Observation("fees", "p1", w, v) for w, v in values.items()]
        )
        # 2 January 2026 is in 2026-W01, 1 to 4 January: the ISO week's 29 to 31 December
        # are 2025-W53, last year's.
        week = view(store, plan, "fees", "wtd", dt.date(2026, 1, 2),
                    (Over.LAST_YEAR, Over.PREVIOUS))  # fmt: skip
        assert week.now.periods == ("2026-W01",)
        assert week.comparisons[0].earlier.periods == ("2025-W01",)
        assert week.comparisons[0].change == pytest.approx(50 / 40 - 1)
        assert week.comparisons[1].earlier.periods == ("2025-W53",)
        assert week.comparisons[1].days == (2, 3)
        # The last 2 weeks are 14 days, back to Monday 22 December: 2025-W52, 2025-W53
        # and 2026-W01. A year before: 2024-W52, 2024-W53 and 2025-W01, of which only 40
        # is stored.
        trailing = view(store, plan, "fees", "last_2_weeks", dt.date(2026, 1, 2),
                        (Over.LAST_YEAR,))  # fmt: skip
        assert trailing.now.periods == ("2025-W52", "2025-W53", "2026-W01")
        assert trailing.now.value == 65
        assert trailing.comparisons[0].earlier.value == 40
        assert trailing.comparisons[0].earlier.found == 1


def test_a_partial_week_53_is_not_compared_with_a_whole_week_52_unsaid(tmp_path: Path) -> None:
    """On Thursday 31 December the week to date is 2026-W53, 28 to 31 December (the plan
    ends with it, and a collect asks for it cut there), and its 环比 was worked out
    against 2026-W52's whole seven days, -42.9% for the same pace. The comparison now
    carries both counts of days, so the report says it is not like for like; whole
    weeks compared with whole weeks carry none."""
    plan = plan_of(Grain.WEEK)
    weeks = [parse_period(w) for w in ("2026-W51", "2026-W52", "2026-W53")]
    with Store.open(tmp_path / "okrdesk.db") as store:
        run = store.start_run("collect", dt.date(2026, 12, 31))
        values = {"2026-W51": 70.0, "2026-W52": 70.0, "2026-W53": 40.0}
        store.replace_observations(
            run, {"fees": "t"}, weeks, [Observation("fees", "p1", w, v) for w, v in values.items()]
        )
        both = (Over.LAST_YEAR, Over.PREVIOUS)
        last = view(store, plan, "fees", "wtd", dt.date(2026, 12, 31), both)
        assert last.now.periods == ("2026-W53",)
        a_year_before, previous = last.comparisons
        assert a_year_before.why is NoChange.NO_EARLIER  # nothing stored for 2025-W53
        assert previous.earlier.periods == ("2026-W52",)
        assert previous.change == pytest.approx(40 / 70 - 1)
        assert previous.days == (4, 7)
        # Monday 28 December: one day of the week so far.
        assert view(store, plan, "fees", "wtd", dt.date(2026, 12, 28), both).comparisons[
            1].days == (1, 7)  # fmt: skip
        whole = view(store, plan, "fees", "wtd", dt.date(2026, 12, 27), both)
        assert whole.comparisons[1].earlier.periods == ("2026-W51",)
        assert whole.comparisons[1].days is None
        # A stock's level or a rate is no sum of days: nothing to say.
        aum = view(store, plan, "aum", "wtd", dt.date(2026, 12, 31), both)
        assert [c.days for c in aum.comparisons] == [None, None]
    story = ReportWindow("wtd", 40.0, ("2026-W53",), (
        ReportComparison("previous", 70.0, ("2026-W52",), 40 / 70 - 1, False,
                         difference=-30.0, days=(4, 7)),
    ))  # fmt: skip
    assert window_story(report_kr("元", story), "zh") == (
        "本周至今 40元 · 环比 -42.9%（上期 70元，本期 4 天、上期 7 天，并非同口径）"
    )
    assert window_story(report_kr("元", story), "en") == (
        "Week to date CNY 40 · PoP -42.9% (period before CNY 70, 4 days against 7 the "
        "period before, not like for like)"
    )


def test_a_week_counts_in_the_month_holding_its_thursday(tmp_path: Path) -> None:
    plan = plan_of(Grain.WEEK)
    with Store.open(tmp_path / "okrdesk.db") as store:
        # 2026-W44 runs 26 October to 1 November: its Thursday is in October.
        mtd = view(store, plan, "fees", "mtd", NOV_20)
        assert mtd.now.periods == ("2026-W45", "2026-W46", "2026-W47")
        assert view(store, plan, "fees", "mtd", dt.date(2026, 10, 31)).now.periods[-1] == (
            "2026-W44")  # fmt: skip


def test_no_percentage_without_a_figure_a_year_before(tmp_path: Path) -> None:
    typed = {("fees", "br"): {"2025-11": Decimal(890), "2025-10": Decimal(0)}}
    with monthly_store(tmp_path, last_year=False) as store:
        plain = view(store, plan_of(Grain.MONTH), "fees", "mtd", overs=(Over.LAST_YEAR,))
        assert plain.comparisons[0].change is None
        assert plain.comparisons[0].why is NoChange.NO_EARLIER
        # The baseline file stands in for the missing history, period by period.
        plan = plan_of(Grain.MONTH, baselines=typed)
        typed_in = view(store, plan, "fees", "mtd", overs=(Over.LAST_YEAR,)).comparisons[0]
        assert typed_in.earlier.value == 890 and typed_in.earlier.from_baselines == 1
        assert typed_in.change == pytest.approx(1110 / 890 - 1)
        october = view(store, plan, "fees", "mtd", dt.date(2026, 10, 31), (Over.LAST_YEAR,))
        assert october.comparisons[0].why is NoChange.EARLIER_ZERO
        assert october.comparisons[0].change is None
        assert october.comparisons[0].difference == 1010


def growth_kr(rate: str, window: str | None = None) -> KeyResult:
    return KeyResult("O1.FEES", "O1", "手续费同比 +18%", UNITS["元"], None, "fees",
                     growth=Decimal(rate), window=window)  # fmt: skip


def test_a_growth_target_is_last_years_figure_grown_and_paced_like_it(tmp_path: Path) -> None:
    kr = growth_kr("0.18")
    plan = plan_of(Grain.MONTH, kr)
    with monthly_store(tmp_path) as store:
        p = Engine(plan, store, NOV_20, SPECS).key_result(kr, "br")
        assert p is not None
        # 2025 in all: 80 × 78 + 120 = 6,360, so the target is 6,360 × 1.18 = 7,504.8.
        # Due by 20 November: January to October 2025 (4,500) and 20 of November 2025's
        # 30 days (890 × 2/3), as far as this November's figures reach, × 1.18.
        assert p.target.value == pytest.approx(7504.8)
        assert p.expected == pytest.approx((4500 + 890 * 20 / 30) * 1.18)
        assert p.actual.value == 6710
        assert p.attainment == pytest.approx(6710 / 7504.8)
        assert p.status is Status.ON_TRACK  # 6,710 of 6,010.1 due
        # Over a quarter to date: Q4 2025 was 80 × 33 + 30 = 2,670; October 2025 (810)
        # and 20 days of November's 890, × 1.18, are due.
        quarter = growth_kr("0.18", "qtd")
        q = Engine(plan_of(Grain.MONTH, quarter), store, NOV_20, SPECS).key_result(quarter, "br")
        assert q is not None and q.target.value == pytest.approx(2670 * 1.18)
        assert q.expected == pytest.approx((810 + 890 * 20 / 30) * 1.18)
        assert q.actual.value == 2120


def test_last_year_collected_from_july_is_no_year_to_grow_or_compare_on(
    tmp_path: Path,
) -> None:
    """A branch that started okrdesk in July 2025 holds July to December of it. Its
    2025 is no year: grown 18%, its second half alone (80 × 57 + 60 = 4,620) made a
    target of 5,451.6 that 6,710 met, read 同比 +271% against it; now there is no
    target, and no percentage, and both say why. A quarter the store holds whole (Q4
    2025) still compares and sets its target."""
    kr = growth_kr("0.18")
    plan = plan_of(Grain.MONTH, kr)
    both = (Over.LAST_YEAR, Over.PREVIOUS)
    with monthly_store(tmp_path, from_month=7) as store:
        p = Engine(plan, store, NOV_20, SPECS).key_result(kr, "br")
        assert p is not None
        assert p.target.value is None and p.attainment is None
        assert p.status is Status.NO_DATA
        year, previous = view(store, plan, "fees", "ytd", overs=both).comparisons
        assert year.change is None and year.why is NoChange.EARLIER_PART
        assert year.earlier.unknown == 6  # January to June 2025
        assert previous.why is NoChange.EARLIER_PART
        quarter = view(store, plan, "fees", "qtd", overs=(Over.LAST_YEAR,)).comparisons[0]
        assert quarter.why is None and quarter.earlier.value == 80 * 21 + 20
        q_kr = growth_kr("0.18", "qtd")
        q = Engine(plan_of(Grain.MONTH, q_kr), store, NOV_20, SPECS).key_result(q_kr, "br")
        assert q is not None and q.target.value == pytest.approx(2670 * 1.18)
        part = ReportComparison("last_year", 4620, (), None, False, "earlier_part", unknown=6)
        line = ReportWindow("ytd", 6710, (), (part,), 0.18, None, growth_unknown=6)
        assert window_story(report_kr("元", line), "zh") == (
            "本年至今 6,710元 · 同比 — 上年同期有 6 个周期未采集过，不计百分比（可在 [[baselines]]"
            " 中补录） · 上年有 6 个周期未采集过，增长目标无从计算（可在 [[baselines]] 中补录）"
        )
        assert window_story(report_kr("元", line), "en") == (
            "Year to date CNY 6.71k · YoY — 6 periods a year before never collected, no "
            "percentage (type them in [[baselines]]) · 6 periods of last year never collected: "
            "no growth target (type them in [[baselines]])")  # fmt: skip


def test_a_metric_first_collected_in_july_is_no_year_though_another_was_collected_all_year(
    tmp_path: Path,
) -> None:
    """Fees were first collected in July 2025, client assets all through 2025: fees' first
    half was never collected, whatever the store holds of other metrics. Read off the
    store's earliest period of any metric, their second half alone (4,620) grown 18% was
    the year's target, 5,451.6, met at 6,710."""
    kr = growth_kr("0.18")
    plan = plan_of(Grain.MONTH, kr)
    with monthly_store(tmp_path, from_month=7) as store:
        first_half = list(periods_between(dt.date(2025, 1, 1), dt.date(2025, 6, 30), Grain.MONTH))
        levels = [Observation("aum", "p1", p.id, 1000.0 * p.start.month) for p in first_half]
        run = store.start_run("collect", dt.date(2025, 6, 30))
        store.replace_observations(run, {"aum": "t"}, first_half, levels, dt.date(2025, 6, 30))
        p = Engine(plan, store, NOV_20, SPECS).key_result(kr, "br")
        assert p is not None and p.target.value is None and p.status is Status.NO_DATA
        year = view(store, plan, "fees", "ytd", overs=(Over.LAST_YEAR,)).comparisons[0]
        assert year.why is NoChange.EARLIER_PART and year.earlier.unknown == 6


def test_a_baseline_stands_in_for_the_periods_it_types_alone(tmp_path: Path) -> None:
    """Fees collected from July 2025, and January to March typed in [[baselines]]: April to
    June are still missing, and no target is set on the rest (any baseline of the metric
    switched the check off, and 5,451.6 + 3 typed months grown 18% was the target). With
    all six typed, the year is whole again."""
    kr = growth_kr("0.18")
    three = {("fees", "br"): {f"2025-0{m}": Decimal(90 * m) for m in (1, 2, 3)}}
    six = {("fees", "br"): {f"2025-0{m}": Decimal(90 * m) for m in range(1, 7)}}
    with monthly_store(tmp_path, from_month=7) as store:
        plan = plan_of(Grain.MONTH, kr, baselines=three)
        p = Engine(plan, store, NOV_20, SPECS).key_result(kr, "br")
        assert p is not None and p.target.value is None and p.status is Status.NO_DATA
        year = view(store, plan, "fees", "ytd", overs=(Over.LAST_YEAR,)).comparisons[0]
        assert year.why is NoChange.EARLIER_PART and year.earlier.unknown == 3
        assert year.earlier.from_baselines == 3
        whole = plan_of(Grain.MONTH, kr, baselines=six)
        p = Engine(whole, store, NOV_20, SPECS).key_result(kr, "br")
        # July to December 2025 stored (80 × 57 + 60 = 4,620), January to June typed
        # (90 × 21 = 1,890).
        assert p is not None and p.target.value == pytest.approx((4620 + 1890) * 1.18)


def started_in_july(write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Last year's plan ran from 1 July, so the store holds 2025-W27 to 2025-W53 alone;
    this year's plan (OKRS and GROWTH_KRS) collected to 15 March. The source has no rows
    before 1 July either: the collect that reads the growth target's base finds none."""
    monkeypatch.setenv("OKRDESK_TEST_FROM", "2025-07-01")
    half = PLAN.replace("2026", "2025").replace(
        'unit = "branch"\n', 'unit = "branch"\nstart = 2025-07-01\n', 1
    )
    half = half[: half.index("[[phases]]")] + half[half.index('[[phases]]\nid = "Q3"') :]
    fees = ('[[objectives]]\nid = "O1"\ntitle = "收入"\nowner = "branch"\n\n'
            '[[objectives.key_results]]\nid = "FEES"\ntitle = "佣金收入"\n'
            'metric = "fee_revenue"\ntarget = 100\nunit = "万元"\n')  # fmt: skip
    root = write_workspace({"budget.toml": None, "okrs.toml": fees, "plan.toml": half})
    done = CliRunner().invoke(cli, ["collect", "--through", "2025-12-31", "-w", str(root)])
    assert done.exit_code == 0, done.output
    return collected(write_workspace, {"budget.toml": None, "okrs.toml": OKRS + GROWTH_KRS})


def test_a_workspace_started_in_july_sets_no_growth_target_on_half_a_year(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The year's target is not last year's 27 weeks grown 18%, and the report, its JSON
    and explain say how many weeks were never collected and where to type them."""
    root = started_in_july(write_workspace, monkeypatch)
    args = ["report", "--as-of", "2026-03-15", "-w", str(root)]
    shown = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert shown.exit_code == 0, shown.output
    fees_kr = {kr["id"]: kr for o in json.loads(shown.output)["objectives"]
               for kr in o["key_results"]}["O1.FEES"]  # fmt: skip
    assert fees_kr["target"] is None and fees_kr["status"] == "no_data"
    assert fees_kr["window"]["growth_unknown"] == 26
    text = "".join(CliRunner().invoke(cli, args).output.replace("│", "").split())
    assert "本年至今33万·同比—无上年同期数据·上年有26个周期未采集过，增长目标无从计算" in text
    told = CliRunner().invoke(cli, ["explain", "O1.FEES", "--as-of", "2026-03-15", "-w",
                                    str(root)])  # fmt: skip
    assert "无目标：去年有 26 个周期未采集过（2025-W01 … 2025-W53：53 个周期中 27 个有数" \
           in told.output  # fmt: skip


def test_a_growth_target_with_no_year_to_grow_on_is_told_as_such(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its figure is there (33万 so far): the alert said 福田营业部 暂无数据 and the due
    column 应完成 0元 beside it; nothing is due of no target, and what is missing is
    last year's figures."""
    root = started_in_july(write_workspace, monkeypatch)
    args = ["--as-of", "2026-03-15", "-w", str(root)]
    text = CliRunner().invoke(cli, ["report", *args]).output
    assert "提醒    O1.FEES 佣金收入同比 +18%：缺上年的数字作增长基数，没有目标" in text
    assert "暂无数据（指标 fee_revenue）" not in text
    row = next(line for line in text.splitlines() if line.startswith("│ O1.FEES"))
    assert [cell.strip() for cell in row.split("│")][2:6] == ["33万", "—", "—", "—"]
    checked = CliRunner().invoke(cli, ["check", *args, "--lang", "en"])
    assert checked.exit_code == 1
    assert "O1.FEES 佣金收入同比 +18%: no target, for want of last year's figures to grow " \
           "on (okrdesk explain O1.FEES says which)" in checked.output  # fmt: skip


def test_a_quarterly_growth_target_s_forecast_says_it_is_for_the_quarter_s_end(
    write_workspace: WriteWorkspace,
) -> None:
    """A qtd growth target is forecast to its quarter's end, not the year's: under the
    heading 年末预测 its figure said nothing of it, and read as a year's revenue."""
    okrs = OKRS + GROWTH_KRS.replace('unit = "元"\n', 'unit = "元"\nwindow = "qtd"\n', 1)
    root = collected(write_workspace, {"okrs.toml": okrs, "baselines.toml": baselines_toml()})
    args = ["report", "--as-of", "2026-03-15", "-w", str(root)]
    shown = CliRunner().invoke(cli, [*args, "--format", "json"])
    results = {kr["id"]: kr for o in json.loads(shown.output)["objectives"]
               for kr in o["key_results"]}  # fmt: skip
    assert results["O1.FEES"]["forecast"] is not None
    assert results["O1.FEES"]["forecast_to"] == "2026-03-31"
    assert results["O1.KR1"]["forecast_to"] is None  # a year's key result: to the year's end
    lines = CliRunner().invoke(cli, args, env={"COLUMNS": "200"}).output.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("│ O1.FEES"))
    assert lines[at + 1].split("│")[-3].strip() == "至03-31"
    english = CliRunner().invoke(cli, [*args, "--lang", "en", "--format", "md"]).output
    assert "to 03-31" in next(line for line in english.splitlines() if "| O1.FEES" in line)


def test_a_quarterly_growth_target_says_it_starts_again_each_quarter_and_its_score_with_it(
    write_workspace: WriteWorkspace,
) -> None:
    """On 5 April a qtd growth target's attainment is of the second quarter, a few days
    in: its score fell from the first quarter's without anything getting worse. That is
    the design (a quarter's target is scored on the quarter), and the window line says
    so, in every format and both languages."""
    okrs = OKRS + GROWTH_KRS.replace('unit = "元"\n', 'unit = "元"\nwindow = "qtd"\n', 1)
    root = collected(write_workspace, {"okrs.toml": okrs, "baselines.toml": baselines_toml()})
    done = CliRunner().invoke(cli, ["collect", "--through", "2026-04-05", "-w", str(root)])
    assert done.exit_code == 0, done.output

    def fees(day: str) -> dict[str, object]:
        args = ["report", "--as-of", day, "-w", str(root), "--format", "json"]
        shown = json.loads(CliRunner().invoke(cli, args).output)
        return next(kr for o in shown["objectives"] for kr in o["key_results"]
                    if kr["id"] == "O1.FEES")  # fmt: skip

    march, april = fees("2026-03-29"), fees("2026-04-05")
    assert float(april["attainment"]) < float(march["attainment"]) / 3  # type: ignore[arg-type]
    args = ["report", "--as-of", "2026-04-05", "-w", str(root), "--format", "md"]
    said = "每季初重新起算，得分按本季完成率计：季初得分回落，并非变差"
    assert said in CliRunner().invoke(cli, args).output
    english = CliRunner().invoke(cli, [*args, "--lang", "en"]).output
    assert ("it starts again each quarter, and the score counts this quarter's attainment: "
            "a fall at the quarter's start is no worsening") in english  # fmt: skip
    text = "".join(CliRunner().invoke(cli, args[:-2]).output.replace("│", "").split())
    assert "".join(said.split()) in text
    # A year's growth target (ytd) starts again with the plan alone: nothing to say.
    year = collected(write_workspace, {"okrs.toml": OKRS + GROWTH_KRS,
                                       "baselines.toml": baselines_toml()})  # fmt: skip
    plain = CliRunner().invoke(cli, ["report", "--as-of", "2026-03-15", "-w", str(year)])
    assert "重新起算" not in plain.output


def test_explain_works_out_a_window_and_its_comparisons_as_the_report_writes_them(
    write_workspace: WriteWorkspace,
) -> None:
    """本月至今 6户 · 同比 0.0%（上年同期 6户）· 环比 0.0%（上期 6户）under O1.HNW: explain
    listed the year's observations and nothing of the month's figure, nor of the month
    it was compared with, so a 环比 could not be worked out from it. (The collect read
    2025's weeks for its 同比: the sample source reaches back.)"""
    root = collected(write_workspace, {"okrs.toml": OKRS + GROWTH_KRS,
                                       "baselines.toml": baselines_toml()})  # fmt: skip
    args = ["explain", "O1.HNW", "--as-of", "2026-03-15", "-w", str(root)]
    told = CliRunner().invoke(cli, args, env={"COLUMNS": "200"})
    assert told.exit_code == 0, told.output
    said = told.output.splitlines()
    at = said.index("本月至今 6户，与报告的算法相同：2026-W10 … 2026-W11：2 个周期中 2 个有数字")
    assert said[at : at + 3] == [
        "本月至今 6户，与报告的算法相同：2026-W10 … 2026-W11：2 个周期中 2 个有数字",
        "  同比：上年同期 6户：2025-W10 … 2025-W11：2 个周期中 2 个有数字；0.0%",
        "  环比：上期 6户：2026-W06 … 2026-W07：2 个周期中 2 个有数字；0.0%",
    ]
    english = CliRunner().invoke(cli, [*args, "--lang", "en"], env={"COLUMNS": "200"}).output
    assert (
        "  PoP: period before 6 accts: 2026-W06 … 2026-W07: 2 of 2 periods with a figure; 0.0%"
    ) in english.splitlines()


def test_a_growth_target_without_last_year_says_so(tmp_path: Path) -> None:
    kr = growth_kr("0.18")
    plan = plan_of(Grain.MONTH, kr)
    with monthly_store(tmp_path, last_year=False) as store:
        p = Engine(plan, store, NOV_20, SPECS).key_result(kr, "br")
        assert p is not None
        assert p.target.value is None and p.attainment is None
        assert p.status is Status.NO_DATA


def test_period_helpers() -> None:
    assert parse_window("last_4_weeks").count == 4
    with pytest.raises(ValueError, match="last_N_weeks"):
        parse_window("last_week")
    assert isinstance(parse_period("2026-W01"), Period)


# ------------------------------------------------- in a workspace, end to end

GROWTH_KRS = """
[[objectives.key_results]]
id = "FEES"
title = "佣金收入同比 +18%"
metric = "fee_revenue"
growth = "18%"
unit = "元"

[[objectives.key_results]]
id = "HNW"
title = "新增高净值客户（月度）"
metric = "new_hnw_clients"
target = 360
unit = "户"
window = "mtd"
compare = ["last_year", "previous"]
"""


def baselines_toml() -> str:
    """2025's fees, typed in: 20,000元 a week for the branch, and none in 2025-W53, the
    three days 29 to 31 December: typed as 0, since a week left out is a week unknown."""
    weeks = ", ".join([*(f'"2025-W{w:02d}" = 2' for w in range(1, 53)), '"2025-W53" = 0'])
    return f'[[baselines]]\nmetric = "fee_revenue"\nsubject = "branch"\nunit = "万元"\n' \
           f"values = {{ {weeks} }}\n"  # fmt: skip


def collected(write_workspace: WriteWorkspace, files: dict[str, str]) -> Path:
    root = write_workspace(files)
    done = CliRunner().invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(root)])
    assert done.exit_code == 0, done.output
    return root


def test_the_report_shows_windows_comparisons_and_a_growth_target(
    write_workspace: WriteWorkspace,
) -> None:
    root = collected(write_workspace, {"okrs.toml": OKRS + GROWTH_KRS,
                                       "baselines.toml": baselines_toml()})  # fmt: skip
    runner = CliRunner()
    args = ["report", "--as-of", "2026-03-15", "-w", str(root), "--format", "json"]
    done = runner.invoke(cli, args)
    assert done.exit_code == 0, done.output
    results = {kr["id"]: kr for o in json.loads(done.output)["objectives"]
               for kr in o["key_results"]}  # fmt: skip
    fees = results["O1.FEES"]
    # 2026: 王芳 10,000 + 李强 20,000 a week, 11 weeks by 15 March (W01-W11);
    # 2025: 52 weeks of 20,000 = 1,040,000, so the target is 1,227,200 and
    # 11 × 20,000 × 1.18 = 259,600 is due.
    assert float(fees["actual"]) == 330000
    assert float(fees["target"]) == pytest.approx(1227200)
    assert float(fees["expected"]) == pytest.approx(259600)
    assert fees["target_source"] == "growth"
    assert fees["window"]["comparisons"][0]["change"] == 0.5  # 330,000 / 220,000 − 1
    assert fees["window"]["comparisons"][0]["from_baselines"] == 11
    hnw = results["O1.HNW"]["window"]
    # March to date: W10 and W11 (a week is the month's that holds its Thursday),
    # 1 + 2 clients each; February's first two weeks the same: 环比 +0%; and 2025's
    # W10 and W11, which the collect read for its 同比, the same: 同比 +0%.
    assert hnw["periods"] == ["2026-W10", "2026-W11"] and hnw["value"] == 6
    assert hnw["comparisons"][0]["earlier"] == 6 and hnw["comparisons"][0]["change"] == 0
    assert hnw["comparisons"][1]["earlier_periods"] == ["2026-W06", "2026-W07"]
    assert hnw["comparisons"][1]["change"] == 0
    text = runner.invoke(cli, [*args[:-2], "--format", "md"]).output
    # 2026-W01 is collected from 1 January, a Thursday: 74 days against 2025's 75 (its
    # W01 typed in, 1 to 5 January: weeks are cut at the year's edge).
    assert fees["window"]["comparisons"][0]["days"] == [74, 75]
    assert ("本年至今 33万 · 同比 +50.0%（上年同期 22万，含基数表，"
            "本期 74 天、上年同期 75 天，并非同口径）") in text  # fmt: skip
    assert "目标 = 上年 104万 × (1 + 18%)" in text
    assert "增长目标无从计算" not in text  # a target found is no target missing
    terminal = runner.invoke(cli, args[:-2]).output
    assert "同比 +50.0%" in terminal
    english = runner.invoke(cli, [*args[:-2], "--lang", "en", "--format", "md"]).output
    assert "Month to date 6 accts · YoY 0.0% (a year before 6 accts) · PoP 0.0% (period " \
           "before 6 accts)" in english, english  # fmt: skip


@pytest.mark.parametrize("growth", ["18％", "１８％", " 18 ％"])
def test_a_growth_typed_with_a_full_width_percent_sign_is_read_as_18_percent(
    write_workspace: WriteWorkspace, growth: str
) -> None:
    # A Chinese input method types ％ (and full-width digits) unless switched to half width.
    okrs = OKRS + GROWTH_KRS.replace('growth = "18%"', f'growth = "{growth}"')
    root = collected(write_workspace, {"okrs.toml": okrs, "baselines.toml": baselines_toml()})
    args = ["report", "--as-of", "2026-03-15", "-w", str(root), "--format", "json"]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 0, done.output
    results = {kr["id"]: kr for o in json.loads(done.output)["objectives"]
               for kr in o["key_results"]}  # fmt: skip
    assert float(results["O1.FEES"]["target"]) == pytest.approx(1040000 * 1.18)


@pytest.mark.parametrize(
    ("kr", "problem"),
    [
        ('window = "last_week"', 'window: unknown window "last_week"; expected one of'),
        ('compare = ["yoy"]', 'compare[0]: unknown comparison "yoy"'),
        ('growth = "18"', 'growth: "18" has no %'),
        ("growth = 18", 'growth: 18 would be +1800%; for 18% write 0.18 or "18%"'),
        ('growth = "-120%"', "growth: a string ('-120%') would leave nothing"),
        ("growth = 0.1", "milestones: does not apply: a growth target is paced by last year"),
    ],
)
def test_bad_window_keys_are_named_with_file_line_and_key(
    write_workspace: WriteWorkspace, kr: str, problem: str
) -> None:
    okrs = OKRS.replace('target = 360\nunit = "户"', f'target = 360\nunit = "户"\n{kr}')
    if "growth = 0.1" in kr:
        okrs = okrs.replace("target = 360\n", "")
    root = write_workspace({"okrs.toml": okrs})
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2
    assert "targets/okrs.toml:" in done.output and problem in done.output, done.output


def test_growth_needs_a_flow_and_baselines_a_known_place(write_workspace: WriteWorkspace) -> None:
    okrs = OKRS.replace(
        'direction = "at_most"\ntarget = 0.15', 'direction = "at_most"\ngrowth = 0.1'
    )
    bad_baseline = ('[[baselines]]\nmetric = "fee_revenue"\nsubject = "branch"\nunit = "元"\n'
                    'values = { "2025-13" = 1 }\n\n'
                    '[[baselines]]\nmetric = "fee_revenue"\nsubject = "nobody"\nunit = "户"\n'
                    'values = { "2025-12" = 1 }\n')  # fmt: skip
    root = write_workspace({"okrs.toml": okrs, "baselines.toml": bad_baseline})
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2
    out = done.output
    assert "objectives[O1].key_results[KR2].growth: is a target to grow to" in out
    assert "a growth target is for a flow" in out
    assert "targets/baselines.toml:5: baselines[0].values.2025-13: there is no month 13" in out
    assert 'baselines[1].unit: unit "户" does not fit metric "fee_revenue"' in out
    assert 'baselines[1].subject: no unit or person "nobody"' in out


def test_explain_check_and_split_take_a_growth_target(
    write_workspace: WriteWorkspace,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # explain's rows whole: what it says, not how it folds
    root = collected(write_workspace, {"okrs.toml": OKRS + GROWTH_KRS,
                                       "baselines.toml": baselines_toml()})  # fmt: skip
    runner = CliRunner()
    codes = {}
    for args in (["explain", "O1.FEES"], ["check"], ["report", "--format", "html"],
                 ["report", "--format", "xlsx", "--out", str(root / "r.xlsx")]):  # fmt: skip
        done = runner.invoke(cli, [*args, "--as-of", "2026-03-15", "-w", str(root)])
        assert done.exception is None or isinstance(done.exception, SystemExit), (args, done)
        codes[args[0]] = done.exit_code
    assert codes == {"explain": 0, "check": 1, "report": 0}  # check: other results lag
    explained = runner.invoke(cli, ["explain", "O1.FEES", "--as-of", "2026-03-15",
                                    "-w", str(root)]).output  # fmt: skip
    assert "增长目标，窗口 ytd，与报告的算法相同：" in explained
    assert "实际 33万，2026-W01 … 2026-W11：11 个周期中 11 个有数字" in explained
    # 53 weeks typed in, 2025-W53 (29 to 31 December) as 0: a week left out would leave
    # the year unknown, and no target.
    assert ("目标 122.7万 = 去年 104万 × (1 + 18%)；2025-W01 … 2025-W53："
            "53 个周期中 53 个有数字，其中 53 个来自 [[baselines]]") in explained  # fmt: skip
    assert ("应完成 25.96万 = 去年同期 22万 × (1 + 18%)；"
            "2025-W01 … 2025-W11：11 个周期中 11 个有数字") in explained  # fmt: skip
    english = runner.invoke(cli, ["explain", "O1.FEES", "--as-of", "2026-03-15", "--lang", "en",
                                  "-w", str(root)]).output  # fmt: skip
    assert "growth target, window ytd, as the report sets it:" in english
    assert "over 2026-W01 … 2026-W11: 11 of 11 periods with a figure" in english
    assert "2025-W01 … 2025-W53: 53 of 53 periods with a figure, 53 from [[baselines]]" in english
    split = runner.invoke(cli, ["split", "O1.FEES", "--unit", "branch", "--over", "months",
                                "-w", str(root)])  # fmt: skip
    assert split.exit_code == 2 and "O1.FEES 自己没有目标值，无从拆分" in split.output
    english = runner.invoke(cli, ["split", "O1.FEES", "--unit", "branch", "--over", "months",
                                  "--lang", "en", "-w", str(root)])  # fmt: skip
    assert "O1.FEES has no target of its own to split; give it one first" in english.output


def test_the_workbook_notes_a_key_results_window(write_workspace: WriteWorkspace) -> None:
    import openpyxl

    root = collected(write_workspace, {"okrs.toml": OKRS + GROWTH_KRS,
                                       "baselines.toml": baselines_toml()})  # fmt: skip
    out = root / "r.xlsx"
    done = CliRunner().invoke(cli, ["report", "--format", "xlsx", "--out", str(out),
                                    "--as-of", "2026-03-15", "-w", str(root)])  # fmt: skip
    assert done.exit_code == 0, done.output
    sheet = openpyxl.load_workbook(out).worksheets[1]
    head = [c.value for c in sheet[1]]
    notes = {
        row[1]: row[head.index("说明")] for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    shown = CliRunner().invoke(cli, ["report", "--format", "json", "--as-of", "2026-03-15",
                                     "-w", str(root)])  # fmt: skip
    fees = next(kr for o in json.loads(shown.output)["objectives"] for kr in o["key_results"]
                if kr["id"] == "O1.FEES")  # fmt: skip
    assert fees["window"] is not None
    assert notes["O1.FEES"].startswith("本年至今 ")
    assert "同比" in notes["O1.FEES"] and "上年 " in notes["O1.FEES"]


def test_a_monthly_plan_has_no_week_windows(write_workspace: WriteWorkspace) -> None:
    from sample_workspace import PLAN

    monthly = PLAN.replace('unit = "branch"\n', 'unit = "branch"\ngrain = "month"\n', 1)
    okrs = OKRS.replace('target = 360\nunit = "户"', 'target = 360\nunit = "户"\nwindow = "wtd"')
    root = write_workspace({"plan.toml": monthly, "okrs.toml": okrs})
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2
    assert "key_results[KR1].window: a plan measured by month cannot give a week window " \
           "(wtd)" in done.output  # fmt: skip


def report_kr(unit: str, window: ReportWindow) -> ReportKeyResult:
    return ReportKeyResult(
        id="O1.X", title="x", metric="m", unit=unit, direction="at_least", baseline=0.0,
        target=1.0, target_source="declared", actual=None, numerator=None, denominator=None,
        attainment=None, due=0.0, expected=0.0, status="no_data", margin=None, change=None,
        new=False, forecast=None, forecast_reach=None, forecast_note="", weight=1.0, trend=(),
        milestones=(), window=window,
    )  # fmt: skip


def test_the_window_line_writes_points_for_rates_and_says_why_there_is_no_percentage() -> None:
    then = ReportComparison("last_year", 0.108, ("2025-10",), 0.012, True, difference=0.012)
    rate = ReportWindow("qtd", 0.12, ("2026-10",), (then,))
    assert (
        window_story(report_kr("%", rate), "zh")
        == "本季至今 12% · 同比 +1.2百分点（上年同期 10.8%）"
    )
    assert window_story(report_kr("%", rate), "en") == (
        "Quarter to date 12% · YoY +1.2 pp (a year before 10.8%)")  # fmt: skip
    flows = ReportWindow("last_3_months", 5e8, ("2026-09", "2026-10", "2026-11"), (
        ReportComparison("last_year", -2e7, (), None, False, "earlier_negative", 5.2e8),
        ReportComparison("previous", 0.0, (), None, False, "earlier_zero", 5e8, 3),
    ))  # fmt: skip
    assert window_story(report_kr("亿元", flows), "zh") == (
        "近 3 个月 5亿 · 同比 — 上年同期为负（-2,000万），不计百分比 · "
        "环比 — 上期为 0，不计百分比（含基数表）")  # fmt: skip


def test_windows_read_the_same_on_both_stores(backend: Backend) -> None:
    root = backend.workspace({"okrs.toml": OKRS + GROWTH_KRS, "baselines.toml": baselines_toml()})
    runner = CliRunner()
    done = runner.invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(root)])
    assert done.exit_code == 0, done.output
    done = runner.invoke(cli, ["report", "--as-of", "2026-03-15", "-w", str(root),
                               "--format", "json"])  # fmt: skip
    results = {kr["id"]: kr for o in json.loads(done.output)["objectives"]
               for kr in o["key_results"]}  # fmt: skip
    assert float(results["O1.FEES"]["target"]) == pytest.approx(1227200)
    assert results["O1.HNW"]["window"]["value"] == 6
    assert results["O1.HNW"]["window"]["comparisons"][1]["earlier"] == 6


def test_last_years_history_stays_out_of_this_years_figures(tmp_path: Path) -> None:
    fees = KeyResult("O1.F", "O1", "Fees", UNITS["元"], target=Decimal(20000), metric="fees")
    plan = plan_of(Grain.MONTH, fees)
    with monthly_store(tmp_path) as store:
        whole = Engine(plan, store, NOV_20, SPECS)
        assert whole.rollup.figure("fees", "br").value == 6710  # not 6,710 + 6,360
        one = Engine(plan, store, NOV_20, SPECS, within="p1")
        assert one.rollup.figure("fees", "p1").value == 6600  # 100 × (1 + … + 11)
        every = Rollup(plan, store, NOV_20, SPECS)
        every.compute_all()
        assert every.figure("fees", "br").value == 6710
        progress = whole.key_result(fees, "br")
        assert progress is not None
        assert progress.trend[0] == (dt.date(2026, 1, 31), 110.0)


def last_years_plan_collected(write_workspace: WriteWorkspace) -> Path:
    """A workspace whose store kept last year's figures: 2025's plan collected to its end,
    then this year's plan (the same file, its year changed) collected to 15 March."""
    budget, okrs = {"budget.toml": None}, {"okrs.toml": OKRS + GROWTH_KRS}
    root = write_workspace({**budget, **okrs, "plan.toml": PLAN.replace("2026", "2025")})
    runner = CliRunner()
    done = runner.invoke(cli, ["collect", "--through", "2025-12-31", "-w", str(root)])
    assert done.exit_code == 0, done.output
    return collected(write_workspace, {**budget, **okrs})


def test_explain_lists_this_years_observations_not_last_years(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")
    root = last_years_plan_collected(write_workspace)
    args = ["explain", "O1.FEES", "--as-of", "2026-03-15", "-w", str(root)]
    mine = CliRunner().invoke(cli, [*args, "--person", "cm01"])
    assert mine.exit_code == 0, mine.output
    # 王芳's 10,000 a week over 2026-W01 … W11 is 11万, from 11 rows; 2025's 53 weeks,
    # kept for 同比, are in no figure of this plan and were listed as if they were.
    assert "= 11万" in mine.output
    assert "11 条观测值，来自第 2 次采集" in mine.output, mine.output
    # Those it grows on are listed apart, under their own heading.
    assert "2025-W" not in mine.output.split("增长所依据的去年数字")[0]
    branch = CliRunner().invoke(cli, args).output
    assert "22 条观测值" in branch, branch  # two people, 11 weeks each
    # Last year's figures still set the target: 53 weeks of 30,000 stored in 2025, the
    # last, 2025-W53, 29 to 31 December, kept by this year's collects.
    assert (
        "目标 187.6万 = 去年 159万 × (1 + 18%)；2025-W01 … 2025-W53：53 个周期中 53 个有数字"
        in branch
    )


def test_last_years_days_are_those_its_periods_were_stored_over(
    write_workspace: WriteWorkspace,
) -> None:
    root = last_years_plan_collected(write_workspace)
    done = CliRunner().invoke(cli, ["report", "--as-of", "2026-03-15", "-w", str(root),
                                    "--format", "md"])  # fmt: skip
    assert done.exit_code == 0, done.output
    # 2025's plan stored 2025-W01 from 1 January (5 days), so 2025-W01 … W11 hold 75
    # days, not the 77 of whole ISO weeks, which no calendar of 2025 gives.
    assert "同比 0.0%（上年同期 33万，本期 74 天、上年同期 75 天，并非同口径）" in done.output, \
        done.output  # fmt: skip


def test_a_day_before_the_first_week_is_counted_counts_none_of_it_in_windows(
    write_workspace: WriteWorkspace,
) -> None:
    # Collected through Sunday 4 January, 2026-W01 (1 to 4 January) is stored whole: a
    # report as of 2 January runs its figures through 31 December and counts none of it.
    # The windows and the growth target counted it all the same (its ISO week starts on
    # 29 December): 3万 of fees "over 0 days", on pace, beside key results with no data.
    root = write_workspace({"okrs.toml": OKRS + GROWTH_KRS, "baselines.toml": baselines_toml()})
    runner = CliRunner()
    done = runner.invoke(cli, ["collect", "--through", "2026-01-04", "-w", str(root)])
    assert done.exit_code == 0, done.output
    args = ["report", "--as-of", "2026-01-02", "-w", str(root)]
    done = runner.invoke(cli, [*args, "--format", "json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert report["figures_through"] == "2025-12-31"
    results = {kr["id"]: kr for o in report["objectives"] for kr in o["key_results"]}
    fees, hnw = results["O1.FEES"], results["O1.HNW"]
    assert fees["actual"] is None and fees["status"] == "no_data"
    assert fees["window"]["value"] is None and fees["window"]["periods"] == []
    assert hnw["actual"] is None and hnw["window"]["value"] is None
    assert report["score"] is None
    text = runner.invoke(cli, [*args, "--format", "md"]).output
    assert "本年至今 — · 同比 本期无数据" in text, text
    assert "0 天" not in text


def test_explain_gives_a_quarterly_growth_target_the_quarters_figure_as_the_report_does(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")
    quarterly = GROWTH_KRS.replace('id = "FEES"', 'id = "FEESQ"').replace(
        'growth = "18%"', 'growth = "10%"\nwindow = "qtd"'
    )
    root = write_workspace({"okrs.toml": OKRS + quarterly, "baselines.toml": baselines_toml()})
    runner = CliRunner()
    done = runner.invoke(cli, ["collect", "--through", "2026-05-15", "-w", str(root)])
    assert done.exit_code == 0, done.output
    args = ["--as-of", "2026-05-15", "-w", str(root)]
    report = json.loads(runner.invoke(cli, ["report", "--format", "json", *args]).output)
    fees = next(kr for o in report["objectives"] for kr in o["key_results"]
                if kr["id"] == "O1.FEESQ")  # fmt: skip
    # The second quarter so far, 2026-W14 … W20: 7 weeks of 10,000 + 20,000.
    assert float(fees["actual"]) == 210000
    explained = runner.invoke(cli, ["explain", "O1.FEESQ", *args])
    assert explained.exit_code == 0, explained.output
    # It said = 60万 (the year so far) over 40 rows, above "实际 21万" of its own.
    assert "= 21万\n" in explained.output, explained.output
    assert "14 条观测值" in explained.output
    assert "2026-W13" not in explained.output and "2026-W14" in explained.output
    assert "实际 21万，2026-W14 … 2026-W20：7 个周期中 7 个有数字" in explained.output


def test_a_growth_targets_change_in_its_windows_first_week_is_that_weeks_not_a_fall(
    write_workspace: WriteWorkspace,
) -> None:
    quarterly = GROWTH_KRS.replace('id = "FEES"', 'id = "FEESQ"').replace(
        'growth = "18%"', 'growth = "10%"\nwindow = "qtd"'
    )
    root = write_workspace({"okrs.toml": OKRS + quarterly, "baselines.toml": baselines_toml()})
    runner = CliRunner()
    done = runner.invoke(cli, ["collect", "--through", "2026-04-05", "-w", str(root)])
    assert done.exit_code == 0, done.output
    args = ["report", "--as-of", "2026-04-05", "-w", str(root)]
    report = json.loads(runner.invoke(cli, [*args, "--format", "json"]).output)
    fees = next(kr for o in report["objectives"] for kr in o["key_results"]
                if kr["id"] == "O1.FEESQ")  # fmt: skip
    # 2026-W14 (30 March to 5 April) is the second quarter's first week: 30,000 so far.
    # Against the first quarter's 13 weeks at the week before, the change read -36万,
    # first among what moved most, as if the week had lost the quarter's fees.
    assert float(fees["actual"]) == 30000
    assert float(fees["change"]) == 30000 and fees["new"] is False
    brief = runner.invoke(cli, [*args, "--brief"]).output
    assert "+3万  O1.FEESQ" in brief and "-36万" not in brief, brief


def test_a_growth_target_holds_a_period_in_progress_to_as_many_of_its_days_last_year(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")
    root = write_workspace({"okrs.toml": OKRS + GROWTH_KRS, "baselines.toml": baselines_toml()})
    runner = CliRunner()
    done = runner.invoke(cli, ["collect", "--through", "2026-03-11", "-w", str(root)])
    assert done.exit_code == 0, done.output
    args = ["--as-of", "2026-03-11", "-w", str(root)]
    report = json.loads(runner.invoke(cli, ["report", "--format", "json", *args]).output)
    fees = next(kr for o in report["objectives"] for kr in o["key_results"]
                if kr["id"] == "O1.FEES")  # fmt: skip
    # Wednesday 11 March: 3 of 2026-W11's 7 days. Due: 2025-W01 … W10 at 20,000 and 3/7
    # of 2025-W11, × 1.18; the whole of 2025-W11 was due (259,600), so that on a monthly
    # plan the 2nd of each month held two days to the whole month a year before.
    assert float(fees["expected"]) == pytest.approx((200000 + 20000 * 3 / 7) * 1.18)
    explained = runner.invoke(cli, ["explain", "O1.FEES", *args]).output
    assert "2025-W01 … 2025-W11：11 个周期中 11 个有数字，其中 11 个来自 [[baselines]]" \
           "；其中 2025-W11 按今年数字已到的 3/7 天计" in explained, explained  # fmt: skip
    english = runner.invoke(cli, ["explain", "O1.FEES", "--lang", "en", *args]).output
    assert "2025-W11 counted for 3 of its 7 days, as far as this year's figures reach" in english


def test_report_window_and_compare_give_every_flow_a_window_line(
    write_workspace: WriteWorkspace,
) -> None:
    root = collected(write_workspace, {"okrs.toml": OKRS + GROWTH_KRS,
                                       "baselines.toml": baselines_toml()})  # fmt: skip
    runner = CliRunner()
    args = ["report", "--as-of", "2026-03-15", "-w", str(root), "--window", "ytd",
            "--compare", "last_year,previous"]  # fmt: skip
    done = runner.invoke(cli, [*args, "--format", "json"])
    assert done.exit_code == 0, done.output
    results = {kr["id"]: kr for o in json.loads(done.output)["objectives"]
               for kr in o["key_results"]}  # fmt: skip
    hnw = results["O1.KR1"]["window"]
    # 1 + 2 new HNW clients a week, W01-W11: 33; 同比 2025's W01-W11 and 环比 the 11
    # weeks before, 2025's W42-W52, both read by the collect for O1.HNW's 同比: the same.
    assert hnw["name"] == "ytd" and hnw["value"] == 33
    assert hnw["periods"] == [f"2026-W{w:02d}" for w in range(1, 12)]
    assert [c["over"] for c in hnw["comparisons"]] == ["last_year", "previous"]
    assert [(c["earlier"], c["change"]) for c in hnw["comparisons"]] == [(33, 0), (33, 0)]
    assert results["O1.KR2"]["window"] is None  # complaint_rate is a ratio
    assert results["O1.HNW"]["window"]["name"] == "mtd"  # its target file asks for mtd
    assert results["O1.FEES"]["window"]["growth"] == 0.18
    plain = runner.invoke(cli, [*args[:5], "--format", "json"])
    assert json.loads(plain.output)["objectives"][0]["key_results"][0]["window"] is None
    text = runner.invoke(cli, [*args, "--format", "md"]).output
    assert "本年至今 33户 · 同比 0.0%（上年同期 33户" in text, text
    only_compare = runner.invoke(cli, [*args[:5], "--compare", "previous", "--format", "json"])
    window = json.loads(only_compare.output)["objectives"][0]["key_results"][0]["window"]
    assert window["name"] == "wtd" and window["periods"] == ["2026-W11"]
    assert [c["over"] for c in window["comparisons"]] == ["previous"]


def test_a_one_off_compare_with_no_last_year_says_how_to_get_it(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``report --compare last_year`` read 无上年同期数据 and left it there, though collect
    reads last year's figures only for a key result whose target file asks: the line says
    what to add and to collect, and doing so gives the comparison. A key result whose file
    asks, and whose source has none of last year, says only that there is none."""
    hint = {
        "zh": '同比 — 无上年同期数据：单次的 --compare 不采集上年数据；在目标文件中给这项'
              '关键结果加上 compare = ["last_year"]，再运行 okrdesk collect',
        "en": 'YoY — no figure a year before: a one-off --compare collects no figures of '
              'last year; add compare = ["last_year"] to this key result in its target '
              "file, then run okrdesk collect",
    }  # fmt: skip

    def hnw_line(root: Path, lang: str) -> str:
        args = ["report", "--as-of", "2026-03-15", "-w", str(root), "--format", "md"]
        done = CliRunner().invoke(cli, [*args, "--compare", "last_year", "--lang", lang])
        assert done.exit_code == 0, done.output
        flat = " ".join(done.output.replace("\\", "").split())
        return flat[flat.index("| O1.KR1 ") + 2 :].split(" | ")[0]

    root = collected(write_workspace, {"okrs.toml": OKRS})
    for lang in ("zh", "en"):
        assert hint[lang] in hnw_line(root, lang)
    asks = OKRS.replace("milestones = { Q2", 'compare = ["last_year"]\nmilestones = { Q2', 1)
    (root / "targets" / "okrs.toml").write_text(asks, encoding="utf-8")
    done = CliRunner().invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(root)])
    assert done.exit_code == 0, done.output
    assert hnw_line(root, "zh").endswith("本周至今 3户 · 同比 0.0%（上年同期 3户）")
    monkeypatch.setenv("OKRDESK_TEST_FROM", "2026-01-01")  # a source of this year alone
    root = write_workspace({"okrs.toml": asks}, root=tmp_path / "this-year-alone")
    done = CliRunner().invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(root)])
    assert done.exit_code == 0, done.output
    assert hnw_line(root, "zh").endswith("同比 — 无上年同期数据")
    assert hnw_line(root, "en").endswith("YoY — no figure a year before")


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--window", "last_week", "--lang", "en"],
         '--window last_week: unknown window "last_week"; expected'),
        (["--compare", "yoy", "--lang", "en"],
         '--compare yoy: "yoy" is no comparison; give last_year (同比)'),
        (["--compare", "last_year,", "--lang", "en"],
         "--compare last_year,: an empty name is no comparison"),
        (["--window", "last_week"], "--window last_week：不是时间窗口；可用 wtd、mtd"),
        (["--compare", "yoy"], '--compare yoy："yoy" 不是可比口径；请写 last_year（同比）'),
    ],
)  # fmt: skip
def test_report_window_options_are_checked(
    write_workspace: WriteWorkspace, option: list[str], message: str
) -> None:
    root = write_workspace({})
    done = CliRunner().invoke(cli, ["report", "-w", str(root), *option])
    assert done.exit_code == 2
    assert message in done.output


def test_report_window_fits_the_plans_grain(write_workspace: WriteWorkspace) -> None:
    from sample_workspace import PLAN

    monthly = PLAN.replace('unit = "branch"\n', 'unit = "branch"\ngrain = "month"\n', 1)
    root = write_workspace({"plan.toml": monthly})
    done = CliRunner().invoke(cli, ["report", "-w", str(root), "--window", "wtd", "--lang", "en"])
    assert done.exit_code == 2
    assert "--window wtd: a plan measured by month cannot give a week window (wtd)" in done.output
    zh = CliRunner().invoke(cli, ["report", "-w", str(root), "--window", "wtd"]).output
    assert "--window wtd：计划的周期比这个窗口长，给不出它" in zh


def test_explain_says_why_a_growth_target_has_no_target(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OKRDESK_TEST_FROM", "2026-01-01")  # a source of this year alone
    root = collected(write_workspace, {"okrs.toml": OKRS + GROWTH_KRS})
    done = CliRunner().invoke(cli, ["explain", "O1.FEES", "--as-of", "2026-03-15", "-w", str(root)])
    assert done.exit_code == 0, done.output
    assert "  无目标：去年无数据（2025-W01 … 2025-W53：53 个周期中 0 个有数字）" in done.output


def test_a_day_whose_period_is_stored_whole_keeps_its_windows_spans(tmp_path: Path) -> None:
    """April is stored whole (collected through 20 November): as of 15 April none of it
    counts, and the quarter to date is still the second quarter's, with nothing in it
    yet; not the first quarter's, which the figures' last day falls in."""
    kr = growth_kr("0.18", "qtd")
    plan = plan_of(Grain.MONTH, kr)
    april = dt.date(2026, 4, 15)
    with monthly_store(tmp_path) as store:
        engine = Engine(plan, store, april, SPECS)
        assert engine.through == dt.date(2026, 3, 31)
        p = engine.key_result(kr, "br")
        assert p is not None and p.actual.value is None
        # Q2 2025, 80 × (4 + 5 + 6) + 3 × 10 = 1,230, grown 18%.
        assert p.target.value == pytest.approx(1230 * 1.18)
        seen = window_view(plan, store, SPECS["fees"], "br", april, parse_window("qtd"),
                           (Over.LAST_YEAR,), engine.through)  # fmt: skip
        assert (seen.now.periods, seen.now.value) == ((), None)
        # On 30 April, April has ended: it counts, against April a year before.
        end = Engine(plan, store, dt.date(2026, 4, 30), SPECS).key_result(kr, "br")
        assert end is not None and end.actual.value == 410


def test_a_to_date_window_at_a_span_s_edge_is_the_span_it_counts_and_says_which(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"okrs.toml": OKRS})
    done = CliRunner().invoke(cli, ["collect", "--through", "2026-05-10", "-w", str(root)])
    assert done.exit_code == 0, done.output

    def window(day: str, name: str) -> dict[str, object]:
        shown = CliRunner().invoke(cli, ["report", "--as-of", day, "-w", str(root), "--window",
                                         name, "--format", "json"])  # fmt: skip
        assert shown.exit_code == 0, shown.output
        results = {kr["id"]: kr for o in json.loads(shown.output)["objectives"]
                   for kr in o["key_results"]}  # fmt: skip
        found = results["O1.KR1"]["window"]
        assert isinstance(found, dict)
        return found

    # Tuesday 31 March: its week (30 March to 5 April) belongs to April by its Thursday
    # and counts not at all; the quarter to date is the first, whole: W01 to W13.
    q1 = window("2026-03-31", "qtd")
    assert q1["periods"] == [f"2026-W{w:02d}" for w in range(1, 14)] and q1["value"] == 39
    assert q1["span"] is None
    # Sunday 3 May ends a week whose Thursday is in April: the month to date is April's,
    # and says so (本月至今（2026-04）).
    april = window("2026-05-03", "mtd")
    assert april["periods"] == [f"2026-W{w}" for w in range(14, 19)] and april["span"] == "2026-04"
    text = CliRunner().invoke(cli, ["report", "--as-of", "2026-05-03", "-w", str(root),
                                    "--window", "mtd"]).output  # fmt: skip
    assert "本月至今（2026-04）" in text
    # Wednesday 1 April counts March last: the quarter to date is the second's, empty yet.
    assert window("2026-04-01", "qtd")["periods"] == []


def test_a_quarter_s_last_day_counts_that_quarter_when_collected_through_it(
    write_workspace: WriteWorkspace,
) -> None:
    """Collected through Tuesday 31 March, 2026-W14 (30 March to 5 April) is stored with
    its first two days; by its Thursday it is April's. The quarter to date on 31 March is
    still the first, whole (W01 to W13), as on a day whose week is stored whole: not the
    second quarter's two days, which held a quarterly growth target to 2 days of Q2 on
    the last day of Q1 and took the branch's score down 26 points."""
    okrs = OKRS + GROWTH_KRS.replace('unit = "元"\n', 'unit = "元"\nwindow = "qtd"\n', 1)
    root = write_workspace({"okrs.toml": okrs, "baselines.toml": baselines_toml()})
    done = CliRunner().invoke(cli, ["collect", "--through", "2026-03-31", "-w", str(root)])
    assert done.exit_code == 0, done.output
    args = ["report", "--as-of", "2026-03-31", "-w", str(root), "--format", "json"]
    shown = CliRunner().invoke(cli, [*args, "--window", "qtd"])
    assert shown.exit_code == 0, shown.output
    results = {kr["id"]: kr for o in json.loads(shown.output)["objectives"]
               for kr in o["key_results"]}  # fmt: skip
    q1 = [f"2026-W{w:02d}" for w in range(1, 14)]
    assert results["O1.KR1"]["window"]["periods"] == q1
    assert results["O1.KR1"]["window"]["span"] is None
    fees = results["O1.FEES"]
    assert fees["window"]["periods"] == q1 and fees["window"]["span"] is None
    # 13 weeks of 30,000 against Q1 2025's 13 weeks of 20,000, grown 18%.
    assert float(fees["actual"]) == 13 * 30000
    assert float(fees["target"]) == pytest.approx(13 * 20000 * 1.18)
    assert fees["status"] == "met"
    text = CliRunner().invoke(cli, ["report", "--as-of", "2026-03-31", "-w", str(root),
                                    "--window", "qtd"]).output  # fmt: skip
    assert "本季至今（2026-Q2）" not in text
    # The next day, Wednesday 1 April, the week holding it is the second quarter's.
    april = CliRunner().invoke(cli, ["report", "--as-of", "2026-04-01", "-w", str(root),
                                     "--format", "json"])  # fmt: skip
    fees = {kr["id"]: kr for o in json.loads(april.output)["objectives"]
            for kr in o["key_results"]}["O1.FEES"]  # fmt: skip
    assert fees["window"]["periods"] == ["2026-W14"]


def test_a_growth_target_with_no_target_is_not_among_what_moved_most(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What moved most is ranked by the share of its way each key result moved: one with
    no target has no way, and its change in yuan (+3万) was taken for a share of 1, so
    it came first, ahead of key results that did move towards their targets."""
    root = started_in_july(write_workspace, monkeypatch)
    args = ["report", "--as-of", "2026-03-15", "-w", str(root), "--brief"]
    lines = CliRunner().invoke(cli, args).output.splitlines()
    at = lines.index("变化最大（周变化）")
    moved = list(itertools.takewhile(lambda line: line.startswith("  "), lines[at + 1 :]))
    assert moved == ["  +3户  O1.HNW 新增高净值客户（月度）", "  +3户  O1.KR1 新增高净值客户"]
