"""Table files already read, kept in the user's cache folder, keyed on each file's
content and how it is declared.

A collect whose files have not changed since the last reads each one's typed table
from the cache instead of the file; an entry no collect has used for a while is
removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okrdesk.errors import OkrdeskError
from okrdesk.files import write_text_atomically
from okrdesk.plugins.sql_file_copies import CHUNK_BYTES
from okrdesk.plugins.sql_settings import TABLE_NAME as TABLE_NAME
from okrdesk.plugins.sql_settings import SqlMetricError as SqlMetricError
from okrdesk.plugins.sql_table_file import TableFile
from okrdesk.sql_text import literal, quoted
from okrdesk.user_cache import mark_used, prune, remove_if_older, user_cache_folder

if TYPE_CHECKING:
    import duckdb


_KEPT_TABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*-[0-9a-f]{16}\.parquet")
"""The name a table's Parquet file is kept under: the table's, and its file's digest."""


_LEFT_BEHIND = re.compile(
    r"\.(?:[A-Za-z_][A-Za-z0-9_]*-[0-9a-f]{16}\.parquet\.\d+|tables\.json\..+)\.tmp"
)
"""The files a table is kept through (``.<parquet>.<pid>.tmp``, and
``.tables.json.<random>.tmp``), left behind by a collect stopped while writing them."""


_LEFT_FOR = 24 * 60 * 60
"""How old a file left behind must be before it is removed: a newer one may be another
collect's, still being written."""


