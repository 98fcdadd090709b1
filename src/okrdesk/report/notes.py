"""Short phrases every format adds to a figure: a checkpoint's phase, how many
members met their target, the latest check-in's story, who owes check-ins,
what "to date" means in the scores table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import TypeVar

import attrs

from okrdesk.engine.pace import runs_from_baseline
from okrdesk.engine.progress import without_a_figure_counts_0
from okrdesk.figures_apart import Quantity
from okrdesk.messages import counted, label, status, window_label
from okrdesk.periods import parse_period
from okrdesk.plugins.clashes import declared_by_several
from okrdesk.records import shared_methods
from okrdesk.report.cells import (
    NO_CHANGE,
    attainment,
    change,
    compared_with,
    moved_as_written,
    steps_moved,
    value,
)
from okrdesk.report.document import (
    Report,
    ReportAlert,
    ReportBudget,
    ReportKeyResult,
    ReportMember,
    ReportObjective,
    ReportOwed,
    ReportScore,
    ReportUnmeasured,
    all_results,
)
from okrdesk.report.numbers import ledger, money, percent, ratio, score_text
from okrdesk.units import UNITS, figure, ledger_amount, lookup, percentage


def status_text(kr: ReportKeyResult, lang: str) -> str:
    """The status, with the phase a closed checkpoint was judged at: "未达成 (Q2)"."""
    text = status(lang, kr.status)
    if kr.closed is not None:
        text += f" ({kr.phase or kr.closed.isoformat()})"
    return text


def members_met(kr: ReportKeyResult, lang: str) -> str:
    """ "成员达标 8/12 (66.7%)，进度正常 9/12，落后 2": of the members the key result is
    shared out to; how many are behind only where some are, the count the alert about
    them gives; how many of a checkpoint's are settling (待结算 2) only where some are,
    none of them counted met."""
    if kr.members_total is None or kr.members_met is None:
        return ""
    share = percent(kr.members_met / kr.members_total)
    said = label(lang, "members_met", met=kr.members_met, total=kr.members_total, share=share,
                 on_pace=kr.members_on_pace)  # fmt: skip
    if kr.members_behind:
        said += label(lang, "members_behind", behind=kr.members_behind)
    if kr.members_settling:
        said += label(lang, "members_settling", settling=kr.members_settling)
    return said


def unmeasured_story(objective: ReportObjective, lang: str, unit_score: float | None = None) -> str:
    """ "未计入得分：O1.KR3 到访（已加载的插件都不提供指标 salon_visits）；O1.KR1（尚无数据）。
    按 0 计入得分：O1.KR5（尚无数据）": the key results the objective's score leaves out,
    because no figure can be given for them, or none has been yet (a score of 100% over
    one key result of two), and those it counts at 0. Each of the two its own sentence:
    joined by the ``；`` that parts the groups of the first, the second read as one more
    group of key results left out.

    An objective none of whose key results has a figure has no score (—) to count them
    in: "counted at 0 in the score" beside its — reads as a contradiction. Its key
    results are said to have no data yet, and, where the report's unit has a score
    (``unit_score``), that the objective counts 0 in it."""
    by_metric: dict[str, list[str]] = {}
    why: dict[str, str] = {}
    for kr in objective.unmeasured:
        by_metric.setdefault(kr.metric, []).append(f"{kr.id} {kr.title}")
        why[kr.metric] = unmeasured_why(kr, lang)
    sep = label(lang, "list_sep")
    groups = [
        label(lang, "unmeasured_group", krs=sep.join(krs), why=why[metric])
        for metric, krs in by_metric.items()
    ]
    for reason in ("no_data", "no_rows_stock", "no_rows_ratio", "phase_to_come", "no_target"):
        unscored = [kr.id for kr in objective.key_results if _unscored_for(kr) == reason]
        if unscored:
            why_not = label(lang, f"unscored_{reason}")
            groups.append(label(lang, "unmeasured_group", krs=sep.join(unscored), why=why_not))
    zeros = [kr.id for kr in objective.key_results if _counts_0(kr)]
    if not zeros:
        said = []
    elif objective.score is not None:
        said = [label(lang, "counted_at_0", krs=sep.join(zeros))]
    else:
        at_0 = "objective_at_0" if unit_score is not None else "objective_unscored"
        said = [label(lang, at_0, krs=sep.join(zeros))]
    if groups:
        said.insert(0, label(lang, "unmeasured", groups=label(lang, "unmeasured_sep").join(groups)))
    return label(lang, "sentence_end").join(said)


def _counts_0(kr: ReportKeyResult) -> bool:
    """A key result with no figure yet that the score counts at 0 (``counts_as_nothing``)."""
    return without_a_figure_counts_0(kr.actual, kr.target, kr.due, guardrail=kr.guardrail,
                                     phase_to_come=kr.phase_to_come,
                                     checkin_not_due=kr.checkin_not_due,
                                     no_rows_kind=kr.no_rows_kind)  # fmt: skip


def _unscored_for(kr: ReportKeyResult) -> str | None:
    """Why the objective's score leaves out a key result shown in its table: no figure
    yet, a figure before its phase's (a rate's checkpoint of a phase read over the plan
    to date), or no target to hold it to; None for one it counts."""
    if kr.attainment is not None or _counts_0(kr):
        return None
    if kr.actual is None:
        return f"no_rows_{kr.no_rows_kind}" if kr.no_rows_kind else "no_data"
    return "phase_to_come" if kr.phase_to_come is not None else "no_target"


def unmeasured_why(kr: ReportUnmeasured, lang: str) -> str:
    """Why ``kr`` has no figure: no loaded plugin provides its metric, or several declare
    it ("declared by both rival and yours, so neither's is used")."""
    if kr.declared_by:
        en, zh = declared_by_several(kr.declared_by)
        return label(lang, "unmeasured_clash", metric=kr.metric, why=zh if lang == "zh" else en)
    return label(lang, "unmeasured_why", metric=kr.metric)


def capped_story(objective: ReportObjective, cap: float, lang: str) -> str:
    """ "得分中 C1.KR3 按上限 120% 计": the key results the objective's score counts at
    the plan's ``attainment_cap`` rather than at the attainment their row shows, so that
    the score can be worked out from the rows."""
    return capped_line(objective.capped, cap, lang) if objective.capped else ""


def capped_line(capped: Sequence[str], cap: float, lang: str) -> str:
    """``capped_story``'s line for the key results ``capped``."""
    if lang == "en" and len(capped) > 1:  # "C1.KR3, O1.KR2 and P.EMPTY"
        krs = f"{', '.join(capped[:-1])} and {capped[-1]}"
    else:
        krs = label(lang, "list_sep").join(capped)
    return label(lang, "capped", krs=krs, cap=percent(cap, 0))


