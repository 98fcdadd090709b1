"""move-unit in a firm's workspace, whose plan has the branches as its units, on the store
the branches' own workspaces share."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import WriteWorkspace
from test_firm_branch_collects import CHECKED_IN, THROUGH, branch_workspace, collect, firm_workspace


def _run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)],
                              env={"OKRDESK_LOAD_PLUGINS": "test_metrics"})  # fmt: skip


def _renamed(root: Path) -> None:
    """福田's unit id branch → futian in the workspace's target files."""
    for path in (root / "targets").glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        for key in ("id", "unit", "owner", "parent"):
            text = text.replace(f'{key} = "branch"', f'{key} = "futian"')
        path.write_text(text, encoding="utf-8")


def _kept(store: Path) -> list[object]:
    with closing(sqlite3.connect(store)) as connection:
        return [connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
                for table in ("checkins", "spend", "runs")]  # fmt: skip


_SAID = {
    "en": "branch is the unit of another plan sharing this store, 福田营业部's (futian in "
          "this plan's target files): its collects replaced the figures of futian's units "
          "and people. What is kept under branch is that plan's, to move from its own "
          "workspace, check-ins, spending and collects together, once its target files call "
          "it futian too: `okrdesk move-unit branch futian` there. Nothing was moved.",
    "zh": "branch 是共用此数据库的另一计划（福田营业部，本计划目标文件中的 futian）的单位：它的"
          "采集替换的是 futian 的单位和人员的数字。记在 branch 名下的是那个计划的内容，打卡、"
          "支出和采集应一起从它自己的工作区移动：等它的目标文件也改为 futian 后，在那里运行 "
          "`okrdesk move-unit branch futian`。未移动任何内容。",
}  # fmt: skip


_KEPT = {
    "en": "MISSING O1.REV 营业收入: no check-in under futian yet; this plan does not read 1 "
          "check-in kept under branch, 福田营业部's unit id before this plan's target files "
          "renamed it futian. They count once 福田营业部's own workspace, its target files "
          "calling it futian too, moves them: `okrdesk move-unit branch futian` there",
    "zh": "缺数据 O1.REV 营业收入：futian 名下尚无打卡；本计划读不到记在 branch 名下的 1 条打卡，"
          "那是本计划目标文件把福田营业部改称 futian 之前的单位 id。等福田营业部自己的目标文件也"
          "改为 futian 后，在它的工作区运行 `okrdesk move-unit branch futian` 把它们移过来，"
          "才会计入",
}  # fmt: skip
"""The firm's check of 福田's key result checked in under branch alone."""


def test_a_branch_renamed_in_the_firms_plan_is_not_taken_for_the_firms_own_unit(
    tmp_path: Path, write_workspace: WriteWorkspace
) -> None:
    """The head office renamed 福田 branch → futian in the firm's plan. Its check told
    福田's check-in and ledger as the firm's own, kept under its unit's old id, and
    `okrdesk move-unit branch futian` was refused as "branch is this plan's own unit id
    from before it was changed to firm", naming `okrdesk move-unit branch --from-plan
    plan-2026`, which would have put 福田's ledger in the firm's budget. Neither is said:
    the move is refused as 福田's plan's, to run from 福田's own workspace."""
    store = tmp_path / "firm.db"
    futian = branch_workspace(write_workspace, tmp_path / "futian", str(store), other=False)
    done = _run(futian, "checkin", "O1.REV", "1.2", "--date", "2026-03-02", "--by", "王芳")
    assert done.exit_code == 0, done.output
    done = _run(futian, "spend", "add", "training", "100", "--date", "2026-03-02",
                "--signed-by", "cm01")  # fmt: skip
    assert done.exit_code == 0, done.output
    collect(futian)
    firm = firm_workspace(write_workspace, tmp_path / "firm", str(store))
    (firm / "targets" / "okrs.toml").write_text(CHECKED_IN, encoding="utf-8")
    collect(firm)
    _renamed(firm)

    checked = _run(firm, "check", "--as-of", THROUGH, "--lang", "en")
    assert "OLD UNIT ID" not in checked.output and "--from-plan" not in checked.output
    assert _KEPT["en"] in " ".join(checked.output.split())
    kept = _kept(store)
    for lang, said in _SAID.items():
        for asked in (("branch", "futian"), ("branch",)):
            refused = _run(firm, "move-unit", *asked, "--lang", lang)
            assert refused.exit_code == 2, refused.output
            assert " ".join(refused.output.split()) == said
    assert _kept(store) == kept

    # Renamed in its own workspace too, 福田 moves what is its own, all of it.
    _renamed(futian)
    moved = _run(futian, "move-unit", "branch", "--lang", "en")
    assert moved.exit_code == 0, moved.output
    assert "1 check-in of 1 key result, 1 ledger entry" in " ".join(moved.output.split())


_CHECKINS_ALONE = {
    "en": "branch is most likely the unit of another plan sharing this store, 福田营业部's "
          "(futian in this plan's target files): every check-in under branch is of a key "
          "result this plan sets for futian, made by futian's people. What is kept under "
          "branch is that plan's, to move from its own workspace once its target files call "
          "it futian too: `okrdesk move-unit branch futian` there. Nothing was moved.",
    "zh": "branch 很可能是共用此数据库的另一计划（福田营业部，本计划目标文件中的 futian）的单位："
          "记在 branch 名下的打卡都是本计划为 futian 设的关键结果，都由 futian 的人员记录。记在 "
          "branch 名下的是那个计划的内容，应从它自己的工作区移动：等它的目标文件也改为 futian "
          "后，在那里运行 `okrdesk move-unit branch futian`。未移动任何内容。",
}  # fmt: skip


def test_a_renamed_branch_that_only_checks_in_is_known_by_its_checkins_authors(
    tmp_path: Path, write_workspace: WriteWorkspace
) -> None:
    """福田 checks in from its own workspace and never collects or spends: the firm's plan
    knew it as another plan's by its collects alone, and `okrdesk move-unit branch futian`
    run from the firm moved its check-in out of its own workspace, whose targets still say
    branch. Its check-ins, of a key result the firm sets for futian and made by futian's
    people, tell it: refused, nothing moved, in both languages."""
    store = tmp_path / "firm.db"
    futian = branch_workspace(write_workspace, tmp_path / "futian", str(store), other=False)
    done = _run(futian, "checkin", "O1.REV", "1.2", "--date", "2026-03-02", "--by", "王芳")
    assert done.exit_code == 0, done.output
    firm = firm_workspace(write_workspace, tmp_path / "firm", str(store))
    (firm / "targets" / "okrs.toml").write_text(CHECKED_IN, encoding="utf-8")
    collect(firm)
    _renamed(firm)

    kept = _kept(store)
    for lang, said in _CHECKINS_ALONE.items():
        checked = _run(firm, "check", "--as-of", THROUGH, "--lang", lang)
        assert _KEPT[lang] in " ".join(checked.output.split()), checked.output
        for asked in (("branch", "futian"), ("branch",)):
            refused = _run(firm, "move-unit", *asked, "--lang", lang)
            assert refused.exit_code == 2, refused.output
            assert " ".join(refused.output.split()) == said
    assert _kept(store) == kept

    _renamed(futian)
    moved = _run(futian, "move-unit", "branch", "futian", "--lang", "en")
    assert moved.exit_code == 0, moved.output
    assert "1 check-in of 1 key result" in moved.output
    told = _run(firm, "check", "--as-of", THROUGH, "--lang", "en").output
    assert "O1.REV" not in told, told
