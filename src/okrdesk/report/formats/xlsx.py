"""The report as an Excel workbook: a sheet per section, numbers as numbers.

The first sheet says what the workbook is about (plan, unit, day, score), so a
copy passed on keeps its date.

Every figure is a number cell holding the value okrdesk computed, unrounded,
with a number format that shows it with the digits the report writes: in its
base unit (a count, a fraction; in English every amount in yuan, Excel's
scaling by thousands giving CNY millions and thousands, ``"CNY "#,##0.0,,"m"``),
% and counts with their unit. A Chinese amount is held in the one scale of its
column (``column_scale``: 亿, 万 or 元), named in the column's header
(``实际（金额单位：万元）``, ``已用（万元）``) and on its row (计量单位 万元), so a
SUM, a ratio or a chart over a column is right: a format cannot divide by
10,000, and a column holding 39.98 for 39.98亿 beside 8,470 for 8,470万 added
up to nonsense. A ‰ figure and one in points of percent are held in ‰ (0.15 for
0.15‰, ``0.00"‰"``) and in points (-0.58 for -0.58百分点, ``0.00"百分点"``), scales
a format cannot divide by either. Header rows are frozen and columns are as wide
as their text, a Chinese character counting as two. Text is written as text,
never as a formula.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, BinaryIO

from okrdesk.messages import kind_label, label
from okrdesk.plugins.hookspecs import RenderContext, ReportFormat, hookimpl
from okrdesk.report.cells import (
    NO_CHANGE,
    attainment,
    behind_due,
    change,
    change_figure,
    change_heading,
    compared_with,
    due_on,
    figures_through,
    forecast_heading,
    phase_span,
    target,
    unit_named,
    whole_count,
)
from okrdesk.report.notes import (
    baseline_row,
    began_counting_story,
    budget_summary,
    depth_note,
    from_baseline,
    held_mark,
    no_alerts_text,
    period_heading,
    running_period,
    score_moved,
    score_periods,
    score_trend,
    scores_legend,
    status_text,
    to_date_heading,
    to_date_note,
    under_title,
    unmeasured_why,
    unranked_why,
)
from okrdesk.report.numbers import score_text
from okrdesk.units import (
    UNITS,
    ZH_WAN,
    ZH_YI,
    Dimension,
    UnitOfMeasure,
    exact,
    figure,
    half_up,
    is_percent,
    ledger,
    percentage,
    shows_a_digit,
    unit_word,
    written,
)

MAX_WIDTH = 60
PERCENT = "0.0%"

_WORDS = {
    "zh": {"id": "编号", "title": "名称", "unit": "计量单位", "owner": "负责人",
           "kind": "类别", "level": "级别", "message": "内容", "tripped": "已熔断",
           "notes": "说明", "summary": "概览", "item": "项目", "value": "内容", "plan": "计划",
           "who": "单位", "figures": "数据", "made_by": "生成", "score_change": "得分变化",
           "began_counting": "得分变化说明"},
    "en": {"id": "ID", "title": "Title", "unit": "Unit", "owner": "Owner",
           "kind": "Kind", "level": "Level", "message": "Message", "tripped": "Tripped",
           "notes": "Notes", "summary": "Summary", "item": "Item", "value": "Value",
           "plan": "Plan", "who": "Unit", "figures": "Figures", "made_by": "Made by",
           "key_result": "Key results", "score_change": "Score change",
           "began_counting": "Score change note"},
}  # fmt: skip


def _named(lang: str, key: str) -> str:
    """A sheet's name, or a heading over a count of the things it lists: the workbook's
    own word (Key results, for many), else the report's (``messages.label``)."""
    words = _WORDS[lang]
    return words[key] if key in words else label(lang, key)


# A cell: its value (str, a number or None) and, for a number, its number format.
Cell = tuple[object, str | None]


def number_format(unit: UnitOfMeasure, lang: str) -> str:
    """The Excel number format that writes a base value as ``unit`` reads; for money,
    whose format follows each figure (``figure_format``), that of one of the unit."""
    if unit.dimension is Dimension.MONEY:
        return figure_format(unit, float(unit.factor), lang)
    if unit.dimension is Dimension.FRACTION:
        if unit.factor == Decimal("0.001"):
            return '0.00"‰"'
        return points_format(lang) if in_points(unit) else PERCENT
    return _with_words(unit, 2, lang)


