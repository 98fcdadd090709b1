"""``okrdesk due``: which check-ins are owed on a date, by whom, since when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from okrdesk import clock
from okrdesk.app.session import Session, refuse_unknown_unit, stored
from okrdesk.delivery.owed_list import owed_list
from okrdesk.engine.cadence import Owed, owed
from okrdesk.engine.plan_calendar import before_the_plan, clamp_to_plan
from okrdesk.errors import BadInput
from okrdesk.messages import counted, display_width, label
from okrdesk.model import Checkin, CheckinFigure
from okrdesk.report.folded_lines import folded


class _NoCheckins:
    """A workspace with no database yet: nothing was ever checked in."""

    def checkin_figures(
        self, key_result: str | None, subjects: Iterable[str], since: dt.date, through: dt.date
    ) -> list[CheckinFigure]:
        return []


def owed_on(
    session: Session, as_of: dt.date | None, unit: str | None
) -> tuple[dt.date, list[Owed]]:
    """The date read (inside the plan) and every check-in owed on it, inside ``unit``
    (refused, in both languages, when there is no such unit or person, or the day is
    before the plan starts, as the report and check refuse it: read as the plan's first
    day, a year typed wrong sent every group reminders of a day not yet come)."""
    plan = session.plan
    refuse_unknown_unit(plan, unit)
    clock.refuse_after_today(as_of)  # owed by a day to come is not yet owed
    asked = as_of or clock.today()
    if (refused := before_the_plan(plan, asked)) is not None:
        raise BadInput(refused)
    day = clamp_to_plan(plan, asked)
    store = stored(session.workspace)
    if store is None:
        return day, owed(plan, _NoCheckins(), day, unit)
    with store, store.reading():
        return day, owed(plan, store, day, unit)


_NONE = {"en": "No check-ins owed on {day}.", "zh": "{day} 无待打卡。"}
_END = {"en": ".", "zh": "。"}


def due_lines(
    session: Session, as_of: dt.date | None, unit: str | None, lang: str, width: int = 80
) -> list[str]:
    """What is owed, in ``lang``, in lines of at most ``width`` cells (a word or name
    longer than a line aside): by key result where one is owed by several people, each
    state it is in with who owes it; else by who owes it, the longest owed first."""
    from okrdesk.engine.old_unit_ids import from_plan_option

    day, found = owed_on(session, as_of, unit)
    stranded, before = kept_under_old_ids(session)
    kept = [
        line for old, held in stranded.items()
        for line in folded(old_id_said(old, held, _OLD_ID[lang], lang,
                                       from_plan=from_plan_option(old, before)), 2, width)
    ]  # fmt: skip
    if not found:
        return [_NONE[lang].format(day=day), *kept]
    listed = owed_list(found, day, lang, session.plan.name_of)
    colon = label(lang, "colon")
    lines = folded(listed.heading + _END[lang], 2, width)
    for group in listed.groups:
        # A key result's title goes on under itself, after its id; a person's line is short.
        under = display_width(group.head.split(" ")[0]) + 1 if listed.by_key_result else 2
        lines += folded(f"{group.head}{colon}{group.said}", under, width)
        for entry in group.entries:
            if not entry.names:  # a key result owed, under its person
                lines += folded(f"  {entry.text}", display_width(entry.text.split(" ")[0]) + 3,
                                width)  # fmt: skip
                continue
            lines += _named(f"  {entry.text}{colon}", entry.names, lang, width)
    return lines + kept


_OLD_ID = {
    "en": "Not counted above: {n} of {krs} kept under unit {old}, most likely the plan's "
          "unit id before it was changed; `okrdesk move-unit {old}{from_plan}` moves them.",
    "zh": "以上未计入记在单位 {old} 名下的 {krs} 项关键结果的 {n} 条打卡（很可能是计划的单位 "
          "id 改动之前的 id）：`okrdesk move-unit {old}{from_plan}` 会把它们移过来。",
}  # fmt: skip


def old_id_said(
    old: str, held: Sequence[Checkin], words: str, lang: str, **more: str
) -> str:  # fmt: skip
    """``words`` with the check-ins ``held`` under unit id ``old`` counted in ``lang``
    (``{n}`` of ``{krs}``, ``{old}``, and ``more``)."""
    n, krs = len(held), len({c.key_result for c in held})
    return words.format(
        n=n if lang == "zh" else counted(n, "check-in"),
        krs=krs if lang == "zh" else counted(krs, "key result"), old=old, **more,
    )  # fmt: skip


def kept_under_old_ids(session: Session) -> tuple[dict[str, list[Checkin]], dict[str, str]]:
    """The plan's check-ins under its unit's old id (``old_unit_ids.kept_under_old_ids``),
    which what is owed is read without: a rename would have everyone owe since January;
    and the plan's id before it was changed with its unit, for the old ids whose move
    needs it (``old_unit_ids.plan_ids_before``)."""
    from okrdesk.engine.old_unit_ids import kept_under_old_ids as kept
    from okrdesk.engine.old_unit_ids import plan_ids_before

    store = stored(session.workspace)
    if store is None:
        return {}, {}
    with store, store.reading():
        held = kept(session.plan, store)
        return held, plan_ids_before(session.plan, store, held)


_NAMES_INDENT = "    "


def _named(state: str, names: tuple[str, ...], lang: str, width: int) -> list[str]:
    """A state of a key result's check-ins and who owes them: on its line when they fit
    there, else below it, as many whole names a line as fit, the lines indented."""
    separator = label(lang, "list_sep")
    whole = state + separator.join(names)
    if display_width(whole) <= width:
        return [whole]
    lines = folded(state.rstrip(), 4, width)
    room = width - len(_NAMES_INDENT)
    line = ""
    for n, name in enumerate(names):
        said = name + (separator.rstrip() if n < len(names) - 1 else "")
        joined = f"{line}{' ' if line and lang == 'en' else ''}{said}"
        if line and display_width(joined) > room:
            lines.append(_NAMES_INDENT + line)
            joined = said
        line = joined
    lines.append(_NAMES_INDENT + line)
    return [part for line in lines for part in folded(line, len(_NAMES_INDENT), width)]
