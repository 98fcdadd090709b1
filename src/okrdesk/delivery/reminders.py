"""Who owes a check-in, as a message: what ``okrdesk send --due`` posts.

One line a person, with how many check-ins they owe and since when, then one
line a key result; no tables, so it reads the same in every chat group.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from itertools import groupby

from okrdesk.delivery.message import Message
from okrdesk.engine.cadence import Owed
from okrdesk.messages import ALERTS, counted
from okrdesk.report.templates import markdown_text as md

_WORDS = {
    "zh": {
        "title": "待打卡提醒", "heading": "{day} 待打卡：{n} 项，{people} 人",
        "person": "**{name}**：{n} 项，{due} 前完成",
        "person_late": "**{name}**：{n} 项，逾期 {late} 项（自 {since} 起未打卡）",
        "no_lead": "（未设负责人）",
        "item": "- {kr} {title}（{subject}，每{cadence}一次，{last}）",
        "last": "上次 {day}", "never": "尚无打卡", "late": "，已缺 {n} {cadences}",
        "how": "打卡：`okrdesk checkin 关键结果 数值 --note 说明`",
        "cut": "……其余未发送；请运行 `okrdesk due` 查看全部",
    },
    "en": {
        "title": "Check-ins owed", "heading": "Check-ins owed on {day}: {n}, by {people}",
        # {people} and {late}'s {n} are counted with their nouns: 1 person, 2 months.
        "person": "**{name}**: {n}, due by {due}",
        "person_late": "**{name}**: {n}, {late} late (owed since {since})",
        "no_lead": " (no lead in the plan)",
        "item": "- {kr} {title} ({subject}, every {cadence}, {last})",
        "last": "last {day}", "never": "none yet", "late": ", {n} missed",  # 2 months
        "how": "To check in: `okrdesk checkin KEY_RESULT VALUE --note TEXT`",
        "cut": "… the rest was not sent; run `okrdesk due` for all of it",
    },
}  # fmt: skip


def reminders(
    owed: Sequence[Owed], day: dt.date, unit_name: str, lang: str, name_of: Callable[[str], str]
) -> Message:
    """The reminder for everything owed on ``day``, grouped by who owes it; each check-in's
    unit or person by its name (``name_of``), as ``okrdesk due`` names it."""
    words = _WORDS[lang]
    people = _counted(len({(o.person, o.name) for o in owed}), "person", lang, "people")
    lines = [
        f"## {md(unit_name)} · {words['title']}",
        "",
        words["heading"].format(day=day.isoformat(), n=len(owed), people=people),
    ]
    by_who = sorted(owed, key=lambda o: (o.name, o.person or "", o.since, o.key_result))
    for (person, name), entries in groupby(by_who, key=lambda o: (o.person, o.name)):
        items = list(entries)
        who = md(name) + ("" if person else words["no_lead"])
        late = [o for o in items if o.late]
        if late:
            since = min(o.since for o in late).isoformat()
            head = words["person_late"].format(name=who, n=len(items), late=len(late), since=since)
        else:
            head = words["person"].format(name=who, n=len(items), due=min(o.due for o in items))
        lines += ["", head]
        lines += [_item(o, words, lang, name_of(o.subject)) for o in items]
    lines += ["", words["how"]]
    return Message(
        title=f"{unit_name} · {words['title']} · {day.isoformat()}",
        lines=tuple(lines),
        cut_note=words["cut"],
    )


def _item(o: Owed, words: dict[str, str], lang: str, subject: str) -> str:
    last = words["last"].format(day=o.last.isoformat()) if o.last else words["never"]
    if o.periods > 1:
        cadences = ALERTS[f"cadences.{o.cadence.value}"][lang]
        last += words["late"].format(n=_counted(o.missed, o.cadence.value, lang), cadences=cadences)
    cadence = ALERTS[f"cadence.{o.cadence.value}"][lang]
    return words["item"].format(kr=md(o.key_result), title=md(o.title), subject=md(subject),
                                cadence=cadence, last=last)  # fmt: skip


def _counted(n: int, noun: str, lang: str, plural: str | None = None) -> str:
    """``n`` as the reminder says it: with its English noun (1 person, 2 months), in
    Chinese the number, the sentence having its own measure word (1 人, 已缺 2 期)."""
    return counted(n, noun, plural) if lang == "en" else str(n)
