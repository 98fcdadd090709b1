"""Stored numbers, check-ins, spend and runs as JSON or CSV for other tools.

A CSV file is opened in Excel or WPS, which run a cell beginning with ``=``,
``+``, ``-``, ``@``, tab or carriage return as a formula (``=HYPERLINK(...)``,
``+1+cmd|' /C calc'!A0``). Every text cell that begins so gets a leading
apostrophe (OWASP's advice on CSV injection), which the spreadsheet shows as
text. A number is written as a plain decimal numeral, which a spreadsheet
reads as a number and never as a formula, so ``-12.5`` stays a number. JSON
is data for programs and is written as stored.

CSV starts with a UTF-8 byte order mark, so Excel on a Chinese Windows reads
names as UTF-8 rather than GBK. In every format, observations, check-ins and
spend carry a ``unit`` naming the unit their value is stored in (元, 户, ratio:
0.05 is 5%; in an English CSV or workbook, for people, CNY, accts), after the
value, and observations their ``ratio`` (numerator / denominator, for a rate,
which stores no value), their period's ``grain`` (a metric stored by week and
by month is added up at one) and ``no_rows`` (a zero for no rows, not a 0 counted):
a column in CSV and xlsx, a field in JSON (added
within ``okrdesk.export/1``: every field a reader took before is there as it
was). ``xlsx`` writes every table as a sheet: numbers as number cells, dates as
date cells (``DATES``), text as text (never a formula), nothing as a blank cell,
the header row frozen; the export command puts first a sheet that says whose
numbers they are and as of when (``Provenance``).

Every format streams, never a whole table in memory, so a firm's export takes
as much memory as a branch's. The rows are first read from the store, in one
read (one snapshot), into temporary files (``_read``), and written out from
there once the store is closed: a PostgreSQL server keeps the export's
snapshot for as long as reading takes, not for as long as a slow pipe or a
workbook takes to write, so VACUUM and a collect's writes never wait on it;
and a store damaged anywhere in what is exported fails the export before its
first byte, so the reader of a pipe never takes a cut export for a whole one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import itertools
import json
import math
import pickle
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from okrdesk.app.session import Session
from okrdesk.errors import OkrdeskError, Said, ValidationFailed
from okrdesk.files import atomic_writer
from okrdesk.messages import label
from okrdesk.model import slice_of, slice_values
from okrdesk.periods import grain_of, local_time
from okrdesk.report.formats.xlsx import width
from okrdesk.report.formats.xlsx import write_text as write_cell_text
from okrdesk.signals_held import signals_held
from okrdesk.store import Store
from okrdesk.units import Dimension, UnitOfMeasure, base_unit, lookup, unit_word

SCHEMA = "okrdesk.export/1"
BINARY_NEEDS_OUT = Said(
    "--format xlsx writes a binary file: give --out FILE.xlsx",
    "--format xlsx 输出的是二进制文件：请用 --out 文件.xlsx 指定写到哪里",
)
TABLE_IS_FOR_CSV = Said(
    "--table chooses the one table of a CSV export; {fmt} holds every table. Add "
    "--format csv for that table alone, or leave --table out",
    "--table 用于选择 CSV 导出的那一张表；{fmt} 包含全部表。只要这一张表请加 --format csv，"
    "否则请去掉 --table",
)
SPREADSHEET_NAMES = ("xls", "xlsm", "xlsb", "xltx", "ods", "et", "tsv")
"""Extensions of workbooks and tables okrdesk does not write: ``--out firm.xls`` wrote
JSON there (the default), which the spreadsheet then would not open."""
NOT_A_FORMAT = Said(
    "--out {out}: okrdesk does not write .{suffix} files, and JSON (what it writes when "
    "the name does not say) would not open in a spreadsheet. Name it .xlsx for a workbook "
    "(Excel, WPS) or .csv, or give --format json, csv or xlsx. Nothing was written",
    "--out {out}：okrdesk 不写 .{suffix} 文件；文件名看不出格式时写的是 JSON，电子表格打不开。"
    "要工作簿（Excel、WPS）请用 .xlsx，或用 .csv，或用 --format json、csv 或 xlsx 指定格式。"
    "未写入任何内容",
)
BOM = "\ufeff"
UNIT_FIELD = {"observations": "value", "checkins": "value", "spend": "amount_yuan"}
"""The column each table's unit names, and after which it stands."""
FIELDS = {
    "observations": [
        "metric", "subject", "period", "period_start", "period_end", "value", "numerator",
        "denominator", "source", "plugin", "run", "partial_through", "slice",
    ],
    "checkins": [
        "id", "key_result", "subject", "day", "value", "confidence", "note", "recorded",
        "moved_from", "moved", "author",
    ],
    "spend": [
        "id", "line", "day", "amount_yuan", "signed_by", "note", "override_reason", "recorded",
        "plan_unit", "plan_id", "moved_from", "moved",
    ],
    "runs": [
        "id", "started", "finished", "status", "command", "through", "plugins", "errors", "revised",
        "warnings", "metrics", "plan_unit", "moved_from",
    ],
}  # fmt: skip


