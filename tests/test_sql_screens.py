"""One look at a file's cells finds the columns with a percent sign or an underscore; each
check then reads those columns alone, and names the same cells as ever, whichever other
columns hold a sign."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from okrdesk.plugins.sql_files import load_table, table_file
from okrdesk.plugins.sql_settings import SqlMetricError
from okrdesk.written_dates import YEAR_LAST


def _loaded(tmp_path: Path, data: str) -> list[tuple[object, ...]]:
    (tmp_path / "crm.csv").write_text(data, encoding="utf-8")
    table = table_file("crm", "crm.csv", tmp_path, [tmp_path])
    connection = duckdb.connect()
    load_table(connection, table, tmp_path, None)
    return connection.execute("SELECT * FROM crm ORDER BY rowid").fetchall()


def _refused(tmp_path: Path, data: str) -> str:
    with pytest.raises(SqlMetricError) as refused:
        _loaded(tmp_path, data)
    return refused.value.said.en


def test_an_underscore_before_a_column_of_percentages_is_named_in_its_own_column(
    tmp_path: Path,
) -> None:
    data = "cm,amount,rate\ncm01,7,12.5%\ncm02,1_5,8.5%\ncm03,3,1%\n"
    said = _refused(tmp_path, data)
    assert said.startswith("sources.sql.tables.crm: crm.csv:3:amount: these cells are numbers ")


def test_percentages_after_a_column_of_ids_with_underscores_are_named_in_their_own_column(
    tmp_path: Path,
) -> None:
    data = "deal,cm,rate\n2026_001,cm01,12.5%\n2026_002,cm02,8\n2026_003,cm03,1%\n"
    said = _refused(tmp_path, data)
    assert said.startswith(
        "sources.sql.tables.crm: crm.csv:3:rate: in a column of percentages (12.5% is 0.125)"
    )


def test_signs_in_columns_that_raise_no_doubt_leave_the_table_read(tmp_path: Path) -> None:
    data = "deal,cm,rate,amount\n2026_001,cm01,12.5%,7\n2026_002,cm02,0,2\n"
    assert _loaded(tmp_path, data) == [("2026_001", "cm01", 0.125, 7), ("2026_002", "cm02", 0.0, 2)]


def test_a_date_with_its_year_last_is_found_among_names(tmp_path: Path) -> None:
    # Only cells that begin with a digit are tried as such a date, as every one does.
    assert YEAR_LAST.startswith("[0-9]")
    data = "cm,note,amount\ncm01,called,7\ncm02, 05.03.2026,2\ncm03,met,3\n"
    said = _refused(tmp_path, data)
    assert said.startswith("sources.sql.tables.crm: crm.csv:3:note: a date written with ")
