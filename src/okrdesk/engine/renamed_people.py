"""A person's id changed in the target files, told rather than left to vanish.

Figures are kept by person id, and a collect reads the source's rows by the ids the plan
has: rename customer manager ``cm01`` to ``cm11`` (same name) and the figures stored under
``cm01`` count nowhere, nor in the team's sums, while ``cm11`` has none until the source's
rows name ``cm11``. The collect said "none new or changed" and the report fell without a
word. Each collect notes the units and people whose figures it replaced
(``Store.subjects_of_runs``): an id of the plan's collects that the plan no longer has,
beside a person who came when it went (first noted by the collect after the latest that
noted it, or by none after the last), is what a rename looks like where the store keeps
figures or check-ins under the old id (a team's keeps none), and it stays so until
the id is changed back: nothing moves a person's figures. Every such id is told, each with
its own collect and newcomers, in one message: a rename in January is not hidden by
another in June. It is told, not refused: a person who left while another joined looks the
same, until the target files say so (``[plan] people_left``, ``targets.people_left``).
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
    """Ids the plan does not have now whose figures ``run`` was the last to replace."""
    people: list[str]
    """People of the plan that came when ``gone`` went: first noted by the plan's collect
    after ``run``, or by none."""
    units: list[str]
    """Units of the plan that came then, as ``people``."""
    run: Run
    """The latest of the plan's collects that noted ``gone``."""


def _changes(plan: Plan, store: StoreReader, runs: Iterable[Run]) -> list[_Changed]:
    """Each id of the plan's collects (among ``runs``) that it has no more, gathered by the
    latest collect that noted it, with what came when it went; the latest such collect
    first. Only the collects that noted other ids than the one before them are read: the
    ids of a collect in between are those of the latest such before it."""
    of_plan = {r.id: r for r in runs if r.command == "collect" and r.plan_unit == plan.top}
    collects = sorted(of_plan)
    # Two are read as they are: comparing them in the store costs more than it saves.
    noted = store.subjects_of_runs(collects, changed=len(collects) > 2)
    ids = set(plan.subject_ids)
    starts = sorted(noted)
    first: dict[str, int] = {}
    last_of_gone: dict[str, int] = {}
    for i, start in enumerate(starts):
        for subject in noted[start]:
            first.setdefault(subject, i)
            if subject not in ids:
                last_of_gone[subject] = i
    by_last: dict[int, list[str]] = {}
    for subject, i in last_of_gone.items():
        by_last.setdefault(i, []).append(subject)
    found = []
    for i in sorted(by_last, reverse=True):
        # The last collect that noted the same ids: the one before the next that did not.
        until = starts[i + 1] if i + 1 < len(starts) else math.inf
        had = max(run_id for run_id in collects if run_id < until)

        # Came when they went: first noted by the next collect (by none, after the last):
        # an id changed back, or new at a later collect, is no such newcomer.
        def came(subject: str, i: int = i) -> bool:
            return first.get(subject, len(starts)) == i + 1

        people = sorted(p.id for p in plan.people if came(p.id))
        units = sorted(u.id for u in plan.units if came(u.id))
        found.append(_Changed(sorted(by_last[i]), people, units, of_plan[had]))
    return found


def people_renamed(plan: Plan, store: StoreReader, runs: Iterable[Run]) -> Said | None:
    """What to tell where ids a collect of the plan (among ``runs``) noted are no unit or
    person of ``plan`` now while people of it came when they went (first noted by the
    plan's next collect, or by none): every such id, each with its own collect and
    newcomers, in one message, told by every collect (``runs`` the store's before it),
    check and report for as long as that is so, the old ids' figures counting nowhere;
    None where there is nothing such."""
    left = set(plan.people_left)
    maybe = [each for each in _changes(plan, store, runs) if each.people]
    kept = _kept_under(store, [old for each in maybe for old in each.gone if old not in left])
    changed = [
        each._replace(gone=gone)
        for each in maybe
        if (gone := [old for old in each.gone if old in kept])
    ]
    return _told(plan, changed) if changed else None


def _kept_under(store: StoreReader, ids: Sequence[str]) -> set[str]:
    """Those of ``ids`` the store keeps figures or check-ins under, which count nowhere
    while the plan has no such id: a team's id that went keeps nothing (its figures are
    its people's sums), and telling it as a person's rename said nothing true."""
    if not ids:
        return set()
    kept = {row.observation.subject for row in store.observations(subjects=ids)}
    if rest := [old for old in ids if old not in kept]:
        kept |= {c.subject for c in store.checkins(subjects=rest) if c.withdrawn is None}
    return kept


def renamed_person(
    plan: Plan, store: StoreReader, runs: Iterable[Run], old: str
) -> tuple[list[str], Run] | None:
    """Where ``old``, an id the plan does not have, was one of the plan's collects (among
    ``runs``), and people came when it went and no unit did: most likely a person's id,
    renamed one of them. Those people, and the latest collect that noted ``old``; else
    None."""
    if old in plan.subject_ids:
        return None
    for each in _changes(plan, store, runs):
        if old in each.gone:
            return (each.people, each.run) if each.people and not each.units else None
    return None


def _named(ids: Sequence[str], lang: str) -> str:
    first = list(ids[:_NAMED_AT_MOST])
    more = len(ids) - len(first)
    if lang == "zh":
        return "、".join(first) + (f" 等 {len(ids)} 个" if more else "")
    if more:
        return ", ".join(first) + f" and {more} more"
    return first[0] if len(first) == 1 else ", ".join(first[:-1]) + " and " + first[-1]