def _with_words(unit: UnitOfMeasure, value: float, lang: str, *, whole: bool = True) -> str:
    """A count's, score's or multiple's format, with the decimals and the words the
    report writes ``value`` with (户, " accts", " acct" for one, " pts", " per client",
    "x"; 61.7分, 60.49分, 1.84万户): taken from ``units.written`` itself, so the two never
    differ."""
    shown = written(unit, value, lang, whole=whole and unit.dimension is Dimension.COUNT)
    words = shown.lstrip("+-0123456789,.")
    return f'{_digits(shown)}"{words}"' if words else _digits(shown)


def _digits(shown: str) -> str:
    """The digits of a number format showing the decimals ``shown`` has: ``#,##0.00``
    for 39.98亿, ``#,##0`` for 8,470万."""
    fraction = shown.partition(".")[2]
    places = len(fraction) - len(fraction.lstrip("0123456789"))
    return "#,##0" + ("." + "0" * places if places else "")


def _in_wan(unit: UnitOfMeasure, lang: str) -> bool:
    """A count in 万 (万户) in Chinese: its cell holds it in 万, as a format cannot
    divide by 10,000."""
    return unit.dimension is Dimension.COUNT and unit.factor == 10**4 and lang == "zh"


def in_points(unit: UnitOfMeasure) -> bool:
    return unit.symbol in ("百分点", "pct")


def points_format(lang: str) -> str:
    """Points of percent, on a cell holding them (0.58 for 0.58百分点): Excel's % would
    write 0.0058 as 0.58%, which reads as a rate, not a difference of two."""
    return '0.00"百分点"' if lang == "zh" else '0.00" pp"'


def money_cell(shown: str, value: float) -> tuple[float, str]:
    """The cell of an English amount (``value``, in yuan) the report writes as
    ``shown``: the amount itself, Excel's scaling giving CNY millions and thousands
    (``"CNY "#,##0.0,,"m"`` for CNY 784.6m, ``"CNY "#,##0,"k"`` for CNY 4k), with the
    decimals ``shown`` has. Every English money cell holds yuan, so a column of them
    adds up whatever each cell shows."""
    scaled = {"m": ',,"m"', "k": ',"k"'}.get(shown[-1], "")
    return value, f'"CNY "{_digits(shown)}{scaled}'


YI, WAN = int(ZH_YI), int(ZH_WAN)
SCALE_NAMES = {YI: "亿元", WAN: "万元", 1: "元"}
"""A Chinese money column's scale as its header and its rows' 计量单位 name it."""


def column_scale(amounts: Iterable[float | None]) -> int:
    """The one scale a Chinese column of amounts is held in: 亿 when every amount in it
    is 1亿 or more (a column of AUM and sales), 元 when every one is under 1万, else 万.
    万 is where a branch writes most figures (9,306万, 2,250万), and a figure in 亿 keeps
    every whole digit in it (402,737 for 40.27亿); only a figure under 1万 beside larger
    ones loses digits (0.59 for 5,914元), and only in what it shows. A zero or an empty
    cell reads alike in every scale and does not choose."""
    sizes = [abs(a) for a in amounts if a]
    if sizes and min(sizes) >= YI:
        return YI
    if sizes and max(sizes) < WAN:
        return 1
    return WAN


def in_scale(value: float, scale: int, places: int | None = None) -> tuple[float, str]:
    """A Chinese amount's cell in its column's ``scale``: the amount in it (8470.36 for
    84,703,650 in 万) and a format showing the digits the report's rule writes it with in
    that scale (``#,##0`` for 8,470; ``#,##0.00`` for 45.67; whole yuan in 元), with no
    unit: the column's header names it once. ``places`` fixes the decimals, as the budget
    table's two in 万 (to the hundred yuan: 427.76, 380). An amount that would read 0 in
    the scale is no 0, as the report writes it in 元 (40元): it gets the decimals that
    show its first digit (0.004 in 万)."""
    amount = value / scale
    shown = figure(amount, 0 if scale == 1 else places)
    more = len(shown.partition(".")[2])
    while amount and not shows_a_digit(shown) and more < 8:
        more += 1
        shown = figure(amount, more)
    return amount, _digits(shown)


