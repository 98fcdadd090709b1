"""Shared presentation helpers for every report format."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal

from okrdesk.figures_apart import beside_target
from okrdesk.messages import label
from okrdesk.model import sense_of
from okrdesk.report.document import Report, ReportKeyResult
from okrdesk.report.numbers import attainment_percent, in_unit
from okrdesk.units import UNITS, Dimension, exact, half_up, is_percent, shown_rate

SPARKS = "▁▂▃▄▅▆▇█"


def _whole(result: ReportKeyResult) -> bool:
    """Counts are whole: 752户, never 751.5户 (a rollup or a pace can make halves); but
    a count whose credit is shared keeps its half (82.5人: ``split_credit``)."""
    return whole_count(result)


def whole_count(result: ReportKeyResult) -> bool:
    """Whether a key result's figures are written as whole counts (``_whole``)."""
    return UNITS[result.unit].dimension is Dimension.COUNT and not result.split_credit


def value(result: ReportKeyResult, base: float | None, lang: str) -> str:
    """A key result's figure in the unit its target is written in."""
    return in_unit(UNITS[result.unit], base, lang, whole=_whole(result))


def actual(result: ReportKeyResult, lang: str) -> str:
    """The actual column: the figure, written finer where short of the target it would
    read as (``11,966万`` beside ``1.2亿``, not ``1.2亿`` twice; ``okrdesk.figures_apart``)."""
    return _beside_target(result, lang)[0]


def _actual_as(result: ReportKeyResult, figure: float, lang: str) -> str:
    """``actual`` of ``result`` had its figure been ``figure`` (a period before): made
    without a copy of the whole record, which the report asks of every key result."""
    return _beside_target(result, lang, figure)[0]


def attainment(result: ReportKeyResult) -> str:
    """The attainment column: 89.5%; below 100% never written as 100.0% (99.97%)."""
    return attainment_percent(result.attainment)


def _beside_target(
    result: ReportKeyResult, lang: str, figure: float | None = None
) -> tuple[str, str]:
    """The actual (``figure`` in its place where given) and the target as their columns
    write them."""
    shown = result.actual if figure is None else figure
    short = result.attainment is not None and result.attainment < 1
    if not short or shown is None or result.target is None or result.band is not None:
        return value(result, shown, lang), value(result, result.target, lang)
    unit = UNITS[result.unit]
    return beside_target(unit, shown, result.target, lang, whole=_whole(result))


def due_on(result: ReportKeyResult, lang: str) -> str:
    """Under the figure due of a figure judged against what was due on its own day (one
    out of date, or a check-in of an earlier day: ``due_on``): that day, so that the
    column does not read as due now (``截至11-20`` / ``by 11-20``); "" for a figure of the
    report's day, and a limit, due whole whatever the day."""
    day = result.due_on or result.old_figure
    if day is None or result.guardrail or result.expected is None:
        return ""
    return label(lang, "due_by", day=f"{day.month:02d}-{day.day:02d}")


def due_figure(result: ReportKeyResult, lang: str) -> str:
    """The due column: the figure due, written finer where a figure behind it would read
    as it (``2.2单`` beside ``2单`` at risk, not ``2单`` twice); for a ``within`` key
    result, the band it is to keep within, as the target column writes it (``±1百分点``),
    not the band's middle alone (``0百分点`` read as a goal of nothing, beside a target of
    ``±1百分点``)."""
    if result.band is not None and result.expected is not None:
        return target(result, lang)
    if result.target is None:
        return "—"  # nothing is due of no target (a growth target with no year to grow on)
    if behind_due(result) and result.actual is not None:
        unit = UNITS[result.unit]
        return beside_target(unit, result.actual, result.expected, lang, whole=_whole(result))[1]
    return value(result, result.expected, lang)


BEHIND = ("at_risk", "off_track")
"""The statuses that say a figure is short of what is due now."""


def behind_due(result: ReportKeyResult) -> bool:
    """Whether the figure due is to be written apart from the actual: a goal judged
    behind its pace, whose due 2.2单 would read as its actual 2单 when rounded to a whole
    count (``okrdesk.figures_apart``), beside the status 有风险."""
    return result.status in BEHIND and not result.guardrail and result.actual is not None


def due_heading(results: Iterable[ReportKeyResult], lang: str) -> str:
    """The due column's heading over ``results``: "应完成" / "Due" where one of them is due
    on a day of its own (``due_on``), so that no figure reads as due now; else
    "应完成" / "Due now"."""
    then = any(due_on(result, lang) for result in results)
    return label(lang, "due_then" if then else "expected")


