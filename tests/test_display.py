"""How figures are written: one half-up rule, whole counts, changes, money, one language.

Every expected string here is worked out by hand from the figures in real
branch documents (docs/report.md, "Digits and rounding").
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from okrdesk.engine.plan_calendar import one_period_before
from okrdesk.errors import Said
from okrdesk.figures_apart import Quantity
from okrdesk.messages import alert_text, label
from okrdesk.periods import Grain
from okrdesk.report.document import ReportBreaker, ReportBudget, ReportBudgetTotal, ReportLine
from okrdesk.report.formats.json import dumps, number
from okrdesk.report.notes import ledger_rounding_note
from okrdesk.report.numbers import ledger, money, percent, ratio, score_text
from okrdesk.units import UNITS, figure, ledger_amount, parse_money, said_back, written
from sample_workspace import PLAN, WriteWorkspace

# ------------------------------------------------------------ digits and rounding


@pytest.mark.parametrize(
    ("fraction", "shown"),
    [
        (Decimal(32) / 40, "80.0%"),  # 32 of 40 new accounts
        (Decimal(18) / 32, "56.25%"),  # 18 effective of 32
        (Decimal("41.3") / 38, "108.7%"),  # net new AUM 41.3亿 on 38亿: 108.684…
        (Decimal("4.72") / Decimal("4.5"), "104.9%"),  # revenue 4.72亿 on 4.5亿: 104.888…
        (Decimal(1 + 9 + 50) / (10 + 10 + 1000), "5.88%"),  # a team's conversions, 60/1020
        (18 / 32, "56.25%"),
        (60 / 1020, "5.88%"),
        (1.0, "100.0%"),
        # From 1,000% up an exact share is not six digits: 697,587 of a 30,000 target
        # reads 2,325.3% beside 698,276's 2,327.6% in a firm's column, not 2,325.29%.
        (Decimal(697_587) / 30_000, "2,325.3%"),
        (Decimal(698_276) / 30_000, "2,327.6%"),
        (Decimal(29_979) / 30_000, "99.93%"),
        (Decimal(12), "1,200.0%"),
    ],
)
def test_shares_keep_the_digits_that_tell_them_apart(fraction: Any, shown: str) -> None:
    assert percent(fraction) == shown


@pytest.mark.parametrize(
    ("fraction", "shown"),
    [
        (Decimal("0.9125"), "91.3%"),  # beside 91.4% in a ranking, not 91.25%
        (Decimal("0.914"), "91.4%"),
        (Decimal("0.8"), "80.0%"),
        (Decimal("0.0525"), "5.25%"),  # three significant digits below 10%
        (Decimal("1.13333"), "113.3%"),
        (None, "—"),
    ],
)
def test_a_score_is_an_average_so_it_keeps_three_digits_always(fraction: Any, shown: str) -> None:
    assert score_text(fraction) == shown


def test_the_rule_rounds_half_up_on_the_decimal_not_the_float() -> None:
    assert round(0.125, 2) == 0.12  # what float rounding would show
    assert figure(0.125) == "0.13"
    assert figure(Decimal("2.345")) == "2.35"
    assert figure(1234.5) == "1,235"
    assert figure(-0.001) == "0"


def test_roi_keeps_two_decimals_and_never_more() -> None:
    assert ratio(100_000_000 / 8_990_000) == "11.12"
    assert ratio(328.94) == "328.9"
    # Kept to the places shown, as the workbook's 0.00 keeps them: 29.9 beside 16.68
    # reads as less exact, 644 as a figure someone typed.
    assert ratio(29.899) == "29.90"
    assert ratio(644.04) == "644.0"
    assert ratio(3) == "3.00"


# ------------------------------------------------------------------ whole counts


def test_counts_are_whole_when_asked_and_money_keeps_its_unit() -> None:
    hu = UNITS["户"]
    assert written(hu, 751.5, "zh", whole=True) == "752户"
    assert written(hu, 327.7, "zh", whole=True) == "328户"
    assert written(hu, 40.5, "en", whole=True) == "41 accts"
    assert written(UNITS["单"], 67.19, "en", whole=True) == "67 deals"
    assert written(UNITS["人"], 145, "en", whole=True) == "145 people"
    assert written(UNITS["次"], 0, "en", whole=True) == "0 times"
    assert written(UNITS["个"], 0.81, "zh", whole=True) == "1个"
    assert written(UNITS["个"], 0.81, "en", whole=True) == "1 item"
    assert written(UNITS["人"], 1, "en", whole=True) == "1 person"
    assert written(UNITS["count"], 12, "zh", whole=True) == "12"
    # A fraction of one too small to show stays in its unit (a due figure on the plan's
    # first day): 0户, never a search for a smaller unit than 户.
    assert written(hu, 0.001, "zh", whole=True) == "0户"
    assert written(hu, 0.001, "zh") == "0户"


def test_a_count_of_a_million_or_more_is_written_in_wan_or_yi() -> None:
    """A head office writes a firm's clients as 1,638万户, not 16,375,452户; a branch's
    counts stay whole and in full up to 999,999."""
    hu = UNITS["户"]
    cases = (999_999, 1_000_000, 16_375_452, -2_500_000, 99_995_000, 163_754_524)
    assert [written(hu, v, "zh", whole=True) for v in cases] == [
        "999,999户", "100万户", "1,638万户", "-250万户", "1.00亿户", "1.64亿户"
    ]  # fmt: skip
    assert [written(hu, v, "en", whole=True) for v in cases] == [
        "999,999 accts", "1m accts", "16.38m accts", "-2.5m accts", "100.0m accts",
        "163.8m accts",
    ]  # fmt: skip
    assert written(UNITS["count"], 1_234_567, "zh") == "123.5万"


@pytest.mark.parametrize(
    ("unit", "base", "zh", "en"),
    [
        ("户", 16_399_800, "1,640万户", "16.40m accts"),  # rounded: its places kept
        ("户", 16_375_452, "1,638万户", "16.38m accts"),
        ("户", 149_996_000, "1.50亿户", "150.0m accts"),
        ("户", 150_000_000, "1.5亿户", "150m accts"),  # exact: as set
        ("人", -2_500_000, "-250万人", "-2.5m people"),
        ("万户", 14_996, "1.50万户", "14,996 accts"),  # 1.50万户 beside 1.33万户
        ("万户", 15_000, "1.5万户", "15,000 accts"),
    ],
)  # fmt: skip
def test_a_large_count_rounded_keeps_its_places_as_money_does(
    unit: str, base: int, zh: str, en: str
) -> None:
    """A firm's 16,399,800 clients read 16.4m accts beside another row's 16.38m accts:
    a count in 万, 亿 or millions dropped its zeros where money keeps them (¥84.70m)."""
    written_in = UNITS[unit]
    assert written(written_in, base, "zh", whole=True) == zh
    assert written(written_in, base, "en", whole=True) == en


def test_a_target_in_wan_hu_reads_in_millions_in_english_as_one_in_hu_does() -> None:
    """English has no 万户: a firm's 1,638万户 is 16.38m accts whichever unit the target
    file wrote, not 16,375,452 accts beside another key result's 16.38m."""
    wan_hu, hu = UNITS["万户"], UNITS["户"]
    for value in (999_999, 16_375_452, 163_754_524):
        assert written(wan_hu, value, "en", whole=True) == written(hu, value, "en", whole=True)
    assert written(wan_hu, 16_375_452, "en") == "16.38m accts"
    assert written(UNITS["万人"], 2_500_000, "en") == "2.5m people"
    assert written(wan_hu, 163_754_524, "zh") == "16,375万户"  # its own scale in Chinese


