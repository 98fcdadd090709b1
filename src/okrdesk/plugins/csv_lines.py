"""The blank lines of a text file that DuckDB's CSV reader does not read as a spreadsheet
shows them.

DuckDB skips a line with nothing on it, where a spreadsheet counts it as a row. A line
holding only spaces or a tab (Excel exports and hand-edited files have them) is worse:
its sniffer then finds one column in the whole file. A line of delimiters alone (``,,,``,
as Excel saves a row it thinks used) DuckDB reads as a row of empty cells, which
``count(*)`` would count. Blank lines before the header make it read the header as a row
of data. ``lines_found`` looks for them in one pass over the bytes (the usual file has
none, and costs next to nothing more); ``blank_lines`` then places them among the file's
rows, reading it as CSV, so that a quoted cell's empty line is not taken for one. The
same pass counts the file's double quotes: an odd count is a quote opened and never
closed for sure (``unclosed_quote`` then finds it); two left open make an even count,
which only a file with a quote at all can hold (``sql_files`` looks for their signs in
the cells read before ``unclosed_quote`` reads the file again).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

_CHUNK = 1 << 20
_PEEKED = 4096
"""Bytes of a file's start in which a \r with no \n says its lines end in \r alone."""
_BOM = b"\xef\xbb\xbf"
_NOTHING = rb"(?:[ \t,;|]|\xe3\x80\x80)"  # U+3000, the full-width space, in UTF-8
"""What a line blank to a spreadsheet may hold: spaces, tabs and delimiters (``,,,``)."""
_BLANK = re.compile(rb"\n(" + _NOTHING + rb"*)\r?(?=\n)")
"""A blank line, from the line break before it; the one ending it is left to begin the
next (an empty line right above a line of spaces)."""
_BLANK_BEGUN = re.compile(rb"\n[\n\r \t,;|\xe3]")
"""Where a ``_BLANK`` line may begin: a text with none of these holds none, found in a
third of the time of trying ``_BLANK`` at every line's start."""
_SPACES_ONLY = re.compile(_NOTHING + rb"*\r?\n?")
_MAYBE_SPACES = re.compile(rb"[ \t,;|\r\xe3\x80]*")
"""A line's start that may still become a blank line in the next block (a full-width
space can be cut between blocks)."""


@attrs.frozen
class Lines:
    """What ``lines_found`` found in a text file, past the lines ``skip`` passes over."""

    leading: int = 0
    """Blank lines, or lines of spaces, before the first filled line (the header)."""
    empty: bool = False
    """Whether a line after it has nothing on it."""
    spaces: bool = False
    """Whether a line after it holds only spaces, tabs or delimiters (``,,,``), which
    DuckDB reads as a row."""
    filled: bool = True
    """Whether the file has a filled line at all."""
    quoted: bool = False
    """Whether the file holds a double quote from its header on: one may be opened and
    never closed (``unclosed_quote``)."""
    odd_quotes: bool = False
    """Whether it holds an odd count of them: one is, for sure."""
    quote_marks: bool = False
    """Whether it holds, from its header on, a mark DuckDB's sniffer tries as a quote or
    an escape (``"``, ``'``, ``\\``): a file without one is read the same whichever it
    takes."""

    @property
    def blank(self) -> bool:
        return self.empty or self.spaces


def opened(path: Path) -> Any:
    """``path`` opened to read its bytes, a ``.gz`` file's uncompressed."""
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")


def _blank(line: bytes) -> bool:
    return _SPACES_ONLY.fullmatch(line) is not None


class _EndedInCr(io.RawIOBase):
    """A file whose lines end in \r alone (Excel for Mac's CSV), read as if they ended
    in \n."""

    def __init__(self, file: Any) -> None:
        self._file = file

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._file.read(len(buffer)).replace(b"\r", b"\n")
        buffer[: len(data)] = data
        return len(data)


