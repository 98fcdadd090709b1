"""The shape of target files: which tables and keys exist and what they mean.

Each ``read_*`` function reads one section of one file into model values and
records every id it refers to, with where it was written, so that references
across files are checked once all files are read (see ``checks``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, Generic, TypeVar

import attrs

from okrdesk import model
from okrdesk.errors import Problem, Said
from okrdesk.periods import Grain, parse_period, why_no_period
from okrdesk.records import shared_methods
from okrdesk.targets import people_left, window_keys
from okrdesk.targets.cumulative import (
    calendar_decreases,
    looks_like_shares,
    percent_said,
    written_as_figures_of,
    written_in_percent,
)
from okrdesk.targets.quoted_figures import TableUnit, budget_unit, key_result_unit
from okrdesk.targets.reader import (
    NOT_SAID,
    Findings,
    SourceFile,
    Table,
    Where,
    describe,
    plain_number,
)
from okrdesk.targets.window_keys import WindowUse, read_baseline, read_window_keys
from okrdesk.targets.yuan_figures import below_zero_refused
from okrdesk.units import UNITS, Dimension, UnitOfMeasure, written

T = TypeVar("T")

SECTIONS = ("plan", "phases", "units", "people", "objectives", "budget", "scoring", "baselines")

PLAN_KEYS = (
    "id", "name", "year", "start", "end", "unit", "grain", "attainment_cap", people_left.KEY,
)  # fmt: skip
PHASE_KEYS = ("id", "name", "start", "end")
UNIT_KEYS = ("id", "name", "level", "parent", "lead")
PERSON_KEYS = ("id", "name", "unit", "role")
OBJECTIVE_KEYS = ("id", "title", "owner", "weight", "cadence", "key_results")
KEY_RESULT_KEYS = (
    "id", "title", "metric", "direction", "baseline", "target", "unit", "band",
    "weight", "milestones", "scope", "members", "member_baselines", "calendar", "guardrail",
    "level", "cadence", *window_keys.WINDOW_KEYS,
    "where", "breakdown",
)  # fmt: skip
BASELINE_KEYS = window_keys.BASELINE_KEYS
BUDGET_KEYS = (
    "unit", "total", "expected_revenue", "breaker_threshold", "revenue_metric",
    "expense_ratio_max", "signers", "lines",
)  # fmt: skip
LINE_KEYS = (
    "id", "name", "owner", "amount", "unit", "schedule", "key_results", "revenue",
    "breaker_threshold", "market_activity", "dual_signoff",
)  # fmt: skip
SCORING_KEYS = ("id", "name", "roles", "people", "period", "cap", "floor", "components")
COMPONENT_KEYS = ("metric", "weight", "standard", "unit")

DIRECTIONS = tuple(d.value for d in model.Direction)
SCOPES = tuple(s.value for s in model.Scope)
GRAINS = tuple(g.value for g in Grain)


@attrs.frozen
@shared_methods
class Located(Generic[T]):
    where: Where
    value: T


@attrs.frozen
@shared_methods
class Reference:
    """An id written somewhere, which must name something of one of ``kinds``."""

    where: Where
    id: str
    kinds: tuple[str, ...]


@attrs.frozen
@shared_methods
class MemberTarget:
    """A ``members`` entry: the member must sit below the key result's owner."""

    where: Where
    member: str
    owner: str


@attrs.frozen
@shared_methods
class MetricUse:
    where: Where
    unit_where: Where
    metric: str
    unit: UnitOfMeasure | None
    direction_given: bool


@attrs.frozen
@shared_methods
class SliceUse:
    """A key result's ``where`` (each dimension named, where) and ``breakdown``,
    checked against its metric's dimensions once the plugins are known."""

    metric: str
    named: tuple[tuple[str, Where], ...]
    """Each dimension ``where`` names, or ``breakdown`` names, with its place."""


@attrs.frozen
@shared_methods
class PlanHeader:
    id: str
    name: str
    year: int
    start: dt.date
    end: dt.date
    unit: str
    grain: Grain
    attainment_cap: float = model.DEFAULT_ATTAINMENT_CAP


@attrs.define
class Draft:
    """Everything read from all target files, before cross-file checks."""

    metrics: Mapping[str, model.MetricSpec] | None = None
    """The plugins' metrics, where known: advice on a figure below zero heeds them."""

    plans: list[Located[PlanHeader]] = attrs.Factory(list)
    plan_tables: list[Where] = attrs.Factory(list)
    """Every ``[plan]`` written, read or not: a second one with problems of its own is
    still a second one."""
    people_left: list[tuple[Where, str]] = attrs.Factory(list)
    """``[plan] people_left``: each id of a person who left, where it is written."""
    phases: list[Located[model.Phase]] = attrs.Factory(list)
    units: list[Located[model.OrgUnit]] = attrs.Factory(list)
    people: list[Located[model.Person]] = attrs.Factory(list)
    objectives: list[Located[model.Objective]] = attrs.Factory(list)
    key_results: list[Located[model.KeyResult]] = attrs.Factory(list)
    milestone_sets: list[Located[tuple[model.Milestone, ...]]] = attrs.Factory(list)
    budget_settings: list[Located[dict[str, Decimal]]] = attrs.Factory(list)
    budget_lines: list[Located[model.BudgetLine]] = attrs.Factory(list)
    budget_texts: list[Located[dict[str, str]]] = attrs.Factory(list)
    budget_signers: list[Located[tuple[str, ...]]] = attrs.Factory(list)
    """``signers`` of a ``[budget]``: people outside the org who may sign off spend."""
    revenue_links: list[Located[str]] = attrs.Factory(list)
    """Each key result a budget line names under ``revenue``, where it is named."""
    scoring: list[Located[model.ScoringPolicy]] = attrs.Factory(list)
    references: list[Reference] = attrs.Factory(list)
    member_targets: list[MemberTarget] = attrs.Factory(list)
    metric_uses: list[MetricUse] = attrs.Factory(list)
    slice_uses: list[SliceUse] = attrs.Factory(list)
    calendars: list[Located[tuple[model.CalendarPoint, ...]]] = attrs.Factory(list)
    written_people: list[tuple[str, str]] = attrs.Factory(list)
    """(person, unit) as written, even for people whose entry has problems."""
    broken_ids: set[str] = attrs.Factory(set)
    """Units and people whose own entry has problems: what is below them is unknown."""
    written_parents: list[tuple[str, str | None]] = attrs.Factory(list)
    """(unit, parent) as written, even for units whose entry has problems."""
    written_ids: list[tuple[str, str, Where]] = attrs.Factory(list)
    """(kind, id, where its table is) of everything written, even where it had problems:
    a duplicate is found whatever else is wrong with either copy, and a reference to a
    broken key result is not also reported as a reference to a missing one."""
    incomplete: set[str] = attrs.Factory(set)
    """Sections where something could not be read, so totals over them mean nothing."""
    maybe_ids: set[str] = attrs.Factory(set)
    """Ids a file that did not read seems to define (``id = "..."`` in its text): what
    refers to one is not reported as naming nothing until that file reads."""
    maybe_roles: set[str] = attrs.Factory(set)
    """People's roles a file that did not read seems to give (``role = "..."``): a
    scoring policy's role among them is not reported as nobody's until that file reads."""
    unread: set[str] = attrs.Factory(set)
    """Kinds of id (unit, key_result ...) that a misspelt section may define: what names
    one of them is not reported as naming nothing until the header is fixed."""
    window_uses: list[WindowUse] = attrs.Factory(list)
    """Key results' windows, comparisons and growth targets, and [[baselines]] entries."""
    baselines: dict[tuple[str, str], dict[str, Decimal]] = attrs.Factory(dict)
    """[[baselines]]: (metric, subject) → period → value in base units."""
    baseline_places: dict[tuple[str, str, str], Where] = attrs.Factory(dict)
    unstated_baselines: set[str] = attrs.Factory(set)
    stated_levels: set[str] = attrs.Factory(set)
    """Key results whose file says ``level`` either way: no hint from their titles."""
    """Key results (full ids) whose ``baseline`` is not written: 0 by default."""


