"""okrdesk split: shares that add up, written back without disturbing the file."""

from __future__ import annotations

import difflib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.app.session import open_session
from okrdesk.cli import cli
from okrdesk.engine.shares import shares
from sample_workspace import LOCAL_PLUGIN, ORG, WriteWorkspace, trusted

COMMENTED = """\
# 2026 branch objectives. Reviewed by 王经理 on 2026-01-05.

[[objectives]]
id = "O1"   # direct AUM
title = "直营 AUM 净增"
owner = "branch"

  # KR1: the HNW drive. Keep the milestones as agreed in the January review.
  [[objectives.key_results]]
  id = "KR1"
  title = "新增高净值客户"
  metric = "new_hnw_clients"
  target = 100        # 户
  unit = "户"
  milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }

  # KR2 is a guardrail.
  [[objectives.key_results]]
  id = "KR2"
  title = "投诉率"
  metric = "complaint_rate"
  direction = "at_most"
  target = 0.15
  unit = "‰"

# end of file
"""

THREE_TEAMS = (
    ORG
    + """
[[units]]
id = "team-b"
name = "财富管理二部"
level = "team"
parent = "branch"

[[units]]
id = "team-c"
name = "机构业务部"
level = "team"
parent = "branch"
"""
)


def run(root: Path, *args: str) -> Result:
    """The command; split in English: these tests read what it says word for word."""
    english = ["--lang", "en"] if args[0] == "split" else []
    return CliRunner().invoke(cli, [*args, *english, "-w", str(root)])


def test_split_round_trips_a_commented_file(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"okrs.toml": COMMENTED, "org.toml": THREE_TEAMS})
    result = run(root, "split", "O1.KR1", "--unit", "branch")
    assert result.exit_code == 0, result.output
    # 100 over three teams in whole clients: 34 + 33 + 33, largest remainder first.
    assert "  team-a  财富管理一部   34 accts" in result.output
    assert "  total                 100 accts" in result.output
    after = (root / "targets" / "okrs.toml").read_text(encoding="utf-8")
    added = [
        line[1:]
        for line in difflib.ndiff(COMMENTED.splitlines(), after.splitlines())
        if line.startswith(("+ ", "- "))
    ]
    # The new table sits right under KR1's keys, indented like them; KR2's
    # comment stays right above KR2.
    assert added == [
        "   [objectives.key_results.members]",
        "   team-a = 34",
        "   team-b = 33",
        "   team-c = 33",
        " ",
    ]
    assert "  team-c = 33\n\n  # KR2 is a guardrail.\n  [[objectives.key_results]]" in after
    assert run(root, "validate").exit_code == 0


