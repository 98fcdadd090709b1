"""Funnels in the SQL source: converted within N days of entering, credited to whoever
the entering event names, on real CSV (DuckDB) and SQLite files."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.model import Person
from okrdesk.plugins import sql_metrics
from okrdesk.plugins.testing import check_plugin
from sample_workspace import OKRS, WriteWorkspace

PEOPLE = (Person("cm01", "王芳", "team-a"), Person("cm02", "李强", "team-a"))
START, THROUGH = dt.date(2026, 1, 5), dt.date(2026, 1, 18)  # ISO weeks 2 and 3

ACCOUNTS = [  # account, who opened it, opened on
    ("a1", "cm01", "2026-01-05"), ("a2", "cm01", "2026-01-06"), ("a3", "cm02", "2026-01-07"),
    ("a4", "cm02", "2026-01-13"), ("a5", "cm02", "2026-01-14"), ("a6", "cm01", "2026-01-15"),
]  # fmt: skip
FUNDINGS = [  # account, funded on
    ("a1", "2026-01-12"),  # day 7: in
    ("a2", "2026-01-14"),  # day 8: out
    ("a3", "2026-01-07"),  # the same day: in
    ("a4", "2026-01-20"),  # day 7, but after the day collected through: not yet
    ("a5", "2026-01-01"),  # before it was opened: not a conversion...
    ("a5", "2026-01-16"),  # ...this one is
    ("a6", "2026-01-15"),
]
FUNNEL = {
    "entered": "SELECT account_id AS entity, cm_id AS subject, open_date AS day FROM accounts",
    "converted": "SELECT account_id AS entity, fund_date AS day FROM fundings",
    "within_days": 7,
}


def definition(**funnel: object) -> dict[str, object]:
    return {"name": "open_to_fund_7d", "label_zh": "开户 7 日内入金率", "unit": "%",
            "funnel": {**FUNNEL, **funnel}}  # fmt: skip


def csv_files(root: Path) -> dict[str, str]:
    (root / "data").mkdir(exist_ok=True)
    accounts = "account_id,cm_id,open_date\n" + "".join(f"{a},{c},{d}\n" for a, c, d in ACCOUNTS)
    fundings = "account_id,fund_date\n" + "".join(f"{a},{d}\n" for a, d in FUNDINGS)
    (root / "data" / "accounts.csv").write_text(accounts, encoding="utf-8")
    (root / "data" / "fundings.csv").write_text(fundings, encoding="utf-8")
    return {"accounts": "data/accounts.csv", "fundings": "data/fundings.csv"}


def sqlite_file(root: Path) -> str:
    (root / "data").mkdir(exist_ok=True)
    with sqlite3.connect(root / "data" / "crm.sqlite") as db:
        db.execute("CREATE TABLE accounts (account_id TEXT, cm_id TEXT, open_date TEXT)")
        db.execute("CREATE TABLE fundings (account_id TEXT, fund_date TEXT)")
        db.executemany("INSERT INTO accounts VALUES (?, ?, ?)", ACCOUNTS)
        db.executemany("INSERT INTO fundings VALUES (?, ?)", FUNDINGS)
    db.close()
    return "data/crm.sqlite"


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_day_seven_is_in_and_day_eight_out(tmp_path: Path, engine: str) -> None:
    source: dict[str, object] = (
        {"tables": csv_files(tmp_path)} if engine == "duckdb"
        else {"database": sqlite_file(tmp_path)}
    )  # fmt: skip
    settings = {**source, "metrics": [definition()]}
    check = check_plugin(sql_metrics, people=PEOPLE, start=START, through=THROUGH,
                         settings=settings, workspace=tmp_path)  # fmt: skip
    check.assert_valid()
    figures = {
        (subject, period): (o.numerator, o.denominator)
        for subject in ("cm01", "cm02")
        for period in ("2026-W02", "2026-W03")
        if (o := check.value("open_to_fund_7d", subject, period)) is not None
    }
    # 王芳 opened a1 (funded on day 7) and a2 (day 8) in week 2, a6 in week 3;
    # 李强 opened a3 in week 2, a4 (funded after the 18th) and a5 in week 3.
    assert figures == {
        ("cm01", "2026-W02"): (1, 2), ("cm01", "2026-W03"): (1, 1),
        ("cm02", "2026-W02"): (1, 1), ("cm02", "2026-W03"): (1, 2),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"within_days": "7"}, "funnel.within_days: expected a whole number of days"),
        ({"within_days": -1}, "funnel.within_days: expected a whole number of days"),
        ({"entered": "DELETE FROM accounts"}, "funnel.entered: only a SELECT query is allowed"),
        ({"converted": ""}, "funnel.converted: missing; expected a SELECT query"),
        ({"stage": "x"}, "funnel: unknown keys stage"),
    ],
)
def test_a_broken_funnel_is_named_by_its_key(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    settings = {"tables": csv_files(tmp_path), "metrics": [definition(**change)]}
    found, broken = sql_metrics._definitions(settings)
    assert found == [] and len(broken) == 1
    assert broken[0].en.startswith("sources.sql.metrics[0].funnel") and message in broken[0].en


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_stage_written_for_sqlite_is_told_at_the_key_written(tmp_path: Path, lang: str) -> None:
    """It was told at sources.sql.metrics[0].query, a key the funnel's author never wrote
    (the query the funnel writes from the stages), so validate pointed at the table's
    first line."""
    monthly = "SELECT account_id AS entity, cm_id AS subject, date(open_date, 'start of month')"
    entered = f"{monthly} AS day FROM accounts"
    settings = {"tables": csv_files(tmp_path), "metrics": [definition(entered=entered)]}
    check = check_plugin(sql_metrics, people=PEOPLE, start=START, through=THROUGH,
                         settings=settings, workspace=tmp_path, lang=lang)  # fmt: skip
    (problem,) = check.problems
    said = {"en": "written for SQLite; DuckDB, which reads the tables, cannot run it: "
                  "date(x, 'modifier') is SQLite's",
            "zh": "这是按 SQLite 写的；读这些表的 DuckDB 运行不了：date(x, 'modifier') 是 "
                  "SQLite 的写法"}[lang]  # fmt: skip
    assert f"sources.sql.metrics[0].funnel.entered (open_to_fund_7d): {said}" in problem, problem
    assert ".query" not in problem, problem


def test_a_funnel_is_a_ratio_and_writes_its_own_query(tmp_path: Path) -> None:
    settings = {"tables": csv_files(tmp_path),
                "metrics": [{**definition(), "kind": "flow"},
                            {**definition(), "query": "SELECT 1"}]}  # fmt: skip
    _found, broken = sql_metrics._definitions(settings)
    assert "metrics[0].kind: a funnel is a ratio" in broken[0].en
    assert "metrics[1]: give either query or funnel" in broken[1].en


TOML = """\
[sources.sql]
tables = { accounts = "data/accounts.csv", fundings = "data/fundings.csv" }

