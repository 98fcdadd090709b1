"""The corpus of broken workspaces in tests/corpus/targets/: every case must fail validation.

Each case folder is laid over a copy of ``_base`` (a small valid workspace) and validated.
The run must exit with code 2, print a problem at each location the case's
``expected.txt`` names, print one line per problem and end with the count, never show a
traceback or raw control characters, and leave the workspace's database untouched.
Cases listed in tests/corpus/KNOWN_ISSUES.md are expected to fail (strict xfail) until
okrdesk is fixed. tests/corpus/README.md explains how to add a case.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import traceback
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from sample_workspace import trusted

CORPUS = Path(__file__).parent / "corpus"
CASES = CORPUS / "targets"
BASE = CASES / "_base"
KNOWN_ISSUES = CORPUS / "KNOWN_ISSUES.md"
SIDECARS = {"expected.txt", "unexpected.txt", "delete.txt"}

# A sample that runs the real command in a subprocess; every other case calls the click
# command in-process, which is the same code without the cost of starting Python. How
# the slow-* cases' work grows is counted by test_validate_grows_linearly, not timed.
# None of these depends on metrics, so a brokerage plugin installed as an entry point
# (which also declares new_hnw_clients) cannot change their outcome.
SUBPROCESS = {
    "bom-and-syntax-error",
    "cycle-three-units",
    "duplicate-unit-and-person-id",
    "encoding-gbk",
    "hostile-shell-and-template-text",
    "no-target-files",
    "phases-gap",
    "settings-syntax-error",
    "size-3-mb-file",
    "syntax-nul-byte-in-string",
    "syntax-unclosed-basic-string",
}
NEVER_ENDS = 600.0
"""Seconds after which a subprocess's run is taken never to end: no speed test."""

SUMMARY = re.compile(r"(?P<files>\d+) files? checked, (?P<problems>\d+) problems?\.")
PROBLEM_LINE = re.compile(r"[^\s:][^:]*(?::\d+)?: \S")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
KNOWN_BULLET = re.compile(r"- ([a-z0-9][a-z0-9-]*):")


def _names() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if p.is_dir() and not p.name.startswith("_"))


def _known() -> set[str]:
    text = KNOWN_ISSUES.read_text(encoding="utf-8") if KNOWN_ISSUES.exists() else ""
    return {m.group(1) for line in text.splitlines() if (m := KNOWN_BULLET.match(line))}


def _sidecar(case: Path, name: str) -> list[str]:
    path = case / name
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def _params() -> list[object]:
    known = _known()
    return [
        pytest.param(
            name,
            marks=pytest.mark.xfail(strict=True, reason="see tests/corpus/KNOWN_ISSUES.md")
            if name in known
            else (),
        )
        for name in _names()
    ]


def build_workspace(case: Path, root: Path) -> Path:
    """``_base``, minus the files in delete.txt, with the case's own files laid over it."""
    workspace = root / "ws"
    shutil.copytree(BASE, workspace)
    for name in _sidecar(case, "delete.txt"):
        (workspace / name).unlink()
    for source in sorted(case.rglob("*")):
        rel = source.relative_to(case)
        if source.is_dir() or (len(rel.parts) == 1 and rel.name in SIDECARS):
            continue
        target = workspace / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".gz":
            target.with_suffix("").write_bytes(gzip.decompress(source.read_bytes()))
        else:
            shutil.copyfile(source, target)
    trusted(workspace)  # the corpus's plugin is the test suite's own code
    return workspace


def make_database(path: Path) -> bytes:
    """A small SQLite file standing for the collected numbers; validate must not touch it."""
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("CREATE TABLE sentinel (id INTEGER PRIMARY KEY, note TEXT)")
        connection.execute("INSERT INTO sentinel VALUES (1, 'validate must not write here')")
    connection.close()
    return path.read_bytes()


@attrs.frozen
class Run:
    code: int
    stdout: str
    stderr: str


def run_in_process(workspace: Path) -> Run:
    env = {"OKRDESK_LOAD_PLUGINS": None, "OKRDESK_WORKSPACE": None}
    result = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(workspace)], env=env)
    stderr = result.stderr
    if result.exc_info is not None and not issubclass(result.exc_info[0], SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))
    return Run(result.exit_code, result.stdout, stderr)


