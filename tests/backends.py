"""The two stores a test can run on, behind one small helper."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path

from okrdesk.store import Store
from sample_workspace import WriteWorkspace, trusted


class Backend:
    """Where a test's workspace keeps its store: its SQLite file or a PostgreSQL database."""

    def __init__(self, name: str, url: str | None, write: WriteWorkspace) -> None:
        self.name = name
        self.url = url
        self._write = write

    def workspace(self, files: Mapping[str, str | bytes | None] | None = None) -> Path:
        """``write_workspace``, with okrdesk.toml pointing at this backend."""
        root = self._write(files)
        if self.url is not None:
            (root / "okrdesk.toml").write_text(
                f'[workspace]\ndatabase = "{self.url}"\n', encoding="utf-8"
            )
            trusted(root)  # a store on a server is one the workspace reaches out to
        return root

    def location(self, root: Path) -> Path | str:
        return self.url if self.url is not None else root / "okrdesk.db"

    def open(self, root: Path) -> Store:
        return Store.open(self.location(root))

    def exists(self, root: Path) -> bool:
        return Store.exists(self.location(root))


def schema_changed_by_hand(db: Path, script: str) -> None:
    """Run ``script`` on the SQLite file's own schema (``sqlite_master``), as a database
    browser's user could, and move its schema version on so that every connection opened
    later reads the schema anew."""
    with closing(sqlite3.connect(db)) as connection:
        connection.execute("PRAGMA writable_schema = ON")
        connection.executescript(script)
        version = connection.execute("PRAGMA schema_version").fetchone()[0]
        connection.execute(f"PRAGMA schema_version = {version + 1}")
        connection.commit()