_ARRAY_SECTIONS = ("phases", "units", "people", "objectives", "scoring", "baselines")


_DEFINES = {
    "plan": ("plan",), "phases": ("phase",), "units": ("unit",), "people": ("person",),
    "objectives": ("objective", "key_result"), "budget": ("line",), "scoring": ("policy",),
}  # fmt: skip
"""The kinds of id each section defines."""


def read_file(source: SourceFile, draft: Draft, findings: Findings) -> None:
    """Read every section of one parsed target file into ``draft``."""
    for name in source.data:
        if name not in SECTIONS:  # [[objective]], [[peple]]: what they hold is not read
            import difflib

            for meant in difflib.get_close_matches(name, SECTIONS, n=1, cutoff=0.75):
                draft.unread.update(_DEFINES.get(meant, ()))
    data = _without_orphans(source, _without_knock_on(source, findings), findings)
    root = Table(Where(source), data, findings, SECTIONS)
    if (plan := root.table("plan")) is not None:
        _read_plan(*plan, draft, findings)
    for where, data in root.tables("phases"):
        _read_phase(where, data, draft, findings)
    for where, data in root.tables("units"):
        _read_unit(where, data, draft, findings)
    for where, data in root.tables("people"):
        _read_person(where, data, draft, findings)
    for where, data in root.tables("objectives"):
        _read_objective(where, data, draft, findings)
    if (budget := root.table("budget")) is not None:
        _read_budget(*budget, draft, findings)
    for where, data in root.tables("scoring"):
        _read_scoring(where, data, draft, findings)
    for where, data in root.tables("baselines"):
        _read_baseline(where, data, draft, findings)


def _read_baseline(where: Where, data: dict[str, Any], draft: Draft, findings: Findings) -> None:
    found = read_baseline(where, data, findings, draft.window_uses, draft.baseline_places)
    if "subject" in data and isinstance(data["subject"], str):
        kinds = ("unit", "person")
        draft.references.append(Reference(where.key("subject"), data["subject"], kinds))
    if found is not None:
        key, values, unit = found
        draft.baselines.setdefault(key, {}).update(values)
        draft.metric_uses.append(
            MetricUse(where.key("metric"), where.key("unit"), key[0], unit, True)
        )


def _without_knock_on(source: SourceFile, findings: Findings) -> dict[str, Any]:
    """The file's sections without a misspelt one and the knock-on it caused.

    ``[[objective]]`` followed by ``[[objectives.key_results]]`` makes TOML read
    ``objectives`` as a table holding only the key results: one mistake, which
    would otherwise show as an unknown section and a wrongly typed one. The
    misspelt header is reported, once, as the cause.
    """
    data = dict(source.data)
    for wrong in list(data):
        if wrong in SECTIONS:
            continue
        import difflib  # only for a section okrdesk does not know

        close = difflib.get_close_matches(wrong, SECTIONS, n=1, cutoff=0.75)
        right = close[0] if close else None
        if right is None or right not in data:
            continue
        wanted = list if right in _ARRAY_SECTIONS else dict
        if isinstance(data[right], wanted):
            continue
        line = Where(source, (right,)).line
        below = _below_it(right, data[right])
        findings.problems.append(
            Where(source)
            .key(wrong)
            .problem(
                f"unknown section: {_header(wrong, data[wrong])} looks like a misspelling of "
                f"{_header(right, [])}, so {below.en} at line {line} "
                "belongs to none; fix this header first",
                f"未知的表：{_header(wrong, data[wrong])} 像是 {_header(right, [])} 的笔误，"
                f"所以{below.zh}（第 {line} 行）不属于任何表；请先改正这个表头",
            )
        )
        del data[wrong], data[right]
    return data


_NESTED = {
    "objectives": ("key_results", Said("objective", "目标"), Said("key result", "关键结果")),
    "scoring": ("components", Said("scoring policy", "考核方案"), Said("component", "考核项")),
}
"""The sections whose items hold items of their own: the key they are under, what each
item is called, and what each of its own is."""


def _without_orphans(
    source: SourceFile, data: dict[str, Any], findings: Findings
) -> dict[str, Any]:
    """The file's sections without ``[[objectives.key_results]]`` written where the file
    has no ``[[objectives]]`` above it (TOML reads ``objectives`` as a table holding
    only them): one problem at that header, not a wrongly typed ``objectives``."""
    for section, (key, parent, child) in _NESTED.items():
        value = data.get(section)
        # [objectives] with keys of its own is a table for [[objectives]]: reported as such.
        if not isinstance(value, dict) or set(value) != {key}:
            continue
        header = _header(f"{section}.{key}", value[key])
        at = Where(source).key(section).key(key)
        findings.problems.append(
            at.problem(
                f"{header} belongs to no {parent.en}: a {child.en} belongs to the "
                f"[[{section}]] written last above it in the same file, and this file has "
                f"none; write the {parent.en}'s [[{section}]] table above it",
                f"{header} 不属于任何{parent.zh}：{child.zh}属于同一文件中写在它上面最近的 "
                f"[[{section}]]，而本文件没有；请在它上面写出{parent.zh}的 [[{section}]] 表",
            )
        )
        data = {k: v for k, v in data.items() if k != section}
    return data


def _header(name: str, value: object) -> str:
    return f"[[{name}]]" if isinstance(value, list) else f"[{name}]"


def _below_it(section: str, value: object) -> Said:
    """How the knock-on table was written: the [[objectives.key_results]] header."""
    first = next(iter(value), None) if isinstance(value, dict) else None
    if first is None or not isinstance(value, dict):
        header = _header(section, value)
        return Said(f"the {header} below it", f"它下面的 {header}")
    header = _header(f"{section}.{first}", value[first])
    return Said(f"the {header}", f"它下面的 {header}")


def _safely(where: Where, findings: Findings, build: Any) -> Any:
    """Build a model value; its own invariant checks (``model.InvalidValue``, which says
    each in both languages) become located problems."""
    try:
        return build()
    except ValueError as error:
        said = error.said if isinstance(error, model.InvalidValue) else Said(str(error), "")
        findings.problems.append(where.said(said))
        return None


