"""Numbers as a reader expects them: 亿 / 万 / ‰ / % for Chinese, separators for English.

Every figure is shown in one unit per key result (the unit its target is
written in), so actual, expected, target and forecast compare at a glance.
"""

from __future__ import annotations

from decimal import Decimal

from okrdesk.units import Dimension, UnitOfMeasure

_EN_UNITS = {
    "元": "CNY", "万元": "10k CNY", "亿元": "100m CNY", "户": "accts", "人": "people",
    "单": "deals", "场": "events", "个": "", "笔": "", "次": "times", "家": "", "分": "pts",
    "倍": "x", "个/户": "per client", "百分点": "pct", "pct": "pct",
}  # fmt: skip


def _digits(value: float) -> int:
    magnitude = abs(value)
    if magnitude >= 1000:
        return 0
    if magnitude >= 100:
        return 1
    return 2


def number(value: float, digits: int | None = None) -> str:
    """A plain number with thousands separators and sensible decimals."""
    places = _digits(value) if digits is None else digits
    text = f"{value:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def in_unit(unit: UnitOfMeasure, base: float | None, lang: str, with_unit: bool = True) -> str:
    """A base value (元, count, fraction) shown in ``unit`` for ``lang``."""
    if base is None:
        return "—"
    value = float(Decimal(str(base)) / unit.factor)
    if unit.dimension is Dimension.FRACTION:
        digits = 2 if unit.symbol == "‰" else 1
        text = number(value, digits)
        symbol = "pct" if unit.symbol in ("pct", "百分点") and lang == "en" else unit.symbol
        symbol = "%" if symbol in ("percent", "ratio", "fraction") else symbol
        return f"{text}{symbol}" if with_unit else text
    if lang == "en" and unit.dimension is Dimension.MONEY and unit.factor > 1:
        # Written in 万元 or 亿元: shown in millions of yuan, the unit English readers use.
        return f"CNY {number(float(base) / 1e6)}m" if with_unit else number(float(base) / 1e6)
    text = number(value)
    if not with_unit:
        return text
    if lang == "en":
        if unit.dimension is Dimension.COUNT:
            return text
        label = _EN_UNITS.get(unit.symbol, unit.symbol)
        return f"{text} {label}".strip()
    return f"{text}{unit.symbol}"


def money(base: float | Decimal | None, lang: str) -> str:
    """An amount of money: 万元 or 亿元 in Chinese, CNY with separators in English."""
    if base is None:
        return "—"
    value = float(base)
    if lang == "en":
        return f"CNY {number(value, 0)}"
    if abs(value) >= 1e8:
        return f"{number(value / 1e8, 2)}亿"
    return f"{number(value / 1e4, 1)}万"


def percent(fraction: float | None, digits: int = 1) -> str:
    return "—" if fraction is None else f"{fraction * 100:.{digits}f}%"


def ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"
