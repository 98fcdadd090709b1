"""One command line: every typed number through one parser, "did you mean" for every id,
--override only where there is something to override. Each case is typed as a user
would, through the real CLI, and checked for its exact message."""

from __future__ import annotations

import html
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from okrdesk.store import Store
from okrdesk.units import UNITS, parse_quantity
from sample_workspace import OKRS, WriteWorkspace

TYPED = (
    OKRS
    + """
[[objectives.key_results]]
id = "REV"
title = "营业收入"
target = 5.5
unit = "亿元"

[[objectives.key_results]]
id = "NEW"
title = "新开户"
target = 40
unit = "户"

[[objectives.key_results]]
id = "NPS"
title = "满意度"
target = 80
unit = "%"
"""
)
DAY = ["--date", "2026-03-31"]


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


def refused(result: Result, message: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.output == message + "\n"


def stored(root: Path) -> list[float]:
    if not (root / "okrdesk.db").exists():
        return []
    with Store.open(root / "okrdesk.db") as store:
        return [c.value for c in store.checkins()]


@pytest.fixture
def typed(write_workspace: WriteWorkspace) -> Path:
    return write_workspace({"okrs.toml": TYPED})


# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    ("key_result", "value", "base"),
    [
        ("O1.REV", "4.72", 472_000_000),  # the key result's own unit
        ("O1.REV", "2.2亿", 220_000_000),
        ("O1.REV", "2.2亿元", 220_000_000),
        ("O1.REV", "3,500万", 35_000_000),
        ("O1.REV", "1,200,000元", 1_200_000),
        ("O1.REV", "-3", -300_000_000),  # a loss, typed without --
        ("O1.REV", "-1.5万", -15_000),
        ("O1.NEW", "12", 12),
        ("O1.NEW", "12户", 12),
        ("O1.NEW", "-3", -3),
        ("O1.NPS", "82.5", 0.825),
        ("O1.NPS", "82.5%", 0.825),
        ("O1.NPS", "825‰", 0.825),
    ],
)
def test_a_checkin_takes_the_number_as_typed(
    typed: Path, key_result: str, value: str, base: float
) -> None:
    result = run(typed, "checkin", key_result, value, *DAY)
    assert result.exit_code == 0, result.output
    assert stored(typed) == [pytest.approx(base)]


def test_a_negative_value_before_the_options_and_after_them(typed: Path) -> None:
    assert run(typed, "checkin", "--date", "2026-03-30", "O1.NEW", "-3").exit_code == 0
    assert run(typed, "checkin", "O1.NEW", "-2", "--note", "-1 closed").exit_code == 0
    with Store.open(typed / "okrdesk.db") as store:
        assert [(c.value, c.note) for c in store.checkins()] == [(-3, ""), (-2, "-1 closed")]


@pytest.mark.parametrize(
    ("key_result", "value", "message"),
    [
        ("O1.REV", "lots", "O1.REV: 'lots' is not a number. Nothing was stored."),
        ("O1.REV", "12户", "O1.REV: '12户': 户 does not go with 亿元; write it in 亿元, or as "
         "12万, 1.2亿 or 3500元. Nothing was stored."),
        ("O1.NEW", "2.5", "O1.NEW: '2.5': a count has no fraction; write whole 户. "
         "Nothing was stored."),
        ("O1.NEW", "3万元", "O1.NEW: '3万元': 万元 does not go with 户; write it in 户. "
         "Nothing was stored."),
        ("O1.NPS", "80万", "O1.NPS: '80万': 万 does not go with %; write it in %, or with % "
         "or ‰. Nothing was stored."),
        ("O1.REV", "1,5", "O1.REV: '1,5': commas only separate thousands, in groups of three "
         "(1,234,567); write the number without them. Nothing was stored."),
    ],
)  # fmt: skip
def test_a_mistyped_value_says_what_to_write(
    typed: Path, key_result: str, value: str, message: str
) -> None:
    refused(run(typed, "checkin", key_result, value, *DAY, "--lang", "en"), message)
    assert stored(typed) == []


def test_confidence_as_a_fraction_or_a_percentage(typed: Path) -> None:
    assert run(typed, "checkin", "O1.NEW", "3", "--confidence", "80%", *DAY).exit_code == 0
    assert run(typed, "checkin", "O1.NEW", "4", "--confidence", "0.8", *DAY).exit_code == 0
    refused(
        run(typed, "checkin", "O1.NEW", "4", "--confidence", "-0.1", *DAY, "--lang", "en"),
        "--confidence -0.1: not a number from 0 to 1 (or 0% to 100%). Nothing was stored.",
    )
    refused(
        run(typed, "checkin", "O1.NEW", "4", "--confidence", "-0.1", *DAY),
        "--confidence -0.1：应为 0 到 1 之间的数（或 0% 到 100%）。未记录任何打卡。",
    )
    with Store.open(typed / "okrdesk.db") as store:
        assert [c.confidence for c in store.checkins()] == [0.8, 0.8]


