"""CRM exports as a brokerage analyst receives them, broken the ways real ones are (a
total row, a header repeated after a page break, a file cut short, Excel's apostrophes,
serial days and accounting negatives, full-width digits, 元 and 万), each collected and
validated through a real workspace: the right figure, or a message naming file:row (and
column) with what to do; never a traceback, never a figure silently wrong."""

from __future__ import annotations

import pytest

from sample_workspace import WriteWorkspace
from test_sql_exports import ROWS, SUMMED, _collect, _one_line, _stored, _workspace
from test_sql_files import write_xlsx
from test_sql_quotes_left_open import _validated

HEADER = "cm,day,amount\n"
BOTH = {"cm01": 100.0, "cm02": 200.0}
LEFT_OUT = "1 row left out: column value holds text, not a number (table crm: crm.csv row 2)"

FIGURES = [
    pytest.param(HEADER + "cm01,2026-03-05,100\ncm02,2026-03-06,200\n合计,,300\n", "", BOTH,
                 "crm.csv row 4 is a summary row (a total) at the end of the file",
                 id="total-row-at-the-end"),
    pytest.param(HEADER + "cm01,2026-03-05,100\ncm02,2026-03-06,200\n\n总计：,,300\n", "gbk", BOTH,
                 "crm.csv row 5 is a summary row", id="gbk-total-below-a-blank-line"),
    pytest.param("cm,day,amount,acct\ncm01,2026-03-05,100,'00123\ncm02,2026-03-06,200,'00456\n",
                 "", BOTH, None, id="apostrophe-before-an-account-id"),
    pytest.param(HEADER + "cm01,2026/3/5,100\ncm02,2026/3/6,200\n", "", BOTH, None,
                 id="dates-with-slashes"),
    pytest.param(HEADER + "cm01,2026年3月5日,100\ncm02,2026年3月6日,200\n", "", BOTH, None,
                 id="dates-in-chinese"),
    pytest.param(HEADER + "cm01,2026/3/5,100\ncm02,2026年3月6日,150\ncm02,2026-03-07,50\n", "",
                 BOTH, None, id="dates-written-three-ways-in-one-column"),
    pytest.param(HEADER + "cm01,2026.3.5,100\ncm02,2026.3.6,200\n", "", BOTH, None,
                 id="dates-with-points"),
    pytest.param(HEADER + "cm01,2026/3/5 9:30:00,100\ncm02,2026/3/6 14:00,200\n", "", BOTH,
                 None, id="dates-with-times"),
    pytest.param(HEADER + 'cm01,2026-03-05,１００\ncm02,2026-03-06,"１，２００"\n', "",
                 {"cm01": 100.0, "cm02": 1200.0}, None, id="full-width-digits"),
    pytest.param(HEADER + "cm01,2026-03-05,100元\ncm02,2026-03-06,1.5万\n", "",
                 {"cm01": 100.0, "cm02": 15000.0}, None, id="yuan-and-wan"),
    pytest.param(HEADER + "cm01,2026-03-05,1.5 万元\ncm02,2026-03-06,0.0001亿\n", "",
                 {"cm01": 15000.0, "cm02": 10000.0}, None, id="wan-yuan-and-yi"),
    pytest.param(HEADER + 'cm01,2026-03-05,￥100\ncm02,2026-03-06,"¥1,200.00"\n', "",
                 {"cm01": 100.0, "cm02": 1200.0}, None, id="yuan-signs"),
    pytest.param(HEADER + "cm01,2026-03-05,12.5%\ncm02,2026-03-06,50%\n", "",
                 {"cm01": 0.125, "cm02": 0.5}, None, id="percentages"),
    pytest.param(HEADER + 'cm01,2026-03-05,"(1,234.00)"\ncm02,2026-03-06,200\n', "",
                 {"cm01": -1234.0, "cm02": 200.0}, None, id="negative-in-parentheses"),
    pytest.param(HEADER + "cm01,2026-03-05,－100\ncm02,2026-03-06,-1.5万\n", "",
                 {"cm01": -100.0, "cm02": -15000.0}, None, id="full-width-minus-and-wan"),
    pytest.param(HEADER + "cm01,2026-03-05,1，234\ncm02,2026-03-06,200\n", "",
                 {"cm01": 1234.0, "cm02": 200.0}, None, id="full-width-thousands-comma"),
    pytest.param("cm,day,amount,,,\ncm01,2026-03-05,100,,,\ncm02,2026-03-06,200,,,\n", "",
                 BOTH, None, id="empty-columns-excel-kept"),
    pytest.param(HEADER + 'cm01,2026-03-05, 100 \ncm02,2026-03-06,"  200"\n', "", BOTH, None,
                 id="spaces-around-numbers"),
    pytest.param(HEADER + "cm01,2026-03-05,1.2E+05\ncm02,2026-03-06,200\n", "",
                 {"cm01": 120000.0, "cm02": 200.0}, None, id="excel-scientific-number"),
    pytest.param(HEADER + "cm01,2026-03-05,100\ncm02,2026-03-06,200\ncm01,2026-03-07,", "",
                 BOTH, "column value is empty (NULL) (table crm: crm.csv row 4)",
                 id="cut-short-after-a-delimiter"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "encoding", "figures", "warned"), FIGURES)
