"""A firm's server with a role for each kind of user (docs/deployment.md, "Roles"): the
owner creates and upgrades okrdesk's tables, a writer collects and stores, a read-only
role reads. What a role may not do is said (the role, what to ask for), never a
traceback, and changes nothing; a connection lost mid-write loses nothing stored."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner, Result

from backends import Backend
from okrdesk.cli import cli
from okrdesk.errors import OkrdeskError
from okrdesk.model import Observation
from okrdesk.periods import Grain, periods_between
from okrdesk.store import POSTGRES_MIGRATIONS, SCHEMA_VERSION, Store
from okrdesk.store.postgres import lock_key
from sample_workspace import WriteWorkspace, trusted

_names = itertools.count(1)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def said_plainly(result: Result, code: int, *words: str) -> None:
    """Exit ``code``, every word in the output, and no traceback."""
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit | None), result.exception
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output


class Roles:
    """A writer and a read-only role on the test database, as deployment.md grants them;
    ``url(role)``: the database's URL as that role."""

    def __init__(self, owner_url: str) -> None:
        self.owner_url = owner_url
        suffix = f"{os.getpid()}_{next(_names)}"
        self.writer, self.reader = f"writer_{suffix}", f"reader_{suffix}"
        with psycopg.connect(owner_url, autocommit=True) as connection:
            for role in (self.writer, self.reader):
                connection.execute(f"CREATE ROLE {role} LOGIN".encode())
            # PostgreSQL 15's default; said here so that the test holds on any server.
            connection.execute(b"REVOKE CREATE ON SCHEMA public FROM PUBLIC")

    def grant(self) -> None:
        """The grants deployment.md lists, on the tables the owner has created."""
        with psycopg.connect(self.owner_url, autocommit=True) as connection:
            for sql in (
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
                f"TO {self.writer}",
                f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {self.writer}",
                f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {self.reader}",
            ):
                connection.execute(sql.encode())

    def url(self, role: str) -> str:
        _, rest = self.owner_url.split("://", 1)[1].split("@", 1)
        return f"postgresql://{role}@{rest}"

    def drop(self) -> None:
        with psycopg.connect(self.owner_url, autocommit=True) as connection:
            for role in (self.writer, self.reader):
                connection.execute(f"DROP OWNED BY {role}".encode())
                connection.execute(f"DROP ROLE {role}".encode())


@pytest.fixture
def roles(postgres_url: str) -> Iterator[Roles]:
    made = Roles(postgres_url)
    try:
        yield made
    finally:
        made.drop()


def workspace(write_workspace: WriteWorkspace, url: str) -> Path:
    from test_money import CHECKIN_OKRS, MONEY_BUDGET

    root = Backend("postgresql", url, write_workspace).workspace(
        {"budget.toml": MONEY_BUDGET, "okrs.toml": CHECKIN_OKRS}
    )
    return trusted(root)


def test_a_read_only_role_reads_everything_and_is_told_what_to_ask_for_to_write(
    roles: Roles, write_workspace: WriteWorkspace
) -> None:
    owner = workspace(write_workspace, roles.owner_url)
    said_plainly(run("collect", "--through", "2026-03-01", "-w", str(owner)), 0)
    said_plainly(run("checkin", "O1.REV", "1.5", "--date", "2026-02-20", "-w", str(owner)), 0)
    roles.grant()
    root = workspace(write_workspace, roles.url(roles.reader))
    for command in (
        ["report", "--as-of", "2026-03-01"],
        ["report", "--as-of", "2026-03-01", "--format", "json"],
        ["explain", "O1.KR1", "--as-of", "2026-03-01"],
        ["history", "O1.REV"],
        ["due", "--as-of", "2026-03-01"],
        ["spend", "list"],
        ["export", "--format", "json"],
    ):
        said_plainly(run(*command, "-w", str(root)), 0)
    for command in (["check", "--as-of", "2026-03-01"], ["check", "--format", "json"]):
        done = run(*command, "-w", str(root))
        said_plainly(done, done.exit_code)
        assert done.exit_code in (0, 1)

    for command in (
        ["checkin", "O1.REV", "2", "--date", "2026-02-27"],
        ["spend", "add", "experts", "1万", "--signed-by", "王芳", "--date", "2026-03-02"],
        ["collect", "--through", "2026-03-01"],
    ):
        done = run(*command, "--lang", "en", "-w", str(root))
        said_plainly(
            done, 1, f"the role {roles.reader} may not write okrdesk's tables",
            "was not stored", "A read-only role runs the commands that read",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "
            f"{roles.reader}",
        )  # fmt: skip
    chinese = run("checkin", "O1.REV", "2", "--lang", "zh", "-w", str(root))
    said_plainly(chinese, 1, f"角色 {roles.reader} 无权写入 okrdesk 的数据表", "只读角色只能运行")
    with Store.open(roles.owner_url) as store:
        assert len(store.checkins("O1.REV")) == 1
        assert store.spend("experts") == []
        assert len(store.runs()) == 1

    writer = workspace(write_workspace, roles.url(roles.writer))
    said_plainly(run("checkin", "O1.REV", "2", "--date", "2026-02-27", "-w", str(writer)), 0)
    said_plainly(run("collect", "--through", "2026-03-01", "-w", str(writer)), 0)