def from_baseline(kr: ReportKeyResult) -> bool:
    """Whether ``kr``'s attainment runs from a baseline other than 0."""
    return runs_from_baseline(kr.direction, kr.guardrail, kr.baseline, kr.attainment)


def baseline_row(kr: ReportKeyResult, lang: str) -> str:
    """The workbook's note of such a key result, in its own row: the formula, its baseline."""
    return label(lang, "from_baseline_row", baseline=_baseline_said(kr, lang))


def _baseline_said(kr: ReportKeyResult, lang: str, joined: str = " ") -> str:
    """``kr``'s baseline as its row writes its figures, the spaces of the figure (CNY 30m,
    2.4 per client) made ``joined``; where its actual is worse than it (below it, or
    above it going down), that the attainment is then 0 (``engine.pace.attainment``):
    the formula gives less (-27.3% for 2.1 from 2.4 towards 3.5), and the row says
    0.0%: its words' last one ``joined`` to that figure (``完成率计 0.0%``), which a
    narrow terminal put on the next line alone."""
    said = value(kr, kr.baseline, lang).replace(" ", joined)
    sense = -1 if kr.direction == "at_most" else 1
    if kr.actual is not None and sense * (kr.actual - kr.baseline) < 0:
        zero = attainment(kr)
        worse = label(lang, "below_baseline_zero", zero=zero)
        said += worse.replace(f" {zero}", f"{joined}{zero}")
    return said


def baseline_story(objective: ReportObjective, lang: str, joined: str = " ") -> str:
    """ "完成率 =（实际 − 起点）÷（目标 − 起点），起点：O1.KR3b 3,000万": the key results
    whose attainment runs from a baseline, with it, so that 76.0% beside 3,380万 of
    3,500万 can be worked out from the row rather than read as a wrong figure. Each id
    and its baseline (O1.KR3b CNY 30m) are ``joined`` by what the format keeps on one
    line."""
    started = [kr for kr in objective.key_results if from_baseline(kr)]
    if not started:
        return ""
    sep = ", " if lang == "en" else label(lang, "list_sep")
    krs = sep.join(f"{kr.id}{joined}{_baseline_said(kr, lang, joined)}" for kr in started)
    said = "baselines" if len(started) > 1 else "baseline"
    return label(lang, "from_baseline", krs=krs, baselines=said)


def pooled_story(objective: ReportObjective, lang: str) -> str:
    """ "比率 F1.KR5、F1.KR6 按合计分子 ÷ 合计分母计…": how a unit's rates are made,
    so that a head office does not take the firm's conversion rate for the mean of its
    branches' (``ReportObjective.pooled``)."""
    if not objective.pooled:
        return ""
    pooled = objective.pooled
    if lang == "en" and len(pooled) > 1:
        krs = f"{', '.join(pooled[:-1])} and {pooled[-1]}"
    else:
        krs = label(lang, "list_sep").join(pooled)
    return label(lang, "pooled" if len(pooled) > 1 else "pooled_one", krs=krs)


UNSHARED_NAMED = 3
"""The most people an unshared part names; the rest are counted."""


def unshared_story(kr: ReportKeyResult, lang: str) -> str:
    """ "其中 1,584万 来自没有分解目标的 1 人（周杰）": the part of a shared-out key
    result's figure no member with a share of the target brings."""
    if kr.unshared is None:
        return ""
    names = list(kr.unshared_people[:UNSHARED_NAMED])
    more = len(kr.unshared_people) - len(names)
    if more:
        names.append(label(lang, "unshared_more", n=more))
    who = label(lang, "in_brackets", text=label(lang, "list_sep").join(names)) if names else ""
    key = "unshared_people" if names else "unshared"
    return label(lang, key, value=value(kr, kr.unshared, lang), who=who)


def breakdown_heading(kr: ReportKeyResult, lang: str) -> str:
    """ "按产品类型拆分": the line above a key result's breakdown rows; "" without one."""
    if kr.breakdown is None:
        return ""
    return label(lang, "breakdown", dimension=kr.breakdown.label)


def breakdown_rows(kr: ReportKeyResult, lang: str) -> list[tuple[str, str]]:
    """(label, figure) for each breakdown row, the largest first: "↳ 私募固收（占 42.1%）"
    and its figure in the key result's unit. Shares are whole tenths of a percent that
    add up to 100.0%, so they are written with one decimal."""
    if kr.breakdown is None:
        return []
    return [
        (label(lang, "breakdown_row",
               value=row.label,
               share="—" if row.share is None else percentage(row.share, keep=1)),
         value(kr, row.actual, lang))
        for row in kr.breakdown.rows
    ]  # fmt: skip


