"""A report on one unit from the plan cut down to that unit (``Plan.cut_to``): byte for
byte the report the whole plan gives, and never a cut that an edit made stale."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from okrdesk.app.session import open_session
from okrdesk.cli import cli
from okrdesk.engine.progress import Engine
from okrdesk.model import Plan
from okrdesk.store import Store
from okrdesk.targets import load
from okrdesk.targets.load import load_plan
from okrdesk.targets.plan_cache import load_plan_cached
from sample_workspace import trusted

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"
AS_OF = "2026-11-20"
OKRDESK = str(Path(sys.executable).parent / "okrdesk")


def _firm_modules():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import firm
        import workspace
    finally:
        sys.path.remove(str(BENCHMARKS))
    return firm, workspace


def _quoted(text: str) -> str:
    return '"' + text + '"'


def _branch_file(plan: Plan, branch: str) -> str:
    """A branch's units and people, the way a firm keeps one file per branch."""
    lines: list[str] = []
    for unit in plan.subtree(branch):
        lines += ["[[units]]", f"id = {_quoted(unit.id)}", f"name = {_quoted(unit.name)}",
                  f"level = {_quoted(unit.level)}", f"parent = {_quoted(unit.parent or '')}",
                  ""]  # fmt: skip
    for person in plan.people_under(branch):
        lines += ["[[people]]", f"id = {_quoted(person.id)}", f"name = {_quoted(person.name)}",
                  f"unit = {_quoted(person.unit)}", ""]  # fmt: skip
    return "\n".join(lines)


@pytest.fixture(scope="module")
def firm_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three branches of the benchmarks' firm, each branch's org in a file of its own,
    with every person's observations stored."""
    firm, workspace = _firm_modules()
    plan = firm.build_plan(3)
    root = workspace.write_targets(tmp_path_factory.mktemp("firm") / "firm", plan)
    (root / "targets" / "org.toml").write_text(
        '[[units]]\nid = "firm"\nname = "示例证券"\nlevel = "firm"\n', encoding="utf-8"
    )
    for branch in ("b001", "b002", "b003"):
        (root / "targets" / f"{branch}.toml").write_text(
            _branch_file(plan, branch), encoding="utf-8"
        )
    (root / "targets" / "checkins.toml").write_text(CHECKINS, encoding="utf-8")
    workspace.fill_store(root / "okrdesk.db", plan)
    return root


CHECKINS = """\
[[objectives]]
id = "C1"
title = "合规检查"
owner = "firm"

  [[objectives.key_results]]
  id = "AUDIT"
  title = "合规检查次数"
  unit = "次"
  cadence = "month"
  [objectives.key_results.members]
  b001 = 4
  b002 = 4
  b003 = 4
"""
"""A key result tracked by check-ins that every branch owes: a branch's report lists
its own, and asks whether the others are overdue of no one outside its cut."""


@pytest.fixture
def firm_root(firm_files: Path, tmp_path: Path) -> Path:
    root = tmp_path / "firm"
    shutil.copytree(firm_files, root)
    trusted(root)
    return root


def _report(root: Path, *more: str) -> str:
    result = CliRunner().invoke(
        cli, ["report", "-w", str(root), "--as-of", AS_OF, "--format", "json", *more]
    )
    assert result.exit_code == 0, result.output
    return result.output


def _cut_of(root: Path, unit: str) -> str | None:
    return open_session(root, cut_to=unit).plan.cut_to


@pytest.mark.parametrize("unit", ["b001", "b002", "b001-t2", "firm", "b002-t3-p11"])
def test_a_report_on_a_unit_from_its_cut_is_the_report_from_the_whole_plan(
    firm_root: Path, unit: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for more in ((), ("--format", "text", "--lang", "en", "--depth", "1")):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / f"cache{len(more)}"))
        whole = _report(firm_root, "--unit", unit, *more)  # no cache yet: the whole plan
        assert _cut_of(firm_root, unit) == unit
        assert _report(firm_root, "--unit", unit, *more) == whole


def test_an_edit_to_another_branchs_file_is_seen_by_a_branchs_report(firm_root: Path) -> None:
    before = _report(firm_root, "--unit", "b001")
    assert _cut_of(firm_root, "b001") == "b001"
    assert _report(firm_root, "--unit", "b001") == before
    # b002's file moves one of its people into b001's first team.
    other = firm_root / "targets" / "b002.toml"
    text = other.read_text(encoding="utf-8")
    moved = text.replace(
        'id = "b002-t1-p01"\nname = "客户经理2-1-1"\nunit = "b002-t1"',
        'id = "b002-t1-p01"\nname = "客户经理2-1-1"\nunit = "b001-t1"',
    )
    assert moved != text
    other.write_text(moved, encoding="utf-8")
    after = _report(firm_root, "--unit", "b001")  # the files read again: the whole plan
    assert after != before  # b001 adds up one person more
    assert _cut_of(firm_root, "b001") == "b001"
    assert "b002-t1-p01" in {p.id for p in open_session(firm_root, cut_to="b001").plan.people}
    assert _report(firm_root, "--unit", "b001") == after


