"""Bordered tables for a terminal, measured in cells (report/text_layout.py's lines).

A column gets the width its longest line needs. When the table is wider than
the terminal, the widest columns that may wrap give way first, down to the
next widest, in turn. A word longer than its column is folded (``fold``) or
cut with … (``ellipsis``). Where rich, which laid the report out before, would
then cut a figure (a column that may not wrap) or push the table past the
right edge, the table is squeezed instead: text columns narrower still, then
headings wrapped over their figures; and when even that does not fit, each
row is printed as lines of its own, "heading: value", so a figure is never
cut. The borders are rich's heavy-headed ones, line for line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from okrdesk.report.text_layout import (
    Justify,
    Line,
    Overflow,
    Text,
    as_text,
    cell_width,
    char_cells,
    crop,
    line_cells,
    wrap,
    wrap_words,
)

if TYPE_CHECKING:  # a name for type checks only: building a TypedDict costs every start
    from typing import TypedDict, Unpack

    class ColumnOptions(TypedDict, total=False):
        justify: Justify
        no_wrap: bool
        overflow: Overflow
        """What a word too long for the column becomes (``Overflow``)."""
        min_width: int | None
        footer: str


class _Column:
    __slots__ = ("footer", "header", "justify", "min_width", "no_wrap", "overflow")

    def __init__(self, header: str, options: ColumnOptions) -> None:
        self.header = header
        self.justify: Justify = options.get("justify", "left")
        self.no_wrap = options.get("no_wrap", False)
        self.overflow: Overflow = options.get("overflow", "ellipsis")
        self.min_width = options.get("min_width")
        self.footer = options.get("footer", "")


_PADDING = 2
"""One space each side of every cell."""

_NARROWEST_TEXT = 4
"""The fewest cells a text column is squeezed to (two Chinese characters a line)."""


class _Measure:
    __slots__ = ("longest_cell_word", "longest_word", "widest", "widest_cell")

    def __init__(
        self, widest: int, widest_cell: int, longest_word: int, longest_cell_word: int
    ) -> None:
        self.widest = widest
        """The column's widest line, heading and footer included."""
        self.widest_cell = widest_cell
        """Its widest line below the heading."""
        self.longest_word = longest_word
        """Its longest word, heading included; measured only where a column is held to it
        (``_held_to_words``), 0 elsewhere."""
        self.longest_cell_word = longest_cell_word


def _widest_line(text: str) -> int:
    lines = text.splitlines()
    return max(map(cell_width, lines)) if lines else 0


def _english_heading(column: _Column) -> int:
    """Cells of the longest English word of ``column``'s heading, or of as much of a
    Chinese word of it as leaves no character alone on a line (``_chinese_heading``)."""
    return max(
        (cell_width(w) if w.isascii() else _chinese_heading(w) for w in wrap_words(column.header)),
        default=0,
    )


def _chinese_heading(word: str) -> int:
    """Cells of the fewest characters a line of ``word``, a heading's word in Chinese,
    may hold with none left alone on a line of its own (落后项 whole, never ``落后`` above
    ``项``, nor at 36 columns ``落`` / ``后`` / ``项``; 综合得分 two a line); 0 for a word
    with anything but Chinese in it."""
    if not all(char_cells(c) == 2 for c in word):
        return 0
    count = len(word)
    least = next((n for n in range(2, count) if count % n != 1), count)
    return 2 * least


def _held_to_words(column: _Column) -> bool:
    """Whether a column is laid out by its longest word: one that wraps and ends a word
    too long for it with …; one that does not wrap is held to its widest line, one that
    folds to a few cells (``_cuts``, ``_squeezed``)."""
    return column.overflow == "ellipsis" and not column.no_wrap


