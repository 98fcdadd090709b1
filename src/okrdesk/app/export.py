"""Stored numbers, check-ins, spend and runs as JSON or CSV for other tools.

A CSV file is opened in Excel or WPS, which run a cell beginning with ``=``,
``+``, ``-``, ``@``, tab or carriage return as a formula (``=HYPERLINK(...)``,
``+1+cmd|' /C calc'!A0``). Every text cell that begins so gets a leading
apostrophe (OWASP's advice on CSV injection), which the spreadsheet shows as
text. A number is written as a plain decimal numeral, which a spreadsheet
reads as a number and never as a formula, so ``-12.5`` stays a number. JSON
is data for programs and is written as stored.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from okrdesk.store import Store

SCHEMA = "okrdesk.export/1"
FIELDS = {
    "observations": [
        "metric", "subject", "period", "period_start", "period_end", "value", "numerator",
        "denominator", "source", "plugin", "run", "partial_through",
    ],
    "checkins": ["id", "key_result", "subject", "day", "value", "confidence", "note", "recorded"],
    "spend": [
        "id", "line", "day", "amount_yuan", "signed_by", "note", "override_reason", "recorded",
    ],
    "runs": ["id", "started", "finished", "status", "command", "through", "plugins", "errors"],
}  # fmt: skip


def _tables(store: Store) -> dict[str, list[dict[str, Any]]]:
    observations = [
        {
            "metric": r.observation.metric, "subject": r.observation.subject,
            "period": r.observation.period, "period_start": r.period_start.isoformat(),
            "period_end": r.period_end.isoformat(), "value": r.observation.value,
            "numerator": r.observation.numerator, "denominator": r.observation.denominator,
            "source": r.observation.source, "plugin": r.plugin, "run": r.run_id,
            "partial_through": r.partial_through.isoformat() if r.partial_through else None,
        }
        for r in store.observations()
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
         "errors": "; ".join(r.errors)}
        for r in store.runs()
    ]  # fmt: skip
    return {"observations": observations, "checkins": checkins, "spend": spend, "runs": runs}


def export_text(database: Path | str, fmt: str, table: str) -> str:
    with Store.open(database, create=False) as store:
        tables = _tables(store)
    if fmt == "json":
        document = {"schema": SCHEMA, **tables}
        return json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n"
    lines = [_csv_line(FIELDS[table])]
    lines.extend(
        _csv_line([spreadsheet_cell(row[field]) for field in FIELDS[table]])
        for row in tables[table]
    )
    return "".join(lines)


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


def spreadsheet_cell(value: object) -> str:
    """``value`` as a CSV cell no spreadsheet runs as a formula.

    Finite numbers are written as numerals; anything else is text, and text
    beginning with a formula character gets a leading apostrophe.
    """
    if value is None:
        return ""
    numeral = _numeral(value)
    if numeral is not None:
        return numeral
    text = str(value)
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
    else:
        text = str(value)
    return text if _NUMERAL.fullmatch(text) else None
