"""The report as JSON: the model itself, with dates as ISO strings."""

from __future__ import annotations

import datetime as dt
import json

import cattrs

from okrdesk.report.model import Report

_converter = cattrs.Converter()
_converter.register_unstructure_hook(dt.date, lambda day: day.isoformat())


def render_json(report: Report) -> str:
    return json.dumps(_converter.unstructure(report), ensure_ascii=False, indent=2) + "\n"
