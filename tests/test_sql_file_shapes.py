"""The SQL metric source on CSV files shaped as an analyst gets them: no line break at
the end, a delimiter ending every line, a header naming two columns alike, names with
spaces or in Chinese, a header and no rows, a BOM before semicolons, tabs, and a
workbook saved under a .csv name.

Every file is made here; every figure expected is worked out beside it.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from okrdesk.plugins.sql_files import table_file
from okrdesk.plugins.sql_table_cache import TableCache
from okrdesk.store import Store
from sample_workspace import WriteWorkspace
from test_explain_sources import GROUPED, VISITS, sql_workspace
from test_report import okrdesk
from test_sql_files import metric, run, write

HEADER = "day,cm,calls\n"
ROWS = [f"2026-01-0{6 + k % 3},cm01,{k + 1}\n" for k in range(6)]
CALLS = "SELECT cm AS subject, day, calls AS value FROM calls"
WEEK = 1 + 2 + 3 + 4 + 5 + 6  # every row lies in 2026-W02


def _made(tmp_path: Path, data: bytes | str, name: str = "calls.csv", query: str = CALLS,
          **options: object) -> tuple[float, str]:  # fmt: skip
    path = write(tmp_path, name, data if isinstance(data, bytes) else data.encode())
    check = run(tmp_path, {"calls": {"path": path, **options}}, metric("made", "flow", query))
    check.assert_valid()
    found = check.value("made", "cm01", "2026-W02")
    return found.value, str(found.source)


def test_no_line_break_after_the_last_row(tmp_path: Path) -> None:
    data = (HEADER + "".join(ROWS)).removesuffix("\n")
    assert _made(tmp_path, data) == (WEEK, "SQL metric made: calls.csv rows 2-7")


def test_a_delimiter_ending_every_line(tmp_path: Path) -> None:
    # The empty last column is a column of no cells: it makes no other column text.
    data = "".join(line.replace("\n", ",\n") for line in [HEADER, *ROWS])
    assert _made(tmp_path, data) == (WEEK, "SQL metric made: calls.csv rows 2-7")
    semicolons = data.replace(",", ";").replace("\n", "\r\n")
    assert _made(tmp_path, semicolons) == (WEEK, "SQL metric made: calls.csv rows 2-7")


def test_spaces_and_chinese_in_the_header_quoted_in_the_query(tmp_path: Path) -> None:
    data = " 日 期 ,客户 经理,外呼 次数\n" + "".join(ROWS)
    query = 'SELECT "客户 经理" AS subject, "日 期" AS day, "外呼 次数" AS value FROM calls'
    assert _made(tmp_path, data, query=query) == (WEEK, "SQL metric made: calls.csv rows 2-7")


def test_a_bom_before_semicolons(tmp_path: Path) -> None:
    """Excel's "CSV UTF-8" where the list separator is a semicolon: the BOM is no part
    of the first column's name."""
    data = ("\ufeff" + HEADER + "".join(ROWS)).replace(",", ";").replace("\n", "\r\n")
    assert _made(tmp_path, data.encode()) == (WEEK, "SQL metric made: calls.csv rows 2-7")


def test_a_tsv_file_with_a_line_of_a_tab(tmp_path: Path) -> None:
    data = (HEADER + "".join(ROWS[:3]) + "\t\n" + "".join(ROWS[3:])).replace(",", "\t")
    assert _made(tmp_path, data, name="calls.tsv") == (
        WEEK, "SQL metric made: calls.tsv rows 2-8 (6 rows)",
    )  # fmt: skip


# ------------------------------------------------------------- a header and no rows

ON_A_DAY = "SELECT cm AS subject, day, calls AS value FROM calls WHERE day >= DATE '2026-01-01'"


def test_a_header_and_no_rows_gives_no_figures(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", HEADER.encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", CALLS))
    check.assert_valid()
    assert not check.observations
    assert not check.warnings


