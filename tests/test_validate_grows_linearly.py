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
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from test_corpus import CASES, build_workspace

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


_COUNTED = """
import sys

from click.testing import CliRunner

from okrdesk.cli import cli

okrdesk, workspaces = sys.argv[1], sys.argv[2:]
count = 0


def in_okrdesk(frame, event, arg):
    return each_line if frame.f_code.co_filename.startswith(okrdesk) else None


def each_line(frame, event, arg):
    global count
    count += event == "line"
    return each_line


for workspace in workspaces:
    count = 0
    sys.settrace(in_okrdesk)
    try:
        done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", workspace])
    finally:
        sys.settrace(None)
    print(done.exit_code, count, flush=True)
"""
"""Counts, in a process of its own (no state another test left in this one: a tracer, a
module's cache), the lines of okrdesk's code validate runs on each workspace given, loops
counted once a turn: its exit status and the count, a line each."""


def _lines_run(*workspaces: Path) -> list[int]:
    """The lines of okrdesk's own code validate runs on each of ``workspaces``, in one
    process, in order; each must find its case's problem."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OKRDESK_LOAD_PLUGINS", "OKRDESK_WORKSPACE")
    }
    try:
        done = subprocess.run(
            [sys.executable, "-c", _COUNTED, OKRDESK, *map(str, workspaces)],
            capture_output=True, text=True, env=env, timeout=600,  # a run that never ends
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"validate did not finish within 600 s on {workspaces}")
    lines = done.stdout.split("\n")[: len(workspaces)]
    assert done.returncode == 0 and len(lines) == len(workspaces), done.stdout + done.stderr
    counts = []
    for line in lines:
        code, count = line.split()
        assert code == "2", done.stdout + done.stderr
        counts.append(int(count))
    return counts


@pytest.mark.parametrize("write", [_many_members, _long_chain], ids=["members", "chain"])
def test_validate_s_work_grows_in_step_with_the_file(
    write: Callable[[int, Path], Path], tmp_path: Path
) -> None:
    warm = write(SIZES[0], tmp_path / "warm")  # imports and first reads, counted once
    _, *counts = _lines_run(warm, *(write(size, tmp_path / str(size)) for size in SIZES))
    first, second = counts[1] - counts[0], counts[2] - counts[1]
    assert first > 0
    assert second < MOST_GROWTH * first, f"lines run at {SIZES}: {counts}"
