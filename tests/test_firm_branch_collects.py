"""A firm's branches on one PostgreSQL store, each working from its own workspace
(deployment.md): one branch's collect stores its own people's figures and leaves every
other branch's as they are (it deleted them, as figures 'no longer reported'); one
branch's history neither lists nor withdraws another branch's check-ins."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.store import Store
from sample_workspace import BASE_FILES, OKRS, ORG, PLAN, WriteWorkspace, trusted

THROUGH = "2026-03-15"


def second_branch(text: str) -> str:
    """The sample branch's file, as the firm's other branch writes it: its own ids."""
    for old, new in (('"branch"', '"b2"'), ('"team-a"', '"b2-a"'), ("cm0", "b2-cm0"),
                     ('"plan-2026"', '"b2-2026"')):  # fmt: skip
        text = text.replace(old, new)
    return text


CHECKED_IN = (
    OKRS
    + """
[[objectives.key_results]]
id = "REV"
title = "营业收入"
target = 5.5
unit = "亿元"
"""
)


def branch_workspace(write: WriteWorkspace, root: Path, url: str, *, other: bool) -> Path:
    files = {**BASE_FILES, "okrs.toml": CHECKED_IN}
    write({n: second_branch(t) for n, t in files.items()} if other else files, root=root)
    (root / "okrdesk.toml").write_text(f'[workspace]\ndatabase = "{url}"\n', encoding="utf-8")
    return trusted(root)


def collect(root: Path, bonus: int = 0) -> str:
    env = {"OKRDESK_LOAD_PLUGINS": "test_metrics", "OKRDESK_TEST_BONUS": str(bonus)}
    done = CliRunner().invoke(
        cli, ["collect", "--through", THROUGH, "-w", str(root), "--lang", "en"], env=env
    )
    assert done.exit_code == 0, done.output
    return done.output


def figures(url: str, people: tuple[str, ...]) -> dict[tuple[str, str, str], float]:
    with Store.open(url) as store:
        return {
            (str(metric), str(subject), str(period)): float(value)
            for metric, subject, period, value in store.query(
                "SELECT metric, subject, period, coalesce(value, numerator) FROM observations"
            )
            if subject in people
        }


@pytest.mark.skipif(os.name == "nt", reason="the test server runs on a Unix socket")
def test_a_branch_collect_leaves_the_other_branches_figures(
    tmp_path: Path, write_workspace: WriteWorkspace, postgres_url: str
) -> None:
    futian = branch_workspace(write_workspace, tmp_path / "futian", postgres_url, other=False)
    tianhe = branch_workspace(write_workspace, tmp_path / "tianhe", postgres_url, other=True)

    collect(futian)
    futian_figures = figures(postgres_url, ("cm01", "cm02"))
    assert futian_figures

    said = collect(tianhe)
    assert "deleted" not in said and "no longer" not in said, said
    assert figures(postgres_url, ("cm01", "cm02")) == futian_figures
    tianhe_figures = figures(postgres_url, ("b2-cm01", "b2-cm02"))
    assert len(tianhe_figures) == len(futian_figures)

    # Every figure of the branch other now: its whole periods rewritten, its own alone.
    assert "deleted" not in collect(tianhe, bonus=5)
    assert figures(postgres_url, ("cm01", "cm02")) == futian_figures
    assert figures(postgres_url, ("b2-cm01", "b2-cm02")) != tianhe_figures

    # And the first branch, collecting again, finds its figures as it left them.
    assert "None new or changed since the last collect." in collect(futian)
    assert len(figures(postgres_url, ("b2-cm01", "b2-cm02"))) == len(tianhe_figures)


def branches_of_the_same_ids(write_workspace: WriteWorkspace, tmp_path: Path) -> tuple[Path, Path]:
    """福田 and 天河 on one SQLite store, each naming its customer managers cm01 and cm02."""
    store = str(tmp_path / "firm.db")
    futian = branch_workspace(write_workspace, tmp_path / "futian", store, other=False)
    files = {**BASE_FILES, "okrs.toml": CHECKED_IN}
    same_people = {n: second_branch(t).replace("b2-cm0", "cm0") for n, t in files.items()}
    tianhe = write_workspace(same_people, root=tmp_path / "tianhe")
    (tianhe / "okrdesk.toml").write_text(f'[workspace]\ndatabase = "{store}"\n', encoding="utf-8")
    return futian, trusted(tianhe)


def test_a_branch_whose_people_have_another_branchs_ids_is_told_whose_figures_it_replaced(
    tmp_path: Path, write_workspace: WriteWorkspace
) -> None:
    """Two branches sharing a store, each writing its customer managers cm01 and cm02:
    天河's collect replaced 福田's figures of them with its own and said only "revised",
    and 福田's report showed 天河's numbers until 福田 collected again, then the other way
    round, every week. It is told (a unit id changed before move-unit looks the same)."""
    futian, tianhe = branches_of_the_same_ids(write_workspace, tmp_path)
    assert "warning" not in collect(futian)

    env = {"OKRDESK_LOAD_PLUGINS": "test_metrics", "OKRDESK_TEST_BONUS": "5"}
    for lang, said in (
        ("en", "warning: cm01, cm02 are people of this plan and of branch's too, whose collect "
         "(run 1, through 2026-03-15) stored their figures: this collect replaced branch's "
         "figures of them with this plan's, and branch's report shows these until it "
         "collects again. Branches sharing a store need ids of their own across the firm"),
        ("zh", "警告：cm01、cm02 是本计划的人员，也是 branch 的计划的人员，其采集（第 1 次，截至 "
         "2026-03-15）存入了他们的数字：本次采集已用本计划的数字替换了 branch 的这些数字"),
    ):  # fmt: skip
        done = CliRunner().invoke(
            cli, ["collect", "--through", THROUGH, "-w", str(tianhe), "--lang", lang], env=env
        )
        assert done.exit_code == 0, done.output
        assert said in done.stderr, done.stderr
        assert "move-unit branch" in done.stderr
    # 福田, whose people they were first, is told of 天河's in turn, collecting again.
    assert "and of b2's too" in collect(futian)


def okrdesk(root: Path, *args: str, code: int = 0) -> str:
    done = CliRunner().invoke(cli, [*args, "-w", str(root)])
    assert done.exit_code == code, done.output
    assert "Traceback" not in done.output
    return done.output


@pytest.mark.skipif(os.name == "nt", reason="the test server runs on a Unix socket")
def test_a_branch_neither_lists_nor_withdraws_another_branchs_checkins(
    tmp_path: Path, write_workspace: WriteWorkspace, postgres_url: str
) -> None:
    futian = branch_workspace(write_workspace, tmp_path / "futian", postgres_url, other=False)
    tianhe = branch_workspace(write_workspace, tmp_path / "tianhe", postgres_url, other=True)
    okrdesk(tianhe, "checkin", "O1.REV", "4.2亿", "--by", "王芳", "--date", "2026-03-02")
    okrdesk(futian, "checkin", "O1.REV", "3.9亿", "--by", "王芳", "--date", "2026-03-03")

    listed = okrdesk(futian, "history", "O1.REV", "--lang", "en")
    assert "CNY 390m  branch" in listed and "420m" not in listed and "b2" not in listed
    assert "4.2亿" in okrdesk(tianhe, "checkin", "--list", "O1.REV", "--lang", "zh")

    refused = okrdesk(futian, "checkin", "--withdraw", "1", "--reason", "录错了", "--by",
                      "王芳", "--lang", "en", code=2)  # fmt: skip
    assert "check-in 1 is for b2, who is not in this plan" in refused
    assert "Nothing was changed." in refused
    chinese = okrdesk(futian, "checkin", "--withdraw", "1", "--reason", "录错了", "--by",
                      "王芳", "--lang", "zh", code=2)  # fmt: skip
    assert "编号 1 的打卡是 b2 的，b2 不在本计划中" in chinese
    with Store.open(postgres_url) as store:
        assert [c.withdrawn for c in store.checkins("O1.REV", withdrawn=True)] == [None, None]
    okrdesk(futian, "checkin", "--withdraw", "2", "--reason", "录错了", "--by", "王芳")


@pytest.mark.skipif(os.name == "nt", reason="the test server runs on a Unix socket")
def test_a_branchs_ledger_is_its_own(
    tmp_path: Path, write_workspace: WriteWorkspace, postgres_url: str
) -> None:
    """Both branches have a `training` line of 519万: 福田's 500万 neither counts in
    天河's nor trips its breaker, and 天河 neither lists nor reverses it."""
    futian = branch_workspace(write_workspace, tmp_path / "futian", postgres_url, other=False)
    tianhe = branch_workspace(write_workspace, tmp_path / "tianhe", postgres_url, other=True)
    spend = ("spend", "add", "training", "500", "--date", "2026-03-02", "--lang", "en")
    okrdesk(futian, *spend, "--signed-by", "cm01")
    said = okrdesk(tianhe, *spend, "--signed-by", "b2-cm01")
    assert "Spent so far CNY 5,000k of CNY 5,190k. Ledger entry 2." in said

    for root, entry in ((futian, "1"), (tianhe, "2")):
        report = okrdesk(root, "report", "--as-of", THROUGH, "--format", "json")
        lines = {line["id"]: line for line in json.loads(report)["budget"]["lines"]}
        assert lines["training"]["spent"] == 5_000_000
        listed = okrdesk(root, "spend", "list", "--lang", "en").splitlines()
        assert [row.split()[0] for row in listed[1:-2]] == [entry]
        other = "b2" if root == futian else "branch"
        assert listed[-1].startswith(f"Not listed: 1 entry recorded by another plan sharing "
                                     f"this store (unit {other})")  # fmt: skip

    refused = okrdesk(tianhe, "spend", "reverse", "1", "--reason", "not ours", "--signed-by",
                      "b2-cm01", "--lang", "en", code=2)  # fmt: skip
    assert "entry 1 was recorded by the plan of unit branch, which shares this store" in " ".join(
        refused.split()
    )
    exported = json.loads(okrdesk(futian, "export"))
    assert [(row["id"], row["plan_unit"]) for row in exported["spend"]] == [
        (1, "branch"), (2, "b2")
    ]  # fmt: skip


