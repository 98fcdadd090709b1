"""``okrdesk history KR``: a key result's check-ins, oldest first, with their story."""

from __future__ import annotations

from okrdesk.app.session import Session, find_key_result, stored
from okrdesk.errors import BadInput, printable
from okrdesk.messages import display_width
from okrdesk.model import Checkin, KeyResult
from okrdesk.units import Dimension, percentage, written


def history_lines(session: Session, key_result: str, lang: str = "zh") -> list[str]:
    """Each check-in of ``key_result``: date, value in its unit, for whom, author,
    confidence and note; withdrawn ones marked, with who withdrew them and why."""
    kr = find_key_result(session.plan, key_result)
    if kr.metric is not None:
        raise BadInput(
            f"{kr.id} is measured by the metric {kr.metric}, not by check-ins; "
            f"`okrdesk explain {kr.id}` shows its numbers"
        )
    store = stored(session.workspace)
    if store is None:
        return [f"{kr.id} {kr.title}", f"No check-ins yet: `okrdesk checkin {kr.id} VALUE`."]
    with store, store.reading():
        entries = store.checkins(kr.id, withdrawn=True)
    lines = [f"{kr.id} {kr.title}", f"tracked by check-ins, one owed every {kr.cadence.value}"]
    if not entries:
        return [*lines, f"No check-ins yet: `okrdesk checkin {kr.id} VALUE`."]
    rows = [["id", "date", "value", "for", "by", "confidence", "note"]]
    rows += [_row(kr, c, lang) for c in entries]
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [_pad(text, width, right=i in (0, 2, 5)) for i, (text, width)
                 in enumerate(zip(row, widths, strict=False))]  # fmt: skip
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    withdrawn = sum(1 for c in entries if c.withdrawn is not None)
    if withdrawn:
        lines.append(f"{withdrawn} withdrawn: kept in the history, they count for nothing.")
    return lines


def _row(kr: KeyResult, c: Checkin, lang: str) -> list[str]:
    whole = kr.unit.dimension is Dimension.COUNT
    value = written(kr.unit, c.value, lang, whole=whole) if abs(c.value) <= 1e308 else "—"
    confidence = percentage(c.confidence, keep=0) if c.confidence is not None else "—"
    note = printable(c.note)
    if c.withdrawn is not None:
        by = f" by {printable(c.withdrawn_by)}" if c.withdrawn_by else ""
        note = f"[withdrawn {c.withdrawn[:10]}{by}: {printable(c.withdraw_reason)}] {note}"
    return [str(c.id), c.day.isoformat(), value, c.subject, printable(c.author) or "—",
            confidence, note.rstrip()]  # fmt: skip


def _pad(text: str, width: int, *, right: bool) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap
