"""One scale per Excel column of Chinese amounts, named in its header.

The workbook held each amount in the scale the text report writes it in, cell by
cell: 40.27 for 40.27亿 above 8,470 for 8,470万 in one 实际 column, a target of 1 (亿)
beside an actual of 8,470 (万), 5,000 (元) under 427.76 (万) in a budget column. A SUM,
a ratio or a chart across them was silently wrong. Each workbook below is written by
the command, opened with openpyxl and read against the JSON report's base figures.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.units import figure
from sample_workspace import OKRS, WriteWorkspace

AS_OF = "2026-03-15"
SCALES = {"亿元": 10**8, "万元": 10**4, "元": 1}
FIGURES = {"实际": "actual", "目标值": "target", "应完成": "expected", "周变化": "change",
           "年末预测": "forecast"}  # fmt: skip
BUDGET = {"预算": "amount", "已用": "spent", "剩余": "left", "计划已用": "planned"}


def run(*args: str) -> Any:
    done = CliRunner().invoke(cli, list(args))
    assert done.exit_code == 0, done.output
    return done


def books(
    root: Path, tmp_path: Path, day: str, okrdesk: Callable[..., str] | None = None
) -> tuple[Any, Any, dict[str, Any]]:
    """The Chinese and English workbooks of ``root`` on ``day``, and its JSON report;
    ``okrdesk`` runs a command (the demo's, with its installed plugin, in a process of
    its own)."""
    command = okrdesk or (lambda *args: run(*args).stdout)
    opened = []
    for lang in ("zh", "en"):
        out = tmp_path / f"{lang}.xlsx"
        command("report", "--as-of", day, "--lang", lang, "--format", "xlsx", "--out", str(out),
                "-w", str(root))  # fmt: skip
        opened.append(openpyxl.load_workbook(out))
    model = json.loads(command("report", "--as-of", day, "--format", "json", "-w", str(root)))
    return opened[0], opened[1], model


def scale_named(head: str) -> int | None:
    """The scale a header names (实际（金额单位：万元）, 已用（万元）), if it names one."""
    found = re.search(r"（(?:金额单位：)?(亿元|万元|元)）$", head)
    return SCALES[found[1]] if found else None


def money_cells(book: Any, model: dict[str, Any]) -> list[tuple[str, int, Any, float]]:
    """Every Chinese money cell of the key results and budget sheets: its column's
    header, the scale the header names, the cell, and the figure the JSON report gives
    (in yuan). Checks on the way that a money row's 计量单位 names the same scale."""
    krs = {kr["id"]: kr for o in model["objectives"] for kr in o["key_results"]}
    found = []
    sheet = book["关键结果"]
    head = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        kr = krs[row[1].value]
        if kr["unit"] not in ("亿元", "万元", "元"):
            assert not set("亿万元") & set(str(row[3].value))
            continue
        breakdown = row[2].value.startswith("↳")
        for column, text in enumerate(head):
            key = FIGURES.get(text.partition("（")[0])
            if key is None or row[column].value is None or isinstance(row[column].value, str):
                continue
            scale = scale_named(text)
            assert scale is not None, text
            assert SCALES[row[3].value] == scale, (kr["id"], row[3].value, text)
            if breakdown:
                assert key == "actual"
                value = next(r["actual"] for r in kr["breakdown"]["rows"]
                             if row[2].value.startswith(f"↳ {r['label']}"))  # fmt: skip
            else:
                value = kr[key]
            found.append((text, scale, row[column], value))
    sheet = book["预算"]
    head = [c.value for c in sheet[1]]
    lines = {line["id"]: line for line in model["budget"]["lines"]}
    for row in sheet.iter_rows(min_row=2):
        if row[1].value is None:  # under the table: the lines of its ROIs, in words
            break
        line = (
            lines.get(row[0].value)
            or model["budget"][{"预留": "reserve", "合计": "total"}[row[1].value]]
        )
        for column, text in enumerate(head):
            key = BUDGET.get(text.partition("（")[0])
            if key is None or row[column].value is None:
                continue
            found.append((text, scale_named(text) or 0, row[column], line[key]))
    return found