@pytest.mark.skipif(os.name == "nt", reason="the test server runs on a Unix socket")
def test_a_branch_is_told_of_its_own_collects_alone(
    tmp_path: Path, write_workspace: WriteWorkspace, postgres_url: str
) -> None:
    """天河's collect ends with a plugin's warning: 天河's check tells it, 福田's (whose
    collect ran clean before it) does not; the export names each run's plan unit."""
    futian = branch_workspace(write_workspace, tmp_path / "futian", postgres_url, other=False)
    tianhe = branch_workspace(write_workspace, tmp_path / "tianhe", postgres_url, other=True)
    collect(futian)
    env = {"OKRDESK_LOAD_PLUGINS": "test_metrics", "OKRDESK_TEST_WARN": "3 rows of b2 skipped"}
    done = CliRunner().invoke(cli, ["collect", "--through", THROUGH, "-w", str(tianhe)], env=env)
    assert done.exit_code == 0, done.output

    def check(root: Path) -> str:
        args = ["check", "--as-of", THROUGH, "--lang", "en", "-w", str(root)]
        return CliRunner().invoke(cli, args, env={"OKRDESK_LOAD_PLUGINS": "test_metrics"}).output

    assert "3 rows of b2 skipped" in check(tianhe)
    assert "3 rows of b2 skipped" not in check(futian)
    exported = json.loads(okrdesk(futian, "export"))
    assert [(run["id"], run["plan_unit"]) for run in exported["runs"]] == [(1, "branch"), (2, "b2")]


