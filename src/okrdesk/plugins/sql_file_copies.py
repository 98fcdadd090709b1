"""The file DuckDB reads for a table file: the file itself, or a UTF-8 copy of it.

Text in another encoding than UTF-8 (GBK, GB18030, UTF-16, …) and ``.xlsx`` sheets are
written, a megabyte at a time, to a UTF-8 file in a scratch folder, within the scratch
room the source allows; a sheet's dates and percentages are written as the sheet shows
them. The copy is dropped once read.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import math
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO, cast

from okrdesk.errors import Said, printable
from okrdesk.files import READ_AS_A_PATTERN
from okrdesk.plugins.csv_lines import opened as _opened
from okrdesk.plugins.sql_scratch import Metered, TooMuchScratch, most_scratch, too_much
from okrdesk.plugins.sql_settings import TABLE_NAME as TABLE_NAME
from okrdesk.plugins.sql_settings import SqlMetricError as SqlMetricError
from okrdesk.plugins.sql_table_file import TableFile
from okrdesk.plugins.text_encoding import (
    NoByteOrderMark,
    NotEncoded,
    NotWide,
    byte_order_mark,
    utf8_copy,
)

if TYPE_CHECKING:
    pass


CHUNK_BYTES = 1 << 20


def file_to_read(table: TableFile, scratch: Path) -> tuple[Path, Path | None]:
    """The file DuckDB reads for ``table``, and whether it is a UTF-8 copy in ``scratch``
    (of a sheet, or of text in another encoding)."""
    if table.kind in {"parquet", "json"}:
        return _unpatterned(table, scratch)
    if table.kind == "xlsx":
        copy = _sheet_as_csv(table, scratch)
        return copy, copy
    # A byte-order mark says what the file is, whatever the setting (as the brokerage
    # plugin reads one): Excel's "CSV UTF-8" beside a GBK export, read as GBK, would
    # begin its first column's name with "锘".
    try:
        encoding = bom_encoding(table.path) or table.encoding
    except OSError as error:  # a .gz that is no gzip file: this table fails, not all
        raise SqlMetricError(*not_readable(table, error)) from None
    if encoding not in {None, "utf-8", "utf-8-sig"}:
        copy = _transcoded(table, encoding, scratch)
        return copy, copy
    return _unpatterned(table, scratch)


def _unpatterned(table: TableFile, scratch: Path) -> tuple[Path, Path | None]:
    """``table``'s file, or where its path holds a character DuckDB reads as a pattern, a
    link to it in ``scratch`` with a plain name, removed as a copy is. DuckDB reads every
    file the pattern matches: ``data/*/s.csv``, a folder of the workspace named ``*``
    beside a link to your exports, read your ``s.csv`` through the link, unasked."""
    if not READ_AS_A_PATTERN.search(str(table.path)):
        return table.path, None
    suffixes = "".join(s for s in table.path.suffixes[-2:] if not READ_AS_A_PATTERN.search(s))
    link = scratch / f"{table.name}{suffixes}"
    try:
        link.unlink(missing_ok=True)
        link.symlink_to(table.path)
    except OSError as error:
        why = error.strerror or type(error).__name__
        at = f"sources.sql.tables.{table.name}: {table.path.name}"
        raise SqlMetricError(
            f"{at}: its name holds * ? [ or {{, which DuckDB reads as a pattern, and the "
            f"link to it by a plain name could not be made in the temporary folder ({why}); "
            "rename the file, or its folder",
            f"{at}: 名字里有 * ? [ 或 {{，DuckDB 会把它当作文件名的模式；在临时文件夹里给它建"
            f"一个普通名字的链接也失败了（{why}）；请给文件或它的文件夹改名",
        ) from None
    return link, link


def _scratch_writer(path: Path) -> TextIO:
    """A UTF-8 copy of a file, in the scratch folder that goes when the collect ends."""
    return path.open("w", encoding="utf-8", newline="")  # scratch: a temporary folder


def bom_encoding(path: Path) -> str | None:
    with _opened(path) as file:
        return byte_order_mark(file.read(4))


def _transcoded(table: TableFile, encoding: str, scratch: Path) -> Path:
    """The file as UTF-8, written a megabyte at a time; a byte that is not ``encoding``
    text fails with its row named."""
    target = scratch / f"{table.name}.csv"
    at = f"sources.sql.tables.{table.name}: {table.path.name}"
    # The setting as the user wrote it, unless a byte-order mark chose the encoding.
    shown = table.encoding_written if encoding == table.encoding else None
    shown = shown or encoding
    most = most_scratch([table.path])
    try:
        with _opened(table.path) as source:
            metered = cast(BinaryIO, Metered(source, most))
            utf8_copy(cast(BinaryIO, _Read(metered)), encoding, target, CHUNK_BYTES)
    except TooMuchScratch:
        raise SqlMetricError(*too_much(at, most)) from None
    except _ReadFailed as failed:  # the file's fault (a damaged .gz), not the copy's
        raise SqlMetricError(*not_readable(table, failed.error)) from None
    except NotEncoded as error:
        raise SqlMetricError(
            f"{at}:{error.line}: not {shown} text; set encoding for this table to the "
            "file's encoding",
            f"{at}:{error.line}: 不是 {shown} 文本；请把这张表的 encoding 设为文件实际的编码",
        ) from None
    except NoByteOrderMark as error:
        family, (little, big) = error.family, error.choices
        usual, usual_zh = ((" (as Windows and Excel write it)", "（Windows 和 Excel 的写法）")
                           if family == "UTF-16" else ("", " "))  # fmt: skip
        raise SqlMetricError(
            f'{at}: no byte-order mark says which {family} it is; set encoding to "{little}"'
            f'{usual} or "{big}"',
            f"{at}: 文件开头没有字节顺序标记，看不出是哪种 {family}；请把 encoding 设为 "
            f'"{little}"{usual_zh}或 "{big}"',
        ) from None
    except NotWide as error:
        raise SqlMetricError(*_not_wide(at, error, shown)) from None
    except OSError as error:  # no room for the copy: this table's metrics fail, not all
        raise _no_room(at, error) from None
    return target


class _ReadFailed(Exception):
    """An ``OSError`` reading a table's file, told apart from one writing its copy."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


class _Read:
    """A table's file read for its copy, whose read errors are ``_ReadFailed``: gzip's
    error of a damaged file is an ``OSError``, as no room for the copy is."""

    def __init__(self, file: BinaryIO) -> None:
        self._file = file

    def read(self, size: int = -1) -> bytes:
        try:
            return self._file.read(size)
        except OSError as error:
            raise _ReadFailed(error) from error


def not_readable(table: TableFile, error: Exception) -> Said:
    """What a table's file that could not be read is told (a .gz file that is no gzip,
    or damaged), as DuckDB's failures to read one are (``unreadable_said``)."""
    at, kind = f"sources.sql.tables.{table.name}: {table.path.name}", type(error).__name__
    return Said(f"{at}: not a readable {table.kind} file ({kind})",
                f"{at}: 不是能读的 {table.kind} 文件（{kind}）")  # fmt: skip


def _no_room(at: str, error: OSError) -> SqlMetricError:
    """The error of a table whose UTF-8 copy (of text in another encoding, or of a sheet)
    could not be written; ``at``: its key and file."""
    why = error.strerror or type(error).__name__
    return SqlMetricError(
        f"{at}: its UTF-8 copy could not be written in the temporary folder ({why}); it "
        "needs room for the file's text",
        f"{at}: 无法在临时文件夹里写出它的 UTF-8 副本（{why}）；需要能放下这个文件文本的空间",
    )


def _not_wide(at: str, error: NotWide, written: str = "") -> tuple[str, str]:
    """What a table's file set to UTF-16 or UTF-32 that is neither is told, in both
    languages; ``at``: its key and file; ``written``: the setting as the user wrote it."""
    en, zh = error.told("this table's encoding", "这张表的 encoding", written=written)
    return f"{at}: {en}", f"{at}: {zh}"


def _sheet_as_csv(table: TableFile, scratch: Path) -> Path:
    """One sheet of an .xlsx workbook as a UTF-8 CSV file, row by row."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    given: BinaryIO | None = None
    try:
        if not table.path.name.lower().endswith((".xlsx", ".xlsm")):
            given = table.path.open("rb")  # openpyxl refuses a name such as crm.csv
        book = load_workbook(given or table.path, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, InvalidFileException) as error:
        if given is not None:
            given.close()
        at, kind = f"sources.sql.tables.{table.name}: {table.path.name}", type(error).__name__
        raise SqlMetricError(f"{at} is not a readable .xlsx file ({kind})",
                             f"{at} 不是能读的 .xlsx 文件（{kind}）") from None  # fmt: skip
    try:
        if table.sheet is not None and table.sheet not in book.sheetnames:
            at = f"sources.sql.tables.{table.name}.sheet: {table.path.name}"
            sheet, sheets = (printable(table.sheet)[:80],
                             ", ".join(printable(s)[:40] for s in book.sheetnames))  # fmt: skip
            raise SqlMetricError(f"{at} has no sheet {sheet!r}; its sheets: {sheets}",
                                 f"{at} 里没有工作表 {sheet!r}；它的工作表：{sheets}")  # fmt: skip
        sheet = book[table.sheet] if table.sheet is not None else book.worksheets[0]
        target = scratch / f"{table.name}.csv"
        at, most = f"sources.sql.tables.{table.name}: {table.path.name}", most_scratch([table.path])
        try:
            with _scratch_writer(target) as out:
                writer = csv.writer(Metered(out, most))
                serials = _SerialDates(table, book.epoch)
                for cells in sheet.iter_rows():
                    values = serials.read([cell.value for cell in cells])
                    shown = [_as_percentage(c) for c in cells]
                    writer.writerow(
                        [_cell(v, table.decimal, p) for v, p in zip(values, shown, strict=True)]
                    )
        except TooMuchScratch:
            with contextlib.suppress(OSError):
                target.unlink(missing_ok=True)  # the part of it written
            raise SqlMetricError(*too_much(at, most)) from None
        except (SyntaxError, zipfile.BadZipFile) as error:
            # A sheet's XML that is damaged, or hostile (entities that expand a
            # thousandfold, one naming a file of yours): this table fails, not every one.
            with contextlib.suppress(OSError):
                target.unlink(missing_ok=True)  # the part of it written
            kind = type(error).__name__
            raise SqlMetricError(f"{at} is not a readable .xlsx file ({kind})",
                                 f"{at} 不是能读的 .xlsx 文件（{kind}）") from None  # fmt: skip
        except OSError as error:
            with contextlib.suppress(OSError):
                target.unlink(missing_ok=True)  # the part of it written
            raise _no_room(f"sources.sql.tables.{table.name}: {table.path.name}", error) from None
        return target
    finally:
        book.close()
        if given is not None:
            given.close()


class _SerialDates:
    """Excel's serial numbers (46086 is 2026-03-05) in the columns ``types`` makes dates
    or timestamps, read as the days they are. A cell with a date format is a date already
    (openpyxl reads it so); one formatted as a plain number, as some exports write their
    dates, is a serial only where the table says the column holds dates."""

    def __init__(self, table: TableFile, epoch: dt.datetime) -> None:
        self.epoch = epoch
        self.dated = {name for name, kind in table.types if kind in {"DATE", "TIMESTAMP"}}
        self.columns: set[int] = set()
        self.header_at = table.skip if table.header else None
        if not table.header:
            self.columns = {n for n, name in enumerate(table.columns) if name in self.dated}
        self.row = 0

    def read(self, values: Sequence[object]) -> Sequence[object]:
        """The row ``values`` with each serial of a dated column made its day."""
        row, self.row = self.row, self.row + 1
        if row == self.header_at:
            names = [
                str(v).strip().lstrip("\ufeff").strip() if v is not None else "" for v in values
            ]
            self.columns = {n for n, name in enumerate(names) if name in self.dated}
            return values
        if not self.columns or (self.header_at is not None and row < self.header_at):
            return values
        return [
            _day_of_serial(v, self.epoch) if n in self.columns else v for n, v in enumerate(values)
        ]


def _day_of_serial(value: object, epoch: dt.datetime) -> object:
    """``value``, an Excel serial number, as the date and time it stands for; any other
    value as it is."""
    from openpyxl.utils.datetime import from_excel

    if type(value) not in {int, float} or not 0 < cast(float, value) < 2958466:
        return value  # 2958466 is the day after 9999-12-31, Excel's last
    return from_excel(value, epoch)


_LITERALS = re.compile(r'"[^"]*"|\\.')
"""What a number format writes as it is (``"%"``, ``\\%``), not a part of the number."""


def _as_percentage(cell: object) -> bool:
    """Whether ``cell``, a sheet's, is a number cell Excel shows as a percentage (0.125
    formatted ``0.0%``, shown 12.5%)."""
    value, number_format = getattr(cell, "value", None), getattr(cell, "number_format", None)
    if type(value) not in (int, float) or not isinstance(number_format, str):
        return False
    return "%" in _LITERALS.sub("", number_format)


def _cell(value: object, decimal: str | None = None, percentage: bool = False) -> str:
    """A sheet's cell as text, a number cell written as ``decimal`` (the table's setting)
    says the file's text writes numbers: with ``","``, 12.345 is ``12,345``, which the
    table reads as 12.345 (written ``12.345`` it would be read as 12345). A number cell
    Excel shows as a percentage (``percentage``) is written as one, its digits moved, not
    multiplied (0.125 as ``12.5%``, read back as 0.125 exactly), so that a column is
    judged as it is shown (``_percentages_mixed``)."""
    if value is None:
        return ""
    if percentage and isinstance(value, (int, float)) and math.isfinite(value):
        digits = format(Decimal(repr(value)).scaleb(2).normalize(), "f")
        return (digits.replace(".", ",") if decimal == "," else digits) + "%"
    if decimal == "," and type(value) is float:
        if not math.isfinite(value):
            return str(value)
        # No exponent: 1e-05 as 0,00001, the float's own shortest digits.
        return format(Decimal(repr(value)), "f").replace(".", ",")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
