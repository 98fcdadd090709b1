"""Streaming one CSV file of the export, with the line numbers provenance cites.

Each file is read exactly once, row by row, whatever its size; nothing here
keeps rows. Line numbers are the file's physical lines, the header being line 1,
so a user can open the file at the line an observation or an error names.

A file is read in the encoding its byte-order mark says (UTF-8 or UTF-16, as Excel
writes them), else in the ``encoding`` setting (GBK or GB18030, as Chinese CRM
systems write), else as UTF-8; its columns are separated by commas, tabs or
semicolons, whichever its header holds first (``DELIMITERS``).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Container, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, BinaryIO, NamedTuple, TypeAlias

import attrs
from okrdesk.plugins import NoByteOrderMark, NotEncoded, byte_order_mark, decoded
from okrdesk.plugins.text_encoding import UTF8, NotWide, check_wide, utf8_copy
from okrdesk.written_numbers import ambiguous, ungrouped

from okrdesk_brokerage.errors import ExportError
from okrdesk_brokerage.fields import problem
from okrdesk_brokerage.layout import NUMBERS, WORDS, ExportFile

FOUND_MOST = 200
"""Characters of a file's header a message quotes, past which it is cut."""
HEADER_MOST = 1 << 20
"""Bytes of a file's first line ``header_problem`` reads, at most."""
HEADER_BLOCK = 512
"""Bytes ``header_problem`` decodes at a time, to find the end of a file's first line."""


@attrs.frozen
class Export:
    """The export's folder and how its files are read."""

    folder: Path
    encoding: str | None = None
    """Python's name for what the files are saved in (the ``encoding`` setting); None
    for UTF-8. A file's byte-order mark goes before it."""
    copies: Path | None = None
    """A folder, gone when the collect ends, for the UTF-8 copies DuckDB reads of files in
    another encoding (it reads UTF-8 alone, no extension being fetched), each dropped once
    DuckDB has read it into a table (``engine.reading``); None: none is made, and the
    streaming reader reads such a file."""
    written: str | None = None
    """The ``encoding`` setting as the user wrote it (``utf-16le``, ``GBK``), which messages
    quote; Python's name is ``encoding`` (``utf-16-le``, ``gbk``)."""
    renamed: tuple[tuple[str, str, str], ...] = ()
    """``(file, header, column)``: the file's column headed ``header`` (``客户号``) is the
    plugin's ``column`` (``client_id``): the ``columns`` setting."""
    decimals: tuple[tuple[str, str], ...] = ()
    """``(file, mark)``: the decimal mark a file's numbers are written with, ``","`` or
    ``"."``; ``("", mark)`` for every file: the ``decimal`` setting."""

    def decimal_of(self, spec: ExportFile) -> str | None:
        """The decimal mark the ``decimal`` setting gives ``spec``'s file; None for none."""
        found = dict(self.decimals)
        return found.get(spec.name, found.get(""))

    def renames(self, spec: ExportFile) -> dict[str, str]:
        """The header names of ``spec``'s file that stand for the plugin's columns, each
        with the column it stands for."""
        return {header: column for file, header, column in self.renamed if file == spec.name}

    def encoding_of(self, start: bytes) -> str:
        """The encoding of a file that begins with the bytes ``start``: its byte-order
        mark's, else UTF-8 where ``start`` is UTF-8 text with Chinese (or other non-ASCII)
        in it, whatever ``encoding`` says (a product list kept by hand beside a GBK
        export, saved by another program; read as GBK, its names would turn into other
        characters without an error), else ``encoding``."""
        marked = byte_order_mark(start)
        if marked is not None:
            return marked
        if self.encoding is None or self.encoding in UTF8 or _utf8_text(start):
            return "utf-8-sig"
        return self.encoding

    def header_alone(self, spec: ExportFile) -> bool:
        """Whether ``spec``'s file holds its header and nothing after it but blank lines:
        an export come out empty. Read up to its first row; False for a file not there or
        not read (the readers say what is wrong)."""
        path = self.folder / spec.name
        try:
            with path.open("rb") as raw:
                encoding = self.encoding_of(raw.read(SNIFF))
                raw.seek(0)
                with codecs.getreader(encoding)(raw, "replace") as text:
                    lines = iter(text)
                    if next(lines, None) is None:
                        return False  # no header either: the readers say so
                    return not any(line.strip(" \t\r\n,;") for line in lines)
        except (OSError, LookupError):
            return False

    def utf8_copy(self, spec: ExportFile, encoding: str) -> Path | None:
        """``spec``'s file as UTF-8, written a megabyte at a time into ``copies`` (line for
        line the file: every line number is the file's), or the copy there; None when there
        is no ``copies`` folder or no room for the copy (the streaming reader reads it).
        A byte that is not ``encoding`` text is an ``ExportError`` at its line, as the
        streaming reader says it: the file is not read again to find it."""
        if self.copies is None:
            return None
        copy = self.copies / spec.name
        if copy.is_file():
            return copy
        try:
            self.copies.mkdir(parents=True, exist_ok=True)
            with (self.folder / spec.name).open("rb") as source:
                utf8_copy(source, encoding, copy)
        except NotEncoded as error:
            raise _not_text_at(spec.name, encoding, self.encoding, error, self.written) from None
        except (NoByteOrderMark, NotWide, OSError):  # OSError: no room for it
            return None  # the streaming reader reads the file, and says what is wrong
        return copy