@pytest.mark.skipif(os.name == "nt", reason="the test server runs on a Unix socket")
def test_a_branch_behind_another_reads_how_far_its_own_collects_reached(
    tmp_path: Path, write_workspace: WriteWorkspace, postgres_url: str
) -> None:
    """天河 collected through 1 March, 福田 through 15 March: 天河's report as of 15 March
    read 福田's day for its own and its missing weeks as none (27 new clients against
    66 due, "off track", no word of old figures), where alone it judges its figures of
    1 March on their day and says they are old."""
    futian = branch_workspace(write_workspace, tmp_path / "futian", postgres_url, other=False)
    tianhe = branch_workspace(write_workspace, tmp_path / "tianhe", postgres_url, other=True)
    env = {"OKRDESK_LOAD_PLUGINS": "test_metrics"}
    for root, through in ((tianhe, "2026-03-01"), (futian, THROUGH)):
        done = CliRunner().invoke(cli, ["collect", "--through", through, "-w", str(root)], env=env)
        assert done.exit_code == 0, done.output

    def key_result(root: Path) -> dict[str, object]:
        args = ["report", "--as-of", THROUGH, "--format", "json", "-w", str(root)]
        report = json.loads(CliRunner().invoke(cli, args, env=env).output)
        return dict(report["objectives"][0]["key_results"][0])

    behind, ahead = key_result(tianhe), key_result(futian)
    assert (behind["actual"], behind["old_figure"]) == (27, "2026-03-01")
    assert (ahead["actual"], ahead["old_figure"]) == (33, None)
    told = CliRunner().invoke(cli, ["check", "--as-of", THROUGH, "--lang", "en", "-w",
                                    str(tianhe)], env=env).output  # fmt: skip
    assert "latest numbers end 2026-03-01" in told


def firm_workspace(write: WriteWorkspace, root: Path, url: str) -> Path:
    """The head office's workspace: a firm unit over 福田 and 天河, their teams and people."""
    firm_unit = '[[units]]\nid = "firm"\nname = "华南证券"\nlevel = "firm"\n\n'
    under_firm = 'level = "branch"\nparent = "firm"\n'
    org = firm_unit + "\n".join(
        text.replace('level = "branch"\n', under_firm, 1).replace('level = "b2"\n', under_firm)
        for text in (ORG, second_branch(ORG).replace("福田营业部", "天河营业部"))
    )
    plan = PLAN.replace('"plan-2026"', '"firm-2026"').replace('unit = "branch"', 'unit = "firm"')
    write({"org.toml": org, "plan.toml": plan}, root=root)
    (root / "okrdesk.toml").write_text(f'[workspace]\ndatabase = "{url}"\n', encoding="utf-8")
    return trusted(root)


FIRM_HNW_GOAL = '[[objectives]]\nid = "F1"\ntitle = "全公司"\nowner = "firm"\n\n' + (
    '[[objectives.key_results]]\nid = "HNW"\ntitle = "新增高净值客户"\n'
    'metric = "new_hnw_clients"\ntarget = 720\nunit = "户"\n'
)
"""The firm's own key result over both branches' new HNW clients."""


def with_firm_goal(firm: Path) -> Path:
    """``firm`` with ``FIRM_HNW_GOAL`` as targets/firm.toml, trusted again."""
    (firm / "targets" / "firm.toml").write_text(FIRM_HNW_GOAL, encoding="utf-8")
    return trusted(firm)


@pytest.mark.skipif(os.name == "nt", reason="the test server runs on a Unix socket")
def test_a_branch_reads_the_figures_a_firm_collect_stored_for_it(
    tmp_path: Path, write_workspace: WriteWorkspace, postgres_url: str
) -> None:
    """天河 collected through 1 March; the head office's collect, for every branch, stored
    天河's figures through 15 March. 天河's check read how far its metrics were collected
    from its own collects' rows alone, found none, and told both metrics as read and found
    with no rows (beside its key results' figures of those very rows)."""
    tianhe = branch_workspace(write_workspace, tmp_path / "tianhe", postgres_url, other=True)
    firm = firm_workspace(write_workspace, tmp_path / "firm", postgres_url)
    env = {"OKRDESK_LOAD_PLUGINS": "test_metrics"}
    for root, through in ((tianhe, "2026-03-01"), (firm, THROUGH)):
        done = CliRunner().invoke(cli, ["collect", "--through", through, "-w", str(root)], env=env)
        assert done.exit_code == 0, done.output

    told = CliRunner().invoke(cli, ["check", "--as-of", THROUGH, "--lang", "en", "-w",
                                    str(tianhe)], env=env).output  # fmt: skip
    assert "found no rows" not in told and "latest numbers end" not in told, told
    args = ["report", "--as-of", THROUGH, "--format", "json", "-w", str(tianhe)]
    report = json.loads(CliRunner().invoke(cli, args, env=env).output)
    key_result = report["objectives"][0]["key_results"][0]
    assert (key_result["actual"], key_result["old_figure"]) == (77, None)
    # Nor is 天河 told behind in the head office's check: its own collect reached 1 March,
    # the firm's, which stored its figures too, 15 March.
    told = CliRunner().invoke(cli, ["check", "--as-of", THROUGH, "--lang", "en", "-w",
                                    str(firm)], env=env).output  # fmt: skip
    assert "collected only through" not in told and "latest numbers end" not in told, told


