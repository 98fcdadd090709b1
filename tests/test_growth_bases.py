"""A collect reads last year's periods the plan's growth targets grow on, where the store
never held them and no [[baselines]] types them in: a workspace started this year, whose
CRM export reaches back, read only the plan's year, and its growth targets had no target
(上年有 53 个周期未采集过) though the export held last year's accounts. The demo's workspace,
a growth target added to its targets, collected by the real brokerage plugin; and the
sample workspace whose last year's plan was collected from July."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from backends import Backend
from okrdesk.cli import cli
from okrdesk.store import Store
from sample_workspace import OKRS, WriteWorkspace
from test_report import AS_OF, okrdesk
from test_windows import GROWTH_KRS, started_in_july

GROWTH = """
[[objectives]]
id = "G"
title = "同比增长"
owner = "szft"

  [[objectives.key_results]]
  id = "ACC"
  title = "新开户同比 +10%"
  metric = "new_accounts"
  growth = "10%"
  unit = "户"

  [[objectives.key_results]]
  id = "REV"
  title = "佣金收入同比 +10%"
  metric = "commission_revenue"
  growth = "10%"
  unit = "万元"

  [[objectives.key_results]]
  id = "SALES"
  title = "产品销售同比 +10%"
  metric = "product_sales"
  growth = "10%"
  unit = "万元"

[[baselines]]
metric = "product_sales"
subject = "szft"
unit = "万元"
values = { WEEKS }
""".replace("WEEKS", ", ".join(f'"2025-W{week:02d}" = 100' for week in range(1, 54)))
"""New accounts +10% on 2025's, which clients.csv holds (accounts opened back to 2020);
commission +10%, whose trades.csv holds 2025's trades after 2026's; product sales +10% on
2025's typed in."""


@pytest.fixture
def demo(copy_of_the_demo: Callable[[str], Path]) -> Path:
    root = copy_of_the_demo("growth-bases")
    (root / "targets" / "growth.toml").write_text(GROWTH, encoding="utf-8")
    return root


def key_result(root: Path, kr: str, lang: str) -> dict[str, object]:
    done = okrdesk("report", "-w", str(root), "--as-of", AS_OF, "--format", "json",
                   "--lang", lang)  # fmt: skip
    assert done.returncode == 0, done.stderr
    (found,) = [r for o in json.loads(done.stdout)["objectives"] for r in o["key_results"]
                if r["id"] == kr]  # fmt: skip
    return dict(found)


def test_a_collect_reads_last_years_periods_a_growth_target_grows_on(demo: Path) -> None:
    # Before, as the demo was built: no growth target, nothing of 2025 collected.
    assert key_result(demo, "G.ACC", "zh")["target"] is None
    with Store.open(demo / "okrdesk.db") as store:
        assert not [o for o in store.observations(metric="new_accounts") if o.observation
                    .period.startswith("2025-W")]  # fmt: skip
    done = okrdesk("collect", "-w", str(demo), "--through", AS_OF)
    assert done.returncode == 0, done.stdout + done.stderr
    # It says what it read of last year, and what the sources held of it; product sales'
    # 2025 is typed in, not collected.
    assert (
        "为增长目标和同比读取了上年 53 个周期（2025-W01 至 2025-W53）：commission_revenue 53 个"
        "周期有数字；new_accounts 52 个周期有数字。"
    ) in done.stdout, done.stdout
    with Store.open(demo / "okrdesk.db") as store:
        rows = [o for o in store.observations(metric="new_accounts")
                if o.observation.period.startswith("2025-")]  # fmt: skip
        assert len(rows) == 456 and all(o.observation.value > 0 for o in rows)
        commission = sum(
            o.observation.value
            for o in store.observations(metric="commission_revenue")
            if o.observation.period.startswith("2025-") and not o.observation.slice
        )
        assert not [o for o in store.observations(metric="product_sales")
                    if o.observation.period.startswith("2025-")]  # fmt: skip
    for lang in ("zh", "en"):
        accounts = key_result(demo, "G.ACC", lang)
        # 2025's 1,014 accounts × 1.1: a year of new accounts, not the book's few.
        assert accounts["target"] == pytest.approx(1115.4), accounts
        assert accounts["status"] == "met", accounts
        # 2025's commission × 1.1: a year of the same order as 2026's (2,166万 by 20
        # November, against 1,718万 a year before), its 同比 a growth a manager believes,
        # ahead of the 10% asked.
        revenue = key_result(demo, "G.REV", lang)
        assert revenue["target"] == pytest.approx(commission * 1.1), revenue
        assert 1.5e7 < commission < 2.2e7 and revenue["status"] == "ahead", revenue
        assert key_result(demo, "G.SALES", lang)["target"] == pytest.approx(53 * 100 * 1.1e4)
    # What it stored is not read again, nor what the source had no rows of while its
    # files are as they were: the next collect asks for nothing of last year.
    again = okrdesk("collect", "-w", str(demo), "--through", AS_OF, "--lang", "en")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "last year" not in again.stdout and "new_accounts" not in again.stdout, again.stdout


