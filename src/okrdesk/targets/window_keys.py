"""The target-file keys of windows, period-over-period and growth targets.

A key result may say ``window = "ytd"`` (the to-date or trailing window the
report shows it over), ``compare = ["last_year", "previous"]`` (同比, 环比)
and ``growth = "18%"`` (a target of last year's figure × 1.18, instead of
``target``). ``[[baselines]]`` tables give last year's figures where the
store has no history (see docs/targets.md and engine/windows.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from okrdesk.errors import Problem
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.periods import COMPARISONS, Grain, parse_period, window_problem
from okrdesk.records import shared_methods
from okrdesk.targets.reader import Findings, Table, Where, describe, plain_number
from okrdesk.units import UNITS, UnitOfMeasure, parse_in

WINDOW_KEYS = ("window", "compare", "growth")
BASELINE_KEYS = ("metric", "subject", "unit", "values")
GROWTH_TYPO = 10
"""A bare growth above this (+1,000%) is a percentage written without its %."""


@attrs.frozen
@shared_methods
class WindowUse:
    """A key result's window, comparisons or growth, checked against its metric once
    the plugins are known (derived metrics have no stored periods; growth is for flows)."""

    where: Where
    """The key result's (or the [[baselines]] entry's) table."""
    metric: str
    window: str | None
    growth: bool
    baseline: bool = False
    """A [[baselines]] entry rather than a key result."""


@attrs.frozen
@shared_methods
class WindowKeys:
    window: str | None = None
    compare: tuple[str, ...] = ()
    growth: Decimal | None = None


def read_window_keys(
    t: Table, where: Where, data: dict[str, Any], metric: str | None, uses: list[WindowUse]
) -> WindowKeys:
    """The three keys of one key result, each problem located at its key."""
    window = t.text("window")
    if window is not None and (why := window_problem(window)):
        t.fail(where.key("window"), why)
        window = None
    compare = t.strings("compare") or []
    for index, word in enumerate(compare):
        if word not in COMPARISONS:
            t.fail(where.key("compare").item(index, None),
                   f'unknown comparison "{word}"; expected "last_year" (同比) or '
                   '"previous" (环比)')  # fmt: skip
    if len(set(compare)) < len(compare):
        t.fail(where.key("compare"), "names a comparison twice")
    growth = _growth(t, where, data)
    if growth is not None:
        if "target" in data or "members" in data:
            t.fail(where.key("growth"), "and target are two ways to give the target; give one "
                   "(growth: last year's figure × (1 + growth))")  # fmt: skip
        for key in ("milestones", "calendar", "guardrail"):
            if key in data:
                t.fail(where.key(key), "does not apply: a growth target is paced by last "
                       "year's figures over the same periods")  # fmt: skip
        if data.get("direction", "at_least") != "at_least":
            t.fail(where.key("growth"), 'is a target to grow to: direction must be "at_least"')
    asked = window is not None or compare or growth is not None
    if asked and metric is None:
        key = next(k for k in WINDOW_KEYS if k in data)
        t.fail(where.key(key), "needs a metric: windows and comparisons read stored figures, "
               "and a key result tracked by check-ins has none")  # fmt: skip
    elif asked and metric is not None:
        uses.append(WindowUse(where, metric, window, growth is not None))
    return WindowKeys(window, tuple(compare), growth)


def _growth(t: Table, where: Where, data: dict[str, Any]) -> Decimal | None:
    """``growth = 0.18`` or ``growth = "18%"``: the fraction 0.18."""
    raw = data.get("growth")
    if raw is None:
        return None
    at = where.key("growth")
    if isinstance(raw, str):
        text = raw.strip()
        if not text.endswith("%"):
            t.fail(at, f'"{raw}" has no %: write a fraction (0.18) or a percentage ("18%")')
            return None
        try:
            value = parse_in(UNITS["%"], text.removesuffix("%"), shown=raw)
        except ValueError as error:
            t.fail(at, f'{error}; write a fraction (0.18) or a percentage ("18%")')
            return None
    else:
        number, why = plain_number(raw)
        if number is None:
            t.fail(at, why.en.replace("a number", 'a number or a percentage ("18%")'),
                   why.zh.replace("应为数", '应为数或百分比（"18%"）'))  # fmt: skip
            return None
        value = number
        if value > GROWTH_TYPO:
            t.fail(at, f'{number} would be +{number * 100}%; for {number}% write '
                   f'{number / 100} or "{number}%"')  # fmt: skip
            return None
    if value <= -1:
        t.fail(at, f"{describe(raw)} would leave nothing of last year's figure; "
               "a growth is above -100%")  # fmt: skip
        return None
    return value


def read_baseline(
    where: Where,
    data: dict[str, Any],
    findings: Findings,
    uses: list[WindowUse],
    found: dict[tuple[str, str, str], Where],
) -> tuple[tuple[str, str], dict[str, Decimal], UnitOfMeasure] | None:
    """One ``[[baselines]]`` table: (metric, subject) and its periods' values in base
    units; None when it has problems (each reported)."""
    t = Table(where, data, findings, BASELINE_KEYS, required=BASELINE_KEYS)
    metric, subject, symbol = t.text("metric"), t.text("subject"), t.text("unit")
    unit = UNITS.get(symbol) if symbol is not None else None
    if symbol is not None and unit is None:
        t.fail(where.key("unit"), f'unknown unit "{symbol}"')
    values: dict[str, Decimal] = {}
    table = t.table("values")
    if table is not None:
        at, raw = table
        for period, number in raw.items():
            try:
                parse_period(period)
            except ValueError as error:
                t.fail(at.key(period), str(error))
                continue
            value, why = plain_number(number)
            if value is None:
                t.fail(at.key(period), *why)
                continue
            key = (metric or "", subject or "", period)
            if key in found:
                t.fail(at.key(period), f"{metric} of {subject} in {period} is already given at "
                       f"{found[key].file.display}:{found[key].line}")  # fmt: skip
                continue
            found[key] = at.key(period)
            values[period] = value
        if not raw:
            t.fail(at, 'is empty; give last year\'s figures: { "2025-11" = 4210, ... }')
    if metric is not None:
        uses.append(WindowUse(where, metric, None, False, baseline=True))
    if metric is None or subject is None or unit is None or not t.ok:
        return None
    return (metric, subject), {p: unit.to_base(v) for p, v in values.items()}, unit


def window_use_problems(
    use: WindowUse, grain: Grain | None, spec: MetricSpec | None
) -> list[Problem]:
    """What is wrong with ``use`` for a plan of ``grain`` and its metric ``spec``."""
    found = []
    if use.window is not None and grain is not None and (why := window_problem(use.window, grain)):
        found.append(use.where.key("window").problem(why))
    if spec is None:
        return found  # an unknown metric is reported once, where it is named
    at = use.where.key("metric")
    if spec.formula is not None:
        found.append(at.problem(
            f'"{spec.name}" is a derived metric, which has no stored periods: windows, '
            "comparisons, growth targets and baselines read stored figures; use them on "
            "its inputs"))  # fmt: skip
    elif use.growth and spec.kind is not MetricKind.FLOW:
        found.append(use.where.key("growth").problem(
            f'a growth target is for a flow (added up over time); "{spec.name}" is a '
            f"{spec.kind.value}: set its target with target = ..."))  # fmt: skip
    elif use.baseline and spec.kind is MetricKind.RATIO:
        found.append(at.problem(
            f'"{spec.name}" is a ratio: its figure a year before needs numerator and '
            "denominator, which [[baselines]] does not take; collect last year into the store"
        ))  # fmt: skip
    return found
