"""What a collect does to a SQL metric's figures beyond running its query, as its
definition says: figures returned in a unit of their own put in the base unit
(``values_in``), and a flow's subjects and periods with no rows given a zero
(``no_rows_means_zero``), and every figure added up as the decimals it was written in.

A query's rows are added up in binary floating point (DuckDB's, SQLite's, a warehouse's
or Python's), so amounts written 0.1 and 0.2 come back 0.30000000000000004, and a deposit
and its withdrawal (+0.1, +0.2, -0.3) 5.551115123125783e-17, which ``explain`` wrote as
"less than 0.01元". No file writes more than 15 significant digits (a spreadsheet holds
no more) nor an amount finer than a billionth, so each figure is put back to that
(``as_written``) before it is scaled or stored.

A ledger kept in 万元 returned as it is would be stored ten thousand times too small;
``values_in`` says what the query's figures are in, and every path a collect takes (the
figures DuckDB adds up, the rows Python adds up, a warehouse's sums) hands them over
through ``Ruled``. Each figure is scaled as the decimal it is written as, so 1.2345万
is 12,345元, not 12,344.999999999998. A whole count's figures are added up in floating
point before they are scaled (1.2345万户 + 0.0001万户 is 1.2346000000000001), so one that
lands a hair from a whole number is made that number: 12,346户, which okrdesk would
otherwise refuse as no whole count; a count that truly has a fraction (1.23455万户) is
left as it is, and refused.

A query counting events (family-trust deals signed) returns no row for a person who
signed none; okrdesk reads a subject with no rows as one with no data, which is how a
branch missing from a firm's export is told apart from a branch with nothing to show.
``no_rows_means_zero`` says that, for this metric, no rows is none: each of the plan's
people gets a zero for each period asked that the query gave nothing for, so the key
result reads 0 of 6, behind, not 无数据 and left out of the score.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from okrdesk.plugins.hookspecs import Emit


@attrs.frozen
class MetricRules:
    """One SQL metric's rules: ``scale``, how many of its base unit a figure its query
    returns is; ``zero``, whether a subject and period with no rows is a zero."""

    scale: Decimal = Decimal(1)
    zero: bool = False
    whole: bool = False
    """Whether its figures are whole counts (``MetricSpec.whole_counts``) returned in a
    unit of their own (万户): each is made whole where scaling left it a hair from one."""
    rolling: bool | str = False
    """Whether its source holds only some days, said with ``emit.covers``: true, those
    of the rows its query gives; ``"table.column"``, those of that column."""


FINEST = 9
"""The decimals a figure is put back to where adding it up in floating point left it a
hair from them: far finer than a fen, or than the digits of a share (0.125); a count
split in thirds, written 0.333333333333333 as a spreadsheet holds it, adds up to 1 again."""
HAIR = 1e-12
"""How far from ``FINEST`` decimals, relative to its size (or of 1, near 0), a figure may
land for that to be the rounding of its sum rather than digits it was written with
(a percentage a workbook holds as 0.123456789012 keeps every one)."""


def as_written(value: Any) -> Any:
    """A figure added up in floating point, as the sum of the decimals behind it: 0.3 for
    0.30000000000000004, 0 for 5.551115123125783e-17, 0.248456789012 as it is. Anything
    but a float is as given (a whole number added up exactly; text or None, refused or
    left out as they were)."""
    if type(value) is not float or not math.isfinite(value):
        return value
    nearest = round(value, FINEST)
    if abs(value - nearest) <= HAIR * max(1.0, abs(value)):
        return nearest + 0.0  # never -0.0
    return float(f"{value:.15g}")


def _as_written_all(values: Any) -> Any:
    return None if values is None else [as_written(value) for value in values]


NEAR_WHOLE = 1e-9
"""How far from a whole number, relative to its size, a scaled count may land from the
floating-point sum behind it and still be that number: far more than the rounding of
adding up millions of figures, far less than one 户 in any count a branch has."""


def _scaled(value: Any, scale: Decimal, whole: bool = False) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value  # left for okrdesk's checks to refuse, as they would unscaled
    try:
        scaled = float(Decimal(repr(value) if isinstance(value, float) else value) * scale)
    except ArithmeticError:  # a NaN or an infinity: refused by the checks as it is
        return value
    if whole and math.isfinite(scaled):
        nearest = float(round(scaled))
        if abs(scaled - nearest) <= NEAR_WHOLE * max(1.0, abs(scaled)):
            return nearest
    return scaled


_PARTS = ("value", "numerator", "denominator")
_PART_LISTS = ("values", "numerators", "denominators")


class Ruled:
    """``emit``, with every figure ``as_written`` and each metric's scaled by its rules,
    and what was emitted for each metric given zeros kept, for ``zeros``."""

    def __init__(self, emit: Emit, rules: Mapping[str, MetricRules]) -> None:
        self._emit, self._rules = emit, rules
        self._given: dict[str, set[tuple[str, str]]] = {
            name: set() for name, rule in rules.items() if rule.zero
        }
        self._failed: set[str] = set()

    def __call__(self, metric: str, subject: str, period: str, **keywords: Any) -> None:
        for part in _PARTS:
            if part in keywords:
                keywords[part] = as_written(keywords[part])
        rule = self._rules.get(metric)
        if rule is not None and rule.scale != 1 and "value" in keywords:
            keywords["value"] = _scaled(keywords["value"], rule.scale, rule.whole)
        if metric in self._given:
            self._given[metric].add((subject, period))
        self._emit(metric, subject, period, **keywords)

    def many(
        self, metric: str, subjects: Iterable[str], periods: Iterable[str], **keywords: Any
    ) -> None:
        for parts in _PART_LISTS:
            if parts in keywords:
                keywords[parts] = _as_written_all(keywords[parts])
        rule = self._rules.get(metric)
        if rule is not None and rule.scale != 1 and keywords.get("values") is not None:
            keywords["values"] = [
                _scaled(value, rule.scale, rule.whole) for value in keywords["values"]
            ]
        if metric in self._given:
            subjects, periods = list(subjects), list(periods)
            self._given[metric].update(zip(subjects, periods, strict=False))
        self._emit.many(metric, subjects, periods, **keywords)

    def error(self, metric: str, message: str, *, zh: str = "") -> None:
        self._failed.add(metric)
        self._emit.error(metric, message, zh=zh)

    def warning(self, metric: str, message: str, *, zh: str = "") -> None:
        self._emit.warning(metric, message, zh=zh)

    def finished(self, metric: str) -> None:
        self._emit.finished(metric)

    def covers(self, first_day: dt.date, last_day: dt.date, metric: str | None = None) -> None:
        self._emit.covers(first_day, last_day, metric)

    def unread(self, metric: str, rows: Iterable[tuple[str, str]]) -> None:
        """Each (subject, period) whose rows the query gave were left out for their figure
        (empty, or text, as the collect's warning says): it had rows, so no zero is given;
        it stays without a figure, as any metric's would."""
        if metric in self._given:
            self._given[metric].update(rows)

    def zeros(self, metric: str, people: Collection[str], periods: Collection[str]) -> None:
        """A zero for each of ``people`` in each of ``periods`` the metric's query gave
        no row for, where its rules say no rows is none and it did not fail. A query
        whose figures are a unit's own (a subject not among ``people``) gets none: its
        people's zeros would stand beside the unit's figure."""
        given = self._given.get(metric)
        if given is None or metric in self._failed:
            return
        if any(subject not in people for subject, _ in given):
            return
        missing = [(s, p) for s in people for p in periods if (s, p) not in given]
        if missing:
            said = no_rows_source(metric)
            self._emit.many(metric, [s for s, _ in missing], [p for _, p in missing],
                            values=[0.0] * len(missing), sources=[said] * len(missing),
                            no_rows=[True] * len(missing))  # fmt: skip


def no_rows_source(metric: str) -> str:
    """The source of a zero given for no rows, which ``explain`` shows (in Chinese too:
    ``okrdesk.plugins.citations``)."""
    return f"SQL metric {metric}: no rows, so none (no_rows_means_zero)"
