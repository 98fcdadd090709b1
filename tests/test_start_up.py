"""What a report spends before and around its figures (issue 15: the demo report within
10× a bare `python -c pass`): attrs' compiled ``__init__``s kept beside the bytecode,
the check-ins read once, ``--as-of`` read without ``strptime``, nothing copied to make
a report printable when nothing in it needs to change."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.model import Checkin
from okrdesk.report.document import Report
from okrdesk.report.reads import read_for_one_report
from okrdesk.report.render import printable_copy
from okrdesk.store import Store
from sample_workspace import WriteWorkspace
from test_report import AS_OF

# ------------------------------------------------------- attrs' compiled methods

SHOW = """
import json, okrdesk.app.report, okrdesk.records as r
from decimal import Decimal
from okrdesk.model import Milestone, OrgUnit
try:
    Milestone("Q1", Decimal(2))
except ValueError as error:
    refused = str(error)
unit = OrgUnit("b1", "Branch", "branch")
print(json.dumps({
    "compiled": r.methods.compiled, "added": r.methods.added, "folder": r.methods.folder,
    "path": r.methods.file_of("okrdesk.model"), "read": sorted(r.methods.modules),
    "refused": refused, "repr": repr(unit), "file": type(unit).__init__.__code__.co_filename,
}))
"""


def _shown(prefix: Path, script: str = SHOW, **more: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    # One hash seed unless a test asks for another: attrs' __hash__ texts are then alike.
    env.update({"PYTHONPYCACHEPREFIX": str(prefix), "PYTHONHASHSEED": "1", **more})
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def test_attrs_compiles_okrdesk_s_methods_once_and_they_behave_the_same(tmp_path: Path) -> None:
    first = _shown(tmp_path)
    kept = Path(first["path"])
    assert kept.is_file() and kept.is_relative_to(tmp_path)  # beside the bytecode
    assert first["added"] > 60
    # A file for each module whose classes were made, and only those read.
    files = {path.name.split(".cpython")[0] for path in kept.parent.glob("*.bin")}
    assert files == set(first["read"])
    assert {"okrdesk.model", "okrdesk.report.document"} <= files
    assert "okrdesk.plugins.runner" not in files  # a collect's, not a report's
    second = _shown(tmp_path)
    assert second["added"] == 0
    assert second["compiled"] == first["compiled"] - first["added"]  # only others' classes
    for shown in (first, second):
        assert shown["refused"] == "fraction must be between 0 and 1, not 2"
        assert shown["repr"] == (
            "OrgUnit(id='b1', name='Branch', level='branch', parent=None, lead=None)"
        )
        assert shown["file"] == "<attrs generated methods okrdesk.model.OrgUnit>"


EXACT = """
from __future__ import annotations  # as in attr._make, whose compile() this is held to
import json, okrdesk.records as r
made = []
code = r.methods.code

def checked(script, filename):
    found = code(script, filename)
    made.append([found == compile(script, filename, "exec"), r._HASH in script, filename])
    return found

r.methods.code = checked
import okrdesk.app.report, okrdesk.engine.budget
from okrdesk.periods import parse_period
week = parse_period("2026-W47")
number = hash("<attrs generated hash okrdesk.periods.Period>")
print(json.dumps({"made": made, "compiled": r.methods.compiled, "added": r.methods.added,
                  "hash": hash(week) == hash((number, week.start, week.end, week.id)),
                  "digits": len(str(number))}))
