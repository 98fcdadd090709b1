"""The report as JSON for other programs: the model itself, dates as ISO strings."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, TextIO

from okrdesk.plugins.hookspecs import RenderContext, ReportFormat, hookimpl


def render(report: Any, out: TextIO, context: RenderContext) -> None:
    import cattrs

    converter = cattrs.Converter()
    converter.register_unstructure_hook(dt.date, lambda day: day.isoformat())
    # JSON escapes control characters itself.
    out.write(json.dumps(converter.unstructure(report), ensure_ascii=False, indent=2) + "\n")


@hookimpl
def okrdesk_report_formats(register: Callable[[ReportFormat], None]) -> None:
    register(
        ReportFormat("json", "okrdesk.report/1 for other programs", render, (".json",), human=False)
    )