def check_one_scale_per_column(book: Any, model: dict[str, Any]) -> dict[str, int]:
    """Every money cell holds its figure in the scale its header names, with no unit of
    its own and the digits the report's rule writes in that scale; returns each money
    column's scale."""
    scales: dict[str, set[int]] = {}
    for head, scale, cell, value in money_cells(book, model):
        assert scale, f"{head} names no scale"
        assert cell.data_type == "n", (head, cell.value)
        assert cell.value * scale == pytest.approx(value, rel=1e-9, abs=0.01), (head, cell)
        assert not set("亿万元") & set(cell.number_format), (head, cell.number_format)
        places = cell.number_format.split(";")[0].partition(".")[2].count("0")
        budget = not scale_named(head) or "金额单位" not in head
        shown = figure(abs(cell.value), 0 if scale == 1 else (2 if budget else None))
        assert places == len(shown.partition(".")[2]), (head, cell.value, cell.number_format)
        scales.setdefault(head, set()).add(scale)
    assert scales and all(len(found) == 1 for found in scales.values()), scales
    return {head: found.pop() for head, found in scales.items()}


def test_the_demos_money_columns_each_hold_one_scale(
    tmp_path: Path, copy_of_the_demo: Callable[[str], Path]
) -> None:
    """The demo's 实际 held C1.KR1's 43.04亿 as 43.04 and C2.KR1's 8,470万 as 8,470: now
    both in 万 (430,354 and 8,470), as every money cell of the sheet, and its budget's
    columns in 万, the budget table's unit."""
    from test_report import AS_OF as DEMO_DAY
    from test_report import okrdesk

    def command(*args: str) -> str:
        done = okrdesk(*args)
        assert done.returncode == 0, done.stderr
        return str(done.stdout)

    root = copy_of_the_demo("scales")  # the demo on DEMO_DAY
    chinese, english, model = books(root, tmp_path, DEMO_DAY, command)
    scales = check_one_scale_per_column(chinese, model)
    assert set(scales.values()) == {10**4}
    assert {"实际（金额单位：万元）", "目标值（金额单位：万元）", "已用（万元）"} <= set(scales)
    rows = {row[1].value: row for row in chinese["关键结果"].iter_rows(min_row=2)}
    assert rows["C1.KR1"][4].value == pytest.approx(430_354.2533, abs=1e-3)
    assert rows["C2.KR1"][4].value == pytest.approx(8_470.3650, abs=1e-3)
    budget_sums_to_its_total(chinese["预算"], "合计")
    english_cells_hold_yuan(english, model)


def budget_sums_to_its_total(sheet: Any, total_name: str) -> None:
    """A SUM over each amount column's lines (and the reserve) is the total row's."""
    rows = [row for row in sheet.iter_rows(min_row=2) if row[1].value != total_name]
    total = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == total_name)
    for column in (3, 4, 5):
        added = sum(row[column].value or 0 for row in rows)
        assert added == pytest.approx(total[column].value, abs=1e-6), column


def english_cells_hold_yuan(book: Any, model: dict[str, Any]) -> None:
    """English money cells hold yuan, one scale, whatever each shows (CNY 784.6m,
    CNY 10k): the problem was Chinese only. Headers name no scale."""
    krs = {kr["id"]: kr for o in model["objectives"] for kr in o["key_results"]}
    sheet = book["Key results"]
    head = [c.value for c in sheet[1]]
    assert head[4:6] == ["Actual", "Target"]
    compared = 0
    for row in sheet.iter_rows(min_row=2):
        if row[3].value != "CNY" or row[2].value.startswith("↳"):
            continue
        for column, key in ((4, "actual"), (5, "target"), (7, "expected")):
            if isinstance(row[column].value, int | float):
                assert row[column].value == pytest.approx(krs[row[1].value][key], rel=1e-9)
                compared += 1
    assert compared
    assert [c.value for c in book["Budget"][1]][3:6] == ["Amount", "Spent", "Left"]
    budget_sums_to_its_total(book["Budget"], "Total")


MONEY_OKRS = (
    OKRS
    + """
[[objectives]]
id = "O2"
title = "收入与资产"
owner = "branch"

[[objectives.key_results]]
id = "AUM"
title = "客户资产净增"
target = 45
unit = "亿元"

[[objectives.key_results]]
id = "SALES"
title = "权益类产品销售"
target = 20
unit = "亿元"
"""
)
REVENUE = """
[[objectives.key_results]]
id = "REV"
title = "新增收入"
target = 1
unit = "亿元"
"""


