"""``okrdesk split``: decide the shares, write them into the target file, check it."""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal
from pathlib import Path

import attrs

from okrdesk import clock
from okrdesk.app.session import (
    Session,
    find_key_result,
    open_session,
    stored,
)
from okrdesk.engine.plan_calendar import of_the_plan, plan_periods
from okrdesk.engine.rollup import subjects_under
from okrdesk.engine.shares import Split, default_members, split_target, splittable
from okrdesk.engine.tree_targets import members_add_up, owner_of
from okrdesk.engine.windows import PeriodRun, periods_homed, window_figure
from okrdesk.errors import BadInput, OkrdeskError, display_path
from okrdesk.messages import ALERTS, counted, display_width, padded
from okrdesk.model import KeyResult, MetricKind, Plan
from okrdesk.periods import Grain, Period, home_day
from okrdesk.store.reader import StoreReader
from okrdesk.targets.locate import KeyLocator
from okrdesk.targets.period_words import period_named
from okrdesk.targets.reader import no_such
from okrdesk.targets.write import CannotEdit, edit_key_result_tables, rewrite
from okrdesk.units import UNITS, Dimension, UnreadableFigure, parse_quantity, said_back

OVER = {"months": Grain.MONTH, "weeks": Grain.WEEK}

_SAID = {
    "en": {
        "unreadable_weights": "{path}: cannot read the weights: {error}",
        "no_file": "no such file",
        "not_utf8": "it is not UTF-8 text (saved as GBK or GB18030, as a Chinese Windows "
                    "editor saves it?): save it as UTF-8",
        "not_below": '{path}: {member}: not a unit or person below "{owner}"',
        "no_weights": "{path}: no weights in the file (write one member = weight a line)",
        "bad_weight": "{path}: {member}: expected a weight of 0 or more, got {weight}",
        "weight_unreadable": "{path}: {member}: {error}",
        "a_rate": "--by last-period shares a count or an amount; {kr} is a rate in {unit}, "
                  "which every member gets whole: use --by equal",
        "none_ended": "no period of the plan has ended by {day}; use --by equal",
        "none_ended_in": "no {grain} of the plan in {period} has ended by {day}; name one that "
                         "has, or use --by equal",
        "before_plan": "{period} is before the plan starts ({start}): {kr} is tracked by "
                       "check-ins, and last year's were last year's plan's; name a period of "
                       "this plan that has ended, or use --by equal or --by weight",
        "not_stored_before": "the store holds no figure of {metric} for {period}{since}: type "
                             "the members' figures of it in [[baselines]], or use --by equal "
                             "or --by weight",
        "since": ", only from {start} on",
        "after_plan": "{period} is after the plan ends ({end}): --by last-period counts "
                      "what was achieved in the plan's own {grain}s; name one that has ended, "
                      "or use --by equal",
        "period_flag": "--period goes with --by last-period: it names whose achievement counts",
        "achieved_nothing": "{members}: nothing achieved in {period}, so no share; a longer "
                            "--period (a quarter, last month) evens out a quiet stretch",
        "no_numbers": "no numbers yet: run `okrdesk collect` first, or use --by equal",
        "nothing_achieved": "the members achieved nothing in {period}; use --by equal",
        "no_figures": "no figure of {metric} is stored for {period} (collected through "
                      "{through}): run `okrdesk collect`, or name a period that has figures "
                      "with --period",
        "no_checkins": "no member checked in {kr} in {period}: name a period with their "
                       "check-ins with --period, or use --by equal",
        "none": "none",
        "no_share": "{members}: no share (it comes to nothing), so no target of theirs is "
                    "written",
        "calendar": "  calendar: the {n} periods written ({periods}) → {count} {over}",
        "belongs": "{kr} belongs to {owner}",
        "not_owner": "{kr} belongs to {owner}, not {unit}; split a key result at its owner "
                     "(a team's share is split in the team's own key result)",
        "weights_flag": "--weights FILE goes with --by weight, and --by weight needs it",
        "no_members": "{owner} has no units or people below it to split onto",
        "no_target": "{kr} has no target of its own to split; give it one first",
        "zero_weights": "the weights add up to 0; nothing to split by",
        "would_replace": "{kr} already has figures in {path} that this split would replace:",
        "unchanged": "Nothing was changed. Add --replace to replace them.",
        "cannot_edit": "{path}: cannot write the split into the file: {error}. Nothing was "
                       "changed.",
        "dry_replacing": "It would replace figures already written (add --replace):",
        "dry_run": "Dry run: {path} was not changed.",
        "put_back": "the split would leave problems, so {path} was put back:\n{found}",
        "wrote": "Wrote {path}.",
        "as_written": "{path} already holds these figures; it was not changed.",
        "split": "{kr} {title}: {target} for {owner}, split {how} over {members}:",
        "equal": "equally", "weight": "by weight",
        "last-period": "by what each achieved in {period}",
        "total": "total",
        "due": "Due by the end of each of the {over} (cumulative): {due}",
        "months": "months", "weeks": "weeks",
        "colon": ": ", "sep": ", ",
    },
    "zh": {
        "unreadable_weights": "{path}：无法读取权重：{error}",
        "no_file": "没有这个文件",
        "not_utf8": "文件不是 UTF-8 文本（是否像中文 Windows 的编辑器那样存成了 GBK 或 "
                    "GB18030？）：请另存为 UTF-8",
        "not_below": '{path}：{member}：不是 "{owner}" 下面的单位或人员',
        "no_weights": "{path}：文件里没有权重（每行写一个 成员 = 权重）",
        "bad_weight": "{path}：{member}：权重应为 0 或更大的数，现为 {weight}",
        "weight_unreadable": "{path}：{member}：{error}",
        "a_rate": "--by last-period 只能按数量或金额拆分；{kr} 是以 {unit} 计的比率，"
                  "每个成员都承担整个目标：请用 --by equal",
        "none_ended": "到 {day} 为止计划中还没有结束的周期；请用 --by equal",
        "none_ended_in": "到 {day} 为止，{period} 中还没有已结束的{grain}；请换一个已结束的时段，"
                         "或用 --by equal",
        "before_plan": "{period} 早于计划开始日（{start}）：{kr} 靠打卡跟踪，去年的打卡属于"
                       "去年的计划；请指定本计划内已结束的时段，或用 --by equal、--by weight",
        "not_stored_before": "库中没有 {metric} 在 {period}{gap}的数字{since}：请在 "
                             "[[baselines]] 中写入各成员在该时段的数字，或用 --by equal、"
                             "--by weight",
        "since": "（自 {start} 起才有）",
        "after_plan": "{period} 晚于计划结束日（{end}）：--by last-period 按本计划各{grain}的"
                      "完成量拆分；请指定本计划内已结束的时段，或用 --by equal",
        "period_flag": "--period 与 --by last-period 一起用：它指定按哪段时间的完成量拆分",
        "achieved_nothing": "{members}：在 {period}{gap}没有完成量，因此分不到份额；用更长的 "
                            "--period（如一个季度、上月）可以平滑偶然的空档",
        "no_numbers": "尚未采集任何数据：请运行 `okrdesk collect`，或用 --by equal",
        "nothing_achieved": "成员在 {period}{gap}都没有完成量；请用 --by equal",
        "no_figures": "{period}{gap}还没有 {metric} 的数字（数据采集至 {through}）：请运行 "
                      "`okrdesk collect`，或用 --period 指定有数字的时段",
        "no_checkins": "成员在 {period}{gap}都没有 {kr} 的打卡：请用 --period 指定有打卡的时段，"
                       "或用 --by equal",
        "none": "无",
        "no_share": "{members}：分到的份额为零，因此不写其目标",
        "calendar": "  时间进度：文件中写的 {n} 个周期（{periods}）→ {count} 个{over}",
        "belongs": "{kr} 属于 {owner}",
        "not_owner": "{kr} 属于 {owner}，不属于 {unit}；请在关键结果的所属单位拆分"
                     "（团队的份额在团队自己的关键结果里拆分）",
        "weights_flag": "--weights FILE 与 --by weight 须一起给出",
        "no_members": "{owner} 下面没有可拆分到的单位或人员",
        "no_target": "{kr} 自己没有目标值，无从拆分；请先给它一个目标",
        "zero_weights": "权重合计为 0，无从拆分",
        "would_replace": "{kr} 在 {path} 中已有数字，这次拆分会替换它们：",
        "unchanged": "未做任何改动。如要替换，请加上 --replace。",
        "cannot_edit": "{path}：无法把拆分写入文件：{error}。未做任何改动。",
        "dry_replacing": "会替换文件中已有的数字（需加上 --replace）：",
        "dry_run": "试运行：{path} 未改动。",
        "put_back": "拆分后文件会有问题，{path} 已恢复原样：\n{found}",
        "wrote": "已写入 {path}。",
        "as_written": "{path} 中已是这些数字，未改动。",
        "split": "{kr} {title}：{owner}的 {target}，{how}拆给 {n} 个成员：",
        "equal": "平均", "weight": "按权重", "last-period": "按 {period}{gap}的完成量",
        "total": "合计",
        "due": "每个{over}末应累计完成：{due}",
        "months": "月", "weeks": "周",
        "colon": "：", "sep": "、",
    },
}  # fmt: skip
"""What ``okrdesk split`` says, in each language."""


