"""The SQL metric source on a warehouse: a real PostgreSQL server and a DuckDB file,
the query grouped by subject and period where the data lives."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import attrs
import psycopg
import pytest
import sqlglot

from okrdesk.model import MetricKind
from okrdesk.periods import Grain, periods_between
from okrdesk.plugins import sql_settings, sql_warehouse, warehouse_dialects
from okrdesk.plugins.sql_warehouse import pushed_down
from okrdesk.plugins.testing import PluginCheck
from postgres_server import PostgresServer
from test_sql_metrics import BALANCES, SALONS, THROUGH, metric, run_check
from trino_server import TrinoServer

METRICS = [
    metric("attendees", "flow", "人",
           "SELECT cm_id AS subject, date AS day, attendees AS value FROM salons"),
    metric("lead_rate", "ratio", "%",
           "SELECT cm_id AS subject, date AS day, leads AS numerator, "
           "attendees AS denominator FROM salons WHERE date <= :through"),
    metric("assets", "stock", "元",
           "SELECT cm_id AS subject, date AS day, assets AS value FROM balances"),
    metric("by_period", "flow", "人",
           "SELECT cm_id AS subject, '2026-W02' AS period, attendees AS value FROM salons "
           "WHERE date BETWEEN :start AND '2026-01-11'"),
]  # fmt: skip
WEEKS = list(periods_between(dt.date(2026, 1, 5), THROUGH, Grain.WEEK))


def rows(text: str) -> list[list[str]]:
    return [line.split(",") for line in text.strip().splitlines()[1:]]


def load_postgres(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE TABLE salons (date date, cm_id text, attendees int, leads int)")
        connection.execute("CREATE TABLE balances (date date, cm_id text, assets numeric)")
        for line in rows(SALONS):
            connection.execute("INSERT INTO salons VALUES (%s, %s, %s, %s)", line)
        for line in rows(BALANCES):
            connection.execute("INSERT INTO balances VALUES (%s, %s, %s)", line)


def figures(check: PluginCheck) -> dict[tuple[str, str, str], tuple[object, ...]]:
    return {
        (o.metric, o.subject, o.period): (o.value, o.numerator, o.denominator)
        for o in check.observations
    }


@pytest.fixture
def files_check(tmp_path: Path) -> PluginCheck:
    """The same metrics over CSV files: what the warehouse must agree with."""
    (tmp_path / "salons.csv").write_text(SALONS, encoding="utf-8")
    (tmp_path / "balances.csv").write_text(BALANCES, encoding="utf-8")
    tables = {"salons": "salons.csv", "balances": "balances.csv"}
    check = run_check(tmp_path, {"tables": tables, "metrics": METRICS})
    check.assert_valid()
    return check


def test_postgres_gives_the_figures_files_give_grouped_on_the_server(
    postgres_server: PostgresServer,
    postgres_url: str,
    files_check: PluginCheck,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    load_postgres(postgres_url)
    name = postgres_url.split("?")[0].rsplit("/", 1)[1]
    with psycopg.connect(postgres_server.url("postgres"), autocommit=True) as connection:
        connection.execute(f"ALTER DATABASE {name} SET log_statement = 'all'".encode())
    logged_before = postgres_server.log.read_text(errors="replace")
    monkeypatch.setenv("WAREHOUSE_URL", postgres_url)
    check = run_check(tmp_path, {"connection_env": "WAREHOUSE_URL", "metrics": METRICS})
    check.assert_valid()
    assert figures(check) == figures(files_check)
    assert check.warnings == files_check.warnings  # the row after `through`, counted
    assert check.value("assets", "cm01", "2026-W02").value == 150
    assert check.value("attendees", "cm01", "2026-W02").source.startswith(
        "SQL metric attendees on postgresql://localhost/"
    )
    sent = postgres_server.log.read_text(errors="replace")[len(logged_before) :]
    statements = [line for line in sent.splitlines() if "FROM salons" in line]
    assert len(statements) == 3, sent
    for statement in statements:
        assert "GROUP BY" in statement.rsplit("FROM salons", 1)[1], statement
        assert ":through" not in statement and "%(" not in statement
    assert "'2026-01-18'" in sent  # :through, as text


def test_a_slow_query_times_out_alone_and_a_lost_server_fails_its_metrics_named(
    postgres_url: str, tmp_path: Path
) -> None:
    load_postgres(postgres_url)
    slow = metric("slow", "flow", "人",
                  "SELECT cm_id AS subject, date AS day, attendees AS value "
                  "FROM salons WHERE pg_sleep(60) IS NOT NULL")  # fmt: skip
    # A second: a query that answers on a loaded machine's server (PostgreSQL counts the
    # timeout on the server, each statement's own) has ample time; the slow one never does.
    settings = {"connection": postgres_url, "timeout": 1, "metrics": [slow, METRICS[0]]}
    check = run_check(tmp_path, settings)
    assert check.problems == [
        "plugin plugin-under-test metric slow: sources.sql.metrics[0].query: the query ran "
        "longer than 1 s on "
        f"postgresql://localhost/{postgres_url.split('?')[0].rsplit('/', 1)[1]} "
        "(sources.sql.timeout) and was cancelled (1 problem; none of its figures stored)"
    ]
    assert check.value("attendees", "cm01", "2026-W02").value == 50

    gone = postgres_url.replace("?host=", "?host=/nonexistent")
    check = run_check(tmp_path, {"connection": gone, "metrics": METRICS[:2]})
    assert len(check.problems) == 2 and not check.observations
    for problem, name in zip(check.problems, ("attendees", "lead_rate"), strict=True):
        assert f"metric {name}: cannot connect to postgresql://localhost/" in problem


def test_a_password_never_sits_in_the_settings(tmp_path: Path) -> None:
    settings = {"connection": "postgresql://me:secret@db/crm", "metrics": METRICS[:1]}
    check = run_check(tmp_path, settings)
    assert len(check.problems) == 1
    assert "sources.sql.connection: must not hold a password" in check.problems[0]
    assert "secret" not in check.problems[0]
    unset = run_check(tmp_path, {"connection_env": "NO_SUCH_VARIABLE", "metrics": METRICS[:1]})
    assert "the environment variable NO_SUCH_VARIABLE is not set" in unset.problems[0]


def test_a_timeout_written_with_a_fraction_is_taken() -> None:
    # okrdesk reads `timeout = 2.5` in okrdesk.toml as a Decimal: it was refused as no number.
    from decimal import Decimal

    sql_settings.check_settings({"connection": "duckdb:crm.duckdb", "timeout": Decimal("2.5")})
    for wrong in (Decimal(0), Decimal("NaN"), Decimal("Infinity"), 1e10, 10**400, "5"):
        with pytest.raises(Exception, match=r"sources\.sql\.timeout: expected seconds"):
            sql_settings.check_settings({"connection": "duckdb:crm.duckdb", "timeout": wrong})


@pytest.mark.parametrize("secret", ["Victim-SMTP-pass-123", "user:Victim-pass@host"])
def test_a_variable_that_holds_no_warehouse_url_is_never_quoted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    # connection_env may name any variable, another program's password among them.
    monkeypatch.setenv("SOME_SECRET", secret)
    check = run_check(tmp_path, {"connection_env": "SOME_SECRET", "metrics": METRICS[:1]})
    assert len(check.problems) == 1
    assert "does not hold a URL of a warehouse okrdesk knows" in check.problems[0]
    assert "Victim" not in check.problems[0] and "user" not in check.problems[0]


def test_a_duckdb_database_file(tmp_path: Path, files_check: PluginCheck) -> None:
    import duckdb

    (tmp_path / "wh").mkdir()
    with duckdb.connect(str(tmp_path / "wh" / "crm.duckdb")) as connection:
        for table in ("salons", "balances"):
            connection.execute(
                f"CREATE TABLE {table} AS SELECT * FROM read_csv('{tmp_path}/{table}.csv')"
            )
    check = run_check(tmp_path, {"connection": "duckdb:wh/crm.duckdb", "metrics": METRICS})
    check.assert_valid()
    assert figures(check) == figures(files_check)
    sneaky = metric(
        "sneaky",
        "flow",
        "人",
        "SELECT cm_id AS subject, date AS day, attendees AS value FROM read_csv('salons.csv')",
    )
    slow = metric("slow", "flow", "人",
                  "SELECT 'cm01' AS subject, DATE '2026-01-06' AS day, count(*) AS value "
                  "FROM range(100000000000)")  # fmt: skip
    settings = {"connection": "duckdb:wh/crm.duckdb", "timeout": 0.5, "metrics": [sneaky, slow]}
    refused = run_check(tmp_path, settings)
    assert "file system operations are disabled" in refused.problems[0]
    assert ("slow: sources.sql.metrics[1].query: the query ran longer than 0.5 s on "
            "crm.duckdb") in refused.problems[1]  # fmt: skip
    outside = run_check(tmp_path, {"connection": "duckdb:///etc/x.duckdb", "metrics": METRICS})
    assert "lies outside the workspace" in outside.problems[0]


def test_a_duckdb_warehouse_query_spills_no_more_than_the_sql_source_may(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query sent in an okrdesk.toml that sorts more than memory holds spilled beside the
    warehouse's file, without end, filling the disk until the time limit."""
    import duckdb

    from okrdesk.plugins import sql_scratch

    (tmp_path / "wh").mkdir()
    with duckdb.connect(str(tmp_path / "wh" / "crm.duckdb")) as connection:
        connection.execute("CREATE TABLE salons AS SELECT 'cm01' AS cm_id")
    # The least scratch space, 4 GiB, made 4 MiB: the sort below needs far more.
    monkeypatch.setattr(sql_scratch, "LEAST_SCRATCH", 4 * 1024 * 1024)
    # A temporary folder of its own: tests running beside it make warehouse folders too.
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    query = ("SELECT 'cm01' AS subject, DATE '2026-01-06' AS day, count(*) AS value "
             "FROM (SELECT md5(range::VARCHAR) AS h FROM range(100000000) ORDER BY h)")  # fmt: skip
    sorts = metric("sorts", "flow", "人", query)
    before = set(Path(tempfile.gettempdir()).glob("okrdesk-warehouse-*"))
    check = run_check(tmp_path, {"connection": "duckdb:wh/crm.duckdb", "timeout": 3600,
                                 "metrics": [sorts]})  # fmt: skip
    (problem,) = check.problems
    assert "metric sorts: sources.sql.metrics[0].query: crm.duckdb: it needs more than 0.0" in (
        problem
    )
    assert "GiB of scratch space on disk (ten times the files read" in problem
    assert "max_temp_directory_size" not in problem
    # Nothing spilled beside the warehouse, and its own folder is gone.
    assert sorted(p.name for p in (tmp_path / "wh").iterdir()) == ["crm.duckdb"]
    assert set(Path(tempfile.gettempdir()).glob("okrdesk-warehouse-*")) == before == set()