def forecast_heading(results: Iterable[ReportKeyResult], lang: str) -> str:
    """The forecast column's heading over ``results``: "预测" where one of them is for a
    day before the plan's end (``forecast_to``: an open checkpoint's closing day, which
    is written under it), so that no figure reads as the year's; else "年末预测". English
    "Forecast" either way."""
    then = any(result.forecast_to is not None for result in results)
    return label(lang, "forecast_then" if then else "forecast")


def forecast_from(result: ReportKeyResult, lang: str) -> str:
    """Under the forecast of a figure out of date, made from its own day
    (engine.progress): that day (``自11-20起`` / ``from 11-20``); of an open checkpoint,
    the day it closes, and of a growth target on a window shorter than the year, the
    window's end, which it is for (``至09-30`` / ``to 09-30``); "" for a current figure of
    the year, or no forecast."""
    if result.forecast is None:
        return ""
    day = result.old_figure
    said = [label(lang, "forecast_from", day=f"{day:%m-%d}")] if day else []
    if result.forecast_to is not None:  # a checkpoint, a window: to its end
        said.append(label(lang, "forecast_to", day=f"{result.forecast_to:%m-%d}"))
    return " ".join(said)


def target(result: ReportKeyResult, lang: str) -> str:
    """The target column: the figure, and for a ``within`` key result the band around
    it (``±1百分点`` about 0, ``23% ± 1%`` about anything else)."""
    if result.band is None:
        return _beside_target(result, lang)[1]
    band = value(result, result.band, lang)
    if not result.target:
        return f"±{band}"
    return f"{value(result, result.target, lang)} ± {band}"


NO_CHANGE = "±0"
"""A change that rounds to nothing as written."""


def change(result: ReportKeyResult, lang: str) -> str:
    """The change over the plan's last period: +1.2百分点 for a rate, 新增 for a first figure;
    ±0 where the figure, as the actual column writes it, reads as it did a period before
    (``moved_as_written``): +400元 beside 1.1亿 both weeks is finer than the figure is
    written, as 160.2户 → 160.4户 is (both 160户, ±0)."""
    if result.new:
        return label(lang, "new")
    if result.change is None:
        return "—"
    if result.actual is not None and not moved_as_written(result, lang):
        return NO_CHANGE
    unit = UNITS[result.unit]
    difference = change_figure(result)
    text = in_unit(unit, abs(difference), lang, whole=_whole(result), points=is_percent(unit))
    if not any(c.isdigit() and c != "0" for c in text):
        return NO_CHANGE
    return ("+" if difference > 0 else "-") + text


def moved_change(result: ReportKeyResult, lang: str) -> str:
    """The change as the first screen lists what moved most, marked where it took the
    figure away from its target (``+1.9百分点（变差）`` for an empty-account rate that is
    to come down): beside the key result's title alone, a rise reads as progress."""
    text = change(result, lang)
    sense = sense_of(result.direction)
    if result.new or result.change is None or text == NO_CHANGE:
        return text
    if change_figure(result) * sense < 0:
        return text + label(lang, "in_brackets", text=label(lang, "worse"))
    return text


def moved_as_written(result: ReportKeyResult, lang: str) -> bool:
    """Whether the figure, as the actual column writes it, reads otherwise than it did a
    period before: a change of 400元 beside 1.1亿 both weeks, or of a thousandth of a
    point, moved nothing a manager sees in the figure (``moved_most`` leaves it out)."""
    if result.change is None or result.actual is None:
        return False
    before = float(exact(result.actual) - exact(result.change))
    return _as_read(actual(result, lang)) != _as_read(_actual_as(result, before, lang))


_WRITTEN_NUMBER = re.compile(r"-?[\d,]+(?:\.(\d+))?")


def _as_read(written: str) -> str:
    """A written figure as a reader compares two: 1.10亿, an amount rounded, which keeps
    its places, and 1.1亿, one exact, are one figure."""
    number = _WRITTEN_NUMBER.search(written)
    if number is None or "." not in number.group(0):
        return written
    plain = number.group(0).rstrip("0").rstrip(".")
    return written[: number.start()] + plain + written[number.end() :]


