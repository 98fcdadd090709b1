"""The report and the export as Excel workbooks, opened with openpyxl; CSV for Excel."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.report.formats.xlsx import width
from sample_workspace import WriteWorkspace

AS_OF = "2026-03-15"


@pytest.fixture
def workspace(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace()
    runner = CliRunner()
    assert runner.invoke(cli, ["collect", "--through", AS_OF, "-w", str(root)]).exit_code == 0
    done = runner.invoke(
        cli, ["spend", "add", "salons", "=HYPERLINK(1)", "-w", str(root)]
    )  # an amount that is no amount: refused, nothing stored
    assert done.exit_code == 2
    done = runner.invoke(
        cli, ["spend", "add", "salons", "12万", "--signed-by", "王芳", "--signed-by", "李强",
              "--date", "2026-03-10", "--note", "=HYPERLINK(\"http://x\")", "-w", str(root)],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    done = runner.invoke(cli, ["checkin", "O1.KR1", "12", "--date", "2026-03-01", "-w",
                               str(root)])  # fmt: skip
    return root


def run(*args: str) -> Any:
    done = CliRunner().invoke(cli, list(args))
    assert done.exit_code == 0, done.output
    return done


def test_the_report_has_a_sheet_per_section_with_true_figures(
    workspace: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.xlsx"
    run("report", "--as-of", AS_OF, "--format", "xlsx", "--out", str(out), "-w", str(workspace))
    model = json.loads(run("report", "--as-of", AS_OF, "--format", "json", "-w",
                           str(workspace)).stdout)  # fmt: skip
    book = openpyxl.load_workbook(out)
    # A plan without a scoring policy has no scores: no sheet of headings alone for them,
    # as the other formats have no such section.
    assert book.sheetnames == ["概览", "关键结果", "成员排名", "预算", "需要关注"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
    # What the workbook is about, on its first sheet: a copy passed on keeps its date.
    about = {row[0].value: row[1] for row in book["概览"].iter_rows(min_row=2)}
    assert about["截至"].value == f"{AS_OF}（{model['week']}）"
    # Its id is its level, branch: said once.
    assert about["单位"].value == f"{model['unit']['name']}（{model['unit']['id']}）"
    assert about["综合得分"].value == pytest.approx(model["score"])
    assert about["综合得分"].number_format == "0.0%"
    assert "数据" not in about  # the figures run through the report's day
    results = book["关键结果"]
    head = [c.value for c in results[1]]
    assert head[:8] == ["目标", "编号", "名称", "计量单位", "实际", "目标值", "完成率", "应完成"]
    rows = {row[1].value: row for row in results.iter_rows(min_row=2)}
    for raw in model["objectives"][0]["key_results"]:
        row = rows[raw["id"]]
        if raw["unit"] == "‰":
            # The one figure held in its unit: spreadsheets have no per-mille scale.
            assert row[5].value == pytest.approx(raw["target"] * 1000)
            assert row[5].number_format == '0.00"‰"'
        else:
            assert row[4].value == pytest.approx(raw["actual"])
            assert row[5].value == raw["target"]
            assert row[5].number_format == '#,##0"户"'
        assert row[6].value == pytest.approx(raw["attainment"])
        # With the digits the report writes: 9.17% of the way, 100.0%.
        assert row[6].number_format == ("0.00%" if raw["attainment"] < 0.1 else "0.0%")
        assert isinstance(row[4].value, int | float)
    budget = book["预算"]
    # In 万, the scale the budget table writes it in, named once in the header.
    assert [c.value for c in budget[1]][3:7] == ["预算（万元）", "已用（万元）", "剩余（万元）",
                                                "计划已用（万元）"]  # fmt: skip
    line = next(r for r in budget.iter_rows(min_row=2) if r[0].value == "salons")
    assert line[3].value == 380 and line[3].number_format == "#,##0"
    assert line[4].value == 12
    total = next(r for r in budget.iter_rows(min_row=2) if r[1].value == "合计")
    assert total[3].value == 899


def test_a_plan_without_a_budget_has_no_budget_sheet(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """A plan with no [budget] had a budget sheet whose one row was a total of 0 spent of
    0: read as a budget of nothing, where the text and Markdown reports have no budget
    section at all."""
    root = write_workspace({"budget.toml": None})
    run("collect", "--through", AS_OF, "-w", str(root))
    out = tmp_path / "report.xlsx"
    for lang, sheets in (
        ("zh", ["概览", "关键结果", "成员排名", "需要关注"]),
        ("en", ["Summary", "Key results", "Members, ranked", "Needs attention"]),
    ):
        run("report", "--as-of", AS_OF, "--format", "xlsx", "--out", str(out), "--lang", lang,
            "-w", str(root))  # fmt: skip
        assert openpyxl.load_workbook(out).sheetnames == sheets
    markdown = run("report", "--as-of", AS_OF, "--format", "md", "-w", str(root)).stdout
    assert "### 预算" not in markdown


def test_columns_are_wide_enough_for_chinese_text(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    run("report", "--as-of", AS_OF, "--format", "xlsx", "--out", str(out), "-w", str(workspace))
    sheet = openpyxl.load_workbook(out)["需要关注"]
    longest = max(width(str(c.value)) for c in sheet["C"] if c.value)
    assert sheet.column_dimensions["C"].width >= min(longest, 60)
    assert width("新增高净值客户") == 14 and width("AUM") == 3


def test_a_chinese_money_column_takes_one_scale() -> None:
    """亿 when every amount is 1亿 or more, 元 when every one is under 1万, else 万; a
    cell then holds the amount in it, with the digits the report's rule writes there and
    no unit (the header names it)."""
    from okrdesk.report.formats.xlsx import column_scale, in_scale, money_cell, number_format
    from okrdesk.units import UNITS

    assert column_scale([4.5e9, 1.2e8, -3e8, None, 0]) == 10**8
    assert column_scale([4.5e9, 84_703_649.51]) == 10**4  # 45亿 beside 8,470万: 万
    assert column_scale([5_914, -40]) == 1
    assert column_scale([4.5e9, 5_914]) == 10**4
    assert column_scale([None, 0]) == 10**4
    assert in_scale(3_998_000_000, 10**8) == (39.98, "#,##0.00")
    assert in_scale(3_998_000_000, 10**4) == (399_800, "#,##0")
    assert in_scale(84_703_649.51, 10**4) == (pytest.approx(8470.364951), "#,##0")
    assert in_scale(4_277_582, 10**4, places=2) == (427.7582, "#,##0.00")  # 427.76
    assert in_scale(5_914.4, 1) == (5_914.4, "#,##0")
    # No 0 it is not: 40元 in a column of 万 shows 0.004, as the report writes 40元.
    assert in_scale(40, 10**4, places=2) == (0.004, "#,##0.000")
    assert in_scale(-40, 10**4) == (-0.004, "#,##0.000")
    assert money_cell("CNY 784.6m", 784_550_000) == (784_550_000, '"CNY "#,##0.0,,"m"')
    assert number_format(UNITS["%"], "zh") == "0.0%"
    assert number_format(UNITS["百分点"], "zh") == '0.00"百分点"'
    assert number_format(UNITS["pct"], "en") == '0.00" pp"'
    assert number_format(UNITS["‰"], "zh") == '0.00"‰"'


def test_xlsx_on_a_terminal_asks_for_a_file(workspace: Path) -> None:
    done = CliRunner().invoke(cli, ["export", "--format", "xlsx", "-w", str(workspace)])
    assert done.exit_code == 2 and "请用 --out 文件.xlsx" in done.output
    english = ["export", "--format", "xlsx", "--lang", "en", "-w", str(workspace)]
    assert "give --out FILE.xlsx" in CliRunner().invoke(cli, english).output


def test_piped_report_xlsx_is_the_workbook(workspace: Path) -> None:
    done = CliRunner().invoke(
        cli, ["report", "--as-of", AS_OF, "--format", "xlsx", "-w", str(workspace)]
    )
    assert done.exit_code == 0, done.output
    book = openpyxl.load_workbook(io.BytesIO(done.stdout_bytes))
    assert "预算" in book.sheetnames


def test_export_xlsx_has_a_sheet_per_table_and_text_stays_text(
    workspace: Path, tmp_path: Path
) -> None:
    out = tmp_path / "export.xlsx"
    run("export", "--format", "xlsx", "--out", str(out), "-w", str(workspace))
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["说明", "observations", "checkins", "spend", "runs"]
    spend = book["spend"]
    assert spend.freeze_panes == "A2"
    head = [c.value for c in spend[1]]
    assert head[3:5] == ["amount_yuan", "unit"]
    [row] = list(spend.iter_rows(min_row=2))
    assert row[3].value == 120_000 and row[4].value == "元"
    note = row[head.index("note")]
    assert note.data_type == "s" and note.value == '=HYPERLINK("http://x")'
    observations = book["observations"]
    head = [c.value for c in observations[1]]
    values = [r[head.index("value")].value for r in observations.iter_rows(min_row=2)]
    assert any(isinstance(v, int | float) for v in values)
    assert not any(isinstance(v, str) for v in values)
    assert {r[head.index("unit")].value for r in observations.iter_rows(min_row=2)} <= {
        "户",
        "ratio",
    }


CHECKED_IN = """\
[[objectives]]
id = "O9"
title = "客户服务"
owner = "branch"