class TextTable:
    """A table with a heavy rule under its header, as rich's default box draws it."""

    def __init__(
        self, title: str = "", caption: str = "", show_footer: bool = False, colon: str = ": "
    ) -> None:
        self.title, self.caption, self.show_footer = title, caption, show_footer
        self.colon = colon
        """What a stacked row's heading is followed by before its value: ``messages``'
        colon of the table's language ("实际：40.27亿", "Actual: CNY 4,027m")."""
        self.columns: list[_Column] = []
        self.rows: list[list[Text]] = []
        self.sections: set[int] = set()
        self.notes: dict[int, list[Text]] = {}
        """Row index → lines written across the whole table under that row."""
        self._measured: tuple[tuple[int, int], list[_Measure]] = ((-1, -1), [])
        self.stacked_past = 0
        """With more than 0: the rows are stacked where a text of the first column would
        take more than this many of its lines (a key result's title of 40 letters over
        five lines beside its figures at 53 columns), each row's first cell then across
        the width."""

    def add_column(self, header: str, **options: Unpack[ColumnOptions]) -> None:
        self.columns.append(_Column(header, options))

    def add_row(self, *row: str | Text) -> None:
        texts = [as_text(cell) for cell in row]
        self.rows.append(texts + [Text() for _ in range(len(self.columns) - len(texts))])

    def add_note(self, *lines: str | Text) -> None:
        """Lines about the last row added, each written across the whole table under
        it (indented), not in one narrow column: they take no part in the columns'
        widths."""
        if self.rows and lines:
            self.notes.setdefault(len(self.rows) - 1, []).extend(map(as_text, lines))

    def add_section(self) -> None:
        """A rule after the last row added."""
        if self.rows:
            self.sections.add(len(self.rows) - 1)

    def _measures(self) -> list[_Measure]:
        """Each column's widest line and longest word, heading and footer included
        or not; measured once the rows are in."""
        key = (len(self.rows), len(self.columns))
        if self._measured[0] != key:
            measures = []
            for index, column in enumerate(self.columns):
                body = [row[index].plain for row in self.rows]
                if self.show_footer:
                    body.append(column.footer)
                lines = max(map(_widest_line, body), default=0)
                words = head_words = 0
                if _held_to_words(column):
                    words = max(
                        (cell_width(w) for text in body for w in wrap_words(text)), default=0
                    )
                    head_words = max(map(cell_width, wrap_words(column.header)), default=0)
                measures.append(_Measure(
                    max(lines, _widest_line(column.header)), lines,
                    max(words, head_words), words,
                ))  # fmt: skip
            self._measured = (key, measures)
        return self._measured[1]

    @staticmethod
    def _fitted(widest: int, column: _Column, limit: int) -> int:
        """How wide the column is within ``limit`` cells, padding included."""
        if limit < 1:
            return 0
        width = limit if limit - _PADDING < 1 else min(widest + _PADDING, limit)
        if column.min_width is not None:
            width = max(width, column.min_width + _PADDING)
        return width

    def _natural_widths(self, width: int) -> list[int]:
        """The widths rich gave the columns: wrappable ones narrowed widest first; if
        that is not enough, every column by the same share (cutting what may not wrap)."""
        limit = width - len(self.columns) - 1
        widest = [measure.widest for measure in self._measures()]
        widths = [
            self._fitted(w, column, limit) or 1
            for w, column in zip(widest, self.columns, strict=True)
        ]
        if sum(widths) > limit:
            wrappable = [not column.no_wrap for column in self.columns]
            widths = _collapse(widths, wrappable, limit)
            if sum(widths) > limit:
                widths = _reduce(sum(widths) - limit, [1] * len(widths), widths, widths)
            widths = [
                self._fitted(most, column, w)
                for most, column, w in zip(widest, self.columns, widths, strict=True)
            ]
        return widths

    def _cuts(self, widths: list[int], width: int) -> bool:
        """Whether ``widths`` run past ``width`` or cut a cell that may not wrap (or
        a word of a column that cuts its words) with …, or leave a text column
        too narrow to read."""
        if sum(widths) + len(widths) + 1 > width:
            return True
        for column, measure, room in zip(self.columns, self._measures(), widths, strict=True):
            if column.no_wrap:
                needed = measure.widest
            elif _held_to_words(column):
                needed = measure.longest_word
            else:
                needed = min(measure.widest, _NARROWEST_TEXT)
            if room - _PADDING < needed:
                return True
        return False

    def _squeezed(self, width: int) -> list[int] | None:
        """Widths that fit ``width`` with every figure whole: text columns wrap
        narrower, then figures' headings wrap over their figures; None when even
        that does not fit."""
        limit = width - len(self.columns) - 1
        widths, floors = [], []
        for column, measure in zip(self.columns, self._measures(), strict=True):
            if column.no_wrap:
                floor = measure.widest_cell
            elif _held_to_words(column):
                floor = measure.longest_cell_word
            else:
                floor = min(measure.widest, _NARROWEST_TEXT)
            widths.append(measure.widest + _PADDING)
            floors.append(max(floor, 1) + _PADDING)
        if sum(floors) > limit:
            return None
        # A text column's own least width where every column's least still fits: room
        # for its longest id, and for its heading's longest word, else for its id and an
        # English heading's words alone (folded, "Status" read "Statu" above "s").
        # The other text columns wrap first (a status over two lines): an id is never
        # folded where a cell more of them would have held it.
        for headed in (True, False):
            kept = [
                max(floor, _english_heading(column) + _PADDING)  # "Off" above "track"
                if column.no_wrap
                else max(
                    floor,
                    (column.min_width or 0) + _PADDING,
                    measure.longest_word + _PADDING if headed and _held_to_words(column) else 0,
                    _english_heading(column) + _PADDING if _held_to_words(column) else 0,
                )
                for column, measure, floor in zip(
                    self.columns, self._measures(), floors, strict=True
                )
            ]
            if sum(kept) <= limit:
                floors = kept
                break
        else:
            # Not even every id whole (a budget line's ``compliance-system`` beside four
            # amounts at 60 columns): folded, it read as two ids; the rows are stacked.
            return None
        for narrower in (lambda c: not c.no_wrap, lambda c: c.no_wrap):
            chosen = [i for i, c in enumerate(self.columns) if narrower(c)]
            while sum(widths) > limit:
                room = [i for i in chosen if widths[i] > floors[i]]
                if not room:
                    break
                widths[max(room, key=lambda i: widths[i])] -= 1
        return widths

    def widths(self, width: int) -> list[int] | None:
        """Each column's width, padding included, in a terminal ``width`` cells wide:
        as rich laid them out when that cuts nothing, else squeezed so every figure
        stays whole; None when no column layout fits (the rows are then stacked)."""
        return self._layout(width)[0]

    def _layout(self, width: int) -> tuple[list[int] | None, bool]:
        widths = self._natural_widths(width)
        if not self._cuts(widths, width):
            return widths, False
        return self._squeezed(width), True

    def fits(self, width: int) -> bool:
        """Whether the table fits ``width`` as it is, nothing squeezed or stacked."""
        return not self._cuts(self._natural_widths(width), width)

    def lines(self, width: int) -> list[Line]:
        """The table's lines, none wider than ``width`` cells."""
        if not self.columns:
            return [[]]
        if not self.rows and not self.show_footer:
            # No row to draw a grid around: the title and caption say it all.
            return [
                *(wrap(Text(self.title, "italic"), width) if self.title else []),
                *(wrap(Text(self.caption, "dim italic"), width) if self.caption else []),
            ]
        widths, squeezed = self._layout(width)
        if widths is None or (self.stacked_past and self._first_wraps_past(widths[0] - _PADDING)):
            return self._stacked(width)
        total = sum(widths) + len(widths) + 1
        out: list[Line] = []
        if self.title:
            out += wrap(Text(self.title, "italic"), total, justify="left")
        out.append([(_border("┏", "━", "┳", "┓", widths), "")])
        headers = [Text(c.header, "bold") for c in self.columns]
        columns = self.columns
        if squeezed:  # a heading wider than its figures wraps over them
            columns = [
                _Column(c.header, {"justify": c.justify, "overflow": _folding(c.overflow)})
                for c in columns
            ]
        out += self._row(headers, widths, "┃", "bottom", columns)
        out.append([(_border("┡", "━", "╇", "┩", widths), "")])
        for index, row in enumerate(self.rows):
            out += self._row(row, widths, "│", "top")
            for note in self.notes.get(index, ()):
                out += _across(note, total)
            last = index == len(self.rows) - 1
            if index in self.sections and not last:
                out.append([(_border("├", "─", "┼", "┤", widths), "")])
        if self.show_footer:
            out.append([(_border("├", "─", "┼", "┤", widths), "")])
            footer = [Text(c.footer, "bold") for c in self.columns]
            out += self._row(footer, widths, "│", "top")
        out.append([(_border("└", "─", "┴", "┘", widths), "")])
        if self.caption:
            out += wrap(Text(self.caption, "dim italic"), total, justify="left")
        return out

    def _first_wraps_past(self, inner: int) -> bool:
        """Whether a text of the first column, ``inner`` cells wide, takes more than
        ``stacked_past`` lines, wrapped as the column wraps it."""
        most = self.stacked_past
        if self._measures()[0].widest_cell <= inner:
            return False
        overflow = self.columns[0].overflow
        return any(
            cell_width(row[0].plain) > inner and len(wrap(row[0], inner, overflow=overflow)) > most
            for row in self.rows
        )

    def _stacked(self, width: int) -> list[Line]:
        """Too narrow for columns: each row's first cell on a line of its own, then
        each of its other cells under it as "heading: value" ("标题：值" in Chinese)."""
        out: list[Line] = []
        # The title and caption as wide as the rules between the rows, as a table's are
        # as wide as its box: the objective's heading, alone unpadded, broke the edge.
        if self.title:
            out += wrap(Text(self.title, "italic"), width, justify="left")
        rows = [*self.rows]
        if self.show_footer:
            rows.append([Text(c.footer, "bold") for c in self.columns])
        for index, row in enumerate(rows):
            out.append([("─" * width, "")])
            lead, cells = row[0], list(zip(self.columns[1:], row[1:], strict=True))
            if cells and _a_rank(lead):
                # "1  机构业务部 (inst) ⚑", not "1" alone above "Member: 机构业务部 (inst) ⚑"; a
                # row with no rank (a section's "People, ranked") is its name alone.
                named = cells.pop(0)[1]
                lead = Text()
                lead.runs = [*row[0].runs, ("  ", "")] if row[0].plain.strip() else []
                lead.runs += named.runs
            # Each line as wide as the rules between the rows, as the title's and caption's
            # are: a ranked row ("1  机构业务部 (inst) ⚑") ended short of them.
            lines = wrap(lead, width, overflow="fold_figures")  # a title as its column folds it
            for column, cell in cells:
                if cell.plain.strip():
                    shown = Text(f"  {column.header}{self.colon}")
                    shown.runs += cell.runs
                    lines += wrap(shown, width)
            for note in self.notes.get(index, ()):
                lines += [[(_NOTE_INDENT, ""), *line] for line in wrap(note, width - _NOTED)]
            out += [_padded(line, width) for line in lines]
        out.append([("─" * width, "")])
        if self.caption:
            out += wrap(Text(self.caption, "dim italic"), width, justify="left")
        return out

    def _row(
        self,
        row: Sequence[Text],
        widths: list[int],
        bar: str,
        align: str,
        columns: Sequence[_Column] | None = None,
    ) -> list[Line]:
        columns = columns or self.columns
        rendered = [
            _cell_lines(text, w, column)
            for text, w, column in zip(row, widths, columns, strict=True)
        ]
        height = max(len(c) for c in rendered)
        for c, w in zip(rendered, widths, strict=True):
            blank: Line = [(" " * w, "")]
            if align == "bottom":
                c[:0] = [blank] * (height - len(c))
            else:
                c += [blank] * (height - len(c))
        lines: list[Line] = []
        for number in range(height):
            line: Line = [(bar, "")]
            for c in rendered:
                line += c[number]
                line.append((bar, ""))
            lines.append(line)
        return lines