"""


def test_a_kept_hash_takes_this_process_s_number_and_is_what_compile_makes(
    tmp_path: Path,
) -> None:
    written = _shown(tmp_path, EXACT, PYTHONHASHSEED="1")
    hashed = {filename for _, has_hash, filename in written["made"] if has_hash}
    assert hashed == {"<attrs generated methods okrdesk.periods.Period>"}  # hashed where hot
    others = written["compiled"] - written["added"]  # other packages' classes, never kept
    kept_digits = {written["digits"]}
    for seed in ("2", "3", "4", "5", "random", "2"):
        read = _shown(tmp_path, EXACT, PYTHONHASHSEED=seed)
        assert all(exact for exact, _, _ in read["made"])
        assert read["hash"]
        assert {filename for _, has_hash, filename in read["made"] if has_hash} == hashed
        # Kept from an earlier run whose number has as many characters; else compiled.
        assert read["compiled"] - others == (0 if read["digits"] in kept_digits else 1)
        kept_digits.add(read["digits"])
    assert len(kept_digits) > 1  # some seed's number had to be compiled anew


def test_a_damaged_or_foreign_file_is_ignored_and_written_again(tmp_path: Path) -> None:
    kept = sorted(Path(_shown(tmp_path)["folder"]).glob("*.bin"))
    assert kept
    for damage in (b"", b"not what okrdesk writes", None):
        for path in kept:
            path.write_bytes(path.read_bytes()[:-10] if damage is None else damage)
        again = _shown(tmp_path)
        assert again["added"] > 60
        assert _shown(tmp_path)["added"] == 0


def test_a_kept_method_that_does_not_read_back_as_code_is_compiled_again(tmp_path: Path) -> None:
    import marshal
    import zlib

    from okrdesk import records

    kept = sorted(Path(_shown(tmp_path)["folder"]).glob("*.bin"))
    texts = {path: marshal.loads(path.read_bytes()[len(records._HEADER) + 4 :]) for path in kept}
    assert texts and all(isinstance(code, bytes) for t in texts.values() for code in t.values())
    for damage in (b"\x00", marshal.dumps("not code")):
        for path, its in texts.items():
            payload = marshal.dumps(dict.fromkeys(its, damage))
            path.write_bytes(records._HEADER + zlib.crc32(payload).to_bytes(4, "big") + payload)
        again = _shown(tmp_path)
        assert again["added"] > 60
        assert again["refused"] == "fraction must be between 0 and 1, not 2"
        assert _shown(tmp_path)["added"] == 0


def test_nothing_is_written_where_bytecode_may_not_be(tmp_path: Path) -> None:
    shown = _shown(tmp_path, PYTHONDONTWRITEBYTECODE="1")
    assert shown["added"] > 60
    assert not Path(shown["folder"]).exists()


# ------------------------------------------------------------- check-ins read once


@pytest.fixture(scope="module")
def demo(copy_of_the_demo: Callable[[str], Path]) -> Path:
    return copy_of_the_demo("start-up")


class _Counting:
    """The store, counting how often each of its reads is asked for."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.asked: dict[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.store, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.asked[name] = self.asked.get(name, 0) + 1
            return found(*args, **kwargs)

        return counted


def _checked_in_by_people(store: Store) -> tuple[list[Checkin], list[str], list[str]]:
    """The demo's check-ins with two people's added, every key result checked in and one
    not, and the plan's subjects, as the report gives them: p02's stand for another
    branch's."""
    day = dt.date.fromisoformat(AS_OF)
    for n, (kr, person) in enumerate([("O1.KR2", "p01"), ("O1.KR2", "p02"), ("C1.KR2", "p01")]):
        store.add_checkin(kr, person, day - dt.timedelta(days=n), float(n))
    every = store.checkins()
    key_results = [*sorted({c.key_result for c in every}), "O9.NOTHING"]
    own = [s for s in sorted({c.subject for c in every}) if s != "p02"]
    assert len(key_results) > 5 and len(own) >= 2
    return every, key_results, own


