"""Product sales by product type: the slices the plugin emits beside the whole, from the
product master (product_types.csv), set-wise and streamed alike."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from okrdesk.periods import Grain, periods_between

from brokerage_helpers import FIXTURES, Collector, collect, setwise_connection
from okrdesk_brokerage.book import read_book
from okrdesk_brokerage.catalogue import read_catalogue
from okrdesk_brokerage.products import read_products, total_products
from okrdesk_brokerage.windows import Windows
from okrdesk_brokerage_synthetic.generator import firm_cm_ids, generate


def test_the_tiny_exports_sales_split_by_type_and_add_up(tiny: Collector) -> None:
    # Buys in the windows: line 5 A1 P03 200,000 (Jan), line 7 A4 P01 300,000 (Feb),
    # line 8 B2 P04 5,000 (Mar, P04 is not in the master), line 10 A1 P01 20,000 (Mar).
    # The redemptions on lines 6 and 9 are not sales.
    assert tiny.values("product_sales") == {
        ("cm1", "2026-01"): 200_000.0,
        ("cm1", "2026-02"): 300_000.0,
        ("cm1", "2026-03"): 20_000.0,
        ("cm2", "2026-01"): 0.0,  # no buy of cm2's until March: none, in no type
        ("cm2", "2026-02"): 0.0,
        ("cm2", "2026-03"): 5_000.0,
    }
    found = {key[1:]: o.value for key, o in tiny.slices.items() if key[0] == "product_sales"}
    assert found == {
        ("cm1", "2026-01", "product=私募固收"): 200_000.0,
        ("cm1", "2026-02", "product=公募基金"): 300_000.0,
        ("cm1", "2026-03", "product=公募基金"): 20_000.0,
        ("cm2", "2026-03", "product=未分类"): 5_000.0,
    }
    assert tiny.slices[("product_sales", "cm1", "2026-03", "product=公募基金")].source == (
        "products.csv row 10"
    )
    assert tiny.sources("product_sales")[("cm1", "2026-01")] == "products.csv row 5"


def _with_master(tmp_path: Path, text: str | None) -> Path:
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    path = tmp_path / "tiny" / "product_types.csv"
    if text is None:
        path.unlink()
    else:
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_a_bad_master_row_fails_product_sales_alone(tmp_path: Path, tiny: Collector) -> None:
    workspace = _with_master(tmp_path, "product_id,product_type\nP01,公募基金\nP02,\n")
    found = collect(workspace=workspace)
    assert found.errors == [
        ("product_sales", "product_types.csv:3: column 'product_type': value is empty")
    ]
    assert not found.of("product_sales")
    assert found.observations == {
        k: o for k, o in tiny.observations.items() if k[0] != "product_sales"
    }


def test_a_product_listed_twice_names_both_lines(tmp_path: Path) -> None:
    workspace = _with_master(tmp_path, "product_id,product_type\nP01,公募基金\nP01,权益类\n")
    found = collect(["product_sales", "products_per_client"], workspace=workspace)
    assert found.errors == [
        ("product_sales",
         "product_types.csv:3: column 'product_id': duplicate product 'P01' (see line 2)")
    ]  # fmt: skip
    assert found.of("products_per_client")


def test_no_master_fails_product_sales_alone(tmp_path: Path) -> None:
    found = collect(["product_sales", "nps"], workspace=_with_master(tmp_path, None))
    assert [metric for metric, _ in found.errors] == ["product_sales"]
    assert "product_types.csv: file not found" in found.errors[0][1]
    assert found.of("nps")


def test_the_type_slices_add_up_to_the_whole_both_ways(tmp_path: Path) -> None:
    folder = tmp_path / "crm"
    cms = firm_cm_ids(1)
    start, end = dt.date(2026, 1, 1), dt.date(2026, 4, 30)
    generate(folder, cms, start=start, end=end, snapshot="month")
    windows = Windows(list(periods_between(start, end, Grain.MONTH)), end)
    book = read_book(folder, cms, windows)
    catalogue = read_catalogue(folder)
    assert len(catalogue) == 40 and set(catalogue.values()) == {
        "公募基金", "私募固收", "权益类", "资管计划", "家族信托"
    }  # fmt: skip
    con = setwise_connection(folder, book, windows)
    assert con is not None
    setwise = total_products(con, folder, windows, catalogue=catalogue)
    streamed = read_products(folder, book, windows, holdings=False, catalogue=catalogue)
    assert setwise is not None
    for found in (setwise, streamed):
        assert found.sales.cells
        for key, cell in found.sales.cells.items():
            assert sum(t.amount(key) for t in found.sales_by_type.values()) == cell.amount, key
    assert set(setwise.sales_by_type) == set(streamed.sales_by_type)
    for kind, tallies in streamed.sales_by_type.items():
        assert {
            k: (c.amount, str(c.rows)) for k, c in setwise.sales_by_type[kind].cells.items()
        } == {k: (c.amount, str(c.rows)) for k, c in tallies.cells.items()}
