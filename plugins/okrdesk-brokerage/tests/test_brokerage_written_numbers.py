"""Money written the way Excel saves a column formatted with thousands separators is read;
a comma that may be a decimal mark is refused at its file, line and column."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Any

import pytest

from brokerage_helpers import FIXTURES, MONTHS, SETTINGS, THROUGH, collect, setwise_connection
from okrdesk_brokerage.assets import read_assets
from okrdesk_brokerage.book import read_book
from okrdesk_brokerage.funding import total_funding
from okrdesk_brokerage.settings import read_settings
from okrdesk_brokerage.tally import Tallies
from okrdesk_brokerage.trading import read_trades, total_trades
from okrdesk_brokerage.windows import Windows

MONEY = {
    "assets.csv": ("total_assets", "securities_assets"),
    "trades.csv": ("volume", "commission"),
    "funding.csv": ("amount",),
    "products.csv": ("amount", "commission"),
}


def _cells(tallies: Tallies) -> dict[tuple[int, int], tuple[float, str]]:
    return {key: (cell.amount, str(cell.rows)) for key, cell in tallies.cells.items()}


def _set_wise(folder: Path, book: Any, windows: Windows) -> tuple[Any, Any]:
    """The funding and trade totals DuckDB reads from ``folder``'s files, set-wise."""
    con = setwise_connection(folder, book, windows)
    assert con is not None
    funding = total_funding(con, folder, windows)
    trades = total_trades(con, folder, book, windows, months=True)
    assert funding is not None and trades is not None
    return funding, trades


def _grouped(text: str) -> str:
    """``text``, a plain amount, as Excel writes it with thousands separators."""
    if not text:
        return text
    whole, point, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}{point}{fraction}"


def _excel(folder: Path, name: str, delimiter: str) -> int:
    """Rewrite ``name`` in ``folder`` with ``delimiter`` and its money grouped, quoted where
    the delimiter is a comma, as Excel does; the cells changed."""
    path = folder / name
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    at = [rows[0].index(column) for column in MONEY[name]]
    changed = 0
    for row in rows[1:]:
        for position in at:
            written = _grouped(row[position])
            changed += written != row[position]
            row[position] = written
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return changed


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_money_with_thousands_separators_gives_the_plain_export_s_figures(
    tmp_path: Path, delimiter: str
) -> None:
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    changed = sum(_excel(tmp_path / "tiny", name, delimiter) for name in MONEY)
    assert changed > 10
    text = (tmp_path / "tiny" / "funding.csv").read_text(encoding="utf-8")
    assert ("1,500,000.00" in text) and (('"1,500,000.00"' in text) == (delimiter == ","))
    plain, excel = collect(), collect(workspace=tmp_path)
    assert excel.errors == [] and excel.warnings == plain.warnings
    assert excel.observations == plain.observations
    assert excel.slices == plain.slices


def test_the_set_wise_and_the_streaming_reader_both_read_them(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    for name in MONEY:
        _excel(tmp_path / "tiny", name, "\t")
    folder, fixture = tmp_path / "tiny", FIXTURES / "tiny"
    windows = Windows(MONTHS, THROUGH)
    book = read_book(folder, ["cm1", "cm2"], windows)
    # Set-wise: the file is not left to the streaming reader.
    funding, trades = _set_wise(folder, book, windows)
    plain_funding, plain_trades = _set_wise(fixture, book, windows)
    assert funding.net.cells and _cells(funding.net) == _cells(plain_funding.net)
    assert _cells(trades.commission) == _cells(plain_trades.commission)
    # Streaming: the same.
    streamed = read_trades(folder, book, windows, months=True)
    plain_streamed = read_trades(fixture, book, windows, months=True)
    assert streamed.commission.cells
    assert _cells(streamed.commission) == _cells(plain_streamed.commission)
    settings = read_settings(SETTINGS, FIXTURES)
    grouped_assets = read_assets(folder, book, windows, settings, streamed.first_trades)
    plain_assets = read_assets(fixture, book, windows, settings, plain_streamed.first_trades)
    assert grouped_assets.aum.cells and _cells(grouped_assets.aum) == _cells(plain_assets.aum)


@pytest.mark.parametrize(
    ("delimiter", "cell", "en", "zh"),
    [
        (";", "1.500.000,00", ": write its decimal mark as a point (1500000.00)",
         "：小数点请写成英文句点（1500000.00）"),
        (",", '"1.500.000,00"', ": write its decimal mark as a point (1500000.00)",
         "：小数点请写成英文句点（1500000.00）"),
        ("\t", "1500000,5", ": its comma is no thousands separator (one before each group of "
         "three digits); if it is a decimal mark, write a point (1500000.5)",
         "：其中的逗号不是千位分隔符（每三位数字前一个）；如果它是小数点，请写成英文句点（1500000.5）"),
        (",", '"1,50,000.00"', "", ""),  # grouped in twos, as in India: not Excel's thousands
    ],
)  # fmt: skip
def test_a_comma_that_may_be_a_decimal_mark_is_refused_at_its_cell(
    tmp_path: Path, delimiter: str, cell: str, en: str, zh: str
) -> None:
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    path = tmp_path / "tiny" / "funding.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [line.replace(",", delimiter) for line in lines]
    lines[3] = delimiter.join([*lines[3].split(delimiter)[:2], cell])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = collect(["net_new_aum"], workspace=tmp_path)
    shown = repr(cell.strip('"'))
    assert found.errors == [
        ("net_new_aum", f"funding.csv:4: column 'amount': {shown} is not a number{en}")
    ]
    assert found.errors_zh == [("net_new_aum", f"funding.csv:4：amount 列：{shown} 不是数字{zh}")]


def test_rows_excel_leaves_below_the_data_keep_the_set_wise_reader(tmp_path: Path) -> None:
    # Excel saves ",," for each row below the data that was once formatted, and a blank
    # line or two: the files a CRM export opened and saved in Excel end so. Each such file
    # was read row by row in Python, at a firm's size many times slower.
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    folder, fixture = tmp_path / "tiny", FIXTURES / "tiny"
    _excel(folder, "funding.csv", ",")  # and grouped amounts, quoted: the two together
    for path in folder.glob("*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines()
        commas = "," * lines[0].count(",")
        lines += [commas, commas, "", commas]
        path.write_bytes("".join(f"{line}\r\n" for line in lines).encode())
    windows = Windows(MONTHS, THROUGH)
    book = read_book(folder, ["cm1", "cm2"], windows)
    funding, trades = _set_wise(folder, book, windows)  # the client book, set-wise
    plain_funding, plain_trades = _set_wise(fixture, book, windows)
    assert _cells(funding.net) == _cells(plain_funding.net)
    assert _cells(trades.commission) == _cells(plain_trades.commission)
    assert collect(workspace=tmp_path).observations == collect().observations
