"""Values read the same way in every section of a target file: a positive number,
milestones as cumulative shares, a unit written as a branch writes it, and a model
value built with its problems told at its key rather than raised.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

from okrdesk import model
from okrdesk.errors import Problem, Said
from okrdesk.targets.cumulative import (
    percent_said,
    written_as_figures_of,
    written_in_percent,
)
from okrdesk.targets.draft import Draft, Reference
from okrdesk.targets.reader import (
    Findings,
    Table,
    Where,
    describe,
    plain_number,
)
from okrdesk.units import UNITS, UnitOfMeasure


def safely(where: Where, findings: Findings, build: Any) -> Any:
    """Build a model value; its own invariant checks (``model.InvalidValue``, which says
    each in both languages) become located problems."""
    try:
        return build()
    except ValueError as error:
        said = error.said if isinstance(error, model.InvalidValue) else Said(str(error), "")
        findings.problems.append(where.said(said))
        return None


def unit_of(
    table: Table, key: str = "unit", choices: tuple[str, ...] = tuple(UNITS)
) -> UnitOfMeasure | None:
    symbol = table.choice(key, choices)
    return None if symbol is None else UNITS[symbol]


def positive_number(t: Table, key: str, default: Decimal | None) -> Decimal | None:
    value = t.number(key)
    if value is None:
        return default
    if value <= 0:
        t.fail(
            t.where.key(key), f"must be greater than 0, got {value}", f"必须大于 0，现为 {value}"
        )
        return None
    return value


def milestone_fractions(t: Table, key: str, draft: Draft) -> tuple[model.Milestone, ...]:
    """A table of phase id → cumulative fraction (milestones, spending schedules)."""
    found = t.table(key)
    if found is None:
        return ()
    where, data = found
    milestones: list[model.Milestone] = []
    in_percent = said_in_percent(t, where, data, key, "amount" if key == "schedule" else "target")
    for phase, raw in data.items():
        at = where.key(phase)
        if of_the_table_above(t, where, phase, Said("a phase", "阶段")):
            continue
        draft.references.append(Reference(at, phase, ("phase",)))
        number, why = plain_number(raw)
        if in_percent:
            continue
        if number is None:
            why = fraction_to_write(phase, raw) or why
            t.fail(at, f"expected a fraction between 0 and 1; {why.en}",
                   f"应为 0 到 1 之间的小数；{why.zh}")  # fmt: skip
        elif not 0 <= number <= 1:
            percent = 2 <= number <= 100
            hint = f" (write {number / 100} for {number}%)" if percent else ""
            hint_zh = f"（{number}% 写作 {number / 100}）" if percent else ""
            t.fail(at, f"must be a fraction between 0 and 1, got {number}{hint}",
                   f"必须是 0 到 1 之间的小数，现为 {number}{hint_zh}")  # fmt: skip
        else:
            milestones.append(model.Milestone(phase, number))
    return tuple(milestones)


def fraction_to_write(key: str, raw: object) -> Said | None:
    """For a percent quoted as text where a fraction goes (``Q2 = "45%"``), the line to
    write: ``Q2 = 0.45``."""
    from okrdesk.targets.placed_advice import percent_as_fraction

    if not isinstance(raw, str):
        return None
    fraction = percent_as_fraction(unicodedata.normalize("NFKC", raw).strip())
    if fraction is None:
        return None
    return Said(f'got the text "{raw}": write {key} = {fraction}, without quotes',
                f'现为文本 "{raw}"：请写 {key} = {fraction}，不加引号')  # fmt: skip


def of_the_table_above(t: Table, where: Where, key: str, what: Said) -> bool:
    """A key of the table's own (``key_results`` of a budget line) written below the header
    of one of its sub-tables (``[budget.lines.schedule]``), where TOML reads it as the
    sub-table's: one problem, saying where it belongs; ``what`` names the sub-table's keys
    ("a phase"). False when ``key`` is not one."""
    if key not in t.known:
        return False
    header = ".".join(str(part) for part in where.path if isinstance(part, str))
    owner = _OWNER_OF.get(header, Said("table", "表"))
    t.fail(where.key(key), f'"{key}" is a key of the {owner.en} itself: write it above the '
           f"[{header}] header (every key below that header is {what.en})",
           f'"{key}" 是{owner.zh}本身的键：请写在 [{header}] 表头之上'
           f"（该表头之下的键都是{what.zh}）")  # fmt: skip
    return True


_OWNER_OF = {
    "budget.lines.schedule": Said("budget line", "预算项"),
    "objectives.key_results.milestones": Said("key result", "关键结果"),
    "objectives.key_results.calendar": Said("key result", "关键结果"),
}


def said_in_percent(
    t: Table, where: Where, data: dict[str, Any], what: str, whole_key: str
) -> bool:
    """A curve written in percent (``{ Q2 = 45, Q3 = 70, Q4 = 100 }``), or in figures of
    the table's ``whole_key`` (a target of 70: ``{ Q1 = 20, Q2 = 50, Q4 = 70 }``), is one
    problem, at the line of its first figure, naming the fractions to write; not one for
    each figure."""
    # A key of the table above written below the header is told as that, not as a point.
    data = {name: raw for name, raw in data.items() if name not in t.known}
    numbers = [plain_number(raw)[0] for raw in data.values()]
    if not data:
        return False
    whole = plain_number(t.data.get(whole_key))[0] if whole_key in t.data else None
    # A key result's curve is of the way from its baseline to its target.
    baseline = (
        plain_number(t.data["baseline"])[0]
        if whole_key == "target" and "baseline" in t.data
        else None
    )
    start = baseline if baseline is not None else Decimal(0)
    if written_as_figures_of(numbers, whole, start):
        said_whole = whole
    elif written_in_percent(numbers):
        said_whole = None
    else:
        return False
    points = [(str(name), n) for name, n in zip(data, numbers, strict=True) if n is not None]
    first = where.key(next(iter(data))).line
    t.ok = False
    t.findings.problems.append(
        Problem(
            where.file.display,
            first,
            where.label,
            *percent_said(
                points,
                what,
                said_whole,
                whole_key,
                start,
                where.header_above([p for p, _ in points]),
            ),
        )
    )
    return True


def raw_shown(raw: object) -> Said:
    """A figure as it was written, or what was written instead; the Chinese reads
    straight after 现为 (a number with a space before it)."""
    if isinstance(raw, int | Decimal) and not isinstance(raw, bool):
        return Said(str(raw), f" {raw}")
    return Said(describe(raw), describe(raw, "zh"))
