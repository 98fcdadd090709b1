"""The SQL metric source on files shaped the way CRM systems and Excel export them.

Every file is made here; every expected figure is worked out by hand beside it.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import socket
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from okrdesk.model import Person
from okrdesk.plugins import sql_metrics
from okrdesk.plugins.sql_dialect import to_duckdb
from okrdesk.plugins.sql_files import load_table, table_file
from okrdesk.plugins.sql_settings import SqlMetricError
from okrdesk.plugins.sql_table_cache import TableCache
from okrdesk.plugins.testing import PluginCheck, check_plugin
from okrdesk.user_cache import user_cache_folder
from test_sql_metrics import SALONS_OKRS

PEOPLE = (Person("cm01", "王芳", "team-a"), Person("cm02", "李强", "team-a"))
START, THROUGH = dt.date(2026, 1, 5), dt.date(2026, 1, 18)  # ISO weeks 2 and 3

# The bank's telemarketing export: semicolon separated.
CALLS = """\
day;cm;calls;won
2026-01-06;cm01;10;1
2026-01-07;cm01;5;2
2026-01-13;cm02;8;0
"""
CONVERSION = "SELECT cm AS subject, day, won AS numerator, calls AS denominator FROM calls"
CALLS_MADE = "SELECT cm AS subject, day, calls AS value FROM calls"


def metric(name: str, kind: str, query: str, unit: str = "人") -> dict[str, str]:
    return {"name": name, "kind": kind, "unit": "%" if kind == "ratio" else unit, "query": query}


def run(
    workspace: Path, tables: dict[str, Any], *metrics: dict[str, str], **more: Any
) -> PluginCheck:
    settings = {"tables": tables, "metrics": list(metrics), **more}
    return check_plugin(
        sql_metrics, people=PEOPLE, start=START, through=THROUGH, settings=settings,
        workspace=workspace,
    )  # fmt: skip


def ratio(check: PluginCheck, subject: str = "cm01", period: str = "2026-W02") -> tuple[Any, ...]:
    found = check.value("conversion", subject, period)
    return found.numerator, found.denominator


def write(folder: Path, name: str, data: bytes) -> str:
    (folder / "data").mkdir(exist_ok=True)
    (folder / "data" / name).write_bytes(data)
    return f"data/{name}"


# ------------------------------------------------------------ shapes of file


def test_a_semicolon_file_is_sniffed(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", CALLS.encode())
    check = run(tmp_path, {"calls": path}, metric("conversion", "ratio", CONVERSION))
    check.assert_valid()
    assert ratio(check) == (3, 15)  # won 1 + 2 of 10 + 5 calls
    assert ratio(check, "cm02", "2026-W03") == (0, 8)


@pytest.mark.parametrize("delimiter", ["\t", "|", ";"])
def test_any_delimiter_given_or_sniffed(tmp_path: Path, delimiter: str) -> None:
    path = write(tmp_path, "calls.txt", CALLS.replace(";", delimiter).encode())
    sniffed = run(tmp_path, {"calls": path}, metric("conversion", "ratio", CONVERSION))
    given = run(tmp_path, {"calls": {"path": path, "delimiter": delimiter}},
                metric("conversion", "ratio", CONVERSION))  # fmt: skip
    assert ratio(sniffed) == ratio(given) == (3, 15)


def test_a_tsv_file_reads_by_its_name(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.tsv", CALLS.replace(";", "\t").encode())
    assert ratio(run(tmp_path, {"calls": path}, metric("conversion", "ratio", CONVERSION))) == (
        3, 15,
    )  # fmt: skip


CHINESE = "日期;客户经理;外呼;成交\n2026-01-06;cm01;10;1\n2026-01-07;cm01;5;2\n"
CHINESE_QUERY = (
    "SELECT 客户经理 AS subject, 日期 AS day, 成交 AS numerator, 外呼 AS denominator FROM calls"
)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-16-le"])
def test_chinese_and_utf16_encodings(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path, "calls.csv", CHINESE.encode(encoding))
    check = run(tmp_path, {"calls": {"path": path, "encoding": encoding}},
                metric("conversion", "ratio", CHINESE_QUERY))  # fmt: skip
    check.assert_valid()
    assert ratio(check) == (3, 15)


def test_a_utf16_file_with_a_bom_needs_no_setting(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", CHINESE.encode("utf-16"))  # Python writes the BOM
    assert ratio(run(tmp_path, {"calls": path},
                     metric("conversion", "ratio", CHINESE_QUERY))) == (3, 15)  # fmt: skip


@pytest.mark.parametrize("marked", ["utf-8-sig", "utf-16"])
def test_a_byte_order_mark_goes_before_the_encoding_set(tmp_path: Path, marked: str) -> None:
    """A table set to GBK whose file was saved with a mark (Excel's "CSV UTF-8", or
    "Unicode text"): read as GBK, its first column was "锘縺日期" and the query failed."""
    path = write(tmp_path, "calls.csv", CHINESE.encode(marked))
    check = run(tmp_path, {"calls": {"path": path, "encoding": "gbk"}},
                metric("conversion", "ratio", CHINESE_QUERY))  # fmt: skip
    check.assert_valid()
    assert ratio(check) == (3, 15)


def test_utf16_with_no_byte_order_mark_says_which_to_set(tmp_path: Path) -> None:
    """encoding = "utf-16" on a file written without a BOM cannot tell its byte order:
    that table's metrics fail, named, with what to write; not the whole plugin."""
    path = write(tmp_path, "calls.csv", CHINESE.encode("utf-16-le"))
    check = run(tmp_path, {"calls": {"path": path, "encoding": "utf-16"}},
                metric("conversion", "ratio", CHINESE_QUERY))  # fmt: skip
    (problem,) = check.problems
    assert problem.startswith("plugin plugin-under-test metric conversion: sources.sql.tables."
                              "calls: calls.csv: no byte-order mark says which UTF-16 it is; "
                              'set encoding to "utf-16-le"')  # fmt: skip


