"""Burn-up charts as inline SVG: what was done, against what was due, by date.

Each chart has a value axis in the key result's unit (written by the one
display rule, ``okrdesk.units.written``), month ticks on the date axis, the
target (or a guardrail's limit) as a labelled line, the due curve, a marker at
the report's date and the latest value labelled. A key result tracked by
check-ins is drawn as steps: a check-in holds until the next one. Text from a
target file is escaped here; everything else is numbers and fixed words.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import attrs
from markupsafe import Markup, escape

from okrdesk.messages import display_width, label
from okrdesk.report.cells import target as written_target
from okrdesk.report.cells import value as written_value
from okrdesk.report.cells import whole_count
from okrdesk.report.document import ReportKeyResult, TrendPoint
from okrdesk.units import UNITS, written

WIDTH, HEIGHT = 360, 200
RIGHT, TOP, BOTTOM = 12, 22, 154
"""The plot area's edges inside the view box; its left edge leaves room for the value
axis's longest label. The axes' labels and the legend go outside it."""
TICKS = 5
"""At most this many steps between the value axis's ticks."""
COLUMN = 5.8
"""How wide one terminal column of text (half a Chinese character) is at the charts' font size."""


@attrs.frozen
class Frame:
    """Where a date and a base value land in the plot area."""

    start: dt.date
    end: dt.date
    low: float
    high: float
    left: float

    def x(self, day: dt.date) -> float:
        days = max((self.end - self.start).days, 1)
        return self.left + (WIDTH - self.left - RIGHT) * (day - self.start).days / days

    @property
    def middle(self) -> float:
        return (self.left + WIDTH - RIGHT) / 2

    def y(self, value: float) -> float:
        span = (self.high - self.low) or 1.0
        return BOTTOM - (BOTTOM - TOP) * (value - self.low) / span


def burnup_svg(
    result: ReportKeyResult,
    start: dt.date,
    end: dt.date,
    lang: str = "zh",
    as_of: dt.date | None = None,
) -> Markup:
    """The key result's burn-up chart from ``start`` to ``end`` (a closed checkpoint's
    chart ends at its date), with a marker at ``as_of``."""
    last_day = min(result.closed, end) if result.closed is not None else end
    trend = [p for p in result.trend if start <= p.date <= last_day]
    due = _clipped(result.milestones, start, last_day)
    today = as_of if as_of is not None else (trend[-1].date if trend else None)
    low, high, step = _value_range(result, [*trend, *due])
    ticks = _ticks(result, low, high, step, lang)
    left = max(36.0, 8 + COLUMN * max(display_width(text) for _, text in ticks))
    frame = Frame(start, last_day, low, high, round(left))
    parts = [_opening(result, trend, lang)]
    parts.append(f'<rect x="{frame.left}" y="{TOP}" width="{WIDTH - frame.left - RIGHT}" '
                 f'height="{BOTTOM - TOP}" class="frame"/>')  # fmt: skip
    parts += _value_axis(frame, ticks)
    parts += _date_axis(frame, lang)
    if result.target is not None:
        parts += _target_line(result, frame, lang)
    if due and not result.guardrail:
        parts.append(f'<polyline points="{_points(frame, due)}" class="due"/>')
    if trend:
        hold_until = _hold_until(today, last_day)
        parts += _done_line(result, frame, trend, hold_until, lang)
    parts += _marker(result, frame, today, lang)
    parts.append(_legend(result, frame, lang))
    parts.append("</svg>")
    return Markup("".join(parts))


def tracked_by_checkins(result: ReportKeyResult) -> bool:
    return result.metric is None


def _opening(result: ReportKeyResult, trend: Sequence[TrendPoint], lang: str) -> str:
    name = f"{label(lang, 'burnup')}: {result.id} {result.title}"
    if trend:
        latest = label(lang, "chart_latest", value=written_value(result, trend[-1].value, lang),
                       date=trend[-1].date.isoformat())  # fmt: skip
        name = f"{name}, {latest}" if lang == "en" else f"{name}，{latest}"
    kind = " guardrail" if result.guardrail else ""
    steps = " checkins" if tracked_by_checkins(result) else ""
    return (
        f'<svg class="burnup{kind}{steps}" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="{escape(name)}"><title>{escape(name)}</title>'
    )


