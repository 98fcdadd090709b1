"""Every number behind a key result's figure, with where each came from; and how a
score on the report is made: a unit's or person's from its objectives' scores, an
objective's from its key results' attainment, each step with the figures the report
shows, so that a manager can add them up by hand."""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

import attrs

from okrdesk import clock
from okrdesk.app.checkin import shown_against
from okrdesk.app.history import kept_of, kept_said
from okrdesk.app.session import (
    Session,
    chosen_subject,
    find_key_result,
    find_subject,
    store_to_read,
    unit_as_report_takes_it,
)
from okrdesk.engine.budget import (
    LineProgress,
    apart_by_plan,
    budget_progress,
    revenue_key_results,
)
from okrdesk.engine.growth import GrowthBasis, base_run, growth_basis, growth_closes
from okrdesk.engine.growth_bases import last_asked
from okrdesk.engine.pace import Status, closes_on, runs_from_baseline
from okrdesk.engine.plan_calendar import (
    before_the_plan,
    clamp_to_plan,
    of_the_plan,
    plan_run_units,
)
from okrdesk.engine.progress import (
    Engine,
    KeyResultProgress,
    ObjectiveProgress,
    counted_attainment,
    counts_as_nothing,
    key_results_for,
)
from okrdesk.engine.restated import counted_past, goes_on_changing, settles_on
from okrdesk.engine.rollup import Figure, Rollup, checkin_counts, subjects_under
from okrdesk.engine.tree_targets import owner_of
from okrdesk.engine.windows import NoChange, PeriodRun, WindowFigure, window_figure, window_view
from okrdesk.errors import EXIT_FAILED, BadInput, OkrdeskError, Said, display_path, printable
from okrdesk.figures_apart import Quantity, attainment_short, beside_target
from okrdesk.formula import is_fact, parse
from okrdesk.messages import (
    EXPLAIN_MEMBERS,
    counted,
    display_width,
    label,
    padded,
    window_label,
)
from okrdesk.model import (
    KeyResult,
    MetricKind,
    MetricSpec,
    Objective,
    Observation,
    OverTime,
    Plan,
    Run,
    SpendEntry,
    StoredObservation,
    latest_read,
    slice_of,
)
from okrdesk.periods import (
    Over,
    default_window,
    in_grain_order,
    local_time,
    parse_period,
    parse_window,
    period_holding,
)
from okrdesk.plugins.citations import source_text, worded_zero
from okrdesk.plugins.clashes import clash_advice, declared_by_several
from okrdesk.plugins.manager import PluginHost
from okrdesk.plugins.undeclared import definition_mistakes
from okrdesk.report.breakdown import slice_label
from okrdesk.report.explained_by_member import MemberFigures
from okrdesk.report.folded_lines import folded
from okrdesk.report.line_cut import one_line
from okrdesk.report.numbers import attainment_percent, percent, score_text
from okrdesk.report.subject_names import names_told_apart
from okrdesk.report.text_layout import Text
from okrdesk.store import Store
from okrdesk.targets.reader import no_such
from okrdesk.targets.settings import Workspace
from okrdesk.units import (
    Dimension,
    UnitOfMeasure,
    half_up,
    ledger_amount,
    money,
    parse_quantity,
    percentage,
    written,
)
from okrdesk.units import figure as plain_figure

_SAID: dict[str, dict[str, str]] = {
    "en": {
        "for": "for {name} ({subject}) as of {day}",
        "outside": "{subject} is not inside {owner}, which {kr} belongs to: no figure of "
        "theirs counts in it; --{flag} {owner}, or a unit or person inside it",
        "checkpoint": "a checkpoint, closed on {day}: the figure as it stood that day, which "
                      "the report shows; nothing after it counts",
        "before_its_phase": "no attainment yet: its target is {phase}'s own figure, and "
        "{phase} has none; its objective's score leaves it out until it has",
        "from_baseline": "attained {attainment} = ({actual} − {baseline}) ÷ ({target} − "
                         "{baseline}): from the baseline, not from 0{rounded}",
        "from_baseline_rounded": " (worked out before the figures were rounded)",
        "phase_due": "due {due} = {baseline} + ({target} − {baseline}) × {share}, the share "
                     "of the way due by {day} on its milestones {{ {milestones} }}, counted from "
                     "the plan's first day, {start} (not from {phase}'s); held against {figure}",
        "due_line": "due {due} = {baseline} + ({target} − {baseline}) × {share}, the share of "
                    "the way due by {day} {how}",
        "due_line_from_zero": "due {due} = {target} × {share}, the share of it due by {day} {how}",
        "ahead": "ahead, not met: {actual} reaches its target of {target}, but a rate, a "
                 "level or a net flow can fall back short of it by {closes}; it is met only "
                 "if it still reaches it then",
        "short_of_nothing": "off track: {actual} is short of its target of {target}, which "
                            "asks nothing beyond where it started: any shortfall is behind, "
                            "from the first day",
        "due_milestones": "on its milestones {{ {milestones} }}",
        "due_calendar": "on its calendar",
        "due_evenly": "with the plan's days, having no milestones",
        "phase_due_from": "due {due} = {baseline} + ({target} − {baseline}) × {share}, the "
                          "share of the way due by {day} on its milestones {{ {milestones} }}, "
                          "counted from {phase}'s first period, {period} (starting {start}): "
                          "nothing is due of {phase}'s own rate before it; held against "
                          "{figure}",
        "phase_due_own": "{phase}'s own figure",
        "phase_due_to_come": "the plan's figure to date until {phase} has figures",
        "checkpoint_changed": "a checkpoint, closed on {day}: the figures of its periods up "
                              "to that day, which the report shows; but they go on changing "
                              "after their periods end, and count changes after {since} up "
                              "to {through}",
        "through": "figures through {through}: {period} runs to {end}, past {day}, and is "
                   "stored whole; a period's figure cannot be cut at a day",
        "no_data": "no data",
        "ends_early": " (figures as of {day}: the latest stored; judged on that day)",
        "no_ratio": "no data (0 / 0)",
        "nothing_stored": "no numbers yet: run `okrdesk collect` (or `okrdesk checkin`) first",
        "metric": "metric {metric} ({rule}), plugin {plugins}",
        "parts": "numerator {numerator} ({numerator_over}) / "
                 "denominator {denominator} ({denominator_over})",
        "none_yet": "No observations yet: run `okrdesk collect`.",
        "none_failed": "No observations: the last collect of it (run {run}, {day}) failed it: "
                       "{error}",
        "none_through": "No observation of it up to {through}.",
        "no_rows": "no row counts, so 0; {source}",
        "none_of_slice": "No observation of the slice \"{slice}\" up to {through}: each "
                         "figure of it up to then is split into slices, none of them this "
                         "one, or is 0; so 0.",
        "stock_slice_none": "No level of the slice \"{slice}\" in {period}, the latest "
                            "period up to {through}: the level then is split into slices, "
                            "none of them this one, or is 0; so 0.",
        "stock_none": "No level of it in {period}, the latest period up to {through}: a "
                      "stock counts that period's alone; so no data.",
        "rows": "{observations}, from {runs}:",
        "base_rows": "last year's figure it grows on: {observations}, from {runs}{by}",
        "asked_none": "  last year's periods asked of its source by collect run {run} ({day}): "
                      "it had no rows of {n} of them ({first} … {last}); okrdesk collect "
                      "--metric {metric} asks again",
        "kept_unreached": "  {periods}: as collect run {stored} stored {them}; run {run} ({day}) "
                          "kept {them} unchanged, as its source held only {first} to {last}, "
                          "not the whole of {them}",
        "kept_periods": "{n} periods ({first} … {last})",
        "base_by_member": ", added up by member:",
        "base_listed": ":",
        "with_slices": "{observations} (and {slices} of them)",
        "only_slices": "{slices}",
        "counted": "its figures go on changing after their periods end: those below are as "
                   "collected through {through}, changes after {since} included",
        "partial": "  [partial: through {day}]",
        "others": "({observations} of other periods do not count here.)",
        "derived": "metric {metric} = {formula}, computed from the inputs rolled up to "
                   "{subject} (a ratio of sums, never a sum of ratios)",
        "headcount": "{name} = {count} ({people} at or under {subject} in the plan)",
        "people": "people", "people_of": "people of role {role}",
        "input": "metric {metric}",
        "growth": "growth target, window {window}, as the report sets it:",
        "window": "{name} {value}, as the report writes it: {periods}",
        "compared": "  {over}: {earlier}: {periods}; {change}",
        "actual": "  actual {value} over {periods}",
        "no_target": "  no target: last year's figure is {value} ({periods})",
        "no_year": "  no target: last year's figure is no data ({periods})",
        "part_year": "  no target: {unknown} periods of last year never collected ({periods});"
                     " type them in [[baselines]]",
        "target": "  target {target} = last year {year} {grown}; {periods}",
        "due": "  due {due} = the same periods last year {then} {grown}; {periods}",
        "part": "; {period} counted for {days} of its {of} days, as far as this year's "
                "figures reach",
        "span": "{span}: {found} of {periods} with a figure{typed}",
        "no_periods": "no periods",
        "from_baselines": ", {count} from [[baselines]]",
        "checkins": "tracked by check-ins; the latest counts (`okrdesk history {kr}` lists "
                    "all, withdrawn ones too)",
        "no_checkins": "No check-ins yet: `okrdesk checkin {kr} VALUE{subject}`.",
        "held": "Not counted: {n} of {kr} ({first} to {last}) kept under unit {old}, most "
                "likely the plan's unit id before it was changed to {top}, until `okrdesk "
                "move-unit {old}{from_plan}` moves them here.",
        "counts": "  <- counts",
        "by": " by {author}",
        "confidence": ", confidence {confidence}",
        "recorded": "recorded {when}",
        "moved": "; made for unit {old}, moved here {day} (`okrdesk move-unit`)",
        "unprovided": "{kr} cannot be measured: no loaded plugin provides metric {metric}",
        "undeclared": "{kr} cannot be measured: plugin {plugin} could not declare metric "
                      "{metric}: {mistakes}",
        "declared_twice": "{kr} cannot be measured: {why}; {advice}",
        "unloaded": "; plugins that did not load or declare all their metrics: {plugins}",
        "not_run": "; the workspace's own plugins ({files}) were not run: `okrdesk trust` "
                   "allows them",
        "unchecked": "; the workspace's own plugins ({files}) were not run: okrdesk cannot "
                     "check this workspace's code to trust it: {why}",
        "stored_none": "Nothing is stored of metric {metric}.",
        "plugin_gone": "plugin {plugin}, which stored it, is not loaded: {why}",
        "not_installed": "no plugin named {plugin} is installed (or OKRDESK_LOAD_PLUGINS "
                         "leaves it out); `okrdesk plugins` lists those there are",
        "no_longer": "it loaded, but declares no metric {metric} now",
        "stored_rows": "Stored of it: {observations}, from {runs}, as collected; not added "
                       "up, since how {metric} adds up is its plugin's to say:",
        "share": "its share of the target: {share} ({kr}'s target is {target}), "
                 "{attained} attained",
    },
    "zh": {
        "for": "{name} ({subject})  截至 {day}",
        "outside": "{subject} 不在 {kr} 所属的 {owner} 之内，其数字不计入 {kr}：请用 "
        "--{flag} {owner}，或 {owner} 之内的单位、人员",
        "checkpoint": "检查点，{day} 截止：取当日的数字（报告显示的也是它），之后的数据不计入",
        "before_its_phase": "完成率暂无：目标是 {phase} 阶段自身的数字，{phase} 尚无数字；"
        "有数字前不计入目标得分",
        "from_baseline": "完成率 {attainment} =（{actual} − {baseline}）÷（{target} − "
                         "{baseline}）：自起点算起，不是从 0{rounded}",
        "from_baseline_rounded": "（由舍入前的数字算得）",
        "phase_due": "应完成 {due} = {baseline} +（{target} − {baseline}）× {share}：截至 "
                     "{day} 应走完的进度，按里程碑 {{ {milestones} }} 自计划首日 {start} 起算"
                     "（不是从 {phase} 开始算）；比较的是{figure}",
        "due_line": "应完成 {due} = {baseline} +（{target} − {baseline}）× {share}：截至 {day} "
                    "应走完的进度，{how}",
        "due_line_from_zero": "应完成 {due} = {target} × {share}：截至 {day} 应完成的比例，{how}",
        "ahead": "领先，尚未达标：{actual} 已达到目标 {target}，但比率、存量、净流量在 {closes} "
                 "前仍可能退回；届时仍达到目标才算达标",
        "short_of_nothing": "落后：{actual} 不及目标 {target}；此目标不高于起点，没有要按进度"
                            "完成的部分，不及即为落后",
        "due_milestones": "按里程碑 {{ {milestones} }}",
        "due_calendar": "按时间进度表（calendar）",
        "due_evenly": "未写里程碑，按计划的天数均匀计",
        "phase_due_from": "应完成 {due} = {baseline} +（{target} − {baseline}）× {share}：截至 "
                          "{day} 应走完的进度，按里程碑 {{ {milestones} }} 自 {phase} 的首个周期 "
                          "{period}（{start} 起）起算：{phase} 阶段自身的比率在此之前无应完成"
                          "进度；比较的是{figure}",
        "phase_due_own": " {phase} 阶段自身的数字",
        "phase_due_to_come": "计划开始至今的数字（{phase} 阶段有数字前）",
        "checkpoint_changed": "检查点，{day} 截止：取截至当日各周期的数字（报告显示的也是它）；"
                              "但这些周期的数字其后仍会变动，已含 {since} 之后至 {through} 的变动",
        "through": "数据截至 {through}：{period} 至 {end} 才结束，晚于 {day}，"
                   "按整个周期存储，无法按日切分",
        "no_data": "无数据",
        "ends_early": "（数据截至 {day}：库中最新的数字，按这一天判断）",
        "no_ratio": "无数据（0 / 0）",
        "nothing_stored": "尚未采集任何数据：请运行 `okrdesk collect`（或 `okrdesk checkin`）",
        "metric": "指标 {metric}（{rule}），来自插件 {plugins}",
        "parts": "分子 {numerator}（{numerator_over}）/ 分母 {denominator}（{denominator_over}）",
        "none_yet": "还没有数据：请先运行 `okrdesk collect`。",
        "none_failed": "没有数据：最近一次采集它（第 {run} 次，{day}）失败：{error}",
        "none_through": "截至 {through} 没有它的观测值。",
        "no_rows": "没有计入的行，按 0 计；{source}",
        "none_of_slice": "截至 {through} 没有切片「{slice}」的观测值：此前它的数字都已按维度拆分"
                         "（没有这一项），或为 0，所以按 0 计。",
        "stock_slice_none": "截至 {through} 的最近一期 {period} 没有切片「{slice}」的数值："
                            "那一期的数值已按维度拆分（没有这一项），或为 0，所以按 0 计。",
        "stock_none": "截至 {through} 的最近一期 {period} 没有它的数值：存量只取那一期的值，"
                      "所以暂无数据。",
        "rows": "{observations}，来自第 {runs} 次采集：",
        "base_rows": "增长所依据的去年数字：{observations}，来自第 {runs} 次采集{by}",
        "asked_none": "  第 {run} 次采集（{day}）向数据源读取过上年的这些周期：其中 {n} 个"
                      "没有任何行（{first} … {last}）；okrdesk collect --metric {metric} "
                      "会再读一次",
        "kept_unreached": "  {periods}：是第 {stored} 次采集存下的数字；第 {run} 次采集（{day}）"
                          "的数据源只有 {first} 至 {last} 的数据，不含{them}的全部日子，"
                          "所以照原样保留，没有重述",
        "kept_periods": "{n} 个周期（{first} … {last}）",
        "base_by_member": "，按成员合计：",
        "base_listed": "：",
        "with_slices": "{observations}（另列其中的 {slices} 个切片）",
        "only_slices": "{slices} 个切片",
        "counted": "此指标各周期的数字在周期结束后仍会变动：下列数字是截至 {through} 采集到的，"
                   "含 {since} 之后的变动",
        "partial": "  [未完结：数据截至 {day}]",
        "others": "（另有其他周期的 {observations}，不计入此处。）",
        "derived": "指标 {metric} = {formula}，由汇总到{subject}的各项输入算出"
                   "（先各自相加再计算，不是比率相加）",
        "headcount": "{name} = {count}（计划中{subject}及其下属的{people}）",
        "people": "人数", "people_of": "角色为 {role} 的人数",
        "input": "指标 {metric}",
        "growth": "增长目标，窗口 {window}，与报告的算法相同：",
        "window": "{name} {value}，与报告的算法相同：{periods}",
        "compared": "  {over}：{earlier}：{periods}；{change}",
        "actual": "  实际 {value}，{periods}",
        "no_target": "  无目标：去年的数字为 {value}（{periods}）",
        "no_year": "  无目标：去年无数据（{periods}）",
        "part_year": "  无目标：去年有 {unknown} 个周期未采集过（{periods}）；"
                     "可在 [[baselines]] 中补录",
        "target": "  目标 {target} = 去年 {year} {grown}；{periods}",
        "due": "  应完成 {due} = 去年同期 {then} {grown}；{periods}",
        "part": "；其中 {period} 按今年数字已到的 {days}/{of} 天计",
        "span": "{span}：{periods} 个周期中 {found} 个有数字{typed}",
        "no_periods": "无周期",
        "from_baselines": "，其中 {count} 个来自 [[baselines]]",
        "checkins": "由打卡跟踪，以最近一次为准（`okrdesk history {kr}` 列出全部，含已撤回的）",
        "no_checkins": "还没有打卡：`okrdesk checkin {kr} 数值{subject}`。",
        "held": "未计入：{kr} 的 {n} 条打卡（{first} 至 {last}）记在单位 {old} 名下（很可能是"
                "计划的单位 id 改为 {top} 之前的 id），`okrdesk move-unit {old}{from_plan}` 把它们"
                "移过来之前不计入。",
        "counts": "  ← 计入",
        "by": " · {author}",
        "confidence": " · 信心 {confidence}",
        "recorded": "记录于 {when}",
        "moved": " · 原记在单位 {old} 名下，{day} 由 `okrdesk move-unit` 移来",
        "unprovided": "{kr} 无法测量：已加载的插件都不提供指标 {metric}",
        "undeclared": "{kr} 无法测量：插件 {plugin} 未能声明指标 {metric}：{mistakes}",
        "declared_twice": "{kr} 无法测量：{why}；{advice}",
        "unloaded": "；未能加载或未能声明全部指标的插件：{plugins}",
        "not_run": "；本工作区自带的插件（{files}）未运行：`okrdesk trust` 可允许它们运行",
        "unchecked": "；本工作区自带的插件（{files}）未运行：okrdesk 无法核对此工作区的代码，"
                     "也就无法信任它：{why}",
        "stored_none": "指标 {metric} 没有任何已存的数据。",
        "plugin_gone": "存入它的插件 {plugin} 未加载：{why}",
        "not_installed": "没有安装名为 {plugin} 的插件（或 OKRDESK_LOAD_PLUGINS 未列出它）；"
                         "`okrdesk plugins` 列出已有的插件",
        "no_longer": "它已加载，但现在不再声明指标 {metric}",
        "stored_rows": "已存的数据：{observations}，来自第 {runs} 次采集，按采集时的原样列出；"
                       "未加总，因为 {metric} 如何加总要由其插件决定：",
        "share": "分解目标 {share}（{kr} 的目标为 {target}），完成率 {attained}",
    },
}  # fmt: skip
"""What ``explain`` says, in each report language; its figures follow the same one."""
_RULES: dict[str, dict[MetricKind, str]] = {
    "en": {
        MetricKind.FLOW: "flow: summed over time and people",
        MetricKind.STOCK: "stock: the latest period's, summed over people",
        MetricKind.RATIO: "ratio: Σ numerator / Σ denominator",
    },
    "zh": {
        MetricKind.FLOW: "流量：各周期、各人相加",
        MetricKind.STOCK: "存量：取最近一期的值，各人相加",
        MetricKind.RATIO: "比率：Σ 分子 / Σ 分母",
    },
}
_OVER: dict[str, dict[OverTime, str]] = {
    "en": {OverTime.SUM: "sum", OverTime.LAST: "last", OverTime.FIRST: "first"},
    "zh": {OverTime.SUM: "逐期相加", OverTime.LAST: "取期末", OverTime.FIRST: "取期初"},
}
_HEADING = {
    "en": ("period", "subject", "value", "run", "source"),
    "zh": ("周期", "对象", "数值", "采集", "来源"),
}