def test_a_role_without_select_is_told_which_grant_to_ask_for(
    roles: Roles, write_workspace: WriteWorkspace
) -> None:
    with Store.open(roles.owner_url):
        pass
    root = workspace(write_workspace, roles.url(roles.reader))
    done = run("spend", "list", "--lang", "en", "-w", str(root))
    said_plainly(
        done, 1, f"the role {roles.reader} may not read okrdesk's tables",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {roles.reader}", "Nothing was changed",
    )  # fmt: skip


def test_only_the_owner_creates_the_tables_and_store_upgrade_does(
    roles: Roles, write_workspace: WriteWorkspace
) -> None:
    root = workspace(write_workspace, roles.url(roles.writer))
    done = run("collect", "--through", "2026-03-01", "--lang", "en", "-w", str(root))
    said_plainly(
        done, 1, "no okrdesk tables yet", f"the role {roles.writer} may not create them",
        "(the database's owner, okrdesk)", "`okrdesk store upgrade` as okrdesk (PGUSER=okrdesk)",
        "Nothing was changed",
    )  # fmt: skip
    assert not Store.exists(roles.owner_url)
    said_plainly(
        run("store", "upgrade", roles.owner_url, "--lang", "en"), 0,
        f"{roles.owner_url}: created okrdesk's tables (schema {SCHEMA_VERSION}).",
    )  # fmt: skip
    said_plainly(
        run("store", "upgrade", roles.owner_url, "--lang", "zh"), 0,
        f"okrdesk 的数据表已是本版本的结构（版本 {SCHEMA_VERSION}）",
    )  # fmt: skip
    roles.grant()
    said_plainly(run("collect", "--through", "2026-03-01", "-w", str(root)), 0)


def test_an_older_schema_is_upgraded_by_its_owner_alone(
    roles: Roles, write_workspace: WriteWorkspace
) -> None:
    older = SCHEMA_VERSION - 2
    with psycopg.connect(roles.owner_url, autocommit=True) as connection:
        connection.execute(b"CREATE TABLE okrdesk_schema (version INTEGER NOT NULL)")
        for ddl in POSTGRES_MIGRATIONS[:older]:
            connection.execute(ddl.encode())
        connection.execute(f"INSERT INTO okrdesk_schema VALUES ({older})".encode())
    roles.grant()
    for role in (roles.reader, roles.writer):
        root = workspace(write_workspace, roles.url(role))
        done = run("report", "--as-of", "2026-03-01", "--lang", "en", "-w", str(root))
        said_plainly(
            done, 1, f"holds okrdesk's tables of schema {older}",
            f"this okrdesk needs schema {SCHEMA_VERSION}", f"the role {role} may not upgrade",
            "(only their owner, okrdesk, may)", "as okrdesk (PGUSER=okrdesk",
            "`okrdesk store upgrade`", "Nothing was changed",
        )  # fmt: skip
    with psycopg.connect(roles.owner_url) as connection:
        assert connection.execute(b"SELECT version FROM okrdesk_schema").fetchall() == [(older,)]
    said_plainly(
        run("store", "upgrade", roles.owner_url, "--lang", "en"), 0,
        f"upgraded okrdesk's tables from schema {older} to {SCHEMA_VERSION}",
    )  # fmt: skip
    roles.grant()  # the tables an upgrade adds, where no default privileges give them
    reader = workspace(write_workspace, roles.url(roles.reader))
    said_plainly(run("spend", "list", "-w", str(reader)), 0)


