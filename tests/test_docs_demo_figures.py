"""The demo's figures that the docs quote are the ones the demo prints.

A line of docs/*.md or README.md that quotes the demo says so in an HTML comment on
the same line, which no reader of the rendered page sees:

    ... (`¥4,304m` beside `43.04亿`) <!-- demo: okrdesk report --as-of 2026-11-20
    --lang en | ¥4,304m | 43.04亿 --> ...

(on one line in the file): the command after ``demo:``, then each figure, all
separated by ``|``. The command is run on the demo as built for the tests (``okrdesk
demo --as-of 2026-11-20``); each figure must be on the comment's line outside the
comment, and in what the command prints. A comment alone on its line stands for the
block just above it (a fenced block, or the lines up to a blank one), where a figure
in a code block is quoted. ``demo with "szft" as "futian":`` runs the command on a copy
of the demo whose target files say ``"futian"`` wherever they said ``"szft"`` (a unit
renamed). When the demo's data change, this test names the file and line of every
figure gone stale.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import pytest

from test_report import okrdesk

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted([*(ROOT / "docs").glob("*.md"), ROOT / "README.md"])
MARK = re.compile(r'<!--\s*demo(?: with "([^"]+)" as "([^"]+)")?:(.*?)-->')
WIDE = {"COLUMNS": "200"}
"""Wide enough that no figure the docs quote is wrapped in a table cell."""


class Quote:
    def __init__(self, path: Path, line: int, renamed: tuple[str, str] | None, words: str) -> None:
        command, *figures = (part.strip() for part in words.split("|"))
        self.path, self.line, self.renamed = path, line, renamed
        self.command = shlex.split(command)
        self.figures = [figure for figure in figures if figure]

    @property
    def run(self) -> tuple[tuple[str, str] | None, tuple[str, ...]]:
        return self.renamed, tuple(self.command)

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def quotes_in(path: Path) -> Iterator[tuple[Quote, str]]:
    """Each marked quote of the file, with the text it marks outside the comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        prose = MARK.sub("", line)
        if not prose.strip():
            prose = "\n".join(block_above(lines, number - 1))
        for found in MARK.finditer(line):
            old, new, words = found.groups()
            renamed = (old, new) if old else None
            yield Quote(path, number, renamed, words), prose


def block_above(lines: list[str], at: int) -> list[str]:
    """The fenced block that ends just above line ``at`` (0-based), or the lines up to a
    blank one."""
    above = lines[:at]
    if above and above[-1].strip().startswith("```"):
        start = max(i for i, text in enumerate(above[:-1]) if text.strip().startswith("```"))
        return above[start:]
    start = max((i for i, text in enumerate(above) if not text.strip()), default=-1)
    return above[start + 1 :]


QUOTES = [quote for path in DOCS for quote in quotes_in(path)]


def test_the_docs_mark_the_demo_figures_they_quote() -> None:
    assert len(QUOTES) >= 8, "the marks of the demo figures quoted in docs/report.md are gone"
    for quote, _ in QUOTES:
        assert quote.command[:1] == ["okrdesk"], f"{quote.where}: a mark runs an okrdesk command"
        assert quote.figures, f"{quote.where}: the mark names no figure"


def test_each_marked_figure_is_on_its_line() -> None:
    missing = [
        f"{quote.where}: {figure!r} is in the mark but not in the line's text"
        for quote, prose in QUOTES
        for figure in quote.figures
        if figure not in prose
    ]
    assert not missing, "\n".join(missing)


@pytest.fixture(scope="module")
def printed(
    copy_of_the_demo: Callable[[str], Path],
) -> Callable[[tuple[tuple[str, str] | None, tuple[str, ...]]], str]:
    demo = copy_of_the_demo("docs-demo-figures")

    def renamed_copy(old: str, new: str) -> Path:
        """A demo of its own for each such command, as one (move-unit) changes the store."""
        root = copy_of_the_demo("docs-demo-figures-renamed")
        for toml in (root / "targets").glob("*.toml"):
            text = toml.read_text(encoding="utf-8")
            toml.write_text(text.replace(f'"{old}"', f'"{new}"'), encoding="utf-8")
        return root

    @cache
    def run(marked: tuple[tuple[str, str] | None, tuple[str, ...]]) -> str:
        renamed, command = marked
        root = renamed_copy(*renamed) if renamed else demo
        done = okrdesk(*command[1:2], "-w", str(root), *command[2:], env=WIDE)
        assert done.returncode in (0, 1), f"{shlex.join(command)}: {done.stderr}"
        return done.stdout

    return run


def test_each_marked_figure_is_what_the_demo_prints(
    printed: Callable[[tuple[tuple[str, str] | None, tuple[str, ...]]], str],
) -> None:
    stale = [
        f"{quote.where}: {figure!r} is not in what `{shlex.join(quote.command)}` prints "
        "on the demo; quote what it prints now"
        for quote, _ in QUOTES
        for figure in quote.figures
        if figure not in printed(quote.run)
    ]
    assert not stale, "\n".join(stale)