def _clipped(points: Sequence[TrendPoint], start: dt.date, last: dt.date) -> list[TrendPoint]:
    """The due curve up to ``last``, with a corner at ``last`` where it is cut."""
    inside = [p for p in points if start <= p.date <= last]
    later = [p for p in points if p.date > last]
    if inside and later and inside[-1].date < last:
        before, after = inside[-1], later[0]
        share = (last - before.date).days / max((after.date - before.date).days, 1)
        inside.append(TrendPoint(last, before.value + (after.value - before.value) * share))
    return inside


def _value_range(
    result: ReportKeyResult, points: Sequence[TrendPoint]
) -> tuple[float, float, float]:
    """The value axis: from a round number to a round number, with its tick step.

    The axis starts at zero when the figures are nearer zero than they are wide
    apart, so an amount built up from nothing shows where it started; a score
    moving between 58 and 64 gets an axis of its own range.
    """
    values = [p.value for p in points]
    if result.target is not None:
        values += _target_levels(result)
    if not values:
        values = [0.0]
    low, high = min(values), max(values)
    if 0 < low <= high / 2:
        low = 0.0
    if low / 2 <= high < 0:
        high = 0.0
    unit = UNITS[result.unit]
    whole = whole_count(result)
    if high == low:
        if low > 0:
            low = 0.0
        elif high < 0:
            high = 0.0
        else:
            high = float(unit.factor)
    span = high - low
    step = _nice_step(span / TICKS, whole)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _nice_step(rough: float, whole: bool) -> float:
    """1, 2 or 5 times a power of ten: ticks a manager would write."""
    power = 10.0 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return max(step, 1.0) if whole else step


def _ticks(
    result: ReportKeyResult, low: float, high: float, step: float, lang: str
) -> list[tuple[float, str]]:
    """Each tick of the value axis with its label, written as the report's tables write
    figures: a zero of money as 0元 / CNY 0, as a branch writes none, not 0万 under
    2,000万, which reads as an amount rounded away; a count's in its own words (0
    times, not the 1 time above it)."""
    unit = UNITS[result.unit]
    whole = whole_count(result)
    ticks = [round(low + i * step, 12) for i in range(round((high - low) / step) + 1)]
    return [(tick, written(unit, tick, lang, whole=whole)) for tick in ticks]


def _value_axis(frame: Frame, ticks: Sequence[tuple[float, str]]) -> list[str]:
    parts = []
    for tick, text in ticks:
        y = frame.y(tick)
        parts.append(f'<line x1="{frame.left}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                     f'class="grid"/><text x="{frame.left - 4}" y="{y + 3.5:.1f}" '
                     f'class="tick y">{escape(text)}</text>')  # fmt: skip
    return parts


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    first = dt.date(start.year, start.month, 1)
    if first < start:
        first = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    days = []
    while first <= end:
        days.append(first)
        first = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return days


def _date_axis(frame: Frame, lang: str) -> list[str]:
    """A tick at each month's first day; a label at each, or each quarter's over a year."""
    names = label(lang, "months").split()
    months = _months(frame.start, frame.end)
    every = 1 if len(months) <= 6 else 3
    parts = []
    for day in months:
        x = frame.x(day)
        parts.append(f'<line x1="{x:.1f}" y1="{BOTTOM}" x2="{x:.1f}" y2="{BOTTOM + 4}" '
                     'class="axis"/>')  # fmt: skip
        if (day.month - 1) % every == 0:
            parts.append(f'<text x="{x:.1f}" y="{BOTTOM + 15}" class="tick x">'
                         f"{escape(names[day.month - 1])}</text>")  # fmt: skip
    return parts


def _target_levels(result: ReportKeyResult) -> list[float]:
    """Where the target's lines go: the target, or for a ``within`` key result the two
    edges of its band (a line at its middle read as a goal of 0百分点)."""
    assert result.target is not None
    if result.band is None:
        return [result.target]
    return [result.target + result.band, result.target - result.band]


