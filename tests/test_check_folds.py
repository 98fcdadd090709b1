"""`okrdesk check` shown on a terminal folds each line at the report's width, the rest
of a message under the message: a firm's thirty branch lines ran on past 80 columns
there. Piped (to grep from a shell, to a file, cron's mail) an alert stays one line, as
tools read it. A real firm workspace, the `okrdesk` process, a real pseudo-terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from okrdesk.messages import display_width
from sample_workspace import WriteWorkspace
from test_firm_check import DAY, checked_in, firm_files
from test_weekly_rhythm import in_a_terminal


@pytest.fixture
def firm(write_workspace: WriteWorkspace) -> Path:
    """Thirty branches, each one line of the firm's check naming its shares behind."""
    return checked_in(write_workspace(firm_files(), plugin=False), 90.0)


def check(root: Path, lang: str, *, terminal_input: bool, columns: int = 80) -> list[str]:
    """check's lines on a pipe, its input a pseudo-terminal (`okrdesk check | grep 落后`
    from a shell) or nothing (cron)."""
    env = {**os.environ, "OKRDESK_LOAD_PLUGINS": "", "COLUMNS": str(columns)}
    controller = None
    stdin: int = subprocess.DEVNULL
    if terminal_input:
        controller, stdin = pty.openpty()
        fcntl.ioctl(stdin, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "okrdesk", "check", "--as-of", DAY, "--lang", lang,
             "-w", str(root)],
            stdin=stdin, capture_output=True, text=True, env=env,
        )  # fmt: skip
    finally:
        if controller is not None:
            os.close(controller)
            os.close(stdin)
    assert done.returncode == 1, done.stderr
    return done.stdout.splitlines()


def on_a_terminal(root: Path, lang: str) -> list[str]:
    """check's lines as a terminal of 80 columns shows them."""
    args = ("check", "--as-of", DAY, "--lang", lang, "-w", str(root))
    lines = in_a_terminal(*args, status=1, plugins="")
    return [line.rstrip() for line in lines if line.strip()]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_firms_check_on_a_terminal_folds_under_its_messages(firm: Path, lang: str) -> None:
    whole = check(firm, lang, terminal_input=False)
    assert any(display_width(line) > 80 for line in whole)  # cron's: an alert a line
    # Piped from a shell (to grep), an alert is still a line, every word of it on it.
    assert check(firm, lang, terminal_input=True) == whole
    shown = on_a_terminal(firm, lang)
    assert all(display_width(line) <= 80 for line in shown), shown
    column = {"zh": 11, "en": 15}[lang]  # MEMBER TARGETS is the widest kind
    told: list[str] = []
    for line in shown[:-1]:
        if line.startswith(" "):
            assert len(line) - len(line.lstrip()) == column, line
            told[-1] += " " + line.strip()
        else:
            told.append(line)
    assert ["".join(a.split()) for a in told] == ["".join(a.split()) for a in whole[:-1]]
    assert shown[-1] == whole[-1]
    # The command to list a branch's shares is never parted from its branch.
    assert sum("--unit" in line for line in shown) == 29  # the last branch has one share
    for b in range(1, 30):
        assert any(f"--unit b{b:02d} " in line for line in shown), b
