"""AUM by client tier: each client in the tier of their assets at the checkpoint, the
tiers adding up to the whole, set-wise and streamed alike."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from okrdesk.periods import Grain, periods_between

from brokerage_helpers import collect, setwise_connection, total_assets
from okrdesk_brokerage.assets import read_assets
from okrdesk_brokerage.book import read_book
from okrdesk_brokerage.settings import read_settings
from okrdesk_brokerage.windows import Windows
from okrdesk_brokerage_synthetic.generator import firm_cm_ids, generate


def test_the_default_tiers_are_the_branchs_four() -> None:
    settings = read_settings({"data": "."}, Path.cwd())
    assert settings.tier_names == ("<50万", "50万–300万", "300万–800万", "≥800万")


def test_the_tiny_exports_aum_by_tier_by_hand() -> None:
    tiers = {"data": "tiny", "hnw_threshold": 1_000_000, "client_tiers": [100_000, 1_000_000]}
    found = collect(["aum"], settings=tiers)
    sliced = {key[1:]: (o.value, o.source) for key, o in found.slices.items()}
    # 31 January (rows 6-8): A1 1,200,000 is ≥100万, A2 310,000 is 10万–100万, A3 20,000 <10万.
    # 20 March: A1 1,100,000 (row 18) and A4 1,600,000 (row 20) ≥100万, A3 at 0 (row 19).
    assert sliced[("cm1", "2026-01", "tier=≥100万")] == (1_200_000.0, "assets.csv row 6")
    assert sliced[("cm1", "2026-01", "tier=10万–100万")] == (310_000.0, "assets.csv row 7")
    assert sliced[("cm1", "2026-01", "tier=<10万")] == (20_000.0, "assets.csv row 8")
    assert sliced[("cm1", "2026-03", "tier=≥100万")] == (2_700_000.0, "assets.csv rows 18,20")
    assert sliced[("cm1", "2026-03", "tier=<10万")] == (0.0, "assets.csv row 19")
    assert ("cm1", "2026-03", "tier=10万–100万") not in sliced
    for (cm, period), whole in found.values("aum").items():
        parts = [v for (c, p, _), (v, _) in sliced.items() if (c, p) == (cm, period)]
        assert sum(parts) == whole


def test_the_tier_slices_agree_both_ways(tmp_path: Path) -> None:
    folder = tmp_path / "crm"
    cms = firm_cm_ids(1)
    start, end = dt.date(2026, 1, 1), dt.date(2026, 4, 30)
    generate(folder, cms, start=start, end=end, snapshot="month")
    windows = Windows(list(periods_between(start, end, Grain.MONTH)), end)
    book = read_book(folder, cms, windows)
    settings = read_settings({"data": str(folder)}, folder)
    con = setwise_connection(folder, book, windows)
    assert con is not None
    setwise = total_assets(con, folder, book, windows, settings, None, tiers=True)
    streamed = read_assets(folder, book, windows, settings, None, tiers=True)
    assert setwise is not None
    for found in (setwise, streamed):
        for key, cell in found.aum.cells.items():
            assert sum(t.amount(key) for t in found.aum_by_tier) == cell.amount, key
    assert sum(len(t.cells) for t in streamed.aum_by_tier[1:]) > 0
    for ours, theirs in zip(setwise.aum_by_tier, streamed.aum_by_tier, strict=True):
        assert {k: (c.amount, str(c.rows)) for k, c in ours.cells.items()} == {
            k: (c.amount, str(c.rows)) for k, c in theirs.cells.items()
        }