def _target_line(result: ReportKeyResult, frame: Frame, lang: str) -> list[str]:
    if result.band is not None:
        word, kind = label(lang, "target"), "limit"
    elif result.guardrail and result.direction in ("at_most", "at_least"):
        word = label(lang, "limit_max" if result.direction == "at_most" else "limit_min")
        kind = "limit"
    else:
        word, kind = label(lang, "target"), "goal"
    text = escape(f"{word} {written_target(result, lang)}")
    levels = _target_levels(result)
    lines = [
        f'<line x1="{frame.left}" y1="{frame.y(level):.1f}" x2="{WIDTH - RIGHT}" '
        f'y2="{frame.y(level):.1f}" class="{kind}"/>'
        for level in levels
    ]
    y = frame.y(max(levels))  # the label over the upper edge
    above = y - 4 if y - 4 > TOP + 8 else y + 11
    return [
        *lines,
        f'<text x="{frame.left + 4}" y="{above:.1f}" class="label {kind}">{text}</text>',
    ]


def _hold_until(today: dt.date | None, last_day: dt.date) -> dt.date | None:
    return None if today is None else min(today, last_day)


def _done_line(
    result: ReportKeyResult,
    frame: Frame,
    trend: Sequence[TrendPoint],
    hold_until: dt.date | None,
    lang: str,
) -> list[str]:
    last = trend[-1]
    if tracked_by_checkins(result):
        path = f"M{frame.x(trend[0].date):.1f},{frame.y(trend[0].value):.1f}"
        for point in trend[1:]:
            path += f" H{frame.x(point.date):.1f} V{frame.y(point.value):.1f}"
        if hold_until is not None and hold_until > last.date:
            path += f" H{frame.x(hold_until):.1f}"
        line = f'<path d="{path}" class="done steps"/>'
    else:
        line = f'<polyline points="{_points(frame, trend)}" class="done"/>'
    px, py = frame.x(last.date), frame.y(last.value)
    text = escape(written_value(result, last.value, lang))
    anchor = "end" if px > frame.middle else "start"
    tx = px - 5 if anchor == "end" else px + 5
    ty = py + 14 if py - 6 < TOP + 10 else py - 6
    return [
        line,
        f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" class="now"/>',
        f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}" class="label latest">'
        f"{text}</text>",
    ]


def _marker(result: ReportKeyResult, frame: Frame, today: dt.date | None, lang: str) -> list[str]:
    """A line at the report's date; for a closed checkpoint, at its date, named by phase."""
    if result.closed is not None and result.closed <= frame.end:
        day, text = result.closed, f"{result.phase or ''} {result.closed:%m-%d}".strip()
    elif today is not None and frame.start <= today <= frame.end:
        day, text = today, f"{label(lang, 'as_of')} {today:%m-%d}"
    else:
        return []
    x = frame.x(day)
    anchor = "end" if x > frame.middle else "start"
    tx = x + (3 if anchor == "start" else -3)
    return [
        f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{BOTTOM}" class="today"/>',
        f'<text x="{tx:.1f}" y="{TOP - 8}" text-anchor="{anchor}" class="label today">'
        f"{escape(text)}</text>",
    ]


def _legend(result: ReportKeyResult, frame: Frame, lang: str) -> str:
    y = HEIGHT - 8
    items = [("done", label(lang, "actual"))]
    if not result.guardrail:
        # The curve of what is due on each day, not only now.
        items.append(("due", label(lang, "due_then")))
    parts, x = [], frame.left
    for kind, word in items:
        parts.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 16}" y2="{y - 4}" '
                     f'class="{kind}"/><text x="{x + 20}" y="{y}" class="legend">'
                     f"{escape(word)}</text>")  # fmt: skip
        x += 32 + 6 * display_width(word)
    return "".join(parts)


def _points(frame: Frame, points: Sequence[TrendPoint]) -> str:
    return " ".join(f"{frame.x(p.date):.1f},{frame.y(p.value):.1f}" for p in points)
