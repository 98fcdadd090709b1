"""A firm's PostgreSQL server as okrdesk's store, through psycopg 3.

The same tables, schema versions and queries as the SQLite file
(``okrdesk.store.base``), in the connection's current schema. The schema
version is the one row of ``okrdesk_schema``. The password never comes from
okrdesk's settings: libpq reads ``$PGPASSWORD`` or ``~/.pgpass``.

Writers that SQLite serialises with ``BEGIN IMMEDIATE`` take a
transaction-level advisory lock here: one per budget line for spend (so the
breaker check and the insert are one step for that line), one for storing
observations, one per check-in withdrawn, one per key result checked in and
one for the ledger's unit ids (a check-in or an entry whose look at what is
kept under an old unit id must hold until it is stored; a move-unit takes
them too), and one for migrating. Each waits
at most ``$OKRDESK_BUSY_TIMEOUT`` seconds (``lock_timeout``). A collect also
holds a session-level advisory lock of its plan's from its start to its run's
end (``_hold_alone``): a collect of the same plan on another machine finds it
taken and waits, where a run's process there cannot be looked at.

The server's round trips are cheap (tens of microseconds on a socket); what a
report pays for is each query's plan. So the connection asks for its settings
in the startup packet (no round trip of its own), and turns JIT compilation
off: okrdesk's reads are index range reads and one grouped scan, which JIT
makes slower by the time it takes to compile. A bulk load (``store copy``)
or a large collect is followed by ``VACUUM (ANALYZE)`` (a large collect:
``ANALYZE`` after each plugin's rows, ``VACUUM (ANALYZE)`` when its run ends),
so the first report after it is planned from the rows that are there and
reads the subject index alone, not the table too.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import attrs

from okrdesk.errors import BadInput, NoStoreYet, OkrdeskError, Said
from okrdesk.periods import Grain
from okrdesk.store.base import (
    BUSY_TIMEOUT_ENV,
    TABLES,
    Row,
    StillRunning,
    Store,
    busy_timeout,
    laid_out,
)
from okrdesk.store.hand_changes import (
    ChangedByHand,
    edits_unsummed,
    holds_no_number,
    never_made,
    not_as_made,
    not_null_added,
    not_null_dropped,
    retyped,
    row_security,
)
from okrdesk.store.migrations import (
    COLUMN_TYPES_MADE,
    DEFAULTS_MADE,
    HAND_EDITS,
    NULLABLE_MADE,
    OKRDESK_WRITES,
    POSTGRES_CONSTRAINTS_MADE,
    POSTGRES_INDEXES_MADE,
    POSTGRES_MIGRATIONS,
    SCHEMA_VERSION,
    TABLES_MADE,
    made_in,
)
from okrdesk.store.reader import SeriesOfMetrics, SumRows

# psycopg's import leaves some 25,000 objects that live as long as the process (its
# types, adapters, error classes, asyncio's). Every collection the cyclic garbage
# collector runs afterwards walks them again, and so does Python's shutdown, several
# times: a process that had imported psycopg took tens of milliseconds of CPU longer
# to exit than one that had not, which twenty check-in writers ending at once pay
# twenty times. Frozen, they are left out of every later collection. And while they
# are made the collector is held back: the some 50 collections their making set off
# found nothing to free and cost a branch's report 6-18 ms of CPU.
_collecting = gc.isenabled()
gc.disable()
try:
    import psycopg
    import psycopg.errors
    from psycopg.pq import TransactionStatus
    from psycopg.sql import SQL, Literal
finally:
    gc.freeze()
    if _collecting:
        gc.enable()
# psycopg logs what it could not do while leaving a pipeline or a COPY on a connection
# already lost ("error ignored terminating <psycopg.Pipeline [BAD]>…"); Python would print
# that to stderr above okrdesk's own message about the lost connection, which says it all.
logging.getLogger("psycopg").addHandler(logging.NullHandler())

VERSION_TABLE = "okrdesk_schema"
VACUUM_LOADED = (*TABLES, "period_totals", "running_totals")
"""The tables ``store copy`` vacuums and analyses once it has loaded them."""
_TABLES_HERE = (TABLES_MADE - {OKRDESK_WRITES}) | {VERSION_TABLE}
"""okrdesk's tables on a server: SQLite's but the one marking its writes (a setting of the
transaction does that here), and the one keeping the schema's version."""
_DEFAULTS_HERE = frozenset(
    (table, column, f"{default}::text" if default.startswith("'") else default)
    for table, column, default in DEFAULTS_MADE
)
"""``DEFAULTS_MADE`` as PostgreSQL says them (``''::text``)."""
_TRIGGER = (
    "observations", "observations_edited_by_hand",
    "CREATE TRIGGER observations_edited_by_hand AFTER INSERT OR DELETE OR UPDATE ON "
    "observations FOR EACH ROW WHEN ((current_setting('okrdesk.writing'::text, true) IS "
    "DISTINCT FROM 'on'::text)) EXECUTE FUNCTION okrdesk_note_hand_edit()",
)  # fmt: skip
"""okrdesk's one trigger, as the server says it (its table's schema left out)."""
_TRIGGER_BODY = " ".join(
    re.split(r"\$\$", next(m for m in POSTGRES_MIGRATIONS if "okrdesk_note_hand_edit" in m))[
        1
    ].split()
)
"""The body of okrdesk's trigger's function, as the migration makes it."""
_RELATION_KINDS = {"v": "view", "m": "materialized view", "f": "foreign table",
                   "p": "partitioned table"}  # fmt: skip
_OURS = "ARRAY[" + ", ".join(f"'{table}'" for table in sorted(_TABLES_HERE)) + "]"
_COLUMNS_OURS = "ARRAY[" + ", ".join(sorted(
    f"'{table}.{column}'"
    for table, columns in {**COLUMN_TYPES_MADE, VERSION_TABLE: {"version": "INTEGER"}}.items()
    if table in _TABLES_HERE for column in columns
)) + "]"  # fmt: skip
"""Each column okrdesk makes on a server, in some version, as ``table.column``."""
_PG_TYPES = {"TEXT": ("text", 25, 950), "REAL": ("double precision", 701, 0),
             "INTEGER": ("bigint", 20, 0), "VERSION": ("integer", 23, 0)}  # fmt: skip
"""How a column made as TEXT, REAL or INTEGER (or the schema's version) is made on a server:
its type as ``format_type`` says it, the type's oid, and its collation's (``"C"``, fixed in
every server's catalog, for text: ordered by code point, as in SQLite)."""
_TYPES_HERE = {
    (table, column): _PG_TYPES[kind]
    for table, columns in {**COLUMN_TYPES_MADE, VERSION_TABLE: {"version": "VERSION"}}.items()
    if table in _TABLES_HERE for column, kind in columns.items()
}  # fmt: skip
"""Each column okrdesk makes on a server → how it is made (``_PG_TYPES``); a migration
never changes a column's type, so a store of any version has these."""
_TYPED_OURS = "ARRAY[" + ", ".join(sorted(
    f"'{table}.{column} {oid} {collation}{'' if (table, column) in NULLABLE_MADE else ' n'}'"
    for (table, column), (_, oid, collation) in _TYPES_HERE.items()
)) + "]"  # fmt: skip
"""Each column okrdesk makes on a server as the catalog keeps it: ``table.column`` with
its type's oid, its collation's and ``n`` where it is ``NOT NULL``, compared at once (the
server hashes a constant array)."""
_TYPE_SAID = """format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attcollation IN (0, 950)
           THEN '' ELSE (SELECT ' COLLATE ' || quote_ident(o.collname)
               FROM pg_catalog.pg_collation o WHERE o.oid = a.attcollation) END"""
