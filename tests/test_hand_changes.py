"""okrdesk's tables changed under it by hand (a column dropped, a table renamed, a column's
type or a constraint changed; on a firm's server or in an SQLite file), or a server refusing
it for what it is going through (a serialization failure, a full disk, rights revoked
mid-collect): every command says what the server said, what okrdesk was doing, that
nothing stored was lost, and what to do, in both languages, and exits non-zero; never a
traceback."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pytest

from okrdesk.store import Store
from sample_workspace import WriteWorkspace
from test_postgres_roles import Roles, said_plainly, workspace
from test_postgres_roles import run as cli

THROUGH = "2026-03-01"


def by_hand(url: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        for sql in statements:
            connection.execute(sql.encode())


def counts(url: str) -> tuple[int, int, int, int]:
    with psycopg.connect(url) as connection:
        row = connection.execute(
            b"SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM observations), "
            b"(SELECT count(*) FROM checkins), (SELECT count(*) FROM spend)"
        ).fetchone()
    assert row is not None
    return row


@pytest.fixture
def collected(postgres_url: str, write_workspace: WriteWorkspace) -> Path:
    root = workspace(write_workspace, postgres_url)
    said_plainly(cli("collect", "--through", THROUGH, "-w", str(root)), 0)
    said_plainly(cli("checkin", "O1.REV", "1.5", "--date", "2026-02-20", "-w", str(root)), 0)
    return root


SPEND_ADD = ["spend", "add", "experts", "1万", "--signed-by", "王芳", "--date", "2026-03-02"]


def test_a_table_renamed_by_hand_is_said_by_every_command(
    collected: Path, postgres_url: str
) -> None:
    before = counts(postgres_url)
    by_hand(postgres_url, "ALTER TABLE spend RENAME TO spend_2026")
    for command in (
        ["report", "--as-of", THROUGH],
        ["report", "--as-of", THROUGH, "--format", "json"],
        ["check", "--as-of", THROUGH],
        ["spend", "list"],
        SPEND_ADD,
        ["export", "--format", "json"],
    ):
        done = cli(*command, "--lang", "en", "-w", str(collected))
        said_plainly(
            done, 1, "the server refused what okrdesk was doing (reading the spend ledger): "
            'relation "spend" does not exist', "Nothing stored was changed or lost",
            "okrdesk's tables are not as okrdesk made them", "no table spend",
            "ask their owner (okrdesk) to put back what was dropped or renamed",
        )  # fmt: skip
    said_plainly(
        cli("report", "--as-of", THROUGH, "--lang", "zh", "-w", str(collected)), 1,
        "服务器拒绝了 okrdesk 正在做的事（读取支出台账）", "没有 spend 表",
        "已存入的内容没有任何改动或丢失", "请表的所有者（okrdesk）把删掉或改名的部分改回来",
    )  # fmt: skip
    upgrade = cli("store", "upgrade", postgres_url, "--lang", "en")
    said_plainly(upgrade, 1, "at schema", "but not as okrdesk made them: no table spend")
    copied = collected / "copy.db"
    for source, target in ((postgres_url, str(copied)), (str(copied), postgres_url)):
        if source == str(copied):
            with Store.open(copied):
                pass
        done = cli("store", "copy", source, target, "--replace", "--lang", "en")
        said_plainly(done, 1, "spend")
        assert "nothing was copied" in done.output or "Nothing stored was changed" in done.output
    by_hand(postgres_url, "ALTER TABLE spend_2026 RENAME TO spend")
    assert counts(postgres_url) == before
    said_plainly(cli("store", "upgrade", postgres_url, "--lang", "en"), 0, "this okrdesk's")
    said_plainly(cli("report", "--as-of", THROUGH, "-w", str(collected)), 0)


def test_a_column_dropped_by_hand_is_said_and_what_was_stored_stays(
    collected: Path, postgres_url: str
) -> None:
    by_hand(postgres_url, "ALTER TABLE observations DROP COLUMN source")
    before = counts(postgres_url)
    for command, doing in (
        (["export", "--format", "json"], "reading the collected figures"),
        (["explain", "O1.KR1", "--as-of", THROUGH], "reading the collected figures"),
        # Figures to store that differ from those stored: written with their sources.
        (["collect", "--through", "2026-03-15"], "the collected figures"),
    ):
        done = cli(*command, "--lang", "en", "-w", str(collected))
        said_plainly(
            done, 1, doing, 'column "source" does not exist', "no column observations.source",
            "put back what was dropped or renamed",
        )  # fmt: skip
    chinese = cli("export", "--format", "json", "--lang", "zh", "-w", str(collected))
    said_plainly(chinese, 1, "observations 表没有 source 列", "从备份恢复数据库")
    assert counts(postgres_url)[1:] == before[1:]
    said_plainly(
        cli("store", "upgrade", postgres_url, "--lang", "zh"), 1,
        "已不是 okrdesk 建的样子：observations 表没有 source 列",
    )  # fmt: skip


def test_a_constraint_or_type_changed_by_hand_refuses_a_write_that_is_rolled_back(
    collected: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the server refuses a write for is said with what became of it. The opening's
    look is let be here (it refuses a column's type changed, as a CHECK: see
    test_a_type_changed_by_hand_is_refused_when_opened_with_its_way_back), where the
    changes stand for whatever the server refuses a write for."""
    from okrdesk.store.postgres import PostgresStore

    monkeypatch.setattr(PostgresStore, "_refuse_what_was_never_made", lambda self, version: None)
    by_hand(
        postgres_url,
        "UPDATE checkins SET confidence = 0.5",
        "ALTER TABLE checkins ALTER COLUMN confidence SET NOT NULL",
        "ALTER TABLE spend ALTER COLUMN note DROP DEFAULT",
        "ALTER TABLE spend ALTER COLUMN note TYPE integer USING 0",
    )  # fmt: skip
    before = counts(postgres_url)
    done = cli("checkin", "O1.REV", "2", "--date", "2026-02-27", "--lang", "en",
               "-w", str(collected))  # fmt: skip
    said_plainly(
        done, 1, "(storing the check-ins)", 'column "confidence" of relation "checkins" '
        "violates not-null constraint",
        "What this command was writing was rolled back, not stored",
        "a constraint or a trigger changed or added by hand", "ask their owner (okrdesk)",
    )  # fmt: skip
    done = cli(*SPEND_ADD, "--note", "summit", "--lang", "zh", "-w", str(collected))
    said_plainly(
        done, 1, "（写入支出台账）", "本命令要写入的内容已撤销、未存入",
        "并非 okrdesk 所建的东西拒绝了它",
    )  # fmt: skip
    assert counts(postgres_url) == before


