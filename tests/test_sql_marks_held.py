"""A file is searched once for the marks whose cells the checks after reading look at (a
comma, a percent sign, an underscore); a check whose mark the file holds nowhere does not
look at its cells, and one whose mark it holds anywhere finds the same cells as ever."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pytest

from okrdesk.plugins.csv_lines import marks_held
from okrdesk.plugins.sql_files import load_table, table_file
from okrdesk.plugins.sql_settings import SqlMetricError

MARKS = (",", "%", "％", "‰", "_")
BLOCK = 1 << 20  # as marks_held reads a file


def test_the_marks_a_file_holds(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_bytes(b"day;cm;amount\n2026-01-06;cm01;5\n")
    assert marks_held(path, MARKS) == frozenset()
    path.write_bytes(b"day;cm;amount\n2026-01-06;cm_01;12.5%\n")
    assert marks_held(path, MARKS) == {"_", "%"}


@pytest.mark.parametrize("cut", [1, 2])
def test_a_mark_cut_between_two_blocks_is_found(tmp_path: Path, cut: int) -> None:
    # ％ is three bytes in UTF-8; ``cut`` of them end the first block.
    head = b"day;cm;amount\n"
    filler = b"2026-01-06;cm01;5\n" * (BLOCK // 18)
    filler = filler[: BLOCK - len(head) - cut - len(b"2026-01-07;cm01;12")]
    path = tmp_path / "calls.csv"
    path.write_bytes(head + filler + b"2026-01-07;cm01;12" + "％".encode() + b"\n")
    assert len(head + filler + b"2026-01-07;cm01;12") + cut == BLOCK
    assert marks_held(path, MARKS) == {"％"}


def test_a_gzip_file_is_searched_as_its_text(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv.gz"
    path.write_bytes(gzip.compress(b"day;cm;amount\n2026-01-06;cm01;1,5\n"))
    assert marks_held(path, MARKS) == {","}


def _load(tmp_path: Path, data: str) -> None:
    (tmp_path / "crm.csv").write_text(data, encoding="utf-8")
    table = table_file("crm", "crm.csv", tmp_path, [tmp_path])
    load_table(duckdb.connect(), table, tmp_path, None)


def test_a_percentage_past_the_first_block_still_sends_its_column_to_the_check(
    tmp_path: Path,
) -> None:
    rows = "".join(f"cm01;2026-03-05;{n % 7 + 1}\n" for n in range(80_000))
    data = "cm;day;amount\n" + rows + "cm02;2026-03-06;12.5％\n"
    assert len(data.encode()) > BLOCK
    with pytest.raises(SqlMetricError) as refused:
        _load(tmp_path, data)
    assert "crm.csv:2:amount, crm.csv:3:amount, crm.csv:4:amount, … (80,000 cells in all)" in (
        refused.value.said.en
    )


def test_a_decimal_comma_in_the_last_row_of_a_file_of_semicolons_is_found(
    tmp_path: Path,
) -> None:
    rows = "".join(f"cm01;2026-03-05;{n % 7 + 1}\n" for n in range(80_000))
    with pytest.raises(SqlMetricError) as refused:
        _load(tmp_path, "cm;day;amount\n" + rows + "cm02;2026-03-06;1,5\n")
    assert "crm.csv:80002:amount" in refused.value.said.en


def test_a_file_of_semicolons_without_those_marks_is_read(tmp_path: Path) -> None:
    rows = "".join(f"cm01;2026-03-05;{n % 7 + 1}\n" for n in range(300))
    _load(tmp_path, "cm;day;amount\n" + rows)


def test_a_tab_and_an_apostrophe_past_the_first_block_are_still_dropped(tmp_path: Path) -> None:
    rows = "".join(f"cm01;2026-03-05;{n % 7 + 1};A{n}\n" for n in range(80_000))
    data = "cm;day;amount;account\n" + rows + "\tcm02;2026-03-06;5;'0012\n"
    (tmp_path / "crm.csv").write_text(data, encoding="utf-8")
    table = table_file("crm", "crm.csv", tmp_path, [tmp_path])
    connection = duckdb.connect()
    load_table(connection, table, tmp_path, None)
    last = connection.execute("SELECT cm, account FROM crm ORDER BY rowid DESC LIMIT 1")
    assert last.fetchall() == [("cm02", "0012")]
