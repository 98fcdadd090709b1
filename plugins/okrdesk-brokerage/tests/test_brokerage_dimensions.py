"""New HNW clients by gender: the slices the plugin emits beside the whole, set-wise and
streamed alike, adding up to the whole."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from okrdesk.periods import Grain, periods_between

from brokerage_helpers import Collector, setwise_connection, total_assets
from okrdesk_brokerage.assets import read_assets
from okrdesk_brokerage.book import read_book
from okrdesk_brokerage.settings import read_settings
from okrdesk_brokerage.windows import Windows
from okrdesk_brokerage_synthetic.generator import firm_cm_ids, generate


def test_the_tiny_exports_new_hnw_clients_are_women(tiny: Collector) -> None:
    # A1 (line 2 of clients.csv, F) crosses in January, A4 (line 5, F) in February.
    found = {key[1:]: o.value for key, o in tiny.slices.items() if key[0] == "new_hnw_clients"}
    assert found == {("cm1", "2026-01", "gender=female"): 1.0,
                     ("cm1", "2026-02", "gender=female"): 1.0}  # fmt: skip
    assert tiny.slices[("new_hnw_clients", "cm1", "2026-01", "gender=female")].source == (
        "assets.csv row 6"
    )


def test_the_gender_slices_add_up_to_the_whole_both_ways(tmp_path: Path) -> None:
    folder = tmp_path / "crm"
    cms = firm_cm_ids(1)
    start, end = dt.date(2026, 1, 1), dt.date(2026, 4, 30)
    generate(folder, cms, start=start, end=end, snapshot="month")
    windows = Windows(list(periods_between(start, end, Grain.MONTH)), end)
    book = read_book(folder, cms, windows)
    settings = read_settings({"data": str(folder), "hnw_threshold": 1_000_000}, folder)
    con = setwise_connection(folder, book, windows)
    assert con is not None
    setwise = total_assets(con, folder, book, windows, settings, None)
    streamed = read_assets(folder, book, windows, settings, None)
    assert setwise is not None
    for found in (setwise, streamed):
        for key, cell in found.new_hnw.cells.items():
            parts = [t.amount(key) for t in found.new_hnw_by_gender.values()]
            assert sum(parts) == cell.amount, key
    assert sum(c.amount for c in setwise.new_hnw_by_gender["F"].cells.values()) > 0
    for gender in ("F", "M", ""):
        assert {k: c.amount for k, c in setwise.new_hnw_by_gender[gender].cells.items()} == {
            k: c.amount for k, c in streamed.new_hnw_by_gender[gender].cells.items()
        }
