"""What sqlglot read in each metric's query (``QueryFacts``), kept between collects in
the user's cache folder: a collect whose queries did not change never imports sqlglot,
which takes a good part of a second.

An entry is found by a digest of the query's text, its dialect, the sqlglot installed
(its version file) and okrdesk's own code that reads queries (sql_dialect.py): a changed
query, an upgraded sqlglot or another okrdesk reads the query again. An entry that is
not what this code writes is read again too, so a damaged file costs time, never a
wrong figure. The file keeps the newest entries only.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
from pathlib import Path
from typing import Any

from okrdesk.errors import OkrdeskError
from okrdesk.files import write_text_atomically
from okrdesk.plugins import sql_dialect
from okrdesk.plugins.sql_dialect import QueryFacts, read_query
from okrdesk.user_cache import user_cache_folder

KEPT = 256
"""Entries kept in the file: a workspace has tens of queries, a user a few workspaces."""


class QueryCache:
    """The facts of queries, from the cache file where it has them, else read by sqlglot."""

    def __init__(self, path: Path | None = None, reader: str | None = None) -> None:
        try:
            self.path: Path | None = path or user_cache_folder("sql", "queries.json")
        except RuntimeError:  # no home folder to keep it in: every query is read anew
            self.path = None
        self.reader = reader
        """Which sqlglot and okrdesk read the queries (``reader()`` unless given)."""
        self._entries: dict[str, Any] | None = None
        self._known: dict[tuple[str, str], QueryFacts] = {}
        self.changed = False

    def known(self, query: str, dialect: str) -> bool:
        """Whether the query's facts can be had without sqlglot."""
        return self._cached(query, dialect) is not None

    def facts(self, query: str, dialect: str) -> QueryFacts:
        found = self._cached(query, dialect)
        if found is None:
            found = read_query(query, dialect)
            self._known[query, dialect] = found
            self.entries[self._key(query, dialect)] = _written(found)
            self.changed = True
        return found

    def save(self) -> None:
        """Write the file when a query was read anew; a file that cannot be written only
        costs the next collect sqlglot's time."""
        if not self.changed or self.path is None:
            return
        kept = dict(list(self.entries.items())[-KEPT:])
        # OkrdeskError: what write_text_atomically says of a full disk.
        with contextlib.suppress(OSError, OkrdeskError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomically(self.path, json.dumps(kept))
        self.changed = False

    @property
    def entries(self) -> dict[str, Any]:
        if self._entries is None:
            try:
                if self.path is None:
                    raise FileNotFoundError("no home folder")
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                loaded = {}
            self._entries = loaded if isinstance(loaded, dict) else {}
        return self._entries

    def _cached(self, query: str, dialect: str) -> QueryFacts | None:
        found = self._known.get((query, dialect))
        if found is None:
            found = _read(self.entries.get(self._key(query, dialect)))
            if found is not None:
                self._known[query, dialect] = found
        return found

    def _key(self, query: str, dialect: str) -> str:
        stamp = [self.reader if self.reader is not None else reader(), dialect, query]
        return hashlib.sha256(json.dumps(stamp).encode()).hexdigest()


def _written(facts: QueryFacts) -> dict[str, Any]:
    return {
        "tables": sorted(facts.tables),
        "numbered": list(facts.numbered) if facts.numbered is not None else None,
        "division": facts.division,
    }


def _read(entry: object) -> QueryFacts | None:
    """The facts an entry holds; None for anything else."""
    if not isinstance(entry, dict):
        return None
    tables, numbered, division = entry.get("tables"), entry.get("numbered"), entry.get("division")
    if not isinstance(tables, list) or not all(isinstance(t, str) for t in tables):
        return None
    pair = isinstance(numbered, list) and len(numbered) == 2
    if numbered is not None and not (pair and all(isinstance(n, str) for n in numbered)):
        return None
    if not isinstance(division, str):
        return None
    return QueryFacts(
        tables=frozenset(tables),
        numbered=(numbered[0], numbered[1]) if numbered is not None else None,
        division=division,
    )


@functools.cache
def reader() -> str:
    """Which sqlglot is installed and which okrdesk code reads queries with it, found
    without importing sqlglot: each one's file digested."""
    return f"sqlglot {sqlglot_stamp()}; okrdesk {_digest(Path(sql_dialect.__file__))}"


def sqlglot_stamp(package: Path | None = None) -> str:
    """The sqlglot package in ``package`` (else the one Python would import): its folder
    and a digest of its version file, which every release of it rewrites; or its
    ``__init__.py`` when it has none. "none" when there is no sqlglot."""
    if package is None:
        try:
            spec = importlib.util.find_spec("sqlglot")
        except (ImportError, ValueError):
            spec = None
        if spec is None or spec.origin is None:
            return "none"
        package = Path(spec.origin).parent
    for name in ("_version.py", "__init__.py"):
        with contextlib.suppress(OSError):
            return f"{package} {_digest(package / name)}"
    return "none"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:32]