def test_utf32_with_no_byte_order_mark_is_told_utf32(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", CHINESE.encode("utf-32-le"))
    check = run(tmp_path, {"calls": {"path": path, "encoding": "utf-32"}},
                metric("conversion", "ratio", CHINESE_QUERY))  # fmt: skip
    (problem,) = check.problems
    assert problem.startswith("plugin plugin-under-test metric conversion: sources.sql.tables."
                              "calls: calls.csv: no byte-order mark says which UTF-32 it is; "
                              'set encoding to "utf-32-le" or "utf-32-be" (1 problem')  # fmt: skip


@pytest.mark.parametrize(
    ("written", "after"),
    [
        (CALLS.encode(), "reads as UTF-8: leave this table's encoding out (UTF-8 is the default)"),
        (CHINESE.encode("gbk"), "is not UTF-8 either: set this table's encoding to the one it "
         'is saved in ("gb18030" for the GBK or GB18030 that Excel and many Chinese CRM systems '
         "write)"),
    ],
    ids=["ascii", "gbk"],
)  # fmt: skip
def test_a_file_set_to_utf16_that_is_not_says_so(
    tmp_path: Path, written: bytes, after: str
) -> None:
    """Read as UTF-16, ASCII is other characters two bytes each and no error: the query
    failed on a column the table did not have, named in those characters."""
    path = write(tmp_path, "calls.csv", written)
    check = run(tmp_path, {"calls": {"path": path, "encoding": "UTF-16LE"}},
                metric("conversion", "ratio", CONVERSION))  # fmt: skip
    (problem,) = check.problems
    assert problem == (
        "plugin plugin-under-test metric conversion: sources.sql.tables.calls: calls.csv: not "
        'UTF-16 text, though encoding = "UTF-16LE" says so: it has none of the zero bytes '
        f"UTF-16 writes, and {after} (1 problem; none of its figures stored)"
    )


def test_a_utf8_bom_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", b"\xef\xbb\xbf" + CALLS.replace(";", ",").encode())
    assert ratio(run(tmp_path, {"calls": path}, metric("conversion", "ratio", CONVERSION))) == (
        3, 15,
    )  # fmt: skip


def test_a_gbk_file_read_as_utf8_says_to_set_the_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", CHINESE.encode("gbk"))
    check = run(tmp_path, {"calls": path}, metric("conversion", "ratio", CHINESE_QUERY))
    (problem,) = check.problems
    assert "sources.sql.tables.calls: calls.csv" in problem
    assert 'not UTF-8 text; set encoding (for example encoding = "gbk"' in problem


def test_a_wrong_encoding_names_the_row(tmp_path: Path) -> None:
    data = CALLS.encode() + b"2026-01-08;cm01;3;1\n" + b"2026-01-09;\xff\xfe\xff;1;1\n"
    path = write(tmp_path, "calls.csv", data)
    check = run(tmp_path, {"calls": {"path": path, "encoding": "gb18030"}},
                metric("conversion", "ratio", CONVERSION))  # fmt: skip
    (problem,) = check.problems
    assert problem.endswith(
        "conversion: sources.sql.tables.calls: calls.csv:6: not gb18030 text; set encoding "
        "for this table to the file's encoding (1 problem; none of its figures stored)"
    )


def test_an_encoding_is_quoted_as_the_setting_writes_it(tmp_path: Path) -> None:
    """`encoding = "GB18030"` was quoted back as Python spells it ("gb18030"): the user
    looked for a setting they had not written."""
    data = CALLS.encode() + b"2026-01-09;\xff\xfe\xff;1;1\n"
    path = write(tmp_path, "calls.csv", data)
    check = run(tmp_path, {"calls": {"path": path, "encoding": "GB18030"}},
                metric("conversion", "ratio", CONVERSION))  # fmt: skip
    (problem,) = check.problems
    assert "calls.csv:5: not GB18030 text; set encoding for this table" in problem, problem


def test_a_table_that_is_not_its_encoding_leaves_no_part_of_a_copy(tmp_path: Path) -> None:
    # The rows before the bad byte were left in the collect's temporary folder, as much of
    # a large file as came before it, until the collect ended.
    good = (CALLS + "2026-01-08;cm01;3;1\n" * 5000).encode()
    write(tmp_path, "calls.csv", good + b"2026-01-09;\xff\xfe\xff;1;1\n")
    table = table_file("calls", {"path": "data/calls.csv", "encoding": "gb18030"}, tmp_path, [])
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with duckdb.connect() as connection, pytest.raises(SqlMetricError) as caught:
        load_table(connection, table, scratch, None)
    assert str(caught.value).startswith("sources.sql.tables.calls: calls.csv:5005: not gb18030")
    assert list(scratch.iterdir()) == []


def test_no_room_for_a_copy_fails_that_table_alone(tmp_path: Path) -> None:
    # An OSError (a full disk) writing the copy failed the whole collect, every table's
    # metrics with it, as "okrdesk_collect failed: OSError".
    write(tmp_path, "calls.csv", CHINESE.encode("gbk"))
    table = table_file("calls", {"path": "data/calls.csv", "encoding": "gbk"}, tmp_path, [])
    scratch = tmp_path / "scratch"
    scratch.write_text("a file where the scratch folder would be", encoding="utf-8")
    with duckdb.connect() as connection, pytest.raises(SqlMetricError) as caught:
        load_table(connection, table, scratch, None)
    assert str(caught.value).startswith(
        "sources.sql.tables.calls: calls.csv: its UTF-8 copy could not be written in the "
        "temporary folder ("
    )
    # A sheet of a workbook likewise.
    write_xlsx(tmp_path / "data" / "book.xlsx", {"明细": [["外呼", "成交"], [10, 1]]})
    book = table_file("book", {"path": "data/book.xlsx"}, tmp_path, [])
    with duckdb.connect() as connection, pytest.raises(SqlMetricError) as sheet:
        load_table(connection, book, scratch, None)
    assert str(sheet.value).startswith("sources.sql.tables.book: book.xlsx: its UTF-8 copy")


def test_a_copy_is_dropped_once_its_table_is_read(tmp_path: Path) -> None:
    # The copies of a GBK table and of a sheet stayed in the temporary folder until the
    # collect ended: room for every one at once.
    write(tmp_path, "calls.csv", CHINESE.encode("gbk"))
    write_xlsx(tmp_path / "data" / "book.xlsx", {"明细": [["外呼", "成交"], [10, 1], [5, 2]]})
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with duckdb.connect() as connection:
        for name, options in (("calls", {"path": "data/calls.csv", "encoding": "gbk"}),
                              ("book", {"path": "data/book.xlsx"})):  # fmt: skip
            load_table(connection, table_file(name, options, tmp_path, []), scratch, None)
            assert list(scratch.iterdir()) == []
        found = connection.execute("SELECT sum(外呼), sum(成交) FROM calls").fetchone()
        assert found == connection.execute("SELECT sum(外呼), sum(成交) FROM book").fetchone()
        assert found == (15, 3)


def test_gzip_parquet_and_json_lines(tmp_path: Path) -> None:
    gz = write(tmp_path, "calls.csv.gz", gzip.compress(CALLS.encode()))
    gbk_gz = write(tmp_path, "cn.csv.gz", gzip.compress(CHINESE.encode("gbk")))
    lines = "".join(
        f'{{"day": "{d}", "cm": "{c}", "calls": {n}, "won": {w}}}\n'
        for d, c, n, w in (r.split(";") for r in CALLS.splitlines()[1:])
    )
    jsonl = write(tmp_path, "calls.jsonl", lines.encode())
    parquet = tmp_path / "data" / "calls.parquet"
    with duckdb.connect() as connection:
        connection.execute(
            f"COPY (SELECT * FROM read_json('{tmp_path / jsonl}')) TO '{parquet}' (FORMAT parquet)"
        )
    for tables in ({"calls": gz}, {"calls": jsonl}, {"calls": "data/calls.parquet"}):
        assert ratio(run(tmp_path, tables, metric("conversion", "ratio", CONVERSION))) == (3, 15)
    check = run(tmp_path, {"calls": {"path": gbk_gz, "encoding": "gbk"}},
                metric("conversion", "ratio", CHINESE_QUERY))  # fmt: skip
    assert ratio(check) == (3, 15)


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)


