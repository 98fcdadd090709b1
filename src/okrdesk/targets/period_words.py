"""``-p/--period`` as hledger takes it: the period a report, check or explanation is about.

A period is an ISO week (``2026-W14``), a month (``2026-03``), a quarter
(``2026Q2`` or ``2026-Q2``), a year (``2025`` or ``2025年``), one of the plan's phases
by id or name (``Q1``, ``抢春播``), or ``this``/``last`` followed by ``week``,
``month``, ``quarter``, ``phase`` or ``year``, counted from the ``--as-of`` day or else
today (in Chinese ``本``, ``这`` or ``上``, then ``个`` or not, followed by ``周``,
``月``, ``季``/``季度``, ``阶段`` or ``年``: ``上月``, ``上个月``, ``本季度``; and
``今年``, ``去年``). The command then
runs as of the period's last day, or as of the ``--as-of`` day (else today)
when the period has not ended by then.
"""

from __future__ import annotations

import datetime as dt
import re

from okrdesk import clock
from okrdesk.errors import BadInput, Said
from okrdesk.model import Plan
from okrdesk.periods import (
    Period,
    month_of,
    parse_period,
    quarter_of,
    week_of,
    why_not_in_its_year,
)
from okrdesk.targets.reader import suggest

# Compiled by re when first used: most commands are given no period.
_QUARTER = r"^(\d{4})[-_ ]?[Qq]([1-4])$"
_YEAR = r"^(\d{4})年?$"
_RELATIVE = r"^(this|last)[-_ ]+(week|month|quarter|phase|year)$"
_RELATIVE_ZH = r"^(本|这|上)个?(周|月|季度?|阶段|年)$"
_WORDS_ZH = {"本": "this", "这": "this", "上": "last", "周": "week", "月": "month", "季": "quarter",
             "季度": "quarter", "阶段": "phase", "年": "year"}  # fmt: skip
_YEARS_ZH = {"今年": ("this", "year"), "去年": ("last", "year")}


def _year_of(day: dt.date) -> Period:
    return Period(dt.date(day.year, 1, 1), dt.date(day.year, 12, 31), str(day.year))


_OF = {"week": week_of, "month": month_of, "quarter": quarter_of, "year": _year_of}

EXAMPLES = (
    "2026-W14, 2026-03, 2026Q2, 2025, a phase (Q1 or its name), this week, last month or last year"
)
EXAMPLES_ZH = (
    "2026-W14、2026-03、2026Q2、2025、阶段（Q1 或其名称）、本周、上月、本季度、上阶段 或 去年"
)


def period_named(plan: Plan, text: str, today: dt.date, lang: str = "en") -> Period:
    """The period ``text`` names; relative ones counted from ``today``. A refusal is
    worded in ``lang``."""
    written = text.strip()
    relative = _relative(written)
    if relative:
        which, grain = relative
        current = _phase_of(plan, today, lang) if grain == "phase" else _OF[grain](today)
        if which == "this":
            return current
        before = current.start - dt.timedelta(days=1)
        if grain != "phase":
            return _OF[grain](before)
        if before < plan.start:
            raise BadInput(
                f"--period {text!r}：{current.id} 之前没有阶段（计划自 {plan.start} 开始）"
                if lang == "zh"
                else f"--period {text!r}: there is no phase before {current.id} (the plan "
                f"starts on {plan.start})"
            )
        return _phase_of(plan, before, lang)
    quarter = re.match(_QUARTER, written)
    if quarter:
        written = f"{quarter.group(1)}-Q{quarter.group(2)}"
    for phase in plan.phases:
        if written in (phase.id, phase.name):
            return Period(phase.start, phase.end, phase.id)
    year = re.match(_YEAR, written)
    if year and int(year.group(1)) >= 1:
        return _year_of(dt.date(int(year.group(1)), 1, 1))
    try:
        return parse_period(written)
    except ValueError:
        if (why := why_not_in_its_year(written)) is not None:  # 2026-W54: say the last week
            raise BadInput(f"--period {text!r}：{why[1]}" if lang == "zh"
                           else f"--period {text!r}: {why[0]}") from None  # fmt: skip
        names = [p.id for p in plan.phases] + [p.name for p in plan.phases] + _relative_words()
        raise BadInput(
            f"--period {text!r} 不是时段{suggest(text, names, lang)}；可写 {EXAMPLES_ZH}"
            if lang == "zh"
            else f"--period {text!r} is no period{suggest(text, names)}; write {EXAMPLES}"
        ) from None


def _relative_words() -> list[str]:
    """The relative periods, for a misspelt one (``last moth``) to be told the one meant."""
    english = [f"{which} {grain}" for which in ("this", "last")
               for grain in ("week", "month", "quarter", "phase", "year")]  # fmt: skip
    return (
        english
        + list(_YEARS_ZH)
        + [f"{which}{grain}" for which in "本上" for grain in ("周", "月", "季度", "阶段")]
    )


def _relative(written: str) -> tuple[str, str] | None:
    """("this" or "last", the grain) for ``last month`` or ``上月``; None for any other."""
    found = re.match(_RELATIVE, written, re.IGNORECASE)
    if found:
        return found.group(1).lower(), found.group(2).lower()
    found = re.match(_RELATIVE_ZH, written)
    if found:
        return _WORDS_ZH[found.group(1)], _WORDS_ZH[found.group(2)]
    return _YEARS_ZH.get(written)


def _phase_of(plan: Plan, day: dt.date, lang: str) -> Period:
    for phase in plan.phases:
        if phase.start <= day <= phase.end:
            return Period(phase.start, phase.end, phase.id)
    raise BadInput(
        f"{day} 不在计划的任何阶段内（计划 {plan.start} 至 {plan.end}）" if lang == "zh"
        else f"{day} is in no phase of the plan ({plan.start} to {plan.end})"
    )  # fmt: skip


def as_of_period(
    plan: Plan,
    text: str | None,
    as_of: dt.date | None,
    lang: str = "en",
    today: dt.date | None = None,
) -> dt.date | None:
    """The day a command runs as of for ``--period text`` (and ``--as-of``): the period's
    last day, or the as-of day (else today) when that comes first. None without a period.
    An as-of day after ``today`` (else the machine's) is refused. A refusal is worded in
    ``lang``."""
    clock.refuse_after_today(as_of, now=today)
    if text is None:
        return as_of
    today = as_of or today or clock.today()
    period = period_named(plan, text, today, lang)
    if period.start > today:
        since = Said(f"{'--as-of ' if as_of else 'today, '}{today}",
                     f"{'--as-of ' if as_of else '今天 '}{today}")  # fmt: skip
        raise BadInput(Said(
            f"--period {text}: {period.id} starts on {period.start}, after {since.en}; "
            "there is nothing to show yet",
            f"--period {text}：{period.id} 自 {period.start} 开始，晚于 {since.zh}；"
            "尚无可显示的内容",
        ))  # fmt: skip
    return min(period.end, today)
