"""Short phrases every format adds to a figure: a checkpoint's phase, how many
members met their target, the latest check-in's story, who owes check-ins,
what "to date" means in the scores table."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from okrdesk.messages import dimension_label, label, status
from okrdesk.periods import parse_period
from okrdesk.report.cells import value
from okrdesk.report.document import Report, ReportKeyResult, ReportScore
from okrdesk.report.numbers import percent
from okrdesk.units import percentage


def status_text(kr: ReportKeyResult, lang: str) -> str:
    """The status, with the phase a closed checkpoint was judged at: "未达成 (Q2)"."""
    text = status(lang, kr.status)
    if kr.closed is not None:
        text += f" ({kr.phase or kr.closed.isoformat()})"
    return text


def members_met(kr: ReportKeyResult, lang: str) -> str:
    """ "成员达标 8/12 (66.7%)": of the members the key result is shared out to."""
    if kr.members_total is None or kr.members_met is None:
        return ""
    share = percent(kr.members_met / kr.members_total)
    return label(lang, "members_met", met=kr.members_met, total=kr.members_total, share=share,
                 on_pace=kr.members_on_pace)  # fmt: skip


def breakdown_heading(kr: ReportKeyResult, lang: str) -> str:
    """ "按产品类型拆分": the line above a key result's breakdown rows; "" without one."""
    if kr.breakdown is None:
        return ""
    return label(lang, "breakdown", dimension=dimension_label(kr.breakdown.dimension, lang))


def breakdown_rows(kr: ReportKeyResult, lang: str) -> list[tuple[str, str]]:
    """(label, figure) for each breakdown row, the largest first: "↳ 私募固收（占 42.1%）"
    and its figure in the key result's unit. Shares are whole tenths of a percent that
    add up to 100.0%, so they are written with one decimal."""
    if kr.breakdown is None:
        return []
    return [
        (label(lang, "breakdown_row", value=row.value,
               share="—" if row.share is None else percentage(row.share, keep=1)),
         value(kr, row.actual, lang))
        for row in kr.breakdown.rows
    ]  # fmt: skip


def to_date_note(report: Report, lang: str) -> str:
    """What the to-date column holds, for the scores table's caption."""
    current = next((s for s in report.scores if s.current_period is not None), None)
    if current is None or current.current_period is None or current.elapsed is None:
        return ""
    period = parse_period(current.current_period)
    days = (period.end - period.start).days + 1
    gone = round(current.elapsed * days)
    return label(lang, "to_date_note", period=current.current_period, gone=gone, days=days)


def checkin_story(kr: ReportKeyResult, lang: str) -> str:
    """ "最近打卡 2026-11-19 · 李明 · 信心 70% · 半年调查": the latest check-in; its value
    too when it is not the figure shown (a unit's sum of its members' check-ins)."""
    c = kr.latest_checkin
    if c is None:
        return ""
    shown = value(kr, c.value, lang)
    first = f"{label(lang, 'last_checkin')} {c.date.isoformat()}"
    parts = [first if shown == value(kr, kr.actual, lang) else f"{first} {shown}"]
    if c.author:
        parts.append(c.author)
    if c.confidence is not None:
        parts.append(f"{label(lang, 'confidence')} {percent(c.confidence, 0)}")
    if c.note:
        parts.append(c.note)
    return " · ".join(parts)


def owed_by_person(report: Report) -> list[tuple[str, int, str]]:
    """(who, how many, owed since) for each person owing check-ins, most owed first."""
    counts = Counter(o.name for o in report.owed)
    since: dict[str, dt.date] = {}
    for o in report.owed:
        since[o.name] = min(since.get(o.name, o.since), o.since)
    ranked = sorted(counts, key=lambda name: (-counts[name], since[name], name))
    return [(name, counts[name], since[name].isoformat()) for name in ranked]


def owed_text(report: Report, lang: str, people: int = 3) -> list[str]:
    """The who-owes lines of the first screen: a heading, then one line a person."""
    if not report.owed:
        return [label(lang, "nothing_owed")]
    found = owed_by_person(report)
    lines = [label(lang, "owed", n=len(report.owed))]
    lines += [label(lang, "owed_person", name=name, n=n, since=since)
              for name, n, since in found[:people]]  # fmt: skip
    if len(found) > people:
        lines.append(label(lang, "owed_more", n=len(found) - people))
    return lines


TREND_MARK = {"up": "↗", "down": "↘", "flat": "→", "": ""}
"""Not ↑ / ↓: those mark a score the floor or the cap held."""


def score_trend(score: ReportScore) -> str:
    """↗, ↘ or → from the period before the last complete one to it."""
    return TREND_MARK[score.trend]


def period_heading(period: str, lang: str) -> str:
    """A score column's heading, short: 10月 / Oct for a month, else the period id."""
    rest = period.partition("-")[2]
    if not rest.isdigit():
        return period
    if lang == "zh":
        return f"{int(rest)}月"
    return _MONTHS[int(rest) - 1]


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def score_periods(report: Report, last: int | None = None) -> list[str]:
    """The complete periods any person has a score for, oldest first (the ``last`` few)."""
    periods = sorted({p.period for s in report.scores for p in s.history})
    return periods[-last:] if last else periods


def score_in(score: ReportScore, period: str) -> str:
    """A person's score in one complete period, marked where the cap or floor held it."""
    point = next((p for p in score.history if p.period == period), None)
    return "—" if point is None else held(point.score, point.raw)


def held(score: float | None, raw: float | None) -> str:
    """A policy score, marked where the cap (↓) or the floor (↑) held it."""
    if score is None or raw is None:
        return "—"
    return percent(score) + (" ↓" if score < raw else (" ↑" if score > raw else ""))
