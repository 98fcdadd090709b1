"""The plugin's settings: the ``[sources.brokerage]`` table of a workspace.

Unknown keys are refused rather than ignored, because a misspelt
``hnw_treshold`` would otherwise silently count clients against the default.
"""

from __future__ import annotations

import contextlib
import itertools
import tempfile
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import attrs
from okrdesk.plugins import number_setting, text_encoding
from okrdesk.plugins.text_encoding import UTF8
from okrdesk.written_numbers import DECIMAL_MARKS

from okrdesk_brokerage.errors import BrokerageError, SettingsError
from okrdesk_brokerage.layout import CLIENTS, FILES, NUMBERS, ExportFile, files_read_by
from okrdesk_brokerage.reading import (
    FOUND_MOST,
    Export,
    MoneyCells,
    either_said,
    header_names,
    header_problem,
    look_alikes,
    money_cells,
)

DEFAULT_HNW_THRESHOLD = 8_000_000.0
DEFAULT_EFFECTIVE_ASSETS_MIN = 5_000.0
DEFAULT_INSTITUTIONAL_WEIGHT = 3.0
DEFAULT_CLIENT_TIERS = (500_000.0, 3_000_000.0, 8_000_000.0)
"""元 where one client tier ends and the next begins: <50万, 50万–300万, 300万–800万, ≥800万."""

KNOWN_KEYS = (
    "data",
    "hnw_threshold",
    "effective_assets_min",
    "institutional_weight",
    "client_tiers",
    "encoding",
    "columns",
    "decimal",
)


@attrs.frozen
class Settings:
    data: Path
    """The folder holding the CSV export, resolved against the workspace."""
    hnw_threshold: float = DEFAULT_HNW_THRESHOLD
    """元 of total assets from which a client counts as high-net-worth."""
    effective_assets_min: float = DEFAULT_EFFECTIVE_ASSETS_MIN
    """元 of stock/fund/custody assets above which a client is effective without trading."""
    institutional_weight: float = DEFAULT_INSTITUTIONAL_WEIGHT
    """How many effective accounts one institutional client counts as."""
    client_tiers: tuple[float, ...] = DEFAULT_CLIENT_TIERS
    """元 of total assets at which each client tier after the first begins (the ``tier``
    dimension of AUM)."""
    encoding: str | None = None
    """Python's name for the encoding the CRM saves the export in (``gb18030``, ``gbk``,
    ``utf-16``); None for UTF-8, the default. A file's byte-order mark goes before it."""
    encoding_written: str | None = None
    """The ``encoding`` setting as the user wrote it (``utf-16le``), which messages quote."""
    renamed: tuple[tuple[str, str, str], ...] = ()
    """The ``columns`` setting: ``(file, header, column)``, the file's column headed
    ``header`` (``客户号``) being the plugin's ``column`` (``client_id``)."""
    decimals: tuple[tuple[str, str], ...] = ()
    """The ``decimal`` setting: ``(file, mark)``, the decimal mark ``spec.name``'s numbers
    are written with (``","`` or ``"."``); ``("", mark)`` for every file."""

    @property
    def export(self) -> Export:
        """The export, read in ``encoding``."""
        return Export(self.data, self.encoding, written=self.encoding_written,
                      renamed=self.renamed, decimals=self.decimals)  # fmt: skip

    @property
    def tier_names(self) -> tuple[str, ...]:
        """The tiers as AUM's ``tier`` dimension writes them: ``<50万``, ``50万–300万``, …"""
        bounds = [_written(bound) for bound in self.client_tiers]
        middle = [f"{low}–{high}" for low, high in itertools.pairwise(bounds)]
        return (f"<{bounds[0]}", *middle, f"≥{bounds[-1]}")


def _written(amount: float) -> str:
    if amount >= 10_000 and amount % 10_000 == 0:
        return f"{amount / 10_000:g}万"
    return f"{amount:g}元"


