"""The report as one HTML page with burn-up charts, for a browser or print."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TextIO

from okrdesk.plugins.hookspecs import RenderContext, ReportFormat, hookimpl


def render(report: Any, out: TextIO, context: RenderContext) -> None:
    from okrdesk.report.templates import render_template

    render_template("report.html.j2", report, out, context)


@hookimpl
def okrdesk_report_formats(register: Callable[[ReportFormat], None]) -> None:
    register(ReportFormat("html", "a web page with burn-up charts", render, (".html", ".htm")))
