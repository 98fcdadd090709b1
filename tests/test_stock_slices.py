"""A slice of a stock that a subject's latest level has no part of is 0, not no data.

A key result on AUM of the top tier alone (``where = { tier = "top" }``) read 暂无数据 for
a customer manager whose clients all sat in the lower tiers, and left them out of its
score, though the latest snapshot split their assets into tiers, none of them the top
one; and for one whose last top client had moved down, the same. A subject the latest
period has nothing of still reads no data.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from backends import Backend
from okrdesk.cli import cli
from sample_workspace import ORG, trusted

AS_OF = "2026-01-18"  # ISO weeks 1 to 3

BALANCES = """\
date,cm_id,tier,assets
2026-01-02,cm01,top,90000000
2026-01-02,cm01,mass,10000000
2026-01-02,cm02,mass,20000000
2026-01-02,cm03,mass,5000000
2026-01-09,cm01,top,95000000
2026-01-09,cm01,mass,10000000
2026-01-09,cm02,mass,22000000
2026-01-16,cm01,mass,105000000
2026-01-16,cm02,mass,25000000
"""
"""Snapshots a week: 王芳 (cm01)'s top client moved down a tier in the third week, 李强
(cm02) never had one, and 张敏 (cm03) is in the first week's snapshot alone."""

SETTINGS = """\
[sources.sql]
tables = { balances = "data/balances.csv" }

[[sources.sql.metrics]]
name = "client_assets"
label_zh = "客户资产"
kind = "stock"
unit = "元"
dimensions = ["tier"]
query = "SELECT cm_id AS subject, date AS day, tier, assets AS value FROM balances"
"""

OKRS = """\
[[objectives]]
id = "A"
title = "高端客户资产"
owner = "branch"

[[objectives.key_results]]
id = "TOP"
title = "高端客户资产"
metric = "client_assets"
where = { tier = "top" }
unit = "万元"
[objectives.key_results.members]
cm01 = 12000
cm02 = 3000
cm03 = 3000
"""

THIRD = """
[[people]]
id = "cm03"
name = "张敏"
unit = "team-a"
"""


@pytest.fixture
def balances(backend: Backend) -> Path:
    """The workspace, collected, on each store (the latest period is read in SQL)."""
    root = backend.workspace(
        {"org.toml": ORG + THIRD, "assets.toml": OKRS, "okrs.toml": None, "budget.toml": None}
    )
    (root / "data").mkdir()
    (root / "data" / "balances.csv").write_text(BALANCES, encoding="utf-8")
    settings = root / "okrdesk.toml"
    kept = settings.read_text(encoding="utf-8") if settings.exists() else ""
    settings.write_text(kept + SETTINGS, encoding="utf-8")
    trusted(root)
    done = CliRunner().invoke(cli, ["collect", "--through", AS_OF, "-w", str(root)])
    assert done.exit_code == 0, done.output
    return root


def _figure(root: Path, unit: str) -> Any:
    done = CliRunner().invoke(
        cli, ["report", "-w", str(root), "--as-of", AS_OF, "--unit", unit, "--format", "json"]
    )
    assert done.exit_code == 0, done.output
    (kr,) = [kr for o in json.loads(done.output)["objectives"] for kr in o["key_results"]]
    return kr["actual"]


def test_a_tier_the_latest_snapshot_has_none_of_is_0(balances: Path) -> None:
    figures = {unit: _figure(balances, unit) for unit in ("cm01", "cm02", "cm03", "branch")}
    assert figures == {"cm01": 0, "cm02": 0, "cm03": None, "branch": 0}


def _explained(root: Path, person: str, lang: str) -> str:
    done = CliRunner().invoke(
        cli,
        ["explain", "A.TOP", "--person", person, "-w", str(root), "--as-of", AS_OF,
         "--lang", lang],
        env={"COLUMNS": "1000"},
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    return done.output


def test_the_trend_ends_at_the_0_the_figure_reads(balances: Path) -> None:
    """The trend stopped at the second week's 9,500万, the figure beside it 0."""
    done = CliRunner().invoke(
        cli, ["report", "-w", str(balances), "--as-of", AS_OF, "--unit", "cm01", "--format",
              "json"],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    (kr,) = [kr for o in json.loads(done.output)["objectives"] for kr in o["key_results"]]
    assert [point["value"] for point in kr["trend"]] == [90_000_000, 95_000_000, 0]


@pytest.mark.parametrize(
    ("lang", "zero", "none", "others"),
    [
        ("en",
         'No level of the slice "tier=top" in 2026-W03, the latest period up to 2026-01-18: '
         "the level then is split into slices, none of them this one, or is 0; so 0.",
         "No level of it in 2026-W03, the latest period up to 2026-01-18: a stock counts "
         "that period's alone; so no data.",
         "(2 observations of other periods do not count here.)"),
        ("zh",
         "截至 2026-01-18 的最近一期 2026-W03 没有切片「tier=top」的数值：那一期的数值已按维度"
         "拆分（没有这一项），或为 0，所以按 0 计。",
         "截至 2026-01-18 的最近一期 2026-W03 没有它的数值：存量只取那一期的值，所以暂无数据。",
         "（另有其他周期的 2 条观测值，不计入此处。）"),
    ],
    ids=["en", "zh"],
)  # fmt: skip
def test_explain_says_which_period_the_0_is_read_from(
    balances: Path, lang: str, zero: str, none: str, others: str
) -> None:
    """Explain listed 王芳's top tier of the second week as the figure's row, under a
    figure of 0, and said of 张敏 that nothing was stored, though her first week was."""
    hers = _explained(balances, "cm01", lang).splitlines()
    assert zero in hers and others in hers
    assert not any("2026-W02" in line for line in hers)
    assert zero in _explained(balances, "cm02", lang).splitlines()
    assert none in _explained(balances, "cm03", lang).splitlines()