def test_split_again_replaces_the_shares_in_place(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace({"okrs.toml": COMMENTED, "org.toml": THREE_TEAMS})
    run(root, "split", "O1.KR1", "--unit", "branch")
    weights = tmp_path / "weights.toml"
    weights.write_text("team-a = 2\nteam-b = 1\nteam-c = 1\n", encoding="utf-8")
    by_weight = ["split", "O1.KR1", "--unit", "branch", "--by", "weight", "--weights", str(weights)]
    before = (root / "targets" / "okrs.toml").read_bytes()
    refused = run(root, *by_weight)
    assert (refused.exit_code, refused.output) == (2, (
        "O1.KR1 already has figures in targets/okrs.toml that this split would replace:\n"
        "  team-a 财富管理一部: 34 accts → 50 accts\n  team-b 财富管理二部: 33 accts → 25 accts\n"
        "  team-c 机构业务部: 33 accts → 25 accts\n"
        "Nothing was changed. Add --replace to replace them.\n"
    ))  # fmt: skip
    assert (root / "targets" / "okrs.toml").read_bytes() == before
    assert run(root, *by_weight[:2], "--unit", "branch").exit_code == 0  # the same: no change
    result = run(root, *by_weight, "--replace")
    assert result.exit_code == 0, result.output
    text = (root / "targets" / "okrs.toml").read_text(encoding="utf-8")
    assert text.count("[objectives.key_results.members]") == 1
    assert "  team-a = 50\n  team-b = 25\n  team-c = 25\n\n  # KR2 is a guardrail." in text
    plan = open_session(root).plan
    assert dict(plan.key_results_by_id["O1.KR1"].member_targets) == {
        "team-a": 50, "team-b": 25, "team-c": 25,
    }  # fmt: skip


def test_a_split_run_again_says_the_file_already_holds_its_figures(
    write_workspace: WriteWorkspace,
) -> None:
    """Run twice, the second split said "Wrote targets/okrs.toml." and wrote the file
    again, though it changed nothing: a manager checking git found no change to what it
    said it wrote."""
    root = write_workspace({"okrs.toml": COMMENTED, "org.toml": THREE_TEAMS})
    split = ("split", "O1.KR1", "--unit", "branch", "--over", "months")
    assert run(root, *split).output.endswith("Wrote targets/okrs.toml.\n")
    written = _okrs(root).stat().st_mtime_ns
    again = run(root, *split)
    assert (again.exit_code, again.output.splitlines()[-1]) == (
        0, "targets/okrs.toml already holds these figures; it was not changed."
    )  # fmt: skip
    assert _okrs(root).stat().st_mtime_ns == written


def by_weight(
    write_workspace: WriteWorkspace, tmp_path: Path, weights: str
) -> tuple[Path, list[str]]:
    """Three teams under the branch, ``weights`` in a file: the workspace and the split
    of O1.KR1 by them."""
    root = write_workspace({"okrs.toml": COMMENTED, "org.toml": THREE_TEAMS})
    (tmp_path / "weights.toml").write_text(weights, encoding="utf-8")
    return root, ["split", "O1.KR1", "--unit", "branch", "--by", "weight", "--weights",
                  str(tmp_path / "weights.toml")]  # fmt: skip


def test_weights_that_add_up_to_nothing_are_refused(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root, args = by_weight(write_workspace, tmp_path, "team-a = 0\nteam-b = 0\nteam-c = 0\n")
    assert run(root, *args).output == "the weights add up to 0; nothing to split by\n"
    zh = CliRunner().invoke(cli, [*args, "--lang", "zh", "-w", str(root)])
    assert (zh.exit_code, zh.output) == (2, "权重合计为 0，无从拆分\n")


def test_a_weights_file_as_windows_saves_it_is_read_or_told_in_the_reader_s_words(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """Notepad's byte-order mark was "Invalid statement (at line 1, column 1)"; a file in
    GBK, a key written twice or a file not there were Python's own English in the middle
    of a Chinese line ('utf-8' codec can't decode byte 0xd6 in position 14, [Errno 2])."""
    root, args = by_weight(write_workspace, tmp_path, "")
    weights = tmp_path / "weights.toml"

    def said(content: bytes, lang: str = "zh") -> Result:
        weights.write_bytes(content)
        return CliRunner().invoke(cli, [*args, "--dry-run", "--lang", lang, "-w", str(root)])

    marked = said("\ufeffteam-a = 3\nteam-b = 1\n".encode())
    assert marked.exit_code == 0, marked.output
    assert "  team-a  财富管理一部   75户\n" in marked.output
    assert said("# 权重\nteam-a = 3\n".encode("gbk")).output == (
        f"{weights}：无法读取权重：文件不是 UTF-8 文本（是否像中文 Windows 的编辑器那样存成了 "
        "GBK 或 GB18030？）：请另存为 UTF-8\n"
    )
    assert said(b"team-a = 3\nteam-a = 1\n").output == (
        f"{weights}:2: TOML 语法错误：team-a 在这张表里写了两次；第一次在第 1 行\n"
    )
    assert said(b"team-a = 3\nteam-a = 1\n", "en").output == (
        f"{weights}:2: TOML syntax: team-a is written twice in this table; the first is at line 1\n"
    )
    weights.unlink()
    gone = CliRunner().invoke(cli, [*args, "--lang", "zh", "-w", str(root)])
    assert (gone.exit_code, gone.output) == (2, f"{weights}：无法读取权重：没有这个文件\n")


def test_every_mistake_of_a_weights_file_is_told_at_once_at_its_line(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """A weights file with three mistakes was told the first alone, by key and no line
    ("weights.toml: team-b: 'x' is not a number"): mended, the next came up. Each is now
    told at its line, all at once, and nothing is split."""
    weights = 'team-a = 2\nteam-b = "x"\nteam-z = 1\nteam-c = -1\n'
    root, args = by_weight(write_workspace, tmp_path, weights)
    path = tmp_path / "weights.toml"
    done = CliRunner().invoke(cli, [*args, "--lang", "en", "-w", str(root)])
    assert (done.exit_code, done.output) == (2, (
        f"{path}:2: team-b: 'x' is not a number\n"
        f'{path}:3: team-z: not a unit or person below "branch"\n'
        f"{path}:4: team-c: expected a weight of 0 or more, got -1\n"
    ))  # fmt: skip
    zh = CliRunner().invoke(cli, [*args, "--lang", "zh", "-w", str(root)])
    assert zh.exit_code == 2 and zh.output.splitlines()[0] == f"{path}:2：team-b：'x' 不是数字"


def test_split_over_months_writes_a_calendar_following_the_milestones(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"okrs.toml": COMMENTED})
    result = run(root, "split", "O1.KR1", "--unit", "branch", "--over", "months")
    assert result.exit_code == 0, result.output
    plan = open_session(root).plan
    calendar = {p.period: float(p.fraction) for p in plan.key_results_by_id["O1.KR1"].calendar}
    assert len(calendar) == 12
    assert calendar["2026-06"] == pytest.approx(0.45)
    assert calendar["2026-09"] == pytest.approx(0.70)
    assert calendar["2026-12"] == 1.0
    # August ends on day 243: 0.45 + 0.25 × (243 − 181) / 92 = 0.6185
    assert calendar["2026-08"] == pytest.approx(0.6185)


def test_dry_run_changes_nothing(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"okrs.toml": COMMENTED})
    before = (root / "targets" / "okrs.toml").read_bytes()
    result = run(root, "split", "O1.KR1", "--unit", "branch", "--over", "weeks", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run: targets/okrs.toml was not changed." in result.output
    assert (root / "targets" / "okrs.toml").read_bytes() == before


def test_a_rate_gives_every_member_the_same_target(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"okrs.toml": COMMENTED})
    result = run(root, "split", "O1.KR2", "--unit", "branch")
    assert result.exit_code == 0, result.output
    assert "team-a = 0.15" in (root / "targets" / "okrs.toml").read_text(encoding="utf-8")


def test_products_per_client_is_each_member_s_whole_and_no_rate_is_totalled(
    write_workspace: WriteWorkspace,
) -> None:
    """3.5 products per client over two teams was 1.75 each, below the 2.4 they start
    from, and the report at once warned that the members' targets came to 1.75; a rate's
    table ended "total 0.3‰" for a limit of 0.15‰ each."""
    okrs = COMMENTED + (
        '\n[[objectives]]\nid = "O2"\ntitle = "配置"\nowner = "branch"\n'
        '[[objectives.key_results]]\nid = "PPC"\ntitle = "客户产品配置度"\n'
        'baseline = 2.4\ntarget = 3.5\nunit = "个/户"\n'
    )
    root = write_workspace({"okrs.toml": okrs, "org.toml": THREE_TEAMS})
    result = run(root, "split", "O2.PPC", "--unit", "branch")
    assert result.exit_code == 0, result.output
    plan = open_session(root).plan
    assert set(plan.key_results_by_id["O2.PPC"].member_targets.values()) == {3.5}
    rate = run(root, "split", "O1.KR2", "--unit", "branch", "--dry-run")
    assert rate.output.splitlines()[1:5] == [
        "  team-a  财富管理一部  0.15‰", "  team-b  财富管理二部  0.15‰",
        "  team-c  机构业务部    0.15‰", "Dry run: targets/okrs.toml was not changed.",
    ]  # fmt: skip
    assert run(root, "collect", "--through", "2026-05-17").exit_code == 0
    report = CliRunner().invoke(cli, ["report", "--as-of", "2026-05-20", "-w", str(root)])
    assert report.exit_code == 0, report.output
    assert "O2.PPC 客户产品配置度" in report.output and "成员目标折合" not in report.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["O1.KR1", "--unit", "team-a"], "belongs to branch, not team-a"),
        (["O1.KR1", "--unit", "branch", "--by", "weight"], "--by weight needs it"),
        (["O1.KR9", "--unit", "branch"], 'no key result "O1.KR9"'),
        (["O1.KR1", "--unit", "branch", "--by", "last-period"], "no numbers yet"),
    ],
)
def test_split_refuses_what_it_cannot_do(
    write_workspace: WriteWorkspace, args: list[str], message: str
) -> None:
    root = write_workspace({"okrs.toml": COMMENTED})
    before = (root / "targets" / "okrs.toml").read_bytes()
    result = run(root, "split", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert (root / "targets" / "okrs.toml").read_bytes() == before


def test_shares_add_up_exactly() -> None:
    from decimal import Decimal

    parts = shares(Decimal("899"), {"a": 1, "b": 1, "c": 1}, Decimal("0.01"))
    assert sum(parts.values()) == Decimal("899")
    assert sorted(parts.values()) == [Decimal("299.66"), Decimal("299.67"), Decimal("299.67")]


def test_a_count_in_wan_hu_is_shared_in_whole_clients_and_a_finer_target_whole(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """2万户 over three teams was 1, 1 and 0 万户 (a team held to no new account at all),
    2 to 1 was 1 and 1; 1.2345万户 came to 1.23, 45 accounts short, and 100.005万元 to
    100万元: shares are whole clients, and as fine as the target is written."""
    okrs = COMMENTED.replace("target = 100        # 户", "target = 2").replace(
        'unit = "户"', 'unit = "万户"', 1
    ) + (
        '[[objectives]]\nid = "O3"\ntitle = "资产"\nowner = "branch"\n'
        '[[objectives.key_results]]\nid = "AUM"\ntitle = "净新增资产"\n'
        'target = 100.005\nunit = "万元"\n'
        '[[objectives.key_results]]\nid = "ACC"\ntitle = "新开户"\n'
        'target = 1.2345\nunit = "万户"\n'
    )
    root = write_workspace({"okrs.toml": okrs, "org.toml": THREE_TEAMS})
    asked = ["split", "O1.KR1", "--unit", "branch", "--lang", "zh", "-w", str(root)]
    result = CliRunner().invoke(cli, asked)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:5] == [
        "  team-a  财富管理一部  0.6667万户", "  team-b  财富管理二部  0.6667万户",
        "  team-c  机构业务部    0.6666万户", "  合计                       2万户",
    ]  # fmt: skip
    (tmp_path / "weights.toml").write_text("team-a = 2\nteam-b = 1\n", encoding="utf-8")
    weighted = run(root, "split", "O1.KR1", "--unit", "branch", "--by", "weight",
                   "--weights", str(tmp_path / "weights.toml"), "--replace")  # fmt: skip
    assert weighted.exit_code == 0, weighted.output
    assert "  team-a  财富管理一部  13,333 accts\n" in weighted.output
    for kr in ("O3.AUM", "O3.ACC"):
        assert run(root, "split", kr, "--unit", "branch").exit_code == 0
    plan = open_session(root).plan
    shares_of = {kr: dict(plan.key_results_by_id[kr].member_targets)
                 for kr in ("O1.KR1", "O3.AUM", "O3.ACC")}  # fmt: skip
    assert shares_of == {
        "O1.KR1": {"team-a": 13333, "team-b": 6667},
        "O3.AUM": {"team-a": 333350, "team-b": 333350, "team-c": 333350},
        "O3.ACC": {"team-a": 4115, "team-b": 4115, "team-c": 4115},
    }
    assert run(root, "validate").exit_code == 0


# ------------------------------------------- files written as the manager wrote them

INLINE_KR = """\
[[objectives]]
id = "O1"
title = "直营 AUM 净增"
owner = "branch"
key_results = [
  { id = "KR1", title = "新增高净值客户", metric = "new_hnw_clients", target = 100, unit = "户" },
]
"""


def _okrs(root: Path) -> Path:
    return root / "targets" / "okrs.toml"


def test_a_crlf_file_keeps_its_line_endings(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"okrs.toml": None, "org.toml": THREE_TEAMS})
    _okrs(root).write_bytes(COMMENTED.replace("\n", "\r\n").encode("utf-8"))
    result = run(root, "split", "O1.KR1", "--unit", "branch", "--over", "months")
    assert result.exit_code == 0, result.output
    after = _okrs(root).read_bytes()
    assert b"team-a = 34\r\n" in after and b"\r\n# end of file\r\n" in after
    assert after.count(b"\n") == after.count(b"\r\n")


