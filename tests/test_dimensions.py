"""Dimensions: slices stored beside the whole, key results on a slice, breakdowns.

Every figure below is worked out by hand from the rows ``DIM_PLUGIN`` emits.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlite_utils
from click.testing import CliRunner

from backends import Backend
from okrdesk.app.session import open_session, open_store
from okrdesk.cli import cli
from okrdesk.engine.progress import Engine
from okrdesk.model import Observation, Person, slice_of, slice_values
from okrdesk.periods import Grain, parse_period
from okrdesk.plugins import sql_metrics
from okrdesk.plugins.testing import PluginCheck, check_plugin
from okrdesk.report.breakdown import shares
from okrdesk.store import MIGRATIONS, Store
from okrdesk.store.wholes import with_wholes
from okrdesk.units import percentage
from sample_workspace import WriteWorkspace, trusted

AS_OF = "2026-01-18"
YI = 100_000_000

ORG = """\
[[units]]
id = "branch"
name = "福田营业部"
level = "branch"

[[units]]
id = "team-a"
name = "财富管理一部"
level = "team"
parent = "branch"

[[units]]
id = "team-b"
name = "财富管理二部"
level = "team"
parent = "branch"

[[people]]
id = "cm01"
name = "王芳"
unit = "team-a"

[[people]]
id = "cm02"
name = "李强"
unit = "team-a"

[[people]]
id = "cm03"
name = "张敏"
unit = "team-b"
"""

OKRS = """\
[[objectives]]
id = "O1"
title = "直营 AUM 净增"
owner = "branch"

[[objectives.key_results]]
id = "NNA"
title = "净新增 AUM"
metric = "net_new_aum"
target = 50
unit = "亿元"
breakdown = "product"

[[objectives.key_results]]
id = "FEMALE"
title = "新增女性高净值客户 150 户"
metric = "new_hnw_clients"
where = { gender = "female" }
target = 150
unit = "户"

[[objectives.key_results]]
id = "CONV"
title = "开户转化率"
metric = "conversion"
target = 15
unit = "%"

[[objectives.key_results]]
id = "AUM"
title = "客户资产"
metric = "aum"
target = 500
unit = "元"
"""

# Net new AUM as the branch document breaks it down: 41.3亿 = private fixed income
# 17.4亿 + equity funds 9.2亿 + family trusts 6.1亿 + other 8.6亿.
DIM_PLUGIN = """\
from okrdesk.model import DimensionLabels, MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS

YI = 100_000_000
PRODUCT = {"product": DimensionLabels("产品类型", "product type")}


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("net_new_aum", "Net new AUM", "净新增AUM", MetricKind.FLOW,
                        UNITS["元"], dimensions=("product",), dimension_labels=PRODUCT))
    register(MetricSpec("new_hnw_clients", "New HNW clients", "新增高净值客户",
                        MetricKind.FLOW, UNITS["户"], dimensions=("gender", "tier"),
                        dimension_labels={"gender": DimensionLabels(
                            "性别", "gender", values_zh={"female": "女", "male": "男"})}))
    register(MetricSpec("conversion", "Conversion", "转化率", MetricKind.RATIO, UNITS["%"],
                        dimensions=("channel",)))
    register(MetricSpec("aum", "AUM", "客户资产", MetricKind.STOCK, UNITS["元"],
                        dimensions=("product",), dimension_labels=PRODUCT))


FLOWS = {
    "cm01": {"私募固收": 10.0, "权益基金": 5.0},
    "cm02": {"私募固收": 7.4, "权益基金": 4.2, "家族信托": 6.1},
    "cm03": {"其他": 8.6},
}
HNW = {
    "cm01": {("female", "300w"): 30, ("female", "600w"): 20, ("male", "300w"): 25},
    "cm02": {("female", "300w"): 40, ("male", "600w"): 10},
    "cm03": {("female", "300w"): 30},
}
CONVERSION = {
    "cm01": {"app": (3, 30), "outlet": (2, 10)},
    "cm02": {"app": (1, 20)},
    "cm03": {"outlet": (6, 40)},
}
# A stock: the latest period counts (week 2), each slice's level summed.
AUM = {
    0: {"cm01": {"equity": 100, "bond": 50}},
    1: {"cm01": {"equity": 120, "bond": 40}, "cm03": {"equity": 10}},
}


