"""The report on a terminal: aligned tables that fit its width."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TextIO

from okrdesk.plugins.hookspecs import RenderContext, ReportFormat, hookimpl


def render(report: Any, out: TextIO, context: RenderContext) -> None:
    from okrdesk.report.terminal import render_text

    render_text(report, out, context.width)


@hookimpl
def okrdesk_report_formats(register: Callable[[ReportFormat], None]) -> None:
    register(ReportFormat("text", "for the terminal, fitted to its width", render, (".txt",),
                          description_zh="在终端显示，按其宽度排版"))  # fmt: skip
