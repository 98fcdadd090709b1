"""Milestones, spending schedules and calendars written as each period's own share
(``{ Q1 = 0.25, Q2 = 0.25, Q3 = 0.25, Q4 = 0.25 }``) where okrdesk reads the share done
by the end of each period: read as written, only a quarter of the target would ever be
due, and the key result would be on track all year at a quarter of the pace."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate, pairwise

from okrdesk.errors import Said

_ROUNDING = Decimal("0.02")
"""How far from 1 shares written to two decimal places (12 × 0.083) may add up."""


def looks_like_shares(fractions: Sequence[Decimal]) -> bool:
    """Whether ``fractions``, in period order, add up to 1 while the last is below 1:
    each period's own share, not the share done by its end. Only a curve whose last point
    is the plan's last day is wrong read either way: before it, the curve rises to 1.0 at
    the plan's end, and { Q2 = 0.45, Q3 = 0.55 } may mean just that."""
    return (
        len(fractions) >= 2
        and fractions[-1] < 1
        and abs(sum(fractions, Decimal(0)) - 1) <= _ROUNDING
    )


def calendar_decreases(points: Sequence[tuple[str, Decimal]]) -> list[tuple[str, Said]]:
    """Each period of a calendar, (period id, fraction) in date order, whose fraction is
    below the one before it, with the problem to report there."""
    found = []
    for (before, earlier), (period, later) in pairwise(points):
        if later < earlier:
            found.append((period, Said(
                f"{later} is less than {earlier} at {before}; the calendar is cumulative and "
                "must not decrease",
                f"{later} 小于 {before} 的 {earlier}；calendar 是累计的，不能减少",
            )))  # fmt: skip
    return found


def curve_to_write(points: Sequence[tuple[str, str]], header: str | None) -> Said:
    """The entries (period or phase id, figure as written) of a curve as they are to be
    written where it is: an inline table, ``{ Q2 = 0.45, Q4 = 1.0 }``, or, below its own
    ``header`` (``[objectives.key_results.milestones]``), one a line; or, where ``header``
    is a key and a dot (``milestones.``), as dotted keys, one a line."""
    dotted = header if header is not None and header.endswith(".") else ""
    entries = [f"{dotted}{p} = {figure}" for p, figure in points]
    if header is None:
        inline = "{ " + ", ".join(entries) + " }"
        return Said(inline, inline)
    listed = ", ".join(entries[:-1]) + f" and {entries[-1]}" if len(entries) > 1 else entries[0]
    if dotted:
        return Said(f"{listed}, one a line", f"{'、'.join(entries)}，每行写一个")
    return Said(f"{listed}, one a line below {header}",
                f"{'、'.join(entries)}，在 {header} 下每行写一个")  # fmt: skip


def shares_said(
    points: Sequence[tuple[str, Decimal]], what: str, header: str | None = None
) -> Said:
    """The problem with ``points`` (period id, fraction) in period order that
    ``looks_like_shares``; ``what`` is "milestones", "schedule" or "calendar"; ``header``
    the one it is written below, if any (``curve_to_write``)."""
    running = accumulate(fraction for _, fraction in points[:-1])
    written = [(p, _plain(total)) for (p, _), total in zip(points[:-1], running, strict=True)]
    cumulative = curve_to_write([*written, (points[-1][0], "1.0")], header)
    last, share = points[-1][0], _plain(points[-1][1] * 100)
    each, each_zh = ("period", "每期") if what == "calendar" else ("phase", "每个阶段")
    counts = {"milestones": "milestones count", "schedule": "a schedule counts"}
    name_zh = {"milestones": "里程碑", "schedule": "支出进度（schedule）"}.get(what, what)
    return Said(
        f"the fractions add up to 1, as each {each}'s own share would; but "
        f"{counts.get(what, 'a calendar counts')} the share done by the end of each {each}, so "
        f"only {share}% of the whole would be due by the end of {last}; write {cumulative.en}",
        f"这些比例合计为 1，像是{each_zh}各自的份额；但{name_zh}写的是截至{each_zh}结束时"
        f"累计完成的份额，这样写到 {last} 结束时只要求完成 {share}%；请写 {cumulative.zh}",
    )


