"""Every sentence and label a report or an alert shows, in Chinese and English.

Code says what happened with a message key and its parameters; this module
alone says it in words. Numbers in parameters are formatted here, by the
display rule of ``okrdesk.units``: ``{ratio:%}`` a percentage, ``{gap:pp}``
points of percent, and a ``Quantity`` (an amount in a key result's unit) as
the report writes it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import Decimal

from okrdesk.cells import char_cells
from okrdesk.errors import Said, Sayable
from okrdesk.units import (
    exact,
    figure,
    half_up,
    in_percent,
    percentage,
    shown_places,
)

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "figures_through": "数据截至 {through}：{period} 含 {day} 之后的日子，不计入",
        "closed_through": "检查点按截至 {day} 的数据判定（{closed} 所在周期未完，不计入）",
        "counted_through": "此指标各周期的数字在周期结束后仍会变动：这里是截至 {through} "
                           "采集到的数字，并非当日的数字",
        "settles_on": "尚待结算：此指标各周期的数字在周期结束后 {days} 天内仍会变动，"
                      "检查点按 {day} 起采集的数字判定达成与否",
        "settles_counted_through": "；现为截至 {through} 采集到的数字",
        "over_phase": "按 {phase} 阶段自身的数字计：只计 {period}（{day} 起）以来的各周期",
        "phase_to_come": "{phase} 阶段尚无数字：暂按计划开始至今的数字计，"
                         "{phase} 有数字后只计 {phase} 的",
        "as_of": "截至", "phase": "阶段", "days_left": "剩余 {n} 天", "score": "综合得分",
        "last_day": "最后一天", "plan_ended": "计划已结束",
        "in_brackets": "（{text}）", "colon": "：", "then": "，", "clause_sep": "；",
        "objective": "目标", "key_result": "关键结果", "actual": "实际", "target": "目标值",
        "attainment": "完成率", "expected": "应完成", "status": "状态", "change": "变化",
        "change_week": "周变化", "change_month": "月变化", "change_quarter": "季变化",
        "new": "新增", "worse": "变差",
        "forecast": "年末预测", "trend": "趋势", "weight": "权重", "members": "成员排名",
        "rank": "名次", "member": "成员", "off_track": "落后项", "budget": "预算",
        "shares_off_track": "其中成员的分解目标",
        "line": "预算项", "amount": "预算", "spent": "已用", "left": "剩余", "roi": "ROI",
        "cost_per_result": "单位成本", "signed_by": "签字人", "breaker": "熔断",
        "total": "合计", "alerts": "需要关注", "none": "无", "expected_roi": "预期 ROI",
        "expected_roi_from": "预期 ROI = 预期收入 {revenue} ÷ 预算 {total} = {roi}",
        "actual_roi_from": "实际 ROI = 归因收入 {revenue} ÷ 已用 {spent} = {roi}",
        "expense_ratio_within": "费用率 {ratio}（上限 {limit}）",
        "expense_ratio": "费用率", "scores": "月度考核", "period": "期间", "policy": "考核方案",
        "breaker_tripped": "熔断已触发", "override": "熔断后特批支出",
        "no_alerts": "暂无",
        "reach": "预计达成", "not_enough": "数据不足", "revenue": "归因收入",
        "unit_person": "人员", "unit_unit": "单位", "planned": "计划已用",
        "level_error": "严重", "level_warning": "提醒", "level_info": "信息",
        "members_met": "成员达标 {met}/{total}（{share}），进度正常 {on_pace}/{total}",
        "members_behind": "，落后 {behind}",
        "members_settling": "，待结算 {settling}",
        "unshared": "其中 {value} 不属于任何有分解目标的成员",
        "unshared_people": "其中 {value} 来自没有分解目标的人员{who}",
        "unshared_more": "等 {n} 人",
        "to_date": "本期至今",
        "scores_cut": "{period} 已存的数据含 {day} 之后的日子，本期至今不计分",
        "unmeasured": "未计入得分：{groups}",
        "counted_at_0": "按 0 计入得分：{krs}（尚无数据）",
        "objective_unscored": "尚无得分：{krs} 尚无数据",
        "objective_at_0": "尚无得分：{krs} 尚无数据；单位的得分按 0 计入本目标",
        "capped": "得分中 {krs} 按上限 {cap} 计",
        "began_counting": "含 {krs} 新计入得分",
        "began_counting_more": "含 {krs} 等 {n} 项新计入得分",
        "from_baseline": "完成率 =（实际 − 起点）÷（目标 − 起点），起点：{krs}",
        "from_baseline_row": "完成率 =（实际 − 起点）÷（目标 − 起点），起点 {baseline}",
        "below_baseline_zero": "（实际不及起点，完成率计 {zero}）",
        "pooled": "比率 {krs} 按合计分子 ÷ 合计分母计，不是各成员比率的平均",
        "pooled_one": "比率 {krs} 按合计分子 ÷ 合计分母计，不是各成员比率的平均",
        "pooled_row": "比率：按合计分子 ÷ 合计分母计，不是各成员比率的平均",
        "unmeasured_group": "{krs}（{why}）", "unmeasured_sep": "；",
        "unmeasured_why": "已加载的插件都不提供指标 {metric}",
        "unmeasured_clash": "指标 {metric}：{why}",
        "unmeasured_status": "无法测量",
        "unscored_no_data": "尚无数据", "unscored_no_target": "无目标值",
        "unscored_no_rows_stock": "尚无数据：存量尚未采集，不按 0 计",
        "unscored_no_rows_ratio": "尚无数据：比率尚无分母，不按 0 计",
        "unscored_phase_to_come": "所属阶段尚无数字，阶段有数字后才计",
        "to_date_note": "本期至今：{period} 已过 {gone}/{days} 天，累计类指标的标准按已过天数折算",
        "to_date_stored": "{period} 的数据只到 {through}：按至今计分，"
                          "累计类指标的标准按 {gone}/{days} 天折算",
        "people_ranked": "人员排名",
        "no_targets_score": "没有自己的目标，上级也未给其分解目标",
        "no_targets": "{name}没有自己的目标，上级也未给其分解目标，因此没有综合得分，"
                      "也没有自己的进度可判断。本报告只列出：{parts}",
        "no_targets_none": "{name}没有自己的目标，上级也未给其分解目标，因此没有综合得分，"
                           "也没有自己的进度可判断；其成员也没有目标",
        "instead_members": "其成员的得分与排名", "instead_scores": "月度考核",
        "instead_budget": "其预算", "instead_alerts": "需要关注的事项",
        "no_alerts_untargeted": "暂无（没有自己的目标可判断）",
        "unranked_no_targets": "“—”：没有自己的目标，上级也未给其分解目标，"
                               "因此没有综合得分，不参与排名",
        "unranked_no_data": "“—”：目标尚无数据，没有综合得分，不参与排名",
        "unranked_phase_to_come": "“—”：其关键结果在所属阶段（{phases}）有数字后才计入得分，"
                                  "尚无综合得分，不参与排名",
        "unranked_phase_and_no_data": "“—”：其关键结果有的尚无数据，其余在所属阶段（{phases}）"
                                      "有数字后才计入得分，尚无综合得分，不参与排名",
        "depth_left_out": "--depth {depth}：更下级的 {count} 个成员未列出",
        "depth_none": "--depth {depth}：不排名任何成员（{count} 个成员未列出）",
        "unranked_unmeasured": "“—”：其关键结果目前无法测量（已加载的插件都不提供指标 "
                               "{metrics}），没有综合得分，不参与排名",
        "unranked_why": "未排名原因",
        "capped_krs": "按上限计的关键结果",
        "unranked_why_no_targets": "没有自己的目标，上级也未给其分解目标，因此没有综合得分",
        "unranked_why_no_data": "目标尚无数据，没有综合得分",
        "unranked_why_phase_to_come": "其关键结果在所属阶段（{phases}）有数字后才计入得分，"
                                      "尚无综合得分",
        "unranked_why_phase_and_no_data": "其关键结果中 {krs} 尚无数据，其余在所属阶段"
                                          "（{phases}）有数字后才计入得分，尚无综合得分",
        "unranked_why_unmeasured": "其关键结果目前无法测量（已加载的插件都不提供指标 "
                                   "{metrics}），没有综合得分",
        "flagged": "⚑：有关键结果落后、未达成或超限；落后项为其个数，单位的含其成员的分解目标",
        "member_capped": "↓ 得分中有关键结果按上限 {cap} 计，未按其实际完成率计",
        "unlisted": "⋮ 另有 {count} 人未列出（xlsx、JSON 格式列出全部）",
        "check_count": "{n} 项需要关注。", "check_info": "另有 {n} 项仅供参考。",
        "check_overridden": "；熔断后已特批支出 {n} 笔（台账第 {ids} 笔）：{reasons}",
        "all_clear": "一切正常。", "burnup": "完成进度图",
        "reserve": "预留",
        "months": "1月 2月 3月 4月 5月 6月 7月 8月 9月 10月 11月 12月",
        "limit_max": "上限", "limit_min": "下限", "chart_latest": "最新 {value}（{date}）",
        "last_checkin": "最近打卡", "confidence": "信心",
        "ago_on": "{day}",
        "ago_week": "上周末", "ago_month": "上月末", "ago_quarter": "上季末",
        "moved": "变化最大", "attention_count": "需要关注：共 {n} 项",
        "no_news_since": "其后无新数据",
        "attention_top": "需要关注：共 {n} 项，最重要的 {shown} 项",
        "attention_all": "全部 {n} 项见文末“需要关注”",
        "attention_breakers": "需要关注：共 {n} 项（其中熔断 {b} 项，见上）",
        "attention_breakers_top": "需要关注：共 {n} 项（其中熔断 {b} 项，见上），"
                                  "其余最重要的 {shown} 项",
        "attention_none": "需要关注：暂无",
        "attention_none_untargeted": "需要关注：暂无（没有自己的目标可判断）",
        "for_information": "仅供参考", "info_count": "；另有 {n} 项仅供参考",
        "owed_late": "待打卡：{n} 项，其中逾期 {late} 项",
        "owed_on_time": "待打卡：{n} 项，均为本期，最早 {due} 截止",
        "owed_person": "{name}：{n} 项，{due} 前完成",
        "owed_person_late": "{name}：{n} 项，逾期 {late} 项（自 {since} 起未打卡）",
        "owed_more": "另有 {n} 人", "nothing_owed": "待打卡：无", "no_lead": "未设负责人",
        "breakers_more": "另有 {n} 项熔断", "left_out": "{columns} 因宽度省略",
        "status_words": "状态因宽度各用一个词：{words}",
        "ledger_rounding": (
            "注：合计与各分项之和（或预算减已用与剩余）的尾差，系各数分别四舍五入所致"
        ),
        "list_sep": "、", "details": "详情", "period_to_date": "{period}至今",
        "sentence_sep": "；", "sentence_end": "。",
        "not_collected": "⚠ 第 {run} 次采集（{day}）未取得此指标：数字为此前采集所得",
        "never_collected": "⚠ 第 {run} 次采集（{day}）未取得此指标，此前也没有它的数字",
        "old_figure": "⚠ 数字截至 {day}，已过期：按当日应完成的进度判定",
        "old_figure_limit": "⚠ 数字截至 {day}，已过期",
        # Under the figure due of a figure out of date: the day it was due on (MM-DD).
        "due_by": "截至{day}",
        "due_then": "应完成",
        # Under the forecast of a figure out of date: the day it is made from (MM-DD).
        "forecast_from": "自{day}起",
        "forecast_to": "至{day}",
        # Over forecasts one of which is for a day before the year's end (an open checkpoint's).
        "forecast_then": "预测",
        # In the workbook's notes of such a forecast, whose cell holds the figure alone.
        "forecast_to_note": "预测至 {day}",
        "held_down": "↓ 原始得分高于考核方案的上限，按上限计",
        "held_up": "↑ 原始得分低于考核方案的下限，按下限计",
        "trend_compares": "趋势：{last}与{before}相比",
    },
    "en": {
        "figures_through": "Figures through {through}: {period} holds days after {day}",
        "closed_through": "Judged on figures through {day}, without the period holding "
                          "{closed}, which runs past it",
        "counted_through": "Its figures go on changing after their periods end: this is "
                           "the figure as collected through {through}, not as it stood then",
        "settles_on": "Settles on {day}: its figures go on changing for {days} days after "
                      "their periods end, so the checkpoint is judged met or missed on a "
                      "collect from that day",
        "settles_counted_through": "; this is the figure as collected through {through}",
        "over_phase": "{phase}'s own figure: only its periods from {period} (starting {day})",
        "phase_to_come": "{phase} has no figure yet: this is the plan's to date, "
                         "until {phase} has one",
        "as_of": "As of", "phase": "Phase", "days_left": "{n} days left", "score": "Score",
        "last_day": "last day", "plan_ended": "the plan has ended",
        "in_brackets": " ({text})", "colon": ": ", "then": ", ", "clause_sep": "; ",
        "objective": "Objective", "key_result": "Key result", "actual": "Actual",
        "target": "Target", "attainment": "Attained", "expected": "Due now", "status": "Status",
        "change": "Change", "change_week": "Week Δ", "change_month": "Month Δ",
        "change_quarter": "Quarter Δ", "new": "new", "worse": "worse", "forecast": "Forecast",
        "trend": "Trend",
        "weight": "Weight",
        "members": "Members, ranked", "rank": "#", "member": "Member",
        "off_track": "Off track", "budget": "Budget", "line": "Line", "amount": "Amount",
        "shares_off_track": "Of which members' shares",
        "spent": "Spent", "left": "Left", "roi": "ROI", "cost_per_result": "Cost per result",
        "signed_by": "Signed by", "breaker": "Breaker", "total": "Total",
        "alerts": "Needs attention", "none": "none", "expected_roi": "Expected ROI",
        "expected_roi_from": "Expected ROI = expected revenue {revenue} ÷ budget {total} = {roi}",
        "actual_roi_from": "Actual ROI = attributed revenue {revenue} ÷ spent {spent} = {roi}",
        "expense_ratio_within": "Expense ratio {ratio} (at most {limit})",
        "expense_ratio": "Expense ratio", "scores": "Monthly scores", "period": "Period",
        "policy": "Policy", "breaker_tripped": "BREAKER TRIPPED", "override": "Overridden",
        "no_alerts": "None", "reach": "Reached",
        # The text report's forecast cell, over two lines: 10 cells, not 15.
        "not_enough": "not enough\ndata",
        "revenue": "Attributed revenue", "unit_person": "person", "unit_unit": "unit",
        "planned": "Planned by now",
        "level_error": "ERROR", "level_warning": "WARNING", "level_info": "INFO",
        "members_met": "{met} of {total} members met their target ({share}), "
                       "{on_pace} of {total} on track",
        "members_behind": ", {behind} off track",
        "members_settling": ", {settling} settling",
        "unshared": "{value} of it belongs to no member with a share of the target",
        "unshared_people": "{value} of it from people with no share of the target{who}",
        "unshared_more": "{n} more",
        "to_date": "This period to date",
        "scores_cut": "{period} is stored with days after {day}: not scored to date",
        "unmeasured": "Not in the score: {groups}",
        "counted_at_0": "Counted at 0 in the score: {krs} (no data yet)",
        "objective_unscored": "No score yet: no data yet for {krs}",
        "objective_at_0": "No score yet: no data yet for {krs}; the unit's score counts this "
                          "objective at 0",
        "capped": "The score counts {krs} at the cap of {cap}",
        "began_counting": "Includes {krs}, newly counted in the score",
        "began_counting_more": "Includes {krs} and {more} more, newly counted in the score",
        "from_baseline": "Attained = (actual − baseline) ÷ (target − baseline); {baselines}: "
                         "{krs}",
        "from_baseline_row": "Attained = (actual − baseline) ÷ (target − baseline), baseline "
                             "{baseline}",
        "below_baseline_zero": " (the actual worse than it: attained {zero})",
        "pooled": "Rates {krs}: total numerator ÷ total denominator, not the mean of the "
                  "members' rates",
        "pooled_one": "Rate {krs}: total numerator ÷ total denominator, not the mean of the "
                      "members' rates",
        "pooled_row": "A rate: total numerator ÷ total denominator, not the mean of the "
                      "members' rates",
        "unmeasured_group": "{krs} ({why})", "unmeasured_sep": "; ",
        "unmeasured_why": "no loaded plugin provides metric {metric}",
        "unmeasured_clash": "metric {metric} {why}",
        "unmeasured_status": "cannot be measured",
        "unscored_no_data": "no data yet", "unscored_no_target": "no target",
        "unscored_no_rows_stock": "no data yet: a level not collected yet is not a 0",
        "unscored_no_rows_ratio": "no data yet: a rate with nothing to divide by is not a 0",
        "unscored_phase_to_come": "its phase has no figure yet; counted once it has",
        "to_date_note": "To date: {gone} of {period}'s {days} days gone; standards of amounts "
                        "that build up are pro-rated to the days gone",
        "to_date_stored": "{period}'s figures run only through {through} ({gone} of {days} "
                          "days): scored to date, standards of amounts that build up "
                          "pro-rated to those days",
        "people_ranked": "People, ranked",
        "no_targets_score": "no targets of its own, nor a share of one set above",
        "no_targets": "{name} has no targets of its own and no share of one set above: it has "
                      "no score, and no progress of its own to judge. Shown instead: {parts}",
        "no_targets_none": "{name} has no targets of its own and no share of one set above: "
                           "it has no score, and no progress of its own to judge; nor have "
                           "its members any targets",
        "instead_members": "its members ranked by score", "instead_scores": "monthly scores",
        "instead_budget": "its budget lines", "instead_alerts": "what needs attention",
        "no_alerts_untargeted": "None (no targets of its own to judge)",
        "unranked_no_targets": "—: no targets of its own and no share of one set above: "
                               "no score, so no rank",
        "unranked_no_data": "—: no figures yet for its targets: no score, so no rank",
        "unranked_phase_to_come": "—: its key results count in the score once their phase "
                                  "({phases}) has a figure: no score yet, so no rank",
        "unranked_phase_and_no_data": "—: some of its key results have no figures yet, the "
                                      "others count in the score once their phase ({phases}) "
                                      "has a figure: no score yet, so no rank",
        "depth_left_out": "--depth {depth}: {count} further down not listed",
        "depth_none": "--depth {depth}: no member ranked ({count} not listed)",
        "unranked_unmeasured": "—: its key results cannot be measured now (no loaded plugin "
                               "provides {metrics}): no score, so no rank",
        "unranked_why": "Why no rank",
        "capped_krs": "Counted at the cap",
        "unranked_why_no_targets": "no targets of its own and no share of one set above: "
                                   "no score",
        "unranked_why_no_data": "no figures yet for its targets: no score",
        "unranked_why_phase_to_come": "its key results count in the score once their phase "
                                      "({phases}) has a figure: no score yet",
        "unranked_why_phase_and_no_data": "of its key results, {krs} has no figures yet and "
                                          "the others count in the score once their phase "
                                          "({phases}) has a figure: no score yet",
        "unranked_why_unmeasured": "its key results cannot be measured now (no loaded plugin "
                                   "provides {metrics}): no score",
        "flagged": "⚑: a key result off track, missed or breached; Off track counts them, "
                   "a unit's with its members' shares of its targets",
        "member_capped": "↓ the score counts a key result at the cap of {cap}, not at what it "
                         "attained",
        "unlisted": "⋮ {count} more people not listed (the xlsx and JSON formats list everyone)",
        "check_count": "{n} things need attention.",
        "check_info": "{n} more for information only.",
        "check_overridden": "; overridden by ledger {entries} {ids}: {reasons}",
        "all_clear": "All clear.",
        "burnup": "burn-up chart",
        "reserve": "Reserve",
        "months": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
        "limit_max": "Max", "limit_min": "Min", "chart_latest": "latest {value} ({date})",
        "last_checkin": "Last check-in", "confidence": "confidence",
        "ago_on": "on {day}",
        "ago_week": "end of last week", "ago_month": "end of last month",
        "ago_quarter": "end of last quarter",
        "moved": "Moved most", "attention_count": "Needs attention: {n}",
        "no_news_since": "no new figures since",
        "attention_top": "Needs attention: {n}, the {shown} most severe",
        "attention_all": "All {n} under “Needs attention” at the end",
        "attention_breakers": "Needs attention: {n} ({breakers} above)",
        "attention_breakers_top": "Needs attention: {n} ({breakers} above), "
                                  "the {shown} most severe others",
        "attention_none": "Needs attention: none",
        "attention_none_untargeted": "Needs attention: none (no targets of its own to judge)",
        "for_information": "For information only", "info_count": "; +{n} info",
        "owed_late": "Check-ins owed: {n}, {late} of them late",
        "owed_on_time": "Check-ins owed: {n}, all this period's, the first due {due}",
        "owed_person": "{name}: {n}, due by {due}",
        "owed_person_late": "{name}: {n}, {late} late (owed since {since})",
        "owed_more": "and {n} more", "nothing_owed": "Check-ins owed: none",
        "no_lead": "no lead in the plan",
        "breakers_more": "{n} more tripped", "left_out": "{columns} left out for width",
        "status_words": "Statuses in a word for width: {words}",
        "ledger_rounding": (
            "Amounts are rounded one by one, so a total (or what is left) can differ in "
            "the last digit from the figures it is made of"
        ),
        "list_sep": ", ", "details": "Details", "period_to_date": "{period} to date",
        "sentence_sep": "; ", "sentence_end": ". ",
        "not_collected": "⚠ Not collected by run {run} ({day}): figures from an earlier run",
        "never_collected": "⚠ Not collected by run {run} ({day}), and no earlier run has "
                           "figures of it",
        "old_figure": "⚠ Figures as of {day}, out of date: judged against what was due "
                      "that day",
        "old_figure_limit": "⚠ Figures as of {day}, out of date",
        "due_by": "by {day}",
        "due_then": "Due",
        "forecast_from": "from {day}",
        "forecast_to": "to {day}",
        "forecast_then": "Forecast",
        "forecast_to_note": "Forecast to {day}",
        "held_down": "↓ the policy's cap held the score down",
        "held_up": "↑ the policy's floor held the score up",
        "trend_compares": "Trend: {last} against {before}",
    },
}  # fmt: skip

# Dimensions: the rows of a key result's breakdown (issue 19).
LABELS["zh"].update({"breakdown": "按{dimension}拆分", "breakdown_row": "↳ {value}（占 {share}）"})
LABELS["en"].update({"breakdown": "By {dimension}", "breakdown_row": "↳ {value} ({share})"})
# A slice named by those words, as explain lists its rows: 性别：女，客户层级：300万以上.
LABELS["zh"].update({"slice_part": "{dimension}：{value}", "slice_sep": "，"})
LABELS["en"].update({"slice_part": "{dimension}: {value}", "slice_sep": ", "})


STATUS: dict[str, dict[str, str]] = {
    "zh": {"on_track": "正常", "at_risk": "有风险", "off_track": "落后", "met": "达标",
           "ahead": "领先",
           "missed": "未达成", "breached": "超限", "no_data": "无数据", "settling": "待结算"},
    "en": {"on_track": "on track", "at_risk": "at risk", "off_track": "off track",
           "met": "met", "ahead": "ahead", "missed": "missed", "breached": "breached",
           "no_data": "no data", "settling": "settling"},
}  # fmt: skip

STATUS_IN_A_WORD: dict[str, dict[str, str]] = {
    "zh": STATUS["zh"],
    "en": {**STATUS["en"], "on_track": "OK", "at_risk": "risky", "off_track": "behind",
           "no_data": "n/a"},
}  # fmt: skip
"""Each status in one word no wider than its column's name (Status), for an English key
result table whose status would otherwise cost it the column saying what was due:
``on`` above ``track`` read as two things."""


def status_in_a_word(lang: str, value: str) -> str:
    return STATUS_IN_A_WORD[lang].get(value, value)


ROLES: dict[str, dict[str, str]] = {
    "zh": {"cm": "客户经理", "icm": "机构客户经理", "trainee": "见习客户经理",
           "adviser": "理财顾问", "ops": "运营", "compliance": "合规", "data": "数据",
           "channel": "渠道", "lead": "团队负责人", "manager": "负责人"},
    "en": {"cm": "customer manager", "icm": "institutional customer manager",
           "trainee": "trainee", "adviser": "wealth adviser", "ops": "operations",
           "compliance": "compliance", "data": "data", "channel": "channel",
           "lead": "team lead", "manager": "manager"},
}  # fmt: skip
"""The roles a branch gives its people (targets.md's ``role``) in each language's words;
a role written otherwise (理财顾问, ``ia``) is shown as written."""


def role(lang: str, value: str) -> str:
    """A person's ``role`` as the reader's language says it: 客户经理 for ``cm``."""
    return ROLES[lang].get(value, value)


LANGUAGES = tuple(LABELS)

KINDS: dict[str, dict[str, str]] = {
    "zh": {"breaker": "熔断", "ledger": "台账", "old_unit": "旧单位", "renamed_person": "人员改名",
           "shared_person": "人员重号",
           "expenses": "费用率",
           "target_mismatch": "目标不符",
           "off_track": "落后", "member_off_track": "分解目标", "missed": "未达成",
           "breached": "超限",
           "no_data": "无数据", "missing": "缺数据",
           "stale": "数据过期", "plugin": "插件", "revised": "修订"},
}  # fmt: skip
"""What ``okrdesk check`` calls each kind of alert; in English, the kind itself in capitals
but for ``EN_KINDS``."""

EN_KINDS = {
    "member_off_track": "MEMBER TARGETS",
    "old_unit": "OLD UNIT ID",
    "renamed_person": "RENAMED PERSON",
    "shared_person": "SHARED PERSON ID",
}
"""Kinds whose name would mislead as a label: member_off_track is also a member's share
past its limit, or closed short of it (``30 shares breached``), not only one behind."""


def kind_label(kind: str, lang: str) -> str:
    words = KINDS.get(lang, {})
    if words:
        return words.get(kind, kind)
    return EN_KINDS.get(kind) or kind.upper().replace("_", " ")


def display_width(text: str) -> int:
    """Columns a terminal gives ``text`` (``char_cells``; the report's tables measure so
    too, ``report.text_layout.cell_width``)."""
    return len(text) if text.isascii() and text.isprintable() else sum(map(char_cells, text))


def padded(text: str, width: int, *, right: bool = False) -> str:
    """``text`` filled out to ``width`` terminal columns (``display_width``), on its left
    when ``right``."""
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` of an English ``noun``: 1 metric, 1,024 periods, 12 branches, 20 people
    (``plural``). A noun that is not English (a unit level a plan names 营业部) is the
    same in the plural."""
    return f"{count:,} {noun if count == 1 else plural or _plural(noun)}"


def duration(seconds: float) -> Said:
    """A wait as a reader counts it, rounded up: seconds under two minutes, minutes under
    two hours, else hours."""
    whole = math.ceil(seconds)
    if whole < 120:
        return Said(counted(whole, "second"), f"{whole} 秒")
    if whole < 7200:
        minutes = math.ceil(whole / 60)
        return Said(counted(minutes, "minute"), f"{minutes} 分钟")
    hours = math.ceil(whole / 3600)
    return Said(counted(hours, "hour"), f"{hours} 小时")


def given_duration(seconds: float) -> Said:
    """A wait someone gave in seconds (``--wait``), its figure as they wrote it, never
    rounded: whole minutes or hours where it is a whole number of them, as ``duration``
    would say it (600: 10 minutes; 3600: 60 minutes), else the seconds (1.5 seconds,
    150 seconds)."""
    whole = seconds == int(seconds)
    if whole and seconds >= 7200 and seconds % 3600 == 0:
        return duration(seconds)
    if whole and seconds >= 120 and seconds % 60 == 0:
        minutes = int(seconds) // 60
        return Said(counted(minutes, "minute"), f"{minutes} 分钟")
    figure = as_given(seconds)
    return Said(f"{figure} second{'' if figure == '1' else 's'}", f"{figure} 秒")


def as_given(number: float) -> str:
    """A number someone gave, as they wrote it: ``1.5``, ``600`` (not ``600.0``), every
    digit of ``123456.5`` (not ``{:g}``'s ``123456``)."""
    text = repr(float(number))
    return text.removesuffix(".0")


def _plural(noun: str) -> str:
    if not noun or not noun.isascii() or not noun[-1].isalpha():
        return noun
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return noun[:-1] + "ies"
    return noun + "s"


def label(lang: str, key: str, **values: object) -> str:
    return LABELS[lang][key].format(**values)


def status(lang: str, value: str) -> str:
    return STATUS[lang].get(value, value)


ALERTS: dict[str, dict[str, str]] = {
    "breaker.pace": {
        "en": "{line} ({name}) has spent {spent:%.1} of its amount while {bound} "
              "{allowed:%.1}: {ahead:pp} ahead, more than the {threshold:pp} allowed",
        "zh": "{line}（{name}）已用预算 {spent:%.1}，而{bound}只允许 {allowed:%.1}："
              "超前 {ahead:pp}，超过允许的 {threshold:pp}",
    },
    "breaker.overspend": {
        "en": "{line} ({name}) has spent {spent:%.1} of its amount, {over:%.1} over; "
              "the breaker trips above {threshold:%} over",
        "zh": "{line}（{name}）已用预算 {spent:%.1}，超支 {over:%.1}；"
              "超支超过 {threshold:%} 即熔断",
    },
    "breaker.calm": {
        "en": "not tripped: {line} has spent {spent:%.1} while {bound} {allowed:%.1}; "
              "it trips beyond {threshold:pp} ahead or {threshold:%} over",
        "zh": "未触发：{line} 已用预算 {spent:%.1}，{bound}允许 {allowed:%.1}；"
              "超前超过 {threshold:pp}或超支超过 {threshold:%} 即熔断",
    },
    "breaker.calm_unbound": {
        "en": "not tripped: {line} has spent {spent:%.1} of its amount; it trips beyond "
              "{threshold:%} over",
        "zh": "未触发：{line} 已用预算 {spent:%.1}；超支超过 {threshold:%} 即熔断",
    },
    "bound.results": {"en": "its results allow", "zh": "关联关键结果的进度"},
    "bound.schedule": {"en": "its spending schedule allows", "zh": "支出计划"},
    "bound.due": {"en": "its results, with no figure yet, are due only",
                  "zh": "关联关键结果尚无数据，按应完成进度"},
    "ledger.off_plan": {
        "en": "the ledger holds {amount} in {count:,} {entries} on {line}, a budget line the "
              "plan does not have: it counts towards no line, no total and no breaker. If the "
              "line's id was changed in the target files, change it back; if the line was "
              "removed, add it again",
        "zh": "台账中有 {count:,} {entries}支出（{amount}）记在计划没有的预算项 {line} 上："
              "不计入任何预算项、合计和熔断。若目标文件中改了此项的 id，请改回；若删除了此项，"
              "请把它加回",
    },
    "old_unit": {
        "en": "{held} of this plan's days are kept under unit {old}, which the plan (unit "
              "{top}) does not have, all made by this plan's people: most likely the plan's "
              "unit id was changed from {old}. Until they are moved, {effect}. Move them all "
              "to {top} with `okrdesk move-unit {old}{from_plan}`, or change the plan's unit "
              "back to {old}",
        "zh": "本计划期内 {held}记在单位 {old} 名下：本计划（单位 {top}）没有这个单位，"
              "记录的却都是本计划的人，很可能是计划的单位 id 由 {old} 改过。移过来之前，"
              "{effect}。请用 `okrdesk move-unit {old}{from_plan}` 把它们全部移到 {top} 名下，"
              "或把计划的单位改回 {old}",
    },
    "people.renamed": {"en": "{said}", "zh": "{said}"},
    "people.shared": {"en": "{said}", "zh": "{said}"},
    "entries.one": {"en": "entry", "zh": "笔"},
    "entries.many": {"en": "entries", "zh": "笔"},
    "expenses.over": {
        "en": "{unit}: expense ratio {ratio:%.1}, above the {limit:%} limit",
        "zh": "{unit}：费用率 {ratio:%.1}，高于 {limit:%} 的上限",
    },
    "target.members_differ": {
        "en": "{kr}: the members' targets add up to {implied}, {gap} {more_or_less} than the "
              "{declared} set for {subject}",
        "zh": "{kr}：成员目标合计 {implied}，比 {subject} 的目标 {declared} {more_or_less} {gap}",
    },
    "target.members_differ_rate": {
        "en": "{kr}: the members' targets come to {implied} together, {gap} {more_or_less} "
              "than the {declared} set for {subject}",
        "zh": "{kr}：成员目标折合 {implied}，比 {subject} 的目标 {declared} {more_or_less} {gap}",
    },
    "more": {"en": "more", "zh": "多"},
    "less": {"en": "less", "zh": "少"},
    "kr.off_track": {
        "en": "{kr} {title}: off track, at {pace:%.1} of the pace due",
        "zh": "{kr} {title}：落后，仅达应完成进度的 {pace:%.1}",
    },
    "kr.member_off_track": {
        "en": "{kr} {title}: {member}'s share off track, at {pace:%.1} of the pace due{old}",
        "zh": "{kr} {title}：{member}的分解目标落后，仅达应完成进度的 {pace:%.1}{old}",
    },
    "kr.member_below_baseline": {
        "en": "{kr} {title}: {member}'s share off track, below where it started{old}",
        "zh": "{kr} {title}：{member}的分解目标落后，低于起点（基线）{old}",
    },
    "kr.members_off_track": {
        "en": "{kr} {title}: {count} shares off track, the furthest behind {members}{more}{old}",
        "zh": "{kr} {title}：{count} 个分解目标落后，最落后的是 {members}{more}{old}",
    },
    # After members' shares off track, or a figure past its limit, judged on figures out
    # of date (old_figure).
    "kr.shares_old": {"en": " (on figures as of {day})", "zh": "（按截至 {day} 的数字）"},
    # A guardrail held for one phase, breached as it closed: its day, never read as now's.
    "kr.closed_on": {"en": " (as it closed on {day})", "zh": "（{day} 截止时）"},
    "kr.closed_on_old": {"en": " (as it closed on {day}, on figures as of {old})",
                         "zh": "（{day} 截止时，按截至 {old} 的数字）"},
    "kr.more_members": {"en": ", …", "zh": "等"},
    # Several key results owned inside a member of the unit (a branch's, in a firm's
    # check), one line of each kind a member; {old}: kr.shares_old or nothing.
    "kr.behind_below": {
        "en": "{member}: {n} key results off track, the furthest behind {krs}{more}{old}",
        "zh": "{member}：{n} 项关键结果落后，最落后的是 {krs}{more}{old}",
    },
    "kr.missed_below": {
        "en": "{member}: {n} key results closed short of their targets, the furthest short "
              "{krs}{more}{old}",
        "zh": "{member}：{n} 项关键结果截止未达成，差得最多的是 {krs}{more}{old}",
    },
    "kr.breached_below": {
        "en": "{member}: {n} key results past their limits, the furthest out {krs}{more}{old}",
        "zh": "{member}：{n} 项关键结果超限，超得最多的是 {krs}{more}{old}",
    },
    # The same, where the line's key results are in different units (户 and 亿): their
    # amounts do not compare, and they are ordered by the gap as a share of each target.
    "kr.missed_below_by_share": {
        "en": "{member}: {n} key results closed short of their targets, the furthest short "
              "as a share of its target {krs}{more}{old}",
        "zh": "{member}：{n} 项关键结果截止未达成，按差距占目标的比例，差得最多的是 "
              "{krs}{more}{old}",
    },
    "kr.no_data_below": {
        "en": "{member}: {n} key results have no data yet although their metrics have "
              "numbers: {krs}{more}",
        "zh": "{member}：{n} 项关键结果暂无数据（其指标已有数据）：{krs}{more}",
    },
    "target.differ_below": {
        "en": "{member}: {n} key results whose members' targets add up to something else, "
              "the furthest off {krs}{more}",
        "zh": "{member}：{n} 项关键结果的成员目标合计与其目标不符，差得最多的是 {krs}{more}",
    },
    "target.differ_below_by_share": {
        "en": "{member}: {n} key results whose members' targets add up to something else, "
              "the furthest off as a share of its target {krs}{more}",
        "zh": "{member}：{n} 项关键结果的成员目标合计与其目标不符，按差距占目标的比例，"
              "差得最多的是 {krs}{more}",
    },
    "kr.members_below": {
        "en": "{member}: {count} shares of {n} key results need attention: {krs}{more}{old}",
        "zh": "{member}：{count} 个分解目标需要关注（{n} 项关键结果）：{krs}{more}{old}",
    },
    # The same, all of the shares of one key result (never "1 key results").
    "kr.members_below_one": {
        "en": "{member}: {count} shares of 1 key result need attention: {krs}{more}{old}",
        "zh": "{member}：{count} 个分解目标需要关注（{n} 项关键结果）：{krs}{more}{old}",
    },
    # After each of the lines above where a reader runs okrdesk (the terminal report,
    # check): the command that lists what the line counts. Not in a chat message, a web
    # page, a workbook or a Markdown file, whose readers run no command.
    "kr.lists_hint": {"en": "; --unit {unit} lists them", "zh": "；--unit {unit} 逐个列出"},
    "kr.member_missed": {
        "en": "{kr} {title}: {member}'s share missed {day} by {short}{old}",
        "zh": "{kr} {title}：{member}的分解目标 {day} 截止未达成，差 {short}{old}",
    },
    "kr.members_missed": {
        "en": "{kr} {title}: {count} shares missed {day}, the furthest short "
              "{members}{more}{old}",
        "zh": "{kr} {title}：{count} 个分解目标 {day} 截止未达成，差得最多的是 "
              "{members}{more}{old}",
    },
    "kr.member_breached": {
        "en": "{kr} {title}: {member}'s share breached {figures}{old}",
        "zh": "{kr} {title}：{member}的分解目标超限{figures}{old}",
    },
    "kr.members_breached": {
        "en": "{kr} {title}: {count} shares breached, the furthest out {members}{more}{old}",
        "zh": "{kr} {title}：{count} 个分解目标超限，超得最多的是 {members}{more}{old}",
    },
    # A member's share past its limit, after its name (kr.member(s)_breached).
    "kr.past_limit_at_most": {"en": "({actual} against a limit of {limit})",
                              "zh": "（{actual}，上限 {limit}）"},
    "kr.past_limit_at_least": {"en": "({actual} against a floor of {limit})",
                               "zh": "（{actual}，下限 {limit}）"},
    "kr.past_limit_within": {"en": "({actual} outside {limit} ± {band})",
                             "zh": "（{actual}，超出 {limit} ± {band} 的范围）"},
    "kr.below_baseline": {
        "en": "{kr} {title}: off track, below where it started",
        "zh": "{kr} {title}：落后，低于起点（基线）",
    },
    "kr.off_track_no_pace": {
        "en": "{kr} {title}: off track",
        "zh": "{kr} {title}：落后",
    },
    # The same, judged on an out-of-date figure against what was due on its day.
    "kr.off_track_old": {
        "en": "{kr} {title}: off track on its figures as of {day}, at {pace:%.1} of the "
              "pace due that day",
        "zh": "{kr} {title}：按截至 {day} 的数字落后，仅达当日应完成进度的 {pace:%.1}",
    },
    "kr.below_baseline_old": {
        "en": "{kr} {title}: off track on its figures as of {day}, below where it started",
        "zh": "{kr} {title}：按截至 {day} 的数字落后，低于起点（基线）",
    },
    "kr.off_track_no_pace_old": {
        "en": "{kr} {title}: off track on its figures as of {day}",
        "zh": "{kr} {title}：按截至 {day} 的数字落后",
    },
    "kr.missed": {
        "en": "{kr} {title}: missed {day} by {short}",
        "zh": "{kr} {title}：{day} 截止未达成，差 {short}",
    },
    "kr.missed_old": {
        "en": "{kr} {title}: missed {day} by {short} (on figures as of {old})",
        "zh": "{kr} {title}：{day} 截止未达成，差 {short}（按截至 {old} 的数字）",
    },
    "kr.breached": {
        "en": "{kr} {title}: the limit is breached",
        "zh": "{kr} {title}：已超限",
    },
    "kr.breached_at_most": {
        "en": "{kr} {title}: {actual}, above its limit of {limit}{old}",
        "zh": "{kr} {title}：{actual}，超过上限 {limit}{old}",
    },
    "kr.breached_at_least": {
        "en": "{kr} {title}: {actual}, below its floor of {limit}{old}",
        "zh": "{kr} {title}：{actual}，低于下限 {limit}{old}",
    },
    "kr.breached_within": {
        "en": "{kr} {title}: {actual}, outside {limit} ± {band}{old}",
        "zh": "{kr} {title}：{actual}，超出 {limit} ± {band} 的范围{old}",
    },
    # A member's share of a key result of the scope's with no figure, its metric with
    # numbers (a branch missing from the firm's export); several of one member in a line.
    "kr.member_no_data": {
        "en": "{kr} {title}: no data yet for {member}'s share (metric {metric})",
        "zh": "{kr} {title}：{member}的分解目标暂无数据（指标 {metric}）",
    },
    "kr.members_no_data": {
        "en": "{member}: no data for its shares of {n} key results: {krs} (their metrics "
              "have numbers)",
        "zh": "{member}：{n} 项关键结果的分解目标暂无数据：{krs}（其指标已有数据）",
    },
    "kr.no_growth_base": {
        "en": "{kr} {title}: no target, for want of last year's figures to grow on"
              " (okrdesk explain {kr} says which)",
        "zh": "{kr} {title}：缺上年的数字作增长基数，没有目标（okrdesk explain {kr} 列出缺哪些）",
    },
    "kr.no_data": {
        "en": "{kr} {title}: no data yet for {subject} (metric {metric})",
        "zh": "{kr} {title}：{subject} 暂无数据（指标 {metric}）",
    },
    "metric.missing": {
        "en": "metric {metric}: no numbers collected",
        "zh": "指标 {metric}：尚未采集到数据",
    },
    # A collect read it through {day} and found no rows: none happened yet, or its source
    # is empty; either way not a collect that did not run.
    "metric.read_empty": {
        "en": "metric {metric}: the collect through {day} read it and found no rows (none "
              "yet, or its source is empty)",
        "zh": "指标 {metric}：截至 {day} 的采集读取了它，但没有任何数据行（尚未发生，或其来源"
              "为空）",
    },
    "metric.unprovided": {
        "en": "metric {metric}: no loaded plugin provides it, so {krs} cannot be measured",
        "zh": "指标 {metric}：已加载的插件都不提供它，{krs} 无法测量",
    },
    # Several such metrics (a plugin broken or left out), in one line.
    "metric.unprovided_many": {
        "en": "{n} metrics: no loaded plugin provides them: {metrics}; the key results on "
              "them cannot be measured",
        "zh": "{n} 项指标：已加载的插件都不提供：{metrics}；用到它们的关键结果无法测量",
    },
    "metric.unprovided_many_elsewhere": {
        "en": "{n} metrics: no loaded plugin provides them: {metrics}",
        "zh": "{n} 项指标：已加载的插件都不提供：{metrics}",
    },
    "metric.declared_twice": {
        "en": "metric {metric}: {clash}, and {krs} cannot be measured; {advice}",
        "zh": "指标 {metric}：{clash}，{krs} 无法测量；{advice}",
    },
    "metric.declared_twice_elsewhere": {
        "en": "metric {metric}: {clash}; {advice}",
        "zh": "指标 {metric}：{clash}；{advice}",
    },
    "metric.unprovided_elsewhere": {
        "en": "metric {metric}: no loaded plugin provides it",
        "zh": "指标 {metric}：已加载的插件都不提供它",
    },
    "metric.stale": {
        "en": "metric {metric}: latest numbers end {latest} ({grain})",
        "zh": "指标 {metric}：最新数据截至 {latest}（{grain}）",
    },
    "metric.stale_in": {
        "en": "{unit}: metric {metric} collected only through {latest} ({grain}), behind the "
              "plan's other units",
        "zh": "{unit}：指标 {metric} 的数据仅采集至 {latest}（{grain}），落后于其他单位",
    },
    "metric.stale_many_in": {
        "en": "{unit}: {n} metrics collected only through {latest} ({grain}), behind the plan's "
              "other units: {metrics}",
        "zh": "{unit}：{n} 项指标的数据仅采集至 {latest}（{grain}），落后于其他单位：{metrics}",
    },
    "metric.stale_many": {
        "en": "{n} metrics: latest numbers end {latest} ({grain}): {metrics}",
        "zh": "{n} 项指标的最新数据截至 {latest}（{grain}）：{metrics}",
    },
    "metric.revised": {
        "en": "metric {metric}: {figures:,} {noun} of complete periods restated by the "
              "collect of {day} (run {run}): {periods}",
        "zh": "指标 {metric}：{day} 的采集（第 {run} 次）修订了已完结周期的 {figures:,} {noun}："
              "{periods}",
    },
    "metric.revised_more": {
        "en": "metric {metric}: {figures:,} {noun} of complete periods restated by the "
              "collect of {day} (run {run}): {periods} and {more} more",
        "zh": "指标 {metric}：{day} 的采集（第 {run} 次）修订了已完结周期的 {figures:,} {noun}："
              "{periods} 及另外 {more} 个周期",
    },
    "figures.one": {"en": "figure", "zh": "个数字"},
    "figures.many": {"en": "figures", "zh": "个数字"},
    "grain.week": {"en": "weekly", "zh": "按周"},
    "grain.month": {"en": "monthly", "zh": "按月"},
    "grain.quarter": {"en": "quarterly", "zh": "按季"},
    "checkin.missing": {
        "en": "{kr} {title}: no check-in yet",
        "zh": "{kr} {title}：尚无打卡记录",
    },
    "checkin.kept_under_member": {
        "en": "{kr} {title}: no check-in under {member} yet; this plan does not read "
              "{checkins} kept under {old}, {name}'s unit id before this plan's target files "
              "renamed it {member}. They count once {name}'s own workspace, its target files "
              "calling it {member} too, moves them: `okrdesk move-unit {old} {member}` there",
        "zh": "{kr} {title}：{member} 名下尚无打卡；本计划读不到记在 {old} 名下的 {checkins}，"
              "那是本计划目标文件把{name}改称 {member} 之前的单位 id。等{name}自己的目标文件"
              "也改为 {member} 后，在它的工作区运行 `okrdesk move-unit {old} {member}` 把它们"
              "移过来，才会计入",
    },
    "checkin.missing_many": {
        "en": "{n} key results: no check-in yet: {krs}",
        "zh": "{n} 项关键结果尚无打卡记录：{krs}",
    },
    "checkin.stale": {
        "en": "{kr} {title}: no check-in for a whole {cadence} since {day}",
        "zh": "{kr} {title}：最近一次打卡在 {day}，已整{cadence}未打卡",
    },
    "checkin.stale_many": {
        "en": "{n} key results: no check-in for a whole {cadence} since {day}: {krs}",
        "zh": "{n} 项关键结果最近一次打卡在 {day}，已整{cadence}未打卡：{krs}",
    },
    "checkin.stale_for": {
        "en": "{kr} {title}: no check-in since {day}, {missed} {cadences} missed",
        "zh": "{kr} {title}：最近一次打卡在 {day}，已 {missed} {cadences}未打卡",
    },
    "checkin.stale_many_for": {
        "en": "{n} key results: no check-in since {day}, {missed} {cadences} missed: {krs}",
        "zh": "{n} 项关键结果最近一次打卡在 {day}，已 {missed} {cadences}未打卡：{krs}",
    },
    "checkin.stale_of": {
        "en": "{kr} {title}: no check-in for {who} for a whole {cadence} since {day}",
        "zh": "{kr} {title}：{who}最近一次打卡在 {day}，已整{cadence}未打卡",
    },
    "checkin.stale_many_of": {
        "en": "{n} key results: no check-in for {who} for a whole {cadence} since {day}: {krs}",
        "zh": "{who}：{n} 项关键结果最近一次打卡在 {day}，已整{cadence}未打卡：{krs}",
    },
    "checkin.stale_of_for": {
        "en": "{kr} {title}: no check-in for {who} since {day}, {missed} {cadences} missed",
        "zh": "{kr} {title}：{who}最近一次打卡在 {day}，已 {missed} {cadences}未打卡",
    },
    "checkin.stale_many_of_for": {
        "en": "{n} key results: no check-in for {who} since {day}, {missed} {cadences} "
              "missed: {krs}",
        "zh": "{who}：{n} 项关键结果最近一次打卡在 {day}，已 {missed} {cadences}未打卡：{krs}",
    },
    "checkin.none_of": {
        "en": "{kr} {title}: no check-in yet for {who}, a whole {cadence} gone by",
        "zh": "{kr} {title}：{who}尚无打卡，已整{cadence}未打卡",
    },
    "checkin.none_many_of": {
        "en": "{n} key results: no check-in yet for {who}, a whole {cadence} gone by: {krs}",
        "zh": "{who}：{n} 项关键结果尚无打卡，已整{cadence}未打卡：{krs}",
    },
    "checkin.none_of_for": {
        "en": "{kr} {title}: no check-in yet for {who}, {missed} {cadences} missed",
        "zh": "{kr} {title}：{who}尚无打卡，已缺 {missed} {cadences}",
    },
    "checkin.none_many_of_for": {
        "en": "{n} key results: no check-in yet for {who}, {missed} {cadences} missed: {krs}",
        "zh": "{who}：{n} 项关键结果尚无打卡，已缺 {missed} {cadences}：{krs}",
    },
    "cadences.week": {"en": "weeks", "zh": "周"},
    "cadences.month": {"en": "months", "zh": "个月"},
    "cadences.quarter": {"en": "quarters", "zh": "个季度"},
    "cadence.week": {"en": "week", "zh": "周"},
    "cadence.month": {"en": "month", "zh": "月"},
    "cadence.quarter": {"en": "quarter", "zh": "季"},
    "plugin.run_error": {
        "en": "collect run {run} ({day}): {error}",
        "zh": "第 {run} 次采集（{day}）：{error}",
    },
    "plugin.run_warning": {
        "en": "collect run {run} ({day}) warned: {warning}",
        "zh": "第 {run} 次采集（{day}）提示：{warning}",
    },
    "collect.unfinished": {
        "en": "collect run {run}{whose} (started {when}) has not finished: it is still "
              "running, or it was stopped (killed, or its connection to the store lost); "
              "{kept}; once it is not running, run `okrdesk collect` again",
        "zh": "{whose}第 {run} 次采集（{when} 开始）没有结束：仍在运行，或已中断（进程被终止，"
              "或与数据库的连接断开）；{kept}；确认它已不在运行后，请重新运行 `okrdesk collect`",
    },
    "collect.died": {
        "en": "collect run {run}{whose} (started {when}, process {pid} on this machine) died "
              "before it finished: killed, or its connection to the store lost; nothing stored "
              "is lost: {kept}; run `okrdesk collect` again",
        "zh": "{whose}第 {run} 次采集（{when} 开始，本机进程 {pid}）未完成就中断了：进程被终止，"
              "或与数据库的连接断开；已存入的内容没有丢失：{kept}；请重新运行 `okrdesk collect`",
    },
    "collect.interrupted": {
        "en": "collect run {run}{whose} (started {when}) was stopped with Ctrl-C before it "
              "finished; nothing stored is lost: {kept}; run `okrdesk collect` again",
        "zh": "{whose}第 {run} 次采集（{when} 开始）未完成即被 Ctrl-C 中止；已存入的内容没有丢失："
              "{kept}；请重新运行 `okrdesk collect`",
    },
    "collect.terminated": {
        "en": "collect run {run}{whose} (started {when}) was stopped by SIGTERM (a scheduler, "
              "`timeout`, `kill` or systemd) before it finished; nothing stored is lost: "
              "{kept}; run `okrdesk collect` again",
        "zh": "{whose}第 {run} 次采集（{when} 开始）未完成即被 SIGTERM 终止（计划任务、`timeout`、"
              "`kill` 或 systemd）；已存入的内容没有丢失：{kept}；请重新运行 `okrdesk collect`",
    },
    "collect.running": {
        "en": "collect run {run}{whose} (started {when}, process {pid} on this machine) is "
              "still running: {kept}",
        "zh": "{whose}第 {run} 次采集（{when} 开始，本机进程 {pid}）仍在运行：{kept}",
    },
    "collect.elsewhere": {
        "en": "collect run {run}{whose} (started {when} on {host}, process {pid}) has not "
              "finished; whether it still runs cannot be seen from this machine: look on "
              "{host}; if it is not running there, run `okrdesk collect` again (nothing stored "
              "is lost: {kept})",
        "zh": "{whose}第 {run} 次采集（{when} 在 {host} 上开始，进程 {pid}）没有结束；从本机无法"
              "看出它是否仍在运行：请到 {host} 上查看；如果它已不在运行，请重新运行 "
              "`okrdesk collect`（已存入的内容没有丢失：{kept}）",
    },
    "plugin.broken": {
        "en": "plugin {plugin}: {error}",
        "zh": "插件 {plugin}：{error}",
    },
    # A metric declared another kind than its figures were stored as (model.kind_changed).
    "plugin.kind_changed": {
        "en": "plugin {plugin} metric {metric}: {error}",
        "zh": "插件 {plugin} 指标 {metric}：{error}",
    },
    "nothing_collected": {
        "en": "no numbers collected yet: run `okrdesk collect`",
        "zh": "尚未采集任何数据：请运行 `okrdesk collect`",
    },
}  # fmt: skip

_NESTED = {"bound": "bound.", "more_or_less": "", "grain": "grain.", "cadence": "cadence.",
           "cadences": "cadences.",
           "noun": "figures.", "entries": "entries."}  # fmt: skip
"""Parameters whose value is itself a message key, spelt out in the same language."""


class Fixed(float):
    """A share, or a difference of shares, that ``{x:%}``, ``{x:%.1}`` and ``{x:pp}``
    write with exactly ``places`` decimals: figures a reader subtracts, written alike
    (``past_limit``)."""

    places: int

    def __new__(cls, value: float, places: int) -> Fixed:
        made = super().__new__(cls, value)
        made.places = places
        return made


def past_limit(value: float, base: float, limit: float) -> tuple[Fixed, Fixed, Fixed]:
    """``value`` and ``base`` as shares, and how far ``value`` runs past ``base`` as the
    difference of the two as written, so that a reader's subtraction agrees; with as many
    decimals as it takes to read past ``limit`` where it is past it: a breaker's line at
    60.02% against 50.01% runs 10.01 points ahead of the 10 allowed, never "60.0%
    against 50.0%: 10.0 points ahead, more than the 10 allowed"."""
    places = max(shown_places(value), shown_places(base))
    while True:
        ahead = half_up(exact(value) * 100, places) - half_up(exact(base) * 100, places)
        if places >= MOST_PLACES or value - base <= limit or ahead > exact(limit) * 100:
            break
        places += 1
    return Fixed(value, places), Fixed(base, places), Fixed(float(ahead) / 100, places)


MOST_PLACES = 6
"""The most decimals ``past_limit`` gives a share, in percent."""


class _Shown:
    """A parameter written by the display rule in the message's language.

    ``{x:%}`` writes a fraction as a percentage (0.1 → 10%, 1.1923 → 119.2%), ``{x:%.1}``
    one computed, with a decimal at least (0.69 → 69.0%, as the report's attainments),
    ``{x:pp}`` a difference of two fractions in points (百分点 / pp), a
    ``Quantity`` (an amount in a key result's unit) as the report writes it, and a
    tuple as a list (2026-W01、2026-W02 / 2026-W01, 2026-W02).
    """

    def __init__(self, value: object, lang: str) -> None:
        self.value = value
        self.lang = lang

    def __format__(self, spec: str) -> str:
        value = self.value
        if isinstance(value, Sayable) and callable(value.text):  # Quantity, Said, PluginLine
            return value.text(self.lang)
        if isinstance(value, tuple):
            joined = (format(_Shown(v, self.lang), spec) for v in value)
            return ("、" if self.lang == "zh" else ", ").join(joined)
        if isinstance(value, Fixed) and spec in ("%", "%.1", "pp"):
            points = figure(exact(value) * 100, value.places, keep=value.places)
            if spec != "pp":
                return f"{points}%"
            return f"{points}百分点" if self.lang == "zh" else f"{points} pp"
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            if spec in ("%", "%.1"):  # %.1: a computed share, 69.0% as computed
                return percentage(value, keep=1 if spec == "%.1" else 0)
            if spec == "pp":
                points = in_percent(exact(value) * 100)
                return f"{points}百分点" if self.lang == "zh" else f"{points} pp"
        return format(value, spec)


def alert_text(key: str, lang: str, params: Mapping[str, object]) -> str:
    """The alert ``key`` in ``lang`` with its parameters filled in."""
    texts = ALERTS[key]
    values: dict[str, object] = {name: _Shown(v, lang) for name, v in params.items()}
    for name, prefix in _NESTED.items():
        if name in params:
            values[name] = ALERTS[f"{prefix}{params[name]}"].get(
                lang, ALERTS[f"{prefix}{params[name]}"]["en"]
            )
    return texts.get(lang, texts["en"]).format(**values)


# Windows and period-over-period (engine/windows.py): the line the report shows
# under a key result with ``window``, ``compare`` or ``growth``.
EXPLAIN_MEMBERS: dict[str, dict[str, str]] = {
    "en": {
        "rows": "{observations}, from {runs}, added up by member:",
        "member": "member",
        "value": "value",
        "target": "target",
        "observations": "observations",
        "itself": "{name} itself",
        "own_rows": "Stored on {name} itself:",
        "one_member": "Each observation: okrdesk explain {kr} {option} {member} "
        "(or another member)",
        "no_data": "{count:,} more without data: {names}{more}",
        "no_data_people": "{count:,} more without data: {names}{more}",
        "no_data_more": " and {count:,} others",
    },
    "zh": {
        "rows": "{observations}，来自第 {runs} 次采集，按成员合计：",
        "member": "成员",
        "value": "数值",
        "target": "分解目标",
        "observations": "观测值",
        "itself": "{name}本身",
        "own_rows": "{name}本身的观测值：",
        "one_member": "逐条观测值：okrdesk explain {kr} {option} {member}（或其他成员）",
        "no_data": "另有 {count:,} 个成员无数据：{names}{more}",
        "no_data_people": "另有 {count:,} 人无数据：{names}{more}",
        "no_data_more": "等",
    },
}
"""`okrdesk explain` of a figure made of more observations than it lists, by member
(``okrdesk.report.explained_by_member``)."""


WINDOWS: dict[str, dict[str, str]] = {
    "zh": {
        "wtd": "本周至今", "mtd": "本月至今", "qtd": "本季至今", "ytd": "本年至今",
        "last_weeks": "近 {n} 周", "last_months": "近 {n} 个月",
        "last_year": "同比", "previous": "环比",
        "earlier_last_year": "上年同期 {value}", "earlier_previous": "上期 {value}",
        "days_last_year": "本期 {now} 天、上年同期 {then} 天，并非同口径",
        "days_previous": "本期 {now} 天、上期 {then} 天，并非同口径",
        "no_data": "本期无数据", "no_earlier_last_year": "无上年同期数据",
        "no_earlier_previous": "无上期数据",
        "collect_last_year": "：单次的 --compare 不采集上年数据；在目标文件中给这项关键结果加上 "
                             'compare = ["last_year"]，再运行 okrdesk collect',
        "earlier_zero_last_year": "上年同期为 0，不计百分比",
        "earlier_zero_previous": "上期为 0，不计百分比",
        "earlier_negative_last_year": "上年同期为负（{value}），不计百分比",
        "earlier_negative_previous": "上期为负（{value}），不计百分比",
        "from_baselines": "含基数表",
        "growth_target": "目标 = 上年 {value} × (1 + {growth})",
        "restarts_wtd": "每周初重新起算，得分按本周完成率计：周初得分回落，并非变差",
        "restarts_mtd": "每月初重新起算，得分按本月完成率计：月初得分回落，并非变差",
        "restarts_qtd": "每季初重新起算，得分按本季完成率计：季初得分回落，并非变差",
        "no_growth_base": "上年无数据，增长目标无从计算",
        "part_growth_base": "上年有 {periods} 个周期未采集过，增长目标无从计算"
                            "（可在 [[baselines]] 中补录）",
        "earlier_part_last_year": "上年同期有 {periods} 个周期未采集过，不计百分比"
                                  "（可在 [[baselines]] 中补录）",
        "earlier_part_previous": "上期有 {periods} 个周期未采集过，不计百分比",
        "entered": "进入", "converted": "转化",
    },
    "en": {
        "wtd": "Week to date", "mtd": "Month to date", "qtd": "Quarter to date",
        "ytd": "Year to date", "last_weeks": "Last {n} weeks", "last_months": "Last {n} months",
        "last_year": "YoY", "previous": "PoP",
        "earlier_last_year": "a year before {value}", "earlier_previous": "period before {value}",
        "days_last_year": "{now} days against {then} a year before, not like for like",
        "days_previous": "{now} days against {then} the period before, not like for like",
        "no_data": "no figure now", "no_earlier_last_year": "no figure a year before",
        "no_earlier_previous": "no figure the period before",
        "collect_last_year": ": a one-off --compare collects no figures of last year; add "
                             'compare = ["last_year"] to this key result in its target file, '
                             "then run okrdesk collect",
        "earlier_zero_last_year": "a year before was 0, no percentage",
        "earlier_zero_previous": "the period before was 0, no percentage",
        "earlier_negative_last_year": "a year before was negative ({value}), no percentage",
        "earlier_negative_previous": "the period before was negative ({value}), no percentage",
        "from_baselines": "from baselines",
        "growth_target": "target = last year's {value} × (1 + {growth})",
        "restarts_wtd": "it starts again each week, and the score counts this week's"
                        " attainment: a fall at the week's start is no worsening",
        "restarts_mtd": "it starts again each month, and the score counts this month's"
                        " attainment: a fall at the month's start is no worsening",
        "restarts_qtd": "it starts again each quarter, and the score counts this quarter's"
                        " attainment: a fall at the quarter's start is no worsening",
        "no_growth_base": "no figure last year: no growth target",
        "part_growth_base": "{periods} periods of last year never collected: no growth target"
                            " (type them in [[baselines]])",
        "earlier_part_last_year": "{periods} periods a year before never collected,"
                                  " no percentage (type them in [[baselines]])",
        "earlier_part_previous": "{periods} periods before never collected, no percentage",
        "entered": "entered", "converted": "converted",
    },
}  # fmt: skip


def window_label(lang: str, key: str, **values: object) -> str:
    """A word of the window line in ``lang`` (``WINDOWS``)."""
    return WINDOWS[lang][key].format(**values)


def named_periods(periods: Iterable[str]) -> tuple[list[str], int]:
    """The periods a restatement is told by, in order: all of up to four, else the
    first three, and how many more there are."""
    named = sorted(periods)
    if len(named) <= 4:
        return named, 0
    return named[:3], len(named) - 3
