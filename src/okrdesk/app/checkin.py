"""Manual values for key results that no plugin measures: recording one,
withdrawing a wrong one, and listing them with their ids."""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import math
import os
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from okrdesk import clock
from okrdesk.app.session import (
    Session,
    find_key_result,
    find_subject,
    open_store,
    unit_as_report_takes_it,
)
from okrdesk.engine.pace import closes_on, expected_value, key_result_due
from okrdesk.engine.plan_calendar import of_the_plan
from okrdesk.engine.rollup import checked_in_for, subjects_under
from okrdesk.engine.tree_targets import baseline_at, owner_of, target_at
from okrdesk.errors import BadInput, OkrdeskError, printable
from okrdesk.figures_apart import beside_target
from okrdesk.messages import counted
from okrdesk.model import Checkin, Direction, KeyResult, Plan, says_nothing
from okrdesk.periods import local_time
from okrdesk.repeated import Repeated, twin_of
from okrdesk.signals_held import signals_held
from okrdesk.units import (
    ADDITIVE,
    UNITS,
    Dimension,
    UnitOfMeasure,
    UnreadableFigure,
    exact,
    money_exactly,
    parse_quantity,
    read_as_yuan,
    unit_word,
    written,
)

if TYPE_CHECKING:
    from okrdesk.store import Store


def record_checkin(
    session: Session,
    key_result: str,
    value: str,
    person: str | None,
    unit: str | None,
    confidence: str | None,
    note: str,
    day: dt.date | None,
    by: str | None = None,
    lang: str = "en",
    *,
    again: bool = False,
    tell: Callable[[str], None] | None = None,
) -> str:
    """Store one check-in, by ``by`` (else ``author_default``); return what to tell the
    user, in ``lang``, after handing it to ``tell`` where given: a Ctrl-C while that
    prints it is told as one after the store (``StoppedOnceStored``). One the store holds
    already (the same key result, subject, day, value, confidence and note, standing),
    as a command run twice would make, is refused (``Repeated``) unless ``again``."""
    plan = session.plan
    refused = _REFUSED[lang]
    kr = find_key_result(plan, key_result, lang)
    if kr.metric is not None:
        raise BadInput(refused["measured"].format(kr=kr.id, metric=kr.metric))
    person, unit = unit_as_report_takes_it(plan, person, unit)
    subject = find_subject(plan, kr, person, unit, lang)
    owner = owner_of(plan, kr)
    if subject not in subjects_under(plan, owner):
        raise BadInput(refused["outside_owner"].format(
            kr=kr.id, subject=subject, name=plan.name_of(subject), owner=owner,
            owner_name=plan.name_of(owner),
        ))  # fmt: skip
    base = _value(kr, value, lang)
    sure = None if confidence is None else _confidence(confidence, lang)
    today = clock.today()
    day = day or today
    if not plan.holds(day):
        raise BadInput(refused["outside"].format(day=day, start=plan.start, end=plan.end))
    if day > today:
        raise BadInput(refused["ahead"].format(day=day, today=today))
    author = _author(session, by)
    if says_nothing(author):
        raise BadInput(refused["no_author"])
    before: list[Checkin] = []

    def counted(standing: list[Checkin]) -> None:
        # Counted in the insert's own transaction: six check-ins at once are numbered
        # 1 to 6 in the order they are stored, not each by what had landed when it looked.
        before[:] = of_the_plan(plan, standing)
        twin = None if again else twin_of(standing, _says, (day, float(base), sure, note))
        if twin is not None:
            raise Repeated(refused["repeated"].format(
                id=twin.id, recorded=local_time(twin.recorded), author=printable(twin.author),
                kr=kr.id, value=as_stored(plan, kr, subject, base, lang), subject=subject, day=day,
            ))  # fmt: skip

    checkin_id: int | None = None
    try:
        with contextlib.ExitStack() as holding:

            def counted_then_held(standing: list[Checkin]) -> None:
                _refuse_while_under_old_units(plan, store, lang)
                counted(standing)
                # From the insert to its id in hand, Ctrl-C waits: taken then, it is told
                # that the check-in was stored, never "Aborted!" over a stored one.
                holding.enter_context(signals_held())

            with open_store(session.workspace) as store:
                checkin_id = store.add_checkin(
                    kr.id, subject, day, float(base), sure, note, author, guard=counted_then_held
                )
        said = _told(plan, kr, subject, value, base, day, author, len(before) + 1, checkin_id,
                     lang)  # fmt: skip
        if tell is not None:
            tell(said)
        return said
    except KeyboardInterrupt:
        if checkin_id is None:
            raise
        raise StoppedOnceStored(_WORDS[lang]["stopped"].format(
            id=checkin_id, kr=kr.id, value=as_stored(plan, kr, subject, base, lang),
            subject=subject, day=day,
        )) from None  # fmt: skip