def test_spend_takes_grouped_and_scaled_money(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    done = run(root, "spend", "add", "training", "12,000元", "--signed-by", "王芳", *DAY)
    assert done.exit_code == 0, done.output
    with Store.open(root / "okrdesk.db") as store:
        assert [e.amount for e in store.spend()] == [Decimal(12_000)]


def test_a_negative_spend_points_to_reverse(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    result = run(root, "spend", "add", "training", "-3万", "--signed-by", "王芳")
    refused(
        result,
        "'-3万' 是负数：支出金额不能为负数。要更正一笔支出，请冲正：`okrdesk spend reverse 编号 "
        "--reason 理由`（编号见 `okrdesk spend list`）。未记录任何支出。",
    )
    result = run(root, "spend", "add", "training", "-3万", "--signed-by", "王芳", "--lang", "en")
    refused(
        result,
        "'-3万' is negative: spending is never negative. To correct an entry, reverse it: "
        "`okrdesk spend reverse ID --reason TEXT` (ids are in `okrdesk spend list`). "
        "Nothing was recorded.",
    )


def test_reversing_a_negative_entry_id_names_it(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    run(root, "spend", "add", "training", "3万", "--signed-by", "王芳", *DAY)
    result = run(root, "spend", "reverse", "-3", "--reason", "typo", "--signed-by", "王芳")
    refused(result, "台账中没有第 -3 笔；`okrdesk spend list` 列出各笔的编号")
    result = run(root, "spend", "reverse", "-3", "--reason", "typo", "--signed-by", "王芳",
                 "--lang", "en")  # fmt: skip
    refused(result, "no ledger entry -3; `okrdesk spend list` shows the ids")


def test_parse_quantity_scales_a_count_by_wan() -> None:
    assert parse_quantity(UNITS["户"], "1.2万") == 12_000
    assert parse_quantity(UNITS["户"], "1.2万户") == 12_000
    assert parse_quantity(None, "1.2亿") == 120_000_000
    with pytest.raises(ValueError, match="say the unit"):
        parse_quantity(None, "12")


LARGE_COUNTS = (
    OKRS
    + """
[[objectives.key_results]]
id = "CLIENTS"
title = "服务客户"
baseline = 100000000
target = 200000000
unit = "户"

[[objectives.key_results]]
id = "DEALS"
title = "交易笔数"
target = 2000
unit = "单"

[[objectives.key_results]]
id = "REACHED"
title = "触达客户"
target = 5
unit = "万户"
"""
)


def test_a_large_count_checks_in_as_the_report_writes_it(write_workspace: WriteWorkspace) -> None:
    """The report writes 1.64亿户 and 1,200万单; checkin refused them ("'1.64亿' is not a
    number"), and read 1.2万 on a 万户 key result as 1.2万 万户, 1.2亿 clients."""
    root = write_workspace({"okrs.toml": LARGE_COUNTS})
    for key_result, value in (("O1.CLIENTS", "1.64亿户"), ("O1.DEALS", "1,200万单"),
                              ("O1.REACHED", "1.2万"), ("O1.REACHED", "3.5万户")):  # fmt: skip
        done = run(root, "checkin", key_result, value, *DAY)
        assert done.exit_code == 0, done.output
    assert stored(root) == [164_000_000, 12_000_000, 12_000, 35_000]
    assert parse_quantity(UNITS["人"], "1.64亿人") == 164_000_000
    refused(run(root, "checkin", "O1.DEALS", "3万户", *DAY, "--lang", "en"),
            "O1.DEALS: '3万户': 万户 counts something other than 单; write it in 单. Nothing "
            "was stored.")  # fmt: skip
    # explain works the attainment out again from the figures as written, to say when the
    # 64.49% beside 1.64亿户 was worked out before they were rounded: it could not read them.
    assert run(root, "checkin", "O1.CLIENTS", "16449万户", "--date", "2026-04-30").exit_code == 0
    explained = run(root, "explain", "O1.CLIENTS", "--as-of", "2026-04-30").output
    assert (
        "完成率 64.49% =（1.64亿户 − 1亿户）÷（2亿户 − 1亿户）：自起点算起，不是从 0（由舍入前的"
        "数字算得）" in explained.replace("\n  ", "")
    ), explained


def test_a_figure_in_wan_yi_is_told_in_yi() -> None:
    """A firm's AUM typed 3.5万亿 was told "'3.5万' is not a number": okrdesk writes 亿,
    and says what the figure is in it."""
    from okrdesk.units import UnreadableFigure

    for typed, yi in (("3.5万亿", "35,000亿"), ("1.25万亿元", "12,500亿")):
        with pytest.raises(UnreadableFigure) as told:
            parse_quantity(UNITS["亿元"], typed)
        assert told.value.said("en").endswith(f"okrdesk writes no 万亿; write it in 亿 ({yi})")
        assert parse_quantity(UNITS["亿元"], yi) == 10**8 * int(yi[:-1].replace(",", ""))


# ------------------------------------------------------------------ did you mean


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["checkin", "o1.kr1", "3", "--lang", "en"], 'no key result "o1.kr1" (did you mean '
         '"O1.KR1"?); key results are named <objective>.<id>, for example O1.KR1'),
        (["checkin", "o1.kr1", "3"], '没有关键结果 "o1.kr1"（是不是“O1.KR1”？）；关键结果写作 '
         "<目标>.<编号>，例如 O1.KR1"),
        (["checkin", "O1.NEW", "3", "--person", "cm1", "--lang", "en"], 'no person "cm1" (did '
         'you mean "cm01"?)'),
        (["checkin", "O1.NEW", "3", "--person", "cm1"], '没有人员 "cm1"（是不是“cm01”？）'),
        (["checkin", "O1.NEW", "3", "--unit", "Team-A", "--lang", "en"], '--unit: no unit or '
         'person "Team-A" (did you mean "team-a"?)'),
        (["checkin", "O1.NEW", "3", "--unit", "cm0"], '--unit：没有单位或人员 "cm0"（是不是'
         "“cm01”或“cm02”？）"),
        (["explain", "--unit", "team_a", "--lang", "en"], '--unit: no unit or person "team_a" '
         '(did you mean "team-a"?)'),
        (["explain", "O1.NEW", "--unit", "team_a"], '--unit：没有单位或人员 "team_a"'
         "（是不是“team-a”？）"),
        (["explain", "--person", "team-a"], '没有人员 "team-a"；team-a 是单位：--unit team-a'),
        (["explain", "O1.nps", "--lang", "en"], 'no key result "O1.nps" (did you mean '
         '"O1.NPS"?); key results are named <objective>.<id>, for example O1.KR1'),
        (["explain", "O1.nps"], '没有关键结果 "O1.nps"（是不是“O1.NPS”？）；关键结果写作 '
         "<目标>.<编号>，例如 O1.KR1"),
        (["history", "O1.nps"], '没有关键结果 "O1.nps"（是不是“O1.NPS”？）；关键结果写作 '
         "<目标>.<编号>，例如 O1.KR1"),
        (["split", "O1.NEW", "--unit", "brnch", "--lang", "en"], 'no unit "brnch" (did you mean '
         '"branch"?); O1.NEW belongs to branch'),
        (["split", "O1.NEW", "--unit", "brnch"], '没有单位 "brnch"（是不是“branch”？）；'
         "O1.NEW 属于 branch"),
        (["spend", "add", "salon", "3万", "--signed-by", "王芳", "--lang", "en"], 'no budget line '
         '"salon" (did you mean "salons"?)'),
        (["spend", "add", "salon", "3万", "--signed-by", "王芳"], '没有预算项 "salon"（是不是'
         '“salons”？）'),
        (["spend", "list", "--line", "Training", "--lang", "en"], 'no budget line "Training" '
         '(did you mean "training"?)'),
        (["report", "--unit", "team_a", "--lang", "en"], '--unit: no unit or person "team_a" '
         '(did you mean "team-a"?)'),
        (["report", "--unit", "team_a"], '--unit：没有单位或人员 "team_a"（是不是“team-a”？）'),
        (["due", "--unit", "team_a"], '--unit：没有单位或人员 "team_a"（是不是“team-a”？）'),
        (["due", "--unit", "team_a", "--lang", "en"], '--unit: no unit or person "team_a" (did '
         'you mean "team-a"?)'),
        (["check", "--unit", "team_a"], '--unit：没有单位或人员 "team_a"（是不是“team-a”？）'),
        (["check", "--unit", "team_a", "--lang", "en"], '--unit: no unit or person "team_a" '
         '(did you mean "team-a"?)'),
        (["plugins", "test_metric"], '没有插件 "test_metric"（是不是“test_metrics”？）；'
         "`okrdesk plugins` 列出全部插件"),
        # A metric's name, typed for the plugin that declares it.
        (["plugins", "new_hnw_clients"], '没有插件 "new_hnw_clients"：这是插件 test_metrics '
         "的指标；`okrdesk plugins test_metrics` 列出它"),
        (["plugins", "new_hnw_clients", "--lang", "en"], 'no plugin "new_hnw_clients": it is a '
         "metric of plugin test_metrics; `okrdesk plugins test_metrics` lists it"),
        (["collect", "--metric", "new_hnw_client", "--lang", "en"], 'no metric "new_hnw_client" '
         '(did you mean "new_hnw_clients"?); no key result or scoring policy uses it; the '
         "plan's metrics are: complaint_rate, new_hnw_clients"),
        (["collect", "--metric", "new_hnw_client"], '没有指标 "new_hnw_client"（是不是'
         "“new_hnw_clients”？）；没有关键结果或计分方案用到它；计划用到的指标："
         "complaint_rate, new_hnw_clients"),
    ],
)  # fmt: skip
def test_every_id_gets_a_suggestion(typed: Path, args: list[str], message: str) -> None:
    result = run(typed, *args)
    assert result.exit_code == 2, result.output
    assert result.output == message + "\n", result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "--unit", "cm0"], '--unit：没有单位或人员 "cm0"（是不是“cm01”或“cm02”？）'),
        (["report", "--unit", "cm0", "--lang", "en"], '--unit: no unit or person "cm0" (did '
         'you mean "cm01" or "cm02"?)'),
        (["check", "--unit", "cm0"], '--unit：没有单位或人员 "cm0"（是不是“cm01”或“cm02”？）'),
        (["check", "--unit", "cm0", "--lang", "en"], '--unit: no unit or person "cm0" (did '
         'you mean "cm01" or "cm02"?)'),
        (["due", "--unit", "cm0"], '--unit：没有单位或人员 "cm0"（是不是“cm01”或“cm02”？）'),
        (["due", "--unit", "cm0", "--lang", "en"], '--unit: no unit or person "cm0" (did you '
         'mean "cm01" or "cm02"?)'),
        (["explain", "--person", "cm0"], '没有人员 "cm0"（是不是“cm01”或“cm02”？）'),
        (["explain", "--unit", "cm0"], '--unit：没有单位或人员 "cm0"（是不是“cm01”或“cm02”？）'),
        (["explain", "O1.NEW", "--unit", "cm0", "--lang", "en"], '--unit: no unit or person '
         '"cm0" (did you mean "cm01" or "cm02"?)'),
        (["explain", "O1.KR", "--lang", "en"], 'no key result "O1.KR" (did you mean "O1.KR1" '
         'or "O1.KR2"?); key results are named <objective>.<id>, for example O1.KR1'),
        (["explain", "O1.KR"], '没有关键结果 "O1.KR"（是不是“O1.KR1”或“O1.KR2”？）；关键结果写作 '
         "<目标>.<编号>，例如 O1.KR1"),
    ],
)  # fmt: skip
def test_every_id_as_near_as_the_nearest_is_suggested(
    typed: Path, args: list[str], message: str
) -> None:
    """cm0 is as near cm01 as cm02, and O1.KR as near O1.KR1 as O1.KR2: naming one alone
    (the last in the alphabet) sent a manager who typed wm to wm2's report, when wm1 was
    as likely meant."""
    result = run(typed, *args)
    assert result.exit_code == 2, result.output
    assert result.output == message + "\n", result.output