def explain_lines(
    session: Session,
    key_result: str,
    person: str | None,
    unit: str | None,
    as_of: dt.date | None,
    lang: str = "zh",
    width: int | None = None,
) -> list[str]:
    """Every number behind a key result's figure, its figures written as the report in
    ``lang`` writes them (in the unit of the target file); a table's rows folded to
    ``width`` cells, where given."""
    plan = session.plan
    kr = find_key_result(plan, key_result, lang)
    subject = find_subject(plan, kr, person, unit, lang)
    day = _day_of_the_plan(plan, as_of)
    subjects = subjects_under(plan, subject)
    said = _SAID[lang]
    holder = plan.objectives_by_id[kr.objective].owner
    if subject not in subjects_under(plan, holder):
        # Another team's figure of the same metric is no part of this key result.
        flag = "person" if holder in plan.people_by_id else "unit"
        raise BadInput(said["outside"].format(subject=subject, owner=holder, kr=kr.id, flag=flag))
    lines = [f"{kr.id} {kr.title}", subject_line(plan, subject, day, lang)]
    closing = closes_on(plan, kr)
    checkpoint = None
    asked = day
    if closing is not None and closing <= day:
        # The report judges a checkpoint as it stood on its day: explain that figure.
        checkpoint = len(lines)
        lines.append(said["checkpoint"].format(day=closing))
        day = closing
    store = store_to_read(session)
    if store is None:
        raise BadInput(nothing_stored(lang))
    with store, store.reading():
        # The same rollup the report uses, so the two always agree.
        engine = Engine(plan, store, day, session.host.metrics, trends=False, within=subject)
        rollup = engine.rollup
        if kr.metric is not None and engine.through != day:
            cut = period_holding(day, plan.grain)
            lines.append(said["through"].format(through=engine.through, period=cut.id,
                                                end=cut.end, day=day))  # fmt: skip
        short_of = _short_of(engine, kr, subject)
        started = _from_baseline(engine, kr, subject, lang, short_of) or _before_its_phase(
            engine, kr, subject, lang
        )
        share = _member_share(engine, kr, subject, lang, short_of)
        if kr.metric is None:
            lines += _explain_checkins(store, rollup, kr, subject, day, lang, width, short_of)
        else:
            spec = session.host.metrics.get(kr.metric)
            if spec is None:
                why = _unprovided(kr, session.host, session.workspace, lang)
                rows = store.observations(metric=kr.metric, subjects=subjects,
                                          through=engine.through, grain=plan.grain,
                                          since=plan.start)  # fmt: skip
                stored = _stored_only(kr, rows, session.host, names_told_apart(plan, lang),
                                      lang, width)  # fmt: skip
                raise NotMeasured(why, [*lines, *stored])
            lines += _counted_past(lines, checkpoint, closing, spec, store, engine, lang)
            if checkpoint is not None:
                lines += _settling(kr, subject, spec, store, engine, asked, lang)
            # A rate's checkpoint of a phase is the phase's own, as the report reads it.
            read = engine.phase_rollup(kr)
            lines += _phase_read(engine, kr, read, lang)
            figure = read.sliced(spec.name, subject, kr.where)
            basis = growth_basis(engine, kr, subject)
            if spec.formula is not None:
                lines += _explain_derived(kr, spec, figure, rollup, subject, session, lang,
                                          short_of)  # fmt: skip
                return _beside_figure(lines, share) + started
            # The plan's periods only: last year's, kept for 同比, are in no figure of it.
            rows = store.observations(
                metric=spec.name, subjects=subjects, through=engine.through, grain=plan.grain,
                sliced=bool(spec.dimensions), since=read.since,
            )  # fmt: skip
            if kr.where:
                rows = [r for r in rows if _in_slice(r, kr.where)]
            window_value = None
            if basis is not None:
                # A growth target's figure is its window's (the quarter's, for qtd), as
                # the report shows it: that figure, its rows and its members' figures.
                now = basis.now
                figure = Figure(now.value, now.numerator, now.denominator, now.found)
                rows = [r for r in rows if r.observation.period in now.periods]
                run = PeriodRun(tuple(map(parse_period, now.periods)), basis.whole.first,
                                basis.whole.last)  # fmt: skip

                def window_value(member: str) -> float | None:
                    return window_figure(plan, store, spec, member, run).value

            owner = session.host.owners.get(spec.name, "-")
            newest = store.runs_newest_first(plan_run_units(plan), naming=spec.name)
            why = _why_none(newest, spec.name, owner, engine.through, lang)
            latest = None
            if spec.kind is MetricKind.STOCK and basis is None:
                latest = store.edge_period(spec.name, OverTime.LAST, engine.through,
                                           plan.grain, read.since)  # fmt: skip
            if latest is not None and not any(r.observation.period == latest for r in rows):
                why = _no_level(kr, spec, figure, latest, engine.through, lang)
            elif kr.where and not rows and figure.value == 0:
                # The rollup's 0 for a slice of which none was counted (Rollup.sliced).
                why = _SAID[lang]["none_of_slice"].format(
                    slice=slice_label(spec, slice_of(kr.where), lang), through=engine.through
                )
            # Each member's attainment of its share, judged as the report judges it.
            attained = {p.subject: p.attainment for p in engine.shares_below(kr, subject)}
            members = MemberFigures(plan, read, kr, spec.name, subject, lang, attained,
                                    split_credit=spec.split_credit,
                                    value_of=window_value)  # fmt: skip
            # Figures ending before the report's say their day, as the report's due column.
            ends = engine.figure_day(kr, spec, subject)
            ends_early = ends if ends < engine.through and figure.value is not None else None
            lines += _explain_metric(kr, spec, figure, rows, lang, (owner, why), members,
                                     ends_early, width, short_of, latest)  # fmt: skip
            lines += _kept_by_later_runs(store, plan, spec.name, rows, lang)
            if basis is not None:
                lines += _explain_growth(kr, basis, lang)
                if basis.year.value is None or basis.year.unknown:
                    lines += _asked_of_last_year(engine, store, kr, base_run(engine, kr).ids, lang)
            if kr.growth is not None:
                told = members.wanted(rows)  # how to see one member's: said once
                lines += _base_rows(engine, kr, spec, subject, members, lang, width, told)
            if basis is None and (kr.window or kr.compare):
                lines += _explain_window(engine, store, kr, spec, subject,
                                        figure.value is not None, lang)  # fmt: skip
    return _beside_figure(lines, share) + started + _due_explained(engine, kr, subject, lang)


