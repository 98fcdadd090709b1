"""A source that leaves one unit out keeps that unit's figures: a firm's CRM export that
came out without one branch deleted the branch's whole year (不再报送、已删除 601 条) and
the collect exited 0. Now the unit's figures stay as stored, the others' are stored, and
the collect fails the metric naming the unit, until the source gives them again or
``--accept-empty`` says it really has none."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from okrdesk.store import Store
from sample_workspace import WriteWorkspace
from test_dimensions import ORG as TWO_TEAMS  # team-a: cm01, cm02; team-b: cm03
from test_sql_metrics import sql_only_workspace

SETTINGS = """\
[sources.sql]
tables = { ledger = "data/ledger.csv" }

[[sources.sql.metrics]]
name = "big_deposits"
kind = "flow"
unit = "单"
query = "SELECT cm AS subject, day, 1 AS value FROM ledger WHERE deposits_wan > 1000"
"""
OKRS = """\
[[objectives]]
id = "O9"
title = "大额入金"
owner = "branch"

[[objectives.key_results]]
id = "KR1"
title = "大额入金笔数"
metric = "big_deposits"
target = 60
unit = "单"
"""
HEADER = "day,cm,deposits_wan\n"
ALL = HEADER + "2026-01-06,cm01,1200\n2026-01-07,cm03,2500\n2026-01-13,cm02,3000\n"
WITHOUT_TEAM_B = HEADER + "2026-01-06,cm01,1200\n2026-01-13,cm02,3000\n"


def _collect(root: Path, ledger: str, *more: str, lang: str = "en") -> Result:
    (root / "data" / "ledger.csv").write_text(ledger, encoding="utf-8")
    asked = ["collect", "--through", "2026-01-18", "--lang", lang, "-w", str(root), *more]
    return CliRunner().invoke(cli, asked)


def _deals(root: Path) -> dict[tuple[str, str], float]:
    with Store.open(root / "okrdesk.db") as store:
        rows = store.query(
            "SELECT subject, period, value FROM observations "
            "WHERE metric = 'big_deposits' AND slice = ''"
        )
    return {(subject, period): value for subject, period, value in rows if value}


def _workspace(write_workspace: WriteWorkspace) -> Path:
    root = sql_only_workspace(write_workspace, OKRS, SETTINGS)
    (root / "targets" / "org.toml").write_text(TWO_TEAMS, encoding="utf-8")
    return root


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_team_the_export_left_out_keeps_its_figures_and_the_collect_says_so(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    root = _workspace(write_workspace)
    done = _collect(root, ALL)
    assert done.exit_code == 0, done.output
    every = {("cm01", "2026-W02"): 1, ("cm03", "2026-W02"): 1, ("cm02", "2026-W03"): 1}
    assert _deals(root) == every

    # cm01's deal restated away, team-b's rows missing from the export altogether.
    restated = HEADER + "2026-01-13,cm02,3000\n"
    done = _collect(root, restated, lang=lang)
    assert done.exit_code == 1, done.output
    if lang == "en":
        assert "gave figures of others but not one of 财富管理二部 (team-b)" in done.output
        assert "--accept-empty big_deposits" in done.output
    else:
        assert "却没有 财富管理二部（team-b） 的一个数字" in done.output
    # Team b's deal stands; team a's restatement is stored, as the source says.
    assert _deals(root) == {("cm03", "2026-W02"): 1, ("cm02", "2026-W03"): 1}

    done = _collect(root, ALL)
    assert done.exit_code == 0, done.output
    assert _deals(root) == every


def test_accept_empty_lets_a_unit_left_out_go(write_workspace: WriteWorkspace) -> None:
    root = _workspace(write_workspace)
    assert _collect(root, ALL).exit_code == 0
    done = _collect(root, WITHOUT_TEAM_B, "--accept-empty", "big_deposits")
    assert done.exit_code == 0, done.output
    assert _deals(root) == {("cm01", "2026-W02"): 1, ("cm02", "2026-W03"): 1}


def test_a_unit_with_nothing_stored_is_not_told(write_workspace: WriteWorkspace) -> None:
    """A team with no figure stored yet, and none given: nothing to keep, nothing said."""
    root = _workspace(write_workspace)
    done = _collect(root, WITHOUT_TEAM_B)
    assert done.exit_code == 0, done.output
    done = _collect(root, WITHOUT_TEAM_B)
    assert done.exit_code == 0, done.output
    assert "not one of" not in done.output


RATIO = """\
[sources.sql]
tables = { ledger = "data/ledger.csv" }

[[sources.sql.metrics]]
name = "big_share"
kind = "ratio"
unit = "%"
query = '''SELECT cm AS subject, day, CASE WHEN deposits_wan > 1000 THEN 1 ELSE 0 END AS
numerator, 1 AS denominator FROM ledger'''
"""
RATIO_OKRS = OKRS.replace('metric = "big_deposits"', 'metric = "big_share"').replace(
    'target = 60\nunit = "单"', 'target = 50\nunit = "%"'
)


def test_a_rates_parts_of_a_team_left_out_are_kept(write_workspace: WriteWorkspace) -> None:
    """A rate stores its parts and no value: a team's parts were deleted, where a check
    of 'a figure other than zero' read only the value."""
    root = sql_only_workspace(write_workspace, RATIO_OKRS, RATIO)
    (root / "targets" / "org.toml").write_text(TWO_TEAMS, encoding="utf-8")
    assert _collect(root, ALL).exit_code == 0

    def parts() -> dict[str, tuple[float, float]]:
        with Store.open(root / "okrdesk.db") as store:
            rows = store.query(
                "SELECT subject, sum(numerator), sum(denominator) FROM observations "
                "WHERE metric = 'big_share' AND slice = '' GROUP BY subject"
            )
        return {subject: (numerator, denominator) for subject, numerator, denominator in rows}

    before = parts()
    assert before["cm03"] == (1, 1)
    done = _collect(root, WITHOUT_TEAM_B)
    assert done.exit_code == 1, done.output
    assert "not one of 财富管理二部 (team-b)" in done.output
    assert parts() == before