DELIMITERS = (",", "\t", ";")
"""What a file's columns may be separated by, the first its header holds: commas; tabs, as
Excel's "Unicode text" saves (UTF-16, with its byte-order mark); semicolons, as Excel saves
CSV where a comma is the decimal mark."""


def delimiter_of(header: str) -> str:
    """The delimiter of a file whose first line is ``header`` (see ``DELIMITERS``)."""
    return next((delimiter for delimiter in DELIMITERS if delimiter in header), ",")


def _header_line(start: bytes, encoding: str) -> str:
    """The first line of a file that begins with the bytes ``start``, read as ``encoding``
    (a byte that is not text in it replaced: the reader says so, at its line)."""
    try:
        text = codecs.getincrementaldecoder(encoding)("replace").decode(start)
    except UnicodeError:  # UTF-16 with no byte-order mark: the reader says so
        return ""
    return text.splitlines()[0] if text else ""


SNIFF = 8192
"""Bytes of a file's start that say whether it is UTF-8 text (a buffer's worth)."""
UTF8_AT_LEAST = 4
"""Characters beyond ASCII that must read as UTF-8 for a file to be taken for UTF-8 text:
one GBK character in nine or so is also a UTF-8 one, four in a row one in ten thousand."""


def _utf8_text(start: bytes) -> bool:
    """Whether ``start`` (a file's first bytes, perhaps ending inside a character) is
    UTF-8 text with at least ``UTF8_AT_LEAST`` characters beyond ASCII."""
    if start.isascii():
        return False
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(start, final=False)
    except UnicodeDecodeError:
        return False
    return sum(not character.isascii() for character in text) >= UTF8_AT_LEAST


Folder: TypeAlias = Path | Export
"""Where the export is: its folder (a file read as UTF-8 unless its byte-order mark says
otherwise), or an ``Export`` whose encoding is set."""


def export_of(folder: Folder) -> Export:
    """``folder`` as an ``Export``: a bare folder's files are UTF-8 unless marked."""
    return folder if isinstance(folder, Export) else Export(folder)