def _due_explained(engine: Engine, kr: KeyResult, subject: str, lang: str) -> list[str]:
    """How the report's due (应完成) of an open goal is made: the share of the way from
    the baseline to the target due by the figure's day, on its milestones, its calendar
    or evenly over the plan (``应完成 316户 = 360户 × 87.8%：…``). Of an open rate's
    checkpoint of a phase, the curve runs from the phase's first period where the
    milestones set nothing due before the phase (``{ Q2 = 1.0 }``), else from the plan's
    first day (``{ Q1 = 0.5, Q2 = 1.0 }``: 15.4% due on 10 June). Nothing for a
    guardrail, a closed checkpoint, a growth target (its window says how; past its target
    before its window's last day, why it is ahead) or a figure not there (nothing is
    held to it)."""
    p = engine.key_result(kr, subject)
    if (
        p is None or p.closed is not None or p.target.value is None or kr.guardrail
        or p.actual.value is None
    ):  # fmt: skip
        return []
    unit, said = kr.unit, _SAID[lang]
    if kr.growth is not None:
        if p.status is not Status.AHEAD:
            return []
        return [said["ahead"].format(
            actual=_result(unit, p.actual.value, lang), target=_result(unit, p.target.value, lang),
            closes=growth_closes(engine, kr),
        )]  # fmt: skip
    spec = engine.metrics.get(kr.metric or "")
    whole = unit.dimension is Dimension.COUNT and not (spec is not None and spec.split_credit)
    due = written(unit, p.expected, lang, whole=whole)
    if p.status in (Status.AT_RISK, Status.OFF_TRACK) and p.actual.value is not None:
        # As the report's column writes it: apart from the figure behind it.
        due = beside_target(unit, p.actual.value, p.expected, lang, whole=whole)[1]
    ahead = []
    if p.status is Status.AHEAD:
        ahead = [said["ahead"].format(
            actual=_result(unit, p.actual.value, lang), target=_result(unit, p.target.value, lang),
            closes=closes_on(engine.plan, kr) or engine.plan.end,
        )]  # fmt: skip
    elif p.status is Status.OFF_TRACK and p.pace is None:
        # A share of 0 short of it: nothing is due, so no pace says why it is behind.
        ahead = [said["short_of_nothing"].format(
            actual=_result(unit, p.actual.value, lang), target=_result(unit, p.target.value, lang),
        )]  # fmt: skip
    phase = engine.phase_of(kr)
    if phase is None:
        if kr.milestones:
            how = said["due_milestones"].format(
                milestones=", ".join(f"{m.phase} = {m.fraction}" for m in kr.milestones)
            )
        else:
            how = said["due_calendar" if kr.calendar else "due_evenly"]
        line = "due_line_from_zero" if p.baseline == 0 else "due_line"
        return [said[line].format(
            due=due, baseline=_result(unit, p.baseline, lang),
            target=_result(unit, p.target.value, lang), share=percent(p.due),
            day=p.due_on or engine.through, how=how,
        ), *ahead]  # fmt: skip
    figure = "phase_due_own" if p.phase is not None else "phase_due_to_come"
    start = p.due_from or engine.plan.start
    return [said["phase_due" if p.due_from is None else "phase_due_from"].format(
        due=due, baseline=_result(unit, p.baseline, lang),
        target=_result(unit, p.target.value, lang), share=percent(p.due),
        day=p.due_on or engine.through, start=start,
        period=period_holding(start, engine.plan.grain).id,
        milestones=", ".join(f"{m.phase} = {m.fraction}" for m in kr.milestones),
        figure=said[figure].format(phase=phase.id), phase=phase.id,
    ), *ahead]  # fmt: skip


def _phase_read(engine: Engine, kr: KeyResult, read: Rollup, lang: str) -> list[str]:
    """The report's line under the title of a rate's checkpoint of a phase: its figure
    is the phase's own, from its first period, or the plan's to date before that."""
    phase = engine.phase_of(kr)
    if phase is None:
        return []
    if read is not engine.rollup:
        period = period_holding(read.since, engine.plan.grain).id
        return [label(lang, "over_phase", phase=phase.id, day=read.since, period=period)]
    return [label(lang, "phase_to_come", phase=phase.id)]


def _member_share(
    engine: Engine, kr: KeyResult, subject: str, lang: str,
    short_of: tuple[float, float] | None,
) -> str | None:  # fmt: skip
    """A member's share of the key result's target and its attainment of it, as the
    report's row of that member gives them (``160户（O1.KR1 的目标为 360户），完成率
    77.5%``); None for a subject the key result sets no share for."""
    share = kr.member_targets.get(subject)
    if share is None:
        return None
    # The owner's target as the report states it: written, or its members' added up.
    judged, whole_of = engine.judged(kr, subject), engine.judged(kr, owner_of(engine.plan, kr))
    total = None if whole_of is None else whole_of.target.value
    if judged is None or total is None:
        return None
    whole = kr.unit.dimension is Dimension.COUNT
    target = written(kr.unit, float(share), lang, whole=whole)
    if short_of is not None:
        target = beside_target(kr.unit, short_of[0], float(share), lang, whole=whole)[1]
    return _SAID[lang]["share"].format(
        share=target, kr=kr.id, target=written(kr.unit, total, lang, whole=whole),
        attained=attainment_percent(judged.attainment),
    )  # fmt: skip


def _beside_figure(lines: list[str], share: str | None) -> list[str]:
    """``lines`` with a member's ``share`` under the figure's line (``= 124户``)."""
    if share is None:
        return lines
    at = next((i for i, line in enumerate(lines) if i >= 2 and line.startswith("= ")), 1)
    return [*lines[: at + 1], share, *lines[at + 1 :]]


def _before_its_phase(engine: Engine, kr: KeyResult, subject: str, lang: str) -> list[str]:
    """That a rate's checkpoint of a phase read before the phase has a figure has no
    attainment, and its objective's score leaves it out, as the report's does."""
    p = engine.key_result(kr, subject)
    if p is None or p.phase_to_come is None or p.actual.value is None:
        return []
    return [_SAID[lang]["before_its_phase"].format(phase=p.phase_to_come)]


def _from_baseline(
    engine: Engine, kr: KeyResult, subject: str, lang: str,
    short_of: tuple[float, float] | None,
) -> list[str]:  # fmt: skip
    """How the report's attainment of a key result that runs from a baseline other than 0
    is made, with its figures as the report writes them: 76.0% beside 3,380万 of 3,500万
    is (3,380万 − 3,000万) ÷ (3,500万 − 3,000万). Nothing for one that runs from 0."""
    p = engine.key_result(kr, subject)
    if (
        p is None or p.actual.value is None or p.target.value is None
        or not runs_from_baseline(kr.direction, kr.guardrail, p.baseline, p.attainment)
    ):  # fmt: skip
        return []
    unit, said = kr.unit, _SAID[lang]
    figures = (p.actual.value, p.baseline, p.target.value)
    shown = attainment_percent(p.attainment)
    redone = _attained_as_written(unit, figures, short_of)
    rounded = redone is not None and attainment_percent(redone) != shown
    return [said["from_baseline"].format(
        attainment=shown,
        actual=_result(unit, figures[0], lang, short_of),
        baseline=_result(unit, figures[1], lang),
        target=_result(unit, figures[2], lang),
        rounded=said["from_baseline_rounded"] if rounded else "",
    )]  # fmt: skip


def _attained_as_written(
    unit: UnitOfMeasure, figures: tuple[float, float, float],
    short_of: tuple[float, float] | None,
) -> float | None:  # fmt: skip
    """The attainment worked out by hand from (actual, baseline, target) as the report
    writes them (21.0%, 11%, 16%: 200.0%, where the unrounded 21.03% makes 200.6%); None
    where they cannot be read back."""
    try:
        actual, baseline, target = (
            parse_quantity(unit, _result(unit, value, "zh", short_of if n == 0 else None))
            for n, value in enumerate(figures)
        )
    except ValueError:
        return None
    if target == baseline:
        return None
    return max(0.0, float((actual - baseline) / (target - baseline)))


class NotMeasured(OkrdeskError):
    """A key result whose metric no loaded plugin provides: the command fails, since its
    figure cannot be computed, after showing what is stored of it (``listing``)."""

    exit_code = EXIT_FAILED

    def __init__(self, why: str, listing: Sequence[str]) -> None:
        super().__init__(why)
        self.listing = list(listing)


def _stored_only(
    kr: KeyResult, rows: Sequence[StoredObservation], host: PluginHost,
    named: Callable[[str], str], lang: str, width: int | None = None,
) -> list[str]:  # fmt: skip
    """What is stored of a metric no loaded plugin provides, each figure as collected with
    its provenance, not added up (whether it sums, takes the last or divides is its
    plugin's to say), and why each plugin that stored it is not loaded, as ``okrdesk
    plugins`` says."""
    said = _SAID[lang]
    if not rows:
        return [said["stored_none"].format(metric=kr.metric)]
    lines = []
    # Several plugins declaring it are loaded, and the first line says why none is used.
    for plugin in sorted({r.plugin for r in rows} - set(host.clashes.get(kr.metric or "", ()))):
        record = host.records.get(plugin)
        if record is None:
            why = said["not_installed"].format(plugin=plugin)
        elif record.errors:
            why = label(lang, "list_sep").join(
                Said(e, record.errors_zh.get(e, "")).text(lang) for e in record.errors
            )
        else:
            why = said["no_longer"].format(plugin=plugin, metric=kr.metric)
        lines.append(said["plugin_gone"].format(plugin=plugin, why=why))
    runs = _runs({r.run_id for r in rows}, lang)
    lines.append(said["stored_rows"].format(observations=_observations(len(rows), lang),
                                            metric=kr.metric, runs=runs))  # fmt: skip

    def shown(o: Observation) -> str:
        if o.value is None:
            return f"{figure_of(o.numerator)} / {figure_of(o.denominator)}"
        if kr.unit.dimension is Dimension.MONEY:
            return money(o.value, lang)
        if kr.unit.dimension is Dimension.COUNT:
            return written(kr.unit, o.value, lang)
        return figure_of(o.value)  # a fraction or score as given: its unit is the plugin's

    return lines + _observation_table(rows, shown, named, lang, width=width)


