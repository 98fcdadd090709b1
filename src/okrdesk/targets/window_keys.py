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

from okrdesk.errors import Problem, Said
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.periods import (
    COMPARISONS,
    Grain,
    Span,
    parse_window,
    why_no_period,
    window_problem,
)
from okrdesk.records import shared_methods
from okrdesk.targets.reader import Findings, Table, Where, describe, plain_number
from okrdesk.units import UNITS, UnitOfMeasure, UnreadableFigure, parse_in
from okrdesk.written_numbers import half_width

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
    if window is not None and (why := _window_said(window)) is not None:
        t.fail(where.key("window"), *why)
        window = None
    compare = t.strings("compare") or []
    for index, word in enumerate(compare):
        if word not in COMPARISONS:
            t.fail(where.key("compare").item(index, None),
                   f'unknown comparison "{word}"; expected "last_year" (同比) or '
                   '"previous" (环比)',
                   f'未知的比较方式 "{word}"；'
                   '应为 "last_year"（同比）或 "previous"（环比）')  # fmt: skip
    if len(set(compare)) < len(compare):
        t.fail(where.key("compare"), "names a comparison twice", "同一比较方式重复列出")
    growth = _growth(t, where, data)
    if growth is not None:
        if "target" in data or "members" in data:
            t.fail(where.key("growth"), "and target are two ways to give the target; give one "
                   "(growth: last year's figure × (1 + growth))",
                   "与 target 是给出目标值的两种方式，只能给一个"
                   "（growth：去年的数 × (1 + growth)）")  # fmt: skip
        for key in ("milestones", "calendar", "guardrail"):
            if key in data:
                t.fail(where.key(key), "does not apply: a growth target is paced by last "
                       "year's figures over the same periods",
                       "不适用：增长目标按去年同期的数安排进度")  # fmt: skip
        if data.get("direction", "at_least") != "at_least":
            t.fail(where.key("growth"), 'is a target to grow to: direction must be "at_least"',
                   '是要增长到的目标值：direction 必须为 "at_least"')  # fmt: skip
    asked = window is not None or compare or growth is not None
    if asked and metric is None:
        key = next(k for k in WINDOW_KEYS if k in data)
        t.fail(where.key(key), "needs a metric: windows and comparisons read stored figures, "
               "and a key result tracked by check-ins has none",
               "需要指标：时间窗和同比、环比读取已入库的数，"
               "而靠打卡跟踪的关键结果没有这样的数")  # fmt: skip
    elif asked and metric is not None:
        uses.append(WindowUse(where, metric, window, growth is not None))
    return WindowKeys(window, tuple(compare), growth)


