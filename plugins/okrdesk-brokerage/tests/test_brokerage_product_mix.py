"""Product commission share and products per client."""

from __future__ import annotations

from brokerage_helpers import Collector


def test_product_commission_share(tiny: Collector) -> None:
    assert tiny.ratios("product_commission_share") == {
        # P03 1,200.00 (products.csv line 5) / (1,200.00 + trades 67.50)
        ("cm1", "2026-01"): (1_200.0, 1_267.5),
        # redemption 0.00 (6) + P01 2,100.00 (7) / (2,100.00 + trades 10.00)
        ("cm1", "2026-02"): (2_100.0, 2_110.0),
        # top-up 100.00 (10) / (100.00 + trades 2.50)
        ("cm1", "2026-03"): (100.0, 102.5),
        # no product sales / trades 7.00
        ("cm2", "2026-01"): (0.0, 7.0),
        # P04 25.00 (8) + redemption fee 10.00 (9), no trades (03-21 is after through)
        ("cm2", "2026-03"): (35.0, 35.0),
    }
    assert tiny.sources("product_commission_share") == {
        ("cm1", "2026-01"): "products.csv row 5; trades.csv rows 2-3,5",
        ("cm1", "2026-02"): "products.csv rows 6-7; trades.csv row 7",
        ("cm1", "2026-03"): "products.csv row 10; trades.csv row 9",
        ("cm2", "2026-01"): "trades.csv rows 4,6",
        ("cm2", "2026-03"): "products.csv rows 8-9",
    }


def test_products_per_client(tiny: Collector) -> None:
    assert tiny.ratios("products_per_client") == {
        # A1 holds P01 (line 2), P02 (3), P03 (5) / open: A1, A2, A3, A5
        ("cm1", "2026-01"): (3, 4),
        # A1 redeemed P02 on 02-10: A1 P01, P03 + A4 P01 (7) / A1, A3, A4, A5
        ("cm1", "2026-02"): (3, 4),
        # A1 topped up P01 (10): still one product
        ("cm1", "2026-03"): (3, 4),
        ("cm2", "2026-01"): (1, 3),  # B1 P01 (4) / B1, B2, B4
        ("cm2", "2026-02"): (1, 3),
        ("cm2", "2026-03"): (1, 2),  # B1 redeemed 03-18; B2 P04 (8) / B1, B2
    }
    # Holdings are replayed from rows all over the file, so the source gives the span of
    # the purchases behind them (2, 3, 5 -> 2-5) rather than every row. The clients cited
    # are those the denominator counts, open at the window's end: not A4 (row 5) before
    # it opened, nor A2 (3) once closed, nor B3 (9), opened after the 03-20 collect.
    assert tiny.sources("products_per_client") == {
        ("cm1", "2026-01"): "products.csv rows 2-5; clients.csv rows 2-4,6",
        ("cm1", "2026-02"): "products.csv rows 2-7; clients.csv rows 2,4-6",
        ("cm1", "2026-03"): "products.csv rows 2-7; clients.csv rows 2,4-6",
        ("cm2", "2026-01"): "products.csv row 4; clients.csv rows 7-8,10",
        ("cm2", "2026-02"): "products.csv row 4; clients.csv rows 7-8,10",
        ("cm2", "2026-03"): "products.csv row 8; clients.csv rows 7-8",
    }
