"""CRM exports in the shapes Chinese brokerage systems and Excel really write, read by
the SQL source through a real workspace (``okrdesk collect``, ``validate``, ``explain``):
each gives the figure a branch expects, or is refused at file:row:column."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.plugins.sql_files import load_table, table_file
from okrdesk.store import Store
from sample_workspace import WriteWorkspace
from test_sql_files import write_xlsx

OKRS = """\
[[objectives]]
id = "O1"
title = "客户资产"
owner = "branch"

[[objectives.key_results]]
id = "KR1"
title = "新增资产"
metric = "crm_amount"
target = 1000000
unit = "元"
"""
ROWS = "SELECT cm AS subject, day, amount AS value FROM crm"
"""A query that takes each row's value as it is: a cell that is no number is left out,
saying so."""
SUMMED = "SELECT cm AS subject, day, sum(amount) AS value FROM crm GROUP BY cm, day"
"""A query that adds a column up in DuckDB: it runs only on a column of numbers."""


def _workspace(
    write_workspace: WriteWorkspace,
    data: str | bytes,
    table: str = "",
    query: str = ROWS,
    name: str = "crm.csv",
    root: Path | None = None,
    unit: str = "元",
) -> Path:
    """A workspace of one key result on crm_amount, a flow over ``data/<name>``; ``root``:
    where, for a test that makes more than one; ``unit``: the metric's, where its figures
    are no money (percentages: money is stored to the fen, 0.125元 as 0.13元)."""
    okrs = OKRS.replace('unit = "元"', f'unit = "{unit}"')
    files = {"crm.toml": okrs, "okrs.toml": None, "budget.toml": None}
    root = write_workspace(files, root=root, plugin=False)
    (root / "data").mkdir()
    target = root / "data" / name
    if isinstance(data, str):
        target.write_text(data, encoding="utf-8")
    else:
        target.write_bytes(data)
    (root / "okrdesk.toml").write_text(
        f'[sources.sql.tables.crm]\npath = "data/{name}"\n{table}\n\n'
        f'[[sources.sql.metrics]]\nname = "crm_amount"\nkind = "flow"\nunit = "{unit}"\n'
        f'query = """{query}"""\n',
        encoding="utf-8",
    )
    return root


def _collect(root: Path, lang: str = "en") -> tuple[int, str]:
    done = CliRunner().invoke(
        cli, ["collect", "--through", "2026-03-31", "--lang", lang, "-w", str(root)]
    )
    assert "Traceback" not in done.output
    return done.exit_code, done.output


def _stored(root: Path) -> dict[tuple[str, str], float]:
    """The weekly figures stored, by subject and week."""
    with Store.open(root / "okrdesk.db") as store:
        rows = store.query(
            "SELECT subject, period, value FROM observations "
            "WHERE metric = 'crm_amount' AND period LIKE '2026-W%'"
        )
        return {(subject, period): value for subject, period, value in rows}


def _sources(root: Path) -> dict[str, str]:
    with Store.open(root / "okrdesk.db") as store:
        rows = store.query(
            "SELECT subject, source FROM observations "
            "WHERE metric = 'crm_amount' AND period LIKE '2026-W%'"
        )
        return dict(rows)


def _one_line(output: str) -> str:
    return " ".join(output.split())


# ---------------------------------------------------------------------------- cells


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        ("12.5%", 0.125),  # a percentage is the number Excel holds
        ("12.5 %", 0.125),
        ("12.5％", 0.125),
        ("3‰", 0.003),
        ("(1,234.00)", -1234.0),  # accounting negative
        ("-1,234.00", -1234.0),
        ("¥-1,234.00", -1234.0),
        ("12.5万", 125_000.0),
        ("3,500元", 3500.0),
        ("1.2亿", 120_000_000.0),
        ("-0.5万元", -5000.0),
        ("１２３４．５", 1234.5),  # full-width digits, as a Chinese input method writes them
        ("１，２３４", 1234.0),
    ],
)
@pytest.mark.parametrize("query", [ROWS, SUMMED])
def test_a_number_written_for_a_reader_is_the_number_it_says(
    write_workspace: WriteWorkspace, cell: str, number: float, query: str
) -> None:
    """Each row's value as it is, and the column added up by DuckDB (which runs only on a
    column of numbers): both the number a manager reads in the cell."""
    data = f'cm,day,amount\ncm01,2026-03-05,"{cell}"\ncm01,2026-03-06,"{cell}"\n'
    data += f'cm01,2026-03-07,0\ncm02,2026-03-10,"{cell}"\n'
    fraction = cell.rstrip(" ").endswith(("%", "％", "‰"))
    root = _workspace(write_workspace, data, query=query, unit="倍" if fraction else "元")
    code, output = _collect(root)
    assert code == 0, output
    assert "warning" not in output
    stored = _stored(root)
    assert stored[("cm01", "2026-W10")] == pytest.approx(2 * number, rel=1e-12)
    assert stored[("cm02", "2026-W11")] == pytest.approx(number, rel=1e-12)


def test_a_number_without_percent_among_percentages_is_refused_at_its_cell(
    write_workspace: WriteWorkspace,
) -> None:
    """12.5% is 0.125, and 8 beside it may be 8% or 8: the column's sum would be a figure
    no one meant. The plain cells (0 aside, written so in any notation) are named, never
    quoted."""
    data = "cm,day,amount\ncm01,2026-03-05,12.5%\ncm01,2026-03-06,8\ncm02,2026-03-05,0\n"
    data += "cm02,2026-03-06,9.5 %\ncm02,2026-03-07,3\n"
    root = _workspace(write_workspace, data, query=SUMMED)
    code, output = _collect(root)
    assert code == 1
    assert (
        "sources.sql.tables.crm: crm.csv:3:amount, crm.csv:6:amount: in a column of "
        "percentages (12.5% is 0.125), these cells are numbers written without %, which may "
        "be 8% as well as 8" in _one_line(output)
    )
    code, chinese = _collect(root, "zh")
    assert "crm.csv:3:amount、crm.csv:6:amount：在百分数的列里" in _one_line(chinese)


def _workbook(tmp_path: Path, amounts: list[tuple[object, str | None]]) -> bytes:
    """A workbook of ``cm,day,amount`` rows, each amount a cell and its number format (None:
    Excel's General), the days 5 March onwards."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["cm", "day", "amount"])
    for n, (amount, number_format) in enumerate(amounts):
        sheet.append([f"cm0{n % 2 + 1}", f"2026-03-0{n + 5}", amount])
        if number_format is not None:
            sheet.cell(row=n + 2, column=3).number_format = number_format
    path = tmp_path / "made.xlsx"
    book.save(path)
    return path.read_bytes()


def test_a_workbooks_percentages_beside_plain_numbers_are_refused_as_in_a_text_file(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """A workbook's column is judged as Excel shows it: a text cell 12.5% and a number cell
    formatted 0.0% (0.095, shown 9.5%) are percentages, a number 8 shown 8 may be 8% or 8,
    as in a text file."""
    cells = [("12.5%", None), (8, None), (0.095, "0.0%"), (0, None), ("3", None)]
    data = _workbook(tmp_path, cells)
    root = _workspace(write_workspace, data, query=SUMMED, name="crm.xlsx")
    code, output = _collect(root)
    assert code == 1
    assert (
        "sources.sql.tables.crm: crm.xlsx:3:amount, crm.xlsx:6:amount: in a column of "
        "percentages (12.5% is 0.125), these cells are numbers written without %"
        in _one_line(output)
    )
    assert _stored(root) == {}


@pytest.mark.parametrize("formats", ["0.0%", "0.00%;[Red]-0.00%", "0%"])
def test_a_workbooks_percentages_formatted_so_are_the_fractions_excel_holds(
    write_workspace: WriteWorkspace, tmp_path: Path, formats: str
) -> None:
    """Number cells shown as percentages beside text ones (12.5%, typed as text) are read as
    Excel holds them, every figure to the last digit, and refused nowhere."""
    cells = [("12.5%", None), (0.07, formats), (0.123456789012, formats), (-0.035, formats)]
    data = _workbook(tmp_path, cells)
    root = _workspace(write_workspace, data, query=SUMMED, name="crm.xlsx", unit="倍")
    code, output = _collect(root)
    assert code == 0, output
    assert _stored(root) == {
        ("cm01", "2026-W10"): 0.125 + 0.123456789012,
        ("cm02", "2026-W10"): 0.07 + -0.035,
    }


@pytest.mark.parametrize("other", ["8", "12.5万"])
def test_percentages_beside_plain_numbers_are_refused_in_a_column_left_text_too(
    write_workspace: WriteWorkspace, other: str
) -> None:
    """One N/A leaves the column text, whose values a query still reads as the tables read
    numbers: 12.5% beside 8 (or 12.5万) is the same doubt there as in a number column, and
    is refused at the plain cells alike. A column types makes text is the query's to read."""
    data = f"cm,day,amount\ncm01,2026-03-05,12.5%\ncm01,2026-03-06,{other}\n"
    data += "cm02,2026-03-05,N/A\ncm02,2026-03-06,0\n"
    root = _workspace(write_workspace, data)
    code, output = _collect(root)
    assert code == 1
    assert (
        "sources.sql.tables.crm: crm.csv:3:amount: in a column of percentages (12.5% is "
        "0.125), these cells are numbers written without %" in _one_line(output)
    )
    declared = _workspace(
        write_workspace, data, table='types = { amount = "text" }', root=root.parent / "text"
    )
    code, output = _collect(declared)
    assert "in a column of percentages" not in output


def test_a_column_of_remarks_with_a_percentage_and_a_number_among_its_words_is_no_doubt(
    write_workspace: WriteWorkspace,
) -> None:
    """A remarks column no query reads, 降费5% in one row's words and 3 alone in another's,
    refused the whole table once columns left text were looked at for percentages."""
    data = "cm,day,amount,remarks\ncm01,2026-03-05,100,5%\ncm01,2026-03-06,200,3\n"
    data += "cm02,2026-03-05,300,客户要求降费\ncm02,2026-03-06,400,已回访\n"
    data += "cm02,2026-03-07,500,下周再约\n"
    root = _workspace(write_workspace, data)
    code, output = _collect(root)
    assert code == 0, output
    assert _stored(root) == {("cm01", "2026-W10"): 300.0, ("cm02", "2026-W10"): 1200.0}


def test_a_column_one_cell_leaves_text_still_reads_its_written_numbers(
    write_workspace: WriteWorkspace,
) -> None:
    """One N/A makes the column text; a value taken from it is still read as the tables
    read numbers (12.5万 as 125000), and the N/A row alone is left out, named."""
    data = "cm,day,amount\ncm01,2026-03-05,12.5万\ncm01,2026-03-06,８\ncm02,2026-03-05,N/A\n"
    data += 'cm02,2026-03-06,"3,500元"\n'
    root = _workspace(write_workspace, data)
    code, output = _collect(root)
    assert code == 0, output
    assert _stored(root) == {("cm01", "2026-W10"): 125_008.0, ("cm02", "2026-W10"): 3500.0}
    assert (
        "1 row left out: column value holds text, not a number (table crm: crm.csv row 4)"
        in _one_line(output)
    )


@pytest.mark.parametrize("cell", ["1_5", "1_000", "1_5万", "1_234.5"])
@pytest.mark.parametrize("query", [ROWS, SUMMED])
def test_a_number_with_an_underscore_is_refused_at_its_cell_as_on_the_command_line(
    write_workspace: WriteWorkspace, cell: str, query: str
) -> None:
    """DuckDB and Python both read 1_5 as 15; a person may have meant 1.5. As a check-in
    of 1_5 is refused, so is such a cell in a column of numbers, at file:row:column, with
    why: read as no number, it made the column text and left its row out unexplained."""
    data = f"cm,day,amount\ncm01,2026-03-05,{cell}\ncm01,2026-03-06,7\ncm02,2026-03-05,2\n"
    root = _workspace(write_workspace, data, query=query)
    code, output = _collect(root)
    assert code == 1, output
    assert _stored(root) == {}
    said = _one_line(output)
    assert "sources.sql.tables.crm: crm.csv:2:amount: these cells are numbers but for an " in said
    assert "(1_5 could be 15 or 1.5)" in said
    code, output = _collect(root, "zh")
    assert "crm.csv:2:amount：这些格除了下划线都是数" in _one_line(output)


def test_a_column_of_ids_with_underscores_stays_text(write_workspace: WriteWorkspace) -> None:
    """Ids such as 2026_001, no column of figures, are no numbers to doubt."""
    data = "cm,day,amount,deal\ncm01,2026-03-05,5,2026_001\ncm02,2026-03-05,2,2026_002\n"
    query = "SELECT cm AS subject, day, amount AS value FROM crm WHERE deal LIKE '2026_%'"
    root = _workspace(write_workspace, data, query=query)
    code, output = _collect(root)
    assert code == 0, output
    assert _stored(root) == {("cm01", "2026-W10"): 5.0, ("cm02", "2026-W10"): 2.0}


def test_a_number_column_given_in_types_names_an_underscore_as_what_it_is(
    write_workspace: WriteWorkspace,
) -> None:
    data = "cm,day,amount\ncm01,2026-03-05,7\ncm01,2026-03-06,1_5\n"
    root = _workspace(write_workspace, data, table='types = { amount = "number" }')
    code, output = _collect(root)
    assert code == 1, output
    assert (
        "crm.csv:3:amount: types says column amount holds numbers (1234.5, 1,234.5, 12.5%), "
        "and this cell holds a number with an underscore, which no reader takes the same way "
        "(1_5 could be 15 or 1.5)" in _one_line(output)
    )


NO_VALUE = ["—", "-", "N/A", "#N/A", "#DIV/0!"]
"""What Excel and CRM exports write in a cell that has no value."""


def test_cells_meaning_no_value_are_left_out_named_unless_the_table_says_so(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """Left to itself, each such cell leaves its row out, counted and named, and the other
    rows make the figure; a query adding the column up is told to list them in null.
    Listed in the table's null, they are empty cells: the column is a number column, which
    the query adds up."""
    lines = ["cm,day,amount", "cm01,2026-03-05,100", "cm01,2026-03-06,20"]
    lines += [f"cm02,2026-03-05,{cell}" for cell in NO_VALUE] + ["cm02,2026-03-06,7", ""]
    data = "\n".join(lines)
    root = _workspace(write_workspace, data)
    code, output = _collect(root)
    assert code == 0, output
    assert _stored(root) == {("cm01", "2026-W10"): 120.0, ("cm02", "2026-W10"): 7.0}
    assert (
        "5 rows left out: column value holds text, not a number "
        "(table crm: crm.csv rows 4-6, …)" in _one_line(output)
    )
    summed = _workspace(write_workspace, data, query=SUMMED, root=tmp_path / "summed")
    code, output = _collect(summed)
    assert code == 1
    assert "give such cells in the table's null" in _one_line(output)
    listed = ", ".join(f'"{cell}"' for cell in NO_VALUE)
    told = _workspace(
        write_workspace, data, table=f"null = [{listed}]", query=SUMMED, root=tmp_path / "told"
    )
    code, output = _collect(told)
    assert code == 0, output
    # Their day's sum has no value at all: that one result row is left out, its rows named.
    assert (
        "1 row left out: column value is empty (NULL) (table crm: crm.csv rows 4-8)"
        in _one_line(output)
    )
    assert _stored(told) == {("cm01", "2026-W10"): 120.0, ("cm02", "2026-W10"): 7.0}


def test_an_account_id_written_with_an_apostrophe_stays_text(tmp_path: Path) -> None:
    """An export writes '0012345 so that Excel keeps the id as text: the column is text,
    and the apostrophe, no part of the id, is gone; the zeros stay."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "accounts.csv").write_text(
        "account,cm,assets\n'0012345,cm01,100\n'12345678,cm02,200\n", encoding="utf-8"
    )
    table = table_file("accounts", "data/accounts.csv", tmp_path, [])
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with duckdb.connect() as connection:
        load_table(connection, table, scratch, None)
        types = dict(connection.execute("SELECT name, type FROM pragma_table_info('accounts')")
                     .fetchall())  # fmt: skip
        rows = connection.execute("SELECT account, assets FROM accounts ORDER BY rowid").fetchall()
    assert types == {"account": "VARCHAR", "cm": "VARCHAR", "assets": "BIGINT"}
    assert rows == [("0012345", 100), ("12345678", 200)]


# ---------------------------------------------------------------------- summary rows


@pytest.mark.parametrize(
    "summary",
    ["合计,,3300", "总计：,,3300", "总 计,,3300", "Total,,3300", ",合计,3300"],
)
def test_a_summary_row_ending_the_file_is_left_out_saying_so(
    write_workspace: WriteWorkspace, summary: str
) -> None:
    """An export's 合计 row is the sum of the rows above it: counted, every figure would
    be doubled. It is left out, with a warning naming its row, in both languages, on
    every collect (the table kept in the cache remembers it), and no figure cites it."""
    data = f"cm,day,amount\ncm01,2026-03-05,1000\ncm02,2026-03-05,2300\n{summary}\n\n"
    root = _workspace(write_workspace, data)
    for lang in ("en", "zh"):
        code, output = _collect(root, lang)
        assert code == 0, output
        said = {
            "en": "table crm: crm.csv row 4 is a summary row (a total) at the end of the file, "
            "no client's; not counted",
            "zh": "表 crm：crm.csv 第 4 行是文件末尾的合计行（合计、总计、Total），"
            "不是客户的；不计入",
        }[lang]
        assert said in _one_line(output)
    assert _stored(root) == {("cm01", "2026-W10"): 1000.0, ("cm02", "2026-W10"): 2300.0}
    assert _sources(root) == {
        "cm01": "SQL metric crm_amount: crm.csv row 2",
        "cm02": "SQL metric crm_amount: crm.csv row 3",
    }


def _weekly(root: Path, through: str, lang: str = "en") -> tuple[str, str]:
    """A week's collect through ``through`` and the report as of that day: what each says."""
    collected = CliRunner().invoke(
        cli, ["collect", "--through", through, "--lang", lang, "-w", str(root)]
    )
    assert collected.exit_code == 0, collected.output
    reported = CliRunner().invoke(
        cli, ["report", "--as-of", through, "--lang", lang, "-w", str(root)]
    )
    assert reported.exit_code == 0, reported.output
    return _one_line(collected.output), _one_line(reported.output)


def test_a_warning_the_weekly_export_repeats_is_told_in_one_weeks_report_not_every_week(
    write_workspace: WriteWorkspace,
) -> None:
    """The CRM's weekly export always ends in its 合计 row (one row further down each
    week) and always starts with a row of last year: each collect says so, and the report
    of the week that first read them; the next weeks' reports do not say it again. A
    row of last year that was not there before is news again."""
    head = "cm,day,amount\ncm01,2025-12-30,500\ncm01,2026-03-05,1000\n"
    root = _workspace(write_workspace, head + "合计,,1500\n")
    total, before = "is a summary row (a total) at the end of the file", "before the plan"
    collected, reported = _weekly(root, "2026-03-08")
    assert total in collected and before in collected
    assert total in reported and before in reported
    week = head + "cm02,2026-03-10,2300\n合计,,3800\n"
    (root / "data" / "crm.csv").write_text(week, encoding="utf-8")
    collected, reported = _weekly(root, "2026-03-15")
    assert "crm.csv row 5 is a summary row" in collected and before in collected
    assert total not in reported and before not in reported
    older = week.replace("cm01,2025-12-30,500\n", "cm01,2025-12-30,500\ncm02,2025-12-31,9\n")
    (root / "data" / "crm.csv").write_text(older, encoding="utf-8")
    collected, reported = _weekly(root, "2026-03-22", "zh")
    assert "2 行日期为 2025-12-30 至 2025-12-31" in reported
    assert "合计行" not in reported and "合计行" in collected


def test_summary_rows_read_through_a_view_are_said_and_a_whole_sum_is_not_doubled(
    write_workspace: WriteWorkspace,
) -> None:
    """A query over a view that adds the whole file up counts each client once."""
    data = "cm,day,amount\ncm01,2026-03-05,1000\ncm01,2026-03-06,2300\n小计,,3300\n合计,,3300\n"
    root = _workspace(
        write_workspace,
        data,
        table='\n[sources.sql.views]\nall_days = "SELECT cm, max(day) AS day, sum(amount) AS '
        'amount FROM crm GROUP BY cm"',
        query="SELECT cm AS subject, day, amount AS value FROM all_days",
    )
    code, output = _collect(root)
    assert code == 0, output
    assert _stored(root) == {("cm01", "2026-W10"): 3300.0}
    assert (
        "table crm: crm.csv rows 4-5 are summary rows (a total) at the end of the file, "
        "no client's; not counted" in _one_line(output)
    )


def test_a_pivot_tables_block_of_subtotals_ending_the_file_is_left_out_however_long(
    write_workspace: WriteWorkspace,
) -> None:
    """A pivot table exported ends in its subtotals, level by level, then the total: 12
    rows here, every one the sum of rows above, all left out, none counted."""
    levels = [f"小计：{team},,{1000 * n}" for n, team in enumerate("ABCDEFGHIJK", start=1)]
    data = "cm,day,amount\ncm01,2026-03-05,1000\ncm02,2026-03-05,2300\n"
    data += "\n".join([*levels, ",,", "合计,,3300"]) + "\n"
    root = _workspace(write_workspace, data, query=SUMMED)
    code, output = _collect(root)
    assert code == 0, output
    said = _one_line(output)
    assert "crm.csv rows 4-14, 16 are summary rows (a total) at the end of the file" in said
    assert _stored(root) == {("cm01", "2026-W10"): 1000.0, ("cm02", "2026-W10"): 2300.0}


@pytest.mark.parametrize(
    "summary",
    ["TOtal,,3300", "TOTAL,,3300", "grand toTAL,,3300", "   ,合计,3300", "\u3000,Total,3300"],
)
def test_a_summary_row_is_known_whatever_its_case_or_the_spaces_before_it(
    write_workspace: WriteWorkspace, summary: str
) -> None:
    """Ending the file, it is left out; inside, it is refused at its row."""
    head = "cm,day,amount\ncm01,2026-03-05,1000\n"
    ended = _workspace(write_workspace, f"{head}cm02,2026-03-05,2300\n{summary}\n")
    code, output = _collect(ended)
    assert code == 0, output
    assert "crm.csv row 4 is a summary row (a total)" in _one_line(output)
    assert _stored(ended) == {("cm01", "2026-W10"): 1000.0, ("cm02", "2026-W10"): 2300.0}
    inside = f"{head}{summary}\ncm02,2026-03-05,2300\n"
    root = _workspace(write_workspace, inside, query=SUMMED, root=ended.parent / "inside")
    code, output = _collect(root)
    assert code == 1
    assert "crm.csv:3: a summary row (a subtotal or total) inside the file" in _one_line(output)


@pytest.mark.parametrize("summary", ["小计,,1000", "合计,,1000", "Subtotal:,,1000", ",小 计,1000"])
def test_a_summary_row_inside_the_file_is_refused_at_its_row(
    write_workspace: WriteWorkspace, summary: str
) -> None:
    """A subtotal (小计) or total further up is the sum of the rows above it: counted, a
    query would add them twice; left out, the rows after it would lose their file rows. The
    table is refused naming its row, in both languages, and no figure of it is stored; the
    summary rows that end the file are still left out by themselves."""
    data = f"cm,day,amount\ncm01,2026-03-05,1000\n{summary}\ncm02,2026-03-05,2300\n"
    data += "小计,,2300\n合计,,3300\n"
    root = _workspace(write_workspace, data, query=SUMMED)
    code, output = _collect(root)
    assert code == 1
    assert (
        "sources.sql.tables.crm: crm.csv:3: a summary row (a subtotal or total) inside the "
        "file, the sum of rows above, which a query would count again; take such rows out of "
        "the export" in _one_line(output)
    )
    code, chinese = _collect(root, "zh")
    assert "crm.csv:3：是文件中间的小计或合计行" in _one_line(chinese)
    assert _stored(root) == {}
    ended = data.replace(f"{summary}\n", "")
    root = _workspace(write_workspace, ended, query=SUMMED, root=root.parent / "ended")
    code, output = _collect(root)
    assert code == 0, output
    assert "crm.csv rows 4-5 are summary rows (a total) at the end of the file" in _one_line(output)


def test_summary_rows_inside_the_file_are_named_the_first_few_and_counted(
    write_workspace: WriteWorkspace,
) -> None:
    rows = [f"cm0{n},2026-03-05,100\n小计,,100\n" for n in range(1, 6)]
    data = "cm,day,amount\n" + "".join(rows) + "cm09,2026-03-06,1\n"
    code, output = _collect(_workspace(write_workspace, data))
    assert code == 1
    assert (
        "crm.csv:3, crm.csv:5, crm.csv:7, … (5 rows in all): summary rows (a subtotal or "
        "total) inside the file" in _one_line(output)
    )


# ---------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("fifth", "tenth", "table"),
    [
        ("2026/3/5", "2026/3/10", ""),
        ("2026-3-5", "2026-3-10", ""),
        ("2026年3月5日", "2026年3月10日", ""),
        ("2026.03.05", "2026.03.10", ""),
        ("20260305", "20260310", ""),
        ("20260305", "20260310", 'types = { day = "date" }'),
        ("2026-03-05 14:30:00", "2026-03-10 09:05:00", ""),
        ("2026/3/5 14:30", "2026/3/10 09:05", ""),
        ("2026年3月5日", "2026年3月10日", 'types = { day = "date" }'),
        ("２０２６年３月５日", "２０２６/３/１０", ""),
        ("2026 年 3 月 5 日", "2026 年 3 月 10 日", ""),  # as a target file's advice reads it
    ],
)
def test_a_date_as_chinese_systems_write_it_is_its_day(
    write_workspace: WriteWorkspace, fifth: str, tenth: str, table: str
) -> None:
    """5 March lies in week 10 and 10 March in week 11: no day read as a month, none left
    text."""
    data = f"cm,day,amount\ncm01,{fifth},100\ncm02,{tenth},7\n"
    root = _workspace(write_workspace, data, table=table)
    code, output = _collect(root)
    assert code == 0, output
    assert _stored(root) == {("cm01", "2026-W10"): 100.0, ("cm02", "2026-W11"): 7.0}


DAY_FIRST = "cm,day,amount\ncm01,05.03.2026,100\ncm02,10.03.2026,7\ncm02,03.03.2026,1\n"
"""A German export: 05.03.2026 is 5 March."""


def test_a_date_with_its_year_last_is_refused_until_the_table_says_its_order(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """05.03.2026 is 5 March in Germany and 3 May in America: refused at file:row:column,
    by validate as by collect, until dates says which; then read so."""
    root = _workspace(write_workspace, DAY_FIRST)
    told = (
        "sources.sql.tables.crm: crm.csv:2:day, crm.csv:3:day, crm.csv:4:day: a date written "
        "with the year last is 5 March (05.03.2026) where the day comes first and 3 May where "
        "the month does; say which this file writes under [sources.sql.tables.crm]: "
        'dates = "day-first" or dates = "month-first"'
    )
    validated = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert validated.exit_code == 2, validated.output
    assert told in _one_line(validated.output)
    code, output = _collect(root)
    assert code == 1
    assert told in _one_line(output)
    code, chinese = _collect(root, "zh")
    assert "crm.csv:2:day、crm.csv:3:day、crm.csv:4:day：年份写在最后的日期" in chinese
    assert "05.03.2026,100" not in output
    day_first = _workspace(
        write_workspace, DAY_FIRST, table='dates = "day-first"', root=tmp_path / "day_first"
    )
    code, output = _collect(day_first)
    assert code == 0, output
    assert _stored(day_first) == {("cm01", "2026-W10"): 100.0, ("cm02", "2026-W11"): 7.0,
                                  ("cm02", "2026-W10"): 1.0}  # fmt: skip
    declared = _workspace(
        write_workspace, DAY_FIRST, table='types = { day = "date" }', root=tmp_path / "declared"
    )
    code, output = _collect(declared)
    assert code == 1
    assert (
        "sources.sql.tables.crm: crm.csv:2:day: a date written with the year last is 5 March"
        in _one_line(output)
    )


def test_a_month_first_file_is_read_month_first_when_told(
    write_workspace: WriteWorkspace,
) -> None:
    data = "cm,day,amount\ncm01,03/05/2026,100\ncm02,3/10/2026 14:30,7\n"
    root = _workspace(write_workspace, data, table='dates = "month-first"')
    code, output = _collect(root)
    assert code == 0, output
    assert _stored(root) == {("cm01", "2026-W10"): 100.0, ("cm02", "2026-W11"): 7.0}


def test_a_dates_setting_that_is_no_order_is_refused_at_its_key(
    write_workspace: WriteWorkspace,
) -> None:
    root = _workspace(write_workspace, DAY_FIRST, table='dates = "%d.%m.%Y"')
    validated = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert validated.exit_code == 2
    assert (
        'sources.sql.tables.crm.dates: expected "day-first" (05.03.2026 is 5 March) or '
        '"month-first"' in _one_line(validated.output)
    )


def test_dates_in_a_workbook_are_the_days_excel_holds(write_workspace: WriteWorkspace) -> None:
    """A workbook keeps a date as a serial number (46086 is 2026-03-05) with a date format;
    a date with a time keeps its fraction of a day. Each is its day."""
    root = _workspace(write_workspace, b"", name="crm.xlsx")
    path = root / "data" / "crm.xlsx"
    write_xlsx(path, {"明细": [
        ["cm", "day", "amount"],
        ["cm01", dt.datetime(2026, 3, 5), 100],
        ["cm02", dt.datetime(2026, 3, 10, 14, 30), 7],
    ]})  # fmt: skip
    with zipfile.ZipFile(path) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<v>46086</v>" in sheet and "<v>46091.60416666" in sheet
    code, output = _collect(root)
    assert code == 0, output
    assert _stored(root) == {("cm01", "2026-W10"): 100.0, ("cm02", "2026-W11"): 7.0}


def test_serial_numbers_in_a_workbooks_date_column_are_days_when_types_says_so(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """An export that writes its dates as plain numbers (46086, shown so in Excel too):
    a number, until types says the column holds dates; then 46086 is 2026-03-05 and
    46091.6 is 2026-03-10 at 14:24. A column named in a second header row, or by columns,
    is found the same way."""
    rows: list[list[object]] = [
        ["cm", "day", "amount"],
        ["cm01", 46086, 100],
        ["cm02", 46091.6, 7],
    ]
    plain = _workspace(write_workspace, b"", name="crm.xlsx", root=tmp_path / "plain")
    write_xlsx(plain / "data" / "crm.xlsx", {"明细": rows})
    code, output = _collect(plain)
    assert code == 1
    assert (
        "table crm, crm.xlsx row 2: column day holds a number, not a date: Excel's serial "
        "number of a day" in _one_line(output)
    )
    assert 'give the column "date" in the table\'s types' in _one_line(output)
    dated = _workspace(
        write_workspace, b"", table='types = { day = "date" }', name="crm.xlsx",
        root=tmp_path / "dated",
    )  # fmt: skip
    write_xlsx(dated / "data" / "crm.xlsx", {"明细": rows})
    code, output = _collect(dated)
    assert code == 0, output
    assert _stored(dated) == {("cm01", "2026-W10"): 100.0, ("cm02", "2026-W11"): 7.0}
    named = _workspace(
        write_workspace,
        b"",
        table='header = false\nskip = 1\ncolumns = ["cm", "booked", "amount"]\n'
        'types = { booked = "timestamp" }',
        query="SELECT cm AS subject, booked AS day, amount AS value FROM crm",
        name="crm.xlsx",
        root=tmp_path / "named",
    )
    write_xlsx(named / "data" / "crm.xlsx", {"明细": rows})
    code, output = _collect(named)
    assert code == 0, output
    assert _stored(named) == {("cm01", "2026-W10"): 100.0, ("cm02", "2026-W11"): 7.0}


def test_a_workbooks_percentages_are_the_numbers_excel_holds(
    write_workspace: WriteWorkspace,
) -> None:
    """A number cell formatted 0.0% holds 0.125 and shows 12.5%; a text cell "12.5%" beside
    it is the same number, in a column left text by an error cell (#DIV/0!, as openpyxl
    reads it; its row left out, named) and in a number column."""
    from openpyxl import Workbook

    root = _workspace(write_workspace, b"", name="crm.xlsx", query=ROWS, unit="倍")
    book = Workbook()
    sheet = book.active
    sheet.append(["cm", "day", "amount"])
    sheet.append(["cm01", dt.datetime(2026, 3, 5), 0.125])
    sheet["C2"].number_format = "0.0%"
    sheet.append(["cm02", dt.datetime(2026, 3, 5), "12.5%"])
    sheet.append(["cm02", dt.datetime(2026, 3, 6), "#DIV/0!"])
    book.save(root / "data" / "crm.xlsx")
    code, output = _collect(root)
    assert code == 0, output
    assert _stored(root) == {("cm01", "2026-W10"): 0.125, ("cm02", "2026-W10"): 0.125}
    assert (
        "1 row left out: column value holds text, not a number (table crm: crm.xlsx row 4)"
        in _one_line(output)
    )
    # Without the error cell the column is a number column: the two are still 0.125 each.
    sheet.delete_rows(4)
    book.save(root / "data" / "crm.xlsx")
    code, output = _collect(root)
    assert code == 0, output
    assert "warning" not in output
    assert _stored(root) == {("cm01", "2026-W10"): 0.125, ("cm02", "2026-W10"): 0.125}


# ---------------------------------------------------------------------------- shapes


TITLED = "客户资产日报 2026-03\ncm,day,amount\ncm01,2026-03-05,100\ncm02,2026-03-10,7\n\n"


def test_a_title_row_above_the_header_is_named_and_skip_passes_over_it(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = _workspace(write_workspace, TITLED)
    code, output = _collect(root)
    assert code == 1
    assert (
        "sources.sql.tables.crm: crm.csv:1: the row read as the header names one column, and "
        "the rows under it fill more: a title above the header (as 客户资产日报 2026-03)? "
        "pass over it with skip = 1" in _one_line(output)
    )
    skipped = _workspace(write_workspace, TITLED, table="skip = 1", root=tmp_path / "skipped")
    code, output = _collect(skipped)
    assert code == 0, output
    assert _stored(skipped) == {("cm01", "2026-W10"): 100.0, ("cm02", "2026-W11"): 7.0}
    assert _sources(skipped)["cm02"] == "SQL metric crm_amount: crm.csv row 4"


def test_a_title_row_above_a_sheets_header_is_named_too(write_workspace: WriteWorkspace) -> None:
    rows: list[list[object]] = [["客户资产日报 2026-03"], ["cm", "day", "amount"],
                                ["cm01", dt.datetime(2026, 3, 5), 100]]  # fmt: skip
    root = _workspace(write_workspace, b"", name="crm.xlsx")
    write_xlsx(root / "data" / "crm.xlsx", {"明细": rows})
    code, output = _collect(root)
    assert code == 1
    assert "crm.xlsx:1: the row read as the header names one column" in _one_line(output)
    (root / "okrdesk.toml").write_text(
        (root / "okrdesk.toml")
        .read_text(encoding="utf-8")
        .replace('path = "data/crm.xlsx"\n', 'path = "data/crm.xlsx"\nskip = 1\n'),
        encoding="utf-8",
    )
    code, output = _collect(root)
    assert code == 0, output
    assert _stored(root) == {("cm01", "2026-W10"): 100.0}


TITLED_WITH_A_COMMA = (
    "2026年10月客户明细,导出时间 2026-10-31,\ncm,day,amount\ncm01,2026-03-05,100\n"
    "cm02,2026-03-10,7\n"
)
"""A title and its export time in two cells, padded to the header's width as Excel saves
a row: read as a header naming two columns of three, the real header its first row."""


def test_a_title_with_a_comma_is_named_and_skip_passes_over_it(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = _workspace(write_workspace, TITLED_WITH_A_COMMA)
    code, output = _collect(root)
    assert code == 1
    assert (
        "sources.sql.tables.crm: crm.csv:1: the row read as the header names 2 of its 3 "
        "columns, and the row under it names all 3, as a header does: a title above the "
        "header (as 2026年10月客户明细,导出时间 2026-10-31)? pass over it with skip = 1"
    ) in _one_line(output)
    code, output = _collect(root, lang="zh")
    assert (
        "crm.csv:1: 读作表头的这一行只写了 3 列中 2 列的名字，下面一行却像表头一样写全了 3 列："
        "是不是表头上面的标题行（如“2026年10月客户明细,导出时间 2026-10-31”）？请用 skip = 1 "
        "跳过它"
    ) in _one_line(output)
    skipped = _workspace(write_workspace, TITLED_WITH_A_COMMA, table="skip = 1",
                         root=tmp_path / "skipped")  # fmt: skip
    code, output = _collect(skipped)
    assert code == 0, output
    assert _stored(skipped) == {("cm01", "2026-W10"): 100.0, ("cm02", "2026-W11"): 7.0}
    assert _sources(skipped)["cm02"] == "SQL metric crm_amount: crm.csv row 4"


def test_a_title_with_a_comma_over_more_columns_is_named_too(
    write_workspace: WriteWorkspace,
) -> None:
    # Two cells above three columns: DuckDB reads the file as one column of whole lines.
    data = TITLED_WITH_A_COMMA.replace("2026-10-31,\n", "2026-10-31\n", 1)
    code, output = _collect(_workspace(write_workspace, data))
    assert code == 1
    assert (
        "crm.csv:1: the row read as the header names one column, and the rows under it fill "
        "more: a title above the header (as 客户资产日报 2026-03)? pass over it with skip = 1"
    ) in _one_line(output)


def test_a_sheets_title_in_two_cells_is_named(write_workspace: WriteWorkspace) -> None:
    rows: list[list[object]] = [["2026年10月客户明细", "导出时间 2026-10-31"],
                                ["cm", "day", "amount"],
                                ["cm01", dt.datetime(2026, 3, 5), 100]]  # fmt: skip
    root = _workspace(write_workspace, b"", name="crm.xlsx")
    write_xlsx(root / "data" / "crm.xlsx", {"明细": rows})
    code, output = _collect(root)
    assert code == 1
    assert "crm.xlsx:1: the row read as the header names 2 of its 3 columns" in _one_line(output)


def test_a_header_with_a_column_unnamed_is_no_title(write_workspace: WriteWorkspace) -> None:
    """A header that leaves a column's name empty, over rows of ids, dates and figures,
    is the header: read, not taken for a title."""
    data = "cm,day,,amount\ncm01,2026-03-05,A,100\ncm02,2026-03-10,B,7\n"
    root = _workspace(write_workspace, data)
    code, output = _collect(root)
    assert code == 0, output
    assert _stored(root) == {("cm01", "2026-W10"): 100.0, ("cm02", "2026-W11"): 7.0}


def test_two_header_rows_are_passed_over_and_the_columns_named(
    write_workspace: WriteWorkspace,
) -> None:
    """A header in two rows (资产 over 期初 and 期末) names no column alone: pass over both,
    and name the columns; the rows cited are still the file's."""
    data = "客户经理,日期,资产,资产\n,,期初,期末\ncm01,2026-03-05,100,130\ncm02,2026-03-10,7,9\n"
    root = _workspace(
        write_workspace,
        data,
        table='header = false\nskip = 2\ncolumns = ["cm", "day", "opening", "amount"]',
    )
    code, output = _collect(root)
    assert code == 0, output
    assert _stored(root) == {("cm01", "2026-W10"): 130.0, ("cm02", "2026-W11"): 9.0}
    assert _sources(root)["cm01"] == "SQL metric crm_amount: crm.csv row 3"


def test_a_header_with_full_width_spaces_and_a_byte_order_mark_names_its_columns(
    write_workspace: WriteWorkspace,
) -> None:
    """Excel's "CSV UTF-8" begins with a byte-order mark; a CRM pads its column names with
    full-width spaces. Neither is part of a name a query writes."""
    data = "\ufeff　cm　, day ,amount　\ncm01,2026-03-05,100\ncm02,2026-03-10,7\n"
    root = _workspace(write_workspace, data.encode("utf-8"), table='types = { amount = "number" }')
    code, output = _collect(root)
    assert code == 0, output
    assert _stored(root) == {("cm01", "2026-W10"): 100.0, ("cm02", "2026-W11"): 7.0}


def test_a_column_name_given_twice_is_numbered_after_the_first(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """The first keeps its name, the second is amount_1: a query reads the one it names."""
    data = "cm,day,amount,amount\ncm01,2026-03-05,100,130\ncm02,2026-03-10,7,9\n"
    first = _workspace(write_workspace, data)
    code, output = _collect(first)
    assert code == 0, output
    assert _stored(first) == {("cm01", "2026-W10"): 100.0, ("cm02", "2026-W11"): 7.0}
    second = _workspace(
        write_workspace,
        data,
        query="SELECT cm AS subject, day, amount_1 AS value FROM crm",
        root=tmp_path / "second",
    )
    code, output = _collect(second)
    assert code == 0, output
    assert _stored(second) == {("cm01", "2026-W10"): 130.0, ("cm02", "2026-W11"): 9.0}


def test_a_decimal_comma_file_reads_its_percentages_and_amounts_its_own_way(
    write_workspace: WriteWorkspace,
) -> None:
    """With decimal = ",", 12,5% is 0.125 and 1.234,50元 is 1234.5; 12.345 is 12345."""
    data = "cm;day;rate;amount\ncm01;2026-03-05;12,5%;1.234,50元\ncm02;2026-03-10;0,5 %;12.345\n"
    query = "SELECT cm AS subject, day, sum(rate) + sum(amount) AS value FROM crm GROUP BY 1, 2"
    root = _workspace(write_workspace, data, table='decimal = ","', query=query, unit="倍")
    code, output = _collect(root)
    assert code == 0, output
    assert _stored(root) == {("cm01", "2026-W10"): 1234.625, ("cm02", "2026-W11"): 12345.005}


def test_days_in_a_column_left_text_are_read_as_the_tables_read_them(
    write_workspace: WriteWorkspace,
) -> None:
    """One 待定 makes the day column text; a query that leaves that row out still has
    its days, 2026年3月5日 and 2026.03.10 alike."""
    data = "cm,day,amount\ncm01,2026年3月5日,100\ncm02,2026.03.10,7\ncm02,待定,9\n"
    root = _workspace(write_workspace, data, query=f"{ROWS} WHERE day <> '待定'")
    code, output = _collect(root)
    assert code == 0, output
    assert _stored(root) == {("cm01", "2026-W10"): 100.0, ("cm02", "2026-W11"): 7.0}


DAILY_REPORT = (
    "客户资产日报 2026-03\n"
    "客户经理,账号,日期,新增资产\n"
    "cm01,'0012345,2026年3月5日,12.5万\n"
    'cm02,\'0012346,2026/3/10,"3,500元"\n'
    '合计,,,"128,500元"\n'
)
"""A CRM's daily report as a branch receives it: a title, ids kept text with an
apostrophe, dates and amounts written for a reader, and a total at the end."""


def test_a_crm_daily_report_through_the_okrdesk_command(
    write_workspace: WriteWorkspace,
) -> None:
    """collect, explain and report, each run as a user runs it: 12.5万 and 3,500元 make
    12.85万, the 合计 row (which would double it) is named and not counted, and explain
    cites each client's row."""
    root = _workspace(
        write_workspace,
        DAILY_REPORT,
        table="skip = 1",
        query="SELECT 客户经理 AS subject, 日期 AS day, 新增资产 AS value FROM crm",
    )

    def okrdesk(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "okrdesk", *args, "--lang", "zh", "-w", str(root)],
            capture_output=True,
            text=True,
            env={**os.environ, "COLUMNS": "200"},
        )

    collected = okrdesk("collect", "--through", "2026-03-31")
    assert collected.returncode == 0, collected.stdout + collected.stderr
    assert (
        "警告：插件 sql 指标 crm_amount：表 crm：crm.csv 第 5 行是文件末尾的合计行（合计、总计、"
        "Total），不是客户的；不计入" in collected.stderr
    )
    explained = okrdesk("explain", "O1.KR1", "--as-of", "2026-03-31")
    assert explained.returncode == 0, explained.stderr
    lines = [" ".join(line.split()) for line in explained.stdout.splitlines()]
    assert "= 12.85万" in lines
    assert "2026-W10 王芳 12.5万 1 SQL 指标 crm_amount：crm.csv 第 3 行" in lines
    assert "2026-W11 李强 3,500元 1 SQL 指标 crm_amount：crm.csv 第 4 行" in lines
    reported = okrdesk("report", "--as-of", "2026-03-31", "--format", "md")
    assert reported.returncode == 0, reported.stderr
    row = next(line for line in reported.stdout.splitlines() if line.startswith("| O1.KR1"))
    assert "| 12.85万 |" in row and "25.7万" not in reported.stdout
    assert "Traceback" not in collected.stderr + explained.stderr + reported.stderr