def to_date_note(report: Report, lang: str) -> str:
    """What the to-date column holds, for the scores table's caption."""
    current = next((s for s in report.scores if s.current_period is not None), None)
    if current is None and report.scores_cut is not None:
        return label(lang, "scores_cut", period=report.scores_cut, day=report.as_of)
    if current is None or current.current_period is None or current.elapsed is None:
        return ""
    period = parse_period(current.current_period)
    days = (period.end - period.start).days + 1
    gone = round(current.elapsed * days)
    through = period.start + dt.timedelta(days=gone - 1)
    if through < report.as_of:
        # Stored only through a day before the report's (read on 27 November, figures
        # through the 20th): scored to that day, which is said, not "20 days gone".
        return label(lang, "to_date_stored", period=current.current_period, gone=gone,
                     days=days, through=through)  # fmt: skip
    return label(lang, "to_date_note", period=current.current_period, gone=gone, days=days)


def checkin_story(kr: ReportKeyResult, lang: str) -> str:
    """ "最近打卡 2026-11-19 · 李明 · 信心 70% · 半年调查": the latest check-in; its value
    too when it is not the figure shown (a unit's sum of its members' check-ins), after
    whose it is when it is a member's ("最近打卡 2026-12-20 上海陆家嘴营业部 900户"), so
    that a branch's figure is never read as the firm's."""
    c = kr.latest_checkin
    if c is None:
        return ""
    shown = value(kr, c.value, lang)
    first = f"{label(lang, 'last_checkin')} {c.date.isoformat()}"
    if c.of:
        first = f"{first} {c.of}"
    parts = [first if shown == value(kr, kr.actual, lang) and not c.of else f"{first} {shown}"]
    if c.author:
        parts.append(c.author)
    if c.confidence is not None:
        parts.append(f"{label(lang, 'confidence')} {percent(c.confidence, 0)}")
    if c.note:
        parts.append(c.note)
    return " · ".join(parts)


# A command makes only a few of each class here: declared without __slots__, which attrs
# adds by building the class a second time (as report/document.py explains).
@attrs.frozen(slots=False)
@shared_methods
class OwedByPerson:
    """What one person owes on the report's date."""

    name: str
    count: int
    late: int
    """How many of them missed a whole period of their cadence."""
    since: dt.date
    """Since when the oldest late one has been owed (the oldest of all when none is late)."""
    due: dt.date
    """The first day on which one more of them turns late."""


def owed_by_person(report: Report) -> list[OwedByPerson]:
    """Each person owing check-ins, the most late first, then the most owed. One who owes
    them all for one member unit of the report's is named with it (``丁然华（西安高新营业
    部）``): in a firm's report, a name alone does not say which branch to call."""
    by_name: dict[str, list[ReportOwed]] = {}
    for o in report.owed:
        by_name.setdefault(o.name, []).append(o)
    found = []
    for name, items in by_name.items():
        late = [o for o in items if o.late]
        since = min(o.since for o in (late or items))
        due = min(o.due for o in items if not o.late) if len(late) < len(items) else since
        units = {o.subject_name for o in items}
        unit = units.pop() if len(units) == 1 else ""
        if all(o.person is None for o in items):  # a unit with no lead, named by its name
            unit = label(report.lang, "no_lead")
        named = f"{name}（{unit}）" if report.lang == "zh" else f"{name} ({unit})"
        named = named if unit else name
        found.append(OwedByPerson(named, len(items), len(late), since, due))
    return sorted(found, key=lambda p: (-p.late, -p.count, p.since, p.name))


def owed_text(report: Report, lang: str, people: int = 3) -> list[str]:
    """The who-owes lines of the first screen: a heading, then one line a person.

    A check-in of this week, month or quarter not yet made is owed but not
    late; the heading says how many are late, so a month's first day does not
    read like a backlog.
    """
    if not report.owed:
        return [label(lang, "nothing_owed")]
    found = owed_by_person(report)
    late = sum(p.late for p in found)
    if late:
        lines = [label(lang, "owed_late", n=len(report.owed), late=late)]
    else:
        first_due = min(o.due for o in report.owed).isoformat()
        lines = [label(lang, "owed_on_time", n=len(report.owed), due=first_due)]
    for p in found[:people]:
        if p.late:
            lines.append(label(lang, "owed_person_late", name=p.name, n=p.count, late=p.late,
                               since=p.since.isoformat()))  # fmt: skip
        else:
            lines.append(label(lang, "owed_person", name=p.name, n=p.count, due=p.due.isoformat()))
    if len(found) > people:
        lines.append(label(lang, "owed_more", n=len(found) - people))
    return lines


def owed_names(found: Sequence[OwedByPerson], lang: str, names: int) -> str:
    """Who owes check-ins in one line, for a first screen short of rows: the first
    ``names`` people of ``found`` (``owed_by_person``) and how many more ("刘洋、吴敏、
    周杰，另有 13 人"); the heading above still counts what is owed and how much of it is
    late."""
    listed = label(lang, "list_sep").join(p.name for p in found[:names])
    if len(found) <= names:
        return listed
    return f"{listed}{label(lang, 'then')}{label(lang, 'owed_more', n=len(found) - names)}"


TREND_MARK = {"up": "↗", "down": "↘", "flat": "→", "": ""}
"""Not ↑ / ↓: those mark a score the floor or the cap held."""


def score_trend(score: ReportScore) -> str:
    """↗, ↘ or → from the period before the last complete one to it."""
    return TREND_MARK[score.trend]


def running_period(report: Report) -> str | None:
    """The scoring period the report's date falls in, scored to date (``2026-11``)."""
    return next((s.current_period for s in report.scores if s.current_period), None)


def to_date_heading(report: Report, lang: str) -> str:
    """The to-date column's heading in every format: the period it holds (11月至今, Nov
    to date); 本期至今 / This period to date when none is running."""
    running = running_period(report)
    if running is None:
        return label(lang, "to_date")
    return label(lang, "period_to_date", period=period_heading(running, lang))


