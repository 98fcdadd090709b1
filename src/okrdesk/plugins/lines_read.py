"""Where a plugin was in the file it read through ``decoded_lines`` when it failed.

A plugin that reads a CRM export row by row and meets a cell it cannot read (``认购金额(元)``
holding ``约五万``, a column the export renamed) fails with Python's words alone:
``InvalidOperation`` or ``KeyError: '认购金额(元)'`` and the line of its code, which say
nothing of the row to mend. ``decoded_lines`` notes each file it is reading, its header
and the last line it handed over; a failed collect names that file and line, and for a
``KeyError`` of a column the header lacks, the columns it has.

A file read to its end, or whose reading failed with ``decoded_lines``' own error (which
names its line), is no longer noted: a failure after it names no line of it. One left
part-read stays noted, since an exception that ends the plugin's loop lets go of the
reader before okrdesk sees the exception; ``forget`` clears the notes as a collect's
call begins, so that only what that call read is named. Each thread notes its own, so
a plugin run in a worker thread is asked in that thread (``last_read``).
"""

from __future__ import annotations

import csv
import decimal
import os
import threading
from pathlib import Path

import attrs

from okrdesk.errors import Said


@attrs.define
class Reading:
    """A file ``decoded_lines`` is reading: ``name`` as it was opened, ``line`` the last
    line handed over (from 1), ``header`` the first."""

    name: str
    line: int = 0
    header: str | None = None
    text: str = ""
    """The last line handed over."""


_READING: dict[int, list[Reading]] = {}
"""Each thread's files being read, the last begun last."""


_KEPT = 16
"""Files left part-read that a thread's notes keep: only the last is ever named."""


def forget() -> None:
    """Clear this thread's notes: a collect's call begins."""
    _READING.pop(threading.get_ident(), None)


def begun(binary: object) -> Reading | None:
    """Note a file being read from the binary file ``binary``; None for one with no name
    (a stream in memory), which no one could find to mend."""
    name = getattr(binary, "name", None)
    if not isinstance(name, str | os.PathLike):
        return None
    reading = Reading(os.fspath(name))
    mine = _READING.setdefault(threading.get_ident(), [])
    mine.append(reading)
    del mine[:-_KEPT]
    return reading


def ended(reading: Reading | None) -> None:
    """Forget a file read to its end, or one whose reading failed at a line it names."""
    if reading is None:
        return
    mine = _READING.get(threading.get_ident(), [])
    if reading in mine:
        mine.remove(reading)
    if not mine:
        _READING.pop(threading.get_ident(), None)


def last_read() -> Reading | None:
    """The file this thread is reading, or None."""
    mine = _READING.get(threading.get_ident())
    return mine[-1] if mine else None


def where_it_failed(reading: Reading | None, error: BaseException, workspace: Path) -> Said:
    """What to add to a collect's failure raised while ``reading``: the file (from the
    workspace where it lies inside it) and line, with the columns of its header where
    ``error`` is a ``KeyError`` of one it lacks; empty words for no reading."""
    if reading is None or reading.line < 1:
        return Said("", "")
    shown = shown_from(reading.name, workspace)
    missing = _missing_column(reading, error)
    if missing is not None:
        column, columns = missing
        return Said(
            f", reading {shown} line {reading.line}: the file has no column {column}; its "
            f"columns (line 1) are {', '.join(columns)}: export it with that column, or have "
            "the plugin check the header and say which column is missing (emit.error)",
            f"，读取 {shown} 第 {reading.line} 行时：文件没有列 {column}；它的列（第 1 行）是 "
            f"{'、'.join(columns)}：请导出带这一列的文件，或让插件先检查表头，"
            "说明缺了哪一列（emit.error）",
        )
    written = _written_amount(reading, error)
    if written is not None:
        cell, reader = written
        return Said(
            f", reading {shown} line {reading.line}: its cell {cell!r} is an amount as people "
            f"write it, which {reader} does not read: have the plugin read amounts with "
            "okrdesk.written_numbers.written_number, which gives None for a cell that is no "
            "amount, a row to leave out and say so of (emit.warning)",
            f"，读取 {shown} 第 {reading.line} 行时：单元格 {cell!r} 是按人们习惯书写的金额，"
            f"{reader} 读不了：请让插件用 okrdesk.written_numbers.written_number 读取金额，"
            "不是金额的单元格它给 None，这样的行请跳过并说明（emit.warning）",
        )
    return Said(
        f", reading {shown} line {reading.line}: mend that line, or have the plugin leave "
        "out a row it cannot read and say so (emit.warning) rather than fail",
        f"，读取 {shown} 第 {reading.line} 行时：请修正这一行，或让插件跳过读不了的行并说明"
        "（emit.warning），而不是整体失败",
    )


def _written_amount(reading: Reading, error: BaseException) -> tuple[str, str] | None:
    """A cell of the line read that is an amount as people write it (``2,412,481.47``,
    ``12.5万``) and that the reader the plugin failed in (``float()``, ``int()``,
    ``Decimal()``) refuses, with that reader: the line is as the export writes it, and
    "mend that line" would have a branch rewrite every amount of its export."""
    from okrdesk.written_numbers import written_number

    said = str(error)
    if isinstance(error, decimal.InvalidOperation):
        reader = "Decimal()"
    elif isinstance(error, ValueError) and "to float" in said:
        reader = "float()"
    elif isinstance(error, ValueError) and "for int()" in said:
        reader = "int()"
    else:
        return None
    try:
        cells = next(csv.reader([reading.text]), [])
    except csv.Error:
        return None
    for cell in cells:
        if written_number(cell) is None or _reads(reader, cell):
            continue
        if reader == "Decimal()" or repr(cell) in said:  # Decimal's error names no cell
            return cell, reader
    return None


def _reads(reader: str, cell: str) -> bool:
    """Whether ``reader`` reads ``cell`` as a number."""
    try:
        {"float()": float, "int()": int, "Decimal()": decimal.Decimal}[reader](cell)
    except (ValueError, ArithmeticError):
        return False
    return True


def _missing_column(reading: Reading, error: BaseException) -> tuple[str, list[str]] | None:
    """The column a ``KeyError`` asked a row for and the header's columns, where the
    header lacks it. A key that is a cell of the line read was looked up by its value
    (a staff number a table of the plugin's lacks), not asked of the row as a column."""
    if not isinstance(error, KeyError) or len(error.args) != 1 or reading.header is None:
        return None
    (column,) = error.args
    if not isinstance(column, str):
        return None
    try:
        columns = next(csv.reader([reading.header]), [])
        cells = next(csv.reader([reading.text]), [])
    except csv.Error:
        return None
    if column in columns or column in cells or not columns:
        return None
    return column, columns


def shown_from(name: str, workspace: os.PathLike[str] | str) -> str:
    """``name`` from the workspace where it lies inside it, else as it was opened."""
    try:
        return Path(name).resolve().relative_to(Path(workspace).resolve()).as_posix()
    except (ValueError, OSError):
        return name