@pytest.mark.parametrize("query", [ROWS, SUMMED], ids=["rows", "summed"])
def test_an_export_gives_the_figure_a_branch_expects(
    write_workspace: WriteWorkspace,
    data: str,
    encoding: str,
    figures: dict[str, float],
    warned: str | None,
    query: str,
) -> None:
    table = f'encoding = "{encoding}"' if encoding else ""
    unit = "倍" if "%" in data else "元"  # percentages are no money, stored to the fen
    root = _workspace(write_workspace, data.encode(encoding or "utf-8"), table, query, unit=unit)
    code, output = _collect(root)
    assert code == 0, output
    expected = {(cm, "2026-W10"): value for cm, value in figures.items()}
    assert _stored(root) == pytest.approx(expected, rel=1e-12)
    if warned is None:
        assert "warning" not in output
    elif query == ROWS or "row left out" not in warned:
        assert warned in _one_line(output)
    code, output = _validated(root)
    assert code == 0, output


REFUSED = [
    pytest.param(HEADER + "cm01,2026-03-05,100\ncm02,2026-03-06,200\ncm,day,amount\n"
                 "cm01,2026-03-07,5\n", "crm.csv:4: this row repeats the header",
                 id="header-repeated-after-a-page-break"),
    pytest.param(HEADER + "cm01,2026-03-05,100\ncm02,2026-03-06,200\n\n第 1 页，共 2 页,,\n"
                 "cm,day,amount\ncm01,2026-03-07,5\n", "crm.csv:6: this row repeats the header",
                 id="page-footer-and-header-repeated"),
    pytest.param(HEADER + "cm01,2026-03-05,100\ncm02,2026-03-06,200\ncm01,2026-03-0",
                 "crm.csv:4: this row has 2 cells and the header 3", id="cut-short-mid-row"),
    pytest.param(HEADER + 'cm01,2026-03-05,100\ncm02,2026-03-06,"1,2',
                 "crm.csv:3: a quote opened in this row is never closed",
                 id="cut-short-inside-a-quoted-number"),
    pytest.param(HEADER + "cm01,2026-03-05,（1,234.00）\ncm02,2026-03-06,200\n",
                 "crm.csv:2: this row has 4 cells and the header 3",
                 id="full-width-parentheses-not-in-quotes"),
    pytest.param(HEADER + "cm01,2026-03-05,12.5%\ncm02,2026-03-06,8\n",
                 "crm.csv:3:amount: in a column of percentages", id="percentage-beside-a-number"),
    pytest.param(HEADER + "cm01,2026-03-05,1_5\ncm02,2026-03-06,200\n",
                 "crm.csv:2:amount: these cells are numbers but for an underscore",
                 id="underscore-in-a-number"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "said"), REFUSED)
@pytest.mark.parametrize("query", [ROWS, SUMMED], ids=["rows", "summed"])
def test_an_export_that_cannot_be_read_right_is_refused_at_its_row(
    write_workspace: WriteWorkspace, data: str, said: str, query: str
) -> None:
    root = _workspace(write_workspace, data, query=query)
    code, output = _collect(root)
    assert code == 1, output
    assert said in _one_line(output)
    assert _stored(root) == {}
    code, output = _validated(root)
    assert code == 2, output
    assert said in _one_line(output)