def _spaced(named: str) -> str:
    """Ids named in Chinese, and the space before the words after them: one after an id
    (``liuyang 已不在``), none after a count (``等 5 个已不在``)."""
    return named if named.endswith("个") else named + " "


def _told(plan: Plan, changes: Sequence[_Changed]) -> Said:
    """The one message of every id that went (``changes``, each with those who came when
    it went): what went and came, what it means for their figures, what to do."""
    if len(changes) == 1:
        (change,) = changes
        gone, new = change.gone, change.people
        en_gone, zh_gone = _named(gone, "en"), _named(gone, "zh")
        since = _came(plan, change)
        en_lead = (f"{en_gone} {'are' if len(gone) > 1 else 'is'} gone from the target files "
                   f"and {since.en}")  # fmt: skip
        zh_lead = f"{_spaced(zh_gone)}已不在目标文件中，而 {since.zh}"
        one = len(gone) == 1 and len(new) == 1
    else:
        # Each went at its own collect: one message naming every old id first, so that the
        # first screen's line says what went, then when each went and who came since.
        every = [old for change in changes for old in change.gone]
        each = [_came(plan, change, named_before=False) for change in changes]
        en_lead = (f"{_named(every, 'en')} are gone from the target files, and people are "
                   "new since each went: " + "; ".join(said.en for said in each))  # fmt: skip
        zh_lead = (f"{_spaced(_named(every, 'zh'))}已不在目标文件中，各自之后都有新出现的人员："
                   + "；".join(said.zh for said in each))  # fmt: skip
        one = False
    if one:
        old, came = changes[0].gone[0], changes[0].people[0]
        en_if = (
            f"If {came} is {old} renamed, the figures stored under {old} count "
            f"nowhere now (nor in its team's sums), and {came} has none until the source's "
            f"rows name {came}."
        )
        zh_if = (
            f"如果 {came} 就是改了 id 的 {old}，记在 {old} 名下的数字现在不计入任何"
            f"地方（也不计入所在团队的合计），在来源数据行写 {came} 之前，{came} 没有数字。"
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
    left = _if_left([old for change in changes for old in change.gone])
    return Said(
        f"{en_lead}. {en_if} Nothing moves "
        "a person's id (move-unit moves a unit's): change the id back in org.toml, or have "
        "the source's rows name the new id and run `okrdesk collect`; check-ins under the "
        f"old id stay there, to be made again under the new one. {left.en}",
        f"{zh_lead}。{zh_if}没有命令能移动"
        "人员的 id（move-unit 只移动单位的）：请在 org.toml 中把 id 改回，或让来源数据行写新的 "
        "id，再运行 `okrdesk collect`；记在旧 id 名下的打卡留在原处，须以新 id 重新打卡。"
        f"{left.zh}",
    )


def _if_left(gone: Sequence[str]) -> Said:
    """What to write where an id that went left for good: no rename, its figures counting
    nowhere as they should, and nothing to tell. The array names as many ids as the words
    before it do, the rest counted: at a firm, hundreds were a wall of ids."""
    shown = [f'"{old}"' for old in gone[:_NAMED_AT_MOST]]
    more = len(gone) - len(shown)
    written = "[" + ", ".join(shown + ["…"] * bool(more)) + "]"
    if len(gone) == 1:
        return Said(
            f"If {gone[0]} left and was not renamed, say so in the target files' [plan]: "
            f"people_left = {written}; it is told no more",
            f"如果 {gone[0]} 是离开了而不是改了 id，请在目标文件的 [plan] 中写明："
            f"people_left = {written}，此后不再提醒",
        )
    rest = Said(f", with the {more} other ids that went,", f"，连同另外 {more} 个已不在的 id")
    return Said(
        "Those who left and were not renamed are said so in the target files' [plan] "
        f"(people_left = {written}{rest.en * bool(more)} if all did), and told no more",
        f"其中离开了而不是改了 id 的，请在目标文件的 [plan] 中写明（都离开了则写 "
        f"people_left = {written}{rest.zh * bool(more)}），此后不再提醒",
    )


def _came(plan: Plan, change: _Changed, *, named_before: bool = True) -> Said:
    """``liuyang2 (财富管理一部) is new since the plan's collect run 1 (through
    2026-11-20), which replaced liuyang's figures``: who came, in which units, since the
    latest collect that noted the ids that went (``named_before`` where the words before
    name those alone, so that "their" can say them)."""
    run, gone, new = change.run, change.gone, change.people
    day = run.through or run.started[:10]
    units = sorted({plan.units_by_id[plan.people_by_id[p].unit].name for p in new})
    en_units, zh_units = ", ".join(units), "、".join(units)
    if len(gone) == 1:
        whose = f"{gone[0]}'s figures"
    else:
        whose = "their figures" if named_before else f"the figures of {_named(gone, 'en')}"
    return Said(
        f"{_named(new, 'en')} ({en_units}) {'are' if len(new) > 1 else 'is'} new since the "
        f"plan's collect run {run.id} (through {day}), which replaced {whose}",
        f"{_named(new, 'zh')}（{zh_units}）是本计划第 {run.id} 次采集（截至 {day}）之后新出现"
        f"的，那次采集替换过 {_named(gone, 'zh')} 的数字",
    )