"""A column's type as okrdesk says it (``pg_attribute a``): as ``format_type`` says it,
with its collation where that is not okrdesk's ("C") nor none."""
_NEVER_MADE = f"""
SELECT 'trigger' AS kind, t.tgname::text AS name, c.relname::text AS tbl,
       replace(pg_get_triggerdef(t.oid), ' ON ' || quote_ident(n.nspname) || '.', ' ON ')
       AS text
FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relname = ANY({_OURS}) AND NOT t.tgisinternal
UNION ALL
SELECT 'rule', r.rulename::text, c.relname::text, ''
FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relname = ANY({_OURS}) AND r.rulename <> '_RETURN'
UNION ALL
SELECT CASE WHEN c.relkind <> 'r' THEN 'relation' ELSE 'row security' END,
       c.relname::text, c.relname::text,
       CASE WHEN c.relkind <> 'r' THEN c.relkind::text WHEN c.relforcerowsecurity
           THEN 'forced' ELSE '' END
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relname = ANY({_OURS})
    AND (c.relkind <> 'r' OR c.relrowsecurity)
UNION ALL
SELECT 'default', a.attname::text, c.relname::text, pg_get_expr(d.adbin, d.adrelid)
FROM pg_catalog.pg_attrdef d JOIN pg_catalog.pg_class c ON c.oid = d.adrelid
JOIN pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relname = ANY({_OURS})
UNION ALL
SELECT 'constraint', con.conname::text, c.relname::text,
       con.contype::text || ' ' || pg_get_constraintdef(con.oid)
FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype <> 'n' AND (n.nspname = current_schema() AND c.relname = ANY({_OURS})
    OR con.confrelid IN (SELECT o.oid FROM pg_catalog.pg_class o
        JOIN pg_catalog.pg_namespace s ON s.oid = o.relnamespace
        WHERE s.nspname = current_schema() AND o.relname = ANY({_OURS})))
UNION ALL
SELECT 'index', i.relname::text, c.relname::text,
       replace(pg_get_indexdef(x.indexrelid), ' ON ' || quote_ident(n.nspname) || '.', ' ON ')
FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class c ON c.oid = x.indrelid
JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relname = ANY({_OURS})
UNION ALL
SELECT 'function', p.proname::text, '', p.prosrc
FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = current_schema() AND p.proname = 'okrdesk_note_hand_edit'
UNION ALL
SELECT CASE WHEN c.relname || '.' || a.attname <> ALL({_COLUMNS_OURS}) THEN 'column'
       WHEN t.typtype = 'd' THEN 'domain' ELSE 'typed' END, a.attname::text, c.relname::text,
       CASE WHEN t.typtype = 'd' THEN concat_ws(' ', format_type(t.oid, NULL),
           (SELECT string_agg(pg_get_constraintdef(d.oid), ' ' ORDER BY d.conname)
            FROM pg_catalog.pg_constraint d WHERE d.contypid = t.oid))
       ELSE {_TYPE_SAID}
           || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END END
FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
WHERE n.nspname = current_schema() AND c.relname = ANY({_OURS}) AND a.attnum > 0
    AND NOT a.attisdropped
    AND c.relname || '.' || a.attname || ' ' || a.atttypid || ' ' || a.attcollation
        || CASE WHEN a.attnotnull THEN ' n' ELSE '' END <> ALL({_TYPED_OURS})
"""
"""What ``_refuse_what_was_never_made`` looks at, in one statement: each trigger and rule
on okrdesk's tables, each relation under their names that is no table, each of them
with row security on (``forced`` where on their owner too), each column default, each
constraint on or referring to them (but ``NOT NULL``, which PostgreSQL 18 lists there
too) with its kind's letter, each index on them, the body of okrdesk's
trigger's function, each column okrdesk never makes there, each of its columns whose
type is a domain, with the domain's name and constraints (okrdesk makes none: one's
``CHECK`` refused okrdesk's writes midway, and the column's type still read as made), and
each of its columns of another type or collation than it makes (``_TYPES_HERE``), or
``NOT NULL`` where okrdesk makes it without (``NULLABLE_MADE``) or without where okrdesk
makes it ``NOT NULL``, with the type and collation it has and ``NOT NULL`` where it is."""
_CONSTRAINT_KINDS = {"c": "check", "f": "foreign key", "u": "unique", "x": "exclusion",
                     "p": "primary key", "t": "constraint trigger"}  # fmt: skip
CONNECT_TIMEOUT = 10
ANALYZE_AFTER_ROWS = 10_000
"""A collect that stores this many observations or more is followed by ``ANALYZE``, and
its run's end by ``VACUUM (ANALYZE)``."""
STREAMED_BATCH = 5_000
"""Rows ``PostgresStore.streamed`` fetches from the server at a time: a round trip per
batch costs next to nothing beside the rows, and 5,000 of a table's widest rows are a
few megabytes."""
TrendsAsked = tuple[tuple[str, ...], Grain, dt.date, dt.date | None]
"""The subjects, grain, last day and first day (or none) of a branch's reads."""