class UnderOldUnit(OkrdeskError):
    """A check-in refused while the plan's own are kept under its unit's old id: the run
    did not do what was asked."""


def _refuse_while_under_old_units(plan: Plan, store: Store, lang: str) -> None:
    """Refuse a check-in while the plan's own are kept under its unit's old id, as
    ``spend add`` refuses spending: stored under the new id, it would start a second
    history of its key result there (counted as its first), and the move that brings the
    old one back would need ``--merge``. Called inside the insert's transaction: a move,
    or a check-in under the old id, cannot land between this look and the insert."""
    from okrdesk.engine.old_unit_ids import from_plan_option, kept_under_old_ids, plan_ids_before

    stranded = kept_under_old_ids(plan, store)
    for old, held in stranded.items():
        key_results = len({c.key_result for c in held})
        before = plan_ids_before(plan, store, [old])
        raise UnderOldUnit(_REFUSED[lang]["under_old_unit"].format(
            n=len(held) if lang == "zh" else counted(len(held), "check-in"),
            krs=key_results if lang == "zh" else counted(key_results, "key result"),
            old=old, top=plan.top, from_plan=from_plan_option(old, before),
        ))  # fmt: skip


class StoppedOnceStored(OkrdeskError):
    """Ctrl-C (or SIGTERM) once the check-in was stored: said as stored, with how to find
    and withdraw it, and ended as a command stopped by Ctrl-C is (128 + SIGINT)."""

    exit_code = 130


def _told(
    plan: Plan, kr: KeyResult, subject: str, value: str, base: Decimal, day: dt.date,
    author: str, count: int, checkin_id: int, lang: str,
) -> str:  # fmt: skip
    """What ``okrdesk checkin`` tells of a check-in it stored, with what to ask about it."""
    owner = owner_of(plan, kr)
    words = _WORDS[lang]
    said = words["recorded"].format(
        kr=kr.id, title=kr.title, value=as_stored(plan, kr, subject, base, lang),
        subject=subject, day=day,
        author=printable(author), count=count, id=checkin_id,
    )  # fmt: skip
    said += read_as_yuan(kr.unit, value, base, lang)
    closing = closes_on(plan, kr)
    if closing is not None and closing < day:
        said += words["closed"].format(kr=kr.id, closing=closing)
    target = held_to(plan, kr, subject)
    if subject not in checked_in_for(plan, kr):
        # A rate's or a score's figure stands for its own subject alone (rollup): one
        # held to no target of it is in no report, and its owner's figure goes without.
        said += words["counts_nowhere"].format(
            kr=kr.id, unit=unit_word(kr.unit, lang), subject=subject, owner=owner,
            id=checkin_id,
        )  # fmt: skip
    other_unit = target and _unit_slip(plan, kr, subject, value, base, target, day)
    if target and other_unit:
        side, meant = other_unit
        # Under a thousandth of what is due by the day is under a thousandth of the target.
        said += words[f"slip_{side}"].format(
            read=as_stored(plan, kr, subject, base, lang), times=f"{base / target:,.0f}",
            target=shown(kr.unit, target, lang), meant=as_stored(plan, kr, subject, meant, lang),
            redo=_plain(kr.unit.from_base(meant)), id=checkin_id,
        )  # fmt: skip
    elif target and abs(base) >= FAR_OFF * abs(target):
        # -400 for a target of 40 is not "10 times" it: its size is, its sign the other.
        far = "far_off" if (base < 0) == (target < 0) else "far_off_sign"
        said += words[far].format(
            times=f"{abs(base / target):,.0f}", target=shown(kr.unit, target, lang),
            id=checkin_id,
        )  # fmt: skip
    elif target is not None and _bare(value) and (slip := _a_fraction_typed(kr, base, target)):
        low, which = slip
        typed = kr.unit.from_base(base)  # 0.915, meant as 91.5%: the base figure it stands for
        said += words["fraction"].format(
            typed=_plain(typed), meant=shown(kr.unit, typed, lang), low=shown(kr.unit, low, lang),
            redo=_plain(kr.unit.from_base(typed)), which=words[which], id=checkin_id,
        )  # fmt: skip
    return said


