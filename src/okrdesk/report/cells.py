"""Shared presentation helpers for every report format."""

from __future__ import annotations

from okrdesk.report.document import ReportKeyResult
from okrdesk.report.numbers import in_unit
from okrdesk.units import UNITS

SPARKS = "▁▂▃▄▅▆▇█"


def value(result: ReportKeyResult, base: float | None, lang: str) -> str:
    """A key result's figure in the unit its target is written in."""
    return in_unit(UNITS[result.unit], base, lang)


def change(result: ReportKeyResult, lang: str) -> str:
    if result.change is None:
        return "—"
    if result.change == 0:
        return "±0"
    sign = "+" if result.change > 0 else "-"
    return sign + in_unit(UNITS[result.unit], abs(result.change), lang)


def sparkline(result: ReportKeyResult, width: int = 12) -> str:
    points = [p.value for p in result.trend][-width:]
    if len(points) < 2:
        return ""
    low, high = min(points), max(points)
    span = high - low
    if span == 0:
        return SPARKS[0] * len(points)
    return "".join(SPARKS[round((v - low) / span * (len(SPARKS) - 1))] for v in points)