def test_a_count_too_small_for_wan_hu_is_written_in_hu_not_as_0() -> None:
    """A team's 45 new clients of a target in 万户 read 45户, not 0万户 (a week's +45
    as +0万户 reads as no change at all); nor is 0, which has no scale: 0户."""
    assert written(UNITS["万户"], 45, "zh") == "45户"
    assert written(UNITS["万户"], -45, "zh", whole=True) == "-45户"
    assert written(UNITS["万人"], 12.4, "zh", whole=True) == "12人"
    assert written(UNITS["万户"], 0, "zh") == "0户"
    assert written(UNITS["万户"], 887.7, "zh") == "0.09万户"


# ----------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("amount", "zh", "en"),
    [
        (8_990_000, "899万", "CNY 8.99m"),
        (8_950_000, "895万", "CNY 8.95m"),
        (40_000, "4万", "CNY 40k"),
        (1_441_000, "144.1万", "CNY 1.44m"),
        (2_108_894_011, "21.09亿", "CNY 2,109m"),
        (600_000, "60万", "CNY 600k"),
        (5_914, "5,914元", "CNY 5.91k"),
        (800, "800元", "CNY 800"),
        (-709_918, "-70.99万", "-CNY 709.9k"),
        (-0.4, "-0.4元", "-CNY 0.4"),  # to the fen under 100元, as a key result's row
        (12.5, "12.5元", "CNY 12.5"),
    ],
)
def test_money_has_one_form_in_each_language(amount: int, zh: str, en: str) -> None:
    assert (money(amount, "zh"), money(amount, "en")) == (zh, en)