def steps_moved(result: ReportKeyResult, lang: str) -> int:
    """By how many of its last written digit the figure, as the actual column writes it in
    the report's language ``lang``, moved over the last period: 1 for 1.69个/户 → 1.68个/户
    or 264户 → 265户, 0 where it reads the same (``moved_as_written``), and as many as its
    scale allows where the scale changed (9,306万 → 1.02亿). Each language's own last digit:
    5,914元 → 5,916元 is two of Chinese's yuan, where English reads CNY 5.91k → CNY 5.92k,
    one of its tens."""
    if result.change is None or result.actual is None:
        return 0
    before = float(exact(result.actual) - exact(result.change))
    now, then = actual(result, lang), _actual_as(result, before, lang)
    number_now, number_then = _WRITTEN_NUMBER.search(now), _WRITTEN_NUMBER.search(then)
    if number_now is None or number_then is None:
        return 0 if now == then else 2
    if (now[: number_now.start()], now[number_now.end() :]) != (
        then[: number_then.start()],
        then[number_then.end() :],
    ):
        return 2  # another scale or unit word (CNY 999k → CNY 1m): more than its last digit
    numbers = (number_now, number_then)
    places = max(len(number.group(1) or "") for number in numbers)
    figures = [Decimal(number.group(0).replace(",", "")) for number in numbers]
    return int(abs(figures[0] - figures[1]).scaleb(places))


def change_figure(result: ReportKeyResult) -> float:
    """The change the report writes: the one between the figures it shows, so it reads
    with their digits and the column adds up (160 → 161 is +1; 1.65‰ → 1.64‰ is -0.01‰,
    not -0.0027‰). ``result.change`` must not be None."""
    assert result.change is not None
    if result.actual is None:
        return result.change
    before = exact(result.actual) - exact(result.change)
    if _whole(result):
        return float(half_up(result.actual, 0) - half_up(before, 0))
    unit = UNITS[result.unit]
    if unit.dimension is Dimension.FRACTION:
        return float(shown_rate(unit, result.actual) - shown_rate(unit, before))
    return result.change


def change_heading(grain: str, lang: str) -> str:
    """The change column's name, after the plan's grain: 周变化 / 月变化 / 季变化."""
    return label(lang, f"change_{grain}")


def sparkline(result: ReportKeyResult, width: int = 12) -> str:
    points = [p.value for p in result.trend][-width:]
    if len(points) < 2:
        return ""
    low, high = min(points), max(points)
    span = high - low
    if span == 0:
        return SPARKS[0] * len(points)
    return "".join(SPARKS[round((v - low) / span * (len(SPARKS) - 1))] for v in points)


def unit_named(report: Report, lang: str) -> str:
    """The unit as the reader's language writes it: 财富管理一部（wm1，团队）; its level
    left out where it is also its id (华南证券（firm）, not （firm，firm）) or where the
    name already ends in it (深圳福田营业部（szft）, not （szft，营业部）)."""
    unit = report.unit
    return unit_said(unit.name, unit.id, unit.role or unit.level, lang)


def unit_said(name: str, unit_id: str, level: str, lang: str) -> str:
    """A unit by its name, id and level, as ``unit_named`` writes it."""
    said_already = level in ("", unit_id) or name.casefold().endswith(level.casefold())
    who = unit_id if said_already else f"{unit_id}{label(lang, 'then')}{level}"
    return name + label(lang, "in_brackets", text=who)


def figures_through(report: Report, lang: str) -> str | None:
    """The day a past day's figures run through, and why; None when they run through
    the report's day."""
    if report.figures_through is None:
        return None
    return cut_line(report.figures_through, report.cut_period or "", report.as_of, lang)


def cut_line(through: dt.date, period: str, day: dt.date, lang: str) -> str:
    """ "数据截至 2026-06-28：2026-W27 含 2026-07-01 之后的日子，不计入"."""
    return label(lang, "figures_through", through=through, period=period, day=day)


def phase_span(report: Report, lang: str) -> str | None:
    """``Q4 收官：2026-10-01 – 2026-12-31，剩余 41 天``; None outside every phase."""
    p = report.phase
    if p is None:
        return None
    return (f"{p.id} {p.name}{label(lang, 'colon')}{p.start} – {p.end}{label(lang, 'then')}"
            + time_left(report, lang))  # fmt: skip


def time_left(report: Report, lang: str) -> str:
    """ "剩余 41 天" of the report's phase; "计划已结束" once the day asked for is past the
    plan, whose last day the report is then as of."""
    if report.plan_ended:
        return label(lang, "plan_ended")
    return days_left(report.phase.days_left if report.phase else 0, lang)


def days_left(days: int, lang: str) -> str:
    """ "剩余 41 天"; on a phase's last day "最后一天", where "剩余 0 天" would read as over."""
    return label(lang, "last_day") if days == 0 else label(lang, "days_left", n=days)


def compared_with(report: Report, lang: str) -> str:
    """What the score before is named: the end of the period before (上周末), or, for
    figures cut short of the report's day, that day itself."""
    if report.figures_through is not None and report.change_from is not None:
        return label(lang, "ago_on", day=report.change_from)
    return label(lang, f"ago_{report.grain}")
