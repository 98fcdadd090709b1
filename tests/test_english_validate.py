"""``okrdesk validate`` read in English: amounts in CNY as the report writes them, and
a last line that says how many files were checked, not where the problems are."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import BUDGET, OKRS, WriteWorkspace


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)], catch_exceptions=False)


def test_an_unallocated_total_is_in_cny_in_english(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"budget.toml": BUDGET.replace("total = 899", "total = 903")})
    result = run(root, "validate", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "warning: targets/budget.toml:3: budget.total: CNY 40k of the CNY 9,030k total "
        "is not allocated to any line"
    )
    chinese = run(root, "validate", "--lang", "zh")
    assert "预算总额 903万元 中有 4万元 未分配到任何预算项" in chinese.output


def test_lines_over_the_total_are_in_cny_in_english(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"budget.toml": BUDGET.replace("total = 899", "total = 800")})
    result = run(root, "validate", "--lang", "en")
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == (
        "targets/budget.toml:3: budget.total: the budget lines add up to CNY 8,990k, "
        "more than the total of CNY 8,000k"
    )


def test_the_clean_summary_writes_the_budget_as_the_report_total_row(
    write_workspace: WriteWorkspace,
) -> None:
    """The report's budget table writes CNY 9,030k (lines and reserve in thousands, so
    they add up); the summary of the same plan says the same, not CNY 9.03m."""
    root = write_workspace({"budget.toml": BUDGET.replace("total = 899", "total = 903")})
    last = run(root, "validate", "--lang", "en").output.splitlines()[-1]
    assert last.endswith("budget CNY 9,030k in 2 lines (CNY 8,990k allocated, CNY 40k reserve).")


def test_the_count_says_the_files_were_checked_not_that_problems_are_in_all(
    write_workspace: WriteWorkspace,
) -> None:
    """Three problems in okrs.toml, four files read: not "3 problems in 4 files"."""
    broken = OKRS.replace("target = 360", 'target = "x"').replace("title", "titel", 1)
    broken = broken.replace('direction = "at_most"', 'direction = "down"')
    root = write_workspace({"okrs.toml": broken})
    english = run(root, "validate", "--lang", "en")
    assert english.exit_code == 2
    assert english.output.splitlines()[-1] == "4 files checked, 3 problems."
    chinese = run(root, "validate", "--lang", "zh")
    assert chinese.output.splitlines()[-1] == "已检查 4 个文件，共 3 处问题。"
