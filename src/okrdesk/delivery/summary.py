"""The report's head as a short Markdown message: what ``okrdesk send`` posts.

Unit, score, phase and days left, tripped breakers, each objective's score
and what needs attention; no tables (WeCom's Markdown has none), and the
full report named as a file. ``summary_lines`` is the one place that picks
what goes in, so a first screen built elsewhere can replace it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from okrdesk.delivery.message import Message
from okrdesk.messages import label
from okrdesk.report.cells import figures_through, time_left
from okrdesk.report.document import Report
from okrdesk.report.notes import (
    attention,
    for_information,
    no_alerts_text,
    no_targets_story,
    score_before,
    whose,
)
from okrdesk.report.numbers import score_text
from okrdesk.report.templates import markdown_text as md

_WORDS = {
    "zh": {"week": "周报", "month": "月报", "quarter": "季报", "file": "完整报告（HTML）：{path}",
           "attached": "完整报告见附件 {name}。",
           "cut": "……后面还有内容，未发送；请看完整报告：{path}"},
    "en": {"week": "weekly report", "month": "monthly report", "quarter": "quarterly report",
           "file": "Full report (HTML): {path}",
           "attached": "The full report is attached: {name}.",
           "cut": "… the rest was not sent; see the full report: {path}"},
}  # fmt: skip


def summary_lines(report: Report) -> list[str]:
    """The report's head as Markdown lines, without tables."""
    lang = report.lang
    week = label(lang, "in_brackets", text=report.week)
    head = f"{label(lang, 'as_of')} **{report.as_of}**{week}"
    if report.phase is not None:
        phase = report.phase
        head += (f" · {label(lang, 'phase')} {md(phase.id)} {md(phase.name)}"
                 f"{label(lang, 'then')}{time_left(report, lang)}")  # fmt: skip
    head += f" · {label(lang, 'score')} **{score_text(report.score)}**{score_before(report, lang)}"
    lines = [f"## {md(whose(report))}", "", head]
    if (through := figures_through(report, lang)) is not None:
        lines += ["", f"> {md(through)}"]
    tripped = [line for line in report.budget.lines if line.breaker.tripped]
    if tripped:
        lines += ["", f"> **⚠ {label(lang, 'breaker_tripped')}**"]
        lines += [f"> - {md(line.breaker.message)}" for line in tripped]
    if story := no_targets_story(report, lang):
        lines += ["", md(story)]
    if report.objectives:
        lines.append("")
        lines += [f"- {md(o.id)} {md(o.title)} · {label(lang, 'score')} {score_text(o.score)}"
                  for o in report.objectives]  # fmt: skip
    # A tripped breaker is told once, above, as the report's first screen tells it.
    needing, info = attention(report), for_information(report)
    lines += ["", f"**{label(lang, 'alerts')}**"]
    lines += [f"- **{label(lang, 'level_' + a.level)}** {md(a.message)}" for a in needing]
    if not needing:
        lines.append(no_alerts_text(report, lang))
    if info:
        lines += ["", f"**{label(lang, 'for_information')}**"]
        lines += [f"- **{label(lang, 'level_' + a.level)}** {md(a.message)}" for a in info]
    return lines


def summary(report: Report, full_report: Path, reports_url: str | None = None) -> Message:
    """The message for every channel: for chat the last line says where the full
    report is (at ``reports_url``, where the intranet serves the reports folder, else
    where it was written); email carries it attached."""
    words = _WORDS[report.lang]
    found = full_report if reports_url is None else _linked(reports_url, full_report.name)
    where = words["file"].format(path=found)
    # A plan reviewed by the month sends its 月报, not a 周报 (the plan's grain).
    title = f"{whose(report)} · {report.as_of} {words.get(report.grain, words['week'])}"
    return Message(
        title=title,
        lines=(*summary_lines(report), "", where),
        attachment=full_report,
        where=where,
        attached=words["attached"].format(name=full_report.name),
        cut_note=words["cut"].format(path=found),
    )


def _linked(reports_url: str, name: str) -> str:
    """The address of the report ``name`` in the folder served at ``reports_url``: the name
    goes on its path, before any query or fragment (``…/reports/?auth=1`` made
    ``…/reports/?auth=1/周报.html``, a link to the folder with a mangled query)."""
    parts = urlsplit(reports_url)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}/{quote(name)}"))