def test_every_id_as_near_is_suggested_in_alphabetical_order() -> None:
    """Of six teams as near wm, three were named: a manager who meant wm5 was sent to one
    of wm1, wm2 and wm3, as likely not meant, with nothing to say there were more."""
    from okrdesk.targets.reader import close_matches, suggest

    teams = {f"wm{n}" for n in range(6, 0, -1)}
    assert close_matches("wm", teams) == ["wm1", "wm2", "wm3", "wm4", "wm5", "wm6"]
    assert suggest("wm", teams) == ' (did you mean "wm1", "wm2", "wm3", "wm4", "wm5" or "wm6"?)'
    assert suggest("wm", teams, "zh") == "（是不是“wm1”、“wm2”、“wm3”、“wm4”、“wm5”或“wm6”？）"
    assert suggest("wm7x", teams) == ""
    assert suggest("wm1x", teams, "zh") == "（是不是“wm1”？）"  # one nearer than the rest


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["checkin", "O1.NEW", "3", "--person", "王芳"], '没有人员 "王芳"；"王芳" 是 cm01 的名字：'
         "请写 --person cm01"),
        (["checkin", "O1.NEW", "3", "--person", "王芳", "--lang", "en"], 'no person "王芳"; "王芳" '
         "is the name of cm01: write --person cm01"),
        (["checkin", "O1.NEW", "3", "--unit", "财富管理一部"], '--unit：没有单位或人员 '
         '"财富管理一部"；"财富管理一部" 是 team-a 的名字：请写 --unit team-a'),
        (["checkin", "O1.NEW", "3", "--unit", "王芳", "--lang", "en"], '--unit: no unit or '
         'person "王芳"; "王芳" is the name of cm01: write --unit cm01'),
        (["explain", "O1.NEW", "--unit", "王芳"], '--unit：没有单位或人员 "王芳"；"王芳" 是 '
         "cm01 的名字：请写 --unit cm01"),
        (["explain", "O1.NEW", "--person", "财富管理一部", "--lang", "en"], 'no person '
         '"财富管理一部"; "财富管理一部" is the name of team-a: write --unit team-a'),
        (["report", "--unit", "财富管理一部"], '--unit：没有单位或人员 "财富管理一部"；'
         '"财富管理一部" 是 team-a 的名字：请写 --unit team-a'),
        (["due", "--unit", "王芳"], '--unit：没有单位或人员 "王芳"；"王芳" 是 cm01 的名字：'
         "请写 --unit cm01"),
        (["check", "--unit", " 福田营业部 ", "--lang", "en"], '--unit: no unit or person '
         '" 福田营业部 "; " 福田营业部 " is the name of branch: write --unit branch'),
    ],
)  # fmt: skip
def test_a_name_typed_for_an_id_is_answered_with_the_id(
    typed: Path, args: list[str], message: str
) -> None:
    """A branch manager types the name the report shows (王芳, 财富管理一部) where an id is
    asked for; nothing is recorded, and the message says the id to write."""
    result = run(typed, *args)
    assert result.exit_code == 2, result.output
    assert result.output == message + "\n", result.output
    assert stored(typed) == []