COMMISSION_NONE = (
    "Read last year's 53 periods (2025-W01 to 2025-W53) for growth targets and YoY comparisons: "
    "commission_revenue has none (its source has no rows of them: type them into "
    "[[baselines]], or once an export holds them, okrdesk collect --metric commission_revenue "
    "reads them; they are not asked again till then)."
)


def this_years_trades_only(root: Path) -> None:
    """trades.csv as an export that starts in 2026: the demo's 2025 trades left out."""
    trades = root / "data" / "crm" / "trades.csv"
    lines = trades.read_text(encoding="utf-8").splitlines(keepends=True)
    trades.write_text("".join(line for line in lines if not line.startswith("2025-")), "utf-8")


def test_a_source_with_no_rows_of_last_year_is_asked_again_only_when_named(
    demo: Path,
) -> None:
    """An export that starts in 2026: every collect asked it for 2025 again, a plugin call
    over the same files each week, to find the same nothing. The run that asked keeps
    what it found none of; a later collect asks again only where the user names the
    metric, a week's new rows or not, and explain says when it was asked."""
    this_years_trades_only(demo)
    first = okrdesk("collect", "-w", str(demo), "--through", AS_OF, "--lang", "en")
    assert COMMISSION_NONE[:-1] + "; new_accounts has" in first.stdout, first.stdout
    with Store.open(demo / "okrdesk.db") as store:
        asked = store.runs()[-1]
    # new_accounts' weeks of 2025 with no new account are among them too, never asked
    # again: the store holds weeks of 2025 on both sides of them.
    assert asked.bases is not None and set(asked.bases) == {"commission_revenue", "new_accounts"}
    assert asked.bases["commission_revenue"].periods == tuple(
        f"2025-W{week:02d}" for week in range(1, 54)
    )
    for lang, said in (
        ("en", f"last year's periods asked of its source by collect run {asked.id} "
               f"({asked.started[:10]}): it had no rows of 53 of them (2025-W01 … 2025-W53); "
               "okrdesk collect --metric commission_revenue asks again"),
        ("zh", f"第 {asked.id} 次采集（{asked.started[:10]}）向数据源读取过上年的这些周期："
               "其中 53 个没有任何行（2025-W01 … 2025-W53）；okrdesk collect --metric "
               "commission_revenue 会再读一次"),
    ):  # fmt: skip
        explained = okrdesk("explain", "G.REV", "-w", str(demo), "--as-of", AS_OF,
                            "--lang", lang)  # fmt: skip
        assert explained.returncode == 0, explained.stdout + explained.stderr
        assert "".join(said.split()) in "".join(explained.stdout.split()), explained.stdout
    again = okrdesk("collect", "-w", str(demo), "--through", AS_OF, "--lang", "en")
    assert again.returncode == 0 and "last year" not in again.stdout, again.stdout
    with Store.open(demo / "okrdesk.db") as store:
        assert store.runs()[-1].bases is None
    # Named, it is asked again.
    named = okrdesk("collect", "-w", str(demo), "--through", AS_OF, "--lang", "en",
                    "--metric", "commission_revenue")  # fmt: skip
    assert COMMISSION_NONE in named.stdout, named.stdout
    # A week's new export (one more trade this year) is no sign it reaches back now: a
    # weekly export changes every week, and asking each time found the same nothing.
    trades = demo / "data" / "crm" / "trades.csv"
    with trades.open("a", encoding="utf-8") as file:
        file.write("2026-11-19,C0000017,1000.00,5.00\n")
    changed = okrdesk("collect", "-w", str(demo), "--through", AS_OF, "--lang", "en")
    assert changed.returncode == 0, changed.stdout + changed.stderr
    assert "last year" not in changed.stdout, changed.stdout


COMPARED = """
[[objectives]]
id = "Y"
title = "同比"
owner = "szft"

  [[objectives.key_results]]
  id = "ACC"
  title = "新开户"
  metric = "new_accounts"
  target = 1500
  unit = "户"
  window = "ytd"
  compare = ["last_year"]
"""
"""New accounts compared with 2025's (同比), no growth target; clients.csv holds 2025's."""