def test_a_report_reads_the_check_ins_once_and_answers_as_the_store(
    demo: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "okrdesk.db"
    copy.write_bytes((demo / "okrdesk.db").read_bytes())
    with Store.open(copy, create=False) as store:
        every, key_results, own = _checked_in_by_people(store)
        counting = _Counting(store)
        reads = read_for_one_report(counting, own)  # type: ignore[arg-type]
        for kr in key_results:
            for subject in own:
                assert reads.checkins(kr, subject) == store.checkins(kr, subject)
            assert reads.checkins(kr, subjects=own) == store.checkins(kr, subjects=own)
            assert reads.checkins(kr, subjects=own[:2]) == store.checkins(kr, subjects=own[:2])
        assert reads.checkins(subjects=own) == store.checkins(subjects=own)
        assert counting.asked == {"checkins": 1}
        # Another subject's, and every subject's, are the store's to answer.
        assert reads.checkins("O1.KR2", "p02") == store.checkins("O1.KR2", "p02") != []
        assert reads.checkins() == every
        assert counting.asked == {"checkins": 3}
        assert reads.spend() == store.spend()  # everything else is the store's


def test_a_report_reads_the_check_ins_figures_once_and_answers_as_the_store(
    demo: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "okrdesk.db"
    copy.write_bytes((demo / "okrdesk.db").read_bytes())
    year = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    with Store.open(copy, create=False) as store:
        _, key_results, own = _checked_in_by_people(store)
        counting = _Counting(store)
        reads = read_for_one_report(counting, own)  # type: ignore[arg-type]
        for kr in key_results:
            for subjects in (own, own[:2], own[1:2]):
                found = reads.checkin_figures(kr, subjects, *year)
                assert found == store.checkin_figures(kr, subjects, *year)
        assert reads.checkin_figures(None, own, *year) == store.checkin_figures(None, own, *year)
        assert counting.asked == {"checkin_figures": 1}
        # Another subject's are the store's to answer; another span of days is read again.
        assert reads.checkin_figures("O1.KR2", ["p02"], *year) != []
        assert reads.checkin_figures("O1.KR2", own, year[0], dt.date(2026, 3, 31)) == (
            store.checkin_figures("O1.KR2", own, year[0], dt.date(2026, 3, 31))
        )
        assert counting.asked == {"checkin_figures": 3}


def test_a_report_asks_how_far_each_metric_reaches_once_and_as_the_store(
    demo: Path, tmp_path: Path
) -> None:
    """Each key result on a metric, and each alert, asks for its latest period and the
    day its latest collect read through; the report asks the store once for each."""
    import sqlite3

    from okrdesk.periods import Grain

    copy = tmp_path / "okrdesk.db"
    copy.write_bytes((demo / "okrdesk.db").read_bytes())
    with sqlite3.connect(copy) as connection:
        metrics = [row[0] for row in connection.execute("SELECT DISTINCT metric FROM observations")]
    with Store.open(copy, create=False) as store:
        asked = [(m, g) for m in [*metrics, "no_such_metric"] for g in (Grain.WEEK, Grain.MONTH)]
        counting = _Counting(store)
        reads = read_for_one_report(counting, [])  # type: ignore[arg-type]
        for _ in range(3):
            for metric, grain in asked:
                latest = reads.latest_period_end(metric, grain)
                assert latest == store.latest_period_end(metric, grain)
                through = reads.collected_through(metric, grain)
                assert through == store.collected_through(metric, grain)
            runs = reads.runs()
            assert runs == store.runs() and runs
            runs.clear()  # a caller's list is its own
        assert any(reads.latest_period_end(m, g) is not None for m, g in asked)
        assert any(reads.collected_through(m, g) is None for m, g in asked)
        # The latest run of each plan once too: whether every collect is the plan's own.
        assert counting.asked == {
            "latest_period_end": len(asked), "collected_through": len(asked), "runs": 1,
            "latest_runs": 1,
        }  # fmt: skip


# ------------------------------------------------------------------- --as-of


@pytest.mark.parametrize(
    "typed", ["2026-11-20", "2026-1-5", "2026-02-30", "20261120", "2026-11-20x", "", "x"]
)
def test_as_of_reads_a_day_as_click_s_date_type_does(typed: str) -> None:
    """The same days taken, and the same refused (in words of okrdesk's own)."""
    import click

    from okrdesk.cli.options import DATE

    try:
        expected: object = click.DateTime(formats=["%Y-%m-%d"]).convert(typed, None, None)
    except click.BadParameter:
        expected = f"{typed!r} is not a day; write it as YYYY-MM-DD, for example 2026-11-20"
    try:
        found: object = DATE.convert(typed, None, None)
    except click.BadParameter as error:
        found = error.message
    assert found == expected


def test_a_day_that_does_not_exist_is_refused_as_no_day(tmp_path: Path) -> None:
    args = ["report", "-w", str(tmp_path), "--as-of", "2026-02-30", "--lang", "en"]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 2
    assert "'2026-02-30' is not a day; write it as YYYY-MM-DD" in done.output


# --------------------------------------------------------------- printable copy


def test_a_report_with_nothing_to_escape_is_not_copied(write_workspace: WriteWorkspace) -> None:
    from okrdesk.app.session import open_session
    from okrdesk.report.build import build_report

    session = open_session(write_workspace())
    with Store.open(session.workspace.database) as store:
        built = build_report(session.plan, session.host.metrics, store, session.plan.top,
                             dt.date(2026, 3, 15), "zh")  # fmt: skip
    assert printable_copy(built) is built
    hostile = attrs.evolve(built, plan=attrs.evolve(built.plan, name="分行\x1b[2J\u202e"))
    shown: Report = printable_copy(hostile)
    assert shown.plan.name == "分行\\x1b[2J\\u202e"
    assert shown.objectives is hostile.objectives  # untouched parts are shared


def _records_under(kind: type, seen: set[type]) -> set[type]:
    """``kind`` and every record class its fields' types name, however deep."""
    if kind in seen or not attrs.has(kind):
        return seen
    seen.add(kind)
    for hint in typing.get_type_hints(kind).values():
        for named in _named_types(hint):
            _records_under(named, seen)
    return seen


def _named_types(hint: Any) -> set[Any]:
    """The types a field's type is made of: ``tuple[Row, ...] | None`` is tuple, Row
    and None's type."""
    args = typing.get_args(hint)
    if not args:
        return {hint} if isinstance(hint, type) else set()
    origin = typing.get_origin(hint)
    found = set() if origin in (typing.Union, types.UnionType) else {origin}
    for arg in args:
        found |= _named_types(arg)
    return found


def test_a_printable_copy_looks_only_past_fields_that_cannot_hold_text() -> None:
    from okrdesk.report.render import _text_fields

    plain = {int, float, bool, type(None), dt.date}
    records = _records_under(Report, set())
    assert len(records) > 20
    for kind in records:
        hints = typing.get_type_hints(kind)
        for field in attrs.fields(kind):
            if field.name not in _text_fields(kind):
                named = _named_types(hints[field.name])
                assert named <= plain, (kind.__name__, field.name, hints[field.name])
    # A trend's points (a day and a number) are passed by; what holds text is not.
    from okrdesk.report.document import ReportCheckin, TrendPoint

    for resolved in (False, True):  # as written, and once something has resolved them
        if resolved:
            attrs.resolve_types(TrendPoint)
            attrs.resolve_types(ReportCheckin)
        assert _text_fields(TrendPoint) == ()
        assert "author" in _text_fields(ReportCheckin)
        assert "date" not in _text_fields(ReportCheckin)


# ------------------------------------------------------- the collector at start-up

WATCH_THE_COLLECTOR = """
import gc, json, sys
import okrdesk.app.report as report

seen = {}
made = report.make_report

def make_report(*args, **kwargs):
    seen.update(threshold=gc.get_threshold(), frozen=gc.get_freeze_count())
    return made(*args, **kwargs)

report.make_report = make_report
usual = gc.get_threshold()
sys.argv = ["okrdesk", *sys.argv[1:]]
from okrdesk.cli import main
try:
    main()
except SystemExit as stop:
    print(json.dumps({"code": stop.code, "usual": usual, **seen}), file=sys.stderr)
"""


AS_A_LIBRARY = """
import gc, sys
from okrdesk.cli import cli
usual = gc.get_threshold()
cli.main(sys.argv[1:], standalone_mode=False)
print(gc.get_threshold() == usual, gc.get_freeze_count(), file=sys.stderr)
"""


def _run(script: str, demo: Path) -> subprocess.CompletedProcess[str]:
    argv = ["report", "-w", str(demo), "--as-of", AS_OF]
    return subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True,
                          env={**os.environ, "OKRDESK_LOAD_PLUGINS": "brokerage"})  # fmt: skip


def test_the_command_collects_rarely_once_it_has_imported_what_it_runs(demo: Path) -> None:
    from okrdesk.cli.start_up import COMMAND_THRESHOLD

    done = _run(WATCH_THE_COLLECTOR, demo)
    seen = json.loads(done.stderr.strip().splitlines()[-1])
    assert seen["code"] == 0
    # The report's own work is still collected, every COMMAND_THRESHOLD allocations.
    assert seen["threshold"] == [COMMAND_THRESHOLD, *seen["usual"][1:]]
    assert seen["frozen"] > 20_000  # what the command imported is never walked again
    assert done.stdout == _run(AS_A_LIBRARY, demo).stdout


def test_okrdesk_used_as_a_library_leaves_the_collector_alone(demo: Path) -> None:
    done = _run(AS_A_LIBRARY, demo)
    assert done.stderr.split() == ["True", "0"], done.stderr
    assert "深圳福田营业部" in done.stdout


def test_a_command_holds_the_collector_back_and_freezes_what_it_imported() -> None:
    import gc

    from okrdesk.cli import start_up

    usual = gc.get_threshold()
    try:
        start_up.starting()
        assert gc.get_threshold() == (start_up.COMMAND_THRESHOLD, *usual[1:])
        frozen = gc.get_freeze_count()
        imported = [[n] for n in range(3)]  # stands for what a command imports
        start_up.started()
        assert gc.get_freeze_count() >= frozen + len(imported)
        # The command's own work is still collected, rarely: never switched off.
        assert gc.isenabled()
        assert gc.get_threshold() == (start_up.COMMAND_THRESHOLD, *usual[1:])
    finally:
        gc.set_threshold(*usual)
        gc.unfreeze()
        start_up._usual = None


def test_started_leaves_a_library_user_s_collector_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from okrdesk.cli import start_up

    monkeypatch.setattr(start_up, "_usual", None)  # no ``starting`` before: a library's use
    usual, frozen = gc.get_threshold(), gc.get_freeze_count()
    start_up.started()
    assert (gc.get_threshold(), gc.get_freeze_count()) == (usual, frozen)


COUNT_EARLY_COLLECTIONS = """
import gc, json, sys
from okrdesk.__main__ import main
early = []
gc.callbacks.append(lambda phase, info: phase == "start" and not gc.get_freeze_count()
                    and early.append(info["generation"]))
sys.argv = ["okrdesk", "--version"]
try:
    main()
except SystemExit as stop:
    print(json.dumps({"code": stop.code, "early": len(early), "click": "click" in sys.modules}),
          file=sys.stderr)
"""


def test_the_command_imports_click_and_its_command_line_without_a_collection() -> None:
    done = subprocess.run([sys.executable, "-c", COUNT_EARLY_COLLECTIONS], capture_output=True,
                          text=True, env={**os.environ, "OKRDESK_LOAD_PLUGINS": ""})  # fmt: skip
    seen = json.loads(done.stderr.strip().splitlines()[-1])
    assert seen == {"code": 0, "early": 0, "click": True}, done.stderr
    assert done.stdout.startswith("okrdesk, version ")


# ------------------------------------------------------- how the command ends


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (2, 2), (130, 130), ("no", 1)])
def test_the_command_ends_with_the_status_python_would_give(code: object, status: int) -> None:
    from okrdesk.__main__ import exit_status

    assert exit_status(code) == status


