"""A cost per result read in English: "per" one of the key result's unit in the words its
figures carry (per acct beside 281 accts), never a Chinese unit (per 万户)."""

from __future__ import annotations

import pytest

from okrdesk.units import UNITS, per_one


@pytest.mark.parametrize(
    ("symbol", "one"),
    [
        ("元", "CNY"), ("万元", "CNY 10k"), ("亿元", "CNY 100m"), ("10k_CNY", "CNY 10k"),
        ("户", "acct"), ("人", "person"), ("笔", "txn"), ("次", "time"), ("count", "item"),
        ("万户", "10k accts"), ("万人", "10k people"),
        ("%", "pp"), ("百分点", "pp"), ("‰", "‰"), ("分", "pt"), ("points", "pt"),
        ("倍", "1x"), ("个/户", "1 per client"),
    ],
)  # fmt: skip
def test_one_of_each_unit_is_named_in_english(symbol: str, one: str) -> None:
    assert per_one(UNITS[symbol]) == one