def test_a_collect_reads_last_years_periods_a_comparison_with_last_year_shows(
    copy_of_the_demo: Callable[[str], Path],
) -> None:
    """A key result with compare = ["last_year"] read 无上年同期数据 unless last year's
    figures were typed in, though the export held them: a collect reads them for it as
    for a growth target, and the report shows the comparison, in either language."""
    root = copy_of_the_demo("compared")
    (root / "targets" / "compared.toml").write_text(COMPARED, encoding="utf-8")
    done = okrdesk("collect", "-w", str(root), "--through", AS_OF)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "为增长目标和同比读取了上年 53 个周期（2025-W01 至 2025-W53）："
        "new_accounts 52 个周期有数字。"
    ) in done.stdout, done.stdout
    with Store.open(root / "okrdesk.db") as store:
        then = sum(o.observation.value for o in store.observations(metric="new_accounts")
                   if "2025-W01" <= o.observation.period <= "2025-W47")  # fmt: skip
    (compared,) = key_result(root, "Y.ACC", "en")["window"]["comparisons"]  # type: ignore[index]
    assert compared["earlier"] == then > 0 and compared["change"] is not None, compared
    for lang, said in (("zh", "同比 +"), ("zh", f"（上年同期 {then:.0f}户"),
                       ("en", "YoY +"), ("en", f"(a year before {then:.0f}")):  # fmt: skip
        shown = okrdesk("report", "-w", str(root), "--as-of", AS_OF, "--lang", lang,
                        env={"COLUMNS": "200"})  # fmt: skip
        assert said in shown.stdout, shown.stdout


def test_explain_names_the_rows_a_growth_target_grows_on(demo: Path) -> None:
    done = okrdesk("collect", "-w", str(demo), "--through", AS_OF)
    assert done.returncode == 0, done.stdout + done.stderr

    def explained(*args: str) -> str:
        done = okrdesk("explain", "G.ACC", "-w", str(demo), "--as-of", AS_OF, *args)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    said = explained()
    assert (
        "目标 1,115户 = 去年 1,014户 × (1 + 10%)；2025-W01 … 2025-W53：53 个周期中 52 个有数字"
        in said
    )
    # The figure grown on, from the collect that read it, by member, as the figure's own.
    assert "增长所依据的去年数字：456 条观测值，来自第 2 次采集，按成员合计：" in said, said
    assert "机构业务部     87户      67" in said, said
    # How to see one member's rows is said once, under the figure's table, not again
    # under the base's: the command it names explains both.
    assert said.count("逐条观测值：okrdesk explain G.ACC --unit") == 1, said
    # One person's, row by row, with the export's rows they were read from.
    said = explained("--person", "liuyang")
    assert "增长所依据的去年数字：52 条观测值，来自第 2 次采集：" in said, said
    assert "2025-W06  刘洋   2户     2  clients.csv 第 17、53 行" in said, said
    said = explained("--person", "liuyang", "--lang", "en")
    assert "last year's figure it grows on: 52 observations, from run 2:" in said, said