def period_heading(period: str, lang: str) -> str:
    """A score column's heading, short: 10月 / Oct for a month, else the period id."""
    rest = period.partition("-")[2]
    if not rest.isdigit():
        return period
    if lang == "zh":
        return f"{int(rest)}月"
    return _MONTHS[int(rest) - 1]


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


Ranked = TypeVar("Ranked", bound=ReportMember | ReportScore)

LISTED_PEOPLE = 50
"""A ranking of more people than this (a region's, a firm's) lists its first and its
last ``LISTED_AT_EACH_END``; the workbook and JSON list everyone."""
LISTED_AT_EACH_END = 20


@attrs.frozen(slots=False)
@shared_methods
class Unlisted:
    """The people a long ranking leaves out between its top and its bottom."""

    count: int


def is_unlisted(row: object) -> bool:
    return isinstance(row, Unlisted)


def unlisted_text(row: Unlisted, lang: str) -> str:
    """ "⋮ 另有 356 人未列出（xlsx、JSON 格式列出全部）"."""
    return label(lang, "unlisted", count=f"{row.count:,}")


def _listed(ranked: list[Ranked]) -> list[Ranked | Unlisted]:
    if len(ranked) <= LISTED_PEOPLE:
        return list(ranked)
    listed: list[Ranked | Unlisted] = []
    listed.extend(ranked[:LISTED_AT_EACH_END])
    listed.append(Unlisted(len(ranked) - 2 * LISTED_AT_EACH_END))
    listed.extend(ranked[-LISTED_AT_EACH_END:])
    return listed


def rank_text(member: ReportMember) -> str:
    """A member's rank, or — for one with no score, which is not ranked."""
    return "—" if member.rank is None else str(member.rank)


def off_track_text(member: ReportMember) -> str:
    """How many of a member's key results are off track; — for one with none judged (no
    targets, or none with figures yet: a branch missing from the firm's export), where 0
    would read as all on track."""
    unjudged = member.key_results == 0 or (member.score is None and not member.off_track)
    return "—" if unjudged else str(member.off_track)


def opens_people(report: Report, member: ReportMember) -> bool:
    """Whether ``member`` is the first person of a ranking that lists child units first:
    where the people's ranking begins."""
    people = [m for m in report.members if m.kind == "person"]
    return bool(people) and member is people[0] and member is not report.members[0]


def member_score(member: ReportMember) -> str:
    """A member's score in the ranking, marked ↓ where it counts a key result at the
    plan's cap, so that it would read higher without it (``unranked_notes`` says so)."""
    shown = score_text(member.score)
    return f"{shown} {HELD_DOWN}" if member.capped and member.score is not None else shown


def unranked_notes(report: Report, lang: str) -> list[str]:
    """The notes under the members' ranking: what ⚑ marks, when a member is marked (a
    firm's ranking of thirty flagged branches said nowhere what the flag meant); what ↓
    marks, when a score is held down by the cap; why members are shown with no rank (—):
    no targets at all, or no figures yet for the targets they have; one line for each
    reason found."""
    unscored = [m for m in report.members if m.rank is None]
    notes = [label(lang, "flagged")] if any(m.off_track for m in report.members) else []
    if any(m.capped and m.score is not None for m in report.members):
        notes.append(label(lang, "member_capped", cap=percent(report.attainment_cap, 0)))
    if any(m.key_results == 0 and not m.unmeasured for m in unscored):
        notes.append(label(lang, "unranked_no_targets"))
    # Targets whose metrics no loaded plugin provides (one broken, or left out): not
    # "no targets", which would send a manager to the target files for nothing.
    lacking = sorted({metric for m in unscored if m.key_results == 0 for metric in m.unmeasured})
    if lacking:
        metrics = label(lang, "list_sep").join(lacking)
        notes.append(label(lang, "unranked_unmeasured", metrics=metrics))
    # Key results with figures that count only from their phase's: not "no data"; and
    # where a member has those and others with no figure, each its own reason.
    sep = label(lang, "list_sep")
    for note, members in (
        ("unranked_phase_to_come", [m for m in unscored if not m.without_data]),
        ("unranked_phase_and_no_data", [m for m in unscored if m.without_data]),
    ):
        waiting = sorted({p for m in members if m.key_results > 0 for p in m.phases_to_come})
        if waiting:
            notes.append(label(lang, note, phases=sep.join(waiting)))
    if any(m.key_results > 0 and not m.phases_to_come for m in unscored):
        notes.append(label(lang, "unranked_no_data"))
    if depth := depth_note(report, lang):
        notes.append(depth)
    return notes


def depth_note(report: Report, lang: str) -> str:
    """What ``--depth`` left out of the ranking, where it left any out (at 0 the whole
    ranking, which went without a word); "" otherwise."""
    if not report.left_out_by_depth or report.depth is None:
        return ""
    count = report.left_out_by_depth
    if not report.members:
        shown = str(count) if lang == "zh" else f"{count:,}"
        return label(lang, "depth_none", depth=report.depth, count=shown)
    shown = str(count) if lang == "zh" else counted(count, "member")
    return label(lang, "depth_left_out", depth=report.depth, count=shown)


def unranked_why(member: ReportMember, lang: str) -> str:
    """Why ``member`` has no rank, as ``unranked_notes`` says it under the ranking, for a
    format that gives it on the member's own row (the workbook); "" for one ranked."""
    if member.rank is not None:
        return ""
    if member.key_results > 0 and member.phases_to_come:
        phases = label(lang, "list_sep").join(member.phases_to_come)
        if member.without_data:  # each key result its own reason, not the phase's for all
            krs = label(lang, "list_sep").join(member.without_data)
            return label(lang, "unranked_why_phase_and_no_data", phases=phases, krs=krs)
        return label(lang, "unranked_why_phase_to_come", phases=phases)
    if member.key_results > 0:
        return label(lang, "unranked_why_no_data")
    if member.unmeasured:
        metrics = label(lang, "list_sep").join(sorted(member.unmeasured))
        return label(lang, "unranked_why_unmeasured", metrics=metrics)
    return label(lang, "unranked_why_no_targets")


