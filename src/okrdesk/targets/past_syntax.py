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

from collections.abc import Callable

import attrs

from okrdesk.errors import Problem
from okrdesk.targets.reader import Findings, SourceFile, where_for
from okrdesk.targets.toml_text import header_above, toml_lines


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
    unsure = _unsure(read)
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
        and not unsure.holds(problem.key)
    ]


@attrs.frozen
class _Unsure:
    """The tables a line left out may have made say what the file does not: each one
    that held such a line (``tables``, with every key below it), and each one around
    those (``around``, itself and its own keys, not the items of its arrays of tables:
    an objective's checks read its key results, and its owner written below one is told
    there). Each is given as its problems are labelled (``objectives[C1]``)."""

    tables: frozenset[str]
    around: frozenset[str]

    def holds(self, key: str) -> bool:
        """Whether a problem labelled ``key`` is of one of these tables."""
        if any(key == t or key.startswith((t + ".", t + "[")) for t in self.tables):
            return True
        return any(
            key == t or (key.startswith(t + ".") and "[" not in key[len(t) :]) for t in self.around
        )


def _unsure(read: ReadPast) -> _Unsure | None:
    """The tables of the lines ``read`` left out; None where such a line sat above every
    header, in no table."""
    lines = toml_lines(read.text)
    tables: set[str] = set()
    around: set[str] = set()
    for removed in read.removed:
        header = header_above(lines, removed)
        path = None if header is None else read.source.locator.path_at_line(header)
        if not path:
            return None
        tables.add(where_for(read.source, path).label)
        around.update(where_for(read.source, path[:end]).label for end in range(1, len(path)))
    return _Unsure(frozenset(tables), frozenset(around))
