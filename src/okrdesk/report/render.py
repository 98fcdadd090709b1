"""Hand a built report to a format: the one path from report model to output."""

from __future__ import annotations

from typing import IO, Any

import attrs

from okrdesk.errors import printable
from okrdesk.plugins.hookspecs import RenderContext, ReportFormat
from okrdesk.report.document import Report


def render(report: Report, fmt: ReportFormat, out: IO[Any], context: RenderContext) -> None:
    """Write ``report`` in ``fmt``; formats for people get text safe to show."""
    fmt.render(printable_copy(report) if fmt.human else report, out, context)


def _printable(value: Any) -> Any:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, tuple):
        return tuple(_printable(v) for v in value)
    if isinstance(value, dict):
        return {_printable(k): _printable(v) for k, v in value.items()}
    if attrs.has(type(value)):
        return attrs.evolve(value, **{
            f.name: _printable(getattr(value, f.name)) for f in attrs.fields(type(value))
        })  # fmt: skip
    return value


def printable_copy(report: Report) -> Report:
    """The report with every piece of text safe to show: no control characters,
    no terminal escapes, no bidi overrides (they are shown as escapes)."""
    cleaned: Report = _printable(report)
    return cleaned
