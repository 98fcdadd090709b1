"""A head office's week on a small firm of four branches, through the `okrdesk`
command: the branch ranking, the alerts about branches, and the figures a head office
forwards. The key results are tracked by check-ins, one per branch, so each branch's
figure is one the test chose."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from sample_workspace import PLAN, WriteWorkspace

AS_OF = "2026-12-31"

ORG = """\
[[units]]
id = "firm"
name = "华南证券"
level = "firm"
""" + "".join(
    f"""
[[units]]
id = "b{b}"
name = "{name}营业部"
level = "branch"
parent = "firm"
lead = "m{b}"

[[people]]
id = "m{b}"
name = "{person}"
unit = "b{b}"
"""
    for b, name, person in ((1, "深圳福田", "王芳"), (2, "广州天河", "李强"),
                            (3, "上海陆家嘴", "赵敏"), (4, "海口国贸", "钱伟"))
)  # fmt: skip

OKRS = """\
[[objectives]]
id = "F1"
title = "客户数增长"
owner = "firm"
cadence = "quarter"

  [[objectives.key_results]]
  id = "KR1"
  title = "新开户数"
  unit = "户"
  [objectives.key_results.members]
  b1 = 1000
  b2 = 1001
  b3 = 1000
  b4 = 1000
"""

ACCOUNTS = {"b1": "1188", "b2": "1189", "b3": "900"}
"""b1 and b2 both read 118.8% (1,188 of 1,000 and 1,189 of 1,001, 118.78%); b3 is the
last to check in; b4 has checked in nothing."""


def okrdesk(root: Path, *args: str, code: int = 0) -> str:
    done = CliRunner().invoke(cli, [*args, "-w", str(root)], env={"COLUMNS": "80"})
    assert done.exit_code == code, done.output
    return done.output


@pytest.fixture
def firm(write_workspace: WriteWorkspace, plans_over: object) -> Path:  # checks in on 12-20
    plan = PLAN.replace('unit = "branch"', 'unit = "firm"')
    files = {"plan.toml": plan, "org.toml": ORG, "okrs.toml": OKRS, "budget.toml": None}
    root = write_workspace(files, plugin=False)
    for branch, value in ACCOUNTS.items():
        okrdesk(root, "checkin", "F1.KR1", value, "--unit", branch, "--date", "2026-12-20",
                "--by", "总部")  # fmt: skip
    return root


def ranks(root: Path, *args: str) -> list[tuple[str, int | None]]:
    shown = json.loads(okrdesk(root, "report", "--as-of", AS_OF, "--format", "json", *args))
    return [(m["id"], m["rank"]) for m in shown["members"]]


@pytest.mark.parametrize("depth", [(), ("--depth", "1")])
def test_branches_that_read_the_same_share_a_rank_at_any_depth(
    firm: Path, depth: Sequence[str]
) -> None:
    assert ranks(firm, *depth) == [("b1", 1), ("b2", 1), ("b3", 3), ("b4", None)]
    shown = okrdesk(firm, "report", "--as-of", AS_OF, *depth)
    assert "│    1 │ 深圳福田营业部 (b1)     │   118.8% │" in shown
    assert "│    1 │ 广州天河营业部 (b2)     │   118.8% │" in shown
    # b4 has checked in nothing: no score, no rank, and no count of key results off
    # track, where 0 would read as all on track.
    assert "│    — │ 海口国贸营业部 (b4)     │        — │      — │" in shown


def test_the_firms_first_screen_says_which_branch_owes_a_check_in(firm: Path) -> None:
    """A branch manager owing the branch's check-in is named with the branch in the
    firm's report: a name alone does not tell a head office which branch to call."""
    brief = okrdesk(firm, "report", "--brief", "--as-of", AS_OF)
    assert "  钱伟（海口国贸营业部）：1 项，逾期 1 项（自 2026-01-01 起未打卡）" in brief
    english = okrdesk(firm, "report", "--brief", "--as-of", AS_OF, "--lang", "en")
    assert "  钱伟 (海口国贸营业部): 1, 1 late (owed since 2026-01-01)" in english
    branch = okrdesk(firm, "report", "--brief", "--as-of", AS_OF, "--unit", "b4")
    assert "  钱伟：1 项，逾期 1 项（自 2026-01-01 起未打卡）" in branch


