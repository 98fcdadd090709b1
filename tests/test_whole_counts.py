"""Whole counts a manager can trust: a figure of a metric counted in 户, 人 or 单 that is
not a whole number is refused as any invalid figure is, unless the metric declares its
credit shared (``split_credit``), whose halves are then written as they are (82.5人,
not 83人); and a figure no brokerage could have (3e15 元 in a week, 5e12 clients) is
refused too, where it was stored and rolled up into every total above it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from installed_package import installed_package, okrdesk
from okrdesk.model import MetricSpec, MetricSpecError
from okrdesk.plugins import sql_metrics
from okrdesk.plugins.testing import PluginCheck, check_plugin
from okrdesk.units import UNITS
from sample_workspace import WriteWorkspace
from test_sql_files import PEOPLE, START, THROUGH, write

COUNTS = """\
import json
import os

from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("salon_attendees", "Salon attendees", "沙龙参会人数", "flow",
                        UNITS["人"]))
    register(MetricSpec("shared_clients", "Shared clients", "共同服务客户", "stock",
                        UNITS["人"], split_credit=True))
    register(MetricSpec("fee_income", "Fee income", "手续费收入", "flow", UNITS["元"]))
    register(MetricSpec("referral_rate", "Referral rate", "转介绍率", MetricKind.RATIO,
                        UNITS["%"], numerator_unit=UNITS["户"], denominator_unit=UNITS["户"]))
    register(MetricSpec("asset_attrition", "Asset attrition", "资产流失率", MetricKind.RATIO,
                        UNITS["%"], direction="at_most", numerator_unit=UNITS["元"],
                        denominator_unit=UNITS["元"]))


@hookimpl
def okrdesk_collect(request, emit):
    # metric -> [[subject, period index, value or [numerator, denominator]], ...]
    figures = json.loads(os.environ.get("OKRDESK_TEST_FIGURES", "{}"))
    wanted = {spec.name for spec in request.metrics}
    for metric, rows in figures.items():
        if metric not in wanted:
            continue
        subjects = [row[0] for row in rows]
        periods = [request.periods[row[1]].id for row in rows]
        ratio = isinstance(rows[0][2], list)
        if os.environ.get("OKRDESK_TEST_MANY"):
            if ratio:
                emit.many(metric, subjects, periods, numerators=[r[2][0] for r in rows],
                          denominators=[r[2][1] for r in rows])
            else:
                emit.many(metric, subjects, periods, values=[r[2] for r in rows])
            continue
        for subject, period, (*_, given) in zip(subjects, periods, rows):
            if ratio:
                emit(metric, subject, period, numerator=given[0], denominator=given[1])
            else:
                emit(metric, subject, period, value=given)
"""

COUNTED_OKRS = """\
[[objectives]]
id = "O9"
title = "沙龙与共同服务"
owner = "branch"

[[objectives.key_results]]
id = "KR1"
title = "沙龙参会人数"
metric = "salon_attendees"
target = 600
unit = "人"

[[objectives.key_results]]
id = "KR2"
title = "共同服务客户"
metric = "shared_clients"
target = 100
unit = "人"

[[objectives.key_results]]
id = "KR3"
title = "手续费收入"
metric = "fee_income"
target = 50
unit = "万元"

[[objectives.key_results]]
id = "KR4"
title = "转介绍率"
metric = "referral_rate"
target = 10
unit = "%"

