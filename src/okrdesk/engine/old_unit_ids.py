"""A plan's unit id changed after it checked in, spent or collected: what is kept under
the old ids, and which old ids are the plan's.

A plan whose `unit` was renamed (szft to futian) keeps its check-ins, ledger entries and
collects under the old id until `okrdesk move-unit` moves them. These find them: the ids
that were the plan's unit (its collects' and ledger entries' units), the check-ins under
them whose every author the plan knows, and those of a member unit's old id. The report's
`old_unit` alert, `checkin`, `due`, `send --due`, `spend`, `explain`, `history` and
`move-unit` ask here. A firm's store shared by its branches holds every branch's, which
are none of this.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from okrdesk.engine.budget import recorded_here
from okrdesk.engine.plan_calendar import of_the_plan
from okrdesk.engine.rollup import subjects_under
from okrdesk.engine.tree_targets import owner_of
from okrdesk.model import Checkin, OrgUnit, Plan, Run
from okrdesk.store.reader import StoreReader

if TYPE_CHECKING:
    from okrdesk.store import Store


def kept_under_old_ids(plan: Plan, store: Store) -> dict[str, list[Checkin]]:
    """``held_under_old_ids`` as ``store`` holds them, read inside its reading or its
    transaction: the ids that were the unit of a plan in it are its collects' and its
    ledger entries' (what ``checkin``, ``due`` and ``send --due`` are told of; the
    report's alert has its budget read already). Only what the plan's ids need is read:
    its own check-ins, and those under such an id whose every author it knows, with the
    collects of its unit and of those ids. A firm's store shared by its branches holds
    every branch's, which are none of this."""
    tops = store.plan_units() - set(plan.subject_ids) - {""}
    if not tops:  # no old id to look under
        return {}
    every, tops = own_and_kept_under(plan, store, tops)
    if not tops:
        return {}
    runs = store.runs(plan_units={plan.top, *tops})
    return held_under_old_ids(plan, every, lambda: runs, tops)


def old_units_of_the_plan(plan: Plan, store: Store) -> set[str]:
    """The unit ids the plan is known to have had before: those its check-ins are kept
    under (``kept_under_old_ids``), and those the ledger keeps entries under where a
    collect ran under them for it (``collected_for_the_plan``). Where its id was changed
    with its unit, the ledger's entries under such an id (``plan_ids_before``) are the
    plan's own; read inside the store's reading or transaction."""
    olds = set(kept_under_old_ids(plan, store))
    # A collect tells of the ledger's entries alone: only ids the ledger keeps entries
    # under are looked for, not every branch's collects of a firm's store.
    others = store.spend_counts().keys() - set(plan.subject_ids) - {""} - olds
    if others:
        olds |= collected_for_the_plan(plan, store, store.runs(plan_units=others), others)
    return olds


def collected_for_the_plan(
    plan: Plan, store: StoreReader, runs: Sequence[Run], olds: Iterable[str]
) -> set[str]:
    """Of ``olds``, ids the plan does not have, those whose latest collect of ``runs`` ran
    for this plan: most of the units and people whose figures it replaced were this plan's,
    one of them at least a person. A branch sharing the store collects for its own staff.
    Where the plan kept no check-ins under its old unit id, this is what says that the
    ledger's entries there, under the plan's old id too, are its own, beside their
    signers and their silence since (``recorded_here``): the signers alone could be a
    branch's whose staff share names with this plan's."""
    olds = set(olds) - set(plan.subject_ids) - {""}
    # The latest collect of each: a firm's store holds every branch's, each naming its staff.
    latest = {run.plan_unit: run.id for run in runs if run.plan_unit in olds}
    unit_of = {run: unit for unit, run in latest.items()}
    if not unit_of:
        return set()
    ours = set(plan.subject_ids)
    found = set()
    for run, subjects in store.subjects_of_runs(unit_of).items():
        named = subjects - {unit_of[run]}
        mostly_ours = 2 * len(named & ours) > len(named)
        # Of one unit below it alone, all but that unit itself: that unit's old id.
        theirs = _members_place(plan, named) is not None
        if not named.isdisjoint(plan.people_by_id) and mostly_ours and not theirs:
            found.add(unit_of[run])
    return found


