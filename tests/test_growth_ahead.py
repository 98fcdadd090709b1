"""A growth target past its target before its window's last day reads ahead (领先), not
met, where its figure can still fall back (a rate, a level, a net flow), as every other
key result on such a figure does: "+18% 同比" of a conversion rate read 达标 in November
though December's could take it back. A flow that only grows stays met. Judged on a real
SQLite store, and in a workspace through report and explain."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.engine.pace import Status
from okrdesk.engine.progress import Engine
from okrdesk.model import KeyResult, Observation
from okrdesk.periods import Grain, month_of, periods_between
from okrdesk.store import Store
from okrdesk.units import UNITS
from sample_workspace import OKRS, WriteWorkspace, trusted
from test_levels_ahead import NET_FLOWS, NET_PLUGIN, table_row
from test_windows import CONVERSION, FEES, NOV_20, plan_of

SPECS = {s.name: s for s in (CONVERSION, attrs.evolve(FEES, never_negative=True))}


def converting_store(path: Path) -> Store:
    """李强's conversion: 1 of 10 a month in 2025, 2 of 10 in 2026 to 20 November (and
    December collected at the year's end); his fees 10 a month in 2025, 20 in 2026."""
    store = Store.open(path / "okrdesk.db")
    months = [*periods_between(dt.date(2025, 1, 1), NOV_20, Grain.MONTH)]
    for periods, through in ((months, NOV_20), ([month_of(dt.date(2026, 12, 1))],
                                                dt.date(2026, 12, 31))):  # fmt: skip
        observations = []
        for p in periods:
            converted = 1.0 if p.start.year == 2025 else 2.0
            observations.append(Observation("conversion", "p2", p.id, None, converted, 10.0))
            observations.append(Observation("fees", "p2", p.id, 10.0 * converted))
        run = store.start_run("collect", through)
        store.replace_observations(run, {"conversion": "t", "fees": "t"}, periods,
                                   observations, through)  # fmt: skip
    return store


def growth(metric: str, window: str | None = None) -> KeyResult:
    unit = UNITS["%"] if metric == "conversion" else UNITS["元"]
    return KeyResult("O1.G", "O1", "同比 +50%", unit, None, metric, growth=Decimal("0.5"),
                     window=window)  # fmt: skip


def judged(store: Store, kr: KeyResult, day: dt.date) -> Status:
    p = Engine(plan_of(Grain.MONTH, kr), store, day, SPECS).key_result(kr, "br")
    assert p is not None and p.target.value is not None
    return p.status


def test_a_rates_growth_past_its_target_before_its_close_is_ahead(tmp_path: Path) -> None:
    with converting_store(tmp_path) as store:
        rate = growth("conversion")
        # 20% against 10% × 1.5 = 15%: past it, but December's can take it back.
        assert judged(store, rate, NOV_20) is Status.AHEAD
        assert judged(store, rate, dt.date(2026, 12, 31)) is Status.MET
        # A quarter's rate is final on the quarter's last day: ahead before, met then.
        quarter = growth("conversion", "qtd")
        assert judged(store, quarter, dt.date(2026, 9, 29)) is Status.AHEAD
        assert judged(store, quarter, dt.date(2026, 9, 30)) is Status.MET
        # Fees that only grow (declared never_negative), reached, stay reached.
        assert judged(store, growth("fees"), NOV_20) is Status.MET


GROWTH = """
[[objectives]]
id = "G"
title = "资产同比"
owner = "team-a"

[[objectives.key_results]]
id = "NNA"
title = "客户资产净增同比 +18%"
metric = "net_new_aum"
growth = "18%"
unit = "亿元"
"""

BASELINES = (
    '[[baselines]]\nmetric = "net_new_aum"\nsubject = "team-a"\nunit = "亿元"\nvalues = { '
    + ", ".join([*(f'"2025-W{w:02d}" = 0.02' for w in range(1, 53)), '"2025-W53" = 0'])
    + " }\n"
)
"""2025's net new assets of the team, typed in: 200万 a week, 1.04亿 in the year."""


def net_flows_collected(write_workspace: WriteWorkspace, key_results: str) -> Path:
    """The sample workspace with the team's net flows (NET_FLOWS, given by NET_PLUGIN)
    and ``key_results`` on them, 2025's figures typed in (BASELINES), collected through
    the year."""
    root = write_workspace({"okrs.toml": OKRS + NET_FLOWS + key_results,
                            "baselines.toml": BASELINES})  # fmt: skip
    # NET_FLOWS asks for the net new clients the plugin gives, as NET_PLUGIN is written to.
    (root / "plugins" / "net.py").write_text(NET_PLUGIN, encoding="utf-8")
    trusted(root)
    done = CliRunner().invoke(cli, ["collect", "--through", "2026-12-31", "-w", str(root)])
    assert done.exit_code == 0, done.output
    return root


def test_a_net_flows_growth_past_its_target_reads_ahead_and_explain_says_why(
    write_workspace: WriteWorkspace, plans_over: dt.date
) -> None:
    """On 8 March the team's net new assets are 2.6亿 against 1.04亿 × 1.18 = 1.2272亿:
    past it, with outflows to come (by June it has lost it all again)."""
    root = net_flows_collected(write_workspace, GROWTH)
    runner = CliRunner()
    args = ["--as-of", "2026-03-08", "--unit", "team-a", "-w", str(root)]
    for lang in ("zh", "en"):
        done = runner.invoke(cli, ["report", *args, "--format", "json", "--lang", lang])
        (nna,) = [r for o in json.loads(done.stdout)["objectives"] for r in o["key_results"]
                  if r["id"] == "G.NNA"]  # fmt: skip
        assert nna["target"] == pytest.approx(122_720_000), nna
        assert (nna["actual"], nna["status"]) == (260_000_000, "ahead"), nna
    zh = runner.invoke(cli, ["report", *args], env={"COLUMNS": "200"}).stdout
    assert "领先" in table_row(zh, "G.NNA") and "达标" not in table_row(zh, "G.NNA"), zh
    en = runner.invoke(cli, ["report", *args, "--lang", "en"], env={"COLUMNS": "200"}).stdout
    assert " ahead " in table_row(en, "G.NNA"), en
    done = runner.invoke(cli, ["explain", "G.NNA", *args, "--lang", "zh"])
    assert done.exit_code == 0, done.output
    said = done.stdout
    assert (
        "领先，尚未达标：2.6亿 已达到目标 1.23亿，但比率、存量、净流量在 2026-12-31 前仍可能退回；"
        "届时仍达到目标才算达标"
    ) in "".join(line.strip() for line in said.splitlines()), said
    said = runner.invoke(cli, ["explain", "G.NNA", *args, "--lang", "en"]).stdout
    assert (
        "ahead, not met: CNY 260m reaches its target of CNY 122.7m, but a rate, a level or a "
        "net flow can fall back short of it by 2026-12-31"
    ) in " ".join(line.strip() for line in said.splitlines()), said
    # By the plan's last day it has fallen back: missed.
    done = runner.invoke(cli, ["report", *args[2:], "--as-of", "2026-12-31", "--format", "json"])
    (nna,) = [r for o in json.loads(done.stdout)["objectives"] for r in o["key_results"]
              if r["id"] == "G.NNA"]  # fmt: skip
    assert nna["status"] == "missed", nna