def test_a_unit_whose_level_is_its_id_is_named_with_it_once(firm: Path) -> None:
    """The firm (id "firm", level "firm") was headed 华南证券（firm，firm）."""
    brief = okrdesk(firm, "report", "--brief", "--as-of", AS_OF).splitlines()
    assert brief[1].startswith("华南证券（firm）  截至"), brief[1]
    branch = okrdesk(firm, "report", "--brief", "--as-of", AS_OF, "--unit", "b4").splitlines()
    assert "（b4，branch）  截至" in branch[1], branch[1]


def test_the_firms_latest_check_in_says_whose_it_is(firm: Path) -> None:
    """The firm's figure is the branches' sum; the check-in under it is one branch's,
    and says so rather than standing under the firm's figure as if it were the firm's."""
    shown = okrdesk(firm, "report", "--as-of", AS_OF)
    assert re.search(r"│ F1\.KR1 新开户数 +│ +3,277户 │ +4,001户 │", shown), shown
    assert "最近打卡 2026-12-20 上海陆家嘴营业部 900户 · 总部" in shown
    english = okrdesk(firm, "report", "--as-of", AS_OF, "--lang", "en")
    assert "Last check-in 2026-12-20 上海陆家嘴营业部 900 accts · 总部" in english
    branch = okrdesk(firm, "report", "--as-of", AS_OF, "--unit", "b3")
    assert "最近打卡 2026-12-20 · 总部" in branch
    about = json.loads(okrdesk(firm, "report", "--as-of", AS_OF, "--format", "json"))
    checkin = about["objectives"][0]["key_results"][0]["latest_checkin"]
    assert (checkin["of"], checkin["value"]) == ("上海陆家嘴营业部", 900)


COLLECTED = """\
[[objectives]]
id = "F2"
title = "规模与收入"
owner = "firm"

  [[objectives.key_results]]
  id = "KR1"
  title = "新增高净值客户"
  metric = "new_hnw_clients"
  unit = "户"
  [objectives.key_results.members]
  b1 = 40
  b2 = 40
  b3 = 40
  b4 = 40

  [[objectives.key_results]]
  id = "KR2"
  title = "佣金收入"
  metric = "fee_revenue"
  unit = "万元"
  [objectives.key_results.members]
  b1 = 50
  b2 = 50
  b3 = 50
  b4 = 50
"""

NEW_BRANCH = """
[[units]]
id = "b5"
name = "三亚新设营业部"
level = "branch"
parent = "firm"
"""


@pytest.fixture
def collected_firm(write_workspace: WriteWorkspace) -> Path:
    """The firm with the test plugin's figures for each person, and a fifth branch with
    nobody in it yet, so no figures: as a branch missing from the firm's export."""
    plan = PLAN.replace('unit = "branch"', 'unit = "firm"')
    okrs = COLLECTED.replace("  b4 = 40\n", "  b4 = 40\n  b5 = 10\n")
    okrs = okrs.replace("  b4 = 50\n", "  b4 = 50\n  b5 = 20\n")
    files = {"plan.toml": plan, "org.toml": ORG + NEW_BRANCH, "okrs.toml": okrs,
             "budget.toml": None}  # fmt: skip
    root = write_workspace(files)
    okrdesk(root, "collect", "--through", "2026-06-30")
    return root