def members_old_ids(plan: Plan, store: StoreReader, olds: Iterable[str]) -> dict[str, str]:
    """Of ``olds``, ids the plan does not have, those whose plan's latest collect replaced
    the figures of one unit below the plan's and of what is under it, all but that unit's
    own id (``_members_place``): by old id, that unit, whose id it was before it was
    changed (a branch renamed in its firm's plan, whose own plan collected under the old
    id), not the plan's own; of those with no collect, those its check-ins tell
    (``_checked_in_by_members``)."""
    olds = set(olds) - set(plan.subject_ids) - {""}
    if not olds:
        return {}
    latest = {run.plan_unit: run.id for run in store.latest_runs()
              if run.command == "collect" and run.plan_unit in olds}  # fmt: skip
    unit_of = {run: unit for unit, run in latest.items()}
    found = {}
    for run, subjects in store.subjects_of_runs(unit_of).items():
        member = _members_place(plan, subjects - {unit_of[run]})
        if member is not None:
            found[unit_of[run]] = member
    # A branch that checks in and never collects has no collect to tell it by.
    if never_collected := olds - latest.keys():
        found |= _checked_in_by_members(plan, store, never_collected)
    return found


def _checked_in_by_members(plan: Plan, store: StoreReader, olds: set[str]) -> dict[str, str]:
    """Of ``olds``, ids with no collect of their own, those whose every check-in of the
    plan's key results in its days is of a key result the plan sets for one unit just
    below its own, one with units of its own (a branch of a firm), and was made by that
    unit's people alone: by old id, that unit. Its own plan checks in from its own
    workspace under the id it had before the plan renamed it. A team's old id is checked
    in for its shares of key results set above it; the plan's own, for the plan's; an
    author the plan does not know (the system's user name) tells no unit."""
    kept: dict[str, list[Checkin]] = {}
    for checkin in of_the_plan(plan, store.checkins(subjects=olds)):
        if checkin.key_result in plan.key_results_by_id:
            kept.setdefault(checkin.subject, []).append(checkin)
    found = {}
    for old, checkins in kept.items():
        authors = {c.author for c in checkins}
        owners = {owner_of(plan, plan.key_results_by_id[c.key_result]) for c in checkins}
        for unit in _branches(plan):
            under = set(subjects_under(plan, unit.id))
            if owners <= under and all(_people_named(plan, a) & under for a in authors):
                found[old] = unit.id
                break
    return found


def _branches(plan: Plan) -> list[OrgUnit]:
    """The units just below the plan's with units of their own: a firm's branches."""
    return [unit for unit in plan.child_units(plan.top) if plan.child_units(unit.id)]


def _people_named(plan: Plan, author: str) -> set[str]:
    """The ids of the plan's people a check-in's author names, by id or by name (a name
    two branches' people share names each)."""
    return {p.id for p in plan.people if author in (p.id, p.name)}


def _members_place(plan: Plan, named: frozenset[str]) -> str | None:
    """The unit below the plan's whose place the old id of a collect that replaced the
    figures of ``named`` (less that old id) stands in: every one of them this plan's is
    under it, and it is not among them. None where there is none: a plan's own old unit
    id stands in the plan's unit, its collects naming what is under it all."""
    covered = named & set(plan.subject_ids)
    if not covered:
        return None
    for unit in plan.units:
        if unit.id == plan.top or unit.id in named or unit.id not in _below_top(plan):
            continue
        if covered <= set(subjects_under(plan, unit.id)):
            return unit.id
    return None


def _below_top(plan: Plan) -> set[str]:
    return set(subjects_under(plan, plan.top)) - {plan.top}


def own_and_kept_under(
    plan: Plan, store: StoreReader, ids: Iterable[str]
) -> tuple[list[Checkin], set[str]]:
    """The plan's own check-ins, then those under ``ids`` (ids it does not have) where
    only people it knows (``known_authors``) made check-ins of its key results in its
    days, and that are no unit's below the plan's (``members_old_ids``); and those ids. A
    firm's store shared by its branches holds every branch's check-ins, which are read
    only where they may be the plan's: one of another branch spoilt by a hand edit stops
    none of this branch's commands."""
    own = store.checkins(subjects=plan.subject_ids)
    tops = set(ids) - set(plan.subject_ids) - {""}
    if not tops:
        return own, set()
    known = known_authors(plan, own)
    made = store.checkin_authors(tops, plan.key_results_by_id, plan.start, plan.end)
    kept = {top for top, authors in made.items() if authors - {""} <= known}
    # A firm's plan knows its branches' people: a branch renamed in it is still the branch's.
    kept -= members_old_ids(plan, store, kept).keys()
    return ([*own, *store.checkins(subjects=kept)] if kept else own), kept


