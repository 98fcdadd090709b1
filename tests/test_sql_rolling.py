"""A table of the SQL source declared ``rolling`` (a CRM export of its last 30 days)
holds the days from its first row's to its last row's: a collect a month later deleted
the weeks it no longer reached (their zeros stored over them, with
``no_rows_means_zero``), and now keeps them as stored. A ``rolling`` that is no column
name, or names a column the file lacks, is told at its line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from backends import Backend
from okrdesk.cli import cli
from sample_workspace import WriteWorkspace, trusted
from test_collect_unit_left_out import HEADER, OKRS, _deals
from test_sql_metrics import sql_only_workspace

SETTINGS = """\
[sources.sql.tables.ledger]
path = "data/ledger.csv"
rolling = {rolling}

[[sources.sql.metrics]]
name = "big_deposits"
kind = "flow"
unit = "单"
no_rows_means_zero = true
query = "SELECT cm AS subject, day, 1 AS value FROM ledger WHERE deposits_wan > 1000"
"""

MONDAYS = [dt.date(2026, 1, 5) + dt.timedelta(weeks=n) for n in range(10)]  # W02 to W11
LEDGER = sorted(
    [(monday, "cm01", 1200) for monday in MONDAYS]
    + [(monday + dt.timedelta(days=2), "cm02", 3000) for monday in MONDAYS]
    + [(dt.date(2026, 2, 14), "cm01", 50), (dt.date(2026, 3, 15), "cm02", 80)]
)
"""Each week from W02 to W11 a large deposit of cm01's on Monday and of cm02's on
Wednesday; small ones on 2026-02-14 and 2026-03-15, the days a rolling export a month
later begins and ends on."""


def _workspace(
    write_workspace: WriteWorkspace, rolling: str = '"day"', database: str | None = None
) -> Path:
    settings = SETTINGS.format(rolling=rolling)
    if database is None:
        return sql_only_workspace(write_workspace, OKRS, settings)
    workspace = f'{settings}\n[workspace]\ndatabase = "{database}"\n'
    return trusted(sql_only_workspace(write_workspace, OKRS, workspace))


def _collect(root: Path, first: dt.date, through: str, lang: str = "en") -> Result:
    rows = [f"{day},{cm},{amount}\n" for day, cm, amount in LEDGER
            if first <= day <= dt.date.fromisoformat(through)]  # fmt: skip
    (root / "data" / "ledger.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
    asked = ["collect", "--through", through, "--lang", lang, "-w", str(root)]
    return CliRunner().invoke(cli, asked)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_rolling_table_keeps_the_weeks_it_no_longer_reaches(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    root = _workspace(write_workspace)
    done = _collect(root, dt.date(2026, 1, 1), "2026-02-15")
    assert done.exit_code == 0, done.output
    first = _deals(root)
    assert first[("cm01", "2026-W02")] == 1 and first[("cm02", "2026-W07")] == 1, first

    done = _collect(root, dt.date(2026, 2, 14), "2026-03-15", lang)
    assert done.exit_code == 0, done.output
    now = _deals(root)
    assert {key: now.get(key) for key in first} == first, done.output
    assert now[("cm01", "2026-W08")] == 1 and now[("cm02", "2026-W11")] == 1, now
    if lang == "en":
        assert "deleted" not in done.output
        assert (
            "big_deposits: its source reaches back only to 2026-02-14: 6 periods before it "
            "(2026-W02 to 2026-W07) kept as stored, not changed"
        ) in done.output
    else:
        assert "已删除" not in done.output
        assert "big_deposits：数据源只追溯到 2026-02-14：此前的 6 个周期" in done.output


@pytest.mark.parametrize(
    ("rolling", "en", "zh"),
    [
        ("30", "okrdesk.toml:3: sources.sql.tables.ledger.rolling: expected the name of the "
         'column holding each row\'s day (rolling = "trade_day"), not 30',
         "okrdesk.toml:3: sources.sql.tables.ledger.rolling: 应为记录每行日期的列名"),
        ('"dya"', 'okrdesk.toml:3: sources.sql.tables.ledger.rolling: ledger.csv has no column '
         '"dya" (its columns: day, cm, deposits_wan)',
         'okrdesk.toml:3: sources.sql.tables.ledger.rolling: ledger.csv 没有 "dya" 列'),
        ('"cm"', "okrdesk.toml:3: sources.sql.tables.ledger.rolling: column cm of ledger.csv is "
         "not read as days (its cells read as VARCHAR)",
         "okrdesk.toml:3: sources.sql.tables.ledger.rolling: ledger.csv 的 cm 列读出来不是日期"),
    ],
)  # fmt: skip
def test_a_rolling_key_that_names_no_column_of_days_is_told_at_its_line(
    write_workspace: WriteWorkspace, rolling: str, en: str, zh: str
) -> None:
    root = _workspace(write_workspace)
    assert _collect(root, dt.date(2026, 1, 1), "2026-02-15").exit_code == 0
    first = _deals(root)
    (root / "okrdesk.toml").write_text(SETTINGS.format(rolling=rolling), encoding="utf-8")
    for lang, words in (("en", en), ("zh", zh)):
        validated = CliRunner().invoke(cli, ["validate", "--lang", lang, "-w", str(root)])
        assert validated.exit_code == 2, validated.output
        assert words in validated.output, validated.output
        done = _collect(root, dt.date(2026, 2, 14), "2026-03-15", lang)
        assert done.exit_code == 1, done.output
        assert words in done.output, done.output
        assert _deals(root) == first


def test_either_store_keeps_the_weeks_a_rolling_table_no_longer_reaches(
    backend: Backend, write_workspace: WriteWorkspace
) -> None:
    root = _workspace(write_workspace, database=backend.url)

    def deals() -> dict[tuple[str, str], float]:
        with backend.open(root) as store:
            rows = store.query(
                "SELECT subject, period, value FROM observations "
                "WHERE metric = 'big_deposits' AND slice = ''"
            )
        return {(subject, period): value for subject, period, value in rows if value}

    assert _collect(root, dt.date(2026, 1, 1), "2026-02-15").exit_code == 0
    first = deals()
    done = _collect(root, dt.date(2026, 2, 14), "2026-03-15")
    assert done.exit_code == 0, done.output
    assert {key: deals().get(key) for key in first} == first, done.output
    assert "6 periods before it (2026-W02 to 2026-W07) kept as stored" in done.output
