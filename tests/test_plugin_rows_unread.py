"""A plugin that fails on a row of its CRM export names the file and the line it was
reading through decoded_lines, and for a column the export lacks, the columns it has.

It was told with Python's words and the plugin's line alone: ``InvalidOperation:
[<class 'decimal.ConversionSyntax'>]`` for an amount of 约五万 at row 7, ``KeyError:
'认购金额(元)'`` for a column renamed, neither naming the file nor the row to mend."""

from __future__ import annotations

import datetime as dt
import sqlite3
import types
from pathlib import Path

from installed_package import installed_package, okrdesk
from okrdesk.model import Person
from okrdesk.plugins.testing import PluginCheck, check_plugin
from sample_workspace import WriteWorkspace

FUND_SALES = """\
import csv
import datetime as dt
from decimal import Decimal

from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import decoded_lines, hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("fund_sales", "Fund subscriptions", "基金认购金额", MetricKind.FLOW,
                        UNITS["元"], never_negative=True))


@hookimpl
def okrdesk_collect(request, emit):
    totals = {}
    with (request.workspace / "data" / "fund_sales.csv").open("rb") as file:
        for row in csv.DictReader(decoded_lines(file, "utf-8")):
            day = dt.date.fromisoformat(row["日期"])
            amount = Decimal(row["认购金额(元)"].replace(",", ""))
            period = next(p.id for p in request.periods if p.start <= day <= p.end)
            key = (row["客户经理工号"], period)
            totals[key] = totals.get(key, 0) + amount
    for (person, period), amount in totals.items():
        emit("fund_sales", person, period, value=amount, source="fund_sales.csv")
"""

FUND_KR = """\
[[objectives]]
id = "O9"
title = "基金销售"
owner = "branch"

[[objectives.key_results]]
id = "KR1"
title = "基金认购"
metric = "fund_sales"
target = 500
unit = "万元"
"""

HEADER = "客户经理工号,日期,认购金额(元)\n"
ROWS = ['cm01,2026-01-06,"120,000.00"\n', "cm02,2026-01-07,50000\n"] * 3


def _line(source: str, text: str) -> int:
    return next(n for n, line in enumerate(source.splitlines(), 1) if text in line)


def _export(root: Path, text: str) -> None:
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "fund_sales.csv").write_text(text, encoding="utf-8")