@pytest.mark.parametrize(
    ("amount", "zh", "en", "en_amount"),
    [
        (4_277_634, "427.76万", "CNY 4,278k", 4_278_000),
        (-477_634, "-47.76万", "-CNY 478k", -478_000),
        (9_999.4, "9,999元", "CNY 10k", 10_000),
        (499.5, "500元", "CNY 500", 500),
        (-0.4, "0元", "CNY 0", 0),
    ],
)
def test_a_ledger_amount_is_the_figure_it_writes(
    amount: float, zh: str, en: str, en_amount: int
) -> None:
    assert (ledger(amount, "zh"), ledger(amount, "en")) == (zh, en)
    assert ledger_amount(amount, "zh") == parse_money(zh)
    assert ledger_amount(amount, "en") == en_amount


def _budget(spent: list[float], amounts: list[float] | None = None) -> ReportBudget:
    amounts = amounts or [100_000.0] * len(spent)
    calm = ReportBreaker(tripped=False, reason="", message="", spend_progress=0.0,
                         allowed=None, threshold=0.1)  # fmt: skip
    lines = tuple(
        ReportLine(id=f"l{n}", name=f"line {n}", owner="b", amount=a, spent=s, left=a - s,
                   planned=a, roi=None, attributed_revenue=None, cost_per_result=(),
                   breaker=calm, market_activity=False, signed_by=(), overrides=())
        for n, (a, s) in enumerate(zip(amounts, spent, strict=True))
    )  # fmt: skip
    total = ReportBudgetTotal(
        amount=sum(amounts), declared=None, spent=sum(spent), left=sum(amounts) - sum(spent),
        attributed_revenue=None, roi=None, expected_revenue=None, expected_roi=None,
        expense_ratio=None, expense_ratio_max=None,
    )  # fmt: skip
    return ReportBudget(lines=lines, reserve=None, total=total)


def test_a_budget_table_that_does_not_add_up_as_written_says_why() -> None:
    # Three lines of 11,140 yuan spent: 1.11万 each, 3.34万 in all, not 3.33万.
    uneven = _budget([11_140.0] * 3)
    assert [ledger(line.spent, "zh") for line in uneven.lines] == ["1.11万"] * 3
    assert ledger(uneven.total.spent, "zh") == "3.34万"
    assert ledger_rounding_note(uneven, "zh") == label("zh", "ledger_rounding")
    # In thousands the same figures add up: CNY 11k three times is CNY 33k.
    assert ledger_rounding_note(uneven, "en") == ""
    # Whole hundreds always add up, in both languages.
    assert ledger_rounding_note(_budget([12_300.0, 45_600.0, 7_800.0]), "zh") == ""
    # A line whose amount less spent is not what is left, as written.
    line = _budget([10_004.0], amounts=[20_000.0])
    assert [ledger(v, "zh") for v in (20_000.0, 10_004.0, 9_996.0)] == ["2万", "1万", "9,996元"]
    assert ledger_rounding_note(line, "zh") == label("zh", "ledger_rounding")


