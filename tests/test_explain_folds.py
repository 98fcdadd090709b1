"""`okrdesk explain --person` at a terminal of 80 columns: a row's source rows ran on to
about 100 columns; now each column of the table is as wide as what it holds, and a
source too long for the line goes on under itself, broken between the rows it cites,
none of them cut. Piped, to a file or a mail, they fold alike at 80 columns; with
COLUMNS=1000 a row is one line, for grep. The demo workspace, the `okrdesk` process, a
real pseudo-terminal."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from okrdesk.messages import display_width
from test_report import AS_OF
from test_weekly_rhythm import in_a_terminal


@pytest.fixture(scope="module")
def demo(copy_of_the_demo: Callable[[str], Path]) -> Path:
    return copy_of_the_demo("explain-folds")


def piped(*args: str, columns: str | None = None) -> list[str]:
    env = {**os.environ, "OKRDESK_LOAD_PLUGINS": "brokerage"}
    env.pop("COLUMNS", None)
    done = subprocess.run(
        [sys.executable, "-m", "okrdesk", *args], stdin=subprocess.DEVNULL,
        capture_output=True, text=True, env=env if columns is None else {**env, "COLUMNS": columns},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("key_result", "person"), [("WM1.NNA", "wumin"), ("O2.KR1", "zhuqiang")])
def test_a_persons_sources_fold_under_themselves_at_80_columns(
    demo: Path, lang: str, key_result: str, person: str
) -> None:
    args = ("explain", key_result, "--person", person, "-w", str(demo), "--as-of", AS_OF,
            "--lang", lang)  # fmt: skip
    whole = piped(*args, columns="1000")
    assert any(display_width(line) > 80 for line in whole)
    shown = [line.rstrip() for line in in_a_terminal(*args) if line.strip()]
    assert all(display_width(line) <= 80 for line in shown), shown
    assert [line for line in piped(*args) if line.strip()] == shown
    assert "…" not in "".join(shown)
    rows = [line for line in whole if re.match(r"  \d{4}-W\d\d  ", line)]
    # Each row's lines joined again are the row; the lines after its first start where
    # its source does.
    told: list[str] = []
    for line in shown:
        if re.match(r"  \d{4}-W\d\d  ", line):
            told.append(line)
        elif told and line.startswith(" " * 12):
            source = re.search(r"(?<=\d)  (?=\S)", told[-1][12:])  # past the run
            assert source is not None, told[-1]
            indent = 12 + source.end()
            assert display_width(told[-1][:indent]) == len(line) - len(line.lstrip()), line
            told[-1] += "\n" + line
    assert len(told) == len(rows) and len(told) > 40
    assert any("\n" in row for row in told)  # some folded
    assert ["".join(row.split()) for row in told] == ["".join(row.split()) for row in rows]
