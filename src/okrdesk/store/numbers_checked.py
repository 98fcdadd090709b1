"""Which SQLite stores were last seen to hold only numbers among their figures.

SQLite keeps text in a REAL column and adds it up as 0, so a store is looked through for
a figure that is no number before its figures are read (``Store._numbers_only``). At a
firm's ten million observations that look takes over a second: it is taken again only
when the file has changed since (its size or time of change, or its write-ahead log's),
which a collect, or a hand edit, does. What was seen is kept in the user's own cache, one
line a store; deleting it is always safe.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from okrdesk.files import user_cache_folder, write_text_atomically

_KEPT = "numbers-checked.json"
_MOST = 200
"""Stores remembered; the oldest are forgotten past it."""


def state_of(path: Path) -> list[int] | None:
    """What changes whenever the store at ``path`` is written: None where it cannot be read."""
    found: list[int] = []
    for part in (path, path.with_name(path.name + "-wal")):
        try:
            seen = os.stat(part)
        except FileNotFoundError:
            found += [0, 0]
            continue
        except OSError:
            return None
        # An empty write-ahead log holds no change: every command that reads the store
        # opens one anew, and its time of change with it, before it looks.
        found += [seen.st_size, seen.st_mtime_ns] if seen.st_size else [0, 0]
    return found


def seen_whole(path: Path, state: list[int] | None) -> bool:
    """Whether the store at ``path`` held only numbers when it was last in ``state``."""
    return state is not None and _kept().get(_key(path)) == state


def remember(path: Path, state: list[int] | None) -> None:
    """The store at ``path``, in ``state``, holds only numbers."""
    if state is None:
        return
    kept = _kept()
    kept.pop(_key(path), None)
    kept[_key(path)] = state
    while len(kept) > _MOST:
        kept.pop(next(iter(kept)))
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
        folder = user_cache_folder("stores")
        folder.mkdir(parents=True, exist_ok=True)
        write_text_atomically(folder / _KEPT, json.dumps(kept))


def _key(path: Path) -> str:
    with contextlib.suppress(OSError, RuntimeError):
        return str(path.resolve())
    return str(path.absolute())


def _kept() -> dict[str, list[int]]:
    try:
        found = json.loads((user_cache_folder("stores") / _KEPT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}