def figure_format(
    unit: UnitOfMeasure, value: float, lang: str, scale: int | None = None, *, whole: bool = True
) -> str:
    """The number format of one figure: ``number_format``, but a count's, score's or
    rate's with the decimals the report writes ``value`` with (5.10%, not 5.1%; 61.7分);
    money in English on the scale the report writes it in (CNY 784.6m; CNY 4k, not
    CNY 0m), in Chinese in its column's ``scale`` (``in_scale``; a figure alone, in its
    own: ``column_scale``); ``whole``: a count's figures are whole (not a
    ``split_credit``'s, written with the decimals they need)."""
    if unit.dimension in (Dimension.COUNT, Dimension.SCORE, Dimension.MULTIPLE):
        return _with_words(unit, value, lang, whole=whole)
    if unit.dimension is not Dimension.MONEY:
        found = number_format(unit, lang)
        return percent_format(written(unit, value, lang)) if found == PERCENT else found
    if lang == "en":
        return money_cell(written(unit, value, lang), value)[1]
    return in_scale(value, scale or column_scale([value]))[1]


_DIGITS = re.compile(r"(?:#,##)?0(?:\.(0+))?")


def apart_formats(actual: Cell, target: Cell) -> tuple[str | None, str | None]:
    """The formats of two number cells, an actual and the target it falls short of,
    with decimals added to both where they would show as one number until they do not
    (up to six); the target keeps its own where its figure shows the same with them."""
    (first, first_format), (second, second_format) = actual, target
    if not isinstance(first, (int, float)) or not isinstance(second, (int, float)):
        return first_format, second_format
    if first_format is None or second_format is None or first == second:
        return first_format, second_format
    shown, shown_target = _shown(first, first_format), _shown(second, second_format)
    if shown != shown_target:
        return first_format, second_format
    for places in range(_places(first_format) + 1, 7):
        finer, finer_target = (_with_places(f, places) for f in (first_format, second_format))
        seen = _shown(second, finer_target)
        if _shown(first, finer) != seen:
            return finer, second_format if seen == shown_target else finer_target
    return first_format, second_format


def _places(number_format: str) -> int:
    found = _DIGITS.search(number_format)
    return len(found.group(1) or "") if found else 0


def _with_places(number_format: str, places: int) -> str:
    decimals = "." + "0" * places if places else ""
    return _DIGITS.sub(lambda m: m.group(0).partition(".")[0] + decimals, number_format, 1)


def _shown(value: float, number_format: str) -> Decimal:
    """The number Excel shows of ``value`` in ``number_format``: scaled by its % and its
    thousands-scaling commas, rounded half-up to its decimals."""
    unquoted = re.sub(r'"[^"]*"', "", number_format)
    number = exact(value) * (100 if "%" in unquoted else 1)
    found = _DIGITS.search(unquoted)
    scaling = (
        len(unquoted[found.end() :]) - len(unquoted[found.end() :].lstrip(",")) if found else 0
    )
    return half_up(number / 1000**scaling, _places(number_format))


def percent_format(shown: str) -> str:
    """The format of a percentage the report writes as ``shown``: 0.0%, or 0.00% where
    the percentage rule keeps a second decimal (5.10%, 6.87%, 56.25%), which 0.0% would
    round away. A whole one typed (20%) keeps the one decimal computed ones show."""
    decimals = shown.rstrip("%").partition(".")[2]
    return "0.00%" if len(decimals) >= 2 else PERCENT


def _figure(
    unit: UnitOfMeasure, value: float | None, lang: str, scale: int | None, whole: bool = True
) -> Cell:
    if value is None:
        return None, None
    return held(unit, value, lang, scale), figure_format(unit, value, lang, scale, whole=whole)


def held(unit: UnitOfMeasure, value: float, lang: str, scale: int | None = None) -> float:
    """What a cell holds of a base value: the value itself (an English amount in yuan),
    but a ‰ figure in ‰, a figure in points in points, a Chinese count in 万户 in 万 and
    a Chinese amount in its column's ``scale``: scales a spreadsheet has no format for."""
    if unit.dimension is Dimension.MONEY:
        return value if lang == "en" else value / (scale or column_scale([value]))
    if _in_wan(unit, lang):
        return value / 10**4
    if unit.dimension is Dimension.FRACTION and unit.factor == Decimal("0.001"):
        return value * 1000
    return value * 100 if in_points(unit) else value