@pytest.mark.skipif(os.name == "nt", reason="the test server runs on a Unix socket")
def test_a_branch_behind_after_the_upgrade_is_not_read_by_the_older_collects(
    tmp_path: Path, write_workspace: WriteWorkspace, postgres_url: str
) -> None:
    """The two branches' collects of a store older than schema 23 keep no plan: 福田's,
    through 15 March, was read as how far 天河's metrics were collected, and 天河, behind
    at 1 March and collecting again after the upgrade, was judged as of 15 March (27 new
    clients against 66 due, off track, no word of old figures)."""
    futian = branch_workspace(write_workspace, tmp_path / "futian", postgres_url, other=False)
    tianhe = branch_workspace(write_workspace, tmp_path / "tianhe", postgres_url, other=True)
    env = {"OKRDESK_LOAD_PLUGINS": "test_metrics"}

    def collect_through(root: Path, through: str) -> None:
        done = CliRunner().invoke(cli, ["collect", "--through", through, "-w", str(root)], env=env)
        assert done.exit_code == 0, done.output

    for root, through in ((tianhe, "2026-03-01"), (futian, THROUGH)):
        collect_through(root, through)
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("UPDATE runs SET plan_unit = ''")  # as the upgrade to 23 left them
    for root, through in ((tianhe, "2026-03-01"), (futian, THROUGH)):
        collect_through(root, through)

    args = ["report", "--as-of", THROUGH, "--format", "json", "-w", str(tianhe)]
    report = json.loads(CliRunner().invoke(cli, args, env=env).output)
    key_result = report["objectives"][0]["key_results"][0]
    assert (key_result["actual"], key_result["old_figure"]) == (27, "2026-03-01")


@pytest.mark.skipif(os.name == "nt", reason="the test server runs on a Unix socket")
def test_the_head_office_is_told_of_each_branchs_collect(
    tmp_path: Path, write_workspace: WriteWorkspace, postgres_url: str
) -> None:
    """天河's collect warned; 福田 collected after it, clean. The head office's check read
    every branch's collects as one list: 福田's later collect of the same metric settled
    天河's warning, which the firm no longer saw (天河's own check still told it); and
    the line, when told, did not say whose collect it was."""
    futian = branch_workspace(write_workspace, tmp_path / "futian", postgres_url, other=False)
    tianhe = branch_workspace(write_workspace, tmp_path / "tianhe", postgres_url, other=True)
    firm = firm_workspace(write_workspace, tmp_path / "firm", postgres_url)
    env = {"OKRDESK_LOAD_PLUGINS": "test_metrics"}
    warn = {**env, "OKRDESK_TEST_WARN": "3 rows skipped"}
    for root, environment in ((tianhe, warn), (futian, env)):
        done = CliRunner().invoke(cli, ["collect", "--through", THROUGH, "-w", str(root)],
                                  env=environment)  # fmt: skip
        assert done.exit_code == 0, done.output

    def check(root: Path, lang: str) -> str:
        args = ["check", "--as-of", THROUGH, "--lang", lang, "-w", str(root)]
        return CliRunner().invoke(cli, args, env=env).output

    assert "collect run 1 (" in check(tianhe, "en")
    assert "天河营业部" not in check(tianhe, "zh")
    assert "3 rows skipped" not in check(futian, "en")
    told = check(firm, "en")
    assert "collect run 1 (" in told and "天河营业部) warned: " in told, told
    assert "天河营业部）提示：" in check(firm, "zh")

    # Its check of 福田 alone is not told of 天河's collects; of 天河 alone, it is.
    def check_of(unit: str) -> str:
        args = ["check", "--as-of", THROUGH, "--unit", unit, "--lang", "en", "-w", str(firm)]
        return CliRunner().invoke(cli, args, env=env).output

    assert "warned" not in check_of("branch") and "天河" not in check_of("branch")
    assert "天河营业部) warned: " in check_of("b2")


@pytest.mark.skipif(os.name == "nt", reason="the test server runs on a Unix socket")
def test_the_head_office_is_told_which_branch_is_behind(
    tmp_path: Path, write_workspace: WriteWorkspace, postgres_url: str
) -> None:
    """天河 collected through 1 March, 福田 through 15 March. The head office's figures
    reach 15 March, and its check and report said nothing of 天河's two weeks missing from
    them: the firm read as behind its pace, not as waiting for a branch's collect. Each
    now names the branch and the day its collects reached; 福田's report, unit by unit,
    says nothing of it, and neither does the firm's once 天河 catches up."""
    futian = branch_workspace(write_workspace, tmp_path / "futian", postgres_url, other=False)
    tianhe = branch_workspace(write_workspace, tmp_path / "tianhe", postgres_url, other=True)
    firm = firm_workspace(write_workspace, tmp_path / "firm", postgres_url)
    env = {"OKRDESK_LOAD_PLUGINS": "test_metrics"}

    def collect_through(root: Path, through: str) -> None:
        done = CliRunner().invoke(cli, ["collect", "--through", through, "-w", str(root)], env=env)
        assert done.exit_code == 0, done.output

    def run(root: Path, *args: str) -> str:
        done = CliRunner().invoke(cli, [*args, "--as-of", THROUGH, "-w", str(root)], env=env)
        assert "Traceback" not in done.output, done.output
        return done.output

    collect_through(tianhe, "2026-03-01")
    collect_through(futian, THROUGH)
    said = {
        "en": "天河营业部: 2 metrics collected only through 2026-03-01 (weekly), behind the "
              "plan's other units: complaint_rate, new_hnw_clients",
        "zh": "天河营业部：2 项指标的数据仅采集至 2026-03-01（按周），落后于其他单位：",
    }  # fmt: skip
    for lang, words in said.items():
        assert words in run(firm, "check", "--lang", lang), lang
        assert words in run(firm, "report", "--lang", lang, "--format", "md"), lang
    assert "天河营业部" in run(firm, "report", "--unit", "b2", "--lang", "en")
    # For a monitoring system, about the branch, counting its metrics.
    (behind,) = [a for a in json.loads(run(firm, "check", "--format", "json"))["alerts"]
                 if a["kind"] == "stale"]  # fmt: skip
    assert (behind["subject"], behind["subjects"]) == ("b2", ["complaint_rate", "new_hnw_clients"])
    assert "天河营业部" not in run(firm, "report", "--unit", "branch", "--lang", "en")
    assert "latest numbers end 2026-03-01" in run(tianhe, "check", "--lang", "en")

    collect_through(tianhe, THROUGH)
    assert "collected only through" not in run(firm, "check", "--lang", "en")


