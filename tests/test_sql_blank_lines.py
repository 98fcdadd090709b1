"""Rows cited from a file with blank lines: each the row a spreadsheet shows.

DuckDB skips a blank line of a CSV file; every row after it must still be cited by its
own line, a quoted cell with a line break staying one row. A line of spaces or a tab is a
blank line too (DuckDB's sniffer read a file with one as a file of one column), and blank
lines above the header are passed over (DuckDB read the header as a row of data)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from okrdesk.plugins.csv_lines import Lines, lines_found
from okrdesk.plugins.sql_files import table_file
from okrdesk.plugins.sql_table_cache import TableCache
from sample_workspace import WriteWorkspace
from test_explain_sources import GROUPED, VISITS, sql_workspace
from test_report import okrdesk
from test_sql_files import metric, run, write

HEADER = "day,cm,calls\n"
ROWS = [f"2026-01-0{6 + k % 3},cm01,{k + 1}\n" for k in range(6)]
CALLS = "SELECT cm AS subject, day, calls AS value FROM calls"
ONE_DAY = "SELECT cm AS subject, day, calls AS value FROM calls WHERE day = '2026-01-08'"


def _source(check: object, name: str = "made") -> str:
    found = check.value(name, "cm01", "2026-W02")  # type: ignore[attr-defined]
    return str(found.source)


def test_a_blank_line_mid_file_shifts_the_rows_after_it(tmp_path: Path) -> None:
    # lines: 1 header, 2-4 rows, 5 blank, 6-8 rows; 2026-01-08 rows are lines 4 and 8
    data = HEADER + "".join(ROWS[:3]) + "\n" + "".join(ROWS[3:])
    path = write(tmp_path, "calls.csv", data.encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", ONE_DAY),
                metric("all", "flow", CALLS))  # fmt: skip
    check.assert_valid()
    assert _source(check) == "SQL metric made: calls.csv rows 4, 8"
    # All six rows lie on lines 2-8, the blank line 5 among them: said as a spread.
    assert _source(check, "all") == "SQL metric all: calls.csv rows 2-8 (6 rows)"


def test_two_blank_lines_together(tmp_path: Path) -> None:
    data = HEADER + "".join(ROWS[:3]) + "\n\n" + "".join(ROWS[3:])
    path = write(tmp_path, "calls.csv", data.encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", ONE_DAY))
    assert _source(check) == "SQL metric made: calls.csv rows 4, 9"


def test_crlf_blank_line(tmp_path: Path) -> None:
    data = (HEADER + "".join(ROWS[:3]) + "\n" + "".join(ROWS[3:])).replace("\n", "\r\n")
    path = write(tmp_path, "calls.csv", data.encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", ONE_DAY))
    assert _source(check) == "SQL metric made: calls.csv rows 4, 8"


def test_a_line_break_in_a_quoted_cell_is_one_row(tmp_path: Path) -> None:
    data = "day,cm,calls,note\n" + "".join(r[:-1] + ",x\n" for r in ROWS[:3])
    data += '2026-01-06,cm01,4,"first line\n\nthird line"\n'
    data += "".join(r[:-1] + ",x\n" for r in ROWS[4:])
    path = write(tmp_path, "calls.csv", data.encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", ONE_DAY))
    # rows 2-7 each one spreadsheet row; the 2026-01-08 rows are the 3rd and 6th
    assert _source(check) == "SQL metric made: calls.csv rows 4, 7"


def test_gzip_and_gbk(tmp_path: Path) -> None:
    data = "日期,cm,calls\n" + "".join(ROWS[:3]) + "\n" + "".join(ROWS[3:])
    data = data.replace("day", "日期")
    gz = write(tmp_path, "calls.csv.gz", gzip.compress(data.encode()))
    gbk = write(tmp_path, "gbk.csv", data.encode("gbk"))
    query = "SELECT cm AS subject, 日期 AS day, calls AS value FROM calls WHERE 日期 = '2026-01-08'"
    check = run(tmp_path, {"calls": gz, "gbk": {"path": gbk, "encoding": "GBK"}},
                metric("made", "flow", query),
                metric("gbk", "flow", query.replace("calls WHERE", "gbk WHERE")))  # fmt: skip
    check.assert_valid()
    assert _source(check) == "SQL metric made: calls.csv.gz rows 4, 8"
    assert _source(check, "gbk") == "SQL metric gbk: gbk.csv rows 4, 8"


def test_summary_rows_after_a_blank_line(tmp_path: Path) -> None:
    data = HEADER + "".join(ROWS) + "\n合计,,21\n总计,,21\n"
    path = write(tmp_path, "calls.csv", data.encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", CALLS))
    (warning,) = check.warnings
    assert "calls.csv rows 9-10" in warning  # line 8 is blank


@pytest.mark.parametrize("blank", ["\n", "\t\n"], ids=["empty", "a tab"])
def test_a_cell_not_its_type_after_a_blank_line(tmp_path: Path, blank: str) -> None:
    data = HEADER + "".join(ROWS[:3]) + blank + "".join(ROWS[3:5]) + "2026-01-08,cm01,N/A\n"
    path = write(tmp_path, "calls.csv", data.encode())
    table = {"path": path, "types": {"calls": "integer"}}
    check = run(tmp_path, {"calls": table}, metric("made", "flow", CALLS))
    assert any("calls.csv:8:calls" in error for error in check.problems), check.problems


@pytest.mark.parametrize(
    ("above", "between", "blanks", "rows"),
    [
        # Kept with its blank line (before its 4th row, rowid 3), so the next collect
        # reads the kept table, not the file.
        ("", "\n", (3,), "rows 4, 8"),
        # two lines above the header, one before the 4th row (rowid 3)
        ("\n  \n", "  \n", (0, 0, 3), "rows 6, 10"),
    ],
    ids=["a blank line", "lines of spaces"],
)
def test_a_cached_table_cites_the_same_rows(
    tmp_path: Path, above: str, between: str, blanks: tuple[int, ...], rows: str
) -> None:
    data = above + HEADER + "".join(ROWS[:3]) + between + "".join(ROWS[3:])
    path = write(tmp_path, "calls.csv", data.encode())
    first = run(tmp_path, {"calls": path}, metric("made", "flow", ONE_DAY))
    kept = TableCache(tmp_path)
    assert kept.lookup(table_file("calls", path, tmp_path, [])) is not None
    assert kept.blanks(table_file("calls", path, tmp_path, [])) == blanks
    again = run(tmp_path, {"calls": path}, metric("made", "flow", ONE_DAY))
    assert _source(first) == _source(again) == f"SQL metric made: calls.csv {rows}"


def test_an_empty_xlsx_row_counts(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["day", "cm", "calls"])
    for row in ROWS[:3]:
        sheet.append(row.strip().split(","))
    sheet.append([])
    for row in ROWS[3:]:
        sheet.append(row.strip().split(","))
    (tmp_path / "data").mkdir(exist_ok=True)
    book.save(tmp_path / "data" / "calls.xlsx")
    check = run(tmp_path, {"calls": "data/calls.xlsx"}, metric("made", "flow", ONE_DAY))
    assert _source(check) == "SQL metric made: calls.xlsx rows 4, 8"


def test_collect_and_explain_cite_the_rows_after_a_blank_line(
    write_workspace: WriteWorkspace,
) -> None:
    """Through the ``okrdesk`` command, as a manager runs it: VISITS with a blank line
    after its third line, so its rows 3-6 are the file's lines 5-8."""
    lines = VISITS.splitlines(keepends=True)
    root = sql_workspace(write_workspace, GROUPED)
    (root / "data" / "visits.csv").write_text("".join([*lines[:3], "\n", *lines[3:]]), "utf-8")
    done = okrdesk("collect", "--through", "2026-01-18", "--lang", "en", "-w", str(root))
    assert done.returncode == 0, done.stderr
    assert "(table visits: visits.csv rows 7-8)" in done.stdout + done.stderr
    explain = ["explain", "V.KR1", "--person", "cm01", "--as-of", "2026-01-18", "-w", str(root)]
    zh = okrdesk(*explain)
    en = okrdesk(*explain, "--lang", "en")
    assert zh.stdout.splitlines()[-1].endswith(
        "  SQL 指标 visits：visits.csv 第 2–5 行中的 2 行、第 6 行"
    )
    assert en.stdout.splitlines()[-1].endswith(
        "  SQL metric visits: visits.csv rows 2-5 (2 rows), 6"
    )
    # A cell that does not fit its declared type, after the blank line: its own line named.
    (root / "data" / "visits.csv").write_text(
        "".join([*lines[:3], "\n", *lines[3:5], "2026-01-07,cm02,N/A\n"]), "utf-8"
    )
    typed_table = '{ visits = { path = "data/visits.csv", types = { visits = "integer" } } }'
    typed = GROUPED.replace('{ visits = "data/visits.csv" }', typed_table)
    (root / "okrdesk.toml").write_text(typed, encoding="utf-8")
    refused = okrdesk("collect", "--through", "2026-01-18", "--lang", "en", "-w", str(root))
    assert "visits.csv:7:visits" in refused.stdout + refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_tab_file_named_csv_with_a_quoted_empty_line(tmp_path: Path) -> None:
    # Its delimiter sniffed: the quoted cell's empty line is no blank line; line 6 is one.
    rows = [r.replace(",", "\t") for r in ROWS]
    data = "day\tcm\tcalls\tnote\n" + "".join(r[:-1] + "\tx\n" for r in rows[:2])
    data += '2026-01-08\tcm01\t3\t"first\n\nthird"\n\n'
    data += "".join(r[:-1] + "\tx\n" for r in rows[3:])
    path = write(tmp_path, "calls.csv", data.encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", ONE_DAY))
    assert _source(check) == "SQL metric made: calls.csv rows 4, 8"


# ------------------------------------------------------------- lines of spaces


@pytest.mark.parametrize(
    "blank", ["   ", "\t", " \t ", "\u3000"], ids=["spaces", "tab", "mixed", "full-width"]
)
def test_a_line_of_spaces_is_a_blank_line(tmp_path: Path, blank: str) -> None:
    # lines: 1 header, 2-4 rows, 5 spaces, 6-8 rows; 2026-01-08 rows are lines 4 and 8
    data = HEADER + "".join(ROWS[:3]) + blank + "\n" + "".join(ROWS[3:])
    path = write(tmp_path, "calls.csv", data.encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", ONE_DAY),
                metric("all", "flow", CALLS))  # fmt: skip
    check.assert_valid()
    assert check.value("made", "cm01", "2026-W02").value == 3 + 6
    assert check.value("all", "cm01", "2026-W02").value == 1 + 2 + 3 + 4 + 5 + 6
    assert _source(check) == "SQL metric made: calls.csv rows 4, 8"
    assert _source(check, "all") == "SQL metric all: calls.csv rows 2-8 (6 rows)"


def test_lines_of_spaces_in_a_semicolon_file_with_crlf(tmp_path: Path) -> None:
    lines = [HEADER, *ROWS[:2], "  \n", *ROWS[2:4], "\n", " \n", *ROWS[4:]]
    data = "".join(lines).replace(",", ";").replace("\n", "\r\n")
    path = write(tmp_path, "calls.csv", data.encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", ONE_DAY))
    check.assert_valid()
    assert check.value("made", "cm01", "2026-W02").value == 3 + 6
    # 1 header, 2-3 rows, 4 spaces, 5-6 rows, 7 blank, 8 spaces, 9-10 rows
    assert _source(check) == "SQL metric made: calls.csv rows 5, 10"


@pytest.mark.parametrize("blank", ["", "\r"], ids=["lf", "crlf"])
def test_a_line_of_spaces_right_below_an_empty_line(tmp_path: Path, blank: str) -> None:
    """The look for blank lines took the empty line's end with it and never saw the line
    of spaces under it: the file was read as one column, and every query failed on a
    column its header names."""
    # 1 header, 2-4 rows, 5 empty, 6 spaces, 7-9 rows
    lines = [HEADER, *ROWS[:3], "\n", "  \n", *ROWS[3:]]
    data = "".join(lines).replace("\n", blank + "\n")
    path = write(tmp_path, "calls.csv", data.encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", ONE_DAY),
                metric("counted", "flow", COUNTED))  # fmt: skip
    check.assert_valid()
    assert check.value("made", "cm01", "2026-W02").value == 3 + 6
    assert check.value("counted", "cm01", "2026-W02").value == 6
    assert _source(check) == "SQL metric made: calls.csv rows 4, 9"


@pytest.mark.parametrize("end", ["  \n", "  ", "\t\n\n"])
def test_lines_of_spaces_ending_the_file(tmp_path: Path, end: str) -> None:
    data = HEADER + "".join(ROWS) + "合计,,21\n" + end
    path = write(tmp_path, "calls.csv", data.encode())
    check = run(tmp_path, {"calls": path}, metric("all", "flow", CALLS))
    check.assert_valid()
    assert check.value("all", "cm01", "2026-W02").value == 21
    (warning,) = check.warnings
    assert "calls.csv row 8 is a summary row" in warning


def test_a_line_of_spaces_inside_a_quoted_cell_stays_in_it(tmp_path: Path) -> None:
    data = "day,cm,calls,note\n" + "".join(r[:-1] + ",x\n" for r in ROWS[:3])
    data += '2026-01-06,cm01,4,"first line\n   \nthird line"\n'
    data += "".join(r[:-1] + ",x\n" for r in ROWS[4:])
    path = write(tmp_path, "calls.csv", data.encode())
    notes = "SELECT cm AS subject, day, length(note) AS value FROM calls WHERE day = '2026-01-06'"
    check = run(tmp_path, {"calls": path}, metric("made", "flow", ONE_DAY),
                metric("notes", "flow", notes))  # fmt: skip
    check.assert_valid()
    assert _source(check) == "SQL metric made: calls.csv rows 4, 7"
    # "x" (1) and "first line\n   \nthird line" (25), its line of spaces kept
    assert check.value("notes", "cm01", "2026-W02").value == 1 + 25


def test_a_line_of_spaces_in_gzip_and_gbk_and_utf16(tmp_path: Path) -> None:
    data = "日期,cm,calls\n" + "".join(ROWS[:3]) + "  \n" + "".join(ROWS[3:])
    gz = write(tmp_path, "calls.csv.gz", gzip.compress(data.encode()))
    gbk = write(tmp_path, "gbk.csv", data.encode("gbk"))
    wide = write(tmp_path, "wide.csv", data.replace("\n", "\r\n").encode("utf-16"))
    query = "SELECT cm AS subject, 日期 AS day, calls AS value FROM calls WHERE 日期 = '2026-01-08'"
    check = run(tmp_path, {"calls": gz, "gbk": {"path": gbk, "encoding": "GBK"}, "wide": wide},
                metric("made", "flow", query),
                metric("gbk", "flow", query.replace("calls WHERE", "gbk WHERE")),
                metric("wide", "flow", query.replace("calls WHERE", "wide WHERE")))  # fmt: skip
    check.assert_valid()
    assert _source(check) == "SQL metric made: calls.csv.gz rows 4, 8"
    assert _source(check, "gbk") == "SQL metric gbk: gbk.csv rows 4, 8"
    assert _source(check, "wide") == "SQL metric wide: wide.csv rows 4, 8"


def test_a_line_of_spaces_in_a_file_without_a_header(tmp_path: Path) -> None:
    data = "".join(ROWS[:3]) + " \n" + "".join(ROWS[3:])
    path = write(tmp_path, "calls.csv", data.encode())
    table = {"path": path, "header": False, "columns": ["day", "cm", "calls"]}
    check = run(tmp_path, {"calls": table}, metric("made", "flow", ONE_DAY))
    check.assert_valid()
    assert _source(check) == "SQL metric made: calls.csv rows 3, 7"


def test_an_xlsx_cell_of_spaces_alone_in_its_row_and_a_cell_with_a_line_break(
    tmp_path: Path,
) -> None:
    """A workbook with a line break in a cell (an address, a remark) was refused as "not a
    readable xlsx file": DuckDB's parallel reader cannot read rows short of cells in a
    file with a quoted line break."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["day", "cm", "calls", "note"])
    for row in ROWS[:3]:
        sheet.append([*row.strip().split(","), "line one\nline two"])
    sheet.append(["   "])
    for row in ROWS[3:]:
        sheet.append(row.strip().split(","))
    (tmp_path / "data").mkdir(exist_ok=True)
    book.save(tmp_path / "data" / "calls.xlsx")
    check = run(tmp_path, {"calls": "data/calls.xlsx"}, metric("made", "flow", ONE_DAY))
    check.assert_valid()
    assert check.value("made", "cm01", "2026-W02").value == 3 + 6
    assert _source(check) == "SQL metric made: calls.xlsx rows 4, 8"


# ------------------------------------------------------- blank lines above the header


@pytest.mark.parametrize("above", ["\n", "\n\n", "  \n", "\ufeff\n\t\n"])
def test_blank_lines_above_the_header(tmp_path: Path, above: str) -> None:
    """The header is found below them, not read as a row of data (which made every column
    text: ``sum`` failed, and the header was a client named "cm")."""
    data = above + HEADER + "".join(ROWS)
    path = write(tmp_path, "calls.csv", data.encode())
    every = "SELECT cm AS subject, day, sum(calls) AS value FROM calls GROUP BY ALL"
    check = run(tmp_path, {"calls": path}, metric("made", "flow", ONE_DAY),
                metric("all", "flow", every))  # fmt: skip
    check.assert_valid()
    assert check.value("all", "cm01", "2026-W02").value == 21
    lines = above.count("\n")
    assert _source(check) == f"SQL metric made: calls.csv rows {4 + lines}, {7 + lines}"


def test_blank_lines_between_a_title_and_the_header(tmp_path: Path) -> None:
    data = "客户外呼日报 2026-01\n\n \n" + HEADER + "".join(ROWS)
    path = write(tmp_path, "calls.csv", data.encode())
    refused = run(tmp_path, {"calls": path}, metric("made", "flow", ONE_DAY))
    (problem,) = refused.problems
    assert "calls.csv:1: the row read as the header names one column" in problem
    assert "pass over it with skip = 1" in problem
    check = run(tmp_path, {"calls": {"path": path, "skip": 1}}, metric("made", "flow", ONE_DAY))
    check.assert_valid()
    assert _source(check) == "SQL metric made: calls.csv rows 7, 10"


def test_a_file_of_blank_lines_alone(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", b"\r\n  \r\n\r\n")
    check = run(tmp_path, {"calls": path}, metric("made", "flow", ONE_DAY))
    (problem,) = check.problems
    assert (
        "sources.sql.tables.calls: calls.csv holds nothing but blank lines, without even a "
        "header row; was the export cut short?" in problem
    )


def test_collect_and_explain_a_file_with_lines_of_spaces(write_workspace: WriteWorkspace) -> None:
    """Through the ``okrdesk`` command: VISITS below a blank line, with a line of spaces
    after its third line, so its rows 3-6 are the file's lines 6-9."""
    lines = VISITS.splitlines(keepends=True)
    root = sql_workspace(write_workspace, GROUPED)
    text = "".join(["\n", *lines[:3], "   \n", *lines[3:]])
    (root / "data" / "visits.csv").write_text(text, "utf-8")
    done = okrdesk("collect", "--through", "2026-01-18", "--lang", "en", "-w", str(root))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "(table visits: visits.csv rows 8-9)" in done.stdout + done.stderr
    explain = ["explain", "V.KR1", "--person", "cm01", "--as-of", "2026-01-18", "-w", str(root)]
    en = okrdesk(*explain, "--lang", "en")
    assert en.stdout.splitlines()[-1].endswith(
        "  SQL metric visits: visits.csv rows 3-6 (2 rows), 7"
    )


def _rows_of(size: int) -> bytes:
    """Rows of the file's shape, ``size`` bytes in all, the last line ended."""
    row = b"2026-01-06,cm01,1\n"
    rows = row * (size // len(row) - 1)
    return (
        rows + b"2026-01-06,cm01," + b"1" * (size - len(rows) - len(b"2026-01-06,cm01,\n")) + b"\n"
    )


@pytest.mark.parametrize("cut", [1, 2])
def test_a_line_of_spaces_cut_between_two_reads(tmp_path: Path, cut: int) -> None:
    # The file is looked at a megabyte at a time after its header: the line of spaces (or
    # the full-width space, three bytes) begins ``cut`` bytes before the second megabyte.
    for blank in (b"  ", "\u3000".encode()):
        data = HEADER.encode() + _rows_of((1 << 20) - cut) + blank + b"\n" + _rows_of(100)
        path = tmp_path / "calls.csv"
        path.write_bytes(data)
        assert lines_found(path, 0) == Lines(spaces=True), blank
    path.write_bytes(HEADER.encode() + _rows_of((1 << 20) - cut) + b"\r\n" + _rows_of(100))
    assert lines_found(path, 0) == Lines(empty=True)
    path.write_bytes(HEADER.encode() + _rows_of((1 << 20) - cut) + b"  ")
    assert lines_found(path, 0) == Lines(spaces=True)
    path.write_bytes(HEADER.encode() + _rows_of(1 << 20) + _rows_of(100))
    assert lines_found(path, 0) == Lines()


@pytest.mark.parametrize("blank", ["", "  "], ids=["empty", "spaces"])
def test_lines_ended_in_a_carriage_return_alone(tmp_path: Path, blank: str) -> None:
    """Excel for Mac's CSV ends its lines in \\r alone: a blank line there, and one above
    the header, counts as in any other file."""
    data = "\n" + HEADER + "".join(ROWS[:3]) + blank + "\n" + "".join(ROWS[3:])
    path = write(tmp_path, "calls.csv", data.replace("\n", "\r").encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", ONE_DAY),
                metric("all", "flow", CALLS))  # fmt: skip
    check.assert_valid()
    assert check.value("all", "cm01", "2026-W02").value == 21
    # 1 blank, 2 header, 3-5 rows, 6 blank, 7-9 rows
    assert _source(check) == "SQL metric made: calls.csv rows 5, 9"


# ------------------------------------------------------- rows of delimiters alone

COUNTED = "SELECT 'cm01' AS subject, '2026-01-08' AS day, count(*) AS value FROM calls"
"""Every row of the table, counted: a row of empty cells would be one more."""


@pytest.mark.parametrize(
    ("blank", "delimiter"),
    [(",,", ","), (";;", ";"), ("\t\t", "\t"), (", ,\u3000", ","), (",", ","), ("||", "|")],
    ids=["commas", "semicolons", "tabs", "spaces-between", "short", "pipes"],
)
def test_rows_of_delimiters_alone_are_blank_lines(
    tmp_path: Path, blank: str, delimiter: str
) -> None:
    """Excel saves ``,,,`` for a row it thinks used (a row once formatted, in the middle
    or below the data): no row, as a blank line is, where ``count(*)`` counted it and
    a query naming its subject failed on the row's empty id."""
    # 1 header, 2-4 rows, 5 delimiters, 6-8 rows, 9-10 delimiters
    rows = [row.replace(",", delimiter) for row in [HEADER, *ROWS]]
    lines = [*rows[:4], blank + "\n", *rows[4:], blank + "\n", blank + "\n"]
    path = write(tmp_path, "calls.csv", "".join(lines).encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", ONE_DAY),
                metric("all", "flow", CALLS), metric("counted", "flow", COUNTED))  # fmt: skip
    check.assert_valid()
    assert check.value("counted", "cm01", "2026-W02").value == 6
    assert check.value("all", "cm01", "2026-W02").value == 21
    assert _source(check) == "SQL metric made: calls.csv rows 4, 8"
    assert _source(check, "all") == "SQL metric all: calls.csv rows 2-8 (6 rows)"
    assert not check.warnings


def test_a_row_of_delimiters_before_a_summary_row_and_a_cell_not_its_type(tmp_path: Path) -> None:
    # 1 header, 2-4 rows, 5 commas, 6-7 rows, 8 N/A, 9 commas, 10 total
    data = HEADER + "".join(ROWS[:3]) + ",,\n" + "".join(ROWS[3:5])
    typed = write(tmp_path, "typed.csv", (data + "2026-01-08,cm01,N/A\n").encode())
    path = write(tmp_path, "calls.csv", (data + ROWS[5] + ",,\n合计,,21\n").encode())
    check = run(tmp_path, {"calls": path}, metric("counted", "flow", COUNTED))
    check.assert_valid()
    assert check.value("counted", "cm01", "2026-W02").value == 6
    (warning,) = check.warnings
    assert "calls.csv row 10 is a summary row" in warning
    refused = run(tmp_path, {"calls": {"path": typed, "types": {"calls": "integer"}}},
                  metric("made", "flow", CALLS))  # fmt: skip
    assert any("typed.csv:8:calls" in error for error in refused.problems), refused.problems


def test_rows_of_delimiters_above_the_header_are_passed_over(tmp_path: Path) -> None:
    data = ",,\n;;\n" + HEADER + "".join(ROWS)
    path = write(tmp_path, "calls.csv", data.encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", ONE_DAY),
                metric("counted", "flow", COUNTED))  # fmt: skip
    check.assert_valid()
    assert check.value("counted", "cm01", "2026-W02").value == 6
    assert _source(check) == "SQL metric made: calls.csv rows 6, 9"


def test_a_cell_of_delimiters_in_quotes_is_a_cell(tmp_path: Path) -> None:
    data = "day,cm,calls,note\n" + "".join(r[:-1] + ",x\n" for r in ROWS[:3])
    data += '2026-01-06,cm01,4,"\n,,,\n"\n' + "".join(r[:-1] + ",x\n" for r in ROWS[4:])
    path = write(tmp_path, "calls.csv", data.encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", ONE_DAY),
                metric("counted", "flow", COUNTED))  # fmt: skip
    check.assert_valid()
    assert check.value("counted", "cm01", "2026-W02").value == 6
    assert _source(check) == "SQL metric made: calls.csv rows 4, 7"


def test_a_cached_table_without_its_rows_of_delimiters_cites_the_same_rows(
    tmp_path: Path,
) -> None:
    data = HEADER + "".join(ROWS[:3]) + ",,\n,,\n" + "".join(ROWS[3:]) + ",,\n"
    path = write(tmp_path, "calls.csv", data.encode())
    first = run(tmp_path, {"calls": path}, metric("made", "flow", ONE_DAY),
                metric("counted", "flow", COUNTED))  # fmt: skip
    kept = TableCache(tmp_path)
    assert kept.lookup(table_file("calls", path, tmp_path, [])) is not None
    # two before the 4th row (rowid 3), one after the last
    assert kept.blanks(table_file("calls", path, tmp_path, [])) == (3, 3, 6)
    again = run(tmp_path, {"calls": path}, metric("made", "flow", ONE_DAY),
                metric("counted", "flow", COUNTED))  # fmt: skip
    for check in (first, again):
        assert check.value("counted", "cm01", "2026-W02").value == 6
        assert _source(check) == "SQL metric made: calls.csv rows 4, 9"


def test_a_sheets_row_of_empty_cells_is_no_row(tmp_path: Path) -> None:
    """A row whose cells are all empty, kept by the workbook because a cell of it was
    formatted (below the data too), is written in the sheet's copy as a row of commas:
    no row, as a blank line is."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["day", "cm", "calls"])
    for row in ROWS[:3]:
        sheet.append(row.strip().split(","))
    sheet.append([None, "   ", None])
    for row in ROWS[3:]:
        sheet.append(row.strip().split(","))
    sheet["B5"].number_format = "0.00"
    sheet["C12"].number_format = "0.00"  # rows 9-12 empty, kept as formatted
    (tmp_path / "data").mkdir(exist_ok=True)
    book.save(tmp_path / "data" / "calls.xlsx")
    check = run(tmp_path, {"calls": "data/calls.xlsx"}, metric("made", "flow", ONE_DAY),
                metric("counted", "flow", COUNTED))  # fmt: skip
    check.assert_valid()
    assert check.value("counted", "cm01", "2026-W02").value == 6
    assert _source(check) == "SQL metric made: calls.xlsx rows 4, 8"


def test_collect_and_explain_a_file_with_rows_of_delimiters(
    write_workspace: WriteWorkspace,
) -> None:
    """Through the ``okrdesk`` command: VISITS with a row of commas after its third line
    and two at its end, so its rows 3-6 are the file's lines 5-8."""
    lines = VISITS.splitlines(keepends=True)
    counted = GROUPED.replace("sum(visits)", "count(*)")
    root = sql_workspace(write_workspace, counted)
    text = "".join([*lines[:3], ",,\n", *lines[3:], ",,\n", ",,\n"]).replace("\n", "\r\n")
    (root / "data" / "visits.csv").write_text(text, "utf-8", newline="")
    done = okrdesk("collect", "--through", "2026-01-18", "--lang", "en", "-w", str(root))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    explain = ["explain", "V.KR1", "--person", "cm01", "--as-of", "2026-01-18", "-w", str(root)]
    en = okrdesk(*explain, "--lang", "en").stdout.splitlines()
    # cm01: two rows on the 6th (lines 2 and 5), one on the 7th (line 6): 3 counted
    assert en[2] == "= 3 accts"
    assert en[-1].endswith("  SQL metric visits: visits.csv rows 2-5 (2 rows), 6")


@pytest.mark.parametrize("end", [",,\n,,\n", ",,\r\n\r\n,,", ",,\n,,\n\n"])
def test_rows_of_delimiters_ending_the_file(tmp_path: Path, end: str) -> None:
    """As many delimiters as the header's, below the data alone: left out as the rows of no
    cell filled that end a file are, without a look among the rows for blank lines."""
    data = HEADER + "".join(ROWS) + end
    if "\r" in end:
        data = data.replace("\n", "\r\n").replace("\r\r", "\r")
    path = write(tmp_path, "calls.csv", data.encode())
    assert lines_found(tmp_path / path, 0) == Lines()
    check = run(tmp_path, {"calls": path}, metric("made", "flow", ONE_DAY),
                metric("counted", "flow", COUNTED))  # fmt: skip
    check.assert_valid()
    assert check.value("counted", "cm01", "2026-W02").value == 6
    assert _source(check) == "SQL metric made: calls.csv rows 4, 7"
    assert not check.warnings