def _written_as(value: object) -> str:
    """A setting's value as okrdesk.toml has it: 2.5, not Decimal('2.5')."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return f"[{', '.join(map(_written_as, value))}]"
    return repr(value)


def _tiers(table: Mapping[str, Any]) -> tuple[float, ...]:
    value = table.get("client_tiers", list(DEFAULT_CLIENT_TIERS))
    written = _written_as(value)
    wrong = SettingsError(
        "client_tiers",
        "must be a list of amounts in 元 where each tier begins, rising and greater than 0 "
        f"(e.g. [500000, 3000000, 8000000]), not {written}",
        zh="应为各客户层级起点的金额（元）的列表，逐个递增且大于 0"
        f"（如 [500000, 3000000, 8000000]），不能是 {written}",
    )
    if not isinstance(value, list | tuple) or not value:
        raise wrong
    bounds: list[float] = []
    for item in value:
        number = number_setting(item)
        if number is None or number <= 0 or (bounds and number <= bounds[-1]):
            raise wrong
        bounds.append(number)
    return tuple(bounds)


def _number(
    table: Mapping[str, Any], key: str, default: float, *, positive: bool, whole: bool = False
) -> float:
    """A number setting; ``whole``: one that counts accounts, so that the counts made with
    it stay whole (okrdesk refuses a fractional count)."""
    value = table.get(key, default)
    number = number_setting(value)
    written = _written_as(value)
    if number is None:
        raise SettingsError(
            key, f"must be a number, not {written}", zh=f"应为数字，不能是 {written}"
        )
    if number < 0 or (positive and number == 0):
        bound, bound_zh = ("greater than 0", "大于 0") if positive else ("0 or more", "不小于 0")
        raise SettingsError(key, f"must be {bound}, not {written}",
                            zh=f"应{bound_zh}，不能是 {written}")  # fmt: skip
    if whole and number != int(number):
        raise SettingsError(key, f"must be a whole number of accounts, not {written}",
                            zh=f"应为整数个账户，不能是 {written}")  # fmt: skip
    return number


def _encoding(table: Mapping[str, Any]) -> str | None:
    """Python's name for the ``encoding`` setting's; None for UTF-8 (or none given)."""
    value = table.get("encoding")
    if value is None:
        return None
    found = text_encoding(value) if isinstance(value, str) else None
    if found is None:
        written = _written_as(value)
        raise SettingsError(
            "encoding",
            f'must name the encoding the export is saved in, such as "gb18030" (GBK '
            f'too), "utf-16" or "utf-8", not {written}',
            zh=f'应为导出文件的编码，如 "gb18030"（也能读 GBK）、"utf-16" 或 "utf-8"，'
            f"不能是 {written}",
        )
    return None if found in UTF8 else found


def _written_encoding(table: Mapping[str, Any]) -> str | None:
    """The ``encoding`` setting as written, for messages to quote; None where not a text."""
    value = table.get("encoding")
    return value if isinstance(value, str) else None


FILE_NAMES = {spec.name.removesuffix(".csv"): spec for spec in FILES}
"""The export's files by the name the ``columns`` setting gives them: ``assets`` for
assets.csv (a key with no dot in it, whose line okrdesk finds)."""

_MONEY_FILES = [name for name, spec in FILE_NAMES.items()
                if any(column.kind in NUMBERS for column in spec.columns)]  # fmt: skip


def _decimals(table: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The ``decimal`` setting: ``","`` or ``"."`` for every file, or a table of the files
    with money (``trades = ","``), each with its own."""
    value = table.get("decimal")
    if value is None:
        return ()
    marks = '"," (1.234,50 is 1234.50, 1,234 is 1.234) or "." (1,234.50 is 1234.50)'
    marks_zh = '","（1.234,50 即 1234.50，1,234 即 1.234）或 "."（1,234.50 即 1234.50）'
    if isinstance(value, str):
        if value not in DECIMAL_MARKS:
            written = _written_as(value)
            raise SettingsError("decimal", f"must be the export's decimal mark, {marks}, not "
                                f"{written}", zh=f"应为导出文件的小数点：{marks_zh}，不能是 "
                                f"{written}")  # fmt: skip
        return (("", value),)
    files = ", ".join(_MONEY_FILES)
    if not isinstance(value, Mapping):
        written = _written_as(value)
        raise SettingsError(
            "decimal", f"must be the export's decimal mark, {marks}, or a table of its files "
            f'with money ({files}) each with its own (trades = ","), not {written}',
            zh=f"应为导出文件的小数点：{marks_zh}；或以有金额的文件（{files}）为键、各写其小数点的"
            f'表（trades = ","），不能是 {written}',
        )  # fmt: skip
    found = []
    for name, mark in value.items():
        key = f"decimal.{name}"
        stem = str(name).removesuffix(".csv")
        if stem not in _MONEY_FILES:
            raise SettingsError(key, f"names no file of the export with money (those: {files})",
                                zh=f"不是有金额的导出文件之一（这些文件：{files}）")  # fmt: skip
        if mark not in DECIMAL_MARKS:
            written = _written_as(mark)
            raise SettingsError(
                key, f"must be the file's decimal mark, {marks}, not {written}",
                zh=f"应为这个文件的小数点：{marks_zh}，不能是 {written}",
            )  # fmt: skip
        found.append((FILE_NAMES[stem].name, str(mark)))
    return tuple(found)


