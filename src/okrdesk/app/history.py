"""``okrdesk history KR``: a key result's check-ins, oldest first, with their story."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from okrdesk.app.checkin import as_stored
from okrdesk.app.session import Session, find_key_result, stored
from okrdesk.engine.plan_calendar import of_the_plan
from okrdesk.errors import BadInput, printable
from okrdesk.messages import ALERTS, counted, display_width, padded
from okrdesk.model import Checkin, KeyResult, Plan
from okrdesk.periods import local_time
from okrdesk.units import percentage

if TYPE_CHECKING:
    from okrdesk.store import Store

_WORDS = {
    "en": {
        "tracked": "tracked by check-ins, one owed every {cadence}",
        "none": "No check-ins yet: `okrdesk checkin {kr} VALUE`.",
        "columns": "id date value for by confidence note",
        "withdrawn": "[withdrawn {day}{by}: {reason}]", "by": " by {who}",
        "count": "{n} withdrawn: kept in the history, they count for nothing.",
        "outside": "[not this plan's]",
        "moved": "[made for {old}, moved by `okrdesk move-unit` {day}]",
        "outside_count": "Dated outside this plan ({start} to {end}), counting in no figure "
                         "of it: {n}.",
        "measured": "measured by the metric {metric}: these check-ins, from before it was, "
                    "count for nothing (`okrdesk explain {kr}` shows its numbers)",
        "no_checkins": "{kr} is measured by the metric {metric}, not by check-ins; "
                       "`okrdesk explain {kr}` shows its numbers",
        "held": "Not listed: {n} of {kr} ({first} to {last}) kept under unit {old}, most "
                "likely the plan's unit id before it was changed to {top}; they count in no "
                "figure until `okrdesk move-unit {old}{from_plan}` moves them here.",
        "none_held": "None listed: {n} of {kr} ({first} to {last}) are kept under unit "
                     "{old}, most likely the plan's unit id before it was changed to {top}; "
                     "they count in no figure until `okrdesk move-unit {old}{from_plan}` moves "
                     "them here.",
    },
    "zh": {
        "tracked": "按打卡跟踪，每{cadence}一次",
        "none": "尚无打卡：`okrdesk checkin {kr} 数值`。",
        "columns": "编号 日期 数值 对象 填报人 信心 说明",
        "withdrawn": "[{day} {by}撤回：{reason}]", "by": "由 {who} ",
        "count": "已撤回 {n} 条：留在历史中，不计入。",
        "outside": "[不属本计划]",
        "moved": "[原记在 {old} 名下，{day} 由 `okrdesk move-unit` 移来]",
        "outside_count": "另有 {n} 条的日期不在本计划期内（{start} 至 {end}），不计入本计划的"
                         "任何数字。",
        "measured": "由指标 {metric} 计量：以下为改用指标前的打卡，不计入（`okrdesk explain "
                    "{kr}` 列出其数字）",
        "no_checkins": "{kr} 由指标 {metric} 计量，没有打卡；`okrdesk explain {kr}` 列出其数字",
        "held": "未列出：{kr} 另有 {n} 条打卡（{first} 至 {last}）记在单位 {old} 名下（很可能是"
                "计划的单位 id 改为 {top} 之前的 id），`okrdesk move-unit {old}{from_plan}` 把它们"
                "移过来之前，不计入任何数字。",
        "none_held": "未列出任何打卡：{kr} 的 {n} 条打卡（{first} 至 {last}）记在单位 {old} 名下"
                     "（很可能是计划的单位 id 改为 {top} 之前的 id），`okrdesk move-unit {old}"
                     "{from_plan}` "
                     "把它们移过来之前，不计入任何数字。",
    },
}  # fmt: skip


def history_lines(session: Session, key_result: str, lang: str) -> list[str]:
    """Each check-in of ``key_result``: date, value in its unit, for whom, author,
    confidence and note; withdrawn ones marked, with who withdrew them and why; in
    ``lang``."""
    from okrdesk.engine.old_unit_ids import plan_ids_before

    words = _WORDS[lang]
    kr = find_key_result(session.plan, key_result, lang)
    store = stored(session.workspace)
    entries = []
    held: dict[str, list[Checkin]] = {}
    before: dict[str, str] = {}
    if store is not None:
        with store, store.reading():
            # Not another branch's, in a shared store: its rows are not even read.
            entries = store.checkins(kr.id, withdrawn=True, subjects=session.plan.subject_ids)
            held = kept_of(session.plan, store, kr)
            before = plan_ids_before(session.plan, store, held)
    if kr.metric is not None:
        if not entries and not held:
            raise BadInput(words["no_checkins"].format(kr=kr.id, metric=kr.metric))
        # Check-ins from before the plan gave it a metric: listed, with their ids, so
        # that a wrong one can still be withdrawn.
        told = words["measured"].format(metric=kr.metric, kr=kr.id)
    else:
        cadence = ALERTS[f"cadence.{kr.cadence.value}"][lang]
        told = words["tracked"].format(cadence=cadence)
    lines = [f"{kr.id} {kr.title}", told]
    if not entries:
        if held:
            return [*lines, *kept_said(session.plan, kr, held, before, words["none_held"], lang)]
        return [*lines, words["none"].format(kr=kr.id)]
    rows = [words["columns"].split()]
    rows += [_row(session.plan, kr, c, lang, words) for c in entries]
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [padded(text, width, right=i in (0, 2, 5)) for i, (text, width)
                 in enumerate(zip(row, widths, strict=False))]  # fmt: skip
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    withdrawn = sum(1 for c in entries if c.withdrawn is not None)
    if withdrawn:
        lines.append(words["count"].format(n=withdrawn))
    plan = session.plan
    if outside := len(entries) - len(of_the_plan(plan, entries)):
        lines.append(words["outside_count"].format(n=outside, start=plan.start, end=plan.end))
    return [*lines, *kept_said(plan, kr, held, before, words["held"], lang)]


def kept_of(
    plan: Plan, store: Store, kr: KeyResult, through: dt.date | None = None
) -> dict[str, list[Checkin]]:
    """``kr``'s check-ins (dated ``through`` a day, where given) that the store keeps under
    the plan's old unit id, by that id, as ``checkin``, ``due`` and the report's
    ``old_unit`` alert find them (``old_unit_ids.kept_under_old_ids``); read inside the
    store's reading."""
    from okrdesk.engine.old_unit_ids import kept_under_old_ids

    found = {
        old: [c for c in kept if c.key_result == kr.id and (through is None or c.day <= through)]
        for old, kept in kept_under_old_ids(plan, store).items()
    }
    return {old: kept for old, kept in found.items() if kept}