Row = tuple[Any, ...]

LINES_AT_ONCE = 4096
"""CSV and JSON lines handed on to the file or the terminal at a time."""
ROWS_KEPT_AT_ONCE = 4096
"""Rows put into (and taken from) the temporary files of ``_read`` at a time."""


def _rows(store: Store, table: str, slices: bool) -> Iterator[Row]:
    """The rows of ``table`` with the columns of ``FIELDS``, in order (an observation's
    ``no_rows`` after them), as the store reads them: one at a time, never the whole
    table."""
    if table == "observations":
        for o in store.observation_rows(sliced=slices):
            # period_start, period_end and partial_through are stored as ISO dates already;
            # a slice's text is written as the store keys it (slice_of), names sorted.
            # no_rows, stored as 0 or 1, is a yes or no: JSON's false or true.
            cut = o[12] and slice_of(slice_values(o[12]))
            yield (*o[:12], cut, bool(o[13]))
    elif table == "checkins":
        for c in store.each_checkin():
            yield (c.id, c.key_result, c.subject, c.day.isoformat(), c.value, c.confidence,
                   c.note, c.recorded, c.moved_from, c.moved, c.author)  # fmt: skip
    elif table == "spend":
        for e in store.each_spend():
            yield (e.id, e.line, e.day.isoformat(), e.amount, "; ".join(e.signed_by), e.note,
                   e.override_reason, e.recorded, e.plan_unit, e.plan_id, e.moved_from,
                   e.moved)  # fmt: skip
    else:
        for r in store.each_run():
            yield (
                r.id, r.started, r.finished, r.status, r.command, r.through,
                "; ".join(f"{k} {v}".strip() for k, v in r.plugins.items()),
                "; ".join(r.errors),
                "; ".join(
                    f"{metric} " + ", ".join(f"{p} ({n})" for p, n in sorted(periods.items()))
                    for metric, periods in sorted(r.revised.items())
                ),
                "; ".join(r.warnings),
                None if r.metrics is None else "; ".join(r.metrics),
                r.plan_unit,
                r.moved_from,
            )  # fmt: skip


class _Lookup(dict[str, str]):
    """Stored units by name, noting in ``unknown`` the names looked up and not found."""

    def __init__(self, known: Mapping[str, str] | None, unknown: set[str]) -> None:
        super().__init__(known or {})
        self.unknown = unknown

    def __missing__(self, name: str) -> str:
        self.unknown.add(name)
        self[name] = ""
        return ""


class Units:
    """Each metric's stored unit by name and each key result's by id (``units_of``), in
    two lookups: a plugin may name a metric ``crm.conversion`` (a rate) where the target
    files have a key result ``crm.conversion`` counting clients, and one lookup for both
    gave the metric's figures the key result's 户. ``unknown`` holds the names an export
    looked up and found no unit for: their unit cells are empty, which the command says
    rather than leave a reader to wonder. ``money``: what spend's unit cells say."""

    def __init__(
        self,
        metrics: Mapping[str, str] | None = None,
        key_results: Mapping[str, str] | None = None,
        money: str = "元",
    ) -> None:
        self.unknown: set[str] = set()
        self.metrics = _Lookup(metrics, self.unknown)
        self.key_results = _Lookup(key_results, self.unknown)
        self.money = money


def _with_unit(
    table: str, rows: Iterable[Row], units: Units, unknown: str | None = ""
) -> Iterator[Row]:
    """The rows of ``table`` (as ``_rows`` gives them) with the fields ``fields(table)``
    adds: the unit, an observation's metric's stored unit or a check-in's key result's
    (``unknown`` when there is none, noted in ``units.unknown``), 元 for spend; and an
    observation's ``grain`` and ``ratio``."""
    rows = iter(rows)
    if table not in UNIT_FIELD:
        return rows
    at = FIELDS[table].index(UNIT_FIELD[table]) + 1
    if table == "spend":
        return ((*row[:at], units.money, *row[at:]) for row in rows)
    if table == "observations":
        return _observations_out(rows, units.metrics.__getitem__, unknown)
    get, named_by = units.key_results.__getitem__, FIELDS[table].index("key_result")
    return ((*row[:at], get(row[named_by]) or unknown, *row[at:]) for row in rows)


