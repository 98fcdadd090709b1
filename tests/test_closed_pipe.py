"""`okrdesk report | head`, `check | head`, `explain … | head`: a reader that closes the
pipe chose to stop. Every command ends the same way then, through one piece of code
(``okrdesk.cli.reader_gone``): nothing said, status 141 (128 + SIGPIPE), as a shell gives
for ``cat`` stopped so; never 1 (a failure) or Python's 120. Help and the version too,
printed while the command line is read. The real command, on the
demo workspace, its output's reader gone before it writes a byte."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from test_report import AS_OF

ENV = {**os.environ, "OKRDESK_LOAD_PLUGINS": "brokerage"}
DAY = AS_OF  # the day copy_of_the_demo builds the demo on


@pytest.fixture(scope="module")
def demo(copy_of_the_demo: Callable[[str], Path]) -> Path:
    return copy_of_the_demo("pipe")


@pytest.mark.parametrize(
    "args",
    [
        ["report"],
        ["report", "--lang", "en", "--format", "md"],
        ["report", "--format", "json"],
        ["report", "--brief"],
        ["check"],
        ["check", "--format", "json"],
        ["explain", "C1.KR1"],
        ["due"],
        ["export", "--format", "csv"],
        ["--help"],
        ["--version"],
        ["report", "--help"],
    ],
)
def test_a_reader_that_closes_the_pipe_ends_every_command_quietly_with_141(
    demo: Path, args: list[str]
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "okrdesk", *args, "-w", str(demo)]
        + (["--as-of", DAY] if args[0] in ("report", "check", "explain", "due") else []),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # gone before the command prints a byte
    errors = process.stderr.read().decode()
    assert process.wait(120) == 141, errors
    assert errors == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["report"], "错误：磁盘已满：输出未能完整写出\n"),
        (["check", "--lang", "en"], "error: No space left on device: the output could not "
                                    "be written whole\n"),
        (["export", "--format", "csv"], "错误：磁盘已满：输出未能完整写出\n"),
    ],
)  # fmt: skip
def test_output_to_a_full_disk_is_said_in_a_line_not_a_traceback(
    demo: Path, args: list[str], said: str
) -> None:
    """`okrdesk report > /mnt/share/report.txt` with the share full: one line, in the
    command's language, status 1 (the output is not whole), where it was a traceback."""
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "okrdesk", *args, "-w", str(demo)]
            + (["--as-of", DAY] if args[0] in ("report", "check") else []),
            stdout=full, stderr=subprocess.PIPE, env=ENV, text=True,
        )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr == said
