"""A report on a unit of many people (a region, a firm) lists the top and the bottom
of its rankings in the formats people read, and everyone in the workbook and JSON."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.report.notes import LISTED_AT_EACH_END, LISTED_PEOPLE
from sample_workspace import OKRS, ORG, WriteWorkspace
from test_scoring import policy_file

PEOPLE = 60
AS_OF = "2026-03-15"


def many_people() -> tuple[str, str]:
    ids = [f"cm{n:02d}" for n in range(1, PEOPLE + 1)]
    org = ORG.split("[[people]]")[0] + "".join(
        f'[[people]]\nid = "{i}"\nname = "客户经理{i[2:]}"\nunit = "team-a"\n\n' for i in ids
    )
    members = ", ".join(f"{i} = 12" for i in ids)
    okrs = OKRS.replace("milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }",
                        f"members = {{ {members} }}")  # fmt: skip
    return org, okrs.replace("target = 360\n", "")


@pytest.fixture
def workspace(write_workspace: WriteWorkspace) -> Path:
    org, okrs = many_people()
    root = write_workspace({"org.toml": org, "okrs.toml": okrs,
                            "scoring.toml": policy_file("10")})  # fmt: skip
    done = CliRunner().invoke(cli, ["collect", "--through", AS_OF, "-w", str(root)])
    assert done.exit_code == 0, done.output
    return root


def report(root: Path, *args: str) -> str:
    done = CliRunner().invoke(cli, ["report", "--as-of", AS_OF, "-w", str(root), *args],
                              env={"COLUMNS": "120"})  # fmt: skip
    assert done.exit_code == 0, done.output
    return done.output


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_a_long_ranking_lists_its_top_and_bottom(workspace: Path, fmt: str) -> None:
    shown = report(workspace, "--format", fmt)
    left_out = PEOPLE - 2 * LISTED_AT_EACH_END
    assert PEOPLE > LISTED_PEOPLE
    # Once in the ranking of people and once in the scores table.
    assert shown.count(f"⋮ 另有 {left_out} 人未列出（xlsx、JSON 格式列出全部）") == 2
    people = re.findall(r"客户经理(\d\d)", shown)
    # The ranking lists 40 of the 60 people, and so does the scores table.
    assert len(people) == 2 * 2 * LISTED_AT_EACH_END
    assert len(set(people[: 2 * LISTED_AT_EACH_END])) == 2 * LISTED_AT_EACH_END
    if fmt == "text":
        ranks = [int(r) for r in re.findall(r"│ +(\d+) │ 客户经理", shown)]
        # 59 people capped at 120.0% share the first rank, not 1st to 59th by their ids;
        # the one below them is 60th, after all 59.
        assert ranks == [1] * (2 * LISTED_AT_EACH_END - 1) + [PEOPLE]
    # Nobody is flagged, so no note says what ⚑ means (the demo's snapshots have one).
    assert "⚑" not in shown
    english = report(workspace, "--format", fmt, "--lang", "en")
    assert f"⋮ {left_out} more people not listed (the xlsx and JSON formats list everyone)" in (
        english
    )


def test_the_workbook_and_json_list_everyone(workspace: Path, tmp_path: Path) -> None:
    found = json.loads(report(workspace, "--format", "json"))
    assert len([m for m in found["members"] if m["kind"] == "person"]) == PEOPLE
    assert len(found["scores"]) == PEOPLE
    out = tmp_path / "r.xlsx"
    report(workspace, "-o", str(out))
    book = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    listed = {c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row
              if isinstance(c.value, str) and c.value.startswith("客户经理")}  # fmt: skip
    assert len({re.findall(r"客户经理(\d\d)", v)[0] for v in listed}) == PEOPLE


def test_a_short_ranking_lists_everyone(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"scoring.toml": policy_file("10")})
    done = CliRunner().invoke(cli, ["collect", "--through", AS_OF, "-w", str(root)])
    assert done.exit_code == 0, done.output
    assert "未列出" not in report(root)


def test_members_whose_scores_read_the_same_share_a_rank() -> None:
    """Branches at 106.1% each, by decimals the report does not show, are not 2nd and 3rd:
    they share the rank, and the next counts them all; people rank apart from units."""
    from okrdesk.engine.progress import MemberProgress
    from okrdesk.report.build import _ranked

    # 106.1%, 106.1%, 106.0%, 105.9%, no score; a person at 106.1%.
    scores = [("b1", "unit", 1.06144), ("b2", "unit", 1.0614), ("b3", "unit", 1.0604),
              ("b4", "unit", 1.0594), ("b5", "unit", None), ("p1", "person", 1.06144)]  # fmt: skip
    ranked = _ranked(MemberProgress(i, i, kind, s, 0, 1) for i, kind, s in scores)
    assert [(m.id, m.rank) for m in ranked] == [
        ("b1", 1), ("b2", 1), ("b3", 3), ("b4", 4), ("b5", None), ("p1", 1)
    ]  # fmt: skip
