"""Where a plugin's own ``csv`` reader was in a file it opened itself when it failed.

A plugin reading its export with ``open()`` and ``csv.reader`` or ``csv.DictReader``
(not okrdesk's ``decoded_lines``, which notes each line it hands over) failed on a bad
row with Python's words and its own line of code alone: ``InvalidOperation`` and
``(at okrdesk_margin/__init__.py:41)``, nothing of the row to mend.

The failure's traceback still holds the plugin's frames. Where a frame keeps its reader
in a variable (``rows = csv.DictReader(file)``), the reader tells the iterator it reads
(found among the objects it refers to, ``gc.get_referents``, not guessed from names)
and how many lines it has read from it, ``line_num``: where that iterator is a file
with a name, the file and line are told as ``decoded_lines`` tells them.

A reader made in the loop itself (``for row in csv.DictReader(file)``) is gone by then,
with its count of lines; the file (closed by the ``with`` it was opened in) and ``row``
stay in the frame. Where the frame failed in the body of ``for row in …`` and ``row``
is a row of text cells, it is the row the loop was on: the file is read again, and
where its first line is ``row``'s columns and exactly one later line holds its cells,
that line is told (``row_found_again``). A row written twice, columns the reader was
given (``fieldnames=``) or a row the plugin changed name no line: the file is named,
with ``decoded_lines`` as the way to have the line named. A frame holding two readers,
or two files, names none.
"""

from __future__ import annotations

import ast
import csv
import gc
import io
import linecache
import os
from collections.abc import Iterator, Mapping
from types import FrameType, TracebackType
from typing import Any

from okrdesk.errors import Said
from okrdesk.plugins.lines_read import Reading, shown_from

_READER = type(csv.reader([]))


def csv_reading(error: BaseException) -> Reading | None:
    """The file and line the plugin's own csv reader had reached when ``error`` was
    raised, as ``decoded_lines`` notes them (with a ``DictReader``'s columns, and the
    row it handed over last where a frame holds it); None where no frame of the error
    holds exactly one reader reading a named file, or for an error in decoding the
    file, which is raised before the reader counts the line it is on."""
    if isinstance(error, UnicodeError):
        return None
    for frame in _frames(error.__traceback__):
        found = {id(r): r for r in (_reader_of(v) for v in _locals(frame)) if r is not None}
        if not found:
            continue
        if len(found) > 1:
            return None
        return _reading(next(iter(found.values())), frame)
    return None


ROW_ERRORS = (ValueError, ArithmeticError, LookupError, TypeError, csv.Error)
"""What a row the plugin cannot read raises (``UnicodeDecodeError`` is a ValueError):
a failure of another kind is not taken for a row's."""


def opened_itself(error: BaseException, workspace: os.PathLike[str] | str) -> Said:
    """What to add to a row's failure (``ROW_ERRORS``) in a plugin frame that opened one
    text file itself, where no reader says the line (``csv_reading``): which file, that
    the line is not known, and ``decoded_lines`` as the way to have it named; empty
    words where no frame of the plugin holds exactly one file with a name."""
    if not isinstance(error, ROW_ERRORS):
        return Said("", "")
    for frame in _frames(error.__traceback__):
        files = {id(v): v for v in _locals(frame) if isinstance(v, io.TextIOBase)}
        names = [n for n in map(_file_name, files.values()) if n is not None]
        if not files:
            continue
        if len(names) != 1 or len(files) != 1:
            return Said("", "")
        shown = shown_from(names[0], workspace)
        if isinstance(error, UnicodeDecodeError):
            why = (
                "its bytes are not in the encoding it was opened with",
                "其字节不是打开时所用的编码",
            )
        else:
            why = ("okrdesk cannot see which line", "okrdesk 看不到是哪一行")
        return Said(
            f", reading {shown}, which the plugin opened itself: {why[0]}; read it through "
            "okrdesk.plugins.decoded_lines, which has okrdesk name the line (docs/plugins.md, "
            '"Reading a CSV export")',
            f"，读取插件自行打开的 {shown} 时：{why[1]}；请改用 okrdesk.plugins.decoded_lines "
            "读取，okrdesk 就能指出是哪一行（docs/plugins.md“Reading a CSV export”）",
        )
    return Said("", "")