[[objectives.key_results]]
id = "VISITS"
title = "走访客户"
target = 300
unit = "户"
"""


def test_export_xlsx_dates_are_date_cells_and_ids_stay_text(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """Dates were text cells, which Excel and WPS filter and sort as text: now each is a
    date cell shown yyyy-mm-dd (a moment's time too, in UTC, as stored); a period id such as
    2026-W10 stays text, and CSV keeps the ISO text."""
    import datetime as dt

    workspace = write_workspace({"visits.toml": CHECKED_IN})
    run("collect", "--through", AS_OF, "-w", str(workspace))
    run("checkin", "O9.VISITS", "40", "--date", "2026-03-01", "-w", str(workspace))
    run("spend", "add", "training", "2万", "--signed-by", "王芳", "--date", "2026-03-10",
        "-w", str(workspace))  # fmt: skip
    out = tmp_path / "export.xlsx"
    run("export", "--out", str(out), "-w", str(workspace))
    book = openpyxl.load_workbook(out)

    def cells(name: str) -> dict[str, Any]:
        head, first = list(book[name].iter_rows(max_row=2))
        return {str(h.value): c for h, c in zip(head, first, strict=True)}

    checkin, spend = cells("checkins"), cells("spend")
    observation, collect = cells("observations"), cells("runs")
    assert checkin["day"].value == dt.datetime(2026, 3, 1)
    assert spend["day"].value == dt.datetime(2026, 3, 10)
    for cell in (checkin["day"], spend["day"], observation["period_start"],
                 observation["period_end"], collect["through"]):  # fmt: skip
        assert cell.is_date and cell.number_format == "yyyy-mm-dd", cell
    for cell in (checkin["recorded"], spend["recorded"], collect["started"]):
        assert cell.is_date and cell.number_format == 'yyyy-mm-dd hh:mm:ss "UTC"', cell
        assert abs(dt.datetime.now(dt.UTC).replace(tzinfo=None) - cell.value) < dt.timedelta(
            days=1
        )  # today's, in UTC: not a wall-clock bound on the test, which takes seconds
    assert observation["period_start"].value <= observation["period_end"].value
    assert observation["period"].data_type == "s" and "-" in observation["period"].value
    assert observation["grain"].value in ("week", "month")
    assert observation["subject"].data_type == "s" and checkin["key_result"].value == "O9.VISITS"
    # Each date column is wide enough to show its dates rather than #####.
    for cell, shown in ((checkin["day"], 10), (spend["day"], 10),
                        (observation["period_start"], 10), (checkin["recorded"], 23)):  # fmt: skip
        assert cell.parent.column_dimensions[cell.column_letter].width >= shown + 2
    notes = run("export", "--format", "csv", "--table", "checkins", "-w", str(workspace)).stdout
    assert ",O9.VISITS,branch,2026-03-01,40,户," in notes


def test_a_table_longer_than_an_excel_sheet_goes_on_in_numbered_sheets(
    workspace: Path,
) -> None:
    """Excel keeps 1,048,576 rows a sheet and drops the rest without a word; a firm's
    observations run to millions, so they go on in 'observations 2', 3, …"""
    import xlsxwriter.worksheet

    from okrdesk.app.export import SHEET_ROWS, export_xlsx

    assert xlsxwriter.worksheet.Worksheet().xls_rowmax - 1 == SHEET_ROWS
    database = workspace / "okrdesk.db"

    def rows(book: Any, name: str) -> list[tuple[Any, ...]]:
        return list(book[name].iter_rows(values_only=True))

    export_xlsx(database, workspace / "whole.xlsx")
    whole = openpyxl.load_workbook(workspace / "whole.xlsx")
    header, *observations = rows(whole, "observations")
    assert len(observations) > 20
    size = len(observations) // 3 + 1  # three sheets, the last one shorter
    export_xlsx(database, workspace / "split.xlsx", sheet_rows=size)
    split = openpyxl.load_workbook(workspace / "split.xlsx")
    assert split.sheetnames == ["observations", "observations 2", "observations 3",
                                "checkins", "spend", "runs"]  # fmt: skip
    parts = [rows(split, name) for name in split.sheetnames[:3]]
    assert all(part[0] == header for part in parts)
    assert all(split[name].freeze_panes == "A2" for name in split.sheetnames[:3])
    assert [len(part) - 1 for part in parts] == [size, size, len(observations) - 2 * size]
    assert [row for part in parts for row in part[1:]] == observations
    assert rows(split, "spend") == rows(whole, "spend")
    # A table of just as many rows as a sheet holds fills one sheet, with no empty second.
    export_xlsx(database, workspace / "full.xlsx", sheet_rows=len(observations))
    full = openpyxl.load_workbook(workspace / "full.xlsx")
    assert full.sheetnames == whole.sheetnames
    assert rows(full, "observations") == rows(whole, "observations")


def test_export_takes_its_format_from_the_files_extension(workspace: Path, tmp_path: Path) -> None:
    """okrdesk export -o firm.xlsx wrote JSON into a file Excel could not open; as for the
    report, -o names the file and its extension the format unless --format says."""
    run("export", "-o", str(tmp_path / "all.xlsx"), "-w", str(workspace))
    assert openpyxl.load_workbook(tmp_path / "all.xlsx").sheetnames[:2] == ["说明", "observations"]
    run("export", "-o", str(tmp_path / "obs.CSV"), "-w", str(workspace))
    assert (tmp_path / "obs.CSV").read_bytes().startswith(b"\xef\xbb\xbfmetric,")
    run("export", "-o", str(tmp_path / "all.txt"), "-w", str(workspace))
    assert json.loads((tmp_path / "all.txt").read_text("utf-8"))["observations"]
    run("export", "--format", "json", "-o", str(tmp_path / "x.csv"), "-w", str(workspace))
    assert json.loads((tmp_path / "x.csv").read_text("utf-8"))["observations"]


def test_csv_starts_with_a_bom_and_has_a_unit_column(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "obs.csv"
    run("export", "--format", "csv", "--out", str(out), "-w", str(workspace))
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    head = lines[0].split(",")
    assert head[head.index("value") + 1] == "unit"
    units = {line.split(",")[0]: line.split(",")[head.index("unit")] for line in lines[1:]}
    assert units["new_hnw_clients"] == "户" and units["complaint_rate"] == "ratio"
    spend = run("export", "--format", "csv", "--table", "spend", "-w", str(workspace)).stdout
    assert spend.startswith("\ufeffid,line,day,amount_yuan,unit,")
    assert "'=HYPERLINK" in spend


# ---------------------------------------------------------------- the demo's workbooks
# Each figure below is one the text, Markdown and HTML reports of the demo write too:
# the cell holds a number, and its number format shows it as they write it.


@pytest.fixture(scope="module")
def demo_books(copy_of_the_demo: Callable[[str], Path]) -> dict[str, Any]:
    from test_report import AS_OF as DEMO_DAY
    from test_report import okrdesk

    root = copy_of_the_demo("xlsx")
    found: dict[str, Any] = {"root": root}
    # The four reports, which only read the workspace, side by side.
    with ThreadPoolExecutor(max_workers=4) as pool:
        books = {lang: pool.submit(okrdesk, "report", "-w", str(root), "--as-of", DEMO_DAY,
                                   "--lang", lang, "-o", str(root / f"{lang}.xlsx"))
                 for lang in ("zh", "en")}  # fmt: skip
        pages = {lang: pool.submit(okrdesk, "report", "-w", str(root), "--as-of", DEMO_DAY,
                                   "--lang", lang, "--format", "md")
                 for lang in ("zh", "en")}  # fmt: skip
        for lang in ("zh", "en"):
            done = books[lang].result()
            assert done.returncode == 0, done.stderr
            found[lang] = openpyxl.load_workbook(root / f"{lang}.xlsx")
            found[f"md-{lang}"] = pages[lang].result().stdout
    return found


def due_day_left_out(written: str) -> str:
    """A Markdown due cell without the day it is due by (``8,329万 截至10-31``, of a
    check-in judged on its own day), which the workbook's notes say instead."""
    return re.sub(r" (截至|by )\d\d-\d\d$", "", written)


def key_result_rows(book: Any) -> dict[str, Any]:
    """Each key result's row by its id (a breakdown's rows, below it, left out)."""
    rows: dict[str, Any] = {}
    for row in book.worksheets[1].iter_rows(min_row=2):
        rows.setdefault(row[1].value, row)
    return rows


def test_a_closed_checkpoint_s_status_names_its_phase_as_the_report_does(
    demo_books: dict[str, Any],
) -> None:
    """In November the text report, Markdown and HTML read P.LEADS 未达成 (Q1) and
    P.FUNNEL 达标 (Q2): settled at a phase's end, not this week's standing. The workbook
    said 未达成 and 达标 alone, beside 正常 and 有风险 of key results still running."""
    page = demo_books["md-zh"]
    shown = (("zh", "P.LEADS", "未达成 (Q1)"), ("zh", "P.FUNNEL", "达标 (Q2)"),
             ("zh", "P.COST", "正常"), ("en", "P.FEMALE", "missed (Q3)"))  # fmt: skip
    for lang, kr, said in shown:
        assert key_result_rows(demo_books[lang])[kr][8].value == said
    assert "| **未达成 (Q1)** |" in page and "| 达标 (Q2) |" in page


def test_a_figure_in_points_reads_as_points(demo_books: dict[str, Any]) -> None:
    """O2.KR1b (a swing of -0.58百分点) and P.COST (费用率下降 1.02 of 1.2 个百分点) are in
    points, not percent: as a % they read -0.58% and 1.02%. A spreadsheet has no points
    scale, so the cell holds the points themselves, a number to add up and chart."""
    rows = key_result_rows(demo_books["zh"])
    swing, cost = rows["O2.KR1b"], rows["P.COST"]
    assert swing[4].value == pytest.approx(-0.58, abs=1e-9)
    assert swing[4].number_format == '0.00"百分点"'
    assert (cost[4].value, cost[5].value) == (pytest.approx(1.02, abs=1e-9), 1.2)
    assert {cost[c].number_format for c in (4, 5, 7)} == {'0.00"百分点"'}
    assert "| -0.58百分点 | ±1百分点 |" in demo_books["md-zh"]
    assert "| 1.02百分点 | 1.2百分点 |" in demo_books["md-zh"]
    english = key_result_rows(demo_books["en"])
    assert english["P.COST"][4].number_format == '0.00" pp"'
    assert english["O2.KR1b"][4].value == pytest.approx(-0.58, abs=1e-9)


def test_the_change_of_a_rate_is_in_points_and_signed(demo_books: dict[str, Any]) -> None:
    """O2.KR1's week moved the rate by 0.18 points: +0.18百分点 in every format, where
    the workbook showed 0.2% (a week of an earlier demo moved it 0.0219: 0.0%). A change
    carries its sign and reads ±0 when it rounds to nothing, as the other formats write
    it; the column is named after the plan's grain.
    The cell holds the change between the rates shown (0.18 points, as it reads),
    which the other formats write, not the figure behind it, which reads the same here
    but -0.00 where a change is smaller than the rates' last digit."""
    sheet = demo_books["zh"].worksheets[1]
    assert sheet.cell(1, 10).value.startswith("周变化（")  # and the scale of its money
    rows = key_result_rows(demo_books["zh"])
    retention = rows["O2.KR1"][9]
    assert retention.value == pytest.approx(0.18, abs=1e-9)
    assert retention.number_format == '+0.00"百分点";-0.00"百分点";"±0"'
    assert "| 达标 | +0.18百分点 |" in demo_books["md-zh"]
    nps = rows["O2.NPS"][9]
    assert nps.value == pytest.approx(0.0883637, abs=1e-6)
    assert nps.number_format == '+#,##0.00"分";-#,##0.00"分";"±0"'
    # No change that shows: the cell keeps its number, and reads ±0.
    assert (rows["C2.KR3"][9].value, rows["C2.KR3"][9].number_format) == (0, '"±0"')
    english = key_result_rows(demo_books["en"])
    assert demo_books["en"].worksheets[1].cell(1, 10).value == "Week Δ"
    assert english["O2.KR1"][9].number_format == '+0.00" pp";-0.00" pp";"±0"'
    assert "| met | +0.18 pp |" in demo_books["md-en"]


def test_an_alerts_kind_is_in_the_reports_language(demo_books: dict[str, Any]) -> None:
    """The 类别 column named each alert by its JSON kind (breaker, off_track); it says it
    as okrdesk check does (熔断, 落后, 未达成; in English BREAKER, OFF TRACK, MISSED)."""
    for lang, breaker, off_track, missed, shares in (
        ("zh", "熔断", "落后", "未达成", "分解目标"),
        ("en", "BREAKER", "OFF TRACK", "MISSED", "MEMBER TARGETS"),
    ):
        sheet = demo_books[lang].worksheets[-1]
        kinds = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
        # 财富管理二部's share and its people's shares of WM2.HNW, before Q1's checkpoint,
        # told for information.
        assert kinds == ([breaker] + [off_track] * 2 + [missed] + [off_track] + [shares] * 2
                         + [missed])  # fmt: skip


def test_a_key_results_money_is_in_one_scale_named_in_the_header(
    demo_books: dict[str, Any],
) -> None:
    """C1.KR1's 40.27亿 was held as 40.27 and C2.KR1's 8,470万 as 8,470 in one 实际
    column, C2.KR1's target as 1 (亿) beside its actual 8,470 (万): a SUM, a ratio or a
    glance across them was wrong. The demo's money is under 1亿 in places, so every money
    cell of the sheet is in 万, named once in each header and in the row's 计量单位."""
    sheet = demo_books["zh"].worksheets[1]
    head = [c.value for c in sheet[1]]
    assert head[4:11] == ["实际（金额单位：万元）", "目标值（金额单位：万元）", "完成率",
                          "应完成（金额单位：万元）", "状态", "周变化（金额单位：万元）",
                          "年末预测（金额单位：万元）"]  # fmt: skip
    rows = key_result_rows(demo_books["zh"])
    revenue, aum = rows["C2.KR1"], rows["C1.KR1"]
    assert revenue[3].value == aum[3].value == "万元"  # set in 亿元, held in 万
    assert revenue[4].value == pytest.approx(8_470.364951)
    assert (revenue[5].value, revenue[5].number_format) == (10_000, "#,##0")
    assert revenue[4].value / revenue[5].value == pytest.approx(revenue[6].value)
    assert "| 8,470万 | 1亿 | 84.7% | 8,329万 截至10-31 |" in demo_books["md-zh"]
    growth = aum[9]  # a week's +7,932万
    assert 7_930 <= growth.value < 7_935
    assert growth.number_format == '+#,##0;-#,##0;"±0"'
    assert "| +7,932万 |" in demo_books["md-zh"]


def test_money_formats_follow_the_figure() -> None:
    from okrdesk.report.formats.xlsx import figure_format
    from okrdesk.units import UNITS

    yi, wan = UNITS["亿元"], UNITS["万元"]
    # Chinese, in a column of 亿 or of 万, or alone (in its own scale): no unit in the cell.
    assert figure_format(yi, 4.5e9, "zh", 10**8) == "#,##0"  # 45, not 45.00
    assert figure_format(yi, 3.998e9, "zh", 10**8) == "#,##0.00"  # 39.98
    assert figure_format(yi, 1.0868e10, "zh", 10**8) == "#,##0.0"  # 108.7, not 108.68
    assert figure_format(yi, 8_359_000, "zh", 10**4) == "#,##0.0"  # 835.9 (万)
    assert figure_format(yi, 3.998e9, "zh", 10**4) == "#,##0"  # 399,800 (万)
    assert figure_format(wan, 40, "zh") == "#,##0"  # alone: 40 (元), not 0万
    assert figure_format(yi, 4.5e9, "en") == '"CNY "#,##0,,"m"'  # CNY 4,500m
    assert figure_format(yi, 7.8455e8, "en") == '"CNY "#,##0.0,,"m"'  # CNY 784.6m
    assert figure_format(wan, 4_000, "en") == '"CNY "#,##0,"k"'  # CNY 4k, not CNY 0m


def test_counts_and_scores_show_the_decimals_the_report_writes() -> None:
    """A score due of 61.7分 showed 61.70分, and 1.84万户 showed 1.8万户 (a format divides
    by thousands only): the decimals are the figure's own, and a count in 万 is held in
    万."""
    from okrdesk.report.formats.xlsx import figure_format, held
    from okrdesk.units import UNITS

    points, wan = UNITS["分"], UNITS["万户"]
    assert figure_format(points, 61.7, "zh") == '#,##0.0"分"'
    assert figure_format(points, 60.49, "en") == '#,##0.00" pts"'
    assert (held(wan, 18_400, "zh"), figure_format(wan, 18_400, "zh")) == (1.84, '#,##0.00"万户"')
    assert (held(wan, 18_400, "en"), figure_format(wan, 18_400, "en")) == (
        18_400, '#,##0" accts"'
    )  # fmt: skip


def shown_money(value: float, number_format: str) -> str:
    """What Excel shows of ``value`` under one of the workbook's money formats: "CNY "
    or nothing before, ``#,##0`` and its decimals, a comma for each thousand it divides
    by, the scale's word after; a change's by the section for its sign. Rounded half-up,
    as the report rounds."""
    import re
    from decimal import ROUND_HALF_UP, Decimal

    sections = number_format.split(";")
    if number_format == '"±0"' or (len(sections) == 3 and value == 0):
        return "±0"
    section = sections[0] if value >= 0 or len(sections) == 1 else sections[1]
    found = re.fullmatch(
        r'(?P<sign>[+-]?)(?:"(?P<before>[^"]*)")?#,##0(?:\.(?P<places>0+))?(?P<commas>,*)'
        r'(?:"(?P<after>[^"]*)")?',
        section,
    )
    assert found, number_format
    size = Decimal(repr(abs(value))) / 1000 ** len(found["commas"])
    step = Decimal(1).scaleb(-len(found["places"] or ""))
    text = f"{size.quantize(step, rounding=ROUND_HALF_UP):,f}"
    minus = "-" if value < 0 and len(sections) == 1 else ""
    return f"{minus}{found['sign']}{found['before'] or ''}{text}{found['after'] or ''}"


def read_back(written: str) -> tuple[float, float]:
    """A Chinese amount as Markdown writes it (40.27亿, +1.96亿, 427.76万, 0元), in yuan,
    and how far from the amount computed it can be: half its last digit."""
    from okrdesk.units import parse_money

    scale = {"亿": 10**8, "万": 10**4}.get(written[-1], 1)
    places = len(written[:-1].partition(".")[2])
    return float(parse_money(written)), scale * 10**-places / 2


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_money_shows_the_figures_the_report_writes(demo_books: dict[str, Any], lang: str) -> None:
    """The workbook wrote money with two decimals (45.00亿, 8470.4万, CNY 4,500.00m) or
    one (427.8万 of a budget the table writes as 427.76万) where the report writes four
    significant digits (45亿, 8,470万, CNY 4,500m) and the budget to the hundred yuan.
    Every money cell of the key results and the budget now shows what Markdown writes: in
    English as it writes it; in Chinese in the column's scale (402,737 万 for 40.27亿), with
    the digits the report's rule writes there, and the amount Markdown writes."""
    from okrdesk.units import figure

    markdown = [
        [due_day_left_out(cell.strip().strip("*")) for cell in line.split("|")[1:-1]]
        for line in demo_books[f"md-{lang}"].splitlines()
        if line.startswith("| ")
    ]
    by_id = {row[0].split(" ")[0]: row[1:] for row in markdown if row[0]}
    compared = 0

    def agrees(cell: Any, written: str, scale: int, places: int | None = None) -> None:
        shown = shown_money(cell.value, cell.number_format)
        if lang == "en":
            assert shown == written
            return
        if written == "±0":  # a change that rounds to nothing in the report
            assert shown == "±0"
            return
        amount, within = read_back(written)
        assert cell.value * scale == pytest.approx(amount, abs=within)
        if shown != "±0":
            digits = figure(abs(cell.value), 0 if scale == 1 else places)
            assert shown.lstrip("+-") == digits
        assert not set("亿万元") & set(cell.number_format)  # the header names the scale

    for kr, row in key_result_rows(demo_books[lang]).items():
        if row[3].value not in ("万元", "CNY"):
            continue
        # actual, target, due now, the change and the forecast, as Markdown has them
        figures = [by_id[kr][i] for i in (0, 1, 3, 5, 6)]
        for column, written in zip((4, 5, 7, 9, 10), figures, strict=True):
            if row[column].value is None or isinstance(row[column].value, str):
                continue
            agrees(row[column], written, 10**4)
            compared += 1
    budget = demo_books[lang].worksheets[4]
    for line in budget.iter_rows(min_row=2):
        name = line[0].value or line[1].value
        if name is None:  # under the table: the lines of its ROIs, in words
            break
        written_row = next(r for r in markdown if name in r[0].split(" ")[:2] or r[0] == name)
        for column, written in zip((3, 4, 5), written_row[1:4], strict=True):
            agrees(line[column], written, 10**4, places=2)
            compared += 1
    assert compared >= 60


def test_the_english_workbook_writes_english_units(demo_books: dict[str, Any]) -> None:
    """Its cells carried 分 and 个/户; its budget mixed CNY 3.80m, CNY 600,000 and
    -CNY 477,582 in one column. Units are the text report's (pts, per client, accts) and
    a budget column is in whole CNY thousands, as the text report's budget table."""
    book = demo_books["en"]
    formats = {c.number_format for sheet in book.worksheets for row in sheet.iter_rows()
               for c in row if c.data_type == "n" and c.value is not None}  # fmt: skip
    assert not [f for f in formats if any("\u4e00" <= ch <= "\u9fff" for ch in f)], formats
    rows = key_result_rows(book)
    assert rows["O2.NPS"][4].number_format == '#,##0.00" pts"'
    assert rows["O2.KR2"][4].number_format == '#,##0.00" per client"'
    assert rows["O1.KR1"][4].number_format == '#,##0" accts"'
    assert rows["O3.KR3b"][4].number_format == '#,##0" item"'  # 1 item
    # The unit column too: the word the figures carry, not the target file's 亿元 or 户.
    units = {kr: row[3].value for kr, row in rows.items()}
    assert (units["C1.KR1"], units["O1.KR1"], units["O2.NPS"], units["O2.KR1b"]) == (
        "CNY", "accts", "pts", "pp",
    )  # fmt: skip
    assert not [u for u in units.values() if any("\u4e00" <= ch <= "\u9fff" for ch in str(u))]
    assert "| 59.76 pts | 62 pts |" in demo_books["md-en"]
    assert "| 1.87 per client | 3.5 per client |" in demo_books["md-en"]
    budget = book["Budget"]
    events = next(r for r in budget.iter_rows(min_row=2) if r[0].value == "events")
    assert [c.value for c in events[3:6]] == [3_800_000, 4_277_582, -477_582]
    assert {c.number_format for c in events[3:6]} == {'"CNY "#,##0,"k"'}
    assert "| CNY 3,800k | CNY 4,278k | -CNY 478k |" in demo_books["md-en"]
    reserve = next(r for r in budget.iter_rows(min_row=2) if r[1].value == "Reserve")
    assert (reserve[4].value, reserve[4].number_format) == (0, '"CNY "#,##0')  # CNY 0
    chinese = next(r for r in demo_books["zh"]["预算"].iter_rows(min_row=2)
                   if r[0].value == "events")  # fmt: skip
    assert [c.value for c in chinese[3:6]] == [380, 427.7582, -47.7582]
    assert [c.number_format for c in chinese[3:6]] == ["#,##0", *["#,##0.00"] * 2]


def test_the_scores_sheet_has_every_month_as_markdown_does(demo_books: dict[str, Any]) -> None:
    """It held the last complete month and the current one under two columns both named
    综合得分; Markdown shows every month, each named, a score the cap or floor held
    marked ↓ or ↑ (and what the marks mean under the table), and the trend."""
    sheet = demo_books["zh"]["月度考核"]
    head = [c.value for c in sheet[1]]
    months = [f"{m}月" for m in range(1, 11)]
    assert head == ["编号", "成员", "考核方案", *months, "11月至今", "趋势"]
    assert len(set(head)) == len(head)
    assert (
        "| 成员 | 考核方案 | " + " | ".join(months) + " | 11月至今 | 趋势 |"
        in (demo_books["md-zh"])
    )
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2) if row[2].value}
    gaopeng = rows["gaopeng"]
    assert [c.value for c in gaopeng[:3]] == ["gaopeng", "高鹏", "trainee-monthly"]
    assert gaopeng[3].value == pytest.approx(1.082561433)
    assert gaopeng[3].number_format == "0.0%"
    assert (gaopeng[5].value, gaopeng[5].number_format) == (0.5, '0.0%" ↑"')  # floor
    assert (rows["hejia"][12].value, rows["hejia"][12].number_format) == (1.2, '0.0%" ↓"')  # cap
    assert gaopeng[13].value == pytest.approx(0.61624735)  # 2026-11 to date
    assert gaopeng[14].value == "↘"
    assert ("| 高鹏 (gaopeng) | trainee-monthly | 108.3% | 75.7% | 50.0% ↑ |"
            in demo_books["md-zh"])  # fmt: skip
    said = [row[0].value for row in sheet.iter_rows(min_row=len(rows) + 2) if row[0].value]
    assert said == [
        "本期至今：2026-11 已过 20/30 天，累计类指标的标准按已过天数折算",
        "趋势：10月与9月相比；↓ 原始得分高于考核方案的上限，按上限计；"
        "↑ 原始得分低于考核方案的下限，按下限计",
    ]
    assert sheet.column_dimensions["A"].width < 20  # the lines under it widen no column
    english = [c.value for c in demo_books["en"]["Monthly scores"][1]]
    assert english[3:5] == ["Jan", "Feb"] and english[-2:] == ["Nov to date", "Trend"]