def needing_attention(report: Report) -> list[ReportAlert]:
    """The alerts that need attention, errors and warnings (tripped breakers too): what
    the report counts and lists under 需要关注 / Needs attention."""
    return [a for a in report.alerts if a.level != "info"]


def for_information(report: Report) -> list[ReportAlert]:
    """The alerts told for information only (a checkpoint long past, a restated figure, a
    plugin's warning): listed apart, never counted as needing attention."""
    return [a for a in report.alerts if a.level == "info"]


def has_no_targets(report: Report) -> bool:
    """Whether the unit (or person) reported on has no objective: none of its own and no
    share of a key result set above it, so no score."""
    return not report.objectives and report.score is None


def no_targets_story(report: Report, lang: str) -> str:
    """What a report on a unit with no targets says in their place: that it has none,
    so no score, and what the report shows instead ("" when it has targets)."""
    if not has_no_targets(report):
        return ""
    name = report.unit.name
    if not report.members and not report.scores:
        return label(lang, "no_targets_none", name=name)
    parts = [label(lang, "instead_members")] if report.members else []
    parts += [label(lang, "instead_scores")] if report.scores else []
    parts += [label(lang, "instead_budget")] if report.budget.lines else []
    last = label(lang, "instead_alerts")
    listed = label(lang, "list_sep").join(parts)
    listed = f"{listed}{'、' if lang == 'zh' else ' and '}{last}" if parts else last
    return label(lang, "no_targets", name=name, parts=listed)


def no_alerts_text(report: Report, lang: str) -> str:
    """What the report says under its "needs attention" heading when nothing does ("暂无",
    not the heading again): for a unit with no targets, that there were none of its own
    to judge, so it does not read as all clear."""
    return label(lang, "no_alerts_untargeted" if has_no_targets(report) else "no_alerts")


def members_listed(report: Report) -> list[ReportMember | Unlisted]:
    """The child units, all of them, then the people ranked: the top and the bottom
    of a ranking longer than ``LISTED_PEOPLE``."""
    units = [m for m in report.members if m.kind != "person"]
    people = [m for m in report.members if m.kind == "person"]
    return [*units, *_listed(people)]


def scores_by_policy(report: Report) -> dict[str, list[ReportScore | Unlisted]]:
    """Each policy's people in the report's order, a long list cut as in
    ``members_listed``."""
    policies = dict.fromkeys(s.policy for s in report.scores)
    return {policy: _listed([s for s in report.scores if s.policy == policy])
            for policy in policies}  # fmt: skip


def scores_listed(report: Report) -> list[ReportScore | Unlisted]:
    """``scores_by_policy``, one policy after another."""
    return [row for rows in scores_by_policy(report).values() for row in rows]


def score_periods(report: Report, last: int | None = None) -> list[str]:
    """The complete periods any person has a score for, oldest first (the ``last`` few)."""
    periods = sorted({p.period for s in report.scores for p in s.history})
    return periods[-last:] if last else periods


def score_in(score: ReportScore, period: str) -> str:
    """A person's score in one complete period, marked where the cap or floor held it."""
    point = next((p for p in score.history if p.period == period), None)
    return "—" if point is None else held(point.score, point.raw)


HELD_DOWN, HELD_UP = "↓", "↑"
"""The marks after a policy score that its cap held down, or its floor held up."""


def held_mark(score: float | None, raw: float | None) -> str:
    """↓ where the cap held a policy score down, ↑ where the floor held it up, else ""."""
    if score is None or raw is None or score == raw:
        return ""
    return HELD_DOWN if score < raw else HELD_UP


def held(score: float | None, raw: float | None) -> str:
    """A policy score, marked where the cap (↓) or the floor (↑) held it."""
    if score is None or raw is None:
        return "—"
    mark = held_mark(score, raw)
    return f"{score_text(score)} {mark}" if mark else score_text(score)


def scores_legend(report: Report, periods: Collection[str], lang: str) -> str:
    """Which two periods the trend compares, and what the marks the scores table shows
    mean, for the people it lists, in ``periods`` and the current one: beside a trend's
    arrows, a bare ↓ after 120.0% reads as a fall."""
    shown: set[str] = set()
    for s in scores_listed(report):
        if isinstance(s, Unlisted):
            continue
        points = [(p.score, p.raw) for p in s.history if p.period in periods]
        shown.update(
            held_mark(score, raw) for score, raw in [*points, (s.current_score, s.current_raw)]
        )
    said = [label(lang, key) for mark, key in ((HELD_DOWN, "held_down"), (HELD_UP, "held_up"))
            if mark in shown]  # fmt: skip
    return label(lang, "sentence_sep").join([*_trend_compares(report, lang), *said])


def _trend_compares(report: Report, lang: str) -> list[str]:
    """ "趋势：10月与9月相比": which two periods the trend column compares. Beside a column
    of the current month to date, the arrow reads as that month's against the last
    complete one, which it is not."""
    compared = {
        (s.history[-2].period, s.history[-1].period)
        for s in scores_listed(report)
        if not isinstance(s, Unlisted) and s.trend
    }
    if len(compared) != 1:
        return []
    ((before, last),) = compared
    return [label(lang, "trend_compares", last=period_heading(last, lang),
                  before=period_heading(before, lang))]  # fmt: skip


