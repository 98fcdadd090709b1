"""A plugin says which of its zeros are for no rows (``emit(..., no_rows=True)``), and
the store keeps that beside the figure: such a zero stands for none, as the SQL source's
``no_rows_means_zero`` zeros do, so an export that came out with its header alone (every
figure a zero for no rows) keeps the figures stored rather than replace them with zeros.

Before, a zero counted as one for no rows only where its source was worded exactly
``no row of FILE counts, so 0``: a plugin whose author wrote it otherwise had its
stored figures replaced by zeros by an empty export, the collect saying all was well.
A store from before keeps its zeros so worded as zeros for no rows (schema 26).
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest
import sqlite_utils

from backends import Backend
from installed_package import installed_package, okrdesk
from okrdesk.store import MIGRATIONS, Store
from sample_workspace import WriteWorkspace

SALONS = """\
import os

from okrdesk.model import MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("salon_attendees", "Salon attendees", "沙龙参会人数", "flow",
                        UNITS["人"], never_negative=True))


@hookimpl
def okrdesk_collect(request, emit):
    folder = request.workspace / "data"
    roster = (folder / "roster.csv").read_text("utf-8").splitlines()[1:]
    covered = {cm: n for n, cm in enumerate(roster, 2)}  # the CMs the salons serve
    found = {}
    lines = (folder / "salons.csv").read_text("utf-8").splitlines()[1:]
    for n, line in enumerate(lines, 2):
        cm, week, count = line.split(",")
        found[cm, request.periods[int(week)].id] = (int(count), f"salons.csv row {n}")
    subjects, periods, values, sources, zeros = [], [], [], [], []
    for person in request.people:
        for period in request.periods:
            if (person.id, period.id) in found:
                count, rows = found[person.id, period.id]
                subjects.append(person.id); periods.append(period.id)
                values.append(count); sources.append(rows); zeros.append(False)
            elif person.id in covered:  # none this week: 0, not "no data"
                subjects.append(person.id); periods.append(period.id)
                values.append(int(os.environ.get("OKRDESK_TEST_ZERO", "0")))
                sources.append(f"roster.csv row {covered[person.id]}"); zeros.append(True)
    if os.environ.get("OKRDESK_TEST_WORDED"):  # written to the docs before no_rows
        sources = [s if not z else "no row of salons.csv counts, so 0" for s, z in
                   zip(sources, zeros)]
        zeros = [False] * len(zeros)
    if os.environ.get("OKRDESK_TEST_MANY"):
        emit.many("salon_attendees", subjects, periods, values=values, sources=sources,
                  no_rows=zeros)
        return
    for subject, period, value, source, zero in zip(subjects, periods, values, sources, zeros):
        emit("salon_attendees", subject, period, value=value, source=source, no_rows=zero)
"""

OKRS = """\
[[objectives]]
id = "O9"
title = "沙龙"
owner = "branch"

