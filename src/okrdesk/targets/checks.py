"""Checks that need every target file at once: ids, references, the org tree,
phases, milestones, metrics and budget totals."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import pairwise
from typing import Any

from okrdesk import model
from okrdesk.errors import Problem, Said, printable
from okrdesk.formula import is_fact, parse
from okrdesk.targets.cumulative import calendar_decreases, looks_like_shares, shares_said
from okrdesk.targets.draft import Draft, Located, MemberTarget, PlanHeader
from okrdesk.targets.locate import KeyPath
from okrdesk.targets.people_left import check_people_left
from okrdesk.targets.reader import Findings, Where, closest, suggest
from okrdesk.targets.schema_key_results import above_members
from okrdesk.targets.surprises import check_surprises
from okrdesk.targets.window_keys import window_use_problems
from okrdesk.units import UNITS, Dimension, UnitOfMeasure, in_points, ledger, said_back


def check_all(
    draft: Draft,
    findings: Findings,
    metrics: Mapping[str, model.MetricSpec] | None,
    clashes: Mapping[str, Sequence[str]] | None = None,
    unloaded: Sequence[str] = (),
    undeclared: Mapping[str, str] | None = None,
) -> None:
    known = _check_ids(draft, findings)
    check_people_left(draft.people_left, known, findings)
    # A file that does not read may define what the others refer to: the ids its text
    # seems to write are taken as defined until it reads, and what is below what waits.
    if "text" not in draft.incomplete:
        _check_references(draft, findings, known)
    if "text" not in draft.incomplete:
        _check_members(draft, findings)
    _check_org_tree(draft, findings)
    if not ({"files"} & draft.incomplete or {"unit", "person"} & draft.unread):
        _check_leads(draft, findings)
    if draft.plans and "phases" not in draft.incomplete:
        _check_phases(draft.plans[0].value, draft.phases, findings, draft.plans[0].where)
    if draft.plans:
        _check_calendars(draft.plans[0].value, draft, findings)
    _check_milestones(draft, findings)
    _check_guardrail_milestones(draft, findings)
    if metrics is not None:
        _check_metrics(draft, findings, metrics, clashes or {}, unloaded, undeclared or {})
    _check_budget(draft, findings)
    if metrics is not None:
        _check_levels_from_zero(draft, findings, metrics)
    _check_revenue_links(draft, findings, metrics)
    _check_one_policy_each(draft, findings)
    if not ({"text"} & draft.incomplete or "person" in draft.unread):
        _check_roles(draft, findings)
    _check_control_characters(draft, findings)
    _check_windows(draft, findings, metrics)
    check_surprises(draft, findings)


def _check_windows(
    draft: Draft, findings: Findings, metrics: Mapping[str, model.MetricSpec] | None
) -> None:
    """Windows fit the plan's grain; growth targets are on flows; baselines on what
    [[baselines]] can hold (targets/window_keys.py)."""
    grain = draft.plans[0].value.grain if draft.plans else None
    for use in draft.window_uses:
        spec = metrics.get(use.metric) if metrics is not None else None
        findings.problems.extend(window_use_problems(use, grain, spec))


def _check_one_policy_each(draft: Draft, findings: Findings) -> None:
    """Nobody is scored by two policies: their score would depend on which one a
    report happened to pick."""
    first: dict[str, Located[model.ScoringPolicy]] = {}
    for located in draft.scoring:
        policy = located.value
        twice: dict[str, list[str]] = {}
        for person in draft.people:
            who = person.value
            if who.id not in policy.people and who.role not in policy.roles:
                continue
            earlier = first.setdefault(who.id, located)
            if earlier is not located:
                twice.setdefault(earlier.value.id, []).append(who.id)
        for other, people in twice.items():
            seen = next(p for p in draft.scoring if p.value.id == other)
            named = any(person in policy.people for person in people)
            listed = ", ".join(f'"{person}"' for person in people)
            findings.problems.append(
                located.where.key("people" if named else "roles").problem(
                    f"{listed} also fall{'s' if len(people) == 1 else ''} under "
                    f'the scoring policy "{other}" ({_first_seen(seen.where)}); a person is '
                    "scored by one policy: narrow its roles or people",
                    f'{listed} 同时属于考核方案 "{other}"（{_first_seen(seen.where)}）；'
                    "一个人员只能由一个考核方案考核：请缩小本考核方案的 roles 或 people",
                )
            )


def _check_roles(draft: Draft, findings: Findings) -> None:
    """A role a scoring policy lists that nobody has scores nobody: where a person has a
    role it looks like a misspelling of ("CM", "cm " for "cm"), the people of that role
    would go unscored, a problem; a role no one is near (a trainee not yet hired) is a
    warning."""
    roles = {person.value.role for person in draft.people}
    for located in draft.scoring:
        for index, role in enumerate(located.value.roles):
            if role in roles or role in draft.maybe_roles:
                continue
            at = located.where.key("roles").item(index, None)
            close = closest(role, roles)
            if close is not None:
                findings.problems.append(at.problem(
                    f'no person has the role "{role}" (did you mean "{close}"?); as written, '
                    f'the policy scores none of the people whose role is "{close}"',
                    f'没有人员的角色是 "{role}"（是不是“{close}”？）；照现在的写法，'
                    f'角色为 "{close}" 的人员都不会被这个考核方案考核',
                ))  # fmt: skip
            else:
                findings.warnings.append(at.problem(
                    f'no person has the role "{role}"; the policy scores nobody by it',
                    f'没有人员的角色是 "{role}"；这个考核方案不会按它考核任何人',
                ))  # fmt: skip


def _first_seen(where: Where) -> str:
    return f"{where.file.display}:{where.line}"


def _check_ids(draft: Draft, findings: Findings) -> dict[str, dict[str, Where]]:
    """Ids by kind, as written even where an entry has problems; a second definition
    of an id is a problem at the second place, whatever else is wrong with either."""
    known: dict[str, dict[str, Where]] = {
        k: {} for k in ("unit", "person", "phase", "objective", "key_result", "line", "policy")
    }
    org: dict[str, Where] = {}
    # An objective copied with its key results is one problem, at the objective: its
    # key results' full ids change with its id.
    copied: set[tuple[int, object]] = set()
    for kind in known:
        namespace = org if kind in ("unit", "person") else known[kind]
        for written, ident, where in draft.written_ids:
            if written != kind:
                continue
            if ident in namespace:
                if kind == "key_result" and (id(where.file), where.path[:2]) in copied:
                    continue
                if kind == "objective":
                    copied.add((id(where.file), where.path))
                first = _first_seen(namespace[ident])
                follow = Said(
                    " (its key results' full ids follow it)", "（其关键结果的完整 id 随之改变）"
                )
                said = follow if kind == "objective" else Said("", "")
                findings.problems.append(
                    where.key("id").problem(
                        f'duplicate id "{ident}"; already defined at {first}: give one of the '
                        f"two an id of its own{said.en}, or delete the copy",
                        f'id "{ident}" 重复；已在 {first} 定义：请给其中一个另取 id{said.zh}，'
                        "或删除重复的那一份",
                    )
                )
                continue
            namespace[ident] = where
            known[kind][ident] = where
    for line in draft.budget_lines:
        ident = line.value.id
        if ident in known["objective"]:
            there = _first_seen(known["objective"][ident])
            findings.warnings.append(line.where.key("id").problem(
                f'budget line "{ident}" has the id of an objective ({there}): '
                f"`okrdesk explain {ident}` explains the objective; give the line another id",
                f'预算项 "{ident}" 与一个目标同名（{there}）：'
                f"`okrdesk explain {ident}` 说明的是目标；请给预算项另取编号",
            ))  # fmt: skip
    # The one that reads is the plan; of several that do not, the first. A second one that
    # does not read (a [plan] header pasted with a team's file) is told so, not only that
    # it lacks the keys that would make it a second plan.
    tables = draft.plan_tables
    the_plan = draft.plans[0].where if draft.plans else tables[0] if tables else None
    for later in tables:
        if the_plan is not None and later is not the_plan:
            findings.problems.append(
                later.problem(
                    f"a second [plan] table; the plan is at {_first_seen(the_plan)}",
                    f"第二个 [plan] 表；计划已在 {_first_seen(the_plan)}",
                )
            )
    return known


_KIND_NAMES = {
    "unit": "unit",
    "person": "person",
    "phase": "phase",
    "key_result": "key result",
}
_KIND_NAMES_ZH = {"unit": "单位", "person": "人员", "phase": "阶段", "key_result": "关键结果"}


_PHASES_SHOWN = 24
"""The most phases a reference to no phase lists (a plan by month has twelve)."""


def _check_references(draft: Draft, findings: Findings, known: dict[str, dict[str, Where]]) -> None:
    by_name = _by_name(draft)
    for ref in draft.references:
        if any(ref.id in known[kind] for kind in ref.kinds):
            continue
        if draft.unread.intersection(ref.kinds):
            continue  # it may be in a misspelt section, reported as such
        if {ref.id, ref.id.rsplit(".", 1)[-1]} & draft.maybe_ids:
            continue  # it may be in a file that does not read
        names = " or ".join(_KIND_NAMES[k] for k in ref.kinds)
        names_zh = "或".join(_KIND_NAMES_ZH[k] for k in ref.kinds)
        choices = [ident for kind in ref.kinds for ident in known[kind]]
        hint = _named_not_id(ref.id, ref.kinds, by_name)
        if hint is None:
            hint = Said(suggest(ref.id, choices), suggest(ref.id, choices, "zh"))
            if set(ref.kinds) == {"phase"} and choices:
                hint = _phases_there(hint, choices)
        findings.problems.append(
            ref.where.problem(f'no {names} "{ref.id}"{hint.en}',
                              f'没有{names_zh} "{ref.id}"{hint.zh}')
        )  # fmt: skip


def _phases_there(hint: Said, phases: Sequence[str]) -> Said:
    """``hint`` and the plan's phases, to write one of: each plan names its own (Q1…Q4,
    H1, 1月…), and a reader of ``no phase "Q2"`` has no other way to learn them."""
    shown = ", ".join(phases[:_PHASES_SHOWN]) + (", …" if len(phases) > _PHASES_SHOWN else "")
    shown_zh = "、".join(phases[:_PHASES_SHOWN]) + ("等" if len(phases) > _PHASES_SHOWN else "")
    return Said(f"{hint.en}; the plan's phases are {shown}", f"{hint.zh}；计划的阶段为 {shown_zh}")


def _by_name(draft: Draft) -> dict[str, list[tuple[str, str]]]:
    """(kind, id) of each unit, person and phase, by its name."""
    found: dict[str, list[tuple[str, str]]] = {}
    for kind, items in (("unit", draft.units), ("person", draft.people), ("phase", draft.phases)):
        for item in items:
            found.setdefault(item.value.name.strip(), []).append((kind, item.value.id))
    return found


def _named_not_id(
    word: str, kinds: Iterable[str], by_name: dict[str, list[tuple[str, str]]]
) -> Said | None:
    """For a name written where an id belongs (``lead = "李雷"``): the id to write."""
    ids = [ident for kind, ident in by_name.get(word.strip(), ()) if kind in kinds]
    if not ids:
        return None
    if len(ids) == 1:
        return Said(f'; "{word}" is the name of "{ids[0]}": write its id, "{ids[0]}"',
                    f'；"{word}" 是 "{ids[0]}" 的名字：请写它的 id "{ids[0]}"')  # fmt: skip
    listed, listed_zh = ", ".join(f'"{i}"' for i in ids), "、".join(f'"{i}"' for i in ids)
    return Said(f'; "{word}" is the name of {listed}: write the id of the one you mean',
                f'；"{word}" 是 {listed_zh} 的名字：请写所指那一个的 id')  # fmt: skip


def _check_org_tree(draft: Draft, findings: Findings) -> None:
    where = {u.value.id: u.where for u in draft.units}
    for cycle in _cycles(draft):
        loop = " → ".join([*cycle, cycle[0]])
        first = min(cycle, key=lambda u: (where[u].file.display, where[u].line))
        cycled = Said(f"the org tree has a cycle: {loop}", f"组织树有循环：{loop}")
        findings.problems.append(where[first].key("parent").said(cycled))


def _check_leads(draft: Draft, findings: Findings) -> None:
    """A lead who sits in another part of the tree, neither in the unit they lead nor
    above or below it, is a warning, not a problem: a branch does have one person lead
    two teams (兼任), sitting in one of them; but it is what a [[units]] block copied from
    a sibling's, its lead left as it was, looks like."""
    parents = dict(draft.written_parents)
    homes = dict(draft.written_people)
    leads = {u.value.id: u.value.lead for u in draft.units}
    if _cycles(draft):
        return  # on a loop every unit is above every other

    def line_up(unit: str | None) -> list[str]:
        found: list[str] = []
        while unit is not None and unit not in found:
            found.append(unit)
            unit = parents.get(unit)
        return found

    for located in draft.units:
        unit, lead = located.value.id, located.value.lead
        home = homes.get(lead or "")
        if lead is None or home is None or home not in parents:
            continue  # no lead, or one that names nobody: reported as such
        if unit in line_up(home) or home in line_up(unit):
            continue
        if leads.get(home) == lead:
            said = Said(
                f'"{lead}" is the lead of "{home}", a member there, not of "{unit}" or a unit '
                f"above or below it: if this block was copied from {home}'s, write {unit}'s own "
                f"lead; if {lead} leads both, this is right",
                f'"{lead}" 是 "{home}" 的负责人和成员，不属于 "{unit}"，也不属于它的上级或'
                f"下级单位：如果这一段是从 {home} 复制来的，请写 {unit} 自己的负责人；"
                f"如果 {lead} 确实同时负责两者，这样写没错",
            )
        else:
            said = Said(
                f'"{lead}" is a member of "{home}", not of "{unit}" or a unit above or below '
                f"it: if {lead} does lead {unit} from there, this is right; else write "
                f"{unit}'s own lead",
                f'"{lead}" 是 "{home}" 的成员，不属于 "{unit}"，也不属于它的上级或下级单位：'
                f"如果 {lead} 确实从那里负责 {unit}，这样写没错；否则请写 {unit} 自己的负责人",
            )
        findings.warnings.append(located.where.key("lead").said(said))


