"""validate's work grows in step with a target file: counted in lines of okrdesk run, not
in seconds, so that a loaded machine cannot fail it and a fast one cannot hide a check
that scans every entry for each entry.

The corpus's slow-* cases are the files (6,000 member targets of one key result, 1,500
units in a chain that loops); here each is written at three sizes, each twice the one
before. Where the work is linear, the second doubling adds twice what the first added;
where a check is quadratic, four times as much, and the cubic chain check the corpus
first found, eight.
"""

from __future__ import annotations

import gzip
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from test_corpus import CASES, build_workspace, run_in_process

SIZES = (300, 600, 1200)
MOST_GROWTH = 2.5
"""The second doubling's added work over the first's: 2 where linear, 4 where quadratic."""
OKRDESK = str(Path(__file__).resolve().parents[1] / "src" / "okrdesk")


def _gunzipped(case: str, name: str) -> str:
    return gzip.decompress((CASES / case / "targets" / name).read_bytes()).decode("utf-8")


def _many_members(size: int, root: Path) -> Path:
    """slow-many-member-targets, with ``size`` member targets after team-a's and team-b's."""
    text = _gunzipped("slow-many-member-targets", "okrs.toml.gz")
    kept = [line for line in text.split("\n") if not re.fullmatch(r"  m\d{5} = 1", line)]
    at = kept.index("  team-b = 80") + 1
    kept[at:at] = [f"  m{number:05d} = 1" for number in range(size)]
    workspace = build_workspace(CASES / "slow-many-member-targets", root)
    (workspace / "targets" / "okrs.toml").write_text("\n".join(kept), encoding="utf-8")
    return workspace


def _long_chain(size: int, root: Path) -> Path:
    """slow-long-parent-chain, with ``size`` units, each the parent of the one before and
    the last the first's."""
    units = [
        f'[[units]]\nid = "u{n:04d}"\nname = "n{n}"\nlevel = "desk"\n'
        f'parent = "u{(n + 1) % size:04d}"\n'
        for n in range(size)
    ]
    workspace = build_workspace(CASES / "slow-long-parent-chain", root)
    chain = "# A generated org tree that loops back on itself.\n" + "\n".join(units)
    (workspace / "targets" / "chain.toml").write_text(chain, encoding="utf-8")
    return workspace


def _lines_run(workspace: Path) -> int:
    """The lines of okrdesk's own code validate runs on ``workspace``, loops counted once
    a turn; it must find the case's problem."""
    count = 0

    def in_okrdesk(frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        return each_line if frame.f_code.co_filename.startswith(OKRDESK) else None

    def each_line(frame: FrameType, event: str, arg: Any) -> Callable[..., Any]:
        nonlocal count
        count += event == "line"
        return each_line

    before = sys.gettrace()  # a debugger's or coverage's, given back after
    sys.settrace(in_okrdesk)
    try:
        run = run_in_process(workspace)
    finally:
        sys.settrace(before)
    assert run.code == 2, run.stdout + run.stderr
    return count


@pytest.mark.parametrize("write", [_many_members, _long_chain], ids=["members", "chain"])
def test_validate_s_work_grows_in_step_with_the_file(
    write: Callable[[int, Path], Path], tmp_path: Path
) -> None:
    _lines_run(write(SIZES[0], tmp_path / "warm"))  # imports and first reads, counted once
    counts = [_lines_run(write(size, tmp_path / str(size))) for size in SIZES]
    first, second = counts[1] - counts[0], counts[2] - counts[1]
    assert first > 0
    assert second < MOST_GROWTH * first, f"lines run at {SIZES}: {counts}"
