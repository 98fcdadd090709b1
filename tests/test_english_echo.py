"""What `checkin` and `split` say back about a figure, read in English: in the words the
report gives figures (CNY 430m, 34 accts, 0.1 pp), not the target file's 亿元, 户 or
百分点. In Chinese a check-in is said back as the report writes it too (4.4亿, -0.5百分点:
it read -0.5 百分点 where the report shows -0.5百分点); a split as the target file it
writes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import OKRS, WriteWorkspace

CHECKED_IN = (
    OKRS
    + """
[[objectives.key_results]]
id = "REV"
title = "营业收入"
target = 5.5
unit = "亿元"

[[objectives.key_results]]
id = "SPREAD"
title = "留存率波动"
direction = "within"
target = 0
band = 1
unit = "百分点"
"""
)


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)], catch_exceptions=False)


def test_a_checkin_is_confirmed_in_the_report_s_words_in_english(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"okrs.toml": CHECKED_IN})
    day = ["--date", "2026-03-31", "--by", "王芳"]
    money = run(root, "checkin", "O1.REV", "4.3", *day, "--lang", "en")
    assert money.output.startswith("O1.REV 营业收入: CNY 430m for branch as of 2026-03-31 by 王芳")
    points = run(root, "checkin", "O1.SPREAD", "0.1", *day, "--lang", "en")
    assert points.output.startswith("O1.SPREAD 留存率波动: 0.1 pp for branch as of")
    withdrawn = run(root, "checkin", "--withdraw", "1", "--reason", "typo", "--lang", "en")
    assert withdrawn.output.startswith("Withdrew check-in 1: O1.REV CNY 430m for branch as of")
    chinese = run(root, "checkin", "O1.REV", "4.4", *day)
    assert "：已记录 4.4亿（branch，" in chinese.output, chinese.output
    swing = run(root, "checkin", "O1.SPREAD", "-0.5", *day)
    assert "：已记录 -0.5百分点（branch，" in swing.output, swing.output
    report = run(root, "report", "--as-of", "2026-03-31", "--format", "md").output
    assert "-0.5百分点" in report and "4.4亿" in report
    withdrawn = run(root, "checkin", "--withdraw", "3", "--reason", "录错了")
    assert withdrawn.output.startswith("已撤回打卡 3：O1.REV 4.4亿（branch，"), withdrawn.output


def test_a_split_is_said_in_the_report_s_words_in_english(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace()
    english = run(root, "split", "O1.KR1", "--unit", "branch", "--dry-run", "--lang", "en")
    assert english.output.splitlines()[:3] == [
        "O1.KR1 新增高净值客户: 360 accts for 福田营业部 (branch), split equally over 1 member:",
        "  team-a  财富管理一部  360 accts",
        "  total                 360 accts",
    ]
    chinese = run(root, "split", "O1.KR1", "--unit", "branch", "--dry-run")
    assert "  team-a  财富管理一部  360户" in chinese.output


def test_spend_add_s_help_says_the_amount_it_says_back_is_in_cny_in_english(
    write_workspace: WriteWorkspace,
) -> None:
    """It said the message was in 万元, while the English one is in CNY thousands."""
    root = write_workspace()
    said = run(root, "spend", "add", "training", "1.5", "--signed-by", "王芳", "--date",
               "2026-03-02", "--lang", "en").output  # fmt: skip
    assert said.startswith("Recorded CNY 15k on training")
    usage = " ".join(run(root, "spend", "add", "--help", "--lang", "en").output.split())
    assert "The message says what was recorded, in 万 (in CNY thousands in English)." in usage
    chinese = "".join(run(root, "spend", "add", "--help").output.split())  # the workspace's
    assert "回复会说明记录了什么，以万为单位（英文中为CNYthousands）。" in chinese