def test_a_file_with_a_byte_order_mark_keeps_it(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"okrs.toml": None, "org.toml": THREE_TEAMS})
    _okrs(root).write_bytes(b"\xef\xbb\xbf" + COMMENTED.encode("utf-8"))
    assert run(root, "validate").exit_code == 0
    result = run(root, "split", "O1.KR1", "--unit", "branch")
    assert result.exit_code == 0, result.output
    after = _okrs(root).read_bytes()
    assert after.startswith(b"\xef\xbb\xbf# 2026 branch objectives.")
    assert after.count(b"\xef\xbb\xbf") == 1 and b"team-a = 34\n" in after


def test_a_key_result_written_inline_gets_inline_shares(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"okrs.toml": INLINE_KR, "org.toml": THREE_TEAMS})
    assert run(root, "validate").exit_code == 0
    result = run(root, "split", "O1.KR1", "--unit", "branch", "--over", "months")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    after = _okrs(root).read_text(encoding="utf-8")
    assert "members = {team-a = 34, team-b = 33, team-c = 33}" in after
    assert "calendar = {" in after
    assert run(root, "validate").exit_code == 0


def test_a_full_disk_leaves_the_target_file_as_it_was(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills while the new file is flushed.

    A real full disk cannot be made portably without root (tests/test_reliability.py
    mounts a tmpfs where it can), so ``os.fsync`` raises ENOSPC here, exactly
    where a full disk makes it fail.
    """
    import errno
    import os

    root = write_workspace({"okrs.toml": COMMENTED, "org.toml": THREE_TEAMS})
    before = _okrs(root).read_bytes()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    result = run(root, "split", "O1.KR1", "--unit", "branch", "--over", "weeks")
    assert result.exit_code == 1, result.output
    assert "okrs.toml: could not write the file (No space left on device)" in result.output
    assert "it was left as it was" in result.output
    assert not isinstance(result.exception, OSError) and "Traceback" not in result.output
    assert _okrs(root).read_bytes() == before
    assert sorted(p.name for p in (root / "targets").iterdir()) == sorted(
        ["okrs.toml", "org.toml", "plan.toml", "budget.toml"]
    )


def test_members_written_as_dotted_keys_are_edited_in_place(
    write_workspace: WriteWorkspace,
) -> None:
    dotted = COMMENTED.replace('  unit = "户"\n', '  unit = "户"\n  members.team-a = 100\n', 1)
    root = write_workspace({"okrs.toml": dotted, "org.toml": THREE_TEAMS})
    result = run(root, "split", "O1.KR1", "--unit", "branch", "--replace")
    assert result.exit_code == 0, result.output
    after = _okrs(root).read_text(encoding="utf-8")
    assert "members.team-a = 34\n" in after and "members.team-c = 33\n" in after
    assert run(root, "validate").exit_code == 0


def test_an_edit_that_would_not_read_back_is_refused() -> None:
    from decimal import Decimal

    from okrdesk.targets.write import CannotEdit, set_key_result_tables

    with pytest.raises(CannotEdit, match="no key result 'KR9'"):
        set_key_result_tables(COMMENTED, "O1", "KR9", {"team-a": Decimal(1)}, None)
    with pytest.raises(CannotEdit, match="cannot edit"):
        set_key_result_tables(COMMENTED.replace('unit = "户"', 'unit = "户"\n  members = 3', 1),
                              "O1", "KR1", {"team-a": Decimal(1)}, None)  # fmt: skip


# ------------------------------------------- the rest of the file, byte for byte

SAMPLE = Path(__file__).resolve().parents[1] / "targets"
_ADDED = re.compile(
    r"\s*(\[objectives\.key_results\.(members|calendar)\]|[\w-]+ = [0-9.]+)?\s*(#.*)?\s*"
)
_REMOVED = re.compile(r"\s*[\w-]+ = [0-9.]+\s*(#.*)?\s*")


def only_the_tables_changed(before: bytes, after: bytes) -> None:
    """Every line outside the key result's members and calendar tables is where it was:
    lines only removed from those tables, and only table lines (or blank ones) added."""
    old = before.decode("utf-8-sig").splitlines(keepends=True)
    new = after.decode("utf-8-sig").splitlines(keepends=True)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, False).get_opcodes():
        if tag == "equal":
            continue
        for line in old[i1:i2]:
            assert _REMOVED.fullmatch(line), f"removed: {line!r}"
        for line in new[j1:j2]:
            assert _ADDED.fullmatch(line), f"added: {line!r}"


def sample_split(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    root = tmp_path / "ws"
    if not root.exists():
        shutil.copytree(SAMPLE, root / "targets")
    env = {**os.environ, "OKRDESK_LOAD_PLUGINS": "brokerage"}
    done = subprocess.run(
        [sys.executable, "-m", "okrdesk", "split", *args, "--lang", "en", "-w", str(root)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    return done, root


def test_split_on_the_sample_changes_only_its_own_tables(tmp_path: Path) -> None:
    done, root = sample_split(tmp_path, "O1.KR3", "--unit", "szft", "--over", "months")
    assert done.returncode == 0, done.stdout + done.stderr
    branch = (root / "targets" / "branch.toml").read_bytes()
    only_the_tables_changed((SAMPLE / "branch.toml").read_bytes(), branch)
    for name in ("org.toml", "plan.toml", "budget.toml", "team-wm1.toml"):
        assert (root / "targets" / name).read_bytes() == (SAMPLE / name).read_bytes()

    # O1.KR1's teams have hand-set targets (160 / 140 / 60): listed, kept without --replace.
    refused, _ = sample_split(tmp_path, "O1.KR1", "--unit", "szft")
    assert refused.returncode == 2
    assert refused.stderr.startswith(
        "O1.KR1 already has figures in targets/branch.toml that this split would replace:\n"
        "  wm1 财富管理一部: 160 accts → 120 accts\n  wm2 财富管理二部: 140 accts → 120 accts\n"
        "  inst 机构业务部: 60 accts → 120 accts\n"
    ), refused.stderr
    assert (root / "targets" / "branch.toml").read_bytes() == branch
    replaced, _ = sample_split(tmp_path, "O1.KR1", "--unit", "szft", "--replace")
    assert replaced.returncode == 0, replaced.stderr
    only_the_tables_changed(branch, (root / "targets" / "branch.toml").read_bytes())


def test_split_over_weeks_on_a_team_file_with_people(tmp_path: Path) -> None:
    done, root = sample_split(
        tmp_path, "INST.HNW", "--unit", "inst", "--over", "weeks", "--replace"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    after = (root / "targets" / "team-inst.toml").read_bytes()
    only_the_tables_changed((SAMPLE / "team-inst.toml").read_bytes(), after)
    assert after.count("# 胡斌".encode()) == (SAMPLE / "team-inst.toml").read_bytes().count(
        "# 胡斌".encode()
    )  # a replaced member target keeps its comment
    assert after.count(b"2026-W") == 53


def test_a_replaced_member_target_keeps_its_comment_in_its_column(
    write_workspace: WriteWorkspace,
) -> None:
    """`huangting = 5              # 黄婷` under `liuyang = 80                # 刘洋`: a
    comment kept moved a column for each digit the figure gained or lost, and the diff a
    reviewer reads showed every comment moved."""
    aligned = COMMENTED.replace(
        "  milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }\n",
        "  milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }\n"
        "  [objectives.key_results.members]\n"
        "  team-a = 5          # 王经理's team\n"
        "  team-b = 90         # 李经理\n"
        "  team-c = 5\t# tabbed\n",
        1,
    )
    root = write_workspace({"okrs.toml": aligned, "org.toml": THREE_TEAMS})
    result = run(root, "split", "O1.KR1", "--unit", "branch", "--replace")
    assert result.exit_code == 0, result.output
    assert (
        "  team-a = 34         # 王经理's team\n"
        "  team-b = 33         # 李经理\n"
        "  team-c = 33\t# tabbed\n"
    ) in _okrs(root).read_text(encoding="utf-8")


def test_a_long_calendar_or_members_table_written_inline_becomes_a_table_of_its_own(
    write_workspace: WriteWorkspace,
) -> None:
    """calendar = { 2026-03 = 0.25 }, as docs/targets.md shows it, split over weeks was
    one line of 1,007 characters: a diff a reviewer reads as one line changed. A short
    one stays inline."""
    inline = COMMENTED.replace(
        "  milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }\n",
        "  milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }\n"
        "  calendar = { 2026-03 = 0.25 }\n  members = { team-a = 50, team-b = 50 }\n",
        1,
    )
    root = write_workspace({"okrs.toml": inline, "org.toml": THREE_TEAMS})
    result = run(root, "split", "O1.KR1", "--unit", "branch", "--over", "weeks", "--replace")
    assert result.exit_code == 0, result.output
    text = _okrs(root).read_text(encoding="utf-8")
    assert max(map(len, text.splitlines())) < 100
    assert "  members = {team-a = 34, team-b = 33, team-c = 33}\n" in text
    assert "\n  [objectives.key_results.calendar]\n  2026-W01 = 0.0099\n" in text
    assert text.count("2026-W") == 53
    plan = open_session(root).plan
    assert len(plan.key_results_by_id["O1.KR1"].calendar) == 53


def test_a_linked_target_file_has_the_file_it_links_to_written(
    write_workspace: WriteWorkspace,
) -> None:
    """targets/okrs.toml a link to ../shared/okrs.toml, as docs/targets.md allows: the
    split said it wrote shared/okrs.toml, but replaced the link with a copy holding the
    shares, and left the shared file without them."""
    root = write_workspace({"okrs.toml": COMMENTED, "org.toml": THREE_TEAMS})
    (root / "shared").mkdir()
    _okrs(root).rename(root / "shared" / "okrs.toml")
    _okrs(root).symlink_to(Path("..") / "shared" / "okrs.toml")
    result = run(root, "split", "O1.KR1", "--unit", "branch")
    assert result.exit_code == 0, result.output
    assert result.output.endswith("Wrote shared/okrs.toml.\n")
    assert _okrs(root).is_symlink()
    assert "  team-a = 34\n" in (root / "shared" / "okrs.toml").read_text(encoding="utf-8")


def test_splits_run_at_once_on_one_file_each_keep_their_shares(
    write_workspace: WriteWorkspace,
) -> None:
    """Six splits started at once, each of its own key result in one file: each read the
    file, wrote it back with its own shares and said so, and all but one or two of them
    were lost. They now take turns, each writing on the file as the one before left it."""
    many = '[[objectives]]\nid = "O1"\ntitle = "开户"\nowner = "branch"\n' + "".join(
        f'\n  [[objectives.key_results]]\n  id = "KR{n}"\n  title = "新开户 {n}"\n'
        f'  target = {n}00\n  unit = "户"\n'
        for n in range(1, 7)
    )
    root = write_workspace({"okrs.toml": many, "org.toml": THREE_TEAMS})
    command = [sys.executable, "-m", "okrdesk", "split", "--unit", "branch", "-w", str(root)]
    piped = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    splits = [
        subprocess.Popen([*command, f"O1.KR{n}", "--lang", "en"], **piped) for n in range(1, 7)
    ]
    said = [split.communicate(timeout=120) for split in splits]
    assert all(out.endswith("Wrote targets/okrs.toml.\n") for out, _ in said), said
    plan = open_session(root).plan
    kept = {n: sum(plan.key_results_by_id[f"O1.KR{n}"].member_targets.values())
            for n in range(1, 7)}  # fmt: skip
    assert kept == {n: n * 100 for n in range(1, 7)}


UNUSUAL = """\
\ufeff# one file holding everything, as `okrdesk init` writes it\r
[[units]]\r
id = "branch"\r
name = "福田"\r
level = "branch"\r
\r
[[units]]\r
id = "team-a"\r
name = "一部"\r
level = "team"\r
parent = "branch"\r
[[units]]\r
id = "team-b"\r
name = "二部"\r
level = "team"\r
parent = "branch"\r
\r
\r
[[people]]    # people after the units\r
id = "cm01"\r
name = "王芳"\r
unit = "team-a"\r
\r
[[objectives]]\r
id = "O1"\r
title = "增长"\r
owner = "branch"\r
\t[[objectives.key_results]]\r
\tid = "KR1"  # tab-indented\r
\ttitle = "开户"\r
\ttarget = 41\r
\tunit = "户"\r
\t# trailing comment of KR1\r
\r
\r
\t[[objectives.key_results]]\r
\tid = "KR2"\r
\ttitle = "收入"\r
\ttarget = 1.5\r
\tunit = "亿元"\r
\t[objectives.key_results.members]\r
\tteam-a = 0.9   # agreed with 王经理\r
\tteam-b = 0.6\r
# the end, no newline after this"""


def test_split_keeps_the_order_of_a_file_s_tables(write_workspace: WriteWorkspace) -> None:
    """A team added below the objectives, and an objective below it, as a manager appends
    to a one-file plan: the split moved the team up beside the other units (tomlkit given
    the whole file), a diff of 20 lines for 4 shares. Only the key result's lines change;
    one written inline in such a file is refused, never moved."""
    appended = COMMENTED + (
        '\n[[units]]\nid = "team-d"\nname = "四部"\nlevel = "team"\nparent = "branch"\n'
        '\n[[objectives]]\nid = "O2"\ntitle = "开户"\nowner = "branch"\n'
        '\n  [[objectives.key_results]]\n  id = "ACC"\n  title = "新开户"\n'
        '  target = 90\n  unit = "户"\n'
    )
    root = write_workspace({"okrs.toml": appended, "org.toml": THREE_TEAMS})
    for kr in ("O1.KR1", "O2.ACC"):
        before = _okrs(root).read_bytes()
        result = run(root, "split", kr, "--unit", "branch", "--over", "months")
        assert result.exit_code == 0, result.output
        only_the_tables_changed(before, _okrs(root).read_bytes())
    after = _okrs(root).read_text(encoding="utf-8")
    assert after.index('id = "team-d"') > after.index('id = "KR2"')
    assert after.endswith("  team-d = 22\n  team-a = 23\n  team-b = 23\n  team-c = 22\n"
                          "\n  [objectives.key_results.calendar]\n  2026-01 = 0.0849\n"
                          "  2026-02 = 0.1616\n  2026-03 = 0.2466\n  2026-04 = 0.3288\n"
                          "  2026-05 = 0.4137\n  2026-06 = 0.4959\n  2026-07 = 0.5808\n"
                          "  2026-08 = 0.6658\n  2026-09 = 0.7479\n  2026-10 = 0.8329\n"
                          "  2026-11 = 0.9151\n  2026-12 = 1\n")  # fmt: skip
    inline = appended.replace(
        '\n  [[objectives.key_results]]\n  id = "ACC"\n  title = "新开户"\n'
        '  target = 90\n  unit = "户"\n',
        'key_results = [{ id = "ACC", title = "新开户", target = 90, unit = "户" }]\n',
    )
    _okrs(root).write_text(inline, encoding="utf-8")
    refused = run(root, "split", "O2.ACC", "--unit", "branch")
    assert refused.exit_code == 2
    assert refused.output.endswith("tomlkit would not keep the file's layout; edit it by "
                                   "hand. Nothing was changed.\n")  # fmt: skip
    zh = CliRunner().invoke(cli, ["split", "O2.ACC", "--unit", "branch", "-w", str(root)])
    assert zh.output == ("targets/okrs.toml：无法把拆分写入文件：tomlkit 无法保持文件中各表原有的"
                         "次序；请手工修改。未做任何改动。\n")  # fmt: skip
    assert _okrs(root).read_text(encoding="utf-8") == inline


def test_split_keeps_an_unusual_layout_byte_for_byte(write_workspace: WriteWorkspace) -> None:
    org = ORG.split("[[units]]")[0]  # the units and people live in okrs.toml here
    root = write_workspace({"okrs.toml": UNUSUAL.encode("utf-8"), "org.toml": org})
    before = _okrs(root).read_bytes()
    assert run(root, "validate").exit_code == 0, run(root, "validate").output
    result = run(root, "split", "O1.KR1", "--unit", "branch", "--over", "months")
    assert result.exit_code == 0, result.output
    after = _okrs(root).read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") and b"\n" not in after.replace(b"\r\n", b"")
    only_the_tables_changed(before, after)
    assert after.endswith(b"# the end, no newline after this")
    # KR2's hand-set 0.9 / 0.6 stay unless --replace.
    refused = run(root, "split", "O1.KR2", "--unit", "branch")
    assert refused.output == (
        "O1.KR2 already has figures in targets/okrs.toml that this split would replace:\n"
        "  team-a 一部: CNY 90m → CNY 75m\n  team-b 二部: CNY 60m → CNY 75m\n"
        "Nothing was changed. Add --replace to replace them.\n"
    )
    assert _okrs(root).read_bytes() == after


CHECKED_IN = COMMENTED.replace('  metric = "new_hnw_clients"\n', "", 1)


def test_by_last_period_on_a_count_tracked_by_checkins(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"okrs.toml": CHECKED_IN, "org.toml": THREE_TEAMS})
    # To-date counts: in 2026-W13 (23 to 29 March) team-a grew by 6, team-b by 2,
    # team-c by 0.
    for team, day, value in [
        ("team-a", "2026-03-20", "4"),
        ("team-a", "2026-03-25", "10"),
        ("team-b", "2026-03-26", "2"),
        ("team-c", "2026-02-10", "5"),
    ]:
        done = run(root, "checkin", "O1.KR1", value, "--unit", team, "--date", day)
        assert done.exit_code == 0, done.output  # fmt: skip
    result = run(root, "split", "O1.KR1", "--unit", "branch", "--by", "last-period",
                 "--as-of", "2026-04-01")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        "  team-a  财富管理一部   75 accts\n  team-b  财富管理二部   25 accts\n"
        "  total                 100 accts\nteam-c: nothing achieved in 2026-W13, so no share;"
    ) in result.output
    # No share, no target: a target of 0 ranked team-c met at 100% by anything.
    shares_of = open_session(root).plan.key_results_by_id["O1.KR1"].member_targets
    assert dict(shares_of) == {"team-a": 75, "team-b": 25}