def header_index(
    spec: ExportFile, header: list[str] | None, renames: Mapping[str, str] | None = None
) -> dict[str, int]:
    """Where each column of ``header`` (line 1 of ``spec``'s file, as read) sits, by name;
    a name of ``renames`` (the ``columns`` setting: ``客户号``) as the column it stands for
    (``client_id``). Raises the ExportError that says what is wrong when there is no
    header, or it lacks a column of ``spec``: the header expected and the one found, each
    as written, so that neither is taken for the other."""
    renames = renames or {}
    called = {column: name for name, column in renames.items()}
    expected = ",".join(called.get(name, name) for name in spec.header)
    if not header:
        raise ExportError(spec.name, f"no header; expected {expected}",
                          zh=f"没有表头；应为 {expected}", line=1)  # fmt: skip
    index = {}
    for position, written in enumerate(header):
        name = written.strip()
        index[renames.get(name, name)] = position
    for column in spec.columns:
        if column.name not in index:
            found = ",".join(header)
            if len(found) > FOUND_MOST:
                found = found[:FOUND_MOST] + "…"
            name = called.get(column.name, column.name)
            raise ExportError(
                spec.name,
                f"column {name!r} is not in the header; expected {expected}, found {found}",
                zh=f"表头里没有 {name} 列；应为 {expected}，实为 {found}",
                line=1,
            )
    return index


def _unreadable_header(name: str, exc: Exception) -> ExportError:
    return ExportError(name, f"cannot read the header: {exc}", zh=f"无法读取表头：{exc}", line=1)


def not_text(
    path: Path, name: str, encoding: str, setting: str | None = None, written: str | None = None
) -> ExportError:
    """The error of a file that is not text in ``encoding`` (Python's name for it), at the
    line of its first byte that is not: the reader decodes a block at a time, so the line
    it was at when it failed can be lines before that byte, the header's when it is in
    the first block. ``setting``: the ``encoding`` set, which a file read as UTF-8 despite
    it (its mark, or its first 8 KB, said UTF-8) was not read in; ``written``: that setting
    as the user wrote it, which the message quotes."""
    try:
        with path.open("rb") as file:
            for _ in decoded(file, encoding):
                pass
        found = NotEncoded(encoding, 1, 0)
    except NotEncoded as error:
        found = error
    except NoByteOrderMark as error:
        return _no_mark(name, error)
    except NotWide as error:
        return _not_wide(name, error, written)
    return _not_text_at(name, encoding, setting, found, written)


def _no_mark(name: str, error: NoByteOrderMark) -> ExportError:
    """The error of a file read as ``utf-16`` (or ``utf-32``) with no byte-order mark."""
    family, (little, big) = error.family, error.choices
    # Excel's "Unicode text" is UTF-16; nothing a branch uses writes UTF-32 but by choice.
    usual, usual_zh = ((" (as Windows and Excel write it)", "（Windows 和 Excel 的写法）")
                       if family == "UTF-16" else ("", " "))  # fmt: skip
    return ExportError(
        name,
        f'no byte-order mark says which {family} it is; set encoding = "{little}"{usual} '
        f'or "{big}" under [sources.brokerage]',
        zh=f"文件开头没有字节顺序标记，看不出是哪种 {family}；请在 [sources.brokerage] 里设 "
        f'encoding = "{little}"{usual_zh}或 "{big}"',
        line=1,
    )


def _not_wide(name: str, error: NotWide, written: str | None) -> ExportError:
    """The error of a file read as UTF-16 or UTF-32, as set (``written``), that is neither."""
    en, zh = error.told("encoding", "encoding 这一项", "under [sources.brokerage]",
                        "[sources.brokerage] 里", written or "")  # fmt: skip
    return ExportError(name, en, zh=zh, line=1)