def _change(kr: Any, lang: str, scale: int | None) -> Cell:
    """The change over the plan's last period, signed as the report writes it: a rate's
    in points (+0.02百分点), a first figure 新增, one that rounds to nothing ±0."""
    if kr.new:
        return label(lang, "new"), None
    if kr.change is None:
        return None, None
    unit, difference = UNITS[kr.unit], change_figure(kr)
    if is_percent(unit):
        value, fmt = difference * 100, points_format(lang)
    else:
        value = held(unit, difference, lang, scale)
        fmt = figure_format(unit, abs(difference), lang, scale, whole=whole_count(kr))
    if change(kr, lang) == NO_CHANGE:
        return value, '"±0"'
    return value, f'+{fmt};-{fmt};"±0"'


def _actual_and_target(kr: Any, lang: str, scale: int | None) -> tuple[Cell, Cell]:
    """The actual's and the target's cells; of a key result short of its target whose
    two would show as one number (1.1966 and 1.2 in a column of 亿 at ``#,##0.0``), with
    the decimals that tell them apart, as the text report writes them
    (``okrdesk.figures_apart``): 1.197 beside 1.2."""
    unit = UNITS[kr.unit]
    actual = _figure(unit, kr.actual, lang, scale, whole_count(kr))
    target = _target(kr, lang, scale)
    short = kr.attainment is not None and kr.attainment < 1
    if not short or actual[1] is None or target[1] is None:
        return actual, target
    formats = apart_formats(actual, target)
    return (actual[0], formats[0]), (target[0], formats[1])


def _target(kr: Any, lang: str, scale: int | None) -> Cell:
    """A number, but for a ``within`` key result the band as the report writes it
    (``±1百分点``): a target of 0 alone would read as a goal of nothing."""
    if kr.band is None:
        return _figure(UNITS[kr.unit], kr.target, lang, scale, whole_count(kr))
    return target(kr, lang), None


def _due(kr: Any, lang: str, scale: int | None) -> Cell:
    """The figure due, with the decimals that tell it from the actual of a key result
    behind its pace (2.2 beside 2, at risk), as the text report writes it; for a
    ``within`` key result the band it is to keep within, as the target column writes it
    (``±1百分点``), not its middle (``0``) alone."""
    if kr.band is not None and kr.expected is not None:
        return target(kr, lang), None
    due = _figure(UNITS[kr.unit], kr.expected, lang, scale, whole_count(kr))
    if not behind_due(kr):
        return due
    actual = _figure(UNITS[kr.unit], kr.actual, lang, scale, whole_count(kr))
    return due[0], apart_formats(actual, due)[1]


def _money(value: float | None, lang: str) -> Cell:
    """A budget amount, as the budget table writes it (``units.ledger``): in Chinese in
    万 to the hundred yuan, in every cell of the column (427.76, 380; 0.4 for 4,000元,
    which the table writes in 元), so the column adds up; in English in whole CNY
    thousands (CNY yuan below), every cell holding yuan."""
    if value is None:
        return None, None
    if lang == "en":
        return money_cell(ledger(value, lang), value)
    return in_scale(value, WAN, places=2)


def _share(value: float | None, shown: str) -> Cell:
    """A share (an attainment, a score), in the format of ``shown``, the way the
    report writes it."""
    return value, percent_format(shown) if value is not None else None


def summary(report: Any) -> tuple[list[str], list[list[Cell]]]:
    """What the workbook is about: the plan, the unit, the day (and, on a past day
    whose period is stored whole, the day the figures run through), the phase and the
    score, as the text report's first lines say them."""
    lang = report.lang
    words = _WORDS[lang]
    plan = label(lang, "in_brackets", text=report.plan.id)
    rows: list[list[Cell]] = [
        [(words["plan"], None), (f"{report.plan.name}{plan}", None)],
        [(words["who"], None), (unit_named(report, lang), None)],
        [(label(lang, "as_of"), None),
         (f"{report.as_of}{label(lang, 'in_brackets', text=report.week)}", None)],
    ]  # fmt: skip
    if (through := figures_through(report, lang)) is not None:
        rows.append([(words["figures"], None), (through, None)])
    if (span := phase_span(report, lang)) is not None:
        rows.append([(label(lang, "phase"), None), (span, None)])
    rows.append([(label(lang, "score"), None), _share(report.score, score_text(report.score))])
    if report.previous_score is not None:
        ago = f"{label(lang, 'score')} {compared_with(report, lang)}"
        previous = report.previous_score
        rows.append([(ago, None), _share(previous, score_text(previous))])
        rows.append([(words["score_change"], None), _score_change(report, lang)])
        if began := began_counting_story(report, lang):
            rows.append([(words["began_counting"], None), (began, None)])
    rows.append([(words["made_by"], None), (report.generated_by, None)])
    return [words["item"], words["value"]], rows