def _cycles(draft: Draft) -> list[list[str]]:
    """Each loop of parent links among the units, from where it was entered."""
    parents = {u.value.id: u.value.parent for u in draft.units}
    settled: set[str] = set()
    found = []
    for start in parents:
        path: list[str] = []
        on_path: set[str] = set()
        unit: str | None = start
        while unit is not None and unit in parents and unit not in settled and unit not in on_path:
            path.append(unit)
            on_path.add(unit)
            unit = parents[unit]
        if unit is not None and unit in on_path:
            found.append(path[path.index(unit) :])
        settled.update(path)
    return found


def _children(draft: Draft) -> dict[str, list[str]]:
    """Every unit's and person's parent as written, even where the entry has problems."""
    children: dict[str, list[str]] = {}
    for unit, parent in draft.written_parents:
        if parent is not None:
            children.setdefault(parent, []).append(unit)
    for person, unit in draft.written_people:
        children.setdefault(unit, []).append(person)
    return children


def _below(children: dict[str, list[str]], owner: str) -> set[str]:
    """Ids of every unit and person below ``owner``, never ``owner`` itself."""
    found: set[str] = set()
    todo = list(children.get(owner, ()))
    while todo:
        ident = todo.pop()
        if ident not in found and ident != owner:
            found.add(ident)
            todo.extend(children.get(ident, ()))
    return found