def test_by_last_period_over_a_named_period_counts_each_of_its_weeks(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"okrs.toml": CHECKED_IN, "org.toml": THREE_TEAMS})
    # In March (the weeks whose Thursday is in it: 2026-W10 to W13, 2 to 29 March) team-a
    # grew from 2 to 10, team-b from nothing to 3; team-c checked in only in February.
    for team, day, value in [
        ("team-a", "2026-02-20", "2"),
        ("team-a", "2026-03-25", "10"),
        ("team-b", "2026-03-05", "3"),
        ("team-c", "2026-02-10", "5"),
        ("team-c", "2026-03-31", "9"),  # in 2026-W14, April's first week
    ]:
        done = run(root, "checkin", "O1.KR1", value, "--unit", team, "--date", day)
        assert done.exit_code == 0, done.output  # fmt: skip
    result = run(root, "split", "O1.KR1", "--unit", "branch", "--by", "last-period",
                 "--period", "2026-03", "--as-of", "2026-04-10", "--dry-run")  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "O1.KR1 新增高净值客户: 100 accts for 福田营业部 (branch), split by what each achieved in "
        "2026-03 "
        "(2026-W10 – 2026-W13) over 2 members:"
    )
    assert lines[1:3] == ["  team-a  财富管理一部   73 accts", "  team-b  财富管理二部   27 accts"]
    assert lines[4] == (
        "team-c: nothing achieved in 2026-03 (2026-W10 – 2026-W13), so no share; a longer "
        "--period (a quarter, last month) evens out a quiet stretch"
    )
    # In Chinese no space after the closing bracket: 2026-W13）的, never 2026-W13） 的.
    asked = ["split", "O1.KR1", "--unit", "branch", "--by", "last-period", "--period",
             "2026-03", "--as-of", "2026-04-10", "--dry-run", "--lang", "zh",
             "-w", str(root)]  # fmt: skip
    zh = CliRunner().invoke(cli, asked).output.splitlines()
    assert zh[0].endswith("按 2026-03（2026-W10 – 2026-W13）的完成量拆给 2 个成员：")
    assert zh[4].startswith("team-c：在 2026-03（2026-W10 – 2026-W13）没有完成量，")
    # A period none of whose weeks has ended by the day is refused, as --period with
    # another --by is.
    early = run(root, "split", "O1.KR1", "--unit", "branch", "--by", "last-period",
                "--period", "2026-04", "--as-of", "2026-04-04")  # fmt: skip
    assert (early.exit_code, early.output) == (2, (
        "no week of the plan in 2026-04 has ended by 2026-04-04; name one that has, or use "
        "--by equal\n"
    ))  # fmt: skip
    equal = run(root, "split", "O1.KR1", "--unit", "branch", "--period", "2026-03")
    assert equal.exit_code == 2 and "--period goes with --by last-period" in equal.output