def test_a_key_results_money_is_in_its_targets_unit() -> None:
    yi = UNITS["亿元"]
    assert [written(yi, v, "zh") for v in (4.72e8, 4.5e9, 4.13e9)] == ["4.72亿", "45亿", "41.3亿"]
    assert [written(yi, v, "en") for v in (4.72e8, 4.5e9)] == ["CNY 472m", "CNY 4,500m"]
    assert written(UNITS["万元"], 20_180_000, "en") == "CNY 20.18m"
    assert written(yi, -77_330_000, "en") == "-CNY 77.33m"


def test_a_key_result_set_in_yuan_is_written_in_wan_and_yi_from_1wan_up() -> None:
    """A head office's branch figures on a target set in 元 read 2.17亿 and 166.0万, as a
    branch writes them, not 217,262,978元; under 1万 they stay in 元, as in English."""
    yuan = UNITS["元"]
    assert [written(yuan, v, "zh") for v in (217_262_978, 1_659_757, -709_900, 23_290)] == [
        "2.17亿", "166.0万", "-70.99万", "2.33万"  # 165.9757万 rounded keeps its place
    ]  # fmt: skip
    assert [written(yuan, v, "zh") for v in (5_914, 887.7, 12.5, 9_999.5, 0)] == [
        "5,914元", "888元", "12.5元", "1.00万", "0元"  # 9,999.5元 rounded up to 1万
    ]  # fmt: skip
    assert written(yuan, 887.7, "en") == "CNY 888"
    assert written(yuan, 217_262_978, "en") == "CNY 217.3m"


def test_an_amount_too_small_for_its_unit_is_not_written_as_zero() -> None:
    """Two decimals of 亿 are 100万: below half of that, a figure in 亿 would read 0亿
    (or CNY 0m) though it is not. It is written in the scale that fits it; a true 0,
    a target of none, has no scale: 0元 and CNY 0, as a branch writes it, never 0亿 or
    CNY 0m, which read as an amount rounded away."""
    yi = UNITS["亿元"]
    assert [written(yi, v, "zh") for v in (90_000, -51_789, 499_999, 500_000, 0)] == [
        "9万", "-5.18万", "50.00万", "50万", "0元"  # 49.9999万 rounded keeps its places
    ]  # fmt: skip
    assert [written(UNITS[u], 0, lang) for u in ("万元", "元") for lang in ("zh", "en")] == [
        "0元", "CNY 0", "0元", "CNY 0"
    ]  # fmt: skip
    # A command telling what it wrote (a split's share of none) writes it so too.
    assert [said_back(yi, 0, "zh"), said_back(yi, 0, "en"), said_back(UNITS["万户"], 0, "zh")] == [
        "0元", "CNY 0", "0户"
    ]  # fmt: skip
    # Under 1亿 a figure of a key result in 亿 is written in 万, keeping its digits: two
    # actuals 9,306万 and 9,260万 are not both 0.93亿.
    assert [written(yi, v, "zh") for v in (93_060_000, 92_600_000, -20_000_000, 1e8)] == [
        "9,306万", "9,260万", "-2,000万", "1亿"
    ]  # fmt: skip
    # The scale as the figure is written: rounded up to 10,000 of one is 1 of the next,
    # with the places a rounded amount keeps.
    assert [written(yi, v, "zh") for v in (99_995_000, -99_999_999, 9_999.5, 9_999.4)] == [
        "1.00亿", "-1.00亿", "1.00万", "9,999元"
    ]  # fmt: skip
    # In English under CNY 1m as an amount on its own is written, as 万 under 1亿.
    assert [written(yi, v, "en") for v in (4_000, -51_789, 0, 10_000, 999_999, 1.2e6)] == [
        "CNY 4k", "-CNY 51.79k", "CNY 0", "CNY 10k", "CNY 1.00m", "CNY 1.2m"
    ]  # fmt: skip
    # The scale as the figure is written: 999,999 is CNY 1.00m, not CNY 1,000k.
    assert [money(v, "en") for v in (999_999, 999.6, 999.4, 709_900)] == [
        "CNY 1.00m", "CNY 1.00k", "CNY 999", "CNY 709.9k"
    ]  # fmt: skip
    assert written(UNITS["万元"], 40, "zh") == "40元"