[[sources.sql.metrics]]
name = "open_to_fund_7d"
label_zh = "开户 7 日内入金率"
unit = "%"

[sources.sql.metrics.funnel]
entered = "SELECT account_id AS entity, cm_id AS subject, open_date AS day FROM accounts"
converted = "SELECT account_id AS entity, fund_date AS day FROM fundings"
within_days = 7
entered_label = "开户"
converted_label = "7 日内入金"
"""

FUNNEL_KR = """
[[objectives.key_results]]
id = "FUND"
title = "开户 7 日内入金率 ≥ 80%"
metric = "open_to_fund_7d"
target = 80
unit = "%"
"""


def test_the_report_shows_the_stages_rolled_up_as_a_ratio_of_sums(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"okrs.toml": OKRS + FUNNEL_KR})
    csv_files(root)
    (root / "okrdesk.toml").write_text(TOML, encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(cli, ["collect", "--through", "2026-01-18", "-w", str(root)])
    assert done.exit_code == 0, done.output
    report = runner.invoke(
        cli, ["report", "--as-of", "2026-01-18", "-w", str(root), "--format", "md"]
    )
    # The branch: 4 of 6 accounts funded within 7 days, 66.7%; not the mean of
    # the four people-weeks' rates (50%, 100%, 100%, 50%: 75%).
    assert "开户 6 → 7 日内入金 4（66.7%）" in report.output, report.output


@pytest.mark.parametrize(
    ("english", "en_said"),
    [('entered_label_en = "opened"\nconverted_label_en = "funded within 7 days"\n',
      "opened 6 → funded within 7 days 4 (66.7%)"),
     ("", "开户 6 → 7 日内入金 4 (66.7%)")],
    ids=["english", "chinese-only"],
)  # fmt: skip
def test_a_funnels_stages_are_named_in_the_reports_language(
    write_workspace: WriteWorkspace, english: str, en_said: str
) -> None:
    """A funnel gave its stages one name each, Chinese: `report --lang en` printed 开户 and
    7 日内入金, and the JSON only those. With entered_label_en and converted_label_en, an
    English report (text, Markdown, JSON) names them in English; the Chinese one as before;
    a funnel that gives no English names is shown as it was."""
    root = write_workspace({"okrs.toml": OKRS + FUNNEL_KR})
    csv_files(root)
    (root / "okrdesk.toml").write_text(TOML + english, encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(cli, ["collect", "--through", "2026-01-18", "-w", str(root)])
    assert done.exit_code == 0, done.output

    def report(lang: str, fmt: str) -> str:
        shown = runner.invoke(
            cli,
            ["report", "--as-of", "2026-01-18", "-w", str(root), "--format", fmt, "--lang", lang],
            env={"COLUMNS": "200"},
        )
        assert shown.exit_code == 0, shown.output
        return shown.output  # fmt: skip

    for fmt in ("text", "md"):
        assert en_said in report("en", fmt), fmt
        assert "开户 6 → 7 日内入金 4（66.7%）" in report("zh", fmt), fmt
    import json

    def stages(lang: str) -> dict[str, object]:
        data = json.loads(report(lang, "json"))
        (kr,) = [k for o in data["objectives"] for k in o["key_results"] if k["id"] == "O1.FUND"]
        return kr["stages"]

    assert stages("en")["entered_label"] == ("opened" if english else "开户")
    assert stages("zh")["converted_label"] == "7 日内入金"


@pytest.mark.parametrize(
    ("written", "shown", "shown_zh"),
    [("7", "7", " 7"), ("true", "true", " true"), ('{ zh = "开户" }', "a table", "表"),
     ('["开户"]', "an array", "数组")],
)  # fmt: skip
def test_a_stage_named_by_anything_but_text_is_refused_at_its_line(
    write_workspace: WriteWorkspace, written: str, shown: str, shown_zh: str
) -> None:
    """`entered_label = 7` (or a table, as a user might write both languages) was made
    text silently, and the report showed "7" or "{'zh': '开户'}" as the stage's name:
    validate refuses it at the line of its key, in either language, and the collect
    stores nothing of the metric."""
    root = write_workspace({"okrs.toml": OKRS + FUNNEL_KR})
    csv_files(root)
    toml = TOML.replace('entered_label = "开户"', f"entered_label = {written}")
    (root / "okrdesk.toml").write_text(toml, encoding="utf-8")
    line = toml.splitlines().index(f"entered_label = {written}") + 1
    runner = CliRunner()
    english = runner.invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert english.exit_code == 2, english.output
    assert (
        f"okrdesk.toml:{line}: sources.sql.metrics[0].funnel.entered_label: expected the "
        f'stage\'s name as text, in quotes (entered_label = "开户"), not {shown}'
    ) in english.output, english.output
    chinese = runner.invoke(cli, ["validate", "--lang", "zh", "-w", str(root)])
    assert (
        f"okrdesk.toml:{line}: sources.sql.metrics[0].funnel.entered_label: 应为阶段的名称，"
        f'写成带引号的文本（entered_label = "开户"），不能是{shown_zh}'
    ) in chinese.output, chinese.output
    done = runner.invoke(cli, ["collect", "--through", "2026-01-18", "-w", str(root)])
    assert done.exit_code != 0
    assert "Traceback" not in done.output
