"""``okrdesk due``: which check-ins are owed on a date, by whom, since when."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from okrdesk.app.session import Session, stored
from okrdesk.engine.cadence import Owed, owed
from okrdesk.engine.plan_calendar import clamp_to_plan
from okrdesk.errors import BadInput, Said
from okrdesk.messages import ALERTS, label
from okrdesk.model import Checkin
from okrdesk.targets.reader import no_such


class _NoCheckins:
    """A workspace with no database yet: nothing was ever checked in."""

    def checkins(self, key_result: str | None = None, subject: str | None = None) -> list[Checkin]:
        return []


def owed_on(
    session: Session, as_of: dt.date | None, unit: str | None
) -> tuple[dt.date, list[Owed]]:
    """The date read (inside the plan) and every check-in owed on it, inside ``unit``
    (refused, in both languages, when there is no such unit or person)."""
    plan = session.plan
    if unit is not None and unit not in plan.units_by_id and unit not in plan.people_by_id:
        known = [*plan.units_by_id, *plan.people_by_id]
        raise BadInput(Said(
            *(f"--unit{label(said, 'colon')}{no_such('unit or person', unit, known, lang=said)}"
              for said in ("en", "zh"))
        ))  # fmt: skip
    day = clamp_to_plan(plan, as_of or dt.date.today())
    store = stored(session.workspace)
    if store is None:
        return day, owed(plan, _NoCheckins(), day, unit)
    with store, store.reading():
        return day, owed(plan, store, day, unit)


_WORDS = {
    "en": {
        "none": "No check-ins owed on {day}.",
        "heading": "Check-ins owed on {day}: {n}, by {people} {who}.",
        "person": "{name} ({person}): {n}", "no_lead": "{name} (no lead in the plan): {n}",
        "item": "  {kr} for {subject}: every {cadence}, {when}{more}  {title}",
        "since": "owed since {day}", "by": "due by {day}", "none_since": "none since {day}",
        # The periods gone by whole, as the reminder send --due posts: not the current.
        "last": "last {day}", "never": "none yet", "late": "{missed} {periods} missed",
    },
    "zh": {
        "none": "{day} 无待打卡。",
        "heading": "{day} 待打卡：{n} 项，{people} 人。",
        "person": "{name}（{person}）：{n} 项", "no_lead": "{name}（未设负责人）：{n} 项",
        "item": "  {kr} {title}（{subject}，每{cadence}一次，{when}{more}）",
        "since": "自 {day} 起未打卡", "by": "{day} 前完成", "none_since": "自 {day} 起尚无打卡",
        # As the reminder send --due posts words it: the periods gone by whole, counted
        # as the report's alert counts them (已 12 周未打卡).
        "last": "上次 {day}", "never": "尚无打卡", "late": "已缺 {missed} {cadences}",
    },
}  # fmt: skip

_PERIODS = {"week": ("week", "weeks"), "month": ("month", "months"),
            "quarter": ("quarter", "quarters")}  # fmt: skip
"""One and several periods of a cadence, after their number, in English."""


def due_lines(session: Session, as_of: dt.date | None, unit: str | None, lang: str) -> list[str]:
    """What is owed, grouped by who owes it, the longest owed first within each, in
    ``lang``."""
    words = _WORDS[lang]
    day, found = owed_on(session, as_of, unit)
    if not found:
        return [words["none"].format(day=day)]
    people = len({(o.person, o.name) for o in found})
    who = "person" if people == 1 else "people"
    lines = [words["heading"].format(day=day, n=len(found), people=people, who=who)]
    by_who = sorted(found, key=lambda o: (o.name, o.person or "", o.since, o.key_result))
    for (person, name), entries in groupby(by_who, key=lambda o: (o.person, o.name)):
        items = list(entries)
        said = words["person"] if person else words["no_lead"]
        lines.append(said.format(name=name, person=person, n=len(items)))
        lines += [_owed_line(o, words, lang, session.plan.name_of(o.subject)) for o in items]
    return lines


def _owed_line(o: Owed, words: dict[str, str], lang: str, subject: str) -> str:
    missed = o.missed
    periods = _PERIODS[o.cadence.value][missed != 1]
    cadences = ALERTS[f"cadences.{o.cadence.value}"][lang]
    more = []
    if o.late and o.last is None:
        # Owed since the plan began and never made: said once, not "owed since …, none yet".
        when = words["none_since"].format(day=o.since)
    else:
        when = words["since"].format(day=o.since) if o.late else words["by"].format(day=o.due)
        more.append(words["last"].format(day=o.last) if o.last else words["never"])
    if missed:
        more.append(words["late"].format(missed=missed, periods=periods, cadences=cadences))
    if lang == "en":
        said = f" ({', '.join(more)})" if more else ""
    else:
        said = "".join(f"，{m}" for m in more)
    cadence = ALERTS[f"cadence.{o.cadence.value}"][lang]
    return words["item"].format(kr=o.key_result, subject=subject, cadence=cadence,
                                when=when, more=said, title=o.title)  # fmt: skip
