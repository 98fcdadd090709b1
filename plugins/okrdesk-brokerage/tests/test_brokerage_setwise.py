"""The set-wise totals (DuckDB) equal the streaming reader's, row citations included."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from okrdesk.periods import Grain, periods_between, quarter_of

from brokerage_helpers import (
    FIXTURES,
    MONTHS,
    SETTINGS,
    THROUGH,
    collect,
    setwise_connection,
    total_assets,
)
from okrdesk_brokerage import engine
from okrdesk_brokerage.assets import read_assets
from okrdesk_brokerage.book import Book, read_book, total_book
from okrdesk_brokerage.feedback import (
    read_complaints,
    read_surveys,
    total_complaints,
    total_surveys,
)
from okrdesk_brokerage.funding import read_funding, total_funding
from okrdesk_brokerage.products import read_products, total_products
from okrdesk_brokerage.provenance import RowSpans
from okrdesk_brokerage.settings import read_settings
from okrdesk_brokerage.tally import Tallies
from okrdesk_brokerage.trading import read_trades, total_trades
from okrdesk_brokerage.windows import Windows
from okrdesk_brokerage_synthetic.generator import firm_cm_ids, generate

START, END = dt.date(2026, 1, 1), dt.date(2026, 5, 20)


def _cells(tallies: Tallies) -> dict[tuple[int, int], tuple[float, str]]:
    return {key: (cell.amount, str(cell.rows)) for key, cell in tallies.cells.items()}


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Book, Windows]]:
    folder = tmp_path_factory.mktemp("firm") / "crm"
    cms = firm_cm_ids(1)
    generate(folder, cms, start=START, end=END, snapshot="month")
    periods = [*periods_between(START, END, Grain.MONTH), quarter_of(START)]
    windows = Windows(periods, END)
    # Ask about half the CMs: the others' clients must be recognised, not totalled.
    yield folder, read_book(folder, cms[::2], windows), windows


def test_trades_funding_products_and_surveys_give_the_streaming_figures(
    export: tuple[Path, Book, Windows],
) -> None:
    folder, book, windows = export
    con = setwise_connection(folder, book, windows)
    assert con is not None
    trading = total_trades(con, folder, book, windows, months=True)
    funding = total_funding(con, folder, windows)
    surveys = total_surveys(con, folder, windows)
    assert trading is not None and funding is not None and surveys is not None
    streamed = read_trades(folder, book, windows, months=True)
    assert trading.commission.cells and _cells(trading.commission) == _cells(streamed.commission)
    assert trading.first_trades == streamed.first_trades
    streamed_funding = read_funding(folder, book, windows)
    assert _cells(funding.net) == _cells(streamed_funding.net)
    assert _cells(funding.outflows) == _cells(streamed_funding.outflows)
    assert funding.first_inflows == streamed_funding.first_inflows
    products = total_products(con, folder, windows)
    assert products is not None
    streamed_products = read_products(folder, book, windows, holdings=False)
    assert _cells(products.commission) == _cells(streamed_products.commission)
    assert products.first_purchases == streamed_products.first_purchases
    streamed_surveys = read_surveys(folder, book, windows)
    assert _cells(surveys.net_promoters) == _cells(streamed_surveys.net_promoters)
    assert _cells(surveys.responses) == _cells(streamed_surveys.responses)


def test_products_held_give_the_streaming_figures(export: tuple[Path, Book, Windows]) -> None:
    folder, book, windows = export
    con = setwise_connection(folder, book, windows)
    assert con is not None
    products = total_products(con, folder, windows, holdings=True)
    assert products is not None
    streamed = read_products(folder, book, windows, holdings=True)
    assert products.held.cells and _cells(products.held) == _cells(streamed.held)
    assert _cells(products.commission) == _cells(streamed.commission)


def test_holdings_follow_buys_and_redeems_on_the_same_day_in_file_order(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    folder = tmp_path / "tiny"
    path = folder / "products.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    client = rows[0].split(",")[1]
    extra = [  # bought twice, redeemed, redeemed again, bought and redeemed the same day
        f"2026-01-05,{client},P9,buy,100,1", f"2026-01-06,{client},P9,buy,100,1",
        f"2026-02-02,{client},P9,redeem,100,0", f"2026-02-03,{client},P9,redeem,100,0",
        f"2026-02-10,{client},P8,buy,100,1", f"2026-02-10,{client},P8,redeem,100,0",
        f"2026-03-02,{client},P9,buy,100,1",
    ]  # fmt: skip
    path.write_text("\n".join([header, *rows, *extra]) + "\n", encoding="utf-8")
    windows = Windows(MONTHS, THROUGH)
    book = read_book(folder, ["cm1", "cm2", "cm3"], windows)
    con = setwise_connection(folder, book, windows)
    assert con is not None
    products = total_products(con, folder, windows, holdings=True)
    assert products is not None
    streamed = read_products(folder, book, windows, holdings=True)
    assert _cells(products.held) == _cells(streamed.held)


def test_complaints_give_the_streaming_figures() -> None:
    folder = FIXTURES / "tiny"
    windows = Windows(MONTHS, THROUGH)
    book = read_book(folder, ["cm1", "cm2"], windows)
    con = setwise_connection(folder, book, windows)
    assert con is not None
    found = total_complaints(con, folder, windows)
    assert found is not None and found.cells
    assert _cells(found) == _cells(read_complaints(folder, book, windows))


@pytest.mark.parametrize("effective", [True, False])
def test_assets_give_the_streaming_figures(
    export: tuple[Path, Book, Windows], effective: bool
) -> None:
    folder, book, windows = export
    settings = read_settings({"data": str(folder), "institutional_weight": 2}, folder)
    con = setwise_connection(folder, book, windows)
    assert con is not None
    trades = read_trades(folder, book, windows, months=True).first_trades if effective else None
    found = total_assets(con, folder, book, windows, settings, trades)
    assert found is not None
    streamed = read_assets(folder, book, windows, settings, trades)
    parts = ("aum", "new_hnw", "closed_assets", "effective_by_assets", "effective_by_trades",
             "new_effective_value", "new_effective_by_trades")  # fmt: skip
    for part in parts:
        assert _cells(getattr(found, part)) == _cells(getattr(streamed, part)), part
    assert found.aum.cells and (found.effective_by_trades.cells or not effective)
    assert found.new_effective_value.cells or not effective
    assert found.first_day == streamed.first_day
    assert [(t.amount, str(t.rows)) for t in found.first_total] == [
        (t.amount, str(t.rows)) for t in streamed.first_total
    ]


def test_the_set_wise_path_builds_no_python_object_per_client(
    export: tuple[Path, Book, Windows],
) -> None:
    """The client book's lists and the first trades stay in DuckDB unless a file falls
    back to the streaming reader: at firm scale they were hundreds of MB of objects."""
    folder, streamed, windows = export
    settings = read_settings({"data": str(folder)}, folder)
    con = engine.connect()
    engine.load_windows(con, windows)
    book = total_book(con, folder, list(streamed.cms), windows)
    assert book is not None
    trading = total_trades(con, folder, book, windows, months=True)
    assert trading is not None and trading.table is not None
    found = total_assets(con, folder, book, windows, settings, trading.table)
    assert found is not None
    assert "ids" not in vars(book) and vars(trading)["_first_trades"] is None
    firsts = read_trades(folder, streamed, windows, months=True).first_trades
    expected = read_assets(folder, streamed, windows, settings, firsts)
    assert found.effective_by_trades.cells
    assert _cells(found.effective_by_trades) == _cells(expected.effective_by_trades)
    assert _cells(found.effective_by_assets) == _cells(expected.effective_by_assets)


def test_the_tiny_export_is_totalled_set_wise() -> None:
    folder = FIXTURES / "tiny"
    windows = Windows(MONTHS, THROUGH)
    book = read_book(folder, ["cm1", "cm2", "cm3"], windows)
    con = setwise_connection(folder, book, windows)
    assert con is not None
    settings = read_settings(SETTINGS, FIXTURES)
    trading = total_trades(con, folder, book, windows, months=True)
    assert trading is not None
    assert total_assets(con, folder, book, windows, settings, trading.first_trades) is not None
    assert total_funding(con, folder, windows) is not None
    assert total_surveys(con, folder, windows) is not None
    assert total_products(con, folder, windows, holdings=True) is not None
    assert total_complaints(con, folder, windows) is not None


def test_a_file_whose_lines_are_not_its_rows_is_left_to_the_streaming_reader(
    tmp_path: Path,
) -> None:
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    path = tmp_path / "tiny" / "trades.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines[:3], "", *lines[3:]]) + "\n", encoding="utf-8")
    folder = tmp_path / "tiny"
    windows = Windows(MONTHS, THROUGH)
    book = read_book(folder, ["cm1", "cm2"], windows)
    con = setwise_connection(folder, book, windows)
    assert con is not None
    assert total_trades(con, folder, book, windows, months=True) is None
    found = collect(["commission_revenue"], workspace=tmp_path)
    # The blank line 4 moves every later row down one line.
    assert found.sources("commission_revenue")[("cm1", "2026-01")] == "trades.csv rows 2-3,6"
    assert found.values("commission_revenue")[("cm1", "2026-01")] == 67.5


def test_no_extension_is_installed_or_loaded_on_demand() -> None:
    con = engine.connect()
    settings = dict(
        con.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name LIKE 'auto%known_extensions'"
        ).fetchall()
    )
    assert settings == {
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
    }


def test_a_byte_order_mark_crlf_quotes_and_extra_columns_stay_set_wise(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    folder = tmp_path / "tiny"
    path = folder / "trades.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    widened = ["note," + rows[0], *(f'"a, ""quoted"" note",{row}' for row in rows[1:])]
    path.write_bytes(("\ufeff" + "\r\n".join(widened) + "\r\n").encode("utf-8"))
    windows = Windows(MONTHS, THROUGH)
    book = read_book(folder, ["cm1", "cm2"], windows)
    con = setwise_connection(folder, book, windows)
    assert con is not None
    found = total_trades(con, folder, book, windows, months=True)
    assert found is not None
    streamed = read_trades(folder, book, windows, months=True)
    assert _cells(found.commission) == _cells(streamed.commission)
    assert _cells(found.commission)[(0, 0)] == (6750, "2-3,5")


def _book(book: Book) -> dict[str, object]:
    return {
        "ids": book.ids, "cm": book.cm, "opened": book.opened, "closed": book.closed,
        "institutional": book.institutional, "row": book.row,
        "held": _cells(book.held), "first_open": book.first_open,
        "gone": {key: str(rows) for key, rows in book.gone.items()},
        "opened_in": _cells(book.opened_in), "closed_in": _cells(book.closed_in),
        "cohorts": book.cohorts, "open_at": book.open_at,
        "cohort_rows": {key: str(rows) for key, rows in book.cohort_rows.items()},
    }  # fmt: skip


@pytest.mark.parametrize("generated", [True, False])
def test_the_client_book_is_the_streaming_one(
    export: tuple[Path, Book, Windows], generated: bool, tmp_path: Path
) -> None:
    folder, streamed, windows = export
    cms = list(streamed.cms)
    if not generated:
        # B4 closes on a checkpoint (a month's last day): open the day before, not on it.
        folder = tmp_path / "tiny"
        shutil.copytree(FIXTURES / "tiny", folder)
        clients = folder / "clients.csv"
        text = clients.read_text(encoding="utf-8").replace("2026-03-10", "2026-01-31")
        clients.write_text(text, encoding="utf-8")
        cms, windows = ["cm1", "cm2"], Windows(MONTHS, THROUGH)
        streamed = read_book(folder, cms, windows)
    con = engine.connect()
    engine.load_windows(con, windows)
    found = total_book(con, folder, cms, windows)
    assert found is not None
    assert _book(found) == _book(streamed)
    assert found.cohorts and found.closed_in.cells and any(map(any, found.open_at))


def test_a_bad_client_row_leaves_the_book_to_the_streaming_reader(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    path = tmp_path / "tiny" / "clients.csv"
    header, first, *rest = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([header, first, first, *rest]) + "\n", encoding="utf-8")
    con = engine.connect()
    windows = Windows(MONTHS, THROUGH)
    engine.load_windows(con, windows)
    assert total_book(con, tmp_path / "tiny", ["cm1"], windows) is None


@pytest.mark.parametrize("ending", ["", "\n\n"], ids=["no line break", "a blank last line"])
def test_the_last_line_is_counted_set_wise_as_the_streaming_reader_counts_it(
    tmp_path: Path, ending: str
) -> None:
    """The rows read are counted from the last row kept (rows are read straight into
    the rows kept, never held whole): a last row without a line break is a row, and a
    blank line after it none (Excel leaves blank rows below the data)."""
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    folder = tmp_path / "tiny"
    path = folder / "trades.csv"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + ending, encoding="utf-8")
    windows = Windows(MONTHS, THROUGH)
    book = read_book(folder, ["cm1", "cm2"], windows)
    con = setwise_connection(folder, book, windows)
    assert con is not None
    found = total_trades(con, folder, book, windows, months=False)
    assert found is not None
    streamed = read_trades(folder, book, windows, months=False)
    assert _cells(found.commission) == _cells(streamed.commission)


def test_a_file_of_a_header_alone_is_totalled_set_wise(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    folder = tmp_path / "tiny"
    path = folder / "trades.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    windows = Windows(MONTHS, THROUGH)
    book = read_book(folder, ["cm1", "cm2"], windows)
    con = setwise_connection(folder, book, windows)
    assert con is not None
    found = total_trades(con, folder, book, windows, months=True)
    assert found is not None
    assert not found.commission.cells and not found.first_trades


def test_runs_are_written_in_sql_as_row_spans_write_them() -> None:
    """``engine.RUNS`` writes a sorted list of lines the way ``RowSpans`` does, for single
    lines, one run, and runs of every length apart."""
    generator = random.Random(16)
    lists = [[5], [5, 6], [5, 7], [5, 6, 8], [5, 7, 8], [2, 3, 4, 9, 10, 12], [2, 4, 6, 8]]
    for _ in range(500):
        line, found = generator.randint(2, 50), []
        for _ in range(generator.randint(1, 40)):
            line += generator.choice([1, 1, 1, 2, 3, 10])
            found.append(line)
        lists.append(found)
    con = engine.connect()
    written = con.execute(
        f"SELECT {engine.RUNS} FROM (SELECT unnest(range(?)) AS k, "
        "unnest(?::BIGINT[][]) AS lines) ORDER BY k",
        [len(lists), lists],
    ).fetchall()
    assert [text for (text,) in written] == [str(RowSpans(lines)) for lines in lists]


def test_a_client_snapshot_before_the_last_one_leaves_assets_to_the_streaming_reader(
    tmp_path: Path,
) -> None:
    """A1's snapshot of 2026-02-28 moved below its snapshot of 2026-03-15: DuckDB's pass
    gives the file up, and the streaming reader names both lines."""
    folder = shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    path = folder / "assets.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    moved = lines.pop(11)  # line 12, A1 on 2026-02-28
    assert moved.startswith("2026-02-28,A1,") and lines[16].startswith("2026-03-15,A1,")
    lines.insert(17, moved)  # now line 18, after A1 on 2026-03-15 (now line 17)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    windows = Windows(MONTHS, THROUGH)
    book = read_book(folder, ["cm1", "cm2"], windows)
    con = setwise_connection(folder, book, windows)
    assert con is not None
    settings = read_settings(SETTINGS, FIXTURES)
    assert total_assets(con, folder, book, windows, settings, None) is None
    found = collect(["aum"], workspace=tmp_path)
    assert not found.of("aum")
    message = found.errors[0][1]
    assert "assets.csv" in message and "18" in message and "(line 17)" in message, message
    assert "must be in date order" in message, message
