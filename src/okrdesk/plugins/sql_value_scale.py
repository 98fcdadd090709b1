"""A SQL metric's figures returned in a unit of their own (``values_in = "万元"``), put
in the metric's base unit (元, one) before okrdesk checks and stores them.

A ledger kept in 万元 returned as it is would be stored ten thousand times too small;
``values_in`` says what the query's figures are in, and every path a collect takes (the
figures DuckDB adds up, the rows Python adds up, a warehouse's sums) hands them over
through ``in_base_units``. Each figure is scaled as the decimal it is written as, so
1.2345万 is 12,345元, not 12,344.999999999998.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from okrdesk.plugins.hookspecs import Emit


def in_base_units(emit: Emit, scales: Mapping[str, Decimal]) -> Emit:
    """``emit``, with the value of each metric in ``scales`` multiplied by its scale."""
    return _Scaled(emit, scales) if scales else emit


def _scaled(value: Any, scale: Decimal) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value  # left for okrdesk's checks to refuse, as they would unscaled
    try:
        return float(Decimal(repr(value) if isinstance(value, float) else value) * scale)
    except ArithmeticError:  # a NaN or an infinity: refused by the checks as it is
        return value


class _Scaled:
    def __init__(self, emit: Emit, scales: Mapping[str, Decimal]) -> None:
        self._emit, self._scales = emit, scales

    def __call__(self, metric: str, subject: str, period: str, **keywords: Any) -> None:
        scale = self._scales.get(metric)
        if scale is not None and "value" in keywords:
            keywords["value"] = _scaled(keywords["value"], scale)
        self._emit(metric, subject, period, **keywords)

    def many(
        self, metric: str, subjects: Iterable[str], periods: Iterable[str], **keywords: Any
    ) -> None:
        scale = self._scales.get(metric)
        if scale is not None and keywords.get("values") is not None:
            keywords["values"] = [_scaled(value, scale) for value in keywords["values"]]
        self._emit.many(metric, subjects, periods, **keywords)

    def error(self, metric: str, message: str, *, zh: str = "") -> None:
        self._emit.error(metric, message, zh=zh)

    def warning(self, metric: str, message: str, *, zh: str = "") -> None:
        self._emit.warning(metric, message, zh=zh)

    def finished(self, metric: str) -> None:
        self._emit.finished(metric)