def test_a_branch_with_no_figures_is_told_in_the_firms_check(collected_firm: Path) -> None:
    """The firm's check names the branch whose shares have no figures although the
    metrics have numbers, in one line, rather than leaving it a — in the ranking; the
    branch's own check tells each key result."""
    said = okrdesk(collected_firm, "check", "--as-of", "2026-06-30", code=1)
    line = "三亚新设营业部：2 项关键结果的分解目标暂无数据：F2.KR1、F2.KR2（其指标已有数据）"
    assert line in said
    english = okrdesk(collected_firm, "check", "--as-of", "2026-06-30", "--lang", "en", code=1)
    assert ("三亚新设营业部: no data for its shares of 2 key results: F2.KR1, F2.KR2 (their "
            "metrics have numbers)") in english  # fmt: skip
    told = json.loads(okrdesk(collected_firm, "check", "--as-of", "2026-06-30",
                              "--format", "json", code=1))["alerts"]  # fmt: skip
    no_data = [(a["kind"], a["subject"], a["subjects"]) for a in told if a["kind"] == "no_data"]
    assert no_data == [("no_data", "b5", ["F2.KR1", "F2.KR2"])]
    own = okrdesk(collected_firm, "check", "--as-of", "2026-06-30", "--unit", "b5", code=1)
    assert "F2.KR1 新增高净值客户：三亚新设营业部 暂无数据（指标 new_hnw_clients）" in own
    # A branch whose share of one key result alone has none is told in that key result's
    # words.
    one = collected_firm / "targets" / "okrs.toml"
    one.write_text(one.read_text(encoding="utf-8").replace("  b5 = 20\n", ""), encoding="utf-8")
    said = okrdesk(collected_firm, "check", "--as-of", "2026-06-30", code=1)
    assert "F2.KR1 新增高净值客户：三亚新设营业部的分解目标暂无数据（指标 new_hnw_clients）" in said


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_stale_line_cut_to_the_width_never_cuts_a_metrics_name(
    collected_firm: Path, lang: str
) -> None:
    """The first screen's line about metrics whose numbers stopped ends, when it is cut,
    on a whole metric name or before the list, never inside a name (``fee_rev…``)."""
    names = ("fee_revenue", "new_hnw_clients")
    for width in (70, 76, 80, 86):
        done = CliRunner().invoke(cli, ["report", "--brief", "--as-of", "2026-07-20",
                                        "--lang", lang, "-w", str(collected_firm)],
                                  env={"COLUMNS": str(width)})  # fmt: skip
        stale = next(line for line in done.output.splitlines() if "2026-06-30" in line)
        listed = re.split("[)）][:：]? ?", stale, maxsplit=1)[1].rstrip("…")
        shown = [name.strip() for name in re.split("[,、]", listed) if name.strip()]
        assert all(name in names for name in shown), (width, stale)


def test_a_branchs_missed_line_keeps_its_day_and_its_shortfall_below_80_columns(
    firm: Path,
) -> None:
    """At 72 columns the English line of a branch's share missed keeps both the day it
    was due and how far short it fell: the title gives way first, then the day's year
    (the report's), never the figure or the day."""
    done = CliRunner().invoke(cli, ["report", "--brief", "--as-of", AS_OF, "--lang", "en",
                                    "-w", str(firm)], env={"COLUMNS": "72"})  # fmt: skip
    line = next(line for line in done.output.splitlines() if "上海陆家嘴营业部" in line)
    assert line == "  WARNING F1.KR1 新…: 上海陆家嘴营业部's share missed 12-31 by 100 accts"
    wide = CliRunner().invoke(cli, ["report", "--brief", "--as-of", AS_OF, "--lang", "en",
                                    "-w", str(firm)], env={"COLUMNS": "100"})  # fmt: skip
    assert "'s share missed 2026-12-31 by 100 accts" in wide.output


def test_a_split_of_the_firms_revenue_is_written_as_the_report_writes_it(
    collected_firm: Path, tmp_path: Path
) -> None:
    """What `split` tells the head office is written as the report writes figures
    (82.5万, not the target file's 82.5 万元), to the 0.01 it writes into the file, so
    that the branches' shares add up as written to the firm's total."""
    weights = tmp_path / "weights.toml"
    weights.write_text("b1 = 3\nb2 = 2\nb3 = 1\nb4 = 1\nb5 = 1\n", encoding="utf-8")
    split = ["split", "F2.KR2", "--unit", "firm", "--by", "weight", "--weights", str(weights),
             "--dry-run", "--replace"]  # fmt: skip
    said = okrdesk(collected_firm, *split)
    lines = said.splitlines()
    assert lines[0].startswith("F2.KR2 佣金收入：华南证券（firm）的 220万，"), lines[0]
    rows = [line.split()[-1] for line in lines[1:7]]
    assert rows == ["82.5万", "55万", "27.5万", "27.5万", "27.5万", "220万"]
    assert sum(Decimal(row.rstrip("万")) for row in rows[:-1]) == Decimal(220)
    english = okrdesk(collected_firm, *split, "--lang", "en")
    assert [line.split()[-1] for line in english.splitlines()[1:3]] == ["825k", "550k"]


