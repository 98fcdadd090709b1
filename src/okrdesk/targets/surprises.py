"""Warnings for a plan that is valid but probably not what its writer meant: a target
that is a multiple of its members' (or a fraction of it), a milestone curve that
never asks for the whole target, a rate in % written as a fraction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from okrdesk import model
from okrdesk.errors import Said
from okrdesk.targets.cumulative import looks_like_shares
from okrdesk.targets.draft import Draft, Located
from okrdesk.targets.reader import Findings
from okrdesk.units import UnitOfMeasure, written

FAR_APART = 5
"""How many times one figure must be the other's before the gap looks like a slip (a
digit too many or too few) rather than a manager's deliberate higher bar."""

_PERCENT = ("%", "percent")
_FRACTION = ("ratio", "fraction")


def check_surprises(draft: Draft, findings: Findings) -> None:
    last_day = draft.plans[0].value.end if draft.plans else None
    ends = {p.value.id: p.value.end for p in draft.phases}
    for located in draft.key_results:
        _members_far_from_target(located, findings)
        _percent_as_fraction(located, findings)
        _fraction_as_percent(located, findings)
        if located.value.id not in draft.stated_levels:
            _average_checked_in_as_a_sum(located, findings)
        if last_day is not None and "phases" not in draft.incomplete:
            _curve_short_of_target(located, ends, last_day, findings)


def _members_far_from_target(located: Located[model.KeyResult], findings: Findings) -> None:
    """A target written beside members' targets that add up to a fifth of it or less, or
    five times it or more: the report shows the difference (engine.tree_targets), but a
    slip of a digit should be caught before then."""
    kr = located.value
    if kr.target is None or not kr.member_targets or not kr.adds_up:
        return
    members = sum(kr.member_targets.values(), Decimal(0))
    if kr.target <= 0 or members <= 0:
        return
    declared, implied = _figure(kr.unit, kr.target), _figure(kr.unit, members)
    if kr.target >= FAR_APART * members:
        times = _times(kr.target / members)
        findings.warnings.append(located.where.key("target").problem(
            f"is {declared.en}, {times.en} times what the members' targets add up to "
            f"({implied.en}); a digit too many, or a member's target left out? The target "
            "written here counts, and reports show the difference",
            f"为 {declared.zh}，是成员目标合计 {implied.zh} 的 {times.zh} 倍；是否多写了一位数，"
            "或漏写了成员的目标？以这里写的 target 为准，报告会显示差额",
        ))  # fmt: skip
    elif members >= FAR_APART * kr.target:
        times = _times(members / kr.target)
        findings.warnings.append(located.where.key("target").problem(
            f"is {declared.en}, but the members' targets add up to {times.en} times as much "
            f"({implied.en}); a digit too few? The target written here counts, and reports "
            "show the difference",
            f"为 {declared.zh}，而成员目标合计 {implied.zh}，是它的 {times.zh} 倍；"
            "是否少写了一位数？以这里写的 target 为准，报告会显示差额",
        ))  # fmt: skip


AVERAGE_WORDS = ("人均", "单均", "户均", "平均", "average", "per head", "per client")
"""Words of a title that read as an average: a hint, never a decision, that an amount or
a count checked in is a level (``level = true``), not a running total."""


def _average_checked_in_as_a_sum(located: Located[model.KeyResult], findings: Findings) -> None:
    """A title reading as an average (人均管理客户资产) on an amount or a count checked in
    without ``level``: it is added up over members and met for good once reached, as a
    running total is. The file decides; validate only asks."""
    kr = located.value
    word = next((w for w in AVERAGE_WORDS if w in kr.title.lower()), None)
    if word is None or kr.metric is not None or not kr.adds_up:
        return
    findings.warnings.append(located.where.key("title").problem(
        f'reads as an average ("{word}"), but it is checked in as an amount or a count that '
        "adds up: a unit's figure is its members' sum, and once reached it is met for good. "
        "If it is a level, write level = true; if a total, level = false",
        f"看起来是平均数（“{word}”），但按可相加的金额或数量打卡：单位的数字为成员之和，"
        "一旦达到即算达标。若它是水平值，请写 level = true；若是累计数，请写 level = false",
    ))  # fmt: skip


def _figure(unit: UnitOfMeasure, base: Decimal) -> Said:
    """A figure in a key result's unit, as reports write it."""
    return Said(written(unit, base, "en"), written(unit, base, "zh"))