def test_what_the_server_goes_through_is_said_with_what_to_do(
    collected: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A serialization failure and a full disk, given by a check on demand (a trigger is
    refused as the store is opened, and so is a check: the opening's look is let be
    here, where the check stands for the server failing, not for a table changed)."""
    from okrdesk.store.postgres import PostgresStore

    monkeypatch.setattr(PostgresStore, "_refuse_what_was_never_made", lambda self, version: None)
    before = counts(postgres_url)
    for state, said, advice in (
        ("40001", "could not serialize access", "Another program changed the same rows"),
        ("53100", "could not extend file", "Run it again; if the server says the same"),
    ):
        by_hand(
            postgres_url,
            "CREATE OR REPLACE FUNCTION refuse(double precision) RETURNS boolean LANGUAGE "
            f"plpgsql AS $$ BEGIN RAISE EXCEPTION '{said}' USING ERRCODE = '{state}'; END $$",
        )  # fmt: skip
        if state == "40001":
            checked = "ALTER TABLE checkins ADD CONSTRAINT refuse CHECK (refuse(value)) NOT VALID"
            by_hand(postgres_url, checked)
        done = cli("checkin", "O1.REV", "2", "--lang", "en", "-w", str(collected))
        said_plainly(done, 1, said, "storing the check-ins", advice, "not stored")
    assert counts(postgres_url) == before
    chinese = cli("checkin", "O1.REV", "2", "--lang", "zh", "-w", str(collected))
    said_plainly(chinese, 1, "could not extend file", "写入打卡记录", "请再运行一次")


def test_rights_revoked_while_a_collect_runs_are_said_and_lose_nothing(
    postgres_url: str, write_workspace: WriteWorkspace
) -> None:
    from test_store import okrdesk

    roles = Roles(postgres_url)
    try:
        revoked_mid_collect(roles, write_workspace, okrdesk)
    finally:
        roles.drop()


def revoked_mid_collect(roles: Roles, write_workspace: WriteWorkspace, okrdesk: Any) -> None:
    owner = workspace(write_workspace, roles.owner_url)
    said_plainly(cli("collect", "--through", THROUGH, "-w", str(owner)), 0)
    roles.grant()
    before = counts(roles.owner_url)
    root = workspace(write_workspace, roles.url(roles.writer))
    collect = okrdesk(root, "collect", "--through", "2026-03-15", "--lang", "en",
                      env={"OKRDESK_TEST_SLOW": "3"})  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while counts(roles.owner_url)[0] == before[0] and time.monotonic() < deadline:
            time.sleep(0.05)
        # Its run is there; its figures are not yet: the writer loses its rights.
        by_hand(
            roles.owner_url, f"REVOKE INSERT, UPDATE, DELETE ON observations FROM {roles.writer}"
        )
        out, err = collect.communicate(timeout=60)
    finally:
        if collect.poll() is None:
            collect.kill()
    assert collect.returncode == 1, out + err
    assert "Traceback" not in out + err
    assert f"the role {roles.writer} may not write okrdesk's tables" in err, err
    assert "was not stored" in err
    after = counts(roles.owner_url)
    assert after[1:] == before[1:]
    with Store.open(roles.owner_url) as store:
        assert store.runs()[-1].status != "ok"


def test_an_sqlite_file_changed_by_hand_is_said_by_every_command(
    write_workspace: WriteWorkspace,
) -> None:
    from test_money import CHECKIN_OKRS, MONEY_BUDGET

    root = write_workspace({"budget.toml": MONEY_BUDGET, "okrs.toml": CHECKIN_OKRS})
    said_plainly(cli("collect", "--through", THROUGH, "-w", str(root)), 0)
    with closing(sqlite3.connect(root / "okrdesk.db")) as connection:
        connection.execute("ALTER TABLE spend RENAME TO spend_2026")
        connection.execute("ALTER TABLE observations DROP COLUMN source")
        connection.commit()
    for command, said in (
        (["report", "--as-of", THROUGH], "no such table: spend"),
        (["check", "--as-of", THROUGH], "no such table: spend"),
        (["spend", "list"], "no such table: spend"),
        (SPEND_ADD, "no such table: spend"),
        (["export", "--format", "json"], "no such column: source"),
        (["collect", "--through", "2026-03-15"], "no such column: source"),
    ):
        done = cli(*command, "--lang", "en", "-w", str(root))
        said_plainly(
            done, 1, said, "okrdesk's tables are not as okrdesk made them",
            "Nothing stored is lost", "`okrdesk store upgrade",
        )  # fmt: skip
    said_plainly(
        cli("spend", "list", "--lang", "zh", "-w", str(root)), 1,
        "okrdesk 的数据表已不是 okrdesk 建的样子", "已存入的内容没有丢失",
    )  # fmt: skip
    said_plainly(
        cli("store", "upgrade", str(root / "okrdesk.db"), "--lang", "en"), 1,
        "not as okrdesk made them: no table spend; no column observations.source",
    )  # fmt: skip


def test_a_not_null_added_to_a_file_after_the_opening_is_named_by_the_write_it_refuses(
    tmp_path: Path,
) -> None:
    """A table rebuilt with a NOT NULL while a command had the file open: the write it
    refused was told as a guess ("most likely … a NOT NULL, or a table's key"). The
    opening's look, asked once the write is rolled back, names the column and its way
    back, as the opening would have."""
    import datetime as dt

    from okrdesk.errors import OkrdeskError

    database = tmp_path / "okrdesk.db"
    with Store.open(database) as store:
        store.add_checkin("O1.REV", "branch", dt.date(2026, 2, 20), 1.5, confidence=0.5)
        with closing(sqlite3.connect(database)) as connection:
            (made,) = connection.execute(
                "SELECT sql FROM sqlite_master WHERE name = 'checkins'"
            ).fetchone()
            rebuilt = made.replace("confidence REAL", "confidence REAL NOT NULL", 1)
            assert rebuilt != made
            connection.executescript(
                rebuilt.replace("CREATE TABLE checkins", "CREATE TABLE rebuilt", 1) + "; "
                "INSERT INTO rebuilt SELECT * FROM checkins; DROP TABLE checkins; "
                "ALTER TABLE rebuilt RENAME TO checkins;"
            )
        with pytest.raises(OkrdeskError) as refused:
            store.add_checkin("O1.REV", "branch", dt.date(2026, 2, 27), 2.0)
        assert len(store.checkins()) == 1
    said = refused.value.said
    assert said.en.startswith(f"{database}: SQLite refused what okrdesk was writing (NOT NULL "
                              "constraint failed: checkins.confidence): okrdesk's tables are "
                              "not as okrdesk made them: checkins.confidence is NOT NULL, as "
                              "okrdesk never makes it (SQLite cannot drop a column's NOT NULL "
                              "in place"), said.en  # fmt: skip
    assert "after this command opened the file" in said.en and "most likely" not in said.en
    assert "checkins 表的 confidence 列被加上了 NOT NULL 约束" in said.zh
    assert "有人在本命令打开该文件后手工改动过它们" in said.zh


def test_store_upgrade_of_an_older_file_changed_by_hand_says_it_upgraded_it(
    tmp_path: Path,
) -> None:
    """An SQLite file of an older schema with a table renamed by hand: opening it upgraded
    it (from 17 to 18, when this was found) before its tables were looked at, and `store
    upgrade` then said "Nothing was changed". Schema 21 here: every table made by 17 is
    changed by a later migration, which would fail the upgrade instead, rolled back."""
    import sqlite_utils

    from okrdesk.store.migrations import MIGRATIONS, SCHEMA_VERSION

    database = tmp_path / "okrdesk.db"
    with closing(sqlite3.connect(database)) as connection:
        for migration in MIGRATIONS[:21]:
            migration(sqlite_utils.Database(connection))
        connection.execute("PRAGMA user_version = 21")
        # A table no later migration changes (one that does fails the upgrade, rolled back).
        connection.execute(
            "ALTER TABLE collected_fingerprints RENAME TO collected_fingerprints_2026"
        )
        connection.commit()
    done = cli("store", "upgrade", str(database), "--lang", "en")
    said_plainly(done, 1, "no table collected_fingerprints. Someone changed them by hand")
    assert done.output.rstrip().endswith(
        "It upgraded them from schema 21 first; nothing else was changed."
    ), done.output
    # Run again, at the latest schema now: nothing is changed, and it says so.
    again = cli("store", "upgrade", str(database), "--lang", "zh")
    said_plainly(again, 1, "没有 collected_fingerprints 表。有人手工改动过它们")
    assert again.output.rstrip().endswith("未改动任何内容。"), again.output
    with closing(sqlite3.connect(database)) as connection:
        (version,) = connection.execute("PRAGMA user_version").fetchone()
    assert version == SCHEMA_VERSION == 32


def test_store_upgrade_of_an_older_file_with_a_not_null_dropped_by_hand_names_it(
    tmp_path: Path,
) -> None:
    """An older store's columns are as its version made them, so the opening lets a NOT
    NULL dropped by hand pass until it has upgraded the store; `store upgrade` then looked
    for tables and columns dropped or retyped alone, said "upgraded", and the next command
    refused the store. It holds to the opening's rule now, once the store is upgraded."""
    import sqlite_utils

    from okrdesk.store.migrations import MIGRATIONS

    database = tmp_path / "okrdesk.db"
    with closing(sqlite3.connect(database)) as connection:
        for migration in MIGRATIONS[:21]:
            migration(sqlite_utils.Database(connection))
        connection.execute("PRAGMA user_version = 21")
        # Rebuilt as a database browser's "modify table" does, fingerprint made nullable
        # (a table no later migration changes).
        connection.executescript(
            "CREATE TABLE rebuilt (metric TEXT NOT NULL, period TEXT NOT NULL, fingerprint "
            "TEXT, PRIMARY KEY (metric, period)) WITHOUT ROWID; "
            "DROP TABLE collected_fingerprints; "
            "ALTER TABLE rebuilt RENAME TO collected_fingerprints;"
        )
    done = cli("store", "upgrade", str(database), "--lang", "en")
    said_plainly(
        done, 1, "at schema 32, but not as okrdesk made them: collected_fingerprints."
        "fingerprint may hold NULL, as okrdesk never makes it (SQLite cannot make a column "
        "NOT NULL in place", "It upgraded them from schema 21 first",
    )  # fmt: skip
    said_plainly(
        cli("store", "upgrade", str(database), "--lang", "zh"), 2,
        "collected_fingerprints 表的 fingerprint 列被去掉了 NOT NULL 约束，"
        "而 okrdesk 建的该列不允许为空",
    )  # fmt: skip


def test_an_sqlite_column_retyped_by_hand_is_not_told_a_statement_sqlite_refuses(
    write_workspace: WriteWorkspace,
) -> None:
    """A column rebuilt with another type in an SQLite file: `store upgrade` gave the
    server's ALTER COLUMN … TYPE, which SQLite refuses as a syntax error. Refused when the
    store is opened, as every command refuses it."""
    from test_money import CHECKIN_OKRS, MONEY_BUDGET

    root = write_workspace({"budget.toml": MONEY_BUDGET, "okrs.toml": CHECKIN_OKRS})
    said_plainly(cli("collect", "--through", THROUGH, "-w", str(root)), 0)
    with closing(sqlite3.connect(root / "okrdesk.db")) as connection:
        made = connection.execute("PRAGMA table_info(spend)").fetchall()
        columns = ", ".join(f"{r[1]} {'TEXT' if r[1] == 'amount_fen' else r[2]}" for r in made)
        connection.execute("ALTER TABLE spend RENAME TO spend_made")
        connection.execute(f"CREATE TABLE spend ({columns})")
        connection.execute("DROP TABLE spend_made")
        connection.commit()
    done = cli("store", "upgrade", str(root / "okrdesk.db"), "--lang", "en")
    said_plainly(
        done, 2, "spend.amount_fen is of type TEXT, not INTEGER (SQLite cannot change a "
        "column's type in place: restore the file from a backup)",
    )  # fmt: skip
    assert "ALTER COLUMN" not in done.output, done.output
    chinese = cli("store", "upgrade", str(root / "okrdesk.db"), "--lang", "zh")
    said_plainly(chinese, 2, "SQLite 无法就地修改列的类型：请从备份恢复该文件")


NEVER_MADE_ON_THE_SERVER = {
    "trigger": (
        "CREATE FUNCTION fen() RETURNS trigger LANGUAGE plpgsql AS "
        "$$BEGIN NEW.amount_fen := 1; RETURN NEW; END$$;\n"
        "CREATE TRIGGER fen BEFORE INSERT ON spend FOR EACH ROW EXECUTE FUNCTION fen()",
        "trigger fen",
    ),
    # Each spend entry's insert made nothing: said recorded, never stored.
    "rule": ("CREATE RULE nothing AS ON INSERT TO spend DO INSTEAD NOTHING", "rule nothing"),
    "default": (
        "ALTER TABLE checkins ALTER COLUMN withdrawn SET DEFAULT '2026-01-01'",
        "default checkins.withdrawn = '2026-01-01'",
    ),
    "view": (
        "ALTER TABLE checkins RENAME TO checkins_kept;\n"
        "CREATE VIEW checkins AS SELECT * FROM checkins_kept",
        "view checkins",
    ),
    # Each refused some of okrdesk's writes midway, named only then (or, the key from a
    # table of one's own, the deletion of a run that `store copy --replace` makes).
    "check": (
        "ALTER TABLE checkins ADD CONSTRAINT before_the_25th CHECK (day < '2026-02-25')",
        "check checkins.before_the_25th",
    ),
    "foreign-key": (
        "CREATE TABLE lines (name text PRIMARY KEY);\n"
        "ALTER TABLE spend ADD CONSTRAINT known_line FOREIGN KEY (line) REFERENCES lines(name)",
        "foreign key spend.known_line",
    ),
    "key-to-okrdesks": (
        "CREATE TABLE mine (run bigint CONSTRAINT kept_run REFERENCES runs(id))",
        "foreign key mine.kept_run",
    ),
    # Runs inside each insert: the check-in's empty note is no JSON.
    "index": (
        "CREATE INDEX by_note ON checkins ((note::jsonb)) WHERE day > '2026-02-26'",
        "index by_note",
    ),
    "unique-index": (
        "CREATE UNIQUE INDEX one_a_day ON checkins (key_result, day)",
        "index one_a_day",
    ),
    # A domain's CHECK refused each check-in below it midway, the column's type still
    # read as double precision.
    "domain": (
        "CREATE DOMAIN sure AS double precision CHECK (VALUE > 0.5);\n"
        "ALTER TABLE checkins ALTER COLUMN confidence TYPE sure",
        "domain checkins.confidence sure CHECK ((VALUE > (0.5)::double precision))",
    ),
    # okrdesk's own trigger, its function's body changed.
    "function": (
        "CREATE OR REPLACE FUNCTION okrdesk_note_hand_edit() RETURNS trigger LANGUAGE plpgsql "
        "AS $$BEGIN DELETE FROM checkins; RETURN NULL; END$$",
        "function okrdesk_note_hand_edit",
    ),
}


@pytest.mark.parametrize(("sql", "named"), NEVER_MADE_ON_THE_SERVER.values(),
                         ids=NEVER_MADE_ON_THE_SERVER.keys())  # fmt: skip
def test_a_server_store_holding_what_okrdesk_never_makes_is_refused_when_opened(
    collected: Path, postgres_url: str, sql: str, named: str
) -> None:
    """As an SQLite file is: on a firm's server, a rule turning each spend entry's insert
    into nothing had `spend add` say it was recorded, and a default had each check-in
    born withdrawn; a trigger, a view or okrdesk's trigger's function changed ran inside
    okrdesk's writes. None was named."""
    by_hand(postgres_url, *sql.split(";\n"))
    before = counts(postgres_url)
    for command in (SPEND_ADD, ["checkin", "O1.REV", "2", "--date", "2026-02-27"],
                    ["report", "--as-of", THROUGH]):  # fmt: skip
        done = cli(*command, "--lang", "en", "-w", str(collected))
        said_plainly(done, 2, f"holds what okrdesk never makes ({named}",
                     "Nothing was read or changed")  # fmt: skip
    chinese = cli("report", "--as-of", THROUGH, "--lang", "zh", "-w", str(collected))
    said_plainly(chinese, 2, f"含有 okrdesk 从不创建的对象（{named}")
    assert counts(postgres_url) == before


def test_a_server_store_with_a_column_added_by_hand_is_refused_when_opened(
    collected: Path, postgres_url: str
) -> None:
    """As an SQLite file is: a column added to one of okrdesk's tables on the server took
    the next check-in, exit 0, beside a column no write of okrdesk's fills and no copy of
    the store carries; one NOT NULL refused it midway. Named at the opening, exit 2."""
    by_hand(postgres_url, 'ALTER TABLE checkins ADD COLUMN "备注" text',
            "ALTER TABLE spend ADD COLUMN approver text")  # fmt: skip
    before = counts(postgres_url)
    for command in (SPEND_ADD, ["checkin", "O1.REV", "2", "--date", "2026-02-27"],
                    ["report", "--as-of", THROUGH]):  # fmt: skip
        done = cli(*command, "--lang", "en", "-w", str(collected))
        said_plainly(
            done, 2, "okrdesk's tables are not as okrdesk made them: checkins.备注 is a column "
            "okrdesk never makes (keep what it holds elsewhere, then `ALTER TABLE checkins "
            'DROP COLUMN "备注"`); spend.approver is a column okrdesk never makes',
            "nor can it copy one to another store", "Nothing was read or changed",
        )  # fmt: skip
    chinese = cli("report", "--as-of", THROUGH, "--lang", "zh", "-w", str(collected))
    said_plainly(chinese, 2, "checkins 表的 备注 列不是 okrdesk 建的",
                 "spend 表的 approver 列不是 okrdesk 建的")  # fmt: skip
    assert counts(postgres_url) == before
    # Beside what else okrdesk never makes, that is what is named.
    by_hand(postgres_url, "CREATE RULE nothing AS ON INSERT TO spend DO INSTEAD NOTHING")
    said_plainly(cli(*SPEND_ADD, "--lang", "en", "-w", str(collected)), 2,
                 "holds what okrdesk never makes (rule nothing)")  # fmt: skip
    by_hand(postgres_url, "DROP RULE nothing ON spend", 'ALTER TABLE checkins DROP COLUMN "备注"',
            "ALTER TABLE spend DROP COLUMN approver")  # fmt: skip
    said_plainly(cli(*SPEND_ADD, "-w", str(collected)), 0)


def test_a_not_null_added_by_hand_is_refused_when_opened_with_its_way_back(
    collected: Path, postgres_url: str
) -> None:
    """A NOT NULL on a column okrdesk's writes leave empty was met only by the write it
    refused (a check-in without a confidence, a spend entry without an override), exit 1,
    in the server's words. Named at the opening, each with the statement that drops it."""
    by_hand(
        postgres_url,
        "UPDATE checkins SET confidence = 0.5",
        "ALTER TABLE checkins ALTER COLUMN confidence SET NOT NULL",
        "ALTER TABLE spend ALTER COLUMN override_reason SET NOT NULL",
    )
    before = counts(postgres_url)
    backs = [
        f"ALTER TABLE {column} DROP NOT NULL"
        for column in ("checkins ALTER COLUMN confidence", "spend ALTER COLUMN override_reason")
    ]
    told = (
        "okrdesk's tables are not as okrdesk made them: checkins.confidence is NOT NULL, as "
        f"okrdesk never makes it (`{backs[0]}`); spend.override_reason is NOT NULL, as okrdesk "
        f"never makes it (`{backs[1]}`). Someone changed them by hand, and okrdesk's writes "
        "that leave such a column empty would be refused midway. Nothing was read or changed."
    )
    for command in (SPEND_ADD, ["checkin", "O1.REV", "2", "--date", "2026-02-27"],
                    ["report", "--as-of", THROUGH]):  # fmt: skip
        said_plainly(cli(*command, "--lang", "en", "-w", str(collected)), 2, told)
    chinese = cli("checkin", "O1.REV", "2", "--lang", "zh", "-w", str(collected))
    said_plainly(
        chinese, 2, "checkins 表的 confidence 列被加上了 NOT NULL 约束，而 okrdesk 建的该列允许为空"
        f"（`{backs[0]}`）", "okrdesk 的写入凡是让这类列为空的，都会因违反非空约束而中途失败",
        "未读取、未改动任何内容",
    )  # fmt: skip
    said_plainly(cli("store", "upgrade", postgres_url, "--lang", "en"), 2, told)
    assert counts(postgres_url) == before
    by_hand(postgres_url, *backs)
    said_plainly(cli("checkin", "O1.REV", "2", "--date", "2026-02-27", "-w", str(collected)), 0)
    said_plainly(cli(*SPEND_ADD, "-w", str(collected)), 0)


def test_a_not_null_dropped_by_hand_is_refused_when_opened_with_its_way_back(
    collected: Path, postgres_url: str
) -> None:
    """A NOT NULL okrdesk makes, dropped by hand, opened fine, and rows written by other
    software then held NULLs where okrdesk's reads never expect one (a check-in without
    its figure or its note). Named at the opening, each with its way back: the NULLs
    filled (with okrdesk's default where it gives one), then SET NOT NULL."""
    by_hand(
        postgres_url,
        "ALTER TABLE checkins ALTER COLUMN note DROP NOT NULL",
        "ALTER TABLE checkins ALTER COLUMN value DROP NOT NULL",
        "UPDATE checkins SET note = NULL, value = NULL",
    )
    before = counts(postgres_url)
    backs = [
        "UPDATE checkins SET note = '' WHERE note IS NULL",
        "ALTER TABLE checkins ALTER COLUMN note SET NOT NULL",
        "ALTER TABLE checkins ALTER COLUMN value SET NOT NULL",
    ]
    told = (
        "okrdesk's tables are not as okrdesk made them: checkins.note may hold NULL, as "
        f"okrdesk never makes it (`{backs[0]}`, then `{backs[1]}`); checkins.value may hold "
        "NULL, as okrdesk never makes it (give each row where it is NULL a value, or delete "
        f"the row, then `{backs[2]}`). Someone changed them by hand, and rows written there "
        "by other software may hold NULLs where okrdesk's reads never expect one. Nothing "
        "was read or changed."
    )
    for command in (["checkin", "O1.REV", "2", "--date", "2026-02-27"],
                    ["report", "--as-of", THROUGH], ["history", "O1.REV"]):  # fmt: skip
        said_plainly(cli(*command, "--lang", "en", "-w", str(collected)), 2, told)
    chinese = cli("report", "--as-of", THROUGH, "-w", str(collected))
    said_plainly(
        chinese, 2, "checkins 表的 note 列被去掉了 NOT NULL 约束，而 okrdesk 建的该列不允许为空"
        f"（先运行 `{backs[0]}`，再运行 `{backs[1]}`）",
        "checkins 表的 value 列被去掉了 NOT NULL 约束，而 okrdesk 建的该列不允许为空"
        f"（先为该列为空的每一行填上值"
        f"（或删除该行），再运行 `{backs[2]}`）",
        "其他软件写入的行可能在这些列中留下 NULL，而 okrdesk 读取时默认这些列不会为空",
        "未读取、未改动任何内容",
    )  # fmt: skip
    said_plainly(cli("store", "upgrade", postgres_url, "--lang", "en"), 2, told)
    assert counts(postgres_url) == before
    by_hand(postgres_url, backs[0], backs[1], "UPDATE checkins SET value = 1.5", backs[2])
    said_plainly(cli("checkin", "O1.REV", "2", "--date", "2026-02-27", "-w", str(collected)), 0)
    said_plainly(cli("report", "--as-of", THROUGH, "-w", str(collected)), 0)


def test_row_security_turned_on_by_hand_is_refused_when_opened_with_its_way_back(
    collected: Path, postgres_url: str
) -> None:
    """Row security on okrdesk's tables, with a policy, hid rows from every role but their
    owner's reads without a word (a report missing check-ins, a budget missing spend), and
    a WITH CHECK policy's refusal was said as the role lacking the rights. Named at the
    opening, each table with the statement that turns it off."""
    by_hand(
        postgres_url,
        "ALTER TABLE spend ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY small ON spend USING (amount_fen < 100000)",
        "ALTER TABLE checkins ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY",
        "CREATE POLICY mine ON checkins USING (author = current_user) WITH CHECK (false)",
        # Forced alone, without row security on, hides nothing: let be.
        "ALTER TABLE runs FORCE ROW LEVEL SECURITY",
    )
    before = counts(postgres_url)
    backs = [
        "ALTER TABLE checkins DISABLE ROW LEVEL SECURITY, NO FORCE ROW LEVEL SECURITY",
        "ALTER TABLE spend DISABLE ROW LEVEL SECURITY",
    ]
    told = (
        "okrdesk's tables are not as okrdesk made them: checkins has row security on "
        f"(`{backs[0]}`); spend has row security on (`{backs[1]}`). Someone changed them by "
        "hand, and its policies would hide rows from okrdesk's reads without a word (a "
        "report missing check-ins, a budget missing spend) or refuse its writes as if the "
        "role lacked the rights. Nothing was read or changed."
    )
    for command in (SPEND_ADD, ["checkin", "O1.REV", "2", "--date", "2026-02-27"],
                    ["report", "--as-of", THROUGH], ["spend", "list"]):  # fmt: skip
        said_plainly(cli(*command, "--lang", "en", "-w", str(collected)), 2, told)
    chinese = cli("report", "--as-of", THROUGH, "-w", str(collected))
    said_plainly(
        chinese, 2, f"checkins 表启用了行级安全（`{backs[0]}`）；spend 表启用了行级安全",
        "行级安全策略会让 okrdesk 在不报错的情况下查不到部分行", "未读取、未改动任何内容",
    )  # fmt: skip
    said_plainly(cli("store", "upgrade", postgres_url, "--lang", "en"), 2, told)
    assert counts(postgres_url) == before
    by_hand(postgres_url, *backs)
    said_plainly(cli("checkin", "O1.REV", "2", "--date", "2026-02-27", "-w", str(collected)), 0)
    said_plainly(cli(*SPEND_ADD, "-w", str(collected)), 0)


def test_a_with_check_policy_added_after_the_opening_is_told_as_row_security(
    collected: Path, postgres_url: str
) -> None:
    """Row security turned on while a command had the store open: the server refused the
    command's write with the SQLSTATE of a right the role lacks, and okrdesk told the
    writer to ask for grants it already had. Told now as what it is, with the statement
    that turns it off; the rights refused are told as before."""
    import datetime as dt

    from okrdesk.errors import OkrdeskError

    roles = Roles(postgres_url)
    try:
        roles.grant()
        before = counts(postgres_url)
        with Store.open(roles.url(roles.writer), create=False) as store:
            by_hand(
                postgres_url,
                "ALTER TABLE checkins ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY seen ON checkins FOR SELECT USING (true)",
                "CREATE POLICY none_new ON checkins FOR INSERT WITH CHECK (false)",
            )
            with pytest.raises(OkrdeskError) as raised:
                store.add_checkin("O1.REV", "branch", dt.date(2026, 2, 27), 2.0)
            by_hand(postgres_url, "ALTER TABLE checkins DISABLE ROW LEVEL SECURITY",
                    f"REVOKE INSERT ON checkins FROM {roles.writer}")  # fmt: skip
            with pytest.raises(OkrdeskError) as revoked:
                store.add_checkin("O1.REV", "branch", dt.date(2026, 2, 27), 2.0)
        assert counts(postgres_url) == before
    finally:
        roles.drop()
    said = raised.value.said
    back = "`ALTER TABLE checkins DISABLE ROW LEVEL SECURITY`"
    assert 'new row violates row-level security policy for table "checkins"' in said.en
    assert f"okrdesk's tables are not as okrdesk made them (schema 32): checkins has row " \
        f"security on ({back}). Someone changed them by hand" in said.en  # fmt: skip
    assert "the role's rights are as they were" in said.en
    assert "may not write" not in said.en
    assert f"checkins 表启用了行级安全（{back}）" in said.zh
    assert "角色的权限并未改变" in said.zh
    assert f"the role {roles.writer} may not write okrdesk's tables" in revoked.value.said.en


def test_a_server_store_whose_figures_key_lost_its_slice_is_refused_when_opened(
    collected: Path, postgres_url: str
) -> None:
    """Version 8 put the slice into the figures' key. The key before it, (metric, period,
    subject), was taken for okrdesk's in a store of any version, so one put back by hand
    in a store of version 8 or later, where it refuses every slice of a figure but the
    first, was never named. It is okrdesk's only in a store older than 8 (which the
    opening then upgrades: test_a_database_of_an_older_schema_is_upgraded_in_place)."""
    by_hand(postgres_url, "ALTER TABLE observations DROP CONSTRAINT observations_pkey",
            "ALTER TABLE observations ADD PRIMARY KEY (metric, period, subject)")  # fmt: skip
    before = counts(postgres_url)
    for command in (["collect", "--through", THROUGH], ["report", "--as-of", THROUGH]):
        done = cli(*command, "--lang", "en", "-w", str(collected))
        said_plainly(
            done, 2, "holds what okrdesk never makes (primary key "
            "observations.observations_pkey, index observations_pkey)",
            "Nothing was read or changed",
        )  # fmt: skip
    chinese = cli("report", "--as-of", THROUGH, "--lang", "zh", "-w", str(collected))
    said_plainly(
        chinese, 2, "含有 okrdesk 从不创建的对象（primary key observations.observations_pkey"
    )
    assert counts(postgres_url) == before
    by_hand(
        postgres_url,
        "ALTER TABLE observations DROP CONSTRAINT observations_pkey",
        "ALTER TABLE observations ADD PRIMARY KEY (metric, period, subject, slice)",
    )
    said_plainly(cli("report", "--as-of", THROUGH, "-w", str(collected)), 0)


def test_a_row_added_by_hand_with_the_next_id_is_said_with_the_sequence_to_reset(
    collected: Path, postgres_url: str
) -> None:
    by_hand(
        postgres_url,
        # The ids the next two check-ins take (a failed insert uses its id up too).
        "INSERT INTO checkins (id, key_result, subject, day, value, recorded) VALUES "
        "(2, 'O1.REV', 'branch', '2026-02-21', 1, 'by hand'), "
        "(3, 'O1.REV', 'branch', '2026-02-22', 1, 'by hand')",
    )
    done = cli("checkin", "O1.REV", "2", "--date", "2026-02-27", "--lang", "en",
               "-w", str(collected))  # fmt: skip
    reset = (
        "SELECT setval(pg_get_serial_sequence('checkins', 'id'), (SELECT max(id) FROM checkins))"
    )
    said_plainly(
        done, 1, "(storing the check-ins)", 'duplicate key value violates unique constraint',
        "rows added by hand with ids of their own", f"(`{reset}`)", "not stored",
    )  # fmt: skip
    said_plainly(
        cli("checkin", "O1.REV", "2", "--lang", "zh", "-w", str(collected)), 1,
        "okrdesk 新行分到的 id 已被另一行占用",
    )  # fmt: skip
    by_hand(postgres_url, reset)
    said_plainly(cli("checkin", "O1.REV", "2", "--date", "2026-02-27", "-w", str(collected)), 0)


def test_the_late_look_at_a_server_store_holds_to_the_openings_rule(
    collected: Path, postgres_url: str
) -> None:
    """What `store upgrade`, a late server error and a value okrdesk could not use say of
    okrdesk's tables (``unlike_made``) took an ``integer`` for a ``bigint`` column and
    missed a collation changed alone, where the opening refuses both: a column retyped
    after a command opened the store went unnamed. One rule for both now, in the
    opening's words."""
    with Store.open(postgres_url, create=False) as store:
        assert store.unlike_made() == []
        by_hand(
            postgres_url,
            "ALTER TABLE spend ALTER COLUMN amount_fen TYPE integer",
            'ALTER TABLE spend ALTER COLUMN note TYPE text COLLATE "POSIX"',
        )
        found = store.unlike_made()
        # Nor did it look at a NOT NULL added or dropped, a column added or row security
        # turned on, which the opening refuses too: a server refusing a write for one of
        # them after the opening was said as an unknown change.
        by_hand(
            postgres_url,
            "UPDATE checkins SET confidence = 0.5",
            "ALTER TABLE checkins ALTER COLUMN confidence SET NOT NULL",
            "ALTER TABLE checkins ALTER COLUMN author DROP NOT NULL",
            "ALTER TABLE spend ADD COLUMN memo text",
            "ALTER TABLE spend ENABLE ROW LEVEL SECURITY",
        )
        later = store.unlike_made()
    assert [said.en for said in found] == [
        "spend.amount_fen is of type integer, not bigint (`ALTER TABLE spend ALTER COLUMN "
        "amount_fen TYPE bigint USING amount_fen::bigint`)",
        'spend.note is of type text COLLATE "POSIX", not text COLLATE "C" (`ALTER TABLE spend '
        'ALTER COLUMN note TYPE text COLLATE "C" USING note::text`)',
    ]
    assert [said.en for said in later[2:]] == [
        "checkins.confidence is NOT NULL, as okrdesk never makes it (`ALTER TABLE checkins "
        "ALTER COLUMN confidence DROP NOT NULL`)",
        "checkins.author may hold NULL, as okrdesk never makes it (`UPDATE checkins SET "
        "author = '' WHERE author IS NULL`, then `ALTER TABLE checkins ALTER COLUMN author "
        "SET NOT NULL`)",
        "spend.memo is a column okrdesk never makes (keep what it holds elsewhere, then "
        '`ALTER TABLE spend DROP COLUMN "memo"`)',
        "spend has row security on (`ALTER TABLE spend DISABLE ROW LEVEL SECURITY`)",
    ]
    assert (
        later[-1].zh == "spend 表启用了行级安全（`ALTER TABLE spend DISABLE ROW LEVEL SECURITY`）"
    )
    assert found[0].zh.startswith("spend 表的 amount_fen 列类型为 integer，而非 bigint（`ALTER")


def test_a_type_changed_by_hand_is_refused_when_opened_with_its_way_back(
    collected: Path, postgres_url: str
) -> None:
    """The server takes the change and answers every read; what it answers (a date where
    okrdesk stored text, a Decimal where it stored a float) is not what okrdesk stored.
    Each command found it only when a read failed (exit 1); an SQLite file's is refused
    when it is opened. Now the server's is too, in the same words, each column with its
    way back (its collation too: plain text orders ids otherwise)."""
    by_hand(
        postgres_url,
        "ALTER TABLE checkins ALTER COLUMN day TYPE date USING day::date",
        "ALTER TABLE spend ALTER COLUMN amount_fen TYPE integer",
        'ALTER TABLE spend ALTER COLUMN note TYPE text COLLATE "POSIX"',
    )
    before = counts(postgres_url)
    backs = (
        'ALTER TABLE checkins ALTER COLUMN day TYPE text COLLATE "C" USING day::text',
        "ALTER TABLE spend ALTER COLUMN amount_fen TYPE bigint USING amount_fen::bigint",
        'ALTER TABLE spend ALTER COLUMN note TYPE text COLLATE "C" USING note::text',
    )
    told = (
        f"okrdesk's tables are not as okrdesk made them: checkins.day is of type date, not "
        f"text (`{backs[0]}`); spend.amount_fen is of type integer, not bigint (`{backs[1]}`); "
        f'spend.note is of type text COLLATE "POSIX", not text COLLATE "C" (`{backs[2]}`). '
        "Someone changed them by hand, and what okrdesk stored there would not read back as "
        "written. Nothing was read or changed."
    )
    for command in (
        ["report", "--as-of", THROUGH],
        ["check", "--as-of", THROUGH],
        ["history", "O1.REV"],
        ["export", "--format", "json"],
        ["checkin", "O1.REV", "2", "--date", "2026-02-27"],
        SPEND_ADD,
    ):
        said_plainly(cli(*command, "--lang", "en", "-w", str(collected)), 2, told)
    chinese = cli("report", "--as-of", THROUGH, "--lang", "zh", "-w", str(collected))
    said_plainly(
        chinese, 2, "okrdesk 的数据表已不是 okrdesk 建的样子：checkins 表的 day 列类型为 date，"
        f"而非 text（`{backs[0]}`）", "okrdesk 写入这些列的值读回时会与写入时不一致",
        "未读取、未改动任何内容",
    )  # fmt: skip
    said_plainly(cli("store", "upgrade", postgres_url, "--lang", "en"), 2, told)
    assert counts(postgres_url) == before
    by_hand(postgres_url, *backs)
    with psycopg.connect(postgres_url) as connection:
        collation = connection.execute(
            b"SELECT collation_name FROM information_schema.columns WHERE table_schema = "
            b"current_schema() AND table_name = 'checkins' AND column_name = 'day'"
        ).fetchone()
    assert collation == ("C",)
    said_plainly(cli("report", "--as-of", THROUGH, "-w", str(collected)), 0)
    said_plainly(cli("store", "upgrade", postgres_url, "--lang", "en"), 0, "this okrdesk's")


def test_a_statement_wrong_on_whole_tables_is_said_as_maybe_okrdesks_own_fault(
    postgres_url: str,
) -> None:
    from okrdesk.errors import OkrdeskError

    with Store.open(postgres_url) as store, pytest.raises(OkrdeskError) as raised:
        store.query("SELECT okrdesk_no_such_function(value) FROM observations")
    said = raised.value.said
    assert "(reading the collected figures): function okrdesk_no_such_function" in said.en
    assert "tables are as okrdesk made them (SQLSTATE 42883)" in said.en
    assert "show this message to whoever maintains okrdesk" in said.en
    assert "请把这条消息给维护 okrdesk 的人看" in said.zh


def test_a_column_retyped_after_the_opening_is_said_in_the_words_of_the_openings_refusal(
    collected: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A column retyped by hand after a command opened the store, before it read: the
    second look at what went wrong opened the store again, was refused, and skipped the
    refusal, so the command ended in an internal error (a traceback). It now says the
    refusal, with what it could not use, exit 2, and nothing stored is lost."""
    from okrdesk.store.base import Store as Opened

    real = Opened.spend
    back = "ALTER TABLE spend ALTER COLUMN amount_fen TYPE bigint USING amount_fen::bigint"

    def retyped_first(store: Store, *args: Any, **kwargs: Any) -> Any:
        by_hand(postgres_url, "ALTER TABLE spend ALTER COLUMN amount_fen TYPE text")
        monkeypatch.setattr(Opened, "spend", real)
        return real(store, *args, **kwargs)

    said_plainly(cli(*SPEND_ADD, "--note", "summit", "-w", str(collected)), 0)
    before = counts(postgres_url)
    monkeypatch.setattr(Opened, "spend", retyped_first)
    done = cli("spend", "list", "--lang", "en", "-w", str(collected))
    said_plainly(
        done, 2, "okrdesk spend could not use what it read from okrdesk's tables (TypeError: "
        "spend.amount_fen holds '1000000'), and opening the store again to look is refused, "
        "as every command's will be: ",
        "okrdesk's tables are not as okrdesk made them: spend.amount_fen is of type text, not "
        f"bigint (`{back}`)", "Of this spend: what it was in the middle of writing was rolled back",
    )  # fmt: skip
    assert "Traceback" not in done.output and "internal error" not in done.output
    monkeypatch.setattr(Opened, "spend", retyped_first)
    by_hand(postgres_url, back)
    chinese = cli("spend", "list", "--lang", "zh", "-w", str(collected))
    said_plainly(
        chinese, 2, "okrdesk spend 无法使用从 okrdesk 数据表读到的内容",
        "再次打开数据库查看时被拒绝，之后每个命令打开时也会如此：",
        "okrdesk 的数据表已不是 okrdesk 建的样子：spend 表的 amount_fen 列类型为 text，而非 bigint",
        "至于本次 spend：它正写到一半的内容已撤销，中断前已存入的保留",
    )  # fmt: skip
    by_hand(postgres_url, back)
    assert counts(postgres_url) == before
    said_plainly(cli("spend", "list", "--lang", "en", "-w", str(collected)), 0, "summit")


def test_an_sqlite_column_rebuilt_as_text_after_the_opening_is_said_as_the_opening_refuses(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same in an SQLite file: the spend table rebuilt with amount_fen as TEXT (its
    rows copied) while `spend list` has the file open. The internal error it ended in is
    now the opening's refusal, exit 2; every entry is still there."""
    from okrdesk.store.base import Store as Opened
    from test_money import CHECKIN_OKRS, MONEY_BUDGET

    root = write_workspace({"budget.toml": MONEY_BUDGET, "okrs.toml": CHECKIN_OKRS})
    said_plainly(cli(*SPEND_ADD, "--note", "summit", "-w", str(root)), 0)
    real = Opened.spend

    def rebuilt_first(store: Store, *args: Any, **kwargs: Any) -> Any:
        with closing(sqlite3.connect(root / "okrdesk.db")) as connection:
            made = connection.execute("PRAGMA table_info(spend)").fetchall()
            names = ", ".join(r[1] for r in made)
            typed = ", ".join(f"{r[1]} {'TEXT' if r[1] == 'amount_fen' else r[2]}" for r in made)
            connection.execute("ALTER TABLE spend RENAME TO spend_made")
            connection.execute(f"CREATE TABLE spend ({typed})")
            connection.execute(f"INSERT INTO spend ({names}) SELECT {names} FROM spend_made")
            connection.execute("UPDATE spend SET amount_fen = CAST(amount_fen AS TEXT)")
            connection.execute("DROP TABLE spend_made")
            connection.commit()
        monkeypatch.setattr(Opened, "spend", real)
        return real(store, *args, **kwargs)

    monkeypatch.setattr(Opened, "spend", rebuilt_first)
    done = cli("spend", "list", "--lang", "en", "-w", str(root))
    said_plainly(
        done, 2, "okrdesk spend could not use what it read from okrdesk's tables (TypeError: ",
        "opening the store again to look is refused, as every command's will be: ",
        "spend.amount_fen is of type TEXT, not INTEGER (SQLite cannot change a column's type "
        "in place: restore the file from a backup)",
    )  # fmt: skip
    with closing(sqlite3.connect(root / "okrdesk.db")) as connection:
        assert connection.execute("SELECT note, amount_fen FROM spend").fetchall() == [
            ("summit", "1000000")
        ]