@hookimpl
def okrdesk_collect(request, emit):
    wanted = {spec.name for spec in request.metrics}
    first = request.periods[0].id
    for person, parts in FLOWS.items():
        for product, amount in parts.items():
            if "net_new_aum" in wanted:
                emit("net_new_aum", person, first, value=amount * YI,
                     dimensions={"product": product})
    for person, parts in HNW.items():
        for (gender, tier), count in parts.items():
            if "new_hnw_clients" in wanted:
                emit("new_hnw_clients", person, first, value=count,
                     dimensions={"gender": gender, "tier": tier})
    for person, parts in CONVERSION.items():
        for channel, (converted, reached) in parts.items():
            if "conversion" in wanted:
                emit("conversion", person, first, numerator=converted, denominator=reached,
                     dimensions={"channel": channel})
    for index, people in AUM.items():
        for person, parts in people.items():
            for product, amount in parts.items():
                if "aum" in wanted:
                    emit("aum", person, request.periods[index].id, value=amount,
                         dimensions={"product": product})
    if "aum" in wanted and len(request.periods) > 13:  # after Q1: a new level
        emit("aum", "cm01", request.periods[-1].id, value=999, dimensions={"product": "bond"})
"""


def dimensioned(write: WriteWorkspace | Backend, okrs: str = OKRS, through: str = AS_OF) -> Path:
    files = {"org.toml": ORG, "okrs.toml": okrs, "budget.toml": None}
    if isinstance(write, Backend):
        root = write.workspace(files)
        (root / "plugins" / "test_metrics.py").unlink()
    else:
        root = write(files, plugin=False)
    (root / "plugins").mkdir(exist_ok=True)
    (root / "plugins" / "dim_metrics.py").write_text(DIM_PLUGIN, encoding="utf-8")
    trusted(root)
    done = CliRunner().invoke(cli, ["collect", "--through", through, "-w", str(root)])
    assert done.exit_code == 0, done.output
    return root


@pytest.fixture
def workspace(write_workspace: WriteWorkspace) -> Path:
    return dimensioned(write_workspace)


def store_of(root: Path) -> Store:
    return open_store(open_session(root).workspace, create=False)


def engine_for(root: Path, store: Store) -> Engine:
    session = open_session(root)
    return Engine(session.plan, store, dt.date.fromisoformat(AS_OF), session.host.metrics)


def report_json(root: Path, *more: str, as_of: str = AS_OF) -> dict[str, dict[str, Any]]:
    done = CliRunner().invoke(
        cli, ["report", "--format", "json", "--as-of", as_of, "-w", str(root), *more]
    )
    assert done.exit_code == 0, done.output
    found = json.loads(done.stdout)
    return {k["id"]: k for o in found["objectives"] for k in o["key_results"]}


# ------------------------------------------------------------------ values


def test_a_slice_has_one_canonical_text() -> None:
    assert slice_of({"tier": "300w", "gender": "female"}) == "gender=female;tier=300w"
    assert slice_values("gender=female;tier=300w") == {"gender": "female", "tier": "300w"}
    assert slice_of({}) == "" and slice_values("") == {}


def test_the_whole_is_written_as_the_sum_of_its_slices() -> None:
    emitted = [
        Observation("r", "cm01", "2026-W02", numerator=3, denominator=30,
                    dimensions={"channel": "app"}),
        Observation("r", "cm01", "2026-W02", numerator=2, denominator=10,
                    dimensions={"channel": "outlet"}),
        # A whole emitted beside its slices keeps its source; its figures are their sum.
        Observation("r", "cm01", "2026-W02", numerator=99, denominator=99, source="crm"),
        Observation("r", "cm02", "2026-W02", numerator=1, denominator=4),
    ]  # fmt: skip
    wholes = {(o.subject, o.slice): (o.numerator, o.denominator) for o in with_wholes(emitted)}
    assert wholes == {("cm01", "channel=app"): (3, 30), ("cm01", "channel=outlet"): (2, 10),
                      ("cm01", ""): (5, 40), ("cm02", ""): (1, 4)}  # fmt: skip
    sources = {(o.subject, o.slice): o.source for o in with_wholes(emitted)}
    assert sources[("cm01", "")] == "crm"


def test_each_share_is_its_own_part_of_the_whole_printed_by_the_display_rule() -> None:
    def printed(parts: list[float]) -> list[str]:
        found = shares(parts)
        assert found is not None
        return [percentage(share, keep=1) for share in found]

    # What a calculator says for each: 147 of 271 is 54.2%, not one tenth more to
    # make the column add up to 100.0%.
    assert printed([147.0, 100.0, 24.0]) == ["54.2%", "36.9%", "8.86%"]
    # Equal parts print equal shares, though thirds add up to 99.9% and these to 100.1%.
    assert printed([1.0, 1.0, 1.0]) == ["33.3%"] * 3
    assert printed([2.0, 2.0, 1.0, 1.0, 1.0]) == ["28.6%", "28.6%", "14.3%", "14.3%", "14.3%"]
    # The branch document's net new AUM: 17.4 / 41.3 is 42.1%.
    assert printed([17.4, 9.2, 6.1, 8.6]) == ["42.1%", "22.3%", "14.8%", "20.8%"]
    assert shares([3.0, 1.0]) == [0.75, 0.25]
    assert shares([0.0, 0.0]) is None


# --------------------------------------------------------------- the store


def test_the_store_keeps_each_slice_and_the_whole(workspace: Path) -> None:
    with store_of(workspace) as store:
        whole = store.observations(metric="net_new_aum")
        sliced = store.observations(metric="net_new_aum", sliced=True)
    assert {(r.observation.subject, r.observation.value) for r in whole} == {
        ("cm01", 15.0 * YI), ("cm02", 17.7 * YI), ("cm03", 8.6 * YI)}  # fmt: skip
    assert all(not r.observation.dimensions for r in whole)
    parts = {(r.observation.subject, r.observation.dimensions.get("product")): r.observation.value
             for r in sliced if r.observation.dimensions}  # fmt: skip
    assert parts[("cm02", "家族信托")] == 6.1 * YI and len(parts) == 6


def test_an_undimensioned_read_never_passes_over_a_slice(workspace: Path) -> None:
    """The store's own queries, as SQLite plans them: whole figures (slice = '') have
    the subject index to themselves and the slices one of their own, so slices stored
    beside a figure cost its reads nothing: a team's figure is one range read, the
    firm's one scan of the whole figures' index where it is scanned (else a range of the
    running totals' key a metric), and a branch's breakdown for a year one range read
    of the slices' index."""
    day, team = dt.date.fromisoformat(AS_OF), ["cm01", "cm02", "team-a"]
    with Store.open(workspace / "okrdesk.db") as store:
        connection = store._connection  # type: ignore[attr-defined]
        # The look for a figure that is no number, made once before a store's first read
        # (a scan, by design), made here first: the reads below are the ones planned.
        store._numbers_only()  # type: ignore[attr-defined]
        ran: list[str] = []
        connection.set_trace_callback(ran.append)
        store.totals_by_subject("net_new_aum", day, "value", "sum", Grain.WEEK, team)
        store.slice_sums("net_new_aum", day, "sum", Grain.WEEK, team)
        store._scanned_sum_rows([day], Grain.WEEK, None, None)  # type: ignore[attr-defined]
        store.sums_at([day], Grain.WEEK, since=dt.date(day.year, 1, 1))
        connection.set_trace_callback(None)
        # The running totals are read in one snapshot: its BEGIN and COMMIT plan nothing.
        ran = [sql for sql in ran if sql not in ("BEGIN DEFERRED", "COMMIT")]
        whole, slices, firm, *running = (
            " | ".join(r[3] for r in connection.execute(f"EXPLAIN QUERY PLAN {sql}")) for sql in ran
        )
        indexes = dict(connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'observations' "
            "AND type = 'index' AND sql IS NOT NULL"
        ).fetchall())  # fmt: skip
    assert indexes["observations_by_subject"].endswith("WHERE slice = ''")
    assert indexes["observation_slices_by_subject"].endswith("WHERE slice > ''")
    assert "SEARCH observations USING COVERING INDEX observations_by_subject (subject=? AND " \
           "metric=? AND grain=? AND period_start<?)" in whole  # fmt: skip
    assert "SEARCH observations USING COVERING INDEX observation_slices_by_subject (subject=? " \
           "AND metric=? AND slice>?)" in slices  # fmt: skip
    assert "SCAN observations" not in whole + slices
    assert firm.startswith("SCAN observations USING COVERING INDEX observations_by_subject")
    # The firm's sums, kept running as the rows are written: after three looks at the
    # periods stored, a range of the key a metric.
    assert all(plan.startswith("SCAN period_totals") for plan in running[:3])
    key = "SEARCH running_totals USING PRIMARY KEY (metric=? AND grain=? AND year=? AND " \
          "next_period=?)"  # fmt: skip
    assert running[3:] and all(
        plan == f"COMPOUND QUERY | LEFT-MOST SUBQUERY | {key} | UNION ALL | {key}"
        for plan in running[3:]
    )