def _says(checkin: Checkin) -> tuple[object, ...]:
    """What a check-in of a key result and subject says, as a repeat of it is told by."""
    return (checkin.day, checkin.value, checkin.confidence, checkin.note)


def _bare(value: str) -> bool:
    """Whether a value was typed as a bare number, without a unit (0.915, not 0.915%)."""
    return all(c.isdigit() or c in ".,+- " for c in unicodedata.normalize("NFKC", value))


def _unit_slip(
    plan: Plan, kr: KeyResult, subject: str, value: str, base: Decimal, target: Decimal,
    day: dt.date,
) -> tuple[str, Decimal] | None:  # fmt: skip
    """Where an amount or a count typed without a unit (or after ¥ alone) is ``UNIT_SLIP``
    times its target or more ("above"), or under 1/``UNIT_SLIP`` of the figure due by
    ``day`` ("below": a flow's first weeks are measured against what is due by then, not
    the year's target), and the same digits read in 元, 万 or 亿 (户, 万户, 亿户) fall
    near the target: which side, and the figure most likely meant; else None. Lower is
    better (at most): a small figure is no slip there."""
    if kr.unit.dimension not in ADDITIVE or base <= 0 or target <= 0:
        return None
    yuan, digits = _after_yuan_sign(value)
    if not _bare(digits):
        return None
    if base >= UNIT_SLIP * target:
        side, against = "above", target
    elif kr.direction is Direction.AT_MOST:
        return None
    else:
        if kr.direction is Direction.WITHIN:
            against = target - (kr.band or Decimal(0))
        elif kr.guardrail:
            against = target
        else:
            start = baseline_at(plan, kr, subject, None)
            due = expected_value(start, float(target), key_result_due(plan, kr, day))
            against = min(Decimal(str(due)), target)
        if against <= 0 or base * UNIT_SLIP > against:
            return None
        side = "below"
    typed = base / (Decimal(1) if yuan else kr.unit.factor)
    near = [
        typed * scale for scale in _SCALES_TYPED
        if against / FAR_OFF <= typed * scale < target * FAR_OFF
    ]  # fmt: skip
    if not near:
        return None
    return side, min(near, key=lambda meant: abs(math.log(meant / target)))


def _after_yuan_sign(value: str) -> tuple[bool, str]:
    """Whether ``value`` was typed after ``¥`` (or ``￥``), and the rest of it."""
    text = unicodedata.normalize("NFKC", value).strip()
    if text.startswith("¥"):
        return True, text[1:]
    return False, text


UNIT_SLIP = 1000
"""An amount or a count this many times its target, or under this fraction of what is
due, typed without a unit, was most likely typed in another unit (3500 万 for 3,500元,
0.32 for 0.32亿 on a figure in 万元): said back with the figure meant."""

