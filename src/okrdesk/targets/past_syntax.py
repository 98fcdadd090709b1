"""What a target file's (or okrdesk.toml's) keys say, checked past its mistakes of syntax.

tomllib stops at a file's first mistake of syntax, and ``load._syntax_problems`` reads
on past each one that is its line's alone (a key and value, never a header), so that
one run lists them all. Where every such line left out lets the rest read, the rest is
checked as a clean file's keys are (``schema.read_file``), so that a quoted ``"¥45"`` on
line 40 is not hidden until a ``-¥60`` on line 64 is fixed.

A line left out leaves its table short of a key, which could make the rest say what
it does not: a key result without its target, a policy whose weights no longer add
up. So nothing is said of a table that held such a line, nor of the own keys of the
tables it sits in (an objective's, of its key results: an objective's owner written
below a key result is told there), nor of a file whose line left out sat above every
header; and nothing that needs the other files (references, ids used twice): those are
checked once the file reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs

from okrdesk.errors import Problem
from okrdesk.targets.reader import Findings, SourceFile, where_for
from okrdesk.targets.toml_text import header_of, toml_lines


@attrs.frozen
class ReadPast:
    """A target file read with its lines of syntax mistakes left out (``removed``)."""

    source: SourceFile
    text: str
    removed: tuple[int, ...]


def problems_past_syntax(
    read: ReadPast, check: Callable[[SourceFile, Findings], object]
) -> list[Problem]:
    """The problems ``check`` finds in ``read``'s keys (``schema.read_file`` for a target
    file, the settings' own checks for okrdesk.toml) that no line left out can have
    caused."""
    unsure = _unsure_tables(read)
    if unsure is None:
        return []
    found = Findings()
    check(read.source, found)
    return [
        problem
        for problem in found.problems
        if problem.file == read.source.display
        and problem.line > 0
        and problem.line not in read.removed
        and not any(_within(problem.key, label) for label in unsure)
    ]


def _unsure_tables(read: ReadPast) -> set[str] | None:
    """How the problems are labelled of each table that held a line left out, and of
    the tables around it; None where such a line sat above every header."""
    lines = toml_lines(read.text)
    unsure: set[str] = set()
    for removed in read.removed:
        header = _header_above(lines, removed)
        if header is None:
            return None
        path = read.source.locator.path_at_line(header)
        if not path:
            return None
        label = where_for(read.source, path).label
        unsure.add(label)
        # Each table it sits in, and that table's own keys: an objective's checks read its
        # key results (its owner written below one is told there).
        for end in range(1, len(path)):
            unsure.add("=" + where_for(read.source, path[:end]).label)
    return unsure


def _header_above(lines: Sequence[str], line: int) -> int | None:
    for above in range(min(line, len(lines)) - 1, 0, -1):
        if header_of(lines[above - 1]) is not None:
            return above
    return None


def _within(key: str, label: str) -> bool:
    """Whether a problem at ``key`` is of the table labelled ``label``: the table itself
    and every key below it; a label written ``=objectives[C1]``, the table and its own
    keys, not the items of its arrays of tables (its key results)."""
    if label.startswith("="):
        label = label[1:]
        return key == label or (key.startswith(label + ".") and "[" not in key[len(label) :])
    return key == label or key.startswith((label + ".", label + "["))