def test_by_last_period_on_a_metric_shares_by_each_member_s_sum_over_the_period(
    write_workspace: WriteWorkspace,
) -> None:
    team = (
        '[[objectives]]\nid = "T1"\ntitle = "团队"\nowner = "team-a"\n'
        '[[objectives.key_results]]\nid = "KR1"\ntitle = "新增高净值客户"\n'
        'metric = "new_hnw_clients"\ntarget = 1000\nunit = "户"\n'
    )
    root = write_workspace({"team.toml": team})
    assert run(root, "collect", "--through", "2026-04-05").exit_code == 0
    with sqlite3.connect(root / "okrdesk.db") as db:
        sums = dict(db.execute(
            "SELECT subject, SUM(value) FROM observations WHERE metric = 'new_hnw_clients' "
            "AND slice = '' AND period BETWEEN '2026-W01' AND '2026-W13' GROUP BY subject"
        ).fetchall())  # fmt: skip
    result = run(root, "split", "T1.KR1", "--unit", "team-a", "--by", "last-period",
                 "--period", "2026Q1", "--as-of", "2026-04-05", "--dry-run")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "achieved in 2026-Q1 (2026-W01 – 2026-W13)" in result.output
    shown = dict(re.findall(r"^  (cm0\d)\s+\S+\s+(\d+) accts?$", result.output, re.MULTILINE))
    cm01 = round(1000 * sums["cm01"] / (sums["cm01"] + sums["cm02"]))
    assert shown == {"cm01": str(cm01), "cm02": str(1000 - cm01)}