def _counted_past(
    lines: list[str],
    checkpoint: int | None,
    closing: dt.date | None,
    spec: MetricSpec,
    store: Store,
    engine: Engine,
    lang: str,
) -> list[str]:
    """For a metric whose figures go on changing after their periods end, read after
    the day the figures explained run through: a checkpoint's line says so in place of
    "nothing after it counts" (in ``lines``, at ``checkpoint``); a past day's figure
    gets a line of its own, returned."""
    if not goes_on_changing(spec):
        return []
    past = counted_past(_latest_read(spec, store, engine), spec, engine.through,
                        engine.plan.grain.value)  # fmt: skip
    if past is None:
        return []
    said = _SAID[lang]
    if checkpoint is not None:
        lines[checkpoint] = said["checkpoint_changed"].format(
            day=closing, since=engine.through, through=past
        )
        return []
    return [said["counted"].format(since=engine.through, through=past)]


def _settling(
    kr: KeyResult, subject: str, spec: MetricSpec, store: Store, engine: Engine,
    asked: dt.date, lang: str,
) -> list[str]:  # fmt: skip
    """For a checkpoint on a cohort still converting, as the report of ``asked`` reads it:
    the day its figures settle, from which it is judged met or missed, as the report's
    line under its title says."""
    settles = settles_on(_latest_read(spec, store, engine), spec, engine.through, asked,
                         engine.plan.grain.value)  # fmt: skip
    figure = engine.phase_rollup(kr).sliced(spec.name, subject, kr.where)
    if settles is None or figure.value is None:
        return []
    return [label(lang, "settles_on", day=settles, days=spec.settles_after_days)]


def _latest_read(spec: MetricSpec, store: Store, engine: Engine) -> list[Run]:
    """The plan's latest collect that read ``spec``'s metric at the plan's grain, alone:
    what ``counted_past`` and ``settles_on`` read of the plan's every run (``read_before``),
    the store's runs read newest first up to it."""
    newest_first = store.runs_newest_first(plan_run_units(engine.plan), naming=spec.name)
    run = latest_read(newest_first, sys.maxsize, spec.name, {}, engine.plan.grain.value)
    return [] if run is None else [run]


def _why_none(
    newest_first: Iterable[Run], metric: str, owner: str, through: object, lang: str
) -> str:
    """Why a metric has no observation to show: never collected, failed by the last
    collect asked for it (its error), or none up to the date; of the plan's runs, newest
    first, taken up to that collect."""
    said = _SAID[lang]
    for run in newest_first:
        if run.unfinished or not run.asked_for(metric):
            continue
        error = run.failed({metric: owner}).get(metric)
        if error is not None:
            return said["none_failed"].format(
                run=run.id, day=run.started[:10], error=run.line(error).text(lang)
            )
        return said["none_through"].format(through=through)
    return said["none_yet"]


def nothing_stored(lang: str) -> str:
    """Why there is nothing to explain in a workspace that has stored nothing yet."""
    return _SAID[lang]["nothing_stored"]


def subject_line(plan: Plan, subject: str, day: dt.date, lang: str) -> str:
    """Whom and which day an explanation is about: "深圳福田营业部 (szft)  截至 2026-11-20"."""
    return _SAID[lang]["for"].format(subject=subject, name=plan.name_of(subject), day=day)


def _unmeasured_why(metric: str, clashes: Mapping[str, Sequence[str]] | None, lang: str) -> str:
    """Why a key result on ``metric`` has no figure: no loaded plugin provides it, or
    several plugins declare it (``clashes``) and so none may."""
    owners = (clashes or {}).get(metric)
    if owners:
        en, zh = declared_by_several(owners)
        return label(lang, "unmeasured_clash", metric=metric, why=zh if lang == "zh" else en)
    return label(lang, "unmeasured_why", metric=metric)


def _unprovided(kr: KeyResult, host: PluginHost, workspace: Workspace, lang: str) -> str:
    """Why there is no figure to explain for ``kr``, whose metric no loaded plugin
    provides: the plugin that could not declare it, with the mistakes of its definition
    in okrdesk.toml at their lines; else the plugins that did not load, each with its
    first error, or the workspace's own left unrun."""
    said, root = _SAID[lang], workspace.root
    owners = host.clashes.get(kr.metric or "")
    if owners:
        advice = clash_advice(owners)[lang == "zh"]
        reason = _unmeasured_why(kr.metric or "", host.clashes, lang)
        return said["declared_twice"].format(kr=kr.id, why=reason, advice=advice)
    for record in sorted(host.records.values(), key=lambda r: r.name):
        if kr.metric in record.undeclared and record.mistakes:
            # Named once: the definition's words name it too ("… (salon_leads): …").
            settings = workspace.sources.get(record.name, {})
            found = definition_mistakes(record.name, kr.metric, record.mistakes, settings, root)
            mistakes = ("；" if lang == "zh" else "; ").join(m.text(lang) for m in found)
            return said["undeclared"].format(kr=kr.id, plugin=record.name, metric=kr.metric,
                                              mistakes=mistakes)  # fmt: skip
    text = said["unprovided"].format(kr=kr.id, metric=kr.metric)
    if why := host.unknown_said():
        plugins = [name + label(lang, "in_brackets", text=error.text(lang)) for name, error in why]
        text += said["unloaded"].format(plugins=label(lang, "list_sep").join(plugins))
    if host.skipped:
        files = ", ".join(display_path(path, root) for path in host.skipped)
        if host.unchecked is not None:  # `okrdesk trust` would refuse too: why
            text += said["unchecked"].format(files=files, why=host.unchecked.text(lang))
        else:
            text += said["not_run"].format(files=files)
    return text


def _periods(figure: WindowFigure, lang: str) -> str:
    """ "2025-W01 … 2025-W11: 11 of 11 periods with a figure, 11 from [[baselines]]"."""
    said = _SAID[lang]
    ids = figure.periods
    span = ids[0] if len(ids) == 1 else f"{ids[0]} … {ids[-1]}" if ids else said["no_periods"]
    typed = (said["from_baselines"].format(count=figure.from_baselines)
             if figure.from_baselines else "")  # fmt: skip
    periods = counted(len(ids), "period") if lang != "zh" else str(len(ids))
    return said["span"].format(span=span, found=figure.found, periods=periods, typed=typed)


def _explain_window(
    engine: Engine, store: Store, kr: KeyResult, spec: MetricSpec, subject: str,
    measured: bool, lang: str,
) -> list[str]:  # fmt: skip
    """The window and the comparisons the report writes under the key result (本月至今 4户 ·
    同比 0.0%（上年同期 4户）), each with the periods it adds up, so a 同比 can be worked out
    by hand from the figures `explain` lists."""
    plan, said = engine.plan, _SAID[lang]
    window = parse_window(kr.window) if kr.window else default_window(plan.grain)
    read = None
    if spec.kind is MetricKind.FLOW and measured:  # a week read with no row is a 0 there
        read = engine.rollup.shared.latest_end(spec.name, plan.grain, spec)
    seen = window_view(plan, engine.store, spec, subject, engine.as_of, window,
                       [Over(c) for c in kr.compare], engine.rollup.shared.through(engine.as_of),
                       read)  # fmt: skip

    def shown(value: float | None) -> str:
        return said["no_data"] if value is None else _result(kr.unit, value, lang)

    count, _, span = window.name.removeprefix("last_").partition("_")
    name = (window_label(lang, f"last_{span}", n=count) if window.name.startswith("last_")
            else window_label(lang, window.name))  # fmt: skip
    if seen.span is not None:
        name += f"（{seen.span}）" if lang == "zh" else f" ({seen.span})"
    lines = [said["window"].format(name=name, value=shown(seen.now.value),
                                   periods=_periods(seen.now, lang))]  # fmt: skip
    for c in seen.comparisons:
        over = c.over.value
        earlier = window_label(lang, f"earlier_{over}", value=shown(c.earlier.value))
        if c.change is None:
            why = c.why.value if c.why is not None else NoChange.NO_DATA.value
            key = why if why == NoChange.NO_DATA.value else f"{why}_{over}"
            change = window_label(lang, key, value=shown(c.earlier.value),
                                  periods=c.earlier.unknown)  # fmt: skip
        else:
            sign = "+" if c.change > 0 else "-" if c.change < 0 else ""
            change = sign + (Quantity(kr.unit, abs(c.change), points=True).text(lang)
                             if c.points else percentage(abs(c.change)))  # fmt: skip
        if c.days is not None:  # not like for like, as the report's line says
            days = window_label(lang, f"days_{over}", now=c.days[0], then=c.days[1])
            change += f"（{days}）" if lang == "zh" else f" ({days})"
        lines.append(
            said["compared"].format(
                over=window_label(lang, over),
                earlier=earlier,
                periods=_periods(c.earlier, lang),
                change=change,
            )
        )
        if c.over is Over.LAST_YEAR and (c.earlier.value is None or c.earlier.unknown):
            lines += _asked_of_last_year(engine, store, kr, c.earlier.periods, lang)
    return lines


def _explain_growth(kr: KeyResult, basis: GrowthBasis, lang: str) -> list[str]:
    """How a growth target and what is due by the date come from last year's figures."""

    said = _SAID[lang]

    def shown(value: float | None) -> str:
        return said["no_data"] if value is None else _result(kr.unit, value, lang)

    grown = f"× (1 + {percentage(basis.factor - 1.0, keep=0)})"
    lines = [
        said["growth"].format(window=basis.window),
        said["actual"].format(value=shown(basis.now.value), periods=_periods(basis.now, lang)),
    ]
    year = basis.year.value
    if year is not None and basis.year.unknown:
        told = said["part_year"].format(unknown=basis.year.unknown,
                                        periods=_periods(basis.year, lang))  # fmt: skip
        return [*lines, told]
    if year is None or year <= 0:
        told = said["no_year"] if year is None else said["no_target"]
        return [*lines, told.format(value=shown(year), periods=_periods(basis.year, lang))]
    then = basis.then.value or 0.0
    return [
        *lines,
        said["target"].format(target=shown(year * basis.factor), year=shown(year), grown=grown,
                              periods=_periods(basis.year, lang)),
        said["due"].format(due=shown(then * basis.factor), then=shown(then), grown=grown,
                           periods=_periods(basis.then, lang)) + _in_part(basis, lang),
    ]  # fmt: skip


def _kept_by_later_runs(
    store: Store, plan: Plan, metric: str, rows: Sequence[StoredObservation], lang: str
) -> list[str]:
    """For the figures of ``rows`` a later collect kept rather than restated, as its
    source no longer reached their periods (``Run.kept``): which run stored them, which
    kept them and the days its source held. The latest run that kept a period is named."""
    keeping = [run for run in store.runs_that_kept(plan_run_units(plan))
               if run.kept is not None and metric in run.kept]  # fmt: skip
    if not keeping:
        return []
    runs = {run.id: run for run in keeping}
    found: dict[tuple[int, int], set[str]] = {}
    for row in rows:
        period = row.observation.period
        later = [run.id for run in keeping
                 if run.id > row.run_id and period in run.kept_of(metric).periods]  # fmt: skip
        if later:
            found.setdefault((row.run_id, later[-1]), set()).add(period)
    said = _SAID[lang]
    lines = []
    for (stored, kept_by), periods in sorted(found.items()):
        run = runs[kept_by]
        ordered = sorted(periods, key=in_grain_order)
        listed = ordered[0] if len(ordered) == 1 else said["kept_periods"].format(
            n=len(ordered), first=ordered[0], last=ordered[-1])  # fmt: skip
        them = ("it" if len(ordered) == 1 else "them") if lang == "en" else (
            "该周期" if len(ordered) == 1 else "这些周期")  # fmt: skip
        held = run.kept_of(metric)
        lines.append(said["kept_unreached"].format(
            periods=listed, stored=stored, run=run.id, day=run.started[:10], first=held.first,
            last=held.last, them=them))  # fmt: skip
    return lines