def test_the_cut_holds_the_subtree_its_people_and_the_units_above_in_the_plans_order(
    firm_root: Path, tmp_path: Path
) -> None:
    whole = load_plan(firm_root, None)
    assert whole.plan is not None
    folder = tmp_path / "cache"
    load_plan_cached(firm_root, None, lambda: whole, folder)
    cut = load_plan_cached(firm_root, None, _unread, folder, cut_to="b002-t1").plan
    assert cut is not None and cut.cut_to == "b002-t1"
    plan = whole.plan
    kept = {"firm", "b002", "b002-t1"}
    assert cut.units == tuple(u for u in plan.units if u.id in kept)
    assert cut.people == plan.people_in("b002-t1")
    assert cut.people_under("b002-t1") == plan.people_under("b002-t1")
    assert attrs.evolve(cut, units=plan.units, people=plan.people, cut_to=None) == plan
    again = load_plan_cached(firm_root, None, _unread, folder)
    assert again == whole and again.plan is not None and again.plan.cut_to is None
    unknown = load_plan_cached(firm_root, None, _unread, folder, cut_to="nobody").plan
    assert unknown == plan  # the report then says there is no such unit, listing all
    person = load_plan_cached(firm_root, None, _unread, folder, cut_to="b003-t2-p04").plan
    assert person is not None and person.people == (plan.people_by_id["b003-t2-p04"],)
    assert person.units == tuple(u for u in plan.units if u.id in {"firm", "b003", "b003-t2"})


def _unread() -> load.LoadResult:
    raise AssertionError("the files were read again")


def test_the_engine_answers_for_nothing_outside_the_cut(firm_root: Path) -> None:
    plan = open_session(firm_root).plan
    open_session(firm_root, cut_to="b001")
    cut = open_session(firm_root, cut_to="b001").plan
    assert cut.cut_to == "b001"
    with Store.open(firm_root / "okrdesk.db", create=False) as store:
        day = dt.date(2026, 11, 20)
        Engine(cut, store, day, {}, within="b001-t3")
        for outside in ("b002", "firm", None):
            with pytest.raises(ValueError, match="cut to b001"):
                Engine(cut, store, day, {}, within=outside)
        Engine(plan, store, day, {})


# -------------------------------------------------- the demo: budget, check-ins, scores

DEMO_ENV = {**os.environ, "OKRDESK_LOAD_PLUGINS": "brokerage"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "demo"
    subprocess.run([OKRDESK, "demo", str(root), "--as-of", "2026-06-30"], env=DEMO_ENV,
                   capture_output=True, check=True)  # fmt: skip
    return root


def _command_report(root: Path, unit: str, cache: Path) -> bytes:
    done = subprocess.run(
        [OKRDESK, "report", "-w", str(root), "--unit", unit, "--as-of", "2026-06-30",
         "--format", "json"],
        env={**DEMO_ENV, "XDG_CACHE_HOME": str(cache)}, capture_output=True, check=True,
    )  # fmt: skip
    return done.stdout


def test_the_demos_team_reports_from_their_cuts_are_the_reports_from_the_whole_plan(
    demo: Path, tmp_path: Path
) -> None:
    """Without its budget (whose lines are judged by the branch's key results), a team's
    report needs only the team: check-ins owed and stale, scores, milestones, members."""
    root = tmp_path / "demo"
    shutil.copytree(demo, root)
    (root / "targets" / "budget.toml").unlink()
    for unit in ("wm1", "inst", "szft", "liming", "zhoujie"):
        cache = tmp_path / f"cache-{unit}"
        whole = _command_report(root, unit, cache)
        assert _command_report(root, unit, cache) == whole
        found = load_plan_cached(root, None, lambda: load_plan(root, None), tmp_path / "c")
        assert found.plan is not None
        cut = load_plan_cached(root, None, _unread, tmp_path / "c", cut_to=unit).plan
        assert cut is not None and cut.cut_to == unit


def test_a_team_whose_budget_lines_need_the_branch_is_reported_from_the_whole_plan(
    demo: Path, tmp_path: Path
) -> None:
    whole = _command_report(demo, "wm1", tmp_path / "cache")
    assert _command_report(demo, "wm1", tmp_path / "cache") == whole
    load_plan_cached(demo, None, lambda: load_plan(demo, None), tmp_path / "c")
    found = load_plan_cached(demo, None, _unread, tmp_path / "c", cut_to="wm1").plan
    assert found is not None and found.cut_to is None
    branch = load_plan_cached(demo, None, _unread, tmp_path / "c", cut_to="szft").plan
    assert branch is not None and branch.cut_to == "szft"