def test_an_xlsx_sheet(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    rows = [
        ["日期", "客户经理", "外呼", "成交"],
        [dt.datetime(2026, 1, 6), "cm01", 10, 1],
        [dt.datetime(2026, 1, 7), "cm01", 5, None],  # an empty cell: not counted, not 0
        [dt.datetime(2026, 1, 7), "cm01", "1,234", 2],  # Excel text with a separator
    ]
    write_xlsx(tmp_path / "data" / "calls.xlsx", {"说明": [["read me"]], "明细": rows})
    table = {"path": "data/calls.xlsx", "sheet": "明细"}
    check = run(tmp_path, {"calls": table}, metric("conversion", "ratio", CHINESE_QUERY))
    # The row with no 成交 is left out whole: 1 + 2 won of 10 + 1234 calls.
    assert ratio(check) == (3, 1244)
    (warning,) = check.warnings
    assert warning.endswith(
        "1 row left out: column numerator is empty (NULL) (table calls: calls.xlsx row 3)"
    )
    missing = run(tmp_path, {"calls": {"path": "data/calls.xlsx", "sheet": "Sheet9"}},
                  metric("conversion", "ratio", CHINESE_QUERY))  # fmt: skip
    (problem,) = missing.problems
    assert "sources.sql.tables.calls.sheet: calls.xlsx has no sheet 'Sheet9'; its sheets: " \
        "说明, 明细" in problem  # fmt: skip


LAUGHS = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
"""Entities that expand a billionfold ("billion laughs")."""


@pytest.mark.parametrize("entity", ["&l9;", "&yours;"])
def test_a_workbook_whose_xml_is_hostile_fails_its_table_alone(tmp_path: Path, entity: str) -> None:
    # Python's XML parser refuses both; the error was the whole SQL source's, every
    # other table's metrics failing with it, in openpyxl's words.
    import zipfile

    (tmp_path / "data").mkdir()
    plain = tmp_path / "data" / "plain.xlsx"
    write_xlsx(plain, {"明细": [["day", "cm", "calls"], ["2026-01-06", "cm01", 10]]})
    with zipfile.ZipFile(plain) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    sheet = next(name for name in parts if name.startswith("xl/worksheets/"))
    dtd = f'<!DOCTYPE w [<!ENTITY l0 "lol">{LAUGHS}<!ENTITY yours SYSTEM "file:///etc/passwd">]>'
    declared, _, body = parts[sheet].rpartition(b"?>")  # a DOCTYPE follows the <?xml …?>
    parts[sheet] = (declared + _ if declared else b"") + dtd.encode() + body
    parts[sheet] = parts[sheet].replace(b">cm01<", f">{entity}<".encode())
    with zipfile.ZipFile(tmp_path / "data" / "hostile.xlsx", "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)
    made = "SELECT cm AS subject, day, calls AS value FROM {}"
    check = run(tmp_path, {"hostile": "data/hostile.xlsx", "plain": "data/plain.xlsx"},
                metric("hostile_calls", "flow", made.format("hostile")),
                metric("calls", "flow", made.format("plain")))  # fmt: skip
    assert check.value("calls", "cm01", "2026-W02").value == 10
    (problem,) = check.problems
    assert "sources.sql.tables.hostile: hostile.xlsx is not a readable .xlsx file (" in problem
    assert "root:" not in problem


def test_options_header_skip_columns_and_null(tmp_path: Path) -> None:
    data = "Export of 2026-01-19\nprinted by CRM\n" + "\n".join(CALLS.splitlines()[1:])
    data += "\n2026-01-08;cm01;N/A;1\n"
    path = write(tmp_path, "calls.csv", data.encode())
    table = {"path": path, "header": False, "skip": 2, "delimiter": ";",
             "columns": ["day", "cm", "calls", "won"], "null": ["N/A"]}  # fmt: skip
    check = run(tmp_path, {"calls": table}, metric("made", "flow", CALLS_MADE))
    assert check.value("made", "cm01", "2026-W02").value == 15  # N/A is no call, not 0
    (warning,) = check.warnings
    assert warning.endswith("column value is empty (NULL) (table calls: calls.csv row 6)")


# ------------------------------------------------ blanks, text and separators

# The telco export: " " in 2 of 5 TotalCharges cells, which once made the column text.
TELCO = """\
customerID,cm,day,TotalCharges
A-1,cm01,2026-01-06,1889.5
A-2,cm01,2026-01-06, \n\
A-3,cm01,2026-01-07,108.15
A-4,cm01,2026-01-07,"1,840.75"
A-5,cm01,2026-01-08,
"""


def test_blank_cells_are_null_and_the_column_stays_numeric(tmp_path: Path) -> None:
    path = write(tmp_path, "telco.csv", TELCO.encode())
    big = "SELECT cm AS subject, day, count(*) FILTER (WHERE TotalCharges > 1000) AS value " \
        "FROM telco GROUP BY 1, 2"  # fmt: skip
    total = "SELECT cm AS subject, day, sum(TotalCharges) AS value FROM telco GROUP BY 1, 2"
    blank = "SELECT cm AS subject, day, count(*) - count(TotalCharges) AS value FROM telco " \
        "GROUP BY 1, 2"  # fmt: skip
    check = run(tmp_path, {"telco": path}, metric("big", "flow", big),
                metric("charges", "flow", total, "元"), metric("blank", "flow", blank))  # fmt: skip
    check.assert_valid()
    # Compared as numbers: 1889.5 and 1,840.75 are over 1000; 108.15 and blanks are not.
    assert sum(o.value or 0 for o in check.observations if o.metric == "big") == 2
    assert sum(o.value or 0 for o in check.observations if o.metric == "charges") == pytest.approx(
        1889.5 + 108.15 + 1840.75
    )
    assert sum(o.value or 0 for o in check.observations if o.metric == "blank") == 2
    # The grouped figure names the rows behind it: the 6th and 7th are rows 2-5; the 8th,
    # all blank, sums to NULL and is left out, counted.
    assert check.value("charges", "cm01", "2026-W02").source == (
        "SQL metric charges: telco.csv rows 2-5"
    )
    assert check.warnings == [
        "plugin plugin-under-test metric charges: 1 row left out: column value is "
        "empty (NULL) (table telco: telco.csv row 6)"
    ]


def test_a_blank_value_drops_its_row_with_a_counted_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "telco.csv", TELCO.encode())
    query = "SELECT cm AS subject, day, TotalCharges AS value FROM telco"
    check = run(tmp_path, {"telco": path}, metric("charges", "flow", query, "元"))
    check.assert_valid()
    assert check.value("charges", "cm01", "2026-W02").value == pytest.approx(3838.4)
    assert check.value("charges", "cm01", "2026-W02").source == (
        "SQL metric charges: telco.csv rows 2, 4-5"
    )
    assert check.warnings == [
        "plugin plugin-under-test metric charges: 2 rows left out: column value is "
        "empty (NULL) (table telco: telco.csv rows 3, 6)"
    ]


TEXT_IN_NUMBERS = "day;cm;calls;won\n2026-01-06;cm01;10;1\n2026-01-07;cm01;ten;2\n"


def test_text_in_a_typed_column_names_file_row_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", TEXT_IN_NUMBERS.encode())
    table = {"path": path, "types": {"calls": "integer"}}
    check = run(tmp_path, {"calls": table}, metric("conversion", "ratio", CONVERSION))
    (problem,) = check.problems
    assert problem == (
        "plugin plugin-under-test metric conversion: sources.sql.tables.calls: "
        "calls.csv:3:calls: types says column calls holds whole numbers (1234), and this cell "
        "holds text, not a number; correct the cell in the export, or give the column another "
        "type in types (1 problem; none of its figures stored)"
    )
    assert "ten" not in problem


@pytest.mark.parametrize(
    ("cell", "kind", "holds", "found"),
    [
        ("1.5", "integer", "whole numbers (1234)", "a number with a fraction"),
        ("1.23456万", "integer", "whole numbers (1234)", "a number with a fraction"),
        ("1e5", "integer", "whole numbers (1234)",
         "a whole number not written as one (as 12.0 or 1e5 are)"),
        ("很多", "number", "numbers (1234.5, 1,234.5, 12.5%)", "text, not a number"),
        ("46091", "date", "dates (2026-03-05, 2026/3/5)", "a number, not a date"),
        ("下周", "timestamp", "dates with a time or not (2026-03-05 14:30)",
         "text that is no date"),
    ],
)  # fmt: skip
def test_a_cell_not_of_its_declared_type_is_told_by_what_it_holds_never_quoted(
    tmp_path: Path, cell: str, kind: str, holds: str, found: str
) -> None:
    column = "day" if kind in ("date", "timestamp") else "calls"
    data = "day;cm;calls;won\n2026-01-06;cm01;10;1\n2026-01-07;cm01;10;2\n"
    data = data.replace(
        "2026-01-07" if column == "day" else ";10;2", cell if column == "day" else f";{cell};2"
    )
    path = write(tmp_path, "calls.csv", data.encode())
    table = {"path": path, "types": {column: kind}}
    check = run(tmp_path, {"calls": table}, metric("conversion", "ratio", CONVERSION))
    (problem,) = check.problems
    assert (
        f"sources.sql.tables.calls: calls.csv:3:{column}: types says column {column} holds "
        f"{holds}, and this cell holds {found}; correct the cell" in problem
    )
    assert cell not in problem.replace(holds, "").replace(found, "")


@pytest.mark.parametrize(
    ("cell", "kind", "found"),
    [("12,5", "integer", "a number with a fraction"), ("1.234", "date", "a number, not a date")],
)
def test_a_cell_of_a_decimal_comma_file_is_told_by_what_it_holds_in_that_file(
    tmp_path: Path, cell: str, kind: str, found: str
) -> None:
    """In a file whose table says decimal = ",", 12,5 is twelve and a half: it was said to
    be text, not a number."""
    column = "day" if kind == "date" else "calls"
    data = "day;cm;calls;won\n2026-01-06;cm01;10;1\n2026-01-07;cm01;10;2\n"
    data = data.replace("2026-01-07" if column == "day" else ";10;2",
                        cell if column == "day" else f";{cell};2")  # fmt: skip
    path = write(tmp_path, "calls.csv", data.encode())
    table = {"path": path, "decimal": ",", "types": {column: kind}}
    check = run(tmp_path, {"calls": table}, metric("conversion", "ratio", CONVERSION))
    (problem,) = check.problems
    assert f"calls.csv:3:{column}: types says column {column} holds " in problem
    assert f", and this cell holds {found}; correct the cell" in problem


@pytest.mark.parametrize("declared", [True, False], ids=["types", "sniffed"])
@pytest.mark.parametrize(
    ("cell", "calls"),
    [("12万", 120000), ("1.2345万", 12345), ("１２万", 120000), ("0.5亿", 50000000)],
)
def test_a_whole_number_written_in_wan_is_a_whole_number(
    tmp_path: Path, cell: str, calls: int, declared: bool
) -> None:
    # A count of clients written 12万 by a branch is 120000 clients, whole.
    data = f"day;cm;calls;won\n2026-01-06;cm01;{cell};1\n2026-01-07;cm01;10;2\n"
    path = write(tmp_path, "calls.csv", data.encode())
    table = {"path": path, "types": {"calls": "integer"}} if declared else path
    check = run(tmp_path, {"calls": table}, metric("conversion", "ratio", CONVERSION))
    check.assert_valid()
    numerator, denominator = ratio(check)
    assert (numerator, denominator) == (3, calls + 10)
    assert isinstance(denominator, int) or float(denominator).is_integer()


def test_text_in_a_sniffed_column_drops_only_its_row(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", TEXT_IN_NUMBERS.encode())
    check = run(tmp_path, {"calls": path}, metric("conversion", "ratio", CONVERSION))
    assert ratio(check) == (1, 10)
    (warning,) = check.warnings
    assert warning.endswith(
        "1 row left out: column denominator holds text, not a number (table calls: calls.csv row 3)"
    )


def test_a_number_column_no_row_of_which_can_be_read_fails_its_metric(tmp_path: Path) -> None:
    """Amounts written with a decimal comma in every row of a file said to write decimal
    points: each row would be left out with a warning and the metric land empty, a quiet
    "no data" on the report; it fails, named. (Not said, the file is refused, and told to
    say so: test_sql_decimal.py.)"""
    comma = 'day,cm,amount\n2026-01-06,cm01,"1.234,50"\n2026-01-07,cm01,"80,00"\n'
    path = write(tmp_path, "comma.csv", comma.encode())
    query = "SELECT cm AS subject, day, amount AS value FROM comma"
    table = {"path": path, "decimal": "."}
    check = run(tmp_path, {"comma": table}, metric("fees", "flow", query, "元"))
    (problem,) = check.problems
    assert problem == (
        "plugin plugin-under-test metric fees: no row could be counted: 2 rows left out: "
        "column value holds a number written with a decimal comma (1,5 for 1.5), read as a "
        'number only in a file whose table says decimal = "," (table comma: comma.csv rows 2-3) '
        "(1 problem; none of its figures stored)"
    )


def test_amounts_in_excel_s_currency_and_accounting_formats_are_numbers(tmp_path: Path) -> None:
    """A column Chinese Excel formatted as currency saves ¥1,234.50 and ¥-80.00, one in
    accounting format (80.00) for a negative amount: all are read as the amounts they are."""
    yen = (
        'day,cm,amount\n2026-01-06,cm01,"¥1,234.50"\n2026-01-07,cm01,¥-80.00\n'
        "2026-01-08,cm01,(20.50)\n2026-01-13,cm01,￥500\n"
    )
    path = write(tmp_path, "yen.csv", yen.encode())
    query = "SELECT cm AS subject, day, amount AS value FROM yen"
    check = run(tmp_path, {"yen": path}, metric("fees", "flow", query, "元"))
    check.assert_valid()
    assert check.value("fees", "cm01", "2026-W02").value == 1134
    assert check.value("fees", "cm01", "2026-W03").value == 500


def test_ids_with_leading_zeros_stay_text(tmp_path: Path) -> None:
    people = "day,cm,n\n2026-01-06,007,1\n2026-01-07,010,2\n"
    path = write(tmp_path, "p.csv", people.encode())
    check = check_plugin(
        sql_metrics, people=(Person("007", "Bond", "team-a"), Person("010", "X", "team-a")),
        start=START, through=THROUGH, workspace=tmp_path,
        settings={"tables": {"p": path},
                  "metrics": [metric("n", "flow", "SELECT cm AS subject, day, n AS value FROM p")]},
    )  # fmt: skip
    check.assert_valid()
    assert check.value("n", "007", "2026-W02").value == 1


# ------------------------------------------------------ outside the plan


OUTSIDE = """\
day;cm;calls;won
2025-12-29;cm01;4;1
2025-12-30;cm01;6;1
2026-01-06;cm01;10;1
2026-01-19;cm01;3;3
2026-02-02;cm01;5;5
"""


def test_rows_outside_the_plan_are_counted_with_their_dates(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", OUTSIDE.encode())
    check = run(tmp_path, {"calls": path}, metric("conversion", "ratio", CONVERSION))
    check.assert_valid()
    assert ratio(check) == (1, 10)
    assert check.warnings == [
        "plugin plugin-under-test metric conversion: 2 rows dated 2025-12-29 to "
        "2025-12-30 lie before the plan's first period (2026-01-05); not counted",
        "plugin plugin-under-test metric conversion: 2 rows dated 2026-01-19 to "
        "2026-02-02 lie after 2026-01-18; not counted",
    ]


def test_a_metric_with_nothing_inside_the_plan_fails(tmp_path: Path) -> None:
    data = "\n".join(line for line in OUTSIDE.splitlines() if "2026-01-06" not in line)
    path = write(tmp_path, "calls.csv", data.encode())
    check = run(tmp_path, {"calls": path}, metric("conversion", "ratio", CONVERSION))
    assert check.observations == []
    assert check.problems == [
        "plugin plugin-under-test metric conversion: no row lies inside the plan "
        "up to 2026-01-18: 2 rows dated 2025-12-29 to 2025-12-30 lie before the plan's first "
        "period (2026-01-05); 2 rows dated 2026-01-19 to 2026-02-02 lie after 2026-01-18 "
        "(1 problem; none of its figures stored)"
    ]


# ----------------------------------------------------------- views, dialect


def test_views_are_shared_by_every_query(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", CALLS.encode())
    views = {
        "busy": "SELECT * FROM calls WHERE calls >= 8",
        "busy_won": "SELECT * FROM busy WHERE won > 0",  # a view on a view, in any order
    }
    check = run(
        tmp_path, {"calls": path},
        metric("busy", "flow", "SELECT cm AS subject, day, calls AS value FROM busy"),
        metric("won", "flow", "SELECT cm AS subject, day, won AS value FROM busy_won"),
        views=dict(reversed(views.items())),
    )  # fmt: skip
    check.assert_valid()
    assert check.value("busy", "cm01", "2026-W02").value == 10
    assert check.value("busy", "cm02", "2026-W03").value == 8
    assert [(o.subject, o.value) for o in check.observations if o.metric == "won"] == [("cm01", 1)]
    # A figure read through views names the file behind them.
    won = next(o for o in check.observations if o.metric == "won")
    assert won.source == "SQL metric won on calls.csv"


def test_a_view_on_a_table_that_could_not_be_read_says_so(tmp_path: Path) -> None:
    """Not DuckDB's "table calls does not exist": the table's own reason it was not read."""
    path = write(tmp_path, "calls.csv", b"day;cm;calls;won\n2026-01-06;cm01;\xff\xfe;1\n")
    check = run(
        tmp_path, {"calls": path},
        metric("busy", "flow", "SELECT cm AS subject, day, calls AS value FROM busy"),
        views={"busy": "SELECT * FROM calls WHERE calls >= 8"},
    )  # fmt: skip
    (problem,) = check.problems
    assert "sources.sql.views.busy: reads calls, which could not be read: " in problem
    assert "sources.sql.tables.calls: calls.csv" in problem


def test_a_broken_view_fails_only_the_metrics_that_read_it(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", CALLS.encode())
    check = run(
        tmp_path, {"calls": path},
        metric("bad", "flow", "SELECT cm AS subject, day, calls AS value FROM nope"),
        metric("made", "flow", CALLS_MADE),
        views={"nope": "SELECT * FROM read_csv('/etc/passwd')"},
    )  # fmt: skip
    assert check.value("made", "cm01", "2026-W02").value == 15
    (problem,) = check.problems
    assert problem.startswith(
        "plugin plugin-under-test metric bad: sources.sql.views.nope: Permission Error"
    )
    assert "root:" not in problem


def test_a_view_is_one_select_and_nothing_after_it_runs(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", CALLS.encode())
    check = run(
        tmp_path, {"calls": path},
        metric("bad", "flow", "SELECT cm AS subject, day, calls AS value FROM two"),
        metric("made", "flow", CALLS_MADE),
        views={"two": "SELECT * FROM calls; CREATE TABLE planted AS SELECT 1 AS x"},
    )  # fmt: skip
    assert check.value("made", "cm01", "2026-W02").value == 15
    (problem,) = check.problems
    assert "sources.sql.views.two: a view is one SELECT, and only one" in problem


@pytest.mark.parametrize(
    ("written", "duck"),
    [
        ("SELECT 1 WHERE d <= :through", "SELECT 1 WHERE d <= $through"),
        (
            "SELECT x::DATE, ':start', \":end\" -- :through\n",
            "SELECT x::DATE, ':start', \":end\" -- :through\n",
        ),
        ("SELECT 'it''s :start' , :_x /* :end */", "SELECT 'it''s :start' , $_x /* :end */"),
    ],
)
def test_sqlite_parameters_become_duckdb_parameters(written: str, duck: str) -> None:
    assert to_duckdb(written) == duck


def test_an_unknown_parameter_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", CALLS.encode())
    check = run(tmp_path, {"calls": path},
                metric("made", "flow", CALLS_MADE + " WHERE day >= :begin"))  # fmt: skip
    (problem,) = check.problems
    assert ("made: sources.sql.metrics[0].query: the query uses :begin; the parameters are "
            ":start, :end and :through") in problem  # fmt: skip


def test_a_sqlite_only_query_says_what_to_change(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", CALLS.encode())
    query = "SELECT cm AS subject, date(day, 'start of month') AS day, calls AS value FROM calls"
    check = run(tmp_path, {"calls": path}, metric("made", "flow", query))
    (problem,) = check.problems
    assert (
        "sources.sql.metrics[0].query (made): written for SQLite; DuckDB, which reads the "
        "tables, cannot run it: date(x, 'modifier') is SQLite's: in DuckDB write "
        "date_trunc('month', x) for 'start of month' and x + INTERVAL 1 DAY for '+1 day'"
    ) in problem


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_setting_that_does_nothing_for_the_kind_is_refused_at_its_key(
    tmp_path: Path, lang: str
) -> None:
    """A ratio's way over time on a flow, a cohort's settling on a stock: taken without a
    word, the author learnt nothing (and the stock's restatements went untold)."""
    path = write(tmp_path, "calls.csv", CALLS.encode())
    made = {**metric("made", "flow", CALLS_MADE), "numerator_over_time": "last"}
    level = {**metric("level", "stock", CALLS_MADE), "settles_after_days": 7}
    settings = {"tables": {"calls": path}, "metrics": [made, level]}
    check = check_plugin(sql_metrics, people=PEOPLE, start=START, through=THROUGH,
                         settings=settings, workspace=tmp_path, lang=lang)  # fmt: skip
    (problem,) = check.problems
    said = {
        "en": (
            "sources.sql.metrics[0].numerator_over_time (made): says how a ratio's part "
            'carries over time; a flow has no parts: leave it out, or write kind = "ratio"',
            "sources.sql.metrics[1].settles_after_days (level): for a cohort whose figure goes "
            "on changing after its period (a flow or a ratio); a stock is a level at a date",
        ),
        "zh": (
            "sources.sql.metrics[0].numerator_over_time (made): 说的是比率的分子或分母"
            "如何跨周期延续；flow 指标没有分子分母",
            "sources.sql.metrics[1].settles_after_days (level): 用于周期结束后数字仍会变动的批次",
        ),
    }[lang]
    assert all(part in problem for part in said), problem
    assert "made" not in check.metrics and "level" not in check.metrics


def test_whole_number_division_is_pointed_out(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", CALLS.encode())
    query = "SELECT cm AS subject, day, calls / 2 AS value FROM calls"
    # Half of each call to each of two people: a count whose credit is shared.
    check = run(tmp_path, {"calls": path}, {**metric("half", "flow", query), "split_credit": True})
    assert check.value("half", "cm01", "2026-W02").value == 7.5  # 5 + 2.5, not SQLite's 5 + 2
    (warning,) = check.warnings
    assert "DuckDB divides whole numbers exactly (7 / 2 = 3.5) where SQLite gave 3" in warning


# ------------------------------------------------------- nothing downloaded


def test_no_duckdb_extension_is_fetched_or_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every format reads with the network cut and leaves no extension folder behind."""

    def no_network(*args: object, **kwargs: object) -> None:
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    (tmp_path / "data").mkdir()
    write_xlsx(tmp_path / "data" / "x.xlsx", {"s": [["day", "cm", "calls", "won"],
                                                   ["2026-01-06", "cm01", 10, 1]]})  # fmt: skip
    write(tmp_path, "c.csv.gz", gzip.compress(CALLS.encode()))
    write(tmp_path, "j.jsonl", b'{"day": "2026-01-06", "cm": "cm01", "calls": 10, "won": 1}\n')
    tables = {"calls": "data/c.csv.gz", "x": "data/x.xlsx", "j": "data/j.jsonl"}
    union = "SELECT cm AS subject, day, calls AS value FROM (SELECT * FROM calls UNION ALL " \
        "SELECT * FROM x UNION ALL SELECT * FROM j)"  # fmt: skip
    check = run(tmp_path, tables, metric("made", "flow", union))
    check.assert_valid()
    assert check.value("made", "cm01", "2026-W02").value == 15 + 10 + 10
    home = Path(os.environ["HOME"])
    assert not (home / ".duckdb").exists()


def test_duckdb_draws_no_progress_bar_on_the_plugins_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB draws a bar on standard output for a query of over two seconds, which a
    plugin must not print: the SQL source's connection, and each cursor of it, draws
    none."""
    from okrdesk.plugins import sql_collect

    seen: list[tuple[object, ...]] = []
    close = sql_collect._DuckSource.close

    def looked_at_then_closed(source: Any) -> None:
        for connection in (source.connection, *source.cursors):
            settings = "SELECT current_setting('enable_progress_bar'), " \
                "current_setting('enable_progress_bar_print')"  # fmt: skip
            found = connection.execute(settings).fetchone()
            assert found is not None
            seen.append(tuple(found))
        close(source)

    monkeypatch.setattr(sql_collect._DuckSource, "close", looked_at_then_closed)
    path = write(tmp_path, "calls.csv", CALLS.encode())
    made = metric("made", "flow", CALLS_MADE)
    assert run(tmp_path, {"calls": path}, made).value("made", "cm01", "2026-W02").value == 15
    assert seen and all(not bar for bar, _ in seen)
    assert not seen[0][1]


# --------------------------------------------------------------- the cache


def test_an_unchanged_file_is_not_read_again(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", CALLS.encode())
    file = tmp_path / path
    made = metric("made", "flow", CALLS_MADE)
    assert run(tmp_path, {"calls": path}, made).value("made", "cm01", "2026-W02").value == 15
    # The cache is the user's, never the workspace's: a workspace sent to you brings none.
    assert not (tmp_path / ".okrdesk").exists()
    stat = file.stat()
    # Same size and time, other content: the cache answers, so the file was not read.
    file.write_bytes(CALLS.replace("10;1", "90;1").encode())
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert run(tmp_path, {"calls": path}, made).value("made", "cm01", "2026-W02").value == 15
    # A new time: the hash differs, so it is read again.
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert run(tmp_path, {"calls": path}, made).value("made", "cm01", "2026-W02").value == 95
    # Changed table options drop the cached table too.
    file.write_bytes(CALLS.replace(";", "|").encode())
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert (
        run(tmp_path, {"calls": {"path": path, "delimiter": "|"}}, made)
        .value("made", "cm01", "2026-W02")
        .value
        == 15
    )
    kept = TableCache(tmp_path).folder
    assert kept.is_relative_to(user_cache_folder("sql"))
    cached = sorted(p.name for p in kept.iterdir())
    assert len(cached) == 2 and cached[1] == "tables.json"  # one table file, the old one gone


def test_a_workspace_whose_tables_no_collect_used_for_a_month_is_let_go(tmp_path: Path) -> None:
    month_ago = time.time() - 31 * 24 * 60 * 60
    sql = user_cache_folder("sql")
    gone = sql / ("a" * 32)
    gone.mkdir(parents=True)
    (gone / "tables.json").write_text("{}", encoding="utf-8")
    queries = sql / "queries.json"  # the queries' facts, not a workspace's: kept
    queries.write_text("{}", encoding="utf-8")
    for path in (gone / "tables.json", gone, queries):
        os.utime(path, (month_ago, month_ago))
    path = write(tmp_path, "calls.csv", CALLS.encode())
    made = metric("made", "flow", CALLS_MADE)
    assert run(tmp_path, {"calls": path}, made).value("made", "cm01", "2026-W02").value == 15
    assert not gone.exists()
    assert queries.exists()
    kept = TableCache(tmp_path).folder
    assert (kept / "tables.json").exists()
    # Its own folder, old but read by the next collect, is marked used and stays.
    os.utime(kept, (month_ago, month_ago))
    assert run(tmp_path, {"calls": path}, made).value("made", "cm01", "2026-W02").value == 15
    assert time.time() - kept.stat().st_mtime < 60


# ------------------------------------------------------ through the CLI

SALONS = """\
date;cm_id;attendees
2025-12-30;cm01;7
2026-01-06;cm01;30
2026-01-08;cm01;20
2026-01-13;cm02;
2026-01-14;cm02;25
"""


def salons_workspace(write_workspace: Any, query: str) -> Path:
    root: Path = write_workspace({"salons.toml": SALONS_OKRS})
    (root / "data").mkdir()
    (root / "data" / "salons.csv").write_text(SALONS, encoding="utf-8")
    (root / "okrdesk.toml").write_text(
        '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n'
        '[[sources.sql.metrics]]\nname = "salon_attendees"\nkind = "flow"\nunit = "人"\n'
        f'query = "{query}"\n',
        encoding="utf-8",
    )
    return root


def test_collect_warns_and_explain_shows_the_file_rows(
    write_workspace: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # explain's rows whole: what it says, not how it folds
    from click.testing import CliRunner

    from okrdesk.cli import cli

    query = "SELECT cm_id AS subject, date AS day, attendees AS value FROM salons"
    root = salons_workspace(write_workspace, query)
    args = ["collect", "--through", "2026-01-18", "--lang", "en"]
    done = CliRunner().invoke(cli, [*args, "-w", str(root)])
    assert done.exit_code == 0, done.output
    assert (
        "warning: plugin sql metric salon_attendees: 1 row dated 2025-12-30 "
        "lies before the plan's first period (2026-01-01); not counted"
    ) in done.output
    assert (
        "warning: plugin sql metric salon_attendees: 1 row left out: column "
        "value is empty (NULL) (table salons: salons.csv row 5)"
    ) in done.output
    args = ["explain", "O9.KR1", "--person", "cm01", "--as-of", "2026-01-18", "-w", str(root)]
    explained = CliRunner().invoke(cli, args)
    assert explained.exit_code == 0, explained.output
    assert "50人     1  SQL 指标 salon_attendees：salons.csv 第 3–4 行\n" in explained.output
    english = CliRunner().invoke(cli, [*args, "--lang", "en"])
    assert english.exit_code == 0, english.output
    assert "1  SQL metric salon_attendees: salons.csv rows 3-4\n" in english.output


def test_validate_says_what_to_change_in_a_sqlite_query(write_workspace: Any) -> None:
    from click.testing import CliRunner

    from okrdesk.cli import cli

    query = "SELECT cm_id AS subject, date(date, '+1 day') AS day, attendees AS value FROM salons"
    root = salons_workspace(write_workspace, query)
    checked = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert checked.exit_code == 2, checked.output
    line = next(n for n, text in enumerate((root / "okrdesk.toml").read_text().splitlines(), 1)
                if text.startswith("query ="))  # fmt: skip
    assert (
        f"okrdesk.toml:{line}: sources.sql.metrics[0].query: metric salon_attendees: written for "
        "SQLite; DuckDB, which reads the tables, cannot run it: date(x, 'modifier') is SQLite's"
    ) in checked.output
    assert "okrdesk_metrics failed" not in checked.output  # said once, at its line


# ------------------------------------------- every query in the docs runs


def documented_sql_settings() -> dict[str, Any]:
    """Every TOML example of docs/plugins-sql.md, merged into one setting."""
    import re
    import tomllib

    section = (Path(__file__).parents[1] / "docs" / "plugins-sql.md").read_text(encoding="utf-8")
    merged: dict[str, Any] = {"tables": {}, "views": {}, "metrics": []}
    for block in re.findall(r"```toml\n(.*?)```", section, re.DOTALL):
        sql = tomllib.loads(block).get("sources", {}).get("sql", {})
        if {"database", "connection", "connection_env"} & set(sql):
            continue  # not files: test_sql_warehouse.py runs the warehouse example
        merged["tables"].update(sql.get("tables", {}))
        merged["views"].update(sql.get("views", {}))
        merged["metrics"] += sql.get("metrics", [])
    return merged


def test_every_query_in_the_docs_runs_unchanged(tmp_path: Path) -> None:
    settings = documented_sql_settings()
    assert set(settings["tables"]) == {"salons", "trades", "ledger"}
    assert len(settings["metrics"]) == 5 and len(settings["views"]) == 2
    write(tmp_path, "salons.csv", b"date,cm_id,attendees,leads\n2026-01-06,cm01,30,4\n")
    write(tmp_path, "ledger.csv", b"day,cm,deposits_wan\n2026-01-06,cm01,1.2345\n")
    # As the documented table says: GBK, semicolons, and a decimal comma.
    trades = "trade_day;cm;fee\n2026-02-03;cm01;120,5\n2026-02-20;cm01;N/A\n2026-03-02;cm02;80\n"
    write(tmp_path, "trades.csv.gz", gzip.compress(trades.encode("gbk")))
    check = check_plugin(
        sql_metrics, people=PEOPLE, start=START, through=dt.date(2026, 3, 15),
        settings=settings, workspace=tmp_path,
    )  # fmt: skip
    check.assert_valid()
    assert check.value("salon_attendees", "cm01", "2026-W02").value == 30
    assert check.value("net_deposits", "cm01", "2026-W02").value == 12345  # 1.2345万
    assert check.value("trust_deals", "cm02", "2026-W02").value == 0  # no rows: none
    assert check.value("salon_lead_rate", "cm01", "2026-W02").numerator == 4
    # February's fees fall on its first day, in week 5; N/A is no fee.
    assert check.value("monthly_fees", "cm01", "2026-W05").value == 120.5
    assert check.value("monthly_fees", "cm02", "2026-W09").value == 80


def test_a_text_cell_far_down_a_number_column_is_seen(tmp_path: Path) -> None:
    """Types are tried on the first rows first, then checked on every row."""
    rows = "".join(f"2026-01-06;cm01;{n % 7};1\n" for n in range(5000))
    data = "day;cm;calls;won\n" + rows + "2026-01-07;cm01;lots;1\n"
    path = write(tmp_path, "calls.csv", data.encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", CALLS_MADE))
    # 0+1+…+6 is 21 for each 7 rows: 714 whole sevens and 0+1 left over.
    assert check.value("made", "cm01", "2026-W02").value == 714 * 21 + 1
    (warning,) = check.warnings
    assert warning.endswith(
        "column value holds text, not a number (table calls: calls.csv row 5002)"
    )


def test_an_sqlite_figure_names_the_rowids_behind_it(tmp_path: Path) -> None:
    import sqlite3

    with sqlite3.connect(tmp_path / "crm.sqlite") as connection:
        connection.execute("CREATE TABLE trades (cm TEXT, day TEXT, fee REAL)")
        connection.executemany(
            "INSERT INTO trades VALUES (?, ?, ?)",
            [("cm01", "2026-01-06", 10), ("cm02", "2026-01-06", 1), ("cm01", "2026-01-07", 5)],
        )
    connection.close()
    grouped = "SELECT cm AS subject, day, sum(fee) AS value FROM trades GROUP BY 1, 2"
    check = check_plugin(
        sql_metrics, people=PEOPLE, start=START, through=THROUGH, workspace=tmp_path,
        settings={"database": "crm.sqlite", "metrics": [metric("fees", "flow", grouped, "元")]},
    )  # fmt: skip
    check.assert_valid()
    assert check.value("fees", "cm01", "2026-W02").value == 15
    assert check.value("fees", "cm01", "2026-W02").source == (
        "SQL metric fees: crm.sqlite table trades rowids 1, 3"
    )


def test_a_cell_past_the_first_rows_still_decides_its_columns_type(tmp_path: Path) -> None:
    """The types the first rows leave are tried on the whole file as the table is made;
    a later cell that does not fit one makes every row decide, as a pass of its own."""
    from okrdesk.plugins.sql_cell_types import _SAMPLE
    from okrdesk.plugins.sql_files import load_table, table_file

    rows = ["day,amount,code,note"]
    rows += [f"2026-01-{1 + n % 28:02d},{n},{n + 100},{n}" for n in range(_SAMPLE + 50)]
    rows += ["2026-02-01,1.5,007,n/a", "2026-02-02 10:30:00,2,101,3"]
    (tmp_path / "late.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    connection = duckdb.connect(":memory:", config={"preserve_insertion_order": True})
    table = table_file("late", "late.csv", tmp_path, [])
    load_table(connection, table, tmp_path, None)
    types = {str(c[0]): str(c[1]) for c in connection.execute("DESCRIBE late").fetchall()}
    assert types == {"day": "DATE", "amount": "DOUBLE", "code": "VARCHAR", "note": "VARCHAR"}
    last = connection.execute("SELECT * FROM late ORDER BY rowid DESC LIMIT 2").fetchall()
    assert last == [
        (dt.date(2026, 2, 2), 2.0, "101", "3"),
        (dt.date(2026, 2, 1), 1.5, "007", "n/a"),
    ]
    # and a file its first rows type whole is typed alike in one go
    (tmp_path / "plain.csv").write_text("\n".join(rows[: _SAMPLE + 51]) + "\n", encoding="utf-8")
    load_table(connection, table_file("plain", "plain.csv", tmp_path, []), tmp_path, None)
    types = {str(c[0]): str(c[1]) for c in connection.execute("DESCRIBE plain").fetchall()}
    assert types == {"day": "DATE", "amount": "BIGINT", "code": "BIGINT", "note": "BIGINT"}


def test_whole_numbers_past_the_first_rows_written_otherwise_stay_whole(tmp_path: Path) -> None:
    """A guessed whole-number column is checked on the rest of the file as DuckDB writes
    a whole number; a cell written otherwise but still whole ("+5", "-0", "1,234") sends
    the file to the whole check, which keeps the column whole, with the same numbers. (A
    file of semicolons whose "1,234" is 1234 says so: ``decimal = "."``.)"""
    from okrdesk.plugins.sql_cell_types import _SAMPLE
    from okrdesk.plugins.sql_files import load_table, table_file

    rows = ["day;count;id"]
    rows += [f"2026-01-{1 + n % 28:02d};{n};{n + 1}" for n in range(_SAMPLE + 10)]
    rows += ["2026-02-01;+5;7", "2026-02-02;-0;8", '2026-02-03;"1,234";9', "2026-02-04;;10"]
    (tmp_path / "signs.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    connection = duckdb.connect(":memory:", config={"preserve_insertion_order": True})
    signs = {"path": "signs.csv", "decimal": "."}
    load_table(connection, table_file("signs", signs, tmp_path, []), tmp_path, None)
    types = {str(c[0]): str(c[1]) for c in connection.execute("DESCRIBE signs").fetchall()}
    assert types == {"day": "DATE", "count": "BIGINT", "id": "BIGINT"}
    last = connection.execute('SELECT "count" FROM signs ORDER BY rowid DESC LIMIT 4').fetchall()
    assert last == [(None,), (1234,), (0,), (5,)]
    # and an id written with a leading zero past the first rows makes its column text
    rows[-1] = "2026-02-04;3;010"
    (tmp_path / "ids.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    ids = {"path": "ids.csv", "decimal": "."}
    load_table(connection, table_file("ids", ids, tmp_path, []), tmp_path, None)
    types = {str(c[0]): str(c[1]) for c in connection.execute("DESCRIBE ids").fetchall()}
    assert types == {"day": "DATE", "count": "BIGINT", "id": "VARCHAR"}


def test_excel_thousands_in_a_column_a_text_cell_made_text_are_still_figures(
    tmp_path: Path,
) -> None:
    """One "N/A" makes the column text; "1,234.5" beside it is still 1234.5, counted, and
    only the N/A row is left out (and named)."""
    data = "day;cm;calls;won\n2026-01-05;cm01;1,234.5;1\n2026-01-06;cm01;300;1\n"
    path = write(tmp_path, "calls.csv", (data + "2026-01-07;cm01;N/A;1\n").encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", CALLS_MADE, unit="元"))
    assert check.value("made", "cm01", "2026-W02").value == 1534.5
    assert check.value("made", "cm01", "2026-W02").source.endswith("calls.csv rows 2-3")
    (warning,) = check.warnings
    assert warning.endswith("column value holds text, not a number (table calls: calls.csv row 4)")


def test_a_figure_refused_names_the_rows_it_came_from(tmp_path: Path) -> None:
    """A share whose denominator is 0 cannot be a figure: the refusal says which rows of
    which file made it, so that the row can be found and fixed."""
    data = "day;cm;calls;won\n2026-01-06;cm01;4;1\n2026-01-07;cm02;0;3\n"
    path = write(tmp_path, "calls.csv", data.encode())
    share = "SELECT cm AS subject, day, won AS numerator, calls AS denominator FROM calls"
    check = run(tmp_path, {"calls": path}, metric("won_share", "ratio", share))
    (problem,) = check.problems
    assert "cm02 2026-W02: denominator is 0 with numerator 3 (from SQL metric won_share: " in (
        problem
    )
    assert "calls.csv row 3)" in problem


def test_an_empty_file_is_named_as_empty(tmp_path: Path) -> None:
    """A file of 0 bytes is no table of no columns: its metrics fail saying the file is
    empty, not that a column is missing."""
    path = write(tmp_path, "calls.csv", b"")
    check = run(tmp_path, {"calls": path}, metric("made", "flow", CALLS_MADE))
    (problem,) = check.problems
    assert "sources.sql.tables.calls: calls.csv is empty (0 bytes), without even a header row" in (
        problem
    )


def _bad_crc(data: bytes) -> bytes:
    """``data`` gzipped, its checksum spoilt: read whole before gzip finds it wrong."""
    import gzip

    packed = bytearray(gzip.compress(data))
    packed[-8] ^= 0xFF
    return bytes(packed)


@pytest.mark.parametrize(
    "written",
    [CHINESE.encode("gbk"), _bad_crc(CHINESE.encode("gbk"))],
    ids=["not-gzip", "bad-checksum"],
)
def test_a_gzip_file_that_cannot_be_read_fails_its_table_as_unreadable(
    tmp_path: Path, written: bytes
) -> None:
    # A .csv.gz that is no gzip file (a plain export renamed) or is damaged (a download
    # spoilt), in GBK: the first failed every table, the collect ending in "okrdesk_collect
    # failed: BadGzipFile"; the second was refused as though the temporary folder had no
    # room for its UTF-8 copy (gzip's error is an OSError), and its user sent to free disk.
    write(tmp_path, "calls.csv.gz", written)
    table = table_file("calls", {"path": "data/calls.csv.gz", "encoding": "gbk"}, tmp_path, [])
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with duckdb.connect() as connection, pytest.raises(SqlMetricError) as caught:
        load_table(connection, table, scratch, None)
    assert str(caught.value) == (
        "sources.sql.tables.calls: calls.csv.gz: not a readable csv file (BadGzipFile)"
    )
    assert caught.value.said.zh == (
        "sources.sql.tables.calls: calls.csv.gz: 不是能读的 csv 文件（BadGzipFile）"
    )
    assert list(scratch.iterdir()) == []
