"""Who owes which check-ins, in words: what ``okrdesk due`` prints and ``okrdesk send
--due`` posts, said by one function so that the two say the same.

A list in which one key result is owed by several people (a head office's: thirty
branch managers owing the firm's monthly figure) is told by key result: the key
result once, then, for each state it is in (never made, late since a day, due by a
day), who owes it, each by name with the unit it is for. Any other list (a branch
manager's own) is told by person: each key result a line under who owes it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

import attrs

from okrdesk.engine.cadence import Owed
from okrdesk.messages import ALERTS, counted, label


@attrs.frozen
class OwedEntry:
    """A line under a group: a key result owed (by person), or a state a key result is
    in and the names of who owes it in that state (by key result)."""

    text: str
    names: tuple[str, ...] = ()


@attrs.frozen
class OwedGroup:
    """A person and what they owe, or a key result and who owes it."""

    head: str
    said: str
    entries: tuple[OwedEntry, ...]


@attrs.frozen
class OwedList:
    heading: str
    groups: tuple[OwedGroup, ...]
    by_key_result: bool


_WORDS = {
    "zh": {
        "heading": "{day} 待打卡：{n} 项，{who}",
        "people": "{n} 人", "units": "{n} 个未设负责人的单位", "and": "及 ",
        "no_lead": "（未设负责人）",
        "item": "{kr} {title}", "details": "（{details}）",
        "shared": "；均为{details}", "shared_sep": "、",
        "cadence": "每{cadence}一次",
        "key_result": "每{cadence}一次，{n} 项", "state_count": "{state}（{n} 项）",
        "named": "{name}（{about}）", "about_sep": "，",
        "since": "自 {day} 起未打卡", "none_since": "自 {day} 起尚无打卡", "by": "{day} 前完成",
        "last": "上次 {day}", "never": "尚无打卡", "missed": "已缺 {n} {cadences}",
        "state_sep": "，",
    },
    "en": {
        "heading": "Check-ins owed on {day}: {n}, by {who}",
        "people": "{n}", "units": "{n}", "and": " and ",
        "no_lead": " (no lead in the plan)",
        "item": "{kr} {title}", "details": " ({details})",
        "shared": "; each: {details}", "shared_sep": ", ",
        "cadence": "every {cadence}",
        "key_result": "every {cadence}, {n} owed", "state_count": "{state} ({n})",
        "named": "{name} ({about})", "about_sep": ", ",
        "since": "owed since {day}", "none_since": "none since {day}", "by": "due by {day}",
        "last": "last {day}", "never": "none yet", "missed": "{n} missed",
        "state_sep": ", ",
    },
}  # fmt: skip

_LEADLESS = {"zh": "未设负责人", "en": "no lead in the plan"}


def owed_list(
    owed: Sequence[Owed],
    day: dt.date,
    lang: str,
    name_of: Callable[[str], str],
    escape: Callable[[str], str] = str,
) -> OwedList:
    """Everything owed on ``day`` in ``lang``: by key result where one is owed by several
    people, else by person; each unit or person a check-in is for by its name
    (``name_of``), and what the plan's files wrote (titles, names, ids) through
    ``escape`` (Markdown's, for a chat message)."""
    words = _WORDS[lang]
    owers = {(o.person, o.name) for o in owed}
    people = sum(1 for person, _ in owers if person is not None)
    units = len(owers) - people
    who = [
        *([_counted(words["people"], people, "person", lang, "people")] if people else []),
        *([_counted(words["units"], units, "unit with no lead", lang, "units with no lead")]
          if units else []),
    ]  # fmt: skip
    heading = words["heading"].format(day=day.isoformat(), n=len(owed), who=words["and"].join(who))
    by_key_result = any(
        len({(o.person, o.name) for o in owed if o.key_result == kr}) > 1
        for kr in {o.key_result for o in owed}
    )
    # Two people of one name (a firm's two 王芳) are told apart by their ids.
    ids_of: dict[str, set[str]] = {}
    for person, name in owers:
        if person is not None:
            ids_of.setdefault(name, set()).add(person)
    alike = {name for name, ids in ids_of.items() if len(ids) > 1}
    grouped = _by_key_result if by_key_result else _by_person
    groups = grouped(owed, words, lang, name_of, escape, alike)
    return OwedList(heading, tuple(groups), by_key_result)


def _counted(said: str, n: int, noun: str, lang: str, plural: str) -> str:
    return said.format(n=counted(n, noun, plural) if lang == "en" else n)


def _by_person(
    owed: Sequence[Owed], words: dict[str, str], lang: str, name_of: Callable[[str], str],
    escape: Callable[[str], str], alike: set[str],
) -> list[OwedGroup]:  # fmt: skip
    groups = []
    order = sorted(owed, key=lambda o: (o.name, o.person or "", o.since, o.key_result))
    colon = label(lang, "colon")
    for (person, name), items in sorted(_runs(order, lambda o: (o.person, o.name)),
                                        key=_longest_owed_first):  # fmt: skip
        late = [o for o in items if o.late]
        who = escape(name) + ("" if person else words["no_lead"])
        if person is not None and name in alike:
            who = words["named"].format(name=who, about=escape(person))
        # As the report's first screen says it: how many, how many late and since when.
        if late:
            since = min(o.since for o in late).isoformat()
            said = label(lang, "owed_person_late", name=who, n=len(items), late=len(late),
                         since=since)  # fmt: skip
        else:
            due = min(o.due for o in items).isoformat()
            said = label(lang, "owed_person", name=who, n=len(items), due=due)
        said = said.removeprefix(who + colon)  # the name is the group's head
        details = [_details(o, words, lang, escape(name_of(o.subject))) for o in items]
        # What every one of several items says alike (the unit, how often, the last
        # check-in, the day due) is said once, on the person's line, not on each.
        shared = (
            {key for key in details[0] if all(d.get(key) == details[0][key] for d in details)}
            if len(items) > 1
            else set()
        )
        told = [details[0][key] for key in details[0] if key in shared and key != "when"]
        if told:
            said += words["shared"].format(details=words["shared_sep"].join(told))
        entries = tuple(
            OwedEntry(_item(o, words, escape, [v for k, v in d.items() if k not in shared]))
            for o, d in zip(items, details, strict=True)
        )
        groups.append(OwedGroup(who, said, entries))
    return groups


def _longest_owed_first(run: tuple[Any, list[Owed]]) -> tuple[Any, ...]:
    """Who owes check-ins, the longest owed first: those late before those only due, by
    the day the oldest late one was owed since, then by the day due; then by name (a
    count in it read as a number: 经理2 before 经理10)."""
    (person, name), items = run
    late = [o.since for o in items if o.late]
    return (not late, min(late, default=dt.date.max), min(o.due for o in items),
            _natural(name), person or "")  # fmt: skip


def _natural(text: str) -> tuple[Any, ...]:
    # Every other part is a run of digits, read as its number.
    return tuple(int(part) if n % 2 else part for n, part in enumerate(re.split(r"(\d+)", text)))


def _details(o: Owed, words: dict[str, str], lang: str, subject: str) -> dict[str, str]:
    """What an item owed says in brackets after its title, by what each part is of."""
    cadence = words["cadence"].format(cadence=ALERTS[f"cadence.{o.cadence.value}"][lang])
    when, *rest = _state(o, words, lang, with_last=False)
    found = {"subject": subject, "cadence": cadence, "when": when}
    if not (o.late and o.last is None):  # never made: said once, by "none since"
        found["last"] = _last(o, words)
    return found | {f"more{n}": more for n, more in enumerate(rest)}


def _item(o: Owed, words: dict[str, str], escape: Callable[[str], str], details: list[str]) -> str:
    said = words["item"].format(kr=escape(o.key_result), title=escape(o.title))
    if details:
        said += words["details"].format(details=words["state_sep"].join(details))
    return said


def _state(o: Owed, words: dict[str, str], lang: str, with_last: bool) -> list[str]:
    """Since when or by when, the last check-in (``with_last``) and the periods gone by
    whole without one (已缺 2 个月, 2 months missed, as the report's alert counts them)."""
    if o.late:
        when = words["since" if o.last is not None else "none_since"].format(day=o.since)
    else:
        when = words["by"].format(day=o.due)
    said = [when]
    if with_last and not (o.late and o.last is None):  # never made: said once, by "none since"
        said.append(_last(o, words))
    if o.missed:
        cadences = ALERTS[f"cadences.{o.cadence.value}"][lang]
        n = counted(o.missed, o.cadence.value) if lang == "en" else o.missed
        said.append(words["missed"].format(n=n, cadences=cadences))
    return said


def _last(o: Owed, words: dict[str, str]) -> str:
    return words["last"].format(day=o.last) if o.last is not None else words["never"]


def _by_key_result(
    owed: Sequence[Owed], words: dict[str, str], lang: str, name_of: Callable[[str], str],
    escape: Callable[[str], str], alike: set[str],
) -> list[OwedGroup]:  # fmt: skip
    groups = []
    for kr, items in _runs(owed, lambda o: o.key_result):
        first = items[0]
        cadence = ALERTS[f"cadence.{first.cadence.value}"][lang]
        said = words["key_result"].format(cadence=cadence, n=len(items))
        states = sorted(_runs(items, _state_key), key=lambda run: run[0])
        entries = tuple(_state_entry(run, words, lang, name_of, escape, alike) for _, run in states)
        groups.append(OwedGroup(f"{escape(kr)} {escape(first.title)}", said, entries))
    return groups


def _state_key(o: Owed) -> tuple[bool, dt.date, bool, int]:
    """Check-ins of one key result told on one line: late before due, the longest owed
    first, never made before made once."""
    return (not o.late, o.since if o.late else o.due, o.last is not None, -o.missed)


def _state_entry(
    items: list[Owed], words: dict[str, str], lang: str, name_of: Callable[[str], str],
    escape: Callable[[str], str], alike: set[str],
) -> OwedEntry:  # fmt: skip
    """The state of the check-ins ``items`` (one key result's, alike but for the day each
    was last made), how many, and who owes them: the last check-in said once when it is
    everyone's, else beside each name."""
    shared = len({o.last for o in items}) == 1
    state = _state(items[0], words, lang, with_last=shared)
    said = words["state_count"].format(state=words["state_sep"].join(state), n=len(items))
    names = []
    for o in items:
        about = [] if o.subject == o.person else [escape(name_of(o.subject))]
        if o.person is None:
            about = [_LEADLESS[lang]]
        elif o.name in alike:
            about.insert(0, escape(o.person))
        if not shared:
            about.append(_last(o, words))
        name = escape(o.name)
        names.append(words["named"].format(name=name, about=words["about_sep"].join(about))
                     if about else name)  # fmt: skip
    return OwedEntry(said, tuple(names))


_Key = TypeVar("_Key", bound=Hashable)


def _runs(items: Sequence[Owed], key: Callable[[Owed], _Key]) -> list[tuple[_Key, list[Owed]]]:
    """``items`` gathered by ``key``, in the order each key first comes."""
    found: dict[_Key, list[Owed]] = {}
    for item in items:
        found.setdefault(key(item), []).append(item)
    return list(found.items())
