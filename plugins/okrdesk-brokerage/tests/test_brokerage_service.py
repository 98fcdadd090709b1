"""NPS and complaint rate."""

from __future__ import annotations

from brokerage_helpers import Collector


def test_nps(tiny: Collector) -> None:
    assert tiny.ratios("nps") == {
        ("cm1", "2026-01"): (0, 2),  # A1 10 promoter, A2 6 detractor: (1 - 1) x 100
        ("cm1", "2026-02"): (0, 1),  # A3 8 passive
        ("cm1", "2026-03"): (100, 3),  # 9 and 9 promoters, 3 detractor: (2 - 1) x 100
        ("cm2", "2026-01"): (100, 1),  # B1 9
    }
    assert tiny.sources("nps") == {
        ("cm1", "2026-01"): "surveys.csv rows 2-3",
        ("cm1", "2026-02"): "surveys.csv row 5",
        ("cm1", "2026-03"): "surveys.csv rows 6-8",
        ("cm2", "2026-01"): "surveys.csv row 4",
    }


def test_complaint_rate_counts_windows_without_complaints(tiny: Collector) -> None:
    assert tiny.ratios("complaint_rate") == {
        ("cm1", "2026-01"): (0, 4),  # open on 01-31: A1, A2, A3, A5
        ("cm1", "2026-02"): (1, 4),  # A3 02-16 / A1, A3, A4, A5
        ("cm1", "2026-03"): (0, 4),
        ("cm2", "2026-01"): (0, 3),
        ("cm2", "2026-02"): (0, 3),
        ("cm2", "2026-03"): (2, 2),  # B1 03-19, B2 03-20 / B1, B2
    }
    sources = tiny.sources("complaint_rate")
    # The clients counted, open at the end: not B4 (row 10), closed 03-10, nor B3 (9),
    # opened 03-25, after the collect's 03-20; not A4 (5), opened in February.
    assert sources[("cm2", "2026-03")] == "complaints.csv rows 3-4; clients.csv rows 7-8"
    assert sources[("cm1", "2026-01")] == "clients.csv rows 2-4,6"