def _padded(line: Line, width: int) -> Line:
    """``line`` with spaces after it to ``width`` cells, where it is shorter."""
    room = width - line_cells(line)
    return [*line, (" " * room, "")] if room > 0 else line


def _a_rank(cell: Text) -> bool:
    """Whether a row's first cell is a rank (a whole number, or — for none) or empty, so
    that a stacked row leads with it and the name beside it."""
    rank = cell.plain.strip()
    return rank in ("", "—") or (rank.isascii() and rank.isdigit())


_NOTE_INDENT = "  "
_NOTED = len(_NOTE_INDENT)


def _across(note: Text, total: int) -> list[Line]:
    """A note's lines across a table ``total`` cells wide, inside its outer bars."""
    inner = total - 2 - _PADDING - _NOTED
    if inner < 1:
        return []
    out: list[Line] = []
    for line in wrap(note, inner, justify="left"):
        if line_cells(line) > inner:
            line = crop(line, inner)
        room = inner - line_cells(line)
        out.append([("│ " + _NOTE_INDENT, ""), *line, (" " * room + " │", "")])
    return out


def _cell_lines(text: Text, width: int, column: _Column) -> list[Line]:
    inner = width - _PADDING
    if inner < 1:
        return [[(" " * width, "")]]
    if len(text.runs) == 1:
        plain, style = text.runs[0]
        size = cell_width(plain)
        if size <= inner and "\n" not in plain:
            # One line that fits: nothing to wrap or cut.
            if column.justify == "right":
                plain = plain.rstrip()
                return [[(" " * (inner - cell_width(plain) + 1), ""), (plain, style), (" ", "")]]
            return [[(" ", ""), (plain, style), (" " * (inner - size + 1), "")]]
    lines = wrap(
        text, inner, justify=column.justify, overflow=column.overflow, no_wrap=column.no_wrap
    )
    out: list[Line] = []
    for line in lines:
        size = line_cells(line)
        if size > inner:
            line = crop(line, inner)
        elif size < inner:
            line = [*line, (" " * (inner - size), "")]
        out.append([(" ", ""), *line, (" ", "")])
    return out