# -------------------------------------------------------------------- changes


def test_one_period_earlier_follows_the_grain() -> None:
    day = dt.date(2026, 5, 31)
    assert one_period_before(day, Grain.WEEK) == dt.date(2026, 5, 24)
    assert one_period_before(day, Grain.MONTH) == dt.date(2026, 4, 30)
    assert one_period_before(day, Grain.QUARTER) == dt.date(2026, 2, 28)
    assert one_period_before(dt.date(2026, 1, 15), Grain.MONTH) == dt.date(2025, 12, 15)


def test_a_gap_between_rates_is_in_points_in_an_alert() -> None:
    params = {"kr": "O1.KR3", "subject": "szft", "more_or_less": "less",
              "implied": Quantity(UNITS["%"], 0.1171), "declared": Quantity(UNITS["%"], 0.12),
              "gap": Quantity(UNITS["%"], 0.0029, points=True)}  # fmt: skip
    assert "11.71%, 0.29 pp less than the 12%" in alert_text("target.members_differ", "en", params)
    assert "少 0.29百分点" in alert_text("target.members_differ", "zh", params)


CHECKED_IN = """\
[[objectives]]
id = "O1"
title = "收入与转化"
owner = "branch"

[[objectives.key_results]]
id = "REV"
title = "营业收入"
target = 4.5
unit = "亿元"

[[objectives.key_results]]
id = "CONV"
title = "开户转化率"
target = 16
unit = "%"

[[objectives.key_results]]
id = "LEADS"
title = "高净值潜在客户"
target = 180
unit = "户"
"""


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)], catch_exceptions=False)


@pytest.fixture
def checked_in(write_workspace: WriteWorkspace) -> Path:
    """A monthly plan whose results are checked in: the first revenue figure at the end
    of June, conversion 12% on 20 May and 13.5% at the end of June."""
    plan = PLAN.replace('unit = "branch"\n', 'unit = "branch"\ngrain = "month"\n', 1)
    root = write_workspace({"plan.toml": plan, "okrs.toml": CHECKED_IN, "budget.toml": None})
    for args in (("O1.CONV", "12", "2026-05-20"), ("O1.CONV", "13.5", "2026-06-30"),
                 ("O1.REV", "4.72", "2026-06-30"), ("O1.LEADS", "160", "2026-05-20"),
                 ("O1.LEADS", "161", "2026-06-30")):  # fmt: skip
        done = run(root, "checkin", args[0], args[1], "--date", args[2])
        assert done.exit_code == 0, done.output
    return root


def report(root: Path, *args: str) -> str:
    done = run(root, "report", "--as-of", "2026-06-30", *args)
    assert done.exit_code == 0, done.output
    return done.output


