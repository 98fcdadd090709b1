"""Stored numbers, check-ins, spend and runs as JSON or CSV for other tools."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from okrdesk.store import Store

SCHEMA = "okrdesk.export/1"
FIELDS = {
    "observations": [
        "metric", "subject", "period", "period_start", "period_end", "value", "numerator",
        "denominator", "source", "plugin", "run",
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
        }
        for r in store.observations()
    ]  # fmt: skip
    checkins = [
        {"id": c.id, "key_result": c.key_result, "subject": c.subject, "day": c.day.isoformat(),
         "value": c.value, "confidence": c.confidence, "note": c.note, "recorded": c.recorded}
        for c in store.checkins()
    ]  # fmt: skip
    spend = [
        {"id": e.id, "line": e.line, "day": e.day.isoformat(), "amount_yuan": str(e.amount),
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


def export_text(database: Path, fmt: str, table: str) -> str:
    with Store.open(database, create=False) as store:
        tables = _tables(store)
    if fmt == "json":
        return json.dumps({"schema": SCHEMA, **tables}, ensure_ascii=False, indent=2) + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS[table], lineterminator="\n")
    writer.writeheader()
    writer.writerows(tables[table])
    return buffer.getvalue()