def test_by_last_period_over_periods_not_yet_collected_says_so_not_that_nothing_was_achieved(
    write_workspace: WriteWorkspace,
) -> None:
    """Run on a Monday before the week's collect, the last week has no figures yet: "the
    members achieved nothing in 2026-W16" told a manager their people had sold nothing."""
    team = (
        '[[objectives]]\nid = "T1"\ntitle = "团队"\nowner = "team-a"\n'
        '[[objectives.key_results]]\nid = "KR1"\ntitle = "新增高净值客户"\n'
        'metric = "new_hnw_clients"\ntarget = 1000\nunit = "户"\n'
    )
    root = write_workspace({"team.toml": team})
    split = ("split", "T1.KR1", "--unit", "team-a", "--by", "last-period", "--dry-run")
    before = run(root, *split, "--as-of", "2026-04-20")
    assert (before.exit_code, before.output) == (
        2, "no numbers yet: run `okrdesk collect` first, or use --by equal\n"
    )  # fmt: skip
    assert run(root, "collect", "--through", "2026-04-05").exit_code == 0
    result = run(root, *split, "--as-of", "2026-04-20")
    assert (result.exit_code, result.output) == (2, (
        "no figure of new_hnw_clients is stored for 2026-W16 (collected through 2026-04-05): "
        "run `okrdesk collect`, or name a period that has figures with --period\n"
    ))  # fmt: skip
    assert run(root, *split, "--as-of", "2026-04-06").exit_code == 0


def test_by_last_period_over_a_collected_period_with_no_member_s_row_says_none_achieved(
    write_workspace: WriteWorkspace,
) -> None:
    """A week collected in which no member had a new client has no row of theirs (a
    plugin stores no row of nothing): it was told as not yet collected, "no figure of
    new_hnw_clients is stored for 2026-W12 (collected through 2026-03-31)", the week
    being told collected and not in one line."""
    team = (
        '[[objectives]]\nid = "T1"\ntitle = "团队"\nowner = "team-a"\n'
        '[[objectives.key_results]]\nid = "KR1"\ntitle = "新增高净值客户"\n'
        'metric = "new_hnw_clients"\ntarget = 1000\nunit = "户"\n'
    )
    root = write_workspace({"team.toml": team}, plugin=False)
    (root / "plugins").mkdir()
    quiet = LOCAL_PLUGIN.replace(  # no new client from 2026-W11 on
        "    for index, period in enumerate(request.periods):\n",
        "    for index, period in enumerate(request.periods):\n"
        "        if period.id >= '2026-W11':\n            continue\n",
    )
    (root / "plugins" / "test_metrics.py").write_text(quiet, encoding="utf-8")
    trusted(root)
    assert run(root, "collect", "--through", "2026-03-31").exit_code == 0
    split = ("split", "T1.KR1", "--unit", "team-a", "--by", "last-period", "--dry-run")
    result = run(root, *split, "--as-of", "2026-03-24")
    assert (result.exit_code, result.output) == (
        2, "the members achieved nothing in 2026-W12; use --by equal\n"
    )  # fmt: skip
    later = run(root, *split, "--as-of", "2026-04-07")
    assert later.output == (
        "no figure of new_hnw_clients is stored for 2026-W14 (collected through 2026-03-31): "
        "run `okrdesk collect`, or name a period that has figures with --period\n"
    )
    counted = run(root, *split, "--as-of", "2026-03-24", "--period", "2026Q1")
    assert counted.exit_code == 0, counted.output


def test_by_last_period_with_no_check_in_in_the_period_says_so(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"okrs.toml": CHECKED_IN, "org.toml": THREE_TEAMS})
    done = run(root, "checkin", "O1.KR1", "4", "--unit", "team-a", "--date", "2026-02-20")
    assert done.exit_code == 0, done.output
    result = run(root, "split", "O1.KR1", "--unit", "branch", "--by", "last-period",
                 "--as-of", "2026-04-01", "--dry-run")  # fmt: skip
    assert (result.exit_code, result.output) == (2, (
        "no member checked in O1.KR1 in 2026-W13: name a period with their check-ins with "
        "--period, or use --by equal\n"
    ))  # fmt: skip
    asked = ["split", "O1.KR1", "--unit", "branch", "--by", "last-period",
             "--as-of", "2026-04-01", "--lang", "zh", "-w", str(root)]  # fmt: skip
    zh = CliRunner().invoke(cli, asked)
    assert zh.output == (
        "成员在 2026-W13 都没有 O1.KR1 的打卡：请用 --period 指定有打卡的时段，或用 --by equal\n"
    )