def test_the_to_date_column_is_named_by_its_month_as_the_terminal_names_it(
    demo_books: dict[str, Any],
) -> None:
    """The text report heads the running month's column "Nov to date"; Markdown, HTML and
    the workbook headed the same column "This period to date", leaving the reader of one
    to guess which period it was."""
    from test_report import AS_OF as DEMO_DAY

    assert "| Oct | Nov to date | Trend |" in demo_books["md-en"]
    html = okrdesk_report(demo_books["root"], DEMO_DAY, "en", "html")
    assert "<th>Nov to date</th><th>Trend</th>" in html
    text = okrdesk_report(demo_books["root"], DEMO_DAY, "en", "text")
    assert "Nov to date" in text and "This period to date" not in text


def test_the_summary_gives_the_score_s_change_as_the_text_report_writes_it(
    demo_books: dict[str, Any],
) -> None:
    """The text report says 82.3%（上周末 81.8%，+0.5百分点）; the workbook gave the two
    scores alone, whose cells subtract to a change the report does not say (on an earlier
    demo 0.8474 and 0.8425 to 0.49, shown +0.5, where it said +0.4). It says the change
    between them as shown."""
    from test_report import AS_OF as DEMO_DAY

    text = okrdesk_report(demo_books["root"], DEMO_DAY, "zh", "text")
    assert "综合得分 82.3%（上周末 81.8%，+0.5百分点）" in text
    for lang, moved in (("zh", '+0.0"百分点";-0.0"百分点"'), ("en", '+0.0" pp";-0.0" pp"')):
        summary = demo_books[lang].worksheets[0]
        cells = {row[0].value: row[1] for row in summary.iter_rows(min_row=2)}
        change = cells["得分变化" if lang == "zh" else "Score change"]
        assert (change.value, change.number_format) == (pytest.approx(0.5), moved)
        rows = [row[0].value for row in summary.iter_rows(min_row=2)]
        assert rows.index("得分变化" if lang == "zh" else "Score change") == 6