class Columns(NamedTuple):
    """The ``columns`` setting read: ``renamed``, ``(file, header, column)`` for each header
    it renames; ``errors``, what is wrong with it, each at its key; ``unsure``, the files
    whose renames are refused in part (all of them, with None), whose headers are then
    not checked for the columns those would give."""

    renamed: tuple[tuple[str, str, str], ...]
    errors: list[SettingsError]
    unsure: set[str] | None


def _columns(table: Mapping[str, Any]) -> Columns:
    """The ``columns`` setting, ``{file: {header: column}}``, read."""
    value = table.get("columns", {})
    files = ", ".join(FILE_NAMES)
    if not isinstance(value, Mapping):
        written = _written_as(value)
        return Columns((), [SettingsError(
            "columns",
            f"must be a table of the export's files ({files}), each a table of the "
            f'file\'s header names and the columns they are, such as "客户号" = "client_id", '
            f"not {written}",
            zh=f"应为以导出文件（{files}）为键的表，每个文件下写表头名和它对应的列，如 "
            f'"客户号" = "client_id"，不能是 {written}',
        )], None)  # fmt: skip
    renamed: list[tuple[str, str, str]] = []
    errors: list[SettingsError] = []
    unsure: set[str] = set()
    for name, headers in value.items():
        spec = FILE_NAMES.get(str(name).removesuffix(".csv"))
        key = f"columns.{name}"
        if spec is None:
            errors.append(SettingsError(
                key, f"names no file of the export (the files: {files})",
                zh=f"不是导出文件之一（文件有：{'、'.join(FILE_NAMES)}）",
            ))  # fmt: skip
            continue
        count = len(errors)
        if not isinstance(headers, Mapping):
            written = _written_as(headers)
            errors.append(SettingsError(
                key, f'must be a table of header names and columns, such as "客户号" = '
                f'"client_id", not {written}',
                zh=f'应为表头名和列的表，如 "客户号" = "client_id"，不能是 {written}',
            ))  # fmt: skip
            unsure.add(spec.name)
            continue
        known = ", ".join(spec.header)
        taken: dict[str, str] = {}
        for header, column in headers.items():
            at = f"{key}.{header}"
            if column not in spec.header:
                written = _written_as(column)
                errors.append(SettingsError(
                    at, f"must name a column of {spec.name} ({known}), not {written}",
                    zh=f"应为 {spec.name} 的列之一（{'、'.join(spec.header)}），不能是 {written}",
                ))  # fmt: skip
            elif column in taken:
                errors.append(SettingsError(
                    at, f"names {column!r}, which {taken[column]!r} names already: a column "
                    "is read from one header",
                    zh=f"指向 {column!r}，但 {taken[column]!r} 已经指向它：一列只能从一个表头读取",
                ))  # fmt: skip
            else:
                taken[column] = header
                renamed.append((spec.name, header, column))
        if len(errors) > count:
            unsure.add(spec.name)
    return Columns(tuple(renamed), errors, unsure)


def _raise_first(found: Columns) -> tuple[tuple[str, str, str], ...]:
    for error in found.errors:
        raise error
    return found.renamed


def _unknown(table: Mapping[str, Any]) -> list[SettingsError]:
    known, known_zh = ", ".join(KNOWN_KEYS), "、".join(KNOWN_KEYS)
    return [
        SettingsError(
            key,
            f"is not one this plugin knows (known settings: {known})",
            zh=f"不是本插件认识的设置（认识的设置：{known_zh}）",
        )
        for key in sorted(set(table) - set(KNOWN_KEYS))
    ]


def _data(table: Mapping[str, Any], workspace: Path) -> Path:
    data = table.get("data")
    if data is None:
        raise SettingsError("data", "is required: the folder holding the CSV export",
                            zh="必须填写（存放 CSV 导出文件的文件夹）")  # fmt: skip
    if not isinstance(data, str | Path) or not str(data).strip():
        raise SettingsError("data", f"must be a folder path, not {data!r}",
                            zh=f"应为文件夹路径，不能是 {data!r}")  # fmt: skip
    folder = Path(workspace) / data
    shown = repr(str(folder))
    if folder.exists() and not folder.is_dir():
        raise SettingsError("data", f"names {shown}, which is a file, not a folder",
                            zh=f"指向的 {shown} 是文件，不是文件夹")  # fmt: skip
    if not folder.is_dir():
        raise SettingsError("data", f"names folder {shown}, which does not exist",
                            zh=f"指向的文件夹 {shown} 不存在", missing=True)  # fmt: skip
    return folder


