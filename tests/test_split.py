"""okrdesk split: shares that add up, written back without disturbing the file."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.app.session import open_session
from okrdesk.cli import cli
from okrdesk.engine.shares import shares
from sample_workspace import ORG, WriteWorkspace

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
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


def test_split_round_trips_a_commented_file(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"okrs.toml": COMMENTED, "org.toml": THREE_TEAMS})
    result = run(root, "split", "O1.KR1", "--unit", "branch")
    assert result.exit_code == 0, result.output
    # 100 over three teams in whole clients: 34 + 33 + 33, largest remainder first.
    assert "  team-a  34 户" in result.output and "  total   100 户" in result.output
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
    result = run(
        root, "split", "O1.KR1", "--unit", "branch", "--by", "weight", "--weights", str(weights)
    )
    assert result.exit_code == 0, result.output
    text = (root / "targets" / "okrs.toml").read_text(encoding="utf-8")
    assert text.count("[objectives.key_results.members]") == 1
    assert "  team-a = 50\n  team-b = 25\n  team-c = 25\n\n  # KR2 is a guardrail." in text
    plan = open_session(root).plan
    assert dict(plan.key_results_by_id["O1.KR1"].member_targets) == {
        "team-a": 50, "team-b": 25, "team-c": 25,
    }  # fmt: skip


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
    result = run(root, "split", "O1.KR1", "--unit", "branch")
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