def _weights_from_file(path: Path, plan: Plan, owner: str, lang: str) -> dict[str, float]:
    said = _SAID[lang]
    try:
        # A byte-order mark, as Windows Notepad saves a file, is no part of it.
        text = path.read_bytes().decode("utf-8-sig")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise BadInput(
            said["unreadable_weights"].format(path=path, error=said["no_file"])
        ) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise BadInput(said["unreadable_weights"].format(path=path, error=reason)) from None
    except UnicodeDecodeError:
        raise BadInput(
            said["unreadable_weights"].format(path=path, error=said["not_utf8"])
        ) from None
    except tomllib.TOMLDecodeError as error:
        from okrdesk.targets.load import syntax_problem

        raise BadInput(syntax_problem(str(path), text, error).text(lang)) from None
    below = set(subjects_under(plan, owner)) - {owner}
    weights, problems = {}, []
    lines = KeyLocator(text)
    for member, weight in data.items():
        at = f"{path}:{lines.line_of((member,))}"  # each mistake at its line, all at once
        if member not in below:
            problems.append(said["not_below"].format(path=at, member=member, owner=owner))
            continue
        try:
            weights[member] = _weight(at, member, weight, lang)
        except BadInput as problem:
            problems.append(problem.said_in(lang))
    if problems:
        raise BadInput("\n".join(problems))
    if not weights:
        raise BadInput(said["no_weights"].format(path=path))
    return weights


