"""A sum of money written finer than a hundredth of its unit (target = 0.000001 with unit
= "亿元": 100元 of net new assets) is no branch's figure: validate names it with its
file, line and key and fails, and the report stops on it rather than read a completion
of millions of percent (a real workspace, validate and report through the CLI)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import OKRS, WriteWorkspace

FEES = """
[[objectives]]
id = "O2"
title = "收入"
owner = "branch"

[[objectives.key_results]]
id = "FEE"
title = "净佣金收入"
metric = "fee_revenue"
target = {target}
unit = "亿元"

[[objectives.key_results]]
id = "TRUST"
title = "家族信托规模"
unit = "万元"
target = 3000
[objectives.key_results.members]
cm01 = {member}
cm02 = 2000
"""


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


def test_money_finer_than_a_hundredth_of_its_unit_is_refused_where_it_is_written(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"okrs.toml": OKRS + FEES.format(target="0.000001", member="0.001")})
    zh = run(root, "validate", "--lang", "zh")
    assert zh.exit_code == 2, zh.output
    assert (
        "targets/okrs.toml:31: objectives[O2].key_results[FEE].target: 0.000001 亿元 即 100元，"
        "不足 0.01 亿元（100万），以亿元计的数最小写到 0.01：不会是营业部定的数；是否小数点错了位？"
        '（若确指 100元，请把 unit 写成 "元"）'
    ) in zh.output, zh.output
    assert (
        "targets/okrs.toml:40: objectives[O2].key_results[TRUST].members.cm01: 0.001 万元 即 10元，"
        "不足 0.01 万元（100元），以万元计的数最小写到 0.01"
    ) in zh.output, zh.output
    en = run(root, "validate", "--lang", "en")
    assert en.exit_code == 2, en.output
    assert (
        "targets/okrs.toml:31: objectives[O2].key_results[FEE].target: 0.000001 亿元 is CNY 100, "
        "less than 0.01 亿元 (CNY 1m), the least a figure in 亿元 is written to: no branch's "
        'figure; a decimal point slipped? (to mean CNY 100, write it with unit = "元")'
    ) in en.output, en.output
    assert "members.cm01: 0.001 万元 is CNY 10, less than 0.01 万元 (CNY 100)" in en.output
    # The report stops on it, with the same line, and no traceback.
    report = run(root, "report", "--as-of", "2026-06-17", "--lang", "en")
    assert report.exit_code == 2 and isinstance(report.exception, SystemExit), report.output
    assert "objectives[O2].key_results[FEE].target: 0.000001 亿元 is CNY 100" in report.output
    assert "Traceback" not in report.output


def test_a_hundredth_of_its_unit_and_nothing_at_all_are_figures_a_branch_writes(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"okrs.toml": OKRS + FEES.format(target="0.01", member="0")})
    done = run(root, "validate", "--lang", "en")
    assert done.exit_code == 0, done.output
    assert "the least a figure" not in done.output, done.output
