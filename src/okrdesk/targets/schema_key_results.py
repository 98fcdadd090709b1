"""A key result of a target file, read: its metric or check-ins, target and baseline in
its unit, the slice of a metric it measures, its calendar and its members' shares.

Figures a branch would doubt are told where they are written: money beyond the whole
market or below notice, a fraction where counts are whole, a target on the wrong side
of its baseline for its direction, members' shares that do not add up to the target.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from okrdesk import model
from okrdesk.errors import Said
from okrdesk.periods import Grain, parse_period, why_no_period
from okrdesk.targets.cumulative import (
    calendar_decreases,
    looks_like_shares,
)
from okrdesk.targets.draft import Draft, Located, MemberTarget, MetricUse, SliceUse
from okrdesk.targets.quoted_figures import key_result_unit
from okrdesk.targets.reader import (
    NOT_SAID,
    Findings,
    Table,
    Where,
    describe,
    plain_number,
)
from okrdesk.targets.schema_values import (
    fraction_to_write,
    milestone_fractions,
    of_the_table_above,
    positive_number,
    raw_shown,
    safely,
    said_in_percent,
    unit_of,
)
from okrdesk.targets.sections import DIRECTIONS, GRAINS, KEY_RESULT_KEYS, SCOPES
from okrdesk.targets.window_keys import read_window_keys
from okrdesk.targets.yuan_figures import below_zero_refused
from okrdesk.units import UNITS, Dimension, UnitOfMeasure, written

_OBJECTIVES_OWN = {
    "owner": Said(
        "is a key of the objective, not of a key result: write it in the [[objectives]] "
        "table, above its first [[objectives.key_results]]",
        "是目标（objective）的键，不是关键结果的键：请写在 [[objectives]] 表中、"
        "它的第一个 [[objectives.key_results]] 之上",
    )
}
"""A key of the objective's own that is read as its last key result's when written
below it (TOML puts every key under the header written last above it)."""


def _key_result_id_to_write(written: str, objective: str | None) -> tuple[str, Said]:
    """A dot typed in a key result's id: its full id written where its own belongs
    (``O1.KR1`` under O1) is ``KR1``; any other dot (``KR2.b``) is a hyphen."""
    parts = [part for part in written.split(".") if part]
    if objective is not None and len(parts) > 1 and parts[0] == objective:
        parts = parts[1:]
    fixed = "-".join(parts)
    full = f"{objective}.{fixed}" if objective is not None else f"<objective>.{fixed}"
    return fixed, Said(
        f'the full id is <objective>.<id>; write "{fixed}", and its full id is {full}',
        f'完整的 id 是 <objective>.<id>；请写作 "{fixed}"，其完整 id 即为 {full}',
    )


def read_key_result(
    where: Where,
    data: dict[str, Any],
    objective: str | None,
    owner: str | None,
    draft: Draft,
    findings: Findings,
    objective_cadence: str | None = None,
) -> model.KeyResult | None:
    t = Table(where, data, findings, KEY_RESULT_KEYS, required=("id", "title", "unit"),
              elsewhere=_OBJECTIVES_OWN)  # fmt: skip
    key = t.ident(lambda written: _key_result_id_to_write(written, objective))
    title, metric = t.text("title"), t.text("metric")
    t.metric = (draft.metrics or {}).get(metric or "")
    cadence = t.choice("cadence", GRAINS)
    if cadence is not None and metric is not None:
        t.fail(where.key("cadence"), "is for key results tracked by check-ins; this one has a "
               f"metric ({metric}), collected by `okrdesk collect`",
               f"只用于靠打卡跟踪的关键结果；这个关键结果有指标（{metric}），"
               "由 `okrdesk collect` 采集")  # fmt: skip
    unit = unit_of(t)
    direction = t.choice("direction", DIRECTIONS)
    scope = t.choice("scope", SCOPES)
    weight = positive_number(t, "weight", Decimal(1))
    milestones = milestone_fractions(t, "milestones", draft)
    numbers = {k: t.number(k) for k in ("baseline", "target", "band")}
    guardrail = t.flag("guardrail")
    level = t.flag("level")
    if level is not None and metric is not None:
        t.fail(where.key("level"), f"is for key results tracked by check-ins; this one has a "
               f"metric ({metric}), whose kind (stock, flow or ratio) says how it adds up",
               f"只用于靠打卡跟踪的关键结果；这个关键结果有指标（{metric}），"
               "其类型（存量、流量或比率）已决定如何汇总")  # fmt: skip
    members = _member_figures(t, "members", owner, draft)
    member_baselines = _member_figures(t, "member_baselines", owner, draft)
    _check_member_ways(t, where, direction, guardrail, members, member_baselines)
    calendar = _calendar(t, draft)
    windows = read_window_keys(t, where, data, metric, draft.window_uses)
    sliced, breakdown = _slice(t, where, metric, draft)
    # Members written in the wrong shape ([[...members]]) are that one problem.
    misshapen = "members" in data and not isinstance(data["members"], dict)
    given = misshapen or "target" in data or "growth" in data or "target" in t.misspelt
    if numbers["target"] is None and not members and not given:
        t.fail(where.key("target"), "missing; give a target or a [members] table of targets",
               "缺少；请写 target，或用 [members] 表写出各成员的目标值")  # fmt: skip
    if direction == model.Direction.WITHIN.value and numbers["band"] is None:
        t.fail(where.key("band"), 'missing; a "within" key result needs a band around the target',
               '缺少；"within" 关键结果需要目标值上下的容差（band）')  # fmt: skip
    if numbers["band"] is not None and numbers["band"] < 0:
        t.fail(where.key("band"), f"must not be negative, got {numbers['band']}",
               f"不能为负数，现为 {numbers['band']}")  # fmt: skip
    for name in ("baseline", "target"):
        below = numbers[name]
        if below is not None and below < 0 and t.metric is not None:
            why = below_zero_refused("objectives.key_results", name, t.metric)
            if why is not None:
                t.fail(where.key(name), f"must not be negative, got {below}: {why.en}",
                       f"不能为负数，现为 {below}：{why.zh}")  # fmt: skip
                numbers[name] = None  # one problem at the key: not its way from the baseline too
    if guardrail is False and direction == model.Direction.WITHIN.value:
        t.fail(where.key("guardrail"), 'a "within" key result is always a guardrail',
               '"within" 关键结果总是护栏指标')  # fmt: skip
    _check_way(t, where, direction, guardrail, numbers["baseline"], numbers["target"])
    shared = t.metric is not None and t.metric.split_credit
    if unit is not None and unit.dimension is Dimension.COUNT and not shared:
        counted = [(where.key(k), v) for k, v in numbers.items() if v is not None]
        counted += [(where.key("members").key(m), v) for m, v in members.items()]
        counted += [(where.key("member_baselines").key(m), v) for m, v in member_baselines.items()]
        for at, value in counted:
            _whole_count(t, at, value, unit)
    if unit is not None and unit.dimension is Dimension.MONEY:
        figures = [(where.key(k), v) for k, v in numbers.items() if v is not None]
        figures += [(where.key("members").key(m), v) for m, v in members.items()]
        figures += [(where.key("member_baselines").key(m), v) for m, v in member_baselines.items()]
        for at, value in figures:
            _money_beyond_belief(t, at, value, unit)
            _money_below_notice(t, at, value, unit)
    if metric is not None:
        draft.metric_uses.append(
            MetricUse(where.key("metric"), where.key("unit"), metric, unit, "direction" in data)
        )
    if members and scope == model.Scope.OWNER.value:
        t.fail(where.key("scope"), 'is "owner", but a [members] table gives members\' targets',
               '是 "owner"，但 [members] 表给出了成员的目标值')  # fmt: skip
    if key is not None and objective is not None:
        draft.written_ids.append(("key_result", f"{objective}.{key}", where))
    if milestones:
        draft.milestone_sets.append(Located(where.key("milestones"), milestones))
    if None in (key, title, unit, weight, objective) or not t.ok:
        return None
    assert key and title and unit and weight is not None
    base = {k: None if v is None else unit.to_base(v) for k, v in numbers.items()}
    kr = safely(
        where,
        findings,
        lambda: model.KeyResult(
            id=f"{objective}.{key}",
            objective=objective or "",
            title=title,
            unit=unit,
            target=base["target"],
            metric=metric,
            direction=model.Direction(direction or model.Direction.AT_LEAST.value),
            baseline=base["baseline"] or Decimal(0),
            band=base["band"],
            weight=weight,
            milestones=milestones,
            scope=model.Scope.MEMBERS if members or scope == "members" else model.Scope.OWNER,
            member_targets={m: unit.to_base(v) for m, v in members.items()},
            member_baselines={m: unit.to_base(v) for m, v in member_baselines.items()},
            calendar=calendar,
            cadence=Grain(cadence or objective_cadence or Grain.WEEK.value),
            window=windows.window,
            compare=windows.compare,
            growth=windows.growth,
            **({} if guardrail is None else {"guardrail": guardrail}),
            level=bool(level),
            where=sliced,
            breakdown=breakdown,
        ),
    )
    if kr is not None:
        draft.key_results.append(Located(where, kr))
        if numbers["baseline"] is None and "baseline" not in data:
            draft.unstated_baselines.add(kr.id)
        if level is not None:
            draft.stated_levels.add(kr.id)
    return kr  # type: ignore[no-any-return]


def _slice(
    t: Table, where: Where, metric: str | None, draft: Draft
) -> tuple[dict[str, str], str | None]:
    """``where = { gender = "female" }`` and ``breakdown = "product"``: the slice the
    key result targets and the dimension its report row is broken down by."""
    sliced: dict[str, str] = {}
    named: list[tuple[str, Where]] = []
    found = t.table("where")
    if found is not None:
        at, data = found
        if not data:
            t.fail(at, 'is empty; name a dimension and its value, as in { gender = "female" }',
                   '是空的；请写出维度及其取值，例如 { gender = "female" }')  # fmt: skip
        for name, value in data.items():
            if not isinstance(value, str) or not value.strip():
                t.fail(at.key(name), f"expected the value as text, got {describe(value)}",
                       f"取值应为文本，现为{describe(value, 'zh')}")  # fmt: skip
                continue
            if model.SLICE_SEPARATOR in value:
                t.fail(at.key(name), f"must not contain '{model.SLICE_SEPARATOR}'",
                       f"不能包含 '{model.SLICE_SEPARATOR}'")  # fmt: skip
                continue
            sliced[name] = value
            named.append((name, at.key(name)))
    breakdown = t.text("breakdown")
    if breakdown is not None:
        named.append((breakdown, where.key("breakdown")))
    if named:
        if metric is None:
            t.fail(named[0][1], "needs a metric: only collected figures have dimensions",
                   "需要指标：只有采集来的数才有维度")  # fmt: skip
        else:
            draft.slice_uses.append(SliceUse(metric, tuple(named)))
    return sliced, breakdown


WHOLE_MARKET = Decimal("1e14")
"""100万亿元, more than China's whole stock market is worth: no branch's figure."""


def _money_beyond_belief(t: Table, at: Where, value: Decimal, unit: UnitOfMeasure) -> None:
    """A sum of money no branch could reach: most likely a figure in 元 (45e8 for 45亿)
    written in a key result in 亿元 or 万元."""
    if abs(unit.to_base(value)) < WHOLE_MARKET:
        return
    shown, meant = _plain(value), _plain(value / unit.factor)
    hint = Said(f"; if {shown} is in 元, write {meant}", f"；若 {shown} 是以元计的数，请写 {meant}")
    if unit.factor == 1:
        hint = NOT_SAID
    t.fail(at, f"{shown} {unit.symbol} is more money than China's whole stock market is "
           f"worth{hint.en}", f"{shown} {unit.symbol} 比整个 A 股市值还多{hint.zh}")  # fmt: skip


LEAST_WRITTEN = Decimal("0.01")
"""The finest figure of its unit a branch writes money to, and okrdesk too (the report's
4.72亿 and 4.03万, split's shares): 0.01亿 (100万), 0.01万 (100元), a fen."""


def _money_below_notice(t: Table, at: Where, value: Decimal, unit: UnitOfMeasure) -> None:
    """A sum of money finer than a hundredth of the unit it is written in (0.000001 亿元,
    100元 of client assets): no branch's figure, most likely a decimal point that slipped,
    and as a target a completion of millions of percent in every report (4,088,013,689.6%
    for 40.88亿 of net new assets)."""
    if value == 0 or abs(value) >= LEAST_WRITTEN:
        return
    base = unit.to_base(value)
    shown, least = _plain(value), unit.to_base(LEAST_WRITTEN)
    yuan = UNITS["元"]
    amount = Said(written(yuan, base, "en"), written(yuan, base, "zh"))
    smallest = Said(written(yuan, least, "en"), written(yuan, least, "zh"))
    hint = Said(f' (to mean {amount.en}, write it with unit = "元")',
                f'（若确指 {amount.zh}，请把 unit 写成 "元"）')  # fmt: skip
    if unit.factor == 1 or abs(base) < LEAST_WRITTEN:
        hint = NOT_SAID  # less than a fen in 元 too
    t.fail(
        at,
        f"{shown} {unit.symbol} is {amount.en}, less than {LEAST_WRITTEN} {unit.symbol} "
        f"({smallest.en}), the least a figure in {unit.symbol} is written to: no branch's "
        f"figure; a decimal point slipped?{hint.en}",
        f"{shown} {unit.symbol} 即 {amount.zh}，不足 {LEAST_WRITTEN} {unit.symbol}"
        f"（{smallest.zh}），以{unit.symbol}计的数最小写到 {LEAST_WRITTEN}：不会是营业部定的数；"
        f"是否小数点错了位？{hint.zh}",
    )


def _whole_count(t: Table, at: Where, value: Decimal, unit: UnitOfMeasure) -> None:
    """A target counted in 户, 人 or 单 is whole, as every count okrdesk shows is: 20.5
    deals would be shown as 21 with half a deal to go."""
    base = unit.to_base(value)
    if base == base.to_integral_value():
        return
    low, high = (_plain(unit.from_base(base.to_integral_value(way))) for way in FLOOR_CEILING)
    en, zh = f"{_plain(value)} {unit.symbol}", f"{_plain(value)}{unit.symbol}"
    counted = Said(f"{en} is", zh)
    if unit.factor != 1:  # 1.23456 万户: 12345.6 of them
        counted = Said(f"{en} is {_plain(base)},", f"{zh} 即 {_plain(base)}，")
    t.fail(
        at,
        f"{counted.en} not a whole number: a count is whole; write {low} or {high}",
        f"{counted.zh}不是整数：户、人、单等计数只能是整数；请写 {low} 或 {high}",
    )


FLOOR_CEILING = (ROUND_FLOOR, ROUND_CEILING)


def _check_way(
    t: Table,
    where: Where,
    direction: str | None,
    guardrail: bool | None,
    baseline: Decimal | None,
    target: Decimal | None,
) -> None:
    """A goal must have a way to go: up from its baseline for "at least", down
    for "at most"."""
    if guardrail or target is None or direction == model.Direction.WITHIN.value:
        return
    if direction == model.Direction.AT_MOST.value:
        if baseline is None and guardrail is None:
            return  # an "at most" without a baseline is a limit to hold
        if baseline is not None and baseline > target:
            return
        t.fail(
            where.key("baseline"),
            f'is {_plain(baseline)}, not above the target {_plain(target)}: an "at most" '
            "key result with a baseline is a figure to bring down from it. To hold a "
            "figure at or below a limit all year, leave out the baseline or write "
            "guardrail = true",
            f'为 {_plain(baseline)}，不高于目标值 {_plain(target)}：有基线的 "at most" '
            "关键结果是要从基线降下来的数。若要全年把数守在上限以内，请去掉 baseline，"
            "或写 guardrail = true",
        )
        return
    start = baseline if baseline is not None else Decimal(0)
    if start < target:
        return
    t.fail(
        where.key("baseline" if baseline is not None else "target"),
        f"baseline {_plain(start)} is not below the target {_plain(target)}: there is no "
        "way to go. To hold a figure at or above a floor all year, write guardrail = true; "
        'for lower is better, write direction = "at_most"',
        f"基线 {_plain(start)} 不低于目标值 {_plain(target)}：没有提升的空间。若要全年把数守在"
        '下限以上，请写 guardrail = true；若越低越好，请写 direction = "at_most"',
    )


def _plain(number: Decimal | None) -> str:
    return "0" if number is None else format(number.normalize(), "f")


def _calendar(t: Table, draft: Draft) -> tuple[model.CalendarPoint, ...]:
    """``calendar``: period id (2026-03, 2026-W10) → cumulative fraction due by its end."""
    found = t.table("calendar")
    if found is None:
        return ()
    where, data = found
    points = []
    in_percent = said_in_percent(t, where, data, "calendar", "target")
    for period_id, raw in data.items():
        at = where.key(period_id)
        if of_the_table_above(t, where, period_id, Said("a period", "期间")):
            continue
        if (why := why_no_period(period_id)) is not None:
            t.fail(at, *why)
            continue
        period = parse_period(period_id)
        if in_percent:
            continue
        number, _ = plain_number(raw)
        if number is None and (said := fraction_to_write(period_id, raw)) is not None:
            t.fail(at, f"expected a fraction between 0 and 1; {said.en}",
                   f"应为 0 到 1 之间的小数；{said.zh}")  # fmt: skip
            continue
        if number is None or not 0 <= number <= 1:
            shown = raw_shown(raw)
            hint = hint_zh = ""
            if number is not None and 2 <= number <= 100:
                hint, hint_zh = (
                    f" (write {number / 100} for {number}%)",
                    f"（{number}% 写作 {number / 100}）",
                )
            t.fail(at, f"expected a fraction between 0 and 1, got {shown.en}{hint}",
                   f"应为 0 到 1 之间的小数，现为{shown.zh}{hint_zh}")  # fmt: skip
            continue
        points.append(model.CalendarPoint(period_id, period.end, number))
    ordered = sorted(points, key=lambda p: p.end)
    # Each period's own share: checks._check_calendars says so, or where it decreases.
    if not looks_like_shares([p.fraction for p in ordered]):
        for period_id, said in calendar_decreases([(p.period, p.fraction) for p in ordered]):
            t.fail(where.key(period_id), *said)
    draft.calendars.append(Located(where, tuple(ordered)))
    return tuple(ordered)


def above_members(key: str, table: str = "members") -> Said | None:
    """For a key of the key result's own written below its ``members`` (or
    ``member_baselines``) header, where TOML makes it a member's figure: where it belongs."""
    if key not in KEY_RESULT_KEYS:
        return None
    what = _MEMBER_FIGURES[table]
    return Said(
        f'; "{key}" is a key of the key result itself: write it above the '
        f"[objectives.key_results.{table}] header (every key below that header is a "
        f"{what.en})",
        f'；"{key}" 是关键结果本身的键：请写在 [objectives.key_results.{table}] 表头之上'
        f"（该表头之下的键都是{what.zh}）",
    )


_MEMBER_FIGURES = {
    "members": Said("member's target", "成员的目标值"),
    "member_baselines": Said("member's baseline", "成员的起点"),
}
"""What each table of figures by member holds."""


def _member_figure_said(t: Table, table: str, member: str, raw: object) -> Said | None:
    """For a member's figure quoted as text (``"¥30"``, ``"1,200"``), the line to write in
    the key result's unit (``t``'s), after a semicolon; None where that is nothing to say."""
    unit = t.data.get("unit")
    if not isinstance(raw, str) or not isinstance(unit, str):
        return None
    plain = unicodedata.normalize("NFKC", raw).strip()
    key = member if re.fullmatch(r"[A-Za-z0-9_-]+", member) else f'"{member}"'
    said = t.figure_said(key, plain, f"objectives.key_results.{table}", key_result_unit(unit))
    return None if said is None else Said(f"; {said.en}", f"；{said.zh}")


def _member_figures(t: Table, table: str, owner: str | None, draft: Draft) -> dict[str, Decimal]:
    """The ``members`` table's targets, or the ``member_baselines`` table's baselines, by
    member. A member's target is never below zero; a baseline is where the key result's
    own may be (net new AUM may start below zero, a count of clients may not)."""
    found = t.table(table)
    if found is None:
        return {}
    where, data = found
    what = _MEMBER_FIGURES[table]
    refused = below_zero_refused(f"objectives.key_results.{table}", "baseline", t.metric)
    figures: dict[str, Decimal] = {}
    for member, raw in data.items():
        at = where.key(member)
        number, why = plain_number(raw)
        if number is None:
            above = above_members(member, table) or NOT_SAID
            told = _member_figure_said(t, table, member, raw) or NOT_SAID
            if told.en:
                why = Said(f"expected a number, got {describe(raw)}",
                           f"应为数，现为{describe(raw, 'zh')}")  # fmt: skip
            t.fail(at, f"{why.en} (the {what.en}){above.en}{told.en}",
                   f"{why.zh}（{what.zh}）{above.zh}{told.zh}")  # fmt: skip
            continue
        if number < 0 and refused is not None:
            t.fail(at, f"must not be negative, got {number}: {refused.en}",
                   f"不能为负数，现为 {number}：{refused.zh}")  # fmt: skip
            continue
        figures[member] = number
        # A baseline's member is one with a target (``_check_member_ways``), whose place
        # below the owner its target's entry is held to.
        if owner is not None and table == "members":
            draft.member_targets.append(MemberTarget(at, member, owner))
    return figures


def _check_member_ways(
    t: Table,
    where: Where,
    direction: str | None,
    guardrail: bool | None,
    targets: Mapping[str, Decimal],
    baselines: Mapping[str, Decimal],
) -> None:
    """Each member's baseline belongs to a member with a target in ``members``, and leaves
    that member a way to go, as the key result's own must (``_check_way``)."""
    for member, baseline in baselines.items():
        at = where.key("member_baselines").key(member)
        target = targets.get(member)
        if target is None:
            t.fail(at, f"{member} has no target in [objectives.key_results.members]: a "
                   "member's baseline is where it starts towards its own target",
                   f"{member} 在 [objectives.key_results.members] 中没有目标值：成员的起点"
                   "是它向自己的目标值出发的地方")  # fmt: skip
            continue
        if guardrail or direction == model.Direction.WITHIN.value:
            continue
        if direction == model.Direction.AT_MOST.value:
            if baseline > target:
                continue
            t.fail(at, f"is {_plain(baseline)}, not above {member}'s target {_plain(target)}: "
                   'an "at most" goal comes down from its baseline',
                   f'为 {_plain(baseline)}，不高于 {member} 的目标值 {_plain(target)}："at most" '
                   "目标是从起点降下来的")  # fmt: skip
        elif baseline >= target:
            t.fail(at, f"is {_plain(baseline)}, not below {member}'s target {_plain(target)}: "
                   "there is no way to go",
                   f"为 {_plain(baseline)}，不低于 {member} 的目标值 {_plain(target)}："
                   "没有提升的空间")  # fmt: skip