def _score_change(report: Any, lang: str) -> Cell:
    """The score's change as the text report writes it beside the two scores, the one
    between them as shown (84.7% after 84.3%: +0.4, not the +0.49 a subtraction of the
    cells gives), in points; its words where it did not move (±0, 其后无新数据)."""
    moved = score_moved(report, lang)
    found = re.fullmatch(r"([+-]?\d+)(?:\.(\d+))?(?:百分点| pp)", moved)
    if found is None:
        return moved, None
    places = len(found[2] or "")
    shown = f"0.{'0' * places}" if places else "0"
    points = f'{shown}"百分点"' if lang == "zh" else f'{shown}" pp"'
    return float(moved.removesuffix("百分点").removesuffix(" pp")), f"+{points};-{points}"


def _money_scale(report: Any) -> int | None:
    """The scale the key results sheet holds its Chinese money in (``column_scale``),
    one for every money figure on it: actual, target, due, change and forecast, and a
    breakdown's rows. One for the sheet, not one per column, so a row's ratios (actual
    over target, a change over its actual) and a breakdown's sum are right as well as
    a column's, and the row's 计量单位 names it once. None in English, whose cells
    hold yuan, and on a sheet without money."""
    money = [kr for objective in report.objectives for kr in objective.key_results
             if UNITS[kr.unit].dimension is Dimension.MONEY]  # fmt: skip
    if report.lang != "zh" or not money:
        return None
    amounts: list[float | None] = []
    for kr in money:
        amounts += [kr.actual, kr.target if kr.band is None else None,
                    kr.expected if kr.band is None else None, kr.change,
                    kr.forecast]  # fmt: skip
        amounts += [row.actual for row in kr.breakdown.rows] if kr.breakdown else []
    return column_scale(amounts)


def _row_unit(unit: UnitOfMeasure, lang: str, scale: int | None) -> str:
    """A row's 计量单位: a Chinese amount's is the scale its cells hold (万元 for a key
    result set in 亿元 on a sheet in 万), so the row never says 亿元 beside 8,470."""
    if scale is not None and unit.dimension is Dimension.MONEY:
        return SCALE_NAMES[scale]
    return unit_word(unit, lang)


def in_header(head: str, scale: int | None, *, mixed: bool = False) -> str:
    """A Chinese money column's header with its scale, named once for its cells:
    ``已用（万元）``; ``实际（金额单位：万元）`` for a column whose other rows hold counts
    or rates, each in its own unit."""
    if scale is None:
        return head
    return (
        f"{head}（金额单位：{SCALE_NAMES[scale]}）" if mixed else f"{head}（{SCALE_NAMES[scale]}）"
    )


def _notes_of(kr: Any, objective: Any, lang: str) -> list[str]:
    """A key result's notes column: what the report writes under its title, and for a
    rate measured at a unit how it is made (the terminal's line under the table)."""
    pooled = [label(lang, "pooled_row")] if kr.id in objective.pooled else []
    started = [baseline_row(kr, lang)] if from_baseline(kr) else []
    # The forecast's cell holds its figure alone: the day it is for, where not the year's end.
    until = kr.forecast_to
    ahead = [label(lang, "forecast_to_note", day=f"{until:%Y-%m-%d}")] if until else []
    return [*under_title(kr, lang), *started, *pooled, *ahead]


