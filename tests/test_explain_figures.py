"""`okrdesk explain` writes its figures and counts as the report does, on real CSV files
read by the SQL source: a stock's earlier periods, and a derived metric's money input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from sample_workspace import WriteWorkspace

AS_OF = "2026-01-18"  # ISO weeks 1 to 3

BALANCES = """\
date,cm_id,assets
2026-01-02,cm01,300000000
2026-01-02,cm02,250000000
2026-01-09,cm01,320000000
2026-01-09,cm02,260000000
2026-01-16,cm01,330000000.50
2026-01-16,cm02,270000000.25
"""
"""Each customer manager's client assets, a snapshot a week: 6.0000000075亿 on the 16th."""

SETTINGS = """\
[sources.sql]
tables = { balances = "data/balances.csv" }

[[sources.sql.metrics]]
name = "client_assets"
label_zh = "客户资产"
kind = "stock"
unit = "元"
query = "SELECT cm_id AS subject, date AS day, assets AS value FROM balances"

[[sources.derived.metrics]]
name = "assets_per_person"
label = "人均客户资产"
unit = "亿元"
formula = "client_assets / headcount"
"""

OKRS = """\
[[objectives]]
id = "A"
title = "客户资产"
owner = "branch"

[[objectives.key_results]]
id = "AUM"
title = "客户资产 ≥ 80亿元"
metric = "client_assets"
target = 80
unit = "亿元"

[[objectives.key_results]]
id = "PER"
title = "人均客户资产 ≥ 4亿元"
metric = "assets_per_person"
target = 4
unit = "亿元"
"""


@pytest.fixture
def balances(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace(
        {"assets.toml": OKRS, "okrs.toml": None, "budget.toml": None}, plugin=False
    )
    (root / "data").mkdir()
    (root / "data" / "balances.csv").write_text(BALANCES, encoding="utf-8")
    (root / "okrdesk.toml").write_text(SETTINGS, encoding="utf-8")
    done = CliRunner().invoke(cli, ["collect", "--through", AS_OF, "-w", str(root)])
    assert done.exit_code == 0, done.output
    return root


def explained(root: Path, key_result: str, lang: str) -> list[str]:
    done = CliRunner().invoke(
        cli, ["explain", key_result, "--as-of", AS_OF, "--lang", lang, "-w", str(root)]
    )
    assert done.exit_code == 0, done.output
    return done.output.splitlines()


def test_the_periods_a_stock_leaves_out_are_counted_once(balances: Path) -> None:
    """It read "另有 4 条观测值 条其他周期的观测值": the count said its noun twice."""
    zh, en = explained(balances, "A.AUM", "zh"), explained(balances, "A.AUM", "en")
    assert zh[2] == "= 6.00亿"  # 600,000,001元, rounded: its places kept, as the report's
    assert "（另有其他周期的 4 条观测值，不计入此处。）" in zh
    assert "(4 observations of other periods do not count here.)" in en


def test_a_derived_metrics_money_input_is_written_as_the_report_writes_money(
    balances: Path,
) -> None:
    """The input read "client_assets = 600,000,001元", nine digits a manager has to
    count, where every other amount explain and the report write is 6.00亿 (rounded, so
    its places kept)."""
    zh, en = explained(balances, "A.PER", "zh"), explained(balances, "A.PER", "en")
    assert zh[2] == "= 3.00亿"
    assert "  client_assets = 6.00亿  [指标 client_assets（存量：取最近一期的值，各人相加）]" in zh
    # At 80 columns, what the input is goes on under it.
    assert "  client_assets = CNY 600.0m  [metric client_assets (stock: the latest period's, " \
           "summed over people)]" in "\n".join(en).replace("\n    ", " ")  # fmt: skip
    assert "  headcount = 2（计划中福田营业部及其下属的人数）" in zh


@pytest.mark.parametrize(
    ("key_result", "lang", "said"),
    [
        ("O1.KR1", "zh", "应完成 316户 = 360户 × 87.7%：截至 2026-11-20 应完成的比例，按里程碑 "
                         "{ Q2 = 0.45, Q4 = 1.0 }"),
        ("O1.KR1", "en", "due 316 accts = 360 accts × 87.7%, the share of it due by 2026-11-20 "
                         "on its milestones { Q2 = 0.45, Q4 = 1.0 }"),
        ("O1.KR3b", "zh", "应完成 3,416万 = 3,000万 +（3,500万 − 3,000万）× 83.3%：截至 "
                          "2026-10-31 应走完的进度，未写里程碑，按计划的天数均匀计"),
        ("O1.KR3b", "en", "due CNY 34.16m = CNY 30m + (CNY 35m − CNY 30m) × 83.3%, the share "
                          "of the way due by 2026-10-31 with the plan's days, having no "
                          "milestones"),
    ],
)  # fmt: skip
def test_explain_works_out_the_due_the_report_writes(
    copy_of_the_demo: Callable[[str], Path], key_result: str, lang: str, said: str
) -> None:
    """The report's due column (应完成 316户 beside 281户, 有风险) was the one figure of a
    key result's row explain did not work out: how much of the way is due by the figure's
    day, on which milestones."""
    demo = copy_of_the_demo("explain-due")
    from test_report import okrdesk

    done = okrdesk("explain", key_result, "-w", str(demo), "--as-of", "2026-11-20",
                   "--lang", lang, env={"COLUMNS": "1000"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert said in done.stdout.splitlines(), done.stdout[-600:]
    report = okrdesk("report", "-w", str(demo), "--as-of", "2026-11-20", "--lang", lang,
                     env={"COLUMNS": "200"}).stdout  # fmt: skip
    due = said.split(" = ")[0].split(" ", 1)[1]
    due = due.replace("CNY ", "¥")  # as the English text report writes the yuan
    row = next(line for line in report.splitlines() if f"│ {key_result} " in line)
    assert f" {due} " in row, row