def test_an_alerts_sheet_with_nothing_to_attend_to_says_so_as_the_report_does(
    demo_books: dict[str, Any], tmp_path: Path
) -> None:
    """刘洋's report says 需要关注：暂无; his workbook's alerts sheet held its headings
    alone, which reads as rows gone missing rather than as nothing needing attention."""
    from test_report import AS_OF as DEMO_DAY
    from test_report import okrdesk

    root = demo_books["root"]
    text = okrdesk("report", "-w", str(root), "--as-of", DEMO_DAY, "--unit", "liuyang").stdout
    assert "需要关注：暂无" in text
    for lang, name, said in (("zh", "需要关注", "暂无"), ("en", "Needs attention", "None")):
        book = tmp_path / f"liuyang-{lang}.xlsx"
        done = okrdesk("report", "-w", str(root), "--as-of", DEMO_DAY, "--unit", "liuyang",
                       "--lang", lang, "-o", str(book))  # fmt: skip
        assert done.returncode == 0, done.stderr
        cells = [r[0] for r in openpyxl.load_workbook(book)[name].iter_rows(values_only=True)]
        assert cells[1:] == [None, said]
    # The branch's has alerts, and no such line under them.
    assert "暂无" not in cells_of(demo_books["zh"]["需要关注"])


def test_no_to_date_column_on_a_month_s_last_day_as_the_terminal_has_none(
    demo_books: dict[str, Any], tmp_path: Path
) -> None:
    """On 31 March, March is complete and no month is running: the text report's scores
    end at 3月, but Markdown, HTML and the workbook added a 本期至今 column of dashes
    beside it, an empty score for everyone to ask about."""
    root = demo_books["root"]
    text = okrdesk_report(root, "2026-03-31", "zh", "text")
    assert "本期至今" not in text and "3月至今" not in text
    page = okrdesk_report(root, "2026-03-31", "zh", "md")
    assert "| 成员 | 考核方案 | 1月 | 2月 | 3月 | 趋势 |\n|---|---|--:|--:|--:|---|\n" in page
    assert "| 何佳 (hejia) | icm-monthly | 90.3% | 96.3% | 120.0% ↓ | ↗ |" in page
    assert "| 高鹏 (gaopeng) | trainee-monthly | 108.3% | 75.7% | 50.0% ↑ | ↘ |" in page
    html = okrdesk_report(root, "2026-03-31", "en", "html")
    assert '<th title="2026-03">Mar</th><th>Trend</th>' in html
    assert "to date</th>" not in html
    from test_report import okrdesk

    book = tmp_path / "march.xlsx"
    done = okrdesk("report", "-w", str(root), "--as-of", "2026-03-31", "--lang", "en",
                   "-o", str(book))  # fmt: skip
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(book)["Monthly scores"]
    assert [c.value for c in sheet[1]] == ["ID", "Member", "Policy", "Jan", "Feb", "Mar", "Trend"]
    hejia = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "hejia")
    assert hejia[3:] == (pytest.approx(0.90288155), pytest.approx(0.96266943), 1.2, "↗")


