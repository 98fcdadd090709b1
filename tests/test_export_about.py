"""An export a person opens: a workbook forwarded in a group chat said neither whose
numbers it held nor as of when; in English its unit column said 元 and 户 beside
English headers; and its empty cells were cells of empty text, which a spreadsheet's
ISBLANK and COUNTA take for filled. A real workspace, store and command, and the
workbook read back as Excel reads it."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import WriteWorkspace
from test_firm_branch_collects import CHECKED_IN, branch_workspace


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


@pytest.fixture
def branch(write_workspace: WriteWorkspace) -> Path:
    """The sample branch, collected through mid-November, one spend entry recorded."""
    root = write_workspace()
    assert run(root, "collect", "--through", "2026-11-15").exit_code == 0
    spent = run(root, "spend", "add", "training", "1.5", "--signed-by", "王芳", "--date",
                "2026-03-02")  # fmt: skip
    assert spent.exit_code == 0, spent.output
    return root


def cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_workbook_says_whose_numbers_it_holds_and_as_of_when(
    branch: Path, tmp_path: Path, lang: str
) -> None:
    out = tmp_path / "week.xlsx"
    done = run(branch, "export", "--out", str(out), "--lang", lang)
    assert done.exit_code == 0, done.output
    sheets = cells(out)
    first, *tables = sheets
    assert first == {"zh": "说明", "en": "About"}[lang]
    assert tables == ["observations", "checkins", "spend", "runs"]
    about = dict(sheets[first][1:])
    said = {
        "zh": {"工作区": "ws", "计划": "福田营业部 2026（plan-2026）",
               "单位": "福田营业部（branch）",
               "数据截至": "2026-11-15（最近一次采集，完成于 "},
        "en": {"Workspace": "ws", "Plan": "福田营业部 2026 (plan-2026)",
               "Unit": "福田营业部 (branch)",
               "Figures through": "2026-11-15 (latest collect, finished "},
    }[lang]  # fmt: skip
    for item, value in said.items():
        assert str(about[item]).startswith(value), (item, about[item])
    exported = about[{"zh": "导出时间", "en": "Exported"}[lang]]
    assert isinstance(exported, str) and exported[:4].isdigit() and exported[4] == "-"
    # The machine's time, beside cells in UTC: its zone said.
    assert re.search(r" UTC[+-]\d\d:\d\d$", exported), exported


def test_the_about_sheets_local_times_say_their_zone(
    branch: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """导出时间 and 完成于 were Beijing's clock beside cells labelled UTC, eight hours apart,
    neither saying which."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        out = tmp_path / "week.xlsx"
        assert run(branch, "export", "--out", str(out)).exit_code == 0
        about = dict(cells(out)["说明"][1:])
    finally:
        monkeypatch.undo()
        time.tzset()
    assert str(about["导出时间"]).endswith(" UTC+08:00"), about
    assert re.fullmatch(
        r"2026-11-15（最近一次采集，完成于 \S+ \S+ UTC\+08:00）", str(about["数据截至"])
    )