def key_results(report: Any) -> tuple[list[str], list[list[Cell]]]:
    lang = report.lang
    words = _WORDS[lang]
    scale = _money_scale(report)
    # Over figures due on days of their own (out of date, said in the notes), not "Due now".
    every = [kr for o in report.objectives for kr in o.key_results]
    then = any(due_on(kr, lang) for kr in every)
    due = label(lang, "due_then" if then else "expected")
    figures = [in_header(text, scale, mixed=True) for text in (
        label(lang, "actual"), label(lang, "target"), due,
        change_heading(report.grain, lang), forecast_heading(every, lang))]  # fmt: skip
    head = [label(lang, "objective"), words["id"], words["title"], words["unit"], *figures[:2],
            label(lang, "attainment"), figures[2], label(lang, "status"), *figures[3:],
            words["notes"]]  # fmt: skip
    rows = []
    for objective in report.objectives:
        for kr in objective.key_results:
            unit = UNITS[kr.unit]
            rows.append([
                (objective.id, None), (kr.id, None), (kr.title, None),
                (_row_unit(unit, lang, scale), None),
                *_actual_and_target(kr, lang, scale),
                _share(kr.attainment, attainment(kr)),
                _due(kr, lang, scale),
                (status_text(kr, lang), None), _change(kr, lang, scale),
                _figure(unit, kr.forecast, lang, scale, whole_count(kr)),
                ("\n".join(_notes_of(kr, objective, lang)) or None, None),
            ])  # fmt: skip
            for row in kr.breakdown.rows if kr.breakdown is not None else ():
                share = "—" if row.share is None else percentage(row.share, keep=1)
                rows.append([
                    (objective.id, None), (kr.id, None),
                    (label(lang, "breakdown_row", share=share,
                           value=row.label),
                     None),
                    (_row_unit(unit, lang, scale), None),
                    _figure(unit, row.actual, lang, scale),
                ])  # fmt: skip
        for missing in objective.unmeasured:
            # No figure to give: the status and the reason, where its figures would be.
            why = unmeasured_why(missing, lang)
            rows.append([
                (objective.id, None), (missing.id, None), (missing.title, None),
                (_row_unit(UNITS[missing.unit], lang, scale), None), *[(None, None)] * 4,
                (label(lang, "unmeasured_status"), None), (None, None), (None, None),
                (why, None),
            ])  # fmt: skip
    return head, rows


def members(report: Any) -> tuple[list[str], list[list[Cell]]]:
    lang = report.lang
    words = _WORDS[lang]
    head = [label(lang, "rank"), words["id"], label(lang, "member"), words["kind"],
            label(lang, "score"), label(lang, "capped_krs"), label(lang, "off_track"),
            label(lang, "shares_off_track"), _named(lang, "key_result"),
            label(lang, "unranked_why")]  # fmt: skip
    # A member with no rank says why on its row, as the text report's notes do; one whose
    # score counts key results at the cap (the text report's ↓), which they are. A unit's
    # off-track count takes in its members' shares; the next column says how many.
    separator = label(lang, "list_sep")
    rows = [
        [(m.rank, None if m.rank is None else "0"), (m.id, None), (m.name, None),
         (label(lang, f"unit_{m.kind}"), None),
         _share(m.score, score_text(m.score)), (separator.join(m.capped) or None, None),
         (m.off_track, "0"),
         (m.shares_off_track, "0") if m.kind == "unit" else (None, None),
         (m.key_results, "0"), (unranked_why(m, lang) or None, None)]
        for m in report.members
    ]  # fmt: skip
    return head, rows


def members_notes(report: Any) -> list[str]:
    """The line under the ranking where ``--depth`` left members out (how many, or at 0
    that none is ranked), as the other formats write it: without it a ranking of the
    teams read as the whole unit's, and a sheet of headings alone as members missing."""
    note = depth_note(report, report.lang)
    return [note] if note else []


