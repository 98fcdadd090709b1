"""Observations written by other software (a figure corrected, a row deleted in a
database browser or psql): the report's figures are the sums of the rows as they now are,
explain lists the rows those sums are made of, the user is told once, and the next collect
brings the rows back to what their source says. A store that cannot be written is refused
while such edits wait, never read with totals the rows no longer add up to."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg
import pytest

from backends import Backend, schema_changed_by_hand
from okrdesk.store import SCHEMA_VERSION, Store
from okrdesk.store.base import TABLES
from okrdesk.store.migrations import SCOPED_READ_INDEXES
from sample_workspace import WriteWorkspace, trusted
from test_postgres_roles import Roles, said_plainly
from test_postgres_roles import run as cli

THROUGH = "2026-03-01"
KR = "O1.KR1"


def _figure(root: Path) -> float:
    done = cli("report", "--as-of", THROUGH, "--format", "json", "-w", str(root))
    said_plainly(done, 0)
    report = json.loads(done.stdout)
    for objective in report["objectives"]:
        for kr in objective["key_results"]:
            if kr["id"] == KR:
                return float(kr["actual"])
    raise AssertionError(f"{KR} not in the report")


@contextmanager
def _by_hand(backend: Backend, root: Path) -> Iterator[object]:
    """A connection of other software to the workspace's store, committing on leaving."""
    if backend.url is None:
        with closing(sqlite3.connect(root / "okrdesk.db")) as connection:
            yield connection
            connection.commit()
    else:
        with psycopg.connect(backend.url, autocommit=True) as connection:
            yield connection


def _one_row(backend: Backend, root: Path) -> tuple[str, str, float]:
    """A whole figure of new_hnw_clients in a period: (period, subject, value)."""
    with _by_hand(backend, root) as connection:
        row = connection.execute(  # type: ignore[attr-defined]
            "SELECT period, subject, value FROM observations WHERE metric = "
            "'new_hnw_clients' AND slice = '' AND value > 0 ORDER BY period, subject LIMIT 1"
        ).fetchone()
    return str(row[0]), str(row[1]), float(row[2])


def _edit(backend: Backend, root: Path, sql: str, *params: object) -> None:
    if backend.url is not None:
        sql = sql.replace("?", "%s")
    with _by_hand(backend, root) as connection:
        connection.execute(sql, params)  # type: ignore[attr-defined]


def _delete_row(backend: Backend, root: Path, period: str, subject: str) -> None:
    """Other software deletes a subject's new_hnw_clients of a period, slices and all."""
    _edit(
        backend, root,
        "DELETE FROM observations WHERE metric = 'new_hnw_clients' AND period = ? "
        "AND subject = ?",
        period, subject,
    )  # fmt: skip


@pytest.fixture
def collected(backend: Backend) -> tuple[Backend, Path]:
    root = backend.workspace()
    said_plainly(cli("collect", "--through", THROUGH, "-w", str(root)), 0)
    return backend, root


def _sqlite_collected(write_workspace: WriteWorkspace) -> tuple[Backend, Path]:
    """A workspace on its SQLite file, collected through ``THROUGH``."""
    backend = Backend("sqlite", None, write_workspace)
    root = backend.workspace()
    said_plainly(cli("collect", "--through", THROUGH, "-w", str(root)), 0)
    return backend, root


def test_a_figure_corrected_by_hand_is_what_the_report_adds_up_and_is_said_once(
    collected: tuple[Backend, Path],
) -> None:
    backend, root = collected
    before = _figure(root)
    period, subject, value = _one_row(backend, root)
    _edit(
        backend, root,
        "UPDATE observations SET value = ? WHERE metric = 'new_hnw_clients' AND period = ? "
        "AND subject = ? AND slice = ''",
        value + 100, period, subject,
    )  # fmt: skip
    done = cli("report", "--as-of", THROUGH, "--lang", "en", "-w", str(root))
    said_plainly(
        done, 0, f"figures of new_hnw_clients ({period}) were changed outside okrdesk",
        "added up again from the rows as they now are", "The next `okrdesk collect`",
    )  # fmt: skip
    assert _figure(root) == before + 100
    again = cli("report", "--as-of", THROUGH, "--lang", "en", "-w", str(root))
    assert "outside okrdesk" not in again.output  # said once
    listed = cli("explain", KR, "--as-of", THROUGH, "--person", subject, "-w", str(root))
    said_plainly(listed, 0)
    assert f"{value + 100:,.0f}" in listed.output
    # The next collect compares the period's rows again and puts back the source's.
    said_plainly(cli("collect", "--through", THROUGH, "--lang", "en", "-w", str(root)), 0)
    assert _figure(root) == before