def test_checkin_takes_a_person_for_unit_as_report_does(typed: Path) -> None:
    """``report --unit cm01`` reports on the person cm01; ``checkin O1.NEW 3 --unit cm01``
    was refused ('没有单位 "cm01"；cm01 是人员：--person cm01'). It records the check-in
    for cm01 now, as --person does, and one outside the owner is refused as ever."""
    assert run(typed, "checkin", "O1.NEW", "3", "--unit", "cm01", *DAY).exit_code == 0
    assert run(typed, "checkin", "O1.NEW", "4", "--person", "cm01", *DAY).exit_code == 0
    with Store.open(typed / "okrdesk.db") as store:
        assert [(c.subject, c.value) for c in store.checkins()] == [("cm01", 3), ("cm01", 4)]
    both = run(typed, "checkin", "O1.NEW", "5", "--unit", "cm01", "--person", "cm01", *DAY)
    refused(both, "--person 和 --unit 只能给一个")
    assert stored(typed) == [3, 4]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["explain", "O1.NEW", "--as-of", "2025-06-01"], "2025-06-01 早于计划开始日（2026-01-01）"),
        (["explain", "O1", "-p", "last month", "--as-of", "2026-01-05", "--lang", "en"],
         "2025-12-31 is before the plan starts (2026-01-01)"),
        (["explain", "salons", "--as-of", "2025-12-31"], "2025-12-31 早于计划开始日（2026-01-01）"),
        (["explain", "--as-of", "2025-12-31"], "2025-12-31 早于计划开始日（2026-01-01）"),
        (["report", "--as-of", "2025-06-01"], "2025-06-01 早于计划开始日（2026-01-01）"),
        # due listed what was owed on the plan's first day instead, exit 0.
        (["due", "--as-of", "2025-12-01"], "2025-12-01 早于计划开始日（2026-01-01）"),
        (["due", "--as-of", "2025-12-01", "--lang", "en"],
         "2025-12-01 is before the plan starts (2026-01-01)"),
        # A period's or a week's end is not what was typed: the option is named.
        (["report", "-p", "2025-12"], "--period 2025-12：2025-12-31 早于计划开始日（2026-01-01）"),
        (["report", "--week", "2025-W10", "--lang", "en"],
         "--week 2025-W10: 2025-03-09 is before the plan starts (2026-01-01)"),
    ],
)  # fmt: skip
def test_explain_refuses_a_day_before_the_plan_as_the_report_does(
    typed: Path, args: list[str], message: str
) -> None:
    """explain and due read a day before the plan as its first day and said 截至
    2026-01-01 (due: what was owed then, exit 0), where the report and check refuse it."""
    assert run(typed, "checkin", "O1.NEW", "3", "--date", "2026-01-02").exit_code == 0
    refused(run(typed, *args), message)


def test_a_number_with_its_zeros_left_out_suggests_the_padded_id() -> None:
    """A head office's branches are b001 to b030: b07 means b007, though b027 is as many
    letters away."""
    from okrdesk.targets.reader import closest

    branches = [f"b{n:03d}" for n in range(1, 31)]
    assert closest("b07", branches) == "b007"
    assert closest("B7", branches) == "b007"
    assert closest("b0007", branches) == "b007"
    assert closest("b100", branches) != "b010"  # a zero inside a number counts
    # Two ids that differ only in zeros: neither is meant more than the other.
    assert closest("b7", ["b07", "b007", "c9"]) in {"b07", "b007"}


def test_a_letter_typed_for_the_digit_it_looks_like_suggests_the_id() -> None:
    """cm0l is cm01 (an l for a 1), not cm07 or cm02, which are as many letters away."""
    from okrdesk.targets.reader import closest

    people = [f"cm{n:02d}" for n in range(1, 13)]
    assert closest("cm0l", people) == "cm01"
    assert closest("CMO7", people) == "cm07"
    assert closest("cmI2", people) == "cm12"
    assert closest("cml1", people) == "cm11"
    assert closest("liuyang", ["liuyang", "1iuyang"]) == "liuyang"  # found as typed first


# ------------------------------------------------------------------ override