def lines_found(path: Path, skip: int) -> Lines:
    """The blank lines of the UTF-8 text file ``path``, past its first ``skip`` lines,
    and whether it holds a double quote: one pass over its bytes."""
    with opened(path) as opened_file:
        start = opened_file.peek(_PEEKED)[:_PEEKED]
        ended_in_cr = b"\r" in start and b"\n" not in start
        file = io.BufferedReader(_EndedInCr(opened_file)) if ended_in_cr else opened_file
        for _ in range(skip):
            if not file.readline():
                return Lines(filled=False)
        leading = 0
        # At most a block: a file whose lines end in \r alone (Excel for Mac's CSV) is one
        # line to readline.
        line = file.readline(_CHUNK)
        line = line.removeprefix(_BOM) if skip == 0 else line
        while line and _blank(line):
            leading += 1
            line = file.readline(_CHUNK)
        if not line:
            return Lines(leading=leading, filled=False)
        empty = spaces = False
        quotes = line.count(b'"')
        marks = b"'" in line or b"\\" in line
        tail = b"\n" if line.endswith(b"\n") else line
        plain = file is opened_file and not path.name.lower().endswith(".gz")
        ending = _rows_ending(path, line) if plain else math.inf
        offset = file.tell() if plain else 0
        while block := file.read(_CHUNK):
            if b'"' in block:  # a search for one byte costs a twentieth of a count of them
                quotes += block.count(b'"')
            if not marks:
                marks = b"'" in block or b"\\" in block
            offset += len(block)
            if empty and spaces:
                continue
            text = tail + block
            begins = offset - len(text) + 1  # where a match's line begins, less its start
            for match in _BLANK.finditer(text) if _BLANK_BEGUN.search(text) else ():
                if begins + match.start() >= ending:
                    break
                if match.group(1):
                    spaces = True
                else:
                    empty = True
                if empty and spaces:
                    break
            start = text.rfind(b"\n")
            rest = text[start + 1 :] if start >= 0 else b"?"
            tail = text[start:] if _MAYBE_SPACES.fullmatch(rest) else b""
        # A last line of spaces without a line break: DuckDB reads it as a row.
        last = tail[1:] if tail.startswith(b"\n") else b""
        if last.strip(b"\r\n") and _blank(last) and ending == math.inf:
            spaces = True
    return Lines(
        leading=leading, empty=empty, spaces=spaces, quoted=quotes > 0, odd_quotes=quotes % 2 == 1,
        quote_marks=quotes > 0 or marks,
    )  # fmt: skip


def marks_held(path: Path, marks: tuple[str, ...]) -> frozenset[str]:
    """Which of ``marks`` the UTF-8 text file ``path`` holds anywhere: a cell read from it
    can hold no other. One pass over its bytes, a search for each mark a block."""
    codes = {mark: mark.encode() for mark in marks}
    longest = max((len(code) for code in codes.values()), default=1)
    found: set[str] = set()
    with opened(path) as file:
        tail = b""
        while len(found) < len(codes) and (block := file.read(_CHUNK)):
            text = tail + block
            # A byte is searched for many times faster than a character of three: where
            # its first byte is nowhere (a file of ASCII), no ％ is either.
            found.update(
                mark
                for mark, code in codes.items()
                if mark not in found and code[:1] in text and code in text
            )
            tail = text[-(longest - 1) :] if longest > 1 else b""  # a mark cut between blocks
    return frozenset(found)


_ENDING = 64 << 10
"""Bytes of a file's end looked at for the rows of delimiters alone that end it."""
_DELIMITER_BYTES = (b",", b";", b"\t", b"|")


def _rows_ending(path: Path, header: bytes) -> float:
    """Where the lines begin that end the plain text file ``path`` (its ``header`` line
    first) and that need no look among its rows: empty lines, which DuckDB skips, and rows
    of delimiters alone as many as the header's (``,,,``, as Excel saves the rows below
    the data it thinks used), which it reads as rows of empty cells, left out as rows of
    no cell filled at a file's end are (``sql_files``). Infinity where there are none."""
    with path.open("rb") as file:
        size = file.seek(0, 2)
        file.seek(max(0, size - _ENDING))
        lines = file.read().split(b"\n")
    if size > _ENDING:
        lines = lines[1:]  # the first may be the end of a longer line
    begins = size
    for number, line in enumerate(reversed(lines)):
        if not _no_row(line.removesuffix(b"\r"), header):
            break
        begins -= len(line) + (number > 0)  # each line but the last ends in \n
    return begins if begins < size else math.inf