def window_story(kr: ReportKeyResult, lang: str) -> str:
    """ "本年至今 6,710元 · 同比 +24.5%（上年同期 5,390元）· 环比 +9.9%（上期 1,010元）":
    a key result's window and its comparisons, with the growth target's basis."""
    w = kr.window
    if w is None:
        return ""
    trailing = w.name.removeprefix("last_").partition("_")
    name = (window_label(lang, f"last_{trailing[2]}", n=trailing[0])
            if w.name.startswith("last_") else window_label(lang, w.name))  # fmt: skip
    if w.span is not None:
        name += _bracketed(w.span, lang)
    parts = [f"{name} {value(kr, w.value, lang)}"]
    for c in w.comparisons:
        earlier = value(kr, c.earlier, lang)
        typed = [window_label(lang, "from_baselines")] if c.from_baselines else []
        if c.change is not None:
            text = f"{window_label(lang, c.over)} {_signed_change(kr, c.change, c.points, lang)}"
            said = [window_label(lang, f"earlier_{c.over}", value=earlier), *typed]
            if c.days is not None:  # not like for like: over fewer (or more) days
                said.append(window_label(lang, f"days_{c.over}", now=c.days[0], then=c.days[1]))
            text += _bracketed(("，" if lang == "zh" else ", ").join(said), lang)
        elif c.why == "no_data":
            text = f"{window_label(lang, c.over)} {window_label(lang, 'no_data')}"
        else:
            why = window_label(lang, f"{c.why}_{c.over}", value=earlier, periods=c.unknown)
            if w.asked_by_report and c.over == "last_year" and c.why == "no_earlier":
                why += window_label(lang, "collect_last_year")
            text = f"{window_label(lang, c.over)} — {why}"
            text += _bracketed(typed[0], lang) if typed else ""
        parts.append(text)
    if w.growth is not None:
        base, growth = value(kr, w.growth_base, lang), percent(w.growth, 0)
        if w.growth_base is not None:
            parts.append(window_label(lang, "growth_target", value=base, growth=growth))
            if w.name in ("wtd", "mtd", "qtd"):
                # A target of the span to date: its attainment, and the score, start again.
                parts.append(window_label(lang, f"restarts_{w.name}"))
        elif w.growth_unknown:
            parts.append(window_label(lang, "part_growth_base", periods=w.growth_unknown))
        else:
            parts.append(window_label(lang, "no_growth_base"))
    return " · ".join(parts)


def _signed_change(kr: ReportKeyResult, change: float, points: bool, lang: str) -> str:
    if points:
        text = Quantity(lookup(kr.unit) or UNITS["%"], abs(change), points=True).text(lang)
    else:
        text = percentage(abs(change))
    sign = "+" if change > 0 else ("-" if change < 0 and text.strip("0.%") else "")
    return f"{sign}{text}"


def _bracketed(text: str, lang: str) -> str:
    return f"（{text}）" if lang == "zh" else f" ({text})"


def funnel_story(kr: ReportKeyResult, lang: str) -> str:
    """ "开户 120 → 7 日内入金 12（10.0%）": a funnel's stages and its rate."""
    f = kr.stages
    if f is None:
        return ""
    entered = f.entered_label or window_label(lang, "entered")
    converted = f.converted_label or window_label(lang, "converted")
    counts = [figure(n, 0) if n is not None else "—" for n in (f.entered, f.converted)]
    rate = percent(f.converted / f.entered) if f.entered and f.converted is not None else "—"
    return f"{entered} {counts[0]} → {converted} {counts[1]}{_bracketed(rate, lang)}"


def not_collected_story(kr: ReportKeyResult, lang: str) -> str:
    """ "⚠ 第 5 次采集（2026-12-02）未取得此指标：数字为此前采集所得": the figures of a
    metric the latest collect asked for it could not get are older than the others."""
    missed = kr.not_collected
    if missed is None:
        return ""
    key = "not_collected" if kr.actual is not None else "never_collected"
    day = missed.day if missed.unit is None else f"{missed.day}{label(lang, 'then')}{missed.unit}"
    return label(lang, key, run=missed.run, day=day)


def old_figure_story(kr: ReportKeyResult, lang: str) -> str:
    """ "⚠ 数字截至 2026-10-31，已过期：按当日应完成的进度判定": a figure out of date is
    judged on its own day, and its row's status and due are that day's, said so (of a
    limit, or a figure judged met or missed, where no pace is due, only that it is old)."""
    if kr.old_figure is None:
        return ""
    paced = not kr.guardrail and kr.status not in ("met", "missed", "breached")
    return label(lang, "old_figure" if paced else "old_figure_limit", day=kr.old_figure)


def closed_story(kr: ReportKeyResult, lang: str) -> str:
    """For a checkpoint judged on figures that stop short of its date: the day they run
    through ("检查点按截至 2026-06-28 的数据判定")."""
    if kr.closed_through is None:
        return ""
    return label(lang, "closed_through", day=kr.closed_through, closed=kr.closed)


def settles_story(kr: ReportKeyResult, lang: str) -> str:
    """For a checkpoint past its date on a cohort still converting: the day from which it
    is judged met or missed ("尚待结算：…检查点按 2026-07-28 起采集的数字判定达成与否"),
    and the day its figure is collected through, which ``counted_through_story`` says of
    any other cohort figure ("；现为截至 2026-07-15 采集到的数字"): once, not twice."""
    if kr.settles_on is None:
        return ""
    said = label(lang, "settles_on", day=kr.settles_on, days=kr.settles_after_days)
    if kr.counted_through is not None:
        said += label(lang, "settles_counted_through", through=kr.counted_through)
    return said


def counted_through_story(kr: ReportKeyResult, lang: str) -> str:
    """For a key result on a cohort metric read after the day its figures run through
    (a past day's report, a checkpoint after its day): that the figure counts the
    changes since, up to which day ("这里是截至 2026-11-20 采集到的数字"); "" for a
    checkpoint settling, whose line says it (``settles_story``)."""
    if kr.counted_through is None or kr.settles_on is not None:
        return ""
    return label(lang, "counted_through", through=kr.counted_through)


