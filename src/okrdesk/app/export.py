"""Stored numbers, check-ins, spend and runs as JSON or CSV for other tools.

A CSV file is opened in Excel or WPS, which run a cell beginning with ``=``,
``+``, ``-``, ``@``, tab or carriage return as a formula (``=HYPERLINK(...)``,
``+1+cmd|' /C calc'!A0``). Every text cell that begins so gets a leading
apostrophe (OWASP's advice on CSV injection), which the spreadsheet shows as
text. A number is written as a plain decimal numeral, which a spreadsheet
reads as a number and never as a formula, so ``-12.5`` stays a number. JSON
is data for programs and is written as stored.

CSV starts with a UTF-8 byte order mark, so Excel on a Chinese Windows reads
names as UTF-8 rather than GBK; observations, check-ins and spend carry a
``unit`` column naming the unit their value is stored in (元, 户, ratio: 0.05
is 5%). ``xlsx`` writes every table as a sheet: numbers as number cells, text
as text (never a formula), the header row frozen.
"""

from __future__ import annotations

import functools
import io
import json
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from okrdesk.app.session import Session
from okrdesk.errors import Said, ValidationFailed
from okrdesk.store import Store
from okrdesk.units import Dimension, UnitOfMeasure, base_unit

SCHEMA = "okrdesk.export/1"
BINARY_NEEDS_OUT = Said(
    "--format xlsx writes a binary file: give --out FILE.xlsx",
    "--format xlsx 输出的是二进制文件：请用 --out 文件.xlsx 指定写到哪里",
)
BOM = "\ufeff"
UNIT_FIELD = {"observations": "value", "checkins": "value", "spend": "amount_yuan"}
"""The column each table's unit names, and after which it stands."""
FIELDS = {
    "observations": [
        "metric", "subject", "period", "period_start", "period_end", "value", "numerator",
        "denominator", "source", "plugin", "run", "partial_through", "slice",
    ],
    "checkins": ["id", "key_result", "subject", "day", "value", "confidence", "note", "recorded"],
    "spend": [
        "id", "line", "day", "amount_yuan", "signed_by", "note", "override_reason", "recorded",
    ],
    "runs": [
        "id", "started", "finished", "status", "command", "through", "plugins", "errors", "revised",
        "warnings", "metrics",
    ],
}  # fmt: skip


def _tables(store: Store, slices: bool) -> dict[str, list[dict[str, Any]]]:
    observations = [
        {
            "metric": r.observation.metric, "subject": r.observation.subject,
            "period": r.observation.period, "period_start": r.period_start.isoformat(),
            "period_end": r.period_end.isoformat(), "value": r.observation.value,
            "numerator": r.observation.numerator, "denominator": r.observation.denominator,
            "source": r.observation.source, "plugin": r.plugin, "run": r.run_id,
            "partial_through": r.partial_through.isoformat() if r.partial_through else None,
            "slice": r.observation.slice,
        }
        for r in store.observations(sliced=slices)
    ]  # fmt: skip
    checkins = [
        {"id": c.id, "key_result": c.key_result, "subject": c.subject, "day": c.day.isoformat(),
         "value": c.value, "confidence": c.confidence, "note": c.note, "recorded": c.recorded}
        for c in store.checkins()
    ]  # fmt: skip
    spend = [
        {"id": e.id, "line": e.line, "day": e.day.isoformat(), "amount_yuan": e.amount,
         "signed_by": "; ".join(e.signed_by), "note": e.note,
         "override_reason": e.override_reason, "recorded": e.recorded}
        for e in store.spend()
    ]  # fmt: skip
    runs = [
        {"id": r.id, "started": r.started, "finished": r.finished, "status": r.status,
         "command": r.command, "through": r.through,
         "plugins": "; ".join(f"{k} {v}".strip() for k, v in r.plugins.items()),
         "errors": "; ".join(r.errors),
         "revised": "; ".join(
             f"{metric} " + ", ".join(f"{period} ({n})" for period, n in sorted(periods.items()))
             for metric, periods in sorted(r.revised.items())
         ),
         "warnings": "; ".join(r.warnings),
         "metrics": None if r.metrics is None else "; ".join(r.metrics)}
        for r in store.runs()
    ]  # fmt: skip
    return {"observations": observations, "checkins": checkins, "spend": spend, "runs": runs}


def stored_unit(unit: UnitOfMeasure) -> str:
    """The unit a value in ``unit`` is stored in: 元 for money, ratio for a rate."""
    if unit.dimension is Dimension.FRACTION:
        return "ratio"
    if unit.dimension is Dimension.COUNT and unit.factor == 1:
        return unit.symbol
    return base_unit(unit.dimension).symbol