@pytest.mark.parametrize(
    ("data", "summed"),
    [
        pytest.param(HEADER + "cm01,2026-03-05,1234-\ncm02,2026-03-06,200\n",
                     "crm.csv:2:amount is no number", id="sap-trailing-minus"),
        pytest.param(HEADER + "cm01,2026-03-05,1 234\ncm02,2026-03-06,200\n",
                     "crm.csv:2:amount is no number", id="space-between-thousands"),
        pytest.param(HEADER + "cm01,2026-03-05,--\ncm02,2026-03-06,200\n",
                     "crm.csv:2:amount is no number", id="dashes-for-nothing"),
    ],
)  # fmt: skip
def test_a_cell_that_is_no_number_is_named_by_a_row_and_by_a_sum(
    write_workspace: WriteWorkspace, data: str, summed: str
) -> None:
    """Each row's value leaves the row out, named; a sum in DuckDB, which cannot add a
    column left text, names the cell that left it text."""
    root = _workspace(write_workspace, data)
    code, output = _collect(root)
    assert code == 0, output
    assert _stored(root) == {("cm02", "2026-W10"): 200.0}
    assert LEFT_OUT in _one_line(output)
    root = _workspace(write_workspace, data, query=SUMMED, root=root.parent / "summed")
    code, output = _collect(root)
    assert code == 1, output
    assert summed in _one_line(output)
    code, output = _validated(root)
    assert code == 2, output
    assert "sum(VARCHAR)" in _one_line(output)


def test_numbers_excel_keeps_as_text_are_read_by_a_row_and_named_by_a_sum(
    write_workspace: WriteWorkspace,
) -> None:
    data = HEADER + "cm01,2026-03-05,'100\ncm02,2026-03-06,'200\n"
    root = _workspace(write_workspace, data)
    code, output = _collect(root)
    assert code == 0, output
    assert _stored(root) == {("cm01", "2026-W10"): 100.0, ("cm02", "2026-W10"): 200.0}
    root = _workspace(write_workspace, data, query=SUMMED, root=root.parent / "summed")
    code, output = _collect(root)
    assert code == 1, output
    assert "crm.csv:2:amount: the column's numbers are written as text ('100" in _one_line(output)


@pytest.mark.parametrize("query", [ROWS, SUMMED], ids=["rows", "summed"])
def test_serial_days_in_a_text_export_are_named_as_excels(
    write_workspace: WriteWorkspace, query: str
) -> None:
    data = HEADER + "cm01,46086,100\ncm02,2026-03-06,200\n"
    root = _workspace(write_workspace, data, query=query)
    code, output = _collect(root)
    assert code == 1, output
    assert "crm.csv row 2: column day holds a number, not a date: Excel's serial number" in (
        _one_line(output)
    )
    code, output = _collect(root, "zh")
    assert "day 列是数，不是日期：是 Excel 给日期的序号" in _one_line(output)


def test_a_sheets_header_repeated_is_refused_at_its_row(write_workspace: WriteWorkspace) -> None:
    rows: list[list[object]] = [
        ["cm", "day", "amount"],
        ["cm01", "2026-03-05", 100],
        ["cm", "day", "amount"],
        ["cm02", "2026-03-06", 200],
        ["合计", None, 300],
    ]
    root = _workspace(write_workspace, b"", name="crm.xlsx")
    write_xlsx(root / "data" / "crm.xlsx", {"明细": rows})
    code, output = _collect(root)
    assert code == 1, output
    assert "crm.xlsx:3: this row repeats the header" in _one_line(output)


@pytest.mark.parametrize("encoding", ["gbk", "utf-16"])
def test_a_chinese_header_repeated_is_refused_in_chinese_in_the_files_encoding(
    write_workspace: WriteWorkspace, encoding: str
) -> None:
    data = "客户经理,日期,金额\ncm01,2026-03-05,100\n客户经理,日期,金额\ncm02,2026-03-06,200\n"
    query = "SELECT 客户经理 AS subject, 日期 AS day, 金额 AS value FROM crm"
    table = f'encoding = "{encoding}"'
    root = _workspace(write_workspace, data.encode(encoding), table, query)
    code, output = _collect(root, "zh")
    assert code == 1, output
    assert "crm.csv:3：重复了表头（按页导出的文件每个分页后都会重复表头）" in _one_line(output)


