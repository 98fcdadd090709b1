"""A file's columns are typed first with each cell taken as DuckDB reads it, and only where
a cell is written otherwise (1,234, 12万, 2026年3月5日) readied in full: either way the
table holds the same."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from okrdesk.plugins.sql_cell_types import _read_as_it_is, cast_ready_sql
from okrdesk.plugins.sql_files import load_table, table_file

CELLS = [
    "1", "-2", "+3", "1.5", "1e3", "0.0", "1_5", "1_000", "1,234", "1,234.5", "12万", "1.2亿元",
    "12%", "8‰", "２３", "(1,234)", "¥5", "N/A", "abc", "inf", "NaN", "0012",
    "1234567890123456789", "2026-03-05", "2026/03/05", "2026.3.5", "2026年3月5日", "20260305",
    "2026-03-05 10:30", "2026-03-05T10:30:00", "05.03.2026", "2026-13-45",
]  # fmt: skip


@pytest.mark.parametrize("sql_type", ["BIGINT", "DOUBLE", "DATE", "TIMESTAMP"])
def test_a_cell_read_as_it_is_is_readied_as_in_full(sql_type: str) -> None:
    connection = duckdb.connect()
    as_is, full = _read_as_it_is("cell", sql_type), cast_ready_sql("cell", sql_type)
    rows = connection.execute(
        f"SELECT cell, {as_is}, {full} FROM unnest($cells::VARCHAR[]) t(cell)", {"cells": CELLS}
    ).fetchall()
    taken = [cell for cell, quick, _ in rows if quick is not None]
    assert all(quick == readied for _, quick, readied in rows if quick is not None)
    assert taken, sql_type  # and some are left to the full readying
    assert len(taken) < len(CELLS)


def _table(tmp_path: Path, data: str) -> list[tuple[object, ...]]:
    (tmp_path / "crm.csv").write_text(data, encoding="utf-8")
    table = table_file("crm", "crm.csv", tmp_path, [tmp_path])
    connection = duckdb.connect()
    load_table(connection, table, tmp_path, None)
    described = connection.execute("DESCRIBE crm").fetchall()
    return [(c[0], c[1]) for c in described] + connection.execute(
        "SELECT * FROM crm ORDER BY rowid DESC LIMIT 2"
    ).fetchall()


def test_cells_written_otherwise_below_the_first_rows_are_read_in_full(tmp_path: Path) -> None:
    # The first rows make the guess; the last two are written as a branch writes them.
    rows = "".join(f"cm01,2026-03-0{1 + n % 9},{n},{n}.5\n" for n in range(300))
    data = "cm,day,clients,amount\n" + rows
    data += 'cm02,2026年3月5日,1.2万,"1,234.5"\ncm02,2026/03/06,"1,234",12万\n'
    assert _table(tmp_path, data) == [
        ("cm", "VARCHAR"), ("day", "DATE"), ("clients", "BIGINT"), ("amount", "DOUBLE"),
        ("cm02", dt.date(2026, 3, 6), 1234, 120000.0),
        ("cm02", dt.date(2026, 3, 5), 12000, 1234.5),
    ]  # fmt: skip


def test_a_file_read_as_it_is_is_typed_alike(tmp_path: Path) -> None:
    rows = "".join(f"cm01,2026-03-0{1 + n % 9},{n},{n}.5\n" for n in range(300))
    found = _table(tmp_path, "cm,day,clients,amount\n" + rows)
    assert found[:4] == [("cm", "VARCHAR"), ("day", "DATE"), ("clients", "BIGINT"),
                         ("amount", "DOUBLE")]  # fmt: skip
    assert found[4][2:] == (299, 299.5)
