"""okrdesk move-unit: what the store keeps under a unit's old id (check-ins, collected
figures, and for the plan's own unit its spend ledger) moved to its new id, after the
id was changed in the target files."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from okrdesk.app.session import Session, open_store
from okrdesk.errors import BadInput, printable
from okrdesk.messages import counted
from okrdesk.model import Checkin, Plan, Run
from okrdesk.targets.reader import no_such
from okrdesk.units import ledger

if TYPE_CHECKING:
    from okrdesk.store import Store
    from okrdesk.store.unit_holdings import UnitHoldings


def move_unit(
    session: Session,
    old: str,
    new: str | None = None,
    *,
    merge: bool = False,
    from_plan: str | None = None,
    was_a_unit: bool = False,
    lang: str = "en",
) -> str:
    """Move everything kept under ``old`` to ``new`` (the plan's unit when None), in one
    transaction; what to tell the user, in ``lang``. Refused, nothing moved, where
    ``old`` is an id of the plan, ``new`` no unit of it, nothing is kept under ``old``,
    what is kept there is another plan's (a branch sharing the store), or, without
    ``merge``, ``new`` holds check-ins of the same key results, figures of the same
    periods or (the plan's unit) ledger entries: each clash is named; or, without
    ``was_a_unit``, where ``old`` went as people came and no unit did (most likely a
    person's id, renamed). ``from_plan`` is the plan's id before it was changed with its
    unit, which the ledger's entries carry."""
    plan = session.plan
    refused = _REFUSED[lang]
    named = new is not None
    new = new or plan.top
    if old in plan.units_by_id or old in plan.people_by_id:
        raise BadInput(refused["own_id"].format(old=old, top=plan.top))
    if new in plan.people_by_id:
        raise BadInput(refused["person"].format(old=old, new=new))
    if new not in plan.units_by_id:
        raise BadInput(no_such("unit", new, list(plan.units_by_id), lang=lang) + refused["end"])
    if from_plan is not None and new != plan.top:
        raise BadInput(refused["from_plan_team"].format(new=new, top=plan.top))
    moves_ledger = new == plan.top
    lines = {line.id for line in plan.budget.lines}
    with open_store(session.workspace, create=False) as store:
        if moves_ledger:
            with store.reading():
                lines |= {entry.line for entry in store.spend()}

        def movable(held: UnitHoldings) -> None:
            _check_movable(plan, store, held, merge=merge, from_plan=from_plan, named=named,
                           was_a_unit=was_a_unit, lang=lang)  # fmt: skip

        held = store.move_unit(old, new, top=plan.top, lines=lines if moves_ledger else None,
                               guard=movable)  # fmt: skip
    return printable(_moved(held, lang))


def _check_movable(
    plan: Plan,
    store: Store,
    held: UnitHoldings,
    *,
    merge: bool,
    from_plan: str | None,
    named: bool,
    was_a_unit: bool,
    lang: str,
) -> None:
    from okrdesk.engine.budget import recorded_here
    from okrdesk.engine.old_unit_ids import checked_in_here, members_old_ids
    from okrdesk.engine.renamed_people import renamed_person

    refused = _REFUSED[lang]
    old, new = held.old, held.new
    if held.empty:
        raise BadInput(refused["nothing"].format(old=old))
    if old in plan.people_left:
        raise BadInput(refused["left"].format(old=old))
    member = members_old_ids(plan, store, [old]).get(old)
    if member is not None:
        name = plan.units_by_id[member].name
        collected = any(r.plan_unit == old and r.command == "collect" for r in store.runs())
        why = "members_plan" if collected else "members_checkins"
        raise BadInput(refused[why].format(old=old, member=member, name=name))
    if new != plan.top:
        _refuse_the_plans_old_unit(plan, store, old, new, lang)
    if named:
        # A team merged into ``new`` as people joined looks the same: its user says so.
        was_a_person = None if was_a_unit else renamed_person(plan, store, store.runs(), old)
        if was_a_person is not None:
            raise BadInput(_a_persons_old_id(plan, old, *was_a_person, lang, held=held))
    elif old not in store.plan_units():
        was_a_person = renamed_person(plan, store, store.runs(), old)
        if was_a_person is not None:
            raise BadInput(_a_persons_old_id(plan, old, *was_a_person, lang))
        # A team's or a person's old id, with its new one left out, would be the plan's
        # unit's from then on: counted for none of the team's key results, or as the
        # whole branch's where it was one person's share. Only its user knows which.
        raise BadInput(refused["not_the_plans"].format(old=old, top=plan.top))
    if held.spend_old and not recorded_here(
        plan, held.spend_old, store.runs, held.spend_new, plan_id=from_plan
    ):
        ids = sorted({e.plan_id for e in held.spend_old} - {"", plan.id, from_plan or plan.id})
        if len(ids) == 1 and from_plan is None:
            raise BadInput(_other_plan_id(held, ids[0], plan.id, lang))
        raise BadInput(refused["theirs"].format(old=old, plan=from_plan or plan.id))
    every = store.checkins()
    if held.checkins_old and not checked_in_here(
        plan, held.checkins_old, every, store.runs, new=new,
        by_known_people=False, before_own=not merge,
    ):  # fmt: skip
        if not merge and checked_in_here(plan, held.checkins_old, every, store.runs, new=new,
                                         by_known_people=False, before_own=False):  # fmt: skip
            again = f"okrdesk move-unit {old}" + f" {new}" * named
            again += f" --from-plan {from_plan}" * (from_plan is not None) + " --merge"
            raise BadInput(_later_than_new(held, every, again, lang))
        raise BadInput(refused["theirs_checkins"].format(old=old))
    runs = store.runs()
    started = min((run.id for run in runs if run.plan_unit == plan.top), default=None)
    if started is not None and any(r.plan_unit == old and r.id > started for r in runs):
        raise BadInput(refused["theirs_collects"].format(old=old, top=plan.top))
    if held.figures_of_others:
        raise BadInput(refused["theirs_figures"].format(old=old, n=held.figures_of_others))
    clashes = [] if merge else _clashes(held, lang)
    if clashes:
        raise BadInput("\n".join([refused["clashes"].format(old=old, new=new), *clashes,
                                  refused["merge"].format(new=new)]))  # fmt: skip


def _a_persons_old_id(
    plan: Plan,
    old: str,
    new: Sequence[str],
    run: Run,
    lang: str,
    *,
    held: UnitHoldings | None = None,
) -> str:
    """Why ``move-unit OLD`` moves nothing where ``old`` went from the plan as people came
    and no unit did: most likely a person's id, renamed, whose figures move-unit cannot
    bring back, and what can. With ``held`` (its new unit named), what the unit would
    read as its own, and how to say ``old`` was a unit's id all the same."""
    units = sorted({plan.units_by_id[plan.people_by_id[p].unit].name for p in new})
    zh = lang == "zh"
    words = _REFUSED[lang]
    renamed = new[0] if len(new) == 1 else ("其中一人" if zh else "one of them")
    said = words["was_a_person"].format(
        old=old, run=run.id, day=run.through or run.started[:10],
        new=("、" if zh else ", ").join(new), units=("、" if zh else ", ").join(units),
        is_=("are people" if len(new) > 1 else "is a person"),
    )  # fmt: skip
    if held is None:
        return said + words["person_not_named"].format(old=old, renamed=renamed)
    kept = []
    if held.figures_old:
        n = held.figures_old
        kept.append(f"{n} 个采集的数字" if zh else counted(n, "collected figure",
                                                          "collected figures"))  # fmt: skip
    if held.checkins_old:
        kept.append(_checkins(len(held.checkins_old), lang))
    if held.spend_old:
        n = len(held.spend_old)
        kept.append(f"{n} 笔支出" if zh else counted(n, "ledger entry", "ledger entries"))
    return said + words["person_named"].format(
        old=old, renamed=renamed, new=held.new, name=plan.units_by_id[held.new].name,
        what=_WORDS[lang]["and"].join(kept),
    )  # fmt: skip


def _other_plan_id(held: UnitHoldings, other: str, plan_id: str, lang: str) -> str:
    """Why entries under the old unit carrying another plan id are not moved without
    ``--from-plan`` it: all of them recorded by that plan, or, the plan's id changed
    first and its unit later, some by that plan and some by this one, each counted."""
    refused = _REFUSED[lang]
    ours = sum(e.plan_id == plan_id for e in held.spend_old)
    if not ours:
        return refused["other_plan_id"].format(old=held.old, other=other, plan=plan_id)
    theirs = sum(e.plan_id == other for e in held.spend_old)
    n = len(held.spend_old)
    return refused["both_plan_ids"].format(
        old=held.old, other=other, plan=plan_id, theirs=theirs, ours=ours,
        n=n if lang == "zh" else counted(n, "ledger entry", "ledger entries"),
    )  # fmt: skip


def _later_than_new(held: UnitHoldings, every: Sequence[Checkin], again: str, lang: str) -> str:
    """Why check-ins under the old id made after the new id's first of the same key result
    are not moved without ``--merge``, each such key result on a line: what is there, and
    what ``--merge`` would do with it."""
    first: dict[str, str] = {}
    for checkin in every:
        if checkin.subject == held.new:
            first[checkin.key_result] = min(first.get(checkin.key_result, "~"), checkin.recorded)
    later = _by_key_result(
        [c for c in held.checkins_old if c.recorded > first.get(c.key_result, "~")]
    )
    words = _REFUSED[lang]
    lines = [words["later"].format(old=held.old, new=held.new)]
    for kr, kept in sorted(later.items()):
        lines.append(words["later_kr"].format(
            kr=kr, n=_checkins(len(kept), lang), old=held.old, new=held.new,
            days=_days(kept, lang), first=first[kr][:10],
        ))  # fmt: skip
    lines.append(words["later_merge"].format(new=held.new, again=again))
    return "\n".join(lines)


def _refuse_the_plans_old_unit(plan: Plan, store: Store, old: str, new: str, lang: str) -> None:
    """Refuse moving the plan's own unit's old id (as the report's old_unit line tells it:
    its check-ins, or its ledger recorded by this plan) to a unit below it: the branch's
    check-ins would count as that team's, and its spending, left behind, in no budget."""
    from okrdesk.engine.old_unit_ids import from_plan_option, kept_under_old_ids, plan_ids_before

    ours = old in store.ledger_units(plan.id) or old in kept_under_old_ids(plan, store)
    if ours:
        raise BadInput(_REFUSED[lang]["plans_old_unit"].format(
            old=old, new=new, top=plan.top,
            from_plan=from_plan_option(old, plan_ids_before(plan, store, [old])),
        ))  # fmt: skip


def _clashes(held: UnitHoldings, lang: str) -> list[str]:
    """Each thing ``new`` holds already that moving ``old``'s would join: a line each."""
    words = _REFUSED[lang]
    found = []
    mine, theirs = (
        _by_key_result(held.standing_checkins(False)),
        _by_key_result(held.standing_checkins(True)),
    )
    for kr in sorted(mine.keys() & theirs.keys()):
        found.append(words["clash_checkins"].format(
            kr=kr, old=held.old, new=held.new, n_old=_checkins(len(theirs[kr]), lang),
            n_new=_checkins(len(mine[kr]), lang), days_old=_days(theirs[kr], lang),
            days_new=_days(mine[kr], lang),
        ))  # fmt: skip
    by_metric: dict[str, list[str]] = {}
    for clash in held.figure_clashes:
        period = f"{clash.period} [{clash.slice}]" if clash.slice else clash.period
        by_metric.setdefault(clash.metric, []).append(period)
    for metric, periods in sorted(by_metric.items()):
        found.append(words["clash_figures"].format(
            metric=metric, old=held.old, new=held.new, n=len(periods), periods=", ".join(periods)
        ))  # fmt: skip
    if held.spend_old and held.spend_new:
        net = sum((e.amount for e in held.spend_new), Decimal(0))
        found.append(words["clash_ledger"].format(
            new=held.new, amount=ledger(net, lang),
            n=len(held.spend_new) if lang == "zh" else counted(len(held.spend_new), "entry",
                                                               "entries"),
        ))  # fmt: skip
    return found


def _by_key_result(checkins: Sequence[Checkin]) -> dict[str, list[Checkin]]:
    found: dict[str, list[Checkin]] = {}
    for checkin in checkins:
        found.setdefault(checkin.key_result, []).append(checkin)
    return found


def _checkins(n: int, lang: str) -> str:
    return f"{n} 条打卡" if lang == "zh" else counted(n, "check-in", "check-ins")


def _days(checkins: Sequence[Checkin], lang: str) -> str:
    first, last = min(c.day for c in checkins), max(c.day for c in checkins)
    if first == last:
        return str(first)
    return f"{first} 至 {last}" if lang == "zh" else f"{first} to {last}"


def _moved(held: UnitHoldings, lang: str) -> str:
    words = _WORDS[lang]
    zh = lang == "zh"
    moved_checkins = len(held.checkins_old)
    key_results = len({c.key_result for c in held.checkins_old})
    figures = held.figures_old - len(held.figure_clashes)
    parts = []
    if moved_checkins:
        parts.append(words["checkins"].format(
            n=moved_checkins if zh else counted(moved_checkins, "check-in", "check-ins"),
            krs=key_results if zh else counted(key_results, "key result", "key results"),
        ))  # fmt: skip
    if figures:
        parts.append(words["figures"].format(
            n=figures if zh else counted(figures, "collected figure", "collected figures")
        ))  # fmt: skip
    if held.spend_old:
        net = sum((e.amount for e in held.spend_old), Decimal(0))
        n = len(held.spend_old)
        parts.append(words["entries"].format(
            n=n if zh else counted(n, "ledger entry", "ledger entries"), amount=ledger(net, lang)
        ))  # fmt: skip
    if held.collects_old:
        n = held.collects_old
        parts.append(
            words["collects"].format(n=n if zh else counted(n, "collect run", "collect runs"))
        )
    said = words["moved"].format(old=held.old, new=held.new, what=words["and"].join(parts))
    if held.spend_old:
        said += words["ledger_kept"].format(old=held.old)
    if held.figure_clashes:
        n = len(held.figure_clashes)
        said += words["figures_stayed"].format(
            old=held.old, new=held.new, n=n if zh else counted(n, "figure", "figures")
        )
    return said


_WORDS = {
    "en": {
        "moved": "Moved from unit {old} to {new}, in one transaction: {what}. The report "
                 "reads them as {new}'s from now on.",
        "checkins": "{n} of {krs}",
        "figures": "{n}",
        "entries": "{n} ({amount} net)",
        "collects": "{n}",
        "and": ", ",
        "ledger_kept": " Each ledger entry keeps {old} as the unit it was recorded under "
                       "(`okrdesk export`, column moved_from), and counts in the budget and "
                       "breakers.",
        "figures_stayed": " {n} stayed under {old}: {new} holds its own of the same metric "
                          "and period, collected under the new id.",
    },
    "zh": {
        "moved": "已在一个事务中从单位 {old} 移到 {new} 名下：{what}。报告从现在起把它们算作 "
                 "{new} 的。",
        "checkins": "{krs} 项关键结果的 {n} 条打卡",
        "figures": "{n} 个采集的数字",
        "entries": "{n} 笔支出（净额 {amount}）",
        "collects": "{n} 次采集记录",
        "and": "，",
        "ledger_kept": "每笔支出都保留原记账单位 {old}（`okrdesk export` 的 moved_from 列），"
                       "并计入预算和熔断。",
        "figures_stayed": "有 {n} 个数字留在 {old} 名下：{new} 已有同一指标、同一期间按新 id "
                          "采集的数字。",
    },
}  # fmt: skip
"""What ``okrdesk move-unit`` says it moved, in each language."""

_REFUSED = {
    "en": {
        "end": ". Nothing was moved.",
        "own_id": "{old} is a unit or person of this plan: what is kept under it is counted "
                  "already (a unit's own plan's, where it is one below {top}). Nothing was "
                  "moved.",
        "not_the_plans": "unit {old} was never the unit of a plan that collected or spent "
                         "in this store: it may be a team's or a person's old id as well as "
                         "this plan's own, and only you know which. Name the unit it is now: "
                         "`okrdesk move-unit {old} NEW_UNIT` (`okrdesk move-unit {old} {top}` "
                         "where it was this plan's own unit). Nothing was moved.",
        "plans_old_unit": "{old} is this plan's own unit id from before it was changed to "
                          "{top}: what is kept under it is {top}'s, and moves there whole, "
                          "check-ins and spending together: `okrdesk move-unit {old}"
                          "{from_plan}`. Moved to {new}, a unit below it, the plan's "
                          "check-ins would count as {new}'s. Nothing was moved.",
        "person": "{new} is a person of this plan, not a unit: move-unit moves what is kept "
                  "under a unit's old id. A person's figures are collected again from the "
                  "source by the id its rows name, and a collect replaces them: those stored "
                  "under {old} count nowhere while the plan has no {old}. Where {old} was "
                  "renamed {new} in org.toml, change the id back, or have the source's rows "
                  "name {new} and run `okrdesk collect`. Nothing was moved.",
        "from_plan_team": "--from-plan is for the plan's own unit ({top}), whose ledger "
                          "entries carry the plan's id; {new} is a unit below it. Nothing was "
                          "moved.",
        "nothing": "the store keeps nothing under unit {old}: no check-in, collected figure "
                   "or ledger entry. `okrdesk check` names an old id where it finds one. "
                   "Nothing was moved.",
        "theirs": "entries under unit {old} are another plan's (a branch sharing this store): "
                  "recorded by a plan of another id than {plan}, or signed by people this "
                  "plan does not know. They are not this plan's from before its unit was "
                  "changed. Nothing was moved.",
        "other_plan_id": "entries under unit {old} were recorded by plan {other}, not by this "
                         "plan ({plan}): another branch's on a store you share, or this plan's "
                         "before its id was changed together with its unit. If {other} was "
                         "this plan's id, say so: `okrdesk move-unit {old} --from-plan "
                         "{other}`. Nothing was moved.",
        "both_plan_ids": "of the {n} under unit {old}, {theirs} were recorded by plan "
                         "{other} and {ours} by this plan ({plan}): {other} is this plan's "
                         "id from before it was changed, its unit changed later, or another "
                         "branch's on a store you share. If {other} was this plan's id, say "
                         "so, and they all move: `okrdesk move-unit {old} --from-plan "
                         "{other}`. Nothing was moved.",
        "left": "{old} is a person who left, as the target files' [plan] people_left says: "
                "move-unit moves what is kept under a unit's old id, and what is kept under "
                "{old} stays there, counting nowhere, as for anyone taken out of [[people]] "
                "(moved to a unit, one person's figures would read as the unit's own). If "
                "{old} was renamed rather than leaving, take it out of people_left, and change "
                "the id back in org.toml or have the source's rows name the new id. Nothing "
                "was moved.",
        "was_a_person": "{old} was an id of this plan's collect run {run} (through {day}) "
                        "and is in the target files no more, while {new} ({units}) {is_} "
                        "new since, come as {old} went, and no unit came then: most likely "
                        "{old} was a person's id.",
        "person_not_named": " move-unit moves what is kept under a unit's old id; a "
                            "person's figures are collected again from the source by the id "
                            "its rows name, and those under {old} count nowhere while the "
                            "plan has no {old}. Where {old} was renamed {renamed}, change the "
                            "id back in org.toml, or have the source's rows name the new id "
                            "and run `okrdesk collect`; check-ins under {old} are made again "
                            "under the new id. Nothing was moved.",
        "person_named": " Moved to {new}, what is kept under {old} ({what}) would read as "
                        "{name}'s own: one person's figures in a unit's sums. Where {old} "
                        "was renamed {renamed}, change the id back in org.toml, or have the "
                        "source's rows name the new id and run `okrdesk collect`. If {old} "
                        "was a unit's id (a team merged into {new} as people joined), say "
                        "so: `okrdesk move-unit {old} {new} --was-a-unit`. Nothing was "
                        "moved.",
        "members_plan": "{old} is the unit of another plan sharing this store, {name}'s "
                        "({member} in this plan's target files): its collects replaced the "
                        "figures of {member}'s units and people. What is kept under {old} is "
                        "that plan's, to move from its own workspace, check-ins, spending and "
                        "collects together, once its target files call it {member} too: "
                        "`okrdesk move-unit {old} {member}` there. Nothing was moved.",
        "members_checkins": "{old} is most likely the unit of another plan sharing this "
                            "store, {name}'s ({member} in this plan's target files): every "
                            "check-in under {old} is of a key result this plan sets for "
                            "{member}, made by {member}'s people. What is kept under {old} is "
                            "that plan's, to move from its own workspace once its target files "
                            "call it {member} too: `okrdesk move-unit {old} {member}` there. "
                            "Nothing was moved.",
        "theirs_checkins": "check-ins under unit {old} are another plan's (a branch sharing "
                           "this store): its collects or check-ins went on after this plan's "
                           "started under its own ids. Nothing was moved.",
        "later": "{old} holds check-ins made after this plan's first check-in of the same "
                 "key result under {new}, most likely by someone still working from the "
                 "target files before the id was changed:",
        "later_kr": "  {kr}: {n} under {old} ({days}), recorded after its first under {new} "
                    "(recorded {first})",
        "later_merge": "With --merge they move to {new} with the rest, and each key result "
                       "checked in under both counts its latest day's check-in: "
                       "`{again}`. If they are another branch's, leave them. Nothing was "
                       "moved.",
        "theirs_collects": "a plan of unit {old} has collected since this plan's first collect "
                           "under {top}: it is another plan's (a branch sharing this store), "
                           "not this plan's old unit id. Nothing was moved.",
        "theirs_figures": "{n} figures under unit {old} were stored by another plan's "
                          "collects (a branch sharing this store). Nothing was moved.",
        "clashes": "{new} holds already what moving {old}'s would join:",
        "clash_checkins": "  {kr}: {n_old} under {old} ({days_old}) and {n_new} under {new} "
                          "({days_new}); merged, the latest day's counts",
        "clash_figures": "  {metric}: {n} period(s) under both ({periods}); merged, {new}'s "
                         "figures stay and {old}'s stay under {old}",
        "clash_ledger": "  the ledger: {new} holds {n} ({amount} net); merged, two ledgers "
                        "are joined and cannot be told apart again",
        "merge": "If both are this plan's, add --merge. Nothing was moved.",
    },
    "zh": {
        "end": "。未移动任何内容。",
        "own_id": "{old} 是本计划的单位或人员：记在它名下的内容已计入（下属单位的由其自己的"
                  "计划计入）。未移动任何内容。",
        "not_the_plans": "单位 {old} 从来不是在此数据库中采集或记支出的计划的单位：它可能是"
                         "某个团队或个人的旧 id，也可能是本计划自身单位的旧 id，只有您知道是"
                         "哪一个。请写明它现在的 id：`okrdesk move-unit {old} 新单位`（原是"
                         "本计划自身的单位时，写 `okrdesk move-unit {old} {top}`）。未移动任何"
                         "内容。",
        "plans_old_unit": "{old} 是本计划的单位 id 改为 {top} 之前的 id：记在它名下的是 {top} "
                          "的内容，打卡和支出应一起移到 {top} 名下：`okrdesk move-unit {old}"
                          "{from_plan}`。移到下属单位 {new} 名下，本计划的打卡会算作 {new} "
                          "的。未移动任何内容。",
        "person": "{new} 是本计划的人员，不是单位：move-unit 只移动记在单位旧 id 名下的内容。"
                  "人员的数字每次采集都按来源数据行写的 id 重新读取，并由采集替换：记在 "
                  "{old} 名下的数字，在本计划没有 {old} 时不计入任何地方。若是在 org.toml 中"
                  "把 {old} 改成了 {new}，请把 id 改回；或让来源数据行写 {new}，再运行 "
                  "`okrdesk collect`。未移动任何内容。",
        "from_plan_team": "--from-plan 只用于本计划的单位（{top}），其支出记有计划 id；{new} "
                          "是它下属的单位。未移动任何内容。",
        "nothing": "数据库中没有记在单位 {old} 名下的内容：没有打卡、采集的数字或支出。"
                   "`okrdesk check` 发现旧 id 时会指出。未移动任何内容。",
        "theirs": "记在单位 {old} 名下的支出是另一计划（共用此数据库的营业部）的：记录它们的"
                  "计划 id 不是 {plan}，或签字人有本计划不认识的人。它们不是本计划改单位 id "
                  "之前记的。未移动任何内容。",
        "other_plan_id": "记在单位 {old} 名下的支出是计划 {other} 记录的，不是本计划（{plan}）："
                         "可能是共用此数据库的另一营业部的，也可能是本计划的 id 与单位一起改动"
                         "之前记的。如果 {other} 是本计划原来的 id，请说明：`okrdesk move-unit "
                         "{old} --from-plan {other}`。未移动任何内容。",
        "both_plan_ids": "记在单位 {old} 名下的 {n} 笔支出中，{theirs} 笔是计划 {other} 记录的，"
                         "{ours} 笔是本计划（{plan}）记录的：{other} 是本计划改 id 之前的 id"
                         "（之后才改了单位），或是共用此数据库的另一营业部的。如果 {other} 是本"
                         "计划原来的 id，请说明，它们会全部移过来：`okrdesk move-unit {old} "
                         "--from-plan {other}`。未移动任何内容。",
        "left": "{old} 是离开的人员，目标文件的 [plan] people_left 如此写明：move-unit 只移动"
                "记在单位旧 id 名下的内容；记在 {old} 名下的内容留在原处，不计入任何地方，与从 "
                "[[people]] 中删去的任何人一样（移到某个单位，一个人的数字就会被当作该单位自己"
                "的）。如果 {old} 其实是改了 id 而不是离开，请把它从 people_left 中删去，再在 "
                "org.toml 中把 id 改回，或让来源数据行写新的 id。未移动任何内容。",
        "was_a_person": "{old} 是本计划第 {run} 次采集（截至 {day}）的 id，已不在目标文件中，"
                        "而 {new}（{units}）是在它消失时新出现的人员，当时没有新出现的单位："
                        "{old} 很可能是某个人员的 id。",
        "person_not_named": "move-unit 只移动记在单位旧 id 名下的内容；人员的数字每次采集都"
                            "按来源数据行写的 id 重新读取，记在 {old} 名下的数字，在本计划"
                            "没有 {old} 时不计入任何地方。若是把 {old} 改成了 {renamed}，请在 "
                            "org.toml 中把 id 改回；或让来源数据行写新的 id，再运行 `okrdesk "
                            "collect`；记在 {old} 名下的打卡须以新 id 重新打卡。未移动任何"
                            "内容。",
        "person_named": "移到 {new} 名下，记在 {old} 名下的内容（{what}）就会被当作{name}"
                        "自己的：一个人的数字进了单位的合计。若是把 {old} 改成了 {renamed}，"
                        "请在 org.toml 中把 id 改回；或让来源数据行写新的 id，再运行 "
                        "`okrdesk collect`。如果 {old} 确是单位的 id（并入 {new} 的团队，"
                        "同时有人加入），请写明：`okrdesk move-unit {old} {new} "
                        "--was-a-unit`。未移动任何内容。",
        "members_plan": "{old} 是共用此数据库的另一计划（{name}，本计划目标文件中的 "
                        "{member}）的单位：它的采集替换的是 {member} 的单位和人员的数字。记在 "
                        "{old} 名下的是那个计划的内容，打卡、支出和采集应一起从它自己的工作区"
                        "移动：等它的目标文件也改为 {member} 后，在那里运行 `okrdesk move-unit "
                        "{old} {member}`。未移动任何内容。",
        "members_checkins": "{old} 很可能是共用此数据库的另一计划（{name}，本计划目标文件中的 "
                            "{member}）的单位：记在 {old} 名下的打卡都是本计划为 {member} 设的"
                            "关键结果，都由 {member} 的人员记录。记在 {old} 名下的是那个计划的"
                            "内容，应从它自己的工作区移动：等它的目标文件也改为 {member} 后，在"
                            "那里运行 `okrdesk move-unit {old} {member}`。未移动任何内容。",
        "theirs_checkins": "记在单位 {old} 名下的打卡是另一计划（共用此数据库的营业部）的："
                           "本计划开始用自己的 id 之后，它仍在采集或打卡。未移动任何内容。",
        "later": "{old} 名下有些打卡记录于本计划在 {new} 名下对同一关键结果的首次打卡之后，"
                 "很可能是有人仍按改 id 之前的目标文件打卡：",
        "later_kr": "  {kr}：{old} 名下 {n}（{days}），记录于它在 {new} 名下的首次打卡"
                    "（{first} 记录）之后",
        "later_merge": "加上 --merge，它们会与其余内容一起移到 {new} 名下，两处都有打卡的关键"
                       "结果以日期最晚的打卡为准：`{again}`。如果它们"
                       "是另一营业部的，请不要移动。未移动任何内容。",
        "theirs_collects": "本计划首次以 {top} 采集之后，单位 {old} 的计划仍在采集：它是另一"
                           "计划（共用此数据库的营业部），不是本计划的旧单位 id。未移动任何内容。",
        "theirs_figures": "记在单位 {old} 名下的 {n} 个数字是另一计划的采集存入的（共用此"
                          "数据库的营业部）。未移动任何内容。",
        "clashes": "{new} 名下已有移动 {old} 的内容会与之合并的记录：",
        "clash_checkins": "  {kr}：{old} 名下 {n_old}（{days_old}），{new} 名下 {n_new}"
                          "（{days_new}）；合并后以日期最晚的为准",
        "clash_figures": "  {metric}：两者都有 {n} 个期间（{periods}）；合并后保留 {new} 的"
                         "数字，{old} 的留在 {old} 名下",
        "clash_ledger": "  台账：{new} 名下已有 {n} 笔支出（净额 {amount}）；合并后两本台账"
                        "合在一起，无法再分开",
        "merge": "如两者都是本计划的，请加上 --merge。未移动任何内容。",
    },
}  # fmt: skip
"""Why ``okrdesk move-unit`` moved nothing, in each language."""