def test_an_override_with_nothing_to_override_is_refused(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    result = run(root, "spend", "add", "training", "3万", "--signed-by", "王芳", *DAY,
                 "--override", "--reason", "合同已签")  # fmt: skip
    refused(
        result,
        "已拒绝：没有可越过的熔断。training（培训课程）的熔断未触发，这笔支出也不会触发它；"
        "请去掉 --override 和 --reason 再记录。未记录任何支出。",
    )
    result = run(root, "spend", "add", "training", "3万", "--signed-by", "王芳", *DAY,
                 "--override", "--reason", "合同已签", "--lang", "en")  # fmt: skip
    refused(
        result,
        "refused: there is nothing to override. The breaker (熔断) on training (培训课程) is "
        "not tripped, and this entry would not trip it; record it without --override and "
        "--reason. Nothing was recorded.",
    )
    assert not (root / "okrdesk.db").exists() or not Store.open(root / "okrdesk.db").spend()


# ------------------------------------------------------------------ conventions


@pytest.fixture
def collected(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace()
    assert run(root, "collect", "--through", "2026-06-30").exit_code == 0
    return root


def as_of(root: Path, *args: str) -> str:
    """The day `explain` (which reads --period as report and check do) works as of."""
    result = run(root, "explain", "O1.KR1", *args)
    assert result.exit_code == 0, result.output
    return result.output.splitlines()[1].rsplit(" ", 1)[1]


@pytest.mark.parametrize(
    ("period", "day"),
    [
        ("2026-W14", "2026-04-05"),
        ("2026-03", "2026-03-31"),
        ("2026Q2", "2026-06-30"),
        ("2026-Q1", "2026-03-31"),
        ("Q1", "2026-03-31"),
        ("抢春播", "2026-03-31"),
        ("2026", "2026-12-31"),
        ("2026年", "2026-12-31"),
    ],
)
@pytest.mark.usefixtures("plans_over")  # as of the plan's end, after today
def test_a_period_means_the_report_as_of_its_end(collected: Path, period: str, day: str) -> None:
    assert as_of(collected, "-p", period) == day
    assert as_of(collected, "--period", period, "--as-of", "2026-12-31") == day


@pytest.mark.parametrize(
    ("period", "given", "day"),
    [
        ("last month", "2026-05-10", "2026-04-30"),
        ("this week", "2026-05-13", "2026-05-13"),  # not over yet: as of the day given
        ("last week", "2026-05-13", "2026-05-10"),
        ("this quarter", "2026-05-13", "2026-05-13"),
        ("last quarter", "2026-05-13", "2026-03-31"),
        ("last phase", "2026-05-13", "2026-03-31"),
        ("上月", "2026-05-10", "2026-04-30"),
        ("本周", "2026-05-13", "2026-05-13"),
        ("上周", "2026-05-13", "2026-05-10"),
        ("本季度", "2026-05-13", "2026-05-13"),
        ("上季", "2026-05-13", "2026-03-31"),
        ("上阶段", "2026-05-13", "2026-03-31"),
        ("上个月", "2026-05-10", "2026-04-30"),  # as a manager says it, too
        ("这周", "2026-05-13", "2026-05-13"),
        ("上个季度", "2026-05-13", "2026-03-31"),
        ("这个阶段", "2026-05-13", "2026-05-13"),
        ("this year", "2026-05-13", "2026-05-13"),
        ("今年", "2026-05-13", "2026-05-13"),
        ("本年", "2026-05-13", "2026-05-13"),
    ],
)
def test_relative_periods_count_from_the_as_of_day(
    collected: Path, period: str, given: str, day: str
) -> None:
    assert as_of(collected, "-p", period, "--as-of", given) == day


def test_a_period_that_is_none_is_named(collected: Path) -> None:
    result = run(collected, "report", "-p", "抢春", "--lang", "en")
    assert result.exit_code == 2
    assert result.output == (
        "--period '抢春' is no period (did you mean \"抢春播\"?); write 2026-W14, 2026-03, "
        "2026Q2, 2025, a phase (Q1 or its name), this week, last month or last year\n"
    )
    misspelt = run(collected, "report", "-p", "last moth", "--lang", "en")
    assert misspelt.exit_code == 2
    assert misspelt.output.startswith(
        "--period 'last moth' is no period (did you mean \"last month\"?); write"
    )
    year = run(collected, "report", "-p", "last yaer", "--lang", "en")
    assert year.output.startswith("--period 'last yaer' is no period (did you mean \"last year\"?)")
    before = run(collected, "report", "-p", "去年", "--as-of", "2026-05-01", "--lang", "en")
    assert (before.exit_code, before.output) == (
        2, "--period 去年: 2025-12-31 is before the plan starts (2026-01-01)\n"
    )  # fmt: skip
    later = run(collected, "check", "-p", "2026-W30", "--as-of", "2026-05-01", "--lang", "en")
    assert later.output == (
        "--period 2026-W30: 2026-W30 starts on 2026-07-20, after --as-of 2026-05-01; there "
        "is nothing to show yet\n"
    )


@pytest.mark.parametrize(
    ("period", "en", "zh"),
    [("2026-W54", "year 2026 has no week 54 (its last week is 2026-W53)",
      "2026 年没有第 54 周（该年最后一周是 2026-W53）"),
     ("2026-13", "there is no month 13", "没有 13 月")],
)  # fmt: skip
def test_a_period_its_year_has_not_says_why(collected: Path, period: str, en: str, zh: str) -> None:
    """-p 2026-W54 was told only that it is no period, with examples, where --week and the
    target files say the year's last week."""
    for lang, why, colon in (("en", en, ": "), ("zh", zh, "：")):
        result = run(collected, "report", "-p", period, "--lang", lang)
        assert result.exit_code == 2
        assert result.output == f"--period '{period}'{colon}{why}\n"


def test_a_period_that_is_none_is_named_in_the_workspace_language(collected: Path) -> None:
    refused(
        run(collected, "report", "-p", "抢春"),
        "--period '抢春' 不是时段（是不是“抢春播”？）；可写 2026-W14、2026-03、2026Q2、"
        "2025、阶段（Q1 或其名称）、本周、上月、本季度、上阶段 或 去年",
    )
    refused(
        run(collected, "explain", "O1.KR1", "-p", "2026-W30", "--as-of", "2026-05-01"),
        "--period 2026-W30：2026-W30 自 2026-07-20 开始，晚于 --as-of 2026-05-01；尚无可显示的内容",
    )
    refused(
        run(collected, "check", "-p", "上阶段", "--as-of", "2026-01-05"),
        "--period '上阶段'：Q1 之前没有阶段（计划自 2026-01-01 开始）",
    )


def test_explain_and_check_take_a_period(collected: Path) -> None:
    explained = run(collected, "explain", "O1.KR1", "-p", "Q1")
    assert "截至 2026-03-31" in explained.output, explained.output
    assert run(collected, "check", "-p", "Q1", "-v").exit_code in (0, 1)


@pytest.mark.parametrize(
    ("name", "start"),
    [("r.md", "#"), ("r.html", "<!DOCTYPE html>"), ("r.json", "{"), ("R.TXT", "")],
)
def test_the_out_file_extension_picks_the_format(collected: Path, name: str, start: str) -> None:
    out = collected.parent / name
    result = run(collected, "report", "--as-of", "2026-03-15", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith(start)
    if name == "r.json":
        json.loads(out.read_text(encoding="utf-8"))


def test_out_dash_is_standard_output(
    collected: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `report -o -` wrote a file named - into the folder, as export did.
    monkeypatch.chdir(tmp_path)
    result = run(collected, "report", "--as-of", "2026-03-15", "--format", "json", "-o", "-")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["as_of"] == "2026-03-15"
    assert not (tmp_path / "-").exists() and not (collected / "-").exists()
    # A file that is really named - is still reachable, as ./-, as for cat and tar.
    named = run(collected, "report", "--as-of", "2026-03-15", "--format", "json", "-o", "./-")
    assert named.exit_code == 0 and named.stdout == "", named.output
    assert json.loads((tmp_path / "-").read_text(encoding="utf-8"))["as_of"] == "2026-03-15"


def test_format_wins_over_the_extension_and_unknown_extensions_are_named(
    collected: Path,
) -> None:
    out = collected.parent / "r.md"
    assert (
        run(
            collected, "report", "--format", "json", "-o", str(out), "--as-of", "2026-03-15"
        ).exit_code
        == 0
    )
    json.loads(out.read_text(encoding="utf-8"))
    pdf = collected.parent / "r.pdf"
    result = run(collected, "report", "-o", str(pdf), "--as-of", "2026-03-15", "--lang", "en")
    assert result.exit_code == 2
    assert result.output.startswith(
        f"--out {pdf}: no report format is saved as .pdf; name one with --format (the "
        "extensions known are "
    )
    said = run(collected, "report", "-o", str(pdf), "--as-of", "2026-03-15").output
    assert said.startswith(f"--out {pdf}：没有以 .pdf 保存的报告格式；请用 --format 指定"), said


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "2026-W60", "--lang", "en"], "--week 2026-W60: year 2026 has no week 60 (its "
         "last week is 2026-W53)"),
        (["--week", "2026-W60"], "--week 2026-W60：2026 年没有第 60 周（该年最后一周是 2026-W53）"),
        (["--week", "2026-03", "--lang", "en"], "--week 2026-03: give an ISO week such as "
         "2026-W47"),
        (["--week", "2026-03"], "--week 2026-03：请写成 2026-W47 这样的 ISO 周"),
        (["--week", "2026-W10", "--as-of", "2026-03-01"], "--as-of 与 --week 只能给一个"),
        (["--as-of", "2025-03-01", "--lang", "en"], "2025-03-01 is before the plan starts "
         "(2026-01-01)"),
        (["--as-of", "2025-03-01"], "2025-03-01 早于计划开始日（2026-01-01）"),
    ],
)  # fmt: skip
def test_the_reports_day_is_refused_in_the_workspaces_language(
    collected: Path, args: list[str], message: str
) -> None:
    refused(run(collected, "report", *args), message)