def row_found_again(error: BaseException) -> Reading | None:
    """The line of the row a loop ``for row in csv.DictReader(file)`` was on when
    ``error`` left it, found again in the file (see the module's words); None where the
    row cannot be told for certain."""
    if isinstance(error, UnicodeError) or not isinstance(error, ROW_ERRORS):
        return None
    for frame, line in _entries(error.__traceback__):
        files = {id(v): v for v in _locals(frame) if isinstance(v, io.TextIOBase)}
        if not files:
            continue
        try:
            names = dict(frame.f_locals)
        except Exception:  # a frame's locals are a help; the error must still be told
            return None
        looped = _loop_targets(frame, line)
        rows = {id(v): v for k, v in names.items() if k in looped and _is_row(v)}
        (file, *others) = files.values()
        if others or len(rows) != 1 or (name := _file_name(file)) is None:
            return None
        return _found(name, getattr(file, "encoding", None), next(iter(rows.values())))
    return None


def _is_row(value: object) -> bool:
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    )


def _loop_targets(frame: FrameType, line: int) -> set[str]:
    """The names ``for NAME in …`` loops of the frame's code bind whose body holds
    ``line``: the row a loop was on is in one of them."""
    try:
        tree = ast.parse("".join(linecache.getlines(frame.f_code.co_filename)))
    except (SyntaxError, ValueError):
        return set()
    return {
        node.target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.For)
        and isinstance(node.target, ast.Name)
        and node.body[0].lineno <= line <= (node.end_lineno or 0)
    }


_DELIMITERS = (",", "\t", ";", "|")
"""The delimiters a row's file is read again with: its first line must be the row's
columns under one of them."""


def _found(name: str, encoding: str | None, row: Mapping[str, str]) -> Reading | None:
    columns, cells = list(row), list(row.values())
    for delimiter in _DELIMITERS:
        try:
            with open(name, encoding=encoding, newline="") as file:
                reader = csv.reader(file, delimiter=delimiter)
                if next(reader, None) != columns:
                    continue
                lines = [reader.line_num for read in reader if read == cells]
        except (OSError, ValueError, csv.Error, LookupError):
            return None
        if len(lines) != 1:
            return None
        return Reading(name, line=lines[0], header=_csv_line(columns), text=_csv_line(cells))
    return None


def _entries(traceback: TracebackType | None) -> Iterator[tuple[FrameType, int]]:
    """The error's frames with the line each was on, innermost first, leaving out
    okrdesk's own."""
    entries = []
    while traceback is not None:
        entries.append((traceback.tb_frame, traceback.tb_lineno))
        traceback = traceback.tb_next
    for frame, line in reversed(entries):
        module = str(frame.f_globals.get("__name__", ""))
        if module != "okrdesk" and not module.startswith("okrdesk."):
            yield frame, line


def _frames(traceback: TracebackType | None) -> Iterator[FrameType]:
    """The error's frames, innermost first, leaving out okrdesk's own."""
    for frame, _ in _entries(traceback):
        yield frame


def _locals(frame: FrameType) -> list[Any]:
    try:
        return list(frame.f_locals.values())
    except Exception:  # a frame's locals are a help; the error must still be told
        return []


def _reader_of(value: object) -> tuple[Any, Any, csv.DictReader[str] | None] | None:
    """(the reader's input, the reader, the DictReader around it or None)."""
    if isinstance(value, csv.DictReader):
        inner = vars(value).get("reader")
        found = _reader_of(inner) if isinstance(inner, _READER) else None
        return None if found is None else (found[0], found[1], value)
    if not isinstance(value, _READER):
        return None
    inputs = [o for o in gc.get_referents(value) if isinstance(o, io.IOBase)]
    if len(inputs) != 1 or _file_name(inputs[0]) is None:
        return None
    return inputs[0], value, None


def _file_name(file: object) -> str | None:
    name = getattr(file, "name", None)
    return os.fspath(name) if isinstance(name, str | os.PathLike) else None


def _reading(found: tuple[Any, Any, csv.DictReader[str] | None], frame: FrameType) -> Reading:
    file, reader, rows = found
    reading = Reading(_file_name(file) or "", line=int(reader.line_num))
    columns = None if rows is None else vars(rows).get("_fieldnames")
    if not columns:
        return reading
    # The columns are told only beside the row handed over last, so that a KeyError of
    # a value looked up elsewhere (a staff number) is not taken for a missing column.
    row = next((v for v in _locals(frame) if isinstance(v, dict) and list(v) == columns), None)
    if row is not None:
        reading.header = _csv_line(columns)
        reading.text = _csv_line([str(v) for v in row.values()])
    return reading


def _csv_line(cells: list[str]) -> str:
    written = io.StringIO()
    csv.writer(written).writerow(cells)
    return written.getvalue().rstrip("\r\n")