def _folding(overflow: Overflow) -> Overflow:
    """How a column stacked under its row folds: as it does, if it folds at all."""
    return "fold_figures" if overflow == "fold_figures" else "fold"


def _border(left: str, fill: str, cross: str, right: str, widths: Iterable[int]) -> str:
    return left + cross.join(fill * w for w in widths) + right


def _reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """Take ``total`` off ``values`` in proportion to ``ratios``, at most ``maximums``."""
    ratios = [ratio if most else 0 for ratio, most in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result = []
    for ratio, most, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            taken = min(most, round(ratio * remaining / total_ratio))
            result.append(value - taken)
            remaining -= taken
            total_ratio -= ratio
        else:
            result.append(value)
    return result


def _collapse(widths: list[int], wrappable: list[bool], limit: int) -> list[int]:
    """Narrow the widest wrappable columns, down to the next widest in turn, until
    the table fits ``limit`` or they are all as narrow as each other."""
    excess = sum(widths) - limit
    if not any(wrappable):
        return widths
    while sum(widths) and excess > 0:
        widest = max(w for w, ok in zip(widths, wrappable, strict=True) if ok)
        next_widest = max(
            w if ok and w != widest else 0 for w, ok in zip(widths, wrappable, strict=True)
        )
        step = widest - next_widest
        ratios = [1 if (w == widest and ok) else 0 for w, ok in zip(widths, wrappable, strict=True)]
        if not any(ratios) or not step:
            break
        widths = _reduce(excess, ratios, [min(excess, step)] * len(widths), widths)
        excess = sum(widths) - limit
    return widths