def test_the_budget_sheet_gives_overrides_and_costs_per_result(
    demo_books: dict[str, Any],
) -> None:
    """events spent past its breaker on an override, whose reason the other formats give
    on its line (（熔断后特批支出：…）), with the cost per result; the workbook had neither."""
    sheet = demo_books["zh"]["预算"]
    head = [c.value for c in sheet[1]]
    assert head[7:] == ["ROI", "单位成本", "熔断", "签字人", "熔断后特批支出"]
    events = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "events")
    assert events[8] == "O1.KR1：5,301元/户\nO1.KR2：8.87万/亿元\nC1.KR1：1.66万/亿元"
    reasons = ("五月峰会场地合同已签，违约成本更高（演示数据）\n"
               "年末路演场地已签约，违约成本更高（演示数据）")  # fmt: skip
    assert events[9:] == ("已熔断", "陈建国、梁晨", reasons)
    # Markdown writes the reasons as the text report does, in one bracket: it gave each
    # its own, back to back, and in English without the space before the first.
    assert (
        "| 陈建国、梁晨（熔断后特批支出：五月峰会场地合同已签，违约成本更高（演示数据）；"
        "年末路演场地已签约，违约成本更高（演示数据）） |" in demo_books["md-zh"]
    )
    assert (
        "| 陈建国, 梁晨 (Overridden: 五月峰会场地合同已签，违约成本更高（演示数据）; "
        "年末路演场地已签约，违约成本更高（演示数据）) |" in demo_books["md-en"]
    )
    assert "O1.KR1：5,301元/户、O1.KR2：8.87万/亿元" in demo_books["md-zh"]
    content = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "content")
    assert content[8] is None and content[11] is None
    english = [c.value for c in demo_books["en"]["Budget"][1]]
    assert english[8] == "Cost per result" and english[-1] == "Overridden"