@pytest.mark.skipif(os.name == "nt", reason="the test server runs on a Unix socket")
def test_the_head_office_is_told_whose_collect_has_not_finished(
    tmp_path: Path, write_workspace: WriteWorkspace, postgres_url: str
) -> None:
    """天河's collect is still running: the head office's check said "collect run 3 (started
    …) is still running" and not whose, where its failures and warnings name the branch."""
    futian = branch_workspace(write_workspace, tmp_path / "futian", postgres_url, other=False)
    tianhe = branch_workspace(write_workspace, tmp_path / "tianhe", postgres_url, other=True)
    firm = firm_workspace(write_workspace, tmp_path / "firm", postgres_url)
    for root in (futian, tianhe):
        collect(root)
    with Store.open(postgres_url) as store:
        running = store.start_run("collect", None, plan_unit="b2")

    def check(root: Path, lang: str) -> str:
        args = ["check", "--as-of", THROUGH, "--lang", lang, "-w", str(root)]
        return CliRunner().invoke(cli, args, env={"OKRDESK_LOAD_PLUGINS": "test_metrics"}).output

    assert f"collect run {running} of 天河营业部 (started " in check(firm, "en")
    assert f"天河营业部的第 {running} 次采集（" in check(firm, "zh")
    assert f"collect run {running} (started " in check(tianhe, "en")
    assert "is still running" not in check(futian, "en")


@pytest.mark.skipif(os.name == "nt", reason="the test server runs on a Unix socket")
def test_the_head_offices_key_result_says_a_branchs_collect_did_not_get_its_metric(
    tmp_path: Path, write_workspace: WriteWorkspace, postgres_url: str
) -> None:
    """天河's collect could not read new HNW clients; 福田 collected it after, clean. The
    firm's key result, which adds up 天河's figures too, read 福田's collect as the latest
    to ask for it and said nothing of 天河's older figures; it now says whose collect it
    was, as the firm's check does."""
    futian = branch_workspace(write_workspace, tmp_path / "futian", postgres_url, other=False)
    tianhe = branch_workspace(write_workspace, tmp_path / "tianhe", postgres_url, other=True)
    firm = firm_workspace(write_workspace, tmp_path / "firm", postgres_url)
    with_firm_goal(firm)
    env = {"OKRDESK_LOAD_PLUGINS": "test_metrics"}
    collect(tianhe)
    failing = {**env, "OKRDESK_TEST_FAIL": "new_hnw_clients"}
    for root, environment in ((tianhe, failing), (futian, env)):
        done = CliRunner().invoke(cli, ["collect", "--through", THROUGH, "-w", str(root)],
                                  env=environment)  # fmt: skip
        assert done.exit_code != 0 or root == futian, done.output

    def report(root: Path, *args: str) -> str:
        done = CliRunner().invoke(cli, ["report", "--as-of", THROUGH, "-w", str(root), *args],
                                  env=env)  # fmt: skip
        return done.output

    results = {
        kr["id"]: kr
        for objective in json.loads(report(firm, "--format", "json"))["objectives"]
        for kr in objective["key_results"]
    }
    assert results["F1.HNW"]["not_collected"]["run"] == 2
    assert results["F1.HNW"]["not_collected"]["unit"] == "天河营业部"
    futians = json.loads(report(firm, "--unit", "branch", "--format", "json"))["objectives"]
    assert "not_collected" not in futians[0]["key_results"][0]  # 天河's figures are not in it
    said = {"zh": "⚠ 第 2 次采集（2026-", "en": "⚠ Not collected by run 2 (2026-"}
    for lang, then in (("zh", "，天河营业部）未取得此指标：数字为此前采集所得"),
                       ("en", ", 天河营业部): figures from an earlier run")):  # fmt: skip
        shown = report(firm, "--lang", lang, "--format", "md")
        assert said[lang] in shown and then in shown and shown.count(then) == 1, shown
    assert "Not collected by run" not in report(futian, "--lang", "en", "--format", "md")


