from __future__ import annotations

from okrdesk.model import Direction, MetricKind, OverTime
from okrdesk.units import UNITS

from brokerage_helpers import declared

EXPECTED = {
    # name: (kind, unit, direction, numerator over time, denominator over time)
    "aum": ("stock", "元", "at_least", "sum", "sum"),
    "net_new_aum": ("flow", "元", "at_least", "sum", "sum"),
    "new_accounts": ("flow", "户", "at_least", "sum", "sum"),
    "effective_accounts": ("stock", "户", "at_least", "sum", "sum"),
    "new_effective_market_value": ("flow", "元", "at_least", "sum", "sum"),
    "new_hnw_clients": ("flow", "户", "at_least", "sum", "sum"),
    "open_to_fund_rate": ("ratio", "%", "at_least", "sum", "sum"),
    "open_to_purchase_rate": ("ratio", "%", "at_least", "sum", "sum"),
    "empty_account_rate": ("ratio", "%", "at_most", "sum", "sum"),
    "asset_attrition": ("ratio", "%", "at_most", "sum", "first"),
    "client_attrition": ("ratio", "%", "at_most", "sum", "first"),
    "commission_revenue": ("flow", "元", "at_least", "sum", "sum"),
    "product_commission_share": ("ratio", "%", "at_least", "sum", "sum"),
    "product_sales": ("flow", "元", "at_least", "sum", "sum"),
    "products_per_client": ("ratio", "个/户", "at_least", "last", "last"),
    "nps": ("ratio", "分", "at_least", "sum", "sum"),
    "complaint_rate": ("ratio", "‰", "at_most", "sum", "last"),
}


def test_every_metric_is_declared_once_with_its_kind_unit_and_roll_up() -> None:
    specs = declared()
    assert list(specs) == list(EXPECTED)
    for name, (kind, unit, direction, numerator, denominator) in EXPECTED.items():
        spec = specs[name]
        assert spec.kind is MetricKind(kind)
        assert spec.unit == UNITS[unit]
        assert spec.direction is Direction(direction)
        if spec.kind is MetricKind.RATIO:
            assert spec.numerator_over_time is OverTime(numerator)
            assert spec.denominator_over_time is OverTime(denominator)
        assert spec.label_en and spec.label_zh and spec.description


PARTS = {
    "open_to_fund_rate": ("户", "户"),
    "open_to_purchase_rate": ("户", "户"),
    "empty_account_rate": ("户", "户"),
    "asset_attrition": ("元", "元"),
    "client_attrition": ("户", "户"),
    "product_commission_share": ("元", "元"),
    "products_per_client": ("个", "户"),
    "nps": ("人", "人"),  # promoters − detractors (stored × 100) over responses
    "complaint_rate": ("次", "户"),
}
"""Each ratio's parts as a branch writes them: explain wrote asset attrition's as bare
yuan (分子 263,037,473 / 分母 5,160,000,000), where a branch writes 2.63亿 / 51.6亿."""


def test_every_ratio_says_the_unit_of_its_parts() -> None:
    specs = declared()
    assert {name for name, spec in specs.items() if spec.kind is MetricKind.RATIO} == set(PARTS)
    for name, (numerator, denominator) in PARTS.items():
        spec = specs[name]
        said = (spec.numerator_unit, spec.denominator_unit)
        assert said == tuple(None if u is None else UNITS[u] for u in (numerator, denominator))
    # The score is the ratio of the parts: its numerator is kept × 100, and said so.
    assert {n: s.numerator_times for n, s in specs.items() if s.numerator_times != 1} == {
        "nps": 100
    }