def test_the_english_first_screen_names_the_branch_furthest_behind(
    write_workspace: WriteWorkspace,
) -> None:
    """At 80 columns, a line of branches behind on a key result with a long title gave
    the title whole and cut the branch (``5 shares off track,… (67.3%)…``): the title
    gives way first, and the branch furthest behind is named, whole."""
    plan = PLAN.replace('unit = "branch"', 'unit = "firm"')
    long_title = 'title = "新增高净值客户(单户资产 ≥ 800万)"'
    okrs = COLLECTED.replace('title = "新增高净值客户"', long_title)
    okrs = okrs.replace("  b1 = 40\n  b2 = 40\n", "  b1 = 400\n  b2 = 300\n")
    files = {"plan.toml": plan, "org.toml": ORG, "okrs.toml": okrs, "budget.toml": None}
    root = write_workspace(files)
    okrdesk(root, "collect", "--through", "2026-06-30")
    done = CliRunner().invoke(cli, ["report", "--brief", "--as-of", "2026-06-30", "--lang", "en",
                                    "-w", str(root)], env={"COLUMNS": "80"})  # fmt: skip
    line = next(line for line in done.output.splitlines() if "shares off track" in line)
    # The branch's name is kept whole beside its figure (it was cut, 深圳福田…): the
    # words before it give way.
    assert line == "  WARNING F2.KR1: 2 shares off track, the… 深圳福田营业部 (13.6% of pace)…"
    for lang, figure in (("en", " (13.6% of pace)"), ("zh", "（应完成的 13.6%）")):
        for width in range(56, 100, 2):
            done = CliRunner().invoke(cli, ["report", "--brief", "--as-of", "2026-06-30",
                                            "--lang", lang, "-w", str(root)],
                                      env={"COLUMNS": str(width)})  # fmt: skip
            # The branches' line, not the key result's own (at 56 columns in English, the
            # words "2 shares off track" give way too).
            line = next(line for line in done.output.splitlines()
                        if line.startswith(("  WARNING", "  提醒")) and "F2.KR1" in line
                        and "of the pace due" not in line
                        and "仅达应完成进度" not in line)  # fmt: skip
            assert "深圳福田营业部" + figure in line, (lang, width, line)


def test_a_monitor_learns_which_branch_is_behind_when_only_one_is(
    write_workspace: WriteWorkspace,
) -> None:
    """`check --format json` gave the member's id in ``subjects`` when several branches
    were behind on a key result, but the key result's id alone when one was: a
    monitoring system could not tell which branch to call, only its name in the text."""
    plan = PLAN.replace('unit = "branch"', 'unit = "firm"')
    okrs = COLLECTED.replace("  b1 = 40\n", "  b1 = 400\n")
    files = {"plan.toml": plan, "org.toml": ORG, "okrs.toml": okrs, "budget.toml": None}
    root = write_workspace(files)
    okrdesk(root, "collect", "--through", "2026-06-30")
    said = okrdesk(root, "check", "--as-of", "2026-06-30", "--format", "json", code=1)
    behind = [a for a in json.loads(said)["alerts"] if a["kind"] == "member_off_track"]
    assert [(a["subject"], a["subjects"]) for a in behind] == [("F2.KR1", ["b1"])]
    assert "深圳福田营业部的分解目标落后" in behind[0]["message"]
    # Two behind, as before: both ids, the furthest behind first.
    okrs = okrs.replace("  b2 = 40\n", "  b2 = 300\n")
    (root / "targets" / "okrs.toml").write_text(okrs, encoding="utf-8")
    said = okrdesk(root, "check", "--as-of", "2026-06-30", "--format", "json", code=1)
    behind = [a for a in json.loads(said)["alerts"] if a["kind"] == "member_off_track"]
    assert [(a["subject"], a["subjects"]) for a in behind] == [("F2.KR1", ["b1", "b2"])]