def test_the_budget_sheet_ends_with_the_roi_planned_and_the_roi_so_far(
    demo_books: dict[str, Any],
) -> None:
    """The workbook a branch takes to head office had the total row's ROI alone, without
    the plan's expected ROI, which every other format writes under the budget table."""
    for lang, sheet in (("zh", "预算"), ("en", "Budget")):
        page = demo_books[f"md-{lang}"]
        cells = [r[0] for r in demo_books[lang][sheet].iter_rows(values_only=True)]
        under = [c for c in cells if isinstance(c, str) and "ROI =" in c]
        assert len(under) == 2 and all(line in page for line in under), (under, page)
    assert "预期 ROI = 预期收入 1亿 ÷ 预算 899万 = 11.12" in cells_of(demo_books["zh"]["预算"])


def cells_of(sheet: Any) -> list[object]:
    return [r[0] for r in sheet.iter_rows(values_only=True)]


def test_an_english_cost_per_result_is_per_one_of_what_the_figures_count(
    demo_books: dict[str, Any],
) -> None:
    """O1.KR1 achieved 269 accts; its cost was "CNY 5.30k per client", a word the English
    report gives products per client (1.65 per client), not accounts."""
    events = next(r for r in demo_books["en"]["Budget"].iter_rows(min_row=2, values_only=True)
                  if r[0] == "events")  # fmt: skip
    assert events[8].startswith("O1.KR1: CNY 5.30k per acct\nO1.KR2: CNY 88.67k per CNY 100m")
    assert "O1.KR1: CNY 5.30k per acct, O1.KR2: CNY 88.67k per CNY 100m" in demo_books["md-en"]


