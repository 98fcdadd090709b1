"""Streaming one CSV file of the export, with the line numbers provenance cites.

Each file is read exactly once, row by row, whatever its size; nothing here
keeps rows. Line numbers are the file's physical lines, the header being line 1,
so a user can open the file at the line an observation or an error names.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Container, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO

from okrdesk_brokerage.errors import ExportError
from okrdesk_brokerage.fields import problem
from okrdesk_brokerage.layout import ExportFile

FOUND_MOST = 200
"""Characters of a file's header a message quotes, past which it is cut."""
HEADER_MOST = 1 << 20
"""Bytes of a file's first line ``header_problem`` reads, at most."""


def header_index(spec: ExportFile, header: list[str] | None) -> dict[str, int]:
    """Where each column of ``header`` (line 1 of ``spec``'s file, as read) sits, by name.
    Raises the ExportError that says what is wrong when there is no header, or it lacks a
    column of ``spec``: the header expected and the one found, each as written, so that
    neither is taken for the other."""
    expected = ",".join(spec.header)
    if not header:
        raise ExportError(spec.name, f"no header; expected {expected}",
                          zh=f"没有表头；应为 {expected}", line=1)  # fmt: skip
    index = {name.strip(): position for position, name in enumerate(header)}
    for column in spec.columns:
        if column.name not in index:
            found = ",".join(header)
            if len(found) > FOUND_MOST:
                found = found[:FOUND_MOST] + "…"
            name = column.name
            raise ExportError(
                spec.name,
                f"column {name!r} is not in the header; expected {expected}, found {found}",
                zh=f"表头里没有 {name} 列；应为 {expected}，实为 {found}",
                line=1,
            )
    return index


def _unreadable_header(name: str, exc: Exception) -> ExportError:
    return ExportError(name, f"cannot read the header: {exc}", zh=f"无法读取表头：{exc}", line=1)


def not_utf8(path: Path, name: str) -> ExportError:
    """The error of a file that is not UTF-8 text, at the line of its first byte that is
    not: the reader decodes a block at a time, so the line it was at when it failed can be
    lines before that byte, the header's when it is in the first block."""
    line, byte = _first_bad_byte(path)
    return ExportError(
        name,
        f"not UTF-8 text (byte 0x{byte:02x}); save the export as UTF-8 (GBK or GB18030 is "
        "what Excel and many Chinese CRM systems write)",
        zh=f"不是 UTF-8 文本（字节 0x{byte:02x}）；请把导出文件存为 UTF-8（Excel 和不少国内 "
        "CRM 系统默认存为 GBK 或 GB18030）",
        line=line,
    )


def _first_bad_byte(path: Path) -> tuple[int, int]:
    """The line (the first is 1, as the reader counts: a \\n, \\r\\n or lone \\r ends one)
    and the value of the first byte of ``path`` that is not UTF-8; (1, 0) if none is."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line, after_cr = 1, False
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                # The decoder's bytes held back from the last block end no line.
                held = len(error.object) - len(block)
                start = max(error.start - held, 0)
                return line + _line_ends(block[:start], after_cr), error.object[error.start]
            line += _line_ends(block, after_cr)
            after_cr = block.endswith(b"\r")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:  # cut short inside a character
        return line, error.object[error.start]
    return 1, 0


def _line_ends(data: bytes, after_cr: bool) -> int:
    """The lines ``data`` ends; ``after_cr``: the bytes before it ended with \\r (so a
    \\n first completes that line's \\r\\n)."""
    ends = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    return ends - (after_cr and data.startswith(b"\n"))


def header_problem(folder: Path, spec: ExportFile) -> ExportError | None:
    """What the collect would say of the header of ``spec``'s file in ``folder``, read
    from its first line alone (an export can be gigabytes); None when the header is sound
    or the file is not there (a plan may not need it; the collect says so when it does)."""
    path = folder / spec.name
    if not path.is_file():
        return None
    try:
        with path.open("rb") as file:
            first = file.readline(HEADER_MOST)
        # As the collect's reader takes it: a lone \r ends a line too.
        lines = io.StringIO(first.decode("utf-8-sig"), newline="")
        header = next(csv.reader(lines), None)
        header_index(spec, header)
    except UnicodeDecodeError:
        return not_utf8(path, spec.name)
    except (OSError, csv.Error) as exc:
        return _unreadable_header(spec.name, exc)
    except ExportError as error:
        return error
    return None


class CsvRows:
    """The data rows of one export file, as ``(line, fields)``; use it as a context manager."""

    def __init__(self, folder: Path, spec: ExportFile) -> None:
        self.spec = spec
        self.name = spec.name
        self.path = path = folder / spec.name
        if not path.is_file():
            raise ExportError(spec.name, f"file not found in {str(folder)!r}",
                              zh=f"文件夹 {str(folder)!r} 里没有这个文件")  # fmt: skip
        self._file: IO[str] = path.open(encoding="utf-8-sig", newline="")
        try:
            self._reader = csv.reader(self._file)
            self.index = self._read_header()
        except BaseException:
            self._file.close()
            raise

    def _read_header(self) -> dict[str, int]:
        try:
            header = next(self._reader, None)
        except UnicodeDecodeError:
            raise not_utf8(self.path, self.name) from None
        except csv.Error as exc:
            raise _unreadable_header(self.name, exc) from None
        return header_index(self.spec, header)

    def positions(self) -> tuple[int, ...]:
        """Where each of the spec's columns sits in a row, in the spec's order."""
        return tuple(self.index[column.name] for column in self.spec.columns)

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        reader = self._reader
        try:
            for fields in reader:
                if fields:
                    yield reader.line_num, fields
        except UnicodeDecodeError:
            raise not_utf8(self.path, self.name) from None
        except csv.Error as exc:
            raise ExportError(self.name, f"cannot read: {exc}", zh=f"无法读取：{exc}",
                              line=reader.line_num + 1) from None  # fmt: skip

    def malformed(self, line: int, fields: list[str], clients: Container[str]) -> ExportError:
        """The error for a row the fast path could not read, naming its first bad column."""
        for column in self.spec.columns:
            position = self.index[column.name]
            if position >= len(fields):
                row, header = len(fields), len(self.index)
                return ExportError(
                    self.name, f"missing (the row has {row} fields, the header {header})",
                    zh=f"缺失（这一行有 {row} 个字段，表头有 {header} 个）",
                    line=line, column=column.name,
                )  # fmt: skip
            said = problem(column.kind, fields[position], clients)
            if said is not None:
                return self.error(line, column.name, said.en, zh=said.zh)
        return ExportError(self.name, "malformed row", zh="这一行格式不对", line=line)

    def error(self, line: int, column: str, message: str, *, zh: str) -> ExportError:
        """The error of ``column`` at ``line``: ``message``, ``zh`` in Chinese."""
        return ExportError(self.name, message, zh=zh, line=line, column=column)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> CsvRows:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