def test_a_workspace_with_nothing_collected_says_so(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace()
    assert run(root, "spend", "add", "training", "1", "--signed-by", "王芳", "--date",
               "2026-03-02").exit_code == 0  # fmt: skip
    out = tmp_path / "new.xlsx"
    assert run(root, "export", "--out", str(out)).exit_code == 0
    about = dict(cells(out)["说明"][1:])
    assert about["数据截至"] == "尚无采集"


def test_an_english_export_for_people_names_its_units_in_english(
    branch: Path, tmp_path: Path
) -> None:
    """The workbook and CSV, which people open, say CNY and accts in English; JSON, for
    programs, keeps the units as stored (元, 户) in either language."""
    out = tmp_path / "en.xlsx"
    assert run(branch, "export", "--out", str(out), "--lang", "en").exit_code == 0
    sheets = cells(out)
    spend_unit = sheets["spend"][0].index("unit")
    assert {row[spend_unit] for row in sheets["spend"][1:]} == {"CNY"}
    units = {row[sheets["observations"][0].index("unit")] for row in sheets["observations"][1:]}
    assert units == {"accts", "ratio"}
    assert not any("元" in str(c) or "户" in str(c) for c in units)
    text = run(branch, "export", "--format", "csv", "--table", "spend", "--lang", "en").stdout
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {row["unit"] for row in rows} == {"CNY"}
    document = json.loads(run(branch, "export", "--lang", "en").stdout)
    assert {row["unit"] for row in document["spend"]} == {"元"}
    assert run(branch, "export", "--out", str(tmp_path / "zh.xlsx")).exit_code == 0
    chinese = cells(tmp_path / "zh.xlsx")
    assert {row[spend_unit] for row in chinese["spend"][1:]} == {"元"}


def test_an_empty_cell_of_a_workbook_is_blank_not_empty_text(branch: Path, tmp_path: Path) -> None:
    """A whole figure's slice, a run's errors, a budget line not tripped: blank cells."""
    out = tmp_path / "all.xlsx"
    assert run(branch, "export", "--out", str(out)).exit_code == 0
    report = tmp_path / "report.xlsx"
    done = run(branch, "report", "--as-of", "2026-11-15", "--out", str(report))
    assert done.exit_code == 0, done.output
    for path in (out, report):
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                assert not any(cell.value == "" for cell in row), (path.name, sheet.title)
    sheets = cells(out)
    slices = sheets["observations"][0].index("slice")
    assert all(row[slices] is None for row in sheets["observations"][1:])
    budget = cells(report)["预算"]
    breaker = budget[0].index("熔断")
    assert {row[breaker] for row in budget[1:]} == {None}


FAILING_PLUGIN = """
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("signups", "Signups", "报名", MetricKind.FLOW, UNITS["户"]))


@hookimpl
def okrdesk_collect(request, emit):
    raise RuntimeError("the CRM export is missing")
"""


def test_a_collect_that_stored_figures_beside_an_error_is_the_one_the_workbook_is_of(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """A collect one of whose plugins failed stores the others' figures and is marked
    failed: the sheet said 尚无采集 over a workbook of them."""
    from sample_workspace import OKRS, trusted

    okrs = OKRS + '\n[[objectives.key_results]]\nid = "KR3"\ntitle = "报名"\n'
    okrs += 'metric = "signups"\ntarget = 10\nunit = "户"\n'
    root = write_workspace({"okrs.toml": okrs})
    (root / "plugins" / "failing.py").write_text(FAILING_PLUGIN, encoding="utf-8")
    trusted(root)
    done = run(root, "collect", "--through", "2026-11-15")
    assert done.exit_code == 1, done.output
    out = tmp_path / "week.xlsx"
    for lang in ("zh", "en"):
        assert run(root, "export", "--out", str(out), "--lang", lang).exit_code == 0
        sheets = cells(out)
        assert len(sheets["observations"]) > 1
        about = dict(sheets[{"zh": "说明", "en": "About"}[lang]][1:])
        through = str(about[{"zh": "数据截至", "en": "Figures through"}[lang]])
        assert through.startswith(
            {
                "zh": "2026-11-15（最近一次采集，完成于 ",
                "en": "2026-11-15 (latest collect, finished ",
            }[lang]
        ), through
        assert through.endswith(
            {"zh": "，部分指标出错，见 runs 表）",
             "en": ", with errors for some metrics: see the runs sheet)"}[lang]
        )  # fmt: skip


@pytest.mark.skipif(os.name == "nt", reason="the test server runs on a Unix socket")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_branch_on_a_shared_store_says_its_own_latest_collect_and_whose_else_it_holds(
    tmp_path: Path, write_workspace: WriteWorkspace, postgres_url: str, lang: str
) -> None:
    """Two branches on a firm's server: the first's workbook said the second's later
    collect was its own ('data through' a week it never collected), and nothing said
    its tables held the other branch's figures too."""
    futian = branch_workspace(write_workspace, tmp_path / "futian", postgres_url, other=False)
    tianhe = branch_workspace(write_workspace, tmp_path / "tianhe", postgres_url, other=True)
    for root, through in ((futian, "2026-03-15"), (tianhe, "2026-03-22")):
        done = run(root, "collect", "--through", through)
        assert done.exit_code == 0, done.output
    out = tmp_path / "futian.xlsx"
    assert run(futian, "export", "--out", str(out), "--lang", lang).exit_code == 0
    about = dict(cells(out)[{"zh": "说明", "en": "About"}[lang]][1:])
    through = about[{"zh": "数据截至", "en": "Figures through"}[lang]]
    assert str(through).startswith("2026-03-15"), through
    held = str(about[{"zh": "表中数字", "en": "Tables hold"}[lang]])
    assert "b2" in held and "branch" not in held, held
    # The other branch's own workbook names this one.
    out = tmp_path / "tianhe.xlsx"
    assert run(tianhe, "export", "--out", str(out), "--lang", lang).exit_code == 0
    about = dict(cells(out)[{"zh": "说明", "en": "About"}[lang]][1:])
    assert str(about[{"zh": "数据截至", "en": "Figures through"}[lang]]).startswith("2026-03-22")
    assert "branch" in str(about[{"zh": "表中数字", "en": "Tables hold"}[lang]])


def test_a_workspace_alone_in_its_store_has_no_line_of_other_plans(
    branch: Path, tmp_path: Path
) -> None:
    out = tmp_path / "alone.xlsx"
    assert run(branch, "export", "--out", str(out)).exit_code == 0
    assert "表中数字" not in dict(cells(out)["说明"][1:])


def test_a_check_in_is_exported_with_who_made_it(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"okrs.toml": CHECKED_IN})
    done = run(root, "checkin", "O1.REV", "4.7", "--by", "王芳", "--date", "2026-03-02")
    assert done.exit_code == 0, done.output
    document = json.loads(run(root, "export").stdout)
    assert [c["author"] for c in document["checkins"]] == ["王芳"]
    text = run(root, "export", "--format", "csv", "--table", "checkins").stdout
    (row,) = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    assert row["author"] == "王芳"
