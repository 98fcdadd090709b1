"""The two stores a test can run on, behind one small helper."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
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

    def of_schema(
        self, root: Path, version: int, rows: Sequence[tuple[str, Sequence[object]]] = ()
    ) -> None:
        """The workspace's store as an okrdesk of schema ``version`` made it, holding what
        each statement of ``rows`` (with ``?`` for its values) writes, as okrdesk's own
        writes: no hand edit noted."""
        import sqlite_utils

        from okrdesk.store.migrations import MIGRATIONS, POSTGRES_MIGRATIONS

        location = self.location(root)
        if isinstance(location, str):
            import psycopg

            with psycopg.connect(location, autocommit=True) as server:
                server.execute(b"CREATE TABLE okrdesk_schema (version INTEGER NOT NULL)")
                for ddl in POSTGRES_MIGRATIONS[:version]:
                    server.execute(ddl.encode())
                server.execute(f"INSERT INTO okrdesk_schema VALUES ({version:d})".encode())
                server.execute(b"SELECT set_config('okrdesk.writing', 'on', false)")
                for statement, values in rows:
                    server.execute(statement.replace("?", "%s").encode(), values)
            return
        with closing(sqlite3.connect(location)) as connection:
            for migration in MIGRATIONS[:version]:
                migration(sqlite_utils.Database(connection))
            connection.execute(f"PRAGMA user_version = {version:d}")
            marked = version >= 20  # okrdesk_writes, the mark of okrdesk's own writes
            if marked:
                connection.execute("INSERT INTO okrdesk_writes VALUES (1)")
            for statement, values in rows:
                connection.execute(statement, values)
            if marked:
                connection.execute("DELETE FROM okrdesk_writes")
            connection.commit()


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
