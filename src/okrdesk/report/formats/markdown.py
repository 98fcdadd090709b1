"""The report as Markdown, to paste into a chat group or an email."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any, TextIO

from okrdesk.plugins.hookspecs import RenderContext, ReportFormat, hookimpl

_FETCHED = re.compile(r"(\\*)(?:<(?=[A-Za-z/!?@])|!(?=\[))")
"""What a Markdown viewer or chat client may fetch or act on as the report opens: an
image (``![x](address)``, ``![x][name]``), HTML (``<img src>``, ``<video poster>``, an
autolink), or a mention a chat robot notifies people by (WeCom's ``<@all>`` and
``<@userid>``; Feishu's ``<at user_id="all">`` is a tag), each with as many backslashes
before it, an odd number of which leave it text already."""


def render(report: Any, out: TextIO, context: RenderContext) -> None:
    from okrdesk.report.templates import render_template

    written = io.StringIO()
    render_template("report.md.j2", report, written, context)
    out.write(fetching_nothing(written.getvalue()))


def fetching_nothing(markdown: str) -> str:
    """``markdown`` with every image, every HTML tag and every chat mention written as
    text (``!\\[``, ``\\<``), whatever its template says: one from a workspace someone
    sent could have the viewer or chat client that opens the report fetch an address
    holding what the report says (``![x](https://…/?d=福田营业部 3,995万)``), or, posted
    to a group by a robot, notify everyone in it (``<@all>``). Links stay links: one is
    followed only when a reader chooses to."""
    return _FETCHED.sub(_as_text, markdown)


def _as_text(found: re.Match[str]) -> str:
    slashes, mark = found.group(1), found.group(0)[-1]
    if len(slashes) % 2:
        return found.group(0)
    return f"{slashes}!\\" if mark == "!" else f"{slashes}\\<"


@hookimpl
def okrdesk_report_formats(register: Callable[[ReportFormat], None]) -> None:
    register(ReportFormat("md", "Markdown to paste into chat or email", render, (".md",),
                          description_zh="Markdown，可贴到群聊或邮件里"))  # fmt: skip