def _asked_of_last_year(
    engine: Engine, store: Store, kr: KeyResult, ids: Collection[str], lang: str
) -> list[str]:
    """When a collect of the plan last asked the sources for last year's periods ``ids``
    of ``kr``'s metric and found no rows of some: what would ask again
    (``growth_bases``)."""
    runs = store.runs_with_bases(plan_run_units(engine.plan))
    found = last_asked(runs, kr.metric or "", ids)
    if found is None:
        return []
    run, periods = found
    return [_SAID[lang]["asked_none"].format(
        run=run.id, day=run.started[:10], n=len(periods), first=periods[0], last=periods[-1],
        metric=kr.metric,
    )]  # fmt: skip


def _base_rows(
    engine: Engine,
    kr: KeyResult,
    spec: MetricSpec,
    subject: str,
    members: MemberFigures,
    lang: str,
    width: int | None,
    told: bool,
) -> list[str]:
    """The observations of last year a growth target grows on, at ``subject``: listed,
    or added up by member where too many (``MemberFigures``), each with its run and
    source rows, as the figure's own are; how to see one member's unless ``told`` under
    the figure's own."""
    plan, store = engine.plan, engine.store
    run = base_run(engine, kr)
    rows = [
        r for r in store.observations(metric=spec.name, subjects=subjects_under(plan, subject),
                                      through=run.last, grain=plan.grain)
        if r.observation.period in run.ids and not r.observation.slice
    ]  # fmt: skip
    if not rows:
        return []
    said = _SAID[lang]
    by = said["base_by_member" if members.wanted(rows) else "base_listed"]
    lines = [said["base_rows"].format(observations=_observations(len(rows), lang),
                                      runs=_runs({r.run_id for r in rows}, lang),
                                      by=by)]  # fmt: skip

    def shown(value: float | None) -> str:
        return said["no_data"] if value is None else _result(kr.unit, value, lang)

    if members.wanted(rows):
        of_last_year = attrs.evolve(
            members, value_of=lambda m: window_figure(plan, store, spec, m, run).value
        )
        return lines + of_last_year.lines(rows, shown, how_to_see_one=not told)

    def value(o: Observation) -> str:
        if kr.unit.dimension is Dimension.MONEY:
            return money(o.value, lang)
        return written(kr.unit, o.value, lang)

    return lines + _observation_table(rows, value, members.named, lang, spec, width)


def _in_part(basis: GrowthBasis, lang: str) -> str:
    """How much of last year's last period the figure due counts, where this year's
    figures reach only part of it."""
    if basis.part is None:
        return ""
    period, days, of = basis.part
    return _SAID[lang]["part"].format(period=period, days=days, of=of)


def _explain_derived(
    kr: KeyResult,
    spec: MetricSpec,
    total: Figure,
    rollup: Rollup,
    subject: str,
    session: Session,
    lang: str,
    short_of: tuple[float, float] | None = None,
) -> list[str]:
    """A derived metric: its formula, and each input as rolled up to the subject
    (`okrdesk explain` on a key result of that input shows its rows)."""
    said = _SAID[lang]
    whose = names_told_apart(session.plan, lang)(subject)
    lines = [
        f"= {_shown(kr.unit, spec, total.value, lang, short_of)}",
        said["derived"].format(metric=spec.name, formula=spec.formula, subject=whose),
    ]
    for name in parse(spec.formula or "").inputs:
        if is_fact(name):
            role = name.removeprefix("headcount").lstrip("_")
            people = said["people_of"].format(role=role) if role else said["people"]
            count = rollup.headcount(subject, role)
            lines.append("  " + said["headcount"].format(name=name, count=count, people=people,
                                                         subject=whose))  # fmt: skip
            continue
        used = session.host.metrics.get(name)
        value = rollup.figure(name, subject).value if used is not None else None
        shown = said["no_data"] if value is None or used is None else _input(used, value, lang)
        source = said["input"].format(metric=name)
        if used is not None:
            source += (
                f" ({_RULES[lang][used.kind]})"
                if lang != "zh"
                else f"（{_RULES[lang][used.kind]}）"
            )
        lines.append(f"  {name} = {shown}  [{source}]")
    return lines


def _input(spec: MetricSpec, value: float, lang: str) -> str:
    """A derived metric's input as rolled up: an amount of money on its own, as the
    report writes one (53.28亿, not 5,328,000,000元); anything else in its metric's unit."""
    if spec.unit.dimension is Dimension.MONEY:
        return money(value, lang)
    return written(spec.unit, value, lang)


def _in_slice(row: StoredObservation, where: Mapping[str, str]) -> bool:
    values = row.observation.dimensions
    return bool(values) and all(values.get(name) == value for name, value in where.items())


def _no_level(
    kr: KeyResult, spec: MetricSpec, figure: Figure, latest: str, through: dt.date, lang: str
) -> str:
    """Why a stock has no row of ``latest``, the period its figure is read from: the
    rollup's 0 for a slice the latest level has no part of (``Rollup.sliced``), else no
    level of the subject's in that period."""
    said = _SAID[lang]
    if kr.where and figure.value == 0:
        label_ = slice_label(spec, slice_of(kr.where), lang)
        return said["stock_slice_none"].format(slice=label_, period=latest, through=through)
    return said["stock_none"].format(period=latest, through=through)


def _counted(
    rows: list[StoredObservation], over_time: OverTime, latest: str | None = None
) -> list[StoredObservation]:
    """The rows a figure carried ``over_time`` counts: all of a sum's; of a last or first
    read, its period's (``latest``: the period a stock's read takes, where known)."""
    if over_time is OverTime.SUM or not rows:
        return rows
    if latest is not None and over_time is OverTime.LAST:
        return [r for r in rows if r.observation.period == latest]
    pick = max if over_time is OverTime.LAST else min
    edge = pick(r.period_start for r in rows)
    return [r for r in rows if r.period_start == edge]


def _explain_metric(
    kr: KeyResult,
    spec: MetricSpec,
    total: Figure,
    rows: list[StoredObservation],
    lang: str,
    why_none: tuple[str, str],
    members: MemberFigures,
    ends_early: dt.date | None = None,
    width: int | None = None,
    short_of: tuple[float, float] | None = None,
    latest: str | None = None,
) -> list[str]:
    """``why_none``: the metric's plugin, and why it has no rows when it has none;
    ``members``: the observations added up by member, when too many to list;
    ``ends_early``: the day the figure's metrics run through, where before the date's;
    ``short_of``: the actual and the target it falls short of (``_short_of``);
    ``latest``: the period a stock's figure is read from."""
    said, carried = _SAID[lang], _OVER[lang]
    plugins = sorted({r.plugin for r in rows}) or [why_none[0]]
    ends = "" if ends_early is None else said["ends_early"].format(day=ends_early)
    lines = [
        f"= {_shown(kr.unit, spec, total.value, lang, short_of)}{ends}",
        said["metric"].format(metric=spec.name, rule=_RULES[lang][spec.kind],
                              plugins=", ".join(plugins) or "-"),
    ]  # fmt: skip
    if spec.kind is MetricKind.RATIO:
        lines.append(said["parts"].format(
            numerator=part_of(total.numerator, spec.numerator_unit, lang, spec.numerator_times),
            numerator_over=carried[spec.numerator_over_time],
            denominator=part_of(total.denominator, spec.denominator_unit, lang),
            denominator_over=carried[spec.denominator_over_time],
        ))  # fmt: skip
        kept = {id(r) for r in _counted(rows, spec.numerator_over_time)}
        kept |= {id(r) for r in _counted(rows, spec.denominator_over_time)}
        shown = [r for r in rows if id(r) in kept]
    else:
        over = OverTime.LAST if spec.kind is MetricKind.STOCK else OverTime.SUM
        shown = _counted(rows, over, latest)
    if not shown:
        return [*lines, why_none[1], *_others(rows, shown, lang)]
    runs = _runs({r.run_id for r in shown}, lang)
    # A slice is a part of a whole listed above it, not an observation more.
    slices = sum(1 for r in shown if r.observation.slice)
    slices_said = f"{slices:,}" if lang == "zh" else counted(slices, "slice")
    counted_rows = _observations(len(shown) - slices, lang)
    if slices == len(shown):
        # A key result on a slice: its rows alone, no whole figure to count them under.
        counted_rows = said["only_slices"].format(slices=slices_said)
    elif slices:
        counted_rows = said["with_slices"].format(observations=counted_rows, slices=slices_said)

    def value(o: Observation) -> str:
        if spec.kind is MetricKind.RATIO:
            return (f"{part_of(o.numerator, spec.numerator_unit, lang, spec.numerator_times)} / "
                    f"{part_of(o.denominator, spec.denominator_unit, lang)}")  # fmt: skip
        if kr.unit.dimension is Dimension.MONEY:
            # Each amount in the scale that fits it, as a branch writes one on its own: a
            # week's 5万 in a plan kept in 亿 is not "0亿".
            return money(o.value, lang)
        return written(kr.unit, o.value, lang)

    if members.wanted(shown):
        lines.append(EXPLAIN_MEMBERS[lang]["rows"].format(observations=counted_rows, runs=runs))
        lines += members.lines(shown, lambda value: _shown(kr.unit, spec, value, lang))
        if own := members.own_rows(shown):
            own_rows = _observation_table(own, value, members.named, lang, spec, width)
            lines += [members.own_heading(), *own_rows]
        return lines + _others(rows, shown, lang)
    if members.ranked():
        lines.append(members.ranked_heading())
        lines += members.lines(shown, lambda value: _shown(kr.unit, spec, value, lang))
    lines.append(said["rows"].format(observations=counted_rows, runs=runs))
    table = _observation_table(shown, value, members.named, lang, spec, width)
    return lines + table + _others(rows, shown, lang)


def _observation_table(
    rows: Sequence[StoredObservation],
    value: Callable[[Observation], str],
    named: Callable[[str], str],
    lang: str,
    spec: MetricSpec | None = None,
    width: int | None = None,
) -> list[str]:
    """The heading, and a line for each stored observation: its period, person, value as
    ``value`` writes it, run, source rows (a slice named, with its metric's ``spec``) and
    the day a partial period ran to. Each column as wide as what it holds; a source too
    long for ``width`` goes on under itself, broken between the rows it cites."""
    said = _SAID[lang]
    cells = [list(_HEADING[lang][:4])]
    sources = [_HEADING[lang][4]]
    for r in rows:
        o = r.observation
        part = said["partial"].format(day=r.partial_through) if r.partial_through else ""
        cited = source_text(printable(o.source), lang)  # a line break in it forges no row
        if o.no_rows and not worded_zero(o.metric, o.source):
            # Its plugin said it is a 0 for no rows (emit's no_rows); its source says where.
            cited = said["no_rows"].format(source=cited).rstrip("；; ")
        if o.slice and spec is not None:
            cited = f"[{slice_label(spec, o.slice, lang)}] {cited}".rstrip()
        cells.append([o.period, named(o.subject), value(o), str(r.run_id)])
        sources.append(f"{cited}{part}")
    widths = [max(display_width(row[n]) for row in cells) for n in range(4)]
    widths[3] = max(widths[3], 4)  # as wide as 采集 in English too: the tables line up alike
    lines = []
    for row, source in zip(cells, sources, strict=True):
        period, subject, shown, run = (padded(cell, widths[n], right=n >= 2)
                                       for n, cell in enumerate(row))  # fmt: skip
        lines += _beside(f"  {period}  {subject}  {shown}  {run}  ", source, width)
    return lines