def _weight(path: str, member: str, weight: object, lang: str) -> float:
    """A weight as a number, or as a person types one in quotes: "1,200", "30%"."""
    number: Decimal | None = None
    if isinstance(weight, int | float) and not isinstance(weight, bool):
        number = Decimal(str(weight))
    elif isinstance(weight, str):
        try:
            number = parse_quantity(UNITS["ratio"], weight)
        except ValueError as error:
            said = UnreadableFigure.in_language(error, lang)
            raise BadInput(
                _SAID[lang]["weight_unreadable"].format(path=path, member=member, error=said)
            ) from None
    if number is None or not number.is_finite() or number < 0:
        raise BadInput(
            _SAID[lang]["bad_weight"].format(path=path, member=member, weight=repr(weight))
        )
    return float(number)


@attrs.frozen
class Achieved:
    """What each member achieved over the periods a split by last period counts."""

    weights: dict[str, float]
    """Each member's achievement; nothing, or less, is 0."""
    label: str
    """The periods counted, as the reader names them: 2026-W46, 2026-W27 – 2026-W39."""


def _achieved(
    session: Session, kr: KeyResult, members: list[str], as_of: dt.date, period: str | None,
    lang: str,
) -> Achieved:  # fmt: skip
    said = _SAID[lang]
    plan = session.plan
    spec = session.host.metrics.get(kr.metric or "")
    rate = kr.unit.dimension not in (Dimension.COUNT, Dimension.MONEY)
    if rate or (spec is not None and spec.kind is MetricKind.RATIO):
        raise BadInput(said["a_rate"].format(kr=kr.id, unit=kr.unit.symbol))
    complete = [p for p in plan_periods(plan, as_of) if p.end < as_of]
    earlier = False
    if period is not None:
        chosen = period_named(plan, period, as_of, lang)
        complete = [p for p in complete if chosen.start <= home_day(p, plan.grain) <= chosen.end]
        grain = ALERTS[f"cadence.{plan.grain.value}"][lang]
        earlier = chosen.end < plan.start  # last year's: the next plan shared by this one
        if earlier and spec is None:
            raise BadInput(said["before_plan"].format(period=chosen.id, start=plan.start,
                                                      kr=kr.id))  # fmt: skip
        if earlier:
            complete = list(periods_homed(chosen.start, chosen.end, plan.grain))
        if chosen.start > plan.end:  # next year's: no week of it is this plan's to end
            raise BadInput(said["after_plan"].format(period=chosen.id, end=plan.end,
                                                     grain=grain))  # fmt: skip
        if not complete:
            raise BadInput(said["none_ended_in"].format(grain=grain, period=chosen.id, day=as_of))
    elif not complete:
        raise BadInput(said["none_ended"].format(day=as_of))
    else:
        complete = complete[-1:]
    counted = PeriodRun(tuple(complete), complete[0].start, complete[-1].end)
    store = stored(session.workspace)
    if store is None:
        raise BadInput(said["no_numbers"])
    ids = counted.ids
    label = ids[0] if len(ids) == 1 else f"{ids[0]} – {ids[-1]}"
    if period is not None and label != chosen.id:
        label = f"{chosen.id}（{label}）" if lang == "zh" else f"{chosen.id} ({label})"
    # A member with no figure for the periods (none stored, no check-in in them) has
    # achieved nothing there; but where none has one, the periods are not yet collected
    # or checked in, which "achieved nothing" would misreport.
    with store, store.reading():
        if spec is None:
            grew = _checked_in(store, plan, kr, Period(counted.first, counted.last, ""))
            figures = {m: [grew[s] for s in subjects_under(plan, m) if s in grew]
                       for m in members}  # fmt: skip
            weights = {m: sum(found) if found else None for m, found in figures.items()}
            if all(w is None for w in weights.values()):
                raise BadInput(said["no_checkins"].format(kr=kr.id, period=label, gap=_gap(label)))
        else:
            # Last year's figures of a member may be typed in [[baselines]], where the
            # store was started with this plan.
            weights = {m: window_figure(plan, store, spec, m, counted, baselines=earlier).value
                       for m in members}  # fmt: skip
            if all(w is None for w in weights.values()) and earlier:
                reached = store.first_period_start(spec.name, plan.grain)
                since = "" if reached is None else said["since"].format(start=reached)
                raise BadInput(said["not_stored_before"].format(
                    metric=spec.name, period=label, gap=_gap(label), since=since
                ))  # fmt: skip
            if all(w is None for w in weights.values()):
                through = store.collected_through(spec.name, plan.grain)
                if through is None:
                    raise BadInput(said["no_numbers"])
                if through < counted.last:
                    raise BadInput(said["no_figures"].format(
                        metric=spec.name, period=label, gap=_gap(label), through=through
                    ))  # fmt: skip
                # Collected over the periods, with no row of any member's: a plugin stores
                # no row of nothing, a week with no new client.
                raise BadInput(said["nothing_achieved"].format(period=label, gap=_gap(label)))
    if not any(w is not None and w > 0 for w in weights.values()):
        raise BadInput(said["nothing_achieved"].format(period=label, gap=_gap(label)))
    return Achieved({m: max(w or 0.0, 0.0) for m, w in weights.items()}, label)


