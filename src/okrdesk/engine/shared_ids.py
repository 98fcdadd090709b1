"""A person id two branches' plans both hold, on the store the branches share.

Figures are kept by person id, so a branch's collect replaces whatever is stored under
its people's ids. Two branches that both name their customer managers ``cm01`` to
``cm04`` (each branch's org file written from the same sample) took turns: each collect
replaced the other branch's figures with its own, said nothing but "revised", and each
branch's report showed the other's numbers whenever the other had collected last. The
collect says so where one of its people is a person of another plan's latest collect,
a plan that neither holds this plan's unit (a firm's, collecting for every branch) nor
is held by it (a branch's, under this firm). It is told, not refused: a plan whose unit
id was changed (before `okrdesk move-unit`), or a person moved from another branch,
looks the same, and its collect is as it should be. The plan whose figures were
replaced is told too, by its report and `check`, for as long as the other's collect is
the later: the figures it reads for those people are not its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from okrdesk.errors import Said
from okrdesk.model import Plan, Run
from okrdesk.store.reader import StoreReader

_NAMED_AT_MOST = 3


def people_of_another_plan(plan: Plan, store: StoreReader, runs: Iterable[Run]) -> Said | None:
    """What to tell where a person of ``plan`` is one of another plan's too, as that plan's
    latest collect (among ``runs``, ``Store.latest_runs``) noted its people; None
    where none is."""
    found = _shared(plan, store, runs)
    return None if found is None else _told(*found)


def figures_of_another_plan(plan: Plan, store: StoreReader, runs: Sequence[Run]) -> Said | None:
    """What the report and ``check`` of ``plan`` tell where another plan's collect, later
    than this plan's last (``runs``, the plan's own: ``plan_runs``), noted people of this
    plan: the figures it reads for them are that plan's, stored over its own (天河's
    collect read in 福田's report as 福田's 143 new clients, of 33); None where none did."""
    own = [run.id for run in runs if run.command == "collect" and run.plan_unit == plan.top]
    last = max(own, default=0)
    found = _shared(plan, store, [run for run in store.latest_runs() if run.id > last])
    return None if found is None else _told_here(*found)


def _shared(
    plan: Plan, store: StoreReader, runs: Iterable[Run]
) -> tuple[Sequence[str], Run] | None:
    """The people of ``plan`` the latest collect of another plan (among ``runs``) noted,
    one that neither holds this plan's unit (a firm's, collecting for every branch) nor
    is held by it (a branch's, under this firm), and that collect; None where none did."""
    units = {unit.id for unit in plan.units}
    latest: dict[str, Run] = {}
    for run in runs:
        other = run.plan_unit
        if run.command != "collect" or not other or other in units:
            continue
        if other not in latest or run.id > latest[other].id:
            latest[other] = run
    if not latest:
        return None
    noted = store.subjects_of_runs(run.id for run in latest.values())
    people = {person.id for person in plan.people}
    for run in sorted(latest.values(), key=lambda r: r.id):
        theirs = noted.get(run.id)
        if theirs is None or plan.top in theirs:
            continue
        shared = sorted(people & theirs)
        if shared:
            return shared, run
    return None


def _named(shared: Sequence[str]) -> tuple[str, str]:
    """The first few ids in English and Chinese, with how many the rest are."""
    first = shared[:_NAMED_AT_MOST]
    more = len(shared) - len(first)
    return (", ".join(first) + (f" and {more} more" if more else ""),
            "、".join(first) + (f" 等 {len(shared)} 人" if more else ""))  # fmt: skip


def _told_here(shared: Sequence[str], run: Run) -> Said:
    en, zh = _named(shared)
    unit, day = run.plan_unit, run.through or run.started[:10]
    return Said(
        f"the figures this plan reads for {en} are {unit}'s: {unit}'s plan has people of "
        f"the same {'id' if len(shared) == 1 else 'ids'}, and its collect (run {run.id}, "
        f"through {day}), later than this plan's last, stored their figures over this "
        "plan's. Its key results read them as this plan's until it collects again, and "
        f"{unit}'s next collect replaces them once more. Branches sharing a store need ids "
        "of their own across the firm (docs/deployment.md); where they moved here from "
        f"{unit}, take them out of {unit}'s target files",
        f"本计划读到的 {zh} 的数字是 {unit} 的：{unit} 的计划也有这些 id 的人员，其采集（第 "
        f"{run.id} 次，截至 {day}）晚于本计划最近一次采集，把他们的数字存在了本计划的数字之上。"
        f"本计划再次采集之前，其关键结果把这些数字当作本计划的；{unit} 下次采集又会替换。"
        "共用一个数据库的各营业部，人员 id 须在全公司内各不相同（见 docs/deployment.md）；"
        f"如果他们是从 {unit} 调来的，请从 {unit} 的目标文件中删去",
    )


def _told(shared: Sequence[str], run: Run) -> Said:
    en, zh = _named(shared)
    zh += "" if len(shared) > _NAMED_AT_MOST else " "  # a space after an id, none after 人
    unit, day = run.plan_unit, run.through or run.started[:10]
    return Said(
        f"{en} {'is a person' if len(shared) == 1 else 'are people'} of this plan and of "
        f"{unit}'s too, whose collect (run {run.id}, through {day}) stored their figures: "
        f"this collect replaced {unit}'s figures of them with this plan's, and {unit}'s "
        "report shows these until it collects again. Branches sharing a store need ids of "
        f"their own across the firm (docs/deployment.md). Where they moved here from "
        f"{unit}, or {unit} was this plan's unit id before it changed (`okrdesk move-unit "
        f"{unit}` moves what is kept under it), this is as it should be",
        f"{zh}是本计划的人员，也是 {unit} 的计划的人员，其采集（第 {run.id} 次，截至 {day}）"
        f"存入了他们的数字：本次采集已用本计划的数字替换了 {unit} 的这些数字，{unit} 的报告在它"
        "再次采集之前显示的是这些数字。共用一个数据库的各营业部，人员 id 须在全公司内各不相同"
        f"（见 docs/deployment.md）。如果他们是从 {unit} 调来的，或 {unit} 是本计划的单位改名前"
        f"的 id（`okrdesk move-unit {unit}` 会把记在它名下的内容移过来），这样是对的",
    )