def _check_members(draft: Draft, findings: Findings) -> None:
    people = {person for person, _ in draft.written_people}
    written = people | {unit for unit, _ in draft.written_parents}
    by_name = _by_name(draft)
    children = _children(draft)
    # While the tree loops, every unit on the loop is "below" every other: what is below
    # what waits until the cycle (reported by _check_org_tree) is fixed.
    looped = bool(_cycles(draft))
    below: dict[str, set[str]] = {}
    # A [members] table's keys are unique; a set of them is what each entry is held to.
    tables: dict[tuple[int, KeyPath], set[str]] = {}
    for entry in draft.member_targets:
        tables.setdefault((id(entry.where.file), entry.where.path[:-1]), set()).add(entry.member)
    # A file that does not read may define a unit or person, or hang a unit read here
    # below another: what involves one it seems to define, or a unit whose line up the
    # tree runs into what is not read, waits for it; the rest is checked.
    unsure = "files" in draft.incomplete
    parents = dict(draft.written_parents)
    homes = dict(draft.written_people)
    for entry in draft.member_targets:
        if {entry.owner, entry.member} & draft.broken_ids or draft.unread & {"unit", "person"}:
            continue
        if unsure and {entry.owner, entry.member} & draft.maybe_ids:
            continue
        if entry.owner not in written:
            # The owner is reported as no unit or person: below it, nothing can be.
            if entry.member not in written:
                findings.problems.append(_nobody(entry, written, by_name))
            continue
        if entry.owner in people:
            findings.problems.append(
                entry.where.problem(
                    f'the owner "{entry.owner}" is a person and has no members',
                    f'负责人 "{entry.owner}" 是人员，没有成员',
                )
            )
            continue
        if looped:
            if entry.member not in written:
                findings.problems.append(_nobody(entry, written, by_name))
            continue
        if entry.member == entry.owner:
            # Its own target written among its members': one problem, not also "includes
            # every member" and "not below itself".
            findings.problems.append(
                entry.where.problem(
                    f'"{entry.owner}" is the owner itself: write its own target as target = '
                    "..., above the members' table, which gives those below it theirs",
                    f'"{entry.owner}" 就是负责方本身：它自己的目标值请写作 target = ...，'
                    "写在成员表之上；成员表只写其下属的目标值",
                )
            )
            continue
        for ident in (entry.owner, entry.member):
            if ident not in below:  # once per id: a firm shares a target out to every branch
                below[ident] = _below(children, ident)
        members, inside = below[entry.owner], below[entry.member]
        same_table = tables[(id(entry.where.file), entry.where.path[:-1])]
        counted = sorted(inside.intersection(same_table))
        if counted:
            findings.problems.append(
                entry.where.problem(
                    f'"{entry.member}" already includes {", ".join(counted)}, who also has a '
                    "target here; give the unit or its members a target, not both",
                    f'"{entry.member}" 已包含 {", ".join(counted)}，而后者在这里也有目标值；'
                    "目标值给单位或给其成员，不要两者都给",
                )
            )
        if entry.member not in members:
            if unsure and entry.member in written and not _line_known(entry.member, parents, homes):
                continue
            hint = (
                _named_not_id(entry.member, ("unit", "person"), by_name)
                or above_members(entry.member)
                or Said(suggest(entry.member, members), suggest(entry.member, members, "zh"))
            )
            findings.problems.append(
                entry.where.problem(
                    f'"{entry.member}" is not a unit or person below "{entry.owner}"{hint.en}',
                    f'"{entry.member}" 不是 "{entry.owner}" 下属的单位或人员{hint.zh}',
                )
            )