def _unit_of(
    table: Table, key: str = "unit", choices: tuple[str, ...] = tuple(UNITS)
) -> UnitOfMeasure | None:
    symbol = table.choice(key, choices)
    return None if symbol is None else UNITS[symbol]


_MONEY_UNITS = tuple(name for name, unit in UNITS.items() if unit.dimension is Dimension.MONEY)


def _read_plan(where: Where, data: dict[str, Any], draft: Draft, findings: Findings) -> None:
    draft.plan_tables.append(where)
    t = Table(where, data, findings, PLAN_KEYS, required=("id", "name", "year", "unit"))
    draft.people_left += people_left.read_people_left(where, data, findings)
    plan_id, name, year, unit = t.text("id"), t.text("name"), t.integer("year"), t.text("unit")
    grain = t.choice("grain", GRAINS) or Grain.WEEK.value
    start, end = t.date("start"), t.date("end")
    cap = t.number("attainment_cap")
    if cap is not None and not 1 <= cap <= 10:
        # Reported here; the plan still loads, so nothing downstream reports it again.
        message = f"{cap} is not between 1 (100%) and 10 (1000%)"
        zh = f"{cap} 不在 1（100%）到 10（1000%）之间"
        findings.problems.append(where.key("attainment_cap").problem(message, zh))
        cap = None
    if year is not None and not 1900 < year < 2200:
        t.fail(where.key("year"), f"{year} is not a plausible plan year",
               f"{year} 不像是计划的年份")  # fmt: skip
    if not t.ok or plan_id is None or name is None or year is None or unit is None:
        draft.unread.add("plan")  # written, with its problems: not also "missing"
        return
    start = start or dt.date(year, 1, 1)
    end = end or dt.date(year, 12, 31)
    if end < start:
        t.fail(where.key("end"), f"the plan ends ({end}) before it starts ({start})",
               f"计划的结束日期（{end}）早于开始日期（{start}）")  # fmt: skip
        draft.unread.add("plan")
        return
    draft.references.append(Reference(where.key("unit"), unit, ("unit",)))
    header = PlanHeader(plan_id, name, year, start, end, unit, Grain(grain),
                        model.DEFAULT_ATTAINMENT_CAP if cap is None else float(cap))  # fmt: skip
    draft.plans.append(Located(where, header))


def _read_phase(where: Where, data: dict[str, Any], draft: Draft, findings: Findings) -> None:
    t = Table(where, data, findings, PHASE_KEYS, required=PHASE_KEYS)
    phase_id, name, start, end = t.ident(), t.text("name"), t.date("start"), t.date("end")
    if phase_id is not None:
        draft.written_ids.append(("phase", phase_id, where))
    if not t.ok or None in (phase_id, name, start, end):
        draft.incomplete.add("phases")
    if phase_id is None or name is None or start is None or end is None or not t.ok:
        return
    if end < start:
        t.fail(where.key("end"), f"the phase ends ({end}) before it starts ({start})",
               f"阶段的结束日期（{end}）早于开始日期（{start}）")  # fmt: skip
        draft.incomplete.add("phases")
        return
    draft.phases.append(Located(where, model.Phase(phase_id, name, start, end)))


def _read_unit(where: Where, data: dict[str, Any], draft: Draft, findings: Findings) -> None:
    t = Table(where, data, findings, UNIT_KEYS, required=("id", "name", "level"))
    unit_id, name, level = t.ident(), t.text("name"), t.text("level")
    parent, lead = t.text("parent"), t.text("lead")
    if unit_id is not None:
        draft.written_ids.append(("unit", unit_id, where))
        draft.written_parents.append((unit_id, parent))
    if unit_id is None or name is None or level is None or not t.ok:
        if unit_id is not None:
            draft.broken_ids.add(unit_id)
        return
    if parent is not None:
        draft.references.append(Reference(where.key("parent"), parent, ("unit",)))
    if lead is not None:
        draft.references.append(Reference(where.key("lead"), lead, ("person",)))
    draft.units.append(Located(where, model.OrgUnit(unit_id, name, level, parent, lead)))


def _read_person(where: Where, data: dict[str, Any], draft: Draft, findings: Findings) -> None:
    t = Table(where, data, findings, PERSON_KEYS, required=("id", "name", "unit"))
    person_id, name, unit, role = t.ident(), t.text("name"), t.text("unit"), t.text("role")
    if person_id is not None:
        draft.written_ids.append(("person", person_id, where))
        if unit is not None:
            draft.written_people.append((person_id, unit))
    if person_id is None or name is None or unit is None or not t.ok:
        if person_id is not None:
            draft.broken_ids.add(person_id)
        return
    draft.references.append(Reference(where.key("unit"), unit, ("unit",)))
    draft.people.append(Located(where, model.Person(person_id, name, unit, role or "cm")))


def _weights_add_up(
    where: Where, components: list[model.ScoreComponent], findings: Findings
) -> None:
    """A warning where a policy's weights do not add up to 1: meeting every standard then
    scores other than 100% (weights of 40, 40 and 20 held everyone at the cap, unsaid)."""
    total = sum((c.weight for c in components), Decimal(0))
    if not components or total == 1:
        return
    percent = f"{total * 100:f}"
    whole = percent.rstrip("0").rstrip(".") if "." in percent else percent
    findings.warnings.append(where.key("components").problem(
        f"the weights add up to {total}: meeting every standard scores {whole}%, not 100%; "
        "a weight is a share of the score (0.4 = 40%)",
        f"各考核项的权重合计 {total}：每项都达到标准得 {whole}%，而不是 100%；"
        "权重是占得分的比例（0.4 即 40%）",
    ))  # fmt: skip


SCORE_TYPO = 10
"""A scoring policy's cap or floor above this (1000%) is a percentage typed for a fraction."""


def _score_fraction(t: Table, key: str, value: Decimal | None) -> Decimal | None:
    """A policy's ``cap`` or ``floor``, a fraction of a full score; 120 for 120% made a cap
    of 12000% that held nobody, and a floor of 50 scored everyone 5000%."""
    if value is None or value <= SCORE_TYPO:
        return value
    t.fail(t.where.key(key), f"{value} would be {value * 100}%; for {value}% write {value / 100}",
           f"{value} 意味着 {value * 100}%；若指 {value}%，请写 {value / 100}")  # fmt: skip
    return None


def _positive_number(t: Table, key: str, default: Decimal | None) -> Decimal | None:
    value = t.number(key)
    if value is None:
        return default
    if value <= 0:
        t.fail(
            t.where.key(key), f"must be greater than 0, got {value}", f"必须大于 0，现为 {value}"
        )
        return None
    return value


def _fractions(t: Table, key: str, draft: Draft) -> tuple[model.Milestone, ...]:
    """A table of phase id → cumulative fraction (milestones, spending schedules)."""
    found = t.table(key)
    if found is None:
        return ()
    where, data = found
    milestones: list[model.Milestone] = []
    in_percent = _said_in_percent(t, where, data, key, "amount" if key == "schedule" else "target")
    for phase, raw in data.items():
        at = where.key(phase)
        if _of_the_table_above(t, where, phase, Said("a phase", "阶段")):
            continue
        draft.references.append(Reference(at, phase, ("phase",)))
        number, why = plain_number(raw)
        if in_percent:
            continue
        if number is None:
            why = _fraction_to_write(phase, raw) or why
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