def test_a_row_deleted_by_hand_is_left_out_of_the_figure_and_collected_again(
    collected: tuple[Backend, Path],
) -> None:
    backend, root = collected
    before = _figure(root)
    period, subject, value = _one_row(backend, root)
    _delete_row(backend, root, period, subject)
    said_plainly(
        cli("report", "--as-of", THROUGH, "-w", str(root)), 0,
        f"new_hnw_clients（{period}）的数字在 okrdesk 之外被改动过", "已按表中现有的行重新合计",
    )  # fmt: skip
    assert _figure(root) == before - value
    said_plainly(cli("collect", "--through", THROUGH, "--lang", "en", "-w", str(root)), 0)
    assert _figure(root) == before
    assert _one_row(backend, root) == (period, subject, value)


def test_okrdesks_own_writes_are_not_taken_for_hand_edits(
    collected: tuple[Backend, Path],
) -> None:
    backend, root = collected
    for command in (
        ["collect", "--through", "2026-03-15"],
        ["checkin", "O1.KR2", "0.1", "--date", "2026-03-02"],
        ["report", "--as-of", "2026-03-15"],
    ):
        done = cli(*command, "--lang", "en", "-w", str(root))
        assert "outside okrdesk" not in done.output, done.output
    with _by_hand(backend, root) as connection:
        rows = connection.execute("SELECT count(*) FROM hand_edits").fetchone()  # type: ignore[attr-defined]
    assert rows[0] == 0


def test_a_figure_made_no_number_by_hand_is_refused_until_corrected_then_added_up(
    write_workspace: WriteWorkspace,
) -> None:
    backend, root = _sqlite_collected(write_workspace)
    before = _figure(root)
    period, subject, value = _one_row(backend, root)
    where = "metric = 'new_hnw_clients' AND period = ? AND subject = ? AND slice = ''"
    _edit(backend, root, f"UPDATE observations SET value = 'abc' WHERE {where}", period, subject)
    said_plainly(
        cli("report", "--as-of", THROUGH, "--lang", "en", "-w", str(root)), 2,
        "holds 'abc', which okrdesk never writes", "Correct or delete that row",
    )  # fmt: skip
    _edit(
        backend, root, f"UPDATE observations SET value = ? WHERE {where}",
        value + 7, period, subject,
    )  # fmt: skip
    said_plainly(
        cli("report", "--as-of", THROUGH, "--lang", "en", "-w", str(root)), 0,
        "were changed outside okrdesk",
    )  # fmt: skip
    assert _figure(root) == before + 7


def test_a_read_only_file_with_hand_edits_waiting_is_refused_not_read_with_stale_totals(
    write_workspace: WriteWorkspace,
) -> None:
    from test_reliability import read_only_mount

    backend, root = _sqlite_collected(write_workspace)
    period, subject, _ = _one_row(backend, root)
    _delete_row(backend, root, period, subject)
    with read_only_mount(root / "okrdesk.db"):  # refused even to root, as chmod is not
        said_plainly(
            cli("report", "--as-of", THROUGH, "--lang", "en", "-w", str(root)), 2,
            f"figures of new_hnw_clients ({period}) were changed outside okrdesk",
            "the file is read-only here", "Nothing was changed",
        )  # fmt: skip
    said_plainly(cli("report", "--as-of", THROUGH, "-w", str(root)), 0, "已按表中现有的行重新合计")


