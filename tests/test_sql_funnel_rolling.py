"""A funnel whose stages read a rolling export (a CRM's last 30 days of accounts and of
fundings) keeps the weeks the export no longer reaches, as any rolling metric does:
declared of its files, of its SQLite database or of its warehouse."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.store import Store
from sample_workspace import WriteWorkspace, trusted
from test_sql_funnels import FUNNEL_KR
from test_sql_metrics import sql_only_workspace

OKRS = '[[objectives]]\nid = "O9"\ntitle = "开户入金"\nowner = "branch"\n' + FUNNEL_KR

FUNNEL = """\
[[sources.sql.metrics]]
name = "open_to_fund_7d"
label_zh = "开户 7 日内入金率"
unit = "%"
{rolling}
[sources.sql.metrics.funnel]
entered = "SELECT account_id AS entity, cm_id AS subject, open_date AS day FROM accounts"
converted = "SELECT account_id AS entity, fund_date AS day FROM fundings"
within_days = 7
"""

SOURCES = {
    "files": '[sources.sql.tables.accounts]\npath = "data/accounts.csv"\nrolling = "open_date"\n'
             '[sources.sql.tables.fundings]\npath = "data/fundings.csv"\nrolling = "fund_date"\n',
    "sqlite": '[sources.sql]\ndatabase = "data/crm.sqlite"\n',
    "warehouse": '[sources.sql]\nconnection = "duckdb:data/crm.duckdb"\n',
}  # fmt: skip

MONDAYS = [dt.date(2026, 1, 5) + dt.timedelta(weeks=n) for n in range(10)]  # W02 to W11
ACCOUNTS = sorted(
    [(f"a{n}", "cm01", monday) for n, monday in enumerate(MONDAYS)]
    + [("b0", "cm02", MONDAYS[0]), ("b1", "cm02", dt.date(2026, 2, 14)),
       ("b2", "cm02", dt.date(2026, 3, 15))]
)  # fmt: skip
"""An account cm01 opens each Monday, funded on the Wednesday; cm02's on 2026-01-05,
2026-02-14 and 2026-03-15, funded the same day: the days the exports begin and end on,
in both tables."""
FUNDINGS = [(account, day + dt.timedelta(days=0 if account[0] == "b" else 2))
            for account, _, day in ACCOUNTS]  # fmt: skip


def _workspace(write_workspace: WriteWorkspace, source: str, rolling: str) -> Path:
    settings = SOURCES[source] + "\n" + FUNNEL.format(rolling=rolling)
    root = sql_only_workspace(write_workspace, OKRS, settings)
    return trusted(root) if source == "warehouse" else root


def _export(root: Path, source: str, first: dt.date, last: dt.date) -> None:
    """The accounts opened and funded from ``first`` to ``last``, as the CRM exports them."""
    accounts = [(a, cm, day.isoformat()) for a, cm, day in ACCOUNTS if first <= day <= last]
    fundings = [(a, day.isoformat()) for a, day in FUNDINGS if first <= day <= last]
    data = root / "data"
    if source == "files":
        (data / "accounts.csv").write_text(
            "account_id,cm_id,open_date\n" + "".join(f"{a},{c},{d}\n" for a, c, d in accounts),
            encoding="utf-8",
        )
        (data / "fundings.csv").write_text(
            "account_id,fund_date\n" + "".join(f"{a},{d}\n" for a, d in fundings),
            encoding="utf-8",
        )
        return
    if source == "sqlite":
        (data / "crm.sqlite").unlink(missing_ok=True)
        with contextlib.closing(sqlite3.connect(data / "crm.sqlite")) as db, db:
            db.execute("CREATE TABLE accounts (account_id TEXT, cm_id TEXT, open_date TEXT)")
            db.execute("CREATE TABLE fundings (account_id TEXT, fund_date TEXT)")
            db.executemany("INSERT INTO accounts VALUES (?, ?, ?)", accounts)
            db.executemany("INSERT INTO fundings VALUES (?, ?)", fundings)
        return
    import duckdb

    (data / "crm.duckdb").unlink(missing_ok=True)
    with duckdb.connect(str(data / "crm.duckdb")) as db:
        db.execute("CREATE TABLE accounts (account_id TEXT, cm_id TEXT, open_date DATE)")
        db.execute("CREATE TABLE fundings (account_id TEXT, fund_date DATE)")
        db.executemany("INSERT INTO accounts VALUES (?, ?, ?)", accounts)
        db.executemany("INSERT INTO fundings VALUES (?, ?)", fundings)


def _stored(root: Path) -> dict[tuple[str, str], tuple[float, float]]:
    with Store.open(root / "okrdesk.db") as store:
        rows = store.query(
            "SELECT subject, period, numerator, denominator FROM observations "
            "WHERE metric = 'open_to_fund_7d' AND slice = ''"
        )
    return {(subject, period): (num, den) for subject, period, num, den in rows}


@pytest.mark.parametrize(
    ("source", "rolling"),
    [("files", ""), ("sqlite", "rolling = true"), ("sqlite", 'rolling = "accounts.open_date"'),
     ("warehouse", "rolling = true"), ("warehouse", 'rolling = "accounts.open_date"')],
)  # fmt: skip
def test_a_rolling_funnel_keeps_the_weeks_its_export_no_longer_reaches(
    write_workspace: WriteWorkspace, source: str, rolling: str
) -> None:
    root = _workspace(write_workspace, source, rolling)
    _export(root, source, dt.date(2026, 1, 1), dt.date(2026, 2, 15))
    done = CliRunner().invoke(cli, ["collect", "--through", "2026-02-15", "-w", str(root)])
    assert done.exit_code == 0, done.output
    first = _stored(root)
    assert first[("cm01", "2026-W02")] == (1, 1) and first[("cm01", "2026-W07")] == (1, 1)

    _export(root, source, dt.date(2026, 2, 14), dt.date(2026, 3, 15))
    for lang, words in (
        ("en", "open_to_fund_7d: its source reaches back only to 2026-02-14: 6 periods "
               "before it (2026-W02 to 2026-W07) kept as stored, not changed"),
        ("zh", "open_to_fund_7d：数据源只追溯到 2026-02-14：此前的 6 个周期（2026-W02 至 "
               "2026-W07）照原样保留"),
    ):  # fmt: skip
        asked = ["collect", "--through", "2026-03-15", "--lang", lang, "-w", str(root)]
        done = CliRunner().invoke(cli, asked)
        assert done.exit_code == 0, done.output
        assert words in done.output, done.output
        now = _stored(root)
        assert {key: now.get(key) for key in first} == first, done.output
        assert now[("cm01", "2026-W08")] == (1, 1) and now[("cm01", "2026-W11")] == (1, 1)


def test_a_funnel_reading_files_is_told_to_say_it_of_its_files(
    write_workspace: WriteWorkspace,
) -> None:
    """`rolling = true` on a funnel reading files is refused at its line, as on any metric
    reading files: the files say which days they hold."""
    settings = (
        SOURCES["files"]
        .replace('rolling = "open_date"\n', "")
        .replace('rolling = "fund_date"\n', "")
    )
    root = sql_only_workspace(
        write_workspace, OKRS, settings + "\n" + FUNNEL.format(rolling="rolling = true")
    )
    _export(root, "files", dt.date(2026, 1, 1), dt.date(2026, 2, 15))
    for lang, words in (
        ("en", "okrdesk.toml:10: sources.sql.metrics[0].rolling: a metric reading files says "
               "so of the file, in its table's entry"),
        ("zh", "okrdesk.toml:10: sources.sql.metrics[0].rolling: "
               "读文件的指标在该文件的表条目里注明"),
    ):  # fmt: skip
        validated = CliRunner().invoke(cli, ["validate", "--lang", lang, "-w", str(root)])
        assert validated.exit_code == 2, validated.output
        assert words in validated.output, validated.output
        asked = ["collect", "--through", "2026-02-15", "--lang", lang, "-w", str(root)]
        done = CliRunner().invoke(cli, asked)
        assert done.exit_code != 0 and "Traceback" not in done.output, done.output
        assert words in done.output, done.output
