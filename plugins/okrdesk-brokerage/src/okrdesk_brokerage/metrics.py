"""The metrics this plugin declares: names, labels, kinds, units and how ratios roll up.

The README's "Metrics" section gives each one's exact definition; a test keeps
the two lists the same.
"""

from __future__ import annotations

from okrdesk.model import DimensionLabels, Direction, MetricKind, MetricSpec, OverTime
from okrdesk.units import UNITS

_STOCK, _FLOW, _RATIO = MetricKind.STOCK, MetricKind.FLOW, MetricKind.RATIO
_UP, _DOWN = Direction.AT_LEAST, Direction.AT_MOST
_SUM, _FIRST, _LAST = OverTime.SUM, OverTime.FIRST, OverTime.LAST

LABELS = {
    "tier": DimensionLabels("客户层级", "client tier"),
    "gender": DimensionLabels("性别", "gender",
                              values_zh={"female": "女", "male": "男", "institution": "机构"}),
    "product": DimensionLabels("产品类型", "product type"),
}  # fmt: skip
"""How a report writes each dimension; tiers and product types are written as the
settings and the product master name them."""


def _spec(
    name: str,
    label_en: str,
    label_zh: str,
    kind: MetricKind,
    unit: str,
    description: str,
    direction: Direction = _UP,
    over_time: tuple[OverTime, OverTime] = (_SUM, _SUM),
    revenue: bool = False,
    dimensions: tuple[str, ...] = (),
    never_negative: bool = False,
    settles_after_days: int | None = 0,
    parts: tuple[str, str] | None = None,
    numerator_times: int = 1,
) -> MetricSpec:
    return MetricSpec(
        name=name,
        label_en=label_en,
        label_zh=label_zh,
        kind=kind,
        unit=UNITS[unit],
        direction=direction,
        description=description,
        numerator_over_time=over_time[0],
        denominator_over_time=over_time[1],
        revenue=revenue,
        dimensions=dimensions,
        dimension_labels={name: LABELS[name] for name in dimensions},
        never_negative=never_negative,
        settles_after_days=settles_after_days,
        numerator_unit=None if parts is None else UNITS[parts[0]],
        denominator_unit=None if parts is None else UNITS[parts[1]],
        numerator_times=numerator_times,
    )


METRICS: tuple[MetricSpec, ...] = (
    _spec(
        "aum",
        "AUM",
        "客户资产规模",
        _STOCK,
        "元",
        "Total assets of the CM's open clients at their last snapshot on or before the day, "
        "by client tier.",
        dimensions=("tier",),
    ),
    _spec(
        "net_new_aum",
        "Net new AUM",
        "净新增资产",
        _FLOW,
        "元",
        "Inflows minus outflows of the CM's clients in the period.",
    ),
    _spec(
        "new_accounts",
        "New accounts",
        "新开户数",
        _FLOW,
        "户",
        "Accounts opened in the period.",
        never_negative=True,
    ),
    _spec(
        "effective_accounts",
        "Effective accounts",
        "有效户",
        _STOCK,
        "户",
        "Open clients who traded in the month so far or hold stock, fund or custody assets "
        "above the minimum; an institutional client counts as the institutional weight.",
    ),
    _spec(
        "new_effective_market_value",
        "New effective accounts' market value",
        "新增有效户市值",
        _FLOW,
        "元",
        "Stock, fund and custody assets of the accounts opened in the period that are "
        "effective at its end, at their last snapshot on or before it.",
        never_negative=True,
    ),
    _spec(
        "new_hnw_clients",
        "New HNW clients",
        "新增高净值客户",
        _FLOW,
        "户",
        "Clients whose total assets first reach the HNW threshold in the period, by gender.",
        dimensions=("gender",),
        never_negative=True,
    ),
    _spec(
        "open_to_fund_rate",
        "Open-to-fund rate",
        "开户入金率",
        _RATIO,
        "%",
        "Of the accounts opened in the period, the share funded by the collection day.",
        settles_after_days=None,  # a cohort, followed to the day collected
        parts=("户", "户"),
    ),
    _spec(
        "open_to_purchase_rate",
        "Open-to-first-purchase rate",
        "开户首购转化率",
        _RATIO,
        "%",
        "Of the accounts opened in the period, the share that bought a product by the "
        "collection day (the funnel open → fund → first purchase).",
        settles_after_days=None,  # a cohort, followed to the day collected
        parts=("户", "户"),
    ),
    _spec(
        "empty_account_rate",
        "Empty-account rate",
        "空户率",
        _RATIO,
        "%",
        "Of the accounts opened in the period, the share never funded by the collection day.",
        _DOWN,
        settles_after_days=None,  # a cohort, followed to the day collected
        parts=("户", "户"),
    ),
    _spec(
        "asset_attrition",
        "Asset attrition",
        "资产流失率",
        _RATIO,
        "%",
        "Outflows plus the assets of accounts closed in the period, over AUM at its start.",
        _DOWN,
        (_SUM, _FIRST),
        parts=("元", "元"),
    ),
    _spec(
        "client_attrition",
        "Client attrition",
        "客户流失率",
        _RATIO,
        "%",
        "Accounts closed in the period over clients open at its start.",
        _DOWN,
        (_SUM, _FIRST),
        parts=("户", "户"),
    ),
    _spec(
        "commission_revenue",
        "Commission revenue",
        "佣金收入",
        _FLOW,
        "元",
        "Net commission on the CM's clients' trades in the period.",
        revenue=True,
    ),
    _spec(
        "product_commission_share",
        "Product commission share",
        "产品佣金占比",
        _RATIO,
        "%",
        "Product-sales commission over trading plus product-sales commission.",
        parts=("元", "元"),
    ),
    _spec(
        "product_sales",
        "Product sales",
        "产品销售额",
        _FLOW,
        "元",
        "Amounts of products the CM's clients bought in the period, by product type.",
        dimensions=("product",),
        never_negative=True,
    ),
    _spec(
        "products_per_client",
        "Products per client",
        "配置度",
        _RATIO,
        "个/户",
        "Distinct products held by the CM's open clients over those clients, at the period's end.",
        over_time=(_LAST, _LAST),
        parts=("个", "户"),
    ),
    _spec(
        "nps",
        "NPS",
        "净推荐值",
        _RATIO,
        "分",
        "(Promoters − detractors) × 100 over survey responses in the period.",
        parts=("人", "人"),
        numerator_times=100,
    ),
    _spec(
        "complaint_rate",
        "Complaint rate",
        "投诉率",
        _RATIO,
        "‰",
        "Complaints in the period over open clients at its end.",
        _DOWN,
        (_SUM, _LAST),
        parts=("次", "户"),
    ),
)

METRIC_NAMES: tuple[str, ...] = tuple(spec.name for spec in METRICS)