[[objectives.key_results]]
id = "KR1"
title = "沙龙参会人数"
metric = "salon_attendees"
target = 600
unit = "人"
"""

THROUGH = ("--through", "2026-01-18")
ATTENDEES = "SELECT subject, period, value, no_rows FROM observations " \
            "WHERE metric = 'salon_attendees' ORDER BY 1, 2"  # fmt: skip


def _stored(root: Path) -> list[tuple[str, str, float, int]]:
    with sqlite3.connect(root / "okrdesk.db") as connection:
        return connection.execute(ATTENDEES).fetchall()


def _workspace(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace({"salons.toml": OKRS})
    (root / "data").mkdir()
    (root / "data" / "roster.csv").write_text("cm\ncm01\ncm02\n", "utf-8")
    (root / "data" / "salons.csv").write_text("cm,week,attendees\ncm01,1,40\n", "utf-8")
    return root


@pytest.mark.parametrize("many", [False, True], ids=["emit", "emit.many"])
def test_an_export_come_out_empty_keeps_the_figures_its_zeros_for_no_rows_would_replace(
    write_workspace: WriteWorkspace, tmp_path: Path, many: bool
) -> None:
    root = _workspace(write_workspace)
    with installed_package(tmp_path, "salons", SALONS) as env:
        env = {**env, **({"OKRDESK_TEST_MANY": "1"} if many else {})}
        done = okrdesk(env, "collect", "--lang", "en", *THROUGH, "-w", str(root))
        assert done.returncode == 0, done.stdout + done.stderr
        before = _stored(root)
        assert before == [
            ("cm01", "2026-W01", 0, 1), ("cm01", "2026-W02", 40, 0),
            ("cm01", "2026-W03", 0, 1), ("cm02", "2026-W01", 0, 1),
            ("cm02", "2026-W02", 0, 1), ("cm02", "2026-W03", 0, 1),
        ]  # fmt: skip
        for lang, said in (
            ("en", "no row counts, so 0; roster.csv row 3"),
            ("zh", "没有计入的行，按 0 计；roster.csv 第 3 行"),
        ):
            done = okrdesk({**env, "COLUMNS": "1000"}, "explain", "O9.KR1", "--person", "cm02",
                           "--as-of", "2026-01-18", "--lang", lang, "-w", str(root))  # fmt: skip
            assert done.returncode == 0, done.stderr
            zeros = [line for line in done.stdout.splitlines() if line.endswith(said)]
            assert len(zeros) == 3, done.stdout  # 2026-W01 to 2026-W03, each none
        # The salons file come out with its header alone: every CM's week is a zero for
        # no rows, and cm01's 40 would have gone for one.
        (root / "data" / "salons.csv").write_text("cm,week,attendees\n", "utf-8")
        for lang, said in (
            ("en", "salon_attendees: gave not one figure, where 6 figures are stored for it"),
            ("zh", "okrdesk collect --accept-empty salon_attendees"),
        ):
            done = okrdesk(env, "collect", "--lang", lang, *THROUGH, "-w", str(root))
            told = done.stdout + done.stderr
            assert done.returncode == 1 and said in told, told
            assert _stored(root) == before
        done = okrdesk(env, "collect", "--accept-empty", "salon_attendees", *THROUGH,
                       "-w", str(root))  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert [row[2:] for row in _stored(root)] == [(0, 1)] * 6


def test_an_export_tells_a_zero_for_no_rows_from_a_0_counted_in_every_format(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """cm02's salon of week 3 had 0 attendees, a row of the file; cm02's weeks 1 and 2 had
    no row at all. The store told them apart (``no_rows``), the export did not: both
    went out as a bare 0. ``no_rows``, after every column, is 1 (JSON ``true``) for the
    zeros for no rows alone."""
    root = _workspace(write_workspace)
    (root / "data" / "salons.csv").write_text("cm,week,attendees\ncm01,1,40\ncm02,2,0\n", "utf-8")
    with installed_package(tmp_path, "salons", SALONS) as env:
        done = okrdesk(env, "collect", *THROUGH, "-w", str(root))
        assert done.returncode == 0, done.stdout + done.stderr
        exported = {fmt: okrdesk(env, "export", "--format", fmt, "-w", str(root))
                    for fmt in ("csv", "json")}  # fmt: skip
        book = tmp_path / "export.xlsx"
        done = okrdesk(env, "export", "--out", str(book), "-w", str(root))
        assert done.returncode == 0, done.stderr
    expected = {
        ("cm01", "2026-W01"): (0, True), ("cm01", "2026-W02"): (40, False),
        ("cm01", "2026-W03"): (0, True), ("cm02", "2026-W01"): (0, True),
        ("cm02", "2026-W02"): (0, True), ("cm02", "2026-W03"): (0, False),
    }  # fmt: skip
    assert [(s, p, v, bool(z)) for s, p, v, z in _stored(root)] == [
        (*key, *figure) for key, figure in expected.items()
    ]
    document = json.loads(exported["json"].stdout)
    assert {
        (o["subject"], o["period"]): (o["value"], o["no_rows"])
        for o in document["observations"] if o["metric"] == "salon_attendees"
    } == expected  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(exported["csv"].stdout.lstrip("\ufeff"))))
    assert list(rows[0])[-3:] == ["grain", "ratio", "no_rows"]  # after every column before
    assert {
        (r["subject"], r["period"]): (float(r["value"]), r["no_rows"] == "1")
        for r in rows if r["metric"] == "salon_attendees"
    } == expected  # fmt: skip
    assert {r["no_rows"] for r in rows} == {"0", "1"}
    [head, *body] = openpyxl.load_workbook(book)["observations"].iter_rows(values_only=True)
    at = {name: head.index(name) for name in ("subject", "period", "value", "no_rows")}
    assert {
        (row[at["subject"]], row[at["period"]]): (row[at["value"]], row[at["no_rows"]] == 1)
        for row in body if row[0] == "salon_attendees"
    } == expected  # fmt: skip


@pytest.mark.parametrize("many", [False, True], ids=["emit", "emit.many"])
def test_a_plugin_that_words_its_zeros_as_before_no_rows_has_them_kept_as_such(
    write_workspace: WriteWorkspace, tmp_path: Path, many: bool
) -> None:
    root = _workspace(write_workspace)
    with installed_package(tmp_path, "salons", SALONS) as env:
        env = {**env, "OKRDESK_TEST_WORDED": "1", **({"OKRDESK_TEST_MANY": "1"} if many else {})}
        done = okrdesk(env, "collect", "--lang", "en", *THROUGH, "-w", str(root))
        assert done.returncode == 0, done.stdout + done.stderr
        before = _stored(root)
        assert [row[2:] for row in before] == [(0, 1), (40, 0), (0, 1), (0, 1), (0, 1), (0, 1)]
        (root / "data" / "salons.csv").write_text("cm,week,attendees\n", "utf-8")
        done = okrdesk(env, "collect", "--lang", "en", *THROUGH, "-w", str(root))
        assert done.returncode == 1, done.stdout + done.stderr
        assert _stored(root) == before


def test_no_rows_beside_a_figure_other_than_0_is_refused_in_both_languages(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = _workspace(write_workspace)
    with installed_package(tmp_path, "salons", SALONS) as env:
        env = {**env, "OKRDESK_TEST_ZERO": "3"}
        for lang, said in (
            (
                "en",
                "cm01 2026-W01: no_rows=True is for a value of 0, not 3 (from roster.csv row 2)",
            ),
            ("zh", "no_rows=True 只用于 value 为 0 的数字，现为 3"),
        ):
            done = okrdesk(env, "collect", "--lang", lang, *THROUGH, "-w", str(root))
            told = done.stdout + done.stderr
            assert done.returncode == 1 and said in told, told
            assert "Traceback" not in told
        assert _stored(root) == []


def test_a_store_from_before_keeps_its_zeros_worded_for_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "okrdesk.db"
    db = sqlite_utils.Database(path)
    for migration in MIGRATIONS[:24]:
        migration(db)
    db.execute("INSERT INTO runs (id, started, status, command) VALUES (1, '', 'ok', 'collect')")
    week = ("2026-W02", "2026-01-05", "2026-01-11")
    for subject, cut, value, source in [
        ("cm01", "", 0, "no row of funding.csv counts, so 0; clients.csv rows 2-9"),
        ("cm02", "", 0, "no row of funding.csv counts, so 0"),
        ("cm03", "", 0, "SQL metric deals: no rows, so none (no_rows_means_zero)"),
        ("cm04", "", 0, "SQL metric other: no rows, so none (no_rows_means_zero)"),
        ("cm05", "", 0, "funding.csv rows 2-9"),
        ("cm06", "", 5, "no row of funding.csv counts, so 0"),
        ("cm07", "gender=female", 0, "no row of funding.csv counts, so 0"),
    ]:
        db.execute(
            "INSERT INTO observations (metric, period, subject, slice, period_start, "
            "period_end, value, source, plugin, run_id) VALUES ('deals', ?, ?, ?, ?, ?, ?, "
            "?, 'p', 1)",
            [week[0], subject, cut, *week[1:], value, source],
        )
    db.execute("PRAGMA user_version = 24")
    db.conn.commit()
    db.close()
    with Store.open(path) as store:
        marked = store.query("SELECT subject, slice, no_rows FROM observations ORDER BY 1")
    assert marked == [
        ("cm01", "", 1), ("cm02", "", 1), ("cm03", "", 1), ("cm04", "", 0),
        ("cm05", "", 0), ("cm06", "", 0), ("cm07", "gender=female", 0),
    ]  # fmt: skip


SIGNUPS = """\
from okrdesk.model import MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    # Net: a client who signs and leaves counts -1, so a 0 of the whole says nothing of
    # its slices unless it is a zero for no rows.
    register(MetricSpec("net_signups", "Net sign-ups", "净签约客户", "flow", UNITS["户"],
                        dimensions=("channel",)))