def _observations_out(
    rows: Iterator[Row], unit_of: Callable[[str], str], unknown: str | None
) -> Iterator[Row]:
    """Observations with their unit after ``value``, and after every other field their
    period's ``grain``, their ``ratio`` and ``no_rows``. ``ratio`` is numerator /
    denominator where both are stored and the denominator is not 0 (0/0 is no figure, as
    in the report), else empty. A ratio metric stores only its parts, so its ``value`` is
    empty; ``value`` keeps that meaning (see docs/export.md, "Rates"). ``no_rows``: the
    figure is a zero for no rows (``emit(..., no_rows=True)``), not a 0 the source
    counted."""
    for row in rows:
        numerator, denominator = row[6], row[7]
        ratio = (
            float(numerator) / float(denominator) if numerator is not None and denominator else None
        )
        yield (*row[:6], unit_of(row[0]) or unknown, *row[6:13], _grain(row[2]), ratio, row[13])


_PERIOD = re.compile(r"[0-9]{4}-(?:W[0-9]{2}|Q[1-4]|[0-9]{2})")


@functools.lru_cache(maxsize=4096)
def _grain(period: str) -> str | None:
    """The grain of a period id (week, month, quarter): a metric may be stored by week and
    by month, and a sum over both counts each figure twice. None (empty) for an id of no
    grain okrdesk writes, rather than a guess."""
    return grain_of(period).value if _PERIOD.fullmatch(period) else None


def unknown_units(names: Sequence[str], fmt: str = "csv") -> Said:
    """What the export says of ``names`` (metrics, key results) whose unit cells it left
    empty (in JSON: ``null``): the first few by name, and why that happens."""
    shown = ", ".join(names[:5]) + (f" (+{len(names) - 5})" if len(names) > 5 else "")
    shown_zh = "、".join(names[:5]) + (f" 等 {len(names)} 项" if len(names) > 5 else "")
    empty, empty_zh = (
        ("the unit is null for", '以下各项的单位（"unit"）为 null')
        if fmt == "json"
        else ("the unit column is empty for", "以下各项的单位一栏为空")
    )
    return Said(
        f"warning: {empty} {shown}: no unit is known for them here "
        "(no plugin loaded here declares the metric, or the target files, as they are, "
        "have no such key result); `okrdesk validate` says why",
        f"警告：{empty_zh}：{shown_zh}；此处不知道它们的单位（此处加载的插件"
        "都不提供该指标，或目标文件按现状没有该关键结果）；`okrdesk validate` 可查明原因",
    )


def stored_unit(unit: UnitOfMeasure) -> str:
    """The unit a value in ``unit`` is stored in: 元 for money (万元 and 亿元 too), ratio for
    a rate (0.05 is 5%), 人 for 万人; a count or a multiple as it is declared (户, 个/户)."""
    if unit.dimension is Dimension.FRACTION:
        return "ratio"
    if unit.dimension in (Dimension.COUNT, Dimension.MULTIPLE) and unit.factor == 1:
        return unit.symbol
    if unit.dimension is Dimension.COUNT:  # 万户, 万人: stored as a count of 户, of 人
        one = lookup(unit.symbol.removeprefix("万"))
        if one is not None and one.dimension is Dimension.COUNT and one.factor == 1:
            return one.symbol
    return base_unit(unit.dimension).symbol


def in_words_of(symbol: str, lang: str) -> str:
    """A stored unit (``stored_unit``) as a spreadsheet in ``lang`` names it: in Chinese as
    stored (元, 户, 分); in English in the words the report's figures carry (CNY, accts,
    pts, per client), never 元 or 户 beside English headers; ``ratio`` either way."""
    unit = lookup(symbol)
    if lang == "zh" or symbol == "ratio" or unit is None:
        return symbol
    return unit_word(unit, "en")


def units_of(session: Session, lang: str = "zh") -> Units:
    """Each metric's stored unit by name and each key result's by id, apart, in the words
    of ``lang`` (``in_words_of``): the metrics' even when the target files have problems
    (the check-ins' units then stay unknown)."""

    def said(unit: UnitOfMeasure) -> str:
        return in_words_of(stored_unit(unit), lang)

    metrics = {name: said(spec.unit) for name, spec in session.host.metrics.items()}
    money = in_words_of("元", lang)
    try:
        plan = session.plan
    except ValidationFailed:
        return Units(metrics, money=money)
    key_results = {kr_id: said(kr.unit) for kr_id, kr in plan.key_results_by_id.items()}
    return Units(metrics, key_results, money)


ADDED = {
    "observations": {"value": ["unit"]},
    "checkins": {"value": ["unit"]},
    "spend": {"amount_yuan": ["unit"]},
}
"""The unit, after the stored field it names (where the CSV has always had it)."""
APPENDED = {"observations": ["grain", "ratio", "no_rows"]}
"""Fields added to ``okrdesk.export/1`` since, after every column a CSV had before: within
the version, every field a reader took keeps its name, value, meaning and, in CSV, its
place (a script reading the sixth column as the value still reads the value)."""


def fields(table: str) -> list[str]:
    """The columns of ``table`` (the fields of its JSON objects): the stored ones, each
    unit beside its value (``ADDED``), and after them all, for an observation, its
    period's grain, its ratio and whether it is a zero for no rows (``APPENDED``)."""
    added = ADDED.get(table, {})
    beside = [name for stored in FIELDS[table] for name in (stored, *added.get(stored, ()))]
    return beside + APPENDED.get(table, [])


