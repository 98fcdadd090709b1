"""The SQL source reads a cell twice, in DuckDB when it types a table's columns and in
Python when a query takes a value from a column left text: both must read it alike."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from okrdesk.plugins.sql_cells import (
    date_ready_sql,
    number_ready_sql,
    written_day,
    written_number,
)

CELLS = [
    "12.5%", "12.5 %", "12.5％", "3‰", "100%", "0%", "12.5万", "12.5 万元", "1.2亿", "3,500元",
    "-0.5万元", "(1,234.00)", "(1,234)万", "¥-1,234.50", "１２３４．５", "１，２３４", "－５",
    "7", "-1,234.00", "1e5", "万", "元", "%", "12.5万人", "N/A", "—", "1,5", "12.5e", "abc",
]  # fmt: skip


@pytest.fixture(scope="module")
def connection() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


@pytest.mark.parametrize("cell", CELLS)
def test_duckdb_and_python_read_a_number_alike(
    connection: duckdb.DuckDBPyConnection, cell: str
) -> None:
    found = connection.execute(
        f"SELECT TRY_CAST(({number_ready_sql('x')}) AS DOUBLE) FROM (SELECT ? AS x)", [cell]
    ).fetchone()
    assert found is not None
    assert found[0] == written_number(cell)


def test_the_numbers_are_the_ones_a_branch_means() -> None:
    said = {c: written_number(c) for c in ("12.5%", "3‰", "12.5万", "1.2亿", "-0.5万元")}
    assert said == {"12.5%": 0.125, "3‰": 0.003, "12.5万": 125_000.0, "1.2亿": 120_000_000.0,
                    "-0.5万元": -5000.0}  # fmt: skip
    assert written_number("N/A") is None and written_number("12.5万人") is None


DAYS = [
    "2026-03-05", "2026-3-5", "2026/3/5", "2026.03.05", "2026.3.5", "2026年3月5日",
    "2026年3月5日 14:30", "20260305", "２０２６年３月５日", "2026-03-05 14:30:00",
    "2026.13.45", "05.03.2026", "待定", "202603051",
]  # fmt: skip


@pytest.mark.parametrize("cell", DAYS)
def test_duckdb_and_python_read_a_day_alike(
    connection: duckdb.DuckDBPyConnection, cell: str
) -> None:
    found = connection.execute(
        f"SELECT TRY_CAST(({date_ready_sql('x')}) AS DATE) FROM (SELECT ? AS x)", [cell]
    ).fetchone()
    assert found is not None
    assert found[0] == written_day(cell)


def test_a_year_last_date_is_read_only_in_the_order_said(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    def read(cell: str, dates: str | None) -> object:
        found = connection.execute(
            f"SELECT TRY_CAST(({date_ready_sql('x', dates)}) AS DATE) FROM (SELECT ? AS x)",
            [cell],
        ).fetchone()
        return None if found is None else found[0]

    assert read("05.03.2026", None) is None
    assert read("05.03.2026", "day-first") == dt.date(2026, 3, 5)
    assert read("05/03/2026", "month-first") == dt.date(2026, 5, 3)
    assert read("5-3-2026 14:30", "day-first") == dt.date(2026, 3, 5)