def read_settings(table: Mapping[str, Any], workspace: Path) -> Settings:
    """Check the table and resolve ``data``; raise SettingsError naming the bad key."""
    for unknown in _unknown(table):
        raise unknown
    return Settings(
        data=_data(table, workspace),
        hnw_threshold=_number(table, "hnw_threshold", DEFAULT_HNW_THRESHOLD, positive=True),
        effective_assets_min=_number(
            table, "effective_assets_min", DEFAULT_EFFECTIVE_ASSETS_MIN, positive=False
        ),
        institutional_weight=_number(
            table, "institutional_weight", DEFAULT_INSTITUTIONAL_WEIGHT, positive=True, whole=True
        ),
        client_tiers=_tiers(table),
        encoding=_encoding(table),
        encoding_written=_written_encoding(table),
        renamed=_raise_first(_columns(table)),
        decimals=_decimals(table),
    )


def _headers_absent(export: Export, spec: ExportFile) -> list[SettingsError]:
    """An error at its key of each header the ``columns`` setting names for ``spec``'s
    file that the file's header lacks (none when the file is not there, or its header
    cannot be read: ``header_problem`` says why)."""
    renames = export.renames(spec)
    header = header_names(export, spec) if renames else None
    if header is None:
        return []
    found = ",".join(header)
    if len(found) > FOUND_MOST:
        found = found[:FOUND_MOST] + "…"
    stem = spec.name.removesuffix(".csv")
    return [
        SettingsError(
            f"columns.{stem}.{name}",
            f"names a header {spec.name} does not have (its header: {found})",
            zh=f"{spec.name} 的表头里没有这一列（它的表头：{found}）",
        )
        for name in renames
        if name not in header
    ]


STREAMED_MOST = 16 << 20
"""Bytes of the money files ``okrdesk validate`` checks that the csv module reads, a row at
a time, in the memory of a header's check; DuckDB counts larger exports, in a fifth of the
time (a firm's 65 MB in about 0.3 s, where the csv module takes 1.5 s), for the 60 MB more
it takes to load."""


def _money_problems(export: Export, specs: Collection[ExportFile]) -> list[SettingsError]:
    """An error for each file of ``specs`` (whose headers are sound) with a blank money
    cell, which the collect refuses, naming the first ``CELLS_SHOWN`` at their line and
    column; and for each of semicolons with a number in its money that may be read two
    ways (``1,234``) and no ``decimal`` set, which the collect refuses too. The csv module
    reads a branch's files (below ``STREAMED_MOST``): DuckDB, which did, took validate on
    the demo from 24 MB to 81 MB. DuckDB counts in larger ones, and only a file with
    something to say is read again, row by row, to the last cell named."""
    if not specs:
        return []
    size = 0
    for spec in specs:
        with contextlib.suppress(OSError):
            size += (export.folder / spec.name).stat().st_size
    found: list[SettingsError] = []
    with contextlib.ExitStack() as stack:
        counts = _duckdb_counts(stack, export) if size >= STREAMED_MOST else None
        for spec in specs:
            try:
                counted = None if counts is None else counts(spec)
                if counted == (0, 0):
                    continue
                cells = money_cells(export, spec, counted)
            except BrokerageError:
                continue  # not text in its encoding, or not CSV: the collect says so, at its line
            if cells.blank_rows:
                found.append(_blank_cells(spec, cells))
            if cells.either:
                en, zh = either_said(spec.name, cells)
                found.append(SettingsError("data", f"{spec.name} has {en}", zh=f"{spec.name} {zh}"))
    return found


def _duckdb_counts(
    stack: contextlib.ExitStack[bool | None], export: Export
) -> Callable[[ExportFile], tuple[int, int] | None]:
    """``engine.money_counts`` of a file of ``export``, on a connection (and in a scratch
    folder) that ``stack`` closes."""
    from okrdesk_brokerage import engine

    scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="okrdesk-brokerage-")))
    # Files in another encoding are read through the UTF-8 copy the collect makes.
    copied = attrs.evolve(export, copies=scratch / "utf-8")
    # Its scratch space is the collect's, for the export's files (engine.connect).
    read: list[Path] = []
    with contextlib.suppress(OSError):  # an export folder not there reads nothing
        read = [path for path in export.folder.iterdir() if path.is_file()]
    con = stack.enter_context(contextlib.closing(engine.connect(scratch / "spill", reads=read)))
    return lambda spec: engine.money_counts(con, copied, spec)