def _command(*argv: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "okrdesk", *argv], capture_output=True,
                          env={**os.environ, "OKRDESK_LOAD_PLUGINS": "brokerage"})  # fmt: skip


def test_the_command_s_output_and_status_are_whole_when_it_ends(demo: Path) -> None:
    out = _command("report", "-w", str(demo), "--as-of", AS_OF)
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode() == _run(AS_A_LIBRARY, demo).stdout  # Python's own ending
    # Larger than a pipe holds, so written while the reader reads: every byte arrives.
    written = demo.parent / "observations.csv"
    _command("export", "-w", str(demo), "--format", "csv", "--out", str(written))
    exported = _command("export", "-w", str(demo), "--format", "csv")
    assert exported.returncode == 0, exported.stderr
    assert len(exported.stdout) > 200_000
    assert exported.stdout == written.read_bytes()
    bad = _command("report", "-w", str(demo), "--as-of", "2026-02-30")
    assert bad.returncode == 2 and b"2026-02-30" in bad.stderr and not bad.stdout
    unknown = _command("report", "-w", str(demo), "--unit", "nosuch")  # okrdesk's own message
    assert unknown.returncode == 2 and b'"nosuch"' in unknown.stderr
    problems = _command("check", "-w", str(demo), "--as-of", AS_OF)  # 1: there are problems
    assert problems.returncode == 1 and problems.stdout.endswith(b"\n"), problems.stderr