def phase_story(kr: ReportKeyResult, lang: str) -> str:
    """For a rate's checkpoint of a phase: that its figure is the phase's own ("按 Q2
    阶段自身的数字计"), or, before the phase holds a figure, the plan's to date."""
    if kr.over_phase is not None:
        day = kr.over_phase_from
        period = kr.over_phase_period
        return label(lang, "over_phase", phase=kr.over_phase, day=day, period=period)
    if kr.phase_to_come is not None:
        return label(lang, "phase_to_come", phase=kr.phase_to_come)
    return ""


def under_title(kr: ReportKeyResult, lang: str) -> list[str]:
    """The lines a report writes under a key result's title: that the latest collect
    asked for its metric could not get it, members meeting their targets, the latest
    check-in, the
    window with 同比/环比, a funnel's stages."""
    lines = (phase_story(kr, lang), closed_story(kr, lang), settles_story(kr, lang),
             counted_through_story(kr, lang),
             not_collected_story(kr, lang), old_figure_story(kr, lang), members_met(kr, lang),
             unshared_story(kr, lang), checkin_story(kr, lang), window_story(kr, lang),
             funnel_story(kr, lang))  # fmt: skip
    return [line for line in lines if line]


def ledger_rounding_note(budget: ReportBudget, lang: str) -> str:
    """The note under a budget table whose amounts, each rounded on its own, do not add
    up as written: a column's rows against its total, or an amount less what was spent
    against what is left ("" when everything adds up). Chinese reports have long said
    so in these words rather than bend a figure to make the sum come right."""

    def written(amount: float, spent: float, left: float) -> tuple[Decimal, Decimal, Decimal]:
        return (ledger_amount(amount, lang), ledger_amount(spent, lang),
                ledger_amount(left, lang))  # fmt: skip

    parts = [written(row.amount, row.spent, row.left) for row in budget.lines]
    if (reserve := budget.reserve) is not None:
        parts.append(written(reserve.amount, reserve.spent, reserve.left))
    total = written(budget.total.amount, budget.total.spent, budget.total.left)
    columns = any(sum((row[i] for row in parts), Decimal(0)) != total[i] for i in range(3))
    lines = any(amount - spent != left for amount, spent, left in [*parts, total])
    return label(lang, "ledger_rounding") if columns or lines else ""


def budget_summary(budget: ReportBudget, lang: str) -> list[str]:
    """What the lines under the budget table say, each with the figures it divides: the
    ROI the plan expects (its expected revenue over its total), the ROI so far (the
    revenue attributed to the lines over what they spent, the total row's ROI) and the
    expense ratio. An expected 11.12 beside an actual 11.78 is then not read as one."""
    total, parts = budget.total, []
    if total.expected_roi is not None and total.expected_revenue is not None:
        planned = total.declared if total.declared is not None else total.amount
        parts.append(label(lang, "expected_roi_from", revenue=money(total.expected_revenue, lang),
                           total=ledger(planned, lang), roi=ratio(total.expected_roi)))  # fmt: skip
    if total.attributed_revenue is not None and total.roi is not None:
        parts.append(label(lang, "actual_roi_from", revenue=money(total.attributed_revenue, lang),
                           spent=ledger(total.spent, lang), roi=ratio(total.roi)))  # fmt: skip
    elif total.attributed_revenue is not None:
        parts.append(f"{label(lang, 'revenue')} {money(total.attributed_revenue, lang)}")
    if total.expense_ratio is not None:
        limit, ratio_now = total.expense_ratio_max, percent(total.expense_ratio)
        parts.append(
            label(lang, "expense_ratio_within", ratio=ratio_now, limit=percent(limit, 0))
            if limit
            else f"{label(lang, 'expense_ratio')} {ratio_now}"
        )
    return parts


# ------------------------------------------------------------- the first screen

MOVED_SHOWN = 3
ALERTS_SHOWN = 5


def whose(report: Report) -> str:
    """The plan and the unit reported on, the unit left out where the plan's name says
    it already ("深圳福田营业部 2026 年度经营计划", not "… · 深圳福田营业部")."""
    plan, unit = report.plan.name, report.unit.name
    return plan if unit in plan else f"{plan} · {unit}"


def moved_most(report: Report, lang: str, most: int = MOVED_SHOWN) -> list[ReportKeyResult]:
    """The ``most`` key results that moved most over the last period (``_moved_first``);
    not one whose change is written ±0 (a thousandth of a point), nor one whose
    figure reads as it did a period before (``moved_as_written``: +400元 beside 1.1亿 both
    weeks), which did not move as the reader sees it; none in a quiet week, and the first
    screen then leaves the section out. Nor one whose figure was not refreshed: its metric
    not got by the latest collect (a plugin failed), or its figures out of date. The details
    mark those; a line of the first screen has no room to, and would read as this week's. Nor
    one with no target (a growth target with no year to grow on): it has no way to have
    moved a share of, and its change in yuan was read as a share of 1."""

    moved = [
        kr
        for kr in all_results(report)
        if kr.change
        and kr.target is not None
        and kr.closed is None
        and change(kr, lang) != NO_CHANGE
        and moved_as_written(kr, lang)
        and kr.not_collected is None
        and kr.old_figure is None
    ]
    return sorted(moved, key=lambda kr: _moved_first(kr, lang))[:most]