def made(write_workspace: WriteWorkspace, okrs: str, checkins: dict[str, str]) -> Path:
    """A workspace with money key results checked in, and spending of 12万 and 3,500元."""
    root = write_workspace({"okrs.toml": okrs})
    run("collect", "--through", AS_OF, "-w", str(root))
    for kr, value in checkins.items():
        run("checkin", kr, value, "--date", "2026-03-01", "-w", str(root))
    for line, amount in (("salons", "12万"), ("training", "3500元")):
        run("spend", "add", line, amount, "--signed-by", "王芳", "--signed-by", "李强",
            "--date", "2026-03-10", "-w", str(root))  # fmt: skip
    return root


def test_a_column_over_and_under_1yi_is_held_in_wan(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """32.5亿 of AUM and 8,470万 of revenue (a key result set in 亿元, under 1亿) in one
    实际 column: both in 万, 325,000 and 8,470, so the column adds up and each row's
    actual over its target is its attainment; 3,500元 spent in a budget column in 万
    is 0.35 there."""
    root = made(write_workspace, MONEY_OKRS + REVENUE,
                {"O2.AUM": "32.5亿", "O2.SALES": "5亿", "O2.REV": "8470万"})  # fmt: skip
    chinese, english, model = books(root, tmp_path, AS_OF)
    scales = check_one_scale_per_column(chinese, model)
    assert scales["实际（金额单位：万元）"] == scales["目标值（金额单位：万元）"] == 10**4
    rows = {row[1].value: row for row in chinese["关键结果"].iter_rows(min_row=2)}
    aum, revenue = rows["O2.AUM"], rows["O2.REV"]
    assert (aum[4].value, aum[4].number_format) == (pytest.approx(325_000), "#,##0")
    assert (revenue[4].value, revenue[5].value) == (pytest.approx(8_470), 10_000)
    assert aum[3].value == revenue[3].value == "万元"
    for row in (aum, revenue, rows["O2.SALES"]):
        assert row[4].value / row[5].value == pytest.approx(row[6].value)  # attainment
    # The counts and rates keep their own units, in their cells.
    assert rows["O1.KR1"][3].value == "户" and rows["O1.KR1"][5].number_format == '#,##0"户"'
    text = run("report", "--as-of", AS_OF, "-w", str(root)).stdout
    assert "32.5亿" in text and "8,470万" in text  # the text report is as it was
    budget = chinese["预算"]
    training = next(r for r in budget.iter_rows(min_row=2) if r[0].value == "training")
    assert (training[4].value, training[4].number_format) == (0.35, "#,##0.00")
    assert "3,500元" in text
    budget_sums_to_its_total(budget, "合计")
    english_cells_hold_yuan(english, model)


def test_a_sheet_whose_money_is_all_over_1yi_is_held_in_yi(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """AUM and sales only, every figure 1亿 or more: the sheet is in 亿 (32.5, 45), as
    a branch writes them, and says so; the budget stays in 万, as its table."""
    root = made(write_workspace, MONEY_OKRS, {"O2.AUM": "32.5亿", "O2.SALES": "5亿"})
    chinese, _, model = books(root, tmp_path, AS_OF)
    scales = check_one_scale_per_column(chinese, model)
    assert scales["实际（金额单位：亿元）"] == scales["目标值（金额单位：亿元）"] == 10**8
    assert scales["已用（万元）"] == 10**4
    rows = {row[1].value: row for row in chinese["关键结果"].iter_rows(min_row=2)}
    assert (rows["O2.AUM"][4].value, rows["O2.AUM"][4].number_format) == (32.5, "#,##0.0")
    assert (rows["O2.AUM"][5].value, rows["O2.AUM"][3].value) == (45, "亿元")


def test_a_sheet_without_money_names_no_scale(workspace_without_money: Path) -> None:
    """Counts and rates only: the figure columns' headers stay as they were."""
    out = workspace_without_money / "report.xlsx"
    run("report", "--as-of", AS_OF, "--format", "xlsx", "--out", str(out), "-w",
        str(workspace_without_money))  # fmt: skip
    head = [c.value for c in openpyxl.load_workbook(out)["关键结果"][1]]
    assert head[4:8] == ["实际", "目标值", "完成率", "应完成"]


@pytest.fixture
def workspace_without_money(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace()
    run("collect", "--through", AS_OF, "-w", str(root))
    return root
