"""The names a plugin that failed to load writes in its code, read as text.

A key result naming ``salon_attendees`` while the plugin declaring it fails to import
was told "did you mean "salon_attendance"?" of another plugin's metric, with the
broken plugin's "may provide it" after: the guess came first, and the fix (the
plugin's own error) second. A metric is declared by its name written as a string,
``MetricSpec("salon_attendees", ...)``, so a plugin whose code writes the name is
the one to mend first. Its files are read, never imported: it has just failed to.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Iterator
from pathlib import Path

_QUOTED = re.compile(r"""["']([A-Za-z_][A-Za-z0-9_]*)["']""")
_COMMENT = re.compile(r"^\s*#")
_MOST_FILES = 200
"""A package larger than this is read no further: a plugin is a few modules."""


def names_in_code(how: tuple[str, str] | None) -> frozenset[str]:
    """Every name written as a quoted string on a line of the plugin's code that is no
    comment; ``how`` is ``PluginRecord.how``. Empty for a built-in plugin, or code
    that cannot be found or read."""
    found: set[str] = set()
    for path in _code_files(how):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            if not _COMMENT.match(line):
                found.update(_QUOTED.findall(line))
    return frozenset(found)


def _code_files(how: tuple[str, str] | None) -> Iterator[Path]:
    if how is None or how[0] not in ("file", "entry"):
        return
    if how[0] == "file":
        yield Path(how[1])
        return
    top = how[1].partition(":")[0].partition("[")[0].strip().partition(".")[0]
    try:
        spec = importlib.util.find_spec(top)  # a top-level name: nothing is imported
    except (ImportError, ValueError):
        return
    if spec is None:
        return
    if not spec.submodule_search_locations:
        if spec.origin is not None and spec.origin.endswith(".py"):
            yield Path(spec.origin)
        return
    count = 0
    for folder in spec.submodule_search_locations:
        for where, folders, names in os.walk(folder):
            folders[:] = sorted(f for f in folders if f != "__pycache__")
            for name in sorted(n for n in names if n.endswith(".py")):
                count += 1
                if count > _MOST_FILES:
                    return
                yield Path(where, name)