def _no_row(line: bytes, header: bytes) -> bool:
    """Whether ``line`` is empty, or of one delimiter alone, as many as the ``header``
    line has."""
    first = line[:1]
    return not line or (
        first in _DELIMITER_BYTES and line.count(first) == len(line) == header.count(first)
    )


@attrs.frozen
class BlankLines:
    """What ``blank_lines`` found."""

    before: tuple[int, ...]
    """The rowids before which the file has a blank line (one entry a line), a table's
    rowids once its rows of spaces are taken out."""
    spaced: tuple[int, ...]
    """The rowids of the blank rows DuckDB read, each a line that holds only spaces, tabs
    or delimiters (``,,,``)."""
    misfit: tuple[int, int] | None = None
    """The first row, no blank line, with more or fewer cells than the file's columns (a
    row of delimiters alone with more is one): its place among the rows (0 is the first,
    blank lines counted) and its cells."""


def blank_lines(path: Path, delimiter: str, skip: int, header: bool, width: int) -> BlankLines:
    """The blank lines of the UTF-8 text file ``path`` of ``width`` columns, read as
    DuckDB reads it (``skip`` lines passed over, then a header row if ``header``). A line
    break inside a quoted cell is no blank line: the cell is one row."""
    found: list[int] = []
    spaced: list[int] = []
    misfit = None
    with opened(path) as raw, io.TextIOWrapper(raw, "utf-8-sig", newline="") as text:
        for _ in range(skip):
            text.readline()
        records = csv.reader(text, delimiter=delimiter)
        if header:
            next(records, None)
        rowid = read = 0
        for number, record in enumerate(records):
            if not record:
                found.append(rowid)  # DuckDB skips it
            elif not "".join(record).strip() and len(record) <= width:
                found.append(rowid)
                spaced.append(read)
                read += 1
            else:
                if len(record) != width and misfit is None:
                    misfit = (number, len(record))
                rowid += 1
                read += 1
    return BlankLines(tuple(found), tuple(spaced), misfit)


@attrs.frozen
class Unclosed:
    """A quote opened in a row of a text file and never closed."""

    row: int
    """The row's place among the file's rows (0 is the first, blank lines counted)."""
    swallowed: bool
    """Whether lines after the row's own were read into its cell."""


def unclosed_quote(
    path: Path, delimiter: str, skip: int, encoding: str = "utf-8-sig"
) -> Unclosed | None:
    """The first row of the text file ``path``, past its first ``skip`` lines, in which a
    quote is opened and never closed, read as DuckDB reads one (a quote at a cell's start
    opens it; one inside a cell is a character of it); None where every quote is closed.

    A quote left open reads the lines after it into its cell until the next quote. At
    the file's end still inside the cell, it is the last one left open (an odd count of
    quotes). Two left open close each other, an even count: the second then has the rest
    of its cell after it (``"300``), or, ending a line, leaves a cell holding rows of the
    file (``_rows_inside``). A note's line breaks, a
    doubled quote ("") and a quote inside a cell (5" monitor) are none of these."""
    limit = csv.field_size_limit()
    with opened(path) as raw, io.TextIOWrapper(raw, encoding, newline="") as text:
        for _ in range(skip):
            text.readline()
        read = [0, 0]  # characters read, and whether every line is
        records = csv.reader(_counted(text, read), delimiter=delimiter, strict=True)
        width = 0
        number = 0
        while True:
            start, characters = records.line_num, read[0]
            try:
                record = next(records)
            except StopIteration:
                return None
            except csv.Error:
                # At the file's end inside a quoted cell; past the longest cell the reader
                # takes, which only a quote left open reads (a cell of 128k characters); or
                # at a closing quote with more of its cell after it, lines after its start
                # (on its own line, it is a cell such as "5" monitor, not a quote left open).
                swallowed = records.line_num > start + 1
                if read[1] or read[0] - characters > limit or swallowed:
                    return Unclosed(number, swallowed)
            else:
                if not width:
                    width = len(record)  # the header, or the first row
                elif records.line_num > start + 1 and _rows_inside(record, delimiter, width):
                    return Unclosed(number, True)
            number += 1