@pytest.mark.skipif(os.name == "nt", reason="the test server runs on a Unix socket")
def test_the_head_offices_collect_for_every_branch_settles_a_branchs_failure(
    tmp_path: Path, write_workspace: WriteWorkspace, postgres_url: str
) -> None:
    """天河's collect could not read new HNW clients; the head office's collect, for every
    branch, read them all after it: told apart from the firm's, 天河's failure stood in the
    firm's check, as though its figures were still the older ones."""
    tianhe = branch_workspace(write_workspace, tmp_path / "tianhe", postgres_url, other=True)
    firm = firm_workspace(write_workspace, tmp_path / "firm", postgres_url)
    env = {"OKRDESK_LOAD_PLUGINS": "test_metrics"}
    failing = {**env, "OKRDESK_TEST_FAIL": "new_hnw_clients"}

    def check(root: Path) -> str:
        args = ["check", "--as-of", THROUGH, "--lang", "en", "-w", str(root)]
        return CliRunner().invoke(cli, args, env=env).output

    for root, environment in ((tianhe, failing), (firm, env)):
        CliRunner().invoke(cli, ["collect", "--through", THROUGH, "-w", str(root)],
                           env=environment)  # fmt: skip
        told = "天河营业部) failed" in check(firm) or "its source could not be read" in check(firm)
        assert told == (root == tianhe), check(firm)


@pytest.mark.skipif(os.name == "nt", reason="the test server runs on a Unix socket")
def test_a_branchs_own_check_is_not_told_a_failure_the_head_office_read_again(
    tmp_path: Path, write_workspace: WriteWorkspace, postgres_url: str
) -> None:
    """天河's collect could not read new HNW clients; the head office's collect, for every
    branch, read them all after it. The firm's check no longer told the failure, but
    天河's own check and report still did (a collect kept its plan's unit, not whose
    figures it replaced): 天河's manager was sent to fix a source already read again."""
    tianhe = branch_workspace(write_workspace, tmp_path / "tianhe", postgres_url, other=True)
    firm = firm_workspace(write_workspace, tmp_path / "firm", postgres_url)
    env = {"OKRDESK_LOAD_PLUGINS": "test_metrics"}
    failing = {**env, "OKRDESK_TEST_FAIL": "new_hnw_clients"}

    def run(root: Path, *args: str, environment: dict[str, str] = env) -> str:
        day = "--through" if args[0] == "collect" else "--as-of"
        done = CliRunner().invoke(cli, [*args, day, THROUGH, "-w", str(root)], env=environment)
        assert "Traceback" not in done.output, done.output
        return done.output

    def told(lang: str = "en") -> bool:
        said = run(tianhe, "check", "--lang", lang)
        return ("collect run 1 (" if lang == "en" else "第 1 次采集（") in said

    def marked() -> bool:
        report = json.loads(run(tianhe, "report", "--format", "json"))
        return "not_collected" in report["objectives"][0]["key_results"][0]

    run(tianhe, "collect", environment=failing)
    assert told() and told("zh") and marked()
    run(firm, "collect")
    assert not told() and not told("zh") and not marked()

    # A collect of the firm kept before runs noted whose figures they replaced (schema 25)
    # settles nothing of a branch's.
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("UPDATE runs SET subjects = NULL WHERE plan_unit = 'firm'")
    assert told() and marked()
    run(firm, "collect")
    assert not told()
    # Nor does one that read them for some of 天河's people only: one the firm's file does
    # not list yet.
    org = tianhe / "targets" / "org.toml"
    org.write_text(org.read_text(encoding="utf-8") + '\n[[people]]\nid = "b2-cm03"\n'
                   'name = "赵新"\nunit = "b2-a"\n', encoding="utf-8")  # fmt: skip
    trusted(tianhe)
    assert told() and marked()


@pytest.mark.skipif(os.name == "nt", reason="the test server runs on a Unix socket")
def test_a_branchs_own_warning_is_old_news_once_the_head_office_read_its_metrics_again(
    tmp_path: Path, write_workspace: WriteWorkspace, postgres_url: str
) -> None:
    """天河's collect warned of rows left out; the head office's, for every branch, read
    the same metrics again without them: 天河's check still told the warning."""
    tianhe = branch_workspace(write_workspace, tmp_path / "tianhe", postgres_url, other=True)
    firm = firm_workspace(write_workspace, tmp_path / "firm", postgres_url)
    env = {"OKRDESK_LOAD_PLUGINS": "test_metrics"}
    warn = {**env, "OKRDESK_TEST_WARN": "3 rows of b2 skipped"}

    def check() -> str:
        args = ["check", "--as-of", THROUGH, "--lang", "en", "-w", str(tianhe)]
        return CliRunner().invoke(cli, args, env=env).output

    for root, environment in ((tianhe, warn), (firm, env)):
        done = CliRunner().invoke(cli, ["collect", "--through", THROUGH, "-w", str(root)],
                                  env=environment)  # fmt: skip
        assert done.exit_code == 0, done.output
        assert ("3 rows of b2 skipped" in check()) == (root == tianhe), check()