QUERY = (
    "SELECT cm AS subject, trade_day AS day, fee AS value FROM trades "
    "WHERE trade_day <= :through AND status = 'won'"
)


@pytest.mark.parametrize("dialect", ["trino", "starrocks", "doris", "clickhouse", "postgres"])
@pytest.mark.parametrize("kind", [MetricKind.FLOW, MetricKind.STOCK])
def test_the_sql_sent_is_grouped_in_the_targets_dialect(dialect: str, kind: MetricKind) -> None:
    sql = pushed_down(QUERY, dialect, kind, True, WEEKS, {"through": "2026-01-18"}, THROUGH)
    tree = sqlglot.parse_one(sql, read=dialect)  # the target's own reading of it
    outer = tree.args["group"]
    assert [(c.table, c.name) for c in outer.expressions] == [("r", "subject"), ("r", "period")]
    assert "'2026-W02'" in sql and "'2026-01-18'" in sql and ":through" not in sql
    assert sql == sqlglot.transpile(sql, read=dialect, write=dialect)[0]
    if kind is MetricKind.STOCK:
        window = next(tree.find_all(sqlglot.exp.Window))
        assert [c.name for c in window.args["partition_by"]] == ["subject", "period"]


def test_dialects_differ_where_the_servers_do() -> None:
    text = {
        d: pushed_down(QUERY, d, MetricKind.FLOW, True, WEEKS, {"through": "x"}, THROUGH)
        for d in ("trino", "starrocks", "doris", "clickhouse", "postgres")
    }
    assert "CAST('2026-01-05' AS DATE)" in text["trino"]
    assert "CAST('2026-01-05' AS Nullable(DATE))" in text["clickhouse"]
    assert "AS `day`" in text["doris"]
    assert "CAST('2026-01-05' AS DATE)" in text["postgres"]
    assert len(set(text.values())) >= 3