def _line_known(ident: str, parents: dict[str, str | None], homes: dict[str, str]) -> bool:
    """Whether every unit above ``ident``, up to the top of the tree, is one read: then
    what it is below is known, whatever a file that did not read holds."""
    seen: set[str] = set()
    above: str | None = homes.get(ident, parents.get(ident))
    while above is not None and above not in seen:
        if above not in parents:
            return False
        seen.add(above)
        above = parents[above]
    return True


def _nobody(
    entry: MemberTarget, written: set[str], by_name: dict[str, list[tuple[str, str]]]
) -> Problem:
    hint = _named_not_id(entry.member, ("unit", "person"), by_name) or Said(
        suggest(entry.member, written), suggest(entry.member, written, "zh")
    )
    return entry.where.problem(f'no unit or person "{entry.member}"{hint.en}',
                               f'没有单位或人员 "{entry.member}"{hint.zh}')  # fmt: skip


def _overlap_mended(e: model.Phase, x: model.Phase) -> Said:
    """How phases ``e`` and ``x``, ``x`` ending later, may stop overlapping: ``x`` starting
    the day after ``e`` ends, or ``e`` ending the day before ``x`` starts, each only where
    the phase moved would still start before it ends."""
    day = dt.timedelta(days=1)
    start, end = e.end + day, x.start - day
    if start <= x.end and end >= e.start:
        return Said(f": phase {x.id} should start {start}, or phase {e.id} end {end}",
                    f"：阶段 {x.id} 应从 {start} 开始，或阶段 {e.id} 到 {end} 结束")  # fmt: skip
    if start <= x.end:
        return Said(f": phase {x.id} should start {start}", f"：阶段 {x.id} 应从 {start} 开始")
    if end >= e.start:
        return Said(f": phase {e.id} should end {end}", f"：阶段 {e.id} 应到 {end} 结束")
    return Said("", "")


def _another_year(plan: PlanHeader, ordered: list[Located[model.Phase]]) -> int | None:
    """The one year every phase lies in, where none of them is in the plan's: a plan
    copied from last year's with its ``year`` changed and its phases not (or the other
    way round). None otherwise, and where the plan writes a ``start`` or ``end`` of its
    own, which may be what is wrong."""
    if plan.start != dt.date(plan.year, 1, 1) or plan.end != dt.date(plan.year, 12, 31):
        return None
    years = {day.year for p in ordered for day in (p.value.start, p.value.end)}
    return years.pop() if len(years) == 1 and plan.year not in years else None