def _not_text_at(
    name: str, encoding: str, setting: str | None, found: NotEncoded, written: str | None = None
) -> ExportError:
    """``not_text``'s error, of the first byte that is not ``encoding`` text (``found``);
    the setting quoted as the user wrote it (``written``), where one is given."""
    line, byte = found.line, found.byte
    if written and setting is not None:
        encoding = written if encoding == setting else encoding
        setting = written
    if encoding in UTF8 and setting is not None and setting not in UTF8:
        # Setting the encoding again would not help: the file's start said UTF-8.
        return ExportError(
            name,
            f"not UTF-8 text (byte 0x{byte:02x}), though it begins as UTF-8 and so was not "
            f"read as {setting}; save the whole file in one encoding",
            zh=f"不是 UTF-8 文本（字节 0x{byte:02x}），但文件开头是 UTF-8，所以没有按 "
            f"{setting} 读取；请把整个文件存为同一种编码",
            line=line,
        )
    if encoding in UTF8:
        return ExportError(
            name,
            f"not UTF-8 text (byte 0x{byte:02x}); save the export as UTF-8, or set "
            'encoding = "gb18030" under [sources.brokerage] (GBK or GB18030 is what Excel '
            "and many Chinese CRM systems write)",
            zh=f"不是 UTF-8 文本（字节 0x{byte:02x}）；请把导出文件存为 UTF-8，或在 "
            '[sources.brokerage] 里设 encoding = "gb18030"（Excel 和不少国内 CRM 系统默认'
            "存为 GBK 或 GB18030）",
            line=line,
        )
    return ExportError(
        name,
        f"not {encoding} text (byte 0x{byte:02x}); set encoding under [sources.brokerage] "
        "to the encoding the export is saved in",
        zh=f"不是 {encoding} 文本（字节 0x{byte:02x}）；请把 [sources.brokerage] 的 encoding "
        "设为导出文件实际的编码",
        line=line,
    )


def _first_line(file: BinaryIO, encoding: str) -> str:
    """The text of the first line of ``file`` (at most ``HEADER_MOST`` bytes of it),
    decoded no further than the block it ends in; ``NotEncoded`` when a byte before its
    end is not ``encoding`` text."""
    text = ""
    try:
        for piece in decoded(file, encoding, HEADER_BLOCK):
            text += piece
            if "\n" in text or "\r" in text or file.tell() >= HEADER_MOST:
                break
    except NotEncoded:
        if "\n" not in text and "\r" not in text:
            raise
    return text


def _encoding_at(export: Export, path: Path) -> str:
    """The encoding the file at ``path`` is read in (``Export.encoding_of``)."""
    with path.open("rb") as file:
        return export.encoding_of(file.peek(SNIFF)[:SNIFF])


def _first_row(path: Path, encoding: str) -> list[str] | None:
    """The fields of the first line of the file at ``path``, read in ``encoding``, as the
    collect's reader takes them; raises what reading it raises."""
    with path.open("rb") as file:
        first = _first_line(file, encoding)
    # As the collect's reader takes it: a lone \r ends a line too, and the delimiter is
    # the first line's (the lines after it, in the same block, may hold "1,234.50").
    header = first.splitlines()[0] if first else ""
    lines = csv.reader(io.StringIO(first, newline=""), delimiter=delimiter_of(header))
    return next(lines, None)


def header_names(folder: Folder, spec: ExportFile) -> list[str] | None:
    """The names in the header of ``spec``'s file (its first line alone), each stripped;
    None when the file is not there or its header cannot be read (``header_problem``
    says why)."""
    export = export_of(folder)
    path = export.folder / spec.name
    if not path.is_file():
        return None
    try:
        header = _first_row(path, _encoding_at(export, path))
    except (NotEncoded, NoByteOrderMark, NotWide, OSError, csv.Error):
        return None
    return None if header is None else [name.strip() for name in header]


def header_problem(folder: Folder, spec: ExportFile) -> ExportError | None:
    """What the collect would say of the header of ``spec``'s file in ``folder``, read
    from its first line alone (an export can be gigabytes); None when the header is sound
    or the file is not there (a plan may not need it; the collect says so when it does)."""
    export = export_of(folder)
    path = export.folder / spec.name
    if not path.is_file():
        return None
    encoding = "utf-8-sig"
    try:
        encoding = _encoding_at(export, path)
        header_index(spec, _first_row(path, encoding), export.renames(spec))
    except (NotEncoded, NoByteOrderMark, NotWide):
        return not_text(path, spec.name, encoding, export.encoding, export.written)
    except (OSError, csv.Error) as exc:
        return _unreadable_header(spec.name, exc)
    except ExportError as error:
        return error
    return None