def _growth(t: Table, where: Where, data: dict[str, Any]) -> Decimal | None:
    """``growth = 0.18`` or ``growth = "18%"`` (``"18％"``, as a Chinese input method types
    it, too): the fraction 0.18."""
    raw = data.get("growth")
    if raw is None:
        return None
    at = where.key("growth")
    if isinstance(raw, str):
        text = half_width(raw.strip())
        if not text.endswith("%"):
            t.fail(at, f'"{raw}" has no %: write a fraction (0.18) or a percentage ("18%")',
                   f'"{raw}" 没有 %：请写小数（0.18）或百分比（"18%"）')  # fmt: skip
            return None
        try:
            value = parse_in(UNITS["%"], text.removesuffix("%"), shown=raw)
        except ValueError as error:
            t.fail(at, f'{error}; write a fraction (0.18) or a percentage ("18%")',
                   f'{UnreadableFigure.in_language(error, "zh")}；'
                   '请写小数（0.18）或百分比（"18%"）')  # fmt: skip
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
                   f'{number / 100} or "{number}%"',
                   f'{number} 意味着 +{number * 100}%；若指 {number}%，请写 '
                   f'{number / 100} 或 "{number}%"')  # fmt: skip
            return None
    if value <= -1:
        t.fail(at, f"{describe(raw)} would leave nothing of last year's figure; "
               "a growth is above -100%",
               f"{describe(raw, 'zh')} 会让去年的数一点不剩；增长必须高于 -100%")  # fmt: skip
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
        t.fail(where.key("unit"), f'unknown unit "{symbol}"', f'未知的计量单位 "{symbol}"')
    values: dict[str, Decimal] = {}
    table = t.table("values")
    if table is not None:
        at, raw = table
        for period, number in raw.items():
            if (why := why_no_period(period)) is not None:
                t.fail(at.key(period), *why)
                continue
            value, why = plain_number(number)
            if value is None:
                t.fail(at.key(period), *why)
                continue
            if metric is None or subject is None:
                continue  # whose figures these are is told; none can be given twice
            key = (metric, subject, period)
            if key in found:
                first = f"{found[key].file.display}:{found[key].line}"
                t.fail(at.key(period), f"{metric} of {subject} in {period} is already given at "
                       f"{first}",
                       f"{subject} 在 {period} 的 {metric} 已在 {first} 给出")  # fmt: skip
                continue
            found[key] = at.key(period)
            values[period] = value
        if not raw:
            t.fail(at, 'is empty; give last year\'s figures: { "2025-11" = 4210, ... }',
                   '为空；请给出去年的数：{ "2025-11" = 4210, ... }')  # fmt: skip
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
    if use.window is not None and grain is not None:
        why = _window_said(use.window, grain)
        if why is not None:
            found.append(use.where.key("window").said(why))
    if spec is None:
        return found  # an unknown metric is reported once, where it is named
    at = use.where.key("metric")
    if spec.formula is not None:
        found.append(at.problem(
            f'"{spec.name}" is a derived metric, which has no stored periods: windows, '
            "comparisons, growth targets and baselines read stored figures; use them on "
            "its inputs",
            f'"{spec.name}" 是派生指标，没有入库的各期数：时间窗、同比环比、增长目标和基线'
            "都读取已入库的数；请把它们用在它的输入指标上"))  # fmt: skip
    elif use.growth and spec.kind is not MetricKind.FLOW:
        found.append(use.where.key("growth").problem(
            f'a growth target is for a flow (added up over time); "{spec.name}" is a '
            f"{spec.kind.value}: set its target with target = ...",
            f'增长目标只适用于流量（随时间累加）；"{spec.name}" 是{_KINDS_ZH[spec.kind]}：'
            "请用 target = ... 设定目标值"))  # fmt: skip
    elif use.baseline and spec.kind is MetricKind.RATIO:
        found.append(at.problem(
            f'"{spec.name}" is a ratio: its figure a year before needs numerator and '
            "denominator, which [[baselines]] does not take; collect last year into the store",
            f'"{spec.name}" 是比率：它一年前的数要有分子和分母，[[baselines]] 不接受；'
            "请把去年的数采集入库",
        ))  # fmt: skip
    return found


_KINDS_ZH = {MetricKind.FLOW: "流量", MetricKind.STOCK: "存量", MetricKind.RATIO: "比率"}
_GRAINS_ZH = {Grain.WEEK: "周", Grain.MONTH: "月", Grain.QUARTER: "季度"}
_SPANS_ZH = {Span.WEEK: "周", Span.MONTH: "月", Span.QUARTER: "季度", Span.YEAR: "年"}


def _window_said(text: str, grain: Grain | None = None) -> Said | None:
    """``periods.window_problem`` in English and Chinese; None when ``text`` is a
    window a plan of ``grain`` can give."""
    why = window_problem(text, grain)
    if not why:
        return None
    try:
        window = parse_window(text)
    except ValueError:
        return Said(why, f'未知的时间窗 "{text}"；可用：wtd、mtd、qtd、ytd、'
                         "last_N_weeks、last_N_months"
                         "（N 为 1 到 99，如 last_4_weeks、last_3_months）")  # fmt: skip
    grain_zh = _GRAINS_ZH[grain] if grain is not None else ""
    return Said(why, f"按{grain_zh}计量的计划给不出按{_SPANS_ZH[window.span]}的时间窗"
                     f"（{window.name}）；计划的周期更长")  # fmt: skip