def export_text(
    database: Path | str,
    fmt: str,
    table: str,
    units: Units | None = None,
    slices: bool = False,
) -> str:
    """What ``write_text`` writes, as one text (a small store's, for a test or a program)."""
    parts: list[str] = []
    write_text(database, fmt, table, parts.append, units, slices)
    return "".join(parts)


def write_text(
    database: Path | str,
    fmt: str,
    table: str,
    write: Callable[[str], object],
    units: Units | None = None,
    slices: bool = False,
) -> None:
    """The tables as JSON, or ``table`` as CSV, handed to ``write`` a few thousand lines at
    a time (each piece ends a line), so a firm's export takes as much memory as a branch's;
    whole figures only, unless ``slices`` adds each dimensioned figure's slices (``slice``
    names them, '' for the whole). Every row is read (``_read``) before the first piece
    is handed on: a store that cannot be read fails it before ``write`` is called."""
    with _read(database, _tables(fmt, table), slices) as read:
        _write(fmt, table, read, write, Units() if units is None else units)


def write_file(
    database: Path | str,
    fmt: str,
    table: str,
    out: Path,
    units: Units | None = None,
    slices: bool = False,
    about: Provenance | None = None,
) -> None:
    """``write_text``, or ``export_xlsx`` for xlsx (``about`` its first sheet), into the
    file ``out``: all or nothing (a temporary file beside it replaces it at the end), so
    an export that fails half-way, or is stopped, leaves ``out`` as it was."""
    if fmt == "xlsx":
        export_xlsx(database, out, units, slices, about=about)
        return
    out = Path(out)
    with contextlib.ExitStack() as stack:
        with signals_held():  # first: a folder that is not there is said of ``out``
            file = stack.enter_context(atomic_writer(out))
        read = stack.enter_context(_read(database, _tables(fmt, table), slices, out))
        _write(fmt, table, read, file.write, Units() if units is None else units)


def _tables(fmt: str, table: str) -> list[str]:
    """The tables an export in ``fmt`` holds: every one, but for CSV's one."""
    return [table] if fmt == "csv" else list(FIELDS)


def _write(
    fmt: str,
    table: str,
    read: Mapping[str, Iterable[Row]],
    write: Callable[[str], object],
    units: Units,
) -> None:
    if fmt == "json":
        _write_json(read, write, units)
    else:
        _write_csv(_with_unit(table, read[table], units), fields(table), write)


# ------------------------------------------------------ reading first


@contextlib.contextmanager
def _read(
    database: Path | str, tables: Sequence[str], slices: bool, out: Path | None = None
) -> Iterator[dict[str, Iterable[Row]]]:
    """Every row of ``tables`` (as ``_rows`` gives them), read from the store in one
    reading, so one snapshot of it, into temporary files beside ``out`` (in the system's
    folder, ``$TMPDIR``, for standard output), and the store closed again before the rows
    are written out.

    So the store's transaction (on PostgreSQL, a snapshot that keeps VACUUM from what a
    collect replaces) lasts as long as reading the rows takes, not as long as a slow pipe
    or a workbook takes to write them; and a store damaged anywhere in what is exported
    fails the export before its first byte, never part-way through it. The files have no
    name in the folder (removed as they are made) and go when the block ends."""
    with contextlib.ExitStack() as kept:
        read: dict[str, Iterable[Row]] = {}
        with Store.open(database, create=False) as store, store.reading():
            for table in tables:
                read[table] = kept.enter_context(_kept(_rows(store, table, slices), out))
        yield read


@contextlib.contextmanager
def _kept(rows: Iterable[Row], out: Path | None) -> Iterator[Iterable[Row]]:
    """``rows`` put into a temporary file a few thousand at a time, and the means to take
    them from it again, in the same order, once."""
    import tempfile  # here: most commands never need it

    folder = None if out is None else out.parent
    try:
        with signals_held():  # where a file system cannot make it nameless: made, then unlinked
            file = tempfile.TemporaryFile(prefix=".okrdesk-export-", dir=folder)  # noqa: SIM115 - closed below
    except OSError as error:
        raise _not_kept(out, error) from None
    with file:
        try:
            for batch in _batches(rows):
                pickle.dump(batch, file, pickle.HIGHEST_PROTOCOL)
            file.flush()
        except OSError as error:
            if error.errno not in _FULL:
                raise
            raise _not_kept(out, error) from None
        file.seek(0)
        yield _taken(file)


_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def _batches(rows: Iterable[Row]) -> Iterator[list[Row]]:
    rows = iter(rows)
    while batch := list(itertools.islice(rows, ROWS_KEPT_AT_ONCE)):
        yield batch