def money_cells(
    folder: Folder, spec: ExportFile, counted: tuple[int, int] | None = None
) -> MoneyCells:
    """``spec``'s money read from its first row by the csv module alone, for its blank
    cells and those that may be read two ways (``MoneyCells``). ``counted``: the rows with
    a blank money cell and the cells that may be read two ways, counted already (by
    DuckDB, ``engine.money_counts``): the file is then read only as far as the last cell
    named."""
    blank_rows, blank_cells, either = 0, 0, 0
    blank: list[str] = []
    either_cells: list[str] = []
    with CsvRows(folder, spec) as rows:
        money = [(rows.index[c.name], rows.shown(c.name)) for c in spec.columns
                 if c.kind in NUMBERS]  # fmt: skip
        undecided = rows.undecided
        for line, fields in rows.raw():
            left = [name for at, name in money if at < len(fields) and not fields[at].strip()]
            if left:
                blank_rows += 1
                blank_cells += len(left)
                blank.extend(f"{spec.name}:{line}:{name}" for name in left)
                del blank[CELLS_SHOWN:]
            if undecided:
                for at, name in money:
                    if at < len(fields) and ambiguous(fields[at]):
                        either += 1
                        if len(either_cells) < CELLS_SHOWN:
                            either_cells.append(f"{spec.name}:{line}:{name}")
            if counted is not None and (
                (blank_cells > CELLS_SHOWN or blank_rows >= counted[0])
                and (either >= CELLS_SHOWN or either >= counted[1])
            ):
                break
    if counted is not None:
        # Past the cells named, what is left is known only by DuckDB's count: a row not
        # reached has one more blank cell at least.
        blank_cells += blank_rows < counted[0]
        blank_rows, either = counted
    return MoneyCells(blank_rows, blank_cells, blank, either, either_cells)


def either_said(name: str, found: MoneyCells) -> tuple[str, str]:
    """What is said of ``found.either`` numbers in file ``name``'s money that may be read two
    ways, in English and in Chinese: where the first are, how many, and what to set."""
    more = found.either > len(found.either_cells)
    cells = ", ".join(found.either_cells) + (", …" if more else "")
    cells_zh = "、".join(found.either_cells) + ("等" if more else "")
    stem = name.removesuffix(".csv")
    counted = f"{found.either} cell" + "s" * (found.either != 1)
    return (
        f"{counted} of money with one comma before three digits (1,234), which in a file of "
        "semicolons, as Excel saves CSV where the decimal mark is a comma, may be 1.234 as "
        f"well as 1234: {cells}; say which the export writes under [sources.brokerage]: "
        f'decimal = "," (1,234 is 1.234, 1.234,50 is 1234.50) or decimal = "." (1,234 is '
        f'1234); for this file alone, decimal = {{ {stem} = "," }}',
        f"有 {found.either} 个金额是逗号后恰有三位数字的数（如 1,234）：{cells_zh}；分号分隔的"
        "文件（小数点是逗号的地区，Excel 这样保存 CSV）里，它可能是 1.234，也可能是 1234；请在 "
        '[sources.brokerage] 里写明导出文件的写法：decimal = ","（1,234 即 1.234，1.234,50 即 '
        f'1234.50）或 decimal = "."（1,234 即 1234）；只对这个文件：decimal = {{ {stem} = "," }}',
    )


LOOK_ALIKES_MOST = 3
"""Files a message of a missing file names, that may be it under another name."""
WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".et")
"""Ends of the names of spreadsheets, which must be saved as CSV to be read (.et: WPS)."""