def units_of(session: Session) -> dict[str, str]:
    """Each metric's and key result's stored unit, by name and id: the metrics' even when
    the target files have problems (the check-ins' units then stay unknown)."""
    units = {name: stored_unit(spec.unit) for name, spec in session.host.metrics.items()}
    try:
        plan = session.plan
    except ValidationFailed:
        return units
    units.update({kr_id: stored_unit(kr.unit) for kr_id, kr in plan.key_results_by_id.items()})
    return units


def fields(table: str) -> list[str]:
    """The columns of ``table`` in CSV and xlsx: the stored ones and the unit."""
    names = list(FIELDS[table])
    if table in UNIT_FIELD:
        names.insert(names.index(UNIT_FIELD[table]) + 1, "unit")
    return names


def _with_units(tables: dict[str, list[dict[str, Any]]], units: Mapping[str, str]) -> None:
    for row in tables["observations"]:
        row["unit"] = units.get(row["metric"], "")
    for row in tables["checkins"]:
        row["unit"] = units.get(row["key_result"], "")
    for row in tables["spend"]:
        row["unit"] = "元"


def export_text(
    database: Path | str,
    fmt: str,
    table: str,
    units: Mapping[str, str] | None = None,
    slices: bool = False,
) -> str:
    """The tables as JSON, or ``table`` as CSV; whole figures only, unless ``slices``
    adds each dimensioned figure's slices (``slice`` names them, '' for the whole)."""
    with Store.open(database, create=False) as store, store.reading():
        tables = _tables(store, slices)
    if fmt == "json":
        document = {"schema": SCHEMA, **tables}
        return json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n"
    _with_units(tables, units or {})
    lines = [BOM + _csv_line(fields(table))]
    lines.extend(
        _csv_line([spreadsheet_cell(row[field]) for field in fields(table)])
        for row in tables[table]
    )
    return "".join(lines)


SHEET_ROWS = 1_048_575
"""Rows of data an Excel sheet holds under its header (Excel's 1,048,576 rows in all)."""


def export_xlsx(
    database: Path | str,
    units: Mapping[str, str] | None = None,
    slices: bool = False,
    sheet_rows: int = SHEET_ROWS,
) -> bytes:
    """Every table as a sheet of an Excel workbook (slices as in ``export_text``); a table
    longer than a sheet holds (``sheet_rows``) goes on in sheets of the same name numbered
    from 2 (``observations 2``), each with the header, since Excel drops rows past its
    last without a word (a firm's observations run to millions)."""
    import xlsxwriter

    with Store.open(database, create=False) as store, store.reading():
        tables = _tables(store, slices)
    _with_units(tables, units or {})
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False})  # fmt: skip
    bold = book.add_format({"bold": True, "bottom": 1})
    for name, all_rows in tables.items():
        parts = range(0, max(len(all_rows), 1), sheet_rows)
        for part, start in enumerate(parts, 1):
            rows = all_rows[start : start + sheet_rows]
            _sheet(book, name if part == 1 else f"{name} {part}", fields(name), rows, bold)
    book.close()
    return out.getvalue()


def _sheet(book: Any, name: str, columns: list[str], rows: list[dict[str, Any]], bold: Any) -> None:
    """One sheet of ``export_xlsx``: the header, frozen, then ``rows``."""
    from okrdesk.report.formats.xlsx import width

    sheet = book.add_worksheet(name)
    sheet.freeze_panes(1, 0)
    widths = [width(c) for c in columns]
    measured: dict[str, int] = {}  # ids, periods and units repeat on every other row
    for column, field in enumerate(columns):
        sheet.write_string(0, column, field, bold)
    for row_number, row in enumerate(rows, 1):
        for column, field in enumerate(columns):
            value = row[field]
            if value is None:
                continue
            if _numeral(value) is not None:
                sheet.write_number(row_number, column, float(value))
                shown = 12
            else:
                text = str(value)
                sheet.write_string(row_number, column, text)
                shown = measured.get(text) or measured.setdefault(text, width(text))
            widths[column] = max(widths[column], shown)
    for column, chars in enumerate(widths):
        sheet.set_column(column, column, min(chars + 2, 60))


def _csv_line(cells: list[str]) -> str:
    # The csv module leaves a lone CR unquoted when lines end in LF; a reader
    # would take it for the end of a row.
    return (
        ",".join(
            '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\r\n') else cell
            for cell in cells
        )
        + "\n"
    )


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
