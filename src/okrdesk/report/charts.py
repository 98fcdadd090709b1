"""Burn-up charts as inline SVG: what was done, against what was due, by date.

Only numbers and fixed words go into the SVG text built here; anything from
a target file is escaped by the template that places the chart.
"""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from okrdesk.messages import label
from okrdesk.report.document import ReportKeyResult

WIDTH, HEIGHT, PAD = 320, 120, 8


def burnup_svg(result: ReportKeyResult, start: dt.date, end: dt.date, lang: str = "zh") -> Markup:
    days = max((end - start).days, 1)
    values = [p.value for p in result.trend] + [p.value for p in result.milestones]
    if result.target is not None:
        values.append(result.target)
    low, high = min([0.0, *values]), max([0.0, *values])
    span = (high - low) or 1.0

    def x(day: dt.date) -> float:
        return PAD + (WIDTH - 2 * PAD) * (day - start).days / days

    def y(value: float) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * (value - low) / span

    def path(points: list[tuple[dt.date, float]]) -> str:
        return " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)

    due = path([(p.date, p.value) for p in result.milestones])
    done = path([(p.date, p.value) for p in result.trend])
    parts = [
        f'<svg class="burnup" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label(lang, "burnup")}">',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" class="frame"/>',
    ]
    if result.target is not None:
        ty = y(result.target)
        parts.append(
            f'<line x1="{PAD}" y1="{ty:.1f}" x2="{WIDTH - PAD}" y2="{ty:.1f}" class="goal"/>'
        )
    if due:
        parts.append(f'<polyline points="{due}" class="due"/>')
    if done:
        parts.append(f'<polyline points="{done}" class="done"/>')
        last = result.trend[-1]
        parts.append(
            f'<circle cx="{x(last.date):.1f}" cy="{y(last.value):.1f}" r="3" class="now"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