def _fraction_to_write(key: str, raw: object) -> Said | None:
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


def _read_objective(where: Where, data: dict[str, Any], draft: Draft, findings: Findings) -> None:
    # Its owner written below a key result is that one problem, told there, not also missing.
    written = data.get("key_results")
    below = isinstance(written, list) and any(isinstance(k, dict) and "owner" in k for k in written)
    required = ("id", "title") if below else ("id", "title", "owner")
    t = Table(where, data, findings, OBJECTIVE_KEYS, required=required)
    objective_id, title, owner = t.ident(_objective_id_to_write), t.text("title"), t.text("owner")
    weight = _positive_number(t, "weight", Decimal(1))
    cadence = t.choice("cadence", GRAINS)
    if objective_id is not None:
        draft.written_ids.append(("objective", objective_id, where))
    results = [
        kr
        for kr_where, kr_data in t.tables("key_results")
        if (kr := _read_key_result(kr_where, kr_data, objective_id, owner, draft, findings,
                                   cadence))
    ]  # fmt: skip
    if owner is not None:
        draft.references.append(Reference(where.key("owner"), owner, ("unit", "person")))
    if objective_id is None or title is None or owner is None or weight is None or not t.ok:
        return
    if len(results) < len(t.data.get("key_results", ())):
        return
    objective = model.Objective(
        objective_id, title, owner, weight, tuple(results), Grain(cadence) if cadence else None
    )
    draft.objectives.append(Located(where, objective))


_OBJECTIVES_OWN = {
    "owner": Said(
        "is a key of the objective, not of a key result: write it in the [[objectives]] "
        "table, above its first [[objectives.key_results]]",
        "是目标（objective）的键，不是关键结果的键：请写在 [[objectives]] 表中、"
        "它的第一个 [[objectives.key_results]] 之上",
    )
}
"""A key of the objective's own that is read as its last key result's when written
below it (TOML puts every key under the header written last above it)."""


def _of_the_table_above(t: Table, where: Where, key: str, what: Said) -> bool:
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


def _objective_id_to_write(written: str) -> tuple[str, Said]:
    """``O1.2`` (a dot typed in an objective's id): ``O1-2``, and why."""
    fixed = "-".join(part for part in written.split(".") if part)
    return fixed, Said(f'key results are named <objective>.<id>; write "{fixed}"',
                       f'关键结果的名字是 <objective>.<id>；请写作 "{fixed}"')  # fmt: skip


def _key_result_id_to_write(written: str, objective: str | None) -> tuple[str, Said]:
    """A dot typed in a key result's id: its full id written where its own belongs
    (``O1.KR1`` under O1) is ``KR1``; any other dot (``KR2.b``) is a hyphen."""
    parts = [part for part in written.split(".") if part]
    if objective is not None and len(parts) > 1 and parts[0] == objective:
        parts = parts[1:]
    fixed = "-".join(parts)
    full = f"{objective}.{fixed}" if objective is not None else f"<objective>.{fixed}"
    return fixed, Said(
        f'the full id is <objective>.<id>; write "{fixed}", and its full id is {full}',
        f'完整的 id 是 <objective>.<id>；请写作 "{fixed}"，其完整 id 即为 {full}',
    )


def _read_key_result(
    where: Where,
    data: dict[str, Any],
    objective: str | None,
    owner: str | None,
    draft: Draft,
    findings: Findings,
    objective_cadence: str | None = None,
) -> model.KeyResult | None:
    t = Table(where, data, findings, KEY_RESULT_KEYS, required=("id", "title", "unit"),
              elsewhere=_OBJECTIVES_OWN)  # fmt: skip
    key = t.ident(lambda written: _key_result_id_to_write(written, objective))
    title, metric = t.text("title"), t.text("metric")
    t.metric = (draft.metrics or {}).get(metric or "")
    cadence = t.choice("cadence", GRAINS)
    if cadence is not None and metric is not None:
        t.fail(where.key("cadence"), "is for key results tracked by check-ins; this one has a "
               f"metric ({metric}), collected by `okrdesk collect`",
               f"只用于靠打卡跟踪的关键结果；这个关键结果有指标（{metric}），"
               "由 `okrdesk collect` 采集")  # fmt: skip
    unit = _unit_of(t)
    direction = t.choice("direction", DIRECTIONS)
    scope = t.choice("scope", SCOPES)
    weight = _positive_number(t, "weight", Decimal(1))
    milestones = _fractions(t, "milestones", draft)
    numbers = {k: t.number(k) for k in ("baseline", "target", "band")}
    guardrail = t.flag("guardrail")
    level = t.flag("level")
    if level is not None and metric is not None:
        t.fail(where.key("level"), f"is for key results tracked by check-ins; this one has a "
               f"metric ({metric}), whose kind (stock, flow or ratio) says how it adds up",
               f"只用于靠打卡跟踪的关键结果；这个关键结果有指标（{metric}），"
               "其类型（存量、流量或比率）已决定如何汇总")  # fmt: skip
    members = _member_figures(t, "members", owner, draft)
    member_baselines = _member_figures(t, "member_baselines", owner, draft)
    _check_member_ways(t, where, direction, guardrail, members, member_baselines)
    calendar = _calendar(t, draft)
    windows = read_window_keys(t, where, data, metric, draft.window_uses)
    sliced, breakdown = _slice(t, where, metric, draft)
    # Members written in the wrong shape ([[...members]]) are that one problem.
    misshapen = "members" in data and not isinstance(data["members"], dict)
    given = misshapen or "target" in data or "growth" in data or "target" in t.misspelt
    if numbers["target"] is None and not members and not given:
        t.fail(where.key("target"), "missing; give a target or a [members] table of targets",
               "缺少；请写 target，或用 [members] 表写出各成员的目标值")  # fmt: skip
    if direction == model.Direction.WITHIN.value and numbers["band"] is None:
        t.fail(where.key("band"), 'missing; a "within" key result needs a band around the target',
               '缺少；"within" 关键结果需要目标值上下的容差（band）')  # fmt: skip
    if numbers["band"] is not None and numbers["band"] < 0:
        t.fail(where.key("band"), f"must not be negative, got {numbers['band']}",
               f"不能为负数，现为 {numbers['band']}")  # fmt: skip
    for name in ("baseline", "target"):
        below = numbers[name]
        if below is not None and below < 0 and t.metric is not None:
            why = below_zero_refused("objectives.key_results", name, t.metric)
            if why is not None:
                t.fail(where.key(name), f"must not be negative, got {below}: {why.en}",
                       f"不能为负数，现为 {below}：{why.zh}")  # fmt: skip
                numbers[name] = None  # one problem at the key: not its way from the baseline too
    if guardrail is False and direction == model.Direction.WITHIN.value:
        t.fail(where.key("guardrail"), 'a "within" key result is always a guardrail',
               '"within" 关键结果总是护栏指标')  # fmt: skip
    _check_way(t, where, direction, guardrail, numbers["baseline"], numbers["target"])
    shared = t.metric is not None and t.metric.split_credit
    if unit is not None and unit.dimension is Dimension.COUNT and not shared:
        counted = [(where.key(k), v) for k, v in numbers.items() if v is not None]
        counted += [(where.key("members").key(m), v) for m, v in members.items()]
        counted += [(where.key("member_baselines").key(m), v) for m, v in member_baselines.items()]
        for at, value in counted:
            _whole_count(t, at, value, unit)
    if unit is not None and unit.dimension is Dimension.MONEY:
        figures = [(where.key(k), v) for k, v in numbers.items() if v is not None]
        figures += [(where.key("members").key(m), v) for m, v in members.items()]
        figures += [(where.key("member_baselines").key(m), v) for m, v in member_baselines.items()]
        for at, value in figures:
            _money_beyond_belief(t, at, value, unit)
            _money_below_notice(t, at, value, unit)
    if metric is not None:
        draft.metric_uses.append(
            MetricUse(where.key("metric"), where.key("unit"), metric, unit, "direction" in data)
        )
    if members and scope == model.Scope.OWNER.value:
        t.fail(where.key("scope"), 'is "owner", but a [members] table gives members\' targets',
               '是 "owner"，但 [members] 表给出了成员的目标值')  # fmt: skip
    if key is not None and objective is not None:
        draft.written_ids.append(("key_result", f"{objective}.{key}", where))
    if milestones:
        draft.milestone_sets.append(Located(where.key("milestones"), milestones))
    if None in (key, title, unit, weight, objective) or not t.ok:
        return None
    assert key and title and unit and weight is not None
    base = {k: None if v is None else unit.to_base(v) for k, v in numbers.items()}
    kr = _safely(
        where,
        findings,
        lambda: model.KeyResult(
            id=f"{objective}.{key}",
            objective=objective or "",
            title=title,
            unit=unit,
            target=base["target"],
            metric=metric,
            direction=model.Direction(direction or model.Direction.AT_LEAST.value),
            baseline=base["baseline"] or Decimal(0),
            band=base["band"],
            weight=weight,
            milestones=milestones,
            scope=model.Scope.MEMBERS if members or scope == "members" else model.Scope.OWNER,
            member_targets={m: unit.to_base(v) for m, v in members.items()},
            member_baselines={m: unit.to_base(v) for m, v in member_baselines.items()},
            calendar=calendar,
            cadence=Grain(cadence or objective_cadence or Grain.WEEK.value),
            window=windows.window,
            compare=windows.compare,
            growth=windows.growth,
            **({} if guardrail is None else {"guardrail": guardrail}),
            level=bool(level),
            where=sliced,
            breakdown=breakdown,
        ),
    )
    if kr is not None:
        draft.key_results.append(Located(where, kr))
        if numbers["baseline"] is None and "baseline" not in data:
            draft.unstated_baselines.add(kr.id)
        if level is not None:
            draft.stated_levels.add(kr.id)
    return kr  # type: ignore[no-any-return]


