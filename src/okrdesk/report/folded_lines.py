"""Lines of plain text folded to a terminal's width the way the report folds its
alerts: broken between words (Chinese between its characters, never inside a figure or
an id), the lines after the first indented, so that what begins a line (check's kind,
due's key result, explain's period) stays a column of its own. For the commands that
print lines rather than the report's tables: check, due and explain."""

from __future__ import annotations

import os
import re

from okrdesk.report.line_cut import HANGING_ROOM, fitted
from okrdesk.report.text_layout import NO_BREAK, Text, cell_width

PIPED_WIDTH = 80
"""The columns explain's lines fold at when not shown on a terminal, unless ``COLUMNS``
says otherwise: those a report is read at."""


def piped_width() -> int:
    """The width explain folds at when its output goes to a file, a mail or ``less``:
    ``COLUMNS`` where set (``COLUMNS=1000`` keeps each row a line for grep), else 80.
    Not the terminal's beside it: what is written to a file is read elsewhere."""
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else PIPED_WIDTH


_HELD = re.compile(
    r"(?<![\w-])(--[a-z][a-z-]*) (?=[^\s-])|(\bCNY|[×÷=≈+−]) (?=[-\d])|(←|<-) (?=\S)"
)
"""What a fold never parts: an option and its value (--unit wm2), a command to copy; an
amount and its currency (CNY 75,242k); an operator and the figure after it (× 1/4,
+ 103.15%: a line of a sum begins with a figure, not with its sign); an arrow and what
it marks (← 计入)."""


_TERM = re.compile(r"(?<=[\d%‰]) (?=[×÷] [-\d])")
"""The space before a product's or a quotient's operator (``69.53% × 0.15``): a fold
never parts a term of a sum, which breaks between its terms, before their ``+``."""


_COMMAND = re.compile(
    r"`okrdesk [^`]+`|\bokrdesk(?: [A-Za-z0-9_.=/-]+)+$"
    r"|\bokrdesk(?=(?: [A-Za-z0-9_.=/-]+)*? --[a-z])(?: [A-Za-z0-9_.=/-]+)+(?=\s*[（(])"
)
"""A command a line suggests, to copy and run: backquoted, ending the line, or with an
option and a bracket after it (``okrdesk explain C1.KR1 --unit wm1 (or another
member)``; prose such as "what okrdesk was doing (…)" has no option). Kept whole on
one line, wider than the width if need be: a user who copies the first line of a
folded one runs a command that is refused (``okrdesk move-unit szft`` without the
``--from-plan szft-2026`` on the next)."""


def _held(body: str) -> str:
    """``body`` with the spaces a fold never breaks at made ``NO_BREAK``."""
    body = _COMMAND.sub(lambda found: found[0].replace(" ", NO_BREAK), body)
    body = _TERM.sub(NO_BREAK, body)
    return _HELD.sub(lambda found: (found[1] or found[2] or found[3]) + NO_BREAK, body)


def folded(line: str, column: int, width: int) -> list[str]:
    """``line`` as a terminal ``width`` cells wide shows it: broken between words, the
    lines after the first indented to ``column`` (a terminal left to wrap it starts the
    rest at its margin); the spaces it starts with kept. Too narrow a terminal for that
    gets the line whole."""
    body = line.lstrip(" ")
    indent = len(line) - len(body)
    if width - column < HANGING_ROOM or column < indent:
        return [line]
    commands = list(_COMMAND.finditer(body))
    wider = next((c for c in commands if cell_width(c[0]) > width - column), None)
    if wider is not None:  # on a line of its own, past the width, rather than cut
        return _apart(line, indent, wider, column, width)
    text = Text(_held(body))
    text.hanging = column - indent
    lead = " " * indent
    lines = [
        lead + "".join(part for part, _ in shown).replace(NO_BREAK, " ")
        for shown in fitted(text, width - indent)
    ]
    # A command glued to the words before it (``4 笔支出：okrdesk spend list --line
    # events``) is one word with them, wider than the line, which the layout breaks
    # where it may: inside the command.
    cut = next((c for c in commands if not any(c[0] in shown for shown in lines)), None)
    return lines if cut is None else _apart(line, indent, cut, column, width)


def _apart(line: str, indent: int, command: re.Match[str], column: int, width: int) -> list[str]:
    """``line`` folded with ``command``, found in it after its ``indent``, on a line of
    its own: at the indent where it begins the line, else at ``column``."""
    body = line[indent:]
    before, after = body[: command.start()].rstrip(), body[command.end() :].lstrip()
    lines = folded(line[:indent] + before, column, width) if before else []
    lines.append(" " * (column if lines else indent) + command[0])
    return lines + (folded(" " * column + after, column, width) if after else [])