def _check_phases(
    plan: PlanHeader, phases: list[Located[model.Phase]], findings: Findings, at: Where
) -> None:
    # A phase defined twice (a file copied beside its original) is that one problem, told
    # at its id: the copy is not also a phase that overlaps itself.
    once = {p.value.id: p for p in reversed(phases)}
    # In order of their ends: a start mistyped (Q4 from 2026-01-10 for 2026-10-01) is then
    # the one phase out of step, not one that every other phase overlaps.
    ordered = sorted(once.values(), key=lambda p: (p.value.end, p.value.start))
    day = dt.timedelta(days=1)
    for earlier, later in pairwise(ordered):
        e, x = earlier.value, later.value
        if x.start <= e.end:
            findings.problems.append(
                later.where.key("start").problem(
                    f"phase {x.id} starts {x.start}, before phase {e.id} ends ({e.end}); "
                    f"phases must not overlap{_overlap_mended(e, x).en}",
                    f"阶段 {x.id} 从 {x.start} 开始，早于阶段 {e.id} 结束（{e.end}）；"
                    f"阶段不能重叠{_overlap_mended(e, x).zh}",
                )
            )
        elif x.start > e.end + day:
            days = _days(e.end + day, x.start - day)
            findings.problems.append(
                later.where.key("start").problem(
                    f"{days.en} no phase; phase {x.id} should start {e.end + day}, or "
                    f"phase {e.id} end {x.start - day}",
                    f"{days.zh}不属于任何阶段；阶段 {x.id} 应从 {e.end + day} 开始，"
                    f"或阶段 {e.id} 到 {x.start - day} 结束",
                )
            )
    year = _another_year(plan, ordered) if ordered else None
    if year is not None:
        # One mistake, at the year: not each phase outside the plan, and the plan's first
        # and last days outside every phase.
        findings.problems.append(
            at.key("year").problem(
                f"the plan's year is {plan.year}, but every phase is in {year} "
                f"({ordered[0].value.start} to {ordered[-1].value.end}): write year = {year}, "
                f"or the phases' dates in {plan.year}",
                f"计划年份为 {plan.year}，但所有阶段都在 {year} 年（{ordered[0].value.start} "
                f"至 {ordered[-1].value.end}）：请写 year = {year}，"
                f"或把各阶段的日期改到 {plan.year} 年",
            )
        )
        return
    for phase in ordered:
        p = phase.value
        for key, date, outside in (
            ("start", p.start, p.start < plan.start),
            ("end", p.end, p.end > plan.end),
        ):
            if outside:
                findings.problems.append(
                    phase.where.key(key).problem(
                        f"phase {p.id} {key}s {date}, outside the plan "
                        f"({plan.start} to {plan.end})",
                        f"阶段 {p.id} 在 {date} {'开始' if key == 'start' else '结束'}，"
                        f"超出计划（{plan.start} 至 {plan.end}）",
                    )
                )
    if ordered and ordered[0].value.start > plan.start:
        first = ordered[0]
        findings.problems.append(
            first.where.key("start").problem(
                f"the plan starts {plan.start} but its first phase only {first.value.start}",
                f"计划从 {plan.start} 开始，但第一个阶段到 {first.value.start} 才开始",
            )
        )
    if ordered and ordered[-1].value.end < plan.end:
        last = ordered[-1]
        findings.problems.append(
            last.where.key("end").problem(
                f"the plan ends {plan.end} but its last phase already {last.value.end}",
                f"计划到 {plan.end} 结束，但最后一个阶段在 {last.value.end} 就已结束",
            )
        )


def _days(first: dt.date, last: dt.date) -> Said:
    if first == last:
        return Said(f"the day {first} belongs to", f"{first} 这一天")
    return Said(f"the days from {first} to {last} belong to", f"{first} 至 {last} 这几天")


def _check_calendars(plan: PlanHeader, draft: Draft, findings: Findings) -> None:
    for entry in draft.calendars:
        points = [(p.period, p.fraction) for p in entry.value]
        if looks_like_shares([fraction for _, fraction in points]):
            if entry.value[-1].end >= plan.end:
                header = entry.where.header_above([p for p, _ in points])
                findings.problems.append(entry.where.said(shares_said(points, "calendar", header)))
            else:
                for period, said in calendar_decreases(points):
                    findings.problems.append(entry.where.key(period).said(said))
        for point in entry.value:
            if not plan.start <= point.end <= plan.end + dt.timedelta(days=6):
                findings.problems.append(
                    entry.where.key(point.period).problem(
                        f"{point.period} ends {point.end}, outside the plan "
                        f"({plan.start} to {plan.end})",
                        f"{point.period} 在 {point.end} 结束，"
                        f"超出计划（{plan.start} 至 {plan.end}）",
                    )
                )


def _check_milestones(draft: Draft, findings: Findings) -> None:
    order = {p.value.id: (p.value.end, p.value.start) for p in draft.phases}
    ends = {p.value.id: p.value.end for p in draft.phases}
    last = draft.plans[0].value.end if draft.plans else None
    for entry in draft.milestone_sets:
        known = sorted((m for m in entry.value if m.phase in order), key=lambda m: order[m.phase])
        if looks_like_shares([m.fraction for m in known]) and ends.get(known[-1].phase) == last:
            what = str(entry.where.path[-1])
            points = [(m.phase, m.fraction) for m in known]
            header = entry.where.header_above([p for p, _ in points])
            findings.problems.append(entry.where.said(shares_said(points, what, header)))
            continue
        for earlier, later in pairwise(known):
            if later.fraction < earlier.fraction:
                findings.problems.append(
                    entry.where.key(later.phase).problem(
                        f"{later.fraction} is less than {earlier.fraction} at {earlier.phase}; "
                        "milestones are cumulative and must not decrease",
                        f"{later.fraction} 小于 {earlier.phase} 的 {earlier.fraction}；"
                        "里程碑是累计值，不能减少",
                    )
                )


def _check_guardrail_milestones(draft: Draft, findings: Findings) -> None:
    """A guardrail is held, not approached: a milestone on it can only say the phase
    it is held until (``{ Q3 = 1.0 }``), never a share of the way."""
    for located in draft.key_results:
        kr = located.value
        shares = [m for m in kr.milestones if m.fraction != 1]
        if kr.guardrail and shares:
            held = next((m.phase for m in kr.milestones if m.fraction == 1), shares[0].phase)
            findings.problems.append(
                located.where.key("milestones").problem(
                    f"{kr.id} is a guardrail, a limit held all along, so a milestone of "
                    f"{shares[0].fraction} at {shares[0].phase} means nothing; write "
                    f"{{ {held} = 1.0 }} alone for a limit held until that phase ends, "
                    "or give a baseline to make it a goal to approach",
                    f"{kr.id} 是护栏指标，自始至终都要守住，所以 {shares[0].phase} 的里程碑 "
                    f"{shares[0].fraction} 没有意义；要守到某个阶段结束，只写 "
                    f"{{ {held} = 1.0 }}；要把它变成逐步接近的目标值，请给出基线",
                )
            )