@hookimpl
def okrdesk_collect(request, emit):
    for period in request.periods:
        emit("net_signups", "cm01", period.id, value=0, dimensions={"channel": "app"},
             source="signups.csv row 2")
        emit("net_signups", "cm02", period.id, value=0, no_rows=True,
             source="signups.csv rows 2-9")
"""

SIGNUPS_OKRS = """\
[[objectives]]
id = "O8"
title = "网点签约"
owner = "branch"

[[objectives.key_results]]
id = "OUTLET"
title = "网点渠道净签约"
metric = "net_signups"
where = { channel = "outlet" }
target = 20
unit = "户"
[objectives.key_results.members]
cm01 = 10
cm02 = 10
"""


def test_a_slice_of_a_subject_whose_every_figure_is_a_zero_for_no_rows_is_0(
    backend: Backend, tmp_path: Path
) -> None:
    """李强 signed no client through any channel, each week a zero for no rows: none
    through the outlets either, 0 of 10, not 暂无数据; 王芳's app sign-ups, given in
    slices, say she had none through the outlets too."""
    root = backend.workspace({"signups.toml": SIGNUPS_OKRS})
    with installed_package(tmp_path, "signups", SIGNUPS) as env:
        done = okrdesk(env, "collect", "--lang", "en", *THROUGH, "-w", str(root))
        assert done.returncode == 0, done.stdout + done.stderr
        for person in ("cm01", "cm02"):
            done = okrdesk(env, "report", "--as-of", "2026-01-18", "--unit", person,
                           "--format", "json", "-w", str(root))  # fmt: skip
            assert done.returncode == 0, done.stderr
            (kr,) = [k for o in json.loads(done.stdout)["objectives"]
                     for k in o["key_results"] if k["id"] == "O8.OUTLET"]  # fmt: skip
            assert kr["actual"] == 0, (person, kr)