def _moved_first(kr: ReportKeyResult, lang: str) -> tuple[bool, float, str]:
    """The order of what moved most: by the move's share of the target, so that 0.05分 of
    an NPS of 60 (2.5% of the way from its baseline of 58) no longer stands above 3,039万
    of 45亿; a target of 0 (no incident) by its share of the way from its baseline, a band
    (within ±1百分点) of the band. A move by the last digit its figure is written with
    alone (+1户, -0.01个/户, +0.01分) comes after every move of more, whatever its share:
    a manager reads it as the figure standing still. The last digit is that of the figure
    as ``lang`` writes it (CNY 5.91k in English, 5,914元 in Chinese)."""
    target = abs(kr.target or 0.0)
    scale = (abs(kr.band) if kr.band else target) or abs(target - kr.baseline) or 1.0
    return steps_moved(kr, lang) <= 1, -abs(kr.change or 0.0) / scale, kr.id


def attention(report: Report) -> list[ReportAlert]:
    """What needs attention beside the tripped breakers, which every format tells first,
    on their own: errors and warnings, most severe first (``needing_attention``)."""
    return [a for a in needing_attention(report) if a.kind != "breaker"]


def attention_heading(report: Report, lang: str, most: int = ALERTS_SHOWN) -> str:
    """How many things need attention, as many as the details list under that heading
    (tripped breakers too, told above), and how many of the rest the first screen lists,
    at ``most`` ("需要关注：共 11 项（其中熔断 1 项，见上），其余最重要的 5 项"); what is
    told for information only is counted apart, never among them."""
    needing = needing_attention(report)
    breakers = sum(a.kind == "breaker" for a in needing)
    rest = attention(report)
    shown = min(len(rest), most)
    more = len(rest) > shown
    if not needing:
        untargeted = has_no_targets(report)
        heading = label(lang, "attention_none_untargeted" if untargeted else "attention_none")
    elif breakers:
        heading = label(lang, "attention_breakers_top" if more else "attention_breakers",
                        n=len(needing), b=breakers, breakers=counted(breakers, "breaker"),
                        shown=shown)  # fmt: skip
    else:
        heading = (label(lang, "attention_top", n=len(needing), shown=shown) if more
                   else label(lang, "attention_count", n=len(needing)))  # fmt: skip
    if info := for_information(report):
        heading += label(lang, "info_count", n=len(info))
    return heading


def score_before(report: Report, lang: str) -> str:
    """ "（上周末 84.2%，+0.5百分点）" after the score: the score a period before and the
    change between the two as they are shown (88.7% and 84.5%: +4.2, not the +4.15 of
    the unrounded ones), so that a reader's subtraction agrees; "" without one."""
    if report.previous_score is None or report.score is None:
        return ""
    then = f"{compared_with(report, lang)} {score_text(report.previous_score)}"
    moved = score_moved(report, lang)
    return label(lang, "in_brackets", text=f"{then}{label(lang, 'then')}{moved}")


def score_moved(report: Report, lang: str) -> str:
    """The change between the score and the score a period before as they are shown
    ("+0.5百分点", "±0", "其后无新数据"), as ``score_before`` says it; "" without one."""
    if report.previous_score is None or report.score is None:
        return ""
    now, then_shown = (_written(score_text(s)) for s in (report.score, report.previous_score))
    if now == then_shown and _nothing_new(report):
        # Not a still week: nothing was collected or checked in since to move it.
        moved = label(lang, "no_news_since")
    elif now == then_shown:  # as the change column writes no change
        moved = NO_CHANGE
    else:
        sign = "+" if now > then_shown else ""
        # As many decimals as the scores have: 69.0% after 68.0% is +1.0, beside +0.8.
        places = max(_decimals(now), _decimals(then_shown))
        moved = f"{sign}{now - then_shown:.{places}f}{'百分点' if lang == 'zh' else ' pp'}"
    return moved


BEGAN_COUNTING_NAMED = 3
"""The most key results named under the score as newly counted in it: the line stays short
on the first screen, and says how many there are in all."""


def began_counting_story(report: Report, lang: str) -> str:
    """ "含 P.FUNNEL、P.EMPTY 新计入得分" under the score and its change: the key results
    it counts that the score a period before did not (a phase's rate with its first
    figure), whose arrival moves it whether anything improved or not; "" without any."""
    began = report.began_counting
    if not began or report.previous_score is None or report.score is None:
        return ""
    named = label(lang, "list_sep").join(began[:BEGAN_COUNTING_NAMED])
    if len(began) <= BEGAN_COUNTING_NAMED:
        return label(lang, "began_counting", krs=named)
    more = len(began) - BEGAN_COUNTING_NAMED
    return label(lang, "began_counting_more", krs=named, n=len(began), more=more)


def _nothing_new(report: Report) -> bool:
    """Whether no figure behind the score could have moved since the period before: every
    collected key result's metric has no figures since (``no_new_figures``), and none
    tracked by check-ins has one dated since (where that day is known; else none changed
    one). A plan tracked by check-ins alone, its latest dated in June, read ``±0`` in
    December, as if a week had stood still."""
    results = [kr for kr in all_results(report) if kr.closed is None]
    collected = [kr for kr in results if kr.metric is not None]
    checked = [kr for kr in results if kr.metric is None]
    since = report.change_from

    def quiet(kr: ReportKeyResult) -> bool:
        if since is None:
            return not kr.change
        return kr.latest_checkin is None or kr.latest_checkin.date <= since

    return (bool(results) and all(kr.no_new_figures for kr in collected)
            and all(quiet(kr) for kr in checked))  # fmt: skip


def _decimals(number: Decimal) -> int:
    """How many decimals ``number`` is written with: 69.0 has 1, 100 has 0."""
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _written(percent: str) -> Decimal:
    """The number a percentage is written as: "88.7%" is 88.7."""
    return Decimal(percent.rstrip("%").replace(",", ""))


def attention_first(report: Report, most: int = ALERTS_SHOWN) -> list[ReportAlert]:
    """The first ``most`` of ``attention``: what a report's first screen lists."""
    return attention(report)[:most]