SOURCE_ROOM = 24
"""Cells a source needs beside a table's row to go on under itself; with fewer it has
lines of its own below the row."""


def _beside(head: str, source: str, width: int | None) -> list[str]:
    """A table's row, ``head``, then ``source``: on one line when it fits ``width`` (or no
    width is given), else broken between the rows it cites, the lines after the first
    under its first; on lines of its own below ``head`` when too little is left beside
    it. Nothing of the citation is cut."""
    if width is None or display_width(head + source) <= width:
        return [(head + source).rstrip()]
    indent = display_width(head)
    if width - indent >= SOURCE_ROOM:
        parts = _cited(source, width - indent)
        return [head + parts[0], *(" " * indent + part for part in parts[1:])]
    below = " " * 6
    return [head.rstrip(), *(below + part for part in _cited(source, width - len(below)))]


_CITE_BREAK = re.compile(r"(?<=[、,；;])|(?<= )")
_BOUND_BEFORE = ("第", "row", "rows")
"""Words a citation's first row is written after (第 12 行, rows 12-14): never the end
of a line."""


def _cited(source: str, room: int) -> list[str]:
    """``source`` in lines of at most ``room`` cells, broken only after a list separator
    or at a space, never between 第/rows and the first row or before 行; a piece longer
    than a line is kept whole."""
    pieces: list[str] = []
    for piece in (p for p in _CITE_BREAK.split(source) if p):
        if pieces and (pieces[-1].strip() in _BOUND_BEFORE or piece.startswith("行")):
            pieces[-1] += piece
        else:
            pieces.append(piece)
    lines = [""]
    for piece in pieces:
        if lines[-1] and display_width((lines[-1] + piece).rstrip()) > room:
            lines.append("")
        lines[-1] += piece
    return [line.rstrip() for line in lines]


def _others(
    rows: Sequence[StoredObservation], shown: Sequence[StoredObservation], lang: str
) -> list[str]:
    """The observations of periods that do not count (a stock's earlier ones), counted."""
    if len(rows) <= len(shown):
        return []
    others = _observations(len(rows) - len(shown), lang)
    return [_SAID[lang]["others"].format(observations=others)]


def _runs(ids: set[int], lang: str) -> str:
    """The runs observations came from: 1、23 (the Chinese says 第…次采集 around it);
    run 1, runs 1, 23."""
    listed = label(lang, "list_sep").join(map(str, sorted(ids)))
    if lang == "zh":
        return listed
    return f"{'run' if len(ids) == 1 else 'runs'} {listed}"


def _observations(count: int, lang: str) -> str:
    return f"{count:,} 条观测值" if lang == "zh" else counted(count, "observation")


def figure_of(value: float | None) -> str:
    return plain_figure(value or 0)


def part_of(value: float | None, unit: UnitOfMeasure | None, lang: str, times: int = 1) -> str:
    """A ratio's numerator or denominator: in the unit its metric gives its parts, as a
    branch writes an amount (2.63亿, 51.6亿) or a count (12户); a plain figure where the
    metric gives none. A numerator stored ``times`` what it counts (``numerator_times``:
    an NPS's × 100) is written as what it counts, times that (2,363 × 100)."""
    if times != 1 and value is not None:
        return f"{part_of(value / times, unit, lang)} × {times:,}"
    if unit is None:
        return figure_of(value)
    return written(unit, value or 0, lang, whole=unit.dimension is Dimension.COUNT)


def _result(
    unit: UnitOfMeasure,
    value: float,
    lang: str,
    short_of: tuple[float, float] | None = None,
    split_credit: bool = False,
) -> str:
    """The figure as the report shows it: counts whole (but a ``split_credit`` metric's,
    with the decimals they need), the key result's unit, half-up; where it is the actual
    of ``short_of`` (actual, target), as the report's actual column writes it, finer
    where it would read as the target (``figures_apart``)."""
    whole = unit.dimension is Dimension.COUNT and not split_credit
    if short_of is not None and short_of[0] == value:
        return beside_target(unit, value, short_of[1], lang, whole=whole)[0]
    return written(unit, value, lang, whole=whole)


def _shown(
    unit: UnitOfMeasure,
    spec: MetricSpec,
    value: float | None,
    lang: str,
    short_of: tuple[float, float] | None = None,
) -> str:
    if value is None:
        return _SAID[lang]["no_data" if spec.kind is not MetricKind.RATIO else "no_ratio"]
    return _result(unit, value, lang, short_of, spec.split_credit)


def _short_of(engine: Engine, kr: KeyResult, subject: str) -> tuple[float, float] | None:
    """The key result's actual and target at ``subject`` where the actual falls short of
    the target (as the report judges it), for the figure's line; else None."""
    judged = engine.judged(kr, subject)
    if judged is None or judged.attainment is None or judged.attainment >= 1 or kr.band:
        return None
    actual, target = judged.actual.value, judged.target.value
    return None if actual is None or target is None else (actual, target)


def _day_of_the_plan(plan: Plan, as_of: dt.date | None) -> dt.date:
    """The day a figure is explained as of: ``as_of`` (else today) inside the plan; a day
    before it starts is refused, as the report and check refuse it, not read as its first."""
    asked = as_of or clock.today()
    if (refused := before_the_plan(plan, asked)) is not None:
        raise BadInput(refused)
    return clamp_to_plan(plan, asked)


def _explain_checkins(
    store: Store, rollup: Rollup, kr: KeyResult, subject: str, day: dt.date, lang: str,
    width: int | None = None, short_of: tuple[float, float] | None = None,
) -> list[str]:  # fmt: skip
    plan = rollup.plan
    figure = rollup.checkin(kr, subject)
    subjects = set(subjects_under(plan, subject))
    history = [
        c for c in of_the_plan(plan, store.checkins(kr.id, subjects=subjects)) if c.day <= day
    ]
    said = _SAID[lang]
    shown = (
        said["no_data"] if figure.value is None else _result(kr.unit, figure.value, lang, short_of)
    )
    lines = [f"= {shown}", said["checkins"].format(kr=kr.id)]
    # Kept under the plan's old unit id, they would count for its unit once moved.
    from okrdesk.engine.old_unit_ids import plan_ids_before

    held = kept_of(plan, store, kr, day) if subject == plan.top else {}
    before = plan_ids_before(plan, store, held)
    kept = [
        part for text in kept_said(plan, kr, held, before, said["held"], lang)
        for part in ([text] if width is None else folded(text, 2, width))
    ]  # fmt: skip
    if not history and kept:
        return [*lines, *kept]
    if not history:
        # The command for this subject's own, not the owner's, where it is not the owner.
        flag = "--person" if subject in plan.people_by_id else "--unit"
        own = "" if subject == plan.objectives_by_id[kr.objective].owner else f" {flag} {subject}"
        return [*lines, said["no_checkins"].format(kr=kr.id, subject=own)]
    latest = {c.subject: c.id for c in history}
    # Each check-in, the one that makes the figure and those before it alike, short of its
    # subject's target never reads as the target, as the figure's line writes it.
    values = [shown_against(plan, kr, c.subject, c.value, lang) for c in history]
    named = names_told_apart(plan, lang)
    wide = (max(display_width(named(c.subject)) for c in history),
            max(map(display_width, values)))  # fmt: skip
    for c, value in zip(history, values, strict=True):
        counts = latest[c.subject] == c.id and checkin_counts(
            plan, kr, c.subject, subject, set(latest)
        )
        mark = said["counts"] if counts else ""
        story = said["by"].format(author=c.author) if c.author else ""
        if c.confidence is not None:
            story += said["confidence"].format(confidence=percentage(c.confidence, keep=0))
        note = f"  {c.note}" if c.note else ""
        if c.moved_from not in ("", c.subject):  # moved back, it is where it was made
            story += said["moved"].format(
                old=c.moved_from, day=local_time(c.moved)[:10] if c.moved else ""
            )
        recorded = said["recorded"].format(when=local_time(c.recorded))
        who = padded(named(c.subject), wide[0])
        head = f"  {c.day}  {who}  {padded(value, wide[1], right=True)}  "
        line = f"{head}{recorded}{story}{note}{mark}"
        # What was said of it goes on under when it was recorded.
        lines += [line] if width is None else folded(line, display_width(head), width)
    return [*lines, *kept]


# ------------------------------------------------------------------ scores

TITLE_WIDTH = 44
"""Display columns for a title in the tables below: the figures beside it stay within
80 columns."""

_SAID_SCORE: dict[str, dict[str, str]] = {
    "en": {
        "score": "Score {score}: the weighted mean of its objectives' scores",
        "objective_score": "Score {score}: weighted mean of its key results' attainment, "
        "each at most {cap}",
        "no_score": "No score: none of them has a figure yet",
        "no_objectives": "No score: no objective is set for {subject} or shared to it",
        "left_out": "Not in the score: {items}",
        "no_data": "no data yet",
        "phase_to_come": "{phase} has no figure yet; counted once it has",
        "no_objective_score": "no score yet",
        "counted_as_nothing": "A key result with no figure yet (—) counts 0 once its way to "
        "its target has begun, as a component with no data does in a branch's scoring",
        "objective_at_0": "Its unit's score counts it 0: its key results' way has begun",
        "rounded": "the score is the mean of the figures before they were rounded: "
        "{exact}, so {own}, the report's {score}",
        "more": "Each objective's score: {example}",
        "more_kr": "Each key result's figure: {example}",
        "not_here": "objective {objective} is not in the report of {subject}; "
        "its owner is {owner}: --{flag} {owner}",
        "objective_hint": "objectives are named like O1, key results like O1.KR1",
        "line_hint": ", budget lines by their id, like {line}",
    },
    "zh": {
        "score": "综合得分 {score}：各目标得分的加权平均",
        "objective_score": "综合得分 {score}：各关键结果完成率的加权平均，每项至多计 {cap}",
        "no_score": "没有得分：其中尚无一项有数字",
        "no_objectives": "没有得分：{subject}既没有自己的目标，也没有分解到它的目标",
        "left_out": "未计入得分：{items}",
        "no_data": "尚无数据",
        "phase_to_come": "{phase} 阶段尚无数字，有数字后才计",
        "no_objective_score": "尚无得分",
        "counted_as_nothing": "尚无数字（—）的关键结果，从应开始推进起按 0 计，与营业部考核中无数据"
        "的项一样",
        "objective_at_0": "所属单位的得分按 0 计入本目标：其关键结果已应开始推进",
        "rounded": "得分由舍入前的数字算得：{exact}，即 {own}，报告写作 {score}",
        "more": "每个目标的得分：{example}",
        "more_kr": "每项关键结果的数字：{example}",
        "not_here": "{subject} 的报告中没有目标 {objective}；"
        "它的负责方是 {owner}：--{flag} {owner}",
        "objective_hint": "目标写作 O1 这样的编号，关键结果写作 O1.KR1",
        "line_hint": "，预算项写它的编号，如 {line}",
    },
}

_HEADINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {"objective": ("Objective", "Score", "Weight"),
           "key_result": ("Key result", "Attained", "Counted", "Weight")},
    "zh": {"objective": ("目标", "得分", "权重"),
           "key_result": ("关键结果", "完成率", "计入", "权重")},
}  # fmt: skip


def explain_any(
    session: Session,
    item: str | None,
    person: str | None,
    unit: str | None,
    as_of: dt.date | None,
    lang: str = "zh",
    width: int | None = None,
) -> list[str]:
    """``okrdesk explain [ITEM]``: a key result's figure (``O1.KR1``), an objective's
    score (``O1``), a budget line's row (``events``), or with no ``item`` the unit's or
    person's score; a key result's tables folded to ``width`` cells, where given."""
    plan = session.plan
    person, unit = unit_as_report_takes_it(plan, person, unit)
    objectives = {o.id for o in plan.objectives}
    budget_lines = {line.id for line in plan.budget.lines}
    if item in budget_lines and item not in objectives and item not in plan.key_results_by_id:
        if person is not None or unit is not None:
            raise BadInput(_SAID_LINE[lang]["whose"].format(line=item))
        return budget_line_lines(session, item or "", as_of, lang)
    if (item is not None and "." in item) or item in plan.key_results_by_id:
        return explain_lines(session, item or "", person, unit, as_of, lang, width)
    owner = plan.top if item is None else find_objective(plan, item, lang).owner
    subject = chosen_subject(plan, person, unit, owner, lang)
    return score_lines(session, item, subject, as_of, lang)