def look_alikes(folder: Path, name: str) -> tuple[str, str]:
    """What a message of the missing file ``name`` adds, in English and in Chinese: the
    files of ``folder`` that may be it, saved another way (``clients.xlsx``, from Excel;
    ``Clients.CSV``, from Windows, where a name's case does not matter, as it does here);
    ``("", "")`` for none."""
    stem = name.lower().removesuffix(".csv")
    try:
        names = sorted(entry.name for entry in folder.iterdir() if entry.is_file())
    except OSError:
        return "", ""
    alike = [other for other in names if other.lower().split(".")[0] == stem]
    if not alike:
        return "", ""
    shown = ", ".join(alike[:LOOK_ALIKES_MOST]) + (", …" if len(alike) > LOOK_ALIKES_MOST else "")
    if all(other.lower().endswith(WORKBOOKS) for other in alike):
        return (
            f"; there is {shown}, but only {name} is read: save it from Excel as CSV",
            f"；里面有 {shown}，但只读取 {name}：请在 Excel 里另存为 CSV",
        )
    # Text under another name (Excel saves its "Unicode text" as .txt): renamed, it is read.
    return (
        f"; there is {shown}, but only {name} is read: rename it so",
        f"；里面有 {shown}，但只读取 {name}：请把它改名为 {name}",
    )


CELLS_SHOWN = 3
"""Cells of a file that a message of cells of one kind (money left blank, a number that
may be read two ways) names, past which it counts them."""


class MoneyCells(NamedTuple):
    """What one pass over a file's money columns finds: the rows with a blank money cell,
    the cells, and the first ``CELLS_SHOWN`` of those (``file:line:column``); the cells
    that may be read two ways (``ambiguous``: ``1,234`` in a file of semicolons whose
    ``decimal`` is not set) and the first ``CELLS_SHOWN`` of them."""

    blank_rows: int
    blank_cells: int
    blank: list[str]
    either: int
    either_cells: list[str]


