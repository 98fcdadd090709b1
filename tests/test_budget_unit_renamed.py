"""A plan whose `unit` id was changed after spending: its entries stay under the old id,
where no total or breaker of the plan counts them. The report, `check` and `spend add`
tell them, and `okrdesk move-unit` moves them to the new id, safely."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from backends import Backend
from okrdesk.cli import cli
from okrdesk.model import SpendEntry
from okrdesk.store import Store
from sample_workspace import WriteWorkspace
from test_money import _until_each_waits_on

AS_OF = "2026-03-15"


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


def _spent(root: Path, line: str, amount: str, *signers: str, day: str = "2026-03-02") -> None:
    signed = [part for name in signers for part in ("--signed-by", name)]
    done = run(root, "spend", "add", line, amount, "--date", day, *signed)
    assert done.exit_code == 0, done.output


def _renamed(root: Path, new: str = "futian") -> None:
    """The plan's unit id changed in every target file, as a reviewed edit would."""
    for path in (root / "targets").glob("*.toml"):
        text = path.read_text(encoding="utf-8").replace('"branch"', f'"{new}"')
        path.write_text(text.replace(f'level = "{new}"', 'level = "branch"'), encoding="utf-8")


def _budget(root: Path) -> tuple[Decimal, dict[str, Decimal], list[str]]:
    done = run(root, "report", "--as-of", AS_OF, "--format", "json", "--lang", "en")
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    budget = report["budget"]
    lines = {line["id"]: Decimal(str(line["spent"])) for line in budget["lines"]}
    told = [a["message"] for a in report["alerts"] if a["kind"] == "old_unit"]
    return Decimal(str(budget["total"]["spent"])), lines, told


def _ledger(root: Path) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(root / "okrdesk.db")) as connection:
        return connection.execute("SELECT * FROM spend ORDER BY id").fetchall()


def _entries(backend: Backend, root: Path) -> list[SpendEntry]:
    with backend.open(root) as store:
        return store.spend()