def _gap(label: str) -> str:
    """The space between a period and the Chinese word after it: none after a closing
    full-width bracket (2026-Q3（2026-W27 – 2026-W39）的完成量), one after 2026-W48."""
    return "" if label.endswith("）") else " "


def _checked_in(store: StoreReader, plan: Plan, kr: KeyResult, period: Period) -> dict[str, float]:
    """What each subject's check-ins of ``kr`` (to-date figures) grew by in ``period``,
    for the subjects that checked in during it."""
    latest: dict[str, dict[bool, float]] = {}
    for entry in sorted(of_the_plan(plan, store.checkins(kr.id)), key=lambda c: (c.day, c.id)):
        if entry.day <= period.end:
            latest.setdefault(entry.subject, {})[entry.day < period.start] = entry.value
    return {
        subject: values[False] - values.get(True, 0.0)
        for subject, values in latest.items()
        if False in values
    }


def _hand_set(plan: Plan, kr: KeyResult, split: Split, over: str | None, lang: str) -> list[str]:
    """The figures already in the file that this split would change, one line each."""
    said = _SAID[lang]
    unit = kr.unit
    new = {m: unit.to_base(v) for m, v in split.members.items()}
    old = dict(kr.member_targets)
    changed = []
    if old and old != new:
        for member in [*old, *(m for m in new if m not in old)]:
            if old.get(member) != new.get(member):
                before = said_back(unit, old[member], lang) if member in old else said["none"]
                after = said_back(unit, new[member], lang) if member in new else said["none"]
                name = f"  {member} {plan.name_of(member)}{said['colon']}"
                changed.append(f"{name}{before} → {after}")
    written = {p.period: p.fraction for p in kr.calendar}
    if over and written and written != dict(split.calendar):
        changed.append(said["calendar"].format(
            n=len(written), periods=said["sep"].join(written), count=len(split.calendar),
            over=said[over],
        ))  # fmt: skip
    return changed