def row(text: str, kr: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(f"| {kr} "))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_changes_are_new_points_or_whole_and_named_after_the_grain(checked_in: Path) -> None:
    zh = report(checked_in, "--format", "md")
    assert "| 月变化 |" in zh and "周变化" not in zh
    # actual, target, attainment, expected, status, change
    assert row(zh, "O1.REV")[1:4] == ["4.72亿", "4.5亿", "104.9%"]
    assert row(zh, "O1.REV")[6] == "新增"
    assert row(zh, "O1.CONV")[1] == "13.5%" and row(zh, "O1.CONV")[6] == "+1.5百分点"
    # A count is whole, and so is its change and its pro-rated expected figure.
    assert row(zh, "O1.LEADS")[1] == "161户" and row(zh, "O1.LEADS")[6] == "+1户"
    assert re.fullmatch(r"\d+户", row(zh, "O1.LEADS")[4])
    en = report(checked_in, "--format", "md", "--lang", "en")
    assert "| Month Δ |" in en
    assert row(en, "O1.REV")[1] == "CNY 472m" and row(en, "O1.REV")[6] == "new"
    assert row(en, "O1.CONV")[6] == "+1.5 pp"
    assert row(en, "O1.LEADS")[1:3] == ["161 accts", "180 accts"]
    data = json.loads(report(checked_in, "--format", "json"))
    assert data["grain"] == "month"
    results = {kr["id"]: kr for kr in data["objectives"][0]["key_results"]}
    assert (results["O1.REV"]["new"], results["O1.REV"]["change"]) == (True, None)
    assert (results["O1.CONV"]["new"], results["O1.CONV"]["change"]) == (False, 0.015)
    assert results["O1.LEADS"]["actual"] == 161


# ------------------------------------------------------------------------ JSON


def test_json_numbers_carry_no_float_noise() -> None:
    assert number(0.9800000000000001) == "0.98"
    assert number(8.999999999999997e-05) == "0.00009"
    assert number(0.1 + 0.2) == "0.3"
    assert number(2108894011.4567) == "2108894011.46"
    assert number(1.5e9) == "1500000000"
    assert json.loads(dumps({"a": [0.1 + 0.2, 1, None, True, "x\n"]})) == {
        "a": [0.3, 1, None, True, "x\n"]
    }


NOISE = re.compile(r"\d[eE][-+]?\d")
NUMBER = re.compile(r"(?<![\w.-])-?\d+(?:\.\d+)?(?![\w.-])")


def significant(token: str) -> int:
    return len(token.lstrip("-").replace(".", "").lstrip("0").rstrip("0") or "0")


def test_the_json_is_free_of_noise_and_exponents(checked_in: Path) -> None:
    text = report(checked_in, "--format", "json")
    values = [line.split(": ", 1)[-1].rstrip(",") for line in text.splitlines()]
    numbers = [v for v in values if NUMBER.fullmatch(v)]
    assert len(numbers) > 20 and NOISE.findall(text) == []
    assert max(significant(n) for n in numbers) <= 12
    assert json.loads(text)["objectives"][0]["key_results"][1]["actual"] == 0.135


# --------------------------------------------------------------- one language


def test_check_speaks_the_language_asked_for(checked_in: Path) -> None:
    # By the end of September every check-in is older than 31 days.
    zh = run(checked_in, "check", "--as-of", "2026-09-30")
    en = run(checked_in, "check", "--as-of", "2026-09-30", "--lang", "en")
    assert zh.exit_code == en.exit_code == 1
    # The three check-ins 30 June left undone are one line.
    # Counted as `okrdesk due` counts them: W28 to W39 went by with none.
    assert ("数据过期   3 项关键结果最近一次打卡在 2026-06-30，已 12 周未打卡："
            "O1.REV、O1.CONV、O1.LEADS") in zh.output  # fmt: skip
    assert zh.output.splitlines()[-1] == "1 项需要关注。"
    assert not re.search(r"STALE|ERROR|WARNING|need attention|no check-in", zh.output)
    assert ("STALE      3 key results: no check-in since 2026-06-30, 12 weeks missed: "
            "O1.REV, O1.CONV, O1.LEADS") in en.output  # fmt: skip
    assert en.output.splitlines()[-1] == "1 thing needs attention."
    assert run(checked_in, "check", "--as-of", "2026-06-30").output == ""
    assert run(checked_in, "check", "--as-of", "2026-06-30", "-v").output == "一切正常。\n"