_SCALES_TYPED = (Decimal(1), Decimal(10**4), Decimal(10**8))
"""What the digits of a figure typed in 元, 万 or 亿 (户, 万户, 亿户) are worth in base units."""


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _a_fraction_typed(kr: KeyResult, base: Decimal, target: Decimal) -> tuple[Decimal, str] | None:
    """The lowest figure a rate in % is held to (the bottom of its band, its floor, or the
    baseline a goal rises from, else its target where that is 0) and which it is, where
    ``base`` is under a tenth of it and, typed as a fraction (0.915 for 91.5%), would not
    be; None otherwise. Lower is better (complaints, attrition): a small figure is no
    slip there."""
    if kr.unit.symbol not in PERCENT_UNITS or kr.direction is Direction.AT_MOST:
        return None
    if kr.direction is Direction.WITHIN:
        low, which = target - (kr.band or Decimal(0)), "band"
    elif kr.guardrail:
        low, which = target, "floor"
    elif min(kr.baseline, target) > 0:
        low, which = min(kr.baseline, target), "baseline"
    else:
        # A goal up from 0 (a retention of 92% with no baseline): 0.92 typed for 92% is
        # under a tenth of where it is going, however early in the year.
        low, which = target, "target"
    typed = kr.unit.from_base(base)
    if low <= 0 or not 0 <= typed < 1 or base * FAR_OFF > low or typed * FAR_OFF < low:
        return None
    return low, which


PERCENT_UNITS = frozenset({"%", "percent", "pct"})


def shown(unit: UnitOfMeasure, base: float | Decimal, lang: str) -> str:
    """A check-in's value (or its target) as the report writes it: 1.1亿, 34户, -0.5百分点 (CNY
    110m, 34 accts, -0.5 pp), never the target file's 1.1 亿元 or -0.5 百分点, so that
    what a person is told they stored reads as the figure they will see."""
    return written(unit, base, lang, whole=unit.dimension is Dimension.COUNT)


def held_to(plan: Plan, kr: KeyResult, subject: str) -> Decimal | None:
    """What the report holds ``subject`` to on ``kr``: its share, else the owner's target
    (the members' sum where the owner writes none); None where it sets none. A key result
    tracked by check-ins has no metric, so no rate to weigh by denominators."""
    held = target_at(plan, kr, subject, None, lambda member: None)
    return None if held is None or held.value is None else Decimal(str(held.value))


def shown_against(plan: Plan, kr: KeyResult, subject: str, base: float | Decimal, lang: str) -> str:
    """A check-in's value as ``shown`` writes it, but one short of the target its subject
    is held to never reading as that target (``okrdesk.figures_apart``): 5,998,000 of a
    target of 600万 is CNY 5,998k, not CNY 6m, which reads as met; as the report's column
    writes the same figure. A value past the target, or on a band, as the rule writes it."""
    target = held_to(plan, kr, subject)
    if target is None or not math.isfinite(base) or not _short(kr, base, target):
        return shown(kr.unit, base, lang)
    whole = kr.unit.dimension is Dimension.COUNT
    return beside_target(kr.unit, float(base), float(target), lang, whole=whole)[0]


def as_stored(plan: Plan, kr: KeyResult, subject: str, base: float | Decimal, lang: str) -> str:
    """A check-in's value as ``checkin`` tells it was stored: an amount exactly, as ``spend
    add`` tells an entry (``money_exactly``: 3,500元 and 3,500.5万, never 0.35万, nor
    3,501万 or CNY 35.01m for 3,500.5万), so that the person checks the figure they typed
    against the one stored; any other figure as ``shown_against`` writes it."""
    if kr.unit.dimension is Dimension.MONEY and math.isfinite(base):
        return money_exactly(exact(base), lang)
    return shown_against(plan, kr, subject, base, lang)


def _short(kr: KeyResult, base: float | Decimal, target: Decimal) -> bool:
    """Whether ``base`` falls short of ``target``: below it where higher is better, above
    it where lower is; never for a band."""
    return (kr.sense > 0 and base < target) or (kr.sense < 0 and base > target)


FAR_OFF = 10
"""A check-in this many times its target or more is told to the person who made it, with
how to withdraw it: ``15%`` for a complaint rate of 0.15‰, a digit too many."""