def test_a_collect_fills_last_years_periods_never_held_and_reads_none_stored_again(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Last year's plan was collected from July, and its source then held nothing before
    it: no growth target. Once the source reaches back (an export of the whole year), a
    collect naming the metric reads 2025-W01 to W26 alone; the weeks from July, stored by
    last year's collect, are not read again, and the year's target is set on all 53."""
    root = started_in_july(write_workspace, monkeypatch)
    monkeypatch.delenv("OKRDESK_TEST_FROM")
    # A new export: this year's rows come back from other lines of it, the same figures.
    monkeypatch.setenv("OKRDESK_TEST_CITE", " (the whole year's export)")
    runner = CliRunner()
    done = runner.invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(root),
                               "--lang", "en", "--metric", "fee_revenue"])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert (
        "Read last year's 26 periods (2025-W01 to 2025-W26) for growth targets and YoY "
        "comparisons: fee_revenue has figures in 26 periods."
    ) in done.output, done.output
    with Store.open(root / "okrdesk.db") as store:
        runs = {o.observation.period: o.run_id for o in store.observations(metric="fee_revenue")}
    assert {runs["2025-W01"], runs["2025-W26"]} == {3} and runs["2025-W27"] == 1
    shown = runner.invoke(cli, ["report", "--as-of", "2026-03-15", "-w", str(root),
                                "--format", "json"])  # fmt: skip
    (fees,) = [r for o in json.loads(shown.output)["objectives"] for r in o["key_results"]
               if r["id"] == "O1.FEES"]  # fmt: skip
    # 3万 a week of the team's two people, 53 weeks, grown 18%.
    assert fees["target"] == pytest.approx(53 * 30_000 * 1.18), fees


def test_the_demo_built_with_a_growth_target_reads_its_base_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample targets with a growth target among them, built into a demo: its
    collect reads 2025's accounts from the CRM files the brokerage plugin generated, and
    the demo says what it read, as a collect does."""
    from okrdesk.app import demo
    from okrdesk.resources import shipped

    targets = tmp_path / "sample_targets"
    shutil.copytree(shipped("sample_targets"), targets)
    (targets / "growth.toml").write_text(GROWTH, encoding="utf-8")
    monkeypatch.setattr(demo, "shipped", lambda name: targets)
    monkeypatch.delattr(sys, "_called_from_test")  # the installed brokerage plugin, as made
    monkeypatch.setenv("OKRDESK_LOAD_PLUGINS", "brokerage")
    said = demo.build_demo(tmp_path / "demo", dt.date.fromisoformat(AS_OF), "en")
    assert (
        "Read last year's 53 periods (2025-W01 to 2025-W53) for growth targets and YoY "
        "comparisons: commission_revenue has figures in 53 periods; new_accounts has figures "
        "in 52 periods."
    ) in said, said
    assert key_result(tmp_path / "demo", "G.ACC", "en")["target"] == pytest.approx(1115.4)


def test_a_collect_reads_the_bases_into_either_store(backend: Backend) -> None:
    """A workspace started this year, its source reaching back: its collect stores 2025's
    fees, and the growth target is set on them, on SQLite and PostgreSQL alike."""
    root = backend.workspace({"okrs.toml": OKRS + GROWTH_KRS})
    runner = CliRunner()
    done = runner.invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(root)])
    assert done.exit_code == 0, done.output
    assert "fee_revenue 53 个周期有数字" in done.output, done.output
    shown = runner.invoke(cli, ["report", "--as-of", "2026-03-15", "-w", str(root),
                                "--format", "json"])  # fmt: skip
    (fees,) = [r for o in json.loads(shown.output)["objectives"] for r in o["key_results"]
               if r["id"] == "O1.FEES"]  # fmt: skip
    assert fees["target"] == pytest.approx(53 * 30_000 * 1.18), fees
    again = runner.invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(root)])
    assert again.exit_code == 0 and "上年" not in again.output, again.output


def test_a_plugin_failing_on_last_years_periods_fails_no_collect(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading a growth target's base is a collect's extra: a source that fails on last
    year's periods (a warehouse keeping one year) leaves this year's figures whole and the
    run sound, its failure a warning the base's line points to; the report's growth target
    says what it lacks, as before the collect read bases at all."""
    monkeypatch.setenv("OKRDESK_TEST_FAILS_BEFORE", "2026-01-01")
    root = write_workspace({"okrs.toml": OKRS + GROWTH_KRS})
    runner = CliRunner()
    for lang, said in (
        ("en", "fee_revenue's plugin failed on them (the warning says how; this year's "
               "figures are collected all the same); new_hnw_clients's plugin failed"),
        ("zh", "fee_revenue 的插件读取这些周期时出错（原因见警告；本年的数字照常采集）；"
               "new_hnw_clients 的插件"),
    ):  # fmt: skip
        done = runner.invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(root),
                                   "--lang", lang])  # fmt: skip
        assert done.exit_code == 0, done.output
        shown = " ".join(done.output.split())
        assert said in shown, done.output
        assert "the warehouse keeps no rows before 2026-01-01" in done.output
    with Store.open(root / "okrdesk.db") as store:
        (last,) = store.runs()[-1:]
        stored = {o.observation.period for o in store.observations(metric="fee_revenue")}
    assert last.status == "ok" and not last.errors, last
    assert "2026-W11" in stored and not any(p.startswith("2025") for p in stored)


def test_a_collect_that_asks_nothing_again_counts_no_step_for_it(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The progress bar is told the plugin calls a collect makes: the one for last year's
    periods a source had no rows of is counted while it is to be made, and taken off
    once the collect finds it need not be (this year's rows as they were)."""
    from okrdesk.app.collect import run_collect
    from okrdesk.app.session import open_session
    from test_collect_jobs import Recorded

    monkeypatch.setenv("OKRDESK_TEST_FROM", "2026-01-01")  # a source of this year alone
    root = write_workspace({"okrs.toml": OKRS + GROWTH_KRS})
    for starts in ([("start", "2")], [("start", "2"), ("start", "1")]):
        recorded = Recorded()
        run_collect(open_session(str(root)), dt.date(2026, 3, 15), progress=recorded)
        assert [e for e in recorded.events if e[0] == "start"] == starts, recorded.events
        finished = [e for e in recorded.events if e[0] == "finished"]
        assert len(finished) == int(starts[-1][1]), recorded.events
        assert recorded.bar.text.endswith(f" {len(finished)}/{len(finished)}"), recorded.bar.text
