"""The report on a terminal, with rich: aligned tables, colour only where it helps.

rich measures Chinese characters by display width, wraps to the terminal's
width, uses colour only on a terminal and never with NO_COLOR set.
"""

from __future__ import annotations

from typing import TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from okrdesk.messages import label
from okrdesk.report.cells import change, change_heading, sparkline, value
from okrdesk.report.document import Report, ReportKeyResult, ReportObjective
from okrdesk.report.notes import members_met, status_text, to_date_note
from okrdesk.report.numbers import money, percent, ratio

STATUS_STYLE = {
    "on_track": "green", "met": "green", "at_risk": "yellow", "off_track": "bold red",
    "missed": "red", "breached": "bold red", "no_data": "dim",
}  # fmt: skip


def _header(report: Report, lang: str) -> Text:
    t = Text()
    t.append(f"{report.plan.name}\n", style="bold")
    t.append(f"{report.unit.name} ({report.unit.id}, {report.unit.level})  ")
    t.append(f"{label(lang, 'as_of')} {report.as_of} ({report.week})")
    if report.phase:
        p = report.phase
        t.append(f"\n{label(lang, 'phase')} {p.id} {p.name}: {p.start} – {p.end}, ")
        t.append(label(lang, "days_left", n=p.days_left))
    t.append(f"\n{label(lang, 'score')} ")
    t.append(percent(report.score), style="bold")
    return t


def _breakers(report: Report, lang: str) -> Panel | None:
    tripped = [line for line in report.budget.lines if line.breaker.tripped]
    if not tripped:
        return None
    body = Text("\n".join(f"• {line.breaker.message}" for line in tripped))
    return Panel(body, title=f"⚠ {label(lang, 'breaker_tripped')}", style="bold red")


# Columns a narrow terminal gives up first, in order; numbers themselves are never cut.
_ALL_COLUMNS = (
    "actual",
    "target",
    "attainment",
    "expected",
    "status",
    "change",
    "forecast",
    "trend",
)
_GIVE_UP = ("trend", "forecast", "change", "expected", "attainment")
_TITLE_MIN = 12


def _kr_cell(kr: ReportKeyResult, column: str, lang: str) -> str | Text:
    if column == "actual":
        return value(kr, kr.actual, lang)
    if column == "target":
        return value(kr, kr.target, lang)
    if column == "attainment":
        return percent(kr.attainment)
    if column == "expected":
        return value(kr, kr.expected, lang)
    if column == "status":
        return Text(status_text(kr, lang), style=STATUS_STYLE.get(kr.status, ""))
    if column == "change":
        return change(kr, lang)
    if column == "forecast":
        if kr.forecast is not None:
            return value(kr, kr.forecast, lang)
        return label(lang, "not_enough") if kr.forecast_note else "—"
    return sparkline(kr)


def _heading(column: str, grain: str, lang: str) -> str:
    return change_heading(grain, lang) if column == "change" else label(lang, column)


def _kr_table(objective: ReportObjective, columns: list[str], grain: str, lang: str) -> Table:
    title = f"{objective.id} {objective.title}  {label(lang, 'score')} {percent(objective.score)}"
    table = Table(title=title, title_justify="left")
    table.add_column(label(lang, "key_result"), overflow="fold", min_width=_TITLE_MIN)
    for column in columns:
        right = column not in ("status", "trend")
        table.add_column(_heading(column, grain, lang), justify="right" if right else "left",
                         no_wrap=True)  # fmt: skip
    for kr in objective.key_results:
        title = f"{kr.id} {kr.title}"
        if shared := members_met(kr, lang):
            title += f"\n{shared}"
        table.add_row(title, *(_kr_cell(kr, c, lang) for c in columns))
    return table


def _needed(objective: ReportObjective, columns: list[str], grain: str, lang: str) -> int:
    """The narrowest this table can be with every number whole: cells, padding, borders."""
    width = 1 + _TITLE_MIN + 3
    for column in columns:
        cells = [_kr_cell(kr, column, lang) for kr in objective.key_results]
        texts = [c.plain if isinstance(c, Text) else c for c in cells]
        width += max(cell_len(t) for t in [_heading(column, grain, lang), *texts]) + 3
    return width


def _objectives(report: Report, lang: str, console: Console) -> list[Table]:
    """One table per objective, with as many columns as the terminal has room for."""
    tables = []
    for objective in report.objectives:
        columns = list(_ALL_COLUMNS)
        for column in _GIVE_UP:
            if _needed(objective, columns, report.grain, lang) <= console.width:
                break
            columns.remove(column)
        tables.append(_kr_table(objective, columns, report.grain, lang))
    return tables


def _members(report: Report, lang: str) -> Table | None:
    if not report.members:
        return None
    table = Table(title=label(lang, "members"), title_justify="left")
    table.add_column(label(lang, "rank"), justify="right")
    table.add_column(label(lang, "member"), overflow="fold")
    table.add_column(label(lang, "score"), justify="right", no_wrap=True)
    table.add_column(label(lang, "off_track"), justify="right", no_wrap=True)
    for m in report.members:
        if m.kind == "person" and m.rank == 1 and m is not report.members[0]:
            table.add_section()
            table.add_row("", Text(label(lang, "people_ranked"), style="bold"), "", "")
        style = "bold red" if m.off_track else ""
        mark = " ⚑" if m.off_track else ""
        table.add_row(str(m.rank), Text(f"{m.name} ({m.id}){mark}", style=style),
                      percent(m.score), str(m.off_track))  # fmt: skip
    return table