def test_a_branch_whose_figures_another_branchs_collect_replaced_is_told_by_its_check(
    tmp_path: Path, write_workspace: WriteWorkspace
) -> None:
    """Two branches sharing a store, each writing its customer managers cm01 and cm02:
    after 天河's collect, 福田's report read 143 new HNW clients for O1.KR1, 天河's, where
    its own were 33, and its check said nothing (天河's collect alone warned). 福田's check
    and report say whose figures they read, until 福田 collects again; then 天河's do."""
    futian, tianhe = branches_of_the_same_ids(write_workspace, tmp_path)
    env = {"OKRDESK_LOAD_PLUGINS": "test_metrics"}

    def checked(root: Path, lang: str) -> str:
        args = ["check", "--as-of", THROUGH, "--lang", lang, "-w", str(root)]
        return " ".join(CliRunner().invoke(cli, args, env=env).output.split())

    collect(futian)
    assert "SHARED PERSON ID" not in checked(futian, "en")
    done = CliRunner().invoke(cli, ["collect", "--through", THROUGH, "-w", str(tianhe)],
                              env={**env, "OKRDESK_TEST_BONUS": "5"})  # fmt: skip
    assert done.exit_code == 0, done.output
    for lang, said in (
        ("en", "SHARED PERSON ID the figures this plan reads for cm01, cm02 are b2's: b2's "
         "plan has people of the same ids, and its collect (run 2, through 2026-03-15), later "
         "than this plan's last, stored their figures over this plan's."),
        ("zh", "人员重号 本计划读到的 cm01、cm02 的数字是 b2 的：b2 的计划也有这些 id 的人员，其"
         "采集（第 2 次，截至 2026-03-15）晚于本计划最近一次采集，把他们的数字存在了本计划的"
         "数字之上。"),
    ):  # fmt: skip
        assert said in checked(futian, lang)
    args = ["report", "--as-of", THROUGH, "--format", "json", "-w", str(futian)]
    report = json.loads(CliRunner().invoke(cli, args, env=env).output)
    assert [a["kind"] for a in report["alerts"]].count("shared_person") == 1
    assert "SHARED PERSON ID" not in checked(tianhe, "en")
    # 福田 collects again: its figures are its own, and 天河's report reads 福田's.
    collect(futian)
    assert "SHARED PERSON ID" not in checked(futian, "en")
    assert "the figures this plan reads for cm01, cm02 are branch's" in checked(tianhe, "en")


def test_a_branch_report_reads_its_own_collects_and_each_other_branchs_latest(
    tmp_path: Path, write_workspace: WriteWorkspace
) -> None:
    """A firm's store holds every branch's collect of every week: 300 branches' year
    is 15,000 collects, which each branch's report read (0.8 s on the demo's report) to
    tell its own and see whether another branch's latest replaced its figures. It reads
    its own plan's and the latest of each other's: another branch's older collect,
    changed by hand, is that branch's report's to tell, not this one's."""
    store = str(tmp_path / "firm.db")
    futian = branch_workspace(write_workspace, tmp_path / "futian", store, other=False)
    tianhe = branch_workspace(write_workspace, tmp_path / "tianhe", store, other=True)
    collect(tianhe)
    collect(tianhe, bonus=1)
    collect(futian)
    with sqlite3.connect(store) as db:
        (landed,) = db.execute("SELECT landed FROM runs WHERE id = 1").fetchone()
        db.execute("UPDATE runs SET landed = 'by hand' WHERE id = 1 AND plan_unit = 'b2'")

    report = okrdesk(futian, "report", "--as-of", THROUGH, "--lang", "en")
    assert "营业收入" in report and "by hand" not in report
    told = okrdesk(tianhe, "report", "--as-of", THROUGH, "--lang", "en", code=2)
    assert "runs row 1: landed holds 'by hand', which okrdesk never writes" in told
    # Whose figures the other branch's latest collect replaced, kept as okrdesk never keeps
    # it, is named where it is read, as every value of the store is.
    with sqlite3.connect(store) as db:
        db.execute("UPDATE runs SET landed = ? WHERE id = 1", (landed,))
    collect(tianhe, bonus=2)
    with sqlite3.connect(store) as db:
        db.execute("UPDATE runs SET subjects = '[\"b2-cm01\"' WHERE id = 4")
    damaged = okrdesk(futian, "report", "--as-of", THROUGH, "--lang", "en", code=2)
    assert "runs row 4: subjects holds '[\"b2-cm01\"', which okrdesk never writes" in damaged


def _head_office_reports(firm: Path, as_of: str = THROUGH) -> dict[str, str]:
    """The head office's report, whole and of a branch, as each reader reads it, and its
    check."""
    env = {"OKRDESK_LOAD_PLUGINS": "test_metrics"}
    shown = {}
    for args in (("--lang", "en"), ("--lang", "zh"), ("--format", "json"),
                 ("--unit", "b2", "--lang", "en"),
                 ("--unit", "branch", "--format", "md")):  # fmt: skip
        done = CliRunner().invoke(
            cli, ["report", "--as-of", as_of, "-w", str(firm), *args], env=env
        )
        assert done.exit_code == 0, done.output
        shown[" ".join(args)] = done.output
    for args in (("--lang", "en"), ("--unit", "b2", "--format", "json")):
        done = CliRunner().invoke(cli, ["check", "--as-of", as_of, "-w", str(firm), *args],
                                  env=env)  # fmt: skip
        assert done.exit_code in (0, 1), done.output
        shown[" ".join(("check", *args))] = done.output
    return shown


def _runs_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of the runs the store reads (each a row of nine JSON columns) from now on."""
    from okrdesk.store import base

    read: list[int] = []
    real = base.run_of

    def counted(row: object) -> object:
        run = real(row)  # type: ignore[arg-type]
        read.append(run.id)
        return run

    monkeypatch.setattr(base, "run_of", counted)
    return read


def _as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """The report and check reading every one of their plan's collects, as they did before
    they read each branch's first and latest alone."""
    from okrdesk.app import check as app_check
    from okrdesk.app import report as app_report

    real = app_report.read_for_one_report
    for module in (app_report, app_check):
        monkeypatch.setattr(module, "read_for_one_report",
                            lambda store, subjects, *rest: real(store, subjects))  # fmt: skip