def find_objective(plan: Plan, objective: str, lang: str = "en") -> Objective:
    found = {o.id: o for o in plan.objectives}
    if objective not in found:
        lines = [line.id for line in plan.budget.lines]
        hint = _SAID_SCORE[lang]["objective_hint"]
        if lines:
            hint += _SAID_SCORE[lang]["line_hint"].format(line=lines[0])
        noun = "objective or budget line" if lines else "objective"
        raise BadInput(no_such(noun, objective, [*found, *lines], hint, lang))
    return found[objective]


def score_lines(
    session: Session,
    objective: str | None,
    subject: str,
    as_of: dt.date | None,
    lang: str = "zh",
) -> list[str]:
    """How ``subject``'s score (``objective`` None) or its score on ``objective`` is
    made, as of ``as_of`` (today when None), by the same engine as the report."""
    plan = session.plan
    day = _day_of_the_plan(plan, as_of)
    hint = _Hint(plan, subject, as_of)
    # The subject's objectives as its report has them, by id.
    shown = {o.id: (o, krs) for o, krs in key_results_for(plan, subject)}
    if objective is not None:
        _check_objective(plan, find_objective(plan, objective, lang), subject, shown, lang)
    store = store_to_read(session)
    if store is None:
        raise BadInput(nothing_stored(lang))
    header = subject_line(plan, subject, day, lang)
    with store, store.reading():
        engine = Engine(plan, store, day, session.host.metrics, trends=False, within=subject)
        if objective is None:
            progress = engine.progress(subject, members=False)
            return [header, *_subject_lines(progress.objectives, progress.score, hint, lang)]
        found = engine.objective(*shown[objective], subject)
        return [f"{found.objective.id} {found.objective.title}", header,
                *_objective_lines(found, plan.attainment_cap, hint, lang,
                                  session.host.clashes)]  # fmt: skip


@attrs.frozen
class _Hint:
    """The command that explains one step further, for the same subject and day."""

    plan: Plan
    subject: str
    as_of: dt.date | None

    def command(self, item: str, owner: str) -> str:
        words = ["okrdesk explain", item]
        if self.subject != owner:
            flag = "--person" if self.subject in self.plan.people_by_id else "--unit"
            words.append(f"{flag} {self.subject}")
        if self.as_of is not None:
            words.append(f"--as-of {self.as_of.isoformat()}")
        return " ".join(words)


def _check_objective(
    plan: Plan, objective: Objective, subject: str, shown: Mapping[str, object], lang: str
) -> None:
    if objective.id not in shown:
        flag = "person" if objective.owner in plan.people_by_id else "unit"
        raise BadInput(_SAID_SCORE[lang]["not_here"].format(
            objective=objective.id, subject=subject, owner=objective.owner, flag=flag))  # fmt: skip


def _title(text: str) -> str:
    return padded("".join(part for part, _ in one_line(Text(text), TITLE_WIDTH)), TITLE_WIDTH)


def _hundredths(fraction: float) -> Decimal:
    """A fraction in percent to two decimals, half up: 0.774561 → 77.46."""
    return half_up(fraction * 100, 2)


def _counted_shown(fraction: float) -> Decimal:
    """What an attainment counts for in percent, as the formula adds it: to two decimals,
    but one below 100% with as many as tell it from 100 (99.996, as its attainment is
    written), never 100.00 beside an attainment of 99.996%."""
    shown = _hundredths(fraction)
    if fraction >= 1 or shown < 100:
        return shown
    return Decimal(attainment_short(fraction, "100.0%").removesuffix("%").replace(",", ""))


def _weight(weight: Decimal) -> str:
    """A weight exactly as the target file gives it: 0.125, 2."""
    return f"{weight.normalize():f}"


def _formula(parts: Sequence[tuple[Decimal, Decimal]], score: float, lang: str) -> list[str]:
    """The weighted mean worked out from the figures in percent shown above it, one line
    that the command folds to the terminal's width, its further lines under the first
    figure: ``= (62.50% + 100.00% × 2 + 81.30%) ÷ 4 = 85.95%``; when that rounds
    otherwise than the report's score, which is the mean before rounding, that is said.
    Nothing for one figure, which is the score itself."""
    if len(parts) < 2:
        return []
    weights = sum((weight for _, weight in parts), Decimal(0))
    terms = [f"{shown}%" if weight == 1 else f"{shown}% × {_weight(weight)}"
             for shown, weight in parts]  # fmt: skip
    by_hand = half_up(sum(shown * weight for shown, weight in parts) / weights, 2)
    if weights != 1:
        terms[0], terms[-1] = f"({terms[0]}", f"{terms[-1]}) ÷ {_weight(weights)}"
    terms[-1] += f" = {by_hand}%"
    own = _hundredths(score)
    if by_hand != own or f"{half_up(by_hand, 1)}%" != score_text(score):
        rounded = _SAID_SCORE[lang]["rounded"].format(
            score=score_text(score), own=f"{own}%", exact=f"{_unrounded(score, own)}%"
        )
        terms[-1] += label(lang, "in_brackets", text=rounded)
    return ["  = " + " + ".join(terms)]


def _unrounded(score: float, own: Decimal) -> Decimal:
    """``score`` in percent to as many decimals as show it rounds to ``own`` (16.534 for
    16.53, not 16.535 for 16.53496), at least three."""
    places = 3
    while places < 6 and half_up(half_up(Decimal(repr(score)) * 100, places), 2) != own:
        places += 1
    return half_up(Decimal(repr(score)) * 100, places)


def _row(*cells: tuple[str, int]) -> str:
    """A table row: the title padded to its width, each figure right-aligned in its own."""
    (title, _), *figures = cells
    return "  " + " ".join([_title(title), *(padded(text, width, right=True)
                                            for text, width in figures)])  # fmt: skip


def _subject_lines(
    objectives: Sequence[ObjectiveProgress], score: float | None, hint: _Hint, lang: str
) -> list[str]:
    said = _SAID_SCORE[lang]
    if not objectives:
        return [
            said["no_objectives"].format(subject=names_told_apart(hint.plan, lang)(hint.subject))
        ]
    if score is None:
        return [said["no_score"]]
    name, scored, weight = _HEADINGS[lang]["objective"]
    lines = [
        said["score"].format(score=score_text(score)),
        _row((name, 0), (scored, 8), (weight, 6)),
    ]
    parts = []
    for o in objectives:
        nothing = o.score is None and any(counts_as_nothing(p) for p in o.key_results)
        if o.score is None and not nothing:
            continue
        shown = _hundredths(o.score or 0.0)
        parts.append((shown, o.objective.weight))
        title = f"{o.objective.id} {o.objective.title}"
        lines.append(_row((title, 0), (f"{shown}%", 8), (_weight(o.objective.weight), 6)))
    lines += _formula(parts, score, lang)
    if any(o.score is None and any(counts_as_nothing(p) for p in o.key_results)
           for o in objectives):  # fmt: skip
        lines.append(said["counted_as_nothing"])
    unscored = [
        _with_why(f"{o.objective.id} {o.objective.title}", said["no_objective_score"], lang)
        for o in objectives
        if o.score is None and not any(counts_as_nothing(p) for p in o.key_results)
    ]
    if unscored:
        lines.append(said["left_out"].format(items=_joined(unscored, lang)))
    first = next(o.objective for o in objectives if o.score is not None)
    return [*lines, said["more"].format(example=hint.command(first.id, first.owner))]


def _objective_lines(
    found: ObjectiveProgress,
    cap: float,
    hint: _Hint,
    lang: str,
    clashes: Mapping[str, Sequence[str]] | None = None,
) -> list[str]:
    said = _SAID_SCORE[lang]
    left_out = [_with_why(f"{p.key_result.id} {p.key_result.title}",
                          _unscored_why(p, said, lang), lang)
                for p in found.key_results
                if p.attainment is None and not counts_as_nothing(p)]  # fmt: skip
    left_out += [
        _with_why(f"{kr.id} {kr.title}", _unmeasured_why(kr.metric or "", clashes, lang), lang)
        for kr in found.unmeasured
    ]
    lines: list[str] = []
    if found.score is None:
        lines.append(said["no_score"])
        if any(counts_as_nothing(p) for p in found.key_results):
            lines.append(said["objective_at_0"])
    else:
        lines.append(said["objective_score"].format(score=score_text(found.score),
                                                    cap=percent(cap, 0)))  # fmt: skip
        name, attained, counts, weight = _HEADINGS[lang]["key_result"]
        lines.append(_row((name, 0), (attained, 8), (counts, 8), (weight, 6)))
        parts = []
        for p in found.key_results:
            if p.attainment is None and not counts_as_nothing(p):
                continue
            counted = 0.0 if p.attainment is None else counted_attainment(p.attainment, cap)
            shown = _counted_shown(counted)
            parts.append((shown, p.key_result.weight))
            attained = "—" if p.attainment is None else attainment_percent(p.attainment)
            lines.append(_row((f"{p.key_result.id} {p.key_result.title}", 0),
                              (attained, 8), (f"{shown}%", 8),
                              (_weight(p.key_result.weight), 6)))  # fmt: skip
        lines += _formula(parts, found.score, lang)
        if any(counts_as_nothing(p) for p in found.key_results):
            lines.append(said["counted_as_nothing"])
    if left_out:
        lines.append(said["left_out"].format(items=_joined(left_out, lang)))
    if found.key_results:
        example = hint.command(found.key_results[0].key_result.id, found.objective.owner)
        lines.append(said["more_kr"].format(example=example))
    return lines


def _unscored_why(p: KeyResultProgress, said: Mapping[str, str], lang: str) -> str:
    """Why an objective's score leaves out a key result it judged: no figure yet (of a
    stock or a ratio, not a 0: ``no_rows_kind``), or one before its phase's
    (``KeyResultProgress.phase_to_come``)."""
    if p.phase_to_come is not None and p.actual.value is not None:
        return said["phase_to_come"].format(phase=p.phase_to_come)
    if p.no_rows_kind is not None:
        return label(lang, f"unscored_no_rows_{p.no_rows_kind}")
    return said["no_data"]


def _with_why(item: str, why: str, lang: str) -> str:
    return item + label(lang, "in_brackets", text=why)


def _joined(items: Sequence[str], lang: str) -> str:
    return ("；" if lang == "zh" else "; ").join(items)


# -------------------------------------------------------------- budget lines