def kept_said(
    plan: Plan,
    kr: KeyResult,
    held: dict[str, list[Checkin]],
    before: Mapping[str, str],
    words: str,
    lang: str,
) -> list[str]:
    """``words`` for each old unit id ``held`` keeps ``kr``'s check-ins under: how many,
    of which days, and the command that moves them to the plan's unit (with the plan's id
    ``before`` it was changed, where the move needs it: ``old_unit_ids.plan_ids_before``)."""
    from okrdesk.engine.old_unit_ids import from_plan_option

    return [
        words.format(
            n=len(kept) if lang == "zh" else counted(len(kept), "check-in"), kr=kr.id,
            first=min(c.day for c in kept), last=max(c.day for c in kept), old=old, top=plan.top,
            from_plan=from_plan_option(old, before),
        )
        for old, kept in held.items()
    ]  # fmt: skip


def _row(plan: Plan, kr: KeyResult, c: Checkin, lang: str, words: dict[str, str]) -> list[str]:
    # A record says what was stored: an amount exactly (3,501.23万, not the report's
    # 3,501万), any other figure short of its subject's target never read as the target.
    value = as_stored(plan, kr, c.subject, c.value, lang) if abs(c.value) <= 1e308 else "—"
    confidence = percentage(c.confidence, keep=0) if c.confidence is not None else "—"
    note = printable(c.note)
    if c.withdrawn is not None:
        by = words["by"].format(who=printable(c.withdrawn_by)) if c.withdrawn_by else ""
        mark = words["withdrawn"].format(day=local_time(c.withdrawn)[:10], by=by,
                                         reason=printable(c.withdraw_reason))  # fmt: skip
        note = f"{mark} {note}"
    if c.moved_from not in ("", c.subject):  # moved back, it is where it was made
        moved = local_time(c.moved)[:10] if c.moved else ""
        note = f"{words['moved'].format(old=printable(c.moved_from), day=moved)} {note}"
    if not plan.holds(c.day):
        note = f"{words['outside']} {note}"
    return [str(c.id), c.day.isoformat(), value, c.subject, printable(c.author) or "—",
            confidence, note.rstrip()]  # fmt: skip