def _rows_inside(record: list[str], delimiter: str, width: int) -> bool:
    """Whether a cell of ``record`` holds, past its first line, a line that reads as a row
    of the file: as many delimiters as a row of ``width`` cells, something between them,
    and most of its cells shaped as the record's own beside them (cm02 as cm01, 2026-03-06
    as 2026-03-05, 200.5 as 100): rows read into it by a quote left open. A note written
    over lines holds none (a line of delimiters alone, ``,,,``, or of addresses,
    广东省,深圳市,福田区,益田路)."""
    if width < 2:
        return False
    for at, cell in enumerate(record):
        lines = cell.splitlines()[1:]
        if not lines:
            continue
        beside = [(n, _shape(c)) for n, c in enumerate(record) if n != at and c.strip()]
        for line in lines:
            if line.count(delimiter) < width - 1 or not line.replace(delimiter, "").strip():
                continue
            cells = line.split(delimiter)
            alike = [shape == _shape(cells[n]) for n, shape in beside if n < len(cells)]
            if alike and 2 * sum(alike) > len(alike):
                return True
    return False


def _shape(cell: str) -> str:
    """The kinds of characters a cell is written in, each run of one kind once: a number
    is 9 (100, 1,234.5), a word of Latin letters a, of Chinese characters 汉, anything
    else itself: cm01 is a9, 2026-03-05 is 9-9-9, 刘洋 is 汉."""
    kinds: list[str] = []
    for char in _NUMBER_IN_CELL.sub("9", cell.strip()):
        kind = "a" if char.isascii() and char.isalpha() else char
        kind = "汉" if "\u4e00" <= char <= "\u9fff" else kind
        if not kinds or kinds[-1] != kind:
            kinds.append(kind)
    return "".join(kinds)


_NUMBER_IN_CELL = re.compile(r"\d+(?:[.,]\d+)*")


def _counted(lines: Iterator[str], read: list[int]) -> Iterator[str]:
    for line in lines:
        read[0] += len(line)
        yield line
    read[1] = 1


@attrs.frozen
class MixedEnds:
    """A line of a text file ended otherwise than its first line."""

    line: int
    """The line (the first is 1)."""
    ends: str
    """How it ends: ``\\r\\n``, ``\\n`` or ``\\r``."""
    first: str
    """How the first line ends."""


def line_ends_mixed(path: Path, delimiter: str, encoding: str = "utf-8-sig") -> MixedEnds | None:
    """The first line of the text file ``path`` that ends a row otherwise than its first
    line (``\\r\\n`` against ``\\n``), which DuckDB's sniffer reads no file with; None
    where every row ends alike. A line break inside a quoted cell ends no row: Excel
    writes a note's line breaks as \\n in a file whose rows end in \\r\\n."""
    last = [""]
    with opened(path) as raw, io.TextIOWrapper(raw, encoding, newline="") as text:
        records = csv.reader(_last_kept(text, last), delimiter=delimiter)
        first = None
        while True:
            try:
                next(records)
            except (StopIteration, csv.Error):
                return None
            line = last[0]
            if not line.endswith(("\n", "\r")):
                return None  # the last line, with no line break
            ends = "\\r\\n" if line.endswith("\r\n") else "\\n" if line.endswith("\n") else "\\r"
            if first is None:
                first = ends
            elif ends != first:
                return MixedEnds(records.line_num, ends, first)


def _last_kept(lines: Iterator[str], last: list[str]) -> Iterator[str]:
    for line in lines:
        last[0] = line
        yield line