def test_upgrades_at_once_say_which_one_created_the_tables(postgres_url: str) -> None:
    """Deployment.md: the first okrdesk to open the database upgrades it, the others wait
    and find it done. Each said it had created the tables, read before the wait."""
    okrdesk = str(Path(sys.executable).parent / "okrdesk")
    env = {**os.environ, "OKRDESK_BUSY_TIMEOUT": "120"}
    with psycopg.connect(postgres_url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (lock_key("schema"),))
        upgrades = [
            subprocess.Popen([okrdesk, "store", "upgrade", postgres_url, "--lang", "en"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
            for _ in range(3)
        ]  # fmt: skip
        waiting = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            row = holder.execute(waiting).fetchone()
            if row is not None and row[0] >= 3:  # all three wait for the lock
                break
            time.sleep(0.05)
        holder.execute("SELECT pg_advisory_unlock(%s)", (lock_key("schema"),))
    said = [upgrade.communicate(timeout=120)[0] for upgrade in upgrades]
    assert [u.returncode for u in upgrades] == [0, 0, 0], said
    assert sum("created okrdesk's tables (schema" in s for s in said) == 1, said
    assert sum(f"okrdesk's tables are at schema {SCHEMA_VERSION}, this okrdesk's." in s
               for s in said) == 2, said  # fmt: skip


def test_store_upgrade_of_a_file(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.db"
    said_plainly(run("store", "upgrade", str(missing), "--lang", "en"), 2, "no such database")
    assert not missing.exists()
    with Store.open(tmp_path / "okrdesk.db"):
        pass
    said_plainly(
        run("store", "upgrade", str(tmp_path / "okrdesk.db"), "--lang", "en"), 0,
        f"okrdesk's tables are at schema {SCHEMA_VERSION}, this okrdesk's.",
    )  # fmt: skip


LOST_MID_WRITE = """
import datetime as dt, sys, threading, time
import psycopg
from okrdesk.errors import OkrdeskError
from okrdesk.model import Observation
from okrdesk.periods import Grain, periods_between
from okrdesk.store import Store

url = sys.argv[1]
weeks = list(periods_between(dt.date(2026, 1, 1), dt.date(2026, 3, 31), Grain.WEEK))
rows = [Observation("flow", f"cm{n:05d}", p.id, 2.0) for n in range(20_000) for p in weeks]

def sever():
    # The server ends the writer's connection while it sends the rows of a second collect.
    with psycopg.connect(url, autocommit=True) as admin:
        for _ in range(3000):
            ended = admin.execute(
                b"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                b"WHERE datname = current_database() AND pid <> pg_backend_pid() "
                b"AND query LIKE 'INSERT INTO observations%'"
            ).fetchall()
            if ended:
                return
            time.sleep(0.005)

store = Store.open(url)
try:
    run_id = store.start_run("collect", dt.date(2026, 3, 31))
    threading.Thread(target=sever).start()
    store.replace_observations(run_id, {"flow": "p"}, weeks, rows, dt.date(2026, 3, 31))
except OkrdeskError as error:
    print(error.said.en)
    print(error.said.zh)
finally:
    store.close()
"""


def test_a_connection_lost_mid_write_says_so_and_loses_nothing_stored(postgres_url: str) -> None:
    weeks = list(periods_between(dt.date(2026, 1, 1), dt.date(2026, 3, 31), Grain.WEEK))
    with Store.open(postgres_url) as store:
        run_id = store.start_run("collect", dt.date(2026, 3, 31))
        first = [Observation("flow", f"cm{n:03d}", p.id, 1.0) for n in range(50) for p in weeks]
        store.replace_observations(run_id, {"flow": "p"}, weeks, first, dt.date(2026, 3, 31))
        store.finish_run(run_id, "ok", {"p": "1"}, [])
    # In a process of its own, as a command: what Python prints to its stderr is seen.
    done = subprocess.run(
        [sys.executable, "-c", LOST_MID_WRITE, postgres_url], capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert "the connection to the server was lost" in done.stdout, done
    assert "everything stored before it stays" in done.stdout
    assert "与服务器的连接中断了" in done.stdout
    assert done.stderr == "", done.stderr  # psycopg's "error ignored terminating …" too
    with Store.open(postgres_url) as store:
        values = store.query("SELECT count(*), sum(value) FROM observations")
    assert values == [(50 * len(weeks), 50.0 * len(weeks))]


def test_a_copy_onto_the_server_is_the_owners_and_a_reader_copies_it_into_a_file(
    roles: Roles, write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    owner = workspace(write_workspace, roles.owner_url)
    said_plainly(run("collect", "--through", "2026-03-01", "-w", str(owner)), 0)
    roles.grant()
    snapshot = tmp_path / "snapshot.db"
    said_plainly(
        run("store", "copy", roles.url(roles.reader), str(snapshot), "--lang", "en"), 0,
        "observations: ", "as in the source",
    )  # fmt: skip
    with Store.open(roles.owner_url) as store:
        before = store.table_check("observations")
    for role in (roles.writer, roles.reader):
        done = run("store", "copy", str(snapshot), roles.url(role), "--replace", "--lang", "en")
        said_plainly(
            done, 1, f"the role {role} may not load a copy into okrdesk's tables",
            "Nothing was copied", "Run `okrdesk store copy` as okrdesk",
        )  # fmt: skip
    with Store.open(roles.owner_url) as store:
        assert store.table_check("observations") == before
    said_plainly(
        run("store", "copy", str(snapshot), roles.owner_url, "--replace", "--lang", "en"), 0,
        "as in the source",
    )  # fmt: skip


def test_a_role_whose_transactions_are_read_only_reads_and_is_told_where_to_write(
    roles: Roles, write_workspace: WriteWorkspace
) -> None:
    """As on a read replica: the server refuses every write, whatever the grants."""
    owner = workspace(write_workspace, roles.owner_url)
    said_plainly(run("collect", "--through", "2026-03-01", "-w", str(owner)), 0)
    roles.grant()
    with psycopg.connect(roles.owner_url, autocommit=True) as connection:
        connection.execute(
            f"ALTER ROLE {roles.writer} SET default_transaction_read_only = on".encode()
        )
    root = workspace(write_workspace, roles.url(roles.writer))
    said_plainly(run("report", "--as-of", "2026-03-01", "-w", str(root)), 0)
    for command in (["checkin", "O1.REV", "2"], ["collect", "--through", "2026-03-01"]):
        said_plainly(
            run(*command, "--lang", "en", "-w", str(root)), 1,
            f"the server takes no writes from the role {roles.writer}",
            "a read-only replica", "was not stored", "against the primary server",
        )  # fmt: skip
    said_plainly(
        run("checkin", "O1.REV", "2", "--lang", "zh", "-w", str(root)), 1,
        f"服务器不接受角色 {roles.writer} 的写入",
    )  # fmt: skip
    with Store.open(roles.owner_url) as store:
        assert store.checkins("O1.REV") == []
        assert len(store.runs()) == 1


def test_a_statement_timeout_shorter_than_a_read_is_told_with_what_to_ask_for(
    roles: Roles, write_workspace: WriteWorkspace
) -> None:
    owner = workspace(write_workspace, roles.owner_url)
    said_plainly(run("collect", "--through", "2026-03-01", "-w", str(owner)), 0)
    roles.grant()
    with psycopg.connect(roles.owner_url, autocommit=True) as connection:
        # pg_sleep stands for a read longer than the role's limit: every statement is
        # cancelled after 1 ms of it.
        connection.execute(f"ALTER ROLE {roles.reader} SET statement_timeout = 1".encode())
    # On a loaded machine the opening's own read of the schema version may take the 1 ms
    # already: cancelled there or at the read, the command is told the same.
    with pytest.raises(OkrdeskError) as raised:
        reader = Store.open(roles.url(roles.reader), create=False)
        try:
            reader.query("SELECT pg_sleep(1)")
        finally:
            reader.close()
    assert "the server cancelled a statement of this command" in raised.value.said.en
    assert f"ALTER ROLE {roles.reader} SET statement_timeout" in raised.value.said.en
    assert "服务器取消了本命令的一条语句" in raised.value.said.zh


def test_a_schema_the_url_names_that_is_not_there_is_said(postgres_url: str) -> None:
    url = f"{postgres_url}&options=-csearch_path%3Dokr_missing"
    done = run("store", "upgrade", url, "--lang", "en")
    said_plainly(
        done, 2, "the schema okr_missing that the URL's search_path names does not exist",
        "CREATE SCHEMA okr_missing AUTHORIZATION okrdesk", "Nothing was changed",
    )  # fmt: skip
    said_plainly(
        run("store", "upgrade", url, "--lang", "zh"), 2, "schema okr_missing 在该数据库中不存在"
    )
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(b"CREATE SCHEMA okr_missing")
    said_plainly(run("store", "upgrade", url, "--lang", "en"), 0, "created okrdesk's tables")


def test_a_reader_whose_url_names_a_schema_not_there_is_told_so_not_to_collect(
    write_workspace: WriteWorkspace, roles: Roles
) -> None:
    """A laptop's URL with a misspelt schema was told that nothing was collected yet and
    to run `okrdesk collect`, which a reader may not do and which would not help."""
    run("store", "upgrade", roles.owner_url)
    roles.grant()
    url = f"{roles.url(roles.reader)}&options=-csearch_path%3Dokrdsk"
    root = workspace(write_workspace, url)
    for command in (["report"], ["check"], ["export", "--format", "csv"]):
        said_plainly(
            run(*command, "-w", str(root), "--lang", "en"), 2,
            "the schema okrdsk that the URL's search_path names does not exist",
            "Correct the URL's options",
        )  # fmt: skip
        assert "collect" not in run(*command, "-w", str(root), "--lang", "en").output
    said_plainly(
        run("report", "-w", str(root), "--lang", "zh"), 2,
        "URL 的 search_path 所指的 schema okrdsk 在该数据库中不存在",
    )  # fmt: skip
    said_plainly(
        run("store", "copy", url, str(root / "snapshot.db"), "--lang", "en"), 2,
        "the schema okrdsk that the URL's search_path names does not exist",
    )  # fmt: skip
    assert not (root / "snapshot.db").exists()


def test_a_statement_the_server_fails_mid_command_says_to_run_it_again(
    postgres_url: str,
) -> None:
    """A deadlock, a full disk, a server shutting down: the server's reason, what was kept,
    and what to do."""
    with Store.open(postgres_url) as store, pytest.raises(OkrdeskError) as raised:
        # What a server out of room says, on demand.
        store.query(
            "DO $$ BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = '53100'; END $$"
        )
    said = raised.value.said
    assert "cannot use the PostgreSQL database: could not extend file" in said.en
    assert "What this command was writing was not stored" in said.en
    assert "Run it again; if the server says the same" in said.en
    assert "请再运行一次" in said.zh


def test_a_writers_large_collect_sends_no_maintenance_it_may_not_do(roles: Roles) -> None:
    """PostgreSQL skips ANALYZE and VACUUM of a table the role does not own, with a warning
    each time: a writer's collect sends none; the owner's is analysed and vacuumed."""
    from okrdesk.store.postgres import ANALYZE_AFTER_ROWS

    with Store.open(roles.owner_url):
        pass
    roles.grant()
    weeks = list(periods_between(dt.date(2026, 1, 1), dt.date(2026, 3, 31), Grain.WEEK))
    subjects = [f"p{n:05d}" for n in range(ANALYZE_AFTER_ROWS // len(weeks) + 1)]

    def large_collect(url: str, value: float) -> tuple[list[str], tuple[int, int]]:
        """The server's warnings to the collect, and how often observations has been
        analysed and vacuumed, as its own connection reads it."""
        rows = [Observation("flow", s, w.id, value) for s in subjects for w in weeks]
        warned: list[str] = []
        with Store.open(url) as store:
            connection = store._connection  # type: ignore[attr-defined]
            connection.add_notice_handler(lambda notice: warned.append(notice.message_primary))
            run_id = store.start_run("collect", None)
            store.replace_observations(run_id, {"flow": "p"}, weeks, rows)
            store.finish_run(run_id, "ok", {}, [])
            counts = store.query(
                "SELECT analyze_count, vacuum_count FROM pg_stat_user_tables "
                "WHERE relname = 'observations'"
            )[0]
        return warned, (int(counts[0]), int(counts[1]))

    # Where each was "skipping "observations" --- only table or database owner can
    # analyze it" (PostgreSQL 15), for ANALYZE and VACUUM of both tables.
    assert large_collect(roles.url(roles.writer), 1.0) == ([], (0, 0))
    with Store.open(roles.url(roles.writer)) as store:
        assert store._maintained() == frozenset()  # type: ignore[attr-defined]
    with Store.open(roles.owner_url) as store:
        assert "observations" in store._maintained()  # type: ignore[attr-defined]
    assert large_collect(roles.owner_url, 2.0) == ([], (2, 1))