def run_split(
    session: Session,
    key_result: str,
    unit: str,
    by: str,
    weights_file: Path | None,
    over: str | None,
    dry_run: bool,
    as_of: dt.date | None = None,
    replace: bool = False,
    lang: str = "en",
    period: str | None = None,
) -> list[str]:
    said = _SAID[lang]
    plan = session.plan
    kr = find_key_result(plan, key_result, lang)
    owner = owner_of(plan, kr)
    if unit not in plan.units_by_id:
        hint = said["belongs"].format(kr=kr.id, owner=owner)
        raise BadInput(no_such("unit", unit, plan.units_by_id, hint, lang))
    if unit != owner:
        raise BadInput(said["not_owner"].format(kr=kr.id, owner=owner, unit=unit))
    if (weights_file is not None) != (by == "weight"):
        raise BadInput(said["weights_flag"])
    if period is not None and by != "last-period":
        raise BadInput(said["period_flag"])
    members = default_members(plan, owner)
    achieved: Achieved | None = None
    if by == "weight" and weights_file is not None:
        weights = _weights_from_file(weights_file, plan, owner, lang)
    elif by == "last-period":
        clock.refuse_after_today(as_of)  # a period "complete" by then has days to come
        achieved = _achieved(session, kr, members, as_of or clock.today(), period, lang)
        weights = achieved.weights
    else:
        weights = dict.fromkeys(members, 1.0)
    if not weights:
        raise BadInput(said["no_members"].format(owner=owner))
    # Said here in the reader's words; the share engine refuses the same in English.
    spec = session.host.metrics.get(kr.metric or "")
    if not splittable(kr, spec.kind if spec else None):
        raise BadInput(said["no_target"].format(kr=kr.id))
    if sum(weights.values()) <= 0:
        raise BadInput(said["zero_weights"])
    periods = plan_periods(plan, plan.end, OVER[over]) if over else ()
    split = split_target(plan, kr, owner, weights, spec.kind if spec else None, periods)
    how = said[by].format(
        period=achieved.label if achieved else "", gap=_gap(achieved.label) if achieved else ""
    )
    lines = _describe(plan, split, how, over, lang)
    left = [m for m in weights if m not in split.members]
    if achieved is not None and (idle := [m for m in left if achieved.weights[m] == 0]):
        lines.append(said["achieved_nothing"].format(members=said["sep"].join(idle),
                                                     period=achieved.label,
                                                     gap=_gap(achieved.label)))  # fmt: skip
        left = [m for m in left if m not in idle]
    if left:
        lines.append(said["no_share"].format(members=said["sep"].join(left)))
    path = session.loaded.objective_files[kr.objective]
    shown = display_path(path, session.workspace.root)
    changed = [] if replace else _hand_set(plan, kr, split, over, lang)
    if changed and not dry_run:
        raise BadInput("\n".join(
            [said["would_replace"].format(kr=kr.id, path=shown), *changed, said["unchanged"]]
        ))  # fmt: skip
    old = path.read_bytes()
    try:
        new = edit_key_result_tables(
            old, kr.objective, kr.key,
            dict(split.members), dict(split.calendar) if over else None,
        )  # fmt: skip
    except CannotEdit as error:
        raise BadInput(
            said["cannot_edit"].format(path=shown, error=error.said.text(lang))
        ) from None
    if dry_run:
        replacing = [said["dry_replacing"], *changed]
        return [*lines, *(replacing if changed else []), said["dry_run"].format(path=shown)]
    if new == old:  # run again with the same settings: the file already says this
        return [*lines, said["as_written"].format(path=shown)]
    rewrite(path, new)
    checked = open_session(session.workspace.root)
    if checked.problems:
        rewrite(path, old)
        found = "\n".join(problem.text(lang) for problem in checked.problems)
        raise OkrdeskError(said["put_back"].format(path=shown, found=found))
    return [*lines, said["wrote"].format(path=shown)]