_WORDS = {
    "en": {
        "recorded": "{kr} {title}: {value} for {subject} as of {day} by {author} "
                    "(check-in {count} for it, id {id}).",
        "closed": " It does not count: {kr} is a checkpoint that closed on {closing}, and the "
                  "report keeps the figure it had then (record one with --date {closing} to "
                  "correct that figure).",
        "far_off": " That is {times} times the target of {target}: if it is a slip (a unit, a "
                   "digit), withdraw it: okrdesk checkin --withdraw {id} --reason TEXT.",
        "far_off_sign": " That is of the other sign from the target of {target}, and {times} "
                        "times it in size: if it is a slip (a sign, a unit, a digit), withdraw "
                        "it: okrdesk checkin --withdraw {id} --reason TEXT.",
        "withdrew": "Withdrew check-in {id}: {kr} {value} for {subject} as of {day}. It stays "
                    "in the history and counts for nothing; ",
        "counts_now": "for {subject}, check-in {id} counts now: {value} as of {day}.",
        "outside": "it is dated outside this plan ({start} to {end}), whose figures never "
                   "held it.",
        "none_left": "{subject} has no check-in of it left, so it shows no figure until the "
                     "next one.",
        "summed_again": "{subject} has no check-in of its own left: its figure is what the "
                        "check-ins of those in it add up to again.",
        "fraction": " That is under a tenth of {which}, {low}: if {typed} was meant as a "
                    "fraction, {meant}, withdraw it (okrdesk checkin --withdraw {id} --reason "
                    "TEXT) and check in {redo}.",
        "counts_nowhere": " It does not count towards {owner}'s figure: {kr}, in {unit}, "
                          "does not add up across people and units; and {subject} has no "
                          "target of it, so no report shows it. For {owner}'s figure, "
                          "withdraw it (okrdesk checkin --withdraw {id} --reason TEXT) and "
                          "check in again without --person or --unit.",
        "stopped": "Stopped, but check-in {id} was stored first: {kr} {value} for {subject} "
                   "as of {day}. `okrdesk checkin --list {kr}` shows it; if it should not "
                   "stand, withdraw it: okrdesk checkin --withdraw {id} --reason TEXT.",
        "slip_above": " That is {times} times the target of {target}, most likely typed in "
                      "another unit: if {meant} was meant, withdraw it (okrdesk checkin "
                      "--withdraw {id} --reason TEXT) and check in {redo}.",
        "slip_below": " {read} is under a thousandth of the target of {target}, most likely "
                      "typed in another unit: if {meant} was meant, withdraw it (okrdesk checkin "
                      "--withdraw {id} --reason TEXT) and check in {redo}.",
        "band": "the bottom of its band", "floor": "its floor", "baseline": "its baseline",
        "target": "its target",
    },
    "zh": {
        "recorded": "{kr} {title}：已记录 {value}（{subject}，截至 {day}，填报人 {author}；"
                    "{subject} 第 {count} 次打卡，编号 {id}）。",
        "closed": "本次打卡不计入：{kr} 已于 {closing} 截止，报告保留截止时的数值（如需更正"
                  "该数值，请以 --date {closing} 打卡）。",
        "far_off": "该数值是目标 {target} 的 {times} 倍：如果录错了（单位或位数），请撤回："
                   "okrdesk checkin --withdraw {id} --reason 理由。",
        "far_off_sign": "该数值与目标 {target} 正负号相反，绝对值是它的 {times} 倍：如果录错了"
                        "（正负号、单位或位数），请撤回：okrdesk checkin --withdraw {id} "
                        "--reason 理由。",
        "withdrew": "已撤回打卡 {id}：{kr} {value}（{subject}，截至 {day}）。该条留在历史中，"
                    "不再计入；",
        "counts_now": "{subject} 现以打卡 {id} 为准：{value}（截至 {day}）。",
        "outside": "其日期不在本计划期内（{start} 至 {end}），本计划的数字本不含它。",
        "none_left": "{subject} 已没有该项的打卡，下次打卡前不显示数值。",
        "summed_again": "{subject} 已没有该项自己的打卡：其数值重新按其下单位、人员的打卡合计。",
        "fraction": "该数值不到{which} {low} 的十分之一：如果 {typed} 是按小数写的 "
                    "{meant}，请撤回（okrdesk checkin --withdraw {id} --reason 理由），"
                    "再以 {redo} 打卡。",
        "counts_nowhere": "本次打卡不计入 {owner} 的数值：{kr} 以 {unit} 计，各人、各单位的数值"
                          "不相加；{subject} 又没有它的分解目标，报告里不会出现这个数值。要记为 "
                          "{owner} 的数值，请撤回本条（okrdesk checkin --withdraw {id} --reason "
                          "理由），去掉 --person 或 --unit 重新打卡。",
        "stopped": "已中止，但编号 {id} 的打卡已先记录：{kr} {value}（{subject}，截至 {day}）。"
                   "`okrdesk checkin --list {kr}` 可查看；如不应保留，请撤回：okrdesk checkin "
                   "--withdraw {id} --reason 理由。",
        "slip_above": "该数值是目标 {target} 的 {times} 倍，多半是单位写错了：如果本意是 "
                      "{meant}，请撤回（okrdesk checkin --withdraw {id} --reason 理由），"
                      "再以 {redo} 打卡。",
        "slip_below": "{read} 不到目标 {target} 的千分之一，多半是单位写错了：如果本意是 "
                      "{meant}，请撤回（okrdesk checkin --withdraw {id} --reason 理由），"
                      "再以 {redo} 打卡。",
        "band": "范围下限", "floor": "下限", "baseline": "基线", "target": "目标",
    },
}  # fmt: skip
"""What ``okrdesk checkin`` says it stored or withdrew, in each language."""

