"""Units of measure as managers write them, converted exactly to base values.

Every figure okrdesk stores is in a base unit: money in 元, counts as plain
numbers, rates as fractions (27% is 0.27), scores as points. A target file
writes ``target = 15`` with ``unit = "亿元"``; the model holds 1,500,000,000 元
as a Decimal, so no rounding ever shows.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum

import attrs


class Dimension(StrEnum):
    MONEY = "money"
    COUNT = "count"
    FRACTION = "fraction"
    SCORE = "score"
    MULTIPLE = "multiple"


@attrs.frozen
class UnitOfMeasure:
    symbol: str
    dimension: Dimension
    factor: Decimal
    """How many base units one of this unit is (1 万元 = 10,000 元)."""

    def to_base(self, amount: Decimal) -> Decimal:
        return amount * self.factor

    def from_base(self, amount: Decimal) -> Decimal:
        return amount / self.factor


def _units() -> dict[str, UnitOfMeasure]:
    table: list[tuple[Dimension, str, list[str]]] = [
        (Dimension.MONEY, "1", ["元", "yuan", "CNY"]),
        (Dimension.MONEY, "1e4", ["万元", "wan_yuan", "10k_CNY"]),
        (Dimension.MONEY, "1e8", ["亿元", "yi_yuan", "100m_CNY"]),
        (Dimension.COUNT, "1", ["户", "人", "单", "场", "个", "笔", "次", "家", "count"]),
        (Dimension.COUNT, "1e4", ["万户", "万人"]),
        (Dimension.FRACTION, "1", ["ratio", "fraction"]),
        (Dimension.FRACTION, "0.01", ["%", "percent", "pct", "百分点"]),
        (Dimension.FRACTION, "0.001", ["‰", "permille"]),
        (Dimension.SCORE, "1", ["分", "points"]),
        (Dimension.MULTIPLE, "1", ["倍", "x", "个/户", "per_client"]),
    ]
    units: dict[str, UnitOfMeasure] = {}
    for dimension, factor, symbols in table:
        for symbol in symbols:
            units[symbol] = UnitOfMeasure(symbol, dimension, Decimal(factor))
    return units


UNITS: dict[str, UnitOfMeasure] = _units()


def lookup(symbol: str) -> UnitOfMeasure | None:
    return UNITS.get(symbol)


def base_unit(dimension: Dimension) -> UnitOfMeasure:
    """The unit values of a dimension are stored in."""
    return next(u for u in UNITS.values() if u.dimension is dimension and u.factor == 1)


_SHORT_MONEY = {"万": "万元", "亿": "亿元"}

LARGEST_NUMBER = Decimal("1e15")
"""The largest figure okrdesk accepts from a command line, in base units: a
thousand trillion (千万亿) is beyond any branch, and far inside what a float
holds exactly enough to store."""

SMALLEST_STEP = Decimal("1e-12")

_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def parse_number(text: str, *, shown: str | None = None) -> Decimal:
    """A number as a person writes it: ``4.72``, ``1,234,567``, ``-3``. Commas only
    separate thousands (groups of three), so ``1,2,3`` or ``1,5`` is refused
    rather than read as 123 or 15; NaN and infinities are refused too. Messages
    name ``shown`` (the whole argument as typed), or else ``text``."""
    from decimal import InvalidOperation

    name = _named(text if shown is None else shown)
    written = text.strip().replace("，", ",")
    if "," in written:
        if not _GROUPED.fullmatch(written):
            raise ValueError(
                f"{name}: commas only separate thousands, in groups of three "
                "(1,234,567); write the number without them"
            )
        written = written.replace(",", "")
    try:
        number = Decimal(written)
    except InvalidOperation:
        detail = "" if shown is None else f": {written!r}"
        raise ValueError(f"{name}{detail} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{name} is not a finite number")
    return number


def _named(text: str) -> str:
    """The input as a message quotes it; a 400-digit argument is shortened."""
    if len(text) <= 40:
        return repr(text)
    return f"{text[:12]!r}…{text[-6:]!r} ({len(text)} characters)"


def parse_in(unit: UnitOfMeasure, text: str, *, shown: str | None = None) -> Decimal:
    """``text``, a number written in ``unit``, as a base value no larger than
    ``LARGEST_NUMBER`` and no finer than ``SMALLEST_STEP``."""
    number = parse_number(text, shown=shown)
    name = _named(text if shown is None else shown)
    # Judged on the exponent before any arithmetic: 1e999999999 overflows a Decimal product.
    if number != 0 and number.adjusted() > LARGEST_NUMBER.adjusted() + 8:
        raise _too_large(name)
    if number != 0 and number.adjusted() < SMALLEST_STEP.adjusted() - 8:
        raise _too_fine(name)
    base = unit.to_base(number)
    if abs(base) > LARGEST_NUMBER:
        raise _too_large(name)
    if base != 0 and abs(base) < SMALLEST_STEP:
        raise _too_fine(name)
    return base


def _too_fine(name: str) -> ValueError:
    return ValueError(f"{name} is finer than okrdesk keeps ({SMALLEST_STEP:f} in base units)")


def _too_large(name: str) -> ValueError:
    return ValueError(
        f"{name} is too large: okrdesk accepts figures up to {LARGEST_NUMBER:,.0f} in base "
        "units (元, or a plain count)"
    )


def parse_money(text: str) -> Decimal:
    """``12万``, ``12.5万元``, ``1.2亿``, ``3500元`` → 元, exactly. A bare number is refused,
    so nobody records 12元 while meaning 12万."""
    cleaned = text.strip()
    for symbol in sorted((*UNITS, *_SHORT_MONEY), key=len, reverse=True):
        if cleaned.endswith(symbol) and symbol not in ("x",):
            unit = UNITS[_SHORT_MONEY.get(symbol, symbol)]
            number = cleaned[: -len(symbol)].strip()
            break
    else:
        raise ValueError(f"{text!r}: say the unit, for example 12万, 1.2亿 or 3500元")
    if unit.dimension is not Dimension.MONEY:
        raise ValueError(f"{text!r}: {unit.symbol} is not money; use 元, 万 or 亿")
    return parse_in(unit, number, shown=text)


def format_in(unit: UnitOfMeasure, base_value: float | Decimal | None, digits: int = 2) -> str:
    """A base value shown in ``unit``: 1.5e9 in 亿元 → '15亿元'."""
    if base_value is None:
        return "no data"
    shown = Decimal(str(base_value)) / unit.factor
    text = f"{shown:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{shown:,.0f}"
    return f"{text}{unit.symbol}" if unit.symbol in ("%", "‰") else f"{text} {unit.symbol}"