def written_in_percent(numbers: Sequence[Decimal | None]) -> bool:
    """Whether a curve's figures, as written (None: not a number), are percentages: at
    least two above 1, none above 100, and the rest 0, or 1 last (the whole, as 1.0 is
    often written after 45 and 70). Any other mix is said figure by figure."""
    return (
        all(n is not None and (n == 0 or 1 < n <= 100) for n in numbers[:-1])
        and numbers[-1] is not None
        and (numbers[-1] == 0 or 1 <= numbers[-1] <= 100)
        and sum(1 for n in numbers if n is not None and n > 1) >= 2
    )


def written_as_figures_of(
    numbers: Sequence[Decimal | None], whole: Decimal | None, start: Decimal = Decimal(0)
) -> bool:
    """Whether a curve's figures are amounts on the way from ``start`` (a key result's
    ``baseline``, else 0) to its ``target`` (or its budget line's ``amount``), ``whole``,
    not fractions: at least two above 1, none beyond either end, and the last the whole
    itself ({ Q1 = 20, Q2 = 50, Q4 = 70 } for a target of 70). A whole of 100 is read as
    percent."""
    low, high = sorted((start, whole if whole is not None else start))
    return (
        whole is not None
        and whole > 1
        and whole != 100
        and whole != start
        and numbers[-1] == whole
        and all(n is not None and low <= n <= high for n in numbers)
        and sum(1 for n in numbers if n is not None and n > 1) >= 2
    )


def percent_said(
    points: Sequence[tuple[str, Decimal]],
    what: str,
    whole: Decimal | None = None,
    whole_key: str = "target",
    start: Decimal = Decimal(0),
    header: str | None = None,
) -> Said:
    """The problem with a curve (period or phase id, figure) ``written_in_percent``, or,
    with ``whole``, ``written_as_figures_of`` it, the table's ``whole_key`` ("target",
    "amount"), from ``start``; ``what`` is "milestones", "schedule" or "calendar";
    ``header`` the one it is written below, if any (``curve_to_write``)."""
    figures, figures_zh = (sep.join(format(n, "f") for _, n in points) for sep in (", ", "、"))
    if whole is None:
        shares = [(p, n / 100 if n > 1 else n) for p, n in points]
        how, how_zh = f"in percent ({figures})", f"百分数（{figures_zh}）"
    else:
        way = whole - start
        shares = [(p, ((n - start) / way).quantize(_CENT, ROUND_HALF_UP)) for p, n in points]
        of = _plain(whole)
        key_zh = {"target": "目标值", "amount": "金额"}.get(whole_key, whole_key)
        how = f"as figures of the {whole_key} ({figures}, of {whole_key} = {of})"
        how_zh = f"{key_zh}的数值（{figures_zh}，{whole_key} = {of}）"
        if start:
            how = (f"as figures on the way from baseline to {whole_key} ({figures}; "
                   f"baseline = {_plain(start)}, {whole_key} = {of})")  # fmt: skip
            how_zh = (f"从基线到{key_zh}之间的数值（{figures_zh}；baseline = {_plain(start)}，"
                      f"{whole_key} = {of}）")  # fmt: skip
    fractions = curve_to_write([(p, _fraction(share)) for p, share in shares], header)
    name_zh = {"milestones": "里程碑", "schedule": "支出进度（schedule）"}.get(what, what)
    holds = {"milestones": "milestones hold", "schedule": "a schedule holds"}
    return Said(
        f"written {how}, but {holds.get(what, 'a calendar holds')} fractions of the whole, "
        f"between 0 and 1; write {fractions.en}",
        f"写成了{how_zh}，但{name_zh}写的是占全部的比例，为 0 到 1 之间的小数；请写 {fractions.zh}",
    )


_CENT = Decimal("0.01")


def _fraction(number: Decimal) -> str:
    return "1.0" if number == 1 else _plain(number)


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")