def test_a_source_without_a_connection_still_reads_files(files_check: PluginCheck) -> None:
    assert sql_settings.has_connection({"tables": {}}) is False
    assert files_check.value("attendees", "cm01", "2026-W02").value == 50


def test_the_documented_warehouse_metric_runs_on_postgres(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re
    import tomllib

    text = (Path(__file__).parents[1] / "docs" / "plugins-sql.md").read_text(encoding="utf-8")
    blocks = [tomllib.loads(b) for b in re.findall(r"```toml\n(.*?)```", text, re.DOTALL)]
    settings = next(
        b["sources"]["sql"]
        for b in blocks
        if "connection_env" in b.get("sources", {}).get("sql", {})
    )
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("CREATE SCHEMA dw")
        connection.execute(
            "CREATE TABLE dw.client_daily_assets "
            "(cm_id text, as_of date, branch text, client text, assets numeric)"
        )
        for day, cm, branch, client, assets in [
            ("2026-01-06", "cm01", "福田", "c1", 100), ("2026-01-09", "cm01", "福田", "c1", 120),
            ("2026-01-09", "cm01", "福田", "c2", 30), ("2026-01-09", "cm01", "南山", "c3", 999),
        ]:  # fmt: skip
            connection.execute(
                "INSERT INTO dw.client_daily_assets VALUES (%s, %s, %s, %s, %s)",
                (cm, day, branch, client, assets),
            )
    monkeypatch.setenv(settings["connection_env"], postgres_url)
    check = run_check(tmp_path, settings)
    check.assert_valid()
    # A stock: the week's last day, both clients of the branch, not the other branch's.
    assert check.value("client_assets", "cm01", "2026-W02").value == 150


def test_a_funnel_runs_on_postgres(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The funnel's one SELECT, transpiled, matches each entity's conversion on the
    server: day 7 counts, day 8 does not, a conversion after `through` not yet."""
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("CREATE SCHEMA funnel")
        connection.execute("CREATE TABLE funnel.accounts (id text, cm_id text, opened date)")
        connection.execute("CREATE TABLE funnel.fundings (id text, funded date)")
        for row in [("a1", "cm01", "2026-01-05"), ("a2", "cm01", "2026-01-05"),
                    ("a3", "cm02", "2026-01-06"), ("a4", "cm02", "2026-01-13")]:  # fmt: skip
            connection.execute("INSERT INTO funnel.accounts VALUES (%s, %s, %s)", row)
        for row in [("a1", "2026-01-12"), ("a2", "2026-01-13"), ("a3", "2026-01-06"),
                    ("a4", "2026-01-19")]:  # fmt: skip
            connection.execute("INSERT INTO funnel.fundings VALUES (%s, %s)", row)
    monkeypatch.setenv("FUNNEL_URL", postgres_url)
    settings = {
        "connection_env": "FUNNEL_URL",
        "metrics": [{
            "name": "open_to_fund_7d", "unit": "%",
            "funnel": {
                "entered": "SELECT id AS entity, cm_id AS subject, opened AS day "
                           "FROM funnel.accounts",
                "converted": "SELECT id AS entity, funded AS day FROM funnel.fundings",
                "within_days": 7,
            },
        }],
    }  # fmt: skip
    check = run_check(tmp_path, settings)
    check.assert_valid()
    week2 = check.value("open_to_fund_7d", "cm01", "2026-W02")
    assert (week2.numerator, week2.denominator) == (1, 2)  # a1 on day 7, a2 on day 8
    cm02 = check.value("open_to_fund_7d", "cm02", "2026-W02")
    assert (cm02.numerator, cm02.denominator) == (1, 1)
    # a4 opened in week 3 and was funded on the 19th, after `through` (the 18th).
    later = check.value("open_to_fund_7d", "cm02", "2026-W03")
    assert (later.numerator, later.denominator) == (0, 1)


# ------------------------------------- Trino, StarRocks, Doris and ClickHouse
# No server for these engines runs here: what is checked for real is the dialect
# each URL reaches, the named failures against loopback ports, and (for Trino)
# rows coming back through its real driver from a loopback server speaking its
# HTTP protocol (trino_server.py).

ENGINE_URLS = {
    "trino": "trino://okr@127.0.0.1:{port}/hive/dw",
    "starrocks": "starrocks://okr@127.0.0.1:{port}/crm",
    "doris": "doris://okr@127.0.0.1:{port}/crm",
    "clickhouse": "clickhouse://okr@127.0.0.1:{port}/crm",
}


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """A loopback server that accepts every connection and never says a word; its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                held.append(listener.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        listener.close()
        for connection in held:
            connection.close()


@pytest.fixture
def silent_port() -> Iterator[int]:
    with silent_server() as port:
        yield port


@pytest.mark.parametrize(
    ("url", "dialect", "driver"),
    [
        ("trino://okr@trino.firm:8080/hive/dw", "trino", "trino.sqlalchemy.dialect.TrinoDialect"),
        ("starrocks://okr@sr.firm:9030/crm", "starrocks", "starrocks.dialect.StarRocksDialect"),
        ("doris://okr@doris.firm:9030/crm", "doris",
         "sqlalchemy.dialects.mysql.pymysql.MySQLDialect_pymysql"),
        ("clickhouse://okr@ch.firm:8123/crm", "clickhouse",
         "clickhouse_connect.cc_sqlalchemy.dialect.ClickHouseDialect"),
        ("clickhouse+http://okr@ch.firm:8123/crm", "clickhouse",
         "clickhouse_connect.cc_sqlalchemy.dialect.ClickHouseDialect"),
    ],
)  # fmt: skip
def test_each_engine_url_reaches_its_sqlalchemy_dialect(
    url: str, dialect: str, driver: str
) -> None:
    assert sql_warehouse.dialect_of(url, "connection") == dialect
    found = warehouse_dialects.dialect_class(url, dialect)
    assert f"{found.__module__}.{found.__qualname__}" == driver
    assert (
        sql_warehouse.described(url)
        == url.split("://")[0].split("+")[0] + "://" + (url.split("@", 1)[1])
    )


@pytest.mark.parametrize("dialect", sorted(ENGINE_URLS))
def test_a_closed_port_is_one_named_error_for_the_source(dialect: str, tmp_path: Path) -> None:
    port = closed_port()
    url = ENGINE_URLS[dialect].format(port=port)
    check = run_check(tmp_path, {"connection": url, "timeout": 5, "metrics": METRICS[:2]})
    shown = url.replace("okr@", "")
    assert check.problems == [
        f"plugin plugin-under-test metric {name}: cannot connect to {shown}: "
        "connection refused (1 problem; none of its figures stored)"
        for name in ("attendees", "lead_rate")
    ]
    assert not check.observations


@pytest.mark.parametrize("dialect", sorted(ENGINE_URLS))
def test_a_server_that_never_answers_times_out_named(
    dialect: str, silent_port: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = ENGINE_URLS[dialect].format(port=silent_port).replace("okr@", "okr:s3cret@")
    monkeypatch.setenv("WAREHOUSE_URL", url)
    started = time.monotonic()
    check = run_check(
        tmp_path, {"connection_env": "WAREHOUSE_URL", "timeout": 0.5, "metrics": METRICS[:1]}
    )
    assert time.monotonic() - started < 20
    assert len(check.problems) == 1, check.problems
    shown = url.replace("okr:s3cret@", "")
    assert (
        f"attendees: cannot connect to {shown}: no answer within 0.5 s (sources.sql.timeout)"
    ) in check.problems[0]
    assert "s3cret" not in check.problems[0]


@pytest.mark.parametrize("dialect", sorted(ENGINE_URLS))
def test_no_password_in_the_settings_for_any_engine(dialect: str, tmp_path: Path) -> None:
    url = ENGINE_URLS[dialect].format(port=1).replace("okr@", "okr:s3cret@")
    check = run_check(tmp_path, {"connection": url, "metrics": METRICS[:1]})
    assert "sources.sql.connection: must not hold a password" in check.problems[0]
    assert "s3cret" not in check.problems[0]


@pytest.fixture
def trino(tmp_path: Path, files_check: PluginCheck) -> Iterator[TrinoServer]:
    """A loopback server speaking Trino's protocol, over the test's two tables."""
    tables = {t: f"SELECT * FROM read_csv('{tmp_path}/{t}.csv')" for t in ("salons", "balances")}
    with TrinoServer(tables) as server:
        yield server


def test_trino_rows_come_back_through_its_real_driver_grouped_on_the_server(
    trino: TrinoServer, files_check: PluginCheck, tmp_path: Path
) -> None:
    url = f"trino://okr@127.0.0.1:{trino.port}/hive/dw"
    check = run_check(tmp_path, {"connection": url, "metrics": METRICS})
    check.assert_valid()
    assert figures(check) == figures(files_check)
    assert check.warnings == files_check.warnings
    assert check.value("attendees", "cm01", "2026-W02").source.startswith(
        f"SQL metric attendees on trino://127.0.0.1:{trino.port}/hive/dw"
    )
    assert trino.received[0] == "SELECT 1"  # the connection, proved before any metric
    sent = trino.received[1:]
    assert len(sent) == len(METRICS)
    # Grouped by subject and period on the server: by day, or (the last metric) by period.
    for statement, grouped in zip(sent, ["r"] * 3 + ["q"], strict=True):
        assert statement.endswith(f"GROUP BY {grouped}.subject, {grouped}.period"), statement
        assert ":through" not in statement and ":start" not in statement
    assert sent[0] == pushed_down(
        METRICS[0]["query"], "trino", MetricKind.FLOW, True, WEEKS, {}, THROUGH
    )


def test_a_trino_query_that_never_answers_times_out_alone(
    trino: TrinoServer, tmp_path: Path
) -> None:
    """The statement that never answers is given up at the timeout, alone: the others,
    each slower than the timeout on a machine as loaded as a shared one gets, answer, as
    a Trino server tells a client polling a running query at once that it runs."""
    trino.hang_on = "FROM balances"
    trino.slow_by = 0.6
    url = f"trino://okr@127.0.0.1:{trino.port}/hive/dw"
    check = run_check(tmp_path, {"connection": url, "timeout": 0.5, "metrics": METRICS[:3]})
    assert check.problems == [
        "plugin plugin-under-test metric assets: sources.sql.metrics[2].query: the query ran "
        "longer than 0.5 s on "
        f"trino://127.0.0.1:{trino.port}/hive/dw (sources.sql.timeout) and was given up "
        "(1 problem; none of its figures stored)"
    ]
    assert check.value("attendees", "cm01", "2026-W02").value == 50


def test_a_trino_server_lost_mid_collect_fails_the_metrics_left_named(
    trino: TrinoServer, tmp_path: Path
) -> None:
    trino.drop_on = "FROM balances"
    url = f"trino://okr@127.0.0.1:{trino.port}/hive/dw"
    check = run_check(tmp_path, {"connection": url, "metrics": METRICS})
    assert [p.split(": ", 1)[0] for p in check.problems] == [
        "plugin plugin-under-test metric assets", "plugin plugin-under-test metric by_period"
    ]  # fmt: skip
    for problem in check.problems:
        assert f": lost trino://127.0.0.1:{trino.port}/hive/dw: " in problem
    assert check.value("lead_rate", "cm01", "2026-W02").numerator == 5


def test_a_missing_dialect_package_names_the_extra_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = attrs.evolve(warehouse_dialects.ENGINES["trino"], scheme="nosuchdialect")
    monkeypatch.setitem(warehouse_dialects.ENGINES, "trino", missing)
    with pytest.raises(sql_warehouse.WarehouseUnreachable) as raised:
        sql_warehouse.connect({"connection": "trino://okr@127.0.0.1:1/hive"}, tmp_path, [])
    assert str(raised.value).startswith(
        "sources.sql.connection: okrdesk reaches Trino through the trino package, which is "
        "not installed (pip install 'okrdesk[warehouses]'): "
    )


def test_a_url_its_dialect_cannot_use_is_named(tmp_path: Path) -> None:
    url = "trino://okr@127.0.0.1:1/hive/dw?session_properties=not-json"
    check = run_check(tmp_path, {"connection": url, "metrics": METRICS[:1]})
    assert check.problems[0].startswith(
        "plugin plugin-under-test metric attendees: sources.sql.connection: "
        "not a usable Trino URL: "
    )
