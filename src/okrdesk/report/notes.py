"""Short phrases every format adds to a figure: a checkpoint's phase, how many
members met their target, what "to date" means in the scores table."""

from __future__ import annotations

from okrdesk.messages import label, status
from okrdesk.periods import parse_period
from okrdesk.report.document import Report, ReportKeyResult
from okrdesk.report.numbers import percent


def status_text(kr: ReportKeyResult, lang: str) -> str:
    """The status, with the phase a closed checkpoint was judged at: "未达成 (Q2)"."""
    text = status(lang, kr.status)
    if kr.closed is not None:
        text += f" ({kr.phase or kr.closed.isoformat()})"
    return text


def members_met(kr: ReportKeyResult, lang: str) -> str:
    """ "成员达标 8/12 (66.7%)": of the members the key result is shared out to."""
    if kr.members_total is None or kr.members_met is None:
        return ""
    share = percent(kr.members_met / kr.members_total)
    return label(lang, "members_met", met=kr.members_met, total=kr.members_total, share=share,
                 on_pace=kr.members_on_pace)  # fmt: skip


def to_date_note(report: Report, lang: str) -> str:
    """What the to-date column holds, for the scores table's caption."""
    current = next((s for s in report.scores if s.current_period is not None), None)
    if current is None or current.current_period is None or current.elapsed is None:
        return ""
    period = parse_period(current.current_period)
    days = (period.end - period.start).days + 1
    gone = round(current.elapsed * days)
    return label(lang, "to_date_note", period=current.current_period, gone=gone, days=days)
