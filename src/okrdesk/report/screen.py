"""Where the report is printed: a terminal or a file, its width, rules across
it, and ANSI styles only where a terminal shows them."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TextIO

from okrdesk.report.line_cut import fitted, rule
from okrdesk.report.text_layout import (
    BESIDE_ROOM,
    NO_BREAK,
    Line,
    Text,
    cell_width,
    commands_apart,
    crop,
    line_cells,
    wrap,
)
from okrdesk.report.text_tables import TextTable

_SGR = {"bold": "1", "dim": "2", "italic": "3", "red": "31", "green": "32", "yellow": "33"}
_COLOURS = {"red", "green", "yellow"}


def terminal_width() -> int:
    """``COLUMNS``, else the width of the terminal standard input, output or error
    is on, else 80."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    for descriptor in (0, 1, 2):
        try:
            width = os.get_terminal_size(descriptor).columns
        except (AttributeError, ValueError, OSError):
            continue
        return width or 80
    return 80


def _on_a_terminal(file: TextIO) -> bool:
    """A terminal that takes escapes: ``FORCE_COLOR`` (any value but empty) says so
    for a pipe too; ``TTY_COMPATIBLE=0/1`` overrides both; ``TERM=dumb`` never."""
    environ = os.environ
    compatible = environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        terminal = compatible == "1"
    elif (force := environ.get("FORCE_COLOR")) is not None:
        terminal = force != ""
    else:
        try:
            terminal = file.isatty()
        except (AttributeError, ValueError):
            terminal = False
    return terminal and environ.get("TERM", "").lower() not in ("dumb", "unknown")


def _without_trailing_spaces(line: Line) -> Line:
    """``line`` without the spaces that pad it to its table's or column's width: they
    show nothing (no style here has a background), and a copied line kept them."""
    runs = [*line]
    while runs:
        text, style = runs[-1]
        kept = text.rstrip(" " + NO_BREAK)
        if kept:
            runs[-1] = (kept, style)
            break
        runs.pop()
    return runs


class Screen:
    """Where the report is printed: lines cropped to the width, styled with ANSI
    escapes only on a terminal, without colour when ``NO_COLOR`` is set."""

    def __init__(self, file: TextIO, width: int | None = None) -> None:
        self.file = file
        self.width = width if width is not None else terminal_width()
        self.styled = _on_a_terminal(file)
        self.colour = self.styled and os.environ.get("NO_COLOR", "") == ""
        self._out: list[str] = []

    def blank(self) -> None:
        self._out.append("\n")

    def line(self, text: Text) -> None:
        """A line not wrapped: what does not fit is cut with … (see ``one_line``),
        unless the text hangs onto further lines (see ``fitted``)."""
        self.lines(fitted(text, self.width))

    def lines(self, lines: Iterable[Line]) -> None:
        """Lines laid out to the width already (as ``line`` lays them out)."""
        for line in lines:
            self._emit(line)

    def text(self, text: Text) -> None:
        """Text wrapped between words to the width; a word wider than a line (Chinese
        has no spaces) folded as a title is: never inside an id or a figure."""
        for line in wrap(text, self.width, overflow="fold_figures"):
            self._emit(line)

    def beside(self, head: Text, body: Text) -> None:
        """``head`` (an alert's level), then ``body`` wrapped beside it as ``text`` wraps,
        each further line starting under the first of ``body`` rather than at the margin.
        A command it suggests (``commands_held``) wider than that column is on a line of
        its own at the margin, whole: wider than the screen too, it runs past its edge
        (the terminal wraps it; a copy of it is the whole command), never folded."""
        indent = cell_width(head.plain)
        room = self.width - indent
        said = True
        if room < BESIDE_ROOM:  # too narrow to keep a column: wrapped as one text
            style = head.runs[0][1] if head.runs else ""
            body = Text().append(head.plain, style).append(body.plain)
            head, indent, room, said = Text(), 0, self.width, False
        lead = head.runs
        for start, end, command in commands_apart(body.plain, room, self.width):
            if command:
                self._emit(body.between(start, end), within=True)
                lead = [(" " * indent, "")]
                continue
            part = Text()
            part.runs = body.between(start, end)
            if not part.plain.strip():
                continue
            for line in wrap(part, room, overflow="fold_figures", said=said):
                self._emit([*lead, *line])
                lead = [(" " * indent, "")]

    def rule(self, title: str, style: str = "") -> None:
        self._emit(rule(title, self.width, style))

    def table(self, table: TextTable) -> None:
        for line in table.lines(self.width):
            self._emit(line, within=True)

    def _emit(self, line: Line, within: bool = False) -> None:
        if not within and line_cells(line) > self.width:
            line = crop(line, self.width)
        line = _without_trailing_spaces(line)
        if self.styled:
            self._out.append("".join(self._paint(text, style) for text, style in line) + "\n")
        else:
            self._out.append("".join((text for text, _ in line)) + "\n")

    def _paint(self, text: str, style: str) -> str:
        if not style or not self.styled or not text:
            return text
        words = style.split()
        codes = [_SGR[w] for w in words if w in _SGR and (self.colour or w not in _COLOURS)]
        return f"\x1b[{';'.join(codes)}m{text}\x1b[0m" if codes else text

    def flush(self) -> None:
        self.file.write("".join(self._out).replace(NO_BREAK, " "))
        self._out.clear()
        self.file.flush()