class CsvRows:
    """The data rows of one export file, as ``(line, fields)``; use it as a context manager.

    A money column's cells are read as the ``decimal`` setting says the file writes
    numbers: with ``","``, each is yielded as a plain number where it is one written so
    (``1.234,50`` as ``1234.50``, ``1,234`` as ``1.234``); with none set, in a file of
    semicolons (as Excel saves CSV where the decimal mark is a comma), a number with one
    comma before three digits (``1,234``) stops the reading with an ``ExportError`` that
    names the first such cells and counts them (``undecided``)."""

    def __init__(self, folder: Folder, spec: ExportFile) -> None:
        export = export_of(folder)
        self._export = export
        self.spec = spec
        self.name = spec.name
        self.path = path = export.folder / spec.name
        if not path.is_file() and path.exists():
            # A folder, a named pipe (which a workspace sent as an archive can hold, and
            # whose reading would wait for ever) or a device: there, but no file to read.
            raise ExportError(
                spec.name,
                "is not a regular file (a folder, named pipe or device): replace it with the "
                "export file",
                zh="不是普通文件（而是文件夹、命名管道或设备）：请换成导出的文件",
            )
        if not path.is_file():
            shown = str(export.folder)
            there, there_zh = look_alikes(export.folder, spec.name)
            raise ExportError(spec.name, f"file not found in {shown!r}{there}",
                              zh=f"文件夹 {shown!r} 里没有这个文件{there_zh}")  # fmt: skip
        binary = path.open("rb")
        try:
            # What the file is read as, which a message of a byte that is not text names.
            start = binary.peek(SNIFF)[:SNIFF]
            self.encoding = export.encoding_of(start)
            self._setting, self._written = export.encoding, export.written
            self._renames = export.renames(spec)
            self._called = {column: header for header, column in self._renames.items()}
            try:
                # UTF-16 set for a file that is not: read so, its header would be other
                # characters, and no error said why.
                check_wide(start, self.encoding)
            except NotWide as error:
                raise _not_wide(spec.name, error, export.written) from None
            self._file: IO[str] = io.TextIOWrapper(binary, encoding=self.encoding, newline="")
        except BaseException:
            binary.close()
            raise
        try:
            self.delimiter = delimiter_of(_header_line(start, self.encoding))
            self._reader = csv.reader(self._file, delimiter=self.delimiter)
            self.index = self._read_header()
        except BaseException:
            self._file.close()
            raise
        self.decimal = export.decimal_of(spec)
        """The file's decimal mark as the ``decimal`` setting gives it; None for none."""
        self._money = [self.index[c.name] for c in spec.columns if c.kind in NUMBERS]

    @property
    def undecided(self) -> bool:
        """Whether a number with one comma before three digits (``1,234``) in the file's
        money says no one number: a file of semicolons with no ``decimal`` set."""
        return bool(self._money) and self.decimal is None and self.delimiter == ";"

    def _read_header(self) -> dict[str, int]:
        try:
            header = next(self._reader, None)
        except UnicodeError:  # not text in its encoding, or UTF-16 without a mark
            raise not_text(
                self.path, self.name, self.encoding, self._setting, self._written
            ) from None
        except csv.Error as exc:
            raise _unreadable_header(self.name, exc) from None
        return header_index(self.spec, header, self._renames)

    def positions(self) -> tuple[int, ...]:
        """Where each of the spec's columns sits in a row, in the spec's order."""
        return tuple(self.index[column.name] for column in self.spec.columns)

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        if self.decimal == "," or self.undecided:
            return self._as_written()
        return self.raw()  # most files: nothing between the csv module and the reader

    def _as_written(self) -> Iterator[tuple[int, list[str]]]:
        """``raw``, with money read as the ``decimal`` setting says (``CsvRows``)."""
        comma = self._money if self.decimal == "," else []
        undecided = self._money if self.undecided else []
        for line, fields in self.raw():
            for at in comma:
                if at < len(fields) and (plain := ungrouped(fields[at], ",")) is not None:
                    fields[at] = plain
                elif at < len(fields) and "," in fields[at]:
                    # 1,234.50: no number as this file writes them, though the reading of
                    # a file of commas would take it.
                    raise self._not_as_written(line, at, fields[at])
            for at in undecided:
                if at < len(fields) and ambiguous(fields[at]):
                    en, zh = either_said(self.name, money_cells(self._export, self.spec))
                    raise ExportError(self.name, en, zh=zh)
            yield line, fields

    def raw(self) -> Iterator[tuple[int, list[str]]]:
        """The rows as the file writes them, money and all (``__iter__`` reads money as
        the ``decimal`` setting says)."""
        reader = self._reader
        # A Chinese CRM's words for values (个人, 女, 申购), as the values they stand for.
        words = [(self.index[c.name], WORDS[c.kind]) for c in self.spec.columns if c.kind in WORDS]
        try:
            for fields in reader:
                # A row of delimiters alone (",,,", as Excel saves a row below the data
                # that was once formatted) is blank, as a blank line is.
                if fields and (fields[0] or any(fields)):
                    for at, said in words:
                        if at < len(fields) and fields[at] in said:
                            fields[at] = said[fields[at]]
                    yield reader.line_num, fields
        except UnicodeError:
            raise not_text(
                self.path, self.name, self.encoding, self._setting, self._written
            ) from None
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
                    line=line, column=self._called.get(column.name, column.name),
                )  # fmt: skip
            said = problem(column.kind, fields[position], clients, self.delimiter, self.decimal)
            if said is not None:
                return self.error(line, column.name, said.en, zh=said.zh)
        return ExportError(self.name, "malformed row", zh="这一行格式不对", line=line)

    def _not_as_written(self, line: int, at: int, text: str) -> ExportError:
        """The error of the money cell ``text`` at ``line``, position ``at``, with a comma in
        it that is not the file's decimal mark as the ``decimal`` setting says."""
        column = next(c for c in self.spec.columns if self.index[c.name] == at)
        said = problem(column.kind, text, (), self.delimiter, self.decimal)
        assert said is not None
        return self.error(line, column.name, said.en, zh=said.zh)

    def shown(self, column: str) -> str:
        """The name ``column`` has in the file: its header where the ``columns`` setting
        renames it (``净佣金``)."""
        return self._called.get(column, column)

    def error(self, line: int, column: str, message: str, *, zh: str) -> ExportError:
        """The error of ``column`` at ``line``: ``message``, ``zh`` in Chinese; the column
        named by the file's header where the ``columns`` setting renames it (``净佣金``)."""
        shown = self._called.get(column, column)
        return ExportError(self.name, message, zh=zh, line=line, column=shown)

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