RATE = """
  [[objectives.key_results]]
  id = "KR3"
  title = "投诉率"
  metric = "complaint_rate"
  direction = "at_most"
  target = 3
  unit = "‰"
  [objectives.key_results.members]
  b1 = 3
  b2 = 3
  b3 = 3
  b4 = 3

  [[objectives.key_results]]
  id = "KR4"
  title = "投诉率（总部口径）"
  metric = "complaint_rate"
  direction = "at_most"
  target = 3
  unit = "‰"
"""


def test_the_firms_rate_says_how_it_is_made(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """A head office adding up its branches' figures checks the firm's against them; a
    rate does not add up, and the report says how the firm's is made: total numerator
    over total denominator, never the mean of the branches' rates, where the branches
    have shares of it and so rates of their own beside it (KR3; not KR4, which no branch
    has a share of). A person's report, with no members, does not say it."""
    plan = PLAN.replace('unit = "branch"', 'unit = "firm"')
    files = {"plan.toml": plan, "org.toml": ORG, "okrs.toml": COLLECTED + RATE,
             "budget.toml": None}  # fmt: skip
    root = write_workspace(files)
    okrdesk(root, "collect", "--through", "2026-06-30")
    shown = okrdesk(root, "report", "--as-of", "2026-06-30")
    assert "比率 F2.KR3 按合计分子 ÷ 合计分母计，不是各成员比率的平均" in shown
    english = okrdesk(root, "report", "--as-of", "2026-06-30", "--lang", "en")
    assert "Rate F2.KR3: total numerator ÷ total denominator, not the mean of the" in english
    for fmt in ("md", "html"):  # every human format says it
        written = okrdesk(root, "report", "--as-of", "2026-06-30", "--format", fmt)
        assert "比率 F2.KR3 按合计分子 ÷ 合计分母计，不是各成员比率的平均" in written, fmt
    about = json.loads(okrdesk(root, "report", "--as-of", "2026-06-30", "--format", "json"))
    assert about["objectives"][0]["pooled"] == ["F2.KR3"]
    rate = about["objectives"][0]["key_results"][2]
    assert rate["id"] == "F2.KR3"
    assert rate["actual"] == pytest.approx(rate["numerator"] / rate["denominator"])
    book = tmp_path / "firm.xlsx"
    okrdesk(root, "report", "--as-of", "2026-06-30", "--out", str(book))
    sheet = openpyxl.load_workbook(book)["关键结果"]
    notes = {row[1]: row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert notes["F2.KR3"].endswith("\n比率：按合计分子 ÷ 合计分母计，不是各成员比率的平均")
    assert "合计分子" not in notes["F2.KR1"] and "合计分子" not in (notes["F2.KR4"] or "")
    person = okrdesk(root, "report", "--as-of", "2026-06-30", "--unit", "m1")
    assert "合计分子" not in person
    alone = json.loads(okrdesk(root, "report", "--as-of", "2026-06-30", "--unit", "m1",
                               "--format", "json"))  # fmt: skip
    assert all("pooled" not in objective for objective in alone["objectives"])


BUDGET = """\
[budget]
unit = "万元"
total = 60

  [[budget.lines]]
  id = "salon-b1"
  name = "深圳福田客户沙龙"
  owner = "m1"
  amount = 30
  key_results = ["F2.KR1"]

  [[budget.lines]]
  id = "salon-b2"
  name = "广州天河客户沙龙"
  owner = "m2"
  amount = 30
  key_results = ["F2.KR1"]
"""


def test_a_branch_that_spent_nothing_has_no_cost_per_result(
    write_workspace: WriteWorkspace,
) -> None:
    """Every branch's salon line is linked to the firm's new HNW clients; one branch has
    spent, the other nothing. The cost per result is the key result's, of all lines'
    spending: the branch that spent nothing showed it on its row too, as if its untouched
    budget had bought clients at that price."""
    plan = PLAN.replace('unit = "branch"', 'unit = "firm"')
    files = {"plan.toml": plan, "org.toml": ORG, "okrs.toml": COLLECTED, "budget.toml": BUDGET}
    root = write_workspace(files)
    okrdesk(root, "collect", "--through", "2026-06-30")
    okrdesk(root, "spend", "add", "salon-b1", "12", "--signed-by", "m1", "--date", "2026-05-10")
    about = json.loads(okrdesk(root, "report", "--as-of", "2026-06-30", "--format", "json"))
    costs = {line["id"]: line["cost_per_result"] for line in about["budget"]["lines"]}
    assert [c["key_result"] for c in costs["salon-b1"]] == ["F2.KR1"]
    assert costs["salon-b2"] == []
    shown = okrdesk(root, "report", "--as-of", "2026-06-30")
    spent = next(line for line in shown.splitlines() if "salon-b1 " in line)
    idle = next(line for line in shown.splitlines() if "salon-b2 " in line)
    assert "F2.KR1：" in spent and "F2.KR1" not in idle, (spent, idle)
    explained = okrdesk(root, "explain", "salon-b2", "--as-of", "2026-06-30")
    assert "单位成本 —：本项尚未在 F2.KR1 上花费" in explained
    assert "各预算项为其花费" not in explained
    english = okrdesk(root, "explain", "salon-b2", "--as-of", "2026-06-30", "--lang", "en")
    assert "cost per result —: nothing spent yet on F2.KR1" in english
    assert "the lines spent CNY 120k on it" in okrdesk(
        root, "explain", "salon-b1", "--as-of", "2026-06-30", "--lang", "en"
    )


def test_an_english_report_never_breaks_a_branchs_name_across_lines(
    write_workspace: WriteWorkspace,
) -> None:
    """English lines folded at the width broke a Chinese name where it filled the line,
    as Chinese text is set (``the furthest behind 深圳福`` and ``田营业部 (13.6%)`` on the
    next): in English a name is a word, and moves to the next line whole."""
    plan = PLAN.replace('unit = "branch"', 'unit = "firm"')
    okrs = COLLECTED.replace("  b1 = 40\n  b2 = 40\n", "  b1 = 400\n  b2 = 300\n")
    files = {"plan.toml": plan, "org.toml": ORG, "okrs.toml": okrs, "budget.toml": None}
    root = write_workspace(files)
    okrdesk(root, "collect", "--through", "2026-06-30")
    names = ("深圳福田营业部", "广州天河营业部")
    for width in range(60, 100):
        done = CliRunner().invoke(cli, ["report", "--as-of", "2026-06-30", "--lang", "en",
                                        "-w", str(root)], env={"COLUMNS": str(width)})  # fmt: skip
        assert done.exit_code == 0, done.output
        body = done.output.split("\nNeeds attention\n", 1)[1]
        told = body.split("shares off track", 1)[1].split("WARNING", 1)[0]
        assert all(name in told for name in names), (width, told)
    # Chinese is still set as Chinese: a line filled to the width, broken between any
    # two characters, the name included.
    done = CliRunner().invoke(cli, ["report", "--as-of", "2026-06-30", "-w", str(root)],
                              env={"COLUMNS": "64"})  # fmt: skip
    assert "最落后的是 深圳\n        福田营业部（应完成的 13.6%）" in done.output.replace(
        " \n", "\n"
    )


def visits(branches: Sequence[int]) -> str:
    """Each branch's own key result tracked by check-ins: its client visits."""
    return "".join(
        f"""
[[objectives]]
id = "B{b}"
title = "营业部经营"
owner = "b{b}"

  [[objectives.key_results]]
  id = "VISITS"
  title = "客户拜访"
  target = 400
  unit = "次"
"""
        for b in branches
    )


def test_branches_that_never_checked_in_are_one_line_of_the_firms_check(
    write_workspace: WriteWorkspace,
) -> None:
    """Thirty branches that never checked in their visits were thirty lines of the
    firm's check, after everything else; more than three are one line naming them all,
    its subjects the key results, and three or fewer keep a line each with its title."""
    plan = PLAN.replace('unit = "branch"', 'unit = "firm"')
    files = {"plan.toml": plan, "org.toml": ORG, "okrs.toml": visits([1, 2, 3, 4]),
             "budget.toml": None}  # fmt: skip
    root = write_workspace(files, plugin=False)
    said = okrdesk(root, "check", "--as-of", "2026-06-30", code=1)
    assert "缺数据     4 项关键结果尚无打卡记录：B1.VISITS、B2.VISITS、B3.VISITS、B4.VISITS" in said
    assert said.count("尚无打卡记录") == 1, said
    english = okrdesk(root, "check", "--as-of", "2026-06-30", "--lang", "en", code=1)
    assert "4 key results: no check-in yet: B1.VISITS, B2.VISITS, B3.VISITS, B4.VISITS" in english
    told = json.loads(okrdesk(root, "check", "--as-of", "2026-06-30", "--format", "json", code=1))
    missing = [a for a in told["alerts"] if a["kind"] == "missing"]
    assert [(a["subject"], a["subjects"]) for a in missing] == [
        ("B1.VISITS", ["B1.VISITS", "B2.VISITS", "B3.VISITS", "B4.VISITS"])
    ]
    brief = okrdesk(root, "report", "--brief", "--as-of", "2026-06-30")
    assert "  提醒    4 项关键结果尚无打卡记录：B1.VISITS、B2.VISITS、" in brief
    # One branch checks in: three left, each its own line, with its title.
    okrdesk(root, "checkin", "B1.VISITS", "120", "--date", "2026-06-20", "--by", "王芳")
    said = okrdesk(root, "check", "--as-of", "2026-06-30", code=1)
    assert [line for line in said.splitlines() if "尚无打卡记录" in line] == [
        f"缺数据     B{b}.VISITS 客户拜访：尚无打卡记录" for b in (2, 3, 4)
    ]


def test_the_firms_row_counts_the_branches_behind_as_its_alert_does(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """The row said how many branches met their share and how many were on pace, the
    alert how many were behind: a head office could not tell the rest (at risk, no
    figure) from those behind. The row counts those behind too, as the alert does."""
    plan = PLAN.replace('unit = "branch"', 'unit = "firm"')
    okrs = COLLECTED.replace("  b1 = 40\n  b2 = 40\n", "  b1 = 400\n  b2 = 300\n")
    files = {"plan.toml": plan, "org.toml": ORG, "okrs.toml": okrs, "budget.toml": None}
    root = write_workspace(files)
    okrdesk(root, "collect", "--through", "2026-06-30")
    shown = okrdesk(root, "report", "--as-of", "2026-06-30")
    assert "成员达标 2/4（50.0%），进度正常 2/4，落后 2 " in shown
    assert "2 个分解目标落后，最落后的是" in shown
    english = okrdesk(root, "report", "--as-of", "2026-06-30", "--lang", "en")
    assert "2 of 4 on track, 2 off track" in english
    about = json.loads(okrdesk(root, "report", "--as-of", "2026-06-30", "--format", "json"))
    rows = {kr["id"]: kr for kr in about["objectives"][0]["key_results"]}
    assert (rows["F2.KR1"]["members_on_pace"], rows["F2.KR1"]["members_behind"]) == (2, 2)
    # None behind: the row says nothing of it.
    assert rows["F2.KR2"]["members_behind"] == 0
    line = next(line for line in shown.splitlines() if "成员达标" in line and "/4（" in line
                and "落后" not in line)  # fmt: skip
    assert "进度正常" in line
    book = tmp_path / "firm.xlsx"
    okrdesk(root, "report", "--as-of", "2026-06-30", "--out", str(book))
    sheet = openpyxl.load_workbook(book)["关键结果"]
    notes = {row[1]: row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert notes["F2.KR1"].endswith("进度正常 2/4，落后 2")
