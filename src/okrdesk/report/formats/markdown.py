"""The report as Markdown, to paste into a chat group or an email."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TextIO

from okrdesk.plugins.hookspecs import RenderContext, ReportFormat, hookimpl


def render(report: Any, out: TextIO, context: RenderContext) -> None:
    from okrdesk.report.templates import render_template

    render_template("report.md.j2", report, out, context)


@hookimpl
def okrdesk_report_formats(register: Callable[[ReportFormat], None]) -> None:
    register(ReportFormat("md", "Markdown to paste into chat or email", render, (".md",),
                          description_zh="Markdown，可贴到群聊或邮件里"))  # fmt: skip