def test_an_amount_that_is_no_number_names_the_file_and_line(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace({"funds.toml": FUND_KR})
    _export(root, HEADER + "".join(ROWS[:5]) + "cm01,2026-01-08,约五万\n")  # line 7
    line = _line(FUND_SALES, "amount = Decimal")
    with installed_package(tmp_path, "fund_rows", FUND_SALES) as env:
        english = okrdesk(
            env, "collect", "--lang", "en", "--through", "2026-01-18", "-w", str(root)
        )
        chinese = okrdesk(
            env, "collect", "--lang", "zh", "--through", "2026-01-18", "-w", str(root)
        )
        report = okrdesk(env, "report", "--lang", "en", "--as-of", "2026-01-18", "-w", str(root))
    told = " ".join((english.stdout + english.stderr).split())
    assert english.returncode == 1, told
    assert (
        "error: plugin fund_rows: okrdesk_collect failed: InvalidOperation: Decimal() was given "
        f"text that is no number (at okrdesk_fund_rows/__init__.py:{line}), reading "
        "data/fund_sales.csv line 7: mend that line, or have the plugin leave out a row it "
        "cannot read and say so (emit.warning) rather than fail"
    ) in told, told
    assert "Traceback" not in told and "ConversionSyntax" not in told, told
    zh = "".join((chinese.stdout + chinese.stderr).split())
    assert (
        "错误：插件fund_rows：okrdesk_collect出错：InvalidOperation:Decimal()收到的文本不是数"
        f"（位于okrdesk_fund_rows/__init__.py:{line}），读取data/fund_sales.csv第7行时："
        "请修正这一行"
    ) in zh, zh
    # One broken plugin: the sample workspace's own plugin's figures land, and the report
    # is written, naming the failure.
    with sqlite3.connect(root / "okrdesk.db") as connection:
        plugins = {p for (p,) in connection.execute("SELECT DISTINCT plugin FROM observations")}
    assert plugins == {"test_metrics"}
    assert report.returncode == 0, report.stderr
    assert "plugin fund_rows: okrdesk_collect failed" in " ".join(report.stdout.split())


def test_a_column_the_export_lacks_is_named_with_the_columns_it_has(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace({"funds.toml": FUND_KR})
    _export(root, HEADER.replace("认购金额(元)", "认购金额") + "".join(ROWS))
    with installed_package(tmp_path, "fund_rows", FUND_SALES) as env:
        english = okrdesk(
            env, "collect", "--lang", "en", "--through", "2026-01-18", "-w", str(root)
        )
        chinese = okrdesk(
            env, "collect", "--lang", "zh", "--through", "2026-01-18", "-w", str(root)
        )
    told = " ".join((english.stdout + english.stderr).split())
    assert (
        "KeyError: '认购金额(元)' (at okrdesk_fund_rows/__init__.py:"
        f"{_line(FUND_SALES, 'amount = Decimal')}), reading data/fund_sales.csv line 2: the file "
        "has no column 认购金额(元); its columns (line 1) are 客户经理工号, 日期, 认购金额: "
        "export it with that column"
    ) in told, told
    zh = "".join((chinese.stdout + chinese.stderr).split())
    assert "文件没有列认购金额(元)；它的列（第1行）是客户经理工号、日期、认购金额" in zh, zh


def test_a_failure_after_the_file_was_read_names_no_line_of_it(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """A file read to its end is no longer the one being read: a row of it is not blamed
    for what failed after."""
    root = write_workspace({"funds.toml": FUND_KR})
    _export(root, HEADER + "".join(ROWS))
    source = FUND_SALES.replace(
        "    for (person, period), amount", "    1 / 0\n    for (person, period), amount"
    )
    with installed_package(tmp_path, "fund_rows", source) as env:
        done = okrdesk(env, "collect", "--lang", "en", "--through", "2026-01-18", "-w", str(root))
    told = " ".join((done.stdout + done.stderr).split())
    assert "okrdesk_collect failed: ZeroDivisionError: division by zero (at" in told, told
    assert "reading data/fund_sales.csv" not in told, told


def _checked_for_a_week(plugin: types.ModuleType, workspace: Path) -> PluginCheck:
    """``check_plugin`` of ``plugin`` over the first whole week of 2026, for 王芳 alone."""
    return check_plugin(
        plugin,
        people=[Person("cm01", "王芳", "team-a")],
        start=dt.date(2026, 1, 5),
        through=dt.date(2026, 1, 11),
        workspace=workspace,
    )


def test_check_plugin_names_the_line_too(tmp_path: Path) -> None:
    """check_plugin runs the collect in a thread of the test's process, which is where
    the file was read."""
    plugin = types.ModuleType("fund_sales_under_test")
    exec(compile(FUND_SALES, "fund_sales_under_test.py", "exec"), plugin.__dict__)
    _export(tmp_path, HEADER + "cm01,2026-01-06,abc\n")
    check = _checked_for_a_week(plugin, tmp_path)
    (problem,) = check.problems
    assert "InvalidOperation: Decimal() was given text that is no number" in problem, problem
    assert "reading data/fund_sales.csv line 2: mend that line" in problem, problem


def test_a_cell_s_value_looked_up_is_not_told_as_a_missing_column(tmp_path: Path) -> None:
    """A KeyError of a staff number the plugin's own table lacks is no column of the file:
    it is told as the line to mend, not as "the file has no column S9999"."""
    plugin = types.ModuleType("fund_staff_under_test")
    source = FUND_SALES.replace(
        'key = (row["客户经理工号"], period)',
        'key = ({"S1001": "cm01"}[row["客户经理工号"]], period)',
    )
    exec(compile(source, "fund_staff_under_test.py", "exec"), plugin.__dict__)
    _export(tmp_path, HEADER + "S1001,2026-01-06,100\nS9999,2026-01-07,200\n")
    check = _checked_for_a_week(plugin, tmp_path)
    (problem,) = check.problems
    assert "KeyError: 'S9999'" in problem, problem
    assert "reading data/fund_sales.csv line 3: mend that line" in problem, problem
    assert "no column" not in problem, problem


def test_an_amount_written_with_separators_is_told_to_be_read_with_written_number(
    tmp_path: Path,
) -> None:
    """A margin plugin read 融资余额 of "2,412,481.47", as the brokerage's system writes it,
    with float() and was told "…: mend that line", which would have the branch rewrite
    every amount of its export: the line is right, the plugin's reading is not."""
    _export(tmp_path, HEADER + 'cm01,2026-01-06,"120,000.00"\n')
    for reader, read in (("float()", "float("), ("Decimal()", "Decimal(")):
        plugin = types.ModuleType("fund_written_under_test")
        source = FUND_SALES.replace(
            'Decimal(row["认购金额(元)"].replace(",", ""))', f'{read}row["认购金额(元)"])'
        )
        exec(compile(source, "fund_written_under_test.py", "exec"), plugin.__dict__)
        (problem,) = _checked_for_a_week(plugin, tmp_path).problems
        assert (
            "reading data/fund_sales.csv line 2: its cell '120,000.00' is an amount as people "
            f"write it, which {reader} does not read: have the plugin read amounts with "
            "okrdesk.written_numbers.written_number, which gives None for a cell that is no "
            "amount, a row to leave out and say so of (emit.warning)"
        ) in problem, problem
    chinese = check_plugin(
        plugin, people=[Person("cm01", "王芳", "team-a")], start=dt.date(2026, 1, 5),
        through=dt.date(2026, 1, 11), workspace=tmp_path, lang="zh",
    ).problems  # fmt: skip
    assert (
        "读取 data/fund_sales.csv 第 2 行时：单元格 '120,000.00' 是按人们习惯书写的金额，"
        "Decimal() 读不了：请让插件用 okrdesk.written_numbers.written_number 读取金额"
    ) in chinese[0], chinese