def _slice(
    t: Table, where: Where, metric: str | None, draft: Draft
) -> tuple[dict[str, str], str | None]:
    """``where = { gender = "female" }`` and ``breakdown = "product"``: the slice the
    key result targets and the dimension its report row is broken down by."""
    sliced: dict[str, str] = {}
    named: list[tuple[str, Where]] = []
    found = t.table("where")
    if found is not None:
        at, data = found
        if not data:
            t.fail(at, 'is empty; name a dimension and its value, as in { gender = "female" }',
                   '是空的；请写出维度及其取值，例如 { gender = "female" }')  # fmt: skip
        for name, value in data.items():
            if not isinstance(value, str) or not value.strip():
                t.fail(at.key(name), f"expected the value as text, got {describe(value)}",
                       f"取值应为文本，现为{describe(value, 'zh')}")  # fmt: skip
                continue
            if model.SLICE_SEPARATOR in value:
                t.fail(at.key(name), f"must not contain '{model.SLICE_SEPARATOR}'",
                       f"不能包含 '{model.SLICE_SEPARATOR}'")  # fmt: skip
                continue
            sliced[name] = value
            named.append((name, at.key(name)))
    breakdown = t.text("breakdown")
    if breakdown is not None:
        named.append((breakdown, where.key("breakdown")))
    if named:
        if metric is None:
            t.fail(named[0][1], "needs a metric: only collected figures have dimensions",
                   "需要指标：只有采集来的数才有维度")  # fmt: skip
        else:
            draft.slice_uses.append(SliceUse(metric, tuple(named)))
    return sliced, breakdown


WHOLE_MARKET = Decimal("1e14")
"""100万亿元, more than China's whole stock market is worth: no branch's figure."""


def _money_beyond_belief(t: Table, at: Where, value: Decimal, unit: UnitOfMeasure) -> None:
    """A sum of money no branch could reach: most likely a figure in 元 (45e8 for 45亿)
    written in a key result in 亿元 or 万元."""
    if abs(unit.to_base(value)) < WHOLE_MARKET:
        return
    shown, meant = _plain(value), _plain(value / unit.factor)
    hint = Said(f"; if {shown} is in 元, write {meant}", f"；若 {shown} 是以元计的数，请写 {meant}")
    if unit.factor == 1:
        hint = NOT_SAID
    t.fail(at, f"{shown} {unit.symbol} is more money than China's whole stock market is "
           f"worth{hint.en}", f"{shown} {unit.symbol} 比整个 A 股市值还多{hint.zh}")  # fmt: skip


LEAST_WRITTEN = Decimal("0.01")
"""The finest figure of its unit a branch writes money to, and okrdesk too (the report's
4.72亿 and 4.03万, split's shares): 0.01亿 (100万), 0.01万 (100元), a fen."""


def _money_below_notice(t: Table, at: Where, value: Decimal, unit: UnitOfMeasure) -> None:
    """A sum of money finer than a hundredth of the unit it is written in (0.000001 亿元,
    100元 of client assets): no branch's figure, most likely a decimal point that slipped,
    and as a target a completion of millions of percent in every report (4,088,013,689.6%
    for 40.88亿 of net new assets)."""
    if value == 0 or abs(value) >= LEAST_WRITTEN:
        return
    base = unit.to_base(value)
    shown, least = _plain(value), unit.to_base(LEAST_WRITTEN)
    yuan = UNITS["元"]
    amount = Said(written(yuan, base, "en"), written(yuan, base, "zh"))
    smallest = Said(written(yuan, least, "en"), written(yuan, least, "zh"))
    hint = Said(f' (to mean {amount.en}, write it with unit = "元")',
                f'（若确指 {amount.zh}，请把 unit 写成 "元"）')  # fmt: skip
    if unit.factor == 1 or abs(base) < LEAST_WRITTEN:
        hint = NOT_SAID  # less than a fen in 元 too
    t.fail(
        at,
        f"{shown} {unit.symbol} is {amount.en}, less than {LEAST_WRITTEN} {unit.symbol} "
        f"({smallest.en}), the least a figure in {unit.symbol} is written to: no branch's "
        f"figure; a decimal point slipped?{hint.en}",
        f"{shown} {unit.symbol} 即 {amount.zh}，不足 {LEAST_WRITTEN} {unit.symbol}"
        f"（{smallest.zh}），以{unit.symbol}计的数最小写到 {LEAST_WRITTEN}：不会是营业部定的数；"
        f"是否小数点错了位？{hint.zh}",
    )