def shown_percent(value: float, number_format: str) -> str:
    """What Excel shows of ``value`` under a percent format (0.0% or 0.00%), rounded
    half-up as the report rounds."""
    from decimal import ROUND_HALF_UP, Decimal

    places = number_format.split("%")[0].count("0") - 1
    step = Decimal(1).scaleb(-places)
    shown = (Decimal(repr(value)) * 100).quantize(step, rounding=ROUND_HALF_UP)
    return f"{shown}%"


def test_a_rate_shows_the_digits_the_report_writes(demo_books: dict[str, Any]) -> None:
    """O2.KR1's asset attrition reads 5.34% in the text and Markdown reports but showed
    5.3% in the workbook, O3.KR3's staff turnover 6.87% showed 6.9% and
    P.EQUITY_ATTRITION's 1.21% 1.2%: a fixed 0.0% dropped the second decimal the
    percentage rule keeps under 10%. Each rate's cell now shows what the report writes."""
    rows = key_result_rows(demo_books["zh"])
    markdown = {
        line.split(" ")[1]: [due_day_left_out(cell.strip()) for cell in line.split("|")[2:]]
        for line in demo_books["md-zh"].splitlines()
        if line.startswith("| ") and line.split(" ")[1] in rows
    }
    compared = 0
    for kr, row in rows.items():
        if row[3].value != "%":
            continue
        # actual, expected and forecast: computed figures, each as the report rounds it
        for column, written in ((4, markdown[kr][0]), (7, markdown[kr][3]),
                                (10, markdown[kr][6])):  # fmt: skip
            if row[column].value is None or "." not in written:
                continue
            assert shown_percent(row[column].value, row[column].number_format) == written, kr
            compared += 1
    assert compared >= 10
    assert markdown["O2.KR1"][0] == "5.34%" and rows["O2.KR1"][4].number_format == "0.00%"
    assert markdown["P.FUNNEL"][0] == "20.7%" and rows["P.FUNNEL"][4].number_format == "0.0%"
    # A share of the score or attainment keeps the report's digits too.
    about = {row[0].value: row[1] for row in demo_books["zh"]["概览"].iter_rows(min_row=2)}
    assert about["综合得分"].number_format == "0.0%"


def okrdesk_report(root: Path, day: str, lang: str, format_name: str) -> str:
    from test_report import okrdesk

    done = okrdesk("report", "-w", str(root), "--as-of", day, "--lang", lang,
                   "--format", format_name)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return str(done.stdout)


def test_the_members_sheet_heads_its_count_of_key_results_in_the_plural(
    demo_books: dict[str, Any],
) -> None:
    """Its column counting each member's key results (6, 4, 1) is "Key results", as the
    key results sheet is named, not the "Key result" heading a column of titles; the
    last says why a member has no rank."""
    head = [c.value for c in demo_books["en"]["Members, ranked"][1]]
    assert head == ["#", "ID", "Member", "Kind", "Score", "Counted at the cap", "Off track",
                    "Of which members' shares", "Key results", "Why no rank"]  # fmt: skip
    assert [c.value for c in demo_books["zh"]["成员排名"][1]][-2:] == ["关键结果", "未排名原因"]


