"""Who owes a check-in, as a message: what ``okrdesk send --due`` posts.

The words are ``okrdesk due``'s (``owed_list``): by key result where one is owed by
several people, each state it is in a line with who owes it; else a line a person,
then a line a key result. No tables, so it reads the same in every chat group.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from okrdesk.delivery.message import Message
from okrdesk.delivery.owed_list import owed_list
from okrdesk.engine.cadence import Owed
from okrdesk.messages import label
from okrdesk.report.templates import markdown_text as md

_WORDS = {
    "zh": {
        "title": "待打卡提醒",
        "how": "打卡：`okrdesk checkin 关键结果 数值 --note 说明`",
        "how_shares": "打卡：`okrdesk checkin 关键结果 数值 --note 说明`；为分给团队或个人的"
        "数值打卡，加 `--unit 单位` 或 `--person 人员`",
        "cut": "……其余未发送；请运行 `okrdesk due` 查看全部",
    },
    "en": {
        "title": "Check-ins owed",
        "how": "To check in: `okrdesk checkin KEY_RESULT VALUE --note TEXT`",
        "how_shares": "To check in: `okrdesk checkin KEY_RESULT VALUE --note TEXT`; for a "
        "team's or a person's share, add `--unit UNIT` or `--person PERSON`",
        "cut": "… the rest was not sent; run `okrdesk due` for all of it",
    },
}

NAMES_A_LINE = 10
"""Names on one line of a list item: a firm's hundreds of branch managers are not one
line that a chat group's size limit would cut short."""


def reminders(
    owed: Sequence[Owed],
    day: dt.date,
    unit_name: str,
    lang: str,
    name_of: Callable[[str], str],
    shares: bool = False,
) -> Message:
    """The reminder for everything owed on ``day``, as ``okrdesk due`` lists it; each
    check-in's unit or person by its name (``name_of``). ``shares``: some are owed for
    a member's share rather than the key result's owner, which a check-in without
    ``--unit`` or ``--person`` would not be for (it would stand for the owner's whole)."""
    words = _WORDS[lang]
    listed = owed_list(owed, day, lang, name_of, md)
    colon, separator = label(lang, "colon"), label(lang, "list_sep")
    lines = [f"## {md(unit_name)} · {words['title']}", "", listed.heading]
    for group in listed.groups:
        lines += ["", f"**{group.head}**{colon}{group.said}"]
        for entry in group.entries:
            if not entry.names:
                lines.append(f"- {entry.text}")
                continue
            names = [separator.join(entry.names[at : at + NAMES_A_LINE])
                     for at in range(0, len(entry.names), NAMES_A_LINE)]  # fmt: skip
            ends = separator.rstrip()
            lines.append(f"- {entry.text}{colon}{names[0]}{ends if len(names) > 1 else ''}")
            lines += [f"  {line}{ends if n < len(names) - 1 else ''}"
                      for n, line in enumerate(names[1:], 1)]  # fmt: skip
    lines += ["", words["how_shares" if shares else "how"]]
    return Message(
        title=f"{unit_name} · {words['title']} · {day.isoformat()}",
        lines=tuple(lines),
        cut_note=words["cut"],
    )
