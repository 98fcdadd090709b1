"""The report as one HTML page with burn-up charts, for a browser or print."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TextIO

from okrdesk.plugins.hookspecs import RenderContext, ReportFormat, hookimpl

POLICY = (
    '<meta http-equiv="Content-Security-Policy" '
    "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "form-action 'none'; base-uri 'none'\">"
)
"""No script, and nothing fetched from anywhere: the page is whole in itself."""

_STEERING = r"(?i)<(?:meta\b[^>]*\bhttp-equiv\b|base\b)[^>]*>"
"""Tags that steer the page rather than lay it out, which no policy stops: a refresh
that sends the reader to an address holding what the report says, a base for its links."""


def render(report: Any, out: TextIO, context: RenderContext) -> None:
    import io

    from okrdesk.report.templates import render_template

    page = io.StringIO()
    render_template("report.html.j2", report, page, context)
    out.write(with_policy(page.getvalue()))


def with_policy(html: str) -> str:
    """``html`` with okrdesk's policy first in it, whatever its template says: one from
    a workspace someone sent, leaving the policy out, could otherwise have the page fetch
    an address holding what the report says (an image), as the browser or mail reader
    opens it. A page's policies all apply, so none the template adds can loosen it; and
    tags no policy stops, a refresh to another address or a ``<base>``, are taken out."""
    html = re.sub(_STEERING, "", html)
    start = html.lstrip()
    if start[:9].lower() == "<!doctype":
        end = html.index(">", len(html) - len(start)) + 1
        return f"{html[:end]}\n{POLICY}{html[end:]}"
    return f"{POLICY}\n{html}"


@hookimpl
def okrdesk_report_formats(register: Callable[[ReportFormat], None]) -> None:
    register(ReportFormat("html", "a web page with burn-up charts", render, (".html", ".htm"),
                          description_zh="带完成进度图的网页"))  # fmt: skip
