"""The words of the report in Chinese and English."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "as_of": "截至", "phase": "阶段", "days_left": "剩余 {n} 天", "score": "综合得分",
        "objective": "目标", "key_result": "关键结果", "actual": "实际", "target": "目标值",
        "attainment": "完成率", "expected": "应完成", "status": "状态", "change": "周变化",
        "forecast": "年末预测", "trend": "趋势", "weight": "权重", "members": "成员排名",
        "rank": "名次", "member": "成员", "off_track": "落后项", "budget": "预算",
        "line": "预算项", "amount": "预算", "spent": "已用", "left": "剩余", "roi": "ROI",
        "cost_per_result": "单位成本", "signed_by": "签字人", "breaker": "熔断",
        "total": "合计", "alerts": "需要关注", "none": "无", "expected_roi": "预期 ROI",
        "expense_ratio": "费用率", "scores": "月度考核", "period": "期间", "policy": "考核方案",
        "breaker_tripped": "熔断已触发", "override": "已越权支出",
        "no_alerts": "暂无需要关注的事项",
        "reach": "预计达成", "not_enough": "数据不足", "revenue": "归因收入",
        "unit_person": "人员", "unit_unit": "单位", "planned": "计划已用",
    },
    "en": {
        "as_of": "As of", "phase": "Phase", "days_left": "{n} days left", "score": "Score",
        "objective": "Objective", "key_result": "Key result", "actual": "Actual",
        "target": "Target", "attainment": "Attained", "expected": "Due now", "status": "Status",
        "change": "Week Δ", "forecast": "Forecast", "trend": "Trend", "weight": "Weight",
        "members": "Members, ranked", "rank": "#", "member": "Member",
        "off_track": "Off track", "budget": "Budget", "line": "Line", "amount": "Amount",
        "spent": "Spent", "left": "Left", "roi": "ROI", "cost_per_result": "Cost per result",
        "signed_by": "Signed by", "breaker": "Breaker", "total": "Total",
        "alerts": "Needs attention", "none": "none", "expected_roi": "Expected ROI",
        "expense_ratio": "Expense ratio", "scores": "Monthly scores", "period": "Period",
        "policy": "Policy", "breaker_tripped": "BREAKER TRIPPED", "override": "Overridden",
        "no_alerts": "Nothing needs attention", "reach": "Reached", "not_enough": "not enough data",
        "revenue": "Attributed revenue", "unit_person": "person", "unit_unit": "unit",
        "planned": "Planned by now",
    },
}  # fmt: skip

STATUS: dict[str, dict[str, str]] = {
    "zh": {"on_track": "正常", "at_risk": "有风险", "off_track": "落后", "met": "达标",
           "breached": "超限", "no_data": "无数据"},
    "en": {"on_track": "on track", "at_risk": "at risk", "off_track": "off track",
           "met": "met", "breached": "breached", "no_data": "no data"},
}  # fmt: skip

STATUS_STYLE = {
    "on_track": "green", "met": "green", "at_risk": "yellow", "off_track": "bold red",
    "breached": "bold red", "no_data": "dim",
}  # fmt: skip

LANGUAGES = tuple(LABELS)


def label(lang: str, key: str, **values: object) -> str:
    return LABELS[lang][key].format(**values)


def status(lang: str, value: str) -> str:
    return STATUS[lang].get(value, value)