class TableCache:
    """Tables read before, as Parquet files in the user's cache folder (one folder per
    workspace, never inside it: a workspace someone sends you cannot bring a table its
    files do not hold), each kept while its file's path, size, modification time (or,
    when only the time changed, its SHA-256) and its table options are the same."""

    def __init__(self, workspace: Path) -> None:
        place = hashlib.sha256(str(workspace.resolve()).encode()).hexdigest()[:32]
        self.entries: dict[str, Any] = {}
        self.hits: list[str] = []
        self.tidied = False
        """Whether this collect has looked through the folder for what others left."""
        try:
            self.folder = user_cache_folder("sql", place)
        except RuntimeError:  # no home folder to keep tables in: each is read from its file
            self.kept = False
            return
        self.kept = True
        self.manifest = self.folder / "tables.json"
        try:
            found = json.loads(self.manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            found = {}
        self.entries = found if isinstance(found, dict) else {}
        if self.entries:
            mark_used(self.folder)

    def lookup(self, table: TableFile) -> Path | None:
        entry = self.entries.get(table.name)
        if not isinstance(entry, dict):
            return None
        stat = table.path.stat()
        parquet = self.folder / str(entry.get("parquet", ""))
        if (
            entry.get("path") != str(table.path)
            or entry.get("options") != table.fingerprint()
            or entry.get("size") != stat.st_size
            or not parquet.is_file()
        ):
            return None
        if entry.get("mtime_ns") != stat.st_mtime_ns:
            if entry.get("sha256") != _sha256(table.path):
                return None
            entry["mtime_ns"] = stat.st_mtime_ns
            self._save()
        self.hits.append(table.name)
        return parquet

    def read_into(self, connection: duckdb.DuckDBPyConnection, table: TableFile) -> bool:
        """Make ``table`` a table of ``connection`` from the Parquet file kept for it; False
        where none is kept for its file as it is now, or the one kept cannot be read
        (removed by another command's pruning since, or damaged): its file is read then."""
        from okrdesk.plugins.sql_engine import duckdb

        kept = self.lookup(table)
        if kept is None:
            return False
        try:
            connection.execute(
                f"CREATE TABLE {quoted(table.name)} AS "
                f"SELECT * FROM read_parquet({literal(str(kept))})"
            )
        except duckdb.InterruptException:
            raise  # the collect was stopped: not a reason to read the file instead
        except duckdb.Error:
            self.hits.remove(table.name)
            connection.execute(f"DROP TABLE IF EXISTS {quoted(table.name)}")
            return False
        return True

    def rows(self, table: TableFile, kind: str) -> tuple[int, ...]:
        """The file rows of the ``kind`` rows (``summaries``, ``notes``) left out of
        ``table`` when it was kept."""
        entry = self.entries.get(table.name)
        rows = entry.get(kind, []) if isinstance(entry, dict) else []
        return tuple(int(r) for r in rows) if isinstance(rows, list) else ()

    def blanks(self, table: TableFile) -> tuple[int, ...]:
        """``TableFile.blanks`` of ``table``'s file when it was kept."""
        entry = self.entries.get(table.name)
        rows = entry.get("blanks", []) if isinstance(entry, dict) else []
        return tuple(int(r) for r in rows) if isinstance(rows, list) else ()

    def renamed(self, table: TableFile) -> tuple[tuple[int, str, str, str], ...]:
        """``TableFile.renamed`` of ``table``'s file when it was kept."""
        entry = self.entries.get(table.name)
        columns = entry.get("renamed", []) if isinstance(entry, dict) else []
        if not isinstance(columns, list):
            return ()
        return tuple(
            (int(c[0]), str(c[1]), str(c[2]), str(c[3]))
            for c in columns
            if isinstance(c, list) and len(c) == 4
        )

    def store(
        self,
        connection: duckdb.DuckDBPyConnection,
        table: TableFile,
        digest: str | None = None,
        summaries: Sequence[int] = (),
    ) -> None:
        """Keep ``table`` as read from its file; ``digest``: the file's SHA-256, when it
        was made already (else it is made here); ``summaries``: the file rows of its
        summary rows left out."""
        from okrdesk.plugins.sql_engine import duckdb

        if not self.kept:
            return
        try:
            stat = table.path.stat()
            digest = digest or _sha256(table.path)
            self.folder.mkdir(parents=True, exist_ok=True)
            name = f"{table.name}-{digest[:16]}.parquet"
            scratch = self.folder / f".{name}.{os.getpid()}.tmp"
            connection.execute(
                f"COPY {quoted(table.name)} TO {literal(str(scratch))} (FORMAT parquet)"
            )
            os.replace(scratch, self.folder / name)
            old = self.entries.get(table.name)
            self.entries[table.name] = {
                "path": str(table.path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                "sha256": digest, "options": table.fingerprint(), "parquet": name,
                "summaries": list(summaries), "notes": list(table.notes),
                "blanks": list(table.blanks),
                "renamed": [list(column) for column in table.renamed],
            }  # fmt: skip
            self._save()
            if isinstance(old, dict) and old.get("parquet") not in {None, name}:
                (self.folder / str(old["parquet"])).unlink(missing_ok=True)
            self._tidy()
            prune(self.folder.parent)
        except (OSError, duckdb.Error):
            pass  # a cache that cannot be written only costs the next collect a read

    def _tidy(self) -> None:
        """Remove what stopped collects left in the folder (a Parquet file half written,
        a list of tables not yet in place) and the Parquet files no table names any more:
        a workspace collected every day is never pruned whole, and would keep them for
        ever. Only names this class gives, a day after they were written; once a collect,
        however many tables it keeps."""
        if self.tidied:
            return
        self.tidied = True
        import time

        named = {str(e.get("parquet")) for e in self.entries.values() if isinstance(e, dict)}
        now = time.time()
        with contextlib.suppress(OSError):
            for name in os.listdir(self.folder):
                unnamed = _KEPT_TABLE.fullmatch(name) and name not in named
                if unnamed or _LEFT_BEHIND.fullmatch(name):
                    remove_if_older(self.folder / name, _LEFT_FOR, now)

    def _save(self) -> None:
        # OkrdeskError: what write_text_atomically says of a full disk or a folder it
        # cannot write in; a list of tables not kept only costs the next collect a read.
        with contextlib.suppress(OSError, OkrdeskError):
            write_text_atomically(self.manifest, json.dumps(self.entries, indent=1))


class Digest:
    """A file's SHA-256, made in a thread while DuckDB reads the file (hashlib lets go of
    the GIL on large blocks): the table cache keeps it."""

    def __init__(self, path: Path) -> None:
        self._found: str | None = None
        self._thread = threading.Thread(
            target=self._make, args=(path,), name="okrdesk-sql-digest", daemon=True
        )
        self._thread.start()

    def _make(self, path: Path) -> None:
        with contextlib.suppress(OSError):
            self._found = _sha256(path)

    def result(self) -> str | None:
        self._thread.join()
        return self._found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(CHUNK_BYTES):
            digest.update(block)
    return digest.hexdigest()
