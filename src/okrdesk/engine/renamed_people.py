"""A person's id changed in the target files, told rather than left to vanish.

Figures are kept by person id, and a collect reads the source's rows by the ids the plan
has: rename customer manager ``cm01`` to ``cm11`` (same name) and the figures stored under
``cm01`` count nowhere, nor in the team's sums, while ``cm11`` has none until the source's
rows name ``cm11``. The collect said "none new or changed" and the report fell without a
word. Each collect notes the units and people whose figures it replaced
(``Store.subjects_of_runs``): an id of the plan's collects that the plan no longer has,
beside a person none of its collects noted until the latest that noted that id, is what a
rename looks like, and it stays so until the id is changed back: nothing moves a person's
figures. It is told, not refused: a person who left while another joined looks the same.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from okrdesk.errors import Said
from okrdesk.model import Plan, Run
from okrdesk.store.reader import StoreReader

_NAMED_AT_MOST = 3


class _Changed(NamedTuple):
    gone: list[str]
    """Ids the plan does not have now that a collect of it noted."""
    people: list[str]
    """People of the plan no collect noted until the latest that noted one of ``gone``."""
    run: Run
    """That collect."""


def _changed(plan: Plan, store: StoreReader, runs: Iterable[Run]) -> _Changed | None:
    """The ids of the latest of the plan's collects (among ``runs``) that noted an id it
    has no more, and its people no collect noted until then; None where no collect noted
    such an id. Only the collects that noted other ids than the one before them are read:
    the ids of a collect in between are those of the latest such before it."""
    of_plan = {r.id: r for r in runs if r.command == "collect" and r.plan_unit == plan.top}
    collects = sorted(of_plan)
    # Two are read as they are: comparing them in the store costs more than it saves.
    noted = store.subjects_of_runs(collects, changed=len(collects) > 2)
    ids = set(plan.subject_ids)
    starts = sorted(noted)
    for i in range(len(starts) - 1, -1, -1):
        gone = noted[starts[i]] - ids
        if not gone:
            continue
        # The last collect that noted the same ids: the one before the next that did not.
        until = starts[i + 1] if i + 1 < len(starts) else math.inf
        had = max(run_id for run_id in collects if run_id < until)
        # New to the plan's collects: an id changed back is no newcomer.
        before = set().union(*(noted[start] for start in starts[: i + 1]))
        people = sorted(p.id for p in plan.people if p.id not in before)
        return _Changed(sorted(gone), people, of_plan[had])
    return None


def people_renamed(plan: Plan, store: StoreReader, runs: Iterable[Run]) -> Said | None:
    """What to tell where an id a collect of the plan (among ``runs``) noted is no unit or
    person of ``plan`` now while a person of it is one no collect noted until the latest
    that noted such an id: told by every collect (``runs`` the store's before it), check
    and report for as long as that is so, the old id's figures counting nowhere; None
    where there is nothing such."""
    changed = _changed(plan, store, runs)
    if changed is None or not changed.people:
        return None
    return _told(plan, changed.gone, changed.people, changed.run)


def renamed_person(
    plan: Plan, store: StoreReader, runs: Iterable[Run], old: str
) -> tuple[list[str], Run] | None:
    """Where ``old``, an id the plan does not have, was one of the plan's latest collect
    that had it (among ``runs``, every one read), and people are new since and no unit:
    most likely a person's id, renamed one of them. Those people, and that collect; else
    None."""
    if old in plan.subject_ids:
        return None
    noted = store.subjects_of_runs(
        r.id for r in runs if r.command == "collect" and r.plan_unit == plan.top
    )
    had = [run for run in runs if old in noted.get(run.id, ())]
    if not had:
        return None
    last = max(had, key=lambda r: r.id)
    before = noted[last.id]
    people = sorted(p.id for p in plan.people if p.id not in before)
    if not people or any(u.id not in before for u in plan.units):
        return None
    return people, last


def _named(ids: Sequence[str], lang: str) -> str:
    first = list(ids[:_NAMED_AT_MOST])
    more = len(ids) - len(first)
    if lang == "zh":
        return "、".join(first) + (f" 等 {len(ids)} 个" if more else "")
    if more:
        return ", ".join(first) + f" and {more} more"
    return first[0] if len(first) == 1 else ", ".join(first[:-1]) + " and " + first[-1]


def _told(plan: Plan, gone: Sequence[str], new: Sequence[str], run: Run) -> Said:
    day = run.through or run.started[:10]
    units = sorted({plan.units_by_id[plan.people_by_id[p].unit].name for p in new})
    one = len(gone) == 1 and len(new) == 1
    en_gone, zh_gone = _named(gone, "en"), _named(gone, "zh")
    en_new, zh_new = _named(new, "en"), _named(new, "zh")
    en_units, zh_units = ", ".join(units), "、".join(units)
    if one:
        en_if = (
            f"If {new[0]} is {gone[0]} renamed, the figures stored under {gone[0]} count "
            f"nowhere now (nor in its team's sums), and {new[0]} has none until the source's "
            f"rows name {new[0]}."
        )
        zh_if = (
            f"如果 {new[0]} 就是改了 id 的 {gone[0]}，记在 {gone[0]} 名下的数字现在不计入任何"
            f"地方（也不计入所在团队的合计），在来源数据行写 {new[0]} 之前，{new[0]} 没有数字。"
        )
    else:
        en_if = (
            "If a new id is an old one renamed, the figures stored under the old id count "
            "nowhere now (nor in its team's sums), and the new id has none until the source's "
            "rows name it."
        )
        zh_if = (
            "如果某个新 id 就是改了 id 的旧 id，记在旧 id 名下的数字现在不计入任何地方（也不计入"
            "所在团队的合计），在来源数据行写新 id 之前，新 id 没有数字。"
        )
    many_gone, many_new = len(gone) > 1, len(new) > 1
    whose = "their" if many_gone else f"{gone[0]}'s"
    return Said(
        f"{en_gone} {'are' if many_gone else 'is'} gone from the target files and {en_new} "
        f"({en_units}) {'are' if many_new else 'is'} new since the plan's collect run "
        f"{run.id} (through {day}), which replaced {whose} figures. {en_if} Nothing moves "
        "a person's id (move-unit moves a unit's): change the id back in org.toml, or have "
        "the source's rows name the new id and run `okrdesk collect`; check-ins under the "
        "old id stay there, to be made again under the new one",
        f"{zh_gone} 已不在目标文件中，而 {zh_new}（{zh_units}）是本计划第 {run.id} 次采集"
        f"（截至 {day}）之后新出现的，那次采集替换过 {zh_gone} 的数字。{zh_if}没有命令能移动"
        "人员的 id（move-unit 只移动单位的）：请在 org.toml 中把 id 改回，或让来源数据行写新的 "
        "id，再运行 `okrdesk collect`；记在旧 id 名下的打卡留在原处，须以新 id 重新打卡",
    )
