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

_STEERING = r"(?i)<(?=(?:meta|base|link|i?frame)(?:[\t\n\f\r />]|$))"
"""The opening of a tag that can have the browser connect or go elsewhere on its own,
which no policy stops: a ``<meta>`` refresh to an address holding what the report says,
a ``<base>`` for its links, a ``<link>`` that connects ahead (``rel="preconnect"``, the
address naming what the report says), a ``<frame>`` (Chromium connects to its address
before the policy stops it), an ``<iframe srcdoc>`` holding any of them written with
entities. A tag's name ends at a space, a ``/`` or a ``>``, as the HTML
parser reads it."""

_LAYOUT_META = (
    r"""(?i)<meta[\t\n\f\r ]+(?:charset=(?:"[\w-]+"|'[\w-]+'|[\w-]+)|"""
    r"""name="[\w.:-]+"[\t\n\f\r ]+content="[^"<>]*")[\t\n\f\r ]*/?>"""
)
"""The ``<meta>`` tags a page needs to lay itself out, and nothing else: its character
set, and a name with its content (``viewport``), each quoted whole, so nothing in it can
be read as another attribute."""


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
    tags no policy stops (``_STEERING``) are shown as text, ``<`` written ``&lt;``: taking
    them out let a template write one inside another (``<me<base>ta http-equiv=…>``), or
    hide its end in a quoted ``>``, and the browser read what was left as a refresh."""
    html = re.sub(_STEERING, _as_text, html)
    start = html.lstrip()
    if start[:9].lower() == "<!doctype":
        end = html.index(">", len(html) - len(start)) + 1
        return f"{html[:end]}\n{POLICY}{html[end:]}"
    return f"{POLICY}\n{html}"


def _as_text(found: re.Match[str]) -> str:
    """``&lt;`` for a steering tag's ``<``, which can join no other text into a tag; a
    ``<meta>`` that only lays the page out is kept."""
    if re.compile(_LAYOUT_META).match(found.string, found.start()):
        return "<"
    return "&lt;"


@hookimpl
def okrdesk_report_formats(register: Callable[[ReportFormat], None]) -> None:
    register(ReportFormat("html", "a web page with burn-up charts", render, (".html", ".htm"),
                          description_zh="带完成进度图的网页"))  # fmt: skip
