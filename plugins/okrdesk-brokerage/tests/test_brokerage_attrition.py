"""Attrition: what is lost in a window over what there was at its start."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from okrdesk.periods import week_of

from brokerage_helpers import FIXTURES, Collector, collect


def test_asset_attrition(tiny: Collector) -> None:
    assert tiny.ratios("asset_attrition") == {
        # outflow A1 50,000 (funding.csv line 3) / AUM on 12-31: A1 900,000 + A2 300,000
        ("cm1", "2026-01"): (50_000, 1_200_000),
        # A2 closed 02-15, last snapshot 310,000 (assets.csv line 7) / AUM on 01-31 1,530,000
        ("cm1", "2026-02"): (310_000, 1_530_000),
        # outflow A3 25,000 (funding line 8) / AUM on 02-28 2,475,000
        ("cm1", "2026-03"): (25_000, 2_475_000),
        # nothing lost / AUM on 12-31: B1 50,000 + B4 80,000
        ("cm2", "2026-01"): (0, 130_000),
        ("cm2", "2026-02"): (0, 122_000),
        # outflow B4 35,000 (funding line 7) + B4 closed 03-10 with 40,000 (assets line 17)
        # / AUM on 02-28 101,000
        ("cm2", "2026-03"): (75_000, 101_000),
    }
    sources = tiny.sources("asset_attrition")
    assert sources[("cm1", "2026-01")] == "funding.csv row 3; assets.csv rows 2-3"
    assert sources[("cm1", "2026-02")] == "assets.csv rows 6-8"
    assert sources[("cm2", "2026-03")] == "funding.csv row 7; assets.csv rows 15-17"


def test_asset_attrition_falls_back_to_the_first_snapshot_in_the_window() -> None:
    # ISO week 2026-W01 runs 2025-12-29 to 2026-01-04: no snapshot before it, so the
    # base is its first snapshot day, 12-31: cm1 1,200,000 (lines 2-3), cm2 130,000 (4-5).
    found = collect(
        ["asset_attrition"], periods=[week_of(dt.date(2026, 1, 1))], through=dt.date(2026, 1, 4)
    )
    assert found.ratios("asset_attrition") == {
        ("cm1", "2026-W01"): (0, 1_200_000),
        ("cm2", "2026-W01"): (0, 130_000),
    }
    assert found.sources("asset_attrition")[("cm1", "2026-W01")] == "assets.csv rows 2-3"


def test_client_attrition(tiny: Collector) -> None:
    assert tiny.ratios("client_attrition") == {
        ("cm1", "2026-01"): (0, 2),  # open on 12-31: A1, A2
        ("cm1", "2026-02"): (1, 4),  # A2 closed 02-15 / open on 01-31: A1, A2, A3, A5
        ("cm1", "2026-03"): (0, 4),  # open on 02-28: A1, A3, A4, A5
        ("cm2", "2026-01"): (0, 2),  # open on 12-31: B1, B4
        ("cm2", "2026-02"): (0, 3),  # open on 01-31: B1, B2, B4
        ("cm2", "2026-03"): (1, 3),  # B4 closed 03-10 / B1, B2, B4
    }
    # The clients counted: open on 01-31 (A1, A2, A3, A5), A2 among them closing; not A4
    # (row 5), opened in the window.
    assert tiny.sources("client_attrition")[("cm1", "2026-02")] == "clients.csv rows 2-4,6"
    # B4 (row 10), open at the start, closed in March; not B3 (9), opened 03-25.
    assert tiny.sources("client_attrition")[("cm2", "2026-03")] == "clients.csv rows 7-8,10"


def test_asset_attrition_is_exact_to_the_fen(tmp_path: Path) -> None:
    """Amounts in fen add up exactly: 900,000.01 + 300,000.10 is 1,200,000.11, never the
    1200000.1099999999 that adding them as floats gives, in an export or explain."""
    data = tmp_path / "tiny"
    shutil.copytree(FIXTURES / "tiny", data)
    assets = (data / "assets.csv").read_text(encoding="utf-8")
    assets = assets.replace("2025-12-31,A1,900000.00", "2025-12-31,A1,900000.01")
    assets = assets.replace("2025-12-31,A2,300000.00", "2025-12-31,A2,300000.10")
    (data / "assets.csv").write_text(assets, encoding="utf-8")
    funding = (data / "funding.csv").read_text(encoding="utf-8")
    (data / "funding.csv").write_text(
        funding.replace("2026-01-25,A1,-50000.00", "2026-01-25,A1,-50000.70"), encoding="utf-8"
    )
    found = collect(["asset_attrition"], workspace=tmp_path)
    lost, base = found.ratios("asset_attrition")[("cm1", "2026-01")]
    assert (repr(lost), repr(base)) == ("50000.7", "1200000.11")