def test_a_read_only_file_with_hand_edits_waiting_is_copied_with_them_added_up(
    backend: Backend, write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """The copy adds up its own totals from the rows it copies, the edits included: the
    source, which cannot be written here, need not add up its own first."""
    from test_reliability import read_only_mount
    from test_store_changes import contents

    source, root = _sqlite_collected(write_workspace)
    before = _figure(root)
    period, subject, value = _one_row(source, root)
    _delete_row(source, root, period, subject)
    db = root / "okrdesk.db"
    target = backend.url or str(tmp_path / "copy.db")
    with read_only_mount(root):
        done = cli("store", "copy", str(db), target, "--lang", "en")
        chinese = cli("store", "copy", str(db), str(tmp_path / "zh.db"), "--lang", "zh")
    said_plainly(
        done, 0, "observations: ", "as in the source",
        f"{db}: figures of new_hnw_clients ({period}) were changed outside okrdesk and could "
        "not be added up there, where it is read-only: the copy's totals are added up from "
        "the rows as they now are, those changes included",
    )  # fmt: skip
    assert "their totals are added up again" not in done.output  # said once, by the copy
    said_plainly(chinese, 0, f"{db}：new_hnw_clients（{period}）的数字在 okrdesk 之外被改动过")
    with Store.open(target) as copied:
        repaired = contents(copied)
        with copied.transaction():
            copied.total_every_period()
        assert contents(copied) == repaired
    copy_root = write_workspace(root=tmp_path / "copy")
    if backend.url is None:
        (tmp_path / "copy.db").rename(copy_root / "okrdesk.db")
    else:
        settings = f'[workspace]\ndatabase = "{backend.url}"\n'
        (copy_root / "okrdesk.toml").write_text(settings, encoding="utf-8")
        trusted(copy_root)
    assert _figure(copy_root) == before - value
    # The source keeps its note: it adds the edit up itself once it can be written.
    said_plainly(cli("report", "--as-of", THROUGH, "-w", str(root)), 0, "已按表中现有的行重新合计")


def test_a_read_only_file_that_must_be_upgraded_is_copied_through_an_upgraded_copy(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """Copying never upgrades its source, read-only or not: a temporary copy of it is."""
    from test_reliability import read_only_mount

    _, root = _sqlite_collected(write_workspace)
    db = root / "okrdesk.db"
    _as_schema_19(db)
    with read_only_mount(root):
        done = cli("store", "copy", str(db), str(tmp_path / "copy.db"), "--lang", "en")
    said_plainly(done, 0, f"{db} is of schema 19: it was upgraded to", "in a temporary copy")
    with Store.open(tmp_path / "copy.db", create=False) as copied:
        assert copied.schema_version == SCHEMA_VERSION


def test_a_reader_role_with_hand_edits_waiting_copies_the_store_with_them_added_up(
    postgres_url: str, write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    roles = Roles(postgres_url)
    try:
        owner = _owner_with_an_edit(roles, write_workspace)
        snapshot = tmp_path / "snapshot.db"
        done = cli("store", "copy", roles.url(roles.reader), str(snapshot), "--lang", "en")
        said_plainly(
            done, 0, "observations: ", "figures of new_hnw_clients (",
            "could not be added up there, where a copy only reads it: the copy's totals are "
            "added up from the rows as they now are",
        )  # fmt: skip
        from test_store_changes import contents

        with Store.open(snapshot) as copied:
            taken = _rounded(contents(copied))
        # The owner's next command adds them up on the server: the same totals.
        said_plainly(
            cli("report", "--as-of", THROUGH, "-w", str(owner)), 0, "已按表中现有的行重新合计"
        )
        with Store.open(roles.owner_url) as store:
            assert _rounded(contents(store)) == taken
    finally:
        roles.drop()


def _owner_with_an_edit(roles: Roles, write_workspace: WriteWorkspace) -> Path:
    """The owner's workspace, collected, with a row of new_hnw_clients deleted by hand."""
    from test_postgres_roles import workspace

    owner = workspace(write_workspace, roles.owner_url)
    said_plainly(cli("collect", "--through", THROUGH, "-w", str(owner)), 0)
    roles.grant()
    with psycopg.connect(roles.owner_url, autocommit=True) as connection:
        connection.execute(
            "DELETE FROM observations WHERE (metric, period, subject) IN (SELECT metric, "
            "period, subject FROM observations WHERE metric = 'new_hnw_clients' LIMIT 1)"
        )
    return owner


def test_a_reader_role_with_hand_edits_waiting_is_told_who_can_add_them_up(
    postgres_url: str, write_workspace: WriteWorkspace
) -> None:
    roles = Roles(postgres_url)
    try:
        _reader_told(roles, write_workspace)
    finally:
        roles.drop()


def _reader_told(roles: Roles, write_workspace: WriteWorkspace) -> None:
    from test_postgres_roles import workspace

    _owner_with_an_edit(roles, write_workspace)
    # (The reader's workspace below is the same folder, its okrdesk.toml written again.)
    reader = workspace(write_workspace, roles.url(roles.reader))
    said_plainly(
        cli("report", "--as-of", THROUGH, "--lang", "en", "-w", str(reader)), 2,
        "were changed outside okrdesk", f"the role {roles.reader} may not write",
        "`okrdesk store upgrade`", "Nothing was changed",
    )  # fmt: skip
    # What the message says to do: the owner's upgrade adds them up.
    said_plainly(cli("store", "upgrade", roles.owner_url), 0, "已按表中现有的行重新合计")
    said_plainly(cli("report", "--as-of", THROUGH, "-w", str(reader)), 0)


def test_a_trigger_of_okrdesks_name_changed_by_hand_is_refused(
    write_workspace: WriteWorkspace,
) -> None:
    _, root = _sqlite_collected(write_workspace)
    with closing(sqlite3.connect(root / "okrdesk.db")) as connection:
        connection.execute("DROP TRIGGER observations_deleted_by_hand")
        connection.execute(
            "CREATE TRIGGER observations_deleted_by_hand AFTER DELETE ON observations "
            "BEGIN DELETE FROM spend; END"
        )
        connection.commit()
    said_plainly(
        cli("report", "--as-of", THROUGH, "--lang", "en", "-w", str(root)), 2,
        "holds what okrdesk never makes (trigger observations_deleted_by_hand)",
    )  # fmt: skip


_NO_BREAK = "\u00a0"


@pytest.mark.parametrize(
    "change",
    [
        # Python's split() takes a no-break space for a space; SQLite reads FROM and
        # okrdesk_writes joined by one as one name, an alias: the mark is always found
        # and no hand edit is ever noted.
        "UPDATE sqlite_master SET sql = replace(sql, 'FROM okrdesk_writes', "
        f"'FROM{_NO_BREAK}okrdesk_writes') WHERE name = 'observations_inserted_by_hand'",
        # okrdesk's mark fails on the key: every write, a collect's too, ended in a traceback.
        "DROP TABLE okrdesk_writes; CREATE TABLE nobody (id INTEGER PRIMARY KEY); "
        "CREATE TABLE okrdesk_writes (writing INTEGER NOT NULL REFERENCES nobody (id))",
        "DROP TABLE hand_edits; CREATE TABLE hand_edits (metric TEXT NOT NULL, period TEXT "
        "NOT NULL, noted REFERENCES nobody (id), PRIMARY KEY (metric, period)) WITHOUT ROWID",
        "CREATE INDEX okrdesk_writes_by_writing ON okrdesk_writes (writing)",
    ],
    ids=["no-break-space", "writes-foreign-key", "edits-foreign-key", "writes-index"],
)
def test_a_sent_store_cannot_make_okrdesks_notes_of_hand_edits_do_otherwise(
    write_workspace: WriteWorkspace, change: str
) -> None:
    _, root = _sqlite_collected(write_workspace)
    db = root / "okrdesk.db"
    schema_changed_by_hand(db, change)
    before = db.read_bytes()
    for command in (["collect", "--through", THROUGH], ["report", "--as-of", THROUGH]):
        said_plainly(
            cli(*command, "--lang", "en", "-w", str(root)), 2, "holds what okrdesk never makes"
        )
    assert db.read_bytes() == before


def test_okrdesks_triggers_with_their_words_on_other_lines_are_still_its_own(
    write_workspace: WriteWorkspace,
) -> None:
    backend, root = _sqlite_collected(write_workspace)
    schema_changed_by_hand(
        root / "okrdesk.db",
        "UPDATE sqlite_master SET sql = replace(replace(sql, ' BEGIN ', char(10) || "
        "'BEGIN' || char(10) || char(9)), ' END', char(13, 10) || 'END') "
        "WHERE type = 'trigger'",
    )
    before = _figure(root)
    period, subject, value = _one_row(backend, root)
    _edit(
        backend, root,
        "UPDATE observations SET value = ? WHERE metric = 'new_hnw_clients' AND period = ? "
        "AND subject = ? AND slice = ''",
        value + 3, period, subject,
    )  # fmt: skip
    assert _figure(root) == before + 3


def _as_schema_19(db: Path) -> None:
    """The store as okrdesk wrote it before schema 20: without the notes of hand edits."""
    with closing(sqlite3.connect(db)) as connection:
        for trigger in ("inserted", "updated", "deleted"):
            connection.execute(f"DROP TRIGGER observations_{trigger}_by_hand")
        connection.execute("DROP TABLE hand_edits")
        connection.execute("DROP TABLE okrdesk_writes")
        for index in re.findall(r"INDEX (\w+)", SCOPED_READ_INDEXES):  # schema 28's
            connection.execute(f"DROP INDEX {index}")
        connection.execute("ALTER TABLE observations DROP COLUMN no_rows")  # schema 26's
        for column in ("moved_from", "moved"):  # schema 27's
            connection.execute(f"ALTER TABLE checkins DROP COLUMN {column}")
        connection.execute("ALTER TABLE runs DROP COLUMN moved_from")
        connection.execute("ALTER TABLE runs DROP COLUMN kinds")  # schema 29's
        connection.execute("ALTER TABLE runs DROP COLUMN bases")  # schema 30's
        connection.execute("ALTER TABLE runs DROP COLUMN kept")  # schema 31\'s
        connection.execute("ALTER TABLE runs DROP COLUMN stored_order")  # schema 32\'s
        connection.execute("ALTER TABLE spend DROP COLUMN moved_from")  # schema 24's
        connection.execute("ALTER TABLE spend DROP COLUMN moved")
        connection.execute("ALTER TABLE spend DROP COLUMN plan_id")
        connection.execute("ALTER TABLE spend DROP COLUMN plan_unit")  # schema 22's
        connection.execute("ALTER TABLE runs DROP COLUMN plan_unit")  # schema 23's
        connection.execute("ALTER TABLE runs DROP COLUMN subjects")  # schema 25's
        connection.execute("PRAGMA user_version = 19")
        connection.commit()


@pytest.mark.parametrize("since", [19, 20])
def test_what_a_later_schemas_upgrade_writes_is_okrdesks_own(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch, since: int
) -> None:
    import sqlite_utils

    from okrdesk.store import sqlite as sqlite_store
    from okrdesk.store.base import forget_opened, hand_edits_taken

    _, root = _sqlite_collected(write_workspace)
    db = root / "okrdesk.db"
    if since == 19:
        _as_schema_19(db)

    def later(database: sqlite_utils.Database) -> None:  # a figure's source renamed, say
        database.execute("UPDATE observations SET source = source || ' (renamed)'")

    migrations = (*sqlite_store.MIGRATIONS, later)
    monkeypatch.setattr(sqlite_store, "MIGRATIONS", migrations)
    monkeypatch.setattr(sqlite_store, "SCHEMA_VERSION", len(migrations))
    forget_opened()
    with sqlite_store.SqliteStore.connect(db) as store:
        assert store.schema_version == len(migrations)
    assert hand_edits_taken() == []
    with closing(sqlite3.connect(db)) as connection:
        assert connection.execute("SELECT count(*) FROM hand_edits").fetchone()[0] == 0
        assert connection.execute("SELECT count(*) FROM okrdesk_writes").fetchone()[0] == 0
        renamed = connection.execute(
            "SELECT count(*) FROM observations WHERE source LIKE '% (renamed)'"
        ).fetchone()[0]
    assert renamed > 0


def test_a_metric_named_by_hand_with_a_line_break_is_said_on_its_own_line(
    write_workspace: WriteWorkspace,
) -> None:
    backend, root = _sqlite_collected(write_workspace)
    period, subject, _ = _one_row(backend, root)
    _edit(
        backend, root,
        "UPDATE observations SET metric = ? WHERE metric = 'new_hnw_clients' AND period = ? "
        "AND subject = ? AND slice = ''",
        "new_hnw_clients\nwarning: every figure checked", period, subject,
    )  # fmt: skip
    done = cli("report", "--as-of", THROUGH, "--lang", "en", "-w", str(root))
    said_plainly(done, 0, "new_hnw_clients\\nwarning: every figure checked")
    assert "\nwarning: every figure checked" not in done.output


@pytest.mark.parametrize("between", [[], ["report", "--as-of", THROUGH]])
def test_a_collect_that_puts_back_a_hand_edit_says_so_and_keeps_no_revision(
    collected: tuple[Backend, Path], between: list[str]
) -> None:
    backend, root = collected
    before = _figure(root)
    period, subject, value = _one_row(backend, root)
    _edit(
        backend, root,
        "UPDATE observations SET value = ? WHERE metric = 'new_hnw_clients' AND period = ? "
        "AND subject = ? AND slice = ''",
        value + 100, period, subject,
    )  # fmt: skip
    if between:  # a command after the edit adds it up; the collect comes later
        said_plainly(cli(*between, "--lang", "en", "-w", str(root)), 0, "outside okrdesk")
    done = cli("collect", "--through", THROUGH, "--lang", "en", "-w", str(root))
    said_plainly(
        done, 0, f"figures of new_hnw_clients ({period}), changed outside okrdesk, were put "
        "back by this collect to what their source says",
    )  # fmt: skip
    assert "Revised" not in done.output
    assert "The next `okrdesk collect`" not in done.output
    assert _figure(root) == before
    checked = cli("check", "--as-of", THROUGH, "--lang", "en", "-w", str(root))
    assert "revised" not in checked.output.lower(), checked.output
    with _by_hand(backend, root) as connection:
        kept = connection.execute(  # type: ignore[attr-defined]
            "SELECT count(*) FROM runs WHERE revised IS NOT NULL AND revised NOT IN ('', '{}')"
        ).fetchone()
    assert kept[0] == 0
    # And the collect after it finds the period as it fingerprinted it: nothing to say.
    again = cli("collect", "--through", THROUGH, "--lang", "en", "-w", str(root))
    said_plainly(again, 0)
    assert "outside okrdesk" not in again.output


def test_a_role_whose_transactions_are_read_only_is_told_to_add_them_up_on_the_primary(
    postgres_url: str, write_workspace: WriteWorkspace
) -> None:
    """As on a read replica, where the hand edits waiting came with the primary's rows."""
    from test_postgres_roles import workspace

    roles = Roles(postgres_url)
    try:
        owner = workspace(write_workspace, roles.owner_url)
        said_plainly(cli("collect", "--through", THROUGH, "-w", str(owner)), 0)
        roles.grant()
        with psycopg.connect(roles.owner_url, autocommit=True) as connection:
            connection.execute(
                "DELETE FROM observations WHERE (metric, period, subject) IN (SELECT metric, "
                "period, subject FROM observations WHERE metric = 'new_hnw_clients' LIMIT 1)"
            )
            connection.execute(
                f"ALTER ROLE {roles.writer} SET default_transaction_read_only = on".encode()
            )
        root = workspace(write_workspace, roles.url(roles.writer))
        said_plainly(
            cli("report", "--as-of", THROUGH, "--lang", "en", "-w", str(root)), 2,
            "were changed outside okrdesk", f"the server takes no writes from the role "
            f"{roles.writer}", "against the primary server", "Nothing was changed",
        )  # fmt: skip
    finally:
        roles.drop()


def test_totals_added_up_again_are_those_of_every_period_added_up_afresh(
    backend: Backend,
) -> None:
    import datetime as dt

    from okrdesk.periods import Grain, periods_between
    from okrdesk.store.base import forget_opened, hand_edits_taken
    from test_store_changes import collect, figures

    root = backend.workspace()
    weeks = list(periods_between(dt.date(2026, 1, 5), dt.date(2026, 2, 1), Grain.WEEK))
    months = list(periods_between(dt.date(2026, 1, 1), dt.date(2026, 3, 31), Grain.MONTH))
    with backend.open(root) as store:
        collect(store, figures(weeks=weeks), None, weeks)
        collect(store, figures(weeks=months), None, months)
    w1, w2, m2 = weeks[1].id, weeks[2].id, months[1].id
    for sql, params in [
        ("UPDATE observations SET value = value + 0.3 WHERE metric = 'aum' AND period = ? "
         "AND subject = 'cm02' AND slice = ''", (w1,)),
        ("UPDATE observations SET value = 5 WHERE metric = 'aum' AND period = ? "
         "AND subject = 'cm03' AND slice > ''", (m2,)),  # slices only: no whole changes
        ("DELETE FROM observations WHERE metric = 'opened' AND period = ? "
         "AND subject = 'cm04'", (m2,)),
        # The key itself: a row moved to another week, and one to another metric.
        ("UPDATE observations SET period = ?, period_start = ?, period_end = ?, "
         "subject = 'cm55' WHERE metric = 'opened' AND period = ? AND subject = 'cm05'",
         (w2, weeks[2].start.isoformat(), weeks[2].end.isoformat(), w1)),
        ("UPDATE observations SET metric = 'aum', subject = 'cm66' WHERE metric = 'opened' "
         "AND period = ? AND subject = 'cm06'", (m2,)),
    ]:  # fmt: skip
        _edit(backend, root, sql, *params)
    forget_opened()
    _totals_as_added_up_afresh(backend, root)
    said = " ".join(note.en for note in hand_edits_taken())
    assert f"aum ({m2}, {w1})" in said and f"opened ({m2}, {w1}, {w2})" in said, said


@pytest.mark.parametrize("compensated", [False, True], ids=["plain-sums", "compensated-sums"])
def test_a_repair_in_one_year_adds_up_that_year_alone_and_as_afresh(
    backend: Backend, monkeypatch: pytest.MonkeyPatch, compensated: bool
) -> None:
    """Edits in 2026 of a store holding 2025 too (weeks, and months across the new
    year): 2025's running totals are left as they are, and the store then holds what one
    added up afresh holds. ``compensated``: as where the database's sum compensates for
    rounding (SQLite 3.43 on), so that no total is carried on from an earlier one."""
    import datetime as dt

    from okrdesk.periods import Grain, periods_between
    from okrdesk.store.base import forget_opened
    from test_store_changes import collect, figures

    root = backend.workspace()
    earlier = list(periods_between(dt.date(2025, 1, 6), dt.date(2025, 2, 2), Grain.WEEK))
    weeks = list(periods_between(dt.date(2026, 1, 5), dt.date(2026, 2, 1), Grain.WEEK))
    months = list(periods_between(dt.date(2025, 11, 1), dt.date(2026, 2, 28), Grain.MONTH))
    with backend.open(root) as store:
        for periods in (earlier, weeks, months):
            collect(store, figures(weeks=periods), None, periods)
    # A mark okrdesk never writes in every total of 2025: a repair of 2026 leaves it.
    _edit(backend, root, "UPDATE running_totals SET observations = observations + 1000 "
          "WHERE year = '2025'")  # fmt: skip
    w1, w2, january = weeks[1], weeks[2], months[2]
    for sql, params in [
        ("UPDATE observations SET value = value + 0.3 WHERE metric = 'aum' AND period = ? "
         "AND subject = 'cm02' AND slice = ''", (w1.id,)),
        ("DELETE FROM observations WHERE metric = 'opened' AND period = ? "
         "AND subject = 'cm04'", (january.id,)),
        ("UPDATE observations SET period = ?, period_start = ?, period_end = ?, "
         "subject = 'cm55' WHERE metric = 'opened' AND period = ? AND subject = 'cm05'",
         (w2.id, w2.start.isoformat(), w2.end.isoformat(), w1.id)),
        ("UPDATE observations SET metric = 'aum', subject = 'cm66' WHERE metric = 'opened' "
         "AND period = ? AND subject = 'cm06'", (january.id,)),
    ]:  # fmt: skip
        _edit(backend, root, sql, *params)
    if compensated:
        monkeypatch.setattr(Store, "_sums_plainly", lambda store: False)
    forget_opened()
    with backend.open(root) as store:
        kept = store.query(
            "SELECT count(*), min(observations) FROM running_totals WHERE year = '2025'"
        )
    assert kept[0][0] > 0 and kept[0][1] > 1000, kept
    _edit(backend, root, "UPDATE running_totals SET observations = observations - 1000 "
          "WHERE year = '2025'")  # fmt: skip
    _totals_as_added_up_afresh(backend, root)


def test_a_row_moved_by_hand_to_another_period_but_not_its_dates_is_named(
    collected: tuple[Backend, Path],
) -> None:
    backend, root = collected
    period, subject, _ = _one_row(backend, root)
    with _by_hand(backend, root) as connection:
        later = connection.execute(  # type: ignore[attr-defined]
            "SELECT min(period) FROM observations WHERE metric = 'new_hnw_clients' "
            f"AND period > {'?' if backend.url is None else '%s'}",
            (period,),
        ).fetchone()[0]
    _edit(
        backend, root,
        "UPDATE observations SET period = ?, subject = 'moved' WHERE metric = "
        "'new_hnw_clients' AND period = ? AND subject = ? AND slice = ''",
        later, period, subject,
    )  # fmt: skip
    refused = cli("report", "--as-of", THROUGH, "--lang", "en", "-w", str(root))
    said_plainly(
        refused, 2, f"the rows of new_hnw_clients {later} were changed outside okrdesk into "
        "periods of different dates", "moved: week", "Nothing was changed",
    )  # fmt: skip
    # Corrected, the move is added up as any other edit.
    _edit(
        backend, root,
        "UPDATE observations SET period_start = (SELECT min(period_start) FROM observations "
        "WHERE metric = 'new_hnw_clients' AND period = ? AND subject <> 'moved'), "
        "period_end = (SELECT min(period_end) FROM observations WHERE metric = "
        "'new_hnw_clients' AND period = ? AND subject <> 'moved') WHERE subject = 'moved'",
        later, later,
    )  # fmt: skip
    said_plainly(
        cli("report", "--as-of", THROUGH, "--lang", "en", "-w", str(root)), 0,
        f"new_hnw_clients ({period}, {later}) were changed outside okrdesk",
    )  # fmt: skip


def test_a_row_moved_by_hand_before_edits_were_noted_is_named_by_store_copy(
    backend: Backend, write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """A store of schema 19 knew no hand edits: its upgrade notes none, and the copy, which
    adds every period up afresh, met the two spans in UNIQUE constraint failed."""
    source, root = _sqlite_collected(write_workspace)
    db = root / "okrdesk.db"
    _as_schema_19(db)
    period, subject, _ = _one_row(source, root)
    with closing(sqlite3.connect(db)) as connection:
        later = connection.execute(
            "SELECT min(period) FROM observations WHERE metric = 'new_hnw_clients' AND period > ?",
            (period,),
        ).fetchone()[0]
        connection.execute(
            "UPDATE observations SET period = ?, subject = 'moved' WHERE metric = "
            "'new_hnw_clients' AND period = ? AND subject = ? AND slice = ''",
            (later, period, subject),
        )
        connection.commit()
    target = backend.url or str(tmp_path / "copy.db")
    for lang, words in (
        ("en", [f"{db}: the rows of new_hnw_clients {later} are of periods of different dates",
                "moved: week", "correct the period, or the dates, of that row of observations",
                "Nothing was copied"]),
        ("zh", [f"{db}：new_hnw_clients {later} 的行属于日期不同的周期", "moved: week",
                "未复制任何内容"]),
    ):  # fmt: skip
        said_plainly(cli("store", "copy", str(db), target, "--lang", lang), 2, *words)
    with Store.open(target) as copied:
        assert sum(copied.table_check(table)[0] for table in TABLES) == 0
    with Store.open(db) as kept:
        assert kept.query(
            "SELECT count(*) FROM observations WHERE subject = 'moved' AND period = ?", (later,)
        ) == [(1,)]


def _rounded(tables: dict[str, list[tuple[object, ...]]]) -> dict[str, list[tuple[object, ...]]]:
    """Each figure to 12 significant digits, far finer than any figure a report shows."""
    return {
        name: [
            tuple(float(f"{cell:.12g}") if isinstance(cell, float) else cell for cell in row)
            for row in rows
        ]
        for name, rows in tables.items()
    }


def test_a_hand_edit_on_postgresql_is_noted_beside_the_table_whatever_the_editors_path(
    postgres_url: str, write_workspace: WriteWorkspace
) -> None:
    backend = Backend("postgresql", postgres_url, write_workspace)
    root = backend.workspace()
    said_plainly(cli("collect", "--through", THROUGH, "-w", str(root)), 0)
    before = _figure(root)
    period, subject, value = _one_row(backend, root)
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        # A table of the editor's own session, found first on any search_path.
        connection.execute(
            "CREATE TEMPORARY TABLE hand_edits (metric text, period text, "
            "PRIMARY KEY (metric, period))"
        )
        connection.execute(
            "UPDATE public.observations SET value = %s WHERE metric = 'new_hnw_clients' "
            "AND period = %s AND subject = %s AND slice = ''",
            (value + 9, period, subject),
        )
    said_plainly(
        cli("report", "--as-of", THROUGH, "--lang", "en", "-w", str(root)), 0,
        f"figures of new_hnw_clients ({period}) were changed outside okrdesk",
    )  # fmt: skip
    assert _figure(root) == before + 9


def test_a_hand_edit_committed_while_others_are_added_up_stays_noted(
    postgres_url: str, write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL reads committed rows statement by statement: an edit another session
    commits while okrdesk adds up the edits it found must be left noted, not deleted."""
    backend = Backend("postgresql", postgres_url, write_workspace)
    root = backend.workspace()
    said_plainly(cli("collect", "--through", THROUGH, "-w", str(root)), 0)
    period, subject, value = _one_row(backend, root)
    where = "metric = 'new_hnw_clients' AND period = ? AND subject = ? AND slice = ''"
    _edit(backend, root, f"UPDATE observations SET value = ? WHERE {where}", value + 1,
          period, subject)  # fmt: skip
    with _by_hand(backend, root) as connection:
        other = connection.execute(  # type: ignore[attr-defined]
            "SELECT period, subject FROM observations WHERE metric = 'complaint_rate' "
            "AND slice = '' ORDER BY period, subject LIMIT 1"
        ).fetchone()
    adding_up = Store._total_periods

    def meanwhile(store: Store, pairs: list[tuple[str, str]]) -> None:
        _edit(
            backend, root,
            "UPDATE observations SET value = value + 1 WHERE metric = 'complaint_rate' "
            "AND period = ? AND subject = ? AND slice = ''",
            *other,
        )  # fmt: skip
        adding_up(store, pairs)

    monkeypatch.setattr(Store, "_total_periods", meanwhile)
    with Store.open(postgres_url):
        pass
    monkeypatch.setattr(Store, "_total_periods", adding_up)
    with _by_hand(backend, root) as connection:
        noted = connection.execute("SELECT metric, period FROM hand_edits").fetchall()  # type: ignore[attr-defined]
    assert noted == [("complaint_rate", other[0])]


def test_a_collect_that_changes_a_period_found_edited_says_it_put_it_back(
    collected: tuple[Backend, Path],
) -> None:
    """Even without the period's fingerprint (a store copied over keeps none), so that
    the collect cannot tell a put-back from a restatement."""
    backend, root = collected
    before = _figure(root)
    period, subject, _ = _one_row(backend, root)
    _edit(backend, root, "DELETE FROM collected_fingerprints")
    _delete_row(backend, root, period, subject)
    done = cli("collect", "--through", THROUGH, "--lang", "en", "-w", str(root))
    said_plainly(
        done, 0, f"figures of new_hnw_clients ({period}), changed outside okrdesk, were put "
        "back by this collect",
    )  # fmt: skip
    assert "The next `okrdesk collect`" not in done.output
    assert _figure(root) == before


def _totals_as_added_up_afresh(backend: Backend, root: Path) -> None:
    """The store's totals, as the hand edits left them repaired, are those it adds up
    afresh from its rows."""
    from test_store_changes import contents

    with backend.open(root) as store:
        repaired = contents(store)
        with store.transaction():
            store.total_every_period()
        afresh = contents(store)
    if backend.url is None:
        assert repaired == afresh
    else:  # the server adds up a whole table in an order of its own: the last bits differ
        assert _rounded(repaired) == _rounded(afresh)
