"""A file of semicolons, as Excel saves CSV where the decimal mark is a comma: a number
with one comma before three digits (``1,234``) is 1.234 there, and 1234 where the mark
is a point, so the SQL source never reads one without being told which (a table's
``decimal``), through ``okrdesk validate`` and ``okrdesk collect`` as a user runs them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.store import Store
from sample_workspace import WriteWorkspace
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
    root = sql_only_workspace(
        write_workspace, SALONS_OKRS, f"[sources.sql.tables.salons]\n{table}\n\n"
        + ATTENDEES_DEFINITION,
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