def _taken(file: Any) -> Iterator[Row]:
    # Only okrdesk's own rows are read back: the file has no name anyone else could open.
    while True:
        try:
            batch = pickle.load(file)
        except EOFError:
            return
        yield from batch


def _not_kept(out: Path | None, error: OSError) -> OkrdeskError:
    """A disk too full (or failing) for the rows ``_read`` keeps: where, why, what to do."""
    import tempfile

    reason = error.strerror or str(error)
    if out is None:
        folder = tempfile.gettempdir()
        return OkrdeskError(Said(
            f"could not keep the rows read for the export in {folder} ({reason}); nothing "
            "was written. The export needs about as much free room there as it takes: free "
            "some, or set TMPDIR to a folder with room",
            f"无法把导出读出的数据暂存到 {folder}（{reason}）；未输出任何内容。导出需要在那里"
            "有与导出结果大小相当的空闲空间：请腾出空间，或用 TMPDIR 指定一个空间足够的文件夹",
        ))  # fmt: skip
    return OkrdeskError(Said(
        f"{out}: could not keep the rows read for the export beside it ({reason}); it was "
        "left as it was. The export needs about as much free room there as it takes: free "
        "some, or write to a folder with room",
        f"{out}：无法把导出读出的数据暂存在它旁边（{reason}）；文件保持原样。导出需要在那里"
        "有与导出结果大小相当的空闲空间：请腾出空间，或写到空间足够的文件夹",
    ))  # fmt: skip


# ------------------------------------------------------ writing out


def _write_csv(rows: Iterable[Row], columns: list[str], write: Callable[[str], object]) -> None:
    lines = [BOM + _csv_line(columns)]
    for row in rows:
        lines.append(",".join(map(_csv_cell, row)) + "\n")
        if len(lines) == LINES_AT_ONCE:
            write("".join(lines))
            lines.clear()
    write("".join(lines))


def _write_json(
    read: Mapping[str, Iterable[Row]], write: Callable[[str], object], units: Units
) -> None:
    """The document ``json.dumps(..., ensure_ascii=False, indent=2, default=str)`` writes
    of {"schema": ..., table: [row, ...], ...}, character for character, written a row at
    a time; each row an object of ``fields(table)``, its unit ``null`` where none is
    known. Its closing brace comes last: a document cut short (the export stopped) is
    one no JSON parser reads."""
    write('{\n  "schema": ' + _json_value(SCHEMA))
    for table in FIELDS:
        keys = [f'      "{name}": ' for name in fields(table)]
        write(f',\n  "{table}": [')
        lines: list[str] = []
        before = "\n"
        for row in _with_unit(table, read[table], units, unknown=None):
            body = ",\n".join(
                [key + _json_value(value) for key, value in zip(keys, row, strict=True)]
            )
            lines.append(before + "    {\n" + body + "\n    }")
            before = ",\n"
            if len(lines) == LINES_AT_ONCE:
                write("".join(lines))
                lines.clear()
        write("".join(lines) + ("]" if before == "\n" else "\n  ]"))
    write("\n}\n")


_JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)