_REFUSED = {
    "en": {
        "measured": "{kr} is measured by the metric {metric}; check-ins are for key results "
                    "without a metric. Run `okrdesk collect` instead.",
        "outside": "--date {day} is outside the plan ({start} to {end}): a check-in is as of "
                   "a day of the plan. Nothing was stored.",
        "ahead": "--date {day} is after today ({today}): a check-in is a figure as it stood on "
                 "a day that has come, so a day ahead is a slip (of the month, of the year?); "
                 "the report would count it from that day on. Give the day the figure is as "
                 "of, or leave out --date for today. Nothing was stored.",
        "outside_owner": "{kr} belongs to {owner_name} ({owner}), and {name} ({subject}) is "
                         "outside it: a check-in for them would count in no figure of {kr}. "
                         "Check in for {owner} or a unit or person in it (--unit, --person). "
                         "Nothing was stored.",
        "no_author": "--by: give a name (who is checking in). Nothing was stored.",
        "no_author_withdraw": "--by: give a name (who is withdrawing it). Nothing was changed.",
        "unreadable": "{kr}: {error}. Nothing was stored.",
        "confidence": "--confidence {text}: not a number from 0 to 1 (or 0% to 100%). "
                      "Nothing was stored.",
        "withdraw_reason": "--withdraw needs a --reason that says what was wrong. Nothing "
                           "was changed.",
        "no_checkin": "no check-in {id}; `okrdesk checkin --list KR` shows ids",
        "withdrawn": "check-in {id} was already withdrawn on {when}",
        "repeated": "refused: check-in {id}, recorded {recorded} by {author}, is this one "
                    "already ({kr} {value} for {subject} as of {day}, the same confidence and "
                    "note). If it is another check-in of the same figure, add --again. "
                    "Nothing was stored.",
        "under_old_unit": "refused: this plan keeps {n} of {krs} under unit {old}, the "
                          "plan's unit id before it was changed to {top}; stored under {top}, "
                          "this one would start a second history beside them, and moving "
                          "them would then need --merge. Move them first: `okrdesk "
                          "move-unit {old}{from_plan}`. Nothing was stored.",
        "not_ours": "check-in {id} is for {subject}, who is not in this plan (another "
                    "branch's, in a store it shares with this one, or taken out of the plan): "
                    "withdraw it in the workspace whose plan has {subject}. Nothing was "
                    "changed.",
    },
    "zh": {
        "measured": "{kr} 由指标 {metric} 度量；打卡只用于没有指标的关键结果。"
                    "请改为运行 `okrdesk collect`。",
        "outside": "--date {day} 不在计划期内（{start} 至 {end}）：打卡须记在计划期内的日期。"
                   "未记录任何打卡。",
        "ahead": "--date {day} 晚于今天（{today}）：打卡记的是已经到来的某一天的数字，日期在"
                 "今天之后多半是笔误（月份、年份写错了？），报告会从那天起计入它。请写数字所属的"
                 "日期，或不写 --date 即为今天。未记录任何打卡。",
        "outside_owner": "{kr} 属于{owner_name}（{owner}），{name}（{subject}）不在其范围内：为其"
                         "打卡不会计入 {kr} 的任何数字。请为 {owner} 或其下的单位、人员打卡"
                         "（--unit、--person）。未记录任何打卡。",
        "no_author": "--by：请给出填报人的名字。未记录任何打卡。",
        "no_author_withdraw": "--by：请给出撤回人的名字。未作任何更改。",
        "unreadable": "{kr}：{error}。未记录任何打卡。",
        "confidence": "--confidence {text}：应为 0 到 1 之间的数（或 0% 到 100%）。"
                      "未记录任何打卡。",
        "withdraw_reason": "--withdraw 需要用 --reason 说明哪里有误。未做任何改动。",
        "no_checkin": "没有编号为 {id} 的打卡；`okrdesk checkin --list 关键结果` 可查看编号",
        "withdrawn": "编号 {id} 的打卡已于 {when} 撤回",
        "repeated": "已拒绝：编号 {id} 的打卡（记录于 {recorded}，填报人 {author}）已是这次"
                    "打卡（{kr} {value}，{subject}，截至 {day}，信心和说明相同）。如确是又一次"
                    "打卡同一数值，请加上 --again。未记录任何打卡。",
        "under_old_unit": "已拒绝：本计划的 {krs} 项关键结果的 {n} 条打卡记在单位 {old} "
                          "名下，即计划的单位 id 改为 {top} 之前的 id；这次打卡会记在 {top} "
                          "名下，与它们分成两份历史，之后移过来还须加 --merge。请先移过来："
                          "`okrdesk move-unit {old}{from_plan}`。未记录任何打卡。",
        "not_ours": "编号 {id} 的打卡是 {subject} 的，{subject} 不在本计划中（是与本工作区"
                    "共用数据库的其他营业部的，或已从计划中删去）：请在计划中有 {subject} 的"
                    "工作区撤回。未做任何改动。",
    },
}  # fmt: skip
"""Why ``okrdesk checkin`` stored nothing, in each language."""