def test_by_last_period_on_a_rate_says_why_not(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"okrs.toml": COMMENTED, "org.toml": THREE_TEAMS})
    result = run(root, "split", "O1.KR2", "--unit", "branch", "--by", "last-period")
    assert (result.exit_code, result.output) == (2, (
        "--by last-period shares a count or an amount; O1.KR2 is a rate in ‰, which every "
        "member gets whole: use --by equal\n"
    ))  # fmt: skip


def test_weights_may_be_typed_as_people_write_them(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    typed = 'team-a = "50%"\nteam-b = "1,000"\nteam-c = 0.5\n'
    root, args = by_weight(write_workspace, tmp_path, typed)
    weights = tmp_path / "weights.toml"
    result = run(root, *args, "--dry-run")
    assert result.exit_code == 0, result.output
    assert (
        "over 1 member:\n  team-b  财富管理二部  100 accts\n  total                 100 accts\n"
        "team-a, team-c: no share (it comes to nothing), so no target of theirs is written\n"
    ) in result.output
    weights.write_text('team-a = "1,5"\n', encoding="utf-8")
    refused = run(root, *args)
    assert refused.output == (
        f"{weights}:1: team-a: '1,5': commas only separate thousands, in groups of three "
        "(1,234,567); write the number without them\n"
    )


def test_split_speaks_the_workspace_s_language(write_workspace: WriteWorkspace) -> None:
    """A Chinese workspace is told in Chinese: what was split, the total lined up by
    terminal columns, the refusal of a split at a unit that does not own the result."""
    root = write_workspace()
    done = CliRunner().invoke(cli, ["split", "O1.KR1", "--unit", "branch", "--over", "months",
                                    "--dry-run", "-w", str(root)])  # fmt: skip
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert lines[0].endswith("福田营业部（branch）的 360户，平均拆给 1 个成员："), lines[0]
    assert lines[1:3] == ["  team-a  财富管理一部  360户", "  合计                  360户"]
    assert lines[3].startswith("每个月末应累计完成：2026-01 ")
    assert lines[-1] == "试运行：targets/okrs.toml 未改动。"
    refused = CliRunner().invoke(cli, ["split", "O1.KR1", "--unit", "team-a", "-w", str(root)])
    assert refused.exit_code == 2
    assert refused.output.startswith(
        "O1.KR1 属于 branch，不属于 team-a；请在关键结果的所属单位拆分"
    )


MEMBERS_ONLY = """\
[[objectives]]
id = "O1"
title = "直营 AUM 净增"
owner = "branch"

  [[objectives.key_results]]
  id = "KR1"
  title = "新增高净值客户"
  metric = "new_hnw_clients"
  unit = "户"
  milestones = { Q2 = 0.45, Q4 = 1.0 }
  [objectives.key_results.members]
  team-a = 60
  team-b = 30
  team-c = 30
"""


def test_a_target_that_is_the_sum_of_its_members_is_split_as_that_sum(
    write_workspace: WriteWorkspace,
) -> None:
    # targets.md: with no target of its own, a unit's target is the sum of its
    # members'. That sum is what a split shares out again, and cuts over months.
    root = write_workspace({"okrs.toml": MEMBERS_ONLY, "org.toml": THREE_TEAMS})
    over = run(root, "split", "O1.KR1", "--unit", "branch", "--over", "months")
    assert over.exit_code == 2, over.output  # equal shares would change the members'
    assert "  team-a 财富管理一部: 60 accts → 40 accts\n" in over.output
    result = run(root, "split", "O1.KR1", "--unit", "branch", "--over", "months", "--replace")
    assert result.exit_code == 0, result.output
    assert (
        "O1.KR1 新增高净值客户: 120 accts for 福田营业部 (branch), split equally over 3 members:"
    ) in result.output
    kr = open_session(root).plan.key_results_by_id["O1.KR1"]
    assert kr.target is None  # still the sum of the members', now shared equally
    assert dict(kr.member_targets) == {"team-a": 40, "team-b": 40, "team-c": 40}
    assert len(kr.calendar) == 12


GROWTH = COMMENTED.replace("  target = 100        # 户\n", '  growth = "18%"\n').replace(
    "  milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }\n", ""
)
RATE_BY_MEMBERS = COMMENTED.replace(
    '  target = 0.15\n  unit = "‰"\n',
    '  unit = "‰"\n  [objectives.key_results.members]\n  team-a = 0.15\n',
)


@pytest.mark.parametrize(("okrs", "kr"), [(GROWTH, "O1.KR1"), (RATE_BY_MEMBERS, "O1.KR2")])
def test_a_growth_target_or_a_rate_s_members_give_nothing_to_split(
    write_workspace: WriteWorkspace, okrs: str, kr: str
) -> None:
    root = write_workspace({"okrs.toml": okrs})
    assert not open_session(root).problems
    result = run(root, "split", kr, "--unit", "branch")
    assert (result.exit_code, result.output) == (
        2, f"{kr} has no target of its own to split; give it one first\n"
    )  # fmt: skip


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_split_lines_up_by_terminal_cells_and_speaks_chinese_punctuation(
    write_workspace: WriteWorkspace, tmp_path: Path, lang: str
) -> None:
    """A team named with an accent typed as its own mark (``Cafe\\u0301``, as a Mac
    writes it) took a column more than a terminal gives it, so its figure stood one cell
    left of the others'; and a Chinese split's lines of figures it would replace read
    ``财富管理一部: 34 户``, an English colon. Figures end in one column; Chinese lines
    have Chinese punctuation."""
    from okrdesk.report.text_layout import cell_width

    org = THREE_TEAMS.replace('name = "机构业务部"', 'name = "Cafe\u0301 机构"')
    root = write_workspace({"okrs.toml": COMMENTED, "org.toml": org})
    assert run(root, "split", "O1.KR1", "--unit", "branch").exit_code == 0
    (tmp_path / "weights.toml").write_text("team-a = 2\nteam-b = 1\nteam-c = 1\n", "utf-8")
    weights = ["--by", "weight", "--weights", str(tmp_path / "weights.toml")]
    args = ["split", "O1.KR1", "--unit", "branch", *weights, "--over", "months", "--lang", lang]
    args += ["-w", str(root)]
    done = CliRunner().invoke(cli, [*args, "--dry-run"])
    assert done.exit_code == 0, done.output
    rows = [line for line in done.output.splitlines() if line.startswith("  ") and "→" not in line]
    assert len(rows) == 4, rows  # three teams and the total
    assert len({cell_width(row) for row in rows}) == 1, rows
    if lang == "zh":
        replaced = [line for line in done.output.splitlines() if "→" in line]
        assert replaced and all("：" in line and ": " not in line for line in replaced), replaced
        (due,) = [line for line in done.output.splitlines() if line.startswith("每个月末")]
        assert "、2026-02 " in due and ", " not in due, due


@pytest.mark.parametrize(
    ("lang", "told"),
    [
        ("en", "2025-Q4 is before the plan starts (2026-01-01): O1.KR1 is tracked by "
               "check-ins, and last year's were last year's plan's; name a period of this "
               "plan that has ended, or use --by equal or --by weight\n"),
        ("zh", "2025-Q4 早于计划开始日（2026-01-01）：O1.KR1 靠打卡跟踪，去年的打卡属于去年的"
               "计划；请指定本计划内已结束的时段，或用 --by equal、--by weight\n"),
    ],
)  # fmt: skip
def test_by_last_period_over_last_years_quarter_of_check_ins_says_they_were_last_plan_s(
    write_workspace: WriteWorkspace, lang: str, told: str
) -> None:
    """On 5 January a manager shares the year's target by last year's fourth quarter; it
    was refused as a period none of whose weeks had ended ('已结束的week', in Chinese).
    A key result tracked by check-ins has none of last year: those were last year's plan's."""
    root = write_workspace({"okrs.toml": CHECKED_IN, "org.toml": THREE_TEAMS})
    done = CliRunner().invoke(cli, ["split", "O1.KR1", "--unit", "branch", "--by",
                                    "last-period", "--period", "2025-Q4", "--as-of",
                                    "2026-01-05", "--lang", lang, "-w", str(root)])  # fmt: skip
    assert (done.exit_code, done.output) == (2, told)


LAST_YEARS_TEAM = (
    '[[objectives]]\nid = "T1"\ntitle = "团队"\nowner = "team-a"\n'
    '[[objectives.key_results]]\nid = "KR1"\ntitle = "新增高净值客户"\n'
    'metric = "new_hnw_clients"\ntarget = 1000\nunit = "户"\n'
)


def test_by_last_period_over_last_year_shares_this_year_s_target_by_last_year_s_figures(
    write_workspace: WriteWorkspace,
) -> None:
    """December's work: the new year's target shared by what each member achieved in the
    year before, from the figures the store kept from last year's plan. `--period 2025`
    was "no period", and last year's quarter "before the plan starts"."""
    from sample_workspace import PLAN

    last_year = PLAN.replace("2026", "2025")
    root = write_workspace(
        {"plan.toml": last_year, "budget.toml": None, "team.toml": LAST_YEARS_TEAM}
    )
    assert run(root, "collect", "--through", "2025-12-31").exit_code == 0
    (root / "targets" / "plan.toml").write_text(PLAN, encoding="utf-8")
    with sqlite3.connect(root / "okrdesk.db") as db:
        sums = dict(db.execute(
            "SELECT subject, SUM(value) FROM observations WHERE metric = 'new_hnw_clients' "
            "AND slice = '' AND period LIKE '2025-W%' GROUP BY subject"
        ).fetchall())  # fmt: skip
    cm01 = round(1000 * sums["cm01"] / (sums["cm01"] + sums["cm02"]))
    split = ("split", "T1.KR1", "--unit", "team-a", "--by", "last-period", "--dry-run",
             "--as-of", "2026-01-05")  # fmt: skip
    for period in ("2025", "last year", "去年", "上年"):
        done = run(root, *split, "--period", period)
        assert done.exit_code == 0, done.output
        assert "achieved in 2025 (2025-W01 – 2025-W53)" in done.output
        shown = dict(re.findall(r"^  (cm0\d)\s+\S+\s+(\d+) accts?$", done.output, re.MULTILINE))
        assert shown == {"cm01": str(cm01), "cm02": str(1000 - cm01)}, done.output
    args = [*split, "--period", "2025Q4", "--lang", "zh", "-w", str(root)]
    quarter = CliRunner().invoke(cli, args)
    assert quarter.exit_code == 0 and "按 2025-Q4（2025-W40 – 2025-W53）的完成量" in quarter.output


def test_by_last_period_over_a_year_the_store_never_held_says_where_it_starts(
    write_workspace: WriteWorkspace,
) -> None:
    """A store begun with this plan holds nothing of last year: "the members achieved
    nothing" would tell a manager their people sold nothing. Said instead, with where the
    figures start and that [[baselines]] can hold last year's; typed there, they count."""
    root = write_workspace({"team.toml": LAST_YEARS_TEAM})
    assert run(root, "collect", "--through", "2026-03-31").exit_code == 0
    split = ("split", "T1.KR1", "--unit", "team-a", "--by", "last-period", "--dry-run",
             "--as-of", "2026-04-05", "--period")  # fmt: skip
    told = run(root, *split, "2025")
    assert (told.exit_code, told.output) == (2, (
        "the store holds no figure of new_hnw_clients for 2025 (2025-W01 – 2025-W53), only "
        "from 2026-01-01 on: type the members' figures of it in [[baselines]], or use --by "
        "equal or --by weight\n"
    ))  # fmt: skip
    zh = CliRunner().invoke(cli, [*split, "去年", "--lang", "zh", "-w", str(root)])
    assert zh.output == (
        "库中没有 new_hnw_clients 在 2025（2025-W01 – 2025-W53）的数字（自 2026-01-01 起才有）："
        "请在 [[baselines]] 中写入各成员在该时段的数字，或用 --by equal、--by weight\n"
    )
    typed = (
        '[[baselines]]\nmetric = "new_hnw_clients"\nsubject = "cm01"\nunit = "户"\n'
        "values = { 2025-W50 = 3, 2025-W51 = 1 }\n"
        '[[baselines]]\nmetric = "new_hnw_clients"\nsubject = "cm02"\nunit = "户"\n'
        "values = { 2025-W51 = 4 }\n"
    )
    (root / "targets" / "last_year.toml").write_text(typed, encoding="utf-8")
    done = run(root, *split, "2025")
    assert done.exit_code == 0, done.output
    shown = dict(re.findall(r"^  (cm0\d)\s+\S+\s+(\d+) accts?$", done.output, re.MULTILINE))
    assert shown == {"cm01": "500", "cm02": "500"}, done.output


@pytest.mark.parametrize(
    ("lang", "told"),
    [
        ("en", "2027-Q1 is after the plan ends (2026-12-31): --by last-period counts what "
               "was achieved in the plan's own weeks; name one that has ended, or use --by "
               "equal\n"),
        ("zh", "2027-Q1 晚于计划结束日（2026-12-31）：--by last-period 按本计划各周的完成量"
               "拆分；请指定本计划内已结束的时段，或用 --by equal\n"),
    ],
)  # fmt: skip
@pytest.mark.usefixtures("plans_over")  # as of the plan's end, after today
def test_by_last_period_over_next_years_quarter_says_it_is_after_the_plan(
    write_workspace: WriteWorkspace, lang: str, told: str
) -> None:
    """A quarter after the plan's year was told none of its weeks had ended by the day,
    as if waiting would help; it is no period of this plan, whatever the day."""
    root = write_workspace({"okrs.toml": CHECKED_IN, "org.toml": THREE_TEAMS})
    for day in ("2026-06-30", "2027-05-01"):
        done = CliRunner().invoke(cli, ["split", "O1.KR1", "--unit", "branch", "--by",
                                        "last-period", "--period", "2027Q1", "--as-of", day,
                                        "--lang", lang, "-w", str(root)])  # fmt: skip
        assert (done.exit_code, done.output) == (2, told)


def test_a_period_not_ended_is_told_in_chinese_with_chinese_words(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"okrs.toml": CHECKED_IN, "org.toml": THREE_TEAMS})
    done = CliRunner().invoke(cli, ["split", "O1.KR1", "--unit", "branch", "--by",
                                    "last-period", "--period", "2026-02", "--as-of",
                                    "2026-01-05", "--lang", "zh", "-w", str(root)])  # fmt: skip
    assert (done.exit_code, done.output) == (2, (
        "到 2026-01-05 为止，2026-02 中还没有已结束的周；请换一个已结束的时段，或用 --by equal\n"
    ))  # fmt: skip