@pytest.mark.parametrize(
    ("lang", "told"),
    [
        ("en", "2 ledger entries (CNY 1,150k net) of this plan's days are kept under unit "
               "branch, which the plan (unit futian) does not have, all made by this plan's "
               "people: most likely the plan's unit id was changed from branch. Until they are "
               "moved, the spending counts towards no line, no total and no breaker. Move them "
               "all to futian with `okrdesk move-unit branch`, or change the plan's unit back "
               "to branch"),
        ("zh", "本计划期内 2 笔支出（净额 115万）记在单位 branch 名下：本计划（单位 futian）"
               "没有这个单位，记录的却都是本计划的人，很可能是计划的单位 id 由 branch 改过。"
               "移过来之前，这些支出不计入任何预算项、合计和熔断。请用 `okrdesk move-unit "
               "branch` 把它们全部移到 futian 名下，或把计划的单位改回 branch"),
    ],
)  # fmt: skip
def test_check_and_the_report_tell_the_plans_spending_under_its_old_unit_id(
    write_workspace: WriteWorkspace, lang: str, told: str
) -> None:
    """Renamed from branch to futian, the plan read a budget untouched: the report showed
    0 spent of 899万, `check` said nothing, and the breaker started again from 0."""
    root = write_workspace()
    assert run(root, "collect", "--through", AS_OF).exit_code == 0
    _spent(root, "training", "100", "cm01")
    _spent(root, "salons", "15", "王芳", "李强")
    _renamed(root)

    checked = run(root, "check", "--as-of", AS_OF, "--lang", lang)
    assert checked.exit_code == 1, checked.output
    assert told in " ".join(checked.output.split()).replace("。 ", "。")
    spent, _, alerts = _budget(root)
    assert spent == 0  # not counted until moved
    assert len(alerts) == 1 and "`okrdesk move-unit branch`" in alerts[0]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_spend_add_is_refused_while_the_plans_entries_are_under_its_old_id(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    """Its breaker would judge the new entry as if nothing had been spent."""
    root = write_workspace()
    _spent(root, "training", "519", "cm01")  # the line spent in full
    _renamed(root)
    before = _ledger(root)
    refused = run(root, "spend", "add", "training", "100", "--date", "2026-03-03",
                  "--signed-by", "cm01", "--lang", lang)  # fmt: skip
    assert refused.exit_code == 1, refused.output
    said = " ".join(refused.output.split())
    assert "`okrdesk move-unit branch`" in said
    assert ("Nothing was recorded." if lang == "en" else "未记录任何支出。") in said
    assert _ledger(root) == before


def test_move_unit_moves_the_entries_in_one_go_and_keeps_where_they_were(
    backend: Backend,
) -> None:
    root = backend.workspace()
    _spent(root, "training", "100", "cm01")
    _spent(root, "salons", "15", "王芳", "李强")
    assert run(root, "spend", "reverse", "2", "--reason", "录错", "--signed-by", "王芳",
               "--signed-by", "李强", "--date", "2026-03-03").exit_code == 0  # fmt: skip
    _renamed(root)
    first = run(root, "spend", "reverse", "1", "--reason", "x", "--signed-by", "cm01",
                "--lang", "en")  # fmt: skip
    assert first.exit_code == 2, first.output
    assert "move the entries there to futian first, `okrdesk move-unit branch`" in " ".join(
        first.output.split()
    )

    moved = run(root, "spend", "move-unit", "branch", "--lang", "en")  # the old spelling
    assert moved.exit_code == 0, moved.output
    assert " ".join(moved.output.split()) == (
        "Moved from unit branch to futian, in one transaction: 3 ledger entries (CNY 1,000k "
        "net). The report reads them as futian's from now on. Each ledger entry keeps branch "
        "as the unit it was recorded under (`okrdesk export`, column moved_from), and counts "
        "in the budget and breakers."
    )
    spent, lines, alerts = _budget(root)
    assert (spent, lines["training"], lines["salons"], alerts) == (1_000_000, 1_000_000, 0, [])
    # The reversal still names what it reverses: reversing it again is refused.
    again = run(root, "spend", "reverse", "2", "--reason", "x", "--signed-by", "王芳",
                "--signed-by", "李强", "--lang", "en")  # fmt: skip
    assert again.exit_code == 2 and "already reversed by entry 3" in again.output
    exported = run(root, "export", "--format", "json")
    assert exported.exit_code == 0, exported.output
    rows = json.loads(exported.output)["spend"]
    assert {(row["plan_unit"], row["moved_from"]) for row in rows} == {("futian", "branch")}
    assert all(row["moved"] for row in rows)
    # Nothing left to move.
    empty = run(root, "spend", "move-unit", "branch", "--lang", "en")
    assert empty.exit_code == 2
    assert "the store keeps nothing under unit branch" in empty.output


def test_move_unit_onto_entries_of_the_new_id_needs_merge(backend: Backend) -> None:
    """Two ledgers joined by a slip could not be told apart again."""
    root = backend.workspace()
    _spent(root, "training", "100", "cm01")
    with backend.open(root) as store:  # recorded under the new id by another copy
        store.add_spend("training", dt.date(2026, 3, 1), Decimal(50_000),
                        ["王芳"], plan_unit="futian")  # fmt: skip
    _renamed(root)
    before = _entries(backend, root)
    refused = run(root, "spend", "move-unit", "branch", "--lang", "zh")
    assert refused.exit_code == 2, refused.output
    assert "台账：futian 名下已有 1 笔支出（净额 5万）" in refused.output
    assert "请加上 --merge" in refused.output and "未移动任何内容" in refused.output
    assert _entries(backend, root) == before
    merged = run(root, "spend", "move-unit", "branch", "--merge")
    assert merged.exit_code == 0, merged.output
    assert _budget(root)[0] == 1_050_000


def test_another_branchs_entries_on_a_shared_store_are_neither_told_nor_moved(
    write_workspace: WriteWorkspace,
) -> None:
    """On a store branches share, 天河's entries are under its own unit id and its own
    plan's id, signed by its own people (one of whom may share a name with one of ours):
    they are not this plan's to count, to be told of, or to move."""
    root = write_workspace()
    assert run(root, "collect", "--through", AS_OF).exit_code == 0
    with Store.open(root / "okrdesk.db") as store:
        store.add_spend("training", dt.date(2026, 3, 1), Decimal(80_000),
                        ["赵敏"], plan_unit="tianhe")  # fmt: skip
        store.add_spend("salons", dt.date(2026, 3, 1), Decimal(80_000),
                        ["赵敏", "王芳"], plan_unit="tianhe")  # fmt: skip
        store.add_spend("training", dt.date(2026, 3, 2), Decimal(90_000), ["王芳"],
                        plan_unit="tianhe2", plan_id="tianhe-2026")  # fmt: skip
    checked = run(root, "check", "--as-of", AS_OF, "--lang", "en")
    assert "tianhe" not in checked.output
    before = _ledger(root)
    refused = run(root, "spend", "move-unit", "tianhe", "--lang", "en")
    assert refused.exit_code == 2, refused.output
    assert "entries under unit tianhe are another plan's" in refused.output
    # Recorded by a plan of another id: another branch's, or this plan's before its id was
    # changed with its unit, which only its user can say (--from-plan).
    refused = run(root, "spend", "move-unit", "tianhe2", "--lang", "en")
    assert refused.exit_code == 2, refused.output
    assert "entries under unit tianhe2 were recorded by plan tianhe-2026" in refused.output
    assert "Nothing was moved." in refused.output
    assert _ledger(root) == before
    own = run(root, "spend", "move-unit", "team-a", "--lang", "en")
    assert own.exit_code == 2 and "is a unit or person of this plan" in own.output


def test_entries_from_before_plans_ids_were_kept_are_told_by_who_collects_since(
    write_workspace: WriteWorkspace,
) -> None:
    """A ledger of schema 23 keeps no plan's id. This plan's entries under its old unit id
    are still told and moved; those of a branch sharing the store and still collecting
    there are not, though a namesake of one of ours signed them."""
    root = write_workspace()
    env = {"OKRDESK_LOAD_PLUGINS": "test_metrics"}
    assert CliRunner().invoke(cli, ["collect", "--through", AS_OF, "-w", str(root)],
                              env=env).exit_code == 0  # fmt: skip
    with Store.open(root / "okrdesk.db") as store:  # as an okrdesk of schema 23 wrote them
        store.add_spend("training", dt.date(2026, 3, 2), Decimal(1_000_000), ["王芳"],
                        plan_unit="branch")  # fmt: skip
        store.add_spend("training", dt.date(2026, 3, 2), Decimal(70_000), ["王芳"],
                        plan_unit="tianhe")  # fmt: skip
    _renamed(root)
    assert CliRunner().invoke(cli, ["collect", "--through", AS_OF, "-w", str(root)],
                              env=env).exit_code == 0  # fmt: skip
    with Store.open(root / "okrdesk.db") as store:  # 天河 collects after this plan's first
        store.finish_run(store.start_run("collect", None, plan_unit="tianhe"), "ok", {}, [])

    checked = " ".join(run(root, "check", "--as-of", AS_OF, "--lang", "en").output.split())
    assert "are kept under unit branch" in checked and "tianhe" not in checked
    refused = run(root, "spend", "move-unit", "tianhe", "--lang", "en")
    assert refused.exit_code == 2 and "are another plan's" in refused.output
    moved = run(root, "spend", "move-unit", "branch", "--lang", "en")
    assert moved.exit_code == 0, moved.output
    assert _budget(root)[0] == 1_000_000


def test_a_branch_with_this_plans_id_and_a_namesake_signing_is_not_taken_for_it(
    write_workspace: WriteWorkspace,
) -> None:
    """Two branches made by `okrdesk init` share a plan id (plan-2026), and 王芳 works in
    both. 天河's entries, recorded on the shared store as this plan records its own, are
    not this plan's from before a change of its unit id: that id fell silent as the new
    one started. Neither told, nor refusing this plan's spending, nor movable."""
    root = write_workspace()
    _spent(root, "training", "10", "王芳")
    with Store.open(root / "okrdesk.db") as store:
        store.add_spend("training", dt.date(2026, 3, 3), Decimal(70_000), ["王芳"],
                        plan_unit="tianhe", plan_id="plan-2026")  # fmt: skip
    with closing(sqlite3.connect(root / "okrdesk.db")) as connection, connection:
        # 天河 recorded it a minute after this plan's first entry (not in the same second).
        (first,) = connection.execute("SELECT min(recorded) FROM spend").fetchone()
        later = (dt.datetime.fromisoformat(first) + dt.timedelta(minutes=1)).isoformat()
        connection.execute("UPDATE spend SET recorded = ? WHERE plan_unit = 'tianhe'", [later])
    total, _lines, told = _budget(root)
    assert (total, told) == (100_000, [])
    _spent(root, "training", "5", "王芳", day="2026-03-04")
    refused = run(root, "spend", "move-unit", "tianhe", "--lang", "en")
    assert refused.exit_code == 2 and "are another plan's" in refused.output


def _explained(root: Path, line: str, lang: str = "zh") -> tuple[Decimal, str]:
    """What ``okrdesk explain LINE`` says the line spent (in 元, from the Chinese), and
    all it says, its folded lines joined and every space left out."""
    from okrdesk.units import parse_money

    done = run(root, "explain", line, "--as-of", AS_OF, "--lang", lang)
    assert done.exit_code == 0, done.output
    if lang != "zh":
        return Decimal(-1), squeezed(done.output)
    spent = done.output.splitlines()[2].split("；")[1].removeprefix("已用 ")
    return parse_money(spent), squeezed(done.output)


def squeezed(text: str) -> str:
    return "".join(text.split())


def test_explain_of_a_line_counts_what_the_report_counts_and_says_where_entries_are(
    write_workspace: WriteWorkspace,
) -> None:
    """`okrdesk explain training` read 0 spent and nothing more, while the report told the
    plan's 120万 kept under its old unit id; moved, it did not say where they came from.
    Its breaker read "not tripped: spent 0.0%" while `spend add` refused for those
    entries: it says they are kept where it cannot read them, and the command to run."""
    root = write_workspace()
    _spent(root, "training", "100", "cm01")
    _spent(root, "training", "20", "cm01", day="2026-03-03")
    _renamed(root)
    _, lines, alerts = _budget(root)
    spent, said = _explained(root, "training")
    assert spent == lines["training"] == 0 and alerts
    assert (
        squeezed(
            "另有 2 笔（净额 120万）记在单位 branch 名下（本计划的单位 id 改为 futian 之前），"
            "移过来之前不计入这里的任何数字：okrdesk move-unit branch"
        )
        in said
    )
    _, english = _explained(root, "training", "en")
    assert (
        squeezed(
            "and 2 entries (CNY 1,200k net) kept under unit branch, this plan's unit id before it "
            "was changed to futian: counted in none of these figures until moved: okrdesk "
            "move-unit branch"
        )
        in english
    )
    # Its breaker read 0 spent ("not tripped") while `spend add` refused: it says why not.
    refused = run(root, "spend", "add", "training", "1", "--signed-by", "cm01", "--lang", "en")
    assert refused.exit_code == 1 and "`okrdesk move-unit branch`" in refused.output
    assert (
        squeezed(
            "熔断：未判断：本项有 2 笔支出（净额 120万）记在单位 branch 名下（本计划的单位 id 改为 "
            "futian 之前），熔断读不到它们；请用 `okrdesk move-unit branch` 把它们移过来，在此之前 "
            "`okrdesk spend add` 拒绝记录新的支出"
        )
        in said
    )
    assert (
        squeezed(
            "breaker: not judged: 2 entries of the line (CNY 1,200k net) are kept under unit "
            "branch, this plan's unit id before it was changed to futian, where it cannot read "
            "them; `okrdesk spend add` refuses new spending until they are moved: `okrdesk "
            "move-unit branch`"
        )
        in english
    )
    assert "not tripped" not in english
    # A line with nothing under the old id is judged, and says that `spend add` refuses
    # on it too while the plan's other lines' entries are there (it said nothing of it).
    refused = run(root, "spend", "add", "salons", "1", "--signed-by", "cm01", "--signed-by",
                  "cm02", "--lang", "en")  # fmt: skip
    assert refused.exit_code == 1 and "`okrdesk move-unit branch`" in refused.output
    _, salons = _explained(root, "salons", "en")
    assert squeezed("breaker: not tripped") in salons and squeezed("not judged") not in salons
    assert (
        squeezed(
            "but `okrdesk spend add` refuses new spending on every line, this one too, while "
            "the ledger keeps 2 entries of the plan's other lines (CNY 1,200k net) under unit "
            "branch, this plan's unit id before it was changed to futian: move them first: "
            "`okrdesk move-unit branch`"
        )
        in salons
    )
    assert (
        squeezed(
            "；但本计划其他预算项有 2 笔支出（净额 120万）记在单位 branch 名下（本计划的单位 id "
            "改为 futian 之前），在移过来之前 `okrdesk spend add` 拒绝在任何预算项（包括本项）"
            "记录新的支出：请先用 `okrdesk move-unit branch` 把它们移过来"
        )
        in _explained(root, "salons")[1]
    )

    assert run(root, "move-unit", "branch").exit_code == 0
    _, lines, alerts = _budget(root)
    spent, said = _explained(root, "training")
    assert spent == lines["training"] == 1_200_000 and alerts == []
    assert (
        squeezed(
            "其中 2 笔（净额 120万）原记在单位 branch 名下（本计划的单位 id 改为 futian 之前），"
            "已由 okrdesk move-unit 移来"
        )
        in said
    )
    assert "另有" not in said and "未判断" not in said
    assert "move-unit" not in _explained(root, "salons", "en")[1]
    _, english = _explained(root, "training", "en")
    assert (
        squeezed(
            "of them 2 entries (CNY 1,200k net) recorded under unit branch, this plan's unit id "
            "before it was changed to futian, and moved here by okrdesk move-unit"
        )
        in english
    )


def _until_waiting(backend: Backend, root: Path, process: subprocess.Popen[str]) -> None:
    """Until ``process`` waits for a lock the test's transaction holds: on SQLite's file, or
    on the server (its session waiting on a lock, as PostgreSQL lists it)."""
    if backend.url is None:
        _until_each_waits_on(root / "okrdesk.db", [process])
        return
    import psycopg

    deadline = time.monotonic() + 60
    with psycopg.connect(backend.url, autocommit=True) as server:
        while process.poll() is None and time.monotonic() < deadline:
            row = server.execute(
                b"SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                b"AND datname = current_database()"
            ).fetchone()
            if row and row[0]:
                return
            time.sleep(0.1)


def test_spend_add_waiting_while_a_move_takes_the_entries_back_is_refused(
    backend: Backend,
) -> None:
    """Renamed branch → futian and moved, the ledger is futian's. A colleague whose targets
    still say branch moves it back (`move-unit futian`) while `spend add` of the renamed
    plan waits for the lock: it looked for entries under old ids before waiting, found
    none, and recorded 100万 judged by a breaker that saw none of the 519万 spent. It looks
    once it holds the lock, and refuses."""
    root = backend.workspace()
    _spent(root, "training", "519", "cm01")  # the line spent in full
    _renamed(root)
    assert run(root, "move-unit", "branch").exit_code == 0
    before = _entries(backend, root)
    # As this process's (its HOME, which keeps the workspace trusted), at the time.
    env = {**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics", "OKRDESK_BUSY_TIMEOUT": "120"}
    waiting: list[subprocess.Popen[str]] = []

    def meanwhile(held: object) -> None:
        waiting.append(subprocess.Popen(
            [sys.executable, "-m", "okrdesk", "spend", "add", "training", "100", "--date",
             "2026-03-03", "--signed-by", "cm01", "-w", str(root), "--lang", "zh"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        ))  # fmt: skip
        _until_waiting(backend, root, waiting[0])

    with backend.open(root) as store:
        store.move_unit("futian", "branch", top="branch", lines={"training"}, guard=meanwhile)
    [process] = waiting
    out, err = process.communicate(timeout=180)
    assert process.returncode == 1, (out, err)
    said = " ".join(err.split())
    assert "`okrdesk move-unit branch`" in said and "未记录任何支出。" in said, said
    assert [(e.id, e.plan_unit) for e in _entries(backend, root)] == [
        (e.id, "branch") for e in before
    ]