_SAID_LINE: dict[str, dict[str, str]] = {
    "en": {
        "spent": "amount {amount}; spent {spent}; left {left}",
        "overspent": "amount {amount}; spent {spent}; over by {over}",
        "entries": "  {entries}: okrdesk spend list --line {line}",
        "revenue": "attributed revenue {revenue}:",
        "share": "  {kr}: achieved {achieved} × {stake} ÷ {stakes} {equals} {part}",
        "stakes": "    each line's stake, its amount × its link weight:",
        "roi": "ROI = {revenue} ÷ {spent} = {roi}",
        "no_roi": "ROI —: {why}",
        "no_revenue": "the line is linked to no revenue key result",
        "no_figure": "{krs} has no figure yet",
        "nothing_spent": "nothing spent yet",
        "costs": "cost per result:",
        "cost": "  {kr}: {cost}",
        "cost_parts": "    the lines spent {total} on it ÷ {achieved} achieved",
        "no_cost": "cost per result —: nothing spent yet on {krs}",
        "parts": "    each line's part, its spend × its link weight:",
        "breaker": "breaker: {standing}",
        "whose": "budget line {line} is the plan's, not a unit's or a person's: "
        "leave out --unit and --person",
        "moved": "    of them {n} ({amount} net) recorded under unit {old}, this plan's unit "
        "id before it was changed to {top}, and moved here by okrdesk move-unit",
        "kept_elsewhere": "  and {n} ({amount} net) kept under unit {old}, this plan's unit "
        "id before it was changed to {top}: counted in none of these figures until moved: "
        "okrdesk move-unit {old}{from_plan}",
        "unjudged": "not judged: {n} of the line ({amount} net) are kept under unit {old}, "
        "this plan's unit id before it was changed to {top}, where it cannot read them; "
        "`okrdesk spend add` refuses new spending until they are moved: `okrdesk move-unit "
        "{old}{from_plan}`",
        "refused_elsewhere": "; but `okrdesk spend add` refuses new spending on every line, "
        "this one too, while the ledger keeps {n} of the plan's other lines ({amount} net) "
        "under unit {old}, this plan's unit id before it was changed to {top}: move them "
        "first: "
        "`okrdesk move-unit {old}{from_plan}`",
    },
    "zh": {
        "spent": "预算 {amount}；已用 {spent}；剩余 {left}",
        "overspent": "预算 {amount}；已用 {spent}；超支 {over}",
        "entries": "  {entries}支出：okrdesk spend list --line {line}",
        "revenue": "归因收入 {revenue}：",
        "share": "  {kr}：实现 {achieved} × {stake} ÷ {stakes} {equals} {part}",
        "stakes": "    各预算项的份额，即金额 × 关联权重：",
        "roi": "ROI = {revenue} ÷ {spent} = {roi}",
        "no_roi": "ROI —：{why}",
        "no_revenue": "本项未关联收入类关键结果",
        "no_figure": "{krs} 尚无数字",
        "nothing_spent": "尚无支出",
        "costs": "单位成本：",
        "cost": "  {kr}：{cost}",
        "cost_parts": "    各预算项为其花费 {total} ÷ 实现 {achieved}",
        "no_cost": "单位成本 —：本项尚未在 {krs} 上花费",
        "parts": "    其中各项的花费，即已用 × 关联权重：",
        "breaker": "熔断：{standing}",
        "whose": "预算项 {line} 属于整个计划，不分单位或人员：请去掉 --unit 和 --person",
        "moved": "    其中 {n} 笔（净额 {amount}）原记在单位 {old} 名下（本计划的单位 id 改为 "
        "{top} 之前），已由 okrdesk move-unit 移来",
        "kept_elsewhere": "  另有 {n} 笔（净额 {amount}）记在单位 {old} 名下（本计划的单位 id "
        "改为 {top} 之前），移过来之前不计入这里的任何数字：okrdesk move-unit {old}{from_plan}",
        "unjudged": "未判断：本项有 {n} 笔支出（净额 {amount}）记在单位 {old} 名下（本计划的"
        "单位 id 改为 {top} 之前），熔断读不到它们；请用 `okrdesk move-unit {old}{from_plan}` "
        "把它们移过来，在此之前 `okrdesk spend add` 拒绝记录新的支出",
        "refused_elsewhere": "；但本计划其他预算项有 {n} 笔支出（净额 {amount}）记在单位 {old} "
        "名下（本计划的单位 id 改为 {top} 之前），在移过来之前 `okrdesk spend add` 拒绝在任何"
        "预算项（包括本项）记录新的支出：请先用 `okrdesk move-unit {old}{from_plan}` 把它们移过来",
    },
}


def budget_line_lines(
    session: Session, line_id: str, as_of: dt.date | None, lang: str
) -> list[str]:
    """Every number behind a budget line's row on the report: what was spent, the revenue
    attributed to it and its ROI, its cost per result, and its breaker."""
    from okrdesk.app.spend import kept_under_old_units
    from okrdesk.engine.old_unit_ids import old_units_of_the_plan
    from okrdesk.report.build import cost_text
    from okrdesk.report.numbers import ledger, ratio

    plan, said = session.plan, _SAID_LINE[lang]
    day = _day_of_the_plan(plan, as_of)
    store = store_to_read(session)
    if store is None:
        raise BadInput(nothing_stored(lang))
    with store, store.reading():
        engine = Engine(plan, store, day, session.host.metrics, trends=False)
        # The whole ledger, as the report reads it, so that entries kept under the plan's
        # old unit id are told here as there.
        own, others = apart_by_plan(plan, store.spend())
        budget = budget_progress(engine, own, others)
        # Under the plan's old id too, where it was changed with its unit: told where its
        # check-ins are kept there as well, or its collects ran there, as the report's
        # old_unit line tells it.
        before = {
            old: plan_id for old, (plan_id, _, _) in budget.under_old_plan_id.items()
            if old not in budget.under_old_unit
        }  # fmt: skip
        if before:
            ours = old_units_of_the_plan(plan, store)
            before = {old: plan_id for old, plan_id in before.items() if old in ours}
        # The line's own entries that `okrdesk spend add` refuses new spending for, kept
        # where its breaker cannot read them.
        under_top = store.spend(plan_unit=plan.top)
        unjudged = kept_under_old_units(plan, store, under_top, line_id)
        # Judged, the line is refused new spending still for the plan's other lines' entries.
        elsewhere = {} if unjudged else kept_under_old_units(plan, store, under_top)
    by_id = {lp.line.id: lp for lp in budget.lines}
    lp = by_id[line_id]
    line = lp.line
    entries = f"{len(lp.entries):,} 笔" if lang == "zh" else counted(len(lp.entries), "entry")
    kept_elsewhere = [
        e for e in of_the_plan(plan, others)
        if e.line == line_id and e.day <= day
        and (e.plan_unit in budget.under_old_unit or e.plan_unit in before)
    ]  # fmt: skip
    # Spent past its amount, a line is over by so much, as a manager says it: not "left -47万".
    spent = said["spent" if lp.left >= 0 else "overspent"].format(
        amount=ledger(line.amount, lang), spent=ledger(lp.spent, lang),
        left=ledger(lp.left, lang), over=ledger(-lp.left, lang),
    )  # fmt: skip
    lines = [f"{line.id} {line.name}", subject_line(plan, line.owner, day, lang), spent,
             said["entries"].format(entries=entries, line=line.id),
             *_where_recorded(plan, lp.entries, kept_elsewhere, before, lang)]  # fmt: skip
    if lp.revenue_shares and lp.attributed_revenue is not None:
        lines.append(said["revenue"].format(revenue=ledger(lp.attributed_revenue, lang)))
        for share in lp.revenue_shares:
            kr = share.key_result
            part = share.share(line.id) * share.achieved
            shown = [share.achieved, share.stakes[line.id], sum(share.stakes.values()), part]
            got, mine, everyone, result = (ledger_amount(v, lang) for v in shown)
            # The written figures are rounded: "≈" where they do not give the part exactly.
            exact = bool(everyone) and ledger_amount(got * mine / everyone, lang) == result
            lines.append(said["share"].format(
                kr=_kr_named(plan, kr), achieved=ledger(share.achieved, lang),
                stake=ledger(share.stakes[line.id], lang),
                stakes=ledger(sum(share.stakes.values()), lang),
                equals="=" if exact else "≈", part=ledger(part, lang),
            ))  # fmt: skip
            lines.append(said["stakes"])
            lines += [
                "      " + _times(other, by_id[other].line.amount,
                                  by_id[other].line.key_results[kr], stake, lang)
                for other, stake in sorted(share.stakes.items(), key=lambda s: s[0] != line.id)
            ]  # fmt: skip
    if lp.roi is not None and lp.attributed_revenue is not None:
        revenue, spent_ = ledger(lp.attributed_revenue, lang), ledger(lp.spent, lang)
        lines.append(said["roi"].format(revenue=revenue, spent=spent_, roi=ratio(lp.roi)))
    else:
        lines.append(said["no_roi"].format(why=_no_roi(plan, lp, session.host.metrics, lang)))
    unspent = [cost.key_result for cost in lp.costs if cost not in lp.spent_on]
    if unspent:
        separator = "、" if lang == "zh" else ", "
        lines.append(said["no_cost"].format(krs=separator.join(unspent)))
    if lp.spent_on:
        lines.append(said["costs"])
        for cost in lp.spent_on:
            measured = plan.key_results_by_id[cost.key_result]
            per = cost_text(plan, cost.key_result, cost.per_result, lang)
            lines.append(said["cost"].format(kr=_kr_named(plan, cost.key_result), cost=per))
            lines.append(said["cost_parts"].format(
                total=ledger(sum(cost.spent.values()), lang),
                achieved=written(measured.unit, cost.achieved, lang),
            ))  # fmt: skip
            lines.append(said["parts"])
            lines += [
                "      " + _times(other, by_id[other].spent,
                                  by_id[other].line.key_results[measured.id], part, lang)
                for other, part in sorted(cost.spent.items(), key=lambda s: s[0] != line.id)
            ]  # fmt: skip
    standing = lp.breaker.standing(lang)
    for old, (count, net, from_plan) in sorted(unjudged.items())[:1]:
        standing = said["unjudged"].format(
            n=count if lang == "zh" else counted(count, "entry", "entries"),
            amount=ledger(net, lang), old=old, top=plan.top, from_plan=from_plan,
        )  # fmt: skip
    for old, (count, net, from_plan) in sorted(elsewhere.items())[:1]:
        standing += said["refused_elsewhere"].format(
            n=count if lang == "zh" else counted(count, "entry", "entries"),
            amount=ledger(net, lang), old=old, top=plan.top, from_plan=from_plan,
        )  # fmt: skip
    lines.append(said["breaker"].format(standing=standing))
    return lines


def _where_recorded(
    plan: Plan, counted_here: Sequence[SpendEntry], kept_elsewhere: Sequence[SpendEntry],
    before: Mapping[str, str], lang: str,
) -> list[str]:  # fmt: skip
    """Where a line's entries came from: those counted that were moved from the plan's old
    unit id (``okrdesk move-unit``), and those still kept under it, which no figure above
    counts until they are moved (with ``--from-plan`` the plan's id ``before`` it was
    changed with its unit, where the move needs it)."""
    from okrdesk.engine.old_unit_ids import from_plan_option
    from okrdesk.report.numbers import ledger

    said = _SAID_LINE[lang]

    def by_unit(
        key: str, entries: Iterable[SpendEntry], unit: Callable[[SpendEntry], str]
    ) -> list[str]:
        found: dict[str, list[SpendEntry]] = {}
        for entry in entries:
            found.setdefault(unit(entry), []).append(entry)
        return [
            said[key].format(
                n=len(kept) if lang == "zh" else counted(len(kept), "entry", "entries"),
                amount=ledger(sum((e.amount for e in kept), Decimal(0)), lang),
                old=old, top=plan.top, from_plan=from_plan_option(old, before),
            )
            for old, kept in sorted(found.items())
        ]  # fmt: skip

    moved = (e for e in counted_here if e.moved_from not in ("", e.plan_unit))
    told = by_unit("moved", moved, lambda e: e.moved_from)
    told += by_unit("kept_elsewhere", kept_elsewhere, lambda e: e.plan_unit)
    return told


def _times(line: str, amount: Decimal, weight: Decimal, product: float, lang: str) -> str:
    """ "events 380万 × 1/3 = 126.67万": a line's amount (or spend) times its link weight,
    written as the fraction of the line it is."""
    from okrdesk.report.numbers import ledger

    share = Fraction(weight).limit_denominator(1000)
    written_share = str(share.numerator) if share.denominator == 1 else str(share)
    return f"{line} {ledger(amount, lang)} × {written_share} = {ledger(product, lang)}"


def _no_roi(plan: Plan, lp: LineProgress, metrics: Mapping[str, MetricSpec], lang: str) -> str:
    """Why a line has no ROI: nothing spent, no figure yet for its revenue, or none linked."""
    said = _SAID_LINE[lang]
    if lp.revenue_shares:
        return said["nothing_spent"]
    revenue = revenue_key_results(plan.budget.lines, plan.key_results_by_id, metrics)
    waiting = [kr for kr in lp.line.key_results if kr in revenue]
    if waiting:
        return said["no_figure"].format(krs=label(lang, "list_sep").join(waiting))
    return said["no_revenue"]


def _kr_named(plan: Plan, kr_id: str) -> str:
    """ "C2.KR1 新增收入 1亿元", its title cut to keep the line short."""
    kr = plan.key_results_by_id[kr_id]
    return "".join(part for part, _ in one_line(Text(f"{kr.id} {kr.title}"), 30))
