"""The funnel rates follow the cohort of accounts opened in each window.

Cohorts: cm1 January A3 (clients.csv line 4) and A5 (6); cm1 February A4 (5);
cm2 January B2 (8). First inflows on or before 03-20: A3 01-13 (funding.csv line
2), A4 02-04 (4), B2 02-20 (6). First purchases: A4 02-12 (products.csv line 7),
B2 03-05 (8).
"""

from __future__ import annotations

import datetime as dt

from brokerage_helpers import Collector, collect
from okrdesk_brokerage.metrics import METRICS


def test_open_to_fund_rate(tiny: Collector) -> None:
    assert tiny.ratios("open_to_fund_rate") == {
        ("cm1", "2026-01"): (1, 2),  # A3 funded, A5 never
        ("cm1", "2026-02"): (1, 1),  # A4
        ("cm2", "2026-01"): (1, 1),  # B2, funded in February: still counts for January
    }
    assert tiny.sources("open_to_fund_rate") == {
        ("cm1", "2026-01"): "clients.csv rows 4,6; funding.csv row 2",
        ("cm1", "2026-02"): "clients.csv row 5; funding.csv row 4",
        ("cm2", "2026-01"): "clients.csv row 8; funding.csv row 6",
    }


def test_open_to_purchase_rate(tiny: Collector) -> None:
    assert tiny.ratios("open_to_purchase_rate") == {
        ("cm1", "2026-01"): (0, 2),  # neither A3 nor A5 bought a product
        ("cm1", "2026-02"): (1, 1),  # A4 bought P01
        ("cm2", "2026-01"): (1, 1),  # B2 bought P04 in March
    }
    assert tiny.sources("open_to_purchase_rate") == {
        ("cm1", "2026-01"): "clients.csv rows 4,6",
        ("cm1", "2026-02"): "clients.csv row 5; products.csv row 7",
        ("cm2", "2026-01"): "clients.csv row 8; products.csv row 8",
    }


def test_empty_account_rate(tiny: Collector) -> None:
    assert tiny.ratios("empty_account_rate") == {
        ("cm1", "2026-01"): (1, 2),  # A5: 2 opened - 1 funded
        ("cm1", "2026-02"): (0, 1),
        ("cm2", "2026-01"): (0, 1),
    }


def test_funding_after_through_does_not_count() -> None:
    # Through 02-19, B2's first inflow (02-20) has not happened yet: January's cm2
    # cohort is one unfunded account.
    found = collect(["empty_account_rate"], through=dt.date(2026, 2, 19))
    assert found.ratios("empty_account_rate")[("cm2", "2026-01")] == (1, 1)


def test_the_cohort_rates_never_settle_and_nothing_else_is_a_cohort() -> None:
    """A later collect restates a cohort's month as its accounts fund (B2 above): the
    rates say so, and okrdesk does not tell it as a revision. Every other metric's
    figure is final when its period ends."""
    cohorts = {"open_to_fund_rate", "open_to_purchase_rate", "empty_account_rate"}
    for spec in METRICS:
        assert spec.settles_after_days == (None if spec.name in cohorts else 0), spec.name
        assert ("collection day" in spec.description) == (spec.name in cohorts), spec.name