def password_in(url: str) -> bool:
    """Whether a connection URL carries a password (in its user part or its query)."""
    parts = urlsplit(url)
    return bool(parts.password) or "password=" in parts.query


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for ``name``, okrdesk's own."""
    digest = hashlib.sha256(f"okrdesk {name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


_NUMBER_TYPES = ("double precision", "real", "numeric", "bigint", "integer", "smallint")
_A_NUMBER = r"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$"
"""A number written as text, as PostgreSQL reads one back into a number."""

_REFUSALS = (psycopg.errors.InsufficientPrivilege, psycopg.errors.ReadOnlySqlTransaction)
"""What the server refuses a role (its grants), or any role here (a read-only server, a
role whose transactions are read-only): said as such, never a traceback."""

_ROLLED_BACK_FROM = (TransactionStatus.INTRANS, TransactionStatus.INERROR)
"""Where a transaction stopped by an error is left to roll back (not lost with the
connection, nor ended by the server already)."""

_READING = b"SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
"""What a ``reading`` transaction is, said before its first read."""
_OKRDESK_WRITING = b"SET LOCAL okrdesk.writing = 'on'"
"""What marks a transaction's writes as okrdesk's own, not a hand edit's: for that
transaction alone (``SET LOCAL``), so a connection handed on afterwards (a pooler's, in
transaction mode) carries no mark into anyone else's writes."""
_BEGIN_WRITING = b"BEGIN; " + _OKRDESK_WRITING
"""A write transaction begun and marked in one round trip (two statements of the simple
protocol, which takes no parameters), not one each."""


class PostgresStore(Store):
    """An open connection to okrdesk's tables on a PostgreSQL server."""

    # A period is its start and end (within a grain), so they group it alone: the
    # subject index holds both, and not the period's id, so a branch's trends are read
    # from the index alone; and a firm's hash one column fewer.
    _series_group = "GROUP BY period_start, period_end"
    _many_metrics_at_once = True
    _subjects_summed_by_scan = True  # the scan adds up a branch's trends too
    _not_made_here = frozenset({OKRDESK_WRITES})  # its writes set okrdesk.writing instead

    def _another(self) -> Callable[[], AbstractContextManager[Store]] | None:
        status = self._connection.info.transaction_status
        if status == TransactionStatus.IDLE:
            return lambda: PostgresStore.connect(self.location, create=False)
        if not self._reading:
            return None  # a write's transaction: what it wrote is seen here alone
        # The other connection reads in this reading's snapshot, exported while it lasts.
        exported = self._one("SELECT pg_export_snapshot()")
        assert exported is not None
        return lambda: self._in_snapshot(str(exported[0]))

    @contextmanager
    def _in_snapshot(self, snapshot: str) -> Iterator[Store]:
        with PostgresStore.connect(self.location, create=False) as other:
            other._reading = True
            with other._named_errors(), other._connection.transaction():
                other._connection.execute(_READING)
                other._connection.execute(
                    SQL("SET TRANSACTION SNAPSHOT {}").format(Literal(snapshot))
                )
                yield other

    def _sum_when(self, condition: str, column: str) -> str:
        return f"sum({column}) FILTER (WHERE {condition})"

    def _count_when(self, condition: str) -> str:
        return f"count(*) FILTER (WHERE {condition})"

    def __init__(self, connection: psycopg.Connection[Any], url: str) -> None:
        self.location = url
        self._connection = connection
        self._loaded = False
        self._vacuum_due = False
        self._run_vacuum_due = False
        """A large collect's run has ended within a transaction: VACUUM once it ends."""
        self._alone: int | None = None
        """The lock of the run this connection started ``alone`` (``_hold_alone``), held
        until its end is committed."""
        self._alone_ended = False
        """Whether that run's end is noted, to be let go of once committed."""
        self._may_maintain: frozenset[str] | None = None
        """The tables this role may ANALYZE and VACUUM (``_maintained``), once asked."""
        self._written = 0
        self._latest: dict[str, tuple[str, dt.date, dt.date | None]] | None = None
        self._trends: dict[TrendsAsked, list[Row]] = {}
        self._reading = False
        """Inside ``reading``: one snapshot, which another connection may share."""
        self._no_hand_edits = False
        """Whether the opening found no hand edits waiting (``take_hand_edits``)."""
        self._never_made_rows: list[tuple[Any, ...]] | None = None
        """What okrdesk never makes, as the opening read it with the version (``_NEVER_MADE``);
        None where it was not read so."""

    def _forget_reads(self) -> None:
        """What was read once for later questions is dropped: the store is changing."""
        self._latest = None
        self._trends = {}

    # ------------------------------------------------------------ opening

    @classmethod
    def connect(
        cls,
        url: str,
        *,
        create: bool = True,
        timeout: float | None = None,
        rows_only: bool = False,
    ) -> PostgresStore:
        """Connect, and create or upgrade okrdesk's tables under a lock."""
        connection = _connect(url, timeout)
        store = cls(connection, url)
        try:
            store._prepare(create, rows_only)
        except BaseException:
            connection.close()
            raise
        return store

    @classmethod
    def has_schema(cls, url: str) -> bool:
        """Whether okrdesk's tables are at ``url``; a URL naming no schema there is refused
        (``_schema_is_there``)."""
        with _connect(url, None) as connection:
            store = cls(connection, url)
            with store._named_errors():
                if store._stored_version() is not None:
                    return True
                store._schema_is_there()
                return False

    @classmethod
    def version_of(cls, url: str) -> int | None:
        """The schema version of okrdesk's tables at ``url``, None where there are none;
        nothing changed."""
        with _connect(url, None) as connection:
            store = cls(connection, url)
            with store._named_errors():
                return store._stored_version()

    def _prepare(self, create: bool, rows_only: bool = False) -> None:
        version = self._version_at_opening()
        if version is not None and version > SCHEMA_VERSION:
            raise BadInput(Said(
                f"{self.location} was written by a newer okrdesk (schema {version}; this one "
                f"knows up to {SCHEMA_VERSION}); upgrade okrdesk. Nothing was changed.",
                f"{self.location} 由更新版本的 okrdesk 写入（结构版本 {version}；"
                f"本版本最高只认 {SCHEMA_VERSION}）；请升级 okrdesk。未改动任何内容。",
            ))  # fmt: skip
        if version is not None:
            self._refuse_what_was_never_made(version)
        if version is None and not create:
            self._schema_is_there()
            raise NoStoreYet(Said(
                f"{self.location}: no okrdesk tables yet; run `okrdesk collect` first",
                f"{self.location}：还没有 okrdesk 的数据表；请先运行 `okrdesk collect`",
            ))  # fmt: skip
        if rows_only and version is not None and version < SCHEMA_VERSION:
            # Copied from, it is only read: its owner upgrades it.
            raise BadInput(Said(
                f"{self.location} holds okrdesk's tables of schema {version}; this okrdesk "
                f"copies from schema {SCHEMA_VERSION}, and a copy never changes its source. "
                f"Upgrade it first (`okrdesk store upgrade`, as the owner of its tables). "
                "Nothing was copied or changed.",
                f"{self.location} 中 okrdesk 数据表的结构版本为 {version}；本版本 okrdesk 只从结构"
                f"版本 {SCHEMA_VERSION} 复制，且复制从不改动源数据库。请先升级它（以其数据表的"
                "所有者运行 `okrdesk store upgrade`）。未复制、未改动任何内容。",
            ))  # fmt: skip
        if version is None or version < SCHEMA_VERSION:
            try:
                self._migrate()
            except _ServerFailed as failed:
                if not isinstance(failed.error, psycopg.errors.InvalidSchemaName):
                    raise
                schema, role = _schema_of(self.location), self._connection.info.user
                raise BadInput(Said(
                    f"{self.location}: the schema {schema} that the URL's search_path names does "
                    "not exist in this database. Nothing was changed. Have the database's owner "
                    f"create it for the role that is to own okrdesk's tables (`CREATE SCHEMA "
                    f"{schema} AUTHORIZATION {role}`), or correct the URL's options.",
                    f"{self.location}：URL 的 search_path 所指的 schema {schema} "
                    "在该数据库中不存在。未改动任何内容。请数据库的所有者为将拥有 okrdesk 数据表"
                    f"的角色建好它（`CREATE SCHEMA {schema} AUTHORIZATION {role}`），"
                    "或改正 URL 中的 options。",
                )) from None  # fmt: skip
            except OkrdeskError as error:
                if not isinstance(error.__cause__ or error.__context__, _REFUSALS):
                    raise
                raise self._not_owner(version) from None
        self._take_hand_edits_if_allowed(rows_only)

    def _refuse_what_was_never_made(self, version: int) -> None:
        """Refuse a store whose tables have what okrdesk never makes on the server: a
        trigger but okrdesk's own (``observations_edited_by_hand``, as okrdesk makes it,
        its function's body too), a rule, a view (or any relation but a table) under the
        name of one of okrdesk's tables, a column's default okrdesk never gives, which
        its writes would take, a constraint or index okrdesk never makes, or a column
        typed with a domain: each would run inside okrdesk's writes, change what they
        store (a rule turning each spend entry's insert into nothing, a check-in born
        withdrawn) or refuse some midway (a ``CHECK``, a domain's, a foreign key, a unique
        index), as in an SQLite file; a constraint or index okrdesk makes in other versions
        only than the store's ``version`` too (``made_in``: the figures' key without the
        slice, in a store of version 8 or later). A column okrdesk never makes is refused as there
        (``not_as_made``): okrdesk neither writes nor copies it; so is row security on one
        of its tables, whose policies hid rows from its reads without a word and refused
        its writes as if the role lacked the rights. One statement, asked of the catalog."""
        found, changed = self._looked_over(version, self._never_made_rows)
        if changed.told() and not found:
            retyped = self._with_no_number(list(changed.retyped))
            raise not_as_made(self.location, attrs.evolve(changed, retyped=retyped))
        if found:
            raise never_made(self.location, found)

    def _looked_over(
        self, version: int, rows: list[tuple[Any, ...]] | None = None
    ) -> tuple[list[tuple[str, str]], ChangedByHand]:
        """What ``_NEVER_MADE`` finds (``rows``, where the opening asked it already) of a
        store of ``version``: what okrdesk never makes, each as its kind and name, and
        what was changed by hand in its tables; the one look of the opening and of
        ``unlike_made``."""
        if rows is None:  # not asked with the version: a store older than okrdesk's edits
            rows = [tuple(row) for row in self._rows(_NEVER_MADE)]
        found: list[tuple[str, str]] = []
        added: list[tuple[str, str]] = []
        changed: list[Said] = []
        not_null: list[Said] = []
        nullable: list[Said] = []
        hiding: list[Said] = []
        for kind, name, table, text in rows:
            if kind == "trigger" and (table, name, " ".join(str(text).split())) == _TRIGGER:
                continue
            if kind == "function" and " ".join(str(text).split()) == _TRIGGER_BODY:
                continue
            if kind == "default":
                if (table, name, text) in _DEFAULTS_HERE:
                    continue
                name = f"{table}.{name} = {text}"
            elif kind == "relation":
                kind, name = _RELATION_KINDS.get(str(text), "relation"), str(table)
            elif kind == "row security":
                hiding.append(row_security(str(table), forced=text == "forced"))
                continue
            elif kind == "constraint":
                letter, _, made = str(text).partition(" ")
                if (table, made) in POSTGRES_CONSTRAINTS_MADE and made_in(version, (table, made)):
                    continue
                kind, name = _CONSTRAINT_KINDS.get(letter, "constraint"), f"{table}.{name}"
            elif kind == "index" and str(text) in POSTGRES_INDEXES_MADE and made_in(version, text):
                continue
            elif kind == "column":
                added.append((str(table), str(name)))
                continue
            elif kind == "typed":
                typed, made_not_null = _not_null_apart(str(text))
                if made_not_null and (table, name) in NULLABLE_MADE:
                    not_null.append(_not_null(str(table), str(name)))
                elif (
                    not made_not_null
                    and (table, name) not in NULLABLE_MADE
                    and version == SCHEMA_VERSION  # an older store's are as its version made
                ):
                    nullable.append(_nullable(str(table), str(name)))
                if (unlike := self._type_unlike(str(table), str(name), typed)) is not None:
                    changed.append(unlike)
                continue
            elif kind == "domain":
                name = f"{table}.{name} {text}"
            found.append((kind, str(name)))
        return found, ChangedByHand(
            retyped=sorted(changed, key=lambda said: said.en),
            not_null=sorted(not_null, key=lambda said: said.en),
            nullable=sorted(nullable, key=lambda said: said.en),
            added=sorted(added),
            row_security=sorted(hiding, key=lambda said: said.en),
        )

    def _changed_by_hand(self) -> list[Said]:
        return self._looked_over(self.schema_version)[1].told()

    def _row_security_on(self) -> bool:
        """Whether one of okrdesk's tables has row security on (false where the catalog
        cannot be read either: the first error is the one to say)."""
        # Of the catalog alone, which every role reads (the version only tells which
        # constraints and indexes are okrdesk's, and the role may not read its table).
        try:
            return bool(self._looked_over(SCHEMA_VERSION)[1].row_security)
        except OkrdeskError:
            return False

    def _type_unlike(self, table: str, column: str, found: str) -> Said | None:
        """``table.column``, made as ``_TYPES_HERE`` says, ``found`` of another type or
        collation (``text COLLATE "en_US"``, as ``_TYPE_SAID`` says it): said as an SQLite
        file's, with its way back; None where it is as made. An ``integer`` where okrdesk
        makes a ``bigint`` is said too: a figure past 2^31 (21 亿 fen) would be refused."""
        kind, _, collation = _TYPES_HERE[(table, column)]
        if found == kind:
            return None
        words = f'{kind} COLLATE "C"' if collation else kind
        back = f"`ALTER TABLE {table} ALTER COLUMN {column} TYPE {words} USING {column}::{kind}`"
        # The collation named only where the type is the same and the collation is not.
        if found.startswith(f"{kind} COLLATE "):
            return retyped(table, column, found, words, Said(back, back))
        return retyped(table, column, found.partition(" COLLATE ")[0], kind, Said(back, back))

    def _with_no_number(self, changed: list[Said]) -> list[Said]:
        """What was ``changed`` by hand, and where a figure's column was retyped (to text),
        the first row holding no number, which its way back would refuse."""
        if not changed or (first := self._first_unsummable()) is None:
            return changed
        return [*changed, holds_no_number(first)]

    def _schema_is_there(self) -> None:
        """Refuse a URL whose search_path names no schema of this database: a reader told
        there is nothing collected yet would ask for a collect, not for its URL."""
        found = self._one("SELECT current_schema()")
        if found is not None and found[0] is not None:
            return
        schema = _schema_of(self.location)
        raise BadInput(Said(
            f"{self.location}: the schema {schema} that the URL's search_path names does not "
            "exist in this database. Nothing was read or changed. Correct the URL's options "
            "(the database setting in okrdesk.toml), or ask the database's owner which "
            "schema holds okrdesk's tables (docs/deployment.md).",
            f"{self.location}：URL 的 search_path 所指的 schema {schema} 在该数据库中不存在。"
            "未读取或改动任何内容。请改正 URL 中的 options（okrdesk.toml 中的 database 设置），"
            "或向数据库的所有者询问 okrdesk 的数据表在哪个 schema（见 docs/deployment.md）。",
        ))  # fmt: skip

    def _take_hand_edits_if_allowed(self, rows_only: bool) -> None:
        """``take_hand_edits``; where the role may not write (a reader, a replica), the
        hand edits waiting refuse the store's figures, naming who can add them up. Where
        only its rows are read (``rows_only``, a copy's source), nothing is written: the
        edits are added up where they are copied to."""
        if self._no_hand_edits:
            return
        if rows_only:  # copied from, it is only read: the copy adds its rows up
            if waiting := self._hand_edits_waiting():
                self.edits_not_taken = (waiting, _ONLY_READ)
            return
        try:
            self.take_hand_edits()
        except OkrdeskError as error:
            cause = error.__cause__ or error.__context__
            if not isinstance(cause, _REFUSALS):
                raise
            role = self._connection.info.user
            why = Said(
                f"the role {role} may not write okrdesk's tables; any command run once by a "
                "role that may (`okrdesk store upgrade`, say) adds them up",
                f"角色 {role} 无权写入 okrdesk 的数据表；由有权写入的角色运行一次任一命令"
                "（例如 `okrdesk store upgrade`）即可重新合计",
            )
            if isinstance(cause, psycopg.errors.ReadOnlySqlTransaction):
                why = Said(
                    f"the server takes no writes from the role {role} (a read-only replica, or "
                    "a role whose transactions are read-only); any command run once against "
                    "the primary server by a role that may write (`okrdesk store upgrade`, "
                    "say) adds them up",
                    f"服务器不接受角色 {role} 的写入（只读副本，或该角色的事务默认只读）；"
                    "对主服务器、以有写入权限的角色运行一次任一命令（例如 `okrdesk store "
                    "upgrade`）即可重新合计",
                )
            raise BadInput(edits_unsummed(self.location, self._hand_edits_waiting(), why)) from None

    def _noted_edits_taken(self) -> list[tuple[str, str]]:
        # One statement: an edit committed while the others were read and deleted was
        # dropped unseen. Now one noted meanwhile waits for this transaction (its note
        # meets a row this one deletes) or stays noted for the next opening.
        return sorted(
            (str(metric), str(period))
            for metric, period in self._rows(f"DELETE FROM {HAND_EDITS} RETURNING metric, period")
        )

    def _not_owner(self, version: int | None) -> OkrdeskError:
        """The role may not create or upgrade okrdesk's tables: only their owner may (named,
        asked once the migration's transaction has rolled back)."""
        role, schema = self._connection.info.user, _schema_of(self.location)
        owner = self._owner(version is None) or "?"
        if version is None:
            return OkrdeskError(Said(
                f"{self.location}: no okrdesk tables yet, and the role {role} may not create "
                f"them in the schema {schema}. Nothing was changed. The role that is to own "
                f"them (the database's owner, {owner}) creates them once: `okrdesk store "
                f"upgrade` as {owner} (PGUSER={owner}), then grants the others their rows "
                "(docs/deployment.md, \"Roles\").",
                f"{self.location}：还没有 okrdesk 的数据表，角色 {role} 也无权在 schema {schema} "
                f"中建表。未改动任何内容。请由将拥有这些表的角色（数据库的所有者 {owner}）建一次："
                f"以 {owner}（PGUSER={owner}）运行 `okrdesk store upgrade`，再授予其他角色读写"
                "数据行的权限（见 docs/deployment.md“Roles”一节）。",
            ))  # fmt: skip
        return OkrdeskError(Said(
            f"{self.location} holds okrdesk's tables of schema {version}; this okrdesk needs "
            f"schema {SCHEMA_VERSION}, and the role {role} may not upgrade them (only their "
            f"owner, {owner}, may). Nothing was changed. Ask whoever runs the database to run "
            f"`okrdesk store upgrade` with this okrdesk as {owner} (PGUSER={owner}; "
            "docs/deployment.md, \"Upgrades\"); until then use the okrdesk that wrote them.",
            f"{self.location} 中 okrdesk 数据表的结构版本是 {version}；本版本 okrdesk 需要 "
            f"{SCHEMA_VERSION}，而角色 {role} 无权升级（只有表的所有者 {owner} 可以）。"
            "未改动任何内容。"
            f"请数据库管理员用本版本 okrdesk、以 {owner}（PGUSER={owner}）运行 "
            "`okrdesk store upgrade`（见 docs/deployment.md“Upgrades”一节）；"
            "在此之前请继续用写入它们的那个版本。",
        ))  # fmt: skip

    def _owner(self, of_database: bool) -> str | None:
        """The owner of okrdesk's version table, or (``of_database``) of the database."""
        try:
            if of_database:
                row = self._one(
                    "SELECT pg_get_userbyid(datdba) FROM pg_catalog.pg_database "
                    "WHERE datname = current_database()"
                )
            else:
                row = self._one(
                    "SELECT pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c "
                    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND c.relname = ?",
                    (VERSION_TABLE,),
                )
        except OkrdeskError:
            return None
        return str(row[0]) if row is not None and row[0] is not None else None

    def _version_at_opening(self) -> int | None:
        """``_stored_version`` in one statement where the version table is there (every
        opening but a database's first): its row read straight away, the catalog asked
        only when it is missing. Outside a transaction each statement sees what is
        committed, so a missing table is missing; under the schema lock, inside one,
        ``_stored_version`` asks the catalog."""
        # Asked with it, in the same round trip: whether hand edits wait (a store of this
        # okrdesk's schema has the table; an older one answers as a missing table would).
        # And what okrdesk never makes, which the opening refuses (``_NEVER_MADE``).
        sql = (f"SELECT max(version), EXISTS (SELECT 1 FROM {HAND_EDITS}), (SELECT "
               "array_agg(ARRAY[f.kind, f.name, f.tbl, f.text]) FROM ("
               f"{_NEVER_MADE}) f) FROM {VERSION_TABLE}")  # fmt: skip
        try:
            row = self._connection.execute(sql.encode()).fetchone()
        except psycopg.errors.UndefinedTable:
            return self._stored_version()
        except psycopg.Error as error:
            raise self._failed(error, sql) from None
        self._no_hand_edits = row is not None and not row[1]
        self._never_made_rows = [tuple(found) for found in row[2] or ()] if row else []
        return int(row[0]) if row is not None and row[0] is not None else 0

    def _stored_version(self) -> int | None:
        # Not to_regclass(): it looks in the catalog cache, which a session waiting on
        # an advisory lock does not refresh, so a table another okrdesk has just
        # created stays unseen; a query of the catalog sees what is committed.
        # The catalog itself, not information_schema's view of it: planning that view
        # is most of a new connection's first statement (1.5 ms of its 4.5).
        found = self._one(
            "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = ? "
            "AND c.relkind IN ('r', 'p', 'v', 'f')",
            (VERSION_TABLE,),
        )
        if found is None:
            return None
        row = self._one(f"SELECT max(version) FROM {VERSION_TABLE}")
        return int(row[0]) if row is not None and row[0] is not None else 0

    def _has_foreign_tables(self) -> bool:
        return (
            self._one(
                "SELECT 1 FROM information_schema.tables "
                "WHERE table_schema = current_schema() LIMIT 1"
            )
            is not None
        )

    def _migrate(self) -> None:
        with self.transaction():
            # Every okrdesk opening the database waits here; the first migrates,
            # the others read the version it left.
            self._lock("schema")
            # Asked under the lock: another okrdesk may have created every table
            # between this one's first look and now, which is not someone else's.
            if self._stored_version() is None and self._has_foreign_tables():
                raise BadInput(Said(
                    f"{self.location} holds tables that are not okrdesk's; give okrdesk a "
                    "database (or a schema, with ?options=-csearch_path%3DNAME) of its own. "
                    "Nothing was changed.",
                    f"{self.location} 中有不属于 okrdesk 的数据表；请给 okrdesk 一个专用的数据库"
                    "（或用 ?options=-csearch_path%3DNAME 指定专用的 schema）。未改动任何内容。",
                ))  # fmt: skip
            self._rows(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER NOT NULL)")
            version = self._stored_version() or 0
            if version > SCHEMA_VERSION:
                return
            if version < SCHEMA_VERSION:
                self.migrated_from = version
            for number, ddl in enumerate(POSTGRES_MIGRATIONS[version:], start=version + 1):
                self._rows(ddl)
                self._rows(f"DELETE FROM {VERSION_TABLE}")
                self._rows(f"INSERT INTO {VERSION_TABLE} (version) VALUES (?)", (number,))

    def close(self) -> None:
        self._connection.close()

    @property
    def schema_version(self) -> int:
        return self._stored_version() or 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._forget_reads()
        try:
            with self._named_errors(), self._marked_transaction():
                yield None
        finally:
            self._forget_reads()
        # VACUUM runs only outside a transaction: after the outermost one.
        idle = self._connection.info.transaction_status == TransactionStatus.IDLE
        if self._loaded and idle:
            self._loaded = False
            self._tidy("VACUUM (ANALYZE)", VACUUM_LOADED)
        if self._alone_ended:
            self._let_go_alone()
        if self._run_vacuum_due and idle:
            self._run_vacuum_due = False
            self._tidy("VACUUM (ANALYZE)", ("observations", "running_totals"))

    @contextmanager
    def _marked_transaction(self) -> Iterator[None]:
        """A transaction whose writes the store's trigger takes for okrdesk's, not for hand
        edits. Within another, a savepoint of it, marked again as before."""
        connection = self._connection
        if connection.info.transaction_status != TransactionStatus.IDLE:
            with connection.transaction():
                connection.execute(_OKRDESK_WRITING)
                yield None
            return
        connection.execute(_BEGIN_WRITING)
        try:
            yield None
        except BaseException:
            # What psycopg's own transaction does: roll back where the connection can,
            # and let the error that stopped the transaction be the one said.
            if connection.info.transaction_status in _ROLLED_BACK_FROM:
                with suppress(psycopg.Error):
                    connection.execute(b"ROLLBACK")
            raise
        connection.execute(b"COMMIT")

    @contextmanager
    def reading(self) -> Iterator[None]:
        if self._connection.info.transaction_status != TransactionStatus.IDLE:
            yield None
            return
        self._forget_reads()
        try:
            with self._named_errors(), self._connection.transaction():
                # Before the first read, which takes the snapshot every later one reads.
                self._connection.execute(_READING)
                self._reading = True
                yield None
        finally:
            self._reading = False
            self._forget_reads()

    @contextmanager
    def _one_statement(self) -> Iterator[None]:
        # The connection is in autocommit: one statement is a transaction of its
        # own, without a BEGIN and a COMMIT of their own to wait for.
        self._forget_reads()
        try:
            with self._named_errors():
                yield None
        finally:
            self._forget_reads()

    @contextmanager
    def _named_errors(self) -> Iterator[None]:
        try:
            yield None
        except psycopg.errors.LockNotAvailable:
            raise BadInput(Said(
                f"{self.location} is locked by another okrdesk and stayed locked for "
                f"{busy_timeout():g} s ({BUSY_TIMEOUT_ENV}); try again when it has finished",
                f"{self.location} 被另一个 okrdesk 锁定，{busy_timeout():g} 秒内未解锁"
                f"（{BUSY_TIMEOUT_ENV}）；请待其完成后再试",
            )) from None  # fmt: skip
        except _ServerFailed as failed:
            # Said again once the transaction has rolled back: the catalog can then be
            # asked what differs from the tables okrdesk made, and whose they are.
            if failed.whole or self._connection.info.transaction_status != TransactionStatus.IDLE:
                raise
            # The server's error kept as the cause: whoever asks why (a role refused) asks it.
            raise self._failed(failed.error, failed.sql) from failed.error
        except psycopg.Error as error:
            raise self._failed(error, "") from None

    def _failed(self, error: psycopg.Error, sql: str) -> OkrdeskError:
        """Any error the server or the connection gave a statement (``sql``; "" where it
        came at a commit): what the server said, what okrdesk was doing, what became of
        what it was writing, and what to do, never a traceback."""
        if not sql and self._reading:
            sql = _END_OF_READ  # nothing was being written: not "committing what it wrote"
        if isinstance(error, psycopg.errors.InsufficientPrivilege) and not _reads(sql, error):
            # Row security turned on by hand after the opening refuses a write with the
            # same SQLSTATE as a right the role lacks: told apart by the catalog, asked
            # again once the transaction has rolled back.
            if self._connection.info.transaction_status != TransactionStatus.IDLE:
                return _ServerFailed(self._refused(error, sql).said, error, sql, whole=False)
            if self._row_security_on():
                return self._server_refused(error, sql)
        if isinstance(error, _REFUSALS):
            return self._refused(error, sql)
        # A serialization failure or a deadlock (class 40) is an OperationalError to
        # psycopg, but no fault of the connection's.
        rolled_back = (error.sqlstate or "").startswith("40")
        if isinstance(error, psycopg.OperationalError) and not rolled_back:
            return self._lost(error, sql)
        return self._server_refused(error, sql)

    def _server_refused(self, error: psycopg.Error, sql: str) -> _ServerFailed:
        """A statement the server refused for what is in the database, not for the role's
        rights or the connection: okrdesk's tables changed by hand (a table or column
        dropped or renamed, a column's type or a constraint that okrdesk did not make),
        or another writer of the same rows at the same moment."""
        reason, doing = _first(error), _doing(sql)
        idle = self._connection.info.transaction_status == TransactionStatus.IDLE
        kept = _kept(sql)
        head = Said(
            f"{self.location}: the server refused what okrdesk was doing ({doing.en}): "
            f"{reason}. {kept.en}",
            f"{self.location}：服务器拒绝了 okrdesk 正在做的事（{doing.zh}）：{reason}。{kept.zh}",
        )
        state = error.sqlstate or ""
        if state.startswith("40"):
            said = Said(
                f"{head.en} Another program changed the same rows at the same moment; run "
                "the command again.",
                f"{head.zh}另一个程序同时改动了同样的数据行；请再运行一次本命令。",
            )
            return _ServerFailed(said, error, sql, whole=True)
        if not state.startswith(("42", "22", "23")):
            said = Said(
                f"{head.en} Run it again; if the server says the same, show this message to "
                "whoever runs the database.",
                f"{head.zh}请再运行一次；如果服务器仍这样说，请把这条消息给数据库管理员看。",
            )
            return _ServerFailed(said, error, sql, whole=True)
        if not idle:
            return _ServerFailed(head, error, sql, whole=False)
        owner = self._owner(False) or "?"
        table = error.diag.table_name
        if isinstance(error, psycopg.errors.UniqueViolation) and table in _NUMBERED:
            # okrdesk gives each new row the next id of the table's sequence: one already
            # taken was put there by hand, or the sequence was set back.
            reset = (
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
            said = Said(
                f"{head.en} A row with the id okrdesk's new row was given is there already: "
                "rows added by hand with ids of their own, or the table's id sequence set "
                f"back. Ask the tables' owner ({owner}) to set it past the largest id "
                f"(`{reset}`), then run the command again.",
                f"{head.zh}okrdesk 新行分到的 id 已被另一行占用：有人手工加了自带 id 的行，"
                f"或把该表的 id 序列调回了。请表的所有者（{owner}）把序列调到最大 id 之后"
                f"（`{reset}`），再运行一次本命令。",
            )  # fmt: skip
            return _ServerFailed(said, error, sql, whole=True)
        differs = _unlike_made(self)
        found = Said("", "")
        if differs:
            found = Said(
                f" okrdesk's tables are not as okrdesk made them (schema {SCHEMA_VERSION}): "
                f"{'; '.join(d.en for d in differs)}. Someone changed them by hand: ask their "
                f"owner ({owner}) to put back what was dropped or renamed, to undo any other "
                "change with the statement given, or to restore the database from a backup; "
                "`okrdesk store upgrade` as the owner "
                f"(PGUSER={owner}) then says whether they are whole again "
                '(docs/deployment.md, "Upgrades").',
                f"okrdesk 的数据表已不是 okrdesk 建的样子（结构版本 {SCHEMA_VERSION}）："
                f"{'；'.join(d.zh for d in differs)}。有人手工改动过它们：请表的所有者（{owner}）"
                "把删掉或改名的部分改回来、用所给语句撤销其他改动，或从备份恢复数据库；然后以所有者"
                f"（PGUSER={owner}）运行 `okrdesk store upgrade`，它会说明表是否已复原"
                "（见 docs/deployment.md“Upgrades”一节）。",
            )
        if differs and isinstance(error, psycopg.errors.InsufficientPrivilege):
            found = Said(
                f"{found.en} The server words it as a right the role lacks, but the role's "
                "rights are as they were: the policies of the row security turned on by hand "
                "refused the write, and turning it off, as given, lets okrdesk write again.",
                f"{found.zh}服务器的报错看起来像是角色缺少权限，但角色的权限并未改变：是手工"
                "启用的行级安全的策略拒绝了这次写入，按所给语句关闭行级安全后，okrdesk 即可"
                "再次写入。",
            )
        if not differs and state.startswith("42"):
            # Every table and column as okrdesk made them, and the statement still wrong:
            # okrdesk's own fault (or something its check does not see, as a view or a
            # function of the same name earlier on the search_path).
            found = Said(
                f" okrdesk's tables are as okrdesk made them (SQLSTATE {state}), so this may be "
                "a fault of okrdesk's own, or of something of the same name earlier on the "
                "search_path: show this message to whoever maintains okrdesk.",
                f"okrdesk 的数据表与 okrdesk 所建的一致（SQLSTATE {state}），这可能是 okrdesk "
                "自身的问题，或 search_path 中较前的同名对象所致："
                "请把这条消息给维护 okrdesk 的人看。",
            )
        elif not differs or not state.startswith("42"):
            found = Said(
                f"{found.en} Something in okrdesk's tables that okrdesk did not make refuses "
                "it (a column's type, a constraint or a trigger changed or added by hand): ask "
                f"their owner ({owner}) to undo that change; `okrdesk store upgrade` as the "
                f"owner (PGUSER={owner}) checks that every table and column okrdesk made is "
                'there (docs/deployment.md, "Upgrades").',
                f"{found.zh}okrdesk 的数据表中有并非 okrdesk 所建的东西拒绝了它（手工改动或添加的"
                f"列类型、约束或触发器）：请表的所有者（{owner}）撤销该改动；以所有者"
                f"（PGUSER={owner}）运行 `okrdesk store upgrade` 可检查 okrdesk 建的表和列是否"
                "都在（见 docs/deployment.md“Upgrades”一节）。",
            )
        said = Said(head.en + found.en, head.zh + found.zh)
        return _ServerFailed(said, error, sql, whole=True)

    def _refused(self, error: psycopg.Error, sql: str) -> OkrdeskError:
        """A statement the connection's role may not run: which role, what it was refused,
        and what to ask whoever runs the database for (or which commands it can run)."""
        role, schema, reason = self._connection.info.user, _schema_of(self.location), _first(error)
        if isinstance(error, psycopg.errors.ReadOnlySqlTransaction):
            return OkrdeskError(Said(
                f"{self.location}: the server takes no writes from the role {role} "
                f"({reason}): a read-only replica, or a role whose transactions are read-only "
                "(default_transaction_read_only). What this command was writing was not "
                "stored. Run the commands that store (collect, checkin, spend add) against the "
                "primary server, as a role that may write (docs/deployment.md, \"Roles\").",
                f"{self.location}：服务器不接受角色 {role} 的写入（{reason}）：这是只读副本，"
                "或该角色的事务默认只读（default_transaction_read_only）。本命令要写入的内容"
                "未存入。请对主服务器、以有写入权限的角色运行存入数据的命令（collect、checkin、"
                "spend add）（见 docs/deployment.md“Roles”一节）。",
            ))  # fmt: skip
        if _reads(sql, error):
            return OkrdeskError(Said(
                f"{self.location}: the role {role} may not read okrdesk's tables ({reason}). "
                "Nothing was changed. Ask whoever runs the database for `GRANT SELECT ON ALL "
                f"TABLES IN SCHEMA {schema} TO {role}` (docs/deployment.md, \"Roles\").",
                f"{self.location}：角色 {role} 无权读取 okrdesk 的数据表（{reason}）。"
                f"未改动任何内容。请向数据库管理员申请 `GRANT SELECT ON ALL TABLES IN SCHEMA "
                f"{schema} TO {role}`（见 docs/deployment.md“Roles”一节）。",
            ))  # fmt: skip
        return OkrdeskError(Said(
            f"{self.location}: the role {role} may not write okrdesk's tables ({reason}); "
            "what this command was writing was not stored, and nothing stored before is "
            "changed. A read-only role runs the commands that read (report, check, explain, "
            "history, export, due, spend list); to store, run this command as a role that "
            "may write, or ask whoever runs the database for `GRANT SELECT, INSERT, UPDATE, "
            f"DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}` and `GRANT USAGE ON ALL "
            f"SEQUENCES IN SCHEMA {schema} TO {role}` (docs/deployment.md, \"Roles\").",
            f"{self.location}：角色 {role} 无权写入 okrdesk 的数据表（{reason}）；"
            "本命令要写入的内容未存入，之前存入的内容没有改动。只读角色只能运行读取的命令"
            "（report、check、explain、history、export、due、spend list）；要存入数据，"
            "请用有写入权限的角色运行本命令，或向数据库管理员申请 `GRANT SELECT, INSERT, "
            f"UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}` 和 `GRANT USAGE ON "
            f"ALL SEQUENCES IN SCHEMA {schema} TO {role}`（见 docs/deployment.md“Roles”一节）。",
        ))  # fmt: skip

    def _lost(self, error: psycopg.Error, sql: str = "") -> OkrdeskError:
        """An error of the server or the connection after opening: a connection lost
        mid-command says what became of what the command was writing."""
        doing = _doing(sql)
        if isinstance(error, psycopg.errors.QueryCanceled) and not self._connection.closed:
            role, reason = self._connection.info.user, _first(error)
            return OkrdeskError(Said(
                f"{self.location}: the server cancelled a statement of this command ({reason}; "
                f"while {doing.en}); "
                "what it was writing was not stored, and nothing stored before is changed. A "
                f"statement_timeout set for the role {role} or the database is shorter than "
                "this command's reads take (a firm's export or report reads many rows): ask "
                "whoever runs the database for a longer one for this role (`ALTER ROLE "
                f"{role} SET statement_timeout = '5min'`), or run it again when the server is "
                "less busy.",
                f"{self.location}：服务器取消了本命令的一条语句（{reason}；当时在{doing.zh}）；本命令要写入的内容"
                f"未存入，之前存入的内容没有改动。为角色 {role} 或该数据库设置的 statement_timeout "
                "短于本命令读取所需的时间（全公司的导出或报告要读很多行）：请向数据库管理员为该角色"
                f"申请更长的时限（`ALTER ROLE {role} SET statement_timeout = '5min'`），"
                "或在服务器不忙时再运行。",
            ))  # fmt: skip
        if not self._connection.closed and not self._connection.broken:
            found = _unreachable(self.location, error)
            return OkrdeskError(Said(
                f"{found.said.en} (while {doing.en}). What this command was writing was not "
                "stored, and nothing stored before is changed. Run it again; if the server "
                "says the same, show this message to whoever runs the database.",
                f"{found.said.zh}（当时在{doing.zh}）。本命令要写入的内容未存入，之前存入的内容没有改动。请再运行一次；"
                "如果服务器仍这样说，请把这条消息给数据库管理员看。",
            ))  # fmt: skip
        reason = _first(error)
        if _only_reads(sql):
            return OkrdeskError(Said(
                f"{self.location}: the connection to the server was lost ({reason}; while "
                f"{doing.en}). Nothing stored was changed or lost. Run the command again once "
                "the server answers.",
                f"{self.location}：与服务器的连接中断了（{reason}；当时在{doing.zh}）。已存入的内容没有任何"
                "改动或丢失。请在服务器恢复后重新运行本命令。",
            ))  # fmt: skip
        return OkrdeskError(Said(
            f"{self.location}: the connection to the server was lost ({reason}; while "
            f"{doing.en}). What this command had not yet committed was rolled back by the "
            "server; everything stored before it stays. Run the command again once the "
            "server answers (a collect stores the same figures again).",
            f"{self.location}：与服务器的连接中断了（{reason}；当时在{doing.zh}）。本命令尚未提交的内容已由服务器"
            "撤销；之前存入的内容都还在。请在服务器恢复后重新运行本命令（collect 会再次存入"
            "同样的数字）。",
        ))  # fmt: skip

    def _tidy(self, command: str, tables: Sequence[str]) -> None:
        """Outside any transaction: fresh planner statistics (and visibility map), by
        ``command`` (ANALYZE, or VACUUM (ANALYZE)) of those of ``tables`` this role may
        maintain. PostgreSQL skips, with a warning, a table the role may not, and a
        collect run as a writer role may maintain none: it sends nothing."""
        with self._named_errors():
            mine = [table for table in tables if table in self._maintained()]
            if not mine:
                return
            # Each ANALYZE commits; committed asynchronously, it would hold up the
            # VACUUM that follows it as the load's own commit would (after_load).
            self._rows("SET synchronous_commit = on")
            self._rows(f"{command} {', '.join(mine)}")
            self._rows("RESET synchronous_commit")

    def _maintained(self) -> frozenset[str]:
        """okrdesk's tables this connection's role may ANALYZE and VACUUM: up to
        PostgreSQL 16 those it owns (or is a member of the owner of), all of them for the
        database's owner or a superuser; from 17 also those it was granted MAINTAIN on.
        Asked once per connection, by the first large collect or copy."""
        if self._may_maintain is None:
            granted = (
                " OR has_table_privilege(c.oid, 'MAINTAIN')"
                if self._connection.info.server_version >= 170000
                else ""
            )
            rows = self._rows(
                "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                "ON n.oid = c.relnamespace JOIN pg_catalog.pg_database d "
                "ON d.datname = current_database() WHERE n.nspname = current_schema() "
                "AND c.relname = ANY(?) AND (pg_has_role(c.relowner, 'USAGE') "
                "OR pg_has_role(d.datdba, 'USAGE') OR (SELECT rolsuper FROM "
                f"pg_catalog.pg_roles WHERE rolname = current_user){granted})",
                (list(VACUUM_LOADED),),
            )
            self._may_maintain = frozenset(str(row[0]) for row in rows)
        return self._may_maintain

    def stop_run(self, run_id: int, status: str) -> None:
        super().stop_run(run_id, status)
        self._alone_ended = True
        self._let_go_alone()

    def _wrote(self, rows: int) -> None:
        # Counted over the run: a collect stores each plugin call's figures in turn.
        # Only rows written or deleted leave anything for ANALYZE and VACUUM to do.
        self._written += rows
        if self._written >= ANALYZE_AFTER_ROWS and not self._vacuum_due:
            self._vacuum_due = True
            # Within the transaction of a collect's whole store, left to its VACUUM.
            if self._connection.info.transaction_status == TransactionStatus.IDLE:
                self._tidy("ANALYZE", ("observations", "running_totals"))

    def finish_run(self, *args: Any, **kwargs: Any) -> None:
        super().finish_run(*args, **kwargs)
        self._alone_ended = True  # let go of once its end is committed
        self._let_go_alone()
        self._written = 0
        if self._vacuum_due:
            # The rows replaced are dead until vacuumed, and the pages written are not
            # marked all-visible: a branch's reads would go to the table beside the
            # covering index until autovacuum came round. Once per large collect, once
            # the transaction its figures were stored in has ended (``transaction``).
            self._vacuum_due = False
            self._run_vacuum_due = True
            if self._connection.info.transaction_status == TransactionStatus.IDLE:
                self._run_vacuum_due = False
                self._tidy("VACUUM (ANALYZE)", ("observations", "running_totals"))

    # ------------------------------------------------------------ dialect

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> Iterable[Row]:
        try:
            if params:
                cursor = self._connection.execute(sql.replace("?", "%s").encode(), params)
            else:
                cursor = self._connection.execute(sql.encode())
            # The whole result is in memory already (libpq reads it all); fetchall turns
            # it into tuples in one call, where iterating the cursor made each row in
            # Python: a third of the time a firm's 8,000 grouped rows took to read.
            return cursor.fetchall() if cursor.description is not None else ()
        except psycopg.errors.LockNotAvailable:
            raise
        except psycopg.Error as error:
            raise self._failed(error, sql) from None

    def streamed(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Row]:
        """``Store.streamed`` through a cursor on the server, fetched ``STREAMED_BATCH``
        rows at a time: libpq reads a plain statement's whole result into memory before
        the first row is taken. Such a cursor lives in a transaction (``reading``); outside
        one, the rows are read as ``_rows`` reads them."""
        if self._connection.info.transaction_status == TransactionStatus.IDLE:
            yield from self._rows(sql, params)
            return
        try:
            with self._connection.cursor(name="okrdesk_streamed") as cursor:
                cursor.itersize = STREAMED_BATCH
                cursor.execute(sql.replace("?", "%s").encode(), params or None)
                yield from cursor
        except psycopg.errors.LockNotAvailable:
            raise
        except psycopg.Error as error:
            raise self._failed(error, sql) from None

    def _write_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        listed = list(rows)
        if listed:
            try:
                with self._connection.cursor() as cursor:
                    cursor.executemany(sql.replace("?", "%s").encode(), listed)
            except psycopg.Error as error:
                raise self._failed(error, sql) from None
        return len(listed)

    def _insert(self, sql: str, params: Sequence[Any]) -> int:
        row = self._one(sql + " RETURNING id", params)
        assert row is not None
        return int(row[0])

    def _member(self, column: str) -> str:
        return f"{column} = ANY(?)"

    def _members(self, values: Iterable[str]) -> list[str]:
        return sorted(set(values))

    def _lock(self, name: str) -> None:
        self._rows("SELECT pg_advisory_xact_lock(?)", (lock_key(name),))

    def _hold_alone(self, command: str, plan_unit: str) -> None:
        # A lock of the session, which the server lets go of when the connection ends,
        # however the process ended (killed, its machine gone), where a run's process
        # on another machine cannot be looked at.
        key = lock_key(f"alone: {command} of {plan_unit}")
        taken = self._one("SELECT pg_try_advisory_lock(?)", (key,))
        if taken is not None and taken[0]:
            self._alone = key
            return
        # Its run, noted under the same transaction lock. None unfinished: it has just
        # committed its end and not yet let go, or a pooler in transaction mode kept a
        # lock of a connection it handed on; either way nothing runs to wait for.
        holder = self._running_of(command, plan_unit)
        if holder is not None:
            raise StillRunning(holder)

    def _let_go_alone(self) -> None:
        """Once the run's end is committed: another collect of the plan may start."""
        if self._alone is not None and self._idle():
            key, self._alone, self._alone_ended = self._alone, None, False
            with self._named_errors():
                self._rows("SELECT pg_advisory_unlock(?)", (key,))

    def _idle(self) -> bool:
        return self._connection.info.transaction_status == TransactionStatus.IDLE

    # -------------------------------------------------------------- reads

    def latest_period_end(self, metric: str, grain: Grain) -> dt.date | None:
        if self.collects_of is not None:  # every collect's latest period is no answer
            return super().latest_period_end(metric, grain)
        found = self._last_periods().get(metric)
        if found is None:
            return None
        if found[0] != grain.value:
            return super().latest_period_end(metric, grain)
        return found[1]

    def collected_through(self, metric: str, grain: Grain) -> dt.date | None:
        if self.collects_of is not None:
            return super().collected_through(metric, grain)
        found = self._last_periods().get(metric)
        if found is None:
            return None
        if found[0] != grain.value:
            return super().collected_through(metric, grain)
        return found[2]

    def _scanned_sum_rows(
        self,
        asked: Sequence[dt.date],
        grain: Grain,
        subjects: Iterable[str] | None,
        since: dt.date | None,
    ) -> dict[dt.date, SumRows]:
        """``Store._scanned_sum_rows``; for a branch (``subjects``) the same scan also adds
        up each period over the subjects, kept for ``series_of_metrics`` until this store
        next writes: a report's sums and trends read the same rows of the subject index
        (31,000 for a branch of the benchmark's firm), and one scan aggregated both ways
        (GROUPING SETS) took the server about 60% of the two statements' time."""
        if subjects is None:
            return super()._scanned_sum_rows(asked, grain, subjects, since)
        members = self._members(subjects)
        latest = asked[-1]
        summed = ["sum(value), sum(numerator), sum(denominator), count(*)"]
        params: list[Any] = []
        for day in asked[:-1]:
            started = "period_start <= ?"
            summed.append(
                f"{self._sum_when(started, 'value')}, {self._sum_when(started, 'numerator')}, "
                f"{self._sum_when(started, 'denominator')}, {self._count_when(started)}"
            )
            params += [day.isoformat()] * 4
        params += [
            members,
            grain.value,
            latest.isoformat(),
            self._span_params("", latest, grain, since)[3],
        ]
        found: dict[str, dict[str, Row]] = {}
        periods: list[Row] = []
        width = 2 + 4 * len(asked)
        for row in self._rows(
            f"SELECT metric, subject, {', '.join(summed)}, GROUPING(subject), period_start, "
            "period_end FROM observations WHERE subject = ANY(?) AND slice = '' AND grain = ? "
            "AND period_start <= ? AND period_end >= ? "
            "GROUP BY GROUPING SETS ((subject, metric), (metric, period_start, period_end))",
            params,
        ):
            if row[width]:  # a period's sums over every subject
                periods.append((row[0], row[width + 1], row[width + 2], *row[2:5]))
            else:
                found.setdefault(row[0], {})[row[1]] = row[:width]
        periods.sort()
        self._trends[(tuple(members), grain, latest, since)] = periods
        return laid_out(found, asked)

    def series_of_metrics(
        self,
        columns: Mapping[str, Sequence[str]],
        subjects: Iterable[str],
        through: dt.date,
        grain: Grain,
        *,
        since: dt.date | None = None,
        everyone: bool = False,
        top: bool = False,
    ) -> SeriesOfMetrics:
        """``Store.series_of_metrics``, from the periods the same subjects' sums through
        the same day added up (``_scanned_sum_rows``) where they did."""
        subjects = list(subjects)
        kept = None if everyone else self._trends.get(
            (tuple(self._members(subjects)), grain, through, since)
        )  # fmt: skip
        if kept is None:
            return super().series_of_metrics(
                columns, subjects, through, grain, since=since, everyone=everyone, top=top
            )
        rows = [(metric, end, *sums) for metric, _, end, *sums in kept if metric in columns]
        return self._series_found(columns, rows)

    def _last_periods(self) -> dict[str, tuple[str, dt.date, dt.date | None]]:
        """Every stored metric → the grain and end of its last period (the primary
        key's last entry of the metric), and the day the collect that stored it read
        its sources through; kept until this store next writes.

        A report asks each metric's latest period and collect, one statement and
        round trip each (28 for the benchmark's firm); this is one. Where the last
        entry is at the grain asked, it is the row the one-metric query reads; a
        metric whose last period is at another grain is asked on its own, as before
        (that query may read far back along the key, so it is not made for every
        metric at once)."""
        if self._latest is None:
            # The metrics are listed by skipping along the primary key, one probe
            # each (PostgreSQL has no skip scan), not by reading every row.
            rows = self._rows(
                f"WITH RECURSIVE {self._skip_scan('metrics', 'metric')}"
                " SELECT metrics.metric, last.grain, last.period_end, runs.through FROM metrics"
                " CROSS JOIN LATERAL (SELECT grain, period_end, run_id FROM observations o"
                " WHERE o.metric = metrics.metric ORDER BY o.period DESC LIMIT 1) AS last"
                " JOIN runs ON runs.id = last.run_id"
            )
            self._latest = {
                str(metric): (
                    str(grain),
                    dt.date.fromisoformat(end),
                    dt.date.fromisoformat(str(through)) if through is not None else None,
                )
                for metric, grain, end, through in rows
            }
        return self._latest

    # ------------------------------------------------------------- checks

    def integrity_ok(self) -> bool:
        # The server keeps its own files whole; what okrdesk can check is that
        # every observation's run is there (a foreign key PostgreSQL enforces).
        row = self._one(
            "SELECT count(*) FROM observations o LEFT JOIN runs r ON r.id = o.run_id "
            "WHERE r.id IS NULL"
        )
        return row is not None and int(row[0]) == 0

    def _numbers_only(self) -> None:
        """Nothing to ask before reading figures (no round trip more for every command): a
        double precision column holds numbers only, and where one was made text by hand
        the first sum of it fails, which ``changed_by_hand`` tells, naming the row
        (``_first_unsummable``)."""

    def _first_unsummable(self) -> tuple[str, str, str, str, str, object] | None:
        # A double precision column holds numbers only: only one whose type was changed
        # by hand (to text) can hold something else.
        kinds = self._column_types("observations")
        for column in ("value", "numerator", "denominator"):
            if kinds.get(column, "double precision").partition("(")[0] in _NUMBER_TYPES:
                continue
            row = self._one(
                f"SELECT metric, period, subject, slice, {column}::text FROM observations "
                f"WHERE {column} IS NOT NULL AND {column}::text !~ ? LIMIT 1",
                (_A_NUMBER,),
            )
            if row is not None:
                return (*map(str, row[:4]), column, row[4])
        return None

    def _column_types(self, table: str) -> dict[str, str]:
        # As the opening's look says them (``_TYPE_SAID``), so ``_type_unlike`` holds to
        # one rule: a collation changed alone is found here too.
        rows = self._rows(
            f"SELECT a.attname, {_TYPE_SAID} FROM pg_catalog.pg_attribute a "
            "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relname = ? AND a.attnum > 0 "
            "AND NOT a.attisdropped",
            (table,),
        )
        return {str(name): str(kind) for name, kind in rows}

    def columns(self, table: str) -> list[str]:
        rows = self._rows(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        return [str(r[0]) for r in rows]

    def refuses_load(self) -> Said | None:
        # A copy sets the tables' id sequences past the copied ids and vacuums the tables:
        # PostgreSQL lets only their owner do both. Asked first, not found at the end of
        # a copy that has read and sent every row.
        found = self._one(
            "SELECT string_agg(DISTINCT pg_get_userbyid(c.relowner), ', '), current_user "
            "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
            "AND c.relname = ANY(?) AND NOT pg_has_role(c.relowner, 'USAGE')",
            (list(TABLES),),
        )
        if found is None or found[0] is None:
            return None
        owner, role = found
        return Said(
            f"{self.location}: the role {role} may not load a copy into okrdesk's tables, "
            f"which are {owner}'s (a copy resets their id sequences and vacuums them, as only "
            f"their owner may). Nothing was copied. Run `okrdesk store copy` as {owner} "
            "(PGUSER=…).",
            f"{self.location}：角色 {role} 无权把副本载入 okrdesk 的数据表，这些表归 {owner} "
            "所有（复制要重设表的 id 序列并清理这些表，只有表的所有者可以）。未复制任何内容。"
            f"请以 {owner} 运行 `okrdesk store copy`（PGUSER=…）。",
        )

    def after_load(self) -> None:
        self._loaded = True
        # The VACUUM after the load marks a page all-visible (so the subject index
        # answers a branch's reads alone, without the table) only if the load's commit
        # is known to be on disk: PostgreSQL sets no hint bit for a row whose commit
        # (or any commit near it in the log) may still be lost. On a server that
        # commits asynchronously (synchronous_commit = off) every page stayed
        # unmarked until some later vacuum; this one commit waits for its WAL.
        self._rows("SET LOCAL synchronous_commit = on")
        for table in ("runs", "checkins", "spend"):
            self._rows(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
            )


def _connect(url: str, timeout: float | None) -> psycopg.Connection[Any]:
    if password_in(url):
        raise BadInput(Said(
            "the database URL holds a password; take it out and set PGPASSWORD or "
            "~/.pgpass instead. Nothing was opened.",
            "数据库地址中含有密码；请将其删去，改用 PGPASSWORD 或 ~/.pgpass。未打开任何数据库。",
        ))  # fmt: skip
    seconds = busy_timeout() if timeout is None else timeout
    # Whole milliseconds; 0 would mean "wait for ever".
    settings = {
        "lock_timeout": max(1, round(seconds * 1000)),
        "jit": "off",
        # A write takes okrdesk's lock, then reads what to change (the fingerprints of
        # the periods it brings, the rows to compare): each statement must see what was
        # committed before it, whatever the database's own default.
        "default_transaction_isolation": r"read\ committed",
    }
    try:
        return psycopg.connect(
            url,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT,
            application_name="okrdesk",
            options=_options(url, settings),
        )
    except psycopg.Error as error:
        found = _unreachable(url, error)
        raise OkrdeskError(Said(
            f"{found.said.en}. Nothing was read or changed. Check that the server runs and is "
            "reached at the URL's host and port, that the database is there, and that your "
            "role (the URL's user, else PGUSER, else your login name) and its password "
            "(PGPASSWORD or ~/.pgpass) are those its administrator gave you "
            "(docs/deployment.md).",
            f"{found.said.zh}。未读取也未改动任何内容。请确认服务器在运行、URL 中的主机和端口"
            "可以连上、数据库存在，且你的角色（URL 中的用户，否则 PGUSER，否则你的登录名）及其"
            "密码（PGPASSWORD 或 ~/.pgpass）与数据库管理员给你的一致（见 docs/deployment.md）。",
        )) from None  # fmt: skip


def _options(url: str, settings: Mapping[str, object]) -> str:
    """The URL's own ``options`` (a search_path, say), then okrdesk's settings."""
    given = [value for key, value in parse_qsl(urlsplit(url).query) if key == "options"]
    ours = [f"-c {name}={value}" for name, value in settings.items()]
    return " ".join([*given, *ours])


def _first(error: psycopg.Error) -> str:
    """The first line of what the server or libpq said."""
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _schema_of(url: str) -> str:
    """The schema okrdesk's tables are in: the URL's ``search_path``, else ``public``."""
    for key, value in parse_qsl(urlsplit(url).query):
        if key == "options" and "search_path" in value:
            path = value.split("search_path", 1)[1].lstrip(" =")
            return path.split()[0].split(",")[0].strip("\"'") or "public"
    return "public"


def _unreachable(url: str, error: psycopg.Error) -> OkrdeskError:
    reason = _first(error)
    return OkrdeskError(Said(f"{url}: cannot use the PostgreSQL database: {reason}",
                             f"{url}：无法使用该 PostgreSQL 数据库：{reason}"))  # fmt: skip


class _ServerFailed(OkrdeskError):
    """A statement the server refused, said; ``whole``: said with all there is to say
    (else said again once its transaction has rolled back and the catalog can be asked)."""

    def __init__(self, said: Said, error: psycopg.Error, sql: str, *, whole: bool) -> None:
        super().__init__(said)
        self.error, self.sql, self.whole = error, sql, whole


def _unlike_made(store: PostgresStore) -> list[Said]:
    """``Store.unlike_made``, with the first figure that is no number where a column of
    figures was made text, or nothing where the catalog cannot be read either."""
    try:
        differs = store.unlike_made()
        if differs and (odd := store._first_unsummable()) is not None:
            differs.append(holds_no_number(odd))
    except OkrdeskError:
        return []
    return differs


def _reads(sql: str, error: psycopg.Error) -> bool:
    """Whether a statement the server refused the role only reads (a sequence's next
    value is a write)."""
    return sql.lstrip()[:6].upper() in ("SELECT", "WITH") and "sequence" not in _first(error)


def _not_null_apart(text: str) -> tuple[str, bool]:
    """A column's type as ``_NEVER_MADE`` gives it, and whether it is ``NOT NULL``."""
    typed = text.removesuffix(" NOT NULL")
    return typed, typed != text


def _not_null(table: str, column: str) -> Said:
    back = f"`ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL`"
    return not_null_added(table, column, Said(back, back))


_DEFAULT_OF = {(table, column): default for table, column, default in DEFAULTS_MADE}
"""Each column okrdesk gives a default → the default, as SQL."""


def _nullable(table: str, column: str) -> Said:
    """A column okrdesk makes ``NOT NULL``, found without, with the way back: its NULLs
    filled (with okrdesk's default, where it gives one), then ``SET NOT NULL``, which
    the server refuses while one is left."""
    again = f"`ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL`"
    default = _DEFAULT_OF.get((table, column))
    if default is not None:
        fill = f"`UPDATE {table} SET {column} = {default} WHERE {column} IS NULL`"
        return not_null_dropped(table, column, Said(f"{fill}, then {again}",
                                                    f"先运行 {fill}，再运行 {again}"))  # fmt: skip
    return not_null_dropped(table, column, Said(
        f"give each row where it is NULL a value, or delete the row, then {again}",
        f"先为该列为空的每一行填上值（或删除该行），再运行 {again}",
    ))  # fmt: skip


_NUMBERED = ("runs", "checkins", "spend")
"""okrdesk's tables whose rows take their ids from a sequence."""

_TABLE_WORDS = {
    "runs": ("the collect runs", "采集记录"),
    "observations": ("the collected figures", "采集到的数字"),
    "checkins": ("the check-ins", "打卡记录"),
    "spend": ("the spend ledger", "支出台账"),
    "period_totals": ("the figures' totals", "数字的汇总"),
    "running_totals": ("the figures' running totals", "数字的累计"),
    "collected_fingerprints": ("the fingerprints of collected periods", "已采集周期的指纹"),
    VERSION_TABLE: ("the schema version", "结构版本"),
}
_TABLE_IN = re.compile(r"\b(?:FROM|INTO|UPDATE|TABLE|JOIN)\s+([a-z_]+)", re.IGNORECASE)


def _doing(sql: str) -> Said:
    """What okrdesk was doing with ``sql``, in a few words: a reader knows reading the
    check-ins from storing them."""
    verb = sql.lstrip()[:8].upper()
    named = next(
        (_TABLE_WORDS[t] for t in _TABLE_IN.findall(sql) if t.lower() in _TABLE_WORDS), None
    )
    en, zh = named or ("okrdesk's tables", "okrdesk 的数据表")
    if verb.startswith(("SELECT", "WITH")):
        return Said(f"reading {en}", f"读取{zh}")
    if verb.startswith(("INSERT", "UPDATE", "DELETE", "COPY")):
        return Said(f"storing {en}", f"写入{zh}")
    if verb.startswith(("CREATE", "ALTER", "DROP")):
        return Said("creating or upgrading okrdesk's tables", "建立或升级 okrdesk 的数据表")
    if verb.startswith(("ANALYZE", "VACUUM")):
        return Said(f"refreshing the server's statistics of {en}", f"更新服务器对{zh}的统计")
    if sql == _END_OF_READ:
        return Said("ending its read of okrdesk's tables", "结束读取 okrdesk 的数据表")
    return Said("committing what this command wrote", "提交本命令写入的内容")


_END_OF_READ = "COMMIT"
"""What ends a read (``reading``), in place of the statement an error names: an error
there, as at any commit, comes with no statement of its own."""


def _only_reads(sql: str) -> bool:
    """Whether ``sql`` writes nothing: a read, its end, or fresh statistics."""
    start = sql.lstrip()[:7].upper()
    return start.startswith(("SELECT", "WITH", "ANALYZE")) or sql == _END_OF_READ


def _kept(sql: str) -> Said:
    """What became of what was stored, for a statement of ``sql`` refused (rolled back)."""
    if _only_reads(sql):
        return Said("Nothing stored was changed or lost.", "已存入的内容没有任何改动或丢失。")
    return Said(
        "What this command was writing was rolled back, not stored; nothing stored before "
        "is changed or lost.",
        "本命令要写入的内容已撤销、未存入；之前存入的内容没有任何改动或丢失。",
    )


_ONLY_READ = Said("where a copy only reads it", "因为复制只读取源数据库")