def test_depth_limits_the_members_shown(collected: Path) -> None:
    def members(*args: str) -> list[tuple[str, int]]:
        result = run(collected, "report", "--format", "json", "--as-of", "2026-03-15", *args)
        assert result.exit_code == 0, result.output
        return [(m["id"], m["rank"]) for m in json.loads(result.output)["members"]]

    everyone = members()
    assert [m for m, _ in everyone][:1] == ["team-a"]
    # The sample's team has no target of its own nor a share of the branch's: no rank.
    assert members("--depth", "1") == [("team-a", None)]
    assert members("--depth", "2") == everyone
    assert members("--depth", "0") == []
    refused(run(collected, "report", "--depth", "-1", "--lang", "en"), "--depth -1: give 0 or "
            "more (1: child units only)")  # fmt: skip
    refused(
        run(collected, "report", "--depth", "-1"),
        "--depth -1：请给 0 或更大的数（1：只看下级单位）",
    )


def test_depth_says_what_it_left_out_of_the_ranking(collected: Path) -> None:
    """--depth 0 dropped the whole ranking with no line saying so: a manager read the
    report as one of a unit with no members. Every format says what it left out, where
    the ranking would be; JSON gives the depth and the count."""

    def report(*args: str) -> str:
        done = run(collected, "report", "--as-of", "2026-03-15", *args)
        assert done.exit_code == 0, done.output
        return done.output

    assert len(json.loads(report("--format", "json"))["members"]) == 1  # team-a
    assert "--depth 0：不排名任何成员（1 个成员未列出）" in report("--depth", "0")
    assert "--depth 0: no member ranked (1 not listed)" in report("--depth", "0", "--lang", "en")
    for fmt in ("md", "html"):
        assert "--depth 0：不排名任何成员（1 个成员未列出）" in report(
            "--depth", "0", "--format", fmt
        )
    cut = json.loads(report("--depth", "0", "--format", "json"))
    assert (cut["members"], cut["depth"], cut["left_out_by_depth"]) == ([], 0, 1)
    whole = json.loads(report("--depth", "1", "--format", "json"))
    assert "depth" not in whole and "left_out_by_depth" not in whole  # nothing left out
    assert "--depth" not in report("--depth", "1")


# ------------------------------------------------------------------ init


@pytest.mark.parametrize(
    ("lang", "header", "objective", "lead"),
    [
        ("zh", "示例营业部（branch）", "做大高净值客户业务", "张伟"),
        ("en", "Downtown branch (downtown)", "Grow high-net-worth business", "Zhang Wei"),
    ],
)
def test_init_writes_a_plan_in_the_users_language(
    tmp_path: Path, lang: str, header: str, objective: str, lead: str
) -> None:
    root = tmp_path / "new"
    assert CliRunner().invoke(cli, ["init", str(root), "--lang", lang]).exit_code == 0
    checked = run(root, "validate", "--lang", "en")
    assert checked.exit_code == 0, checked.output
    assert objective in (root / "targets" / "plan.toml").read_text(encoding="utf-8")
    assert run(root, "checkin", "O1.KR1", "3", "--date", "2026-03-02").exit_code == 0
    shown = run(root, "report", "--as-of", "2026-03-02", "--lang", lang)
    assert shown.exit_code == 0, shown.output
    assert header in shown.output
    # The starter branch has a lead, so a new user's first report names who owes the
    # complaint rate's check-in, where it said the unit had no lead.
    owed = {
        "zh": f"  {lead}：1 项，逾期 1 项（自 2026-01-01 起未打卡）",
        "en": f"  {lead}: 1, 1 late (owed since 2026-01-01)",
    }[lang]
    assert owed in shown.output.splitlines(), shown.output
    assert "未设负责人" not in shown.output and "no lead" not in shown.output


@pytest.mark.parametrize(
    ("lang", "left_out"),
    [("zh", "按 0 计入得分：O1.KR1（尚无数据）"),
     ("en", "Counted at 0 in the score: O1.KR1 (no data yet)")],
)  # fmt: skip
def test_a_score_says_which_key_results_it_counts_at_0_for_want_of_data(
    tmp_path: Path, lang: str, left_out: str
) -> None:
    # A new workspace with only the complaint rate checked in read 综合得分 100.0% under
    # an objective whose other key result had no figure, and said nothing of it. That key
    # result, due since January, counts 0 until its first figure (50.0%), said so.
    root = tmp_path / "new"
    assert CliRunner().invoke(cli, ["init", str(root), "--lang", lang]).exit_code == 0
    assert run(root, "checkin", "O1.KR2", "0.12‰", "--date", "2026-03-02").exit_code == 0
    for fmt in ("text", "md", "html"):
        shown = run(root, "report", "--as-of", "2026-03-02", "--lang", lang, "--format", fmt)
        assert shown.exit_code == 0, shown.output
        assert left_out in shown.output, (fmt, shown.output)
        assert "50.0%" in shown.output and "100.0%（" not in shown.output, shown.output
    assert run(root, "checkin", "O1.KR1", "3", "--date", "2026-03-02").exit_code == 0
    shown = run(root, "report", "--as-of", "2026-03-02", "--lang", lang)
    assert left_out.split("O1")[0] not in shown.output, shown.output


_SECOND_OBJECTIVE = """
[[objectives]]
id = "O2"
title = "Client service"
owner = "{top}"

  [[objectives.key_results]]
  id = "KR1"
  title = "Client visits"
  target = 100
  unit = "户"
"""