CTRL_C_WHILE_LOADING = """
import os, signal, sys

class CtrlC:
    # A real Ctrl-C (SIGINT to this process) as Python looks for the command line's module.
    def find_spec(self, name, path=None, target=None):
        if name == "okrdesk.cli":
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, CtrlC())
from okrdesk.__main__ import main
sys.argv = ["okrdesk", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize(
    ("argv", "said"), [([], "已中断（Ctrl-C）"), (["--lang", "en"], "interrupted (Ctrl-C)")]
)
def test_a_ctrl_c_while_the_command_line_loads_is_said_not_a_traceback(
    argv: list[str], said: str
) -> None:
    """The first tenth of a second, a Ctrl-C as soon as Enter is pressed: it printed
    Python's traceback of the import it came in, and ended by the signal."""
    done = subprocess.run([sys.executable, "-c", CTRL_C_WHILE_LOADING, "report", *argv],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 130, done.stderr
    assert done.stderr == f"\n{said}\n"
    assert done.stdout == ""


ENDS_UNFLUSHED = """
import atexit, sys
import okrdesk.cli
from okrdesk.__main__ import main

def command():
    # Python flushes what the command wrote; an exit handler writes after that.
    atexit.register(lambda: sys.stdout.write("handler ran"))
    sys.stdout.write("x" * 100_000)
    sys.exit(3)

okrdesk.cli.main = command
main()
"""


def test_what_is_left_unflushed_is_written_and_the_status_kept() -> None:
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    done = subprocess.run([sys.executable, "-c", ENDS_UNFLUSHED], capture_output=True, text=True,
                          env=buffered)  # fmt: skip
    assert (done.returncode, done.stderr) == (3, "")
    assert done.stdout == "x" * 100_000 + "handler ran"


def test_the_command_s_exit_handlers_run_before_it_ends(demo: Path, tmp_path: Path) -> None:
    # A fresh bytecode folder: the command compiles attrs' methods, and an exit handler
    # keeps them (records.py); the process must not end before it has.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(
        [sys.executable, "-m", "okrdesk", "report", "-w", str(demo), "--as-of", AS_OF],
        capture_output=True, env={**env, "PYTHONPYCACHEPREFIX": str(tmp_path),
                                  "OKRDESK_LOAD_PLUGINS": "brokerage"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert list(tmp_path.rglob("attrs-methods/okrdesk.*.bin"))


def test_a_storing_command_leaves_its_store_whole_in_one_file(demo: Path, tmp_path: Path) -> None:
    # Python's own ending would close a store left open, folding its write-ahead log
    # into okrdesk.db; the command's ending does not, so every command closes its store
    # itself, and a store copied alone after any of them holds everything.
    root = tmp_path / "demo"
    shutil.copytree(demo, root)
    for argv in (
        ["collect", "--through", AS_OF],
        ["checkin", "O2.KR2b", "75%"],
        ["spend", "add", "dataops", "1", "--signed-by", "陈建国"],
        ["report", "--as-of", AS_OF],
    ):
        done = _command(*argv, "-w", str(root))
        assert done.returncode == 0, (argv, done.stderr)
        assert sorted(p.name for p in root.glob("okrdesk.db*")) == ["okrdesk.db"], argv
