"""Lines of plain text folded to a terminal's width the way the report folds its
alerts: broken between words (Chinese between its characters, never inside a figure or
an id), the lines after the first indented, so that what begins a line (check's kind,
due's key result, explain's period) stays a column of its own. For the commands that
print lines rather than the report's tables: check, due and explain."""

from __future__ import annotations

import re

from okrdesk.report.text_layout import HANGING_ROOM, NO_BREAK, Text, fitted

_HELD = re.compile(r"(?<![\w-])(--[a-z][a-z-]*) (?=[^\s-])|(\bCNY|[×÷=≈]) (?=[-\d])")
"""What a fold never parts: an option and its value (--unit wm2), a command to copy; an
amount and its currency (CNY 75,242k); an operator and the figure after it (× 1/4)."""


def folded(line: str, column: int, width: int) -> list[str]:
    """``line`` as a terminal ``width`` cells wide shows it: broken between words, the
    lines after the first indented to ``column`` (a terminal left to wrap it starts the
    rest at its margin); the spaces it starts with kept. Too narrow a terminal for that
    gets the line whole."""
    body = line.lstrip(" ")
    indent = len(line) - len(body)
    if width - column < HANGING_ROOM or column < indent:
        return [line]
    text = Text(_HELD.sub(lambda found: (found[1] or found[2]) + NO_BREAK, body))
    text.hanging = column - indent
    lead = " " * indent
    return [
        lead + "".join(part for part, _ in shown).replace(NO_BREAK, " ")
        for shown in fitted(text, width - indent)
    ]
