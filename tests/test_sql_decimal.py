"""A file of semicolons, as Excel saves CSV where the decimal mark is a comma: a number
with one comma before three digits (``1,234``) is 1.234 there, and 1234 where the mark
is a point, so the SQL source never reads one without being told which (a table's
``decimal``), through ``okrdesk validate`` and ``okrdesk collect`` as a user runs them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.plugins.sql_table_cache import TableCache
from okrdesk.store import Store
from sample_workspace import WriteWorkspace
from test_sql_files import write_xlsx
from test_sql_metrics import ATTENDEES_DEFINITION, SALONS_OKRS, sql_only_workspace

SEMICOLONS = """\
date;cm_id;attendees;leads
2026-01-06;cm01;1,250;4
2026-01-08;cm01;20;1
2026-01-13;cm02;2,500;5
2026-01-19;cm02;1.234,50;8
"""
"""Salons as a German Excel saves them: 1,250 is 1.25, 1.234,50 is 1234.5."""


def _workspace(write_workspace: WriteWorkspace, data: str, table: str) -> Path:
    # Its counts have fractions (1,250 is 1.25): a count whose credit is shared keeps them.
    root = sql_only_workspace(
        write_workspace, SALONS_OKRS, f"[sources.sql.tables.salons]\n{table}\n\n"
        + ATTENDEES_DEFINITION + "split_credit = true\n",
    )  # fmt: skip
    (root / "data" / "salons.csv").write_text(data, encoding="utf-8")
    return root


def _stored(root: Path) -> dict[tuple[str, str], float]:
    with Store.open(root / "okrdesk.db") as store:
        rows = store.query(
            "SELECT subject, period, value FROM observations WHERE metric = 'salon_attendees' "
            "AND period LIKE '2026-W%'"
        )
        return {(subject, period): value for subject, period, value in rows}


def _collect(root: Path, lang: str = "en") -> str:
    done = CliRunner().invoke(
        cli, ["collect", "--through", "2026-01-31", "--lang", lang, "-w", str(root)]
    )
    return done.output


@pytest.mark.parametrize("stated", [False, True])
def test_one_comma_before_three_digits_in_a_file_of_semicolons_is_refused_unless_told(
    write_workspace: WriteWorkspace, stated: bool
) -> None:
    """Refused at file:row:column in both languages, by validate and by collect, whether
    the semicolon is sniffed or stated; the cell itself never quoted."""
    table = 'path = "data/salons.csv"' + ('\ndelimiter = ";"' if stated else "")
    root = _workspace(
        write_workspace, SEMICOLONS + "2026-01-09;cm01;3,000;2\n2026-01-20;cm02;4,000;1\n", table
    )
    english = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert english.exit_code == 2, english.output
    told = (
        "sources.sql.tables.salons: salons.csv:2:attendees, salons.csv:4:attendees, "
        "salons.csv:6:attendees, … (4 cells in all): in a file of semicolons, as Excel saves "
        "CSV where the decimal mark is a comma, a number with one comma before three digits "
        "(1,234) may be 1.234 as well as 1234; say which this file writes under "
        '[sources.sql.tables.salons]: decimal = "," (1,234 is 1.234, 1.234,50 is 1234.50) '
        'or decimal = "." (1,234 is 1234)'
    )
    assert told in english.output
    assert "1,250" not in english.output and "Traceback" not in english.output
    chinese = CliRunner().invoke(cli, ["validate", "--lang", "zh", "-w", str(root)])
    assert chinese.exit_code == 2, chinese.output
    assert (
        "sources.sql.tables.salons: salons.csv:2:attendees、salons.csv:4:attendees、"
        "salons.csv:6:attendees 等，共 4 格：分号分隔的文件" in chinese.output
    ), chinese.output
    assert 'decimal = ","（1,234 即 1.234' in chinese.output
    collected = _collect(root)
    assert told in collected, collected
    assert "Traceback" not in collected
    assert _stored(root) == {}


def test_a_file_said_to_write_a_decimal_comma_is_read_so(
    write_workspace: WriteWorkspace,
) -> None:
    root = _workspace(write_workspace, SEMICOLONS, 'path = "data/salons.csv"\ndecimal = ","')
    validated = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert validated.exit_code == 0, validated.output
    _collect(root)
    assert _stored(root) == pytest.approx(
        {("cm01", "2026-W02"): 21.25, ("cm02", "2026-W03"): 2.5, ("cm02", "2026-W04"): 1234.5}
    )


def test_a_file_said_to_write_a_decimal_point_reads_commas_as_thousands(
    write_workspace: WriteWorkspace,
) -> None:
    data = SEMICOLONS.replace("1.234,50", "1,234.50")
    root = _workspace(write_workspace, data, 'path = "data/salons.csv"\ndecimal = "."')
    validated = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert validated.exit_code == 0, validated.output
    _collect(root)
    assert _stored(root) == {
        ("cm01", "2026-W02"): 1270.0, ("cm02", "2026-W03"): 2500.0,
        ("cm02", "2026-W04"): 1234.5,
    }  # fmt: skip


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_comma_and_tab_files_read_as_ever(write_workspace: WriteWorkspace, delimiter: str) -> None:
    """No setting needed: a comma-separated file quotes 1,250 as Excel saves it, a tab-
    separated one (Excel's "Unicode text") writes it bare, and both mean 1250."""
    data = SEMICOLONS.replace("1.234,50", "1,234.50")
    rows = [line.split(";") for line in data.splitlines()]
    if delimiter == ",":
        written = "\n".join(",".join(f'"{f}"' if "," in f else f for f in row) for row in rows)
    else:
        written = "\n".join("\t".join(row) for row in rows)
    root = _workspace(write_workspace, written + "\n", 'path = "data/salons.csv"')
    validated = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert validated.exit_code == 0, validated.output
    _collect(root)
    assert _stored(root) == {
        ("cm01", "2026-W02"): 1270.0, ("cm02", "2026-W03"): 2500.0,
        ("cm02", "2026-W04"): 1234.5,
    }  # fmt: skip


def test_a_decimal_setting_that_names_no_mark_is_refused_at_its_key(
    write_workspace: WriteWorkspace,
) -> None:
    root = _workspace(write_workspace, SEMICOLONS, 'path = "data/salons.csv"\ndecimal = "comma"')
    validated = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert validated.exit_code == 2
    assert (
        'sources.sql.tables.salons.decimal: expected "," (1.234,50 is 1234.50) or "." '
        "(1,234.50 is 1234.50), the file's decimal mark" in validated.output
    ), validated.output


TEXT_COLUMN = SEMICOLONS.replace("2026-01-08;cm01;20;1", "2026-01-08;cm01;N/A;1").replace(
    "2026-01-13;cm02;2,500;5", "2026-01-13;cm02;12.500;5"
)
"""Salons as a German Excel saves them, with one ``N/A`` that makes attendees a text
column: 1,250 is 1.25, 12.500 is 12500 and 1.234,50 is 1234.5 there too."""

VIEW = '[sources.sql.views]\nsalon_rows = "SELECT * FROM salons WHERE cm_id IS NOT NULL"\n\n'


@pytest.mark.parametrize("through_view", [False, True])
def test_a_text_column_of_a_decimal_comma_file_is_read_as_the_file_writes_it(
    write_workspace: WriteWorkspace, through_view: bool
) -> None:
    """A query returning a column one N/A made text reads its numbers in the table's own
    convention, straight from the table or through a view, and leaves out the N/A row
    alone; read with a decimal point, 1,250 would be 1250 and 12.500 12.5."""
    table = 'path = "data/salons.csv"\ndecimal = ","\n\n' + (VIEW if through_view else "")
    root = _workspace(write_workspace, TEXT_COLUMN, table)
    if through_view:
        settings = (root / "okrdesk.toml").read_text(encoding="utf-8")
        (root / "okrdesk.toml").write_text(
            settings.replace("AS value FROM salons", "AS value FROM salon_rows"), encoding="utf-8"
        )
    validated = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert validated.exit_code == 0, validated.output
    collected = _collect(root)
    assert "1 row left out: column value holds text, not a number" in collected, collected
    assert _stored(root) == pytest.approx(
        {("cm01", "2026-W02"): 1.25, ("cm02", "2026-W03"): 12500.0,
         ("cm02", "2026-W04"): 1234.5}
    )  # fmt: skip


def test_a_query_casting_a_text_column_of_a_decimal_comma_file_reads_its_numbers(
    write_workspace: WriteWorkspace,
) -> None:
    """The numbers a text column holds are numbers to a query's own cast as well (DuckDB
    adds them up; 12.500 cast as written would be 12.5, and 1.234,50 no number at all)."""
    root = _workspace(
        write_workspace,
        TEXT_COLUMN.replace(";4\n", ";1,5\n"),
        'path = "data/salons.csv"\ndecimal = ","',
    )
    settings = (root / "okrdesk.toml").read_text(encoding="utf-8")
    (root / "okrdesk.toml").write_text(
        settings.replace(
            "attendees AS value FROM salons",
            "TRY_CAST(attendees AS DOUBLE) + TRY_CAST(leads AS DOUBLE) AS value FROM salons "
            "WHERE attendees <> 'N/A'",
        ),
        encoding="utf-8",
    )
    collected = _collect(root)
    assert "warning" not in collected, collected
    assert _stored(root) == pytest.approx(
        {("cm01", "2026-W02"): 1.25 + 1.5, ("cm02", "2026-W03"): 12505.0,
         ("cm02", "2026-W04"): 1242.5}
    )  # fmt: skip


@pytest.mark.parametrize(
    ("written", "column"),
    [("1,234.50", "attendees"), ("12,345,678", "attendees"), ("93.2", "attendees"),
     ("0.125", "attendees"), ("1.5", "leads")],
)  # fmt: skip
def test_a_number_written_with_a_point_in_a_decimal_comma_file_is_refused(
    write_workspace: WriteWorkspace, written: str, column: str
) -> None:
    """A number only a decimal point reads, in a file said to write 1.234,50, in a column
    that stays text (attendees, one N/A in it) or one of numbers (leads): read, it would
    be read in a convention the file does not use (a file of semicolons with points for
    decimals, told ",", would hold 93.2 beside 12500 for 12.500). The table is refused at
    file:row:column, never the cell quoted, by validate and by collect, and no metric
    reads any of it."""
    row = "2026-01-19;cm02;1.234,50;8"
    cells = row.split(";")
    cells[2 if column == "attendees" else 3] = written
    root = _workspace(
        write_workspace,
        TEXT_COLUMN.replace(row, ";".join(cells)),
        'path = "data/salons.csv"\ndecimal = ","',
    )
    english = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert english.exit_code == 2, english.output
    told = (
        f'sources.sql.tables.salons: salons.csv:5:{column}: decimal = "," says this file '
        "writes 1,5 for 1.5 and 1.234,50 for 1234.50, and these cells are numbers written "
        "with a decimal point (1.5, 1,234.50), which it does not read; if the file writes "
        'its numbers so, set decimal = "."'
    )
    assert told in " ".join(english.output.split()), english.output
    assert f";{written};" not in english.output and "Traceback" not in english.output
    chinese = CliRunner().invoke(cli, ["validate", "--lang", "zh", "-w", str(root)])
    assert chinese.exit_code == 2, chinese.output
    assert f'salons.csv:5:{column}：decimal = "," 说这个文件把 1.5 写成 1,5' in (chinese.output), (
        chinese.output
    )
    collected = _collect(root)
    assert told in " ".join(collected.split()), collected
    assert _stored(root) == {}


def test_a_column_given_text_keeps_its_cells_as_written(
    write_workspace: WriteWorkspace,
) -> None:
    """A column ``types`` makes text holds no numbers, so its cells are neither read as
    the file's numbers nor refused: times such as 12.30 beside the figures."""
    lines = TEXT_COLUMN.splitlines()
    data = "\n".join(
        [lines[0] + ";clock"]
        + [line + (";12.30" if n in {0, 3} else ";1,234.50") for n, line in enumerate(lines[1:])]
    )
    settings = 'path = "data/salons.csv"\ndecimal = ","\ntypes = { clock = "text" }'
    root = _workspace(write_workspace, data, settings)
    toml = (root / "okrdesk.toml").read_text(encoding="utf-8")
    (root / "okrdesk.toml").write_text(
        toml.replace(
            "attendees AS value FROM salons",
            "TRY_CAST(attendees AS DOUBLE) AS value FROM salons WHERE clock = '12.30'",
        ),
        encoding="utf-8",
    )
    validated = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert validated.exit_code == 0, validated.output
    _collect(root)
    assert _stored(root) == pytest.approx(
        {("cm01", "2026-W02"): 1.25, ("cm02", "2026-W04"): 1234.5}
    )


def test_a_table_kept_by_an_older_reading_is_read_again(
    write_workspace: WriteWorkspace,
) -> None:
    """A table cache an okrdesk kept before text columns held their numbers plain would
    hand back 1,250 as written, read as 1250: a kept table whose reading is not this
    okrdesk's is not used."""
    root = _workspace(write_workspace, TEXT_COLUMN, 'path = "data/salons.csv"\ndecimal = ","')
    _collect(root)
    cache = TableCache(root)
    entry = cache.entries["salons"]
    options = json.loads(entry["options"])
    options.pop("read", None)  # as an older okrdesk kept it
    entry["options"] = json.dumps(options, sort_keys=True)
    cache.manifest.write_text(json.dumps(cache.entries), encoding="utf-8")
    kept = cache.folder / entry["parquet"]
    duckdb.connect().execute(
        "COPY (SELECT DATE '2026-01-06' AS date, 'cm01' AS cm_id, '1,250' AS attendees, "
        f"'4' AS leads) TO '{kept}' (FORMAT parquet)"
    )
    (root / "okrdesk.db").unlink()
    _collect(root)
    assert _stored(root)[("cm01", "2026-W02")] == pytest.approx(1.25)


def test_a_workbook_said_to_write_a_decimal_comma_keeps_its_number_cells(
    write_workspace: WriteWorkspace,
) -> None:
    """A sheet's number cells are numbers, not text in the file's convention: 12.345
    stays 12.345 (read as text in a decimal-comma file it would be 12345), beside text
    cells the sheet holds as a German Excel writes them."""
    root = _workspace(write_workspace, "", 'path = "data/salons.xlsx"\ndecimal = ","')
    rows: list[list[object]] = [
        ["date", "cm_id", "attendees", "leads"],
        [dt.datetime(2026, 1, 6), "cm01", 12.345, 4],
        [dt.datetime(2026, 1, 13), "cm02", "1.234,50", 5],
        [dt.datetime(2026, 1, 14), "cm02", 0.00001, 5],
    ]
    write_xlsx(root / "data" / "salons.xlsx", {"Sheet1": rows})
    collected = _collect(root)
    assert "warning" not in collected, collected
    assert _stored(root) == pytest.approx(
        {("cm01", "2026-W02"): 12.345, ("cm02", "2026-W03"): 1234.50001}
    )


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_numbers_written_with_a_decimal_comma_are_refused_unless_told(
    write_workspace: WriteWorkspace, delimiter: str
) -> None:
    """The telco export as a German Excel saves it, with blanks for the newest clients:
    not told, its columns of 29,85 would be text, every value left out and a query's sum
    of them failing in DuckDB's words; the table is refused, at file:row:column in both
    languages, and told to say so. Told, it is read, blanks and all."""
    data = (
        "date;cm_id;attendees;leads\n2026-01-06;cm01;29,85;4\n2026-01-08;cm01; ;1\n"
        "2026-01-13;cm02;1.889,50;5\n2026-01-19;cm02;56;8\n"
    ).replace(";", delimiter)
    root = _workspace(write_workspace, data, 'path = "data/salons.csv"')
    english = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert english.exit_code == 2, english.output
    told = (
        "sources.sql.tables.salons: salons.csv:2:attendees, salons.csv:4:attendees: these "
        "cells are numbers written with a decimal comma (1,5 for 1.5, 1.234,50 for "
        "1234.50), as Excel writes them where the decimal mark is a comma, and would be "
        'read as text; say so under [sources.sql.tables.salons]: decimal = ","'
    )
    assert told in " ".join(english.output.split()), english.output
    assert "29,85" not in english.output and "Traceback" not in english.output
    chinese = CliRunner().invoke(cli, ["validate", "--lang", "zh", "-w", str(root)])
    assert chinese.exit_code == 2, chinese.output
    assert "salons.csv:2:attendees、salons.csv:4:attendees：这些格是用小数逗号写的数" in (
        chinese.output
    ), chinese.output
    collected = _collect(root)
    assert told in " ".join(collected.split()), collected
    assert _stored(root) == {}
    (root / "okrdesk.toml").write_text(
        (root / "okrdesk.toml")
        .read_text(encoding="utf-8")
        .replace('path = "data/salons.csv"', 'path = "data/salons.csv"\ndecimal = ","'),
        encoding="utf-8",
    )
    collected = _collect(root)
    assert "1 row left out: column value is empty (NULL)" in collected, collected
    assert _stored(root) == pytest.approx(
        {("cm01", "2026-W02"): 29.85, ("cm02", "2026-W03"): 1889.5, ("cm02", "2026-W04"): 56}
    )


def test_a_query_adding_up_a_column_one_n_a_made_text_is_told_why(
    write_workspace: WriteWorkspace,
) -> None:
    """The telco export's charges with one N/A: DuckDB's "No function matches ...
    sum(VARCHAR)" alone leaves an analyst wondering why a column of numbers is text;
    validate and collect say why, and what to write, in both languages."""
    data = "date,cm_id,attendees,leads\n2026-01-06,cm01,30,4\n2026-01-08,cm01,N/A,1\n"
    root = _workspace(write_workspace, data, 'path = "data/salons.csv"')
    settings = (root / "okrdesk.toml").read_text(encoding="utf-8")
    (root / "okrdesk.toml").write_text(
        settings.replace(
            "date AS day, attendees AS value FROM salons",
            "date AS day, sum(attendees) AS value FROM salons GROUP BY 1, 2",
        ),
        encoding="utf-8",
    )
    told = (
        "'sum(VARCHAR)'. You might need to add explicit type casts; a column it reads is "
        "text: one cell such as N/A makes a file's column text; give such cells in the "
        'table\'s null (null = ["N/A"]), or TRY_CAST the column AS DOUBLE'
    )
    english = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert english.exit_code == 2, english.output
    assert told in " ".join(english.output.split()), english.output
    chinese = CliRunner().invoke(cli, ["validate", "--lang", "zh", "-w", str(root)])
    assert "sum 用不了文本列：文件里一格 N/A 就让整列成了文本" in chinese.output, chinese.output
    collected = _collect(root)
    assert told in " ".join(collected.split()), collected


def test_a_workbook_s_text_cell_written_with_a_decimal_comma_is_told_how_to_read(
    write_workspace: WriteWorkspace,
) -> None:
    """A sheet whose figure someone typed as text the German way (1,5): the row left out
    says it is a number written with a decimal comma and which setting reads it, in both
    languages, rather than "text, not a number"."""
    root = _workspace(write_workspace, "", 'path = "data/salons.xlsx"')
    rows: list[list[object]] = [
        ["date", "cm_id", "attendees", "leads"],
        [dt.datetime(2026, 1, 6), "cm01", 12, 4],
        [dt.datetime(2026, 1, 13), "cm02", "1,5", 5],
    ]
    write_xlsx(root / "data" / "salons.xlsx", {"Sheet1": rows})
    collected = _collect(root)
    assert (
        "1 row left out: column value holds a number written with a decimal comma (1,5 for "
        '1.5), read as a number only in a file whose table says decimal = "," (table salons: '
        "salons.xlsx row 3)" in " ".join(collected.split())
    ), collected
    chinese = _collect(root, "zh")
    assert 'value 列是用小数逗号写的数（1,5 即 1.5），只有表设置里写了 decimal = "," 的文件' in (
        chinese
    ), chinese
    assert _stored(root) == {("cm01", "2026-W02"): 12.0}
