"""Flow metrics of the tiny export: totals of the rows dated inside each window, and 0
where a CM with clients has none (cm3, with no client, has no figure)."""

from __future__ import annotations

from brokerage_helpers import Collector


def test_net_new_aum_adds_signed_funding(tiny: Collector) -> None:
    assert tiny.values("net_new_aum") == {
        ("cm1", "2026-01"): -30_000.0,  # A3 +20,000 (line 2), A1 -50,000 (3)
        ("cm1", "2026-02"): 1_530_000.0,  # A4 +1,500,000 (4), A1 +30,000 (5)
        ("cm1", "2026-03"): -25_000.0,  # A3 -25,000 (8)
        ("cm2", "2026-01"): 0.0,  # no January funding of B1, B2 or B4 (lines 7-8, 10)
        ("cm2", "2026-02"): 10_000.0,  # B2 +10,000 (6)
        ("cm2", "2026-03"): -35_000.0,  # B4 -35,000 (7); B1's 03-25 row (9) is after through
    }
    assert tiny.sources("net_new_aum") == {
        ("cm1", "2026-01"): "funding.csv rows 2-3",
        ("cm1", "2026-02"): "funding.csv rows 4-5",
        ("cm1", "2026-03"): "funding.csv row 8",
        ("cm2", "2026-01"): "no row of funding.csv counts, so 0; clients.csv rows 7-8,10",
        ("cm2", "2026-02"): "funding.csv row 6",
        ("cm2", "2026-03"): "funding.csv row 7",
    }


def test_new_accounts_counts_open_dates_in_the_window(tiny: Collector) -> None:
    assert tiny.values("new_accounts") == {
        ("cm1", "2026-01"): 2.0,  # A3 01-12 (line 4), A5 01-28 (6)
        ("cm1", "2026-02"): 1.0,  # A4 02-03 (5)
        ("cm1", "2026-03"): 0.0,  # none opened; open on 03-20: A1, A3, A4, A5 (2, 4-6)
        ("cm2", "2026-01"): 1.0,  # B2 01-20 (8); B3 opens 03-25, after through
        ("cm2", "2026-02"): 0.0,
        ("cm2", "2026-03"): 0.0,  # B4 closed 03-10: open on 03-20 are B1, B2 (7-8)
    }
    assert tiny.sources("new_accounts") == {
        ("cm1", "2026-01"): "clients.csv rows 4,6",
        ("cm1", "2026-02"): "clients.csv row 5",
        ("cm1", "2026-03"): "no row of clients.csv counts, so 0; clients.csv rows 2,4-6",
        ("cm2", "2026-01"): "clients.csv row 8",
        ("cm2", "2026-02"): "no row of clients.csv counts, so 0; clients.csv rows 7-8,10",
        ("cm2", "2026-03"): "no row of clients.csv counts, so 0; clients.csv rows 7-8",
    }


def test_new_hnw_clients_counts_the_first_snapshot_at_the_threshold_once(
    tiny: Collector,
) -> None:
    # Threshold 1,000,000. A1: 900,000 (line 2) then 1,200,000 (6) -> January; A1 falls to
    # 950,000 (12) and climbs to 1,100,000 (18), but is never counted twice. A4's first
    # snapshot is 1,500,000 (14), with none before it -> February.
    # cm2's clients never reach it: none, each month, as for cm1 in March.
    assert tiny.values("new_hnw_clients") == {
        ("cm1", "2026-01"): 1.0,
        ("cm1", "2026-02"): 1.0,
        ("cm1", "2026-03"): 0.0,
        ("cm2", "2026-01"): 0.0,
        ("cm2", "2026-02"): 0.0,
        ("cm2", "2026-03"): 0.0,
    }
    assert tiny.sources("new_hnw_clients") == {
        ("cm1", "2026-01"): "assets.csv row 6",
        ("cm1", "2026-02"): "assets.csv row 14",
        ("cm1", "2026-03"): "no row of assets.csv counts, so 0; clients.csv rows 2,4-6",
        ("cm2", "2026-01"): "no row of assets.csv counts, so 0; clients.csv rows 7-8,10",
        ("cm2", "2026-02"): "no row of assets.csv counts, so 0; clients.csv rows 7-8,10",
        ("cm2", "2026-03"): "no row of assets.csv counts, so 0; clients.csv rows 7-8",
    }
    # A zero is the whole's alone: no gender had one.
    assert {key[1:3] for key in tiny.slices if key[0] == "new_hnw_clients"} == {
        ("cm1", "2026-01"), ("cm1", "2026-02")
    }  # fmt: skip


def test_commission_revenue_adds_net_commission(tiny: Collector) -> None:
    assert tiny.values("commission_revenue") == {
        ("cm1", "2026-01"): 67.5,  # 25.00 (line 2) + 12.50 (3) + 30.00 (5)
        ("cm1", "2026-02"): 10.0,  # 10.00 (7)
        ("cm1", "2026-03"): 2.5,  # 2.50 (9)
        ("cm2", "2026-01"): 7.0,  # 5.00 (4) + 2.00 (6); 03-21 (10) is after through
        ("cm2", "2026-02"): 0.0,
        ("cm2", "2026-03"): 0.0,
    }
    assert tiny.sources("commission_revenue") == {
        ("cm1", "2026-01"): "trades.csv rows 2-3,5",
        ("cm1", "2026-02"): "trades.csv row 7",
        ("cm1", "2026-03"): "trades.csv row 9",
        ("cm2", "2026-01"): "trades.csv rows 4,6",
        ("cm2", "2026-02"): "no row of trades.csv counts, so 0; clients.csv rows 7-8,10",
        ("cm2", "2026-03"): "no row of trades.csv counts, so 0; clients.csv rows 7-8",
    }


def test_each_zero_for_no_rows_is_emitted_as_one(tiny: Collector) -> None:
    """okrdesk reads a flow's 0 as standing for none by ``no_rows``, not by its source's
    words: a 0 of a CM with clients and no row is marked, no figure a row gave is."""
    for metric in ("net_new_aum", "new_accounts", "new_hnw_clients", "commission_revenue"):
        marked = {key: o.no_rows for key, o in tiny.observations.items() if key[0] == metric}
        sources = tiny.sources(metric)
        assert marked, metric
        for (_, subject, period), no_rows in marked.items():
            assert no_rows == sources[(subject, period)].startswith("no row of "), (
                metric, subject, period,
            )  # fmt: skip
