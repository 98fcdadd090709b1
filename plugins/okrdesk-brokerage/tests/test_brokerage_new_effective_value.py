"""New effective accounts' market value: the accounts opened in a window that are effective
at its end, valued at the securities of their last snapshot on or before it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from okrdesk.periods import quarter_of

from brokerage_helpers import FIXTURES, MONTHS, SETTINGS, THROUGH, collect, setwise_connection
from brokerage_helpers import total_assets as total_assets_setwise
from okrdesk_brokerage.assets import read_assets
from okrdesk_brokerage.book import read_book
from okrdesk_brokerage.settings import read_settings
from okrdesk_brokerage.trading import read_trades
from okrdesk_brokerage.windows import Windows

METRIC = "new_effective_market_value"
QUARTER = quarter_of(dt.date(2026, 1, 1))


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """The tiny export, and A6 of cm1, opened on 03-02 with 3,000 of securities at its
    03-15 snapshot (assets.csv line 24), effective by its trade of 03-05 (trades.csv
    line 11) alone."""
    folder = shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    with (folder / "clients.csv").open("a", encoding="utf-8") as clients:
        clients.write("A6,cm1,individual,F,2026-03-02,\n")
    with (folder / "assets.csv").open("a", encoding="utf-8") as assets:
        assets.write("2026-03-15,A6,9000.00,3000.00\n")
    with (folder / "trades.csv").open("a", encoding="utf-8") as trades:
        trades.write("2026-03-05,A6,2000.00,0.50\n")
    return folder


def test_the_accounts_opened_in_a_window_and_effective_at_its_end_are_valued(
    export: Path,
) -> None:
    found = collect([METRIC], workspace=export.parent, periods=(*MONTHS, QUARTER))
    assert found.values(METRIC) == {
        # A3 opened 01-12 holds 6,000 of securities on 01-31 (line 8); A5 opened 01-28 has
        # neither a snapshot nor a trade: not effective
        ("cm1", "2026-01"): 6_000.0,
        # A4 opened 02-03 holds 1,000,000 on 02-28 (line 14)
        ("cm1", "2026-02"): 1_000_000.0,
        # A6: 3,000 on 03-15 (line 24), no more than the 5,000 minimum, but it traded on 03-05
        ("cm1", "2026-03"): 3_000.0,
        # Valued on 03-20: A4 holds 1,100,000 (line 20), A6 3,000 (line 24), A3 nothing (line
        # 19) but traded on 03-02 (trades.csv line 9)
        ("cm1", "2026-Q1"): 1_103_000.0,
        # B2 opened 01-20 has no snapshot by 01-31 but traded on 01-25 (trades.csv line 6):
        # effective, with no market value known
        ("cm2", "2026-01"): 0.0,
        ("cm2", "2026-02"): 0.0,
        ("cm2", "2026-03"): 0.0,
        # B2 holds 8,000 of securities from its 02-28 snapshot (line 16) on
        ("cm2", "2026-Q1"): 8_000.0,
    }
    assert found.sources(METRIC) == {
        ("cm1", "2026-01"): "assets.csv row 8",
        ("cm1", "2026-02"): "assets.csv row 14",
        ("cm1", "2026-03"): "assets.csv row 24; trades.csv row 11",
        ("cm1", "2026-Q1"): "assets.csv rows 19-20,24; trades.csv rows 9,11",
        ("cm2", "2026-01"): "trades.csv row 6",
        # No account opened: 0, resting on the clients the CM had (B4 closed on 03-10)
        ("cm2", "2026-02"): "no row of assets.csv counts, so 0; clients.csv rows 7-8,10",
        ("cm2", "2026-03"): "no row of assets.csv counts, so 0; clients.csv rows 7-8",
        ("cm2", "2026-Q1"): "assets.csv row 16",
    }


def test_the_assets_rows_cited_add_up_to_the_figure(export: Path) -> None:
    found = collect([METRIC], workspace=export.parent, periods=(*MONTHS, QUARTER))
    lines = (export / "assets.csv").read_text(encoding="utf-8").splitlines()
    for key, source in found.sources(METRIC).items():
        cited = source.split("; ")[0]
        if not cited.startswith("assets.csv"):
            assert found.values(METRIC)[key] == 0.0, key
            continue
        rows = [
            row
            for run in cited.split(" ", 2)[2].split(",")
            for row in range(int(run.split("-")[0]), int(run.split("-")[-1]) + 1)
        ]
        securities = sum(float(lines[row - 1].split(",")[3]) for row in rows)
        assert found.values(METRIC)[key] == securities, key


def test_the_set_wise_and_streaming_readers_agree(export: Path) -> None:
    windows = Windows((*MONTHS, QUARTER), THROUGH)
    book = read_book(export, ["cm1", "cm2", "cm3"], windows)
    settings = read_settings(SETTINGS, FIXTURES)
    trades = read_trades(export, book, windows, months=True).first_trades
    streamed = read_assets(export, book, windows, settings, trades)
    con = setwise_connection(export, book, windows)
    assert con is not None
    found = total_assets_setwise(con, export, book, windows, settings, trades)
    assert found is not None
    for part in ("new_effective_value", "new_effective_by_trades"):
        cells = {k: (c.amount, str(c.rows)) for k, c in getattr(found, part).cells.items()}
        expected = {k: (c.amount, str(c.rows)) for k, c in getattr(streamed, part).cells.items()}
        assert cells and cells == expected, part
