"""validate's advice is the line as it is to be written where the mistake is: below a
``[...milestones]`` header one entry a line, not an inline table; into an inline table
a header below it cannot add to. Run through the real ``okrdesk`` command on files on
disk."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sample_workspace import BUDGET, OKRS, WriteWorkspace

OKRDESK = str(Path(sys.executable).with_name("okrdesk"))
INLINE = "milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }\n"


def validate(root: Path, lang: str = "en") -> list[str]:
    """validate's problem lines, after checking that it failed as it must, untraced."""
    environment = {**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics"}
    done = subprocess.run([OKRDESK, "-w", str(root), "validate", "--lang", lang],
                          capture_output=True, text=True, encoding="utf-8", env=environment,
                          check=False)  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stdout.rstrip("\n").split("\n")[:-1]
    return [line for line in lines if not line.startswith((" ", "warning: ", "警告："))]


@pytest.mark.parametrize(
    ("below", "told"),
    [
        pytest.param(
            "Q2 = 45\nQ3 = 70\nQ4 = 100\n",
            ["targets/okrs.toml:13: objectives[O1].key_results[KR1].milestones: written in "
             "percent (45, 70, 100), but milestones hold fractions of the whole, between 0 and 1; "
             "write Q2 = 0.45, Q3 = 0.7 and Q4 = 1.0, one a line below "
             "[objectives.key_results.milestones]"],
            id="percent figures",
        ),
        pytest.param(
            "Q2 = 45%\nQ3 = 70%\nQ4 = 100%\n",
            ["targets/okrs.toml:13: TOML syntax: 45% is not a TOML number: write Q2 = 0.45 "
             "(column 8)",
             "targets/okrs.toml:14: TOML syntax: 70% is not a TOML number: write Q3 = 0.7 "
             "(column 8)",
             "targets/okrs.toml:15: TOML syntax: 100% is not a TOML number: write Q4 = 1.0 "
             "(column 9)"],
            id="percent signs",
        ),
        pytest.param(
            'Q2 = "45%"\nQ3 = "７０％"\nQ4 = 1.0\n',
            ['targets/okrs.toml:13: objectives[O1].key_results[KR1].milestones.Q2: expected a '
             'fraction between 0 and 1; got the text "45%": write Q2 = 0.45, without quotes',
             'targets/okrs.toml:14: objectives[O1].key_results[KR1].milestones.Q3: expected a '
             'fraction between 0 and 1; got the text "７０％": write Q3 = 0.7, without quotes'],
            id="percent quoted, full-width too",
        ),
        pytest.param(
            "Q1 = 0.25\nQ2 = 0.25\nQ3 = 0.25\nQ4 = 0.25\n",
            ["targets/okrs.toml:12: objectives[O1].key_results[KR1].milestones: the fractions "
             "add up to 1, as each phase's own share would; but milestones count the share done "
             "by the end of each phase, so only 25% of the whole would be due by the end of Q4; "
             "write Q1 = 0.25, Q2 = 0.5, Q3 = 0.75 and Q4 = 1.0, one a line below "
             "[objectives.key_results.milestones]"],
            id="each phase's own share",
        ),
    ],
)  # fmt: skip
def test_milestones_below_their_header_are_told_one_entry_a_line(
    write_workspace: WriteWorkspace, below: str, told: list[str]
) -> None:
    okrs = OKRS.replace(INLINE, f"[objectives.key_results.milestones]\n{below}")
    assert validate(write_workspace({"okrs.toml": okrs})) == told


def test_a_percent_inside_inline_milestones_is_told_as_the_entry_to_write(
    write_workspace: WriteWorkspace,
) -> None:
    okrs = OKRS.replace(INLINE, "milestones = { Q2 = 0.45, Q3 = 70%, Q4 = 1.0 }\n")
    assert validate(write_workspace({"okrs.toml": okrs})) == [
        "targets/okrs.toml:12: TOML syntax: 70% is not a TOML number: write Q3 = 0.7 (column 34)"
    ]


SQL = '[workspace]\nlang = "en"\n\n[sources.sql]\n'


@pytest.mark.parametrize(
    ("written", "told"),
    [
        pytest.param(
            'tables = { sales = "data/sales.csv" }   # 两张表\n\n'
            '[sources.sql.tables.calls]\npath = "data/calls.csv"\nskip = 1\n',
            "okrdesk.toml:7: TOML syntax: sources.sql.tables was already written as an inline "
            'table at line 5 (tables = { sales = "data/sales.csv" }), and TOML closes an inline '
            "table where it ends: either add the entry inside it, writing line 5 as tables = "
            '{ sales = "data/sales.csv", calls = { path = "data/calls.csv", skip = 1 } } and '
            "deleting [sources.sql.tables.calls] and the lines below it, or delete line 5 and "
            "write every entry of sources.sql.tables one a line under a [sources.sql.tables] "
            "header of its own, below the keys of [sources.sql]",
            id="a header below the inline table",
        ),
        pytest.param(
            'tables = { sales = "data/sales.csv" }\n\n[sources.sql.tables]\n'
            'calls = "data/calls.csv"\n',
            "okrdesk.toml:7: TOML syntax: sources.sql.tables was already written as an inline "
            'table at line 5 (tables = { sales = "data/sales.csv" }), and TOML closes an inline '
            "table where it ends: either add the entry inside it, writing line 5 as tables = "
            '{ sales = "data/sales.csv", calls = "data/calls.csv" } and deleting '
            "[sources.sql.tables] and the lines below it, or delete line 5 and write every "
            "entry of sources.sql.tables one a line under a [sources.sql.tables] header of its "
            "own, below the keys of [sources.sql]",
            id="the inline table's own header",
        ),
        pytest.param(
            'tables = { sales = "data/sales.csv" }\ntables.calls = "data/calls.csv"\n',
            "okrdesk.toml:6: TOML syntax: sources.sql.tables was already written as an inline "
            'table at line 5 (tables = { sales = "data/sales.csv" }), and TOML closes an inline '
            "table where it ends: either add the entry inside it, writing line 5 as tables = "
            '{ sales = "data/sales.csv", calls = "data/calls.csv" } and deleting this line, or '
            "delete line 5 and write every entry of sources.sql.tables one a line under a "
            "[sources.sql.tables] header of its own, below the keys of [sources.sql]",
            id="a dotted key below the inline table",
        ),
        pytest.param(
            'tables.sales = "data/sales.csv"\n\n[sources.sql.tables]\ncalls = "data/calls.csv"\n',
            "okrdesk.toml:7: TOML syntax: [sources.sql.tables] declares sources.sql.tables, which "
            'line 5 already began with a dotted key (tables.sales = "data/sales.csv"): move that '
            'entry below this header, written as sales = "data/sales.csv", and delete line 5',
            id="a header below a dotted key",
        ),
    ],
)
def test_a_table_written_inline_then_added_to_names_its_line_and_the_line_to_write(
    write_workspace: WriteWorkspace, written: str, told: str
) -> None:
    root = write_workspace()
    (root / "okrdesk.toml").write_text(SQL + written, encoding="utf-8")
    assert validate(root) == [told]


def test_a_table_written_twice_is_still_told_so(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    text = SQL + 'connection_env = "WAREHOUSE_URL"\n\n[sources.sql]\nallow_outside_workspace = 1\n'
    (root / "okrdesk.toml").write_text(text, encoding="utf-8")
    assert validate(root) == [
        "okrdesk.toml:7: TOML syntax: [sources.sql] is written twice; the first is at line 4: "
        "write these keys under it"
    ]


def test_the_inline_table_named_is_the_one_of_the_same_key_result(
    write_workspace: WriteWorkspace,
) -> None:
    """KR1 writes its milestones inline, rightly; KR2 writes them inline and below a header
    too: the line named is KR2's, and the line advised reads."""
    okrs = OKRS.replace(
        'unit = "‰"\n',
        'unit = "‰"\nmilestones = { Q4 = 0.5 }\n[objectives.key_results.milestones]\nQ2 = 0.2\n',
    )
    root = write_workspace({"okrs.toml": okrs})
    told = validate(root)
    assert len(told) == 1
    assert told[0].startswith(
        "targets/okrs.toml:22: TOML syntax: objectives.key_results.milestones was already "
        "written as an inline table at line 21 (milestones = { Q4 = 0.5 }), and TOML closes an "
        "inline table where it ends: either add the entry inside it, writing line 21 as "
        "milestones = { Q4 = 0.5, Q2 = 0.2 } and deleting [objectives.key_results.milestones] "
        "and the lines below it"
    )
    fixed = okrs.replace(
        "milestones = { Q4 = 0.5 }\n[objectives.key_results.milestones]\nQ2 = 0.2\n",
        "milestones = { Q4 = 0.5, Q2 = 0.2 }\n",
    )
    (root / "targets" / "okrs.toml").write_text(fixed, encoding="utf-8")
    assert not any("TOML syntax" in line for line in validate_any(root))


def validate_any(root: Path) -> list[str]:
    """validate's output lines, whatever its exit code."""
    environment = {**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics"}
    done = subprocess.run([OKRDESK, "-w", str(root), "validate", "--lang", "en"],
                          capture_output=True, text=True, encoding="utf-8", env=environment,
                          check=False)  # fmt: skip
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout.splitlines()


def test_a_list_written_inline_then_given_a_header_names_its_line(
    write_workspace: WriteWorkspace,
) -> None:
    budget = BUDGET.replace(
        "expected_revenue = 10000\n",
        'expected_revenue = 10000\nlines = [{ id = "gifts", name = "礼品", owner = "branch", '
        "amount = 0 }]\n",
    )
    assert validate(write_workspace({"budget.toml": budget})) == [
        "targets/budget.toml:7: TOML syntax: budget.lines was already written as an inline "
        'array at line 5 (lines = [{ id = "gifts", name = "礼品", owner = "branch", amount = 0 '
        "}]), and TOML closes an array where it ends: write each of its items as a "
        "[[budget.lines]] table of its own, with its keys one a line below it, and delete line 5"
    ]


def test_milestones_written_as_dotted_keys_are_told_as_dotted_keys(
    write_workspace: WriteWorkspace,
) -> None:
    dotted = "milestones.Q2 = 45\nmilestones.Q3 = 70\nmilestones.Q4 = 100\n"
    assert validate(write_workspace({"okrs.toml": OKRS.replace(INLINE, dotted)})) == [
        "targets/okrs.toml:12: objectives[O1].key_results[KR1].milestones: written in percent "
        "(45, 70, 100), but milestones hold fractions of the whole, between 0 and 1; write "
        "milestones.Q2 = 0.45, milestones.Q3 = 0.7 and milestones.Q4 = 1.0, one a line"
    ]
