"""Figures a branch manager would doubt though the arithmetic is right: a cost per result
under 1元 rounded to a whole yuan (1元/万元 for 0.88元, 0元 for 0.4元), and a count due
rounded to the actual it is judged behind (2单 due beside 2单 at risk)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from okrdesk.units import money
from sample_workspace import WriteWorkspace

SALES = """\
[[objectives]]
id = "O2"
title = "产品与信托"
owner = "branch"

[[objectives.key_results]]
id = "SALES"
title = "产品销售 1.2亿元"
target = 12000
unit = "万元"

[[objectives.key_results]]
id = "TRUST"
title = "家族信托 9 单"
target = 9
unit = "单"

[[objectives.key_results]]
id = "FEES"
title = "尾随收入"
target = 30000000
unit = "元"
"""

BUDGET = """\
[budget]
unit = "万元"
total = 20

[[budget.lines]]
id = "content"
name = "内容制作"
owner = "branch"
amount = 6
key_results = ["O2.SALES"]

[[budget.lines]]
id = "tutors"
name = "外部讲师"
owner = "branch"
amount = 4
key_results = ["O2.FEES"]
"""

DAY = "2026-03-31"


def run(root: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, [*args, "-w", str(root)])
    assert result.exit_code in (0, 1), result.output
    return result


def _branch(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace({"okrs.toml": None, "sales.toml": SALES, "budget.toml": BUDGET},
                           plugin=False)  # fmt: skip
    for kr, figure in (("O2.SALES", "14274"), ("O2.TRUST", "2"), ("O2.FEES", "2亿")):
        assert run(root, "checkin", kr, figure, "--date", DAY, "--by", "王芳").exit_code == 0
    # 1.25万 on 14,274万 of sales is 0.876元 a 万元; 1,000元 on 2亿 of fees 0.000005元 a 元.
    run(root, "spend", "add", "content", "1.25", "--signed-by", "王芳", "--date", DAY)
    run(root, "spend", "add", "tutors", "1000元", "--signed-by", "王芳", "--date", DAY)
    return root


@pytest.mark.parametrize(
    ("yuan", "zh", "en"),
    [
        (Decimal("0.8757"), "0.88元", "CNY 0.88"),
        (Decimal("18.918"), "18.92元", "CNY 18.92"),
        (Decimal("99.996"), "100元", "CNY 100"),
        (Decimal("887.7"), "888元", "CNY 888"),
        (Decimal("0.004"), "不到 0.01元", "under CNY 0.01"),
        (Decimal(0), "0元", "CNY 0"),
    ],
)  # fmt: skip
def test_an_amount_under_100_yuan_is_written_to_the_fen(yuan: Decimal, zh: str, en: str) -> None:
    assert (money(yuan, "zh"), money(yuan, "en")) == (zh, en)


def test_a_cost_per_result_under_a_yuan_is_not_a_whole_yuan(
    write_workspace: WriteWorkspace,
) -> None:
    root = _branch(write_workspace)
    env = {"COLUMNS": "200"}
    zh = CliRunner(env=env).invoke(cli, ["report", "--as-of", DAY, "-w", str(root)]).output
    assert "O2.SALES：0.88元/万元" in zh, zh
    assert "O2.FEES：不到 0.01元/元" in zh, zh
    assert "1元/万元" not in zh
    en = CliRunner(env=env).invoke(cli, ["report", "--as-of", DAY, "--lang", "en",
                                         "-w", str(root)]).output  # fmt: skip
    assert "O2.SALES: ¥0.88 per ¥10k" in en, en  # each amount held whole
    assert "O2.FEES: under ¥0.01 per yuan" in en, en
    explained = run(root, "explain", "content", "--as-of", DAY).output
    assert "0.88元/万元" in explained, explained


def test_a_count_due_behind_is_not_written_as_its_actual(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = _branch(write_workspace)
    # 9 deals over the year: 9 × 90/365 = 2.22 are due by 31 March; 2 is 90% of the pace.
    env = {"COLUMNS": "200"}
    text = CliRunner(env=env).invoke(cli, ["report", "--as-of", DAY, "-w", str(root)]).output
    row = next(line for line in text.splitlines() if "O2.TRUST" in line and "单" in line)
    assert "2.2单" in row and "有风险" in row, row
    html = tmp_path / "report.html"
    run(root, "report", "--as-of", DAY, "--out", str(html))
    assert "2.2单" in html.read_text(encoding="utf-8")
    workbook = tmp_path / "report.xlsx"
    run(root, "report", "--as-of", DAY, "--out", str(workbook))
    sheet = openpyxl.load_workbook(workbook)["关键结果"]
    heads = [cell.value for cell in sheet[1]]
    trust = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "O2.TRUST")
    due = trust[heads.index(next(h for h in heads if str(h).startswith("应完成")))]
    assert due.number_format == '#,##0.0"单"', due.number_format
    # A count on pace keeps its whole due: 14,274万 is past its due, written as usual.
    assert "2.22单" not in row


def test_a_cost_per_result_in_english_is_never_parted_from_its_currency(
    write_workspace: WriteWorkspace,
) -> None:
    """At 80 columns the budget table folds its costs: "O3.ACCTS: CNY" above "18.92 per
    acct" was an amount broken over two lines, which its amount columns never are. The
    English text report writes the yuan as ¥, held to its amount."""
    root = _branch(write_workspace)
    text = (
        CliRunner(env={"COLUMNS": "80"})
        .invoke(cli, ["report", "--as-of", DAY, "--lang", "en", "-w", str(root)])
        .output
    )
    budget = text[text.index("Budget") :]
    cells = [line.split("│")[-3].strip() for line in budget.splitlines() if line.count("│") > 2]
    parted = [cell for cell in cells if cell.endswith(("CNY", "¥"))]
    assert cells and not parted, budget
    assert "O2.SALES: ¥0.88" in cells and "¥0.01 per yuan" in cells, budget