[[objectives.key_results]]
id = "KR5"
title = "资产流失率"
metric = "asset_attrition"
direction = "at_most"
target = 5
unit = "%"
"""

THROUGH_ARGS = ("--through", "2026-01-18")


def _workspace(write_workspace: WriteWorkspace) -> Path:
    return write_workspace({"counted.toml": COUNTED_OKRS})


def _collect(env: dict[str, str], root: Path, lang: str, figures: dict[str, Any],
             many: bool = False) -> tuple[int, str]:  # fmt: skip
    env = {**env, "OKRDESK_TEST_FIGURES": json.dumps(figures)}
    if many:
        env["OKRDESK_TEST_MANY"] = "1"
    done = okrdesk(env, "collect", "--lang", lang, *THROUGH_ARGS, "-w", str(root))
    told = done.stdout + done.stderr
    assert "Traceback" not in told, told
    return done.returncode, told


def _stored(root: Path, metric: str) -> list[tuple[str, str, float | None]]:
    with sqlite3.connect(root / "okrdesk.db") as connection:
        return sorted(connection.execute(
            "SELECT subject, period, value FROM observations WHERE metric = ?", (metric,)
        ).fetchall())  # fmt: skip


def _row(report: str, title: str) -> str:
    found = [line for line in report.splitlines() if title in line]
    assert found, report
    return found[0]


@pytest.mark.parametrize("many", [False, True], ids=["emit", "emit.many"])
def test_a_fractional_count_is_refused_in_both_languages_and_the_stored_figures_kept(
    write_workspace: WriteWorkspace, tmp_path: Path, many: bool
) -> None:
    """82.5 attendees was stored and written 83人, a total its own rows disagree with;
    through emit.many's quick path too, which took any finite number."""
    root = _workspace(write_workspace)
    with installed_package(tmp_path, "counts", COUNTS) as env:
        whole = {"salon_attendees": [["cm01", 1, 40], ["cm02", 1, 42.0]]}
        code, told = _collect(env, root, "en", whole, many)
        assert code == 0, told
        before = _stored(root, "salon_attendees")
        assert [value for *_, value in before] == [40, 42]
        half = {"salon_attendees": [["cm01", 1, 40], ["cm02", 1, 42.5]],
                "fee_income": [["cm01", 1, 12000]]}  # fmt: skip
        code, english = _collect(env, root, "en", half, many)
        assert code == 1, english
        assert (
            "plugin counts metric salon_attendees: cm02 2026-W02: value 42.5 is not a whole "
            "count: salon_attendees is counted in 人; emit whole counts, or, where one "
            "client's credit is shared between people, declare the metric split_credit"
        ) in english, english
        assert "(1 problem; none of its figures stored)" in english, english
        code, chinese = _collect(env, root, "zh", half, many)
        assert code == 1, chinese
        assert "cm02 2026-W02：value 42.5 不是整数：salon_attendees 以人计数；请给整数" in chinese
    # The metric is dropped whole for the run; what earlier runs stored stays; the
    # plugin's other metric lands.
    assert _stored(root, "salon_attendees") == before
    assert [value for *_, value in _stored(root, "fee_income")] == [12000]


@pytest.mark.parametrize("many", [False, True], ids=["emit", "emit.many"])
def test_a_ratio_whose_part_is_a_count_is_refused_a_fraction_of_one(
    write_workspace: WriteWorkspace, tmp_path: Path, many: bool
) -> None:
    """Referrals of 12.5户 over 30户 was stored, and explain wrote the row 13户 / 30户
    beside a total of 12户 / 30户 for the one row: parts declared in 户 are whole, as a
    count's value is; parts in 元 keep their fen."""
    root = _workspace(write_workspace)
    with installed_package(tmp_path, "counts", COUNTS) as env:
        whole = {"referral_rate": [["cm01", 1, [12, 30]]]}
        code, told = _collect(env, root, "en", whole, many)
        assert code == 0, told
        half = {"referral_rate": [["cm01", 1, [12.5, 30]], ["cm02", 1, [3, 10.5]]],
                "asset_attrition": [["cm01", 1, [120.5, 3000.25]]]}  # fmt: skip
        code, english = _collect(env, root, "en", half, many)
        assert code == 1, english
        assert (
            "plugin counts metric referral_rate: cm01 2026-W02: numerator 12.5 is not a whole "
            "count: referral_rate's numerator is counted in 户; emit whole counts, or, where "
            "a part is weighted"
        ) in english, english
        assert "cm02 2026-W02: denominator 10.5 is not a whole count" in english, english
        assert "asset_attrition" not in english, english
        code, chinese = _collect(env, root, "zh", half, many)
        assert code == 1, chinese
        assert "cm01 2026-W02：numerator 12.5 不是整数：referral_rate 的分子以户计数" in chinese
    with sqlite3.connect(root / "okrdesk.db") as connection:
        stored = connection.execute(
            "SELECT metric, numerator, denominator FROM observations "
            "WHERE metric IN ('referral_rate', 'asset_attrition') ORDER BY metric"
        ).fetchall()
    assert stored == [("asset_attrition", 120.5, 3000.25), ("referral_rate", 12, 30)]