_MISUSED = {
    "en": {
        "alone": "--list KR and --withdraw ID stand alone: no KEY_RESULT VALUE with them",
        "together": "--withdraw ID and --reason TEXT go together: say what was wrong",
        "give_both": "give KEY_RESULT and VALUE, for example: okrdesk checkin O1.REV 4.72",
        "reason_alone": "--reason goes with --withdraw ID",
        "again_alone": "--again goes with KEY_RESULT VALUE: it records a check-in a standing "
                       "one already says; --list and --withdraw record none",
    },
    "zh": {
        "alone": "--list 关键结果 与 --withdraw 编号 须单独使用，不能再给 关键结果 数值",
        "together": "--withdraw 编号 与 --reason 理由 须一起给出：说明哪里有误",
        "give_both": "请给出 关键结果 和 数值，例如：okrdesk checkin O1.REV 4.72",
        "reason_alone": "--reason 须与 --withdraw 编号 一起使用",
        "again_alone": "--again 须与 关键结果 数值 一起使用：它记录一条与已有打卡相同的打卡；"
                       "--list 和 --withdraw 不记录打卡",
    },
}  # fmt: skip


def misused(key: str, lang: str) -> str:
    """What ``okrdesk checkin`` says of arguments that do not go together, in ``lang``."""
    return _MISUSED[lang][key]


AUTHOR_ENV = "OKRDESK_USER"