def test_the_head_offices_report_reads_each_branchs_first_and_latest_collect_alone(
    tmp_path: Path, write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A head office's plan over branches that collect into its server read every
    branch's every weekly collect (a year of 300 branches: some 15,000, each of nine JSON
    columns), and so did ``report --unit``. It reads each branch's first and latest where
    the latest answers for the others, and every one where it does not (a metric it failed,
    a warning, a day read through earlier than another's): the same report either way."""
    store = str(tmp_path / "firm.db")
    futian = branch_workspace(write_workspace, tmp_path / "futian", store, other=False)
    tianhe = branch_workspace(write_workspace, tmp_path / "tianhe", store, other=True)
    firm = firm_workspace(write_workspace, tmp_path / "firm", store)

    def collect_through(root: Path, through: str, **env: str) -> None:
        env = {"OKRDESK_LOAD_PLUGINS": "test_metrics", **env}
        done = CliRunner().invoke(cli, ["collect", "--through", through, "-w", str(root)], env=env)
        assert "Traceback" not in done.output, done.output

    def both_ways() -> tuple[dict[str, str], list[int], list[int]]:
        with monkeypatch.context() as patched:
            read = _runs_read(patched)
            now = _head_office_reports(firm)
        with monkeypatch.context() as patched:
            _as_before(patched)
            read_before = _runs_read(patched)
            assert _head_office_reports(firm) == now
        return now, read, read_before

    for root in (tianhe, futian):
        collect_through(root, "2026-03-01")
    collect_through(futian, "2026-03-01", OKRDESK_TEST_WARN="合计行未计入")
    collect_through(tianhe, THROUGH, OKRDESK_TEST_FAIL="new_hnw_clients")
    # 天河's latest failed a metric, 福田's warned: each one's every collect is read.
    shown, read, _ = both_ways()
    assert "its source could not be read" in shown["--lang en"]
    assert set(read) >= {1, 2, 3, 4}

    collect_through(tianhe, THROUGH)
    collect_through(futian, "2026-03-01")
    shown, read, read_before = both_ways()
    # 福田 behind, told by name, from its latest collect alone; 天河's first and latest.
    assert "福田营业部: 2 metrics collected only through 2026-03-01" in shown["--lang en"]
    assert "its source could not be read" not in shown["--lang en"]
    assert set(read) == {1, 2, 5, 6} and set(read_before) == {1, 2, 3, 4, 5, 6}

    # A year of weekly collects more is read as one.
    for _ in range(3):
        for root in (tianhe, futian):
            collect_through(root, THROUGH if root == tianhe else "2026-03-01")
    later, read_later, read_before = both_ways()
    assert later == shown
    assert len(read_later) == len(read) and len(set(read_before)) == 12


def test_a_collect_that_restated_figures_has_the_head_office_read_every_one_while_told(
    tmp_path: Path, write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A collect that restated figures of complete periods is told for one period after
    it, and its alert reads the collect before it, whichever branch's: while it is told,
    the head office's report reads every collect; before and after, each branch's first
    and latest. The same report either way."""
    from okrdesk import clock

    store = str(tmp_path / "firm.db")
    futian = branch_workspace(write_workspace, tmp_path / "futian", store, other=False)
    tianhe = branch_workspace(write_workspace, tmp_path / "tianhe", store, other=True)
    firm = firm_workspace(write_workspace, tmp_path / "firm", store)
    env = {"OKRDESK_LOAD_PLUGINS": "test_metrics"}
    for root, through, bonus in ((tianhe, "2026-03-01", "0"), (futian, THROUGH, "0"),
                                 (tianhe, THROUGH, "3"), (futian, THROUGH, "0"),
                                 (tianhe, THROUGH, "3")):  # fmt: skip
        done = CliRunner().invoke(cli, ["collect", "--through", through, "-w", str(root)],
                                  env={**env, "OKRDESK_TEST_BONUS": bonus})  # fmt: skip
        assert done.exit_code == 0, done.output
    with sqlite3.connect(store) as db:
        assert [row[0] for row in db.execute("SELECT id FROM runs WHERE revised <> '{}'")] == [3]

    today = clock.today().isoformat()
    for as_of, told, read_as_now in ((THROUGH, False, {1, 2, 4, 5}),
                                     (today, True, {1, 2, 3, 4, 5})):  # fmt: skip
        with monkeypatch.context() as patched:
            read = _runs_read(patched)
            now = _head_office_reports(firm, as_of)
        with monkeypatch.context() as patched:
            _as_before(patched)
            assert _head_office_reports(firm, as_of) == now
        assert ("restated" in now["--lang en"]) is told, now["--lang en"]
        assert set(read) == read_as_now


def test_a_branchs_report_on_a_shared_store_sums_up_no_ones_collects(
    tmp_path: Path, write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whose latest collect answers for the rest is asked only where units of the plan
    collect their own (a head office's): a branch's report on the firm's store summed up
    the whole runs table, every branch's, for nothing."""
    from okrdesk.store import base

    store = str(tmp_path / "firm.db")
    futian = branch_workspace(write_workspace, tmp_path / "futian", store, other=False)
    tianhe = branch_workspace(write_workspace, tmp_path / "tianhe", store, other=True)
    firm = firm_workspace(write_workspace, tmp_path / "firm", store)
    for root in (tianhe, futian, tianhe, futian):
        collect(root)
    summed: list[str] = []
    real = base.Store.collects_by_plan

    def counted(self: base.Store) -> object:
        summed.append("runs")
        return real(self)

    monkeypatch.setattr(base.Store, "collects_by_plan", counted)
    assert "营业收入" in okrdesk(futian, "report", "--as-of", THROUGH, "--lang", "en")
    assert summed == []
    okrdesk(firm, "report", "--as-of", THROUGH, "--lang", "en")
    assert summed == ["runs"]
