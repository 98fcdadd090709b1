"""The set-wise path never takes a value the streaming reader refuses, nor reads one otherwise.

The set-wise checks are SQL written for speed (a date written back and compared, money
read as numbers by DuckDB's CSV reader, a blank test that skips its regexp for ASCII);
each odd value below either leaves the file to the streaming reader (the set-wise total
is None) or gives exactly the streaming reader's figures.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from brokerage_helpers import FIXTURES, MONTHS, THROUGH, setwise_connection
from okrdesk_brokerage.book import read_book
from okrdesk_brokerage.errors import ExportError
from okrdesk_brokerage.products import read_products, total_products
from okrdesk_brokerage.tally import Tallies
from okrdesk_brokerage.trading import read_trades, total_trades
from okrdesk_brokerage.windows import Windows

DATES = [
    "2026-01-05", "2026-1-05", "2026-01-5 ", " 2026-01-05", "2026-01-05 ", "20260105",
    "2026-01-05T00:00", "2026/01/05", "2026-02-30", "10000-01-05", "0000-01-05",
    "+026-01-05", "2026-01-0\uff15", "",
    # As Excel saves a date: taken, as the streaming reader takes it; and near misses.
    "2026/1/5", "2026/1/05", "2026/01/5", "2026/2/30", "0000/1/5", "2026/1/5 ", "02026/1/5",
    "2026/1/5 0:00", "2026/001/5", "2026/\uff11/5", "2026/1/5/", "2026.1.5",
    # As Chinese CRMs write a date (the streaming reader's alone), and year last (refused).
    "2026年1月5日", "2026 年 1 月 5 日", "2026年2月30日", "2026年1月5日 9:30", "05/01/2026",
    "05.01.2026",
]  # fmt: skip
NUMBERS = [
    "25.00", " 25.5", "25.5 ", "+25", ".5", "5.", "1e3", "1E-2", "inf", "-inf", "nan",
    "Infinity", "0x10", "1_000", "1,5", "\uff12\uff15", "", " ", "-0", "1d", "12.345",
    "1e300",
]  # fmt: skip
"""Odd money; 1e300 is a number to Python, but more fen than a 64-bit integer holds."""
TEXTS = ["P1", " P1", "\u3000", "\u3000P1", "\x85", "\x1f", " ", "", "\u00e9"]


def _cells(tallies: Tallies) -> dict[tuple[int, int], tuple[float, str]]:
    return {key: (cell.amount, str(cell.rows)) for key, cell in tallies.cells.items()}


def _export(tmp_path: Path, file: str, column: int, value: str) -> Path:
    """The tiny export with ``column`` of ``file``'s first data row (line 2) set to
    ``value``, quoted so that spaces and commas stay inside the field."""
    folder = tmp_path / "tiny"
    shutil.copytree(FIXTURES / "tiny", folder)
    path = folder / file
    header, first, *rest = path.read_text(encoding="utf-8").splitlines()
    fields = first.split(",")
    fields[column] = '"' + value + '"'
    path.write_text("\n".join([header, ",".join(fields), *rest]) + "\n", encoding="utf-8")
    return folder


def _trades(folder: Path) -> tuple[object, object]:
    windows = Windows(MONTHS, THROUGH)
    book = read_book(folder, ["cm1", "cm2"], windows)
    con = setwise_connection(folder, book, windows)
    assert con is not None
    found = total_trades(con, folder, book, windows, months=True)
    set_wise = None if found is None else (_cells(found.commission), found.first_trades)
    try:
        read = read_trades(folder, book, windows, months=True)
    except ExportError as error:
        return set_wise, error
    return set_wise, (_cells(read.commission), read.first_trades)


@pytest.mark.parametrize("value", DATES)
def test_a_date_is_taken_set_wise_only_as_the_streaming_reader_takes_it(
    tmp_path: Path, value: str
) -> None:
    set_wise, streamed = _trades(_export(tmp_path, "trades.csv", 0, value))
    if isinstance(streamed, ExportError):
        assert set_wise is None, streamed
    else:
        assert set_wise in (None, streamed)
    if value in ("2026-01-05", "2026/1/5", "2026/01/5"):
        assert set_wise is not None and set_wise == streamed


@pytest.mark.parametrize("column", [2, 3], ids=["volume", "commission"])
@pytest.mark.parametrize("value", NUMBERS)
def test_money_is_taken_set_wise_only_as_the_streaming_reader_takes_it(
    tmp_path: Path, value: str, column: int
) -> None:
    set_wise, streamed = _trades(_export(tmp_path, "trades.csv", column, value))
    if isinstance(streamed, ExportError):
        assert set_wise is None, streamed
    else:
        assert set_wise in (None, streamed)
    if value in ("25.00", " 25.5", "1e3", "12.345"):
        # The plain and the merely unusual stay on the fast path.
        assert set_wise is not None


@pytest.mark.parametrize("value", TEXTS)
def test_a_blank_is_taken_set_wise_only_as_the_streaming_reader_takes_it(
    tmp_path: Path, value: str
) -> None:
    folder = _export(tmp_path, "products.csv", 2, value)
    windows = Windows(MONTHS, THROUGH)
    book = read_book(folder, ["cm1", "cm2"], windows)
    con = setwise_connection(folder, book, windows)
    assert con is not None
    found = total_products(con, folder, windows)
    set_wise = None if found is None else (_cells(found.commission), found.first_purchases)
    try:
        read = read_products(folder, book, windows, holdings=False)
    except ExportError as error:
        assert set_wise is None, error
        return
    assert set_wise in (None, (_cells(read.commission), read.first_purchases))
    if value in ("P1", " P1", "\u3000P1", "\u00e9"):
        assert set_wise is not None