def _check_metrics(
    draft: Draft,
    findings: Findings,
    metrics: Mapping[str, model.MetricSpec],
    clashes: Mapping[str, Sequence[str]],
    unloaded: Sequence[str],
    undeclared: Mapping[str, str],
) -> None:
    # A plugin that did not load may be the one that provides a metric: its error says why.
    from okrdesk.plugins.clashes import maybe_from

    maybe, maybe_zh = maybe_from(unloaded)
    # Not misspelt: the plugin whose code names the metric did not load, or could not
    # declare it (its definition has a mistake); that first, and no guess beside it.
    unmet = {metric: _why_undeclared(plugin, unloaded) for metric, plugin in undeclared.items()}
    for use in draft.metric_uses:
        spec = metrics.get(use.metric)
        if spec is None and use.metric in clashes:
            # Provided twice, not misspelt: no "did you mean" another metric.
            from okrdesk.plugins.clashes import clash_advice, declared_by_several

            owners = clashes[use.metric]
            (clash, clash_zh), (advice, advice_zh) = (
                declared_by_several(owners), clash_advice(owners)
            )  # fmt: skip
            findings.problems.append(
                use.where.problem(
                    f'metric "{use.metric}" is {clash}; {advice}',
                    f'指标 "{use.metric}"：{clash_zh}；{advice_zh}',
                )
            )
            continue
        if spec is None and use.metric in unmet:
            said, said_zh = unmet[use.metric]
            findings.problems.append(
                use.where.problem(
                    f'no loaded plugin provides metric "{use.metric}": {said}',
                    f'已加载的插件都不提供指标 "{use.metric}"：{said_zh}',
                )
            )
            continue
        if spec is None:
            offered = ", ".join(sorted(metrics))
            findings.problems.append(
                use.where.problem(
                    f'no loaded plugin provides metric "{use.metric}"'
                    f"{suggest(use.metric, metrics)}{maybe}; available: {offered or 'none'}",
                    f'已加载的插件都不提供指标 "{use.metric}"'
                    f"{suggest(use.metric, metrics, 'zh')}{maybe_zh}；"
                    f"可用的指标：{offered or '无'}",
                )
            )
            continue
        if use.unit is not None and use.unit.dimension is not spec.dimension:
            fitting = [s for s, u in UNITS.items() if u.dimension is spec.dimension]
            findings.problems.append(
                use.unit_where.problem(
                    f'unit "{use.unit.symbol}" does not fit metric "{use.metric}", '
                    f"which is measured in {spec.dimension.value}; "
                    f"use one of: {', '.join(fitting)}",
                    f'计量单位 "{use.unit.symbol}" 与指标 "{use.metric}" 不符，该指标以'
                    f"{_DIMENSIONS_ZH[spec.dimension]}计量；可用：{', '.join(fitting)}",
                )
            )
        if not use.direction_given and spec.direction is not model.Direction.AT_LEAST:
            findings.problems.append(
                use.where.problem(
                    f'"{use.metric}" is better when lower; say '
                    f'direction = "{spec.direction.value}" (or "at_least" if you really mean it)',
                    f'"{use.metric}" 越低越好；请写 direction = "{spec.direction.value}"'
                    '（确实要越高越好，才写 "at_least"）',
                )
            )
        if (why := _unmade(spec, metrics, clashes, (maybe, maybe_zh), unmet)) is not None:
            findings.problems.append(use.where.said(why))
    for sliced in draft.slice_uses:
        spec = metrics.get(sliced.metric)
        if spec is None:
            continue  # reported above, at the metric
        for name, at in sliced.named:
            if name in spec.dimensions:
                continue
            declared = (f"it has: {', '.join(spec.dimensions)}" if spec.dimensions
                        else "it has none")  # fmt: skip
            declared_zh = (f"它的维度：{', '.join(spec.dimensions)}" if spec.dimensions
                           else "它没有维度")  # fmt: skip
            findings.problems.append(at.problem(
                f'metric "{spec.name}" has no dimension "{name}"'
                f"{suggest(name, spec.dimensions)}; {declared}",
                f'指标 "{spec.name}" 没有维度 "{name}"'
                f"{suggest(name, spec.dimensions, 'zh')}；{declared_zh}",
            ))  # fmt: skip


_DIMENSIONS_ZH = {
    Dimension.MONEY: "金额", Dimension.COUNT: "计数", Dimension.FRACTION: "小数",
    Dimension.SCORE: "分数", Dimension.MULTIPLE: "倍数",
}  # fmt: skip
"""A metric's dimension in a Chinese sentence: 该指标以金额计量."""


def _why_undeclared(plugin: str, unloaded: Sequence[str]) -> tuple[str, str]:
    """Why no loaded plugin provides a metric ``plugin`` names, in English and Chinese,
    wherever the metric is named (a key result, a derived metric's formula): ``plugin``
    failed to load, and its error is to mend; or it loaded and could not declare the
    metric, whose definition has a mistake told at its own line. No guess at another
    metric beside it: its name is not misspelt."""
    if plugin in unloaded:
        return (
            f"plugin {plugin}, whose code names it, failed to load; mend the error told of "
            "it, then run `okrdesk validate` again",
            f"插件 {plugin} 的代码写有这个名字，但它加载失败；请先修正该插件的错误，"
            "再运行 `okrdesk validate`",
        )
    return (
        f"plugin {plugin} could not declare it, its definition in okrdesk.toml having a "
        "mistake (told at its line)",
        f"插件 {plugin} 未能声明它，因为它在 okrdesk.toml 中的定义有误（见该行的问题）",
    )