@pytest.mark.parametrize("query", [ROWS, SUMMED], ids=["rows", "summed"])
def test_tabs_a_crm_writes_around_ids_are_no_part_of_them(
    write_workspace: WriteWorkspace, query: str
) -> None:
    """A tab before a long account number keeps Excel from rounding it: the column stays
    text, every digit kept, and the tab, around a manager's id too, is dropped."""
    data = (
        "cm,day,amount,acct\n\tcm01,2026-03-05,100,\t6222021234567890123\n"
        "cm02\t,2026-03-06,\t200,\t62220212345678901234\n"
    )
    query = query.replace("FROM crm", "FROM crm WHERE acct LIKE '622202123456789012%'")
    root = _workspace(write_workspace, data, query=query)
    code, output = _collect(root)
    assert code == 0, output
    assert _stored(root) == {("cm01", "2026-W10"): 100.0, ("cm02", "2026-W10"): 200.0}


NOTES = [
    pytest.param("合计,,300\n,,\n制表人：张三,,\n导出时间：2026-03-31 18:00,,\n",
                 "crm.csv rows 6-7 are notes below the data", id="total-then-signature"),
    pytest.param("制表人：张三,,\n合计,,300\n", "crm.csv row 4 is a note below the data",
                 id="signature-then-total"),
    pytest.param("第 1 页，共 1 页,,\n", "crm.csv row 4 is a note below the data",
                 id="page-number"),
    pytest.param("备注：金额单位为元,,\n", "crm.csv row 4 is a note below the data",
                 id="remark"),
]  # fmt: skip


@pytest.mark.parametrize(("end", "said"), NOTES)
@pytest.mark.parametrize("query", [ROWS, SUMMED], ids=["rows", "summed"])
def test_notes_below_the_data_are_left_out_saying_so(
    write_workspace: WriteWorkspace, end: str, said: str, query: str
) -> None:
    """Read again from the table kept in the cache, the notes are still said."""
    data = HEADER + "cm01,2026-03-05,100\ncm02,2026-03-06,200\n" + end
    root = _workspace(write_workspace, data, query=query)
    for _ in range(2):
        code, output = _collect(root)
        assert code == 0, output
        assert _stored(root) == {("cm01", "2026-W10"): 100.0, ("cm02", "2026-W10"): 200.0}
        assert said in _one_line(output)
    code, output = _collect(root, "zh")
    assert "行是数据下面的说明（制表人：…、导出时间：…），不是客户的；不计入" in output


@pytest.mark.parametrize("query", [ROWS, SUMMED], ids=["rows", "summed"])
def test_a_clients_last_row_whose_first_cell_reads_as_a_note_is_kept(
    write_workspace: WriteWorkspace, query: str
) -> None:
    """A remark column first in the row (注：新开户) on a client's last row made the row a
    note below the data, dropped with its amount; a note is a row of notes alone, and one
    of two (制表人, 审核人 side by side) still is."""
    header = "remark,cm,day,amount\n"
    data = (header + ",cm01,2026-03-05,100\n注：新开户,cm02,2026-03-06,200\n"
            "制表人：张三,审核人：李四,,\n")  # fmt: skip
    root = _workspace(write_workspace, data, query=query)
    code, output = _collect(root)
    assert code == 0, output
    assert _stored(root) == {("cm01", "2026-W10"): 100.0, ("cm02", "2026-W10"): 200.0}
    assert "crm.csv row 4 is a note below the data" in _one_line(output)


def test_a_note_above_client_rows_is_no_note_left_out(write_workspace: WriteWorkspace) -> None:
    data = HEADER + "cm01,2026-03-05,100\n制表人：张三,,\ncm02,2026-03-06,200\n"
    root = _workspace(write_workspace, data)
    code, output = _collect(root)
    assert code == 1, output
    assert "crm.csv row 3: column subject is not the id" in _one_line(output)


@pytest.mark.parametrize("query", [ROWS, SUMMED], ids=["rows", "summed"])
def test_a_subject_left_blank_is_told_so_with_both_causes(
    write_workspace: WriteWorkspace, query: str
) -> None:
    """A blank subject is a client no manager holds yet as often as a row below cells
    merged in Excel: the message names both, not merged cells alone."""
    data = HEADER + "cm01,2026-03-05,100\n,2026-03-06,50\ncm02,2026-03-06,200\n"
    root = _workspace(write_workspace, data, query=query)
    code, output = _collect(root)
    assert code == 1, output
    said = _one_line(output)
    assert "crm.csv row 3: column subject is empty: the row is no one's (a client no " in said
    assert "a cell merged over rows in Excel" in said
    assert "or leave such rows out in the query" in said
    code, output = _collect(root, "zh")
    assert "subject 列是空的：这一行不属于任何人（还没有客户经理的客户" in _one_line(output)
