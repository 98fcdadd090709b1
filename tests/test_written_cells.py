"""A number or a date as people write it is read one way: the SQL source reads a cell
twice, in DuckDB when it types a table's columns and in Python when a query takes a value
from a column left text, and a figure typed on the command line is read by
``units.parse_quantity``; all must read a cell alike wherever they both read it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from okrdesk.targets.spoken_dates import toml_date_for
from okrdesk.units import UNITS, UnreadableFigure, parse_quantity
from okrdesk.written_dates import date_ready_sql, written_day, year_month_day
from okrdesk.written_numbers import SCALES, number_ready_sql, written_number

CELLS = [
    "12.5%", "12.5 %", "12.5％", "3‰", "100%", "0%", "12.5万", "12.5 万元", "1.2亿", "3,500元",
    "-0.5万元", "(1,234.00)", "(1,234)万", "¥-1,234.50", "１２３４．５", "１，２３４", "－５",
    "7", "-1,234.00", "1e5", "万", "元", "%", "12.5万人", "N/A", "—", "1,5", "12.5e", "abc",
    "1_5", "1_000", "٣", "0,125", "１２．５", "12.5 ％", "１，２３４万", "1,234.00%",
    "12.5\u3000万", "1,234,567.", "00012", "+5", " 5 ", ".5", "5.", "--5", "1.2.3", "¥5",
    "(5)", "0.1‰",
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


def _typed(cell: str) -> Decimal | None:
    """``cell`` as a figure typed on the command line reads it: a rate where it ends in %
    or ‰, else money (a bare number in 元); None where it is refused."""
    unit = UNITS["ratio"] if cell.strip().endswith(("%", "％", "‰")) else UNITS["元"]
    try:
        return parse_quantity(unit, cell)
    except UnreadableFigure:
        return None


@pytest.mark.parametrize("cell", CELLS)
def test_a_figure_typed_is_read_as_a_cell_is_wherever_both_read_it(cell: str) -> None:
    typed, read = _typed(cell), written_number(cell)
    if typed is not None and read is not None:
        assert float(typed) == read


def test_the_readers_refuse_alike_what_no_one_should_guess() -> None:
    for cell in ("1_5", "0,125", "1,5", "٣", "12.5e", "1.2.3"):
        assert _typed(cell) is None and written_number(cell) is None, cell
    # What only one reader takes, on purpose (okrdesk.written_numbers says why).
    assert written_number("(1,234)") == -1234 and _typed("(1,234)") is None
    assert written_number("1.2万户") is None and parse_quantity(UNITS["户"], "1.2万户") == 12_000
    # A yuan sign before an amount is how a branch writes money too: both read it.
    assert written_number("¥1,234.50") == 1234.5 == _typed("¥1,234.50") == _typed("￥1,234.50")


def test_a_cell_s_suffixes_scale_as_the_units_of_a_figure_typed() -> None:
    for suffix, exponent in SCALES.items():
        unit = UNITS[{"万": "万元", "亿": "亿元"}.get(suffix, suffix)]
        assert unit.factor == Decimal(f"1{exponent}"), suffix


def test_the_numbers_are_the_ones_a_branch_means() -> None:
    said = {c: written_number(c) for c in ("12.5%", "3‰", "12.5万", "1.2亿", "-0.5万元")}
    assert said == {"12.5%": 0.125, "3‰": 0.003, "12.5万": 125_000.0, "1.2亿": 120_000_000.0,
                    "-0.5万元": -5000.0}  # fmt: skip
    assert written_number("N/A") is None and written_number("12.5万人") is None


DAYS = [
    "2026-03-05", "2026-3-5", "2026/3/5", "2026.03.05", "2026.3.5", "2026年3月5日",
    "2026年3月5日 14:30", "20260305", "２０２６年３月５日", "2026-03-05 14:30:00",
    "2026.13.45", "05.03.2026", "待定", "202603051", "2026 年 3 月 5 日", "2026年3月5日14:30",
    "2026-3.5", "2026．3．5", "2026年3月5 日", "2026/02/30", "1.5",
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


@pytest.mark.parametrize("cell", DAYS)
def test_a_target_file_s_date_advice_knows_the_days_a_cell_is_read_as(cell: str) -> None:
    day = written_day(cell)
    parts = year_month_day(cell)
    if day is not None and parts is not None:
        advice = toml_date_for(cell)
        assert advice is not None and f"write {day.isoformat()}" in advice.en
