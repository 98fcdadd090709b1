"""The one reading of numbers written the way Excel writes them that the SQL source and the
brokerage plugin share: in Python and in DuckDB alike, and the same in either reader."""

from __future__ import annotations

import pytest

from okrdesk.plugins.sql_engine import duckdb
from okrdesk.written_numbers import (
    ambiguous,
    ambiguous_sql,
    decimal_comma,
    decimal_comma_sql,
    ungrouped,
    ungrouped_sql,
    written_sql,
)

CELLS = {
    "1,234.50": "1234.50",
    "-12,345": "-12345",
    "+1,234,567.00": "+1234567.00",
    "1,234.": "1234.",
    "999": None,  # no separator: the number as it is
    "1234.5": None,
    "1,5": None,  # a decimal comma, perhaps
    "1.234,50": None,
    "1,2345": None,
    "12,34,567": None,  # grouped in twos, as in India
    "0,125": None,  # 0.125 with a decimal comma: Excel writes no 125 so
    "-00,125": None,
    "1,234,56": None,
    ",123": None,
    "1,234.5.6": None,
    "N/A": None,
    "": None,
    # Currency and accounting formats, as Chinese Excel saves them.
    "¥1,234.50": "1234.50",
    "¥-1,234.50": "-1234.50",
    "-¥1,234.50": "-1234.50",
    "￥500": "500",
    "(1,234.50)": "-1234.50",
    "(¥1,234.50)": "-1234.50",
    "¥(500)": "-500",
    "-¥-5": None,
    "(-5)": None,
    "(5": None,
    "¥": None,
    "¥1,5": None,
    "¥1.234,50": None,
}


@pytest.mark.parametrize(("cell", "plain"), CELLS.items())
def test_python_and_duckdb_read_a_cell_alike(cell: str, plain: str | None) -> None:
    assert ungrouped(cell) == plain
    connection = duckdb.connect()
    try:
        found = connection.execute(f"SELECT {ungrouped_sql('$cell')}", {"cell": cell}).fetchone()
        written = connection.execute(f"SELECT {written_sql('$cell')}", {"cell": cell}).fetchone()
    finally:
        connection.close()
    assert found == (plain if plain is not None else cell,)
    assert written == (plain is not None,)


@pytest.mark.parametrize(
    ("cell", "meant"),
    [("1,5", "1.5"), ("1234,5", "1234.5"), ("1.234,50", "1234.50"), ("-1.234.567,8", "-1234567.8"),
     ("1,234.50", None), ("12,345", None), ("¥1,234", None), ("1234", None), ("1.5", None),
     ("1.23,4", None), ("0,125", "0.125"), ("356,84", "356.84"), ("N/A", None), ("", None)],
)  # fmt: skip
def test_a_comma_that_may_be_a_decimal_mark_is_told_what_it_may_mean(
    cell: str, meant: str | None
) -> None:
    assert decimal_comma(cell) == meant
    connection = duckdb.connect()
    try:
        found = connection.execute(f"SELECT {decimal_comma_sql('$cell')}", {"cell": cell})
        assert found.fetchone() == (meant is not None,)
    finally:
        connection.close()


COMMA_CELLS = {
    "1,234": "1.234",  # where the decimal mark is a comma, a comma is one
    "1,5": "1.5",
    "1.234,50": "1234.50",
    "-1.234.567,8": "-1234567.8",
    "12.345": "12345",
    "1,": "1.",
    "¥1.234,50": "1234.50",
    "¥-1.234,50": "-1234.50",
    "(1.234,50)": "-1234.50",
    "999": None,  # no mark: the number as it is
    "1.5": None,  # a point not before three digits is no thousands separator
    "0.125": None,  # nor one after a zero: 0.125 written with a decimal point
    "0,125": "0.125",
    "1,234.50": None,
    "12,345,678": None,
    "1.23,4": None,
    "N/A": None,
}


@pytest.mark.parametrize(("cell", "plain"), COMMA_CELLS.items())
def test_a_file_that_writes_a_decimal_comma_is_read_alike_in_python_and_duckdb(
    cell: str, plain: str | None
) -> None:
    assert ungrouped(cell, ",") == plain
    connection = duckdb.connect()
    try:
        query = f"SELECT {ungrouped_sql('$cell', ',')}, {written_sql('$cell', ',')}"
        found = connection.execute(query, {"cell": cell}).fetchone()
    finally:
        connection.close()
    assert found == (plain if plain is not None else cell, plain is not None)


@pytest.mark.parametrize(
    ("cell", "either"),
    [("1,234", True), ("-12,345", True), ("¥1,234", True), ("(1,234)", True), ("+1,000", True),
     ("1,234.50", False), ("1,234,567", False), ("1,5", False), ("1234", False),
     ("1.234,50", False), ("0,125", False), ("-0,500", False), ("N/A", False), ("", False)],
)  # fmt: skip
def test_one_comma_before_three_digits_is_told_apart_in_python_and_duckdb(
    cell: str, either: bool
) -> None:
    assert ambiguous(cell) is either
    connection = duckdb.connect()
    try:
        found = connection.execute(f"SELECT {ambiguous_sql('$cell')}", {"cell": cell}).fetchone()
    finally:
        connection.close()
    assert found == (either,)