@pytest.mark.parametrize(
    ("lang", "alone", "beside"),
    [("zh", "尚无得分：O1.KR1、O1.KR2 尚无数据",
      "尚无得分：O1.KR1、O1.KR2 尚无数据；单位的得分按 0 计入本目标"),
     ("en", "No score yet: no data yet for O1.KR1, O1.KR2",
      "No score yet: no data yet for O1.KR1, O1.KR2; the unit's score counts this objective "
      "at 0")],
)  # fmt: skip
def test_an_objective_with_no_figure_yet_says_so_rather_than_counted_at_0(
    tmp_path: Path, lang: str, alone: str, beside: str
) -> None:
    # A new workspace's first report read 综合得分 — over its one objective and, under
    # it, 按 0 计入得分：O1.KR1、O1.KR2: counted at 0 in a score it did not show.
    root = tmp_path / "new"
    assert CliRunner().invoke(cli, ["init", str(root), "--lang", lang]).exit_code == 0
    for fmt in ("text", "md", "html"):
        shown = run(root, "report", "--as-of", "2026-03-02", "--lang", lang, "--format", fmt)
        assert shown.exit_code == 0, shown.output
        said = html.unescape(" ".join(shown.output.split()))
        assert alone in said and beside not in said, (fmt, shown.output)
        assert "按 0 计入得分" not in said and "Counted at 0" not in said, (fmt, shown.output)
    # Beside an objective with a figure, the unit has a score, which counts this one at 0.
    plan = root / "targets" / "plan.toml"
    top = {"zh": "branch", "en": "downtown"}[lang]
    plan.write_text(plan.read_text(encoding="utf-8") + _SECOND_OBJECTIVE.format(top=top),
                    encoding="utf-8")  # fmt: skip
    assert run(root, "checkin", "O2.KR1", "10", "--date", "2026-03-02").exit_code == 0
    for fmt in ("text", "md", "html"):
        shown = run(root, "report", "--as-of", "2026-03-02", "--lang", lang, "--format", fmt)
        assert shown.exit_code == 0, shown.output
        assert beside in html.unescape(" ".join(shown.output.split())), (fmt, shown.output)


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_init_speaks_the_locales_language(
    tmp_path: Path, environ: dict[str, str], lang: str
) -> None:
    root = tmp_path / "new"
    env = {"LANG": "", "LC_ALL": "", "LC_MESSAGES": "", **environ}
    assert CliRunner().invoke(cli, ["init", str(root)], env=env).exit_code == 0
    text = (root / "targets" / "plan.toml").read_text(encoding="utf-8")
    assert ("示例营业部" in text) == (lang == "zh")


# ------------------------------------------------------------------ validate


def test_validate_shows_the_line_and_a_caret_under_the_column(
    write_workspace: WriteWorkspace,
) -> None:
    broken = OKRS.replace('title = "直营 AUM 净增"', 'title = "直营 AUM 净增"，')
    result = run(write_workspace({"okrs.toml": broken}), "validate", "--lang", "en")
    assert result.exit_code == 2
    assert (
        result.output
        == (
            "targets/okrs.toml:3: TOML syntax: found the full-width ，; write , (column 20)\n"
            '    title = "直营 AUM 净增"，\n'  # the caret counts 直营 and 净增 as two columns each
            + " "
            * (4 + 23)
            + "^\n"
            "4 files checked, 1 problem.\n"
        )
    )


def test_validate_speaks_the_workspace_language(write_workspace: WriteWorkspace) -> None:
    """In a Chinese workspace (the default) every problem, the caret's line, the count and
    a clean plan's summary are in Chinese; a plan's problems stop other commands in it
    too."""
    broken = OKRS.replace('title = "直营 AUM 净增"', 'title = "直营 AUM 净增"，')
    root = write_workspace({"okrs.toml": broken})
    result = run(root, "validate")
    assert result.exit_code == 2
    assert result.output == (
        "targets/okrs.toml:3: TOML 语法错误：发现全角字符 ，；请改用半角的 ,（第 20 列）\n"
        '    title = "直营 AUM 净增"，\n' + " " * (4 + 23) + "^\n"
        "已检查 4 个文件，共 1 处问题。\n"
    )
    stopped = run(root, "report")
    assert stopped.exit_code == 2
    assert stopped.output == (
        "targets/okrs.toml:3: TOML 语法错误：发现全角字符 ，；请改用半角的 ,（第 20 列）\n"
        "共 1 处问题。\n"
    )
    (root / "targets" / "okrs.toml").write_text(OKRS, encoding="utf-8")
    clean = run(root, "validate")
    assert clean.exit_code == 0
    assert clean.output.startswith("已检查 4 个文件，没有问题。\n计划 ")


def test_a_key_problem_points_at_the_value_it_quotes(write_workspace: WriteWorkspace) -> None:
    broken = OKRS.replace('metric = "new_hnw_clients"', 'metric = "new_hnw_client"')
    result = run(write_workspace({"okrs.toml": broken}), "validate", "--lang", "en")
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0].startswith(
        "targets/okrs.toml:9: objectives[O1].key_results[KR1].metric: no loaded plugin "
        'provides metric "new_hnw_client" (did you mean "new_hnw_clients"?)'
    )
    assert lines[1:3] == ['    metric = "new_hnw_client"', "             ^"]


DOCS = Path(__file__).resolve().parents[1] / "docs" / "targets.md"


@pytest.mark.parametrize(
    ("files", "quoted"),
    [
        (
            {"scoring.toml": '[[scoring]]\nid = "s"\nname = "s"\n[[scoring.components]]\n'
             'metric = "new_hnw_clients"\nweight = 1\nstandard = 5\nunit = "户"\n'},
            "missing; say which roles or people the policy scores",
        ),
        (
            {"scoring.toml": '[[scoring]]\nid = "a"\nname = "a"\nroles = ["cm"]\n'
             '[[scoring.components]]\nmetric = "new_hnw_clients"\nweight = 1\nstandard = 5\n'
             'unit = "户"\n[[scoring]]\nid = "b"\nname = "b"\npeople = ["cm01"]\n'
             '[[scoring.components]]\nmetric = "new_hnw_clients"\nweight = 1\nstandard = 5\n'
             'unit = "户"\n'},
            "also falls under the scoring policy",
        ),
        (
            {"okrs.toml": OKRS.replace('milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }',
             "members = { team-a = 200, cm01 = 100 }")},
            "who also has a target here; give the unit or its members a target, not both",
        ),
    ],
)  # fmt: skip
def test_docs_targets_quotes_what_validate_says(
    write_workspace: WriteWorkspace, files: dict[str, str], quoted: str
) -> None:
    """docs/targets.md says what validate checks in validate's own words; these keep the
    two in step (a check the page promises, or one it says validate does not make)."""
    result = run(write_workspace(files), "validate", "--lang", "en")
    assert result.exit_code == 2, result.output
    assert quoted in result.output
    assert quoted in " ".join(DOCS.read_text(encoding="utf-8").split())


