"""The shape of target files: which tables and keys exist and what they mean.

Each ``read_*`` function reads one section of one file into model values and
records every id it refers to, with where it was written, so that references
across files are checked once all files are read (see ``checks``). The tables and
keys are in ``sections``, what is read into in ``draft``; a key result and the budget,
the two largest sections, are read by ``schema_key_results`` and ``schema_budget``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from okrdesk import model
from okrdesk.errors import Said
from okrdesk.periods import Grain
from okrdesk.targets import people_left
from okrdesk.targets.draft import Draft, Located, MetricUse, PlanHeader, Reference
from okrdesk.targets.reader import (
    Findings,
    SourceFile,
    Table,
    Where,
)
from okrdesk.targets.schema_budget import read_budget
from okrdesk.targets.schema_key_results import read_key_result
from okrdesk.targets.schema_values import positive_number, unit_of
from okrdesk.targets.sections import (
    COMPONENT_KEYS,
    GRAINS,
    OBJECTIVE_KEYS,
    PERSON_KEYS,
    PHASE_KEYS,
    PLAN_KEYS,
    SCORING_KEYS,
    SECTIONS,
    UNIT_KEYS,
)
from okrdesk.targets.window_keys import read_baseline

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
        read_budget(*budget, draft, findings)
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


def _read_objective(where: Where, data: dict[str, Any], draft: Draft, findings: Findings) -> None:
    # Its owner written below a key result is that one problem, told there, not also missing.
    written = data.get("key_results")
    below = isinstance(written, list) and any(isinstance(k, dict) and "owner" in k for k in written)
    required = ("id", "title") if below else ("id", "title", "owner")
    t = Table(where, data, findings, OBJECTIVE_KEYS, required=required)
    objective_id, title, owner = t.ident(_objective_id_to_write), t.text("title"), t.text("owner")
    weight = positive_number(t, "weight", Decimal(1))
    cadence = t.choice("cadence", GRAINS)
    if objective_id is not None:
        draft.written_ids.append(("objective", objective_id, where))
    results = [
        kr
        for kr_where, kr_data in t.tables("key_results")
        if (kr := read_key_result(kr_where, kr_data, objective_id, owner, draft, findings,
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


def _objective_id_to_write(written: str) -> tuple[str, Said]:
    """``O1.2`` (a dot typed in an objective's id): ``O1-2``, and why."""
    fixed = "-".join(part for part in written.split(".") if part)
    return fixed, Said(f'key results are named <objective>.<id>; write "{fixed}"',
                       f'关键结果的名字是 <objective>.<id>；请写作 "{fixed}"')  # fmt: skip


def _read_scoring(where: Where, data: dict[str, Any], draft: Draft, findings: Findings) -> None:
    t = Table(where, data, findings, SCORING_KEYS, required=("id", "name", "components"))
    policy_id, name = t.ident(), t.text("name")
    if policy_id is not None:
        draft.written_ids.append(("policy", policy_id, where))
    roles, people = t.strings("roles") or [], t.strings("people") or []
    grain = t.choice("period", GRAINS) or Grain.MONTH.value
    cap, floor = positive_number(t, "cap", None), t.number("floor")
    for index, person in enumerate(people):
        draft.references.append(
            Reference(where.key("people").item(index, None), person, ("person",))
        )
    components = []
    for c_where, c_data in t.tables("components"):
        c = Table(c_where, c_data, findings, COMPONENT_KEYS, required=COMPONENT_KEYS)
        metric, unit = c.text("metric"), unit_of(c)
        weight, standard = (
            positive_number(c, "weight", None),
            positive_number(c, "standard", None),
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