def scores(report: Any) -> tuple[list[str], list[list[Cell]]]:
    """Every complete period as a column, as Markdown and HTML have them, then the
    current one to date where one is running (none on a month's last day, nor in its
    first days: a column of dashes, which the text report leaves out too) and the trend;
    each policy's people together."""
    lang = report.lang
    words = _WORDS[lang]
    periods = score_periods(report)
    running = running_period(report) is not None
    to_date = [to_date_heading(report, lang)] if running else []
    head = [words["id"], label(lang, "member"), label(lang, "policy"),
            *(period_heading(p, lang) for p in periods), *to_date,
            label(lang, "trend")]  # fmt: skip
    order = {policy: n for n, policy in enumerate(dict.fromkeys(s.policy for s in report.scores))}
    rows = []
    for s in sorted(report.scores, key=lambda s: order[s.policy]):
        history = {p.period: p for p in s.history}
        cells: list[Cell] = [(s.person, None), (s.name, None), (s.policy, None)]
        for period in periods:
            point = history.get(period)
            cells.append((None, None) if point is None else _score(point.score, point.raw))
        if running:
            cells.append(_score(s.current_score, s.current_raw))
        cells.append((score_trend(s) or None, None))
        rows.append(cells)
    return head, rows


def _score(score: float | None, raw: float | None) -> Cell:
    """A policy score, its format marking where the cap (↓) or the floor (↑) held it."""
    if score is None:
        return None, None
    mark = held_mark(score, raw)
    shown = percent_format(score_text(score))
    return score, f'{shown}" {mark}"' if mark else shown


def scores_notes(report: Any) -> list[str]:
    """The lines under the scores table: what to date means, what the marks mean."""
    lang = report.lang
    lines = (to_date_note(report, lang), scores_legend(report, score_periods(report), lang))
    return [line for line in lines if line]


def budget(report: Any) -> tuple[list[str], list[list[Cell]]]:
    lang = report.lang
    words = _WORDS[lang]
    # Chinese amounts in 万 in every cell, the budget table's unit however large.
    wan = WAN if lang == "zh" else None
    head = [words["id"], label(lang, "line"), words["owner"], in_header(label(lang, "amount"), wan),
            in_header(label(lang, "spent"), wan), in_header(label(lang, "left"), wan),
            in_header(label(lang, "planned"), wan), label(lang, "roi"),
            label(lang, "cost_per_result"), label(lang, "breaker"), label(lang, "signed_by"),
            label(lang, "override")]  # fmt: skip
    rows = [
        [(line.id, None), (line.name, None), (line.owner, None), _money(line.amount, lang),
         _money(line.spent, lang), _money(line.left, lang), _money(line.planned, lang),
         (line.roi, "0.00") if line.roi is not None else (None, None),
         ("\n".join(f"{c.key_result}{label(lang, 'colon')}{c.text}"
                    for c in line.cost_per_result) or None, None),
         (words["tripped"] if line.breaker.tripped else "", None),
         (label(lang, "list_sep").join(line.signed_by), None),
         ("\n".join(o.reason for o in line.overrides) or None, None)]
        for line in report.budget.lines
    ]  # fmt: skip
    reserve = report.budget.reserve
    if reserve is not None:
        rows.append([("", None), (label(lang, "reserve"), None), ("", None),
                     _money(reserve.amount, lang), _money(reserve.spent, lang),
                     _money(reserve.left, lang)])  # fmt: skip
    total = report.budget.total
    roi: Cell = (total.roi, "0.00") if total.roi is not None else (None, None)
    rows.append([("", None), (label(lang, "total"), None), ("", None),
                 _money(total.amount, lang), _money(total.spent, lang), _money(total.left, lang),
                 (None, None), roi])  # fmt: skip
    return head, rows


def budget_notes(report: Any) -> list[str]:
    """The lines under the budget table: the ROI expected and the ROI so far, each with
    the figures it divides, and the expense ratio, as the other formats write them (the
    cells hold each amount exactly, so their sums need no note on rounding)."""
    return budget_summary(report.budget, report.lang)


def alerts(report: Any) -> tuple[list[str], list[list[Cell]]]:
    lang = report.lang
    words = _WORDS[lang]
    head = [words["level"], words["kind"], words["message"]]
    rows: list[list[Cell]] = [
        [
            (label(lang, f"level_{a.level}"), None),
            (kind_label(a.kind, lang), None),
            (a.message, None),
        ]
        for a in report.alerts
    ]
    return head, rows


def alerts_notes(report: Any) -> list[str]:
    """Under the alerts sheet's headings where nothing needs attention, what the other
    formats say under theirs (暂无; for a unit with no targets of its own, that there
    were none to judge): headings alone read as a sheet whose rows went missing."""
    return [] if report.alerts else [no_alerts_text(report, report.lang)]