def _json_value(value: object) -> str:
    """``value`` as ``json.dumps(value, ensure_ascii=False, default=str)`` writes it."""
    kind = type(value)
    if kind is str:
        return _json_text(value)
    if kind is float and value - value == 0:  # type: ignore[operator]
        return float.__repr__(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    return _JSON_ENCODER.encode(value)


@functools.lru_cache(maxsize=65536)
def _json_text(value: str) -> str:
    return _JSON_ENCODER.encode(value)


def _csv_cell(value: object) -> str:
    """``spreadsheet_cell(value)``, quoted as a CSV field where it needs to be; a float (most
    cells of a firm's observations) the short way."""
    if type(value) is float:
        if value - value != 0:  # inf or nan: text
            return _csv_text(str(value))
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return float.__repr__(value)
    if type(value) is str:
        return _csv_text(value)
    if value is None:
        return ""
    if type(value) is int:  # an id: a numeral, never quoted
        return int.__repr__(value)
    if type(value) is bool:  # a mark (no_rows): 1 or 0, which a pivot table adds up
        return "1" if value else "0"
    return _quoted(spreadsheet_cell(value))


@functools.lru_cache(maxsize=65536)
def _csv_text(value: str) -> str:
    return _quoted(_text_cell(value))


def _quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\r\n') else cell


SHEET_ROWS = 1_048_575
"""Rows of data an Excel sheet holds under its header (Excel's 1,048,576 rows in all)."""


# ------------------------------------------------------ whose export, as of when


_ABOUT = {
    "zh": {"sheet": "说明", "item": "项目", "value": "内容", "workspace": "工作区",
           "plan": "计划", "unit": "单位", "exported": "导出时间",
           "through": "数据截至", "collected": "{day}（最近一次采集，完成于 {when}）",
           "collected_failed": "{day}（最近一次采集，完成于 {when}，部分指标出错，见 runs 表）",
           "none": "尚无采集", "unknown": "目标文件有问题，未能读取",
           "tables": "表中数字", "shared": "数据库中所有计划的数字：除本计划外，还有单位 {others} "
           "的计划共用此数据库，其数字也在表中（按 subject、plan_unit 区分）",
           "units": "单位说明", "units_said": "每个数值旁的 unit 列：元（金额，1万元记为 "
           "10000）、ratio（比率，0.05 即 5%）、户/人/单等计数、分、个/户"},
    "en": {"sheet": "About", "item": "Item", "value": "Value", "workspace": "Workspace",
           "plan": "Plan", "unit": "Unit", "exported": "Exported",
           "through": "Figures through", "collected": "{day} (latest collect, finished {when})",
           "collected_failed": "{day} (latest collect, finished {when}, with errors for some "
           "metrics: see the runs sheet)",
           "none": "nothing collected yet", "unknown": "the target files have problems",
           "tables": "Tables hold", "shared": "every plan's figures in the store: the plans "
           "of {others} share it too, and theirs are in the tables as well (told apart by "
           "subject and plan_unit)",
           "units": "Units", "units_said": "the unit column beside each value: CNY (an "
           "amount in yuan, CNY 10k written 10000), ratio (0.05 is 5%), accts, people, "
           "deals and other counts, pts, per client"},
}  # fmt: skip
"""The words of a workbook's first sheet, which says whose export it is and as of when."""


@attrs.frozen
class Provenance:
    """Whose stored numbers an export holds and when it was made: a workbook forwarded
    in a group chat said neither, and read as anyone's, as of any day."""

    lang: str
    workspace: str
    plan: str | None
    unit: str | None
    exported: str
    plan_unit: str | None = None
    """The plan's unit id (``[plan] unit``), whose collects are this plan's: None where
    the target files cannot be read."""

    def rows(
        self,
        through: str | None,
        finished: str | None,
        failed: bool = False,
        others: Sequence[str] = (),
    ) -> list[tuple[str, str]]:
        """The sheet's rows, with the day the plan's latest collect ran through (None:
        none), whether it failed for some metric (what the others stored is in the
        tables), and the unit ids of the other plans whose collects share the store."""
        words = _ABOUT[self.lang]
        said = words["collected_failed" if failed else "collected"]
        collected = (
            said.format(day=through, when=local_time(finished or "", zoned=True))
            if through
            else words["none"]
        )
        rows = [
            (words["workspace"], self.workspace),
            (words["plan"], self.plan or words["unknown"]),
            (words["unit"], self.unit or words["unknown"]),
            (words["through"], collected),
        ]
        if others:
            shown = [*others[:_OTHERS_NAMED], *(["…"] if len(others) > _OTHERS_NAMED else [])]
            listed = ("、" if self.lang == "zh" else ", ").join(shown)
            rows.append((words["tables"], words["shared"].format(others=listed)))
        return [
            *rows,
            (words["exported"], self.exported),
            (words["units"], words["units_said"]),
        ]


_OTHERS_NAMED = 5
"""The other plans' unit ids an About sheet names before "…"."""


def provenance(root: Path, session: Session | None, lang: str) -> Provenance:
    """Whose export this is: the workspace's folder, its plan and the unit the plan is
    for, in ``lang``; the plan None where the target files cannot be read."""
    plan = None
    if session is not None:
        with contextlib.suppress(OkrdeskError):
            plan = session.plan
    exported = local_time(dt.datetime.now(dt.UTC).isoformat(), zoned=True)
    folder = root.resolve().name  # "." is no name to a reader
    if plan is None:
        return Provenance(lang, folder, None, None, exported)
    from okrdesk.report.cells import unit_said

    unit = plan.units_by_id.get(plan.top)
    level = unit.level if unit is not None else ""
    who = unit_said(plan.name_of(plan.top), plan.top, level, lang)
    named = label(lang, "in_brackets", text=plan.id)
    return Provenance(lang, folder, plan.name + named, who, exported, plan.top)


_PLAN_UNIT = FIELDS["runs"].index("plan_unit")


def _latest_collect(
    runs: Sequence[Row], plan_unit: str | None
) -> tuple[str | None, str | None, bool]:
    """The day the latest collect of the plan of ``plan_unit`` (any plan's, where None; a
    run older than plans kept with their runs counts for every plan) ran through, when
    it finished, and whether it failed for some metric: one that failed stored the
    figures of the others, which the tables hold (one still running, or stopped, is
    none). A branch's on a firm's store: another branch's later collect is not its."""
    done = [
        r for r in runs
        if r[3] in ("ok", "failed") and r[4] == "collect" and r[5]
        and (plan_unit is None or r[_PLAN_UNIT] in ("", plan_unit))
    ]  # fmt: skip
    if not done:
        return None, None, False
    latest = max(done, key=lambda r: (str(r[5]), str(r[2] or "")))
    return str(latest[5]), None if latest[2] is None else str(latest[2]), latest[3] == "failed"


def _other_plans(runs: Sequence[Row], plan_unit: str | None) -> list[str]:
    """The unit ids of the other plans whose collects share the store, in their order."""
    if plan_unit is None:
        return []
    found = {r[_PLAN_UNIT]: None for r in runs if r[4] == "collect"}
    return [unit for unit in found if unit and unit != plan_unit]


def _about_sheet(book: Any, about: Provenance, runs: Sequence[Row], bold: Any) -> None:
    words = _ABOUT[about.lang]
    sheet = book.add_worksheet(words["sheet"])
    sheet.write_string(0, 0, words["item"], bold)
    sheet.write_string(0, 1, words["value"], bold)
    rows = about.rows(
        *_latest_collect(runs, about.plan_unit), others=_other_plans(runs, about.plan_unit)
    )
    for number, (item, value) in enumerate(rows, 1):
        write_cell_text(sheet, number, 0, item)
        write_cell_text(sheet, number, 1, value)
    sheet.set_column(0, 0, max(_width(item) for item, _ in rows) + 2)
    sheet.set_column(1, 1, min(max(_width(value) for _, value in rows) + 2, MAX_ABOUT_WIDTH))


MAX_ABOUT_WIDTH = 80


def export_xlsx(
    database: Path | str,
    out: Path,
    units: Units | None = None,
    slices: bool = False,
    sheet_rows: int = SHEET_ROWS,
    about: Provenance | None = None,
) -> None:
    """Every table as a sheet of an Excel workbook written to ``out`` (slices as in
    ``write_text``); a table longer than a sheet holds (``sheet_rows``) goes on in sheets
    of the same name numbered from 2 (``observations 2``), each with the header, since
    Excel drops rows past its last without a word (a firm's observations run to millions).

    Rows go from the store to the file as they are read: XlsxWriter's constant_memory
    mode keeps each sheet's rows in a temporary file (in a hidden folder beside ``out``,
    removed when done) rather than in memory; the workbook replaces ``out`` only once it
    is whole."""
    import os

    import xlsxwriter

    out = Path(out)
    with contextlib.ExitStack() as stack:
        with signals_held():
            file = stack.enter_context(atomic_writer(out))
        read = stack.enter_context(_read(database, list(FIELDS), slices, out))
        with signals_held():
            scratch = stack.enter_context(_scratch(out))
        # The workbook is bytes, written through a stream of its own onto the file beneath
        # the text one, which is left unused. Its own: a workbook stopped part-way (Ctrl-C)
        # leaves XlsxWriter's zip file to be closed once the error is done with, after
        # the file is: through a stream closed with it, that printed "Exception ignored
        # ... seek of closed file" and a traceback.
        stream = open(os.dup(file.fileno()), "wb")  # noqa: SIM115 - closed below, or by the zip file
        book = xlsxwriter.Workbook(stream, {
            "constant_memory": True, "tmpdir": scratch, "strings_to_formulas": False,
            "strings_to_urls": False,
        })  # fmt: skip
        bold = book.add_format({"bold": True, "bottom": 1})
        dated = {kind: book.add_format({"num_format": shown}) for kind, shown in DATED.items()}
        units = Units() if units is None else units
        if about is not None:  # first, where a workbook opens: whose it is, as of when
            runs = list(read["runs"])  # a run a collect: few, whatever the store's size
            read = {**read, "runs": runs}
            _about_sheet(book, about, runs, bold)
        for name in FIELDS:
            rows = _with_unit(name, read[name], units)
            for part in itertools.count(1):
                title = name if part == 1 else f"{name} {part}"
                sheet = book.add_worksheet(title)
                written = _sheet(
                    sheet, fields(name), itertools.islice(rows, sheet_rows), bold, dated
                )
                # A full sheet goes on in another only if a row is left for it.
                following = next(rows, None) if written == sheet_rows else None
                if following is None:
                    break
                rows = itertools.chain((following,), rows)
        book.close()
        stream.close()  # flushed: the file beneath is synced as it replaces ``out``


@contextlib.contextmanager
def _scratch(out: Path) -> Iterator[str]:
    """A hidden folder beside ``out`` for the rows of the sheets (XlsxWriter's
    constant_memory files), removed with what is in it when the block ends, however it
    ends. Entered within ``signals_held``, as its removal is: a Ctrl-C that came as it was made,
    or while it was removed, left it there."""
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        yield folder
    finally:
        with signals_held():
            shutil.rmtree(folder, ignore_errors=True)


DATES = {
    "period_start": "date", "period_end": "date", "partial_through": "date", "day": "date",
    "through": "date", "recorded": "datetime", "started": "datetime", "finished": "datetime",
}  # fmt: skip
"""The fields a workbook writes as date (or date and time) cells, in ``DATED``'s format:
as ISO text, which they are stored as and CSV and JSON write, Excel and WPS could not
filter or sort them as dates."""
DATED = {"date": "yyyy-mm-dd", "datetime": 'yyyy-mm-dd hh:mm:ss "UTC"'}
"""Each kind of date cell's number format: the ISO order, as the text was, in any locale;
a moment says it is UTC, as it is stored (Beijing is 8 hours ahead), since the cell holds
no offset and the column's name cannot say."""
SHOWN = {"date": 10, "datetime": 23}
"""How many characters each kind of date cell shows (``2026-12-05 11:34:36 UTC``): a column
narrower than that shows ``#####``."""
_EXCEL_DAY_0 = dt.datetime(1899, 12, 30)
"""Day 0 of a workbook's dates (Excel's 1900 date system, as XlsxWriter writes it), from
which a date is its number of days: 2026-01-01 is 46023."""
_FIRST_EXCEL_DAY = dt.datetime(1900, 3, 1)
"""Before it, Excel counts a 29 February 1900 that never was: a date then stays text."""


def _sheet(
    sheet: Any, columns: list[str], rows: Iterable[Row], bold: Any, dated: Mapping[str, Any]
) -> int:
    """One sheet of ``export_xlsx``: the header, frozen, then ``rows``, a row at a time
    (constant_memory writes each row out as the next begins); its columns as wide as
    their widest text, a date's as wide as it shows. How many rows it holds."""
    sheet.freeze_panes(1, 0)
    widths = [_width(c) for c in columns]
    kinds = [DATES.get(field) for field in columns]
    for column, field in enumerate(columns):
        sheet.write_string(0, column, field, bold)
    number = 0
    for number, row in enumerate(rows, 1):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue  # a blank cell: an empty text cell is not blank to ISBLANK or COUNTA
            kind = kinds[column]
            if kind is not None and type(value) is str and (day := _day(value, kind)) is not None:
                sheet.write_number(number, column, day, dated[kind])
                shown = SHOWN[kind]
            elif type(value) is bool or (type(value) is not str and _numeral(value) is not None):
                # A mark (no_rows) is 1 or 0, as in CSV.
                sheet.write_number(number, column, float(value))
                shown = 12
            else:
                text = value if type(value) is str else str(value)
                shown = _width(text)
                write_cell_text(sheet, number, column, text)
            if shown > widths[column]:
                widths[column] = shown
    for column, chars in enumerate(widths):
        sheet.set_column(column, column, min(chars + 2, 60))
    return number


@functools.lru_cache(maxsize=65536)
def _day(text: str, kind: str) -> float | None:
    """An ISO date (``kind`` "date") or moment ("datetime", stored in UTC with its offset)
    as a workbook's date number, the moment in UTC; None for text that is not one, or a
    date before 1 March 1900, which stays text. Computed once: every row repeats them."""
    try:
        if kind == "date":
            moment = dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
        else:
            moment = dt.datetime.fromisoformat(text)
            if moment.tzinfo is not None:
                moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    except ValueError:
        return None
    if moment < _FIRST_EXCEL_DAY:
        return None
    since = moment - _EXCEL_DAY_0
    return since.days + since.seconds / 86400


@functools.lru_cache(maxsize=65536)
def _width(text: str) -> int:
    """How wide ``text`` is in a sheet's column, measured once: ids, periods and units
    repeat on every row."""
    return width(text)


def _csv_line(cells: list[str]) -> str:
    # The csv module leaves a lone CR unquoted when lines end in LF; a reader
    # would take it for the end of a row.
    return ",".join([_quoted(cell) for cell in cells]) + "\n"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMERAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?")
_FIELD_INSIDE = re.compile(r"([;\t\r\n])(?=[=+\-@\t\r])")
"""A semicolon, tab or line break inside a cell with a formula character after it: where
a spreadsheet splits lines at semicolons (Excel in German or French) or tabs, what
follows starts a field (after a line break, a row) of its own, quoted or not."""


def spreadsheet_cell(value: object) -> str:
    """``value`` as a CSV cell no spreadsheet runs as a formula.

    Finite numbers are written as numerals; anything else is text, and text
    beginning with a formula character gets a leading apostrophe, as does what
    follows a semicolon, tab or line break inside it when that begins with one.
    """
    if value is None:
        return ""
    if type(value) is str:
        return _text_cell(value)
    numeral = _numeral(value)
    if numeral is not None:
        return numeral
    return _text_cell(str(value))


@functools.lru_cache(maxsize=65536)
def _text_cell(value: str) -> str:
    """A text cell, made safe once: a firm's export repeats each metric, person and
    period id hundreds of thousands of times."""
    text = _FIELD_INSIDE.sub(r"\1'", value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _numeral(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        text = format(value, "f")
    elif isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        text = str(int(value))  # a count of 16 clients is 16, as a branch writes it, not 16.0
    else:
        text = str(value)
    return text if _NUMERAL.fullmatch(text) else None