def _whole_count(t: Table, at: Where, value: Decimal, unit: UnitOfMeasure) -> None:
    """A target counted in 户, 人 or 单 is whole, as every count okrdesk shows is: 20.5
    deals would be shown as 21 with half a deal to go."""
    base = unit.to_base(value)
    if base == base.to_integral_value():
        return
    low, high = (_plain(unit.from_base(base.to_integral_value(way))) for way in FLOOR_CEILING)
    en, zh = f"{_plain(value)} {unit.symbol}", f"{_plain(value)}{unit.symbol}"
    counted = Said(f"{en} is", zh)
    if unit.factor != 1:  # 1.23456 万户: 12345.6 of them
        counted = Said(f"{en} is {_plain(base)},", f"{zh} 即 {_plain(base)}，")
    t.fail(
        at,
        f"{counted.en} not a whole number: a count is whole; write {low} or {high}",
        f"{counted.zh}不是整数：户、人、单等计数只能是整数；请写 {low} 或 {high}",
    )


FLOOR_CEILING = (ROUND_FLOOR, ROUND_CEILING)


def _check_way(
    t: Table,
    where: Where,
    direction: str | None,
    guardrail: bool | None,
    baseline: Decimal | None,
    target: Decimal | None,
) -> None:
    """A goal must have a way to go: up from its baseline for "at least", down
    for "at most"."""
    if guardrail or target is None or direction == model.Direction.WITHIN.value:
        return
    if direction == model.Direction.AT_MOST.value:
        if baseline is None and guardrail is None:
            return  # an "at most" without a baseline is a limit to hold
        if baseline is not None and baseline > target:
            return
        t.fail(
            where.key("baseline"),
            f'is {_plain(baseline)}, not above the target {_plain(target)}: an "at most" '
            "key result with a baseline is a figure to bring down from it. To hold a "
            "figure at or below a limit all year, leave out the baseline or write "
            "guardrail = true",
            f'为 {_plain(baseline)}，不高于目标值 {_plain(target)}：有基线的 "at most" '
            "关键结果是要从基线降下来的数。若要全年把数守在上限以内，请去掉 baseline，"
            "或写 guardrail = true",
        )
        return
    start = baseline if baseline is not None else Decimal(0)
    if start < target:
        return
    t.fail(
        where.key("baseline" if baseline is not None else "target"),
        f"baseline {_plain(start)} is not below the target {_plain(target)}: there is no "
        "way to go. To hold a figure at or above a floor all year, write guardrail = true; "
        'for lower is better, write direction = "at_most"',
        f"基线 {_plain(start)} 不低于目标值 {_plain(target)}：没有提升的空间。若要全年把数守在"
        '下限以上，请写 guardrail = true；若越低越好，请写 direction = "at_most"',
    )


def _plain(number: Decimal | None) -> str:
    return "0" if number is None else format(number.normalize(), "f")


def _calendar(t: Table, draft: Draft) -> tuple[model.CalendarPoint, ...]:
    """``calendar``: period id (2026-03, 2026-W10) → cumulative fraction due by its end."""
    found = t.table("calendar")
    if found is None:
        return ()
    where, data = found
    points = []
    in_percent = _said_in_percent(t, where, data, "calendar", "target")
    for period_id, raw in data.items():
        at = where.key(period_id)
        if _of_the_table_above(t, where, period_id, Said("a period", "期间")):
            continue
        if (why := why_no_period(period_id)) is not None:
            t.fail(at, *why)
            continue
        period = parse_period(period_id)
        if in_percent:
            continue
        number, _ = plain_number(raw)
        if number is None and (said := _fraction_to_write(period_id, raw)) is not None:
            t.fail(at, f"expected a fraction between 0 and 1; {said.en}",
                   f"应为 0 到 1 之间的小数；{said.zh}")  # fmt: skip
            continue
        if number is None or not 0 <= number <= 1:
            shown = _shown(raw)
            hint = hint_zh = ""
            if number is not None and 2 <= number <= 100:
                hint, hint_zh = (
                    f" (write {number / 100} for {number}%)",
                    f"（{number}% 写作 {number / 100}）",
                )
            t.fail(at, f"expected a fraction between 0 and 1, got {shown.en}{hint}",
                   f"应为 0 到 1 之间的小数，现为{shown.zh}{hint_zh}")  # fmt: skip
            continue
        points.append(model.CalendarPoint(period_id, period.end, number))
    ordered = sorted(points, key=lambda p: p.end)
    # Each period's own share: checks._check_calendars says so, or where it decreases.
    if not looks_like_shares([p.fraction for p in ordered]):
        for period_id, said in calendar_decreases([(p.period, p.fraction) for p in ordered]):
            t.fail(where.key(period_id), *said)
    draft.calendars.append(Located(where, tuple(ordered)))
    return tuple(ordered)