def _scores(report: Report, lang: str) -> Table | None:
    if not report.scores:
        return None
    note = to_date_note(report, lang)
    table = Table(title=label(lang, "scores"), title_justify="left", caption=note or None,
                  caption_justify="left")  # fmt: skip
    for key in ("member", "policy", "period"):
        table.add_column(label(lang, key), overflow="fold")
    table.add_column(label(lang, "score"), justify="right", no_wrap=True)
    if note:
        table.add_column(label(lang, "to_date"), justify="right", no_wrap=True)
    for s in report.scores:
        cells = [f"{s.name} ({s.person})", s.policy, s.period or "—", _held(s.score, s.raw)]
        if note:
            cells.append(_held(s.current_score, s.current_raw))
        table.add_row(*cells)
    return table


def _held(score: float | None, raw: float | None) -> str:
    """A policy score, marked where the cap (↓) or the floor (↑) held it."""
    if score is None or raw is None:
        return "—"
    return percent(score) + (" ↓" if score < raw else (" ↑" if score > raw else ""))


def _budget(report: Report, lang: str) -> Table | None:
    budget = report.budget
    if not budget.lines:
        return None
    table = Table(title=label(lang, "budget"), title_justify="left", show_footer=True)
    total = budget.total
    table.add_column(label(lang, "line"), footer=label(lang, "total"), overflow="fold")
    # An amount is never broken over two lines ("CNY" above "600k").
    for key, footer in (
        ("amount", money(total.amount, lang)),
        ("spent", money(total.spent, lang)),
        ("left", money(total.left, lang)),
        ("roi", ratio(total.roi)),
    ):
        table.add_column(label(lang, key), justify="right", footer=footer, no_wrap=True)
    table.add_column(label(lang, "cost_per_result"), justify="right")
    table.add_column(label(lang, "signed_by"), overflow="fold")  # fmt: skip
    for line in budget.lines:
        style = "bold red" if line.breaker.tripped else ""
        name = f"{'⚠ ' if line.breaker.tripped else ''}{line.id} {line.name}"
        costs = ", ".join(f"{c.key_result}: {c.text}" for c in line.cost_per_result)
        signers = ", ".join(line.signed_by)
        if line.overrides:
            reasons = "; ".join(o.reason for o in line.overrides)
            signers += f" [{label(lang, 'override')}: {reasons}]"
        amounts = (money(line.amount, lang), money(line.spent, lang), money(line.left, lang))
        table.add_row(Text(name, style=style), *amounts, ratio(line.roi), costs or "—",
                      signers or "—")  # fmt: skip
    if budget.reserve is not None:
        r = budget.reserve
        table.add_row(label(lang, "reserve"), money(r.amount, lang), money(r.spent, lang),
                      money(r.left, lang), "—", "—", "—")  # fmt: skip
    return table


def _budget_summary(report: Report, lang: str) -> Text | None:
    total = report.budget.total
    parts = []
    if total.expected_roi is not None:
        parts.append(f"{label(lang, 'expected_roi')} {ratio(total.expected_roi)}")
    if total.attributed_revenue is not None:
        parts.append(f"{label(lang, 'revenue')} {money(total.attributed_revenue, lang)}")
    if total.expense_ratio is not None:
        limit = f" (≤ {percent(total.expense_ratio_max, 0)})" if total.expense_ratio_max else ""
        parts.append(f"{label(lang, 'expense_ratio')} {percent(total.expense_ratio)}{limit}")
    return Text("  ".join(parts)) if parts else None


def _alerts(report: Report, lang: str) -> Text:
    t = Text(f"{label(lang, 'alerts')}\n", style="bold")
    if not report.alerts:
        t.append(label(lang, "no_alerts"))
        return t
    styles = {"error": "bold red", "warning": "yellow", "info": ""}
    for alert in report.alerts:
        level = label(lang, f"level_{alert.level}")
        t.append(level + " " * max(1, 8 - cell_len(level)), style=styles.get(alert.level, ""))
        t.append(f"{alert.message}\n")
    return t


def render_text(report: Report, file: TextIO, width: int | None = None) -> None:
    """Print the report to ``file``, a terminal or not."""
    # Text from target files is shown as written: never read as markup.
    console = Console(
        file=file, width=width, emoji=False, highlight=False, soft_wrap=False, markup=False
    )
    lang = report.lang
    parts: list[object] = [_header(report, lang)]
    parts += [p for p in (_breakers(report, lang),) if p is not None]
    parts += _objectives(report, lang, console)
    parts += [p for p in (_members(report, lang), _scores(report, lang), _budget(report, lang),
                          _budget_summary(report, lang)) if p is not None]  # fmt: skip
    parts.append(_alerts(report, lang))
    for part in parts:
        console.print(part)
        console.print()
