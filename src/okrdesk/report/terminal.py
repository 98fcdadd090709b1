"""The report on a terminal: aligned tables, colour only where it helps.

It opens with one screen (80×24) that says it all: the score then and now,
the phase, what moved most, tripped breakers, the most severe alerts and who
owes check-ins, each a line of its own (cut short with … rather than wrapped;
a tripped breaker alone goes on, whole, over further lines). Where that takes
more rows than a terminal has (two breakers and many people owing), who owes
is named in one line, then fewer of what moved and of the alerts are listed,
until it fits; ``--brief`` prints that screen alone. The details
follow. The tables (report/text_layout.py) measure Chinese characters by
display width and wrap to the terminal's width; colour is used only on a
terminal and never with NO_COLOR set.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import NamedTuple, TextIO

from okrdesk.messages import ALERTS, label, status_in_a_word
from okrdesk.messages import status as whole_status
from okrdesk.report.cells import (
    actual,
    attainment,
    change,
    change_heading,
    due_figure,
    due_heading,
    due_on,
    figures_through,
    forecast_from,
    forecast_heading,
    moved_change,
    phase_span,
    sparkline,
    target,
    unit_named,
    value,
)
from okrdesk.report.document import Report, ReportKeyResult, ReportObjective
from okrdesk.report.line_cut import fitted
from okrdesk.report.notes import (
    ALERTS_SHOWN,
    MOVED_SHOWN,
    Unlisted,
    attention_first,
    attention_heading,
    baseline_story,
    began_counting_story,
    breakdown_heading,
    breakdown_rows,
    budget_summary,
    capped_story,
    depth_note,
    for_information,
    has_no_targets,
    held,
    ledger_rounding_note,
    member_score,
    members_listed,
    moved_most,
    needing_attention,
    no_alerts_text,
    no_targets_story,
    off_track_text,
    opens_people,
    owed_by_person,
    owed_names,
    owed_text,
    period_heading,
    pooled_story,
    rank_text,
    running_period,
    score_before,
    score_trend,
    scores_by_policy,
    scores_legend,
    status_text,
    to_date_heading,
    to_date_note,
    under_title,
    unlisted_text,
    unmeasured_story,
    unranked_notes,
)
from okrdesk.report.numbers import ledger, ratio, score_text
from okrdesk.report.screen import Screen
from okrdesk.report.text_layout import (
    NO_BREAK,
    Line,
    Text,
    as_text,
    cell_width,
    char_cells,
    commands_held,
    latin_prose,
    lines_wrapped,
)
from okrdesk.report.text_tables import TextTable
from okrdesk.units import UNITS, cost_written, short_english_figures

STATUS_STYLE = {
    "on_track": "green", "met": "green", "ahead": "green", "at_risk": "yellow",
    "off_track": "bold red", "missed": "red", "breached": "bold red", "no_data": "dim",
    "settling": "yellow",
}  # fmt: skip


BREAKERS_SHOWN = 2


def _line(text: str, style: str = "") -> Text:
    """One line of the first screen: never wrapped, cut with … when too long."""
    return Text(text, style)


def _naming(
    line: Text,
    message: str,
    title: str,
    style: str = "",
    lang: str = "",
    listed: Sequence[str] = (),
) -> Text:
    """``message`` appended to ``line``, the ``title`` in it shortened first when
    the line is too long, so the figures after it stay. (Its last occurrence: a
    breaker's line id may be its name too, "salon (salon)", and the id stays.) Where
    it says, after the title, that it was judged on figures out of date (`` (on figures
    as of 2026-11-20)``, in ``lang``), that is never cut: old figures must not read as
    current. A line with no title that lists what it is about (``listed``, a team's
    key results, each with a figure), too long, is cut to its first item (``_first_of``);
    one with a title, to the first figure in brackets after it (``_first_after``)."""
    if lang and (listed or title):
        copy = Text()
        copy.runs = list(line.runs)
        if not title:
            line.shorter = _first_of(line, copy, message, listed[0], style, lang)
        else:
            line.shorter = _first_after(line, copy, message, title, style, lang)
    at = message.rfind(title) if title else -1
    if at >= 0:
        line.append(message[:at], style).append(title, style, yields=True)
        message = message[at + len(title) :]
    old = _last_old_day(message, lang) if lang else None
    if old is None:
        return line.append(message, style)
    line.append(message[: old.start], style).append(message[old], style, kept=True)
    return line.append(message[old.stop :], style)


_LIST_STOPS = frozenset("、，,;；：:")
"""What ends an item of a list, or the list: no name runs past one."""


def _name_and_figure(message: str, at: int) -> tuple[str, str, int] | None:
    """What follows a key result's id at ``at`` in a list of them: its name, then its
    figure in brackets (with the space before them, if any), and where they end; None
    where no bracketed figure follows before the item ends. Read without a pattern: a
    set of Chinese characters in one costs Python's ``re`` about 0.15 ms to compile."""
    opens = [found for found in (message.find("（", at), message.find("(", at)) if found >= 0]
    if not opens:
        return None
    opening = min(opens)
    name = message[at:opening]
    if any(c in _LIST_STOPS for c in name):
        return None
    brackets = [message.find(c, opening + 1) for c in "（()）"]
    closing = min((found for found in brackets if found >= 0), default=-1)
    if closing < 0 or message[closing] not in "）)":
        return None
    if name.endswith(" "):
        name, opening = name[:-1], opening - 1
    return name, message[opening : closing + 1], closing + 1


def _first_of(
    whole: Text, line: Text, message: str, first: str, style: str, lang: str
) -> Text | None:
    """``whole``, a line that lists key results each with its figure (a team's shares
    behind: ``…：WM1.HNW 吴敏（应完成的 52.1%）、WM1.NNA …``), in a shorter form (``line`` with
    ``message``'s words) where its cut would lose the first item's figure or its day:
    what is before the list, then the first item's id and figure, and the day of the
    figures it was judged on, if not the report's, kept whole; the name between the id
    and its figure cut to … (``WM1.HNW…（52.1%）…``), and the words before the list
    shortened as far as the line needs. The figure is what the line is for: cut at the
    end, it was the first to go, and with an old figure's day kept the words before it
    were cut inside a bracket. None where ``first`` is not followed by a figure in
    brackets."""
    at, found = message.find(first), None
    while at >= 0 and found is None:
        found = _name_and_figure(message, at + len(first))
        at = at if found is not None else message.find(first, at + 1)
    if found is None:
        return None
    name, figure, end = found
    item = message[at:end]
    days = _old_days(message, lang)
    own = next((day for day in days if day.start == end), None)
    kept = first + ("…" if name.strip() else "") + figure
    if own is not None:  # this item's own day, after its figure
        kept += message[own] + "…"
    elif len(days) == 1 and days[0].start > end:  # the list's, all of it old
        kept += "…" + message[days[0]]
    else:
        kept += "…"
    whole.holds = (item, message[own]) if own is not None else (item,)
    head = message[:at]
    if head.endswith(" "):  # a space kept before the id where the words before it are cut
        head, kept = head.rstrip(" "), " " + kept
    return line.append(head, style, yields=True).append(kept, style, kept=True)


def _first_after(
    whole: Text, line: Text, message: str, title: str, style: str, lang: str
) -> Text | None:
    """``whole``, a line that names a key result by its ``title`` and then lists what
    needs attention with a figure in brackets each (its members' shares behind:
    ``…：2 个分解目标落后，最落后的是 王芳（应完成的 20.2%，按截至 2026-06-30 的数字）、…``), in a
    shorter form (``line`` with ``message``'s words) where its cut would lose the first
    of those figures, or the day in them: the title shortened first, then the words
    before that figure, the name beside it among them, cut for …; the figure, and the
    day of the figures it was judged on, kept whole (``…：2 个分解目标落后…（应完成的 20.2%，按截至
    2026-06-30 的数字）…``). None where no figure in brackets follows the title, or the
    first is the day the whole line is of (kept as it is, ``_last_old_day``)."""
    at = message.rfind(title)
    after = at + len(title)
    found = _bracketed_figure(message, after)
    if at < 0 or found is None:
        return None
    opened, closed = found
    days = _old_days(message, lang)
    if any(day.start <= opened < day.stop for day in days):
        return None
    own = next((day for day in days if day.start == closed), None)
    named = _name_before(message, after, opened)
    kept = message[named:closed] + (message[own] if own else "")
    end = own.stop if own else closed
    if own is None and len(days) == 1 and days[0].start > closed:
        kept += "…" + message[days[0]]
    elif message[end:].strip():
        kept += "…"
    whole.holds = (kept.split("…")[0],)
    line.append(message[:at], style).append(title, style, yields=True)
    return line.append(message[after:named], style).append(kept, style, kept=True)


def _bracketed_figure(message: str, start: int) -> tuple[int, int] | None:
    """Where the first bracket from ``start`` on that holds a figure and no other bracket
    (``（应完成的 20.2%）``) begins, with the space before it if any, and ends; None where
    there is none. Found without a pattern, as ``_name_and_figure`` finds one: its set
    of Chinese brackets costs Python's ``re`` about 0.1 ms to compile."""
    at = start
    while True:
        opens = [found for found in (message.find("（", at), message.find("(", at)) if found >= 0]
        if not opens:
            return None
        opening = min(opens)
        brackets = [message.find(c, opening + 1) for c in "（()）"]
        closing = min((found for found in brackets if found >= 0), default=-1)
        inside = message[opening + 1 : closing]
        if closing >= 0 and message[closing] in "）)" and any(c.isdecimal() for c in inside):
            spaced = opening > start and message[opening - 1] == " "
            return (opening - 1 if spaced else opening), closing + 1
        at = opening + 1


NAME_KEPT = 20
"""The most cells of a name kept whole beside its figure where a line is cut."""


def _name_before(message: str, after: int, figure: int) -> int:
    """Where the Chinese name just before the ``figure`` in brackets starts (a branch,
    郑州金水营业部), so that a line cut keeps it whole with its figure rather than
    ``郑州金水营… (53.6%)``; in English with the space before it, which parts it from
    the … of the words cut before it; ``figure`` itself where the word before it is no
    Chinese name, or one too long to keep."""
    space = message.rfind(" ", after, figure)
    if space < 0:
        return figure
    name = message[space + 1 : figure]
    if not any(char_cells(c) == 2 for c in name) or cell_width(name) > NAME_KEPT:
        return figure
    return space if latin_prose(message) else space + 1


def _old_days(message: str, lang: str) -> list[slice]:
    """Where ``message`` says a day figures were judged on (``kr.shares_old``), each with
    its words. Found without a pattern: its Chinese costs Python's ``re`` about 0.1 ms
    to compile, in every report whose first screen cuts an alert."""
    before, after = ALERTS["kr.shares_old"][lang].split("{day}")
    days = []
    at = message.find(before)
    while at >= 0:
        day = at + len(before)
        end = day + _DAY_WRITTEN
        if _iso_day(message[day:end]) and message.startswith(after, end):
            days.append(slice(at, end + len(after)))
            at = message.find(before, end + len(after))
        else:
            at = message.find(before, at + 1)
    return days


_DAY_WRITTEN = len("2026-11-20")


def _iso_day(text: str) -> bool:
    """Whether ``text`` is a day written as 2026-11-20."""
    digits = text[:4] + text[5:7] + text[8:]
    return len(text) == _DAY_WRITTEN and text[4] + text[7] == "--" and digits.isdecimal()


def _last_old_day(message: str, lang: str) -> slice | None:
    """What an alert judged on figures out of date says of their day, after what it is
    about (engine.attention's ``kr.shares_old``): its last occurrence, with no other
    day begun after it on its line."""
    before = ALERTS["kr.shares_old"][lang].split("{day}")[0]
    for day in _old_days(message, lang):
        if not _begins_a_day(message[day.stop :].partition("\n")[0], before):
            return day
    return None


def _begins_a_day(text: str, before: str) -> bool:
    """Whether ``text`` holds ``before`` followed by a year's four digits."""
    at = text.find(before)
    while at >= 0:
        year = text[at + len(before) : at + len(before) + 4]
        if len(year) == 4 and year.isdecimal():
            return True
        at = text.find(before, at + 1)
    return False


def _score_line(report: Report, lang: str) -> Text:
    t = _line(f"{label(lang, 'score')} ")
    t.append(score_text(report.score), style="bold")
    if has_no_targets(report):
        return t.append(label(lang, "colon") + label(lang, "no_targets_score"))
    t.append(score_before(report, lang))
    return t


FIRST_SCREEN_WIDTH = 80
"""The columns the first screen is written for: a narrower terminal's loses none of the
figures and days its lines show at this width."""

FIRST_SCREEN_ROWS = 22
"""The rows the first screen may fill: with the blank line and the details' rule under it,
the 24 of a terminal."""

_TIGHTER = (
    (False, MOVED_SHOWN, ALERTS_SHOWN, True),
    (True, MOVED_SHOWN, ALERTS_SHOWN, True),
    (True, 2, ALERTS_SHOWN, True),
    (True, 1, ALERTS_SHOWN, True),
    (True, 1, 4, True),
    (True, 1, 3, True),
    (True, 1, ALERTS_SHOWN, False),
    (True, 1, 4, False),
    (True, 1, 3, False),
)
"""The first screen's layouts, each shorter than the one before, as (who owes check-ins
named in one line, key results that moved most, alerts listed, an alert going on under
its message rather than cut where a line would lose a figure or day it shows at 80
columns, or its verdict, 截止未达成): what gives way first is a line a person, then what
moved, then the alerts listed (their heading still counts them all, and the details
list every one); where three alerts on their lines still do not fit (a terminal so
narrow that each takes four or more), each alert is cut to one line instead, and those
listed give way again. A tripped breaker is never cut."""


def first_screen(report: Report, lang: str, width: int) -> list[Line]:
    """The lines that open the report, laid out ``width`` columns wide: everything a
    manager needs on one screen, in the first layout of ``_TIGHTER`` that fills at most
    ``FIRST_SCREEN_ROWS`` rows (else the tightest). Printed as they were laid out to be
    counted, not laid out again."""
    for one_line_owed, moved, alerts, facts in _TIGHTER:
        said = _first_screen(report, lang, width if one_line_owed else None, moved, alerts,
                             facts)  # fmt: skip
        lines = [line for text in said for line in fitted(text, width)]
        if len(lines) <= FIRST_SCREEN_ROWS:
            break
    return lines


def _first_screen(
    report: Report,
    lang: str,
    names_within: int | None,
    moved_shown: int,
    alerts_shown: int,
    facts: bool = True,
) -> list[Text]:
    """The first screen: with ``names_within`` columns, who owes check-ins named in one
    line of that width, not a line each; ``facts``: as ``_attention`` takes it."""
    week = label(lang, "in_brackets", text=report.week)
    day = f"{label(lang, 'as_of')} {report.as_of}{week}"
    lines = [_line(report.plan.name, "bold"), _line(f"{unit_named(report, lang)}  {day}")]
    if (through := figures_through(report, lang)) is not None:
        lines.append(_line(through, "yellow"))
    if (span := phase_span(report, lang)) is not None:
        lines.append(_line(f"{label(lang, 'phase')} {span}"))
    lines.append(_score_line(report, lang))
    if began := began_counting_story(report, lang):
        lines.append(_line(f"  {began}"))
    if moved := moved_most(report, lang, moved_shown):
        heading = label(lang, "in_brackets", text=change_heading(report.grain, lang))
        lines.append(_line(f"{label(lang, 'moved')}{heading}", "bold"))
        lines += [_line(f"  {moved_change(kr, lang)}  {kr.id} {kr.title}") for kr in moved]
    tripped = [line for line in report.budget.lines if line.breaker.tripped]
    for line in tripped[:BREAKERS_SHOWN]:
        lead = _line(f"⚠ {label(lang, 'breaker_tripped')}{label(lang, 'colon')}", "bold red")
        # What tripped it and where it stands, every figure: on two lines where one
        # would cut them, even with the line's name shortened.
        lead.hanging = 2
        lines.append(_naming(lead, line.breaker.message, line.name, "bold red"))
    if len(tripped) > BREAKERS_SHOWN:
        lines.append(_line(f"⚠ {label(lang, 'breakers_more', n=len(tripped) - BREAKERS_SHOWN)}",
                           "bold red"))  # fmt: skip
    lines += _attention(report, lang, alerts_shown, facts)
    owed = owed_text(report, lang)
    lines.append(_line(owed[0], "bold"))
    if names_within is not None and len(owed) > 2:
        lines.append(_line(f"  {_owed_names(report, lang, names_within - 2)}"))
    else:
        lines += [_line(f"  {text}") for text in owed[1:]]
    return lines


def _owed_names(report: Report, lang: str, width: int) -> str:
    """Who owes check-ins in one line of ``width`` cells: as many names as fit, and how
    many more (at least the first name)."""
    found = owed_by_person(report)
    # No more names than fit without the "and N more" after them (a firm's report can
    # have thousands owing): then fewer, until that fits too.
    separator = cell_width(label(lang, "list_sep"))
    names, used = 0, -separator
    for person in found:
        used += separator + cell_width(person.name)
        if used > width:
            break
        names += 1
    names = max(names, 1)
    while names > 1 and cell_width(owed_names(found, lang, names)) > width:
        names -= 1
    return owed_names(found, lang, names)


def _attention(report: Report, lang: str, most: int, facts: bool = True) -> list[Text]:
    """The alerts of the first screen, ``most`` of them; with ``facts``, one that a line
    narrower than the screen it is written for would cut in a figure, a day or its
    verdict goes on under its message."""
    # Breakers are on their own lines above; the rest, most severe first.
    shown = attention_first(report, most)
    styles = {"error": "bold red", "warning": "yellow", "info": ""}
    lines = [_line(attention_heading(report, lang, most), "bold")]
    for alert in shown:
        level = label(lang, f"level_{alert.level}")
        t = _line("  ")
        t.append(level + " " * max(1, 8 - cell_width(level)), style=styles.get(alert.level, ""))
        said = commands_held(alert.said() + alert.hint)
        # Narrower than the screen it is written for, a line goes on under its message
        # rather than lose a figure or a day it shows there (P.FEMALE's day missed).
        if facts:  # nor its verdict (截止未达成), where the screen has the rows
            t.hanging, t.facts_at = cell_width(t.plain), FIRST_SCREEN_WIDTH
            t.verdict = True
        lines.append(_naming(t, said, alert.title, lang=lang, listed=alert.subjects))
    return lines


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
_PACE_LAST = ("expected", "attainment")
"""The columns that say where a figure stands against the pace its status is judged on,
the last to join first."""
_PACE = set(_PACE_LAST)
_TITLE_LINES = {"attainment": 3, "expected": 3, "change": 2, "forecast": 2, "trend": 2}
"""The most lines a table's longest title is to take for the column to join it: where
the figure stands against its pace (完成率, 应完成) at three, the week's change, the
forecast and the trend at two."""
_TITLE_SLACK = 1
"""Cells over the longest title's share of a line: a line breaks before a figure with its
unit or a bracket holding one, rarely at the last cell."""
_SHORT_TITLE = 20
"""The cells of a title short enough to be kept on one line rather than give room to the
change, the forecast or the trend (ten Chinese characters)."""
_FRAME = 4
"""A table's cells besides its columns': its left border, the title column's padding and
the border after it."""


def _title_width(objective: ReportObjective) -> int:
    """Room for the longest id, so an id is never broken (``O3.PRODUCTIVITY``)."""
    return max([_TITLE_MIN, *(cell_width(kr.id) for kr in objective.key_results)])


def _kr_cell(kr: ReportKeyResult, column: str, lang: str) -> str | Text:
    if column == "actual":
        return actual(kr, lang)
    if column == "target":
        return target(kr, lang)
    if column == "attainment":
        return attainment(kr)
    if column == "expected":
        # Of a figure out of date, the day it was due on, under it: no wider a column.
        day = due_on(kr, lang)
        return due_figure(kr, lang) + (f"\n{day}" if day else "")
    if column == "status":
        return Text(status_text(kr, lang), style=STATUS_STYLE.get(kr.status, ""))
    if column == "change":
        return change(kr, lang)
    if column == "forecast":
        if kr.forecast is not None:
            # Of a figure out of date, made from its day (engine.progress): said under it.
            since = forecast_from(kr, lang)
            return value(kr, kr.forecast, lang) + (f"\n{since}" if since else "")
        return label(lang, "not_enough") if kr.forecast_note else "—"
    return sparkline(kr)


def _heading(column: str, grain: str, lang: str, results: Sequence[ReportKeyResult] = ()) -> str:
    if column == "forecast":
        return forecast_heading(results, lang)  # 预测 over a checkpoint's, not 年末预测
    return change_heading(grain, lang) if column == "change" else label(lang, column)


def _kr_table(
    objective: ReportObjective,
    columns: list[str],
    cells: dict[str, list[str | Text]],
    grain: str,
    lang: str,
    left_out: list[str],
    cap: float,
    widened: dict[str, int] | None = None,
    status_words: str = "",
    unit_score: float | None = None,
) -> TextTable:
    scored = score_text(objective.score)
    # The score's label and figure on one line: "Score" at the end of one line and
    # "99.6%" at the start of the next read as two things.
    title = f"{objective.id} {objective.title}  {label(lang, 'score')}{NO_BREAK}{scored}"
    # With no key result to show, the table is not drawn: no column is left out of it.
    shown = objective.key_results
    # Over figures due on days of their own (out of date), not "Due now": left out too.
    due = due_heading(objective.key_results, lang)
    results = objective.key_results
    headings = [due if c == "expected" else _heading(c, grain, lang, results) for c in left_out]
    note = _left_out_note(headings, lang) if shown else ""
    # What the score leaves out first: it is about the figure above, the rest about layout.
    caption = "\n".join(
        text
        for text in (
            unmeasured_story(objective, lang, unit_score),
            capped_story(objective, cap, lang),
            baseline_story(objective, lang, joined=NO_BREAK),
            pooled_story(objective, lang),
            note,
            status_words,
        )
        if text
    )
    table = TextTable(title, caption=caption, colon=label(lang, "colon"))
    # A title over more lines than the pace columns allow it, even with every column
    # they give up left out, reads better across the width, its figures under it.
    table.stacked_past = max(_TITLE_LINES.values())
    # Words wrap at spaces; only a word longer than the column (never an id) is folded, and
    # never inside a figure.
    table.add_column(
        label(lang, "key_result"), overflow="fold_figures", min_width=_title_width(objective)
    )
    for column in columns:
        right = column not in ("status", "trend")
        heading = due if column == "expected" else None
        # A status is words (未达成 (Q1), off track): where the table is one cell short
        # of its longest id, they wrap at their space rather than the id be folded.
        # Wider than its cells where the title column is held narrower (``_objectives``).
        table.add_column(heading or _heading(column, grain, lang, results),
                         justify="right" if right else "left",
                         no_wrap=column != "status",
                         min_width=(widened or {}).get(column))  # fmt: skip
    for row, kr in enumerate(objective.key_results):
        table.add_row(f"{kr.id} {kr.title}", *(cells[c][row] for c in columns))
        # Members met, the latest check-in, the window: across the table, not folded
        # into the narrow title column.
        table.add_note(*under_title(kr, lang))
        if heading := breakdown_heading(kr, lang):
            table.add_row(heading)
        for text, figure in breakdown_rows(kr, lang):
            table.add_row(text, *(figure if c == "actual" else "" for c in columns))
    return table


def _widths(
    cells: dict[str, list[str | Text]], grain: str, lang: str, results: Sequence[ReportKeyResult]
) -> dict[str, int]:
    """Each column's narrowest width with every number in it whole."""
    return {
        column: max(cell_width(line) for t in [
            _heading(column, grain, lang, results),
            *(c.plain if isinstance(c, Text) else c for c in shown)
        ] for line in t.split("\n"))
        for column, shown in cells.items()
    }  # fmt: skip


def _longest_title(objective: ReportObjective) -> int:
    return max((cell_width(f"{kr.id} {kr.title}") for kr in objective.key_results), default=0)


def _title_room(objective: ReportObjective, column: str) -> int:
    """The title column's cells for ``column`` to join the table: room for its longest
    title in ``_TITLE_LINES`` lines (its share of a line and ``_TITLE_SLACK``, or more
    where every title wrapped as the column wraps it needs more: long English words),
    and for its longest id whole; for a column a table can best do without (two lines),
    room for a short title whole too."""
    longest, lines = _longest_title(objective), _TITLE_LINES[column]
    titles = tuple(f"{kr.id} {kr.title}" for kr in objective.key_results)
    room = max(-(-longest // lines) + _TITLE_SLACK, _room_for(titles, lines))
    if lines < 3:  # a firm's "F1.KR1 新开户数" not split for its forecast
        room = max(room, min(longest, _SHORT_TITLE))
    return max(_title_width(objective), room)


@functools.lru_cache(maxsize=256)
def _room_for(titles: tuple[str, ...], lines: int) -> int:
    """The fewest cells of a line on which each of ``titles`` takes at most ``lines``
    lines, wrapped as the title column wraps them (at a space, never inside a figure)."""
    room = 0
    for title in sorted(titles, key=cell_width, reverse=True):
        cells = max(room, -(-cell_width(title) // lines))
        while lines_wrapped(title, cells) > lines:
            cells += 1
        room = cells
    return room


def _objectives(report: Report, lang: str, width: int) -> list[TextTable]:
    """One table per objective, with as many columns as the terminal has room for: each
    column the figures give up for width (``_GIVE_UP``) joins them, in the reverse order,
    only where the title column keeps its ``_title_room``. At 80 columns the demo's C1.KR2
    took four lines beside seven columns, where its id alone was kept whole.

    While a column is still to join, the title column is no wider than the room it will
    keep then, the cells past that going to the figures' columns: so a wider terminal
    never takes a title over more lines (the forecast joined at 88 to 110 columns where
    the title column was wide, leaving it 12 to 15 cells)."""
    laid_out: list[_LaidOut] = []
    for objective in report.objectives:
        cells = {c: [_kr_cell(kr, c, lang) for kr in objective.key_results] for c in _ALL_COLUMNS}
        widths = _widths(cells, report.grain, lang, objective.key_results)
        columns, spare = _columns(objective, widths, width)
        in_words = False
        if lang == "en" and not set(columns) >= _PACE:
            # Where the pace columns still wait in English, the status whole where the
            # cells the figures' columns were to take pay for it, else in one word (OK,
            # risky, behind; a status a word a line read `on` above `track`): for where
            # its figure stands against its pace. Held to them and their title room, so
            # that no title takes a line it keeps once they join with the status whole.
            worded, worded_widths = _status_in_a_word(objective, cells, widths, lang)
            paced, paced_spare = _columns(objective, worded_widths, width, _PACE_LAST)
            if len(_PACE & set(paced)) > len(_PACE & set(columns)):
                whole = widths["status"] - worded_widths["status"]
                if paced_spare >= whole:  # the cells the figures were to take pay for it
                    columns, spare = paced, paced_spare - whole
                else:
                    cells, widths, columns, spare = worded, worded_widths, paced, paced_spare
                    in_words = True
        laid_out.append(_LaidOut(objective, cells, widths, columns, spare, in_words))
    legend = ""
    if any(table.in_words for table in laid_out):
        # One page, one set of status words: `risky` in one table and `at risk` in the
        # next read as two statuses.
        laid_out = [_worded(table, lang) for table in laid_out]
        legend = _status_words(report, lang)
    tables = []
    for table in laid_out:
        objective, columns = table.objective, table.columns
        left_out = [c for c in _ALL_COLUMNS if c not in columns]
        told = legend if "status" in columns and objective.key_results else ""
        legend = legend if not told else ""  # under the first table it stands for
        widened = _widened(columns, table.widths, table.spare)
        if table.status_width is not None:
            widened = {**widened, "status": max(widened.get("status", 0), table.status_width)}
        tables.append(_kr_table(objective, columns, table.cells, report.grain, lang, left_out,
                                report.attainment_cap, widened, told, report.score))  # fmt: skip
    return tables


class _LaidOut(NamedTuple):
    """An objective's table as ``_objectives`` lays it out."""

    objective: ReportObjective
    cells: dict[str, list[str | Text]]
    widths: dict[str, int]
    columns: list[str]
    spare: int
    in_words: bool
    """Each status in one word (``_status_in_a_word``)."""
    status_width: int | None = None
    """The status column's width where its words were put in one afterwards: as wide as
    the whole words took it."""


def _worded(table: _LaidOut, lang: str) -> _LaidOut:
    """``table`` with each status in one word, laid out as it was: its columns as wide,
    so that its titles take the lines they took, at this width as at the next."""
    if table.in_words or not table.objective.key_results:
        return table
    cells, _ = _status_in_a_word(table.objective, table.cells, table.widths, lang)
    return table._replace(cells=cells, in_words=True, status_width=table.widths["status"])


def _status_words(report: Report, lang: str) -> str:
    """What the page's one-word statuses stand for, as they first appear: ``OK = on
    track, risky = at risk``."""
    seen = dict.fromkeys(kr.status for o in report.objectives for kr in o.key_results)
    shown = [
        f"{status_in_a_word(lang, status)} = {whole_status(lang, status)}"
        for status in seen
        if status_in_a_word(lang, status) != whole_status(lang, status)
    ]
    return label(lang, "status_words", words=label(lang, "list_sep").join(shown)) if shown else ""


def _status_in_a_word(
    objective: ReportObjective,
    cells: dict[str, list[str | Text]],
    widths: dict[str, int],
    lang: str,
) -> tuple[dict[str, list[str | Text]], dict[str, int]]:
    """``cells`` and ``widths`` with each status in one word (``OK``, ``risky``,
    ``behind``: ``status_in_a_word``), a closed checkpoint's phase under it, the status
    column as wide as its longest word."""
    worded: list[str | Text] = []
    for kr in objective.key_results:
        word = status_in_a_word(lang, kr.status)
        if kr.closed is not None:
            word += f"\n({kr.phase or kr.closed.isoformat()})"
        worded.append(Text(word, style=STATUS_STYLE.get(kr.status, "")))
    lines = [line for cell in worded for line in as_text(cell).plain.split("\n")]
    narrower = max(map(cell_width, [label(lang, "status"), *lines]))
    return dict(cells, status=worded), dict(widths, status=narrower)


def _columns(
    objective: ReportObjective,
    widths: dict[str, int],
    width: int,
    give_up: Sequence[str] = _GIVE_UP,
) -> tuple[list[str], int]:
    """The columns of ``objective``'s table at ``width`` (``_objectives``), of those the
    figures give up only ``give_up`` joining, and the cells left over for the figures'
    columns while the next column waits for room. With fewer than all to join, the title
    column is held, once they have, to the room the last of them needs."""
    # The title column's cells: the terminal's, less each column's cells, padding and
    # border, and the table's own.
    shown = [c for c in _ALL_COLUMNS if c not in _GIVE_UP]
    room = width - _FRAME - sum(widths[c] + 3 for c in shown)
    spare = 0
    for column in reversed(give_up):
        needed = _title_room(objective, column)
        if room - widths[column] - 3 < needed:
            if _longest_title(objective) > needed:  # a title it would wrap further
                spare = room - needed
            break
        shown.append(column)
        room -= widths[column] + 3
    else:
        if len(give_up) < len(_GIVE_UP) and give_up:
            spare = room - _title_room(objective, give_up[0])
    return [c for c in _ALL_COLUMNS if c in shown], spare


def _widened(columns: list[str], widths: dict[str, int], spare: int) -> dict[str, int]:
    """The figures' columns' widths with ``spare`` cells shared among them, the first
    ones taking one more where they do not share evenly: {} for none to share."""
    if spare <= 0 or not columns:
        return {}
    each, more = divmod(spare, len(columns))
    return {c: widths[c] + each + (n < more) for n, c in enumerate(columns)}


def _members(report: Report, lang: str) -> TextTable | None:
    if not report.members:
        return None
    table = TextTable(label(lang, "members"), colon=label(lang, "colon"))
    table.add_column(label(lang, "rank"), justify="right")
    # Room for the longest id; its ⚑ may go under it, where the room it would take keeps
    # an English heading's word whole beside it ("Off" above "track", not "trac" above "k").
    widest = max(cell_width(f"({m.id})") for m in report.members)
    table.add_column(label(lang, "member"), overflow="fold_figures", min_width=widest)
    table.add_column(label(lang, "score"), justify="right", no_wrap=True)
    table.add_column(label(lang, "off_track"), justify="right", no_wrap=True)
    for m in members_listed(report):
        if isinstance(m, Unlisted):
            table.add_row("", Text(unlisted_text(m, lang), style="dim"), "", "")
            continue
        if opens_people(report, m):
            table.add_section()
            table.add_row("", Text(label(lang, "people_ranked"), style="bold"), "", "")
        style = "bold red" if m.off_track else ""
        mark = " ⚑" if m.off_track else ""
        table.add_row(rank_text(m), Text(f"{m.name} ({m.id}){mark}", style=style),
                      member_score(m), off_track_text(m))  # fmt: skip
    return table


SCORE_PERIODS = 6
"""At most this many complete periods in the scores table; fewer when the terminal is narrow."""


def _scores(report: Report, lang: str, width: int) -> TextTable | None:
    """Each person's score period by period: the last few complete ones, the current one
    to date, and the trend from the one before the last to the last. With more than one
    policy, each policy's people are a section of their own."""
    if not report.scores:
        return None
    note = to_date_note(report, lang)
    current = _current_heading(report, lang)
    periods = sorted({p.period for s in report.scores for p in s.history})[-SCORE_PERIODS:]
    columns = _period_widths(report, periods, lang)
    fixed = _fixed_scores_width(report, current, lang)
    while len(periods) > 1 and fixed + sum(columns[period] for period in periods) > width:
        periods = periods[1:]
    table = TextTable(label(lang, "scores"), colon=label(lang, "colon"))
    table.add_column(
        label(lang, "member"), overflow="fold_figures", min_width=_member_width(report)
    )
    for period in periods:
        table.add_column(period_heading(period, lang), justify="right", no_wrap=True)
    if current:
        table.add_column(current, justify="right", no_wrap=True)
    table.add_column(label(lang, "trend"), no_wrap=True)
    policies = sorted({s.policy for s in report.scores})
    listed = scores_by_policy(report)
    for policy in policies:
        if len(policies) > 1:
            if policy != policies[0]:
                table.add_section()
            table.add_row(Text(f"{label(lang, 'policy')}{label(lang, 'colon')}{policy}",
                               style="bold"))  # fmt: skip
        for s in listed[policy]:
            if isinstance(s, Unlisted):
                table.add_row(Text(unlisted_text(s, lang), style="dim"))
                continue
            by_period = {p.period: p for p in s.history}
            cells = [f"{s.name} ({s.person})"]
            for period in periods:
                point = by_period.get(period)
                cells.append(held(point.score, point.raw) if point else "—")
            if current:
                cells.append(held(s.current_score, s.current_raw))
            cells.append(score_trend(s))
            table.add_row(*cells)
    table.caption = "\n".join(part for part in (note, scores_legend(report, periods, lang)) if part)
    return table


def _current_heading(report: Report, lang: str) -> str:
    """ "11月至今": the period the to-date column holds; "" when none is running."""
    return "" if running_period(report) is None else to_date_heading(report, lang)


def _member_width(report: Report) -> int:
    return max(cell_width(s.person) + 2 for s in report.scores)


def _fixed_scores_width(report: Report, current: str, lang: str) -> int:
    """The narrowest the scores table can be with no period's column: the member, the
    to-date and the trend columns, padding, borders."""
    member = min(16, max(cell_width(f"{s.name} ({s.person})") for s in report.scores))
    width = 1 + max(member, _member_width(report)) + 3 + cell_width(label(lang, "trend")) + 3
    if current:
        cells = [current, *(held(s.current_score, s.current_raw) for s in report.scores)]
        width += max(cell_width(c) for c in cells) + 3
    return width


def _period_widths(report: Report, periods: list[str], lang: str) -> dict[str, int]:
    """Each period's column at its narrowest, with its padding and border: measured once,
    whichever of them the terminal has room for."""
    held_in: dict[str, list[str]] = {period: [period_heading(period, lang)] for period in periods}
    for s in report.scores:
        for p in s.history:
            if p.period in held_in:
                held_in[p.period].append(held(p.score, p.raw))
    return {period: max(map(cell_width, cells)) + 3 for period, cells in held_in.items()}


_BUDGET_OPTIONAL = ("cost_per_result", "signed_by")
"""Budget columns a narrow terminal gives up, last first; amounts are never cut."""


def _budget(report: Report, lang: str, width: int) -> TextTable | None:
    """The budget table with as many of its optional columns as the terminal has room
    for; those left out are named under it."""
    if not report.budget.lines:
        return None
    rows, totals = _budget_rows(report, lang), _budget_totals(report, lang)
    rounding = ledger_rounding_note(report.budget, lang)
    shown = list(_BUDGET_OPTIONAL)
    while True:
        table = _budget_table(report, lang, rows, totals, rounding, shown)
        if not shown or _fits(table, width):
            return table
        shown.pop()


def _fits(table: TextTable, width: int) -> bool:
    """Whether the table fits ``width`` with every amount whole and unsqueezed."""
    return table.fits(width)


def _left_out_note(headings: list[str], lang: str) -> str:
    """The line under a table naming the columns it gave up for width ("" for none)."""
    if not headings:
        return ""
    return label(lang, "left_out", columns=label(lang, "list_sep").join(headings))


_AMOUNTS = ("amount", "spent", "left", "roi")
"""The budget table's columns of figures, each with its total under it."""


def _budget_rows(report: Report, lang: str) -> list[dict[str, str | Text]]:
    """The budget table's cells by column, a row for each line and the reserve's: written
    once, whichever optional columns the table shows."""
    budget = report.budget
    rows: list[dict[str, str | Text]] = []
    colon = label(lang, "colon")
    for line in budget.lines:
        style = "bold red" if line.breaker.tripped else ""
        name = f"{'⚠ ' if line.breaker.tripped else ''}{line.id} {line.name}"
        # One a line, as the workbook and the web page show them.
        costs = "\n".join(
            f"{c.key_result}{colon}{cost_written(c.cost, UNITS[c.per], lang)}"
            for c in line.cost_per_result
        )
        signers = label(lang, "list_sep").join(line.signed_by)
        if line.overrides:
            reasons = label(lang, "clause_sep").join(o.reason for o in line.overrides)
            said = label(lang, "override") + colon + reasons
            signers += label(lang, "in_brackets", text=said)
        rows.append({"line": Text(name, style=style), "amount": ledger(line.amount, lang),
                     "spent": ledger(line.spent, lang), "left": ledger(line.left, lang),
                     "roi": ratio(line.roi), "cost_per_result": costs or "—",
                     "signed_by": signers or "—"})  # fmt: skip
    if (r := budget.reserve) is not None:
        rows.append({"line": label(lang, "reserve"), "amount": ledger(r.amount, lang),
                     "spent": ledger(r.spent, lang), "left": ledger(r.left, lang), "roi": "—",
                     "cost_per_result": "—", "signed_by": "—"})  # fmt: skip
    return rows


def _budget_totals(report: Report, lang: str) -> dict[str, str]:
    """What the budget table's footer says under each of its first columns."""
    total = report.budget.total
    return {"line": label(lang, "total"), "amount": ledger(total.amount, lang),
            "spent": ledger(total.spent, lang), "left": ledger(total.left, lang),
            "roi": ratio(total.roi)}  # fmt: skip


def _budget_table(
    report: Report,
    lang: str,
    rows: list[dict[str, str | Text]],
    totals: dict[str, str],
    rounding: str,
    shown: list[str],
) -> TextTable:
    """The budget table of ``rows`` over ``totals`` with the optional columns ``shown``;
    under it the ``rounding`` note and the columns left out."""
    left_out = [c for c in _BUDGET_OPTIONAL if c not in shown]
    notes = (rounding, _left_out_note([label(lang, c) for c in left_out], lang))
    table = TextTable(label(lang, "budget"), caption="\n".join(filter(None, notes)),
                      show_footer=True, colon=label(lang, "colon"))  # fmt: skip
    # Room for each id whole, with the mark before a tripped line's: a line not tripped
    # has none, and room for it pushed a table that fits into rows stacked.
    widest = max(cell_width(f"⚠ {line.id}" if line.breaker.tripped else line.id)
                 for line in report.budget.lines)  # fmt: skip
    table.add_column(label(lang, "line"), footer=totals["line"], overflow="fold_figures",
                     min_width=widest)  # fmt: skip
    # An amount is never broken over two lines ("CNY" above "600k").
    for key in _AMOUNTS:
        table.add_column(label(lang, key), justify="right", footer=totals[key], no_wrap=True)
    if "cost_per_result" in shown:
        table.add_column(label(lang, "cost_per_result"), justify="right")
    if "signed_by" in shown:
        table.add_column(label(lang, "signed_by"), overflow="fold_figures")
    columns = ["line", *_AMOUNTS, *shown]
    for row in rows:
        table.add_row(*(row[column] for column in columns))
    return table


def _budget_summary(report: Report, lang: str) -> Text | None:
    parts = budget_summary(report.budget, lang)
    return Text("\n".join(parts)) if parts else None


def _alerts(screen: Screen, report: Report, lang: str) -> None:
    """What needs attention, most severe first, then apart what is told for information
    only: each alert's level in a column of its own and its message wrapped beside it."""
    screen.text(Text(label(lang, "alerts"), style="bold"))
    needing, info = needing_attention(report), for_information(report)
    if not needing:
        screen.text(Text(no_alerts_text(report, lang)))
    styles = {"error": "bold red", "warning": "yellow", "info": ""}
    for heading, alerts in ((None, needing), (label(lang, "for_information"), info)):
        if heading is not None and alerts:
            screen.blank()
            screen.text(Text(heading, style="bold"))
        for alert in alerts:
            level = label(lang, f"level_{alert.level}")
            head = Text(level + " " * max(1, 8 - cell_width(level)), styles.get(alert.level, ""))
            screen.beside(head, Text(commands_held(alert.said() + alert.hint)))


def render_brief(report: Report, file: TextIO, width: int | None = None) -> None:
    """Print only the report's first screen (``okrdesk report --brief``)."""
    screen = Screen(file, width)
    with short_english_figures():
        screen.lines(first_screen(report, report.lang, screen.width))
    screen.flush()


def render_text(report: Report, file: TextIO, width: int | None = None) -> None:
    """Print the report to ``file``, a terminal or not: the first screen, then the details,
    their English figures in the short forms (``short_english_figures``: ¥4,027m)."""
    with short_english_figures():
        _render_text(report, file, width)


def _render_text(report: Report, file: TextIO, width: int | None) -> None:
    screen = Screen(file, width)
    lang = report.lang
    screen.lines(first_screen(report, lang, screen.width))
    screen.blank()
    screen.rule(label(lang, "details"), style="dim")
    if story := no_targets_story(report, lang):
        screen.text(Text(story))
        screen.blank()
    for table in _objectives(report, lang, screen.width):
        screen.table(table)
        screen.blank()
    members = _members(report, lang)
    if members is None and (cut := depth_note(report, lang)):  # where the ranking would be
        screen.text(Text(cut, "dim"))
        screen.blank()
    for part in (members, _scores(report, lang, screen.width),
                 _budget(report, lang, screen.width)):  # fmt: skip
        if part is not None:
            screen.table(part)
            if part is members and (unranked := unranked_notes(report, lang)):
                # As wide as the screen: under the narrow ranking it would wrap word by word.
                screen.text(Text("\n".join(unranked), "dim"))
            screen.blank()
    if (summary := _budget_summary(report, lang)) is not None:
        screen.text(summary)
        screen.blank()
    _alerts(screen, report, lang)
    screen.blank()
    screen.flush()