def _author(session: Session, by: str | None) -> str:
    """Who a check-in (or its withdrawal) is from: ``by``, else ``author_default``; a
    person's id of the plan (``--by zhang-wei``) is kept as their name (Zhang Wei), as
    the report and history then show it."""
    author = author_default(session.workspace.checkin_by) if by is None else by.strip()
    person = session.plan.people_by_id.get(author)
    return author if person is None else person.name


def author_default(setting: str) -> str:
    """Who a check-in is from when ``--by`` is not given: okrdesk.toml's ``[checkin] by``,
    else $OKRDESK_USER, else the user logged in to the machine ("" when none is known)."""
    return setting or os.environ.get(AUTHOR_ENV, "").strip() or _who()


def _value(kr: KeyResult, value: str, lang: str) -> Decimal:
    try:
        return parse_quantity(kr.unit, value)
    except ValueError as error:
        said = UnreadableFigure.in_language(error, lang)
        raise BadInput(_REFUSED[lang]["unreadable"].format(kr=kr.id, error=said)) from None


def _confidence(text: str, lang: str) -> float:
    """--confidence as 0 to 1, or as a percentage: 0.8 and 80% are the same."""
    try:
        sure = parse_quantity(UNITS["ratio"], text)
    except ValueError:
        sure = None
    if sure is None or not 0 <= sure <= 1:
        raise BadInput(_REFUSED[lang]["confidence"].format(text=printable(text)))
    return float(sure)


def withdraw_checkin(
    session: Session, checkin_id: int, reason: str, lang: str = "en", by: str | None = None
) -> str:
    """Mark one check-in withdrawn, by ``by`` (else ``author_default``); its row stays in
    the history. What to tell the user, in ``lang``."""
    if says_nothing(reason):
        raise BadInput(_REFUSED[lang]["withdraw_reason"])
    author = _author(session, by)
    if says_nothing(author):
        raise BadInput(_REFUSED[lang]["no_author_withdraw"])
    with open_store(session.workspace, create=False) as store:
        # Asked first to refuse in the reader's words; the store refuses the same inside its
        # transaction, where another process may have withdrawn it since.
        found = store.checkin(checkin_id)
        if found is None:
            raise BadInput(_REFUSED[lang]["no_checkin"].format(id=checkin_id))
        # A firm's branches share one store: another branch's check-ins are theirs.
        if not session.plan.has_subject(found.subject):
            subject = printable(found.subject)
            raise BadInput(_REFUSED[lang]["not_ours"].format(id=checkin_id, subject=subject))
        if found.withdrawn is not None:
            when = local_time(found.withdrawn)
            raise BadInput(_REFUSED[lang]["withdrawn"].format(id=checkin_id, when=when))
        withdrawn = store.withdraw_checkin(checkin_id, author, reason.strip())
        left = of_the_plan(session.plan, store.checkins(withdrawn.key_result, withdrawn.subject))
        kr = session.plan.key_results_by_id.get(withdrawn.key_result)
        below = set(subjects_under(session.plan, withdrawn.subject)) - {withdrawn.subject}
        # A unit's amount or count with no check-in of its own is its members' sum.
        # Read only where none of its own is left to count.
        summed = not left and bool(below) and kr is not None and (
            kr.adds_up
            and any(c.subject in below for c in of_the_plan(session.plan, store.checkins(kr.id)))
        )  # fmt: skip

    def said(value: float) -> str:
        if kr is None:
            return f"{value:g}"
        return as_stored(session.plan, kr, withdrawn.subject, value, lang)

    words = _WORDS[lang]
    told = words["withdrew"].format(
        id=checkin_id, kr=withdrawn.key_result, value=said(withdrawn.value),
        subject=withdrawn.subject, day=withdrawn.day,
    )  # fmt: skip
    if not session.plan.holds(withdrawn.day):
        plan = session.plan
        return told + words["outside"].format(start=plan.start, end=plan.end)
    if not left:
        now_shown = "summed_again" if summed else "none_left"
        return told + words[now_shown].format(subject=withdrawn.subject)
    now = left[-1]  # oldest first: the last one counts
    return told + words["counts_now"].format(
        subject=withdrawn.subject, id=now.id, value=said(now.value), day=now.day
    )


def _who() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""