def test_explain_writes_figures_as_the_report_does(checked_in: Path) -> None:
    done = run(checked_in, "explain", "O1.REV", "--as-of", "2026-06-30")
    assert done.exit_code == 0, done.output
    assert "= 4.72亿" in done.output
    assert not NOISE.search(done.output)


def test_the_pace_an_alert_gives_reads_as_computed() -> None:
    """Beside 74.3%, a pace of 0.69017 read "69%", as if typed; it is computed, and
    keeps a decimal as the report's attainments do."""
    about = {"kr": "O3.KR2b", "title": "新人 90 天首单率"}
    said = [alert_text("kr.off_track", "zh", {**about, "pace": p}) for p in (0.69017, 0.7429)]
    assert said[0].endswith("仅达应完成进度的 69.0%") and said[1].endswith("74.29%")
    assert alert_text("kr.off_track", "en", {**about, "pace": 0.8}).endswith(
        "at 80.0% of the pace due"
    )


def test_a_breached_guardrail_says_its_figure_and_the_limit_it_went_past() -> None:
    about = {"kr": "C1.KR3", "title": "客户 NPS", "old": Said("", "")}
    score, rate = UNITS["分"], UNITS["%"]
    floor = {**about, "actual": Quantity(score, 58), "limit": Quantity(score, 60)}
    assert alert_text("kr.breached_at_least", "zh", floor) == "C1.KR3 客户 NPS：58分，低于下限 60分"
    assert alert_text("kr.breached_at_least", "en", floor).endswith(
        ": 58 pts, below its floor of 60 pts"
    )
    band = {**about, "actual": Quantity(rate, 0.118), "limit": Quantity(rate, 0.10),
            "band": Quantity(rate, 0.01, points=True)}  # fmt: skip
    assert alert_text("kr.breached_within", "zh", band).endswith(
        "：11.8%，超出 10% ± 1百分点 的范围"
    )
    assert alert_text("kr.breached_within", "en", band).endswith(": 11.8%, outside 10% ± 1 pp")
    old = {**floor, "old": Said(" (on figures as of 2026-11-20)", "（按截至 2026-11-20 的数字）")}
    assert alert_text("kr.breached_at_least", "zh", old) == (
        "C1.KR3 客户 NPS：58分，低于下限 60分（按截至 2026-11-20 的数字）"
    )


@pytest.mark.parametrize(
    ("unit", "base", "zh", "en"),
    [
        ("‰", Decimal("0.000001"), "0.001‰", "0.001‰"),  # a limit of 0.001‰ read 0.00‰
        ("%", Decimal("0.0000421"), "0.0042%", "0.0042%"),  # 0.00%
        ("百分点", Decimal("-0.00003"), "-0.003百分点", "-0.003 pp"),
        ("‰", Decimal("0.00015"), "0.15‰", "0.15‰"),  # as before
        ("%", Decimal("0.0001234"), "0.01%", "0.01%"),  # a digit shows: two decimals
        ("‰", Decimal(0), "0‰", "0‰"),
    ],
)
def test_a_rate_too_small_for_two_decimals_is_no_zero(
    unit: str, base: Decimal, zh: str, en: str
) -> None:
    assert (written(UNITS[unit], base, "zh"), written(UNITS[unit], base, "en")) == (zh, en)


@pytest.mark.parametrize(
    "text",
    ["王芳", "Jose\u0301 Li", "e\u0301e\u0301", "a\u200bb", "tab\tx", "客户经理7-1-7", "plain"],
)
def test_every_command_measures_a_name_as_the_report_s_tables_do(text: str) -> None:
    # `okrdesk history`, `check`, `plugins`, `spend` and `split` pad with display_width; an
    # accent typed as its own mark (as macOS writes names) counted a column there, so
    # such a name pushed its row's figures a column out of line; the tables counted none.
    from okrdesk.messages import display_width, padded
    from okrdesk.report.text_layout import cell_width

    assert display_width(text) == cell_width(text)
    assert cell_width(padded(text, 12)) == max(12, cell_width(text))