def test_a_flood_of_fractional_counts_is_told_by_five_examples(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = _workspace(write_workspace)
    people = ("cm01", "cm02")
    rows = [[person, week, 10 * at + week + 0.5] for at, person in enumerate(people)
            for week in (0, 1, 2)]  # fmt: skip
    with installed_package(tmp_path, "counts", COUNTS) as env:
        code, told = _collect(env, root, "en", {"salon_attendees": rows}, many=True)
    assert code == 1, told
    (line,) = [x for x in told.splitlines() if "metric salon_attendees" in x]
    assert line.count("is not a whole count") == 5, line
    assert line.endswith("; and 1 more (6 problems; none of its figures stored)"), line
    assert _stored(root, "salon_attendees") == []


def test_a_split_credit_count_keeps_its_half_in_the_report_and_the_workbook(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """A client shared by two customer managers counts half to each: the total is
    82.5人 in the text report, explain and the workbook's cell, never 83人."""
    from openpyxl import load_workbook

    root = _workspace(write_workspace)
    shared = {"shared_clients": [["cm01", 1, 40.5], ["cm02", 1, 42]]}
    with installed_package(tmp_path, "counts", COUNTS) as env:
        code, told = _collect(env, root, "en", shared)
        assert code == 0, told
        report = {lang: okrdesk(env, "report", "--lang", lang, "--as-of", "2026-01-18",
                                "-w", str(root)).stdout
                  for lang in ("zh", "en")}  # fmt: skip
        explained = okrdesk(env, "explain", "O9.KR2", "--as-of", "2026-01-18", "-w", str(root))
        markdown = okrdesk(env, "report", "--format", "md", "--as-of", "2026-01-18",
                           "-w", str(root)).stdout  # fmt: skip
        as_json = okrdesk(env, "report", "--format", "json", "--as-of", "2026-01-18",
                          "-w", str(root)).stdout  # fmt: skip
        book = tmp_path / "report.xlsx"
        done = okrdesk(env, "report", "--format", "xlsx", "--as-of", "2026-01-18",
                       "-o", str(book), "-w", str(root))  # fmt: skip
        assert done.returncode == 0, done.stderr
    row = _row(report["zh"], "共同服务客户")
    assert "82.5人" in row and "83人" not in row, row
    row = _row(report["en"], "O9.KR2")
    assert "82.5 people" in row, row
    row = _row(markdown, "共同服务客户")
    assert "82.5人" in row and "83人" not in row, row
    (shared,) = [kr for objective in json.loads(as_json)["objectives"]
                 for kr in objective["key_results"] if kr["id"] == "O9.KR2"]  # fmt: skip
    assert shared["split_credit"] is True and shared["actual"] == 82.5
    assert "= 82.5人" in explained.stdout, explained.stdout
    assert "40.5人" in explained.stdout, explained.stdout
    sheet = load_workbook(book)["关键结果"]
    (row_cells,) = [r for r in sheet.iter_rows() if any(c.value == "共同服务客户" for c in r)]
    (actual,) = [c for c in row_cells if c.value == 82.5]
    assert actual.number_format == '#,##0.0"人"'


def test_a_split_credit_count_that_adds_up_to_a_whole_one_reads_whole(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = _workspace(write_workspace)
    with installed_package(tmp_path, "counts", COUNTS) as env:
        code, told = _collect(
            env, root, "en", {"shared_clients": [["cm01", 1, 40.5], ["cm02", 1, 41.5]]}
        )
        assert code == 0, told
        done = okrdesk(env, "report", "--as-of", "2026-01-18", "-w", str(root))
    row = _row(done.stdout + done.stderr, "共同服务客户")
    assert "│ 82人 │" in row, row


@pytest.mark.parametrize("many", [False, True], ids=["emit", "emit.many"])
def test_a_figure_no_brokerage_could_have_is_refused(
    write_workspace: WriteWorkspace, tmp_path: Path, many: bool
) -> None:
    root = _workspace(write_workspace)
    figures = {
        "fee_income": [["cm01", 1, 3e15]],  # three thousand trillion yuan in a week
        "salon_attendees": [["cm01", 1, 5_000_000_000_000]],
        "referral_rate": [["cm01", 1, [12, 2e10]]],  # more accounts than people alive
        # Assets lost over a firm's assets: parts of money, bound as money, not as a count.
        "asset_attrition": [["cm01", 1, [2.5e10, 1.2e12]]],
    }
    with installed_package(tmp_path, "counts", COUNTS) as env:
        code, english = _collect(env, root, "en", figures, many)
        _, chinese = _collect(env, root, "zh", figures, many)
        within = {**figures, "fee_income": [["cm01", 1, 1e15]],
                  "salon_attendees": [["cm01", 1, 1e10]],
                  "referral_rate": [["cm01", 1, [12, 1e10]]]}  # fmt: skip
        within_code, within_told = _collect(env, root, "en", within, many)
    assert code == 1, english
    assert (
        "metric fee_income: cm01 2026-W02: value 3,000,000,000,000,000 元 is more than any "
        "real figure (at most 1,000,000,000,000,000 元 in one figure, a thousand trillion "
        "yuan)"
    ) in english, english
    assert (
        "metric salon_attendees: cm01 2026-W02: value 5,000,000,000,000 is more than any real "
        "count (at most 10,000,000,000, more than the people alive)"
    ) in english, english
    assert "metric referral_rate: cm01 2026-W02: denominator 20,000,000,000 is more" in english
    assert "asset_attrition" not in english, english
    assert "value 3,000,000,000,000,000元 超出任何实际数字" in chinese, chinese
    assert (
        "value 5,000,000,000,000 超出任何实际计数（最多 10,000,000,000，已超过世界人口）" in chinese
    )
    assert _stored(root, "fee_income") == [("cm01", "2026-W02", 1e15)]
    assert within_code == 0, within_told


def test_a_count_in_wan_is_told_in_the_ones_it_is_emitted_in() -> None:
    from okrdesk.model import Observation

    spec = MetricSpec("clients", "Clients", "客户", "stock", UNITS["万户"])
    (said,) = Observation("clients", "cm01", "2026-W02", value=12345.5).problems(spec)
    assert said.en.startswith("value 12345.5 is not a whole count: clients is counted in 户;")


def test_split_credit_is_for_a_count_alone() -> None:
    with pytest.raises(MetricSpecError) as raised:
        MetricSpec("fees", "Fees", "手续费", "flow", UNITS["元"], split_credit=True)
    assert raised.value.said.en == (
        "metric fees: split_credit is for a count (户, 人, 单…) whose credit two people may "
        "share; a figure in 元 is no count"
    )
    assert "以 元 计的数不是计数" in raised.value.said.zh
    with pytest.raises(MetricSpecError, match="split_credit must be True or False"):
        MetricSpec("clients", "Clients", "客户", "stock", UNITS["户"], split_credit="yes")


# ------------------------------------------------------------- the SQL metric source

SALONS = """\
day,cm,attendees,attendees_wan
2026-01-06,cm01,2.5,0.1
2026-01-07,cm01,40,0.2
2026-01-13,cm02,12,1.2345
"""


def _sql(tmp_path: Path, metric: dict[str, Any], database: bool = False,
         lang: str = "en") -> PluginCheck:  # fmt: skip
    tmp_path.mkdir(exist_ok=True)
    if database:
        with sqlite3.connect(tmp_path / "salons.sqlite") as connection:
            connection.execute(
                "CREATE TABLE salons (day TEXT, cm TEXT, attendees REAL, attendees_wan REAL)"
            )
            rows = [line.split(",") for line in SALONS.splitlines()[1:]]
            connection.executemany("INSERT INTO salons VALUES (?, ?, ?, ?)", rows)
        source: dict[str, Any] = {"database": "salons.sqlite"}
    else:
        source = {"tables": {"salons": write(tmp_path, "salons.csv", SALONS.encode())}}
    return check_plugin(
        sql_metrics, people=PEOPLE, start=START, through=THROUGH, lang=lang,
        settings={"metrics": [metric], **source}, workspace=tmp_path,
    )  # fmt: skip


def _attendees(column: str = "attendees", **more: Any) -> dict[str, Any]:
    query = f"SELECT cm AS subject, day, {column} AS value FROM salons"
    return {"name": "salon_attendees", "kind": "flow", "unit": "人", "query": query, **more}


@pytest.mark.parametrize("database", [False, True], ids=["duckdb", "sqlite"])
def test_an_sql_sum_of_a_fractional_column_of_a_count_is_refused(
    tmp_path: Path, database: bool
) -> None:
    check = _sql(tmp_path, _attendees(), database)
    assert check.observations == []
    (problem,) = check.problems
    assert "cm01 2026-W02: value 42.5 is not a whole count: salon_attendees is counted in 人" in (
        problem
    )
    chinese = _sql(tmp_path / "zh", _attendees(), database, lang="zh")
    assert "value 42.5 不是整数：salon_attendees 以人计数" in chinese.problems[0]


@pytest.mark.parametrize("database", [False, True], ids=["duckdb", "sqlite"])
def test_an_sql_count_declared_split_credit_keeps_its_half(tmp_path: Path, database: bool) -> None:
    check = _sql(tmp_path, _attendees(split_credit=True), database)
    check.assert_valid()
    assert check.metrics["salon_attendees"].split_credit
    assert check.value("salon_attendees", "cm01", "2026-W02").value == 42.5


@pytest.mark.parametrize("database", [False, True], ids=["duckdb", "sqlite"])
def test_an_sql_count_in_wan_comes_out_whole(tmp_path: Path, database: bool) -> None:
    """0.1万人 + 0.2万人 added up in floating point is 0.30000000000000004万人: 3,000人,
    not refused as 3,000.0000000000005人; 1.2345万人 is 12,345人."""
    check = _sql(tmp_path, _attendees("attendees_wan", values_in="万人"), database)
    check.assert_valid()
    assert check.value("salon_attendees", "cm01", "2026-W02").value == 3000
    assert check.value("salon_attendees", "cm02", "2026-W03").value == 12345


def test_an_sql_count_in_wan_with_a_fraction_of_one_is_refused(tmp_path: Path) -> None:
    data = SALONS.replace("1.2345", "1.23455")
    source = {"tables": {"salons": write(tmp_path, "salons.csv", data.encode())}}
    check = check_plugin(
        sql_metrics, people=PEOPLE, start=START, through=THROUGH, workspace=tmp_path,
        settings={"metrics": [_attendees("attendees_wan", values_in="万人")], **source},
    )  # fmt: skip
    assert any("value 12345.5 is not a whole count" in p for p in check.problems), check.problems


def test_split_credit_in_an_sql_definition_is_for_a_count_alone(tmp_path: Path) -> None:
    metric = {"name": "fees", "kind": "flow", "unit": "元", "split_credit": True,
              "query": "SELECT cm AS subject, day, attendees AS value FROM salons"}  # fmt: skip
    check = _sql(tmp_path, metric)
    assert any(
        "sources.sql.metrics[0].split_credit: only a count (户, 人, 单…) has credit two "
        "people may share; a figure in 元 is no count" in p
        for p in check.problems
    ), check.problems
    check = _sql(tmp_path / "flag", _attendees(split_credit="yes"))
    assert any("split_credit: expected true or false" in p for p in check.problems)