def _said_in_percent(
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


def _shown(raw: object) -> Said:
    """A figure as it was written, or what was written instead; the Chinese reads
    straight after 现为 (a number with a space before it)."""
    if isinstance(raw, int | Decimal) and not isinstance(raw, bool):
        return Said(str(raw), f" {raw}")
    return Said(describe(raw), describe(raw, "zh"))


def above_members(key: str, table: str = "members") -> Said | None:
    """For a key of the key result's own written below its ``members`` (or
    ``member_baselines``) header, where TOML makes it a member's figure: where it belongs."""
    if key not in KEY_RESULT_KEYS:
        return None
    what = _MEMBER_FIGURES[table]
    return Said(
        f'; "{key}" is a key of the key result itself: write it above the '
        f"[objectives.key_results.{table}] header (every key below that header is a "
        f"{what.en})",
        f'；"{key}" 是关键结果本身的键：请写在 [objectives.key_results.{table}] 表头之上'
        f"（该表头之下的键都是{what.zh}）",
    )


_MEMBER_FIGURES = {
    "members": Said("member's target", "成员的目标值"),
    "member_baselines": Said("member's baseline", "成员的起点"),
}
"""What each table of figures by member holds."""


def _member_figure_said(t: Table, table: str, member: str, raw: object) -> Said | None:
    """For a member's figure quoted as text (``"¥30"``, ``"1,200"``), the line to write in
    the key result's unit (``t``'s), after a semicolon; None where that is nothing to say."""
    unit = t.data.get("unit")
    if not isinstance(raw, str) or not isinstance(unit, str):
        return None
    plain = unicodedata.normalize("NFKC", raw).strip()
    key = member if re.fullmatch(r"[A-Za-z0-9_-]+", member) else f'"{member}"'
    said = t.figure_said(key, plain, f"objectives.key_results.{table}", key_result_unit(unit))
    return None if said is None else Said(f"; {said.en}", f"；{said.zh}")


def _member_figures(t: Table, table: str, owner: str | None, draft: Draft) -> dict[str, Decimal]:
    """The ``members`` table's targets, or the ``member_baselines`` table's baselines, by
    member. A member's target is never below zero; a baseline is where the key result's
    own may be (net new AUM may start below zero, a count of clients may not)."""
    found = t.table(table)
    if found is None:
        return {}
    where, data = found
    what = _MEMBER_FIGURES[table]
    refused = below_zero_refused(f"objectives.key_results.{table}", "baseline", t.metric)
    figures: dict[str, Decimal] = {}
    for member, raw in data.items():
        at = where.key(member)
        number, why = plain_number(raw)
        if number is None:
            above = above_members(member, table) or NOT_SAID
            told = _member_figure_said(t, table, member, raw) or NOT_SAID
            if told.en:
                why = Said(f"expected a number, got {describe(raw)}",
                           f"应为数，现为{describe(raw, 'zh')}")  # fmt: skip
            t.fail(at, f"{why.en} (the {what.en}){above.en}{told.en}",
                   f"{why.zh}（{what.zh}）{above.zh}{told.zh}")  # fmt: skip
            continue
        if number < 0 and refused is not None:
            t.fail(at, f"must not be negative, got {number}: {refused.en}",
                   f"不能为负数，现为 {number}：{refused.zh}")  # fmt: skip
            continue
        figures[member] = number
        # A baseline's member is one with a target (``_check_member_ways``), whose place
        # below the owner its target's entry is held to.
        if owner is not None and table == "members":
            draft.member_targets.append(MemberTarget(at, member, owner))
    return figures


def _check_member_ways(
    t: Table,
    where: Where,
    direction: str | None,
    guardrail: bool | None,
    targets: Mapping[str, Decimal],
    baselines: Mapping[str, Decimal],
) -> None:
    """Each member's baseline belongs to a member with a target in ``members``, and leaves
    that member a way to go, as the key result's own must (``_check_way``)."""
    for member, baseline in baselines.items():
        at = where.key("member_baselines").key(member)
        target = targets.get(member)
        if target is None:
            t.fail(at, f"{member} has no target in [objectives.key_results.members]: a "
                   "member's baseline is where it starts towards its own target",
                   f"{member} 在 [objectives.key_results.members] 中没有目标值：成员的起点"
                   "是它向自己的目标值出发的地方")  # fmt: skip
            continue
        if guardrail or direction == model.Direction.WITHIN.value:
            continue
        if direction == model.Direction.AT_MOST.value:
            if baseline > target:
                continue
            t.fail(at, f"is {_plain(baseline)}, not above {member}'s target {_plain(target)}: "
                   'an "at most" goal comes down from its baseline',
                   f'为 {_plain(baseline)}，不高于 {member} 的目标值 {_plain(target)}："at most" '
                   "目标是从起点降下来的")  # fmt: skip
        elif baseline >= target:
            t.fail(at, f"is {_plain(baseline)}, not below {member}'s target {_plain(target)}: "
                   "there is no way to go",
                   f"为 {_plain(baseline)}，不低于 {member} 的目标值 {_plain(target)}："
                   "没有提升的空间")  # fmt: skip


def _read_budget(where: Where, data: dict[str, Any], draft: Draft, findings: Findings) -> None:
    t = Table(where, data, findings, BUDGET_KEYS)
    unit = _money_unit(t) if "unit" in data else UNITS["万元"]
    settings: dict[str, Decimal] = {}
    for key in ("total", "expected_revenue"):
        value = t.number(key)
        if value is not None and value < 0:
            t.fail(
                where.key(key), f"must not be negative, got {value}", f"不能为负数，现为 {value}"
            )
        elif value is not None and unit is not None:
            settings[key] = unit.to_base(value)
    threshold = _threshold(t)
    if threshold is not None:
        settings["breaker_threshold"] = threshold
    ratio = t.number("expense_ratio_max")
    if ratio is not None and not 0 < ratio <= 1:
        t.fail(where.key("expense_ratio_max"), f"must be a fraction (0.23 for 23%), got {ratio}",
               f"必须是小数（23% 写作 0.23），现为 {ratio}")  # fmt: skip
    elif ratio is not None:
        settings["expense_ratio_max"] = ratio
    metric = t.text("revenue_metric")
    if metric is not None:
        draft.metric_uses.append(
            MetricUse(where.key("revenue_metric"), where.key("revenue_metric"), metric,
                      UNITS["元"], True)
        )  # fmt: skip
        draft.budget_texts.append(Located(where, {"revenue_metric": metric}))
    if settings:
        draft.budget_settings.append(Located(where, settings))
    signers = _signers(t)
    if signers is not None:
        draft.budget_signers.append(Located(where.key("signers"), signers))
    written = data.get("unit")
    told = budget_unit(written, where.key("unit").line) if isinstance(written, str) else None
    for line_where, line_data in t.tables("lines"):
        _read_budget_line(line_where, line_data, unit, draft, findings, told)


def _signers(t: Table) -> tuple[str, ...] | None:
    """Names that may sign off spend; each must be a visible name, written once."""
    names = t.strings("signers")
    if names is None:
        return None
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        key = model.person_key(name)
        at = t.where.key("signers").item(index, None)
        if not key:
            t.fail(at, "is no name: blank, or invisible characters only",
                   "不是名字：空白，或只有看不见的字符")  # fmt: skip
        elif key in seen:
            t.fail(at, f"is the same person as signers[{seen[key]}]; write each signer once",
                   f"与 signers[{seen[key]}] 是同一人；每位签字人只写一次")  # fmt: skip
        else:
            seen[key] = index
    return tuple(names)


def _money_unit(t: Table) -> UnitOfMeasure | None:
    """A budget's or a line's unit: 元, 万元 or 亿元; the choices offered are those."""
    written = t.data.get("unit")
    if isinstance(written, str) and written in UNITS:
        unit = _unit_of(t)  # a unit, of another kind: said so below
    else:
        unit = _unit_of(t, choices=_MONEY_UNITS)
    if unit is not None and unit.dimension is not Dimension.MONEY:
        t.fail(t.where.key("unit"), f'"{unit.symbol}" is not a money unit; use 元, 万元 or 亿元',
               f'"{unit.symbol}" 不是金额单位；请用 元、万元 或 亿元')  # fmt: skip
        return None
    return unit


def _threshold(t: Table) -> Decimal | None:
    value = t.number("breaker_threshold")
    if value is not None and not 0 <= value <= 1:
        t.fail(
            t.where.key("breaker_threshold"),
            f"must be a fraction between 0 and 1 (0.10 for 10%), got {value}",
            f"必须是 0 到 1 之间的小数（10% 写作 0.10），现为 {value}",
        )
        return None
    return value


def _read_budget_line(
    where: Where,
    data: dict[str, Any],
    file_unit: UnitOfMeasure | None,
    draft: Draft,
    findings: Findings,
    budget_told: TableUnit | None = None,
) -> None:
    """``budget_told``: the unit its budget writes, and where, which the line's figures are
    in unless it writes its own."""
    t = Table(where, data, findings, LINE_KEYS, required=("id", "name", "owner", "amount"),
              outer_unit=budget_told)  # fmt: skip
    line_id, name, owner, amount = t.ident(), t.text("name"), t.text("owner"), t.number("amount")
    unit = _money_unit(t) if "unit" in data else file_unit
    if line_id is not None:
        draft.written_ids.append(("line", line_id, where))
    if amount is not None and amount < 0:
        t.fail(
            where.key("amount"),
            f"must be more than 0, got {amount}: a line is money set aside, never less than "
            "none (a refund is a spend reversed: okrdesk spend reverse)",
            f"必须大于 0，现为 {amount}：预算项是拨出的钱，不能为负（退款请冲销那笔支出："
            "okrdesk spend reverse）",
        )
    elif amount is not None and amount == 0:
        # A line of 0 has no pace to judge: its breaker could never trip.
        t.fail(
            where.key("amount"),
            f"must be more than 0, got {amount}: a line of 0 could never trip its breaker",
            f"必须大于 0，现为 {amount}：为 0 的预算项永远不会触发熔断",
        )
    schedule = _fractions(t, "schedule", draft)
    threshold = _threshold(t)
    market = t.flag("market_activity") or False
    dual = t.flag("dual_signoff")
    links = _linked_key_results(t, draft)
    revenue = _revenue_links(t, links, draft)
    if None in (line_id, name, owner, amount, unit, links) or not t.ok:
        draft.incomplete.add("budget")
        if schedule:
            draft.milestone_sets.append(Located(where.key("schedule"), schedule))
        return
    assert line_id and name and owner and amount is not None and unit and links is not None
    draft.references.append(Reference(where.key("owner"), owner, ("unit", "person")))
    line = model.BudgetLine(
        id=line_id,
        name=name,
        owner=owner,
        amount=unit.to_base(amount),
        schedule=schedule,
        key_results=links,
        revenue=revenue,
        threshold=threshold,
        market_activity=market,
        dual_signoff=market if dual is None else dual,
        unit=unit,
    )
    draft.budget_lines.append(Located(where, line))
    draft.milestone_sets.append(Located(where.key("schedule"), line.schedule))


def _linked_key_results(t: Table, draft: Draft) -> dict[str, Decimal] | None:
    """``key_results`` as a list (equal shares) or a table of id → weight."""
    raw = t.data.get("key_results")
    at = t.where.key("key_results")
    if raw is None:
        return {}
    if isinstance(raw, list):
        ids = t.strings("key_results")
        if ids is None:
            return None
        seen: set[str] = set()
        for index, kr in enumerate(ids):
            if kr in seen:
                t.fail(at.item(index, None), f'"{kr}" is listed twice', f'"{kr}" 重复列出')
            seen.add(kr)
            draft.references.append(Reference(at.item(index, None), kr, ("key_result",)))
        unique = list(dict.fromkeys(ids))
        return {kr: Decimal(1) / len(unique) for kr in unique}
    if isinstance(raw, dict):
        links: dict[str, Decimal] = {}
        for kr, weight in raw.items():
            if not isinstance(weight, dict):
                draft.references.append(Reference(at.key(kr), kr, ("key_result",)))
            if isinstance(weight, dict):
                t.fail(
                    at.key(kr),
                    f'write the key result id in quotes: "{kr}.{next(iter(weight))}" = ...',
                    f'关键结果 id 要加引号："{kr}.{next(iter(weight))}" = ...',
                )
                continue
            number, _ = plain_number(weight)
            if number is None or number <= 0:
                shown = _shown(weight)
                t.fail(at.key(kr), f"expected a weight greater than 0, got {shown.en}",
                       f"应为大于 0 的权重，现为{shown.zh}")  # fmt: skip
            else:
                links[kr] = number
        total = sum(links.values(), Decimal(0))
        return {kr: w / total for kr, w in links.items()} if links else {}
    t.fail(at, "expected an array of key result ids or a table of id = weight",
           "应为关键结果 id 的数组，或 id = 权重 的表")  # fmt: skip
    return None


def _revenue_links(t: Table, links: dict[str, Decimal] | None, draft: Draft) -> tuple[str, ...]:
    """``revenue``: which of the line's ``key_results`` are money earned, for its ROI.

    ``links`` is None when ``key_results`` could not be read: nothing to hold them to.
    """
    ids = t.strings("revenue") if "revenue" in t.data else []
    at = t.where.key("revenue")
    found: list[str] = []
    for index, kr in enumerate(ids or []):
        where = at.item(index, None)
        if kr in found:
            t.fail(where, f'"{kr}" is listed twice', f'"{kr}" 重复列出')
        elif links is not None and kr not in links:
            t.fail(where, f'"{kr}" is not among this line\'s key_results; link it there too',
                   f'"{kr}" 不在本预算项的 key_results 里；请也在那里关联它')  # fmt: skip
        else:
            found.append(kr)
            draft.revenue_links.append(Located(where, kr))
    return tuple(found)


def _read_scoring(where: Where, data: dict[str, Any], draft: Draft, findings: Findings) -> None:
    t = Table(where, data, findings, SCORING_KEYS, required=("id", "name", "components"))
    policy_id, name = t.ident(), t.text("name")
    if policy_id is not None:
        draft.written_ids.append(("policy", policy_id, where))
    roles, people = t.strings("roles") or [], t.strings("people") or []
    grain = t.choice("period", GRAINS) or Grain.MONTH.value
    cap, floor = _positive_number(t, "cap", None), t.number("floor")
    for index, person in enumerate(people):
        draft.references.append(
            Reference(where.key("people").item(index, None), person, ("person",))
        )
    components = []
    for c_where, c_data in t.tables("components"):
        c = Table(c_where, c_data, findings, COMPONENT_KEYS, required=COMPONENT_KEYS)
        metric, unit = c.text("metric"), _unit_of(c)
        weight, standard = (
            _positive_number(c, "weight", None),
            _positive_number(c, "standard", None),
        )
        if metric is not None:
            draft.metric_uses.append(
                MetricUse(c_where.key("metric"), c_where.key("unit"), metric, unit, True)
            )
        if c.ok and metric and unit and weight and standard:
            components.append(model.ScoreComponent(metric, weight, unit.to_base(standard)))
        else:
            t.ok = False
    if not roles and not people and "roles" not in data and "people" not in data:
        t.fail(where.key("roles"), "missing; say which roles or people the policy scores",
               "缺少；请写明考核方案考核哪些角色或人员")  # fmt: skip
    if "components" in data and not components and t.ok:
        t.fail(where.key("components"), "is empty; a policy needs at least one component",
               "是空的；考核方案至少需要一个考核项")  # fmt: skip
    _weights_add_up(where, components, findings)
    if floor is not None and floor < 0:
        t.fail(
            where.key("floor"), f"must not be negative, got {floor}", f"不能为负数，现为 {floor}"
        )
    cap, floor = _score_fraction(t, "cap", cap), _score_fraction(t, "floor", floor)
    if cap is not None and floor is not None and floor > cap:
        t.fail(where.key("floor"), f"the floor ({floor}) is above the cap ({cap})",
               f"下限（{floor}）高于上限（{cap}）")  # fmt: skip
    if policy_id is None or name is None or not t.ok:
        return
    policy = model.ScoringPolicy(
        policy_id, name, tuple(components), tuple(roles), tuple(people), Grain(grain), cap, floor
    )
    draft.scoring.append(Located(where, policy))
