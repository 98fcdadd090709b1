"""The SQLite file okrdesk keeps its numbers in: the embedded default store.

Tables: ``runs`` (every collect, with its plugin versions and errors),
``observations`` (one row per metric, subject and period, with the run and
plugin that produced it), ``checkins`` (manual values, history kept) and
``spend`` (the budget ledger, money as integer fen). The queries are
``okrdesk.store.base``'s; this module opens the file and runs them. The
schema version is SQLite's ``user_version``; older files are upgraded in
place, newer ones are refused without being touched.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, closing, contextmanager, suppress
from pathlib import Path
from typing import Any

from okrdesk.errors import BadInput, NoStoreYet, OkrdeskError, Said, no_store_yet
from okrdesk.store.base import BUSY_TIMEOUT_ENV, Row, Store, busy_timeout
from okrdesk.store.hand_changes import (
    ChangedByHand,
    edits_unsummed,
    never_made,
    not_as_made,
    not_null_added,
    not_null_dropped,
    retyped,
)
from okrdesk.store.migrations import (
    COLUMN_TYPES_MADE,
    DEFAULTS_MADE,
    FOREIGN_KEYS_MADE,
    INDEXES_MADE,
    MIGRATIONS,
    NO_NUMBER,
    NO_NUMBER_INDEX,
    NULLABLE_MADE,
    OKRDESK_WRITES,
    ROW_IDS_MADE,
    SCHEMA_VERSION,
    SQLITE_EDIT_TABLES,
    SQLITE_EDIT_TRIGGERS,
    TABLES_MADE,
    WRITES_MARKED_SINCE,
)

SQLITE_HEADER = b"SQLite format 3\x00"
MANY_ROWS_CACHE = 64 << 20
"""Bytes of pages SQLite may cache while a collect replaces its figures."""


_ALTERING = (
    r"(?i)\bON\s+CONFLICT\b|\bON\s+(DELETE|UPDATE)\b|\bGENERATED\b|\bAS\s*\(|"
    r"\bUNIQUE\b|\bCHECK\s*\(|\bCOLLATE\b"
)
"""Clauses that make a table or index act on what is written to it (compiled where first
used, re keeps it: a store okrdesk made never needs it)."""
_QUOTED_OR_COMMENT = "|".join((
    r"(?s)'(?:[^']|'')*'?",  # a text
    r'"(?:[^"]|"")*"?', r"`(?:[^`]|``)*`?", r"\[[^\]]*\]?",  # quoted names
    r"--[^\n]*", r"/\*.*?(?:\*/|\Z)",  # comments
))  # fmt: skip
"""A text, a quoted name or a comment of SQL, each whole (one left open runs to the end):
what a clause is never inside, and what may hide one from a look that does not know
them all (an apostrophe in a comment or a quoted name taken for a text's start)."""
_ALTERING_WORDS = ("ONCONFLICT", "ONDELETE", "ONUPDATE", "GENERATED", "AS(", "UNIQUE", "CHECK(",
                   "COLLATE")  # fmt: skip
"""What each of ``_ALTERING``'s clauses holds once the spaces are taken out."""


def _may_alter(sql: str) -> bool:
    """Whether ``_ALTERING`` could find a clause in ``sql``: a statement in ASCII without
    any of its words (okrdesk's own, every time a store opens) is passed by without
    compiling the patterns."""
    if not sql.isascii() or "--" in sql or "/*" in sql:  # a comment may part a clause's words
        return True
    compact = "".join(sql.upper().split())
    return any(word in compact for word in _ALTERING_WORDS)


def _code_only(sql: str) -> str:
    """``sql`` with each text written as an empty one, each quoted name as a bare word and
    each comment as a space, as SQLite's tokenizer parts them: the words left are the
    statement's own."""

    def plain(found: re.Match[str]) -> str:
        token = found.group()
        if token[0] == "'":
            return "''"
        return " " if token[0] in "-/" else " x "

    return re.sub(_QUOTED_OR_COMMENT, plain, sql)


class SqliteStore(Store):
    """An open okrdesk SQLite file."""

    _subject_index = "INDEXED BY observations_by_subject "
    _slices_index = "INDEXED BY observation_slices_by_subject "
    _key_order = "NOT INDEXED "

    def __init__(
        self, connection: sqlite3.Connection, path: Path, timeout: float | None = None
    ) -> None:
        self.path = path
        self.location = str(path)
        self._connection = connection
        self._timeout = busy_timeout() if timeout is None else timeout
        self._writing = False
        """Inside ``transaction``: a write transaction holds, which a nested one joins."""
        self._marks_writes = False
        """Whether the store's schema has the triggers that take other writes for hand
        edits: okrdesk's transactions then mark their writes as its own."""

    # -------------------------------------------------------------- opening

    @classmethod
    def connect(
        cls,
        path: Path,
        *,
        create: bool = True,
        timeout: float | None = None,
        rows_only: bool = False,
    ) -> SqliteStore:
        """Open (or create) the database at ``path``, upgrading an older schema.

        A file that is not an okrdesk database, or comes from a newer okrdesk,
        is refused before anything in it is changed.
        """
        exists = path.exists()
        if not exists and not create:
            raise NoStoreYet(no_store_yet(path))
        if exists:
            _check_header(path)
        _refuse_linked_logs(path.resolve() if exists else path)
        timeout = busy_timeout() if timeout is None else timeout
        writable = not exists or _writable(path)
        # A store whose rows are copied is only read, wherever it could be written too.
        read_only = exists and not create and (rows_only or not writable)
        # (A folder that is not there is SQLite's to name: "cannot open".)
        writes_to = path if exists else path.parent
        if create and writes_to.exists() and not _writable(writes_to):
            raise BadInput(_read_only_message(path))
        try:
            if read_only:
                uri = _only_reading_uri(path) if writable else _read_only_uri(path)
                connection = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
            else:
                connection = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as error:
            folder = Path(path).parent
            if not read_only and not folder.is_dir():
                # SQLite says only "unable to open database file" of a folder not there.
                raise BadInput(Said(
                    f"{path}: cannot open the database: there is no folder {folder}; nothing "
                    "was written",
                    f"{path}：无法打开数据库：文件夹 {folder} 不存在；未写入任何内容",
                )) from None  # fmt: skip
            raise BadInput(
                Said(
                    f"{path}: cannot open the database: {error}", f"{path}：无法打开数据库：{error}"
                )
            ) from None
        store = cls(connection, path, timeout)
        try:
            store._prepare(read_only, rows_only, writable)
        except BaseException:
            connection.close()
            raise
        return store

    @classmethod
    def version_of(cls, path: Path) -> int | None:
        """The schema version of the file at ``path``, None where it has no tables; a
        file that is no database (a target file, a named pipe) is refused as ``connect``
        refuses it. Nothing changed."""
        _check_header(path)
        uri = _only_reading_uri(path) if _writable(path) else _read_only_uri(path)
        with closing(sqlite3.connect(uri, uri=True)) as file:
            try:
                return int(file.execute("PRAGMA user_version").fetchone()[0]) or None
            except sqlite3.DatabaseError as error:
                raise BadInput(Said(f"{path}: cannot read the database: {error}",
                                    f"{path}：无法读取数据库：{error}")) from None  # fmt: skip

    def _prepare(
        self, read_only: bool = False, rows_only: bool = False, writable: bool = False
    ) -> None:
        try:
            version = self._connection.execute("PRAGMA user_version").fetchone()[0]
            if version < 0:
                # Read as older, it ran the last -version migrations over tables they had
                # made already, and left the store's version at 0: no longer okrdesk's.
                raise BadInput(
                    Said(
                        f"{self.path} says its schema is {version}, which no okrdesk writes "
                        "(PRAGMA user_version changed by other software?). Nothing was "
                        "changed.",
                        f"{self.path} 自称结构版本 {version}，没有哪个版本的 okrdesk 会这样写"
                        "（PRAGMA user_version 被其他软件改过？）。未改动任何内容。",
                    )
                )
            if version > SCHEMA_VERSION:
                raise BadInput(
                    Said(
                        f"{self.path} was written by a newer okrdesk (schema {version}; this one "
                        f"knows up to {SCHEMA_VERSION}); upgrade okrdesk. Nothing was changed.",
                        f"{self.path} 由更新版本的 okrdesk 写入（结构版本 {version}；"
                        f"本版本最高只认 {SCHEMA_VERSION}）；请升级 okrdesk。未改动任何内容。",
                    )
                )
            if version == 0 and self._has_foreign_tables():
                raise BadInput(
                    Said(
                        f"{self.path} is an SQLite database, but not okrdesk's; "
                        "choose another file. Nothing was changed.",
                        f"{self.path} 是 SQLite 数据库，但不是 okrdesk 的；请另选一个文件。"
                        "未改动任何内容。",
                    )
                )
            self._refuse_code_in_the_schema(version)
            if read_only:
                if version < SCHEMA_VERSION:
                    raise BadInput(
                        Said(
                            f"{self.path} was written by an older okrdesk (schema {version}) and "
                            "cannot be upgraded here, where it is read-only: run any okrdesk "
                            "command on it once where it can be written, or copy the workspace",
                            f"{self.path} 由较早版本的 okrdesk 写入（结构版本 {version}），"
                            "此处只读，无法升级：请在可写的地方对它运行一次任一 okrdesk 命令，"
                            "或复制整个工作区",
                        )
                    )
                if (waiting := self._hand_edits_waiting()) and not rows_only:
                    raise BadInput(edits_unsummed(self.location, waiting, _READ_ONLY_HERE))
                if waiting:  # its rows are added up where they are copied to
                    self.edits_not_taken = (waiting, _ONLY_READ if writable else _READ_ONLY_THERE)
                return
            self._connection.execute("PRAGMA foreign_keys = ON")
            self._marks_writes = version >= WRITES_MARKED_SINCE
            if version < SCHEMA_VERSION:
                self._migrate(version)
            # After the migrations, which no transaction can hold the switch in: one that
            # fails (a full disk) leaves the store as it was, in the journal mode it had.
            self._switch_to_wal()
            self._marks_writes = True
            self.take_hand_edits()
        except sqlite3.OperationalError as error:
            raise _operational(self.path, error) from None
        except sqlite3.DatabaseError as error:
            raise BadInput(
                Said(
                    f"{self.path} is not a usable SQLite database: {error}",
                    f"{self.path} 不是可用的 SQLite 数据库：{error}",
                )
            ) from None

    def _switch_to_wal(self) -> None:
        """Put the file in WAL mode (kept in the file, so this is once per file).

        While one process switches a new file, it holds the write lock, and SQLite
        refuses another's switch at once instead of waiting out the busy timeout: two
        collects started together on a new workspace. The switch is tried again until
        the busy timeout runs out.
        """
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                self._connection.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() >= deadline:
                    raise
                time.sleep(0.01)

    def _refuse_code_in_the_schema(self, version: int = SCHEMA_VERSION) -> None:
        """Refuse a store with triggers or views but okrdesk's own three triggers, each
        exactly as okrdesk makes it (``SQLITE_EDIT_TRIGGERS``): one in a store someone
        sent runs inside okrdesk's own writes (a trigger that sets every spend entry's
        amount to one fen, or deletes the check-ins when a collect runs). So is a foreign
        key okrdesk never makes, refused here as a ``CHECK`` is, not left to fail a write
        midway: a store that would refuse some of okrdesk's writes is named before any;
        and a column's default okrdesk never gives it, which its writes would take, and a
        virtual table in place of one of okrdesk's, which keeps what its module chooses.
        A column okrdesk makes ``NOT NULL`` found without it is refused in a store of this
        okrdesk's ``version`` alone: an older store's columns are as its version made them
        (one a later migration adds, there already by hand, fails that migration, which
        changes nothing)."""
        found = [
            (kind, name)
            for kind, name, text in self._connection.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'view') "
                "ORDER BY type, name"
            )
            if not _made_by_okrdesk(kind, name, text)
        ]
        # Clauses okrdesk's own tables never have, which would change what its writes do
        # without a word: a row replaced on a conflict (UNIQUE(line) ON CONFLICT REPLACE
        # kept one spend entry of six), rows deleted or changed along a foreign key, a
        # column computed by the store rather than written.
        # The tables okrdesk's own transactions and triggers write to note hand edits
        # must be exactly as made, without an index of their own.
        for kind, name, table, text, page in self._connection.execute(
            "SELECT type, name, tbl_name, sql, rootpage FROM sqlite_master WHERE type IN "
            "('table', 'index') AND sql IS NOT NULL AND (name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "OR name LIKE 'sqlite\\_stat%' ESCAPE '\\')"
        ):
            if kind == "table" and not page and str(table).lower() in TABLES_MADE:
                # A virtual table (no page of its own) keeps what its module chooses: a
                # contentless full-text one took every check-in and gave back none.
                found.append(("virtual table", name))
            made = SQLITE_EDIT_TABLES.get(str(table).lower())
            otherwise = made is not None and not (kind == "table" and _same_words(text, made))
            if otherwise or (_may_alter(str(text)) and re.search(_ALTERING, _code_only(str(text)))):
                found.append((kind, name))
            # A key is written only with this word: a table without it refers to none.
            if kind == "table" and "REFERENCES" in str(text).upper():
                found.extend(("foreign key", key) for key in self._foreign_keys_not_made(name))
            ours = str(table).lower() in TABLES_MADE
            if kind == "index" and ours and _one_spaced(str(text)) not in INDEXES_MADE:
                found.append((kind, name))
        defaults, changed = self._columns_not_made(version)
        found.extend(("default", column) for column in defaults)
        if changed.told() and not found:
            raise not_as_made(str(self.path), changed)
        if found:
            raise never_made(str(self.path), found)

    def _foreign_keys_not_made(self, table: str) -> list[str]:
        """The foreign keys of ``table`` that okrdesk's migrations do not make
        (``FOREIGN_KEYS_MADE``), from or to a table okrdesk writes, each as its first
        column and what it refers to. One between tables of someone else's alone (one of
        okrdesk's renamed, with its key) acts on no write of okrdesk's."""
        keys: dict[int, tuple[str, str, str, str | None]] = {}
        for key, parent, column, refers_to in self._connection.execute(
            'SELECT id, "table", "from", "to" FROM pragma_foreign_key_list(?) ORDER BY id, seq',
            (table,),
        ):
            keys.setdefault(int(key), (table, str(column), str(parent), refers_to))
        named = []
        for child, column, parent, refers_to in keys.values():
            ours = child.lower() in TABLES_MADE or parent.lower() in TABLES_MADE
            if ours and (child, column, parent, refers_to) not in FOREIGN_KEYS_MADE:
                named.append(f"{child}.{column} → {parent}{'' if refers_to is None else '.'}"
                             f"{refers_to or ''}")  # fmt: skip
        return named

    def _columns_not_made(self, version: int = SCHEMA_VERSION) -> tuple[list[str], ChangedByHand]:
        """Each column of a table okrdesk writes whose default okrdesk never gives it
        (``DEFAULTS_MADE``), as ``table.column = default``: what okrdesk's writes leave a
        column to would be someone else's choice (a check-in born withdrawn); and what was
        changed by hand in its columns: each whose type is not the one okrdesk gives it
        (``_type_unlike``), a table rebuilt by hand; each column okrdesk never makes there;
        each ``NOT NULL`` that okrdesk makes without (``NULLABLE_MADE``), which refused
        okrdesk's writes that leave it empty midway; and, in a store of this okrdesk's
        ``version`` alone, each column okrdesk makes ``NOT NULL`` found without, where rows
        written by other software may hold NULLs okrdesk's reads never expect. One query
        for all, the one look of the opening and of ``unlike_made``."""
        # Only okrdesk's own tables, and no virtual one, named apart: the columns of a
        # virtual table of someone else's, whose module this Python lacks, cannot be read.
        ours = ", ".join("?" * len(TABLES_MADE))
        defaults: list[str] = []
        retyped: list[Said] = []
        added, not_null, nullable = [], [], []
        for table, column, kind, default, required in self._connection.execute(
            'SELECT m.name, p.name, p.type, p.dflt_value, p."notnull" FROM sqlite_master m, '
            "pragma_table_info(m.name) p WHERE m.type = 'table' AND m.rootpage > 0 "
            f"AND lower(m.name) IN ({ours}) AND (p.dflt_value IS NOT NULL "
            f"OR (m.name, p.name, p.type) NOT IN (VALUES {_TYPED_AS_MADE}) "
            f'OR p."notnull" AND (lower(m.name), lower(p.name)) IN (VALUES {_NULLABLE}) '
            f'OR NOT p."notnull" AND (lower(m.name), lower(p.name)) IN (VALUES {_NOT_NULL}))',
            sorted(TABLES_MADE),
        ):
            named = (str(table).lower(), str(column).lower())
            if required and named in NULLABLE_MADE:
                not_null.append((str(table), str(column)))
            elif not required and named in _NOT_NULL_MADE:
                nullable.append((str(table), str(column)))
            made = COLUMN_TYPES_MADE[str(table).lower()].get(str(column).lower())
            # A column no version of okrdesk makes: what it holds okrdesk never writes nor
            # keeps (a copy of the store leaves it behind), and its NOT NULL, in a table
            # rebuilt by hand, would refuse okrdesk's writes midway.
            if made is None:
                added.append((str(table), str(column)))
            elif (unlike := self._type_unlike(str(table), str(column), str(kind))) is not None:
                retyped.append(unlike)
            if default is not None and (str(table).lower(), str(column).lower(),
                                        default) not in DEFAULTS_MADE:  # fmt: skip
                defaults.append(f"{table}.{column} = {default}")
        return defaults, ChangedByHand(
            retyped=retyped,
            not_null=[not_null_added(*column, _NOT_NULL_BACK) for column in not_null],
            nullable=[not_null_dropped(*column, _NULLABLE_BACK) for column in nullable]
            if version == SCHEMA_VERSION
            else [],
            added=added,
        )

    def _changed_by_hand(self) -> list[Said]:
        return self._columns_not_made(self.schema_version)[1].told()

    def _changed_now(self) -> list[Said]:
        """``unlike_made``, once a write was refused and rolled back; nothing where the file
        cannot be read either (the refusal is the error to say)."""
        try:
            return self.unlike_made()
        except sqlite3.Error:
            return []

    def _has_foreign_tables(self) -> bool:
        return bool(
            self._connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1"
            ).fetchone()
        )

    def _migrate(self, version: int) -> None:
        # sqlite_utils only writes schemas: loaded when one needs writing, not for a report.
        import sqlite_utils

        with self.transaction():
            # Read again inside the write lock: another process may have migrated.
            version = self._connection.execute("PRAGMA user_version").fetchone()[0]
            if version < len(MIGRATIONS):
                self.migrated_from = version
            marked = self._marks_writes
            for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
                migration(sqlite_utils.Database(self._connection))
                self._connection.execute(f"PRAGMA user_version = {number:d}")
                if not marked and number >= WRITES_MARKED_SINCE:
                    # The triggers are made: what later versions write is okrdesk's own.
                    self._connection.execute(f"INSERT INTO {OKRDESK_WRITES} VALUES (1)")
                    marked = True
            if marked and not self._marks_writes:
                self._connection.execute(f"DELETE FROM {OKRDESK_WRITES}")

    def close(self) -> None:
        self._connection.close()

    @property
    def schema_version(self) -> int:
        return int(self._connection.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction, taken at once so concurrent writers queue, not fail.
        Within another, that one holds: what both write is committed together."""
        if self._writing:
            yield None
            return
        try:
            self._connection.execute("BEGIN IMMEDIATE")
            # The store's triggers take every write but okrdesk's for a hand edit.
            marked = self._marks_writes
            if marked:
                self._connection.execute(f"INSERT INTO {OKRDESK_WRITES} VALUES (1)")
        except sqlite3.OperationalError as error:
            self._rollback()
            raise _operational(self.path, error) from None
        self._writing = True
        try:
            try:
                yield None
                if marked:
                    self._connection.execute(f"DELETE FROM {OKRDESK_WRITES}")
            except sqlite3.OperationalError as error:
                self._rollback()
                raise _operational(self.path, error) from None
            except sqlite3.IntegrityError as error:
                self._rollback()
                raise _refused_by_hand(self.path, error, self._changed_now()) from None
            except sqlite3.DatabaseError as error:
                self._rollback()
                raise _damaged(self.path, error) or error from None
            except BaseException:
                self._rollback()
                raise
            else:
                try:
                    self._connection.execute("COMMIT")
                except sqlite3.OperationalError as error:
                    self._rollback()
                    raise _operational(self.path, error) from None
                except sqlite3.IntegrityError as error:  # a key checked at the end (DEFERRABLE)
                    self._rollback()
                    raise _refused_by_hand(self.path, error, self._changed_now()) from None
        finally:
            self._writing = False

    @contextmanager
    def reading(self) -> Iterator[None]:
        # In WAL mode a deferred transaction reads one snapshot from its first read on,
        # and lets writers commit meanwhile.
        if self._connection.in_transaction:
            yield None
            return
        try:
            self._connection.execute("BEGIN DEFERRED")
            yield None
        except BaseException as error:
            self._rollback()
            if isinstance(error, sqlite3.OperationalError):
                raise _operational(self.path, error) from None
            if isinstance(error, sqlite3.DatabaseError) and (said := _damaged(self.path, error)):
                raise said from None
            raise
        try:
            self._connection.execute("COMMIT")
        except sqlite3.OperationalError as error:
            self._rollback()
            raise _operational(self.path, error) from None

    @contextmanager
    def _many_rows(self) -> Iterator[None]:
        """A page cache of ``MANY_ROWS_CACHE`` for the write, then the connection's own
        again. SQLite's default (2 MB) holds a small fraction of a firm's observations:
        replacing them, it wrote dirty pages out mid-transaction and read them back, which
        took half the CPU of storing a 60-branch collect. The pages are allocated only as
        they are used, and given back when the cache is set back."""
        before = int(self._connection.execute("PRAGMA cache_size").fetchone()[0])
        self._connection.execute(f"PRAGMA cache_size = -{MANY_ROWS_CACHE // 1024:d}")
        try:
            yield None
        finally:
            with suppress(sqlite3.Error):  # never in place of the write's own error
                self._connection.execute(f"PRAGMA cache_size = {before:d}")

    def _rollback(self) -> None:
        # SQLite rolls back by itself on some errors (a full disk): then there is
        # nothing left to roll back, and trying would hide the real error.
        if self._connection.in_transaction:
            self._connection.execute("ROLLBACK")

    def _another(self) -> Callable[[], AbstractContextManager[Store]] | None:
        if self._connection.in_transaction:
            # Python's sqlite3 cannot hand a read's snapshot to another connection, which
            # would read whatever was committed since.
            return None
        return lambda: SqliteStore.connect(self.path, create=False)

    # ------------------------------------------------------------ dialect

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> Iterable[Row]:
        try:
            return self._connection.execute(sql, params)
        except sqlite3.OperationalError as error:
            if self._connection.in_transaction:
                raise  # said by the transaction, once it has rolled back
            raise _operational(self.path, error) from None

    def _write_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        return self._connection.executemany(sql, rows).rowcount

    def _insert(self, sql: str, params: Sequence[Any]) -> int:
        return int(self._connection.execute(sql, params).lastrowid or 0)

    def _wrote(self, rows: int) -> None:
        """Nothing to tidy: SQLite reuses the pages deleted rows leave."""

    def _lock(self, name: str) -> None:
        """Nothing to take: ``BEGIN IMMEDIATE`` already excludes every other writer."""

    def _hold_alone(self, command: str, plan_unit: str) -> None:
        """Nothing to hold: a file is written by the processes of one machine, which
        ``_running_beside`` looks at."""

    def _member(self, column: str) -> str:
        return f"{column} IN (SELECT value FROM json_each(?))"

    def _members(self, values: Iterable[str]) -> str:
        return json.dumps(sorted(set(values)))

    # ------------------------------------------------------------- checks

    def integrity_ok(self) -> bool:
        return bool(self._connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok")

    def after_load(self) -> None:
        """Nothing to do: SQLite's next id follows the largest one stored."""

    def columns(self, table: str) -> list[str]:
        return [str(r[1]) for r in self._connection.execute(f"PRAGMA table_info({table})")]

    def _numbers_only(self) -> None:
        if self.path != Path(":memory:"):
            super()._numbers_only()

    def _first_unsummable(self) -> tuple[str, str, str, str, str, object] | None:
        # A REAL column keeps text that does not read as a number (``abc``, ``1.2万``).
        # Asked of the index of such rows (empty while there are none), unless a hand
        # edit dropped it, or made one of its name on another condition, which SQLite
        # cannot answer the look with ("no query solution").
        made = self._one(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ? "
            "AND tbl_name = 'observations'",
            (NO_NUMBER_INDEX,),
        )
        ours = made is not None and " ".join(str(made[0]).split()).endswith(f"WHERE {NO_NUMBER}")
        hint = f"INDEXED BY {NO_NUMBER_INDEX} " if ours else ""
        which = " ".join(f"WHEN typeof({c}) IN ('text', 'blob') THEN '{c}'" for c in _FIGURES)
        shown = " ".join(f"WHEN typeof({c}) IN ('text', 'blob') THEN {c}" for c in _FIGURES)
        row = self._one(
            f"SELECT metric, period, subject, slice, CASE {which} END, CASE {shown} END "
            f"FROM observations {hint}WHERE {NO_NUMBER} LIMIT 1"
        )
        return None if row is None else (*map(str, row[:5]), row[5])

    def _column_types(self, table: str) -> dict[str, str]:
        rows = self._connection.execute(f"PRAGMA table_info({table})")
        return {str(r[1]): str(r[2]).upper() for r in rows}

    def _type_unlike(self, table: str, column: str, found: str) -> Said | None:
        """The file's declared type against ``COLUMN_TYPES_MADE``; its way back a restore,
        SQLite having no ALTER COLUMN (a server's statement is a syntax error here)."""
        made = COLUMN_TYPES_MADE[table.lower()][column.lower()]
        if found.upper() == made:
            return None
        return retyped(table, column, found, made, _TYPE_BACK)


_TYPE_BACK = Said(
    "SQLite cannot change a column's type in place: restore the file from a backup",
    "SQLite 无法就地修改列的类型：请从备份恢复该文件",
)


_FIGURES = ("value", "numerator", "denominator")
"""The columns of an observation that are added up."""

_READ_ONLY_HERE = Said(
    "the file is read-only here: run any okrdesk command on it once where it can be "
    "written, copy the workspace, or copy the store with `okrdesk store copy` (the copy "
    "adds those figures up again)",
    "此处文件只读：请在可写的地方对它运行一次任一 okrdesk 命令、复制整个工作区，或用 "
    "`okrdesk store copy` 复制该数据库（副本会把这些数重新合计）",
)


_READ_ONLY_THERE = Said("where it is read-only", "因为它在此处只读")
_ONLY_READ = Said("where a copy only reads it", "因为复制只读取源数据库")


_NULLABLE = ", ".join(f"('{table}', '{column}')" for table, column in sorted(NULLABLE_MADE))
_NOT_NULL_BACK = Said(
    "SQLite cannot drop a column's NOT NULL in place: rebuild the table without it, as a "
    'database browser\'s "modify table" does, or restore the file from a backup',
    "SQLite 无法就地去掉列的 NOT NULL：请像数据库浏览器的“修改表”那样重建该表去掉它，"
    "或从备份恢复该文件",
)
_NOT_NULL_MADE = (
    frozenset((table, column) for table, columns in COLUMN_TYPES_MADE.items() for column in columns)
    - NULLABLE_MADE
    - ROW_IDS_MADE
)
"""Each column okrdesk makes ``NOT NULL``."""
_NOT_NULL = ", ".join(f"('{table}', '{column}')" for table, column in sorted(_NOT_NULL_MADE))
_NULLABLE_BACK = Said(
    "SQLite cannot make a column NOT NULL in place: fill its NULLs, then rebuild the table "
    'with it, as a database browser\'s "modify table" does, or restore the file from a backup',
    "SQLite 无法就地给列加上 NOT NULL：请先填上其中的空值，再像数据库浏览器的“修改表”那样"
    "重建该表加上它，或从备份恢复该文件",
)
_TYPED_AS_MADE = ", ".join(
    f"('{table}', '{column}', '{kind}')"
    for table, columns in COLUMN_TYPES_MADE.items()
    for column, kind in columns.items()
)
"""Each column of okrdesk's tables with its type, as SQL's rows of values: only a column
otherwise is read by ``_columns_not_made``."""


def _one_spaced(text: str) -> str:
    """A statement with one space between its words, as ``INDEXES_MADE`` holds them."""
    if text.isascii():  # Python's split is SQLite's there, and ten times as quick
        return " ".join(text.split())
    return " ".join(_SQLITE_SPACE.split(text.strip(" \t\n\f\r")))


def _made_by_okrdesk(kind: str, name: str, text: str | None) -> bool:
    """Whether a trigger is one okrdesk makes, exactly as it makes it."""
    made = SQLITE_EDIT_TRIGGERS.get(name) if kind == "trigger" else None
    return made is not None and _same_words(text, made)


_SQLITE_SPACE = re.compile(r"[ \t\n\f\r]+")
"""What SQLite reads as space between words, and nothing else: Python's ``str.split``
also splits at a no-break space, which SQLite reads as part of a name (``FROM`` and
``x`` joined by one are one name), so a statement that splits into okrdesk's words
could mean another."""


def _same_words(text: str | None, made: str) -> bool:
    """Whether ``text`` is ``made`` but for the space between its words."""
    if text is None:
        return False
    return _SQLITE_SPACE.split(text.strip(" \t\n\f\r")) == _SQLITE_SPACE.split(made.strip())


__all__ = ["BUSY_TIMEOUT_ENV", "SQLITE_HEADER", "SqliteStore", "busy_timeout", "snapshot"]


def _writable(path: Path) -> bool:
    """Whether SQLite may write ``path`` (a file, or a folder to make one in) and create
    its log beside it."""
    if path.is_dir():
        return os.access(path, os.W_OK | os.X_OK)
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def _read_only_message(path: Path) -> Said:
    return Said(
        f"{path} is read-only here, and this command stores to the workspace's database: "
        "run it where the workspace can be written",
        f"{path} 在此处只读，而本命令要写入工作区的数据库：请在工作区可写的地方运行",
    )


def _read_only_uri(path: Path) -> str:
    """How to read a store that cannot be written here. With its write-ahead log and the
    log's index beside it, through them. Without a log, on a file system mounted
    read-only (a read-only share or medium), as a file no one changes while it is read
    (``immutable``): SQLite could not make its index there, and nobody can write the
    file through this mount either. A folder that only its owner may write is refused:
    the owner may write the file while it is read, which only SQLite's index, made
    beside it, would make safe."""
    real = path.resolve()  # a link's target: its log is beside it, not beside the link
    log, index = (real.with_name(f"{real.name}-{end}") for end in ("wal", "shm"))
    uri = f"{real.as_uri()}?mode=ro"
    if log.exists() and log.stat().st_size > 0 and index.exists():
        return uri
    if log.exists() and log.stat().st_size > 0:
        raise BadInput(
            Said(
                f"{path} is read-only here and has a write-ahead log ({log.name}) without "
                f"its index ({index.name}), which SQLite would have to create: copy the "
                "workspace to a folder you can write, or open it once where it can be",
                f"{path} 在此处只读，且有预写日志（{log.name}）而没有其索引（{index.name}），"
                "SQLite 须创建该索引：请把工作区复制到您可写的文件夹，或在可写的地方打开它一次",
            )
        )
    if _mounted_read_only(real):
        return uri + "&immutable=1"
    if index.exists():
        return uri
    raise BadInput(
        Said(
            f"{path} can be read but not written by you, and SQLite must write its lock file "
            f"({index.name}) beside it to read it while its owner may write it: ask for "
            "write access to the folder, or copy the workspace",
            f"{path} 您可以读但不能写，而其所有者可能正在写入它，SQLite 读取时须在旁边写入锁文件"
            f"（{index.name}）：请申请该文件夹的写权限，或复制整个工作区",
        )
    )


def _only_reading_uri(path: Path) -> str:
    """How to read a store that could be written here, writing nothing to it (the source
    of ``store copy``): SQLite still keeps its lock file beside it, as any reader does."""
    return f"{path.resolve().as_uri()}?mode=ro"


def snapshot(path: Path, into: Path) -> None:
    """The store at ``path`` copied as it is, page by page, into the new file ``into``,
    through a connection that only reads it: one of an older schema is upgraded there,
    never in place, for ``store copy``."""
    uri = _only_reading_uri(path) if _writable(path) else _read_only_uri(path)
    try:
        with (
            closing(sqlite3.connect(uri, uri=True, timeout=busy_timeout())) as origin,
            closing(sqlite3.connect(into)) as copy,
        ):
            origin.backup(copy)
    except sqlite3.OperationalError as error:
        # The source, opened to read, refuses nothing but a lock; the copy, a full disk.
        raise _operational(path if "locked" in str(error) else into, error) from None
    except sqlite3.DatabaseError as error:
        raise _damaged(path, error) or BadInput(
            Said(f"{path}: cannot read the database: {error}",
                 f"{path}：无法读取数据库：{error}")
        ) from None  # fmt: skip


def _mounted_read_only(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _check_header(path: Path) -> None:
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            # A named pipe would hold the read below until something writes to it: forever.
            raise BadInput(
                Said(
                    f"{path} is not a regular file (a folder, a named pipe or a device), so not "
                    "a database; nothing was read or changed",
                    f"{path} 不是普通文件（而是文件夹、命名管道或设备），因此不是数据库；"
                    "未读取、未改动任何内容",
                )
            )
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise BadInput(
            Said(
                f"{path}: cannot read the database: {error.strerror}",
                f"{path}：无法读取数据库：{error.strerror}",
            )
        ) from None
    if header and header != SQLITE_HEADER:
        raise BadInput(
            Said(
                f"{path} is not an SQLite database; nothing was changed",
                f"{path} 不是 SQLite 数据库；未改动任何内容",
            )
        )


class StoreRefused(BadInput):
    """A store file okrdesk will not use as it is (damaged inside, a link where SQLite
    keeps its log): said in the command's language."""


_DAMAGED = {
    "en": "{path} is damaged (SQLite: {error}); this command stopped and changed nothing in "
          "it. Restore it from a backup: `sqlite3 {path} \"PRAGMA integrity_check\"` names "
          "what is damaged, and `sqlite3 {path} .recover` saves what can still be read into "
          "a new file",
    "zh": "{path} 已损坏（SQLite：{error}）；本命令已停止，未改动其中任何内容。请从备份恢复："
          "`sqlite3 {path} \"PRAGMA integrity_check\"` 可指出损坏之处，"
          "`sqlite3 {path} .recover` 可把尚能读出的内容存入新文件",
}  # fmt: skip


_LINKED_LOG = {
    "en": "{link} is a link (to {leads}): SQLite keeps the store's log and lock beside it "
          "under that name and will write nothing through a link, so the store cannot be "
          "opened. Remove the link (nothing of okrdesk's is in it); nothing was changed",
    "zh": "{link} 是一个链接（指向 {leads}）：SQLite 以此名在数据库旁保存日志和锁，"
          "不会经由链接写入，因此无法打开数据库。请删除该链接（其中没有 okrdesk 的数据）；"
          "未改动任何内容",
}  # fmt: skip


def _refuse_linked_logs(path: Path) -> None:
    """Refuse a link in the place of the store's write-ahead log, its index or its
    rollback journal (a workspace someone sent can hold one pointing at a file of yours),
    naming it; SQLite itself only says it is "unable to open database file"."""
    for end in ("wal", "shm", "journal"):
        link = path.with_name(f"{path.name}-{end}")
        if link.is_symlink():
            leads = os.path.realpath(link)
            words = {lang: text.format(link=link, leads=leads)
                     for lang, text in _LINKED_LOG.items()}  # fmt: skip
            raise StoreRefused(Said(words["en"], words["zh"]))


def _damaged(path: Path, error: sqlite3.DatabaseError) -> StoreRefused | None:
    """The message for a store SQLite finds malformed (a disk or a copy gone wrong), or
    None for any other error, which stays as it is."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is None or code & 0xFF not in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return None
    words = {lang: text.format(path=path, error=error) for lang, text in _DAMAGED.items()}
    return StoreRefused(Said(words["en"], words["zh"]))


def _refused_by_hand(path: Path, error: sqlite3.IntegrityError, found: list[Said]) -> OkrdeskError:
    """A write of okrdesk's that a constraint refused: one okrdesk never makes (a NOT NULL
    or a key changed in a database browser), since a clause or a foreign key of another's
    is refused when the store opens, and okrdesk's own writes keep okrdesk's own. What the
    opening's look ``found`` changed since the store was opened is named, with its way
    back; else the change is guessed at."""
    if found:
        return OkrdeskError(Said(
            f"{path}: SQLite refused what okrdesk was writing ({error}): okrdesk's tables "
            f"are not as okrdesk made them: {'; '.join(said.en for said in found)}. Someone "
            "changed them by hand after this command opened the file. What this command was "
            "writing was rolled back; nothing stored before is lost. Undo that change, or "
            "restore the file from a backup.",
            f"{path}：SQLite 拒绝了 okrdesk 正在写入的内容（{error}）：okrdesk 的数据表已不是 "
            f"okrdesk 建的样子：{'；'.join(said.zh for said in found)}。有人在本命令打开该文件后"
            "手工改动过它们。本命令要写入的内容已撤销；此前存入的内容没有丢失。请撤销该改动，"
            "或从备份恢复该文件。",
        ))  # fmt: skip
    return OkrdeskError(Said(
        f"{path}: SQLite refused what okrdesk was writing ({error}). okrdesk's writes keep "
        "the constraints it makes, so the table was most likely changed by hand with an "
        "SQLite tool (a NOT NULL, or a table's key). What this command was writing was "
        "rolled back; nothing stored before is lost. Undo that change to the table, or "
        "restore the file from a backup.",
        f"{path}：SQLite 拒绝了 okrdesk 正在写入的内容（{error}）。okrdesk 的写入遵守它自己"
        "建的约束，所以很可能有人用 SQLite 工具手工改了该表（NOT NULL 或表的键）。本命令要"
        "写入的内容已撤销；此前存入的内容没有丢失。请撤销对该表的改动，或从备份恢复该文件。",
    ))  # fmt: skip


def _operational(path: Path, error: sqlite3.OperationalError) -> OkrdeskError:
    text = str(error)
    if "locked" in text or "busy" in text:
        return BadInput(
            Said(
                f"{path} is locked by another okrdesk or SQLite program and stayed locked for "
                f"{busy_timeout():g} s ({BUSY_TIMEOUT_ENV}); try again when it has finished",
                f"{path} 被另一个 okrdesk 或 SQLite 程序锁定，{busy_timeout():g} 秒内未解锁"
                f"（{BUSY_TIMEOUT_ENV}）；请待其完成后再试",
            )
        )
    if "readonly" in text or "read-only" in text:
        return BadInput(_read_only_message(path))
    if "disk I/O error" in text:
        return OkrdeskError(
            Said(
                f"{path}: the disk refused a write (disk I/O error: full, or failing); what this "
                "command was writing was not stored, and everything stored before is intact. "
                "Free some space on that disk (or have the disk checked), then run the command "
                "again",
                f"{path}：磁盘拒绝写入（磁盘 I/O 错误：已满或出现故障）；"
                "本命令正在写入的内容未保存，此前保存的一切完好无损。"
                "请腾出该磁盘的空间（或检查磁盘）后再运行一次",
            )
        )
    if "disk is full" in text or "full" in text:
        return OkrdeskError(
            Said(
                f"{path}: the disk is full; what this command was writing was not stored, "
                "and everything stored before is intact. Free some space on that disk, then "
                "run the command again",
                f"{path}：磁盘已满；本命令正在写入的内容未保存，此前保存的一切完好无损。"
                "请腾出该磁盘的空间后再运行一次",
            )
        )
    if text.startswith(("no such table", "no such column")) or "has no column named" in text:
        return OkrdeskError(Said(
            f"{path}: {text}: okrdesk's tables are not as okrdesk made them (changed by hand "
            "with an SQLite tool?). Nothing stored is lost; what this command was writing, if "
            "anything, was rolled back. `okrdesk store upgrade "
            f"{path}` names every table and column that is missing: put back what was renamed, "
            "or restore the file from a backup.",
            f"{path}：{text}：okrdesk 的数据表已不是 okrdesk 建的样子"
            "（有人用 SQLite 工具手工改动过？）。已存入的内容没有丢失；"
            f"本命令要写入的内容（如有）已撤销。`okrdesk store upgrade {path}` "
            "会列出缺少的每个表和列：请把改了名的改回来，或从备份恢复该文件。",
        ))  # fmt: skip
    return BadInput(Said(f"{path}: {text}", f"{path}：{text}"))