def _describe(plan: Plan, split: Split, how: str, over: str | None, lang: str) -> list[str]:
    said = _SAID[lang]
    kr = split.key_result
    unit = kr.unit
    lines = [said["split"].format(
        kr=kr.id, title=kr.title, target=said_back(unit, unit.to_base(split.target), lang),
        owner=f"{plan.name_of(split.owner)} ({split.owner})" if lang == "en"
        else f"{plan.name_of(split.owner)}（{split.owner}）", how=how, n=len(split.members),
        members=counted(len(split.members), "member"),
    )]  # fmt: skip
    total_word = said["total"]
    # The id the file keeps, then the name a manager knows the member by.
    total = sum(split.members.values(), Decimal(0))
    rows = [
        (member, plan.name_of(member), said_back(unit, unit.to_base(value), lang))
        for member, value in split.members.items()
    ]
    if members_add_up(kr, split.kind):
        # A rate's members each hold the whole of it: nothing to add up.
        rows.append((total_word, "", said_back(unit, unit.to_base(total), lang)))
    # Each column by the cells a terminal gives it (a Chinese character two, an accent
    # written as its own mark none), the figures right-aligned, so that their digits
    # stand under one another.
    width = max(display_width(m) for m, _, _ in rows)
    named = max(display_width(name) for _, name, _ in rows)
    figures = max(display_width(figure) for _, _, figure in rows)
    for member, name, figure in rows:
        lines.append(f"  {padded(member, width)}  {padded(name, named)}  "
                     f"{padded(figure, figures, right=True)}")  # fmt: skip
    if over:
        due = said["sep"].join(f"{p} {float(f):.1%}" for p, f in split.calendar.items())
        lines.append(said["due"].format(over=said[over], due=due))
    return lines