def run_subprocess(workspace: Path, timeout: float) -> Run:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OKRDESK_LOAD_PLUGINS", "OKRDESK_WORKSPACE")
    }
    env["PYTHONIOENCODING"] = "utf-8"
    command = [sys.executable, "-m", "okrdesk", "validate", "--lang", "en", "-w", str(workspace)]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            env=env,
            cwd=workspace.parent,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        done = None
    if done is None:
        pytest.fail(f"okrdesk validate took more than {timeout:g} s")
    decode = {"encoding": "utf-8", "errors": "backslashreplace"}
    return Run(done.returncode, done.stdout.decode(**decode), done.stderr.decode(**decode))


def matches(line: str, expected: str) -> bool:
    """Whether a printed problem line is at ``expected`` (FILE:LINE: key.path, FILE:LINE
    or FILE). A line ending in "..." is a plain prefix, for cases that check a message."""
    if expected.endswith("..."):
        return line.startswith(expected[:-3])
    return line.startswith(expected) and line[len(expected) : len(expected) + 1] in ("", ":")


def test_the_base_workspace_is_clean(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(BASE, workspace)
    trusted(workspace)
    run = run_in_process(workspace)
    assert run.code == 0, run.stdout + run.stderr
    assert "no problems" in run.stdout
    assert "warning" not in run.stdout


def test_the_corpus_is_complete() -> None:
    names = _names()
    assert len(names) >= 110
    assert set(names) >= SUBPROCESS
    assert _known() <= set(names), "KNOWN_ISSUES.md names a case that does not exist"
    for name in names:
        assert _sidecar(CASES / name, "expected.txt"), f"{name} has no expected.txt lines"


@pytest.mark.parametrize("name", _params())
def test_broken_workspace_is_rejected(name: str, tmp_path: Path) -> None:
    case = CASES / name
    workspace = build_workspace(case, tmp_path)
    database = workspace / "okrdesk.db"
    before = make_database(database)
    run = run_subprocess(workspace, NEVER_ENDS) if name in SUBPROCESS else run_in_process(workspace)
    shown = f"exit code {run.code}\n--- stdout\n{run.stdout}\n--- stderr\n{run.stderr}"

    assert "Traceback" not in run.stdout + run.stderr, shown
    assert run.code == 2, shown
    lines = run.stdout.rstrip("\n").split("\n")
    summary = SUMMARY.fullmatch(lines[-1])
    assert summary, f"the last line is not the count of problems\n{shown}"
    # A problem's source line and caret follow it, indented.
    problems = [line for line in lines[:-1] if not line.startswith(("warning: ", " "))]
    assert len(problems) == int(summary["problems"]), f"one line per problem\n{shown}"
    files = [p for p in (workspace / "targets").glob("*.toml") if p.is_file()]
    assert int(summary["files"]) == len(files), shown
    for line in problems:
        assert PROBLEM_LINE.match(line), f"not a FILE:LINE: problem line: {line!r}\n{shown}"
    assert not CONTROL.search(run.stdout), f"raw control characters printed\n{shown}"

    for expected in _sidecar(case, "expected.txt"):
        assert any(matches(line, expected) for line in problems), f"{expected}\n{shown}"
    for unwanted in _sidecar(case, "unexpected.txt"):
        assert not any(matches(line, unwanted) for line in problems), f"{unwanted}\n{shown}"
    assert database.read_bytes() == before, "validate changed the database"
    _said_in_chinese_too(workspace, shown)


def _said_in_chinese_too(workspace: Path, shown: str) -> None:
    """Every problem and warning okrdesk itself finds in the case has its Chinese wording,
    which a Chinese workspace's validate shows (a plugin's own words are as it gave them)."""
    from okrdesk.app.session import open_session

    session = open_session(workspace)
    found = [*session.problems, *session.warnings]
    untold = [str(problem) for problem in found if not problem.zh]
    assert not untold, f"no Chinese for: {untold}\n{shown}"
