"""The HTML report's burn-up charts, read back as SVG: axes, labels, markers and steps."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

import attrs

from okrdesk.report.charts import burnup_svg
from okrdesk.report.document import ReportKeyResult, TrendPoint

SVG = "{http://www.w3.org/2000/svg}"
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
AS_OF = dt.date(2026, 6, 30)


def key_result(**changes: Any) -> ReportKeyResult:
    """A goal of 45亿 net new AUM, measured weekly, about on pace at the end of June."""
    made = ReportKeyResult(
        id="O1.KR1", title="客户资产净增 45亿", metric="net_new_aum", unit="亿元",
        direction="at_least", baseline=0.0, target=4.5e9, target_source="declared",
        actual=2.1e9, numerator=None, denominator=None, attainment=0.4667, due=0.5,
        expected=2.25e9, status="at_risk", margin=None, change=1e8, new=False, forecast=4.2e9,
        forecast_reach=None, forecast_note="", weight=1.0,
        trend=(TrendPoint(dt.date(2026, 1, 31), 3e8), TrendPoint(dt.date(2026, 3, 31), 1.1e9),
               TrendPoint(dt.date(2026, 6, 28), 2.1e9)),
        milestones=(TrendPoint(START, 0.0), TrendPoint(END, 4.5e9)),
    )  # fmt: skip
    return attrs.evolve(made, **changes)


def chart(result: ReportKeyResult, lang: str = "zh", as_of: dt.date = AS_OF) -> ET.Element:
    return ET.fromstring(str(burnup_svg(result, START, END, lang, as_of)))


def texts(svg: ET.Element, css: str) -> list[str]:
    wanted = set(css.split())
    return [
        "".join(t.itertext())
        for t in svg.iter(f"{SVG}text")
        if wanted <= set(t.get("class", "").split())
    ]


def elements(svg: ET.Element, tag: str, css: str) -> list[ET.Element]:
    return [e for e in svg.iter(f"{SVG}{tag}") if css in e.get("class", "").split()]


def test_the_axes_are_labelled_in_the_key_results_unit_and_by_month() -> None:
    svg = chart(key_result())
    assert texts(svg, "tick y") == ["0元", "10亿", "20亿", "30亿", "40亿", "50亿"]
    assert texts(svg, "tick x") == ["1月", "4月", "7月", "10月"]
    assert len(elements(svg, "line", "axis")) == 12  # a tick at each month's first day


def test_a_zero_tick_of_money_reads_as_the_tables_write_a_zero_amount() -> None:
    """A goal of 1亿 in a plan kept in 亿: the ticks under 1亿 read in 万 as the report
    writes such figures, and the zero as its tables write none, 0元 (CNY 0), not "0万"
    under "2,000万" (CNY 0m under CNY 20m), which reads as an amount rounded away."""
    small = key_result(target=1e8, actual=4.2e7, expected=5e7, forecast=9e7,
                       trend=(TrendPoint(dt.date(2026, 6, 28), 4.2e7),),
                       milestones=(TrendPoint(START, 0.0), TrendPoint(END, 1e8)))  # fmt: skip
    ticks = texts(chart(small), "tick y")
    assert ticks[:2] == ["0元", "2,000万"] and ticks[-1] == "1亿", ticks
    ticks = texts(chart(small, lang="en"), "tick y")
    assert ticks[:2] == ["CNY 0", "CNY 20m"] and ticks[-1] == "CNY 100m", ticks


def test_a_zero_tick_of_a_count_is_plural_in_english() -> None:
    """Ticks 0, 1 of a count of 次 read "0 times", "1 time": the zero took the words of
    the tick above it and read "0 time"."""
    none = key_result(metric=None, unit="次", direction="at_most", target=0.0, actual=0.0,
                      expected=0.0, forecast=None, baseline=None,
                      trend=(TrendPoint(dt.date(2026, 3, 31), 0.0),),
                      milestones=(TrendPoint(START, 0.0), TrendPoint(END, 0.0)))  # fmt: skip
    ticks = texts(chart(none, lang="en"), "tick y")
    assert ticks[:2] == ["0 times", "1 time"], ticks
    assert texts(chart(none), "tick y")[:2] == ["0次", "1次"]


def test_the_target_the_due_curve_today_and_the_latest_value_are_drawn_and_labelled() -> None:
    svg = chart(key_result())
    assert texts(svg, "label goal") == ["目标值 45亿"]
    assert len(elements(svg, "polyline", "due")) == 1
    assert texts(svg, "label today") == ["截至 06-30"]
    assert texts(svg, "label latest") == ["21亿"]
    (today,) = elements(svg, "line", "today")
    (frame,) = elements(svg, "rect", "frame")
    left, width = float(frame.get("x", "")), float(frame.get("width", ""))
    share = (AS_OF - START).days / (END - START).days
    assert abs(float(today.get("x1", "")) - (left + width * share)) < 0.1


def test_the_chart_says_which_key_result_it_is_and_its_latest_value() -> None:
    svg = chart(key_result(title="<b>净增</b> & 其他"))
    name = "完成进度图: O1.KR1 <b>净增</b> & 其他，最新 21亿（2026-06-28）"
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == name
    assert svg.findtext(f"{SVG}title") == name


def test_english_charts_write_money_in_cny_millions() -> None:
    svg = chart(key_result(), lang="en")
    assert texts(svg, "tick y")[-1] == "CNY 5,000m"
    assert texts(svg, "label goal") == ["Target CNY 4,500m"]
    assert texts(svg, "tick x") == ["Jan", "Apr", "Jul", "Oct"]
    assert "latest CNY 2,100m (2026-06-28)" in (svg.get("aria-label") or "")


def test_a_key_result_tracked_by_checkins_is_drawn_as_steps_held_until_today() -> None:
    checkins = (TrendPoint(dt.date(2026, 3, 31), 40.0), TrendPoint(dt.date(2026, 5, 31), 58.0))
    result = key_result(metric=None, unit="单", target=90.0, trend=checkins,
                        milestones=(TrendPoint(START, 0.0), TrendPoint(END, 90.0)))  # fmt: skip
    svg = chart(result)
    assert elements(svg, "polyline", "done") == []
    (steps,) = elements(svg, "path", "steps")
    moves = (steps.get("d") or "").split()
    assert moves[0].startswith("M") and moves[1].startswith("H") and moves[2].startswith("V")
    (today,) = elements(svg, "line", "today")
    assert moves[-1] == f"H{float(today.get('x1', '')):.1f}"  # the last check-in holds
    assert texts(svg, "tick y") == ["0单", "20单", "40单", "60单", "80单", "100单"]
    assert texts(svg, "label latest") == ["58单"]


def test_a_metric_is_drawn_point_to_point() -> None:
    svg = chart(key_result())
    (line,) = elements(svg, "polyline", "done")
    assert len((line.get("points") or "").split()) == 3
    assert elements(svg, "path", "steps") == []


def test_a_guardrail_is_a_limit_line_without_a_due_curve() -> None:
    result = key_result(
        id="O2.KR1", unit="%", direction="at_most", target=0.08, guardrail=True,
        trend=(TrendPoint(dt.date(2026, 3, 31), 0.02), TrendPoint(dt.date(2026, 6, 28), 0.05)),
        milestones=(TrendPoint(START, 0.08), TrendPoint(END, 0.08)),
    )  # fmt: skip
    svg = chart(result)
    assert texts(svg, "label limit") == ["上限 8%"]
    assert len(elements(svg, "line", "limit")) == 1
    assert elements(svg, "polyline", "due") == []
    assert texts(svg, "label goal") == []
    assert texts(svg, "tick y") == ["0%", "2%", "4%", "6%", "8%"]
    floor = key_result(direction="at_least", guardrail=True, target=0.9, unit="%",
                       trend=(TrendPoint(AS_OF, 0.95),))  # fmt: skip
    assert texts(chart(floor, lang="en"), "label limit") == ["Min 90%"]


def test_a_within_key_result_draws_its_band_and_says_it() -> None:
    # "Keep the retention rate's quarterly swing within 1 point": the chart drew one line
    # at the band's middle labelled 目标值 0百分点, a goal of nothing.
    result = key_result(
        id="O2.KR1b", unit="百分点", direction="within", target=0.0, band=0.01, baseline=0.0,
        expected=0.0, trend=(TrendPoint(dt.date(2026, 3, 31), -0.004),
                             TrendPoint(dt.date(2026, 6, 28), 0.006)),
        milestones=(TrendPoint(START, 0.0), TrendPoint(END, 0.0)),
    )  # fmt: skip
    svg = chart(result)
    assert texts(svg, "label limit") == ["目标值 ±1百分点"]
    edges = sorted(float(line.get("y1", "")) for line in elements(svg, "line", "limit"))
    assert len(edges) == 2 and edges[0] < edges[1]
    assert texts(svg, "label goal") == []
    assert texts(chart(result, lang="en"), "label limit") == ["Target ±1 pp"]
    about = attrs.evolve(result, unit="%", target=0.23)
    assert texts(chart(about), "label limit") == ["目标值 23% ± 1%"]


def test_a_closed_checkpoint_ends_at_its_date() -> None:
    result = key_result(
        id="P.LEADS", metric=None, unit="户", target=180.0, closed=dt.date(2026, 3, 31),
        phase="Q1", trend=(TrendPoint(dt.date(2026, 3, 31), 193.0),),
        milestones=(TrendPoint(START, 0.0), TrendPoint(dt.date(2026, 3, 31), 180.0),
                    TrendPoint(END, 180.0)),
    )  # fmt: skip
    svg = chart(result, as_of=dt.date(2026, 11, 30))
    assert texts(svg, "tick x") == ["1月", "2月", "3月"]
    assert texts(svg, "label today") == ["Q1 03-31"]
    (frame,) = elements(svg, "rect", "frame")
    right = float(frame.get("x", "")) + float(frame.get("width", ""))
    (marker,) = elements(svg, "line", "today")
    assert abs(float(marker.get("x1", "")) - right) < 0.1
    (due,) = elements(svg, "polyline", "due")
    assert all(float(p.split(",")[0]) <= right + 0.1 for p in (due.get("points") or "").split())


def test_a_key_result_with_no_figures_still_has_its_axes_and_target() -> None:
    svg = chart(key_result(trend=(), actual=None, unit="户", target=0.0,
                           milestones=(TrendPoint(START, 0.0), TrendPoint(END, 0.0))))  # fmt: skip
    assert texts(svg, "tick y") == ["0户", "1户"]
    assert texts(svg, "label latest") == []
    assert "最新" not in (svg.get("aria-label") or "")