def test_the_members_sheet_says_how_much_of_a_units_count_is_its_members_shares(
    demo_books: dict[str, Any],
) -> None:
    """财富管理二部's 6 off track are its own WM2.HNW, its share of the branch's O1.KR1
    and 4 of its people's shares of WM2.HNW, as the alerts below say: a count beside its
    6 key results would read as all 6 of them."""
    sheet = demo_books["zh"]["成员排名"]
    head = [c.value for c in sheet[1]]
    rows = {row[1].value: [c.value for c in row] for row in sheet.iter_rows(min_row=2)}
    shares = head.index("其中成员的分解目标")
    assert head[shares - 1] == "落后项"
    assert rows["wm2"][shares - 1 : shares + 2] == [6, 4, 6]
    assert rows["inst"][shares - 1 : shares + 1] == [0, 0]
    assert rows["zhuqiang"][shares - 1 : shares + 1] == [1, None]


def test_a_title_that_looks_like_rich_text_is_written_as_it_reads(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """XlsxWriter writes a text that begins <r> and ends </r> as markup, unescaped: a key
    result titled so made a report workbook Excel could not open (openpyxl neither)."""
    from sample_workspace import OKRS

    title = "<r>AUM & 客户</r>"
    named = OKRS.replace('title = "新增高净值客户"', f'title = "{title}"', 1)
    root = write_workspace({"okrs.toml": named})
    run("collect", "--through", AS_OF, "-w", str(root))
    out = tmp_path / "report.xlsx"
    run("report", "--as-of", AS_OF, "--format", "xlsx", "--out", str(out), "-w", str(root))
    book = openpyxl.load_workbook(out)
    cells = [c.value for row in book["关键结果"].iter_rows() for c in row]
    assert title in cells, cells


def test_a_workbook_row_says_its_attainment_runs_from_a_baseline(
    demo_books: dict[str, Any],
) -> None:
    """The workbook's notes of O1.KR3b (3,380万 of 3,500万, 76.0%) give the formula and
    the baseline it runs from, as the report's line under its table does."""
    for lang, said in (("zh", "完成率 =（实际 − 起点）÷（目标 − 起点），起点 3,000万"),
                       ("en", "Attained = (actual − baseline) ÷ (target − baseline), "
                              "baseline CNY 30m")):  # fmt: skip
        rows = key_result_rows(demo_books[lang])
        assert any(said in str(cell.value) for cell in rows["O1.KR3b"]), lang
        # O2.KR2, 1.63 from 2.4 towards 3.5: the formula gives less than 0, the row 0.0%.
        below = {
            "zh": "起点 2.4个/户（实际不及起点，完成率计 0.0%）",
            "en": "baseline 2.4 per client (the actual worse than it: attained 0.0%)",
        }
        assert any(below[lang] in str(cell.value) for cell in rows["O2.KR2"]), lang
        assert not any("baseline" in str(c.value) or "起点" in str(c.value)
                       for c in rows["O1.KR3"]), lang  # fmt: skip


def test_the_members_sheet_names_the_key_results_a_score_counts_at_the_cap(
    copy_of_the_demo: Callable[[str], Path],
) -> None:
    """The text report marks 林涛's 97.6% ↓; the workbook, whose score is a number, names
    the key result held at the cap beside it."""
    from test_report import AS_OF as DEMO_DAY
    from test_report import okrdesk
    from test_report_formats import a_demo_with_a_share_past_the_cap

    root = a_demo_with_a_share_past_the_cap(copy_of_the_demo)
    done = okrdesk("report", "-w", str(root), "--as-of", DEMO_DAY, "-o", str(root / "r.xlsx"))
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(root / "r.xlsx")["成员排名"]
    head = [c.value for c in sheet[1]]
    column = head.index("按上限计的关键结果")
    rows = {row[1]: row[column] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["lintao"] == "INST.HNW"
    assert {member for member, capped in rows.items() if capped} == {"lintao"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_members_sheet_says_what_depth_left_out(
    demo_books: dict[str, Any], lang: str, tmp_path: Path
) -> None:
    """--depth 1 ranks the three teams and leaves their fourteen people out; --depth 0
    ranks no one. The terminal and Markdown say so where the ranking is; the workbook's
    members sheet said nothing, its three teams read as the branch's whole ranking and
    its headings alone as members missing."""
    from test_report import AS_OF as DEMO_DAY
    from test_report import okrdesk

    said = {
        "zh": {"1": "--depth 1：更下级的 14 个成员未列出",
               "0": "--depth 0：不排名任何成员（17 个成员未列出）"},
        "en": {"1": "--depth 1: 14 members further down not listed",
               "0": "--depth 0: no member ranked (17 not listed)"},
    }[lang]  # fmt: skip
    for depth, note in said.items():
        out = tmp_path / f"depth-{depth}.xlsx"
        done = okrdesk("report", "-w", str(demo_books["root"]), "--as-of", DEMO_DAY, "--lang",
                       lang, "--depth", depth, "-o", str(out))  # fmt: skip
        assert done.returncode == 0, done.stderr
        sheet = openpyxl.load_workbook(out).worksheets[2]
        rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
        assert [] in rows, rows  # a blank row, then the line under the table
        ranked = rows[1 : rows.index([])]
        assert len(ranked) == (3 if depth == "1" else 0), rows
        assert rows[len(ranked) + 2 :] == [[note]], rows
        markdown = okrdesk("report", "-w", str(demo_books["root"]), "--as-of", DEMO_DAY,
                           "--lang", lang, "--depth", depth, "--format", "md").stdout  # fmt: skip
        assert note in markdown
    # With every member ranked, no such line.
    whole = [c.value for row in demo_books[lang].worksheets[2].iter_rows() for c in row]
    assert not any(str(value).startswith("--depth") for value in whole)


def test_a_report_that_ranks_no_one_has_no_members_sheet(
    demo_books: dict[str, Any], tmp_path: Path
) -> None:
    """A person's report ranks no one, and the text report and Markdown have no ranking:
    its workbook had a members sheet of headings alone, read as members missing."""
    from test_report import AS_OF as DEMO_DAY
    from test_report import okrdesk

    for lang, sheets in (("zh", ["概览", "关键结果", "月度考核", "需要关注"]),
                         ("en", ["Summary", "Key results", "Monthly scores",
                                 "Needs attention"])):  # fmt: skip
        out = tmp_path / f"hejia-{lang}.xlsx"
        done = okrdesk("report", "-w", str(demo_books["root"]), "--as-of", DEMO_DAY, "--unit",
                       "hejia", "--lang", lang, "-o", str(out))  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert openpyxl.load_workbook(out).sheetnames == sheets
