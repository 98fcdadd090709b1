"""The PostgreSQL store on a real server: the same schema and answers as SQLite,
many writers at once, `okrdesk store copy`, and the settings that point at it."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import attrs
import psycopg
import psycopg.sql
import pytest
from click.testing import CliRunner, Result

from backends import Backend
from okrdesk.cli import cli
from okrdesk.errors import NoStoreYet
from okrdesk.model import Observation
from okrdesk.periods import Grain, periods_between
from okrdesk.store import MIGRATIONS, POSTGRES_MIGRATIONS, SCHEMA_VERSION, Store
from okrdesk.store.base import StillRunning
from okrdesk.store.postgres import ANALYZE_AFTER_ROWS, lock_key
from sample_workspace import WriteWorkspace, trusted
from test_firm_branch_collects import _runs_read

HERE = Path(__file__).parent
OUR_ENV = {"OKRDESK_LOAD_PLUGINS": "test_metrics", "OKRDESK_BUSY_TIMEOUT": "120"}


def env() -> dict[str, str]:
    """The environment for a command now: with the test's own config folder, where its
    trust is kept."""
    return {**os.environ, **OUR_ENV}


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


# ------------------------------------------------------------- schema


def test_both_backends_have_the_same_versions_tables_and_columns(
    tmp_path: Path, postgres_url: str
) -> None:
    assert len(POSTGRES_MIGRATIONS) == len(MIGRATIONS) == SCHEMA_VERSION
    with Store.open(tmp_path / "okrdesk.db") as lite, Store.open(postgres_url) as server:
        assert lite.schema_version == server.schema_version == SCHEMA_VERSION
        lite_tables = {
            r[0] for r in lite.query("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        server_tables = {
            r[0]
            for r in server.query(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_name <> 'okrdesk_schema'"
            )
        }
        assert server_tables == {
            "runs", "observations", "checkins", "spend", "period_totals", "running_totals",
            "collected_fingerprints", "hand_edits",
        }  # fmt: skip
        # SQLite marks okrdesk's own writes with a row; PostgreSQL, with a setting.
        assert lite_tables == server_tables | {"okrdesk_writes"}
        lite_tables -= {"okrdesk_writes"}
        for table in lite_tables:
            assert lite.columns(table) == server.columns(table), table
        indexes = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
        assert {
            "observations_by_subject",
            "observation_slices_by_subject",
            "checkins_by_key_result",
            "spend_by_line",
        } <= {r[0] for r in server.query(indexes)}


def test_the_constraints_and_indexes_a_server_store_is_checked_against_are_those_made(
    postgres_url: str,
) -> None:
    """Every constraint and index the PostgreSQL migrations make in some version (a store
    of any version is looked at before it is upgraded), as the opening reads them."""
    from okrdesk.store.migrations import (
        POSTGRES_CONSTRAINTS_MADE,
        POSTGRES_INDEXES_MADE,
        POSTGRES_MADE_IN_VERSIONS,
        made_in,
    )
    from okrdesk.store.postgres import _NEVER_MADE

    constraints, indexes = set(), set()
    versions: dict[tuple[str, str] | str, set[int]] = {}
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(b"CREATE TABLE okrdesk_schema (version INTEGER NOT NULL)")
        for version, ddl in enumerate(POSTGRES_MIGRATIONS, start=1):
            connection.execute(ddl.encode())
            for kind, name, table, text in connection.execute(_NEVER_MADE.encode()):
                made: tuple[str, str] | str = text
                if kind == "constraint":
                    constraints.add(made := (table, text.partition(" ")[2]))
                elif kind == "index":
                    indexes.add(text)
                else:
                    # Every column a migration makes is one okrdesk knows, with no domain,
                    # of the type and collation it is checked against.
                    assert kind not in ("column", "domain", "typed"), (ddl[:60], table, name)
                    continue
                versions.setdefault(made, set()).add(version)
    assert constraints == POSTGRES_CONSTRAINTS_MADE
    assert indexes == POSTGRES_INDEXES_MADE
    # Each is okrdesk's in a store of the versions that have it: one made once and for
    # good from its making on, one a later version drops or remakes in those alone.
    for made, seen in versions.items():
        if made in POSTGRES_MADE_IN_VERSIONS:
            assert seen == {v for v in range(1, SCHEMA_VERSION + 1) if made_in(v, made)}, made
        else:
            assert seen == set(range(min(seen), SCHEMA_VERSION + 1)), made
    assert set(POSTGRES_MADE_IN_VERSIONS) <= set(versions)


def test_a_database_of_an_older_schema_is_upgraded_in_place(postgres_url: str) -> None:
    # Version 5, before partial periods: upgrading fills partial_through from the run.
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(b"CREATE TABLE okrdesk_schema (version INTEGER NOT NULL)")
        for ddl in POSTGRES_MIGRATIONS[:5]:
            connection.execute(ddl.encode())
        connection.execute(b"INSERT INTO okrdesk_schema VALUES (5)")
        connection.execute(
            b"INSERT INTO runs (id, started, status, command, through) "
            b"VALUES (1, 't', 'ok', 'collect', '2026-01-02')"
        )
        connection.execute(
            b"INSERT INTO observations (metric, period, subject, period_start, period_end, value,"
            b" plugin, run_id) VALUES ('aum', '2026-W01', 'cm01', '2026-01-01', '2026-01-04',"
            b" 5e7, 'brokerage', 1)"
        )
    with Store.open(postgres_url) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.query("SELECT grain, partial_through FROM observations") == [
            ("week", "2026-01-02")
        ]


def test_importing_the_store_collects_nothing_and_freezes_what_psycopg_left() -> None:
    script = (
        "import gc, sys\n"
        "import hashlib, urllib.parse, okrdesk.store.base\n"  # what a command has already
        "collections = []\n"
        "def seen(phase, info):\n"
        "    if phase == 'start' and 'psycopg' in sys.modules:\n"  # not compiling the store
        "        collections.append(info)\n"
        "gc.callbacks.append(seen)\n"
        "import okrdesk.store.postgres\n"
        "print(len(collections), gc.isenabled(), gc.get_freeze_count())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    collections, enabled, frozen = done.stdout.split()
    assert (collections, enabled) == ("0", "True")
    assert int(frozen) > 20_000


def test_a_newer_or_foreign_database_is_refused_untouched(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(b"CREATE TABLE ledger (x INTEGER)")
    with pytest.raises(Exception, match="tables that are not okrdesk's"):
        Store.open(postgres_url)
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(b"CREATE TABLE okrdesk_schema (version INTEGER NOT NULL)")
        connection.execute(b"INSERT INTO okrdesk_schema VALUES (99)")
    with pytest.raises(Exception, match="newer okrdesk"):
        Store.open(postgres_url)
    with psycopg.connect(postgres_url) as connection:
        tables = connection.execute(
            b"SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
    assert sorted(tables) == [("ledger",), ("okrdesk_schema",)]


def test_a_password_in_the_url_is_refused(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    (root / "okrdesk.toml").write_text(
        '[workspace]\ndatabase = "postgresql://okr:secret@db.example/okr"\n', encoding="utf-8"
    )
    result = run("validate", "--lang", "en", "-w", str(root))
    assert result.exit_code == 2, result.output
    assert "okrdesk.toml:2" in result.output and "database" in result.output
    assert "must not hold a password" in result.output and "PGPASSWORD" in result.output
    with pytest.raises(Exception, match="holds a password"):
        Store.open("postgresql://okr:secret@127.0.0.1:1/okr")


def test_a_user_in_the_url_is_warned_of(write_workspace: WriteWorkspace) -> None:
    """deployment.md: the shared URL names no user, each machine's PGUSER does. A user
    written into it made every laptop and job connect as that role, said nowhere."""
    root = write_workspace()
    (root / "okrdesk.toml").write_text(
        '[workspace]\ndatabase = "postgresql://okrdesk@db.example/okr"\n', encoding="utf-8"
    )
    result = run("validate", "--lang", "en", "-w", str(root))
    assert result.exit_code == 0, result.output
    assert (
        "warning: okrdesk.toml:2: workspace.database: names the role okrdesk, so everyone "
        "who runs this workspace connects as it, whatever their PGUSER"
    ) in result.output
    chinese = run("validate", "--lang", "zh", "-w", str(root))
    assert "okrdesk.toml:2: workspace.database: 指定了角色 okrdesk" in chinese.output
    (root / "okrdesk.toml").write_text(
        '[workspace]\ndatabase = "postgresql://db.example/okr"\n', encoding="utf-8"
    )
    assert "names the role" not in run("validate", "--lang", "en", "-w", str(root)).output


def test_an_unreachable_server_is_a_message_not_a_traceback(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace()
    url = f"postgresql://okrdesk@/nothing?host={tmp_path}"
    (root / "okrdesk.toml").write_text(f'[workspace]\ndatabase = "{url}"\n', encoding="utf-8")
    trusted(root)
    result = CliRunner().invoke(cli, ["spend", "list", "--lang", "en", "-w", str(root)])
    assert result.exit_code != 0
    assert f"{url}: cannot use the PostgreSQL database: " in result.output
    assert "Nothing was read or changed. Check that the server runs" in result.output
    assert "(PGPASSWORD or ~/.pgpass)" in result.output
    assert "Traceback" not in result.output
    chinese = CliRunner().invoke(cli, ["spend", "list", "--lang", "zh", "-w", str(root)])
    assert chinese.exit_code == result.exit_code
    assert f"{url}：无法使用该 PostgreSQL 数据库：" in chinese.output
    assert "未读取也未改动任何内容。请确认服务器在运行" in chinese.output


# ------------------------------------------------------ same answers


def _fill(store: Store) -> None:
    weeks = list(periods_between(dt.date(2026, 1, 1), dt.date(2026, 2, 28), Grain.WEEK))
    months = list(periods_between(dt.date(2026, 1, 1), dt.date(2026, 2, 28), Grain.MONTH))
    subjects = ["cm01", "cm02", "Zeta", "ärzte", "王芳", "team-a"]
    run = store.start_run("collect", dt.date(2026, 2, 20))
    observations = [
        Observation(metric, subject, p.id, value, numerator, denominator, f"row {n}")
        for n, (metric, p, subject) in enumerate(
            (m, p, s) for m in ("flow", "ratio") for p in [*weeks, *months] for s in subjects
        )
        for value, numerator, denominator in [
            (n * 1.25 if n % 7 else None, n % 5 or None, (n % 3) * 10.0 or None)
        ]
    ]
    stored = store.replace_observations(
        run, {"flow": "p", "ratio": "p"}, [*weeks, *months], observations, dt.date(2026, 2, 20)
    )
    assert stored == len(observations)
    store.finish_run(run, "ok", {"p": "1.0"}, ["one warning"])
    for n, subject in enumerate(subjects):
        store.add_checkin("O1.REV", subject, dt.date(2026, 1, 1 + n), n * 0.5, 0.5, f"note {n}")
    store.withdraw_checkin(2, "王芳", "typo")
    for n in range(5):
        store.add_spend(f"line{n % 2}", dt.date(2026, 1, 10 - n), Decimal(f"{n}.25"), ["王芳"])
    store.add_spend("line0", dt.date(2026, 1, 12), Decimal("-0.25"), ["王芳"], "fix", reverses=1)


def test_every_query_answers_the_same_on_both(tmp_path: Path, postgres_url: str) -> None:
    with Store.open(tmp_path / "okrdesk.db") as lite, Store.open(postgres_url) as server:
        _fill(lite)
        _fill(server)
        day = dt.date(2026, 2, 10)
        some = ["cm01", "Zeta", "王芳", "nobody"]
        for store in (lite, server):
            assert store.count_observations() > 100
        asked = [
            lambda s: s.observations(),
            lambda s: s.observations(metric="ratio", subjects=some, through=day, grain=Grain.WEEK),
            lambda s: s.sums_for_all(day, Grain.WEEK),
            lambda s: s.sums_for_all(day, Grain.MONTH),
            lambda s: s.series("flow", some, day, "value", Grain.WEEK),
            lambda s: s.series("ratio", some, day, "denominator", Grain.MONTH),
            lambda s: s.sums_for_all(day, Grain.WEEK, some),
            lambda s: s.latest_period_end("flow", Grain.WEEK),
            lambda s: s.latest_period_end("none", Grain.WEEK),
            lambda s: [
                (s.latest_period_end(m, g), s.collected_through(m, g))
                for m in ("flow", "ratio", "none")
                for g in (Grain.WEEK, Grain.MONTH)
            ],
            lambda s: [s.plugins_that_stored(m) for m in ("flow", "ratio", "none")],
            lambda s: s.values_in_period("ratio", "2026-W03"),
            lambda s: s.values_in_period("ratio", "2026-W03", some),
            lambda s: s.values_in_periods("ratio", ["2026-W03", "2026-W04", "2026-W60"], some),
            lambda s: s.values_in_periods("flow", []),
            lambda s: s.checkins(),
            lambda s: s.checkins("O1.REV", "Zeta"),
            lambda s: s.checkins(withdrawn=True),
            lambda s: s.checkin(2),
            lambda s: s.spend(),
            lambda s: s.spend("line0"),
            lambda s: [
                (r.id, r.status, r.command, r.through, r.plugins, r.errors) for r in s.runs()
            ],
            lambda s: s.table_check("observations"),
        ]
        for over_time in ("sum", "last", "first"):
            for column in ("value", "numerator", "denominator"):
                for subjects in (None, some):
                    asked.append(
                        lambda s, o=over_time, c=column, w=subjects: s.totals_by_subject(
                            "flow", day, c, o, Grain.WEEK, w
                        )
                    )
        wanted = {"flow": ("value",), "ratio": ("numerator", "denominator"), "none": ("value",)}
        for grain in (Grain.WEEK, Grain.MONTH):
            asked.append(lambda s, g=grain: s.series_of_metrics(wanted, some, day, g))
            asked.append(
                lambda s, g=grain: s.series_of_metrics(wanted, some, day, g, everyone=True)
            )
        earlier = dt.date(2026, 1, 20)
        for subjects in (None, some):
            asked.append(lambda s, w=subjects: s.sums_at([day, earlier], Grain.WEEK, w))
        for number, question in enumerate(asked):
            assert _when_apart(question(lite)) == _when_apart(question(server)), number
        # Several metrics' trends at once are each metric's own series.
        for store in (lite, server):
            together = store.series_of_metrics(wanted, some, day, Grain.WEEK)
            assert together["flow"]["value"], "no data to compare"
            assert together["none"] == {"value": []}
            for metric, columns in wanted.items():
                for column in columns:
                    alone = store.series(metric, some, day, column, Grain.WEEK)
                    assert together[metric][column] == alone, (metric, column)
            # Now and a period earlier from one scan are each day's sums read alone.
            both_days = store.sums_at([day, earlier], Grain.WEEK, since=dt.date(2026, 1, 1))
            for when in (day, earlier):
                assert both_days[when] == store.sums_for_all(
                    when, Grain.WEEK, since=dt.date(2026, 1, 1)
                ), when
            assert both_days[earlier] != both_days[day]


def _round_trips(store: Store, action: Callable[[], object]) -> int:
    """How many times ``action`` made the client wait for the server: the Query and
    Sync messages libpq sent (a real trace of the connection, not a count of calls)."""
    connection = store._connection  # type: ignore[attr-defined]
    with tempfile.TemporaryFile("w+") as trace:
        connection.pgconn.trace(trace.fileno())
        connection.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            action()
        finally:
            connection.pgconn.untrace()
        trace.seek(0)
        sent = [line.split("\t") for line in trace.read().splitlines()]
    return sum(1 for line in sent if line[0] == "F" and line[2].split()[0] in ("Query", "Sync"))


def test_a_check_in_and_a_first_or_last_figure_are_one_round_trip_each(
    postgres_url: str,
) -> None:
    with Store.open(postgres_url) as store:
        _fill(store)
        day = dt.date(2026, 2, 10)
        checkin = lambda: store.add_checkin("O1.REV", "cm01", day, 2.0)  # noqa: E731
        assert _round_trips(store, checkin) == 1
        for over_time in ("last", "first"):
            edge = lambda o=over_time: store.totals_by_subject(  # noqa: E731
                "flow", day, "value", o, Grain.WEEK, ["cm01"]
            )
            assert _round_trips(store, edge) == 1
            sliced = lambda o=over_time: store.slice_sums("flow", day, o, Grain.WEEK)  # noqa: E731
            assert _round_trips(store, sliced) == 1
        both = {"flow": ("value",), "ratio": ("numerator", "denominator")}
        trends = lambda: store.series_of_metrics(both, ["cm01", "Zeta"], day, Grain.WEEK)  # noqa: E731
        assert _round_trips(store, trends) == 1
        assert store.checkins("O1.REV", "cm01")[-1].value == 2.0


def test_okrdesks_mark_on_its_writes_costs_no_round_trip_and_outlives_no_transaction(
    postgres_url: str,
) -> None:
    """``okrdesk.writing``, which keeps okrdesk's own writes from being noted as hand
    edits, is set with the transaction's BEGIN, for that transaction alone: a connection
    handed on (a pooler's) carries no mark into another's writes."""
    mark = "current_setting('okrdesk.writing', true)"
    with Store.open(postgres_url) as store:
        # A run started: BEGIN with the mark, the INSERT, COMMIT.
        assert _round_trips(store, lambda: store.start_run("collect", None)) == 3
        assert store.query(f"SELECT {mark}") in ([("",)], [(None,)])
        with pytest.raises(ZeroDivisionError), store.transaction():
            store.query("DELETE FROM runs")
            raise ZeroDivisionError
        assert store.query(f"SELECT count(*), {mark} FROM runs") in ([(1, "")], [(1, None)])
        with store.transaction(), store.transaction():  # within another: a savepoint
            store.query(
                "INSERT INTO observations (metric, period, subject, period_start, period_end, "
                "plugin, run_id) VALUES ('m', '2026-W01', 's', '2025-12-29', '2026-01-04', 'p', "
                "(SELECT max(id) FROM runs))"
            )
        assert store.query("SELECT count(*) FROM hand_edits") == [(0,)]


def test_opening_a_store_reads_its_version_in_one_round_trip(postgres_url: str) -> None:
    with Store.open(postgres_url) as store:
        # What every command's opening of a store it finds there asks.
        assert _round_trips(store, lambda: store._prepare(create=False)) == 1  # type: ignore[attr-defined]
        assert store.schema_version == SCHEMA_VERSION
        store.query("DROP TABLE okrdesk_schema")
        # No version table: the catalog is asked, and the store is new to this okrdesk.
        assert store._version_at_opening() is None  # type: ignore[attr-defined]
    with pytest.raises(NoStoreYet):
        Store.open(postgres_url, create=False)


def test_a_branchs_sums_and_trends_are_one_statement_until_the_store_writes(
    postgres_url: str,
) -> None:
    with Store.open(postgres_url) as store:
        _fill(store)
        day, earlier, since = dt.date(2026, 2, 10), dt.date(2026, 1, 20), dt.date(2026, 1, 1)
        some = ["cm01", "Zeta", "王芳", "nobody"]
        wanted = {"flow": ("value",), "ratio": ("numerator", "denominator"), "none": ("value",)}

        def trends(subjects: list[str] = some, through: dt.date = day) -> object:
            return store.series_of_metrics(wanted, subjects, through, Grain.WEEK, since=since)

        alone = trends()  # read on its own: no sums were read yet
        assert alone["flow"]["value"] and alone["ratio"]["denominator"]
        sums = lambda: store.sums_at([day, earlier], Grain.WEEK, some, since=since)  # noqa: E731
        assert _round_trips(store, lambda: (sums(), trends())) == 1
        assert trends() == alone
        # Other subjects, or trends through another day, are a statement of their own.
        assert _round_trips(store, lambda: trends(some[:2])) == 1
        assert _round_trips(store, lambda: trends(through=earlier)) == 1
        # A write is seen by the next read.
        store.add_checkin("O1.REV", "cm01", day, 1.0)
        assert _round_trips(store, trends) == 1


@pytest.mark.parametrize(
    ("day", "since"),
    [
        (dt.date(2026, 2, 10), dt.date(2026, 1, 1)),  # mid-week; a week begun last year
        (dt.date(2026, 2, 8), dt.date(2026, 1, 7)),  # a week's last day; since mid-week
        (dt.date(2026, 2, 9), dt.date(2026, 1, 5)),  # a week's first day; since one too
        (dt.date(2026, 2, 28), None),  # the last day stored; since ever
    ],
)
def test_a_branchs_trends_read_with_its_sums_are_those_read_alone(
    postgres_url: str, day: dt.date, since: dt.date | None
) -> None:
    """The periods a branch's sums add up in the same scan are the trends' periods, at
    whatever day and from whatever day they are asked: the bounds of the one statement
    are those of the trends' own."""
    some = ["cm01", "Zeta", "王芳"]
    wanted = {"flow": ("value",), "ratio": ("numerator", "denominator")}
    for grain in (Grain.WEEK, Grain.MONTH):
        with Store.open(postgres_url) as store:
            if grain is Grain.WEEK:
                _fill(store)
            alone = store.series_of_metrics(wanted, some, day, grain, since=since)
        with Store.open(postgres_url) as store:
            store.sums_at([day], grain, some, since=since)
            with_sums = store.series_of_metrics(wanted, some, day, grain, since=since)
            assert store._trends, "the trends came from the sums' statement"
        assert with_sums == alone


def test_every_metrics_latest_period_is_one_round_trip_until_the_store_writes(
    postgres_url: str,
) -> None:
    with Store.open(postgres_url) as store:
        _fill(store)
        first = lambda: store.latest_period_end("flow", Grain.WEEK)  # noqa: E731
        assert _round_trips(store, first) == 1
        rest = lambda: [  # noqa: E731
            store.latest_period_end("ratio", Grain.WEEK),
            store.latest_period_end("none", Grain.WEEK),
            store.collected_through("flow", Grain.WEEK),
        ]
        assert _round_trips(store, rest) == 0
        assert rest() == [dt.date(2026, 3, 1), None, dt.date(2026, 2, 20)]
        # The last periods stored are weeks: a month's is asked on its own.
        month = lambda: store.latest_period_end("flow", Grain.MONTH)  # noqa: E731
        assert (_round_trips(store, month), month()) == (1, dt.date(2026, 2, 28))
        # A write is seen by the next read.
        march = list(periods_between(dt.date(2026, 3, 2), dt.date(2026, 3, 8), Grain.WEEK))
        run = store.start_run("collect", None)
        store.replace_observations(
            run, {"flow": "p"}, march, [Observation("flow", "cm01", march[0].id, 1.0)]
        )
        assert store.latest_period_end("flow", Grain.WEEK) == dt.date(2026, 3, 8)
        assert store.collected_through("flow", Grain.WEEK) is None


def test_the_connection_brings_its_settings_and_keeps_the_urls_options(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(b"CREATE SCHEMA elsewhere")
    monkeypatch.setenv("OKRDESK_BUSY_TIMEOUT", "2.5")
    url = f"{postgres_url}&options=-csearch_path%3Delsewhere"
    with Store.open(url) as store:
        assert store.query("SHOW jit") == [("off",)]
        assert store.query("SHOW lock_timeout") == [("2500ms",)]
        assert store.query("SELECT current_schema()") == [("elsewhere",)]
        assert store.query("SELECT to_regclass('elsewhere.observations') IS NOT NULL") == [(True,)]


def test_a_database_that_defaults_to_another_isolation_is_written_read_committed(
    postgres_url: str,
) -> None:
    """A write takes okrdesk's lock, then reads: under repeatable read its snapshot would
    predate the lock, and two collects bringing the same periods at once collided on the
    fingerprints the first had just written."""
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        (database,) = connection.execute(b"SELECT current_database()").fetchone() or ("",)
        connection.execute(
            psycopg.sql.SQL(
                "ALTER DATABASE {} SET default_transaction_isolation = 'repeatable read'"
            ).format(psycopg.sql.Identifier(database))
        )
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        assert connection.execute(b"SHOW default_transaction_isolation").fetchone() == (
            "repeatable read",
        )
    with Store.open(postgres_url) as store:
        assert store.query("SHOW default_transaction_isolation") == [("read committed",)]


def test_a_copied_store_is_vacuumed_and_analysed_for_the_first_report(
    tmp_path: Path, postgres_url: str
) -> None:
    source = tmp_path / "okrdesk.db"
    with Store.open(source) as store:
        _fill(store)
    copied = run("store", "copy", str(source), postgres_url)
    assert copied.exit_code == 0, copied.output
    with Store.open(postgres_url) as store:
        found = store.query(
            "SELECT relname, vacuum_count, analyze_count FROM pg_stat_user_tables "
            "WHERE relname = ANY(?) ORDER BY relname",
            (["checkins", "observations", "runs", "spend"],),
        )
        assert found == [(t, 1, 1) for t in ("checkins", "observations", "runs", "spend")]
        # The planner knows the rows are there, so a branch's read takes the subject index.
        assert store.query("SELECT reltuples FROM pg_class WHERE relname = 'observations'") == [
            (store.count_observations(),)
        ]
        # And every page is marked all-visible, so that read needs the index alone, on a
        # server that commits asynchronously too (the tests' own: synchronous_commit off).
        pages, visible = store.query(
            "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'observations'"
        )[0]
        assert pages > 0 and visible == pages


def _when_apart(answer: object) -> object:
    """The answer with each record's wall-clock stamps (``recorded``, and a check-in's
    ``withdrawn``, kept only as whether it was) blanked: the two stores are filled
    one after the other, and a second may tick between them."""
    if isinstance(answer, list):
        return [_when_apart(item) for item in answer]
    if attrs.has(type(answer)) and hasattr(answer, "recorded"):
        answer = attrs.evolve(answer, recorded="")
    if attrs.has(type(answer)) and getattr(answer, "withdrawn", None) is not None:
        answer = attrs.evolve(answer, withdrawn="withdrawn")
    return answer


def test_the_report_json_is_the_same_on_both(
    write_workspace: WriteWorkspace, tmp_path: Path, postgres_url: str
) -> None:
    reports = []
    for backend in (
        Backend("sqlite", None, write_workspace),
        Backend("postgresql", postgres_url, write_workspace),
    ):
        root = backend.workspace()
        steps = [
            ["collect", "--through", "2026-03-15"],
            ["spend", "add", "training", "3500元", "--signed-by", "王芳", "--date", "2026-03-02"],
        ]
        for step in steps:
            done = CliRunner().invoke(cli, [*step, "-w", str(root)], env=env())
            assert done.exit_code == 0, done.output
        report = CliRunner().invoke(
            cli, ["report", "--as-of", "2026-03-15", "--format", "json", "-w", str(root)]
        )
        assert report.exit_code == 0, report.output
        reports.append(json.loads(report.output))
        (root / "okrdesk.db").unlink(missing_ok=True)
        (root / "okrdesk.toml").unlink(missing_ok=True)
    assert reports[0] == reports[1]
    assert reports[0]["objectives"]


# --------------------------------------------------- many writers at once


def test_twenty_writers_at_once_lose_and_duplicate_nothing(
    postgres_url: str, tmp_path: Path
) -> None:
    """8 check-in writers, 8 spenders (each tries the last 30 of a 50 line) and 4
    collects, all released together by one file."""
    Store.open(postgres_url).close()  # created before, so no writer waits on the schema
    go = tmp_path / "go"
    kinds = ["checkin"] * 8 + ["spend"] * 8 + ["collect"] * 4
    writers = [
        subprocess.Popen(
            [sys.executable, str(HERE / "store_writer.py"), postgres_url, kind, str(n), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env(),
        )
        for n, kind in enumerate(kinds)
    ]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("ready-*"))) < len(kinds) and time.monotonic() < deadline:
        time.sleep(0.05)
    go.write_text("go")
    outcomes = [(kind, w.wait(timeout=180), w.stderr.read() if w.stderr else "")
                for kind, w in zip(kinds, writers, strict=True)]  # fmt: skip
    assert all(code == 0 for kind, code, _ in outcomes if kind != "spend"), outcomes
    spend_codes = sorted(code for kind, code, _ in outcomes if kind == "spend")
    assert spend_codes == [0] + [3] * 7, outcomes
    with Store.open(postgres_url) as store:
        notes = [c.note for c in store.checkins()]
        assert sorted(notes) == sorted(f"{n}-{k}" for n in range(8) for k in range(5))
        roomy = store.spend("roomy")
        assert sorted(e.note for e in roomy) == sorted(
            f"{n}-{k}" for n in range(8, 16) for k in range(2)
        )
        assert [e.amount for e in store.spend("tight")] == [30]
        observations = store.observations(metric="m")
        assert len(observations) == 4 * 5
        # Each week holds one collect's values whole, never a mix of two.
        by_week: dict[str, set[float | None]] = {}
        for o in observations:
            by_week.setdefault(o.observation.period, set()).add(o.observation.value)
        assert all(len(values) == 1 for values in by_week.values()), by_week
        assert sorted(r.status for r in store.runs()) == ["ok"] * 4


def test_concurrent_spends_through_the_cli_pass_the_breaker_once(
    write_workspace: WriteWorkspace, postgres_url: str
) -> None:
    """The money test's race on PostgreSQL: six processes spend 30万 on a 50万 line
    while another connection holds the line's lock; exactly one gets through."""
    from test_money import CHECKIN_OKRS, MONEY_BUDGET

    root = Backend("postgresql", postgres_url, write_workspace).workspace(
        {"budget.toml": MONEY_BUDGET, "okrs.toml": CHECKIN_OKRS}
    )
    first = CliRunner().invoke(cli, ["spend", "add", "-w", str(root), "--signed-by", "王芳",
                                     "--date", "2026-03-02", "training", "1万"])  # fmt: skip
    assert first.exit_code == 0, first.output
    holder = psycopg.connect(postgres_url, autocommit=True)
    holder.execute(b"SELECT pg_advisory_lock(%s)", (lock_key("spend branch experts"),))
    command = [sys.executable, "-m", "okrdesk", "spend", "add", "experts", "30万",
               "--signed-by", "王芳", "--date", "2026-03-02", "-w", str(root)]  # fmt: skip
    # Six different expenses (their notes differ), as in the money test.
    processes = [
        subprocess.Popen(
            [*command, "--note", f"expert {n}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(),
        )
        for n in range(6)
    ]  # fmt: skip
    try:
        _wait_for_lock_waiters(holder, 6)  # every process has loaded its plan and waits
    finally:
        holder.close()
    outcomes = [(p.wait(timeout=180), *p.communicate()) for p in processes]
    done = [out for code, out, _ in outcomes if code == 0]
    tripped = [err for code, _, err in outcomes if code == 1]
    assert len(done) == 1, outcomes
    assert len(tripped) == 5, outcomes
    assert all(
        "已拒绝（熔断）：计入这笔支出后" in err and "Traceback" not in err for err in tripped
    )
    with Store.open(postgres_url) as store:
        assert sum(e.amount for e in store.spend("experts")) == 300_000


def _wait_for_lock_waiters(connection: psycopg.Connection[object], count: int) -> None:
    deadline = time.monotonic() + 120
    waiting = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
    while time.monotonic() < deadline:
        row = connection.execute(waiting.encode()).fetchone()
        if row is not None and row[0] >= count:
            return
        time.sleep(0.1)
    raise AssertionError(f"fewer than {count} processes reached the lock in 120 s")


def test_a_lock_held_past_the_timeout_is_reported(
    write_workspace: WriteWorkspace, postgres_url: str
) -> None:
    root = Backend("postgresql", postgres_url, write_workspace).workspace()
    Store.open(postgres_url).close()
    holder = psycopg.connect(postgres_url, autocommit=True)
    holder.execute(b"SELECT pg_advisory_lock(%s)", (lock_key("observations"),))
    try:
        result = CliRunner().invoke(
            cli, ["collect", "--through", "2026-03-15", "--lang", "en", "-w", str(root)],
            env={"OKRDESK_BUSY_TIMEOUT": "0.2"},
        )  # fmt: skip
    finally:
        holder.close()
    assert result.exit_code == 2, result.output
    assert "is locked by another okrdesk" in result.output


# ------------------------------------------------------------ store copy


def _counts(location: Path | str) -> list[tuple[int, tuple[float, ...]]]:
    with Store.open(location, create=False) as store:
        return [store.table_check(t) for t in ("runs", "observations", "checkins", "spend")]


def test_store_copy_both_ways_keeps_every_row(tmp_path: Path, postgres_url: str) -> None:
    source = tmp_path / "okrdesk.db"
    with Store.open(source) as store:
        _fill(store)
    there = run("store", "copy", str(source), postgres_url, "--lang", "en")
    assert there.exit_code == 0, there.output
    assert f"Copied {source} to {postgres_url}:\n" in there.output
    assert "observations: 132 rows, sum of value 9,311.25" in there.output
    assert "spend: 6 rows, sum of amount_fen 1,100, as in the source" in there.output
    back = tmp_path / "back.db"
    again = run("store", "copy", postgres_url, str(back), "--lang", "zh")
    assert again.exit_code == 0, again.output
    assert f"已将 {postgres_url} 复制到 {back}：\n" in again.output
    assert "  spend：6 行，amount_fen 合计 1,100，与源一致\n" in again.output
    assert _counts(source) == _counts(postgres_url) == _counts(back)
    with Store.open(source) as a, Store.open(postgres_url) as b, Store.open(back) as c:
        assert a.observations() == b.observations() == c.observations()
        assert a.spend() == b.spend() == c.spend()
        assert (
            a.checkins(withdrawn=True) == b.checkins(withdrawn=True) == c.checkins(withdrawn=True)
        )
        assert a.runs() == b.runs() == c.runs()
        assert a.runs()[0].landed  # what the run stored, and under which grains, goes too
        # New rows continue after the copied ids.
        assert b.add_checkin("O1.REV", "cm01", dt.date(2026, 3, 1), 1.0) == 7


def test_store_copy_refuses_a_target_with_rows_unless_replace(
    tmp_path: Path, postgres_url: str
) -> None:
    source = tmp_path / "okrdesk.db"
    with Store.open(source) as store:
        _fill(store)
    with Store.open(postgres_url) as target:
        target.add_checkin("O9.KR9", "x", dt.date(2026, 1, 1), 9.0)
    refused = run("store", "copy", str(source), postgres_url, "--lang", "en")
    assert refused.exit_code == 2
    assert "already holds 1 row; add --replace to overwrite it." in refused.output
    chinese = run("store", "copy", str(source), postgres_url, "--lang", "zh")
    assert chinese.exit_code == 2
    assert f"{postgres_url} 中已有 1 行数据；如要覆盖，请加 --replace。" in chinese.output
    assert _counts(postgres_url)[2] == (1, (9.0,))
    replaced = run("store", "copy", str(source), postgres_url, "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert _counts(postgres_url) == _counts(source)
    with Store.open(postgres_url) as target:
        target.empty_tables()
        target.add_checkin("O9.KR9", "x", dt.date(2026, 1, 1), 9.0)
    single = run("store", "copy", postgres_url, str(tmp_path / "one.db"), "--lang", "en")
    assert single.exit_code == 0, single.output
    assert "  checkins: 1 row, sum of value 9, as in the source\n" in single.output


def test_store_copy_counts_a_full_target_with_thousands_marked(tmp_path: Path) -> None:
    source, target = tmp_path / "okrdesk.db", tmp_path / "snapshot.db"
    with Store.open(source) as store:
        for n in range(1234):
            store.add_checkin("O1.REV", "cm01", dt.date(2026, 1, 1), float(n))
    assert run("store", "copy", str(source), str(target)).exit_code == 0
    refused = run("store", "copy", str(source), str(target), "--lang", "en")
    assert refused.exit_code == 2
    assert "already holds 1,234 rows; add --replace" in refused.output
    chinese = run("store", "copy", str(source), str(target), "--lang", "zh")
    assert "中已有 1,234 行数据" in chinese.output


def test_store_copy_of_a_missing_source_or_onto_itself_is_refused(tmp_path: Path) -> None:
    nowhere = (str(tmp_path / "none.db"), str(tmp_path / "t.db"))
    missing = run("store", "copy", *nowhere, "--lang", "en")
    assert missing.exit_code == 2 and "none.db: no such database" in missing.output
    missing = run("store", "copy", *nowhere, "--lang", "zh")
    assert missing.exit_code == 2 and "none.db：没有这个数据库；未复制任何内容" in missing.output
    path = tmp_path / "a.db"
    Store.open(path).close()
    itself = run("store", "copy", str(path), str(path), "--lang", "en")
    assert itself.exit_code == 2 and "are the same store" in itself.output
    itself = run("store", "copy", str(path), str(path), "--lang", "zh")
    assert itself.exit_code == 2 and "是同一个数据库" in itself.output
    assert not (tmp_path / "t.db").exists()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_store_copy_onto_another_name_of_the_same_file_is_refused(tmp_path: Path) -> None:
    # A hard link is the same file under another name: the copy emptied it and wrote it
    # again through a write-ahead log of its own, beside the link, which SQLite later
    # writes into the file over whatever was written through the first name since.
    path = tmp_path / "okrdesk.db"
    with Store.open(path) as store:
        store.add_spend("events", dt.date(2026, 3, 2), Decimal(120_000), ["王芳"])
    linked = tmp_path / "backup.db"
    os.link(path, linked)
    before = path.read_bytes()
    itself = run("store", "copy", str(path), str(linked), "--replace", "--lang", "en")
    assert itself.exit_code == 2 and "are the same store" in itself.output, itself.output
    assert path.read_bytes() == before
    assert not (tmp_path / "backup.db-wal").exists()


@pytest.mark.parametrize("kind", ["target file", "named pipe", "folder"])
def test_store_upgrade_of_what_is_no_database_is_refused_untouched(
    tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "plan.toml"
    if kind == "target file":
        path.write_text('[plan]\nid = "p"\n', encoding="utf-8")
    elif kind == "named pipe":
        if not hasattr(os, "mkfifo"):
            pytest.skip("named pipes are POSIX")
        os.mkfifo(path)  # reading it would wait for a writer, for ever
    else:
        path.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "okrdesk", "store", "upgrade", str(path), "--lang", "en"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    said = {
        "target file": "plan.toml is not an SQLite database; nothing was changed",
        "named pipe": "plan.toml is not a regular file",
        "folder": "is not a regular file",
    }
    assert said[kind] in done.stderr and "Traceback" not in done.stderr
    if kind == "target file":
        assert path.read_text(encoding="utf-8") == '[plan]\nid = "p"\n'


def test_a_large_collect_is_analysed_and_vacuumed_and_a_small_one_left_to_autovacuum(
    postgres_url: str,
) -> None:
    weeks = list(periods_between(dt.date(2026, 1, 1), dt.date(2026, 3, 31), Grain.WEEK))
    counted = []
    with Store.open(postgres_url) as store:
        # Each collect changes every figure but the last, which finds them as they are,
        # writes nothing, and leaves nothing to analyse or vacuum.
        collects = ((100, 1.0), (ANALYZE_AFTER_ROWS, 2.0), (ANALYZE_AFTER_ROWS, 3.0),
                    (ANALYZE_AFTER_ROWS, 3.0))  # fmt: skip
        for count, value in collects:
            subjects = [f"p{n:05d}" for n in range(count // len(weeks) + 1)]
            rows = [Observation("flow", s, w.id, value) for s in subjects for w in weeks][:count]
            run_id = store.start_run("collect", None)
            assert store.replace_observations(run_id, {"flow": "p"}, weeks, rows) == count
            analysed = store.query(
                "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'observations'"
            )[0][0]
            store.finish_run(run_id, "ok", {}, [])
            counted.append((analysed, *store.query(
                "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'observations'"
            )[0]))  # fmt: skip
        # The second large collect replaced the first's rows: vacuumed at its end, the
        # dead ones are gone and every page is marked all-visible for a branch's reads (a
        # page holding a dead row is not). Not read from n_dead_tup: the delete's count
        # reaches the statistics up to a second after it, and may land after the vacuum's.
        pages, visible = store.query(
            "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'observations'"
        )[0]
    # (The fourth's analysis count is the third's VACUUM (ANALYZE), made at its end.)
    assert counted == [(0, 0), (1, 1), (3, 2), (4, 2)]
    assert pages > 0 and visible == pages


# ------------------------------------------------- one connection per read


@pytest.mark.parametrize("command", [["report"], ["check"], ["explain", "O1.KR1"]])
def test_reading_before_anything_is_stored_says_so(backend: Backend, command: list[str]) -> None:
    root = backend.workspace()
    done = CliRunner().invoke(cli, [*command, "-w", str(root)])
    assert "Traceback" not in done.output
    assert "尚未采集任何数据：请运行 `okrdesk collect`" in done.output, done.output
    if command != ["check"]:
        assert done.exit_code == 2
        english = CliRunner().invoke(cli, [*command, "--lang", "en", "-w", str(root)])
        assert english.exit_code == 2
        assert "no numbers yet: run `okrdesk collect`" in english.output
    assert not backend.exists(root), "reading created nothing"


def test_a_report_opens_one_connection_to_the_server(
    postgres_url: str, write_workspace: WriteWorkspace
) -> None:
    backend = Backend("postgresql", postgres_url, write_workspace)
    root = backend.workspace()
    assert (
        CliRunner().invoke(cli, ["collect", "--through", "2026-03-01", "-w", str(root)]).exit_code
        == 0
    )

    def sessions() -> int:
        with psycopg.connect(postgres_url) as connection:
            found = connection.execute(
                "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
            ).fetchone()
        assert found is not None
        return int(found[0])

    before = sessions()
    done = CliRunner().invoke(cli, ["report", "--as-of", "2026-03-01", "-w", str(root)])
    assert done.exit_code == 0, done.output
    # The count includes the connection that reads it once more.
    assert sessions() - before == 1 + 1


def test_a_connection_lost_as_a_read_ends_says_it_was_reading(postgres_url: str) -> None:
    # The commit that ends a read failed with "while committing what this command wrote",
    # and "what it had not yet committed was rolled back", of a report that wrote nothing.
    from okrdesk.errors import OkrdeskError

    # One store throughout: the backend of one closed a moment before may still be listed.
    store = Store.open(postgres_url)
    reader = store._connection.info.backend_pid  # type: ignore[attr-defined]
    try:
        store.start_run("collect", dt.date(2026, 3, 31))
        with pytest.raises(OkrdeskError) as told, store.reading():
            assert store.spend() == []
            with psycopg.connect(postgres_url, autocommit=True) as admin:
                clients = admin.execute(
                    b"SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    b"AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
                ).fetchall()
                # The reader's backend alone (every other one in the database was ended
                # too: an autovacuum worker visiting it failed the test now and then), and
                # gone before the read ends (the call waits up to 10 s for it to exit).
                ended = admin.execute(
                    b"SELECT pg_terminate_backend(%s::integer, 10000)", [reader]
                ).fetchall()
            assert clients == [(reader,)]
            assert ended == [(True,)]
    finally:
        store.close()
    said = told.value.said
    assert "while ending its read of okrdesk's tables" in said.en, said.en
    assert "Nothing stored was changed or lost." in said.en and "committ" not in said.en
    assert (
        "当时在结束读取 okrdesk 的数据表" in said.zh and "已存入的内容没有任何改动或丢失" in said.zh
    )


def test_a_second_collect_of_a_plan_held_by_another_reads_the_holders_run_alone(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two collects of one plan on a shared server store: the second, finding the plan
    held, is told of the first's run, reading that run alone, not every branch's every
    week (it read them all, newest last, while holding the lock runs are noted under)."""
    with Store.open(postgres_url) as store:
        for week in range(1, 31):
            run = store.start_run("collect", dt.date(2026, 1, 4) + dt.timedelta(weeks=week),
                                  plan_unit=("hq", "b1", "b2")[week % 3])  # fmt: skip
            if week == 4:
                store.stop_run(run, "interrupted")  # of b1, stopped: it holds nothing
            elif week % 9:
                store.finish_run(run, "ok", {"crm": "1"}, [])
    with Store.open(postgres_url) as first, Store.open(postgres_url) as second:
        holding = first.start_run("collect", dt.date(2026, 8, 1), plan_unit="b1", alone=True)
        read = _runs_read(monkeypatch)
        with pytest.raises(StillRunning) as told:
            second.start_run("collect", dt.date(2026, 8, 1), plan_unit="b1", alone=True)
        assert told.value.run.id == holding
        # The look on this machine reads the plan's unfinished runs (one stopped, and the
        # holder), the look at the holder its run alone.
        assert read == [4, holding, holding]
        first.finish_run(holding, "ok", {"crm": "1"}, [])
        monkeypatch.undo()
    with Store.open(postgres_url) as third:  # let go with its end: the plan is free again
        assert third.start_run("collect", dt.date(2026, 8, 2), plan_unit="b1", alone=True)