def plan_ids_before(plan: Plan, store: Store, olds: Iterable[str]) -> dict[str, str]:
    """Of ``olds``, unit ids the plan's check-ins are kept under (``kept_under_old_ids``),
    those whose ledger entries carry the plan's id from before it was changed with its
    unit: by old unit id, that plan id. ``okrdesk move-unit OLD`` moves nothing there
    without ``--from-plan`` it, check-ins included, so a message naming the command
    names it too. Judged as the move judges them (``recorded_here``), read inside the
    store's reading or transaction."""
    olds = set(olds)
    kept = store.spend(units=olds) if olds else []
    if not kept:
        return {}
    own = store.spend(units={plan.top})
    runs = store.runs(plan_units={plan.top, *olds})
    found = {}
    for old in sorted(olds):
        entries = [e for e in kept if e.plan_unit == old]
        ids = {e.plan_id for e in entries} - {"", plan.id}
        if len(ids) != 1 or recorded_here(plan, entries, lambda: runs, own):
            continue
        (before,) = ids
        if recorded_here(plan, entries, lambda: runs, own, plan_id=before):
            found[old] = before
    return found


def from_plan_option(old: str, before: Mapping[str, str]) -> str:
    """`` --from-plan ID`` where ``before`` (``plan_ids_before``) holds ``old``, else ''."""
    return f" --from-plan {before[old]}" if old in before else ""


def held_under_old_ids(
    plan: Plan,
    every: Sequence[Checkin],
    runs: Callable[[], Sequence[Run]],
    was_top: Iterable[str],
) -> dict[str, list[Checkin]]:
    """The plan's own check-ins of its days kept under an id it no longer has, one that
    was the unit of a plan in this store (``was_top``: a collect's or an entry's), by that
    id (``checked_in_here``). A person removed from the plan keeps hers, which are not
    told: no plan was hers."""
    ids = plan.units_by_id.keys() | plan.people_by_id.keys()
    tops = set(was_top) - ids
    by_subject: dict[str, list[Checkin]] = {}
    for checkin in of_the_plan(plan, every):
        if checkin.subject in tops and checkin.key_result in plan.key_results_by_id:
            by_subject.setdefault(checkin.subject, []).append(checkin)
    return {
        old: held
        for old, held in sorted(by_subject.items())
        if checked_in_here(plan, held, every, runs, new=plan.top)
    }


def checked_in_here(
    plan: Plan,
    held: Sequence[Checkin],
    every: Sequence[Checkin],
    runs: Callable[[], Sequence[Run]],
    *,
    new: str,
    by_known_people: bool = True,
    before_own: bool = True,
) -> bool:
    """Whether ``held``, check-ins under one id the plan does not have, are the plan's own
    from before that id was changed to ``new``: made by someone this plan knows
    (``by_known_people``: a person of it, by name or id, or who made a check-in under one
    of its own ids); none of a key result after its first under ``new`` (``before_own``);
    and that id's plan collecting nothing since this plan's first collect under its unit.
    A branch sharing the store checks in under its own unit id by its own people, and goes
    on checking in and collecting."""
    ids = plan.units_by_id.keys() | plan.people_by_id.keys()
    own = [c for c in every if c.subject in ids]
    if by_known_people and not {c.author for c in held} - {""} <= known_authors(plan, own):
        return False
    first: dict[str, str] = {}
    for checkin in (c for c in own if c.subject == new):
        first[checkin.key_result] = min(first.get(checkin.key_result, "~"), checkin.recorded)
    if before_own and any(c.recorded > first.get(c.key_result, "~") for c in held):
        return False
    collected = runs()
    started = min((run.id for run in collected if run.plan_unit == plan.top), default=None)
    unit = held[0].subject
    return started is None or not any(r.plan_unit == unit and r.id > started for r in collected)


def known_authors(plan: Plan, own: Iterable[Checkin]) -> set[str]:
    """Whom ``plan`` knows as making its check-ins: its people, by name or id, and whoever
    made one of ``own`` (its check-ins under its own ids)."""
    return {p.name for p in plan.people} | {p.id for p in plan.people} | {c.author for c in own}