SECTIONS: Sequence[tuple[str, Callable[[Any], tuple[list[str], list[list[Cell]]]]]] = (
    ("summary", summary), ("key_result", key_results), ("members", members), ("scores", scores),
    ("budget", budget), ("alerts", alerts),
)  # fmt: skip


NOTES: dict[str, Callable[[Any], list[str]]] = {
    "members": members_notes, "scores": scores_notes, "budget": budget_notes,
    "alerts": alerts_notes,
}  # fmt: skip
"""The lines under a sheet's table, as the other formats write them under theirs."""

LEFT_OUT: dict[str, Callable[[Any], bool]] = {
    "members": lambda report: not report.members and not report.left_out_by_depth,
    "scores": lambda report: not report.scores,
    "budget": lambda report: not report.budget.lines,
}
"""Sections with no sheet where the report has nothing of them, as the other formats have
no such section: a person's report (or a unit's with no one below it) ranks no one, and
a members sheet of headings alone read as members missing (one ``--depth 0`` emptied
says so under them); a plan without a scoring policy (or a unit none of whose people one
covers) has no scores, and a sheet of headings alone read as scores missing; a plan
without a budget had a budget sheet of a total of 0, read as a budget of nothing."""


def width(text: str) -> int:
    """Columns ``text`` takes in a spreadsheet: East Asian wide characters count two; the
    widest line of a cell of several."""
    return max(
        sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in line)
        for line in text.split("\n")
    )


def write_text(sheet: Any, row: int, column: int, text: str, cell_format: Any = None) -> None:
    """``text`` in a cell, as it is written. XlsxWriter writes a text that begins ``<r>``
    and ends ``</r>`` as the rich-text XML it looks like, unescaped: a title or a note
    ``<r>a & b</r>`` made a workbook Excel could not open. As three plain runs it is
    escaped, and reads as it was written."""
    if text.startswith("<r>") and text.endswith("</r>"):
        runs = (text[:1], text[1:2], text[2:])
        sheet.write_rich_string(row, column, *runs, *([cell_format] if cell_format else []))
    else:
        sheet.write_string(row, column, text, cell_format)


def render(report: Any, out: BinaryIO, context: RenderContext) -> None:
    import xlsxwriter

    # Text stays text: no cell becomes a formula, a link or a number by its look.
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
               "strings_to_numbers": False}  # fmt: skip
    book = xlsxwriter.Workbook(out, options)
    bold = book.add_format({"bold": True, "bottom": 1})
    wrapped = book.add_format({"text_wrap": True, "valign": "top"})
    formats: dict[str, Any] = {}
    for key, section in SECTIONS:
        if key in LEFT_OUT and LEFT_OUT[key](report):
            continue
        head, rows = section(report)
        sheet = book.add_worksheet(_named(report.lang, key)[:31])
        sheet.freeze_panes(1, 0)
        widths = [width(h) for h in head]
        for column, text in enumerate(head):
            write_text(sheet, 0, column, text, bold)
        for row, cells in enumerate(rows, 1):
            for column, (value, fmt) in enumerate(cells):
                if value is None or value == "":
                    continue  # blank: a cell of empty text is not blank to ISBLANK or COUNTA
                if isinstance(value, str):
                    write_text(sheet, row, column, value, wrapped if "\n" in value else None)
                    widths[column] = max(widths[column], width(value))
                    continue
                cell_format = formats.setdefault(fmt or "General", book.add_format(
                    {"num_format": fmt or "General"}))  # fmt: skip
                sheet.write_number(row, column, float(value), cell_format)  # type: ignore[arg-type]
                widths[column] = max(widths[column], 14)
        # A line under the table runs on over the empty cells beside it: no column widens.
        for row, line in enumerate(NOTES.get(key, lambda _: [])(report), len(rows) + 2):
            write_text(sheet, row, 0, line)
        for column, chars in enumerate(widths):
            sheet.set_column(column, column, min(chars + 2, MAX_WIDTH))
    book.close()


@hookimpl
def okrdesk_report_formats(register: Callable[[ReportFormat], None]) -> None:
    register(ReportFormat("xlsx", "an Excel workbook, a sheet per section", render, (".xlsx",),
                          binary=True,
                          description_zh="Excel 工作簿，每部分一个工作表"))  # fmt: skip
