"""A firm's store shared by its branches holds every branch's check-ins, often under the
same key result ids (`O1.NEW`). The report, `check` and `explain` read every subject's
check-ins of a key result, so one row of another branch spoilt by a hand edit stopped a
branch's own report. They read the plan's subjects' alone, and, where the plan has an
old unit id to look under, those kept under it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from sample_workspace import WriteWorkspace
from test_money import CHECKIN_OKRS
from test_move_unit import _renamed_top, _run, _spoilt_by_another_branch
from test_report import AS_OF, okrdesk


def _checked_in_with_a_spoilt_neighbour(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace({"okrs.toml": CHECKIN_OKRS})
    assert _run(root, "checkin", "O1.NEW", "3", "--date", "2026-03-02").exit_code == 0
    _spoilt_by_another_branch(root)
    return root


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_check_and_explain_read_only_the_plans_check_ins(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    root = _checked_in_with_a_spoilt_neighbour(write_workspace)
    report = _run(root, "report", "--as-of", "2026-03-20", "--format", "json", "--lang", lang)
    assert report.exit_code in (0, 1), report.output
    figures = {
        kr["id"]: kr["actual"]
        for objective in json.loads(report.output)["objectives"]
        for kr in objective["key_results"]
    }
    assert figures["O1.NEW"] == 3, figures  # longhua's 7 is not this branch's
    check = _run(root, "check", "--as-of", "2026-03-20", "--lang", lang)
    assert check.exit_code in (0, 1) and "2026-03-3" not in check.output, check.output
    explain = _run(root, "explain", "O1.NEW", "--as-of", "2026-03-20", "--lang", lang)
    assert explain.exit_code == 0, explain.output
    assert "2026-03-02" in explain.output and "2026-03-3" not in explain.output


def test_check_ins_under_the_old_unit_id_are_still_told_beside_a_spoilt_neighbour(
    copy_of_the_demo: Callable[[str], Path],
) -> None:
    """After the plan's unit is renamed (szft → futian), its check-ins kept under the old
    id are told, and not counted, as before, though another branch's spoilt check-in of
    the same key result sits beside them."""
    demo = copy_of_the_demo("move-unit")
    with closing(sqlite3.connect(demo / "okrdesk.db")) as db, db:
        db.execute(
            "INSERT INTO checkins (key_result, subject, day, value, note, recorded, author) "
            "VALUES ('C1.KR2', 'longhua', '2026-03-3', 7, '', '2026-03-02T09:00:00+00:00', "
            "'liuyang')"
        )
    _renamed_top(demo)
    report = okrdesk("report", "-w", str(demo), "--as-of", AS_OF, "--format", "json",
                     "--lang", "en")  # fmt: skip
    assert report.returncode in (0, 1), report.stderr
    told = [a["message"] for a in json.loads(report.stdout)["alerts"] if a["kind"] == "old_unit"]
    assert len(told) == 1 and "szft" in told[0] and "move-unit" in told[0], told