def test_a_store_of_schema_7_gets_slices_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "okrdesk.db"
    with sqlite3.connect(path) as connection:
        for migration in MIGRATIONS[:7]:
            migration(sqlite_utils.Database(connection))
        connection.execute("PRAGMA user_version = 7")
        connection.execute("INSERT INTO runs (id, started, status, command) "
                           "VALUES (1, 't', 'ok', 'collect')")  # fmt: skip
        connection.execute(
            "INSERT INTO observations (metric, period, subject, period_start, period_end, "
            "value, plugin, run_id, grain) VALUES ('aum', '2026-W02', 'cm01', '2026-01-05', "
            "'2026-01-11', 7.2e8, 'p', 1, 'week')"
        )
    with Store.open(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        (row,) = store.observations()
        assert row.observation.value == 7.2e8 and row.observation.dimensions == {}
        assert store.integrity_ok()
        run = store.start_run("collect", None)
        period = parse_period("2026-W02")
        store.replace_observations(run, {"aum": "p"}, [period], [
            Observation("aum", "cm01", "2026-W02", 5e8, dimensions={"product": "equity"}),
            Observation("aum", "cm01", "2026-W02", 3e8, dimensions={"product": "bond"}),
        ])  # fmt: skip
        assert [r.observation.value for r in store.observations()] == [8e8]
        assert store.integrity_ok()


# -------------------------------------------------------------- the engine


def test_a_ratio_is_the_sum_of_numerators_over_denominators_at_every_level(
    workspace: Path,
) -> None:
    with store_of(workspace) as store:
        rollup = engine_for(workspace, store).rollup
        # team-a: (3 + 2 + 1) / (30 + 10 + 20); the branch adds cm03's 6 / 40.
        team = rollup.figure("conversion", "team-a")
        assert (team.numerator, team.denominator) == (6, 60) and team.value == 0.1
        branch = rollup.figure("conversion", "branch")
        assert (branch.numerator, branch.denominator) == (12, 100) and branch.value == 0.12
        # Each channel is its own Σ/Σ: app (3 + 1) / (30 + 20), outlet (2 + 6) / (10 + 40).
        parts = dict(rollup.breakdown("conversion", "branch", "channel"))
        assert parts["app"].value == pytest.approx(0.08)
        assert parts["outlet"].value == pytest.approx(0.16)
        assert sum(p.numerator or 0 for p in parts.values()) == branch.numerator
        assert sum(p.denominator or 0 for p in parts.values()) == branch.denominator
        assert rollup.sliced("conversion", "team-a", {"channel": "app"}).value == pytest.approx(
            4 / 50
        )


def test_a_stock_counts_each_slice_in_the_latest_period(workspace: Path) -> None:
    with store_of(workspace) as store:
        rollup = engine_for(workspace, store).rollup
        # Week 2: cm01 120 equity + 40 bond, cm03 10 equity; week 1 does not count.
        assert rollup.figure("aum", "branch").value == 170
        parts = dict(rollup.breakdown("aum", "branch", "product"))
        assert {k: v.value for k, v in parts.items()} == {"equity": 130, "bond": 40}
        assert rollup.sliced("aum", "team-b", {"product": "equity"}).value == 10


def test_a_slice_key_result_is_judged_on_its_slice(workspace: Path) -> None:
    found = report_json(workspace)
    female = found["O1.FEMALE"]
    # Women: cm01 30 + 20, cm02 40, cm03 30 = 120 of the 150 targeted, across both tiers.
    assert female["actual"] == 120 and female["attainment"] == 0.8
    assert female["where"] == {"gender": "female"}
    # Its trend is the slice's own series: the women alone, period by period; the two
    # weeks collected with no new client among them are points too, flat at 120.
    assert female["trend"] == [
        {"date": day, "value": 120} for day in ("2026-01-04", "2026-01-11", "2026-01-18")
    ]
    assert "where" not in found["O1.NNA"] and "breakdown" not in found["O1.CONV"]


# -------------------------------------------------------------- the report


def test_a_breakdown_adds_up_to_the_whole_and_its_shares_to_100_percent(workspace: Path) -> None:
    nna = report_json(workspace)["O1.NNA"]
    assert nna["actual"] == pytest.approx(41.3 * YI)
    breakdown = nna["breakdown"]
    assert breakdown["dimension"] == "product"
    rows = [(r["value"], r["actual"], r["share"]) for r in breakdown["rows"]]
    assert rows == [("私募固收", pytest.approx(17.4 * YI), pytest.approx(17.4 / 41.3)),
                    ("权益基金", pytest.approx(9.2 * YI), pytest.approx(9.2 / 41.3)),
                    ("其他", pytest.approx(8.6 * YI), pytest.approx(8.6 / 41.3)),
                    ("家族信托", pytest.approx(6.1 * YI), pytest.approx(6.1 / 41.3))]  # fmt: skip
    assert sum(r["share"] for r in breakdown["rows"]) == pytest.approx(1)
    assert sum(r["actual"] for r in breakdown["rows"]) == pytest.approx(nna["actual"])


def test_a_closed_checkpoints_breakdown_is_as_it_stood_then(
    write_workspace: WriteWorkspace,
) -> None:
    checkpoint = """
[[objectives.key_results]]
id = "AUMQ1"
title = "一季度末客户资产"
metric = "aum"
target = 500
unit = "元"
milestones = { Q1 = 1.0 }
breakdown = "product"
"""
    root = dimensioned(write_workspace, OKRS + checkpoint, through="2026-04-12")
    found = report_json(root, as_of="2026-04-12")
    # Today cm01 holds 999 in bonds alone; at the end of Q1 the branch held week 2's
    # 120 + 10 in equity and 40 in bonds, and the checkpoint shows that, parts too.
    assert found["O1.AUM"]["actual"] == 999
    closed = found["O1.AUMQ1"]
    assert closed["closed"] == "2026-03-31" and closed["actual"] == 170
    assert [(r["value"], r["actual"], r["share"]) for r in closed["breakdown"]["rows"]] == [
        ("equity", 130, pytest.approx(130 / 170)),
        ("bond", 40, pytest.approx(40 / 170))]  # fmt: skip


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_every_format_shows_the_breakdown_rows_in_the_report_units(
    workspace: Path, fmt: str
) -> None:
    done = CliRunner().invoke(
        cli, ["report", "--format", fmt, "--as-of", AS_OF, "-w", str(workspace)],
        env={"COLUMNS": "200"},
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "按产品类型拆分" in done.output
    # The page holds each figure to its unit in a span (占 <span …>42.1%</span>).
    shown = re.sub(r"</?span[^>]*>", "", done.output)
    for line in ("↳ 私募固收（占 42.1%）", "17.4亿", "↳ 权益基金（占 22.3%）", "9.2亿",
                 "↳ 其他（占 20.8%）", "↳ 家族信托（占 14.8%）", "6.1亿"):  # fmt: skip
        assert line in shown, line


def test_the_workbook_has_the_breakdown_rows(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    done = CliRunner().invoke(
        cli, ["report", "--as-of", AS_OF, "--lang", "en", "-o", str(out), "-w", str(workspace)]
    )
    assert done.exit_code == 0, done.output
    sheet = openpyxl.load_workbook(io.BytesIO(out.read_bytes())).worksheets[1]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    slices = [(r[2], r[4]) for r in rows if str(r[2]).startswith("↳")]
    assert slices[:2] == [
        ("↳ 私募固收 (42.1%)", pytest.approx(17.4 * YI)),
        ("↳ 权益基金 (22.3%)", pytest.approx(9.2 * YI)),
    ]
    # In Chinese the rows are in the sheet's one scale, as their key result's figure is,
    # so they add up to it in Excel: 17.4亿 was 17.4 under a 1,000万 row's 1,000.
    done = CliRunner().invoke(cli, ["report", "--as-of", AS_OF, "-o", str(out), "-w",
                                    str(workspace)])  # fmt: skip
    assert done.exit_code == 0, done.output
    sheet = openpyxl.load_workbook(io.BytesIO(out.read_bytes())).worksheets[1]
    head = [c.value for c in sheet[1]]
    assert head[4].startswith("实际（金额单位：")
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    whole = next(r for r in rows if str(r[2]).startswith("净新增"))
    parts = [r[4] for r in rows if r[1] == whole[1] and str(r[2]).startswith("↳")]
    assert len(parts) >= 2 and sum(parts) == pytest.approx(whole[4])


def test_breakdown_on_the_command_line(workspace: Path) -> None:
    found = report_json(workspace, "--breakdown", "O1.CONV=channel")
    rows = found["O1.CONV"]["breakdown"]["rows"]
    # app (3 + 1) / (30 + 20), outlet (2 + 6) / (10 + 40): each half of the 100 reached.
    assert [(r["value"], r["numerator"], r["denominator"], r["share"]) for r in rows] == [
        ("app", 4, 50, 0.5), ("outlet", 8, 50, 0.5)]  # fmt: skip
    assert found["O1.CONV"]["actual"] == 0.12


@pytest.mark.parametrize(
    ("lang", "heading", "row"),
    [("zh", "按性别拆分", "↳ 女（占 "), ("en", "By gender", "↳ female (")],
)
def test_a_breakdown_is_written_in_the_words_its_plugin_declares(
    workspace: Path, lang: str, heading: str, row: str
) -> None:
    done = CliRunner().invoke(
        cli, ["report", "--as-of", AS_OF, "--lang", lang, "--breakdown", "O1.FEMALE=gender",
              "-w", str(workspace)], env={"COLUMNS": "200"},
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert heading in done.output and row in done.output
    found = report_json(workspace, "--breakdown", "O1.FEMALE=gender")["O1.FEMALE"]["breakdown"]
    assert found["label"] == "性别" and {r["label"] for r in found["rows"]} == {"女"}
    assert {r["value"] for r in found["rows"]} == {"female"}


def test_a_dimension_without_words_is_written_by_its_name(workspace: Path) -> None:
    done = CliRunner().invoke(
        cli, ["report", "--as-of", AS_OF, "--breakdown", "O1.CONV=channel", "-w", str(workspace)],
        env={"COLUMNS": "200"},
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "按channel拆分" in done.output and "↳ app（占 50.0%）" in done.output


@pytest.mark.parametrize(
    ("asked", "message"),
    [
        ("O1.CONV", "--breakdown O1.CONV: give KR=DIMENSION"),
        ("O1.NOPE=channel", 'no key result "O1.NOPE"'),
        ("O1.CONV=product", 'metric conversion has no dimension "product" (it has: channel)'),
        ("O1.CONV zh", "--breakdown O1.CONV：请写成 关键结果=维度，如 O1.AUM=product"),
        ("O1.NOPE=channel zh", '--breakdown O1.NOPE=channel：没有关键结果 "O1.NOPE"'),
        ("O1.CONV=product zh", "指标 conversion 没有维度“product”（它的维度：channel）"),
    ],
)
def test_a_wrong_breakdown_is_named(workspace: Path, asked: str, message: str) -> None:
    asked, _, lang = asked.partition(" ")
    done = CliRunner().invoke(
        cli, ["report", "--as-of", AS_OF, "--breakdown", asked, "-w", str(workspace),
              "--lang", lang or "en"],
    )  # fmt: skip
    assert done.exit_code != 0 and message in done.output
    assert "Traceback" not in done.output


def test_explain_lists_the_rows_of_each_slice(
    workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # explain's rows whole: what it says, not how it folds
    done = CliRunner().invoke(cli, ["explain", "O1.FEMALE", "--as-of", AS_OF, "-w", str(workspace)])
    assert done.exit_code == 0, done.output
    rows = [line.split() for line in done.output.splitlines()]
    # Each slice named as a breakdown names it: gender by the plugin's words, tier (which
    # it gave none) by its stored key.
    assert ["2026-W01", "王芳", "20户", "1", "[性别：女，tier=600w]"] in rows
    assert "男" not in done.output and "gender=" not in done.output
    english = CliRunner().invoke(cli, ["explain", "O1.FEMALE", "--as-of", AS_OF, "--lang", "en",
                                       "-w", str(workspace)])  # fmt: skip
    assert "1  [gender: female, tier=600w]" in english.output
    # A whole's slices are listed under it, and counted apart: they are parts of it.
    whole = CliRunner().invoke(cli, ["explain", "O1.NNA", "--as-of", AS_OF, "--lang", "en",
                                     "-w", str(workspace)])  # fmt: skip
    told = next(line for line in whole.output.splitlines() if "from run" in line)
    wholes = sum(1 for line in whole.output.splitlines() if "sum of " in line)
    slices = sum(1 for line in whole.output.splitlines() if "[product type: " in line)
    assert wholes and slices
    assert told == f"{wholes} observations (and {slices} slices of them), from run 1:"
    zh = CliRunner().invoke(cli, ["explain", "O1.NNA", "--as-of", AS_OF, "--lang", "zh",
                                  "-w", str(workspace)])  # fmt: skip
    # The count with its measure word, then the slices: not "52（另列…） 条观测值".
    assert f"{wholes} 条观测值（另列其中的 {slices} 个切片），来自第 1 次采集：" in zh.output


def test_explain_counts_a_slices_rows_as_slices(workspace: Path) -> None:
    """A key result on a slice lists that slice's rows alone, no whole figure: the
    count read "0 observations (and 12 slices of them)", of none."""
    for lang, told, female in (("en", "{n} slices, from run 1:", "[gender: female"),
                               ("zh", "{n} 个切片，来自第 1 次采集：", "[性别：女")):  # fmt: skip
        done = CliRunner().invoke(cli, ["explain", "O1.FEMALE", "--as-of", AS_OF, "--lang", lang,
                                        "-w", str(workspace)])  # fmt: skip
        assert done.exit_code == 0, done.output
        slices = sum(1 for line in done.output.splitlines() if female in line)
        assert slices and told.format(n=slices) in done.output.splitlines()
        assert "0 observations" not in done.output and "0 条观测值" not in done.output


# ------------------------------------------------------------ target files


def test_a_slice_of_an_unknown_dimension_is_named_by_file_line_and_key(
    write_workspace: WriteWorkspace,
) -> None:
    root = dimensioned(write_workspace)
    okrs = OKRS.replace('where = { gender = "female" }', 'where = { gendr = "female" }')
    okrs = okrs.replace('breakdown = "product"', 'breakdown = "channel"')
    (root / "targets" / "okrs.toml").write_text(okrs, encoding="utf-8")
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2, done.output
    line = okrs.splitlines().index('where = { gendr = "female" }') + 1
    assert (f'okrs.toml:{line}: objectives[O1].key_results[FEMALE].where.gendr: metric '
            '"new_hnw_clients" has no dimension "gendr" (did you mean "gender"?); it has: '
            "gender, tier") in done.output  # fmt: skip
    assert 'has no dimension "channel"; it has: product' in done.output


def test_a_slice_needs_a_metric(write_workspace: WriteWorkspace) -> None:
    more = """
[[objectives.key_results]]
id = "X"
title = "x"
target = 1
unit = "户"
where = { gender = "female" }

[[objectives.key_results]]
id = "Y"
title = "y"
metric = "new_hnw_clients"
target = 1
unit = "户"
where = { gender = 1 }
"""
    root = dimensioned(write_workspace)
    (root / "targets" / "okrs.toml").write_text(OKRS + more, encoding="utf-8")
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2
    assert ("key_results[X].where.gender: needs a metric: only collected figures have "
            "dimensions") in done.output  # fmt: skip
    assert "key_results[Y].where.gender: expected the value as text, got a number (1)" in (
        done.output
    )


# -------------------------------------------------------------- PostgreSQL


def test_a_breakdown_on_either_store(backend: Backend) -> None:
    root = dimensioned(backend)
    nna = report_json(root)["O1.NNA"]
    assert [(r["value"], r["share"]) for r in nna["breakdown"]["rows"]] == [
        ("私募固收", pytest.approx(17.4 / 41.3)),
        ("权益基金", pytest.approx(9.2 / 41.3)),
        ("其他", pytest.approx(8.6 / 41.3)),
        ("家族信托", pytest.approx(6.1 / 41.3)),
    ]
    found = report_json(root, "--breakdown", "O1.CONV=channel")
    assert found["O1.CONV"]["actual"] == 0.12 and found["O1.FEMALE"]["actual"] == 120
    assert [r["actual"] for r in found["O1.CONV"]["breakdown"]["rows"]] == [
        pytest.approx(0.08),
        pytest.approx(0.16),
    ]


def test_store_copy_carries_the_slices(workspace: Path, tmp_path: Path, postgres_url: str) -> None:
    there = CliRunner().invoke(cli, ["store", "copy", str(workspace / "okrdesk.db"), postgres_url])
    assert there.exit_code == 0, there.output
    back = tmp_path / "back.db"
    again = CliRunner().invoke(cli, ["store", "copy", postgres_url, str(back)])
    assert again.exit_code == 0, again.output
    with store_of(workspace) as original, Store.open(back) as copied:
        rows = [
            [(r.observation.subject, r.observation.slice, r.observation.value)
             for r in store.observations(metric="net_new_aum", sliced=True)]
            for store in (original, copied)
        ]  # fmt: skip
    assert rows[0] == rows[1] and ("cm02", "product=家族信托", 6.1 * YI) in rows[0]


# ------------------------------------------------------------- SQL metrics

SALES = """\
date,cm_id,product,amount
2026-01-06,cm01,权益基金,300
2026-01-07,cm01,私募固收,500
2026-01-08,cm01,权益基金,200
2026-01-13,cm02,家族信托,900
"""


def sales_check(tmp_path: Path, sales: str) -> PluginCheck:
    """The SQL source's product_sales, split by product, over ``sales`` as a CSV file."""
    (tmp_path / "sales.csv").write_text(sales, encoding="utf-8")
    settings = {"tables": {"sales": "sales.csv"}, "metrics": [{
        "name": "product_sales", "kind": "flow", "unit": "元", "dimensions": ["product"],
        "query": "SELECT cm_id AS subject, date AS day, product, amount AS value FROM sales",
    }]}  # fmt: skip
    return check_plugin(
        sql_metrics, people=(Person("cm01", "王芳", "team-a"), Person("cm02", "李强", "team-a")),
        start=dt.date(2026, 1, 5), through=dt.date(2026, 1, 18), settings=settings,
        workspace=tmp_path,
    )  # fmt: skip


def test_an_sql_metric_splits_by_its_dimension_columns(tmp_path: Path) -> None:
    check = sales_check(tmp_path, SALES)
    check.assert_valid()
    assert check.metrics["product_sales"].dimensions == ("product",)
    found = {(o.subject, o.period, o.slice): o.value for o in check.observations}
    # cm01's two equity rows in week 2 are one slice: 300 + 200.
    assert found == {("cm01", "2026-W02", "product=权益基金"): 500,
                     ("cm01", "2026-W02", "product=私募固收"): 500,
                     ("cm02", "2026-W03", "product=家族信托"): 900}  # fmt: skip


def test_an_sql_metric_row_without_its_dimension_is_named(tmp_path: Path) -> None:
    check = sales_check(tmp_path, SALES + "2026-01-14,cm02,,100\n")
    problems = check.problems
    assert any("sales.csv row 6: column product is empty" in p for p in problems), problems


def test_words_for_a_dimension_the_metric_lacks_are_refused_when_the_plugin_loads(
    workspace: Path,
) -> None:
    plugin = workspace / "plugins" / "dim_metrics.py"
    plugin.write_text(
        DIM_PLUGIN.replace('dimension_labels={"gender"', 'dimension_labels={"gendr"'),
        encoding="utf-8",
    )
    trusted(workspace)
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(workspace)])
    assert done.exit_code != 0
    assert "dim_metrics" in done.output
    assert ("metric new_hnw_clients: labels for 'gendr', which is not one of its dimensions "
            "['gender', 'tier']") in done.output  # fmt: skip
    assert "Traceback" not in done.output


def test_export_writes_wholes_unless_slices_are_asked_for(workspace: Path) -> None:
    def exported(*extra: str) -> list[dict[str, str]]:
        done = CliRunner().invoke(cli, ["export", "--format", "csv", *extra, "-w", str(workspace)])
        assert done.exit_code == 0, done.output
        return list(csv.DictReader(io.StringIO(done.output.lstrip("\ufeff"))))

    wholes = exported()
    assert wholes and {row["slice"] for row in wholes} == {""}
    both = exported("--slices")
    sliced = [row for row in both if row["slice"]]
    assert len(both) == len(wholes) + len(sliced) and sliced
    assert "gender=female;tier=600w" in {row["slice"] for row in sliced}
    by_figure: dict[tuple[str, str, str], float] = {}
    summed = "value", "numerator", "denominator"
    for row in sliced:
        key = (row["metric"], row["subject"], row["period"])
        by_figure[key] = by_figure.get(key, 0.0) + sum(float(row[f] or 0) for f in summed)
    whole_of = {(r["metric"], r["subject"], r["period"]): sum(float(r[f] or 0) for f in summed)
                for r in wholes}  # fmt: skip
    assert by_figure == pytest.approx({key: whole_of[key] for key in by_figure})
    document = json.loads(
        CliRunner().invoke(cli, ["export", "--slices", "-w", str(workspace)]).output
    )
    assert {o["slice"] for o in document["observations"]} >= {"", "gender=female;tier=600w"}


def test_check_plugin_s_value_is_the_whole_a_collect_stores_or_the_slice_asked() -> None:
    """``PluginCheck.value`` gave the first slice it met for a metric emitted in slices,
    where a collect stores their sum as the figure: a plugin author's test of the whole
    passed or failed by the order of the emits. Now it is the whole, or one slice."""
    import types

    module = types.ModuleType("dim_metrics")
    exec(compile(DIM_PLUGIN, "dim_metrics.py", "exec"), module.__dict__)
    people = [Person(cm, cm, "team-a") for cm in ("cm01", "cm02", "cm03")]
    check = check_plugin(module, people=people, start=dt.date(2026, 1, 1),
                         through=dt.date(2026, 1, 11))  # fmt: skip
    check.assert_valid()
    rate = check.value("conversion", "cm01", "2026-W01")
    assert (rate.numerator, rate.denominator, dict(rate.dimensions)) == (5, 40, {})
    app = check.value("conversion", "cm01", "2026-W01", dimensions={"channel": "app"})
    assert (app.numerator, app.denominator) == (3, 30)
    assert check.value("net_new_aum", "cm02", "2026-W01").value == pytest.approx(17.7e8)
    hnw = check.value("new_hnw_clients", "cm01", "2026-W01", {"gender": "male", "tier": "300w"})
    assert hnw.value == 25
    with pytest.raises(KeyError):
        check.value("conversion", "cm02", "2026-W01", dimensions={"channel": "outlet"})


def test_okrdesk_plugins_names_the_dimensions_a_breakdown_may_use(workspace: Path) -> None:
    """A plan's author writes ``breakdown = "channel"`` by the dimension's name, which
    ``okrdesk plugins`` did not show: only the plugin's source said it."""
    listed = CliRunner().invoke(cli, ["plugins", "--lang", "en", "-w", str(workspace)])
    line = next(x for x in listed.output.splitlines() if x.strip().startswith("new_hnw_clients"))
    assert line.endswith("新增高净值客户 / New HNW clients  (by gender, tier)"), line
    flows = next(x for x in listed.output.splitlines() if "net_new_aum" in x)
    # The words its DimensionLabels give, by language, with the name to write after them.
    assert flows.endswith("(by product type [product])"), flows
    zh = CliRunner().invoke(cli, ["plugins", "--lang", "zh", "-w", str(workspace)])
    hnw = "新增高净值客户 / New HNW clients（可按 性别 [gender]、tier 拆分）"
    assert hnw in zh.output, zh.output
    assert "（可按 产品类型 [product] 拆分）" in zh.output, zh.output
    told = json.loads(CliRunner().invoke(cli, ["plugins", "--json", "-w", str(workspace)]).output)
    metrics = {m["name"]: m for p in told["plugins"] for m in p["metrics"]}
    assert metrics["new_hnw_clients"]["dimensions"] == ["gender", "tier"]
    assert metrics["aum"]["dimensions"] == ["product"]