def _unmade(
    spec: model.MetricSpec,
    metrics: Mapping[str, model.MetricSpec],
    clashes: Mapping[str, Sequence[str]] | None = None,
    maybe: tuple[str, str] = ("", ""),
    unmet: Mapping[str, tuple[str, str]] | None = None,
) -> Said | None:
    """Why a derived metric cannot be computed (an input no plugin provides, or several
    declare (``clashes``), or a formula that leads back to itself); None when it can.
    ``maybe``: what to add of plugins that did not load, in English and Chinese;
    ``unmet``: metric → why the plugin whose code names it did not declare it
    (``_why_undeclared``)."""
    if spec.formula is None:
        return None
    path, waiting = [spec.name], [(spec, [spec.name])]
    while waiting:
        current, path = waiting.pop()
        for name in parse(current.formula or "").inputs:
            if is_fact(name):
                continue
            found = metrics.get(name)
            if found is None and clashes and name in clashes:
                # Provided twice, not misspelt: no "did you mean" another metric.
                from okrdesk.plugins.clashes import clash_advice, declared_by_several

                (clash, clash_zh), (advice, advice_zh) = (
                    declared_by_several(clashes[name]), clash_advice(clashes[name])
                )  # fmt: skip
                return Said(
                    f'metric "{spec.name}" ({spec.formula}) uses "{name}", which is {clash}; '
                    f"{advice}",
                    f'指标 "{spec.name}"（{spec.formula}）用到的 "{name}"：{clash_zh}；{advice_zh}',
                )
            if found is None and unmet and name in unmet:
                why, why_zh = unmet[name]
                return Said(
                    f'metric "{spec.name}" ({spec.formula}) uses "{name}", which no loaded '
                    f"plugin provides: {why}",
                    f'指标 "{spec.name}"（{spec.formula}）用到的 "{name}"，已加载的插件都不提供：'
                    f"{why_zh}",
                )
            if found is None:
                return Said(
                    f'metric "{spec.name}" ({spec.formula}) uses "{name}", which no loaded '
                    f"plugin provides{suggest(name, metrics)}{maybe[0]}",
                    f'指标 "{spec.name}"（{spec.formula}）用到的 "{name}"'
                    f"{suggest(name, metrics, 'zh')}，已加载的插件都不提供{maybe[1]}",
                )
            if name in path:
                loop = " → ".join([*path, name])
                return Said(f'metric "{spec.name}" is made of itself: {loop}',
                            f'指标 "{spec.name}" 的公式绕回了它自己：{loop}')  # fmt: skip
            if found.formula is not None:
                waiting.append((found, [*path, name]))
    return None


def _check_budget(draft: Draft, findings: Findings) -> None:
    seen: dict[str, Where] = {}
    places = [(s.where, list(s.value)) for s in draft.budget_settings]
    places += [(t.where, list(t.value)) for t in draft.budget_texts]
    for where, keys in places:
        for key in keys:
            if key in seen:
                findings.problems.append(
                    where.key(key).problem(
                        f"already set at {_first_seen(seen[key].key(key))}; set it once",
                        f"已在 {_first_seen(seen[key].key(key))} 设置；只能设置一次",
                    )
                )
            else:
                seen[key] = where
    if "total" not in seen or {"budget", "files"} & draft.incomplete:
        return
    total = next(s.value["total"] for s in draft.budget_settings if "total" in s.value)
    lines = sum((line.value.amount for line in draft.budget_lines), Decimal(0))
    where = seen["total"].key("total")
    if lines > total:
        findings.problems.append(
            where.problem(
                f"the budget lines add up to {ledger(lines, 'en')}, "
                f"more than the total of {ledger(total, 'en')}",
                f"各预算项合计 {_wan(lines)}万元，超过预算总额 {_wan(total)}万元",
            )
        )
    elif lines < total:
        findings.warnings.append(
            where.problem(
                f"{ledger(total - lines, 'en')} of the {ledger(total, 'en')} total "
                "is not allocated to any line",
                f"预算总额 {_wan(total)}万元 中有 {_wan(total - lines)}万元 未分配到任何预算项",
            )
        )


def _check_levels_from_zero(
    draft: Draft, findings: Findings, metrics: Mapping[str, model.MetricSpec]
) -> None:
    """A warning at a goal to raise a level, a rate (a ratio metric: conversion,
    penetration) or a stock (client assets at a date), that writes no baseline: paced up
    from 0, its due builds up over the year as a sum's, where a level is where the unit
    stands (AUM of 55亿 on 1 February read on track to 100亿, 8.77亿 due). Not a problem:
    a new product's rate may well start at 0, and writing ``baseline = 0`` says so.
    A key result tracked by check-ins is told the same by its unit: a rate (coverage
    100%, retention 92%), a score (eNPS) or a multiple (products per client) is a
    level; an amount or a count may be a sum, and a change in points starts at 0."""
    for located in draft.key_results:
        kr = located.value
        spec = metrics.get(kr.metric) if kr.metric else None
        words = _level_checked_in(kr.unit) if kr.metric is None else None
        if spec is not None and spec.kind in _LEVELS:
            words = _LEVELS[spec.kind]
        if (
            words is None
            or kr.guardrail
            or kr.direction is not model.Direction.AT_LEAST
            or kr.target is None
            or kr.id not in draft.unstated_baselines
        ):
            continue
        en, zh = said_back(kr.unit, kr.target, "en"), said_back(kr.unit, kr.target, "zh")
        level, level_zh, start, start_zh = words
        findings.warnings.append(
            located.where.key("target").problem(
                f"{level} paced up from 0 (no baseline): what is due builds up from 0 to {en} "
                f"by its milestones (else evenly over the plan), as a sum's would, so {level} "
                f"well below {en} reads on track before then; write `baseline` as {start}, or "
                f"`guardrail = true` to hold {en} all year",
                f"{level_zh}从 0 起按进度推进（未写 baseline）：应完成值按里程碑（没有则全年均匀）"
                f"从 0 涨到 {zh}，像累计数一样，此前远低于 {zh} 的{level_zh}也会显示为正常；"
                f"请把 baseline 写成{start_zh}，或写 guardrail = true，全年按 {zh} 考核",
            )
        )