def _times(ratio: Decimal) -> Said:
    """How many times, as a manager says it: 5.3 below ten, else whole (64, 20,576), and
    in Chinese in 万 from a hundred thousand (6429万): never 64285714.3."""
    if ratio < 10:
        shown = format(round(ratio, 1).normalize(), "f")
        return Said(shown, shown)
    whole = round(ratio)
    return Said(f"{whole:,}", f"{round(ratio / 10000)}万" if whole >= 100_000 else f"{whole:,}")


def _curve_short_of_target(
    located: Located[model.KeyResult],
    ends: dict[str, dt.date],
    last_day: dt.date,
    findings: Findings,
) -> None:
    """A curve whose point on the plan's last day is below 1.0: the whole target is
    never due, so the key result is on track at the plan's end while short of it. (A curve
    whose last point comes earlier rises to 1.0 at the plan's end: engine.pace.)"""
    kr = located.value
    if kr.guardrail:
        return
    in_order = sorted((m for m in kr.milestones if m.phase in ends), key=lambda m: ends[m.phase])
    for curve in ([m.fraction for m in in_order], [p.fraction for p in kr.calendar]):
        if looks_like_shares(curve):
            return  # a problem already, where it ends on the plan's last day (checks)
    last = None
    for m in kr.milestones:
        if ends.get(m.phase) == last_day:
            last = (located.where.key("milestones").key(m.phase), m.phase, m.fraction)
    for point in kr.calendar:
        if point.end >= last_day:
            last = (located.where.key("calendar").key(point.period), point.period, point.fraction)
    if last is None or last[2] >= 1:
        return
    at, name, fraction = last
    share = format((fraction * 100).normalize(), "f")
    findings.warnings.append(at.problem(
        f"{fraction} at {name}, the end of the plan: only {share}% of the way to the target is "
        f"ever due, so {kr.id} is on track at the plan's end while short of it; write "
        f"{name} = 1.0, and lower the target if less is enough",
        f"计划结束时（{name}）只有 {fraction}：全年只要求完成到目标的 {share}%，{kr.id} "
        f"没达到目标也算按进度完成；请写 {name} = 1.0，若要求更低，请调低目标值",
    ))  # fmt: skip


def _percent_as_fraction(located: Located[model.KeyResult], findings: Findings) -> None:
    """A rate to raise, in %, from a baseline below 1% to a target below 1%: 0.11 → 0.16
    is almost surely 11% → 16% written as fractions."""
    kr = located.value
    if kr.unit.symbol not in _PERCENT or kr.direction is not model.Direction.AT_LEAST:
        return
    if kr.target is None:
        return
    target, baseline = kr.unit.from_base(kr.target), kr.unit.from_base(kr.baseline)
    if not (0 < baseline < 1 and 0 < target < 1):
        return
    t, b = _plain(target), _plain(baseline)
    t100, b100 = _plain(target * 100), _plain(baseline * 100)
    findings.warnings.append(located.where.key("target").problem(
        f"{t} with unit = \"{kr.unit.symbol}\" means {t}%, from a baseline of {b}%; for "
        f"{t100}% and {b100}% write target = {t100} and baseline = {b100} "
        '(or unit = "ratio" to write fractions)',
        f'unit = "{kr.unit.symbol}" 时，{t} 表示 {t}%，基线 {b} 表示 {b}%；若指 {t100}% 和 '
        f'{b100}%，请写 target = {t100}、baseline = {b100}（或写 unit = "ratio"，按小数填写）',
    ))  # fmt: skip


def _fraction_as_percent(located: Located[model.KeyResult], findings: Findings) -> None:
    """A rate written as a fraction (``unit = "ratio"``) with a target or baseline above 1:
    ``target = 16`` there is 1600%, almost surely 16% written as a percentage."""
    kr = located.value
    if kr.unit.symbol not in _FRACTION:
        return
    for key, figure in (("target", kr.target), ("baseline", kr.baseline)):
        if figure is None or figure <= 1:
            continue
        written, percent, meant = _plain(figure), _plain(figure * 100), _plain(figure / 100)
        findings.warnings.append(located.where.key(key).problem(
            f'{written} with unit = "{kr.unit.symbol}" means {percent}%; for {written}% write '
            f'{key} = {meant} (or unit = "%" to write percentages)',
            f'unit = "{kr.unit.symbol}" 时，{written} 表示 {percent}%；若指 {written}%，'
            f'请写 {key} = {meant}（或写 unit = "%"，按百分数填写）',
        ))  # fmt: skip


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")