FEES = """\
[[objectives]]
id = "O7"
title = "收入"
owner = "branch"

[[objectives.key_results]]
id = "FEES"
title = "佣金收入"
metric = "fee_revenue"
target = 0.5
unit = "亿元"
"""


def test_explain_writes_each_amount_in_the_scale_that_fits_it(
    write_workspace: WriteWorkspace,
) -> None:
    """A week's 1万 or 2万 of a key result kept in 亿 is not "0亿": each observation is
    written as an amount on its own, and so is a total too small for the unit's two
    decimals (9万, never 0亿)."""
    root = write_workspace({"fees.toml": FEES})
    assert run(root, "collect", "--through", "2026-01-18").exit_code == 0
    for lang, first, second, total in (("zh", "1万", "2万", "= 9万"),
                                       ("en", "CNY 10k", "CNY 20k", "= CNY 90k")):  # fmt: skip
        done = run(root, "explain", "O7.FEES", "--as-of", "2026-01-18", "--lang", lang)
        assert done.exit_code == 0, done.output
        rows = [line.split() for line in done.output.splitlines() if "test fees" in line]
        assert len(rows) == 6 and total in done.output.splitlines(), done.output
        assert {" ".join(row[2:-4]) for row in rows} == {first, second}, rows


def test_explain_writes_values_as_the_report_in_its_language(collected: Path) -> None:
    def figure(*args: str) -> list[str]:
        done = run(collected, "explain", "O1.KR1", "--as-of", "2026-06-30", *args)
        assert done.exit_code == 0, done.output
        return [line for line in done.output.splitlines() if line.startswith("= ")]

    assert figure() == figure("--lang", "zh") != figure("--lang", "en")
    (shown_zh,), (shown_en,) = figure(), figure("--lang", "en")
    assert shown_zh.endswith("户") and shown_en.endswith("accts"), (shown_zh, shown_en)


# ------------------------------------------------------------------ click's refusals


def typed_line(root: Path, *args: str) -> Result:
    """A command line as typed at the shell, the command named as the shell names it."""
    return CliRunner().invoke(cli, ["-w", str(root), *args], prog_name="okrdesk")


REPORT_USAGE_ZH = "用法：okrdesk report [OPTIONS]\n运行 'okrdesk report --help' 查看说明。\n\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "--bogus"], REPORT_USAGE_ZH + "错误：没有选项 '--bogus'（是不是 '--out'？）"),
        (["report", "--as-of", "2026-02-30"],
         REPORT_USAGE_ZH + "错误：'--as-of' 的值无效：'2026-02-30' 不是日期，请写作 YYYY-MM-DD，"
         "例如 2026-11-20"),
        (["report", "--depth", "两"],
         REPORT_USAGE_ZH + "错误：--depth：'两' 不是层数；只看下级单位请写 1，连同其中的人员"
         "请写 2"),
        (["report", "--lang", "fr"],
         REPORT_USAGE_ZH + "错误：'--lang' 的值无效：'fr' 不是可选值；可选：zh、en"),
        (["history"], "用法：okrdesk history [OPTIONS] KEY_RESULT\n运行 'okrdesk history --help' "
         "查看说明。\n\n错误：缺少参数 'KEY_RESULT'"),
        (["checkin", "O1.NEW", "3", "4"], "用法：okrdesk checkin [OPTIONS] [KEY_RESULT] [VALUE]\n"
         "运行 'okrdesk checkin --help' 查看说明。\n\n错误：多余的参数：4"),
        (["reprot"], "用法：okrdesk [OPTIONS] COMMAND [ARGS]...\n运行 'okrdesk --help' 查看说明。"
         "\n\n错误：没有命令 'reprot'（是不是 'export'、'report'？）"),
        (["report", "--out"], "错误：选项 '--out' 后面须给出一个值"),
        (["collect", "--jobs", "99"], "用法：okrdesk collect [OPTIONS]\n运行 'okrdesk collect "
         "--help' 查看说明。\n\n错误：--jobs：'99' 不在 1 到 64 之间（同时运行的插件数）；"
         "1 为逐个运行"),
        (["collect", "--jobs", "x"], "用法：okrdesk collect [OPTIONS]\n运行 'okrdesk collect "
         "--help' 查看说明。\n\n错误：--jobs：'x' 不是整数；要同时运行四个插件请写 4"),
        (["report", "--out", "."], REPORT_USAGE_ZH + "错误：'--out' / '-o' 的值无效：'.' 是文件夹，"
         "不是文件"),
        (["report", "--bogus", "--lang", "en"], "Usage: okrdesk report [OPTIONS]\nTry 'okrdesk "
         "report --help' for help.\n\nError: No such option '--bogus'. Did you mean '--out'?"),
        (["report", "--as-of=2026-02-30", "--lang=en"], "Usage: okrdesk report [OPTIONS]\nTry "
         "'okrdesk report --help' for help.\n\nError: Invalid value for '--as-of': '2026-02-30' "
         "is not a day; write it as YYYY-MM-DD, for example 2026-11-20"),
    ],
)  # fmt: skip
def test_click_refuses_a_command_line_in_the_workspace_language(
    typed: Path, args: list[str], message: str
) -> None:
    refused(typed_line(typed, *args), message)


def test_click_speaks_english_in_an_english_workspace(typed: Path) -> None:
    (typed / "okrdesk.toml").write_text('[workspace]\nlang = "en"\n', encoding="utf-8")
    refused(
        typed_line(typed, "history"),
        "Usage: okrdesk history [OPTIONS] KEY_RESULT\nTry 'okrdesk history --help' for help.\n\n"
        "Error: Missing argument 'KEY_RESULT'.",
    )


def test_a_group_without_its_command_shows_its_help(typed: Path) -> None:
    """In the workspace's language, as its refusals are."""
    result = typed_line(typed, "spend")
    assert result.exit_code == 2
    assert result.output.startswith("用法：okrdesk spend [OPTIONS] COMMAND [ARGS]...\n\n  记录")
    (typed / "okrdesk.toml").write_text('[workspace]\nlang = "en"\n', encoding="utf-8")
    result = typed_line(typed, "spend")
    assert result.exit_code == 2
    assert result.output.startswith("Usage: okrdesk spend [OPTIONS] COMMAND [ARGS]...\n\n  Record")
