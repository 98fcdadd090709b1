"""Stock metrics of the tiny export, valued at each window's last day."""

from __future__ import annotations

import datetime as dt

from okrdesk.periods import month_of

from brokerage_helpers import SETTINGS, Collector, collect


def test_aum_sums_open_clients_at_their_last_snapshot(tiny: Collector) -> None:
    assert tiny.values("aum") == {
        # Jan 31: A1 1,200,000 (line 6) + A2 310,000 (7) + A3 20,000 (8)
        ("cm1", "2026-01"): 1_530_000.0,
        # Feb 28: A1 950,000 (12) + A3 25,000 (13) + A4 1,500,000 (14); A2 closed on 02-15,
        # so its 02-20 row (11) is ignored and it no longer counts
        ("cm1", "2026-02"): 2_475_000.0,
        # Mar 20: A1 1,100,000 (18) + A3 0 (19) + A4 1,600,000 (20); line 23 is after through
        ("cm1", "2026-03"): 2_700_000.0,
        # Jan 31: B1 52,000 (9) + B4 70,000 (10); B2 has no snapshot yet
        ("cm2", "2026-01"): 122_000.0,
        # Feb 28: B1 51,000 (15) + B2 10,000 (16) + B4 40,000 (17)
        ("cm2", "2026-02"): 101_000.0,
        # Mar 20: B1 60,000 (21) + B2 10,000 still from 02-28 (16); B4 closed on 03-10
        ("cm2", "2026-03"): 70_000.0,
    }


def test_aum_cites_the_snapshot_rows(tiny: Collector) -> None:
    assert tiny.sources("aum") == {
        ("cm1", "2026-01"): "assets.csv rows 6-8",
        ("cm1", "2026-02"): "assets.csv rows 12-14",
        ("cm1", "2026-03"): "assets.csv rows 18-20",
        ("cm2", "2026-01"): "assets.csv rows 9-10",
        ("cm2", "2026-02"): "assets.csv rows 15-17",
        ("cm2", "2026-03"): "assets.csv rows 16,21",
    }


def test_effective_accounts_by_holdings_or_trading_with_institutional_weight(
    tiny: Collector,
) -> None:
    assert tiny.values("effective_accounts") == {
        # Jan 31: A1 securities 800,000 > 5,000 (1) + A2 institutional, 2,000 but traded
        # on 01-22, weight 3 (3) + A3 6,000 > 5,000 (1); A5 has nothing
        ("cm1", "2026-01"): 5.0,
        # Feb 28: A1 (1) + A4 (1); A3 has 4,000 and no February trade
        ("cm1", "2026-02"): 2.0,
        # Mar 20: A1 (1) + A3 0 but traded 03-02 (1) + A4 (1)
        ("cm1", "2026-03"): 3.0,
        # Jan 31: B1 4,500 but traded 01-20 (1) + B4 50,000 (1) + B2, no snapshot yet
        # but traded 01-25 (1)
        ("cm2", "2026-01"): 3.0,
        # Feb 28: B2 8,000 (1) + B4 30,000 (1); B1 has exactly 5,000, which is not above
        ("cm2", "2026-02"): 2.0,
        # Mar 20: B1 9,000 (1) + B2 8,000 from 02-28 (1); B4 closed
        ("cm2", "2026-03"): 2.0,
    }
    assert tiny.sources("effective_accounts") == {
        ("cm1", "2026-01"): "assets.csv rows 6,8; trades.csv row 5",
        ("cm1", "2026-02"): "assets.csv rows 12,14",
        ("cm1", "2026-03"): "assets.csv rows 18,20; trades.csv row 9",
        ("cm2", "2026-01"): "assets.csv row 10; trades.csv rows 4,6",
        ("cm2", "2026-02"): "assets.csv rows 16-17",
        ("cm2", "2026-03"): "assets.csv rows 16,21",
    }


def test_settings_change_the_effective_floor_and_weight() -> None:
    settings = {**SETTINGS, "effective_assets_min": 4_000, "institutional_weight": 2}
    values = collect(["effective_accounts"], settings=settings).values("effective_accounts")
    # Jan 31, cm1: A1 (1) + A2 by trading, now weight 2 (2) + A3 (1) = 4
    assert values[("cm1", "2026-01")] == 4.0
    # Feb 28, cm2: B1's 5,000 is now above the 4,000 floor: B1 + B2 + B4 = 3
    assert values[("cm2", "2026-02")] == 3.0


def test_a_cm_with_clients_but_no_snapshot_yet_has_zero_aum_citing_its_clients_then() -> None:
    # December 2025 through 12-30: both CMs have clients, but the first snapshot is 12-31.
    found = collect(
        ["aum", "effective_accounts"],
        periods=[month_of(dt.date(2025, 12, 1))],
        through=dt.date(2025, 12, 30),
    )
    assert found.values("aum") == {("cm1", "2025-12"): 0.0, ("cm2", "2025-12"): 0.0}
    assert found.values("effective_accounts") == {("cm1", "2025-12"): 0.0, ("cm2", "2025-12"): 0.0}
    # The clients open on 12-30 (A1, A2; B1, B4), not those who opened in 2026.
    had = {("cm1", "2025-12"): "clients.csv rows 2-3", ("cm2", "2025-12"): "clients.csv rows 7,10"}
    assert found.sources("aum") == had
    assert found.sources("effective_accounts") == had


def test_no_stock_before_a_cm_has_any_client() -> None:
    # cm2's first client opened 2023-08-20; nobody has a client in July 2023.
    found = collect(["aum"], periods=[month_of(dt.date(2023, 7, 1))], through=dt.date(2023, 7, 31))
    assert found.observations == {}