def test_a_header_and_no_rows_under_a_query_that_needs_the_types(tmp_path: Path) -> None:
    """Its columns have no cell to type them by: a query comparing a date with one fails,
    told why and what to do."""
    path = write(tmp_path, "calls.csv", HEADER.encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", ON_A_DAY))
    (problem,) = check.problems
    assert "cannot compare values of type BIGINT and DATE directly" in problem
    assert (
        "table calls has no rows (calls.csv holds no row below its header), so its columns "
        "have no cell to tell their types by and are read as numbers: give them their types "
        'in the table\'s types (as types = { day = "date" })'
    ) in problem
    typed = {"path": path, "types": {"day": "date", "cm": "text", "calls": "integer"}}
    check = run(tmp_path, {"calls": typed}, metric("made", "flow", ON_A_DAY))
    check.assert_valid()
    assert not check.observations


def test_a_query_failing_on_a_table_with_rows_is_not_told_it_has_none(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", (HEADER + "".join(ROWS)).encode())
    query = "SELECT cm AS subject, day, calls AS value FROM calls WHERE calls >= DATE '2026-01-01'"
    check = run(tmp_path, {"calls": path}, metric("made", "flow", query))
    (problem,) = check.problems
    assert "cannot compare values of type BIGINT and DATE directly" in problem
    assert "no rows" not in problem


# ------------------------------------------------------- columns named alike


def test_columns_named_alike_are_said_with_the_names_a_query_reads(tmp_path: Path) -> None:
    """DuckDB reads a second calls as calls_1, and the file's own calls_1 as calls_1_1: a
    query naming calls_1 reads the second calls, and is warned so."""
    data = "day,cm,Calls,calls,calls_1\n" + "".join(r[:-1] + ",10,100\n" for r in ROWS)
    path = write(tmp_path, "calls.csv", data.encode())
    query = "SELECT cm AS subject, day, calls_1 AS value FROM calls"
    check = run(tmp_path, {"calls": path}, metric("made", "flow", query))
    check.assert_valid()
    assert check.value("made", "cm01", "2026-W02").value == 6 * 10
    (warning,) = check.warnings
    assert warning.endswith(
        "table calls: calls.csv:1: the header names columns alike (capitals aside), and a "
        "query reads them by other names: column D (calls) is calls_1, E (calls_1) is "
        "calls_1_1; if a query reads another column than it means, name the file's columns "
        "with columns = [...]"
    )
    # Named, they are read by their names, with no warning.
    named = {"path": path, "columns": ["day", "cm", "calls", "calls_b", "calls_1"]}
    check = run(tmp_path, {"calls": named}, metric("made", "flow", query))
    check.assert_valid()
    assert check.value("made", "cm01", "2026-W02").value == 6 * 100
    assert not check.warnings


def test_a_column_named_as_duckdb_names_a_twin_is_not_one(tmp_path: Path) -> None:
    data = "day,cm,calls,calls_1\n" + "".join(r[:-1] + ",10\n" for r in ROWS)
    path = write(tmp_path, "calls.csv", data.encode())
    query = "SELECT cm AS subject, day, calls_1 AS value FROM calls"
    check = run(tmp_path, {"calls": path}, metric("made", "flow", query))
    check.assert_valid()
    assert check.value("made", "cm01", "2026-W02").value == 6 * 10
    assert not check.warnings


def test_columns_named_alike_in_a_kept_table_and_after_blank_lines(tmp_path: Path) -> None:
    data = "\n  \n" + "day;cm;calls;calls\n" + "".join(r[:-1] + ";10\n" for r in ROWS)
    path = write(tmp_path, "calls.csv", data.replace(",", ";").encode())
    first = run(tmp_path, {"calls": path}, metric("made", "flow", CALLS))
    assert TableCache(tmp_path).lookup(table_file("calls", path, tmp_path, [])) is not None
    again = run(tmp_path, {"calls": path}, metric("made", "flow", CALLS))
    assert first.warnings == again.warnings
    (warning,) = again.warnings
    assert "calls.csv:3: the header names columns alike" in warning
    assert "column D (calls) is calls_1;" in warning


def test_columns_named_alike_through_the_command(write_workspace: WriteWorkspace) -> None:
    root = sql_workspace(write_workspace, GROUPED)
    lines = VISITS.splitlines(keepends=True)
    text = lines[0].replace("\n", ",visits\n") + "".join(r.replace("\n", ",1\n") for r in lines[1:])
    (root / "data" / "visits.csv").write_text(text, "utf-8")
    done = okrdesk("collect", "--through", "2026-01-18", "-w", str(root))
    assert done.returncode == 0, done.stderr
    said = "".join((done.stdout + done.stderr).split())  # as the terminal wraps it
    assert "表visits：visits.csv:1：表头里有同名的列" in said
    assert "D列（visits）是visits_1；" in said


# --------------------------------------------------- a file that is not what its name says


def _workbook() -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["day", "cm", "calls"])
    for row in ROWS:
        day, cm, calls = row.strip().split(",")
        sheet.append([day, cm, int(calls)])
    saved = io.BytesIO()
    book.save(saved)
    return saved.getvalue()


def test_a_workbook_saved_as_csv_is_read_as_one(tmp_path: Path) -> None:
    """Read as text, it was "not UTF-8 text; set encoding", which no encoding mends."""
    assert _made(tmp_path, _workbook()) == (WEEK, "SQL metric made: calls.csv rows 2-7")


def test_parquet_saved_as_csv_is_read_as_parquet(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    source = tmp_path / "data" / "source.csv"
    source.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    target = tmp_path / "data" / "calls.csv"
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{source}')) TO '{target}' (FORMAT parquet)")
    check = run(tmp_path, {"calls": "data/calls.csv"}, metric("made", "flow", CALLS))
    check.assert_valid()
    assert check.value("made", "cm01", "2026-W02").value == WEEK


@pytest.mark.parametrize("name", ["calls.csv", "calls.xls"])
def test_an_xls_workbook_is_told_to_be_saved_as_xlsx(tmp_path: Path, name: str) -> None:
    # The first bytes of every Excel 97-2003 file (an OLE2 compound file)
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    path = write(tmp_path, name, data)
    check = run(tmp_path, {"calls": path}, metric("made", "flow", CALLS))
    (problem,) = check.problems
    assert (
        f"sources.sql.tables.calls: {name} is an Excel 97-2003 workbook (.xls), which okrdesk "
        "does not read; save it from Excel as .xlsx, or as CSV"
    ) in problem


# ------------------------------------------------- a row of more or fewer cells


@pytest.mark.parametrize(
    ("row", "cells"), [("2026-01-08,cm01\n", 2), ("2026-01-08,cm01,1,234\n", 4)]
)
@pytest.mark.parametrize("before", ["", "  \n"], ids=["plain", "after-a-line-of-spaces"])
def test_a_row_of_more_or_fewer_cells_is_named(
    tmp_path: Path, row: str, cells: int, before: str
) -> None:
    """DuckDB's sniffer read such a file as one column, and every query failed with
    "column cm not found"; read with rows short of cells (after a line of spaces), a
    short row would be padded with NULL."""
    data = HEADER + "".join(ROWS[:3]) + before + row + "".join(ROWS[3:])
    path = write(tmp_path, "calls.csv", data.encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", CALLS))
    (problem,) = check.problems
    line = 5 + before.count("\n")
    assert (
        f"sources.sql.tables.calls: calls.csv:{line}: this row has {cells} cells and the header "
        "3: a delimiter missing, or one too many (a number such as 1,234 not in quotes)? "
        "correct the row in the export"
    ) in problem


def test_a_row_of_more_delimiters_alone_than_the_header_has_cells_is_named(
    tmp_path: Path,
) -> None:
    """Such a row made DuckDB's sniffer read the file as one column, and every query
    failed on a column the header names (no column "day", near "day,cm,calls")."""
    data = HEADER + "".join(ROWS[:3]) + ",,,\n" + "".join(ROWS[3:])
    path = write(tmp_path, "calls.csv", data.encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", CALLS))
    (problem,) = check.problems
    assert "sources.sql.tables.calls: calls.csv:5: this row has 4 cells and the header 3" in problem


def test_a_wide_row_of_delimiters_in_a_file_without_a_header_is_named_at_its_line(
    tmp_path: Path,
) -> None:
    """DuckDB's sniffer finds | the delimiter of such a file, one column of whole lines;
    the rows were counted by it, and the first refused for 1 cell against 3."""
    data = "".join(ROWS[:3]) + ",,,\n" + "".join(ROWS[3:])
    path = write(tmp_path, "calls.csv", data.encode())
    table = {"path": path, "header": False, "columns": ["day", "cm", "calls"]}
    check = run(tmp_path, {"calls": table}, metric("made", "flow", CALLS))
    (problem,) = check.problems
    assert "calls.csv:4: this row has 4 cells and the first row 3" in problem


@pytest.mark.parametrize("row", ["2026-01-08,cm01\n", "2026-01-08,cm01,1,234\n", "备注\n"])
def test_a_row_of_more_or_fewer_cells_than_the_columns_named_is_named(
    tmp_path: Path, row: str
) -> None:
    """With the columns named (columns = [...]), DuckDB's sniffer gave up on such a file:
    it was told "not a readable csv file (InvalidInputException)", no line named."""
    data = "".join(ROWS[:3]) + row + "".join(ROWS[3:])
    path = write(tmp_path, "calls.csv", data.encode())
    table = {"path": path, "header": False, "columns": ["day", "cm", "calls"]}
    check = run(tmp_path, {"calls": table}, metric("made", "flow", CALLS))
    (problem,) = check.problems
    cells = {0: "1 cell", 1: "2 cells", 3: "4 cells"}[row.count(",")]
    assert f"calls.csv:4: this row has {cells} and the first row 3" in problem


def test_a_header_with_a_column_unnamed_over_rows_of_words_is_no_title(tmp_path: Path) -> None:
    """A table of names (who is in which team) whose header leaves a column unnamed: its
    first row names every column as a header would, and so does the row after it. It
    was refused as a title above the header, and skip = 1 would have lost cm01's row."""
    teams = write(tmp_path, "teams.csv", "cm,,team\ncm01,刘洋,wm1\ncm02,黄婷,wm2\n".encode())
    calls = write(tmp_path, "calls.csv", (HEADER + "".join(ROWS)).encode())
    query = "SELECT cm AS subject, day, calls AS value FROM calls JOIN teams USING (cm)"
    check = run(tmp_path, {"calls": calls, "teams": teams}, metric("made", "flow", query))
    check.assert_valid()
    assert check.value("made", "cm01", "2026-W02").value == WEEK


def test_a_row_of_fewer_cells_past_skip_in_a_file_without_a_header(tmp_path: Path) -> None:
    data = "客户外呼日报\n" + "".join(ROWS[:4]) + "2026-01-08,cm01\n"
    path = write(tmp_path, "calls.csv", data.encode())
    table = {"path": path, "skip": 1, "header": False}
    check = run(tmp_path, {"calls": table}, metric("made", "flow", CALLS))
    (problem,) = check.problems
    assert "calls.csv:6: this row has 2 cells and the first row 3" in problem


def test_a_file_of_one_column_is_no_row_of_fewer_cells(tmp_path: Path) -> None:
    path = write(tmp_path, "ids.csv", b"cm\ncm01\ncm01\ncm02\n")
    query = "SELECT cm AS subject, DATE '2026-01-06' AS day, count(*) AS value FROM ids GROUP BY 1"
    check = run(tmp_path, {"ids": path}, metric("made", "flow", query))
    check.assert_valid()
    assert check.value("made", "cm01", "2026-W02").value == 2


@pytest.mark.parametrize("damage", ["cut short", "bytes lost"])
def test_a_damaged_gzip_file_is_said_unreadable(tmp_path: Path, damage: str) -> None:
    """Looked at for blank lines before DuckDB reads it: a damaged file is refused there,
    by name (the bytes lost made DuckDB read it as one column, "column day not found")."""
    whole = gzip.compress((HEADER + "".join(ROWS) * 2000).encode())
    data = (
        whole[: len(whole) // 2] if damage == "cut short" else whole[:100] + bytes(50) + whole[150:]
    )
    path = write(tmp_path, "calls.csv.gz", data)
    check = run(tmp_path, {"calls": path}, metric("made", "flow", CALLS))
    (problem,) = check.problems
    assert "sources.sql.tables.calls: calls.csv.gz: not a readable csv file (" in problem


# ------------------------------------------------------- a quote never closed

OPEN = (
    "a quote opened in this row is never closed: every line after it was read into one "
    "cell; close it, or take it out, in the export"
)


@pytest.mark.parametrize(
    "bad",
    ['2026-01-08,"cm01,3\n', '2026-01-08,cm01,"3\n', '"2026-01-08,cm01,3\n'],
    ids=["subject", "value", "first-cell"],
)
def test_a_quote_never_closed_is_told_at_its_row(tmp_path: Path, bad: str) -> None:
    """DuckDB read every quote of such a file as a character of its cell (its sniffer
    finds no quote that closes): a quoted "cm01" was no id, and the row was refused as
    one whose subject is not in the plan. Other tables' metrics land."""
    # 1 header, 2 a quoted id, 3-4 rows, 5 the quote left open, 6-7 rows
    data = HEADER + '2026-01-06,"cm01",1\n' + "".join(ROWS[1:3]) + bad + "".join(ROWS[4:])
    path = write(tmp_path, "calls.csv", data.encode())
    other = write(tmp_path, "other.csv", (HEADER + "".join(ROWS)).encode())
    check = run(tmp_path, {"calls": path, "other": other}, metric("made", "flow", CALLS),
                metric("other", "flow", CALLS.replace("FROM calls", "FROM other")))  # fmt: skip
    (problem,) = check.problems
    assert f"sources.sql.tables.calls: calls.csv:5: {OPEN}" in problem
    assert "none of its figures stored" in problem
    assert not [o for o in check.observations if o.metric == "made"]
    assert check.value("other", "cm01", "2026-W02").value == WEEK


def test_a_quote_never_closed_in_the_last_row(tmp_path: Path) -> None:
    data = HEADER + "".join(ROWS[:5]) + '2026-01-08,"cm01,6\n'
    path = write(tmp_path, "calls.csv", data.encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", CALLS))
    (problem,) = check.problems
    assert (
        "calls.csv:7: a quote opened in this row is never closed: the rest of the row was "
        "read as one cell"
    ) in problem


def _rows(count: int, start: int = 0) -> str:
    return "".join(f"2026-01-0{6 + k % 3},cm01,{k % 7}\n" for k in range(start, start + count))


@pytest.mark.parametrize(("before", "after"), [(30_000, 10), (5, 20_000)], ids=["late", "long"])
def test_a_quote_never_closed_in_a_long_file(tmp_path: Path, before: int, after: int) -> None:
    """Past the first lines, where DuckDB's sniffer looks at a file's quotes, and before
    more text than the longest cell Python's CSV reader takes (131,072 characters): told
    at its row all the same."""
    data = HEADER + _rows(before) + '2026-01-08,"cm01,3\n' + _rows(after, before)
    path = write(tmp_path, "calls.csv", data.encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", CALLS))
    (problem,) = check.problems
    assert f"calls.csv:{before + 2}: {OPEN}" in problem


def test_a_quote_never_closed_in_gbk_and_gzip_after_a_blank_line(tmp_path: Path) -> None:
    # 1 blank, 2 header, 3-4 rows, 5 blank, 6 the quote left open
    data = "\n日期,cm,calls\n" + "".join(ROWS[:2]) + '\n2026-01-08,cm01,"3\n' + "".join(ROWS[3:])
    gbk = write(tmp_path, "gbk.csv", data.encode("gbk"))
    gz = write(tmp_path, "calls.csv.gz", gzip.compress(data.encode()))
    query = "SELECT cm AS subject, 日期 AS day, calls AS value FROM calls"
    check = run(tmp_path, {"calls": gz, "gbk": {"path": gbk, "encoding": "GBK"}},
                metric("made", "flow", query),
                metric("gbk", "flow", query.replace("FROM calls", "FROM gbk")))  # fmt: skip
    problems = " ".join(check.problems)
    assert f"calls.csv.gz:6: {OPEN}" in problems
    assert f"gbk.csv:6: {OPEN}" in problems


@pytest.mark.parametrize(
    ("name", "shape"),
    [
        ("calls.csv", lambda text: text.replace("\n", "\r").encode()),
        ("wide.csv", lambda text: text.replace("\n", "\r\n").encode("utf-16")),
        ("semi.csv", lambda text: text.replace(",", ";").replace("day", '"day"').encode()),
    ],
    ids=["cr-alone", "utf16", "semicolons"],
)
def test_a_quote_never_closed_in_other_shapes_of_file(
    tmp_path: Path, name: str, shape: Callable[[str], bytes]
) -> None:
    """Lines ended in \\r alone (Excel for Mac), UTF-16 (read through its UTF-8 copy), and
    semicolons under a quoted header name: the row is found all the same."""
    data = HEADER + "".join(ROWS[:3]) + '2026-01-08,"cm01,3\n' + "".join(ROWS[4:])
    path = write(tmp_path, name, shape(data))
    check = run(tmp_path, {"calls": path}, metric("made", "flow", CALLS))
    (problem,) = check.problems
    assert f"{name}:5: {OPEN}" in problem


def test_a_quote_inside_a_cell_is_a_character_of_it(tmp_path: Path) -> None:
    """A quote that does not begin its cell opens nothing (as DuckDB and Excel read it):
    a file with one, its quotes an odd count, is read as ever."""
    notes = ['32" 显示器', '"a, b"', "x", "x", "x", "x"]  # three quotes
    data = "day,cm,calls,note\n" + "".join(
        r[:-1] + f",{n}\n" for r, n in zip(ROWS, notes, strict=True)
    )
    path = write(tmp_path, "calls.csv", data.encode())
    lengths = "SELECT cm AS subject, day, length(note) AS value FROM calls"
    check = run(tmp_path, {"calls": path}, metric("made", "flow", CALLS),
                metric("lengths", "flow", lengths))  # fmt: skip
    check.assert_valid()
    assert check.value("made", "cm01", "2026-W02").value == WEEK
    assert check.value("lengths", "cm01", "2026-W02").value == 7 + 4 + 4 * 1


def test_collect_tells_a_quote_never_closed_and_stores_the_other_tables(
    write_workspace: WriteWorkspace,
) -> None:
    """Through the ``okrdesk`` command, in Chinese and English: visits.csv's row 4 opens a
    quote it never closes; its metric fails, the metric of calls.csv lands."""
    two = GROUPED.replace(
        'tables = { visits = "data/visits.csv" }',
        'tables = { visits = "data/visits.csv", calls = "data/calls.csv" }',
    ) + (
        '\n[[sources.sql.metrics]]\nname = "calls"\nkind = "flow"\nunit = "人"\n'
        'query = "SELECT cm AS subject, day, calls AS value FROM calls"\n'
    )
    root = sql_workspace(write_workspace, two)
    (okrs,) = root.rglob("visits.toml")
    with okrs.open("a", encoding="utf-8") as more:
        more.write(
            '\n[[objectives.key_results]]\nid = "KR2"\ntitle = "外呼"\nmetric = "calls"\n'
            'target = 100\nunit = "人"\n'
        )
    lines = VISITS.splitlines(keepends=True)
    lines[3] = '2026-01-06,"cm01,2\n'
    (root / "data" / "visits.csv").write_text("".join(lines), "utf-8")
    (root / "data" / "calls.csv").write_text(HEADER + "".join(ROWS), "utf-8")
    zh = okrdesk("collect", "--through", "2026-01-18", "-w", str(root))
    assert zh.returncode == 1, zh.stdout + zh.stderr
    assert "Traceback" not in zh.stderr
    told = " ".join((zh.stdout + zh.stderr).split())
    assert (
        "sources.sql.tables.visits: visits.csv:4: 这一行里开始的引号一直没有结束：它后面的每一行"
        "都被读进了这一格；请在导出文件里补上结束的引号，或去掉它"
    ) in told
    en = okrdesk("collect", "--through", "2026-01-18", "--lang", "en", "-w", str(root))
    assert en.returncode == 1
    assert f"visits.csv:4: {OPEN}" in " ".join((en.stdout + en.stderr).split())
    with Store.open(root / "okrdesk.db") as store:
        stored = store.query("SELECT DISTINCT metric FROM observations")
    assert stored == [("calls",)]


# ------------------------------------------------------- lines ended in two ways


@pytest.mark.parametrize(
    ("crlf", "line", "ends", "first"),
    [(set(), 8, "\\r\\n", "\\n"), ({1, 2, 3, 4}, 5, "\\n", "\\r\\n"), ({1}, 2, "\\n", "\\r\\n")],
    ids=["last-crlf", "rows-appended", "header-crlf"],
)
def test_lines_ended_in_two_ways_are_told_at_the_first_that_differs(
    tmp_path: Path, crlf: set[int], line: int, ends: str, first: str
) -> None:
    """A file written partly on Windows and partly elsewhere (rows added by a script, a
    line ended by hand): DuckDB's sniffer reads it with no delimiter, and okrdesk said
    to set the file's encoding, the sniffer's words naming utf-8."""
    lines = [HEADER, *ROWS, "2026-01-08,cm01,7\n"]
    lines[-1] = lines[-1].replace("\n", "\r\n") if not crlf else lines[-1]
    data = "".join(
        text.replace("\n", "\r\n") if number in crlf else text
        for number, text in enumerate(lines, start=1)
    )
    path = write(tmp_path, "calls.csv", data.encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", CALLS))
    (problem,) = check.problems
    assert (
        f"sources.sql.tables.calls: calls.csv:{line}: this line ends in {ends} and the first "
        f"line in {first}: a file whose lines end in two ways is read by no delimiter; save "
        "it again with every line ended alike (as Excel saves a CSV file)"
    ) in problem
    assert "encoding" not in problem