_LEVELS = {
    model.MetricKind.RATIO: ("a rate", "比率", "where the rate stands at the plan's start "
                             "(last year's)", "计划开始时的比率（如去年的）"),
    model.MetricKind.STOCK: ("a level", "存量", "the level at the plan's start (where last "
                             "year ended)", "计划开始时的存量（如去年年末的）"),
}  # fmt: skip
"""The kinds of metric whose figure is a level (what it says, and where its baseline is):
a goal up to one is paced from where it stands, not from 0."""

_CHECKED_IN_LEVELS = {
    Dimension.FRACTION: _LEVELS[model.MetricKind.RATIO],
    Dimension.SCORE: ("a score", "得分", "the score at the plan's start (last year's)",
                      "计划开始时的得分（如去年的）"),
    Dimension.MULTIPLE: ("a level", "水平", "where it stands at the plan's start (last "
                         "year's)", "计划开始时的水平（如去年的）"),
}  # fmt: skip
"""The units whose figure checked in is a level, as ``_LEVELS`` says a metric's."""


def _level_checked_in(unit: UnitOfMeasure) -> tuple[str, str, str, str] | None:
    if in_points(unit):
        return None
    return _CHECKED_IN_LEVELS.get(unit.dimension)


def _check_revenue_links(
    draft: Draft, findings: Findings, metrics: Mapping[str, model.MetricSpec] | None
) -> None:
    """A line's ``revenue`` names money earned: never a count, never a volume metric."""
    key_results = {kr.value.id: kr.value for kr in draft.key_results}
    for link in draft.revenue_links:
        kr = key_results.get(link.value)
        if kr is None:
            continue
        if kr.unit.dimension is not Dimension.MONEY:
            findings.problems.append(
                link.where.problem(
                    f'"{kr.id}" is counted in {kr.unit.symbol}, not money: a line\'s return '
                    "(ROI) is money earned; leave it in key_results only, where it shows as "
                    "cost per result",
                    f'"{kr.id}" 以 {kr.unit.symbol} 计，不是金额：预算项的回报（ROI）是赚到的钱；'
                    "请只把它列在 key_results 中，在那里它显示为单位成本",
                )
            )
            continue
        spec = metrics.get(kr.metric) if metrics is not None and kr.metric else None
        if spec is not None and not spec.revenue:
            findings.problems.append(
                link.where.problem(
                    f'"{kr.id}" is measured by metric "{kr.metric}", which its plugin does not '
                    "declare as revenue (money earned), so the line's ROI would count it as "
                    "income; leave it in key_results only, where it shows as cost per result",
                    f'"{kr.id}" 由指标 "{kr.metric}" 衡量，而它的插件没有把该指标声明为收入'
                    "（赚到的钱），预算项的 ROI 会把它算作收入；请只把它列在 key_results 中，"
                    "在那里它显示为单位成本",
                )
            )


def _wan(amount: Decimal) -> str:
    return f"{(amount / 10_000).normalize():f}"


_TEXT_KEYS = ("name", "title")


def _on_one_line(text: str) -> str:
    """``text``'s lines on one line, each without the tabs or spaces around it: a line
    break between Chinese characters is nothing, elsewhere a space."""
    joined = ""
    for line in (line.strip() for line in text.splitlines()):
        if line:
            wide = joined and _wide(joined[-1]) and _wide(line[0])
            joined += line if wide or not joined else f" {line}"
    return joined.replace("\t", " ")


def _wide(character: str) -> bool:
    return unicodedata.east_asian_width(character) in "WF"


def _escapes_said(key: str, text: str, shown: str) -> Said:
    """Why a name or title is shown with escapes, and what to write: one written over
    several lines (a multi-line string, its lines indented by tabs or spaces) is the
    same words on one line."""
    one_line = _on_one_line(text)
    if printable(one_line) == one_line:
        return Said(f"is written over several lines, shown as escapes: {shown}; a {key} is "
                    f'shown on one line: write {key} = "{one_line}"',
                    f"分成了多行，以转义形式显示：{shown}；{key} 只显示为一行："
                    f'请写 {key} = "{one_line}"')  # fmt: skip
    return Said(f"holds control or invisible characters, shown as escapes: {shown}; delete "
                "them (they come with text pasted from elsewhere)",
                f"含有控制字符或不可见字符，以转义形式显示：{shown}；请删除它们"
                "（多半是从别处粘贴带来的）")  # fmt: skip


def _check_control_characters(draft: Draft, findings: Findings) -> None:
    """Names and titles holding escape sequences or bidi overrides: shown as escapes
    everywhere, but the person who wrote them should know."""
    located: list[Located[Any]] = [
        *draft.plans, *draft.phases, *draft.units, *draft.people, *draft.objectives,
        *draft.key_results, *draft.budget_lines,
    ]  # fmt: skip
    for item in located:
        for key in _TEXT_KEYS:
            text = getattr(item.value, key, None)
            if isinstance(text, str) and printable(text) != text:
                shown = printable(text)[:80].replace("\t", "\\t")
                findings.warnings.append(item.where.key(key).said(_escapes_said(key, text, shown)))