def _blank_cells(spec: ExportFile, cells: MoneyCells) -> SettingsError:
    """The error of ``spec``'s file, ``cells.blank_rows`` of whose rows have a blank money
    cell."""
    # Cells, not rows: two rows with two blank cells each are four, one of them not named.
    more = cells.blank_cells > len(cells.blank)
    shown, shown_en = "、".join(cells.blank), ", ".join(cells.blank)
    count = cells.blank_rows
    rows_en = f"{count} row" + "s" * (count != 1)
    return SettingsError(
        "data",
        f"{spec.name} has money left blank in {rows_en} (write 0 for none): {shown_en}"
        + (", …" if more else ""),
        zh=f"{spec.name} 有 {count} 行金额为空（没有就写 0）：{shown}" + ("等" if more else ""),
    )


def settings_errors(
    table: Mapping[str, Any],
    workspace: Path,
    metrics: Collection[str] | None = None,
    *,
    money: bool = True,
) -> list[SettingsError]:
    """Every error ``read_settings`` would raise one at a time, at once, a data folder
    without the client book every metric reads, each file of the export there whose
    header the collect would refuse (read from its first line alone, in ``encoding``),
    and each whose money is left blank in a row or may be read two ways
    (``_money_problems``): for ``okrdesk
    validate``. Given the ``metrics`` a collect will ask for, only the
    files those read (and the client book) are checked, and none when there are none:
    the collect opens no other (and no collect asks this plugin for nothing). A missing
    client book is said whatever the metrics (a warning: the source being set up).
    Without ``money`` the money columns are not read (a collect reads them itself)."""
    found = _unknown(table)
    checks: list[Callable[[], object]] = [
        lambda: _number(table, "hnw_threshold", DEFAULT_HNW_THRESHOLD, positive=True),
        lambda: _number(
            table, "effective_assets_min", DEFAULT_EFFECTIVE_ASSETS_MIN, positive=False
        ),
        lambda: _number(
            table, "institutional_weight", DEFAULT_INSTITUTIONAL_WEIGHT, positive=True, whole=True
        ),
        lambda: _tiers(table),
    ]
    try:
        decimals = _decimals(table)
    except SettingsError as error:
        found.append(error)
        decimals = ()  # a file of semicolons is then refused where its numbers say so
    try:
        encoding = _encoding(table)
    except SettingsError as error:
        found.append(error)
        encoding = None  # the headers read as UTF-8, where a byte-order mark says not
    renamed, wrong_columns, unsure = _columns(table)
    found.extend(wrong_columns)
    try:
        folder = _data(table, workspace)
    except SettingsError as error:
        found.append(error)
    else:
        read = None if metrics is None else {CLIENTS.name, *files_read_by(metrics)}
        if not metrics and metrics is not None:
            read = set()  # the plan uses none of these metrics: nothing is read
        # A warning, kept while the plan uses none of these metrics yet (a branch setting
        # the source up before its key results): it fails nothing.
        if not (folder / CLIENTS.name).is_file():
            shown, name = repr(str(folder)), CLIENTS.name
            there, there_zh = look_alikes(folder, name)
            found.append(SettingsError(
                "data", f"names folder {shown}, which holds no {name}: every metric reads it"
                f"{there}",
                zh=f"指向的文件夹 {shown} 里没有 {name}：每个指标都要读它{there_zh}", missing=True,
            ))  # fmt: skip
        export = Export(folder, encoding, written=_written_encoding(table), renamed=renamed,
                        decimals=decimals)  # fmt: skip
        with_money: list[ExportFile] = []
        for spec in FILES:
            if read is not None and spec.name not in read:
                continue
            absent = _headers_absent(export, spec)
            found.extend(absent)
            if absent or unsure is None or spec.name in unsure:
                continue  # the columns setting's errors say what is wrong
            wrong = header_problem(export, spec)
            if wrong is not None:
                found.append(SettingsError("data", wrong.said.en, zh=wrong.said.zh))
            elif money and any(column.kind in NUMBERS for column in spec.columns):
                with_money.append(spec)
        found.extend(_money_problems(export, with_money))
    for check in checks:
        try:
            check()
        except SettingsError as error:
            found.append(error)
    return found
