"""A figure short of its target never reads as the target.

By the display rule (``okrdesk.units``) an actual of 119,660,000元 beside a target of
1.2亿 reads 1.2亿 too, an attainment of 99.96% reads 100.0%, and a rate of 8.004%
over a limit of 8% reads 8.00%: the status says "not met" while the figures say it is.
Where a figure short of its target would read as the same number, it is written finer
(a smaller scale, or more decimals) until the two differ: 11,966万, 99.96%, 8.004%.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import attrs

from okrdesk.records import shared_methods
from okrdesk.units import (
    EN_MILLION,
    EN_THOUSAND,
    SMALLEST_PLACES,
    ZH_WAN,
    ZH_YI,
    Dimension,
    UnitOfMeasure,
    count_word,
    exact,
    figure,
    in_written_scale,
    is_percent,
    rounded_figure,
    shown_places,
    shows_a_digit,
    written,
    yuan,
)

_WRITTEN = re.compile(r"(-)?[^\d-]*?([\d,]+(?:\.\d+)?)\s*(亿|万|m\b|k\b)?")
_SCALE = {"亿": ZH_YI, "万": ZH_WAN, "m": EN_MILLION, "k": EN_THOUSAND, None: Decimal(1)}


def read_as(text: str) -> Decimal | None:
    """The number a reader takes from a written figure, in the scale it is written in:
    1.2亿 and 12,000万 are both 120,000,000; 27.0% and 27% both 27; CNY 10k is 10,000."""
    found = _WRITTEN.match(text)
    if found is None:
        return None
    sign, digits, scale = found.groups()
    number = Decimal(digits.replace(",", "")) * _SCALE[scale]
    return -number if sign else number


def beside_target(
    unit: UnitOfMeasure, actual: float, target: float, lang: str, *, whole: bool = False
) -> tuple[str, str]:
    """``actual`` and ``target`` as ``written`` writes them, for a key result short of
    its target. Where the two would read as one number, they are written at the first
    finer step that tells them apart: the actual at that step, and the target as before
    where that reads the same (1.2亿 beside 11,966万), else at that step too (12,346万
    beside 12,345万, not 1.23亿, which would read as less). As written where no step
    tells them apart (a gap under half a yuan, or beyond six decimals)."""
    shown, target_shown = (written(unit, v, lang, whole=whole) for v in (actual, target))
    if actual == target or read_as(shown) != read_as(target_shown):
        return shown, target_shown
    start = max(_decimals(shown), _decimals(target_shown)) + 1
    steps = zip(
        _finer(unit, exact(actual), lang, start),
        _finer(unit, exact(target), lang, start),
        strict=True,
    )
    for finer, target_finer in steps:
        if read_as(finer) != read_as(target_finer):
            same = read_as(target_finer) == read_as(target_shown)
            return finer, target_shown if same else target_finer
    return shown, target_shown


def attainment_short(fraction: float, written_share: str) -> str:
    """An attainment below 1 that the display rule writes as 100.0%: with as many
    decimals as tell it from 100% (99.96%, 99.996%), cut rather than rounded up."""
    if fraction >= 1 or read_as(written_share) != 100:
        return written_share
    value = exact(fraction) * 100
    for places in range(shown_places(fraction) + 1, SMALLEST_PLACES + 1):
        text = figure(value, places)
        if read_as(text) != 100:
            return f"{text}%"
    return f"{figure(Decimal(100) - Decimal(1).scaleb(-SMALLEST_PLACES), SMALLEST_PLACES)}%"


def gap_written(unit: UnitOfMeasure, gap: float | Decimal, lang: str, *, points: bool) -> str:
    """A gap other than 0 (a checkpoint's shortfall) as ``written`` writes it, but never
    as 0, which reads as no gap at all: where the rule's writing shows no digit but 0,
    written finer until it does (0.001户 short, not 0户; 0.0004 pts), and
    below the finest step as less than it (不到 0.01元, under CNY 0.01)."""
    shown = written(unit, gap, lang, points=points)
    if not gap or shows_a_digit(shown):
        return shown
    finer = shown
    for finer in _finer_gap(unit, exact(gap), lang, _decimals(shown) + 1, points):
        if shows_a_digit(finer):
            return finer
    places = FEN if unit.dimension is Dimension.MONEY else SMALLEST_PLACES
    least = _renumbered(finer.lstrip("-"), figure(Decimal(1).scaleb(-places), places))
    return f"不到 {least}" if lang == "zh" else f"under {least}"


FEN = 2
"""The decimals of a yuan written at the finest: a fen."""


def _finer_gap(
    unit: UnitOfMeasure, value: Decimal, lang: str, start: int, points: bool
) -> Iterator[str]:
    """Writings of a gap each finer than the last: money in yuan to the fen, a count in
    ones of its word, anything else in its written scale, with ``start`` decimals and
    more."""
    sign, size = ("-" if value < 0 else ""), abs(value)
    if unit.dimension is Dimension.MONEY:
        for places in range(1, FEN + 1):
            amount = rounded_figure(size, places)
            yield f"{sign}{yuan(amount)}" if lang == "en" else f"{sign}{amount}元"
        return
    if unit.dimension is Dimension.COUNT:
        for places in range(start, SMALLEST_PLACES + 1):
            yield f"{sign}{rounded_figure(size, places)}{count_word(unit, lang)}"
        return
    shown = written(unit, value, lang, points=points)
    exactly = in_written_scale(unit, value)
    for places in range(start, SMALLEST_PLACES + 1):
        yield _renumbered(shown, rounded_figure(exactly, places))


def _finer(unit: UnitOfMeasure, value: Decimal, lang: str, start: int) -> Iterator[str]:
    """Writings of ``value`` each finer than the last, the same steps for any value of
    ``unit``: money in 万 (CNY k) with up to two decimals, then in yuan; a count in whole
    ones of its own word; anything else with ``start`` decimals and more."""
    if unit.dimension is Dimension.MONEY:
        sign, size = ("-" if value < 0 else ""), abs(value)
        if lang == "en":
            for places in range(3):
                yield f"{sign}{yuan(rounded_figure(size / EN_THOUSAND, places) + 'k')}"
            yield f"{sign}{yuan(rounded_figure(size, 0))}"
        else:
            for places in range(3):
                yield f"{sign}{rounded_figure(size / ZH_WAN, places)}万"
            yield f"{sign}{rounded_figure(size, 0)}元"
        return
    if unit.dimension is Dimension.COUNT:
        # In ones of the count's own word (户 for 万户): 1,637,995户, not 163.8万户.
        word = count_word(unit, lang)
        for places in range(3):
            yield f"{rounded_figure(value, places)}{word}"
        return
    shown = written(unit, value, lang)
    exactly = in_written_scale(unit, value)
    for places in range(start, SMALLEST_PLACES + 1):
        yield _renumbered(shown, rounded_figure(exactly, places))


def _decimals(text: str) -> int:
    """How many decimals a written figure shows (27.0% → 1)."""
    found = _WRITTEN.match(text)
    fraction = found.group(2).partition(".")[2] if found else ""
    return len(fraction)


def _renumbered(text: str, number: str) -> str:
    """``text`` with its figure written as ``number``, its sign and words kept."""
    found = _WRITTEN.match(text)
    if found is None:
        return text
    start, end = found.span(2)
    return f"{text[:start]}{number.lstrip('-')}{text[end:]}"


@attrs.frozen
@shared_methods
class Quantity:
    """An amount in a key result's unit, handed to a message and written in its language."""

    unit: UnitOfMeasure
    base: float | Decimal
    points: bool = False
    """A difference of two rates: written in 百分点 / pp."""
    beside: float | Decimal | None = None
    """Of an actual past its limit, the limit (of the limit, the actual, with
    ``is_target``): where the two would read alike, both are written finer (8.004%
    beside 8%, not 8.00%; ``beside_target``)."""
    is_target: bool = False
    gap: bool = False
    """A gap (a checkpoint's shortfall): never written 0 where it is not (0.33元, not 0元;
    ``gap_written``)."""

    def text(self, lang: str) -> str:
        points = self.points and is_percent(self.unit)
        if self.gap:
            return gap_written(self.unit, self.base, lang, points=points)
        if self.beside is not None:
            actual, target = (
                (self.beside, self.base) if self.is_target else (self.base, self.beside)
            )
            return beside_target(self.unit, float(actual), float(target), lang)[self.is_target]
        return written(self.unit, self.base, lang, points=points)
