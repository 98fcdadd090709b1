"""Numbers as a reader expects them, by the one display rule in ``okrdesk.units``.

Every figure is shown in one unit per key result (the unit its target is
written in), so actual, expected, target and forecast compare at a glance.
The rule (docs/report.md, "Digits and rounding"): half-up on the exact
decimal, four significant digits, never more than two decimals.
"""

from __future__ import annotations

from decimal import Decimal

from okrdesk.figures_apart import attainment_short
from okrdesk.units import UnitOfMeasure, figure, percentage, written
from okrdesk.units import ledger as _ledger
from okrdesk.units import money as _money


def number(value: float | Decimal, digits: int | None = None) -> str:
    """A plain number with thousands separators, by the display rule."""
    return figure(value, digits)


def in_unit(
    unit: UnitOfMeasure,
    base: float | None,
    lang: str,
    *,
    whole: bool = False,
    points: bool = False,
) -> str:
    """A base value (元, count, fraction) shown in ``unit`` for ``lang``; ``whole`` rounds
    a count to whole ones, ``points`` writes a difference of rates in 百分点 / pp."""
    return written(unit, base, lang, whole=whole, points=points)


def money(base: float | Decimal | None, lang: str) -> str:
    """An amount of money: 万 or 亿 (元 below 1万) in Chinese, CNY millions in English."""
    return _money(base, lang)


def ledger(base: float | Decimal | None, lang: str) -> str:
    """An amount in a budget table: to the hundred yuan in 万, so a line adds up."""
    return _ledger(base, lang)


def percent(fraction: float | None, digits: int = 1) -> str:
    """A computed share (attainment, a score): 0.8 → 80.0%, 0.5625 → 56.25%.

    ``digits`` is the fewest decimals shown; 0 for a limit typed as a whole number.
    """
    return "—" if fraction is None else percentage(fraction, keep=digits)


def attainment_percent(fraction: float | None) -> str:
    """An attainment: 89.5%; one below 100% never written as 100.0% (99.996%), wherever
    it is shown: the report's column, explain's table of key results and its ranking."""
    return "—" if fraction is None else attainment_short(fraction, percent(fraction))


def score_text(fraction: float | None) -> str:
    """A score, an average of attainments: three significant digits always, so a
    ranking's column reads alike (91.25% is 91.3%, beside 91.4%)."""
    return "—" if fraction is None else percentage(fraction, keep=1, exact_share=False)


def ratio(value: float | None) -> str:
    """A multiple such as an ROI, its decimals kept as the workbook's 0.00 keeps them:
    11.12, 29.90 beside it (not 29.9, which reads as less exact), 328.9."""
    return "—" if value is None else figure(value, keep=2)
